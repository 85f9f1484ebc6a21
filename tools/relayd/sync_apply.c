// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication: the install side (sync_int.h). SESSION and DEL
 * records become SESSION_NEW/SESSION_DEL requests with REPLICA, queued
 * into one nl_batch (tools/lib/nl_batch.h) and sent 256 at a time; every
 * answer is accounted: installed, a conflict settled one by one, or an
 * error counted and logged.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sync_int.h"

/* Which of two sessions of one pair (or one VNI) both relays keep. */
static bool incoming_wins(const struct prl_session *in, const struct prl_session *cur)
{
	if (in->lamport != cur->lamport)
		return in->lamport > cur->lamport;
	if (in->vni != cur->vni)
		return in->vni < cur->vni;
	return memcmp(in->key0, cur->key0, PEER_RELAY_KEY_LEN) < 0;
}

/*
 * The pair has another session, or the VNI another pair: the one that
 * wins incoming_wins() stays on both relays (the same decision on each,
 * so they converge). Returns true if the local one was removed.
 */
static bool resolve_conflict(struct relayd_sync *s, const struct prl_session *in)
{
	struct prl_session cur;
	int i;

	for (i = 0; i < 2; i++) {
		int err = i ? prl_session_get(&s->nl_inst, in->vni, &cur) :
			      prl_session_get_keys(&s->nl_inst, in->key0, in->key1, &cur);

		if (err || (cur.vni == in->vni && cur.lamport == in->lamport))
			continue;
		s->conflicts++;
		if (!incoming_wins(in, &cur))
			return false;
		prl_log_info(&s->log, "sync: replaced session vni %u (lamport %llu) by the peer's vni %u (lamport %llu)",
			     cur.vni, (unsigned long long)cur.lamport, in->vni,
			     (unsigned long long)in->lamport);
		prl_session_del_replica(&s->nl_inst, cur.vni, cur.lamport);
	}
	return true;
}

/* A session that lost a conflict the batch could not settle: one by one. */
static void apply_conflict(struct relayd_sync *s, struct apply_req *q)
{
	int err = -EEXIST, tries;

	for (tries = 0; tries < 3 && err == -EEXIST; tries++) {
		if (!resolve_conflict(s, &q->sess))
			return;	/* ours wins: the peer converges to it */
		err = prl_session_replicate(&s->nl_inst, &q->sess);
	}
	q->err = err;
	if (err)
		snprintf(q->msg, sizeof(q->msg), "%s", prl_nl_errmsg(&s->nl_inst));
}

/* Does a later request of the batch carry a newer state of @q's session? */
static bool superseded(const struct relayd_sync *s, unsigned int i)
{
	const struct prl_session *a = &s->reqs[i].sess, *b;
	unsigned int j, n = prl_nl_batch_count(&s->batch);

	for (j = i + 1; j < n; j++) {
		b = &s->reqs[j].sess;
		if (b->vni == a->vni ||
		    (s->reqs[j].kind == APPLY_SESSION &&
		     !memcmp(b->key0, a->key0, PEER_RELAY_KEY_LEN) &&
		     !memcmp(b->key1, a->key1, PEER_RELAY_KEY_LEN)))
			return true;
	}
	return false;
}

static void note_answer(unsigned int idx, int err, const struct prl_nl_error *e,
			void *arg)
{
	struct apply_req *q = &((struct relayd_sync *)arg)->reqs[idx];

	q->err = err;
	if (e)
		snprintf(q->msg, sizeof(q->msg), "%s", e->msg);
}

/* Log the first few failures of a batch, then only count them. */
#define APPLY_LOG_MAX 4

/* The outcome of request @i of the batch just answered. */
static void apply_result(struct relayd_sync *s, unsigned int i, unsigned int *logged)
{
	struct apply_req *q = &s->reqs[i];

	if (q->kind == APPLY_SESSION && q->err == -EEXIST && !superseded(s, i))
		apply_conflict(s, q);
	switch (q->err) {
	case 0:
		if (q->kind == APPLY_SWEEP) {
			s->removed++;
			return;
		}
		s->installed++;
		if (q->kind == APPLY_SESSION && q->c->sweep.active)
			sync_sweep_mark(&q->c->sweep, q->sess.vni, q->sess.lamport);
		return;
	case -EEXIST:	/* the local session won the conflict, or a later state follows */
		return;
	case -ENOENT:
		if (q->kind != APPLY_SESSION)
			return;	/* already gone: a deletion's outcome */
		break;
	default:
		break;
	}
	s->install_errors++;
	if ((*logged)++ < APPLY_LOG_MAX)
		prl_log_warn(&s->log, "sync: %s vni %u from %s: %s%s%s",
			     q->kind == APPLY_SESSION ? "install" : "delete",
			     q->sess.vni, q->c->name, strerror(-q->err),
			     q->msg[0] ? ": " : "", q->msg);
}

/* Send the queued installs and deletions; every answer is accounted. */
void sync_apply_flush(struct relayd_sync *s)
{
	unsigned int i, n = prl_nl_batch_count(&s->batch), logged = 0;

	if (!n)
		return;
	prl_nl_batch_flush(&s->batch, note_answer, s);
	for (i = 0; i < n; i++)
		apply_result(s, i, &logged);
	if (logged > APPLY_LOG_MAX)
		prl_log_warn(&s->log, "sync: %u more failed requests in that batch (counted)",
			     logged - APPLY_LOG_MAX);
}

/* Queue one request of @kind for @c (flushing a full batch first). */
void sync_apply_queue(struct relayd_sync *s, struct sync_conn *c,
			enum apply_kind kind, const struct prl_session *in)
{
	struct apply_req *q;
	struct nl_msg *msg;
	int idx;

	if (prl_nl_batch_count(&s->batch) >= s->batch.max)
		sync_apply_flush(s);
	msg = kind == APPLY_SESSION ? prl_session_replicate_msg(&s->nl_batch, in) :
	      prl_session_del_replica_msg(&s->nl_batch, in->vni, in->lamport);
	idx = prl_nl_batch_add(&s->batch, msg);
	if (idx < 0) {
		s->install_errors++;
		prl_log_warn(&s->log, "sync: vni %u from %s: request not built: %s",
			     in->vni, c->name, strerror(-idx));
		return;
	}
	q = &s->reqs[idx];
	q->kind = kind;
	q->c = c;
	q->sess = *in;
	q->err = 0;
	q->msg[0] = '\0';
}

/*
 * Apply the records of one frame; -errno ends the connection. Installs
 * and deletions are queued into the batch, which is sent when full and
 * before anything that must see their outcome (a resync's dump or sweep,
 * an ACK) - and at the end of each read (conn_event()).
 */
int sync_apply_frame(struct relayd_sync *s, struct sync_conn *c,
		       const uint8_t *p, size_t len)
{
	struct sync_rec r;
	size_t off = 0;
	int ret;

	while ((ret = sync_get_rec(p, len, &off, &r)) == 1) {
		switch (r.type) {
		case SYNC_REC_SESSION:
		case SYNC_REC_DEL:
			if (c->initiator)
				return -EPROTO;
			sync_apply_queue(s, c, r.type == SYNC_REC_SESSION ? APPLY_SESSION :
				    APPLY_DEL, &r.sess);
			break;
		case SYNC_REC_BEGIN:
			sync_apply_flush(s);
			sync_resync_begin(s, c, r.gen);
			break;
		case SYNC_REC_END:
			sync_apply_flush(s);
			sync_resync_end(s, c, &r);
			break;
		case SYNC_REC_MARK:
			if (c->initiator)
				return -EPROTO;
			sync_apply_flush(s);
			ret = sync_put_clock(c->out, &c->out_len, SYNC_REC_ACK,
					     r.clock_ms, c->applied);
			if (!ret)
				ret = sync_conn_flush(c);
			if (ret)
				return ret;
			break;
		case SYNC_REC_ACK:
			if (!c->initiator)
				return -EPROTO;
			c->lag_last_ms = sync_now_ms() - r.clock_ms;
			if (r.clock_ms > c->acked_clock)
				c->acked_clock = r.clock_ms;
			if (c->lag_last_ms > c->lag_max_ms)
				c->lag_max_ms = c->lag_last_ms;
			c->acks++;
			/* the end of a full resync: how long the peer took (info) */
			prl_log(&s->log, r.clock_ms == s->resync_mark ? PRL_LOG_INFO :
				PRL_LOG_DEBUG, "sync: %s acknowledged %s after %llu ms",
				c->name, r.clock_ms == s->resync_mark ? "the full resync" :
				"a batch", (unsigned long long)c->lag_last_ms);
			break;
		default:
			return -EPROTO;	/* AUTH again */
		}
		c->applied++;
	}
	return ret;
}
