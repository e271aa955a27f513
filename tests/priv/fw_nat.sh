# lsec fw forward/unforward and masquerade/unmasquerade: A routes between
# B (10.200.0.0/24) and C (10.201.0.0/24, only A knows the way).  Once per
# backend (legacy tables, nf_tables).
. "$LSEC_SRC/tests/fw_helpers.sh"
fw_backends "$@"
fw_setup "$@"
netns_pair
NS_C=lsec-c-$$.$RANDOM
ip netns add "$NS_C" || exit 1
at_exit "ip netns del $NS_C"
in_c() { ip netns exec "$NS_C" "$@"; }
ip link add veth-ac netns "$NS_A" type veth peer name veth-ca netns "$NS_C" || exit 1
ip -n "$NS_A" addr add 10.201.0.1/24 dev veth-ac
ip -n "$NS_C" addr add 10.201.0.2/24 dev veth-ca
ip -n "$NS_A" link set veth-ac up
ip -n "$NS_C" link set veth-ca up
ip -n "$NS_C" link set lo up
ip -n "$NS_C" route add default via 10.201.0.1
ip -n "$NS_A" addr add fd00:201::1/64 dev veth-ac nodad
ip -n "$NS_C" addr add fd00:201::2/64 dev veth-ca nodad
ip -n "$NS_C" -6 route add default via fd00:201::1
for i in $(seq 1 50); do in_a ping -c1 -W1 -q 10.201.0.2 >/dev/null 2>&1 && break; sleep 0.1; done
tcp_listen in_c 9000 "$T/c.log"
tcp_listen in_b 7000 "$T/b.log"

# --- forward ---
expect_rc 0 "forward with ip_forward off" in_a "$LSEC" fw forward 8080/tcp --to 10.201.0.2:9000 --json
expect_match 'ip_forward is off' "$ERR" "warns that ip_forward is off"
expect_eq "$(json_get "$OUT" 'len(d["added"]), len(d["warnings"])')" "4 1" "DNAT x2 + FORWARD x2, one warning"
if is_nft; then
	expect_match 'tcp dport 8080 fib daddr type local counter packets 0 bytes 0 dnat ip to 10.201.0.2:9000' \
		"$(in_a nft list chain inet lsec prerouting)" "nft lists the DNAT in lsec's prerouting chain"
else
	expect_match '^-A LSEC-PREROUTING .*-j DNAT --to-destination 10.201.0.2:9000$' \
		"$(in_a iptables-legacy-save -t nat)" "iptables-legacy-save prints the DNAT (revision 2)"
fi
in_a sysctl -qw net.ipv4.ip_forward=1
# legacy: only lsec's FORWARD accepts let it through (an nf_tables accept
# cannot override another table's drop, so there forwarding stays open)
is_legacy && in_a iptables-legacy -w -P FORWARD DROP
expect_rc 0 "B connects to A:8080" tcp_connect in_b $ADDR_A 8080
expect_eq "$(tail -1 "$T/c.log")" "$ADDR_B" "listener on C saw B (DNAT, forwarded)"
expect_rc 0 "A itself connects to its own :8080 (nat OUTPUT)" tcp_connect in_a $ADDR_A 8080
expect_eq "$(tail -1 "$T/c.log")" "$ADDR_A" "listener on C saw A's local connection"
expect_rc 0 "forward again" in_a "$LSEC" fw forward 8080/tcp --to 10.201.0.2:9000 --json
expect_eq "$(jchanged "$OUT")" "False" "forward is idempotent"
expect_rc 0 "list --commands" in_a "$LSEC" fw list --commands
expect_eq "$OUT" "lsec fw forward 8080/tcp --to 10.201.0.2:9000" "the forward listed as one command"
expect_rc 0 "unforward" in_a "$LSEC" fw unforward 8080/tcp --to 10.201.0.2:9000 --json
expect_eq "$(jcount removed "$OUT")" "4" "unforward removes all four rules"
expect_fails "B cannot reach :8080 after unforward" tcp_connect in_b $ADDR_A 8080 0.5
is_legacy && in_a iptables-legacy -w -P FORWARD ACCEPT

# --- forward over IPv6 ---
in_a sysctl -qw net.ipv6.conf.all.forwarding=1
for i in $(seq 1 50); do in_a ping -6 -c1 -W1 -q fd00:201::2 >/dev/null 2>&1 && break; sleep 0.1; done
expect_rc 0 "forward over IPv6" in_a "$LSEC" fw forward 8443/tcp --to [fd00:201::2]:9000 --json
expect_eq "$(jcount added "$OUT")" "4" "IPv6 forward: four rules"
is_legacy && expect_match '^-A LSEC-PREROUTING .*-j DNAT --to-destination \[fd00:201::2\]:9000$' \
	"$(in_a ip6tables-legacy-save -t nat)" "ip6tables-legacy-save prints the IPv6 DNAT"
expect_rc 0 "B connects to [A]:8443 over IPv6" tcp_connect in_b $ADDR6_A 8443
expect_eq "$(tail -1 "$T/c.log")" "$ADDR6_B" "listener on C saw B's IPv6 address"
expect_rc 0 "unforward over IPv6" in_a "$LSEC" fw unforward 8443/tcp --to [fd00:201::2]:9000 -q

# --- masquerade ---
expect_fails "C->B without masquerade (B has no route back)" tcp_connect in_c $ADDR_B 7000 0.5
expect_rc 0 "masquerade --out-iface veth-a --from C's net" in_a "$LSEC" fw masquerade --out-iface veth-a --from 10.201.0.0/24 --json
expect_eq "$(jcount added "$OUT")" "1" "one MASQUERADE rule"
expect_rc 0 "C->B with masquerade" tcp_connect in_c $ADDR_B 7000
expect_eq "$(tail -1 "$T/b.log")" "$ADDR_A" "B saw A's address (masqueraded)"
expect_rc 0 "unmasquerade" in_a "$LSEC" fw unmasquerade --out-iface veth-a --from 10.201.0.0/24 --json
expect_eq "$(jchanged "$OUT")" "True" "unmasquerade changed"
in_a sh -c 'command -v conntrack >/dev/null && conntrack -F' >/dev/null 2>&1
expect_fails "C->B fails again after unmasquerade" tcp_connect in_c $ADDR_B 7000 0.5

# save/restore round trip with NAT rules
expect_rc 0 "forward for the round trip" in_a "$LSEC" fw forward 2222/tcp --to 10.201.0.2 --in-iface veth-a
if is_nft; then
	in_a nft list ruleset >"$T/saved"
	in_a nft flush ruleset
	expect_rc 0 "nft -f accepts the saved ruleset" in_a nft -f "$T/saved"
else
	in_a iptables-legacy-save >"$T/saved"
	expect_rc 0 "iptables-legacy-restore accepts the saved rules" in_a iptables-legacy-restore "$T/saved"
fi
expect_rc 0 "forward still known after the restore" in_a "$LSEC" fw forward 2222/tcp --to 10.201.0.2 --in-iface veth-a --json
expect_eq "$(jchanged "$OUT")" "False" "restored rules read back as lsec's"
finish
