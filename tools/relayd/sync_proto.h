/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session replication between relays: the wire format (pure functions,
 * no I/O; Documentation/replication.md describes it).
 *
 * A TCP connection carries one push stream: the connecting relay (the
 * initiator) sends its sessions, the accepting relay (the responder)
 * installs them and answers with acknowledgements.
 *
 *   initiator -> responder   HELLO (clear): magic, version, nonce_i
 *   responder -> initiator   HELLO (clear): magic, version, nonce_r,
 *                            then its secretstream header
 *   initiator -> responder   its secretstream header
 *   both                     frames: u16 length (big endian) + one
 *                            secretstream message (XChaCha20-Poly1305)
 *
 * Direction keys are BLAKE2b-256 keyed with the 32-byte sync key over a
 * label ("i2r"/"r2i") and both nonces: fresh per connection, different
 * per direction (a reflected stream does not decrypt). The first record
 * in each direction is AUTH: a peer that does not know the key cannot
 * produce it, so each side has authenticated the other before any state
 * is trusted. The secretstream itself rejects reordered, replayed,
 * truncated or modified frames.
 *
 * A frame's plaintext is a sequence of records: type (u8), body length
 * (u16 BE), body. Integers are big endian.
 */
#ifndef RELAYD_SYNC_PROTO_H
#define RELAYD_SYNC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "nl.h"

#define SYNC_MAGIC		"PRSY"
#define SYNC_VERSION		1
#define SYNC_KEY_LEN		32
#define SYNC_NONCE_LEN		32
#define SYNC_HELLO_LEN		(4 + 4 + SYNC_NONCE_LEN)
#define SYNC_HEADER_LEN		crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SYNC_ABYTES		crypto_secretstream_xchacha20poly1305_ABYTES
/* Plaintext of one frame at most; records never span frames. */
#define SYNC_FRAME_MAX		16384
#define SYNC_WIRE_MAX		(SYNC_FRAME_MAX + SYNC_ABYTES)
#define SYNC_NAME_MAX		64

enum sync_rec_type {
	SYNC_REC_AUTH = 1,	/* name (text): first record each way */
	SYNC_REC_SESSION,	/* a session's full state (create/bind/refresh) */
	SYNC_REC_DEL,		/* vni, lamport, reason */
	SYNC_REC_BEGIN,		/* full resynchronisation starts: generation */
	SYNC_REC_END,		/* ... ends: generation, sessions sent */
	SYNC_REC_MARK,		/* sender's clock (ms), answered by an ACK */
	SYNC_REC_ACK,		/* echoed MARK clock, records applied so far */
};

#define SYNC_SESSION_LEN	(4 + 8 + 8 + 2 * PEER_RELAY_KEY_LEN + 2 * 44)
#define SYNC_DEL_LEN		13
#define SYNC_GEN_LEN		4
#define SYNC_END_LEN		8
#define SYNC_MARK_LEN		8
#define SYNC_ACK_LEN		16

/* One decoded record; @session/@name point into @sess/@text. */
struct sync_rec {
	enum sync_rec_type type;
	struct prl_session sess;	/* SESSION, DEL (vni, lamport, del_reason) */
	uint32_t gen;			/* BEGIN, END */
	uint32_t count;			/* END */
	uint64_t clock_ms;		/* MARK, ACK */
	uint64_t applied;		/* ACK */
	char name[SYNC_NAME_MAX + 1];	/* AUTH */
};

/* HELLO: magic, version, 3 reserved bytes, nonce. */
void sync_hello_put(uint8_t out[SYNC_HELLO_LEN],
		    const uint8_t nonce[SYNC_NONCE_LEN]);
/* -EPROTO: not our protocol; -EPROTONOSUPPORT: other version. */
int sync_hello_get(const uint8_t in[SYNC_HELLO_LEN],
		   uint8_t nonce[SYNC_NONCE_LEN]);

/*
 * Key of one direction: BLAKE2b-256 keyed with @key over "peer_relay sync
 * v1 " + @label + @nonce_i + @nonce_r. Returns 0 or -EINVAL.
 */
int sync_dir_key(uint8_t out[crypto_secretstream_xchacha20poly1305_KEYBYTES],
		 const uint8_t key[SYNC_KEY_LEN], const char *label,
		 const uint8_t nonce_i[SYNC_NONCE_LEN],
		 const uint8_t nonce_r[SYNC_NONCE_LEN]);

/*
 * The sync key when no sync-key file is given: BLAKE2b-256 keyed with the
 * relay's private key over a fixed label (relays that share the relay key
 * share this; the relay key itself never goes on the wire).
 */
void sync_key_from_relay_key(uint8_t out[SYNC_KEY_LEN],
			     const uint8_t relay_priv[32]);

/*
 * Append a record to @buf (capacity SYNC_FRAME_MAX, *@len used). Return
 * 0, or -ENOSPC when it does not fit (send the frame and start a new one).
 */
int sync_put_auth(uint8_t *buf, size_t *len, const char *name);
int sync_put_session(uint8_t *buf, size_t *len, const struct prl_session *s);
int sync_put_del(uint8_t *buf, size_t *len, uint32_t vni, uint64_t lamport,
		 uint8_t reason);
int sync_put_gen(uint8_t *buf, size_t *len, enum sync_rec_type type,
		 uint32_t gen, uint32_t count);
int sync_put_clock(uint8_t *buf, size_t *len, enum sync_rec_type type,
		   uint64_t clock_ms, uint64_t applied);

/*
 * Decode the record at *@off of a frame of @len bytes and advance *@off.
 * Returns 1 with @rec filled, 0 at the end of the frame, -EBADMSG for a
 * malformed record (unknown types, wrong lengths, bad families, VNI 0,
 * LamportID 0, a name with control characters).
 */
int sync_get_rec(const uint8_t *buf, size_t len, size_t *off,
		 struct sync_rec *rec);

#endif /* RELAYD_SYNC_PROTO_H */
