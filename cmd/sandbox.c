/* SPDX-License-Identifier: MIT */
/* lsec sandbox: parse -> lib/seccomp -> print. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "commands.h"
#include "lsec/cleanup.h"
#include "lsec/seccomp.h"
#include "lsec/util.h"

static void policy_freep(struct lsec_sc_policy *p) { lsec_sc_policy_free(p); }
static void filter_freep(struct lsec_sc_filter *f) { lsec_sc_filter_free(f); }

/* Prefix the lib's message with the option it came from. */
static int from_option(struct lsec_ctx *ctx, const char *opt, const char *val)
{
	char m[sizeof(ctx->err.msg)];

	snprintf(m, sizeof(m), "%s", ctx->err.msg);
	return lsec_err_input(&ctx->err, "--%s %s: %s", opt, val, m);
}

/* The policy the options (and an optional POLICY positional) describe. */
static int build_policy(struct lsec_ctx *ctx, struct lsec_sc_policy *p,
			const char *positional)
{
	struct lsec_sc_action cli_act = { LSEC_SC_ERRNO, EPERM }, def;
	const char *v, *nnp = cli_opt(ctx, "no-new-privs");
	bool exact = cli_flag(ctx, "exact"), any = false;
	int i, r;

	lsec_sc_policy_init(p);
	if ((v = cli_opt(ctx, "action"))) {
		if (lsec_sc_action_parse(v, &cli_act, &ctx->err) < 0)
			return from_option(ctx, "action", v);
		if (cli_act.kind == LSEC_SC_ALLOW)
			return lsec_err_input(&ctx->err,
					      "--action allow: use --allow LIST "
					      "to allow");
	}
	p->deny_act = cli_act;
	p->exact = exact;
	if (positional) {
		r = lsec_sc_policy_load(p, positional, &ctx->err);
		if (r < 0)
			return r;
		any = true;
	}
	for (i = 0; (v = cli_opt_next(ctx, "policy", &i));) {
		r = lsec_sc_policy_load(p, v, &ctx->err);
		if (r < 0)
			return r;
		any = true;
	}
	/* the command line's own settings for its own entries */
	p->deny_act = cli_act;
	p->exact = p->exact || exact;
	p->io_uring = p->io_uring || cli_flag(ctx, "allow-io-uring");
	p->native_only = p->native_only || cli_flag(ctx, "native-only");
	p->log = p->log || cli_flag(ctx, "log");
	if (nnp) {
		if (streq(nnp, "yes"))
			p->nnp = true;
		else if (streq(nnp, "no"))
			p->nnp = false;
		else
			return lsec_err_input(&ctx->err,
					      "invalid --no-new-privs value '%s' "
					      "(expected yes or no)",
					      nnp);
	}
	if ((v = cli_opt(ctx, "default-action"))) {
		if (lsec_sc_action_parse(v, &def, &ctx->err) < 0)
			return from_option(ctx, "default-action", v);
		p->def = def;
		p->def_set = true;
		any = true;
	}
	for (i = 0; i < ctx->optc; i++) {
		const struct lsec_optval *o = &ctx->optv[i];
		bool allow = streq(o->opt->name, "allow");

		if (!allow && !streq(o->opt->name, "deny"))
			continue;
		r = lsec_sc_policy_add_list(p, allow, o->val, NULL, 0, &ctx->err);
		if (r < 0)
			return r == -EINVAL ? from_option(ctx, o->opt->name, o->val) : r;
		any = true;
	}
	if (!any)
		return lsec_err_input(&ctx->err,
				      "no rules: give --deny, --allow or a policy "
				      "file");
	return 0;
}

static int build_filter(struct lsec_ctx *ctx, struct lsec_sc_filter *f,
			const char *positional)
{
	_cleanup_(policy_freep) struct lsec_sc_policy p = { 0 };
	int r;

	r = build_policy(ctx, &p, positional);
	if (r < 0)
		return r;
	return lsec_sc_resolve(&p, f, &ctx->err);
}

static void json_action(struct lsec_ctx *ctx, const char *key,
			const struct lsec_sc_action *a)
{
	char b[32];

	lsec_json_string(&ctx->j, key, lsec_sc_action_str(a, b, sizeof(b)));
}

static void json_notes(struct lsec_ctx *ctx, char **notes, size_t n)
{
	size_t i;

	lsec_json_array_begin(&ctx->j, "notes");
	for (i = 0; i < n; i++)
		lsec_json_string(&ctx->j, NULL, notes[i]);
	lsec_json_array_end(&ctx->j);
}

static void json_numbers(struct lsec_ctx *ctx, const char *name, bool native_only)
{
	uint32_t arch[4];
	size_t na = lsec_sc_arches(arch, ELEMENTSOF(arch), native_only), a;

	lsec_json_object_begin(&ctx->j, "numbers");
	for (a = 0; a < na; a++) {
		int nr = seccomp_syscall_resolve_name_arch(arch[a], name);

		if (nr >= 0)
			lsec_json_int(&ctx->j, lsec_sc_arch_name(arch[a]), nr);
		else
			lsec_json_null(&ctx->j, lsec_sc_arch_name(arch[a]));
	}
	lsec_json_object_end(&ctx->j);
}

static void json_rules(struct lsec_ctx *ctx, const struct lsec_sc_rule *v,
		       size_t n, const char *filter, bool native_only)
{
	char c[128];
	size_t i;
	unsigned k;

	for (i = 0; i < n; i++) {
		lsec_json_object_begin(&ctx->j, NULL);
		lsec_json_string(&ctx->j, "syscall", v[i].name);
		json_action(ctx, "action", &v[i].act);
		lsec_json_array_begin(&ctx->j, "args");
		for (k = 0; k < v[i].ncond; k++) {
			lsec_sc_cond_str(&v[i].cond[k], v[i].name, c, sizeof(c));
			lsec_json_string(&ctx->j, NULL, c);
		}
		lsec_json_array_end(&ctx->j);
		lsec_json_string(&ctx->j, "from", v[i].origin);
		lsec_json_string(&ctx->j, "filter", filter);
		json_numbers(ctx, v[i].name, native_only);
		lsec_json_object_end(&ctx->j);
	}
}

static void json_filter(struct lsec_ctx *ctx, const struct lsec_sc_filter *f)
{
	uint32_t arch[4];
	size_t na = lsec_sc_arches(arch, ELEMENTSOF(arch), f->native_only), a;

	json_action(ctx, "default_action", &f->def);
	lsec_json_array_begin(&ctx->j, "architectures");
	for (a = 0; a < na; a++)
		lsec_json_string(&ctx->j, NULL, lsec_sc_arch_name(arch[a]));
	lsec_json_array_end(&ctx->j);
	lsec_json_string(&ctx->j, "other_abis", "kill");
	lsec_json_bool(&ctx->j, "no_new_privs", f->nnp);
	lsec_json_bool(&ctx->j, "log", f->log);
	lsec_json_int(&ctx->j, "filters", f->nrefine ? 2 : 1);
	lsec_json_array_begin(&ctx->j, "rules");
	json_rules(ctx, f->main, f->nmain, "main", f->native_only);
	json_rules(ctx, f->refine, f->nrefine, "refine", f->native_only);
	lsec_json_array_end(&ctx->j);
	json_notes(ctx, f->notes, f->nnotes);
}

/* ---- check / explain ---- */

int cmd_sandbox_check(struct lsec_ctx *ctx)
{
	_cleanup_(policy_freep) struct lsec_sc_policy p = { 0 };
	_cleanup_(filter_freep) struct lsec_sc_filter f = { 0 };
	char ab[32];
	size_t i;
	int r;

	lsec_sc_policy_init(&p);
	r = lsec_sc_policy_load(&p, ctx->argv[0], &ctx->err);
	if (r < 0)
		return r;
	/* libseccomp may still refuse a combination: build it */
	r = lsec_sc_resolve_loadable(&p, &f, &ctx->err);
	if (r < 0)
		return r;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "policy", ctx->argv[0]);
		lsec_json_bool(&ctx->j, "valid", true);
		lsec_json_int(&ctx->j, "entries", (int64_t)p.n_allow + p.n_deny);
		lsec_json_int(&ctx->j, "rules", (int64_t)(f.nmain + f.nrefine));
		json_action(ctx, "default_action", &f.def);
		json_notes(ctx, f.notes, f.nnotes);
		cli_json_end(ctx);
		return 0;
	}
	cli_say(ctx, "%s: ok: %u entries, %zu rules, default %s\n", ctx->argv[0],
		p.n_allow + p.n_deny, f.nmain + f.nrefine,
		lsec_sc_action_str(&f.def, ab, sizeof(ab)));
	for (i = 0; i < f.nnotes; i++)
		cli_say(ctx, "note: %s\n", f.notes[i]);
	return 0;
}

int cmd_sandbox_explain(struct lsec_ctx *ctx)
{
	_cleanup_(filter_freep) struct lsec_sc_filter f = { 0 };
	size_t i;
	int r;

	r = build_filter(ctx, &f, ctx->argc ? ctx->argv[0] : NULL);
	if (r < 0)
		return r;
	if (ctx->json) {
		cli_json_begin(ctx);
		json_filter(ctx, &f);
		cli_json_end(ctx);
		return 0;
	}
	if (ctx->quiet)
		return 0;
	for (i = 0; i < f.nnotes; i++)
		fprintf(ctx->out, "# note: %s\n", f.notes[i]);
	lsec_sc_write_policy(&f, ctx->out, true);
	return 0;
}

/* ---- export / import ---- */

/* -o FILE (atomically, see lsec_file_write) or stdout. */
static int emit(struct lsec_ctx *ctx, const char *path, const char *text,
		size_t len)
{
	if (path)
		return lsec_file_write(path, text, len, false, NULL, &ctx->err);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return lsec_err_set(&ctx->err, errno ? errno : EIO,
				    "cannot write to stdout: %m");
	return 0;
}

int cmd_sandbox_export(struct lsec_ctx *ctx)
{
	_cleanup_(filter_freep) struct lsec_sc_filter f = { 0 };
	const char *fmts = cli_opt(ctx, "format"), *out = cli_opt(ctx, "output");
	_cleanup_free_ char *text = NULL;
	enum lsec_sc_format fmt;
	size_t len = 0;
	int r, fd;

	if (!fmts)
		return lsec_err_input(&ctx->err,
				      "--format is required (bpf, pfc, oci or "
				      "policy)");
	if (lsec_sc_format_parse(fmts, &fmt, &ctx->err) < 0)
		return -EINVAL;
	if (ctx->json && !out)
		return lsec_err_input(&ctx->err, "--json needs -o FILE (the "
						 "export itself goes to stdout)");
	r = build_filter(ctx, &f, ctx->argc ? ctx->argv[0] : NULL);
	if (r < 0)
		return r;
	/* Render in memory first: nothing is written when export fails. */
	fd = memfd_create("lsec-export", MFD_CLOEXEC);
	if (fd < 0)
		return lsec_err_set(&ctx->err, errno, "memfd_create: %m");
	r = lsec_sc_export(&f, fmt, fd, &ctx->err);
	if (r >= 0)
		r = lsec_fd_slurp(fd, &text, &len, &ctx->err);
	close(fd);
	if (r >= 0)
		r = emit(ctx, out, text, len);
	if (r < 0)
		return r;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "format", fmts);
		lsec_json_string(&ctx->j, "output", out);
		lsec_json_int(&ctx->j, "filters", f.nrefine ? 2 : 1);
		lsec_json_int(&ctx->j, "rules", (int64_t)(f.nmain + f.nrefine));
		json_notes(ctx, f.notes, f.nnotes);
		cli_json_end(ctx);
	} else if (f.nrefine && fmt == LSEC_SC_OCI && !ctx->quiet) {
		fprintf(stderr, "%s: note: this policy narrows an allowed syscall "
				"with an argument rule ('%s'); lsec loads that as "
				"a second filter, the OCI profile lists the rules "
				"flat, and a runtime building one libseccomp filter "
				"may reject the combination\n",
			ctx->path, f.refine[0].origin);
	}
	return 0;
}

static char **split_caps(const char *list)
{
	size_t n = 1, i = 0;
	const char *s;
	char **v, *copy, *save = NULL, *t;

	for (s = list; *s; s++)
		n += *s == ',';
	v = calloc(n + 2, sizeof(char *));
	copy = strdup(list);
	if (!v || !copy) {
		free(v);
		free(copy);
		return NULL;
	}
	v[0] = copy; /* owner of the strings, skipped by callers */
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		v[1 + i++] = t;
	return v;
}

int cmd_sandbox_import(struct lsec_ctx *ctx)
{
	_cleanup_(filter_freep) struct lsec_sc_filter f = { 0 };
	struct lsec_sc_import imp = { 0 };
	const char *out = cli_opt(ctx, "output"), *caps = cli_opt(ctx, "caps");
	_cleanup_free_ char **capv = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0, i;
	FILE *mem;
	int r;

	if (caps && !(capv = split_caps(caps)))
		return -ENOMEM;
	r = lsec_sc_import_oci(ctx->argv[0], capv ? (const char *const *)capv + 1 : NULL,
			       &imp, &ctx->err);
	if (capv)
		free(capv[0]);
	if (r < 0)
		goto out;
	r = lsec_sc_resolve_loadable(&imp.pol, &f, &ctx->err);
	if (r < 0)
		goto out;
	mem = open_memstream(&text, &len);
	if (!mem) {
		r = -ENOMEM;
		goto out;
	}
	fprintf(mem, "# imported by lsec sandbox import from %s\n", ctx->argv[0]);
	for (i = 0; i < imp.nnotes; i++)
		fprintf(mem, "# note: %s\n", imp.notes[i]);
	for (i = 0; i < f.nnotes; i++)
		fprintf(mem, "# note: %s\n", f.notes[i]);
	lsec_sc_write_policy(&f, mem, false);
	fclose(mem);
	if (out || !ctx->json) {
		r = emit(ctx, out, text, len);
		if (r < 0)
			goto out;
	}
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "input", ctx->argv[0]);
		if (out)
			lsec_json_string(&ctx->j, "output", out);
		else
			lsec_json_string(&ctx->j, "policy", text);
		lsec_json_int(&ctx->j, "rules", (int64_t)(f.nmain + f.nrefine));
		json_action(ctx, "default_action", &f.def);
		json_notes(ctx, imp.notes, imp.nnotes);
		cli_json_end(ctx);
	} else if (out && !ctx->quiet) {
		fprintf(stderr, "%s: wrote %s (%zu rules); %zu notes on "
				"includes/excludes and skipped names are "
				"comments at its top\n",
			ctx->path, out, f.nmain + f.nrefine, imp.nnotes);
	}
	r = 0;
out:
	lsec_sc_import_free(&imp);
	return r;
}

/* ---- groups / syscalls ---- */

static int count_fn(const char *name, void *ud)
{
	(void)name;
	(*(size_t *)ud)++;
	return 0;
}

struct list_ud {
	struct lsec_ctx *ctx;
	char **seen;
	size_t n;
};

static int list_fn(const char *name, void *ud)
{
	struct list_ud *l = ud;
	char **ns;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (streq(l->seen[i], name))
			return 0;
	ns = realloc(l->seen, (l->n + 1) * sizeof(char *));
	if (!ns)
		return -ENOMEM;
	l->seen = ns;
	/* name is the walker's scratch buffer: keep a copy */
	if (!(l->seen[l->n] = strdup(name)))
		return -ENOMEM;
	l->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_sandbox_groups(struct lsec_ctx *ctx)
{
	const struct lsec_sc_group *g;

	if (ctx->argc) {
		struct list_ud l = { .ctx = ctx };
		const char *name = ctx->argv[0];
		size_t i;
		int r;

		g = lsec_sc_group_find(name);
		if (!g)
			return lsec_err_input(&ctx->err,
					      "unknown group '%s' (see 'lsec "
					      "sandbox groups')",
					      name);
		r = lsec_sc_group_each(g, list_fn, &l, &ctx->err);
		if (r >= 0)
			qsort(l.seen, l.n, sizeof(char *), cmp_str);
		if (r >= 0 && ctx->json) {
			cli_json_begin(ctx);
			lsec_json_string(&ctx->j, "group", g->name);
			lsec_json_string(&ctx->j, "help", g->help);
			lsec_json_string(&ctx->j, "members", g->members);
			lsec_json_array_begin(&ctx->j, "syscalls");
			for (i = 0; i < l.n; i++)
				lsec_json_string(&ctx->j, NULL, l.seen[i]);
			lsec_json_array_end(&ctx->j);
			cli_json_end(ctx);
		} else if (r >= 0) {
			cli_say(ctx, "%s: %s\n", g->name, g->help);
			cli_say(ctx, "  includes: %s\n", g->members);
			for (i = 0; i < l.n; i++)
				cli_say(ctx, "%s\n", l.seen[i]);
		}
		for (i = 0; i < l.n; i++)
			free(l.seen[i]);
		free(l.seen);
		return r < 0 ? r : 0;
	}
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_array_begin(&ctx->j, "groups");
	}
	for (g = lsec_sc_groups; g->name; g++) {
		size_t n = 0;

		lsec_sc_group_each(g, count_fn, &n, NULL);
		if (ctx->json) {
			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "name", g->name);
			lsec_json_string(&ctx->j, "help", g->help);
			lsec_json_string(&ctx->j, "members", g->members);
			lsec_json_object_end(&ctx->j);
		} else
			cli_say(ctx, "%-16s %s\n", g->name, g->help);
	}
	if (ctx->json) {
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	}
	return 0;
}

int cmd_sandbox_syscalls(struct lsec_ctx *ctx)
{
	const char *arg = ctx->argv[0], *as = cli_opt(ctx, "arch");
	const char *const *fam = cli_flag(ctx, "exact") ? NULL : lsec_sc_family(arg);
	const char *one[2] = { arg, NULL };
	uint32_t arch[4], sel = 0;
	size_t na, a;
	uint64_t num;

	if (as && lsec_sc_arch_parse(as, &sel) < 0)
		return lsec_err_input(&ctx->err,
				      "unknown architecture '%s' (expected x86_64, "
				      "x86, x32, aarch64, arm, ...)",
				      as);
	if (as) {
		arch[0] = sel;
		na = 1;
	} else
		na = lsec_sc_arches(arch, ELEMENTSOF(arch), false);
	if (lsec_parse_u64(arg, 0x7fffffff, &num) == 0) {
		uint32_t ar = as ? sel : seccomp_arch_native();
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(ar, (int)num);

		if (!name)
			return lsec_err_input(&ctx->err,
					      "no syscall %llu on %s (known to "
					      "libseccomp)",
					      (unsigned long long)num,
					      lsec_sc_arch_name(ar));
		if (ctx->json) {
			cli_json_begin(ctx);
			lsec_json_uint(&ctx->j, "number", num);
			lsec_json_string(&ctx->j, "arch", lsec_sc_arch_name(ar));
			lsec_json_string(&ctx->j, "name", name);
			cli_json_end(ctx);
		} else
			cli_say(ctx, "%llu: %s (%s)\n", (unsigned long long)num, name,
				lsec_sc_arch_name(ar));
		return 0;
	}
	if (!fam) {
		if (!lsec_sc_known(arg))
			return lsec_err_input(&ctx->err,
					      "unknown syscall '%s' (not known to "
					      "libseccomp %u.%u.%u)",
					      arg, seccomp_version()->major,
					      seccomp_version()->minor,
					      seccomp_version()->micro);
		fam = one;
	}
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "name", arg);
		lsec_json_bool(&ctx->j, "family", fam != one);
		lsec_json_array_begin(&ctx->j, "syscalls");
	} else if (fam != one)
		cli_say(ctx, "%s: family of %s\n", arg, arg);
	for (; *fam; fam++) {
		if (ctx->json) {
			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "name", *fam);
			lsec_json_bool(&ctx->j, "known", lsec_sc_known(*fam));
			lsec_json_object_begin(&ctx->j, "numbers");
		} else
			cli_say(ctx, "%-20s", *fam);
		for (a = 0; a < na; a++) {
			int nr = seccomp_syscall_resolve_name_arch(arch[a], *fam);
			const char *an = lsec_sc_arch_name(arch[a]);

			if (ctx->json) {
				if (nr >= 0)
					lsec_json_int(&ctx->j, an, nr);
				else
					lsec_json_null(&ctx->j, an);
			} else if (nr >= 0)
				cli_say(ctx, " %s=%d", an, nr);
			else if (nr > -10000 && nr != __NR_SCMP_ERROR)
				cli_say(ctx, " %s=socketcall/ipc", an);
			else
				cli_say(ctx, " %s=-", an);
		}
		if (ctx->json) {
			lsec_json_object_end(&ctx->j);
			lsec_json_object_end(&ctx->j);
		} else
			cli_say(ctx, "%s\n", lsec_sc_known(*fam) ? "" :
				"  (unknown to this libseccomp: not filtered)");
	}
	if (ctx->json) {
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	}
	return 0;
}

/* ---- run ---- */

struct run_ud {
	struct lsec_ctx *ctx;
	struct lsec_sc_trap traps[32];
	unsigned n;
};

static void on_trap(const struct lsec_sc_trap *t, void *ud)
{
	struct run_ud *ru = ud;

	/* the report is the point of the trap action: also with --quiet */
	fprintf(stderr, "%s: blocked system call %s(%d) %s [pid %d]\n",
		ru->ctx->path, t->name, t->nr, lsec_sc_arch_name(t->arch), t->pid);
	if (ru->n < ELEMENTSOF(ru->traps))
		ru->traps[ru->n++] = *t;
}

static bool has_trap(const struct lsec_sc_filter *f)
{
	size_t i;

	if (f->def.kind == LSEC_SC_TRAP)
		return true;
	for (i = 0; i < f->nmain; i++)
		if (f->main[i].act.kind == LSEC_SC_TRAP)
			return true;
	for (i = 0; i < f->nrefine; i++)
		if (f->refine[i].act.kind == LSEC_SC_TRAP)
			return true;
	return false;
}

int cmd_sandbox_run(struct lsec_ctx *ctx)
{
	_cleanup_(filter_freep) struct lsec_sc_filter f = { 0 };
	struct run_ud ru = { .ctx = ctx };
	struct lsec_sc_run_opts o = { .on_trap = on_trap, .ud = &ru };
	struct lsec_sc_run_result res;
	_cleanup_(sandbox_report_freep) struct sandbox_report *sr = NULL;
	unsigned i;
	int r, sig;

	r = build_filter(ctx, &f, NULL);
	if (r < 0)
		return r;
	o.report_traps = has_trap(&f);
	/* --report (sandbox_trace.c) */
	if (cli_flag(ctx, "report") &&
	    (r = sandbox_report_begin(ctx, &f, &o, &sr)) < 0)
		return r;
	fflush(stdout);
	r = lsec_sc_run(&f, ctx->argv, &o, &res, &ctx->err);
	if (r == -ENOENT || (r == -EACCES && !ctx->err.input &&
			     strstr(ctx->err.msg, ctx->argv[0]) == ctx->err.msg)) {
		cli_report(ctx, r);
		return r == -ENOENT ? LSEC_EXIT_RUN_NOTFOUND : LSEC_EXIT_RUN_NOEXEC;
	}
	if (r < 0)
		return r;
	sandbox_report_end(sr, &res);
	sig = WIFSIGNALED(res.status) ? WTERMSIG(res.status) : 0;
	if (res.exit_code == LSEC_EXIT_RUN_NOTFOUND && !ctx->quiet &&
	    lsec_sc_filter_action(&f, "openat").kind >= LSEC_SC_ERRNO)
		fprintf(stderr, "%s: note: the policy denies openat from exec on, "
				"so a dynamically linked program cannot load its "
				"libraries (see lsec-sandbox(8), Start-up)\n",
			ctx->path);
	if (sig == SIGSYS && !ru.n && !sr && !ctx->quiet)
		fprintf(stderr, "%s: %s was killed by SIGSYS: it made a system "
				"call the policy kills (use --report to see "
				"which)\n",
			ctx->path, ctx->argv[0]);
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_array_begin(&ctx->j, "command");
		for (i = 0; i < (unsigned)ctx->argc; i++)
			lsec_json_string(&ctx->j, NULL, ctx->argv[i]);
		lsec_json_array_end(&ctx->j);
		lsec_json_int(&ctx->j, "exit_code", res.exit_code);
		if (sig)
			lsec_json_string(&ctx->j, "signal", sigabbrev_np(sig));
		else
			lsec_json_null(&ctx->j, "signal");
		lsec_json_array_begin(&ctx->j, "traps");
		for (i = 0; i < ru.n; i++) {
			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "syscall", ru.traps[i].name);
			lsec_json_int(&ctx->j, "nr", ru.traps[i].nr);
			lsec_json_string(&ctx->j, "arch",
					 lsec_sc_arch_name(ru.traps[i].arch));
			lsec_json_int(&ctx->j, "pid", ru.traps[i].pid);
			lsec_json_object_end(&ctx->j);
		}
		lsec_json_array_end(&ctx->j);
		sandbox_report_json(sr);
		cli_json_end(ctx);
	}
	return res.exit_code;
}
