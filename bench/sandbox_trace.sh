#!/bin/bash
# Wall time of `lsec sandbox trace` (every system call of every process
# stops once: seccomp RET_TRACE) on the `profile gen` workload, next to the
# untraced run and, where strace is installed, `strace -f -c` (which also
# stops on every call, twice), all in one run.  Policy and output go to
# /dev/null.  Prints a Markdown table: median of RUNS runs each (the
# contestants take turns), after one warm-up run that fills the page cache.
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

# wall CMD...: wall time of one run, in seconds
wall() { { time "$@" >/dev/null 2>&1; } 2>&1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
have_strace=0
command -v strace >/dev/null && have_strace=1

"${WORK[@]}" >/dev/null 2>&1 # warm-up
# interleaved, so that a change of load on a shared machine hits all alike
for ((i = 0; i < RUNS; i++)); do
	echo "base $(wall "${WORK[@]}")"
	echo "trace $(wall "$LSEC" sandbox trace -o /dev/null -- "${WORK[@]}")"
	[ $have_strace = 1 ] && echo "strace $(wall strace -f -c -o /dev/null "${WORK[@]}")"
done >"${TMPDIR:-/tmp}/lsec-bench.$$"
pick() { awk -v k="$1" '$1 == k { print $2 }' "${TMPDIR:-/tmp}/lsec-bench.$$" | median; }
base=$(pick base)
trace=$(pick trace)
rules=$("$LSEC" sandbox trace -- "${WORK[@]}" 2>/dev/null | grep -c '^allow ')
echo "Workload: \`find $DIR -type f -exec cat {} +\` ($(find "$DIR" -type f | wc -l) files), median of $RUNS interleaved runs, $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| run | wall time (s) | vs untraced |"
echo "|---|---:|---:|"
echo "| untraced | $base | 1.00 |"
echo "| \`lsec sandbox trace -o /dev/null\` | $trace | $(ratio "$trace" "$base") |"
if [ $have_strace = 1 ]; then
	st=$(pick strace)
	echo "| \`strace -f -c -o /dev/null\` | $st | $(ratio "$st" "$base") |"
fi
rm -f "${TMPDIR:-/tmp}/lsec-bench.$$"
echo
echo "Policy learned: $rules allow lines."
