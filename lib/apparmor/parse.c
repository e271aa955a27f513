/* SPDX-License-Identifier: MIT */
/*
 * A parser for AppArmor profile text (apparmor.d(5)), enough to check what
 * `lsec profile gen` and the stock /etc/apparmor.d files hold and to enforce
 * the file and network rules with Landlock.  Includes and tunables are read
 * from the same files apparmor_parser reads.  Rule classes lsec does not
 * enforce (signal, ptrace, unix, dbus, mount, ...) are kept as text.
 */
#include "lsec/apparmor.h"

#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

#define INCLUDE_DEPTH_MAX 32
#define VAR_DEPTH_MAX 16
/* A pattern's text after variable expansion: a few variables that each
 * list the one before several times grow it exponentially (found by
 * fuzzing: ten lines took gigabytes); real profiles stay far below. */
#define EXPAND_MAX (1u << 20)

/* ---- lexer ------------------------------------------------------------------ */

enum tok_type { T_EOF, T_WORD, T_STR, T_LBRACE, T_RBRACE, T_COMMA };

struct tok {
	enum tok_type type;
	char *s; /* WORD: raw text; STR: between the quotes, escapes kept */
	unsigned line;
};

struct toks {
	struct tok *v;
	size_t n, cap;
	const char *file;
};

static void toks_free(struct toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
}

static int toks_push(struct toks *t, enum tok_type type, const char *s,
		     size_t len, unsigned line)
{
	if (t->n + 1 >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct tok *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].type = type;
	t->v[t->n].line = line;
	t->v[t->n].s = s ? strndup(s, len) : NULL;
	if (s && !t->v[t->n].s)
		return -ENOMEM;
	t->n++;
	return 0;
}

static bool ends_token(char c)
{
	return c == '\0' || isspace((unsigned char)c) || c == '#';
}

static int lex(const char *file, const char *text, struct toks *t,
	       struct lsec_err *e)
{
	const char *p = text;
	unsigned line = 1;
	int r;

	t->file = file;
	for (;;) {
		const char *start;
		unsigned start_line;

		while (*p && isspace((unsigned char)*p)) {
			if (*p == '\n')
				line++;
			p++;
		}
		if (!*p)
			break;
		if (*p == '#') {
			if (strncmp(p, "#include", 8) == 0 &&
			    (isspace((unsigned char)p[8]) || p[8] == '<')) {
				r = toks_push(t, T_WORD, "include", 7, line);
				if (r < 0)
					return r;
				p += 8;
				continue;
			}
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (*p == ',') {
			r = toks_push(t, T_COMMA, NULL, 0, line);
			p++;
		} else if (*p == '{' && (ends_token(p[1]) || p[1] == '}')) {
			r = toks_push(t, T_LBRACE, NULL, 0, line);
			p++;
		} else if (*p == '}') {
			r = toks_push(t, T_RBRACE, NULL, 0, line);
			p++;
		} else if (*p == '"') {
			start = ++p;
			start_line = line;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				if (*p == '\n')
					line++;
				p++;
			}
			if (!*p)
				return lsec_err_at(e, file, start_line,
						   "unterminated quoted string");
			r = toks_push(t, T_STR, start, (size_t)(p - start),
				      start_line);
			p++;
		} else {
			int braces = 0, parens = 0;

			start = p;
			for (; *p; p++) {
				if (*p == '\\' && p[1]) {
					p++;
					continue;
				}
				if (parens == 0 && isspace((unsigned char)*p))
					break;
				if (*p == '\n')
					line++;
				if (*p == '{')
					braces++;
				else if (*p == '}') {
					if (braces == 0)
						break;
					braces--;
				} else if (*p == '(')
					parens++;
				else if (*p == ')' && parens > 0)
					parens--;
				else if (*p == ',' && braces == 0 && parens == 0 &&
					 (ends_token(p[1]) || p[1] == '}'))
					break;
				else if (*p == '"') {
					if (parens == 0 && (p == start || p[-1] != '='))
						return lsec_err_at(e, file, line,
								   "unexpected '\"' inside '%.*s' (quote the whole path)",
								   (int)(p - start + 1), start);
					for (p++; *p && *p != '"'; p++)
						if (*p == '\\' && p[1])
							p++;
					if (!*p)
						return lsec_err_at(e, file, line,
								   "unterminated quoted string");
				}
			}
			r = toks_push(t, T_WORD, start, (size_t)(p - start), line);
		}
		if (r < 0)
			return r;
	}
	return toks_push(t, T_EOF, NULL, 0, line);
}

/* ---- parser state ----------------------------------------------------------- */

struct parser {
	const struct lsec_aa_parse_opts *o;
	struct lsec_aa_policy *pol;
	struct lsec_err *e;
	int depth;
};

struct cursor {
	struct toks *t;
	size_t i;
};

static struct tok *cur(struct cursor *c) { return &c->t->v[c->i]; }
static struct tok *peek(struct cursor *c, size_t k)
{
	size_t j = c->i + k;

	return j < c->t->n ? &c->t->v[j] : &c->t->v[c->t->n - 1];
}
static bool is_word(const struct tok *t, const char *w)
{
	return t->type == T_WORD && streq(t->s, w);
}

static int err_at(struct parser *ps, struct cursor *c, const struct tok *t,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int err_at(struct parser *ps, struct cursor *c, const struct tok *t,
		  const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lsec_err_at(ps->e, c->t->file, t->line, "%s", msg);
}

static const char *tok_text(const struct tok *t)
{
	switch (t->type) {
	case T_EOF: return "end of file";
	case T_LBRACE: return "{";
	case T_RBRACE: return "}";
	case T_COMMA: return ",";
	default: return t->s;
	}
}

/* ---- patterns from tokens --------------------------------------------------- */

struct buf {
	char *s;
	size_t n, cap;
};

static int buf_add(struct buf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		size_t cap = (b->n + len + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
	return 0;
}

static int buf_addc(struct buf *b, char c) { return buf_add(b, &c, 1); }

static const struct lsec_aa_var *var_find(const struct lsec_aa_policy *p,
					  const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < p->nvars; i++)
		if (strlen(p->vars[i].name) == len &&
		    strncmp(p->vars[i].name, name, len) == 0)
			return &p->vars[i];
	return NULL;
}

static int expand_vars(struct parser *ps, const char *pat, struct buf *out,
		       int depth, char *undef, size_t undeflen);

/*
 * Undo quoting: raw token text -> pattern (glob characters that stand for
 * themselves escaped, octal escapes decoded).  Variables are expanded
 * afterwards by expand_vars.
 */
static int unquote(const char *raw, struct buf *b)
{
	const char *p;
	int r = 0;

	for (p = raw; *p && r >= 0; p++) {
		unsigned char c;

		if (*p != '\\' || !p[1]) {
			r = buf_addc(b, *p);
			continue;
		}
		p++;
		if (p[0] >= '0' && p[0] <= '7' && p[1] >= '0' && p[1] <= '7' &&
		    p[2] >= '0' && p[2] <= '7') {
			c = (unsigned char)((p[0] - '0') * 64 + (p[1] - '0') * 8 +
					    (p[2] - '0'));
			p += 2;
		} else if (*p == 'x' && isxdigit((unsigned char)p[1]) &&
			   isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], 0 };

			c = (unsigned char)strtoul(hex, NULL, 16);
			p += 2;
		} else if (*p == 'n')
			c = '\n';
		else if (*p == 't')
			c = '\t';
		else if (*p == 'r')
			c = '\r';
		else
			c = (unsigned char)*p;
		if (c == '\0')
			return -EINVAL;
		/* A literal that would otherwise be read as a glob or variable. */
		if (strchr("*?[]{}^\\@", c) && c != 0)
			r = buf_addc(b, '\\');
		if (r >= 0)
			r = buf_addc(b, (char)c);
	}
	return r;
}

static int expand_vars(struct parser *ps, const char *pat, struct buf *out,
		       int depth, char *undef, size_t undeflen)
{
	const char *p;
	int r = 0;

	if (depth > VAR_DEPTH_MAX) {
		snprintf(undef, undeflen, "variables nested too deeply");
		return -ELOOP;
	}
	for (p = pat; *p && r >= 0; p++) {
		const struct lsec_aa_var *v;
		const char *end;
		size_t i;

		if (*p == '\\' && p[1]) {
			r = buf_add(out, p, 2);
			p++;
			continue;
		}
		if (p[0] != '@' || p[1] != '{') {
			r = buf_addc(out, *p);
			continue;
		}
		end = strchr(p + 2, '}');
		if (!end) {
			snprintf(undef, undeflen, "unterminated variable in '%s'", pat);
			return -EINVAL;
		}
		v = var_find(ps->pol, p + 2, (size_t)(end - p - 2));
		if (!v) {
			snprintf(undef, undeflen,
				 "variable @{%.*s} is never declared",
				 (int)(end - p - 2), p + 2);
			return -ENOENT;
		}
		if (v->nvalues != 1)
			r = buf_addc(out, '{');
		for (i = 0; i < v->nvalues && r >= 0; i++) {
			if (i)
				r = buf_addc(out, ',');
			if (r >= 0)
				r = expand_vars(ps, v->values[i], out, depth + 1,
						undef, undeflen);
		}
		if (v->nvalues != 1 && r >= 0)
			r = buf_addc(out, '}');
		if (r >= 0 && out->n > EXPAND_MAX) {
			snprintf(undef, undeflen,
				 "the path's variables expand to more than %u bytes "
				 "(variables that list others many times over)",
				 EXPAND_MAX);
			return -E2BIG;
		}
		p = end;
	}
	return r;
}

static int check_brackets(const char *s, char *why, size_t len)
{
	int braces = 0;
	bool in_class = false;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (in_class) {
			if (*p == ']')
				in_class = false;
			continue;
		}
		if (*p == '[')
			in_class = true;
		else if (*p == ']') {
			snprintf(why, len, "unbalanced ']' in '%s' (write \\] for a literal)", s);
			return -EINVAL;
		} else if (*p == '{')
			braces++;
		else if (*p == '}' && --braces < 0) {
			snprintf(why, len, "unbalanced '}' in '%s' (write \\} for a literal)", s);
			return -EINVAL;
		}
	}
	if (in_class || braces) {
		snprintf(why, len, "unbalanced '%c' in '%s' (write \\%c for a literal)",
			 in_class ? '[' : '{', s, in_class ? '[' : '{');
		return -EINVAL;
	}
	return 0;
}

/* Token -> pattern with variables expanded; *ret malloc'ed. */
static int tok_pattern(struct parser *ps, struct cursor *c, const struct tok *t,
		       bool absolute, char **ret)
{
	struct buf raw = { 0 }, out = { 0 };
	char why[512] = "";
	int r;

	if (t->type != T_WORD && t->type != T_STR)
		return err_at(ps, c, t, "expected a path, got '%s'", tok_text(t));
	if (t->type == T_WORD && strchr(t->s, '!'))
		return err_at(ps, c, t, "unexpected '!' in '%s' (quote the path)", t->s);
	r = unquote(t->s, &raw);
	if (r == -EINVAL) {
		free(raw.s);
		return err_at(ps, c, t, "invalid escape \\000 in '%s'", t->s);
	}
	if (r < 0 || !raw.s) {
		free(raw.s);
		return r < 0 ? r : err_at(ps, c, t, "empty path");
	}
	r = expand_vars(ps, raw.s, &out, 0, why, sizeof(why));
	free(raw.s);
	if (r == -ENOMEM) {
		free(out.s);
		return r;
	}
	if (r < 0) {
		free(out.s);
		return err_at(ps, c, t, "%s", why);
	}
	if (!out.s) {
		out.s = strdup("");
		if (!out.s)
			return -ENOMEM;
	}
	lsec_aa_pattern_collapse(out.s);
	if (check_brackets(out.s, why, sizeof(why)) < 0) {
		free(out.s);
		return err_at(ps, c, t, "%s", why);
	}
	if (absolute) {
		char **alts = NULL, **a;
		int n = lsec_aa_brace_expand(out.s, 100000, &alts);

		if (n == -E2BIG)
			n = 0; /* too many to check; apparmor_parser will */
		for (a = alts; n >= 0 && a && *a; a++)
			if ((*a)[0] != '/') {
				n = -EINVAL;
				break;
			}
		lsec_aa_strv_free(alts);
		if (n < 0) {
			r = err_at(ps, c, t,
				   "path '%s' must be absolute (start with '/' or a variable that does)",
				   t->s);
			free(out.s);
			return r;
		}
	}
	*ret = out.s;
	return 0;
}

/* ---- building the model ----------------------------------------------------- */

static struct lsec_aa_rule *rule_new(struct parser *ps, struct cursor *c,
				     struct lsec_aa_profile *p, size_t first,
				     size_t last, unsigned qual)
{
	struct lsec_aa_rule *r;
	struct buf text = { 0 };
	size_t i;

	if (p->nrules == p->cap_rules) {
		size_t cap = p->cap_rules ? p->cap_rules * 2 : 16;
		struct lsec_aa_rule *v = realloc(p->rules, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->rules = v;
		p->cap_rules = cap;
	}
	for (i = first; i <= last && i < c->t->n; i++) {
		const struct tok *t = &c->t->v[i];

		if (t->type == T_COMMA) {
			buf_addc(&text, ',');
			continue;
		}
		if (text.n)
			buf_addc(&text, ' ');
		if (t->type == T_STR) {
			buf_addc(&text, '"');
			buf_add(&text, t->s, strlen(t->s));
			buf_addc(&text, '"');
		} else
			buf_add(&text, tok_text(t), strlen(tok_text(t)));
	}
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	r->qual = qual;
	r->file = strdup(c->t->file);
	r->line = c->t->v[first].line;
	r->text = text.s ? text.s : strdup("");
	r->family = -1;
	r->type = -1;
	if (!r->file || !r->text) {
		free(r->file);
		free(r->text);
		return NULL;
	}
	p->nrules++;
	return r;
}

/* Skip to the rule's terminating comma; error at end of block/file. */
static int to_comma(struct parser *ps, struct cursor *c, const struct tok *start)
{
	while (cur(c)->type != T_COMMA) {
		if (cur(c)->type == T_EOF || cur(c)->type == T_RBRACE ||
		    cur(c)->type == T_LBRACE)
			return err_at(ps, c, start, "rule '%s' does not end with ','",
				      start->s ? start->s : "");
		c->i++;
	}
	return 0;
}

static int expect_comma(struct parser *ps, struct cursor *c, const char *what)
{
	if (cur(c)->type != T_COMMA)
		return err_at(ps, c, cur(c), "expected ',' after %s, got '%s'",
			      what, tok_text(cur(c)));
	return 0;
}

static int parse_block(struct parser *ps, struct cursor *c,
		       struct lsec_aa_profile *prof, bool in_braces);

static int include_file(struct parser *ps, const char *path,
			struct lsec_aa_profile *prof);

static int record_include(struct lsec_aa_policy *pol, const char *path)
{
	char **v;
	size_t i;

	for (i = 0; i < pol->nincludes; i++)
		if (streq(pol->includes[i], path))
			return 0;
	v = realloc(pol->includes, (pol->nincludes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	pol->includes = v;
	v[pol->nincludes] = strdup(path);
	if (!v[pol->nincludes])
		return -ENOMEM;
	pol->nincludes++;
	return 0;
}

static void strv_freep(char ***v) { lsec_aa_strv_free(*v); }

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* include [if exists] <name> | "path" */
static int parse_include(struct parser *ps, struct cursor *c,
			 struct lsec_aa_profile *prof)
{
	const struct tok *kw = cur(c), *t;
	const char *base = ps->o && ps->o->base_dir ? ps->o->base_dir : "/etc/apparmor.d";
	_cleanup_free_ char *path = NULL;
	bool if_exists = false;
	struct stat st;
	int r;

	c->i++;
	if (is_word(cur(c), "if") && is_word(peek(c, 1), "exists")) {
		if_exists = true;
		c->i += 2;
	}
	t = cur(c);
	if (t->type == T_WORD && t->s[0] == '<' && t->s[strlen(t->s) - 1] == '>' &&
	    strlen(t->s) > 2) {
		if (asprintf(&path, "%s/%.*s", base, (int)strlen(t->s) - 2, t->s + 1) < 0)
			return -ENOMEM;
	} else if (t->type == T_STR && t->s[0]) {
		if (t->s[0] == '/')
			path = strdup(t->s);
		else if (asprintf(&path, "%s/%s", base, t->s) < 0)
			path = NULL;
		if (!path)
			return -ENOMEM;
	} else
		return err_at(ps, c, kw, "include: expected <name> or \"path\", got '%s'",
			      tok_text(t));
	c->i++;
	if (stat(path, &st) < 0) {
		int err = errno;

		if (if_exists)
			return 0;
		return err_at(ps, c, t, "include %s: cannot open '%s': %s",
			      t->type == T_STR ? t->s : t->s, path, strerror(err));
	}
	if (ps->depth >= INCLUDE_DEPTH_MAX)
		return err_at(ps, c, t, "include %s: includes nested too deeply", t->s);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_(strv_freep) char **names = NULL;
		size_t n = 0, i;
		struct dirent *de;
		DIR *d = opendir(path);

		if (!d)
			return err_at(ps, c, t, "include %s: cannot open '%s': %s",
				      t->s, path, strerror(errno));
		while ((de = readdir(d))) {
			char **v;

			if (de->d_name[0] == '.' || strchr(de->d_name, '~') ||
			    strstr(de->d_name, ".dpkg-"))
				continue;
			v = realloc(names, (n + 2) * sizeof(*v));
			if (!v) {
				closedir(d);
				return -ENOMEM;
			}
			names = v;
			if (asprintf(&names[n], "%s/%s", path, de->d_name) < 0) {
				closedir(d);
				return -ENOMEM;
			}
			names[++n] = NULL;
		}
		closedir(d);
		if (names)
			qsort(names, n, sizeof(*names), name_cmp);
		for (i = 0; i < n; i++) {
			if (stat(names[i], &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			r = include_file(ps, names[i], prof);
			if (r < 0)
				return r;
		}
		return record_include(ps->pol, path);
	}
	r = include_file(ps, path, prof);
	if (r < 0)
		return r;
	return record_include(ps->pol, path);
}

static int read_all(const char *path, char **ret, struct lsec_err *e)
{
	_cleanup_close_ int fd = -1;
	struct buf b = { 0 };
	char chunk[8192];
	ssize_t n;

	if (streq(path, "-"))
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		lsec_err_set(e, err, "cannot open '%s': %s", path, strerror(err));
		e->input = true;
		return -err;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_add(&b, chunk, (size_t)n) < 0) {
			free(b.s);
			return -ENOMEM;
		}
	if (n < 0) {
		int err = errno;

		free(b.s);
		lsec_err_set(e, err, "cannot read '%s': %s", path, strerror(err));
		e->input = true;
		return -err;
	}
	if (b.s && memchr(b.s, '\0', b.n)) {
		free(b.s);
		return lsec_err_at(e, path, 1, "not a text file (holds a NUL byte)");
	}
	*ret = b.s ? b.s : strdup("");
	return *ret ? 0 : -ENOMEM;
}

static int parse_text(struct parser *ps, const char *name, const char *text,
		      struct lsec_aa_profile *prof)
{
	struct toks t = { 0 };
	struct cursor c = { &t, 0 };
	int r;

	r = lex(name, text, &t, ps->e);
	if (r >= 0)
		r = parse_block(ps, &c, prof, false);
	toks_free(&t);
	return r;
}

static int include_file(struct parser *ps, const char *path,
			struct lsec_aa_profile *prof)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = read_all(path, &text, ps->e);
	if (r < 0)
		return r;
	ps->depth++;
	r = parse_text(ps, path, text, prof);
	ps->depth--;
	return r;
}

/* @{name} = value...   @{name} += value... (values up to the end of the line) */
static int parse_var(struct parser *ps, struct cursor *c)
{
	const struct tok *t = cur(c);
	unsigned line = t->line;
	_cleanup_free_ char *name = NULL;
	const char *eq, *rest;
	struct lsec_aa_var *v;
	bool append = false;
	size_t i;

	eq = strchr(t->s, '=');
	if (eq) {
		const char *nend = eq;

		if (nend > t->s && nend[-1] == '+') {
			append = true;
			nend--;
		}
		name = strndup(t->s, (size_t)(nend - t->s));
		rest = eq + 1;
	} else {
		name = strdup(t->s);
		rest = "";
		c->i++;
		if (is_word(cur(c), "+="))
			append = true;
		else if (!is_word(cur(c), "="))
			return err_at(ps, c, t, "expected '=' after '%s'", t->s);
		c->i--;
	}
	if (!name)
		return -ENOMEM;
	/* strip blanks, "@{" and "}" */
	{
		size_t len = strlen(name);

		while (len && isspace((unsigned char)name[len - 1]))
			name[--len] = '\0';
		if (len < 4 || strncmp(name, "@{", 2) != 0 || name[len - 1] != '}')
			return err_at(ps, c, t, "invalid variable name '%s'", name);
		memmove(name, name + 2, len - 3);
		name[len - 3] = '\0';
	}
	v = (struct lsec_aa_var *)var_find(ps->pol, name, strlen(name));
	if (!v) {
		struct lsec_aa_var *nv = realloc(ps->pol->vars,
						 (ps->pol->nvars + 1) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		ps->pol->vars = nv;
		v = &nv[ps->pol->nvars++];
		memset(v, 0, sizeof(*v));
		v->name = TAKE_PTR(name);
	} else if (!append) {
		for (i = 0; i < v->nvalues; i++)
			free(v->values[i]);
		v->nvalues = 0;
	}
	c->i++;
	if (!eq)
		c->i++; /* the separate "=" */
	/* values: the rest of this token, then tokens on the same line */
	for (;;) {
		struct buf b = { 0 };
		char **nv;
		const char *raw;

		if (*rest)
			raw = rest;
		else if ((cur(c)->type == T_WORD || cur(c)->type == T_STR) &&
			 cur(c)->line == line) {
			raw = cur(c)->s;
			c->i++;
		} else
			break;
		rest = "";
		{
			size_t rl = strlen(raw);
			_cleanup_free_ char *unq = NULL;

			/* @{X}="Desktop": the quotes are not part of the value */
			if (rl >= 2 && raw[0] == '"' && raw[rl - 1] == '"') {
				unq = strndup(raw + 1, rl - 2);
				if (!unq)
					return -ENOMEM;
				raw = unq;
			}
			if (unquote(raw, &b) < 0 || !b.s) {
				free(b.s);
				return err_at(ps, c, t, "invalid value '%s'", raw);
			}
		}
		nv = realloc(v->values, (v->nvalues + 1) * sizeof(*nv));
		if (!nv) {
			free(b.s);
			return -ENOMEM;
		}
		v->values = nv;
		v->values[v->nvalues++] = b.s;
	}
	if (!v->nvalues)
		return err_at(ps, c, t, "variable @{%s} has no value", v->name);
	return 0;
}

static bool is_perm_word(const char *s)
{
	return s[0] && strspn(s, "rwaklmixpcuPCU") == strlen(s);
}

static bool starts_path(const struct tok *t)
{
	return t->type == T_STR ||
	       (t->type == T_WORD && (t->s[0] == '/' || t->s[0] == '@' ||
				      t->s[0] == '{'));
}

static int file_perms(struct parser *ps, struct cursor *c, const struct tok *t,
		      unsigned qual, unsigned *ret)
{
	char why[300];
	_cleanup_free_ char *s = strdup(t->s);

	if (!s)
		return -ENOMEM;
	if (qual & LSEC_AA_Q_DENY) {
		/* deny rules take a bare 'x' and no exec qualifier */
		char *p, *o = s;
		bool x = false;

		if (strpbrk(s, "ipcuPCU"))
			return err_at(ps, c, t,
				      "deny rules take a bare 'x', not an exec qualifier ('%s')",
				      t->s);
		for (p = s; *p; p++) {
			if (*p == 'x')
				x = true;
			else
				*o++ = *p;
		}
		*o = '\0';
		if (!*s && x) {
			*ret = LSEC_AA_IX;
			return 0;
		}
		if (lsec_aa_perms_parse(s, ret, why, sizeof(why)) < 0)
			return err_at(ps, c, t, "%s", why);
		if (x)
			*ret |= LSEC_AA_IX;
		return 0;
	}
	if (lsec_aa_perms_parse(s, ret, why, sizeof(why)) < 0)
		return err_at(ps, c, t, "%s", why);
	return 0;
}

static int parse_file_rule(struct parser *ps, struct cursor *c,
			   struct lsec_aa_profile *prof, size_t first,
			   unsigned qual)
{
	const struct tok *path_t, *perm_t;
	struct lsec_aa_rule *rule;
	_cleanup_free_ char *pat = NULL, *target = NULL;
	unsigned perms = 0;
	int r;

	if (starts_path(cur(c))) {
		path_t = cur(c);
		perm_t = peek(c, 1);
		if (perm_t->type != T_WORD || !is_perm_word(perm_t->s))
			return err_at(ps, c, perm_t,
				      "expected permissions after '%s', got '%s' (quote paths "
				      "holding blanks, ',' or '!')",
				      path_t->s, tok_text(perm_t));
	} else {
		perm_t = cur(c);
		path_t = peek(c, 1);
		if (!starts_path(path_t))
			return err_at(ps, c, path_t, "expected a path after '%s', got '%s'",
				      perm_t->s, tok_text(path_t));
	}
	r = tok_pattern(ps, c, path_t, true, &pat);
	if (r < 0)
		return r;
	r = file_perms(ps, c, perm_t, qual, &perms);
	if (r < 0)
		return r;
	c->i += 2;
	if (is_word(cur(c), "->")) {
		c->i++;
		if (cur(c)->type != T_WORD && cur(c)->type != T_STR)
			return err_at(ps, c, cur(c), "expected an exec target after '->'");
		if (!(perms & (LSEC_AA_PX | LSEC_AA_CX | LSEC_AA_L)))
			return err_at(ps, c, cur(c),
				      "'->' needs a px, cx or l permission");
		target = strdup(cur(c)->s);
		if (!target)
			return -ENOMEM;
		c->i++;
	}
	r = expect_comma(ps, c, "a file rule");
	if (r < 0)
		return r;
	rule = rule_new(ps, c, prof, first, c->i, qual);
	if (!rule)
		return -ENOMEM;
	rule->kind = LSEC_AA_RULE_FILE;
	rule->path = TAKE_PTR(pat);
	rule->perms = perms;
	rule->exec_target = TAKE_PTR(target);
	return 0;
}

static const char *const protocols[][2] = {
	{ "tcp", "stream" }, { "udp", "dgram" }, { "icmp", "raw" },
	{ "icmpv6", "raw" }, { "sctp", "seqpacket" },
};

static int parse_network(struct parser *ps, struct cursor *c,
			 struct lsec_aa_profile *prof, size_t first, unsigned qual)
{
	int family = -1, type = -1;
	const char *proto = NULL;
	struct lsec_aa_rule *rule;
	size_t k;

	for (c->i++; cur(c)->type == T_WORD; c->i++) {
		const char *w = cur(c)->s;
		int v;

		if (family < 0 && type < 0 && !proto &&
		    (v = lsec_aa_family_from_name(w)) >= 0) {
			family = v;
			continue;
		}
		if (type < 0 && !proto && (v = lsec_aa_socktype_from_name(w)) >= 0) {
			type = v;
			continue;
		}
		for (k = 0; !proto && k < ELEMENTSOF(protocols); k++)
			if (streq(protocols[k][0], w))
				break;
		if (!proto && k < ELEMENTSOF(protocols)) {
			proto = protocols[k][0];
			if (type < 0)
				type = lsec_aa_socktype_from_name(protocols[k][1]);
			continue;
		}
		return err_at(ps, c, cur(c), "invalid network family, type or protocol '%s'", w);
	}
	if (expect_comma(ps, c, "a network rule") < 0)
		return -EINVAL;
	rule = rule_new(ps, c, prof, first, c->i, qual);
	if (!rule)
		return -ENOMEM;
	rule->kind = LSEC_AA_RULE_NETWORK;
	rule->family = family;
	rule->type = type;
	if (proto && !(rule->proto = strdup(proto)))
		return -ENOMEM;
	return 0;
}

static int parse_capability(struct parser *ps, struct cursor *c,
			    struct lsec_aa_profile *prof, size_t first,
			    unsigned qual)
{
	size_t start = ++c->i;
	struct lsec_aa_rule *rule;

	for (; cur(c)->type == T_WORD; c->i++)
		if (!lsec_aa_capability_valid(cur(c)->s))
			return err_at(ps, c, cur(c), "invalid capability '%s'",
				      cur(c)->s);
	if (expect_comma(ps, c, "a capability rule") < 0)
		return -EINVAL;
	if (start == c->i) {
		rule = rule_new(ps, c, prof, first, c->i, qual);
		if (!rule)
			return -ENOMEM;
		rule->kind = LSEC_AA_RULE_CAPABILITY;
		return 0;
	}
	/* one rule per capability */
	for (; start < c->i; start++) {
		rule = rule_new(ps, c, prof, first, c->i, qual);
		if (!rule)
			return -ENOMEM;
		rule->kind = LSEC_AA_RULE_CAPABILITY;
		rule->cap = strdup(c->t->v[start].s);
		if (!rule->cap)
			return -ENOMEM;
	}
	return 0;
}

static const char *const other_rules[] = {
	"signal", "ptrace", "unix", "dbus", "mount", "umount", "remount",
	"pivot_root", "change_profile", "set", "mqueue", "userns", "io_uring",
	"link", "rlimit",
};

static bool is_other_rule(const char *w)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(other_rules); i++)
		if (streq(other_rules[i], w) ||
		    (strncmp(w, other_rules[i], strlen(other_rules[i])) == 0 &&
		     w[strlen(other_rules[i])] == '('))
			return true;
	return false;
}

static int parse_flags(struct parser *ps, struct cursor *c, const struct tok *t,
		       unsigned *flags)
{
	const char *s = t->s;
	_cleanup_free_ char *list = NULL;
	char *tok, *save = NULL;

	if (strncmp(s, "flags=", 6) == 0)
		s += 6;
	if (s[0] != '(' || s[strlen(s) - 1] != ')')
		return err_at(ps, c, t, "invalid profile flags '%s'", t->s);
	list = strndup(s + 1, strlen(s) - 2);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ", \t\n", &save); tok;
	     tok = strtok_r(NULL, ", \t\n", &save)) {
		if (streq(tok, "complain"))
			*flags |= LSEC_AA_F_COMPLAIN;
		else if (streq(tok, "kill"))
			*flags |= LSEC_AA_F_KILL;
		else if (streq(tok, "unconfined"))
			*flags |= LSEC_AA_F_UNCONFINED;
		else if (!streq(tok, "enforce") && !streq(tok, "audit") &&
			 !streq(tok, "mediate_deleted") &&
			 !streq(tok, "attach_disconnected") &&
			 !streq(tok, "chroot_relative") &&
			 !streq(tok, "namespace_relative") &&
			 !streq(tok, "no_attach_disconnected") &&
			 !streq(tok, "delegate_deleted") &&
			 !streq(tok, "chroot_attach") &&
			 !streq(tok, "chroot_no_attach"))
			return err_at(ps, c, t, "invalid profile flag '%s'", tok);
	}
	return 0;
}

/* [profile] NAME [ATTACH] [flags=(...)] {  ... } */
static int parse_profile(struct parser *ps, struct cursor *c,
			 struct lsec_aa_profile **list, size_t *n,
			 bool keyword)
{
	const struct tok *start = cur(c), *name_t;
	struct lsec_aa_profile prof = { 0 }, *v;
	int r;

	if (keyword)
		c->i++;
	name_t = cur(c);
	if (name_t->type != T_WORD && name_t->type != T_STR)
		return err_at(ps, c, name_t, "expected a profile name, got '%s'",
			      tok_text(name_t));
	prof.file = strdup(c->t->file);
	prof.line = start->line;
	if (!prof.file)
		return -ENOMEM;
	if (!keyword && starts_path(name_t) && name_t->s[0] != '^') {
		/* legacy "/path {": name and attachment */
		r = tok_pattern(ps, c, name_t, true, &prof.attach);
		if (r < 0)
			goto fail;
		prof.name = strdup(name_t->s);
	} else {
		const char *nm = name_t->s[0] == '^' ? name_t->s + 1 : name_t->s;

		prof.name = strdup(nm);
	}
	if (!prof.name) {
		r = -ENOMEM;
		goto fail;
	}
	c->i++;
	if (keyword && starts_path(cur(c)) && strncmp(cur(c)->s, "flags=", 6) != 0) {
		r = tok_pattern(ps, c, cur(c), true, &prof.attach);
		if (r < 0)
			goto fail;
		c->i++;
	} else if (keyword && cur(c)->type == T_WORD && cur(c)->s[0] != '(' &&
		   strncmp(cur(c)->s, "flags=", 6) != 0) {
		r = err_at(ps, c, cur(c),
			   "profile %s: attachment '%s' must begin with '/' or a variable",
			   prof.name, cur(c)->s);
		goto fail;
	}
	if (cur(c)->type == T_WORD &&
	    (strncmp(cur(c)->s, "flags=", 6) == 0 || cur(c)->s[0] == '(')) {
		r = parse_flags(ps, c, cur(c), &prof.flags);
		if (r < 0)
			goto fail;
		c->i++;
	}
	if (cur(c)->type != T_LBRACE) {
		r = err_at(ps, c, cur(c), "expected '{' to open profile %s, got '%s'",
			   prof.name, tok_text(cur(c)));
		goto fail;
	}
	c->i++;
	r = parse_block(ps, c, &prof, true);
	if (r < 0)
		goto fail;
	v = realloc(*list, (*n + 1) * sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto fail;
	}
	*list = v;
	v[(*n)++] = prof;
	return 0;
fail: {
	struct lsec_aa_policy tmp = { .profiles = &prof, .nprofiles = 1 };

	/* free through the policy destructor (profiles array is ours) */
	tmp.profiles = malloc(sizeof(prof));
	if (tmp.profiles) {
		tmp.profiles[0] = prof;
		lsec_aa_policy_free(&tmp);
	}
	return r;
}
}

/* Statements until '}' (in_braces) or end of file. */
static int parse_block(struct parser *ps, struct cursor *c,
		       struct lsec_aa_profile *prof, bool in_braces)
{
	int r;

	for (;;) {
		struct tok *t = cur(c);
		size_t first = c->i;
		unsigned qual = 0;

		if (t->type == T_EOF) {
			if (in_braces)
				return err_at(ps, c, t, "missing '}' to close profile %s",
					      prof->name);
			return 0;
		}
		if (t->type == T_RBRACE) {
			if (!in_braces)
				return err_at(ps, c, t, "unexpected '}'");
			c->i++;
			return 0;
		}
		if (t->type == T_COMMA || t->type == T_LBRACE)
			return err_at(ps, c, t, "unexpected '%s'", tok_text(t));
		if (is_word(t, "include")) {
			r = parse_include(ps, c, prof);
			if (r < 0)
				return r;
			continue;
		}
		if (is_word(t, "abi")) {
			const struct tok *a = peek(c, 1);

			if (a->type != T_WORD && a->type != T_STR)
				return err_at(ps, c, a, "abi: expected <name>");
			if (!ps->pol->abi && !prof) {
				const char *s = a->s;
				size_t len = strlen(s);

				if (s[0] == '<' && len > 2)
					ps->pol->abi = strndup(s + 1, len - 2);
				else
					ps->pol->abi = strdup(s);
			}
			c->i += 2;
			r = expect_comma(ps, c, "abi");
			if (r < 0)
				return r;
			c->i++;
			continue;
		}
		if (t->type == T_WORD && t->s[0] == '@' && t->s[1] == '{' &&
		    (strchr(t->s, '=') || is_word(peek(c, 1), "=") ||
		     is_word(peek(c, 1), "+="))) {
			if (prof)
				return err_at(ps, c, t,
					      "variables must be declared outside a profile");
			r = parse_var(ps, c);
			if (r < 0)
				return r;
			continue;
		}
		if (is_word(t, "alias")) {
			r = to_comma(ps, c, t);
			if (r < 0)
				return r;
			c->i++;
			continue;
		}
		if (is_word(t, "profile") || is_word(t, "hat") ||
		    (t->type == T_WORD && t->s[0] == '^' && prof)) {
			bool kw = !(t->s[0] == '^');

			if (prof)
				r = parse_profile(ps, c, &prof->children,
						  &prof->nchildren, kw);
			else
				r = parse_profile(ps, c, &ps->pol->profiles,
						  &ps->pol->nprofiles, kw);
			if (r < 0)
				return r;
			continue;
		}
		if (!prof) {
			/* legacy "/path [flags] {" */
			if (starts_path(t)) {
				r = parse_profile(ps, c, &ps->pol->profiles,
						  &ps->pol->nprofiles, false);
				if (r < 0)
					return r;
				continue;
			}
			return err_at(ps, c, t, "unexpected '%s' outside a profile",
				      tok_text(t));
		}
		/* qualifiers */
		for (;; c->i++) {
			t = cur(c);
			if (is_word(t, "deny"))
				qual |= LSEC_AA_Q_DENY;
			else if (is_word(t, "owner"))
				qual |= LSEC_AA_Q_OWNER;
			else if (is_word(t, "audit"))
				qual |= LSEC_AA_Q_AUDIT;
			else if (!is_word(t, "allow"))
				break;
		}
		if (is_word(t, "capability"))
			r = parse_capability(ps, c, prof, first, qual);
		else if (is_word(t, "network"))
			r = parse_network(ps, c, prof, first, qual);
		else if (is_word(t, "file") && peek(c, 1)->type == T_COMMA) {
			struct lsec_aa_rule *rule;

			c->i++;
			rule = rule_new(ps, c, prof, first, c->i, qual);
			if (!rule)
				return -ENOMEM;
			rule->kind = LSEC_AA_RULE_FILE;
			rule->path = strdup("/**");
			rule->perms = LSEC_AA_R | LSEC_AA_W | LSEC_AA_L |
				      LSEC_AA_K | LSEC_AA_M | LSEC_AA_IX;
			r = rule->path ? 0 : -ENOMEM;
		} else if (is_word(t, "file")) {
			c->i++;
			r = parse_file_rule(ps, c, prof, first, qual);
		} else if (t->type == T_WORD && is_other_rule(t->s)) {
			struct lsec_aa_rule *rule;
			size_t kwlen = strcspn(t->s, "(");

			r = to_comma(ps, c, t);
			if (r < 0)
				return r;
			rule = rule_new(ps, c, prof, first, c->i, qual);
			if (!rule)
				return -ENOMEM;
			rule->kind = LSEC_AA_RULE_OTHER;
			rule->keyword = strndup(t->s, kwlen);
			r = rule->keyword ? 0 : -ENOMEM;
		} else if (starts_path(t) ||
			   (t->type == T_WORD && is_perm_word(t->s) &&
			    starts_path(peek(c, 1))))
			r = parse_file_rule(ps, c, prof, first, qual);
		else if (t->type == T_WORD && t->s[0] && peek(c, 1)->type == T_WORD &&
			 is_perm_word(peek(c, 1)->s))
			r = err_at(ps, c, t, "path '%s' must be absolute (start with '/' or a variable that does)",
				   t->s);
		else
			r = err_at(ps, c, t, "unknown rule '%s'", tok_text(t));
		if (r < 0)
			return r;
		c->i++; /* the comma */
	}
}

static int parse_top(const char *name, const char *text,
		     const struct lsec_aa_parse_opts *o,
		     struct lsec_aa_policy *ret, struct lsec_err *e)
{
	struct parser ps = { .o = o, .pol = ret, .e = e };
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->file = strdup(name);
	if (!ret->file)
		return -ENOMEM;
	r = parse_text(&ps, name, text, NULL);
	if (r >= 0 && ret->nprofiles == 0)
		r = lsec_err_at(e, name, 1, "no profile defined");
	if (r < 0)
		lsec_aa_policy_free(ret);
	return r;
}

int lsec_aa_parse_string(const char *name, const char *text,
			 const struct lsec_aa_parse_opts *o,
			 struct lsec_aa_policy *ret, struct lsec_err *e)
{
	return parse_top(name, text, o, ret, e);
}

int lsec_aa_parse_file(const char *path, const struct lsec_aa_parse_opts *o,
		       struct lsec_aa_policy *ret, struct lsec_err *e)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = read_all(path, &text, e);
	if (r < 0)
		return r;
	return parse_top(streq(path, "-") ? "<stdin>" : path, text, o, ret, e);
}
