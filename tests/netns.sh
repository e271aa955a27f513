# Throwaway network namespaces for tests/priv, joined by a veth pair.
# Source after tests/lib.sh and call private_run first, then:
#   netns_pair            # creates $NS_A and $NS_B, torn down at exit
#   in_a CMD...           # run CMD in A;  in_b CMD...  likewise
# Addresses (inside the namespaces only): A 10.200.0.1/24 fd00:200::1/64,
# B 10.200.0.2/24 fd00:200::2/64.  Interfaces: veth-a in A, veth-b in B.
NS_A=""
NS_B=""
ADDR_A=10.200.0.1
ADDR_B=10.200.0.2
ADDR6_A=fd00:200::1
ADDR6_B=fd00:200::2

netns_pair() {
	local id=$$.$RANDOM
	NS_A=lsec-a-$id
	NS_B=lsec-b-$id
	ip netns add "$NS_A" && ip netns add "$NS_B" || { echo "ip netns add failed"; exit 1; }
	at_exit "ip netns del $NS_A; ip netns del $NS_B"
	ip link add veth-a netns "$NS_A" type veth peer name veth-b netns "$NS_B" || exit 1
	ip -n "$NS_A" addr add $ADDR_A/24 dev veth-a
	ip -n "$NS_B" addr add $ADDR_B/24 dev veth-b
	ip -n "$NS_A" addr add $ADDR6_A/64 dev veth-a nodad
	ip -n "$NS_B" addr add $ADDR6_B/64 dev veth-b nodad
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set veth-a up
	ip -n "$NS_B" link set veth-b up
	# wait for the link to carry traffic
	local i
	for i in $(seq 1 50); do
		ip netns exec "$NS_A" ping -c1 -W1 -q $ADDR_B >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "veth pair did not come up"; exit 1
}
in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }
