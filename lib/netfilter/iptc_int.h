/* SPDX-License-Identifier: MIT */
/*
 * The legacy backend's block sets (iptc_set.c), used by iptc.c: the
 * address-only DROP rules of `lsec fw block` kept as entries of ipsets,
 * one per (chain, direction, family, kind), each matched by one rule at the
 * top of lsec's chain.  Apart from iptc.c because libipset's and the
 * kernel's netfilter headers cannot meet (ipset_int.h).
 */
#ifndef LSEC_IPTC_INT_H
#define LSEC_IPTC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/netfilter.h"

/* Set s: chain (INPUT, OUTPUT, FORWARD) x src/dst x IPv4/IPv6 x host/net. */
#define LSEC_IPTC_NSETS (3 * 2 * 2 * 2)
static inline int lsec_iptc_set_chain(int s) { return s >> 3; }
static inline bool lsec_iptc_set_dst(int s) { return (s >> 2) & 1; }
static inline bool lsec_iptc_set_v6(int s) { return (s >> 1) & 1; }
static inline bool lsec_iptc_set_net(int s) { return s & 1; }

/* The set an address-only DROP rule lives in, or -1 for a real rule. */
int lsec_iptc_set_of_key(const struct lsec_nf_key *k);
/* "lsec-input-src4", "lsec-forward-dst6-net", ... */
void lsec_iptc_set_name(int s, char *buf, size_t n);

/* Which block sets exist, with their kernel index (what xt_set stores). */
struct lsec_iptc_sets {
	bool exists[LSEC_IPTC_NSETS];
	uint16_t index[LSEC_IPTC_NSETS];
};
/* Look them up (none when the kernel has no ipset support loaded). */
void lsec_iptc_sets_probe(struct lsec_iptc_sets *st);
/* Fail with EOPNOTSUPP (exit 3) when the kernel cannot keep ipsets. */
int lsec_iptc_sets_available(struct lsec_err *e);
/* Create the sets of need that do not exist (made[] says which were),
 * then probe again. */
int lsec_iptc_sets_create(struct lsec_iptc_sets *st, const bool *need,
			  bool *made, struct lsec_err *e);
/* Destroy the sets of which (that exist). */
int lsec_iptc_sets_destroy(struct lsec_iptc_sets *st, const bool *which,
			   struct lsec_err *e);

/* Set s's entries as the block rules they stand for, appended to out;
 * *n (may be NULL) gets their number. */
int lsec_iptc_set_rules(int s, struct lsec_nf_ruleset *out, size_t *n,
			struct lsec_err *e);
/* How many entries set s holds (0 when it does not exist). */
int lsec_iptc_set_count(int s, size_t *n, struct lsec_err *e);
/* Does set s hold an entry (reads one)? */
bool lsec_iptc_set_any(int s);
/* Is each rule of v (all of set s) an entry of set s? */
int lsec_iptc_set_test(int s, const struct lsec_nf_rule *const *v, size_t n,
		       bool *present, struct lsec_err *e);
/* The same answer from one dump of the set (for many rules, cheaper than
 * testing each). */
int lsec_iptc_set_find(int s, const struct lsec_nf_rule *const *v, size_t n,
		       bool *in, struct lsec_err *e);
/* Add (with their comments) or delete the rules of v (all of set s). */
int lsec_iptc_set_change(int s, const struct lsec_nf_rule *const *v, size_t n,
			 bool add, struct lsec_err *e);

/* The comment of the rule that matches a set. */
#define LSEC_IPTC_SET_COMMENT "lsec-set"

#endif
