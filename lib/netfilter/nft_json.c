/* SPDX-License-Identifier: MIT */
#include "nft_json.h"

#include <stdlib.h>
#include <string.h>

#define JV_MAX_DEPTH 64

struct jp {
	const char *p;
	int depth;
};

static void skip_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static void jv_clear(struct jv *v)
{
	size_t i;

	free(v->s);
	for (i = 0; i < v->n; i++) {
		jv_clear(&v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	memset(v, 0, sizeof(*v));
}

static void put_utf8(char **o, unsigned c)
{
	char *q = *o;

	if (c < 0x80) {
		*q++ = (char)c;
	} else if (c < 0x800) {
		*q++ = (char)(0xc0 | (c >> 6));
		*q++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*q++ = (char)(0xe0 | (c >> 12));
		*q++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*q++ = (char)(0x80 | (c & 0x3f));
	} else {
		*q++ = (char)(0xf0 | (c >> 18));
		*q++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*q++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*q++ = (char)(0x80 | (c & 0x3f));
	}
	*o = q;
}

static int hex4(const char *p, unsigned *ret)
{
	unsigned v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*ret = v;
	return 0;
}

static char *parse_string(struct jp *j)
{
	const char *p = j->p + 1, *end = p;
	char *out, *o;

	/* Find the end first to size the buffer (escapes only shrink). */
	while (*end && *end != '"') {
		if (*end == '\\' && end[1])
			end++;
		end++;
	}
	if (*end != '"')
		return NULL;
	out = o = malloc((size_t)(end - p) + 1);
	if (!out)
		return NULL;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u': {
			unsigned c, lo;

			if (end - p < 5 || hex4(p + 1, &c) < 0)
				goto bad;
			p += 4;
			if (c >= 0xd800 && c < 0xdc00 && end - p >= 7 &&
			    p[1] == '\\' && p[2] == 'u' && hex4(p + 3, &lo) == 0 &&
			    lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			put_utf8(&o, c);
			break;
		}
		default: *o++ = *p; break;
		}
		p++;
	}
	*o = '\0';
	j->p = end + 1;
	return out;
bad:
	free(out);
	return NULL;
}

static int parse_value(struct jp *j, struct jv *v);

static int grow(struct jv *v, size_t *cap, bool keys)
{
	if (v->n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 4;
	struct jv *nv = realloc(v->v, *cap * sizeof(*nv));
	if (!nv)
		return -1;
	v->v = nv;
	if (keys) {
		char **nk = realloc(v->k, *cap * sizeof(*nk));
		if (!nk)
			return -1;
		v->k = nk;
	}
	return 0;
}

static int parse_container(struct jp *j, struct jv *v, bool obj)
{
	size_t cap = 0;

	v->t = obj ? JV_OBJ : JV_ARR;
	if (++j->depth > JV_MAX_DEPTH)
		return -1;
	j->p++;
	skip_ws(j);
	if (*j->p == (obj ? '}' : ']')) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		skip_ws(j);
		if (obj) {
			if (*j->p != '"' || !(key = parse_string(j)))
				return -1;
			skip_ws(j);
			if (*j->p != ':') {
				free(key);
				return -1;
			}
			j->p++;
		}
		if (grow(v, &cap, obj) < 0) {
			free(key);
			return -1;
		}
		memset(&v->v[v->n], 0, sizeof(v->v[0]));
		if (obj)
			v->k[v->n] = key;
		v->n++;
		if (parse_value(j, &v->v[v->n - 1]) < 0)
			return -1;
		skip_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != (obj ? '}' : ']'))
			return -1;
		j->p++;
		j->depth--;
		return 0;
	}
}

static int parse_value(struct jp *j, struct jv *v)
{
	skip_ws(j);
	switch (*j->p) {
	case '{':
		return parse_container(j, v, true);
	case '[':
		return parse_container(j, v, false);
	case '"':
		v->t = JV_STR;
		v->s = parse_string(j);
		return v->s ? 0 : -1;
	case 't':
		if (strncmp(j->p, "true", 4))
			return -1;
		v->t = JV_BOOL;
		v->b = true;
		j->p += 4;
		return 0;
	case 'f':
		if (strncmp(j->p, "false", 5))
			return -1;
		v->t = JV_BOOL;
		j->p += 5;
		return 0;
	case 'n':
		if (strncmp(j->p, "null", 4))
			return -1;
		v->t = JV_NULL;
		j->p += 4;
		return 0;
	default: {
		char *end;
		double d;

		if (*j->p != '-' && (*j->p < '0' || *j->p > '9'))
			return -1;
		v->t = JV_NUM;
		v->i = strtoll(j->p, &end, 10);
		if (*end == '.' || *end == 'e' || *end == 'E') {
			d = strtod(j->p, &end);
			v->i = (int64_t)d;
		}
		if (end == j->p)
			return -1;
		j->p = end;
		return 0;
	}
	}
}

struct jv *lsec_jv_parse(const char *text)
{
	struct jp j = { text, 0 };
	struct jv *v = calloc(1, sizeof(*v));

	if (!v || !text)
		goto bad;
	if (parse_value(&j, v) < 0)
		goto bad;
	skip_ws(&j);
	if (*j.p)
		goto bad;
	return v;
bad:
	lsec_jv_free(v);
	return NULL;
}

void lsec_jv_free(struct jv *v)
{
	if (!v)
		return;
	jv_clear(v);
	free(v);
}

const struct jv *lsec_jv_get(const struct jv *v, const char *key)
{
	size_t i;

	if (!v || v->t != JV_OBJ)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->k[i], key) == 0)
			return &v->v[i];
	return NULL;
}

const char *lsec_jv_str(const struct jv *v)
{
	return v && v->t == JV_STR ? v->s : NULL;
}

const char *lsec_jv_only(const struct jv *v, const struct jv **val)
{
	if (!v || v->t != JV_OBJ || v->n != 1)
		return NULL;
	if (val)
		*val = &v->v[0];
	return v->k[0];
}
