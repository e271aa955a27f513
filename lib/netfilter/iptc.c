/* SPDX-License-Identifier: MIT */
/*
 * The legacy x_tables backend: libiptc (IPv4) and libip6tc (IPv6).
 *
 * Pitfalls handled here (see docs: research fw.md):
 *  - libiptc takes no lock: we flock() the xtables lock file ourselves,
 *    opened in this process, for the whole read-modify-commit.
 *  - A commit the kernel refuses with EAGAIN (someone without the lock
 *    changed the table) is redone on a fresh snapshot.
 *  - DNAT is written as revision 2 (nf_nat_range2), as iptables 1.8 does, so
 *    iptables-legacy-save can print it and -restore can read it back.
 *  - insert/delete_num are 0-based; chain labels are char[32], zero-filled.
 *
 * Block rules (lsec_nf_key_block_addr) are entries of ipsets matched by one
 * xt_set rule per set at the top of lsec's chain (iptc_set.c keeps the
 * sets; here: recognising and writing their rules, list/plan/apply/flush/
 * status over both).
 */
#include "lsec/netfilter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libiptc/libip6tc.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_set.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>
#include <nftables/libnftables.h>

#include "ipset_int.h"
#include "iptc_int.h"
#include "lsec/cleanup.h"
#include "lsec/util.h"

#define NSETS LSEC_IPTC_NSETS

/* ---- one interface over libiptc and libip6tc ---- */

struct tc {
	uint8_t family;
	size_t entry_size; /* sizeof(struct ipt_entry) / ip6t_entry */
	struct xtc_handle *(*init)(const char *table);
	void (*free)(struct xtc_handle *h);
	int (*commit)(struct xtc_handle *h);
	int (*is_chain)(const char *chain, struct xtc_handle *h);
	int (*create_chain)(const char *chain, struct xtc_handle *h);
	int (*delete_chain)(const char *chain, struct xtc_handle *h);
	int (*flush_entries)(const char *chain, struct xtc_handle *h);
	int (*delete_num)(const char *chain, unsigned n, struct xtc_handle *h);
	const char *(*first_chain)(struct xtc_handle *h);
	const char *(*next_chain)(struct xtc_handle *h);
	const char *(*strerror)(int err);
	const void *(*first_rule)(const char *chain, struct xtc_handle *h);
	const void *(*next_rule)(const void *prev, struct xtc_handle *h);
	const char *(*get_target)(const void *e, struct xtc_handle *h);
	int (*append)(const char *chain, const void *e, struct xtc_handle *h);
	int (*insert)(const char *chain, const void *e, unsigned n,
		      struct xtc_handle *h);
};

#define TC_WRAP(pfx, ent)                                                     \
	static const void *pfx##_w_first(const char *c, struct xtc_handle *h) \
	{                                                                     \
		return pfx##_first_rule(c, h);                                \
	}                                                                     \
	static const void *pfx##_w_next(const void *p, struct xtc_handle *h)  \
	{                                                                     \
		return pfx##_next_rule(p, h);                                 \
	}                                                                     \
	static const char *pfx##_w_target(const void *e, struct xtc_handle *h) \
	{                                                                     \
		return pfx##_get_target(e, h);                                \
	}                                                                     \
	static int pfx##_w_append(const char *c, const void *e,              \
				  struct xtc_handle *h)                       \
	{                                                                     \
		return pfx##_append_entry(c, e, h);                           \
	}                                                                     \
	static int pfx##_w_insert(const char *c, const void *e, unsigned n,  \
				  struct xtc_handle *h)                       \
	{                                                                     \
		return pfx##_insert_entry(c, e, n, h);                        \
	}                                                                     \
	static const struct tc pfx##_tc = {                                   \
		.entry_size = sizeof(struct ent),                             \
		.init = pfx##_init,                                           \
		.free = pfx##_free,                                           \
		.commit = pfx##_commit,                                       \
		.is_chain = pfx##_is_chain,                                   \
		.create_chain = pfx##_create_chain,                           \
		.delete_chain = pfx##_delete_chain,                           \
		.flush_entries = pfx##_flush_entries,                         \
		.delete_num = pfx##_delete_num_entry,                         \
		.first_chain = pfx##_first_chain,                             \
		.next_chain = pfx##_next_chain,                               \
		.strerror = pfx##_strerror,                                   \
		.first_rule = pfx##_w_first,                                  \
		.next_rule = pfx##_w_next,                                    \
		.get_target = pfx##_w_target,                                 \
		.append = pfx##_w_append,                                     \
		.insert = pfx##_w_insert,                                     \
	}

TC_WRAP(iptc, ipt_entry);
TC_WRAP(ip6tc, ip6t_entry);

static const struct tc *tc_of(int fi)
{
	return fi == 0 ? &iptc_tc : &ip6tc_tc;
}

static int fam_index(uint8_t family)
{
	return family == 6;
}

static int tbl_index(enum lsec_nf_chain c)
{
	return streq(lsec_nf_table_name(c), "nat");
}

static const char *const table_names[2] = { "filter", "nat" };

/* A chain label: libiptc reads 32 bytes. */
typedef char label_t[XT_TABLE_MAXNAMELEN];
static void label(label_t l, const char *name)
{
	memset(l, 0, sizeof(label_t));
	snprintf(l, sizeof(label_t), "%s", name);
}

/* ---- the session ---- */

struct tbl {
	struct xtc_handle *h;
	bool tried;
	int err; /* errno of a failed init */
};

struct lsec_nf_backend {
	int lockfd;
	struct tbl t[2][2]; /* [family][filter, nat] */
	struct lsec_iptc_sets sets; /* the block sets (iptc_set.c) */
	bool set_rule[NSETS];       /* ... and their rules seen by list() */
};

static void tbl_drop(struct lsec_nf_backend *b, int fi, int ti)
{
	if (b->t[fi][ti].h)
		tc_of(fi)->free(b->t[fi][ti].h);
	b->t[fi][ti].h = NULL;
	b->t[fi][ti].tried = false;
}

static int init_error(int fi, int ti, int err, struct lsec_err *e)
{
	const char *what = fi ? "ip6tables" : "iptables";

	if (err == EPERM || err == EACCES)
		return lsec_err_set(e, EPERM,
				    "cannot read the legacy %s table '%s': "
				    "permission denied (run as root, or with "
				    "CAP_NET_ADMIN)",
				    what, table_names[ti]);
	return lsec_err_set(e, EOPNOTSUPP,
			    "the kernel has no legacy %s table '%s' (%s); "
			    "use the nft backend instead",
			    what, table_names[ti], tc_of(fi)->strerror(err));
}

/* The table's handle (a snapshot taken once per session). */
static struct xtc_handle *tbl_get(struct lsec_nf_backend *b, int fi, int ti,
				  struct lsec_err *e)
{
	struct tbl *t = &b->t[fi][ti];

	if (!t->tried) {
		t->tried = true;
		t->h = tc_of(fi)->init(table_names[ti]);
		t->err = t->h ? 0 : (errno ? errno : EIO);
	}
	if (!t->h)
		init_error(fi, ti, t->err, e);
	return t->h;
}

static int iptc_open(const struct lsec_nf_open_opts *o,
		     struct lsec_nf_backend **ret, struct lsec_err *e)
{
	struct lsec_nf_backend *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return lsec_err_set(e, ENOMEM, "out of memory");
	b->lockfd = -1;
	if (o && o->write) {
		r = lsec_nf_lock(o->wait_ms, e);
		if (r < 0) {
			free(b);
			return r;
		}
		b->lockfd = r;
	}
	/* The IPv4 filter table must be there: it says whether we can work. */
	if (!tbl_get(b, 0, 0, e)) {
		r = -e->code;
		lsec_nf_iptc_ops.close(b);
		return r;
	}
	*ret = b;
	return 0;
}

static void iptc_close(struct lsec_nf_backend *b)
{
	int fi, ti;

	if (!b)
		return;
	for (fi = 0; fi < 2; fi++)
		for (ti = 0; ti < 2; ti++)
			tbl_drop(b, fi, ti);
	if (b->lockfd >= 0)
		close(b->lockfd); /* releases the flock */
	free(b);
}

/* ---- encoding ---- */

static void fill_iface(const char *name, char *dst, unsigned char *mask)
{
	size_t n = strlen(name);

	memset(dst, 0, IFNAMSIZ);
	memset(mask, 0, IFNAMSIZ);
	if (!n)
		return;
	memcpy(dst, name, n);
	if (name[n - 1] == '+')
		memset(mask, 0xff, n - 1);
	else
		memset(mask, 0xff, n + 1);
}

static void read_iface(const char *src, const unsigned char *mask, char *out)
{
	memset(out, 0, LSEC_IFNAMSIZ);
	if (!src[0])
		return;
	memcpy(out, src, IFNAMSIZ - 1);
	(void)mask;
}

struct ebuf {
	unsigned char *p;
	size_t len;
};

static void *eb_match(struct ebuf *b, const char *name, uint8_t rev,
		      size_t size)
{
	struct xt_entry_match *m = (void *)(b->p + b->len);
	size_t total = XT_ALIGN(sizeof(*m)) + XT_ALIGN(size);

	m->u.match_size = (uint16_t)total;
	snprintf(m->u.user.name, sizeof(m->u.user.name), "%s", name);
	m->u.user.revision = rev;
	b->len += total;
	return m->data;
}

static void *eb_target(struct ebuf *b, const char *name, uint8_t rev,
		       size_t size)
{
	struct xt_entry_target *t = (void *)(b->p + b->len);
	size_t total = XT_ALIGN(sizeof(*t)) + XT_ALIGN(size);

	t->u.target_size = (uint16_t)total;
	snprintf(t->u.user.name, sizeof(t->u.user.name), "%s", name);
	t->u.user.revision = rev;
	b->len += total;
	return t->data;
}

#define ENTRY_MAX 1024

static void set_ports(__u16 pts[2], const struct lsec_port_range *p)
{
	pts[0] = p->lo ? p->lo : 0;
	pts[1] = p->lo ? p->hi : 0xffff;
}

/* The set match of a set's rule: kernel index and direction. */
struct setm {
	uint16_t index;
	bool dst;
};

/* Build the entry for a rule (or for the jump to chain `jump` when set),
 * with the set match sm first when given. */
static size_t encode_ext(const struct lsec_nf_rule *r, const char *jump,
			 const struct setm *sm, unsigned char *buf)
{
	const struct lsec_nf_key *k = &r->k;
	int fi = fam_index(k->family);
	struct ebuf b = { buf, tc_of(fi)->entry_size };
	uint8_t smsk[16], dmsk[16];
	__u16 *target_offset, *next_offset;

	memset(buf, 0, ENTRY_MAX);
	lsec_inet_mask(k->family, k->src_len, smsk);
	lsec_inet_mask(k->family, k->dst_len, dmsk);
	if (fi == 0) {
		struct ipt_entry *e = (void *)buf;

		memcpy(&e->ip.src, k->src, 4);
		memcpy(&e->ip.smsk, smsk, 4);
		memcpy(&e->ip.dst, k->dst, 4);
		memcpy(&e->ip.dmsk, dmsk, 4);
		fill_iface(k->in_iface, e->ip.iniface, e->ip.iniface_mask);
		fill_iface(k->out_iface, e->ip.outiface, e->ip.outiface_mask);
		e->ip.proto = k->proto;
		target_offset = &e->target_offset;
		next_offset = &e->next_offset;
	} else {
		struct ip6t_entry *e = (void *)buf;

		memcpy(&e->ipv6.src, k->src, 16);
		memcpy(&e->ipv6.smsk, smsk, 16);
		memcpy(&e->ipv6.dst, k->dst, 16);
		memcpy(&e->ipv6.dmsk, dmsk, 16);
		fill_iface(k->in_iface, e->ipv6.iniface, e->ipv6.iniface_mask);
		fill_iface(k->out_iface, e->ipv6.outiface, e->ipv6.outiface_mask);
		e->ipv6.proto = k->proto;
		if (k->proto)
			e->ipv6.flags |= IP6T_F_PROTO;
		target_offset = &e->target_offset;
		next_offset = &e->next_offset;
	}
	if (sm)
		lsec_xt_set_fill(eb_match(&b, "set", 4,
					  sizeof(struct xt_set_info_match_v4)),
				 sm->index, sm->dst);
	if (k->proto == 6 && (k->sport.lo || k->dport.lo)) {
		struct xt_tcp *t = eb_match(&b, "tcp", 0, sizeof(*t));

		set_ports(t->spts, &k->sport);
		set_ports(t->dpts, &k->dport);
	} else if (k->proto == 17 && (k->sport.lo || k->dport.lo)) {
		struct xt_udp *u = eb_match(&b, "udp", 0, sizeof(*u));

		set_ports(u->spts, &k->sport);
		set_ports(u->dpts, &k->dport);
	}
	if (k->dst_local) {
		struct xt_addrtype_info_v1 *a =
			eb_match(&b, "addrtype", 1, sizeof(*a));

		a->dest = XT_ADDRTYPE_LOCAL;
	}
	if (r->comment) {
		struct xt_comment_info *c = eb_match(&b, "comment", 0, sizeof(*c));

		snprintf(c->comment, sizeof(c->comment), "%s", r->comment);
	}
	*target_offset = (__u16)b.len;
	if (jump || k->verdict == LSEC_NF_ACCEPT || k->verdict == LSEC_NF_DROP) {
		const char *name = jump ? jump
				   : k->verdict == LSEC_NF_ACCEPT ? IPTC_LABEL_ACCEPT
								  : IPTC_LABEL_DROP;

		eb_target(&b, name, 0, sizeof(int));
	} else if (k->verdict == LSEC_NF_REJECT && fi == 0) {
		struct ipt_reject_info *ri = eb_target(&b, "REJECT", 0, sizeof(*ri));

		ri->with = k->reject_tcp_reset ? IPT_TCP_RESET
					       : IPT_ICMP_PORT_UNREACHABLE;
	} else if (k->verdict == LSEC_NF_REJECT) {
		struct ip6t_reject_info *ri =
			eb_target(&b, "REJECT", 0, sizeof(*ri));

		ri->with = k->reject_tcp_reset ? IP6T_TCP_RESET
					       : IP6T_ICMP6_PORT_UNREACH;
	} else if (k->verdict == LSEC_NF_DNAT) {
		struct nf_nat_range2 *nr = eb_target(&b, "DNAT", 2, sizeof(*nr));

		nr->flags = NF_NAT_RANGE_MAP_IPS;
		memcpy(&nr->min_addr, k->to_addr, k->family == 4 ? 4 : 16);
		memcpy(&nr->max_addr, k->to_addr, k->family == 4 ? 4 : 16);
		if (k->to_port) {
			nr->flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
			nr->min_proto.all = htons(k->to_port);
			nr->max_proto.all = htons(k->to_port);
		}
	} else if (k->verdict == LSEC_NF_MASQUERADE && fi == 0) {
		struct nf_nat_ipv4_multi_range_compat *m =
			eb_target(&b, "MASQUERADE", 0, sizeof(*m));

		m->rangesize = 1;
	} else if (k->verdict == LSEC_NF_MASQUERADE) {
		eb_target(&b, "MASQUERADE", 0, sizeof(struct nf_nat_range));
	}
	*next_offset = (__u16)b.len;
	return b.len;
}

static size_t encode(const struct lsec_nf_rule *r, const char *jump,
		     unsigned char *buf)
{
	return encode_ext(r, jump, NULL, buf);
}

/* The entry of set s's rule:
 *   -m set --match-set SET src|dst -m comment --comment lsec-set -j DROP */
static size_t encode_set_rule(int s, uint16_t index, unsigned char *buf)
{
	struct lsec_nf_rule r = { .comment = (char *)LSEC_IPTC_SET_COMMENT };
	struct setm sm = { index, lsec_iptc_set_dst(s) };

	lsec_nf_key_init(&r.k, lsec_iptc_set_v6(s) ? 6 : 4,
			 (enum lsec_nf_chain)lsec_iptc_set_chain(s), LSEC_NF_DROP);
	return encode_ext(&r, NULL, &sm, buf);
}

/* Which of lsec's block sets (of chain c) the rule at ent is the rule of,
 * or -1: nothing but the set match and the comment "lsec-set", DROP. */
static int set_rule_of(const struct lsec_iptc_sets *sets, int fi,
		       enum lsec_nf_chain c, const void *ent, const char *target)
{
	const unsigned char *base = ent;
	const struct xt_entry_match *m;
	size_t off = tc_of(fi)->entry_size;
	unsigned short toff;
	uint16_t idx;
	bool dst;
	int s;

	if (!sets || !streq(target, IPTC_LABEL_DROP))
		return -1;
	if (fi == 0) {
		static const struct ipt_ip zero;
		const struct ipt_entry *e = ent;

		if (memcmp(&e->ip, &zero, sizeof(zero)) != 0)
			return -1;
		toff = e->target_offset;
	} else {
		static const struct ip6t_ip6 zero;
		const struct ip6t_entry *e = ent;

		if (memcmp(&e->ipv6, &zero, sizeof(zero)) != 0)
			return -1;
		toff = e->target_offset;
	}
	m = (const void *)(base + off);
	if (off + sizeof(*m) > toff || m->u.match_size < sizeof(*m) ||
	    off + m->u.match_size > toff || !streq(m->u.user.name, "set") ||
	    m->u.user.revision != 4 ||
	    !lsec_xt_set_get(m->data, m->u.match_size - sizeof(*m), &idx, &dst))
		return -1;
	off += m->u.match_size;
	m = (const void *)(base + off);
	if (off + sizeof(*m) > toff || m->u.match_size < sizeof(*m) ||
	    off + m->u.match_size != toff || !streq(m->u.user.name, "comment") ||
	    strncmp(((const struct xt_comment_info *)m->data)->comment,
		    LSEC_IPTC_SET_COMMENT, XT_MAX_COMMENT_LEN) != 0)
		return -1;
	for (s = 0; s < NSETS; s++)
		if (sets->exists[s] && sets->index[s] == idx &&
		    lsec_iptc_set_chain(s) == (int)c &&
		    lsec_iptc_set_v6(s) == (fi == 1) && lsec_iptc_set_dst(s) == dst)
			return s;
	return -1;
}

/* ---- decoding ---- */

static int prefix_len(const uint8_t *mask, unsigned bytes)
{
	unsigned i, len = 0;
	bool end = false;

	for (i = 0; i < bytes; i++) {
		uint8_t m = mask[i];
		int bit;

		for (bit = 7; bit >= 0; bit--) {
			if (m & (1u << bit)) {
				if (end)
					return -1;
				len++;
			} else {
				end = true;
			}
		}
	}
	return (int)len;
}

static bool get_ports(const __u16 pts[2], struct lsec_port_range *p)
{
	if (pts[0] == 0 && pts[1] == 0xffff)
		return true;
	if (pts[0] == 0 || pts[0] > pts[1])
		return false;
	p->lo = pts[0];
	p->hi = pts[1];
	return true;
}

/* Fill r from an entry of chain c; returns false for a rule lsec cannot
 * express (it is then listed as "other"). */
static bool decode(int fi, const void *ent, const char *target,
		   struct lsec_nf_rule *r, char *comment)
{
	struct lsec_nf_key *k = &r->k;
	const unsigned char *base = ent;
	unsigned short toff, noff;
	const struct xt_entry_target *t;
	size_t off;
	int l;

	comment[0] = '\0';
	if (fi == 0) {
		const struct ipt_entry *e = ent;

		if (e->ip.invflags || e->ip.flags)
			return false;
		memcpy(k->src, &e->ip.src, 4);
		memcpy(k->dst, &e->ip.dst, 4);
		if ((l = prefix_len((const uint8_t *)&e->ip.smsk, 4)) < 0)
			return false;
		k->src_len = (uint8_t)l;
		if ((l = prefix_len((const uint8_t *)&e->ip.dmsk, 4)) < 0)
			return false;
		k->dst_len = (uint8_t)l;
		read_iface(e->ip.iniface, e->ip.iniface_mask, k->in_iface);
		read_iface(e->ip.outiface, e->ip.outiface_mask, k->out_iface);
		if (e->ip.proto > 255)
			return false;
		k->proto = (uint8_t)e->ip.proto;
		toff = e->target_offset;
		noff = e->next_offset;
		r->packets = e->counters.pcnt;
		r->bytes = e->counters.bcnt;
		off = sizeof(*e);
	} else {
		const struct ip6t_entry *e = ent;

		if (e->ipv6.invflags || (e->ipv6.flags & ~IP6T_F_PROTO))
			return false;
		memcpy(k->src, &e->ipv6.src, 16);
		memcpy(k->dst, &e->ipv6.dst, 16);
		if ((l = prefix_len((const uint8_t *)&e->ipv6.smsk, 16)) < 0)
			return false;
		k->src_len = (uint8_t)l;
		if ((l = prefix_len((const uint8_t *)&e->ipv6.dmsk, 16)) < 0)
			return false;
		k->dst_len = (uint8_t)l;
		read_iface(e->ipv6.iniface, e->ipv6.iniface_mask, k->in_iface);
		read_iface(e->ipv6.outiface, e->ipv6.outiface_mask, k->out_iface);
		if (e->ipv6.proto > 255)
			return false;
		k->proto = (uint8_t)e->ipv6.proto;
		toff = e->target_offset;
		noff = e->next_offset;
		r->packets = e->counters.pcnt;
		r->bytes = e->counters.bcnt;
		off = sizeof(*e);
	}
	if (k->proto != 0 && k->proto != 6 && k->proto != 17)
		return false;
	while (off < toff) {
		const struct xt_entry_match *m = (const void *)(base + off);
		const char *name = m->u.user.name;

		if (m->u.match_size < sizeof(*m) || off + m->u.match_size > toff)
			return false;
		if (streq(name, "tcp") && k->proto == 6) {
			const struct xt_tcp *tm = (const void *)m->data;

			if (tm->option || tm->flg_mask || tm->invflags ||
			    !get_ports(tm->spts, &k->sport) ||
			    !get_ports(tm->dpts, &k->dport))
				return false;
		} else if (streq(name, "udp") && k->proto == 17) {
			const struct xt_udp *um = (const void *)m->data;

			if (um->invflags || !get_ports(um->spts, &k->sport) ||
			    !get_ports(um->dpts, &k->dport))
				return false;
		} else if (streq(name, "comment")) {
			const struct xt_comment_info *c = (const void *)m->data;

			snprintf(comment, LSEC_NF_COMMENT_MAX, "%.*s",
				 (int)sizeof(c->comment), c->comment);
		} else if (streq(name, "addrtype") && m->u.user.revision == 1) {
			const struct xt_addrtype_info_v1 *a = (const void *)m->data;

			if (a->source || a->flags || a->dest != XT_ADDRTYPE_LOCAL)
				return false;
			k->dst_local = 1;
		} else {
			return false;
		}
		off += m->u.match_size;
	}
	t = (const void *)(base + toff);
	if (toff + sizeof(*t) > noff)
		return false;
	if (streq(target, IPTC_LABEL_ACCEPT)) {
		k->verdict = LSEC_NF_ACCEPT;
	} else if (streq(target, IPTC_LABEL_DROP)) {
		k->verdict = LSEC_NF_DROP;
	} else if (streq(target, "REJECT")) {
		unsigned with = *(const unsigned *)t->data;

		k->verdict = LSEC_NF_REJECT;
		if (fi == 0 && with == IPT_TCP_RESET)
			k->reject_tcp_reset = 1;
		else if (fi == 1 && with == IP6T_TCP_RESET)
			k->reject_tcp_reset = 1;
		else if (with != (fi == 0 ? (unsigned)IPT_ICMP_PORT_UNREACHABLE
					  : (unsigned)IP6T_ICMP6_PORT_UNREACH))
			return false;
	} else if (streq(target, "DNAT") && t->u.user.revision == 2) {
		const struct nf_nat_range2 *nr = (const void *)t->data;

		if (!(nr->flags & NF_NAT_RANGE_MAP_IPS) ||
		    (nr->flags & ~(NF_NAT_RANGE_MAP_IPS |
				   NF_NAT_RANGE_PROTO_SPECIFIED)) ||
		    memcmp(&nr->min_addr, &nr->max_addr, sizeof(nr->min_addr)))
			return false;
		k->verdict = LSEC_NF_DNAT;
		memcpy(k->to_addr, &nr->min_addr, k->family == 4 ? 4 : 16);
		if (nr->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			if (nr->min_proto.all != nr->max_proto.all)
				return false;
			k->to_port = ntohs(nr->min_proto.all);
		}
	} else if (streq(target, "MASQUERADE")) {
		k->verdict = LSEC_NF_MASQUERADE;
	} else {
		return false;
	}
	return true;
}

/* Read one chain's rules into out (foreign ones as LSEC_NF_OTHER); the
 * rules of lsec's block sets are left out (their entries stand for them)
 * and marked in set_rule (when not NULL). */
static int read_chain(int fi, struct xtc_handle *h, enum lsec_nf_chain c,
		      const struct lsec_iptc_sets *sets, bool *set_rule,
		      struct lsec_nf_ruleset *out, struct lsec_err *e)
{
	const struct tc *tc = tc_of(fi);
	const char *name = lsec_nf_chain_name(c);
	char comment[LSEC_NF_COMMENT_MAX];
	const void *ent;
	unsigned pos = 0;
	int q;

	if (!tc->is_chain(name, h))
		return 0;
	for (ent = tc->first_rule(name, h); ent; ent = tc->next_rule(ent, h)) {
		struct lsec_nf_rule r = { 0 };
		char text[128];

		lsec_nf_key_init(&r.k, fi ? 6 : 4, c, LSEC_NF_OTHER);
		if (decode(fi, ent, tc->get_target(ent, h), &r, comment)) {
			r.comment = comment[0] ? comment : NULL;
		} else if ((q = set_rule_of(sets, fi, c, ent,
					    tc->get_target(ent, h))) >= 0) {
			if (set_rule)
				set_rule[q] = true;
			pos++;
			continue;
		} else {
			uint64_t pk = r.packets, by = r.bytes;

			lsec_nf_key_init(&r.k, fi ? 6 : 4, c, LSEC_NF_OTHER);
			r.k.other_id = (uint16_t)(pos + 1);
			r.packets = pk;
			r.bytes = by;
			snprintf(text, sizeof(text),
				 "(rule #%u not written by lsec, target %s)",
				 pos + 1, tc->get_target(ent, h));
			r.text = text;
		}
		if (lsec_nf_ruleset_add(out, &r) < 0)
			return lsec_err_set(e, ENOMEM, "out of memory");
		pos++;
	}
	return 0;
}

static bool table_missing(const struct tbl *t)
{
	return t->tried && !t->h && t->err != EPERM && t->err != EACCES;
}

/* The block sets of family fi and chain c, in order. */
#define for_sets_of(s, fi, c)                                                 \
	for (s = 0; s < NSETS; s++)                                           \
		if (lsec_iptc_set_chain(s) == (int)(c) &&                     \
		    lsec_iptc_set_v6(s) == ((fi) == 1))

/* Chain by chain: the entries of its block sets (whose rules come first),
 * then its rules; only_rules leaves the entries out. */
static int list_all(struct lsec_nf_backend *b, bool only_rules,
		    struct lsec_nf_ruleset *out, struct lsec_err *e)
{
	int fi, c, r, s;

	lsec_iptc_sets_probe(&b->sets);
	memset(b->set_rule, 0, sizeof(b->set_rule));
	for (fi = 0; fi < 2; fi++)
		for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
			int ti = tbl_index(c);
			struct xtc_handle *h = tbl_get(b, fi, ti, e);

			if (!h) {
				if (table_missing(&b->t[fi][ti]))
					continue; /* e.g. no IPv6: nothing of ours */
				return -e->code;
			}
			for_sets_of(s, fi, c) {
				if (!b->sets.exists[s] || only_rules)
					continue;
				r = lsec_iptc_set_rules(s, out, NULL, e);
				if (r < 0)
					return r;
			}
			r = read_chain(fi, h, c, &b->sets, b->set_rule, out, e);
			if (r < 0)
				return r;
		}
	lsec_err_clear(e);
	return 0;
}

static int iptc_list(struct lsec_nf_backend *b, struct lsec_nf_ruleset *out,
		     struct lsec_err *e)
{
	return list_all(b, false, out, e);
}

/* ---- changing a table ---- */

/* Jump positions (0-based) to chain `to` in built-in `hook`, highest first. */
static size_t find_jumps(int fi, struct xtc_handle *h, const char *hook,
			 const char *to, unsigned *pos, size_t max)
{
	const struct tc *tc = tc_of(fi);
	const void *ent;
	unsigned i = 0;
	size_t n = 0;

	for (ent = tc->first_rule(hook, h); ent; ent = tc->next_rule(ent, h), i++)
		if (streq(tc->get_target(ent, h), to) && n < max)
			pos[n++] = i;
	/* reverse: delete from the end so positions stay valid */
	for (size_t a = 0; a < n / 2; a++) {
		unsigned t = pos[a];

		pos[a] = pos[n - 1 - a];
		pos[n - 1 - a] = t;
	}
	return n;
}

static int tc_fail(int fi, const char *what, const char *name,
		   struct lsec_err *e)
{
	int err = errno ? errno : EIO;

	return lsec_err_set(e, err, "%s %s '%s': %s", fi ? "ip6tables" : "iptables",
			    what, name, tc_of(fi)->strerror(err));
}

static int hook_chain(int fi, struct xtc_handle *h, enum lsec_nf_chain c,
		      bool *created, struct lsec_err *e)
{
	const struct tc *tc = tc_of(fi);
	unsigned char ent[ENTRY_MAX];
	unsigned pos[4];
	struct lsec_nf_rule jr = { .comment = (char *)LSEC_NF_TAG };
	label_t l, hook;

	label(l, lsec_nf_chain_name(c));
	label(hook, lsec_nf_hook_name(c));
	*created = false;
	if (!tc->is_chain(l, h)) {
		if (!tc->create_chain(l, h))
			return tc_fail(fi, "cannot create chain", l, e);
		*created = true;
	}
	if (find_jumps(fi, h, hook, l, pos, 1) > 0)
		return *created;
	lsec_nf_key_init(&jr.k, fi ? 6 : 4, c, LSEC_NF_OTHER);
	encode(&jr, l, ent);
	if (!tc->insert(hook, ent, 0, h))
		return tc_fail(fi, "cannot insert the jump to", l, e);
	return 1;
}

static int unhook_chain(int fi, struct xtc_handle *h, enum lsec_nf_chain c,
			struct lsec_err *e)
{
	const struct tc *tc = tc_of(fi);
	unsigned pos[64];
	size_t n, i;
	label_t l, hook;

	label(l, lsec_nf_chain_name(c));
	label(hook, lsec_nf_hook_name(c));
	if (!tc->is_chain(l, h))
		return 0;
	do {
		n = find_jumps(fi, h, hook, l, pos, ELEMENTSOF(pos));
		for (i = 0; i < n; i++)
			if (!tc->delete_num(hook, pos[i], h))
				return tc_fail(fi, "cannot delete the jump to", l, e);
	} while (n == ELEMENTSOF(pos));
	if (!tc->flush_entries(l, h))
		return tc_fail(fi, "cannot flush chain", l, e);
	if (!tc->delete_chain(l, h))
		return tc_fail(fi, "cannot delete chain", l, e);
	return 1;
}

/* Delete the rules of chain c whose keys are in gone. */
static int delete_rules(int fi, struct xtc_handle *h, enum lsec_nf_chain c,
			const struct lsec_nf_keyset *gone, struct lsec_err *e)
{
	const struct tc *tc = tc_of(fi);
	_cleanup_free_ unsigned *pos = NULL;
	char comment[LSEC_NF_COMMENT_MAX];
	size_t n = 0, cap = 0;
	const void *ent;
	unsigned i = 0;
	label_t l;
	int ndel;

	label(l, lsec_nf_chain_name(c));
	if (!tc->is_chain(l, h))
		return 0;
	for (ent = tc->first_rule(l, h); ent; ent = tc->next_rule(ent, h), i++) {
		struct lsec_nf_rule r = { 0 };

		lsec_nf_key_init(&r.k, fi ? 6 : 4, c, LSEC_NF_OTHER);
		if (!decode(fi, ent, tc->get_target(ent, h), &r, comment))
			continue;
		r.packets = r.bytes = 0;
		if (!lsec_nf_keyset_has(gone, &r.k))
			continue;
		if (n == cap) {
			unsigned *p = realloc(pos, (cap = cap ? cap * 2 : 64) *
							   sizeof(*pos));
			if (!p)
				return lsec_err_set(e, ENOMEM, "out of memory");
			pos = p;
		}
		pos[n++] = i;
	}
	ndel = (int)n;
	while (n > 0)
		if (!tc->delete_num(l, pos[--n], h))
			return tc_fail(fi, "cannot delete a rule from", l, e);
	return ndel;
}

/* A test hook: LSEC_NF_FAIL_COMMIT=6/filter makes that commit fail, so the
 * roll-back of the tables committed before it can be tested. */
static bool fail_injected(int fi, int ti)
{
	const char *f = getenv("LSEC_NF_FAIL_COMMIT");
	char want[32];

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%d/%s", fi ? 6 : 4, table_names[ti]);
	return streq(f, want);
}

/* Does a fresh snapshot of the table hold every rule of add and no rule of
 * del (of this family and table)? */
static bool verify_table(struct lsec_nf_backend *b, int fi, int ti,
			 const struct lsec_nf_ruleset *del,
			 const struct lsec_nf_ruleset *add)
{
	const struct lsec_nf_ruleset *sets[2] = { add, del };
	struct lsec_nf_ruleset now = { 0 };
	struct lsec_nf_keyset have = { 0 };
	struct lsec_err e = { 0 };
	struct xtc_handle *h;
	bool ok = true;
	size_t i;
	int c, j;

	tbl_drop(b, fi, ti);
	h = tbl_get(b, fi, ti, &e);
	for (c = 0; h && c < LSEC_NF_CHAIN_MAX && ok; c++)
		if (tbl_index(c) == ti)
			ok = read_chain(fi, h, c, &b->sets, NULL, &now, &e) >= 0;
	for (i = 0; ok && i < now.n; i++) {
		now.v[i].packets = now.v[i].bytes = 0;
		ok = lsec_nf_keyset_add(&have, &now.v[i].k) >= 0;
	}
	for (j = 0; j < 2 && h && ok; j++)
		for (i = 0; i < sets[j]->n && ok; i++) {
			const struct lsec_nf_key *k = &sets[j]->v[i].k;

			if (fam_index(k->family) == fi && tbl_index(k->chain) == ti)
				ok = lsec_nf_keyset_has(&have, k) == (j == 0);
		}
	lsec_nf_keyset_free(&have);
	lsec_nf_ruleset_free(&now);
	tbl_drop(b, fi, ti);
	return h && ok;
}

/* The rules of the block sets, for apply_table: want[s] insert set s's rule
 * at the top of its chain when missing (made[s] says it was), drop[s]
 * remove it. */
struct setrules {
	const struct lsec_iptc_sets *sets;
	const bool *want, *drop; /* [NSETS], may be NULL */
	bool *made;              /* [NSETS], may be NULL */
};

/* Does sr want a set rule in chain c (or, with drops, remove one)? */
static bool setrules_in(const struct setrules *sr, int fi, enum lsec_nf_chain c,
			bool drops)
{
	int s;

	if (!sr)
		return false;
	for_sets_of(s, fi, c)
		if ((sr->want && sr->want[s]) || (drops && sr->drop && sr->drop[s]))
			return true;
	return false;
}

/* Insert or remove the set rules of chain c as sr says; returns how many
 * changed. */
static int set_rules(int fi, struct xtc_handle *h, enum lsec_nf_chain c,
		     const struct setrules *sr, struct lsec_err *e)
{
	const struct tc *tc = tc_of(fi);
	unsigned char ent[ENTRY_MAX];
	int s, n = 0;
	label_t l;

	label(l, lsec_nf_chain_name(c));
	if (!tc->is_chain(l, h))
		return 0;
	for_sets_of(s, fi, c) {
		const void *x;
		unsigned pos = 0;
		bool found = false;

		if (!(sr->want && sr->want[s]) && !(sr->drop && sr->drop[s]))
			continue;
		for (x = tc->first_rule(l, h); x; x = tc->next_rule(x, h), pos++)
			if (set_rule_of(sr->sets, fi, c, x, tc->get_target(x, h)) == s) {
				found = true;
				break;
			}
		if (sr->drop && sr->drop[s] && found) {
			if (!tc->delete_num(l, pos, h))
				return tc_fail(fi, "cannot delete a set's rule from", l, e);
			n++;
		} else if (sr->want && sr->want[s] && !found && sr->sets->exists[s]) {
			encode_set_rule(s, sr->sets->index[s], ent);
			if (!tc->insert(l, ent, 0, h))
				return tc_fail(fi, "cannot insert a set's rule in", l, e);
			if (sr->made)
				sr->made[s] = true;
			n++;
		}
	}
	return n;
}

/* Commits refused with EAGAIN are redone this often on a fresh snapshot. */
#define COMMIT_ATTEMPTS 50

/*
 * Apply the part of (del, add) that falls in one family and table, in one
 * commit.  created[] records chains this call created (for a roll-back);
 * with remove_chains set, those chains are unhooked and removed instead;
 * with rehook set, those chains get their jump back if it is missing; sr
 * (may be NULL): the block sets' rules.  A table where nothing changed is
 * not committed.
 */
static int apply_table(struct lsec_nf_backend *b, int fi, int ti,
		       const struct lsec_nf_ruleset *del,
		       const struct lsec_nf_ruleset *add,
		       bool created[LSEC_NF_CHAIN_MAX],
		       const bool remove_chains[LSEC_NF_CHAIN_MAX],
		       const bool rehook[LSEC_NF_CHAIN_MAX],
		       const struct setrules *sr, struct lsec_err *e)
{
	const struct tc *tc = tc_of(fi);
	uint8_t fam = fi ? 6 : 4;
	struct lsec_nf_keyset gone = { 0 };
	unsigned char ent[ENTRY_MAX];
	bool dels[LSEC_NF_CHAIN_MAX] = { 0 }, adds[LSEC_NF_CHAIN_MAX] = { 0 };
	unsigned seed = (unsigned)getpid();
	int attempt, c, r = 0, changes;
	size_t i;

	for (i = 0; i < del->n; i++)
		if (del->v[i].k.family == fam && tbl_index(del->v[i].k.chain) == ti) {
			if (lsec_nf_keyset_add(&gone, &del->v[i].k) < 0) {
				lsec_nf_keyset_free(&gone);
				return lsec_err_set(e, ENOMEM, "out of memory");
			}
			dels[del->v[i].k.chain] = true;
		}
	for (i = 0; i < add->n; i++)
		if (add->v[i].k.family == fam && tbl_index(add->v[i].k.chain) == ti)
			adds[add->v[i].k.chain] = true;

	for (attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
		struct xtc_handle *h;

		if (attempt > 0) {
			/* a short random pause, so we fall out of step with the
			 * other writer */
			tbl_drop(b, fi, ti);
			usleep(1000u * (1u + (unsigned)rand_r(&seed) %
						     (1u << (attempt < 5 ? attempt : 5))));
		}
		h = tbl_get(b, fi, ti, e);
		if (!h) {
			r = -e->code;
			break;
		}
		r = 0;
		changes = 0;
		for (c = 0; c < LSEC_NF_CHAIN_MAX && r >= 0; c++) {
			bool want = setrules_in(sr, fi, c, true);

			if (tbl_index(c) != ti)
				continue;
			if (dels[c])
				changes += r = delete_rules(fi, h, c, &gone, e);
			if (r >= 0 && (adds[c] || (rehook && rehook[c]) ||
				       setrules_in(sr, fi, c, false))) {
				bool made;

				changes += r = hook_chain(fi, h, c, &made, e);
				if (created && made)
					created[c] = true;
			}
			if (r >= 0 && want)
				changes += r = set_rules(fi, h, c, sr, e);
			if (r >= 0 && remove_chains && remove_chains[c])
				changes += r = unhook_chain(fi, h, c, e);
		}
		for (i = 0; i < add->n && r >= 0; i++) {
			const struct lsec_nf_rule *ar = &add->v[i];
			label_t l;

			if (ar->k.family != fam || tbl_index(ar->k.chain) != ti)
				continue;
			label(l, lsec_nf_chain_name(ar->k.chain));
			encode(ar, NULL, ent);
			if (!tc->append(l, ent, h))
				r = tc_fail(fi, "cannot append a rule to", l, e);
			changes++;
		}
		if (r < 0)
			break;
		if (fail_injected(fi, ti)) {
			r = lsec_err_set(e, EIO, "%s commit of table '%s' failed "
					 "(LSEC_NF_FAIL_COMMIT)",
					 fi ? "ip6tables" : "iptables",
					 table_names[ti]);
			break;
		}
		if (!changes || tc->commit(h)) {
			r = 0;
			tbl_drop(b, fi, ti); /* a fresh snapshot next time */
			break;
		}
		r = errno ? -errno : -EIO;
		/* EINVAL after a successful replace: the counters could not be
		 * put back because the table changed in between.  The rules are
		 * in; make sure of it rather than fail (and roll back) a change
		 * that was made. */
		if (r == -EINVAL && verify_table(b, fi, ti, del, add)) {
			r = 0;
			break;
		}
		if (r != -EAGAIN) {
			lsec_err_set(e, r == -EINVAL ? EIO : -r,
				     "%s commit of table '%s' failed: %s",
				     fi ? "ip6tables" : "iptables",
				     table_names[ti], tc->strerror(-r));
			break;
		}
		lsec_err_set(e, EAGAIN,
			     "%s table '%s' kept changing under us (another "
			     "program writing without the xtables lock)",
			     fi ? "ip6tables" : "iptables", table_names[ti]);
		if (created)
			memset(created, 0, LSEC_NF_CHAIN_MAX * sizeof(bool));
		if (sr && sr->made)
			memset(sr->made, 0, NSETS * sizeof(bool));
	}
	lsec_nf_keyset_free(&gone);
	if (r < 0)
		tbl_drop(b, fi, ti); /* forget the half-edited snapshot */
	return r;
}

static bool plan_touches(const struct lsec_nf_plan *p, int fi, int ti)
{
	const struct lsec_nf_ruleset *s[2] = { &p->del, &p->add };
	size_t i;
	int j;

	for (j = 0; j < 2; j++)
		for (i = 0; i < s[j]->n; i++)
			if (fam_index(s[j]->v[i].k.family) == fi &&
			    tbl_index(s[j]->v[i].k.chain) == ti)
				return true;
	return false;
}

static void err_append(struct lsec_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void err_append(struct lsec_err *e, const char *fmt, ...)
{
	size_t l = strlen(e->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg + l, sizeof(e->msg) - l, fmt, ap);
	va_end(ap);
}

/* Commit the rules of a plan, with the rules of the block sets in want
 * (may be NULL) made where missing: all tables or none.  filter[fi]: that
 * family's filter table is part of the change even when no rule of it
 * changes (its set entries do; a commit that fails there undoes them). */
static int apply_rules(struct lsec_nf_backend *b, const struct lsec_nf_plan *p,
		       const bool *want, const bool filter[2], struct lsec_err *e)
{
	bool created[4][LSEC_NF_CHAIN_MAX] = { { 0 } };
	bool made[4][NSETS] = { { 0 } };
	bool done[4] = { 0 }, touch[4] = { 0 };
	int k, s, r = 0;

	for (k = 0; k < 4; k++)
		touch[k] = plan_touches(p, k / 2, k % 2);
	for (s = 0; want && s < NSETS; s++)
		touch[lsec_iptc_set_v6(s) * 2] |= want[s];
	for (k = 0; filter && k < 2; k++)
		touch[k * 2] |= filter[k];
	/* Every table the plan touches must exist before anything changes. */
	for (k = 0; k < 4; k++)
		if (touch[k] && !tbl_get(b, k / 2, k % 2, e))
			return -e->code;
	for (k = 0; k < 4 && r >= 0; k++) {
		struct setrules sr = { &b->sets, want, NULL, made[k] };

		if (!touch[k])
			continue;
		r = apply_table(b, k / 2, k % 2, &p->del, &p->add, created[k],
				NULL, NULL, want ? &sr : NULL, e);
		if (r >= 0)
			done[k] = true;
	}
	if (r < 0) {
		/* Roll back what was committed: the inverse plan, and the
		 * set rules that were made go again. */
		struct lsec_err e2 = { 0 };
		bool failed = false;

		for (k = 3; k >= 0; k--) {
			struct setrules sr = { &b->sets, NULL, made[k], NULL };

			if (done[k] && apply_table(b, k / 2, k % 2, &p->add,
						   &p->del, NULL, created[k],
						   NULL, &sr, &e2) < 0)
				failed = true;
		}
		if (failed)
			err_append(e, "; rolling back failed too: %.300s", e2.msg);
		else if (done[0] || done[1] || done[2] || done[3])
			err_append(e, " (the tables already committed were rolled back)");
	}
	return r;
}

/* Up to this many addresses are tested one by one; for more, a dump of the
 * set is cheaper (plan() leaves them to the caller's list()). */
#define PLAN_TESTS_MAX 4096

/* A plan split: the rules that stay rules (rp, borrowed) and the block
 * set entries to delete and add, per set. */
struct split {
	struct lsec_nf_plan rp;
	const struct lsec_nf_rule **v[2][NSETS]; /* [del, add][set] */
	size_t n[2][NSETS];
	bool any;
};

static void split_free(struct split *sp)
{
	int t, s;

	free(sp->rp.del.v);
	free(sp->rp.add.v);
	for (t = 0; t < 2; t++)
		for (s = 0; s < NSETS; s++)
			free(sp->v[t][s]);
}

static int split_plan(const struct lsec_nf_plan *p, struct split *sp,
		      struct lsec_err *e)
{
	const struct lsec_nf_ruleset *part[2] = { &p->del, &p->add };
	struct lsec_nf_ruleset *rpart[2] = { &sp->rp.del, &sp->rp.add };
	size_t i;
	int t, s;

	memset(sp, 0, sizeof(*sp));
	for (t = 0; t < 2; t++) {
		rpart[t]->v = malloc((part[t]->n ? part[t]->n : 1) * sizeof(*rpart[t]->v));
		if (!rpart[t]->v)
			return lsec_err_set(e, ENOMEM, "out of memory");
		for (i = 0; i < part[t]->n; i++) {
			const struct lsec_nf_rule *r = &part[t]->v[i];

			s = lsec_iptc_set_of_key(&r->k);
			if (s < 0) {
				rpart[t]->v[rpart[t]->n++] = *r;
				continue;
			}
			if (!sp->v[t][s]) {
				sp->v[t][s] = malloc(part[t]->n * sizeof(*sp->v[t][s]));
				if (!sp->v[t][s])
					return lsec_err_set(e, ENOMEM, "out of memory");
			}
			sp->v[t][s][sp->n[t][s]++] = r;
			sp->any = true;
		}
	}
	return 0;
}

/* Which rules of v (all of set s) are entries of set s: tested one by one,
 * or, for many, looked up in a dump of the set. */
static int set_has(int s, const struct lsec_nf_rule *const *v, size_t n,
		   bool *in, struct lsec_err *e)
{
	if (n <= PLAN_TESTS_MAX)
		return lsec_iptc_set_test(s, v, n, in, e);
	return lsec_iptc_set_find(s, v, n, in, e);
}

/*
 * The block rules to delete are set entries, rules (what an older lsec
 * wrote: one DROP per address) or, rarely, both: the entries are what the
 * sets hold (tested), the rules what the chains hold; each goes its way.
 */
static int split_dels(struct lsec_nf_backend *b, struct split *sp,
		      struct lsec_err *e)
{
	struct lsec_nf_ruleset now = { 0 };
	struct lsec_nf_keyset rules = { 0 };
	bool fam[2] = { 0 };
	int s, fi, c, r = 0;
	size_t i, k;

	for (s = 0; s < NSETS; s++)
		fam[lsec_iptc_set_v6(s)] |= sp->n[0][s] > 0;
	for (fi = 0; fi < 2 && r >= 0; fi++) {
		struct xtc_handle *h;

		if (!fam[fi])
			continue;
		h = tbl_get(b, fi, 0, e);
		for (c = 0; c < LSEC_NF_CHAIN_MAX && r >= 0; c++)
			if (!h)
				r = -e->code;
			else if (tbl_index(c) == 0)
				r = read_chain(fi, h, c, &b->sets, NULL, &now, e);
	}
	for (i = 0; i < now.n && r >= 0; i++)
		if (lsec_nf_keyset_add(&rules, &now.v[i].k) < 0)
			r = lsec_err_set(e, ENOMEM, "out of memory");
	for (s = 0; s < NSETS && r >= 0; s++) {
		_cleanup_free_ bool *in = calloc(sp->n[0][s] + 1, sizeof(*in));

		if (!in) {
			r = lsec_err_set(e, ENOMEM, "out of memory");
			break;
		}
		if (b->sets.exists[s])
			r = set_has(s, sp->v[0][s], sp->n[0][s], in, e);
		for (i = k = 0; i < sp->n[0][s] && r >= 0; i++) {
			if (lsec_nf_keyset_has(&rules, &sp->v[0][s][i]->k))
				sp->rp.del.v[sp->rp.del.n++] = *sp->v[0][s][i];
			if (in[i])
				sp->v[0][s][k++] = sp->v[0][s][i];
		}
		sp->n[0][s] = k;
	}
	lsec_nf_keyset_free(&rules);
	lsec_nf_ruleset_free(&now);
	return r;
}

/* Change the set entries of sp: deletions, then adds; back with undo
 * (what a committed change did is undone). */
static int change_sets(const struct split *sp, bool undo, bool done[2][NSETS],
		       struct lsec_err *e)
{
	int t, s, r = 0;

	for (t = 0; t < 2 && r >= 0; t++)
		for (s = 0; s < NSETS && r >= 0; s++) {
			if (!sp->n[t][s] || (undo && !done[t][s]))
				continue;
			r = lsec_iptc_set_change(s, sp->v[t][s], sp->n[t][s],
						 undo ? t == 0 : t == 1, e);
			if (r >= 0 && !undo)
				done[t][s] = true;
		}
	return r;
}

/*
 * Only blocks to add (lsec fw block): the plan of lsec_nf_plan_build
 * without listing the sets -- the requested addresses are tested (or, for
 * many, looked up in a dump of just the sets they go to), the chains
 * (small, but they may hold an older lsec's per-address rules) read.
 * Addresses already in a set leave the request (they are no change)
 * rather than joining the current rules: an idempotent re-run of 100,000
 * builds no second copy of them.  Anything else: 0, the caller lists.
 */
static int iptc_plan(struct lsec_nf_backend *b, const struct lsec_nf_ruleset *present,
		     const struct lsec_nf_ruleset *absent, struct lsec_nf_plan *ret,
		     struct lsec_err *e)
{
	struct lsec_nf_plan req = { 0 };
	struct lsec_nf_ruleset cur = { 0 }, left = { 0 };
	_cleanup_free_ bool *hit = NULL;
	struct split sp;
	bool fam[2] = { 0 }, any_hit = false;
	int r, s, fi, c;
	size_t i;

	if ((absent && absent->n) || !present || !present->n)
		return 0;
	req.add = *present;
	for (i = 0; i < present->n; i++) {
		if (lsec_nf_key_block_addr(&present->v[i].k, NULL, NULL) == false)
			return 0;
		fam[present->v[i].k.family == 6] = true;
	}
	hit = calloc(present->n, sizeof(*hit));
	if (!hit)
		return lsec_err_set(e, ENOMEM, "out of memory");
	r = split_plan(&req, &sp, e);
	lsec_iptc_sets_probe(&b->sets);
	for (fi = 0; fi < 2 && r >= 0; fi++) {
		struct xtc_handle *h = fam[fi] ? tbl_get(b, fi, 0, e) : NULL;

		if (!h && fam[fi] && !table_missing(&b->t[fi][0]))
			r = -e->code;
		for (c = 0; h && c < LSEC_NF_CHAIN_MAX && r >= 0; c++)
			if (tbl_index(c) == 0)
				r = read_chain(fi, h, c, &b->sets, NULL, &cur, e);
	}
	for (s = 0; s < NSETS && r >= 0; s++) {
		_cleanup_free_ bool *in = calloc(sp.n[1][s] + 1, sizeof(*in));

		if (!in) {
			r = lsec_err_set(e, ENOMEM, "out of memory");
			break;
		}
		if (!b->sets.exists[s] || !sp.n[1][s])
			continue;
		r = set_has(s, sp.v[1][s], sp.n[1][s], in, e);
		for (i = 0; i < sp.n[1][s] && r >= 0; i++)
			if (in[i]) {
				hit[sp.v[1][s][i] - present->v] = true;
				any_hit = true;
			}
	}
	if (r >= 0 && any_hit) {
		/* the rest, borrowed: plan_build copies what it keeps */
		left.v = malloc(present->n * sizeof(*left.v));
		if (!left.v)
			r = lsec_err_set(e, ENOMEM, "out of memory");
		for (i = 0; i < present->n && r >= 0; i++)
			if (!hit[i])
				left.v[left.n++] = present->v[i];
		if (r >= 0)
			r = lsec_nf_plan_build(&cur, &left, NULL, ret, e);
	} else if (r >= 0) { /* present is the caller's, alive until the plan goes */
		r = lsec_nf_plan_build_lent(&cur, present, NULL, ret, e);
	}
	free(left.v);
	split_free(&sp);
	lsec_nf_ruleset_free(&cur);
	return r < 0 ? r : 1;
}

/*
 * Block rules become set entries, over netlink, before the rest of the plan
 * goes through libiptc (the sets must exist before a rule can match them);
 * if a commit fails, the set entries are changed back and sets made for
 * this plan destroyed again.
 */
static int iptc_apply(struct lsec_nf_backend *b, const struct lsec_nf_plan *p,
		      struct lsec_err *e)
{
	struct split sp;
	bool want[NSETS] = { 0 }, made[NSETS] = { 0 }, done[2][NSETS] = { { 0 } };
	bool filter[2] = { 0 };
	struct lsec_err e2 = { 0 };
	int r, s, fi;

	r = split_plan(p, &sp, e);
	if (r >= 0 && !sp.any) {
		r = apply_rules(b, p, NULL, NULL, e);
		goto out;
	}
	if (r >= 0)
		r = lsec_iptc_sets_available(e);
	for (fi = 0; fi < 2 && r >= 0; fi++)
		if (!tbl_get(b, fi, 0, e) && !table_missing(&b->t[fi][0]))
			r = -e->code;
	if (r < 0)
		goto out;
	lsec_iptc_sets_probe(&b->sets);
	for (s = 0; s < NSETS; s++) {
		want[s] = sp.n[1][s] > 0;
		if (want[s] && !tbl_get(b, lsec_iptc_set_v6(s), 0, e)) {
			r = -e->code;
			goto out;
		}
	}
	r = split_dels(b, &sp, e);
	if (r >= 0)
		r = lsec_iptc_sets_create(&b->sets, want, made, e);
	if (r >= 0)
		r = change_sets(&sp, false, done, e);
	for (s = 0; s < NSETS; s++)
		filter[lsec_iptc_set_v6(s)] |= sp.n[0][s] || sp.n[1][s];
	if (r >= 0)
		r = apply_rules(b, &sp.rp, want, filter, e);
	if (r < 0) {
		if (change_sets(&sp, true, done, &e2) < 0 ||
		    lsec_iptc_sets_destroy(&b->sets, made, &e2) < 0)
			err_append(e, "; rolling back the ipsets failed too: %.300s",
				   e2.msg);
		else
			for (s = 0; s < NSETS; s++)
				if (done[0][s] || done[1][s] || made[s]) {
					err_append(e, " (the ipset entries were "
						      "rolled back)");
					break;
				}
	}
out:
	split_free(&sp);
	return r;
}

static int iptc_flush(struct lsec_nf_backend *b, bool check,
		      struct lsec_nf_ruleset *removed, struct lsec_err *e)
{
	int fi, ti, c, r, s, count = 0, sets = 0;

	r = iptc_list(b, removed, e);
	if (r < 0)
		return r;
	for (fi = 0; fi < 2; fi++)
		for (ti = 0; ti < 2; ti++) {
			struct xtc_handle *h = tbl_get(b, fi, ti, e);
			bool rm[LSEC_NF_CHAIN_MAX] = { 0 };
			bool any = false;
			struct lsec_nf_ruleset none = { 0 };

			if (!h) {
				if (table_missing(&b->t[fi][ti]))
					continue;
				return -e->code;
			}
			for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
				label_t l;

				if (tbl_index(c) != ti)
					continue;
				label(l, lsec_nf_chain_name(c));
				if (tc_of(fi)->is_chain(l, h)) {
					rm[c] = any = true;
					count++;
				}
			}
			if (!any || check)
				continue;
			r = apply_table(b, fi, ti, &none, &none, NULL, rm, NULL, NULL, e);
			if (r < 0)
				return r;
		}
	/* the block sets, now that no rule of lsec's chains refers to them
	 * (only lsec's: the named blocklists' sets have other names) */
	for (s = 0; s < NSETS; s++)
		sets += b->sets.exists[s];
	if (sets && !check) {
		r = lsec_iptc_sets_destroy(&b->sets, b->sets.exists, e);
		if (r < 0)
			return r;
	}
	lsec_err_clear(e);
	/* chains; sets left without chains still make a change */
	return count ? count : sets;
}

/* The block sets of family fi that hold entries but whose rule is gone
 * (iptables -F LSEC-INPUT): want[s]; returns how many. */
static int lost_set_rules(struct lsec_nf_backend *b, int fi,
			  struct xtc_handle *h, bool want[NSETS])
{
	const struct tc *tc = tc_of(fi);
	bool has[NSETS] = { 0 };
	const void *ent;
	int c, s, n = 0;

	for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
		const char *name = lsec_nf_chain_name(c);

		if (tbl_index(c) != 0 || !tc->is_chain(name, h))
			continue;
		for (ent = tc->first_rule(name, h); ent; ent = tc->next_rule(ent, h))
			if ((s = set_rule_of(&b->sets, fi, c, ent,
					     tc->get_target(ent, h))) >= 0)
				has[s] = true;
	}
	for (s = 0; s < NSETS; s++)
		if (lsec_iptc_set_v6(s) == (fi == 1) && b->sets.exists[s] &&
		    !has[s] && lsec_iptc_set_any(s)) {
			want[s] = true;
			n++;
		}
	return n;
}

/* Chains of ours that hold rules but lost their jump (iptables -F INPUT),
 * and block sets that hold entries but lost their rule. */
static int iptc_repair(struct lsec_nf_backend *b, bool check,
		       struct lsec_err *e)
{
	struct lsec_nf_ruleset none = { 0 };
	int fi, ti, c, r, count = 0;

	lsec_iptc_sets_probe(&b->sets);
	for (fi = 0; fi < 2; fi++)
		for (ti = 0; ti < 2; ti++) {
			struct xtc_handle *h = tbl_get(b, fi, ti, e);
			bool need[LSEC_NF_CHAIN_MAX] = { 0 }, any = false;
			bool want[NSETS] = { 0 };
			struct setrules sr = { &b->sets, want, NULL, NULL };
			int lost = 0;

			if (!h) {
				if (table_missing(&b->t[fi][ti]))
					continue;
				return -e->code;
			}
			for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
				const struct tc *tc = tc_of(fi);
				label_t l, hook;
				unsigned pos;

				if (tbl_index(c) != ti)
					continue;
				label(l, lsec_nf_chain_name(c));
				label(hook, lsec_nf_hook_name(c));
				if (!tc->is_chain(l, h) || !tc->first_rule(l, h) ||
				    find_jumps(fi, h, hook, l, &pos, 1) > 0)
					continue;
				need[c] = any = true;
				count++;
			}
			if (ti == 0)
				count += lost = lost_set_rules(b, fi, h, want);
			if ((!any && !lost) || check)
				continue;
			r = apply_table(b, fi, ti, &none, &none, NULL, NULL, need,
					lost ? &sr : NULL, e);
			if (r < 0)
				return r;
		}
	lsec_err_clear(e);
	return count;
}

/* ---- status ---- */


/* What nf_tables holds: tables of the ip families, ufw or Docker chains. */
static void nft_survey(struct lsec_nf_status *st)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *out;
	bool tables = false;

	if (!ctx)
		return;
	if (nft_ctx_buffer_output(ctx) == 0 && nft_ctx_buffer_error(ctx) == 0 &&
	    nft_run_cmd_from_buffer(ctx, "list chains") == 0 &&
	    (out = nft_ctx_get_output_buffer(ctx))) {
		tables = strstr(out, "table ip ") || strstr(out, "table ip6 ") ||
			 strstr(out, "table inet ");
		if (strstr(out, "chain ufw"))
			lsec_nf_warn(st, "ufw's chains are present (in nf_tables); an "
				 "ACCEPT in lsec does not undo a DROP there");
		if (strstr(out, "chain DOCKER"))
			lsec_nf_warn(st, "Docker's chains are present (in nf_tables); "
				 "published ports bypass INPUT rules");
	}
	if (tables)
		lsec_nf_warn(st, "nf_tables (iptables-nft) rules are present too: "
			 "'iptables -S' shows those, not lsec's legacy rules "
			 "(use iptables-legacy -S); both filter every packet");
	nft_ctx_free(ctx);
}

static int iptc_status(struct lsec_nf_backend *b, struct lsec_nf_status *st,
		       struct lsec_err *e)
{
	bool forwards = false, ufw = false, docker = false, rule[NSETS] = { 0 };
	size_t entries[NSETS] = { 0 };
	int fi, c, s, r;

	memset(st, 0, sizeof(*st));
	lsec_iptc_sets_probe(&b->sets);
	st->backend = lsec_nf_iptc_ops.name;
	st->ip_forward[0] = lsec_nf_forwarding(4);
	st->ip_forward[1] = lsec_nf_forwarding(6);
	for (fi = 0; fi < 2; fi++) {
		struct lsec_nf_family_status *fs = &st->fam[fi];
		const struct tc *tc = tc_of(fi);

		for (c = 0; c < LSEC_NF_CHAIN_MAX; c++) {
			int ti = tbl_index(c);
			struct xtc_handle *h = tbl_get(b, fi, ti, e);
			const char *name = lsec_nf_chain_name(c);
			const void *ent;
			unsigned pos;

			if (!h) {
				if (table_missing(&b->t[fi][ti]))
					continue;
				return -e->code;
			}
			if (ti == 0)
				fs->available = true;
			/* a block set's entries count as rules of its chain */
			for_sets_of(s, fi, c) {
				if (!b->sets.exists[s])
					continue;
				r = lsec_iptc_set_count(s, &entries[s], e);
				if (r < 0)
					return r;
				fs->rules[c] += (unsigned)entries[s];
			}
			if (!tc->is_chain(name, h))
				continue;
			fs->chain[c] = true;
			fs->hooked[c] = find_jumps(fi, h, lsec_nf_hook_name(c),
						   name, &pos, 1) > 0;
			for (ent = tc->first_rule(name, h); ent;
			     ent = tc->next_rule(ent, h)) {
				s = set_rule_of(&b->sets, fi, c, ent,
						tc->get_target(ent, h));
				if (s >= 0)
					rule[s] = true;
				else
					fs->rules[c]++;
			}
			if (c == LSEC_NF_PREROUTING && fs->rules[c] &&
			    !st->ip_forward[fi])
				forwards = true;
		}
		if (fs->available) {
			struct xtc_handle *h = tbl_get(b, fi, 0, e);
			const char *ch;

			for (ch = tc->first_chain(h); ch; ch = tc->next_chain(h)) {
				ufw |= strncmp(ch, "ufw", 3) == 0;
				docker |= strncmp(ch, "DOCKER", 6) == 0;
			}
		}
	}
	lsec_err_clear(e);
	if (!st->fam[1].available)
		lsec_nf_warn(st, "the kernel has no legacy IPv6 tables: IPv6 rules "
			 "cannot be written");
	for (fi = 0; fi < 2; fi++)
		for (c = 0; c < LSEC_NF_CHAIN_MAX; c++)
			if (st->fam[fi].chain[c] && !st->fam[fi].hooked[c])
				lsec_nf_warn(st, "%s %s %s exists but %s does not jump to it",
				     fi ? "IPv6" : "IPv4", lsec_nf_table_name(c),
				     lsec_nf_chain_name(c), lsec_nf_hook_name(c));
	for (s = 0; s < NSETS; s++)
		if (entries[s] && !rule[s]) {
			char name[LSEC_IPSET_NAMELEN];

			lsec_iptc_set_name(s, name, sizeof(name));
			lsec_nf_warn(st, "ipset %s holds %zu blocked address(es) but %s %s "
				 "has no rule matching it: they are not blocked "
				 "(the next changing lsec fw command puts it back)",
			     name, entries[s], lsec_iptc_set_v6(s) ? "IPv6" : "IPv4",
			     lsec_nf_chain_name(lsec_iptc_set_chain(s)));
		}
	if (forwards)
		lsec_nf_warn_forwarding(st);
	if (ufw)
		lsec_nf_warn(st, "ufw's chains are present in the legacy tables");
	if (docker)
		lsec_nf_warn(st, "Docker's chains are present in the legacy tables; "
			 "published ports bypass INPUT rules");
	nft_survey(st);
	return 0;
}

const struct lsec_nf_backend_ops lsec_nf_iptc_ops = {
	.name = "legacy",
	.open = iptc_open,
	.list = iptc_list,
	.plan = iptc_plan,
	.apply = iptc_apply,
	.flush = iptc_flush,
	.repair = iptc_repair,
	.status = iptc_status,
	.close = iptc_close,
};
