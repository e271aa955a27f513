# lsec fw block/unblock with real traffic between two namespaces, once per
# backend (legacy tables, nf_tables): drop, --out, --reject, IPv6, --file,
# idempotence, --check, --json, list, flush leaving others' rules alone.
. "$LSEC_SRC/tests/fw_helpers.sh"
fw_backends "$@"
fw_setup "$@"
netns_pair
tcp_listen in_a 8080 "$T/a.log"

expect_rc 0 "ping B->A before block" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "TCP B->A before block" tcp_connect in_b $ADDR_A 8080

# --- block (the README demo) ---
expect_rc 0 "block peer" in_a "$LSEC" fw block $ADDR_B --json
json_ok "$OUT" "block --json is one document"
expect_eq "$(jchanged "$OUT")" "True" "block reports changed"
expect_eq "$(jcount added "$OUT")" "1" "one rule added"
expect_eq "$(json_get "$OUT" 'd["added"][0]["chain"]')" "LSEC-INPUT" "rule in LSEC-INPUT"
expect_rc 1 "ping B->A dropped after block" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 124 "TCP B->A times out after block" tcp_connect in_b $ADDR_A 8080 0.5
if is_nft; then
	expect_match 'ip saddr @input_src4 counter packets [0-9]+ bytes [0-9]+ drop' "$(fw_save in_a)" \
		"the address is an element of lsec's set, matched by one rule"
else
	save=$(in_a iptables-legacy-save)
	expect_match '^-A INPUT -m comment --comment lsec -j LSEC-INPUT$' "$save" "single tagged jump from INPUT"
	expect_match '^-A LSEC-INPUT -m set --match-set lsec-input-src4 src -m comment --comment lsec-set -j DROP$' \
		"$save" "the address is matched by lsec's set rule"
	expect_no_match "^-A LSEC-INPUT -s $ADDR_B" "$save" "no per-address rule"
	expect_match "^$ADDR_B packets [0-9]+ bytes [0-9]+\$" "$(in_a ipset list lsec-input-src4)" \
		"the address is an entry of lsec's ipset, with counters"
fi
n=$(rules_in in_a)
expect_rc 0 "status after a block" in_a "$LSEC" fw status --json
expect_eq "$(json_get "$OUT" 'd["families"]["ipv4"]["available"], d["families"]["ipv6"]["available"], d["families"]["ipv4"]["rules"]')" \
	"True True 1" "status: both families available, the block counted"

# --- idempotence and --check ---
expect_rc 0 "block again" in_a "$LSEC" fw block $ADDR_B --json
expect_eq "$(jchanged "$OUT")" "False" "second block: changed false"
expect_eq "$(rules_in in_a)" "$n" "second block: rule count unchanged"
before=$(ruleset in_a)
expect_rc 0 "unblock --check" in_a "$LSEC" fw unblock $ADDR_B --check --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["check"], len(d["removed"])')" "True True 1" \
	"unblock --check reports the removal"
expect_eq "$(ruleset in_a)" "$before" "--check changed nothing"
expect_rc 0 "block --check of a new address" in_a "$LSEC" fw block 192.0.2.9 --check
expect_match 'would be: 1 rule' "$OUT" "--check says what would be added"
expect_eq "$(ruleset in_a)" "$before" "block --check changed nothing"

# --- someone flushes INPUT: the rule is there but not in force (legacy:
# nf_tables base chains hook themselves, there is no jump to lose) ---
if is_legacy; then
	in_a iptables-legacy -w -F INPUT
	expect_rc 0 "ping B->A passes once the jump is gone" in_b ping -c1 -W1 -q $ADDR_A
	expect_rc 0 "block again --check" in_a "$LSEC" fw block $ADDR_B --check --json
	expect_match '"changed":true.*"jumps_restored":1' "$OUT" "--check: the lost jump counts as a change"
	expect_rc 0 "block again" in_a "$LSEC" fw block $ADDR_B --json
	expect_match '"changed":true.*"added":\[\].*"jumps_restored":1' "$OUT" "block restores the jump, adds no rule"
	expect_rc 1 "ping B->A dropped again" in_b ping -c1 -W1 -q $ADDR_A
fi

# --- list ---
expect_rc 0 "list --json" in_a "$LSEC" fw list --json
json_ok "$OUT" "list --json is one document"
expect_eq "$(json_get "$OUT" '[r["source"] for r in d["rules"]]')" "['$ADDR_B']" "list shows the block"
expect_match '^[1-9]' "$(json_get "$OUT" 'd["rules"][0]["packets"]')" "counters count dropped packets"
expect_rc 0 "list --commands" in_a "$LSEC" fw list --commands
expect_eq "$OUT" "lsec fw block $ADDR_B" "list --commands gives the command back"

# --- unblock ---
expect_rc 0 "unblock" in_a "$LSEC" fw unblock $ADDR_B --json
expect_eq "$(jchanged "$OUT")" "True" "unblock reports changed"
expect_rc 0 "ping B->A works after unblock" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "TCP B->A works after unblock" tcp_connect in_b $ADDR_A 8080
expect_rc 0 "unblock again" in_a "$LSEC" fw unblock $ADDR_B --json
expect_eq "$(jchanged "$OUT")" "False" "second unblock: changed false"

# --- --out ---
expect_rc 0 "block --out" in_a "$LSEC" fw block $ADDR_B --out
expect_rc 1 "ping A->B dropped with --out" in_a ping -c1 -W1 -q $ADDR_B
expect_rc 0 "unblock after --out" in_a "$LSEC" fw unblock $ADDR_B
expect_rc 0 "ping A->B works again" in_a ping -c1 -W1 -q $ADDR_B

# --- --reject: refused at once, not a time-out ---
expect_rc 0 "block --reject" in_a "$LSEC" fw block $ADDR_B --reject
start=$(date +%s%N)
expect_rc 1 "TCP B->A refused with --reject" tcp_connect in_b $ADDR_A 8080 5
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2000 ] && ok "refused quickly (${ms} ms)" || not_ok "refusal took ${ms} ms"
expect_rc 0 "unblock removes reject rules" in_a "$LSEC" fw unblock $ADDR_B --json
expect_eq "$(jcount removed "$OUT")" "2" "both reject rules removed"

# --- IPv6 ---
expect_rc 0 "ping6 B->A before" in_b ping -6 -c1 -W1 -q $ADDR6_A
expect_rc 0 "block IPv6 peer" in_a "$LSEC" fw block $ADDR6_B
expect_rc 1 "ping6 B->A dropped" in_b ping -6 -c1 -W1 -q $ADDR6_A
expect_rc 124 "TCP over IPv6 times out" tcp_connect in_b $ADDR6_A 8080 0.5
expect_rc 0 "IPv4 unaffected by the IPv6 block" in_b ping -c1 -W1 -q $ADDR_A
if is_nft; then
	expect_match 'elements = \{ fd00:200::2' "$(in_a nft list set inet lsec_block input_src6)" "address in the IPv6 set"
else
	expect_match '^-A LSEC-INPUT -m set --match-set lsec-input-src6 src ' "$(in_a ip6tables-legacy-save)" \
		"ip6tables matches the IPv6 set"
	expect_match '^fd00:200::2 ' "$(in_a ipset list lsec-input-src6)" "address in the IPv6 ipset"
fi
expect_rc 0 "unblock IPv6 peer" in_a "$LSEC" fw unblock $ADDR6_B
expect_rc 0 "ping6 works again" in_b ping -6 -c1 -W1 -q $ADDR6_A

# --- --file, stdin, FILE:LINE ---
printf '# list\n192.0.2.1\n\n198.51.100.0/24   # net\n2001:db8::7\n' >"$T/list"
expect_rc 0 "block --file" in_a "$LSEC" fw block --file "$T/list" --json
expect_eq "$(jcount added "$OUT")" "3" "three rules from the file"
expect_rc 0 "block --file - (stdin)" in_a bash -c "echo 203.0.113.5 | '$LSEC' fw block --file - --json"
expect_eq "$(jcount added "$OUT")" "1" "one rule from stdin"
before=$(ruleset in_a)
printf '192.0.2.50\n192.0.2.51\n10.0.0.256\n' >"$T/bad"
expect_rc 2 "a bad line rejects the whole file" in_a "$LSEC" fw block --file "$T/bad"
expect_match "$T/bad:3: .*'10.0.0.256'" "$ERR" "error names FILE:LINE and the value"
expect_eq "$(ruleset in_a)" "$before" "nothing from the bad file was added"
expect_rc 0 "unblock --file" in_a "$LSEC" fw unblock --file "$T/list" 203.0.113.5 --json
expect_eq "$(jcount removed "$OUT")" "4" "unblock --file removed all four"

# --- more than 4096 addresses: what is there already is found in one dump
# of the set, not by a lookup each; only the new ones are added ---
python3 -c 'print("\n".join("100.65.%d.%d" % (i // 250, i % 250 + 1) for i in range(5000)))' >"$T/5k"
expect_rc 0 "block --file of 5000" in_a "$LSEC" fw block --file "$T/5k" --json
expect_eq "$(jcount added "$OUT")" "5000" "5000 added"
{ cat "$T/5k"; printf '100.66.0.%d\n' 1 2 3; echo 100.65.0.1; } >"$T/5k3"
expect_rc 0 "block --file of the 5000, 3 new and a repeat" in_a "$LSEC" fw block --file "$T/5k3" --json
expect_eq "$(json_get "$OUT" 'd["changed"], sorted(r["source"] for r in d["added"])')" \
	"True ['100.66.0.1', '100.66.0.2', '100.66.0.3']" "only the 3 new ones are added"
expect_rc 0 "the same again" in_a "$LSEC" fw block --file "$T/5k3" --json
expect_eq "$(json_get "$OUT" 'd["changed"], len(d["added"])')" "False 0" "re-run: no change"
expect_rc 0 "unblock them" in_a "$LSEC" fw unblock --file "$T/5k3" --json
expect_eq "$(jcount removed "$OUT")" "5003" "all 5003 removed"

# --- nested prefixes: nf_tables interval sets refuse overlaps, so on nft a
# prefix inside a blocked one is no change and a wider one replaces what it
# holds; the legacy ipset (hash:net) keeps both.  Either way every address
# asked for is blocked. ---
printf '10.200.0.0/16\n10.200.0.0/24\n' >"$T/nested"
expect_rc 0 "block --file with nested prefixes" in_a "$LSEC" fw block --file "$T/nested" --json
is_nft && expect_eq "$(json_get "$OUT" '[r["source"] for r in d["added"]]')" "['10.200.0.0/16']" \
	"nft: the inner prefix is already blocked by the outer"
expect_rc 1 "ping B->A dropped (B inside both)" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "block a prefix inside a blocked one" in_a "$LSEC" fw block 10.200.1.0/24 --json
is_nft && expect_eq "$(jchanged "$OUT")" "False" "nft: no change, it is blocked already"
expect_rc 0 "block a wider prefix" in_a "$LSEC" fw block 10.0.0.0/8 --json
is_nft && expect_eq "$(json_get "$OUT" '[r["source"] for r in d["added"]], [r["source"] for r in d["removed"]]')" \
	"['10.0.0.0/8'] ['10.200.0.0/16']" "nft: the wider prefix replaces the one it holds"
expect_rc 1 "ping B->A still dropped" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 0 "block the same file again" in_a "$LSEC" fw block --file "$T/nested" --json
is_nft && expect_eq "$(jchanged "$OUT")" "False" "nft: the file is no change under the wider prefix"
expect_rc 0 "unblock them all" in_a "$LSEC" fw unblock 10.0.0.0/8 10.200.0.0/16 10.200.0.0/24 10.200.1.0/24
expect_rc 0 "ping B->A passes again" in_b ping -c1 -W1 -q $ADDR_A

# --- many addresses (nft: point lookups of just these, not a set dump):
# exact added/removed lists, comments kept, re-run no change ---
python3 -c 'print("\n".join("100.64.%d.%d" % (i // 250, i % 250 + 1) for i in range(2000)))' >"$T/many"
echo "$ADDR_B" >>"$T/many"
expect_rc 0 "block --file of 2001" in_a "$LSEC" fw block --file "$T/many" --comment feed --json
expect_eq "$(json_get "$OUT" 'd["changed"], len(d["added"]), d["added"][-1]["comment"]')" "True 2001 lsec: feed" \
	"2001 added, with the comment"
expect_rc 1 "ping B->A dropped (B is in the file)" in_b ping -c1 -W1 -q $ADDR_A
# a file's addresses are a bulk load: on nft they go to a set without
# per-element counters (the set's rule counts them), on legacy every entry
# of the ipset counts
expect_rc 0 "list after the file" in_a "$LSEC" fw list --json
pk=$(json_get "$OUT" '[r["packets"] for r in d["rules"] if r["source"] == "'$ADDR_B'"]')
if is_nft; then
	expect_eq "$pk" "[None]" "nft: a file's address has no counter of its own (null)"
	expect_match 'ip saddr @input_src4_bulk counter packets [1-9][0-9]* bytes [0-9]+ drop' "$(fw_save in_a)" \
		"nft: the file went to the bulk set, whose rule counted the dropped ping"
	expect_match "elements = \\{ .*$ADDR_B" "$(in_a nft list set inet lsec_block input_src4_bulk | tr -d '\n')" \
		"nft: the address is an element of the bulk set"
	expect_match "^ipv4 +filter +- +- +-A LSEC-INPUT -s $ADDR_B/32" "$(in_a "$LSEC" fw list)" \
		"nft: list shows '-' for its counters"
else
	expect_match '^\[[1-9]' "$pk" "legacy: the ipset entry counted the dropped ping"
fi
expect_rc 0 "block --file again" in_a "$LSEC" fw block --file "$T/many" --json
expect_eq "$(json_get "$OUT" 'd["changed"], len(d["added"]), len(d["removed"])')" "False 0 0" \
	"re-run: changed false, nothing added"
expect_rc 0 "block of listed, new and repeated" in_a "$LSEC" fw block 100.64.0.1 192.0.2.77 100.64.7.250 192.0.2.77 --json
expect_eq "$(json_get "$OUT" '[r["source"] for r in d["added"]]')" "['192.0.2.77']" "only the new address is added, once"
expect_rc 0 "list with both kinds" in_a "$LSEC" fw list --json
expect_eq "$(json_get "$OUT" '[(r["source"], r["packets"]) for r in sorted(d["rules"], key=lambda r: r["source"]) if r["source"] in ("192.0.2.77", "100.64.0.1")]' | tr -d "'" | sed 's/None/null/')" \
	"$(is_nft && echo '[(100.64.0.1, null), (192.0.2.77, 0)]' || echo '[(100.64.0.1, 0), (192.0.2.77, 0)]')" \
	"an address named on the command line is counted on its own"
expect_rc 0 "unblock of listed and unlisted" in_a "$LSEC" fw unblock $ADDR_B 198.51.100.99 --json
expect_eq "$(json_get "$OUT" '[(r["source"], r["comment"]) for r in d["removed"]]')" "[('$ADDR_B', 'lsec: feed')]" \
	"only the listed address is removed, with its comment"
expect_rc 0 "ping B->A passes once B is unblocked" in_b ping -c1 -W1 -q $ADDR_A
before=$(ruleset in_a)
expect_rc 0 "unblock --file --check" in_a "$LSEC" fw unblock --file "$T/many" --check --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["check"], len(d["removed"])')" "True True 2000" "--check: the 2000 left would go"
expect_eq "$(ruleset in_a)" "$before" "unblock --check changed nothing"
expect_rc 0 "unblock --file" in_a "$LSEC" fw unblock --file "$T/many" --json
expect_eq "$(json_get "$OUT" 'len(d["removed"]), len({r["source"] for r in d["removed"]})')" "2000 2000" "2000 distinct removed"
expect_rc 0 "list after" in_a "$LSEC" fw list --json
expect_eq "$(json_get "$OUT" '[r["source"] for r in d["rules"]]')" "['192.0.2.77']" "only the single block is left"
# a drop (set element on nft) and reject rules for one address go together
expect_rc 0 "block --reject of a dropped address" in_a "$LSEC" fw block 192.0.2.77 --reject
expect_rc 0 "unblock both kinds" in_a "$LSEC" fw unblock 192.0.2.77 --json
expect_eq "$(json_get "$OUT" 'd["changed"], sorted(r["action"] for r in d["removed"])')" "True ['drop', 'reject', 'reject']" \
	"unblock removes the drop and both rejects"
expect_rc 0 "list empty" in_a "$LSEC" fw list --json
expect_eq "$(json_get "$OUT" 'len(d["rules"])')" "0" "nothing left"

# --- flush leaves others' rules alone ---
if is_nft; then
	in_a nft add table inet other
	in_a nft add chain inet other input '{ type filter hook input priority 0; }'
	in_a nft add rule inet other input ip saddr 192.0.2.200 drop
else
	in_a iptables-legacy -w -A INPUT -s 192.0.2.200 -j DROP
	in_a iptables-legacy -w -N OTHER
	if command -v ipset >/dev/null; then
		in_a ipset create other hash:ip
		in_a ipset add other 192.0.2.201
		expect_rc 0 "a named blocklist before flush" in_a "$LSEC" fw blocklist create keep
		expect_rc 0 "with an entry" in_a "$LSEC" fw blocklist add keep 192.0.2.202
	fi
fi
expect_rc 0 "block before flush" in_a "$LSEC" fw block 192.0.2.1 2001:db8::1 --both --comment "to flush"
expect_rc 0 "flush" in_a "$LSEC" fw flush --json
expect_eq "$(jchanged "$OUT")" "True" "flush reports changed"
if is_nft; then
	expect_no_match 'lsec' "$(in_a nft list tables)" "no lsec table left"
	expect_match 'ip saddr 192.0.2.200 drop' "$(in_a nft list table inet other)" "others' table and rule kept"
else
	expect_no_match 'LSEC-(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)' \
		"$(in_a iptables-legacy-save; in_a ip6tables-legacy-save)" "no lsec chain or jump left"
	expect_match '^-A INPUT -s 192.0.2.200/32 -j DROP$' "$(in_a iptables-legacy-save)" "others' rule kept"
	expect_match '^:OTHER' "$(in_a iptables-legacy-save)" "others' chain kept"
	if command -v ipset >/dev/null; then
		sets=$(in_a ipset list -name)
		expect_no_match '^lsec-(input|output|forward)-' "$sets" "lsec's block sets destroyed"
		expect_match '^other$' "$sets" "a foreign ipset kept"
		expect_match '^192\.0\.2\.201$' "$(in_a ipset list other)" "with its entry"
		expect_match '^lsec-keep-4$' "$sets" "the named blocklist's set kept"
		expect_match '^192\.0\.2\.202( |$)' "$(in_a ipset list lsec-keep-4)" "with its entry"
		expect_match 'LSEC-BLOCKLIST' "$(in_a iptables-legacy-save)" "and its rule"
		in_a "$LSEC" fw blocklist flush keep
		in_a ipset destroy other
	fi
fi
expect_rc 0 "flush again" in_a "$LSEC" fw flush --json
expect_eq "$(jchanged "$OUT")" "False" "second flush: changed false"

# --- status ---
expect_rc 0 "status --json" in_a "$LSEC" fw status --json
json_ok "$OUT" "status --json is one document"
expect_eq "$(json_get "$OUT" 'd["backend"], d["families"]["ipv4"]["available"]')" "$LSEC_FW_BACKEND True" "status names the backend"
expect_eq "$(json_get "$OUT" 'd["backend_source"]')" "LSEC_FW_BACKEND" "status says where the choice came from"
finish
