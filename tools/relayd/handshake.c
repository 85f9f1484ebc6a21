// SPDX-License-Identifier: GPL-2.0-only
/* Relay side of the Bind/Challenge/Answer handshake (protocol §2.7). */
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "addr.h"
#include "handshake.h"
#include "tables.h"

/* By value: one designator, then the names in the enum's order. */
static const char *const prl_hs_result_names[] = {
	[PRL_HS_CHALLENGED] = "challenged", "bound", "drop_not_control",
	"drop_not_disco", "drop_unknown_vni", "drop_bad_frame",
	"drop_unknown_sender", "drop_auth", "drop_parse", "drop_bad_type",
	"drop_vni_mismatch", "drop_remote_key", "drop_zero_generation",
	"drop_no_handshake", "drop_generation", "drop_bad_mac",
	"drop_bad_address", "drop_internal",
};
PRL_DEFINE_NAME_FN(prl_hs_result_name, enum prl_hs_result,
		   prl_hs_result_names, __PRL_HS_RESULT_MAX)

static uint64_t prl_hs_monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * PRL_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

int prl_hs_server_init(struct prl_hs_server *srv,
		      const uint8_t priv[PRL_KEY_LEN],
		      prl_hs_clock_fn clock, void *clock_ctx)
{
	memset(srv, 0, sizeof(*srv));
	if (sodium_init() < 0)
		return -1;
	memcpy(srv->priv, priv, PRL_KEY_LEN);
	if (crypto_scalarmult_base(srv->pub, srv->priv) != 0)
		return -1;
	srv->clock = clock ? clock : prl_hs_monotonic_ns;
	srv->clock_ctx = clock_ctx;
	return 0;
}

void prl_hs_server_wipe(struct prl_hs_server *srv)
{
	sodium_memzero(srv, sizeof(*srv));
}

int prl_hs_session_prepare(struct prl_hs_session *s, uint32_t vni,
			   const uint8_t a[PRL_KEY_LEN], const uint8_t b[PRL_KEY_LEN],
			   const struct prl_hs_server *srv)
{
	int cmp = prl_key_cmp(a, b);

	memset(s, 0, sizeof(*s));
	if (cmp == 0 || !prl_key_cmp(a, srv->pub) || !prl_key_cmp(b, srv->pub))
		return -1;
	s->vni = vni;
	memcpy(s->client_key[0], cmp < 0 ? a : b, PRL_KEY_LEN);
	memcpy(s->client_key[1], cmp < 0 ? b : a, PRL_KEY_LEN);
	return 0;
}

int prl_hs_session_keys(struct prl_hs_session *s, const struct prl_hs_server *srv)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (prl_disco_shared_key(s->shared[i], s->client_key[i],
					srv->priv) != 0) {
			sodium_memzero(s, sizeof(*s));
			return -1;
		}
	}
	return 0;
}

int prl_hs_session_init(struct prl_hs_session *s, uint32_t vni,
		       const uint8_t a[PRL_KEY_LEN], const uint8_t b[PRL_KEY_LEN],
		       const struct prl_hs_server *srv)
{
	if (prl_hs_session_prepare(s, vni, a, b, srv))
		return -1;
	return prl_hs_session_keys(s, srv);
}

void prl_hs_maybe_rotate(struct prl_hs_server *srv)
{
	uint64_t now = srv->clock(srv->clock_ctx);

	if (srv->n_secrets == 0) {
		randombytes_buf(srv->secret[0], PRL_KEY_LEN);
		srv->n_secrets = 1;
		srv->rotated_ns = now;
		return;
	}
	if (now - srv->rotated_ns < PRL_HS_ROTATE_NS)
		return;
	memcpy(srv->secret[1], srv->secret[0], PRL_KEY_LEN);
	randombytes_buf(srv->secret[0], PRL_KEY_LEN);
	srv->n_secrets = 2;
	srv->rotated_ns = now;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

int prl_hs_mac(const uint8_t secret[PRL_KEY_LEN],
	      const struct prl_disco_handshake *hs,
	      const struct sockaddr *src, uint8_t out[PRL_HS_MAC_LEN])
{
	/* 4 + 4 + 32 + 16 + 4 + 2 bytes at most */
	uint8_t in[62];
	size_t n = 0;
	uint16_t port;

	put_be32(in, hs->vni);
	put_be32(in + 4, hs->generation);
	memcpy(in + 8, hs->remote_key, PRL_KEY_LEN);
	n = 8 + PRL_KEY_LEN;
	if (src->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)src;

		memcpy(in + n, &sin->sin_addr, 4);
		n += 4;
		port = ntohs(sin->sin_port);
	} else if (src->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)src;

		memcpy(in + n, &sin6->sin6_addr, 16);
		n += 16;
		if (sin6->sin6_scope_id) {
			put_be32(in + n, sin6->sin6_scope_id);
			n += 4;
		}
		port = ntohs(sin6->sin6_port);
	} else {
		return -1;
	}
	in[n++] = port >> 8;
	in[n++] = port & 0xff;
	/*
	 * The input length identifies its layout (46: IPv4, 62: IPv6,
	 * 66: IPv6 with scope), so the encoding is injective.
	 */
	crypto_generichash(out, PRL_HS_MAC_LEN, in, n, secret, PRL_KEY_LEN);
	return 0;
}

static socklen_t sockaddr_copy(struct sockaddr_storage *dst,
			       const struct sockaddr *sa)
{
	socklen_t len;

	memset(dst, 0, sizeof(*dst));
	if (!sa)
		return 0;
	len = prl_sockaddr_len(sa->sa_family);
	memcpy(dst, sa, len);
	return len;
}

static enum prl_hs_action_kind finish(struct prl_hs_server *srv,
				     struct prl_hs_action *act,
				     enum prl_hs_result r)
{
	act->result = r;
	if (r == PRL_HS_CHALLENGED)
		act->kind = PRL_HS_ACT_REPLY;
	else if (r == PRL_HS_BOUND)
		act->kind = PRL_HS_ACT_BIND;
	else
		act->kind = PRL_HS_ACT_DROP;
	srv->counters[r]++;
	return act->kind;
}

/* Build Geneve(O=1, disco, VNI) ‖ sealed Challenge into act->reply. */
static int build_challenge(struct prl_hs_server *srv,
			   const struct prl_hs_session *s, unsigned int idx,
			   const struct prl_disco_handshake *bind,
			   const struct sockaddr *src, struct prl_hs_action *act)
{
	struct prl_geneve_hdr gh;
	struct prl_disco_msg m;
	ssize_t n;

	prl_disco_hs_init(&m, &gh, PRL_DISCO_CHALLENGE, s->vni,
			  bind->generation, s->client_key[!idx]);
	if (prl_hs_mac(srv->secret[0], &m.u.hs, src, m.u.hs.challenge) != 0)
		return -1;
	n = prl_disco_seal_geneve(act->reply, sizeof(act->reply), &gh, srv->pub,
				  s->shared[idx], &m);
	if (n < 0)
		return -1;
	act->reply_len = (size_t)n;
	return 0;
}

static bool answer_verifies(struct prl_hs_server *srv,
			    const struct prl_disco_handshake *ans,
			    const struct sockaddr *src)
{
	uint8_t mac[PRL_HS_MAC_LEN];
	unsigned int i;

	for (i = 0; i < srv->n_secrets; i++) {
		if (prl_hs_mac(srv->secret[i], ans, src, mac) != 0)
			return false;
		if (sodium_memcmp(mac, ans->challenge, PRL_HS_MAC_LEN) == 0)
			return true;
	}
	return false;
}

enum prl_hs_action_kind prl_hs_handle(struct prl_hs_server *srv,
				    const uint8_t *pkt, size_t len,
				    const struct sockaddr *src,
				    const struct sockaddr *local,
				    prl_hs_lookup_fn lookup, void *lookup_ctx,
				    struct prl_hs_action *act)
{
	struct prl_geneve_hdr gh;
	struct prl_hs_session *s;
	struct prl_disco_msg m;
	const uint8_t *frame, *sender;
	size_t flen;
	uint32_t vni = 0;
	unsigned int idx;

	memset(act, 0, sizeof(*act));
	if (prelay_classify(pkt, (__u32)(len > UINT32_MAX ? UINT32_MAX : len),
			&vni) != PRELAY_CLASS_CONTROL)
		return finish(srv, act, PRL_HS_DROP_NOT_CONTROL);
	prl_geneve_decode(pkt, len, &gh);
	act->vni = gh.vni;
	if (gh.proto != PRELAY_GENEVE_PROTO_DISCO)
		return finish(srv, act, PRL_HS_DROP_NOT_DISCO);
	if (src->sa_family != AF_INET && src->sa_family != AF_INET6)
		return finish(srv, act, PRL_HS_DROP_BAD_ADDRESS);
	s = lookup(lookup_ctx, gh.vni);
	if (!s)
		return finish(srv, act, PRL_HS_DROP_UNKNOWN_VNI);

	frame = pkt + PRELAY_GENEVE_HLEN;
	flen = len - PRELAY_GENEVE_HLEN;
	sender = prl_disco_sender(frame, flen);
	if (!sender || flen < PRL_DISCO_OVERHEAD)
		return finish(srv, act, PRL_HS_DROP_BAD_FRAME);
	if (!prl_key_cmp(sender, s->client_key[0]))
		idx = 0;
	else if (!prl_key_cmp(sender, s->client_key[1]))
		idx = 1;
	else
		return finish(srv, act, PRL_HS_DROP_UNKNOWN_SENDER);
	act->endpoint = idx;

	{
		uint8_t plain[PRL_DISCO_MAX_PLAIN];
		ssize_t n = prl_disco_open(frame, flen, s->shared[idx], plain,
					  sizeof(plain));
		int perr;

		if (n < 0)
			return finish(srv, act, flen - PRL_DISCO_OVERHEAD >
				      PRL_DISCO_MAX_PLAIN ? PRL_HS_DROP_PARSE :
				      PRL_HS_DROP_AUTH);
		perr = prl_disco_parse(plain, (size_t)n, &m);
		if (perr)
			return finish(srv, act, PRL_HS_DROP_PARSE);
	}
	if (m.type != PRL_DISCO_BIND && m.type != PRL_DISCO_ANSWER)
		return finish(srv, act, PRL_HS_DROP_BAD_TYPE);
	act->generation = m.u.hs.generation;
	if (m.u.hs.vni != s->vni)
		return finish(srv, act, PRL_HS_DROP_VNI_MISMATCH);
	if (prl_key_cmp(m.u.hs.remote_key, s->client_key[!idx]))
		return finish(srv, act, PRL_HS_DROP_REMOTE_KEY);

	prl_hs_maybe_rotate(srv);

	if (m.type == PRL_DISCO_BIND) {
		if (m.u.hs.generation == 0)
			return finish(srv, act, PRL_HS_DROP_ZERO_GENERATION);
		s->inprogress_gen[idx] = m.u.hs.generation;
		if (build_challenge(srv, s, idx, &m.u.hs, src, act) != 0)
			return finish(srv, act, PRL_HS_DROP_INTERNAL);
		return finish(srv, act, PRL_HS_CHALLENGED);
	}

	/* Answer */
	if (s->inprogress_gen[idx] == 0)
		return finish(srv, act, PRL_HS_DROP_NO_HANDSHAKE);
	if (s->inprogress_gen[idx] != m.u.hs.generation)
		return finish(srv, act, PRL_HS_DROP_GENERATION);
	if (!answer_verifies(srv, &m.u.hs, src))
		return finish(srv, act, PRL_HS_DROP_BAD_MAC);
	s->inprogress_gen[idx] = 0;
	act->remote_len = sockaddr_copy(&act->remote, src);
	act->local_len = sockaddr_copy(&act->local, local);
	return finish(srv, act, PRL_HS_BOUND);
}
