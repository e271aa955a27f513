/* SPDX-License-Identifier: MIT */
/*
 * Reading a set's elements straight from nf_tables over netlink.  Listing a
 * 100,000-element set through libnftables' JSON takes ~0.7 s (the text is
 * formatted and parsed); the raw dump takes a few tens of milliseconds,
 * which keeps an idempotent re-run of a large blocklist cheaper than its
 * first load.
 */
#include "nft_int.h"
#include "nl_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <endian.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "lsec/cleanup.h"

#define RECV_BUF (1u << 17)

struct raw_elem {
	uint8_t key[16];
	uint8_t klen;
	bool end;
	uint64_t timeout, expires, packets, bytes;
	char comment[LSEC_NFT_COMMENT_MAX];
};

struct elems {
	struct raw_elem *v;
	size_t n, cap;
};

static uint64_t nla_u64(const struct nlattr *a);

/* A counter expression's values (nested NFTA_EXPR_NAME, NFTA_EXPR_DATA). */
static void parse_counter(const struct nlattr *expr, struct raw_elem *el)
{
	const struct nlattr *x, *d;
	int r = lsec_nla_len(expr), r2;
	bool counter = false;

	for (x = lsec_nla_data(expr); lsec_nla_ok(x, r); x = lsec_nla_next(x, &r)) {
		if (lsec_nla_type(x) == NFTA_EXPR_NAME)
			counter = lsec_nla_len(x) >= 8 && !strcmp(lsec_nla_data(x), "counter");
		if (lsec_nla_type(x) != NFTA_EXPR_DATA || !counter)
			continue;
		r2 = lsec_nla_len(x);
		for (d = lsec_nla_data(x); lsec_nla_ok(d, r2); d = lsec_nla_next(d, &r2)) {
			if (lsec_nla_type(d) == NFTA_COUNTER_PACKETS)
				el->packets += nla_u64(d);
			else if (lsec_nla_type(d) == NFTA_COUNTER_BYTES)
				el->bytes += nla_u64(d);
		}
	}
}

static int parse_elem(const struct nlattr *nest, struct elems *out)
{
	const struct nlattr *a;
	int rem = lsec_nla_len(nest);
	struct raw_elem *el;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 256;
		struct raw_elem *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	el = &out->v[out->n];
	memset(el, 0, offsetof(struct raw_elem, comment) + 1);
	for (a = lsec_nla_data(nest); lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem)) {
		switch (lsec_nla_type(a)) {
		case NFTA_SET_ELEM_KEY: {
			const struct nlattr *d = lsec_nla_data(a);
			int r2 = lsec_nla_len(a);

			for (; lsec_nla_ok(d, r2); d = lsec_nla_next(d, &r2))
				if (lsec_nla_type(d) == NFTA_DATA_VALUE &&
				    lsec_nla_len(d) <= 16) {
					el->klen = (uint8_t)lsec_nla_len(d);
					memcpy(el->key, lsec_nla_data(d), el->klen);
				}
			break;
		}
		case NFTA_SET_ELEM_FLAGS:
			if (lsec_nla_len(a) >= 4) {
				uint32_t f;

				memcpy(&f, lsec_nla_data(a), 4);
				el->end = be32toh(f) & NFT_SET_ELEM_INTERVAL_END;
			}
			break;
		case NFTA_SET_ELEM_TIMEOUT:
		case NFTA_SET_ELEM_EXPIRATION:
			if (lsec_nla_len(a) >= 8) {
				uint64_t v;

				memcpy(&v, lsec_nla_data(a), 8);
				if (lsec_nla_type(a) == NFTA_SET_ELEM_TIMEOUT)
					el->timeout = be64toh(v);
				else
					el->expires = be64toh(v);
			}
			break;
		case NFTA_SET_ELEM_EXPR:
			parse_counter(a, el);
			break;
		case NFTA_SET_ELEM_EXPRESSIONS: {
			const struct nlattr *l;
			int r2 = lsec_nla_len(a);

			for (l = lsec_nla_data(a); lsec_nla_ok(l, r2); l = lsec_nla_next(l, &r2))
				if (lsec_nla_type(l) == NFTA_LIST_ELEM)
					parse_counter(l, el);
			break;
		}
		case NFTA_SET_ELEM_USERDATA: {
			/* TLVs: type (u8), length (u8), value; 0 = comment */
			const uint8_t *p = lsec_nla_data(a), *end = p + lsec_nla_len(a);

			while (p + 2 <= end && p + 2 + p[1] <= end) {
				if (p[0] == 0 && p[1] > 0) {
					size_t l = p[1];

					if (l >= sizeof(el->comment))
						l = sizeof(el->comment) - 1;
					memcpy(el->comment, p + 2, l);
					el->comment[l] = '\0';
				}
				p += 2 + p[1];
			}
			break;
		}
		}
	}
	if (el->klen)
		out->n++;
	return 0;
}

static int parse_msg(const struct nlmsghdr *nlh, struct elems *out)
{
	const struct nlattr *a;
	int rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN -
		  NLMSG_ALIGN(sizeof(struct nfgenmsg));
	int r;

	a = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) +
				    NLMSG_ALIGN(sizeof(struct nfgenmsg)));
	for (; lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem)) {
		const struct nlattr *l;
		int r2;

		if (lsec_nla_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		r2 = lsec_nla_len(a);
		for (l = lsec_nla_data(a); lsec_nla_ok(l, r2); l = lsec_nla_next(l, &r2)) {
			if (lsec_nla_type(l) != NFTA_LIST_ELEM)
				continue;
			r = parse_elem(l, out);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static void put_attr(char *buf, size_t *off, uint16_t type, const char *s)
{
	struct nlattr *a = (struct nlattr *)(buf + *off);
	size_t l = strlen(s) + 1;

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + l);
	memcpy(buf + *off + NLA_HDRLEN, s, l);
	*off += NLA_ALIGN(a->nla_len);
}

/* One netlink dump of nf_tables objects of type msg in table (and set). */
static int nl_dump(uint16_t msg, const char *table, const char *set,
		   lsec_nl_msg_fn fn, void *userdata)
{
	char req[512] __attribute__((aligned(8))) = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct nfgenmsg *nfg;
	uint32_t seq = (uint32_t)time(NULL);
	size_t off;

	if ((table ? strlen(table) : 0) + (set ? strlen(set) : 0) > 256)
		return -EINVAL;
	nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | msg);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = NLMSG_DATA(nlh);
	nfg->nfgen_family = NFPROTO_INET;
	nfg->version = NFNETLINK_V0;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nfg));
	/* the table (and set) attributes are 1 and 2 in every message type */
	if (table)
		put_attr(req, &off, 1, table);
	if (set)
		put_attr(req, &off, 2, set);
	nlh->nlmsg_len = (uint32_t)off;
	return lsec_nl_dump(req, off, seq, fn, userdata);
}

static uint64_t nla_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (lsec_nla_len(a) >= 8)
		memcpy(&v, lsec_nla_data(a), 8);
	return be64toh(v);
}

static int elems_msg(const struct nlmsghdr *h, void *userdata)
{
	return parse_msg(h, userdata) < 0 ? -ENOMEM : 0;
}

static int dump(const char *table, const char *set, struct elems *out)
{
	return nl_dump(NFT_MSG_GETSETELEM, table, set, elems_msg, out);
}

struct sets_ctx {
	lsec_nft_set_fn fn;
	void *userdata;
};

static int sets_msg(const struct nlmsghdr *h, void *userdata)
{
	struct sets_ctx *c = userdata;
	const struct nlattr *a;
	char name[64] = "";
	uint64_t timeout = 0;
	uint32_t flags = 0;
	int rem;

	for (a = lsec_nl_attrs(h, &rem); lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem)) {
		switch (lsec_nla_type(a)) {
		case NFTA_SET_NAME:
			snprintf(name, sizeof(name), "%.*s", lsec_nla_len(a),
				 (const char *)lsec_nla_data(a));
			break;
		case NFTA_SET_TIMEOUT:
			timeout = nla_u64(a);
			break;
		case NFTA_SET_FLAGS:
			if (lsec_nla_len(a) >= 4) {
				memcpy(&flags, lsec_nla_data(a), 4);
				flags = be32toh(flags);
			}
			break;
		}
	}
	return name[0] ? c->fn(name, timeout, flags, c->userdata) : 0;
}

int lsec_nft_sets(const char *table, lsec_nft_set_fn fn, void *userdata)
{
	struct sets_ctx c = { fn, userdata };
	int r = nl_dump(NFT_MSG_GETSET, table, NULL, sets_msg, &c);

	return r == -ENOENT ? 0 : r;
}

static int rules_msg(const struct nlmsghdr *h, void *userdata)
{
	uint64_t *packets = userdata;
	const struct nlattr *a;
	int rem;

	for (a = lsec_nl_attrs(h, &rem); lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem)) {
		const struct nlattr *l;
		int r2;

		if (lsec_nla_type(a) != NFTA_RULE_EXPRESSIONS)
			continue;
		r2 = lsec_nla_len(a);
		for (l = lsec_nla_data(a); lsec_nla_ok(l, r2); l = lsec_nla_next(l, &r2)) {
			const struct nlattr *x, *d;
			int r3 = lsec_nla_len(l), r4;
			bool counter = false;

			for (x = lsec_nla_data(l); lsec_nla_ok(x, r3); x = lsec_nla_next(x, &r3)) {
				if (lsec_nla_type(x) == NFTA_EXPR_NAME)
					counter = lsec_nla_len(x) >= 8 &&
						  !strcmp(lsec_nla_data(x), "counter");
				if (lsec_nla_type(x) != NFTA_EXPR_DATA || !counter)
					continue;
				r4 = lsec_nla_len(x);
				for (d = lsec_nla_data(x); lsec_nla_ok(d, r4); d = lsec_nla_next(d, &r4))
					if (lsec_nla_type(d) == NFTA_COUNTER_PACKETS)
						*packets += nla_u64(d);
			}
		}
	}
	return 0;
}

int lsec_nft_table_packets(const char *table, uint64_t *packets)
{
	*packets = 0;
	return nl_dump(NFT_MSG_GETRULE, table, NULL, rules_msg, packets);
}

static int cmp_key(const void *a, const void *b)
{
	const struct raw_elem *x = a, *y = b;
	int c = memcmp(x->key, y->key, 16);

	/* an interval's end sorts before a start at the same key */
	return c ? c : (int)y->end - (int)x->end;
}

/* last = start with the host bits of len set; true if last + 1 == end
 * (or end is absent and last is all ones). */
static bool is_prefix(const uint8_t *start, const uint8_t *end, unsigned bytes,
		      unsigned len)
{
	uint8_t last[16];
	unsigned i;
	int carry = 1;

	for (i = 0; i < bytes; i++) {
		unsigned bit = i * 8;
		uint8_t host = bit + 8 <= len ? 0 : bit >= len ? 0xff
					     : (uint8_t)(0xff >> (len - bit));

		if (start[i] & host)
			return false;
		last[i] = start[i] | host;
	}
	for (i = bytes; i-- > 0;) {
		unsigned v = last[i] + (unsigned)carry;

		last[i] = (uint8_t)v;
		carry = v > 0xff;
	}
	if (!end)
		return carry == 1;
	return carry == 0 && memcmp(last, end, bytes) == 0;
}

static const struct lsec_nft_elem *elem_info(const struct raw_elem *r,
					     struct lsec_nft_elem *i)
{
	i->timeout_ms = r->timeout;
	i->expires_ms = r->expires;
	i->packets = r->packets;
	i->bytes = r->bytes;
	i->comment = r->comment;
	return i;
}

/* A plain set's elements are handed on message by message: holding all
 * of a 100,000-element set (each with room for a comment) costs more than
 * reading it. */
struct stream_ctx {
	struct elems batch;
	unsigned bytes;
	lsec_nft_elem_fn fn;
	void *userdata;
};

static int stream_msg(const struct nlmsghdr *h, void *userdata)
{
	struct stream_ctx *c = userdata;
	struct lsec_nft_elem info;
	size_t i;
	int r;

	c->batch.n = 0;
	if (parse_msg(h, &c->batch) < 0)
		return -ENOMEM;
	for (i = 0; i < c->batch.n; i++) {
		struct lsec_inet_prefix p = { .family = c->bytes == 4 ? 4 : 6,
					      .len = (uint8_t)(c->bytes * 8) };

		memcpy(p.addr, c->batch.v[i].key, c->bytes);
		r = c->fn(&p, elem_info(&c->batch.v[i], &info), c->userdata);
		if (r < 0)
			return r;
	}
	return 0;
}

int lsec_nft_set_read(const char *table, const char *set, unsigned bytes,
		      bool interval, lsec_nft_elem_fn fn, void *userdata)
{
	struct lsec_nft_elem info;
	struct elems all = { 0 };
	size_t i, j, nstart = 0;
	int r;

	if (!interval) {
		struct stream_ctx c = { .bytes = bytes, .fn = fn, .userdata = userdata };

		r = nl_dump(NFT_MSG_GETSETELEM, table, set, stream_msg, &c);
		free(c.batch.v);
		return r;
	}
	r = dump(table, set, &all);
	if (r < 0)
		goto out;
	/* Intervals: starts and ends come separately; pair each start with
	 * the smallest end above it. */
	if (all.n)
		qsort(all.v, all.n, sizeof(all.v[0]), cmp_key);
	for (i = 0; i < all.n; i++)
		nstart += !all.v[i].end;
	for (i = 0; i < all.n && r >= 0; i++) {
		const struct raw_elem *s = &all.v[i], *en = NULL;
		struct lsec_inet_prefix p = { .family = bytes == 4 ? 4 : 6 };
		unsigned len;

		if (s->end)
			continue;
		for (j = i + 1; j < all.n; j++)
			if (all.v[j].end) {
				en = &all.v[j];
				break;
			} else {
				break; /* next start: this one has no end */
			}
		for (len = 0; len <= bytes * 8; len++)
			if (is_prefix(s->key, en ? en->key : NULL, bytes, len))
				break;
		if (len > bytes * 8)
			continue; /* a range lsec did not write */
		p.len = (uint8_t)len;
		memcpy(p.addr, s->key, bytes);
		r = fn(&p, elem_info(s, &info), userdata);
	}
out:
	free(all.v);
	return r;
}

static int tables_msg(const struct nlmsghdr *h, void *userdata)
{
	struct sets_ctx *c = userdata;
	const struct nlattr *a;
	char name[256] = "";
	int rem;

	for (a = lsec_nl_attrs(h, &rem); lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem))
		if (lsec_nla_type(a) == NFTA_TABLE_NAME)
			snprintf(name, sizeof(name), "%.*s", lsec_nla_len(a),
				 (const char *)lsec_nla_data(a));
	return name[0] && c->fn ? c->fn(name, 0, 0, c->userdata) : 0;
}

int lsec_nft_tables(lsec_nft_set_fn fn, void *userdata)
{
	struct sets_ctx c = { fn, userdata };

	return nl_dump(NFT_MSG_GETTABLE, NULL, NULL, tables_msg, &c);
}

/* Append a nested attribute header at *off; returns its offset. */
static size_t nest_begin(char *buf, size_t *off, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)(buf + *off);
	size_t at = *off;

	a->nla_type = type | NLA_F_NESTED;
	*off += NLA_HDRLEN;
	return at;
}

static void nest_end(char *buf, size_t off, size_t at)
{
	((struct nlattr *)(buf + at))->nla_len = (uint16_t)(off - at);
}

#define LOOKUP_BATCH 512

int lsec_nft_set_lookup(const char *table, const char *set, unsigned bytes,
			const struct lsec_inet_prefix *const *v, size_t n,
			bool *present)
{
	return lsec_nft_set_get(table, set, bytes, v, n, present, NULL, NULL);
}

/* One lookup reply: the element, to fn. */
static int found_elem(const struct nlmsghdr *h, size_t idx,
		      lsec_nft_found_fn fn, void *userdata)
{
	struct lsec_nft_elem info;
	struct elems tmp = { 0 };
	int r = parse_msg(h, &tmp);

	if (r >= 0 && tmp.n > 0)
		r = fn(idx, elem_info(&tmp.v[0], &info), userdata);
	free(tmp.v);
	return r;
}

int lsec_nft_set_get(const char *table, const char *set, unsigned bytes,
		     const struct lsec_inet_prefix *const *v, size_t n,
		     bool *present, lsec_nft_found_fn fn, void *userdata)
{
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
					NETLINK_NETFILTER);
	_cleanup_free_ char *req = NULL, *buf = NULL;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t seq0 = (uint32_t)time(NULL) << 8;
	size_t done = 0, i;
	int rcvbuf = 1 << 22;

	if (fd < 0)
		return -errno;
	if (strlen(table) + strlen(set) > 256)
		return -EINVAL;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	req = malloc(LOOKUP_BATCH * 640);
	buf = malloc(RECV_BUF);
	if (!req || !buf)
		return -ENOMEM;
	while (done < n) {
		size_t batch = n - done < LOOKUP_BATCH ? n - done : LOOKUP_BATCH;
		size_t off = 0, got = 0;

		for (i = 0; i < batch; i++) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)(req + off);
			struct nfgenmsg *nfg;
			size_t start = off, l1, l2, l3;
			struct nlattr *d;

			memset(nlh, 0, 640);
			nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETSETELEM;
			nlh->nlmsg_flags = NLM_F_REQUEST;
			nlh->nlmsg_seq = seq0 + (uint32_t)(done + i);
			nfg = NLMSG_DATA(nlh);
			nfg->nfgen_family = NFPROTO_INET;
			nfg->version = NFNETLINK_V0;
			off += NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nfg));
			put_attr(req, &off, NFTA_SET_ELEM_LIST_TABLE, table);
			put_attr(req, &off, NFTA_SET_ELEM_LIST_SET, set);
			l1 = nest_begin(req, &off, NFTA_SET_ELEM_LIST_ELEMENTS);
			l2 = nest_begin(req, &off, NFTA_LIST_ELEM);
			l3 = nest_begin(req, &off, NFTA_SET_ELEM_KEY);
			d = (struct nlattr *)(req + off);
			d->nla_type = NFTA_DATA_VALUE;
			d->nla_len = (uint16_t)(NLA_HDRLEN + bytes);
			memcpy(req + off + NLA_HDRLEN, v[done + i]->addr, bytes);
			off += NLA_ALIGN(d->nla_len);
			nest_end(req, off, l3);
			nest_end(req, off, l2);
			nest_end(req, off, l1);
			nlh->nlmsg_len = (uint32_t)(off - start);
			present[done + i] = false;
		}
		if (sendto(fd, req, off, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
		while (got < batch) {
			ssize_t rn = recv(fd, buf, RECV_BUF, 0);
			const struct nlmsghdr *h;
			int len;

			if (rn < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			len = (int)rn;
			for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, len);
			     h = NLMSG_NEXT(h, len)) {
				size_t idx = h->nlmsg_seq - seq0;

				if (idx < done || idx >= done + batch)
					continue;
				if (h->nlmsg_type == NLMSG_ERROR) {
					const struct nlmsgerr *err = NLMSG_DATA(h);

					if (err->error && err->error != -ENOENT)
						return err->error;
				} else {
					present[idx] = true;
					if (fn) {
						int r = found_elem(h, idx, fn, userdata);

						if (r < 0)
							return r;
					}
				}
				got++;
			}
		}
		done += batch;
	}
	return 0;
}

static void put_nlmsg_hdr(char *buf, size_t *off, uint16_t type, uint16_t flags,
			  uint32_t seq, uint8_t family, uint16_t res_id)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + *off);
	struct nfgenmsg *nfg;

	memset(nlh, 0, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nfg)));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nfg = NLMSG_DATA(nlh);
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htobe16(res_id);
	*off += NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nfg));
}

#define CHANGE_CHUNK 1024

int lsec_nft_set_change(const char *table, const char *set, unsigned bytes,
			const struct lsec_inet_prefix *const *v, size_t n,
			uint64_t timeout_ms, bool add)
{
	_cleanup_free_ struct lsec_nft_elem_op *ops = calloc(n ? n : 1, sizeof(*ops));
	size_t i;

	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ops[i] = (struct lsec_nft_elem_op){ .set = set, .bytes = bytes,
						    .add = add, .p = v[i],
						    .timeout_ms = timeout_ms };
	return lsec_nft_elems_change(table, ops, n);
}

/* One element of a NEWSETELEM/DELSETELEM list. */
static void put_elem_op(char *req, size_t *off, const struct lsec_nft_elem_op *o)
{
	size_t l2 = nest_begin(req, off, NFTA_LIST_ELEM);
	size_t l3 = nest_begin(req, off, NFTA_SET_ELEM_KEY);
	struct nlattr *d = (struct nlattr *)(req + *off);

	d->nla_type = NFTA_DATA_VALUE;
	d->nla_len = (uint16_t)(NLA_HDRLEN + o->bytes);
	memcpy(req + *off + NLA_HDRLEN, o->p->addr, o->bytes);
	*off += NLA_ALIGN(d->nla_len);
	nest_end(req, *off, l3);
	if (o->add && o->timeout_ms) {
		uint64_t t = htobe64(o->timeout_ms);

		d = (struct nlattr *)(req + *off);
		d->nla_type = NFTA_SET_ELEM_TIMEOUT;
		d->nla_len = NLA_HDRLEN + 8;
		memcpy(req + *off + NLA_HDRLEN, &t, 8);
		*off += NLA_ALIGN(d->nla_len);
	}
	if (o->add && o->comment && *o->comment) {
		/* userdata TLV 0: the comment with its NUL, as nft writes it */
		size_t l = strlen(o->comment) + 1;
		uint8_t *u = (uint8_t *)req + *off + NLA_HDRLEN;

		if (l > LSEC_NFT_COMMENT_MAX)
			l = LSEC_NFT_COMMENT_MAX;
		d = (struct nlattr *)(req + *off);
		d->nla_type = NFTA_SET_ELEM_USERDATA;
		d->nla_len = (uint16_t)(NLA_HDRLEN + 2 + l);
		u[0] = 0;
		u[1] = (uint8_t)l;
		memcpy(u + 2, o->comment, l - 1);
		u[1 + l] = '\0';
		*off += NLA_ALIGN(d->nla_len);
	}
	nest_end(req, *off, l2);
}

int lsec_nft_elems_change(const char *table, const struct lsec_nft_elem_op *ops,
			  size_t n)
{
	_cleanup_free_ char *req = NULL;
	uint32_t seq = (uint32_t)time(NULL), first, nmsg = 0;
	size_t off = 0, i, cap = 1024;

	if (strlen(table) > 200)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (ops[i].bytes > 16 || strlen(ops[i].set) > 200)
			return -EINVAL;
		/* a new message per change of set or verb, and per chunk */
		cap += 64 + LSEC_NFT_COMMENT_MAX + 640;
	}
	req = calloc(1, cap);
	if (!req)
		return -ENOMEM;
	put_nlmsg_hdr(req, &off, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq++,
		      AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	((struct nlmsghdr *)req)->nlmsg_len = (uint32_t)off;
	first = seq;
	for (i = 0; i < n;) {
		const struct lsec_nft_elem_op *o = &ops[i];
		size_t start = off, l1, k;

		put_nlmsg_hdr(req, &off,
			      (NFNL_SUBSYS_NFTABLES << 8) |
				      (o->add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM),
			      NLM_F_REQUEST | NLM_F_ACK | (o->add ? NLM_F_CREATE : 0),
			      seq++, NFPROTO_INET, 0);
		put_attr(req, &off, NFTA_SET_ELEM_LIST_TABLE, table);
		put_attr(req, &off, NFTA_SET_ELEM_LIST_SET, o->set);
		l1 = nest_begin(req, &off, NFTA_SET_ELEM_LIST_ELEMENTS);
		for (k = 0; i < n && k < CHANGE_CHUNK && ops[i].add == o->add &&
			    !strcmp(ops[i].set, o->set);
		     i++, k++)
			put_elem_op(req, &off, &ops[i]);
		nest_end(req, off, l1);
		((struct nlmsghdr *)(req + start))->nlmsg_len = (uint32_t)(off - start);
		nmsg++;
	}
	{
		size_t start = off;

		put_nlmsg_hdr(req, &off, NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq++,
			      AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
		((struct nlmsghdr *)(req + start))->nlmsg_len = (uint32_t)(off - start);
	}
	return nmsg ? lsec_nl_acked(req, off, first, nmsg) : 0;
}

static int any_msg(const struct nlmsghdr *h, void *userdata)
{
	struct elems tmp = { 0 };
	bool *any = userdata;

	if (parse_msg(h, &tmp) < 0)
		return -ENOMEM;
	*any = tmp.n > 0;
	free(tmp.v);
	return *any;
}

int lsec_nft_set_any(const char *table, const char *set, bool *any)
{
	*any = false;
	return nl_dump(NFT_MSG_GETSETELEM, table, set, any_msg, any);
}
