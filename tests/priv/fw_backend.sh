# Choosing the fw backend (--backend, $LSEC_FW_BACKEND, fw.conf, auto from
# the system's iptables), refusing to split lsec's rules across the two
# stacks, and `lsec fw migrate` (new rules in place before the old go).
. "$LSEC_SRC/tests/fw_helpers.sh"
private_run "$@"
command -v iptables-legacy-save >/dev/null || skip "iptables-legacy not installed"
command -v nft >/dev/null || skip "nft not installed"
unset LSEC_FW_BACKEND
export LSEC_FW_CONF=$T/fw.conf
netns_pair
fw() { in_a "$LSEC" fw "$@"; }

# --- the choice and its reason ---
expect_rc 0 "--backend nft" fw status --backend nft --json
expect_eq "$(json_get "$OUT" 'd["backend"], d["backend_source"]')" "nft option" "--backend wins"
expect_rc 0 "LSEC_FW_BACKEND=legacy" env LSEC_FW_BACKEND=legacy ip netns exec "$NS_A" "$LSEC" fw status --json
expect_eq "$(json_get "$OUT" 'd["backend"], d["backend_source"]')" "legacy LSEC_FW_BACKEND" "the environment is next"
printf '# lsec fw\nbackend = legacy\n' >"$LSEC_FW_CONF"
expect_rc 0 "fw.conf" fw status --json
expect_eq "$(json_get "$OUT" 'd["backend"], d["backend_source"]')" "legacy $LSEC_FW_CONF" "then the config file"
expect_rc 0 "the option beats the file" fw status --backend nft --json
expect_eq "$(json_get "$OUT" 'd["backend"]')" "nft" "option over config file"
printf 'backend = nope\n' >"$LSEC_FW_CONF"
expect_rc 2 "bad backend in fw.conf" fw status
expect_match "invalid backend 'nope'.*$LSEC_FW_CONF" "$ERR" "names the value and the file"
printf 'backend nft\n' >"$LSEC_FW_CONF"
expect_rc 2 "bad line in fw.conf" fw status
expect_match "$LSEC_FW_CONF:1:" "$ERR" "FILE:LINE for a bad line"
rm -f "$LSEC_FW_CONF"
expect_rc 2 "--backend bogus" fw block 192.0.2.1 --backend bogus
expect_match "invalid backend 'bogus'" "$ERR" "names the bad backend"

# auto: what the system's iptables is (a stand-in binary for each case)
mkdir -p "$T/bin"
touch "$T/bin/xtables-nft-multi" "$T/bin/xtables-legacy-multi"
ln -s xtables-nft-multi "$T/bin/ipt-nft"
ln -s xtables-legacy-multi "$T/bin/ipt-legacy"
expect_rc 0 "auto, iptables-nft" env LSEC_IPTABLES="$T/bin/ipt-nft" ip netns exec "$NS_A" "$LSEC" fw status --json
expect_eq "$(json_get "$OUT" 'd["backend"], d["backend_source"]')" "nft auto" "auto picks nft for iptables-nft"
expect_match 'iptables-nft' "$(json_get "$OUT" 'd["backend_reason"]')" "and says why"
expect_rc 0 "auto, iptables-legacy" env LSEC_IPTABLES="$T/bin/ipt-legacy" ip netns exec "$NS_A" "$LSEC" fw status
expect_match '^backend: legacy' "$OUT" "auto picks legacy for iptables-legacy"
expect_match 'iptables-legacy' "$OUT" "and says why"
expect_rc 0 "auto, no iptables" env LSEC_IPTABLES="$T/bin/none" ip netns exec "$NS_A" "$LSEC" fw status --json
expect_eq "$(json_get "$OUT" 'd["backend"]')" "nft" "no iptables: nft where nf_tables answers"

# --- rules in one stack: the other is refused ---
expect_rc 0 "block in legacy" fw block $ADDR_B --backend legacy
expect_rc 0 "blocklist in legacy" fw blocklist create feed --backend legacy
expect_rc 0 "blocklist entries in legacy" fw blocklist add feed 192.0.2.0/24 198.51.100.7 --backend legacy
expect_rc 1 "writing to nft refused" fw allow 22 --backend nft
expect_match "in the legacy backend.*lsec fw migrate --to nft" "$ERR" "the refusal names migrate"
expect_no_match 'lsec' "$(in_a nft list tables)" "nothing written to nf_tables"
expect_rc 0 "nft status warns of legacy rules" fw status --backend nft
expect_match 'warning: lsec rules exist in the legacy backend' "$OUT" "status warns about the other stack"
expect_rc 1 "B->A dropped (legacy)" in_b ping -c1 -W1 -q $ADDR_A

# --- migrate ---
expect_rc 0 "migrate --check" fw migrate --to nft --check --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["rules"], d["blocklists"]')" "True 1 1" "--check says what would move"
expect_no_match 'lsec' "$(in_a nft list tables)" "--check moved nothing"
expect_rc 0 "migrate --to nft" fw migrate --to nft --json
expect_eq "$(json_get "$OUT" 'd["changed"], d["from"], d["to"], d["blocklist_entries"]')" "True legacy nft 2" "rules and lists moved"
expect_rc 1 "B->A still dropped (nft)" in_b ping -c1 -W1 -q $ADDR_A
expect_no_match 'LSEC' "$(in_a iptables-legacy-save; in_a ip6tables-legacy-save)" "legacy rules removed"
expect_no_match 'lsec-feed|lsec-input' "$(in_a ipset list -name)" "legacy ipsets (blocklist and block sets) removed"
expect_rc 0 "list on nft" fw list --backend nft --json
expect_eq "$(json_get "$OUT" '[r["source"] for r in d["rules"]]')" "['$ADDR_B']" "the block is in nf_tables"
expect_rc 0 "blocklist on nft" fw blocklist list feed --backend nft --json
expect_eq "$(json_get "$OUT" 'sorted(a["address"] for a in d["blocklists"][0]["addresses"])')" \
	"['192.0.2.0/24', '198.51.100.7']" "the blocklist's entries are in nf_tables"
expect_rc 0 "migrate again" fw migrate --to nft --json
expect_eq "$(json_get "$OUT" 'd["changed"]')" "False" "second migrate: no change"
expect_rc 0 "nft writes now allowed" fw allow 22/tcp --backend nft -q
expect_rc 1 "and legacy ones refused" fw deny 23/tcp --backend legacy
expect_rc 0 "migrate back --to legacy" fw migrate --to legacy --json
expect_eq "$(json_get "$OUT" 'd["rules"], d["blocklists"]')" "3 1" "block, allow (2 families) and the list moved back"
expect_match '^-A LSEC-INPUT -m set --match-set lsec-input-src4 src ' "$(in_a iptables-legacy-save)" \
	"the legacy tables match lsec's block set"
expect_match '^10\.200\.0\.2 ' "$(in_a ipset list lsec-input-src4)" "the block is an entry of the set"
expect_rc 0 "list on legacy" fw list --backend legacy --json
expect_match "'$ADDR_B'" "$(json_get "$OUT" '[r.get("source") for r in d["rules"] if r["action"] == "drop"]')" \
	"legacy lists the block as a rule"
expect_no_match 'lsec' "$(in_a nft list tables)" "nothing left in nf_tables"
expect_rc 1 "B->A still dropped (legacy)" in_b ping -c1 -W1 -q $ADDR_A
expect_rc 2 "migrate --to auto" fw migrate --to auto
expect_rc 2 "migrate without --to" fw migrate
finish
