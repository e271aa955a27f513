/* SPDX-License-Identifier: MIT */
/* Internals of the legacy blocklists (ipset.c, ipset_rule.c): two files
 * because libipset's and the kernel's netfilter headers cannot meet. */
#ifndef LSEC_IPSET_INT_H
#define LSEC_IPSET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/err.h"
#include "lsec/inet.h"

#define LSEC_IPSET_CHAIN "LSEC-BLOCKLIST"
#define LSEC_IPSET_NAMELEN 32

/* "lsec-NAME-4" / "lsec-NAME-6". */
void lsec_ipset_name(const char *name, bool v6, char *buf, size_t n);
/* The list's DROP rule in LSEC-BLOCKLIST (chain and jumps made when
 * missing; idempotent). */
int lsec_ipset_rule_add(bool v6, const char *name, struct lsec_err *e);
/* Remove it; the chain and its jumps go with the last rule. */
int lsec_ipset_rule_del(bool v6, const char *name, struct lsec_err *e);
/* Add or delete entries of one family's set in batches of netlink
 * messages (what `ipset restore` sends, without its line parser); exist:
 * ignore entries already there / not there (ipset's -exist). */
/* comments: NULL, or one per entry (NULL: none), written with adds. */
int lsec_ipset_change(const char *setname, bool v6,
		      const struct lsec_inet_prefix *const *v,
		      const char *const *comments, size_t n,
		      uint64_t timeout_ms, bool add, bool exist,
		      struct lsec_err *e);
/* Is each of v in the set (exact on hash:ip; on hash:net only for
 * prefixes shorter than a host, a host matches a covering network)? */
int lsec_ipset_test(const char *setname, bool v6,
		    const struct lsec_inet_prefix *const *v, size_t n,
		    bool *present, struct lsec_err *e);
/* An entry as a dump gives it (counters and comment when the set keeps
 * them; comment "" when none). */
struct lsec_ipset_entry {
	struct lsec_inet_prefix p;
	uint64_t timeout_ms, packets, bytes;
	const char *comment;
};
/* Does the kernel speak ipset's netlink protocol (loading ip_set if it
 * can)?  0 or a negative errno. */
int lsec_ipset_protocol(void);
/* Every entry of a set, over netlink (-ENOENT: no such set); fn > 0 stops
 * the dump early. */
typedef int (*lsec_ipset_entry_fn)(const struct lsec_ipset_entry *en,
				   void *userdata);
int lsec_ipset_read(const char *setname, bool v6, lsec_ipset_entry_fn fn,
		    void *userdata);
/* The kernel's index of a set (what xt_set stores), or -ENOENT. */
int lsec_ipset_index(const char *name, uint16_t *ret, struct lsec_err *e);
/* The xt_set match data (revision 4, one dimension, src or dst) at data;
 * returns its size.  lsec_xt_set_get reads one back (false: not of that
 * plain form). */
size_t lsec_xt_set_fill(void *data, uint16_t idx, bool dst);
bool lsec_xt_set_get(const void *data, size_t len, uint16_t *idx, bool *dst);
/* Run ipset commands in restore syntax (one a line) through libipset, as
 * one batch. */
int lsec_ipset_run(const char *text, struct lsec_err *e);
/* Packets its rules dropped (both families). */
uint64_t lsec_ipset_rule_packets(const char *name);

#endif
