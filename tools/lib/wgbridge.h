/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bridge between a local WireGuard interface and a peer relay session
 * (`relay-client wg`): WireGuard's peer Endpoint is the bridge's local
 * UDP address; the bridge adds the 8-byte Geneve data header (0x7A12,
 * the session's VNI) to what WireGuard sends and sends it to the relay,
 * and strips it from what the relay forwards. WireGuard's packets are
 * never opened: the relay, and the bridge, see only ciphertext.
 *
 * Control (relayclient.c does the protocol): obtain the session for the
 * pair {own disco key, peer's disco key} by in-band allocation (both peers
 * may allocate; allocation is idempotent per unordered pair) or from an
 * endpoint description file, run Bind -> Challenge -> Answer, then probe
 * the path with end-to-end disco Pings through the relay (the peer's
 * bridge answers). Re-bind when the local source address changes
 * (rtnetlink), when no Pong comes back (the relay stopped forwarding, a
 * NAT mapping moved, the relay restarted), and soon after every new
 * binding that no Pong confirmed, so a lost Answer is repaired well
 * inside the session's bind lifetime. A Bind that gets no Challenge means
 * the session is gone: allocate again (or re-read the file).
 *
 * Data: single-threaded poll() loop; recvmmsg() batches, UDP GRO from the
 * relay, UDP GSO (runs of equal-sized datagrams) both ways (udpbatch.h).
 */
#ifndef PRL_WGBRIDGE_H
#define PRL_WGBRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "disco.h"

struct prl_wgb;

enum prl_wgb_ev {
	PRL_WGB_EV_INFO,	/* start-up facts */
	PRL_WGB_EV_ALLOCATED,	/* session obtained (vni) */
	PRL_WGB_EV_BOUND,	/* Challenge answered (vni, generation, relay, local) */
	PRL_WGB_EV_UP,		/* first Pong after a binding (rtt_us) */
	PRL_WGB_EV_REBIND,	/* re-binding (msg: why) */
	PRL_WGB_EV_WIREGUARD,	/* WireGuard's address learned (wg) */
	PRL_WGB_EV_WARN,	/* something is wrong (msg: what; retrying) */
};

struct prl_wgb_event {
	enum prl_wgb_ev kind;
	const char *name;	/* "allocated", "bound", ... */
	const char *msg;	/* human text */
	uint32_t vni, generation;
	const char *relay, *local, *wg;	/* "addr:port", may be NULL */
	uint64_t rtt_us;
};

struct prl_wgb_config {
	uint8_t priv[PRL_KEY_LEN];		/* own disco key */
	uint8_t peer[PRL_KEY_LEN];		/* peer's disco public key */
	bool allocate;				/* in-band allocation */
	uint8_t server_key[PRL_KEY_LEN];	/* with allocate */
	struct sockaddr_storage relay;		/* family 0: from the file */
	const char *endpoint_file;		/* without allocate */
	struct sockaddr_storage relay_local;	/* family 0: any address */
	struct sockaddr_storage listen;		/* WireGuard's peer Endpoint */
	struct sockaddr_storage wg;		/* WireGuard's socket; port 0: learn */
	unsigned int probe_ms;			/* Ping interval once up */
	unsigned int dead_ms;			/* no Pong this long: re-bind */
	unsigned int batch;			/* datagrams per syscall */
	bool gso, gro;
	int sockbuf;				/* SO_RCVBUF/SO_SNDBUF */
	/* readable @ctl_fd: on_ctl() is called; non-zero return stops */
	int ctl_fd;
	int (*on_ctl)(void *arg);
	void (*on_event)(void *arg, const struct prl_wgb_event *ev);
	void *arg;
};

enum prl_wgb_state {
	PRL_WGB_ALLOCATING,	/* no session yet */
	PRL_WGB_BINDING,	/* Bind sent, waiting for the Challenge */
	PRL_WGB_BOUND,		/* answered, no Pong yet */
	PRL_WGB_UP,		/* a Pong came back through the relay */
};

struct prl_wgb_stats {
	enum prl_wgb_state state;
	uint32_t vni, generation;
	uint64_t rtt_us;			/* last Ping round trip */
	struct sockaddr_storage relay, local, wg;	/* family 0: none */
	uint64_t to_relay_packets, to_relay_bytes;	/* WireGuard -> relay */
	uint64_t to_wg_packets, to_wg_bytes;		/* relay -> WireGuard */
	uint64_t pings, pongs, pings_answered;
	uint64_t allocations, binds, rebinds;
	uint64_t drop_no_session;	/* from WireGuard before a session */
	uint64_t drop_no_wg;		/* from the relay, WireGuard unknown */
	uint64_t drop_wg_source;	/* to the listen socket, not WireGuard */
	uint64_t drop_foreign;		/* to the relay socket, not the relay */
	uint64_t drop_other;		/* wrong VNI/protocol, undecodable */
	uint64_t drop_truncated;	/* longer than the buffers */
	uint64_t send_errors;
	uint64_t gso_messages;		/* GSO sends (several datagrams each) */
};

/* Defaults: probe 5 s, dead 15 s, batch 64, GSO/GRO on, 4 MiB buffers,
 * listen 127.0.0.1:0, WireGuard learned. */
void prl_wgb_config_default(struct prl_wgb_config *cfg);

/*
 * prl_wgb_new() - check @cfg, open the sockets (the listen socket is bound
 * here, so a bad address fails at once). With an endpoint file the file
 * is read now. On error a message goes to @err. Return: 0 or -errno.
 */
int prl_wgb_new(const struct prl_wgb_config *cfg, struct prl_wgb **out,
		char *err, size_t errlen);

/* Run until on_ctl() asks to stop. Return: 0 or -errno (fatal). */
int prl_wgb_run(struct prl_wgb *b);

/* Re-bind now (or, without a session, ask for one now): an operator's
 * kick, e.g. after a network change the bridge could not see. */
void prl_wgb_rebind(struct prl_wgb *b, const char *why);

void prl_wgb_stats(const struct prl_wgb *b, struct prl_wgb_stats *st);
const char *prl_wgb_state_name(enum prl_wgb_state s);
void prl_wgb_free(struct prl_wgb *b);

#endif /* PRL_WGBRIDGE_H */
