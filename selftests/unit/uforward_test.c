// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/lib/uforward: the session table rules and real forwarding over
 * loopback (the engine the benchmark's userspace relay runs).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "uforward.h"

static struct sockaddr_storage lo(uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return ss;
}

/* A bound loopback UDP socket; its port in *@port (0: any). */
static int udp_lo(uint16_t *port)
{
	struct sockaddr_storage ss = lo(*port);
	socklen_t len = sizeof(struct sockaddr_in);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static ssize_t recv_wait(int fd, void *buf, size_t len, struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, 300) <= 0)
		return -1;
	return recvfrom(fd, buf, len, 0, (struct sockaddr *)from, &fl);
}

TEST(session_table)
{
	struct sockaddr_storage a = lo(1000), b = lo(2000);
	struct uf_config cfg;
	struct uf_engine *e;

	uf_config_default(&cfg);
	cfg.bind = lo(0);
	cfg.threads = 1;
	cfg.max_sessions = 2;
	e = uf_new(&cfg);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, uf_session_add(e, 5, &a, &b));
	EXPECT_EQ(-EEXIST, uf_session_add(e, 5, &b, &a));
	EXPECT_EQ(-EINVAL, uf_session_add(e, 0, &a, &b));
	EXPECT_EQ(-EINVAL, uf_session_add(e, 0x1000000, &a, &b));
	EXPECT_EQ(0, uf_session_add(e, 0xffffff, &a, &b));
	EXPECT_EQ(-ENOSPC, uf_session_add(e, 7, &a, &b));
	uf_free(e);
}

TEST(forwards_data_only_between_bound_endpoints)
{
	uint8_t data[] = { 0x00, 0x00, 0x7a, 0x12, 0x00, 0x00, 0x2a, 0x00,
			   'h', 'e', 'l', 'l', 'o' };
	uint8_t ctl[] = { 0x00, 0x80, 0x7a, 0x11, 0x00, 0x00, 0x2a, 0x00, 1 };
	uint16_t pa = 0, pb = 0, pc = 0, pr = 0;
	struct sockaddr_storage relay, sa, sb;
	struct sockaddr_in from;
	struct uf_config cfg;
	struct uf_engine *e;
	struct uf_stats st;
	uint8_t buf[64];
	int a, b, c, r;

	a = udp_lo(&pa);
	b = udp_lo(&pb);
	c = udp_lo(&pc);
	r = udp_lo(&pr);	/* find a free port for the relay */
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_GE(c, 0);
	ASSERT_GE(r, 0);
	close(r);

	uf_config_default(&cfg);
	cfg.bind = lo(pr);
	cfg.threads = 2;
	e = uf_new(&cfg);
	ASSERT_NE(NULL, e);
	sa = lo(pa);
	sb = lo(pb);
	ASSERT_EQ(0, uf_session_add(e, 42, &sa, &sb));
	ASSERT_EQ(0, uf_start(e));
	relay = lo(pr);

	/* a -> b: byte-exact, from the relay port. */
	ASSERT_EQ((ssize_t)sizeof(data), sendto(a, data, sizeof(data), 0,
		  (struct sockaddr *)&relay, sizeof(struct sockaddr_in)));
	ASSERT_EQ((ssize_t)sizeof(data), recv_wait(b, buf, sizeof(buf), &from));
	EXPECT_EQ(0, memcmp(buf, data, sizeof(data)));
	EXPECT_EQ(pr, ntohs(from.sin_port));
	/* b -> a. */
	ASSERT_EQ((ssize_t)sizeof(data), sendto(b, data, sizeof(data), 0,
		  (struct sockaddr *)&relay, sizeof(struct sockaddr_in)));
	ASSERT_EQ((ssize_t)sizeof(data), recv_wait(a, buf, sizeof(buf), &from));
	/* A third party and a control datagram are not forwarded. */
	sendto(c, data, sizeof(data), 0, (struct sockaddr *)&relay,
	       sizeof(struct sockaddr_in));
	sendto(a, ctl, sizeof(ctl), 0, (struct sockaddr *)&relay,
	       sizeof(struct sockaddr_in));
	EXPECT_EQ(-1, recv_wait(b, buf, sizeof(buf), &from));
	EXPECT_EQ(-1, recv_wait(a, buf, sizeof(buf), &from));

	uf_stats_read(e, &st);
	EXPECT_EQ(2, st.fwd_packets);
	EXPECT_EQ(1, st.passed);
	EXPECT_EQ(1, st.dropped);
	uf_free(e);
	close(a);
	close(b);
	close(c);
}

TEST_HARNESS_MAIN
