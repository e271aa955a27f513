/* SPDX-License-Identifier: MIT */
/*
 * The profile writer (every path double-quoted, escaped by lsec_aa_escape)
 * and the reader of the same subset, for `profile gen --merge`.
 */
#include "lsec/aagen.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

/* qsort that accepts an empty (NULL) array */
static void sort_n(void *base, size_t n, size_t size,
		   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}
#include "lsec/version.h"

void lsec_aa_perms_str(uint32_t perms, char exec, char *buf, size_t n)
{
	char tmp[16], *p = tmp;

	if (perms & LSEC_PERM_M)
		*p++ = 'm';
	if (perms & LSEC_PERM_R)
		*p++ = 'r';
	if (perms & LSEC_PERM_W)
		*p++ = 'w';
	else if (perms & LSEC_PERM_A)
		*p++ = 'a'; /* 'a' and 'w' conflict; w covers append */
	if (perms & LSEC_PERM_L)
		*p++ = 'l';
	if (perms & LSEC_PERM_K)
		*p++ = 'k';
	if (perms & LSEC_PERM_X) {
		*p++ = exec ? exec : 'i';
		*p++ = 'x';
	}
	*p = '\0';
	snprintf(buf, n, "%s", tmp);
}

/* A profile name: bare when it is a plain word, else quoted. */
static void write_name(FILE *f, const char *name)
{
	const char *p;
	bool plain = *name && *name != '/' && *name != '@';

	for (p = name; *p && plain; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-+", *p))
			plain = false;
	if (plain) {
		fputs(name, f);
	} else {
		_cleanup_free_ char *esc = lsec_aa_escape(name);

		fprintf(f, "\"%s\"", esc ? esc : "");
	}
}

static void write_profile(FILE *f, const struct lsec_aa_profile *p, int depth)
{
	char ind[16], perms[16];
	size_t i;
	int c;
	bool blank = false;

	snprintf(ind, sizeof(ind), "%*s", depth * 2, "");
	fprintf(f, "%sprofile ", ind);
	write_name(f, p->name);
	if (p->attach)
		fprintf(f, " \"%s\"", p->attach);
	if (p->complain)
		fputs(" flags=(complain)", f);
	fputs(" {\n", f);
	for (i = 0; i < p->nincludes; i++)
		fprintf(f, "%s  include <%s>\n", ind, p->includes[i]);
	blank = p->nincludes > 0;
	for (c = 0; c < 64; c++) {
		const char *name = lsec_aa_capability_name(c);

		if (!(p->caps & (1ULL << c)) || !name)
			continue;
		if (blank)
			fputc('\n', f);
		blank = false;
		fprintf(f, "%s  capability %s,\n", ind, name);
	}
	blank = blank || p->caps;
	for (i = 0; i < p->nnet; i++) {
		if (blank)
			fputc('\n', f);
		blank = false;
		fprintf(f, "%s  network %s,\n", ind, p->net[i]);
	}
	blank = blank || p->nnet;
	for (i = 0; i < p->nrules; i++) {
		const struct lsec_aa_rule *r = &p->rules[i];

		if (blank)
			fputc('\n', f);
		blank = false;
		lsec_aa_perms_str(r->perms, r->exec, perms, sizeof(perms));
		fprintf(f, "%s  %s\"%s\" %s", ind, r->owner ? "owner " : "", r->path,
			perms);
		if (r->target && (r->perms & LSEC_PERM_X)) {
			fputs(" -> ", f);
			write_name(f, r->target);
		}
		fputs(",\n", f);
	}
	for (i = 0; i < p->nchildren; i++) {
		fputc('\n', f);
		write_profile(f, &p->children[i], depth + 1);
	}
	fprintf(f, "%s}\n", ind);
}

static int prof_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lsec_aa_profile *)a)->name,
		      ((const struct lsec_aa_profile *)b)->name);
}

int lsec_aagen_write(FILE *f, const struct lsec_aa_doc *doc)
{
	size_t i;

	fputs("# AppArmor profile written by lsec profile gen.  It grants what the\n"
	      "# traced run was seen doing; review it before enforcing.\n"
	      "abi <abi/3.0>,\n\ninclude <tunables/global>\n", f);
	for (i = 0; i < doc->nprofiles; i++) {
		fputc('\n', f);
		write_profile(f, &doc->profiles[i], 0);
	}
	return ferror(f) ? -EIO : 0;
}

static void profile_free(struct lsec_aa_profile *p)
{
	size_t i;

	free(p->name);
	free(p->attach);
	for (i = 0; i < p->nincludes; i++)
		free(p->includes[i]);
	free(p->includes);
	for (i = 0; i < p->nrules; i++) {
		free(p->rules[i].path);
		free(p->rules[i].target);
	}
	free(p->rules);
	for (i = 0; i < p->nnet; i++)
		free(p->net[i]);
	free(p->net);
	for (i = 0; i < p->nchildren; i++)
		profile_free(&p->children[i]);
	free(p->children);
}

void lsec_aa_doc_free(struct lsec_aa_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nprofiles; i++)
		profile_free(&doc->profiles[i]);
	free(doc->profiles);
	memset(doc, 0, sizeof(*doc));
}

/* ---- merge ------------------------------------------------------------------ */

static int add_str(char ***v, size_t *n, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (streq((*v)[i], s))
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int add_rule(struct lsec_aa_profile *p, const char *path, uint32_t perms,
		    bool owner, char exec, const char *target)
{
	struct lsec_aa_rule *r;
	size_t i;

	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (!streq(r->path, path))
			continue;
		r->perms |= perms;
		r->owner = r->owner && owner;
		if (exec && !r->exec)
			r->exec = exec;
		if (target && !r->target && !(r->target = strdup(target)))
			return -ENOMEM;
		return 0;
	}
	r = realloc(p->rules, (p->nrules + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->rules = r;
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	r->path = strdup(path);
	r->target = target ? strdup(target) : NULL;
	if (!r->path || (target && !r->target))
		return -ENOMEM;
	r->perms = perms;
	r->owner = owner;
	r->exec = exec;
	p->nrules++;
	return 0;
}

/* Read a quoted string at *pp (at '"'), keeping escapes verbatim. */
static char *read_quoted(char **pp)
{
	char *p = *pp + 1, *start = p;

	while (*p && *p != '"') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	if (*p != '"')
		return NULL;
	*pp = p + 1;
	return strndup(start, (size_t)(p - start));
}

static char *read_word(char **pp)
{
	char *p = *pp, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	start = p;
	while (*p && !isspace((unsigned char)*p) && *p != ',' && *p != '{')
		p++;
	*pp = p;
	return strndup(start, (size_t)(p - start));
}

/* A name or attachment token: quoted (verbatim inner text) or bare. */
static char *read_token(char **pp)
{
	char *p = *pp;

	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	if (*p == '"')
		return read_quoted(pp);
	return read_word(pp);
}

static int cap_from_name(const char *n)
{
	int c;

	for (c = 0; c < 64; c++)
		if (streq(lsec_aa_capability_name(c), n))
			return c;
	return -1;
}

static struct lsec_aa_profile *find_or_add(struct lsec_aa_profile **v, size_t *n,
					   const char *name)
{
	struct lsec_aa_profile *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (streq((*v)[i].name, name))
			return &(*v)[i];
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	nv[*n].name = strdup(name);
	if (!nv[*n].name)
		return NULL;
	return &nv[(*n)++];
}

struct merge_state {
	struct lsec_aa_doc *doc;
	struct lsec_aa_profile *stack[4];
	int depth;
	bool header_ok;
};

/* Unescape a profile name token that was quoted. */
static char *name_of(const char *tok)
{
	char *u = lsec_aa_unescape(tok);

	return u ? u : strdup(tok);
}

static int merge_line(const char *file, unsigned line, char *text, void *ud,
		      struct lsec_err *e)
{
	struct merge_state *m = ud;
	struct lsec_aa_profile *p = m->depth ? m->stack[m->depth - 1] : NULL;
	char *s = text;
	size_t len = strlen(s);

	if (streq(s, "abi <abi/3.0>,") || streq(s, "include <tunables/global>"))
		return 0;
	if (strncmp(s, "profile ", 8) == 0 && len > 1 && s[len - 1] == '{') {
		_cleanup_free_ char *name = NULL, *attach = NULL, *nm = NULL;
		struct lsec_aa_profile *np;
		char *q = s + 8;

		if (m->depth >= 2)
			return lsec_err_at(e, file, line, "profiles nested too deep");
		name = read_token(&q);
		if (!name)
			return lsec_err_at(e, file, line, "bad profile name");
		nm = name_of(name);
		while (*q == ' ')
			q++;
		if (*q == '"' || *q == '/') {
			attach = read_token(&q);
			if (!attach)
				return lsec_err_at(e, file, line, "bad attachment");
		}
		if (!nm)
			return -ENOMEM;
		if (m->depth == 0)
			np = find_or_add(&m->doc->profiles, &m->doc->nprofiles, nm);
		else
			np = find_or_add(&p->children, &p->nchildren, nm);
		if (!np)
			return -ENOMEM;
		if (attach && !np->attach && !(np->attach = strdup(attach)))
			return -ENOMEM;
		if (strstr(q, "flags=(complain)"))
			np->complain = true;
		m->stack[m->depth++] = np;
		return 0;
	}
	if (!p)
		return lsec_err_at(e, file, line,
				   "not a profile written by lsec profile gen: '%.60s'", s);
	if (streq(s, "}")) {
		m->depth--;
		return 0;
	}
	if (strncmp(s, "include <", 9) == 0 && s[len - 1] == '>') {
		s[len - 1] = '\0';
		return add_str(&p->includes, &p->nincludes, s + 9) < 0 ? -ENOMEM : 0;
	}
	if (len < 2 || s[len - 1] != ',')
		return lsec_err_at(e, file, line, "expected a rule ending in ','");
	s[--len] = '\0';
	if (strncmp(s, "capability ", 11) == 0) {
		int c = cap_from_name(s + 11);

		if (c < 0)
			return lsec_err_at(e, file, line, "unknown capability '%s'", s + 11);
		p->caps |= 1ULL << c;
		return 0;
	}
	if (strncmp(s, "network ", 8) == 0)
		return add_str(&p->net, &p->nnet, s + 8) < 0 ? -ENOMEM : 0;
	{
		_cleanup_free_ char *path = NULL, *perms = NULL, *target = NULL;
		bool owner = false;
		uint32_t pm = 0;
		char exec = 0, *q = s, *c;

		if (strncmp(q, "owner ", 6) == 0) {
			owner = true;
			q += 6;
		}
		if (*q != '"')
			return lsec_err_at(e, file, line,
					   "unsupported rule '%.60s' (--merge reads what "
					   "lsec profile gen writes)", s);
		path = read_quoted(&q);
		if (!path)
			return lsec_err_at(e, file, line, "unterminated quoted path");
		perms = read_word(&q);
		if (!perms || !*perms)
			return lsec_err_at(e, file, line, "missing permissions");
		for (c = perms; *c; c++) {
			switch (*c) {
			case 'r': pm |= LSEC_PERM_R; break;
			case 'w': pm |= LSEC_PERM_W; break;
			case 'a': pm |= LSEC_PERM_A; break;
			case 'l': pm |= LSEC_PERM_L; break;
			case 'k': pm |= LSEC_PERM_K; break;
			case 'm': pm |= LSEC_PERM_M; break;
			case 'i': case 'p': case 'c':
				if (c[1] != 'x')
					goto bad;
				exec = *c;
				pm |= LSEC_PERM_X;
				c++;
				break;
			default:
				goto bad;
			}
		}
		while (*q == ' ')
			q++;
		if (strncmp(q, "-> ", 3) == 0) {
			_cleanup_free_ char *t = NULL;

			q += 3;
			t = read_token(&q);
			if (!t)
				return lsec_err_at(e, file, line, "bad exec target");
			target = name_of(t);
		}
		while (*q == ' ')
			q++;
		if (*q)
			return lsec_err_at(e, file, line, "unexpected '%s'", q);
		return add_rule(p, path, pm, owner, exec, target) < 0 ? -ENOMEM : 0;
bad:
		return lsec_err_at(e, file, line, "invalid permissions '%s'", perms);
	}
}

static int rule_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lsec_aa_rule *)a)->path,
		      ((const struct lsec_aa_rule *)b)->path);
}

static int incl_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	/* base first, the rest sorted */
	if (streq(x, "abstractions/base") != streq(y, "abstractions/base"))
		return streq(x, "abstractions/base") ? -1 : 1;
	return strcmp(x, y);
}

static void sort_profile(struct lsec_aa_profile *p)
{
	size_t i;

	sort_n(p->rules, p->nrules, sizeof(*p->rules), rule_cmp);
	sort_n(p->includes, p->nincludes, sizeof(char *), incl_cmp);
	sort_n(p->net, p->nnet, sizeof(char *), incl_cmp);
	for (i = 0; i < p->nchildren; i++)
		sort_profile(&p->children[i]);
	sort_n(p->children, p->nchildren, sizeof(*p->children), prof_cmp);
}

void lsec_aa_doc_sort(struct lsec_aa_doc *doc)
{
	struct lsec_aa_profile main_copy;
	size_t i;

	/* the traced program's profile first, the others sorted */
	if (doc->nprofiles > 1) {
		main_copy = doc->profiles[0];
		sort_n(doc->profiles + 1, doc->nprofiles - 1, sizeof(*doc->profiles),
		      prof_cmp);
		doc->profiles[0] = main_copy;
	}
	for (i = 0; i < doc->nprofiles; i++)
		sort_profile(&doc->profiles[i]);
}

int lsec_aagen_merge_file(struct lsec_aa_doc *doc, const char *file,
			  struct lsec_err *e)
{
	struct merge_state m = { .doc = doc };
	int r;

	/* Not lsec_file_each_line: a quoted path may hold " #", so only
	 * whole-line comments exist in what the writer produces. */
	{
		_cleanup_fclose_ FILE *f = fopen(file, "re");
		_cleanup_free_ char *buf = NULL;
		size_t cap = 0;
		unsigned line = 0;

		if (!f) {
			r = errno;
			if (r == ENOENT || r == EISDIR || r == ENOTDIR)
				return lsec_err_input(e, "cannot read '%s': %s", file,
						      strerror(r));
			return lsec_err_set(e, r, "cannot read '%s': %s", file,
					    strerror(r));
		}
		while (getline(&buf, &cap, f) >= 0) {
			char *t = buf, *end;

			line++;
			while (isspace((unsigned char)*t))
				t++;
			end = t + strlen(t);
			while (end > t && isspace((unsigned char)end[-1]))
				*--end = '\0';
			if (!*t || *t == '#')
				continue;
			r = merge_line(file, line, t, &m, e);
			if (r < 0)
				return r;
		}
	}
	if (m.depth != 0)
		return lsec_err_input(e, "%s: unbalanced '{'", file);
	lsec_aa_doc_sort(doc);
	return 0;
}
