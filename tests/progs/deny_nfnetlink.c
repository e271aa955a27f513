/* SPDX-License-Identifier: MIT */
/*
 * Run a command with socket(AF_NETLINK, ..., NETLINK_NETFILTER) failing
 * with EPROTONOSUPPORT, what a kernel without nfnetlink answers: lets a
 * test see `lsec fw block` on the legacy backend report that ipsets are
 * unavailable (exit 3) on a machine that has them.  The legacy tables
 * (getsockopt) still work.
 *   usage: deny_nfnetlink CMD [ARG...]
 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <seccomp.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;

	if (argc < 2) {
		fprintf(stderr, "usage: deny_nfnetlink CMD [ARG...]\n");
		return 125;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT), SCMP_SYS(socket), 2,
			     SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			     SCMP_A2(SCMP_CMP_EQ, NETLINK_NETFILTER)) < 0 ||
	    seccomp_load(ctx) < 0) {
		fprintf(stderr, "deny_nfnetlink: cannot install the filter\n");
		return 125;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
