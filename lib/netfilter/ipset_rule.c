/* SPDX-License-Identifier: MIT */
/*
 * The iptables side of the legacy blocklists (see ipset.c): lsec's chain
 * LSEC-BLOCKLIST in the filter table, jumped to from the top of INPUT and
 * FORWARD, with one rule per ipset -- set match revision 4 (what iptables
 * 1.8 writes, so iptables-save prints and restores it), a comment
 * "lsec-blocklist NAME", DROP.  Written with libiptc/libip6tc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libiptc/libip6tc.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_set.h>

#include "ipset_int.h"
#include "nl_int.h"
#include "lsec/inet.h"
#include "lsec/cleanup.h"
#include "lsec/util.h"

#define BL_CHAIN LSEC_IPSET_CHAIN

/* libiptc reads chain names as 32-byte labels */
static const xt_chainlabel bl_chain = BL_CHAIN;


struct xtc {
	bool v6;
	struct xtc_handle *h;
};

static const char *xtc_err(const struct xtc *x)
{
	return x->v6 ? ip6tc_strerror(errno) : iptc_strerror(errno);
}

static int xtc_init(struct xtc *x, bool v6, struct lsec_err *e)
{
	x->v6 = v6;
	x->h = v6 ? ip6tc_init("filter") : iptc_init("filter");
	if (!x->h)
		return lsec_err_set(e, errno == EPERM ? EPERM : EOPNOTSUPP,
				    "legacy %s filter table: %s",
				    v6 ? "IPv6" : "IPv4", xtc_err(x));
	return 0;
}

static void xtc_free(struct xtc *x)
{
	if (x->h)
		(x->v6 ? ip6tc_free : iptc_free)(x->h);
	x->h = NULL;
}

static const void *first_rule(struct xtc *x, const char *chain)
{
	return x->v6 ? (const void *)ip6tc_first_rule(chain, x->h)
		     : (const void *)iptc_first_rule(chain, x->h);
}

static const void *next_rule(struct xtc *x, const void *prev)
{
	return x->v6 ? (const void *)ip6tc_next_rule(prev, x->h)
		     : (const void *)iptc_next_rule(prev, x->h);
}

static const char *get_target(struct xtc *x, const void *ent)
{
	return x->v6 ? ip6tc_get_target(ent, x->h) : iptc_get_target(ent, x->h);
}

static size_t entry_size(const struct xtc *x)
{
	return x->v6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
}

static void entry_offsets(const struct xtc *x, const void *ent, uint16_t *target,
			  uint16_t *next)
{
	if (x->v6) {
		*target = ((const struct ip6t_entry *)ent)->target_offset;
		*next = ((const struct ip6t_entry *)ent)->next_offset;
	} else {
		*target = ((const struct ipt_entry *)ent)->target_offset;
		*next = ((const struct ipt_entry *)ent)->next_offset;
	}
}

static uint64_t entry_packets(const struct xtc *x, const void *ent)
{
	return x->v6 ? ((const struct ip6t_entry *)ent)->counters.pcnt
		     : ((const struct ipt_entry *)ent)->counters.pcnt;
}

/* The comment of a rule ("" if none). */
static const char *entry_comment(const struct xtc *x, const void *ent)
{
	uint16_t toff, noff;
	size_t off = entry_size(x);

	entry_offsets(x, ent, &toff, &noff);
	while (off + sizeof(struct xt_entry_match) <= toff) {
		const struct xt_entry_match *m =
			(const void *)((const char *)ent + off);

		if (m->u.match_size < sizeof(*m))
			break;
		if (streq(m->u.user.name, "comment"))
			return ((const struct xt_comment_info *)m->data)->comment;
		off += m->u.match_size;
	}
	return "";
}

/* An IP_SET_OP_* request on the ipset socket option, after the version
 * handshake; req starts with {op, version}. */
static int set_sockopt(void *req, socklen_t len, struct lsec_err *e)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	struct ip_set_req_version v = { .op = IP_SET_OP_VERSION };
	socklen_t vlen = sizeof(v);

	if (fd < 0)
		return lsec_err_set(e, errno, "ipset: socket: %s", strerror(errno));
	if (getsockopt(fd, SOL_IP, SO_IP_SET, &v, &vlen) < 0)
		return lsec_err_set(e, errno, "ipset: version: %s", strerror(errno));
	((unsigned *)req)[1] = v.version;
	if (getsockopt(fd, SOL_IP, SO_IP_SET, req, &len) < 0)
		return lsec_err_set(e, errno, "ipset: %s", strerror(errno));
	return 0;
}

int lsec_ipset_index(const char *name, uint16_t *ret, struct lsec_err *e)
{
	struct ip_set_req_get_set g = { .op = IP_SET_OP_GET_BYNAME };
	int r;

	snprintf(g.set.name, sizeof(g.set.name), "%s", name);
	r = set_sockopt(&g, sizeof(g), e);
	if (r < 0)
		return r;
	if (g.set.index == IPSET_INVALID_ID)
		return lsec_err_set(e, ENOENT, "ipset: set %s does not exist", name);
	*ret = g.set.index;
	return 0;
}

size_t lsec_xt_set_fill(void *data, uint16_t idx, bool dst)
{
	struct xt_set_info_match_v4 *si = data;

	memset(si, 0, sizeof(*si));
	si->match_set.index = idx;
	si->match_set.dim = 1;
	si->match_set.flags = dst ? 0 : IPSET_DIM_ONE_SRC;
	si->packets.op = IPSET_COUNTER_NONE;
	si->bytes.op = IPSET_COUNTER_NONE;
	return sizeof(*si);
}

bool lsec_xt_set_get(const void *data, size_t len, uint16_t *idx, bool *dst)
{
	const struct xt_set_info_match_v4 *si = data;

	if (len < sizeof(*si) || si->match_set.dim != 1 || si->flags ||
	    (si->match_set.flags & ~IPSET_DIM_ONE_SRC) ||
	    si->packets.op != IPSET_COUNTER_NONE || si->bytes.op != IPSET_COUNTER_NONE)
		return false;
	*idx = si->match_set.index;
	*dst = !(si->match_set.flags & IPSET_DIM_ONE_SRC);
	return true;
}

#define MATCH_SET_SIZE XT_ALIGN(sizeof(struct xt_entry_match) + \
				sizeof(struct xt_set_info_match_v4))
#define MATCH_COMMENT_SIZE XT_ALIGN(sizeof(struct xt_entry_match) + \
				    sizeof(struct xt_comment_info))
#define TARGET_SIZE XT_ALIGN(sizeof(struct xt_standard_target))

/* Build an entry: [set match + comment match] + target (a verdict or a
 * chain name).  buf must hold 1024 bytes. */
static size_t build_entry(const struct xtc *x, char *buf, uint16_t set,
			  const char *comment, const char *target)
{
	size_t esz = entry_size(x), off = esz;
	struct xt_entry_target *t;
	uint16_t toff, noff;

	memset(buf, 0, 1024);
	if (comment) {
		struct xt_entry_match *m = (void *)(buf + off);
		struct xt_comment_info *ci;

		m->u.match_size = MATCH_SET_SIZE;
		snprintf(m->u.user.name, sizeof(m->u.user.name), "set");
		m->u.user.revision = 4;
		lsec_xt_set_fill(m->data, set, false);
		off += MATCH_SET_SIZE;
		m = (void *)(buf + off);
		m->u.match_size = MATCH_COMMENT_SIZE;
		snprintf(m->u.user.name, sizeof(m->u.user.name), "comment");
		ci = (void *)m->data;
		snprintf(ci->comment, sizeof(ci->comment), "%s", comment);
		off += MATCH_COMMENT_SIZE;
	}
	toff = (uint16_t)off;
	t = (void *)(buf + off);
	t->u.target_size = TARGET_SIZE;
	snprintf(t->u.user.name, sizeof(t->u.user.name), "%s", target);
	off += TARGET_SIZE;
	noff = (uint16_t)off;
	if (x->v6) {
		((struct ip6t_entry *)buf)->target_offset = toff;
		((struct ip6t_entry *)buf)->next_offset = noff;
	} else {
		((struct ipt_entry *)buf)->target_offset = toff;
		((struct ipt_entry *)buf)->next_offset = noff;
	}
	return off;
}

static bool has_jump(struct xtc *x, const char *hook)
{
	const void *ent;

	for (ent = first_rule(x, hook); ent; ent = next_rule(x, ent))
		if (streq(get_target(x, ent), BL_CHAIN))
			return true;
	return false;
}

static int xtc_commit(struct xtc *x, struct lsec_err *e)
{
	if (!(x->v6 ? ip6tc_commit(x->h) : iptc_commit(x->h)))
		return lsec_err_set(e, errno ? errno : EIO,
				    "legacy %s filter table: commit: %s",
				    x->v6 ? "IPv6" : "IPv4", xtc_err(x));
	return 0;
}

/* Add the list's rule (and the chain and its jumps when missing). */
int lsec_ipset_rule_add(bool v6, const char *name, struct lsec_err *e)
{
	static const char *const hooks[] = { "INPUT", "FORWARD" };
	struct xtc x = { 0 };
	char sname[IPSET_MAXNAMELEN], comment[64], buf[1024];
	const void *ent;
	uint16_t idx = 0;
	size_t i;
	int r, ok = 1;

	lsec_ipset_name(name, v6, sname, sizeof(sname));
	snprintf(comment, sizeof(comment), "lsec-blocklist %s", name);
	r = lsec_ipset_index(sname, &idx, e);
	if (r >= 0)
		r = xtc_init(&x, v6, e);
	if (r < 0)
		return r;
	if (!(v6 ? ip6tc_is_chain(BL_CHAIN, x.h) : iptc_is_chain(BL_CHAIN, x.h)))
		ok = v6 ? ip6tc_create_chain(bl_chain, x.h)
			: iptc_create_chain(bl_chain, x.h);
	for (i = 0; ok && i < ELEMENTSOF(hooks); i++) {
		if (has_jump(&x, hooks[i]))
			continue;
		xt_chainlabel hook = { 0 };

		snprintf(hook, sizeof(hook), "%s", hooks[i]);
		build_entry(&x, buf, 0, NULL, BL_CHAIN);
		ok = v6 ? ip6tc_insert_entry(hook, (void *)buf, 0, x.h)
			: iptc_insert_entry(hook, (void *)buf, 0, x.h);
	}
	for (ent = first_rule(&x, BL_CHAIN); ok && ent; ent = next_rule(&x, ent))
		if (streq(entry_comment(&x, ent), comment))
			goto commit; /* there already */
	build_entry(&x, buf, idx, comment, "DROP");
	if (ok)
		ok = v6 ? ip6tc_append_entry(bl_chain, (void *)buf, x.h)
			: iptc_append_entry(bl_chain, (void *)buf, x.h);
commit:
	r = ok ? xtc_commit(&x, e)
	       : lsec_err_set(e, errno ? errno : EIO, "legacy filter table: %s",
			      xtc_err(&x));
	xtc_free(&x);
	return r;
}

/* Remove the list's rule; the chain and jumps go with the last list. */
int lsec_ipset_rule_del(bool v6, const char *name, struct lsec_err *e)
{
	static const char *const hooks[] = { "INPUT", "FORWARD" };
	struct xtc x = { 0 };
	char comment[64];
	const void *ent;
	unsigned n = 0, left = 0;
	size_t i;
	int r, ok = 1, found = -1;

	snprintf(comment, sizeof(comment), "lsec-blocklist %s", name);
	r = xtc_init(&x, v6, e);
	if (r < 0)
		return r;
	if (!(v6 ? ip6tc_is_chain(BL_CHAIN, x.h) : iptc_is_chain(BL_CHAIN, x.h))) {
		xtc_free(&x);
		return 0;
	}
	for (ent = first_rule(&x, BL_CHAIN); ent; ent = next_rule(&x, ent), n++) {
		if (streq(entry_comment(&x, ent), comment) && found < 0)
			found = (int)n;
		else
			left++;
	}
	if (found >= 0)
		ok = v6 ? ip6tc_delete_num_entry(bl_chain, (unsigned)found, x.h)
			: iptc_delete_num_entry(bl_chain, (unsigned)found, x.h);
	if (ok && !left) {
		for (i = 0; ok && i < ELEMENTSOF(hooks); i++) {
			unsigned pos = 0;

			for (ent = first_rule(&x, hooks[i]); ok && ent;
			     ent = next_rule(&x, ent), pos++) {
				if (!streq(get_target(&x, ent), BL_CHAIN))
					continue;
				xt_chainlabel hook = { 0 };

				snprintf(hook, sizeof(hook), "%s", hooks[i]);
				ok = v6 ? ip6tc_delete_num_entry(hook, pos, x.h)
					: iptc_delete_num_entry(hook, pos, x.h);
				break;
			}
		}
		if (ok)
			ok = v6 ? ip6tc_delete_chain(bl_chain, x.h)
				: iptc_delete_chain(bl_chain, x.h);
	}
	r = ok ? xtc_commit(&x, e)
	       : lsec_err_set(e, errno ? errno : EIO, "legacy filter table: %s",
			      xtc_err(&x));
	xtc_free(&x);
	return r;
}

/* Packets dropped by the list's rules. */
uint64_t lsec_ipset_rule_packets(const char *name)
{
	char comment[64];
	uint64_t p = 0;
	int v6;

	snprintf(comment, sizeof(comment), "lsec-blocklist %s", name);
	for (v6 = 0; v6 < 2; v6++) {
		struct xtc x = { 0 };
		const void *ent;

		if (xtc_init(&x, v6, NULL) < 0)
			continue;
		if (v6 ? ip6tc_is_chain(BL_CHAIN, x.h) : iptc_is_chain(BL_CHAIN, x.h))
			for (ent = first_rule(&x, BL_CHAIN); ent; ent = next_rule(&x, ent))
				if (streq(entry_comment(&x, ent), comment))
					p += entry_packets(&x, ent);
		xtc_free(&x);
	}
	return p;
}


void lsec_ipset_name(const char *name, bool v6, char *buf, size_t n)
{
	snprintf(buf, n, "lsec-%s-%c", name, v6 ? '6' : '4');
}

/* ---- ipset entries over netlink (the protocol `ipset restore` speaks,
 * without its per-line parser and resolver) ---- */

#include <endian.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <time.h>

#define IPN_CHUNK 1024

/* A request's header and its PROTOCOL and SETNAME attributes at req + off;
 * returns the offset after them. */
static size_t put_head(char *req, size_t off, int cmd, uint16_t flags,
		       uint32_t seq, bool v6, const char *setname)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(req + off);
	struct nfgenmsg *nfg = NLMSG_DATA(nlh);
	uint8_t proto = IPSET_PROTOCOL;

	nlh->nlmsg_type = (NFNL_SUBSYS_IPSET << 8) | cmd;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nfg->nfgen_family = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	nfg->version = NFNETLINK_V0;
	off += NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nfg));
	off = lsec_nl_put(req, off, IPSET_ATTR_PROTOCOL, &proto, 1);
	if (!*setname)
		return off;
	return lsec_nl_put(req, off, IPSET_ATTR_SETNAME, setname, strlen(setname) + 1);
}

/* One entry as IPSET_ATTR_DATA: address, prefix length, timeout, comment. */
static size_t put_entry(char *req, size_t off, bool v6,
			const struct lsec_inet_prefix *p, uint64_t timeout_ms,
			const char *comment)
{
	size_t data = off, ip;
	uint8_t cidr = p->len;

	off = lsec_nl_put(req, off, IPSET_ATTR_DATA | NLA_F_NESTED, NULL, 0);
	ip = off;
	off = lsec_nl_put(req, off, IPSET_ATTR_IP | NLA_F_NESTED, NULL, 0);
	off = lsec_nl_put(req, off,
			  (v6 ? IPSET_ATTR_IPADDR_IPV6 : IPSET_ATTR_IPADDR_IPV4) |
				  NLA_F_NET_BYTEORDER,
			  p->addr, v6 ? 16 : 4);
	lsec_nl_nest_end(req, ip, off);
	off = lsec_nl_put(req, off, IPSET_ATTR_CIDR, &cidr, 1);
	if (timeout_ms) {
		uint32_t t = htobe32((uint32_t)((timeout_ms + 999) / 1000));

		off = lsec_nl_put(req, off, IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER,
				  &t, 4);
	}
	if (comment)
		off = lsec_nl_put(req, off, IPSET_ATTR_COMMENT, comment,
				  strnlen(comment, IPSET_MAX_COMMENT_SIZE) + 1);
	lsec_nl_nest_end(req, data, off);
	return off;
}

/* Room for n entries of at most per bytes each, in messages of chunk. */
static size_t req_size(size_t n, size_t per, size_t chunk)
{
	return 4096 + n * per + (n / chunk + 1) * 256;
}

int lsec_ipset_change(const char *setname, bool v6,
		      const struct lsec_inet_prefix *const *v,
		      const char *const *comments, size_t n,
		      uint64_t timeout_ms, bool add, bool exist,
		      struct lsec_err *e)
{
	_cleanup_free_ char *req = NULL;
	uint32_t seq = (uint32_t)time(NULL) << 4, first = seq, nmsg = 0;
	size_t off = 0, i = 0;
	int err;

	req = calloc(1, req_size(n, comments ? 64 + IPSET_MAX_COMMENT_SIZE + 4 : 64,
				 IPN_CHUNK));
	if (!req)
		return lsec_err_set(e, ENOMEM, "out of memory");
	while (i < n) {
		size_t start = off, adt, end = i + IPN_CHUNK < n ? i + IPN_CHUNK : n;
		uint32_t lineno = 0; /* required with IPSET_ATTR_ADT */

		/* NLM_F_EXCL: fail on an entry already there (or missing); ipset's
		 * -exist is its absence */
		off = put_head(req, off, add ? IPSET_CMD_ADD : IPSET_CMD_DEL,
			       NLM_F_REQUEST | NLM_F_ACK | (exist ? 0 : NLM_F_EXCL),
			       seq++, v6, setname);
		off = lsec_nl_put(req, off, IPSET_ATTR_LINENO, &lineno, 4);
		adt = off;
		off = lsec_nl_put(req, off, IPSET_ATTR_ADT | NLA_F_NESTED, NULL, 0);
		for (; i < end; i++)
			off = put_entry(req, off, v6, v[i], add ? timeout_ms : 0,
					add && comments ? comments[i] : NULL);
		lsec_nl_nest_end(req, adt, off);
		((struct nlmsghdr *)(req + start))->nlmsg_len = (uint32_t)(off - start);
		nmsg++;
	}
	err = lsec_nl_acked(req, off, first, nmsg);
	if (err) {
		int code = -err;

		/* ipset's own codes (IPSET_ERR_*, above 4096) have no errno */
		return lsec_err_set(e, code < 4096 ? code : EIO, "ipset %s: %s %s",
				    setname, add ? "adding to" : "deleting from",
				    code < 4096 ? strerror(code) : "the set failed");
	}
	return 0;
}

#define TEST_CHUNK 512

int lsec_ipset_test(const char *setname, bool v6,
		    const struct lsec_inet_prefix *const *v, size_t n,
		    bool *present, struct lsec_err *e)
{
	_cleanup_free_ char *req = calloc(1, req_size(TEST_CHUNK, 128, 1));
	int errs[TEST_CHUNK];
	size_t i = 0, k;

	if (!req)
		return lsec_err_set(e, ENOMEM, "out of memory");
	/* a TEST carries one entry: a chunk of requests per round trip */
	while (i < n) {
		size_t off = 0, m = n - i < TEST_CHUNK ? n - i : TEST_CHUNK;
		uint32_t seq = ((uint32_t)time(NULL) << 12) + (uint32_t)i;
		int r;

		for (k = 0; k < m; k++) {
			size_t start = off;

			off = put_head(req, off, IPSET_CMD_TEST,
				       NLM_F_REQUEST | NLM_F_ACK, seq + (uint32_t)k,
				       v6, setname);
			off = put_entry(req, off, v6, v[i + k], 0, NULL);
			((struct nlmsghdr *)(req + start))->nlmsg_len =
				(uint32_t)(off - start);
		}
		r = lsec_nl_acked_each(req, off, seq, (uint32_t)m, errs);
		if (r < 0)
			return lsec_err_set(e, -r, "ipset %s: test: %s", setname,
					    strerror(-r));
		for (k = 0; k < m; k++) {
			if (errs[k] && errs[k] != -IPSET_ERR_EXIST)
				return lsec_err_set(e, errs[k] > -4096 ? -errs[k] : EIO,
						    "ipset %s: test: %s", setname,
						    errs[k] > -4096 ? strerror(-errs[k])
								    : "failed");
			present[i + k] = errs[k] == 0;
		}
		i += m;
	}
	return 0;
}

int lsec_ipset_protocol(void)
{
	char req[128] __attribute__((aligned(8))) = { 0 };
	uint32_t seq = (uint32_t)time(NULL);
	size_t off;

	off = put_head(req, 0, IPSET_CMD_PROTOCOL, NLM_F_REQUEST | NLM_F_ACK, seq,
		       false, "");
	((struct nlmsghdr *)req)->nlmsg_len = (uint32_t)off;
	return lsec_nl_acked(req, off, seq, 1);
}

static uint64_t get_be64(const struct nlattr *a)
{
	uint64_t v;

	if (lsec_nla_len(a) < 8)
		return 0;
	memcpy(&v, lsec_nla_data(a), 8);
	return be64toh(v);
}

static int ipn_entry(const struct nlattr *data, bool v6, lsec_ipset_entry_fn fn,
		     void *userdata)
{
	struct lsec_ipset_entry en = { .p = { .family = v6 ? 6 : 4,
					      .len = v6 ? 128 : 32 } };
	char comment[IPSET_MAX_COMMENT_SIZE + 1] = "";
	const struct nlattr *a, *b;
	int rem = lsec_nla_len(data), r2;
	bool ip = false;

	for (a = lsec_nla_data(data); lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem)) {
		switch (lsec_nla_type(a)) {
		case IPSET_ATTR_IP:
			r2 = lsec_nla_len(a);
			for (b = lsec_nla_data(a); lsec_nla_ok(b, r2); b = lsec_nla_next(b, &r2))
				if (lsec_nla_len(b) == (v6 ? 16 : 4)) {
					memcpy(en.p.addr, lsec_nla_data(b), v6 ? 16 : 4);
					ip = true;
				}
			break;
		case IPSET_ATTR_CIDR:
			if (lsec_nla_len(a) >= 1)
				en.p.len = *(const uint8_t *)lsec_nla_data(a);
			break;
		case IPSET_ATTR_TIMEOUT:
			if (lsec_nla_len(a) >= 4) {
				uint32_t t;

				memcpy(&t, lsec_nla_data(a), 4);
				en.timeout_ms = (uint64_t)be32toh(t) * 1000;
			}
			break;
		case IPSET_ATTR_PACKETS:
			en.packets = get_be64(a);
			break;
		case IPSET_ATTR_BYTES:
			en.bytes = get_be64(a);
			break;
		case IPSET_ATTR_COMMENT:
			snprintf(comment, sizeof(comment), "%.*s", lsec_nla_len(a),
				 (const char *)lsec_nla_data(a));
			break;
		}
	}
	en.comment = comment;
	return ip ? fn(&en, userdata) : 0;
}

struct read_ctx {
	bool v6;
	lsec_ipset_entry_fn fn;
	void *userdata;
};

static int read_msg(const struct nlmsghdr *h, void *userdata)
{
	struct read_ctx *c = userdata;
	const struct nlattr *a, *d;
	int rem, r2, r;

	for (a = lsec_nl_attrs(h, &rem); lsec_nla_ok(a, rem); a = lsec_nla_next(a, &rem)) {
		if (lsec_nla_type(a) != IPSET_ATTR_ADT)
			continue;
		r2 = lsec_nla_len(a);
		for (d = lsec_nla_data(a); lsec_nla_ok(d, r2); d = lsec_nla_next(d, &r2)) {
			if (lsec_nla_type(d) != IPSET_ATTR_DATA)
				continue;
			r = ipn_entry(d, c->v6, c->fn, c->userdata);
			if (r != 0)
				return r; /* > 0: the caller has seen enough */
		}
	}
	return 0;
}

int lsec_ipset_read(const char *setname, bool v6, lsec_ipset_entry_fn fn,
		    void *userdata)
{
	char req[256] __attribute__((aligned(8))) = { 0 };
	struct read_ctx c = { v6, fn, userdata };
	uint32_t seq = (uint32_t)time(NULL);
	size_t off;
	int r;

	if (strlen(setname) >= IPSET_MAXNAMELEN)
		return -EINVAL;
	off = put_head(req, 0, IPSET_CMD_LIST, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		       seq, v6, setname);
	((struct nlmsghdr *)req)->nlmsg_len = (uint32_t)off;
	r = lsec_nl_dump(req, off, seq, read_msg, &c);
	/* ipset's own codes (IPSET_ERR_*, from 4096): the set is not there */
	return r <= -4096 ? -ENOENT : r;
}
