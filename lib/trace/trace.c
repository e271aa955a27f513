/* SPDX-License-Identifier: MIT */
/*
 * The tracer's event loop: start or attach, follow every task, stop on the
 * filter's (or every) system call, end cleanly.  See lsec/trace.h.
 */
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lsec/util.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

/* ---- program lookup ---------------------------------------------------- */

static int check_exec(const char *p)
{
	struct stat st;

	if (stat(p, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) || access(p, X_OK) < 0)
		return -EACCES;
	return 0;
}

int lsec_trace_find_program(const char *name, char **ret, struct lsec_err *e)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = NULL;
	bool denied = false;
	char *dir, *save = NULL;
	int r;

	if (!name || !*name)
		return lsec_err_set(e, ENOENT, "no program given");
	if (strchr(name, '/')) {
		r = check_exec(name);
		if (r == -ENOENT || r == -ENOTDIR)
			return lsec_err_set(e, ENOENT, "'%s': no such file", name);
		if (r < 0)
			return lsec_err_set(e, EACCES, "'%s': not executable", name);
		*ret = strdup(name);
		return *ret ? 0 : -ENOMEM;
	}
	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return -ENOMEM;
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = NULL;

		if (asprintf(&cand, "%s/%s", *dir ? dir : ".", name) < 0)
			return -ENOMEM;
		r = check_exec(cand);
		if (r == 0) {
			*ret = TAKE_PTR(cand);
			return 0;
		}
		if (r == -EACCES)
			denied = true;
	}
	if (denied)
		return lsec_err_set(e, EACCES, "'%s': not executable", name);
	return lsec_err_set(e, ENOENT, "'%s': command not found", name);
}

/* ---- tasks --------------------------------------------------------------- */

static struct trace_task *task_find(struct trace_state *s, pid_t tid)
{
	size_t k;

	if (!s->ntasks_alloc)
		return NULL;
	for (k = (size_t)tid & (s->ntasks_alloc - 1); s->tasks[k].tid;
	     k = (k + 1) & (s->ntasks_alloc - 1))
		if (s->tasks[k].tid == tid)
			return &s->tasks[k];
	return NULL;
}

static struct trace_task *task_add(struct trace_state *s, pid_t tid)
{
	struct trace_task *tk = task_find(s, tid);
	size_t k, used = 0;

	if (tk) {
		if (!tk->live) {
			tk->live = true;
			s->nlive++;
		}
		return tk;
	}
	for (k = 0; k < s->ntasks_alloc; k++)
		used += s->tasks[k].tid != 0;
	if ((used + 1) * 2 > s->ntasks_alloc) {
		/* grow (and drop the dead: rehash live ones only) */
		size_t n = s->ntasks_alloc ? s->ntasks_alloc * 2 : 64;
		struct trace_task *old = s->tasks, *nt = calloc(n, sizeof(*nt));
		size_t oldn = s->ntasks_alloc;

		if (!nt) {
			s->err = -ENOMEM;
			return NULL;
		}
		s->tasks = nt;
		s->ntasks_alloc = n;
		for (k = 0; k < oldn; k++) {
			size_t j;

			if (!old[k].tid || !old[k].live) {
				free(old[k].exec_path);
				continue;
			}
			for (j = (size_t)old[k].tid & (n - 1); nt[j].tid; j = (j + 1) & (n - 1))
				;
			nt[j] = old[k];
		}
		free(old);
	}
	for (k = (size_t)tid & (s->ntasks_alloc - 1); s->tasks[k].tid;
	     k = (k + 1) & (s->ntasks_alloc - 1))
		;
	tk = &s->tasks[k];
	*tk = (struct trace_task){ .tid = tid, .exe = -1, .uid = -1, .live = true };
	s->nlive++;
	return tk;
}

static void task_gone(struct trace_state *s, struct trace_task *tk)
{
	if (tk->live) {
		tk->live = false;
		s->nlive--;
	}
	free(tk->exec_path);
	tk->exec_path = NULL;
}

/* ---- ptrace helpers ------------------------------------------------------ */

#define TRACE_OPTS                                                          \
	(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |   \
	 PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD)

static void resume(struct trace_state *s, pid_t tid, int sig)
{
	ptrace(s->use_syscall ? PTRACE_SYSCALL : PTRACE_CONT, tid, 0,
	       (void *)(long)sig);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- start / attach ------------------------------------------------------ */

static int start_child(struct trace_state *s, const char *path,
		       const sigset_t *oldmask, pid_t *ret)
{
	const struct lsec_trace_opts *o = s->o;
	scmp_filter_ctx filter = NULL;
	int status, pipefd[2];
	pid_t pid;
	int r;

	if (!s->use_syscall) {
		filter = lsec_trace_filter_new(o->flags & LSEC_TRACE_ALL_SYSCALLS);
		if (!filter)
			return lsec_err_set(s->e, ENOMEM, "cannot build the seccomp filter");
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		seccomp_release(filter);
		return lsec_err_set(s->e, -r, "pipe: %m");
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		seccomp_release(filter);
		close(pipefd[0]);
		close(pipefd[1]);
		return lsec_err_set(s->e, -r, "fork: %s", strerror(-r));
	}
	if (pid == 0) {
		int err;

		close(pipefd[0]);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		if (o->stdout_fd >= 0 && o->stdout_fd != 1)
			dup2(o->stdout_fd, 1);
		raise(SIGSTOP); /* wait for the tracer to seize us */
		if (filter) {
			/* Without CAP_SYS_ADMIN the kernel wants no_new_privs. */
			err = seccomp_load(filter);
			if (err == -EACCES) {
				seccomp_attr_set(filter, SCMP_FLTATR_CTL_NNP, 1);
				err = seccomp_load(filter);
			}
			if (err < 0)
				goto fail;
		}
		execv(path, o->argv);
		err = -errno;
fail:
		(void)!write(pipefd[1], &err, sizeof(err));
		_exit(127);
	}
	seccomp_release(filter);
	close(pipefd[1]);
	if (waitpid(pid, &status, WSTOPPED) < 0 || !WIFSTOPPED(status)) {
		close(pipefd[0]);
		return lsec_err_set(s->e, ECHILD, "the program did not start");
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)(TRACE_OPTS | PTRACE_O_EXITKILL)) < 0) {
		r = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(pipefd[0]);
		return lsec_err_set(s->e, -r, "cannot trace the program: %s",
				    strerror(-r));
	}
	kill(pid, SIGCONT);
	*ret = pid;
	return pipefd[0];
}

static int attach_all(struct trace_state *s, pid_t pid)
{
	char dir[64];
	bool more = true;
	int n = 0, rounds = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	/* Threads may be created while we attach: repeat until stable. */
	while (more && rounds++ < 100) {
		DIR *d = opendir(dir);
		struct dirent *de;

		more = false;
		if (!d) {
			if (n)
				break;
			return lsec_err_input(s->e, "no process with pid %d", pid);
		}
		while ((de = readdir(d))) {
			pid_t tid = (pid_t)atoi(de->d_name);

			if (tid <= 0 || task_find(s, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0, (void *)(long)TRACE_OPTS) < 0) {
				int r = -errno;

				if (r == -ESRCH)
					continue;
				closedir(d);
				return lsec_err_set(s->e, -r,
						    "cannot attach to pid %d: %s",
						    tid, strerror(-r));
			}
			ptrace(PTRACE_INTERRUPT, tid, 0, 0);
			if (!task_add(s, tid)) {
				closedir(d);
				return -ENOMEM;
			}
			more = true;
			n++;
		}
		closedir(d);
	}
	return n;
}

/* ---- the end ------------------------------------------------------------- */

enum phase { RUNNING, TERMINATING, KILLING, DETACHING };

static void kill_all(struct trace_state *s, int sig)
{
	size_t k;

	for (k = 0; k < s->ntasks_alloc; k++)
		if (s->tasks[k].tid && s->tasks[k].live)
			kill(s->tasks[k].tid, sig);
}

static void interrupt_all(struct trace_state *s)
{
	size_t k;

	for (k = 0; k < s->ntasks_alloc; k++)
		if (s->tasks[k].tid && s->tasks[k].live) {
			s->tasks[k].detaching = true;
			ptrace(PTRACE_INTERRUPT, s->tasks[k].tid, 0, 0);
		}
}

/* ---- the loop -------------------------------------------------------------- */

static void on_stop(struct trace_state *s, pid_t tid, int status, enum phase ph)
{
	struct trace_task *tk = task_find(s, tid);
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
	struct __ptrace_syscall_info si;
	unsigned long msg = 0;

	if (!tk || !tk->live) {
		/* a new child whose parent's event has not been seen yet */
		tk = task_add(s, tid);
		if (!tk)
			return;
	}
	s->t->events++;
	if (tk->detaching || ph == DETACHING) {
		int inject = 0;

		if (event == 0 && sig != (SIGTRAP | 0x80) && sig != SIGTRAP)
			inject = sig; /* a real signal: deliver it on the way out */
		ptrace(PTRACE_DETACH, tid, 0, (void *)(long)inject);
		task_gone(s, tk);
		return;
	}
	switch (event) {
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) > 0 &&
			    si.op == PTRACE_SYSCALL_INFO_ENTRY)
				lsec_trace_on_syscall(s, tk, &si);
			resume(s, tid, 0);
		} else {
			resume(s, tid, sig); /* signal-delivery-stop */
		}
		return;
	case PTRACE_EVENT_SECCOMP:
		if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) > 0 &&
		    si.op == PTRACE_SYSCALL_INFO_SECCOMP)
			lsec_trace_on_syscall(s, tk, &si);
		resume(s, tid, 0);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && msg) {
			struct trace_task *child;
			int exe = tk->exe;

			child = task_add(s, (pid_t)msg);
			tk = task_find(s, tid); /* the table may have moved */
			if (child && child->exe < 0)
				child->exe = exe;
		}
		resume(s, tid, 0);
		return;
	case PTRACE_EVENT_EXEC: {
		char *exec_path = NULL;

		/* A non-leader thread exec'd: it took over the leader's pid. */
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 &&
		    (pid_t)msg != tid) {
			struct trace_task *former = task_find(s, (pid_t)msg);

			if (former && former->live) {
				exec_path = TAKE_PTR(former->exec_path);
				task_gone(s, former);
			}
		}
		if (!exec_path)
			exec_path = TAKE_PTR(tk->exec_path);
		lsec_trace_on_exec(s, tk, exec_path);
		free(exec_path);
		resume(s, tid, 0);
		return;
	}
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU)
			ptrace(PTRACE_LISTEN, tid, 0, 0); /* group-stop */
		else
			resume(s, tid, 0);
		return;
	default:
		resume(s, tid, 0);
	}
}

int lsec_trace_run(const struct lsec_trace_opts *o, struct lsec_trace *t,
		   struct lsec_err *e)
{
	struct trace_state s = { .t = t, .o = o, .e = e };
	_cleanup_free_ char *path = NULL;
	sigset_t set, oldmask;
	enum phase ph = RUNNING;
	uint64_t deadline = 0, grace_end = 0;
	unsigned grace = o->grace_ms ? o->grace_ms : 3000;
	bool started = o->argv != NULL;
	int errpipe = -1, r;
	pid_t pid = 0;
	size_t k;

	s.use_syscall = !started || (o->flags & LSEC_TRACE_DETACH);
	if (started) {
		r = lsec_trace_find_program(o->argv[0], &path, e);
		if (r < 0)
			return r;
	} else if (o->attach_pid <= 0) {
		return lsec_err_input(e, "nothing to trace");
	} else if (kill(o->attach_pid, 0) < 0 && errno == ESRCH) {
		return lsec_err_input(e, "no process with pid %d", o->attach_pid);
	}
	r = lsec_trace_arch_init(&s);
	if (r < 0)
		goto out_arch;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (!(o->flags & LSEC_TRACE_NO_SIGNALS)) {
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
	}
	sigprocmask(SIG_BLOCK, &set, &oldmask);

	if (started) {
		errpipe = start_child(&s, path, &oldmask, &pid);
		if (errpipe < 0) {
			r = errpipe;
			goto out;
		}
		{
			/* Until its exec, the child is still lsec: charge what it
			 * does (the exec itself) to the program. */
			struct trace_task *tk = task_add(&s, pid);
			char real[PATH_MAX];

			if (!tk) {
				r = -ENOMEM;
				goto out;
			}
			r = lsec_trace_exe_get(t, realpath(path, real) ? real : path);
			if (r < 0)
				goto out;
			tk->exe = r;
		}
	} else {
		r = attach_all(&s, o->attach_pid);
		if (r < 0) {
			/* undo what was attached */
			for (k = 0; k < s.ntasks_alloc; k++)
				if (s.tasks[k].tid)
					ptrace(PTRACE_DETACH, s.tasks[k].tid, 0, 0);
			goto out;
		}
		pid = o->attach_pid;
	}
	t->pid = pid;
	if (o->duration_ms)
		deadline = now_ms() + o->duration_ms;

	while (s.nlive > 0) {
		int status;
		pid_t w = waitpid(-1, &status, __WALL | WNOHANG);

		if (w > 0) {
			if (WIFSTOPPED(status)) {
				on_stop(&s, w, status, ph);
			} else if (WIFEXITED(status) || WIFSIGNALED(status)) {
				struct trace_task *tk = task_find(&s, w);

				if (tk)
					task_gone(&s, tk);
				if (w == pid && started) {
					t->status = status;
					t->exited = true;
				}
			}
			if (s.err)
				break;
			continue;
		}
		if (w < 0 && errno == ECHILD && started)
			break;
		/* Nothing pending: wait for SIGCHLD, a stop signal or a timer. */
		{
			uint64_t now = now_ms(), until = UINT64_MAX;
			struct timespec ts, *tsp = NULL;
			siginfo_t info;
			int sig;

			if (ph == RUNNING && deadline)
				until = deadline;
			if (ph == TERMINATING)
				until = grace_end;
			if (until != UINT64_MAX) {
				uint64_t left = until > now ? until - now : 0;

				ts.tv_sec = (time_t)(left / 1000);
				ts.tv_nsec = (long)(left % 1000) * 1000000;
				tsp = &ts;
			}
			if (w < 0 && errno == ECHILD) {
				/* attached non-children: no SIGCHLD for exits */
				struct timespec poll = { 0, 50 * 1000000 };

				if (!tsp || ts.tv_sec > 0 || ts.tv_nsec > poll.tv_nsec)
					tsp = &poll;
				for (k = 0; k < s.ntasks_alloc; k++) {
					struct trace_task *tk = &s.tasks[k];

					if (tk->tid && tk->live && kill(tk->tid, 0) < 0 &&
					    errno == ESRCH)
						task_gone(&s, tk);
				}
				if (!s.nlive)
					break;
			}
			sig = sigtimedwait(&set, &info, tsp);
			now = now_ms();
			if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
				t->stopped_by_signal = true;
			else if (sig < 0 && ph == RUNNING && deadline && now >= deadline)
				t->timed_out = true;
			else if (sig < 0 && ph == TERMINATING && now >= grace_end) {
				ph = KILLING;
				kill_all(&s, SIGKILL);
				continue;
			} else {
				continue;
			}
			if (ph != RUNNING) {
				/* a second ^C: no more grace */
				if (ph == TERMINATING) {
					ph = KILLING;
					kill_all(&s, SIGKILL);
				}
				continue;
			}
			if (started && !(o->flags & LSEC_TRACE_DETACH)) {
				ph = TERMINATING;
				grace_end = now + grace;
				kill_all(&s, SIGTERM);
			} else {
				ph = DETACHING;
				interrupt_all(&s);
			}
		}
	}
	if (s.err) {
		/* out of memory: do not leave anything traced */
		for (k = 0; k < s.ntasks_alloc; k++)
			if (s.tasks[k].tid && s.tasks[k].live) {
				if (started && !(o->flags & LSEC_TRACE_DETACH))
					kill(s.tasks[k].tid, SIGKILL);
				ptrace(PTRACE_DETACH, s.tasks[k].tid, 0, 0);
			}
		r = lsec_err_set(e, -s.err, "tracing: %s", strerror(-s.err));
		goto out;
	}
	if (started && errpipe >= 0) {
		int err = 0;

		if (read(errpipe, &err, sizeof(err)) == sizeof(err) && err < 0) {
			r = lsec_err_set(e, -err, "cannot run '%s': %s", path,
					 strerror(-err));
			goto out;
		}
	}
	/* reap a started program we detached from is not ours to do; done */
	r = 0;
out:
	if (errpipe >= 0)
		close(errpipe);
	for (k = 0; k < s.ntasks_alloc; k++)
		free(s.tasks[k].exec_path);
	free(s.tasks);
	{
		/* drop any SIGCHLD/INT we consumed the state of, restore mask */
		struct timespec zero = { 0, 0 };
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		while (sigtimedwait(&chld, NULL, &zero) > 0)
			;
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
out_arch:
	lsec_trace_dircache_free(&s);
	lsec_trace_arch_free(&s);
	return r;
}
