/* SPDX-License-Identifier: MIT */
/* The AppArmor profile parser and model: escapes, tunables, includes,
 * FILE:LINE errors, permissions, globs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsec/apparmor.h"
#include "lsec/util.h"

static char base[64];

static void write_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A private /etc/apparmor.d stand-in with tunables and abstractions. */
static int setup(void **state)
{
	char d[128];

	(void)state;
	strcpy(base, "/tmp/lsec-aa-unit.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	snprintf(d, sizeof(d), "%s/tunables", base);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/tunables/home.d", base);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/abstractions", base);
	mkdir(d, 0755);
	write_file("tunables/global",
		   "# comment\n#include <tunables/home>\ninclude <tunables/proc>\n");
	write_file("tunables/home",
		   "@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n"
		   "include <tunables/home.d>\n");
	write_file("tunables/home.d/extra", "@{HOMEDIRS}+=/srv/home/\n");
	write_file("tunables/proc", "@{PROC}=/proc/\n@{pid}={[1-9],[1-9][0-9]}\n");
	write_file("abstractions/base", "  /etc/ld.so.cache mr,\n  include if exists <abstractions/base.d>\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd);
}

static int parse(const char *text, struct lsec_aa_policy *p, struct lsec_err *e)
{
	struct lsec_aa_parse_opts o = { .base_dir = base };

	memset(e, 0, sizeof(*e));
	return lsec_aa_parse_string("t.prof", text, &o, p, e);
}

static const struct lsec_aa_rule *rule(const struct lsec_aa_policy *p, size_t i)
{
	assert_true(p->nprofiles >= 1);
	assert_true(i < p->profiles[0].nrules);
	return &p->profiles[0].rules[i];
}

static void test_header_and_rules(void **state)
{
	struct lsec_aa_policy p;
	struct lsec_err e;

	(void)state;
	assert_int_equal(parse("abi <abi/3.0>,\n"
			       "include <tunables/global>\n"
			       "profile web /usr/bin/web flags=(complain) {\n"
			       "  include <abstractions/base>\n"
			       "  /srv/www/** r,\n"
			       "  owner /var/log/web.log w,\n"
			       "  rw /tmp/x,\n"
			       "  deny /etc/shadow r,\n"
			       "  network inet stream,\n"
			       "  capability net_bind_service,\n"
			       "  /usr/bin/helper Px -> other,\n"
			       "  signal (receive) peer=unconfined,\n"
			       "}\n",
			       &p, &e),
			 0);
	assert_string_equal(p.abi, "abi/3.0");
	assert_int_equal(p.nprofiles, 1);
	assert_string_equal(p.profiles[0].name, "web");
	assert_string_equal(p.profiles[0].attach, "/usr/bin/web");
	assert_true(p.profiles[0].flags & LSEC_AA_F_COMPLAIN);
	/* the included rule comes first, with its own file and line */
	assert_string_equal(rule(&p, 0)->path, "/etc/ld.so.cache");
	assert_int_equal(rule(&p, 0)->perms, LSEC_AA_M | LSEC_AA_R);
	assert_non_null(strstr(rule(&p, 0)->file, "abstractions/base"));
	assert_int_equal(rule(&p, 0)->line, 1);
	assert_string_equal(rule(&p, 1)->path, "/srv/www/**");
	assert_int_equal(rule(&p, 1)->line, 5);
	assert_true(rule(&p, 2)->qual & LSEC_AA_Q_OWNER);
	assert_int_equal(rule(&p, 2)->perms, LSEC_AA_W);
	assert_string_equal(rule(&p, 3)->path, "/tmp/x"); /* PERMS PATH form */
	assert_int_equal(rule(&p, 3)->perms, LSEC_AA_R | LSEC_AA_W);
	assert_true(rule(&p, 4)->qual & LSEC_AA_Q_DENY);
	assert_int_equal(rule(&p, 5)->kind, LSEC_AA_RULE_NETWORK);
	assert_int_equal(rule(&p, 5)->family, 2);
	assert_int_equal(rule(&p, 5)->type, 1);
	assert_int_equal(rule(&p, 6)->kind, LSEC_AA_RULE_CAPABILITY);
	assert_string_equal(rule(&p, 6)->cap, "net_bind_service");
	assert_int_equal(rule(&p, 7)->perms, LSEC_AA_PX);
	assert_string_equal(rule(&p, 7)->exec_target, "other");
	assert_int_equal(rule(&p, 8)->kind, LSEC_AA_RULE_OTHER);
	assert_string_equal(rule(&p, 8)->keyword, "signal");
	assert_int_equal(p.nincludes, 5); /* global, home, home.d, proc, base; base.d absent */
	lsec_aa_policy_free(&p);
}

static void test_escapes(void **state)
{
	struct lsec_aa_policy p;
	struct lsec_err e;
	char *u;

	(void)state;
	assert_int_equal(parse("profile x {\n"
			       "  \"/srv/My Site/a\\\"b\" r,\n"
			       "  \"/srv/\\101\\*\\?\\[\\]\\{\\}\\^\\\\\" r,\n"
			       "  \"/srv/\\012nl\" r,\n"
			       "  /srv/a,b r,\n"
			       "}\n",
			       &p, &e),
			 0);
	assert_string_equal(rule(&p, 0)->path, "/srv/My Site/a\"b");
	/* literal glob characters stay escaped in the pattern... */
	assert_string_equal(rule(&p, 1)->path, "/srv/A\\*\\?\\[\\]\\{\\}\\^\\\\");
	assert_false(lsec_aa_pattern_has_glob(rule(&p, 1)->path));
	/* ...and match only themselves */
	assert_true(lsec_aa_glob_match(rule(&p, 1)->path, "/srv/A*?[]{}^\\"));
	assert_false(lsec_aa_glob_match(rule(&p, 1)->path, "/srv/Ax?[]{}^\\"));
	u = lsec_aa_pattern_unescape(rule(&p, 1)->path);
	assert_string_equal(u, "/srv/A*?[]{}^\\");
	free(u);
	assert_string_equal(rule(&p, 2)->path, "/srv/\nnl");
	assert_string_equal(rule(&p, 3)->path, "/srv/a,b");
	lsec_aa_policy_free(&p);

	/* quoting round trip */
	u = lsec_aa_quote_path("/a \"b\"*\n\xff");
	assert_string_equal(u, "\"/a \\\"b\\\"\\*\\012\\377\"");
	free(u);
}

static void test_tunables(void **state)
{
	struct lsec_aa_policy p;
	struct lsec_err e;

	(void)state;
	assert_int_equal(parse("include <tunables/global>\n"
			       "@{exec_path} = /usr/bin/web\n"
			       "profile web @{exec_path} {\n"
			       "  @{exec_path} mr,\n"
			       "  @{HOME}/.webrc r,\n"
			       "  @{PROC}/@{pid}/status r,\n"
			       "}\n",
			       &p, &e),
			 0);
	assert_string_equal(p.profiles[0].attach, "/usr/bin/web");
	assert_string_equal(rule(&p, 0)->path, "/usr/bin/web");
	/* multi-valued variables become alternatives; += appended; // collapsed */
	assert_string_equal(rule(&p, 1)->path, "{{/home/,/srv/home/}/*/,/root/}/.webrc");
	assert_true(lsec_aa_glob_match(rule(&p, 1)->path, "/home/ann/.webrc"));
	assert_true(lsec_aa_glob_match(rule(&p, 1)->path, "/srv/home/bob/.webrc"));
	assert_true(lsec_aa_glob_match(rule(&p, 1)->path, "/root/.webrc"));
	assert_false(lsec_aa_glob_match(rule(&p, 1)->path, "/home/a/b/.webrc"));
	assert_true(lsec_aa_glob_match(rule(&p, 2)->path, "/proc/42/status"));
	assert_false(lsec_aa_glob_match(rule(&p, 2)->path, "/proc/self/status"));
	lsec_aa_policy_free(&p);
}

static void expect_error(const char *text, const char *where, const char *msg)
{
	struct lsec_aa_policy p;
	struct lsec_err e;

	assert_int_equal(parse(text, &p, &e), -EINVAL);
	assert_true(e.input);
	if (!strstr(e.where, where) || !strstr(e.msg, msg))
		fail_msg("for %s: got '%s: %s', want '%s' and '%s'", text, e.where,
			 e.msg, where, msg);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("profile x {\n  /srv/My Site r,\n}\n", "t.prof:2", "quote paths");
	expect_error("profile x {\n  /srv/a, r,\n}\n", "t.prof:2", "got ','");
	expect_error("profile x {\n  /srv/a!b r,\n}\n", "t.prof:2", "unexpected '!'");
	expect_error("profile x {\n\n  @{nope}/x r,\n}\n", "t.prof:3", "@{nope} is never declared");
	expect_error("profile x {\n  /a rwa,\n}\n", "t.prof:2", "conflict 'a' and 'w'");
	expect_error("profile x {\n  /a x,\n}\n", "t.prof:2", "exec qualifier");
	expect_error("profile x {\n  /a ixpx,\n}\n", "t.prof:2", "conflicting exec qualifiers");
	expect_error("profile x {\n  deny /a ix,\n}\n", "t.prof:2", "bare 'x'");
	expect_error("profile x {\n  /a{b r,\n}\n", "t.prof:2", "unbalanced '{'");
	expect_error("profile x {\n  /a]b r,\n}\n", "t.prof:2", "unbalanced ']'");
	expect_error("profile x {\n  rel/path r,\n}\n", "t.prof:2", "must be absolute");
	expect_error("profile x {\n  capability frob,\n}\n", "t.prof:2", "invalid capability 'frob'");
	expect_error("profile x {\n  network inet bogus,\n}\n", "t.prof:2", "'bogus'");
	expect_error("profile x flags=(frob) {\n}\n", "t.prof:1", "invalid profile flag 'frob'");
	expect_error("profile foo bar {\n}\n", "t.prof:1", "must begin with '/'");
	expect_error("profile x {\n  /a r\n}\n", "t.prof:3", "expected ','");
	expect_error("profile x {\n  /a r,\n", "t.prof:3", "missing '}'");
	expect_error("profile x {\n  include <abstractions/nosuch>\n}\n", "t.prof:2",
		     "abstractions/nosuch");
	expect_error("profile x {\n  /a\"b r,\n}\n", "t.prof:2", "unexpected '\"'");
	expect_error("profile x {\n  \"/a r,\n}\n", "t.prof:2", "unterminated");
	expect_error("# nothing\n", "t.prof:1", "no profile");
	/* variables that list the one before 8 times: 8^7 alternatives would
	 * take gigabytes (found by fuzzing); refused at 1 MiB */
	expect_error("@{v0}=a\n@{v1}=@{v0} @{v0} @{v0} @{v0} @{v0} @{v0} @{v0} @{v0}\n"
		     "@{v2}=@{v1} @{v1} @{v1} @{v1} @{v1} @{v1} @{v1} @{v1}\n"
		     "@{v3}=@{v2} @{v2} @{v2} @{v2} @{v2} @{v2} @{v2} @{v2}\n"
		     "@{v4}=@{v3} @{v3} @{v3} @{v3} @{v3} @{v3} @{v3} @{v3}\n"
		     "@{v5}=@{v4} @{v4} @{v4} @{v4} @{v4} @{v4} @{v4} @{v4}\n"
		     "@{v6}=@{v5} @{v5} @{v5} @{v5} @{v5} @{v5} @{v5} @{v5}\n"
		     "@{v7}=@{v6} @{v6} @{v6} @{v6} @{v6} @{v6} @{v6} @{v6}\n"
		     "profile x {\n  /tmp/@{v7} r,\n}\n",
		     "t.prof:10", "more than 1048576 bytes");
	/* an error inside an include names the include's own line */
	write_file("abstractions/broken", "/ok r,\n\n/bad rwa,\n");
	expect_error("profile x {\n  include <abstractions/broken>\n}\n",
		     "abstractions/broken:3", "conflict");
	/* include if exists of a missing file is fine */
	{
		struct lsec_aa_policy p;
		struct lsec_err e;

		assert_int_equal(parse("profile x {\n include if exists <local/none>\n}\n", &p, &e), 0);
		lsec_aa_policy_free(&p);
	}
}

static void test_perms(void **state)
{
	char why[128];
	unsigned p;

	(void)state;
	assert_int_equal(lsec_aa_perms_parse("mrixwlk", &p, why, sizeof(why)), 0);
	assert_int_equal(p, LSEC_AA_M | LSEC_AA_R | LSEC_AA_IX | LSEC_AA_W |
				    LSEC_AA_L | LSEC_AA_K);
	assert_int_equal(lsec_aa_perms_parse("Pix", &p, why, sizeof(why)), 0);
	assert_int_equal(p, LSEC_AA_PX);
	assert_int_equal(lsec_aa_perms_parse("Ux", &p, why, sizeof(why)), 0);
	assert_int_equal(p, LSEC_AA_UX);
	assert_int_equal(lsec_aa_perms_parse("rq", &p, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "'q'"));
	lsec_aa_perms_format(LSEC_AA_R | LSEC_AA_M | LSEC_AA_IX, why, sizeof(why));
	assert_string_equal(why, "mrix");
}

static void test_globs(void **state)
{
	char **v;

	(void)state;
	assert_true(lsec_aa_glob_match("/usr/lib/**", "/usr/lib/a/b/c.so"));
	assert_true(lsec_aa_glob_match("/usr/lib/*.so*", "/usr/lib/libc.so.6"));
	assert_false(lsec_aa_glob_match("/usr/lib/*.so*", "/usr/lib/x/libc.so.6"));
	assert_true(lsec_aa_glob_match("/{usr/,}lib{,32}/ld-*.so", "/lib32/ld-x.so"));
	assert_true(lsec_aa_glob_match("/a/[^x]b", "/a/yb"));
	assert_false(lsec_aa_glob_match("/a/[^x]b", "/a/xb"));
	assert_true(lsec_aa_glob_match("/a/?", "/a/z"));
	assert_false(lsec_aa_glob_match("/a/?", "/a//"));
	assert_int_equal(lsec_aa_brace_expand("/{a,b{c,d}}/x", 10, &v), 3);
	assert_string_equal(v[0], "/a/x");
	assert_string_equal(v[1], "/bc/x");
	assert_string_equal(v[2], "/bd/x");
	lsec_aa_strv_free(v);
	assert_int_equal(lsec_aa_brace_expand("/{a,b}{c,d}{e,f}", 4, &v), -E2BIG);
	assert_int_equal(lsec_aa_family_from_name("inet6"), 10);
	assert_string_equal(lsec_aa_socktype_name(2), "dgram");
}

static void test_stock_profiles(void **state)
{
	/* The files apparmor_parser reads on this system parse, if present. */
	struct lsec_aa_policy p;
	struct lsec_err e = { 0 };
	int r;

	(void)state;
	if (access("/etc/apparmor.d/abstractions/base", R_OK) < 0)
		skip();
	r = lsec_aa_parse_string("stock", "include <tunables/global>\n"
				 "profile s {\n include <abstractions/base>\n"
				 " include <abstractions/python>\n"
				 " include <abstractions/nameservice>\n}\n",
				 NULL, &p, &e);
	if (r < 0)
		fail_msg("%s: %s", e.where, e.msg);
	assert_true(p.profiles[0].nrules > 50);
	lsec_aa_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_rules),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_tunables),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_perms),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_stock_profiles),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
