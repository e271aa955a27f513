/* SPDX-License-Identifier: MIT */
#include "nl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>

#include "lsec/cleanup.h"

#define RECV_BUF (1u << 17)

const struct nlattr *lsec_nl_attrs(const struct nlmsghdr *h, int *rem)
{
	*rem = (int)h->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(struct nfgenmsg));
	return (const struct nlattr *)((const char *)NLMSG_DATA(h) +
				       NLMSG_ALIGN(sizeof(struct nfgenmsg)));
}

size_t lsec_nl_put(char *buf, size_t off, uint16_t type, const void *data,
		   size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + off);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(buf + off + NLA_HDRLEN, data, len);
	return off + NLA_ALIGN(a->nla_len);
}

void lsec_nl_nest_end(char *buf, size_t at, size_t off)
{
	((struct nlattr *)(buf + at))->nla_len = (uint16_t)(off - at);
}

static int nl_socket(size_t sndlen)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	int rcv = 1 << 22, snd = (int)(sndlen + 65536), one = 1;

	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	/* a large batch goes in one message: make room (as libnftables does;
	 * the FORCE variant needs CAP_NET_ADMIN) */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	/* acks without a copy of each request */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static int nl_send(int fd, const char *req, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

/*
 * Send req on a new socket, then hand every message received to fn until
 * it returns non-zero: > 0 done (0 returned), < 0 that error.
 */
static int nl_exchange(const char *req, size_t len, lsec_nl_msg_fn fn,
		       void *userdata)
{
	_cleanup_close_ int fd = nl_socket(len);
	_cleanup_free_ char *buf = NULL;
	int r;

	if (fd < 0)
		return fd;
	r = nl_send(fd, req, len);
	if (r < 0)
		return r;
	buf = malloc(RECV_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = recv(fd, buf, RECV_BUF, 0);
		const struct nlmsghdr *h;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		left = (int)n;
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			r = fn(h, userdata);
			if (r != 0)
				return r < 0 ? r : 0;
		}
	}
}

struct dump_ctx {
	uint32_t seq;
	lsec_nl_msg_fn fn;
	void *userdata;
};

static int dump_msg(const struct nlmsghdr *h, void *userdata)
{
	struct dump_ctx *c = userdata;
	int r;

	if (h->nlmsg_seq != c->seq)
		return 0;
	if (h->nlmsg_type == NLMSG_DONE)
		return 1;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
	r = c->fn(h, c->userdata);
	return r; /* > 0: the caller has seen enough */
}

int lsec_nl_dump(const char *req, size_t len, uint32_t seq, lsec_nl_msg_fn fn,
		 void *userdata)
{
	struct dump_ctx c = { seq, fn, userdata };

	return nl_exchange(req, len, dump_msg, &c);
}

struct ack_ctx {
	uint32_t first, n, acked;
	int err;   /* the first error acked */
	int *errs; /* NULL, or every request's answer */
};

static int ack_msg(const struct nlmsghdr *h, void *userdata)
{
	struct ack_ctx *c = userdata;
	int err;

	if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < c->first ||
	    h->nlmsg_seq >= c->first + c->n)
		return 0;
	err = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
	if (c->errs)
		c->errs[h->nlmsg_seq - c->first] = err;
	else if (err && !c->err)
		c->err = err;
	c->acked++;
	/* stop at the first error, as before: later acks only repeat it
	 * (unless every answer is wanted) */
	return (!c->errs && c->err) || c->acked == c->n;
}

int lsec_nl_acked_each(const char *req, size_t len, uint32_t first, uint32_t n,
		       int *errs)
{
	struct ack_ctx c = { .first = first, .n = n, .errs = errs };
	int r;

	if (!n)
		return 0;
	r = nl_exchange(req, len, ack_msg, &c);
	return r < 0 ? r : c.err;
}

int lsec_nl_acked(const char *req, size_t len, uint32_t first, uint32_t n)
{
	return lsec_nl_acked_each(req, len, first, n, NULL);
}
