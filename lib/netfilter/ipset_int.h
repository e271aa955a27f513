/* SPDX-License-Identifier: MIT */
/* Internals of the legacy blocklists (ipset.c, ipset_rule.c): two files
 * because libipset's and the kernel's netfilter headers cannot meet. */
#ifndef LSEC_IPSET_INT_H
#define LSEC_IPSET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/err.h"

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
struct lsec_inet_prefix;
int lsec_ipset_change(const char *setname, bool v6,
		      const struct lsec_inet_prefix *const *v, size_t n,
		      uint64_t timeout_ms, bool add, bool exist,
		      struct lsec_err *e);
/* Every entry of a set, over netlink (-ENOENT: no such set). */
typedef int (*lsec_ipset_entry_fn)(const struct lsec_inet_prefix *p,
				   uint64_t timeout_ms, void *userdata);
int lsec_ipset_read(const char *setname, bool v6, lsec_ipset_entry_fn fn,
		    void *userdata);
/* Packets its rules dropped (both families). */
uint64_t lsec_ipset_rule_packets(const char *name);

#endif
