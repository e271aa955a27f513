/* SPDX-License-Identifier: MIT */
/*
 * sc_bpfload FILE CMD [ARG...]: load the raw classic-BPF seccomp program in
 * FILE (as `lsec sandbox export --format bpf` writes it, as bwrap --seccomp
 * reads it) with plain prctl(2), no libseccomp, then exec CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_fprog prog;
	struct stat st;
	int fd;

	if (argc < 3)
		return 2;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0 ||
	    st.st_size % sizeof(struct sock_filter)) {
		fprintf(stderr, "sc_bpfload: %s: not a BPF program\n", argv[1]);
		return 2;
	}
	prog.len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	prog.filter = malloc((size_t)st.st_size);
	if (!prog.filter || read(fd, prog.filter, (size_t)st.st_size) != st.st_size)
		return 2;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr, "sc_bpfload: load: %s\n", strerror(errno));
		return 2;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "sc_bpfload: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
