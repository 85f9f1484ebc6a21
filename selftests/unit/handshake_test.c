// SPDX-License-Identifier: GPL-2.0-only
/*
 * Relay handshake library (tools/relayd/handshake.c) against the scenarios
 * of protocol §7: 2 (Bind gets a Challenge), 3 (Answer is silent and
 * binds), 12 (Bind validation), 13 (Answer validation), 14 (several
 * challenges per generation), 15 (MAC inputs), 16 (secret rotation), run
 * once with IPv4 and once with IPv6 client addresses.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <sodium.h>

#include "kselftest_harness.h"

/* The library under test is not part of libpeerrelay.a: build it in. */
#include "../../tools/relayd/handshake.c"

#define MIN_NS	(60 * PRL_NSEC_PER_SEC)

struct kp {
	uint8_t pub[32], priv[32], shared[32];	/* shared with the relay */
};

struct world {
	struct prl_hs_server srv;
	struct prl_hs_session sess;
	uint8_t relay_priv[32], relay_pub[32];
	struct kp a, b, c;	/* a, b: the session's clients (a < b) */
	unsigned int ia, ib;	/* endpoint index of a and b */
	uint64_t now;
	unsigned long calls;
};

static uint64_t test_clock(void *ctx)
{
	return ((struct world *)ctx)->now;
}

static struct prl_hs_session *test_lookup(void *ctx, uint32_t vni)
{
	struct world *w = ctx;

	return vni == w->sess.vni ? &w->sess : NULL;
}

static void client_keys(struct world *w, struct kp *k)
{
	crypto_box_keypair(k->pub, k->priv);
	if (prl_disco_shared_key(k->shared, w->relay_pub, k->priv))
		abort();
}

static void world_init(struct world *w, uint32_t vni)
{
	memset(w, 0, sizeof(*w));
	if (sodium_init() < 0)
		abort();
	crypto_box_keypair(w->relay_pub, w->relay_priv);
	w->now = 1000 * PRL_NSEC_PER_SEC;
	if (prl_hs_server_init(&w->srv, w->relay_priv, test_clock, w))
		abort();
	client_keys(w, &w->a);
	client_keys(w, &w->b);
	client_keys(w, &w->c);
	/* pass the keys in "wrong" order on purpose: init sorts them */
	if (prl_hs_session_init(&w->sess, vni, w->b.pub, w->a.pub, &w->srv))
		abort();
	w->ia = memcmp(w->a.pub, w->b.pub, 32) < 0 ? 0 : 1;
	w->ib = !w->ia;
}

/* Build Geneve ‖ disco frame sealed by @from; returns the length. */
static size_t make_pkt(const struct kp *from, const uint8_t *sender_pub,
		       bool control, uint16_t proto, uint32_t geneve_vni,
		       uint8_t type, uint32_t vni, uint32_t gen,
		       const uint8_t *remote, const uint8_t *challenge,
		       uint8_t *out, size_t cap)
{
	struct prl_geneve_hdr gh = { .control = control, .proto = proto };
	struct prl_disco_msg m = { .type = type };
	ssize_t n;

	m.u.hs.vni = vni;
	m.u.hs.generation = gen;
	memcpy(m.u.hs.remote_key, remote, 32);
	if (challenge)
		memcpy(m.u.hs.challenge, challenge, 32);
	prl_geneve_set_vni(&gh, geneve_vni);
	if (prl_geneve_encode(out, cap, &gh) != 8)
		abort();
	n = prl_disco_seal_msg(out + 8, cap - 8, sender_pub ? sender_pub :
			      from->pub, from->shared, &m);
	if (n < 0)
		abort();
	return 8 + (size_t)n;
}

/* A well-formed Bind/Answer from client @k to the session. */
static size_t hs_pkt(struct world *w, const struct kp *k, uint8_t type,
		     uint32_t gen, const uint8_t *challenge, uint8_t *out)
{
	const struct kp *other = k == &w->a ? &w->b : &w->a;

	return make_pkt(k, NULL, true, PRELAY_GENEVE_PROTO_DISCO, w->sess.vni,
			type, w->sess.vni, gen, other->pub, challenge, out,
			PRL_DISCO_HANDSHAKE_PKT_LEN + 64);
}

static enum prl_hs_action_kind feed(struct world *w, const uint8_t *pkt,
				   size_t len, const struct sockaddr *src,
				   struct prl_hs_action *act)
{
	static const struct sockaddr_in local = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = 0x0100000a,	/* 10.0.0.1 */
		.sin_port = 0,
	};

	w->calls++;
	return prl_hs_handle(&w->srv, pkt, len, src,
			    (const struct sockaddr *)&local, test_lookup, w,
			    act);
}

static unsigned long total_counted(const struct world *w)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < __PRL_HS_RESULT_MAX; i++)
		sum += w->srv.counters[i];
	return sum;
}

FIXTURE(hs) {
	struct world w;
	struct sockaddr_storage src_a, src_a2, src_b, src_c;
};

FIXTURE_VARIANT(hs) {
	int family;
};

FIXTURE_VARIANT_ADD(hs, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(hs, ipv6) {
	.family = AF_INET6,
};

static void mkaddr(struct sockaddr_storage *ss, int family, int host,
		   uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(0xc0000200 | host); /* 192.0.2.x */
		sin->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::", &sin6->sin6_addr);
		sin6->sin6_addr.s6_addr[15] = (uint8_t)host;
		sin6->sin6_port = htons(port);
	}
}

#define SA(ss) ((const struct sockaddr *)&(ss))

FIXTURE_SETUP(hs)
{
	world_init(&self->w, 0x1c8);
	mkaddr(&self->src_a, variant->family, 1, 1000);
	mkaddr(&self->src_a2, variant->family, 1, 1001);
	mkaddr(&self->src_b, variant->family, 2, 2000);
	mkaddr(&self->src_c, variant->family, 3, 3000);
}

FIXTURE_TEARDOWN(hs)
{
	/* every call is counted exactly once, by some reason */
	EXPECT_EQ(self->w.calls, total_counted(&self->w));
	prl_hs_server_wipe(&self->w.srv);
}

/*
 * Check a Challenge reply per §7 scenario 2 and return its MAC in @chal.
 */
static void check_challenge(struct __test_metadata *_metadata,
			    struct world *w, const struct kp *k,
			    const struct prl_hs_action *act, size_t req_len,
			    uint32_t gen, uint8_t chal[32])
{
	const struct kp *other = k == &w->a ? &w->b : &w->a;
	struct prl_geneve_hdr gh;
	struct prl_disco_msg m;

	ASSERT_EQ(PRL_HS_ACT_REPLY, act->kind);
	ASSERT_EQ(PRL_HS_CHALLENGED, act->result);
	ASSERT_EQ(PRL_DISCO_HANDSHAKE_PKT_LEN, act->reply_len);
	ASSERT_LE(act->reply_len, req_len);	/* no amplification */
	EXPECT_EQ(k == &w->a ? w->ia : w->ib, act->endpoint);
	ASSERT_EQ(0, prl_geneve_decode(act->reply, act->reply_len, &gh));
	EXPECT_EQ(0x00, act->reply[0]);		/* version/optlen 0 */
	EXPECT_EQ(0x80, act->reply[1]);		/* O=1, C and reserved 0 */
	EXPECT_EQ(0x00, act->reply[7]);
	EXPECT_TRUE(gh.control);
	EXPECT_EQ(PRELAY_GENEVE_PROTO_DISCO, gh.proto);
	EXPECT_EQ(w->sess.vni, gh.vni);
	EXPECT_TRUE(prl_geneve_client_accepts(act->reply, act->reply_len));
	/* sender = ServerDisco, opens with the client's key */
	ASSERT_EQ(0, memcmp(prl_disco_sender(act->reply + 8,
					    act->reply_len - 8),
			    w->relay_pub, 32));
	ASSERT_EQ(0, prl_disco_open_msg(act->reply + 8, act->reply_len - 8,
				       k->shared, &m));
	EXPECT_EQ(PRL_DISCO_CHALLENGE, m.type);
	EXPECT_EQ(w->sess.vni, m.u.hs.vni);
	EXPECT_EQ(gen, m.u.hs.generation);
	EXPECT_EQ(0, memcmp(m.u.hs.remote_key, other->pub, 32));
	memcpy(chal, m.u.hs.challenge, 32);
}

/* Bind from @k at @src with @gen; returns the challenge. */
static void do_bind(struct __test_metadata *_metadata, struct world *w,
		    const struct kp *k, const struct sockaddr *src,
		    uint32_t gen, uint8_t chal[32])
{
	uint8_t pkt[256];
	struct prl_hs_action act;
	size_t n = hs_pkt(w, k, PRL_DISCO_BIND, gen, NULL, pkt);

	feed(w, pkt, n, src, &act);
	check_challenge(_metadata, w, k, &act, n, gen, chal);
}

static enum prl_hs_result do_answer(struct world *w, const struct kp *k,
				   const struct sockaddr *src, uint32_t gen,
				   const uint8_t chal[32],
				   struct prl_hs_action *act)
{
	uint8_t pkt[256];
	size_t n = hs_pkt(w, k, PRL_DISCO_ANSWER, gen, chal, pkt);

	feed(w, pkt, n, src, act);
	return act->result;
}

static bool same_sockaddr(const struct sockaddr_storage *a,
			  const struct sockaddr_storage *b)
{
	size_t len = a->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
		     sizeof(struct sockaddr_in6);

	return a->ss_family == b->ss_family && !memcmp(a, b, len);
}

/* §7 scenario 2 */
TEST_F(hs, bind_gets_challenge)
{
	uint8_t chal[32], zero[32] = { 0 };

	do_bind(_metadata, &self->w, &self->w.a, SA(self->src_a), 1, chal);
	EXPECT_NE(0, memcmp(chal, zero, 32));
	EXPECT_EQ(1u, self->w.sess.inprogress_gen[self->w.ia]);
	EXPECT_EQ(0u, self->w.sess.inprogress_gen[self->w.ib]);
	EXPECT_EQ(1u, self->w.srv.counters[PRL_HS_CHALLENGED]);
	EXPECT_EQ(1u, self->w.srv.n_secrets);
}

/* §7 scenario 3 */
TEST_F(hs, answer_is_silent_and_binds)
{
	struct world *w = &self->w;
	struct prl_hs_action act;
	uint8_t chal[32];
	uint32_t gen;

	for (gen = 1; gen <= 2; gen++) {
		do_bind(_metadata, w, &w->a, SA(self->src_a), gen, chal);
		ASSERT_EQ(PRL_HS_BOUND, do_answer(w, &w->a, SA(self->src_a),
						 gen, chal, &act));
		EXPECT_EQ(PRL_HS_ACT_BIND, act.kind);
		EXPECT_EQ(0u, act.reply_len);
		EXPECT_EQ(w->ia, act.endpoint);
		EXPECT_EQ(w->sess.vni, act.vni);
		EXPECT_EQ(gen, act.generation);
		EXPECT_TRUE(same_sockaddr(&act.remote, &self->src_a));
		EXPECT_EQ(AF_INET, act.local.ss_family);
		EXPECT_EQ(sizeof(struct sockaddr_in), act.local_len);
		EXPECT_EQ(0u, w->sess.inprogress_gen[w->ia]);

		do_bind(_metadata, w, &w->b, SA(self->src_b), gen, chal);
		ASSERT_EQ(PRL_HS_BOUND, do_answer(w, &w->b, SA(self->src_b),
						 gen, chal, &act));
		EXPECT_EQ(w->ib, act.endpoint);
		EXPECT_TRUE(same_sockaddr(&act.remote, &self->src_b));
	}
	EXPECT_EQ(4u, w->srv.counters[PRL_HS_BOUND]);
	/* replaying an Answer after it bound: no handshake in progress */
	EXPECT_EQ(PRL_HS_DROP_NO_HANDSHAKE,
		  do_answer(w, &w->b, SA(self->src_b), 2, chal, &act));
	EXPECT_EQ(PRL_HS_ACT_DROP, act.kind);
}

/* §7 scenario 7 (library part): a rebind from a new port binds it */
TEST_F(hs, rebind_from_new_port)
{
	struct world *w = &self->w;
	struct prl_hs_action act;
	uint8_t chal[32];

	do_bind(_metadata, w, &w->a, SA(self->src_a), 1, chal);
	ASSERT_EQ(PRL_HS_BOUND, do_answer(w, &w->a, SA(self->src_a), 1, chal,
					 &act));
	do_bind(_metadata, w, &w->a, SA(self->src_a2), 2, chal);
	ASSERT_EQ(PRL_HS_BOUND, do_answer(w, &w->a, SA(self->src_a2), 2, chal,
					 &act));
	EXPECT_TRUE(same_sockaddr(&act.remote, &self->src_a2));
}

static void expect_bind_dropped(struct __test_metadata *_metadata,
				struct world *w, const uint8_t *pkt,
				size_t len, const struct sockaddr *src,
				enum prl_hs_result why)
{
	struct prl_hs_action act;
	uint32_t g0 = w->sess.inprogress_gen[0], g1 = w->sess.inprogress_gen[1];
	uint64_t before = w->srv.counters[why];

	EXPECT_EQ(PRL_HS_ACT_DROP, feed(w, pkt, len, src, &act));
	EXPECT_EQ(why, act.result) {
		TH_LOG("got %s, want %s", prl_hs_result_name(act.result),
		       prl_hs_result_name(why));
	}
	EXPECT_EQ(0u, act.reply_len);
	EXPECT_EQ(before + 1, w->srv.counters[why]);
	/* a dropped Bind does not touch the in-progress generation */
	EXPECT_EQ(g0, w->sess.inprogress_gen[0]);
	EXPECT_EQ(g1, w->sess.inprogress_gen[1]);
}

/* §7 scenario 12 */
TEST_F(hs, bind_validation)
{
	struct world *w = &self->w;
	const struct sockaddr *src = SA(self->src_a);
	uint32_t vni = w->sess.vni;
	uint8_t pkt[256];
	size_t n;

	/* sealed VNI != Geneve VNI */
	n = make_pkt(&w->a, NULL, true, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_BIND, vni + 1, 1, w->b.pub, NULL, pkt,
		     sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src,
			    PRL_HS_DROP_VNI_MISMATCH);
	/* RemoteKey != the other client's key (own key, a stranger's) */
	n = make_pkt(&w->a, NULL, true, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_BIND, vni, 1, w->a.pub, NULL, pkt, sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_REMOTE_KEY);
	n = make_pkt(&w->a, NULL, true, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_BIND, vni, 1, w->c.pub, NULL, pkt, sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_REMOTE_KEY);
	/* generation 0 */
	n = hs_pkt(w, &w->a, PRL_DISCO_BIND, 0, NULL, pkt);
	expect_bind_dropped(_metadata, w, pkt, n, src,
			    PRL_HS_DROP_ZERO_GENERATION);
	/* sender key not in the session pair */
	n = make_pkt(&w->c, NULL, true, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_BIND, vni, 1, w->b.pub, NULL, pkt, sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, SA(self->src_c),
			    PRL_HS_DROP_UNKNOWN_SENDER);
	/* box that fails authentication: claims A, sealed by C */
	n = make_pkt(&w->c, w->a.pub, true, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_BIND, vni, 1, w->b.pub, NULL, pkt, sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_AUTH);
	/* ... and a flipped ciphertext bit */
	n = hs_pkt(w, &w->a, PRL_DISCO_BIND, 1, NULL, pkt);
	pkt[n - 1] ^= 0x01;
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_AUTH);
	/* a control packet whose protocol is 0x7A12 */
	n = make_pkt(&w->a, NULL, true, PRELAY_GENEVE_PROTO_WG, vni,
		     PRL_DISCO_BIND, vni, 1, w->b.pub, NULL, pkt, sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_NOT_DISCO);

	/* more drop rules of §2.7 / §3 */
	n = make_pkt(&w->a, NULL, true, PRELAY_GENEVE_PROTO_DISCO, vni + 1,
		     PRL_DISCO_BIND, vni + 1, 1, w->b.pub, NULL, pkt,
		     sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_UNKNOWN_VNI);
	n = make_pkt(&w->a, NULL, false, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_BIND, vni, 1, w->b.pub, NULL, pkt, sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_NOT_CONTROL);
	/* a client may not send a Challenge (or Ping) to the relay */
	n = make_pkt(&w->a, NULL, true, PRELAY_GENEVE_PROTO_DISCO, vni,
		     PRL_DISCO_CHALLENGE, vni, 1, w->b.pub, NULL, pkt,
		     sizeof(pkt));
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_BAD_TYPE);
	/* no magic / too short for a box */
	n = hs_pkt(w, &w->a, PRL_DISCO_BIND, 1, NULL, pkt);
	pkt[8] = 'X';
	expect_bind_dropped(_metadata, w, pkt, n, src, PRL_HS_DROP_BAD_FRAME);
	n = hs_pkt(w, &w->a, PRL_DISCO_BIND, 1, NULL, pkt);
	expect_bind_dropped(_metadata, w, pkt, 8 + PRL_DISCO_OVERHEAD - 1, src,
			    PRL_HS_DROP_BAD_FRAME);
	/* authentic but truncated plaintext: a 71-byte body */
	{
		struct prl_geneve_hdr gh = { .control = true,
					    .proto = PRELAY_GENEVE_PROTO_DISCO };
		uint8_t plain[73] = { PRL_DISCO_BIND, 0 };
		ssize_t fl;

		prl_geneve_set_vni(&gh, vni);
		prl_geneve_encode(pkt, sizeof(pkt), &gh);
		fl = prl_disco_seal(pkt + 8, sizeof(pkt) - 8, w->a.pub,
				   w->a.shared, plain, sizeof(plain));
		ASSERT_LT(0, fl);
		expect_bind_dropped(_metadata, w, pkt, 8 + (size_t)fl, src,
				    PRL_HS_DROP_PARSE);
	}
	/* short / not Geneve / STUN never reach the handshake */
	expect_bind_dropped(_metadata, w, pkt, 7, src, PRL_HS_DROP_NOT_CONTROL);
	pkt[0] = 0x54;
	expect_bind_dropped(_metadata, w, pkt, 100, src,
			    PRL_HS_DROP_NOT_CONTROL);
	/* a source address of another family */
	{
		struct sockaddr_storage un = { .ss_family = AF_UNIX };

		n = hs_pkt(w, &w->a, PRL_DISCO_BIND, 1, NULL, pkt);
		expect_bind_dropped(_metadata, w, pkt, n, SA(un),
				    PRL_HS_DROP_BAD_ADDRESS);
	}
	EXPECT_EQ(0u, w->srv.counters[PRL_HS_CHALLENGED]);
}

TEST_F(hs, bind_with_trailing_bytes_still_same_size_reply)
{
	struct world *w = &self->w;
	struct prl_geneve_hdr gh = { .control = true,
				    .proto = PRELAY_GENEVE_PROTO_DISCO };
	struct prl_disco_msg m = { .type = PRL_DISCO_BIND };
	uint8_t plain[200] = { 0 }, pkt[400], chal[32];
	struct prl_hs_action act;
	ssize_t fl;

	m.u.hs.vni = w->sess.vni;
	m.u.hs.generation = 5;
	memcpy(m.u.hs.remote_key, w->b.pub, 32);
	ASSERT_EQ(74, prl_disco_marshal(&m, plain, sizeof(plain)));
	plain[1] = 3;	/* version is ignored for handshake messages */
	prl_geneve_set_vni(&gh, w->sess.vni);
	prl_geneve_encode(pkt, sizeof(pkt), &gh);
	fl = prl_disco_seal(pkt + 8, sizeof(pkt) - 8, w->a.pub, w->a.shared,
			   plain, sizeof(plain));
	ASSERT_LT(0, fl);
	feed(w, pkt, 8 + (size_t)fl, SA(self->src_a), &act);
	check_challenge(_metadata, w, &w->a, &act, 8 + (size_t)fl, 5, chal);
}

/* §7 scenario 13 */
TEST_F(hs, answer_validation)
{
	struct world *w = &self->w;
	struct prl_hs_action act;
	uint8_t chal[32], chal1[32], chal2[32], bad[32];

	/* no Bind seen first */
	randombytes_buf(bad, sizeof(bad));
	EXPECT_EQ(PRL_HS_DROP_NO_HANDSHAKE,
		  do_answer(w, &w->a, SA(self->src_a), 1, bad, &act));
	EXPECT_EQ(PRL_HS_ACT_DROP, act.kind);

	/* from a different source port than the Bind */
	do_bind(_metadata, w, &w->a, SA(self->src_a), 1, chal);
	EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
		  do_answer(w, &w->a, SA(self->src_a2), 1, chal, &act));
	/* from a different IP, same port */
	EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
		  do_answer(w, &w->a, SA(self->src_b), 1, chal, &act));
	/* with the challenge modified (each byte) */
	for (int i = 0; i < 32; i++) {
		memcpy(bad, chal, 32);
		bad[i] ^= 0x80;
		EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
			  do_answer(w, &w->a, SA(self->src_a), 1, bad, &act));
	}
	/* B cannot use A's challenge */
	do_bind(_metadata, w, &w->b, SA(self->src_b), 1, chal2);
	EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
		  do_answer(w, &w->b, SA(self->src_a), 1, chal, &act));
	/* a generation older than the latest Bind */
	do_bind(_metadata, w, &w->a, SA(self->src_a), 1, chal1);
	do_bind(_metadata, w, &w->a, SA(self->src_a), 2, chal2);
	EXPECT_EQ(PRL_HS_DROP_GENERATION,
		  do_answer(w, &w->a, SA(self->src_a), 1, chal1, &act));
	/* a generation newer than the Bind, with the right MAC otherwise */
	EXPECT_EQ(PRL_HS_DROP_GENERATION,
		  do_answer(w, &w->a, SA(self->src_a), 3, chal2, &act));
	/* the challenge of gen 1 does not verify for gen 2 */
	EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
		  do_answer(w, &w->a, SA(self->src_a), 2, chal1, &act));
	/* generation 0 is caught by the in-progress check */
	EXPECT_EQ(PRL_HS_DROP_GENERATION,
		  do_answer(w, &w->a, SA(self->src_a), 0, chal2, &act));
	EXPECT_EQ(0u, w->srv.counters[PRL_HS_BOUND]);

	/* and after all that, the real answer still works */
	EXPECT_EQ(PRL_HS_BOUND,
		  do_answer(w, &w->a, SA(self->src_a), 2, chal2, &act));
}

/* §7 scenario 14 */
TEST_F(hs, several_challenges_per_generation)
{
	struct world *w = &self->w;
	struct prl_hs_action act;
	uint8_t c1[32], c2[32];

	/* answering the second one from its own address binds it */
	do_bind(_metadata, w, &w->a, SA(self->src_a), 7, c1);
	do_bind(_metadata, w, &w->a, SA(self->src_a2), 7, c2);
	EXPECT_NE(0, memcmp(c1, c2, 32));
	/* crossed: challenge 2 from address 1 fails */
	EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
		  do_answer(w, &w->a, SA(self->src_a), 7, c2, &act));
	ASSERT_EQ(PRL_HS_BOUND,
		  do_answer(w, &w->a, SA(self->src_a2), 7, c2, &act));
	EXPECT_TRUE(same_sockaddr(&act.remote, &self->src_a2));

	/* again, this time answering the first */
	do_bind(_metadata, w, &w->a, SA(self->src_a), 8, c1);
	do_bind(_metadata, w, &w->a, SA(self->src_a2), 8, c2);
	ASSERT_EQ(PRL_HS_BOUND,
		  do_answer(w, &w->a, SA(self->src_a), 8, c1, &act));
	EXPECT_TRUE(same_sockaddr(&act.remote, &self->src_a));
	/* the other challenge of the completed handshake is now useless */
	EXPECT_EQ(PRL_HS_DROP_NO_HANDSHAKE,
		  do_answer(w, &w->a, SA(self->src_a2), 8, c2, &act));
	/* retransmitted Binds get their own challenge too */
	do_bind(_metadata, w, &w->b, SA(self->src_b), 1, c1);
	do_bind(_metadata, w, &w->b, SA(self->src_b), 1, c2);
	ASSERT_EQ(PRL_HS_BOUND,
		  do_answer(w, &w->b, SA(self->src_b), 1, c1, &act));
}

/* §7 scenario 15: MAC inputs */
TEST_F(hs, mac_inputs)
{
	struct prl_disco_handshake hs = { .vni = 1, .generation = 2 }, h2;
	struct sockaddr_storage src, s2;
	uint8_t secret[32], secret2[32], base[32], mac[32];

	randombytes_buf(secret, 32);
	memcpy(secret2, secret, 32);
	secret2[31] ^= 1;
	randombytes_buf(hs.remote_key, 32);
	randombytes_buf(hs.challenge, 32);
	mkaddr(&src, variant->family, 9, 4242);
	ASSERT_EQ(0, prl_hs_mac(secret, &hs, SA(src), base));

	/* deterministic */
	ASSERT_EQ(0, prl_hs_mac(secret, &hs, SA(src), mac));
	EXPECT_EQ(0, memcmp(base, mac, 32));
	/* the Challenge field is not an input */
	h2 = hs;
	randombytes_buf(h2.challenge, 32);
	ASSERT_EQ(0, prl_hs_mac(secret, &h2, SA(src), mac));
	EXPECT_EQ(0, memcmp(base, mac, 32));
	/* VNI */
	h2 = hs;
	h2.vni++;
	ASSERT_EQ(0, prl_hs_mac(secret, &h2, SA(src), mac));
	EXPECT_NE(0, memcmp(base, mac, 32));
	/* generation */
	h2 = hs;
	h2.generation++;
	ASSERT_EQ(0, prl_hs_mac(secret, &h2, SA(src), mac));
	EXPECT_NE(0, memcmp(base, mac, 32));
	/* RemoteKey, every byte */
	for (int i = 0; i < 32; i++) {
		h2 = hs;
		h2.remote_key[i] ^= 1;
		ASSERT_EQ(0, prl_hs_mac(secret, &h2, SA(src), mac));
		EXPECT_NE(0, memcmp(base, mac, 32));
	}
	/* secret */
	ASSERT_EQ(0, prl_hs_mac(secret2, &hs, SA(src), mac));
	EXPECT_NE(0, memcmp(base, mac, 32));
	/* source port */
	mkaddr(&s2, variant->family, 9, 4243);
	ASSERT_EQ(0, prl_hs_mac(secret, &hs, SA(s2), mac));
	EXPECT_NE(0, memcmp(base, mac, 32));
	/* source IP */
	mkaddr(&s2, variant->family, 10, 4242);
	ASSERT_EQ(0, prl_hs_mac(secret, &hs, SA(s2), mac));
	EXPECT_NE(0, memcmp(base, mac, 32));
	/* IPv6 scope id */
	if (variant->family == AF_INET6) {
		mkaddr(&s2, variant->family, 9, 4242);
		((struct sockaddr_in6 *)&s2)->sin6_scope_id = 2;
		ASSERT_EQ(0, prl_hs_mac(secret, &hs, SA(s2), mac));
		EXPECT_NE(0, memcmp(base, mac, 32));
	}
	/* unsupported family */
	s2.ss_family = AF_UNIX;
	EXPECT_EQ(-1, prl_hs_mac(secret, &hs, SA(s2), mac));
}

/* §7 scenario 16: rotation semantics with an injected clock */
TEST_F(hs, secret_rotation)
{
	struct world *w = &self->w;
	uint8_t first[32], second[32];
	uint64_t t0 = w->now;

	EXPECT_EQ(0u, w->srv.n_secrets);
	prl_hs_maybe_rotate(&w->srv);
	ASSERT_EQ(1u, w->srv.n_secrets);
	memcpy(first, w->srv.secret[0], 32);
	/* just before 2 min: no change */
	w->now = t0 + 2 * MIN_NS - 1;
	prl_hs_maybe_rotate(&w->srv);
	EXPECT_EQ(1u, w->srv.n_secrets);
	EXPECT_EQ(0, memcmp(first, w->srv.secret[0], 32));
	/* at 2 min: two secrets, the old one in slot 1 */
	w->now = t0 + 2 * MIN_NS;
	prl_hs_maybe_rotate(&w->srv);
	ASSERT_EQ(2u, w->srv.n_secrets);
	EXPECT_EQ(0, memcmp(first, w->srv.secret[1], 32));
	EXPECT_NE(0, memcmp(first, w->srv.secret[0], 32));
	memcpy(second, w->srv.secret[0], 32);
	/* another 2 min later: both are new */
	w->now = t0 + 4 * MIN_NS;
	prl_hs_maybe_rotate(&w->srv);
	EXPECT_EQ(2u, w->srv.n_secrets);
	EXPECT_NE(0, memcmp(first, w->srv.secret[0], 32));
	EXPECT_NE(0, memcmp(first, w->srv.secret[1], 32));
	EXPECT_EQ(0, memcmp(second, w->srv.secret[1], 32));
	EXPECT_NE(0, memcmp(second, w->srv.secret[0], 32));
	/* rotation is lazy: a long quiet period still rotates only once */
	memcpy(second, w->srv.secret[0], 32);
	w->now = t0 + 60 * MIN_NS;
	prl_hs_maybe_rotate(&w->srv);
	EXPECT_EQ(0, memcmp(second, w->srv.secret[1], 32));
}

TEST_F(hs, answer_across_rotations)
{
	struct world *w = &self->w;
	struct prl_hs_action act;
	uint8_t chal[32], other[32];

	/* previous secret: the Answer itself rotates, then verifies */
	do_bind(_metadata, w, &w->a, SA(self->src_a), 1, chal);
	w->now += 2 * MIN_NS;
	EXPECT_EQ(PRL_HS_BOUND,
		  do_answer(w, &w->a, SA(self->src_a), 1, chal, &act));
	EXPECT_EQ(2u, w->srv.n_secrets);

	/* two rotations ago: no longer verifies */
	do_bind(_metadata, w, &w->a, SA(self->src_a), 2, chal);
	w->now += 2 * MIN_NS;
	do_bind(_metadata, w, &w->b, SA(self->src_b), 1, other); /* rotates */
	w->now += 2 * MIN_NS;
	EXPECT_EQ(PRL_HS_DROP_BAD_MAC,
		  do_answer(w, &w->a, SA(self->src_a), 2, chal, &act));
	/* B's challenge was issued one rotation ago: still fine */
	EXPECT_EQ(PRL_HS_BOUND,
		  do_answer(w, &w->b, SA(self->src_b), 1, other, &act));
}

TEST(session_init_rules)
{
	struct world w;
	struct prl_hs_session s;
	uint8_t zero[32] = { 0 };

	world_init(&w, 5);
	EXPECT_EQ(5u, w.sess.vni);
	EXPECT_GT(0, memcmp(w.sess.client_key[0], w.sess.client_key[1], 32));
	EXPECT_EQ(0, memcmp(w.sess.client_key[w.ia], w.a.pub, 32));
	EXPECT_EQ(0, memcmp(w.sess.shared[w.ia], w.a.shared, 32));
	EXPECT_EQ(0, memcmp(w.sess.shared[w.ib], w.b.shared, 32));
	EXPECT_EQ(0, memcmp(w.srv.pub, w.relay_pub, 32));
	EXPECT_EQ(-1, prl_hs_session_init(&s, 6, w.a.pub, w.a.pub, &w.srv));
	EXPECT_EQ(-1, prl_hs_session_init(&s, 6, w.a.pub, w.relay_pub, &w.srv));
	EXPECT_EQ(-1, prl_hs_session_init(&s, 6, w.relay_pub, w.b.pub, &w.srv));
	EXPECT_EQ(-1, prl_hs_session_init(&s, 6, zero, w.b.pub, &w.srv));
	EXPECT_EQ(0, prl_hs_session_init(&s, 6, w.a.pub, w.c.pub, &w.srv));
}

/* relayd's view: keys checked at once, the key exchange at first use. */
TEST(session_prepare_then_keys)
{
	struct world w;
	struct prl_hs_session s;
	uint8_t zero[32] = { 0 };

	world_init(&w, 5);
	EXPECT_EQ(-1, prl_hs_session_prepare(&s, 6, w.a.pub, w.a.pub, &w.srv));
	EXPECT_EQ(-1, prl_hs_session_prepare(&s, 6, w.relay_pub, w.b.pub, &w.srv));
	ASSERT_EQ(0, prl_hs_session_prepare(&s, 7, w.b.pub, w.a.pub, &w.srv));
	EXPECT_EQ(0, memcmp(s.client_key, w.sess.client_key, sizeof(s.client_key)));
	EXPECT_EQ(0, memcmp(s.shared[0], zero, 32));	/* not yet */
	ASSERT_EQ(0, prl_hs_session_keys(&s, &w.srv));
	EXPECT_EQ(0, memcmp(s.shared, w.sess.shared, sizeof(s.shared)));
	/* a low-order point passes the cheap checks, not the exchange */
	ASSERT_EQ(0, prl_hs_session_prepare(&s, 8, zero, w.b.pub, &w.srv));
	EXPECT_EQ(-1, prl_hs_session_keys(&s, &w.srv));
}

TEST(result_names)
{
	int i;

	for (i = 0; i < __PRL_HS_RESULT_MAX; i++) {
		ASSERT_NE(NULL, prl_hs_result_names[i]);
		EXPECT_STRNE("unknown", prl_hs_result_name(i));
	}
	EXPECT_STREQ("unknown", prl_hs_result_name(__PRL_HS_RESULT_MAX));
	EXPECT_STREQ("drop_bad_mac", prl_hs_result_name(PRL_HS_DROP_BAD_MAC));
	EXPECT_STREQ("challenged", prl_hs_result_name(PRL_HS_CHALLENGED));
	EXPECT_STREQ("drop_internal", prl_hs_result_name(PRL_HS_DROP_INTERNAL));
}

TEST(random_datagrams_are_dropped)
{
	struct world w;
	struct prl_hs_action act;
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = 1 };
	int i;

	world_init(&w, 0x10);
	for (i = 0; i < 20000; i++) {
		size_t len = randombytes_uniform(240);
		uint8_t *b = malloc(len ? len : 1);

		randombytes_buf(b, len);
		if (len >= 8 && (i & 1)) {	/* make many look like control */
			b[0] = 0;
			b[1] = 0x80;
			b[2] = 0x7a;
			b[3] = 0x11;
			b[4] = 0;
			b[5] = 0;
			b[6] = 0x10;
		}
		if (len >= 14 && (i & 2))
			memcpy(b + 8, "TS\xf0\x9f\x92\xac", 6);
		if (len >= 46 && (i & 4))
			memcpy(b + 14, w.a.pub, 32);
		ASSERT_EQ(PRL_HS_ACT_DROP,
			  prl_hs_handle(&w.srv, b, len, SA(src), NULL,
				       test_lookup, &w, &act));
		free(b);
	}
	EXPECT_EQ(20000u, total_counted(&w));
	EXPECT_EQ(0u, w.sess.inprogress_gen[0] | w.sess.inprogress_gen[1]);
}

TEST_HARNESS_MAIN
