/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Disco framing and messages (protocol §2).
 *
 * A disco frame is  magic "TS💬" (6) ‖ sender key (32) ‖ nonce (24) ‖
 * NaCl box (16-byte Poly1305 tag, then ciphertext). Inside the box is
 * type (1) ‖ version (1) ‖ body. All integers are big endian.
 *
 * Every parser here is a pure function of (buf, len): it never reads
 * outside the buffer, never allocates and can be fed arbitrary bytes
 * (see selftests/unit/disco_test.c and the fuzz targets).
 */
#ifndef PRL_DISCO_H
#define PRL_DISCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "geneve.h"

#define PRL_KEY_LEN			32
#define PRL_DISCO_MAGIC_LEN		6
#define PRL_DISCO_NONCE_LEN		24
#define PRL_DISCO_TAG_LEN		16
/* magic + sender key + nonce: the minimum to "look like disco" */
#define PRL_DISCO_HDR_LEN		(PRL_DISCO_MAGIC_LEN + PRL_KEY_LEN + \
					 PRL_DISCO_NONCE_LEN)
#define PRL_DISCO_OVERHEAD		(PRL_DISCO_HDR_LEN + PRL_DISCO_TAG_LEN)
#define PRL_DISCO_MSG_HDR_LEN		2	/* type, version */

/* Largest plaintext prl_disco_open_msg() accepts (Pings may be padded). */
#define PRL_DISCO_MAX_PLAIN		4096

#define PRL_DISCO_HANDSHAKE_BODY_LEN	72
#define PRL_DISCO_HANDSHAKE_PLAIN_LEN	(PRL_DISCO_MSG_HDR_LEN + \
					 PRL_DISCO_HANDSHAKE_BODY_LEN)	/* 74 */
#define PRL_DISCO_HANDSHAKE_FRAME_LEN	(PRL_DISCO_OVERHEAD + \
					 PRL_DISCO_HANDSHAKE_PLAIN_LEN)	/* 152 */
#define PRL_DISCO_HANDSHAKE_PKT_LEN	(8 + PRL_DISCO_HANDSHAKE_FRAME_LEN) /* 160 */

#define PRL_DISCO_ALLOC_REQ_BODY_LEN	68
#define PRL_DISCO_ADDRPORT_LEN		18
#define PRL_DISCO_EP_FIXED_LEN		124
/* Most relay addresses we marshal or accept in one endpoint block. */
#define PRL_DISCO_MAX_ADDRPORTS		32
/*
 * In-band allocation (our extension): clients pad the AllocateRequest
 * frame to this many bytes, so the relay can refuse to answer with more
 * bytes than it received (no amplification; Documentation/protocol.md).
 */
#define PRL_DISCO_ALLOC_REQ_FRAME_LEN	1024
#define PRL_DISCO_TXID_LEN		12
#define PRL_DISCO_PONG_BODY_LEN		(PRL_DISCO_TXID_LEN + PRL_DISCO_ADDRPORT_LEN)

/* Go time.Duration values (int64 nanoseconds). */
#define PRL_NSEC_PER_SEC			1000000000LL
#define PRL_DISCO_BIND_LIFETIME_NS	(30 * PRL_NSEC_PER_SEC)
#define PRL_DISCO_STEADY_LIFETIME_NS	(300 * PRL_NSEC_PER_SEC)

enum prl_disco_type {
	PRL_DISCO_PING			= 0x01,
	PRL_DISCO_PONG			= 0x02,
	PRL_DISCO_CALL_ME_MAYBE		= 0x03,
	PRL_DISCO_BIND			= 0x04,
	PRL_DISCO_CHALLENGE		= 0x05,
	PRL_DISCO_ANSWER			= 0x06,
	PRL_DISCO_CALL_ME_MAYBE_VIA	= 0x07,
	PRL_DISCO_ALLOC_REQUEST		= 0x08,
	PRL_DISCO_ALLOC_RESPONSE		= 0x09,
};

/*
 * An addr:port in wire form: always 16 bytes of IPv6 (IPv4 as
 * ::ffff:a.b.c.d) plus a host-order port.
 */
struct prl_addrport {
	uint8_t ip[16];
	uint16_t port;
};

/* Bind, Challenge and Answer share this 72-byte body (§2.3). */
struct prl_disco_handshake {
	uint32_t vni;
	uint32_t generation;
	uint8_t remote_key[PRL_KEY_LEN];
	uint8_t challenge[PRL_KEY_LEN];
};

/* AllocateUDPRelayEndpointRequest (§2.4). */
struct prl_disco_alloc_req {
	uint8_t client_key[2][PRL_KEY_LEN];
	uint32_t generation;
};

/* UDPRelayEndpoint block (§2.5), body of CallMeMaybeVia. */
struct prl_disco_endpoint {
	uint8_t server_key[PRL_KEY_LEN];
	uint8_t client_key[2][PRL_KEY_LEN];
	uint64_t lamport;
	uint32_t vni;
	int64_t bind_lifetime_ns;
	int64_t steady_lifetime_ns;
	size_t n_addrports;	/* >= 1 on the wire */
	struct prl_addrport addrports[PRL_DISCO_MAX_ADDRPORTS];
};

/* AllocateUDPRelayEndpointResponse: generation ‖ endpoint block. */
struct prl_disco_alloc_resp {
	uint32_t generation;
	struct prl_disco_endpoint ep;
};

struct prl_disco_ping {
	uint8_t txid[PRL_DISCO_TXID_LEN];
	bool has_node_key;
	uint8_t node_key[PRL_KEY_LEN];
	size_t padding;		/* zero bytes after the body */
};

struct prl_disco_pong {
	uint8_t txid[PRL_DISCO_TXID_LEN];
	struct prl_addrport src;
};

/*
 * A parsed (or to-be-marshalled) message. @empty is set by the parser when
 * a version-gated type (0x07, 0x08, 0x09) carries a version other than 0:
 * the reference parser returns an empty message without error then.
 */
struct prl_disco_msg {
	uint8_t type;		/* enum prl_disco_type */
	uint8_t version;	/* as received; marshal always writes 0 */
	bool empty;
	union {
		struct prl_disco_handshake hs;		/* 0x04, 0x05, 0x06 */
		struct prl_disco_alloc_req alloc_req;	/* 0x08 */
		struct prl_disco_alloc_resp alloc_resp;	/* 0x09 */
		struct prl_disco_endpoint via;		/* 0x07 */
		struct prl_disco_ping ping;		/* 0x01 */
		struct prl_disco_pong pong;		/* 0x02 */
	} u;
};

/* ---- framing ---- */

/* >= 62 bytes and starts with the magic (reference LooksLikeDiscoWrapper). */
bool prl_disco_has_magic(const uint8_t *buf, size_t len);

/* Pointer to the 32-byte sender key of a frame, or NULL if not disco. */
const uint8_t *prl_disco_sender(const uint8_t *buf, size_t len);

/*
 * prl_disco_shared_key() - NaCl precomputation crypto_box_beforenm().
 * Return: 0, or -1 if @peer_pub is a low-order point (all-zero secret).
 */
int prl_disco_shared_key(uint8_t shared[PRL_KEY_LEN],
			const uint8_t peer_pub[PRL_KEY_LEN],
			const uint8_t own_priv[PRL_KEY_LEN]);

/*
 * prl_disco_seal() - build a frame around @plain with a fresh random nonce.
 * Return: frame length (PRL_DISCO_OVERHEAD + @plen) or -1 if @cap is short.
 */
ssize_t prl_disco_seal(uint8_t *out, size_t cap,
		      const uint8_t sender_pub[PRL_KEY_LEN],
		      const uint8_t shared[PRL_KEY_LEN],
		      const uint8_t *plain, size_t plen);

/* As prl_disco_seal() with a caller-chosen nonce (tests, fuzz corpora). */
ssize_t prl_disco_seal_nonce(uint8_t *out, size_t cap,
			    const uint8_t sender_pub[PRL_KEY_LEN],
			    const uint8_t shared[PRL_KEY_LEN],
			    const uint8_t nonce[PRL_DISCO_NONCE_LEN],
			    const uint8_t *plain, size_t plen);

/*
 * prl_disco_open() - authenticate and decrypt a frame. Does not check the
 * sender key (the caller picked @shared from it).
 * Return: plaintext length, or -1 (not disco, too short, @cap too small,
 * authentication failure).
 */
ssize_t prl_disco_open(const uint8_t *frame, size_t len,
		      const uint8_t shared[PRL_KEY_LEN],
		      uint8_t *plain, size_t cap);

/* ---- messages ---- */

/*
 * prl_disco_parse() - parse a plaintext (type ‖ version ‖ body).
 * Return: 0 on success (check m->empty for version-gated types), -1 on a
 * short/malformed body or an unknown type. CallMeMaybe (0x03) is not
 * supported (it never reaches a relay) and returns -1.
 */
int prl_disco_parse(const uint8_t *buf, size_t len, struct prl_disco_msg *m);

/*
 * prl_disco_marshal() - write the plaintext of @m (version 0).
 * Return: length written, or -1 if @cap is too small or @m is not
 * representable (unknown type, no or too many addrports).
 */
ssize_t prl_disco_marshal(const struct prl_disco_msg *m, uint8_t *buf,
			 size_t cap);

/* Marshal + seal in one step. Return: frame length or -1. */
ssize_t prl_disco_seal_msg(uint8_t *out, size_t cap,
			  const uint8_t sender_pub[PRL_KEY_LEN],
			  const uint8_t shared[PRL_KEY_LEN],
			  const struct prl_disco_msg *m);

/*
 * prl_disco_hs_init() - a handshake message (Bind, Challenge or Answer,
 * §2.7) of @vni and @gen about @remote_key with a zero challenge, and the
 * Geneve control header (disco, @vni) it travels under.
 */
void prl_disco_hs_init(struct prl_disco_msg *m, struct prl_geneve_hdr *gh,
		       uint8_t type, uint32_t vni, uint32_t gen,
		       const uint8_t remote_key[PRL_KEY_LEN]);

/*
 * prl_disco_seal_geneve() - the Geneve header @gh, then the sealed @m:
 * a disco frame as it goes through a relay.
 * Return: the whole length, or -1 if @cap is too small or @m is bad.
 */
ssize_t prl_disco_seal_geneve(uint8_t *out, size_t cap,
			      const struct prl_geneve_hdr *gh,
			      const uint8_t sender_pub[PRL_KEY_LEN],
			      const uint8_t shared[PRL_KEY_LEN],
			      const struct prl_disco_msg *m);

/* Open + parse in one step. Return: 0, or -1 (auth or parse failure). */
int prl_disco_open_msg(const uint8_t *frame, size_t len,
		      const uint8_t shared[PRL_KEY_LEN],
		      struct prl_disco_msg *m);

/* Short lowercase name of a message type ("bind", ...) or "unknown". */
const char *prl_disco_type_name(uint8_t type);

/* ---- addr:port ---- */

/* From an AF_INET/AF_INET6 sockaddr. Return: 0, or -1 for other families. */
int prl_addrport_from_sockaddr(struct prl_addrport *ap,
			      const struct sockaddr *sa);
/*
 * To a sockaddr: v4-mapped addresses become AF_INET (decoders unmap).
 * Return: the socklen of the result.
 */
socklen_t prl_addrport_to_sockaddr(const struct prl_addrport *ap,
				  struct sockaddr_storage *ss);
bool prl_addrport_is_v4(const struct prl_addrport *ap);
/* "1.2.3.4:5" or "[2001:db8::1]:5". Return: @buf. */
char *prl_addrport_format(const struct prl_addrport *ap, char *buf, size_t len);
#define PRL_ADDRPORT_STRLEN	64

/* Byte-wise key order used for ClientDisco pairs; like memcmp. */
int prl_key_cmp(const uint8_t a[PRL_KEY_LEN], const uint8_t b[PRL_KEY_LEN]);

/* ---- endpoint descriptions (relayctl session add, relay-client) ---- */

/*
 * prl_disco_endpoint_add_addr() - append @ap to @ep's AddrPorts unless it is
 * already there (order = advertising order: callers add static endpoints
 * first). Return: 0 added, 1 duplicate (ignored), -E2BIG list full.
 */
int prl_disco_endpoint_add_addr(struct prl_disco_endpoint *ep,
			       const struct prl_addrport *ap);

/*
 * prl_duration_fmt() - a duration in Go's time.Duration String() form,
 * as Tailscale prints endpoint lifetimes: "30s", "5m0s", "1h0m0s",
 * "1.5s", "250ms", "0s". Sub-millisecond parts are dropped. Return: @buf.
 */
#define PRL_DURATION_STRLEN	32
char *prl_duration_fmt(int64_t ns, char *buf, size_t len);

/*
 * prl_disco_endpoint_from_json() - read an endpoint description from JSON
 * text: one object with "server_key" (64 hex), "client_keys" [2 keys]
 * (or "key0"/"key1"), "vni", and optional "lamport",
 * "bind_lifetime_ms", "steady_state_lifetime_ms" and "addrs"
 * ["ip:port", ...]. That is what `relayctl -j session add` and
 * `relay-client -j allocate` print. Client keys come out sorted; unknown
 * keys are ignored. On error a message goes to @err.
 * Return: 0 or -EINVAL.
 */
int prl_disco_endpoint_from_json(const char *text, size_t len,
				struct prl_disco_endpoint *ep, char *err,
				size_t errlen);

#endif /* PRL_DISCO_H */
