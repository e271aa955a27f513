#!/bin/bash
# Large blocklists, side by side in one run, each measurement in a fresh
# private network namespace (private /run too): the host's firewall is never
# touched and no traffic leaves the test namespaces.
#
#   bench/fw_blocklist.sh [PATH/TO/lsec] [RUNS]   (root; default build/lsec, 3)
#
# 1. Loading N = 10,000 and 100,000 addresses:
#      lsec fw block --file (per backend), lsec fw blocklist add --file (per
#      backend), iptables-legacy-restore and iptables-nft-restore of one DROP
#      rule per address, ipset restore + one rule, nft -f with a set.
# 2. Adding one address to a 100,000-entry list (5 in a row, per add): lsec
#    fw blocklist add (per backend), lsec fw block (per backend), ipset add,
#    nft add element.
# 3. Idempotent re-run of the 100,000-address load: changed false, time.
# 4. Per-packet cost with 100,000 blocked (none matching) vs empty: a UDP
#    echo between two namespaces over a veth pair, microseconds per round
#    trip (3 batches of 2,000, at most 5 s), the listed pair and an empty
#    pair measured in turn, 5 rounds, medians.
# Medians of RUNS runs; ratios are what to compare on a shared machine.
set -u
LSEC=$(realpath "${1:-build/lsec}")
RUNS=${2:-3}
[ "$(id -u)" -eq 0 ] || { echo "needs root (runs in its own namespaces)"; exit 1; }
if [ -z "${LSEC_BENCH_NS:-}" ]; then
	LSEC_BENCH_NS=1 exec unshare -m --propagation private bash "$0" "$LSEC" "$RUNS"
fi
mount -t tmpfs lsec-bench /run
export XTABLES_LOCKFILE=/run/xtables.lock LSEC
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

# fresh SETUP TIMED [CHECK]: in a new network namespace run SETUP, then time
# TIMED (ms, printed); CHECK (optional) must succeed afterwards.
fresh() {
	unshare -n bash -c '
		set -e
		eval "$1" >/dev/null 2>&1
		t0=$(date +%s%N)
		eval "$2" >/dev/null 2>"'"$W"'/err" || { echo "FAILED: $2: $(head -c 300 '"$W"'/err)" >&2; exit 1; }
		t1=$(date +%s%N)
		if [ -n "$3" ]; then eval "$3" >/dev/null 2>&1 || { echo "CHECK FAILED: $3" >&2; exit 1; }; fi
		echo $(( (t1 - t0) / 1000000 ))' _ "$1" "$2" "${3:-}"
}
# med SETUP TIMED [CHECK]: median over RUNS fresh namespaces.
med() {
	local i
	for i in $(seq 1 "$RUNS"); do fresh "$@"; done | median
}

gen() { # N FILE: N addresses in 100.64.0.0/10
	python3 -c '
import sys
for i in range(int(sys.argv[1])):
    print("100.%d.%d.%d" % (64 + (i >> 16), (i >> 8) & 255, i & 255))' "$1" >"$2"
}

declare -A R
for N in 10000 100000; do
	gen "$N" "$W/a$N"
	{ echo '*filter'; sed 's|.*|-A INPUT -s &/32 -j DROP|' "$W/a$N"; echo COMMIT; } >"$W/ipt$N"
	{ echo "create bl hash:net family inet maxelem 4194304"; sed 's|^|add bl |' "$W/a$N"; } >"$W/ipset$N"
	{
		echo 'add table inet t'
		echo 'add chain inet t input { type filter hook input priority -10; }'
		echo 'add set inet t s { type ipv4_addr; }'
		echo 'add rule inet t input ip saddr @s drop'
		printf 'add element inet t s { %s }\n' "$(paste -sd, "$W/a$N")"
	} >"$W/nft$N"
	echo "# loading $N addresses ..." >&2
	R[lsec_block_nft_$N]=$(med "" "LSEC_FW_BACKEND=nft \$LSEC fw block --file $W/a$N -q" \
		"nft list set inet lsec_block input_src4_bulk | grep -q 100.64.0.1")
	R[lsec_block_legacy_$N]=$(med "" "LSEC_FW_BACKEND=legacy \$LSEC fw block --file $W/a$N -q" \
		"ipset test lsec-input-src4 100.64.0.1 && iptables-legacy-save | grep -q -- '--match-set lsec-input-src4 src'")
	R[lsec_bl_nft_$N]=$(med "LSEC_FW_BACKEND=nft \$LSEC fw blocklist create b -q" \
		"LSEC_FW_BACKEND=nft \$LSEC fw blocklist add b --file $W/a$N -q")
	R[lsec_bl_legacy_$N]=$(med "LSEC_FW_BACKEND=legacy \$LSEC fw blocklist create b -q" \
		"LSEC_FW_BACKEND=legacy \$LSEC fw blocklist add b --file $W/a$N -q")
	R[ipt_legacy_$N]=$(med "" "iptables-legacy-restore --noflush <$W/ipt$N")
	R[ipt_nft_$N]=$(med "" "iptables-nft-restore --noflush <$W/ipt$N")
	R[ipset_$N]=$(med "" "ipset restore <$W/ipset$N && iptables-legacy -A INPUT -m set --match-set bl src -j DROP")
	R[nft_$N]=$(med "" "nft -f $W/nft$N")
done

echo "# adding one address to 100,000 ..." >&2
# five single adds in a row (each its own process), per add: the first
# operation after a bulk load pays for the kernel settling the new table
N=100000
R[one_lsec_bl_nft]=$(med "LSEC_FW_BACKEND=nft \$LSEC fw blocklist create b -q; LSEC_FW_BACKEND=nft \$LSEC fw blocklist add b --file $W/a$N -q" \
	"for i in 1 2 3 4 5; do LSEC_FW_BACKEND=nft \$LSEC fw blocklist add b 192.0.2.\$i -q; done")
R[one_lsec_bl_legacy]=$(med "LSEC_FW_BACKEND=legacy \$LSEC fw blocklist create b -q; LSEC_FW_BACKEND=legacy \$LSEC fw blocklist add b --file $W/a$N -q" \
	"for i in 1 2 3 4 5; do LSEC_FW_BACKEND=legacy \$LSEC fw blocklist add b 192.0.2.\$i -q; done")
R[one_lsec_block_nft]=$(med "LSEC_FW_BACKEND=nft \$LSEC fw block --file $W/a$N -q" \
	"for i in 1 2 3 4 5; do LSEC_FW_BACKEND=nft \$LSEC fw block 192.0.2.\$i -q; done")
R[one_lsec_block_legacy]=$(med "LSEC_FW_BACKEND=legacy \$LSEC fw block --file $W/a$N -q" \
	"for i in 1 2 3 4 5; do LSEC_FW_BACKEND=legacy \$LSEC fw block 192.0.2.\$i -q; done")
R[one_ipset]=$(med "ipset restore <$W/ipset$N" "for i in 1 2 3 4 5; do ipset add bl 192.0.2.\$i; done")
R[one_nft]=$(med "nft -f $W/nft$N" "for i in 1 2 3 4 5; do nft add element inet t s { 192.0.2.\$i }; done")

echo "# idempotent re-run ..." >&2
R[rerun_block_nft]=$(med "LSEC_FW_BACKEND=nft \$LSEC fw block --file $W/a$N -q" \
	"LSEC_FW_BACKEND=nft \$LSEC fw block --file $W/a$N --json | grep -q '\"changed\":false'")
R[rerun_block_legacy]=$(med "LSEC_FW_BACKEND=legacy \$LSEC fw block --file $W/a$N -q" \
	"LSEC_FW_BACKEND=legacy \$LSEC fw block --file $W/a$N --json | grep -q '\"changed\":false'")
R[rerun_bl_nft]=$(med "LSEC_FW_BACKEND=nft \$LSEC fw blocklist create b -q; LSEC_FW_BACKEND=nft \$LSEC fw blocklist add b --file $W/a$N -q" \
	"LSEC_FW_BACKEND=nft \$LSEC fw blocklist add b --file $W/a$N --json | grep -q '\"changed\":false'")
R[rerun_bl_legacy]=$(med "LSEC_FW_BACKEND=legacy \$LSEC fw blocklist create b -q; LSEC_FW_BACKEND=legacy \$LSEC fw blocklist add b --file $W/a$N -q" \
	"LSEC_FW_BACKEND=legacy \$LSEC fw blocklist add b --file $W/a$N --json | grep -q '\"changed\":false'")

# --- per packet: UDP echo B -> A over a veth pair ---
# Two pairs of namespaces: one empty, one with the list; measured in turn
# (5 rounds) so that the machine's load drifts over both alike.
echo "# per-packet cost ..." >&2
mkpair() { # ID NET: namespaces lsec-bench-aID, -bID, veth, UDP echo in A
	local id=$1 net=$2
	ip netns add lsec-bench-a$id && ip netns add lsec-bench-b$id || exit 1
	ip link add va netns lsec-bench-a$id type veth peer name vb netns lsec-bench-b$id
	ip -n lsec-bench-a$id addr add $net.1/24 dev va
	ip -n lsec-bench-b$id addr add $net.2/24 dev vb
	for n in a b; do
		ip -n lsec-bench-$n$id link set lo up
		ip -n lsec-bench-$n$id link set v$n up
	done
	ip netns exec lsec-bench-a$id python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 9999))
while True:
    d, a = s.recvfrom(64)
    s.sendto(d, a)' $net.1 &
	pids+=($!)
}
delpair() { ip netns del lsec-bench-a$1; ip netns del lsec-bench-b$1; }
pids=()
trap 'rm -rf "$W"; kill ${pids[*]} 2>/dev/null; for i in 0 1 2 3 4; do delpair $i 2>/dev/null; done' EXIT
# us per round trip: median of 3 batches of 2,000 (at most 5 s)
rtt() { # ID NET
	ip netns exec lsec-bench-b$1 python3 -c '
import socket, sys, time, statistics
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.connect((sys.argv[1], 9999))
res, deadline = [], time.time() + 5
for b in range(3):
    t0 = time.perf_counter()
    for i in range(2000):
        s.send(b"x")
        s.recv(64)
    res.append((time.perf_counter() - t0) / 2000 * 1e6)
    if time.time() > deadline:
        break
print("%.1f" % statistics.median(res))' $2.1
}
# compare ID NET: median rtt of the empty pair and of pair ID, 5 rounds
compare() {
	local e=() c=() i
	for i in 1 2 3 4 5; do
		e+=("$(rtt 0 10.210.0)")
		c+=("$(rtt "$1" "$2")")
	done
	echo "$(printf '%s\n' "${e[@]}" | median) $(printf '%s\n' "${c[@]}" | median)"
}
mkpair 0 10.210.0
mkpair 1 10.211.0
mkpair 2 10.212.0
mkpair 3 10.213.0
mkpair 4 10.214.0
sleep 0.5
A1() { ip netns exec lsec-bench-a1 "$@"; }
A2() { ip netns exec lsec-bench-a2 "$@"; }
A3() { ip netns exec lsec-bench-a3 "$@"; }
A4() { ip netns exec lsec-bench-a4 "$@"; }
A1 "$LSEC" fw block --file "$W/a100000" --backend nft -q
A2 "$LSEC" fw blocklist create b --backend nft -q
A2 "$LSEC" fw blocklist add b --file "$W/a100000" --backend nft -q
A3 "$LSEC" fw blocklist create b --backend legacy -q
A3 "$LSEC" fw blocklist add b --file "$W/a100000" --backend legacy -q
A4 "$LSEC" fw block --file "$W/a100000" --backend legacy -q
rtt 0 10.210.0 >/dev/null # warm up
read -r R[pp_e1] R[pp_block_nft] <<<"$(compare 1 10.211.0)"
read -r R[pp_e2] R[pp_bl_nft] <<<"$(compare 2 10.212.0)"
read -r R[pp_e3] R[pp_bl_legacy] <<<"$(compare 3 10.213.0)"
read -r R[pp_e4] R[pp_block_legacy] <<<"$(compare 4 10.214.0)"

# --- report ---
for N in 10000 100000; do
	echo
	echo "load of $N addresses (ms, median of $RUNS)"
	printf '  %-44s %8s\n' \
		"lsec fw block --file (nft, set)" "${R[lsec_block_nft_$N]}" \
		"lsec fw blocklist add --file (nft)" "${R[lsec_bl_nft_$N]}" \
		"nft -f, plain hash set" "${R[nft_$N]}" \
		"iptables-nft-restore, one rule each" "${R[ipt_nft_$N]}" \
		"lsec fw block --file (legacy, ipset)" "${R[lsec_block_legacy_$N]}" \
		"lsec fw blocklist add --file (legacy, ipset)" "${R[lsec_bl_legacy_$N]}" \
		"ipset restore + one rule" "${R[ipset_$N]}" \
		"iptables-legacy-restore, one rule each" "${R[ipt_legacy_$N]}"
	nftbest=$(printf '%s\n' "${R[nft_$N]}" "${R[ipt_nft_$N]}" | sort -n | head -1)
	legbest=$(printf '%s\n' "${R[ipset_$N]}" "${R[ipt_legacy_$N]}" | sort -n | head -1)
	echo "  ratio lsec block (nft) / fastest nf_tables tool:    $(ratio "${R[lsec_block_nft_$N]}" "$nftbest")"
	echo "  ratio lsec blocklist (nft) / fastest nf_tables tool: $(ratio "${R[lsec_bl_nft_$N]}" "$nftbest")"
	echo "  ratio lsec blocklist (legacy) / ipset restore:      $(ratio "${R[lsec_bl_legacy_$N]}" "${R[ipset_$N]}")"
	echo "  ratio lsec block (legacy) / fastest legacy tool:    $(ratio "${R[lsec_block_legacy_$N]}" "$legbest")"
	echo "  ratio lsec block (legacy) / ipset restore + rule:   $(ratio "${R[lsec_block_legacy_$N]}" "${R[ipset_$N]}")"
	echo "  ratio lsec block (legacy) / iptables-legacy-restore: $(ratio "${R[lsec_block_legacy_$N]}" "${R[ipt_legacy_$N]}")"
done
echo
for k in one_lsec_bl_nft one_lsec_bl_legacy one_lsec_block_nft one_lsec_block_legacy one_ipset one_nft; do
	R[$k]=$(awk -v t="${R[$k]}" 'BEGIN { printf "%.1f", t / 5 }')
done
echo "one more address at 100,000 (ms per add, 5 in a row)"
printf '  %-44s %8s\n' \
	"lsec fw blocklist add (nft)" "${R[one_lsec_bl_nft]}" \
	"lsec fw blocklist add (legacy)" "${R[one_lsec_bl_legacy]}" \
	"lsec fw block (nft)" "${R[one_lsec_block_nft]}" \
	"lsec fw block (legacy)" "${R[one_lsec_block_legacy]}" \
	"ipset add" "${R[one_ipset]}" \
	"nft add element (plain hash set)" "${R[one_nft]}"
echo "  ratio lsec blocklist add (nft) / ipset add:    $(ratio "${R[one_lsec_bl_nft]}" "${R[one_ipset]}")"
echo "  ratio lsec blocklist add (legacy) / ipset add: $(ratio "${R[one_lsec_bl_legacy]}" "${R[one_ipset]}")"
echo "  ratio lsec block (legacy) / ipset add:         $(ratio "${R[one_lsec_block_legacy]}" "${R[one_ipset]}")"
echo
echo "idempotent re-run of 100,000 (ms; changed:false checked)"
printf '  %-44s %8s  (first load %s)\n' \
	"lsec fw block --file (nft)" "${R[rerun_block_nft]}" "${R[lsec_block_nft_100000]}" \
	"lsec fw block --file (legacy)" "${R[rerun_block_legacy]}" "${R[lsec_block_legacy_100000]}" \
	"lsec fw blocklist add --file (nft)" "${R[rerun_bl_nft]}" "${R[lsec_bl_nft_100000]}" \
	"lsec fw blocklist add --file (legacy)" "${R[rerun_bl_legacy]}" "${R[lsec_bl_legacy_100000]}"
echo
echo "per packet: UDP echo round trip B->A (us), 100,000 listed (none matching),"
echo "each against an empty pair measured in turn"
printf '  %-44s %8s %8s %6s\n' "" listed empty ratio \
	"lsec fw block --file (nft set)" "${R[pp_block_nft]}" "${R[pp_e1]}" "$(ratio "${R[pp_block_nft]}" "${R[pp_e1]}")" \
	"lsec fw blocklist (nft sets)" "${R[pp_bl_nft]}" "${R[pp_e2]}" "$(ratio "${R[pp_bl_nft]}" "${R[pp_e2]}")" \
	"lsec fw blocklist (ipset)" "${R[pp_bl_legacy]}" "${R[pp_e3]}" "$(ratio "${R[pp_bl_legacy]}" "${R[pp_e3]}")" \
	"lsec fw block --file (legacy ipset)" "${R[pp_block_legacy]}" "${R[pp_e4]}" "$(ratio "${R[pp_block_legacy]}" "${R[pp_e4]}")"
