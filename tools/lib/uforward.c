// SPDX-License-Identifier: GPL-2.0-only
/*
 * uforward: userspace forwarding engine, see uforward.h.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <peer_relay/classify.h>

#include "uforward.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define UF_MAX_BATCH	1024
#define UF_RXBUF	65536	/* one GRO super-datagram */
#define UF_MAX_SEGS	64	/* kernel UDP_MAX_SEGMENTS */
#define UF_MAX_GSO	65000	/* payload bytes per GSO send */

/* A bound endpoint, compared against the source of each datagram. */
struct uf_ep {
	sa_family_t family;
	uint16_t port;		/* network order */
	uint8_t addr[16];
	struct sockaddr_storage sa;
	socklen_t salen;
};

struct uf_session {
	uint32_t vni;
	struct uf_ep ep[2];
};

/* One datagram to send: where, and which bytes of a receive buffer. */
struct uf_out {
	const struct uf_ep *to;
	void *data;
	size_t len;
};

struct uf_worker {
	struct uf_engine *e;
	pthread_t thread;
	int fd;
	int cpu;
	bool gro, gso;
	/* Receive side. */
	struct mmsghdr *rmsg;
	struct iovec *riov;
	struct sockaddr_storage *rname;
	char (*rctl)[CMSG_SPACE(sizeof(int))];
	uint8_t *rbuf;
	/* Send side: up to batch * UF_MAX_SEGS outputs per round. */
	struct uf_out *out;
	struct mmsghdr *smsg;
	struct iovec *siov;
	char (*sctl)[CMSG_SPACE(sizeof(uint16_t))];
	struct uf_stats st;
};

struct uf_engine {
	struct uf_config cfg;
	unsigned int nworkers;
	struct uf_worker *w;
	struct uf_session **slots;	/* atomic pointers */
	uint32_t mask;
	unsigned int nsessions;
	pthread_mutex_t lock;		/* writers of the table */
	int stop;			/* atomic */
	bool started;
};

void uf_config_default(struct uf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->batch = 64;
	cfg->max_sessions = 65536;
	cfg->sockbuf = 8 << 20;
	cfg->gro = true;
	cfg->gso = true;
}

static uint32_t uf_hash(uint32_t vni)
{
	return vni * 2654435761u;
}

static struct uf_session *uf_lookup(struct uf_engine *e, uint32_t vni)
{
	uint32_t i = uf_hash(vni) & e->mask;
	struct uf_session *s;

	while ((s = __atomic_load_n(&e->slots[i], __ATOMIC_ACQUIRE))) {
		if (s->vni == vni)
			return s;
		i = (i + 1) & e->mask;
	}
	return NULL;
}

static int uf_ep_set(struct uf_ep *ep, const struct sockaddr_storage *ss)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = ss->ss_family;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		ep->port = s4->sin_port;
		memcpy(ep->addr, &s4->sin_addr, 4);
		ep->salen = sizeof(*s4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		ep->port = s6->sin6_port;
		memcpy(ep->addr, &s6->sin6_addr, 16);
		ep->salen = sizeof(*s6);
	} else {
		return -EINVAL;
	}
	memcpy(&ep->sa, ss, ep->salen);
	return 0;
}

/*
 * Source of a datagram received on a socket of family @sock_family as an
 * endpoint key. IPv4-mapped sources on an IPv6 socket are plain IPv4.
 */
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

int uf_session_add(struct uf_engine *e, uint32_t vni,
		   const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b)
{
	struct uf_session *s;
	uint32_t i;
	int err = 0;

	if (!vni || vni > 0xffffff)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->vni = vni;
	if (uf_ep_set(&s->ep[0], a) || uf_ep_set(&s->ep[1], b)) {
		free(s);
		return -EINVAL;
	}
	pthread_mutex_lock(&e->lock);
	if (e->nsessions >= e->cfg.max_sessions) {
		err = -ENOSPC;
		goto out;
	}
	for (i = uf_hash(vni) & e->mask; e->slots[i]; i = (i + 1) & e->mask) {
		if (e->slots[i]->vni == vni) {
			err = -EEXIST;
			goto out;
		}
	}
	__atomic_store_n(&e->slots[i], s, __ATOMIC_RELEASE);
	e->nsessions++;
out:
	pthread_mutex_unlock(&e->lock);
	if (err)
		free(s);
	return err;
}

/* Decide what to do with one datagram; queue it in @w->out if forwarded. */
static void uf_handle(struct uf_worker *w, const struct sockaddr_storage *src,
		      uint8_t *data, size_t len, unsigned int *nout)
{
	struct uf_session *s;
	uint32_t vni = 0;
	int from;

	w->st.rx_packets++;
	switch (pr_classify(data, len, &vni)) {
	case PR_CLASS_STUN:
	case PR_CLASS_NOT_GENEVE:
	case PR_CLASS_CONTROL:
		w->st.passed++;
		return;
	case PR_CLASS_SHORT:
		w->st.dropped++;
		return;
	case PR_CLASS_DATA:
		break;
	}
	s = uf_lookup(w->e, vni);
	if (!s) {
		w->st.dropped++;
		return;
	}
	if (uf_ep_is_source(&s->ep[0], src))
		from = 0;
	else if (uf_ep_is_source(&s->ep[1], src))
		from = 1;
	else {
		w->st.dropped++;
		return;
	}
	w->out[*nout].to = &s->ep[!from];
	w->out[*nout].data = data;
	w->out[*nout].len = len;
	(*nout)++;
}

/*
 * Turn the queued outputs into sendmmsg() messages: with GSO, a run of
 * datagrams to the same endpoint with the same size (the last one may be
 * shorter) becomes one message with a UDP_SEGMENT control message.
 */
static unsigned int uf_build_send(struct uf_worker *w, unsigned int nout)
{
	unsigned int i = 0, nmsg = 0, niov = 0;

	while (i < nout) {
		const struct uf_out *first = &w->out[i];
		struct msghdr *mh = &w->smsg[nmsg].msg_hdr;
		size_t total = 0;
		unsigned int n = 0;

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
		if (n > 1) {
			struct cmsghdr *cm;

			mh->msg_control = w->sctl[nmsg];
			mh->msg_controllen = sizeof(w->sctl[nmsg]);
			cm = CMSG_FIRSTHDR(mh);
			cm->cmsg_level = SOL_UDP;
			cm->cmsg_type = UDP_SEGMENT;
			cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
			*(uint16_t *)CMSG_DATA(cm) = (uint16_t)first->len;
		}
		w->smsg[nmsg].msg_len = n;	/* segments, for the stats */
		niov += n;
		nmsg++;
	}
	return nmsg;
}

static void uf_send(struct uf_worker *w, unsigned int nmsg)
{
	unsigned int done = 0;

	while (done < nmsg) {
		unsigned int i, segs;
		int r = sendmmsg(w->fd, w->smsg + done, nmsg - done, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* Skip the message that failed, count its segments. */
			segs = w->smsg[done].msg_hdr.msg_iovlen;
			w->st.send_errors += segs;
			done++;
			continue;
		}
		for (i = done; i < done + (unsigned int)r; i++) {
			struct msghdr *mh = &w->smsg[i].msg_hdr;
			size_t k;

			w->st.fwd_packets += mh->msg_iovlen;
			for (k = 0; k < mh->msg_iovlen; k++)
				w->st.fwd_bytes += mh->msg_iov[k].iov_len;
		}
		done += r;
	}
}

/* GRO segment size of a received message, 0 if it is a single datagram. */
static size_t uf_gro_size(const struct msghdr *mh)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
			int v;

			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			return v > 0 ? (size_t)v : 0;
		}
	}
	return 0;
}

static void *uf_worker_main(void *arg)
{
	struct uf_worker *w = arg;
	struct uf_engine *e = w->e;
	unsigned int batch = e->cfg.batch, i;

	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	while (!__atomic_load_n(&e->stop, __ATOMIC_RELAXED)) {
		unsigned int nout = 0, nmsg;
		int n;

		for (i = 0; i < batch; i++) {
			struct msghdr *mh = &w->rmsg[i].msg_hdr;

			w->riov[i].iov_base = w->rbuf + (size_t)i * UF_RXBUF;
			w->riov[i].iov_len = UF_RXBUF;
			mh->msg_name = &w->rname[i];
			mh->msg_namelen = sizeof(w->rname[i]);
			mh->msg_iov = &w->riov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = w->gro ? w->rctl[i] : NULL;
			mh->msg_controllen = w->gro ? sizeof(w->rctl[i]) : 0;
			mh->msg_flags = 0;
		}
		n = recvmmsg(w->fd, w->rmsg, batch, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;	/* timeout (stop check) or EINTR */
		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *mh = &w->rmsg[i].msg_hdr;
			uint8_t *p = w->riov[i].iov_base;
			size_t len = w->rmsg[i].msg_len;
			size_t seg = w->gro ? uf_gro_size(mh) : 0;

			if (!seg || seg >= len) {
				uf_handle(w, &w->rname[i], p, len, &nout);
				continue;
			}
			while (len) {
				size_t l = len < seg ? len : seg;

				uf_handle(w, &w->rname[i], p, l, &nout);
				p += l;
				len -= l;
			}
		}
		if (!nout)
			continue;
		nmsg = uf_build_send(w, nout);
		uf_send(w, nmsg);
	}
	return NULL;
}

static int uf_socket(const struct uf_config *cfg, bool *gro, bool *gso)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	socklen_t len = cfg->bind.ss_family == AF_INET6 ?
			sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int one = 1, fd;

	fd = socket(cfg->bind.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail;
	if (cfg->bind.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	/* FORCE needs CAP_NET_ADMIN; fall back to the capped version. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &cfg->sockbuf, sizeof(int)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cfg->sockbuf, sizeof(int));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &cfg->sockbuf, sizeof(int)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cfg->sockbuf, sizeof(int));
	*gro = cfg->gro && !setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	*gso = cfg->gso;	/* UDP_SEGMENT is per message; EIO if unsupported */
	if (bind(fd, (const struct sockaddr *)&cfg->bind, len))
		goto fail;
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

static int uf_worker_init(struct uf_engine *e, struct uf_worker *w,
			  unsigned int idx)
{
	unsigned int b = e->cfg.batch;

	w->e = e;
	w->cpu = e->cfg.cpus ? e->cfg.cpus[idx] : -1;
	w->fd = uf_socket(&e->cfg, &w->gro, &w->gso);
	if (w->fd < 0)
		return w->fd;
	w->rmsg = calloc(b, sizeof(*w->rmsg));
	w->riov = calloc(b, sizeof(*w->riov));
	w->rname = calloc(b, sizeof(*w->rname));
	w->rctl = calloc(b, sizeof(*w->rctl));
	w->rbuf = malloc((size_t)b * UF_RXBUF);
	w->out = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->out));
	w->smsg = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->smsg));
	w->siov = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->siov));
	w->sctl = calloc((size_t)b * UF_MAX_SEGS, sizeof(*w->sctl));
	if (!w->rmsg || !w->riov || !w->rname || !w->rctl || !w->rbuf ||
	    !w->out || !w->smsg || !w->siov || !w->sctl)
		return -ENOMEM;
	return 0;
}

static void uf_worker_free(struct uf_worker *w)
{
	if (w->fd > 0)
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
}

struct uf_engine *uf_new(const struct uf_config *cfg)
{
	struct uf_engine *e;
	uint32_t cap = 16;
	unsigned int i;
	int err;

	if (!cfg->batch || cfg->batch > UF_MAX_BATCH || !cfg->max_sessions ||
	    cfg->max_sessions > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	pthread_mutex_init(&e->lock, NULL);
	while (cap < 2 * cfg->max_sessions)	/* load factor <= 1/2 */
		cap <<= 1;
	e->mask = cap - 1;
	e->slots = calloc(cap, sizeof(*e->slots));
	e->nworkers = cfg->threads ? cfg->threads :
		      (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	e->w = calloc(e->nworkers, sizeof(*e->w));
	if (!e->slots || !e->w) {
		uf_free(e);
		errno = ENOMEM;
		return NULL;
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
	return e;
}

int uf_start(struct uf_engine *e)
{
	unsigned int i;
	int err;

	for (i = 0; i < e->nworkers; i++) {
		err = pthread_create(&e->w[i].thread, NULL, uf_worker_main,
				     &e->w[i]);
		if (err) {
			__atomic_store_n(&e->stop, 1, __ATOMIC_RELAXED);
			while (i--)
				pthread_join(e->w[i].thread, NULL);
			return -err;
		}
	}
	e->started = true;
	return 0;
}

void uf_stats_read(struct uf_engine *e, struct uf_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < e->nworkers; i++) {
		const struct uf_stats *s = &e->w[i].st;

		out->rx_packets += __atomic_load_n(&s->rx_packets, __ATOMIC_RELAXED);
		out->fwd_packets += __atomic_load_n(&s->fwd_packets, __ATOMIC_RELAXED);
		out->fwd_bytes += __atomic_load_n(&s->fwd_bytes, __ATOMIC_RELAXED);
		out->passed += __atomic_load_n(&s->passed, __ATOMIC_RELAXED);
		out->dropped += __atomic_load_n(&s->dropped, __ATOMIC_RELAXED);
		out->send_errors += __atomic_load_n(&s->send_errors, __ATOMIC_RELAXED);
	}
}

void uf_free(struct uf_engine *e)
{
	unsigned int i;

	if (!e)
		return;
	__atomic_store_n(&e->stop, 1, __ATOMIC_RELAXED);
	if (e->started)
		for (i = 0; i < e->nworkers; i++)
			pthread_join(e->w[i].thread, NULL);
	if (e->w)
		for (i = 0; i < e->nworkers; i++)
			uf_worker_free(&e->w[i]);
	if (e->slots)
		for (i = 0; i <= e->mask; i++)
			free(e->slots[i]);
	free(e->slots);
	free(e->w);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
