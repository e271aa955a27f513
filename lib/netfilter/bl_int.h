/* SPDX-License-Identifier: MIT */
/* Internals shared by the two blocklist implementations. */
#ifndef LSEC_BL_INT_H
#define LSEC_BL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "lsec/nft.h"

/* Order of entries: family, prefix length, address. */
int lsec_bl_cmp(const void *a, const void *b);
void lsec_bl_sort(struct lsec_bl *l);
/* Is p in l (sorted)? */
bool lsec_bl_has(const struct lsec_bl *l, const struct lsec_inet_prefix *p);
/* "blocklist 'NAME' does not exist" (input error). */
int lsec_bl_missing(const char *name, struct lsec_err *e);
/* The user's entries, sorted, duplicates folded, into want. */
int lsec_bl_want(const struct lsec_inet_prefix *v, size_t n, struct lsec_bl *want,
		 struct lsec_err *e);

#endif
