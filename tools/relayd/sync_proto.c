// SPDX-License-Identifier: GPL-2.0-only
/* Session replication wire format (see sync_proto.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "sync_proto.h"
#include "tables.h"

#define SYNC_REC_HDR	3	/* type, u16 length */
#define EP_BOUND	0x01
#define EP_LOCAL	0x02

/* @width bytes of @v, most significant first, and back. */
static void put_be(uint8_t *p, uint64_t v, unsigned int width)
{
	while (width--) {
		p[width] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, unsigned int width)
{
	uint64_t v = 0;

	while (width--)
		v = v << 8 | *p++;
	return v;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	put_be(p, v, 2);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be(p, v, 4);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be(p, v, 8);
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)get_be(p, 2);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)get_be(p, 4);
}

static uint64_t get_be64(const uint8_t *p)
{
	return get_be(p, 8);
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

/*
 * The records that are a few big-endian integers: each one's fields of
 * struct sync_rec in wire order, with their width on the wire.
 */
struct int_field {
	uint16_t off;
	uint8_t size;		/* in struct sync_rec */
	uint8_t width;		/* on the wire */
};

#define INT_FIELD(field, width) \
	{ offsetof(struct sync_rec, field), \
	  sizeof(((struct sync_rec *)0)->field), width }

static const struct int_rec {
	uint8_t n;
	struct int_field f[3];
} int_recs[] = {
	[SYNC_REC_DEL] = { 3, { INT_FIELD(sess.vni, 4),
				INT_FIELD(sess.lamport, 8),
				INT_FIELD(sess.del_reason, 1) } },
	[SYNC_REC_BEGIN] = { 1, { INT_FIELD(gen, 4) } },
	[SYNC_REC_END] = { 2, { INT_FIELD(gen, 4), INT_FIELD(count, 4) } },
	[SYNC_REC_MARK] = { 1, { INT_FIELD(clock_ms, 8) } },
	[SYNC_REC_ACK] = { 2, { INT_FIELD(clock_ms, 8),
				INT_FIELD(applied, 8) } },
};

/* The layout of @type if it is an integer record, else NULL. */
static const struct int_rec *int_rec_of(enum sync_rec_type type)
{
	if ((unsigned int)type >= PRL_ARRAY_SIZE(int_recs) ||
	    !int_recs[type].n)
		return NULL;
	return &int_recs[type];
}

static size_t int_rec_len(const struct int_rec *ir)
{
	size_t i, len = 0;

	for (i = 0; i < ir->n; i++)
		len += ir->f[i].width;
	return len;
}

/* A uint32_t or uint64_t field (@size) of struct sync_rec. */
static uint64_t load_uint(const void *field, size_t size)
{
	uint32_t v32;
	uint64_t v64;

	if (size == sizeof(v32)) {
		memcpy(&v32, field, sizeof(v32));
		return v32;
	}
	memcpy(&v64, field, sizeof(v64));
	return v64;
}

static void store_uint(void *field, size_t size, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;

	memcpy(field, size == sizeof(v32) ? (void *)&v32 : (void *)&v, size);
}

/* Append @rec, an integer record. */
static int put_ints(uint8_t *buf, size_t *len, const struct sync_rec *rec)
{
	const struct int_rec *ir = int_rec_of(rec->type);
	uint8_t *p;
	size_t i;

	if (!ir)
		return -EINVAL;
	p = rec_start(buf, len, rec->type, int_rec_len(ir));
	if (!p)
		return -ENOSPC;
	for (i = 0; i < ir->n; i++) {
		const struct int_field *f = &ir->f[i];

		put_be(p, load_uint((const uint8_t *)rec + f->off, f->size),
		       f->width);
		p += f->width;
	}
	return 0;
}

int sync_put_del(uint8_t *buf, size_t *len, uint32_t vni, uint64_t lamport,
		 uint8_t reason)
{
	struct sync_rec r = { .type = SYNC_REC_DEL };

	r.sess.vni = vni;
	r.sess.lamport = lamport;
	r.sess.del_reason = reason;
	return put_ints(buf, len, &r);
}

int sync_put_gen(uint8_t *buf, size_t *len, enum sync_rec_type type,
		 uint32_t gen, uint32_t count)
{
	struct sync_rec r = { .type = type, .gen = gen, .count = count };

	return put_ints(buf, len, &r);
}

int sync_put_clock(uint8_t *buf, size_t *len, enum sync_rec_type type,
		   uint64_t clock_ms, uint64_t applied)
{
	struct sync_rec r = { .type = type, .clock_ms = clock_ms,
			      .applied = applied };

	return put_ints(buf, len, &r);
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

/* The integer record of type rec->type from @body bytes at @p. */
static int get_ints(const uint8_t *p, size_t body, struct sync_rec *rec)
{
	const struct int_rec *ir = int_rec_of(rec->type);
	size_t i;

	if (!ir || body != int_rec_len(ir))
		return -EBADMSG;
	for (i = 0; i < ir->n; i++) {
		const struct int_field *f = &ir->f[i];

		store_uint((uint8_t *)rec + f->off, f->size,
			   get_be(p, f->width));
		p += f->width;
	}
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
		if (get_ints(p, body, rec))
			return -EBADMSG;
		break;
	case SYNC_REC_BEGIN:
	case SYNC_REC_END:
	case SYNC_REC_MARK:
	case SYNC_REC_ACK:
		return get_ints(p, body, rec) ?: 1;
	default:
		return -EBADMSG;
	}
	/* SESSION and DEL name a session: VNI and LamportID are never 0. */
	if (!rec->sess.vni || rec->sess.vni > PEER_RELAY_VNI_MAX ||
	    !rec->sess.lamport)
		return -EBADMSG;
	return 1;
}
