// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication thread (sync.h, Documentation/replication.md).
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

#include "keyfile.h"
#include "nl.h"
#include "nl_batch.h"
#include "num.h"
#include "sync.h"
#include "sync_proto.h"

#define SYNC_IO_TIMEOUT_MS	2000
#define SYNC_TICK_MS		200
#define SYNC_RETRY_MS		1000
#define SYNC_EV_RCVBUF		(8 << 20)
#define SYNC_HEARTBEAT_MS	1000	/* a MARK at least this often */
#define SYNC_DEAD_MS		5000	/* unacknowledged data: peer gone */
#define SYNC_SEND_TIMEOUT_MS	20000	/* a standby installing a big resync */
#define SYNC_READS_PER_EVENT	8	/* reads of a connection per wakeup */

typedef crypto_secretstream_xchacha20poly1305_state sstate;

/* A set of (VNI, LamportID) for the sweep after a full resync. */
struct sync_sweep {
	uint32_t *vni;
	uint64_t *lamport;
	bool *seen;
	size_t n, cap;
	uint32_t gen;
	bool active;
};

struct sync_conn {
	int fd;
	int epfd;			/* of the thread that owns it */
	bool initiator;			/* we push on it */
	unsigned int peer;		/* index into opts.peers */
	char name[SYNC_NAME_MAX + 1];	/* the peer's AUTH name */
	sstate tx, rx;
	uint8_t in[2 + SYNC_WIRE_MAX];
	size_t in_len;
	uint8_t out[SYNC_FRAME_MAX];	/* records not sent yet */
	size_t out_len;
	/* responder */
	struct sync_sweep sweep;
	uint64_t applied;
	/* initiator: lag = ACK arrival - MARK clock */
	uint64_t lag_last_ms, lag_max_ms, acks;
	uint64_t last_mark;
	uint64_t acked_clock;		/* newest MARK clock acknowledged */
};

/* What a request of the install batch was for (read when it is answered). */
enum apply_kind {
	APPLY_SESSION,		/* SESSION record: SESSION_NEW{REPLICA} */
	APPLY_DEL,		/* DEL record: SESSION_DEL{LAMPORT, REPLICA} */
	APPLY_SWEEP,		/* a session the active did not send */
};

struct apply_req {
	enum apply_kind kind;
	struct sync_conn *c;
	struct prl_session sess;	/* APPLY_SESSION; vni/lamport for others */
	int err;
	char msg[PRL_NL_ERRMSG_LEN];	/* the kernel's extack when err */
};

struct relayd_sync {
	struct relayd_sync_opts o;
	struct prl_log log;
	uint8_t key[SYNC_KEY_LEN];
	pthread_t push_thread, install_thread;
	bool push_started, install_started;
	int stopfd, lfd;
	int push_ep, install_ep;	/* epoll sets of the two threads */
	struct prl_nl nl;		/* push thread: dumps */
	struct prl_nl nl_inst;		/* install thread: dumps, conflicts */
	struct prl_nl nl_batch;		/* install thread: batched installs */
	struct prl_nl_batch batch;
	struct apply_req *reqs;		/* one per request of the batch */
	bool nl_open, nl_inst_open, nl_batch_open;
	struct prl_events ev;
	bool ev_open;
	struct sync_conn *out[SYNC_MAX_PEERS];	/* ours, we push */
	struct sync_conn *in[SYNC_MAX_PEERS];	/* theirs, we install */
	uint64_t next_try[SYNC_MAX_PEERS];
	bool warned[SYNC_MAX_PEERS];
	atomic_bool active;		/* written by the push thread */
	bool role_known;
	bool resync_all;		/* events lost: push everything */
	uint64_t next_refresh;
	uint64_t resync_mark;		/* MARK clock that ended the last resync */
	uint32_t gen;
	/* counters (logged at exit) */
	uint64_t pushed, installed, removed, conflicts, install_errors;
	uint64_t refused;		/* connections: not allowlisted, handshake failed */
	uint64_t dropped;		/* connections ended by a malformed stream */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- connections ---- */

static int set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = SYNC_IO_TIMEOUT_MS / 1000,
			      .tv_usec = (SYNC_IO_TIMEOUT_MS % 1000) * 1000 };
	unsigned int dead = SYNC_DEAD_MS;
	int one = 1;

	/*
	 * A peer that vanished (killed, link down) never sends a RST: with
	 * the heartbeat MARKs always in flight, TCP_USER_TIMEOUT ends the
	 * connection within SYNC_DEAD_MS and we reconnect.
	 */
	struct timeval snd = { .tv_sec = SYNC_SEND_TIMEOUT_MS / 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &dead, sizeof(dead)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)))
		return -errno;
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Encrypt and send the pending records of @c as one frame. */
static int conn_flush(struct sync_conn *c)
{
	uint8_t wire[2 + SYNC_WIRE_MAX];
	unsigned long long clen;

	if (!c->out_len)
		return 0;
	if (crypto_secretstream_xchacha20poly1305_push(&c->tx, wire + 2, &clen,
						       c->out, c->out_len, NULL, 0, 0))
		return -EIO;
	wire[0] = (uint8_t)(clen >> 8);
	wire[1] = (uint8_t)clen;
	c->out_len = 0;
	return write_full(c->fd, wire, 2 + (size_t)clen);
}

/* Decrypt one frame of @clen bytes at @cipher into @plain. */
static int frame_open(struct sync_conn *c, const uint8_t *cipher, size_t clen,
		      uint8_t *plain, size_t *plen)
{
	unsigned long long n;
	unsigned char tag;

	if (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX ||
	    crypto_secretstream_xchacha20poly1305_pull(&c->rx, plain, &n, &tag,
						       cipher, clen, NULL, 0))
		return -EBADMSG;
	*plen = (size_t)n;
	return 0;
}

/* Blocking: read one frame and expect an AUTH record in it. */
static int read_auth(struct sync_conn *c)
{
	uint8_t hdr[2], cipher[SYNC_WIRE_MAX], plain[SYNC_FRAME_MAX];
	struct sync_rec rec;
	size_t clen, plen, off = 0;
	int err;

	err = read_full(c->fd, hdr, 2);
	clen = (size_t)hdr[0] << 8 | hdr[1];
	if (!err && (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX))
		err = -EPROTO;
	if (!err)
		err = read_full(c->fd, cipher, clen);
	if (err)
		return err;
	if (frame_open(c, cipher, clen, plain, &plen))
		return -EACCES;	/* wrong key: not a sync peer */
	if (sync_get_rec(plain, plen, &off, &rec) != 1 || rec.type != SYNC_REC_AUTH)
		return -EPROTO;
	memcpy(c->name, rec.name, sizeof(c->name));
	return 0;
}

/*
 * The handshake of sync_proto.h, blocking with timeouts. Keys derived
 * from the two nonces; AUTH both ways before anything else.
 */
static int conn_handshake(struct relayd_sync *s, struct sync_conn *c)
{
	uint8_t hello[SYNC_HELLO_LEN], nonce[SYNC_NONCE_LEN], peer[SYNC_NONCE_LEN];
	uint8_t hdr_tx[SYNC_HEADER_LEN], hdr_rx[SYNC_HEADER_LEN];
	uint8_t k_tx[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t k_rx[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	const uint8_t *ni, *nr;
	int err;

	randombytes_buf(nonce, sizeof(nonce));
	sync_hello_put(hello, nonce);
	if (c->initiator) {
		err = write_full(c->fd, hello, sizeof(hello));
		if (!err)
			err = read_full(c->fd, hello, sizeof(hello));
	} else {
		err = read_full(c->fd, hello, sizeof(hello));
	}
	if (err)
		return err;
	err = sync_hello_get(hello, peer);
	if (err)
		return err;
	if (!memcmp(peer, nonce, sizeof(nonce)))
		return -EPROTO;	/* our own hello reflected */
	ni = c->initiator ? nonce : peer;
	nr = c->initiator ? peer : nonce;
	if (sync_dir_key(k_tx, s->key, c->initiator ? "i2r" : "r2i", ni, nr) ||
	    sync_dir_key(k_rx, s->key, c->initiator ? "r2i" : "i2r", ni, nr))
		return -EIO;
	crypto_secretstream_xchacha20poly1305_init_push(&c->tx, hdr_tx, k_tx);
	if (!c->initiator) {
		sync_hello_put(hello, nonce);
		err = write_full(c->fd, hello, sizeof(hello));
	}
	if (!err)
		err = write_full(c->fd, hdr_tx, sizeof(hdr_tx));
	if (!err)
		err = read_full(c->fd, hdr_rx, sizeof(hdr_rx));
	if (!err && crypto_secretstream_xchacha20poly1305_init_pull(&c->rx, hdr_rx, k_rx))
		err = -EPROTO;
	sodium_memzero(k_tx, sizeof(k_tx));
	sodium_memzero(k_rx, sizeof(k_rx));
	if (err)
		return err;
	/* The initiator proves the key first: a responder answers no one else. */
	if (!c->initiator) {
		err = read_auth(c);
		if (err)
			return err;
	}
	err = sync_put_auth(c->out, &c->out_len, s->o.name);
	if (!err)
		err = conn_flush(c);
	if (!err && c->initiator)
		err = read_auth(c);
	return err;
}

static void sweep_free(struct sync_sweep *w)
{
	free(w->vni);
	free(w->lamport);
	free(w->seen);
	memset(w, 0, sizeof(*w));
}

static void conn_close(struct relayd_sync *s, struct sync_conn **slot)
{
	struct sync_conn *c = *slot;

	if (!c)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	sweep_free(&c->sweep);
	sodium_memzero(&c->tx, sizeof(c->tx));
	sodium_memzero(&c->rx, sizeof(c->rx));
	free(c);
	*slot = NULL;
}

/* Handshake on a connected socket; NULL with *@err (-EACCES: wrong key). */
static struct sync_conn *conn_new(struct relayd_sync *s, int fd, bool initiator,
				  unsigned int peer, int epfd, int *err)
{
	struct sync_conn *c = calloc(1, sizeof(*c));
	struct epoll_event ee = { .events = EPOLLIN };

	*err = -ENOMEM;
	if (!c)
		return NULL;
	c->fd = fd;
	c->epfd = epfd;
	c->initiator = initiator;
	c->peer = peer;
	*err = set_timeouts(fd);
	if (!*err)
		*err = conn_handshake(s, c);
	ee.data.ptr = c;
	if (!*err && epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee))
		*err = -errno;
	if (*err) {
		sodium_memzero(c, sizeof(*c));
		free(c);
		return NULL;
	}
	return c;
}

static const char *peer_str(const struct relayd_sync *s, unsigned int i,
			    char buf[PRL_ENDPOINT_STRLEN])
{
	prl_endpoint_fmt(&s->o.peers[i], buf, PRL_ENDPOINT_STRLEN);
	return buf;
}

/* ---- pushing ---- */

/* Append a record to every outgoing connection (flushing full frames). */
typedef int (*put_fn)(struct sync_conn *c, const void *arg);

static void push_all(struct relayd_sync *s, put_fn put, const void *arg)
{
	unsigned int i;

	for (i = 0; i < s->o.n_peers; i++) {
		struct sync_conn *c = s->out[i];
		int err;

		if (!c)
			continue;
		err = put(c, arg);
		if (err == -ENOSPC) {
			err = conn_flush(c);
			if (!err)
				err = put(c, arg);
		}
		if (err) {
			char b[PRL_ENDPOINT_STRLEN];

			prl_log_warn(&s->log, "sync: push to %s: %s", peer_str(s, i, b),
				     strerror(-err));
			conn_close(s, &s->out[i]);
		}
	}
}

static int put_session(struct sync_conn *c, const void *arg)
{
	return sync_put_session(c->out, &c->out_len, arg);
}

static int put_del(struct sync_conn *c, const void *arg)
{
	const struct prl_session *ps = arg;

	return sync_put_del(c->out, &c->out_len, ps->vni, ps->lamport,
			    (uint8_t)ps->del_reason);
}

struct gen_arg {
	enum sync_rec_type type;
	uint32_t gen, count;
};

static int put_gen(struct sync_conn *c, const void *arg)
{
	const struct gen_arg *g = arg;

	return sync_put_gen(c->out, &c->out_len, g->type, g->gen, g->count);
}

static int put_mark(struct sync_conn *c, const void *arg)
{
	int err = sync_put_clock(c->out, &c->out_len, SYNC_REC_MARK,
				 *(const uint64_t *)arg, 0);

	c->last_mark = *(const uint64_t *)arg;
	return err ? err : conn_flush(c);	/* a MARK ends a batch */
}

static void push_mark(struct relayd_sync *s)
{
	uint64_t t = now_ms();

	push_all(s, put_mark, &t);
}

static int dump_cb(const struct prl_session *ps, void *arg)
{
	struct relayd_sync *s = arg;

	push_all(s, put_session, ps);
	s->pushed++;
	return 0;
}

/* Full resynchronisation: BEGIN, every session, END, MARK. */
static void push_full(struct relayd_sync *s, const char *why)
{
	struct gen_arg g = { SYNC_REC_BEGIN, ++s->gen, 0 };
	uint64_t t0 = now_ms(), before = s->pushed;
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < s->o.n_peers; i++)
		n += !!s->out[i];
	if (!n)
		return;
	push_all(s, put_gen, &g);
	ret = prl_session_dump(&s->nl, dump_cb, s);
	if (ret < 0) {
		prl_log_warn(&s->log, "sync: session dump: %s", strerror(-ret));
		return;	/* no END: the peers do not sweep */
	}
	g.type = SYNC_REC_END;
	g.count = (uint32_t)ret;
	push_all(s, put_gen, &g);
	s->resync_mark = now_ms();
	push_all(s, put_mark, &s->resync_mark);
	prl_log(&s->log, strcmp(why, "refresh") ? PRL_LOG_INFO : PRL_LOG_DEBUG,
		"sync: full resync (%s) to %u peer%s: %llu sessions in %llu ms",
		why, n, n == 1 ? "" : "s", (unsigned long long)(s->pushed - before),
		(unsigned long long)(now_ms() - t0));
}

static int on_event(const struct prl_event *ev, void *arg)
{
	struct relayd_sync *s = arg;

	if (!s->active || ev->session.replica)
		return 0;	/* standby, or what a peer told us: not ours to push */
	switch (ev->cmd) {
	case PEER_RELAY_CMD_SESSION_NEW_NTF:
	case PEER_RELAY_CMD_SESSION_BIND_NTF:
		push_all(s, put_session, &ev->session);
		s->pushed++;
		break;
	case PEER_RELAY_CMD_SESSION_DEL_NTF:
		push_all(s, put_del, &ev->session);
		s->pushed++;
		break;
	default:
		break;
	}
	return 0;
}

static void events_readable(struct relayd_sync *s)
{
	int err, n = 0;

	for (;;) {
		err = prl_events_recv(&s->ev, on_event, s);
		if (err == -EAGAIN)
			break;
		if (err == -ENOBUFS) {
			prl_log_warn(&s->log, "sync: kernel events lost: full resync");
			s->resync_all = true;
			continue;
		}
		if (err) {
			prl_log_warn(&s->log, "sync: events: %s", strerror(-err));
			break;
		}
		n++;
	}
	if (n && s->active)
		push_mark(s);
}

/* ---- installing ---- */

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

static void sweep_mark(struct sync_sweep *w, uint32_t vni, uint64_t lamport)
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
			sweep_free(&big);
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
		sweep_free(w);
		*w = big;
	}
	for (i = ps->vni & (w->cap - 1); w->vni[i]; i = (i + 1) & (w->cap - 1))
		;
	w->vni[i] = ps->vni;
	w->lamport[i] = ps->lamport;
	w->n++;
	return 0;
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
			sweep_mark(&q->c->sweep, q->sess.vni, q->sess.lamport);
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
static void apply_flush(struct relayd_sync *s)
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
static void apply_queue(struct relayd_sync *s, struct sync_conn *c,
			enum apply_kind kind, const struct prl_session *in)
{
	struct apply_req *q;
	struct nl_msg *msg;
	int idx;

	if (prl_nl_batch_count(&s->batch) >= s->batch.max)
		apply_flush(s);
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

static void apply_begin(struct relayd_sync *s, struct sync_conn *c, uint32_t gen)
{
	int ret;

	sweep_free(&c->sweep);
	if (s->active)
		return;	/* only a standby mirrors the active */
	c->sweep.gen = gen;
	ret = prl_session_dump(&s->nl_inst, sweep_add, &c->sweep);
	if (ret < 0) {
		prl_log_warn(&s->log, "sync: dump before resync: %s", strerror(-ret));
		sweep_free(&c->sweep);
		return;
	}
	c->sweep.active = true;
}

static void apply_end(struct relayd_sync *s, struct sync_conn *c,
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
			apply_queue(s, c, APPLY_SWEEP, &gone);
		}
		apply_flush(s);
	}
	prl_log(&s->log, w->active ? PRL_LOG_INFO : PRL_LOG_DEBUG,
		"sync: resync from %s: %u sessions, %llu removed", c->name,
		r->count, (unsigned long long)(s->removed - before));
	sweep_free(w);
}

/*
 * Apply the records of one frame; -errno ends the connection. Installs
 * and deletions are queued into the batch, which is sent when full and
 * before anything that must see their outcome (a resync's dump or sweep,
 * an ACK) - and at the end of each read (conn_event()).
 */
static int apply_frame(struct relayd_sync *s, struct sync_conn *c,
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
			apply_queue(s, c, r.type == SYNC_REC_SESSION ? APPLY_SESSION :
				    APPLY_DEL, &r.sess);
			break;
		case SYNC_REC_BEGIN:
			apply_flush(s);
			apply_begin(s, c, r.gen);
			break;
		case SYNC_REC_END:
			apply_flush(s);
			apply_end(s, c, &r);
			break;
		case SYNC_REC_MARK:
			if (c->initiator)
				return -EPROTO;
			apply_flush(s);
			ret = sync_put_clock(c->out, &c->out_len, SYNC_REC_ACK,
					     r.clock_ms, c->applied);
			if (!ret)
				ret = conn_flush(c);
			if (ret)
				return ret;
			break;
		case SYNC_REC_ACK:
			if (!c->initiator)
				return -EPROTO;
			c->lag_last_ms = now_ms() - r.clock_ms;
			if (r.clock_ms > c->acked_clock)
				c->acked_clock = r.clock_ms;
			if (c->lag_last_ms > c->lag_max_ms)
				c->lag_max_ms = c->lag_last_ms;
			c->acks++;
			prl_log_debug(&s->log, "sync: %s acknowledged after %llu ms",
				      c->name, (unsigned long long)c->lag_last_ms);
			break;
		default:
			return -EPROTO;	/* AUTH again */
		}
		c->applied++;
	}
	return ret;
}

/* Read once; apply every complete frame. -EAGAIN: nothing to read. */
static int conn_readable(struct relayd_sync *s, struct sync_conn *c)
{
	uint8_t plain[SYNC_FRAME_MAX];
	size_t clen, plen;
	ssize_t n;
	int err;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	c->in_len += (size_t)n;
	while (c->in_len >= 2) {
		clen = (size_t)c->in[0] << 8 | c->in[1];
		if (clen < SYNC_ABYTES || clen > SYNC_WIRE_MAX)
			return -EPROTO;
		if (c->in_len < 2 + clen)
			break;
		if (frame_open(c, c->in + 2, clen, plain, &plen))
			return -EBADMSG;
		memmove(c->in, c->in + 2 + clen, c->in_len - 2 - clen);
		c->in_len -= 2 + clen;
		err = apply_frame(s, c, plain, plen);
		if (err)
			return err;
	}
	return 0;
}

/* ---- accept / connect ---- */

static int peer_index(const struct relayd_sync *s, const struct prl_endpoint *from)
{
	unsigned int i;

	for (i = 0; i < s->o.n_peers; i++)
		if (prl_addr_equal(&s->o.peers[i].addr, &from->addr))
			return (int)i;
	return -1;
}

static void accept_one(struct relayd_sync *s)
{
	char b[PRL_ENDPOINT_STRLEN];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct prl_endpoint from;
	struct sync_conn *c;
	int fd, i, err;

	fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (prl_endpoint_from_sockaddr((struct sockaddr *)&ss, sl, &from)) {
		close(fd);
		return;
	}
	prl_endpoint_fmt(&from, b, sizeof(b));
	i = peer_index(s, &from);
	if (i < 0) {
		s->refused++;
		prl_log_warn(&s->log, "sync: connection from %s refused: not a sync peer", b);
		close(fd);
		return;
	}
	c = conn_new(s, fd, false, (unsigned int)i, s->install_ep, &err);
	if (!c) {
		s->refused++;
		prl_log_warn(&s->log, "sync: connection from %s: %s", b,
			     err == -EACCES ? "authentication failed" : strerror(-err));
		close(fd);
		return;
	}
	conn_close(s, &s->in[i]);	/* a reconnect replaces the old one */
	s->in[i] = c;
	prl_log_info(&s->log, "sync: %s (%s) connected, installing its sessions",
		     c->name, b);
}

static int connect_timeout(const struct prl_endpoint *to, int *out)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct pollfd pfd;
	int fd, err = 0, flags;
	socklen_t el = sizeof(err);

	if (prl_endpoint_to_sockaddr(to, &ss, &sl))
		return -EINVAL;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS) {
		err = -errno;
		goto fail;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, SYNC_IO_TIMEOUT_MS / 4) != 1) {
		err = -ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) || err) {
		err = err ? -err : -errno;
		goto fail;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	*out = fd;
	return 0;
fail:
	close(fd);
	return err;
}

static void connect_peers(struct relayd_sync *s, uint64_t now)
{
	char b[PRL_ENDPOINT_STRLEN];
	unsigned int i;
	int fd = -1, err;

	for (i = 0; i < s->o.n_peers; i++) {
		if (s->out[i] || now < s->next_try[i])
			continue;
		s->next_try[i] = now + SYNC_RETRY_MS;
		err = connect_timeout(&s->o.peers[i], &fd);
		if (!err) {
			s->out[i] = conn_new(s, fd, true, i, s->push_ep, &err);
			if (!s->out[i])
				close(fd);
		}
		if (err) {
			if (!s->warned[i])
				prl_log_warn(&s->log, "sync: peer %s: %s", peer_str(s, i, b),
					     err == -EACCES ? "authentication failed" :
					     strerror(-err));
			s->warned[i] = true;
			continue;
		}
		s->warned[i] = false;
		prl_log_info(&s->log, "sync: connected to %s (%s)", s->out[i]->name,
			     peer_str(s, i, b));
		if (s->active)
			s->resync_all = true;	/* it gets everything */
	}
}

/* ---- role ---- */

static bool vip_is_local(const struct prl_addr *vip)
{
	struct ifaddrs *ifa, *p;
	struct prl_addr a;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (p = ifa; p && !found; p = p->ifa_next) {
		if (!p->ifa_addr)
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			prl_addr_from_raw(&a, &((struct sockaddr_in *)p->ifa_addr)->sin_addr, 4);
		else if (p->ifa_addr->sa_family == AF_INET6)
			prl_addr_from_raw(&a, &((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, 16);
		else
			continue;
		found = prl_addr_equal(&a, vip);
	}
	freeifaddrs(ifa);
	return found;
}

static void update_role(struct relayd_sync *s)
{
	char b[PRL_ADDR_STRLEN];
	bool active;

	if (s->o.role == SYNC_ROLE_AUTO)
		active = vip_is_local(&s->o.vip);
	else
		active = s->o.role == SYNC_ROLE_ACTIVE;
	if (s->role_known && active == s->active)
		return;
	s->role_known = true;
	s->active = active;
	if (s->o.role == SYNC_ROLE_AUTO)
		prl_addr_fmt(&s->o.vip, b, sizeof(b));
	prl_log_info(&s->log, "sync: role %s%s%s%s", active ? "active" : "standby",
		     s->o.role == SYNC_ROLE_AUTO ? " (" : "",
		     s->o.role == SYNC_ROLE_AUTO ? b : "",
		     s->o.role == SYNC_ROLE_AUTO ? (active ? " is local)" : " is not local)") : "");
	if (active)
		s->resync_all = true;
}

static void tick(struct relayd_sync *s)
{
	uint64_t now = now_ms();
	unsigned int i;

	update_role(s);
	connect_peers(s, now);
	/* heartbeat: keeps data in flight, so a vanished peer is noticed */
	for (i = 0; i < s->o.n_peers; i++)
		if (s->out[i] && now - s->out[i]->last_mark >= SYNC_HEARTBEAT_MS)
			break;
	if (i < s->o.n_peers)
		push_mark(s);
	/*
	 * Refresh only once every peer installed the previous resync: a
	 * standby slower than the period must not fall ever further behind.
	 */
	for (i = 0; i < s->o.n_peers; i++)
		if (s->out[i] && s->out[i]->acked_clock < s->resync_mark)
			break;
	if (s->active && now >= s->next_refresh && i == s->o.n_peers) {
		if (!s->resync_all)
			push_full(s, "refresh");
		s->next_refresh = now + s->o.refresh_ms;
	}
	if (s->resync_all && s->active) {
		s->resync_all = false;
		push_full(s, "connect/role/lost events");
		s->next_refresh = now + s->o.refresh_ms;
	}
}

/* ---- thread ---- */

/* A connection of @slot is readable: apply its frames or drop it. */
static void conn_event(struct relayd_sync *s, struct sync_conn **slot)
{
	int err, frames;

	/*
	 * Several frames per wakeup fill the install batch; not more, so
	 * that the thread sees a stop request between batches.
	 */
	for (frames = 0; frames < SYNC_READS_PER_EVENT; frames++) {
		err = conn_readable(s, *slot);
		if (err || prl_nl_batch_count(&s->batch) >= s->batch.max / 2)
			break;
	}
	if (!(*slot)->initiator)
		apply_flush(s);	/* nothing stays queued for a connection */
	if (!err || err == -EAGAIN)
		return;
	if (!(*slot)->initiator && err != -ECONNRESET)
		s->dropped++;	/* a malformed or undecryptable stream */
	prl_log_warn(&s->log, "sync: %s %s: %s", (*slot)->name,
		     (*slot)->initiator ? "(push)" : "(install)",
		     err == -ECONNRESET ? "disconnected" : strerror(-err));
	conn_close(s, slot);
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

static void *push_thread(void *arg)
{
	struct relayd_sync *s = arg;
	struct epoll_event evs[16];
	uint64_t next_tick = 0;
	int n, i, tmo;

	for (;;) {
		uint64_t now = now_ms();

		if (now >= next_tick) {
			tick(s);
			next_tick = now + SYNC_TICK_MS;
		}
		tmo = (int)(next_tick - now);
		n = epoll_wait(s->push_ep, evs, 16, tmo < 0 ? 0 : tmo);
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			struct sync_conn **slot;

			if (p == &s->stopfd)
				return NULL;
			if (p == &s->ev) {
				events_readable(s);
				continue;
			}
			slot = conn_slot(s, s->out, p);
			if (slot)
				conn_event(s, slot);
		}
	}
	return NULL;
}

static void *install_thread(void *arg)
{
	struct relayd_sync *s = arg;
	struct epoll_event evs[16];
	int n, i;

	for (;;) {
		n = epoll_wait(s->install_ep, evs, 16, -1);
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			struct sync_conn **slot;

			if (p == &s->stopfd)
				return NULL;
			if (p == &s->lfd) {
				accept_one(s);
				continue;
			}
			slot = conn_slot(s, s->in, p);
			if (slot)
				conn_event(s, slot);
		}
	}
	return NULL;
}

static int watch(int epfd, int fd, void *tag)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee) ? -errno : 0;
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
	err = watch(s->push_ep, s->stopfd, &s->stopfd);
	if (!err)
		err = watch(s->install_ep, s->stopfd, &s->stopfd);
	if (!err)
		err = watch(s->install_ep, s->lfd, &s->lfd);
	if (!err)
		err = watch(s->push_ep, prl_events_fd(&s->ev), &s->ev);
	if (err)
		goto fail;
	update_role(s);
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
		conn_close(s, &s->out[i]);
		conn_close(s, &s->in[i]);
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
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->push_ep >= 0)
		close(s->push_ep);
	if (s->install_ep >= 0)
		close(s->install_ep);
	if (s->stopfd >= 0)
		close(s->stopfd);
	sodium_memzero(s->key, sizeof(s->key));
	free(s);
}
