/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Client side of the peer relay protocol, for tests, demos and
 * `relay-client`: in-band allocation, the Bind → Challenge → Answer
 * handshake (protocol §2.7, client view), Geneve data, and end-to-end
 * disco Ping/Pong with the peer client through the relay.
 *
 * One struct prl_rc is one client: one UDP socket, one disco key, one
 * relay endpoint. Blocking with explicit timeouts; single-threaded.
 *
 * Functions return 0 (or a length) on success and a negative errno on
 * failure; -ETIMEDOUT means nothing acceptable arrived in time.
 */
#ifndef PRL_RELAYCLIENT_H
#define PRL_RELAYCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "disco.h"
#include "geneve.h"

/* Retransmission interval of Binds and AllocateRequests. */
#define PRL_RC_RETRY_MS		500
#define PRL_RC_MAX_DATAGRAM	65535

/* Deliberate protocol violations, for negative tests (§7 12-13). */
enum prl_rc_corrupt {
	PRL_RC_CORRUPT_NONE,
	PRL_RC_CORRUPT_BIND_VNI,		/* sealed VNI != Geneve VNI */
	PRL_RC_CORRUPT_BIND_REMOTE,	/* RemoteKey = own key */
	PRL_RC_CORRUPT_BIND_GEN0,	/* generation 0 */
	PRL_RC_CORRUPT_BIND_PROTO,	/* O=1 with protocol 0x7A12 */
	PRL_RC_CORRUPT_BIND_TAMPER,	/* flip a ciphertext bit */
	PRL_RC_CORRUPT_ANSWER_PORT,	/* Answer from another source port */
	PRL_RC_CORRUPT_ANSWER_MAC,	/* Answer with a modified challenge */
	PRL_RC_CORRUPT_ANSWER_GEN,	/* Answer with generation + 1 */
	PRL_RC_CORRUPT_ANSWER_NONE,	/* never send the Answer */
};

struct prl_rc {
	int fd;
	int family;				/* of the relay address */
	struct sockaddr_storage relay;		/* where Binds/data go */
	socklen_t relay_len;
	uint8_t priv[PRL_KEY_LEN], pub[PRL_KEY_LEN];

	/* the relay endpoint (set by prl_rc_set_endpoint) */
	bool have_endpoint;
	uint8_t server_key[PRL_KEY_LEN];
	uint8_t peer[PRL_KEY_LEN];
	uint32_t vni;
	uint8_t shared_server[PRL_KEY_LEN];	/* us <-> ServerDisco */
	uint8_t shared_peer[PRL_KEY_LEN];	/* us <-> peer (e2e ping) */

	/* more relay addresses to send Binds to (same family), besides
	 * relay: set by prl_rc_set_candidates() */
	size_t n_cands;
	struct sockaddr_storage cands[PRL_DISCO_MAX_ADDRPORTS];

	uint32_t generation;		/* last handshake generation */
	uint32_t alloc_generation;	/* last AllocateRequest generation */
	/* the Bind in flight (prl_rc_bind_start; bind_len 0: none) */
	uint8_t bind_pkt[PRL_DISCO_HANDSHAKE_PKT_LEN];
	size_t bind_len;
	/* the AllocateRequest in flight (prl_rc_alloc_start) */
	uint8_t alloc_server[PRL_KEY_LEN], alloc_peer[PRL_KEY_LEN];
	uint8_t alloc_pair[2][PRL_KEY_LEN];	/* sorted */
	uint8_t alloc_shared[PRL_KEY_LEN];	/* us <-> alloc_server */
	enum prl_rc_corrupt corrupt;

	uint64_t tx_datagrams, rx_datagrams, rx_ignored;
};

/*
 * prl_rc_open() - create the client's UDP socket (family of @relay),
 * bound to @local (NULL: any address, port chosen by the kernel).
 * @priv is the client's disco private key.
 */
int prl_rc_open(struct prl_rc *c, const uint8_t priv[PRL_KEY_LEN],
	       const struct sockaddr *relay, const struct sockaddr *local);
void prl_rc_close(struct prl_rc *c);

/* Local address of the socket. Return: 0 or -errno. */
int prl_rc_local(const struct prl_rc *c, struct sockaddr_storage *ss);

/*
 * prl_rc_set_endpoint() - use relay session @vni whose ServerDisco is
 * @server_key, with peer client @peer. Precomputes the shared keys.
 */
int prl_rc_set_endpoint(struct prl_rc *c, const uint8_t server_key[PRL_KEY_LEN],
		       uint32_t vni, const uint8_t peer[PRL_KEY_LEN]);

/*
 * prl_rc_set_candidates() - like a Tailscale client, send Binds to every
 * relay address of @ep that has the socket's family (besides the relay
 * address given to prl_rc_open()); the first Challenge decides which one
 * is used from then on. Returns the number of candidates.
 */
size_t prl_rc_set_candidates(struct prl_rc *c,
			    const struct prl_disco_endpoint *ep);

/*
 * prl_rc_allocate() - in-band allocation: send an AllocateRequest for
 * (own key, @peer) sealed to @server_key, zero-padded to
 * PRL_DISCO_ALLOC_REQ_FRAME_LEN bytes (retransmitted every
 * PRL_RC_RETRY_MS) and wait up to @timeout_ms for the matching response
 * (same generation and key pair, sealed by @server_key). On success
 * @ep holds the endpoint and the client is set up for it
 * (prl_rc_set_endpoint).
 */
int prl_rc_allocate(struct prl_rc *c, const uint8_t server_key[PRL_KEY_LEN],
		   const uint8_t peer[PRL_KEY_LEN], int timeout_ms,
		   struct prl_disco_endpoint *ep);

/*
 * Non-blocking steps of prl_rc_allocate(), for event loops that own the
 * socket: _start() picks a new generation and sends the first request,
 * _send() retransmits it (fresh nonce), _input() checks one received
 * datagram. Return of _input(): 1 it was the response (@ep filled, client
 * set up for it), 0 not ours, or -errno.
 */
int prl_rc_alloc_start(struct prl_rc *c, const uint8_t server_key[PRL_KEY_LEN],
		      const uint8_t peer[PRL_KEY_LEN]);
int prl_rc_alloc_send(struct prl_rc *c);
int prl_rc_alloc_input(struct prl_rc *c, const uint8_t *buf, size_t len,
		      struct prl_disco_endpoint *ep);

/*
 * Non-blocking steps of prl_rc_bind(): _start() sends the Bind of a new
 * generation (@generation, or the next one if 0) to the relay address and
 * every candidate, _resend() repeats it, _input() answers one received
 * datagram if it is the matching Challenge (the Answer goes to @from,
 * which becomes the relay address). Return of _input(): 1 answered (the
 * handshake is over; further Challenges are ignored), 0 not the
 * Challenge, or -errno.
 */
int prl_rc_bind_start(struct prl_rc *c, uint32_t generation);
int prl_rc_bind_resend(struct prl_rc *c);
int prl_rc_bind_input(struct prl_rc *c, const uint8_t *buf, size_t len,
		     const struct sockaddr_storage *from, socklen_t from_len);

/*
 * prl_rc_bind() - run Bind → Challenge → Answer with a new generation
 * (@generation, or the next one if 0). Binds are retransmitted every
 * PRL_RC_RETRY_MS until a valid Challenge arrives or @timeout_ms passes;
 * the Answer goes to the address the Challenge came from, which becomes
 * the relay address for data (Binds go to the relay address and every
 * candidate, see prl_rc_set_candidates()). The relay
 * sends nothing back for the Answer, so success means "answered"; the
 * binding is confirmed end to end by a Ping/Pong with the peer.
 * @challenge_from (may be NULL) receives the Challenge's source.
 */
int prl_rc_bind(struct prl_rc *c, uint32_t generation, int timeout_ms,
	       struct sockaddr_storage *challenge_from);

/* Send Geneve(O=0, @proto, VNI) ‖ @payload to the relay. */
int prl_rc_send_data(struct prl_rc *c, uint16_t proto, const void *payload,
		    size_t len);

/* Send a datagram as is to the relay (tests). */
int prl_rc_send_raw(struct prl_rc *c, const void *buf, size_t len);

/*
 * prl_rc_send_ping() - send a disco Ping sealed to the peer, through the
 * relay (Geneve O=0, protocol 0x7A11). @padding zero bytes are added
 * (the node key field is then present, filled with zeros).
 */
int prl_rc_send_ping(struct prl_rc *c, const uint8_t txid[PRL_DISCO_TXID_LEN],
		    size_t padding);

/*
 * prl_rc_build_ping() - the datagram prl_rc_send_ping() would send, into
 * @out (to send with prl_rc_send_raw() and compare with what the peer
 * receives). Return: its length or -errno.
 */
ssize_t prl_rc_build_ping(struct prl_rc *c,
			 const uint8_t txid[PRL_DISCO_TXID_LEN], size_t padding,
			 uint8_t *out, size_t cap);

/* What prl_rc_recv() got. */
enum prl_rc_kind {
	PRL_RC_RX_DATA,		/* Geneve O=0, not a disco Ping/Pong */
	PRL_RC_RX_PING,		/* e2e disco Ping from the peer */
	PRL_RC_RX_PONG,		/* e2e disco Pong from the peer */
	PRL_RC_RX_OTHER,		/* anything else (counted as ignored) */
};

struct prl_rc_rx {
	enum prl_rc_kind kind;
	struct sockaddr_storage from;
	socklen_t from_len;
	struct prl_geneve_hdr hdr;	/* valid unless OTHER */
	const uint8_t *payload;		/* after the Geneve header */
	size_t payload_len;
	struct prl_disco_msg msg;	/* PING / PONG */
	const uint8_t *datagram;	/* the whole datagram as received */
	size_t len;
};

/*
 * prl_rc_recv() - wait up to @timeout_ms (-1: forever) for one datagram
 * into @buf and classify it (client demux of §1.3; disco inside O=0
 * Geneve is opened with the peer key). @rx points into @buf.
 * Return: 0, -ETIMEDOUT, or another -errno.
 */
int prl_rc_recv(struct prl_rc *c, uint8_t *buf, size_t cap, int timeout_ms,
	       struct prl_rc_rx *rx);

/*
 * prl_rc_classify() - what prl_rc_recv() does with a datagram once it has
 * it: fill @rx (kind, header, payload, Ping/Pong) for @buf, @n bytes.
 * The caller sets rx->from/from_len; @rx points into @buf.
 */
void prl_rc_classify(struct prl_rc *c, const uint8_t *buf, size_t n,
		    struct prl_rc_rx *rx);

/* Answer a received Ping with a Pong through the relay. */
int prl_rc_send_pong(struct prl_rc *c, const struct prl_rc_rx *ping);

/* Next nonzero generation after @g (0 is skipped on wrap). */
uint32_t prl_rc_next_generation(uint32_t g);

/* Monotonic clock in nanoseconds. */
uint64_t prl_rc_now_ns(void);

/* ---- rc_probe.c: end-to-end Ping/Pong through the relay ---- */

/* Sleep @ms milliseconds (EINTR resumes). */
void prl_rc_sleep_ms(uint32_t ms);
/* Milliseconds until @deadline (prl_rc_now_ns() time), 0 if past. */
int prl_rc_ms_left(uint64_t deadline);
/*
 * One probe: A -> relay -> B Ping (@padding bytes of padding), B ->
 * relay -> A Pong, within @timeout_ms. @buf holds PRL_RC_MAX_DATAGRAM.
 * Returns 0 with *@rtt_ns, -ETIMEDOUT (lost) or -errno; sets *@modified
 * if B got other bytes than A sent.
 */
int prl_rc_probe(struct prl_rc *a, struct prl_rc *b, size_t padding,
		 int timeout_ms, uint8_t *buf, uint64_t *rtt_ns,
		 bool *modified);
/*
 * Probe until one round trip works or @timeout_ms passes. The relay binds
 * an endpoint only after relayd processed the Answer, so the first Ping
 * right after a handshake may be dropped: short attempts of
 * PRL_RC_CONFIRM_MS keep that from costing a whole timeout.
 */
#define PRL_RC_CONFIRM_MS	150
int prl_rc_confirm(struct prl_rc *a, struct prl_rc *b, int timeout_ms,
		   uint8_t *buf);

#endif /* PRL_RELAYCLIENT_H */
