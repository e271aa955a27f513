# lsec fw blocklist with real traffic, once per backend (nf_tables sets,
# ipsets): 100,000 addresses load, a listed address is dropped and others
# pass, one add/del on the full list, CIDRs, IPv6, timeouts expire, an
# atomic refresh (--replace), idempotence, --check, bad input, removal.
. "$LSEC_SRC/tests/fw_helpers.sh"
fw_backends "$@"
fw_setup "$@"
is_legacy && { command -v ipset >/dev/null || skip "ipset not installed"; }
netns_pair
bl() { in_a "$LSEC" fw blocklist "$@"; }
entries() {
	in_a "$LSEC" fw blocklist list bad --json >"$T/list.json"
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["blocklists"][0]["entries"])' "$T/list.json"
}

# 100,000 addresses that are not the test peers (100.64.0.0/10)
python3 -c '
for i in range(100000):
    print("100.%d.%d.%d" % (64 + (i >> 16), (i >> 8) & 255, i & 255))' >"$T/feed"

expect_rc 0 "create" bl create bad --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["backend"]')" "True $LSEC_FW_BACKEND" "create: changed, on this backend"
expect_rc 0 "create again" bl create bad --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "create is idempotent"
expect_rc 2 "add to a list that does not exist" bl add nosuch 192.0.2.1
expect_match "blocklist 'nosuch' does not exist" "$ERR" "names the missing list"
expect_rc 2 "bad list name" bl create 'bad name!'
expect_rc 2 "bad action" bl frobnicate bad

# --- load 100,000 ---
start=$(date +%s%N)
expect_rc 0 "load 100,000 addresses" bl add bad --file "$T/feed" --json
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# load of 100,000: ${ms} ms"
expect_eq "$(json_get "$OUT" 'd["changed"], d["added"]')" "True 100000" "all 100,000 added"
expect_eq "$(entries)" "100000" "the list holds 100,000"
expect_rc 0 "ping B->A (not listed) passes" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "load again" bl add bad --file "$T/feed" --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["added"]')" "False 0" "reload: no change"

# --- one add / del on the full list ---
expect_rc 0 "add B" bl add bad $ADDR_B --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["added"]')" "True 1" "one address added"
expect_rc 1 "B->A dropped" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "add B again" bl add bad $ADDR_B --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "adding a listed address: no change"
expect_rc 0 "list" bl list --json
expect_match '^[1-9]' "$(json_get "$OUT" 'd["blocklists"][0]["packets"]')" "the list counts dropped packets"
expect_rc 0 "del B" bl del bad $ADDR_B --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["removed"]')" "True 1" "one address removed"
expect_rc 0 "B->A passes again" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "del B again" bl del bad $ADDR_B --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "deleting an absent address: no change"

# --- --check ---
expect_rc 0 "add --check" bl add bad $ADDR_B --check --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["check"]')" "True True" "--check reports the change"
expect_rc 0 "--check changed nothing (traffic)" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "del --check" bl del bad $ADDR_B --check --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "--check changed nothing (B not listed)"

# --- CIDR and IPv6 ---
expect_rc 0 "add B's network" bl add bad 10.200.0.0/24
expect_rc 1 "B->A dropped by the network" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "del B's network" bl del bad 10.200.0.0/24
expect_rc 0 "B->A passes" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "add B's IPv6 address" bl add bad $ADDR6_B
expect_rc 1 "IPv6 B->A dropped" in_b ping -6 -c1 -W1 -q $ADDR6_A
expect_rc 0 "IPv4 B->A unaffected" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "del B's IPv6 address" bl del bad $ADDR6_B
expect_rc 0 "IPv6 B->A passes" in_b ping -6 -c1 -W1 -q $ADDR6_A

# --- timeouts expire ---
expect_rc 0 "add B for 2s" bl add bad $ADDR_B --timeout 2s
expect_rc 1 "B->A dropped while listed" in_b ping -c1 -W1 -q $ADDR_A
sleep 3
expect_rc 0 "B->A passes after the timeout" in_b ping -c1 -W1 -q $ADDR_A
expect_eq "$(entries)" "100000" "the entry expired from the list"
expect_rc 2 "a timeout below 1s is refused" bl add bad 192.0.2.1 --timeout 500ms

# --- bad input: nothing changes ---
printf '192.0.2.1\n192.0.2.2\n10.0.0.300\n' >"$T/badfeed"
expect_rc 2 "a bad line rejects the file" bl add bad --file "$T/badfeed"
expect_match "$T/badfeed:3: .*'10.0.0.300'" "$ERR" "error names FILE:LINE and the value"
expect_rc 0 "are the good lines of the bad file listed?" bl add bad 192.0.2.1 192.0.2.2 --check --json
expect_eq "$(json_get "$OUT" 'd["added"]')" "2" "nothing from the bad file was added"

# --- refresh from a new feed: atomic replace ---
printf '%s\n' 192.0.2.1 $ADDR_B 198.51.100.0/24 >"$T/feed2"
expect_rc 0 "replace with a small feed" bl add bad --file "$T/feed2" --replace --json
expect_eq "$(json_get "$OUT" 'd["added"], d["removed"], d["entries"]')" "3 100000 3" "the list is exactly the new feed"
expect_rc 1 "B->A dropped (B in the new feed)" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "replace again" bl add bad --file "$T/feed2" --replace --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "same feed: no change"

# --- nested CIDRs: nf_tables interval sets refuse overlaps, lsec settles
# them (a CIDR inside a listed one is already blocked; a wider one replaces
# the entries it holds); ipset's hash:net keeps both.  Either way every
# address asked for is blocked. ---
expect_rc 0 "add a CIDR holding B" bl add bad 10.200.0.0/24 --json
expect_rc 0 "add a CIDR inside it and one beside" bl add bad 10.200.0.128/25 203.0.113.0/24 --json
if is_nft; then
	expect_eq "$(json_get "$OUT" 'd["added"], d["removed"]')" "1 0" "nft: the inner CIDR is already blocked"
fi
expect_rc 0 "add a wider CIDR" bl add bad 10.200.0.0/16 --json
if is_nft; then
	expect_eq "$(json_get "$OUT" 'd["added"], d["removed"]')" "1 1" "nft: the wider CIDR replaces the one it holds"
fi
expect_rc 1 "B->A dropped (inside every CIDR)" in_b ping -c1 -W1 -q $ADDR_A
printf '%s\n' 10.200.0.0/24 10.0.0.0/8 10.200.0.0/16 192.0.2.1 $ADDR_B 198.51.100.0/24 >"$T/nested"
expect_rc 0 "replace with a feed of nested CIDRs" bl add bad --file "$T/nested" --replace --json
expect_rc 0 "list after" bl list bad --json
if is_nft; then
	expect_eq "$(json_get "$OUT" 'sorted(a["address"] for a in d["blocklists"][0]["addresses"])')" \
		"['10.0.0.0/8', '10.200.0.2', '192.0.2.1', '198.51.100.0/24']" "nft: the outermost CIDRs, and the addresses (a set of their own)"
else
	expect_eq "$(json_get "$OUT" 'd["blocklists"][0]["entries"]')" "6" "legacy: hash:net keeps all six"
fi
expect_rc 1 "B->A dropped after the nested refresh" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "replace again" bl add bad --file "$T/nested" --replace --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "nested feed again: no change"

# --- removal (legacy: lsec fw block's own sets are no blocklist and stay) ---
is_legacy && in_a "$LSEC" fw block 192.0.2.99 -q
expect_rc 0 "flush the list" bl flush bad --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["removed"]')" "True $(is_nft && echo 4 || echo 6)" "flush removes the list"
expect_rc 0 "B->A passes after flush" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "flush again" bl flush bad --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "second flush: no change"
expect_rc 0 "list" bl list
expect_match 'no blocklists' "$OUT" "no list left"
if is_nft; then
	expect_no_match 'lsec_bl' "$(in_a nft list tables)" "its table is gone"
else
	expect_no_match 'lsec-bad' "$(in_a ipset list -name)" "its ipsets are gone"
	expect_no_match 'LSEC-BLOCKLIST' "$(in_a iptables-legacy-save)" "its chain and jumps are gone"
	expect_match '^192\.0\.2\.99 ' "$(in_a ipset list lsec-input-src4)" "lsec fw block's set is left alone"
	expect_match '^-A LSEC-INPUT -m set --match-set lsec-input-src4 ' "$(in_a iptables-legacy-save)" "and its rule"
	in_a "$LSEC" fw flush -q
fi
finish
