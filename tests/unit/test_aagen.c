/* SPDX-License-Identifier: MIT */
/* Unit tests for the profile generator: escaping, the glob matcher, the
 * path heuristics, directory globbing, abstractions, writer and merge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lsec/aagen.h"
#include "lsec/cleanup.h"
#include "lsec/trace.h"

static void check_escape(const char *raw, const char *want)
{
	_cleanup_free_ char *got = lsec_aa_escape(raw);

	assert_non_null(got);
	assert_string_equal(got, want);
}

static void test_escape(void **state)
{
	(void)state;
	check_escape("/srv/plain.txt", "/srv/plain.txt");
	check_escape("/srv/My Site/x", "/srv/My Site/x");
	check_escape("/a\"b", "/a\\\"b");
	check_escape("/*?[]{}^\\", "/\\*\\?\\[\\]\\{\\}\\^\\\\");
	check_escape("/a\nb\tc", "/a\\012b\\011c");
	check_escape("/\xff\xc3\xa9", "/\\377\\303\\251");
	check_escape("/@{HOME}", "/@\\{HOME\\}");
	check_escape("/a#b,c;d'e!f", "/a#b,c;d'e!f");
	check_escape("/\x7f\x01", "/\\177\\001");
}

static void test_unescape_roundtrip(void **state)
{
	char raw[300];
	int i;

	(void)state;
	for (i = 1; i < 256; i++)
		raw[i - 1] = (char)i;
	raw[255] = '\0';
	{
		_cleanup_free_ char *esc = lsec_aa_escape(raw);
		_cleanup_free_ char *back = lsec_aa_unescape(esc);

		assert_non_null(back);
		assert_memory_equal(back, raw, 256);
		/* every byte matches itself, literally */
		assert_true(lsec_aa_glob_match(esc, raw));
	}
	/* patterns are not literals */
	assert_null(lsec_aa_unescape("/a/*"));
	assert_null(lsec_aa_unescape("@{HOME}/x"));
	assert_null(lsec_aa_unescape("/a{b,c}"));
}

static void test_glob_match(void **state)
{
	(void)state;
	assert_true(lsec_aa_glob_match("/a/*", "/a/b"));
	assert_false(lsec_aa_glob_match("/a/*", "/a/b/c"));
	assert_true(lsec_aa_glob_match("/a/**", "/a/b/c"));
	assert_true(lsec_aa_glob_match("/a/b?", "/a/bc"));
	assert_false(lsec_aa_glob_match("/a/b?", "/a/b/"));
	assert_true(lsec_aa_glob_match("/a/{b,c}d", "/a/cd"));
	assert_false(lsec_aa_glob_match("/a/{b,c}d", "/a/ed"));
	assert_true(lsec_aa_glob_match("/lib{,32,64}/x", "/lib/x"));
	assert_true(lsec_aa_glob_match("/lib{,32,64}/x", "/lib64/x"));
	assert_true(lsec_aa_glob_match("/{usr/,}lib/{a,b{c,d}}/x", "/usr/lib/bd/x"));
	assert_true(lsec_aa_glob_match("/p/[0-9]*", "/p/123"));
	assert_false(lsec_aa_glob_match("/p/[0-9]*", "/p/x23"));
	assert_true(lsec_aa_glob_match("/p/[^a]", "/p/b"));
	assert_false(lsec_aa_glob_match("/p/[^a]", "/p/a"));
	assert_true(lsec_aa_glob_match("/star\\*", "/star*"));
	assert_false(lsec_aa_glob_match("/star\\*", "/starx"));
	assert_true(lsec_aa_glob_match("/lib/**.so*", "/lib/x/libc.so.6"));
	/* a doubled slash from a variable like @{PROC}/ is one slash */
	assert_true(lsec_aa_glob_match("/proc//1/maps", "/proc/1/maps"));
}

static void check_vars(const char *pat, const char *path, bool want)
{
	_cleanup_free_ char *x = lsec_aa_expand_vars(pat);

	assert_non_null(x);
	assert_int_equal(lsec_aa_glob_match(x, path), want);
}

static void test_expand_vars(void **state)
{
	(void)state;
	check_vars("@{PROC}/@{pid}/maps", "/proc/123/maps", true);
	check_vars("@{PROC}/@{pid}/maps", "/proc/self/maps", false);
	check_vars("@{HOME}/.x", "/root/.x", true);
	check_vars("@{HOME}/.x", "/home/alice/.x", true);
	check_vars("@{HOME}/.x", "/srv/.x", false);
	check_vars("@{run}/a", "/var/run/a", true);
	check_vars("@{etc_ro}/passwd", "/etc/passwd", true);
	check_vars("/usr/lib/@{multiarch}/x.so", "/usr/lib/x86_64-linux-gnu/x.so", true);
	assert_null(lsec_aa_expand_vars("@{nosuchvar}/x"));
}

static void check_pattern(const char *raw, bool no_glob, const char *want)
{
	_cleanup_free_ char *got = lsec_aagen_pattern(raw, no_glob);

	assert_non_null(got);
	assert_string_equal(got, want);
}

static void test_pattern(void **state)
{
	(void)state;
	check_pattern("/proc/123/maps", false, "@{PROC}/@{pid}/maps");
	check_pattern("/proc/123/task/456/stat", false,
		      "@{PROC}/@{pid}/task/@{tid}/stat");
	check_pattern("/proc/sys/kernel/x", false, "@{PROC}/sys/kernel/x");
	check_pattern("/sys/devices/x", false, "@{sys}/devices/x");
	check_pattern("/run/app.pid", false, "@{run}/app.pid");
	check_pattern("/var/run/app.pid", false, "@{run}/app.pid");
	check_pattern("/root/.config/x", false, "@{HOME}/.config/x");
	check_pattern("/home/alice/.config/x", false, "@{HOME}/.config/x");
	check_pattern("/home/", false, "/home/");
	check_pattern("/usr/lib/libfoo.so.1.2.3", false, "/usr/lib/libfoo.so*");
	check_pattern("/usr/lib/libfoo.so", false, "/usr/lib/libfoo.so");
	check_pattern("/tmp/tmpa8Xk2q/file", false, "/tmp/tmp*/file");
	check_pattern("/tmp/tmpk3j_2x9a", false, "/tmp/tmp*");
	check_pattern("/tmp/a8Xk2q.lock", false, "/tmp/*.lock");
	check_pattern("/srv/my_file2", false, "/srv/my_file2");
	check_pattern("/tmp/lsec-test.Ab3dEf/x", false, "/tmp/lsec-test.*/x");
	check_pattern("/var/log/app.log", false, "/var/log/app.log");
	check_pattern("/srv/data-1234567.txt", false, "/srv/data-*.txt");
	check_pattern("/srv/release2024", false, "/srv/release2024");
	check_pattern("/srv/0123456789abcdef0123/x", false, "/srv/*/x");
	check_pattern("/tmp/a b*", false, "/tmp/a b\\*");
	/* --no-glob: names exact, tunables still used */
	check_pattern("/usr/lib/libfoo.so.1", true, "/usr/lib/libfoo.so.1");
	check_pattern("/tmp/tmpa8Xk2q", true, "/tmp/tmpa8Xk2q");
	check_pattern("/proc/1/x", true, "@{PROC}/@{pid}/x");
}

static void test_pattern_pids(void **state)
{
	static const long v[] = { 77, 1234, 40000 };
	struct lsec_aagen_pids pids = { v, 3 };
	_cleanup_free_ char *a = lsec_aagen_pattern_pids("/run/app.1234.pid", false, &pids);
	_cleanup_free_ char *b = lsec_aagen_pattern_pids("/srv/1235/x", false, &pids);
	_cleanup_free_ char *c = lsec_aagen_pattern_pids("/srv/77", true, &pids);
	_cleanup_free_ char *d = lsec_aagen_pattern_pids("/var/log/x-40000-77.log", false, &pids);

	(void)state;
	assert_string_equal(a, "@{run}/app.*.pid");
	assert_string_equal(b, "/srv/1235/x");
	assert_string_equal(c, "/srv/77"); /* --no-glob */
	assert_string_equal(d, "/var/log/x-*-*.log");
}

static void test_perms_str(void **state)
{
	char b[16];

	(void)state;
	lsec_aa_perms_str(LSEC_PERM_R | LSEC_PERM_M, 0, b, sizeof(b));
	assert_string_equal(b, "mr");
	lsec_aa_perms_str(LSEC_PERM_W | LSEC_PERM_A, 0, b, sizeof(b));
	assert_string_equal(b, "w");
	lsec_aa_perms_str(LSEC_PERM_A | LSEC_PERM_R, 0, b, sizeof(b));
	assert_string_equal(b, "ra");
	lsec_aa_perms_str(LSEC_PERM_R | LSEC_PERM_M | LSEC_PERM_X, 'i', b, sizeof(b));
	assert_string_equal(b, "mrix");
	lsec_aa_perms_str(LSEC_PERM_X, 'c', b, sizeof(b));
	assert_string_equal(b, "cx");
	lsec_aa_perms_str(LSEC_PERM_L | LSEC_PERM_K | LSEC_PERM_W, 0, b, sizeof(b));
	assert_string_equal(b, "wlk");
}

/* ---- model from a hand-made trace ------------------------------------------ */

struct fixture {
	char dir[64];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char p[256];

	strcpy(fx->dir, "/tmp/lsec-aagen.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(p, sizeof(p), "%s/abstractions", fx->dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/abstractions/base", fx->dir);
	write_file(p, "# test base\n  abi <abi/3.0>,\n  @{etc_ro}/ld.so.cache mr,\n"
		      "  /{usr/,}lib{,32,64}/**.so*   mr,\n  include <abstractions/inner>\n");
	snprintf(p, sizeof(p), "%s/abstractions/inner", fx->dir);
	write_file(p, "  /dev/null rw,\n  dbus send\n       bus=system\n       path=\"/x,y\",\n");
	snprintf(p, sizeof(p), "%s/abstractions/nameservice", fx->dir);
	write_file(p, "  @{etc_ro}/passwd r,\n  @{etc_ro}/{group,hosts} r,\n");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static char *render(struct lsec_trace *t, const char *main_exe,
		    const struct lsec_aagen_opts *o)
{
	struct lsec_aa_doc doc = { 0 };
	struct lsec_err e = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(lsec_aagen_from_trace(t, main_exe, o, &doc, &e), 0);
	assert_int_equal(lsec_aagen_write(f, &doc), 0);
	fclose(f);
	lsec_aa_doc_free(&doc);
	return text;
}

static void test_model(void **state)
{
	struct fixture *fx = *state;
	struct lsec_aagen_opts o = { .glob_threshold = 5, .apparmor_dir = fx->dir };
	struct lsec_trace t = { 0 };
	char path[64];
	int x, i;

	x = lsec_trace_exe_get(&t, "/usr/bin/srv");
	assert_int_equal(x, 0);
	lsec_trace_add_file(&t, x, "/etc/ld.so.cache", LSEC_PERM_R, 0);
	lsec_trace_add_file(&t, x, "/usr/lib/x86_64-linux-gnu/libc.so.6",
			    LSEC_PERM_R | LSEC_PERM_M, 0);
	lsec_trace_add_file(&t, x, "/dev/null", LSEC_PERM_W, 0);
	lsec_trace_add_file(&t, x, "/etc/passwd", LSEC_PERM_R, 0);
	lsec_trace_add_file(&t, x, "/etc/shadow", LSEC_PERM_R, 0);
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/srv/www/page%d.html", i);
		lsec_trace_add_file(&t, x, path, LSEC_PERM_R, 0);
	}
	lsec_trace_add_file(&t, x, "/srv/www", LSEC_PERM_R, LSEC_TF_DIR);
	lsec_trace_add_file(&t, x, "/srv/few/a", LSEC_PERM_R, 0);
	lsec_trace_add_file(&t, x, "/srv/few/b", LSEC_PERM_W, 0);
	lsec_trace_add_file(&t, x, "/usr/bin/helper", LSEC_PERM_X, 0);
	lsec_trace_add_file(&t, x, "/tmp/mine", LSEC_PERM_W | LSEC_PERM_R,
			    LSEC_TF_OWNED | LSEC_TF_CREATED);
	lsec_trace_add_file(&t, x, "/proc/4242/status", LSEC_PERM_R, LSEC_TF_OWNED);
	t.exes[x].caps |= 1ULL << 10; /* net_bind_service */
	{
		_cleanup_free_ char *text = render(&t, "/usr/bin/srv", &o);
		_cleanup_free_ char *again = render(&t, "/usr/bin/srv", &o);

		assert_string_equal(text, again); /* deterministic */
		assert_non_null(strstr(text, "abi <abi/3.0>,\n"));
		assert_non_null(strstr(text, "profile srv \"/usr/bin/srv\" {\n"));
		assert_non_null(strstr(text, "  include <abstractions/base>\n"
					     "  include <abstractions/nameservice>\n"));
		/* covered by the (test) abstractions: gone */
		assert_null(strstr(text, "ld.so.cache"));
		assert_null(strstr(text, "libc.so"));
		assert_null(strstr(text, "/dev/null"));
		assert_null(strstr(text, "/etc/passwd"));
		/* not covered: listed */
		assert_non_null(strstr(text, "  \"/etc/shadow\" r,\n"));
		/* 6 >= 5 files in one directory: globbed; the dir itself kept */
		assert_non_null(strstr(text, "  \"/srv/www/*\" r,\n"));
		assert_null(strstr(text, "page0"));
		assert_non_null(strstr(text, "  \"/srv/www/\" r,\n"));
		assert_non_null(strstr(text, "  \"/srv/few/a\" r,\n"));
		assert_non_null(strstr(text, "  \"/srv/few/b\" w,\n"));
		assert_non_null(strstr(text, "  \"/usr/bin/helper\" ix,\n"));
		assert_non_null(strstr(text, "  \"/usr/bin/srv\" mr,\n"));
		assert_non_null(strstr(text, "  owner \"/tmp/mine\" rw,\n"));
		assert_non_null(strstr(text, "  owner \"@{PROC}/@{pid}/status\" r,\n"));
		assert_non_null(strstr(text, "  capability net_bind_service,\n"));
	}
	o.glob_threshold = 0;
	{
		_cleanup_free_ char *text = render(&t, "/usr/bin/srv", &o);

		assert_non_null(strstr(text, "  \"/srv/www/page5.html\" r,\n"));
		assert_null(strstr(text, "/srv/www/*"));
	}
	o.glob_threshold = 5;
	o.no_abstractions = true;
	o.exec_mode = 'p';
	{
		_cleanup_free_ char *text = render(&t, "/usr/bin/srv", &o);

		assert_non_null(strstr(text, "  \"/etc/passwd\" r,\n"));
		assert_null(strstr(text, "nameservice"));
		assert_non_null(strstr(text, "  \"/usr/bin/helper\" px,\n"));
	}
	lsec_trace_free(&t);
}

/* every file of a tree read -> DIR/STARSTAR; one left out -> no */
static void test_tree(void **state)
{
	struct fixture *fx = *state;
	/* 8 files in the tree, 4 per directory: only the tree rule applies */
	struct lsec_aagen_opts o = { .glob_threshold = 5, .apparmor_dir = fx->dir };
	char tree[128], path[256];
	int pass, i;

	snprintf(tree, sizeof(tree), "%s/tree", fx->dir);
	mkdir(tree, 0755);
	snprintf(path, sizeof(path), "%s/sub", tree);
	mkdir(path, 0755);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/f%d", tree, i);
		write_file(path, "x");
		snprintf(path, sizeof(path), "%s/sub/g%d", tree, i);
		write_file(path, "x");
	}
	for (pass = 0; pass < 2; pass++) {
		struct lsec_trace t = { 0 };
		_cleanup_free_ char *text = NULL, *want = NULL;
		int x = lsec_trace_exe_get(&t, "/usr/bin/srv");

		for (i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s/f%d", tree, i);
			lsec_trace_add_file(&t, x, path, LSEC_PERM_R, 0);
			snprintf(path, sizeof(path), "%s/sub/g%d", tree, i);
			if (pass == 0 || i > 0) /* pass 1: sub/g0 never read */
				lsec_trace_add_file(&t, x, path, LSEC_PERM_R, 0);
		}
		text = render(&t, "/usr/bin/srv", &o);
		assert_true(asprintf(&want, "  \"%s/**\" r,\n", tree) > 0);
		if (pass == 0) {
			assert_non_null(strstr(text, want));
			assert_null(strstr(text, "/f0"));
		} else {
			assert_null(strstr(text, want));
			assert_non_null(strstr(text, "/sub/g1"));
		}
		lsec_trace_free(&t);
	}
}

static void test_write_merge_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct lsec_aagen_opts o = { .apparmor_dir = fx->dir, .exec_mode = 'c',
				     .complain = true };
	struct lsec_trace t = { 0 };
	struct lsec_aa_doc doc = { 0 };
	struct lsec_err e = { 0 };
	char file[128], *t2 = NULL;
	size_t len = 0;
	FILE *f;
	int x, y;

	x = lsec_trace_exe_get(&t, "/opt/My App/run");
	y = lsec_trace_exe_get(&t, "/usr/bin/child");
	lsec_trace_add_file(&t, x, "/srv/odd \"name\" #1\n{x}", LSEC_PERM_R, 0);
	lsec_trace_add_file(&t, x, "/usr/bin/child", LSEC_PERM_X, 0);
	lsec_trace_add_file(&t, y, "/var/lib/child/db", LSEC_PERM_R | LSEC_PERM_W | LSEC_PERM_K, 0);
	t.exes[y].caps |= 1ULL << 0;
	{
		struct lsec_trace_sock s = { 2, 1, 0 };

		t.exes[y].socks = malloc(sizeof(s));
		t.exes[y].socks[0] = s;
		t.exes[y].nsocks = 1;
	}
	{
		_cleanup_free_ char *text = render(&t, "/opt/My App/run", &o);

		assert_non_null(strstr(text, "profile run \"/opt/My App/run\" flags=(complain) {\n"));
		assert_non_null(strstr(text, "  \"/srv/odd \\\"name\\\" #1\\012\\{x\\}\" r,\n"));
		assert_non_null(strstr(text, "  \"/usr/bin/child\" cx -> child,\n"));
		assert_non_null(strstr(text, "  profile child flags=(complain) {\n"));
		assert_non_null(strstr(text, "    network inet stream,\n"));
		assert_non_null(strstr(text, "    capability chown,\n"));
		assert_non_null(strstr(text, "    \"/var/lib/child/db\" rwk,\n"));
		snprintf(file, sizeof(file), "%s/p", fx->dir);
		write_file(file, text);
		/* reading it back into an empty document writes the same text */
		assert_int_equal(lsec_aagen_merge_file(&doc, file, &e), 0);
		f = open_memstream(&t2, &len);
		lsec_aagen_write(f, &doc);
		fclose(f);
		assert_string_equal(t2, text);
		free(t2);
		lsec_aa_doc_free(&doc);
	}
	/* a malformed line is reported with FILE:LINE */
	write_file(file, "abi <abi/3.0>,\nprofile x /x {\n  deny /etc/** w,\n}\n");
	assert_true(lsec_aagen_merge_file(&doc, file, &e) < 0);
	assert_true(e.input);
	assert_non_null(strstr(e.where, ":3"));
	lsec_aa_doc_free(&doc);
	lsec_trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_unescape_roundtrip),
		cmocka_unit_test(test_glob_match),
		cmocka_unit_test(test_expand_vars),
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_pattern_pids),
		cmocka_unit_test(test_perms_str),
		cmocka_unit_test_setup_teardown(test_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_merge_roundtrip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
