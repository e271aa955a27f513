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

static const struct lsec_cmd profile_cmds[] = {
	{ 0 }
};

/* ---- lsec sandbox ------------------------------------------------------------ */

/* What makes a policy, shared by run, explain and export. */
#define SANDBOX_POLICY_OPTS                                                     \
	{ "deny", 'd', "LIST", LSEC_OPT_REPEAT,                                 \
	  "deny these syscalls, @groups or name:argN==VALUE entries (comma-"    \
	  "separated)" },                                                       \
	{ "allow", 'a', "LIST", LSEC_OPT_REPEAT,                                \
	  "allow these; with --allow alone, everything else fails with ENOSYS" }, \
	{ "policy", 'p', "FILE", LSEC_OPT_REPEAT,                               \
	  "read rules from a policy file (see POLICY FILES)" },                 \
	{ "action", 0, "ACTION", 0,                                             \
	  "what a denied syscall gets: errno[:NAME|NUMBER] (default "          \
	  "errno:EPERM), kill, trap, log" },                                    \
	{ "default-action", 0, "ACTION", 0,                                     \
	  "action for syscalls no rule names (default: allow, or errno:ENOSYS " \
	  "with --allow)" },                                                    \
	{ "exact", 0, NULL, 0,                                                  \
	  "take names literally: do not expand open to openat, creat, ..." },   \
	{ "allow-io-uring", 0, NULL, 0,                                         \
	  "do not deny io_uring (it bypasses syscall rules)" },                 \
	{ "native-only", 0, NULL, 0,                                            \
	  "kill the process on any other ABI (i386 int 0x80, x32)" },           \
	{ "log", 0, NULL, 0, "log denied syscalls to the audit log" },          \
	{ "no-new-privs", 0, "yes|no", 0,                                       \
	  "set no_new_privs (default yes; no needs CAP_SYS_ADMIN)" }

static const struct lsec_opt sandbox_run_opts[] = {
	SANDBOX_POLICY_OPTS,
	{ 0 }
};

static const struct lsec_opt sandbox_explain_opts[] = {
	SANDBOX_POLICY_OPTS,
	{ 0 }
};

static const struct lsec_opt sandbox_export_opts[] = {
	SANDBOX_POLICY_OPTS,
	{ "format", 'f', "bpf|pfc|oci|policy", 0,
	  "output format (required): raw BPF, libseccomp PFC text, OCI/Docker "
	  "JSON, lsec policy" },
	{ "output", 'o', "FILE", 0, "write to FILE instead of stdout" },
	{ 0 }
};

static const struct lsec_opt sandbox_import_opts[] = {
	{ "output", 'o', "FILE", 0, "write the policy to FILE instead of stdout" },
	{ "caps", 0, "LIST", 0,
	  "capabilities the container has, for includes/excludes (default: "
	  "Docker's default set)" },
	{ 0 }
};

static const struct lsec_opt sandbox_syscalls_opts[] = {
	{ "arch", 0, "ARCH", 0,
	  "architecture for numbers: x86_64, x86, x32, aarch64, ... (default "
	  "native)" },
	{ "exact", 0, NULL, 0, "do not expand a family name" },
	{ 0 }
};

static const struct lsec_cmd sandbox_cmds[] = {
	{ "check", "POLICY", "validate a policy file", cmd_sandbox_check,
	  .min_args = 1, .max_args = 1 },
	{ "explain", "[POLICY]",
	  "print the effective rules, families and groups expanded",
	  cmd_sandbox_explain, sandbox_explain_opts, .max_args = 1 },
	{ "export", "[POLICY]",
	  "write the filter as BPF (for bwrap --seccomp), PFC or an OCI "
	  "profile",
	  cmd_sandbox_export, sandbox_export_opts, .max_args = 1 },
	{ "groups", "[@GROUP]", "list the syscall groups, or one group's members",
	  cmd_sandbox_groups, .max_args = 1 },
	{ "import", "FILE.json",
	  "turn an OCI/Docker seccomp profile into an lsec policy",
	  cmd_sandbox_import, sandbox_import_opts, .min_args = 1, .max_args = 1 },
	{ "run", "CMD [ARG...]", "run CMD under a seccomp filter",
	  cmd_sandbox_run, sandbox_run_opts, .flags = LSEC_CMD_RUNS_PROGRAM,
	  .min_args = 1, .max_args = -1, .nfixed = 0 },
	{ "syscalls", "NAME|NUMBER",
	  "resolve a syscall name, family or number on each architecture",
	  cmd_sandbox_syscalls, sandbox_syscalls_opts, .min_args = 1,
	  .max_args = 1 },
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
