/* SPDX-License-Identifier: MIT */
/*
 * lsec profile gen: trace a program (or attach to one, or read its ELF
 * headers only) and write an AppArmor profile for it.
 *
 * Exit status is lsec's own: 0 when a profile was written (whatever the
 * traced program's status; it is reported with --json), 2 bad usage or
 * input, 1 tracing failed, 4 not allowed to trace; and, as env(1), 127 when
 * CMD is not found and 126 when it is not executable.
 */
#include "commands.h"
#include "traced.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/aagen.h"
#include "lsec/cleanup.h"
#include "lsec/trace.h"
#include "lsec/util.h"

static int add_lib(const char *lib, void *userdata)
{
	struct lsec_trace *t = userdata;

	return lsec_trace_add_file(t, 0, lib, LSEC_PERM_M | LSEC_PERM_R, 0);
}

/* "#!/usr/bin/env python3 -u" -> "python3"; "#! /bin/sh" -> "/bin/sh".
 * Returns 1 for a script, 0 otherwise. */
static int script_interp(const char *path, char *buf, size_t n)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[PATH_MAX], *p, *word;

	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "#!", 2) != 0)
		return 0;
	p = line + 2;
	p += strspn(p, " \t");
	word = p;
	p += strcspn(p, " \t\n");
	if (*p)
		*p++ = '\0';
	if (strcmp(word, "/usr/bin/env") == 0 || strcmp(word, "/bin/env") == 0) {
		p += strspn(p, " \t");
		word = p;
		p[strcspn(p, " \t\n")] = '\0';
	}
	if (!*word)
		return 0;
	snprintf(buf, n, "%s", word);
	return 1;
}

static int static_trace(const char *prog, struct lsec_trace *t, char **main_exe,
			struct lsec_err *e)
{
	_cleanup_free_ char *found = NULL;
	char real[PATH_MAX], interp[PATH_MAX];
	int r;

	r = lsec_trace_find_program(prog, &found, e);
	if (r < 0) {
		e->input = true; /* a file the user named */
		return r;
	}
	if (!realpath(found, real))
		return lsec_err_input(e, "cannot resolve '%s': %m", found);
	r = lsec_trace_exe_get(t, real);
	if (r < 0)
		return r;
	*main_exe = strdup(real);
	if (!*main_exe)
		return -ENOMEM;
	/* A script is read and its interpreter runs in this profile (and may
	 * itself be a script: env, shims). */
	for (int depth = 0;; depth++) {
		_cleanup_free_ char *ifound = NULL;
		uint32_t x = depth ? LSEC_PERM_X : 0;

		if (depth > 4 || script_interp(real, interp, sizeof(interp)) <= 0) {
			r = lsec_trace_add_file(t, 0, real, LSEC_PERM_M | LSEC_PERM_R | x, 0);
			break;
		}
		r = lsec_trace_add_file(t, 0, real, LSEC_PERM_R | x, 0);
		if (r < 0)
			return r;
		r = lsec_trace_find_program(interp, &ifound, e);
		if (r < 0 || !realpath(ifound, real)) {
			e->input = true;
			return r < 0 ? r : lsec_err_input(e, "cannot resolve '%s'", interp);
		}
	}
	if (r < 0)
		return r;
	r = lsec_elf_libs(real, add_lib, t, e);
	if (r < 0)
		return r;
	return *main_exe ? 0 : -ENOMEM;
}

static void json_program(struct lsec_ctx *ctx, const struct lsec_trace *t,
			 bool attached)
{
	traced_json_program(ctx, t, attached);
	lsec_json_array_begin(&ctx->j, "executables");
	for (size_t i = 0; i < t->nexes; i++) {
		const struct lsec_trace_exe *x = &t->exes[i];

		lsec_json_object_begin(&ctx->j, NULL);
		lsec_json_string(&ctx->j, "path", x->path);
		lsec_json_uint(&ctx->j, "files", x->nfiles);
		lsec_json_array_begin(&ctx->j, "addresses");
		for (size_t k = 0; k < x->naddrs; k++) {
			const struct lsec_trace_addr *a = &x->addrs[k];

			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "op",
					 a->op == LSEC_TRACE_BIND ? "bind" : "connect");
			lsec_json_string(&ctx->j, "family",
					 lsec_aa_family_name(a->family));
			lsec_json_string(&ctx->j, "address", a->addr);
			if (a->port >= 0)
				lsec_json_int(&ctx->j, "port", a->port);
			lsec_json_object_end(&ctx->j);
		}
		lsec_json_array_end(&ctx->j);
		lsec_json_object_end(&ctx->j);
	}
	lsec_json_array_end(&ctx->j);
}

int cmd_profile_gen(struct lsec_ctx *ctx)
{
	const char *out = cli_opt(ctx, "output"), *v;
	const char *stat_prog = cli_opt(ctx, "static");
	struct lsec_trace_opts to = { .stdout_fd = -1 };
	struct lsec_aagen_opts go = { .glob_threshold = LSEC_AAGEN_GLOB_THRESHOLD };
	struct lsec_trace t = { 0 };
	struct lsec_aa_doc doc = { 0 };
	_cleanup_free_ char *main_exe = NULL, *text = NULL;
	size_t textlen = 0;
	FILE *mem = NULL;
	bool changed = false, attached = false;
	uint64_t u;
	int r;

	go.name = cli_opt(ctx, "name");
	go.complain = cli_flag(ctx, "complain");
	go.no_glob = cli_flag(ctx, "no-glob");
	go.no_abstractions = cli_flag(ctx, "no-abstractions");
	if ((v = cli_opt(ctx, "exec-mode"))) {
		if (streq(v, "ix") || streq(v, "px") || streq(v, "cx"))
			go.exec_mode = v[0];
		else
			return lsec_err_input(&ctx->err,
					      "invalid --exec-mode '%s' (ix, px or cx)", v);
	}
	if ((v = cli_opt(ctx, "glob-threshold"))) {
		if (lsec_parse_u64(v, 1000000, &u) < 0)
			return lsec_err_input(&ctx->err,
					      "invalid --glob-threshold '%s' (a number; 0 = never)",
					      v);
		go.glob_threshold = (unsigned)u;
	}
	if (go.name && (!*go.name || strpbrk(go.name, "\n\"\\")))
		return lsec_err_input(&ctx->err, "invalid --name '%s'", go.name);
	if ((v = cli_opt(ctx, "duration"))) {
		r = lsec_parse_duration(v, &to.duration_ms, &ctx->err);
		if (r < 0)
			return r;
	}
	if ((v = cli_opt(ctx, "attach"))) {
		if (lsec_parse_u64(v, INT_MAX, &u) < 0 || u == 0)
			return lsec_err_input(&ctx->err, "invalid --attach pid '%s'", v);
		to.attach_pid = (pid_t)u;
	}
	if (cli_flag(ctx, "detach"))
		to.flags |= LSEC_TRACE_DETACH;
	if ((stat_prog != NULL) + (to.attach_pid != 0) + (ctx->argc > 0) != 1)
		return lsec_err_input(&ctx->err,
				      "give exactly one of CMD, --attach PID or --static PROGRAM");
	if ((to.flags & LSEC_TRACE_DETACH) && !ctx->argc)
		return lsec_err_input(&ctx->err, "--detach applies to a started CMD only");
	if (stat_prog && to.duration_ms)
		return lsec_err_input(&ctx->err, "--duration does not apply to --static");
	if (out && !*out)
		return lsec_err_input(&ctx->err, "invalid --output ''");

	if (stat_prog) {
		r = static_trace(stat_prog, &t, &main_exe, &ctx->err);
		if (r == -ENOENT && !ctx->err.input)
			ctx->err.input = true;
	} else if (to.attach_pid) {
		char link[64], real[PATH_MAX];
		ssize_t k;

		snprintf(link, sizeof(link), "/proc/%d/exe", to.attach_pid);
		k = readlink(link, real, sizeof(real) - 1);
		if (k < 0) {
			r = errno == ENOENT ? lsec_err_input(&ctx->err,
							     "no process with pid %d",
							     to.attach_pid)
					    : lsec_err_set(&ctx->err, errno,
							   "cannot read %s: %m", link);
			goto out;
		}
		real[k] = '\0';
		main_exe = strdup(real);
		attached = true;
		r = lsec_trace_run(&to, &t, &ctx->err);
	} else {
		_cleanup_free_ char *found = NULL;
		char real[PATH_MAX];

		r = lsec_trace_find_program(ctx->argv[0], &found, &ctx->err);
		if (r == -ENOENT || r == -EACCES) {
			r = traced_program_missing(ctx, r);
			goto out;
		}
		if (r < 0)
			goto out;
		main_exe = strdup(realpath(found, real) ? real : found);
		to.argv = ctx->argv;
		/* the profile or JSON goes to stdout: keep the program off it */
		if (!out || ctx->json)
			to.stdout_fd = 2;
		r = lsec_trace_run(&to, &t, &ctx->err);
		if (r == -ENOENT || r == -EACCES || r == -ENOEXEC) {
			r = traced_program_missing(ctx, r);
			goto out;
		}
	}
	if (r < 0)
		goto out;
	if (!main_exe) {
		r = -ENOMEM;
		goto out;
	}
	r = lsec_aagen_from_trace(&t, main_exe, &go, &doc, &ctx->err);
	if (r < 0)
		goto out;
	if ((v = cli_opt(ctx, "merge"))) {
		r = lsec_aagen_merge_file(&doc, v, &ctx->err);
		if (r < 0)
			goto out;
	}
	mem = open_memstream(&text, &textlen);
	if (!mem) {
		r = -ENOMEM;
		goto out;
	}
	lsec_aagen_write(mem, &doc);
	if (fclose(mem) != 0) {
		r = -ENOMEM;
		goto out;
	}
	if (out && !ctx->check) {
		r = lsec_file_write(out, text, textlen, false, &changed, &ctx->err);
		if (r < 0)
			goto out;
	} else if (out) {
		_cleanup_fclose_ FILE *of = fopen(out, "re");
		_cleanup_free_ char *old = malloc(textlen + 2);
		size_t n = of && old ? fread(old, 1, textlen + 1, of) : 0;

		changed = !of || n != textlen || memcmp(old, text, textlen) != 0;
	}
	if (ctx->json) {
		size_t nrules = 0;

		for (size_t i = 0; i < doc.nprofiles; i++)
			nrules += doc.profiles[i].nrules;
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "profile", doc.profiles[0].name);
		lsec_json_string(&ctx->j, "attachment", main_exe);
		if (out)
			lsec_json_string(&ctx->j, "output", out);
		else
			lsec_json_string_len(&ctx->j, "text", text, textlen);
		lsec_json_bool(&ctx->j, "changed", changed);
		if (ctx->check)
			lsec_json_bool(&ctx->j, "check", true);
		lsec_json_uint(&ctx->j, "rules", nrules);
		if (!stat_prog)
			json_program(ctx, &t, attached);
		cli_json_end(ctx);
	} else if (!out) {
		fwrite(text, 1, textlen, stdout);
	} else {
		cli_say(ctx, "%s profile %s for %s: %s\n",
			ctx->check ? (changed ? "would write" : "unchanged")
				   : (changed ? "wrote" : "unchanged"),
			doc.profiles[0].name, main_exe, out);
	}
	r = 0;
out:
	lsec_aa_doc_free(&doc);
	lsec_trace_free(&t);
	return r;
}
