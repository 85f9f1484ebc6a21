// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the Geneve header codec of tools/lib/geneve.c
 * (prl_geneve_decode, prl_geneve_encode, prl_geneve_client_accepts).
 *
 * Invariants: decode fails exactly for < 8 bytes; encode(decode(x))
 * reproduces x whenever x is canonical (version/opt-len 0, only the O
 * bit in byte 1, byte 7 zero); encode always writes a canonical header
 * that decodes to what was encoded, with the VNI truncated to 24 bits;
 * the client demux accepts only canonical Disco/WireGuard headers (and
 * Disco only when the disco magic follows).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "geneve.h"

static const uint8_t magic[6] = { 0x54, 0x53, 0xf0, 0x9f, 0x92, 0xac };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prl_geneve_hdr h, h2;
	uint8_t *buf, out[PRELAY_GENEVE_HLEN];
	bool canonical, accepts;
	uint32_t vni = 0;

	/* exact-size copy: reads past the end are caught */
	buf = malloc(size ? size : 1);
	FZ_CHECK(buf);
	memcpy(buf, data, size);

	memset(&h, 0xa5, sizeof(h));
	if (prl_geneve_decode(buf, size, &h) != 0) {
		FZ_CHECK(size < PRELAY_GENEVE_HLEN);
		FZ_CHECK(!prl_geneve_client_accepts(buf, size));
		free(buf);
		return 0;
	}
	FZ_CHECK(size >= PRELAY_GENEVE_HLEN);
	FZ_CHECK(h.version == buf[0] >> 6);
	FZ_CHECK(h.vni <= PRL_GENEVE_VNI_MASK && h.vni_set);
	FZ_CHECK(h.proto == (uint16_t)(buf[2] << 8 | buf[3]));

	/* re-encode */
	FZ_CHECK(prl_geneve_encode(out, sizeof(out), &h) == PRELAY_GENEVE_HLEN);
	FZ_CHECK(out[0] == 0 && (out[1] & 0x7f) == 0 && out[7] == 0);
	FZ_CHECK(!memcmp(out + 2, buf + 2, 5));
	canonical = buf[0] == 0 && (buf[1] & 0x7f) == 0 && buf[7] == 0;
	if (canonical)
		FZ_CHECK(!memcmp(out, buf, PRELAY_GENEVE_HLEN));
	FZ_CHECK(prl_geneve_encode(out, PRELAY_GENEVE_HLEN - 1, &h) == -1);

	/* client demux (§1.3) */
	accepts = prl_geneve_client_accepts(buf, size);
	if (accepts) {
		FZ_CHECK((buf[0] & 0xc0) == 0 && (buf[1] & 0x3f) == 0 && !buf[7]);
		FZ_CHECK(h.proto == PRELAY_GENEVE_PROTO_WG ||
			 h.proto == PRELAY_GENEVE_PROTO_DISCO);
		if (h.proto == PRELAY_GENEVE_PROTO_DISCO)
			FZ_CHECK(size >= PRELAY_GENEVE_HLEN + PRL_DISCO_HDR_LEN &&
				 !memcmp(buf + 8, magic, sizeof(magic)));
	} else if ((buf[0] & 0xc0) == 0 && (buf[1] & 0x3f) == 0 && !buf[7] &&
		   h.proto == PRELAY_GENEVE_PROTO_WG) {
		FZ_CHECK(!"canonical WireGuard header rejected");
	}

	/* classify.h and geneve.c agree on version-0 headers */
	if (!(buf[0] & 0xc0) && !(size >= 20 && buf[1] == 0x01 &&
				 buf[4] == 0x21 && buf[5] == 0x12 &&
				 buf[6] == 0xa4 && buf[7] == 0x42)) {
		enum prelay_class c = prelay_classify(buf, (uint32_t)size, &vni);

		FZ_CHECK(c == (h.control ? PRELAY_CLASS_CONTROL : PRELAY_CLASS_DATA));
		FZ_CHECK(vni == h.vni);
	}

	/* encode arbitrary field values taken from the input */
	memset(&h2, 0, sizeof(h2));
	h2.control = buf[1] & 1;
	h2.proto = (uint16_t)(buf[2] << 8 | buf[3]);
	FZ_CHECK(prl_geneve_encode(out, sizeof(out), &h2) == -1); /* no VNI */
	prl_geneve_set_vni(&h2, (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
			       (uint32_t)buf[6] << 8 | buf[7]);
	FZ_CHECK(prl_geneve_encode(out, sizeof(out), &h2) == PRELAY_GENEVE_HLEN);
	FZ_CHECK(prl_geneve_decode(out, sizeof(out), &h) == 0);
	FZ_CHECK(h.control == h2.control && h.proto == h2.proto &&
		 h.vni == h2.vni && h.version == 0);
	free(buf);
	return 0;
}
