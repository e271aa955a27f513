/* SPDX-License-Identifier: MIT */
/*
 * The system calls the recorder stops on, the seccomp filter that makes the
 * kernel stop only there, and the per-architecture number -> call map.
 */
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/mman.h>

#define C(name, op) { name, op, -1 }
#define CAP(name, cap) { name, OP_CAP, cap }

const struct trace_sysdef lsec_trace_sysdefs[] = {
	C("open", OP_OPEN),
	C("openat", OP_OPENAT),
	C("openat2", OP_OPENAT2),
	C("creat", OP_CREAT),
	C("execve", OP_EXECVE),
	C("execveat", OP_EXECVEAT),
	C("unlink", OP_UNLINK),
	C("unlinkat", OP_UNLINKAT),
	C("rmdir", OP_RMDIR),
	C("rename", OP_RENAME),
	C("renameat", OP_RENAMEAT),
	C("renameat2", OP_RENAMEAT),
	C("link", OP_LINK),
	C("linkat", OP_LINKAT),
	C("symlink", OP_SYMLINK),
	C("symlinkat", OP_SYMLINKAT),
	C("mkdir", OP_MKDIR),
	C("mkdirat", OP_MKDIRAT),
	C("mknod", OP_MKNOD),
	C("mknodat", OP_MKNODAT),
	C("truncate", OP_TRUNCATE),
	C("truncate64", OP_TRUNCATE),
	C("chmod", OP_CHMOD),
	C("fchmodat", OP_FCHMODAT),
	C("chown", OP_CHOWN),
	C("chown32", OP_CHOWN),
	C("lchown", OP_LCHOWN),
	C("lchown32", OP_LCHOWN),
	C("fchownat", OP_FCHOWNAT),
	C("fchown", OP_FCHOWN),
	C("fchown32", OP_FCHOWN),
	C("mmap", OP_MMAP),
	C("mmap2", OP_MMAP),
	C("flock", OP_FLOCK),
	C("fcntl", OP_FCNTL),
	C("fcntl64", OP_FCNTL),
	C("socket", OP_SOCKET),
	C("bind", OP_BIND),
	C("connect", OP_CONNECT),
	C("setpriority", OP_SETPRIO),
	C("chroot", OP_CHROOT),
	CAP("setuid", CAP_SETUID),
	CAP("setuid32", CAP_SETUID),
	CAP("setreuid", CAP_SETUID),
	CAP("setreuid32", CAP_SETUID),
	CAP("setresuid", CAP_SETUID),
	CAP("setresuid32", CAP_SETUID),
	CAP("setfsuid", CAP_SETUID),
	CAP("setfsuid32", CAP_SETUID),
	CAP("setgid", CAP_SETGID),
	CAP("setgid32", CAP_SETGID),
	CAP("setregid", CAP_SETGID),
	CAP("setregid32", CAP_SETGID),
	CAP("setresgid", CAP_SETGID),
	CAP("setresgid32", CAP_SETGID),
	CAP("setfsgid", CAP_SETGID),
	CAP("setfsgid32", CAP_SETGID),
	CAP("setgroups", CAP_SETGID),
	CAP("setgroups32", CAP_SETGID),
	CAP("mount", CAP_SYS_ADMIN),
	CAP("umount2", CAP_SYS_ADMIN),
	CAP("umount", CAP_SYS_ADMIN),
	CAP("pivot_root", CAP_SYS_ADMIN),
	CAP("sethostname", CAP_SYS_ADMIN),
	CAP("setdomainname", CAP_SYS_ADMIN),
	CAP("swapon", CAP_SYS_ADMIN),
	CAP("swapoff", CAP_SYS_ADMIN),
	CAP("fsopen", CAP_SYS_ADMIN),
	CAP("fsmount", CAP_SYS_ADMIN),
	CAP("move_mount", CAP_SYS_ADMIN),
	CAP("open_tree", CAP_SYS_ADMIN),
	CAP("setns", CAP_SYS_ADMIN),
	CAP("reboot", CAP_SYS_BOOT),
	CAP("init_module", CAP_SYS_MODULE),
	CAP("finit_module", CAP_SYS_MODULE),
	CAP("delete_module", CAP_SYS_MODULE),
	CAP("settimeofday", CAP_SYS_TIME),
	CAP("clock_settime", CAP_SYS_TIME),
	CAP("adjtimex", CAP_SYS_TIME),
	CAP("clock_adjtime", CAP_SYS_TIME),
	CAP("iopl", CAP_SYS_RAWIO),
	CAP("ioperm", CAP_SYS_RAWIO),
	CAP("acct", CAP_SYS_PACCT),
	CAP("syslog", CAP_SYSLOG),
	CAP("bpf", CAP_BPF),
};
const size_t lsec_trace_nsysdefs = ELEMENTSOF(lsec_trace_sysdefs);

scmp_filter_ctx lsec_trace_filter_new(bool all)
{
	scmp_filter_ctx ctx;
	size_t i;

	ctx = seccomp_init(all ? SCMP_ACT_TRACE(0) : SCMP_ACT_ALLOW);
	if (!ctx)
		return NULL;
	/* Architectures we do not decode run untraced rather than die. */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (all)
		return ctx;
	for (i = 0; i < lsec_trace_nsysdefs; i++) {
		const struct trace_sysdef *d = &lsec_trace_sysdefs[i];
		int nr = seccomp_syscall_resolve_name(d->name);

		if (nr == __NR_SCMP_ERROR)
			continue;
		if (d->op == OP_MMAP) {
			seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 1,
					 SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC,
						 PROT_EXEC));
		} else if (d->op == OP_FCNTL) {
			static const int cmds[] = { F_SETLK, F_SETLKW,
						    F_OFD_SETLK, F_OFD_SETLKW,
						    13, 14 /* i386 F_SETLK64 */ };
			size_t k;

			for (k = 0; k < ELEMENTSOF(cmds); k++)
				seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 1,
						 SCMP_A1(SCMP_CMP_EQ,
							 (scmp_datum_t)cmds[k]));
		} else {
			seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
		}
	}
	return ctx;
}

int lsec_trace_arch_init(struct trace_state *s)
{
	uint32_t archs[2] = { seccomp_arch_native(), 0 };
	size_t a, i;

	if (archs[0] == SCMP_ARCH_X86_64)
		archs[1] = SCMP_ARCH_X86;
	for (a = 0; a < 2 && archs[a]; a++) {
		s->arch[a].arch = archs[a];
		s->arch[a].op = calloc(LSEC_TRACE_MAX_NR, 1);
		if (!s->arch[a].op)
			return -ENOMEM;
		for (i = 0; i < lsec_trace_nsysdefs; i++) {
			int nr = seccomp_syscall_resolve_name_arch(
				archs[a], lsec_trace_sysdefs[i].name);

			if (nr >= 0 && nr < LSEC_TRACE_MAX_NR)
				s->arch[a].op[nr] = (uint8_t)(i + 1);
		}
	}
	return 0;
}

void lsec_trace_arch_free(struct trace_state *s)
{
	free(s->arch[0].op);
	free(s->arch[1].op);
}
