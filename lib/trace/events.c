/* SPDX-License-Identifier: MIT */
/*
 * Decoding one stopped system call: read its arguments from the tracee
 * (process_vm_readv), resolve paths the way the kernel will (through
 * /proc/TID/cwd and /proc/TID/fd/N, so the tracee's own cwd and dirfds and
 * every symlink are honoured), and record the access.
 */
#include "trace_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define PAGE 4096UL

static ssize_t read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(tid, &l, 1, &r, 1, 0);
}

/* Read a NUL-terminated string; chunks never cross a page the tracee may
 * not have mapped.  Returns its length or -errno. */
static ssize_t read_str(pid_t tid, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;

	if (!addr)
		return -EFAULT;
	while (got < size - 1) {
		size_t chunk = PAGE - ((addr + got) % PAGE);
		ssize_t n;
		char *nul;

		if (chunk > size - 1 - got)
			chunk = size - 1 - got;
		n = read_mem(tid, addr + got, buf + got, chunk);
		if (n <= 0)
			return -EFAULT;
		nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

enum { R_FOLLOW, R_NOFOLLOW };

struct resolved {
	uint32_t flags; /* LSEC_TF_DIR, LSEC_TF_CREATED */
	int uid;        /* file owner, -1 when it does not exist yet */
};

/* The fd's path as the kernel sees it; 0 when it names a file in the tree. */
static int fd_path(int fd, char *res, size_t n)
{
	char link[64];
	ssize_t k;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	k = readlink(link, res, n - 1);
	if (k < 0)
		return -errno;
	res[k] = '\0';
	if (res[0] != '/' || (size_t)k == n - 1)
		return -EINVAL;
	return 0;
}

static int stat_into(int fd, struct resolved *rv)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	rv->uid = (int)st.st_uid;
	if (S_ISDIR(st.st_mode))
		rv->flags |= LSEC_TF_DIR;
	return 0;
}

static int resolve_fast(struct trace_state *s, pid_t tid, int dirfd,
			const char *path, int mode, bool create,
			struct resolved *rv);

/*
 * Resolve path (relative to dirfd of tid) into s->res.  mode says whether
 * the last component is followed; create allows it not to exist (then the
 * parent is resolved and the name appended).
 */
static int resolve(struct trace_state *s, pid_t tid, int dirfd, const char *path,
		   int mode, bool create, struct resolved *rv)
{
	char *full = s->buf2, *slash, *base;
	_cleanup_close_ int fd = -1;
	size_t len;
	int r;

	rv->flags = 0;
	rv->uid = -1;
	r = resolve_fast(s, tid, dirfd, path, mode, create, rv);
	if (r <= 0)
		return r;
	rv->flags = 0;
	rv->uid = -1;
	if (path[0] == '/')
		len = (size_t)snprintf(full, sizeof(s->buf2), "%s", path);
	else if (dirfd == AT_FDCWD)
		len = (size_t)snprintf(full, sizeof(s->buf2), "/proc/%d/cwd%s%s",
				       tid, path[0] ? "/" : "", path);
	else
		len = (size_t)snprintf(full, sizeof(s->buf2), "/proc/%d/fd/%d%s%s",
				       tid, dirfd, path[0] ? "/" : "", path);
	if (len >= sizeof(s->buf2))
		return -ENAMETOOLONG;
	fd = open(full, O_PATH | O_CLOEXEC | (mode == R_NOFOLLOW ? O_NOFOLLOW : 0));
	if (fd >= 0) {
		r = fd_path(fd, s->res, sizeof(s->res));
		if (r < 0)
			return r;
		return stat_into(fd, rv);
	}
	if (errno != ENOENT || !create)
		return -errno;
	/* Does not exist (yet): resolve the directory, append the name. */
	while (len > 1 && full[len - 1] == '/')
		full[--len] = '\0';
	slash = strrchr(full, '/');
	if (!slash)
		return -EINVAL;
	base = slash + 1;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EINVAL;
	*slash = '\0';
	fd = open(slash == full ? "/" : full, O_PATH | O_DIRECTORY | O_CLOEXEC);
	*slash = '/';
	if (fd < 0)
		return -errno;
	r = fd_path(fd, s->res, sizeof(s->res));
	if (r < 0)
		return r;
	len = strlen(s->res);
	if (len + 1 + strlen(base) + 1 > sizeof(s->res))
		return -ENAMETOOLONG;
	if (len > 1)
		s->res[len++] = '/';
	strcpy(s->res + len, base);
	rv->flags |= LSEC_TF_CREATED;
	return 0;
}

/* ---- fast path: cached directories + one lstat --------------------------- */

void lsec_trace_dircache_free(struct trace_state *s)
{
	size_t i;

	for (i = 0; i < s->dirs.size; i++) {
		free(s->dirs.key[i]);
		free(s->dirs.val[i]);
	}
	free(s->dirs.key);
	free(s->dirs.val);
	memset(&s->dirs, 0, sizeof(s->dirs));
}

static const char *dircache_get(struct trace_state *s, const char *dir)
{
	struct dircache *c = &s->dirs;
	size_t k;

	if (!c->size)
		return NULL;
	for (k = lsec_trace_strhash(dir) & (c->size - 1); c->key[k];
	     k = (k + 1) & (c->size - 1))
		if (strcmp(c->key[k], dir) == 0)
			return c->val[k];
	return NULL;
}

static void dircache_put(struct trace_state *s, const char *dir, const char *res)
{
	struct dircache *c = &s->dirs;
	size_t k;

	if ((c->used + 1) * 2 > c->size) {
		struct dircache n = { 0 };
		size_t i;

		n.size = c->size ? c->size * 2 : 256;
		n.key = calloc(n.size, sizeof(char *));
		n.val = calloc(n.size, sizeof(char *));
		if (!n.key || !n.val) {
			free(n.key);
			free(n.val);
			return;
		}
		for (i = 0; i < c->size; i++) {
			if (!c->key[i])
				continue;
			for (k = lsec_trace_strhash(c->key[i]) & (n.size - 1); n.key[k];
			     k = (k + 1) & (n.size - 1))
				;
			n.key[k] = c->key[i];
			n.val[k] = c->val[i];
		}
		n.used = c->used;
		free(c->key);
		free(c->val);
		*c = n;
	}
	for (k = lsec_trace_strhash(dir) & (c->size - 1); c->key[k];
	     k = (k + 1) & (c->size - 1))
		;
	c->key[k] = strdup(dir);
	c->val[k] = strdup(res);
	if (!c->key[k] || !c->val[k]) {
		free(c->key[k]);
		free(c->val[k]);
		c->key[k] = c->val[k] = NULL;
		return;
	}
	c->used++;
}

/* A path that needs no lexical care: absolute, no "." / ".." / "//"
 * components, no trailing slash. */
static bool plain_path(const char *p)
{
	const char *c;

	if (p[0] != '/' || !p[1] || p[strlen(p) - 1] == '/')
		return false;
	for (c = p; (c = strchr(c, '/')); c++) {
		if (c[1] == '/' || (c[1] == '.' && (c[2] == '/' || !c[2])) ||
		    (c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3])))
			return false;
	}
	return true;
}

/*
 * Resolve through the directory cache: the directory part once per run,
 * then one lstat of the name.  Returns 1 when the caller must take the
 * slow (exact) path: a symlink to follow, something unusual.
 */
static int resolve_fast(struct trace_state *s, pid_t tid, int dirfd,
			const char *path, int mode, bool create,
			struct resolved *rv)
{
	char *abs = s->buf2, *slash;
	const char *dres;
	size_t len, dlen;
	struct stat st;

	if (path[0] == '/') {
		len = strlen(path);
		if (len >= sizeof(s->buf2))
			return 1;
		memcpy(abs, path, len + 1);
	} else {
		char link[64];
		ssize_t k;

		if (!path[0])
			return 1;
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, dirfd);
		k = readlink(link, abs, PATH_MAX);
		if (k <= 0 || abs[0] != '/')
			return 1;
		len = (size_t)k;
		if (len + 1 + strlen(path) + 1 > sizeof(s->buf2))
			return 1;
		if (len > 1)
			abs[len++] = '/';
		strcpy(abs + len, path);
	}
	if (!plain_path(abs))
		return 1;
	slash = strrchr(abs, '/');
	*slash = '\0';
	dres = dircache_get(s, slash == abs ? "/" : abs);
	if (!dres) {
		_cleanup_close_ int fd = open(slash == abs ? "/" : abs,
					      O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || fd_path(fd, s->res, sizeof(s->res)) < 0)
			return 1;
		dircache_put(s, slash == abs ? "/" : abs, s->res);
		dres = dircache_get(s, slash == abs ? "/" : abs);
		if (!dres)
			return 1;
	}
	dlen = strlen(dres);
	if (dlen + 1 + strlen(slash + 1) + 1 > sizeof(s->res))
		return 1;
	memmove(s->res, dres, dlen + 1);
	if (dlen > 1)
		s->res[dlen++] = '/';
	strcpy(s->res + dlen, slash + 1);
	*slash = '/';
	if (lstat(s->res, &st) < 0) {
		if (errno != ENOENT)
			return 1;
		if (!create)
			return -ENOENT;
		rv->flags |= LSEC_TF_CREATED;
		return 0;
	}
	if (S_ISLNK(st.st_mode) && mode != R_NOFOLLOW)
		return 1;
	rv->uid = (int)st.st_uid;
	if (S_ISDIR(st.st_mode))
		rv->flags |= LSEC_TF_DIR;
	return 0;
}

/* The task's fsuid, read once per task (and again after exec/setuid). */
static int task_uid(struct trace_state *s, struct trace_task *tk)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;

	if (tk->uid >= 0)
		return tk->uid;
	snprintf(path, sizeof(path), "/proc/%d/status", tk->tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned ru, eu, su, fsu;

		if (sscanf(line, "Uid: %u %u %u %u", &ru, &eu, &su, &fsu) == 4) {
			tk->uid = (int)fsu;
			break;
		}
	}
	return tk->uid;
}

int lsec_trace_task_exe(struct trace_state *s, struct trace_task *tk)
{
	char link[64];
	ssize_t k;
	int r;

	if (tk->exe >= 0)
		return tk->exe;
	snprintf(link, sizeof(link), "/proc/%d/exe", tk->tid);
	k = readlink(link, s->res, sizeof(s->res) - 1);
	if (k < 0)
		strcpy(s->res, "?");
	else
		s->res[k] = '\0';
	r = lsec_trace_exe_get(s->t, s->res);
	if (r < 0) {
		s->err = r;
		return r;
	}
	tk->exe = r;
	return r;
}

static void add_file(struct trace_state *s, struct trace_task *tk,
		     const char *path, uint32_t perms, const struct resolved *rv)
{
	uint32_t flags = rv->flags;
	int exe, uid, r;

	/* s->res may be reused by task_exe: copy the path aside first. */
	if (path == s->res) {
		size_t n = strlen(path) + 1;

		memcpy(s->buf, path, n);
		path = s->buf;
	}
	exe = lsec_trace_task_exe(s, tk);
	if (exe < 0)
		return;
	uid = task_uid(s, tk);
	if (uid == 0)
		flags |= LSEC_TF_ROOTUID;
	if ((rv->flags & LSEC_TF_CREATED) || (uid >= 0 && rv->uid == uid))
		flags |= LSEC_TF_OWNED;
	r = lsec_trace_add_file(s->t, exe, path, perms, flags);
	if (r < 0)
		s->err = r;
}

static void add_cap(struct trace_state *s, struct trace_task *tk, int cap)
{
	int exe = lsec_trace_task_exe(s, tk);

	if (exe >= 0)
		s->t->exes[exe].caps |= 1ULL << cap;
}

/* A path argument: read, resolve, record.  0 when recorded (the resolved
 * path is then in s->buf). */
static int path_op(struct trace_state *s, struct trace_task *tk, int dirfd,
		    uint64_t addr, int mode, bool create, uint32_t perms,
		    uint32_t extra_flags, bool empty_ok)
{
	struct resolved rv;

	if (read_str(tk->tid, addr, s->buf, sizeof(s->buf)) < 0)
		return -EFAULT;
	if (!s->buf[0] && !empty_ok)
		return -ENOENT;
	if (resolve(s, tk->tid, dirfd, s->buf, mode, create, &rv) < 0)
		return -ENOENT;
	if (rv.flags & LSEC_TF_CREATED)
		perms |= LSEC_PERM_W;
	rv.flags |= extra_flags;
	add_file(s, tk, s->res, perms, &rv);
	return 0;
}

static void fd_op(struct trace_state *s, struct trace_task *tk, int fd,
		  uint32_t perms)
{
	char link[64];
	struct resolved rv = { 0, -1 };
	struct stat st;
	ssize_t k;

	if (fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", tk->tid, fd);
	k = readlink(link, s->res, sizeof(s->res) - 1);
	if (k <= 0)
		return;
	s->res[k] = '\0';
	if (s->res[0] != '/')
		return; /* pipe:, socket:, anon_inode: */
	if (stat(link, &st) == 0) {
		rv.uid = (int)st.st_uid;
		if (S_ISDIR(st.st_mode))
			rv.flags |= LSEC_TF_DIR;
	}
	add_file(s, tk, s->res, perms, &rv);
}

static uint32_t open_perms(uint64_t flags)
{
	uint32_t p = 0;

	switch (flags & O_ACCMODE) {
	case O_RDONLY: p = LSEC_PERM_R; break;
	case O_WRONLY: p = LSEC_PERM_W; break;
	default: p = LSEC_PERM_R | LSEC_PERM_W; break;
	}
	if ((flags & O_APPEND) && (p & LSEC_PERM_W))
		p = (p & ~LSEC_PERM_W) | LSEC_PERM_A;
	if (flags & O_TRUNC)
		p |= LSEC_PERM_W;
	return p;
}

static void open_op(struct trace_state *s, struct trace_task *tk, int dirfd,
		    uint64_t addr, uint64_t flags)
{
	bool create = flags & O_CREAT;
	int mode = (flags & O_NOFOLLOW) || (create && (flags & O_EXCL))
			   ? R_NOFOLLOW : R_FOLLOW;

	if (flags & O_PATH)
		return; /* not mediated */
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		path_op(s, tk, dirfd, addr, R_FOLLOW, false, LSEC_PERM_W,
			0, false);
		return;
	}
	path_op(s, tk, dirfd, addr, mode, create, open_perms(flags), 0, false);
}

static void chown_cap(struct trace_state *s, struct trace_task *tk,
		      uint64_t uid, uint64_t gid)
{
	int me = task_uid(s, tk);

	if (((uint32_t)uid != (uint32_t)-1 && (int)(uint32_t)uid != me) ||
	    ((uint32_t)gid != (uint32_t)-1 && me == 0))
		add_cap(s, tk, CAP_CHOWN);
}

static void sock_addr(struct trace_state *s, struct trace_task *tk, int op,
		      uint64_t addr, uint64_t len)
{
	struct sockaddr_storage ss;
	struct lsec_trace_addr a = { .op = op, .port = -1 };
	ssize_t n;
	int exe;

	memset(&ss, 0, sizeof(ss));
	if (!addr || len < sizeof(sa_family_t))
		return;
	if (len > sizeof(ss))
		len = sizeof(ss);
	n = read_mem(tk->tid, addr, &ss, (size_t)len);
	if (n < (ssize_t)sizeof(sa_family_t))
		return;
	a.family = ss.ss_family;
	if (ss.ss_family == AF_INET && n >= (ssize_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, a.addr, sizeof(a.addr));
		a.port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6 &&
		   n >= (ssize_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a.addr, sizeof(a.addr));
		a.port = ntohs(in6->sin6_port);
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		size_t plen = (size_t)n - offsetof(struct sockaddr_un, sun_path);

		if (plen == 0)
			return; /* autobind */
		if (un->sun_path[0] == '\0') {
			size_t k = plen - 1 < sizeof(a.addr) - 2 ? plen - 1
								: sizeof(a.addr) - 2;

			a.addr[0] = '@';
			memcpy(a.addr + 1, un->sun_path + 1, k);
			a.addr[k + 1] = '\0';
		} else {
			struct resolved rv;

			if (plen >= sizeof(un->sun_path))
				plen = sizeof(un->sun_path) - 1;
			un->sun_path[plen] = '\0';
			{
				size_t k = strnlen(un->sun_path, sizeof(un->sun_path));

				if (k > sizeof(a.addr) - 1)
					k = sizeof(a.addr) - 1;

				memcpy(a.addr, un->sun_path, k);
				a.addr[k] = '\0';
			}
			if (resolve(s, tk->tid, AT_FDCWD, un->sun_path,
				    R_NOFOLLOW, op == LSEC_TRACE_BIND, &rv) == 0)
				add_file(s, tk, s->res,
					 op == LSEC_TRACE_BIND ? LSEC_PERM_W
							       : LSEC_PERM_R | LSEC_PERM_W,
					 &rv);
		}
	} else {
		return;
	}
	if (op == LSEC_TRACE_BIND && a.port > 0 && a.port < 1024)
		add_cap(s, tk, CAP_NET_BIND_SERVICE);
	exe = lsec_trace_task_exe(s, tk);
	if (exe >= 0 && lsec_trace_add_addr(s->t, exe, &a) < 0)
		s->err = -ENOMEM;
}

void lsec_trace_on_syscall(struct trace_state *s, struct trace_task *tk,
			   const struct __ptrace_syscall_info *si)
{
	const struct trace_sysdef *d;
	struct lsec_trace_sysset *set;
	const uint64_t *a = si->entry.args; /* same layout for seccomp stops */
	uint64_t nr = si->entry.nr;
	struct trace_arch *ar = NULL;
	unsigned idx;

	if (si->arch == s->arch[0].arch)
		ar = &s->arch[0];
	else if (s->arch[1].op && si->arch == s->arch[1].arch)
		ar = &s->arch[1];
	if (nr < LSEC_TRACE_MAX_NR) {
		set = lsec_trace_sysset_get(s->t, si->arch);
		if (set)
			set->bits[nr / 64] |= 1ULL << (nr % 64);
	}
	/* sandbox trace */
	if (s->o->on_syscall)
		s->o->on_syscall(si->arch, nr, a, s->o->userdata);
	if (s->o->flags & LSEC_TRACE_SYSCALLS_ONLY)
		return;
	if (!ar || nr >= LSEC_TRACE_MAX_NR || !(idx = ar->op[nr]))
		return;
	d = &lsec_trace_sysdefs[idx - 1];
	switch (d->op) {
	case OP_OPEN:
		open_op(s, tk, AT_FDCWD, a[0], a[1]);
		break;
	case OP_OPENAT:
		open_op(s, tk, (int)a[0], a[1], a[2]);
		break;
	case OP_OPENAT2: {
		struct open_how how;

		if (a[3] < sizeof(how.flags) ||
		    read_mem(tk->tid, a[2], &how, sizeof(how.flags)) !=
			    sizeof(how.flags))
			break;
		open_op(s, tk, (int)a[0], a[1], how.flags);
		break;
	}
	case OP_CREAT:
		open_op(s, tk, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC);
		break;
	case OP_EXECVE:
	case OP_EXECVEAT: {
		bool at = d->op == OP_EXECVEAT;
		int flags = at ? (int)a[4] : 0;

		free(tk->exec_path);
		tk->exec_path = NULL;
		if (path_op(s, tk, at ? (int)a[0] : AT_FDCWD, at ? a[1] : a[0],
			    (flags & AT_SYMLINK_NOFOLLOW) ? R_NOFOLLOW : R_FOLLOW,
			    false, LSEC_PERM_X, 0,
			    at && (flags & AT_EMPTY_PATH)) == 0)
			tk->exec_path = strdup(s->buf);
		break;
	}
	case OP_UNLINK:
		path_op(s, tk, AT_FDCWD, a[0], R_NOFOLLOW, false, LSEC_PERM_W, 0, false);
		break;
	case OP_UNLINKAT:
		path_op(s, tk, (int)a[0], a[1], R_NOFOLLOW, false, LSEC_PERM_W, 0, false);
		break;
	case OP_RMDIR:
		path_op(s, tk, AT_FDCWD, a[0], R_NOFOLLOW, false, LSEC_PERM_W, 0, false);
		break;
	case OP_RENAME:
		path_op(s, tk, AT_FDCWD, a[0], R_NOFOLLOW, false,
			LSEC_PERM_R | LSEC_PERM_W, 0, false);
		path_op(s, tk, AT_FDCWD, a[1], R_NOFOLLOW, true, LSEC_PERM_W, 0, false);
		break;
	case OP_RENAMEAT:
		path_op(s, tk, (int)a[0], a[1], R_NOFOLLOW, false,
			LSEC_PERM_R | LSEC_PERM_W, 0, false);
		path_op(s, tk, (int)a[2], a[3], R_NOFOLLOW, true, LSEC_PERM_W, 0, false);
		break;
	case OP_LINK:
		path_op(s, tk, AT_FDCWD, a[1], R_NOFOLLOW, true, LSEC_PERM_L, 0, false);
		break;
	case OP_LINKAT:
		path_op(s, tk, (int)a[2], a[3], R_NOFOLLOW, true, LSEC_PERM_L, 0, false);
		break;
	case OP_SYMLINK:
		path_op(s, tk, AT_FDCWD, a[1], R_NOFOLLOW, true, LSEC_PERM_W, 0, false);
		break;
	case OP_SYMLINKAT:
		path_op(s, tk, (int)a[1], a[2], R_NOFOLLOW, true, LSEC_PERM_W, 0, false);
		break;
	case OP_MKDIR:
		path_op(s, tk, AT_FDCWD, a[0], R_NOFOLLOW, true, LSEC_PERM_W,
			LSEC_TF_DIR, false);
		break;
	case OP_MKDIRAT:
		path_op(s, tk, (int)a[0], a[1], R_NOFOLLOW, true, LSEC_PERM_W,
			LSEC_TF_DIR, false);
		break;
	case OP_MKNOD:
	case OP_MKNODAT: {
		bool at = d->op == OP_MKNODAT;
		mode_t m = (mode_t)(at ? a[2] : a[1]);

		if (S_ISCHR(m) || S_ISBLK(m))
			add_cap(s, tk, CAP_MKNOD);
		path_op(s, tk, at ? (int)a[0] : AT_FDCWD, at ? a[1] : a[0],
			R_NOFOLLOW, true, LSEC_PERM_W, 0, false);
		break;
	}
	case OP_TRUNCATE:
	case OP_CHMOD:
		path_op(s, tk, AT_FDCWD, a[0], R_FOLLOW, false, LSEC_PERM_W, 0, false);
		break;
	case OP_FCHMODAT:
		path_op(s, tk, (int)a[0], a[1], R_FOLLOW, false, LSEC_PERM_W, 0, false);
		break;
	case OP_CHOWN:
	case OP_LCHOWN:
		chown_cap(s, tk, a[1], a[2]);
		path_op(s, tk, AT_FDCWD, a[0],
			d->op == OP_CHOWN ? R_FOLLOW : R_NOFOLLOW, false,
			LSEC_PERM_W, 0, false);
		break;
	case OP_FCHOWNAT:
		chown_cap(s, tk, a[2], a[3]);
		path_op(s, tk, (int)a[0], a[1],
			((int)a[4] & AT_SYMLINK_NOFOLLOW) ? R_NOFOLLOW : R_FOLLOW,
			false, LSEC_PERM_W, 0, ((int)a[4] & AT_EMPTY_PATH) != 0);
		break;
	case OP_FCHOWN:
		chown_cap(s, tk, a[1], a[2]);
		fd_op(s, tk, (int)a[0], LSEC_PERM_W);
		break;
	case OP_MMAP:
		if ((a[2] & PROT_EXEC) && !(a[3] & MAP_ANONYMOUS))
			fd_op(s, tk, (int)a[4], LSEC_PERM_M);
		break;
	case OP_FLOCK:
		fd_op(s, tk, (int)a[0], LSEC_PERM_K);
		break;
	case OP_FCNTL:
		switch ((int)a[1]) {
		case F_SETLK: case F_SETLKW: case F_OFD_SETLK:
		case F_OFD_SETLKW: case 13: case 14:
			fd_op(s, tk, (int)a[0], LSEC_PERM_K);
		}
		break;
	case OP_SOCKET: {
		int family = (int)a[0], type = (int)a[1] & 0xf;
		int exe = lsec_trace_task_exe(s, tk);

		if (exe >= 0 && lsec_trace_add_sock(s->t, exe, family, type,
						    (int)a[2]) < 0)
			s->err = -ENOMEM;
		if (type == SOCK_RAW || type == SOCK_PACKET ||
		    family == AF_PACKET) {
			if (family == AF_INET || family == AF_INET6 ||
			    family == AF_PACKET)
				add_cap(s, tk, CAP_NET_RAW);
		}
		break;
	}
	case OP_BIND:
		sock_addr(s, tk, LSEC_TRACE_BIND, a[1], a[2]);
		break;
	case OP_CONNECT:
		sock_addr(s, tk, LSEC_TRACE_CONNECT, a[1], a[2]);
		break;
	case OP_SETPRIO:
		if ((int)a[2] < 0)
			add_cap(s, tk, CAP_SYS_NICE);
		break;
	case OP_CHROOT:
		add_cap(s, tk, CAP_SYS_CHROOT);
		break;
	case OP_CAP:
		add_cap(s, tk, d->cap);
		if (d->cap == CAP_SETUID || d->cap == CAP_SETGID)
			tk->uid = -1; /* may change: read again */
		break;
	}
}

void lsec_trace_on_exec(struct trace_state *s, struct trace_task *tk,
			char *exec_path)
{
	char real[PATH_MAX + 8], interp[PATH_MAX];
	struct resolved rv = { 0, -1 };
	char link[64];
	ssize_t k;
	int exe;

	snprintf(link, sizeof(link), "/proc/%d/exe", tk->tid);
	k = readlink(link, real, sizeof(real) - 1);
	if (k < 0)
		k = 0;
	real[k] = '\0';
	/* The profile is keyed by what was executed: a script's own path. */
	tk->exe = -1;
	tk->uid = -1;
	exe = lsec_trace_exe_get(s->t, exec_path ? exec_path : real[0] ? real : "?");
	if (exe < 0) {
		s->err = exe;
		return;
	}
	tk->exe = exe;
	if (!real[0])
		return;
	if (exec_path && strcmp(exec_path, real) != 0)
		add_file(s, tk, exec_path, LSEC_PERM_R, &rv);
	add_file(s, tk, real, LSEC_PERM_M | LSEC_PERM_R, &rv);
	if (lsec_elf_interp(real, interp, sizeof(interp)) == 0) {
		struct resolved ri;

		if (resolve(s, tk->tid, AT_FDCWD, interp, R_FOLLOW, false, &ri) == 0)
			add_file(s, tk, s->res, LSEC_PERM_M | LSEC_PERM_R, &ri);
	}
}
