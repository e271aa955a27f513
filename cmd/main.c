/* SPDX-License-Identifier: MIT */
/* lsec: thin main over liblsec, as nftables' main is over libnftables. */
#include "commands.h"
#include "lsec/util.h"

int main(int argc, char **argv)
{
	/* Hidden helpers for the shell completions and the man pages. */
	if (argc >= 2 && streq(argv[1], "__complete")) {
		cli_complete(stdout, &lsec_root, argc - 2, argv + 2);
		return fflush(stdout) ? 1 : 0;
	}
	if (argc >= 2 && streq(argv[1], "__man")) {
		const struct lsec_cmd *g =
			argc > 2 ? cli_find(lsec_root.sub, argv[2]) : NULL;

		if (argc > 2 && !g) {
			fprintf(stderr, "lsec __man: unknown group '%s'\n", argv[2]);
			return 2;
		}
		cli_man(stdout, &lsec_root, g);
		return fflush(stdout) ? 1 : 0;
	}
	if (argc >= 2 && streq(argv[1], "__table")) {
		cli_table_dump(stdout, &lsec_root);
		return fflush(stdout) ? 1 : 0;
	}
	return cli_main(&lsec_root, argc, argv);
}
