/* SPDX-License-Identifier: MIT */
/* lib/seccomp: groups, families, entries, conditions, policy files, resolve. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>

#include "lsec/jsonread.h"
#include "lsec/seccomp.h"
#include "lsec/util.h"

static int resolves_fn(const char *name, void *ud)
{
	const char *g = ud;

	if (!lsec_sc_known(name))
		fail_msg("group %s: member '%s' is unknown to libseccomp", g, name);
	return 0;
}

static void groups_sorted_known_helped(void **state)
{
	const struct lsec_sc_group *g;
	struct lsec_err e = { 0 };
	size_t n = 0;

	(void)state;
	for (g = lsec_sc_groups; g->name; g++, n++) {
		assert_true(g->name[0] == '@');
		assert_non_null(g->help);
		assert_true(strlen(g->help) > 5);
		if (g[1].name && strcmp(g->name, g[1].name) >= 0)
			fail_msg("groups not sorted: %s before %s", g->name,
				 g[1].name);
		assert_int_equal(lsec_sc_group_each(g, resolves_fn,
						    (void *)g->name, &e),
				 0);
		assert_ptr_equal(lsec_sc_group_find(g->name), g);
	}
	/* systemd's names where they overlap */
	const char *want[] = { "@file-system", "@network-io", "@process",
			       "@privileged", "@mount", "@module", "@raw-io",
			       "@reboot", "@swap", "@clock", "@debug",
			       "@obsolete", "@system-service", "@default" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!lsec_sc_group_find(want[i]))
			fail_msg("missing group %s", want[i]);
	assert_true(n >= 20);
}

static void families(void **state)
{
	const struct lsec_sc_family_def *f;
	const char *const *m;
	bool found;

	(void)state;
	for (f = lsec_sc_families; f->name; f++) {
		if (f[1].name && strcmp(f->name, f[1].name) >= 0)
			fail_msg("families not sorted: %s", f->name);
		for (m = f->members, found = false; *m; m++) {
			if (!lsec_sc_known(*m))
				fail_msg("family %s: %s unknown", f->name, *m);
			found = found || streq(*m, f->name);
		}
	}
	m = lsec_sc_family("open");
	assert_non_null(m);
	const char *open_fam[] = { "open", "openat", "openat2", "creat",
				   "open_by_handle_at" };
	for (size_t i = 0; i < 5; i++) {
		bool in = false;

		for (const char *const *x = m; *x; x++)
			in = in || streq(*x, open_fam[i]);
		if (!in)
			fail_msg("open family lacks %s", open_fam[i]);
	}
	assert_null(lsec_sc_family("openat")); /* a member means itself */
	assert_non_null(lsec_sc_family("stat"));
}

static void actions(void **state)
{
	struct lsec_sc_action a;
	struct lsec_err e = { 0 };
	char b[32];

	(void)state;
	assert_int_equal(lsec_sc_action_parse("errno", &a, &e), 0);
	assert_int_equal(a.kind, LSEC_SC_ERRNO);
	assert_int_equal(a.err, EPERM);
	assert_int_equal(lsec_sc_action_parse("errno:EACCES", &a, &e), 0);
	assert_int_equal(a.err, EACCES);
	assert_string_equal(lsec_sc_action_str(&a, b, sizeof(b)), "errno:EACCES");
	assert_int_equal(lsec_sc_action_parse("errno:38", &a, &e), 0);
	assert_int_equal(a.err, ENOSYS);
	assert_int_equal(lsec_sc_action_parse("kill", &a, &e), 0);
	assert_int_equal(a.kind, LSEC_SC_KILL);
	assert_true(lsec_sc_action_parse("errno:EBOGUS", &a, &e) < 0);
	assert_non_null(strstr(e.msg, "EBOGUS"));
	assert_true(lsec_sc_action_parse("errno:5000", &a, &e) < 0);
	assert_true(lsec_sc_action_parse("kill-thread", &a, &e) < 0);
	assert_true(lsec_sc_action_parse("explode", &a, &e) < 0);
	assert_non_null(strstr(e.msg, "explode"));
}

static void conditions(void **state)
{
	struct lsec_sc_cond c[LSEC_SC_MAX_COND];
	struct lsec_err e = { 0 };
	char name[LSEC_SC_NAME_MAX];
	unsigned n;

	(void)state;
	assert_int_equal(lsec_sc_cond_parse("arg0==AF_INET", c, &e), 0);
	assert_int_equal(c[0].arg, 0);
	assert_int_equal(c[0].op, LSEC_SC_EQ);
	assert_int_equal(c[0].val, 2);
	assert_int_equal(lsec_sc_cond_parse("arg2!=0x10", c, &e), 0);
	assert_int_equal(c[0].op, LSEC_SC_NE);
	assert_int_equal(c[0].val, 16);
	assert_int_equal(lsec_sc_cond_parse("arg1<=7", c, &e), 0);
	assert_int_equal(c[0].op, LSEC_SC_LE);
	assert_int_equal(lsec_sc_cond_parse("arg0&CLONE_NEWUSER|CLONE_NEWNET==0", c, &e), 0);
	assert_int_equal(c[0].op, LSEC_SC_MASKED_EQ);
	assert_int_equal(c[0].mask, 0x10000000 | 0x40000000);
	assert_int_equal(c[0].val, 0);
	/* malformed */
	const char *bad[] = { "arg6==1", "arg0", "arg0==", "arg0=1",
			      "argx==1", "arg0==AF_NOPE", "arg0&==1", "foo" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (lsec_sc_cond_parse(bad[i], c, &e) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(e.input);
	}
	assert_int_equal(lsec_sc_entry_parse("socket:arg0==AF_INET:arg1==SOCK_RAW",
					     name, sizeof(name), c, &n, &e), 0);
	assert_string_equal(name, "socket");
	assert_int_equal(n, 2);
	assert_int_equal(c[1].val, 3);
	assert_true(lsec_sc_entry_parse("socket:arg0==1:arg0==2", name,
					sizeof(name), c, &n, &e) < 0);
	assert_true(lsec_sc_entry_parse("socket:", name, sizeof(name), c, &n, &e) < 0);
}

static void lists(void **state)
{
	struct lsec_sc_policy p;
	struct lsec_err e = { 0 };
	size_t i;
	bool openat = false;

	(void)state;
	lsec_sc_policy_init(&p);
	assert_int_equal(lsec_sc_policy_add_list(&p, false, "open,@mount", NULL, 0, &e), 2);
	for (i = 0; i < p.n; i++)
		openat = openat || streq(p.rules[i].name, "openat");
	assert_true(openat);
	assert_true(lsec_sc_policy_add_list(&p, false, "nosuchcall", NULL, 0, &e) < 0);
	assert_non_null(strstr(e.msg, "nosuchcall"));
	assert_true(lsec_sc_policy_add_list(&p, false, "@nosuch", NULL, 0, &e) < 0);
	assert_non_null(strstr(e.msg, "@nosuch"));
	assert_true(lsec_sc_policy_add_list(&p, false, "socket:arg9==1", NULL, 0, &e) < 0);
	assert_non_null(strstr(e.msg, "socket:arg9==1"));
	lsec_sc_policy_free(&p);
	/* --exact: open is only open */
	lsec_sc_policy_init(&p);
	p.exact = true;
	assert_int_equal(lsec_sc_policy_add_list(&p, false, "open", NULL, 0, &e), 1);
	assert_int_equal(p.n, 1);
	lsec_sc_policy_free(&p);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/lsec-unit-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void policy_files(void **state)
{
	struct lsec_sc_policy p;
	struct lsec_sc_filter f;
	struct lsec_err e = { 0 };
	char *inc, *path, text[1200];
	struct lsec_sc_action a;

	(void)state;
	inc = write_tmp("deny ptrace\n");
	snprintf(text, sizeof(text),
		 "# a comment\n"
		 "default errno:ENOSYS\n"
		 "allow @system-service   # base\n"
		 "action errno:EACCES\n"
		 "deny @mount, socket:arg0==AF_PACKET\n"
		 "option native-only yes\n"
		 "@include %s\n",
		 inc);
	path = write_tmp(text);
	lsec_sc_policy_init(&p);
	assert_int_equal(lsec_sc_policy_load(&p, path, &e), 0);
	assert_true(p.native_only);
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	a = lsec_sc_filter_action(&f, "mount");
	assert_int_equal(a.kind, LSEC_SC_ERRNO);
	assert_int_equal(a.err, EACCES);
	a = lsec_sc_filter_action(&f, "ptrace");
	assert_int_equal(a.err, EACCES); /* an include is read in place */
	a = lsec_sc_filter_action(&f, "read");
	assert_int_equal(a.kind, LSEC_SC_ALLOW);
	a = lsec_sc_filter_action(&f, "io_uring_setup");
	assert_int_equal(a.err, ENOSYS);
	/* socket is allowed by @system-service: the AF_PACKET deny narrows it
	 * in the second (refine) filter */
	assert_true(f.nrefine == 1);
	assert_string_equal(f.refine[0].name, "socket");
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
	unlink(path);
	free(path);
	unlink(inc);
	free(inc);

	/* @include @GROUP is allow @GROUP; options */
	path = write_tmp("@include @default\noption io-uring yes\n"
			 "option log\ndeny io_uring_setup\n");
	lsec_sc_policy_init(&p);
	assert_int_equal(lsec_sc_policy_load(&p, path, &e), 0);
	assert_true(p.io_uring && p.log);
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	assert_int_equal(f.def.err, ENOSYS); /* allowlist */
	assert_int_equal(lsec_sc_filter_action(&f, "execve").kind, LSEC_SC_ALLOW);
	assert_int_equal(lsec_sc_filter_action(&f, "io_uring_setup").err, EPERM);
	assert_int_equal(lsec_sc_filter_action(&f, "io_uring_enter").err, ENOSYS);
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
	unlink(path);
	free(path);

	/* errors carry FILE:LINE and name the entry */
	const char *bad[][2] = {
		{ "deny open\nfrobnicate x\n", ":2" },
		{ "\n\ndeny nosuchcall\n", ":3" },
		{ "deny @bogus\n", "@bogus" },
		{ "action errno:ENOPE\n", "ENOPE" },
		{ "deny socket:arg0=2\n", "socket:arg0=2" },
		{ "option colour yes\n", "colour" },
		{ "@include /nonexistent/x.policy\n", "/nonexistent/x.policy" },
		{ "deny\n", ":1" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = write_tmp(bad[i][0]);
		memset(&e, 0, sizeof(e));
		lsec_sc_policy_init(&p);
		if (lsec_sc_policy_load(&p, path, &e) == 0)
			fail_msg("accepted: %s", bad[i][0]);
		assert_true(e.input);
		snprintf(text, sizeof(text), "%s: %s", e.where, e.msg);
		if (!strstr(text, bad[i][1]) || !strstr(text, path))
			fail_msg("'%s' for %s lacks %s", text, bad[i][0], bad[i][1]);
		lsec_sc_policy_free(&p);
		unlink(path);
		free(path);
	}
}

static void resolve_rules(void **state)
{
	struct lsec_sc_policy p;
	struct lsec_sc_filter f;
	struct lsec_err e = { 0 };

	(void)state;
	/* denylist: default allow, io_uring denied with ENOSYS */
	lsec_sc_policy_init(&p);
	assert_true(lsec_sc_policy_add_list(&p, false, "open", NULL, 0, &e) > 0);
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	assert_int_equal(f.def.kind, LSEC_SC_ALLOW);
	assert_int_equal(lsec_sc_filter_action(&f, "openat").err, EPERM);
	assert_int_equal(lsec_sc_filter_action(&f, "io_uring_enter").err, ENOSYS);
	lsec_sc_filter_free(&f);
	p.io_uring = true;
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	assert_int_equal(lsec_sc_filter_action(&f, "io_uring_enter").kind, LSEC_SC_ALLOW);
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
	/* allowlist: default ENOSYS; the stricter rule wins */
	lsec_sc_policy_init(&p);
	assert_true(lsec_sc_policy_add_list(&p, true, "@default,@basic-io", NULL, 0, &e) > 0);
	p.deny_act = (struct lsec_sc_action){ LSEC_SC_KILL, 0 };
	assert_true(lsec_sc_policy_add_list(&p, false, "write", NULL, 0, &e) > 0);
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	assert_int_equal(f.def.kind, LSEC_SC_ERRNO);
	assert_int_equal(f.def.err, ENOSYS);
	assert_int_equal(lsec_sc_filter_action(&f, "write").kind, LSEC_SC_KILL);
	assert_int_equal(lsec_sc_filter_action(&f, "read").kind, LSEC_SC_ALLOW);
	assert_int_equal(lsec_sc_filter_action(&f, "mount").err, ENOSYS);
	assert_true(f.nnotes > 0); /* "overridden" note */
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
}

static void json_reader(void **state)
{
	struct lsec_jv *v = NULL;
	struct lsec_err e = { 0 };
	uint64_t u;

	(void)state;
	assert_int_equal(lsec_jv_parse("{\"a\": [1, -2, \"x\\u00e9\\n\"], \"b\": "
				       "{\"c\": null, \"d\": true}}",
				       "t", &v, &e),
			 0);
	assert_int_equal(lsec_jv_get(v, "a")->n, 3);
	assert_int_equal(lsec_jv_u64(&lsec_jv_get(v, "a")->kid[0], &u), 0);
	assert_int_equal(u, 1);
	assert_string_equal(lsec_jv_get(v, "a")->kid[2].str, "x\xc3\xa9\n");
	assert_true(lsec_jv_get(lsec_jv_get(v, "b"), "d")->b);
	lsec_jv_free(v);
	const char *bad[] = { "{", "[1,]", "{\"a\" 1}", "\"abc", "[1] x", "tru",
			      "{\"a\":\"\\q\"}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = NULL;
		if (lsec_jv_parse(bad[i], "t", &v, &e) == 0)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(e.where, "t:1"));
	}
}

/* A policy with no rules (an empty file, found by fuzzing: the rule copy
 * took a NULL array) resolves to "allow everything". */
static void empty_policy(void **state)
{
	struct lsec_sc_policy p;
	struct lsec_sc_filter f;
	struct lsec_err e = { 0 };
	struct lsec_sc_action a;
	char *path = write_tmp("# nothing\n");

	(void)state;
	lsec_sc_policy_init(&p);
	assert_int_equal(lsec_sc_policy_load(&p, path, &e), 0);
	unlink(path);
	free(path);
	memset(&f, 0, sizeof(f));
	assert_int_equal(lsec_sc_resolve(&p, &f, &e), 0);
	assert_int_equal(f.def.kind, LSEC_SC_ALLOW);
	a = lsec_sc_filter_action(&f, "mount");
	assert_int_equal(a.kind, LSEC_SC_ALLOW);
	lsec_sc_filter_free(&f);
	lsec_sc_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_sorted_known_helped),
		cmocka_unit_test(families),
		cmocka_unit_test(actions),
		cmocka_unit_test(conditions),
		cmocka_unit_test(lists),
		cmocka_unit_test(policy_files),
		cmocka_unit_test(resolve_rules),
		cmocka_unit_test(empty_policy),
		cmocka_unit_test(json_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
