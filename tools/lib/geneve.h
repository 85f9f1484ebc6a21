/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 8-byte Geneve header of the relay protocol (protocol §1).
 *
 * Classification of relay-port datagrams (STUN / short / not Geneve /
 * control / data) lives in include/peer_relay/classify.h; this file only
 * encodes and decodes the header fields and states the client-side demux
 * rule of §1.3.
 */
#ifndef PRL_GENEVE_H
#define PRL_GENEVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <peer_relay/classify.h>

#define PRL_GENEVE_VNI_MASK	0xffffffu

struct prl_geneve_hdr {
	uint8_t version;	/* decoded; the encoder always writes 0 */
	bool control;		/* O bit */
	uint16_t proto;		/* PRELAY_GENEVE_PROTO_DISCO / _WG */
	uint32_t vni;		/* 24-bit; set with prl_geneve_set_vni() */
	bool vni_set;		/* encoding fails while this is false */
};

/*
 * Set the VNI: values wider than 24 bits are truncated to the low 24 bits
 * (as the reference encoder does) and the header is marked as having one.
 */
static inline void prl_geneve_set_vni(struct prl_geneve_hdr *h, uint32_t vni)
{
	h->vni = vni & PRL_GENEVE_VNI_MASK;
	h->vni_set = true;
}

/*
 * prl_geneve_encode() - write the 8-byte header to @buf.
 * Version, opt-len, the C bit and both reserved fields are always written
 * as 0 (§1.3: clients misclassify anything else), whatever h->version says.
 * Return: PRELAY_GENEVE_HLEN, or -1 if @len < 8 or the VNI was never set.
 */
int prl_geneve_encode(uint8_t *buf, size_t len, const struct prl_geneve_hdr *h);

/*
 * prl_geneve_decode() - read the fields the relay uses from @buf.
 * Like the reference decoder this does not validate version, opt-len,
 * C bit or reserved fields; it fails only if @len < 8.
 * Return: 0 on success, -1 if too short.
 */
int prl_geneve_decode(const uint8_t *buf, size_t len, struct prl_geneve_hdr *h);

/*
 * prl_geneve_client_accepts() - the client demux heuristic of §1.3: a
 * datagram is Geneve for a client only if it is >= 8 bytes, version and
 * byte-1 reserved bits are 0, byte 7 is 0 and the protocol is Disco or
 * WireGuard; Disco must be followed by the disco magic.
 */
bool prl_geneve_client_accepts(const uint8_t *buf, size_t len);

#endif /* PRL_GENEVE_H */
