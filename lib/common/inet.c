/* SPDX-License-Identifier: MIT */
#include "lsec/inet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsec/util.h"

void lsec_inet_mask(uint8_t family, uint8_t len, uint8_t mask[16])
{
	unsigned bytes = family == 4 ? 4 : 16, i;

	memset(mask, 0, 16);
	for (i = 0; i < bytes; i++) {
		if (len >= 8) {
			mask[i] = 0xff;
			len -= 8;
		} else {
			mask[i] = (uint8_t)(0xff00 >> len);
			len = 0;
		}
	}
}

static int parse_plain(const char *s, struct lsec_inet_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, p->addr) == 1) {
		p->family = 4;
		p->len = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, p->addr) == 1) {
		p->family = 6;
		p->len = 128;
		return 0;
	}
	return -EINVAL;
}

int lsec_inet_parse_addr(const char *s, struct lsec_inet_prefix *ret,
			 struct lsec_err *e)
{
	if (!s || parse_plain(s, ret) < 0)
		return lsec_err_input(e,
				      "invalid address '%s': not an IPv4 or "
				      "IPv6 address",
				      s ? s : "");
	return 0;
}

int lsec_inet_parse_prefix(const char *s, struct lsec_inet_prefix *ret,
			   struct lsec_err *e)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	uint8_t mask[16];
	uint64_t len;
	unsigned i;

	if (!s || strlen(s) >= sizeof(buf))
		goto bad;
	slash = strchr(s, '/');
	memcpy(buf, s, slash ? (size_t)(slash - s) : strlen(s));
	buf[slash ? (size_t)(slash - s) : strlen(s)] = '\0';
	if (parse_plain(buf, ret) < 0)
		goto bad;
	if (slash) {
		if (lsec_parse_u64(slash + 1, ret->len, &len) < 0 ||
		    !isdigit((unsigned char)slash[1]) ||
		    (slash[1] == '0' && slash[2]) || strchr(slash + 1, 'x'))
			return lsec_err_input(
				e,
				"invalid prefix length in '%s': expected 0 to %u",
				s, ret->len);
		ret->len = (uint8_t)len;
	}
	lsec_inet_mask(ret->family, ret->len, mask);
	for (i = 0; i < 16; i++)
		ret->addr[i] &= mask[i];
	return 0;
bad:
	return lsec_err_input(e,
			      "invalid address '%s': not an IPv4 or IPv6 "
			      "address or CIDR prefix",
			      s ? s : "");
}

int lsec_inet_parse_endpoint(const char *s, struct lsec_inet_prefix *ret,
			     uint16_t *ret_port, struct lsec_err *e)
{
	char buf[INET6_ADDRSTRLEN + 16];
	const char *host = s, *port = NULL, *colon;
	uint64_t v;

	if (!s || strlen(s) >= sizeof(buf))
		return lsec_err_input(e, "invalid address '%s'", s ? s : "");
	strcpy(buf, s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || (close[1] && close[1] != ':'))
			return lsec_err_input(
				e, "invalid address '%s': expected [ADDR]:PORT",
				s);
		*close = '\0';
		host = buf + 1;
		port = close[1] ? close + 2 : NULL;
	} else if ((colon = strchr(buf, ':')) && !strchr(colon + 1, ':')) {
		buf[colon - buf] = '\0';
		host = buf;
		port = buf + (colon - buf) + 1;
	} else {
		host = buf;
	}
	if (parse_plain(host, ret) < 0)
		return lsec_err_input(e,
				      "invalid address '%s': not an IPv4 or "
				      "IPv6 address",
				      s);
	*ret_port = 0;
	if (port) {
		if (lsec_parse_u64(port, 65535, &v) < 0 || v == 0 ||
		    !isdigit((unsigned char)port[0]))
			return lsec_err_input(
				e, "invalid port '%s' in '%s': expected 1 to 65535",
				port, s);
		*ret_port = (uint16_t)v;
	}
	return 0;
}

void lsec_inet_format_prefix(const struct lsec_inet_prefix *p, char *buf,
			     size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a));
	if (p->len == (p->family == 4 ? 32 : 128))
		snprintf(buf, n, "%s", a);
	else
		snprintf(buf, n, "%s/%u", a, p->len);
}

static int parse_one_port(const char *s, const char *proto, uint16_t *ret)
{
	struct servent se, *res = NULL;
	char buf[1024];
	uint64_t v;
	int i;

	if (isdigit((unsigned char)s[0])) {
		if (lsec_parse_u64(s, 65535, &v) < 0 || v == 0 ||
		    strchr(s, 'x') || strchr(s, 'X'))
			return -EINVAL;
		*ret = (uint16_t)v;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' &&
		    s[i] != '.')
			return -EINVAL;
	for (i = 0; i < 2; i++) {
		const char *p = proto ? proto : (i == 0 ? "tcp" : "udp");

		if (getservbyname_r(s, p, &se, buf, sizeof(buf), &res) == 0 &&
		    res) {
			*ret = ntohs((uint16_t)res->s_port);
			return 0;
		}
		if (proto)
			break;
	}
	return -ENOENT;
}

int lsec_inet_parse_ports(const char *s, const char *proto,
			  struct lsec_port_range *ret, struct lsec_err *e)
{
	char buf[128];
	char *colon;
	int r;

	if (!s || !*s || strlen(s) >= sizeof(buf))
		return lsec_err_input(e, "invalid port '%s'", s ? s : "");
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	r = parse_one_port(buf, proto, &ret->lo);
	if (r == 0 && colon)
		r = parse_one_port(colon + 1, proto, &ret->hi);
	else
		ret->hi = ret->lo;
	if (r == -ENOENT)
		return lsec_err_input(e,
				      "invalid port '%s': no such service in "
				      "/etc/services%s%s",
				      s, proto ? " for " : "", proto ? proto : "");
	if (r < 0)
		return lsec_err_input(e,
				      "invalid port '%s': expected a number 1 to "
				      "65535, a range LO:HI or a service name",
				      s);
	if (ret->lo > ret->hi)
		return lsec_err_input(e,
				      "invalid port range '%s': %u is greater "
				      "than %u",
				      s, ret->lo, ret->hi);
	return 0;
}

int lsec_inet_parse_proto(const char *s, uint8_t *ret, struct lsec_err *e)
{
	if (streq(s, "tcp"))
		*ret = 6;
	else if (streq(s, "udp"))
		*ret = 17;
	else
		return lsec_err_input(e,
				      "invalid protocol '%s': expected tcp or udp",
				      s ? s : "");
	return 0;
}

const char *lsec_inet_proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 0:
		return "all";
	default:
		return "other";
	}
}

int lsec_inet_parse_iface(const char *s, struct lsec_err *e)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0 || n >= LSEC_IFNAMSIZ || streq(s, ".") || streq(s, ".."))
		goto bad;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' ||
		    (c == '+' && i != n - 1))
			goto bad;
	}
	return 0;
bad:
	return lsec_err_input(e,
			      "invalid interface name '%s': 1 to 15 printable "
			      "characters without '/', ':' or blanks",
			      s ? s : "");
}

bool lsec_inet_prefix_contains(const struct lsec_inet_prefix *outer,
			       const struct lsec_inet_prefix *p)
{
	uint8_t m[16];
	size_t i;

	if (outer->family != p->family || outer->len > p->len)
		return false;
	lsec_inet_mask(outer->family, outer->len, m);
	for (i = 0; i < 16; i++)
		if ((p->addr[i] & m[i]) != outer->addr[i])
			return false;
	return true;
}

struct nest_item {
	const struct lsec_inet_prefix *p;
	size_t i;
};

/* family, then address, then the wider first (then input order) */
static int nest_cmp(const void *a, const void *b)
{
	const struct nest_item *x = a, *y = b;
	int c = (int)x->p->family - (int)y->p->family;

	if (!c)
		c = memcmp(x->p->addr, y->p->addr, 16);
	if (!c)
		c = (int)x->p->len - (int)y->p->len;
	if (!c)
		c = x->i < y->i ? -1 : x->i > y->i;
	return c;
}

int lsec_inet_outermost(const struct lsec_inet_prefix *const *v, size_t n,
			size_t *outer)
{
	struct nest_item *it = malloc((n ? n : 1) * sizeof(*it));
	const struct nest_item *top = NULL;
	size_t i;

	if (!it)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		it[i] = (struct nest_item){ v[i], i };
	qsort(it, n, sizeof(*it), nest_cmp);
	/* Prefixes either nest or are disjoint, so in this order whatever
	 * holds an item comes before it, and the outermost of those is the
	 * last one that was not itself held (top). */
	for (i = 0; i < n; i++) {
		if (top && lsec_inet_prefix_contains(top->p, it[i].p)) {
			outer[it[i].i] = top->i;
		} else {
			outer[it[i].i] = (size_t)-1;
			top = &it[i];
		}
	}
	free(it);
	return 0;
}

static size_t prefix_hash(const struct lsec_inet_prefix *p)
{
	uint64_t h = 1469598103934665603ULL ^ p->len;
	unsigned i, n = p->family == 6 ? 16 : 4;

	for (i = 0; i < n; i++)
		h = (h ^ p->addr[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

static bool prefix_eq(const struct lsec_inet_prefix *a, const struct lsec_inet_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

int lsec_inet_ptable_init(struct lsec_inet_ptable *t,
			  const struct lsec_inet_prefix *v, size_t n)
{
	size_t cap = 16, i, j;

	while (cap < 2 * n)
		cap *= 2;
	t->v = v;
	t->mask = cap - 1;
	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		for (j = prefix_hash(&v[i]) & t->mask; t->slot[j]; j = (j + 1) & t->mask)
			;
		t->slot[j] = i + 1;
	}
	return 0;
}

int lsec_inet_ptable_each(const struct lsec_inet_ptable *t,
			  const struct lsec_inet_prefix *p,
			  int (*fn)(size_t i, void *userdata), void *userdata)
{
	size_t j;
	int r;

	for (j = prefix_hash(p) & t->mask; t->slot[j]; j = (j + 1) & t->mask)
		if (prefix_eq(&t->v[t->slot[j] - 1], p) &&
		    (r = fn(t->slot[j] - 1, userdata)) != 0)
			return r;
	return 0;
}

void lsec_inet_ptable_free(struct lsec_inet_ptable *t)
{
	free(t->slot);
	t->slot = NULL;
}
