/* SPDX-License-Identifier: MIT */
/* Small parsers and file helpers shared by every module. */
#ifndef LSEC_UTIL_H
#define LSEC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * Write data to path, the way every -o FILE of lsec does.  A regular file
 * (or one that does not exist yet) is replaced atomically: a temporary in
 * the same directory, then rename, so readers never see half a file.
 * Anything else (/dev/null, a FIFO, a terminal) is written in place and
 * never unlinked.  A file that already holds exactly data is left alone;
 * *changed (may be NULL) says whether it differed.  With dry, only *changed
 * is computed.  An unwritable path the user named is an input error.
 */
int lsec_file_write(const char *path, const void *data, size_t len, bool dry,
		    bool *changed, struct lsec_err *e);
/* Read all of fd from its start into a malloc'ed, NUL-terminated buffer. */
int lsec_fd_slurp(int fd, char **ret, size_t *ret_len, struct lsec_err *e);

#endif
