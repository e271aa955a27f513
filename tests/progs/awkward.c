/* SPDX-License-Identifier: MIT */
/*
 * For the escaping tests: create DIR/NAME for each NAME read from the file
 * LIST (names separated by NUL bytes, so any byte but NUL and '/' can be in
 * one), then open each again for reading.
 * usage: awkward DIR LIST
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char list[65536];
	char path[8192];
	ssize_t n;
	size_t off;
	int fd, pass;

	if (argc != 3)
		return 2;
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || (n = read(fd, list, sizeof(list) - 1)) <= 0)
		return 1;
	close(fd);
	list[n] = '\0';
	for (pass = 0; pass < 2; pass++) {
		for (off = 0; off < (size_t)n; off += strlen(list + off) + 1) {
			if (!list[off])
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[1], list + off);
			fd = pass == 0 ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)
				       : open(path, O_RDONLY);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			close(fd);
		}
	}
	return 0;
}
