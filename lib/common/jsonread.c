/* SPDX-License-Identifier: MIT */
#include "lsec/jsonread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

struct jp {
	const char *s, *p, *name;
	struct lsec_err *e;
	unsigned depth;
};

static int jerr(struct jp *j, const char *what)
{
	unsigned line = 1, col = 1;
	const char *q;

	for (q = j->s; q < j->p; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	return lsec_err_at(j->e, j->name, line, "column %u: %s", col, what);
}

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static void put_utf8(char **o, unsigned cp)
{
	char *d = *o;

	if (cp < 0x80)
		*d++ = (char)cp;
	else if (cp < 0x800) {
		*d++ = (char)(0xC0 | (cp >> 6));
		*d++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*d++ = (char)(0xE0 | (cp >> 12));
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*d++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*d++ = (char)(0xF0 | (cp >> 18));
		*d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*d++ = (char)(0x80 | (cp & 0x3F));
	}
	*o = d;
}

static int hex4(const char *p, unsigned *v)
{
	unsigned i, x = 0;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

static int string(struct jp *j, char **ret)
{
	const char *q = ++j->p;
	char *out, *o;

	/* the unescaped text is never longer than the escaped one */
	while (*q && *q != '"')
		q += (*q == '\\' && q[1]) ? 2 : 1;
	if (*q != '"')
		return jerr(j, "unterminated string");
	out = o = malloc((size_t)(q - j->p) + 1);
	if (!out)
		return -ENOMEM;
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20) {
			free(out);
			return jerr(j, "control character in string");
		}
		if (c != '\\') {
			*o++ = (char)c;
			j->p++;
			continue;
		}
		j->p++;
		switch (*j->p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp, lo;

			if (hex4(j->p + 1, &cp) < 0) {
				free(out);
				return jerr(j, "bad \\u escape");
			}
			j->p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && j->p[1] == '\\' &&
			    j->p[2] == 'u' && hex4(j->p + 3, &lo) == 0 &&
			    lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				j->p += 6;
			}
			put_utf8(&o, cp);
			break;
		}
		default:
			free(out);
			return jerr(j, "bad escape in string");
		}
		j->p++;
	}
	j->p++;
	*o = '\0';
	*ret = out;
	return 0;
}

static int value(struct jp *j, struct lsec_jv *v);

static int push(struct lsec_jv *v, struct lsec_jv **kid)
{
	struct lsec_jv *nk = realloc(v->kid, (v->n + 1) * sizeof(*nk));

	if (!nk)
		return -ENOMEM;
	v->kid = nk;
	*kid = &nk[v->n++];
	memset(*kid, 0, sizeof(**kid));
	return 0;
}

static int container(struct jp *j, struct lsec_jv *v, bool obj)
{
	char close = obj ? '}' : ']';
	int r;

	v->type = obj ? LSEC_JV_OBJECT : LSEC_JV_ARRAY;
	if (++j->depth > 64)
		return jerr(j, "nested too deep");
	j->p++;
	ws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		struct lsec_jv *kid;
		char *key = NULL;

		ws(j);
		if (obj) {
			if (*j->p != '"')
				return jerr(j, "expected a member name");
			r = string(j, &key);
			if (r < 0)
				return r;
			ws(j);
			if (*j->p != ':') {
				free(key);
				return jerr(j, "expected ':'");
			}
			j->p++;
		}
		r = push(v, &kid);
		if (r < 0) {
			free(key);
			return r;
		}
		kid->key = key;
		r = value(j, kid);
		if (r < 0)
			return r;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == close) {
			j->p++;
			j->depth--;
			return 0;
		}
		return jerr(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int value(struct jp *j, struct lsec_jv *v)
{
	const char *q;

	ws(j);
	switch (*j->p) {
	case '{':
		return container(j, v, true);
	case '[':
		return container(j, v, false);
	case '"':
		v->type = LSEC_JV_STRING;
		return string(j, &v->str);
	case 't':
	case 'f':
	case 'n':
		if (strncmp(j->p, "true", 4) == 0) {
			v->type = LSEC_JV_BOOL;
			v->b = true;
			j->p += 4;
		} else if (strncmp(j->p, "false", 5) == 0) {
			v->type = LSEC_JV_BOOL;
			j->p += 5;
		} else if (strncmp(j->p, "null", 4) == 0) {
			v->type = LSEC_JV_NULL;
			j->p += 4;
		} else
			return jerr(j, "unexpected word");
		return 0;
	}
	q = j->p;
	if (*q == '-')
		q++;
	if (*q < '0' || *q > '9')
		return jerr(j, *j->p ? "unexpected character" : "unexpected end");
	while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
	       *q == '+' || *q == '-')
		q++;
	v->type = LSEC_JV_NUMBER;
	v->str = strndup(j->p, (size_t)(q - j->p));
	if (!v->str)
		return -ENOMEM;
	j->p = q;
	return 0;
}

static void jv_clear(struct lsec_jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		jv_clear(&v->kid[i]);
	free(v->kid);
	free(v->str);
	free(v->key);
}

void lsec_jv_free(struct lsec_jv *v)
{
	if (!v)
		return;
	jv_clear(v);
	free(v);
}

int lsec_jv_parse(const char *text, const char *name, struct lsec_jv **ret,
		  struct lsec_err *e)
{
	struct jp j = { .s = text, .p = text, .name = name, .e = e };
	struct lsec_jv *v = calloc(1, sizeof(*v));
	int r;

	if (!v)
		return -ENOMEM;
	r = value(&j, v);
	if (r == 0) {
		ws(&j);
		if (*j.p)
			r = jerr(&j, "trailing text after the JSON value");
	}
	if (r < 0) {
		lsec_jv_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

int lsec_jv_parse_file(const char *path, struct lsec_jv **ret,
		       struct lsec_err *e)
{
	_cleanup_fclose_ FILE *f = streq(path, "-") ? NULL : fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, got;
	FILE *in = streq(path, "-") ? stdin : f;

	if (!in) {
		int r = errno;

		lsec_err_set(e, r, "cannot open '%s': %s", path, strerror(r));
		if (e && (r == ENOENT || r == EISDIR || r == ENOTDIR))
			e->input = true;
		return -r;
	}
	do {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap + 65536 + 1);

			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len, in);
		len += got;
	} while (got > 0);
	if (ferror(in))
		return lsec_err_set(e, EIO, "cannot read '%s'", path);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return lsec_err_input(e, "%s: NUL byte in JSON text", path);
	return lsec_jv_parse(buf, streq(path, "-") ? "<stdin>" : path, ret, e);
}

const struct lsec_jv *lsec_jv_get(const struct lsec_jv *v, const char *key)
{
	size_t i;

	if (!v || v->type != LSEC_JV_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (streq(v->kid[i].key, key))
			return &v->kid[i];
	return NULL;
}

const char *lsec_jv_str(const struct lsec_jv *v)
{
	return v && v->type == LSEC_JV_STRING ? v->str : NULL;
}

int lsec_jv_u64(const struct lsec_jv *v, uint64_t *ret)
{
	char *end;

	if (!v || v->type != LSEC_JV_NUMBER)
		return -EINVAL;
	errno = 0;
	if (v->str[0] == '-') {
		long long x = strtoll(v->str, &end, 10);

		if (errno || *end)
			return -EINVAL;
		*ret = (uint64_t)x;
		return 0;
	}
	*ret = strtoull(v->str, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

const char *lsec_jv_only(const struct lsec_jv *v, const struct lsec_jv **val)
{
	if (!v || v->type != LSEC_JV_OBJECT || v->n != 1)
		return NULL;
	if (val)
		*val = &v->kid[0];
	return v->kid[0].key;
}
