// SPDX-License-Identifier: GPL-2.0-only
/*
 * In-band allocation library (tools/relayd/alloc.c): grants file parsing,
 * AllocateRequest checks (§2.4, §4.1, §7 scenario 21) and the
 * AllocateResponse a client can open and parse (§2.5, §4.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kselftest_harness.h"

#include "keyfile.h"
/* The library under test is not part of libpeerrelay.a: build it in. */
#include "../../tools/relayd/alloc.c"

struct kp {
	uint8_t pub[32], priv[32], shared[32];	/* shared with the relay */
};

struct world {
	uint8_t relay_priv[32], relay_pub[32];
	struct kp a, b, c;	/* a: granted; b: peer; c: not granted */
	struct prl_grants grants;
	struct prl_alloc_ctx ctx;
};

static void kp_init(struct world *w, struct kp *k)
{
	if (prl_key_generate(k->priv, k->pub) ||
	    prl_disco_shared_key(k->shared, w->relay_pub, k->priv))
		abort();
}

static void world_init(struct world *w)
{
	char err[128], text[512], hex[65];

	memset(w, 0, sizeof(*w));
	if (prl_key_generate(w->relay_priv, w->relay_pub))
		abort();
	kp_init(w, &w->a);
	kp_init(w, &w->b);
	kp_init(w, &w->c);
	snprintf(text, sizeof(text), "# clients allowed to allocate\n%s\n",
		 prl_key_to_hex(w->a.pub, hex));
	if (prl_grants_parse(text, strlen(text), &w->grants, err, sizeof(err)))
		abort();
	if (prl_alloc_ctx_init(&w->ctx, w->relay_priv, &w->grants))
		abort();
}

static void world_fini(struct world *w)
{
	prl_grants_free(&w->grants);
	prl_alloc_ctx_wipe(&w->ctx);
}

/*
 * A sealed AllocateRequest from @from (sender key @sender or its own),
 * padded like relay-client pads it (PRL_DISCO_ALLOC_REQ_FRAME_LEN).
 */
static size_t make_req_len(const struct kp *from, const uint8_t *sender,
			   const uint8_t *k0, const uint8_t *k1, uint32_t gen,
			   uint8_t *out, size_t cap, size_t frame_len)
{
	struct prl_disco_msg m = { .type = PRL_DISCO_ALLOC_REQUEST };
	uint8_t plain[PRL_DISCO_ALLOC_REQ_FRAME_LEN] = { 0 };
	ssize_t n;

	memcpy(m.u.alloc_req.client_key[0], k0, 32);
	memcpy(m.u.alloc_req.client_key[1], k1, 32);
	m.u.alloc_req.generation = gen;
	if (prl_disco_marshal(&m, plain, sizeof(plain)) != 70 ||
	    frame_len < PRL_DISCO_OVERHEAD + 70 || frame_len > sizeof(plain))
		abort();
	n = prl_disco_seal(out, cap, sender ? sender : from->pub, from->shared,
			  plain, frame_len - PRL_DISCO_OVERHEAD);
	if (n < 0)
		abort();
	return (size_t)n;
}

static size_t make_req(const struct kp *from, const uint8_t *sender,
		       const uint8_t *k0, const uint8_t *k1, uint32_t gen,
		       uint8_t *out, size_t cap)
{
	return make_req_len(from, sender, k0, k1, gen, out, cap,
			    PRL_DISCO_ALLOC_REQ_FRAME_LEN);
}

TEST(grants_file_format)
{
	static const char good[] =
		"# comment line\n"
		"\n"
		"   0101010101010101010101010101010101010101010101010101010101010101  \n"
		"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB # trailing comment\n"
		"discokey:0202020202020202020202020202020202020202020202020202020202020202\r\n"
		"0101010101010101010101010101010101010101010101010101010101010101\n"
		"\t# indented comment";
	struct prl_grants g;
	uint8_t k[32];
	char err[128];

	ASSERT_EQ(0, prl_grants_parse(good, strlen(good), &g, err, sizeof(err)));
	EXPECT_EQ(3u, g.n);	/* the duplicate is kept once */
	memset(k, 0x01, 32);
	EXPECT_TRUE(prl_grants_contains(&g, k));
	memset(k, 0xab, 32);
	EXPECT_TRUE(prl_grants_contains(&g, k));
	memset(k, 0x02, 32);
	EXPECT_TRUE(prl_grants_contains(&g, k));
	memset(k, 0x03, 32);
	EXPECT_FALSE(prl_grants_contains(&g, k));
	EXPECT_FALSE(prl_grants_contains(NULL, k));
	prl_grants_free(&g);

	/* empty file: nobody */
	ASSERT_EQ(0, prl_grants_parse("", 0, &g, err, sizeof(err)));
	EXPECT_EQ(0u, g.n);
	EXPECT_FALSE(prl_grants_contains(&g, k));

	/* errors name the line */
	ASSERT_EQ(-1, prl_grants_parse("# ok\n0102\n", 10, &g, err,
				      sizeof(err)));
	EXPECT_STREQ("line 2: not a 64-hex-digit key", err);
	EXPECT_EQ(0u, g.n);
	EXPECT_NULL(g.keys);
	ASSERT_EQ(-1, prl_grants_parse(
		"0101010101010101010101010101010101010101010101010101010101010101 x\n",
		67, &g, err, sizeof(err)));
	ASSERT_EQ(-1, prl_grants_parse(
		"010101010101010101010101010101010101010101010101010101010101010g\n",
		65, &g, err, sizeof(err)));
	ASSERT_EQ(-1, prl_grants_parse("a\0b\n", 4, &g, err, sizeof(err)));
}

TEST(grants_load_file)
{
	char dir[] = "/tmp/alloc_test.XXXXXX", path[64], err[256];
	struct prl_grants g;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/grants", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "%064d\n# x\n%064d\n", 1, 2);
	fclose(f);
	ASSERT_EQ(0, prl_grants_load(path, &g, err, sizeof(err)));
	EXPECT_EQ(2u, g.n);
	prl_grants_free(&g);
	unlink(path);
	EXPECT_EQ(-1, prl_grants_load(path, &g, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "No such file"));
	rmdir(dir);
}

TEST(request_accepted_and_response_opens)
{
	struct world w;
	struct prl_alloc_request req;
	struct prl_alloc_session sess = {
		.vni = 0x1c8, .lamport = 7,
		.bind_lifetime_ms = 30000, .idle_lifetime_ms = 300000,
	};
	struct prl_addrport eps[5], *st = eps, *loc = eps + 2;	/* static, local */
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct prl_disco_msg m;
	uint8_t pkt[PRL_DISCO_ALLOC_REQ_FRAME_LEN], resp[PRL_ALLOC_RESPONSE_MAX];
	const uint8_t *lo, *hi;
	size_t n;
	ssize_t rn;

	world_init(&w);
	lo = memcmp(w.a.pub, w.b.pub, 32) < 0 ? w.a.pub : w.b.pub;
	hi = lo == w.a.pub ? w.b.pub : w.a.pub;
	/* request lists the keys unsorted on purpose */
	n = make_req(&w.a, NULL, hi, lo, 42, pkt, sizeof(pkt));
	ASSERT_EQ(PRL_DISCO_ALLOC_REQ_FRAME_LEN, n);
	ASSERT_EQ(PRL_ALLOC_OK, prl_alloc_parse(&w.ctx, pkt, n, &req));
	EXPECT_EQ(0, memcmp(req.sender, w.a.pub, 32));
	EXPECT_EQ(0, memcmp(req.client_key[0], lo, 32));
	EXPECT_EQ(0, memcmp(req.client_key[1], hi, 32));
	EXPECT_EQ(42u, req.generation);
	EXPECT_EQ(1u, w.ctx.counters[PRL_ALLOC_OK]);

	/* addresses: static first, duplicates dropped */
	sin.sin_port = htons(7000);
	inet_pton(AF_INET, "198.51.100.1", &sin.sin_addr);
	prl_addrport_from_sockaddr(&st[0], (struct sockaddr *)&sin);
	sin6.sin6_port = htons(7000);
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	prl_addrport_from_sockaddr(&st[1], (struct sockaddr *)&sin6);
	inet_pton(AF_INET, "10.0.0.1", &sin.sin_addr);
	prl_addrport_from_sockaddr(&loc[0], (struct sockaddr *)&sin);
	loc[1] = st[0];
	inet_pton(AF_INET, "10.0.0.2", &sin.sin_addr);
	prl_addrport_from_sockaddr(&loc[2], (struct sockaddr *)&sin);
	rn = prl_alloc_build_response(&w.ctx, &req, &sess, eps, 5, resp,
				     sizeof(resp));
	ASSERT_EQ((ssize_t)(PRL_DISCO_OVERHEAD + 2 + 4 + 124 + 4 * 18), rn);

	/* the client opens it with its own key */
	EXPECT_EQ(0, memcmp(prl_disco_sender(resp, (size_t)rn), w.relay_pub,
			    32));
	ASSERT_EQ(0, prl_disco_open_msg(resp, (size_t)rn, w.a.shared, &m));
	ASSERT_EQ(PRL_DISCO_ALLOC_RESPONSE, m.type);
	EXPECT_EQ(42u, m.u.alloc_resp.generation);
	EXPECT_EQ(0, memcmp(m.u.alloc_resp.ep.server_key, w.relay_pub, 32));
	EXPECT_EQ(0, memcmp(m.u.alloc_resp.ep.client_key[0], lo, 32));
	EXPECT_EQ(0, memcmp(m.u.alloc_resp.ep.client_key[1], hi, 32));
	EXPECT_EQ(7u, m.u.alloc_resp.ep.lamport);
	EXPECT_EQ(0x1c8u, m.u.alloc_resp.ep.vni);
	EXPECT_EQ(30 * PRL_NSEC_PER_SEC, m.u.alloc_resp.ep.bind_lifetime_ns);
	EXPECT_EQ(300 * PRL_NSEC_PER_SEC,
		  m.u.alloc_resp.ep.steady_lifetime_ns);
	ASSERT_EQ(4u, m.u.alloc_resp.ep.n_addrports);
	EXPECT_EQ(0, memcmp(&m.u.alloc_resp.ep.addrports[0], &st[0],
			    sizeof(st[0])));
	EXPECT_EQ(0, memcmp(&m.u.alloc_resp.ep.addrports[1], &st[1],
			    sizeof(st[1])));
	EXPECT_EQ(0, memcmp(&m.u.alloc_resp.ep.addrports[2], &loc[0],
			    sizeof(loc[0])));
	EXPECT_EQ(0, memcmp(&m.u.alloc_resp.ep.addrports[3], &loc[2],
			    sizeof(loc[2])));
	/* the peer cannot open it */
	EXPECT_EQ(-1, prl_disco_open_msg(resp, (size_t)rn, w.b.shared, &m));

	/* not ready: no address at all -> no response, counted */
	EXPECT_EQ(-1, prl_alloc_build_response(&w.ctx, &req, &sess, NULL, 0,
					      resp, sizeof(resp)));
	EXPECT_EQ(1u, w.ctx.counters[PRL_ALLOC_DROP_NOT_READY]);
	/* an unpadded request (148 bytes) gets no larger response */
	n = make_req_len(&w.a, NULL, hi, lo, 43, pkt, sizeof(pkt),
			 PRL_DISCO_OVERHEAD + 70);
	ASSERT_EQ(PRL_ALLOC_OK, prl_alloc_parse(&w.ctx, pkt, n, &req));
	EXPECT_EQ(148u, req.request_len);
	EXPECT_EQ(-1, prl_alloc_build_response(&w.ctx, &req, &sess, st, 1,
					      resp, sizeof(resp)));
	EXPECT_EQ(1u, w.ctx.counters[PRL_ALLOC_DROP_AMPLIFICATION]);
	/* exactly as large as the response: answered */
	n = make_req_len(&w.a, NULL, hi, lo, 44, pkt, sizeof(pkt),
			 PRL_DISCO_OVERHEAD + 2 + 4 + 124 + 18);
	ASSERT_EQ(PRL_ALLOC_OK, prl_alloc_parse(&w.ctx, pkt, n, &req));
	EXPECT_EQ((ssize_t)n, prl_alloc_build_response(&w.ctx, &req, &sess, st,
						      1, resp, sizeof(resp)));
	/* buffer too small */
	EXPECT_EQ(-1, prl_alloc_build_response(&w.ctx, &req, &sess, st, 1,
					      resp, 100));
	world_fini(&w);
}

static void expect_drop(struct __test_metadata *_metadata, struct world *w,
			const uint8_t *pkt, size_t n, enum prl_alloc_result why)
{
	struct prl_alloc_request req;
	uint64_t before = w->ctx.counters[why];
	enum prl_alloc_result r = prl_alloc_parse(&w->ctx, pkt, n, &req);

	EXPECT_EQ(why, r) {
		TH_LOG("got %s, want %s", prl_alloc_result_name(r),
		       prl_alloc_result_name(why));
	}
	EXPECT_EQ(before + 1, w->ctx.counters[why]);
}

TEST(request_drops)
{
	struct world w;
	struct prl_disco_msg m = { .type = PRL_DISCO_ALLOC_REQUEST };
	uint8_t pkt[PRL_DISCO_ALLOC_REQ_FRAME_LEN], plain[128];
	struct kp self_relay;
	size_t n;
	ssize_t sn;

	world_init(&w);
	/* unlisted sender (C holds its own key but is not granted) */
	n = make_req(&w.c, NULL, w.c.pub, w.b.pub, 1, pkt, sizeof(pkt));
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_NOT_GRANTED);
	/* sender not one of the two ClientDisco keys */
	n = make_req(&w.a, NULL, w.b.pub, w.c.pub, 1, pkt, sizeof(pkt));
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_NOT_CLIENT);
	/* a client key equal to the server key */
	n = make_req(&w.a, NULL, w.a.pub, w.relay_pub, 1, pkt, sizeof(pkt));
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_SERVER_KEY);
	/* both keys the same */
	n = make_req(&w.a, NULL, w.a.pub, w.a.pub, 1, pkt, sizeof(pkt));
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_SAME_KEYS);
	/* granted key claimed by someone without its private key */
	n = make_req(&w.c, w.a.pub, w.a.pub, w.b.pub, 1, pkt, sizeof(pkt));
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_AUTH);
	/* tampering */
	n = make_req(&w.a, NULL, w.a.pub, w.b.pub, 1, pkt, sizeof(pkt));
	pkt[n - 3] ^= 4;
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_AUTH);
	/* not disco at all / truncated */
	expect_drop(_metadata, &w, (const uint8_t *)"hello", 5,
		    PRL_ALLOC_DROP_BAD_FRAME);
	n = make_req(&w.a, NULL, w.a.pub, w.b.pub, 1, pkt, sizeof(pkt));
	expect_drop(_metadata, &w, pkt, PRL_DISCO_OVERHEAD - 1,
		    PRL_ALLOC_DROP_BAD_FRAME);
	/* version != 0: an empty message, no response */
	memcpy(m.u.alloc_req.client_key[0], w.a.pub, 32);
	memcpy(m.u.alloc_req.client_key[1], w.b.pub, 32);
	sn = prl_disco_marshal(&m, plain, sizeof(plain));
	ASSERT_EQ(70, sn);
	plain[1] = 1;
	sn = prl_disco_seal(pkt, sizeof(pkt), w.a.pub, w.a.shared, plain, 70);
	expect_drop(_metadata, &w, pkt, (size_t)sn, PRL_ALLOC_DROP_VERSION);
	/* short body */
	plain[1] = 0;
	sn = prl_disco_seal(pkt, sizeof(pkt), w.a.pub, w.a.shared, plain, 69);
	expect_drop(_metadata, &w, pkt, (size_t)sn, PRL_ALLOC_DROP_PARSE);
	/* another message type (a Bind) */
	m.type = PRL_DISCO_BIND;
	sn = prl_disco_seal_msg(pkt, sizeof(pkt), w.a.pub, w.a.shared, &m);
	expect_drop(_metadata, &w, pkt, (size_t)sn, PRL_ALLOC_DROP_BAD_TYPE);
	/* the relay's own key listed in grants still cannot allocate */
	memcpy(self_relay.pub, w.relay_pub, 32);
	memcpy(self_relay.priv, w.relay_priv, 32);
	ASSERT_EQ(0, prl_disco_shared_key(self_relay.shared, w.relay_pub,
					 w.relay_priv));
	w.grants.keys = realloc(w.grants.keys, 2 * 32);
	memcpy(w.grants.keys[1], w.relay_pub, 32);
	w.grants.n = 2;
	n = make_req(&self_relay, NULL, w.relay_pub, w.b.pub, 1, pkt,
		     sizeof(pkt));
	expect_drop(_metadata, &w, pkt, n, PRL_ALLOC_DROP_SERVER_KEY);

	EXPECT_EQ(0u, w.ctx.counters[PRL_ALLOC_OK]);
	world_fini(&w);
}

TEST(result_names)
{
	int i;

	for (i = 0; i < __PRL_ALLOC_RESULT_MAX; i++)
		EXPECT_STRNE("unknown", prl_alloc_result_name(i));
	EXPECT_STREQ("unknown", prl_alloc_result_name(__PRL_ALLOC_RESULT_MAX));
	/* the table follows the enum's order: first, middle and last */
	EXPECT_STREQ("ok", prl_alloc_result_name(PRL_ALLOC_OK));
	EXPECT_STREQ("drop_version", prl_alloc_result_name(PRL_ALLOC_DROP_VERSION));
	EXPECT_STREQ("drop_amplification",
		     prl_alloc_result_name(PRL_ALLOC_DROP_AMPLIFICATION));
}

TEST(random_datagrams_are_dropped)
{
	struct world w;
	struct prl_alloc_request req;
	int i;

	world_init(&w);
	for (i = 0; i < 5000; i++) {
		size_t len = randombytes_uniform(300);
		uint8_t *b = malloc(len ? len : 1);

		randombytes_buf(b, len);
		if (len >= 6 && (i & 1))
			memcpy(b, "TS\xf0\x9f\x92\xac", 6);
		if (len >= 38 && (i & 2))
			memcpy(b + 6, w.a.pub, 32);
		ASSERT_NE(PRL_ALLOC_OK, prl_alloc_parse(&w.ctx, b, len, &req));
		free(b);
	}
	world_fini(&w);
}

TEST_HARNESS_MAIN
