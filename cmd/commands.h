/* SPDX-License-Identifier: MIT */
/* Front-end entry points named in the command table (commands.c). */
#ifndef LSEC_COMMANDS_H
#define LSEC_COMMANDS_H

#include "cli.h"

extern const struct lsec_cmd lsec_root;

int cmd_version(struct lsec_ctx *ctx);

/* fw.c */

/* sandbox.c */

/* profile.c */
/* profile_gen.c */
int cmd_profile_gen(struct lsec_ctx *ctx);

#endif
