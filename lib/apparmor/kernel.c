/* SPDX-License-Identifier: MIT */
/*
 * The AppArmor kernel interface: availability, compiling with
 * apparmor_parser (libapparmor cannot compile text), loading, replacing and
 * removing through libapparmor's aa_kernel_interface_*, and aa_change_onexec.
 */
#include "lsec/apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

#define NOT_ENABLED_HINT \
	"use 'lsec profile run FILE -- CMD' to enforce a profile with Landlock"

int lsec_aa_kernel_available(const struct lsec_aa_kernel *k, struct lsec_err *e)
{
	struct stat st;
	int r;

	if (k && k->fs) {
		/* A directory standing in for apparmorfs (tests). */
		if (stat(k->fs, &st) < 0 || !S_ISDIR(st.st_mode))
			return lsec_err_set(e, ENOENT,
					    "apparmorfs stand-in '%s' is not a directory",
					    k->fs);
		return 1;
	}
	if (aa_is_enabled() == 1)
		return 1;
	r = errno;
	switch (r) {
	case ECANCELED:
		return lsec_err_set(e, EOPNOTSUPP,
				    "AppArmor is not enabled: it was disabled at boot; "
				    NOT_ENABLED_HINT);
	case ENOENT:
		return lsec_err_set(e, EOPNOTSUPP,
				    "AppArmor is not enabled: securityfs is not mounted "
				    "(mount -t securityfs securityfs /sys/kernel/security); "
				    NOT_ENABLED_HINT);
	case EBUSY:
		return lsec_err_set(e, EOPNOTSUPP,
				    "AppArmor is not enabled: the policy interface is private "
				    "to another namespace; " NOT_ENABLED_HINT);
	case EPERM:
	case EACCES:
		return lsec_err_set(e, r, "cannot query AppArmor: %s", strerror(r));
	default:
		return lsec_err_set(e, EOPNOTSUPP,
				    "AppArmor is not enabled in this kernel; " NOT_ENABLED_HINT);
	}
}

/* ---- apparmor_parser -------------------------------------------------------- */

static int read_fd_all(int fd, char **ret, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size &&
	       (n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	*ret = buf;
	*len = got;
	return 0;
}

/* "AppArmor parser error for F in profile G at line N: MSG" -> FILE:LINE */
static int parser_error(const char *path, const char *display, char *out,
			struct lsec_err *e)
{
	char *line, *save = NULL;
	const char *first = NULL;

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *at, *in, *msg;
		unsigned long n;

		if (strstr(line, "Cache read/write disabled") ||
		    strstr(line, "Warning from") || !*line)
			continue;
		at = strstr(line, " at line ");
		in = strstr(line, " in profile ");
		if (at && (msg = strchr(at + 9, ':'))) {
			_cleanup_free_ char *file = NULL;

			n = strtoul(at + 9, NULL, 10);
			if (in && in < at)
				file = strndup(in + 12, (size_t)(at - in - 12));
			else
				file = strdup(path);
			if (!file)
				return -ENOMEM;
			return lsec_err_at(e, streq(file, path) ? display : file,
					   (unsigned)n, "apparmor_parser: %s",
					   msg + 1 + (msg[1] == ' '));
		}
		if (!first)
			first = line;
	}
	return lsec_err_input(e, "%s: apparmor_parser: %s", display,
			      first ? first : "compilation failed");
}

/* Rewrite "flags=(... complain ...)" on the given header lines (enforce). */
static char *strip_complain(const char *text)
{
	char *out = strdup(text), *p;

	if (!out)
		return NULL;
	for (p = out; (p = strstr(p, "flags=(")); p++) {
		char *close = strchr(p, ')'), *c;

		if (!close)
			break;
		while ((c = strstr(p, "complain")) && c < close) {
			char *q;

			memset(c, ' ', 8);
			/* and one separating comma, after or before */
			for (q = c + 8; q < close && *q == ' '; q++)
				;
			if (*q == ',')
				*q = ' ';
			else {
				for (q = c; q > p + 7 && q[-1] == ' '; q--)
					;
				if (q[-1] == ',')
					q[-1] = ' ';
			}
		}
		/* flags=(   ) is not valid: blank the whole thing */
		for (c = p + 7; c < close && (*c == ' ' || *c == ','); c++)
			;
		if (c == close)
			memset(p, ' ', (size_t)(close - p + 1));
	}
	return out;
}

int lsec_aa_compile(const struct lsec_aa_kernel *k, const char *path,
		    const char *mode, void **ret_blob, size_t *ret_len,
		    struct lsec_err *e)
{
	const char *parser = k && k->parser ? k->parser : "apparmor_parser";
	_cleanup_close_ int out = -1, err = -1, in = -1;
	_cleanup_free_ char *errtext = NULL, *blob = NULL, *procpath = NULL;
	const char *arg = path;
	size_t errlen = 0, len = 0;
	int status, r;
	pid_t pid;

	if (streq(mode, "enforce")) {
		/* apparmor_parser can force complain (-C) but not enforce:
		 * compile a copy whose flags no longer say complain. */
		_cleanup_free_ char *text = NULL, *copy = NULL;
		_cleanup_fclose_ FILE *f = fopen(path, "re");
		size_t cap = 0;
		ssize_t n;

		if (!f) {
			r = errno;
			lsec_err_set(e, r, "cannot open '%s': %s", path, strerror(r));
			e->input = true;
			return -r;
		}
		n = getdelim(&text, &cap, '\0', f);
		if (n < 0)
			return lsec_err_set(e, EIO, "cannot read '%s'", path);
		copy = strip_complain(text);
		in = memfd_create("lsec-enforce", MFD_CLOEXEC);
		if (!copy || in < 0 || write(in, copy, strlen(copy)) != (ssize_t)strlen(copy))
			return lsec_err_set(e, errno ? errno : EIO,
					    "cannot prepare '%s' for enforce mode", path);
		if (asprintf(&procpath, "/proc/self/fd/%d", in) < 0)
			return -ENOMEM;
		arg = procpath;
	}
	out = memfd_create("lsec-parser-out", MFD_CLOEXEC);
	err = memfd_create("lsec-parser-err", MFD_CLOEXEC);
	if (out < 0 || err < 0)
		return lsec_err_set(e, errno, "memfd_create: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return lsec_err_set(e, errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		const char *argv[8];
		int i = 0;

		argv[i++] = parser;
		argv[i++] = "-QT";
		argv[i++] = "-S";
		if (streq(mode, "complain"))
			argv[i++] = "-C";
		argv[i++] = arg;
		argv[i] = NULL;
		if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
			_exit(126);
		if (in >= 0)
			fcntl(in, F_SETFD, 0);
		execvp(parser, (char *const *)argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return lsec_err_set(e, errno, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return lsec_err_set(e, ENOENT,
				    "%s not found: install the 'apparmor' package", parser);
	r = read_fd_all(err, &errtext, &errlen);
	if (r < 0)
		return lsec_err_set(e, -r, "cannot read apparmor_parser's messages");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (procpath) {
			/* name the user's file, not /proc/self/fd/N */
			char *s;

			while ((s = strstr(errtext, procpath)))
				memset(s, ' ', strlen(procpath));
		}
		return parser_error(procpath ? "        " : path, path, errtext, e);
	}
	r = read_fd_all(out, &blob, &len);
	if (r < 0)
		return lsec_err_set(e, -r, "cannot read the compiled policy");
	if (ret_blob) {
		*ret_blob = TAKE_PTR(blob);
		*ret_len = len;
	}
	return 0;
}

/* ---- apparmorfs ------------------------------------------------------------- */

static int fs_path(const struct lsec_aa_kernel *k, const char *file, char **ret,
		   struct lsec_err *e)
{
	_cleanup_free_ char *mnt = NULL;

	if (k && k->fs)
		return asprintf(ret, "%s/%s", k->fs, file) < 0 ? -ENOMEM : 0;
	if (aa_find_mountpoint(&mnt) < 0)
		return lsec_err_set(e, EOPNOTSUPP,
				    "AppArmor is not enabled in this kernel; " NOT_ENABLED_HINT);
	return asprintf(ret, "%s/%s", mnt, file) < 0 ? -ENOMEM : 0;
}

void lsec_aa_loaded_free(struct lsec_aa_loaded *l, size_t n)
{
	size_t i;

	for (i = 0; l && i < n; i++) {
		free(l[i].name);
		free(l[i].mode);
	}
	free(l);
}

int lsec_aa_kernel_list(const struct lsec_aa_kernel *k,
			struct lsec_aa_loaded **ret, struct lsec_err *e)
{
	_cleanup_free_ char *path = NULL, *line = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	struct lsec_aa_loaded *v = NULL;
	size_t n = 0, cap = 0;
	int r;

	r = fs_path(k, "profiles", &path, e);
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f) {
		r = errno;
		if (r == ENOENT && k && k->fs) {
			*ret = NULL;
			return 0; /* an empty stand-in */
		}
		return lsec_err_set(e, r, "cannot read '%s': %s", path, strerror(r));
	}
	while (getline(&line, &cap, f) > 0) {
		char *open = strrchr(line, '('), *close = strrchr(line, ')');
		struct lsec_aa_loaded *nv;

		if (!open || !close || close < open || open == line)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			lsec_aa_loaded_free(v, n);
			return -ENOMEM;
		}
		v = nv;
		v[n].name = strndup(line, (size_t)(open - line - 1));
		v[n].mode = strndup(open + 1, (size_t)(close - open - 1));
		n++;
		if (!v[n - 1].name || !v[n - 1].mode) {
			lsec_aa_loaded_free(v, n);
			return -ENOMEM;
		}
	}
	*ret = v;
	return (int)n;
}

static const char *loaded_mode(const struct lsec_aa_loaded *l, size_t n,
			       const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(l[i].name, name))
			return l[i].mode;
	return NULL;
}

/* FNV-1a: a content tag for idempotent loads, not a security measure. */
static uint64_t digest(const void *p, size_t len, const char *mode)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	for (; mode && *mode; mode++)
		h = (h ^ (unsigned char)*mode) * 0x100000001b3ULL;
	return h;
}

static char *state_file(const struct lsec_aa_kernel *k, const char *name)
{
	const char *dir = k && k->state_dir ? k->state_dir : "/run/lsec/apparmor";
	char *path, *p;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	for (p = path + strlen(dir) + 1; *p; p++)
		if (*p == '/')
			*p = '!';
	return path;
}

static bool state_matches(const struct lsec_aa_kernel *k, const char *name,
			  uint64_t d)
{
	_cleanup_free_ char *path = state_file(k, name);
	_cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
	uint64_t got;

	return f && fscanf(f, "%" SCNx64, &got) == 1 && got == d;
}

static void mkdir_p(const char *dir)
{
	_cleanup_free_ char *d = strdup(dir);
	char *p;

	if (!d)
		return;
	for (p = d + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0755);
			*p = '/';
		}
	mkdir(d, 0755);
}

static void state_write(const struct lsec_aa_kernel *k, const char *name,
			uint64_t d)
{
	_cleanup_free_ char *path = state_file(k, name);
	FILE *f;

	if (!path)
		return;
	mkdir_p(k && k->state_dir ? k->state_dir : "/run/lsec/apparmor");
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "%016" PRIx64 "\n", d);
	fclose(f);
}

static int kernel_interface(const struct lsec_aa_kernel *k,
			    aa_kernel_interface **ki, struct lsec_err *e)
{
	aa_features *f = NULL;
	int r;

	if (k && k->fs) {
		/* The stand-in has no features: use the ones the parser uses. */
		_cleanup_free_ char *own = NULL;
		const char *feat;
		struct stat st;

		if (asprintf(&own, "%s/features", k->fs) < 0)
			return -ENOMEM;
		feat = stat(own, &st) == 0 ? own : "/usr/share/apparmor-features/features";
		if (aa_features_new(&f, AT_FDCWD, feat) < 0)
			return lsec_err_set(e, errno, "cannot read AppArmor features '%s': %s",
					    feat, strerror(errno));
	}
	r = aa_kernel_interface_new(ki, f, k ? k->fs : NULL);
	r = r < 0 ? errno : 0;
	aa_features_unref(f);
	if (r)
		return lsec_err_set(e, r == ENOENT ? EOPNOTSUPP : r,
				    "cannot open the AppArmor kernel interface: %s",
				    strerror(r));
	return 0;
}

/* Replace (blob) or remove (name) through the kernel interface. */
static int kernel_write(const struct lsec_aa_kernel *k, const void *blob,
			size_t len, const char *name, struct lsec_err *e)
{
	aa_kernel_interface *ki = NULL;
	int r;

	r = kernel_interface(k, &ki, e);
	if (r < 0)
		return r;
	r = name ? aa_kernel_interface_remove_policy(ki, name)
		 : aa_kernel_interface_replace_policy(ki, blob, len);
	r = r < 0 ? errno : 0;
	aa_kernel_interface_unref(ki);
	if (r && name)
		return lsec_err_set(e, r, "removing profile '%s' failed: %s", name,
				    strerror(r));
	if (r)
		return lsec_err_set(e, r, "loading the policy failed: %s", strerror(r));
	return 0;
}

int lsec_aa_kernel_replace(const struct lsec_aa_kernel *k, const void *blob,
			   size_t len, char *const *names, const char *mode,
			   bool dry_run, struct lsec_err *e)
{
	struct lsec_aa_loaded *l = NULL;
	uint64_t d = digest(blob, len, mode);
	bool same = true;
	int n, r;
	size_t i;

	n = lsec_aa_kernel_list(k, &l, e);
	if (n < 0)
		return n;
	for (i = 0; names[i]; i++) {
		const char *m = loaded_mode(l, (size_t)n, names[i]);

		if (!m || !streq(m, mode) || !state_matches(k, names[i], d))
			same = false;
	}
	lsec_aa_loaded_free(l, (size_t)n);
	if (same)
		return 0;
	if (dry_run)
		return 1;
	r = kernel_write(k, blob, len, NULL, e);
	if (r < 0)
		return r;
	for (i = 0; names[i]; i++)
		state_write(k, names[i], d);
	return 1;
}

int lsec_aa_kernel_remove(const struct lsec_aa_kernel *k, const char *name,
			  bool dry_run, struct lsec_err *e)
{
	struct lsec_aa_loaded *l = NULL;
	_cleanup_free_ char *sf = NULL;
	bool loaded;
	int n, r;

	n = lsec_aa_kernel_list(k, &l, e);
	if (n < 0)
		return n;
	loaded = loaded_mode(l, (size_t)n, name) != NULL;
	lsec_aa_loaded_free(l, (size_t)n);
	if (!loaded)
		return 0;
	if (dry_run)
		return 1;
	r = kernel_write(k, NULL, 0, name, e);
	if (r < 0)
		return r;
	sf = state_file(k, name);
	if (sf)
		unlink(sf);
	return 1;
}

int lsec_aa_change_onexec(const char *name, struct lsec_err *e)
{
	if (aa_change_onexec(name) < 0) {
		int r = errno;

		if (r == EINVAL || r == ENOENT)
			return lsec_err_set(e, EOPNOTSUPP,
					    "cannot enter profile '%s' on exec: AppArmor is "
					    "not enabled or the profile is not loaded (%s)",
					    name, strerror(r));
		return lsec_err_set(e, r, "cannot enter profile '%s' on exec: %s",
				    name, strerror(r));
	}
	return 0;
}
