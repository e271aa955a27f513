# Helpers for the tests/priv/fw_*.sh tests; sources lib.sh and netns.sh.
# Traffic only inside the test's own namespaces.  Start a test with
#   . "$LSEC_SRC/tests/fw_helpers.sh"; fw_backends "$@"; fw_setup "$@"; netns_pair
. "$LSEC_SRC/tests/lib.sh"
. "$LSEC_SRC/tests/netns.sh"

# fw_setup "$@": root, a private /run and xtables lock, and the tools of
# the backend under test ($LSEC_FW_BACKEND, see fw_backends).
fw_setup() {
	private_run "$@"
	need_backend_tools
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

# fw_backends "$@": run this test once per backend, legacy then nft, each
# in its own process with LSEC_FW_BACKEND set; when LSEC_FW_BACKEND is
# already set (by the caller, or by this loop) run just that one.  Call it
# right after sourcing, before private_run.  Exit: failure if any run failed,
# 77 only if every backend skipped.
fw_backends() {
	local b r rc=77
	[ -n "${LSEC_FW_BACKEND:-}" ] && return 0
	for b in legacy nft; do
		echo "# --- backend $b ---"
		LSEC_FW_BACKEND=$b bash "$0" "$@"
		r=$?
		if [ $r -eq 77 ]; then continue; fi
		if [ $r -ne 0 ]; then rc=1; elif [ $rc -eq 77 ]; then rc=0; fi
	done
	exit $rc
}
is_nft() { [ "${LSEC_FW_BACKEND:-}" = nft ]; }
is_legacy() { ! is_nft; }
# need_backend_tools: skip when the backend's own tools are missing.
need_backend_tools() {
	if is_nft; then
		command -v nft >/dev/null || skip "nft not installed"
	else
		command -v iptables-legacy-save >/dev/null || skip "iptables-legacy not installed"
	fi
}

# fw_save RUNNER: the backend's view of the whole ruleset (iptables-save
# style for legacy, `nft list ruleset` for nft).
fw_save() {
	local runner=$1
	if is_nft; then
		$runner nft list ruleset
	else
		{ $runner iptables-legacy-save; $runner ip6tables-legacy-save; }
	fi
}

# block_sets RUNNER: the legacy backend's block ipsets (lsec-input-src4,
# ...) as `ipset save` lines, without counters or hash seeds, sorted.
block_sets() {
	command -v ipset >/dev/null || return 0
	$1 ipset save 2>/dev/null | grep -E '^(create|add) lsec-(input|output|forward)-' |
		sed -e 's/ packets [0-9]* bytes [0-9]*//' -e 's/ initval 0x[0-9a-f]*//' | sort
}

# rules_in RUNNER: number of rules (nft: rules and set elements; legacy:
# rules and entries of the block ipsets) of the backend, for "nothing
# changed" checks.
rules_in() {
	local runner=$1
	if is_nft; then
		$runner nft -j list ruleset | python3 -c '
import json, sys
d = json.load(sys.stdin)["nftables"]
print(sum(1 for o in d if "rule" in o) + sum(len(o["set"].get("elem", [])) for o in d if "set" in o))'
	else
		{ $runner iptables-legacy-save; $runner ip6tables-legacy-save; block_sets "$runner"; } |
			grep -c '^-A\|^add '
	fi
}

# ruleset RUNNER: the ruleset without counters, timestamps or expiry times
# (legacy: with the block ipsets).
ruleset() {
	local runner=$1
	if is_nft; then
		$runner nft list ruleset | sed -e 's/counter packets [0-9]* bytes [0-9]*/counter/' \
			-e 's/ expires [0-9a-z]*//g'
	else
		{ $runner iptables-legacy-save; $runner ip6tables-legacy-save; } | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
		block_sets "$runner"
	fi
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
