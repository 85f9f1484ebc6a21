/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relayd control plane: the glue between the event loop (rd->rx), the
 * protocol libraries (handshake.c, alloc.c) and the data plane, which it
 * reaches only through the ops table of dataplane.h (the module over
 * netlink, or the userspace engine):
 *
 *   Geneve control packet  -> prl_hs_handle(): Challenge sent back to the
 *                             source, or session_bind after a valid Answer
 *   plain disco            -> prl_alloc_parse(): session_new, then the
 *                             sealed AllocateResponse back to the source
 *
 * The handshake needs each session's client keys (and precomputed shared
 * keys). relayd caches them per VNI: filled from the data plane's
 * session_get on a miss and from a dump at startup (and after lost
 * notifications), updated by the plane's session_new/session_del
 * notifications. The cache owns no session: the data plane's store is
 * the only truth, so losing a cache entry costs one lookup, never a
 * session.
 *
 * Every control packet and allocation request first passes a per-source
 * rate limit (ratelimit.h). SIGHUP reloads the config file (static
 * endpoints, lifetimes and pass limits into the data plane, grants,
 * rate limit); SIGUSR1 logs the counters and the cache.
 */
#ifndef RELAYD_CONTROL_H
#define RELAYD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "alloc.h"
#include "ctlsock.h"
#include "dataplane.h"
#include "handshake.h"
#include "ratelimit.h"
#include "relayd.h"

#define RELAYD_CTL_BUCKETS	4096

/* The handshake's cache entry of a data-plane session. */
struct relayd_ctl_sess {
	struct prl_hs_session hs;	/* shared keys only once keyed */
	bool keyed;			/* computed at the first handshake datagram */
	struct relayd_ctl_sess *next;
};

struct relayd_control {
	struct relayd *rd;
	uint8_t pub[PRL_KEY_LEN];	/* relay key (ServerDisco) */
	struct prl_hs_server hs;		/* holds the private key */
	struct prl_grants grants;
	struct prl_alloc_ctx alloc;
	struct relayd_dp dp;		/* the data plane (dataplane.h) */
	struct relayd_ctl_sess *buckets[RELAYD_CTL_BUCKETS];
	size_t n_cached;
	/* outcomes not counted by the libraries */
	uint64_t allocated;		/* responses sent */
	uint64_t alloc_errors;		/* SESSION_NEW / CONFIG_GET failed */
	uint64_t bind_errors;		/* SESSION_BIND failed */
	uint64_t send_errors;		/* replies that could not be sent */
	uint64_t ignored;		/* STUN, data, short, non-disco */
	uint64_t reloads;		/* successful SIGHUP reloads */
	uint64_t resyncs;		/* view rebuilt from a dump */
	struct prl_ratelimit rl;
	struct relayd_ctlsock cs;	/* relayctl's way in (ctlsock.c) */
};

/*
 * relayd_control_init() - load or create the relay key (opts.key_file, or
 * an ephemeral key), load the grants (opts.grants_file; none: in-band
 * allocation answers nobody), set the kernel's SERVER_KEY, subscribe to
 * session events and install relayd_control_rx() as rd->rx. Call after
 * relayd_loop_init(). Returns 0 or -errno (logged).
 */
int relayd_control_init(struct relayd *rd, struct relayd_control *ctl);
void relayd_control_fini(struct relayd_control *ctl);

/* The rd->rx handler (arg: struct relayd_control *). */
void relayd_control_rx(struct relayd *rd, const struct relayd_pkt *pkt,
		       void *arg);

/* Log every non-zero counter at info level. */
void relayd_control_log_stats(const struct relayd_control *ctl);
/* The same counters in the Prometheus text format (metrics.c). */
void relayd_control_write_metrics(const struct relayd_control *ctl, FILE *f);

/*
 * relayd_control_sync() - rebuild the session view from a SESSION dump.
 * Returns the number of sessions, or -errno (logged).
 */
int relayd_control_sync(struct relayd_control *ctl);

/* Log the view: "view: N sessions: vni ..." (at most 64 VNIs listed). */
void relayd_control_log_view(const struct relayd_control *ctl);

/* SIGHUP: reload the config file (see relayd.8). Returns 0 or -errno. */
int relayd_control_reload(struct relayd_control *ctl);

#endif /* RELAYD_CONTROL_H */
