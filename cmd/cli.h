/* SPDX-License-Identifier: MIT */
/*
 * The command-line core.  One const table (commands.c) describes every group,
 * verb and option; this file's functions parse argv against it, print --help,
 * answer the shell completions (`lsec __complete`) and write the man pages'
 * SYNOPSIS/OPTIONS blocks (`lsec __man`).  Nothing about a verb is written
 * twice.
 */
#ifndef LSEC_CLI_H
#define LSEC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "lsec/err.h"
#include "lsec/json.h"

enum {
	LSEC_OPT_REPEAT = 1 << 0,  /* may be given several times */
	LSEC_OPT_OPTARG = 1 << 1,  /* argument optional, only as --name=VALUE */
};

struct lsec_opt {
	const char *name;  /* long name, without "--" */
	char short_name;   /* 0: long only */
	const char *arg;   /* metavariable; NULL for a flag */
	unsigned flags;
	const char *help;
};

struct lsec_ctx;

enum {
	LSEC_CMD_RUNS_PROGRAM = 1 << 0, /* exit codes 125/126/127, CMD after args */
	LSEC_CMD_HIDDEN = 1 << 1,       /* not listed in help or completion */
	LSEC_CMD_MUTATES = 1 << 2,      /* reports "changed"; honours --check */
	/* with RUNS_PROGRAM: CMD is parsed the same way, but the verb's exit
	 * status is lsec's own (0, 1, 2 bad usage, ...), not 125 */
	LSEC_CMD_OWN_STATUS = 1 << 3,
};

struct lsec_cmd {
	const char *name;
	const char *args;    /* positional synopsis, e.g. "ADDR..." */
	const char *summary; /* one line, lower case, no final full stop */
	int (*run)(struct lsec_ctx *ctx);
	const struct lsec_opt *opts; /* {0}-terminated, may be NULL */
	const struct lsec_cmd *sub;  /* a group's verbs, {0}-terminated */
	unsigned flags;
	int min_args; /* positionals required */
	int max_args; /* -1: unlimited */
	int nfixed;   /* RUNS_PROGRAM: positionals before CMD */
};

struct lsec_optval {
	const struct lsec_opt *opt;
	const char *val; /* NULL for a flag */
};

struct lsec_ctx {
	const struct lsec_cmd *root, *group, *verb;
	char path[64]; /* "lsec fw block", for messages */
	bool json, check, quiet;
	int argc; /* positionals */
	char **argv;
	int optc;
	struct lsec_optval *optv; /* one slot per argv word at most */
	struct lsec_err err;
	struct lsec_json j;
	FILE *out; /* stdout */
};

/* Options every verb accepts, before the group or after the verb. */
extern const struct lsec_opt lsec_global_opts[];

/* The last value of option name (NULL if absent; "" for a given flag). */
const char *cli_opt(const struct lsec_ctx *ctx, const char *name);
bool cli_flag(const struct lsec_ctx *ctx, const char *name);
/* Iterate the values of a repeatable option: for (i = 0; (v = cli_opt_next(ctx, "deny", &i)); ) */
const char *cli_opt_next(const struct lsec_ctx *ctx, const char *name, int *i);

/* Parse argv (argv[0] is the program name) into ctx.  Returns 0 to run
 * ctx->verb, 1 when the parse itself answered (help, version) and a negative
 * errno on usage error (message in ctx->err). */
int cli_parse(struct lsec_ctx *ctx, const struct lsec_cmd *root, int argc,
	      char **argv);

/* Full run: parse, dispatch, print errors, check stdout. Returns exit code. */
int cli_main(const struct lsec_cmd *root, int argc, char **argv);

/* Print "PATH: what: why" (and JSON error object with --json); returns the
 * exit code for r. */
int cli_report(struct lsec_ctx *ctx, int r);

void cli_help(FILE *f, const struct lsec_cmd *root, const struct lsec_cmd *group,
	      const struct lsec_cmd *verb);
/* Completion candidates for the last word of words[0..n). */
void cli_complete(FILE *f, const struct lsec_cmd *root, int n, char **words);
/* roff SYNOPSIS + OPTIONS for a group (NULL: the top-level page). */
void cli_man(FILE *f, const struct lsec_cmd *root, const struct lsec_cmd *group);
/* Every group, verb and option, one per line: "fw block --comment". */
void cli_table_dump(FILE *f, const struct lsec_cmd *root);

const struct lsec_cmd *cli_find(const struct lsec_cmd *tab, const char *name);

/* JSON helpers for verbs: begin the document and write the common head. */
void cli_json_begin(struct lsec_ctx *ctx);
void cli_json_end(struct lsec_ctx *ctx);

/* Print to stdout unless --quiet or --json. */
void cli_say(struct lsec_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
