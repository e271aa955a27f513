/* SPDX-License-Identifier: MIT */
/* Front-end pieces shared by the verbs that trace a program: profile gen
 * and sandbox trace (their exit codes and --json shapes must agree). */
#include "traced.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

int traced_program_missing(struct lsec_ctx *ctx, int r)
{
	int code = r == -ENOENT ? LSEC_EXIT_RUN_NOTFOUND : LSEC_EXIT_RUN_NOEXEC;

	fprintf(stderr, "%s: %s\n", ctx->path, ctx->err.msg);
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_object_begin(&ctx->j, "error");
		lsec_json_string(&ctx->j, "command", ctx->path);
		lsec_json_string(&ctx->j, "kind",
				 r == -ENOENT ? "program_not_found" : "program_not_executable");
		lsec_json_string(&ctx->j, "errno", strerrorname_np(-r));
		lsec_json_string(&ctx->j, "message", ctx->err.msg);
		lsec_json_int(&ctx->j, "exit_code", code);
		lsec_json_object_end(&ctx->j);
		cli_json_end(ctx);
	}
	return code;
}

void traced_json_program(struct lsec_ctx *ctx, const struct lsec_trace *t,
			 bool attached)
{
	lsec_json_object_begin(&ctx->j, "program");
	lsec_json_int(&ctx->j, "pid", t->pid);
	lsec_json_bool(&ctx->j, "attached", attached);
	if (t->exited && WIFEXITED(t->status))
		lsec_json_int(&ctx->j, "exit_status", WEXITSTATUS(t->status));
	else if (t->exited && WIFSIGNALED(t->status))
		lsec_json_int(&ctx->j, "signal", WTERMSIG(t->status));
	else
		lsec_json_null(&ctx->j, "exit_status");
	lsec_json_string(&ctx->j, "ended_by",
			 t->stopped_by_signal ? "signal"
			 : t->timed_out	      ? "duration"
					      : "exit");
	lsec_json_uint(&ctx->j, "stops", t->events);
	lsec_json_object_end(&ctx->j);
}
