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
int cmd_profile_check(struct lsec_ctx *ctx);
int cmd_profile_complain(struct lsec_ctx *ctx);
int cmd_profile_enforce(struct lsec_ctx *ctx);
int cmd_profile_exec(struct lsec_ctx *ctx);
int cmd_profile_load(struct lsec_ctx *ctx);
int cmd_profile_run(struct lsec_ctx *ctx);
int cmd_profile_status(struct lsec_ctx *ctx);
int cmd_profile_unload(struct lsec_ctx *ctx);

#endif
