/* SPDX-License-Identifier: MIT */
#include "lsec/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

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

/* Does path hold exactly data[0..len)? */
static bool file_holds(const char *path, const void *data, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;

	if (!f || !(buf = malloc(len + 1)))
		return false;
	return fread(buf, 1, len + 1, f) == len && memcmp(buf, data, len) == 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_error(struct lsec_err *e, const char *path, int r)
{
	lsec_err_set(e, r, "cannot write '%s': %s", path, strerror(r));
	if (e && (r == ENOENT || r == ENOTDIR || r == EISDIR))
		e->input = true;
	return -r;
}

int lsec_file_write(const char *path, const void *data, size_t len, bool dry,
		    bool *changed, struct lsec_err *e)
{
	_cleanup_free_ char *tmp = NULL, *real = NULL;
	_cleanup_close_ int fd = -1;
	const char *target = path;
	struct stat st;
	bool regular, differs;
	int r;

	bool dangling = false;

	/* -o LINK replaces what the link points to, and keeps the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real)
			target = real;
		else
			dangling = true; /* created through the link, in place */
	}
	r = stat(target, &st) < 0 ? -errno : 0;
	if (r < 0 && r != -ENOENT)
		return write_error(e, path, -r);
	regular = !dangling && (r == -ENOENT || S_ISREG(st.st_mode));
	differs = !regular || r == -ENOENT || !file_holds(target, data, len);
	if (changed)
		*changed = differs;
	if (!differs || dry)
		return 0;
	if (!regular) {
		fd = open(target, O_WRONLY | O_CLOEXEC | O_NOCTTY |
				  (dangling ? O_CREAT | O_TRUNC : 0), 0644);
		if (fd < 0)
			return write_error(e, path, errno);
		r = write_all(fd, data, len);
		return r < 0 ? write_error(e, path, -r) : 0;
	}
	if (asprintf(&tmp, "%s.lsec-XXXXXX", target) < 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return write_error(e, path, errno);
	/* keep the old file's mode; a new file gets 0644 */
	r = fchmod(fd, r == 0 ? (st.st_mode & 07777) : 0644) < 0 ? -errno : 0;
	if (r >= 0)
		r = write_all(fd, data, len);
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (r >= 0 && rename(tmp, target) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return write_error(e, path, -r);
	}
	return 0;
}

int lsec_fd_slurp(int fd, char **ret, size_t *ret_len, struct lsec_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0, len = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return lsec_err_set(e, errno, "cannot read back: %s", strerror(errno));
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (len + 4096 + 1) * 2);

			if (!nb)
				return lsec_err_set(e, ENOMEM, "out of memory");
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno != EINTR)
			return lsec_err_set(e, errno, "cannot read back: %s",
					    strerror(errno));
		if (n > 0)
			len += (size_t)n;
	} while (n != 0);
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}
