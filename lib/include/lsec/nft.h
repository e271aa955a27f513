/* SPDX-License-Identifier: MIT */
/*
 * The nf_tables backend (lib/netfilter/nft.c), choosing a backend, and named
 * blocklists kept in sets (nf_tables sets, or ipsets for the legacy backend).
 */
#ifndef LSEC_NFT_H
#define LSEC_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/err.h"
#include "lsec/inet.h"
#include "lsec/netfilter.h"

/* lsec's nf_tables tables: its rules in `table inet lsec`, the sets of
 * `lsec fw block` in `table inet lsec_block`, each named blocklist in
 * `table inet lsec_bl_NAME`. */
#define LSEC_NFT_TABLE "lsec"
#define LSEC_NFT_BLOCK_TABLE "lsec_block"
#define LSEC_NFT_BL_PREFIX "lsec_bl_"

extern const struct lsec_nf_backend_ops lsec_nf_nft_ops;

/* The nft chain lsec uses for c: "input", ..., "nat_output", "postrouting". */
const char *lsec_nft_chain_name(enum lsec_nf_chain c);

/* ---- choosing a backend ---- */

struct lsec_nf_choice {
	const struct lsec_nf_backend_ops *ops;
	const char *source; /* "option", "LSEC_FW_BACKEND", the config file, "auto" */
	char why[256];      /* human reason, e.g. "iptables is iptables-nft" */
};

/*
 * want: "auto", "nft", "legacy" or NULL (then $LSEC_FW_BACKEND, then
 * "backend = ..." in $LSEC_FW_CONF or /etc/lsec/fw.conf, then auto).
 * auto: nft when the system's iptables is iptables-nft (or there is no
 * iptables) and nf_tables answers; legacy when iptables is
 * iptables-legacy or nf_tables is absent.
 */
int lsec_nf_choose(const char *want, struct lsec_nf_choice *c,
		   struct lsec_err *e);
/* auto's rule alone: iptables_path is the resolved iptables binary (NULL:
 * none), nft_ok whether nf_tables answers. */
const struct lsec_nf_backend_ops *lsec_nf_auto(const char *iptables_path,
					       bool nft_ok, char *why, size_t n);
/* The other backend of ops. */
const struct lsec_nf_backend_ops *lsec_nf_other(const struct lsec_nf_backend_ops *ops);
/* How many lsec rules (and blocklists) the backend ops holds, without
 * creating anything: legacy tables that are not loaded count as empty. */
int lsec_nf_count_rules(const struct lsec_nf_backend_ops *ops,
			struct lsec_err *e);
/* Warn in st when the legacy tables hold rules (used by nft's status). */
void lsec_nf_legacy_survey(struct lsec_nf_status *st);

/* ---- blocklists ---- */

#define LSEC_BL_NAME_MAX 20 /* ipset names: "lsec-NAME-4-t" fit in 31 */

struct lsec_bl_entry {
	struct lsec_inet_prefix p;
	uint64_t timeout_ms, expires_ms; /* 0: none */
};

struct lsec_bl {
	char name[LSEC_BL_NAME_MAX + 1];
	uint64_t timeout_ms; /* the list's default entry timeout, 0: none */
	struct lsec_bl_entry *v;
	size_t n, cap;
	uint64_t packets; /* dropped by the list's rules, when known */
};

struct lsec_bl_result {
	bool changed;
	size_t added, removed;
	size_t entries; /* after the change; (size_t)-1: not counted */
};

struct lsec_bl_ops {
	/* Make the list (its sets and its drop rule); existing: no change. */
	int (*create)(struct lsec_nf_backend *b, const char *name,
		      uint64_t timeout_ms, bool check, struct lsec_bl_result *res,
		      struct lsec_err *e);
	/* Add entries (timeout_ms 0: the list's default); with replace the
	 * list holds exactly these afterwards.  One transaction. */
	int (*add)(struct lsec_nf_backend *b, const char *name,
		   const struct lsec_inet_prefix *v, size_t n, uint64_t timeout_ms,
		   bool replace, bool check, struct lsec_bl_result *res,
		   struct lsec_err *e);
	int (*del)(struct lsec_nf_backend *b, const char *name,
		   const struct lsec_inet_prefix *v, size_t n, bool check,
		   struct lsec_bl_result *res, struct lsec_err *e);
	/* name NULL: every list (entries filled only when entries). */
	int (*list)(struct lsec_nf_backend *b, const char *name, bool entries,
		    struct lsec_bl **ret, size_t *ret_n, struct lsec_err *e);
	/* Remove the list, its sets and rules. */
	int (*destroy)(struct lsec_nf_backend *b, const char *name, bool check,
		       struct lsec_bl_result *res, struct lsec_err *e);
};

extern const struct lsec_bl_ops lsec_bl_nft_ops;
extern const struct lsec_bl_ops lsec_bl_ipset_ops;
/* The blocklist implementation of a rule backend (NULL: none). */
const struct lsec_bl_ops *lsec_bl_ops_for(const struct lsec_nf_backend_ops *o);

int lsec_bl_check_name(const char *name, struct lsec_err *e);
int lsec_bl_entry_add(struct lsec_bl *l, const struct lsec_bl_entry *en);
void lsec_bl_free(struct lsec_bl *v, size_t n);

#endif
