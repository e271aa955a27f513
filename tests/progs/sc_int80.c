/* SPDX-License-Identifier: MIT */
/*
 * sc_int80 [--x32] chmod PATH | getppid: make the system call through another
 * ABI than x86-64, as an attacker would to dodge a filter that only knows
 * x86-64 numbers: the i386 ABI (int $0x80) or, with --x32, the x32 ABI
 * (syscall with __X32_SYSCALL_BIT).  Prints "ok RESULT" or "error ERRNO"
 * and exits 0 / 1; exits 77 ("unsupported") when this kernel has no i386
 * entry (int $0x80 faults) or the CPU is not x86-64.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
static sigjmp_buf fault;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(fault, 1);
}
#endif

int main(int argc, char **argv)
{
#if defined(__x86_64__)
	static long nr, a1, a2;
	long ret;
	int x32 = argc > 1 && strcmp(argv[1], "--x32") == 0;
	char *low;

	argv += x32;
	argc -= x32;
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "chmod") == 0 && argc == 3) {
		/* int 0x80 truncates pointers to 32 bits: copy the path low */
		low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (low == MAP_FAILED)
			return 2;
		snprintf(low, 4096, "%s", argv[2]);
		nr = x32 ? 0x40000000L + 90 : 15; /* chmod */
		a1 = (long)low;
		a2 = 0600;
	} else if (strcmp(argv[1], "getppid") == 0) {
		nr = x32 ? 0x40000000L + 110 : 64;
	} else
		return 2;
	if (x32) {
		__asm__ volatile("syscall"
				 : "=a"(ret)
				 : "a"(nr), "D"(a1), "S"(a2)
				 : "memory", "rcx", "r11");
	} else {
		signal(SIGSEGV, on_segv);
		if (sigsetjmp(fault, 1)) {
			printf("unsupported: int $0x80 faults (no IA32 "
			       "emulation in this kernel)\n");
			return 77;
		}
		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(nr), "b"(a1), "c"(a2)
				 : "memory", "r8", "r9", "r10", "r11");
	}
	if (ret < 0 && ret > -4096) {
		printf("error %s\n", strerrorname_np((int)-ret));
		return 1;
	}
	printf("ok %ld\n", ret);
	return 0;
#else
	(void)argc;
	(void)argv;
	return 77;
#endif
}
