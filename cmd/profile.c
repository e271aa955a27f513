/* SPDX-License-Identifier: MIT */
/*
 * lsec profile: check, load/unload/enforce/complain, status, exec (AppArmor
 * through libapparmor), and run (Landlock + a socket filter where AppArmor is
 * absent).  `profile gen` lives in profile_gen.c.
 *
 * LSEC_APPARMORFS=DIR makes the AppArmor verbs use DIR instead of the
 * kernel's apparmorfs (libapparmor's own apparmorfs argument).  It exists for
 * the test suite, which has no AppArmor in its kernel; see lsec-profile(8).
 */
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsec/apparmor.h"
#include "lsec/cleanup.h"
#include "lsec/landlock.h"
#include "lsec/util.h"

struct aa_env {
	struct lsec_aa_kernel k;
	char state[PATH_MAX];
};

static void aa_env_init(struct aa_env *env)
{
	const char *fs = getenv("LSEC_APPARMORFS");

	memset(env, 0, sizeof(*env));
	if (fs && *fs) {
		env->k.fs = fs;
		snprintf(env->state, sizeof(env->state), "%s/.lsec-state", fs);
		env->k.state_dir = env->state;
	}
}

/* Report an error with the exit code it maps to, even for verbs that run a
 * program (whose own failures are otherwise 125): "AppArmor is not
 * available" is 3 everywhere. */
static int report_unavailable(struct lsec_ctx *ctx, int r)
{
	const struct lsec_cmd *saved = ctx->verb;
	struct lsec_cmd v = *saved;
	int code;

	v.flags &= ~(unsigned)LSEC_CMD_RUNS_PROGRAM;
	ctx->verb = &v;
	code = cli_report(ctx, r);
	ctx->verb = saved;
	return code;
}

static int aa_require(struct lsec_ctx *ctx, struct aa_env *env)
{
	int r = lsec_aa_kernel_available(&env->k, &ctx->err);

	return r < 0 ? r : 0;
}

/* FILE, or NAME -> /etc/apparmor.d/NAME (slashes as dots, as aa-* do). */
static char *profile_file(const char *arg)
{
	struct stat st;
	char *path, *p;

	if (strchr(arg, '/') || stat(arg, &st) == 0)
		return strdup(arg);
	if (asprintf(&path, "/etc/apparmor.d/%s", arg[0] == '.' ? arg + 1 : arg) < 0)
		return NULL;
	for (p = path + strlen("/etc/apparmor.d/"); *p; p++)
		if (*p == '/')
			*p = '.';
	return path;
}

static int parse_profile_file(struct lsec_ctx *ctx, const char *path,
			      struct lsec_aa_policy *pol)
{
	return lsec_aa_parse_file(path, NULL, pol, &ctx->err);
}

static const char *profile_mode(const struct lsec_aa_profile *p)
{
	if (p->flags & LSEC_AA_F_KILL)
		return "kill";
	if (p->flags & LSEC_AA_F_UNCONFINED)
		return "unconfined";
	return p->flags & LSEC_AA_F_COMPLAIN ? "complain" : "enforce";
}

/* ---- check ---------------------------------------------------------------- */

int cmd_profile_check(struct lsec_ctx *ctx)
{
	struct lsec_aa_policy pol;
	struct aa_env env;
	bool compiled = true;
	size_t i;
	int r;

	aa_env_init(&env);
	r = parse_profile_file(ctx, ctx->argv[0], &pol);
	if (r < 0)
		return r;
	r = lsec_aa_compile(&env.k, ctx->argv[0], NULL, NULL, NULL, &ctx->err);
	if (r == -ENOENT && !ctx->err.input) {
		compiled = false; /* no apparmor_parser: lint only */
		lsec_err_clear(&ctx->err);
	} else if (r < 0) {
		lsec_aa_policy_free(&pol);
		return r;
	}
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "file", ctx->argv[0]);
		lsec_json_bool(&ctx->j, "valid", true);
		lsec_json_bool(&ctx->j, "compiled", compiled);
		if (pol.abi)
			lsec_json_string(&ctx->j, "abi", pol.abi);
		lsec_json_array_begin(&ctx->j, "profiles");
		for (i = 0; i < pol.nprofiles; i++) {
			const struct lsec_aa_profile *p = &pol.profiles[i];

			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "name", p->name);
			if (p->attach)
				lsec_json_string(&ctx->j, "attach", p->attach);
			else
				lsec_json_null(&ctx->j, "attach");
			lsec_json_string(&ctx->j, "mode", profile_mode(p));
			lsec_json_uint(&ctx->j, "rules", p->nrules);
			lsec_json_object_end(&ctx->j);
		}
		lsec_json_array_end(&ctx->j);
		lsec_json_array_begin(&ctx->j, "includes");
		for (i = 0; i < pol.nincludes; i++)
			lsec_json_string(&ctx->j, NULL, pol.includes[i]);
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	} else {
		for (i = 0; i < pol.nprofiles; i++)
			cli_say(ctx, "%s: profile %s (%s, %zu rules): ok\n", ctx->argv[0],
				pol.profiles[i].name, profile_mode(&pol.profiles[i]),
				pol.profiles[i].nrules);
		if (!compiled)
			cli_say(ctx, "%s: apparmor_parser is not installed: checked by lsec only\n",
				ctx->argv[0]);
	}
	lsec_aa_policy_free(&pol);
	return 0;
}

/* ---- load, enforce, complain ------------------------------------------------ */

static int load_as(struct lsec_ctx *ctx, const char *mode)
{
	_cleanup_free_ char *file = NULL;
	_cleanup_free_ void *blob = NULL;
	_cleanup_free_ char **names = NULL;
	struct lsec_aa_policy pol;
	const char *m;
	struct aa_env env;
	size_t len = 0, i;
	int r;

	aa_env_init(&env);
	r = aa_require(ctx, &env);
	if (r < 0)
		return r;
	file = profile_file(ctx->argv[0]);
	if (!file)
		return -ENOMEM;
	r = parse_profile_file(ctx, file, &pol);
	if (r < 0)
		return r;
	m = mode ? mode : profile_mode(&pol.profiles[0]);
	r = lsec_aa_compile(&env.k, file, mode, &blob, &len, &ctx->err);
	if (r < 0)
		goto out;
	names = calloc(pol.nprofiles + 1, sizeof(*names));
	if (!names) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < pol.nprofiles; i++)
		names[i] = pol.profiles[i].name;
	r = lsec_aa_kernel_replace(&env.k, blob, len, names, m, ctx->check,
				   &ctx->err);
	if (r < 0)
		goto out;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_bool(&ctx->j, "changed", r > 0);
		if (ctx->check)
			lsec_json_bool(&ctx->j, "check", true);
		lsec_json_string(&ctx->j, "file", file);
		lsec_json_string(&ctx->j, "mode", m);
		lsec_json_array_begin(&ctx->j, "profiles");
		for (i = 0; names[i]; i++)
			lsec_json_string(&ctx->j, NULL, names[i]);
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	} else
		for (i = 0; names[i]; i++)
			cli_say(ctx, "%s%s %s (%s)\n", ctx->check && r > 0 ? "would load " : "",
				r > 0 ? (ctx->check ? "profile" : "loaded profile")
				      : "already loaded: profile",
				names[i], m);
	r = 0;
out:
	lsec_aa_policy_free(&pol);
	return r;
}

int cmd_profile_load(struct lsec_ctx *ctx) { return load_as(ctx, NULL); }
int cmd_profile_enforce(struct lsec_ctx *ctx) { return load_as(ctx, "enforce"); }
int cmd_profile_complain(struct lsec_ctx *ctx) { return load_as(ctx, "complain"); }

/* ---- unload ----------------------------------------------------------------- */

int cmd_profile_unload(struct lsec_ctx *ctx)
{
	struct lsec_aa_policy pol = { 0 };
	const char *arg = ctx->argv[0];
	struct aa_env env;
	struct stat st;
	bool changed = false;
	size_t i, n;
	int r;

	aa_env_init(&env);
	r = aa_require(ctx, &env);
	if (r < 0)
		return r;
	if (stat(arg, &st) == 0) {
		r = parse_profile_file(ctx, arg, &pol);
		if (r < 0)
			return r;
	}
	n = pol.nprofiles ? pol.nprofiles : 1;
	for (i = 0; i < n; i++) {
		const char *name = pol.nprofiles ? pol.profiles[i].name : arg;

		r = lsec_aa_kernel_remove(&env.k, name, ctx->check, &ctx->err);
		if (r < 0) {
			lsec_aa_policy_free(&pol);
			return r;
		}
		changed |= r > 0;
		cli_say(ctx, "%s %s\n",
			r > 0 ? (ctx->check ? "would unload profile" : "unloaded profile")
			      : "not loaded: profile",
			name);
	}
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_bool(&ctx->j, "changed", changed);
		if (ctx->check)
			lsec_json_bool(&ctx->j, "check", true);
		lsec_json_array_begin(&ctx->j, "profiles");
		for (i = 0; i < n; i++)
			lsec_json_string(&ctx->j, NULL,
					 pol.nprofiles ? pol.profiles[i].name : arg);
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	}
	lsec_aa_policy_free(&pol);
	return 0;
}

/* ---- status ----------------------------------------------------------------- */

int cmd_profile_status(struct lsec_ctx *ctx)
{
	struct lsec_aa_loaded *l = NULL;
	struct aa_env env;
	int n, i;

	aa_env_init(&env);
	n = aa_require(ctx, &env);
	if (n < 0)
		return n;
	n = lsec_aa_kernel_list(&env.k, &l, &ctx->err);
	if (n < 0)
		return n;
	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_bool(&ctx->j, "enabled", true);
		lsec_json_array_begin(&ctx->j, "profiles");
		for (i = 0; i < n; i++) {
			lsec_json_object_begin(&ctx->j, NULL);
			lsec_json_string(&ctx->j, "name", l[i].name);
			lsec_json_string(&ctx->j, "mode", l[i].mode);
			lsec_json_object_end(&ctx->j);
		}
		lsec_json_array_end(&ctx->j);
		cli_json_end(ctx);
	} else {
		cli_say(ctx, "AppArmor is enabled; %d profile%s loaded\n", n,
			n == 1 ? "" : "s");
		for (i = 0; i < n; i++)
			cli_say(ctx, "  %s (%s)\n", l[i].name, l[i].mode);
	}
	lsec_aa_loaded_free(l, (size_t)n);
	return 0;
}

/* ---- running programs ------------------------------------------------------- */

/* Resolve CMD as execvp would: 0, or 126/127 after printing why. */
static int resolve_cmd(struct lsec_ctx *ctx, const char *cmd, char **ret)
{
	_cleanup_free_ char *found = NULL;
	struct stat st;

	if (strchr(cmd, '/')) {
		found = strdup(cmd);
	} else {
		const char *path = getenv("PATH");
		_cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
		char *dir, *save = NULL;

		if (!copy)
			return -ENOMEM;
		for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			_cleanup_free_ char *p = NULL;

			if (asprintf(&p, "%s/%s", *dir ? dir : ".", cmd) < 0)
				return -ENOMEM;
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
			    access(p, X_OK) == 0) {
				found = TAKE_PTR(p);
				break;
			}
		}
	}
	if (!found || stat(found, &st) < 0) {
		fprintf(stderr, "%s: %s: command not found\n", ctx->path, cmd);
		return LSEC_EXIT_RUN_NOTFOUND;
	}
	if (S_ISDIR(st.st_mode) || access(found, X_OK) < 0) {
		fprintf(stderr, "%s: %s: not executable\n", ctx->path, cmd);
		return LSEC_EXIT_RUN_NOEXEC;
	}
	*ret = realpath(found, NULL);
	return *ret ? 0 : -errno;
}

/* Run exe restricted by restrict_fn in a child and return its status as
 * lsec's exit code: the program's, 128+N for signal N, 126/127 when it could
 * not be executed. */
static int run_program(struct lsec_ctx *ctx, const char *exe,
		       int (*restrict_fn)(void *ud, struct lsec_err *e), void *ud)
{
	int status = 0, r;

	r = lsec_landlock_run(exe, ctx->argv + 1, restrict_fn, ud, &status,
			      &ctx->err);
	if (r < 0)
		return r;
	if (r == 1)
		cli_report(ctx, -ctx->err.code);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : LSEC_EXIT_RUN_FAIL;
}

static int restrict_landlock(void *ud, struct lsec_err *e)
{
	return lsec_landlock_apply(ud, e);
}

static int restrict_apparmor(void *ud, struct lsec_err *e)
{
	return lsec_aa_change_onexec(ud, e);
}

int cmd_profile_exec(struct lsec_ctx *ctx)
{
	_cleanup_free_ char *exe = NULL;
	struct lsec_aa_loaded *l = NULL;
	struct aa_env env;
	bool loaded = false;
	int n, i, r;

	aa_env_init(&env);
	r = aa_require(ctx, &env);
	if (r < 0)
		return report_unavailable(ctx, r);
	n = lsec_aa_kernel_list(&env.k, &l, &ctx->err);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		loaded |= streq(l[i].name, ctx->argv[0]);
	lsec_aa_loaded_free(l, (size_t)n);
	if (!loaded)
		return lsec_err_input(&ctx->err,
				      "profile '%s' is not loaded (lsec profile load FILE)",
				      ctx->argv[0]);
	r = resolve_cmd(ctx, ctx->argv[1], &exe);
	if (r != 0)
		return r;
	if (ctx->check) {
		cli_say(ctx, "would run %s in AppArmor profile %s\n", exe, ctx->argv[0]);
		return 0;
	}
	r = run_program(ctx, exe, restrict_apparmor, ctx->argv[0]);
	if (r == -EOPNOTSUPP)
		return report_unavailable(ctx, r);
	return r;
}

static void explain_text(FILE *f, const struct lsec_ll_plan *plan,
			 const struct lsec_aa_profile *prof, const char *file)
{
	size_t i;
	int fam, t;

	fprintf(f, "Landlock ABI %d enforcing profile %s from %s\n", plan->abi,
		prof->name, file);
	fprintf(f, "allowed paths:\n");
	for (i = 0; i < plan->nrules; i++) {
		char acc[256];

		if (!plan->rules[i].access)
			continue;
		lsec_landlock_access_format(plan->rules[i].access, acc, sizeof(acc));
		fprintf(f, "  %s%s %s\n", plan->rules[i].path,
			plan->rules[i].dir ? "/ (and beneath)" : "", acc);
	}
	fprintf(f, "sockets: %s\n", plan->net_filter ? "only these families/types" :
							 "all allowed");
	for (fam = 0; plan->net_filter && fam < LSEC_LL_NFAMILIES; fam++) {
		int nt = 0;

		for (t = 0; t < LSEC_LL_NTYPES; t++)
			nt += plan->allowed[fam][t];
		if (!nt || !lsec_aa_family_name(fam))
			continue;
		if (nt == LSEC_LL_NTYPES) {
			fprintf(f, "  %s (any type)\n", lsec_aa_family_name(fam));
			continue;
		}
		for (t = 0; t < LSEC_LL_NTYPES; t++)
			if (plan->allowed[fam][t] && lsec_aa_socktype_name(t))
				fprintf(f, "  %s %s\n", lsec_aa_family_name(fam),
					lsec_aa_socktype_name(t));
	}
	fprintf(f, "capabilities:");
	for (t = 0, fam = 0; lsec_aa_capability_name(t); t++)
		if (plan->caps & (1ULL << t))
			fprintf(f, "%s%s", fam++ ? ", " : " ", lsec_aa_capability_name(t));
	fprintf(f, "%s\n", fam ? "" : " none (all dropped from the bounding set)");
	fprintf(f, "not enforced exactly:\n");
	for (i = 0; i < plan->nnotes; i++) {
		const struct lsec_ll_note *n = &plan->notes[i];

		if (n->where[0])
			fprintf(f, "  %s: %s\n    -> %s\n", n->where, n->rule, n->what);
		else
			fprintf(f, "  %s\n", n->what);
	}
}

static void explain_json(FILE *f, const struct lsec_ll_plan *plan,
			 const struct lsec_aa_profile *prof, const char *file,
			 bool check)
{
	struct lsec_json j;
	size_t i;
	int fam, t;

	lsec_json_init(&j, f);
	lsec_json_object_begin(&j, NULL);
	if (check)
		lsec_json_bool(&j, "check", true);
	lsec_json_string(&j, "enforcer", "landlock");
	lsec_json_int(&j, "abi", plan->abi);
	lsec_json_string(&j, "file", file);
	lsec_json_string(&j, "profile", prof->name);
	lsec_json_array_begin(&j, "paths");
	for (i = 0; i < plan->nrules; i++) {
		char acc[256], *s, *save = NULL;

		if (!plan->rules[i].access)
			continue;
		lsec_json_object_begin(&j, NULL);
		lsec_json_string(&j, "path", plan->rules[i].path);
		lsec_json_bool(&j, "beneath", plan->rules[i].dir);
		lsec_landlock_access_format(plan->rules[i].access, acc, sizeof(acc));
		lsec_json_array_begin(&j, "access");
		for (s = strtok_r(acc, ",", &save); s; s = strtok_r(NULL, ",", &save))
			lsec_json_string(&j, NULL, s);
		lsec_json_array_end(&j);
		lsec_json_object_end(&j);
	}
	lsec_json_array_end(&j);
	lsec_json_object_begin(&j, "sockets");
	lsec_json_bool(&j, "filtered", plan->net_filter);
	lsec_json_array_begin(&j, "allowed");
	for (fam = 0; fam < LSEC_LL_NFAMILIES; fam++)
		for (t = 0; t < LSEC_LL_NTYPES; t++) {
			if (!plan->allowed[fam][t] || !lsec_aa_family_name(fam) ||
			    !lsec_aa_socktype_name(t))
				continue;
			lsec_json_object_begin(&j, NULL);
			lsec_json_string(&j, "family", lsec_aa_family_name(fam));
			lsec_json_string(&j, "type", lsec_aa_socktype_name(t));
			lsec_json_object_end(&j);
		}
	lsec_json_array_end(&j);
	lsec_json_object_end(&j);
	lsec_json_array_begin(&j, "capabilities");
	for (t = 0; lsec_aa_capability_name(t); t++)
		if (plan->caps & (1ULL << t))
			lsec_json_string(&j, NULL, lsec_aa_capability_name(t));
	lsec_json_array_end(&j);
	lsec_json_array_begin(&j, "not_enforced");
	for (i = 0; i < plan->nnotes; i++) {
		lsec_json_object_begin(&j, NULL);
		if (plan->notes[i].where[0]) {
			lsec_json_string(&j, "where", plan->notes[i].where);
			lsec_json_string(&j, "rule", plan->notes[i].rule);
		}
		lsec_json_string(&j, "what", plan->notes[i].what);
		lsec_json_object_end(&j);
	}
	lsec_json_array_end(&j);
	lsec_json_object_end(&j);
	lsec_json_finish(&j);
}

static int run_apparmor(struct lsec_ctx *ctx, struct aa_env *env,
			const char *file, const struct lsec_aa_policy *pol,
			const struct lsec_aa_profile *prof, const char *exe)
{
	_cleanup_free_ void *blob = NULL;
	_cleanup_free_ char **names = NULL;
	size_t len = 0, i;
	int r;

	if (ctx->check) {
		cli_say(ctx, "would load %s and run %s in AppArmor profile %s\n", file,
			exe, prof->name);
		return 0;
	}
	r = lsec_aa_compile(&env->k, file, NULL, &blob, &len, &ctx->err);
	if (r < 0)
		return r;
	names = calloc(pol->nprofiles + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < pol->nprofiles; i++)
		names[i] = pol->profiles[i].name;
	r = lsec_aa_kernel_replace(&env->k, blob, len, names, profile_mode(prof),
				   false, &ctx->err);
	if (r < 0)
		return r;
	r = run_program(ctx, exe, restrict_apparmor, prof->name);
	if (r == -EOPNOTSUPP)
		return report_unavailable(ctx, r);
	return r;
}

int cmd_profile_run(struct lsec_ctx *ctx)
{
	const char *enforcer = cli_opt(ctx, "enforcer");
	const char *file = ctx->argv[0];
	_cleanup_free_ char *exe = NULL;
	const struct lsec_aa_profile *prof;
	struct lsec_aa_policy pol;
	struct lsec_ll_plan plan;
	struct aa_env env;
	bool explain = cli_flag(ctx, "explain");
	int r;

	aa_env_init(&env);
	env.k.fs = NULL; /* run always means the real kernel */
	env.k.state_dir = NULL;
	if (!enforcer)
		enforcer = "auto";
	if (!streq(enforcer, "auto") && !streq(enforcer, "apparmor") &&
	    !streq(enforcer, "landlock"))
		return lsec_err_input(&ctx->err,
				      "invalid enforcer '%s': use auto, apparmor or landlock",
				      enforcer);
	r = parse_profile_file(ctx, file, &pol);
	if (r < 0)
		return r;
	r = resolve_cmd(ctx, ctx->argv[1], &exe);
	if (r != 0)
		goto out;
	prof = lsec_aa_policy_pick(&pol, exe);
	if (streq(enforcer, "auto"))
		enforcer = lsec_aa_kernel_available(&env.k, NULL) == 1 ? "apparmor"
								      : "landlock";
	if (streq(enforcer, "apparmor")) {
		r = lsec_aa_kernel_available(&env.k, &ctx->err);
		if (r < 0) {
			r = report_unavailable(ctx, r);
			goto out;
		}
		r = run_apparmor(ctx, &env, file, &pol, prof, exe);
		goto out;
	}
	r = lsec_landlock_plan(prof, exe, 0, &plan, &ctx->err);
	if (r == -EOPNOTSUPP) {
		r = report_unavailable(ctx, r);
		goto out;
	}
	if (r < 0)
		goto out;
	if (ctx->check || explain) {
		FILE *f = ctx->check ? stdout : stderr;

		if (ctx->json)
			explain_json(f, &plan, prof, file, ctx->check);
		else if (!ctx->quiet || !ctx->check)
			explain_text(f, &plan, prof, file);
	}
	if (ctx->check) {
		lsec_landlock_plan_free(&plan);
		r = 0;
		goto out;
	}
	r = run_program(ctx, exe, restrict_landlock, &plan);
	lsec_landlock_plan_free(&plan);
out:
	lsec_aa_policy_free(&pol);
	return r;
}
