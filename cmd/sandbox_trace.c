/* SPDX-License-Identifier: MIT */
/*
 * lsec sandbox trace: run a program under the tracer (lib/trace, every
 * system call), learn the smallest allowlist for that run (lib/seccomp
 * learn.c) and write it as an lsec policy, an OCI profile or a systemd
 * drop-in.  Also the front end of `lsec sandbox run --report`.
 *
 * Exit status is lsec's own, as `profile gen`: 0 when the policy was
 * written (the program's status is in --json), 2 bad usage, 1 tracing
 * failed, 4 not allowed to trace, 127/126 when CMD is not found / not
 * executable.
 */
#include "commands.h"
#include "traced.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/seccomp.h"
#include "lsec/trace.h"
#include "lsec/util.h"

enum out_fmt { OUT_POLICY, OUT_OCI, OUT_SYSTEMD };

/* The learned filter, in fmt, ending with how it was learned. */
static int render(const struct lsec_sc_filter *f, const struct lsec_sc_learn *l,
		  enum out_fmt fmt, char *const *argv, const char *merged,
		  char **text, size_t *len)
{
	_cleanup_free_ char *json = NULL, *com = NULL;
	size_t jlen = 0, clen = 0;
	FILE *m;
	char *end;

	if (fmt != OUT_OCI) {
		m = open_memstream(text, len);
		if (!m)
			return -ENOMEM;
		if (fmt == OUT_POLICY) {
			for (size_t i = 0; i < f->nnotes; i++)
				fprintf(m, "# note: %s\n", f->notes[i]);
			lsec_sc_write_policy(f, m, false);
		} else {
			lsec_sc_write_systemd(f, m);
		}
		lsec_sc_learn_comment(l, m, argv, merged, "# ");
		return fclose(m) == 0 ? 0 : -ENOMEM;
	}
	/* JSON has no comments: the note is the profile's last key */
	if (!(m = open_memstream(&json, &jlen)))
		return -ENOMEM;
	lsec_sc_write_oci(f, m);
	if (fclose(m) != 0 || !(m = open_memstream(&com, &clen)))
		return -ENOMEM;
	lsec_sc_learn_comment(l, m, argv, merged, "");
	if (fclose(m) != 0 || !(end = strrchr(json, '}')))
		return -ENOMEM;
	if (!(m = open_memstream(text, len)))
		return -ENOMEM;
	fwrite(json, 1, (size_t)(end - json), m);
	fputs(",\"comment\":", m);
	lsec_json_write_string(m, com, clen);
	fputs("}\n", m);
	return fclose(m) == 0 ? 0 : -ENOMEM;
}

static int parse_opts(struct lsec_ctx *ctx, struct lsec_trace_opts *to,
		      enum out_fmt *fmt)
{
	const char *v;
	uint64_t u;
	int r;

	*fmt = OUT_POLICY;
	if ((v = cli_opt(ctx, "format"))) {
		if (streq(v, "oci") || streq(v, "docker") || streq(v, "json"))
			*fmt = OUT_OCI;
		else if (streq(v, "systemd"))
			*fmt = OUT_SYSTEMD;
		else if (!streq(v, "policy"))
			return lsec_err_input(&ctx->err,
					      "invalid --format '%s' (expected "
					      "policy, oci or systemd)",
					      v);
	}
	if ((v = cli_opt(ctx, "duration"))) {
		r = lsec_parse_duration(v, &to->duration_ms, &ctx->err);
		if (r < 0)
			return r;
	}
	if ((v = cli_opt(ctx, "attach"))) {
		if (lsec_parse_u64(v, INT_MAX, &u) < 0 || u == 0)
			return lsec_err_input(&ctx->err, "invalid --attach pid '%s'", v);
		to->attach_pid = (pid_t)u;
	}
	if ((to->attach_pid != 0) == (ctx->argc > 0))
		return lsec_err_input(&ctx->err,
				      "give exactly one of CMD or --attach PID");
	if ((v = cli_opt(ctx, "output")) && !*v)
		return lsec_err_input(&ctx->err, "invalid --output ''");
	return 0;
}

static void json_result(struct lsec_ctx *ctx, const struct lsec_trace *t,
			const struct lsec_sc_filter *f, const char *out,
			const char *text, size_t len, bool changed)
{
	size_t i;

	cli_json_begin(ctx);
	if (out)
		lsec_json_string(&ctx->j, "output", out);
	else
		lsec_json_string_len(&ctx->j, "text", text, len);
	lsec_json_bool(&ctx->j, "changed", changed);
	if (ctx->check)
		lsec_json_bool(&ctx->j, "check", true);
	lsec_json_int(&ctx->j, "rules", (int64_t)(f->nmain + f->nrefine));
	lsec_json_array_begin(&ctx->j, "notes");
	for (i = 0; i < f->nnotes; i++)
		lsec_json_string(&ctx->j, NULL, f->notes[i]);
	lsec_json_array_end(&ctx->j);
	traced_json_program(ctx, t, ctx->argc == 0);
	cli_json_end(ctx);
}

static void policy_freep(struct lsec_sc_policy *p) { lsec_sc_policy_free(p); }
static void filter_freep(struct lsec_sc_filter *f) { lsec_sc_filter_free(f); }
static void learn_freep(struct lsec_sc_learn *l) { lsec_sc_learn_free(l); }
static void trace_freep(struct lsec_trace *t) { lsec_trace_free(t); }

int cmd_sandbox_trace(struct lsec_ctx *ctx)
{
	const char *out = cli_opt(ctx, "output"), *merge = cli_opt(ctx, "merge");
	struct lsec_trace_opts to = { .stdout_fd = -1 };
	_cleanup_(trace_freep) struct lsec_trace t = { 0 };
	_cleanup_(learn_freep) struct lsec_sc_learn l = { 0 };
	_cleanup_(policy_freep) struct lsec_sc_policy p = { 0 };
	_cleanup_(filter_freep) struct lsec_sc_filter f = { 0 };
	_cleanup_free_ char *text = NULL;
	enum out_fmt fmt;
	size_t len = 0;
	bool changed = true;
	int r;

	r = parse_opts(ctx, &to, &fmt);
	if (r < 0)
		return r;
	lsec_sc_policy_init(&p);
	/* a bad --merge file is found before anything runs */
	if (merge && (r = lsec_sc_policy_load(&p, merge, &ctx->err)) < 0)
		return r;
	lsec_sc_learn_init(&l, cli_flag(ctx, "args"));
	to.flags = LSEC_TRACE_ALL_SYSCALLS | LSEC_TRACE_SYSCALLS_ONLY;
	to.on_syscall = lsec_sc_learn_call;
	to.userdata = &l;
	if (ctx->argc) {
		to.argv = ctx->argv;
		/* the policy (or JSON) goes to stdout: keep the program's
		 * output off it */
		if (!out || ctx->json)
			to.stdout_fd = 2;
	}
	fflush(stdout);
	r = lsec_trace_run(&to, &t, &ctx->err);
	if (ctx->argc && (r == -ENOENT || r == -EACCES || r == -ENOEXEC))
		return traced_program_missing(ctx, r);
	if (r < 0)
		return r;
	r = lsec_sc_learn_policy(&l, &p, merge != NULL, &ctx->err);
	if (r < 0)
		return r;
	/* libseccomp must accept it as it will be loaded */
	r = lsec_sc_resolve_loadable(&p, &f, &ctx->err);
	if (r < 0)
		return r;
	r = render(&f, &l, fmt, ctx->argc ? ctx->argv : NULL, merge, &text, &len);
	if (r < 0)
		return lsec_err_set(&ctx->err, -r, "cannot write the policy: %s",
				    strerror(-r));
	if (out) {
		r = lsec_file_write(out, text, len, ctx->check, &changed, &ctx->err);
		if (r < 0)
			return r;
	}
	/* a run that failed may have missed the paths that matter */
	if (!ctx->json && !ctx->quiet && t.exited &&
	    (!WIFEXITED(t.status) || WEXITSTATUS(t.status)))
		fprintf(stderr, "%s: note: %s %s %d: the policy covers that run\n",
			ctx->path, ctx->argv[0],
			WIFEXITED(t.status) ? "exited with status" : "was killed by signal",
			WIFEXITED(t.status) ? WEXITSTATUS(t.status) : WTERMSIG(t.status));
	if (ctx->json)
		json_result(ctx, &t, &f, out, text, len, changed);
	else if (!out)
		fwrite(text, 1, len, stdout);
	else
		cli_say(ctx, "%s %s (%zu rules)\n",
			changed ? (ctx->check ? "would write" : "wrote") : "unchanged",
			out, f.nmain + f.nrefine);
	return 0;
}

/* ---- lsec sandbox run --report ---- */

struct sandbox_report {
	struct lsec_ctx *ctx;
	struct lsec_sc_report rep;
	bool killed_main;
};

static void on_refusal(const struct lsec_sc_refusal *r, void *ud)
{
	struct sandbox_report *sr = ud;
	char line[256];
	int n = lsec_sc_report_add(&sr->rep, r);

	if (r->main && r->act.kind == LSEC_SC_KILL)
		sr->killed_main = true;
	/* the report is what --report is for: also with --quiet */
	if (n > 0 || r->act.kind == LSEC_SC_KILL) {
		lsec_sc_refusal_str(r, line, sizeof(line));
		fprintf(stderr, "lsec sandbox: %s\n", line);
	}
}

int sandbox_report_begin(struct lsec_ctx *ctx, struct lsec_sc_filter *f,
			 struct lsec_sc_run_opts *o, struct sandbox_report **ret)
{
	struct sandbox_report *sr;

	if (!lsec_sc_report_supported())
		return lsec_err_set(&ctx->err, EOPNOTSUPP,
				    "--report is not supported on this CPU "
				    "architecture");
	sr = calloc(1, sizeof(*sr));
	if (!sr)
		return -ENOMEM;
	sr->ctx = ctx;
	f->report = true;
	o->report_traps = true;
	o->on_refusal = on_refusal;
	o->ud = sr;
	*ret = sr;
	return 0;
}

void sandbox_report_end(struct sandbox_report *sr, struct lsec_sc_run_result *res)
{
	size_t i;

	if (!sr)
		return;
	/* the policy's kill: reported as the kernel's would be */
	if (sr->killed_main && WIFSIGNALED(res->status) &&
	    WTERMSIG(res->status) == SIGKILL) {
		res->status = SIGSYS;
		res->exit_code = 128 + SIGSYS;
	}
	if (!sr->rep.total)
		return;
	fprintf(stderr, "lsec sandbox: %lu call%s reported, %zu distinct:",
		sr->rep.total, sr->rep.total == 1 ? "" : "s", sr->rep.n);
	for (i = 0; i < sr->rep.n; i++)
		fprintf(stderr, "%s %s [%s] in %s x%lu", i ? "," : "",
			sr->rep.v[i].name, lsec_sc_arch_name(sr->rep.v[i].arch),
			sr->rep.v[i].comm, sr->rep.count[i]);
	fputc('\n', stderr);
}

void sandbox_report_json(struct sandbox_report *sr)
{
	struct lsec_json *j;
	char ab[32];

	if (!sr)
		return;
	j = &sr->ctx->j;
	lsec_json_array_begin(j, "refusals");
	for (size_t i = 0; i < sr->rep.n; i++) {
		const struct lsec_sc_refusal *r = &sr->rep.v[i];

		lsec_json_object_begin(j, NULL);
		lsec_json_string(j, "syscall", r->name);
		lsec_json_int(j, "nr", r->nr);
		lsec_json_string(j, "arch", lsec_sc_arch_name(r->arch));
		lsec_json_string(j, "action", lsec_sc_action_str(&r->act, ab, sizeof(ab)));
		lsec_json_int(j, "pid", r->pid);
		lsec_json_string(j, "program", r->comm);
		lsec_json_uint(j, "count", sr->rep.count[i]);
		lsec_json_object_end(j);
	}
	lsec_json_array_end(j);
}

void sandbox_report_freep(struct sandbox_report **sr)
{
	if (!*sr)
		return;
	lsec_sc_report_free(&(*sr)->rep);
	free(*sr);
	*sr = NULL;
}
