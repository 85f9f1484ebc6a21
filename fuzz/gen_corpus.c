// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen_corpus DIR - write the seed corpus of every fuzz harness into
 * DIR/<harness>/<name>: the known-answer vectors of the protocol
 * (Documentation/protocol.md §2.6), real Bind/Challenge/Answer and
 * AllocateRequest frames sealed with the fixed keys of fuzz_common.h
 * (fixed nonces, so the output is reproducible), STUN, Geneve headers,
 * netlink nests like the kernel sends, and short/garbage inputs.
 * `make -C fuzz corpus` regenerates fuzz/corpus/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/netlink.h>
#include <linux/peer_relay.h>

#include "disco.h"
#include "fuzz_common.h"
#include "geneve.h"
/* bind_hex, alloc_req_hex, ep_block_hex */
#include "../selftests/unit/disco_vectors.h"
#include "../selftests/tools/nlbuf.h"

static const char *outdir;
static struct fz_keys keys;

static void put(const char *h, const char *name, const void *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, h);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, h, name);
	f = fopen(path, "wb");
	if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* "04 00 | 00 01" -> bytes (spaces and | ignored) */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ' || *s == '|') {
			s++;
			continue;
		}
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* K(i=v,...) of protocol §2.6 */
static void K(uint8_t k[PRL_KEY_LEN], const int *idx, size_t n)
{
	memset(k, 0, PRL_KEY_LEN);
	for (size_t i = 0; i < n; i++)
		k[idx[i]] = (uint8_t)idx[i];
}

static const uint8_t stun_req[20] = {
	0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
};

/* Geneve(control?, proto, vni) into @out. */
static void geneve(uint8_t out[8], bool control, uint16_t proto, uint32_t vni)
{
	struct prl_geneve_hdr h = { .control = control, .proto = proto };

	prl_geneve_set_vni(&h, vni);
	if (prl_geneve_encode(out, 8, &h) != 8)
		abort();
}

/* A handshake plaintext (type ‖ 0 ‖ body) from client @i. */
static size_t hs_plain(uint8_t *out, uint8_t type, unsigned int i,
		       uint32_t vni, uint32_t gen, const uint8_t *challenge)
{
	struct prl_disco_msg m = { .type = type };
	ssize_t n;

	m.u.hs.vni = vni;
	m.u.hs.generation = gen;
	memcpy(m.u.hs.remote_key, keys.client_pub[!i], PRL_KEY_LEN);
	if (challenge)
		memcpy(m.u.hs.challenge, challenge, PRL_KEY_LEN);
	n = prl_disco_marshal(&m, out, 256);
	if (n < 0)
		abort();
	return (size_t)n;
}

/* Geneve control ‖ frame sealed by client @i (or the server if i == 2). */
static size_t sealed_pkt(uint8_t *out, size_t cap, unsigned int i,
			 const uint8_t *plain, size_t plen, uint32_t nonce_n)
{
	uint8_t nonce[PRL_DISCO_NONCE_LEN];
	ssize_t n;

	geneve(out, true, PRELAY_GENEVE_PROTO_DISCO, FZ_VNI);
	fz_nonce(nonce, nonce_n);
	n = prl_disco_seal_nonce(out + 8, cap - 8,
				i == 2 ? keys.server_pub : keys.client_pub[i],
				keys.shared[i == 2 ? 0 : i], nonce, plain, plen);
	if (n < 0)
		abort();
	return 8 + (size_t)n;
}

/* handshake_fuzz record: ctl ‖ len(2) ‖ bytes */
static size_t rec(uint8_t *out, uint8_t ctl, const uint8_t *b, size_t n)
{
	out[0] = ctl;
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)n;
	memcpy(out + 3, b, n);
	return 3 + n;
}

/* The nests, written with selftests/tools/nlbuf.h into this space. */
#define NL_SPACE	2048

/* An endpoint's remote address (4 or 16 bytes by @len) and port. */
static void nla_remote(struct nlbuf *b, const uint8_t *ip, size_t len,
		       uint16_t port)
{
	nlbuf_put(b, len == 4 ? PEER_RELAY_EP_A_REMOTE_IPV4 :
				PEER_RELAY_EP_A_REMOTE_IPV6, ip, len);
	nlbuf_put_u16(b, PEER_RELAY_EP_A_REMOTE_PORT, port);
}

/* selector byte ‖ nest payload */
static void put_nl(const char *name, uint8_t sel, const struct nlbuf *b)
{
	uint8_t out[NL_SPACE + 1];

	if (b->len > NL_SPACE)
		abort();
	out[0] = sel;
	memcpy(out + 1, b->b, b->len);
	put("nlparse", name, out, b->len + 1);
}

static void gen_nlparse(void)
{
	static const uint8_t ip4[4] = { 10, 0, 1, 2 }, ip6[16] = { 0xfd, 0, 0, 1, [15] = 2 };
	static uint8_t space[NL_SPACE];
	struct nlbuf b = { .b = space, .cap = sizeof(space) };
	size_t ep, n2;

	b.len = 0;
	nlbuf_put_u32(&b, PEER_RELAY_SOCK_A_ID, 1);
	nlbuf_put_u16(&b, PEER_RELAY_SOCK_A_FAMILY, 2);
	nlbuf_put(&b, PEER_RELAY_SOCK_A_LOCAL_IPV4, ip4, 4);
	nlbuf_put_u16(&b, PEER_RELAY_SOCK_A_PORT, 7777);
	nlbuf_put_u64(&b, PEER_RELAY_SOCK_A_RX_PACKETS, 12345);
	put_nl("sock", 0, &b);

	b.len = 0;
	nlbuf_put_u32(&b, PEER_RELAY_SESSION_A_VNI, 1);
	nlbuf_put(&b, PEER_RELAY_SESSION_A_KEY0, keys.client_pub[0], 32);
	nlbuf_put(&b, PEER_RELAY_SESSION_A_KEY1, keys.client_pub[1], 32);
	nlbuf_put_u64(&b, PEER_RELAY_SESSION_A_LAMPORT, 7);
	nlbuf_put(&b, PEER_RELAY_SESSION_A_STATE, "\x02", 1);
	nlbuf_put_u64(&b, PEER_RELAY_SESSION_A_AGE_MS, 1000);
	ep = nlbuf_nest(&b, PEER_RELAY_SESSION_A_EP0);
	nla_remote(&b, ip4, 4, 5001);
	nlbuf_put(&b, PEER_RELAY_EP_A_LOCAL_IPV4, ip4, 4);
	nlbuf_put_u64(&b, PEER_RELAY_EP_A_RX_PACKETS, 3);
	nlbuf_nest_end(&b, ep);
	ep = nlbuf_nest(&b, PEER_RELAY_SESSION_A_EP1);
	nla_remote(&b, ip6, 16, 5002);
	nlbuf_nest_end(&b, ep);
	nlbuf_put_u32(&b, PEER_RELAY_SESSION_A_DEL_REASON, 1);
	put_nl("session", 1, &b);

	b.len = 0;
	nla_remote(&b, ip6, 16, 5002);
	nlbuf_put(&b, PEER_RELAY_EP_A_LOCAL_IPV6, ip6, 16);
	nlbuf_put_u64(&b, PEER_RELAY_EP_A_IDLE_MS, 10);
	put_nl("ep", 2, &b);

	b.len = 0;
	nlbuf_put_u64(&b, PEER_RELAY_STATS_A_FWD_PACKETS_4_4, 10);
	nlbuf_put_u64(&b, PEER_RELAY_STATS_A_FWD_BYTES_4_6, 1000);
	nlbuf_put_u32(&b, PEER_RELAY_STATS_A_SESSIONS_OPEN, 1);
	nlbuf_put_u32(&b, PEER_RELAY_STATS_A_SOCKETS, 2);
	n2 = nlbuf_nest(&b, PEER_RELAY_STATS_A_DROPS);
	for (uint16_t i = 1; i < __PEER_RELAY_DROP_MAX + 2; i++)
		nlbuf_put_u64(&b, i, i * 3);
	nlbuf_nest_end(&b, n2);
	n2 = nlbuf_nest(&b, PEER_RELAY_STATS_A_PASSES);
	nlbuf_put_u64(&b, PEER_RELAY_PASS_CONTROL, 5);
	nlbuf_nest_end(&b, n2);
	n2 = nlbuf_nest(&b, PEER_RELAY_STATS_A_SESSIONS_DELETED);
	nlbuf_put_u64(&b, PEER_RELAY_DEL_FLUSH, 1);
	nlbuf_nest_end(&b, n2);
	put_nl("stats", 3, &b);

	b.len = 0;
	nlbuf_put_u32(&b, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS, 30000);
	nlbuf_put_u32(&b, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS, 300000);
	nlbuf_put_u32(&b, PEER_RELAY_CONFIG_A_MAX_SESSIONS, 16);
	nlbuf_put(&b, PEER_RELAY_CONFIG_A_SERVER_KEY, keys.server_pub, 32);
	n2 = nlbuf_nest(&b, PEER_RELAY_CONFIG_A_STATIC_EPS);
	ep = nlbuf_nest(&b, PEER_RELAY_STATIC_EPS_A_EP);
	nla_remote(&b, ip4, 4, 7777);
	nlbuf_nest_end(&b, ep);
	ep = nlbuf_nest(&b, PEER_RELAY_STATIC_EPS_A_EP);
	nla_remote(&b, ip6, 16, 7777);
	nlbuf_nest_end(&b, ep);
	nlbuf_nest_end(&b, n2);
	put_nl("config", 4, &b);
}

static void put_text(const char *name, char sel, const char *text)
{
	char buf[1024];
	size_t n = strlen(text);

	buf[0] = sel;
	memcpy(buf + 1, text, n);
	put("text", name, buf, n + 1);
}

static void gen_text(void)
{
	char hex[65], grants[512];

	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", keys.client_pub[0][i]);
	put_text("addr4", 0, "192.0.2.1");
	put_text("addr6", 0, "[2001:db8::1]");
	put_text("ep4", 1, "10.0.1.1:7777");
	put_text("ep6", 1, "[fd00:1::1]:7777");
	put_text("eplist", 2, "1.2.3.4:5,[::1]:6,10.0.0.1:65535");
	put_text("hex", 3, "deadBEEF00");
	snprintf(grants, sizeof(grants), "discokey:%s", hex);
	put_text("key", 4, grants);
	put_text("num", 5, "0xffffff");
	snprintf(grants, sizeof(grants),
		 "# grants\n%s\n  discokey:%s  # again\n\n", hex, hex);
	put_text("grants", 6, grants);
	snprintf(grants, sizeof(grants),
		 "{\"vni\": 7, \"server_key\": \"%s\", \"client_keys\": [\"%s\", \"%s\"],"
		 " \"lamport\": 3, \"bind_lifetime_ms\": 30000,"
		 " \"steady_state_lifetime_ms\": 300000,"
		 " \"addrs\": [\"10.0.1.1:7777\", \"[fd00:1::1]:7777\"]}", hex, hex, hex);
	put_text("endpoint_json", 7, grants);
}

int main(int argc, char **argv)
{
	static uint8_t b[8192], p[4096], r[8192];
	uint8_t k0[32], k1[32], ks[32];
	static const int i_server[] = { 1, 2, 30, 31 }, i_c0[] = { 1, 2, 3, 30, 31 },
			 i_c1[] = { 1, 2, 4, 30, 31 };
	size_t n, m, pn;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	fz_keys_init(&keys);
	K(ks, i_server, 4);
	K(k0, i_c0, 5);
	K(k1, i_c1, 5);
	(void)ks;
	(void)k0;
	(void)k1;

	/* ---- classify / geneve: headers, STUN, short, garbage ---- */
	put("classify", "empty", "", 0);
	put("classify", "short7", "\x00\x00\x7a\x12\x00\x00", 7);
	put("classify", "stun", stun_req, sizeof(stun_req));
	geneve(b, false, PRELAY_GENEVE_PROTO_WG, 1);
	memcpy(b + 8, "\x04\x00\x00\x00\x01\x00\x00\x00", 8);
	put("classify", "wg_data", b, 16);
	put("geneve", "wg_data", b, 16);
	geneve(b, true, PRELAY_GENEVE_PROTO_DISCO, 1);
	put("classify", "control_hdr", b, 8);
	put("geneve", "control_hdr", b, 8);
	geneve(b, false, PRELAY_GENEVE_PROTO_DISCO, 0xffffff);
	put("geneve", "disco_data_maxvni", b, 8);
	put("classify", "not_geneve", "\x54\x53\xf0\x9f\x92\xac\x00\x00", 8);
	put("geneve", "version1", "\x40\x00\x7a\x12\x00\x00\x01\x00", 8);
	put("geneve", "optlen", "\x3f\xff\x7a\x11\x12\x34\x56\xff", 8);

	/* ---- disco_parse: known-answer plaintexts and every type ---- */
	n = unhex(bind_hex, p, sizeof(p));
	put("disco_parse", "kat_bind", p, n);
	p[0] = PRL_DISCO_CHALLENGE;
	put("disco_parse", "kat_challenge", p, n);
	p[0] = PRL_DISCO_ANSWER;
	put("disco_parse", "kat_answer", p, n);
	n = unhex(alloc_req_hex, p, sizeof(p));
	put("disco_parse", "kat_alloc_req", p, n);
	p[1] = 1;
	put("disco_parse", "alloc_req_v1", p, n);
	p[0] = PRL_DISCO_CALL_ME_MAYBE_VIA;
	p[1] = 0;
	n = 2 + unhex(ep_block_hex, p + 2, sizeof(p) - 2);
	put("disco_parse", "kat_cmmv", p, n);
	p[0] = PRL_DISCO_ALLOC_RESPONSE;
	memmove(p + 6, p + 2, n - 2);
	memcpy(p + 2, "\x00\x00\x00\x09", 4);
	put("disco_parse", "alloc_resp", p, n + 4);
	memset(p, 0, 64);
	p[0] = PRL_DISCO_PING;
	put("disco_parse", "ping_short", p, 14);
	put("disco_parse", "ping_key_pad", p, 2 + 12 + 32 + 10);
	p[0] = PRL_DISCO_PONG;
	p[2 + 12 + 10] = 0xff;
	p[2 + 12 + 11] = 0xff;
	put("disco_parse", "pong", p, 2 + 30);
	put("disco_parse", "unknown", "\x42\x00", 2);
	put("disco_parse", "cmm", "\x03\x00", 2);

	/* ---- real sealed frames ---- */
	pn = hs_plain(p, PRL_DISCO_BIND, 0, FZ_VNI, 5, NULL);
	n = sealed_pkt(b, sizeof(b), 0, p, pn, 1);
	put("classify", "bind_pkt", b, n);
	put("geneve", "bind_pkt", b, n);
	put("disco_frame", "bind_frame", b + 8, n - 8);
	put("disco_frame", "bind_plain", p, pn);
	pn = hs_plain(p, PRL_DISCO_CHALLENGE, 0, FZ_VNI, 5, (uint8_t *)"0123456789abcdef0123456789abcdef");
	m = sealed_pkt(r, sizeof(r), 2, p, pn, 2);
	put("disco_frame", "challenge_frame", r + 8, m - 8);

	/* ---- handshake: raw real packets and sealed sequences ---- */
	m = rec(r, 0x00, b, n);				/* raw Bind from client 0 */
	put("handshake", "raw_bind", r, m);
	pn = hs_plain(p, PRL_DISCO_ANSWER, 0, FZ_VNI, 5, NULL);
	n = sealed_pkt(b, sizeof(b), 0, p, pn, 3);
	m += rec(r + m, 0x00, b, n);			/* raw Answer, bad MAC */
	put("handshake", "raw_bind_answer", r, m);
	/* sealed Bind then Answer with the challenge copied in: bound */
	geneve(b, true, PRELAY_GENEVE_PROTO_DISCO, FZ_VNI);
	pn = hs_plain(b + 8, PRL_DISCO_BIND, 0, FZ_VNI, 7, NULL);
	m = rec(r, 0x04 | 0x20, b, 8 + pn);
	pn = hs_plain(b + 8, PRL_DISCO_ANSWER, 0, FZ_VNI, 7, NULL);
	m += rec(r + m, 0x04 | 0x20, b, 8 + pn);
	put("handshake", "sealed_bind_answer_c0", r, m);
	pn = hs_plain(b + 8, PRL_DISCO_BIND, 1, FZ_VNI, 9, NULL);
	m = rec(r, 0x04 | 0x08 | 0x20 | 0x02, b, 8 + pn);
	pn = hs_plain(b + 8, PRL_DISCO_ANSWER, 1, FZ_VNI, 9, NULL);
	m += rec(r + m, 0x04 | 0x08 | 0x20 | 0x40 | 0x02, b, 8 + pn);
	put("handshake", "sealed_bind_rotate_answer_c1_v6", r, m);
	m = rec(r, 0x00, stun_req, sizeof(stun_req));
	m += rec(r + m, 0x14, b, 8 + pn);		/* outsider */
	put("handshake", "stun_outsider", r, m);

	/* ---- alloc: raw real request (client 0 granted) and sealed ---- */
	{
		struct prl_disco_msg am = { .type = PRL_DISCO_ALLOC_REQUEST };
		uint8_t nonce[PRL_DISCO_NONCE_LEN], eps[2 * 18];
		uint8_t plain[PRL_DISCO_ALLOC_REQ_FRAME_LEN - PRL_DISCO_OVERHEAD];
		ssize_t f;

		memcpy(am.u.alloc_req.client_key[0], keys.client_pub[0], 32);
		memcpy(am.u.alloc_req.client_key[1], keys.client_pub[1], 32);
		am.u.alloc_req.generation = 3;
		memset(plain, 0, sizeof(plain));
		if (prl_disco_marshal(&am, plain, sizeof(plain)) < 0)
			abort();
		memset(eps, 0, sizeof(eps));
		eps[10] = eps[11] = 0xff;
		eps[12] = 10; eps[13] = 0; eps[14] = 1; eps[15] = 1;
		eps[16] = 0x1e; eps[17] = 0x61;
		eps[18] = 0xfd; eps[33] = 1; eps[34] = 0x1e; eps[35] = 0x61;
		fz_nonce(nonce, 4);
		f = prl_disco_seal_nonce(b, sizeof(b), keys.client_pub[0],
					keys.shared[0], nonce, plain, sizeof(plain));
		if (f < 0)
			abort();
		r[0] = 0x00;		/* raw */
		r[1] = 0x04; r[2] = 0x00;
		r[3] = 2;
		memcpy(r + 4, eps, sizeof(eps));
		memcpy(r + 4 + sizeof(eps), b, (size_t)f);
		put("alloc", "raw_padded_request", r, 4 + sizeof(eps) + (size_t)f);
		put("disco_frame", "alloc_req_frame", b, (size_t)f);
		r[0] = 0x01 | 0x08 | 0x10;	/* sealed, fix up, pad to 1024 */
		memcpy(r + 4 + sizeof(eps), plain, 70);
		put("alloc", "sealed_fixup_pad", r, 4 + sizeof(eps) + 70);
		r[0] = 0x01 | 0x08;		/* unpadded: amplification refused */
		put("alloc", "sealed_unpadded", r, 4 + sizeof(eps) + 70);
		r[0] = 0x01 | 0x04 | 0x08 | 0x10;	/* not granted */
		put("alloc", "sealed_outsider", r, 4 + sizeof(eps) + 70);
	}

	gen_nlparse();
	gen_text();
	return 0;
}
