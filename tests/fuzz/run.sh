#!/bin/sh
# Fuzz lsec's parsers of untrusted text with libFuzzer (clang, ASan+UBSan):
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default 60 s; every target)
#
# Targets are the fuzz_*.c files here: json (lsec_jv_parse), apparmor
# (profile parser), aamerge (profile gen --merge's reader), policy
# (seccomp policy files, parsed and resolved), oci (OCI/Docker profile
# import).  Seeds come from what lsec itself writes and
# from the system's AppArmor abstractions; a crash leaves its input in
# build-fuzz/crash-* and makes the script fail.  Needs clang and a built
# tree (for the generated version header): sh .ci/build build.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-json apparmor aamerge policy oci}
out=build-fuzz
mkdir -p "$out"
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 2; }
[ -f build/generated/lsec/version.h ] || sh .ci/build build >/dev/null
libs=$(pkg-config --libs libseccomp libip4tc libip6tc libapparmor libnftables libipset)
flags="-g -O1 -D_GNU_SOURCE -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -Ilib/include -Ibuild/generated"
# the library once, instrumented
objs=""
for c in lib/*/*.c; do
	o="$out/$(echo "$c" | tr / _).o"
	[ "$o" -nt "$c" ] || clang $flags -c "$c" -o "$o"
	objs="$objs $o"
done
seed() { # TARGET DIR: a starting corpus
	case $1 in
	json|oci)
		build/lsec sandbox export --deny @mount,ptrace --format oci >"$2/oci1.json"
		build/lsec sandbox export --allow @system-service --format oci >"$2/oci2.json"
		build/lsec sandbox export --deny 'socket:arg0==16' --action kill --format oci >"$2/oci3.json"
		printf '{"a":[1,2.5e3,-0,true,false,null,"\\u00e9\\n"],"b":{}}' >"$2/misc.json" ;;
	aamerge)
		build/lsec profile gen --static /bin/ls -o "$2/ls.profile" 2>/dev/null || true
		build/lsec profile gen --static /usr/bin/python3 -o "$2/py.profile" 2>/dev/null || true ;;
	apparmor)
		cp tests/fixtures/*.apparmor.in "$2/" 2>/dev/null || true
		find /etc/apparmor.d/abstractions -maxdepth 1 -type f 2>/dev/null | head -40 |
			while read -r f; do cp "$f" "$2/$(basename "$f")"; done ;;
	policy)
		build/lsec sandbox export --deny @mount,ptrace,'socket:arg0==16' --format policy >"$2/p1"
		build/lsec sandbox export --allow @system-service --action kill --format policy >"$2/p2"
		printf 'default errno:ENOSYS\nallow read,write\ndeny open # x\n' >"$2/p3" ;;
	esac
}
rc=0
for t in $targets; do
	clang $flags -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" $objs $libs -o "$out/fuzz_$t"
	corpus="$out/corpus_$t"
	mkdir -p "$corpus"
	seed "$t" "$corpus"
	echo "fuzz_$t: $secs s" >&2
	if ! (cd "$out" && "./fuzz_$t" -max_total_time="$secs" -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "corpus_$t" \
		>"fuzz_$t.log" 2>&1); then
		echo "fuzz_$t: FAILED, see $out/fuzz_$t.log and $out/crash-*" >&2
		tail -30 "$out/fuzz_$t.log" >&2
		rc=1
	else
		grep -E '^stat::number_of_executed_units|^stat::peak_rss' "$out/fuzz_$t.log" >&2 || true
	fi
done
exit $rc
