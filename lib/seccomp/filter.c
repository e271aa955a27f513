/* SPDX-License-Identifier: MIT */
/* Resolve a policy into filters; build libseccomp contexts; export. */
#include "lsec/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/json.h"
#include "lsec/util.h"

static const char *const io_uring_calls[] = { "io_uring_setup",
					      "io_uring_enter",
					      "io_uring_register" };

void lsec_sc_filter_free(struct lsec_sc_filter *f)
{
	size_t i;

	if (!f)
		return;
	free(f->main);
	free(f->refine);
	for (i = 0; i < f->nnotes; i++)
		free(f->notes[i]);
	free(f->notes);
	memset(f, 0, sizeof(*f));
}

#define note(f, ...) lsec_sc_note(&(f)->notes, &(f)->nnotes, __VA_ARGS__)

static int stricter(const struct lsec_sc_action *a, const struct lsec_sc_action *b)
{
	return (int)a->kind - (int)b->kind;
}

static bool same_conds(const struct lsec_sc_rule *a, const struct lsec_sc_rule *b)
{
	return a->ncond == b->ncond &&
	       memcmp(a->cond, b->cond, a->ncond * sizeof(a->cond[0])) == 0;
}

static bool is_deny(const struct lsec_sc_action *a)
{
	return a->kind >= LSEC_SC_ERRNO;
}

/* Append r to (*v, *n) unless an identical rule is there. */
static int emit(struct lsec_sc_rule **v, size_t *n, const struct lsec_sc_rule *r)
{
	struct lsec_sc_rule *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (streq((*v)[i].name, r->name) && same_conds(&(*v)[i], r) &&
		    lsec_sc_action_eq(&(*v)[i].act, &r->act))
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	(*v)[(*n)++] = *r;
	return 0;
}

int lsec_sc_resolve(const struct lsec_sc_policy *p, struct lsec_sc_filter *f,
		    struct lsec_err *e)
{
	_cleanup_free_ struct lsec_sc_rule *all = NULL;
	_cleanup_free_ bool *done = NULL;
	bool denies = false;
	size_t n = p->n, i, j, k;
	char b1[32], b2[32];
	int r = -ENOMEM;

	memset(f, 0, sizeof(*f));
	f->log = p->log;
	f->nnp = p->nnp;
	f->native_only = p->native_only;
	if (p->def_set)
		f->def = p->def;
	else if (p->n_allow)
		f->def = (struct lsec_sc_action){ LSEC_SC_ERRNO, ENOSYS };
	else
		f->def = (struct lsec_sc_action){ LSEC_SC_ALLOW, 0 };

	all = calloc(n + ELEMENTSOF(io_uring_calls), sizeof(*all));
	done = calloc(n + ELEMENTSOF(io_uring_calls), sizeof(*done));
	if (!all || !done)
		return lsec_err_set(e, ENOMEM, "out of memory");
	if (n) /* an empty policy has no rules array */
		memcpy(all, p->rules, n * sizeof(*all));
	denies = is_deny(&f->def);
	for (i = 0; i < n; i++)
		denies = denies || is_deny(&all[i].act);
	/* io_uring performs open, read, connect, send ... without those
	 * syscalls: a filter that denies anything denies io_uring too. */
	if (denies && !p->io_uring) {
		for (i = 0; i < ELEMENTSOF(io_uring_calls); i++) {
			struct lsec_sc_rule *u = &all[n++];

			snprintf(u->name, sizeof(u->name), "%s", io_uring_calls[i]);
			u->act = (struct lsec_sc_action){ LSEC_SC_ERRNO, ENOSYS };
			snprintf(u->origin, sizeof(u->origin), "io-uring bypass rule");
		}
	}

	for (i = 0; i < n; i++) {
		const struct lsec_sc_rule *U = NULL;
		bool cond_allow_main = false;

		if (done[i])
			continue;
		/* the strictest unconditional rule for this syscall */
		for (j = i; j < n; j++) {
			if (!streq(all[j].name, all[i].name) || all[j].ncond)
				continue;
			if (!U || stricter(&all[j].act, &U->act) >= 0)
				U = &all[j];
		}
		for (j = i; j < n; j++) {
			struct lsec_sc_rule *c = &all[j];

			if (!streq(c->name, all[i].name))
				continue;
			done[j] = true;
			if (!c->ncond) {
				if (c != U && !lsec_sc_action_eq(&c->act, &U->act) &&
				    (r = note(f, "%s: '%s' (%s) overridden by '%s' (%s): "
						 "the stricter rule wins",
					      c->name, c->origin,
					      lsec_sc_action_str(&c->act, b1, sizeof(b1)),
					      U->origin,
					      lsec_sc_action_str(&U->act, b2, sizeof(b2)))) < 0)
					return r;
				continue;
			}
			if (U && stricter(&c->act, &U->act) <= 0) {
				if ((r = note(f, "%s: '%s' has no effect: '%s' (%s) "
						 "already decides every call",
					      c->name, c->origin, U->origin,
					      lsec_sc_action_str(&U->act, b1, sizeof(b1)))) < 0)
					return r;
				continue;
			}
			if (U || (is_deny(&c->act) && cond_allow_main)) {
				r = emit(&f->refine, &f->nrefine, c);
			} else if (lsec_sc_action_eq(&c->act, &f->def)) {
				continue; /* the default already does this */
			} else {
				if (!is_deny(&c->act))
					cond_allow_main = true;
				/* a deny before an allow for the same syscall:
				 * moved to refine below */
				r = emit(&f->main, &f->nmain, c);
			}
			if (r < 0)
				return r;
		}
		/* Conditional denies put in main before a conditional allow of
		 * the same syscall showed up go to refine: libseccomp cannot
		 * hold both actions on one argument tree for every ABI. */
		if (cond_allow_main) {
			for (k = 0; k < f->nmain;) {
				if (streq(f->main[k].name, all[i].name) &&
				    is_deny(&f->main[k].act)) {
					r = emit(&f->refine, &f->nrefine, &f->main[k]);
					if (r < 0)
						return r;
					memmove(&f->main[k], &f->main[k + 1],
						(f->nmain - k - 1) * sizeof(f->main[0]));
					f->nmain--;
				} else
					k++;
			}
		}
		if (U && !lsec_sc_action_eq(&U->act, &f->def) &&
		    (r = emit(&f->main, &f->nmain, U)) < 0)
			return r;
		/* named on purpose but absent from the native ABI */
		if (streq(all[i].origin, all[i].name) &&
		    seccomp_syscall_resolve_name(all[i].name) < 0 &&
		    (r = note(f, "%s does not exist on %s; the rule applies to "
				 "the other ABIs only",
			      all[i].name,
			      lsec_sc_arch_name(seccomp_arch_native()))) < 0)
			return r;
	}
	return 0;
}

struct lsec_sc_action lsec_sc_filter_action(const struct lsec_sc_filter *f,
					    const char *name)
{
	size_t i;

	for (i = 0; i < f->nmain; i++)
		if (streq(f->main[i].name, name) && !f->main[i].ncond)
			return f->main[i].act;
	return f->def;
}

/* ---- libseccomp ---- */

static uint32_t scmp_act(const struct lsec_sc_action *a)
{
	switch (a->kind) {
	case LSEC_SC_ALLOW:
		return SCMP_ACT_ALLOW;
	case LSEC_SC_LOG:
		return SCMP_ACT_LOG;
	case LSEC_SC_ERRNO:
		return SCMP_ACT_ERRNO((uint32_t)a->err);
	case LSEC_SC_TRAP:
		return SCMP_ACT_TRAP;
	case LSEC_SC_KILL:
		break;
	}
	return SCMP_ACT_KILL_PROCESS;
}

/* --report (report.c) turns deny actions into SECCOMP_RET_TRACE */
static uint32_t filter_act(const struct lsec_sc_filter *f,
			   const struct lsec_sc_action *a)
{
	return f->report ? lsec_sc_report_act(a) : scmp_act(a);
}

static const enum scmp_compare scmp_ops[] = {
	[LSEC_SC_EQ] = SCMP_CMP_EQ, [LSEC_SC_NE] = SCMP_CMP_NE,
	[LSEC_SC_LT] = SCMP_CMP_LT, [LSEC_SC_LE] = SCMP_CMP_LE,
	[LSEC_SC_GT] = SCMP_CMP_GT, [LSEC_SC_GE] = SCMP_CMP_GE,
	[LSEC_SC_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

void lsec_sc_ctx_release(void *ctx[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (ctx[i])
			seccomp_release(ctx[i]);
		ctx[i] = NULL;
	}
}

static int build_one(const struct lsec_sc_filter *f, bool refine, void **out,
		     struct lsec_err *e)
{
	const struct lsec_sc_rule *rules = refine ? f->refine : f->main;
	size_t n = refine ? f->nrefine : f->nmain, i;
	struct lsec_sc_action allow = { LSEC_SC_ALLOW, 0 };
	struct lsec_sc_action kill = { LSEC_SC_KILL, 0 };
	uint32_t arch[4];
	size_t narch = lsec_sc_arches(arch, ELEMENTSOF(arch), f->native_only);
	scmp_filter_ctx ctx;
	int r;

	ctx = seccomp_init(filter_act(f, refine ? &allow : &f->def));
	if (!ctx)
		return lsec_err_set(e, ENOMEM, "seccomp_init failed");
	for (i = 1; i < narch; i++) {
		r = seccomp_arch_add(ctx, arch[i]);
		if (r < 0 && r != -EEXIST)
			goto fail_arch;
	}
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				  filter_act(f, &kill))) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, f->nnp)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, f->log)) < 0 ||
	    /* binary tree by syscall number: pays above a few rules */
	    (n > 8 && (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)) {
		seccomp_release(ctx);
		return lsec_err_set(e, -r, "seccomp_attr_set: %s", strerror(-r));
	}
	for (i = 0; i < n; i++) {
		const struct lsec_sc_rule *ru = &rules[i];
		struct scmp_arg_cmp args[LSEC_SC_MAX_COND];
		int nr = seccomp_syscall_resolve_name(ru->name);
		unsigned c;

		for (c = 0; c < ru->ncond; c++) {
			args[c].arg = ru->cond[c].arg;
			args[c].op = scmp_ops[ru->cond[c].op];
			if (ru->cond[c].op == LSEC_SC_MASKED_EQ) {
				args[c].datum_a = ru->cond[c].mask;
				args[c].datum_b = ru->cond[c].val;
			} else {
				args[c].datum_a = ru->cond[c].val;
				args[c].datum_b = 0;
			}
		}
		r = seccomp_rule_add_array(ctx, filter_act(f, &ru->act), nr, ru->ncond,
					   args);
		if (r == -EEXIST) {
			seccomp_release(ctx);
			r = lsec_err_input(e,
					   "'%s' (%s): conflicts with another "
					   "argument rule for %s (libseccomp "
					   "cannot hold both on one argument "
					   "test; on the i386 ABI socketcall(2) "
					   "hides socket arguments: try "
					   "--native-only or one action)",
					   ru->origin, ru->name, ru->name);
			if (e && ru->where[0])
				snprintf(e->where, sizeof(e->where), "%s", ru->where);
			return r;
		}
		if (r < 0) {
			seccomp_release(ctx);
			return lsec_err_set(e, -r, "rule for %s ('%s'): %s",
					    ru->name, ru->origin, strerror(-r));
		}
	}
	*out = ctx;
	return 0;
fail_arch:
	seccomp_release(ctx);
	return lsec_err_set(e, -r, "cannot add architecture %s: %s",
			    lsec_sc_arch_name(arch[i]), strerror(-r));
}

int lsec_sc_build(const struct lsec_sc_filter *f, void *ctx[2],
		  struct lsec_err *e)
{
	int r;

	ctx[0] = ctx[1] = NULL;
	r = build_one(f, false, &ctx[0], e);
	if (r < 0)
		return r;
	if (f->nrefine) {
		r = build_one(f, true, &ctx[1], e);
		if (r < 0) {
			lsec_sc_ctx_release(ctx);
			return r;
		}
		return 2;
	}
	return 1;
}

/* ---- text forms ---- */

void lsec_sc_cond_str(const struct lsec_sc_cond *c, const char *syscall,
		      char *buf, size_t n)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	const char *cn = NULL;

	if (c->op == LSEC_SC_MASKED_EQ) {
		snprintf(buf, n, "arg%u&0x%llx==0x%llx", c->arg,
			 (unsigned long long)c->mask, (unsigned long long)c->val);
		return;
	}
	if (c->arg == 0 && (streq(syscall, "socket") || streq(syscall, "socketpair")))
		cn = lsec_sc_const_name("AF_", c->val);
	else if (c->arg == 0 && streq(syscall, "prctl"))
		cn = lsec_sc_const_name("PR_", c->val);
	if (cn)
		snprintf(buf, n, "arg%u%s%s", c->arg, ops[c->op], cn);
	else
		snprintf(buf, n, "arg%u%s%llu", c->arg, ops[c->op],
			 (unsigned long long)c->val);
}

static void rule_entry(const struct lsec_sc_rule *r, char *buf, size_t n)
{
	size_t len;
	unsigned c;

	snprintf(buf, n, "%s", r->name);
	for (c = 0; c < r->ncond; c++) {
		len = strlen(buf);
		buf[len++] = ':';
		lsec_sc_cond_str(&r->cond[c], r->name, buf + len, n - len);
	}
}

static void write_numbers(FILE *out, const char *name, bool native_only)
{
	uint32_t arch[4];
	size_t na = lsec_sc_arches(arch, ELEMENTSOF(arch), native_only), a;

	fputs("  #", out);
	for (a = 0; a < na; a++) {
		int nr = seccomp_syscall_resolve_name_arch(arch[a], name);

		if (nr >= 0)
			fprintf(out, " %s=%d", lsec_sc_arch_name(arch[a]), nr);
		else if (nr > -10000 && nr != __NR_SCMP_ERROR)
			fprintf(out, " %s=socketcall/ipc", lsec_sc_arch_name(arch[a]));
		else
			fprintf(out, " %s=-", lsec_sc_arch_name(arch[a]));
	}
}

static void write_rules(FILE *out, const struct lsec_sc_rule *v, size_t n,
			bool numbers, bool native_only,
			struct lsec_sc_action *cur)
{
	char ent[512], ab[32];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct lsec_sc_rule *r = &v[i];

		if (is_deny(&r->act) || r->act.kind == LSEC_SC_LOG) {
			if (!lsec_sc_action_eq(cur, &r->act)) {
				*cur = r->act;
				fprintf(out, "action %s\n",
					lsec_sc_action_str(&r->act, ab, sizeof(ab)));
			}
		}
		rule_entry(r, ent, sizeof(ent));
		fprintf(out, "%s %s", r->act.kind == LSEC_SC_ALLOW ? "allow" : "deny",
			ent);
		if (numbers) {
			write_numbers(out, r->name, native_only);
			size_t nl = strlen(r->name);

			if (strncmp(r->origin, r->name, nl) != 0 ||
			    (r->origin[nl] && r->origin[nl] != ':'))
				fprintf(out, " (from %s)", r->origin);
		}
		fputc('\n', out);
	}
}

void lsec_sc_write_policy(const struct lsec_sc_filter *f, FILE *out,
			  bool numbers)
{
	struct lsec_sc_action cur = { LSEC_SC_ERRNO, EPERM };
	uint32_t arch[4];
	size_t na = lsec_sc_arches(arch, ELEMENTSOF(arch), f->native_only), a;
	char ab[32];

	fprintf(out, "# effective filter: %zu rule(s)%s; architectures:",
		f->nmain + f->nrefine,
		f->nrefine ? " in two stacked filters" : "");
	for (a = 0; a < na; a++)
		fprintf(out, " %s", lsec_sc_arch_name(arch[a]));
	fputs("; any other ABI kills the process\n", out);
	fputs("option exact yes\noption io-uring yes\n", out);
	if (f->log)
		fputs("option log yes\n", out);
	if (!f->nnp)
		fputs("option no-new-privs no\n", out);
	if (f->native_only)
		fputs("option native-only yes\n", out);
	fprintf(out, "default %s\n", lsec_sc_action_str(&f->def, ab, sizeof(ab)));
	write_rules(out, f->main, f->nmain, numbers, f->native_only, &cur);
	if (f->nrefine && numbers)
		fputs("# refine filter (default allow): argument rules that "
		      "narrow a syscall allowed above\n", out);
	write_rules(out, f->refine, f->nrefine, numbers, f->native_only, &cur);
}

/* ---- OCI / Docker JSON ---- */

static const char *oci_act(const struct lsec_sc_action *a)
{
	static const char *const names[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
					     "SCMP_ACT_ERRNO", "SCMP_ACT_TRAP",
					     "SCMP_ACT_KILL_PROCESS" };
	return names[a->kind];
}

static const char *oci_arch(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64: return "SCMP_ARCH_X86_64";
	case SCMP_ARCH_X86: return "SCMP_ARCH_X86";
	case SCMP_ARCH_X32: return "SCMP_ARCH_X32";
	case SCMP_ARCH_AARCH64: return "SCMP_ARCH_AARCH64";
	case SCMP_ARCH_ARM: return "SCMP_ARCH_ARM";
	case SCMP_ARCH_S390X: return "SCMP_ARCH_S390X";
	case SCMP_ARCH_S390: return "SCMP_ARCH_S390";
	case SCMP_ARCH_PPC64LE: return "SCMP_ARCH_PPC64LE";
	case SCMP_ARCH_RISCV64: return "SCMP_ARCH_RISCV64";
	}
	return "SCMP_ARCH_NATIVE";
}

static const char *const oci_ops[] = {
	"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
	"SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_MASKED_EQ",
};

void lsec_sc_write_oci(const struct lsec_sc_filter *f, FILE *out)
{
	size_t n = f->nmain + f->nrefine, i;
	_cleanup_free_ bool *done = calloc(n ? n : 1, sizeof(bool));
	uint32_t arch[4];
	size_t na = lsec_sc_arches(arch, ELEMENTSOF(arch), f->native_only), a;
	struct lsec_json j;

#define RULE(k) ((k) < f->nmain ? &f->main[k] : &f->refine[(k) - f->nmain])
	lsec_json_init(&j, out);
	lsec_json_object_begin(&j, NULL);
	lsec_json_string(&j, "defaultAction", oci_act(&f->def));
	if (f->def.kind == LSEC_SC_ERRNO)
		lsec_json_int(&j, "defaultErrnoRet", f->def.err);
	lsec_json_array_begin(&j, "architectures");
	for (a = 0; a < na; a++)
		lsec_json_string(&j, NULL, oci_arch(arch[a]));
	lsec_json_array_end(&j);
	if (f->log) {
		lsec_json_array_begin(&j, "flags");
		lsec_json_string(&j, NULL, "SECCOMP_FILTER_FLAG_LOG");
		lsec_json_array_end(&j);
	}
	lsec_json_array_begin(&j, "syscalls");
	for (i = 0; done && i < n; i++) {
		const struct lsec_sc_rule *r = RULE(i);
		unsigned c;

		if (done[i])
			continue;
		lsec_json_object_begin(&j, NULL);
		lsec_json_array_begin(&j, "names");
		for (size_t k = i; k < n; k++) {
			const struct lsec_sc_rule *o = RULE(k);

			if (!done[k] && lsec_sc_action_eq(&o->act, &r->act) &&
			    same_conds(o, r)) {
				done[k] = true;
				lsec_json_string(&j, NULL, o->name);
			}
		}
		lsec_json_array_end(&j);
		lsec_json_string(&j, "action", oci_act(&r->act));
		if (r->act.kind == LSEC_SC_ERRNO)
			lsec_json_int(&j, "errnoRet", r->act.err);
		if (r->ncond) {
			lsec_json_array_begin(&j, "args");
			for (c = 0; c < r->ncond; c++) {
				const struct lsec_sc_cond *cd = &r->cond[c];

				lsec_json_object_begin(&j, NULL);
				lsec_json_uint(&j, "index", cd->arg);
				lsec_json_uint(&j, "value",
					       cd->op == LSEC_SC_MASKED_EQ ? cd->mask : cd->val);
				lsec_json_uint(&j, "valueTwo",
					       cd->op == LSEC_SC_MASKED_EQ ? cd->val : 0);
				lsec_json_string(&j, "op", oci_ops[cd->op]);
				lsec_json_object_end(&j);
			}
			lsec_json_array_end(&j);
		}
		lsec_json_object_end(&j);
	}
	lsec_json_array_end(&j);
	lsec_json_object_end(&j);
	lsec_json_finish(&j);
#undef RULE
}

int lsec_sc_format_parse(const char *s, enum lsec_sc_format *fmt,
			 struct lsec_err *e)
{
	if (streq(s, "bpf"))
		*fmt = LSEC_SC_BPF;
	else if (streq(s, "pfc"))
		*fmt = LSEC_SC_PFC;
	else if (streq(s, "oci") || streq(s, "docker") || streq(s, "json"))
		*fmt = LSEC_SC_OCI;
	else if (streq(s, "policy"))
		*fmt = LSEC_SC_POLICY;
	else if (streq(s, "systemd"))
		*fmt = LSEC_SC_SYSTEMD;
	else
		return lsec_err_input(e,
				      "invalid format '%s' (expected bpf, pfc, "
				      "oci, policy or systemd)",
				      s);
	return 0;
}

int lsec_sc_export(const struct lsec_sc_filter *f, enum lsec_sc_format fmt,
		   int fd, struct lsec_err *e)
{
	void *ctx[2] = { NULL, NULL };
	FILE *out;
	int r, i, nctx;

	if (fmt == LSEC_SC_OCI || fmt == LSEC_SC_POLICY || fmt == LSEC_SC_SYSTEMD) {
		int dfd = dup(fd);

		if (dfd < 0 || !(out = fdopen(dfd, "w"))) {
			r = errno;
			if (dfd >= 0)
				close(dfd);
			return lsec_err_set(e, r, "cannot write: %s", strerror(r));
		}
		if (fmt == LSEC_SC_OCI)
			lsec_sc_write_oci(f, out);
		else if (fmt == LSEC_SC_SYSTEMD)
			lsec_sc_write_systemd(f, out);
		else
			lsec_sc_write_policy(f, out, false);
		r = ferror(out) ? -EIO : 0;
		if (fclose(out) != 0 || r < 0)
			return lsec_err_set(e, EIO, "write error: %s", strerror(errno ? errno : EIO));
		return 0;
	}
	if (fmt == LSEC_SC_BPF && f->nrefine)
		return lsec_err_input(e,
				      "this policy needs two stacked filters (an "
				      "argument rule narrows a syscall allowed "
				      "unconditionally, e.g. '%s'); a raw BPF file "
				      "holds one: export pfc or oci, or drop the "
				      "unconditional allow",
				      f->refine[0].origin);
	nctx = lsec_sc_build(f, ctx, e);
	if (nctx < 0)
		return nctx;
	for (i = 0; i < nctx; i++) {
		if (fmt == LSEC_SC_PFC) {
			dprintf(fd, "# lsec: filter %d of %d (%s)\n", i + 1, nctx,
				i ? "refine, loaded first" : "main, loaded second");
			r = seccomp_export_pfc(ctx[i], fd);
		} else
			r = seccomp_export_bpf(ctx[i], fd);
		if (r < 0) {
			lsec_sc_ctx_release(ctx);
			return lsec_err_set(e, -r, "export failed: %s", strerror(-r));
		}
	}
	lsec_sc_ctx_release(ctx);
	return nctx;
}

int lsec_sc_resolve_loadable(const struct lsec_sc_policy *p,
			     struct lsec_sc_filter *f, struct lsec_err *e)
{
	void *ctx[2] = { NULL, NULL };
	int r = lsec_sc_resolve(p, f, e);

	if (r < 0)
		return r;
	r = lsec_sc_build(f, ctx, e);
	if (r < 0)
		return r;
	lsec_sc_ctx_release(ctx);
	return 0;
}
