/* SPDX-License-Identifier: MIT */
/*
 * Learn a policy from a traced run (lsec sandbox trace): the set of system
 * calls seen per architecture and, with --args, the argument facts that are
 * safe to filter on (they are plain values in registers, not pointers):
 *   socket, socketpair  arg0 == family, (arg1 & SOCK_TYPE_MASK) == type
 *   clone               (arg0 & namespace flags) == what was seen
 *   unshare             arg0 == flags
 *   prctl               arg0 == option
 * become the smallest allowlist: ENOSYS for everything else.
 */
#include "lsec/seccomp.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

/* The calls with argument facts, in the order of fact_nr[]. */
static const char *const fact_calls[5] = { "socket", "socketpair", "clone",
					   "unshare", "prctl" };

/* Namespace flags of clone(2) (CLONE_NEWTIME is the exit signal's byte in
 * clone's flags, so it is left out). */
#define NS_FLAGS                                                          \
	(uint64_t)(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |         \
		   CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define SOCK_TYPE_MASK 0xfULL

/* After the filter is loaded the launcher still calls execve (and exits
 * through exit_group if that fails); the kernel makes a task call
 * rt_sigreturn after a signal handler and restart_syscall after a stop.
 * These are allowed whether or not the run happened to show them. */
static const char *const always[] = { "execve", "exit", "exit_group",
				      "restart_syscall", "rt_sigreturn" };

void lsec_sc_learn_init(struct lsec_sc_learn *l, bool args)
{
	memset(l, 0, sizeof(*l));
	l->args = args;
}

void lsec_sc_learn_free(struct lsec_sc_learn *l)
{
	if (!l)
		return;
	free(l->facts);
	l->facts = NULL;
	l->nfacts = l->afacts = 0;
}

static int arch_slot(struct lsec_sc_learn *l, uint32_t arch)
{
	size_t i, k;

	for (i = 0; i < l->narch; i++)
		if (l->sys[i].arch == arch)
			return (int)i;
	if (l->narch == LSEC_SC_LEARN_ARCHES)
		return -1;
	i = l->narch++;
	l->sys[i].arch = arch;
	for (k = 0; k < ELEMENTSOF(fact_calls); k++)
		l->sys[i].fact_nr[k] =
			seccomp_syscall_resolve_name_arch(arch, fact_calls[k]);
	return (int)i;
}

static void add_fact(struct lsec_sc_learn *l, const struct lsec_sc_fact *f)
{
	size_t i;

	for (i = 0; i < l->nfacts; i++)
		if (memcmp(&l->facts[i], f, sizeof(*f)) == 0)
			return;
	if (l->nfacts == l->afacts) {
		size_t n = l->afacts ? l->afacts * 2 : 16;
		struct lsec_sc_fact *nf = realloc(l->facts, n * sizeof(*nf));

		if (!nf) {
			l->err = -ENOMEM;
			return;
		}
		l->facts = nf;
		l->afacts = n;
	}
	l->facts[l->nfacts++] = *f;
}

static void set_cond(struct lsec_sc_cond *c, unsigned arg, uint64_t mask,
		     uint64_t val)
{
	c->arg = arg;
	c->op = mask ? LSEC_SC_MASKED_EQ : LSEC_SC_EQ;
	c->mask = mask;
	c->val = val;
}

void lsec_sc_learn_call(uint32_t arch, uint64_t nr, const uint64_t args[6],
			void *ud)
{
	struct lsec_sc_learn *l = ud;
	struct lsec_sc_fact f;
	int slot = arch_slot(l, arch), k;

	l->calls++;
	if (slot < 0 || nr >= LSEC_SC_LEARN_MAX_NR)
		return;
	l->sys[slot].bits[nr / 64] |= 1ULL << (nr % 64);
	if (!l->args)
		return;
	for (k = 0; k < (int)ELEMENTSOF(fact_calls); k++)
		if (l->sys[slot].fact_nr[k] == (int)nr)
			break;
	if (k == (int)ELEMENTSOF(fact_calls))
		return;
	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s", fact_calls[k]);
	switch (k) {
	case 0: /* socket */
	case 1: /* socketpair */
		set_cond(&f.cond[0], 0, 0, args[0] & 0xffffffffULL);
		set_cond(&f.cond[1], 1, SOCK_TYPE_MASK, args[1] & SOCK_TYPE_MASK);
		f.ncond = 2;
		break;
	case 2: /* clone */
		set_cond(&f.cond[0], 0, NS_FLAGS, args[0] & NS_FLAGS);
		f.ncond = 1;
		break;
	default: /* unshare, prctl */
		set_cond(&f.cond[0], 0, 0, args[0] & 0xffffffffULL);
		f.ncond = 1;
		break;
	}
	add_fact(l, &f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char ***v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
}

/* Names of every call seen (plus the fixed ones), sorted, unique. */
static int learned_names(const struct lsec_sc_learn *l, char ***ret, size_t *n,
			 unsigned *unknown)
{
	size_t cap = 64, i, a;
	char **v = malloc(cap * sizeof(char *));
	uint64_t nr;

	*n = 0;
	*unknown = 0;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < ELEMENTSOF(always) + l->narch * LSEC_SC_LEARN_MAX_NR; i++) {
		char *name;

		if (i < ELEMENTSOF(always)) {
			name = strdup(always[i]);
		} else {
			a = (i - ELEMENTSOF(always)) / LSEC_SC_LEARN_MAX_NR;
			nr = (i - ELEMENTSOF(always)) % LSEC_SC_LEARN_MAX_NR;
			if (!(l->sys[a].bits[nr / 64] & (1ULL << (nr % 64))))
				continue;
			name = seccomp_syscall_resolve_num_arch(l->sys[a].arch,
								(int)nr);
			if (!name || !lsec_sc_known(name)) {
				free(name);
				(*unknown)++;
				continue;
			}
		}
		if (!name)
			goto oom;
		if (*n == cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(char *));

			if (!nv) {
				free(name);
				goto oom;
			}
			v = nv;
		}
		v[(*n)++] = name;
	}
	qsort(v, *n, sizeof(char *), cmp_str);
	for (i = a = 0; i < *n; i++) {
		if (a && streq(v[a - 1], v[i]))
			free(v[i]);
		else
			v[a++] = v[i];
	}
	*n = a;
	*ret = v;
	return 0;
oom:
	free_names(&v, *n);
	return -ENOMEM;
}

static bool learned_native_only(const struct lsec_sc_learn *l)
{
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < l->narch; i++)
		if (l->sys[i].arch != native)
			return false;
	return true;
}

/* Facts for name as "name:argN..." entries, in a stable order. */
static int fact_entries(const struct lsec_sc_learn *l, const char *name,
			struct lsec_sc_policy *p, struct lsec_err *e)
{
	char ent[256], c[96];
	size_t i, len;
	unsigned k;
	int r, n = 0;

	for (i = 0; i < l->nfacts; i++) {
		const struct lsec_sc_fact *f = &l->facts[i];

		if (!streq(f->name, name))
			continue;
		len = (size_t)snprintf(ent, sizeof(ent), "%s", name);
		for (k = 0; k < f->ncond; k++) {
			lsec_sc_cond_str(&f->cond[k], name, c, sizeof(c));
			len += (size_t)snprintf(ent + len, sizeof(ent) - len, ":%s", c);
		}
		r = lsec_sc_policy_add_list(p, true, ent, NULL, 0, e);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

static int cmp_fact(const void *a, const void *b)
{
	const struct lsec_sc_fact *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	unsigned k;

	if (c)
		return c;
	for (k = 0; k < x->ncond && k < y->ncond; k++) {
		if (x->cond[k].val != y->cond[k].val)
			return x->cond[k].val < y->cond[k].val ? -1 : 1;
	}
	return (int)x->ncond - (int)y->ncond;
}

int lsec_sc_learn_policy(const struct lsec_sc_learn *l, struct lsec_sc_policy *p,
			 bool merged, struct lsec_err *e)
{
	struct lsec_sc_learn sorted = *l;
	char **names = NULL;
	size_t n = 0, i;
	unsigned unknown;
	int r;

	if (l->err)
		return lsec_err_set(e, -l->err, "tracing: %s", strerror(-l->err));
	r = learned_names(l, &names, &n, &unknown);
	if (r < 0)
		return lsec_err_set(e, -r, "out of memory");
	/* facts in a stable order, whatever order the run made them in */
	sorted.facts = NULL;
	if (l->nfacts) {
		sorted.facts = malloc(l->nfacts * sizeof(*sorted.facts));
		if (!sorted.facts) {
			free_names(&names, n);
			return lsec_err_set(e, ENOMEM, "out of memory");
		}
		memcpy(sorted.facts, l->facts, l->nfacts * sizeof(*sorted.facts));
		qsort(sorted.facts, l->nfacts, sizeof(*sorted.facts), cmp_fact);
	}
	if (!p->def_set) {
		p->def = (struct lsec_sc_action){ LSEC_SC_ERRNO, ENOSYS };
		p->def_set = true;
	}
	p->native_only = merged ? p->native_only && learned_native_only(l)
				: learned_native_only(l);
	p->exact = true;
	r = 0;
	for (i = 0; i < n && r >= 0; i++) {
		if (strncmp(names[i], "io_uring_", 9) == 0)
			p->io_uring = true; /* the program uses it: keep it */
		r = l->args ? fact_entries(&sorted, names[i], p, e) : 0;
		if (r == 0)
			r = lsec_sc_policy_add_list(p, true, names[i], NULL, 0, e);
	}
	free(sorted.facts);
	free_names(&names, n);
	return r < 0 ? r : 0;
}

static void put_arg(FILE *out, const char *s)
{
	bool plain = *s != '\0';

	for (const char *c = s; *c; c++)
		if (!(*c == '-' || *c == '_' || *c == '.' || *c == '/' ||
		      *c == ',' || *c == ':' || *c == '=' || *c == '@' ||
		      *c == '+' || (*c >= '0' && *c <= '9') ||
		      ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z')))
			plain = false;
	if (plain) {
		fputs(s, out);
		return;
	}
	/* single-quoted, the shell's way; control bytes as '?' so the comment
	 * stays one line */
	fputc('\'', out);
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			fputs("'\\''", out);
		else
			fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, out);
	}
	fputc('\'', out);
}

void lsec_sc_learn_comment(const struct lsec_sc_learn *l, FILE *out,
			   char *const *argv, const char *merged,
			   const char *prefix)
{
	size_t i, total = 0, nfact_calls = 0, k;
	uint64_t nr;

	fprintf(out, "%slearned by 'lsec sandbox trace' from one run of: ", prefix);
	if (argv)
		for (i = 0; argv[i]; i++) {
			if (i)
				fputc(' ', out);
			put_arg(out, argv[i]);
		}
	else
		fputs("an attached process", out);
	fputc('\n', out);
	fprintf(out, "%ssystem calls seen:", prefix);
	for (i = 0; i < l->narch; i++) {
		size_t c = 0;

		for (nr = 0; nr < LSEC_SC_LEARN_MAX_NR; nr++)
			c += (l->sys[i].bits[nr / 64] >> (nr % 64)) & 1;
		total += c;
		fprintf(out, "%s %zu on %s", i ? "," : "", c,
			lsec_sc_arch_name(l->sys[i].arch));
	}
	if (!total)
		fputs(" none", out);
	fprintf(out, "; plus %s", "execve, exit, exit_group, restart_syscall and "
				  "rt_sigreturn, which the launcher and the kernel "
				  "need");
	fputc('\n', out);
	if (l->args) {
		for (k = 0; k < ELEMENTSOF(fact_calls); k++)
			for (i = 0; i < l->nfacts; i++)
				if (streq(l->facts[i].name, fact_calls[k])) {
					fprintf(out, "%s%s", nfact_calls++ ? ", " :
						prefix, fact_calls[k]);
					break;
				}
		if (nfact_calls)
			fputs(": allowed only with the arguments seen (--args)\n",
			      out);
	}
	if (merged) {
		fprintf(out, "%smerged with ", prefix);
		put_arg(out, merged);
		fputc('\n', out);
	}
	fprintf(out, "%sOnly the paths this run exercised are allowed: run the "
		     "program's error\n%spaths and rarely used features too, and "
		     "merge the runs (--merge FILE).\n",
		prefix, prefix);
}
