// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/lib/uforward as relayd's userspace data plane uses it: the
 * caller's sockets (IPv4 and IPv6, cross-family forwarding), sessions
 * created unbound and bound one endpoint at a time, rebinding, deletion,
 * last activity, the pass queue (control of known VNIs, disco, STUN with
 * the local address) and the drop reasons - over loopback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "addr.h"
#include "uforward.h"

static struct sockaddr_storage lo4(uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return ss;
}

static struct sockaddr_storage lo6(uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	s6->sin6_addr = in6addr_loopback;
	return ss;
}

static uint16_t ssport(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ?
		     ((const struct sockaddr_in6 *)ss)->sin6_port :
		     ((const struct sockaddr_in *)ss)->sin_port);
}

/* A UDP socket bound to loopback of @fam, any port; its address in @ss. */
static int udp_lo(int fam, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);
	int one = 1, fd = socket(fam, SOCK_DGRAM, 0);

	*ss = fam == AF_INET6 ? lo6(0) : lo4(0);
	if (fd < 0)
		return -1;
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)ss,
		 prl_sockaddr_len(ss->ss_family)) ||
	    getsockname(fd, (struct sockaddr *)ss, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static ssize_t recv_wait(int fd, void *buf, size_t len,
			 struct sockaddr_storage *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, 300) <= 0)
		return -1;
	return recvfrom(fd, buf, len, 0, (struct sockaddr *)from, &fl);
}

static void send_to(int fd, const void *buf, size_t len,
		    const struct sockaddr_storage *to)
{
	sendto(fd, buf, len, 0, (const struct sockaddr *)to,
	       prl_sockaddr_len(to->ss_family));
}

/* Poll the engine's counters until @field reaches @want (1 s). */
#define WAIT_STAT(e, st, expr, want) do {				\
	int _i;								\
	for (_i = 0; _i < 100; _i++) {					\
		uf_stats_read(e, &(st));				\
		if ((expr) >= (want))					\
			break;						\
		usleep(10000);						\
	}								\
} while (0)

struct collected {
	unsigned int n;
	struct uf_passed p[8];
	uint8_t data[8][64];
};

static void collect(void *arg, const struct uf_passed *p)
{
	struct collected *c = arg;

	if (c->n >= 8)
		return;
	c->p[c->n] = *p;
	memcpy(c->data[c->n], p->data, p->len < 64 ? p->len : 64);
	c->n++;
}

/* Drain until @n datagrams were collected or 1 s passed. */
static void drain_wait(struct uf_engine *e, struct collected *c, unsigned int n)
{
	struct pollfd p = { .fd = uf_pass_fd(e), .events = POLLIN };
	uint64_t v;
	int i;

	for (i = 0; i < 20 && c->n < n; i++) {
		if (poll(&p, 1, 50) > 0 && read(p.fd, &v, sizeof(v)) < 0)
			break;
		uf_pass_drain(e, collect, c, 8);
	}
}

FIXTURE(plane)
{
	int relay[2];			/* the caller's sockets: v4, v6 */
	struct sockaddr_storage r4, r6;
	int a, b, c;			/* a: v4 client, b: v6 client, c: v4 */
	struct sockaddr_storage sa, sb, sc;
	struct uf_engine *e;
};

FIXTURE_SETUP(plane)
{
	struct uf_config cfg;

	self->relay[0] = udp_lo(AF_INET, &self->r4);
	self->relay[1] = udp_lo(AF_INET6, &self->r6);
	self->a = udp_lo(AF_INET, &self->sa);
	self->b = udp_lo(AF_INET6, &self->sb);
	self->c = udp_lo(AF_INET, &self->sc);
	ASSERT_GE(self->relay[0], 0);
	ASSERT_GE(self->relay[1], 0);
	ASSERT_GE(self->a, 0);
	ASSERT_GE(self->b, 0);
	ASSERT_GE(self->c, 0);
	uf_config_default(&cfg);
	cfg.fds = self->relay;
	cfg.nfds = 2;
	cfg.pass_queue = true;
	cfg.max_sessions = 4;
	self->e = uf_new(&cfg);
	ASSERT_NE(NULL, self->e);
	ASSERT_GE(uf_pass_fd(self->e), 0);
	ASSERT_EQ(0, uf_start(self->e));
}

FIXTURE_TEARDOWN(plane)
{
	uf_free(self->e);
	/* the engine does not close the caller's sockets */
	EXPECT_EQ(0, close(self->relay[0]));
	EXPECT_EQ(0, close(self->relay[1]));
	close(self->a);
	close(self->b);
	close(self->c);
}

static const uint8_t data7[] = { 0x00, 0x00, 0x7a, 0x12, 0x00, 0x00, 0x07, 0x00,
				 'd', 'a', 't', 'a' };
static const uint8_t ctl7[] = { 0x00, 0x80, 0x7a, 0x11, 0x00, 0x00, 0x07, 0x00,
				'c', 't', 'l' };
static const uint8_t ctl9[] = { 0x00, 0x80, 0x7a, 0x11, 0x00, 0x00, 0x09, 0x00,
				'c', 't', 'l' };
static const uint8_t disco[] = { 'T', 'S', 0xf0, 0x9f, 0x92, 0xac, 1, 2, 3 };

TEST_F(plane, lifecycle_and_pass_queue)
{
	struct sockaddr_storage from, a2;
	struct collected col = { 0 };
	uint64_t last[2], t0;
	struct uf_stats st;
	uint8_t buf[64];
	int a2fd;

	ASSERT_EQ(-ENOENT, uf_session_bind(self->e, 7, 0, &self->sa, NULL));
	ASSERT_EQ(0, uf_session_new(self->e, 7));
	ASSERT_EQ(-EEXIST, uf_session_new(self->e, 7));
	ASSERT_EQ(-EINVAL, uf_session_bind(self->e, 7, 2, &self->sa, NULL));
	/* a local address of the other family is refused */
	ASSERT_EQ(-EINVAL, uf_session_bind(self->e, 7, 0, &self->sa, &self->r6));

	/* Unbound: data dropped (not bound), control passed with the local
	 * address, unknown VNI control dropped, disco passed. */
	send_to(self->a, data7, sizeof(data7), &self->r4);
	send_to(self->a, ctl7, sizeof(ctl7), &self->r4);
	send_to(self->a, ctl9, sizeof(ctl9), &self->r4);
	send_to(self->b, disco, sizeof(disco), &self->r6);
	drain_wait(self->e, &col, 2);
	WAIT_STAT(self->e, st, st.rx_packets, 4);
	ASSERT_EQ(2, col.n);
	/* per-thread order; the two threads may interleave */
	if (col.p[0].sock == 1) {
		struct collected t = col;

		col.p[0] = t.p[1];
		col.p[1] = t.p[0];
		memcpy(col.data[0], t.data[1], 64);
		memcpy(col.data[1], t.data[0], 64);
	}
	EXPECT_EQ(0, col.p[0].sock);
	EXPECT_EQ(sizeof(ctl7), col.p[0].len);
	EXPECT_EQ(0, memcmp(col.data[0], ctl7, sizeof(ctl7)));
	EXPECT_EQ(ssport(&self->sa), ssport(&col.p[0].src));
	EXPECT_EQ(AF_INET, col.p[0].dst.ss_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK),
		  ((struct sockaddr_in *)&col.p[0].dst)->sin_addr.s_addr);
	EXPECT_EQ(1, col.p[1].sock);
	EXPECT_EQ(AF_INET6, col.p[1].src.ss_family);
	EXPECT_EQ(0, memcmp(col.data[1], disco, sizeof(disco)));
	EXPECT_EQ(AF_INET6, col.p[1].dst.ss_family);
	EXPECT_EQ(1, st.drop[PEER_RELAY_DROP_NOT_BOUND]);
	EXPECT_EQ(1, st.drop[PEER_RELAY_DROP_UNKNOWN_VNI]);
	EXPECT_EQ(1, st.pass[PEER_RELAY_PASS_CONTROL]);
	EXPECT_EQ(1, st.pass[PEER_RELAY_PASS_NOT_GENEVE]);

	/* Half bound: still not forwarded. */
	t0 = uf_now_ms();
	ASSERT_EQ(0, uf_session_bind(self->e, 7, 0, &self->sa, &self->r4));
	send_to(self->a, data7, sizeof(data7), &self->r4);
	WAIT_STAT(self->e, st, st.drop[PEER_RELAY_DROP_NOT_BOUND], 2);
	EXPECT_EQ(2, st.drop[PEER_RELAY_DROP_NOT_BOUND]);

	/* Both bound, across families: v4 -> v6 and back, byte-exact, from
	 * the relay socket of the receiver's family. */
	ASSERT_EQ(0, uf_session_bind(self->e, 7, 1, &self->sb, NULL));
	ASSERT_EQ(0, uf_session_last_seen(self->e, 7, last));
	EXPECT_GE(last[0], t0);
	usleep(30000);
	send_to(self->a, data7, sizeof(data7), &self->r4);
	ASSERT_EQ((ssize_t)sizeof(data7), recv_wait(self->b, buf, sizeof(buf), &from));
	EXPECT_EQ(0, memcmp(buf, data7, sizeof(data7)));
	EXPECT_EQ(AF_INET6, from.ss_family);
	EXPECT_EQ(ssport(&self->r6), ssport(&from));
	send_to(self->b, data7, sizeof(data7), &self->r6);
	ASSERT_EQ((ssize_t)sizeof(data7), recv_wait(self->a, buf, sizeof(buf), &from));
	EXPECT_EQ(ssport(&self->r4), ssport(&from));
	WAIT_STAT(self->e, st, st.fwd_packets, 2);
	EXPECT_EQ(1, st.fwd_af[UF_AF_PAIR(0, 1)]);
	EXPECT_EQ(1, st.fwd_af[UF_AF_PAIR(1, 0)]);
	EXPECT_EQ(2 * sizeof(data7), st.fwd_bytes);
	/* forwarding is activity of the sender */
	ASSERT_EQ(0, uf_session_last_seen(self->e, 7, last));
	EXPECT_GT(last[0], t0 + 20);

	/* A third party is dropped. */
	send_to(self->c, data7, sizeof(data7), &self->r4);
	EXPECT_EQ(-1, recv_wait(self->b, buf, sizeof(buf), &from));
	uf_stats_read(self->e, &st);
	EXPECT_EQ(1, st.drop[PEER_RELAY_DROP_BAD_SOURCE]);

	/* Rebinding A to a new port: the old one is a third party now. */
	a2fd = udp_lo(AF_INET, &a2);
	ASSERT_GE(a2fd, 0);
	ASSERT_EQ(0, uf_session_bind(self->e, 7, 0, &a2, NULL));
	send_to(self->a, data7, sizeof(data7), &self->r4);
	EXPECT_EQ(-1, recv_wait(self->b, buf, sizeof(buf), &from));
	send_to(a2fd, data7, sizeof(data7), &self->r4);
	EXPECT_EQ((ssize_t)sizeof(data7), recv_wait(self->b, buf, sizeof(buf), &from));
	send_to(self->b, data7, sizeof(data7), &self->r6);
	EXPECT_EQ((ssize_t)sizeof(data7), recv_wait(a2fd, buf, sizeof(buf), &from));
	EXPECT_EQ(-1, recv_wait(self->a, buf, sizeof(buf), &from));
	uf_stats_read(self->e, &st);
	EXPECT_EQ(2, st.drop[PEER_RELAY_DROP_BAD_SOURCE]);

	/* Deleted: data and control of the VNI are unknown, nothing queued. */
	ASSERT_EQ(0, uf_session_del(self->e, 7));
	ASSERT_EQ(-ENOENT, uf_session_del(self->e, 7));
	ASSERT_EQ(-ENOENT, uf_session_last_seen(self->e, 7, last));
	send_to(a2fd, data7, sizeof(data7), &self->r4);
	send_to(a2fd, ctl7, sizeof(ctl7), &self->r4);
	EXPECT_EQ(-1, recv_wait(self->b, buf, sizeof(buf), &from));
	WAIT_STAT(self->e, st, st.drop[PEER_RELAY_DROP_UNKNOWN_VNI], 3);
	EXPECT_EQ(3, st.drop[PEER_RELAY_DROP_UNKNOWN_VNI]);
	col.n = 0;
	EXPECT_EQ(0, uf_pass_drain(self->e, collect, &col, 8));
	close(a2fd);
}

TEST_F(plane, session_limit_and_vni_range)
{
	EXPECT_EQ(-EINVAL, uf_session_new(self->e, 0));
	EXPECT_EQ(-EINVAL, uf_session_new(self->e, 0x1000000));
	EXPECT_EQ(0, uf_session_new(self->e, 1));
	EXPECT_EQ(0, uf_session_new(self->e, 4096));	/* another page */
	EXPECT_EQ(0, uf_session_new(self->e, 0xffffff));
	EXPECT_EQ(0, uf_session_add(self->e, 2, &self->sa, &self->sb));
	EXPECT_EQ(-ENOSPC, uf_session_new(self->e, 3));
	EXPECT_EQ(0, uf_session_del(self->e, 4096));	/* frees its page */
	EXPECT_EQ(0, uf_session_new(self->e, 4097));
	EXPECT_EQ(-ENOSPC, uf_session_new(self->e, 3));
}

/* Rebinding and deleting while a thread forwards: objects are freed only
 * once no worker can see them (run under ASan/valgrind to be sure). */
TEST_F(plane, rebind_under_traffic)
{
	struct sockaddr_storage from;
	struct uf_stats st;
	uint8_t buf[64];
	int i, got = 0, rcvbuf = 4 << 20;

	/* The worker may fall behind and then send its backlog in one GSO
	 * burst: b's buffer must hold all 320 or the kernel drops some. */
	if (setsockopt(self->b, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(self->b, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	ASSERT_EQ(0, uf_session_add(self->e, 7, &self->sa, &self->sb));
	for (i = 0; i < 300; i++) {
		send_to(self->a, data7, sizeof(data7), &self->r4);
		ASSERT_EQ(0, uf_session_bind(self->e, 7, 1, &self->sb, NULL));
		if (i % 50 == 49) {
			ASSERT_EQ(0, uf_session_del(self->e, 7));
			ASSERT_EQ(0, uf_session_add(self->e, 7, &self->sa,
						    &self->sb));
		}
		uf_reclaim(self->e);
		/* keep b's receive buffer from overflowing */
		while (recv(self->b, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got++;
	}
	/* then 20 more with nothing changing: those must all arrive */
	for (i = 0; i < 20; i++)
		send_to(self->a, data7, sizeof(data7), &self->r4);
	/* Every datagram handled (forwarded or unknown VNI) before b is
	 * drained, so nothing forwarded late is missed. */
	WAIT_STAT(self->e, st, st.fwd_packets + st.drop[PEER_RELAY_DROP_UNKNOWN_VNI], 320);
	while (recv_wait(self->b, buf, sizeof(buf), &from) > 0)
		got++;
	uf_stats_read(self->e, &st);
	EXPECT_EQ(320, st.rx_packets);
	EXPECT_EQ((uint64_t)got, st.fwd_packets);
	EXPECT_EQ(320, st.fwd_packets + st.drop[PEER_RELAY_DROP_UNKNOWN_VNI]);
	/*
	 * Rebinds lose nothing; each of the 6 deletions may cost whatever
	 * the worker had read when it ran (all it lags behind: a loaded host
	 * saw 50 of the first 300 forwarded), so only the last 20 are sure.
	 */
	EXPECT_GE(got, 20);
}

/*
 * The kernel's pass limit (include/peer_relay/ratelimit.h): per source,
 * then for all sources; over it, dropped as ratelimit(_total); rate 0
 * lifts it; data is never limited.
 */
TEST_F(plane, pass_limit_like_the_kernel)
{
	struct uf_session_info in;
	struct uf_stats st;
	int i;

	ASSERT_EQ(0, uf_session_new(self->e, 7));
	uf_set_pass_limit(self->e, 1, 3, 0);	/* 1/s, burst 3 per source */
	for (i = 0; i < 10; i++)
		send_to(self->a, ctl7, sizeof(ctl7), &self->r4);
	WAIT_STAT(self->e, st, st.pass[PEER_RELAY_PASS_CONTROL] +
		  st.drop[PEER_RELAY_DROP_RATELIMIT], 10);
	EXPECT_EQ(3, st.pass[PEER_RELAY_PASS_CONTROL]);
	EXPECT_EQ(7, st.drop[PEER_RELAY_DROP_RATELIMIT]);
	/* the same address from another port shares it (the port is free) */
	send_to(self->c, ctl7, sizeof(ctl7), &self->r4);
	WAIT_STAT(self->e, st, st.drop[PEER_RELAY_DROP_RATELIMIT], 8);
	EXPECT_EQ(8, st.drop[PEER_RELAY_DROP_RATELIMIT]);
	/* another address (::1) has its own bucket */
	send_to(self->b, ctl7, sizeof(ctl7), &self->r6);
	WAIT_STAT(self->e, st, st.pass[PEER_RELAY_PASS_CONTROL], 4);
	EXPECT_EQ(4, st.pass[PEER_RELAY_PASS_CONTROL]);
	/* all sources together: 2 in total */
	uf_set_pass_limit(self->e, 0, 1, 2);
	for (i = 0; i < 3; i++) {
		send_to(self->a, ctl7, sizeof(ctl7), &self->r4);
		send_to(self->b, ctl7, sizeof(ctl7), &self->r6);
	}
	WAIT_STAT(self->e, st, st.drop[PEER_RELAY_DROP_RATELIMIT_TOTAL], 4);
	EXPECT_EQ(4, st.drop[PEER_RELAY_DROP_RATELIMIT_TOTAL]);
	EXPECT_EQ(6, st.pass[PEER_RELAY_PASS_CONTROL]);
	/* no limit */
	uf_set_pass_limit(self->e, 0, 1, 0);
	for (i = 0; i < 20; i++)
		send_to(self->a, ctl7, sizeof(ctl7), &self->r4);
	WAIT_STAT(self->e, st, st.pass[PEER_RELAY_PASS_CONTROL], 26);
	EXPECT_EQ(26, st.pass[PEER_RELAY_PASS_CONTROL]);
	EXPECT_EQ(0, st.pass_queue_full);
	ASSERT_EQ(0, uf_session_info(self->e, 7, &in));
	EXPECT_FALSE(in.bound[0]);
	EXPECT_EQ(-ENOENT, uf_session_info(self->e, 8, &in));
}

TEST_HARNESS_MAIN
