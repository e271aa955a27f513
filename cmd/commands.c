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

static const struct lsec_opt profile_gen_opts[] = {
	{ "output", 'o', "FILE", 0, "write the profile to FILE (default: stdout; then the "
	  "program's stdout goes to stderr)" },
	{ "name", 0, "NAME", 0, "profile name (default: the program's file name)" },
	{ "complain", 0, NULL, 0, "write flags=(complain)" },
	{ "merge", 0, "FILE", 0, "add what this run saw to a profile lsec generated before" },
	{ "duration", 0, "D", 0, "stop tracing after D (30, 30s, 5m, ...); a started "
	  "program is then terminated" },
	{ "attach", 0, "PID", 0, "trace the running process PID (all threads) instead of "
	  "starting CMD; it keeps running afterwards" },
	{ "detach", 0, NULL, 0, "leave a started program running when tracing stops "
	  "(traces with PTRACE_SYSCALL: slower)" },
	{ "static", 0, "PROGRAM", 0, "do not run anything: a starting profile from "
	  "PROGRAM's ELF interpreter and libraries" },
	{ "exec-mode", 0, "MODE", 0, "rule for programs it runs: ix (default, same "
	  "profile), cx (child profiles) or px (own profiles)" },
	{ "glob-threshold", 0, "N", 0, "N or more files read in one directory become "
	  "DIR/* (default 8; 0 = never)" },
	{ "no-glob", 0, NULL, 0, "exact paths only: no name globbing heuristics" },
	{ "no-abstractions", 0, NULL, 0, "include only abstractions/base and list "
	  "every path" },
	{ 0 }
};

static const struct lsec_cmd profile_cmds[] = {
	{ "gen", "[--] [CMD [ARG...]]",
	  "trace CMD (or --attach PID, or --static PROGRAM) and write an AppArmor "
	  "profile for it",
	  cmd_profile_gen, profile_gen_opts,
	  .flags = LSEC_CMD_RUNS_PROGRAM | LSEC_CMD_OWN_STATUS | LSEC_CMD_MUTATES,
	  .min_args = 0, .max_args = -1, .nfixed = 0 },
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
