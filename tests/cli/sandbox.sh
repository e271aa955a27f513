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

finish
