# The legacy backend keeps `lsec fw block` addresses in ipsets (one per
# chain, direction, family, host/net) matched by one xt_set rule at the top
# of lsec's chain: real traffic, 100,000 entries with one add/del, idempotence,
# --check, the rule surviving iptables-legacy-save/-restore, roll-back of set
# entries when a commit fails, the upgrade from per-address rules, status,
# and no ipset support (exit 3).  Legacy only (nft: fw_block.sh).
. "$LSEC_SRC/tests/fw_helpers.sh"
export LSEC_FW_BACKEND=${LSEC_FW_BACKEND:-legacy}
is_nft && skip "legacy-only test"
fw_setup "$@"
command -v ipset >/dev/null || skip "ipset not installed"
netns_pair
fw() { in_a "$LSEC" fw "$@"; }
ms_of() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

# --- a block is a set entry; blocked traffic dropped, other traffic passes ---
expect_rc 0 "block a network" fw block 198.51.100.0/24 --comment "bad peer" --json
expect_eq "$(jcount added "$OUT")" "1" "one block added"
expect_rc 0 "B->A passes (B not blocked)" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "block B" fw block $ADDR_B --comment "bad peer" --json
expect_eq "$(jcount added "$OUT")" "1" "one block added"
save=$(in_a iptables-legacy-save)
expect_match '^-A LSEC-INPUT -m set --match-set lsec-input-src4 src -m comment --comment lsec-set -j DROP$' \
	"$save" "hosts: one rule matching lsec-input-src4"
expect_match '^-A LSEC-INPUT -m set --match-set lsec-input-src4-net src -m comment --comment lsec-set -j DROP$' \
	"$save" "networks: one rule matching lsec-input-src4-net"
expect_eq "$(grep -c '^-A LSEC-INPUT' <<<"$save")" "2" "no per-address rule"
expect_match "^$ADDR_B packets 0 bytes 0 comment \"lsec: bad peer\"\$" "$(in_a ipset list lsec-input-src4)" \
	"B is an entry of the host set, with its comment"
expect_match 'Type: hash:ip' "$(in_a ipset list -t lsec-input-src4)" "hosts in hash:ip"
expect_match '^198\.51\.100\.0/24 ' "$(in_a ipset list lsec-input-src4-net)" "the network in the hash:net set"
expect_rc 1 "B->A dropped" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "list" fw list --json
expect_eq "$(json_get "$OUT" '[(r["source"], r["action"], r["comment"]) for r in d["rules"]]')" \
	"[('$ADDR_B', 'drop', 'lsec: bad peer'), ('198.51.100.0/24', 'drop', 'lsec: bad peer')]" \
	"list shows the entries as the block rules, nothing foreign"
expect_match '^[1-9]' "$(json_get "$OUT" 'd["rules"][0]["packets"]')" "the entry counts dropped packets"
expect_rc 0 "status" fw status --json
expect_eq "$(json_get "$OUT" '[c["rules"] for c in d["families"]["ipv4"]["chains"] if c["chain"] == "LSEC-INPUT"][0]')" "2" \
	"status counts the entries as rules of LSEC-INPUT"
expect_rc 0 "unblock B" fw unblock $ADDR_B --json
expect_eq "$(json_get "$OUT" '[(r["source"], r["comment"]) for r in d["removed"]]')" "[('$ADDR_B', 'lsec: bad peer')]" \
	"unblock removes the entry, reported with its comment"
expect_rc 0 "B->A passes after unblock" in_b ping -c1 -W1 -q $ADDR_A
expect_no_match "^$ADDR_B" "$(in_a ipset list lsec-input-src4)" "B left the set"
expect_rc 0 "--out block" fw block $ADDR_B --out
expect_match '^-A LSEC-OUTPUT -m set --match-set lsec-output-dst4 dst ' "$(in_a iptables-legacy-save)" \
	"--out: a destination set in LSEC-OUTPUT"
expect_rc 1 "A->B dropped with --out" in_a ping -c1 -W1 -q $ADDR_B
expect_rc 0 "unblock --out" fw unblock $ADDR_B
expect_rc 0 "A->B passes again" in_a ping -c1 -W1 -q $ADDR_B

# --- blocks win over allows: the set rules are at the top of the chain ---
fw flush -q
expect_rc 0 "allow 22/tcp from B" fw allow 22/tcp --from $ADDR_B
expect_rc 0 "then block B" fw block $ADDR_B
expect_match '^-A LSEC-INPUT -m set' "$(in_a iptables-legacy -S LSEC-INPUT | sed -n 2p)" "a set rule comes first"
tcp_listen in_a 22 "$T/ssh.log"
expect_rc 124 "TCP B->A:22 dropped despite the allow" tcp_connect in_b $ADDR_A 22 0.5
expect_rc 0 "unblock B" fw unblock $ADDR_B
expect_rc 0 "TCP B->A:22 allowed again" tcp_connect in_b $ADDR_A 22
fw flush -q

# --- 100,000 blocks: load, one add/del, idempotence, --check ---
python3 -c '
for i in range(100000):
    print("100.%d.%d.%d" % (64 + (i >> 16), (i >> 8) & 255, i & 255))' >"$T/feed"
t0=$(median3 "$(ms_of fw block 192.0.2.1)" "$(ms_of fw block 192.0.2.2)" "$(ms_of fw block 192.0.2.3)")
start=$(date +%s%N)
expect_rc 0 "block --file of 100,000" fw block --file "$T/feed" -q
echo "# load of 100,000: $(( ($(date +%s%N) - start) / 1000000 )) ms"
expect_match 'Number of entries: 100003' "$(in_a ipset list -t lsec-input-src4)" "the set holds them all"
expect_eq "$(in_a iptables-legacy-save | grep -c '^-A LSEC-INPUT')" "1" "still one rule"
expect_rc 0 "B->A passes (not listed)" in_b ping -c1 -W1 -q $ADDR_A
t1=$(median3 "$(ms_of fw block 192.0.2.4)" "$(ms_of fw block 192.0.2.5)" "$(ms_of fw block 192.0.2.6)")
ti=$(median3 "$(ms_of in_a ipset add lsec-input-src4 192.0.2.7)" "$(ms_of in_a ipset add lsec-input-src4 192.0.2.8)" \
	"$(ms_of in_a ipset add lsec-input-src4 192.0.2.9)")
echo "# one block: ${t0} ms at 3 entries, ${t1} ms at 100,000; ipset add: ${ti} ms"
[ "$t1" -le $(( 3 * t0 + 20 )) ] && ok "one block at 100,000 costs what it costs at 3 (${t1} vs ${t0} ms)" ||
	not_ok "one block at 100,000: ${t1} ms, at 3: ${t0} ms"
expect_rc 0 "block B at 100,000" fw block $ADDR_B --json
expect_eq "$(jchanged "$OUT"), $(jcount added "$OUT")" "True, 1" "one added"
expect_rc 1 "B->A dropped" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "block B again" fw block $ADDR_B --json
expect_eq "$(jchanged "$OUT")" "False" "again: changed false"
expect_rc 0 "block --file again" fw block --file "$T/feed" --json
expect_eq "$(jchanged "$OUT"), $(jcount added "$OUT")" "False, 0" "re-run of 100,000: changed false"
before=$(ruleset in_a)
expect_rc 0 "unblock B --check" fw unblock $ADDR_B --check --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["check"], len(d["removed"])')" "True True 1" "--check reports the removal"
expect_rc 0 "block --check" fw block 192.0.2.99 --check --json
expect_eq "$(jchanged "$OUT")" "True" "--check reports the add"
expect_eq "$(ruleset in_a)" "$before" "--check changed nothing"
expect_rc 0 "unblock B at 100,000" fw unblock $ADDR_B --json
expect_eq "$(jchanged "$OUT"), $(jcount removed "$OUT")" "True, 1" "one removed"
expect_rc 0 "B->A passes" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "status at 100,000" fw status
expect_match 'LSEC-INPUT +100009 rule' "$OUT" "status counts 100,009 entries"

# --- all or nothing: a failed commit rolls the set entries back ---
before=$(ruleset in_a)
expect_rc 1 "block with a failing commit" env LSEC_NF_FAIL_COMMIT=4/filter ip netns exec "$NS_A" "$LSEC" fw block $ADDR_B 203.0.113.0/24
expect_match 'ipset entries were rolled back' "$ERR" "says the entries were rolled back"
expect_eq "$(ruleset in_a)" "$before" "no entry added"
expect_rc 0 "B->A passes" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 1 "unblock with a failing commit" env LSEC_NF_FAIL_COMMIT=4/filter ip netns exec "$NS_A" "$LSEC" fw unblock 100.64.0.1 192.0.2.1
expect_eq "$(ruleset in_a)" "$before" "no entry removed"
expect_rc 1 "IPv4 and IPv6 blocks, the IPv6 commit fails" env LSEC_NF_FAIL_COMMIT=6/filter \
	ip netns exec "$NS_A" "$LSEC" fw block $ADDR_B $ADDR6_B --out
expect_eq "$(ruleset in_a)" "$before" "IPv4 entries, sets and rules made for it are gone again"
expect_rc 0 "A->B passes" in_a ping -c1 -W1 -q $ADDR_B
fw flush -q

# --- upgrade: an older lsec's per-address rule is listed, kept, removable ---
in_a iptables-legacy -w -N LSEC-INPUT
in_a iptables-legacy -w -I INPUT -m comment --comment lsec -j LSEC-INPUT
in_a iptables-legacy -w -A LSEC-INPUT -s $ADDR_B -m comment --comment lsec -j DROP
expect_rc 0 "list an old rule" fw list --json
expect_eq "$(json_get "$OUT" '[(r["source"], r["action"]) for r in d["rules"]]')" "[('$ADDR_B', 'drop')]" \
	"the old rule is listed as a block"
expect_rc 0 "block it again" fw block $ADDR_B --json
expect_eq "$(jchanged "$OUT")" "False" "re-blocking an old rule's address: no change"
expect_no_match 'lsec-input' "$(in_a ipset list -name)" "not migrated silently into a set"
expect_rc 0 "block another address" fw block 192.0.2.50 --json
expect_eq "$(jchanged "$OUT")" "True" "a new address goes to the set"
expect_match "^-A LSEC-INPUT -s $ADDR_B/32 -m comment --comment lsec -j DROP" "$(in_a iptables-legacy-save)" "the old rule stays"
expect_rc 1 "B->A dropped by the old rule" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "unblock the old rule's address" fw unblock $ADDR_B --json
expect_eq "$(jchanged "$OUT"), $(jcount removed "$OUT")" "True, 1" "unblock removes the old rule"
expect_no_match "-s $ADDR_B" "$(in_a iptables-legacy-save)" "the old rule is gone"
expect_rc 0 "B->A passes" in_b ping -c1 -W1 -q $ADDR_A
expect_match '^192\.0\.2\.50 ' "$(in_a ipset list lsec-input-src4)" "the set entry stays"

# --- a set whose rule is gone: status warns, the next change puts it back ---
expect_rc 0 "block B again" fw block $ADDR_B
in_a iptables-legacy -w -F LSEC-INPUT
expect_rc 0 "B->A passes without the set rule" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "status without the set rule" fw status --json
expect_match 'lsec-input-src4 holds 2 blocked address.*no rule' "$OUT" "status warns"
expect_rc 0 "block --check" fw block $ADDR_B --check --json
expect_match '"changed":true.*"added":\[\].*"jumps_restored":1' "$OUT" "--check: the lost set rule counts as a change"
expect_eq "$(in_a iptables-legacy -S LSEC-INPUT | grep -c -- '-m set')" "0" "--check restored nothing"
expect_rc 0 "block B again" fw block $ADDR_B --json
expect_match '"changed":true.*"added":\[\].*"jumps_restored":1' "$OUT" "the set rule is put back, no entry added"
expect_rc 1 "B->A dropped again" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "status" fw status --json
expect_no_match 'no rule matching' "$OUT" "no warning once the rule is back"
expect_rc 0 "flush" fw flush --json
expect_eq "$(jchanged "$OUT")" "True" "flush: changed"
expect_eq "$(in_a ipset list -name | grep -c '^lsec-')" "0" "flush destroys the sets"
expect_rc 0 "flush again" fw flush --json
expect_eq "$(jchanged "$OUT")" "False" "second flush: no change"

# --- no ipset support: exit 3 before anything changes ---
expect_rc 0 "a port rule" fw allow 80/tcp
before=$(ruleset in_a)
expect_rc 3 "block without ipsets" ip netns exec "$NS_A" "$LSEC_PROGS/deny_nfnetlink" "$LSEC" fw block 192.0.2.1 --json
expect_match 'cannot keep ipsets' "$ERR" "says ipsets are unavailable"
expect_match '"kind":"unavailable"' "$OUT" "JSON error kind unavailable"
expect_eq "$(ruleset in_a)" "$before" "nothing changed"
expect_rc 0 "list without ipsets still works" ip netns exec "$NS_A" "$LSEC_PROGS/deny_nfnetlink" "$LSEC" fw list
fw flush -q
finish
