# lsec sandbox trace (learn a policy from a real run), export --format
# systemd, and run --report.  Real processes; ptrace of our own children
# needs no root.  Traffic only on loopback.
. "$LSEC_SRC/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || skip "no $PY"
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1
D="$T/d"
mkdir -p "$D"
echo hello >"$D/data.txt"
# The program: reads a file, talks TCP over loopback, runs a child; "mount"
# also calls mount(2) with arguments that fail anyway (ENOENT) if allowed,
# "unix" opens an AF_UNIX socket, "new" creates a file.
cat >"$D/prog.py" <<'EOF'
import ctypes, errno, os, socket, subprocess, sys
what = sys.argv[2] if len(sys.argv) > 2 else ""
with open(sys.argv[1]) as f:
    assert f.read() == "hello\n"
if what in ("", "mount", "unix"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0)); s.listen(1)
    c = socket.create_connection(s.getsockname()); a, _ = s.accept()
    c.sendall(b"x"); assert a.recv(1) == b"x"
    subprocess.run(["/bin/true"], check=True)
if what == "mount":
    libc = ctypes.CDLL(None, use_errno=True)
    r = libc.syscall(165, b"none", b"/nonexistent-lsec-test", b"lsec-nofs", 0, None)
    print("mount", errno.errorcode.get(ctypes.get_errno(), "?") if r else "ok")
    sys.exit(3)
if what == "unix":
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        print("unix ok")
    except OSError as e:
        print("unix", errno.errorcode[e.errno]); sys.exit(4)
if what == "new":
    open(sys.argv[1] + ".new", "w").close()
print("ok")
EOF
PROG=("$PY" "$D/prog.py" "$D/data.txt")

# ---- learn, then run under what was learned ------------------------------------
expect_rc 0 "trace a python program" "$LSEC" sandbox trace -o "$D/p.policy" -- "${PROG[@]}"
expect_match "^wrote $D/p.policy" "$OUT" "trace says what it wrote"
POL=$(cat "$D/p.policy")
expect_match "^default errno:ENOSYS$" "$POL" "default errno:ENOSYS"
expect_match "^option native-only yes$" "$POL" "only the native ABI was seen"
for c in openat read socket connect accept4 execve exit_group rt_sigreturn; do
	expect_match "^allow $c$" "$POL" "learned $c"
done
expect_no_match "^allow (mount|ptrace)$" "$POL" "nothing the run did not make"
expect_match "^# learned by 'lsec sandbox trace' from one run of: $PY $D/prog.py $D/data.txt$" "$POL" "comment: how it was learned"
expect_eq "$(tail -n 1 "$D/p.policy")" "# paths and rarely used features too, and merge the runs (--merge FILE)." "ends with the only-exercised-paths comment"
expect_rc 0 "the learned policy checks" "$LSEC" sandbox check "$D/p.policy"
expect_rc 0 "the same run succeeds under the learned policy" "$LSEC" sandbox run --policy "$D/p.policy" -- "${PROG[@]}"
expect_eq "$OUT" "ok" "program output under the policy"
expect_rc 3 "a call the run never made" "$LSEC" sandbox run --policy "$D/p.policy" -- "${PROG[@]}" mount
expect_match "^mount ENOSYS$" "$OUT" "mount(2) refused with ENOSYS (the default)"
expect_rc 3 "the same with --default-action errno:EPERM" "$LSEC" sandbox run --policy "$D/p.policy" --default-action errno:EPERM -- "${PROG[@]}" mount
expect_match "^mount EPERM$" "$OUT" "mount(2) refused with EPERM as configured"
expect_rc 3 "without a policy the call is made (and fails by itself)" "${PROG[@]}" mount
expect_match "^mount (ENOENT|ENODEV|EPERM)$" "$OUT" "control: mount(2) really runs unfiltered"

# ---- determinism ----------------------------------------------------------------
expect_rc 0 "trace again to stdout" "$LSEC" sandbox trace -- "${PROG[@]}"
expect_eq "$OUT" "$POL" "two traces of the same run: byte-identical"
expect_match "^ok$" "$ERR" "the program's stdout goes to stderr when the policy is on stdout"
expect_no_match "[0-9]{4}-[0-9]{2}-[0-9]{2}|pid" "$POL" "no dates or pids in the policy"
expect_rc 0 "trace -o an identical file" "$LSEC" sandbox trace --json -o "$D/p.policy" -- "${PROG[@]}"
json_ok "$OUT" "trace --json is one JSON document"
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "same run, same file: changed false"
expect_eq "$(json_get "$OUT" 'd["program"]["exit_status"]')" "0" "JSON: the program's exit status"
expect_rc 0 "trace --check" "$LSEC" sandbox trace --check --json -o "$D/check.policy" -- "${PROG[@]}"
expect_eq "$(json_get "$OUT" 'd["changed"]')" "True" "--check: would change"
[ ! -e "$D/check.policy" ] && ok "--check writes nothing" || not_ok "--check wrote the file"

# ---- --merge ----------------------------------------------------------------------
expect_rc 0 "trace the file-creating path" "$LSEC" sandbox trace -o "$D/new.policy" -- "${PROG[@]}" new
expect_rc 1 "the main path fails under the other path's policy" "$LSEC" sandbox run --policy "$D/new.policy" -- "${PROG[@]}"
expect_rc 0 "trace the main path, merged" "$LSEC" sandbox trace --merge "$D/new.policy" -o "$D/merged.policy" -- "${PROG[@]}"
expect_match "^# merged with $D/new.policy$" "$(cat "$D/merged.policy")" "comment names the merged file"
expect_rc 0 "merged: main path runs" "$LSEC" sandbox run --policy "$D/merged.policy" -- "${PROG[@]}"
expect_rc 0 "merged: file-creating path runs" "$LSEC" sandbox run --policy "$D/merged.policy" -- "${PROG[@]}" new
expect_rc 0 "trace a run that fails" "$LSEC" sandbox trace -o "$D/fail.policy" -- "${PROG[@]}" mount
expect_match "note: $PY exited with status 3: the policy covers that run" "$ERR" "a failing run is pointed out"
expect_rc 2 "--merge of a missing file" "$LSEC" sandbox trace --merge "$D/nosuch" -- true
expect_match "nosuch" "$ERR" "the missing merge file is named"
printf 'allow read\nbogus line\n' >"$D/bad.policy"
expect_rc 2 "--merge of a bad policy" "$LSEC" sandbox trace --merge "$D/bad.policy" -- true
expect_match "bad.policy:2" "$ERR" "FILE:LINE of the bad merge line"

# ---- --args -----------------------------------------------------------------------
expect_rc 0 "trace --args" "$LSEC" sandbox trace --args -o "$D/args.policy" -- "${PROG[@]}"
expect_match "^allow socket:arg0==AF_INET:arg1&0xf==0x1$" "$(cat "$D/args.policy")" "socket allowed for AF_INET stream only"
expect_no_match "^allow socket$" "$(cat "$D/args.policy")" "no unconditional socket"
expect_rc 0 "run under the --args policy" "$LSEC" sandbox run --policy "$D/args.policy" -- "${PROG[@]}"
expect_rc 4 "an AF_UNIX socket is refused" "$LSEC" sandbox run --policy "$D/args.policy" -- "${PROG[@]}" unix
expect_match "^unix ENOSYS$" "$OUT" "AF_UNIX socket: ENOSYS"
expect_rc 0 "without --args it is allowed" "$LSEC" sandbox run --policy "$D/p.policy" -- "${PROG[@]}" unix
expect_match "^unix ok$" "$OUT" "AF_UNIX socket allowed by the plain policy"

# ---- OCI ------------------------------------------------------------------------------
expect_rc 0 "trace --format oci" "$LSEC" sandbox trace --format oci -o "$D/p.json" -- "${PROG[@]}"
J=$(cat "$D/p.json")
json_ok "$J" "the OCI profile is valid JSON"
expect_eq "$(json_get "$J" 'd["defaultAction"], d["defaultErrnoRet"], d["architectures"]')" 'SCMP_ACT_ERRNO 38 ['"'"'SCMP_ARCH_X86_64'"'"']' "OCI: ENOSYS default, native arch"
expect_eq "$(json_get "$J" 'list(d)[-1]')" "comment" "OCI: the learning note is the last key"
expect_match "only the paths this run exercised|Only the paths this run exercised" "$(json_get "$J" 'd["comment"]')" "OCI comment says only exercised paths"
expect_rc 0 "import the learned OCI profile" "$LSEC" sandbox import -o "$D/imported.policy" "$D/p.json"
expect_rc 0 "run under the imported profile" "$LSEC" sandbox run --policy "$D/imported.policy" -- "${PROG[@]}"
expect_rc 3 "imported profile still refuses mount" "$LSEC" sandbox run --policy "$D/imported.policy" -- "${PROG[@]}" mount
expect_match "^mount ENOSYS$" "$OUT" "imported: mount ENOSYS"

# ---- systemd ---------------------------------------------------------------------------
expect_rc 0 "trace --format systemd" "$LSEC" sandbox trace --format systemd -o "$D/seccomp.conf" -- "${PROG[@]}"
S=$(cat "$D/seccomp.conf")
expect_match "^\[Service\]$" "$S" "systemd: [Service] section"
expect_match "^SystemCallArchitectures=native$" "$S" "systemd: native architecture only"
expect_match "^SystemCallErrorNumber=ENOSYS$" "$S" "systemd: ENOSYS for the rest"
expect_match "^SystemCallFilter=.*\bopenat\b" "$S" "systemd: openat in the allowlist"
expect_no_match "^SystemCallFilter=~" "$S" "systemd: an allowlist, not a denylist"
expect_no_match "^SystemCallFilter=.*\bmount\b" "$S" "systemd: mount not allowed"
bad=$(grep -vE '^(#.*|\[Service\]|NoNewPrivileges=yes|SystemCallArchitectures=[a-z0-9 -]+|SystemCallErrorNumber=[A-Z0-9]+|SystemCallFilter=[a-z0-9_ ]+)$' "$D/seccomp.conf")
expect_eq "$bad" "" "systemd: every line is a known key or a comment"
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$D/sd/lsec-test.service.d"
	printf '[Unit]\nDescription=lsec test\n[Service]\nExecStart=/bin/true\n' >"$D/sd/lsec-test.service"
	cp "$D/seccomp.conf" "$D/sd/lsec-test.service.d/"
	systemd-analyze verify "$D/sd/lsec-test.service" >"$T/v.out" 2>&1
	expect_no_match "seccomp.conf:" "$(cat "$T/v.out")" "systemd-analyze verify: no complaint about the drop-in"
	echo "SystemCallFilter=lsec_bogus_call" >>"$D/sd/lsec-test.service.d/seccomp.conf"
	systemd-analyze verify "$D/sd/lsec-test.service" >"$T/v.out" 2>&1
	expect_match "seccomp.conf:.*lsec_bogus_call" "$(cat "$T/v.out")" "control: systemd-analyze reads the drop-in"
fi
expect_rc 0 "export --format systemd (denylist)" "$LSEC" sandbox export --format systemd --deny mount,ptrace --action errno:EACCES
expect_match "^SystemCallFilter=~mount fsopen" "$OUT" "export systemd: denylist of the denied calls"
expect_match "^SystemCallFilter=~.* ptrace( |$)" "$OUT" "export systemd: ptrace denied"
expect_match "^SystemCallErrorNumber=EACCES$" "$OUT" "export systemd: their errno"
expect_match "^SystemCallFilter=~.*io_uring_setup:ENOSYS" "$OUT" "export systemd: lsec's io_uring deny keeps ENOSYS"
expect_rc 0 "export --format systemd (one errno)" "$LSEC" sandbox export --format systemd --deny ptrace --allow-io-uring
expect_match "^SystemCallFilter=~ptrace$" "$OUT" "export systemd: one errno: bare names"
expect_match "^SystemCallErrorNumber=EPERM$" "$OUT" "export systemd: one errno: SystemCallErrorNumber"
expect_rc 0 "export --format systemd (argument rule)" "$LSEC" sandbox export -f systemd --allow @default,read,'socket:arg0==AF_UNIX'
expect_match "^# note: socket is allowed for any arguments" "$OUT" "export systemd: lost argument condition is noted"
expect_rc 2 "trace --format bpf is refused" "$LSEC" sandbox trace --format bpf -- true
expect_match "invalid --format 'bpf'" "$ERR" "bad format named"

# ---- bad input ------------------------------------------------------------------------
expect_rc 2 "trace without CMD" "$LSEC" sandbox trace
expect_rc 2 "trace CMD and --attach" "$LSEC" sandbox trace --attach 1 -- true
expect_rc 2 "bad --duration" "$LSEC" sandbox trace --duration xyz -- true
expect_rc 127 "CMD not found" "$LSEC" sandbox trace -- lsec-no-such-command
expect_match "lsec-no-such-command" "$ERR" "missing CMD named"

# ---- --duration / --attach ---------------------------------------------------------------
"$PY" -c 'import time
while True:
    open("/dev/null").close(); time.sleep(0.05)' &
BG=$!
at_exit "kill $BG"
if [ "$(id -u)" -eq 0 ] || [ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" = 0 ]; then
	expect_rc 0 "trace --attach for a while" "$LSEC" sandbox trace --attach "$BG" --duration 1s
	expect_match "^allow openat$" "$OUT" "attached: openat learned"
	expect_match "^allow execve$" "$OUT" "attached: execve allowed for the launcher"
	expect_match "from one run of: an attached process" "$OUT" "attached: comment says so"
	kill -0 "$BG" 2>/dev/null && ok "the attached process keeps running" || not_ok "attached process died"
fi
expect_rc 0 "trace --duration stops a long program" timeout 20 "$LSEC" sandbox trace --duration 300ms -- sleep 10

# ---- run --report ---------------------------------------------------------------------------
expect_rc 3 "--report under the learned policy" "$LSEC" sandbox run --report --policy "$D/p.policy" -- "${PROG[@]}" mount
expect_match "^lsec sandbox: refused mount\(165\) \[x86_64\] \(family mount, group @mount\) in pid [0-9]+ \(python3\)$" "$ERR" "--report names mount, its number, arch, family, group, pid, program"
expect_match "^lsec sandbox: 1 call reported, 1 distinct: mount \[x86_64\] in python3 x1$" "$ERR" "--report summary at exit"
expect_match "^mount ENOSYS$" "$OUT" "--report keeps the errno (ENOSYS)"
expect_rc 1 "--report: a denied openat" "$LSEC" sandbox run --report --deny 'openat:arg2&O_CREAT==O_CREAT' -- "${PROG[@]}" new
expect_match "^lsec sandbox: refused openat\(257\) \[x86_64\] \(family open, group @file-system\) in pid [0-9]+ \(python3\)$" "$ERR" "--report names openat"
expect_match "PermissionError: \[Errno 1\]" "$ERR" "the denied openat failed with EPERM"
n=$(grep -c "^lsec sandbox: refused" <<<"$ERR")
expect_eq "$n" "1" "one line per distinct refusal"
expect_rc 159 "--report --action kill" "$LSEC" sandbox run --report --action kill --deny getppid -- "$PY" -c 'import os; os.getppid(); print("survived")'
expect_match "^lsec sandbox: refused getppid\(110\) \[x86_64\] .* in pid [0-9]+ \(python3\): killed the process$" "$ERR" "kill: the line names the call that killed the program"
expect_no_match "survived" "$OUT" "kill: the program did not go on"
expect_rc 159 "--report --action trap" "$LSEC" sandbox run --report --action trap --deny getppid -- "$PY" -c 'import os; os.getppid()'
expect_match "refused getppid\(110\) \[x86_64\] .*: SIGSYS \(trap\)$" "$ERR" "trap: reported"
expect_rc 0 "--report --action log" "$LSEC" sandbox run --report --action log --deny getppid -- "$PY" -c 'import os; os.getppid(); print("survived")'
expect_match "logged getppid\(110\) \[x86_64\] .*: allowed \(log\)$" "$ERR" "log: reported, allowed"
expect_eq "$OUT" "survived" "log: the call ran"
expect_rc 1 "--report --json" "$LSEC" sandbox run --json --report --deny 'openat:arg2&O_CREAT==O_CREAT' -- "${PROG[@]}" new
json_ok "$OUT" "run --report --json is one document"
expect_eq "$(json_get "$OUT" '[(r["syscall"], r["arch"], r["action"], r["program"]) for r in d["refusals"]]')" "[('openat', 'x86_64', 'errno:EPERM', 'python3')]" "JSON refusals"
# the i386 ABI (int $0x80), where this kernel has it
if [ -x "$LSEC_PROGS/sc_int80" ] && "$LSEC_PROGS/sc_int80" getppid >/dev/null 2>&1; then
	expect_rc 1 "--report: a call through the i386 ABI" "$LSEC" sandbox run --report --deny chmod -- "$LSEC_PROGS/sc_int80" chmod "$D/data.txt"
	expect_match "^lsec sandbox: refused chmod\(15\) \[x86\] .*\(sc_int80\)$" "$ERR" "i386: name, i386 number and arch x86"
	expect_match "^error EPERM$" "$OUT" "i386: the call failed with EPERM"
	expect_rc 159 "--report: i386 call under --native-only" "$LSEC" sandbox run --report --native-only --deny mount -- "$LSEC_PROGS/sc_int80" getppid
	expect_match "^lsec sandbox: refused getppid\(64\) \[x86\] .*: killed the process$" "$ERR" "i386 under --native-only: reported and killed"
else
	echo "# no i386 entry (int \$0x80) on this kernel: i386 --report checks skipped (unit-tested)"
fi
finish
