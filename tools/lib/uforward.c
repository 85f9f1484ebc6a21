// SPDX-License-Identifier: GPL-2.0-only
/*
 * uforward: userspace forwarding engine, see uforward.h.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <sodium.h>

#include <peer_relay/classify.h>
#include <peer_relay/ratelimit.h>

#include "cmsg.h"
#include "uforward.h"
#include "udpsock.h"

#define UF_MAX_BATCH	1024
#define UF_RXBUF	65536	/* one GRO super-datagram */
#define UF_MAX_SEGS	64	/* kernel UDP_MAX_SEGMENTS */
#define UF_MAX_GSO	65000	/* payload bytes per GSO send */
#define UF_PAGE_BITS	12	/* VNI table: 2^12 pages of 2^12 slots */
#define UF_PAGE_SIZE	(1u << UF_PAGE_BITS)
#define UF_PASS_SLOTS	256	/* per worker, power of two */
#define UF_IDLE_MS	200	/* poll timeout: stop and epoch checks */

/* A bound endpoint: immutable once published, replaced as a whole. */
struct uf_ep {
	sa_family_t family;
	uint16_t port;		/* network order */
	uint8_t addr[16];
	struct sockaddr_storage sa;
	socklen_t salen;
	bool has_local;		/* send from local (IP(V6)_PKTINFO) */
	uint8_t local[16];
};

struct uf_session {
	uint32_t vni;
	struct uf_ep *ep[2];		/* atomic; NULL: not bound */
	uint64_t last_ms[2];		/* atomic; uf_now_ms() */
	uint64_t rx_packets[2];		/* atomic */
	uint64_t rx_bytes[2];		/* atomic */
};

/* Pass limit (include/peer_relay/ratelimit.h), racy on purpose as the
 * kernel's: two workers hitting one bucket at once may both pass. */
#define UF_RL_BUCKETS	1024	/* power of two */

struct uf_rl_bucket {
	uint64_t last_ns;	/* atomic */
	uint64_t tokens_ns;	/* atomic */
};

struct uf_ratelimit {
	struct prelay_rl_shape source, total;	/* atomic fields */
	uint8_t key[crypto_shorthash_KEYBYTES];
	struct uf_rl_bucket all;
	struct uf_rl_bucket buckets[UF_RL_BUCKETS];
};

/* One datagram to send: where, and which bytes of a receive buffer. */
struct uf_out {
	const struct uf_ep *to;
	void *data;
	size_t len;
};

/* A queued passed datagram. */
struct uf_pslot {
	struct uf_passed p;
	uint8_t data[UF_PASS_MAX];
};

/* Single-producer (worker) single-consumer (owner) ring. */
struct uf_ring {
	uint32_t head;			/* atomic, written by the worker */
	uint32_t tail;			/* atomic, written by the owner */
	struct uf_pslot *slot;
};

#define UF_CTL_SPACE	(CMSG_SPACE(sizeof(int)) + \
			 CMSG_SPACE(sizeof(struct in6_pktinfo)) + \
			 CMSG_SPACE(sizeof(struct in_pktinfo)))
#define UF_SCTL_SPACE	(CMSG_SPACE(sizeof(uint16_t)) + \
			 CMSG_SPACE(sizeof(struct in6_pktinfo)))

struct uf_worker {
	struct uf_engine *e;
	unsigned int idx;
	pthread_t thread;
	int fd;
	bool own_fd;
	int family;		/* of fd */
	int efd[2];		/* egress socket for AF_INET, AF_INET6 */
	int cpu;
	bool gro, gso;
	uint64_t seen;		/* atomic: epoch at the start of the batch */
	uint64_t now_ms;
	/* Receive side. */
	struct mmsghdr *rmsg;
	struct iovec *riov;
	struct sockaddr_storage *rname;
	char (*rctl)[UF_CTL_SPACE];
	uint8_t *rbuf;
	/* Send side: up to batch * UF_MAX_SEGS outputs per round. */
	struct uf_out *out;
	struct mmsghdr *smsg;
	struct iovec *siov;
	char (*sctl)[UF_SCTL_SPACE];
	struct uf_ring ring;
	struct uf_stats st;
};

/* An object unpublished at epoch @epoch, freed once no worker is older. */
struct uf_retired {
	void *p;
	uint64_t epoch;
	struct uf_retired *next;
};

struct uf_engine {
	struct uf_config cfg;
	unsigned int nworkers;
	struct uf_worker *w;
	struct uf_session **pages[UF_PAGE_SIZE];	/* atomic pointers */
	unsigned int page_used[UF_PAGE_SIZE];		/* under lock */
	unsigned int nsessions;
	pthread_mutex_t lock;		/* writers of the table */
	uint64_t epoch;			/* atomic */
	struct uf_retired *retired;	/* under lock */
	int evfd;			/* pass queue notification */
	struct uf_ratelimit rl;
	int stop;			/* atomic */
	bool started;
};

static inline void uf_add(uint64_t *p, uint64_t v)
{
	/* single writer: a relaxed store is enough for the readers */
	__atomic_store_n(p, *p + v, __ATOMIC_RELAXED);
}

void uf_config_default(struct uf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->batch = 64;
	cfg->max_sessions = 65536;
	cfg->sockbuf = 8 << 20;
	cfg->gro = true;
	cfg->gso = true;
}

uint64_t uf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- session table ---- */

static struct uf_session *uf_lookup(struct uf_engine *e, uint32_t vni)
{
	struct uf_session **page;

	page = __atomic_load_n(&e->pages[(vni >> UF_PAGE_BITS) &
					 (UF_PAGE_SIZE - 1)], __ATOMIC_ACQUIRE);
	if (!page)
		return NULL;
	return __atomic_load_n(&page[vni & (UF_PAGE_SIZE - 1)],
			       __ATOMIC_ACQUIRE);
}

/* Hand @p to the reclaimer: no worker may see it any more. Under lock. */
static void uf_retire(struct uf_engine *e, void *p)
{
	struct uf_retired *r;

	if (!p)
		return;
	if (!e->started) {
		free(p);
		return;
	}
	r = malloc(sizeof(*r));
	if (!r) {
		/* rare: wait for every worker to move on, then free */
		uint64_t ep = __atomic_add_fetch(&e->epoch, 1, __ATOMIC_SEQ_CST);
		unsigned int i;

		for (i = 0; i < e->nworkers; i++)
			while (__atomic_load_n(&e->w[i].seen, __ATOMIC_SEQ_CST) < ep &&
			       !__atomic_load_n(&e->stop, __ATOMIC_RELAXED))
				usleep(1000);
		free(p);
		return;
	}
	r->p = p;
	r->epoch = __atomic_add_fetch(&e->epoch, 1, __ATOMIC_SEQ_CST);
	r->next = e->retired;
	e->retired = r;
}

static void uf_reclaim_locked(struct uf_engine *e)
{
	struct uf_retired **pp, *r;
	uint64_t min = UINT64_MAX;
	unsigned int i;

	if (!e->retired)
		return;
	if (e->started && !__atomic_load_n(&e->stop, __ATOMIC_RELAXED))
		for (i = 0; i < e->nworkers; i++) {
			uint64_t s = __atomic_load_n(&e->w[i].seen,
						     __ATOMIC_SEQ_CST);

			if (s < min)
				min = s;
		}
	for (pp = &e->retired; (r = *pp);) {
		if (r->epoch <= min) {
			*pp = r->next;
			free(r->p);
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

void uf_reclaim(struct uf_engine *e)
{
	pthread_mutex_lock(&e->lock);
	uf_reclaim_locked(e);
	pthread_mutex_unlock(&e->lock);
}

static struct uf_ep *uf_ep_new(const struct sockaddr_storage *ss,
			       const struct sockaddr_storage *local)
{
	struct prl_endpoint remote, from;
	struct uf_ep *ep;

	if (!ss || (ss->ss_family != AF_INET && ss->ss_family != AF_INET6))
		return NULL;
	if (local && local->ss_family && local->ss_family != ss->ss_family)
		return NULL;
	if (prl_endpoint_from_sockaddr((const struct sockaddr *)ss,
				       sizeof(*ss), &remote))
		return NULL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return NULL;
	ep->family = ss->ss_family;
	ep->port = htons(remote.port);
	memcpy(ep->addr, remote.addr.u.raw, prl_addr_len(&remote.addr));
	ep->salen = prl_sockaddr_len(ss->ss_family);
	if (local && local->ss_family &&
	    !prl_endpoint_from_sockaddr((const struct sockaddr *)local,
					sizeof(*local), &from)) {
		ep->has_local = true;
		memcpy(ep->local, from.addr.u.raw, prl_addr_len(&from.addr));
	}
	memcpy(&ep->sa, ss, ep->salen);
	return ep;
}

/* Is @src (a received datagram's source) the endpoint @ep? */
static bool uf_ep_is_source(const struct uf_ep *ep,
			    const struct sockaddr_storage *src)
{
	if (src->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)src;

		return ep->family == AF_INET && ep->port == s4->sin_port &&
		       !memcmp(ep->addr, &s4->sin_addr, 4);
	}
	if (src->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)src;

		return ep->family == AF_INET6 && ep->port == s6->sin6_port &&
		       !memcmp(ep->addr, &s6->sin6_addr, 16);
	}
	return false;
}

/* Insert @s at its VNI. Under lock. */
static int uf_insert_locked(struct uf_engine *e, struct uf_session *s)
{
	uint32_t pi = s->vni >> UF_PAGE_BITS, si = s->vni & (UF_PAGE_SIZE - 1);
	struct uf_session **page = e->pages[pi];

	if (page && page[si])
		return -EEXIST;
	if (e->nsessions >= e->cfg.max_sessions)
		return -ENOSPC;
	if (!page) {
		page = calloc(UF_PAGE_SIZE, sizeof(*page));
		if (!page)
			return -ENOMEM;
		__atomic_store_n(&e->pages[pi], page, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&page[si], s, __ATOMIC_RELEASE);
	e->page_used[pi]++;
	e->nsessions++;
	return 0;
}

static int uf_session_insert(struct uf_engine *e, uint32_t vni,
			     struct uf_ep *a, struct uf_ep *b)
{
	struct uf_session *s;
	int err;

	if (!vni || vni > 0xffffff)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->vni = vni;
	s->ep[0] = a;
	s->ep[1] = b;
	s->last_ms[0] = s->last_ms[1] = uf_now_ms();
	pthread_mutex_lock(&e->lock);
	err = uf_insert_locked(e, s);
	uf_reclaim_locked(e);
	pthread_mutex_unlock(&e->lock);
	if (err)
		free(s);
	return err;
}

int uf_session_new(struct uf_engine *e, uint32_t vni)
{
	return uf_session_insert(e, vni, NULL, NULL);
}

int uf_session_add(struct uf_engine *e, uint32_t vni,
		   const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b)
{
	struct uf_ep *ea = uf_ep_new(a, NULL), *eb = uf_ep_new(b, NULL);
	int err;

	if (!ea || !eb) {
		free(ea);
		free(eb);
		return -EINVAL;
	}
	err = uf_session_insert(e, vni, ea, eb);
	if (err) {
		free(ea);
		free(eb);
	}
	return err;
}

int uf_session_bind(struct uf_engine *e, uint32_t vni, unsigned int idx,
		    const struct sockaddr_storage *remote,
		    const struct sockaddr_storage *local)
{
	struct uf_session *s;
	struct uf_ep *ep, *old;

	if (idx > 1 || !vni || vni > 0xffffff)
		return -EINVAL;
	ep = uf_ep_new(remote, local);
	if (!ep)
		return -EINVAL;
	pthread_mutex_lock(&e->lock);
	s = uf_lookup(e, vni);
	if (!s) {
		pthread_mutex_unlock(&e->lock);
		free(ep);
		return -ENOENT;
	}
	__atomic_store_n(&s->last_ms[idx], uf_now_ms(), __ATOMIC_RELAXED);
	old = s->ep[idx];
	__atomic_store_n(&s->ep[idx], ep, __ATOMIC_SEQ_CST);
	uf_retire(e, old);
	uf_reclaim_locked(e);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

int uf_session_del(struct uf_engine *e, uint32_t vni)
{
	uint32_t pi = (vni >> UF_PAGE_BITS) & (UF_PAGE_SIZE - 1);
	struct uf_session **page, *s;

	pthread_mutex_lock(&e->lock);
	s = uf_lookup(e, vni);
	if (!s || !vni || vni > 0xffffff) {
		pthread_mutex_unlock(&e->lock);
		return -ENOENT;
	}
	page = e->pages[pi];
	__atomic_store_n(&page[vni & (UF_PAGE_SIZE - 1)], NULL,
			 __ATOMIC_SEQ_CST);
	e->nsessions--;
	if (!--e->page_used[pi]) {
		__atomic_store_n(&e->pages[pi], NULL, __ATOMIC_SEQ_CST);
		uf_retire(e, page);
	}
	uf_retire(e, s->ep[0]);
	uf_retire(e, s->ep[1]);
	uf_retire(e, s);
	uf_reclaim_locked(e);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

int uf_session_last_seen(struct uf_engine *e, uint32_t vni,
			 uint64_t last_ms[2])
{
	struct uf_session *s;
	int err = -ENOENT;

	pthread_mutex_lock(&e->lock);	/* keeps @s alive */
	s = vni && vni <= 0xffffff ? uf_lookup(e, vni) : NULL;
	if (s) {
		last_ms[0] = __atomic_load_n(&s->last_ms[0], __ATOMIC_RELAXED);
		last_ms[1] = __atomic_load_n(&s->last_ms[1], __ATOMIC_RELAXED);
		err = 0;
	}
	pthread_mutex_unlock(&e->lock);
	return err;
}

int uf_session_info(struct uf_engine *e, uint32_t vni,
		    struct uf_session_info *out)
{
	struct uf_session *s;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&e->lock);	/* keeps @s and its endpoints alive */
	s = vni && vni <= 0xffffff ? uf_lookup(e, vni) : NULL;
	if (!s) {
		pthread_mutex_unlock(&e->lock);
		return -ENOENT;
	}
	for (i = 0; i < 2; i++) {
		const struct uf_ep *ep = s->ep[i];

		out->last_ms[i] = __atomic_load_n(&s->last_ms[i], __ATOMIC_RELAXED);
		out->rx_packets[i] = __atomic_load_n(&s->rx_packets[i],
						     __ATOMIC_RELAXED);
		out->rx_bytes[i] = __atomic_load_n(&s->rx_bytes[i],
						   __ATOMIC_RELAXED);
		if (!ep)
			continue;
		out->bound[i] = true;
		memcpy(&out->remote[i], &ep->sa, ep->salen);
		if (ep->has_local && ep->family == AF_INET) {
			struct sockaddr_in *l = (void *)&out->local[i];

			l->sin_family = AF_INET;
			memcpy(&l->sin_addr, ep->local, 4);
		} else if (ep->has_local) {
			struct sockaddr_in6 *l = (void *)&out->local[i];

			l->sin6_family = AF_INET6;
			memcpy(&l->sin6_addr, ep->local, 16);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return 0;
}

/* ---- workers ---- */

static void uf_drop(struct uf_worker *w, enum peer_relay_drop_reason why)
{
	uf_add(&w->st.drop[why], 1);
	if (why == PEER_RELAY_DROP_TX_ERROR)
		uf_add(&w->st.send_errors, 1);
	else
		uf_add(&w->st.dropped, 1);
}

/* Copy a passed datagram into the ring (dropped if the ring is full). */
static bool uf_queue_pass(struct uf_worker *w, const struct msghdr *mh,
			  const struct sockaddr_storage *src,
			  const uint8_t *data, size_t len)
{
	struct uf_ring *r = &w->ring;
	uint32_t head = r->head;
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	struct prl_endpoint dst = { 0 };	/* port 0: only the address */
	struct uf_pslot *sl;
	socklen_t dst_len;

	if (head - tail >= UF_PASS_SLOTS) {
		uf_add(&w->st.pass_queue_full, 1);
		return false;
	}
	sl = &r->slot[head & (UF_PASS_SLOTS - 1)];
	memset(&sl->p, 0, sizeof(sl->p));
	sl->p.len = len < UF_PASS_MAX ? len : UF_PASS_MAX;
	sl->p.truncated = len > UF_PASS_MAX || (mh->msg_flags & MSG_TRUNC);
	memcpy(sl->data, data, sl->p.len);
	memcpy(&sl->p.src, src, sizeof(*src));
	sl->p.sock = w->idx;
	if (prl_cmsg_pktinfo(mh, &dst.addr, &sl->p.ifindex))
		prl_endpoint_to_sockaddr(&dst, &sl->p.dst, &dst_len);
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

static uint64_t uf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* prelay_rl_step() on a bucket shared by the workers. */
static bool uf_rl_take(struct uf_rl_bucket *b, const struct prelay_rl_shape *r,
		       uint64_t now)
{
	struct prelay_rl_shape shape = {
		.cost_ns = __atomic_load_n(&r->cost_ns, __ATOMIC_RELAXED),
		.max_ns = __atomic_load_n(&r->max_ns, __ATOMIC_RELAXED),
	};
	__u64 last, tokens;
	bool ok;

	if (!shape.cost_ns)
		return true;
	last = __atomic_load_n(&b->last_ns, __ATOMIC_RELAXED);
	tokens = __atomic_load_n(&b->tokens_ns, __ATOMIC_RELAXED);
	ok = prelay_rl_step(&last, &tokens, &shape, now);
	__atomic_store_n(&b->last_ns, last, __ATOMIC_RELAXED);
	__atomic_store_n(&b->tokens_ns, tokens, __ATOMIC_RELAXED);
	return ok;
}

/* 0 if a datagram from @src may be passed, else the drop reason. */
static enum peer_relay_drop_reason uf_rl_check(struct uf_ratelimit *rl,
					       const struct sockaddr_storage *src)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t idx, now;

	if (!__atomic_load_n(&rl->source.cost_ns, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&rl->total.cost_ns, __ATOMIC_RELAXED))
		return PEER_RELAY_DROP_UNSPEC;
	if (src->ss_family == AF_INET)
		crypto_shorthash(h, (const uint8_t *)&((const struct sockaddr_in *)src)->sin_addr,
				 4, rl->key);
	else
		crypto_shorthash(h, (const uint8_t *)&((const struct sockaddr_in6 *)src)->sin6_addr,
				 PRELAY_RL_V6_PREFIX_BYTES, rl->key);
	memcpy(&idx, h, sizeof(idx));
	now = uf_now_ns();
	if (!uf_rl_take(&rl->buckets[idx & (UF_RL_BUCKETS - 1)], &rl->source,
			now))
		return PEER_RELAY_DROP_RATELIMIT;
	if (!uf_rl_take(&rl->all, &rl->total, now))
		return PEER_RELAY_DROP_RATELIMIT_TOTAL;
	return PEER_RELAY_DROP_UNSPEC;
}

void uf_set_pass_limit(struct uf_engine *e, uint32_t rate, uint32_t burst,
		       uint32_t rate_total)
{
	struct uf_ratelimit *rl = &e->rl;
	struct prelay_rl_shape src = prelay_rl_shape_of(rate, burst);
	struct prelay_rl_shape all = prelay_rl_shape_of(rate_total, rate_total);
	uint64_t now = uf_now_ns();
	unsigned int i;

	/* as the kernel: every bucket starts over full at its new size */
	for (i = 0; i < UF_RL_BUCKETS; i++) {
		__atomic_store_n(&rl->buckets[i].tokens_ns, src.max_ns,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&rl->buckets[i].last_ns, now, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&rl->all.tokens_ns, all.max_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&rl->all.last_ns, now, __ATOMIC_RELAXED);
	__atomic_store_n(&rl->source.max_ns, src.max_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&rl->source.cost_ns, src.cost_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&rl->total.max_ns, all.max_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&rl->total.cost_ns, all.cost_ns, __ATOMIC_RELAXED);
}

static void uf_pass(struct uf_worker *w, enum peer_relay_pass_reason why,
		    const struct msghdr *mh, const struct sockaddr_storage *src,
		    const uint8_t *data, size_t len, bool *queued)
{
	enum peer_relay_drop_reason over = uf_rl_check(&w->e->rl, src);

	if (over) {
		uf_drop(w, over);
		return;
	}
	if (w->e->cfg.pass_queue) {
		if (!uf_queue_pass(w, mh, src, data, len))
			return;
		*queued = true;
	}
	uf_add(&w->st.pass[why], 1);
	uf_add(&w->st.passed, 1);
}

/* Decide what to do with one datagram; queue it in @w->out if forwarded. */
static void uf_handle(struct uf_worker *w, const struct msghdr *mh,
		      const struct sockaddr_storage *src, uint8_t *data,
		      size_t len, unsigned int *nout, bool *queued)
{
	const struct uf_ep *e0, *e1, *to;
	struct uf_session *s;
	uint32_t vni = 0;
	int from;

	uf_add(&w->st.rx_packets, 1);
	switch (prelay_classify(data, len, &vni)) {
	case PRELAY_CLASS_STUN:
		uf_pass(w, PEER_RELAY_PASS_STUN, mh, src, data, len, queued);
		return;
	case PRELAY_CLASS_NOT_GENEVE:
		uf_pass(w, PEER_RELAY_PASS_NOT_GENEVE, mh, src, data, len, queued);
		return;
	case PRELAY_CLASS_CONTROL:
		/* as the kernel: never bother the owner with unknown VNIs */
		if (!uf_lookup(w->e, vni))
			uf_drop(w, PEER_RELAY_DROP_UNKNOWN_VNI);
		else
			uf_pass(w, PEER_RELAY_PASS_CONTROL, mh, src, data, len, queued);
		return;
	case PRELAY_CLASS_SHORT:
		uf_drop(w, PEER_RELAY_DROP_SHORT);
		return;
	case PRELAY_CLASS_DATA:
		break;
	}
	s = uf_lookup(w->e, vni);
	if (!s) {
		uf_drop(w, PEER_RELAY_DROP_UNKNOWN_VNI);
		return;
	}
	e0 = __atomic_load_n(&s->ep[0], __ATOMIC_ACQUIRE);
	e1 = __atomic_load_n(&s->ep[1], __ATOMIC_ACQUIRE);
	if (!e0 || !e1) {
		uf_drop(w, PEER_RELAY_DROP_NOT_BOUND);
		return;
	}
	if (uf_ep_is_source(e0, src)) {
		from = 0;
		to = e1;
	} else if (uf_ep_is_source(e1, src)) {
		from = 1;
		to = e0;
	} else {
		uf_drop(w, PEER_RELAY_DROP_BAD_SOURCE);
		return;
	}
	if (w->efd[to->family == AF_INET6] < 0) {
		uf_drop(w, PEER_RELAY_DROP_NO_SOCKET);
		return;
	}
	/* written only when it changes: no cache line bouncing per packet */
	if (__atomic_load_n(&s->last_ms[from], __ATOMIC_RELAXED) != w->now_ms)
		__atomic_store_n(&s->last_ms[from], w->now_ms, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->rx_packets[from], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->rx_bytes[from], len, __ATOMIC_RELAXED);
	w->out[*nout].to = to;
	w->out[*nout].data = data;
	w->out[*nout].len = len;
	(*nout)++;
}

/* Control messages of one send: GSO segment size and/or source address. */
static void uf_send_cmsg(struct msghdr *mh, char *buf, const struct uf_ep *to,
			 unsigned int nseg, size_t seg)
{
	struct cmsghdr *cm;
	size_t len = 0;

	if (nseg > 1)
		len += CMSG_SPACE(sizeof(uint16_t));
	if (to->has_local)
		len += prl_cmsg_pktinfo_space(to->family);
	if (!len)
		return;
	memset(buf, 0, UF_SCTL_SPACE);
	mh->msg_control = buf;
	mh->msg_controllen = len;
	cm = CMSG_FIRSTHDR(mh);
	if (nseg > 1)
		cm = prl_cmsg_put_segment(mh, cm, (uint16_t)seg);
	if (to->has_local)
		prl_cmsg_put_pktinfo(mh, cm, to->family, to->local);
}

/*
 * Turn the queued outputs to family @fam into sendmmsg() messages: with
 * GSO, a run of datagrams to the same endpoint with the same size (the
 * last one may be shorter) becomes one message with a UDP_SEGMENT
 * control message.
 */
static unsigned int uf_build_send(struct uf_worker *w, unsigned int nout,
				  int fam)
{
	unsigned int i = 0, nmsg = 0, niov = 0;

	while (i < nout) {
		const struct uf_out *first = &w->out[i];
		struct msghdr *mh = &w->smsg[nmsg].msg_hdr;
		size_t total = 0;
		unsigned int n = 0;

		if (first->to->family != fam) {
			i++;
			continue;
		}
		while (i < nout && n < UF_MAX_SEGS) {
			const struct uf_out *o = &w->out[i];

			if (n && (!w->gso || o->to != first->to ||
				  o->len > first->len ||
				  total + o->len > UF_MAX_GSO))
				break;
			w->siov[niov + n].iov_base = o->data;
			w->siov[niov + n].iov_len = o->len;
			total += o->len;
			n++;
			i++;
			if (o->len < first->len)
				break;	/* a short segment ends the run */
		}
		memset(mh, 0, sizeof(*mh));
		mh->msg_name = (void *)&first->to->sa;
		mh->msg_namelen = first->to->salen;
		mh->msg_iov = &w->siov[niov];
		mh->msg_iovlen = n;
		uf_send_cmsg(mh, w->sctl[nmsg], first->to, n, first->len);
		niov += n;
		nmsg++;
	}
	return nmsg;
}

static void uf_send(struct uf_worker *w, unsigned int nmsg, int fam)
{
	unsigned int done = 0, pair;
	int fd = w->efd[fam == AF_INET6];

	pair = UF_AF_PAIR(w->family == AF_INET6, fam == AF_INET6);
	while (done < nmsg) {
		unsigned int i;
		int r = sendmmsg(fd, w->smsg + done, nmsg - done, 0);

		if (r < 0) {
			size_t k;

			if (errno == EINTR)
				continue;
			/* Skip the message that failed, count its segments. */
			for (k = 0; k < w->smsg[done].msg_hdr.msg_iovlen; k++)
				uf_drop(w, PEER_RELAY_DROP_TX_ERROR);
			done++;
			continue;
		}
		for (i = done; i < done + (unsigned int)r; i++) {
			struct msghdr *mh = &w->smsg[i].msg_hdr;
			size_t k;

			uf_add(&w->st.fwd_packets, mh->msg_iovlen);
			uf_add(&w->st.fwd_af[pair], mh->msg_iovlen);
			for (k = 0; k < mh->msg_iovlen; k++) {
				uf_add(&w->st.fwd_bytes, mh->msg_iov[k].iov_len);
				uf_add(&w->st.fwd_af_bytes[pair],
				       mh->msg_iov[k].iov_len);
			}
		}
		done += r;
	}
}

static void *uf_worker_main(void *arg)
{
	struct uf_worker *w = arg;
	struct uf_engine *e = w->e;
	unsigned int batch = e->cfg.batch, i;
	uint64_t one = 1;

	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	while (!__atomic_load_n(&e->stop, __ATOMIC_RELAXED)) {
		unsigned int nout = 0, nmsg;
		bool queued = false;
		int n;

		/* from here on this batch sees only what is published now */
		__atomic_store_n(&w->seen,
				 __atomic_load_n(&e->epoch, __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
		/* pairs with the writers' unpublish-then-read-seen (Dekker) */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		for (i = 0; i < batch; i++) {
			struct msghdr *mh = &w->rmsg[i].msg_hdr;

			w->riov[i].iov_base = w->rbuf + (size_t)i * UF_RXBUF;
			w->riov[i].iov_len = UF_RXBUF;
			mh->msg_name = &w->rname[i];
			mh->msg_namelen = sizeof(w->rname[i]);
			mh->msg_iov = &w->riov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = w->rctl[i];
			mh->msg_controllen = sizeof(w->rctl[i]);
			mh->msg_flags = 0;
		}
		n = recvmmsg(w->fd, w->rmsg, batch, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			struct pollfd p = { .fd = w->fd, .events = POLLIN };

			/* empty: sleep without holding any reference */
			__atomic_store_n(&w->seen, UINT64_MAX, __ATOMIC_SEQ_CST);
			poll(&p, 1, UF_IDLE_MS);
			continue;
		}
		w->now_ms = uf_now_ms();
		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *mh = &w->rmsg[i].msg_hdr;
			uint8_t *p = w->riov[i].iov_base;
			size_t len = w->rmsg[i].msg_len;
			size_t seg = w->gro ? prl_cmsg_gro_size(mh) : 0;

			if (!seg || seg >= len) {
				uf_handle(w, mh, &w->rname[i], p, len, &nout,
					  &queued);
				continue;
			}
			while (len) {
				size_t l = len < seg ? len : seg;

				uf_handle(w, mh, &w->rname[i], p, l, &nout,
					  &queued);
				p += l;
				len -= l;
			}
		}
		if (queued && write(e->evfd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice */
		}
		if (!nout)
			continue;
		nmsg = uf_build_send(w, nout, AF_INET);
		uf_send(w, nmsg, AF_INET);
		nmsg = uf_build_send(w, nout, AF_INET6);
		uf_send(w, nmsg, AF_INET6);
	}
	return NULL;
}

/* Buffers, GRO and (for the pass queue) local addresses on @fd. */
static void uf_sockopts(const struct uf_config *cfg, int fd, int family,
			bool *gro)
{
	int one = 1;

	/* FORCE needs CAP_NET_ADMIN; fall back to the capped version. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &cfg->sockbuf, sizeof(int)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cfg->sockbuf, sizeof(int));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &cfg->sockbuf, sizeof(int)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cfg->sockbuf, sizeof(int));
	*gro = cfg->gro && !setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	if (cfg->pass_queue) {
		if (family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				   sizeof(one));
	}
}

static int uf_socket(const struct uf_config *cfg)
{
	return prl_udp_open((const struct sockaddr *)&cfg->bind, true);
}

static int uf_fd_family(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	return ss.ss_family;
}

static int uf_worker_init(struct uf_engine *e, struct uf_worker *w,
			  unsigned int idx)
{
	unsigned int b = e->cfg.batch;
	int fam;

	w->e = e;
	w->idx = idx;
	w->cpu = e->cfg.cpus ? e->cfg.cpus[idx] : -1;
	if (e->cfg.fds) {
		w->fd = e->cfg.fds[idx];
	} else {
		w->fd = uf_socket(&e->cfg);
		if (w->fd < 0)
			return w->fd;
		w->own_fd = true;
	}
	fam = uf_fd_family(w->fd);
	if (fam < 0)
		return fam;
	w->family = fam;
	uf_sockopts(&e->cfg, w->fd, fam, &w->gro);
	w->gso = e->cfg.gso;	/* UDP_SEGMENT is per message; EIO if unsupported */
	w->rmsg = calloc(b, sizeof(*w->rmsg));
	w->riov = calloc(b, sizeof(*w->riov));
	w->rname = calloc(b, sizeof(*w->rname));
	w->rctl = calloc(b, sizeof(*w->rctl));
	w->rbuf = malloc((size_t)b * UF_RXBUF);
	w->out = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->out));
	w->smsg = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->smsg));
	w->siov = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->siov));
	w->sctl = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->sctl));
	if (e->cfg.pass_queue)
		w->ring.slot = calloc(UF_PASS_SLOTS, sizeof(*w->ring.slot));
	if (!w->rmsg || !w->riov || !w->rname || !w->rctl || !w->rbuf ||
	    !w->out || !w->smsg || !w->siov || !w->sctl ||
	    (e->cfg.pass_queue && !w->ring.slot))
		return -ENOMEM;
	return 0;
}

/* Egress sockets: the own one for its family, worker idx's peer (round
 * robin) of the other family, -1 if there is none. */
static void uf_egress(struct uf_engine *e)
{
	unsigned int i, j, k, n[2] = { 0, 0 };

	for (i = 0; i < e->nworkers; i++)
		n[e->w[i].family == AF_INET6]++;
	for (i = 0; i < e->nworkers; i++) {
		struct uf_worker *w = &e->w[i];
		int f;

		for (f = 0; f < 2; f++) {
			w->efd[f] = -1;
			if (!n[f])
				continue;
			if ((w->family == AF_INET6) == f) {
				w->efd[f] = w->fd;
				continue;
			}
			for (j = 0, k = 0; j < e->nworkers; j++) {
				if ((e->w[j].family == AF_INET6) != f)
					continue;
				if (k++ == i % n[f]) {
					w->efd[f] = e->w[j].fd;
					break;
				}
			}
		}
	}
}

static void uf_worker_free(struct uf_worker *w)
{
	if (w->own_fd && w->fd >= 0)
		close(w->fd);
	free(w->rmsg);
	free(w->riov);
	free(w->rname);
	free(w->rctl);
	free(w->rbuf);
	free(w->out);
	free(w->smsg);
	free(w->siov);
	free(w->sctl);
	free(w->ring.slot);
}

struct uf_engine *uf_new(const struct uf_config *cfg)
{
	struct uf_engine *e;
	unsigned int i;
	int err;

	if (!cfg->batch || cfg->batch > UF_MAX_BATCH || !cfg->max_sessions ||
	    (cfg->fds && !cfg->nfds)) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->evfd = -1;
	randombytes_buf(e->rl.key, sizeof(e->rl.key));
	pthread_mutex_init(&e->lock, NULL);
	if (cfg->fds)
		e->nworkers = cfg->nfds;
	else
		e->nworkers = cfg->threads ? cfg->threads :
			      (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	e->w = calloc(e->nworkers, sizeof(*e->w));
	if (!e->w)
		goto nomem;
	if (cfg->pass_queue) {
		e->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (e->evfd < 0) {
			err = errno;
			uf_free(e);
			errno = err;
			return NULL;
		}
	}
	for (i = 0; i < e->nworkers; i++)
		e->w[i].fd = -1;
	for (i = 0; i < e->nworkers; i++) {
		err = uf_worker_init(e, &e->w[i], i);
		if (err) {
			uf_free(e);
			errno = -err;
			return NULL;
		}
	}
	uf_egress(e);
	return e;
nomem:
	uf_free(e);
	errno = ENOMEM;
	return NULL;
}

int uf_start(struct uf_engine *e)
{
	unsigned int i;
	int err;

	e->started = true;
	for (i = 0; i < e->nworkers; i++) {
		err = pthread_create(&e->w[i].thread, NULL, uf_worker_main,
				     &e->w[i]);
		if (err) {
			__atomic_store_n(&e->stop, 1, __ATOMIC_RELAXED);
			while (i--)
				pthread_join(e->w[i].thread, NULL);
			e->started = false;
			return -err;
		}
	}
	return 0;
}

int uf_pass_fd(const struct uf_engine *e)
{
	return e->evfd;
}

unsigned int uf_pass_drain(struct uf_engine *e, uf_pass_fn fn, void *arg,
			   unsigned int max)
{
	unsigned int i, n = 0;
	bool more = true;

	if (!e->cfg.pass_queue)
		return 0;
	/* round robin over the workers, one datagram each per round */
	while (more && n < max) {
		more = false;
		for (i = 0; i < e->nworkers && n < max; i++) {
			struct uf_ring *r = &e->w[i].ring;
			uint32_t tail = r->tail;
			struct uf_pslot *sl;

			if (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
				continue;
			sl = &r->slot[tail & (UF_PASS_SLOTS - 1)];
			sl->p.data = sl->data;
			fn(arg, &sl->p);
			__atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
			n++;
			more = true;
		}
	}
	return n;
}

void uf_stats_read(struct uf_engine *e, struct uf_stats *out)
{
	uint64_t *o = (uint64_t *)out;
	size_t k, nf = sizeof(*out) / sizeof(uint64_t);
	unsigned int i;

	/* struct uf_stats is nothing but uint64_t counters */
	memset(out, 0, sizeof(*out));
	for (i = 0; i < e->nworkers; i++) {
		uint64_t *s = (uint64_t *)&e->w[i].st;

		for (k = 0; k < nf; k++)
			o[k] += __atomic_load_n(&s[k], __ATOMIC_RELAXED);
	}
}

void uf_free(struct uf_engine *e)
{
	unsigned int i, j;

	if (!e)
		return;
	__atomic_store_n(&e->stop, 1, __ATOMIC_RELAXED);
	if (e->started)
		for (i = 0; i < e->nworkers; i++)
			pthread_join(e->w[i].thread, NULL);
	e->started = false;
	uf_reclaim(e);	/* no worker left: frees everything retired */
	if (e->w)
		for (i = 0; i < e->nworkers; i++)
			uf_worker_free(&e->w[i]);
	for (i = 0; i < UF_PAGE_SIZE; i++) {
		struct uf_session **page = e->pages[i];

		if (!page)
			continue;
		for (j = 0; j < UF_PAGE_SIZE; j++) {
			if (!page[j])
				continue;
			free(page[j]->ep[0]);
			free(page[j]->ep[1]);
			free(page[j]);
		}
		free(page);
	}
	if (e->evfd >= 0)
		close(e->evfd);
	free(e->w);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
