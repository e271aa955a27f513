/* SPDX-License-Identifier: MIT */
#include "lsec/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"

int lsec_parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int lsec_parse_duration(const char *s, uint64_t *ret_ms, struct lsec_err *e)
{
	static const struct {
		const char *suffix;
		uint64_t ms;
	} units[] = {
		{ "", 1000 },	{ "s", 1000 },	     { "ms", 1 },
		{ "m", 60000 }, { "h", 3600000 }, { "d", 86400000 },
	};
	unsigned long long v;
	char *end;
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	for (i = 0; i < ELEMENTSOF(units); i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			if (v > UINT64_MAX / units[i].ms)
				goto bad;
			*ret_ms = v * units[i].ms;
			return 0;
		}
	}
bad:
	return lsec_err_input(e,
			      "invalid duration '%s' (expected a number with "
			      "an optional unit ms, s, m, h or d, e.g. 30s)",
			      s ? s : "");
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int lsec_file_each_line(const char *path, lsec_line_fn fn, void *userdata,
			struct lsec_err *e)
{
	_cleanup_fclose_ FILE *owned = NULL;
	_cleanup_free_ char *buf = NULL;
	const char *name = path;
	size_t cap = 0;
	unsigned lineno = 0;
	int n = 0, r;
	FILE *f;

	if (streq(path, "-")) {
		f = stdin;
		name = "<stdin>";
	} else {
		owned = fopen(path, "re");
		if (!owned) {
			r = errno;
			lsec_err_set(e, r, "cannot open '%s': %s", path,
				     strerror(r));
			/* A file the user named that is not there is input. */
			if (e && (r == ENOENT || r == EISDIR || r == ENOTDIR))
				e->input = true;
			return -r;
		}
		f = owned;
	}
	while (getline(&buf, &cap, f) >= 0) {
		char *hash, *text;

		lineno++;
		/* '#' starts a comment at line start or after a blank */
		for (hash = buf; (hash = strchr(hash, '#')); hash++) {
			if (hash == buf || isspace((unsigned char)hash[-1])) {
				*hash = '\0';
				break;
			}
		}
		text = trim(buf);
		if (!*text)
			continue;
		r = fn(name, lineno, text, userdata, e);
		if (r < 0)
			return r;
		n++;
	}
	if (ferror(f)) {
		r = errno ? errno : EIO;
		return lsec_err_set(e, r, "cannot read '%s': %s", name,
				    strerror(r));
	}
	return n;
}
