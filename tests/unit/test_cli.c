/* SPDX-License-Identifier: MIT */
/* cmd/cli.c: the option parser and dispatch, driven by a table of its own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static int run_nop(struct lsec_ctx *ctx) { return 0; }

static const struct lsec_opt block_opts[] = {
	{ "file", 'f', "FILE", LSEC_OPT_REPEAT, "read addresses from FILE" },
	{ "comment", 0, "TEXT", 0, "comment" },
	{ "wait", 'w', "SECONDS", LSEC_OPT_OPTARG, "wait for the lock" },
	{ "out", 0, NULL, 0, "outgoing" },
	{ 0 }
};
static const struct lsec_cmd grp_cmds[] = {
	{ "block", "ADDR...", "block", run_nop, block_opts, .min_args = 0, .max_args = -1 },
	{ "one", "X", "exactly one", run_nop, NULL, .min_args = 1, .max_args = 1 },
	{ "run", "-- CMD", "run", run_nop, block_opts, .flags = LSEC_CMD_RUNS_PROGRAM,
	  .min_args = 1, .max_args = -1, .nfixed = 1 },
	{ 0 }
};
static const struct lsec_cmd groups[] = {
	{ "grp", NULL, "a group", .sub = grp_cmds },
	{ 0 }
};
static const struct lsec_cmd root = { "lsec", NULL, "test", run_nop, .sub = groups };

static struct lsec_ctx ctx;

static int parse(int argc, ...)
{
	static char *argv[32];
	va_list ap;

	free(ctx.argv);
	free(ctx.optv);
	memset(&ctx, 0, sizeof(ctx));
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse(&ctx, &root, argc, argv);
}

static void test_options_after_verb(void **state)
{
	assert_int_equal(parse(6, "lsec", "grp", "block", "1.2.3.4", "--json", "--out"), 0);
	assert_ptr_equal(ctx.verb, &grp_cmds[0]);
	assert_true(ctx.json);
	assert_true(cli_flag(&ctx, "out"));
	assert_int_equal(ctx.argc, 1);
	assert_string_equal(ctx.argv[0], "1.2.3.4");
}

static void test_options_before_group(void **state)
{
	assert_int_equal(parse(5, "lsec", "--check", "-q", "grp", "block"), 0);
	assert_true(ctx.check);
	assert_true(ctx.quiet);
	assert_false(ctx.json);
}

static void test_values(void **state)
{
	const char *v;
	int i = 0;

	assert_int_equal(parse(9, "lsec", "grp", "block", "--file", "a", "-fb", "--file=c",
			       "--comment", "x y"), 0);
	assert_string_equal(cli_opt_next(&ctx, "file", &i), "a");
	assert_string_equal(cli_opt_next(&ctx, "file", &i), "b");
	assert_string_equal(cli_opt_next(&ctx, "file", &i), "c");
	assert_null(cli_opt_next(&ctx, "file", &i));
	assert_string_equal(cli_opt(&ctx, "comment"), "x y");
	assert_int_equal(ctx.argc, 0);
	/* optional argument: only with '=' */
	assert_int_equal(parse(5, "lsec", "grp", "block", "--wait", "1.2.3.4"), 0);
	v = cli_opt(&ctx, "wait");
	assert_string_equal(v, "");
	assert_int_equal(ctx.argc, 1);
	assert_int_equal(parse(4, "lsec", "grp", "block", "--wait=5"), 0);
	assert_string_equal(cli_opt(&ctx, "wait"), "5");
	/* non-repeatable: last one wins */
	assert_int_equal(parse(7, "lsec", "grp", "block", "--comment", "a", "--comment", "b"), 0);
	assert_string_equal(cli_opt(&ctx, "comment"), "b");
}

static void test_dashdash(void **state)
{
	assert_int_equal(parse(6, "lsec", "grp", "block", "--", "--out", "-x"), 0);
	assert_false(cli_flag(&ctx, "out"));
	assert_int_equal(ctx.argc, 2);
	assert_string_equal(ctx.argv[0], "--out");
	assert_string_equal(ctx.argv[1], "-x");
}

static void test_runs_program_stops_at_cmd(void **state)
{
	/* After FILE (nfixed = 1), everything belongs to the program. */
	assert_int_equal(parse(8, "lsec", "grp", "run", "--out", "prof", "ls", "--json", "-l"), 0);
	assert_true(cli_flag(&ctx, "out"));
	assert_false(ctx.json);
	assert_int_equal(ctx.argc, 4);
	assert_string_equal(ctx.argv[1], "ls");
	assert_string_equal(ctx.argv[2], "--json");
	assert_int_equal(parse(7, "lsec", "grp", "run", "prof", "--", "ls", "-l"), 0);
	assert_int_equal(ctx.argc, 3);
	assert_string_equal(ctx.argv[1], "ls");
}

static void test_errors(void **state)
{
	assert_int_equal(parse(4, "lsec", "grp", "block", "--nope"), -EINVAL);
	assert_true(ctx.err.input);
	assert_non_null(strstr(ctx.err.msg, "unknown option '--nope'"));
	assert_non_null(strstr(ctx.err.msg, "lsec grp block --help"));
	assert_int_equal(parse(4, "lsec", "grp", "block", "-z"), -EINVAL);
	assert_non_null(strstr(ctx.err.msg, "'-z'"));
	assert_int_equal(parse(4, "lsec", "grp", "block", "--file"), -EINVAL);
	assert_non_null(strstr(ctx.err.msg, "needs a value"));
	assert_int_equal(parse(4, "lsec", "grp", "block", "--out=1"), -EINVAL);
	assert_non_null(strstr(ctx.err.msg, "takes no value"));
	assert_int_equal(parse(2, "lsec", "nosuch"), -EINVAL);
	assert_non_null(strstr(ctx.err.msg, "'nosuch'"));
	assert_int_equal(parse(3, "lsec", "grp", "nosuch"), -EINVAL);
	assert_int_equal(parse(3, "lsec", "grp", "one"), -EINVAL);
	assert_non_null(strstr(ctx.err.msg, "missing argument"));
	assert_int_equal(parse(5, "lsec", "grp", "one", "a", "b"), -EINVAL);
	assert_non_null(strstr(ctx.err.msg, "unexpected argument 'b'"));
	/* a verb's option is not valid before the verb */
	assert_int_equal(parse(4, "lsec", "--out", "grp", "block"), -EINVAL);
	/* exact matches only: no prefix guessing */
	assert_int_equal(parse(3, "lsec", "grp", "blo"), -EINVAL);
	assert_int_equal(parse(4, "lsec", "grp", "block", "--comm=x"), -EINVAL);
}

static void test_multicall(void **state)
{
	assert_int_equal(parse(3, "/usr/sbin/lsec-grp", "block", "x"), 0);
	assert_ptr_equal(ctx.group, &groups[0]);
	assert_string_equal(ctx.path, "lsec grp block");
	assert_int_equal(parse(2, "lsec-nosuch", "block"), -EINVAL);
}

static void test_complete(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char *w1[] = { "lsec", "" };
	char *w2[] = { "lsec", "grp", "b" };
	char *w3[] = { "lsec", "grp", "block", "--c" };
	char *w4[] = { "lsec", "grp", "block", "--file", "" };
	char *w5[] = { "lsec-grp", "" };

	cli_complete(f, &root, 2, w1);
	fputs("|", f);
	cli_complete(f, &root, 3, w2);
	fputs("|", f);
	cli_complete(f, &root, 4, w3);
	fputs("|", f);
	cli_complete(f, &root, 5, w4);
	fputs("|", f);
	cli_complete(f, &root, 2, w5);
	fclose(f);
	assert_string_equal(out, "grp\n|block\n|--comment\n--check\n||block\none\nrun\n");
	free(out);
}

static int teardown(void **state)
{
	free(ctx.argv);
	free(ctx.optv);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_after_verb),
		cmocka_unit_test(test_options_before_group),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_dashdash),
		cmocka_unit_test(test_runs_program_stops_at_cmd),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_multicall),
		cmocka_unit_test(test_complete),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, teardown);
}
