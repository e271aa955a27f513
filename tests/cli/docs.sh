# The man pages and shell completions agree with the command table.
# The man pages' SYNOPSIS/COMMANDS blocks are generated from the table by
# `make man`; an option added to the table without regenerating (and thus
# without documenting) it makes the comparison below fail.
. "$LSEC_SRC/tests/lib.sh"

for page in "$LSEC_SRC"/man/lsec*.8; do
	name=$(basename "$page" .8)
	group=${name#lsec}
	group=${group#-}
	want=$("$LSEC" __man $group)
	have=$(awk '/^\.\\" BEGIN GENERATED/{on=1; next} /^\.\\" END GENERATED/{on=0} on' "$page")
	if [ "$want" = "$have" ]; then ok "$name.8 matches the command table"; else
		not_ok "$name.8 differs from the command table (run 'make man')"
		diff <(echo "$have") <(echo "$want") | head -20
	fi
done
# every group has a page
for g in $("$LSEC" __complete lsec ""); do
	[ -f "$LSEC_SRC/man/lsec-$g.8" ] && ok "man page for $g" || not_ok "no man/lsec-$g.8"
done
# The page's own check: a table entry missing from a page is caught.
fake=$(awk '/^\.\\" BEGIN GENERATED/{on=1; next} /^\.\\" END GENERATED/{on=0} on' "$LSEC_SRC/man/lsec.8" | grep -v 'JSON document')
[ "$fake" != "$("$LSEC" __man)" ] && ok "a page missing --json would be caught" || not_ok "drift check is blind"

# bash completion, run the way bash runs it
if command -v bash >/dev/null; then
	complete_words() { # WORD... (last is the word being completed)
		bash -c '
			complete() { :; }; compopt() { :; }
			. "$1"; shift
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			_lsec; printf "%s\n" "${COMPREPLY[@]}"' _ "$LSEC_SRC/completions/lsec.bash" "$@"
	}
	got=$(complete_words "$LSEC" "")
	for g in fw profile sandbox; do expect_match "^$g\$" "$got" "bash completes group $g"; done
	# every verb and option of the table, completed in one bash process
	"$LSEC" __table >"$T/table"
	bash -c '
		complete() { :; }; compopt() { :; }
		. "$1"
		while read -r g v opt; do
			if [ -z "$opt" ]; then COMP_WORDS=("$2" "$g" ""); want=$v
			else COMP_WORDS=("$2" "$g" "$v" "--"); want=$opt; fi
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			_lsec
			hit=no
			for c in "${COMPREPLY[@]}"; do [ "$c" = "$want" ] && hit=yes; done
			echo "$hit $g $v $opt"
		done <"$3"' _ "$LSEC_SRC/completions/lsec.bash" "$LSEC" "$T/table" >"$T/completed"
	while read -r hit g v opt; do
		[ "$hit" = yes ] && ok "bash completes '$g $v $opt'" || not_ok "bash does not complete '$g $v $opt'"
	done <"$T/completed"
	[ "$(wc -l <"$T/completed")" -eq "$(wc -l <"$T/table")" ] && [ -s "$T/table" ] &&
		ok "every table line checked" || not_ok "completion check incomplete"
	got=$(complete_words "$LSEC_BUILD/lsec-fw" "")
	expect_eq "$got" "$("$LSEC" __complete lsec fw "")" "lsec-fw completes like lsec fw"
	got=$(complete_words "$LSEC" "fw" "--js")
	expect_eq "$got" "--json" "global options complete after the group"
fi
for f in _lsec lsec.fish; do
	[ -s "$LSEC_SRC/completions/$f" ] && ok "completion $f present" || not_ok "completion $f missing"
done
if command -v zsh >/dev/null; then
	zsh -n "$LSEC_SRC/completions/_lsec" && ok "zsh completion parses" || not_ok "zsh completion syntax"
fi
if command -v fish >/dev/null; then
	fish -n "$LSEC_SRC/completions/lsec.fish" && ok "fish completion parses" || not_ok "fish completion syntax"
fi
finish
