/* SPDX-License-Identifier: MIT */
/* Named blocklists: what both implementations (nft_bl.c, ipset.c) share. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bl_int.h"
#include "lsec/nft.h"

int lsec_bl_check_name(const char *name, struct lsec_err *e)
{
	const char *c;

	if (!name || !*name || strlen(name) > LSEC_BL_NAME_MAX)
		goto bad;
	for (c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			goto bad;
	return 0;
bad:
	return lsec_err_input(e,
			      "invalid blocklist name '%s': 1 to %d letters, "
			      "digits, '_' or '-'",
			      name ? name : "", LSEC_BL_NAME_MAX);
}

int lsec_bl_entry_add(struct lsec_bl *l, const struct lsec_bl_entry *en)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct lsec_bl_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *en;
	return 0;
}

void lsec_bl_free(struct lsec_bl *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].v);
	free(v);
}

const struct lsec_bl_ops *lsec_bl_ops_for(const struct lsec_nf_backend_ops *o)
{
	if (o == &lsec_nf_nft_ops)
		return &lsec_bl_nft_ops;
	if (o == &lsec_nf_iptc_ops)
		return &lsec_bl_ipset_ops;
	return NULL;
}

int lsec_bl_cmp(const void *a, const void *b)
{
	const struct lsec_bl_entry *x = a, *y = b;

	if (x->p.family != y->p.family)
		return x->p.family - y->p.family;
	if (x->p.len != y->p.len)
		return x->p.len - y->p.len;
	return memcmp(x->p.addr, y->p.addr, 16);
}

void lsec_bl_sort(struct lsec_bl *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(l->v[0]), lsec_bl_cmp);
}

bool lsec_bl_has(const struct lsec_bl *l, const struct lsec_inet_prefix *p)
{
	struct lsec_bl_entry key = { .p = *p };

	return l->n && bsearch(&key, l->v, l->n, sizeof(l->v[0]), lsec_bl_cmp);
}

int lsec_bl_missing(const char *name, struct lsec_err *e)
{
	return lsec_err_input(e,
			      "blocklist '%s' does not exist (lsec fw blocklist "
			      "create %s)",
			      name, name);
}

int lsec_bl_want(const struct lsec_inet_prefix *v, size_t n, struct lsec_bl *want,
		 struct lsec_err *e)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct lsec_bl_entry en = { .p = v[i] };

		if (lsec_bl_entry_add(want, &en) < 0)
			return lsec_err_set(e, ENOMEM, "out of memory");
	}
	lsec_bl_sort(want);
	for (i = j = 0; i < want->n; i++)
		if (!j || lsec_bl_cmp(&want->v[j - 1], &want->v[i]) != 0)
			want->v[j++] = want->v[i];
	want->n = j;
	return 0;
}
