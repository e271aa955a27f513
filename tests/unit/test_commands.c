/* SPDX-License-Identifier: MIT */
/*
 * Invariants of THE command table (cmd/commands.c), systemd style: names
 * sorted and unique, every verb runnable and summarised, every option
 * documented and unambiguous.  Man pages and completions are generated from
 * this table; tests/cli/docs.sh checks the committed man pages against it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <ctype.h>
#include <string.h>
#include <cmocka.h>

#include "commands.h"

static void check_opts(const struct lsec_cmd *g, const struct lsec_cmd *v)
{
	const struct lsec_opt *o, *p;

	for (o = v->opts; o && o->name; o++) {
		/* documented: non-empty help that is a phrase, not a sentence */
		if (!o->help || !o->help[0])
			fail_msg("%s %s --%s has no help text", g->name, v->name, o->name);
		size_t hl = strlen(o->help);
		if (o->help[hl - 1] == '.' && !(hl >= 3 && strcmp(o->help + hl - 3, "...") == 0))
			fail_msg("%s %s --%s: help ends with '.'", g->name, v->name, o->name);
		for (const char *c = o->name; *c; c++)
			if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
				fail_msg("%s %s --%s: option names are lower-case words",
					 g->name, v->name, o->name);
		/* a metavariable (FILE) or a list of choices (auto|nft|legacy) */
		if (o->arg && !strchr(o->arg, '|'))
			for (const char *c = o->arg; *c; c++)
				if (islower((unsigned char)*c))
					fail_msg("%s %s --%s: metavariable '%s' must be upper case",
						 g->name, v->name, o->name, o->arg);
		/* unique within the verb and not shadowing a global option */
		for (p = o + 1; p->name; p++) {
			if (strcmp(o->name, p->name) == 0)
				fail_msg("%s %s: --%s twice", g->name, v->name, o->name);
			if (o->short_name && o->short_name == p->short_name)
				fail_msg("%s %s: -%c twice", g->name, v->name, o->short_name);
		}
		for (p = lsec_global_opts; p->name; p++) {
			if (strcmp(o->name, p->name) == 0)
				fail_msg("%s %s: --%s shadows a global option", g->name,
					 v->name, o->name);
			if (o->short_name && o->short_name == p->short_name)
				fail_msg("%s %s: -%c shadows a global option", g->name,
					 v->name, o->short_name);
		}
	}
}

static void test_table(void **state)
{
	const struct lsec_cmd *g, *v;

	assert_non_null(lsec_root.run); /* --version */
	for (g = lsec_root.sub; g->name; g++) {
		assert_non_null(g->summary);
		assert_non_null(g->sub);
		assert_null(g->run);
		if (g[1].name && strcmp(g->name, g[1].name) >= 0)
			fail_msg("groups not sorted/unique: %s, %s", g->name, g[1].name);
		for (v = g->sub; v->name; v++) {
			if (!v->run)
				fail_msg("%s %s has no run function", g->name, v->name);
			if (!v->summary || !v->summary[0] || isupper((unsigned char)v->summary[0]))
				fail_msg("%s %s: summary must be a lower-case phrase", g->name, v->name);
			if (v[1].name && strcmp(v->name, v[1].name) >= 0)
				fail_msg("%s: verbs not sorted/unique: %s, %s", g->name, v->name,
					 v[1].name);
			if (v->max_args >= 0 && v->min_args > v->max_args)
				fail_msg("%s %s: min_args > max_args", g->name, v->name);
			if (v->min_args > 0 && !v->args)
				fail_msg("%s %s: takes arguments but has no synopsis", g->name, v->name);
			if (v->nfixed && !(v->flags & LSEC_CMD_RUNS_PROGRAM))
				fail_msg("%s %s: nfixed without RUNS_PROGRAM", g->name, v->name);
			check_opts(g, v);
		}
	}
}

static void test_global_opts(void **state)
{
	static const char *const required[] = { "json", "check", "quiet", "help", "version" };
	const struct lsec_opt *o;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		for (o = lsec_global_opts; o->name; o++)
			if (strcmp(o->name, required[i]) == 0)
				break;
		if (!o->name)
			fail_msg("global option --%s missing", required[i]);
	}
	for (o = lsec_global_opts; o->name; o++)
		assert_true(o->help && o->help[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_global_opts),
	};
	return cmocka_run_group_tests_name("commands", tests, NULL, NULL);
}
