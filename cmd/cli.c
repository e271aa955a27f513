/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

const struct lsec_opt lsec_global_opts[] = {
	{ "json", 0, NULL, 0, "print one JSON document on stdout" },
	{ "check", 0, NULL, 0, "show what would change, change nothing" },
	{ "quiet", 'q', NULL, 0, "print nothing on success" },
	{ "help", 'h', NULL, 0, "show help for the command and exit" },
	{ "version", 0, NULL, 0, "show version and library versions and exit" },
	{ 0 }
};

const struct lsec_cmd *cli_find(const struct lsec_cmd *tab, const char *name)
{
	for (; tab && tab->name; tab++)
		if (streq(tab->name, name))
			return tab;
	return NULL;
}

static const struct lsec_opt *opt_find(const struct lsec_opt *tab,
				       const char *name, size_t len, char c)
{
	for (; tab && tab->name; tab++) {
		if (c && tab->short_name == c)
			return tab;
		if (!c && strlen(tab->name) == len &&
		    strncmp(tab->name, name, len) == 0)
			return tab;
	}
	return NULL;
}

static const struct lsec_opt *opt_lookup(const struct lsec_cmd *verb,
					 const char *name, size_t len, char c)
{
	const struct lsec_opt *o = NULL;

	if (verb)
		o = opt_find(verb->opts, name, len, c);
	return o ? o : opt_find(lsec_global_opts, name, len, c);
}

const char *cli_opt_next(const struct lsec_ctx *ctx, const char *name, int *i)
{
	for (; *i < ctx->optc; (*i)++) {
		const struct lsec_optval *v = &ctx->optv[*i];

		if (streq(v->opt->name, name)) {
			(*i)++;
			return v->val ? v->val : "";
		}
	}
	return NULL;
}

const char *cli_opt(const struct lsec_ctx *ctx, const char *name)
{
	const char *v, *last = NULL;
	int i = 0;

	while ((v = cli_opt_next(ctx, name, &i)))
		last = v;
	return last;
}

bool cli_flag(const struct lsec_ctx *ctx, const char *name)
{
	return cli_opt(ctx, name) != NULL;
}

static void ctx_path(struct lsec_ctx *ctx)
{
	snprintf(ctx->path, sizeof(ctx->path), "%s%s%s%s%s", ctx->root->name,
		 ctx->group ? " " : "", ctx->group ? ctx->group->name : "",
		 ctx->verb ? " " : "", ctx->verb ? ctx->verb->name : "");
}

static int usage_error(struct lsec_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int usage_error(struct lsec_ctx *ctx, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ctx_path(ctx);
	return lsec_err_input(&ctx->err, "%s (see '%s --help')", what,
			      ctx->path);
}

/* Record the option at argv[*i]; may consume the next word as its value. */
static int parse_option(struct lsec_ctx *ctx, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = NULL, *val = NULL, *name;
	const struct lsec_opt *o;
	size_t len;

	if (a[1] == '-') {
		name = a + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = opt_lookup(ctx->verb, name, len, 0);
		if (!o)
			return usage_error(ctx, "unknown option '--%.*s'",
					   (int)len, name);
		if (eq) {
			if (!o->arg)
				return usage_error(ctx,
						   "option '--%s' takes no value",
						   o->name);
			val = eq + 1;
		}
	} else {
		o = opt_lookup(ctx->verb, NULL, 0, a[1]);
		if (!o)
			return usage_error(ctx, "unknown option '-%c'", a[1]);
		if (a[2]) {
			if (!o->arg)
				return usage_error(ctx,
						   "option '-%c' takes no value",
						   a[1]);
			val = a + 2;
		}
	}
	if (o->arg && !val && !(o->flags & LSEC_OPT_OPTARG)) {
		if (*i + 1 >= argc)
			return usage_error(ctx, "option '--%s' needs a value (%s)",
					   o->name, o->arg);
		val = argv[++*i];
	}
	if (!(o->flags & LSEC_OPT_REPEAT)) {
		/* Last one wins, as in most tools; keep one slot. */
		for (int k = 0; k < ctx->optc; k++)
			if (ctx->optv[k].opt == o) {
				ctx->optv[k].val = val;
				return 0;
			}
	}
	ctx->optv[ctx->optc].opt = o;
	ctx->optv[ctx->optc].val = val;
	ctx->optc++;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int parse_words(struct lsec_ctx *ctx, const struct lsec_cmd *root,
		       int argc, char **argv);

int cli_parse(struct lsec_ctx *ctx, const struct lsec_cmd *root, int argc,
	      char **argv)
{
	int r = parse_words(ctx, root, argc, argv), i;

	/* A usage error is reported as JSON too if --json was among the words
	 * (best effort: the parse did not get far enough to know for sure). */
	if (r < 0)
		for (i = 1; i < argc && !streq(argv[i], "--"); i++)
			if (streq(argv[i], "--json"))
				ctx->json = true;
	return r;
}

static int parse_words(struct lsec_ctx *ctx, const struct lsec_cmd *root,
		       int argc, char **argv)
{
	const char *prog = base_name(argv[0]);
	bool dashdash = false, help = false;
	int i, r;

	ctx->root = root;
	ctx->out = stdout;
	ctx->argv = calloc(argc + 1, sizeof(char *));
	ctx->optv = calloc(argc + 1, sizeof(*ctx->optv));
	if (!ctx->argv || !ctx->optv)
		return lsec_err_set(&ctx->err, ENOMEM, "out of memory");
	/* Multicall: lsec-fw acts as "lsec fw". */
	if (strncmp(prog, "lsec-", 5) == 0) {
		ctx->group = cli_find(root->sub, prog + 5);
		if (!ctx->group)
			return usage_error(ctx, "unknown command '%s'", prog);
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && a[0] == '-' && a[1]) {
			if (streq(a, "--")) {
				dashdash = true;
				continue;
			}
			r = parse_option(ctx, argc, argv, &i);
			if (r < 0)
				return r;
			continue;
		}
		if (!ctx->group) {
			if (streq(a, "help") && !dashdash) {
				/* "lsec help fw block" == "lsec fw block --help" */
				help = true;
				continue;
			}
			ctx->group = cli_find(root->sub, a);
			if (!ctx->group || (ctx->group->flags & LSEC_CMD_HIDDEN))
				return usage_error(ctx, "unknown command '%s'", a);
		} else if (!ctx->verb) {
			ctx->verb = cli_find(ctx->group->sub, a);
			if (!ctx->verb)
				return usage_error(ctx, "unknown %s command '%s'",
						   ctx->group->name, a);
		} else {
			ctx->argv[ctx->argc++] = argv[i];
			/* Past the verb's own arguments everything is CMD. */
			if ((ctx->verb->flags & LSEC_CMD_RUNS_PROGRAM) &&
			    ctx->argc > ctx->verb->nfixed) {
				while (++i < argc)
					ctx->argv[ctx->argc++] = argv[i];
			}
		}
	}
	ctx_path(ctx);
	ctx->json = cli_flag(ctx, "json");
	ctx->check = cli_flag(ctx, "check");
	ctx->quiet = cli_flag(ctx, "quiet");
	if (help || cli_flag(ctx, "help")) {
		cli_help(ctx->out, root, ctx->group, ctx->verb);
		return 1;
	}
	if (cli_flag(ctx, "version")) {
		root->run(ctx);
		return 1;
	}
	if (!ctx->group) {
		cli_help(stderr, root, NULL, NULL);
		return usage_error(ctx, "no command given");
	}
	if (!ctx->verb)
		return usage_error(ctx, "no %s command given", ctx->group->name);
	if (ctx->argc < ctx->verb->min_args)
		return usage_error(ctx, "missing argument (%s %s)",
				   ctx->verb->name, ctx->verb->args);
	if (ctx->verb->max_args >= 0 && ctx->argc > ctx->verb->max_args)
		return usage_error(ctx, "unexpected argument '%s'",
				   ctx->argv[ctx->verb->max_args]);
	return 0;
}

void cli_json_begin(struct lsec_ctx *ctx)
{
	lsec_json_init(&ctx->j, ctx->out);
	lsec_json_object_begin(&ctx->j, NULL);
}

void cli_json_end(struct lsec_ctx *ctx)
{
	lsec_json_object_end(&ctx->j);
	lsec_json_finish(&ctx->j);
}

void cli_say(struct lsec_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet || ctx->json)
		return;
	va_start(ap, fmt);
	vfprintf(ctx->out, fmt, ap);
	va_end(ap);
}

int cli_report(struct lsec_ctx *ctx, int r)
{
	const struct lsec_err *e = &ctx->err;
	const char *msg = e->msg[0] ? e->msg : strerror(-r);
	int code = lsec_exit_code(e, r);

	if (ctx->verb && (ctx->verb->flags & LSEC_CMD_RUNS_PROGRAM) &&
	    !(ctx->verb->flags & LSEC_CMD_OWN_STATUS))
		code = LSEC_EXIT_RUN_FAIL; /* as env(1): lsec's own failure */
	if (e->where[0])
		fprintf(stderr, "%s: %s: %s\n", ctx->path, e->where, msg);
	else
		fprintf(stderr, "%s: %s\n", ctx->path, msg);
	if (ctx->json) {
		struct lsec_json j;

		lsec_json_init(&j, ctx->out);
		lsec_json_object_begin(&j, NULL);
		lsec_json_object_begin(&j, "error");
		lsec_json_string(&j, "command", ctx->path);
		lsec_json_string(&j, "kind", lsec_err_kind(e, r));
		lsec_json_string(&j, "errno", strerrorname_np(-r));
		if (e->where[0])
			lsec_json_string(&j, "where", e->where);
		lsec_json_string(&j, "message", msg);
		lsec_json_int(&j, "exit_code", code);
		lsec_json_object_end(&j);
		lsec_json_object_end(&j);
		lsec_json_finish(&j);
	}
	return code;
}

/* git's run_builtin: a command that could not write its output failed. */
static int check_stdout(int code)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "lsec: write error on standard output: %s\n",
			strerror(errno ? errno : EIO));
		return code ? code : LSEC_EXIT_FAIL;
	}
	return code;
}

int cli_main(const struct lsec_cmd *root, int argc, char **argv)
{
	struct lsec_ctx ctx = { 0 };
	int r, code;

	r = cli_parse(&ctx, root, argc, argv);
	if (r < 0)
		code = cli_report(&ctx, r);
	else if (r > 0)
		code = 0;
	else {
		r = ctx.verb->run(&ctx);
		code = r >= 0 ? r : cli_report(&ctx, r);
	}
	free(ctx.argv);
	free(ctx.optv);
	return check_stdout(code);
}

/* ---- help ---------------------------------------------------------------- */

static void opt_label(char *buf, size_t n, const struct lsec_opt *o)
{
	char s[8] = "    ";

	if (o->short_name)
		snprintf(s, sizeof(s), "-%c, ", o->short_name);
	if (!o->arg)
		snprintf(buf, n, "%s--%s", s, o->name);
	else if (o->flags & LSEC_OPT_OPTARG)
		snprintf(buf, n, "%s--%s[=%s]", s, o->name, o->arg);
	else
		snprintf(buf, n, "%s--%s %s", s, o->name, o->arg);
}

static void help_opts(FILE *f, const char *title, const struct lsec_opt *o)
{
	char label[128];

	if (!o || !o->name)
		return;
	fprintf(f, "\n%s:\n", title);
	for (; o->name; o++) {
		opt_label(label, sizeof(label), o);
		if (strlen(label) > 26)
			fprintf(f, "  %s\n  %-26s %s\n", label, "", o->help);
		else
			fprintf(f, "  %-26s %s\n", label, o->help);
	}
}

static void help_list(FILE *f, const char *title, const struct lsec_cmd *c)
{
	char label[128];

	fprintf(f, "\n%s:\n", title);
	for (; c->name; c++) {
		if (c->flags & LSEC_CMD_HIDDEN)
			continue;
		snprintf(label, sizeof(label), "%s%s%s", c->name,
			 c->args ? " " : "", c->args ? c->args : "");
		if (strlen(label) > 26)
			fprintf(f, "  %s\n  %-26s %s\n", label, "", c->summary);
		else
			fprintf(f, "  %-26s %s\n", label, c->summary);
	}
}

void cli_help(FILE *f, const struct lsec_cmd *root, const struct lsec_cmd *group,
	      const struct lsec_cmd *verb)
{
	if (verb) {
		fprintf(f, "usage: %s %s %s [OPTIONS]%s%s\n\n%s\n", root->name,
			group->name, verb->name, verb->args ? " " : "",
			verb->args ? verb->args : "", verb->summary);
		help_opts(f, "options", verb->opts);
		help_opts(f, "global options", lsec_global_opts);
	} else if (group) {
		fprintf(f, "usage: %s %s COMMAND [OPTIONS] [ARGS]\n\n%s\n",
			root->name, group->name, group->summary);
		help_list(f, "commands", group->sub);
		help_opts(f, "global options", lsec_global_opts);
		fprintf(f, "\nRun '%s %s COMMAND --help' for a command's options.\n",
			root->name, group->name);
	} else {
		fprintf(f, "usage: %s [OPTIONS] GROUP COMMAND [ARGS]\n\n%s\n",
			root->name, root->summary);
		help_list(f, "groups", root->sub);
		help_opts(f, "global options", lsec_global_opts);
		fprintf(f, "\nRun '%s GROUP --help' for a group's commands; "
			   "exit status: 0 ok, 1 failed, 2 bad input,\n"
			   "3 facility unavailable, 4 permission denied "
			   "(see lsec(8)).\n",
			root->name);
	}
}

/* ---- completion ------------------------------------------------------------ */

static void complete_opts(FILE *f, const struct lsec_opt *o, const char *cur)
{
	char buf[128];

	for (; o && o->name; o++) {
		snprintf(buf, sizeof(buf), "--%s", o->name);
		if (strncmp(buf, cur, strlen(cur)) == 0)
			fprintf(f, "%s\n", buf);
	}
}

static void complete_cmds(FILE *f, const struct lsec_cmd *c, const char *cur)
{
	for (; c && c->name; c++)
		if (!(c->flags & LSEC_CMD_HIDDEN) &&
		    strncmp(c->name, cur, strlen(cur)) == 0)
			fprintf(f, "%s\n", c->name);
}

/* words[0] is the program as typed (lsec, lsec-fw); the last is the word
 * being completed, possibly empty. */
void cli_complete(FILE *f, const struct lsec_cmd *root, int n, char **words)
{
	const struct lsec_cmd *group = NULL, *verb = NULL;
	const char *cur = n > 1 ? words[n - 1] : "";
	const char *prog = n > 0 ? base_name(words[0]) : "lsec";
	int i, npos = 0;

	if (strncmp(prog, "lsec-", 5) == 0)
		group = cli_find(root->sub, prog + 5);
	for (i = 1; i < n - 1; i++) {
		const char *w = words[i];

		if (streq(w, "--"))
			return; /* the rest is a command line */
		if (w[0] == '-') {
			const struct lsec_opt *o =
				w[1] == '-' ? opt_lookup(verb, w + 2, strcspn(w + 2, "="), 0)
					    : opt_lookup(verb, NULL, 0, w[1]);
			/* "--file F": skip F */
			if (o && o->arg && !(o->flags & LSEC_OPT_OPTARG) &&
			    !strchr(w, '=') && (w[1] == '-' || !w[2]))
				i++;
			continue;
		}
		if (!group)
			group = cli_find(root->sub, w);
		else if (!verb)
			verb = cli_find(group->sub, w);
		else
			npos++;
		if (!group && !streq(w, "help"))
			return;
	}
	/* A value for the previous option: leave it to the shell (files). */
	if (n > 2) {
		const char *p = words[n - 2];

		if (p[0] == '-' && !strchr(p, '=')) {
			const struct lsec_opt *o =
				p[1] == '-' ? opt_lookup(verb, p + 2, strlen(p + 2), 0)
					    : (p[2] ? NULL : opt_lookup(verb, NULL, 0, p[1]));
			if (o && o->arg && !(o->flags & LSEC_OPT_OPTARG))
				return;
		}
	}
	if (cur[0] == '-') {
		if (verb)
			complete_opts(f, verb->opts, cur);
		complete_opts(f, lsec_global_opts, cur);
	} else if (!group) {
		complete_cmds(f, root->sub, cur);
	} else if (!verb) {
		complete_cmds(f, group->sub, cur);
	}
	(void)npos;
}

/* ---- man pages -------------------------------------------------------------- */

static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else
			fputc(*s, f);
	}
}

static void man_opts(FILE *f, const struct lsec_opt *o)
{
	for (; o && o->name; o++) {
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB", f);
		roff(f, "--");
		roff(f, o->name);
		fputs("\\fR", f);
		if (o->arg) {
			fputs(o->flags & LSEC_OPT_OPTARG ? "[=\\fI" : " \\fI", f);
			roff(f, o->arg);
			fputs(o->flags & LSEC_OPT_OPTARG ? "\\fR]" : "\\fR", f);
		}
		fputc('\n', f);
		roff(f, o->help);
		fputc('\n', f);
	}
}

static void man_synopsis_line(FILE *f, const struct lsec_cmd *root,
			      const struct lsec_cmd *g, const struct lsec_cmd *v)
{
	fprintf(f, "\\fB%s %s %s\\fR [\\fIOPTIONS\\fR]", root->name, g->name,
		v->name);
	if (v->args) {
		fputs(" \\fI", f);
		roff(f, v->args);
		fputs("\\fR", f);
	}
	fputs("\n.br\n", f);
}

void cli_man(FILE *f, const struct lsec_cmd *root, const struct lsec_cmd *group)
{
	const struct lsec_cmd *g, *v;

	fputs(".SH SYNOPSIS\n", f);
	if (!group) {
		for (g = root->sub; g->name; g++) {
			if (g->flags & LSEC_CMD_HIDDEN)
				continue;
			fprintf(f, "\\fB%s %s\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] "
				   "[\\fIARGS\\fR]\n.br\n",
				root->name, g->name);
		}
		fputs(".SH GROUPS\n", f);
		for (g = root->sub; g->name; g++) {
			if (g->flags & LSEC_CMD_HIDDEN)
				continue;
			fprintf(f, ".TP\n.BR %s\\-%s (8)\n", root->name, g->name);
			roff(f, g->summary);
			fputc('\n', f);
		}
		fputs(".SH GLOBAL OPTIONS\n", f);
		fputs("These options are accepted before the group and after the "
		      "command.\n", f);
		man_opts(f, lsec_global_opts);
		return;
	}
	for (v = group->sub; v->name; v++)
		if (!(v->flags & LSEC_CMD_HIDDEN))
			man_synopsis_line(f, root, group, v);
	fputs(".SH COMMANDS\n", f);
	for (v = group->sub; v->name; v++) {
		if (v->flags & LSEC_CMD_HIDDEN)
			continue;
		fprintf(f, ".SS \"%s %s %s", root->name, group->name, v->name);
		if (v->args) {
			fputc(' ', f);
			roff(f, v->args);
		}
		fputs("\"\n", f);
		roff(f, v->summary);
		fputs(".\n", f);
		man_opts(f, v->opts);
	}
	fputs(".SS \"Global options\"\n", f);
	fputs("Every command also accepts these, before the group or after the "
	      "command.\n", f);
	man_opts(f, lsec_global_opts);
}

void cli_table_dump(FILE *f, const struct lsec_cmd *root)
{
	const struct lsec_cmd *g, *v;
	const struct lsec_opt *o;

	for (g = root->sub; g->name; g++) {
		if (g->flags & LSEC_CMD_HIDDEN)
			continue;
		for (v = g->sub; v->name; v++) {
			if (v->flags & LSEC_CMD_HIDDEN)
				continue;
			fprintf(f, "%s %s\n", g->name, v->name);
			for (o = v->opts; o && o->name; o++)
				fprintf(f, "%s %s --%s\n", g->name, v->name,
					o->name);
		}
	}
}
