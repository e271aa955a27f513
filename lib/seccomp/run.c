/* SPDX-License-Identifier: MIT */
/*
 * Run a program under the filter.  The parent forks; the child loads the
 * filter(s) and execs.  SECCOMP_RET_TRAP raises SIGSYS in the program, and a
 * handler installed by lsec could not survive execve, so to say which
 * syscall trapped the parent ptraces the program (PTRACE_SEIZE, following
 * forks) and reads si_syscall/si_arch from the SIGSYS it is about to
 * deliver; the signal is then delivered unchanged.  Without trap actions
 * there is no tracing at all.
 */
#include "lsec/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* execvp's search, done before the filter exists so that "not found" and
 * "not executable" are reported as 127 and 126. */
static int find_program(const char *cmd, char *out, size_t n)
{
	const char *path = getenv("PATH");
	int saw_eacces = 0;

	if (strchr(cmd, '/')) {
		snprintf(out, n, "%s", cmd);
		return access(cmd, X_OK) == 0 ? 0 : -errno;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		struct stat st;

		snprintf(out, n, "%.*s%s%s", (int)len, path, len ? "/" : "", cmd);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			saw_eacces = 1;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	return saw_eacces ? -EACCES : -ENOENT;
}

/* The one piece of process-wide state: the child a forwarded SIGTERM/SIGHUP
 * goes to, set only while lsec_sc_run waits. */
static volatile pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* Compile ctx to a BPF program in memory, once, in the parent: the child
 * then only makes the seccomp(2) call (seccomp_load would compile again). */
static int compile(void *ctx, struct sock_fprog *prog)
{
	struct stat st;
	int fd, r;

	fd = memfd_create("lsec-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r >= 0 && fstat(fd, &st) < 0)
		r = -errno;
	if (r >= 0 && (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
		       st.st_size / sizeof(struct sock_filter) > 0xffff))
		r = -E2BIG;
	if (r >= 0) {
		prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
		prog->filter = malloc((size_t)st.st_size);
		if (!prog->filter)
			r = -ENOMEM;
		else if (pread(fd, prog->filter, (size_t)st.st_size, 0) != st.st_size)
			r = -EIO;
	}
	close(fd);
	return r < 0 ? r : 0;
}

static bool seen_pid(pid_t **v, size_t *n, pid_t pid)
{
	pid_t *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i] == pid)
			return true;
	nv = realloc(*v, (*n + 1) * sizeof(pid_t));
	if (nv) {
		*v = nv;
		(*v)[(*n)++] = pid;
	}
	return false;
}

static void trace_loop(pid_t main_pid, const struct lsec_sc_run_opts *o,
		       struct lsec_sc_run_result *res)
{
	_cleanup_free_ pid_t *started = NULL;
	size_t nstarted = 0;

	seen_pid(&started, &nstarted, main_pid);
	for (;;) {
		int st, sig, event;
		pid_t pid = waitpid(-1, &st, __WALL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == main_pid) {
				res->status = st;
				return;
			}
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		/* --report: refused calls (report.c) */
		if (o->on_refusal && lsec_sc_report_stop(pid, st, main_pid, o) > 0)
			continue;
		sig = WSTOPSIG(st);
		event = (unsigned)st >> 16;
		if (event == PTRACE_EVENT_STOP) {
			/* a new child's first stop: let it run;
			 * group-stop: stay stopped until SIGCONT */
			if (seen_pid(&started, &nstarted, pid) &&
			    (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
			     sig == SIGTTOU))
				ptrace(PTRACE_LISTEN, pid, 0, 0);
			else
				ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		if (event) { /* fork/vfork/clone */
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		if (sig == SIGSYS) {
			siginfo_t si;

			if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0 &&
			    si.si_code == SYS_SECCOMP) {
				struct lsec_sc_trap t = { .pid = pid,
							  .nr = si.si_syscall,
							  .arch = si.si_arch };
				char *n = seccomp_syscall_resolve_num_arch(t.arch,
									   t.nr);

				snprintf(t.name, sizeof(t.name), "%s", n ? n : "?");
				free(n);
				res->ntraps++;
				if (o->on_trap)
					o->on_trap(&t, o->ud);
			}
		}
		ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
	}
}

int lsec_sc_run(const struct lsec_sc_filter *f, char *const argv[],
		const struct lsec_sc_run_opts *o, struct lsec_sc_run_result *res,
		struct lsec_err *e)
{
	void *ctx[2] = { NULL, NULL };
	struct sock_fprog progs[2] = { { 0 }, { 0 } };
	char path[PATH_MAX];
	int sync[2] = { -1, -1 }, rep[2] = { -1, -1 };
	struct sigaction sa = { 0 }, old_int, old_quit, old_term, old_hup;
	struct lsec_sc_action ex;
	int r, nctx, child_err = 0, report_err = 0;
	ssize_t got;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	r = find_program(argv[0], path, sizeof(path));
	if (r < 0)
		return lsec_err_set(e, -r, "%s: %s", argv[0],
				    r == -ENOENT ? "command not found" : strerror(-r));
	ex = lsec_sc_filter_action(f, "execve");
	if (ex.kind != LSEC_SC_ALLOW && ex.kind != LSEC_SC_LOG)
		return lsec_err_input(e,
				      "the policy does not allow execve, so "
				      "'%s' cannot be started under it (allow "
				      "execve, e.g. through @default)",
				      argv[0]);
	nctx = lsec_sc_build(f, ctx, e);
	if (nctx < 0)
		return nctx;
	for (int i = 0; i < nctx; i++) {
		r = compile(ctx[i], &progs[i]);
		if (r < 0) {
			lsec_err_set(e, -r, "cannot compile the filter: %s",
				     strerror(-r));
			goto out;
		}
	}
	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(sync, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0) {
		char c;
		int i;

		close(rep[0]);
		close(sync[1]);
		/* wait until the parent has attached (or decided not to) */
		if (read(sync[0], &c, 1) != 1)
			_exit(LSEC_EXIT_RUN_FAIL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		if (f->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			int err = errno;

			if (write(rep[1], &err, sizeof(err)) < 0)
				_exit(LSEC_EXIT_RUN_FAIL);
			_exit(LSEC_EXIT_RUN_FAIL);
		}
		/* refine (default allow) first: once the main filter is in,
		 * seccomp(2) itself may be denied */
		for (i = nctx - 1; i >= 0; i--) {
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				    f->log ? SECCOMP_FILTER_FLAG_LOG : 0,
				    &progs[i]) < 0) {
				int err = errno;

				if (write(rep[1], &err, sizeof(err)) < 0)
					_exit(LSEC_EXIT_RUN_FAIL);
				_exit(LSEC_EXIT_RUN_FAIL);
			}
		}
		execv(path, argv);
		/* the filter may deny what follows: the exit code says it */
		_exit(errno == ENOENT ? LSEC_EXIT_RUN_NOTFOUND : LSEC_EXIT_RUN_NOEXEC);
	}
	close(rep[1]);
	rep[1] = -1;
	close(sync[0]);
	sync[0] = -1;
	child_pid = pid;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGQUIT, &sa, &old_quit);
	sa.sa_handler = forward;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	if (o && o->report_traps &&
	    ptrace(PTRACE_SEIZE, pid, 0,
		   (void *)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
				  PTRACE_O_TRACECLONE |
				  (f->report ? PTRACE_O_TRACESECCOMP : 0))) < 0) {
		/* --report: its filter needs the tracer (report.c) */
		if (f->report)
			report_err = errno; /* the child is not let go */
		/* e.g. under a tracer already: run without the reporter */
		o = NULL;
	}
	if (!report_err && write(sync[1], "g", 1) != 1) {
		r = -errno;
		kill(pid, SIGKILL);
	}
	close(sync[1]);
	sync[1] = -1;
	got = read(rep[0], &child_err, sizeof(child_err));
	if (o && o->report_traps)
		trace_loop(pid, o, res);
	else
		while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	child_pid = 0;
	if (report_err) {
		r = lsec_err_set(e, report_err, "--report: cannot trace '%s': %s",
				 argv[0], strerror(report_err));
		goto out;
	}
	if (got == (ssize_t)sizeof(child_err)) {
		r = lsec_err_set(e, child_err, "cannot load the seccomp filter: %s%s",
				 strerror(child_err),
				 child_err == EACCES
					 ? " (without no_new_privs loading needs "
					   "CAP_SYS_ADMIN)"
					 : "");
		goto out;
	}
	if (WIFEXITED(res->status))
		res->exit_code = WEXITSTATUS(res->status);
	else if (WIFSIGNALED(res->status))
		res->exit_code = 128 + WTERMSIG(res->status);
	else
		res->exit_code = LSEC_EXIT_RUN_FAIL;
	r = 0;
out:
	if (r < 0 && e && !e->msg[0])
		lsec_err_set(e, -r, "%s", strerror(-r));
	for (int i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (sync[i] >= 0)
			close(sync[i]);
	}
	lsec_sc_ctx_release(ctx);
	free(progs[0].filter);
	free(progs[1].filter);
	return r;
}
