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
trap 'rm -f "$OUT" "$OUT".[0-3]' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
# Contestants run round-robin (one of each per round), so a noisy neighbour
# slows them alike.  Each run appends "wall user sys" to $OUT.N.
TIMEFORMAT='%R %U %S'
one() { # N CMD...
	local n=$1 t
	shift
	t=$( { time "$@" >/dev/null 2>&1; } 2>&1)
	echo "$t" >>"$OUT.$n"
}
# "median-wall-ms median-cpu-ms" (cpu = user + sys of everything the run
# started, the tracer included)
stats() {
	echo "$(awk '{printf "%d\n", $1 * 1000}' "$OUT.$1" | median)" \
		"$(awk '{printf "%d\n", ($2 + $3) * 1000}' "$OUT.$1" | median)"
}

"${WORK[@]}" >/dev/null 2>&1 # warm-up
for ((i = 0; i < RUNS; i++)); do
	one 0 "${WORK[@]}"
	one 1 "$LSEC" profile gen -o "$OUT" -- "${WORK[@]}"
	one 2 strace -f -e trace=%file -o /dev/null "${WORK[@]}"
	one 3 strace -f --seccomp-bpf -e trace=%file -o /dev/null "${WORK[@]}"
done
read -r base basec < <(stats 0)
read -r gen genc < <(stats 1)
read -r sfull sfullc < <(stats 2)
read -r ssec ssecc < <(stats 3)
files=$(find "$DIR" -type f | wc -l)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b ? b : 1) }'; }
secs() { awk -v a="$1" 'BEGIN { printf "%.2f s", a / 1000 }'; }

echo "Workload: \`find $DIR -type f -exec cat {} +\` ($files files), median of $RUNS rounds"
echo "(contestants in turn, after a warm-up run), $(nproc) CPUs, kernel $(uname -r). CPU = user + system time"
echo "of the whole run (tracer included)."
echo
echo "| run | wall time | wall vs untraced | wall vs strace --seccomp-bpf | CPU time | CPU vs untraced |"
echo "|---|---|---|---|---|---|"
row() { # LABEL WALL CPU
	echo "| $1 | $(secs "$2") | $(ratio "$2" "$base") | $(ratio "$2" "$ssec") | $(secs "$3") | $(ratio "$3" "$basec") |"
}
row "untraced" "$base" "$basec"
row "\`lsec profile gen\`" "$gen" "$genc"
row "\`strace -f -e trace=%file\`" "$sfull" "$sfullc"
row "\`strace -f --seccomp-bpf -e trace=%file\`" "$ssec" "$ssecc"
echo
echo "Profile written: $(grep -c '^  ' "$OUT") rule lines."
