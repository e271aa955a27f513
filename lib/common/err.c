/* SPDX-License-Identifier: MIT */
#include "lsec/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(struct lsec_err *e, int code, bool input, const char *file,
		    unsigned line, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (code == 0)
		code = EIO;
	if (!e)
		return -code;
	e->code = code;
	e->input = input;
	if (file)
		snprintf(e->where, sizeof(e->where), "%s:%u", file, line);
	else
		e->where[0] = '\0';
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -code;
}

int lsec_err_set(struct lsec_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_vset(e, code, false, NULL, 0, fmt, ap);
	va_end(ap);
	return r;
}

int lsec_err_input(struct lsec_err *e, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_vset(e, EINVAL, true, NULL, 0, fmt, ap);
	va_end(ap);
	return r;
}

int lsec_err_at(struct lsec_err *e, const char *file, unsigned line,
		const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_vset(e, EINVAL, true, file, line, fmt, ap);
	va_end(ap);
	return r;
}

void lsec_err_clear(struct lsec_err *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

int lsec_exit_code(const struct lsec_err *e, int r)
{
	int code;

	if (r >= 0)
		return LSEC_EXIT_OK;
	if (e && e->input)
		return LSEC_EXIT_USAGE;
	code = -r;
	switch (code) {
	case EINVAL:
	case ERANGE:
		return LSEC_EXIT_USAGE;
	case EPERM:
	case EACCES:
		return LSEC_EXIT_PERM;
	case EOPNOTSUPP:
	case ENOSYS:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		return LSEC_EXIT_UNAVAILABLE;
	default:
		return LSEC_EXIT_FAIL;
	}
}

const char *lsec_err_kind(const struct lsec_err *e, int r)
{
	switch (lsec_exit_code(e, r)) {
	case LSEC_EXIT_OK:
		return "none";
	case LSEC_EXIT_USAGE:
		return "invalid_input";
	case LSEC_EXIT_PERM:
		return "permission_denied";
	case LSEC_EXIT_UNAVAILABLE:
		return "unavailable";
	default:
		return "failed";
	}
}
