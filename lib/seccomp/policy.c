/* SPDX-License-Identifier: MIT */
/* Policy model: entries as written, from --deny/--allow and policy files. */
#include "lsec/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

void lsec_sc_policy_init(struct lsec_sc_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->deny_act.kind = LSEC_SC_ERRNO;
	p->deny_act.err = EPERM;
	p->nnp = true;
}

void lsec_sc_policy_free(struct lsec_sc_policy *p)
{
	if (!p)
		return;
	free(p->rules);
	p->rules = NULL;
	p->n = p->cap = 0;
}

/* Re-locate e's message at FILE:LINE (or prefix it), without aliasing. */
static int relocate(struct lsec_err *e, const char *file, unsigned line,
		    const char *prefix)
{
	char m[sizeof(e->msg)];

	if (!e)
		return -EINVAL;
	snprintf(m, sizeof(m), "%s", e->msg);
	if (file)
		return lsec_err_at(e, file, line, "%s%s%s", prefix ? prefix : "",
				   prefix ? ": " : "", m);
	return lsec_err_input(e, "%s%s%s", prefix ? prefix : "",
			      prefix ? ": " : "", m);
}

static int parse_value(const char *s, uint64_t *v)
{
	char buf[64];
	const char *t = s;
	uint64_t acc = 0;

	if (!*s)
		return -EINVAL;
	/* "A|B|0x10": OR of constants and numbers */
	while (*t) {
		size_t n = strcspn(t, "|");
		uint64_t x;

		if (n == 0 || n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, t, n);
		buf[n] = '\0';
		if (buf[0] == '-') {
			long long sv;
			char *end;

			errno = 0;
			sv = strtoll(buf, &end, 0);
			if (errno || *end || end == buf)
				return -EINVAL;
			x = (uint64_t)sv;
		} else if (lsec_parse_u64(buf, UINT64_MAX, &x) < 0 &&
			   !lsec_sc_const(buf, &x))
			return -EINVAL;
		acc |= x;
		t += n;
		if (*t == '|')
			t++;
	}
	*v = acc;
	return 0;
}

int lsec_sc_cond_parse(const char *s, struct lsec_sc_cond *c,
		       struct lsec_err *e)
{
	static const struct {
		const char *tok;
		enum lsec_sc_op op;
	} ops[] = {
		{ "==", LSEC_SC_EQ }, { "!=", LSEC_SC_NE }, { "<=", LSEC_SC_LE },
		{ ">=", LSEC_SC_GE }, { "<", LSEC_SC_LT },  { ">", LSEC_SC_GT },
	};
	const char *p = s, *rest;
	char mask[64];
	size_t i, n;

	memset(c, 0, sizeof(*c));
	if (strncmp(p, "arg", 3) != 0 || p[3] < '0' || p[3] > '5')
		goto bad;
	c->arg = (unsigned)(p[3] - '0');
	p += 4;
	if (*p == '&') {
		/* argN&MASK==VAL */
		p++;
		n = strcspn(p, "=");
		if (n == 0 || n >= sizeof(mask) || strncmp(p + n, "==", 2) != 0)
			goto bad;
		memcpy(mask, p, n);
		mask[n] = '\0';
		if (parse_value(mask, &c->mask) < 0)
			goto badval;
		c->op = LSEC_SC_MASKED_EQ;
		rest = p + n + 2;
		if (parse_value(rest, &c->val) < 0)
			goto badval;
		return 0;
	}
	for (i = 0; i < ELEMENTSOF(ops); i++) {
		n = strlen(ops[i].tok);
		if (strncmp(p, ops[i].tok, n) == 0) {
			c->op = ops[i].op;
			if (parse_value(p + n, &c->val) < 0)
				goto badval;
			return 0;
		}
	}
bad:
	return lsec_err_input(e,
			      "malformed argument condition '%s' (expected argN OP "
			      "VALUE with N 0-5 and OP one of == != < <= > >=, or "
			      "argN&MASK==VALUE)",
			      s);
badval:
	return lsec_err_input(e,
			      "malformed argument condition '%s': value is not a "
			      "number or a known constant (e.g. AF_INET, "
			      "CLONE_NEWUSER)",
			      s);
}

int lsec_sc_entry_parse(const char *s, char *name, size_t n,
			struct lsec_sc_cond *cond, unsigned *ncond,
			struct lsec_err *e)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	unsigned seen = 0;
	int r;

	*ncond = 0;
	if (len == 0 || len >= n)
		return lsec_err_input(e, "invalid entry '%s'", s);
	memcpy(name, s, len);
	name[len] = '\0';
	while (colon) {
		const char *next = strchr(colon + 1, ':');
		size_t cl = next ? (size_t)(next - colon - 1) : strlen(colon + 1);
		char buf[128];

		if (*ncond >= LSEC_SC_MAX_COND || cl == 0 || cl >= sizeof(buf))
			return lsec_err_input(e,
					      "malformed argument condition in "
					      "'%s'",
					      s);
		memcpy(buf, colon + 1, cl);
		buf[cl] = '\0';
		r = lsec_sc_cond_parse(buf, &cond[*ncond], e);
		if (r < 0)
			return relocate(e, NULL, 0, s);
		if (seen & (1u << cond[*ncond].arg))
			return lsec_err_input(e,
					      "'%s': arg%u is compared twice "
					      "(one comparison per argument and "
					      "rule)",
					      s, cond[*ncond].arg);
		seen |= 1u << cond[*ncond].arg;
		(*ncond)++;
		colon = next;
	}
	return 0;
}

static int push_rule(struct lsec_sc_policy *p, const struct lsec_sc_rule *r)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct lsec_sc_rule *nr = realloc(p->rules, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		p->rules = nr;
		p->cap = cap;
	}
	p->rules[p->n++] = *r;
	return 0;
}

struct add_ctx {
	struct lsec_sc_policy *p;
	struct lsec_sc_rule tmpl;
};

static int add_name(const char *name, void *ud)
{
	struct add_ctx *a = ud;
	const char *const *fam = a->p->exact ? NULL : lsec_sc_family(name);
	struct lsec_sc_rule r = a->tmpl;
	int ret;

	if (fam) {
		for (; *fam; fam++) {
			/* names this libseccomp does not know are skipped */
			if (!lsec_sc_known(*fam))
				continue;
			snprintf(r.name, sizeof(r.name), "%s", *fam);
			ret = push_rule(a->p, &r);
			if (ret < 0)
				return ret;
		}
		return 0;
	}
	if (!lsec_sc_known(name))
		return 0; /* group members unknown here; checked by tests */
	snprintf(r.name, sizeof(r.name), "%s", name);
	return push_rule(a->p, &r);
}

static int add_entry(struct lsec_sc_policy *p, bool allow, const char *ent,
		     const char *file, unsigned line, struct lsec_err *e)
{
	struct add_ctx a = { .p = p };
	char name[LSEC_SC_NAME_MAX];
	int r;

	r = lsec_sc_entry_parse(ent, name, sizeof(name), a.tmpl.cond,
				&a.tmpl.ncond, e);
	if (r < 0)
		return r;
	a.tmpl.allow = allow;
	if (allow)
		a.tmpl.act.kind = LSEC_SC_ALLOW;
	else
		a.tmpl.act = p->deny_act;
	snprintf(a.tmpl.origin, sizeof(a.tmpl.origin), "%s", ent);
	if (file)
		snprintf(a.tmpl.where, sizeof(a.tmpl.where), "%s:%u", file, line);
	if (name[0] == '@') {
		const struct lsec_sc_group *g = lsec_sc_group_find(name);

		if (!g)
			return lsec_err_input(e,
					      "unknown group '%s' (see 'lsec "
					      "sandbox groups')",
					      name);
		if (a.tmpl.ncond)
			return lsec_err_input(e,
					      "'%s': argument conditions apply to "
					      "one syscall, not to a group",
					      ent);
		r = lsec_sc_group_each(g, add_name, &a, e);
	} else {
		if (!lsec_sc_family(name) || p->exact) {
			if (!lsec_sc_known(name)) {
				int nr = -1;
				char tail;

				if (sscanf(name, "%d%c", &nr, &tail) == 1)
					return lsec_err_input(
						e,
						"'%s': give syscalls by name "
						"(see 'lsec sandbox syscalls "
						"%s')",
						name, name);
				return lsec_err_input(
					e,
					"unknown syscall '%s': libseccomp "
					"%u.%u.%u does not know it (misspelt, "
					"or newer than this libseccomp: an "
					"allowlist denies what it cannot "
					"name)",
					name, seccomp_version()->major,
					seccomp_version()->minor,
					seccomp_version()->micro);
			}
		}
		r = add_name(name, &a);
	}
	if (r < 0)
		return r;
	if (allow)
		p->n_allow++;
	else
		p->n_deny++;
	return 0;
}

int lsec_sc_policy_add_list(struct lsec_sc_policy *p, bool allow,
			    const char *list, const char *file, unsigned line,
			    struct lsec_err *e)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL, *tok;
	int r, n = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		r = add_entry(p, allow, tok, file, line, e);
		if (r < 0) {
			if (file && r == -EINVAL)
				return relocate(e, file, line, NULL);
			return r;
		}
		n++;
	}
	if (n == 0) {
		if (file)
			return lsec_err_at(e, file, line, "empty %s list",
					   allow ? "allow" : "deny");
		return lsec_err_input(e, "empty %s list", allow ? "allow" : "deny");
	}
	return n;
}

/* ---- policy files ---- */

struct load_ctx {
	struct lsec_sc_policy *p;
	const char *dir; /* of the current file, for relative @include */
	unsigned depth;
};

static int load_file(struct lsec_sc_policy *p, const char *path,
		     unsigned depth, struct lsec_err *e);

static int parse_bool(const char *v, bool *b)
{
	if (streq(v, "yes") || streq(v, "true") || streq(v, "on") ||
	    streq(v, "1") || streq(v, "allow"))
		*b = true;
	else if (streq(v, "no") || streq(v, "false") || streq(v, "off") ||
		 streq(v, "0") || streq(v, "deny"))
		*b = false;
	else
		return -EINVAL;
	return 0;
}

static int option_line(struct lsec_sc_policy *p, const char *file,
		       unsigned line, char *arg, struct lsec_err *e)
{
	static const struct {
		const char *name;
		size_t off;
		bool invert;
	} opts[] = {
		{ "log", offsetof(struct lsec_sc_policy, log), false },
		{ "no-new-privs", offsetof(struct lsec_sc_policy, nnp), false },
		{ "exact", offsetof(struct lsec_sc_policy, exact), false },
		{ "io-uring", offsetof(struct lsec_sc_policy, io_uring), false },
		{ "native-only", offsetof(struct lsec_sc_policy, native_only),
		  false },
	};
	char *val = arg + strcspn(arg, " \t");
	size_t i;
	bool b;

	if (*val) {
		*val++ = '\0';
		val += strspn(val, " \t");
	}
	for (i = 0; i < ELEMENTSOF(opts); i++) {
		if (!streq(opts[i].name, arg))
			continue;
		if (parse_bool(*val ? val : "yes", &b) < 0)
			return lsec_err_at(e, file, line,
					   "option %s: invalid value '%s' "
					   "(expected yes or no)",
					   arg, val);
		*(bool *)((char *)p + opts[i].off) = b ^ opts[i].invert;
		return 0;
	}
	return lsec_err_at(e, file, line,
			   "unknown option '%s' (expected log, no-new-privs, "
			   "exact, io-uring or native-only)",
			   arg);
}

static int policy_line(const char *file, unsigned line, char *text, void *ud,
		       struct lsec_err *e)
{
	struct load_ctx *lc = ud;
	struct lsec_sc_policy *p = lc->p;
	char *arg = text + strcspn(text, " \t");
	const char *kw = text;
	int r;

	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	if (streq(kw, "deny") || streq(kw, "allow")) {
		if (!*arg)
			return lsec_err_at(e, file, line, "%s: missing list", kw);
		r = lsec_sc_policy_add_list(p, streq(kw, "allow"), arg, file,
					    line, e);
		return r < 0 ? r : 0;
	}
	if (streq(kw, "default") || streq(kw, "action")) {
		struct lsec_sc_action a;

		if (lsec_sc_action_parse(arg, &a, e) < 0)
			return relocate(e, file, line, kw);
		if (streq(kw, "default")) {
			p->def = a;
			p->def_set = true;
		} else {
			if (a.kind == LSEC_SC_ALLOW)
				return lsec_err_at(e, file, line,
						   "action allow: use 'allow "
						   "LIST' lines to allow");
			p->deny_act = a;
		}
		return 0;
	}
	if (streq(kw, "option"))
		return option_line(p, file, line, arg, e);
	if (streq(kw, "@include")) {
		_cleanup_free_ char *path = NULL;

		if (!*arg)
			return lsec_err_at(e, file, line,
					   "@include: missing file or @group");
		if (arg[0] == '@') {
			r = lsec_sc_policy_add_list(p, true, arg, file, line, e);
			return r < 0 ? r : 0;
		}
		if (arg[0] == '/' || !lc->dir)
			path = strdup(arg);
		else if (asprintf(&path, "%s/%s", lc->dir, arg) < 0)
			path = NULL;
		if (!path)
			return -ENOMEM;
		if (lc->depth >= 8)
			return lsec_err_at(e, file, line,
					   "@include '%s': nested too deep "
					   "(include loop?)",
					   arg);
		{
			struct lsec_sc_action saved = p->deny_act;

			r = load_file(p, path, lc->depth + 1, e);
			p->deny_act = saved; /* 'action' is per file */
		}
		if (r < 0 && e && !e->where[0])
			return relocate(e, file, line, "@include");
		return r < 0 ? r : 0;
	}
	return lsec_err_at(e, file, line,
			   "unknown keyword '%s' (expected deny, allow, default, "
			   "action, option or @include)",
			   kw);
}

static int load_file(struct lsec_sc_policy *p, const char *path,
		     unsigned depth, struct lsec_err *e)
{
	_cleanup_free_ char *copy = strdup(path);
	struct load_ctx lc = { .p = p, .depth = depth };
	int r;

	if (!copy)
		return -ENOMEM;
	lc.dir = streq(path, "-") ? NULL : dirname(copy);
	r = lsec_file_each_line(path, policy_line, &lc, e);
	return r < 0 ? r : 0;
}

int lsec_sc_policy_load(struct lsec_sc_policy *p, const char *path,
			struct lsec_err *e)
{
	return load_file(p, path, 0, e);
}
