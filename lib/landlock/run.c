/* SPDX-License-Identifier: MIT */
/*
 * Run a program restricted: fork, restrict the child (Landlock plan or an
 * AppArmor change_onexec, through a callback), exec, and wait, so lsec can
 * return the program's status or 128+N for a signal, as `sandbox run` does.
 * The child reports a failure before or at exec over a close-on-exec pipe.
 */
#include "lsec/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/cleanup.h"

/* The one piece of process-wide state: the child a forwarded SIGTERM/SIGHUP
 * goes to, set only while lsec_landlock_run waits. */
static volatile pid_t run_child;

static void forward(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

struct child_report {
	int stage; /* 0 restrict, 1 exec */
	int err;
	char msg[512];
};

int lsec_landlock_run(const char *path, char *const argv[],
		      int (*restrict_fn)(void *ud, struct lsec_err *e), void *ud,
		      int *status, struct lsec_err *e)
{
	struct sigaction sa = { 0 }, old_int, old_quit, old_term, old_hup;
	struct child_report rep = { 0 };
	int pfd[2];
	ssize_t got;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return lsec_err_set(e, errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(pfd[0]);
		close(pfd[1]);
		return lsec_err_set(e, err, "fork: %s", strerror(err));
	}
	if (pid == 0) {
		struct lsec_err ce = { 0 };

		close(pfd[0]);
		if (restrict_fn && restrict_fn(ud, &ce) < 0) {
			rep.stage = 0;
			rep.err = ce.code;
			snprintf(rep.msg, sizeof(rep.msg), "%s", ce.msg);
			if (write(pfd[1], &rep, sizeof(rep)) < 0)
				_exit(LSEC_EXIT_RUN_FAIL);
			_exit(LSEC_EXIT_RUN_FAIL);
		}
		execv(path, argv);
		rep.stage = 1;
		rep.err = errno;
		if (write(pfd[1], &rep, sizeof(rep)) < 0)
			_exit(LSEC_EXIT_RUN_FAIL);
		_exit(rep.err == ENOENT ? LSEC_EXIT_RUN_NOTFOUND : LSEC_EXIT_RUN_NOEXEC);
	}
	close(pfd[1]);
	run_child = pid;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, &old_int); /* the terminal sends them to both */
	sigaction(SIGQUIT, &sa, &old_quit);
	sa.sa_handler = forward;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	do
		got = read(pfd[0], &rep, sizeof(rep));
	while (got < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	run_child = 0;
	if (got != (ssize_t)sizeof(rep))
		return 0; /* the program ran */
	if (rep.stage == 0)
		return lsec_err_set(e, rep.err ? rep.err : EIO, "%s", rep.msg);
	/* exec failed: *status says 126 or 127, e says why */
	lsec_err_set(e, rep.err, "cannot execute %s: %s%s", argv[0],
		     strerror(rep.err),
		     rep.err == EACCES ? " (does the profile allow executing it?)" : "");
	return 1;
}
