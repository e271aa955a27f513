# The README's demo must always run to the end: run it as CI would.
. "$LSEC_SRC/tests/lib.sh"
need_root
expect_rc 0 "docs/demo.sh runs to the end" bash "$LSEC_SRC/docs/demo.sh"
expect_match "Demo complete" "$OUT" "demo reached its end"
expect_match "100% packet loss" "$OUT" "demo shows the blocked ping dropped"
expect_match "PermissionError: \[Errno 1\] Operation not permitted" "$OUT" "demo shows open denied with EPERM"
expect_match "PermissionError: \[Errno 13\] Permission denied: '/etc/shadow'" "$OUT" "demo shows Landlock refusing a read"
expect_match "OSError: \[Errno 38\] Function not implemented" "$OUT" "demo shows a learned policy refusing an unexercised call"
expect_match "refused mkdir\(83\) \[x86_64\]" "$OUT" "demo shows --report naming the refused call"
finish
