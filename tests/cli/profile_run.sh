# lsec profile run: a profile shaped like `profile gen` output, enforced with
# Landlock and the socket filter on the real kernel (Landlock needs no root).
. "$LSEC_SRC/tests/lib.sh"

PY=/usr/bin/python3.11
[ -x $PY ] || skip "needs $PY (the fixture's attachment)"

D="$T/d"
mkdir -p "$D/www" "$D/out" "$D/elsewhere"
sed "s|@@T@@|$D|g" "$LSEC_SRC/tests/fixtures/profile-python.apparmor.in" >"$T/gen.prof"
echo "<h1>hello</h1>" >"$D/www/index.html"
echo "private" >"$D/www/private.html"
echo "quoted" >"$D/www/a \"quoted\" name*.txt"
printf 'tabbed' >"$D/www/tab	and\\backslash"
echo "not listed" >"$D/www/unlisted.html"
echo "elsewhere" >"$D/elsewhere/file"

run "$LSEC" profile run --check "$T/gen.prof" -- $PY
if [ "$RC" -eq 3 ]; then skip "Landlock is not available: $ERR"; fi

# A python program that reports what it could do, one line per attempt.
cat >"$T/probe.py" <<'EOF'
import errno, socket, sys
def try_open(p, mode="r"):
    try:
        with open(p, mode) as f:
            if "w" in mode: f.write("x"); return "ok"
            return "ok:" + f.read().strip()
    except OSError as e:
        return errno.errorcode[e.errno]
def try_sock(fam, typ):
    try:
        socket.socket(fam, typ).close(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
d = sys.argv[1]
print("index", try_open(d + "/www/index.html"))
print("quoted", try_open(d + '/www/a "quoted" name*.txt'))
print("tabbed", try_open(d + "/www/tab\tand\\backslash"))
print("unlisted", try_open(d + "/www/unlisted.html"))
print("private", try_open(d + "/www/private.html"))
print("elsewhere", try_open(d + "/elsewhere/file"))
print("log", try_open(d + "/out/log-1.txt", "w"))
print("inet_stream", try_sock(socket.AF_INET, socket.SOCK_STREAM))
print("inet_dgram", try_sock(socket.AF_INET, socket.SOCK_DGRAM))
print("inet6_stream", try_sock(socket.AF_INET6, socket.SOCK_STREAM))
print("packet_raw", try_sock(socket.AF_PACKET, socket.SOCK_RAW))
print("unix", try_sock(socket.AF_UNIX, socket.SOCK_STREAM))
import os
try:
    os.chown(d + "/out/log-1.txt", 1234, -1); print("chown ok")
except OSError as e:
    print("chown", errno.errorcode[e.errno])
sys.exit(7)
EOF
cp "$T/probe.py" "$D/www/probe.py"
# the probe is read by python: allow it through a second, hand-written profile
# line (profiles are plain text; append before the closing brace)
sed -i "s|^}|  \"$D/www/probe.py\" r,\n}|" "$T/gen.prof"

expect_rc 7 "the program's exit status is passed through" "$LSEC" profile run "$T/gen.prof" -- $PY "$D/www/probe.py" "$D"
expect_match "^index ok:<h1>hello</h1>$" "$OUT" "an allowed file is read"
expect_match "^quoted ok:quoted$" "$OUT" "a file with quotes and * in its name (escaped in the profile) is read"
expect_match "^tabbed ok:tabbed$" "$OUT" "a file with a tab (octal escape) and a backslash is read"
expect_match "^unlisted EACCES$" "$OUT" "a file the profile does not list: EACCES"
expect_match "^private EACCES$" "$OUT" "a deny rule is honoured"
expect_match "^elsewhere EACCES$" "$OUT" "a file outside the allowed set: EACCES"
expect_match "^log ok$" "$OUT" "owner out/log-*.txt w: the program may create its log"
expect_match "^inet_stream ok$" "$OUT" "network inet stream: allowed"
expect_match "^inet_dgram ok$" "$OUT" "network inet dgram: allowed"
expect_match "^inet6_stream EACCES$" "$OUT" "a socket family never allowed: EACCES"
expect_match "^packet_raw EACCES$" "$OUT" "packet sockets: EACCES"
expect_match "^unix ok$" "$OUT" "unix sockets stay allowed"
if [ "$(id -u)" -eq 0 ]; then
	# the profile names net_bind_service only: root loses CAP_CHOWN
	expect_match "^chown EPERM$" "$OUT" "a capability the profile does not name: EPERM even for root"
	expect_rc 0 "root keeps what the profile names" "$LSEC" profile run "$T/gen.prof" -- /usr/bin/cat /proc/self/status
	expect_match "^CapBnd:[[:space:]]+0*400$" "$OUT" "bounding set is exactly net_bind_service"
fi

# the same profile with cat (ix in the profile, libraries from abstractions/base)
expect_rc 0 "cat reads an allowed file" "$LSEC" profile run "$T/gen.prof" -- cat "$D/www/index.html"
expect_eq "$OUT" "<h1>hello</h1>" "cat's output"
expect_rc 1 "cat of a file outside the profile fails" "$LSEC" profile run "$T/gen.prof" -- cat "$D/elsewhere/file"
expect_match "Permission denied" "$ERR" "cat reports EACCES"
if [ "$(id -u)" -eq 0 ]; then
	expect_rc 1 "root cannot read /etc/shadow under the profile" "$LSEC" profile run "$T/gen.prof" -- cat /etc/shadow
	expect_match "/etc/shadow: Permission denied" "$ERR" "/etc/shadow: EACCES even for root"
fi

# --explain / --check
expect_rc 0 "--explain on stderr" "$LSEC" profile run --explain "$T/gen.prof" -- /bin/true
expect_match "^Landlock ABI [0-9]+ enforcing profile lsec-test-python" "$ERR" "explain header"
expect_match "owner: Landlock has no owner condition" "$ERR" "explain lists owner"
expect_match "^capabilities: net_bind_service$" "$ERR" "explain lists the capabilities kept"
expect_match "complain mode" "$ERR" "explain says complain mode is enforced"
expect_match "abstractions/base:[0-9]+: " "$ERR" "explain names included rules by FILE:LINE"
expect_rc 0 "--check --json: the plan, nothing run" "$LSEC" profile run --check --json "$T/gen.prof" -- /bin/touch "$T/ran"
json_ok "$OUT" "plan is one JSON document"
[ ! -e "$T/ran" ] && ok "--check ran nothing" || not_ok "--check ran the program"
expect_eq "$(json_get "$OUT" 'd["enforcer"]')" "landlock" "JSON enforcer"
expect_eq "$(json_get "$OUT" 'any(p["path"] == "'"$D"'/www/index.html" and p["access"] == ["read_file","ioctl_dev"] for p in d["paths"])')" "True" "JSON lists the allowed file and its rights"
expect_eq "$(json_get "$OUT" '{"family":"inet","type":"stream"} in d["sockets"]["allowed"]')" "True" "JSON lists allowed sockets"
expect_eq "$(json_get "$OUT" 'any("owner" in n["what"] for n in d["not_enforced"])')" "True" "JSON not_enforced"
expect_eq "$(json_get "$OUT" 'd["capabilities"]')" "['net_bind_service']" "JSON capabilities"

# deny inside an allowed tree is reported, not silently ignored
printf 'include <tunables/global>\nprofile t {\n  include <abstractions/base>\n  %s/** r,\n  deny %s/www/private.html r,\n}\n' "$D" "$D" >"$T/tree.prof"
expect_rc 0 "deny inside an allowed tree" "$LSEC" profile run --explain "$T/tree.prof" -- cat "$D/www/private.html"
expect_match "tree.prof:5: deny .*private.html r,$" "$ERR" "explain names the deny rule"
expect_match "deny inside the allowed tree $D: .*NOT enforced" "$ERR" "explain says what was done"

# With `profile gen` (the other half of this group) in the binary: a profile
# generated from a real run is enforced, the program still works, and what
# it never did is refused.
if "$LSEC" profile gen --help >/dev/null 2>&1; then
	cat >"$D/app.py" <<'EOF'
import socket, sys
print(open(sys.argv[1] + "/www/index.html").read().strip())
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
EOF
	expect_rc 0 "profile gen for a small program" "$LSEC" profile gen -o "$T/real.prof" -- $PY "$D/app.py" "$D"
	expect_rc 0 "the generated profile passes check" "$LSEC" profile check "$T/real.prof"
	expect_rc 0 "the program still works under its generated profile" "$LSEC" profile run "$T/real.prof" -- $PY "$D/app.py" "$D"
	expect_eq "$OUT" "<h1>hello</h1>" "its output"
	expect_rc 1 "a socket family it never used" "$LSEC" profile run "$T/real.prof" -- $PY -c 'import socket; socket.socket(socket.AF_INET6)'
	expect_match "PermissionError" "$ERR" "AF_INET6: EACCES"
	if [ "$(id -u)" -eq 0 ]; then
		expect_rc 1 "a file it never read (/etc/shadow)" "$LSEC" profile run "$T/real.prof" -- $PY -c 'open("/etc/shadow")'
		expect_match "PermissionError.*/etc/shadow" "$ERR" "/etc/shadow: EACCES"
	fi
fi

# exit codes and bad input
expect_rc 127 "missing program" "$LSEC" profile run "$T/gen.prof" -- /nonexistent/prog
expect_match "command not found" "$ERR" "missing program named"
expect_rc 127 "missing program in PATH" "$LSEC" profile run "$T/gen.prof" -- lsec-no-such-program
expect_rc 126 "not executable" "$LSEC" profile run "$T/gen.prof" -- "$D/www/index.html"
expect_rc 137 "killed by SIGKILL: 128+9" "$LSEC" profile run "$T/gen.prof" -- $PY -c 'import os; os.kill(os.getpid(), 9)'
# lsec waits for the program and passes SIGTERM on, as `sandbox run` does
"$LSEC" profile run "$T/gen.prof" -- $PY -c 'import time; time.sleep(30)' &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
expect_eq "$?" "143" "SIGTERM to lsec reaches the program: 128+15"
printf 'profile x {\n  /a r,\n  /b rwa,\n}\n' >"$T/bad.prof"
expect_rc 125 "malformed profile: lsec's own failure" "$LSEC" profile run "$T/bad.prof" -- /bin/true
expect_match "$T/bad.prof:3: conflict" "$ERR" "malformed profile: FILE:LINE"
expect_rc 125 "unreadable profile" "$LSEC" profile run "$T/nosuch.prof" -- /bin/true
expect_match "cannot open '$T/nosuch.prof'" "$ERR" "unreadable profile named"
printf 'profile x {\n  include <abstractions/lsec-nosuch>\n}\n' >"$T/inc.prof"
expect_rc 125 "missing include" "$LSEC" profile run "$T/inc.prof" -- /bin/true
expect_match "inc.prof:2: include <abstractions/lsec-nosuch>" "$ERR" "missing include named"
expect_rc 125 "unknown option" "$LSEC" profile run --frob "$T/gen.prof" -- /bin/true
expect_match "unknown option '--frob'" "$ERR" "unknown option named"
expect_rc 125 "bad enforcer" "$LSEC" profile run --enforcer selinux "$T/gen.prof" -- /bin/true
expect_match "invalid enforcer 'selinux'" "$ERR" "bad enforcer named"
if [ ! -d /sys/kernel/security/apparmor ]; then
	expect_rc 3 "--enforcer apparmor without AppArmor" "$LSEC" profile run --enforcer apparmor "$T/gen.prof" -- /bin/true
	expect_match "AppArmor is not enabled" "$ERR" "says AppArmor is not enabled"
	expect_rc 0 "--enforcer auto falls back to Landlock" "$LSEC" profile run --enforcer auto "$T/gen.prof" -- cat "$D/www/index.html"
fi

finish
