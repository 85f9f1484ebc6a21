// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client library (tools/lib/relayclient.c) against the relay-side
 * libraries (tools/relayd/handshake.c, alloc.c) over real loopback UDP
 * sockets. The "relay" here is a small userspace stand-in running in a
 * thread: it answers in-band allocation, runs prl_hs_handle() for control
 * packets and forwards data per protocol §3, which is what the kernel
 * module and relayd do together. Covers §7 scenarios 1-7, 9, 11, 12, 13
 * end to end (host only, no kernel module needed), for IPv4 and IPv6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "kselftest_harness.h"

#include "keyfile.h"
#include "relayclient.h"
/* Relay-side libraries are not in libpeerrelay.a: build them in. */
#include "../../tools/relayd/handshake.c"
#include "../../tools/relayd/alloc.c"

/* ---- the stand-in relay ---- */

struct mini_relay {
	int fd;
	struct sockaddr_storage addr;
	uint8_t priv[32], pub[32];
	struct prl_hs_server hs;
	struct prl_alloc_ctx alloc;
	struct prl_grants grants;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t lock;	/* protects everything below */
	bool have_session;
	struct prl_hs_session sess;
	uint64_t lamport;
	bool bound[2];
	struct sockaddr_storage ep[2];
	uint64_t forwarded, dropped_data, allocations;
};

static struct prl_hs_session *mini_lookup(void *ctx, uint32_t vni)
{
	struct mini_relay *r = ctx;

	return r->have_session && r->sess.vni == vni ? &r->sess : NULL;
}

static void mini_alloc(struct mini_relay *r, const uint8_t *pkt, size_t len,
		       const struct sockaddr_storage *from)
{
	struct prl_alloc_request req;
	struct prl_alloc_session s = {
		.bind_lifetime_ms = 30000, .idle_lifetime_ms = 300000,
	};
	struct prl_addrport ap;
	uint8_t out[PRL_ALLOC_RESPONSE_MAX];
	ssize_t n;

	if (prl_alloc_parse(&r->alloc, pkt, len, &req) != PRL_ALLOC_OK)
		return;
	/* idempotent per pair, like SESSION_NEW */
	if (!r->have_session ||
	    memcmp(r->sess.client_key, req.client_key, 64)) {
		if (prl_hs_session_init(&r->sess, (uint32_t)(r->lamport + 1),
				       req.client_key[0], req.client_key[1],
				       &r->hs))
			return;
		r->lamport++;
		r->have_session = true;
		memset(r->bound, 0, sizeof(r->bound));
	}
	r->allocations++;
	s.vni = r->sess.vni;
	s.lamport = r->lamport;
	prl_addrport_from_sockaddr(&ap, (struct sockaddr *)&r->addr);
	n = prl_alloc_build_response(&r->alloc, &req, &s, &ap, 1, out,
				    sizeof(out));
	if (n > 0)
		sendto(r->fd, out, (size_t)n, 0, (const struct sockaddr *)from,
		       prl_sockaddr_len(from->ss_family));
}

static void mini_rx(struct mini_relay *r, const uint8_t *pkt, size_t len,
		    const struct sockaddr_storage *from)
{
	struct prl_hs_action act;
	uint32_t vni = 0;
	int i;

	switch (prelay_classify(pkt, (__u32)len, &vni)) {
	case PRELAY_CLASS_NOT_GENEVE:
		mini_alloc(r, pkt, len, from);
		return;
	case PRELAY_CLASS_CONTROL:
		prl_hs_handle(&r->hs, pkt, len, (const struct sockaddr *)from,
			     NULL, mini_lookup, r, &act);
		if (act.kind == PRL_HS_ACT_REPLY)
			sendto(r->fd, act.reply, act.reply_len, 0,
			       (const struct sockaddr *)from,
			       prl_sockaddr_len(from->ss_family));
		if (act.kind == PRL_HS_ACT_BIND) {
			r->ep[act.endpoint] = act.remote;
			r->bound[act.endpoint] = true;
		}
		return;
	case PRELAY_CLASS_DATA:
		if (!r->have_session || r->sess.vni != vni ||
		    !r->bound[0] || !r->bound[1])
			break;
		for (i = 0; i < 2; i++) {
			if (!prl_sockaddr_equal(from, &r->ep[i]))
				continue;
			sendto(r->fd, pkt, len, 0,
			       (const struct sockaddr *)&r->ep[!i],
			       prl_sockaddr_len(r->ep[!i].ss_family));
			r->forwarded++;
			return;
		}
		break;
	default:
		break;
	}
	r->dropped_data++;
}

static void *mini_thread(void *arg)
{
	struct mini_relay *r = arg;
	uint8_t buf[65536];

	while (!atomic_load(&r->stop)) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recvfrom(r->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			continue;
		pthread_mutex_lock(&r->lock);
		mini_rx(r, buf, (size_t)n, &from);
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

static int mini_start(struct mini_relay *r, int family,
		      const uint8_t grant[32])
{
	socklen_t len = sizeof(r->addr);
	char err[64];

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	if (prl_key_generate(r->priv, r->pub) ||
	    prl_hs_server_init(&r->hs, r->priv, NULL, NULL))
		return -1;
	if (prl_grants_parse("", 0, &r->grants, err, sizeof(err)))
		return -1;
	r->grants.keys = malloc(32);
	memcpy(r->grants.keys[0], grant, 32);
	r->grants.n = 1;
	if (prl_alloc_ctx_init(&r->alloc, r->priv, &r->grants))
		return -1;
	r->fd = socket(family, SOCK_DGRAM, 0);
	r->addr.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&r->addr)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&r->addr)->sin6_addr = in6addr_loopback;
	if (bind(r->fd, (struct sockaddr *)&r->addr,
		 prl_sockaddr_len(r->addr.ss_family)) ||
	    getsockname(r->fd, (struct sockaddr *)&r->addr, &len))
		return -1;
	return pthread_create(&r->thread, NULL, mini_thread, r);
}

static void mini_stop(struct mini_relay *r)
{
	atomic_store(&r->stop, true);
	pthread_join(r->thread, NULL);
	close(r->fd);
	prl_grants_free(&r->grants);
}

/* ---- fixture: relay + two clients ---- */

FIXTURE(rc) {
	struct mini_relay relay;
	uint8_t a_priv[32], a_pub[32], b_priv[32], b_pub[32];
	struct prl_rc a, b;
	uint8_t buf[65536];
};

FIXTURE_VARIANT(rc) {
	int family;
};

FIXTURE_VARIANT_ADD(rc, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(rc, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(rc)
{
	prl_key_generate(self->a_priv, self->a_pub);
	prl_key_generate(self->b_priv, self->b_pub);
	ASSERT_EQ(0, mini_start(&self->relay, variant->family, self->a_pub));
	ASSERT_EQ(0, prl_rc_open(&self->a, self->a_priv,
				(struct sockaddr *)&self->relay.addr, NULL));
	ASSERT_EQ(0, prl_rc_open(&self->b, self->b_priv,
				(struct sockaddr *)&self->relay.addr, NULL));
}

FIXTURE_TEARDOWN(rc)
{
	prl_rc_close(&self->a);
	prl_rc_close(&self->b);
	mini_stop(&self->relay);
}

/* A allocates in-band, B learns the endpoint "via CallMeMaybeVia". */
static void allocate_both(struct __test_metadata *_metadata,
			  FIXTURE_DATA(rc) *self, struct prl_disco_endpoint *ep)
{
	ASSERT_EQ(0, prl_rc_allocate(&self->a, self->relay.pub, self->b_pub,
				    2000, ep));
	ASSERT_EQ(0, prl_rc_set_endpoint(&self->b, ep->server_key, ep->vni,
					self->a_pub));
}

static bool relay_bound(struct mini_relay *r, int i)
{
	bool b;

	pthread_mutex_lock(&r->lock);
	b = r->bound[i];
	pthread_mutex_unlock(&r->lock);
	return b;
}

/* Wait until the relay has processed everything in flight. */
static void settle(void)
{
	usleep(50 * 1000);
}

static int idx_of(FIXTURE_DATA(rc) *self, const uint8_t *key)
{
	return memcmp(key, self->relay.sess.client_key[0], 32) ? 1 : 0;
}

/* One Ping from @x to @y and the Pong back; returns 0 if it round-trips. */
static int ping_pair(struct prl_rc *x, struct prl_rc *y, uint8_t *buf)
{
	uint8_t txid[12];
	struct prl_rc_rx rx;
	int err;

	randombytes_buf(txid, sizeof(txid));
	err = prl_rc_send_ping(x, txid, 0);
	if (err)
		return err;
	do {
		err = prl_rc_recv(y, buf, 65536, 500, &rx);
		if (err)
			return err;
	} while (rx.kind != PRL_RC_RX_PING);
	if (memcmp(rx.msg.u.ping.txid, txid, 12))
		return -EBADMSG;
	err = prl_rc_send_pong(y, &rx);
	if (err)
		return err;
	do {
		err = prl_rc_recv(x, buf, 65536, 500, &rx);
		if (err)
			return err;
	} while (rx.kind != PRL_RC_RX_PONG);
	return memcmp(rx.msg.u.pong.txid, txid, 12) ? -EBADMSG : 0;
}

/* §7 scenarios 1-6 */
TEST_F(rc, allocate_bind_forward)
{
	struct prl_disco_endpoint ep, ep2;
	struct sockaddr_storage chal_from;
	const uint8_t fwd[] = { 0x00, 0x00, 0x7a, 0x12, 0, 0, 0, 0, 1, 2, 3 };
	uint8_t exp[sizeof(fwd)];
	struct prl_rc_rx rx;

	allocate_both(_metadata, self, &ep);
	EXPECT_EQ(0, memcmp(ep.server_key, self->relay.pub, 32));
	EXPECT_EQ(1u, ep.lamport);
	EXPECT_EQ(30 * PRL_NSEC_PER_SEC, ep.bind_lifetime_ns);
	EXPECT_EQ(300 * PRL_NSEC_PER_SEC, ep.steady_lifetime_ns);
	ASSERT_LE(1u, ep.n_addrports);
	/* idempotent */
	ASSERT_EQ(0, prl_rc_allocate(&self->a, self->relay.pub, self->b_pub,
				    2000, &ep2));
	EXPECT_EQ(ep.vni, ep2.vni);
	EXPECT_EQ(ep.lamport, ep2.lamport);

	/* scenario 2-3: Bind gets a Challenge from the relay; Answer binds */
	ASSERT_EQ(0, prl_rc_bind(&self->a, 1, 2000, &chal_from));
	EXPECT_TRUE(prl_sockaddr_equal(&chal_from, &self->relay.addr));
	settle();
	EXPECT_TRUE(relay_bound(&self->relay, idx_of(self, self->a_pub)));
	/* scenario 11: half bound, A's ping never arrives */
	EXPECT_EQ(-ETIMEDOUT, ping_pair(&self->a, &self->b, self->buf));
	ASSERT_EQ(0, prl_rc_bind(&self->b, 1, 2000, NULL));
	settle();
	EXPECT_TRUE(relay_bound(&self->relay, idx_of(self, self->b_pub)));

	/* end-to-end disco both ways */
	ASSERT_EQ(0, ping_pair(&self->a, &self->b, self->buf));
	ASSERT_EQ(0, ping_pair(&self->b, &self->a, self->buf));

	/* scenario 5: data arrives byte for byte */
	ASSERT_EQ(0, prl_rc_send_data(&self->a, PRELAY_GENEVE_PROTO_WG, fwd + 8, 3));
	ASSERT_EQ(0, prl_rc_recv(&self->b, self->buf, sizeof(self->buf), 1000,
				&rx));
	ASSERT_EQ(PRL_RC_RX_DATA, rx.kind);
	memcpy(exp, fwd, sizeof(fwd));
	exp[4] = (uint8_t)(ep.vni >> 16);
	exp[5] = (uint8_t)(ep.vni >> 8);
	exp[6] = (uint8_t)ep.vni;
	ASSERT_EQ(sizeof(exp), rx.len);
	EXPECT_EQ(0, memcmp(exp, rx.datagram, sizeof(exp)));
	/* scenario 6: and back */
	ASSERT_EQ(0, prl_rc_send_data(&self->b, PRELAY_GENEVE_PROTO_WG,
				     "\x04\x05\x06", 3));
	ASSERT_EQ(0, prl_rc_recv(&self->a, self->buf, sizeof(self->buf), 1000,
				&rx));
	ASSERT_EQ(PRL_RC_RX_DATA, rx.kind);
	EXPECT_EQ(3u, rx.payload_len);
	EXPECT_EQ(0, memcmp(rx.payload, "\x04\x05\x06", 3));
	EXPECT_EQ(ep.vni, rx.hdr.vni);
	EXPECT_EQ(PRELAY_GENEVE_PROTO_WG, rx.hdr.proto);
}

/* §7 scenario 7: A rebinds from a new port with a higher generation */
TEST_F(rc, rebind_new_port)
{
	struct prl_disco_endpoint ep;
	struct prl_rc a2;

	allocate_both(_metadata, self, &ep);
	ASSERT_EQ(0, prl_rc_bind(&self->a, 0, 2000, NULL));
	ASSERT_EQ(0, prl_rc_bind(&self->b, 0, 2000, NULL));
	settle();
	ASSERT_EQ(0, ping_pair(&self->a, &self->b, self->buf));

	ASSERT_EQ(0, prl_rc_open(&a2, self->a_priv,
				(struct sockaddr *)&self->relay.addr, NULL));
	ASSERT_EQ(0, prl_rc_set_endpoint(&a2, ep.server_key, ep.vni,
					self->b_pub));
	ASSERT_EQ(0, prl_rc_bind(&a2, self->a.generation + 1, 2000, NULL));
	settle();
	ASSERT_EQ(0, ping_pair(&a2, &self->b, self->buf));
	ASSERT_EQ(0, ping_pair(&self->b, &a2, self->buf));
	/* scenario 9: the old address is now a third party */
	EXPECT_EQ(-ETIMEDOUT, ping_pair(&self->a, &self->b, self->buf));
	prl_rc_close(&a2);
}

/* §7 scenario 12 through the client's corruption modes */
TEST_F(rc, corrupt_binds_get_no_challenge)
{
	static const enum prl_rc_corrupt kinds[] = {
		PRL_RC_CORRUPT_BIND_VNI, PRL_RC_CORRUPT_BIND_REMOTE,
		PRL_RC_CORRUPT_BIND_GEN0, PRL_RC_CORRUPT_BIND_PROTO,
		PRL_RC_CORRUPT_BIND_TAMPER,
	};
	struct prl_disco_endpoint ep;
	size_t i;

	allocate_both(_metadata, self, &ep);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		self->a.corrupt = kinds[i];
		EXPECT_EQ(-ETIMEDOUT, prl_rc_bind(&self->a, 0, 300, NULL));
	}
	self->a.corrupt = PRL_RC_CORRUPT_NONE;
	EXPECT_EQ(0, prl_rc_bind(&self->a, 0, 2000, NULL));
}

/* §7 scenario 13 through the client's corruption modes */
TEST_F(rc, corrupt_answers_do_not_bind)
{
	static const enum prl_rc_corrupt kinds[] = {
		PRL_RC_CORRUPT_ANSWER_PORT, PRL_RC_CORRUPT_ANSWER_MAC,
		PRL_RC_CORRUPT_ANSWER_GEN, PRL_RC_CORRUPT_ANSWER_NONE,
	};
	struct prl_disco_endpoint ep;
	size_t i;
	int ia;

	allocate_both(_metadata, self, &ep);
	ia = idx_of(self, self->a_pub);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		self->a.corrupt = kinds[i];
		ASSERT_EQ(0, prl_rc_bind(&self->a, 0, 2000, NULL));
		settle();
		EXPECT_FALSE(relay_bound(&self->relay, ia));
	}
	self->a.corrupt = PRL_RC_CORRUPT_NONE;
	ASSERT_EQ(0, prl_rc_bind(&self->a, 0, 2000, NULL));
	settle();
	EXPECT_TRUE(relay_bound(&self->relay, ia));
}

TEST_F(rc, allocation_needs_grant_and_right_key)
{
	struct prl_disco_endpoint ep;
	uint8_t wrong_priv[32], wrong_pub[32];

	/* B is not in the grants: no response at all */
	EXPECT_EQ(-ETIMEDOUT, prl_rc_allocate(&self->b, self->relay.pub,
					     self->a_pub, 700, &ep));
	/* sealing to the wrong relay key: no response */
	prl_key_generate(wrong_priv, wrong_pub);
	EXPECT_EQ(-ETIMEDOUT, prl_rc_allocate(&self->a, wrong_pub, self->b_pub,
					     700, &ep));
	EXPECT_EQ(-EINVAL, prl_rc_allocate(&self->a, self->relay.pub,
					  self->a_pub, 700, &ep));
	EXPECT_EQ(0u, self->relay.allocations);
}

/* ---- the relay-client CLI against the stand-in relay ---- */

static bool find_cli(char *out, size_t len)
{
	const char *env = getenv("RELAY_CLIENT");
	char exe[512];
	ssize_t n;
	char *slash;

	if (env) {
		snprintf(out, len, "%s", env);
		return access(out, X_OK) == 0;
	}
	/* build/unit/<test> -> build/tools/relay-client/relay-client */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	snprintf(out, len, "%s/../tools/relay-client/relay-client", exe);
	return access(out, X_OK) == 0;
}

FIXTURE(cli) {
	struct mini_relay relay;
	char bin[600], dir[64], key_a[96], key_b[96];
	char relay_s[80], server_hex[65], a_hex[65], b_hex[65];
	char out[4096];
};

FIXTURE_VARIANT(cli) {
	int family;
};

FIXTURE_VARIANT_ADD(cli, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(cli, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(cli)
{
	uint8_t priv[32], a_pub[32], b_pub[32];
	struct prl_addrport ap;

	if (!find_cli(self->bin, sizeof(self->bin)))
		SKIP(return, "relay-client not built (make -C tools)");
	strcpy(self->dir, "/tmp/relayclient_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->key_a, sizeof(self->key_a), "%s/a.key", self->dir);
	snprintf(self->key_b, sizeof(self->key_b), "%s/b.key", self->dir);
	ASSERT_EQ(0, prl_key_generate(priv, a_pub));
	ASSERT_EQ(0, prl_key_save(self->key_a, priv));
	ASSERT_EQ(0, prl_key_generate(priv, b_pub));
	ASSERT_EQ(0, prl_key_save(self->key_b, priv));
	prl_key_to_hex(a_pub, self->a_hex);
	prl_key_to_hex(b_pub, self->b_hex);
	ASSERT_EQ(0, mini_start(&self->relay, variant->family, a_pub));
	prl_key_to_hex(self->relay.pub, self->server_hex);
	prl_addrport_from_sockaddr(&ap, (struct sockaddr *)&self->relay.addr);
	prl_addrport_format(&ap, self->relay_s, sizeof(self->relay_s));
}

FIXTURE_TEARDOWN(cli)
{
	char cmd[256];

	if (!self->dir[0])
		return;
	mini_stop(&self->relay);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup failed");
}

/* Run a shell command line; capture stdout in self->out; exit status. */
static int run(char *out, size_t outlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int run(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	FILE *f;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST_F(cli, keys)
{
	char pub[4096];

	ASSERT_EQ(0, run(self->out, sizeof(self->out), "'%s' pubkey < '%s'",
			 self->bin, self->key_a));
	EXPECT_EQ(0, strncmp(self->out, self->a_hex, 64));
	ASSERT_EQ(0, run(self->out, sizeof(self->out), "'%s' -j pubkey '%s'",
			 self->bin, self->key_b));
	snprintf(pub, sizeof(pub), "{\"public_key\":\"%s\"}\n", self->b_hex);
	EXPECT_STREQ(pub, self->out);
	/* genkey | pubkey round trip; genkey -o refuses to overwrite */
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' genkey -o '%s/c.key'", self->bin, self->dir));
	ASSERT_EQ(65u, strlen(self->out));
	ASSERT_EQ(0, run(pub, sizeof(pub), "'%s' pubkey '%s/c.key'",
			 self->bin, self->dir));
	EXPECT_STREQ(self->out, pub);
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "'%s' genkey -o '%s/c.key' 2>/dev/null", self->bin,
			 self->dir));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' genkey | '%s' pubkey", self->bin, self->bin));
	EXPECT_EQ(65u, strlen(self->out));
	EXPECT_EQ(1, run(self->out, sizeof(self->out),
			 "echo nothex | '%s' pubkey 2>/dev/null", self->bin));
}

TEST_F(cli, usage_errors)
{
	EXPECT_EQ(2, run(self->out, sizeof(self->out), "'%s' 2>/dev/null",
			 self->bin));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' frobnicate 2>/dev/null", self->bin));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' bind 2>/dev/null", self->bin));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' bind --relay %s --server-key %s --peer %s 2>/dev/null",
			 self->bin, self->relay_s, self->server_hex,
			 self->b_hex));	/* neither --vni nor --allocate */
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' bind --relay nowhere --server-key %s --peer %s --vni 1 2>/dev/null",
			 self->bin, self->server_hex, self->b_hex));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' pair --relay %s --server-key 1234 --vni 1 2>/dev/null",
			 self->bin, self->relay_s));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' bind --vni 0 2>/dev/null", self->bin));
	EXPECT_EQ(0, run(self->out, sizeof(self->out), "'%s' bind --help",
			 self->bin));
	EXPECT_NE(NULL, strstr(self->out, "Usage: relay-client"));
	EXPECT_EQ(0, run(self->out, sizeof(self->out), "'%s' --help",
			 self->bin));
	EXPECT_EQ(0, run(self->out, sizeof(self->out), "'%s' pair -h",
			 self->bin));
	EXPECT_EQ(0, run(self->out, sizeof(self->out), "'%s' -V", self->bin));
}

TEST_F(cli, allocate_and_pair)
{
	char want[128];

	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' -j allocate --relay %s --server-key %s --peer %s --key '%s'",
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a));
	EXPECT_NE(NULL, strstr(self->out, "\"vni\":1,\"lamport\":1,"));
	snprintf(want, sizeof(want), "\"addrs\":[\"%s\"]", self->relay_s);
	EXPECT_NE(NULL, strstr(self->out, want)) {
		TH_LOG("%s", self->out);
	}
	/* B is not granted: no response, exit 3 */
	EXPECT_EQ(3, run(self->out, sizeof(self->out),
			 "'%s' allocate --relay %s --server-key %s --peer %s --key '%s' --timeout 600 2>/dev/null",
			 self->bin, self->relay_s, self->server_hex, self->a_hex,
			 self->key_b));

	/* pair on the allocated VNI and in-band */
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' -j pair --relay %s --server-key %s --vni 1 --key-a '%s' --key-b '%s' --count 3 --interval 0",
			 self->bin, self->relay_s, self->server_hex,
			 self->key_a, self->key_b)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "\"sent\":3,\"received\":3,\"lost\":0,\"modified\":0"));
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' pair --relay %s --server-key %s --allocate --key-a '%s' --key-b '%s' --count 2 --interval 0",
			 self->bin, self->relay_s, self->server_hex,
			 self->key_a, self->key_b));
	EXPECT_NE(NULL, strstr(self->out, "vni 1\n"));
	EXPECT_NE(NULL, strstr(self->out, "2 sent, 2 received, 0 lost, 0 modified"));
	/* a VNI the relay does not know: no Challenge */
	EXPECT_EQ(3, run(self->out, sizeof(self->out),
			 "'%s' pair --relay %s --server-key %s --vni 77 --key-a '%s' --key-b '%s' --timeout 400 2>/dev/null",
			 self->bin, self->relay_s, self->server_hex,
			 self->key_a, self->key_b));
}

TEST_F(cli, bind_echo_ping_send_recv)
{
	/* allocate first so VNI 1 exists for (A, B) */
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' allocate --relay %s --server-key %s --peer %s --key '%s'",
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a));
	/* B echoes, A pings: both succeed */
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "B='%s bind --relay %s --server-key %s --peer %s --key %s --vni 1'; "
			 "A='%s bind --relay %s --server-key %s --peer %s --key %s --vni 1'; "
			 "$B --echo --count 2 --timeout 5000 -q & sleep 0.3; "
			 "$A --ping 2 --interval 0 || exit 10; wait $! || exit 11",
			 self->bin, self->relay_s, self->server_hex, self->a_hex,
			 self->key_b,
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "2 sent, 2 received, 0 lost"));
	/* B receives what A sends, byte for byte after the header */
	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "B='%s bind --relay %s --server-key %s --peer %s --key %s --vni 1'; "
			 "A='%s bind --relay %s --server-key %s --peer %s --key %s --vni 1'; "
			 "$B --recv 2 --timeout 5000 & sleep 0.3; "
			 "$A --send 010203 --count 2 --interval 50 >/dev/null || exit 10; wait $! || exit 11",
			 self->bin, self->relay_s, self->server_hex, self->a_hex,
			 self->key_b,
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, "recv data from "));
	EXPECT_NE(NULL, strstr(self->out, "vni 1 proto 0x7a12 len 11 payload 010203\n"));
	/* ping with nobody echoing: exit 3 */
	EXPECT_EQ(3, run(self->out, sizeof(self->out),
			 "'%s' -j bind --relay %s --server-key %s --peer %s --key '%s' --vni 1 --ping 1 --timeout 300",
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a));
	EXPECT_NE(NULL, strstr(self->out, "\"event\":\"lost\""));
}

TEST_F(cli, corrupt_modes)
{
	static const char *const drops[] = {
		"bind-vni", "bind-remote-key", "bind-gen0", "bind-proto",
		"bind-tamper",
	};
	size_t i;

	ASSERT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' allocate --relay %s --server-key %s --peer %s --key '%s'",
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a));
	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		EXPECT_EQ(3, run(self->out, sizeof(self->out),
				 "'%s' bind --relay %s --server-key %s --peer %s --key '%s' --vni 1 --timeout 300 --corrupt %s 2>/dev/null",
				 self->bin, self->relay_s, self->server_hex,
				 self->b_hex, self->key_a, drops[i]));
	EXPECT_EQ(0, run(self->out, sizeof(self->out),
			 "'%s' bind --relay %s --server-key %s --peer %s --key '%s' --vni 1 --corrupt answer-mac",
			 self->bin, self->relay_s, self->server_hex, self->b_hex,
			 self->key_a));
	usleep(50 * 1000);
	EXPECT_FALSE(relay_bound(&self->relay, 0));
	EXPECT_FALSE(relay_bound(&self->relay, 1));
	EXPECT_EQ(2, run(self->out, sizeof(self->out),
			 "'%s' bind --corrupt nonsense 2>/dev/null", self->bin));
}

TEST(generation_wraps_skipping_zero)
{
	EXPECT_EQ(1u, prl_rc_next_generation(0));
	EXPECT_EQ(2u, prl_rc_next_generation(1));
	EXPECT_EQ(1u, prl_rc_next_generation(0xffffffffu));
}

TEST_HARNESS_MAIN
