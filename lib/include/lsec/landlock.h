/* SPDX-License-Identifier: MIT */
/*
 * Landlock: enforce an AppArmor profile's file rules on this process and
 * whatever it executes, where AppArmor is not available.  A plan is computed
 * first (pure, printable with --explain), then applied (restrict-self plus a
 * seccomp filter on socket(2) for the profile's network family/type rules).
 */
#ifndef LSEC_LANDLOCK_H
#define LSEC_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/apparmor.h"
#include "lsec/err.h"

/* Access rights (linux/landlock.h); newer ones defined for old headers. */
#define LSEC_LL_EXECUTE (1ULL << 0)
#define LSEC_LL_WRITE_FILE (1ULL << 1)
#define LSEC_LL_READ_FILE (1ULL << 2)
#define LSEC_LL_READ_DIR (1ULL << 3)
#define LSEC_LL_REMOVE_DIR (1ULL << 4)
#define LSEC_LL_REMOVE_FILE (1ULL << 5)
#define LSEC_LL_MAKE_CHAR (1ULL << 6)
#define LSEC_LL_MAKE_DIR (1ULL << 7)
#define LSEC_LL_MAKE_REG (1ULL << 8)
#define LSEC_LL_MAKE_SOCK (1ULL << 9)
#define LSEC_LL_MAKE_FIFO (1ULL << 10)
#define LSEC_LL_MAKE_BLOCK (1ULL << 11)
#define LSEC_LL_MAKE_SYM (1ULL << 12)
#define LSEC_LL_REFER (1ULL << 13)    /* ABI 2 */
#define LSEC_LL_TRUNCATE (1ULL << 14) /* ABI 3 */
#define LSEC_LL_IOCTL_DEV (1ULL << 15) /* ABI 5 */

/* Rights that apply to a file (the rest only to directories). */
#define LSEC_LL_FILE_RIGHTS                                                  \
	(LSEC_LL_EXECUTE | LSEC_LL_WRITE_FILE | LSEC_LL_READ_FILE |          \
	 LSEC_LL_TRUNCATE | LSEC_LL_IOCTL_DEV)

/* The ABI the kernel offers (>= 1), or a negative errno (-EOPNOTSUPP). */
int lsec_landlock_abi(void);
/* Every filesystem right the given ABI handles. */
uint64_t lsec_landlock_fs_rights(int abi);
/* The mapping: AppArmor permissions (LSEC_AA_*) on a file or on a directory
 * (a rule binding everything beneath it) -> Landlock rights. */
uint64_t lsec_landlock_access(unsigned aa_perms, bool dir);
/* "read_file,read_dir" for messages; buf of len bytes. */
void lsec_landlock_access_format(uint64_t access, char *buf, size_t len);

struct lsec_ll_rule {
	char *path;      /* an existing file or directory */
	uint64_t access; /* LSEC_LL_* */
	bool dir;
};

/* One rule that could not be enforced exactly, and what was done instead. */
struct lsec_ll_note {
	char *where; /* FILE:LINE, "" for notes about the whole profile */
	char *rule;  /* the rule's text */
	char *what;
};

#define LSEC_LL_NTYPES 16
/* Socket families we can name: AF_UNSPEC .. AF_MCTP. */
#define LSEC_LL_NFAMILIES 46

struct lsec_ll_plan {
	int abi;
	uint64_t handled_fs;
	struct lsec_ll_rule *rules;
	size_t nrules;
	struct lsec_ll_note *notes;
	size_t nnotes;
	/* socket(family, type): allowed[family][type & 15]; net_filter false
	 * when everything is allowed (no filter installed). */
	bool net_filter;
	bool allowed[LSEC_LL_NFAMILIES][LSEC_LL_NTYPES];
	/* capabilities the profile allows (bit = number); every other one is
	 * dropped from the bounding set, so the program cannot have it */
	uint64_t caps;
};

/*
 * Plan the ruleset for profile prof.  exe is the resolved program about to be
 * executed: it (and its ELF or #! interpreter) gets execute rights, as
 * AppArmor attaches a profile after the exec that enters it.  abi 0: ask
 * the kernel.
 */
int lsec_landlock_plan(const struct lsec_aa_profile *prof, const char *exe,
		       int abi, struct lsec_ll_plan *plan, struct lsec_err *e);
void lsec_landlock_plan_free(struct lsec_ll_plan *plan);

/* Restrict this process (no_new_privs, capability bounding set, Landlock
 * ruleset, socket filter).
 * Irreversible; call right before exec. */
int lsec_landlock_apply(const struct lsec_ll_plan *plan, struct lsec_err *e);

/*
 * Fork; in the child call restrict_fn(ud) (may be NULL) and exec path with
 * argv; wait for it.  SIGINT/SIGQUIT are ignored meanwhile (the terminal
 * sends them to the program too), SIGTERM/SIGHUP are forwarded.  Returns 0
 * with the wait status in *status when the program ran, 1 when its exec
 * failed (*status holds exit 126 or 127, e says why), <0 when restricting
 * failed (nothing ran).
 */
int lsec_landlock_run(const char *path, char *const argv[],
		      int (*restrict_fn)(void *ud, struct lsec_err *e), void *ud,
		      int *status, struct lsec_err *e);

#endif
