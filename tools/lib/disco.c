// SPDX-License-Identifier: GPL-2.0-only
/* Disco framing, NaCl box sealing and message (un)marshalling (§2). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "disco.h"

static const uint8_t prl_disco_magic[PRL_DISCO_MAGIC_LEN] = {
	0x54, 0x53, 0xf0, 0x9f, 0x92, 0xac		/* "TS💬" */
};

/* ---- big-endian helpers ---- */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v & 0xffffffffu);
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* ---- framing ---- */

bool prl_disco_has_magic(const uint8_t *buf, size_t len)
{
	return len >= PRL_DISCO_HDR_LEN &&
	       memcmp(buf, prl_disco_magic, PRL_DISCO_MAGIC_LEN) == 0;
}

const uint8_t *prl_disco_sender(const uint8_t *buf, size_t len)
{
	if (!prl_disco_has_magic(buf, len))
		return NULL;
	return buf + PRL_DISCO_MAGIC_LEN;
}

int prl_disco_shared_key(uint8_t shared[PRL_KEY_LEN],
			const uint8_t peer_pub[PRL_KEY_LEN],
			const uint8_t own_priv[PRL_KEY_LEN])
{
	if (sodium_init() < 0)
		return -1;
	return crypto_box_beforenm(shared, peer_pub, own_priv) == 0 ? 0 : -1;
}

ssize_t prl_disco_seal_nonce(uint8_t *out, size_t cap,
			    const uint8_t sender_pub[PRL_KEY_LEN],
			    const uint8_t shared[PRL_KEY_LEN],
			    const uint8_t nonce[PRL_DISCO_NONCE_LEN],
			    const uint8_t *plain, size_t plen)
{
	size_t total = PRL_DISCO_OVERHEAD + plen;

	if (plen > SIZE_MAX - PRL_DISCO_OVERHEAD || cap < total)
		return -1;
	memcpy(out, prl_disco_magic, PRL_DISCO_MAGIC_LEN);
	memcpy(out + PRL_DISCO_MAGIC_LEN, sender_pub, PRL_KEY_LEN);
	memcpy(out + PRL_DISCO_MAGIC_LEN + PRL_KEY_LEN, nonce, PRL_DISCO_NONCE_LEN);
	/*
	 * libsodium's "easy" API writes MAC ‖ ciphertext, which is exactly
	 * the NaCl box as Go's nacl/box lays it out (tag then ciphertext);
	 * disco_test checks this against the classic zero-padded API.
	 */
	if (crypto_box_easy_afternm(out + PRL_DISCO_HDR_LEN, plain, plen, nonce,
				    shared) != 0)
		return -1;
	return (ssize_t)total;
}

ssize_t prl_disco_seal(uint8_t *out, size_t cap,
		      const uint8_t sender_pub[PRL_KEY_LEN],
		      const uint8_t shared[PRL_KEY_LEN],
		      const uint8_t *plain, size_t plen)
{
	uint8_t nonce[PRL_DISCO_NONCE_LEN];

	if (sodium_init() < 0)
		return -1;
	randombytes_buf(nonce, sizeof(nonce));
	return prl_disco_seal_nonce(out, cap, sender_pub, shared, nonce, plain,
				   plen);
}

ssize_t prl_disco_open(const uint8_t *frame, size_t len,
		      const uint8_t shared[PRL_KEY_LEN],
		      uint8_t *plain, size_t cap)
{
	size_t plen;

	if (!prl_disco_has_magic(frame, len) || len < PRL_DISCO_OVERHEAD)
		return -1;
	plen = len - PRL_DISCO_OVERHEAD;
	if (cap < plen)
		return -1;
	if (crypto_box_open_easy_afternm(plain, frame + PRL_DISCO_HDR_LEN,
					 len - PRL_DISCO_HDR_LEN,
					 frame + PRL_DISCO_MAGIC_LEN + PRL_KEY_LEN,
					 shared) != 0)
		return -1;
	return (ssize_t)plen;
}

/* ---- addr:port ---- */

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

bool prl_addrport_is_v4(const struct prl_addrport *ap)
{
	return memcmp(ap->ip, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0;
}

int prl_addrport_from_sockaddr(struct prl_addrport *ap, const struct sockaddr *sa)
{
	memset(ap, 0, sizeof(*ap));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		memcpy(ap->ip, v4mapped_prefix, sizeof(v4mapped_prefix));
		memcpy(ap->ip + 12, &sin->sin_addr, 4);
		ap->port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		memcpy(ap->ip, &sin6->sin6_addr, 16);
		ap->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

socklen_t prl_addrport_to_sockaddr(const struct prl_addrport *ap,
				  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (prl_addrport_is_v4(ap)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, ap->ip + 12, 4);
		sin->sin_port = htons(ap->port);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, ap->ip, 16);
		sin6->sin6_port = htons(ap->port);
		return sizeof(*sin6);
	}
}

char *prl_addrport_format(const struct prl_addrport *ap, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (prl_addrport_is_v4(ap)) {
		inet_ntop(AF_INET, ap->ip + 12, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ap->port);
	} else {
		inet_ntop(AF_INET6, ap->ip, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ap->port);
	}
	return buf;
}

int prl_key_cmp(const uint8_t a[PRL_KEY_LEN], const uint8_t b[PRL_KEY_LEN])
{
	return memcmp(a, b, PRL_KEY_LEN);
}

static void put_addrport(uint8_t *p, const struct prl_addrport *ap)
{
	memcpy(p, ap->ip, 16);
	put_be16(p + 16, ap->port);
}

static void get_addrport(const uint8_t *p, struct prl_addrport *ap)
{
	memcpy(ap->ip, p, 16);
	ap->port = get_be16(p + 16);
}

/* ---- message bodies ---- */

static void put_handshake(uint8_t *p, const struct prl_disco_handshake *hs)
{
	put_be32(p, hs->vni);
	put_be32(p + 4, hs->generation);
	memcpy(p + 8, hs->remote_key, PRL_KEY_LEN);
	memcpy(p + 40, hs->challenge, PRL_KEY_LEN);
}

static int parse_handshake(const uint8_t *p, size_t len,
			   struct prl_disco_handshake *hs)
{
	/* Version ignored; extra trailing bytes ignored (§2.3). */
	if (len < PRL_DISCO_HANDSHAKE_BODY_LEN)
		return -1;
	hs->vni = get_be32(p);
	hs->generation = get_be32(p + 4);
	memcpy(hs->remote_key, p + 8, PRL_KEY_LEN);
	memcpy(hs->challenge, p + 40, PRL_KEY_LEN);
	return 0;
}

static size_t endpoint_len(const struct prl_disco_endpoint *ep)
{
	return PRL_DISCO_EP_FIXED_LEN + ep->n_addrports * PRL_DISCO_ADDRPORT_LEN;
}

static void put_endpoint(uint8_t *p, const struct prl_disco_endpoint *ep)
{
	size_t i;

	memcpy(p, ep->server_key, PRL_KEY_LEN);
	memcpy(p + 32, ep->client_key[0], PRL_KEY_LEN);
	memcpy(p + 64, ep->client_key[1], PRL_KEY_LEN);
	put_be64(p + 96, ep->lamport);
	put_be32(p + 104, ep->vni);
	put_be64(p + 108, (uint64_t)ep->bind_lifetime_ns);
	put_be64(p + 116, (uint64_t)ep->steady_lifetime_ns);
	p += PRL_DISCO_EP_FIXED_LEN;
	for (i = 0; i < ep->n_addrports; i++, p += PRL_DISCO_ADDRPORT_LEN)
		put_addrport(p, &ep->addrports[i]);
}

static int parse_endpoint(const uint8_t *p, size_t len,
			  struct prl_disco_endpoint *ep)
{
	size_t n, i;

	if (len < PRL_DISCO_EP_FIXED_LEN + PRL_DISCO_ADDRPORT_LEN)
		return -1;	/* at least one addr:port required */
	if ((len - PRL_DISCO_EP_FIXED_LEN) % PRL_DISCO_ADDRPORT_LEN)
		return -1;	/* trailing garbage rejected */
	n = (len - PRL_DISCO_EP_FIXED_LEN) / PRL_DISCO_ADDRPORT_LEN;
	if (n > PRL_DISCO_MAX_ADDRPORTS)
		return -1;
	memcpy(ep->server_key, p, PRL_KEY_LEN);
	memcpy(ep->client_key[0], p + 32, PRL_KEY_LEN);
	memcpy(ep->client_key[1], p + 64, PRL_KEY_LEN);
	ep->lamport = get_be64(p + 96);
	ep->vni = get_be32(p + 104);
	ep->bind_lifetime_ns = (int64_t)get_be64(p + 108);
	ep->steady_lifetime_ns = (int64_t)get_be64(p + 116);
	ep->n_addrports = n;
	p += PRL_DISCO_EP_FIXED_LEN;
	for (i = 0; i < n; i++, p += PRL_DISCO_ADDRPORT_LEN)
		get_addrport(p, &ep->addrports[i]);
	return 0;
}

int prl_disco_parse(const uint8_t *buf, size_t len, struct prl_disco_msg *m)
{
	const uint8_t *p;
	size_t blen;

	memset(m, 0, sizeof(*m));
	if (len < PRL_DISCO_MSG_HDR_LEN)
		return -1;
	m->type = buf[0];
	m->version = buf[1];
	p = buf + PRL_DISCO_MSG_HDR_LEN;
	blen = len - PRL_DISCO_MSG_HDR_LEN;

	switch (m->type) {
	case PRL_DISCO_BIND:
	case PRL_DISCO_CHALLENGE:
	case PRL_DISCO_ANSWER:
		return parse_handshake(p, blen, &m->u.hs);
	case PRL_DISCO_ALLOC_REQUEST:
		if (m->version != 0) {
			m->empty = true;
			return 0;
		}
		if (blen < PRL_DISCO_ALLOC_REQ_BODY_LEN)
			return -1;
		memcpy(m->u.alloc_req.client_key[0], p, PRL_KEY_LEN);
		memcpy(m->u.alloc_req.client_key[1], p + 32, PRL_KEY_LEN);
		m->u.alloc_req.generation = get_be32(p + 64);
		return 0;
	case PRL_DISCO_ALLOC_RESPONSE:
		if (m->version != 0) {
			m->empty = true;
			return 0;
		}
		if (blen < 4)
			return -1;
		m->u.alloc_resp.generation = get_be32(p);
		return parse_endpoint(p + 4, blen - 4, &m->u.alloc_resp.ep);
	case PRL_DISCO_CALL_ME_MAYBE_VIA:
		if (m->version != 0) {
			m->empty = true;
			return 0;
		}
		return parse_endpoint(p, blen, &m->u.via);
	case PRL_DISCO_PING:
		/* Lax on longer messages, like the reference parser. */
		if (blen < PRL_DISCO_TXID_LEN)
			return -1;
		memcpy(m->u.ping.txid, p, PRL_DISCO_TXID_LEN);
		p += PRL_DISCO_TXID_LEN;
		blen -= PRL_DISCO_TXID_LEN;
		if (blen >= PRL_KEY_LEN) {
			m->u.ping.has_node_key = true;
			memcpy(m->u.ping.node_key, p, PRL_KEY_LEN);
			m->u.ping.padding = blen - PRL_KEY_LEN;
		}
		return 0;
	case PRL_DISCO_PONG:
		if (blen < PRL_DISCO_PONG_BODY_LEN)
			return -1;
		memcpy(m->u.pong.txid, p, PRL_DISCO_TXID_LEN);
		get_addrport(p + PRL_DISCO_TXID_LEN, &m->u.pong.src);
		return 0;
	default:
		return -1;
	}
}

ssize_t prl_disco_marshal(const struct prl_disco_msg *m, uint8_t *buf,
			 size_t cap)
{
	const struct prl_disco_endpoint *ep = NULL;
	size_t body = 0, pre = 0;

	switch (m->type) {
	case PRL_DISCO_BIND:
	case PRL_DISCO_CHALLENGE:
	case PRL_DISCO_ANSWER:
		body = PRL_DISCO_HANDSHAKE_BODY_LEN;
		break;
	case PRL_DISCO_ALLOC_REQUEST:
		body = PRL_DISCO_ALLOC_REQ_BODY_LEN;
		break;
	case PRL_DISCO_ALLOC_RESPONSE:
		ep = &m->u.alloc_resp.ep;
		pre = 4;
		break;
	case PRL_DISCO_CALL_ME_MAYBE_VIA:
		ep = &m->u.via;
		break;
	case PRL_DISCO_PING:
		if (m->u.ping.padding > PRL_DISCO_MAX_PLAIN)
			return -1;
		body = PRL_DISCO_TXID_LEN;
		if (m->u.ping.has_node_key)
			body += PRL_KEY_LEN + m->u.ping.padding;
		break;
	case PRL_DISCO_PONG:
		body = PRL_DISCO_PONG_BODY_LEN;
		break;
	default:
		return -1;
	}
	if (ep) {
		if (ep->n_addrports < 1 ||
		    ep->n_addrports > PRL_DISCO_MAX_ADDRPORTS)
			return -1;
		body = pre + endpoint_len(ep);
	}
	if (cap < PRL_DISCO_MSG_HDR_LEN + body)
		return -1;

	buf[0] = m->type;
	buf[1] = 0;
	memset(buf + 2, 0, body);
	switch (m->type) {
	case PRL_DISCO_BIND:
	case PRL_DISCO_CHALLENGE:
	case PRL_DISCO_ANSWER:
		put_handshake(buf + 2, &m->u.hs);
		break;
	case PRL_DISCO_ALLOC_REQUEST:
		memcpy(buf + 2, m->u.alloc_req.client_key[0], PRL_KEY_LEN);
		memcpy(buf + 34, m->u.alloc_req.client_key[1], PRL_KEY_LEN);
		put_be32(buf + 66, m->u.alloc_req.generation);
		break;
	case PRL_DISCO_ALLOC_RESPONSE:
		put_be32(buf + 2, m->u.alloc_resp.generation);
		put_endpoint(buf + 6, ep);
		break;
	case PRL_DISCO_CALL_ME_MAYBE_VIA:
		put_endpoint(buf + 2, ep);
		break;
	case PRL_DISCO_PING:
		memcpy(buf + 2, m->u.ping.txid, PRL_DISCO_TXID_LEN);
		if (m->u.ping.has_node_key)
			memcpy(buf + 2 + PRL_DISCO_TXID_LEN, m->u.ping.node_key,
			       PRL_KEY_LEN);
		break;
	case PRL_DISCO_PONG:
		memcpy(buf + 2, m->u.pong.txid, PRL_DISCO_TXID_LEN);
		put_addrport(buf + 2 + PRL_DISCO_TXID_LEN, &m->u.pong.src);
		break;
	}
	return (ssize_t)(PRL_DISCO_MSG_HDR_LEN + body);
}

ssize_t prl_disco_seal_msg(uint8_t *out, size_t cap,
			  const uint8_t sender_pub[PRL_KEY_LEN],
			  const uint8_t shared[PRL_KEY_LEN],
			  const struct prl_disco_msg *m)
{
	uint8_t plain[PRL_DISCO_MAX_PLAIN + 64];
	ssize_t n;

	n = prl_disco_marshal(m, plain, sizeof(plain));
	if (n < 0)
		return -1;
	n = prl_disco_seal(out, cap, sender_pub, shared, plain, (size_t)n);
	sodium_memzero(plain, sizeof(plain));
	return n;
}

void prl_disco_hs_init(struct prl_disco_msg *m, struct prl_geneve_hdr *gh,
		       uint8_t type, uint32_t vni, uint32_t gen,
		       const uint8_t remote_key[PRL_KEY_LEN])
{
	memset(gh, 0, sizeof(*gh));
	gh->control = true;
	gh->proto = PRELAY_GENEVE_PROTO_DISCO;
	prl_geneve_set_vni(gh, vni);
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->u.hs.vni = vni;
	m->u.hs.generation = gen;
	memcpy(m->u.hs.remote_key, remote_key, PRL_KEY_LEN);
}

ssize_t prl_disco_seal_geneve(uint8_t *out, size_t cap,
			      const struct prl_geneve_hdr *gh,
			      const uint8_t sender_pub[PRL_KEY_LEN],
			      const uint8_t shared[PRL_KEY_LEN],
			      const struct prl_disco_msg *m)
{
	ssize_t n;

	if (prl_geneve_encode(out, cap, gh) < 0)
		return -1;
	n = prl_disco_seal_msg(out + PRELAY_GENEVE_HLEN,
			       cap - PRELAY_GENEVE_HLEN, sender_pub, shared, m);
	return n < 0 ? -1 : PRELAY_GENEVE_HLEN + n;
}

int prl_disco_open_msg(const uint8_t *frame, size_t len,
		      const uint8_t shared[PRL_KEY_LEN],
		      struct prl_disco_msg *m)
{
	uint8_t plain[PRL_DISCO_MAX_PLAIN];
	ssize_t n;
	int ret;

	n = prl_disco_open(frame, len, shared, plain, sizeof(plain));
	if (n < 0)
		return -1;
	ret = prl_disco_parse(plain, (size_t)n, m);
	sodium_memzero(plain, (size_t)n);
	return ret;
}

const char *prl_disco_type_name(uint8_t type)
{
	switch (type) {
	case PRL_DISCO_PING:		return "ping";
	case PRL_DISCO_PONG:		return "pong";
	case PRL_DISCO_CALL_ME_MAYBE:	return "call_me_maybe";
	case PRL_DISCO_BIND:		return "bind";
	case PRL_DISCO_CHALLENGE:	return "challenge";
	case PRL_DISCO_ANSWER:		return "answer";
	case PRL_DISCO_CALL_ME_MAYBE_VIA: return "call_me_maybe_via";
	case PRL_DISCO_ALLOC_REQUEST:	return "alloc_request";
	case PRL_DISCO_ALLOC_RESPONSE:	return "alloc_response";
	default:			return "unknown";
	}
}

/* ---- endpoint descriptions ---- */

int prl_disco_endpoint_add_addr(struct prl_disco_endpoint *ep,
			       const struct prl_addrport *ap)
{
	size_t i;

	for (i = 0; i < ep->n_addrports; i++)
		if (ep->addrports[i].port == ap->port &&
		    !memcmp(ep->addrports[i].ip, ap->ip, 16))
			return 1;
	if (ep->n_addrports >= PRL_DISCO_MAX_ADDRPORTS)
		return -E2BIG;
	ep->addrports[ep->n_addrports++] = *ap;
	return 0;
}

char *prl_duration_fmt(int64_t ns, char *buf, size_t len)
{
	uint64_t ms, h, m, s, frac;
	const char *sign = "";
	char fr[8] = "";
	int i;

	if (ns < 0) {
		sign = "-";
		ns = ns == INT64_MIN ? INT64_MAX : -ns;
	}
	ms = (uint64_t)ns / 1000000u;
	if (ms == 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	if (ms < 1000) {
		snprintf(buf, len, "%s%llums", sign, (unsigned long long)ms);
		return buf;
	}
	h = ms / 3600000u;
	m = ms / 60000u % 60;
	s = ms / 1000u % 60;
	frac = ms % 1000;
	if (frac) {
		snprintf(fr, sizeof(fr), ".%03llu", (unsigned long long)frac);
		for (i = (int)strlen(fr) - 1; i > 0 && fr[i] == '0'; i--)
			fr[i] = '\0';
	}
	if (h)
		snprintf(buf, len, "%s%lluh%llum%llu%ss", sign,
			 (unsigned long long)h, (unsigned long long)m,
			 (unsigned long long)s, fr);
	else if (m)
		snprintf(buf, len, "%s%llum%llu%ss", sign,
			 (unsigned long long)m, (unsigned long long)s, fr);
	else
		snprintf(buf, len, "%s%llu%ss", sign, (unsigned long long)s,
			 fr);
	return buf;
}

/* A minimal JSON reader: enough to pick fields out of one object. */
struct jr {
	const char *p, *end;
};

static void jr_ws(struct jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* Skip white space, then take @c. 0, or -1 if something else is next. */
static int jr_expect(struct jr *r, char c)
{
	jr_ws(r);
	if (r->p >= r->end || *r->p != c)
		return -1;
	r->p++;
	return 0;
}

/* After an element: 1 after ',' (another follows), 0 after @close, -1. */
static int jr_next(struct jr *r, char close)
{
	if (!jr_expect(r, ','))
		return 1;
	return jr_expect(r, close) ? -1 : 0;
}

/* A string into @out (NUL-terminated, escapes other than \" \\ \/
 * rejected: none of our values needs them). -1 on error. */
static int jr_string(struct jr *r, char *out, size_t cap)
{
	size_t n = 0;

	jr_ws(r);
	if (r->p >= r->end || *r->p != '"')
		return -1;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (r->p >= r->end)
				return -1;
			c = *r->p++;
			if (c != '"' && c != '\\' && c != '/')
				c = '?';	/* kept out of our fields */
		}
		if (out) {
			if (n + 1 >= cap)
				return -1;
			out[n++] = c;
		}
	}
	if (r->p >= r->end)
		return -1;
	r->p++;
	if (out)
		out[n] = '\0';
	return 0;
}

static int jr_skip(struct jr *r, int depth);

static int jr_number(struct jr *r, uint64_t *v)
{
	uint64_t x = 0;
	const char *s;

	jr_ws(r);
	s = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*r->p++ - '0');
	}
	if (r->p == s)
		return -1;
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
		return -1;
	*v = x;
	return 0;
}

static int jr_skip(struct jr *r, int depth)
{
	jr_ws(r);
	if (r->p >= r->end || depth > 32)
		return -1;
	switch (*r->p) {
	case '"':
		return jr_string(r, NULL, 0);
	case '{':
	case '[': {
		char close = *r->p == '{' ? '}' : ']';
		bool obj = close == '}';
		int n;

		r->p++;
		if (!jr_expect(r, close))
			return 0;
		do {
			if (obj && (jr_string(r, NULL, 0) ||
				    jr_expect(r, ':')))
				return -1;
			if (jr_skip(r, depth + 1))
				return -1;
			n = jr_next(r, close);
		} while (n > 0);
		return n;
	}
	default:
		if ((*r->p >= '0' && *r->p <= '9') || *r->p == '-') {
			if (*r->p == '-')
				r->p++;
			while (r->p < r->end &&
			       strchr("0123456789.eE+-", *r->p))
				r->p++;
			return 0;
		}
		if (r->end - r->p >= 4 && (!strncmp(r->p, "true", 4) ||
					   !strncmp(r->p, "null", 4))) {
			r->p += 4;
			return 0;
		}
		if (r->end - r->p >= 5 && !strncmp(r->p, "false", 5)) {
			r->p += 5;
			return 0;
		}
		return -1;
	}
}

static int json_key(const char *hex, uint8_t key[PRL_KEY_LEN])
{
	size_t i;

	if (!strncmp(hex, "discokey:", 9))
		hex += 9;
	if (strlen(hex) != 2 * PRL_KEY_LEN)
		return -1;
	for (i = 0; i < PRL_KEY_LEN; i++) {
		unsigned int b;

		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		key[i] = (uint8_t)b;
	}
	return 0;
}

static int json_addrport(const char *s, struct prl_addrport *ap)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	unsigned long port;
	char *end;
	size_t hl;
	struct in_addr a4;

	if (*s == '[') {
		colon = strchr(s, ']');
		if (!colon || colon[1] != ':')
			return -1;
		hl = (size_t)(colon - s - 1);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		colon++;
		memset(ap, 0, sizeof(*ap));
		if (inet_pton(AF_INET6, host, ap->ip) != 1)
			return -1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET, host, &a4) != 1)
			return -1;
		memset(ap, 0, sizeof(*ap));
		ap->ip[10] = ap->ip[11] = 0xff;
		memcpy(ap->ip + 12, &a4, 4);
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port == 0 || port > 65535)
		return -1;
	ap->port = (uint16_t)port;
	return 0;
}

#define JERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

int prl_disco_endpoint_from_json(const char *text, size_t len,
				struct prl_disco_endpoint *ep, char *err,
				size_t errlen)
{
	struct jr r = { text, text + len };
	bool have_server = false, have_vni = false;
	int n_keys = 0, n;
	char key[64], val[80];
	uint64_t v;

	memset(ep, 0, sizeof(*ep));
	ep->bind_lifetime_ns = PRL_DISCO_BIND_LIFETIME_NS;
	ep->steady_lifetime_ns = PRL_DISCO_STEADY_LIFETIME_NS;
	if (jr_expect(&r, '{'))
		JERR("not a JSON object");
	jr_ws(&r);
	if (r.p < r.end && *r.p == '}')
		JERR("empty object");
	for (;;) {
		if (jr_string(&r, key, sizeof(key)))
			JERR("bad JSON (key)");
		if (jr_expect(&r, ':'))
			JERR("bad JSON (expected ':')");
		jr_ws(&r);
		if (!strcmp(key, "server_key")) {
			if (jr_string(&r, val, sizeof(val)) ||
			    json_key(val, ep->server_key))
				JERR("server_key: expected 64 hex digits (is the relay's key configured?)");
			have_server = true;
		} else if (!strcmp(key, "key0") || !strcmp(key, "key1")) {
			if (jr_string(&r, val, sizeof(val)) ||
			    json_key(val, ep->client_key[key[3] - '0']))
				JERR("%s: expected 64 hex digits", key);
			n_keys |= 1 << (key[3] - '0');
		} else if (!strcmp(key, "client_keys")) {
			int i;

			if (r.p >= r.end || *r.p++ != '[')
				JERR("client_keys: expected an array");
			for (i = 0; i < 2; i++) {
				if (i) {
					if (jr_expect(&r, ','))
						JERR("client_keys: expected two keys");
				}
				if (jr_string(&r, val, sizeof(val)) ||
				    json_key(val, ep->client_key[i]))
					JERR("client_keys: expected 64 hex digits");
			}
			if (jr_expect(&r, ']'))
				JERR("client_keys: expected two keys");
			n_keys = 3;
		} else if (!strcmp(key, "vni")) {
			if (jr_number(&r, &v) || !v || v > 0xffffff)
				JERR("vni: expected 1..16777215");
			ep->vni = (uint32_t)v;
			have_vni = true;
		} else if (!strcmp(key, "lamport")) {
			if (jr_number(&r, &v))
				JERR("lamport: expected a number");
			ep->lamport = v;
		} else if (!strcmp(key, "bind_lifetime_ms") ||
			   !strcmp(key, "steady_state_lifetime_ms")) {
			if (jr_number(&r, &v) || v > INT64_MAX / 1000000)
				JERR("%s: expected a number", key);
			if (key[0] == 'b')
				ep->bind_lifetime_ns = (int64_t)v * 1000000;
			else
				ep->steady_lifetime_ns = (int64_t)v * 1000000;
		} else if (!strcmp(key, "addrs")) {
			if (r.p >= r.end || *r.p++ != '[')
				JERR("addrs: expected an array");
			jr_ws(&r);
			if (r.p < r.end && *r.p == ']') {
				r.p++;
			} else {
				for (;;) {
					struct prl_addrport ap;

					if (jr_string(&r, val, sizeof(val)) ||
					    json_addrport(val, &ap))
						JERR("addrs: expected \"IP:PORT\" strings");
					if (prl_disco_endpoint_add_addr(ep, &ap) < 0)
						JERR("addrs: more than %d",
						     PRL_DISCO_MAX_ADDRPORTS);
					n = jr_next(&r, ']');
					if (n < 0)
						JERR("addrs: bad array");
					if (!n)
						break;
				}
			}
		} else if (jr_skip(&r, 0)) {
			JERR("bad JSON (value of \"%s\")", key);
		}
		n = jr_next(&r, '}');
		if (n < 0)
			JERR("bad JSON (expected ',' or '}')");
		if (!n)
			break;
	}
	if (!have_server)
		JERR("no server_key");
	if (n_keys != 3)
		JERR("no client keys (client_keys or key0/key1)");
	if (!have_vni)
		JERR("no vni");
	if (prl_key_cmp(ep->client_key[0], ep->client_key[1]) > 0) {
		uint8_t t[PRL_KEY_LEN];

		memcpy(t, ep->client_key[0], PRL_KEY_LEN);
		memcpy(ep->client_key[0], ep->client_key[1], PRL_KEY_LEN);
		memcpy(ep->client_key[1], t, PRL_KEY_LEN);
	}
	if (!prl_key_cmp(ep->client_key[0], ep->client_key[1]))
		JERR("the two client keys are equal");
	return 0;
}
