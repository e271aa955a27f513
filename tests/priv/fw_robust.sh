# lsec fw under stress and misuse: concurrent writers (lsec and iptables),
# the xtables lock, all-or-nothing across families, save/restore round trip,
# bad input (exit 2, nothing changed), not root (exit 4).
. "$LSEC_SRC/tests/fw_helpers.sh"
# The legacy backend's own machinery (xtables lock, iptables writers,
# per-family commits): legacy only.
export LSEC_FW_BACKEND=${LSEC_FW_BACKEND:-legacy}
is_nft && skip "legacy-only test"
fw_setup "$@"
# One namespace is enough: no traffic here.
if [ -z "${LSEC_IN_NETNS:-}" ]; then
	LSEC_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
here() { "$@"; }

# --- concurrency: 8 lsec writers and 8 iptables-legacy writers at once ---
for w in $(seq 1 8); do
	for i in $(seq 1 25); do echo "10.$w.0.$i"; done >"$T/list$w"
done
pids=()
for w in $(seq 1 8); do
	"$LSEC" fw block --file "$T/list$w" --wait -q &
	pids+=($!)
	(for i in $(seq 1 10); do iptables-legacy -w -A INPUT -s "172.16.$w.$i" -j DROP || exit 1; done) &
	pids+=($!)
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
expect_eq "$bad" "0" "every concurrent writer succeeded"
save=$(iptables-legacy-save)
# blocked addresses are entries of lsec's ipset (matched by one rule)
expect_eq "$(ipset list lsec-input-src4 | grep -c '^10\.')" "200" "no lsec block lost (200)"
expect_eq "$(grep -c '^-A LSEC-INPUT -m set --match-set lsec-input-src4 src' <<<"$save")" "1" \
	"exactly one rule matches the set"
expect_eq "$(grep -c '^-A INPUT -s 172\.16\.' <<<"$save")" "80" "no iptables rule lost (80)"
expect_eq "$(grep -c '^-A INPUT .*-j LSEC-INPUT' <<<"$save")" "1" "exactly one jump to LSEC-INPUT"

# --- a writer that ignores the lock: lsec redoes commits refused (EAGAIN)
# (REJECT blocks: rules, not set entries, so each one is a table commit) ---
"$LSEC_PROGS/iptc_nolock_append" 150 >"$T/eagain" &
writer=$!
bad=0
for w in $(seq 1 20); do "$LSEC" fw block "10.99.$w.1" "10.99.$w.2" --reject --wait -q || bad=$((bad + 1)); done
wait $writer || bad=$((bad + 1))
expect_eq "$bad" "0" "lsec and the lock-ignoring writer both succeeded"
save=$(iptables-legacy-save)
expect_eq "$(grep -c '^-A LSEC-INPUT -s 10\.99\.' <<<"$save")" "80" "no lsec rule lost to the lock-ignoring writer"
"$LSEC" fw unblock 10.99.{1..20}.{1,2} -q
expect_eq "$(grep -c '^-A INPUT -s 172\.17\.' <<<"$save")" "150" "no rule of the lock-ignoring writer lost"
echo "# the lock-ignoring writer met EAGAIN $(cat "$T/eagain") time(s)"
for i in $(seq 0 149); do echo "-D INPUT -s 172.17.$((i / 256)).$((i % 256))/32 -j DROP"; done >"$T/del"
(echo '*filter'; cat "$T/del"; echo COMMIT) | iptables-legacy-restore --noflush

# --- save/restore round trip (the set rule included) ---
"$LSEC" fw allow 22/tcp -q
iptables-legacy-save >"$T/saved"
iptables-legacy -w -F && iptables-legacy -w -X
expect_rc 0 "iptables-legacy-restore accepts a save with lsec's rules" iptables-legacy-restore "$T/saved"
expect_eq "$(iptables-legacy-save | grep -c '^-A LSEC-INPUT')" "2" "the set rule and the allow back after restore"
expect_rc 0 "list after restore" "$LSEC" fw list --json
expect_eq "$(grep -o '"source":"10\.[0-9.]*"' <<<"$OUT" | wc -l)" "200" "the 200 blocks listed after restore"
expect_no_match '"action":"other"' "$OUT" "the restored set rule is lsec's, not a foreign rule"
expect_rc 0 "block after restore" "$LSEC" fw block --file "$T/list3" --json
expect_eq "$(jchanged "$OUT")" "False" "restored rules are recognised as lsec's"
"$LSEC" fw flush -q
for w in $(seq 1 8); do for i in $(seq 1 10); do iptables-legacy -w -D INPUT -s "172.16.$w.$i" -j DROP; done; done

# --- the lock ---
flock "$XTABLES_LOCKFILE" sleep 2 &
holder=$!
sleep 0.3
expect_rc 1 "lock held, no --wait: fails" "$LSEC" fw block 192.0.2.1
expect_match 'xtables lock.*--wait' "$ERR" "says who holds the lock and suggests --wait"
expect_rc 1 "--wait=0.5s gives up" "$LSEC" fw block 192.0.2.1 --wait=500ms
expect_rc 0 "--wait waits for the holder" "$LSEC" fw block 192.0.2.1 --wait
wait $holder
expect_match '^192\.0\.2\.1 ' "$(ipset list lsec-input-src4)" "block added after waiting"
"$LSEC" fw flush -q

# --- all or nothing across families: IPv6 commit fails, IPv4 rolled back ---
"$LSEC" fw block 192.0.2.7 -q
before=$(ruleset here)
expect_rc 1 "IPv6 commit fails" env LSEC_NF_FAIL_COMMIT=6/filter "$LSEC" fw block 192.0.2.8 2001:db8::8 --out
expect_match 'rolled back' "$ERR" "says the IPv4 part was rolled back"
expect_eq "$(ruleset here)" "$before" "ruleset unchanged after the failed commit"
"$LSEC" fw flush -q
before=$(ruleset here)
expect_rc 1 "nat commit fails after filter" env LSEC_NF_FAIL_COMMIT=4/nat "$LSEC" fw forward 80/tcp --to 10.0.0.2
expect_eq "$(ruleset here)" "$before" "no chain or jump left behind by the rolled-back filter commit"

# --- bad input: exit 2, value named, nothing changed ---
"$LSEC" fw block 192.0.2.1 -q
before=$(ruleset here)
while IFS='|' read -r want args; do
	[ -n "$args" ] || continue
	eval "set -- $args"
	expect_rc 2 "bad input: fw $args" "$LSEC" fw "$@" --json
	expect_match "$want" "$ERR" "  error names '$want'"
	expect_match '"kind":"invalid_input"' "$OUT" "  JSON error kind"
done <<'TABLE'
1.2.3.999|block 1.2.3.999
10.0.0.0/33|block 10.0.0.0/33
no address|block
nope|block 192.0.2.2 nope
/nonexistent|block --file /nonexistent
control|block 192.0.2.3 --comment $'a\nb'
abc|block 192.0.2.4 --wait=abc
--both|unblock 192.0.2.1 --both
70000|allow 70000
icmp|allow 22/icmp
nosuchservice|allow nosuchservice
8100:8000|allow 8100:8000
bad|allow 22 --from bad
1.2.3.4/99|deny 22 --from 1.2.3.4/99
--to|forward 8080
:0|forward 8080 --to 10.0.0.1:0
range|forward 8000:8100 --to 10.0.0.1:80
bad/if|forward 8080 --to 10.0.0.1 --in-iface bad/if
--out-iface|masquerade
abcdefghijklmnopq|masquerade --out-iface abcdefghijklmnopq
300.1.1.1|masquerade --out-iface eth0 --from 300.1.1.1
x|unforward 8080/tcp --to x
TABLE
expect_eq "$(ruleset here)" "$before" "no bad input changed the ruleset"

# --- not root: exit 4 ---
if command -v setpriv >/dev/null; then
	expect_rc 4 "block as nobody" setpriv --reuid=65534 --regid=65534 --clear-groups "$LSEC" fw block 192.0.2.9
	expect_rc 4 "list as nobody" setpriv --reuid=65534 --regid=65534 --clear-groups "$LSEC" fw list --json
	expect_eq "$(json_get "$OUT" 'd["error"]["kind"]')" "permission_denied" "JSON error kind for not root"
fi
expect_eq "$(ruleset here)" "$before" "ruleset unchanged"

# --- no legacy tables in the kernel: exit 3, pointing to nft ---
expect_rc 3 "block without legacy tables" "$LSEC_PROGS/deny_getsockopt" "$LSEC" fw block 192.0.2.9 --json
expect_match 'no legacy iptables table.*nft' "$ERR" "says the legacy tables are missing, points to nft"
expect_match '"kind":"unavailable"' "$OUT" "JSON error kind unavailable"
expect_rc 3 "status without legacy tables" "$LSEC_PROGS/deny_getsockopt" "$LSEC" fw status
expect_eq "$(ruleset here)" "$before" "ruleset unchanged"
"$LSEC" fw flush -q

# --- status warnings: nf_tables rules and Docker chains present ---
expect_rc 0 "status" "$LSEC" fw status --json
expect_no_match 'nf_tables' "$OUT" "no nf_tables warning in a clean namespace"
if command -v nft >/dev/null; then
	nft add table ip lsectest && nft add chain ip lsectest DOCKER-USER
	iptables-legacy -w -N DOCKER
	"$LSEC" fw forward 8080/tcp --to 10.0.0.2 -q 2>/dev/null
	expect_rc 0 "status with nft rules, Docker chains, a forward" "$LSEC" fw status --json
	json_ok "$OUT" "status --json is one document"
	expect_match 'nf_tables \(iptables-nft\) rules are present' "$OUT" "warns about nf_tables rules"
	expect_match "Docker's chains are present in the legacy" "$OUT" "warns about Docker (legacy)"
	expect_match "Docker's chains are present \(in nf_tables" "$OUT" "warns about Docker (nf_tables)"
	expect_match 'forwarding is off' "$OUT" "warns that forwards exist while forwarding is off"
	expect_match '"hooked":true' "$OUT" "chains reported as hooked"
	nft delete table ip lsectest
	iptables-legacy -w -X DOCKER
	"$LSEC" fw flush -q
fi

finish
