# The binary's front door: help, version, dispatch, exit codes, stdout errors.
. "$LSEC_SRC/tests/lib.sh"

expect_rc 0 "lsec --help" "$LSEC" --help
expect_match '^usage: lsec' "$OUT" "help starts with usage"
TOP=$OUT
for g in fw sandbox profile; do
	expect_match "^  $g " "$TOP" "help lists group $g"
	expect_rc 0 "lsec $g --help" "$LSEC" $g --help
	expect_match "^usage: lsec $g COMMAND" "$OUT" "group help for $g"
	expect_rc 0 "lsec help $g" "$LSEC" help $g
	expect_match "^usage: lsec $g COMMAND" "$OUT" "lsec help $g"
	expect_rc 0 "lsec-$g --help through the multicall link" "$LSEC_BUILD/lsec-$g" --help
	expect_match "^usage: lsec $g COMMAND" "$OUT" "lsec-$g acts as lsec $g"
done
expect_rc 2 "unknown group" "$LSEC" nosuch
expect_match "unknown command 'nosuch'.*--help" "$ERR" "unknown group named, --help suggested"
expect_rc 2 "unknown verb" "$LSEC" fw nosuch
expect_match "unknown fw command 'nosuch'" "$ERR" "unknown verb named"
expect_rc 2 "unknown option" "$LSEC" --frobnicate
expect_match "unknown option '--frobnicate'" "$ERR" "unknown option named"
expect_rc 2 "no command" "$LSEC"
expect_rc 0 "lsec --version" "$LSEC" --version
expect_match '^lsec [0-9]+\.[0-9]+\.[0-9]+$' "$(echo "$OUT" | head -1)" "version line"
expect_match 'libseccomp [0-9]' "$OUT" "library versions listed"
expect_rc 0 "lsec --json --version" "$LSEC" --json --version
json_ok "$OUT" "--json --version is one JSON document"
expect_eq "$(json_get "$OUT" 'd["version"]')" "$("$LSEC" --version | head -1 | cut -d' ' -f2)" "JSON version matches"
expect_rc 2 "--json error" "$LSEC" --json nosuch
json_ok "$OUT" "a usage error with --json prints one JSON document"
expect_eq "$(json_get "$OUT" 'd["error"]["kind"]')" "invalid_input" "JSON error kind"
expect_eq "$(json_get "$OUT" 'd["error"]["exit_code"]')" "2" "JSON error exit code"

# git's rule: output that could not be written is a failure.
"$LSEC" --help >/dev/full 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && ok "--help > /dev/full fails (exit $rc)" || not_ok "--help > /dev/full exited 0"
expect_match "write error" "$(cat "$T/err")" "write error reported"

finish
