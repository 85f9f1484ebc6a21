// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipelined netlink requests (nl_batch.h): the requests of a batch are
 * copied back to back into one buffer and sent with one send(); their
 * sequence numbers are consecutive, so an answer's request is
 * seq - seq0. Answers outside the window (a batch that timed out) are
 * ignored.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "nl_batch.h"
#include "nl_internal.h"

#define BATCH_RCVBUF		(8 << 20)
#define BATCH_RBUF		(64 * 1024)
#define BATCH_TIMEOUT_MS	10000

int prl_nl_batch_init(struct prl_nl_batch *b, struct nl_sock *sk,
		      unsigned int max)
{
	int rcv = BATCH_RCVBUF;

	memset(b, 0, sizeof(*b));
	b->fd = nl_socket_get_fd(sk);
	b->max = max ? max : PRL_NL_BATCH_DEFAULT;
	b->timeout_ms = BATCH_TIMEOUT_MS;
	/* a seq0 unlike libnl's, so that stray answers are told apart */
	b->seq0 = 0x80000000u;
	b->cap = (size_t)b->max * 512;
	b->rcap = BATCH_RBUF;
	b->buf = malloc(b->cap);
	b->rbuf = malloc(b->rcap);
	b->answered = calloc(b->max, 1);
	if (!b->buf || !b->rbuf || !b->answered) {
		prl_nl_batch_free(b);
		return -ENOMEM;
	}
	/*
	 * Every request's ack (and reply) is queued while our send() runs:
	 * a full batch must fit, or acks are dropped (reported as ENOBUFS).
	 */
	if (setsockopt(b->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		(void)setsockopt(b->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return 0;
}

void prl_nl_batch_free(struct prl_nl_batch *b)
{
	free(b->buf);
	free(b->rbuf);
	free(b->answered);
	b->buf = b->rbuf = b->answered = NULL;
	b->n = 0;
	b->len = 0;
}

int prl_nl_batch_add(struct prl_nl_batch *b, struct nl_msg *msg)
{
	struct nlmsghdr *nlh;
	size_t len;

	if (!msg)
		return -ENOMEM;
	nlh = nlmsg_hdr(msg);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	if (b->n >= b->max) {
		nlmsg_free(msg);
		return -ENOSPC;
	}
	if (b->len + len > b->cap) {
		size_t cap = 2 * (b->len + len);
		uint8_t *p = realloc(b->buf, cap);

		if (!p) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		b->buf = p;
		b->cap = cap;
	}
	nlh->nlmsg_seq = b->seq0 + b->n;
	nlh->nlmsg_pid = 0;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	memset(b->buf + b->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	b->len += len;
	nlmsg_free(msg);
	return (int)b->n++;
}

/*
 * One message of the answers: 0 if it is not an ack of ours (a reply, a
 * late answer), 1 for a success, 2 for a failure; @fn is told.
 */
static int answer(struct prl_nl_batch *b, const struct nlmsghdr *nlh,
		  prl_nl_batch_fn fn, void *arg)
{
	const struct nlmsgerr *me = NLMSG_DATA(nlh);
	uint32_t idx = nlh->nlmsg_seq - b->seq0;
	struct prl_nl_error e;
	size_t off = sizeof(*me);

	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*me)) || idx >= b->n ||
	    b->answered[idx])
		return 0;
	b->answered[idx] = 1;
	if (!me->error) {
		if (fn)
			fn(idx, 0, NULL, arg);
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.err = me->error < 0 ? me->error : -EPROTO;
	/* without NLM_F_CAPPED the request follows the error header */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && me->msg.nlmsg_len > NLMSG_HDRLEN)
		off += me->msg.nlmsg_len - NLMSG_HDRLEN;
	prl_nl_parse_ext_ack(&e, nlh, off);
	if (fn)
		fn(idx, e.err, &e, arg);
	return 2;
}

/*
 * Read answers until all came (*@left 0). Else returns why some are
 * missing: -ENOBUFS (the socket overran: what is queued is read, the
 * rest was dropped by the kernel), -ETIMEDOUT, another errno. *@failed
 * counts the failures reported.
 */
static int collect(struct prl_nl_batch *b, prl_nl_batch_fn fn, void *arg,
		   unsigned int *left, int *failed)
{
	struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
	struct nlmsghdr *nlh;
	int err = 0, len, r;
	ssize_t n;

	while (*left) {
		n = poll(&pfd, 1, err ? 0 : b->timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err ? err : n ? -errno : -ETIMEDOUT;
		n = recv(b->fd, b->rbuf, b->rcap, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			err = -ENOBUFS;
			continue;
		}
		if (n < 0)
			return -errno;
		len = (int)n;
		for (nlh = (void *)b->rbuf; NLMSG_OK(nlh, (unsigned int)len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			r = answer(b, nlh, fn, arg);
			*left -= r > 0;
			*failed += r == 2;
		}
	}
	return 0;
}

int prl_nl_batch_flush(struct prl_nl_batch *b, prl_nl_batch_fn fn, void *arg)
{
	unsigned int i, left = b->n;
	int failed = 0, err;
	ssize_t n;

	if (!b->n)
		return 0;
	memset(b->answered, 0, b->n);
	do
		n = send(b->fd, b->buf, b->len, 0);
	while (n < 0 && errno == EINTR);
	err = n < 0 ? -errno : collect(b, fn, arg, &left, &failed);
	/* never silently lost: whatever got no answer fails with the reason */
	for (i = 0; i < b->n && left; i++) {
		struct prl_nl_error e = { .err = err };

		if (b->answered[i])
			continue;
		snprintf(e.msg, sizeof(e.msg), "%s",
			 n < 0 ? "not sent" : err == -ENOBUFS ?
			 "answer lost: receive buffer overrun" :
			 "no answer from the kernel");
		if (fn)
			fn(i, err, &e, arg);
		failed++;
		left--;
	}
	b->seq0 += b->max;	/* late answers of this batch are not the next's */
	b->n = 0;
	b->len = 0;
	return failed;
}
