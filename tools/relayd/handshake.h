/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Relay side of the Bind → Challenge → Answer handshake (protocol §2.7, §3)
 * as a library without I/O: relayd feeds it every Geneve control datagram
 * the kernel passes up and acts on the returned action (send a reply to
 * the source from the socket it arrived on, or SESSION_BIND the source).
 *
 * State: per session only the in-progress generation of each client
 * (struct prl_hs_session, owned by the caller's session table); per server
 * two MAC secrets. Challenges are stateless MACs (see prl_hs_mac()), so
 * every valid Bind gets its own Challenge and an Answer verifies only
 * from the source addr:port its challenge was issued to.
 *
 * Not thread-safe: call from one thread (relayd's control loop).
 */
#ifndef PRL_HANDSHAKE_H
#define PRL_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../lib/disco.h"
#include "../lib/geneve.h"

/* Secrets rotate lazily on a control packet after this long (§2.7). */
#define PRL_HS_ROTATE_NS		(120 * PRL_NSEC_PER_SEC)
#define PRL_HS_MAC_LEN		32

/* Every outcome of prl_hs_handle(), counted in prl_hs_server.counters. */
enum prl_hs_result {
	PRL_HS_CHALLENGED,		/* valid Bind: reply with a Challenge */
	PRL_HS_BOUND,			/* valid Answer: bind the source */
	PRL_HS_DROP_NOT_CONTROL,		/* short, STUN, not Geneve or O=0 */
	PRL_HS_DROP_NOT_DISCO,		/* O=1 but protocol is not 0x7A11 */
	PRL_HS_DROP_UNKNOWN_VNI,		/* no session with this VNI */
	PRL_HS_DROP_BAD_FRAME,		/* no disco magic or too short */
	PRL_HS_DROP_UNKNOWN_SENDER,	/* sender key not in the session pair */
	PRL_HS_DROP_AUTH,		/* box failed to authenticate */
	PRL_HS_DROP_PARSE,		/* plaintext did not parse */
	PRL_HS_DROP_BAD_TYPE,		/* a type other than Bind or Answer */
	PRL_HS_DROP_VNI_MISMATCH,	/* sealed VNI != session VNI */
	PRL_HS_DROP_REMOTE_KEY,		/* RemoteKey != the other client */
	PRL_HS_DROP_ZERO_GENERATION,	/* Bind with generation 0 */
	PRL_HS_DROP_NO_HANDSHAKE,	/* Answer with no Bind in progress */
	PRL_HS_DROP_GENERATION,		/* Answer for another generation */
	PRL_HS_DROP_BAD_MAC,		/* challenge did not verify (address,
					 * tampering or expired secret) */
	PRL_HS_DROP_BAD_ADDRESS,		/* source is not AF_INET/AF_INET6 */
	PRL_HS_DROP_INTERNAL,		/* could not build the reply */

	__PRL_HS_RESULT_MAX,
};

enum prl_hs_action_kind {
	PRL_HS_ACT_DROP,		/* do nothing */
	PRL_HS_ACT_REPLY,	/* send reply[0..reply_len) back to the source */
	PRL_HS_ACT_BIND,		/* bind endpoint to remote (from local) */
};

struct prl_hs_action {
	enum prl_hs_action_kind kind;
	enum prl_hs_result result;
	uint32_t vni;			/* REPLY, BIND */
	unsigned int endpoint;		/* REPLY, BIND: sender index 0/1 */
	uint32_t generation;		/* REPLY, BIND */
	struct sockaddr_storage remote;	/* BIND: the Answer's source */
	socklen_t remote_len;
	struct sockaddr_storage local;	/* BIND: address it arrived on */
	socklen_t local_len;		/* 0 if the caller passed none */
	size_t reply_len;		/* REPLY: never more than the request */
	uint8_t reply[PRL_DISCO_HANDSHAKE_PKT_LEN];
};

/*
 * What the handshake needs of a session. client_key[] is sorted (endpoint
 * i belongs to client_key[i], as in the kernel); shared[i] is
 * crypto_box_beforenm(client_key[i], server_priv). inprogress_gen[] is
 * updated by prl_hs_handle() and must persist with the session.
 */
struct prl_hs_session {
	uint32_t vni;
	uint8_t client_key[2][PRL_KEY_LEN];
	uint8_t shared[2][PRL_KEY_LEN];
	uint32_t inprogress_gen[2];
};

/* Return the session with @vni or NULL. */
typedef struct prl_hs_session *(*prl_hs_lookup_fn)(void *ctx, uint32_t vni);
/* Monotonic time in nanoseconds. */
typedef uint64_t (*prl_hs_clock_fn)(void *ctx);

struct prl_hs_server {
	uint8_t priv[PRL_KEY_LEN];	/* relay (ServerDisco) private key */
	uint8_t pub[PRL_KEY_LEN];
	uint8_t secret[2][PRL_KEY_LEN];	/* [0] current, [1] previous */
	unsigned int n_secrets;
	uint64_t rotated_ns;
	prl_hs_clock_fn clock;
	void *clock_ctx;
	uint64_t counters[__PRL_HS_RESULT_MAX];
};

/*
 * prl_hs_server_init() - set up a server for the relay key @priv.
 * @clock: NULL for CLOCK_MONOTONIC, or a test clock.
 * Return: 0 or -1.
 */
int prl_hs_server_init(struct prl_hs_server *srv,
		      const uint8_t priv[PRL_KEY_LEN],
		      prl_hs_clock_fn clock, void *clock_ctx);

/* Wipe keys and secrets. */
void prl_hs_server_wipe(struct prl_hs_server *srv);

/*
 * prl_hs_session_init() - fill @s for the unordered pair (@a, @b): sorts
 * the keys and precomputes both shared keys.
 * Return: 0, or -1 if a == b, either equals the server key, or a key is a
 * low-order point.
 */
int prl_hs_session_init(struct prl_hs_session *s, uint32_t vni,
		       const uint8_t a[PRL_KEY_LEN], const uint8_t b[PRL_KEY_LEN],
		       const struct prl_hs_server *srv);
/*
 * The same in two steps, for a view of many sessions of which few
 * handshake at a time: prl_hs_session_prepare() checks and sorts the keys
 * (no key exchange; -1 as above but for low-order points),
 * prl_hs_session_keys() computes the two shared keys (two X25519) when
 * the session is first needed (-1: a low-order point; @s is wiped).
 */
int prl_hs_session_prepare(struct prl_hs_session *s, uint32_t vni,
			   const uint8_t a[PRL_KEY_LEN], const uint8_t b[PRL_KEY_LEN],
			   const struct prl_hs_server *srv);
int prl_hs_session_keys(struct prl_hs_session *s, const struct prl_hs_server *srv);

/*
 * prl_hs_handle() - process one datagram received on a relay socket.
 * @pkt, @len: the whole UDP payload (Geneve header included).
 * @src: its source address; @local: the relay address it arrived on
 * (may be NULL). @lookup/@lookup_ctx: session table.
 * Fills @act and counts the result in srv->counters.
 * Return: act->kind.
 */
enum prl_hs_action_kind prl_hs_handle(struct prl_hs_server *srv,
				    const uint8_t *pkt, size_t len,
				    const struct sockaddr *src,
				    const struct sockaddr *local,
				    prl_hs_lookup_fn lookup, void *lookup_ctx,
				    struct prl_hs_action *act);

/* Rotate the MAC secrets if due (first call creates one). */
void prl_hs_maybe_rotate(struct prl_hs_server *srv);

/*
 * prl_hs_mac() - the challenge MAC: keyed BLAKE2b-256 under @secret over
 * VNI ‖ generation ‖ RemoteKey ‖ source IP (4 or 16 bytes, plus the IPv6
 * scope id if nonzero) ‖ source port. The Challenge field of @hs is not
 * an input. Return: 0, or -1 for an unsupported address family.
 */
int prl_hs_mac(const uint8_t secret[PRL_KEY_LEN],
	      const struct prl_disco_handshake *hs,
	      const struct sockaddr *src, uint8_t out[PRL_HS_MAC_LEN]);

/* Stable snake_case name of a result ("challenged", "drop_bad_mac"...). */
const char *prl_hs_result_name(enum prl_hs_result r);

#endif /* PRL_HANDSHAKE_H */
