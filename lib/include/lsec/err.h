/* SPDX-License-Identifier: MIT */
/*
 * Errors: every lib function returns >= 0 on success and a negative errno on
 * failure, and fills a caller-owned struct lsec_err with a message that names
 * the offending value.  The errno class decides the exit code (lsec_exit_code):
 *   -EINVAL, -ERANGE, -ENOENT of user input ... use LSEC_E_INPUT  -> 2
 *   -EPERM, -EACCES                                               -> 4
 *   -EOPNOTSUPP, -ENOSYS, -EPROTONOSUPPORT, -EAFNOSUPPORT          -> 3
 *   anything else                                                 -> 1
 * Input errors must use lsec_err_input() so a missing *file the user named*
 * (exit 2) is not confused with a missing system file (exit 1).
 */
#ifndef LSEC_ERR_H
#define LSEC_ERR_H

#include <stdbool.h>

enum lsec_exit {
	LSEC_EXIT_OK = 0,
	LSEC_EXIT_FAIL = 1,
	LSEC_EXIT_USAGE = 2,
	LSEC_EXIT_UNAVAILABLE = 3,
	LSEC_EXIT_PERM = 4,
	/* verbs that run a program, as env(1) */
	LSEC_EXIT_RUN_FAIL = 125,
	LSEC_EXIT_RUN_NOEXEC = 126,
	LSEC_EXIT_RUN_NOTFOUND = 127,
};

struct lsec_err {
	int code;        /* positive errno; 0 = no error */
	bool input;      /* the user's input was bad: nothing was changed */
	char where[256]; /* FILE:LINE or the offending value's origin, may be "" */
	char msg[768];
};

/* Set e (may be NULL) and return -code. */
int lsec_err_set(struct lsec_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, marking the error as bad user input (exit 2). */
int lsec_err_input(struct lsec_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Input error located at FILE:LINE. */
int lsec_err_at(struct lsec_err *e, const char *file, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void lsec_err_clear(struct lsec_err *e);

/* Map an error to the documented exit code. */
int lsec_exit_code(const struct lsec_err *e, int r);
/* Stable snake_case name of the error class, for JSON. */
const char *lsec_err_kind(const struct lsec_err *e, int r);

#endif
