/* SPDX-License-Identifier: MIT */
/*
 * Run a command with getsockopt(2) failing with ENOPROTOOPT, which is what a
 * kernel without the legacy x_tables answers to libiptc: lets a test see
 * `lsec fw` report "not available" (exit 3) on a machine that has them.
 *   usage: deny_getsockopt CMD [ARG...]
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <seccomp.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;

	if (argc < 2) {
		fprintf(stderr, "usage: deny_getsockopt CMD [ARG...]\n");
		return 125;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOPROTOOPT), SCMP_SYS(getsockopt), 0) < 0 ||
	    seccomp_load(ctx) < 0) {
		fprintf(stderr, "deny_getsockopt: cannot install the filter\n");
		return 125;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
