/* SPDX-License-Identifier: MIT */
/*
 * Raw netlink for the netfilter subsystems (nf_tables, ipset): attribute
 * helpers, one dump, one batch of acknowledged requests.  Used where the
 * libraries' text interfaces cost more than the work itself.
 */
#ifndef LSEC_NL_INT_H
#define LSEC_NL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

static inline const struct nlattr *lsec_nla_next(const struct nlattr *a, int *rem)
{
	int len = NLA_ALIGN(a->nla_len);

	*rem -= len;
	return (const struct nlattr *)((const char *)a + len);
}

static inline bool lsec_nla_ok(const struct nlattr *a, int rem)
{
	return rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= rem;
}

#define lsec_nla_data(a) ((const void *)((const char *)(a) + NLA_HDRLEN))
#define lsec_nla_len(a) ((int)(a)->nla_len - NLA_HDRLEN)
#define lsec_nla_type(a) ((a)->nla_type & NLA_TYPE_MASK)

/* The attributes after a netfilter message's nfgenmsg; *rem their length. */
const struct nlattr *lsec_nl_attrs(const struct nlmsghdr *h, int *rem);
/* Append an attribute at buf + off; returns the new offset. */
size_t lsec_nl_put(char *buf, size_t off, uint16_t type, const void *data,
		   size_t len);
/* Close a nested attribute begun at buf + at, ending at off. */
void lsec_nl_nest_end(char *buf, size_t at, size_t off);

/* Send one dump request (seq in its header) and call fn for each reply
 * until NLMSG_DONE; fn > 0 stops early.  Returns 0 or a negative errno
 * (the kernel's error as is, ipset's own codes included). */
typedef int (*lsec_nl_msg_fn)(const struct nlmsghdr *h, void *userdata);
int lsec_nl_dump(const char *req, size_t len, uint32_t seq, lsec_nl_msg_fn fn,
		 void *userdata);
/* Send req (n requests with NLM_F_ACK, sequence numbers first..first+n-1,
 * possibly inside a batch) at once and wait for their acks.  Returns 0 or
 * the first error. */
int lsec_nl_acked(const char *req, size_t len, uint32_t first, uint32_t n);
/* The same, every request's answer in errs[seq - first] (0 or -errno, the
 * kernel's own codes as is); returns 0 or a transport error. */
int lsec_nl_acked_each(const char *req, size_t len, uint32_t first, uint32_t n,
		       int *errs);

#endif
