/* SPDX-License-Identifier: MIT */
/*
 * AppArmor profile generation (`lsec profile gen`): a small profile model
 * built from a trace (lsec/trace.h) or from an ELF file, the path heuristics
 * (tunables, globbing, stock abstractions), a writer that quotes and escapes
 * every path, and a reader for the subset the writer produces (--merge).
 *
 * Paths in the model are kept in AppArmor syntax: literal bytes escaped by
 * lsec_aa_escape(), glob tokens and @{variables} as written.
 */
#ifndef LSEC_AAGEN_H
#define LSEC_AAGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsec/aasyntax.h"
#include "lsec/err.h"
#include "lsec/trace.h"

struct lsec_aa_rule {
	char *path;     /* AppArmor syntax (escaped, may hold globs/vars) */
	uint32_t perms; /* LSEC_PERM_* */
	bool owner;
	char exec;      /* with LSEC_PERM_X: 'i', 'p' or 'c' */
	char *target;   /* cx -> target (child profile name), or NULL */
};

struct lsec_aa_profile {
	char *name;
	char *attach; /* AppArmor syntax; NULL for a child profile */
	bool complain;
	char **includes; /* "abstractions/base" */
	size_t nincludes;
	struct lsec_aa_rule *rules;
	size_t nrules;
	char **net; /* "inet stream" */
	size_t nnet;
	uint64_t caps;
	struct lsec_aa_profile *children; /* cx */
	size_t nchildren;
};

struct lsec_aa_doc {
	struct lsec_aa_profile *profiles;
	size_t nprofiles;
};

/* Pids of the traced processes, sorted: names holding one are per-process. */
struct lsec_aagen_pids {
	const long *v;
	size_t n;
};

struct lsec_aagen_opts {
	const char *name;           /* profile name; NULL: the program's basename */
	bool complain;              /* flags=(complain) */
	char exec_mode;             /* 'i' (default), 'p' or 'c' */
	unsigned glob_threshold;    /* N files read in one directory: dir/STAR; 0 = never */
	bool no_glob;               /* no globbing heuristics at all (tunables stay) */
	bool no_abstractions;       /* only abstractions/base, nothing dropped */
	const char *apparmor_dir;   /* NULL: /etc/apparmor.d */
	struct lsec_aagen_pids pids; /* filled by lsec_aagen_from_trace */
};

#define LSEC_AAGEN_GLOB_THRESHOLD 8

/* The pattern for one literal path: tunables (@{PROC}/@{pid}, @{sys},
 * @{run}, @{HOME}) and, unless no_glob, name heuristics (versioned shared
 * objects, random temporary names, long numbers).  malloc'ed. */
char *lsec_aagen_pattern(const char *raw, bool no_glob);
/* The same, and a name token that is one of the pids becomes '*'. */
char *lsec_aagen_pattern_pids(const char *raw, bool no_glob,
			      const struct lsec_aagen_pids *pids);

/* Build the document from a trace.  main_exe: the traced program's path
 * (its profile is the main one).  */
int lsec_aagen_from_trace(const struct lsec_trace *t, const char *main_exe,
			  const struct lsec_aagen_opts *o, struct lsec_aa_doc *doc,
			  struct lsec_err *e);
/* Union doc with the profiles in an lsec-generated file. */
int lsec_aagen_merge_file(struct lsec_aa_doc *doc, const char *file,
			  struct lsec_err *e);
/* Write the profile text (deterministic: everything sorted). */
int lsec_aagen_write(FILE *f, const struct lsec_aa_doc *doc);
void lsec_aa_doc_free(struct lsec_aa_doc *doc);
/* Sort rules, includes, network rules and profiles (the first stays). */
void lsec_aa_doc_sort(struct lsec_aa_doc *doc);

/* Format perms (and exec mode) as AppArmor writes them: "rwlkm", "mrix". */
void lsec_aa_perms_str(uint32_t perms, char exec, char *buf, size_t n);

#endif
