#!/bin/bash
# bench/sandbox.sh BUILD_DIR: side-by-side figures for `lsec sandbox`.
#  1. start-up: `lsec sandbox run ... true` vs plain exec of true (and bwrap,
#     firejail when installed), mean over N runs;
#  2. per-syscall cost: a getppid loop (tests/progs/sc_getppid, real
#     syscalls, no vDSO) with no filter vs under a ~300-syscall allowlist
#     (constant ALLOW: the kernel's bitmap skips BPF), and with getppid
#     argument-checked (BPF runs: binary tree, CTL_OPTIMIZE=2).
# Prints a Markdown table; one run, ratios are what to read (VM noise ~15%).
set -eu
B=${1:-build}
LSEC=$B/lsec
LOOP=$B/progs/sc_getppid
N=${N:-200}
CALLS=${CALLS:-5000000}
[ -x "$LSEC" ] && [ -x "$LOOP" ] || { echo "build first: $LSEC, $LOOP" >&2; exit 2; }

# mean milliseconds of N runs of "$@"
startup() {
	local i t0 t1
	t0=$(date +%s%N)
	for ((i = 0; i < N; i++)); do "$@" >/dev/null 2>&1 || true; done
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%.2f", (b - a) / n / 1e6 }'
}
# median ns/call of 5 runs
percall() {
	local i
	for ((i = 0; i < 5; i++)); do "$@" "$CALLS"; done | sort -n | sed -n 3p
}

ALLOW=$("$LSEC" sandbox explain --json --allow @system-service,@privileged,@mount,@debug,@obsolete,@clock,@cpu-emulation,@pkey,@sandbox,@swap,@reboot,@raw-io,@module \
	| python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for r in d["rules"] if r["numbers"]["x86_64"] is not None))')
BIG="--allow @system-service,@privileged,@mount,@debug,@obsolete,@clock,@cpu-emulation,@pkey,@sandbox,@swap,@reboot,@raw-io,@module"

plain=$(startup /bin/true)
deny=$(startup "$LSEC" sandbox run --deny @mount -- /bin/true)
allow=$(startup "$LSEC" sandbox run $BIG -- /bin/true)
echo "| start-up (mean of $N) | ms | ratio to plain exec |"
echo "|---|---:|---:|"
echo "| /bin/true | $plain | 1.0 |"
ratio() { awk -v a="$1" -v b="$plain" 'BEGIN { printf "%.1f", a / b }'; }
echo "| lsec sandbox run --deny @mount | $deny | $(ratio "$deny") |"
echo "| lsec sandbox run (allowlist, $ALLOW x86-64 syscalls) | $allow | $(ratio "$allow") |"
if command -v bwrap >/dev/null; then
	bw=$(startup bwrap --ro-bind / / /bin/true)
	echo "| bwrap --ro-bind / / | $bw | $(ratio "$bw") |"
fi
if command -v firejail >/dev/null; then
	fj=$(startup firejail --quiet --noprofile --seccomp /bin/true)
	echo "| firejail --noprofile --seccomp | $fj | $(ratio "$fj") |"
fi
echo
none=$(percall "$LOOP")
const=$(percall "$LSEC" sandbox run $BIG -- "$LOOP")
argc=$(percall "$LSEC" sandbox run $BIG --deny getppid:arg0==12345 -- "$LOOP")
echo "| getppid ($CALLS calls, median of 5) | ns/call | ratio |"
echo "|---|---:|---:|"
echo "| no filter | $none | 1.0 |"
r() { awk -v a="$1" -v b="$none" 'BEGIN { printf "%.2f", a / b }'; }
echo "| $ALLOW-syscall allowlist, getppid constant ALLOW | $const | $(r "$const") |"
echo "| same + getppid argument-checked (BPF runs) | $argc | $(r "$argc") |"
