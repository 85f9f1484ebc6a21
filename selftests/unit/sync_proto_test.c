// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication wire format (tools/relayd/sync_proto.c): records
 * round-trip, malformed records are rejected, direction keys differ per
 * direction and per connection, and a stream does not decrypt with the
 * other direction's key.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"

#include "../../tools/relayd/sync_proto.c"

static void sample(struct prl_session *s)
{
	memset(s, 0, sizeof(*s));
	s->vni = 0x123456;
	s->lamport = 77;
	s->age_ms = 12345;
	memset(s->key0, 0x11, 32);
	memset(s->key1, 0x22, 32);
	s->ep[0].remote.addr.family = AF_INET;
	memcpy(s->ep[0].remote.addr.u.raw, "\x0a\x00\x01\x02", 4);
	s->ep[0].remote.port = 5001;
	s->ep[0].local.family = AF_INET;
	memcpy(s->ep[0].local.u.raw, "\x0a\x09\x00\x64", 4);
	s->ep[0].idle_ms = 250;
	s->ep[1].remote.addr.family = AF_INET6;
	s->ep[1].remote.addr.u.raw[0] = 0xfd;
	s->ep[1].remote.addr.u.raw[15] = 2;
	s->ep[1].remote.port = 5002;
	s->ep[1].idle_ms = 9;
}

TEST(session_roundtrip)
{
	uint8_t buf[SYNC_FRAME_MAX];
	struct prl_session in;
	struct sync_rec r;
	size_t len = 0, off = 0;

	sample(&in);
	ASSERT_EQ(0, sync_put_session(buf, &len, &in));
	ASSERT_EQ(0, sync_put_del(buf, &len, 5, 6, PEER_RELAY_DEL_EXPIRED_IDLE));
	ASSERT_EQ(0, sync_put_gen(buf, &len, SYNC_REC_END, 3, 10000));
	ASSERT_EQ(0, sync_put_clock(buf, &len, SYNC_REC_ACK, 42, 7));
	ASSERT_EQ(1, sync_get_rec(buf, len, &off, &r));
	ASSERT_EQ(SYNC_REC_SESSION, r.type);
	EXPECT_EQ(in.vni, r.sess.vni);
	EXPECT_EQ(in.lamport, r.sess.lamport);
	EXPECT_EQ(in.age_ms, r.sess.age_ms);
	EXPECT_EQ(0, memcmp(in.key0, r.sess.key0, 32));
	EXPECT_EQ(0, memcmp(in.key1, r.sess.key1, 32));
	EXPECT_TRUE(prl_endpoint_equal(&in.ep[0].remote, &r.sess.ep[0].remote));
	EXPECT_TRUE(prl_addr_equal(&in.ep[0].local, &r.sess.ep[0].local));
	EXPECT_EQ(250, r.sess.ep[0].idle_ms);
	EXPECT_TRUE(prl_endpoint_equal(&in.ep[1].remote, &r.sess.ep[1].remote));
	EXPECT_EQ(0, r.sess.ep[1].local.family);
	ASSERT_EQ(1, sync_get_rec(buf, len, &off, &r));
	EXPECT_EQ(SYNC_REC_DEL, r.type);
	EXPECT_EQ(5, r.sess.vni);
	EXPECT_EQ(6, r.sess.lamport);
	EXPECT_EQ(PEER_RELAY_DEL_EXPIRED_IDLE, r.sess.del_reason);
	ASSERT_EQ(1, sync_get_rec(buf, len, &off, &r));
	EXPECT_EQ(SYNC_REC_END, r.type);
	EXPECT_EQ(3, r.gen);
	EXPECT_EQ(10000, r.count);
	ASSERT_EQ(1, sync_get_rec(buf, len, &off, &r));
	EXPECT_EQ(SYNC_REC_ACK, r.type);
	EXPECT_EQ(42, r.clock_ms);
	EXPECT_EQ(7, r.applied);
	EXPECT_EQ(0, sync_get_rec(buf, len, &off, &r));
}

TEST(frame_full)
{
	uint8_t buf[SYNC_FRAME_MAX];
	struct prl_session in;
	size_t len = 0;
	int n = 0;

	sample(&in);
	while (!sync_put_session(buf, &len, &in))
		n++;
	EXPECT_EQ(SYNC_FRAME_MAX / (3 + SYNC_SESSION_LEN), n);
	EXPECT_LE(len, SYNC_FRAME_MAX);
}

TEST(malformed)
{
	uint8_t buf[SYNC_FRAME_MAX], bad[SYNC_FRAME_MAX];
	struct prl_session in;
	struct sync_rec r;
	size_t len = 0, off;

	sample(&in);
	ASSERT_EQ(0, sync_put_session(buf, &len, &in));
	/* truncated anywhere */
	for (size_t cut = 1; cut < len; cut++) {
		off = 0;
		EXPECT_EQ(-EBADMSG, sync_get_rec(buf, cut, &off, &r));
	}
	/* VNI 0, LamportID 0, bad family, port 0, unknown flag, unknown type */
	static const struct { size_t at; uint8_t v; } pokes[] = {
		{ 3 + 0, 0 }, { 3 + 3, 0 },		/* VNI -> 0 */
		{ 3 + 11, 0 },				/* LamportID 77 -> 0 */
		{ 3 + 84 + 1, 5 },			/* family 5 */
		{ 3 + 84 + 3, 0 },			/* port 5001 -> 5000+... */
		{ 3 + 84, 0x80 },			/* unknown endpoint flag */
		{ 0, 99 },				/* record type */
	};
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		memcpy(bad, buf, len);
		if (i == 0) {
			memset(bad + 3, 0, 4);
		} else if (i == 1) {
			continue;
		} else if (i == 2) {
			memset(bad + 3 + 4, 0, 8);
		} else if (i == 4) {
			memset(bad + 3 + 84 + 2, 0, 2);
		} else {
			bad[pokes[i].at] = pokes[i].v;
		}
		off = 0;
		EXPECT_EQ(-EBADMSG, sync_get_rec(bad, len, &off, &r)) {
			TH_LOG("poke %zu", i);
		}
	}
	/* AUTH names: empty or with control characters */
	len = 0;
	ASSERT_EQ(0, sync_put_auth(buf, &len, "r1\n"));
	off = 0;
	EXPECT_EQ(-EBADMSG, sync_get_rec(buf, len, &off, &r));
	len = 0;
	ASSERT_EQ(0, sync_put_auth(buf, &len, "relay-1"));
	off = 0;
	ASSERT_EQ(1, sync_get_rec(buf, len, &off, &r));
	EXPECT_STREQ("relay-1", r.name);
}

TEST(hello)
{
	uint8_t h[SYNC_HELLO_LEN], n[SYNC_NONCE_LEN], out[SYNC_NONCE_LEN];

	memset(n, 0xab, sizeof(n));
	sync_hello_put(h, n);
	ASSERT_EQ(0, sync_hello_get(h, out));
	EXPECT_EQ(0, memcmp(n, out, sizeof(n)));
	h[4] = 2;
	EXPECT_EQ(-EPROTONOSUPPORT, sync_hello_get(h, out));
	h[0] = 'X';
	EXPECT_EQ(-EPROTO, sync_hello_get(h, out));
}

TEST(keys_and_streams)
{
	uint8_t k[SYNC_KEY_LEN], k2[SYNC_KEY_LEN], ni[32], nr[32];
	uint8_t i2r[32], r2i[32], other[32], hdr[SYNC_HEADER_LEN];
	uint8_t msg[5] = "hello", c[5 + SYNC_ABYTES], p[5];
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	unsigned long long clen, plen;
	unsigned char tag;

	ASSERT_LE(0, sodium_init());
	memset(k, 1, sizeof(k));
	memset(ni, 2, sizeof(ni));
	memset(nr, 3, sizeof(nr));
	ASSERT_EQ(0, sync_dir_key(i2r, k, "i2r", ni, nr));
	ASSERT_EQ(0, sync_dir_key(r2i, k, "r2i", ni, nr));
	EXPECT_NE(0, memcmp(i2r, r2i, 32));
	nr[0] ^= 1;
	ASSERT_EQ(0, sync_dir_key(other, k, "i2r", ni, nr));
	EXPECT_NE(0, memcmp(i2r, other, 32));	/* fresh nonce, fresh key */
	memset(k2, 9, sizeof(k2));
	sync_key_from_relay_key(k2, k);
	EXPECT_NE(0, memcmp(k2, k, 32));

	/* the initiator's stream opens with i2r, not with r2i */
	crypto_secretstream_xchacha20poly1305_init_push(&tx, hdr, i2r);
	ASSERT_EQ(0, crypto_secretstream_xchacha20poly1305_push(&tx, c, &clen, msg, 5,
								NULL, 0, 0));
	ASSERT_EQ(0, crypto_secretstream_xchacha20poly1305_init_pull(&rx, hdr, r2i));
	EXPECT_NE(0, crypto_secretstream_xchacha20poly1305_pull(&rx, p, &plen, &tag, c,
								clen, NULL, 0));
	ASSERT_EQ(0, crypto_secretstream_xchacha20poly1305_init_pull(&rx, hdr, i2r));
	ASSERT_EQ(0, crypto_secretstream_xchacha20poly1305_pull(&rx, p, &plen, &tag, c,
								clen, NULL, 0));
	EXPECT_EQ(0, memcmp(p, msg, 5));
	/* replaying the same frame fails: the stream moved on */
	EXPECT_NE(0, crypto_secretstream_xchacha20poly1305_pull(&rx, p, &plen, &tag, c,
								clen, NULL, 0));
}

TEST_HARNESS_MAIN
