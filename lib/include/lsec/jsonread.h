/* SPDX-License-Identifier: MIT */
/*
 * A minimal JSON reader (RFC 8259) into a tree: enough for configuration
 * files such as OCI/Docker seccomp profiles.  Numbers keep their text;
 * strings are unescaped to UTF-8.  Errors name line and column.
 */
#ifndef LSEC_JSONREAD_H
#define LSEC_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/err.h"

enum lsec_jv_type { LSEC_JV_NULL, LSEC_JV_BOOL, LSEC_JV_NUMBER, LSEC_JV_STRING,
		    LSEC_JV_ARRAY, LSEC_JV_OBJECT };

struct lsec_jv {
	enum lsec_jv_type type;
	bool b;
	char *str;           /* STRING value, NUMBER text */
	char *key;           /* member name inside an OBJECT */
	size_t n;            /* ARRAY/OBJECT children */
	struct lsec_jv *kid; /* children */
};

/* Parse text (NUL-terminated); name is for messages. Returns 0 or -EINVAL. */
int lsec_jv_parse(const char *text, const char *name, struct lsec_jv **ret,
		  struct lsec_err *e);
int lsec_jv_parse_file(const char *path, struct lsec_jv **ret,
		       struct lsec_err *e);
void lsec_jv_free(struct lsec_jv *v);
/* Member of an object (NULL if absent or v is not an object). */
const struct lsec_jv *lsec_jv_get(const struct lsec_jv *v, const char *key);
/* String value or NULL. */
const char *lsec_jv_str(const struct lsec_jv *v);
/* Unsigned integer value (also negative ints as two's complement). */
int lsec_jv_u64(const struct lsec_jv *v, uint64_t *ret);
/* For an object with exactly one member: its key, and (val) the value. */
const char *lsec_jv_only(const struct lsec_jv *v, const struct lsec_jv **val);

#endif
