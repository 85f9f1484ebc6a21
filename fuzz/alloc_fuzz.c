// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: in-band allocation (tools/relayd/alloc.c):
 * prl_alloc_parse() on datagrams and prl_alloc_build_response() on what
 * it accepts, with a fixed relay key and an allowlist holding the two
 * fixed client keys.
 *
 * Input: ctl (1) ‖ pad (2, big endian) ‖ n_eps (1) ‖ eps (n × 18) ‖ rest
 * ctl bits:
 *   0    sealed: rest is a plaintext the harness seals as the client
 *   1    sealing client (0 or 1)
 *   2    seal with a key that is not granted
 *   3    fix up the plaintext: an AllocateRequest naming the sender and
 *        the other client
 *   4    zero-pad the plaintext so the frame is `pad` bytes (as
 *        clients do, to PRL_DISCO_ALLOC_REQ_FRAME_LEN)
 *   5    the grants are empty
 * eps: addr:port entries (16-byte IP, 2-byte port) offered as relay
 * addresses: the first half static, the rest local.
 *
 * Invariants: PRL_ALLOC_OK only for an authentic frame from a granted key
 * that is one of the two (distinct, non-relay) client keys it names;
 * responses are never longer than the request, open with the sender's
 * key and echo generation and the sorted key pair, with 1..32 unique
 * addresses; counters add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fuzz_common.h"

static struct fz_keys keys;
static uint8_t grant_keys[2][PRL_KEY_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_keys_init(&keys);
	memcpy(grant_keys[0], keys.client_pub[0], PRL_KEY_LEN);
	memcpy(grant_keys[1], keys.client_pub[1], PRL_KEY_LEN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[PRL_DISCO_OVERHEAD + PRL_DISCO_MAX_PLAIN + 2048];
	static uint8_t plain[PRL_DISCO_MAX_PLAIN];
	static uint8_t resp[PRL_ALLOC_RESPONSE_MAX + 64];
	static struct prl_addrport eps[64];
	static struct prl_disco_msg m;
	struct fz_in in = { data, size };
	struct prl_grants grants = { 2, grant_keys };
	struct prl_alloc_ctx ctx;
	struct prl_alloc_request req;
	struct prl_alloc_session sess;
	enum prl_alloc_result r;
	const uint8_t *rest;
	uint8_t ctl = fz_u8(&in);
	size_t pad = fz_u16(&in), n_eps = fz_u8(&in) % 41, len, i, calls = 0;
	unsigned int sidx = (ctl >> 1) & 1;
	uint64_t sum;
	ssize_t n;

	if (ctl & 0x20)
		grants.n = 0;
	FZ_CHECK(prl_alloc_ctx_init(&ctx, keys.server_priv, &grants) == 0);
	FZ_CHECK(!memcmp(ctx.pub, keys.server_pub, PRL_KEY_LEN));
	for (i = 0; i < n_eps; i++) {
		const uint8_t *e;

		memset(&eps[i], 0, sizeof(eps[i]));
		if (fz_take(&in, PRL_DISCO_ADDRPORT_LEN, &e) == PRL_DISCO_ADDRPORT_LEN) {
			memcpy(eps[i].ip, e, 16);
			eps[i].port = (uint16_t)(e[16] << 8 | e[17]);
		}
	}
	len = fz_take(&in, in.n, &rest);

	if (ctl & 1) {
		uint8_t nonce[PRL_DISCO_NONCE_LEN];
		const uint8_t *pub = (ctl & 4) ? keys.outsider_pub : keys.client_pub[sidx];
		const uint8_t *shared = (ctl & 4) ? keys.outsider_shared : keys.shared[sidx];
		size_t plen = len < PRL_DISCO_MAX_PLAIN ? len : PRL_DISCO_MAX_PLAIN;
		ssize_t f;

		memcpy(plain, rest, plen);
		if ((ctl & 8) && plen >= PRL_DISCO_MSG_HDR_LEN + PRL_DISCO_ALLOC_REQ_BODY_LEN) {
			plain[0] = PRL_DISCO_ALLOC_REQUEST;
			plain[1] = 0;
			memcpy(plain + 2 + 32 * (rest[0] & 1), pub, PRL_KEY_LEN);
			memcpy(plain + 2 + 32 * !(rest[0] & 1),
			       keys.client_pub[!sidx], PRL_KEY_LEN);
		}
		/* clients pad the plaintext with zeros (parsers ignore it) */
		if ((ctl & 0x10) && pad > PRL_DISCO_OVERHEAD + plen &&
		    pad - PRL_DISCO_OVERHEAD <= sizeof(plain)) {
			memset(plain + plen, 0, pad - PRL_DISCO_OVERHEAD - plen);
			plen = pad - PRL_DISCO_OVERHEAD;
		}
		fz_nonce(nonce, (uint32_t)size);
		f = prl_disco_seal_nonce(frame, sizeof(frame), pub, shared,
					nonce, plain, plen);
		FZ_CHECK(f > 0);
		len = (size_t)f;
	} else {
		if (len > sizeof(frame))
			len = sizeof(frame);
		memcpy(frame, rest, len);
	}

	r = prl_alloc_parse(&ctx, frame, len, &req);
	calls++;
	FZ_CHECK(r < __PRL_ALLOC_RESULT_MAX && prl_alloc_result_name(r) != NULL);
	if (r == PRL_ALLOC_OK) {
		uint8_t p2[PRL_DISCO_MAX_PLAIN];
		int cmp;

		FZ_CHECK(prl_grants_contains(&grants, frame + PRL_DISCO_MAGIC_LEN));
		FZ_CHECK(!memcmp(req.sender, frame + PRL_DISCO_MAGIC_LEN, PRL_KEY_LEN));
		FZ_CHECK(crypto_box_open_easy_afternm(p2, frame + PRL_DISCO_HDR_LEN,
						      len - PRL_DISCO_HDR_LEN,
						      frame + PRL_DISCO_MAGIC_LEN + PRL_KEY_LEN,
						      req.shared) == 0);
		cmp = memcmp(req.client_key[0], req.client_key[1], PRL_KEY_LEN);
		FZ_CHECK(cmp < 0);
		FZ_CHECK(!memcmp(req.sender, req.client_key[0], PRL_KEY_LEN) ||
			 !memcmp(req.sender, req.client_key[1], PRL_KEY_LEN));
		FZ_CHECK(memcmp(req.client_key[0], keys.server_pub, PRL_KEY_LEN) &&
			 memcmp(req.client_key[1], keys.server_pub, PRL_KEY_LEN));
		FZ_CHECK(req.request_len == len);

		sess.vni = FZ_VNI;
		sess.lamport = pad;
		sess.bind_lifetime_ms = 30000;
		sess.idle_lifetime_ms = 300000;
		n = prl_alloc_build_response(&ctx, &req, &sess, eps, n_eps,
					    resp, sizeof(resp));
		if (n >= 0) {
			FZ_CHECK((size_t)n <= req.request_len);	/* no amplification */
			FZ_CHECK(prl_disco_open_msg(resp, (size_t)n, req.shared, &m) == 0);
			FZ_CHECK(!memcmp(resp + PRL_DISCO_MAGIC_LEN, keys.server_pub,
					 PRL_KEY_LEN));
			FZ_CHECK(m.type == PRL_DISCO_ALLOC_RESPONSE && !m.empty);
			FZ_CHECK(m.u.alloc_resp.generation == req.generation);
			FZ_CHECK(!memcmp(m.u.alloc_resp.ep.client_key, req.client_key,
					 sizeof(req.client_key)));
			FZ_CHECK(!memcmp(m.u.alloc_resp.ep.server_key, keys.server_pub,
					 PRL_KEY_LEN));
			FZ_CHECK(m.u.alloc_resp.ep.vni == FZ_VNI);
			FZ_CHECK(m.u.alloc_resp.ep.lamport == pad);
			FZ_CHECK(m.u.alloc_resp.ep.n_addrports >= 1 &&
				 m.u.alloc_resp.ep.n_addrports <= PRL_DISCO_MAX_ADDRPORTS);
			for (i = 1; i < m.u.alloc_resp.ep.n_addrports; i++)
				for (size_t j = 0; j < i; j++)
					FZ_CHECK(memcmp(&m.u.alloc_resp.ep.addrports[i],
							&m.u.alloc_resp.ep.addrports[j],
							sizeof(struct prl_addrport)));
		} else {
			calls++;	/* only refusals are counted */
			FZ_CHECK(n == -1);
			FZ_CHECK(n_eps == 0 ||
				 ctx.counters[PRL_ALLOC_DROP_AMPLIFICATION] == 1);
		}
	} else {
		/* refused before any public-key work unless granted */
		if (r == PRL_ALLOC_DROP_BAD_FRAME || r == PRL_ALLOC_DROP_NOT_GRANTED)
			FZ_CHECK(!memcmp(req.shared, (uint8_t[PRL_KEY_LEN]){ 0 }, PRL_KEY_LEN));
	}
	sum = 0;
	for (i = 0; i < __PRL_ALLOC_RESULT_MAX; i++)
		sum += ctx.counters[i];
	FZ_CHECK(sum == calls);
	prl_alloc_ctx_wipe(&ctx);
	return 0;
}
