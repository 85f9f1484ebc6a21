/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the libFuzzer harnesses and the seed corpus generator: fixed
 * test keys (so sealed seeds in fuzz/corpus/ open in the harnesses), a
 * fixed session, input cursor helpers and an invariant check that
 * aborts (libFuzzer then saves the input as a crash artifact).
 */
#ifndef PRL_FUZZ_COMMON_H
#define PRL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "disco.h"

/* The relay and the two clients of the fixed session. */
#define FZ_VNI		0xc0ffeeu
#define FZ_PORT_A	41641
#define FZ_PORT_B	41642

/* Abort with a message when an invariant does not hold. */
#define FZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

struct fz_keys {
	uint8_t server_priv[PRL_KEY_LEN], server_pub[PRL_KEY_LEN];
	uint8_t client_priv[2][PRL_KEY_LEN];	/* sorted by public key */
	uint8_t client_pub[2][PRL_KEY_LEN];
	uint8_t outsider_priv[PRL_KEY_LEN], outsider_pub[PRL_KEY_LEN];
	/* client i <-> server, the same value on both sides */
	uint8_t shared[2][PRL_KEY_LEN];
	uint8_t outsider_shared[PRL_KEY_LEN];	/* outsider <-> server */
};

/* Deterministic private key: bytes seed, seed+1, ... clamped. */
static inline void fz_priv(uint8_t priv[PRL_KEY_LEN], uint8_t seed)
{
	for (int i = 0; i < PRL_KEY_LEN; i++)
		priv[i] = (uint8_t)(seed + i * 7);
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
}

static inline void fz_keys_init(struct fz_keys *k)
{
	uint8_t p[2][PRL_KEY_LEN], q[2][PRL_KEY_LEN];
	int swap;

	if (sodium_init() < 0)
		abort();
	fz_priv(k->server_priv, 0x10);
	crypto_scalarmult_base(k->server_pub, k->server_priv);
	fz_priv(p[0], 0x20);
	fz_priv(p[1], 0x30);
	crypto_scalarmult_base(q[0], p[0]);
	crypto_scalarmult_base(q[1], p[1]);
	swap = memcmp(q[0], q[1], PRL_KEY_LEN) > 0;
	memcpy(k->client_priv[0], p[swap], PRL_KEY_LEN);
	memcpy(k->client_priv[1], p[!swap], PRL_KEY_LEN);
	memcpy(k->client_pub[0], q[swap], PRL_KEY_LEN);
	memcpy(k->client_pub[1], q[!swap], PRL_KEY_LEN);
	fz_priv(k->outsider_priv, 0x40);
	crypto_scalarmult_base(k->outsider_pub, k->outsider_priv);
	for (int i = 0; i < 2; i++)
		if (crypto_box_beforenm(k->shared[i], k->server_pub,
					k->client_priv[i]) != 0)
			abort();
	if (crypto_box_beforenm(k->outsider_shared, k->server_pub,
				k->outsider_priv) != 0)
		abort();
}

/* A fixed nonce derived from a counter (seeds are reproducible). */
static inline void fz_nonce(uint8_t nonce[PRL_DISCO_NONCE_LEN], uint32_t n)
{
	memset(nonce, 0, PRL_DISCO_NONCE_LEN);
	memcpy(nonce, &n, sizeof(n));
	nonce[23] = 0x5a;
}

/* Input cursor. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v;

	if (!in->n)
		return 0;
	v = *in->p++;
	in->n--;
	return v;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

/* Take up to @want bytes; returns how many were taken. */
static inline size_t fz_take(struct fz_in *in, size_t want, const uint8_t **out)
{
	size_t n = want < in->n ? want : in->n;

	*out = in->p;
	in->p += n;
	in->n -= n;
	return n;
}

#endif /* PRL_FUZZ_COMMON_H */
