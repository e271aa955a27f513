/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer.  Commas and nesting are tracked for the
 * caller; keys are given with each value (NULL inside arrays).  Strings are
 * escaped per RFC 8259; a byte that is not part of valid UTF-8 is written
 * as U+FFFD, so the document is always valid JSON whatever a file name holds.
 */
#ifndef LSEC_JSON_H
#define LSEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LSEC_JSON_MAX_DEPTH 32

struct lsec_json {
	FILE *f;
	int depth;
	bool need_comma[LSEC_JSON_MAX_DEPTH];
};

void lsec_json_init(struct lsec_json *j, FILE *f);
void lsec_json_object_begin(struct lsec_json *j, const char *key);
void lsec_json_object_end(struct lsec_json *j);
void lsec_json_array_begin(struct lsec_json *j, const char *key);
void lsec_json_array_end(struct lsec_json *j);
void lsec_json_string(struct lsec_json *j, const char *key, const char *val);
void lsec_json_string_len(struct lsec_json *j, const char *key, const char *val,
			  size_t len);
void lsec_json_int(struct lsec_json *j, const char *key, int64_t val);
void lsec_json_uint(struct lsec_json *j, const char *key, uint64_t val);
void lsec_json_bool(struct lsec_json *j, const char *key, bool val);
void lsec_json_null(struct lsec_json *j, const char *key);
/* End of document: writes the final newline. */
void lsec_json_finish(struct lsec_json *j);

/* Write s[0..len) as a quoted, escaped JSON string. */
void lsec_json_write_string(FILE *f, const char *s, size_t len);

#endif
