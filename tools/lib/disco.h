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
#ifndef PR_DISCO_H
#define PR_DISCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define PR_KEY_LEN			32
#define PR_DISCO_MAGIC_LEN		6
#define PR_DISCO_NONCE_LEN		24
#define PR_DISCO_TAG_LEN		16
/* magic + sender key + nonce: the minimum to "look like disco" */
#define PR_DISCO_HDR_LEN		(PR_DISCO_MAGIC_LEN + PR_KEY_LEN + \
					 PR_DISCO_NONCE_LEN)
#define PR_DISCO_OVERHEAD		(PR_DISCO_HDR_LEN + PR_DISCO_TAG_LEN)
#define PR_DISCO_MSG_HDR_LEN		2	/* type, version */

/* Largest plaintext pr_disco_open_msg() accepts (Pings may be padded). */
#define PR_DISCO_MAX_PLAIN		4096

#define PR_DISCO_HANDSHAKE_BODY_LEN	72
#define PR_DISCO_HANDSHAKE_PLAIN_LEN	(PR_DISCO_MSG_HDR_LEN + \
					 PR_DISCO_HANDSHAKE_BODY_LEN)	/* 74 */
#define PR_DISCO_HANDSHAKE_FRAME_LEN	(PR_DISCO_OVERHEAD + \
					 PR_DISCO_HANDSHAKE_PLAIN_LEN)	/* 152 */
#define PR_DISCO_HANDSHAKE_PKT_LEN	(8 + PR_DISCO_HANDSHAKE_FRAME_LEN) /* 160 */

#define PR_DISCO_ALLOC_REQ_BODY_LEN	68
#define PR_DISCO_ADDRPORT_LEN		18
#define PR_DISCO_EP_FIXED_LEN		124
/* Most relay addresses we marshal or accept in one endpoint block. */
#define PR_DISCO_MAX_ADDRPORTS		32
/*
 * In-band allocation (our extension): clients pad the AllocateRequest
 * frame to this many bytes, so the relay can refuse to answer with more
 * bytes than it received (no amplification; Documentation/protocol.md).
 */
#define PR_DISCO_ALLOC_REQ_FRAME_LEN	1024
#define PR_DISCO_TXID_LEN		12
#define PR_DISCO_PONG_BODY_LEN		(PR_DISCO_TXID_LEN + PR_DISCO_ADDRPORT_LEN)

/* Go time.Duration values (int64 nanoseconds). */
#define PR_NSEC_PER_SEC			1000000000LL
#define PR_DISCO_BIND_LIFETIME_NS	(30 * PR_NSEC_PER_SEC)
#define PR_DISCO_STEADY_LIFETIME_NS	(300 * PR_NSEC_PER_SEC)

enum pr_disco_type {
	PR_DISCO_PING			= 0x01,
	PR_DISCO_PONG			= 0x02,
	PR_DISCO_CALL_ME_MAYBE		= 0x03,
	PR_DISCO_BIND			= 0x04,
	PR_DISCO_CHALLENGE		= 0x05,
	PR_DISCO_ANSWER			= 0x06,
	PR_DISCO_CALL_ME_MAYBE_VIA	= 0x07,
	PR_DISCO_ALLOC_REQUEST		= 0x08,
	PR_DISCO_ALLOC_RESPONSE		= 0x09,
};

/*
 * An addr:port in wire form: always 16 bytes of IPv6 (IPv4 as
 * ::ffff:a.b.c.d) plus a host-order port.
 */
struct pr_addrport {
	uint8_t ip[16];
	uint16_t port;
};

/* Bind, Challenge and Answer share this 72-byte body (§2.3). */
struct pr_disco_handshake {
	uint32_t vni;
	uint32_t generation;
	uint8_t remote_key[PR_KEY_LEN];
	uint8_t challenge[PR_KEY_LEN];
};

/* AllocateUDPRelayEndpointRequest (§2.4). */
struct pr_disco_alloc_req {
	uint8_t client_key[2][PR_KEY_LEN];
	uint32_t generation;
};

/* UDPRelayEndpoint block (§2.5), body of CallMeMaybeVia. */
struct pr_disco_endpoint {
	uint8_t server_key[PR_KEY_LEN];
	uint8_t client_key[2][PR_KEY_LEN];
	uint64_t lamport;
	uint32_t vni;
	int64_t bind_lifetime_ns;
	int64_t steady_lifetime_ns;
	size_t n_addrports;	/* >= 1 on the wire */
	struct pr_addrport addrports[PR_DISCO_MAX_ADDRPORTS];
};

/* AllocateUDPRelayEndpointResponse: generation ‖ endpoint block. */
struct pr_disco_alloc_resp {
	uint32_t generation;
	struct pr_disco_endpoint ep;
};

struct pr_disco_ping {
	uint8_t txid[PR_DISCO_TXID_LEN];
	bool has_node_key;
	uint8_t node_key[PR_KEY_LEN];
	size_t padding;		/* zero bytes after the body */
};

struct pr_disco_pong {
	uint8_t txid[PR_DISCO_TXID_LEN];
	struct pr_addrport src;
};

/*
 * A parsed (or to-be-marshalled) message. @empty is set by the parser when
 * a version-gated type (0x07, 0x08, 0x09) carries a version other than 0:
 * the reference parser returns an empty message without error then.
 */
struct pr_disco_msg {
	uint8_t type;		/* enum pr_disco_type */
	uint8_t version;	/* as received; marshal always writes 0 */
	bool empty;
	union {
		struct pr_disco_handshake hs;		/* 0x04, 0x05, 0x06 */
		struct pr_disco_alloc_req alloc_req;	/* 0x08 */
		struct pr_disco_alloc_resp alloc_resp;	/* 0x09 */
		struct pr_disco_endpoint via;		/* 0x07 */
		struct pr_disco_ping ping;		/* 0x01 */
		struct pr_disco_pong pong;		/* 0x02 */
	} u;
};

/* ---- framing ---- */

/* >= 62 bytes and starts with the magic (reference LooksLikeDiscoWrapper). */
bool pr_disco_has_magic(const uint8_t *buf, size_t len);

/* Pointer to the 32-byte sender key of a frame, or NULL if not disco. */
const uint8_t *pr_disco_sender(const uint8_t *buf, size_t len);

/*
 * pr_disco_shared_key() - NaCl precomputation crypto_box_beforenm().
 * Return: 0, or -1 if @peer_pub is a low-order point (all-zero secret).
 */
int pr_disco_shared_key(uint8_t shared[PR_KEY_LEN],
			const uint8_t peer_pub[PR_KEY_LEN],
			const uint8_t own_priv[PR_KEY_LEN]);

/*
 * pr_disco_seal() - build a frame around @plain with a fresh random nonce.
 * Return: frame length (PR_DISCO_OVERHEAD + @plen) or -1 if @cap is short.
 */
ssize_t pr_disco_seal(uint8_t *out, size_t cap,
		      const uint8_t sender_pub[PR_KEY_LEN],
		      const uint8_t shared[PR_KEY_LEN],
		      const uint8_t *plain, size_t plen);

/* As pr_disco_seal() with a caller-chosen nonce (tests, fuzz corpora). */
ssize_t pr_disco_seal_nonce(uint8_t *out, size_t cap,
			    const uint8_t sender_pub[PR_KEY_LEN],
			    const uint8_t shared[PR_KEY_LEN],
			    const uint8_t nonce[PR_DISCO_NONCE_LEN],
			    const uint8_t *plain, size_t plen);

/*
 * pr_disco_open() - authenticate and decrypt a frame. Does not check the
 * sender key (the caller picked @shared from it).
 * Return: plaintext length, or -1 (not disco, too short, @cap too small,
 * authentication failure).
 */
ssize_t pr_disco_open(const uint8_t *frame, size_t len,
		      const uint8_t shared[PR_KEY_LEN],
		      uint8_t *plain, size_t cap);

/* ---- messages ---- */

/*
 * pr_disco_parse() - parse a plaintext (type ‖ version ‖ body).
 * Return: 0 on success (check m->empty for version-gated types), -1 on a
 * short/malformed body or an unknown type. CallMeMaybe (0x03) is not
 * supported (it never reaches a relay) and returns -1.
 */
int pr_disco_parse(const uint8_t *buf, size_t len, struct pr_disco_msg *m);

/*
 * pr_disco_marshal() - write the plaintext of @m (version 0).
 * Return: length written, or -1 if @cap is too small or @m is not
 * representable (unknown type, no or too many addrports).
 */
ssize_t pr_disco_marshal(const struct pr_disco_msg *m, uint8_t *buf,
			 size_t cap);

/* Marshal + seal in one step. Return: frame length or -1. */
ssize_t pr_disco_seal_msg(uint8_t *out, size_t cap,
			  const uint8_t sender_pub[PR_KEY_LEN],
			  const uint8_t shared[PR_KEY_LEN],
			  const struct pr_disco_msg *m);

/* Open + parse in one step. Return: 0, or -1 (auth or parse failure). */
int pr_disco_open_msg(const uint8_t *frame, size_t len,
		      const uint8_t shared[PR_KEY_LEN],
		      struct pr_disco_msg *m);

/* Short lowercase name of a message type ("bind", ...) or "unknown". */
const char *pr_disco_type_name(uint8_t type);

/* ---- addr:port ---- */

/* From an AF_INET/AF_INET6 sockaddr. Return: 0, or -1 for other families. */
int pr_addrport_from_sockaddr(struct pr_addrport *ap,
			      const struct sockaddr *sa);
/*
 * To a sockaddr: v4-mapped addresses become AF_INET (decoders unmap).
 * Return: the socklen of the result.
 */
socklen_t pr_addrport_to_sockaddr(const struct pr_addrport *ap,
				  struct sockaddr_storage *ss);
bool pr_addrport_is_v4(const struct pr_addrport *ap);
/* "1.2.3.4:5" or "[2001:db8::1]:5". Return: @buf. */
char *pr_addrport_format(const struct pr_addrport *ap, char *buf, size_t len);
#define PR_ADDRPORT_STRLEN	64

/* Byte-wise key order used for ClientDisco pairs; like memcmp. */
int pr_key_cmp(const uint8_t a[PR_KEY_LEN], const uint8_t b[PR_KEY_LEN]);

/* ---- endpoint descriptions (relayctl session add, relay-client) ---- */

/*
 * pr_disco_endpoint_add_addr() - append @ap to @ep's AddrPorts unless it is
 * already there (order = advertising order: callers add static endpoints
 * first). Return: 0 added, 1 duplicate (ignored), -E2BIG list full.
 */
int pr_disco_endpoint_add_addr(struct pr_disco_endpoint *ep,
			       const struct pr_addrport *ap);

/*
 * pr_duration_fmt() - a duration in Go's time.Duration String() form,
 * as Tailscale prints endpoint lifetimes: "30s", "5m0s", "1h0m0s",
 * "1.5s", "250ms", "0s". Sub-millisecond parts are dropped. Return: @buf.
 */
#define PR_DURATION_STRLEN	32
char *pr_duration_fmt(int64_t ns, char *buf, size_t len);

/*
 * pr_disco_endpoint_from_json() - read an endpoint description from JSON
 * text: one object with "server_key" (64 hex), "client_keys" [2 keys]
 * (or "key0"/"key1"), "vni", and optional "lamport",
 * "bind_lifetime_ms", "steady_state_lifetime_ms" and "addrs"
 * ["ip:port", ...]. That is what `relayctl -j session add` and
 * `relay-client -j allocate` print. Client keys come out sorted; unknown
 * keys are ignored. On error a message goes to @err.
 * Return: 0 or -EINVAL.
 */
int pr_disco_endpoint_from_json(const char *text, size_t len,
				struct pr_disco_endpoint *ep, char *err,
				size_t errlen);

#endif /* PR_DISCO_H */
