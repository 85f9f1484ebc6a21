// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the relay handshake entry point prl_hs_handle()
 * (tools/relayd/handshake.c) with a fixed relay key, one fixed session
 * (VNI FZ_VNI, the two fixed client keys) and a fuzzer-driven clock.
 *
 * The input is a sequence of datagrams, each a record
 *     ctl (1) ‖ len (2, big endian) ‖ len bytes
 * ctl bits:
 *   0-1  source address: 10.0.1.2:41641, 10.0.1.2:41642, [fd00:1::2]:41641,
 *        [fe80::2%7]:41641
 *   2    sealed: the bytes are Geneve header (8) ‖ plaintext, and the
 *        harness seals the plaintext as a client would (fixed nonce), so
 *        the fuzzer reaches the code behind authentication
 *   3    sealing client (0 or 1)
 *   4    seal with an outsider key instead (not in the session)
 *   5    fix up the plaintext's VNI and RemoteKey to the session's, and
 *        copy in the challenge of the last Challenge the relay sent to
 *        this client (so Answers can verify)
 *   6    advance the clock by 121 s first (MAC secret rotation)
 *   7    use the bytes raw even if bit 2 is set
 *
 * Invariants checked on every call:
 *   - kind matches result; the per-result counters add up;
 *   - no reply and no bind unless the datagram is a Geneve control
 *     packet for the session's VNI whose disco box authenticates with
 *     the shared key of the client key it names (checked independently
 *     with libsodium);
 *   - replies are Challenges no longer than the request (no
 *     amplification), open with the client's key, carry the session VNI,
 *     the request's generation and the other client's key;
 *   - a bind names the datagram's source and the authenticated client.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "geneve.h"
#include "handshake.h"

static struct fz_keys keys;

struct fz_ctx {
	struct prl_hs_session sess;
	uint64_t now;
};

static struct prl_hs_session *lookup(void *arg, uint32_t vni)
{
	struct fz_ctx *c = arg;

	return vni == c->sess.vni ? &c->sess : NULL;
}

static uint64_t clock_fn(void *arg)
{
	return ((struct fz_ctx *)arg)->now;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_keys_init(&keys);
	return 0;
}

static void make_src(unsigned int v, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (v < 2) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, "10.0.1.2", &sin->sin_addr);
		sin->sin_port = htons(v ? FZ_PORT_B : FZ_PORT_A);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, v == 2 ? "fd00:1::2" : "fe80::2",
			  &sin6->sin6_addr);
		sin6->sin6_port = htons(FZ_PORT_A);
		sin6->sin6_scope_id = v == 3 ? 7 : 0;
	}
}

/* Is @pkt an authentic control datagram for the session (independently)? */
static int authentic(const struct prl_hs_session *s, const uint8_t *pkt,
		     size_t len, unsigned int *idx)
{
	static uint8_t plain[65536];
	const uint8_t *f = pkt + PRELAY_GENEVE_HLEN;
	size_t flen;

	if (len < PRELAY_GENEVE_HLEN || (pkt[0] & 0xc0) || !(pkt[1] & 0x80))
		return 0;
	if (((uint32_t)pkt[4] << 16 | (uint32_t)pkt[5] << 8 | pkt[6]) != s->vni)
		return 0;
	flen = len - PRELAY_GENEVE_HLEN;
	if (flen < PRL_DISCO_OVERHEAD || memcmp(f, "TS\xf0\x9f\x92\xac", 6))
		return 0;
	for (unsigned int i = 0; i < 2; i++) {
		if (memcmp(f + 6, s->client_key[i], PRL_KEY_LEN))
			continue;
		if (crypto_box_open_easy_afternm(plain, f + PRL_DISCO_HDR_LEN,
						 flen - PRL_DISCO_HDR_LEN,
						 f + 6 + PRL_KEY_LEN,
						 s->shared[i]) == 0) {
			*idx = i;
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a whole UDP payload: raw records may be up to 64 KiB */
	static uint8_t pkt[65536];
	static uint8_t plain[PRL_DISCO_MAX_PLAIN + 64];
	static uint8_t last_challenge[2][PRL_KEY_LEN];
	static struct prl_hs_server srv;
	static struct prl_hs_action act;
	struct fz_in in = { data, size };
	struct fz_ctx ctx;
	bool have_challenge[2] = { false, false };
	uint64_t calls = 0, sum;
	uint32_t nonce_ctr = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.now = 1000 * PRL_NSEC_PER_SEC;
	FZ_CHECK(prl_hs_server_init(&srv, keys.server_priv, clock_fn, &ctx) == 0);
	FZ_CHECK(prl_hs_session_init(&ctx.sess, FZ_VNI, keys.client_pub[1],
				    keys.client_pub[0], &srv) == 0);
	FZ_CHECK(!memcmp(ctx.sess.shared[0], keys.shared[0], PRL_KEY_LEN));

	while (in.n && calls < 64) {
		struct sockaddr_storage src;
		const uint8_t *body;
		uint8_t ctl = fz_u8(&in);
		size_t blen = fz_take(&in, fz_u16(&in), &body);
		size_t len;
		unsigned int sidx = (ctl >> 3) & 1, aidx = 0;
		bool auth;

		make_src(ctl & 3, &src);
		if (ctl & 0x40)
			ctx.now += 121 * PRL_NSEC_PER_SEC;

		if ((ctl & 0x04) && !(ctl & 0x80)) {
			/* sealed: Geneve header from the input, then the box */
			uint8_t nonce[PRL_DISCO_NONCE_LEN];
			size_t hl = blen < PRELAY_GENEVE_HLEN ? blen : PRELAY_GENEVE_HLEN;
			size_t plen = blen - hl;
			const uint8_t *pub = (ctl & 0x10) ? keys.outsider_pub :
						keys.client_pub[sidx];
			const uint8_t *shared = (ctl & 0x10) ? keys.outsider_shared :
						   keys.shared[sidx];
			ssize_t f;

			if (plen > PRL_DISCO_MAX_PLAIN)
				plen = PRL_DISCO_MAX_PLAIN;
			memset(pkt, 0, PRELAY_GENEVE_HLEN);
			memcpy(pkt, body, hl);
			memcpy(plain, body + hl, plen);
			if ((ctl & 0x20) && plen >= PRL_DISCO_HANDSHAKE_PLAIN_LEN) {
				uint8_t *hs = plain + PRL_DISCO_MSG_HDR_LEN;

				hs[0] = 0;
				hs[1] = FZ_VNI >> 16;
				hs[2] = (FZ_VNI >> 8) & 0xff;
				hs[3] = FZ_VNI & 0xff;
				memcpy(hs + 8, keys.client_pub[!sidx], PRL_KEY_LEN);
				if (have_challenge[sidx])
					memcpy(hs + 40, last_challenge[sidx], PRL_KEY_LEN);
			}
			fz_nonce(nonce, nonce_ctr++);
			f = prl_disco_seal_nonce(pkt + PRELAY_GENEVE_HLEN,
						sizeof(pkt) - PRELAY_GENEVE_HLEN, pub,
						shared, nonce, plain, plen);
			FZ_CHECK(f > 0);
			len = PRELAY_GENEVE_HLEN + (size_t)f;
		} else {
			len = blen < sizeof(pkt) ? blen : sizeof(pkt);
			memcpy(pkt, body, len);
		}

		auth = authentic(&ctx.sess, pkt, len, &aidx);
		prl_hs_handle(&srv, pkt, len, (struct sockaddr *)&src, NULL,
			     lookup, &ctx, &act);
		calls++;
		if (getenv("FZ_VERBOSE"))
			fprintf(stderr, "hs: ctl=%#x len=%zu -> %s\n", ctl, len,
				prl_hs_result_name(act.result));

		FZ_CHECK(act.result < __PRL_HS_RESULT_MAX);
		FZ_CHECK((act.kind == PRL_HS_ACT_REPLY) == (act.result == PRL_HS_CHALLENGED));
		FZ_CHECK((act.kind == PRL_HS_ACT_BIND) == (act.result == PRL_HS_BOUND));
		FZ_CHECK(prl_hs_result_name(act.result) != NULL);
		if (act.kind == PRL_HS_ACT_DROP)
			continue;

		/* Only authentic datagrams of session clients get anywhere. */
		FZ_CHECK(auth);
		FZ_CHECK(act.endpoint == aidx);
		FZ_CHECK(act.vni == ctx.sess.vni);

		if (act.kind == PRL_HS_ACT_REPLY) {
			struct prl_geneve_hdr gh;
			struct prl_disco_msg m;

			FZ_CHECK(act.reply_len <= len);	/* no amplification */
			FZ_CHECK(act.reply_len == PRL_DISCO_HANDSHAKE_PKT_LEN);
			FZ_CHECK(prl_geneve_decode(act.reply, act.reply_len, &gh) == 0);
			FZ_CHECK(gh.control && gh.proto == PRELAY_GENEVE_PROTO_DISCO &&
				 gh.vni == ctx.sess.vni && act.reply[0] == 0 &&
				 act.reply[7] == 0);
			FZ_CHECK(!memcmp(act.reply + PRELAY_GENEVE_HLEN + PRL_DISCO_MAGIC_LEN,
					 keys.server_pub, PRL_KEY_LEN));
			FZ_CHECK(prl_disco_open_msg(act.reply + PRELAY_GENEVE_HLEN,
						   act.reply_len - PRELAY_GENEVE_HLEN,
						   keys.shared[aidx], &m) == 0);
			FZ_CHECK(m.type == PRL_DISCO_CHALLENGE);
			FZ_CHECK(m.u.hs.vni == ctx.sess.vni);
			FZ_CHECK(m.u.hs.generation == act.generation &&
				 act.generation != 0);
			FZ_CHECK(!memcmp(m.u.hs.remote_key, keys.client_pub[!aidx],
					 PRL_KEY_LEN));
			memcpy(last_challenge[aidx], m.u.hs.challenge, PRL_KEY_LEN);
			have_challenge[aidx] = true;
		} else {
			const struct sockaddr *a = (const struct sockaddr *)&act.remote;

			FZ_CHECK(act.remote_len > 0);
			FZ_CHECK(a->sa_family == src.ss_family);
			FZ_CHECK(!memcmp(&act.remote, &src, act.remote_len));
			FZ_CHECK(act.local_len == 0);
			FZ_CHECK(ctx.sess.inprogress_gen[aidx] == 0);
		}
	}
	sum = 0;
	for (size_t i = 0; i < __PRL_HS_RESULT_MAX; i++)
		sum += srv.counters[i];
	FZ_CHECK(sum == calls);
	prl_hs_server_wipe(&srv);
	return 0;
}
