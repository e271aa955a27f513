/* SPDX-License-Identifier: MIT */
/* The backend-neutral half of lsec's Netfilter module: rules, plans, names. */
#include "lsec/netfilter.h"
#include "lsec/nft.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "lsec/cleanup.h"
#include "lsec/util.h"

static const struct {
	const char *table, *hook, *chain;
} chains[LSEC_NF_CHAIN_MAX] = {
	[LSEC_NF_INPUT] = { "filter", "INPUT", "LSEC-INPUT" },
	[LSEC_NF_OUTPUT] = { "filter", "OUTPUT", "LSEC-OUTPUT" },
	[LSEC_NF_FORWARD] = { "filter", "FORWARD", "LSEC-FORWARD" },
	[LSEC_NF_PREROUTING] = { "nat", "PREROUTING", "LSEC-PREROUTING" },
	[LSEC_NF_NAT_OUTPUT] = { "nat", "OUTPUT", "LSEC-OUTPUT" },
	[LSEC_NF_POSTROUTING] = { "nat", "POSTROUTING", "LSEC-POSTROUTING" },
};

const char *lsec_nf_table_name(enum lsec_nf_chain c)
{
	return c < LSEC_NF_CHAIN_MAX ? chains[c].table : "?";
}
const char *lsec_nf_hook_name(enum lsec_nf_chain c)
{
	return c < LSEC_NF_CHAIN_MAX ? chains[c].hook : "?";
}
const char *lsec_nf_chain_name(enum lsec_nf_chain c)
{
	return c < LSEC_NF_CHAIN_MAX ? chains[c].chain : "?";
}

const char *lsec_nf_verdict_name(enum lsec_nf_verdict v)
{
	static const char *const names[] = {
		[LSEC_NF_OTHER] = "other",   [LSEC_NF_ACCEPT] = "accept",
		[LSEC_NF_DROP] = "drop",     [LSEC_NF_REJECT] = "reject",
		[LSEC_NF_DNAT] = "dnat",     [LSEC_NF_MASQUERADE] = "masquerade",
	};
	return v <= LSEC_NF_MASQUERADE ? names[v] : "other";
}

void lsec_nf_key_init(struct lsec_nf_key *k, uint8_t family,
		      enum lsec_nf_chain chain, enum lsec_nf_verdict v)
{
	memset(k, 0, sizeof(*k));
	k->family = family;
	k->chain = (uint8_t)chain;
	k->verdict = (uint8_t)v;
}

bool lsec_nf_key_block_addr(const struct lsec_nf_key *k,
			    struct lsec_inet_prefix *p, bool *dst)
{
	static const struct lsec_nf_key zero;
	const size_t rest = offsetof(struct lsec_nf_key, sport);
	bool d;

	if (k->verdict != LSEC_NF_DROP || k->chain > LSEC_NF_FORWARD ||
	    (k->family != 4 && k->family != 6) || !!k->src_len == !!k->dst_len)
		return false;
	d = k->dst_len > 0;
	/* nothing else may be set (the unused side's address bytes are 0 by
	 * lsec_nf_key_init) */
	if (k->reject_tcp_reset || k->proto || k->dst_local ||
	    memcmp(d ? k->src : k->dst, zero.src, 16) != 0 ||
	    memcmp((const char *)k + rest, (const char *)&zero + rest,
		   sizeof(*k) - rest) != 0)
		return false;
	if (p) {
		p->family = k->family;
		p->len = d ? k->dst_len : k->src_len;
		memcpy(p->addr, d ? k->dst : k->src, 16);
	}
	if (dst)
		*dst = d;
	return true;
}

void lsec_nf_warn(struct lsec_nf_status *st, const char *fmt, ...)
{
	va_list ap;

	if (st->nwarnings >= LSEC_NF_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(st->warnings[st->nwarnings++], sizeof(st->warnings[0]), fmt, ap);
	va_end(ap);
}

void lsec_nf_warn_forwarding(struct lsec_nf_status *st)
{
	lsec_nf_warn(st, "port forwards exist but forwarding is off "
			 "(sysctl net.ipv4.ip_forward / "
			 "net.ipv6.conf.all.forwarding)");
}

/* ---- rule sets ---- */

/* The plain tag, the comment of nearly every rule, is shared rather than
 * copied: a 100,000-address block would otherwise cost 100,000 strdup()s
 * per copy of its rules. */
static char shared_tag[] = LSEC_NF_TAG;

static char *comment_dup(const char *c)
{
	return !c ? NULL : streq(c, LSEC_NF_TAG) ? shared_tag : strdup(c);
}

static void comment_free(char *c)
{
	if (c != shared_tag)
		free(c);
}

int lsec_nf_ruleset_reserve(struct lsec_nf_ruleset *s, size_t n)
{
	struct lsec_nf_rule *v;

	if (s->cap - s->n >= n)
		return 0;
	v = realloc(s->v, (s->n + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->cap = s->n + n;
	return 0;
}

int lsec_nf_ruleset_add(struct lsec_nf_ruleset *s, const struct lsec_nf_rule *r)
{
	struct lsec_nf_rule *d;

	if (s->n == s->cap &&
	    lsec_nf_ruleset_reserve(s, s->cap ? s->cap : 16) < 0)
		return -ENOMEM;
	d = &s->v[s->n];
	*d = *r;
	d->comment = comment_dup(r->comment);
	d->text = r->text ? strdup(r->text) : NULL;
	if ((r->comment && !d->comment) || (r->text && !d->text)) {
		comment_free(d->comment);
		free(d->text);
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

void lsec_nf_ruleset_keep(struct lsec_nf_ruleset *s, const bool *keep)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (keep[i]) {
			s->v[n++] = s->v[i];
			continue;
		}
		comment_free(s->v[i].comment);
		free(s->v[i].text);
	}
	s->n = n;
}

void lsec_nf_ruleset_free(struct lsec_nf_ruleset *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		comment_free(s->v[i].comment);
		free(s->v[i].text);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void lsec_nf_plan_free(struct lsec_nf_plan *p)
{
	if (!p)
		return;
	lsec_nf_ruleset_free(&p->del);
	if (p->add_borrowed)
		memset(&p->add, 0, sizeof(p->add));
	lsec_nf_ruleset_free(&p->add);
	p->add_borrowed = false;
}

/* ---- key hash set (open addressing, linear probing) ---- */

static uint64_t key_hash(const struct lsec_nf_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ULL, w;
	size_t i;

	/* 8 bytes a step, each mixed into every bit (the table takes the
	 * low bits): a byte-wise hash cost more than the rest of a plan of
	 * 100,000 blocked addresses */
	for (i = 0; i + 8 <= sizeof(*k); i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	h ^= h >> 32;
	return h;
}

static int keyset_grow(struct lsec_nf_keyset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64, i;
	const struct lsec_nf_key **slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->slot[i])
			continue;
		for (j = key_hash(s->slot[i]) & (cap - 1); slot[j];
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

int lsec_nf_keyset_reserve(struct lsec_nf_keyset *s, size_t n)
{
	while ((s->n + n) * 2 > s->cap)
		if (keyset_grow(s) < 0)
			return -ENOMEM;
	return 0;
}

int lsec_nf_keyset_add(struct lsec_nf_keyset *s, const struct lsec_nf_key *k)
{
	size_t j;
	int r;

	if ((s->n + 1) * 2 > s->cap) {
		r = keyset_grow(s);
		if (r < 0)
			return r;
	}
	for (j = key_hash(k) & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
		if (memcmp(s->slot[j], k, sizeof(*k)) == 0)
			return 0;
	s->slot[j] = k;
	s->n++;
	return 1;
}

const struct lsec_nf_key *lsec_nf_keyset_get(const struct lsec_nf_keyset *s,
					     const struct lsec_nf_key *k)
{
	size_t j;

	if (!s->cap)
		return NULL;
	for (j = key_hash(k) & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
		if (memcmp(s->slot[j], k, sizeof(*k)) == 0)
			return s->slot[j];
	return NULL;
}

bool lsec_nf_keyset_has(const struct lsec_nf_keyset *s,
			const struct lsec_nf_key *k)
{
	return lsec_nf_keyset_get(s, k) != NULL;
}

void lsec_nf_keyset_free(struct lsec_nf_keyset *s)
{
	if (!s)
		return;
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static int plan_build(const struct lsec_nf_ruleset *current,
		      const struct lsec_nf_ruleset *present,
		      const struct lsec_nf_ruleset *absent, bool lend,
		      struct lsec_nf_plan *ret, struct lsec_err *e)
{
	struct lsec_nf_keyset have = { 0 }, gone = { 0 };
	size_t i, np = present ? present->n : 0, nnew = 0;
	_cleanup_free_ bool *fresh = calloc(np + 1, sizeof(*fresh));
	int r = fresh ? 0 : -ENOMEM;

	memset(ret, 0, sizeof(*ret));
	if (r >= 0)
		r = lsec_nf_keyset_reserve(&have, (current ? current->n : 0) + np);
	for (i = 0; current && i < current->n && r >= 0; i++)
		r = lsec_nf_keyset_add(&have, &current->v[i].k);
	for (i = 0; absent && i < absent->n && r >= 0; i++)
		r = lsec_nf_keyset_add(&gone, &absent->v[i].k);
	for (i = 0; current && i < current->n && r >= 0; i++)
		if (lsec_nf_keyset_has(&gone, &current->v[i].k))
			r = lsec_nf_ruleset_add(&ret->del, &current->v[i]);
	for (i = 0; i < np && r >= 0; i++) {
		/* adding to `have` also folds duplicates within present */
		r = lsec_nf_keyset_add(&have, &present->v[i].k);
		fresh[i] = r > 0;
		nnew += r > 0;
	}
	if (r >= 0 && lend && np && nnew == np) {
		ret->add = *present;
		ret->add_borrowed = true;
	} else if (r >= 0) {
		r = lsec_nf_ruleset_reserve(&ret->add, nnew);
		for (i = 0; i < np && r >= 0; i++)
			if (fresh[i])
				r = lsec_nf_ruleset_add(&ret->add, &present->v[i]);
	}
	lsec_nf_keyset_free(&have);
	lsec_nf_keyset_free(&gone);
	if (r < 0) {
		lsec_nf_plan_free(ret);
		return lsec_err_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

int lsec_nf_plan_build(const struct lsec_nf_ruleset *current,
		       const struct lsec_nf_ruleset *present,
		       const struct lsec_nf_ruleset *absent,
		       struct lsec_nf_plan *ret, struct lsec_err *e)
{
	return plan_build(current, present, absent, false, ret, e);
}

int lsec_nf_plan_build_lent(const struct lsec_nf_ruleset *current,
			    const struct lsec_nf_ruleset *present,
			    const struct lsec_nf_ruleset *absent,
			    struct lsec_nf_plan *ret, struct lsec_err *e)
{
	return plan_build(current, present, absent, true, ret, e);
}

/* ---- rendering ---- */

static void prefix_of(const struct lsec_nf_key *k, const uint8_t *a,
		      uint8_t len, char *buf, size_t n)
{
	struct lsec_inet_prefix p = { .family = k->family, .len = len };

	memcpy(p.addr, a, 16);
	lsec_inet_format_prefix(&p, buf, n);
}

void lsec_nf_key_src(const struct lsec_nf_key *k, char *buf, size_t n)
{
	prefix_of(k, k->src, k->src_len, buf, n);
}

void lsec_nf_key_dst(const struct lsec_nf_key *k, char *buf, size_t n)
{
	prefix_of(k, k->dst, k->dst_len, buf, n);
}

void lsec_nf_format_ports(const struct lsec_port_range *p, char *buf, size_t n)
{
	if (p->lo == p->hi)
		snprintf(buf, n, "%u", p->lo);
	else
		snprintf(buf, n, "%u:%u", p->lo, p->hi);
}

void lsec_nf_key_to(const struct lsec_nf_key *k, char *buf, size_t n)
{
	char a[64];

	prefix_of(k, k->to_addr, k->family == 4 ? 32 : 128, a, sizeof(a));
	if (!k->to_port)
		snprintf(buf, n, "%s", a);
	else if (k->family == 6)
		snprintf(buf, n, "[%s]:%u", a, k->to_port);
	else
		snprintf(buf, n, "%s:%u", a, k->to_port);
}

struct sbuf {
	char *p;
	size_t n, len;
};

static void sb_add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->len >= b->n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->p + b->len, b->n - b->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->len += (size_t)w;
}

/* Quote for a shell (and for iptables-save, which uses double quotes). */
static void sb_quoted(struct sbuf *b, const char *s, char q)
{
	bool plain = *s != '\0';
	const char *c;

	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("-_.,:/@+=", *c)))
			plain = false;
	if (plain) {
		sb_add(b, "%s", s);
		return;
	}
	sb_add(b, "%c", q);
	for (c = s; *c; c++) {
		if (q == '\'' && *c == '\'')
			sb_add(b, "'\\''");
		else if (q == '"' && (*c == '"' || *c == '\\'))
			sb_add(b, "\\%c", *c);
		else
			sb_add(b, "%c", *c);
	}
	sb_add(b, "%c", q);
}

void lsec_nf_rule_format(const struct lsec_nf_rule *r, char *buf, size_t n)
{
	const struct lsec_nf_key *k = &r->k;
	struct sbuf b = { buf, n, 0 };
	unsigned full = k->family == 4 ? 32 : 128;
	char a[128];

	buf[0] = '\0';
	sb_add(&b, "-A %s", lsec_nf_chain_name(k->chain));
	if (k->verdict == LSEC_NF_OTHER) {
		sb_add(&b, " %s", r->text ? r->text : "(a rule lsec did not write)");
		return;
	}
	if (k->src_len) {
		lsec_nf_key_src(k, a, sizeof(a));
		sb_add(&b, " -s %s%s", a, k->src_len == full ? (full == 32 ? "/32" : "/128") : "");
	}
	if (k->dst_len) {
		lsec_nf_key_dst(k, a, sizeof(a));
		sb_add(&b, " -d %s%s", a, k->dst_len == full ? (full == 32 ? "/32" : "/128") : "");
	}
	if (k->in_iface[0])
		sb_add(&b, " -i %s", k->in_iface);
	if (k->out_iface[0])
		sb_add(&b, " -o %s", k->out_iface);
	if (k->proto) {
		const char *pn = lsec_inet_proto_name(k->proto);

		sb_add(&b, " -p %s", pn);
		if (k->sport.lo || k->dport.lo)
			sb_add(&b, " -m %s", pn);
		if (k->sport.lo) {
			lsec_nf_format_ports(&k->sport, a, sizeof(a));
			sb_add(&b, " --sport %s", a);
		}
		if (k->dport.lo) {
			lsec_nf_format_ports(&k->dport, a, sizeof(a));
			sb_add(&b, " --dport %s", a);
		}
	}
	if (k->dst_local)
		sb_add(&b, " -m addrtype --dst-type LOCAL");
	if (r->comment) {
		sb_add(&b, " -m comment --comment ");
		sb_quoted(&b, r->comment, '"');
	}
	switch (k->verdict) {
	case LSEC_NF_ACCEPT:
		sb_add(&b, " -j ACCEPT");
		break;
	case LSEC_NF_DROP:
		sb_add(&b, " -j DROP");
		break;
	case LSEC_NF_REJECT:
		sb_add(&b, " -j REJECT --reject-with %s",
		       k->reject_tcp_reset ? "tcp-reset"
		       : k->family == 4    ? "icmp-port-unreachable"
					   : "icmp6-port-unreachable");
		break;
	case LSEC_NF_DNAT:
		lsec_nf_key_to(k, a, sizeof(a));
		sb_add(&b, " -j DNAT --to-destination %s", a);
		break;
	case LSEC_NF_MASQUERADE:
		sb_add(&b, " -j MASQUERADE");
		break;
	}
}

static void sb_user_comment(struct sbuf *b, const char *comment)
{
	size_t tl = strlen(LSEC_NF_TAG);

	if (comment && strncmp(comment, LSEC_NF_TAG ": ", tl + 2) == 0) {
		sb_add(b, " --comment ");
		sb_quoted(b, comment + tl + 2, '\'');
	}
}

void lsec_nf_rule_command(const struct lsec_nf_rule *r, char *buf, size_t n)
{
	const struct lsec_nf_key *k = &r->k;
	struct sbuf b = { buf, n, 0 };
	bool stop = k->verdict == LSEC_NF_DROP || k->verdict == LSEC_NF_REJECT;
	char a[128], p[32];

	buf[0] = '\0';
	if (k->verdict == LSEC_NF_OTHER)
		return;
	if ((k->chain == LSEC_NF_INPUT || k->chain == LSEC_NF_OUTPUT) && stop &&
	    !k->dport.lo && !k->sport.lo &&
	    (k->chain == LSEC_NF_INPUT ? k->src_len && !k->dst_len
				       : k->dst_len && !k->src_len)) {
		if (k->chain == LSEC_NF_INPUT)
			lsec_nf_key_src(k, a, sizeof(a));
		else
			lsec_nf_key_dst(k, a, sizeof(a));
		sb_add(&b, "lsec fw block %s%s%s", a,
		       k->chain == LSEC_NF_OUTPUT ? " --out" : "",
		       k->verdict == LSEC_NF_REJECT ? " --reject" : "");
	} else if (k->chain == LSEC_NF_INPUT && k->dport.lo && k->proto &&
		   !k->dst_len && (stop || k->verdict == LSEC_NF_ACCEPT)) {
		lsec_nf_format_ports(&k->dport, p, sizeof(p));
		sb_add(&b, "lsec fw %s %s/%s", stop ? "deny" : "allow", p,
		       lsec_inet_proto_name(k->proto));
		if (k->src_len) {
			lsec_nf_key_src(k, a, sizeof(a));
			sb_add(&b, " --from %s", a);
		}
		if (k->verdict == LSEC_NF_REJECT)
			sb_add(&b, " --reject");
	} else if (k->chain == LSEC_NF_PREROUTING && k->verdict == LSEC_NF_DNAT) {
		lsec_nf_format_ports(&k->dport, p, sizeof(p));
		lsec_nf_key_to(k, a, sizeof(a));
		sb_add(&b, "lsec fw forward %s/%s --to %s", p,
		       lsec_inet_proto_name(k->proto), a);
		if (k->in_iface[0])
			sb_add(&b, " --in-iface %s", k->in_iface);
	} else if (k->chain == LSEC_NF_POSTROUTING &&
		   k->verdict == LSEC_NF_MASQUERADE) {
		sb_add(&b, "lsec fw masquerade --out-iface %s", k->out_iface);
		if (k->src_len) {
			lsec_nf_key_src(k, a, sizeof(a));
			sb_add(&b, " --from %s", a);
		}
	} else {
		return; /* part of a forward: the PREROUTING rule names it */
	}
	sb_user_comment(&b, r->comment);
}

/* ---- user input -> rules ---- */

int lsec_nf_parse_portspec(const char *s, struct lsec_port_range *ret,
			   unsigned *ret_protos, struct lsec_err *e)
{
	char buf[128];
	char *slash;
	uint8_t proto = 0;
	int r;

	if (!s || strlen(s) >= sizeof(buf))
		return lsec_err_input(e, "invalid port '%s'", s ? s : "");
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		r = lsec_inet_parse_proto(slash + 1, &proto, e);
		if (r < 0)
			return r;
	}
	r = lsec_inet_parse_ports(buf, slash ? slash + 1 : NULL, ret, e);
	if (r < 0)
		return r;
	*ret_protos = proto == 6 ? LSEC_NF_TCP
		      : proto == 17 ? LSEC_NF_UDP
				    : LSEC_NF_TCP | LSEC_NF_UDP;
	return 0;
}

int lsec_nf_make_comment(const char *text, char *buf, size_t n,
			 struct lsec_err *e)
{
	const char *c;

	if (!text) {
		snprintf(buf, n, "%s", LSEC_NF_TAG);
		return 0;
	}
	for (c = text; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return lsec_err_input(e,
					      "invalid comment '%s': control "
					      "characters are not allowed",
					      text);
	if (!*text || strlen(text) + strlen(LSEC_NF_TAG ": ") >= LSEC_NF_COMMENT_MAX ||
	    strlen(text) + strlen(LSEC_NF_TAG ": ") >= n)
		return lsec_err_input(e,
				      "invalid comment '%.40s%s': 1 to %zu "
				      "characters",
				      text, strlen(text) > 40 ? "..." : "",
				      LSEC_NF_COMMENT_MAX - 1 - strlen(LSEC_NF_TAG ": "));
	snprintf(buf, n, "%s: %s", LSEC_NF_TAG, text);
	return 0;
}

static int push(struct lsec_nf_ruleset *out, const struct lsec_nf_key *k,
		const char *comment, struct lsec_err *e)
{
	struct lsec_nf_rule r = { .k = *k, .comment = (char *)comment };

	if (lsec_nf_ruleset_add(out, &r) < 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	return 0;
}

static const uint8_t proto_of[] = { 6, 17 }; /* LSEC_NF_TCP, LSEC_NF_UDP */

int lsec_nf_rules_block(const struct lsec_inet_prefix *addrs, size_t n,
			unsigned dirs, bool reject, bool all,
			const char *comment, struct lsec_nf_ruleset *out,
			struct lsec_err *e)
{
	size_t ndirs = all ? 2 : !!(dirs & LSEC_NF_DIR_IN) + !!(dirs & LSEC_NF_DIR_OUT);
	size_t i;
	int d, r;

	/* one allocation for the lot (a --file may hold 100,000) */
	if (lsec_nf_ruleset_reserve(out, n * ndirs * (all ? 3 : reject ? 2 : 1)) < 0)
		return lsec_err_set(e, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct lsec_inet_prefix *a = &addrs[i];

		for (d = 0; d < 2; d++) {
			enum lsec_nf_chain c = d ? LSEC_NF_OUTPUT : LSEC_NF_INPUT;
			struct lsec_nf_key k;

			if (!all && !(dirs & (d ? LSEC_NF_DIR_OUT : LSEC_NF_DIR_IN)))
				continue;
			lsec_nf_key_init(&k, a->family, c, LSEC_NF_DROP);
			if (d) {
				memcpy(k.dst, a->addr, 16);
				k.dst_len = a->len;
			} else {
				memcpy(k.src, a->addr, 16);
				k.src_len = a->len;
			}
			if (all || !reject) {
				r = push(out, &k, comment, e);
				if (r < 0)
					return r;
			}
			if (all || reject) {
				k.verdict = LSEC_NF_REJECT;
				k.proto = 6;
				k.reject_tcp_reset = 1;
				r = push(out, &k, comment, e);
				if (r < 0)
					return r;
				k.proto = 0;
				k.reject_tcp_reset = 0;
				r = push(out, &k, comment, e);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

int lsec_nf_rules_port(enum lsec_nf_verdict v, const struct lsec_port_range *p,
		       unsigned protos, const struct lsec_inet_prefix *from,
		       const char *comment, struct lsec_nf_ruleset *out,
		       struct lsec_err *e)
{
	unsigned f, i;
	int r;

	for (f = 4; f <= 6; f += 2) {
		if (from && from->family != f)
			continue;
		for (i = 0; i < 2; i++) {
			struct lsec_nf_key k;

			if (!(protos & (1u << i)))
				continue;
			lsec_nf_key_init(&k, (uint8_t)f, LSEC_NF_INPUT, v);
			k.proto = proto_of[i];
			k.dport = *p;
			k.reject_tcp_reset = v == LSEC_NF_REJECT && k.proto == 6;
			if (from) {
				memcpy(k.src, from->addr, 16);
				k.src_len = from->len;
			}
			r = push(out, &k, comment, e);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int lsec_nf_rules_forward(const struct lsec_port_range *p, unsigned protos,
			  const struct lsec_inet_prefix *to, uint16_t to_port,
			  const char *in_iface, const char *comment,
			  struct lsec_nf_ruleset *out, struct lsec_err *e)
{
	struct lsec_port_range tp = { to_port, to_port };
	unsigned i;
	int r;

	if (to_port && p->lo != p->hi)
		return lsec_err_input(e,
				      "a port range cannot be forwarded to a "
				      "single port (%u:%u to %u)",
				      p->lo, p->hi, to_port);
	if (!to_port)
		tp = *p;
	for (i = 0; i < 2; i++) {
		struct lsec_nf_key k;

		if (!(protos & (1u << i)))
			continue;
		lsec_nf_key_init(&k, to->family, LSEC_NF_PREROUTING, LSEC_NF_DNAT);
		k.proto = proto_of[i];
		k.dport = *p;
		k.dst_local = 1;
		memcpy(k.to_addr, to->addr, 16);
		k.to_port = to_port;
		if (in_iface)
			snprintf(k.in_iface, sizeof(k.in_iface), "%s", in_iface);
		if ((r = push(out, &k, comment, e)) < 0)
			return r;
		k.chain = LSEC_NF_NAT_OUTPUT;
		memset(k.in_iface, 0, sizeof(k.in_iface));
		if ((r = push(out, &k, comment, e)) < 0)
			return r;
		lsec_nf_key_init(&k, to->family, LSEC_NF_FORWARD, LSEC_NF_ACCEPT);
		k.proto = proto_of[i];
		memcpy(k.dst, to->addr, 16);
		k.dst_len = to->len;
		k.dport = tp;
		if ((r = push(out, &k, comment, e)) < 0)
			return r;
		lsec_nf_key_init(&k, to->family, LSEC_NF_FORWARD, LSEC_NF_ACCEPT);
		k.proto = proto_of[i];
		memcpy(k.src, to->addr, 16);
		k.src_len = to->len;
		k.sport = tp;
		if ((r = push(out, &k, comment, e)) < 0)
			return r;
	}
	return 0;
}

int lsec_nf_rules_masquerade(const char *out_iface,
			     const struct lsec_inet_prefix *from,
			     const char *comment, struct lsec_nf_ruleset *out,
			     struct lsec_err *e)
{
	unsigned f;
	int r;

	for (f = 4; f <= 6; f += 2) {
		struct lsec_nf_key k;

		if (from && from->family != f)
			continue;
		lsec_nf_key_init(&k, (uint8_t)f, LSEC_NF_POSTROUTING,
				 LSEC_NF_MASQUERADE);
		snprintf(k.out_iface, sizeof(k.out_iface), "%s", out_iface);
		if (from) {
			memcpy(k.src, from->addr, 16);
			k.src_len = from->len;
		}
		if ((r = push(out, &k, comment, e)) < 0)
			return r;
	}
	return 0;
}

/* ---- backends, lock ---- */

const struct lsec_nf_backend_ops *lsec_nf_backend_find(const char *name)
{
	struct lsec_nf_choice c;

	/* auto, nft or legacy: see lsec_nf_choose (lsec/nft.h) */
	return lsec_nf_choose(name, &c, NULL) < 0 ? NULL : c.ops;
}

const char *lsec_nf_lock_path(void)
{
	const char *p = getenv("XTABLES_LOCKFILE");

	return p && *p ? p : "/run/xtables.lock";
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lsec_nf_lock(int64_t wait_ms, struct lsec_err *e)
{
	const char *path = lsec_nf_lock_path();
	_cleanup_close_ int fd = -1;
	int64_t deadline = wait_ms < 0 ? -1 : now_ms() + wait_ms;
	useconds_t nap = 1000;

	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int r = errno;

		return lsec_err_set(e, r, "cannot open the xtables lock '%s': %s%s",
				    path, strerror(r),
				    r == EACCES || r == EPERM
					    ? " (changing the firewall needs root "
					      "or CAP_NET_ADMIN)"
					    : "");
	}
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return TAKE_FD(fd);
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int r = errno;

			return lsec_err_set(e, r, "cannot lock '%s': %s", path,
					    strerror(r));
		}
		if (deadline >= 0 && now_ms() >= deadline)
			return lsec_err_set(
				e, EWOULDBLOCK,
				"another program holds the xtables lock '%s'%s",
				path,
				wait_ms ? " (gave up waiting)"
					: "; use --wait to wait for it");
		usleep(nap);
		if (nap < 50000)
			nap *= 2;
	}
}

bool lsec_nf_forwarding(uint8_t family)
{
	const char *path = family == 6 ? "/proc/sys/net/ipv6/conf/all/forwarding"
				       : "/proc/sys/net/ipv4/ip_forward";
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int c;

	if (!f)
		return false;
	c = fgetc(f);
	return c == '1';
}
