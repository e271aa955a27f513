/* SPDX-License-Identifier: MIT */
/*
 * For --attach tests: two threads, each opening its file every 50 ms, until
 * killed.  Prints "ready" on stdout once both run.
 * usage: sleeper FILE_MAIN FILE_THREAD
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void loop(const char *file)
{
	struct timespec ts = { 0, 50 * 1000000 };

	for (;;) {
		int fd = open(file, O_RDONLY);

		if (fd >= 0)
			close(fd);
		nanosleep(&ts, NULL);
	}
}

static void *thread_main(void *arg)
{
	loop(arg);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;

	if (argc != 3)
		return 2;
	if (pthread_create(&th, NULL, thread_main, argv[2]) != 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	loop(argv[1]);
	return 0;
}
