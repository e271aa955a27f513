/* SPDX-License-Identifier: MIT */
/* lib/seccomp learn.c, systemd.c, report.c: the pure parts of `sandbox
 * trace`, `export --format systemd` and `run --report`. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <seccomp.h>

#include "lsec/cleanup.h"
#include "lsec/seccomp.h"
#include "lsec/util.h"

static void call(struct lsec_sc_learn *l, uint32_t arch, const char *name,
		 uint64_t a0, uint64_t a1)
{
	uint64_t args[6] = { a0, a1, 0, 0, 0, 0 };
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	assert_true(nr >= 0);
	lsec_sc_learn_call(arch, (uint64_t)nr, args, l);
}

/* Policy text for what l learned (merged: p from text first). */
static char *learned(const struct lsec_sc_learn *l, const char *merge_text)
{
	struct lsec_sc_policy p;
	struct lsec_sc_filter f;
	struct lsec_err e = { 0 };
	char *text = NULL, path[] = "/tmp/lsec-learn-XXXXXX";
	size_t len = 0;
	FILE *m;

	lsec_sc_policy_init(&p);
	if (merge_text) {
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, merge_text, strlen(merge_text)),
				 (ssize_t)strlen(merge_text));
		close(fd);
		assert_int_equal(lsec_sc_policy_load(&p, path, &e), 0);
		unlink(path);
	}
	if (lsec_sc_learn_policy(l, &p, merge_text != NULL, &e) < 0)
		fail_msg("learn_policy: %s", e.msg);
	if (lsec_sc_resolve(&p, &f, &e) < 0)
		fail_msg("resolve: %s", e.msg);
	m = open_memstream(&text, &len);
	lsec_sc_write_policy(&f, m, false);
	fclose(m);
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
	return text;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; (s = strstr(s, line)); s++)
		if ((s == text || s[-1] == '\n') && (s[n] == '\n' || !s[n]))
			return true;
	return false;
}

static void learn_names(void **state)
{
	struct lsec_sc_learn l;
	uint32_t native = seccomp_arch_native();
	_cleanup_free_ char *t = NULL, *t2 = NULL;

	(void)state;
	lsec_sc_learn_init(&l, false);
	call(&l, native, "read", 0, 0);
	call(&l, native, "openat", 0, 0);
	call(&l, native, "read", 0, 0);
	call(&l, native, "socket", AF_INET, SOCK_STREAM);
	assert_int_equal(l.calls, 4);
	t = learned(&l, NULL);
	assert_true(has_line(t, "default errno:ENOSYS"));
	assert_true(has_line(t, "option native-only yes"));
	assert_true(has_line(t, "allow read"));
	assert_true(has_line(t, "allow openat"));
	assert_true(has_line(t, "allow socket"));
	/* exact: read is not expanded to its family */
	assert_false(has_line(t, "allow readv"));
	/* what the launcher and the kernel need */
	assert_true(has_line(t, "allow execve"));
	assert_true(has_line(t, "allow exit_group"));
	assert_true(has_line(t, "allow rt_sigreturn"));
	assert_false(has_line(t, "allow write"));
	/* sorted: the order of the run does not matter */
	assert_true(strstr(t, "allow openat") < strstr(t, "allow read"));
	lsec_sc_learn_free(&l);

	/* merge: union, and the merged policy's own default is kept */
	lsec_sc_learn_init(&l, false);
	call(&l, native, "write", 0, 0);
	t2 = learned(&l, "default errno:EPERM\nallow getppid\n");
	assert_true(has_line(t2, "default errno:EPERM"));
	assert_true(has_line(t2, "allow getppid"));
	assert_true(has_line(t2, "allow write"));
	/* the merged file was not native-only: neither is the union */
	assert_false(has_line(t2, "option native-only yes"));
	lsec_sc_learn_free(&l);
}

static void learn_args(void **state)
{
	struct lsec_sc_learn l;
	uint32_t native = seccomp_arch_native();
	_cleanup_free_ char *t = NULL;

	(void)state;
	lsec_sc_learn_init(&l, true);
	/* type flags (CLOEXEC, NONBLOCK) are masked off; duplicates dropped */
	call(&l, native, "socket", AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC);
	call(&l, native, "socket", AF_INET, SOCK_STREAM);
	call(&l, native, "socket", AF_INET6, SOCK_DGRAM);
	call(&l, native, "clone", 0x3d0f00 /* a thread */, 0);
	call(&l, native, "prctl", 15 /* PR_SET_NAME */, 0);
	call(&l, native, "io_uring_setup", 0, 0);
	assert_int_equal(l.nfacts, 4);
	t = learned(&l, NULL);
	assert_true(has_line(t, "allow socket:arg0==AF_INET:arg1&0xf==0x1"));
	assert_true(has_line(t, "allow socket:arg0==AF_INET6:arg1&0xf==0x2"));
	assert_false(has_line(t, "allow socket"));
	/* clone: only the namespace flags are compared */
	assert_true(has_line(t, "allow clone:arg0&0x7e020000==0x0"));
	assert_true(has_line(t, "allow prctl:arg0==PR_SET_NAME"));
	/* a program that uses io_uring keeps it */
	assert_true(has_line(t, "allow io_uring_setup"));
	lsec_sc_learn_free(&l);
}

static void learn_other_abi(void **state)
{
	struct lsec_sc_learn l;
	_cleanup_free_ char *t = NULL, *c = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	lsec_sc_learn_init(&l, false);
	call(&l, SCMP_ARCH_X86_64, "read", 0, 0);
	call(&l, SCMP_ARCH_X86, "chmod", 0, 0);
	t = learned(&l, NULL);
	assert_false(has_line(t, "option native-only yes"));
	assert_true(has_line(t, "allow chmod"));
	m = open_memstream(&c, &len);
	lsec_sc_learn_comment(&l, m, (char *[]){ "prog", "a b", "it's", NULL },
			      NULL, "# ");
	fclose(m);
	assert_non_null(strstr(c, "# learned by 'lsec sandbox trace' from one run "
				  "of: prog 'a b' 'it'\\''s'\n"));
	assert_non_null(strstr(c, "1 on x86_64, 1 on x86"));
	assert_non_null(strstr(c, "Only the paths this run exercised"));
	lsec_sc_learn_free(&l);
}

static char *systemd_text(const char *policy)
{
	struct lsec_sc_policy p;
	struct lsec_sc_filter f;
	struct lsec_err e = { 0 };
	char *text = NULL, *copy = strdup(policy), *line, *save = NULL;
	size_t len = 0;
	FILE *m;

	lsec_sc_policy_init(&p);
	for (line = strtok_r(copy, ";", &save); line; line = strtok_r(NULL, ";", &save)) {
		bool allow = strncmp(line, "allow ", 6) == 0;

		if (strncmp(line, "action ", 7) == 0)
			assert_int_equal(lsec_sc_action_parse(line + 7, &p.deny_act, &e), 0);
		else if (strncmp(line, "native", 6) == 0)
			p.native_only = true;
		else if (strncmp(line, "io_uring", 8) == 0)
			p.io_uring = true;
		else
			assert_true(lsec_sc_policy_add_list(&p, allow, line + (allow ? 6 : 5),
							    NULL, 0, &e) > 0);
	}
	free(copy);
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	m = open_memstream(&text, &len);
	lsec_sc_write_systemd(&f, m);
	fclose(m);
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
	return text;
}

static void systemd_dropin(void **state)
{
	_cleanup_free_ char *a = NULL, *d = NULL, *k = NULL;

	(void)state;
	a = systemd_text("allow getppid,getpid,socket:arg0==AF_UNIX;native");
	assert_true(has_line(a, "[Service]"));
	assert_true(has_line(a, "NoNewPrivileges=yes"));
	assert_true(has_line(a, "SystemCallArchitectures=native"));
	assert_true(has_line(a, "SystemCallFilter=getppid getpid socket"));
	assert_true(has_line(a, "SystemCallErrorNumber=ENOSYS"));
	assert_non_null(strstr(a, "# note: socket is allowed for any arguments"));

	d = systemd_text("deny ptrace,getppid");
	/* the user's errno is the common one, lsec's io_uring ENOSYS per name */
	assert_non_null(strstr(d, "io_uring_setup:ENOSYS"));
	assert_non_null(strstr(d, "SystemCallFilter=~ptrace getppid"));
	assert_true(has_line(d, "SystemCallErrorNumber=EPERM"));
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		assert_true(has_line(d, "SystemCallArchitectures=native x86 x32"));

	/* kill alone: systemd's own default, bare names, no errno line */
	k = systemd_text("action kill;deny ptrace;io_uring");
	assert_true(has_line(k, "SystemCallFilter=~ptrace"));
	assert_null(strstr(k, "SystemCallErrorNumber"));

	/* kill next to lsec's io_uring ENOSYS: name:kill */
	free(k);
	k = systemd_text("action kill;deny ptrace;deny getppid:arg0==1");
	assert_non_null(strstr(k, "SystemCallFilter=~ptrace:kill io_uring_setup"));
	assert_true(has_line(k, "SystemCallErrorNumber=ENOSYS"));
	assert_non_null(strstr(k, "# note: getppid with arg0==1 (kill) is left out"));
}

static void report_names(void **state)
{
	struct lsec_sc_refusal r = { .pid = 1234, .tid = 1234, .nr = 257,
				     .arch = SCMP_ARCH_X86_64, .name = "openat",
				     .comm = "python3",
				     .act = { LSEC_SC_ERRNO, EPERM } };
	struct lsec_sc_report rep = { 0 };
	char buf[256];

	(void)state;
	assert_string_equal(lsec_sc_family_of("openat"), "open");
	assert_string_equal(lsec_sc_family_of("clone"), "clone");
	assert_null(lsec_sc_family_of("ptrace"));
	assert_string_equal(lsec_sc_group_of("openat"), "@file-system");
	assert_string_equal(lsec_sc_group_of("mount"), "@mount");
	assert_string_equal(lsec_sc_group_of("ptrace"), "@debug");
	/* an umbrella group only when nothing else lists it */
	assert_string_equal(lsec_sc_group_of("setfsuid"), "@privileged");
	assert_null(lsec_sc_group_of("lsec_no_such_call"));

	lsec_sc_refusal_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "refused openat(257) [x86_64] (family open, group "
				 "@file-system) in pid 1234 (python3)");
	r.arch = SCMP_ARCH_X86;
	r.nr = 15;
	snprintf(r.name, sizeof(r.name), "chmod");
	r.act = (struct lsec_sc_action){ LSEC_SC_KILL, 0 };
	lsec_sc_refusal_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "refused chmod(15) [x86] (family chmod, group "
				 "@file-system) in pid 1234 (python3): killed the "
				 "process");
	snprintf(r.name, sizeof(r.name), "ptrace");
	r.act = (struct lsec_sc_action){ LSEC_SC_LOG, 0 };
	lsec_sc_refusal_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "logged ptrace(15) [x86] (group @debug) in pid 1234 "
				 "(python3): allowed (log)");

	/* distinct refusals, counted */
	assert_int_equal(lsec_sc_report_add(&rep, &r), 1);
	assert_int_equal(lsec_sc_report_add(&rep, &r), 0);
	r.pid = 99; /* another process of the same program: the same refusal */
	assert_int_equal(lsec_sc_report_add(&rep, &r), 0);
	r.arch = SCMP_ARCH_X86_64;
	assert_int_equal(lsec_sc_report_add(&rep, &r), 1);
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.total, 4);
	assert_int_equal(rep.count[0], 3);
	lsec_sc_report_free(&rep);
}

static void report_actions(void **state)
{
	struct lsec_sc_action a = { LSEC_SC_ERRNO, EACCES };

	(void)state;
	assert_int_equal(lsec_sc_report_act(&a), SCMP_ACT_TRACE((2u << 12) | EACCES));
	a = (struct lsec_sc_action){ LSEC_SC_KILL, 0 };
	assert_int_equal(lsec_sc_report_act(&a), SCMP_ACT_TRACE(4u << 12));
	a = (struct lsec_sc_action){ LSEC_SC_LOG, 0 };
	assert_int_equal(lsec_sc_report_act(&a), SCMP_ACT_TRACE(1u << 12));
	a = (struct lsec_sc_action){ LSEC_SC_TRAP, 0 };
	assert_int_equal(lsec_sc_report_act(&a), SCMP_ACT_TRAP);
	a = (struct lsec_sc_action){ LSEC_SC_ALLOW, 0 };
	assert_int_equal(lsec_sc_report_act(&a), SCMP_ACT_ALLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(learn_names),
		cmocka_unit_test(learn_args),
		cmocka_unit_test(learn_other_abi),
		cmocka_unit_test(systemd_dropin),
		cmocka_unit_test(report_names),
		cmocka_unit_test(report_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
