// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure rules shared by the module and relayd's userspace data plane
 * (include/peer_relay/): when a session expires and how often the scan
 * runs (expiry.h), the bounds of the settings (limits.h), and the token
 * bucket every rate limit uses (ratelimit.h).
 */
#include <peer_relay/expiry.h>
#include <peer_relay/limits.h>
#include <peer_relay/ratelimit.h>

#include "kselftest_harness.h"

TEST(expiry_period_tenth_of_shorter_lifetime_clamped)
{
	EXPECT_EQ(3000, prelay_expiry_period_ms(30000, 300000));
	EXPECT_EQ(3000, prelay_expiry_period_ms(300000, 30000));
	EXPECT_EQ(50, prelay_expiry_period_ms(100, 100));	/* min */
	EXPECT_EQ(50, prelay_expiry_period_ms(499, 86400000));
	EXPECT_EQ(51, prelay_expiry_period_ms(510, 86400000));
	EXPECT_EQ(5000, prelay_expiry_period_ms(86400000, 86400000)); /* max */
}

TEST(expiry_bind_window_until_open)
{
	/* not open: only the bind window counts, activity does not help */
	EXPECT_EQ(PEER_RELAY_DEL_UNSPEC,
		  prelay_expiry_decide(0, 1000 + 30000, 1000, 31000, 31000,
				       30000, 300000));
	EXPECT_EQ(PEER_RELAY_DEL_EXPIRED_BIND,
		  prelay_expiry_decide(0, 1000 + 30001, 1000, 31000, 31000,
				       30000, 300000));
	/* open: the bind window no longer applies */
	EXPECT_EQ(PEER_RELAY_DEL_UNSPEC,
		  prelay_expiry_decide(1, 1000 + 30001, 1000, 30000, 30000,
				       30000, 300000));
}

TEST(expiry_idle_per_endpoint)
{
	unsigned long now = 1000000;

	EXPECT_EQ(PEER_RELAY_DEL_UNSPEC,
		  prelay_expiry_decide(1, now, 0, now - 300000, now - 1,
				       30000, 300000));
	/* either endpoint silent for longer than the idle lifetime */
	EXPECT_EQ(PEER_RELAY_DEL_EXPIRED_IDLE,
		  prelay_expiry_decide(1, now, 0, now - 300001, now, 30000,
				       300000));
	EXPECT_EQ(PEER_RELAY_DEL_EXPIRED_IDLE,
		  prelay_expiry_decide(1, now, 0, now, now - 300001, 30000,
				       300000));
}

TEST(expiry_survives_clock_wrap)
{
	unsigned long created = (unsigned long)-1000;	/* just before wrap */

	EXPECT_EQ(PEER_RELAY_DEL_UNSPEC,
		  prelay_expiry_decide(0, created + 500, created, 0, 0, 1000,
				       1000));
	EXPECT_EQ(PEER_RELAY_DEL_EXPIRED_BIND,
		  prelay_expiry_decide(0, created + 1001, created, 0, 0, 1000,
				       1000));
	EXPECT_TRUE(prelay_tick_after(5, (unsigned long)-5));
	EXPECT_FALSE(prelay_tick_after((unsigned long)-5, 5));
}

TEST(limits_match_netlink_policy)
{
	EXPECT_FALSE(prelay_lifetime_valid(0));
	EXPECT_FALSE(prelay_lifetime_valid(99));
	EXPECT_TRUE(prelay_lifetime_valid(100));
	EXPECT_TRUE(prelay_lifetime_valid(86400000));
	EXPECT_FALSE(prelay_lifetime_valid(86400001));
	EXPECT_EQ(10000000, PRELAY_PASS_RATE_MAX);
	EXPECT_EQ(1, PRELAY_PASS_BURST_MIN);
}

TEST(ratelimit_shape)
{
	struct prelay_rl_shape s = prelay_rl_shape_of(2000, 4000);

	EXPECT_EQ(500000, s.cost_ns);
	EXPECT_EQ(500000ull * 4000, s.max_ns);
	s = prelay_rl_shape_of(0, 10);
	EXPECT_EQ(0, s.cost_ns);			/* no limit */
	s = prelay_rl_shape_of(3000000000u, 0);	/* > 1/ns: 1 ns, burst 1 */
	EXPECT_EQ(1, s.cost_ns);
	EXPECT_EQ(1, s.max_ns);
}

TEST(ratelimit_burst_then_rate)
{
	struct prelay_rl_shape s = prelay_rl_shape_of(10, 3);	/* 100 ms */
	__u64 last = 0, tokens = s.max_ns, t = 5000000000ull;
	int i, n = 0;

	for (i = 0; i < 10; i++)
		n += prelay_rl_step(&last, &tokens, &s, t);
	EXPECT_EQ(3, n);				/* the burst */
	EXPECT_FALSE(prelay_rl_step(&last, &tokens, &s, t + 99999999));
	EXPECT_TRUE(prelay_rl_step(&last, &tokens, &s, t + 100000000));
	EXPECT_FALSE(prelay_rl_step(&last, &tokens, &s, t + 100000000));
	/* a long pause refills to the burst, not beyond, without overflow */
	n = 0;
	for (i = 0; i < 10; i++)
		n += prelay_rl_step(&last, &tokens, &s, (__u64)-1);
	EXPECT_EQ(3, n);
}

TEST(ratelimit_clock_never_goes_back)
{
	struct prelay_rl_shape s = prelay_rl_shape_of(10, 1);
	__u64 last = 1000000000ull, tokens = 0;

	/* an earlier time (another CPU stamped later) earns nothing */
	EXPECT_FALSE(prelay_rl_step(&last, &tokens, &s, 10));
	EXPECT_EQ(1000000000ull, last);
	EXPECT_TRUE(prelay_rl_step(&last, &tokens, &s, 1100000000ull));
}

TEST(ratelimit_zero_rate_is_unlimited)
{
	struct prelay_rl_shape s = prelay_rl_shape_of(0, 1);
	__u64 last = 0, tokens = 0;
	int i;

	for (i = 0; i < 1000; i++)
		ASSERT_TRUE(prelay_rl_step(&last, &tokens, &s, 1));
}

TEST_HARNESS_MAIN
