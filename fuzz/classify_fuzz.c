// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: prelay_classify() (include/peer_relay/classify.h), the
 * kernel fast path's first decision for every datagram on a relay port.
 *
 * Called exactly like kmod/rx.c does: the buffer holds only the first
 * min(len, PRELAY_CLASSIFY_HLEN) payload bytes (in a heap block of exactly
 * that size, so ASan catches any read past it) and @len is the full
 * payload length. The result is checked against the protocol rules and
 * against the independent userspace decoder prl_geneve_decode().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <peer_relay/classify.h>

#include "fuzz_common.h"
#include "geneve.h"

static const uint8_t stun_cookie[4] = { 0x21, 0x12, 0xa4, 0x42 };

static void check(const uint8_t *data, size_t size, uint32_t len)
{
	size_t have = len < PRELAY_CLASSIFY_HLEN ? len : PRELAY_CLASSIFY_HLEN;
	struct prl_geneve_hdr h;
	uint32_t vni = 0xdeadbeef;
	enum prelay_class c;
	uint8_t *buf;

	FZ_CHECK(have <= size);
	buf = malloc(have ? have : 1);
	FZ_CHECK(buf);
	memcpy(buf, data, have);
	c = prelay_classify(buf, len, &vni);

	switch (c) {
	case PRELAY_CLASS_STUN:
		FZ_CHECK(len >= PRELAY_STUN_HLEN);
		FZ_CHECK((buf[0] & 0xc0) == 0 && buf[1] == 0x01);
		FZ_CHECK(!memcmp(buf + 4, stun_cookie, 4));
		FZ_CHECK(vni == 0xdeadbeef);
		break;
	case PRELAY_CLASS_SHORT:
		FZ_CHECK(len < PRELAY_GENEVE_HLEN);
		FZ_CHECK(vni == 0xdeadbeef);
		break;
	case PRELAY_CLASS_NOT_GENEVE:
		FZ_CHECK(len >= PRELAY_GENEVE_HLEN);
		FZ_CHECK(buf[0] & 0xc0);
		FZ_CHECK(vni == 0xdeadbeef);
		break;
	case PRELAY_CLASS_CONTROL:
	case PRELAY_CLASS_DATA:
		FZ_CHECK(len >= PRELAY_GENEVE_HLEN);
		FZ_CHECK((buf[0] & 0xc0) == 0);
		FZ_CHECK(vni <= 0xffffff);
		/* the userspace decoder must agree on VNI and O bit */
		FZ_CHECK(prl_geneve_decode(buf, have, &h) == 0);
		FZ_CHECK(h.version == 0);
		FZ_CHECK(h.vni == vni);
		FZ_CHECK(h.control == (c == PRELAY_CLASS_CONTROL));
		/* a STUN binding message is never taken for Geneve */
		FZ_CHECK(!(len >= PRELAY_STUN_HLEN && buf[1] == 0x01 &&
			   !memcmp(buf + 4, stun_cookie, 4)));
		break;
	default:
		FZ_CHECK(!"unknown class");
	}
	/* Anything of 8+ bytes is classified, never "short". */
	if (len >= PRELAY_GENEVE_HLEN)
		FZ_CHECK(c != PRELAY_CLASS_SHORT);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The datagram as it arrived. */
	check(data, size, (uint32_t)size);
	/*
	 * The same first bytes of a longer datagram (the kernel passes the
	 * first 20 bytes and the real length): lengths up to 65535.
	 */
	if (size >= PRELAY_CLASSIFY_HLEN + 2) {
		uint32_t extra = (uint32_t)data[size - 2] << 8 | data[size - 1];

		check(data, size, (uint32_t)size + extra);
	}
	return 0;
}
