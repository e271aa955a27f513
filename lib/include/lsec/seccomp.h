/* SPDX-License-Identifier: MIT */
/*
 * lsec sandbox: seccomp policies over libseccomp.
 *
 *   names   syscall families ("open" -> open, openat, openat2, creat, ...),
 *           systemd-compatible @groups, named constants, actions
 *   policy  entries as the user wrote them (--deny/--allow, policy files)
 *   filter  the resolved rule set: one "main" filter with the policy's
 *           default, and (only when needed) a "refine" filter with default
 *           ALLOW that carries argument-conditional denies of syscalls the
 *           main filter allows; the kernel runs both and the stricter result
 *           wins
 *   build   libseccomp contexts for every ABI of the machine, export
 *           BPF/PFC/OCI, import OCI/Docker JSON
 *   run     fork, load, exec; report SECCOMP_RET_TRAP hits (ptrace)
 */
#ifndef LSEC_SECCOMP_H
#define LSEC_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsec/err.h"

/* Ordered by strictness, as the kernel orders SECCOMP_RET_* precedence. */
enum lsec_sc_kind {
	LSEC_SC_ALLOW,
	LSEC_SC_LOG,
	LSEC_SC_ERRNO,
	LSEC_SC_TRAP,
	LSEC_SC_KILL, /* SECCOMP_RET_KILL_PROCESS, never KILL_THREAD */
};

struct lsec_sc_action {
	enum lsec_sc_kind kind;
	int err; /* LSEC_SC_ERRNO: 0..4095 */
};

enum lsec_sc_op {
	LSEC_SC_EQ,
	LSEC_SC_NE,
	LSEC_SC_LT,
	LSEC_SC_LE,
	LSEC_SC_GT,
	LSEC_SC_GE,
	LSEC_SC_MASKED_EQ, /* (arg & mask) == val */
};

struct lsec_sc_cond {
	unsigned arg; /* 0..5 */
	enum lsec_sc_op op;
	uint64_t val, mask;
};

#define LSEC_SC_MAX_COND 6
#define LSEC_SC_NAME_MAX 48
#define LSEC_SC_ORIGIN_MAX 96

struct lsec_sc_rule {
	char name[LSEC_SC_NAME_MAX]; /* one syscall, after expansion */
	struct lsec_sc_action act;
	unsigned ncond;
	struct lsec_sc_cond cond[LSEC_SC_MAX_COND];
	char origin[LSEC_SC_ORIGIN_MAX]; /* the entry as written: "open", "@mount" */
	char where[LSEC_SC_ORIGIN_MAX];  /* "FILE:LINE" of a policy line, or "" */
	bool allow; /* written as allow (vs deny) */
};

struct lsec_sc_policy {
	struct lsec_sc_action def, deny_act;
	bool def_set;
	bool log;         /* SECCOMP_FILTER_FLAG_LOG */
	bool nnp;         /* set no_new_privs (default yes) */
	bool exact;       /* no family expansion */
	bool io_uring;    /* opt back in to io_uring */
	bool native_only; /* other ABIs kill the process */
	unsigned n_allow, n_deny;
	size_t n, cap;
	struct lsec_sc_rule *rules;
};

struct lsec_sc_filter {
	struct lsec_sc_action def;
	bool log, nnp, native_only;
	size_t nmain, nrefine;
	struct lsec_sc_rule *main, *refine;
	size_t nnotes;
	char **notes; /* what resolution decided: shadowed rules, io_uring */
	/* sandbox run --report: deny actions become SECCOMP_RET_TRACE
	 * (lsec_sc_report_act), reported and carried out by the tracer */
	bool report;
};

/* ---- names (names.c) ---- */

/* Append a formatted note to a string vector (notes of filter/import). */
int lsec_sc_note(char ***notes, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "errno", "errno:EACCES", "errno:13", "kill", "trap", "log", "allow". */
int lsec_sc_action_parse(const char *s, struct lsec_sc_action *a,
			 struct lsec_err *e);
/* "errno:EPERM", "kill", ...; buf >= 32 bytes. */
const char *lsec_sc_action_str(const struct lsec_sc_action *a, char *buf,
			       size_t n);
int lsec_sc_errno_parse(const char *s, int *ret);
bool lsec_sc_action_eq(const struct lsec_sc_action *a,
		       const struct lsec_sc_action *b);

/* Syscall families: NULL if name is not a family. */
const char *const *lsec_sc_family(const char *name);
struct lsec_sc_family_def {
	const char *name;
	const char *const *members;
};
extern const struct lsec_sc_family_def lsec_sc_families[];

struct lsec_sc_group {
	const char *name; /* with '@' */
	const char *help;
	const char *members; /* space-separated names and @groups */
};
extern const struct lsec_sc_group lsec_sc_groups[]; /* sorted, {0}-terminated */
const struct lsec_sc_group *lsec_sc_group_find(const char *name);
/* Call fn for every syscall in group (recursively, deduplicated by caller). */
int lsec_sc_group_each(const struct lsec_sc_group *g,
		       int (*fn)(const char *name, void *ud), void *ud,
		       struct lsec_err *e);

/* Syscall known to this libseccomp (on any architecture). */
bool lsec_sc_known(const char *name);

/* Named constants for argument conditions (AF_INET, CLONE_NEWUSER, ...). */
bool lsec_sc_const(const char *name, uint64_t *val);
const char *lsec_sc_const_name(const char *prefix, uint64_t val);

/* Architectures the filter covers on this machine: native first.
 * Returns the count; arch[] gets SCMP_ARCH_* tokens. */
size_t lsec_sc_arches(uint32_t *arch, size_t max, bool native_only);
const char *lsec_sc_arch_name(uint32_t arch);
int lsec_sc_arch_parse(const char *name, uint32_t *arch);

/* ---- policy (policy.c) ---- */

void lsec_sc_policy_init(struct lsec_sc_policy *p);
void lsec_sc_policy_free(struct lsec_sc_policy *p);
/* One condition: "arg0==AF_INET", "arg1&0x3==1", "arg2!=0". */
int lsec_sc_cond_parse(const char *s, struct lsec_sc_cond *c,
		       struct lsec_err *e);
/* "socket:arg0==AF_INET:arg1==SOCK_RAW" -> name + conditions. */
int lsec_sc_entry_parse(const char *s, char *name, size_t n,
			struct lsec_sc_cond *cond, unsigned *ncond,
			struct lsec_err *e);
/* Add a comma-separated LIST (names, @groups, name:conditions) as allow or
 * deny (with p->deny_act).  Errors name the entry; where = "FILE:LINE" or
 * NULL. */
int lsec_sc_policy_add_list(struct lsec_sc_policy *p, bool allow,
			    const char *list, const char *file, unsigned line,
			    struct lsec_err *e);
/* Parse a policy file ("-" = stdin) into p. */
int lsec_sc_policy_load(struct lsec_sc_policy *p, const char *path,
			struct lsec_err *e);

/* ---- filter (filter.c) ---- */

int lsec_sc_resolve(const struct lsec_sc_policy *p, struct lsec_sc_filter *f,
		    struct lsec_err *e);
void lsec_sc_filter_free(struct lsec_sc_filter *f);
/* Effective action for a syscall with no argument match (main filter). */
struct lsec_sc_action lsec_sc_filter_action(const struct lsec_sc_filter *f,
					    const char *name);
/* libseccomp contexts: ctx[0] main, ctx[1] refine or NULL.  Returns count. */
int lsec_sc_build(const struct lsec_sc_filter *f, void *ctx[2],
		  struct lsec_err *e);
void lsec_sc_ctx_release(void *ctx[2]);
/* lsec_sc_resolve, then build and drop the libseccomp contexts: a policy
 * that is written or reported as valid is one libseccomp will load. */
int lsec_sc_resolve_loadable(const struct lsec_sc_policy *p,
			     struct lsec_sc_filter *f, struct lsec_err *e);

enum lsec_sc_format {
	LSEC_SC_BPF,
	LSEC_SC_PFC,
	LSEC_SC_OCI,
	LSEC_SC_POLICY,
	LSEC_SC_SYSTEMD, /* systemd.c: a unit drop-in */
};
int lsec_sc_format_parse(const char *s, enum lsec_sc_format *fmt,
			 struct lsec_err *e);
/* Write f to fd in fmt.  BPF with a refine filter: both programs, main
 * first (load them in that order). */
int lsec_sc_export(const struct lsec_sc_filter *f, enum lsec_sc_format fmt,
		   int fd, struct lsec_err *e);
/* The filter as a policy file that re-parses to the same filter. */
void lsec_sc_write_policy(const struct lsec_sc_filter *f, FILE *out,
			  bool numbers);
void lsec_sc_write_oci(const struct lsec_sc_filter *f, FILE *out);
void lsec_sc_cond_str(const struct lsec_sc_cond *c, const char *syscall,
		      char *buf, size_t n);

/* ---- import (oci.c) ---- */

struct lsec_sc_import {
	struct lsec_sc_policy pol;
	size_t nnotes;
	char **notes; /* includes/excludes decisions, skipped names */
};
/* caps: capabilities the container is assumed to have (NULL: Docker's
 * default set). */
int lsec_sc_import_oci(const char *path, const char *const *caps,
		       struct lsec_sc_import *imp, struct lsec_err *e);
void lsec_sc_import_free(struct lsec_sc_import *imp);

struct lsec_sc_refusal; /* report.c */

/* ---- run (run.c) ---- */

struct lsec_sc_trap {
	int pid;
	int nr;
	uint32_t arch;
	char name[LSEC_SC_NAME_MAX];
};

struct lsec_sc_run_opts {
	/* Report SECCOMP_RET_TRAP hits (the parent ptraces the program;
	 * programs that ptrace themselves cannot run under it). */
	bool report_traps;
	void (*on_trap)(const struct lsec_sc_trap *t, void *ud);
	void *ud;
	/* --report (with f->report): every refused, trapped, killed or
	 * logged call, at the moment it is made (report.c) */
	void (*on_refusal)(const struct lsec_sc_refusal *r, void *ud);
};

struct lsec_sc_run_result {
	int status;      /* wait status of CMD */
	int exit_code;   /* CMD's status, 128+N for signal N */
	unsigned ntraps; /* trap hits seen */
};

/* Resolve CMD on $PATH, fork, load the filter(s), exec.  Returns 0 and
 * fills res, or a negative errno (lsec's own failure: -ENOENT when CMD is
 * not found, -EACCES when not executable). */
int lsec_sc_run(const struct lsec_sc_filter *f, char *const argv[],
		const struct lsec_sc_run_opts *o, struct lsec_sc_run_result *res,
		struct lsec_err *e);

/* ---- learn (learn.c): lsec sandbox trace ---- */

#define LSEC_SC_LEARN_ARCHES 4
#define LSEC_SC_LEARN_MAX_NR 1024

/* An argument fact seen in the run: socket family/type, clone namespace
 * flags, unshare flags, prctl option. */
struct lsec_sc_fact {
	char name[LSEC_SC_NAME_MAX];
	unsigned ncond;
	struct lsec_sc_cond cond[2];
};

struct lsec_sc_learn {
	bool args; /* record argument facts */
	size_t narch;
	struct {
		uint32_t arch; /* AUDIT_ARCH_* == SCMP_ARCH_* */
		int fact_nr[5]; /* numbers of the calls with facts */
		uint64_t bits[LSEC_SC_LEARN_MAX_NR / 64];
	} sys[LSEC_SC_LEARN_ARCHES];
	size_t nfacts, afacts;
	struct lsec_sc_fact *facts;
	unsigned long calls; /* calls seen */
	int err;             /* first failure (-ENOMEM) */
};

void lsec_sc_learn_init(struct lsec_sc_learn *l, bool args);
void lsec_sc_learn_free(struct lsec_sc_learn *l);
/* Record one call; the tracer's on_syscall hook (userdata = l). */
void lsec_sc_learn_call(uint32_t arch, uint64_t nr, const uint64_t args[6],
			void *l);
/* Add the smallest allowlist for what l recorded to p: every call seen
 * (with --args: as conditional allows where facts exist), the calls the
 * launcher and the kernel need after the filter is loaded (execve,
 * exit_group, exit, rt_sigreturn, restart_syscall), exact names, default
 * errno:ENOSYS unless p already has a default, native-only when only the
 * native ABI was seen (and, when merged, p was native-only too). */
int lsec_sc_learn_policy(const struct lsec_sc_learn *l, struct lsec_sc_policy *p,
			 bool merged, struct lsec_err *e);
/* The closing comment: how the policy was learned; argv is the traced
 * command (NULL with --attach), merged the --merge file or NULL.  Lines
 * start with prefix ("# "). */
void lsec_sc_learn_comment(const struct lsec_sc_learn *l, FILE *out,
			   char *const *argv, const char *merged,
			   const char *prefix);

/* ---- systemd (systemd.c) ---- */

/* The filter as a systemd unit drop-in ([Service] with SystemCallFilter=,
 * SystemCallArchitectures=, SystemCallErrorNumber=, SystemCallLog=); what
 * systemd cannot express (argument conditions, per-call actions in an
 * allowlist, trap) is said in "# note:" comments. */
void lsec_sc_write_systemd(const struct lsec_sc_filter *f, FILE *out);

/* ---- report (report.c): lsec sandbox run --report ---- */

struct lsec_sc_refusal {
	int pid, tid;  /* process (thread group) and thread */
	bool main;     /* the process lsec started */
	int nr;
	uint32_t arch;
	char name[LSEC_SC_NAME_MAX];
	char comm[20];
	struct lsec_sc_action act; /* what the policy does: errno, kill, trap, log */
};

/* Distinct refusals (syscall, arch, action, program) with counts. */
struct lsec_sc_report {
	size_t n, cap;
	struct lsec_sc_refusal *v;
	unsigned long *count;
	unsigned long total;
};

/* --report works on this CPU (it rewrites registers to fail a call). */
bool lsec_sc_report_supported(void);
/* SCMP_ACT_* for a with --report: allow stays, trap stays (SIGSYS is
 * reported when delivered), errno, kill and log become TRACE with the
 * action in the 16 data bits. */
uint32_t lsec_sc_report_act(const struct lsec_sc_action *a);
/* A ptrace stop of a reported program: a seccomp stop (report, then fail
 * the call with the errno, kill the process, or let a logged call run) or
 * the SIGSYS of a trap (report, deliver).  Returns 1 when handled (the task
 * was resumed or killed), 0 when the stop is not a report's. */
int lsec_sc_report_stop(int pid, int status, int main_pid,
			const struct lsec_sc_run_opts *o);
/* "refused openat(257) [x86_64] (family open, group @file-system) in pid
 * 1234 (python3)", and for kill/trap/log what happened. */
void lsec_sc_refusal_str(const struct lsec_sc_refusal *r, char *buf, size_t n);
/* The family (NULL: none) and the group listing name (NULL: none). */
const char *lsec_sc_family_of(const char *name);
const char *lsec_sc_group_of(const char *name);
/* Count r; 1 when it is a new distinct refusal, 0 if seen, -ENOMEM. */
int lsec_sc_report_add(struct lsec_sc_report *rep, const struct lsec_sc_refusal *r);
void lsec_sc_report_free(struct lsec_sc_report *rep);

#endif
