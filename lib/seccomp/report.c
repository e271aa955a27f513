/* SPDX-License-Identifier: MIT */
/*
 * lsec sandbox run --report: say which call was refused, as it happens,
 * without an audit daemon.
 *
 * The filter is built with the deny actions turned into SECCOMP_RET_TRACE,
 * the intended action in the 16 data bits (kind << 12 | errno).  lsec
 * ptraces the program (PTRACE_O_TRACESECCOMP); at each seccomp stop it reads
 * the call (PTRACE_GET_SYSCALL_INFO: arch, number, data), reports it and
 * then does what the policy said:
 *   errno  skip the call (number -1) with -errno in the return register
 *   kill   SIGKILL to the whole process (the kernel's KILL_PROCESS cannot
 *          be raised by a tracer; lsec reports 128+SIGSYS for its program)
 *   log    let the call run
 * Trap stays SECCOMP_RET_TRAP: the SIGSYS is reported at its delivery stop
 * and delivered.  If lsec goes away, the kernel fails traced calls with
 * ENOSYS: the program is never allowed more than the policy says.
 */
#include "lsec/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif
#ifndef PTRACE_EVENT_SECCOMP
#define PTRACE_EVENT_SECCOMP 7
#endif

#define DATA(kind, err) (((uint32_t)(kind) << 12) | ((uint32_t)(err) & 0xfff))

bool lsec_sc_report_supported(void)
{
#if defined(__x86_64__)
	return true;
#else
	return false;
#endif
}

uint32_t lsec_sc_report_act(const struct lsec_sc_action *a)
{
	switch (a->kind) {
	case LSEC_SC_ALLOW:
		return SCMP_ACT_ALLOW;
	case LSEC_SC_TRAP:
		return SCMP_ACT_TRAP;
	case LSEC_SC_LOG:
	case LSEC_SC_ERRNO:
	case LSEC_SC_KILL:
		break;
	}
	return SCMP_ACT_TRACE(DATA(a->kind, a->kind == LSEC_SC_ERRNO ? a->err : 0));
}

/* Make the stopped call fail with -err without running it. */
static void fail_call(pid_t tid, int err)
{
#if defined(__x86_64__)
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0)
		return;
	regs.orig_rax = (unsigned long long)-1LL;
	regs.rax = (unsigned long long)(long long)-err;
	ptrace(PTRACE_SETREGS, tid, 0, &regs);
#else
	/* lsec_sc_report_supported() is false: never reached; fail closed */
	(void)err;
	kill(tid, SIGKILL);
#endif
}

/* Thread group and program name of a task. */
static void task_info(pid_t tid, struct lsec_sc_refusal *r)
{
	char path[64], line[128];
	_cleanup_fclose_ FILE *f = NULL;
	ssize_t n;
	int fd;

	r->tid = tid;
	r->pid = tid;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &r->pid) == 1)
			break;
	snprintf(path, sizeof(path), "/proc/%d/comm", r->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, r->comm, sizeof(r->comm) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	r->comm[n] = '\0';
	r->comm[strcspn(r->comm, "\n")] = '\0';
	if (!r->comm[0])
		snprintf(r->comm, sizeof(r->comm), "?");
}

static void name_of(struct lsec_sc_refusal *r)
{
	char *n = seccomp_syscall_resolve_num_arch(r->arch, r->nr);

	snprintf(r->name, sizeof(r->name), "%s", n ? n : "?");
	free(n);
}

static void tell(const struct lsec_sc_run_opts *o, struct lsec_sc_refusal *r,
		 pid_t tid, int main_pid)
{
	task_info(tid, r);
	r->main = r->pid == main_pid;
	name_of(r);
	if (o->on_refusal)
		o->on_refusal(r, o->ud);
}

int lsec_sc_report_stop(int pid, int status, int main_pid,
			const struct lsec_sc_run_opts *o)
{
	int event = (int)((unsigned)status >> 16), sig = WSTOPSIG(status);
	struct lsec_sc_refusal r = { 0 };

	if (event == PTRACE_EVENT_SECCOMP) {
		struct __ptrace_syscall_info si;
		unsigned data;

		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(si), &si) <= 0 ||
		    si.op != PTRACE_SYSCALL_INFO_SECCOMP) {
			/* cannot say what it is: refuse it */
			fail_call(pid, ENOSYS);
			ptrace(PTRACE_CONT, pid, 0, 0);
			return 1;
		}
		data = si.seccomp.ret_data;
		r.nr = (int)si.seccomp.nr;
		r.arch = si.arch;
		r.act.kind = (enum lsec_sc_kind)(data >> 12);
		r.act.err = (int)(data & 0xfff);
		if (r.act.kind != LSEC_SC_LOG && r.act.kind != LSEC_SC_ERRNO &&
		    r.act.kind != LSEC_SC_KILL)
			r.act = (struct lsec_sc_action){ LSEC_SC_ERRNO, ENOSYS };
		tell(o, &r, pid, main_pid);
		switch (r.act.kind) {
		case LSEC_SC_KILL:
			/* the task stays in its stop until SIGKILL ends it */
			kill(r.pid, SIGKILL);
			return 1;
		case LSEC_SC_ERRNO:
			fail_call(pid, r.act.err);
			break;
		default:
			break;
		}
		ptrace(PTRACE_CONT, pid, 0, 0);
		return 1;
	}
	if (event == 0 && sig == SIGSYS) {
		siginfo_t si;

		if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0 ||
		    si.si_code != SYS_SECCOMP)
			return 0;
		r.nr = si.si_syscall;
		r.arch = si.si_arch;
		r.act.kind = LSEC_SC_TRAP;
		tell(o, &r, pid, main_pid);
		ptrace(PTRACE_CONT, pid, 0, (void *)(long)SIGSYS);
		return 1;
	}
	return 0;
}

/* ---- names ---- */

const char *lsec_sc_family_of(const char *name)
{
	const struct lsec_sc_family_def *f;
	const char *first = NULL;

	for (f = lsec_sc_families; f->name; f++)
		for (const char *const *m = f->members; *m; m++)
			if (streq(*m, name)) {
				if (streq(f->name, name))
					return f->name;
				if (!first)
					first = f->name;
			}
	return first;
}

static bool lists(const char *members, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = members; (s = strstr(s, name)); s += n)
		if ((s == members || s[-1] == ' ') && (s[n] == ' ' || !s[n]))
			return true;
	return false;
}

const char *lsec_sc_group_of(const char *name)
{
	const struct lsec_sc_group *g;
	int pass;

	/* a group of its own kind first, umbrella groups (that include
	 * other groups) only when no other lists it */
	for (pass = 0; pass < 2; pass++)
		for (g = lsec_sc_groups; g->name; g++)
			if ((strchr(g->members, '@') != NULL) == (pass == 1) &&
			    lists(g->members, name))
				return g->name;
	return NULL;
}

void lsec_sc_refusal_str(const struct lsec_sc_refusal *r, char *buf, size_t n)
{
	const char *fam = lsec_sc_family_of(r->name), *grp = lsec_sc_group_of(r->name);
	char what[80] = "";
	size_t len;

	if (fam && grp)
		snprintf(what, sizeof(what), " (family %s, group %s)", fam, grp);
	else if (fam || grp)
		snprintf(what, sizeof(what), " (%s %s)", fam ? "family" : "group",
			 fam ? fam : grp);
	len = (size_t)snprintf(buf, n, "%s %s(%d) [%s]%s in pid %d (%s)",
			       r->act.kind == LSEC_SC_LOG ? "logged" : "refused",
			       r->name, r->nr, lsec_sc_arch_name(r->arch), what,
			       r->pid, r->comm);
	if (len >= n)
		return;
	if (r->act.kind == LSEC_SC_KILL)
		snprintf(buf + len, n - len, ": killed the process");
	else if (r->act.kind == LSEC_SC_TRAP)
		snprintf(buf + len, n - len, ": SIGSYS (trap)");
	else if (r->act.kind == LSEC_SC_LOG)
		snprintf(buf + len, n - len, ": allowed (log)");
}

/* ---- distinct refusals ---- */

int lsec_sc_report_add(struct lsec_sc_report *rep, const struct lsec_sc_refusal *r)
{
	size_t i;

	rep->total++;
	for (i = 0; i < rep->n; i++) {
		const struct lsec_sc_refusal *o = &rep->v[i];

		if (o->arch == r->arch && o->nr == r->nr &&
		    lsec_sc_action_eq(&o->act, &r->act) && streq(o->comm, r->comm)) {
			rep->count[i]++;
			return 0;
		}
	}
	if (rep->n == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 16;
		struct lsec_sc_refusal *nv = realloc(rep->v, cap * sizeof(*nv));
		unsigned long *nc;

		if (!nv)
			return -ENOMEM;
		rep->v = nv;
		nc = realloc(rep->count, cap * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		rep->count = nc;
		rep->cap = cap;
	}
	rep->v[rep->n] = *r;
	rep->count[rep->n++] = 1;
	return 1;
}

void lsec_sc_report_free(struct lsec_sc_report *rep)
{
	if (!rep)
		return;
	free(rep->v);
	free(rep->count);
	memset(rep, 0, sizeof(*rep));
}
