/* SPDX-License-Identifier: MIT */
/*
 * The ptrace recorder shared by `lsec profile gen` and `lsec sandbox trace`.
 *
 * lsec_trace_run() starts a program (or attaches to a running process and
 * all its threads), follows every thread and child (fork, vfork, clone,
 * exec) and records, per executable:
 *   - the files it opened, created, removed, renamed, linked, executed or
 *     mapped executable, with the access requested (LSEC_PERM_*), as
 *     absolute paths resolved the way the kernel resolved them (relative to
 *     the task's cwd or dirfd, symlinks followed except where the system
 *     call does not follow them);
 *   - the sockets it created (family, type, protocol) and the addresses it
 *     bound or connected to;
 *   - the capabilities its operations needed (CAP_* bit mask);
 * and, per architecture, the set of system calls seen.
 *
 * Modes.  By default the started program gets a seccomp filter returning
 * SECCOMP_RET_TRACE for the calls the recorder needs only (as strace
 * --seccomp-bpf), so it stops only there.  LSEC_TRACE_ALL_SYSCALLS makes the
 * filter trace every call, so that the syscall sets are complete.  Attached
 * processes cannot be given a filter, and a filter left behind after
 * detaching would make every traced call fail with ENOSYS, so --attach and
 * `detach` use PTRACE_SYSCALL instead (every call stops twice: slower, but
 * nothing remains in the process afterwards).
 *
 * The run ends when every traced task is gone, when duration_ms elapses, or
 * on SIGINT/SIGTERM/SIGHUP to the caller (blocked and waited for during the
 * run, restored afterwards).  Then a started program is sent SIGTERM (and
 * SIGKILL after grace_ms) unless `detach`; attached processes are detached
 * and keep running.  No task is left in a ptrace stop.
 */
#ifndef LSEC_TRACE_H
#define LSEC_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lsec/err.h"

/* File access, in AppArmor's terms. */
enum {
	LSEC_PERM_R = 1 << 0, /* read */
	LSEC_PERM_W = 1 << 1, /* write, create, delete, setattr */
	LSEC_PERM_A = 1 << 2, /* append */
	LSEC_PERM_L = 1 << 3, /* link */
	LSEC_PERM_K = 1 << 4, /* lock */
	LSEC_PERM_M = 1 << 5, /* mmap PROT_EXEC */
	LSEC_PERM_X = 1 << 6, /* execute */
};

/* struct lsec_trace_file.flags */
enum {
	LSEC_TF_DIR = 1 << 0,     /* a directory: written with a trailing '/' */
	LSEC_TF_OWNED = 1 << 1,   /* owned by the process's fsuid when seen */
	LSEC_TF_CREATED = 1 << 2, /* created by the program */
	LSEC_TF_ROOTUID = 1 << 3, /* the process's fsuid was 0 */
};

struct lsec_trace_file {
	char *path; /* absolute, resolved; raw bytes (any but NUL) */
	uint32_t perms;
	uint32_t flags;
};

struct lsec_trace_sock {
	int family, type, protocol; /* type without SOCK_NONBLOCK/CLOEXEC */
};

enum { LSEC_TRACE_BIND = 1, LSEC_TRACE_CONNECT = 2 };

struct lsec_trace_addr {
	int op; /* LSEC_TRACE_BIND or LSEC_TRACE_CONNECT */
	int family;
	char addr[112]; /* numeric address, or a unix socket path ("@x" = abstract) */
	int port;       /* -1 when not applicable */
};

struct lsec_trace_hash; /* internal index */

struct lsec_trace_exe {
	char *path; /* the executable (resolved /proc/PID/exe) */
	struct lsec_trace_file *files;
	size_t nfiles, afiles;
	struct lsec_trace_hash *index;
	struct lsec_trace_sock *socks;
	size_t nsocks;
	struct lsec_trace_addr *addrs;
	size_t naddrs;
	uint64_t caps; /* 1 << CAP_xxx */
};

#define LSEC_TRACE_MAX_NR 1024
struct lsec_trace_sysset {
	uint32_t arch; /* AUDIT_ARCH_* */
	uint64_t bits[LSEC_TRACE_MAX_NR / 64];
};

enum {
	LSEC_TRACE_ALL_SYSCALLS = 1 << 0, /* stop on (and record) every call */
	LSEC_TRACE_DETACH = 1 << 1,       /* leave a started program running */
	LSEC_TRACE_NO_SIGNALS = 1 << 2,   /* do not stop on SIGINT/TERM/HUP */
	/* sandbox trace: record the syscall sets (and call on_syscall) only,
	 * no file/socket/capability decoding */
	LSEC_TRACE_SYSCALLS_ONLY = 1 << 3,
};

struct lsec_trace_opts {
	char *const *argv; /* program to start (argv[0] as given); or NULL */
	pid_t attach_pid;  /* or a running process to attach to */
	uint64_t duration_ms; /* 0: until the program ends or a signal */
	unsigned grace_ms;    /* SIGTERM -> SIGKILL delay; 0: 3000 */
	unsigned flags;
	int stdout_fd; /* >= 0: the started program's stdout (e.g. 2) */
	/* sandbox trace: optional, called at every system call the recorder
	 * stops on, with its AUDIT_ARCH_*, number and entry arguments */
	void (*on_syscall)(uint32_t arch, uint64_t nr, const uint64_t args[6],
			   void *userdata);
	void *userdata;
};

struct lsec_trace {
	struct lsec_trace_exe *exes;
	size_t nexes;
	struct lsec_trace_sysset sys[4];
	size_t nsys;
	/* outcome */
	pid_t pid;       /* the started or attached process */
	int status;      /* wait status of a started program, if it ended */
	bool exited;     /* status is valid */
	bool stopped_by_signal; /* SIGINT/TERM/HUP ended the run */
	bool timed_out;  /* duration_ms elapsed */
	uint64_t events; /* stops handled, for the curious */
	long *pids;      /* every traced task id, sorted, unique */
	size_t npids;
};

/*
 * Resolve a program name as execvp would (PATH search when it has no '/').
 * Returns 0 and a malloc'ed path, -ENOENT (not found) or -EACCES (found but
 * not executable), with e filled.
 */
int lsec_trace_find_program(const char *name, char **ret, struct lsec_err *e);

/* Run the trace.  t must be zeroed; free it with lsec_trace_free().  Fails
 * with -ENOENT/-EACCES (as lsec_trace_find_program) before starting
 * anything, -ESRCH when the pid does not exist, -EPERM when ptrace is not
 * allowed. */
int lsec_trace_run(const struct lsec_trace_opts *o, struct lsec_trace *t,
		   struct lsec_err *e);
void lsec_trace_free(struct lsec_trace *t);

/* Record into t by hand (for the ELF reader and tests): add perms to path
 * in the executable's table (created if new).  Returns the exe index. */
int lsec_trace_exe_get(struct lsec_trace *t, const char *exe_path);
int lsec_trace_add_file(struct lsec_trace *t, int exe, const char *path,
			uint32_t perms, uint32_t flags);

/* The syscall names seen for an architecture set, sorted by number; calls
 * fn(name, nr, arch, userdata) for each. */
void lsec_trace_syscalls_each(const struct lsec_trace_sysset *s,
			      void (*fn)(const char *name, int nr, uint32_t arch,
					 void *userdata),
			      void *userdata);

/*
 * ELF: the program interpreter (PT_INTERP) of an executable, and the shared
 * libraries it needs (DT_NEEDED, recursively, resolved through DT_RUNPATH,
 * /etc/ld.so.conf and the standard directories as ld.so would), for a
 * profile written without running the program.  fn gets each resolved
 * library path once.  Return 0, -ENOENT when there is none, -ENOEXEC when
 * the file is not ELF.
 */
int lsec_elf_interp(const char *path, char *buf, size_t size);
int lsec_elf_libs(const char *path, int (*fn)(const char *lib, void *userdata),
		  void *userdata, struct lsec_err *e);

#endif
