/* SPDX-License-Identifier: MIT */
/*
 * THE command table.  Every group, verb and option of lsec is described here
 * once; --help, `lsec __complete` (the shell completions) and `lsec __man`
 * (the man pages' SYNOPSIS and COMMANDS) are generated from it, and
 * tests/unit/test_commands.c checks its invariants (sorted, unique, every
 * option documented).  Keep groups and verbs sorted by name.
 */
#include "commands.h"

#include <stdio.h>

#include <seccomp.h>

#include "lsec/version.h"

/* ---- lsec fw ---------------------------------------------------------------- */

static const struct lsec_cmd fw_cmds[] = {
	{ 0 }
};

/* ---- lsec profile ------------------------------------------------------------ */

static const struct lsec_opt profile_run_opts[] = {
	{ "explain", 0, NULL, 0,
	  "list, on stderr, what is enforced and every rule that cannot be "
	  "enforced exactly" },
	{ "enforcer", 0, "auto|apparmor|landlock", 0,
	  "AppArmor (needs it in the kernel), Landlock, or AppArmor where "
	  "enabled else Landlock (default auto)" },
	{ 0 }
};

static const struct lsec_cmd profile_cmds[] = {
	{ "check", "FILE",
	  "lint a profile and compile it with apparmor_parser without loading it",
	  cmd_profile_check, .min_args = 1, .max_args = 1 },
	{ "complain", "FILE|NAME",
	  "load a profile into AppArmor in complain mode (log, do not refuse)",
	  cmd_profile_complain, .flags = LSEC_CMD_MUTATES, .min_args = 1,
	  .max_args = 1 },
	{ "enforce", "FILE|NAME", "load a profile into AppArmor in enforce mode",
	  cmd_profile_enforce, .flags = LSEC_CMD_MUTATES, .min_args = 1,
	  .max_args = 1 },
	{ "exec", "NAME CMD [ARG...]",
	  "run a program in a loaded AppArmor profile",
	  cmd_profile_exec, .flags = LSEC_CMD_RUNS_PROGRAM, .min_args = 2,
	  .max_args = -1, .nfixed = 1 },
	{ "load", "FILE|NAME",
	  "compile a profile and load it into AppArmor in the mode it names",
	  cmd_profile_load, .flags = LSEC_CMD_MUTATES, .min_args = 1,
	  .max_args = 1 },
	{ "run", "FILE CMD [ARG...]",
	  "run a program under a profile's rules, enforced with Landlock where "
	  "AppArmor is absent",
	  cmd_profile_run, profile_run_opts, .flags = LSEC_CMD_RUNS_PROGRAM,
	  .min_args = 2, .max_args = -1, .nfixed = 1 },
	{ "status", NULL, "list the profiles loaded into AppArmor and their modes",
	  cmd_profile_status, .max_args = 0 },
	{ "unload", "FILE|NAME", "remove a profile from AppArmor",
	  cmd_profile_unload, .flags = LSEC_CMD_MUTATES, .min_args = 1,
	  .max_args = 1 },
	{ 0 }
};

/* ---- lsec sandbox ------------------------------------------------------------ */

static const struct lsec_cmd sandbox_cmds[] = {
	{ 0 }
};

/* ---- groups ----------------------------------------------------------------- */

static const struct lsec_cmd groups[] = {
	{ "fw", NULL, "Netfilter firewall: block addresses, open ports, NAT, forwarding",
	  .sub = fw_cmds },
	{ "profile", NULL,
	  "LSM profiles: learn an AppArmor profile from a run, check, load, "
	  "enforce with Landlock",
	  .sub = profile_cmds },
	{ "sandbox", NULL,
	  "seccomp: run a program with only the system calls it should have",
	  .sub = sandbox_cmds },
	{ 0 }
};

const struct lsec_cmd lsec_root = {
	"lsec", NULL,
	"Put the Linux kernel's own security machinery to work: Netfilter,\n"
	"seccomp, AppArmor and Landlock.",
	cmd_version, .sub = groups,
};

static const struct {
	const char *name, *version;
} libraries[] = {
	{ "libseccomp", LSEC_SECCOMP_VERSION },
	{ "libip4tc", LSEC_IP4TC_VERSION },
	{ "libip6tc", LSEC_IP6TC_VERSION },
	{ "libnftables", LSEC_NFTABLES_VERSION },
	{ "libipset", LSEC_IPSET_VERSION },
	{ "libapparmor", LSEC_APPARMOR_VERSION },
};

int cmd_version(struct lsec_ctx *ctx)
{
	const struct scmp_version *sv = seccomp_version();
	size_t i;

	if (ctx->json) {
		cli_json_begin(ctx);
		lsec_json_string(&ctx->j, "version", LSEC_VERSION);
		lsec_json_object_begin(&ctx->j, "built_with");
		for (i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++)
			lsec_json_string(&ctx->j, libraries[i].name,
					 libraries[i].version);
		lsec_json_object_end(&ctx->j);
		lsec_json_object_begin(&ctx->j, "runtime");
		{
			char v[32];

			snprintf(v, sizeof(v), "%u.%u.%u", sv->major, sv->minor,
				 sv->micro);
			lsec_json_string(&ctx->j, "libseccomp", v);
		}
		lsec_json_object_end(&ctx->j);
		cli_json_end(ctx);
		return 0;
	}
	printf("lsec %s\n", LSEC_VERSION);
	for (i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++)
		printf("  built with %s %s\n", libraries[i].name,
		       libraries[i].version);
	printf("  running libseccomp %u.%u.%u\n", sv->major, sv->minor,
	       sv->micro);
	return 0;
}
