# The priv-test harness itself: a private /run and xtables lock, a veth pair
# between two throwaway namespaces that carries traffic, and teardown.
. "$LSEC_SRC/tests/lib.sh"
. "$LSEC_SRC/tests/netns.sh"
private_run "$@"

expect_eq "$XTABLES_LOCKFILE" /run/xtables.lock "private XTABLES_LOCKFILE"
expect_eq "$(findmnt -n -o FSTYPE /run)" tmpfs "/run is a private tmpfs"
netns_pair
expect_match "^$NS_A\$" "$(ip netns list | cut -d' ' -f1)" "namespace A exists"
expect_rc 0 "A pings B over the veth pair" in_a ping -c1 -W2 -q $ADDR_B
expect_rc 0 "B pings A over IPv6" in_b ping -6 -c1 -W2 -q $ADDR6_A
# The host cannot see the test's namespaces: they live under the private /run.
host_view=$(nsenter -t 1 -m ls /run/netns 2>/dev/null || true)
expect_no_match "$NS_A" "$host_view" "namespace not visible in the host's /run/netns"
# Teardown runs at exit even after a failure: check it in a child script.
cat >"$T/child.sh" <<EOS
. "$LSEC_SRC/tests/lib.sh"; . "$LSEC_SRC/tests/netns.sh"
netns_pair; echo "\$NS_A" > "$T/child-ns"; false; exit 1
EOS
bash "$T/child.sh" >/dev/null 2>&1
ns=$(cat "$T/child-ns")
expect_no_match "^$ns\$" "$(ip netns list | cut -d' ' -f1)" "a failing test's namespaces are deleted"
finish
