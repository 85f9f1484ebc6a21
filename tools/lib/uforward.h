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
 * sent unchanged, from the relay port, to the other endpoint. Control,
 * STUN and non-Geneve datagrams are "passed" (counted; a relay daemon
 * would handle them), everything else is dropped and counted.
 *
 * The session table is an open-addressing hash of VNI -> session sized at
 * creation; uf_session_add() may run while the workers forward (sessions
 * are published with release stores, read with acquire loads, lock-free).
 */
#ifndef PR_UFORWARD_H
#define PR_UFORWARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

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
};

struct uf_stats {
	uint64_t rx_packets;		/* datagrams received (after GRO split) */
	uint64_t fwd_packets;
	uint64_t fwd_bytes;		/* UDP payload bytes */
	uint64_t passed;		/* control, STUN, non-Geneve */
	uint64_t dropped;		/* unknown VNI, not bound, bad source */
	uint64_t send_errors;
};

/* Fill @cfg with the defaults (one thread per CPU, batch 64, 64K sessions,
 * 8 MiB buffers, GRO and GSO on). */
void uf_config_default(struct uf_config *cfg);

/* Create the engine and its sockets (not yet forwarding). NULL + errno. */
struct uf_engine *uf_new(const struct uf_config *cfg);

/*
 * Add session @vni (1..0xffffff) with endpoints @a and @b (AF_INET or
 * AF_INET6 sockaddrs). Returns 0, -EEXIST, -ENOSPC or -EINVAL.
 */
int uf_session_add(struct uf_engine *e, uint32_t vni,
		   const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b);

/* Start the worker threads. 0 or a negative errno. */
int uf_start(struct uf_engine *e);

/* Sum of the workers' counters (approximate while running). */
void uf_stats_read(struct uf_engine *e, struct uf_stats *out);

/* Stop and join the workers, close the sockets, free everything. */
void uf_free(struct uf_engine *e);

#endif /* PR_UFORWARD_H */
