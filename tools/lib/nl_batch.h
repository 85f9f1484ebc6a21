/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pipelined netlink requests: many requests in one sendmsg(), every one
 * acknowledged, the acknowledgements matched to the requests by sequence
 * number. One failed request does not fail the others; each gets its own
 * result (with the kernel's extack) through a callback.
 *
 * The kernel handles the requests of one sendmsg() in order, inside that
 * call, and queues a reply (if the command has one) and an ack per
 * request on the socket: the socket's receive buffer must hold a whole
 * batch's answers, so prl_nl_batch_init() raises it. A request that the
 * kernel could not answer (receive buffer overrun) is reported as
 * -ENOBUFS, never silently dropped.
 *
 * Used by relayd's sync to install replicated sessions; any generic
 * netlink family works (the unit test uses the controller).
 */
#ifndef PRL_NL_BATCH_H
#define PRL_NL_BATCH_H

#include <stdint.h>

#include "nl.h"

#define PRL_NL_BATCH_DEFAULT	256

/*
 * Result of request @idx (0.. in the order of prl_nl_batch_add()) of the
 * batch being flushed: @err 0 or a negative errno, @e the kernel's extack
 * (e->msg may be ""), NULL when @err is 0.
 */
typedef void (*prl_nl_batch_fn)(unsigned int idx, int err,
				const struct prl_nl_error *e, void *arg);

struct prl_nl_batch {
	int fd;			/* the caller's netlink socket */
	unsigned int n, max;	/* requests queued, at most */
	uint32_t seq0;		/* sequence number of request 0 */
	uint8_t *buf;		/* the requests, back to back */
	size_t len, cap;
	uint8_t *rbuf;		/* one recv() of answers */
	size_t rcap;
	uint8_t *answered;	/* per request: ack seen */
	int timeout_ms;		/* waiting for answers */
};

/*
 * Batches of at most @max requests (PRL_NL_BATCH_DEFAULT if 0) on the
 * connected netlink socket @sk, which must not be used for anything else
 * while a batch is queued. Raises its receive buffer (SO_RCVBUFFORCE if
 * allowed). 0 or -errno.
 */
int prl_nl_batch_init(struct prl_nl_batch *b, struct nl_sock *sk,
		      unsigned int max);
void prl_nl_batch_free(struct prl_nl_batch *b);

/* Requests queued; the batch is full at b->max: flush it. */
static inline unsigned int prl_nl_batch_count(const struct prl_nl_batch *b)
{
	return b->n;
}

/*
 * Queue @msg (always consumed; NLM_F_REQUEST|NLM_F_ACK and the sequence
 * number are set here). Returns its index in the batch, -ENOSPC when the
 * batch is full, -ENOMEM.
 */
int prl_nl_batch_add(struct prl_nl_batch *b, struct nl_msg *msg);

/*
 * Send the queued requests in one sendmsg() and wait for every answer,
 * calling @fn (may be NULL) once per request, in order of arrival. The
 * batch is empty afterwards. Returns the number of failed requests, 0
 * when all succeeded.
 */
int prl_nl_batch_flush(struct prl_nl_batch *b, prl_nl_batch_fn fn, void *arg);

#endif /* PRL_NL_BATCH_H */
