# `cmake --install` puts the binary, the multicall links, the man pages and
# the completions where a distribution expects them.
. "$LSEC_SRC/tests/lib.sh"
command -v cmake >/dev/null || skip "cmake not installed"
expect_rc 0 "cmake --install into a staging prefix" cmake --install "$LSEC_BUILD" --prefix "$T/usr"
[ -x "$T/usr/bin/lsec" ] && ok "lsec installed" || not_ok "lsec missing"
for g in fw sandbox profile; do
	[ "$(readlink "$T/usr/bin/lsec-$g")" = lsec ] && ok "lsec-$g -> lsec" || not_ok "lsec-$g link"
	[ -f "$T/usr/share/man/man8/lsec-$g.8" ] && ok "lsec-$g.8 installed" || not_ok "lsec-$g.8 missing"
	expect_rc 0 "installed lsec-$g runs" "$T/usr/bin/lsec-$g" --help
	expect_match "^usage: lsec $g " "$OUT" "installed lsec-$g dispatches to $g"
done
[ -f "$T/usr/share/man/man8/lsec.8" ] && ok "lsec.8 installed" || not_ok "lsec.8 missing"
[ -f "$T/usr/share/bash-completion/completions/lsec" ] && ok "bash completion installed" || not_ok "bash completion"
[ -f "$T/usr/share/zsh/vendor-completions/_lsec" ] && ok "zsh completion installed" || not_ok "zsh completion"
[ -f "$T/usr/share/fish/vendor_completions.d/lsec.fish" ] && ok "fish completion installed" || not_ok "fish completion"
if command -v man >/dev/null; then
	for p in "$T"/usr/share/man/man8/*.8; do
		w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		[ -z "$w" ] && ok "$(basename "$p") renders without warnings" || { not_ok "$(basename "$p") warnings"; echo "$w" | head -5; }
	done
fi
finish
