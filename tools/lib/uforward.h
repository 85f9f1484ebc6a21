/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * uforward: a userspace implementation of the relay's forwarding rules,
 * built the way a strong userspace relay is built (Tailscale's server
 * design): one SO_REUSEPORT UDP socket and one thread per CPU, batches of
 * recvmmsg()/sendmmsg(), UDP GRO on receive, UDP GSO on send (runs of
 * equal-sized datagrams to the same endpoint leave as one super-datagram),
 * large socket buffers.
 *
 * Forwarding rules (the same as the kernel fast path, protocol §3):
 * the UDP payload is classified with include/peer_relay/classify.h; a
 * Geneve data datagram of a known VNI coming from one bound endpoint is
 * sent unchanged, from the relay port, to the other endpoint (from the
 * socket of the other endpoint's family, and from the relay address the
 * binding names, if any). Control datagrams of known VNIs, STUN and
 * non-Geneve datagrams are "passed": counted, and with
 * uf_config.pass_queue copied into a per-thread lock-free queue that the
 * owner drains from its own thread (uf_pass_fd(), uf_pass_drain()).
 * Everything else is dropped and counted by reason.
 *
 * Sessions live in a two-level VNI-indexed table (4096 pages of 4096
 * slots, pages allocated on demand). Writers (uf_session_*) take a mutex
 * and may run while the workers forward; workers read with acquire loads
 * and no lock. A session's endpoints are immutable objects replaced as a
 * whole on (re)binding; replaced or deleted objects are freed only after
 * every worker has started a new batch (an epoch scheme, uf_reclaim()).
 */
#ifndef PRL_UFORWARD_H
#define PRL_UFORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <linux/peer_relay.h>

struct uf_engine;

struct uf_config {
	struct sockaddr_storage bind;	/* relay address and port */
	unsigned int threads;		/* sockets/threads; 0: one per CPU */
	const int *cpus;		/* pin thread i to cpus[i] (NULL: no) */
	unsigned int batch;		/* datagrams per recvmmsg (<= 1024) */
	unsigned int max_sessions;	/* table capacity */
	int sockbuf;			/* SO_RCVBUF/SO_SNDBUF bytes */
	bool gro;			/* UDP_GRO on receive */
	bool gso;			/* UDP_SEGMENT on send */
	/*
	 * Use these bound UDP sockets (any mix of AF_INET and AF_INET6,
	 * e.g. SO_REUSEPORT groups) instead of opening @threads sockets on
	 * @bind: one worker per socket. The engine does not close them and
	 * the caller may still send on them. NULL: open our own.
	 */
	const int *fds;
	unsigned int nfds;
	bool pass_queue;		/* queue passed datagrams (see above) */
};

/* AF pair index of uf_stats.fwd_af: (in is v6) * 2 + (out is v6). */
#define UF_AF_PAIR(in6, out6)	((in6) * 2 + (out6))

/*
 * Counters. Drops and passes are counted with the kernel's UAPI reasons
 * (enum peer_relay_drop_reason / peer_relay_pass_reason, names in
 * include/peer_relay/names.h), so both data planes report the same
 * numbers under the same names.
 */
struct uf_stats {
	uint64_t rx_packets;		/* datagrams received (after GRO split) */
	uint64_t fwd_packets;
	uint64_t fwd_bytes;		/* UDP payload bytes */
	uint64_t passed;		/* control, STUN, non-Geneve */
	uint64_t dropped;		/* every drop reason but TX_ERROR */
	uint64_t send_errors;		/* == drop[PEER_RELAY_DROP_TX_ERROR] */
	uint64_t fwd_af[4];		/* packets by UF_AF_PAIR() */
	uint64_t fwd_af_bytes[4];	/* bytes by UF_AF_PAIR() */
	uint64_t drop[__PEER_RELAY_DROP_MAX];
	uint64_t pass[__PEER_RELAY_PASS_MAX];
	/*
	 * Passed datagrams lost because the owner did not drain the queue
	 * in time: the kernel plane's equivalent is a full socket receive
	 * buffer (UDP RcvbufErrors), not a peer_relay drop reason.
	 */
	uint64_t pass_queue_full;
};

/* One session as the engine sees it (uf_session_info()). */
struct uf_session_info {
	bool bound[2];
	struct sockaddr_storage remote[2];	/* ss_family 0: unbound */
	struct sockaddr_storage local[2];	/* ss_family 0: not pinned */
	uint64_t last_ms[2];		/* uf_now_ms() of the last activity */
	uint64_t rx_packets[2];		/* data forwarded from the endpoint */
	uint64_t rx_bytes[2];
};

/* A passed datagram handed to the uf_pass_drain() callback. */
struct uf_passed {
	const uint8_t *data;
	size_t len;
	bool truncated;			/* longer than UF_PASS_MAX bytes */
	struct sockaddr_storage src;
	struct sockaddr_storage dst;	/* local address (IP_PKTINFO),
					 * ss_family 0 if unknown */
	int ifindex;
	unsigned int sock;		/* index into uf_config.fds */
};

#define UF_PASS_MAX	4000		/* bytes kept of a passed datagram */

typedef void (*uf_pass_fn)(void *arg, const struct uf_passed *p);

/* Fill @cfg with the defaults (one thread per CPU, batch 64, 64K sessions,
 * 8 MiB buffers, GRO and GSO on). */
void uf_config_default(struct uf_config *cfg);

/* Create the engine and its sockets (not yet forwarding). NULL + errno. */
struct uf_engine *uf_new(const struct uf_config *cfg);

/*
 * Add session @vni (1..0xffffff) with endpoints @a and @b (AF_INET or
 * AF_INET6 sockaddrs), bound at once. Returns 0, -EEXIST, -ENOSPC,
 * -ENOMEM or -EINVAL.
 */
int uf_session_add(struct uf_engine *e, uint32_t vni,
		   const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b);

/* Add session @vni with no endpoint bound: its control datagrams are
 * passed, its data dropped (not bound). Errors as uf_session_add(). */
int uf_session_new(struct uf_engine *e, uint32_t vni);

/*
 * Bind endpoint @idx (0/1) of session @vni to @remote; @local (may be
 * NULL) is the relay address to send to it from (same family). Replaces
 * an earlier binding atomically and counts as activity of that endpoint.
 * Returns 0, -ENOENT, -ENOMEM or -EINVAL.
 */
int uf_session_bind(struct uf_engine *e, uint32_t vni, unsigned int idx,
		    const struct sockaddr_storage *remote,
		    const struct sockaddr_storage *local);

/* Remove session @vni. Returns 0 or -ENOENT. */
int uf_session_del(struct uf_engine *e, uint32_t vni);

/*
 * Last activity of both endpoints of @vni in uf_now_ms() time: binding,
 * or a data datagram from it that was forwarded. Returns 0 or -ENOENT.
 */
int uf_session_last_seen(struct uf_engine *e, uint32_t vni,
			 uint64_t last_ms[2]);

/* Everything about @vni (see struct uf_session_info). 0 or -ENOENT. */
int uf_session_info(struct uf_engine *e, uint32_t vni,
		    struct uf_session_info *out);

/*
 * Limit the datagrams passed to the owner as the kernel does (pass-rate,
 * pass-burst per source, IPv6 per /64, and pass-rate-total for all
 * sources; include/peer_relay/ratelimit.h): over the limit they are
 * dropped as PEER_RELAY_DROP_RATELIMIT(_TOTAL). Rate 0: no limit (the
 * default). Every bucket starts full. Safe while the workers run.
 */
void uf_set_pass_limit(struct uf_engine *e, uint32_t rate, uint32_t burst,
		       uint32_t rate_total);

/* The engine's clock (CLOCK_MONOTONIC_COARSE) in milliseconds. */
uint64_t uf_now_ms(void);

/* Free replaced/deleted objects no worker can still see. The uf_session_*
 * writers call it too; call it now and then when idle. */
void uf_reclaim(struct uf_engine *e);

/* Start the worker threads. 0 or a negative errno. */
int uf_start(struct uf_engine *e);

/* With pass_queue: an eventfd that is readable when datagrams are
 * queued (read it to clear, then drain). -1 without. */
int uf_pass_fd(const struct uf_engine *e);

/*
 * Call @fn for up to @max queued passed datagrams, in arrival order per
 * worker. The data is valid during the call only. Only one thread may
 * drain. Returns the number handed out.
 */
unsigned int uf_pass_drain(struct uf_engine *e, uf_pass_fn fn, void *arg,
			   unsigned int max);

/* Sum of the workers' counters (approximate while running). */
void uf_stats_read(struct uf_engine *e, struct uf_stats *out);

/* Stop and join the workers, close the sockets it opened, free everything. */
void uf_free(struct uf_engine *e);

#endif /* PRL_UFORWARD_H */
