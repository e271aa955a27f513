/* SPDX-License-Identifier: MIT */
/* lib/common/err.c and util.c: error classes -> exit codes, parsers, lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lsec/err.h"
#include "lsec/util.h"

static void test_set_returns_negative(void **state)
{
	struct lsec_err e = { 0 };

	assert_int_equal(lsec_err_set(&e, EEXIST, "chain '%s' exists", "X"), -EEXIST);
	assert_int_equal(e.code, EEXIST);
	assert_false(e.input);
	assert_string_equal(e.msg, "chain 'X' exists");
	/* a negative code is accepted and normalised; NULL err is fine */
	assert_int_equal(lsec_err_set(&e, -ENOENT, "x"), -ENOENT);
	assert_int_equal(lsec_err_set(NULL, EIO, "x"), -EIO);
	assert_int_equal(lsec_err_input(NULL, "x"), -EINVAL);
}

static void test_at_location(void **state)
{
	struct lsec_err e = { 0 };

	assert_int_equal(lsec_err_at(&e, "list.txt", 7, "invalid address '%s'", "1.2.3"),
			 -EINVAL);
	assert_true(e.input);
	assert_string_equal(e.where, "list.txt:7");
	assert_string_equal(e.msg, "invalid address '1.2.3'");
}

static void test_exit_codes(void **state)
{
	struct lsec_err e = { 0 };

	assert_int_equal(lsec_exit_code(&e, 0), 0);
	assert_int_equal(lsec_exit_code(&e, 5), 0);
	assert_int_equal(lsec_exit_code(&e, -EINVAL), 2);
	assert_int_equal(lsec_exit_code(&e, -EPERM), 4);
	assert_int_equal(lsec_exit_code(&e, -EACCES), 4);
	assert_int_equal(lsec_exit_code(&e, -EOPNOTSUPP), 3);
	assert_int_equal(lsec_exit_code(&e, -ENOSYS), 3);
	assert_int_equal(lsec_exit_code(&e, -EIO), 1);
	assert_int_equal(lsec_exit_code(NULL, -ENOENT), 1);
	/* bad input wins over the errno class */
	lsec_err_set(&e, ENOENT, "no such file");
	e.input = true;
	assert_int_equal(lsec_exit_code(&e, -ENOENT), 2);
	assert_string_equal(lsec_err_kind(&e, -ENOENT), "invalid_input");
	assert_string_equal(lsec_err_kind(NULL, -EPERM), "permission_denied");
	assert_string_equal(lsec_err_kind(NULL, -EOPNOTSUPP), "unavailable");
	assert_string_equal(lsec_err_kind(NULL, -EIO), "failed");
}

static void test_duration(void **state)
{
	struct lsec_err e = { 0 };
	uint64_t ms;

	assert_int_equal(lsec_parse_duration("30", &ms, &e), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(lsec_parse_duration("30s", &ms, &e), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(lsec_parse_duration("500ms", &ms, &e), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(lsec_parse_duration("5m", &ms, &e), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(lsec_parse_duration("1h", &ms, &e), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(lsec_parse_duration("2d", &ms, &e), 0);
	assert_int_equal(ms, 172800000);
	assert_int_equal(lsec_parse_duration("5x", &ms, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "'5x'"));
	assert_int_equal(lsec_parse_duration("-1", &ms, &e), -EINVAL);
	assert_int_equal(lsec_parse_duration("", &ms, &e), -EINVAL);
	assert_int_equal(lsec_parse_duration("99999999999999999999", &ms, &e), -EINVAL);
}

static void test_u64(void **state)
{
	uint64_t v;

	assert_int_equal(lsec_parse_u64("42", 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(lsec_parse_u64("0x10", 100, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(lsec_parse_u64("101", 100, &v), -ERANGE);
	assert_int_equal(lsec_parse_u64("4a", 100, &v), -EINVAL);
	assert_int_equal(lsec_parse_u64("-1", 100, &v), -EINVAL);
	assert_int_equal(lsec_parse_u64("", 100, &v), -EINVAL);
}

struct seen {
	int n;
	unsigned lines[8];
	char text[8][64];
};

static int collect(const char *file, unsigned line, char *text, void *ud,
		   struct lsec_err *e)
{
	struct seen *s = ud;

	if (strcmp(text, "bad") == 0)
		return lsec_err_at(e, file, line, "bad line '%s'", text);
	s->lines[s->n] = line;
	snprintf(s->text[s->n], sizeof(s->text[0]), "%s", text);
	s->n++;
	return 0;
}

static void test_each_line(void **state)
{
	char path[] = "/tmp/lsec-unit-XXXXXX";
	struct lsec_err e = { 0 };
	struct seen s = { 0 };
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("# comment\n  1.2.3.4  \n\n5.6.7.8 # trailing\nurl#frag\n", f);
	fclose(f);
	assert_int_equal(lsec_file_each_line(path, collect, &s, &e), 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.text[0], "1.2.3.4");
	assert_int_equal(s.lines[0], 2);
	assert_string_equal(s.text[1], "5.6.7.8");
	assert_int_equal(s.lines[1], 4);
	assert_string_equal(s.text[2], "url#frag"); /* '#' mid-word is not a comment */

	f = fopen(path, "w");
	fputs("ok\n\nbad\n", f);
	fclose(f);
	memset(&s, 0, sizeof(s));
	assert_int_equal(lsec_file_each_line(path, collect, &s, &e), -EINVAL);
	assert_non_null(strstr(e.where, ":3"));
	unlink(path);

	lsec_err_clear(&e);
	assert_int_equal(lsec_file_each_line("/nonexistent/x", collect, &s, &e), -ENOENT);
	assert_true(e.input);
	assert_non_null(strstr(e.msg, "/nonexistent/x"));
}

static bool file_is(const char *path, const char *want)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

static void test_file_write(void **state)
{
	char dir[] = "/tmp/lsec-unit-XXXXXX", path[256], buf[64] = { 0 };
	struct lsec_err e = { 0 };
	struct stat st, st2;
	bool changed;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	/* dry: nothing written, but it would change */
	assert_int_equal(lsec_file_write(path, "abc\n", 4, true, &changed, &e), 0);
	assert_true(changed);
	assert_int_equal(access(path, F_OK), -1);
	/* new file, 0644 */
	assert_int_equal(lsec_file_write(path, "abc\n", 4, false, &changed, &e), 0);
	assert_true(changed);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* same content: not rewritten (same inode), changed = false */
	assert_int_equal(lsec_file_write(path, "abc\n", 4, false, &changed, &e), 0);
	assert_false(changed);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	/* new content: replaced by rename (new inode), mode kept */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(lsec_file_write(path, "xyz", 3, false, &changed, &e), 0);
	assert_true(changed);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_not_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st2.st_mode & 07777, 0600);
	f = fopen(path, "r");
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 3);
	fclose(f);
	assert_string_equal(buf, "xyz");
	/* a shorter prefix of the old content is a change too */
	assert_int_equal(lsec_file_write(path, "xy", 2, true, &changed, &e), 0);
	assert_true(changed);
	/* not a regular file: written in place, never replaced */
	assert_int_equal(lsec_file_write("/dev/null", "x", 1, false, &changed, &e), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* a symlink stays a symlink; what it points to is replaced, or
	 * created when the link dangles */
	{
		char link[300], target[300];
		struct stat lst;

		snprintf(link, sizeof(link), "%s/link", dir);
		snprintf(target, sizeof(target), "%s/target", dir);
		assert_int_equal(symlink(target, link), 0);
		assert_int_equal(lsec_file_write(link, "t1", 2, false, &changed, &e), 0);
		assert_int_equal(lstat(link, &lst), 0);
		assert_true(S_ISLNK(lst.st_mode));
		assert_true(file_is(target, "t1"));
		assert_int_equal(lsec_file_write(link, "t2", 2, false, &changed, &e), 0);
		assert_true(changed);
		assert_int_equal(lstat(link, &lst), 0);
		assert_true(S_ISLNK(lst.st_mode));
		assert_true(file_is(target, "t2"));
		unlink(link);
		unlink(target);
	}
	/* a directory that does not exist: input error naming the path */
	snprintf(path, sizeof(path), "%s/no/such", dir);
	assert_int_equal(lsec_file_write(path, "x", 1, false, NULL, &e), -ENOENT);
	assert_true(e.input);
	assert_non_null(strstr(e.msg, path));
	snprintf(path, sizeof(path), "%s/out", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_returns_negative),
		cmocka_unit_test(test_at_location),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_each_line),
		cmocka_unit_test(test_file_write),
	};
	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
