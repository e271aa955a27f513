# lsec sandbox: export (BPF through other loaders, PFC, OCI), import of
# OCI/Docker profiles, explain/check round trip, bad input.
. "$LSEC_SRC/tests/lib.sh"
PY=/usr/bin/python3
P=$LSEC_PROGS
S="$LSEC sandbox"

# ---- export / BPF loader ---------------------------------------------------
expect_rc 0 "export bpf" $S export --deny 'socket:arg0==AF_INET' --format bpf -o "$T/f.bpf"
expect_rc 0 "BPF via a plain prctl loader: AF_UNIX works, AF_INET denied" \
	"$P/sc_bpfload" "$T/f.bpf" $PY -c '
import socket
socket.socket(socket.AF_UNIX).close()
try:
    socket.socket(socket.AF_INET); raise SystemExit(2)
except PermissionError:
    pass'
if bwrap --ro-bind / / /bin/true 2>/dev/null; then
	expect_rc 0 "the same BPF through bwrap --seccomp" \
		bwrap --ro-bind / / --seccomp 9 $PY -c '
import socket
socket.socket(socket.AF_UNIX).close()
try:
    socket.socket(socket.AF_INET); raise SystemExit(2)
except PermissionError:
    pass' 9<"$T/f.bpf"
else
	echo "# bwrap not usable here: bwrap --seccomp check skipped"
fi
expect_rc 0 "export bpf, allowlist" $S export --allow @system-service --format bpf -o "$T/a.bpf"
expect_rc 0 "allowlist BPF runs python via the loader" "$P/sc_bpfload" "$T/a.bpf" $PY -c pass
expect_rc 2 "bpf export of a two-filter policy refused" \
	$S export --allow @system-service --deny 'socket:arg0==AF_INET' --format bpf -o "$T/x.bpf"
expect_rc 0 "export pfc" $S export --deny open --format pfc
expect_match 'if \(\$syscall == 257\)' "$OUT" "PFC checks openat"
expect_match 'x86' "$OUT" "PFC covers x86"
expect_rc 0 "export oci" $S export --allow @system-service --deny 'socket:arg0==AF_INET' --action errno:EACCES --format oci
json_ok "$OUT" "OCI export is valid JSON"
expect_eq "$(json_get "$OUT" '(d["defaultAction"], d["defaultErrnoRet"], d["architectures"][0])')" \
	"('SCMP_ACT_ERRNO', 38, 'SCMP_ARCH_X86_64')" "OCI default and architectures"
expect_eq "$(json_get "$OUT" 'all(set(s) <= {"names","action","errnoRet","args"} and s["action"].startswith("SCMP_ACT_") for s in d["syscalls"])')" \
	"True" "OCI syscalls entries are runtime-spec shaped"
expect_eq "$(json_get "$OUT" '[s["args"] for s in d["syscalls"] if "socket" in s["names"] and "args" in s][0]')" \
	"[{'index': 0, 'value': 2, 'valueTwo': 0, 'op': 'SCMP_CMP_EQ'}]" "OCI argument condition"

# ---- import ----------------------------------------------------------------
if [ -r /usr/share/containers/seccomp.json ]; then
	J=/usr/share/containers/seccomp.json
	expect_rc 0 "import containers' default profile" $S import $J -o "$T/imp.policy"
	expect_match 'includes/excludes' "$ERR" "import says where the include/exclude notes are"
	expect_match 'includes caps=CAP_SYS_ADMIN: skipped' "$(cat "$T/imp.policy")" "CAP_SYS_ADMIN includes reported skipped"
	expect_match 'arches=amd64,x32: applied' "$(cat "$T/imp.policy")" "arch includes reported applied"
	expect_rc 0 "imported policy checks" $S check "$T/imp.policy"
	expect_rc 0 "imported policy runs ls" $S run --policy "$T/imp.policy" -- ls /
	expect_rc 0 "export it back to OCI" $S export "$T/imp.policy" --format oci -o "$T/back.json"
	expect_eq "$(python3 - "$J" "$T/back.json" <<'PYEOF'
import json, sys
src, back = (json.load(open(f)) for f in sys.argv[1:])
def key(s, d):
    a = s["action"]; e = s.get("errnoRet", d.get("defaultErrnoRet", 1)) if a == "SCMP_ACT_ERRNO" else None
    args = tuple(sorted((x["index"], x["op"], x["value"], x.get("valueTwo", 0)) for x in (s.get("args") or [])))
    return a, e, args
caps = {"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"}
def applies(s):
    i, x = s.get("includes") or {}, s.get("excludes") or {}
    if any(c not in caps for c in i.get("caps", [])): return False
    if i.get("arches") and "amd64" not in i["arches"]: return False
    if any(c in caps for c in x.get("caps", [])): return False
    return True
want, got, plain = set(), set(), {}
for s in src["syscalls"]:
    if applies(s):
        for n in s["names"]:
            k = key(s, src)
            if k[2]: want.add((n,) + k)
            elif n not in plain or k[0] == "SCMP_ACT_ERRNO": plain[n] = k  # the stricter wins
for n, k in plain.items():
    if not (k[0] == "SCMP_ACT_ERRNO" and k[1] == src["defaultErrnoRet"]): want.add((n,) + k)
for s in back["syscalls"]:
    for n in s["names"]: got.add((n,) + key(s, back))
known = {g[0] for g in got}
missing = {w for w in want if w[0] in known or True} - got
print("equivalent" if back["defaultAction"] == src["defaultAction"] and back.get("defaultErrnoRet") == src["defaultErrnoRet"] and not missing and not (got - want) else ("missing", sorted(missing)[:5], "extra", sorted(got - want)[:5]))
PYEOF
)" "equivalent" "import + export gives back an equivalent profile"
fi
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' >"$T/bad.json"
expect_rc 2 "malformed JSON" $S import "$T/bad.json"
expect_match "bad.json:[0-9]+: column" "$ERR" "JSON error located"

# ---- explain / check round trip ------------------------------------------
printf 'default errno:ENOSYS\nallow @system-service\naction kill\ndeny ptrace\n' >"$T/p1"
expect_rc 0 "explain a policy" $S explain "$T/p1"
expect_match '^deny ptrace  # x86_64=101 x86=26' "$OUT" "explain shows numbers per architecture"
echo "$OUT" >"$T/p2"
expect_rc 0 "explain output is a policy" $S check "$T/p2"
A=$($S explain "$T/p1" | grep -v '^#' | sed 's/  #.*//'); B=$($S explain "$T/p2" | grep -v '^#' | sed 's/  #.*//')
expect_eq "$A" "$B" "explain round-trips"
expect_rc 0 "explain --json" $S explain --json --deny open
json_ok "$OUT" "explain --json"
expect_eq "$(json_get "$OUT" 'sorted(r["syscall"] for r in d["rules"] if r["from"] == "open")')" \
	"['creat', 'open', 'open_by_handle_at', 'openat', 'openat2']" "explain shows the family expansion"
expect_rc 0 "syscalls 257" $S syscalls 257
expect_match 'openat' "$OUT" "number resolves"
expect_rc 0 "syscalls 5 --arch x86" $S syscalls 5 --arch x86
expect_match 'open \(x86\)' "$OUT" "i386 number resolves"

# ---- bad input -------------------------------------------------------------
expect_rc 125 "run: unknown syscall" $S run --deny nosuchcall -- /bin/true
expect_match "nosuchcall" "$ERR" "names the unknown syscall"
expect_rc 125 "run: bad group" $S run --deny @nosuch -- /bin/true
expect_match "@nosuch" "$ERR" "names the group"
expect_rc 125 "run: malformed condition" $S run --deny 'socket:arg0=2' -- /bin/true
expect_match "socket:arg0=2" "$ERR" "names the condition"
expect_rc 125 "run: bad errno" $S run --deny socket --action errno:EWHAT -- /bin/true
expect_match "EWHAT" "$ERR" "names the errno"
expect_rc 127 "run: command not found" $S run --deny socket -- /nonexistent/cmd
expect_rc 126 "run: not executable" $S run --deny socket -- /etc/hostname
expect_rc 125 "run: no rules" $S run -- /bin/true
printf 'deny open\nallow read\nfrobnicate x\n' >"$T/bad1"
expect_rc 2 "check: bad keyword" $S check "$T/bad1"
expect_match "bad1:3: .*frobnicate" "$ERR" "FILE:LINE and the keyword"
expect_rc 125 "run --policy: bad line" $S run --policy "$T/bad1" -- /bin/true
expect_match "bad1:3" "$ERR" "run names FILE:LINE"
printf 'deny nosuchcall\n' >"$T/bad2"
expect_rc 2 "check: unknown syscall" $S check "$T/bad2"
expect_match "bad2:1: .*nosuchcall" "$ERR" "FILE:LINE and the name"
printf 'allow @system-service\ndeny socket:arg0==AF_INET\naction kill\ndeny socket:arg0==AF_PACKET\n' >"$T/conflict"
expect_rc 2 "check: rules libseccomp cannot combine" $S check "$T/conflict"
expect_match "conflict:4: 'socket:arg0==AF_PACKET'" "$ERR" "conflict reported at FILE:LINE"
expect_rc 0 "the same policy, native ABI only" $S run --native-only --policy "$T/conflict" -- /bin/true
expect_rc 2 "explain: bad group" $S explain --deny @nope
expect_rc 2 "export: bad format" $S export --deny open --format yaml
expect_match "yaml" "$ERR" "names the format"
expect_rc 2 "syscalls: unknown" $S syscalls nosuchcall
expect_rc 2 "groups: unknown" $S groups @nope
expect_rc 2 "check: missing file" $S check "$T/none"
expect_rc 2 "--json error" $S check --json "$T/bad2"
json_ok "$OUT" "error as JSON"

finish
