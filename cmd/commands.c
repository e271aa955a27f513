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

#define FW_WAIT                                                              \
	{ "wait", 'w', "SECONDS", LSEC_OPT_OPTARG,                           \
	  "wait for the xtables lock (forever, or up to SECONDS); without "  \
	  "it, fail at once if another program holds it" }
#define FW_BACKEND                                                           \
	{ "backend", 0, "BACKEND", 0,                                        \
	  "auto, nft or legacy (default: $LSEC_FW_BACKEND, then "           \
	  "/etc/lsec/fw.conf, else auto: what the system's iptables uses)" }
#define FW_COMMENT                                                           \
	{ "comment", 0, "TEXT", 0,                                           \
	  "note stored with the rules (shown by list)" }

static const struct lsec_opt fw_block_opts[] = {
	FW_BACKEND,
	{ "both", 0, NULL, 0, "block traffic from and to ADDR" },
	FW_COMMENT,
	{ "file", 'f', "FILE", LSEC_OPT_REPEAT,
	  "read addresses from FILE, one a line ('-': stdin; '#' comments)" },
	{ "in", 0, NULL, 0, "block traffic from ADDR (the default)" },
	{ "out", 0, NULL, 0, "block traffic to ADDR" },
	{ "reject", 0, NULL, 0,
	  "refuse (TCP reset, ICMP port unreachable) instead of dropping" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_unblock_opts[] = {
	FW_BACKEND,
	{ "file", 'f', "FILE", LSEC_OPT_REPEAT,
	  "read addresses from FILE, one a line ('-': stdin; '#' comments)" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_allow_opts[] = {
	FW_BACKEND,
	FW_COMMENT,
	{ "delete", 0, NULL, 0, "remove the rule instead of adding it" },
	{ "from", 0, "ADDR", 0, "only from this address or CIDR prefix" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_deny_opts[] = {
	FW_BACKEND,
	FW_COMMENT,
	{ "delete", 0, NULL, 0, "remove the rule instead of adding it" },
	{ "from", 0, "ADDR", 0, "only from this address or CIDR prefix" },
	{ "reject", 0, NULL, 0,
	  "refuse (TCP reset, ICMP port unreachable) instead of dropping" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_forward_opts[] = {
	FW_BACKEND,
	FW_COMMENT,
	{ "in-iface", 'i', "IF", 0, "only traffic arriving on interface IF" },
	{ "to", 0, "ADDR[:PORT]", 0,
	  "where to send it (required; [V6ADDR]:PORT for IPv6)" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_unforward_opts[] = {
	FW_BACKEND,
	{ "in-iface", 'i', "IF", 0, "as given to forward" },
	{ "to", 0, "ADDR[:PORT]", 0, "as given to forward (required)" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_masquerade_opts[] = {
	FW_BACKEND,
	FW_COMMENT,
	{ "from", 0, "CIDR", 0, "only traffic from this network" },
	{ "out-iface", 'o', "IF", 0,
	  "interface the traffic leaves by (required)" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_unmasquerade_opts[] = {
	FW_BACKEND,
	{ "from", 0, "CIDR", 0, "as given to masquerade" },
	{ "out-iface", 'o', "IF", 0, "as given to masquerade (required)" },
	FW_WAIT,
	{ 0 }
};

static const struct lsec_opt fw_list_opts[] = {
	FW_BACKEND,
	{ "commands", 0, NULL, 0, "print lsec commands that recreate the rules" },
	{ 0 }
};

static const struct lsec_opt fw_status_opts[] = {
	FW_BACKEND,
	{ 0 }
};
static const struct lsec_opt fw_blocklist_opts[] = {
	FW_BACKEND,
	{ "file", 'f', "FILE", LSEC_OPT_REPEAT,
	  "add/del: read addresses from FILE, one a line ('-': stdin)" },
	{ "replace", 0, NULL, 0,
	  "add: the list holds exactly the given addresses afterwards "
	  "(atomic refresh from a feed)" },
	{ "timeout", 0, "DURATION", 0,
	  "create: the entries' default lifetime; add: this entry's "
	  "(30s, 10m, 1h, 1d)" },
	FW_WAIT,
	{ 0 }
};
static const struct lsec_opt fw_migrate_opts[] = {
	{ "to", 0, "BACKEND", 0,
	  "nft or legacy: the backend to move lsec's rules to (required)" },
	FW_WAIT,
	{ 0 }
};
static const struct lsec_opt fw_flush_opts[] = {
	FW_BACKEND,
	FW_WAIT,
	{ 0 }
};

static const struct lsec_cmd fw_cmds[] = {
	{ "allow", "PORT[/PROTO]",
	  "accept incoming traffic to a port (tcp and udp unless PROTO)",
	  cmd_fw_allow, fw_allow_opts, .flags = LSEC_CMD_MUTATES,
	  .min_args = 1, .max_args = 1 },
	{ "block", "[ADDR...]",
	  "drop traffic from (or to) addresses and networks", cmd_fw_block,
	  fw_block_opts, .flags = LSEC_CMD_MUTATES, .min_args = 0,
	  .max_args = -1 },
	{ "blocklist", "create|add|del|list|flush [NAME] [ADDR...]",
	  "named blocklists kept in sets (nft sets or ipsets), refreshed from "
	  "feeds", cmd_fw_blocklist, fw_blocklist_opts,
	  .flags = LSEC_CMD_MUTATES, .min_args = 1, .max_args = -1 },
	{ "deny", "PORT[/PROTO]",
	  "drop incoming traffic to a port (tcp and udp unless PROTO)",
	  cmd_fw_deny, fw_deny_opts, .flags = LSEC_CMD_MUTATES, .min_args = 1,
	  .max_args = 1 },
	{ "flush", NULL, "remove all of lsec's rules and chains, nothing else",
	  cmd_fw_flush, fw_flush_opts, .flags = LSEC_CMD_MUTATES,
	  .max_args = 0 },
	{ "forward", "PORT[/PROTO]",
	  "forward a local port to another address (DNAT)", cmd_fw_forward,
	  fw_forward_opts, .flags = LSEC_CMD_MUTATES, .min_args = 1,
	  .max_args = 1 },
	{ "list", NULL, "show lsec's rules with packet and byte counters",
	  cmd_fw_list, fw_list_opts, .max_args = 0 },
	{ "masquerade", NULL,
	  "rewrite the source of traffic leaving an interface (source NAT)",
	  cmd_fw_masquerade, fw_masquerade_opts, .flags = LSEC_CMD_MUTATES,
	  .max_args = 0 },
	{ "migrate", NULL,
	  "move lsec's rules and blocklists to the other backend (new ones in "
	  "place before the old go)", cmd_fw_migrate, fw_migrate_opts,
	  .flags = LSEC_CMD_MUTATES, .max_args = 0 },
	{ "status", NULL,
	  "backend, lsec's chains and hooks, rule counts, warnings",
	  cmd_fw_status, fw_status_opts, .max_args = 0 },
	{ "unblock", "[ADDR...]", "remove blocks of addresses and networks",
	  cmd_fw_unblock, fw_unblock_opts, .flags = LSEC_CMD_MUTATES,
	  .min_args = 0, .max_args = -1 },
	{ "unforward", "PORT[/PROTO]", "remove a port forward",
	  cmd_fw_unforward, fw_unforward_opts, .flags = LSEC_CMD_MUTATES,
	  .min_args = 1, .max_args = 1 },
	{ "unmasquerade", NULL, "remove a masquerade rule",
	  cmd_fw_unmasquerade, fw_unmasquerade_opts,
	  .flags = LSEC_CMD_MUTATES, .max_args = 0 },
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
	{ "gen", "[--] [CMD [ARG...]]",
	  "trace CMD (or --attach PID, or --static PROGRAM) and write an AppArmor "
	  "profile for it",
	  cmd_profile_gen, profile_gen_opts,
	  .flags = LSEC_CMD_RUNS_PROGRAM | LSEC_CMD_OWN_STATUS,
	  .min_args = 0, .max_args = -1, .nfixed = 0 },
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
	{ "report", 0, NULL, 0,
	  "print each refused call on stderr as it happens (name, number, "
	  "arch, pid), and a summary at exit (lsec traces the program)" },
	{ 0 }
};

static const struct lsec_opt sandbox_explain_opts[] = {
	SANDBOX_POLICY_OPTS,
	{ 0 }
};

static const struct lsec_opt sandbox_export_opts[] = {
	SANDBOX_POLICY_OPTS,
	{ "format", 'f', "bpf|pfc|oci|policy|systemd", 0,
	  "output format (required): raw BPF, libseccomp PFC text, OCI/Docker "
	  "JSON, lsec policy, systemd unit drop-in" },
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

static const struct lsec_opt sandbox_trace_opts[] = {
	{ "output", 'o', "FILE", 0,
	  "write the policy to FILE (default: stdout; then the program's "
	  "stdout goes to stderr)" },
	{ "format", 'f', "policy|oci|systemd", 0,
	  "lsec policy (default), OCI/Docker JSON, or systemd unit drop-in" },
	{ "merge", 0, "FILE", 0,
	  "add what this run used to an lsec policy written before" },
	{ "args", 0, NULL, 0,
	  "also allow socket, clone, unshare and prctl only with the "
	  "arguments seen (families, types, namespace flags, options)" },
	{ "duration", 0, "D", 0,
	  "stop tracing after D (30, 30s, 5m, ...); a started program is "
	  "then terminated" },
	{ "attach", 0, "PID", 0,
	  "learn from the running process PID (all threads) instead of "
	  "starting CMD; it keeps running afterwards" },
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
	{ "trace", "[--] [CMD [ARG...]]",
	  "run CMD (or --attach PID) and write the smallest seccomp policy "
	  "that lets that run succeed",
	  cmd_sandbox_trace, sandbox_trace_opts,
	  .flags = LSEC_CMD_RUNS_PROGRAM | LSEC_CMD_OWN_STATUS | LSEC_CMD_MUTATES,
	  .min_args = 0, .max_args = -1, .nfixed = 0 },
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
