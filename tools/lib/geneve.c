// SPDX-License-Identifier: GPL-2.0-only
/* Geneve header encode/decode for the relay protocol (protocol §1). */
#include "geneve.h"
#include "disco.h"

int prl_geneve_encode(uint8_t *buf, size_t len, const struct prl_geneve_hdr *h)
{
	uint32_t vni;

	if (len < PRELAY_GENEVE_HLEN || !h->vni_set)
		return -1;
	vni = h->vni & PRL_GENEVE_VNI_MASK;
	buf[0] = 0;			/* version 0, opt len 0 */
	buf[1] = h->control ? 0x80 : 0;	/* O bit; C and reserved 0 */
	buf[2] = h->proto >> 8;
	buf[3] = h->proto & 0xff;
	buf[4] = vni >> 16;
	buf[5] = (vni >> 8) & 0xff;
	buf[6] = vni & 0xff;
	buf[7] = 0;
	return PRELAY_GENEVE_HLEN;
}

int prl_geneve_decode(const uint8_t *buf, size_t len, struct prl_geneve_hdr *h)
{
	if (len < PRELAY_GENEVE_HLEN)
		return -1;
	h->version = buf[0] >> 6;
	h->control = buf[1] & 0x80;
	h->proto = (uint16_t)(buf[2] << 8 | buf[3]);
	h->vni = (uint32_t)buf[4] << 16 | (uint32_t)buf[5] << 8 | buf[6];
	h->vni_set = true;
	return 0;
}

bool prl_geneve_client_accepts(const uint8_t *buf, size_t len)
{
	uint16_t proto;

	if (len < PRELAY_GENEVE_HLEN)
		return false;
	if ((buf[0] & 0xc0) || (buf[1] & 0x3f) || buf[7])
		return false;
	proto = (uint16_t)(buf[2] << 8 | buf[3]);
	if (proto == PRELAY_GENEVE_PROTO_WG)
		return true;
	if (proto != PRELAY_GENEVE_PROTO_DISCO)
		return false;
	return prl_disco_has_magic(buf + PRELAY_GENEVE_HLEN, len - PRELAY_GENEVE_HLEN);
}
