# Helpers for the tests/priv/fw_*.sh tests; sources lib.sh and netns.sh.
# Traffic only inside the test's own namespaces.  Start a test with
#   . "$LSEC_SRC/tests/fw_helpers.sh"; fw_setup "$@"; netns_pair
. "$LSEC_SRC/tests/lib.sh"
. "$LSEC_SRC/tests/netns.sh"

# fw_setup "$@": root, a private /run and xtables lock, iptables-legacy.
fw_setup() {
	private_run "$@"
	command -v iptables-legacy-save >/dev/null || skip "iptables-legacy not installed"
}

# tcp_listen RUNNER PORT LOG: a TCP listener (IPv4 and IPv6) in RUNNER's
# namespace (in_a, in_b, ...) that appends each client's address to LOG.
tcp_listen() {
	local runner=$1 port=$2 log=$3 i
	: >"$log"
	$runner python3 -c '
import socket, sys
port, log = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", port))
s.listen(64)
import os
with open(log + ".pid", "w") as f:
    f.write(str(os.getpid()))
open(log + ".ready", "w").close()
while True:
    c, a = s.accept()
    with open(log, "a") as f:
        f.write(a[0].removeprefix("::ffff:") + "\n")
    c.close()
' "$port" "$log" &
	for i in $(seq 1 100); do
		if [ -e "$log.ready" ]; then
			at_exit "kill $(cat "$log.pid")"
			return 0
		fi
		sleep 0.05
	done
	echo "listener on port $port did not start"; exit 1
}

# tcp_connect RUNNER HOST PORT [SECONDS]: connect and close; 0 on success,
# 124 on a timeout (dropped), 1 when refused.
tcp_connect() {
	local runner=$1 host=$2 port=$3 t=${4:-2}
	$runner timeout "$t" bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# rules_in RUNNER: number of rules in the legacy tables (both families),
# for "nothing changed" checks.
rules_in() {
	local runner=$1
	{ $runner iptables-legacy-save; $runner ip6tables-legacy-save; } | grep -c '^-A'
}

# ruleset RUNNER: the legacy ruleset without counters and timestamps.
ruleset() {
	local runner=$1
	{ $runner iptables-legacy-save; $runner ip6tables-legacy-save; } | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
}

# expect_fails DESC CMD...: CMD must exit non-zero.
expect_fails() {
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then not_ok "$desc: succeeded"; else ok "$desc"; fi
}

# Cheap readers of lsec's compact JSON (python3 costs seconds on a loaded
# machine; json_ok still validates the documents that matter).
# jchanged TEXT: True or False.   jcount KEY TEXT: rules in array KEY.
jchanged() {
	case $1 in
	*'"changed":true'*) echo True ;;
	*'"changed":false'*) echo False ;;
	*) echo missing ;;
	esac
}
jcount() {
	local s
	case $2 in *"\"$1\":["*) ;; *) echo missing; return ;; esac
	s=${2#*\"$1\":[}
	s=${s%%\],\"*}  # the array ends at '],"next_key' ("[v6]:port" has ']:')
	grep -o '{"family"' <<<"$s" | wc -l
}
