#!/bin/bash
# Time `lsec fw block --file` of 10,000 and 100,000 addresses against
# `iptables-legacy-restore` of the same rules (same chain, same comment
# match, one commit), in one run, inside a private network namespace with a
# private /run (own xtables lock): the host's firewall is never touched.
#
#   bench/fw_block.sh [PATH/TO/lsec] [RUNS]      (root; default build/lsec, 3)
#
# Prints the median wall time of RUNS runs per method and size, the ratio
# lsec / restore, and the cost of adding one more address to the full list.
set -eu
LSEC=$(realpath "${1:-build/lsec}")
RUNS=${2:-3}
[ "$(id -u)" -eq 0 ] || { echo "needs root (runs in its own namespace)"; exit 1; }
if [ -z "${LSEC_BENCH_NS:-}" ]; then
	LSEC_BENCH_NS=1 exec unshare -n -m --propagation private bash "$0" "$LSEC" "$RUNS"
fi
mount -t tmpfs lsec-bench /run
export XTABLES_LOCKFILE=/run/xtables.lock
export LSEC_FW_BACKEND=${LSEC_FW_BACKEND:-legacy} # this bench measures the legacy tables
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
reset() {
	"$LSEC" fw flush -q
	iptables-legacy -F; iptables-legacy -X
}

printf '%-8s %14s %14s %8s %18s\n' N "lsec (ms)" "restore (ms)" ratio "lsec +1 addr (ms)"
for N in 10000 100000; do
	awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
		printf "10.%d.%d.%d\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' >"$W/list"
	{
		echo '*filter'
		echo ':LSEC-INPUT - [0:0]'
		echo '-I INPUT 1 -m comment --comment lsec -j LSEC-INPUT'
		sed 's|.*|-A LSEC-INPUT -s &/32 -m comment --comment lsec -j DROP|' "$W/list"
		echo COMMIT
	} >"$W/rules"
	l=() ; r=() ; one=()
	for run in $(seq 1 "$RUNS"); do
		reset
		t0=$(ms); "$LSEC" fw block --file "$W/list" -q; t1=$(ms)
		l+=($(( (t1 - t0) / 1000000 )))
		got=$(iptables-legacy-save -t filter | grep -c '^-A LSEC-INPUT')
		[ "$got" -eq "$N" ] || { echo "lsec wrote $got rules, want $N"; exit 1; }
		t0=$(ms); "$LSEC" fw block 192.0.2.1 -q; t1=$(ms)
		one+=($(( (t1 - t0) / 1000000 )))
		reset
		t0=$(ms); iptables-legacy-restore --noflush <"$W/rules"; t1=$(ms)
		r+=($(( (t1 - t0) / 1000000 )))
		got=$(iptables-legacy-save -t filter | grep -c '^-A LSEC-INPUT')
		[ "$got" -eq "$N" ] || { echo "restore wrote $got rules, want $N"; exit 1; }
	done
	lm=$(printf '%s\n' "${l[@]}" | median)
	rm_=$(printf '%s\n' "${r[@]}" | median)
	om=$(printf '%s\n' "${one[@]}" | median)
	printf '%-8s %14s %14s %8s %18s\n' "$N" "$lm" "$rm_" \
		"$(awk -v a="$lm" -v b="$rm_" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" "$om"
done
reset
echo "median of $RUNS runs; kernel $(uname -r), $(nproc) CPUs; $(iptables-legacy --version)"
