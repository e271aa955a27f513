/* SPDX-License-Identifier: MIT */
/*
 * For the tracer's tests: in DIR, a thread reads DIR/thread.txt, a forked
 * child reads DIR/child.txt and then execs `cat DIR/exec.txt` (to /dev/null),
 * the main thread reads DIR/main.txt.  Exit 0 when all of that worked.
 * usage: forkthread DIR
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;

static int readfile(const char *name)
{
	char path[4096], buf[64];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void *thread_main(void *arg)
{
	(void)arg;
	return (void *)(long)readfile("thread.txt");
}

int main(int argc, char **argv)
{
	pthread_t th;
	void *tr;
	pid_t pid;
	int st;

	if (argc != 2)
		return 2;
	dir = argv[1];
	if (pthread_create(&th, NULL, thread_main, NULL) != 0)
		return 1;
	pthread_join(th, &tr);
	pid = fork();
	if (pid == 0) {
		char path[4096];
		int null = open("/dev/null", O_WRONLY);

		if (readfile("child.txt") < 0)
			_exit(1);
		snprintf(path, sizeof(path), "%s/exec.txt", dir);
		dup2(null, 1);
		execlp("cat", "cat", path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	if (readfile("main.txt") < 0 || tr)
		return 1;
	return 0;
}
