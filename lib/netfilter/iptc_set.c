/* SPDX-License-Identifier: MIT */
/*
 * The legacy backend's block sets (see iptc_int.h and docs/netfilter.md):
 *
 *   lsec-input-src4      hash:ip  IPv4 hosts blocked in LSEC-INPUT by source
 *   lsec-input-src4-net  hash:net IPv4 networks (prefixes shorter than /32)
 *   lsec-output-dst6 ...  and so on for INPUT/OUTPUT/FORWARD, src/dst, 4/6
 *
 * Hosts and networks apart because ipset's test is exact on hash:ip and on
 * hash:net for networks, but a host tested on hash:net also matches a
 * covering network.  The names never end in "-4", "-6" or "-t", the
 * suffixes of the named blocklists' sets (lsec-NAME-4, lsec-NAME-6,
 * lsec-NAME-4-t), so neither can take the other's.  Every set keeps
 * per-entry counters and comments; an entry whose comment is the plain tag
 * ("lsec") carries none (it costs memory at 100,000).
 *
 * Entries change over netlink in batches (ipset_rule.c); the sets are made
 * and destroyed through libipset's parser (rare, and it knows the set
 * types' revisions).
 */
#include "iptc_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipset_int.h"
#include "lsec/cleanup.h"
#include "lsec/util.h"

#define SET_MAXELEM "4194304"

static const char *const chain_lc[3] = { "input", "output", "forward" };

int lsec_iptc_set_of_key(const struct lsec_nf_key *k)
{
	struct lsec_inet_prefix p;
	bool dst;

	if (!lsec_nf_key_block_addr(k, &p, &dst))
		return -1;
	return ((k->chain * 2 + dst) * 2 + (k->family == 6)) * 2 +
	       (p.len < (k->family == 6 ? 128 : 32));
}

void lsec_iptc_set_name(int s, char *buf, size_t n)
{
	snprintf(buf, n, "lsec-%s-%s%c%s", chain_lc[lsec_iptc_set_chain(s)],
		 lsec_iptc_set_dst(s) ? "dst" : "src",
		 lsec_iptc_set_v6(s) ? '6' : '4', lsec_iptc_set_net(s) ? "-net" : "");
}

void lsec_iptc_sets_probe(struct lsec_iptc_sets *st)
{
	char name[LSEC_IPSET_NAMELEN];
	int s;

	memset(st, 0, sizeof(*st));
	for (s = 0; s < LSEC_IPTC_NSETS; s++) {
		lsec_iptc_set_name(s, name, sizeof(name));
		st->exists[s] = lsec_ipset_index(name, &st->index[s], NULL) >= 0;
	}
}

static int count_entry(const struct lsec_ipset_entry *en, void *userdata)
{
	(void)en;
	++*(size_t *)userdata;
	return 0;
}

int lsec_iptc_sets_available(struct lsec_err *e)
{
	int r = lsec_ipset_protocol();

	if (r >= 0)
		return 0;
	if (r == -EPERM || r == -EACCES)
		return lsec_err_set(e, EPERM, "ipset: permission denied (run as "
				    "root, or with CAP_NET_ADMIN)");
	return lsec_err_set(e, EOPNOTSUPP,
			    "the kernel cannot keep ipsets (%s): blocked "
			    "addresses live in ipsets on the legacy backend "
			    "(load ip_set, ip_set_hash_ip, ip_set_hash_net and "
			    "xt_set, or use the nft backend)",
			    strerror(-r));
}

int lsec_iptc_sets_create(struct lsec_iptc_sets *st, const bool *need,
			  bool *made, struct lsec_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char name[LSEC_IPSET_NAMELEN];
	size_t len = 0;
	bool any = false;
	FILE *f = open_memstream(&buf, &len);
	int s, r;

	if (!f)
		return lsec_err_set(e, ENOMEM, "out of memory");
	for (s = 0; s < LSEC_IPTC_NSETS; s++) {
		if (!need[s] || st->exists[s])
			continue;
		lsec_iptc_set_name(s, name, sizeof(name));
		fprintf(f, "create %s %s family %s maxelem " SET_MAXELEM
			   " counters comment -exist\n",
			name, lsec_iptc_set_net(s) ? "hash:net" : "hash:ip",
			lsec_iptc_set_v6(s) ? "inet6" : "inet");
		made[s] = any = true;
	}
	if (fclose(f) != 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	if (!any)
		return 0;
	r = lsec_ipset_run(buf, e);
	if (r < 0) {
		memset(made, 0, LSEC_IPTC_NSETS * sizeof(*made));
		return r;
	}
	lsec_iptc_sets_probe(st);
	for (s = 0; s < LSEC_IPTC_NSETS; s++)
		if (need[s] && !st->exists[s]) {
			lsec_iptc_set_name(s, name, sizeof(name));
			return lsec_err_set(e, EIO, "ipset: set %s was made but "
					    "cannot be found", name);
		}
	return 0;
}

int lsec_iptc_sets_destroy(struct lsec_iptc_sets *st, const bool *which,
			   struct lsec_err *e)
{
	char text[LSEC_IPTC_NSETS * 48], name[LSEC_IPSET_NAMELEN];
	size_t len = 0;
	int s, r;

	text[0] = '\0';
	for (s = 0; s < LSEC_IPTC_NSETS; s++)
		if (which[s] && st->exists[s]) {
			lsec_iptc_set_name(s, name, sizeof(name));
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"destroy %s\n", name);
		}
	if (!len)
		return 0;
	r = lsec_ipset_run(text, e);
	lsec_iptc_sets_probe(st);
	return r;
}

int lsec_iptc_set_count(int s, size_t *n, struct lsec_err *e)
{
	char name[LSEC_IPSET_NAMELEN];
	int r;

	*n = 0;
	lsec_iptc_set_name(s, name, sizeof(name));
	r = lsec_ipset_read(name, lsec_iptc_set_v6(s), count_entry, n);
	if (r < 0 && r != -ENOENT)
		return lsec_err_set(e, -r, "ipset: reading set %s: %s", name,
				    strerror(-r));
	return 0;
}

static int stop(const struct lsec_ipset_entry *en, void *userdata)
{
	(void)en;
	*(bool *)userdata = true;
	return 1;
}

bool lsec_iptc_set_any(int s)
{
	char name[LSEC_IPSET_NAMELEN];
	bool any = false;

	lsec_iptc_set_name(s, name, sizeof(name));
	return lsec_ipset_read(name, lsec_iptc_set_v6(s), stop, &any) >= 0 && any;
}

struct rules_ctx {
	struct lsec_nf_ruleset *out;
	int s;
	size_t n;
};

static int entry_rule(const struct lsec_ipset_entry *en, void *userdata)
{
	struct rules_ctx *c = userdata;
	int s = c->s;
	struct lsec_nf_rule r = { .comment = (char *)(en->comment[0] ? en->comment
								     : LSEC_NF_TAG),
				  .packets = en->packets,
				  .bytes = en->bytes };

	lsec_nf_key_init(&r.k, en->p.family,
			 (enum lsec_nf_chain)lsec_iptc_set_chain(s), LSEC_NF_DROP);
	if (lsec_iptc_set_dst(s)) {
		memcpy(r.k.dst, en->p.addr, 16);
		r.k.dst_len = en->p.len;
	} else {
		memcpy(r.k.src, en->p.addr, 16);
		r.k.src_len = en->p.len;
	}
	c->n++;
	return lsec_nf_ruleset_add(c->out, &r) < 0 ? -ENOMEM : 0;
}

/* Every entry of set s to fn; a set that does not exist has none. */
static int read_set(int s, lsec_ipset_entry_fn fn, void *userdata,
		    struct lsec_err *e)
{
	char name[LSEC_IPSET_NAMELEN];
	int r;

	lsec_iptc_set_name(s, name, sizeof(name));
	r = lsec_ipset_read(name, lsec_iptc_set_v6(s), fn, userdata);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return lsec_err_set(e, -r, "ipset: reading set %s: %s", name,
				    strerror(-r));
	return 0;
}

int lsec_iptc_set_rules(int s, struct lsec_nf_ruleset *out, size_t *n,
			struct lsec_err *e)
{
	struct rules_ctx c = { out, s, 0 };
	int r = read_set(s, entry_rule, &c, e);

	if (n)
		*n = c.n;
	return r;
}

/* lsec_iptc_set_find: the requested addresses in a table, marked as the
 * set's dump streams by. */
struct find_ctx {
	struct lsec_inet_ptable t;
	bool *in;
};

static int mark_in(size_t i, void *userdata)
{
	((bool *)userdata)[i] = true;
	return 0;
}

static int find_entry(const struct lsec_ipset_entry *en, void *userdata)
{
	struct find_ctx *c = userdata;

	return lsec_inet_ptable_each(&c->t, &en->p, mark_in, c->in);
}

int lsec_iptc_set_find(int s, const struct lsec_nf_rule *const *v, size_t n,
		       bool *in, struct lsec_err *e)
{
	_cleanup_free_ struct lsec_inet_prefix *pv = calloc(n + 1, sizeof(*pv));
	struct find_ctx c = { .in = in };
	size_t i;
	int r;

	if (!pv)
		return lsec_err_set(e, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		in[i] = false;
		lsec_nf_key_block_addr(&v[i]->k, &pv[i], NULL);
	}
	if (lsec_inet_ptable_init(&c.t, pv, n) < 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	r = read_set(s, find_entry, &c, e);
	lsec_inet_ptable_free(&c.t);
	return r;
}

/* The rules' addresses (and comments) as lsec_ipset_change takes them. */
struct entries {
	struct lsec_inet_prefix *p;
	const struct lsec_inet_prefix **pp;
	const char **comments;
};

static void entries_free(struct entries *en)
{
	free(en->p);
	free(en->pp);
	free(en->comments);
}

static int entries_of(const struct lsec_nf_rule *const *v, size_t n,
		      struct entries *en, struct lsec_err *e)
{
	size_t i;

	en->p = calloc(n ? n : 1, sizeof(*en->p));
	en->pp = calloc(n ? n : 1, sizeof(*en->pp));
	en->comments = calloc(n ? n : 1, sizeof(*en->comments));
	if (!en->p || !en->pp || !en->comments) {
		entries_free(en);
		return lsec_err_set(e, ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		lsec_nf_key_block_addr(&v[i]->k, &en->p[i], NULL);
		en->pp[i] = &en->p[i];
		en->comments[i] = v[i]->comment && !streq(v[i]->comment, LSEC_NF_TAG)
					  ? v[i]->comment : NULL;
	}
	return 0;
}

/* Test, add or delete the rules of v (all of set s) as entries. */
enum { OP_TEST, OP_ADD, OP_DEL };
static int entries_op(int s, const struct lsec_nf_rule *const *v, size_t n,
		      int op, bool *present, struct lsec_err *e)
{
	struct entries en = { 0 };
	char name[LSEC_IPSET_NAMELEN];
	int r;

	if (!n)
		return 0;
	r = entries_of(v, n, &en, e);
	if (r < 0)
		return r;
	lsec_iptc_set_name(s, name, sizeof(name));
	if (op == OP_TEST)
		r = lsec_ipset_test(name, lsec_iptc_set_v6(s), en.pp, n, present, e);
	else
		r = lsec_ipset_change(name, lsec_iptc_set_v6(s), en.pp, en.comments,
				      n, 0, op == OP_ADD, true, e);
	entries_free(&en);
	return r;
}

int lsec_iptc_set_test(int s, const struct lsec_nf_rule *const *v, size_t n,
		       bool *present, struct lsec_err *e)
{
	return entries_op(s, v, n, OP_TEST, present, e);
}

int lsec_iptc_set_change(int s, const struct lsec_nf_rule *const *v, size_t n,
			 bool add, struct lsec_err *e)
{
	return entries_op(s, v, n, add ? OP_ADD : OP_DEL, NULL, e);
}
