# bash completion for lsec and its links lsec-fw, lsec-sandbox, lsec-profile.
# The candidates come from the binary's own command table (`lsec __complete`),
# so this file never needs to change when a command or option is added.
_lsec() {
	local IFS=$'\n' cands
	cands=$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
	if [ -n "$cands" ]; then
		COMPREPLY=($cands)
	else
		# an option's value or a positional argument: offer files
		compopt -o default 2>/dev/null
		COMPREPLY=()
	fi
}
complete -F _lsec lsec lsec-fw lsec-sandbox lsec-profile
