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
 * disco keys (pr_grants).
 *
 * No I/O, no netlink. Not thread-safe.
 */
#ifndef PR_ALLOC_H
#define PR_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/disco.h"

/* Allowlist of client disco public keys. */
struct pr_grants {
	size_t n;
	uint8_t (*keys)[PR_KEY_LEN];
};

/*
 * pr_grants_parse() - parse grants text: one 64-hex-digit key per line
 * (optionally "discokey:"-prefixed), '#' starts a comment, blank lines
 * and surrounding whitespace are ignored. Duplicates are kept once.
 * On error writes "line N: ..." to @err. Return: 0 or -1.
 */
int pr_grants_parse(const char *text, size_t len, struct pr_grants *g,
		    char *err, size_t errlen);

/* Load and parse a grants file. Return: 0 or -1 (message in @err). */
int pr_grants_load(const char *path, struct pr_grants *g, char *err,
		   size_t errlen);

bool pr_grants_contains(const struct pr_grants *g,
			const uint8_t key[PR_KEY_LEN]);

void pr_grants_free(struct pr_grants *g);

enum pr_alloc_result {
	PR_ALLOC_OK,
	PR_ALLOC_DROP_BAD_FRAME,	/* not a disco frame */
	PR_ALLOC_DROP_NOT_GRANTED,	/* sender not in the allowlist */
	PR_ALLOC_DROP_AUTH,		/* box failed to authenticate */
	PR_ALLOC_DROP_PARSE,		/* plaintext did not parse */
	PR_ALLOC_DROP_BAD_TYPE,		/* not an AllocateRequest */
	PR_ALLOC_DROP_VERSION,		/* version != 0: empty message */
	PR_ALLOC_DROP_NOT_CLIENT,	/* sender is not a ClientDisco key */
	PR_ALLOC_DROP_SERVER_KEY,	/* a ClientDisco equals the relay key */
	PR_ALLOC_DROP_SAME_KEYS,	/* ClientDisco[0] == ClientDisco[1] */
	PR_ALLOC_DROP_NOT_READY,	/* no relay address to advertise */
	PR_ALLOC_DROP_AMPLIFICATION,	/* response would be larger than the
					 * request (client did not pad) */

	__PR_ALLOC_RESULT_MAX,
};

struct pr_alloc_ctx {
	uint8_t priv[PR_KEY_LEN];	/* relay key (also ServerDisco) */
	uint8_t pub[PR_KEY_LEN];
	const struct pr_grants *grants;	/* not owned */
	uint64_t counters[__PR_ALLOC_RESULT_MAX];
};

/* A checked request. */
struct pr_alloc_request {
	uint8_t sender[PR_KEY_LEN];
	uint8_t shared[PR_KEY_LEN];	/* sender <-> relay, seals the reply */
	uint8_t client_key[2][PR_KEY_LEN];	/* sorted */
	uint32_t generation;
	size_t request_len;	/* bytes of the request datagram */
};

/* The session the caller allocated for the request (SESSION_NEW reply). */
struct pr_alloc_session {
	uint32_t vni;
	uint64_t lamport;
	uint32_t bind_lifetime_ms;
	uint32_t idle_lifetime_ms;
};

/* Return: 0 or -1. @grants may be NULL (nobody is granted). */
int pr_alloc_ctx_init(struct pr_alloc_ctx *ctx,
		      const uint8_t priv[PR_KEY_LEN],
		      const struct pr_grants *grants);

void pr_alloc_ctx_wipe(struct pr_alloc_ctx *ctx);

/*
 * pr_alloc_parse() - check a plain-disco datagram as an AllocateRequest.
 * The allowlist is checked before any public-key operation, so unlisted
 * senders cost nothing. Counts the result. Return: PR_ALLOC_OK and @req
 * filled, or the drop reason.
 */
enum pr_alloc_result pr_alloc_parse(struct pr_alloc_ctx *ctx,
				    const uint8_t *buf, size_t len,
				    struct pr_alloc_request *req);

/*
 * pr_alloc_build_response() - seal the AllocateResponse for @req into
 * @out: Generation echoed, ServerDisco = relay key, ClientDisco sorted,
 * @sess's LamportID, VNI and lifetimes, and the addresses @static_eps
 * first, then @local_eps (duplicates removed, at most
 * PR_DISCO_MAX_ADDRPORTS). The response is never longer than the request
 * (clients pad requests to PR_DISCO_ALLOC_REQ_FRAME_LEN bytes).
 * Return: frame length, or -1: no address ("not ready", counted as
 * PR_ALLOC_DROP_NOT_READY), response longer than the request (counted as
 * PR_ALLOC_DROP_AMPLIFICATION), or @cap too small.
 */
ssize_t pr_alloc_build_response(struct pr_alloc_ctx *ctx,
				 const struct pr_alloc_request *req,
				 const struct pr_alloc_session *sess,
				 const struct pr_addrport *static_eps,
				 size_t n_static,
				 const struct pr_addrport *local_eps,
				 size_t n_local, uint8_t *out, size_t cap);

/* Largest response frame pr_alloc_build_response() can produce. */
#define PR_ALLOC_RESPONSE_MAX	(PR_DISCO_OVERHEAD + PR_DISCO_MSG_HDR_LEN + 4 + \
				 PR_DISCO_EP_FIXED_LEN + \
				 PR_DISCO_MAX_ADDRPORTS * PR_DISCO_ADDRPORT_LEN)

const char *pr_alloc_result_name(enum pr_alloc_result r);

#endif /* PR_ALLOC_H */
