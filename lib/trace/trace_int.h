/* SPDX-License-Identifier: MIT */
/* Internals of lib/trace shared by its files; not a public header. */
#ifndef LSEC_TRACE_INT_H
#define LSEC_TRACE_INT_H

#include <limits.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lsec/cleanup.h"
#include "lsec/trace.h"

enum trace_op {
	OP_NONE,
	OP_OPEN,      /* path0 flags1 */
	OP_OPENAT,    /* dirfd0 path1 flags2 */
	OP_OPENAT2,   /* dirfd0 path1 how2 */
	OP_CREAT,     /* path0 */
	OP_EXECVE,    /* path0 */
	OP_EXECVEAT,  /* dirfd0 path1 ... flags4 */
	OP_UNLINK,    /* path0 */
	OP_UNLINKAT,  /* dirfd0 path1 flags2 */
	OP_RMDIR,     /* path0 */
	OP_RENAME,    /* old0 new1 */
	OP_RENAMEAT,  /* d0 old1 d2 new3 */
	OP_LINK,      /* old0 new1 */
	OP_LINKAT,    /* d0 old1 d2 new3 */
	OP_SYMLINK,   /* target0 new1 */
	OP_SYMLINKAT, /* target0 d1 new2 */
	OP_MKDIR,     /* path0 */
	OP_MKDIRAT,   /* d0 path1 */
	OP_MKNOD,     /* path0 mode1 */
	OP_MKNODAT,   /* d0 path1 mode2 */
	OP_TRUNCATE,  /* path0 */
	OP_CHMOD,     /* path0 */
	OP_FCHMODAT,  /* d0 path1 */
	OP_CHOWN,     /* path0 uid1 gid2 (follows) */
	OP_LCHOWN,    /* path0 uid1 gid2 */
	OP_FCHOWNAT,  /* d0 path1 uid2 gid3 flags4 */
	OP_FCHOWN,    /* fd0 uid1 gid2 */
	OP_MMAP,      /* prot2 fd4 (PROT_EXEC only, filtered) */
	OP_FLOCK,     /* fd0 */
	OP_FCNTL,     /* fd0 cmd1 (lock commands only, filtered) */
	OP_SOCKET,    /* family0 type1 proto2 */
	OP_BIND,      /* fd0 addr1 len2 */
	OP_CONNECT,   /* fd0 addr1 len2 */
	OP_CAP,       /* needs the capability in sysdef.cap */
	OP_SETPRIO,   /* which0 who1 prio2: sys_nice when prio < 0 */
	OP_CHROOT,    /* path0: sys_chroot + the directory */
};

struct trace_sysdef {
	const char *name;
	uint8_t op;
	int8_t cap; /* OP_CAP */
};

extern const struct trace_sysdef lsec_trace_sysdefs[];
extern const size_t lsec_trace_nsysdefs;

struct trace_task {
	pid_t tid;
	int exe;        /* index in t->exes; -1 unknown */
	int uid;        /* fsuid, -1 unknown */
	char *exec_path; /* resolved path of the last execve, or NULL */
	bool detaching; /* interrupted, detach at the next stop */
	bool live;
};

struct trace_arch {
	uint32_t arch;
	uint8_t *op; /* nr -> index in sysdefs + 1 (0: not interesting) */
};

struct trace_state {
	struct lsec_trace *t;
	const struct lsec_trace_opts *o;
	struct lsec_err *e;
	bool use_syscall; /* PTRACE_SYSCALL rather than the filter */
	struct trace_task *tasks;
	size_t ntasks_alloc; /* power of two, open addressing on tid */
	size_t nlive;
	struct trace_arch arch[2];
	char buf[PATH_MAX * 2 + 64];   /* tracee path */
	char buf2[PATH_MAX * 2 + 64];  /* second path / scratch */
	char res[PATH_MAX + 8];        /* resolved path */
	int err;                       /* first fatal error (ENOMEM) */
	/* raw directory -> resolved directory, so most paths cost one lstat */
	struct dircache {
		char **key, **val;
		size_t size, used;
	} dirs;
};

void lsec_trace_dircache_free(struct trace_state *s);

/* record.c */
uint64_t lsec_trace_strhash(const char *s);
struct lsec_trace_file *lsec_trace_file_find(struct lsec_trace_exe *x,
					     const char *path);
int lsec_trace_add_sock(struct lsec_trace *t, int exe, int family, int type,
			int protocol);
int lsec_trace_add_addr(struct lsec_trace *t, int exe,
			const struct lsec_trace_addr *a);
struct lsec_trace_sysset *lsec_trace_sysset_get(struct lsec_trace *t,
						uint32_t arch);

/* syscalls.c */
scmp_filter_ctx lsec_trace_filter_new(bool all);
int lsec_trace_arch_init(struct trace_state *s);
void lsec_trace_arch_free(struct trace_state *s);

/* events.c */
struct __ptrace_syscall_info;
void lsec_trace_on_syscall(struct trace_state *s, struct trace_task *tk,
			   const struct __ptrace_syscall_info *si);
void lsec_trace_on_exec(struct trace_state *s, struct trace_task *tk,
			char *exec_path);
int lsec_trace_task_exe(struct trace_state *s, struct trace_task *tk);

#endif
