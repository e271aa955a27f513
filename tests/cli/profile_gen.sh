# lsec profile gen without tracing: usage errors, exit codes for a missing
# or non-executable program, --static profiles from ELF headers, --merge input.
. "$LSEC_SRC/tests/lib.sh"

expect_rc 0 "profile gen --help" "$LSEC" profile gen --help
expect_match '^usage: lsec profile gen' "$OUT" "help: usage line"
for o in output name complain merge duration attach detach static exec-mode glob-threshold no-glob no-abstractions; do
	expect_match "--$o" "$OUT" "help lists --$o"
done

# bad usage: exit 2, the bad value named
expect_rc 2 "unknown option" "$LSEC" profile gen --frobnicate -- true
expect_match "unknown option '--frobnicate'" "$ERR" "unknown option named"
expect_rc 2 "bad --exec-mode" "$LSEC" profile gen --exec-mode zx -- true
expect_match "'zx'" "$ERR" "bad exec mode named"
expect_rc 2 "bad --glob-threshold" "$LSEC" profile gen --glob-threshold many -- true
expect_match "'many'" "$ERR" "bad threshold named"
expect_rc 2 "bad --duration" "$LSEC" profile gen --duration 5x -- true
expect_match "'5x'" "$ERR" "bad duration named"
expect_rc 2 "bad --attach" "$LSEC" profile gen --attach pid1
expect_match "'pid1'" "$ERR" "bad pid named"
expect_rc 2 "nothing to trace" "$LSEC" profile gen
expect_match "exactly one of CMD" "$ERR" "says what is missing"
expect_rc 2 "CMD and --attach together" "$LSEC" profile gen --attach 1 -- true
expect_rc 2 "--detach without CMD" "$LSEC" profile gen --detach --static sh
expect_rc 2 "--attach to a pid that does not exist" "$LSEC" profile gen --attach 2147483646
expect_match "no process with pid 2147483646" "$ERR" "missing pid named"
expect_rc 2 "--json usage error" "$LSEC" profile gen --json --exec-mode zx -- true
json_ok "$OUT" "usage error with --json is one JSON document"
expect_eq "$(json_get "$OUT" 'd["error"]["exit_code"]')" "2" "JSON error exit code 2"

# the program: 127 not found, 126 not executable (as env(1)); nothing written
expect_rc 127 "missing program" "$LSEC" profile gen -o "$T/none.prof" -- no-such-program-lsec
expect_match "no-such-program-lsec" "$ERR" "missing program named"
[ -e "$T/none.prof" ] && not_ok "no profile for a missing program" || ok "no profile for a missing program"
expect_rc 127 "missing program by path" "$LSEC" profile gen -- /nonexistent/prog
expect_rc 127 "missing program, --json" "$LSEC" profile gen --json -- /nonexistent/prog
json_ok "$OUT" "missing program with --json: one JSON document"
expect_eq "$(json_get "$OUT" 'd["error"]["exit_code"]')" "127" "JSON error exit code 127"
printf 'not a program\n' >"$T/data"
chmod 644 "$T/data"
expect_rc 126 "not executable" "$LSEC" profile gen -- "$T/data"
expect_match "not executable" "$ERR" "says not executable"

# --static: a starting profile from the ELF file
SH=$(readlink -f "$(command -v sh)")
expect_rc 0 "--static sh" "$LSEC" profile gen --static sh
expect_match "^profile $(basename "$SH") \"$SH\" \{$" "$OUT" "--static: profile attached to the resolved program"
expect_match "^  \"$SH\" mr,$" "$OUT" "--static: the binary itself mr"
expect_match '^  include <abstractions/base>$' "$OUT" "--static: abstractions/base"
expect_rc 0 "--static --no-abstractions" "$LSEC" profile gen --static sh --no-abstractions --name my-sh -o "$T/sh.prof"
S=$(cat "$T/sh.prof")
expect_match '^profile my-sh "' "$S" "--name sets the profile name"
expect_match '/libc\.so\*" mr,$' "$S" "--static: libc from DT_NEEDED (versioned name globbed)"
expect_match '/ld-linux[^"]*" mr,$' "$S" "--static: the ELF interpreter"
if command -v apparmor_parser >/dev/null; then
	apparmor_parser -QT -S "$T/sh.prof" >/dev/null 2>&1 && ok "--static profile compiles" || not_ok "--static profile does not compile"
fi
expect_rc 0 "--static --complain --exec-mode cx" "$LSEC" profile gen --static sh --complain
expect_match 'flags=\(complain\) \{$' "$OUT" "--complain sets flags=(complain)"
expect_rc 2 "--static of a non-ELF file" "$LSEC" profile gen --static /etc/passwd
expect_rc 0 "--static --json" "$LSEC" profile gen --static sh --json
json_ok "$OUT" "--json is one JSON document"
expect_eq "$(json_get "$OUT" 'd["attachment"]')" "$SH" "--json: attachment"

# -o keeps what is not a regular file (a symlink stays a symlink)
ln -s "$T/real.prof" "$T/link.prof"
expect_rc 0 "-o through a symlink" "$LSEC" profile gen --static sh -o "$T/link.prof"
[ -L "$T/link.prof" ] && [ -s "$T/real.prof" ] && ok "-o wrote through the symlink" || not_ok "-o replaced the symlink"
expect_rc 0 "-o again, same content" "$LSEC" profile gen --static sh -o "$T/sh2.prof"
expect_rc 0 "-o again" "$LSEC" profile gen --static sh -o "$T/sh2.prof"
expect_match "unchanged" "$OUT" "rewriting the same profile reports unchanged"

# --merge input
expect_rc 2 "--merge of a missing file" "$LSEC" profile gen --static sh --merge "$T/nope"
expect_match "nope" "$ERR" "missing merge file named"
printf 'abi <abi/3.0>,\nprofile x /x {\n  /etc/** rw,\n}\n' >"$T/bad.prof"
expect_rc 2 "--merge of a profile lsec did not write" "$LSEC" profile gen --static sh --merge "$T/bad.prof"
expect_match "bad.prof:3:" "$ERR" "FILE:LINE of the unsupported rule"
printf 'profile x "/x" {\n  "/srv/data" rw,\n  "/srv/bad" rz,\n}\n' >"$T/bad2.prof"
expect_rc 2 "--merge with bad permissions" "$LSEC" profile gen --static sh --merge "$T/bad2.prof"
expect_match "bad2.prof:3:.*'rz'" "$ERR" "bad permissions named with FILE:LINE"
printf 'profile %s "%s" {\n  owner "/srv/merged data" rw,\n  network inet dgram,\n  capability chown,\n}\n' \
	"$(basename "$SH")" "$SH" >"$T/old.prof"
expect_rc 0 "--merge of an lsec-style profile" "$LSEC" profile gen --static sh --merge "$T/old.prof"
expect_match '^  owner "/srv/merged data" rw,$' "$OUT" "merged rule kept"
expect_match '^  network inet dgram,$' "$OUT" "merged network rule kept"
expect_match '^  capability chown,$' "$OUT" "merged capability kept"
expect_match "^  \"$SH\" mr,$" "$OUT" "new rules added"
finish
