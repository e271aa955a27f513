# Shared shell helpers for tests/cli and tests/priv.  Source it first thing:
#   . "$LSEC_SRC/tests/lib.sh"
# Every check counts; the script ends with `finish`, which prints
# "N passed, N failed" and exits non-zero if anything failed.
set -u
# The distribution's tools first: a version manager's shim on the caller's
# PATH (pyenv's python3 takes ~2 s to start) must not decide what is tested.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
: "${LSEC:?run through ctest (LSEC=path to the lsec binary)}"
LSEC_BUILD=${LSEC_BUILD:-$(dirname "$LSEC")}
PASS=0
FAIL=0
T=$(mktemp -d /tmp/lsec-test.XXXXXX)
_cleanups=()
_on_exit() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" >/dev/null 2>&1; done
	rm -rf "$T"
}
trap _on_exit EXIT
# Run CMD at exit (in reverse order of registration), even if the test fails.
at_exit() { _cleanups+=("$*"); }

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }

# run CMD...: runs it capturing $OUT, $ERR and $RC.
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# expect_rc CODE DESCRIPTION CMD...
expect_rc() {
	local want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$RC" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc: exit $RC, want $want"
		echo "  cmd: $*"; echo "  stdout: ${OUT:0:600}"; echo "  stderr: ${ERR:0:600}"
	fi
}
# expect_match REGEX TEXT DESCRIPTION   (grep -E on TEXT)
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then ok "$3"; else
		not_ok "$3: no match for /$1/"; echo "  in: ${2:0:800}"; fi
}
expect_no_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then
		not_ok "$3: unexpected match for /$1/"; echo "  in: ${2:0:800}"; else ok "$3"; fi
}
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: got '$1', want '$2'"; fi
}
# json_ok TEXT DESCRIPTION: TEXT is exactly one valid JSON document.
json_ok() {
	if printf '%s' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
		ok "$2"; else not_ok "$2: not one valid JSON document"; echo "  got: ${1:0:800}"; fi
}
# json_get TEXT PYEXPR: evaluate a Python expression over the document `d`.
json_get() { printf '%s' "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }

# need_root: skip (exit 77, reported by ctest as skipped, not passed).
need_root() {
	if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root"; exit 77; fi
}
skip() { echo "SKIP: $*"; exit 77; }

# private_run: re-exec this script in a private mount namespace with its own
# /run (tmpfs), so `ip netns`, the xtables lock and friends never touch the
# host's, and nothing is left behind when the test ends.
private_run() {
	need_root
	if [ -z "${LSEC_PRIVATE_RUN:-}" ]; then
		LSEC_PRIVATE_RUN=1 exec unshare -m --propagation private bash "$0" "$@"
	fi
	mount -t tmpfs -o mode=0755 lsec-test-run /run || { echo "cannot mount private /run"; exit 1; }
	export XTABLES_LOCKFILE=/run/xtables.lock
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
