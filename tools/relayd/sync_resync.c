// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication: the end of a full resynchronisation on a standby
 * (sync_int.h). At BEGIN it notes the (VNI, LamportID) of every session
 * it has, each installed SESSION of the resync marks its own, and at END
 * the unmarked ones - sessions the active no longer has - are deleted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync_int.h"

void sync_sweep_free(struct sync_sweep *w)
{
	free(w->vni);
	free(w->lamport);
	free(w->seen);
	memset(w, 0, sizeof(*w));
}

void sync_sweep_mark(struct sync_sweep *w, uint32_t vni, uint64_t lamport)
{
	size_t i;

	if (!w->cap)
		return;	/* the standby had no session: nothing to sweep */
	/* open addressing on the VNI, capacity a power of two > 2n */
	for (i = vni & (w->cap - 1); w->vni[i]; i = (i + 1) & (w->cap - 1))
		if (w->vni[i] == vni) {
			if (w->lamport[i] == lamport)
				w->seen[i] = true;
			return;
		}
}

static int sweep_add(const struct prl_session *ps, void *arg)
{
	struct sync_sweep *w = arg;
	size_t i;

	if (2 * (w->n + 1) > w->cap) {
		struct sync_sweep big = { .cap = w->cap ? 2 * w->cap : 1024 };
		size_t j;

		big.vni = calloc(big.cap, sizeof(*big.vni));
		big.lamport = calloc(big.cap, sizeof(*big.lamport));
		big.seen = calloc(big.cap, sizeof(*big.seen));
		if (!big.vni || !big.lamport || !big.seen) {
			sync_sweep_free(&big);
			return -ENOMEM;
		}
		for (j = 0; j < w->cap; j++) {
			if (!w->vni[j])
				continue;
			for (i = w->vni[j] & (big.cap - 1); big.vni[i];
			     i = (i + 1) & (big.cap - 1))
				;
			big.vni[i] = w->vni[j];
			big.lamport[i] = w->lamport[j];
		}
		big.n = w->n;
		big.gen = w->gen;
		sync_sweep_free(w);
		*w = big;
	}
	for (i = ps->vni & (w->cap - 1); w->vni[i]; i = (i + 1) & (w->cap - 1))
		;
	w->vni[i] = ps->vni;
	w->lamport[i] = ps->lamport;
	w->n++;
	return 0;
}

void sync_resync_begin(struct relayd_sync *s, struct sync_conn *c, uint32_t gen)
{
	int ret;

	sync_sweep_free(&c->sweep);
	if (s->active)
		return;	/* only a standby mirrors the active */
	c->sweep.gen = gen;
	ret = prl_session_dump(&s->nl_inst, sweep_add, &c->sweep);
	if (ret < 0) {
		prl_log_warn(&s->log, "sync: dump before resync: %s", strerror(-ret));
		sync_sweep_free(&c->sweep);
		return;
	}
	c->sweep.active = true;
}

void sync_resync_end(struct relayd_sync *s, struct sync_conn *c,
		      const struct sync_rec *r)
{
	struct sync_sweep *w = &c->sweep;
	uint64_t before = s->removed;
	struct prl_session gone = { 0 };
	size_t i;

	if (w->active && w->gen == r->gen && !s->active) {
		for (i = 0; i < w->cap; i++) {
			if (!w->vni[i] || w->seen[i])
				continue;
			gone.vni = w->vni[i];
			gone.lamport = w->lamport[i];
			sync_apply_queue(s, c, APPLY_SWEEP, &gone);
		}
		sync_apply_flush(s);
	}
	prl_log(&s->log, w->active ? PRL_LOG_INFO : PRL_LOG_DEBUG,
		"sync: resync from %s: %u sessions, %llu removed", c->name,
		r->count, (unsigned long long)(s->removed - before));
	sync_sweep_free(w);
}
