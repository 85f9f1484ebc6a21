// SPDX-License-Identifier: GPL-2.0-only
/* Batched UDP receive and send with GRO/GSO (see udpbatch.h). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>

#include "cmsg.h"
#include "udpbatch.h"

/* Bytes a GSO message may carry (IP total length minus headers). */
#define UB_GSO_MAX_BYTES	(65535 - 40 - 8)

#define UB_CTRL_LEN	64

int prl_ub_rx_init(struct prl_ub_rx *rx, unsigned int batch, size_t bufsize)
{
	memset(rx, 0, sizeof(*rx));
	if (!batch || batch > PRL_UB_MAX_BATCH || bufsize < 64)
		return -EINVAL;
	rx->batch = batch;
	rx->bufsize = bufsize;
	rx->mem = malloc(batch * bufsize);
	rx->msgs = calloc(batch, sizeof(*rx->msgs));
	rx->iov = calloc(batch, sizeof(*rx->iov));
	rx->from = calloc(batch, sizeof(*rx->from));
	rx->ctrl = calloc(batch, UB_CTRL_LEN);
	if (!rx->mem || !rx->msgs || !rx->iov || !rx->from || !rx->ctrl) {
		prl_ub_rx_free(rx);
		return -ENOMEM;
	}
	return 0;
}

void prl_ub_rx_free(struct prl_ub_rx *rx)
{
	free(rx->mem);
	free(rx->msgs);
	free(rx->iov);
	free(rx->from);
	free(rx->ctrl);
	memset(rx, 0, sizeof(*rx));
}

int prl_ub_recv(int fd, struct prl_ub_rx *rx)
{
	unsigned int i;
	int n;

	for (i = 0; i < rx->batch; i++) {
		struct msghdr *mh = &rx->msgs[i].msg_hdr;

		rx->iov[i].iov_base = rx->mem + (size_t)i * rx->bufsize;
		rx->iov[i].iov_len = rx->bufsize;
		memset(mh, 0, sizeof(*mh));
		mh->msg_name = &rx->from[i];
		mh->msg_namelen = sizeof(rx->from[i]);
		mh->msg_iov = &rx->iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = rx->ctrl + (size_t)i * UB_CTRL_LEN;
		mh->msg_controllen = UB_CTRL_LEN;
	}
	rx->n = 0;
	do {
		n = recvmmsg(fd, rx->msgs, rx->batch, MSG_DONTWAIT, NULL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	rx->n = (unsigned int)n;
	return n;
}

bool prl_ub_next(struct prl_ub_rx *rx, struct prl_ub_iter *it,
		 struct prl_ub_dgram *d)
{
	for (; it->msg < rx->n; it->msg++, it->off = 0) {
		struct mmsghdr *m = &rx->msgs[it->msg];
		size_t len = m->msg_len, seg;

		if (m->msg_hdr.msg_flags & MSG_TRUNC) {
			rx->truncated++;
			continue;
		}
		if (it->off >= len)
			continue;
		seg = prl_cmsg_gro_size(&m->msg_hdr);
		if (!seg || seg > len - it->off)
			seg = len - it->off;
		d->data = (uint8_t *)rx->iov[it->msg].iov_base + it->off;
		d->len = seg;
		d->from = &rx->from[it->msg];
		d->from_len = m->msg_hdr.msg_namelen;
		it->off += seg;
		return true;
	}
	return false;
}

void prl_ub_tx_init(struct prl_ub_tx *tx, bool gso)
{
	memset(tx, 0, sizeof(*tx));
	tx->gso = gso;
}

void prl_ub_add(struct prl_ub_tx *tx, const void *hdr, size_t hlen,
		const void *body, size_t blen,
		const struct sockaddr_storage *to, socklen_t to_len)
{
	struct prl_ub_item *it = &tx->items[tx->n++];

	it->hdr = hdr;
	it->hlen = hdr ? hlen : 0;
	it->body = body;
	it->blen = blen;
	it->to = to;
	it->to_len = to_len;
}

static size_t item_len(const struct prl_ub_item *it)
{
	return it->hlen + it->blen;
}

static bool same_dest(const struct prl_ub_item *a, const struct prl_ub_item *b)
{
	return a->to_len == b->to_len && !memcmp(a->to, b->to, a->to_len);
}

/*
 * Build message @m from items [@first, @first + @count), with iovecs
 * starting at @iov. Returns the number of iovecs used.
 */
static unsigned int build_msg(struct prl_ub_tx *tx, unsigned int m,
			      unsigned int first, unsigned int count,
			      unsigned int iov)
{
	struct msghdr *mh = &tx->msgs[m].msg_hdr;
	unsigned int i, k = iov;

	memset(mh, 0, sizeof(*mh));
	for (i = first; i < first + count; i++) {
		const struct prl_ub_item *it = &tx->items[i];

		if (it->hlen) {
			tx->iov[k].iov_base = (void *)it->hdr;
			tx->iov[k++].iov_len = it->hlen;
		}
		tx->iov[k].iov_base = (void *)it->body;
		tx->iov[k++].iov_len = it->blen;
	}
	mh->msg_name = (void *)tx->items[first].to;
	mh->msg_namelen = tx->items[first].to_len;
	mh->msg_iov = &tx->iov[iov];
	mh->msg_iovlen = k - iov;
	if (count > 1) {
		mh->msg_control = tx->ctrl[m];
		mh->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
		prl_cmsg_put_segment(mh, CMSG_FIRSTHDR(mh),
				     (uint16_t)item_len(&tx->items[first]));
	}
	tx->first[m] = first;
	tx->count[m] = count;
	return k - iov;
}

/* Group the queue into messages: runs for GSO, else one per item. */
static unsigned int build_all(struct prl_ub_tx *tx, unsigned int from)
{
	unsigned int m = 0, iov = 0, i = from;

	while (i < tx->n) {
		unsigned int j = i + 1;
		size_t seg = item_len(&tx->items[i]), total = seg;

		if (tx->gso && seg) {
			/* equal sizes to the same place; the last may be
			 * shorter (it ends the run) */
			while (j < tx->n && same_dest(&tx->items[i], &tx->items[j]) &&
			       item_len(&tx->items[j]) <= seg &&
			       total + item_len(&tx->items[j]) <= UB_GSO_MAX_BYTES) {
				total += item_len(&tx->items[j]);
				if (item_len(&tx->items[j++]) < seg)
					break;
			}
		}
		iov += build_msg(tx, m++, i, j - i, iov);
		i = j;
	}
	return m;
}

/* Send items [@first, @first + @count) one by one (a refused GSO run). */
static unsigned int send_each(int fd, struct prl_ub_tx *tx, unsigned int first,
			      unsigned int count)
{
	unsigned int i, sent = 0;

	for (i = first; i < first + count; i++) {
		build_msg(tx, 0, i, 1, 0);
		if (sendmsg(fd, &tx->msgs[0].msg_hdr, 0) < 0)
			tx->errors++;
		else
			sent++;
	}
	return sent;
}

unsigned int prl_ub_flush(int fd, struct prl_ub_tx *tx)
{
	unsigned int nmsg, done = 0, sent = 0;
	int r;

	nmsg = build_all(tx, 0);
	while (done < nmsg) {
		r = sendmmsg(fd, tx->msgs + done, nmsg - done, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0) {
			unsigned int k;

			for (k = done; k < done + (unsigned int)r; k++) {
				sent += tx->count[k];
				tx->gso_msgs += tx->count[k] > 1;
			}
			done += (unsigned int)r;
			continue;
		}
		/* message @done was refused */
		if (tx->count[done] > 1) {
			int err = errno;
			unsigned int first = tx->first[done];
			unsigned int count = tx->count[done];
			unsigned int rest = done + 1;

			/* EIO: no GSO here at all; anything else (a
			 * segment above the path MTU...): this run only */
			if (err == EIO)
				tx->gso = false;
			sent += send_each(fd, tx, first, count);
			/* send_each() reused message 0: rebuild the rest */
			if (rest < nmsg) {
				unsigned int next = tx->first[rest];

				nmsg = build_all(tx, next);
				done = 0;
				continue;
			}
			break;
		}
		tx->errors++;
		done++;
	}
	tx->sent += sent;
	tx->n = 0;
	return sent;
}

bool prl_ub_sockopts(int fd, int bytes, bool gro)
{
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
	return gro && !setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
}
