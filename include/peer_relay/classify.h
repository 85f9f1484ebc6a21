/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Datagram classifier shared by the kernel fast path (kmod/rx.c), the
 * userspace forwarder in relayd and the fuzz harnesses. It is the single
 * statement of protocol §3 steps 1-2: what is STUN, what is too short,
 * what is not Geneve, what is a control packet and which VNI a packet
 * names. Header-only and free of allocation so it compiles everywhere.
 */
#ifndef _PEER_RELAY_CLASSIFY_H
#define _PEER_RELAY_CLASSIFY_H

#include <linux/types.h>

#define PRELAY_GENEVE_HLEN		8
#define PRELAY_STUN_HLEN		20	/* bytes the STUN test looks at */
#define PRELAY_CLASSIFY_HLEN	PRELAY_STUN_HLEN	/* enough to classify */

#define PRELAY_GENEVE_PROTO_DISCO	0x7A11
#define PRELAY_GENEVE_PROTO_WG	0x7A12

enum prelay_class {
	PRELAY_CLASS_SHORT,		/* < 8 bytes and not STUN: drop */
	PRELAY_CLASS_STUN,		/* STUN binding message: userspace */
	PRELAY_CLASS_NOT_GENEVE,	/* version bits set (plain disco, ...): userspace */
	PRELAY_CLASS_CONTROL,	/* Geneve, O bit set: userspace if VNI known */
	PRELAY_CLASS_DATA,		/* Geneve, O bit clear: forward if bound */
};

/**
 * prelay_classify() - classify the start of a relay-port datagram
 * @buf: first min(@len, PRELAY_CLASSIFY_HLEN) bytes of the UDP payload
 * @len: full UDP payload length
 * @vni: set to the 24-bit VNI for PRELAY_CLASS_CONTROL and PRELAY_CLASS_DATA
 *
 * Return: the class of the datagram.
 */
static inline enum prelay_class prelay_classify(const __u8 *buf, __u32 len, __u32 *vni)
{
	/* STUN: 20+ bytes, top bits 0, binding class byte 1 = 0x01, cookie. */
	if (len >= PRELAY_STUN_HLEN && (buf[0] & 0xc0) == 0 && buf[1] == 0x01 &&
	    buf[4] == 0x21 && buf[5] == 0x12 && buf[6] == 0xa4 && buf[7] == 0x42)
		return PRELAY_CLASS_STUN;
	if (len < PRELAY_GENEVE_HLEN)
		return PRELAY_CLASS_SHORT;
	if (buf[0] & 0xc0)
		return PRELAY_CLASS_NOT_GENEVE;
	*vni = ((__u32)buf[4] << 16) | ((__u32)buf[5] << 8) | buf[6];
	return (buf[1] & 0x80) ? PRELAY_CLASS_CONTROL : PRELAY_CLASS_DATA;
}

#endif /* _PEER_RELAY_CLASSIFY_H */
