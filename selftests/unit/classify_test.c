// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of include/peer_relay/classify.h: the datagram classes of
 * protocol §3 steps 1-2 and the VNI extraction, including the length
 * boundaries around the Geneve header (8) and the STUN header (20).
 */
#include <string.h>

#include "kselftest_harness.h"
#include <peer_relay/classify.h>

#define NO_VNI 0xdeadbeefu

/* Classify @len bytes of @buf, the caller's VNI starting as NO_VNI. */
static enum prelay_class classify(const __u8 *buf, __u32 len, __u32 *vni)
{
	*vni = NO_VNI;
	return prelay_classify(buf, len, vni);
}

/* A STUN binding request header: type 0x0001, length 0, magic cookie. */
static const __u8 stun_req[20] = {
	0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};

TEST(stun_binding_request)
{
	__u32 vni;

	EXPECT_EQ(PRELAY_CLASS_STUN, classify(stun_req, sizeof(stun_req), &vni));
	EXPECT_EQ(NO_VNI, vni);
}

TEST(stun_binding_response_with_attributes)
{
	__u8 buf[32] = { 0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42 };
	__u32 vni;

	/* Longer datagrams with the same header are STUN as well. */
	EXPECT_EQ(PRELAY_CLASS_STUN, classify(buf, sizeof(buf), &vni));
}

TEST(stun_needs_20_bytes)
{
	__u32 vni;

	/* 19 bytes: not STUN; byte 0 top bits are 0, so it is Geneve data. */
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(stun_req, 19, &vni));
	/* Geneve parse of the STUN bytes: VNI = 0x2112a4. */
	EXPECT_EQ(0x2112a4u, vni);
}

TEST(stun_needs_cookie_and_class_byte)
{
	__u8 buf[20];
	__u32 vni;

	memcpy(buf, stun_req, sizeof(buf));
	buf[7] = 0x43;		/* wrong cookie */
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));

	memcpy(buf, stun_req, sizeof(buf));
	buf[1] = 0x02;		/* byte 1 must be 0x01 */
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));

	memcpy(buf, stun_req, sizeof(buf));
	buf[0] = 0x40;		/* top bits set: not STUN, not Geneve */
	EXPECT_EQ(PRELAY_CLASS_NOT_GENEVE, classify(buf, sizeof(buf), &vni));
	EXPECT_EQ(NO_VNI, vni);
}

TEST(short_datagrams)
{
	static const __u8 hdr[8] = { 0x00, 0x00, 0x7a, 0x12, 0x00, 0x00, 0x01, 0x00 };
	__u32 len, vni;

	for (len = 0; len < PRELAY_GENEVE_HLEN; len++) {
		EXPECT_EQ(PRELAY_CLASS_SHORT, classify(hdr, len, &vni))
			TH_LOG("length %u", len);
		EXPECT_EQ(NO_VNI, vni);
	}
	/* A not-Geneve first byte does not rescue a short datagram. */
	EXPECT_EQ(PRELAY_CLASS_SHORT, classify((const __u8 *)"TS", 2, &vni));
}

TEST(length_boundaries)
{
	__u8 buf[20] = { 0x00, 0x00, 0x7a, 0x12, 0x12, 0x34, 0x56, 0x00 };
	__u32 vni;

	EXPECT_EQ(PRELAY_CLASS_SHORT, classify(buf, 0, &vni));
	EXPECT_EQ(PRELAY_CLASS_SHORT, classify(buf, 7, &vni));
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, 8, &vni));
	EXPECT_EQ(0x123456u, vni);
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, 19, &vni));
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, 20, &vni));
	EXPECT_EQ(0x123456u, vni);
}

TEST(wireguard_data_vni1)
{
	/* Known-answer header (protocol §1.1): WireGuard data, VNI 1. */
	static const __u8 buf[] = { 0x00, 0x00, 0x7a, 0x12, 0x00, 0x00, 0x01, 0x00,
				    0x04, 0x00, 0x00, 0x00 };
	__u32 vni;

	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));
	EXPECT_EQ(1u, vni);
}

TEST(disco_data_vni_1c8)
{
	/* Known-answer header: client-to-client disco ping, VNI 0x0001c8. */
	static const __u8 buf[] = { 0x00, 0x00, 0x7a, 0x11, 0x00, 0x01, 0xc8, 0x00,
				    'T', 'S', 0xf0, 0x9f, 0x92, 0xac };
	__u32 vni;

	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));
	EXPECT_EQ(0x1c8u, vni);
}

TEST(control_handshake_vni1)
{
	/* Known-answer header: handshake control packet, VNI 1. */
	static const __u8 buf[] = { 0x00, 0x80, 0x7a, 0x11, 0x00, 0x00, 0x01, 0x00 };
	__u32 vni;

	EXPECT_EQ(PRELAY_CLASS_CONTROL, classify(buf, sizeof(buf), &vni));
	EXPECT_EQ(1u, vni);
}

TEST(control_bit_only_decides)
{
	/* O bit with the WireGuard protocol and the C bit: still control. */
	__u8 buf[8] = { 0x00, 0xc0, 0x7a, 0x12, 0xff, 0xff, 0xff, 0x00 };
	__u32 vni;

	EXPECT_EQ(PRELAY_CLASS_CONTROL, classify(buf, sizeof(buf), &vni));
	EXPECT_EQ(0xffffffu, vni);
	/* C bit alone is not control. */
	buf[1] = 0x40;
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));
}

TEST(vni_extraction)
{
	__u8 buf[8] = { 0x00, 0x00, 0x7a, 0x12, 0x00, 0x00, 0x00, 0xff };
	static const __u32 vnis[] = { 0, 1, 0xff, 0x100, 0xabcdef, 0xffffff };
	__u32 vni;
	size_t i;

	for (i = 0; i < sizeof(vnis) / sizeof(vnis[0]); i++) {
		buf[4] = vnis[i] >> 16;
		buf[5] = vnis[i] >> 8;
		buf[6] = vnis[i];
		EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));
		/* Byte 7 (reserved) must not leak into the VNI. */
		EXPECT_EQ(vnis[i], vni);
	}
}

TEST(not_geneve)
{
	/* Plain disco starts with the magic "TS" (0x54): version bits 01. */
	static const __u8 disco[] = { 'T', 'S', 0xf0, 0x9f, 0x92, 0xac, 0, 0 };
	__u8 buf[8] = { 0x00, 0x00, 0x7a, 0x12, 0x00, 0x00, 0x01, 0x00 };
	__u32 vni;
	int v;

	EXPECT_EQ(PRELAY_CLASS_NOT_GENEVE, classify(disco, sizeof(disco), &vni));
	EXPECT_EQ(NO_VNI, vni);
	for (v = 1; v <= 3; v++) {
		buf[0] = v << 6;
		EXPECT_EQ(PRELAY_CLASS_NOT_GENEVE, classify(buf, sizeof(buf), &vni))
			TH_LOG("version %d", v);
	}
	/* Opt-len bits alone keep it Geneve. */
	buf[0] = 0x3f;
	EXPECT_EQ(PRELAY_CLASS_DATA, classify(buf, sizeof(buf), &vni));
}

TEST_HARNESS_MAIN
