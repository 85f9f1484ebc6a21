// SPDX-License-Identifier: GPL-2.0-only
/* Session replication wire format (see sync_proto.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sync_proto.h"

#define SYNC_REC_HDR	3	/* type, u16 length */
#define EP_BOUND	0x01
#define EP_LOCAL	0x02

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

void sync_hello_put(uint8_t out[SYNC_HELLO_LEN],
		    const uint8_t nonce[SYNC_NONCE_LEN])
{
	memcpy(out, SYNC_MAGIC, 4);
	out[4] = SYNC_VERSION;
	out[5] = out[6] = out[7] = 0;
	memcpy(out + 8, nonce, SYNC_NONCE_LEN);
}

int sync_hello_get(const uint8_t in[SYNC_HELLO_LEN],
		   uint8_t nonce[SYNC_NONCE_LEN])
{
	if (memcmp(in, SYNC_MAGIC, 4))
		return -EPROTO;
	if (in[4] != SYNC_VERSION)
		return -EPROTONOSUPPORT;
	memcpy(nonce, in + 8, SYNC_NONCE_LEN);
	return 0;
}

int sync_dir_key(uint8_t out[crypto_secretstream_xchacha20poly1305_KEYBYTES],
		 const uint8_t key[SYNC_KEY_LEN], const char *label,
		 const uint8_t nonce_i[SYNC_NONCE_LEN],
		 const uint8_t nonce_r[SYNC_NONCE_LEN])
{
	static const char ctx[] = "peer_relay sync v1 ";
	crypto_generichash_state st;

	if (crypto_generichash_init(&st, key, SYNC_KEY_LEN,
				    crypto_secretstream_xchacha20poly1305_KEYBYTES) ||
	    crypto_generichash_update(&st, (const uint8_t *)ctx, sizeof(ctx) - 1) ||
	    crypto_generichash_update(&st, (const uint8_t *)label, strlen(label)) ||
	    crypto_generichash_update(&st, nonce_i, SYNC_NONCE_LEN) ||
	    crypto_generichash_update(&st, nonce_r, SYNC_NONCE_LEN) ||
	    crypto_generichash_final(&st, out,
				     crypto_secretstream_xchacha20poly1305_KEYBYTES))
		return -EINVAL;
	sodium_memzero(&st, sizeof(st));
	return 0;
}

void sync_key_from_relay_key(uint8_t out[SYNC_KEY_LEN],
			     const uint8_t relay_priv[32])
{
	static const char label[] = "peer_relay sync key from the relay key v1";

	crypto_generichash(out, SYNC_KEY_LEN, (const uint8_t *)label,
			   sizeof(label) - 1, relay_priv, 32);
}

/* Room for a record of @body bytes: pointer to its body, or NULL. */
static uint8_t *rec_start(uint8_t *buf, size_t *len, enum sync_rec_type type,
			  size_t body)
{
	uint8_t *p;

	if (*len + SYNC_REC_HDR + body > SYNC_FRAME_MAX)
		return NULL;
	p = buf + *len;
	p[0] = (uint8_t)type;
	put_be16(p + 1, (uint16_t)body);
	*len += SYNC_REC_HDR + body;
	return p + SYNC_REC_HDR;
}

int sync_put_auth(uint8_t *buf, size_t *len, const char *name)
{
	size_t n = strnlen(name, SYNC_NAME_MAX);
	uint8_t *p = rec_start(buf, len, SYNC_REC_AUTH, n);

	if (!p)
		return -ENOSPC;
	memcpy(p, name, n);
	return 0;
}

static void put_ep(uint8_t *p, const struct prl_ep_info *ep)
{
	int fam = ep->remote.addr.family;

	memset(p, 0, 44);
	if (fam != AF_INET && fam != AF_INET6)
		return;
	p[0] = EP_BOUND;
	if (ep->local.family == fam)
		p[0] |= EP_LOCAL;
	p[1] = fam == AF_INET ? 4 : 6;
	put_be16(p + 2, ep->remote.port);
	memcpy(p + 4, ep->remote.addr.u.raw, prl_addr_len(&ep->remote.addr));
	if (p[0] & EP_LOCAL)
		memcpy(p + 20, ep->local.u.raw, prl_addr_len(&ep->local));
	put_be64(p + 36, ep->idle_ms);
}

int sync_put_session(uint8_t *buf, size_t *len, const struct prl_session *s)
{
	uint8_t *p = rec_start(buf, len, SYNC_REC_SESSION, SYNC_SESSION_LEN);

	if (!p)
		return -ENOSPC;
	put_be32(p, s->vni);
	put_be64(p + 4, s->lamport);
	put_be64(p + 12, s->age_ms);
	memcpy(p + 20, s->key0, PEER_RELAY_KEY_LEN);
	memcpy(p + 52, s->key1, PEER_RELAY_KEY_LEN);
	put_ep(p + 84, &s->ep[0]);
	put_ep(p + 128, &s->ep[1]);
	return 0;
}

int sync_put_del(uint8_t *buf, size_t *len, uint32_t vni, uint64_t lamport,
		 uint8_t reason)
{
	uint8_t *p = rec_start(buf, len, SYNC_REC_DEL, SYNC_DEL_LEN);

	if (!p)
		return -ENOSPC;
	put_be32(p, vni);
	put_be64(p + 4, lamport);
	p[12] = reason;
	return 0;
}

int sync_put_gen(uint8_t *buf, size_t *len, enum sync_rec_type type,
		 uint32_t gen, uint32_t count)
{
	size_t body = type == SYNC_REC_END ? SYNC_END_LEN : SYNC_GEN_LEN;
	uint8_t *p = rec_start(buf, len, type, body);

	if (!p)
		return -ENOSPC;
	put_be32(p, gen);
	if (type == SYNC_REC_END)
		put_be32(p + 4, count);
	return 0;
}

int sync_put_clock(uint8_t *buf, size_t *len, enum sync_rec_type type,
		   uint64_t clock_ms, uint64_t applied)
{
	size_t body = type == SYNC_REC_ACK ? SYNC_ACK_LEN : SYNC_MARK_LEN;
	uint8_t *p = rec_start(buf, len, type, body);

	if (!p)
		return -ENOSPC;
	put_be64(p, clock_ms);
	if (type == SYNC_REC_ACK)
		put_be64(p + 8, applied);
	return 0;
}

static int get_ep(const uint8_t *p, struct prl_ep_info *ep)
{
	size_t alen;

	memset(ep, 0, sizeof(*ep));
	if (p[0] & ~(EP_BOUND | EP_LOCAL))
		return -EBADMSG;
	if (!(p[0] & EP_BOUND))
		return p[0] || p[1] ? -EBADMSG : 0;
	if (p[1] != 4 && p[1] != 6)
		return -EBADMSG;
	alen = p[1] == 4 ? 4 : 16;
	ep->remote.port = get_be16(p + 2);
	if (!ep->remote.port)
		return -EBADMSG;
	prl_addr_from_raw(&ep->remote.addr, p + 4, alen);
	if (p[0] & EP_LOCAL)
		prl_addr_from_raw(&ep->local, p + 20, alen);
	ep->idle_ms = get_be64(p + 36);
	return 0;
}

static int get_name(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	if (!n || n > SYNC_NAME_MAX)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return -EBADMSG;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int sync_get_rec(const uint8_t *buf, size_t len, size_t *off,
		 struct sync_rec *rec)
{
	const uint8_t *p;
	size_t body;

	if (*off == len)
		return 0;
	if (len - *off < SYNC_REC_HDR)
		return -EBADMSG;
	p = buf + *off;
	body = get_be16(p + 1);
	if (len - *off - SYNC_REC_HDR < body)
		return -EBADMSG;
	memset(rec, 0, sizeof(*rec));
	rec->type = p[0];
	p += SYNC_REC_HDR;
	*off += SYNC_REC_HDR + body;

	switch (rec->type) {
	case SYNC_REC_AUTH:
		return get_name(p, body, rec->name) ?: 1;
	case SYNC_REC_SESSION:
		if (body != SYNC_SESSION_LEN)
			return -EBADMSG;
		rec->sess.vni = get_be32(p);
		rec->sess.lamport = get_be64(p + 4);
		rec->sess.age_ms = get_be64(p + 12);
		memcpy(rec->sess.key0, p + 20, PEER_RELAY_KEY_LEN);
		memcpy(rec->sess.key1, p + 52, PEER_RELAY_KEY_LEN);
		if (get_ep(p + 84, &rec->sess.ep[0]) ||
		    get_ep(p + 128, &rec->sess.ep[1]))
			return -EBADMSG;
		break;
	case SYNC_REC_DEL:
		if (body != SYNC_DEL_LEN)
			return -EBADMSG;
		rec->sess.vni = get_be32(p);
		rec->sess.lamport = get_be64(p + 4);
		rec->sess.del_reason = p[12];
		break;
	case SYNC_REC_BEGIN:
	case SYNC_REC_END:
		if (body != (rec->type == SYNC_REC_END ? SYNC_END_LEN : SYNC_GEN_LEN))
			return -EBADMSG;
		rec->gen = get_be32(p);
		if (rec->type == SYNC_REC_END)
			rec->count = get_be32(p + 4);
		return 1;
	case SYNC_REC_MARK:
	case SYNC_REC_ACK:
		if (body != (rec->type == SYNC_REC_ACK ? SYNC_ACK_LEN : SYNC_MARK_LEN))
			return -EBADMSG;
		rec->clock_ms = get_be64(p);
		if (rec->type == SYNC_REC_ACK)
			rec->applied = get_be64(p + 8);
		return 1;
	default:
		return -EBADMSG;
	}
	/* SESSION and DEL name a session: VNI and LamportID are never 0. */
	if (!rec->sess.vni || rec->sess.vni > PEER_RELAY_VNI_MAX ||
	    !rec->sess.lamport)
		return -EBADMSG;
	return 1;
}
