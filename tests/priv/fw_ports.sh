# lsec fw allow/deny PORT[/PROTO] [--from ADDR] with real TCP connections,
# once per backend (legacy tables, nf_tables).
. "$LSEC_SRC/tests/fw_helpers.sh"
fw_backends "$@"
fw_setup "$@"
netns_pair
tcp_listen in_a 8080 "$T/l8080"
tcp_listen in_a 8081 "$T/l8081"

# deny: that port only, both families
expect_rc 0 "deny 8080/tcp" in_a "$LSEC" fw deny 8080/tcp --json
expect_eq "$(jcount added "$OUT")" "2" "deny 8080/tcp: one rule per family"
expect_rc 124 "8080 dropped" tcp_connect in_b $ADDR_A 8080 0.5
expect_rc 124 "8080 dropped over IPv6" tcp_connect in_b $ADDR6_A 8080 0.5
expect_rc 0 "8081 still open" tcp_connect in_b $ADDR_A 8081
expect_rc 0 "deny http-alt (service name) is the same rule" in_a "$LSEC" fw deny http-alt/tcp --json
expect_eq "$(jchanged "$OUT")" "False" "service name resolves to the same port"
expect_rc 0 "deny --delete" in_a "$LSEC" fw deny 8080/tcp --delete --json
expect_eq "$(jcount removed "$OUT")" "2" "deny --delete removes both families"
expect_rc 0 "8080 open again" tcp_connect in_b $ADDR_A 8080

# --from, --reject, ranges
expect_rc 0 "deny 8081 --from B --reject" in_a "$LSEC" fw deny 8081/tcp --from $ADDR_B --reject
expect_rc 1 "8081 refused for B" tcp_connect in_b $ADDR_A 8081 3
expect_rc 0 "8081 still open for A itself" tcp_connect in_a $ADDR_A 8081
expect_rc 0 "deny a range without proto" in_a "$LSEC" fw deny 8000:8080 --json
expect_eq "$(jcount added "$OUT")" "4" "range without PROTO: tcp and udp, both families"
expect_rc 124 "8080 (in the range) dropped" tcp_connect in_b $ADDR_A 8080 0.5
expect_rc 0 "list --commands" in_a "$LSEC" fw list --commands
expect_match "^lsec fw deny 8081/tcp --from $ADDR_B --reject$" "$OUT" "deny --from listed as a command"
expect_match "^lsec fw deny 8000:8080/udp$" "$OUT" "range listed as a command"
expect_rc 0 "flush" in_a "$LSEC" fw flush

# legacy: allow under a DROP policy (someone else's): lsec's ACCEPT lets it
# in.  nf_tables: an accept only ends its own base chain, so nothing lsec
# does can open what another table drops; there the drop is lsec's own
# (deny after allow: the allow, earlier in lsec's chain, wins).
if is_nft; then
	in_a "$LSEC" fw deny 8080:8081/tcp -q
else
	in_a iptables-legacy -w -P INPUT DROP
	in_a ip6tables-legacy -w -P INPUT DROP
fi
expect_rc 124 "policy DROP: 8080 closed" tcp_connect in_b $ADDR_A 8080 0.5
expect_rc 0 "allow 8080/tcp --from B" in_a "$LSEC" fw allow 8080/tcp --from $ADDR_B --json
expect_eq "$(jcount added "$OUT")" "1" "allow --from: one family"
if is_nft; then
	# rules are appended: re-add the deny so that it follows the allow
	in_a "$LSEC" fw deny 8080:8081/tcp --delete -q
	in_a "$LSEC" fw deny 8080:8081/tcp -q
	expect_match 'ip saddr 10.200.0.2 tcp dport 8080 counter packets [0-9]+ bytes [0-9]+ accept' \
		"$(in_a nft list chain inet lsec input | grep -B100 'dport 8080-8081' | head -n -1)" \
		"nft: the allow sits before the deny in chain input"
fi
expect_rc 0 "8080 open for B" tcp_connect in_b $ADDR_A 8080
expect_rc 124 "8081 still closed" tcp_connect in_b $ADDR_A 8081 0.5
expect_rc 124 "IPv6 not opened by an IPv4 --from" tcp_connect in_b $ADDR6_A 8080 0.5
expect_rc 0 "allow again" in_a "$LSEC" fw allow 8080/tcp --from $ADDR_B --json
expect_eq "$(jchanged "$OUT")" "False" "allow is idempotent"
expect_rc 0 "allow --delete" in_a "$LSEC" fw allow 8080/tcp --from $ADDR_B --delete
expect_rc 124 "8080 closed again" tcp_connect in_b $ADDR_A 8080 0.5
finish
