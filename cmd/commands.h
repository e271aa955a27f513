/* SPDX-License-Identifier: MIT */
/* Front-end entry points named in the command table (commands.c). */
#ifndef LSEC_COMMANDS_H
#define LSEC_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

extern const struct lsec_cmd lsec_root;

int cmd_version(struct lsec_ctx *ctx);

/* fw.c */
int cmd_fw_allow(struct lsec_ctx *ctx);
int cmd_fw_block(struct lsec_ctx *ctx);
int cmd_fw_deny(struct lsec_ctx *ctx);
int cmd_fw_flush(struct lsec_ctx *ctx);
int cmd_fw_forward(struct lsec_ctx *ctx);
int cmd_fw_list(struct lsec_ctx *ctx);
int cmd_fw_masquerade(struct lsec_ctx *ctx);
int cmd_fw_status(struct lsec_ctx *ctx);
int cmd_fw_unblock(struct lsec_ctx *ctx);
int cmd_fw_unforward(struct lsec_ctx *ctx);
int cmd_fw_unmasquerade(struct lsec_ctx *ctx);

/* fw_nft.c: backend choice, migrate, blocklists */
struct lsec_nf_backend_ops;
struct lsec_inet_prefix;
/* fw.c, shared with fw_nft.c: --wait; ADDR... from argv[first] and --file. */
int fw_wait_ms(struct lsec_ctx *ctx, int64_t *ret);
int fw_read_addrs(struct lsec_ctx *ctx, int first,
		  struct lsec_inet_prefix **ret, size_t *ret_n);
int cmd_fw_blocklist(struct lsec_ctx *ctx);
int cmd_fw_migrate(struct lsec_ctx *ctx);
/* The backend for this run (--backend, $LSEC_FW_BACKEND, fw.conf, auto);
 * NULL with ctx->err set when invalid, or when mutating and lsec's rules
 * are in the other backend. */
const struct lsec_nf_backend_ops *fw_backend_pick(struct lsec_ctx *ctx,
						  bool mutating);
/* status: write why the backend was chosen. */
void fw_backend_explain(struct lsec_ctx *ctx);

/* sandbox.c */
int cmd_sandbox_check(struct lsec_ctx *ctx);
int cmd_sandbox_explain(struct lsec_ctx *ctx);
int cmd_sandbox_export(struct lsec_ctx *ctx);
int cmd_sandbox_groups(struct lsec_ctx *ctx);
int cmd_sandbox_import(struct lsec_ctx *ctx);
int cmd_sandbox_run(struct lsec_ctx *ctx);
int cmd_sandbox_syscalls(struct lsec_ctx *ctx);
/* sandbox_trace.c: trace, and run --report */
int cmd_sandbox_trace(struct lsec_ctx *ctx);
struct sandbox_report;
struct lsec_sc_filter;
struct lsec_sc_run_opts;
struct lsec_sc_run_result;
int sandbox_report_begin(struct lsec_ctx *ctx, struct lsec_sc_filter *f,
			 struct lsec_sc_run_opts *o, struct sandbox_report **ret);
void sandbox_report_end(struct sandbox_report *sr, struct lsec_sc_run_result *res);
void sandbox_report_json(struct sandbox_report *sr);
void sandbox_report_freep(struct sandbox_report **sr);

/* profile.c */
int cmd_profile_check(struct lsec_ctx *ctx);
int cmd_profile_complain(struct lsec_ctx *ctx);
int cmd_profile_enforce(struct lsec_ctx *ctx);
int cmd_profile_exec(struct lsec_ctx *ctx);
int cmd_profile_load(struct lsec_ctx *ctx);
int cmd_profile_run(struct lsec_ctx *ctx);
int cmd_profile_status(struct lsec_ctx *ctx);
int cmd_profile_unload(struct lsec_ctx *ctx);
/* profile_gen.c */
int cmd_profile_gen(struct lsec_ctx *ctx);

#endif
