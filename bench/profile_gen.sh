#!/bin/bash
# Wall time of `lsec profile gen` on a file-heavy workload that forks
# (find /usr/include -type f -exec cat {} +), side by side in one run with
# the untraced workload, `strace -f -e trace=%file` and
# `strace -f --seccomp-bpf -e trace=%file` (output to /dev/null for all).
# Prints a Markdown table (median of RUNS runs each, after one warm-up run
# that fills the page cache) and the ratios to the untraced run.
#
# usage: bench/profile_gen.sh [LSEC [RUNS [DIR]]]
#   LSEC  the lsec binary (default: build/lsec)
#   RUNS  runs per contestant (default 5)
#   DIR   the tree to read (default /usr/include)
set -u
LSEC=${1:-build/lsec}
RUNS=${2:-5}
DIR=${3:-/usr/include}
command -v strace >/dev/null || { echo "strace is needed for the comparison" >&2; exit 1; }
[ -x "$LSEC" ] || { echo "no lsec binary at $LSEC" >&2; exit 1; }
WORK=(find "$DIR" -type f -exec cat {} +)
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
run() { # NAME CMD...: prints the median wall time in ms
	local name=$1 t0 i
	shift
	for ((i = 0; i < RUNS; i++)); do
		t0=$(ms)
		"$@" >/dev/null 2>&1
		echo $(($(ms) - t0))
	done | median
}

"${WORK[@]}" >/dev/null 2>&1 # warm-up
base=$(run untraced "${WORK[@]}")
gen=$(run "lsec profile gen" "$LSEC" profile gen -o "$OUT" -- "${WORK[@]}")
sfull=$(run strace "strace" -f -e trace=%file -o /dev/null "${WORK[@]}")
ssec=$(run strace-seccomp strace -f --seccomp-bpf -e trace=%file -o /dev/null "${WORK[@]}")
files=$(find "$DIR" -type f | wc -l)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b ? b : 1) }'; }
secs() { awk -v a="$1" 'BEGIN { printf "%.2f s", a / 1000 }'; }

echo "Workload: \`find $DIR -type f -exec cat {} +\` ($files files), median of $RUNS runs, $(nproc) CPUs, $(uname -r)."
echo
echo "| run | wall time | vs untraced | vs strace --seccomp-bpf |"
echo "|---|---|---|---|"
echo "| untraced | $(secs "$base") | 1.00 | $(ratio "$base" "$ssec") |"
echo "| \`lsec profile gen\` | $(secs "$gen") | $(ratio "$gen" "$base") | $(ratio "$gen" "$ssec") |"
echo "| \`strace -f -e trace=%file\` | $(secs "$sfull") | $(ratio "$sfull" "$base") | $(ratio "$sfull" "$ssec") |"
echo "| \`strace -f --seccomp-bpf -e trace=%file\` | $(secs "$ssec") | $(ratio "$ssec" "$base") | 1.00 |"
echo
echo "Profile written: $(grep -c '^  ' "$OUT") rule lines."
