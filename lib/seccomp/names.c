/* SPDX-License-Identifier: MIT */
/* Names: actions, syscall families, @groups, constants, architectures. */
#include "lsec/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

int lsec_sc_note(char ***notes, size_t *n, const char *fmt, ...)
{
	char **nn = realloc(*notes, (*n + 1) * sizeof(char *));
	va_list ap;
	int r;

	if (!nn)
		return -ENOMEM;
	*notes = nn;
	va_start(ap, fmt);
	r = vasprintf(&nn[*n], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* ---- actions ---- */

int lsec_sc_errno_parse(const char *s, int *ret)
{
	uint64_t v;
	int i;

	if (lsec_parse_u64(s, 4095, &v) == 0) {
		*ret = (int)v;
		return 0;
	}
	for (i = 1; i < 4096; i++) {
		const char *n = strerrorname_np(i);

		if (n && strcasecmp(n, s) == 0) {
			*ret = i;
			return 0;
		}
	}
	return -EINVAL;
}

int lsec_sc_action_parse(const char *s, struct lsec_sc_action *a,
			 struct lsec_err *e)
{
	static const struct {
		const char *name;
		enum lsec_sc_kind kind;
	} kinds[] = {
		{ "allow", LSEC_SC_ALLOW }, { "log", LSEC_SC_LOG },
		{ "trap", LSEC_SC_TRAP },   { "kill", LSEC_SC_KILL },
		{ "kill-process", LSEC_SC_KILL },
	};
	size_t i;

	if (strncmp(s, "errno", 5) == 0 && (s[5] == '\0' || s[5] == ':')) {
		a->kind = LSEC_SC_ERRNO;
		a->err = EPERM;
		if (s[5] == ':' && lsec_sc_errno_parse(s + 6, &a->err) < 0)
			return lsec_err_input(e,
					      "invalid errno '%s' in action '%s' "
					      "(expected a name such as EPERM or "
					      "a number 0-4095)",
					      s + 6, s);
		return 0;
	}
	for (i = 0; i < ELEMENTSOF(kinds); i++)
		if (streq(s, kinds[i].name)) {
			a->kind = kinds[i].kind;
			a->err = 0;
			return 0;
		}
	if (streq(s, "kill-thread"))
		return lsec_err_input(e, "action 'kill-thread' is not offered: "
					 "it leaves the process inconsistent; "
					 "use 'kill' (whole process)");
	return lsec_err_input(e,
			      "invalid action '%s' (expected errno[:NAME|NUMBER], "
			      "kill, trap, log or allow)",
			      s);
}

const char *lsec_sc_action_str(const struct lsec_sc_action *a, char *buf,
			       size_t n)
{
	static const char *const names[] = { "allow", "log", "errno", "trap",
					     "kill" };
	const char *en;

	if (a->kind != LSEC_SC_ERRNO) {
		snprintf(buf, n, "%s", names[a->kind]);
		return buf;
	}
	en = a->err ? strerrorname_np(a->err) : NULL;
	if (en)
		snprintf(buf, n, "errno:%s", en);
	else
		snprintf(buf, n, "errno:%d", a->err);
	return buf;
}

bool lsec_sc_action_eq(const struct lsec_sc_action *a,
		       const struct lsec_sc_action *b)
{
	return a->kind == b->kind && (a->kind != LSEC_SC_ERRNO || a->err == b->err);
}

/* ---- families: one operation, several kernel entry points ---- */

#define FAM(n, ...) { n, (const char *const[]){ __VA_ARGS__, NULL } }
const struct lsec_sc_family_def lsec_sc_families[] = {
	FAM("accept", "accept", "accept4"),
	FAM("access", "access", "faccessat", "faccessat2"),
	FAM("chdir", "chdir", "fchdir"),
	FAM("chmod", "chmod", "fchmod", "fchmodat"),
	FAM("chown", "chown", "fchown", "lchown", "fchownat", "chown32",
	    "fchown32", "lchown32"),
	FAM("clone", "clone", "clone3"),
	FAM("dup", "dup", "dup2", "dup3"),
	FAM("epoll_create", "epoll_create", "epoll_create1"),
	FAM("epoll_wait", "epoll_wait", "epoll_pwait", "epoll_pwait2"),
	FAM("eventfd", "eventfd", "eventfd2"),
	FAM("execve", "execve", "execveat"),
	FAM("fork", "fork", "vfork", "clone", "clone3"),
	FAM("getdents", "getdents", "getdents64", "readdir"),
	FAM("getxattr", "getxattr", "lgetxattr", "fgetxattr"),
	FAM("inotify_init", "inotify_init", "inotify_init1"),
	FAM("kill", "kill", "tkill", "tgkill", "pidfd_send_signal",
	    "rt_sigqueueinfo", "rt_tgsigqueueinfo"),
	FAM("link", "link", "linkat"),
	FAM("listxattr", "listxattr", "llistxattr", "flistxattr"),
	FAM("mkdir", "mkdir", "mkdirat"),
	FAM("mknod", "mknod", "mknodat"),
	FAM("mmap", "mmap", "mmap2"),
	FAM("mount", "mount", "fsopen", "fsconfig", "fsmount", "fspick",
	    "move_mount", "open_tree", "mount_setattr"),
	FAM("open", "open", "openat", "openat2", "creat", "open_by_handle_at"),
	FAM("pipe", "pipe", "pipe2"),
	FAM("poll", "poll", "ppoll", "ppoll_time64"),
	FAM("read", "read", "readv", "pread64", "preadv", "preadv2"),
	FAM("readlink", "readlink", "readlinkat"),
	FAM("recv", "recv", "recvfrom", "recvmsg", "recvmmsg",
	    "recvmmsg_time64"),
	FAM("removexattr", "removexattr", "lremovexattr", "fremovexattr"),
	FAM("rename", "rename", "renameat", "renameat2"),
	FAM("rmdir", "rmdir", "unlinkat"),
	FAM("select", "select", "_newselect", "pselect6", "pselect6_time64"),
	FAM("send", "send", "sendto", "sendmsg", "sendmmsg"),
	FAM("sendfile", "sendfile", "sendfile64"),
	FAM("setgid", "setgid", "setregid", "setresgid", "setfsgid", "setgid32",
	    "setregid32", "setresgid32", "setfsgid32"),
	FAM("setuid", "setuid", "setreuid", "setresuid", "setfsuid", "setuid32",
	    "setreuid32", "setresuid32", "setfsuid32"),
	FAM("setxattr", "setxattr", "lsetxattr", "fsetxattr"),
	FAM("sigaction", "rt_sigaction", "sigaction", "signal"),
	FAM("signalfd", "signalfd", "signalfd4"),
	FAM("stat", "stat", "lstat", "fstat", "newfstatat", "statx", "stat64",
	    "lstat64", "fstat64", "fstatat64", "oldstat", "oldlstat",
	    "oldfstat"),
	FAM("statfs", "statfs", "fstatfs", "statfs64", "fstatfs64"),
	FAM("symlink", "symlink", "symlinkat"),
	FAM("truncate", "truncate", "ftruncate", "truncate64", "ftruncate64"),
	FAM("umount", "umount", "umount2"),
	FAM("unlink", "unlink", "unlinkat"),
	FAM("utime", "utime", "utimes", "futimesat", "utimensat",
	    "utimensat_time64"),
	FAM("wait", "wait4", "waitid", "waitpid"),
	FAM("write", "write", "writev", "pwrite64", "pwritev", "pwritev2"),
	{ 0 }
};

const char *const *lsec_sc_family(const char *name)
{
	const struct lsec_sc_family_def *f;

	for (f = lsec_sc_families; f->name; f++)
		if (streq(f->name, name))
			return f->members;
	return NULL;
}

/* ---- groups: systemd's names where they overlap; sorted by name ---- */

const struct lsec_sc_group lsec_sc_groups[] = {
	{ "@aio", "asynchronous I/O (io_* and io_uring_*)",
	  "io_cancel io_destroy io_getevents io_pgetevents "
	  "io_pgetevents_time64 io_setup io_submit io_uring_enter "
	  "io_uring_register io_uring_setup" },
	{ "@basic-io", "read, write, seek and close file descriptors",
	  "_llseek close close_range dup dup2 dup3 lseek pread64 preadv "
	  "preadv2 pwrite64 pwritev pwritev2 read readv write writev" },
	{ "@chown", "change file ownership",
	  "chown chown32 fchown fchown32 fchownat lchown lchown32" },
	{ "@clock", "set the system clock",
	  "adjtimex clock_adjtime clock_adjtime64 clock_settime "
	  "clock_settime64 settimeofday stime" },
	{ "@cpu-emulation", "emulate other CPU modes (vm86, LDT)",
	  "modify_ldt subpage_prot switch_endian vm86 vm86old" },
	{ "@debug", "debug, trace and profile other processes",
	  "lookup_dcookie perf_event_open pidfd_getfd ptrace rtas "
	  "s390_runtime_instr sys_debug_setcontext" },
	{ "@default", "what every program needs (systemd always allows these)",
	  "arch_prctl brk cacheflush clock_getres clock_getres_time64 "
	  "clock_gettime clock_gettime64 clock_nanosleep "
	  "clock_nanosleep_time64 execve exit exit_group futex futex_time64 "
	  "get_robust_list get_thread_area getegid getegid32 geteuid "
	  "geteuid32 getgid getgid32 getgroups getgroups32 getpgid getpgrp "
	  "getpid getppid getrandom getresgid getresgid32 getresuid "
	  "getresuid32 getrlimit getsid gettid gettimeofday getuid getuid32 "
	  "membarrier mmap mmap2 munmap nanosleep pause prlimit64 "
	  "restart_syscall rseq rt_sigreturn sched_getaffinity sched_yield "
	  "set_robust_list set_thread_area set_tid_address set_tls sigreturn "
	  "time ugetrlimit" },
	{ "@file-system", "open, stat, create, rename and remove files",
	  "access chdir chmod close creat faccessat faccessat2 fallocate "
	  "fchdir fchmod fchmodat fcntl fcntl64 fgetxattr flistxattr "
	  "fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 "
	  "ftruncate ftruncate64 futimesat getcwd getdents getdents64 "
	  "getxattr inotify_add_watch inotify_init inotify_init1 "
	  "inotify_rm_watch lgetxattr link linkat listxattr llistxattr "
	  "lremovexattr lsetxattr lstat lstat64 mkdir mkdirat mknod mknodat "
	  "mmap mmap2 munmap newfstatat oldfstat oldlstat oldstat open openat "
	  "openat2 readlink readlinkat removexattr rename renameat renameat2 "
	  "rmdir setxattr stat stat64 statfs statfs64 statx symlink symlinkat "
	  "truncate truncate64 unlink unlinkat utime utimensat "
	  "utimensat_time64 utimes" },
	{ "@io-event", "wait for events on file descriptors (poll, epoll, select)",
	  "_newselect epoll_create epoll_create1 epoll_ctl epoll_ctl_old "
	  "epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 "
	  "poll ppoll ppoll_time64 pselect6 pselect6_time64 select" },
	{ "@ipc", "SysV IPC, POSIX message queues, pipes, cross-process memory",
	  "ipc memfd_create mq_getsetattr mq_notify mq_open mq_timedreceive "
	  "mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink "
	  "msgctl msgget msgrcv msgsnd pipe pipe2 process_madvise "
	  "process_vm_readv process_vm_writev semctl semget semop semtimedop "
	  "semtimedop_time64 shmat shmctl shmdt shmget" },
	{ "@keyring", "the kernel keyring", "add_key keyctl request_key" },
	{ "@memlock", "lock memory in RAM",
	  "mlock mlock2 mlockall munlock munlockall" },
	{ "@module", "load and unload kernel modules",
	  "delete_module finit_module init_module" },
	{ "@mount", "mount, unmount and change the root",
	  "chroot fsconfig fsmount fsopen fspick mount mount_setattr "
	  "move_mount open_tree pivot_root umount umount2" },
	{ "@network-io", "sockets: create, connect, send, receive",
	  "accept accept4 bind connect getpeername getsockname getsockopt "
	  "listen recv recvfrom recvmmsg recvmmsg_time64 recvmsg send "
	  "sendmmsg sendmsg sendto setsockopt shutdown socket socketcall "
	  "socketpair" },
	{ "@obsolete", "syscalls no current program should need",
	  "_sysctl afs_syscall bdflush break create_module ftime "
	  "get_kernel_syms getpmsg gtty idle lock mpx prof profil putpmsg "
	  "query_module security sgetmask ssetmask stty sysfs tuxcall "
	  "ugetrlimit ustat uselib vserver" },
	{ "@pkey", "memory protection keys",
	  "pkey_alloc pkey_free pkey_mprotect" },
	{ "@privileged", "what needs root: capabilities, identity, system state",
	  "@chown @clock @module @raw-io @reboot @swap _sysctl acct bpf capset "
	  "chroot fanotify_init fanotify_mark nfsservctl open_by_handle_at "
	  "pivot_root quotactl setdomainname setfsuid setfsuid32 setgroups "
	  "setgroups32 sethostname setresuid setresuid32 setreuid setreuid32 "
	  "setuid setuid32 vhangup" },
	{ "@process", "create, signal and wait for processes and threads",
	  "capget clone clone3 execveat fork getrusage kill pidfd_open "
	  "pidfd_send_signal prctl rt_sigqueueinfo rt_tgsigqueueinfo setns "
	  "swapcontext tgkill times tkill unshare vfork wait4 waitid waitpid" },
	{ "@raw-io", "raw port and PCI access",
	  "ioperm iopl pciconfig_iobase pciconfig_read pciconfig_write "
	  "s390_pci_mmio_read s390_pci_mmio_write" },
	{ "@reboot", "reboot and kexec", "kexec_file_load kexec_load reboot" },
	{ "@resources", "change scheduling, memory policy and resource limits",
	  "ioprio_set mbind migrate_pages move_pages nice sched_setaffinity "
	  "sched_setattr sched_setparam sched_setscheduler set_mempolicy "
	  "setpriority setrlimit" },
	{ "@sandbox", "sandbox a process further (seccomp, Landlock)",
	  "landlock_add_rule landlock_create_ruleset landlock_restrict_self "
	  "seccomp" },
	{ "@setuid", "change user and group identity",
	  "setgid setgid32 setgroups setgroups32 setregid setregid32 setresgid "
	  "setresgid32 setresuid setresuid32 setreuid setreuid32 setuid "
	  "setuid32" },
	{ "@signal", "signal handlers, masks and signalfd",
	  "rt_sigaction rt_sigpending rt_sigprocmask rt_sigsuspend "
	  "rt_sigtimedwait rt_sigtimedwait_time64 sigaction sigaltstack signal "
	  "signalfd signalfd4 sigpending sigprocmask sigsuspend" },
	{ "@swap", "enable and disable swap", "swapoff swapon" },
	{ "@sync", "flush files to disk",
	  "fdatasync fsync msync sync sync_file_range sync_file_range2 "
	  "syncfs" },
	{ "@system-service", "a reasonable allowlist for a system service",
	  "@aio @basic-io @chown @default @file-system @io-event @ipc "
	  "@keyring @memlock @network-io @process @resources @setuid @signal "
	  "@sync @timer capget capset copy_file_range fadvise64 fadvise64_64 "
	  "flock get_mempolicy getcpu getpriority ioctl ioprio_get kcmp "
	  "madvise mprotect mremap name_to_handle_at oldolduname olduname "
	  "personality readahead readdir remap_file_pages "
	  "sched_get_priority_max sched_get_priority_min sched_getattr "
	  "sched_getparam sched_getscheduler sched_rr_get_interval "
	  "sched_rr_get_interval_time64 sendfile sendfile64 setfsgid "
	  "setfsgid32 setfsuid setfsuid32 setpgid setsid splice sysinfo tee "
	  "umask uname userfaultfd vmsplice" },
	{ "@timer", "timers and alarms",
	  "alarm getitimer setitimer timer_create timer_delete "
	  "timer_getoverrun timer_gettime timer_gettime64 timer_settime "
	  "timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 "
	  "timerfd_settime timerfd_settime64 times" },
	{ 0 }
};

const struct lsec_sc_group *lsec_sc_group_find(const char *name)
{
	const struct lsec_sc_group *g;

	for (g = lsec_sc_groups; g->name; g++)
		if (streq(g->name, name))
			return g;
	return NULL;
}

static int group_walk(const struct lsec_sc_group *g,
		      int (*fn)(const char *name, void *ud), void *ud,
		      unsigned depth, struct lsec_err *e)
{
	const char *s = g->members;
	char w[LSEC_SC_NAME_MAX];
	int r;

	if (depth > 8)
		return lsec_err_set(e, ELOOP, "group %s nests too deep", g->name);
	while (*s) {
		size_t n = strcspn(s, " ");

		if (n > 0 && n < sizeof(w)) {
			memcpy(w, s, n);
			w[n] = '\0';
			if (w[0] == '@') {
				const struct lsec_sc_group *sub =
					lsec_sc_group_find(w);

				if (!sub)
					return lsec_err_set(e, EINVAL,
							    "group %s names "
							    "unknown group %s",
							    g->name, w);
				r = group_walk(sub, fn, ud, depth + 1, e);
			} else
				r = fn(w, ud);
			if (r < 0)
				return r;
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

int lsec_sc_group_each(const struct lsec_sc_group *g,
		       int (*fn)(const char *name, void *ud), void *ud,
		       struct lsec_err *e)
{
	return group_walk(g, fn, ud, 0, e);
}

bool lsec_sc_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

/* ---- named constants for argument conditions ---- */

#define C(x) { #x, (uint64_t)(x) }
static const struct {
	const char *name;
	uint64_t val;
} consts[] = {
	/* address families (socket arg0) */
	C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_INET6),
	C(AF_NETLINK), C(AF_PACKET), C(AF_BLUETOOTH), C(AF_VSOCK), C(AF_ALG),
	C(AF_CAN), C(AF_XDP), C(AF_KEY), C(AF_APPLETALK), C(AF_X25),
	C(AF_AX25), C(AF_TIPC), C(AF_RDS),
	/* socket types (socket arg1) */
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET),
	C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	/* clone / unshare flags */
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND),
	C(CLONE_THREAD), C(CLONE_NEWNS), C(CLONE_NEWCGROUP), C(CLONE_NEWUTS),
	C(CLONE_NEWIPC), C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET),
	C(CLONE_NEWTIME), C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_PTRACE),
	/* prctl options */
	C(PR_SET_SECCOMP), C(PR_GET_SECCOMP), C(PR_SET_NO_NEW_PRIVS),
	C(PR_GET_NO_NEW_PRIVS), C(PR_SET_DUMPABLE), C(PR_GET_DUMPABLE),
	C(PR_SET_NAME), C(PR_GET_NAME), C(PR_SET_PDEATHSIG), C(PR_CAPBSET_DROP),
	C(PR_SET_KEEPCAPS), C(PR_SET_PTRACER), C(PR_CAP_AMBIENT),
	C(PR_SET_MM), C(PR_SET_SECUREBITS),
	/* personality */
	C(PER_LINUX), C(PER_LINUX32), C(ADDR_NO_RANDOMIZE), C(READ_IMPLIES_EXEC),
	{ "UNAME26", 0x0020000 },
	/* ioctl requests */
	C(TIOCSTI), C(TIOCLINUX), C(TIOCSCTTY), C(TIOCGWINSZ), C(TIOCSWINSZ),
	C(FIONREAD), C(FIONBIO), C(FIOCLEX), C(TCGETS), C(TCSETS),
	/* mmap / mprotect */
	C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC), C(MAP_SHARED),
	C(MAP_PRIVATE), C(MAP_ANONYMOUS), C(MAP_FIXED),
	/* open flags */
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_TRUNC),
	C(O_APPEND), C(O_DIRECTORY), C(O_NOFOLLOW), C(O_PATH), C(O_TMPFILE),
	{ "AT_FDCWD", (uint32_t)AT_FDCWD },
};

bool lsec_sc_const(const char *name, uint64_t *val)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(consts); i++)
		if (streq(consts[i].name, name)) {
			*val = consts[i].val;
			return true;
		}
	return false;
}

const char *lsec_sc_const_name(const char *prefix, uint64_t val)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < ELEMENTSOF(consts); i++)
		if (strncmp(consts[i].name, prefix, n) == 0 &&
		    consts[i].val == val)
			return consts[i].name;
	return NULL;
}

/* ---- architectures ---- */

static const struct {
	const char *name;
	uint32_t arch;
} arch_names[] = {
	{ "x86_64", SCMP_ARCH_X86_64 }, { "x86", SCMP_ARCH_X86 },
	{ "i386", SCMP_ARCH_X86 },      { "x32", SCMP_ARCH_X32 },
	{ "aarch64", SCMP_ARCH_AARCH64 }, { "arm", SCMP_ARCH_ARM },
	{ "ppc64le", SCMP_ARCH_PPC64LE }, { "s390x", SCMP_ARCH_S390X },
	{ "s390", SCMP_ARCH_S390 },     { "riscv64", SCMP_ARCH_RISCV64 },
};

const char *lsec_sc_arch_name(uint32_t arch)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(arch_names); i++)
		if (arch_names[i].arch == arch)
			return arch_names[i].name;
	return "unknown";
}

int lsec_sc_arch_parse(const char *name, uint32_t *arch)
{
	size_t i;

	if (streq(name, "native")) {
		*arch = seccomp_arch_native();
		return 0;
	}
	for (i = 0; i < ELEMENTSOF(arch_names); i++)
		if (streq(arch_names[i].name, name)) {
			*arch = arch_names[i].arch;
			return 0;
		}
	return -EINVAL;
}

size_t lsec_sc_arches(uint32_t *arch, size_t max, bool native_only)
{
	uint32_t native = seccomp_arch_native();
	size_t n = 0;

	if (max < 3)
		return 0;
	arch[n++] = native;
	if (native_only)
		return n;
	/* The other ABIs a kernel for this CPU can run (compat). */
	if (native == SCMP_ARCH_X86_64) {
		arch[n++] = SCMP_ARCH_X86;
		arch[n++] = SCMP_ARCH_X32;
	} else if (native == SCMP_ARCH_AARCH64) {
		arch[n++] = SCMP_ARCH_ARM;
	} else if (native == SCMP_ARCH_S390X) {
		arch[n++] = SCMP_ARCH_S390;
	}
	return n;
}
