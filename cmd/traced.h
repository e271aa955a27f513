/* SPDX-License-Identifier: MIT */
#ifndef LSEC_CMD_TRACED_H
#define LSEC_CMD_TRACED_H

#include <stdbool.h>

#include "cli.h"
#include "lsec/trace.h"

/* CMD not found or not executable: the message (and the JSON error), then
 * 127 or 126, as env(1) does. */
int traced_program_missing(struct lsec_ctx *ctx, int r);
/* The "program" object of --json: pid, attached, exit_status or signal,
 * ended_by (exit, signal, duration), stops. */
void traced_json_program(struct lsec_ctx *ctx, const struct lsec_trace *t,
			 bool attached);

#endif
