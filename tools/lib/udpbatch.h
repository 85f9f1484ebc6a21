/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Batched UDP I/O for a single-threaded forwarder: recvmmsg() into a
 * ring of buffers (with UDP GRO, one buffer may hold a run of equal-sized
 * datagrams, split again by prl_ub_next()), and a send queue that leaves
 * with sendmmsg(), where runs of equal-sized datagrams to the same
 * destination become one UDP_SEGMENT (GSO) message.
 *
 * Queued datagrams are scatter lists (a header and a body), so a forwarder
 * can add or strip a fixed header without copying: with GSO the kernel
 * cuts the concatenated iovecs every gso_size bytes, which are exactly the
 * header+body pairs when they all have that size.
 */
#ifndef PRL_UDPBATCH_H
#define PRL_UDPBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Most datagrams per recvmmsg()/queue (and segments per GSO message). */
#define PRL_UB_MAX_BATCH	64

struct prl_ub_rx {
	unsigned int batch;		/* buffers */
	size_t bufsize;			/* bytes per buffer */
	uint8_t *mem;			/* batch * bufsize */
	struct mmsghdr *msgs;
	struct iovec *iov;
	struct sockaddr_storage *from;
	uint8_t *ctrl;			/* per message control buffer */
	unsigned int n;			/* messages of the last prl_ub_recv() */
	uint64_t truncated;		/* datagrams longer than bufsize */
};

/* One received datagram (after GRO splitting). */
struct prl_ub_dgram {
	uint8_t *data;
	size_t len;
	const struct sockaddr_storage *from;
	socklen_t from_len;
};

/* Cursor over the datagrams of the last prl_ub_recv(). */
struct prl_ub_iter {
	unsigned int msg;
	size_t off;
};

/*
 * prl_ub_rx_init() - allocate @batch (1..PRL_UB_MAX_BATCH) receive
 * buffers of @bufsize bytes (64 KiB holds any datagram and a GRO run;
 * longer ones are dropped as truncated). Return: 0, -EINVAL or -ENOMEM.
 */
int prl_ub_rx_init(struct prl_ub_rx *rx, unsigned int batch, size_t bufsize);
void prl_ub_rx_free(struct prl_ub_rx *rx);

/*
 * prl_ub_recv() - one non-blocking recvmmsg() on @fd.
 * Return: messages received (> 0), 0 if none was waiting, or -errno.
 */
int prl_ub_recv(int fd, struct prl_ub_rx *rx);

/*
 * prl_ub_next() - the next datagram of the last prl_ub_recv() into @d
 * (start with a zeroed @it). A GRO message yields one datagram per
 * segment. Return: false when there are no more.
 */
bool prl_ub_next(struct prl_ub_rx *rx, struct prl_ub_iter *it,
		 struct prl_ub_dgram *d);

/* A queued datagram: hdr ‖ body, to @to. */
struct prl_ub_item {
	const void *hdr, *body;
	size_t hlen, blen;
	const struct sockaddr_storage *to;
	socklen_t to_len;
};

struct prl_ub_tx {
	bool gso;			/* cleared if the kernel refuses it */
	unsigned int n;			/* queued */
	struct prl_ub_item items[PRL_UB_MAX_BATCH];
	/* built by prl_ub_flush() */
	struct mmsghdr msgs[PRL_UB_MAX_BATCH];
	struct iovec iov[2 * PRL_UB_MAX_BATCH];
	uint8_t ctrl[PRL_UB_MAX_BATCH][64];
	unsigned int first[PRL_UB_MAX_BATCH];	/* item index of message i */
	unsigned int count[PRL_UB_MAX_BATCH];	/* items in message i */
	uint64_t sent, errors, gso_msgs;	/* datagrams; GSO messages */
};

void prl_ub_tx_init(struct prl_ub_tx *tx, bool gso);

/* Room for another datagram? (flush first when not) */
static inline bool prl_ub_full(const struct prl_ub_tx *tx)
{
	return tx->n >= PRL_UB_MAX_BATCH;
}

/*
 * prl_ub_add() - queue @hdr (may be NULL, @hlen 0) ‖ @body to @to. The
 * pointers must stay valid until prl_ub_flush(). The queue must not be
 * full.
 */
void prl_ub_add(struct prl_ub_tx *tx, const void *hdr, size_t hlen,
		const void *body, size_t blen,
		const struct sockaddr_storage *to, socklen_t to_len);

/*
 * prl_ub_flush() - send everything queued on @fd (blocking sends: a full
 * socket buffer is back pressure). A datagram the kernel refuses is
 * counted in tx->errors and skipped. Return: datagrams sent.
 */
unsigned int prl_ub_flush(int fd, struct prl_ub_tx *tx);

/*
 * prl_ub_sockopts() - large buffers (@bytes, forced when privileged) and
 * UDP_GRO if @gro. Return: whether GRO is on.
 */
bool prl_ub_sockopts(int fd, int bytes, bool gro);

#endif /* PRL_UDPBATCH_H */
