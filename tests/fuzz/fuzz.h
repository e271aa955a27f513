/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer harnesses (tests/fuzz/run.sh builds them). */
#ifndef LSEC_FUZZ_H
#define LSEC_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The input as a NUL-terminated string (malloc'ed). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input as a file the loaders can open by name: a memfd, named
 * /proc/self/fd/N in buf.  Returns the fd (close it after). */
static inline int fuzz_file(const uint8_t *data, size_t size, char *buf, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(buf, n, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
