// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's configuration parser (tools/relayd/config.c) and per-source
 * control-packet rate limiter (tools/relayd/ratelimit.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* The code under test is not part of libpeerrelay.a: build it in. */
#include "../../tools/relayd/config.c"
#include "../../tools/relayd/sync_opts.c"
#include "../../tools/relayd/ratelimit.c"

static int parse(const char *text, struct relayd_opts *o, unsigned int cli,
		 char *err)
{
	return relayd_config_parse(text, strlen(text), o, cli, err, 256);
}

static void defaults(struct relayd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = 7000;
	o->ipv4 = o->ipv6 = true;
	o->sockets = 1;
	o->log_level = PRL_LOG_INFO;
	o->rate_limit = PRL_RL_DEFAULT_RATE;
	o->rate_burst = PRL_RL_DEFAULT_BURST;
}

TEST(all_settings)
{
	struct relayd_opts o;
	char err[256] = "";

	defaults(&o);
	ASSERT_EQ(0, parse("# comment\n"
			   "  port 7777   # trailing comment\n"
			   "family = 6\n"
			   "sockets=3\n"
			   "\n"
			   "log-level debug\n"
			   "bind-lifetime 1500\n"
			   "idle-lifetime 2500\n"
			   "max-sessions 10\n"
			   "key /etc/peer_relay/relay.key\n"
			   "grants /etc/peer_relay/grants\n"
			   "static-endpoints 192.0.2.1:7000,[2001:db8::1]:7000,192.0.2.1:7000\n"
			   "rate-limit 50\n"
			   "rate-burst 5", &o, 0, err)) TH_LOG("%s", err);
	EXPECT_EQ(7777, o.port);
	EXPECT_FALSE(o.ipv4);
	EXPECT_TRUE(o.ipv6);
	EXPECT_EQ(3, o.sockets);
	EXPECT_EQ(PRL_LOG_DEBUG, o.log_level);
	EXPECT_EQ(PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME |
		  PRL_CFG_MAX_SESSIONS | PRL_CFG_STATIC_EPS, o.relay_cfg.mask);
	EXPECT_EQ(1500, o.relay_cfg.bind_lifetime_ms);
	EXPECT_EQ(2500, o.relay_cfg.idle_lifetime_ms);
	EXPECT_EQ(10, o.relay_cfg.max_sessions);
	EXPECT_STREQ("/etc/peer_relay/relay.key", o.key_file);
	EXPECT_STREQ("/etc/peer_relay/grants", o.grants_file);
	/* deduplicated, order kept */
	ASSERT_EQ(2, o.relay_cfg.n_static_eps);
	EXPECT_EQ(AF_INET, o.relay_cfg.static_eps[0].addr.family);
	EXPECT_EQ(AF_INET6, o.relay_cfg.static_eps[1].addr.family);
	EXPECT_EQ(7000, o.relay_cfg.static_eps[1].port);
	EXPECT_EQ(50, o.rate_limit);
	EXPECT_EQ(5, o.rate_burst);
	relayd_opts_free(&o);
}

TEST(static_endpoints_none_clears)
{
	struct relayd_opts o;
	char err[256];

	defaults(&o);
	ASSERT_EQ(0, parse("static-endpoints none\n", &o, 0, err));
	EXPECT_EQ(PRL_CFG_STATIC_EPS, o.relay_cfg.mask);
	EXPECT_EQ(0, o.relay_cfg.n_static_eps);
}

TEST(command_line_wins)
{
	struct relayd_opts o;
	char err[256];

	defaults(&o);
	o.port = 1234;
	o.key_file = "/cli.key";
	ASSERT_EQ(0, parse("port 7777\nkey /file.key\nrate-limit 9\n"
			   "static-endpoints 192.0.2.1:1\n", &o,
			   RELAYD_SET_PORT | RELAYD_SET_KEY | RELAYD_SET_RATE |
			   RELAYD_SET_STATIC, err));
	EXPECT_EQ(1234, o.port);
	EXPECT_STREQ("/cli.key", o.key_file);
	EXPECT_EQ(PRL_RL_DEFAULT_RATE, o.rate_limit);
	EXPECT_EQ(0, o.relay_cfg.mask);
	/* but the file's values are still checked */
	EXPECT_EQ(-EINVAL, parse("port 99999\n", &o, RELAYD_SET_PORT, err));
	EXPECT_EQ(-EINVAL, parse("static-endpoints x\n", &o, RELAYD_SET_STATIC,
				 err));
	relayd_opts_free(&o);
}

TEST(lifetime_and_pass_bounds_are_the_modules)
{
	struct relayd_opts o;
	char err[256] = "";

	defaults(&o);
	ASSERT_EQ(0, parse("bind-lifetime 100\nidle-lifetime 86400000\n"
			   "max-sessions 16777215\npass-rate 0\n"
			   "pass-burst 1\npass-rate-total 10000000\n", &o, 0,
			   err)) TH_LOG("%s", err);
	EXPECT_EQ(PRELAY_LIFETIME_MIN_MS, o.relay_cfg.bind_lifetime_ms);
	EXPECT_EQ(PRELAY_LIFETIME_MAX_MS, o.relay_cfg.idle_lifetime_ms);
	EXPECT_EQ(PEER_RELAY_VNI_MAX, o.relay_cfg.max_sessions);
	EXPECT_EQ(0, o.relay_cfg.pass_rate);
	EXPECT_EQ(1, o.relay_cfg.pass_burst);
	EXPECT_EQ(PRELAY_PASS_RATE_MAX, o.relay_cfg.pass_rate_total);
	EXPECT_EQ(PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME |
		  PRL_CFG_MAX_SESSIONS | PRL_CFG_PASS_RATE | PRL_CFG_PASS_BURST |
		  PRL_CFG_PASS_RATE_TOTAL, o.relay_cfg.mask);
	relayd_opts_free(&o);
}

/* IPv6 sources share a bucket per /64, as in the module. */
TEST(ratelimit_ipv6_per_64)
{
	struct prl_ratelimit rl;
	struct prl_addr a, b, c;

	ASSERT_EQ(0, prl_rl_init(&rl, 10, 2));
	ASSERT_EQ(0, prl_addr_parse("2001:db8:1:2::1", &a));
	ASSERT_EQ(0, prl_addr_parse("2001:db8:1:2:ffff::9", &b));
	ASSERT_EQ(0, prl_addr_parse("2001:db8:1:3::1", &c));
	EXPECT_TRUE(prl_rl_allow(&rl, &a, 1000));
	EXPECT_TRUE(prl_rl_allow(&rl, &b, 1000));
	EXPECT_FALSE(prl_rl_allow(&rl, &a, 1000));	/* the /64's burst is spent */
	EXPECT_FALSE(prl_rl_allow(&rl, &b, 1000));
	EXPECT_TRUE(prl_rl_allow(&rl, &c, 1000));	/* another /64 */
	/* 100 ms later: one more (10/s) for the /64 */
	EXPECT_TRUE(prl_rl_allow(&rl, &b, 1000 + 100000000));
	EXPECT_FALSE(prl_rl_allow(&rl, &a, 1000 + 100000000));
	prl_rl_fini(&rl);
}

TEST(errors_name_the_line)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "port 7000\nfrobnicate 1\n", "line 2: frobnicate: unknown setting '1'" },
		{ "sockets 100\n", "line 1: sockets: invalid value '100'" },
		{ "sockets 0\n", "line 1: sockets: invalid value '0'" },
		{ "port\n", "line 1: 'port' needs a value" },
		{ "port =\n", "line 1: 'port' needs a value" },
		{ "family 5\n", "line 1: family: invalid value '5'" },
		{ "log-level loud\n", "line 1: log-level: invalid value" },
		{ "bind-lifetime 0\n", "line 1: bind-lifetime: invalid value" },
		{ "bind-lifetime -5\n", "line 1: bind-lifetime: invalid value" },
		/* the module's bounds: 100..86400000 ms, as its netlink policy */
		{ "bind-lifetime 99\n", "line 1: bind-lifetime: invalid value" },
		{ "idle-lifetime 1\n", "line 1: idle-lifetime: invalid value" },
		{ "idle-lifetime 86400001\n", "line 1: idle-lifetime: invalid value" },
		{ "max-sessions 0\n", "line 1: max-sessions: invalid value" },
		{ "max-sessions 16777216\n", "line 1: max-sessions: invalid value" },
		{ "pass-rate 10000001\n", "line 1: pass-rate: invalid value" },
		{ "pass-burst 0\n", "line 1: pass-burst: invalid value" },
		{ "pass-rate-total x\n", "line 1: pass-rate-total: invalid value" },
		{ "static-endpoints 1.2.3.4\n", "line 1: static-endpoints: invalid value" },
		{ "static-endpoints 1.2.3.4:1,,1.2.3.5:1\n", "line 1: static-endpoints" },
		{ "rate-burst 0\n", "line 1: rate-burst: invalid value" },
		{ "rate-limit 1x\n", "line 1: rate-limit: invalid value" },
		{ "server-key 00\n", "line 1: server-key: unknown setting" },
	};
	struct relayd_opts o;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		defaults(&o);
		err[0] = '\0';
		EXPECT_EQ(-EINVAL, parse(cases[i].text, &o, 0, err))
			TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(err, cases[i].msg))
			TH_LOG("case %zu: '%s'", i, err);
		relayd_opts_free(&o);
	}
}

TEST(long_line_and_nul)
{
	struct relayd_opts o;
	char big[3000], err[256];

	defaults(&o);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(-EINVAL, relayd_config_parse(big, strlen(big), &o, 0, err,
					       sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "too long"));
	EXPECT_EQ(-EINVAL, relayd_config_parse("port 1\0x\n", 9, &o, 0, err,
					       sizeof(err)));
}

TEST(load_file_reports_path_and_line)
{
	char path[] = "/tmp/relayd_config_test.XXXXXX", err[512];
	struct relayd_opts o;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(22, write(fd, "port 7000\nsockets 999\n", 22));
	close(fd);
	defaults(&o);
	EXPECT_EQ(-EINVAL, relayd_config_load(path, &o, 0, err, sizeof(err)));
	EXPECT_EQ(0, strncmp(err, path, strlen(path)));
	EXPECT_NE(NULL, strstr(err, ":2: sockets: invalid value '999'"))
		TH_LOG("%s", err);
	unlink(path);
	EXPECT_EQ(-ENOENT, relayd_config_load(path, &o, 0, err, sizeof(err)));
}

TEST(repeated_paths_do_not_leak)
{
	struct relayd_opts o;
	char err[256];

	defaults(&o);
	ASSERT_EQ(0, parse("grants /a\ngrants /b\nkey /k1\nkey /k2\n", &o, 0,
			   err));
	EXPECT_STREQ("/b", o.grants_file);
	EXPECT_STREQ("/k2", o.key_file);
	relayd_opts_free(&o);
	EXPECT_EQ(0, o.owned);
}

/* ---- rate limiter ---- */

static struct prl_addr v4(const char *s)
{
	struct prl_addr a = { .family = AF_INET };

	inet_pton(AF_INET, s, &a.u.v4);
	return a;
}

#define MS 1000000ull

TEST(ratelimit_burst_then_rate)
{
	struct prl_ratelimit rl;
	struct prl_addr a = v4("192.0.2.1");
	uint64_t t = 1000 * MS;
	int i, ok = 0;

	ASSERT_EQ(0, prl_rl_init(&rl, 10, 5));	/* 10/s, burst 5 */
	for (i = 0; i < 20; i++)
		ok += prl_rl_allow(&rl, &a, t);
	EXPECT_EQ(5, ok);
	EXPECT_EQ(5, rl.passed);
	EXPECT_EQ(15, rl.limited);
	/* 100 ms later one more token */
	EXPECT_FALSE(prl_rl_allow(&rl, &a, t + 99 * MS));
	EXPECT_TRUE(prl_rl_allow(&rl, &a, t + 100 * MS));
	EXPECT_FALSE(prl_rl_allow(&rl, &a, t + 100 * MS));
	/* a long pause refills the whole burst, not more */
	ok = 0;
	for (i = 0; i < 20; i++)
		ok += prl_rl_allow(&rl, &a, t + 10000 * MS);
	EXPECT_EQ(5, ok);
	/* steady 10/s is always allowed */
	for (i = 1; i <= 50; i++)
		EXPECT_TRUE(prl_rl_allow(&rl, &a, t + 10000 * MS + i * 100 * MS));
	prl_rl_fini(&rl);
}

TEST(ratelimit_per_source)
{
	struct prl_ratelimit rl;
	struct prl_addr a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct prl_addr c = { .family = AF_INET6 };
	uint64_t t = 5000 * MS;
	int i;

	c.u.v6.s6_addr[15] = 1;
	ASSERT_EQ(0, prl_rl_init(&rl, 1, 2));
	for (i = 0; i < 10; i++)
		prl_rl_allow(&rl, &a, t);
	EXPECT_FALSE(prl_rl_allow(&rl, &a, t));
	/* other sources are not affected by a's flood */
	EXPECT_TRUE(prl_rl_allow(&rl, &b, t));
	EXPECT_TRUE(prl_rl_allow(&rl, &b, t));
	EXPECT_FALSE(prl_rl_allow(&rl, &b, t));
	EXPECT_TRUE(prl_rl_allow(&rl, &c, t));
	prl_rl_fini(&rl);
}

TEST(ratelimit_off_and_reconfigure)
{
	struct prl_ratelimit rl;
	struct prl_addr a = v4("198.51.100.9");
	int i;

	ASSERT_EQ(0, prl_rl_init(&rl, 0, 1));
	for (i = 0; i < 1000; i++)
		ASSERT_TRUE(prl_rl_allow(&rl, &a, 1));
	EXPECT_EQ(0, rl.limited);
	prl_rl_configure(&rl, 1, 1);
	EXPECT_TRUE(prl_rl_allow(&rl, &a, 10 * MS));
	EXPECT_FALSE(prl_rl_allow(&rl, &a, 20 * MS));
	EXPECT_EQ(1, rl.limited);
	prl_rl_fini(&rl);
}

TEST(ratelimit_bounded_memory_many_sources)
{
	struct prl_ratelimit rl;
	uint64_t t = 1000 * MS;
	uint32_t i;
	int limited_a = 0;
	struct prl_addr a = v4("203.0.113.1");

	ASSERT_EQ(0, prl_rl_init(&rl, 1, 1));
	EXPECT_TRUE(prl_rl_allow(&rl, &a, t));
	/* 100k other sources in the same instant: a stays limited (its
	 * slot is only taken over once a's bucket is full again) */
	for (i = 0; i < 100000; i++) {
		struct prl_addr x = { .family = AF_INET };

		x.u.v4.s_addr = htonl(0x0a000000u + i);
		prl_rl_allow(&rl, &x, t);
	}
	limited_a = !prl_rl_allow(&rl, &a, t);
	EXPECT_TRUE(limited_a);
	prl_rl_fini(&rl);
}

TEST_HARNESS_MAIN
