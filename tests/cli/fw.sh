# lsec fw as a user sees it without privileges: help for every verb, the
# completions, usage errors (refused by the parser, before anything is read).
. "$LSEC_SRC/tests/lib.sh"

VERBS="allow block blocklist deny flush forward list masquerade migrate status unblock unforward unmasquerade"
expect_rc 0 "lsec fw --help" "$LSEC" fw --help
for v in $VERBS; do
	expect_match "^  $v( |$)" "$OUT" "fw help lists $v"
done
expect_eq "$("$LSEC" __complete lsec fw "" | tr '\n' ' ')" "$VERBS " "completion offers every fw verb"
expect_eq "$("$LSEC" __complete lsec fw block --re | tr '\n' ' ')" "--reject " "completion of a block option"
expect_eq "$("$LSEC" __complete lsec fw forward --t | tr '\n' ' ')" "--to " "completion of a forward option"

expect_rc 0 "block --help" "$LSEC" fw block --help
for o in --file --in --out --both --reject --comment --wait; do
	expect_match -- "$o" "$OUT" "block --help documents $o"
done
expect_rc 0 "forward --help" "$LSEC" fw forward --help
expect_match -- '--to ADDR\[:PORT\]' "$OUT" "forward --help documents --to"
expect_rc 0 "lsec-fw block --help through the multicall link" "$LSEC_BUILD/lsec-fw" block --help

expect_rc 2 "unknown option" "$LSEC" fw block 192.0.2.1 --frobnicate
expect_match "unknown option '--frobnicate'" "$ERR" "unknown option named"
expect_rc 2 "allow without a port" "$LSEC" fw allow
expect_rc 2 "allow with two ports" "$LSEC" fw allow 22 23
expect_match "unexpected argument '23'" "$ERR" "extra argument named"
expect_rc 2 "--file without a value" "$LSEC" fw block --file
expect_rc 2 "--in takes no value" "$LSEC" fw block --in=x 192.0.2.1
expect_rc 2 "list takes no argument" "$LSEC" fw list extra --json
json_ok "$OUT" "usage error with --json is one document"
finish
