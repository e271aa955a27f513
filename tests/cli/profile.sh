# lsec profile check / load / unload / enforce / complain / status / exec:
# linting with FILE:LINE, apparmor_parser compilation, "AppArmor is not
# enabled" (exit 3) on kernels without it, and the kernel interface itself
# against a stand-in directory.
. "$LSEC_SRC/tests/lib.sh"

FIX="$LSEC_SRC/tests/fixtures/profile-python.apparmor.in"
D="$T/d" # the fixture's directory ($T/out and $T/err belong to lib.sh)
mkdir -p "$D/www" "$D/out"
sed "s|@@T@@|$D|g" "$FIX" >"$T/gen.prof"
NAME=lsec-test-python
HAVE_PARSER=0
command -v apparmor_parser >/dev/null && HAVE_PARSER=1

# ---- check -----------------------------------------------------------------
expect_rc 0 "check a generated-looking profile" "$LSEC" profile check "$T/gen.prof"
expect_match "profile $NAME \(complain" "$OUT" "check names the profile and its mode"
expect_rc 0 "check --json" "$LSEC" profile check --json "$T/gen.prof"
json_ok "$OUT" "check --json is one JSON document"
expect_eq "$(json_get "$OUT" 'd["profiles"][0]["name"]')" "$NAME" "JSON profile name"
expect_eq "$(json_get "$OUT" 'd["profiles"][0]["attach"]')" "/usr/bin/python3.11" "JSON attachment"
expect_eq "$(json_get "$OUT" 'd["valid"]')" "True" "JSON valid"
expect_match "abstractions/base" "$(json_get "$OUT" 'd["includes"]')" "stock abstractions resolved"
if [ $HAVE_PARSER = 1 ]; then
	expect_eq "$(json_get "$OUT" 'd["compiled"]')" "True" "compiled with apparmor_parser"
fi

printf 'profile x /usr/bin/x {\n  /a r,\n  /b rwa,\n}\n' >"$T/bad.prof"
expect_rc 2 "malformed profile" "$LSEC" profile check "$T/bad.prof"
expect_match "^lsec profile check: $T/bad.prof:3: conflict 'a' and 'w'" "$ERR" "FILE:LINE of the bad rule"
printf 'profile x /usr/bin/x {\n  /srv/My Site/x r,\n}\n' >"$T/space.prof"
expect_rc 2 "unquoted blank" "$LSEC" profile check "$T/space.prof"
expect_match "$T/space.prof:2: .*quote" "$ERR" "unquoted blank: FILE:LINE and a hint"
printf 'profile x {\n  include <abstractions/nosuch-lsec>\n}\n' >"$T/inc.prof"
expect_rc 2 "missing include" "$LSEC" profile check "$T/inc.prof"
expect_match "$T/inc.prof:2: include <abstractions/nosuch-lsec>: cannot open '/etc/apparmor.d/abstractions/nosuch-lsec'" "$ERR" "missing include named"
printf 'profile x {\n  @{nope}/x r,\n}\n' >"$T/var.prof"
expect_rc 2 "undeclared variable" "$LSEC" profile check "$T/var.prof"
expect_match "var.prof:2: variable @\{nope\} is never declared" "$ERR" "undeclared variable named"
expect_rc 2 "missing file" "$LSEC" profile check "$T/nosuch.prof"
expect_match "cannot open '$T/nosuch.prof'" "$ERR" "missing file named"
expect_rc 2 "unknown option" "$LSEC" profile check --frob "$T/gen.prof"
expect_match "unknown option '--frob'" "$ERR" "unknown option named"
expect_rc 2 "check without FILE" "$LSEC" profile check
if [ $HAVE_PARSER = 1 ]; then
	# lsec keeps signal rules as text; apparmor_parser judges them
	printf 'profile x {\n  /a r,\n  signal (frobnicate),\n}\n' >"$T/sig.prof"
	expect_rc 2 "apparmor_parser rejects" "$LSEC" profile check "$T/sig.prof"
	expect_match "$T/sig.prof:3: apparmor_parser: " "$ERR" "parser error mapped to FILE:LINE"
fi

# ---- AppArmor verbs on a kernel without AppArmor ---------------------------
if [ ! -d /sys/kernel/security/apparmor ] && [ ! -e /sys/module/apparmor/parameters/enabled ]; then
	for verb in load enforce complain unload; do
		expect_rc 3 "$verb without AppArmor" env -u LSEC_APPARMORFS "$LSEC" profile $verb "$T/gen.prof"
		expect_match "AppArmor is not enabled.*lsec profile run" "$ERR" "$verb says why and points to profile run"
	done
	expect_rc 3 "status without AppArmor" env -u LSEC_APPARMORFS "$LSEC" profile status
	expect_match "AppArmor is not enabled" "$ERR" "status message"
	expect_rc 3 "status --json without AppArmor" env -u LSEC_APPARMORFS "$LSEC" profile status --json
	json_ok "$OUT" "status --json error is one JSON document"
	expect_eq "$(json_get "$OUT" 'd["error"]["kind"]')" "unavailable" "JSON error kind"
	expect_rc 3 "exec without AppArmor" env -u LSEC_APPARMORFS "$LSEC" profile exec $NAME -- /bin/true
	expect_match "AppArmor is not enabled.*lsec profile run" "$ERR" "exec message"
fi

# ---- the kernel interface against a stand-in apparmorfs --------------------
# This is the one place where the kernel is mocked: this machine's kernel has
# no AppArmor, so libapparmor's own apparmorfs argument (LSEC_APPARMORFS) is
# pointed at a directory we own, and we check what libapparmor wrote into
# its .replace/.remove files and read back the "profiles" list we write.
if [ $HAVE_PARSER = 1 ]; then
	FS="$T/aafs"
	mkdir -p "$FS"
	: >"$FS/.load"; : >"$FS/.replace"; : >"$FS/.remove"
	export LSEC_APPARMORFS="$FS"
	apparmor_parser -QT -S "$T/gen.prof" >"$T/expected.bin" 2>/dev/null

	expect_rc 0 "load --check" "$LSEC" profile load --check --json "$T/gen.prof"
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "True" "load --check would change"
	expect_eq "$(stat -c %s "$FS/.replace")" "0" "load --check wrote nothing"
	expect_rc 0 "load" "$LSEC" profile load --json "$T/gen.prof"
	json_ok "$OUT" "load --json"
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "True" "load changed"
	expect_eq "$(json_get "$OUT" 'd["mode"]')" "complain" "mode taken from the file's flags"
	if cmp -s "$FS/.replace" "$T/expected.bin"; then ok "the compiled policy was written to .replace"; else not_ok ".replace differs from apparmor_parser -S output"; fi
	# what the kernel would now list
	echo "$NAME (complain)" >"$FS/profiles"
	: >"$FS/.replace"
	expect_rc 0 "load again" "$LSEC" profile load --json "$T/gen.prof"
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "second load: changed false"
	expect_eq "$(stat -c %s "$FS/.replace")" "0" "second load wrote nothing"
	expect_rc 0 "status" "$LSEC" profile status --json
	expect_eq "$(json_get "$OUT" 'd["profiles"][0]["name"] + " " + d["profiles"][0]["mode"]')" "$NAME complain" "status lists name and mode"
	expect_rc 0 "status text" "$LSEC" profile status
	expect_match "^  $NAME \(complain\)" "$OUT" "status text line"
	expect_rc 0 "enforce" "$LSEC" profile enforce --json "$T/gen.prof"
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "True" "enforce changes a complain profile"
	if [ -s "$FS/.replace" ] && ! cmp -s "$FS/.replace" "$T/expected.bin"; then ok "enforce wrote a different (enforcing) policy"; else not_ok "enforce did not write an enforcing policy"; fi
	echo "$NAME (enforce)" >"$FS/profiles"
	expect_rc 0 "enforce again" "$LSEC" profile enforce --json "$T/gen.prof"
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "enforce is idempotent"
	expect_rc 0 "unload --check" "$LSEC" profile unload --check --json $NAME
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "True" "unload --check would change"
	expect_eq "$(stat -c %s "$FS/.remove")" "0" "unload --check wrote nothing"
	expect_rc 0 "unload by name" "$LSEC" profile unload --json $NAME
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "True" "unload changed"
	expect_eq "$(od -An -tx1 "$FS/.remove" | tr -d ' \n')" "$(printf '%s\0' $NAME | od -An -tx1 | tr -d ' \n')" ".remove got the NUL-terminated name"
	: >"$FS/profiles"; : >"$FS/.remove"
	expect_rc 0 "unload of a profile not loaded" "$LSEC" profile unload --json "$T/gen.prof"
	expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "unload not loaded: changed false"
	expect_eq "$(stat -c %s "$FS/.remove")" "0" "nothing written"
	expect_rc 2 "load a malformed profile" "$LSEC" profile load "$T/bad.prof"
	expect_match "bad.prof:3:" "$ERR" "load reports FILE:LINE"
	expect_rc 125 "exec of a profile not loaded (lsec's own failure)" "$LSEC" profile exec nosuch -- /bin/true
	expect_match "profile 'nosuch' is not loaded" "$ERR" "exec names the missing profile"
	echo "$NAME (enforce)" >"$FS/profiles"
	# the stand-in cannot change this process's label: exit 3, nothing run
	expect_rc 3 "exec needs the real kernel" "$LSEC" profile exec $NAME -- /bin/touch "$T/ran"
	[ ! -e "$T/ran" ] && ok "exec did not run the program unconfined" || not_ok "exec ran the program"
	unset LSEC_APPARMORFS
fi

finish
