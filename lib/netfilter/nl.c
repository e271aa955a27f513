/* SPDX-License-Identifier: MIT */
#include "nl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>

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

/* One request sent on a socket of its own, and room for the answers. */
struct conv {
	int fd;
	char *buf;
};

static void conv_end(struct conv *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
}

static int conv_start(struct conv *c, const char *req, size_t len)
{
	int r;

	c->buf = NULL;
	c->fd = nl_socket(len);
	if (c->fd < 0)
		return c->fd;
	r = nl_send(c->fd, req, len);
	if (r < 0)
		return r;
	c->buf = malloc(RECV_BUF);
	return c->buf ? 0 : -ENOMEM;
}

/* The next datagram's length, or -errno. */
static int conv_recv(struct conv *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->buf, RECV_BUF, 0);

		if (n >= 0)
			return (int)n;
		if (errno != EINTR)
			return -errno;
	}
}

static int nl_dump(struct conv *c, uint32_t seq, lsec_nl_msg_fn fn,
		   void *userdata)
{
	for (;;) {
		int left = conv_recv(c), r;
		const struct nlmsghdr *h;

		if (left < 0)
			return left;
		for (h = (const struct nlmsghdr *)c->buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (err)
					return err;
				continue;
			}
			r = fn(h, userdata);
			if (r < 0)
				return r;
			if (r > 0)
				return 0; /* the caller has seen enough */
		}
	}
}

int lsec_nl_dump(const char *req, size_t len, uint32_t seq, lsec_nl_msg_fn fn,
		 void *userdata)
{
	struct conv c;
	int r = conv_start(&c, req, len);

	if (r >= 0)
		r = nl_dump(&c, seq, fn, userdata);
	conv_end(&c);
	return r;
}

int lsec_nl_acked(const char *req, size_t len, uint32_t first, uint32_t n)
{
	return lsec_nl_acked_each(req, len, first, n, NULL);
}

static int nl_acks(struct conv *c, uint32_t first, uint32_t n, int *errs)
{
	uint32_t acked = 0;
	int err = 0;

	/* with errs, every ack is awaited: one error does not end the rest */
	while (acked < n && (errs || !err)) {
		int left = conv_recv(c);
		const struct nlmsghdr *h;

		if (left < 0)
			return left;
		for (h = (const struct nlmsghdr *)c->buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			int e;

			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < first ||
			    h->nlmsg_seq >= first + n)
				continue;
			e = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (errs)
				errs[h->nlmsg_seq - first] = e;
			else if (e && !err)
				err = e;
			acked++;
		}
	}
	return err;
}

int lsec_nl_acked_each(const char *req, size_t len, uint32_t first, uint32_t n,
		       int *errs)
{
	struct conv c;
	int r = conv_start(&c, req, len);

	if (r >= 0)
		r = nl_acks(&c, first, n, errs);
	conv_end(&c);
	return r;
}
