# lsec sandbox: real seccomp filters on real processes (no root needed: the
# filter is loaded with no_new_privs set).
. "$LSEC_SRC/tests/lib.sh"
PY=/usr/bin/python3
P=$LSEC_PROGS
S="$LSEC sandbox"

# ---- the guide's example, done right -------------------------------------
# The guide denies "open" and expects ENOSYS; glibc opens with openat.  lsec's
# "open" is the whole family; from exec on it stops even the dynamic loader.
expect_rc 127 "--deny open: a dynamic program cannot even load libc" \
	$S run --deny open -- $PY -c 'import os; os.open("/etc/hostname", os.O_RDONLY)'
expect_match 'Operation not permitted' "$ERR" "the loader reports EPERM"
expect_match 'cannot load its libraries' "$ERR" "lsec explains why"
expect_rc 159 "--deny open --action kill: killed by SIGSYS" \
	$S run --deny open --action kill -- $PY -c 'import os; os.open("/etc/hostname", 0)'
expect_match 'killed by SIGSYS' "$ERR" "lsec says SIGSYS killed it"
# In-process, as the guide does it: Python loads lsec's exported BPF after
# start-up, then os.open fails with EPERM in a traceback.
LOADPY='import ctypes, os, sys
d = open(sys.argv[1], "rb").read()
libc = ctypes.CDLL(None, use_errno=True)
class P(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("f", ctypes.c_char_p)]
p = P(len(d) // 8, d)
assert libc.prctl(38, 1, 0, 0, 0) == 0
assert libc.prctl(22, 2, ctypes.byref(p), 0, 0) == 0, ctypes.get_errno()
os.open("/etc/hostname", os.O_RDONLY)
print("opened")'
expect_rc 0 "export --deny open as BPF" $S export --deny open --format bpf -o "$T/open.bpf"
expect_rc 1 "guide example in-process: os.open fails" $PY -c "$LOADPY" "$T/open.bpf"
expect_match 'PermissionError: \[Errno 1\] Operation not permitted' "$ERR" "EPERM traceback"
expect_no_match 'opened' "$OUT" "the file was not opened"
expect_rc 0 "export --deny open --action kill" $S export --deny open --action kill --format bpf -o "$T/kill.bpf"
expect_rc 159 "in-process with kill: SIGSYS" $PY -c "$LOADPY" "$T/kill.bpf"
expect_rc 0 "syscalls open shows the family" $S syscalls open
for n in open openat openat2 creat open_by_handle_at; do
	expect_match "^$n +x86_64=" "$OUT" "open family includes $n"
done

# ---- actions ---------------------------------------------------------------
expect_rc 1 "errno (default EPERM)" $S run --deny socket -- $PY -c 'import socket; socket.socket()'
expect_match 'Errno 1\]' "$ERR" "EPERM"
expect_rc 1 "errno:EACCES" $S run --deny socket --action errno:EACCES -- $PY -c 'import socket; socket.socket()'
expect_match 'Errno 13\]' "$ERR" "EACCES"
expect_rc 159 "kill" $S run --deny socket --action kill -- $PY -c 'import socket; socket.socket()'
expect_rc 159 "trap: killed by the SIGSYS" $S run --deny socket --action trap -- $PY -c 'import socket; socket.socket()'
expect_match 'blocked system call socket\(41\) x86_64' "$ERR" "trap reports name(nr) arch"
expect_rc 0 "log: allowed (and audited)" $S run --deny socket --action log -- $PY -c 'import socket; socket.socket()'
expect_rc 159 "--json run" $S run --json --deny getppid --action trap -- $PY -c 'import os; os.getppid()'
json_ok "$(echo "$OUT" | tail -1)" "run --json is one document"
expect_eq "$(json_get "$(echo "$OUT" | tail -1)" 'd["traps"][0]["syscall"]')" "getppid" "JSON names the trapped call"
expect_rc 3 "exit status of CMD passes through" $S run --deny mount -- sh -c 'exit 3'
expect_rc 143 "128+N for signal N" $S run --deny mount -- sh -c 'kill -TERM $$'

expect_rc 0 "no_new_privs set by default" $S run --deny mount -- grep -q 'NoNewPrivs:.*1' /proc/self/status
if [ "$(id -u)" -eq 0 ]; then
	expect_rc 0 "--no-new-privs=no (root)" $S run --no-new-privs=no --deny mount -- grep -q 'NoNewPrivs:.*0' /proc/self/status
fi
expect_rc 125 "--no-new-privs=maybe" $S run --no-new-privs=maybe --deny mount -- /bin/true
expect_rc 0 "--log loads (SECCOMP_FILTER_FLAG_LOG)" $S run --log --deny mount -- /bin/true

# ---- allowlist mode --------------------------------------------------------
expect_rc 0 "allowlist: /bin/true" $S run --allow @system-service -- /bin/true
expect_rc 0 "allowlist: ls" $S run --allow @system-service -- ls /
expect_match 'etc' "$OUT" "ls listed /"
expect_rc 0 "allowlist: python3 -c pass" $S run --allow @system-service -- $PY -c pass
expect_rc 0 "ENOSYS default for what is not named" \
	$S run --allow @system-service -- $PY -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(165, 0, 0, 0, 0, 0)   # mount: not in @system-service
assert r == -1 and ctypes.get_errno() == errno.ENOSYS, ctypes.get_errno()'
expect_rc 0 "--default-action overrides" \
	$S run --allow @system-service --default-action errno:EACCES -- $PY -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
assert libc.syscall(165, 0, 0, 0, 0, 0) == -1 and ctypes.get_errno() == errno.EACCES'
expect_rc 125 "allowlist without execve cannot start CMD" $S run --allow read,write -- /bin/true
expect_match 'execve' "$ERR" "message says execve"

# ---- groups ----------------------------------------------------------------
expect_rc 1 "@mount denied" $S run --deny @mount -- $PY -c '
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.umount2(b"/nonexistent", 0); sys.exit(1 if ctypes.get_errno() == errno.EPERM else 0)'
expect_rc 0 "groups lists groups" $S groups
for g in @file-system @network-io @process @privileged @mount @system-service @default; do
	expect_match "^$g " "$OUT" "group $g listed"
done
expect_rc 0 "groups @privileged" $S groups @privileged
expect_match '^setuid$' "$OUT" "nested groups expanded (@privileged has setuid)"
expect_match '^reboot$' "$OUT" "nested @reboot inside @privileged"
expect_rc 0 "groups --json" $S groups --json
json_ok "$OUT" "groups --json"

# ---- argument conditions ---------------------------------------------------
expect_rc 0 "socket:arg0==AF_INET denied, AF_UNIX works" \
	$S run --deny 'socket:arg0==AF_INET' -- $PY -c '
import socket, errno
socket.socket(socket.AF_UNIX).close()
try:
    socket.socket(socket.AF_INET)
    raise SystemExit(2)
except PermissionError:
    pass'
expect_rc 0 "allowlist + narrowing deny (two stacked filters)" \
	$S run --allow @system-service --deny 'socket:arg0==AF_INET' -- $PY -c '
import socket
socket.socket(socket.AF_UNIX).close()
try:
    socket.socket(socket.AF_INET); raise SystemExit(2)
except PermissionError:
    pass'
expect_rc 0 "personality:arg0!=0 denies only non-zero" \
	$S run --deny 'personality:arg0!=0' -- $PY -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
assert libc.personality(0) != -1
assert libc.personality(0x0040000) == -1 and ctypes.get_errno() == errno.EPERM'

# ---- other ABIs and io_uring ---------------------------------------------
touch "$T/f"; chmod 644 "$T/f"
run "$P/sc_int80" getppid
if [ "$RC" -eq 77 ]; then
	echo "# i386 ABI: $OUT -- int \$0x80 part not testable on this kernel"
else
	expect_rc 1 "i386 int 0x80 chmod denied like chmod" $S run --deny chmod -- "$P/sc_int80" chmod "$T/f"
	expect_match '^error EPERM' "$OUT" "i386 chmod got EPERM"
	expect_rc 159 "--native-only: i386 call kills" $S run --native-only --deny chmod -- "$P/sc_int80" chmod "$T/f"
fi
expect_rc 1 "x32 chmod denied like chmod" $S run --deny chmod -- "$P/sc_int80" --x32 chmod "$T/f"
expect_match '^error EPERM' "$OUT" "x32 chmod got EPERM from the filter"
expect_rc 159 "--native-only: x32 call kills" $S run --native-only --deny chmod -- "$P/sc_int80" --x32 chmod "$T/f"
expect_eq "$(stat -c %a "$T/f")" "644" "file mode unchanged"
run "$P/sc_uring" mkdir "$T/d0"
if [ "$RC" -ne 0 ]; then
	echo "# io_uring unavailable here ($OUT): bypass test skipped"
else
	expect_rc 1 "io_uring mkdirat stopped when mkdir is denied" $S run --deny mkdir -- "$P/sc_uring" mkdir "$T/d1"
	expect_match 'setup-error ENOSYS' "$OUT" "io_uring_setup got ENOSYS"
	[ ! -e "$T/d1" ] && ok "no directory made through io_uring" || not_ok "io_uring made $T/d1"
	expect_rc 0 "--allow-io-uring opts back in (the bypass is real)" \
		$S run --allow-io-uring --deny mkdir -- "$P/sc_uring" mkdir "$T/d2"
	[ -d "$T/d2" ] && ok "io_uring bypass demonstrated" || not_ok "no $T/d2"
fi

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
