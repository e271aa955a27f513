/* SPDX-License-Identifier: MIT */
/*
 * Named blocklists in nf_tables.  A list NAME is four sets in table inet
 * lsec -- bl_NAME_4 and bl_NAME_6 (plain hash sets: adding or removing one
 * address costs milliseconds at any size) and bl_NAME_4_net, bl_NAME_6_net
 * (interval sets, for CIDRs) -- all with per-element timeouts, and one rule
 * per set in the input and forward chains dropping its sources (comment
 * "lsec-blocklist NAME").  Every change is one transaction; a refresh
 * (--replace) adds and deletes only the difference, atomically.
 */
#include "nft_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "lsec/cleanup.h"
#include "lsec/nft.h"
#include "lsec/util.h"

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

/* kind: bit 1 = IPv6, bit 0 = CIDR (interval set) */
static void bl_set(const char *name, int kind, char *buf, size_t n)
{
	snprintf(buf, n, "bl_%s_%c%s", name, kind & 2 ? '6' : '4',
		 kind & 1 ? "_net" : "");
}

static int kind_of(const struct lsec_inet_prefix *p)
{
	return (p->family == 6 ? 2 : 0) |
	       (p->len < (p->family == 6 ? 128 : 32) ? 1 : 0);
}

/* What the table holds: lists (from set names), their default timeouts,
 * and the handles of their rules. */
struct bl_state {
	struct jv *doc;
	const struct jv *items;
};

static int bl_state(struct lsec_nf_backend *b, struct bl_state *st,
		    struct lsec_err *e)
{
	const char *out = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	r = lsec_nft_run(b, "list table inet " LSEC_NFT_TABLE,
			 NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE |
				 NFT_CTX_OUTPUT_TERSE,
			 &out, e);
	if (r == -ENOENT) {
		lsec_err_clear(e);
		return 0;
	}
	if (r < 0)
		return r;
	st->doc = lsec_jv_parse(out);
	if (!st->doc)
		return lsec_err_set(e, EIO, "nf_tables: cannot parse the JSON listing");
	st->items = lsec_jv_get(st->doc, "nftables");
	if (st->items && st->items->t != JV_ARR)
		st->items = NULL;
	return 0;
}

/* The set object called name, or NULL. */
static const struct jv *find_set(const struct bl_state *st, const char *name)
{
	size_t i;

	for (i = 0; st->items && i < st->items->n; i++) {
		const struct jv *x = lsec_jv_get(&st->items->v[i], "set");

		if (x && streq(lsec_jv_str(lsec_jv_get(x, "name")), name))
			return x;
	}
	return NULL;
}

static bool bl_exists(const struct bl_state *st, const char *name)
{
	char s[64];

	bl_set(name, 0, s, sizeof(s));
	return find_set(st, s) != NULL;
}

static uint64_t set_timeout(const struct jv *set)
{
	const struct jv *t = lsec_jv_get(set, "timeout");

	return t && t->t == JV_NUM && t->i > 0 ? (uint64_t)t->i * 1000 : 0;
}

static void put_timeout(FILE *f, uint64_t ms)
{
	if (ms % 1000)
		fprintf(f, "%llums", (unsigned long long)ms);
	else
		fprintf(f, "%llus", (unsigned long long)(ms / 1000));
}

static void put_bl_create(FILE *f, const char *name, uint64_t timeout_ms)
{
	static const enum lsec_nf_chain chains[] = { LSEC_NF_INPUT,
						     LSEC_NF_FORWARD };
	char s[64];
	size_t c;
	int k;

	lsec_nft_put_table(f);
	for (c = 0; c < ELEMENTSOF(chains); c++)
		lsec_nft_put_chain(f, chains[c]);
	for (k = 0; k < 4; k++) {
		bl_set(name, k, s, sizeof(s));
		fprintf(f, "add set inet " LSEC_NFT_TABLE
			   " %s { type %s; flags %stimeout; ",
			s, k & 2 ? "ipv6_addr" : "ipv4_addr", k & 1 ? "interval," : "");
		if (timeout_ms) {
			fputs("timeout ", f);
			put_timeout(f, timeout_ms);
			fputs("; ", f);
		}
		fputs("}\n", f);
		for (c = 0; c < ELEMENTSOF(chains); c++)
			fprintf(f,
				"insert rule inet " LSEC_NFT_TABLE
				" %s %s saddr @%s counter drop comment "
				"\"lsec-blocklist %s\"\n",
				lsec_nft_chain_name(chains[c]), k & 2 ? "ip6" : "ip",
				s, name);
	}
}

static int nft_bl_create(struct lsec_nf_backend *b, const char *name,
			 uint64_t timeout_ms, bool check,
			 struct lsec_bl_result *res, struct lsec_err *e)
{
	struct bl_state st;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	memset(res, 0, sizeof(*res));
	r = lsec_bl_check_name(name, e);
	if (r < 0)
		return r;
	r = bl_state(b, &st, e);
	if (r < 0)
		return r;
	res->changed = !bl_exists(&st, name);
	lsec_jv_free(st.doc);
	if (!res->changed || check)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return lsec_err_set(e, ENOMEM, "out of memory");
	put_bl_create(f, name, timeout_ms);
	if (fclose(f) != 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	return lsec_nft_run(b, buf, 0, NULL, e);
}

/* ---- the current entries ---- */

static int cmp_prefix(const void *a, const void *b)
{
	const struct lsec_bl_entry *x = a, *y = b;

	if (x->p.family != y->p.family)
		return x->p.family - y->p.family;
	if (x->p.len != y->p.len)
		return x->p.len - y->p.len;
	return memcmp(x->p.addr, y->p.addr, 16);
}

static int collect(const struct lsec_inet_prefix *p, uint64_t timeout_ms,
		   uint64_t expires_ms, const char *comment, void *userdata)
{
	struct lsec_bl_entry en = { .p = *p, .timeout_ms = timeout_ms,
				    .expires_ms = expires_ms };

	return lsec_bl_entry_add(userdata, &en) < 0 ? -ENOMEM : 0;
}

static int read_entries(const char *name, struct lsec_bl *l, struct lsec_err *e)
{
	char s[64];
	int k, r;

	for (k = 0; k < 4; k++) {
		bl_set(name, k, s, sizeof(s));
		r = lsec_nft_set_read(LSEC_NFT_TABLE, s, k & 2 ? 16 : 4, k & 1,
				      collect, l);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return lsec_err_set(e, -r, "nf_tables: reading set %s: %s",
					    s, strerror(-r));
	}
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_prefix);
	return 0;
}

static bool has(const struct lsec_bl *l, const struct lsec_inet_prefix *p)
{
	struct lsec_bl_entry key = { .p = *p };

	return l->n && bsearch(&key, l->v, l->n, sizeof(l->v[0]), cmp_prefix);
}

/* Write "VERB element inet lsec SET { ... }" for each kind that has any. */
static void put_elems(FILE *f, const char *verb, const char *name,
		      const struct lsec_inet_prefix *const *v, size_t n,
		      uint64_t timeout_ms)
{
	int k;
	size_t i;

	for (k = 0; k < 4; k++) {
		bool first = true;
		char s[64], a[64];

		for (i = 0; i < n; i++) {
			if (kind_of(v[i]) != k)
				continue;
			if (first) {
				bl_set(name, k, s, sizeof(s));
				fprintf(f, "%s element inet " LSEC_NFT_TABLE " %s { ",
					verb, s);
			} else {
				fputs(", ", f);
			}
			first = false;
			lsec_inet_format_prefix(v[i], a, sizeof(a));
			fputs(a, f);
			if (timeout_ms) {
				fputs(" timeout ", f);
				put_timeout(f, timeout_ms);
			}
		}
		if (!first)
			fputs(" }\n", f);
	}
}

static int no_list(const char *name, struct lsec_err *e)
{
	return lsec_err_input(e,
			      "blocklist '%s' does not exist (lsec fw blocklist "
			      "create %s)",
			      name, name);
}

static int change(struct lsec_nf_backend *b, const char *name,
		  const struct lsec_inet_prefix *v, size_t n,
		  uint64_t timeout_ms, bool add, bool replace, bool check,
		  struct lsec_bl_result *res, struct lsec_err *e)
{
	struct lsec_bl cur = { 0 }, want = { 0 };
	_cleanup_free_ const struct lsec_inet_prefix **ins = NULL, **outs = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t i, nin = 0, nout = 0, len = 0;
	struct bl_state st;
	FILE *f = NULL;
	int r;

	memset(res, 0, sizeof(*res));
	r = lsec_bl_check_name(name, e);
	if (r < 0)
		return r;
	r = bl_state(b, &st, e);
	if (r < 0)
		return r;
	if (!bl_exists(&st, name)) {
		lsec_jv_free(st.doc);
		return no_list(name, e);
	}
	lsec_jv_free(st.doc);
	r = read_entries(name, &cur, e);
	ins = calloc(n + 1, sizeof(*ins));
	outs = calloc((replace ? cur.n : n) + 1, sizeof(*outs));
	if (r >= 0 && (!ins || !outs))
		r = lsec_err_set(e, ENOMEM, "out of memory");
	for (i = 0; r >= 0 && i < n; i++) {
		struct lsec_bl_entry en = { .p = v[i] };

		if (lsec_bl_entry_add(&want, &en) < 0)
			r = lsec_err_set(e, ENOMEM, "out of memory");
	}
	if (r < 0)
		goto out;
	qsort(want.v, want.n, sizeof(want.v[0]), cmp_prefix);
	/* fold duplicates of the input */
	for (i = 0; i < want.n; i++) {
		if (i && cmp_prefix(&want.v[i - 1], &want.v[i]) == 0)
			continue;
		if (add && !has(&cur, &want.v[i].p))
			ins[nin++] = &want.v[i].p;
		else if (!add && has(&cur, &want.v[i].p))
			outs[nout++] = &want.v[i].p;
	}
	if (replace)
		for (i = 0; i < cur.n; i++)
			if (!has(&want, &cur.v[i].p))
				outs[nout++] = &cur.v[i].p;
	res->added = nin;
	res->removed = nout;
	res->entries = cur.n + nin - nout;
	res->changed = nin || nout;
	if (!res->changed || check)
		goto out;
	f = open_memstream(&buf, &len);
	if (!f) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	put_elems(f, "delete", name, outs, nout, 0);
	put_elems(f, "add", name, ins, nin, timeout_ms);
	if (fclose(f) != 0) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	r = lsec_nft_run(b, buf, 0, NULL, e);
out:
	free(cur.v);
	free(want.v);
	return r < 0 ? r : 0;
}

static int nft_bl_add(struct lsec_nf_backend *b, const char *name,
		      const struct lsec_inet_prefix *v, size_t n,
		      uint64_t timeout_ms, bool replace, bool check,
		      struct lsec_bl_result *res, struct lsec_err *e)
{
	return change(b, name, v, n, timeout_ms, true, replace, check, res, e);
}

static int nft_bl_del(struct lsec_nf_backend *b, const char *name,
		      const struct lsec_inet_prefix *v, size_t n, bool check,
		      struct lsec_bl_result *res, struct lsec_err *e)
{
	return change(b, name, v, n, 0, false, false, check, res, e);
}

/* Lists in the table: names from the bl_NAME_4 sets. */
static int nft_bl_list(struct lsec_nf_backend *b, const char *name,
		       bool entries, struct lsec_bl **ret, size_t *ret_n,
		       struct lsec_err *e)
{
	struct bl_state st;
	struct lsec_bl *v = NULL;
	size_t i, n = 0, j;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (name && (r = lsec_bl_check_name(name, e)) < 0)
		return r;
	r = bl_state(b, &st, e);
	if (r < 0)
		return r;
	for (i = 0; st.items && i < st.items->n && r >= 0; i++) {
		const struct jv *x = lsec_jv_get(&st.items->v[i], "set");
		const char *sn = x ? lsec_jv_str(lsec_jv_get(x, "name")) : NULL;
		size_t l = sn ? strlen(sn) : 0;
		struct lsec_bl *nv;

		if (!sn || l < 6 || strncmp(sn, "bl_", 3) || strcmp(sn + l - 2, "_4") ||
		    l - 5 > LSEC_BL_NAME_MAX)
			continue;
		if (name && (strlen(name) != l - 5 || strncmp(sn + 3, name, l - 5)))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			r = lsec_err_set(e, ENOMEM, "out of memory");
			break;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(v[n].name, sn + 3, l - 5);
		v[n].timeout_ms = set_timeout(x);
		n++;
	}
	/* drop counters of the lists' rules */
	for (i = 0; st.items && i < st.items->n && r >= 0; i++) {
		const struct jv *x = lsec_jv_get(&st.items->v[i], "rule"), *ex;
		const char *c = x ? lsec_jv_str(lsec_jv_get(x, "comment")) : NULL;

		if (!c || strncmp(c, "lsec-blocklist ", 15))
			continue;
		ex = lsec_jv_get(x, "expr");
		for (j = 0; j < n; j++) {
			size_t k;

			if (!streq(c + 15, v[j].name))
				continue;
			for (k = 0; ex && ex->t == JV_ARR && k < ex->n; k++) {
				const struct jv *cnt = lsec_jv_get(&ex->v[k], "counter");
				const struct jv *p = lsec_jv_get(cnt, "packets");

				if (p && p->t == JV_NUM)
					v[j].packets += (uint64_t)p->i;
			}
		}
	}
	lsec_jv_free(st.doc);
	if (r >= 0 && name && !n)
		r = no_list(name, e);
	for (j = 0; r >= 0 && entries && j < n; j++)
		r = read_entries(v[j].name, &v[j], e);
	if (r < 0) {
		lsec_bl_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int nft_bl_destroy(struct lsec_nf_backend *b, const char *name,
			  bool check, struct lsec_bl_result *res,
			  struct lsec_err *e)
{
	struct lsec_bl cur = { 0 };
	struct bl_state st;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int r, k;

	memset(res, 0, sizeof(*res));
	r = lsec_bl_check_name(name, e);
	if (r < 0)
		return r;
	r = bl_state(b, &st, e);
	if (r < 0)
		return r;
	if (!bl_exists(&st, name)) {
		lsec_jv_free(st.doc);
		return 0; /* absent already: no change */
	}
	r = read_entries(name, &cur, e);
	res->removed = cur.n;
	free(cur.v);
	res->changed = true;
	if (r < 0 || check)
		goto out;
	f = open_memstream(&buf, &len);
	if (!f) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; st.items && i < st.items->n; i++) {
		const struct jv *x = lsec_jv_get(&st.items->v[i], "rule");
		const char *c = x ? lsec_jv_str(lsec_jv_get(x, "comment")) : NULL;
		const struct jv *h = x ? lsec_jv_get(x, "handle") : NULL;

		if (!c || strncmp(c, "lsec-blocklist ", 15) || !streq(c + 15, name) ||
		    !h || h->t != JV_NUM)
			continue;
		fprintf(f, "delete rule inet " LSEC_NFT_TABLE " %s handle %lld\n",
			lsec_jv_str(lsec_jv_get(x, "chain")), (long long)h->i);
	}
	for (k = 0; k < 4; k++) {
		char s[64];

		bl_set(name, k, s, sizeof(s));
		if (find_set(&st, s))
			fprintf(f, "delete set inet " LSEC_NFT_TABLE " %s\n", s);
	}
	if (fclose(f) != 0) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	r = lsec_nft_run(b, buf, 0, NULL, e);
out:
	lsec_jv_free(st.doc);
	return r < 0 ? r : 0;
}

int lsec_nft_blocklist_count(struct lsec_nf_backend *b)
{
	struct lsec_bl *v = NULL;
	size_t n = 0;

	if (nft_bl_list(b, NULL, false, &v, &n, NULL) < 0)
		return 0;
	lsec_bl_free(v, n);
	return (int)n;
}

const struct lsec_bl_ops lsec_bl_nft_ops = {
	.create = nft_bl_create,
	.add = nft_bl_add,
	.del = nft_bl_del,
	.list = nft_bl_list,
	.destroy = nft_bl_destroy,
};
