/* SPDX-License-Identifier: MIT */
/*
 * Internet addresses, prefixes, ports, protocols and interface names as the
 * user types them.  Shared by every module that names hosts or ports.
 * Every parser names the offending value in its error (exit 2).
 */
#ifndef LSEC_INET_H
#define LSEC_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsec/err.h"

#define LSEC_IFNAMSIZ 16

/* An address with a prefix length; host bits are always zero. */
struct lsec_inet_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t len;    /* 0..32 or 0..128 */
	uint8_t addr[16];
};

struct lsec_port_range {
	uint16_t lo, hi; /* lo <= hi; 0/0 = any */
};

/* "192.0.2.1", "192.0.2.0/24", "2001:db8::/32".  Host bits set past the
 * prefix are cleared, as iptables does ("10.1.2.3/8" -> 10.0.0.0/8). */
int lsec_inet_parse_prefix(const char *s, struct lsec_inet_prefix *ret,
			   struct lsec_err *e);
/* A single address (no prefix). */
int lsec_inet_parse_addr(const char *s, struct lsec_inet_prefix *ret,
			 struct lsec_err *e);
/* "ADDR", "ADDR:PORT", "[V6ADDR]:PORT" or "V6ADDR" (port 0 when absent). */
int lsec_inet_parse_endpoint(const char *s, struct lsec_inet_prefix *ret,
			     uint16_t *ret_port, struct lsec_err *e);
/* "ADDR" for a host prefix, "ADDR/LEN" otherwise. */
void lsec_inet_format_prefix(const struct lsec_inet_prefix *p, char *buf,
			     size_t n);
/* The netmask bytes of a prefix length. */
void lsec_inet_mask(uint8_t family, uint8_t len, uint8_t mask[16]);
/* Does outer hold every address of p (same family, outer->len <= p->len)? */
bool lsec_inet_prefix_contains(const struct lsec_inet_prefix *outer,
			       const struct lsec_inet_prefix *p);
/*
 * Nesting among prefixes (any mix of families): outer[i] is the index of
 * the widest other prefix of v that holds v[i] (of an equal one, the
 * first), or (size_t)-1 when none does.  O(n log n).  Returns 0 or
 * -ENOMEM.  (nf_tables interval sets refuse overlapping elements.)
 */
int lsec_inet_outermost(const struct lsec_inet_prefix *const *v, size_t n,
			size_t *outer);

/*
 * A hash table over an array of prefixes, to find which of them a stream
 * of others (a set's dump) holds: cheaper than asking the kernel about each.
 */
struct lsec_inet_ptable {
	const struct lsec_inet_prefix *v;
	size_t *slot; /* index + 1 into v, 0 empty */
	size_t mask;
};
int lsec_inet_ptable_init(struct lsec_inet_ptable *t,
			  const struct lsec_inet_prefix *v, size_t n);
/* Call fn(i) for every i with v[i] equal to p (v may repeat itself);
 * stops at and returns fn's first non-zero result. */
int lsec_inet_ptable_each(const struct lsec_inet_ptable *t,
			  const struct lsec_inet_prefix *p,
			  int (*fn)(size_t i, void *userdata), void *userdata);
void lsec_inet_ptable_free(struct lsec_inet_ptable *t);

/* "22", "ssh" (looked up in /etc/services for proto, "tcp" or "udp", or
 * either when proto is NULL), "8000:8100". */
int lsec_inet_parse_ports(const char *s, const char *proto,
			  struct lsec_port_range *ret, struct lsec_err *e);
/* "tcp" -> 6, "udp" -> 17. */
int lsec_inet_parse_proto(const char *s, uint8_t *ret, struct lsec_err *e);
const char *lsec_inet_proto_name(uint8_t proto);
/* A network interface name as the kernel accepts it; a final '+' is a
 * wildcard (iptables' convention). */
int lsec_inet_parse_iface(const char *s, struct lsec_err *e);

#endif
