// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wire-format unit tests: Geneve header (protocol §1.1, §7.20), disco
 * framing and NaCl box layout (§2.1), every known-answer vector of §2.6,
 * the parser rules of §2.3-§2.5, and bounds safety of every parser.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kselftest_harness.h"

#include "disco.h"
#include "geneve.h"

/* Hex with spaces and '|' as separators -> bytes. Returns the length. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == ' ' || *s == '|' || *s == '\n')
			continue;
		if (!isxdigit((unsigned char)*s))
			abort();
		v = isdigit((unsigned char)*s) ? *s - '0' :
			tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			abort();
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		abort();
	return n;
}

static void hexdump(const char *what, const uint8_t *p, size_t n)
{
	char buf[2 * 1024 + 1];

	if (n > 1024)
		n = 1024;
	sodium_bin2hex(buf, sizeof(buf), p, n);
	fprintf(stderr, "#   %s (%zu): %s\n", what, n, buf);
}

#define ASSERT_BYTES(exp, exp_len, got, got_len) do {			\
	if ((size_t)(exp_len) != (size_t)(got_len) ||			\
	    memcmp((exp), (got), (exp_len))) {				\
		hexdump("expected", (exp), (exp_len));			\
		hexdump("got     ", (got), (got_len));			\
	}								\
	ASSERT_EQ((size_t)(exp_len), (size_t)(got_len));		\
	ASSERT_EQ(0, memcmp((exp), (got), (exp_len)));			\
} while (0)

/* K(i=v,...) of §2.6 */
static void K(uint8_t k[PRL_KEY_LEN], const int *idx, size_t n)
{
	size_t i;

	memset(k, 0, PRL_KEY_LEN);
	for (i = 0; i < n; i++)
		k[idx[i]] = (uint8_t)idx[i];
}

static const int k_server[] = { 1, 2, 30, 31 };
static const int k_c0[] = { 1, 2, 3, 30, 31 };
static const int k_c1[] = { 1, 2, 4, 30, 31 };
#define KEY(k, idx) K(k, idx, sizeof(idx) / sizeof(idx[0]))

/* ------------------------------------------------------------------ */
/* Geneve                                                              */
/* ------------------------------------------------------------------ */

static void geneve_kat(struct __test_metadata *_metadata, bool control,
		       uint16_t proto, uint32_t vni, const char *hex)
{
	struct prl_geneve_hdr h = { .control = control, .proto = proto };
	struct prl_geneve_hdr d;
	uint8_t exp[8], got[8];
	uint32_t cvni = 0;

	unhex(hex, exp, sizeof(exp));
	prl_geneve_set_vni(&h, vni);
	ASSERT_EQ(8, prl_geneve_encode(got, sizeof(got), &h));
	ASSERT_BYTES(exp, 8, got, 8);

	ASSERT_EQ(0, prl_geneve_decode(exp, sizeof(exp), &d));
	EXPECT_EQ(0, d.version);
	EXPECT_EQ(control, d.control);
	EXPECT_EQ(proto, d.proto);
	EXPECT_EQ(vni, d.vni);
	/* and the shared classifier agrees */
	EXPECT_EQ(control ? PRELAY_CLASS_CONTROL : PRELAY_CLASS_DATA,
		  prelay_classify(exp, sizeof(exp), &cvni));
	EXPECT_EQ(vni, cvni);
}

TEST(geneve_known_answers)
{
	geneve_kat(_metadata, true, PRELAY_GENEVE_PROTO_DISCO, 1,
		   "00 80 7a 11 00 00 01 00");
	geneve_kat(_metadata, false, PRELAY_GENEVE_PROTO_WG, 1,
		   "00 00 7a 12 00 00 01 00");
	geneve_kat(_metadata, false, PRELAY_GENEVE_PROTO_DISCO, 0x0001c8,
		   "00 00 7a 11 00 01 c8 00");
}

TEST(geneve_roundtrip_version3)
{
	/* §7.20: version 3, O=1, VNI 0xFFFFFF round-trips through decode */
	const uint8_t in[8] = { 0xc0, 0x80, 0x7a, 0x11, 0xff, 0xff, 0xff, 0 };
	const uint8_t norm[8] = { 0x00, 0x80, 0x7a, 0x11, 0xff, 0xff, 0xff, 0 };
	struct prl_geneve_hdr d, d2;
	uint8_t out[8];

	ASSERT_EQ(0, prl_geneve_decode(in, sizeof(in), &d));
	EXPECT_EQ(3, d.version);
	EXPECT_TRUE(d.control);
	EXPECT_EQ(PRELAY_GENEVE_PROTO_DISCO, d.proto);
	EXPECT_EQ(0xffffffu, d.vni);
	/* Our encoder always sends version 0 (§1.3); all else survives. */
	ASSERT_EQ(8, prl_geneve_encode(out, sizeof(out), &d));
	ASSERT_BYTES(norm, 8, out, 8);
	ASSERT_EQ(0, prl_geneve_decode(out, sizeof(out), &d2));
	EXPECT_EQ(d.control, d2.control);
	EXPECT_EQ(d.proto, d2.proto);
	EXPECT_EQ(d.vni, d2.vni);
	EXPECT_EQ(0, d2.version);
}

TEST(geneve_zero_fields_on_transmit)
{
	/* Whatever the struct says, version/optlen/C/reserved go out 0. */
	struct prl_geneve_hdr h = {
		.version = 3, .control = true, .proto = 0xffff,
	};
	uint8_t out[8];

	memset(out, 0xff, sizeof(out));
	prl_geneve_set_vni(&h, 0x123456);
	ASSERT_EQ(8, prl_geneve_encode(out, sizeof(out), &h));
	EXPECT_EQ(0x00, out[0]);
	EXPECT_EQ(0x80, out[1]);
	EXPECT_EQ(0x00, out[7]);
	EXPECT_EQ(0x12, out[4]);
	EXPECT_EQ(0x34, out[5]);
	EXPECT_EQ(0x56, out[6]);
}

TEST(geneve_vni_truncated)
{
	struct prl_geneve_hdr h = { .proto = PRELAY_GENEVE_PROTO_WG };
	uint8_t out[8];

	prl_geneve_set_vni(&h, 0xffffffffu);
	EXPECT_EQ(0xffffffu, h.vni);
	ASSERT_EQ(8, prl_geneve_encode(out, sizeof(out), &h));
	EXPECT_EQ(0xff, out[4]);
	EXPECT_EQ(0xff, out[5]);
	EXPECT_EQ(0xff, out[6]);
	EXPECT_EQ(0x00, out[7]);
	/* A VNI set directly wider than 24 bits is truncated too. */
	h.vni = 0x01000002;
	ASSERT_EQ(8, prl_geneve_encode(out, sizeof(out), &h));
	EXPECT_EQ(0x00, out[4]);
	EXPECT_EQ(0x00, out[5]);
	EXPECT_EQ(0x02, out[6]);
	EXPECT_EQ(0x00, out[7]);
}

TEST(geneve_encode_errors)
{
	struct prl_geneve_hdr h = { .proto = PRELAY_GENEVE_PROTO_WG };
	struct prl_geneve_hdr d;
	uint8_t out[8];

	EXPECT_EQ(-1, prl_geneve_encode(out, sizeof(out), &h)); /* VNI unset */
	prl_geneve_set_vni(&h, 1);
	EXPECT_EQ(-1, prl_geneve_encode(out, 7, &h));
	EXPECT_EQ(8, prl_geneve_encode(out, 8, &h));
	EXPECT_EQ(-1, prl_geneve_decode(out, 7, &d));
}

TEST(geneve_client_demux)
{
	uint8_t pkt[8 + PRL_DISCO_HDR_LEN] = { 0 };
	const uint8_t magic[6] = { 0x54, 0x53, 0xf0, 0x9f, 0x92, 0xac };

	/* Geneve + WireGuard */
	unhex("00 00 7a 12 00 00 01 00", pkt, 8);
	EXPECT_TRUE(prl_geneve_client_accepts(pkt, 8));
	/* Geneve + disco needs the magic after the header */
	unhex("00 80 7a 11 00 00 01 00", pkt, 8);
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	memcpy(pkt + 8, magic, 6);
	EXPECT_TRUE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, sizeof(pkt) - 1));
	/* each of the §1.3 conditions */
	pkt[0] = 0x40;
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	pkt[0] = 0;
	pkt[1] = 0x81;
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	pkt[1] = 0x80;
	pkt[7] = 1;
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	pkt[7] = 0;
	pkt[3] = 0x13;
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	pkt[3] = 0x11;
	EXPECT_TRUE(prl_geneve_client_accepts(pkt, sizeof(pkt)));
	EXPECT_FALSE(prl_geneve_client_accepts(pkt, 7));
	/* plain disco (starts 54 53) is not Geneve for a client either */
	EXPECT_FALSE(prl_geneve_client_accepts(magic, sizeof(magic)));
}

/* ------------------------------------------------------------------ */
/* Known-answer vectors of §2.6                                         */
/* ------------------------------------------------------------------ */

/* bind_hex, alloc_req_hex, ep_block_hex */
#include "disco_vectors.h"

static void vector_endpoint(struct prl_disco_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	KEY(ep->server_key, k_server);
	KEY(ep->client_key[0], k_c0);
	KEY(ep->client_key[1], k_c1);
	ep->lamport = 123;
	ep->vni = 456;
	ep->bind_lifetime_ns = PRL_NSEC_PER_SEC;
	ep->steady_lifetime_ns = 60 * PRL_NSEC_PER_SEC;
	ep->n_addrports = 2;
	memcpy(ep->addrports[0].ip,
	       "\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04", 16);
	ep->addrports[0].port = 567;
	inet_pton(AF_INET6, "2001::3456", ep->addrports[1].ip);
	ep->addrports[1].port = 789;
}

static void endpoint_eq(struct __test_metadata *_metadata,
			const struct prl_disco_endpoint *a,
			const struct prl_disco_endpoint *b)
{
	size_t i;

	ASSERT_EQ(0, memcmp(a->server_key, b->server_key, PRL_KEY_LEN));
	ASSERT_EQ(0, memcmp(a->client_key, b->client_key, 2 * PRL_KEY_LEN));
	ASSERT_EQ(a->lamport, b->lamport);
	ASSERT_EQ(a->vni, b->vni);
	ASSERT_EQ(a->bind_lifetime_ns, b->bind_lifetime_ns);
	ASSERT_EQ(a->steady_lifetime_ns, b->steady_lifetime_ns);
	ASSERT_EQ(a->n_addrports, b->n_addrports);
	for (i = 0; i < a->n_addrports; i++) {
		ASSERT_EQ(0, memcmp(a->addrports[i].ip, b->addrports[i].ip, 16));
		ASSERT_EQ(a->addrports[i].port, b->addrports[i].port);
	}
}

static void hs_kat(struct __test_metadata *_metadata, uint8_t type)
{
	uint8_t exp[128], got[128];
	struct prl_disco_msg m = { .type = type }, p;
	size_t n = unhex(bind_hex, exp, sizeof(exp));
	ssize_t g;
	int i;

	exp[0] = type;	/* Challenge and Answer differ only in byte 0 */
	m.u.hs.vni = 1;
	m.u.hs.generation = 2;
	KEY(m.u.hs.remote_key, k_server);
	for (i = 0; i < 32; i++)
		m.u.hs.challenge[i] = (uint8_t)i;
	g = prl_disco_marshal(&m, got, sizeof(got));
	ASSERT_EQ(PRL_DISCO_HANDSHAKE_PLAIN_LEN, g);
	ASSERT_BYTES(exp, n, got, (size_t)g);

	ASSERT_EQ(0, prl_disco_parse(exp, n, &p));
	EXPECT_EQ(type, p.type);
	EXPECT_FALSE(p.empty);
	EXPECT_EQ(1u, p.u.hs.vni);
	EXPECT_EQ(2u, p.u.hs.generation);
	EXPECT_EQ(0, memcmp(p.u.hs.remote_key, m.u.hs.remote_key, 32));
	EXPECT_EQ(0, memcmp(p.u.hs.challenge, m.u.hs.challenge, 32));
}

TEST(kat_bind)
{
	hs_kat(_metadata, PRL_DISCO_BIND);
}

TEST(kat_challenge)
{
	hs_kat(_metadata, PRL_DISCO_CHALLENGE);
}

TEST(kat_answer)
{
	hs_kat(_metadata, PRL_DISCO_ANSWER);
}

TEST(kat_alloc_request)
{
	uint8_t exp[128], got[128];
	struct prl_disco_msg m = { .type = PRL_DISCO_ALLOC_REQUEST }, p;
	size_t n = unhex(alloc_req_hex, exp, sizeof(exp));
	ssize_t g;

	KEY(m.u.alloc_req.client_key[0], k_c0);
	KEY(m.u.alloc_req.client_key[1], k_c1);
	m.u.alloc_req.generation = 1;
	g = prl_disco_marshal(&m, got, sizeof(got));
	ASSERT_EQ(2 + PRL_DISCO_ALLOC_REQ_BODY_LEN, g);
	ASSERT_BYTES(exp, n, got, (size_t)g);

	ASSERT_EQ(0, prl_disco_parse(exp, n, &p));
	EXPECT_EQ(PRL_DISCO_ALLOC_REQUEST, p.type);
	EXPECT_FALSE(p.empty);
	EXPECT_EQ(0, memcmp(&p.u.alloc_req, &m.u.alloc_req,
			    sizeof(p.u.alloc_req.client_key)));
	EXPECT_EQ(1u, p.u.alloc_req.generation);
}

TEST(kat_call_me_maybe_via)
{
	uint8_t exp[512], got[512];
	struct prl_disco_msg m = { .type = PRL_DISCO_CALL_ME_MAYBE_VIA }, p;
	size_t n;
	ssize_t g;

	exp[0] = 0x07;
	exp[1] = 0x00;
	n = 2 + unhex(ep_block_hex, exp + 2, sizeof(exp) - 2);
	ASSERT_EQ(2 + 124 + 2 * 18, n);
	vector_endpoint(&m.u.via);
	g = prl_disco_marshal(&m, got, sizeof(got));
	ASSERT_BYTES(exp, n, got, (size_t)g);

	ASSERT_EQ(0, prl_disco_parse(exp, n, &p));
	EXPECT_EQ(PRL_DISCO_CALL_ME_MAYBE_VIA, p.type);
	EXPECT_FALSE(p.empty);
	endpoint_eq(_metadata, &m.u.via, &p.u.via);
}

TEST(kat_alloc_response)
{
	uint8_t exp[512], got[512];
	struct prl_disco_msg m = { .type = PRL_DISCO_ALLOC_RESPONSE }, p;
	size_t n;
	ssize_t g;

	n = unhex("09 00 | 00 00 00 01", exp, sizeof(exp));
	n += unhex(ep_block_hex, exp + n, sizeof(exp) - n);
	ASSERT_EQ(2 + 4 + 124 + 2 * 18, n);
	m.u.alloc_resp.generation = 1;
	vector_endpoint(&m.u.alloc_resp.ep);
	g = prl_disco_marshal(&m, got, sizeof(got));
	ASSERT_BYTES(exp, n, got, (size_t)g);

	ASSERT_EQ(0, prl_disco_parse(exp, n, &p));
	EXPECT_EQ(PRL_DISCO_ALLOC_RESPONSE, p.type);
	EXPECT_EQ(1u, p.u.alloc_resp.generation);
	endpoint_eq(_metadata, &m.u.alloc_resp.ep, &p.u.alloc_resp.ep);
}

TEST(durations_wire_form)
{
	/* §2.2 examples: 30 s, 5 min, 1 s, 1 min as int64 ns BE */
	static const struct { int64_t ns; const char *hex; } d[] = {
		{ 30 * PRL_NSEC_PER_SEC, "00 00 00 06 FC 23 AC 00" },
		{ 300 * PRL_NSEC_PER_SEC, "00 00 00 45 D9 64 B8 00" },
		{ PRL_NSEC_PER_SEC, "00 00 00 00 3B 9A CA 00" },
		{ 60 * PRL_NSEC_PER_SEC, "00 00 00 0D F8 47 58 00" },
	};
	struct prl_disco_msg m = { .type = PRL_DISCO_CALL_ME_MAYBE_VIA }, p;
	uint8_t buf[512], exp[8];
	size_t i;

	vector_endpoint(&m.u.via);
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		unhex(d[i].hex, exp, sizeof(exp));
		m.u.via.bind_lifetime_ns = d[i].ns;
		m.u.via.steady_lifetime_ns = d[i].ns;
		ASSERT_LT(0, prl_disco_marshal(&m, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf + 2 + 108, exp, 8));
		EXPECT_EQ(0, memcmp(buf + 2 + 116, exp, 8));
		ASSERT_EQ(0, prl_disco_parse(buf, 2 + 124 + 36, &p));
		EXPECT_EQ(d[i].ns, p.u.via.bind_lifetime_ns);
	}
	EXPECT_EQ(30 * PRL_NSEC_PER_SEC, PRL_DISCO_BIND_LIFETIME_NS);
	EXPECT_EQ(300 * PRL_NSEC_PER_SEC, PRL_DISCO_STEADY_LIFETIME_NS);
}

/* ------------------------------------------------------------------ */
/* Parser rules                                                         */
/* ------------------------------------------------------------------ */

TEST(parse_handshake_lengths)
{
	uint8_t buf[128];
	struct prl_disco_msg p;
	size_t n = unhex(bind_hex, buf, sizeof(buf));

	ASSERT_EQ(74, n);
	EXPECT_EQ(-1, prl_disco_parse(buf, 73, &p));	/* body 71 */
	buf[74] = 0xee;
	EXPECT_EQ(0, prl_disco_parse(buf, 75, &p));	/* trailing ignored */
	EXPECT_EQ(1u, p.u.hs.vni);
	buf[1] = 7;					/* version ignored */
	EXPECT_EQ(0, prl_disco_parse(buf, 74, &p));
	EXPECT_FALSE(p.empty);
	EXPECT_EQ(7, p.version);
	EXPECT_EQ(2u, p.u.hs.generation);
}

TEST(parse_version_gated_types_are_empty)
{
	uint8_t buf[512];
	struct prl_disco_msg p;
	size_t n;

	n = unhex(alloc_req_hex, buf, sizeof(buf));
	buf[1] = 1;
	ASSERT_EQ(0, prl_disco_parse(buf, n, &p));
	EXPECT_TRUE(p.empty);
	ASSERT_EQ(0, prl_disco_parse(buf, 2, &p));	/* even with no body */
	EXPECT_TRUE(p.empty);
	buf[1] = 0;
	EXPECT_EQ(-1, prl_disco_parse(buf, n - 1, &p));	/* body 67 */
	EXPECT_EQ(0, prl_disco_parse(buf, n + 5, &p));	/* longer: fine */

	buf[0] = 0x07;
	buf[1] = 0x01;
	n = 2 + unhex(ep_block_hex, buf + 2, sizeof(buf) - 2);
	ASSERT_EQ(0, prl_disco_parse(buf, n, &p));
	EXPECT_TRUE(p.empty);
	buf[0] = 0x09;
	ASSERT_EQ(0, prl_disco_parse(buf, n, &p));
	EXPECT_TRUE(p.empty);
}

TEST(parse_endpoint_block_rules)
{
	uint8_t buf[2048];
	struct prl_disco_msg p;
	size_t n, i;

	buf[0] = 0x07;
	buf[1] = 0x00;
	n = 2 + unhex(ep_block_hex, buf + 2, sizeof(buf) - 2);
	EXPECT_EQ(0, prl_disco_parse(buf, n, &p));
	EXPECT_EQ(-1, prl_disco_parse(buf, n - 1, &p));	/* partial addr */
	buf[n] = 0;
	EXPECT_EQ(-1, prl_disco_parse(buf, n + 1, &p));	/* trailing garbage */
	EXPECT_EQ(0, prl_disco_parse(buf, 2 + 124 + 18, &p));	/* one addr */
	EXPECT_EQ(1u, p.u.via.n_addrports);
	EXPECT_EQ(-1, prl_disco_parse(buf, 2 + 124, &p));	/* zero addrs */
	EXPECT_EQ(-1, prl_disco_parse(buf, 2 + 100, &p));
	/* more addresses than we keep: rejected, not truncated */
	for (i = 0; i < PRL_DISCO_MAX_ADDRPORTS + 1; i++)
		memcpy(buf + 2 + 124 + 18 * i, buf + 2 + 124, 18);
	EXPECT_EQ(0, prl_disco_parse(buf, 2 + 124 + 18 * PRL_DISCO_MAX_ADDRPORTS,
				    &p));
	EXPECT_EQ(-1, prl_disco_parse(buf, 2 + 124 + 18 *
				     (PRL_DISCO_MAX_ADDRPORTS + 1), &p));
	/* response: generation then the block */
	buf[0] = 0x09;
	EXPECT_EQ(-1, prl_disco_parse(buf, 5, &p));
}

TEST(addrport_unmap)
{
	struct prl_disco_endpoint ep;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct prl_addrport back;
	char s[PRL_ADDRPORT_STRLEN];

	vector_endpoint(&ep);
	EXPECT_TRUE(prl_addrport_is_v4(&ep.addrports[0]));
	ASSERT_EQ(sizeof(*sin), prl_addrport_to_sockaddr(&ep.addrports[0], &ss));
	EXPECT_EQ(AF_INET, sin->sin_family);
	EXPECT_EQ(htonl(0x01020304), sin->sin_addr.s_addr);
	EXPECT_EQ(567, ntohs(sin->sin_port));
	ASSERT_EQ(0, prl_addrport_from_sockaddr(&back, (struct sockaddr *)&ss));
	EXPECT_EQ(0, memcmp(&back.ip, ep.addrports[0].ip, 16));
	EXPECT_STREQ("1.2.3.4:567", prl_addrport_format(&back, s, sizeof(s)));

	EXPECT_FALSE(prl_addrport_is_v4(&ep.addrports[1]));
	ASSERT_EQ(sizeof(*sin6),
		  prl_addrport_to_sockaddr(&ep.addrports[1], &ss));
	EXPECT_EQ(AF_INET6, sin6->sin6_family);
	EXPECT_EQ(789, ntohs(sin6->sin6_port));
	EXPECT_STREQ("[2001::3456]:789",
		     prl_addrport_format(&ep.addrports[1], s, sizeof(s)));
}

TEST(ping_pong)
{
	struct prl_disco_msg m = { .type = PRL_DISCO_PING }, p;
	uint8_t buf[256];
	ssize_t n;
	int i;

	for (i = 0; i < 12; i++)
		m.u.ping.txid[i] = (uint8_t)(0xa0 + i);
	n = prl_disco_marshal(&m, buf, sizeof(buf));
	ASSERT_EQ(2 + 12, n);
	EXPECT_EQ(0x01, buf[0]);
	EXPECT_EQ(0x00, buf[1]);
	EXPECT_EQ(0, memcmp(buf + 2, m.u.ping.txid, 12));
	ASSERT_EQ(0, prl_disco_parse(buf, (size_t)n, &p));
	EXPECT_FALSE(p.u.ping.has_node_key);
	EXPECT_EQ(-1, prl_disco_parse(buf, (size_t)n - 1, &p));

	m.u.ping.has_node_key = true;
	memset(m.u.ping.node_key, 0x55, 32);
	m.u.ping.padding = 10;
	n = prl_disco_marshal(&m, buf, sizeof(buf));
	ASSERT_EQ(2 + 12 + 32 + 10, n);
	ASSERT_EQ(0, prl_disco_parse(buf, (size_t)n, &p));
	EXPECT_TRUE(p.u.ping.has_node_key);
	EXPECT_EQ(10u, p.u.ping.padding);
	EXPECT_EQ(0x55, p.u.ping.node_key[31]);

	memset(&m, 0, sizeof(m));
	m.type = PRL_DISCO_PONG;
	memset(m.u.pong.txid, 0x11, 12);
	m.u.pong.src.ip[10] = m.u.pong.src.ip[11] = 0xff;
	m.u.pong.src.ip[12] = 10;
	m.u.pong.src.ip[15] = 7;
	m.u.pong.src.port = 41641;
	n = prl_disco_marshal(&m, buf, sizeof(buf));
	ASSERT_EQ(2 + 30, n);
	EXPECT_EQ(0xa2, buf[2 + 12 + 16]);	/* 41641 = 0xa2a9 BE */
	EXPECT_EQ(0xa9, buf[2 + 12 + 17]);
	ASSERT_EQ(0, prl_disco_parse(buf, (size_t)n, &p));
	EXPECT_EQ(41641, p.u.pong.src.port);
	EXPECT_TRUE(prl_addrport_is_v4(&p.u.pong.src));
	EXPECT_EQ(-1, prl_disco_parse(buf, (size_t)n - 1, &p));
}

TEST(parse_unknown_and_short)
{
	uint8_t buf[128] = { 0 };
	struct prl_disco_msg p;

	EXPECT_EQ(-1, prl_disco_parse(buf, 0, &p));
	buf[0] = 0x04;
	EXPECT_EQ(-1, prl_disco_parse(buf, 1, &p));
	buf[0] = 0x03;	/* CallMeMaybe never reaches a relay */
	EXPECT_EQ(-1, prl_disco_parse(buf, 20, &p));
	buf[0] = 0x0a;
	EXPECT_EQ(-1, prl_disco_parse(buf, 100, &p));
	buf[0] = 0x00;
	EXPECT_EQ(-1, prl_disco_parse(buf, 100, &p));
}

TEST(marshal_rejects)
{
	struct prl_disco_msg m = { .type = PRL_DISCO_CALL_ME_MAYBE_VIA };
	uint8_t buf[1024];

	vector_endpoint(&m.u.via);
	EXPECT_EQ(-1, prl_disco_marshal(&m, buf, 2 + 124 + 36 - 1));
	EXPECT_EQ(2 + 124 + 36, prl_disco_marshal(&m, buf, 2 + 124 + 36));
	m.u.via.n_addrports = 0;
	EXPECT_EQ(-1, prl_disco_marshal(&m, buf, sizeof(buf)));
	m.u.via.n_addrports = PRL_DISCO_MAX_ADDRPORTS + 1;
	EXPECT_EQ(-1, prl_disco_marshal(&m, buf, sizeof(buf)));
	m.type = 0x03;
	EXPECT_EQ(-1, prl_disco_marshal(&m, buf, sizeof(buf)));
	m.type = PRL_DISCO_BIND;
	EXPECT_EQ(-1, prl_disco_marshal(&m, buf, 73));
}

/* ------------------------------------------------------------------ */
/* Sealing                                                              */
/* ------------------------------------------------------------------ */

struct kp {
	uint8_t pub[32], priv[32];
};

static void keypair(struct kp *k)
{
	crypto_box_keypair(k->pub, k->priv);
}

TEST(seal_open_roundtrip_and_layout)
{
	struct kp a, b;
	uint8_t sab[32], sba[32], nonce[24], plain[74], out[256], back[256];
	uint8_t m0[32 + 74], c0[32 + 74], o2[256];
	struct prl_disco_msg m = { .type = PRL_DISCO_BIND }, p;
	ssize_t n;

	ASSERT_LE(0, sodium_init());
	keypair(&a);
	keypair(&b);
	ASSERT_EQ(0, prl_disco_shared_key(sab, b.pub, a.priv));
	ASSERT_EQ(0, prl_disco_shared_key(sba, a.pub, b.priv));
	ASSERT_EQ(0, memcmp(sab, sba, 32));	/* NaCl symmetric */

	m.u.hs.vni = 9;
	m.u.hs.generation = 3;
	ASSERT_EQ(74, prl_disco_marshal(&m, plain, sizeof(plain)));
	randombytes_buf(nonce, sizeof(nonce));
	n = prl_disco_seal_nonce(out, sizeof(out), a.pub, sab, nonce, plain, 74);
	ASSERT_EQ(PRL_DISCO_HANDSHAKE_FRAME_LEN, n);
	ASSERT_EQ(152, n);
	/* layout: magic, sender, nonce, box */
	EXPECT_EQ(0, memcmp(out, "TS\xf0\x9f\x92\xac", 6));
	EXPECT_EQ(0, memcmp(out + 6, a.pub, 32));
	EXPECT_EQ(0, memcmp(out + 38, nonce, 24));
	EXPECT_TRUE(prl_disco_has_magic(out, (size_t)n));
	EXPECT_EQ(out + 6, prl_disco_sender(out, (size_t)n));

	/*
	 * The box must be NaCl crypto_box: classic API output is 16 zero
	 * bytes, then the 16-byte tag, then ciphertext. Our wire form is
	 * that without the zero padding ("tag then ciphertext", §2.1).
	 */
	memset(m0, 0, sizeof(m0));
	memcpy(m0 + 32, plain, 74);
	ASSERT_EQ(0, crypto_box_afternm(c0, m0, sizeof(m0), nonce, sab));
	EXPECT_EQ(0, memcmp(out + 62, c0 + 16, 16 + 74));

	/* B opens with its own view of the shared key */
	ASSERT_EQ(74, prl_disco_open(out, (size_t)n, sba, back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, plain, 74));
	ASSERT_EQ(0, prl_disco_open_msg(out, (size_t)n, sba, &p));
	EXPECT_EQ(PRL_DISCO_BIND, p.type);
	EXPECT_EQ(9u, p.u.hs.vni);
	EXPECT_EQ(-1, prl_disco_open(out, (size_t)n, sba, back, 73));

	/* seal_msg picks a fresh nonce each time */
	ASSERT_EQ(152, prl_disco_seal_msg(out, sizeof(out), a.pub, sab, &m));
	ASSERT_EQ(152, prl_disco_seal_msg(o2, sizeof(o2), a.pub, sab, &m));
	EXPECT_NE(0, memcmp(out + 38, o2 + 38, 24));
	EXPECT_EQ(-1, prl_disco_seal_msg(o2, 151, a.pub, sab, &m));
}

TEST(open_detects_tampering)
{
	struct kp a, b, c;
	uint8_t sab[32], sac[32], out[256], back[256];
	struct prl_disco_msg m = { .type = PRL_DISCO_ANSWER };
	ssize_t n;
	size_t i;

	ASSERT_LE(0, sodium_init());
	keypair(&a);
	keypair(&b);
	keypair(&c);
	ASSERT_EQ(0, prl_disco_shared_key(sab, b.pub, a.priv));
	ASSERT_EQ(0, prl_disco_shared_key(sac, c.pub, a.priv));
	n = prl_disco_seal_msg(out, sizeof(out), a.pub, sab, &m);
	ASSERT_EQ(152, n);
	ASSERT_EQ(74, prl_disco_open(out, (size_t)n, sab, back, sizeof(back)));

	/* every bit of nonce, tag and ciphertext is authenticated */
	for (i = 38; i < (size_t)n; i++) {
		int bit;

		for (bit = 0; bit < 8; bit += 7) {
			out[i] ^= (uint8_t)(1 << bit);
			EXPECT_EQ(-1, prl_disco_open(out, (size_t)n, sab, back,
						    sizeof(back)));
			out[i] ^= (uint8_t)(1 << bit);
		}
	}
	/* the magic is checked */
	out[0] ^= 1;
	EXPECT_EQ(-1, prl_disco_open(out, (size_t)n, sab, back, sizeof(back)));
	EXPECT_NULL(prl_disco_sender(out, (size_t)n));
	out[0] ^= 1;
	/* truncation and wrong key */
	for (i = 0; i < (size_t)n; i++)
		EXPECT_EQ(-1, prl_disco_open(out, i, sab, back, sizeof(back)));
	EXPECT_EQ(-1, prl_disco_open(out, (size_t)n, sac, back, sizeof(back)));
	ASSERT_EQ(74, prl_disco_open(out, (size_t)n, sab, back, sizeof(back)));
}

TEST(shared_key_rejects_low_order_point)
{
	struct kp a;
	uint8_t zero[32] = { 0 }, s[32];

	ASSERT_LE(0, sodium_init());
	keypair(&a);
	EXPECT_EQ(-1, prl_disco_shared_key(s, zero, a.priv));
}

/* ------------------------------------------------------------------ */
/* Bounds: every parser on every prefix and on random bytes, each in an */
/* exactly sized heap buffer (run under ASan/valgrind to catch reads). */
/* ------------------------------------------------------------------ */

static void parse_all_prefixes(const uint8_t *src, size_t n)
{
	struct prl_disco_msg p;
	struct prl_geneve_hdr h;
	size_t i;

	for (i = 0; i <= n; i++) {
		uint8_t *b = malloc(i ? i : 1);
		uint32_t vni;

		memcpy(b, src, i);
		prl_disco_parse(b, i, &p);
		prl_geneve_decode(b, i, &h);
		prl_geneve_client_accepts(b, i);
		prl_disco_sender(b, i);
		prelay_classify(b, (__u32)i, &vni);
		free(b);
	}
}

TEST(parsers_stay_in_bounds)
{
	uint8_t buf[1024];
	struct prl_disco_msg p;
	size_t n;
	int iter;

	n = unhex(bind_hex, buf, sizeof(buf));
	parse_all_prefixes(buf, n);
	n = unhex(alloc_req_hex, buf, sizeof(buf));
	parse_all_prefixes(buf, n);
	buf[0] = 0x09;
	buf[1] = 0;
	n = 2 + 4 + unhex(ep_block_hex, buf + 6, sizeof(buf) - 6);
	parse_all_prefixes(buf, n);
	buf[0] = 0x07;
	parse_all_prefixes(buf, n);

	for (iter = 0; iter < 20000; iter++) {
		size_t len = randombytes_uniform(300);
		uint8_t *b = malloc(len ? len : 1);

		randombytes_buf(b, len);
		if (len)
			b[0] = (uint8_t)randombytes_uniform(11);
		if (prl_disco_parse(b, len, &p) == 0 && !p.empty) {
			/* anything that parses marshals and parses back */
			uint8_t re[PRL_DISCO_MAX_PLAIN + 64];
			struct prl_disco_msg p2;
			ssize_t rn = prl_disco_marshal(&p, re, sizeof(re));

			ASSERT_LT(0, rn);
			ASSERT_EQ(0, prl_disco_parse(re, (size_t)rn, &p2));
			ASSERT_EQ(p.type, p2.type);
		}
		free(b);
	}
}

TEST_HARNESS_MAIN
