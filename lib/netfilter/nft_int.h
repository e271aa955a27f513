/* SPDX-License-Identifier: MIT */
/* Internals of the nf_tables backend (lib/netfilter/nft*.c). */
#ifndef LSEC_NFT_INT_H
#define LSEC_NFT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>
#include <stdio.h>

#include "lsec/inet.h"
#include "lsec/netfilter.h"
#include "lsec/jsonread.h"

/* nft keeps at most 128 bytes of a comment (rule or element). */
#define LSEC_NFT_COMMENT_MAX 128

struct lsec_nft_elem {
	uint64_t timeout_ms, expires_ms; /* 0 = none */
	uint64_t packets, bytes;         /* the element's counter, if any */
	const char *comment;             /* "" if none */
};
/* Called for each element. */
typedef int (*lsec_nft_elem_fn)(const struct lsec_inet_prefix *p,
				const struct lsec_nft_elem *el, void *userdata);

/* Dump table inet TABLE's set SET (keys of bytes 4 or 16); interval sets
 * are folded back into prefixes.  Returns 0 or a negative errno (-ENOENT
 * when the set does not exist). */
int lsec_nft_set_read(const char *table, const char *set, unsigned bytes,
		      bool interval, lsec_nft_elem_fn fn, void *userdata);

/* Called for each set of a table: name, default timeout (ms), NFT_SET_* flags. */
typedef int (*lsec_nft_set_fn)(const char *name, uint64_t timeout_ms,
			       uint32_t flags, void *userdata);
/* Every set of table inet TABLE (none when the table does not exist). */
int lsec_nft_sets(const char *table, lsec_nft_set_fn fn, void *userdata);
/* Point lookups in a plain (non-interval) set: present[i] says whether
 * v[i]'s address is an element.  One netlink round trip per 512 keys, no
 * dump: the cost does not grow with the set. */
int lsec_nft_set_lookup(const char *table, const char *set, unsigned bytes,
			const struct lsec_inet_prefix *const *v, size_t n,
			bool *present);
/* The same, and fn gets each element found (idx: its index in v). */
typedef int (*lsec_nft_found_fn)(size_t idx, const struct lsec_nft_elem *el,
				 void *userdata);
int lsec_nft_set_get(const char *table, const char *set, unsigned bytes,
		     const struct lsec_inet_prefix *const *v, size_t n,
		     bool *present, lsec_nft_found_fn fn, void *userdata);
/* Does the set hold any element?  (Reads one netlink message, not the set.) */
int lsec_nft_set_any(const char *table, const char *set, bool *any);
/* Add (or delete) elements of a plain set in one nf_tables transaction,
 * straight over netlink (no libnftables parsing): what keeps a single add
 * to a large list within a few milliseconds.  timeout_ms 0: the set's
 * default. */
int lsec_nft_set_change(const char *table, const char *set, unsigned bytes,
			const struct lsec_inet_prefix *const *v, size_t n,
			uint64_t timeout_ms, bool add);
/* One element change of lsec_nft_elems_change. */
struct lsec_nft_elem_op {
	const char *set;
	unsigned bytes;               /* 4 or 16 */
	bool add;                     /* else delete */
	const struct lsec_inet_prefix *p;
	uint64_t timeout_ms;          /* add: 0 = the set's default */
	const char *comment;          /* add: NULL or "" = none */
};
/* Element adds and deletes across the plain sets of table inet TABLE, in
 * order, as ONE nf_tables transaction (all or nothing). */
int lsec_nft_elems_change(const char *table, const struct lsec_nft_elem_op *ops,
			  size_t n);
/* Every inet table (fn gets its name; timeout and flags are 0).  Also the
 * cheap probe of whether nf_tables answers at all. */
int lsec_nft_tables(lsec_nft_set_fn fn, void *userdata);
/* Sum of the packet counters of every rule in table inet TABLE. */
int lsec_nft_table_packets(const char *table, uint64_t *packets);

/* Run an nft command (one transaction) with the given output flags; *out
 * gets the output buffer (valid until the next run). */
int lsec_nft_run(struct lsec_nf_backend *b, const char *cmd, unsigned flags,
		 const char **out, struct lsec_err *e);
/* The rule's nft text after "add rule inet lsec CHAIN ". */
int lsec_nft_rule_render(const struct lsec_nf_rule *r, FILE *f,
			 struct lsec_err *e);
/* A JSON "rule" object: 0 lsec rule (comment borrowed from rule), 1 an
 * lsec-set rule (*setref borrowed), -1 anything else. */
int lsec_nft_rule_parse(const struct lsec_jv *rule, int chain, struct lsec_nf_rule *r,
			const char **setref);
void lsec_nft_put_table(FILE *f);
void lsec_nft_put_chain(FILE *f, enum lsec_nf_chain c);
/* Their names (from the lsec_bl_NAME tables). */
int lsec_nft_bl_names(struct lsec_nf_backend *b, char ***ret, size_t *ret_n,
		      struct lsec_err *e);
void lsec_nft_names_free(char **v, size_t n);

#endif
