#!/bin/bash
# Wall time of `lsec sandbox trace` (every system call of every process
# stops once: seccomp RET_TRACE) on the `profile gen` workload, next to the
# untraced run and, where strace is installed, `strace -f -c` (which also
# stops on every call, twice), all in one run.  Policy and output go to
# /dev/null.  Prints a Markdown table: median of RUNS runs each, after one
# warm-up run that fills the page cache.
#
# usage: bench/sandbox_trace.sh [LSEC [RUNS [DIR]]]
#   LSEC  the lsec binary (default: build/lsec)
#   RUNS  runs per contestant (default 5)
#   DIR   the tree to read (default /usr/include)
set -u
LSEC=${1:-build/lsec}
RUNS=${2:-5}
DIR=${3:-/usr/include}
[ -x "$LSEC" ] || { echo "no lsec binary at $LSEC" >&2; exit 1; }
WORK=(find "$DIR" -type f -exec cat {} +)
TIMEFORMAT=%R

# seconds CMD...: median wall time of RUNS runs, in seconds
seconds() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		{ time "$@" >/dev/null 2>&1; } 2>&1
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

"${WORK[@]}" >/dev/null 2>&1 # warm-up
base=$(seconds "${WORK[@]}")
trace=$(seconds "$LSEC" sandbox trace -o /dev/null -- "${WORK[@]}")
rules=$("$LSEC" sandbox trace -- "${WORK[@]}" 2>/dev/null | grep -c '^allow ')
echo "Workload: \`find $DIR -type f -exec cat {} +\` ($(find "$DIR" -type f | wc -l) files), median of $RUNS runs, $(nproc) CPUs, $(uname -r)."
echo
echo "| run | wall time (s) | vs untraced |"
echo "|---|---:|---:|"
echo "| untraced | $base | 1.00 |"
echo "| \`lsec sandbox trace -o /dev/null\` | $trace | $(ratio "$trace" "$base") |"
if command -v strace >/dev/null; then
	st=$(seconds strace -f -c -o /dev/null "${WORK[@]}")
	echo "| \`strace -f -c -o /dev/null\` | $st | $(ratio "$st" "$base") |"
fi
echo
echo "Policy learned: $rules allow lines."
