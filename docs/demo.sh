#!/bin/bash
# The lsec demo, run by .ci/demo (which installs and builds first).  It shows
# the three groups doing what the guide in the project's history promised,
# done right.  Everything happens in throwaway namespaces and temporary
# directories: this machine's own firewall and security settings are never
# touched.  Run as root.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
export LSEC=${LSEC:-$SRC/build/lsec}
. "$SRC/tests/lib.sh"
. "$SRC/tests/netns.sh"
private_run "$@"
export PATH="$(dirname "$LSEC"):$PATH"
PY=/usr/bin/python3
B=$(tput bold 2>/dev/null || true)
N=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
say() { printf '%s\n' "$*"; }
show() { printf '%s$' "$B"; printf ' %q' "$@"; printf '%s\n' "$N"; "$@"; }
# must CMD...: the demo stops loudly if a step does not do what it shows.
must() { "$@" || { echo "demo: step failed: $*" >&2; exit 1; }; }
fails() { if "$@"; then echo "demo: expected a failure: $*" >&2; exit 1; fi; }

step "lsec fw: block an address (guide: iptables -A INPUT -s 192.168.1.100 -j DROP)"
netns_pair
say "Two throwaway network namespaces: A ($ADDR_A) and B ($ADDR_B), joined by a veth pair."
show in_b ping -c1 -W1 -q $ADDR_A | tail -2
show in_a lsec fw block $ADDR_B
say "Blocked: B's ping to A is now dropped."
fails in_b ping -c1 -W1 -q $ADDR_A | tail -2
show in_a lsec fw list
say "Asking again changes nothing (idempotent, as Ansible needs):"
show in_a lsec fw block $ADDR_B --json
show in_a lsec fw unblock $ADDR_B
must in_b ping -c1 -W1 -q $ADDR_A | tail -2
say "Bad input changes nothing and exits 2:"
show in_a lsec fw block 10.200.0.999; echo "exit status: $?"

step "lsec sandbox: deny open (guide: seccomp KILL on \"open\")"
say "The guide denies the syscall named open. glibc opens files with openat, so that"
say "filter lets os.open() through (here lsec with --exact, i.e. the guide's filter):"
show lsec sandbox run --exact --deny open -- $PY -c 'import os; os.open("/etc/hostname", os.O_RDONLY); print("opened anyway")'
say "lsec's 'open' means the whole family:"
show lsec sandbox syscalls open
say "Denied from exec on, even the dynamic loader cannot open libc (EPERM, exit 127):"
show lsec sandbox run --deny open -- $PY -c 'import os; os.open("/etc/hostname", os.O_RDONLY)'; echo "exit status: $?"
say "The guide's in-process example done right: Python loads lsec's filter after start-up,"
say "then os.open fails with EPERM (errno action) or the process is killed by SIGSYS (kill):"
must lsec sandbox export --deny open --format bpf -o "$T/open.bpf"
cat >"$T/guide.py" <<'PYEOF'
import ctypes, os, sys
bpf = open(sys.argv[1], "rb").read()
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
libc = ctypes.CDLL(None, use_errno=True)
prog = Prog(len(bpf) // 8, bpf)
libc.prctl(38, 1, 0, 0, 0)                       # PR_SET_NO_NEW_PRIVS
libc.prctl(22, 2, ctypes.byref(prog), 0, 0)      # PR_SET_SECCOMP, filter
os.open("/etc/hostname", os.O_RDONLY)
PYEOF
show $PY "$T/guide.py" "$T/open.bpf"; echo "exit status: $?"
must lsec sandbox export --deny open --action kill --format bpf -o "$T/kill.bpf"
show $PY "$T/guide.py" "$T/kill.bpf"; echo "exit status: $? (128 + SIGSYS)"
say "An allowlist (systemd's @system-service) still runs ls; a denied socket() fails with EPERM:"
show lsec sandbox run --allow @system-service -- ls /etc/hostname
show lsec sandbox run --deny socket -- $PY -c 'import socket; socket.socket()' 2>&1 | tail -1

say "Or learn the allowlist from a run, then run the program under it:"
APP='print(open("/etc/hostname").read().strip())'
show lsec sandbox trace -o "$T/app.policy" -- $PY -c "$APP"
show tail -4 "$T/app.policy"
show lsec sandbox run --policy "$T/app.policy" -- $PY -c "$APP"
say "A call the traced run never made fails with ENOSYS (the guide's Errno 38, for real),"
say "and --report names it:"
show lsec sandbox run --policy "$T/app.policy" --report -- $PY -c 'import os; os.mkdir("/tmp/lsec-demo-never")' 2>&1

step "lsec profile: learn a web server's profile (guide: aa-genprof /usr/bin/webserver)"
WWW=$(mktemp -d /srv/lsec-demo-www.XXXXXX)
at_exit "rm -rf $WWW"
echo "hello from lsec" >"$WWW/index.html"
say "Trace a small web server while a client fetches a page (no questions asked):"
lsec profile gen -o "$T/web.profile" --duration 4 -- $PY -m http.server -d "$WWW" -b 127.0.0.1 8080 >/dev/null 2>&1 &
gen=$!
sleep 2
show curl -s http://127.0.0.1:8080/index.html
must wait $gen
show cat "$T/web.profile"
say "The real AppArmor parser accepts it (compiled, not loaded: no AppArmor in this kernel):"
show lsec profile check "$T/web.profile"
say "Enforce it with Landlock: the server still serves its page..."
lsec profile run "$T/web.profile" -- $PY -m http.server -d "$WWW" -b 127.0.0.1 8081 >/dev/null 2>&1 &
srv=$!
at_exit "kill $srv"
sleep 1.5
show curl -s http://127.0.0.1:8081/index.html
kill $srv
say "...and the same program may not read what it never read while traced:"
show lsec profile run "$T/web.profile" -- $PY -c 'open("/etc/shadow")' 2>&1 | tail -1
say
say "Demo complete."
