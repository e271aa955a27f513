#!/bin/sh
# Rewrite the GENERATED block of every man page from the command table.
# usage: man/update.sh PATH/TO/lsec MAN_DIR     (or: make man)
set -eu
lsec=$1
dir=$2
for page in "$dir"/lsec*.8; do
	name=$(basename "$page" .8)
	group=${name#lsec}
	group=${group#-}
	gen=$(mktemp)
	"$lsec" __man $group >"$gen"
	awk -v gen="$gen" '
		/^\.\\" BEGIN GENERATED/ { print; while ((getline l < gen) > 0) print l; skip = 1; next }
		/^\.\\" END GENERATED/ { skip = 0 }
		!skip { print }' "$page" >"$page.new"
	mv "$page.new" "$page"
	rm -f "$gen"
done
