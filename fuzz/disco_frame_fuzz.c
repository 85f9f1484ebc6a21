// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: disco framing (tools/lib/disco.c): magic/sender
 * detection, NaCl box open, open + parse, and seal/open round trips.
 *
 * The input is used twice:
 *  1. as a received frame, opened with client 0's shared key (seeds in
 *     the corpus are real frames sealed with the fixed test keys, so the
 *     authenticated path is covered too);
 *  2. as a plaintext (at most PRL_DISCO_MAX_PLAIN bytes) that is sealed
 *     with a fixed nonce, opened again (must give the same bytes) and,
 *     with one bit flipped at an input-chosen position, must not open.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disco.h"
#include "fuzz_common.h"

static struct fz_keys keys;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_keys_init(&keys);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t plain[PRL_DISCO_MAX_PLAIN], plain2[PRL_DISCO_MAX_PLAIN];
	static uint8_t frame[PRL_DISCO_OVERHEAD + PRL_DISCO_MAX_PLAIN];
	static struct prl_disco_msg m, m2;
	uint8_t nonce[PRL_DISCO_NONCE_LEN];
	const uint8_t *sender;
	uint8_t *buf;
	ssize_t n, f;
	size_t plen;

	buf = malloc(size ? size : 1);
	FZ_CHECK(buf);
	memcpy(buf, data, size);

	/* 1. as a received frame */
	sender = prl_disco_sender(buf, size);
	FZ_CHECK(prl_disco_has_magic(buf, size) == (sender != NULL));
	if (sender)
		FZ_CHECK(sender == buf + PRL_DISCO_MAGIC_LEN &&
			 size >= PRL_DISCO_HDR_LEN);
	n = prl_disco_open(buf, size, keys.shared[0], plain, sizeof(plain));
	if (n >= 0) {
		FZ_CHECK(sender && size >= PRL_DISCO_OVERHEAD);
		FZ_CHECK((size_t)n == size - PRL_DISCO_OVERHEAD);
		/* authentic: exactly what libsodium says */
		FZ_CHECK(crypto_box_open_easy_afternm(plain2, buf + PRL_DISCO_HDR_LEN,
						      size - PRL_DISCO_HDR_LEN,
						      buf + PRL_DISCO_MAGIC_LEN + PRL_KEY_LEN,
						      keys.shared[0]) == 0);
		FZ_CHECK(!memcmp(plain, plain2, (size_t)n));
		if (prl_disco_open_msg(buf, size, keys.shared[0], &m) == 0) {
			FZ_CHECK(prl_disco_parse(plain, (size_t)n, &m2) == 0);
			FZ_CHECK(!memcmp(&m, &m2, sizeof(m)));
		}
	} else {
		FZ_CHECK(prl_disco_open_msg(buf, size, keys.shared[0], &m) == -1);
	}
	/* a too small output buffer is refused */
	if (size > PRL_DISCO_OVERHEAD)
		FZ_CHECK(prl_disco_open(buf, size, keys.shared[0], plain,
				       size - PRL_DISCO_OVERHEAD - 1) == -1);

	/* 2. as a plaintext: seal, open, tamper */
	plen = size < PRL_DISCO_MAX_PLAIN ? size : PRL_DISCO_MAX_PLAIN;
	fz_nonce(nonce, (uint32_t)size);
	f = prl_disco_seal_nonce(frame, sizeof(frame), keys.client_pub[1],
				keys.shared[1], nonce, buf, plen);
	FZ_CHECK(f == (ssize_t)(PRL_DISCO_OVERHEAD + plen));
	FZ_CHECK(prl_disco_seal_nonce(frame, (size_t)f - 1, keys.client_pub[1],
				     keys.shared[1], nonce, buf, plen) == -1);
	FZ_CHECK(prl_disco_sender(frame, (size_t)f) == frame + PRL_DISCO_MAGIC_LEN);
	FZ_CHECK(!memcmp(frame + PRL_DISCO_MAGIC_LEN, keys.client_pub[1], PRL_KEY_LEN));
	n = prl_disco_open(frame, (size_t)f, keys.shared[1], plain, sizeof(plain));
	FZ_CHECK(n == (ssize_t)plen && !memcmp(plain, buf, plen));
	/* the wrong key does not open it */
	FZ_CHECK(prl_disco_open(frame, (size_t)f, keys.shared[0], plain,
			       sizeof(plain)) == -1);
	if (size >= 2) {
		/* flip one bit of nonce, tag or ciphertext */
		size_t span = (size_t)f - PRL_DISCO_MAGIC_LEN - PRL_KEY_LEN;
		size_t pos = ((size_t)buf[0] << 8 | buf[1]) % (span * 8);

		frame[PRL_DISCO_MAGIC_LEN + PRL_KEY_LEN + pos / 8] ^= (uint8_t)(1u << (pos % 8));
		FZ_CHECK(prl_disco_open(frame, (size_t)f, keys.shared[1], plain,
				       sizeof(plain)) == -1);
	}
	/* truncated frames never open */
	if (f > PRL_DISCO_OVERHEAD)
		FZ_CHECK(prl_disco_open(frame, (size_t)f - 1, keys.shared[1], plain,
				       sizeof(plain)) == -1);
	free(buf);
	return 0;
}
