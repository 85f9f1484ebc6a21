/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-band allocation (our extension, Documentation/protocol.md): a client
 * sends a plain disco AllocateUDPRelayEndpointRequest (no Geneve header)
 * to the relay's UDP port, sealed to the relay key. The kernel passes it
 * up as "not Geneve"; relayd checks it here, creates the session over
 * netlink (idempotent per pair) and sends back the sealed
 * AllocateUDPRelayEndpointResponse built here, again as plain disco.
 *
 * Upstream carries these messages over DERP and gates them by the
 * tailscale.com/cap/relay grant; here the grant is an allowlist of client
 * disco keys (prl_grants).
 *
 * No I/O, no netlink. Not thread-safe.
 */
#ifndef PRL_ALLOC_H
#define PRL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/disco.h"

/* Allowlist of client disco public keys. */
struct prl_grants {
	size_t n;
	uint8_t (*keys)[PRL_KEY_LEN];
};

/*
 * prl_grants_parse() - parse grants text: one 64-hex-digit key per line
 * (optionally "discokey:"-prefixed), '#' starts a comment, blank lines
 * and surrounding whitespace are ignored. Duplicates are kept once.
 * On error writes "line N: ..." to @err. Return: 0 or -1.
 */
int prl_grants_parse(const char *text, size_t len, struct prl_grants *g,
		    char *err, size_t errlen);

/* Load and parse a grants file. Return: 0 or -1 (message in @err). */
int prl_grants_load(const char *path, struct prl_grants *g, char *err,
		   size_t errlen);

bool prl_grants_contains(const struct prl_grants *g,
			const uint8_t key[PRL_KEY_LEN]);

void prl_grants_free(struct prl_grants *g);

enum prl_alloc_result {
	PRL_ALLOC_OK,
	PRL_ALLOC_DROP_BAD_FRAME,	/* not a disco frame */
	PRL_ALLOC_DROP_NOT_GRANTED,	/* sender not in the allowlist */
	PRL_ALLOC_DROP_AUTH,		/* box failed to authenticate */
	PRL_ALLOC_DROP_PARSE,		/* plaintext did not parse */
	PRL_ALLOC_DROP_BAD_TYPE,		/* not an AllocateRequest */
	PRL_ALLOC_DROP_VERSION,		/* version != 0: empty message */
	PRL_ALLOC_DROP_NOT_CLIENT,	/* sender is not a ClientDisco key */
	PRL_ALLOC_DROP_SERVER_KEY,	/* a ClientDisco equals the relay key */
	PRL_ALLOC_DROP_SAME_KEYS,	/* ClientDisco[0] == ClientDisco[1] */
	PRL_ALLOC_DROP_NOT_READY,	/* no relay address to advertise */
	PRL_ALLOC_DROP_AMPLIFICATION,	/* response would be larger than the
					 * request (client did not pad) */

	__PRL_ALLOC_RESULT_MAX,
};

struct prl_alloc_ctx {
	uint8_t priv[PRL_KEY_LEN];	/* relay key (also ServerDisco) */
	uint8_t pub[PRL_KEY_LEN];
	const struct prl_grants *grants;	/* not owned */
	uint64_t counters[__PRL_ALLOC_RESULT_MAX];
};

/* A checked request. */
struct prl_alloc_request {
	uint8_t sender[PRL_KEY_LEN];
	uint8_t shared[PRL_KEY_LEN];	/* sender <-> relay, seals the reply */
	uint8_t client_key[2][PRL_KEY_LEN];	/* sorted */
	uint32_t generation;
	size_t request_len;	/* bytes of the request datagram */
};

/* The session the caller allocated for the request (SESSION_NEW reply). */
struct prl_alloc_session {
	uint32_t vni;
	uint64_t lamport;
	uint32_t bind_lifetime_ms;
	uint32_t idle_lifetime_ms;
};

/* Return: 0 or -1. @grants may be NULL (nobody is granted). */
int prl_alloc_ctx_init(struct prl_alloc_ctx *ctx,
		      const uint8_t priv[PRL_KEY_LEN],
		      const struct prl_grants *grants);

void prl_alloc_ctx_wipe(struct prl_alloc_ctx *ctx);

/*
 * prl_alloc_parse() - check a plain-disco datagram as an AllocateRequest.
 * The allowlist is checked before any public-key operation, so unlisted
 * senders cost nothing. Counts the result. Return: PRL_ALLOC_OK and @req
 * filled, or the drop reason.
 */
enum prl_alloc_result prl_alloc_parse(struct prl_alloc_ctx *ctx,
				    const uint8_t *buf, size_t len,
				    struct prl_alloc_request *req);

/*
 * prl_alloc_build_response() - seal the AllocateResponse for @req into
 * @out: Generation echoed, ServerDisco = relay key, ClientDisco sorted,
 * @sess's LamportID, VNI and lifetimes, and the @n_eps addresses @eps in
 * order (static endpoints first, then local ones; duplicates removed, at
 * most PRL_DISCO_MAX_ADDRPORTS). The response is never longer than the request
 * (clients pad requests to PRL_DISCO_ALLOC_REQ_FRAME_LEN bytes).
 * Return: frame length, or -1: no address ("not ready", counted as
 * PRL_ALLOC_DROP_NOT_READY), response longer than the request (counted as
 * PRL_ALLOC_DROP_AMPLIFICATION), or @cap too small.
 */
ssize_t prl_alloc_build_response(struct prl_alloc_ctx *ctx,
				 const struct prl_alloc_request *req,
				 const struct prl_alloc_session *sess,
				 const struct prl_addrport *eps, size_t n_eps,
				 uint8_t *out, size_t cap);

/* Largest response frame prl_alloc_build_response() can produce. */
#define PRL_ALLOC_RESPONSE_MAX	(PRL_DISCO_OVERHEAD + PRL_DISCO_MSG_HDR_LEN + 4 + \
				 PRL_DISCO_EP_FIXED_LEN + \
				 PRL_DISCO_MAX_ADDRPORTS * PRL_DISCO_ADDRPORT_LEN)

const char *prl_alloc_result_name(enum prl_alloc_result r);

#endif /* PRL_ALLOC_H */
