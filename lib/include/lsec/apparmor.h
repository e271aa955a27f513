/* SPDX-License-Identifier: MIT */
/*
 * AppArmor profiles: a model of the profile language (the subset lsec reads
 * and enforces), a parser that resolves includes and @{variables} the way
 * apparmor_parser does, and the kernel interface over libapparmor.
 *
 * Paths are kept as *patterns* in AppArmor's own glob syntax after quoting
 * is undone and variables are expanded: a glob character that stands for
 * itself is preceded by a backslash ("\*"), an unescaped one is a glob
 * ("*", "**", "?", "[...]", "{a,b}").  Every rule remembers FILE:LINE.
 */
#ifndef LSEC_APPARMOR_H
#define LSEC_APPARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lsec/aasyntax.h"
#include "lsec/err.h"

/* File permissions, as in apparmor.d(5). */
enum {
	LSEC_AA_R = 1 << 0,
	LSEC_AA_W = 1 << 1,
	LSEC_AA_A = 1 << 2,
	LSEC_AA_L = 1 << 3,
	LSEC_AA_K = 1 << 4,
	LSEC_AA_M = 1 << 5,
	LSEC_AA_IX = 1 << 6, /* inherit */
	LSEC_AA_PX = 1 << 7, /* discrete profile (px, Px, pix, pux...) */
	LSEC_AA_CX = 1 << 8, /* child profile */
	LSEC_AA_UX = 1 << 9, /* unconfined */
	LSEC_AA_X_ANY = LSEC_AA_IX | LSEC_AA_PX | LSEC_AA_CX | LSEC_AA_UX,
};

/* Rule qualifiers. */
enum {
	LSEC_AA_Q_DENY = 1 << 0,
	LSEC_AA_Q_OWNER = 1 << 1,
	LSEC_AA_Q_AUDIT = 1 << 2,
};

enum lsec_aa_rule_kind {
	LSEC_AA_RULE_FILE,
	LSEC_AA_RULE_NETWORK,
	LSEC_AA_RULE_CAPABILITY,
	LSEC_AA_RULE_OTHER, /* signal, ptrace, unix, dbus, mount, ... kept as text */
};

struct lsec_aa_rule {
	enum lsec_aa_rule_kind kind;
	unsigned qual;  /* LSEC_AA_Q_* */
	char *file;     /* where it was written (an include's path for included rules) */
	unsigned line;
	char *text;     /* the rule as written, one line, for messages */
	/* FILE */
	char *path;     /* pattern, variables expanded ("" for a bare "file,") */
	unsigned perms; /* LSEC_AA_* */
	char *exec_target; /* "-> target", or NULL */
	/* NETWORK: family -1 = any; type -1 = any; proto name if one was given */
	int family;
	int type;
	char *proto;
	/* CAPABILITY: name, NULL = every capability */
	char *cap;
	/* OTHER: the leading keyword */
	char *keyword;
};

enum {
	LSEC_AA_F_COMPLAIN = 1 << 0,
	LSEC_AA_F_KILL = 1 << 1,
	LSEC_AA_F_UNCONFINED = 1 << 2,
};

struct lsec_aa_profile {
	char *name;   /* "foo", or the attachment for the legacy "/path {" form */
	char *attach; /* pattern, NULL if none */
	unsigned flags;
	char *file;
	unsigned line;
	struct lsec_aa_rule *rules;
	size_t nrules, cap_rules;
	struct lsec_aa_profile *children; /* hats and child profiles */
	size_t nchildren;
};

struct lsec_aa_var {
	char *name;     /* without "@{" "}" */
	char **values;  /* patterns */
	size_t nvalues;
};

struct lsec_aa_policy {
	char *file; /* the top file */
	char *abi;  /* "abi/3.0" or NULL */
	struct lsec_aa_profile *profiles;
	size_t nprofiles;
	struct lsec_aa_var *vars;
	size_t nvars;
	char **includes; /* every file read through an include, in order */
	size_t nincludes;
};

struct lsec_aa_parse_opts {
	const char *base_dir; /* for include <...>; NULL: /etc/apparmor.d */
};

/* Parse path (or "-" for stdin) into *ret.  Errors are FILE:LINE input errors
 * (an include that cannot be found names itself and the including line). */
int lsec_aa_parse_file(const char *path, const struct lsec_aa_parse_opts *o,
		       struct lsec_aa_policy *ret, struct lsec_err *e);
/* Parse text held in memory; name is used in messages. */
int lsec_aa_parse_string(const char *name, const char *text,
			 const struct lsec_aa_parse_opts *o,
			 struct lsec_aa_policy *ret, struct lsec_err *e);
void lsec_aa_policy_free(struct lsec_aa_policy *p);

/* The top-level profile whose attachment matches exe (may be NULL), else the
 * first one; NULL if the policy has none. */
const struct lsec_aa_profile *lsec_aa_policy_pick(const struct lsec_aa_policy *p,
						  const char *exe);

/* Paths and patterns: lsec/aasyntax.h (included above). */

/* "rw", "mrix" ... -> LSEC_AA_* mask; -EINVAL with a message naming the bad
 * letter or conflict. */
int lsec_aa_perms_parse(const char *s, unsigned *ret, char *why, size_t whylen);
/* Format perms as AppArmor writes them ("rwlk", "mrix"). */
void lsec_aa_perms_format(unsigned perms, char *buf, size_t len);


/* ---- kernel interface (kernel.c) ---- */

/*
 * Where the kernel interface lives.  fs = NULL means the real apparmorfs
 * (found by libapparmor); a directory path makes every write go there instead
 * (libapparmor's own apparmorfs argument), which the tests use as a stand-in
 * kernel.  state_dir keeps digests of what lsec loaded (idempotent loads).
 */
struct lsec_aa_kernel {
	const char *fs;
	const char *state_dir;
	const char *parser; /* apparmor_parser to run; NULL: search PATH */
};

/* 1 if AppArmor is usable, else a negative errno (-EOPNOTSUPP when the kernel
 * has no AppArmor) with a message pointing to `lsec profile run`. */
int lsec_aa_kernel_available(const struct lsec_aa_kernel *k, struct lsec_err *e);

/* Compile path with apparmor_parser -QT -S (nothing is loaded).  mode NULL
 * keeps the file's flags, "complain" forces complain mode (-C), "enforce"
 * compiles a copy with "complain" taken out of the flags.  *ret_blob is
 * malloc'ed (ret_blob may be NULL: check only).  Parser diagnostics become
 * FILE:LINE input errors.  -ENOENT if apparmor_parser is missing. */
int lsec_aa_compile(const struct lsec_aa_kernel *k, const char *path,
		    const char *mode, void **ret_blob, size_t *ret_len,
		    struct lsec_err *e);

struct lsec_aa_loaded {
	char *name;
	char *mode; /* "enforce", "complain", "kill", "unconfined" ... */
};
/* Read <fs>/profiles.  Returns the count, *ret is malloc'ed. */
int lsec_aa_kernel_list(const struct lsec_aa_kernel *k,
			struct lsec_aa_loaded **ret, struct lsec_err *e);
void lsec_aa_loaded_free(struct lsec_aa_loaded *l, size_t n);

/* Replace (or load) a compiled blob, naming the profiles it holds for the
 * digest record.  Returns 1 when written, 0 when the same blob is already
 * loaded for every name in the requested mode (nothing written), <0 error.
 * With dry_run nothing is written but the same answer is given. */
int lsec_aa_kernel_replace(const struct lsec_aa_kernel *k, const void *blob,
			   size_t len, char *const *names, const char *mode,
			   bool dry_run, struct lsec_err *e);
/* Remove a profile by name: 1 removed, 0 was not loaded. */
int lsec_aa_kernel_remove(const struct lsec_aa_kernel *k, const char *name,
			  bool dry_run, struct lsec_err *e);
/* aa_change_onexec(name): the next exec of this process enters name. */
int lsec_aa_change_onexec(const char *name, struct lsec_err *e);

#endif
