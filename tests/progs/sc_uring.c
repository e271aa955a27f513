/* SPDX-License-Identifier: MIT */
/*
 * sc_uring mkdir PATH: create a directory through io_uring (IORING_OP_MKDIRAT)
 * with raw syscalls, no liburing -- the way a program gets around a filter
 * that denies mkdir.  Prints "ok", "setup-error ERRNO" or "op-error ERRNO";
 * exits 0 on success, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes, *sqe;
	struct io_uring_cqe *cqe;
	unsigned *sq_tail, *sq_array, *cq_head, *cq_tail, mask;
	char *sq, *cq;
	int fd, ret;

	if (argc != 3 || strcmp(argv[1], "mkdir") != 0)
		return 2;
	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0) {
		printf("setup-error %s\n", strerrorname_np(errno));
		return 1;
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		printf("setup-error mmap\n");
		return 1;
	}
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	sqe = &sqes[0];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_MKDIRAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)argv[2];
	sqe->len = 0755;
	sq_array[*sq_tail & mask] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	ret = (int)syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
			   NULL, 0);
	if (ret < 0) {
		printf("setup-error %s\n", strerrorname_np(errno));
		return 1;
	}
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cq_tail = (unsigned *)(cq + p.cq_off.tail);
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		printf("op-error none\n");
		return 1;
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*cq_head & *(unsigned *)(cq + p.cq_off.ring_mask));
	if (cqe->res < 0) {
		printf("op-error %s\n", strerrorname_np(-cqe->res));
		return 1;
	}
	printf("ok\n");
	return 0;
}
