/* SPDX-License-Identifier: MIT */
/* Small parsers and file helpers shared by every module. */
#ifndef LSEC_UTIL_H
#define LSEC_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lsec/err.h"

static inline bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* "30", "30s", "500ms", "5m", "2h", "1d" -> milliseconds. */
int lsec_parse_duration(const char *s, uint64_t *ret_ms, struct lsec_err *e);
/* Decimal or 0x hex unsigned integer, no sign, no trailing junk, <= max. */
int lsec_parse_u64(const char *s, uint64_t max, uint64_t *ret);

/*
 * Call fn for every meaningful line of path ("-" = stdin): text after an
 * unquoted '#' is a comment, surrounding blanks are trimmed, empty lines are
 * skipped.  fn gets the display name ("<stdin>" for "-") and line number so it
 * can report FILE:LINE with lsec_err_at().  Stops at the first negative
 * return and returns it; otherwise returns the number of lines passed to fn.
 */
typedef int (*lsec_line_fn)(const char *file, unsigned line, char *text,
			    void *userdata, struct lsec_err *e);
int lsec_file_each_line(const char *path, lsec_line_fn fn, void *userdata,
			struct lsec_err *e);

#endif
