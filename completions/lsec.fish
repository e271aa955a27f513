# fish completion for lsec: candidates come from `lsec __complete`, which
# reads the binary's own command table.
function __lsec_complete
    set -l tokens (commandline -opc) (commandline -ct)
    $tokens[1] __complete $tokens 2>/dev/null
end
for cmd in lsec lsec-fw lsec-sandbox lsec-profile
    complete -c $cmd -a '(__lsec_complete)'
end
