/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session replication, inside relayd (sync.h is the interface): the state
 * the two threads share and the functions the sync*.c files give each
 * other. One job per file:
 *
 *   sync.c         the two threads, start and stop
 *   sync_conn.c    connections: connect/accept, allowlist, handshake and
 *                  authentication, framing
 *   sync_push.c    the stream of records out: kernel events, full
 *                  resynchronisations, heartbeats, the role
 *   sync_apply.c   the install side: records into batched netlink
 *                  requests, conflicts
 *   sync_resync.c  a standby's sweep at the end of a full resync
 *   sync_opts.c    the sync-* settings
 *   sync_proto.c   the wire format (pure functions)
 */
#ifndef RELAYD_SYNC_INT_H
#define RELAYD_SYNC_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "nl_batch.h"
#include "sync.h"
#include "sync_proto.h"

#define SYNC_IO_TIMEOUT_MS	2000
#define SYNC_TICK_MS		200
#define SYNC_RETRY_MS		1000
#define SYNC_EV_RCVBUF		(8 << 20)
#define SYNC_HEARTBEAT_MS	1000	/* a MARK at least this often */
#define SYNC_DEAD_MS		5000	/* unacknowledged data: peer gone */
#define SYNC_SEND_TIMEOUT_MS	20000	/* a standby installing a big resync */
#define SYNC_REFUSED_QUIET_MS	60000	/* one refusal line per address */
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
	/* the last refusal logged: from where, when; refusals since unlogged */
	struct prl_addr refused_from;
	uint64_t refused_logged_ms;
	uint64_t refused_quiet;
	uint64_t dropped;		/* connections ended by a malformed stream */
};

/* sync_conn.c */
uint64_t sync_now_ms(void);
/* Encrypt and send the pending records of @c as one frame. */
int sync_conn_flush(struct sync_conn *c);
void sync_conn_close(struct relayd_sync *s, struct sync_conn **slot);
/* Read once; apply every complete frame. -EAGAIN: nothing to read. */
int sync_conn_readable(struct relayd_sync *s, struct sync_conn *c);
/* The listening socket is readable: allowlist, handshake, install slot. */
void sync_accept_one(struct relayd_sync *s);
/* Connect to the peers we have no connection to (at most once a second). */
void sync_connect_peers(struct relayd_sync *s, uint64_t now);
const char *sync_peer_str(const struct relayd_sync *s, unsigned int i,
			  char buf[PRL_ENDPOINT_STRLEN]);

/* sync_push.c */
/* Every SYNC_TICK_MS: role, connections, heartbeat, refresh. */
void sync_tick(struct relayd_sync *s);
/* The kernel's event socket is readable: push what is ours. */
void sync_events_readable(struct relayd_sync *s);
/* Active while sync-vip is local (or as sync-role says). */
void sync_update_role(struct relayd_sync *s);

/* sync_apply.c */
/* Apply the records of one frame; -errno ends the connection. */
int sync_apply_frame(struct relayd_sync *s, struct sync_conn *c,
		     const uint8_t *p, size_t len);
/* Send the queued installs and deletions; every answer is accounted. */
void sync_apply_flush(struct relayd_sync *s);
/* Queue one request of @kind for @c (flushing a full batch first). */
void sync_apply_queue(struct relayd_sync *s, struct sync_conn *c,
		      enum apply_kind kind, const struct prl_session *in);

/* sync_resync.c */
void sync_sweep_free(struct sync_sweep *w);
/* An installed session the active sent: not swept. */
void sync_sweep_mark(struct sync_sweep *w, uint32_t vni, uint64_t lamport);
/* BEGIN: a standby notes which sessions it has. */
void sync_resync_begin(struct relayd_sync *s, struct sync_conn *c, uint32_t gen);
/* END: a standby deletes those the active did not send. */
void sync_resync_end(struct relayd_sync *s, struct sync_conn *c,
		     const struct sync_rec *r);

#endif /* RELAYD_SYNC_INT_H */
