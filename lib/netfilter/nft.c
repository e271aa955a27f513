/* SPDX-License-Identifier: MIT */
/*
 * The nf_tables backend, through libnftables.
 *
 * lsec owns one table, `table inet lsec`, so IPv4 and IPv6 share every chain:
 *
 *   chain input       type filter hook input       priority filter - 10
 *   chain output      type filter hook output      priority filter - 10
 *   chain forward     type filter hook forward     priority filter - 10
 *   chain prerouting  type nat    hook prerouting  priority dstnat - 10
 *   chain nat_output  type nat    hook output      priority -110 (dstnat - 10)
 *   chain postrouting type nat    hook postrouting priority srcnat - 10
 *
 * Ten below the standard priorities: lsec's chains see a packet before the
 * chains of iptables-nft, ufw, firewalld and Docker at the same hook.  An
 * nf_tables "accept" only ends the chain it is in, so an lsec allow does not
 * undo a DROP elsewhere; an lsec drop is final.  Every rule carries a
 * counter and a comment starting with "lsec".
 *
 * Address-only DROP rules (what `lsec fw block` makes) do not become rules:
 * they are elements of sets, one pair per chain, direction and family -- a
 * plain hash set for single addresses (adding one element to a large set
 * costs milliseconds) and an interval set for CIDRs (whose single adds get
 * slow at 100k elements, so addresses never go there).  One rule per set,
 * at the top of its chain (comment "lsec-set"), matches it.  list() reports
 * the elements as rules again, so the front end sees one rule model.
 * block/unblock do not list: plan() looks up just the requested addresses
 * (point lookups over netlink) and apply() writes element changes over
 * netlink in one transaction, so their cost follows the request, not the
 * size of the sets.
 *
 * Every command is one libnftables run, which nf_tables applies as one
 * transaction: all or nothing.
 */
#include "nft_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <nftables/libnftables.h>

#include "lsec/cleanup.h"
#include "lsec/netfilter.h"
#include "lsec/nft.h"
#include "lsec/util.h"

/* libnftables' JSON, read with the shared reader: integers, or 0. */
static int64_t jnum(const struct lsec_jv *v)
{
	uint64_t u = 0;

	return lsec_jv_u64(v, &u) < 0 ? 0 : (int64_t)u;
}

static struct lsec_jv *jparse(const char *text)
{
	struct lsec_jv *doc = NULL;

	return lsec_jv_parse(text, "libnftables output", &doc, NULL) < 0 ? NULL : doc;
}

static const char *const chain_names[LSEC_NF_CHAIN_MAX] = {
	[LSEC_NF_INPUT] = "input",
	[LSEC_NF_OUTPUT] = "output",
	[LSEC_NF_FORWARD] = "forward",
	[LSEC_NF_PREROUTING] = "prerouting",
	[LSEC_NF_NAT_OUTPUT] = "nat_output",
	[LSEC_NF_POSTROUTING] = "postrouting",
};

static const char *const chain_specs[LSEC_NF_CHAIN_MAX] = {
	[LSEC_NF_INPUT] = "type filter hook input priority filter - 10",
	[LSEC_NF_OUTPUT] = "type filter hook output priority filter - 10",
	[LSEC_NF_FORWARD] = "type filter hook forward priority filter - 10",
	[LSEC_NF_PREROUTING] = "type nat hook prerouting priority dstnat - 10",
	[LSEC_NF_NAT_OUTPUT] = "type nat hook output priority -110",
	[LSEC_NF_POSTROUTING] = "type nat hook postrouting priority srcnat - 10",
};

const char *lsec_nft_chain_name(enum lsec_nf_chain c)
{
	return c < LSEC_NF_CHAIN_MAX ? chain_names[c] : "?";
}

static int chain_by_name(const char *s)
{
	int c;

	for (c = 0; c < LSEC_NF_CHAIN_MAX; c++)
		if (streq(s, chain_names[c]))
			return c;
	return -1;
}

/* ---- block sets: (counting, chain, direction, family, kind) ----
 *
 * An address blocked by name has a counter of its own (lsec fw list shows
 * what it dropped); addresses loaded from a file go to a "_bulk" twin set
 * without per-element counters: nf_tables gives each counted element a
 * per-CPU counter, which more than doubles the kernel's time to load
 * 100,000 of them.  nft(8) requires a set to declare its elements'
 * statements, so the two kinds cannot share one set (and stay printable
 * and restorable by nft).  The set's rule counts the bulk set's drops. */

#define NSETS (2 * 3 * 2 * 2 * 2)

static int set_index(bool bulk, int chain, bool dst, bool v6, bool net)
{
	return (((bulk * 3 + chain) * 2 + dst) * 2 + v6) * 2 + net;
}

static bool set_net(int s) { return s & 1; }
static bool set_v6(int s) { return (s >> 1) & 1; }
static bool set_dst(int s) { return (s >> 2) & 1; }
static int set_chain(int s) { return (s >> 3) % 3; }
static bool set_bulk(int s) { return s >= NSETS / 2; }
static unsigned set_bytes(int s) { return set_v6(s) ? 16 : 4; }
/* the counted set of s's kind */
static int set_base(int s) { return s % (NSETS / 2); }

static void set_name(int s, char *buf, size_t n)
{
	snprintf(buf, n, "%s_%s%c%s%s", chain_names[set_chain(s)],
		 set_dst(s) ? "dst" : "src", set_v6(s) ? '6' : '4',
		 set_net(s) ? "_net" : "", set_bulk(s) ? "_bulk" : "");
}

/* The counted set an address-only DROP rule's kind lives in, or -1 for a
 * real rule. */
static int set_of_key(const struct lsec_nf_key *k)
{
	struct lsec_inet_prefix p;
	bool dst;

	if (!lsec_nf_key_block_addr(k, &p, &dst))
		return -1;
	return set_index(false, k->chain, dst, k->family == 6,
			 p.len < (k->family == 6 ? 128 : 32));
}

/* The set a rule is (or goes) in: its kind's, bulk when uncounted. */
static int set_of_rule(const struct lsec_nf_rule *r)
{
	int s = set_of_key(&r->k);

	return s < 0 || !r->uncounted ? s : s + NSETS / 2;
}

/* ---- the session ---- */

struct handle {
	struct lsec_nf_key k;
	uint64_t handle;
};

struct lsec_nf_backend {
	struct nft_ctx *nft;
	int lockfd;
	bool listed;
	bool table;
	bool chain[LSEC_NF_CHAIN_MAX];
	bool set[NSETS];     /* the block set exists (and its rule) */
	struct handle *h;
	size_t nh, caph;
};

static struct nft_ctx *new_ctx(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);

	if (!nft)
		return NULL;
	if (nft_ctx_buffer_output(nft) < 0 || nft_ctx_buffer_error(nft) < 0) {
		nft_ctx_free(nft);
		return NULL;
	}
	return nft;
}

/* Map libnftables' message to an errno. */
static int nft_errno(const char *msg)
{
	if (!msg)
		return EIO;
	if (strstr(msg, "Operation not permitted"))
		return EPERM;
	if (strstr(msg, "No such file or directory"))
		return ENOENT;
	if (strstr(msg, "not supported") || strstr(msg, "Protocol not"))
		return EOPNOTSUPP;
	if (strstr(msg, "File exists"))
		return EEXIST;
	return EIO;
}

/* Run cmd; on failure the first line of nft's message goes into e. */
int lsec_nft_run(struct lsec_nf_backend *b, const char *cmd, unsigned flags,
		 const char **out, struct lsec_err *e)
{
	const char *msg;
	int code;

	/* created on first use: building a context costs more than many of
	 * the netlink reads lsec does without one */
	if (!b->nft && !(b->nft = new_ctx()))
		return e ? lsec_err_set(e, ENOMEM, "cannot create an nftables context")
			 : -ENOMEM;
	nft_ctx_output_set_flags(b->nft, flags);
	if (nft_run_cmd_from_buffer(b->nft, cmd) == 0) {
		if (out)
			*out = nft_ctx_get_output_buffer(b->nft);
		else
			(void)nft_ctx_get_output_buffer(b->nft);
		(void)nft_ctx_get_error_buffer(b->nft);
		return 0;
	}
	(void)nft_ctx_get_output_buffer(b->nft);
	msg = nft_ctx_get_error_buffer(b->nft);
	code = nft_errno(msg);
	if (e) {
		const char *nl = msg ? strchr(msg, '\n') : NULL;
		int len = msg ? (nl ? (int)(nl - msg) : (int)strlen(msg)) : 0;

		lsec_err_set(e, code, "nf_tables: %.*s", len,
			     msg && *msg ? msg : "command failed");
	}
	return -code;
}

static void nft_close(struct lsec_nf_backend *b)
{
	if (!b)
		return;
	if (b->nft)
		nft_ctx_free(b->nft);
	if (b->lockfd >= 0)
		close(b->lockfd);
	free(b->h);
	free(b);
}

static int nft_open(const struct lsec_nf_open_opts *o,
		    struct lsec_nf_backend **ret, struct lsec_err *e)
{
	struct lsec_nf_backend *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return lsec_err_set(e, ENOMEM, "out of memory");
	b->lockfd = -1;
	if (o && o->write) {
		if (geteuid() != 0 && access(lsec_nf_lock_path(), W_OK) < 0) {
			nft_close(b);
			return lsec_err_set(e, EPERM,
					    "changing the firewall needs root "
					    "(or CAP_NET_ADMIN)");
		}
		/* The same lock as iptables: lsec's read-plan-commit must not
		 * interleave with another lsec's. */
		r = lsec_nf_lock(o->wait_ms, e);
		if (r < 0) {
			nft_close(b);
			return r;
		}
		b->lockfd = r;
	}
	/* Does nf_tables answer at all?  (Over netlink: libnftables' `list
	 * tables` would load every set element.) */
	r = lsec_nft_tables(NULL, NULL);
	if (r < 0) {
		if (r == -EPERM || r == -EACCES)
			lsec_err_set(e, EPERM,
				     "reading nf_tables needs root (or CAP_NET_ADMIN)");
		else
			lsec_err_set(e, EOPNOTSUPP,
				     "nf_tables is not available: %s", strerror(-r));
		nft_close(b);
		return -e->code;
	}
	*ret = b;
	return 0;
}

/* ---- rules: model -> nft text ---- */

static int check_comment(const char *c, struct lsec_err *e)
{
	if (c && strchr(c, '"'))
		return lsec_err_input(e,
				      "invalid comment '%s': nf_tables comments "
				      "cannot hold '\"'",
				      c);
	if (c && strlen(c) >= LSEC_NFT_COMMENT_MAX)
		return lsec_err_input(e,
				      "invalid comment '%.40s...': nf_tables keeps "
				      "at most %d characters",
				      c, LSEC_NFT_COMMENT_MAX - 1);
	return 0;
}

static void put_ports(FILE *f, const char *proto, const char *field,
		      const struct lsec_port_range *p)
{
	if (!p->lo && !p->hi)
		return;
	if (p->lo == p->hi)
		fprintf(f, "%s %s %u ", proto, field, p->lo);
	else
		fprintf(f, "%s %s %u-%u ", proto, field, p->lo, p->hi);
}

static void put_prefix(FILE *f, uint8_t family, const uint8_t *a, uint8_t len)
{
	struct lsec_inet_prefix p = { .family = family, .len = len };
	char buf[64];

	memcpy(p.addr, a, 16);
	lsec_inet_format_prefix(&p, buf, sizeof(buf));
	fputs(buf, f);
}

int lsec_nft_rule_render(const struct lsec_nf_rule *r, FILE *f,
			 struct lsec_err *e)
{
	const struct lsec_nf_key *k = &r->k;
	const char *ip = k->family == 6 ? "ip6" : "ip";
	const char *proto = k->proto == 6 ? "tcp" : k->proto == 17 ? "udp" : NULL;
	int q;

	if (k->verdict == LSEC_NF_OTHER)
		return lsec_err_set(e, EINVAL, "cannot write a rule lsec does not own");
	if (k->proto && !proto)
		return lsec_err_set(e, EINVAL, "protocol %u is not supported",
				    k->proto);
	q = check_comment(r->comment, e);
	if (q < 0)
		return q;
	fprintf(f, "meta nfproto %s ", k->family == 6 ? "ipv6" : "ipv4");
	if (k->in_iface[0])
		fprintf(f, "iifname \"%s\" ", k->in_iface);
	if (k->out_iface[0])
		fprintf(f, "oifname \"%s\" ", k->out_iface);
	if (k->src_len) {
		fprintf(f, "%s saddr ", ip);
		put_prefix(f, k->family, k->src, k->src_len);
		fputc(' ', f);
	}
	if (k->dst_len) {
		fprintf(f, "%s daddr ", ip);
		put_prefix(f, k->family, k->dst, k->dst_len);
		fputc(' ', f);
	}
	if (proto && (k->sport.lo || k->sport.hi || k->dport.lo || k->dport.hi)) {
		put_ports(f, proto, "sport", &k->sport);
		put_ports(f, proto, "dport", &k->dport);
	} else if (proto) {
		fprintf(f, "meta l4proto %s ", proto);
	}
	if (k->dst_local)
		fputs("fib daddr type local ", f);
	fputs("counter ", f);
	switch (k->verdict) {
	case LSEC_NF_ACCEPT: fputs("accept", f); break;
	case LSEC_NF_DROP: fputs("drop", f); break;
	case LSEC_NF_REJECT:
		fputs(k->reject_tcp_reset ? "reject with tcp reset" : "reject", f);
		break;
	case LSEC_NF_DNAT:
		fprintf(f, "dnat %s to ", ip);
		if (k->family == 6 && k->to_port)
			fputc('[', f);
		put_prefix(f, k->family, k->to_addr, k->family == 6 ? 128 : 32);
		if (k->family == 6 && k->to_port)
			fputc(']', f);
		if (k->to_port)
			fprintf(f, ":%u", k->to_port);
		break;
	case LSEC_NF_MASQUERADE: fputs("masquerade", f); break;
	default: break;
	}
	if (r->comment && *r->comment)
		fprintf(f, " comment \"%s\"", r->comment);
	return 0;
}

/* ---- rules: nft JSON -> model ---- */

static int json_prefix(const struct lsec_jv *v, uint8_t *addr, uint8_t *len,
		       uint8_t *fam)
{
	struct lsec_inet_prefix p;
	const struct lsec_jv *pre = lsec_jv_get(v, "prefix");
	const char *s = lsec_jv_str(v);
	char buf[80];

	if (pre) {
		const struct lsec_jv *l = lsec_jv_get(pre, "len");

		s = lsec_jv_str(lsec_jv_get(pre, "addr"));
		if (!s || !l || l->type != LSEC_JV_NUMBER)
			return -1;
		snprintf(buf, sizeof(buf), "%s/%lld", s, (long long)jnum(l));
		s = buf;
	}
	if (!s || lsec_inet_parse_prefix(s, &p, NULL) < 0)
		return -1;
	memcpy(addr, p.addr, 16);
	*len = p.len;
	*fam = p.family;
	return 0;
}

static int json_ports(const struct lsec_jv *v, struct lsec_port_range *p)
{
	const struct lsec_jv *r = lsec_jv_get(v, "range");

	if (v->type == LSEC_JV_NUMBER && jnum(v) > 0 && jnum(v) <= 65535) {
		p->lo = p->hi = (uint16_t)jnum(v);
		return 0;
	}
	if (r && r->type == LSEC_JV_ARRAY && r->n == 2 && r->kid[0].type == LSEC_JV_NUMBER &&
	    r->kid[1].type == LSEC_JV_NUMBER) {
		p->lo = (uint16_t)jnum(&r->kid[0]);
		p->hi = (uint16_t)jnum(&r->kid[1]);
		return 0;
	}
	return -1;
}

static int proto_num(const char *s)
{
	return streq(s, "tcp") ? 6 : streq(s, "udp") ? 17 : -1;
}

/* One match expression into k; -1: not a shape lsec writes. 1: the set
 * reference of an lsec-set rule. */
static int json_match(const struct lsec_jv *m, struct lsec_nf_key *k)
{
	const struct lsec_jv *left = lsec_jv_get(m, "left"),
			*right = lsec_jv_get(m, "right"), *x;
	const char *op = lsec_jv_str(lsec_jv_get(m, "op"));
	uint8_t fam = 0;

	if (!left || !right || (op && !streq(op, "==")))
		return -1;
	if ((x = lsec_jv_get(left, "meta"))) {
		const char *key = lsec_jv_str(lsec_jv_get(x, "key"));
		const char *s = lsec_jv_str(right);
		int p;

		if (streq(key, "nfproto") && (streq(s, "ipv4") || streq(s, "ipv6"))) {
			k->family = streq(s, "ipv4") ? 4 : 6;
			return 0;
		}
		if (streq(key, "l4proto") && (p = proto_num(s)) > 0) {
			k->proto = (uint8_t)p;
			return 0;
		}
		if ((streq(key, "iifname") || streq(key, "oifname")) && s &&
		    strlen(s) < LSEC_IFNAMSIZ) {
			strcpy(key[0] == 'i' ? k->in_iface : k->out_iface, s);
			return 0;
		}
		return -1;
	}
	if ((x = lsec_jv_get(left, "payload"))) {
		const char *pr = lsec_jv_str(lsec_jv_get(x, "protocol"));
		const char *field = lsec_jv_str(lsec_jv_get(x, "field"));
		int p;

		if (streq(pr, "ip") || streq(pr, "ip6")) {
			bool src = streq(field, "saddr");

			if (!src && !streq(field, "daddr"))
				return -1;
			if (lsec_jv_str(right) && lsec_jv_str(right)[0] == '@')
				return 1;
			if (json_prefix(right, src ? k->src : k->dst,
					src ? &k->src_len : &k->dst_len, &fam) < 0 ||
			    fam != (streq(pr, "ip") ? 4 : 6))
				return -1;
			k->family = fam;
			return 0;
		}
		if ((p = proto_num(pr)) > 0) {
			k->proto = (uint8_t)p;
			if (streq(field, "sport"))
				return json_ports(right, &k->sport);
			if (streq(field, "dport"))
				return json_ports(right, &k->dport);
		}
		return -1;
	}
	if ((x = lsec_jv_get(left, "fib"))) {
		const struct lsec_jv *fl = lsec_jv_get(x, "flags");

		if (streq(lsec_jv_str(lsec_jv_get(x, "result")), "type") &&
		    fl && fl->type == LSEC_JV_ARRAY && fl->n == 1 &&
		    streq(lsec_jv_str(&fl->kid[0]), "daddr") &&
		    streq(lsec_jv_str(right), "local")) {
			k->dst_local = 1;
			return 0;
		}
	}
	return -1;
}

/*
 * A JSON "rule" object into r.  Returns 0 for an lsec rule, 1 for an
 * lsec-set rule (*setref: the set's name), -1 for anything else.
 */
int lsec_nft_rule_parse(const struct lsec_jv *rule, int chain, struct lsec_nf_rule *r,
			const char **setref)
{
	const struct lsec_jv *ex = lsec_jv_get(rule, "expr");
	const char *comment = lsec_jv_str(lsec_jv_get(rule, "comment"));
	struct lsec_nf_key *k = &r->k;
	bool is_set = false;
	size_t i;

	memset(r, 0, sizeof(*r));
	lsec_nf_key_init(k, 0, (enum lsec_nf_chain)chain, LSEC_NF_OTHER);
	if (!ex || ex->type != LSEC_JV_ARRAY || !comment ||
	    strncmp(comment, LSEC_NF_TAG, strlen(LSEC_NF_TAG)) != 0)
		return -1;
	for (i = 0; i < ex->n; i++) {
		const struct lsec_jv *val;
		const char *what = lsec_jv_only(&ex->kid[i], &val);

		if (!what)
			return -1;
		if (streq(what, "match")) {
			int m = json_match(val, k);

			if (m < 0)
				return -1;
			if (m == 1) {
				const struct lsec_jv *rt = lsec_jv_get(val, "right");

				is_set = true;
				if (setref)
					*setref = lsec_jv_str(rt) + 1;
			}
		} else if (streq(what, "counter")) {
			const struct lsec_jv *p = lsec_jv_get(val, "packets"),
					*b = lsec_jv_get(val, "bytes");

			r->packets = p && p->type == LSEC_JV_NUMBER ? (uint64_t)jnum(p) : 0;
			r->bytes = b && b->type == LSEC_JV_NUMBER ? (uint64_t)jnum(b) : 0;
		} else if (streq(what, "accept")) {
			k->verdict = LSEC_NF_ACCEPT;
		} else if (streq(what, "drop")) {
			k->verdict = LSEC_NF_DROP;
		} else if (streq(what, "reject")) {
			k->verdict = LSEC_NF_REJECT;
			k->reject_tcp_reset =
				streq(lsec_jv_str(lsec_jv_get(val, "type")), "tcp reset");
		} else if (streq(what, "masquerade")) {
			k->verdict = LSEC_NF_MASQUERADE;
		} else if (streq(what, "dnat")) {
			const struct lsec_jv *port = lsec_jv_get(val, "port");
			uint8_t len, fam;

			k->verdict = LSEC_NF_DNAT;
			if (json_prefix(lsec_jv_get(val, "addr"), k->to_addr, &len,
					&fam) < 0)
				return -1;
			k->family = fam;
			if (port && port->type == LSEC_JV_NUMBER)
				k->to_port = (uint16_t)jnum(port);
		} else {
			return -1;
		}
	}
	if (is_set)
		return streq(comment, "lsec-set") ? 1
		       : strncmp(comment, "lsec-blocklist ", 15) == 0 ? 2
								       : -1;
	if (k->verdict == LSEC_NF_OTHER || !k->family)
		return -1;
	r->comment = (char *)comment;
	return 0;
}

/* ---- list ---- */

static int remember(struct lsec_nf_backend *b, const struct lsec_nf_key *k,
		    uint64_t handle)
{
	if (b->nh == b->caph) {
		size_t cap = b->caph ? b->caph * 2 : 32;
		struct handle *h = realloc(b->h, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		b->h = h;
		b->caph = cap;
	}
	b->h[b->nh].k = *k;
	b->h[b->nh++].handle = handle;
	return 0;
}

struct elem_ctx {
	struct lsec_nf_ruleset *out;
	int idx;
};

static int elem_to_rule(const struct lsec_inet_prefix *p,
			const struct lsec_nft_elem *el, void *userdata)
{
	struct elem_ctx *c = userdata;
	int chain = set_chain(c->idx), dst = set_dst(c->idx);
	struct lsec_nf_rule r = { .comment = (char *)(el->comment[0]
							  ? el->comment
							  : LSEC_NF_TAG),
				  .packets = el->packets,
				  .bytes = el->bytes,
				  .uncounted = set_bulk(c->idx) };

	lsec_nf_key_init(&r.k, p->family, (enum lsec_nf_chain)chain,
			 LSEC_NF_DROP);
	if (dst) {
		memcpy(r.k.dst, p->addr, 16);
		r.k.dst_len = p->len;
	} else {
		memcpy(r.k.src, p->addr, 16);
		r.k.src_len = p->len;
	}
	return lsec_nf_ruleset_add(c->out, &r) < 0 ? -ENOMEM : 0;
}

/* The table as JSON (sets without elements), parsed; NULL with *absent
 * set when there is no table. */
static struct lsec_jv *table_json(struct lsec_nf_backend *b, bool *absent,
			     struct lsec_err *e)
{
	const char *out = NULL;
	struct lsec_jv *doc;
	int r;

	*absent = false;
	r = lsec_nft_run(b, "list table inet " LSEC_NFT_TABLE,
			 NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE |
				 NFT_CTX_OUTPUT_TERSE,
			 &out, e);
	if (r == -ENOENT) {
		lsec_err_clear(e);
		*absent = true;
		return NULL;
	}
	if (r < 0)
		return NULL;
	doc = jparse(out);
	if (!doc)
		lsec_err_set(e, EIO, "nf_tables: cannot parse the JSON listing");
	return doc;
}

static int mark_set(const char *name, uint64_t timeout_ms, uint32_t flags,
		    void *userdata)
{
	struct lsec_nf_backend *b = userdata;
	char n[64];
	int s;

	for (s = 0; s < NSETS; s++) {
		set_name(s, n, sizeof(n));
		if (streq(n, name))
			b->set[s] = true;
	}
	return 0;
}

/* What a planned change reads of the block sets: read[s] the whole set,
 * else found[s] (the elements point lookups found) stands for it. */
struct partial {
	bool read[NSETS];
	struct lsec_nf_ruleset found[NSETS];
};

static int list_some(struct lsec_nf_backend *b, struct lsec_nf_ruleset *out,
		     const struct partial *pt, struct lsec_err *e);

static int nft_list(struct lsec_nf_backend *b, struct lsec_nf_ruleset *out,
		    struct lsec_err *e)
{
	return list_some(b, out, NULL, e);
}

static int list_some(struct lsec_nf_backend *b, struct lsec_nf_ruleset *out,
		     const struct partial *pt, struct lsec_err *e)
{
	struct lsec_jv *doc;
	const struct lsec_jv *items = NULL;
	bool absent;
	size_t i;
	int c, r, s;

	b->nh = 0;
	b->table = false;
	memset(b->chain, 0, sizeof(b->chain));
	memset(b->set, 0, sizeof(b->set));
	b->listed = true;
	doc = table_json(b, &absent, e);
	if (!doc && !absent)
		return -e->code;
	b->table = !absent;
	/* the block sets: names over netlink (listing that table through
	 * libnftables would load every element) */
	r = lsec_nft_sets(LSEC_NFT_BLOCK_TABLE, mark_set, b);
	if (r < 0) {
		lsec_jv_free(doc);
		return lsec_err_set(e, -r, "nf_tables: reading table %s: %s",
				    LSEC_NFT_BLOCK_TABLE, strerror(-r));
	}
	items = lsec_jv_get(doc, "nftables");
	if (!items || items->type != LSEC_JV_ARRAY)
		items = NULL;
	for (i = 0; items && i < items->n; i++) {
		const struct lsec_jv *x = lsec_jv_get(&items->kid[i], "chain");

		if (x && (c = chain_by_name(lsec_jv_str(lsec_jv_get(x, "name")))) >= 0)
			b->chain[c] = true;
	}
	/* chain by chain: the block sets' elements (their chains run first),
	 * then the chain's rules in order */
	for (c = 0; c < LSEC_NF_CHAIN_MAX && r >= 0; c++) {
		unsigned other = 0;

		for (s = 0; s < NSETS && r >= 0; s++) {
			struct elem_ctx ec = { out, s };
			char name[64];

			if (set_chain(s) != c || !b->set[s])
				continue;
			if (pt && !pt->read[s]) {
				size_t j;

				for (j = 0; j < pt->found[s].n && r >= 0; j++)
					if (lsec_nf_ruleset_add(out, &pt->found[s].v[j]) < 0)
						r = lsec_err_set(e, ENOMEM, "out of memory");
				continue;
			}
			set_name(s, name, sizeof(name));
			r = lsec_nft_set_read(LSEC_NFT_BLOCK_TABLE, name,
					      set_bytes(s), set_net(s),
					      elem_to_rule, &ec);
			if (r == -ENOENT)
				r = 0;
			if (r < 0)
				lsec_err_set(e, -r, "nf_tables: reading set %s: %s",
					     name, strerror(-r));
		}
		for (i = 0; items && i < items->n && r >= 0; i++) {
			const struct lsec_jv *x = lsec_jv_get(&items->kid[i], "rule");
			const struct lsec_jv *h;
			struct lsec_nf_rule rule;
			char text[64];
			int t;

			if (!x || chain_by_name(lsec_jv_str(lsec_jv_get(x, "chain"))) != c)
				continue;
			h = lsec_jv_get(x, "handle");
			t = lsec_nft_rule_parse(x, c, &rule, NULL);
			if (t != 0) {
				lsec_nf_key_init(&rule.k, 0, (enum lsec_nf_chain)c,
						 LSEC_NF_OTHER);
				rule.k.other_id = (uint16_t)++other;
				rule.comment = (char *)lsec_jv_str(
					lsec_jv_get(x, "comment"));
				snprintf(text, sizeof(text),
					 "nft rule in chain %s, handle %lld",
					 chain_names[c],
					 h && h->type == LSEC_JV_NUMBER ? (long long)jnum(h) : -1LL);
				rule.text = text;
			}
			if (lsec_nf_ruleset_add(out, &rule) < 0 ||
			    remember(b, &rule.k, h && h->type == LSEC_JV_NUMBER ? (uint64_t)jnum(h) : 0) < 0)
				r = lsec_err_set(e, ENOMEM, "out of memory");
		}
	}
	lsec_jv_free(doc);
	return r;
}

/* ---- plan without reading every element ---- */

/* The address of a set's element rule. */
static const struct lsec_inet_prefix *key_prefix(const struct lsec_nf_key *k,
						 struct lsec_inet_prefix *p)
{
	lsec_nf_key_block_addr(k, p, NULL);
	return p;
}

struct found_ctx {
	struct lsec_nf_ruleset *out; /* NULL: only hit[] */
	const struct lsec_nf_rule *const *req;
	const struct lsec_nf_ruleset *present;
	bool *hit;                   /* per rule of present */
	bool bulk;                   /* the set looked in is a bulk one */
};

static int found_rule(size_t idx, const struct lsec_nft_elem *el, void *userdata)
{
	struct found_ctx *c = userdata;
	const struct lsec_nf_rule *q = c->req[idx];
	struct lsec_nf_rule r;

	/* pointer arithmetic only: a re-run of 100,000 touches no rule */
	if (c->present && q >= c->present->v && q < c->present->v + c->present->n)
		c->hit[q - c->present->v] = true;
	if (!c->out)
		return 0;
	r = (struct lsec_nf_rule){ .k = q->k,
				   .comment = (char *)(el->comment[0] ? el->comment
								      : LSEC_NF_TAG),
				   .packets = el->packets,
				   .bytes = el->bytes,
				   .uncounted = c->bulk };
	return lsec_nf_ruleset_add(c->out, &r) < 0 ? -ENOMEM : 0;
}

/* Up to this many requested elements are looked up one by one; for more,
 * one dump of the set is cheaper (an idempotent re-run of 100,000). */
#define LOOKUPS_MAX 4096

struct dump_find {
	struct lsec_inet_ptable t;
	const struct lsec_nft_elem *el;
	struct found_ctx *fc;
};

static int dump_found(size_t i, void *userdata)
{
	struct dump_find *d = userdata;

	return found_rule(i, d->el, d->fc);
}

static int dump_elem(const struct lsec_inet_prefix *p, const struct lsec_nft_elem *el,
		     void *userdata)
{
	struct dump_find *d = userdata;

	d->el = el;
	return lsec_inet_ptable_each(&d->t, p, dump_found, d);
}

/* Point lookups of set s's requested elements (unique keys). */
static int lookup_set(int s, const struct lsec_nf_rule *const *req, size_t n,
		      struct found_ctx *fc, struct lsec_err *e)
{
	_cleanup_free_ struct lsec_inet_prefix *pv = calloc(n ? n : 1, sizeof(*pv));
	_cleanup_free_ const struct lsec_inet_prefix **pp = calloc(n ? n : 1, sizeof(*pp));
	_cleanup_free_ bool *present = calloc(n ? n : 1, sizeof(*present));
	char name[64];
	bool any = false;
	size_t i;
	int r;

	if (!pv || !pp || !present)
		return lsec_err_set(e, ENOMEM, "out of memory");
	set_name(s, name, sizeof(name));
	fc->req = req;
	fc->bulk = set_bulk(s);
	/* an empty set answers every lookup with "no": skip them */
	r = lsec_nft_set_any(LSEC_NFT_BLOCK_TABLE, name, &any);
	if (r >= 0 && any) {
		for (i = 0; i < n; i++)
			pp[i] = key_prefix(&req[i]->k, &pv[i]);
		if (n <= LOOKUPS_MAX) {
			r = lsec_nft_set_get(LSEC_NFT_BLOCK_TABLE, name, set_bytes(s),
					     pp, n, present, found_rule, fc);
		} else {
			struct dump_find d = { .fc = fc };

			r = lsec_inet_ptable_init(&d.t, pv, n);
			if (r >= 0)
				r = lsec_nft_set_read(LSEC_NFT_BLOCK_TABLE, name,
						      set_bytes(s), false, dump_elem, &d);
			lsec_inet_ptable_free(&d.t);
		}
	}
	if (r == -ENOENT)
		r = 0;
	if (r < 0)
		return lsec_err_set(e, -r, "nf_tables: reading set %s: %s", name,
				    strerror(-r));
	return 0;
}

static int add_req(const struct lsec_nf_rule ***v, size_t *n, size_t *cap,
		   const struct lsec_nf_rule *r)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		const struct lsec_nf_rule **nv = realloc(*v, c * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = r;
	return 0;
}

/*
 * nf_tables interval sets refuse overlapping elements, so prefixes that
 * nest are settled in the plan: a prefix inside another one that stays or
 * comes (in either set of its kind) is already blocked and is not added;
 * an element inside a prefix being added goes, replaced by it.  Either way
 * every address asked for ends up blocked, as with ipset's hash:net.
 */
static int settle_nesting(const struct lsec_nf_ruleset *cur, struct lsec_nf_plan *p,
			  struct lsec_err *e)
{
	_cleanup_free_ struct lsec_inet_prefix *pv = NULL;
	_cleanup_free_ const struct lsec_inet_prefix **pp = NULL;
	_cleanup_free_ const struct lsec_nf_rule **who = NULL;
	_cleanup_free_ size_t *outer = NULL;
	_cleanup_free_ bool *keep = NULL;
	struct lsec_nf_keyset gone = { 0 };
	size_t n = 0, i, max = cur->n + p->add.n, nadd = 0;
	bool any = false;
	int r = 0, s, k;

	for (i = 0; i < p->add.n && !any; i++)
		any = (s = set_of_key(&p->add.v[i].k)) >= 0 && set_net(s);
	if (!any)
		return 0;
	pv = calloc(max, sizeof(*pv));
	pp = calloc(max, sizeof(*pp));
	who = calloc(max, sizeof(*who));
	outer = calloc(max, sizeof(*outer));
	keep = calloc(p->add.n, sizeof(*keep));
	if (!pv || !pp || !who || !outer || !keep)
		return lsec_err_set(e, ENOMEM, "out of memory");
	for (i = 0; i < p->del.n && r >= 0; i++)
		r = lsec_nf_keyset_add(&gone, &p->del.v[i].k);
	for (i = 0; i < p->add.n; i++)
		keep[i] = true;
	/* kind by kind (chain, side, family: the counted and the bulk set
	 * together): the adds first (who[0..nadd)), then what stays */
	for (k = 0; k < NSETS / 2 && r >= 0; k++) {
		if (!set_net(k))
			continue;
		for (i = n = 0; i < p->add.n; i++)
			if (set_of_key(&p->add.v[i].k) == k)
				who[n++] = &p->add.v[i];
		if (!n)
			continue;
		nadd = n;
		for (i = 0; i < cur->n; i++)
			if (set_of_key(&cur->v[i].k) == k &&
			    !lsec_nf_keyset_has(&gone, &cur->v[i].k))
				who[n++] = &cur->v[i];
		for (i = 0; i < n; i++)
			pp[i] = key_prefix(&who[i]->k, &pv[i]);
		r = lsec_inet_outermost(pp, n, outer);
		for (i = 0; i < n && r >= 0; i++) {
			if (outer[i] == (size_t)-1)
				continue;
			if (i < nadd)
				keep[who[i] - p->add.v] = false;
			else if (lsec_nf_ruleset_add(&p->del, who[i]) < 0)
				r = -ENOMEM;
		}
	}
	lsec_nf_keyset_free(&gone);
	if (r < 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	lsec_nf_ruleset_keep(&p->add, keep);
	return 0;
}

/*
 * The plan of lsec_nf_plan_build, but the plain block sets are not read:
 * only the requested addresses are looked up, so a block or unblock costs
 * what it changes, not what the sets hold.  Interval sets (prefixes) that
 * the request touches and the rule chains are read as by list().  Elements
 * to keep that exist already leave the request (they are no change) rather
 * than joining the current rules: an idempotent re-run of 100,000 builds
 * no second copy of them.
 */
static int nft_plan(struct lsec_nf_backend *b, const struct lsec_nf_ruleset *present,
		    const struct lsec_nf_ruleset *absent, struct lsec_nf_plan *ret,
		    struct lsec_err *e)
{
	const struct lsec_nf_ruleset *in[2] = { present, absent };
	const struct lsec_nf_rule **req[NSETS] = { 0 };
	size_t nreq[NSETS] = { 0 }, capreq[NSETS] = { 0 }, i, np = present ? present->n : 0;
	struct lsec_nf_keyset seen = { 0 };
	struct lsec_nf_ruleset cur = { 0 }, left = { 0 };
	struct partial *pt = calloc(1, sizeof(*pt));
	size_t *rep = calloc(np ? np : 1, sizeof(*rep));
	bool *hit = calloc(np ? np : 1, sizeof(*hit)), any_hit = false, only_elems = true;
	struct found_ctx fc = { .present = present, .hit = hit };
	int r = 0, s, t;

	if (!pt || !rep || !hit || lsec_nf_keyset_reserve(&seen, np) < 0) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	/* the requested elements per set, each key once; rep[i]: the rule of
	 * present whose lookup answers for rule i */
	for (t = 0; t < 2 && r >= 0; t++)
		for (i = 0; in[t] && i < in[t]->n && r >= 0; i++) {
			const struct lsec_nf_rule *rule = &in[t]->v[i];
			const struct lsec_nf_key *first;

			if (t == 0)
				rep[i] = i;
			s = set_of_key(&rule->k);
			only_elems &= s >= 0 && !set_net(s);
			if (s < 0)
				continue;
			if (set_net(s)) {
				pt->read[s] = pt->read[s + NSETS / 2] = true;
				continue;
			}
			r = lsec_nf_keyset_add(&seen, &rule->k);
			if (r > 0)
				r = add_req(&req[s], &nreq[s], &capreq[s], rule);
			else if (r == 0 && t == 0) {
				first = lsec_nf_keyset_get(&seen, &rule->k);
				rep[i] = (size_t)((const struct lsec_nf_rule *)
					(const void *)((const char *)first -
						       offsetof(struct lsec_nf_rule, k)) -
					present->v);
			}
		}
	if (r < 0) {
		r = lsec_err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	memset(b->set, 0, sizeof(b->set));
	r = lsec_nft_sets(LSEC_NFT_BLOCK_TABLE, mark_set, b);
	if (r < 0)
		r = lsec_err_set(e, -r, "nf_tables: reading table %s: %s",
				 LSEC_NFT_BLOCK_TABLE, strerror(-r));
	/* a kind's requests are looked up in its counted and its bulk set */
	for (s = 0; s < NSETS && r >= 0; s++)
		if (nreq[set_base(s)] && b->set[s]) {
			/* found elements join the current rules only where
			 * something may have to go */
			fc.out = absent && absent->n ? &pt->found[s] : NULL;
			r = lookup_set(s, req[set_base(s)], nreq[set_base(s)], &fc, e);
		}
	for (i = 0; i < np && r >= 0; i++) {
		hit[i] = hit[rep[i]];
		any_hit |= hit[i];
	}
	/* only addresses to add (lsec fw block): the plan is what the lookups
	 * did not find, each once; no rule listing is needed */
	if (r >= 0 && !(absent && absent->n) && only_elems) {
		bool all_new = true;

		memset(ret, 0, sizeof(*ret));
		for (i = 0; i < np && all_new; i++)
			all_new = rep[i] == i && !hit[i];
		if (all_new) {
			ret->add = *present;
			ret->add_borrowed = true;
			goto out;
		}
		if (lsec_nf_ruleset_reserve(&ret->add, np) < 0)
			r = lsec_err_set(e, ENOMEM, "out of memory");
		for (i = 0; i < np && r >= 0; i++)
			if (rep[i] == i && !hit[i] &&
			    lsec_nf_ruleset_add(&ret->add, &present->v[i]) < 0)
				r = lsec_err_set(e, ENOMEM, "out of memory");
		if (r < 0)
			lsec_nf_plan_free(ret);
		goto out;
	}
	if (r >= 0)
		r = list_some(b, &cur, pt, e);
	if (r >= 0 && any_hit) {
		left.v = malloc((np ? np : 1) * sizeof(*left.v));
		if (!left.v)
			r = lsec_err_set(e, ENOMEM, "out of memory");
		for (i = 0; i < np && r >= 0; i++)
			if (!hit[i])
				left.v[left.n++] = present->v[i];
	}
	if (r >= 0)
		r = lsec_nf_plan_build(&cur, any_hit ? &left : present, absent, ret, e);
	if (r >= 0)
		r = settle_nesting(&cur, ret, e);
out:
	for (s = 0; s < NSETS; s++) {
		free(req[s]);
		if (pt)
			lsec_nf_ruleset_free(&pt->found[s]);
	}
	free(left.v); /* borrowed rules: the array only */
	free(pt);
	free(rep);
	free(hit);
	lsec_nf_keyset_free(&seen);
	lsec_nf_ruleset_free(&cur);
	return r < 0 ? r : 1;
}

/* ---- apply ---- */

static const struct handle *find_handle(const struct lsec_nf_backend *b,
					const struct lsec_nf_key *k)
{
	size_t i;

	for (i = 0; i < b->nh; i++)
		if (memcmp(&b->h[i].k, k, sizeof(*k)) == 0)
			return &b->h[i];
	return NULL;
}

void lsec_nft_put_table(FILE *f)
{
	fputs("add table inet " LSEC_NFT_TABLE " { comment \"lsec\"; }\n", f);
}

void lsec_nft_put_chain(FILE *f, enum lsec_nf_chain c)
{
	fprintf(f, "add chain inet " LSEC_NFT_TABLE " %s { %s; policy accept; }\n",
		chain_names[c], chain_specs[c]);
}

static void put_block_set(FILE *f, int s)
{
	char name[64];

	set_name(s, name, sizeof(name));
	fprintf(f,
		"add set inet " LSEC_NFT_BLOCK_TABLE " %s { type %s; flags %stimeout; %s}\n",
		name, set_v6(s) ? "ipv6_addr" : "ipv4_addr",
		set_net(s) ? "interval," : "", set_bulk(s) ? "" : "counter; ");
}

/* Elements of one set, from rules or prefixes, "a, b comment "x", ..." */
static void put_elem(FILE *f, bool *first, uint8_t family, const uint8_t *a,
		     uint8_t len, const char *comment)
{
	if (!*first)
		fputs(", ", f);
	*first = false;
	put_prefix(f, family, a, len);
	if (comment && *comment && !streq(comment, LSEC_NF_TAG))
		fprintf(f, " comment \"%s\"", comment);
}

static int put_set_elems(FILE *f, const char *verb, int s,
			 const struct lsec_nf_ruleset *rs, struct lsec_err *e)
{
	bool first = true;
	char name[64];
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct lsec_nf_rule *r = &rs->v[i];
		bool dst = set_dst(s);
		int q;

		if (set_of_rule(r) != s)
			continue;
		if (first) {
			set_name(s, name, sizeof(name));
			fprintf(f, "%s element inet " LSEC_NFT_BLOCK_TABLE " %s { ",
				verb, name);
		}
		if (*verb == 'a' && (q = check_comment(r->comment, e)) < 0)
			return q;
		put_elem(f, &first, r->k.family, dst ? r->k.dst : r->k.src,
			 dst ? r->k.dst_len : r->k.src_len,
			 *verb == 'a' ? r->comment : NULL);
	}
	if (!first)
		fputs(" }\n", f);
	return !first;
}

static void put_set_rule(FILE *f, int s)
{
	char name[64];

	set_name(s, name, sizeof(name));
	fprintf(f,
		"add rule inet " LSEC_NFT_BLOCK_TABLE " %s %s %s @%s counter drop "
		"comment \"lsec-set\"\n",
		chain_names[set_chain(s)], set_v6(s) ? "ip6" : "ip",
		set_dst(s) ? "daddr" : "saddr", name);
}

/* The block table, its chain for set s and set s with its rule. */
static void put_block_struct(FILE *f, const bool need_set[NSETS],
			     const struct lsec_nf_backend *b)
{
	bool chain[3] = { 0 };
	int s, c;

	fputs("add table inet " LSEC_NFT_BLOCK_TABLE
	      " { comment \"lsec fw block\"; }\n", f);
	for (s = 0; s < NSETS; s++)
		chain[set_chain(s)] |= need_set[s];
	for (c = 0; c < 3; c++)
		if (chain[c])
			fprintf(f,
				"add chain inet " LSEC_NFT_BLOCK_TABLE
				" %s { type filter hook %s priority filter - "
				"11; policy accept; }\n",
				chain_names[c], chain_names[c]);
	for (s = 0; s < NSETS; s++)
		if (need_set[s] && !b->set[s]) {
			put_block_set(f, s);
			put_set_rule(f, s);
		}
}

/* A plan of element changes in plain sets only: the elements go over
 * netlink in one transaction (libnftables would parse them as text, which
 * costs more than the kernel's work at 100,000).  Missing sets are made
 * first, empty (they match nothing until the elements are in).  Returns 0
 * when the plan is not of that kind. */
static int apply_elems(struct lsec_nf_backend *b, const struct lsec_nf_plan *p,
		       struct lsec_err *e)
{
	const struct lsec_nf_ruleset *part[2] = { &p->del, &p->add };
	_cleanup_free_ struct lsec_nft_elem_op *ops = NULL;
	_cleanup_free_ struct lsec_inet_prefix *pv = NULL;
	_cleanup_free_ char *buf = NULL;
	bool need_set[NSETS] = { 0 }, missing = false;
	char names[NSETS][64];
	size_t i, n = 0, len = 0;
	int r, s, t;

	ops = calloc(p->del.n + p->add.n, sizeof(*ops));
	if (!ops)
		return lsec_err_set(e, ENOMEM, "out of memory");
	/* the set of each rule (del, then add) in ops[].bytes for now */
	for (t = 0; t < 2; t++)
		for (i = 0; i < part[t]->n; i++, n++) {
			s = set_of_rule(&part[t]->v[i]);
			if (s < 0 || set_net(s))
				return 0;
			ops[n].bytes = (unsigned)s;
			if (t == 1) {
				need_set[s] = true;
				missing |= !b->set[s];
			}
		}
	n = 0;
	pv = calloc(p->del.n + p->add.n, sizeof(*pv));
	if (!pv)
		return lsec_err_set(e, ENOMEM, "out of memory");
	for (s = 0; s < NSETS; s++)
		set_name(s, names[s], sizeof(names[s]));
	/* deletions first, then adds; the set changes with the rule kind
	 * only, so consecutive rules mostly share one message */
	for (t = 0; t < 2; t++)
		for (i = 0; i < part[t]->n; i++) {
			const struct lsec_nf_rule *rule = &part[t]->v[i];

			s = (int)ops[n].bytes;
			if (t == 1 && (r = check_comment(rule->comment, e)) < 0)
				return r;
			ops[n] = (struct lsec_nft_elem_op){
				.set = names[s],
				.bytes = set_bytes(s),
				.add = t == 1,
				.p = key_prefix(&rule->k, &pv[n]),
				.comment = t == 1 && !streq(rule->comment, LSEC_NF_TAG)
						   ? rule->comment : NULL,
			};
			n++;
		}
	if (missing) {
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			return lsec_err_set(e, ENOMEM, "out of memory");
		put_block_struct(f, need_set, b);
		if (fclose(f) != 0)
			return lsec_err_set(e, ENOMEM, "out of memory");
		r = lsec_nft_run(b, buf, 0, NULL, e);
		if (r < 0)
			return r;
		for (s = 0; s < NSETS; s++)
			b->set[s] |= need_set[s];
	}
	r = lsec_nft_elems_change(LSEC_NFT_BLOCK_TABLE, ops, n);
	if (r < 0)
		return lsec_err_set(e, -r, "nf_tables: changing the block sets: %s",
				    strerror(-r));
	return 1;
}

static int nft_apply(struct lsec_nf_backend *b, const struct lsec_nf_plan *p,
		     struct lsec_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, i;
	bool need_chain[LSEC_NF_CHAIN_MAX] = { 0 };
	bool need_set[NSETS] = { 0 }, rules = false, sets = false;
	FILE *f;
	int r = 0, s, c;

	if (lsec_nf_plan_empty(p))
		return 0;
	/* element changes need only b->set (plan() or list() filled it; if
	 * not, the sets are "made" again, which nf_tables takes as no-op) */
	r = apply_elems(b, p, e);
	if (r != 0)
		return r < 0 ? r : 0;
	if (!b->listed) {
		struct lsec_nf_ruleset tmp = { 0 };

		r = nft_list(b, &tmp, e);
		lsec_nf_ruleset_free(&tmp);
		if (r < 0)
			return r;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return lsec_err_set(e, ENOMEM, "out of memory");
	for (i = 0; i < p->add.n; i++) {
		const struct lsec_nf_key *k = &p->add.v[i].k;

		if ((s = set_of_rule(&p->add.v[i])) >= 0) {
			need_set[s] = sets = true;
		} else if (k->chain < LSEC_NF_CHAIN_MAX) {
			need_chain[k->chain] = rules = true;
		}
	}
	if (rules) {
		lsec_nft_put_table(f);
		for (c = 0; c < LSEC_NF_CHAIN_MAX; c++)
			if (need_chain[c])
				lsec_nft_put_chain(f, c);
	}
	if (sets)
		put_block_struct(f, need_set, b);
	/* deletions first: rules by handle, elements per set */
	for (i = 0; i < p->del.n && r >= 0; i++) {
		const struct lsec_nf_key *k = &p->del.v[i].k;
		const struct handle *h;

		if (set_of_key(k) >= 0)
			continue;
		h = find_handle(b, k);
		if (!h) {
			r = lsec_err_set(e, ENOENT, "nf_tables: rule to delete not found");
			break;
		}
		fprintf(f, "delete rule inet " LSEC_NFT_TABLE " %s handle %llu\n",
			chain_names[k->chain], (unsigned long long)h->handle);
	}
	for (s = 0; s < NSETS && r >= 0; s++)
		r = put_set_elems(f, "delete", s, &p->del, e);
	for (s = 0; s < NSETS && r >= 0; s++)
		if (need_set[s])
			r = put_set_elems(f, "add", s, &p->add, e);
	for (i = 0; i < p->add.n && r >= 0; i++) {
		const struct lsec_nf_rule *rule = &p->add.v[i];

		if (set_of_key(&rule->k) >= 0)
			continue;
		fprintf(f, "add rule inet " LSEC_NFT_TABLE " %s ",
			chain_names[rule->k.chain]);
		r = lsec_nft_rule_render(rule, f, e);
		fputc('\n', f);
	}
	if (fclose(f) != 0 && r >= 0)
		r = lsec_err_set(e, ENOMEM, "out of memory");
	if (r < 0)
		return r;
	r = lsec_nft_run(b, buf, 0, NULL, e);
	b->listed = false; /* handles changed */
	return r < 0 ? r : 0;
}

/* ---- flush ---- */

static int nft_flush(struct lsec_nf_backend *b, bool check,
		     struct lsec_nf_ruleset *removed, struct lsec_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char **names = NULL;
	size_t len = 0, nn = 0, i;
	bool block = false;
	int r, n = 0, c, s;
	FILE *f;

	r = nft_list(b, removed, e);
	if (r >= 0)
		r = lsec_nft_bl_names(b, &names, &nn, e);
	if (r < 0)
		return r;
	for (c = 0; c < LSEC_NF_CHAIN_MAX; c++)
		n += b->chain[c];
	for (s = 0; s < NSETS; s++)
		block |= b->set[s];
	n += (int)nn + block;
	if (!n && b->table)
		n = 1; /* the empty table itself */
	if (check || !n) {
		lsec_nft_names_free(names, nn);
		return n;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		lsec_nft_names_free(names, nn);
		return lsec_err_set(e, ENOMEM, "out of memory");
	}
	if (b->table)
		fputs("delete table inet " LSEC_NFT_TABLE "\n", f);
	if (block)
		fputs("delete table inet " LSEC_NFT_BLOCK_TABLE "\n", f);
	for (i = 0; i < nn; i++)
		fprintf(f, "delete table inet " LSEC_NFT_BL_PREFIX "%s\n", names[i]);
	lsec_nft_names_free(names, nn);
	if (fclose(f) != 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	r = lsec_nft_run(b, buf, 0, NULL, e);
	b->listed = false;
	return r < 0 ? r : n;
}

/* ---- status ---- */


static int nft_status(struct lsec_nf_backend *b, struct lsec_nf_status *st,
		      struct lsec_err *e)
{
	struct lsec_nf_ruleset rs = { 0 };
	const char *out = NULL;
	size_t i;
	int r, fi, c;
	bool forwards[2] = { false, false };

	memset(st, 0, sizeof(*st));
	st->backend = lsec_nf_nft_ops.name;
	st->ip_forward[0] = lsec_nf_forwarding(4);
	st->ip_forward[1] = lsec_nf_forwarding(6);
	r = nft_list(b, &rs, e);
	if (r < 0)
		return r;
	/* one inet table serves both families */
	for (fi = 0; fi < 2; fi++) {
		st->fam[fi].available = true;
		for (c = 0; c < LSEC_NF_CHAIN_MAX; c++)
			st->fam[fi].chain[c] = st->fam[fi].hooked[c] = b->chain[c];
		for (c = 0; c < NSETS; c++)
			if (b->set[c])
				st->fam[fi].chain[set_chain(c)] =
					st->fam[fi].hooked[set_chain(c)] = true;
	}
	for (i = 0; i < rs.n; i++) {
		const struct lsec_nf_key *k = &rs.v[i].k;

		fi = k->family == 6;
		if (k->chain < LSEC_NF_CHAIN_MAX) {
			if (k->verdict == LSEC_NF_OTHER) {
				st->fam[0].rules[k->chain]++;
				continue;
			}
			st->fam[fi].rules[k->chain]++;
			if (k->chain == LSEC_NF_PREROUTING)
				forwards[fi] = true;
		}
	}
	lsec_nf_ruleset_free(&rs);
	if ((forwards[0] && !st->ip_forward[0]) || (forwards[1] && !st->ip_forward[1]))
		lsec_nf_warn_forwarding(st);
	if (lsec_nft_run(b, "list chains", 0, &out, NULL) == 0 && out) {
		if (strstr(out, "chain ufw"))
			lsec_nf_warn(st, "ufw's chains are present (in nf_tables); an "
				 "lsec allow does not undo a drop there");
		if (strstr(out, "chain DOCKER"))
			lsec_nf_warn(st, "Docker's chains are present (in nf_tables); "
				 "published ports bypass INPUT rules");
	}
	lsec_nf_legacy_survey(st);
	return 0;
}

const struct lsec_nf_backend_ops lsec_nf_nft_ops = {
	.name = "nft",
	.open = nft_open,
	.list = nft_list,
	.plan = nft_plan,
	.apply = nft_apply,
	.flush = nft_flush,
	.status = nft_status,
	.close = nft_close,
};
