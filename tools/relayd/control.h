/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relayd control plane: the glue between the event loop (rd->rx), the
 * protocol libraries (handshake.c, alloc.c) and the kernel (netlink).
 *
 *   Geneve control packet  -> prl_hs_handle(): Challenge sent back to the
 *                             source, or SESSION_BIND after a valid Answer
 *   plain disco            -> prl_alloc_parse(): SESSION_NEW, then the
 *                             sealed AllocateResponse back to the source
 *
 * The handshake needs each session's client keys. relayd keeps a view of
 * the kernel's sessions (keys, precomputed shared keys, in-progress
 * generations): rebuilt from a SESSION dump at startup (and after lost
 * events), extended by SESSION_NEW_NTF, pruned by SESSION_DEL_NTF (the
 * kernel expired or deleted the session); a miss falls back to
 * SESSION_GET.
 *
 * With the userspace data plane (uplane.c) there is no kernel: the view
 * is the session table itself. Allocation creates the session here (VNI
 * cursor, LamportID, key-pair index) and in the forwarding engine, a
 * valid Answer binds the endpoint in the engine, and a periodic tick
 * expires sessions exactly like the kernel does (bind lifetime while not
 * bound on both sides, idle lifetime per endpoint after that, from the
 * config file's bind-lifetime/idle-lifetime/max-sessions).
 *
 * Every control packet and allocation request first passes a per-source
 * rate limit (ratelimit.h). SIGHUP reloads the config file (static
 * endpoints and lifetimes into the kernel, grants, rate limit); SIGUSR1
 * logs the counters and the view.
 */
#ifndef RELAYD_CONTROL_H
#define RELAYD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "alloc.h"
#include "handshake.h"
#include "ratelimit.h"
#include "relayd.h"

#define RELAYD_CTL_BUCKETS	4096

struct relayd_ctl_sess {
	struct prl_hs_session hs;
	struct relayd_ctl_sess *next;
	/* userspace data plane only (the kernel keeps these otherwise) */
	uint64_t lamport;
	uint64_t created_ms;		/* uf_now_ms() */
	bool bound[2];
	struct relayd_ctl_sess *next_pair;	/* key-pair index chain */
};

struct relayd_control {
	struct relayd *rd;
	uint8_t pub[PRL_KEY_LEN];	/* relay key (ServerDisco) */
	struct prl_hs_server hs;		/* holds the private key */
	struct prl_grants grants;
	struct prl_alloc_ctx alloc;
	struct relayd_ctl_sess *buckets[RELAYD_CTL_BUCKETS];
	size_t n_cached;
	struct prl_events ev;
	bool ev_open;
	/* outcomes not counted by the libraries */
	uint64_t allocated;		/* responses sent */
	uint64_t alloc_errors;		/* SESSION_NEW / CONFIG_GET failed */
	uint64_t bind_errors;		/* SESSION_BIND failed */
	uint64_t send_errors;		/* replies that could not be sent */
	uint64_t ignored;		/* STUN, data, short, non-disco */
	uint64_t reloads;		/* successful SIGHUP reloads */
	uint64_t resyncs;		/* view rebuilt from a dump */
	struct prl_ratelimit rl;
	/* userspace data plane only */
	struct relayd_ctl_sess *pairs[RELAYD_CTL_BUCKETS];
	uint32_t vni_next;
	uint64_t lamport;
	unsigned int tick_ms;
	uint64_t expired_bind, expired_idle;
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
