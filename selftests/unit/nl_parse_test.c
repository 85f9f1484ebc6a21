// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the netlink message layer without a kernel: nests built
 * the way the module replies are parsed into the plain structs, and the
 * request builders produce the layout the UAPI describes.
 */
#include <arpa/inet.h>
#include <string.h>

#include "kselftest_harness.h"

#include "nl.h"

static const uint8_t key_lo[PEER_RELAY_KEY_LEN] = { 0x01, [31] = 0xaa };
static const uint8_t key_hi[PEER_RELAY_KEY_LEN] = { 0xf0, [31] = 0x55 };

/* The first attribute of @msg's payload (after the genl header). */
static struct nlattr *first_attr(struct nl_msg *msg)
{
	return (struct nlattr *)((char *)nlmsg_data(nlmsg_hdr(msg)) +
				 GENL_HDRLEN);
}

static struct nl_msg *new_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg)
		genlmsg_put(msg, 0, 0, 0x20, 0, 0, PEER_RELAY_CMD_SESSION_GET, 1);
	return msg;
}

TEST(parse_session)
{
	struct nl_msg *msg = new_msg();
	struct nlattr *s, *ep;
	struct prl_session out;
	uint8_t v4[4] = { 192, 0, 2, 1 }, l4[4] = { 10, 0, 0, 1 };
	char buf[PRL_ENDPOINT_STRLEN];

	ASSERT_NE(NULL, msg);
	s = prl_nl_nest_start(msg, PEER_RELAY_A_SESSION);
	ASSERT_NE(NULL, s);
	nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, 0xabcdef);
	nla_put(msg, PEER_RELAY_SESSION_A_KEY0, 32, key_lo);
	nla_put(msg, PEER_RELAY_SESSION_A_KEY1, 32, key_hi);
	nla_put_u64(msg, PEER_RELAY_SESSION_A_LAMPORT, 42);
	nla_put_u8(msg, PEER_RELAY_SESSION_A_STATE, PEER_RELAY_STATE_OPEN);
	nla_put_u64(msg, PEER_RELAY_SESSION_A_AGE_MS, 1234);
	ep = prl_nl_nest_start(msg, PEER_RELAY_SESSION_A_EP0);
	nla_put(msg, PEER_RELAY_EP_A_REMOTE_IPV4, 4, v4);
	nla_put_u16(msg, PEER_RELAY_EP_A_REMOTE_PORT, 41641);
	nla_put(msg, PEER_RELAY_EP_A_LOCAL_IPV4, 4, l4);
	nla_put_u64(msg, PEER_RELAY_EP_A_RX_PACKETS, 10);
	nla_put_u64(msg, PEER_RELAY_EP_A_RX_BYTES, 1000);
	nla_put_u64(msg, PEER_RELAY_EP_A_IDLE_MS, 7);
	/* an attribute type from a newer kernel is ignored */
	nla_put_u32(msg, PEER_RELAY_EP_A_MAX + 5, 1);
	prl_nl_nest_end(msg, ep);
	ep = prl_nl_nest_start(msg, PEER_RELAY_SESSION_A_EP1);
	prl_nl_nest_end(msg, ep);	/* unbound: empty nest kept */
	nla_put_u32(msg, PEER_RELAY_SESSION_A_DEL_REASON,
		    PEER_RELAY_DEL_EXPIRED_IDLE);
	prl_nl_nest_end(msg, s);

	ASSERT_EQ(0, prl_parse_session(first_attr(msg), &out));
	EXPECT_EQ(0xabcdef, out.vni);
	EXPECT_EQ(0, memcmp(key_lo, out.key0, 32));
	EXPECT_EQ(0, memcmp(key_hi, out.key1, 32));
	EXPECT_EQ(42, out.lamport);
	EXPECT_EQ(PEER_RELAY_STATE_OPEN, out.state);
	EXPECT_STREQ("open", prl_state_name(out.state));
	EXPECT_EQ(1234, out.age_ms);
	EXPECT_STREQ("192.0.2.1:41641",
		     prl_endpoint_fmt(&out.ep[0].remote, buf, sizeof(buf)));
	EXPECT_STREQ("10.0.0.1", prl_addr_fmt(&out.ep[0].local, buf, sizeof(buf)));
	EXPECT_EQ(10, out.ep[0].rx_packets);
	EXPECT_EQ(1000, out.ep[0].rx_bytes);
	EXPECT_EQ(7, out.ep[0].idle_ms);
	EXPECT_EQ(0, out.ep[1].remote.addr.family);
	EXPECT_EQ(0, out.ep[1].local.family);
	EXPECT_EQ(PEER_RELAY_DEL_EXPIRED_IDLE, out.del_reason);
	EXPECT_STREQ("expired_idle", prl_del_name(out.del_reason));
	nlmsg_free(msg);
}

TEST(parse_session_rejects_bad_lengths)
{
	struct nl_msg *msg = new_msg();
	struct prl_session out;
	struct nlattr *s;

	ASSERT_NE(NULL, msg);
	s = prl_nl_nest_start(msg, PEER_RELAY_A_SESSION);
	nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, 1);
	nla_put(msg, PEER_RELAY_SESSION_A_KEY0, 31, key_lo);	/* short key */
	prl_nl_nest_end(msg, s);
	EXPECT_EQ(-EBADMSG, prl_parse_session(first_attr(msg), &out));
	nlmsg_free(msg);

	msg = new_msg();
	s = prl_nl_nest_start(msg, PEER_RELAY_A_SESSION);
	nla_put_u16(msg, PEER_RELAY_SESSION_A_VNI, 1);		/* u16 for u32 */
	prl_nl_nest_end(msg, s);
	EXPECT_EQ(-EBADMSG, prl_parse_session(first_attr(msg), &out));
	nlmsg_free(msg);

	msg = new_msg();
	s = prl_nl_nest_start(msg, PEER_RELAY_A_SESSION);	/* no VNI */
	nla_put(msg, PEER_RELAY_SESSION_A_KEY0, 32, key_lo);
	prl_nl_nest_end(msg, s);
	EXPECT_EQ(-EBADMSG, prl_parse_session(first_attr(msg), &out));
	nlmsg_free(msg);
}

TEST(parse_sock_v6)
{
	struct nl_msg *msg = new_msg();
	struct prl_sock_info out;
	struct nlattr *s;
	struct in6_addr a;
	char buf[PRL_ENDPOINT_STRLEN];

	ASSERT_NE(NULL, msg);
	inet_pton(AF_INET6, "2001:db8::7", &a);
	s = prl_nl_nest_start(msg, PEER_RELAY_A_SOCK);
	nla_put_u32(msg, PEER_RELAY_SOCK_A_ID, 9);
	nla_put_u16(msg, PEER_RELAY_SOCK_A_FAMILY, AF_INET6);
	nla_put(msg, PEER_RELAY_SOCK_A_LOCAL_IPV6, 16, &a);
	nla_put_u16(msg, PEER_RELAY_SOCK_A_PORT, 7000);
	nla_put_u64(msg, PEER_RELAY_SOCK_A_RX_PACKETS, 5);
	nla_put_u32(msg, PEER_RELAY_SOCK_A_DEL_REASON,
		    PEER_RELAY_SOCK_DEL_CLOSED);
	prl_nl_nest_end(msg, s);
	ASSERT_EQ(0, prl_parse_sock(first_attr(msg), &out));
	EXPECT_EQ(9, out.id);
	EXPECT_EQ(AF_INET6, out.family);
	EXPECT_STREQ("udp6", prl_family_name(out.family));
	EXPECT_STREQ("[2001:db8::7]:7000",
		     prl_endpoint_fmt(&out.local, buf, sizeof(buf)));
	EXPECT_EQ(5, out.rx_packets);
	EXPECT_STREQ("closed", prl_sock_del_name(out.del_reason));
	nlmsg_free(msg);
}

TEST(parse_stats)
{
	struct nl_msg *msg = new_msg();
	struct prl_stats out;
	struct nlattr *s, *n;
	int i;

	ASSERT_NE(NULL, msg);
	s = prl_nl_nest_start(msg, PEER_RELAY_A_STATS);
	for (i = 0; i < 4; i++) {
		nla_put_u64(msg, PEER_RELAY_STATS_A_FWD_PACKETS_4_4 + i, 100 + i);
		nla_put_u64(msg, PEER_RELAY_STATS_A_FWD_BYTES_4_4 + i, 1000 + i);
	}
	nla_put_u32(msg, PEER_RELAY_STATS_A_SESSIONS_CONNECTING, 3);
	nla_put_u32(msg, PEER_RELAY_STATS_A_SESSIONS_OPEN, 4);
	nla_put_u32(msg, PEER_RELAY_STATS_A_SOCKETS, 2);
	nla_put_u64(msg, PEER_RELAY_STATS_A_SESSIONS_CREATED, 11);
	n = prl_nl_nest_start(msg, PEER_RELAY_STATS_A_DROPS);
	nla_put_u64(msg, PEER_RELAY_DROP_SHORT, 5);
	nla_put_u64(msg, PEER_RELAY_DROP_RATELIMIT, 6);
	nla_put_u64(msg, PEER_RELAY_DROP_MAX + 3, 99);	/* newer reason */
	prl_nl_nest_end(msg, n);
	n = prl_nl_nest_start(msg, PEER_RELAY_STATS_A_PASSES);
	nla_put_u64(msg, PEER_RELAY_PASS_STUN, 8);
	prl_nl_nest_end(msg, n);
	n = prl_nl_nest_start(msg, PEER_RELAY_STATS_A_SESSIONS_DELETED);
	nla_put_u64(msg, PEER_RELAY_DEL_FLUSH, 9);
	prl_nl_nest_end(msg, n);
	prl_nl_nest_end(msg, s);

	ASSERT_EQ(0, prl_parse_stats(first_attr(msg), &out));
	EXPECT_EQ(100, out.fwd_packets[PRL_AF_PAIR(0, 0)]);
	EXPECT_EQ(101, out.fwd_packets[PRL_AF_PAIR(0, 1)]);
	EXPECT_EQ(102, out.fwd_packets[PRL_AF_PAIR(1, 0)]);
	EXPECT_EQ(103, out.fwd_packets[PRL_AF_PAIR(1, 1)]);
	EXPECT_EQ(1003, out.fwd_bytes[3]);
	EXPECT_EQ(3, out.sessions_connecting);
	EXPECT_EQ(4, out.sessions_open);
	EXPECT_EQ(2, out.sockets);
	EXPECT_EQ(11, out.sessions_created);
	EXPECT_EQ(5, out.dropped[PEER_RELAY_DROP_SHORT]);
	EXPECT_EQ(6, out.dropped[PEER_RELAY_DROP_RATELIMIT]);
	EXPECT_EQ(0, out.dropped[PEER_RELAY_DROP_NO_ROUTE]);
	EXPECT_EQ(8, out.passed[PEER_RELAY_PASS_STUN]);
	EXPECT_EQ(9, out.deleted[PEER_RELAY_DEL_FLUSH]);
	nlmsg_free(msg);
}

TEST(put_ep_layout)
{
	struct nl_msg *msg = new_msg();
	struct prl_endpoint remote;
	struct prl_addr local, wrong;
	struct nlattr *ep, *tb[PEER_RELAY_EP_A_MAX + 1];
	struct prl_ep_info back;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, prl_endpoint_parse("[2001:db8::2]:41641", &remote));
	ASSERT_EQ(0, prl_addr_parse("2001:db8::1", &local));
	ASSERT_EQ(0, prl_addr_parse("10.0.0.1", &wrong));
	EXPECT_EQ(-EINVAL, prl_put_ep(msg, PEER_RELAY_SESSION_A_EP1, &remote,
				     &wrong));
	ASSERT_EQ(0, prl_put_ep(msg, PEER_RELAY_SESSION_A_EP1, &remote, &local));

	ep = first_attr(msg);
	EXPECT_EQ(PEER_RELAY_SESSION_A_EP1, nla_type(ep));
	EXPECT_TRUE(ep->nla_type & NLA_F_NESTED);
	ASSERT_EQ(0, nla_parse_nested(tb, PEER_RELAY_EP_A_MAX, ep, NULL));
	ASSERT_NE(NULL, tb[PEER_RELAY_EP_A_REMOTE_IPV6]);
	EXPECT_EQ(16, nla_len(tb[PEER_RELAY_EP_A_REMOTE_IPV6]));
	EXPECT_EQ(NULL, tb[PEER_RELAY_EP_A_REMOTE_IPV4]);
	ASSERT_NE(NULL, tb[PEER_RELAY_EP_A_REMOTE_PORT]);
	EXPECT_EQ(2, nla_len(tb[PEER_RELAY_EP_A_REMOTE_PORT]));
	/* ports are host byte order u16 */
	EXPECT_EQ(41641, nla_get_u16(tb[PEER_RELAY_EP_A_REMOTE_PORT]));
	ASSERT_NE(NULL, tb[PEER_RELAY_EP_A_LOCAL_IPV6]);
	EXPECT_EQ(0, memcmp(nla_data(tb[PEER_RELAY_EP_A_LOCAL_IPV6]),
			    local.u.raw, 16));

	ASSERT_EQ(0, prl_parse_ep(ep, &back));
	EXPECT_TRUE(prl_endpoint_equal(&remote, &back.remote));
	EXPECT_TRUE(prl_addr_equal(&local, &back.local));
	nlmsg_free(msg);
}

TEST(parse_config)
{
	struct nl_msg *msg = new_msg();
	struct prl_endpoint e[2];
	struct prl_config out;
	struct nlattr *c, *eps;
	char buf[PRL_ENDPOINT_STRLEN];

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, prl_endpoint_parse("192.0.2.1:7000", &e[0]));
	ASSERT_EQ(0, prl_endpoint_parse("[2001:db8::1]:7000", &e[1]));
	c = prl_nl_nest_start(msg, PEER_RELAY_A_CONFIG);
	nla_put_u32(msg, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS, 30000);
	nla_put_u32(msg, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS, 300000);
	nla_put_u32(msg, PEER_RELAY_CONFIG_A_MAX_SESSIONS, 1048576);
	eps = prl_nl_nest_start(msg, PEER_RELAY_CONFIG_A_STATIC_EPS);
	prl_put_ep(msg, PEER_RELAY_STATIC_EPS_A_EP, &e[0], NULL);
	prl_put_ep(msg, PEER_RELAY_STATIC_EPS_A_EP, &e[1], NULL);
	prl_nl_nest_end(msg, eps);
	prl_nl_nest_end(msg, c);

	ASSERT_EQ(0, prl_parse_config(first_attr(msg), &out));
	EXPECT_EQ(PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME |
		  PRL_CFG_MAX_SESSIONS | PRL_CFG_STATIC_EPS, out.mask);
	EXPECT_EQ(30000, out.bind_lifetime_ms);
	EXPECT_EQ(300000, out.idle_lifetime_ms);
	EXPECT_EQ(1048576, out.max_sessions);
	ASSERT_EQ(2, out.n_static_eps);
	EXPECT_STREQ("192.0.2.1:7000",
		     prl_endpoint_fmt(&out.static_eps[0], buf, sizeof(buf)));
	EXPECT_STREQ("[2001:db8::1]:7000",
		     prl_endpoint_fmt(&out.static_eps[1], buf, sizeof(buf)));
	nlmsg_free(msg);
}

TEST(keys_sort_and_names)
{
	const uint8_t *lo, *hi;

	prl_keys_sort(key_hi, key_lo, &lo, &hi);
	EXPECT_EQ((const uint8_t *)key_lo, lo);
	EXPECT_EQ((const uint8_t *)key_hi, hi);
	prl_keys_sort(key_lo, key_hi, &lo, &hi);
	EXPECT_EQ((const uint8_t *)key_lo, lo);
	EXPECT_EQ((const uint8_t *)key_hi, hi);

	EXPECT_STREQ("short", prl_drop_name(PEER_RELAY_DROP_SHORT));
	EXPECT_STREQ("unknown", prl_drop_name(0));
	EXPECT_STREQ("unknown", prl_drop_name(__PEER_RELAY_DROP_MAX));
	EXPECT_STREQ("stun", prl_pass_name(PEER_RELAY_PASS_STUN));
	EXPECT_STREQ("unknown", prl_state_name(7));
	EXPECT_STREQ("session_del", prl_event_name(PEER_RELAY_CMD_SESSION_DEL_NTF));
	EXPECT_EQ(NULL, prl_event_name(PEER_RELAY_CMD_SESSION_NEW));
}

TEST_HARNESS_MAIN
