# lsec profile gen with real programs: the tracer follows threads, children
# and exec, attaches and detaches, stops on SIGINT; the profiles compile with
# apparmor_parser and match exactly the files that were used.
. "$LSEC_SRC/tests/lib.sh"
P=$LSEC_PROGS
command -v apparmor_parser >/dev/null || skip "apparmor_parser not installed"
# ptrace may be forbidden (containers, Yama): then there is nothing to test
"$LSEC" profile gen -o "$T/probe" -- true >/dev/null 2>&1 || skip "cannot ptrace here"

compiles() { # FILE DESCRIPTION
	if apparmor_parser -QT -S "$1" >/dev/null 2>"$T/aa.err"; then ok "$2"; else
		not_ok "$2"; sed 's/^/  /' "$T/aa.err" | head -5; sed 's/^/  | /' "$1" | head -40; fi
}
# Served files live outside /tmp (abstractions/user-tmp would cover /tmp).
W=$(mktemp -d "$LSEC_BUILD/gen-test.XXXXXX")
at_exit rm -rf "$W"

# ---- a web server and a client --------------------------------------------
mkdir -p "$W/www/sub" "$W/www/secret"
echo hello >"$W/www/index.html"
echo page >"$W/www/sub/page.txt"
echo never >"$W/www/secret/key.txt"
cat >"$T/client.py" <<'PY'
import sys, time, urllib.request
port = sys.argv[1]
for i in range(100):
    try:
        a = urllib.request.urlopen("http://127.0.0.1:%s/index.html" % port, timeout=2).read()
        b = urllib.request.urlopen("http://127.0.0.1:%s/sub/page.txt" % port, timeout=2).read()
        sys.exit(0 if (a, b) == (b"hello\n", b"page\n") else 1)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
serve() { # OUTFILE: trace the server while the client fetches two pages
	local port=$((20000 + RANDOM % 20000)) lp rc
	PYTHONDONTWRITEBYTECODE=1 "$LSEC" profile gen -o "$1" -- \
		python3 -m http.server -b 127.0.0.1 -d "$W/www" "$port" >/dev/null 2>&1 &
	lp=$!
	python3 "$T/client.py" "$port"
	rc=$?
	kill -INT "$lp"
	wait "$lp"
	echo "client=$rc lsec=$?"
}
expect_eq "$(serve "$W/web1.prof")" "client=0 lsec=0" "web server traced while a client fetched pages; SIGINT ends it"
WEB=$(cat "$W/web1.prof")
compiles "$W/web1.prof" "web server profile compiles (apparmor_parser -QT -S)"
expect_match "^  \"$W/www/index.html\" r,$" "$WEB" "grants read on the served index.html"
expect_match "^  \"$W/www/sub/page.txt\" r,$" "$WEB" "grants read on the served sub/page.txt"
expect_no_match "secret" "$WEB" "nothing under a directory the server never touched"
expect_match '^  network inet stream,$' "$WEB" "network inet stream for the listening socket"
expect_match '^profile python3 "/' "$WEB" "named profile with the executable as attachment"
expect_match '^abi <abi/3.0>,$' "$WEB" "abi line"
expect_match '^  include <abstractions/base>$' "$WEB" "abstractions/base included"
serve "$W/web2.prof" >/dev/null
if cmp -s "$W/web1.prof" "$W/web2.prof"; then ok "same run twice: identical profiles"; else
	not_ok "same run twice: identical profiles"; diff "$W/web1.prof" "$W/web2.prof" | head -20; fi
pgrep -f "http.server -b 127.0.0.1 -d $W/www" >/dev/null && not_ok "server left running" || ok "the started server was terminated"

# ---- threads, fork, exec ---------------------------------------------------
mkdir -p "$W/ft"
for f in thread child exec main; do echo $f >"$W/ft/$f.txt"; done
expect_rc 0 "gen on a program that forks, starts a thread and execs" \
	"$LSEC" profile gen -o "$W/ft.prof" -- "$P/forkthread" "$W/ft"
FT=$(cat "$W/ft.prof")
for f in thread child exec main; do
	expect_match "\"$W/ft/$f.txt\" r,$" "$FT" "$f.txt recorded ($f)"
done
CAT=$(readlink -f "$(command -v cat)")
expect_match "^  \"$CAT\" [mr]*ix,$" "$FT" "the exec'd program gets ix"
compiles "$W/ft.prof" "fork/thread profile compiles"
"$LSEC" profile gen -o "$W/ft2.prof" -- "$P/forkthread" "$W/ft" >/dev/null
cmp -s "$W/ft.prof" "$W/ft2.prof" && ok "fork/thread profile is deterministic" || not_ok "fork/thread profile differs between runs"
expect_rc 0 "--exec-mode cx" "$LSEC" profile gen --exec-mode cx -o "$W/cx.prof" -- "$P/forkthread" "$W/ft"
CX=$(cat "$W/cx.prof")
expect_match "^  \"$CAT\" cx -> cat,$" "$CX" "cx rule points at the child profile"
expect_match "^  profile cat \{$" "$CX" "child profile for cat"
compiles "$W/cx.prof" "cx profile compiles"
expect_rc 0 "--exec-mode px" "$LSEC" profile gen --exec-mode px -o "$W/px.prof" -- "$P/forkthread" "$W/ft"
expect_match "^profile cat \"$CAT\" \{$" "$(cat "$W/px.prof")" "px: a profile of its own for cat"
compiles "$W/px.prof" "px profile compiles"

# ---- awkward file names -----------------------------------------------------
mkdir -p "$W/awk"
python3 - "$T/names" <<'PY'
import sys
names = [b"with space", b'dq"uote', b"sq'uote", b"star*", b"brace{x}", b"br[ack]et",
         b"hash#x", b" #lead", b"new\nline", b"bad\xff\xfeutf8", b"back\\slash", b"caret^",
         b"q?mark", b"comma,x", b"at@{HOME}", b"paren(x)|y.+$", b"tab\tx",
         b"utf8-\xc3\xa9t\xc3\xa9", b"-dash", b".dot", b"x.so.1.2", b"12345678", b"\x01zz\x7f"]
open(sys.argv[1], "wb").write(b"\0".join(names) + b"\0")
PY
expect_rc 0 "gen on a program opening awkward names" \
	"$LSEC" profile gen --no-glob -o "$W/awk.prof" -- "$P/awkward" "$W/awk" "$T/names"
compiles "$W/awk.prof" "awkward-names profile compiles"
apparmor_parser -QT -D rule-exprs "$W/awk.prof" >"$T/dump" 2>&1  # the dump is on stderr
python3 - "$T/dump" "$T/names" "$W/awk/" <<'PY'
import re, sys
dump = open(sys.argv[1], "rb").read()
names = [n for n in open(sys.argv[2], "rb").read().split(b"\0") if n]
prefix = sys.argv[3].encode()
def literal(rx):
    """The parser's rule dump as bytes, or None if it holds a regex operator."""
    out, i = b"", 0
    esc = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"0": b"\0", b"a": b"\a",
           b"f": b"\f", b"v": b"\v", b"e": b"\x1b"}
    while i < len(rx):
        c = rx[i:i + 1]
        if c == b"\\":
            # the dump writes a literal backslash bare, and \xH without
            # padding: names in this test avoid the ambiguous cases
            n = rx[i + 1:i + 2]
            m = re.match(rb"x([0-9a-fA-F]{1,2})", rx[i + 1:])
            if m:
                out += bytes([int(m.group(1), 16)]); i += 1 + len(m.group()); continue
            if n in esc:
                out += esc[n]; i += 2; continue
            if n and n in b" *+.()|[]{}^$?\"'":
                out += n; i += 2; continue
            out += c; i += 1; continue
        if c in b"()|*+[]":
            return None
        out += c; i += 1
    return out
rules = [literal(m.group(1)) for m in
         re.finditer(rb"  ->  ((?:\\.|[^\\ \n])+) \(0x[0-9a-f]+/", dump)]
bad = 0
for n in names:
    want = prefix + n
    if want not in rules:
        print("  missing exact rule for %r" % want); bad += 1
got = set(r for r in rules if r and r.startswith(prefix))
extra = got - set(prefix + n for n in names)
if extra:
    print("  unexpected rules: %r" % extra); bad += 1
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && ok "the parser's rule dump shows each awkward name exactly (${#W} byte prefix)" \
	|| not_ok "rule dump does not match the awkward names"

# ---- attach / detach -----------------------------------------------------------
echo a >"$W/a"; echo b >"$W/b"
"$P/sleeper" "$W/a" "$W/b" >"$T/sl.out" &
SP=$!
at_exit kill -9 $SP
for i in $(seq 50); do grep -q ready "$T/sl.out" && break; sleep 0.1; done
expect_rc 0 "--attach PID --duration 1s" "$LSEC" profile gen --attach $SP --duration 1s -o "$W/att.prof"
ATT=$(cat "$W/att.prof")
expect_match "\"$W/a\" r,$" "$ATT" "attached: main thread's file recorded"
expect_match "\"$W/b\" r,$" "$ATT" "attached: the other thread's file recorded"
expect_match "^  \"$P/sleeper\" mr,$" "$ATT" "attached: the executable itself"
sleep 0.2
kill -0 $SP 2>/dev/null && ok "attached process keeps running" || not_ok "attached process died"
expect_eq "$(awk '/^TracerPid/ {print $2}' /proc/$SP/status)" "0" "attached process is no longer traced"
expect_no_match '^State:.*(stopped|tracing)' "$(grep State /proc/$SP/status)" "attached process is not left stopped"
kill $SP; wait $SP 2>/dev/null

"$LSEC" profile gen --detach -o "$W/det.prof" -- "$P/sleeper" "$W/a" "$W/b" >"$T/sl2.out" &
LP=$!
for i in $(seq 50); do grep -q ready "$T/sl2.out" && break; sleep 0.1; done
sleep 0.3
kill -INT $LP; wait $LP
expect_eq "$?" "0" "--detach: SIGINT ends tracing with status 0"
SP2=$(pgrep -f "$P/sleeper $W/a $W/b" | head -1)
at_exit kill -9 ${SP2:-0}
if [ -n "$SP2" ] && kill -0 "$SP2"; then ok "--detach: the program keeps running"; else not_ok "--detach: program gone"; fi
expect_eq "$(awk '/^TracerPid/ {print $2}' /proc/${SP2:-0}/status 2>/dev/null)" "0" "--detach: no longer traced"
expect_match "\"$W/b\" r,$" "$(cat "$W/det.prof")" "--detach: profile written"
sleep 0.2
kill -0 "${SP2:-0}" 2>/dev/null && ok "--detach: still alive after its traced calls (no seccomp filter left)" || not_ok "--detach: died after detach"
kill "${SP2:-0}" 2>/dev/null

"$LSEC" profile gen -o "$W/kill.prof" -- "$P/sleeper" "$W/a" "$W/b" >"$T/sl3.out" &
LP=$!
for i in $(seq 50); do grep -q ready "$T/sl3.out" && break; sleep 0.1; done
kill -INT $LP; wait $LP
expect_eq "$?" "0" "SIGINT to lsec: exit 0"
sleep 0.1
pgrep -f "$P/sleeper $W/a $W/b" >/dev/null && not_ok "started program left running" || ok "SIGINT: the started program was terminated"
expect_match "\"$W/a\" r,$" "$(cat "$W/kill.prof")" "SIGINT: profile written"

# ---- --duration ----------------------------------------------------------------
start=$(date +%s%N)
expect_rc 0 "--duration 500ms" "$LSEC" profile gen --duration 500ms -o "$W/dur.prof" -- sleep 30
el=$((($(date +%s%N) - start) / 1000000))
[ "$el" -lt 5000 ] && ok "--duration stopped the trace (${el} ms)" || not_ok "--duration took ${el} ms"

# ---- --merge ---------------------------------------------------------------------
echo one >"$W/one"; echo two >"$W/two"
"$LSEC" profile gen --name cat -o "$W/m1.prof" -- cat "$W/one" >/dev/null
expect_rc 0 "--merge with a second run" "$LSEC" profile gen --name cat --merge "$W/m1.prof" -o "$W/m2.prof" -- cat "$W/two"
M=$(cat "$W/m2.prof")
expect_match "\"$W/one\" r,$" "$M" "merge keeps the first run's file"
expect_match "\"$W/two\" r,$" "$M" "merge adds the second run's file"
compiles "$W/m2.prof" "merged profile compiles"
"$LSEC" profile gen --name cat --merge "$W/m2.prof" -o "$W/m3.prof" -- cat "$W/two" >/dev/null
cmp -s "$W/m2.prof" "$W/m3.prof" && ok "merging the same run again changes nothing" || not_ok "merge not idempotent"
expect_rc 0 "-o of an unchanged profile" "$LSEC" profile gen --json --name cat --merge "$W/m2.prof" -o "$W/m2.prof" -- cat "$W/two"
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "--json: changed false when the file already holds it"

# ---- JSON ------------------------------------------------------------------------
# (LeakSanitizer cannot run in a traced process: keep it off in sanitizer builds)
expect_rc 0 "--json" "$LSEC" profile gen --json -- env ASAN_OPTIONS=detect_leaks=0 "$P/forkthread" "$W/ft"
json_ok "$OUT" "--json prints one JSON document"
expect_eq "$(json_get "$OUT" 'd["program"]["exit_status"]')" "0" "--json: program exit status"
expect_match "thread.txt" "$(json_get "$OUT" 'd["text"]')" "--json: profile text included"

# ---- the program's own status is reported, not returned -------------------------
expect_rc 0 "a failing program still yields a profile (exit 0)" "$LSEC" profile gen -o "$W/f.prof" -- false
finish
