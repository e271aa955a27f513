/* SPDX-License-Identifier: MIT */
/*
 * Named blocklists in nf_tables.  A list NAME is its own table,
 * `table inet lsec_bl_NAME`, holding four sets -- v4 and v6 (plain hash
 * sets: adding or removing one address costs milliseconds at any size) and
 * v4_net, v6_net (interval sets, for CIDRs) -- all with per-element
 * timeouts, and base chains input and forward (priority filter - 12) with one
 * counting drop rule per set.  A table of its own because libnftables loads
 * every element of a table's sets to list any of its rules: lsec's rules in
 * `table inet lsec` stay quick to list however long the lists grow, and the
 * elements are read over netlink directly (nft_elem.c).  Every change is one
 * transaction; a refresh (--replace) adds and deletes only the difference,
 * atomically; removing the list is deleting its table.
 */
#include "nft_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "lsec/cleanup.h"
#include "bl_int.h"
#include "lsec/nft.h"
#include "lsec/util.h"

/* kind: bit 1 = IPv6, bit 0 = CIDR (interval set) */
static void bl_set(int kind, char *buf, size_t n)
{
	snprintf(buf, n, "v%c%s", kind & 2 ? '6' : '4', kind & 1 ? "_net" : "");
}

static void bl_table(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, LSEC_NFT_BL_PREFIX "%s", name);
}

static int kind_of(const struct lsec_inet_prefix *p)
{
	return (p->family == 6 ? 2 : 0) |
	       (p->len < (p->family == 6 ? 128 : 32) ? 1 : 0);
}

struct bl_info {
	bool exists;
	uint64_t timeout_ms;
};

static int info_set(const char *name, uint64_t timeout_ms, uint32_t flags,
		    void *userdata)
{
	struct bl_info *i = userdata;

	if (streq(name, "v4")) {
		i->exists = true;
		i->timeout_ms = timeout_ms;
	}
	return 0;
}

static int bl_info(const char *name, struct bl_info *info, struct lsec_err *e)
{
	char t[64];
	int r;

	memset(info, 0, sizeof(*info));
	bl_table(name, t, sizeof(t));
	r = lsec_nft_sets(t, info_set, info);
	if (r < 0)
		return lsec_err_set(e, -r, "nf_tables: reading the sets of %s: %s",
				    t, strerror(-r));
	return 0;
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
	static const char *const hooks[] = { "input", "forward" };
	char s[64], t[64];
	size_t c;
	int k;

	bl_table(name, t, sizeof(t));
	fprintf(f, "add table inet %s { comment \"lsec blocklist\"; }\n", t);
	for (c = 0; c < ELEMENTSOF(hooks); c++)
		fprintf(f,
			"add chain inet %s %s { type filter hook %s priority "
			"filter - 12; policy accept; }\n",
			t, hooks[c], hooks[c]);
	for (k = 0; k < 4; k++) {
		bl_set(k, s, sizeof(s));
		fprintf(f, "add set inet %s %s { type %s; flags %stimeout; ", t, s,
			k & 2 ? "ipv6_addr" : "ipv4_addr", k & 1 ? "interval," : "");
		if (timeout_ms) {
			fputs("timeout ", f);
			put_timeout(f, timeout_ms);
			fputs("; ", f);
		}
		fputs("}\n", f);
		for (c = 0; c < ELEMENTSOF(hooks); c++)
			fprintf(f,
				"add rule inet %s %s %s saddr @%s counter drop "
				"comment \"lsec-blocklist %s\"\n",
				t, hooks[c], k & 2 ? "ip6" : "ip", s, name);
	}
}

static int nft_bl_create(struct lsec_nf_backend *b, const char *name,
			 uint64_t timeout_ms, bool check,
			 struct lsec_bl_result *res, struct lsec_err *e)
{
	_cleanup_free_ char *buf = NULL;
	struct bl_info info;
	size_t len = 0;
	FILE *f;
	int r;

	memset(res, 0, sizeof(*res));
	r = lsec_bl_check_name(name, e);
	if (r >= 0)
		r = bl_info(name, &info, e);
	if (r < 0)
		return r;
	res->changed = !info.exists;
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

static int collect(const struct lsec_inet_prefix *p,
		   const struct lsec_nft_elem *el, void *userdata)
{
	struct lsec_bl_entry en = { .p = *p, .timeout_ms = el->timeout_ms,
				    .expires_ms = el->expires_ms };

	return lsec_bl_entry_add(userdata, &en) < 0 ? -ENOMEM : 0;
}

static int read_entries(const char *name, struct lsec_bl *l, struct lsec_err *e)
{
	char s[64], t[64];
	int k, r;

	bl_table(name, t, sizeof(t));
	for (k = 0; k < 4; k++) {
		bl_set(k, s, sizeof(s));
		r = lsec_nft_set_read(t, s, k & 2 ? 16 : 4, k & 1,
				      collect, l);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return lsec_err_set(e, -r, "nf_tables: reading set %s: %s",
					    s, strerror(-r));
	}
	lsec_bl_sort(l);
	return 0;
}

/* Write "VERB element inet lsec SET { ... }" for each kind that has any. */
static void put_elems(FILE *f, const char *verb, const char *name,
		      const struct lsec_inet_prefix *const *v, size_t n,
		      uint64_t timeout_ms)
{
	int k;
	size_t i;
	char t[64];

	bl_table(name, t, sizeof(t));
	for (k = 0; k < 4; k++) {
		bool first = true;
		char s[64], a[64];

		for (i = 0; i < n; i++) {
			if (kind_of(v[i]) != k)
				continue;
			if (first) {
				bl_set(k, s, sizeof(s));
				fprintf(f, "%s element inet %s %s { ", verb, t, s);
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

/* Addresses are checked with point lookups (512 a round trip, each O(1)
 * in the kernel) rather than by reading the list: a dump of a large hash
 * set costs more (the kernel re-walks the table for every 32 KiB chunk).
 * Only --replace, which needs the whole list, reads it. */

/* exists[i]: is want->v[i] in the list?  cur gets what was read (the whole
 * list when full). */
static int find_existing(const char *name, const struct lsec_bl *want,
			 bool full, bool *exists, struct lsec_bl *cur,
			 struct lsec_err *e)
{
	_cleanup_free_ const struct lsec_inet_prefix **keys = NULL;
	_cleanup_free_ bool *found = NULL;
	char t[64], s[64];
	size_t i, nk;
	int k, r = 0;

	if (full) {
		r = read_entries(name, cur, e);
		for (i = 0; r >= 0 && i < want->n; i++)
			exists[i] = lsec_bl_has(cur, &want->v[i].p);
		return r;
	}
	keys = calloc(want->n + 1, sizeof(*keys));
	found = calloc(want->n + 1, sizeof(*found));
	if (!keys || !found)
		return lsec_err_set(e, ENOMEM, "out of memory");
	bl_table(name, t, sizeof(t));
	for (k = 0; k < 4; k++) {
		for (i = nk = 0; i < want->n; i++)
			if (kind_of(&want->v[i].p) == k)
				keys[nk++] = &want->v[i].p;
		if (!nk)
			continue;
		bl_set(k, s, sizeof(s));
		if (k & 1) { /* CIDRs: read the (usually short) interval set */
			r = lsec_nft_set_read(t, s, k & 2 ? 16 : 4, true, collect, cur);
			lsec_bl_sort(cur);
			for (i = 0; r >= 0 && i < nk; i++)
				found[i] = lsec_bl_has(cur, keys[i]);
		} else {
			bool any = true;

			/* an empty set (a first load): nothing to look up */
			r = 0;
			if (nk > 64)
				r = lsec_nft_set_any(t, s, &any);
			if (r >= 0 && any)
				r = lsec_nft_set_lookup(t, s, k & 2 ? 16 : 4, keys, nk,
							found);
		}
		if (r < 0)
			return lsec_err_set(e, -r, "nf_tables: reading set %s: %s", s,
					    strerror(-r));
		for (i = nk = 0; i < want->n; i++)
			if (kind_of(&want->v[i].p) == k)
				exists[i] = found[nk++];
	}
	return 0;
}

static bool hosts_only(const struct lsec_inet_prefix *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (kind_of(v[i]) & 1)
			return false;
	return true;
}

static int change_hosts(const char *name, const struct lsec_inet_prefix **v,
			size_t n, uint64_t timeout_ms, bool add,
			struct lsec_err *e)
{
	_cleanup_free_ const struct lsec_inet_prefix **fam = calloc(n + 1, sizeof(*fam));
	char t[64], s[64];
	size_t i, nf;
	int k, r;

	if (!fam)
		return lsec_err_set(e, ENOMEM, "out of memory");
	bl_table(name, t, sizeof(t));
	for (k = 0; k < 4; k += 2) {
		for (i = nf = 0; i < n; i++)
			if (kind_of(v[i]) == k)
				fam[nf++] = v[i];
		if (!nf)
			continue;
		bl_set(k, s, sizeof(s));
		r = lsec_nft_set_change(t, s, k & 2 ? 16 : 4, fam, nf, timeout_ms, add);
		if (r < 0)
			return lsec_err_set(e, -r, "nf_tables: %s elements of %s %s: %s",
					    add ? "adding" : "deleting", t, s, strerror(-r));
	}
	return 0;
}

/*
 * Interval sets refuse overlapping elements (as in nft.c's settle_nesting):
 * a CIDR inside one that stays or comes is not added, an entry inside a
 * CIDR being added goes.  outs has room for cur->n more.
 */
static int settle_nesting(const struct lsec_bl *cur, const struct lsec_inet_prefix **ins,
			  size_t *nin, const struct lsec_inet_prefix **outs,
			  size_t *nout, struct lsec_err *e)
{
	size_t max = *nin + cur->n + 1, n, i, j, nadd;
	_cleanup_free_ const struct lsec_inet_prefix **who = calloc(max, sizeof(*who));
	_cleanup_free_ size_t *from = calloc(max, sizeof(*from)); /* index in ins */
	_cleanup_free_ size_t *outer = calloc(max, sizeof(*outer));
	_cleanup_free_ bool *going = calloc(cur->n + 1, sizeof(*going));
	_cleanup_free_ bool *keep = calloc(*nin + 1, sizeof(*keep));
	int k;

	if (!who || !from || !outer || !going || !keep)
		return lsec_err_set(e, ENOMEM, "out of memory");
	/* entries of cur already going (--replace) do not hold anything */
	for (j = 0; cur->n && j < *nout; j++)
		if (outs[j] >= &cur->v[0].p && outs[j] <= &cur->v[cur->n - 1].p)
			going[((const char *)outs[j] - (const char *)&cur->v[0].p) /
			      sizeof(cur->v[0])] = true;
	for (i = 0; i < *nin; i++)
		keep[i] = true;
	for (k = 1; k < 4; k += 2) { /* the CIDR kinds, per family */
		for (i = n = 0; i < *nin; i++)
			if (kind_of(ins[i]) == k) {
				from[n] = i;
				who[n++] = ins[i];
			}
		if (!n)
			continue;
		nadd = n;
		for (i = 0; i < cur->n; i++)
			if (kind_of(&cur->v[i].p) == k && !going[i])
				who[n++] = &cur->v[i].p;
		if (lsec_inet_outermost(who, n, outer) < 0)
			return lsec_err_set(e, ENOMEM, "out of memory");
		for (i = 0; i < n; i++) {
			if (outer[i] == (size_t)-1)
				continue;
			if (i < nadd)
				keep[from[i]] = false;
			else
				outs[(*nout)++] = who[i];
		}
	}
	for (i = j = 0; i < *nin; i++)
		if (keep[i])
			ins[j++] = ins[i];
	*nin = j;
	return 0;
}

static int change(struct lsec_nf_backend *b, const char *name,
		  const struct lsec_inet_prefix *v, size_t n,
		  uint64_t timeout_ms, bool add, bool replace, bool check,
		  struct lsec_bl_result *res, struct lsec_err *e)
{
	struct lsec_bl cur = { 0 }, want = { 0 };
	_cleanup_free_ const struct lsec_inet_prefix **ins = NULL, **outs = NULL;
	_cleanup_free_ bool *exists = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t i, nin = 0, nout = 0, len = 0;
	struct bl_info info;
	bool full;
	FILE *f = NULL;
	int r;

	memset(res, 0, sizeof(*res));
	r = lsec_bl_check_name(name, e);
	if (r >= 0)
		r = bl_info(name, &info, e);
	if (r < 0)
		return r;
	if (!info.exists)
		return lsec_bl_missing(name, e);
	r = lsec_bl_want(v, n, &want, e);
	if (r < 0)
		goto out;
	full = replace;
	exists = calloc(want.n + 1, sizeof(*exists));
	if (!exists) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	r = find_existing(name, &want, full, exists, &cur, e);
	if (r < 0)
		goto out;
	ins = calloc(want.n + 1, sizeof(*ins));
	/* room for nested entries of cur going too (settle_nesting) */
	outs = calloc(cur.n + want.n + 1, sizeof(*outs));
	if (!ins || !outs) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < want.n; i++) {
		if (add && !exists[i])
			ins[nin++] = &want.v[i].p;
		else if (!add && exists[i])
			outs[nout++] = &want.v[i].p;
	}
	if (replace)
		for (i = 0; i < cur.n; i++)
			if (!lsec_bl_has(&want, &cur.v[i].p))
				outs[nout++] = &cur.v[i].p;
	if (add) {
		r = settle_nesting(&cur, ins, &nin, outs, &nout, e);
		if (r < 0)
			goto out;
	}
	res->added = nin;
	res->removed = nout;
	res->entries = full ? cur.n + nin - nout : (size_t)-1;
	res->changed = nin || nout;
	if (!res->changed || check)
		goto out;
	if (!hosts_only(ins, nin) || !hosts_only(outs, nout) || (nin && nout)) {
		f = open_memstream(&buf, &len);
		if (!f) {
			r = lsec_err_set(e, ENOMEM, "out of memory");
			goto out;
		}
	} else {
		/* addresses only, one direction: straight over netlink, one
		 * transaction per family */
		r = change_hosts(name, nin ? ins : outs, nin ? nin : nout,
				 timeout_ms, nin > 0, e);
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

/* The blocklist tables: "table inet lsec_bl_NAME" lines of `list tables`
 * (the text listing does not load set elements; JSON does). */
struct names {
	char **v;
	size_t n;
};

static int bl_name(const char *table, uint64_t t, uint32_t f, void *userdata)
{
	struct names *nm = userdata;
	size_t pl = strlen(LSEC_NFT_BL_PREFIX);
	char **nv;

	if (strncmp(table, LSEC_NFT_BL_PREFIX, pl) || !table[pl] ||
	    strlen(table + pl) > LSEC_BL_NAME_MAX)
		return 0;
	nv = realloc(nm->v, (nm->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	nm->v = nv;
	nm->v[nm->n] = strdup(table + pl);
	if (!nm->v[nm->n])
		return -ENOMEM;
	nm->n++;
	return 0;
}

/* The blocklist tables "lsec_bl_NAME", over netlink (libnftables' `list
 * tables` loads every set element of every table first). */
int lsec_nft_bl_names(struct lsec_nf_backend *b, char ***ret, size_t *ret_n,
		      struct lsec_err *e)
{
	struct names nm = { 0 };
	int r = lsec_nft_tables(bl_name, &nm);

	if (r < 0) {
		lsec_nft_names_free(nm.v, nm.n);
		*ret = NULL;
		*ret_n = 0;
		return lsec_err_set(e, -r, "nf_tables: listing tables: %s",
				    strerror(-r));
	}
	*ret = nm.v;
	*ret_n = nm.n;
	return 0;
}

void lsec_nft_names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static int nft_bl_list(struct lsec_nf_backend *b, const char *name,
		       bool entries, struct lsec_bl **ret, size_t *ret_n,
		       struct lsec_err *e)
{
	struct lsec_bl *v = NULL;
	char **names = NULL;
	size_t i, n = 0, nn = 0;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (name && (r = lsec_bl_check_name(name, e)) < 0)
		return r;
	r = lsec_nft_bl_names(b, &names, &nn, e);
	if (r < 0)
		return r;
	v = calloc(nn + 1, sizeof(*v));
	if (!v)
		r = lsec_err_set(e, ENOMEM, "out of memory");
	for (i = 0; r >= 0 && i < nn; i++) {
		struct bl_info info;
		char t[64];

		if (name && !streq(name, names[i]))
			continue;
		r = bl_info(names[i], &info, e);
		if (r < 0 || !info.exists)
			continue;
		snprintf(v[n].name, sizeof(v[n].name), "%s", names[i]);
		v[n].timeout_ms = info.timeout_ms;
		bl_table(names[i], t, sizeof(t));
		(void)lsec_nft_table_packets(t, &v[n].packets);
		if (entries)
			r = read_entries(names[i], &v[n], e);
		n++;
	}
	lsec_nft_names_free(names, nn);
	if (r >= 0 && name && !n)
		r = lsec_bl_missing(name, e);
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
	struct bl_info info;
	char cmd[128], t[64];
	int r;

	memset(res, 0, sizeof(*res));
	r = lsec_bl_check_name(name, e);
	if (r >= 0)
		r = bl_info(name, &info, e);
	if (r < 0 || !info.exists)
		return r < 0 ? r : 0; /* absent already: no change */
	r = read_entries(name, &cur, e);
	res->removed = cur.n;
	free(cur.v);
	res->changed = true;
	if (r < 0 || check)
		return r < 0 ? r : 0;
	bl_table(name, t, sizeof(t));
	snprintf(cmd, sizeof(cmd), "delete table inet %s", t);
	r = lsec_nft_run(b, cmd, 0, NULL, e);
	return r < 0 ? r : 0;
}

const struct lsec_bl_ops lsec_bl_nft_ops = {
	.create = nft_bl_create,
	.add = nft_bl_add,
	.del = nft_bl_del,
	.list = nft_bl_list,
	.destroy = nft_bl_destroy,
};
