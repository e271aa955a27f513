/* SPDX-License-Identifier: MIT */
#include "lsec/json.h"

#include <inttypes.h>
#include <string.h>

void lsec_json_init(struct lsec_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* reject overlong forms, surrogates and values past U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void lsec_json_write_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, l;

	fputc('"', f);
	while (i < n) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(f, "\\u%04x", c);
			} else if (c < 0x80) {
				fputc(c, f);
			} else {
				l = utf8_seq_len(s + i, n - i);
				if (l == 0) {
					fputs("\\ufffd", f);
				} else {
					fwrite(s + i, 1, l, f);
					i += l;
					continue;
				}
			}
		}
		i++;
	}
	fputc('"', f);
}

static void json_prefix(struct lsec_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		lsec_json_write_string(j->f, key, strlen(key));
		fputc(':', j->f);
	}
}

static void json_open(struct lsec_json *j, const char *key, char c)
{
	json_prefix(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < LSEC_JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct lsec_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void lsec_json_object_begin(struct lsec_json *j, const char *key)
{
	json_open(j, key, '{');
}

void lsec_json_object_end(struct lsec_json *j)
{
	json_close(j, '}');
}

void lsec_json_array_begin(struct lsec_json *j, const char *key)
{
	json_open(j, key, '[');
}

void lsec_json_array_end(struct lsec_json *j)
{
	json_close(j, ']');
}

void lsec_json_string_len(struct lsec_json *j, const char *key, const char *val,
			  size_t len)
{
	json_prefix(j, key);
	lsec_json_write_string(j->f, val, len);
}

void lsec_json_string(struct lsec_json *j, const char *key, const char *val)
{
	if (!val) {
		lsec_json_null(j, key);
		return;
	}
	lsec_json_string_len(j, key, val, strlen(val));
}

void lsec_json_int(struct lsec_json *j, const char *key, int64_t val)
{
	json_prefix(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void lsec_json_uint(struct lsec_json *j, const char *key, uint64_t val)
{
	json_prefix(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void lsec_json_bool(struct lsec_json *j, const char *key, bool val)
{
	json_prefix(j, key);
	fputs(val ? "true" : "false", j->f);
}

void lsec_json_null(struct lsec_json *j, const char *key)
{
	json_prefix(j, key);
	fputs("null", j->f);
}

void lsec_json_finish(struct lsec_json *j)
{
	fputc('\n', j->f);
}
