// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication: the threads (sync.h, sync_int.h for the files,
 * Documentation/replication.md).
 *
 * Every relay connects to each sync peer and pushes its sessions over
 * that connection while it is active: a full resynchronisation when the
 * connection is up, when it becomes active and every refresh period
 * (which also carries the endpoints' idle times, so a standby never
 * expires a session the active keeps alive), and the kernel's session
 * events as they happen. It accepts the peers' connections and installs
 * what they push. Events caused by installing a replica carry the
 * kernel's REPLICA flag and are never pushed on, so nothing loops.
 *
 * Two threads, so that two relays connecting to each other at the same
 * moment never wait for each other: the push thread (kernel events,
 * outgoing connections, timers) and the install thread (listening
 * socket, incoming connections), each with its own netlink socket and
 * epoll set. They share only the options, the key and the role flag.
 * Sockets are blocking with short timeouts: the handshake and the sends
 * are plain sequential code, and a peer that stops reading is dropped
 * (it gets a full resynchronisation when it is back).
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fd.h"
#include "keyfile.h"
#include "sync_int.h"

/* A connection of @slot is readable: apply its frames or drop it. */
static void conn_event(struct relayd_sync *s, struct sync_conn **slot)
{
	int err, frames;

	/*
	 * Several frames per wakeup fill the install batch; not more, so
	 * that the thread sees a stop request between batches.
	 */
	for (frames = 0; frames < SYNC_READS_PER_EVENT; frames++) {
		err = sync_conn_readable(s, *slot);
		if (err || prl_nl_batch_count(&s->batch) >= s->batch.max / 2)
			break;
	}
	if (!(*slot)->initiator)
		sync_apply_flush(s);	/* nothing stays queued for a connection */
	if (!err || err == -EAGAIN)
		return;
	if (!(*slot)->initiator && err != -ECONNRESET)
		s->dropped++;	/* a malformed or undecryptable stream */
	prl_log_warn(&s->log, "sync: %s %s: %s", (*slot)->name,
		     (*slot)->initiator ? "(push)" : "(install)",
		     err == -ECONNRESET ? "disconnected" : strerror(-err));
	sync_conn_close(s, slot);
}

/* Find the slot of connection @p in @conns. */
static struct sync_conn **conn_slot(struct relayd_sync *s, struct sync_conn **conns,
				    void *p)
{
	unsigned int j;

	for (j = 0; j < s->o.n_peers; j++)
		if (conns[j] && conns[j] == p)
			return &conns[j];
	return NULL;
}

/*
 * The events of one epoll_wait() on a thread's set: connections in
 * @conns, and @own, whose events @on_own handles. False: stop the thread.
 */
static bool dispatch(struct relayd_sync *s, const struct epoll_event *evs,
		     int n, struct sync_conn **conns, void *own,
		     void (*on_own)(struct relayd_sync *s))
{
	int i;

	for (i = 0; i < n; i++) {
		void *p = evs[i].data.ptr;
		struct sync_conn **slot;

		if (p == &s->stopfd)
			return false;
		if (p == own) {
			on_own(s);
			continue;
		}
		slot = conn_slot(s, conns, p);
		if (slot)
			conn_event(s, slot);
	}
	return true;
}

/* Outgoing connections and the session events, and the tick. */
static void *push_thread(void *arg)
{
	struct relayd_sync *s = arg;
	struct epoll_event evs[16];
	uint64_t next_tick = 0;
	int n, tmo;

	do {
		uint64_t now = sync_now_ms();

		if (now >= next_tick) {
			sync_tick(s);
			next_tick = now + SYNC_TICK_MS;
		}
		tmo = (int)(next_tick - now);
		n = epoll_wait(s->push_ep, evs, 16, tmo < 0 ? 0 : tmo);
	} while (dispatch(s, evs, n, s->out, &s->ev, sync_events_readable));
	return NULL;
}

/* Incoming connections and the listener. */
static void *install_thread(void *arg)
{
	struct relayd_sync *s = arg;
	struct epoll_event evs[16];
	int n;

	do {
		n = epoll_wait(s->install_ep, evs, 16, -1);
	} while (dispatch(s, evs, n, s->in, &s->lfd, sync_accept_one));
	return NULL;
}

static int open_listener(struct relayd_sync *s)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;

	if (prl_endpoint_to_sockaddr(&s->o.listen, &ss, &sl))
		return -EINVAL;
	s->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0)
		return -errno;
	/* IP_FREEBIND: the listen address may be the service address too */
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s->lfd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&ss, sl) || listen(s->lfd, 8))
		return -errno;
	return 0;
}

static int load_key(struct relayd_sync *s, const char *relay_key_file)
{
	uint8_t priv[32];

	if (s->o.key_file[0]) {
		if (prl_key_load(s->o.key_file, s->key)) {
			prl_log_err(&s->log, "sync key %s: %s", s->o.key_file,
				    errno == EINVAL ? "not a key file (64 hex digits)" :
				    strerror(errno));
			return -EINVAL;
		}
		return 0;
	}
	if (!relay_key_file) {
		prl_log_err(&s->log, "sync: needs sync-key FILE or a relay key file (--key)");
		return -EINVAL;
	}
	if (prl_key_load(relay_key_file, priv)) {
		prl_log_err(&s->log, "sync: relay key %s: %s", relay_key_file,
			    strerror(errno));
		return -EINVAL;
	}
	sync_key_from_relay_key(s->key, priv);
	sodium_memzero(priv, sizeof(priv));
	return 0;
}

int relayd_sync_start(struct relayd_sync **out, const struct relayd_sync_opts *o,
		      const char *relay_key_file, const struct prl_log *log)
{
	struct relayd_sync *s;
	char b[PRL_ENDPOINT_STRLEN];
	int err, rcvbuf = SYNC_EV_RCVBUF;

	*out = NULL;
	if (sodium_init() < 0)
		return -EIO;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->log = *log;
	prl_endpoint_fmt(&o->listen, b, sizeof(b));
	s->stopfd = s->push_ep = s->install_ep = s->lfd = -1;
	if (!s->o.refresh_ms)
		s->o.refresh_ms = SYNC_DEFAULT_REFRESH_MS;
	if (!s->o.name[0] && gethostname(s->o.name, sizeof(s->o.name) - 1))
		strcpy(s->o.name, "relay");
	err = load_key(s, relay_key_file);
	if (err)
		goto fail;
	err = prl_nl_open(&s->nl);
	if (err) {
		prl_log_err(&s->log, "sync: netlink: %s (replication needs the kernel data plane)",
			    strerror(-err));
		goto fail;
	}
	s->nl_open = true;
	err = prl_nl_open(&s->nl_inst);
	if (err)
		goto fail;
	s->nl_inst_open = true;
	err = prl_nl_open(&s->nl_batch);
	if (err)
		goto fail;
	s->nl_batch_open = true;
	err = prl_nl_batch_init(&s->batch, s->nl_batch.sk, PRL_NL_BATCH_DEFAULT);
	s->reqs = calloc(PRL_NL_BATCH_DEFAULT, sizeof(*s->reqs));
	if (err || !s->reqs) {
		err = err ? err : -ENOMEM;
		goto fail;
	}
	err = prl_events_open(&s->ev, &s->nl, true);
	if (err) {
		prl_log_err(&s->log, "sync: events: %s", strerror(-err));
		goto fail;
	}
	s->ev_open = true;
	/* a resync's burst of replica events must not overrun the socket */
	setsockopt(prl_events_fd(&s->ev), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		   sizeof(rcvbuf));
	s->push_ep = epoll_create1(EPOLL_CLOEXEC);
	s->install_ep = epoll_create1(EPOLL_CLOEXEC);
	s->stopfd = eventfd(0, EFD_CLOEXEC);
	if (s->push_ep < 0 || s->install_ep < 0 || s->stopfd < 0) {
		err = -errno;
		goto fail;
	}
	err = open_listener(s);
	if (err) {
		prl_log_err(&s->log, "sync: listen on %s: %s", b, strerror(-err));
		goto fail;
	}
	/* the eventfd stays readable once written: it stops both threads */
	err = prl_epoll_watch(s->push_ep, s->stopfd, &s->stopfd);
	if (!err)
		err = prl_epoll_watch(s->install_ep, s->stopfd, &s->stopfd);
	if (!err)
		err = prl_epoll_watch(s->install_ep, s->lfd, &s->lfd);
	if (!err)
		err = prl_epoll_watch(s->push_ep, prl_events_fd(&s->ev), &s->ev);
	if (err)
		goto fail;
	sync_update_role(s);
	err = -pthread_create(&s->install_thread, NULL, install_thread, s);
	if (err)
		goto fail;
	s->install_started = true;
	err = -pthread_create(&s->push_thread, NULL, push_thread, s);
	if (err)
		goto fail;
	s->push_started = true;
	prl_log_info(&s->log, "sync: listening on %s as \"%s\", %u peer%s, refresh every %u ms",
		     b, s->o.name, s->o.n_peers, s->o.n_peers == 1 ? "" : "s",
		     s->o.refresh_ms);
	*out = s;
	return 0;
fail:
	relayd_sync_stop(s);
	return err;
}

void relayd_sync_stop(struct relayd_sync *s)
{
	uint64_t one = 1;
	unsigned int i;

	if (!s)
		return;
	if (s->push_started || s->install_started) {
		if (write(s->stopfd, &one, sizeof(one)) != sizeof(one)) {
			prl_log_err(&s->log, "sync: cannot stop the threads");
			return;	/* leak rather than free what they use */
		}
		if (s->push_started)
			pthread_join(s->push_thread, NULL);
		if (s->install_started)
			pthread_join(s->install_thread, NULL);
		for (i = 0; i < s->o.n_peers; i++)
			if (s->out[i] && s->out[i]->acks)
				prl_log_info(&s->log, "sync: lag to %s: last %llu ms, max %llu ms over %llu acks",
					     s->out[i]->name,
					     (unsigned long long)s->out[i]->lag_last_ms,
					     (unsigned long long)s->out[i]->lag_max_ms,
					     (unsigned long long)s->out[i]->acks);
		prl_log_info(&s->log, "sync: pushed %llu, installed %llu, removed %llu, conflicts %llu, install errors %llu, refused %llu, dropped %llu",
			     (unsigned long long)s->pushed, (unsigned long long)s->installed,
			     (unsigned long long)s->removed, (unsigned long long)s->conflicts,
			     (unsigned long long)s->install_errors,
			     (unsigned long long)s->refused, (unsigned long long)s->dropped);
	}
	for (i = 0; i < SYNC_MAX_PEERS; i++) {
		sync_conn_close(s, &s->out[i]);
		sync_conn_close(s, &s->in[i]);
	}
	if (s->ev_open)
		prl_events_close(&s->ev);
	if (s->nl_open)
		prl_nl_close(&s->nl);
	if (s->nl_inst_open)
		prl_nl_close(&s->nl_inst);
	prl_nl_batch_free(&s->batch);
	free(s->reqs);
	if (s->nl_batch_open)
		prl_nl_close(&s->nl_batch);
	prl_close_fd(&s->lfd);
	prl_close_fd(&s->push_ep);
	prl_close_fd(&s->install_ep);
	prl_close_fd(&s->stopfd);
	sodium_memzero(s->key, sizeof(s->key));
	free(s);
}
