/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/trace: program lookup, the syscall-set API (the
 * all-syscalls mode `sandbox trace` uses), names, and the ELF reader. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "lsec/cleanup.h"
#include "lsec/aasyntax.h"
#include "lsec/trace.h"

static void test_find_program(void **state)
{
	struct lsec_err e = { 0 };
	char *p = NULL;

	(void)state;
	assert_int_equal(lsec_trace_find_program("sh", &p, &e), 0);
	assert_non_null(strchr(p, '/'));
	free(p);
	assert_int_equal(lsec_trace_find_program("no-such-program-lsec", &p, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "no-such-program-lsec"));
	assert_int_equal(lsec_trace_find_program("/etc/passwd", &p, &e), -EACCES);
	assert_int_equal(lsec_trace_find_program("/nonexistent/x", &p, &e), -ENOENT);
}

struct names {
	bool execve, exit_group, openat;
	int n;
};

static void collect(const char *name, int nr, uint32_t arch, void *ud)
{
	struct names *n = ud;

	(void)nr;
	(void)arch;
	n->n++;
	if (strcmp(name, "execve") == 0)
		n->execve = true;
	if (strcmp(name, "exit_group") == 0)
		n->exit_group = true;
	if (strcmp(name, "openat") == 0)
		n->openat = true;
}

static void trace_cat(unsigned flags, struct names *n)
{
	char *argv[] = { "cat", "/etc/hostname", NULL };
	struct lsec_trace_opts o = { .argv = argv, .flags = flags, .stdout_fd = -1 };
	struct lsec_trace t = { 0 };
	struct lsec_err e = { 0 };
	size_t i;
	bool found = false;
	int r;

	r = lsec_trace_run(&o, &t, &e);
	if (r == -EPERM || r == -EACCES) {
		print_message("ptrace not allowed here: %s\n", e.msg);
		skip();
	}
	assert_int_equal(r, 0);
	assert_true(t.exited);
	assert_int_equal(t.status, 0);
	assert_true(t.nsys >= 1);
	assert_int_equal(t.sys[0].arch, seccomp_arch_native());
	lsec_trace_syscalls_each(&t.sys[0], collect, n);
	for (i = 0; i < t.nexes; i++)
		for (size_t j = 0; j < t.exes[i].nfiles; j++)
			if (strcmp(t.exes[i].files[j].path, "/etc/hostname") == 0 &&
			    (t.exes[i].files[j].perms & LSEC_PERM_R))
				found = true;
	assert_true(found);
	lsec_trace_free(&t);
}

static void test_syscall_sets(void **state)
{
	struct names all = { 0 }, filtered = { 0 };

	(void)state;
	/* every call stops: the set is complete */
	trace_cat(LSEC_TRACE_ALL_SYSCALLS | LSEC_TRACE_NO_SIGNALS, &all);
	assert_true(all.execve && all.exit_group && all.openat);
	/* the filter stops only on what a profile needs */
	trace_cat(LSEC_TRACE_NO_SIGNALS, &filtered);
	assert_true(filtered.execve && filtered.openat);
	assert_false(filtered.exit_group);
	assert_true(filtered.n < all.n);
}

/* /proc/self is resolved for the tracee, not for lsec */
static void test_proc_self(void **state)
{
	char *argv[] = { "cat", "/proc/self/stat", NULL };
	struct lsec_trace_opts o = { .argv = argv, .flags = LSEC_TRACE_NO_SIGNALS,
				     .stdout_fd = -1 };
	struct lsec_trace t = { 0 };
	struct lsec_err e = { 0 };
	char want[64];
	bool found = false;
	int r;

	(void)state;
	o.stdout_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(o.stdout_fd >= 0);
	r = lsec_trace_run(&o, &t, &e);
	close(o.stdout_fd);
	if (r == -EPERM || r == -EACCES)
		skip();
	assert_int_equal(r, 0);
	snprintf(want, sizeof(want), "/proc/%d/stat", t.pid);
	for (size_t i = 0; i < t.nexes; i++)
		for (size_t j = 0; j < t.exes[i].nfiles; j++) {
			assert_null(strstr(t.exes[i].files[j].path, "/self"));
			if (strcmp(t.exes[i].files[j].path, want) == 0)
				found = true;
		}
	assert_true(found);
	lsec_trace_free(&t);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(lsec_aa_family_name(AF_INET6), "inet6");
	assert_string_equal(lsec_aa_family_name(AF_NETLINK), "netlink");
	assert_null(lsec_aa_family_name(-1));
	assert_string_equal(lsec_aa_socktype_name(SOCK_DGRAM), "dgram");
	assert_string_equal(lsec_aa_capability_name(10), "net_bind_service");
	assert_null(lsec_aa_capability_name(99));
}

static int count_lib(const char *lib, void *ud)
{
	int *n = ud;

	if (strstr(lib, "libc.so") || strstr(lib, "ld-linux"))
		(*n)++;
	return 0;
}

static void test_elf(void **state)
{
	struct lsec_err e = { 0 };
	char interp[4096];
	_cleanup_free_ char *sh = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(lsec_trace_find_program("sh", &sh, &e), 0);
	assert_int_equal(lsec_elf_interp(sh, interp, sizeof(interp)), 0);
	assert_true(interp[0] == '/');
	assert_int_equal(lsec_elf_libs(sh, count_lib, &n, &e), 0);
	assert_int_equal(n, 2); /* libc and the interpreter, once each */
	assert_int_equal(lsec_elf_interp("/etc/hostname", interp, sizeof(interp)), -ENOEXEC);
	assert_true(lsec_elf_libs("/etc/hostname", count_lib, &n, &e) < 0);
	assert_true(e.input);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_program),
		cmocka_unit_test(test_syscall_sets),
		cmocka_unit_test(test_proc_self),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
