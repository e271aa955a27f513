/* SPDX-License-Identifier: MIT */
/* The AppArmor -> Landlock mapping and the plan built from a profile (glob
 * expansion against a test directory, widening, deny, notes).  Nothing here
 * restricts the test process: plans are computed with a given ABI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsec/apparmor.h"
#include "lsec/landlock.h"
#include "lsec/util.h"

static char dir[64];

static void touch(const char *rel)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static int setup(void **state)
{
	char p[128];

	(void)state;
	strcpy(dir, "/tmp/lsec-ll-unit.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/data", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/data/sub", dir);
	mkdir(p, 0755);
	touch("data/a.txt");
	touch("data/b.txt");
	touch("data/c.log");
	touch("data/sub/secret");
	touch("single");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_mapping(void **state)
{
	(void)state;
	/* the documented table, lsec-profile(8) "ENFORCING WITH LANDLOCK" */
	assert_int_equal(lsec_landlock_access(LSEC_AA_R, false),
			 LSEC_LL_READ_FILE | LSEC_LL_IOCTL_DEV);
	assert_int_equal(lsec_landlock_access(LSEC_AA_R, true),
			 LSEC_LL_READ_FILE | LSEC_LL_READ_DIR | LSEC_LL_IOCTL_DEV);
	assert_int_equal(lsec_landlock_access(LSEC_AA_W, false),
			 LSEC_LL_WRITE_FILE | LSEC_LL_TRUNCATE | LSEC_LL_IOCTL_DEV);
	assert_int_equal(lsec_landlock_access(LSEC_AA_W, true),
			 LSEC_LL_WRITE_FILE | LSEC_LL_TRUNCATE | LSEC_LL_IOCTL_DEV |
				 LSEC_LL_MAKE_REG | LSEC_LL_MAKE_DIR | LSEC_LL_MAKE_SOCK |
				 LSEC_LL_MAKE_FIFO | LSEC_LL_MAKE_SYM |
				 LSEC_LL_REMOVE_FILE | LSEC_LL_REMOVE_DIR);
	assert_int_equal(lsec_landlock_access(LSEC_AA_A, false), LSEC_LL_WRITE_FILE);
	assert_int_equal(lsec_landlock_access(LSEC_AA_A, true),
			 LSEC_LL_WRITE_FILE | LSEC_LL_MAKE_REG);
	assert_int_equal(lsec_landlock_access(LSEC_AA_L, false), 0);
	assert_int_equal(lsec_landlock_access(LSEC_AA_L, true),
			 LSEC_LL_MAKE_REG | LSEC_LL_MAKE_SYM | LSEC_LL_REFER);
	assert_int_equal(lsec_landlock_access(LSEC_AA_K, false), 0);
	assert_int_equal(lsec_landlock_access(LSEC_AA_M, false), LSEC_LL_READ_FILE);
	assert_int_equal(lsec_landlock_access(LSEC_AA_IX, false), LSEC_LL_EXECUTE);
	assert_int_equal(lsec_landlock_access(LSEC_AA_PX, false), LSEC_LL_EXECUTE);
	assert_int_equal(lsec_landlock_access(LSEC_AA_UX, false), LSEC_LL_EXECUTE);
	/* ABI table */
	assert_int_equal(lsec_landlock_fs_rights(1), (1ULL << 13) - 1);
	assert_int_equal(lsec_landlock_fs_rights(2), (1ULL << 14) - 1);
	assert_int_equal(lsec_landlock_fs_rights(3), (1ULL << 15) - 1);
	assert_int_equal(lsec_landlock_fs_rights(4), (1ULL << 15) - 1);
	assert_int_equal(lsec_landlock_fs_rights(7), (1ULL << 16) - 1);
}

static void plan_text(const char *body, struct lsec_aa_policy *pol,
		      struct lsec_ll_plan *plan, int abi)
{
	char *text;
	struct lsec_err e = { 0 };
	int r;

	assert_true(asprintf(&text, "profile t {\n%s}\n", body) > 0);
	r = lsec_aa_parse_string("t.prof", text, NULL, pol, &e);
	free(text);
	if (r < 0)
		fail_msg("parse: %s: %s", e.where, e.msg);
	r = lsec_landlock_plan(&pol->profiles[0], NULL, abi, plan, &e);
	if (r < 0)
		fail_msg("plan: %s", e.msg);
}

static const struct lsec_ll_rule *find(const struct lsec_ll_plan *p, const char *rel)
{
	char path[256];
	size_t i;

	snprintf(path, sizeof(path), "%s%s%s", rel[0] == '/' ? "" : dir,
		 rel[0] == '/' ? "" : "/", rel);
	for (i = 0; i < p->nrules; i++)
		if (streq(p->rules[i].path, path))
			return &p->rules[i];
	return NULL;
}

static bool has_note(const struct lsec_ll_plan *p, const char *what)
{
	size_t i;

	for (i = 0; i < p->nnotes; i++)
		if (strstr(p->notes[i].what, what))
			return true;
	return false;
}

static void test_plan_files(void **state)
{
	struct lsec_aa_policy pol;
	struct lsec_ll_plan plan;
	char body[2048];
	const struct lsec_ll_rule *r;

	(void)state;
	snprintf(body, sizeof(body),
		 "  %s/data/*.txt r,\n"     /* expanded: a.txt, b.txt only */
		 "  %s/single rw,\n"        /* one file */
		 "  %s/data/sub/ r,\n"      /* the directory itself: listing */
		 "  %s/out/new.log w,\n"    /* parent missing: left out */
		 "  %s/data/new-* w,\n"     /* created later: widened to data/ */
		 "  owner %s/single k,\n"
		 "  %s/nothing/** r,\n",
		 dir, dir, dir, dir, dir, dir, dir);
	plan_text(body, &pol, &plan, 3);
	assert_int_equal(plan.abi, 3);
	assert_int_equal(plan.handled_fs, (1ULL << 15) - 1);
	r = find(&plan, "data/a.txt");
	assert_non_null(r);
	assert_false(r->dir);
	assert_int_equal(r->access, LSEC_LL_READ_FILE); /* no ioctl_dev at ABI 3 */
	assert_non_null(find(&plan, "data/b.txt"));
	assert_null(find(&plan, "data/c.log"));
	r = find(&plan, "single");
	assert_int_equal(r->access, LSEC_LL_READ_FILE | LSEC_LL_WRITE_FILE | LSEC_LL_TRUNCATE);
	r = find(&plan, "data/sub");
	assert_true(r->dir);
	assert_int_equal(r->access, LSEC_LL_READ_DIR);
	assert_null(find(&plan, "out"));
	r = find(&plan, "data");
	assert_non_null(r);
	assert_true(r->dir);
	assert_true(r->access & LSEC_LL_MAKE_REG);
	assert_true(has_note(&plan, "may be created later"));
	assert_true(has_note(&plan, "owner"));
	assert_true(has_note(&plan, "file locking"));
	assert_true(has_note(&plan, "no network rules"));
	assert_true(plan.net_filter);
	lsec_landlock_plan_free(&plan);
	lsec_aa_policy_free(&pol);
}

static void test_plan_deny(void **state)
{
	struct lsec_aa_policy pol;
	struct lsec_ll_plan plan;
	char body[1024];
	const struct lsec_ll_rule *r;

	(void)state;
	snprintf(body, sizeof(body),
		 "  %s/data/** rw,\n"
		 "  %s/single rw,\n"
		 "  deny %s/single w,\n"         /* exact: w taken away */
		 "  deny %s/data/sub/secret r,\n", /* inside an allowed tree */
		 dir, dir, dir, dir);
	plan_text(body, &pol, &plan, 7);
	r = find(&plan, "single");
	assert_int_equal(r->access, LSEC_LL_READ_FILE | LSEC_LL_IOCTL_DEV);
	r = find(&plan, "data");
	assert_true(r->dir);
	assert_true(r->access & LSEC_LL_READ_FILE);
	assert_true(has_note(&plan, "deny inside the allowed tree"));
	lsec_landlock_plan_free(&plan);
	lsec_aa_policy_free(&pol);
}

static void test_plan_network(void **state)
{
	struct lsec_aa_policy pol;
	struct lsec_ll_plan plan;

	(void)state;
	plan_text("  network inet stream,\n  network inet6,\n  deny network inet6 raw,\n"
		  "  network udp,\n",
		  &pol, &plan, 7);
	assert_true(plan.net_filter);
	assert_true(plan.allowed[AF_INET][SOCK_STREAM]);
	assert_true(plan.allowed[AF_INET][SOCK_DGRAM]); /* udp: any family, dgram */
	assert_false(plan.allowed[AF_INET][SOCK_RAW]);
	assert_true(plan.allowed[AF_INET6][SOCK_DGRAM]);
	assert_false(plan.allowed[AF_INET6][SOCK_RAW]);
	assert_true(plan.allowed[AF_UNIX][SOCK_STREAM]);
	assert_false(plan.allowed[AF_PACKET][SOCK_RAW]);
	assert_true(has_note(&plan, "protocol udp"));
	lsec_landlock_plan_free(&plan);
	lsec_aa_policy_free(&pol);

	plan_text("  network,\n  capability,\n  deny capability sys_admin,\n", &pol, &plan, 7);
	assert_false(plan.net_filter);
	assert_int_equal(plan.caps, ~(1ULL << 21));
	lsec_landlock_plan_free(&plan);
	lsec_aa_policy_free(&pol);
}

static void test_plan_exec(void **state)
{
	struct lsec_aa_policy pol;
	struct lsec_ll_plan plan;
	struct lsec_err e = { 0 };
	const struct lsec_ll_rule *r;

	(void)state;
	if (access("/bin/sh", X_OK) < 0)
		skip();
	assert_int_equal(lsec_aa_parse_string("t", "profile t {\n /usr/bin/helper Px,\n"
					      " capability chown,\n}\n",
					      NULL, &pol, &e),
			 0);
	assert_int_equal(lsec_landlock_plan(&pol.profiles[0], "/bin/sh", 7, &plan, &e), 0);
	r = find(&plan, "/bin/sh");
	assert_non_null(r);
	assert_true(r->access & LSEC_LL_EXECUTE);
	assert_true(has_note(&plan, "interpreter"));
	assert_int_equal(plan.caps, 1ULL << 0); /* chown */
	lsec_landlock_plan_free(&plan);
	lsec_aa_policy_free(&pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_plan_files),
		cmocka_unit_test(test_plan_deny),
		cmocka_unit_test(test_plan_network),
		cmocka_unit_test(test_plan_exec),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
