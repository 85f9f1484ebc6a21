// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's settings: the option table read from the command line and the
 * config file (tools/relayd/args.c, tools/lib/cli.c's settings reader),
 * and the per-source control-packet rate limiter (tools/relayd/ratelimit.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* The code under test is not part of libpeerrelay.a: build it in. */
#include "../../tools/relayd/args.c"
#include "../../tools/relayd/config.c"
#include "../../tools/relayd/sync_opts.c"
#include "../../tools/relayd/ratelimit.c"

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

/* One run: the config file written from @text (unless NULL), its path,
 * what was printed on stderr, the result. */
struct run {
	char path[64];
	char err[2048];
	int rc;
	struct relayd_opts o;
};

static void write_file(struct run *r, const char *text, size_t len)
{
	int fd;

	snprintf(r->path, sizeof(r->path), "/tmp/relayd_config_test.XXXXXX");
	fd = mkstemp(r->path);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	close(fd);
}

/* relayd -c FILE FLAGS... (@reload: relayd_reload_settings instead);
 * the file stays for the caller to change or unlink. */
static int run_flags(struct run *r, bool reload, const char *const *flags)
{
	char *argv[16] = { "relayd", "-c", r->path };
	FILE *saved = stderr;
	struct relayd_opts dflt;
	int argc = 3;

	while (flags && *flags && argc < 15)
		argv[argc++] = (char *)*flags++;
	argv[argc] = NULL;
	defaults(&dflt);
	/* what relayd prints on stderr, into r->err */
	memset(r->err, 0, sizeof(r->err));
	stderr = fmemopen(r->err, sizeof(r->err) - 1, "w");
	if (!stderr)
		abort();
	r->rc = reload ? relayd_reload_settings(argc, argv, &dflt, &r->o) :
			 relayd_parse_args(argc, argv, &dflt, &r->o);
	fclose(stderr);
	stderr = saved;
	return r->rc;
}

/* A start with @text as the config file: -1 (go on) or the exit code. */
static int start(struct run *r, const char *text, const char *const *flags)
{
	write_file(r, text, strlen(text));
	run_flags(r, false, flags);
	unlink(r->path);
	return r->rc;
}

/* "PATH:LINE: @msg..." was printed. */
static bool said(const struct run *r, unsigned int line, const char *msg)
{
	char want[256];

	snprintf(want, sizeof(want), "%s:%u: %s", r->path, line, msg);
	return strstr(r->err, want) != NULL;
}

#define FLAGS(...)	((const char *const []){ __VA_ARGS__, NULL })

TEST(all_settings)
{
	struct run r;

	ASSERT_EQ(-1, start(&r, "# comment\n"
			    "  port 7777   # trailing comment\n"
			    "family = 6\n"
			    "sockets=3\n"
			    "\n"
			    "log-level\tdebug\n"
			    "bind-lifetime 1500\n"
			    "idle-lifetime 2500\n"
			    "max-sessions 10\n"
			    "key /etc/peer_relay/relay.key\n"
			    "grants /etc/peer_relay/grants\n"
			    "static-endpoints 192.0.2.1:7000,[2001:db8::1]:7000,192.0.2.1:7000\n"
			    "rate-limit 50\n"
			    "sync-name a=b\n"
			    "rate-burst 5", NULL)) TH_LOG("%s", r.err);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(7777, r.o.port);
	EXPECT_FALSE(r.o.ipv4);
	EXPECT_TRUE(r.o.ipv6);
	EXPECT_EQ(3, r.o.sockets);
	EXPECT_EQ(PRL_LOG_DEBUG, r.o.log_level);
	EXPECT_EQ(PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME |
		  PRL_CFG_MAX_SESSIONS | PRL_CFG_STATIC_EPS, r.o.relay_cfg.mask);
	EXPECT_EQ(1500, r.o.relay_cfg.bind_lifetime_ms);
	EXPECT_EQ(2500, r.o.relay_cfg.idle_lifetime_ms);
	EXPECT_EQ(10, r.o.relay_cfg.max_sessions);
	/* strings point into the file's text, which the options own */
	EXPECT_STREQ("/etc/peer_relay/relay.key", r.o.key_file);
	EXPECT_TRUE(r.o.key_file > r.o.conf_text &&
		    r.o.key_file < r.o.conf_text + 400);
	EXPECT_STREQ("/etc/peer_relay/grants", r.o.grants_file);
	/* the key is the first word: the value may hold '=' */
	EXPECT_STREQ("a=b", r.o.sync.name);
	/* deduplicated, order kept */
	ASSERT_EQ(2, r.o.relay_cfg.n_static_eps);
	EXPECT_EQ(AF_INET, r.o.relay_cfg.static_eps[0].addr.family);
	EXPECT_EQ(AF_INET6, r.o.relay_cfg.static_eps[1].addr.family);
	EXPECT_EQ(7000, r.o.relay_cfg.static_eps[1].port);
	EXPECT_EQ(50, r.o.rate_limit);
	EXPECT_EQ(5, r.o.rate_burst);
	relayd_opts_free(&r.o);
	EXPECT_EQ(NULL, r.o.conf_text);
}

TEST(static_endpoints_none_clears)
{
	struct run r;

	ASSERT_EQ(-1, start(&r, "static-endpoints none\n", NULL));
	EXPECT_EQ(PRL_CFG_STATIC_EPS, r.o.relay_cfg.mask);
	EXPECT_EQ(0, r.o.relay_cfg.n_static_eps);
	relayd_opts_free(&r.o);
}

TEST(command_line_wins)
{
	struct run r;

	ASSERT_EQ(-1, start(&r, "port 7777\nkey /file.key\nrate-limit 9\n"
			    "static-endpoints 192.0.2.1:1\nvni-range 5-9\n"
			    "idle-lifetime 5000\n",
			    FLAGS("-p", "1234", "--key", "/cli.key", "-r", "10",
				  "-s", "192.0.2.2:2", "--vni-range", "10-20")))
		TH_LOG("%s", r.err);
	EXPECT_EQ(1234, r.o.port);
	EXPECT_STREQ("/cli.key", r.o.key_file);
	EXPECT_EQ(10, r.o.rate_limit);
	ASSERT_EQ(1, r.o.relay_cfg.n_static_eps);
	EXPECT_EQ(2, r.o.relay_cfg.static_eps[0].port);
	EXPECT_EQ(10, r.o.relay_cfg.vni_min);
	EXPECT_EQ(20, r.o.relay_cfg.vni_max);
	/* what the command line does not give comes from the file */
	EXPECT_EQ(5000, r.o.relay_cfg.idle_lifetime_ms);
	EXPECT_EQ(PRL_CFG_STATIC_EPS | PRL_CFG_VNI_RANGE |
		  PRL_CFG_IDLE_LIFETIME, r.o.relay_cfg.mask);
	relayd_opts_free(&r.o);
	/* but the file's values are still checked */
	EXPECT_EQ(1, start(&r, "port 99999\n", FLAGS("-p", "1")));
	EXPECT_TRUE(said(&r, 1, "invalid port '99999': expected a number in 0..65535"))
		TH_LOG("%s", r.err);
	relayd_opts_free(&r.o);
	EXPECT_EQ(1, start(&r, "static-endpoints x\n", FLAGS("-s", "none")));
	relayd_opts_free(&r.o);
	/* the data-plane settings are options too */
	ASSERT_EQ(-1, start(&r, "", FLAGS("--bind-lifetime", "100",
					  "--pass-burst", "7")));
	EXPECT_EQ(100, r.o.relay_cfg.bind_lifetime_ms);
	EXPECT_EQ(7, r.o.relay_cfg.pass_burst);
	EXPECT_EQ(PRL_CFG_BIND_LIFETIME | PRL_CFG_PASS_BURST,
		  r.o.relay_cfg.mask);
	relayd_opts_free(&r.o);
}

/* Replication and the log level: the command line's win as a whole. */
TEST(command_line_wins_as_a_whole)
{
	struct run r;

	ASSERT_EQ(-1, start(&r, "sync-listen 192.0.2.1:7001\n"
			    "sync-peer 192.0.2.2:7001,192.0.2.3:7001\n"
			    "sync-vip 192.0.2.100\nsync-name file\n"
			    "log-level debug\n",
			    FLAGS("--sync-listen", "192.0.2.9:7001",
				  "--sync-peer", "192.0.2.8:7001",
				  "--sync-role", "active", "-q")))
		TH_LOG("%s", r.err);
	EXPECT_EQ(7001, r.o.sync.listen.port);
	EXPECT_EQ(1, r.o.sync.n_peers);
	EXPECT_EQ(0, r.o.sync.vip.family);
	EXPECT_STREQ("", r.o.sync.name);
	/* -q from the default (info), not from the file's debug */
	EXPECT_EQ(PRL_LOG_WARN, r.o.log_level);
	relayd_opts_free(&r.o);
	/* without sync-* flags the file's replication settings apply */
	ASSERT_EQ(-1, start(&r, "sync-listen 192.0.2.1:7001\n"
			    "sync-peer 192.0.2.2:7001,192.0.2.3:7001\n"
			    "sync-vip 192.0.2.100\n", NULL)) TH_LOG("%s", r.err);
	EXPECT_EQ(2, r.o.sync.n_peers);
	EXPECT_EQ(AF_INET, r.o.sync.vip.family);
	relayd_opts_free(&r.o);
	/* and are checked as a whole */
	EXPECT_EQ(2, start(&r, "sync-listen 192.0.2.1:7001\n", NULL));
	EXPECT_NE(NULL, strstr(r.err, "needs at least one sync-peer"));
	relayd_opts_free(&r.o);
}

TEST(lifetime_and_pass_bounds_are_the_modules)
{
	struct run r;

	ASSERT_EQ(-1, start(&r, "bind-lifetime 100\nidle-lifetime 86400000\n"
			    "max-sessions 16777215\npass-rate 0\n"
			    "pass-burst 1\npass-rate-total 10000000\n", NULL))
		TH_LOG("%s", r.err);
	EXPECT_EQ(PRELAY_LIFETIME_MIN_MS, r.o.relay_cfg.bind_lifetime_ms);
	EXPECT_EQ(PRELAY_LIFETIME_MAX_MS, r.o.relay_cfg.idle_lifetime_ms);
	EXPECT_EQ(PEER_RELAY_VNI_MAX, r.o.relay_cfg.max_sessions);
	EXPECT_EQ(0, r.o.relay_cfg.pass_rate);
	EXPECT_EQ(1, r.o.relay_cfg.pass_burst);
	EXPECT_EQ(PRELAY_PASS_RATE_MAX, r.o.relay_cfg.pass_rate_total);
	EXPECT_EQ(PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME |
		  PRL_CFG_MAX_SESSIONS | PRL_CFG_PASS_RATE | PRL_CFG_PASS_BURST |
		  PRL_CFG_PASS_RATE_TOTAL, r.o.relay_cfg.mask);
	relayd_opts_free(&r.o);
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
		unsigned int line;
	} cases[] = {
		{ "port 7000\nfrobnicate 1\n", "unknown key 'frobnicate'", 2 },
		{ "sockets 100\n", "invalid sockets '100': expected a number in 1..64", 1 },
		{ "sockets 0\n", "invalid sockets '0': expected a number in 1..64", 1 },
		{ "port\n", "port has no value", 1 },
		{ "\nport =\n", "port has no value", 2 },
		{ "port = # x\n", "port has no value", 1 },
		{ "family 5\n", "invalid family '5': expected 4, 6 or both", 1 },
		{ "log-level loud\n", "invalid log-level 'loud': expected error, warn, info or debug", 1 },
		{ "bind-lifetime 0\n", "invalid bind-lifetime '0': expected a number in 100..86400000", 1 },
		{ "bind-lifetime -5\n", "invalid bind-lifetime '-5': expected a number in 100..86400000", 1 },
		/* the module's bounds: 100..86400000 ms, as its netlink policy */
		{ "bind-lifetime 99\n", "invalid bind-lifetime '99'", 1 },
		{ "idle-lifetime 1\n", "invalid idle-lifetime '1'", 1 },
		{ "idle-lifetime 86400001\n", "invalid idle-lifetime '86400001'", 1 },
		{ "max-sessions 0\n", "invalid max-sessions '0'", 1 },
		{ "max-sessions 16777216\n", "invalid max-sessions '16777216'", 1 },
		{ "pass-rate 10000001\n", "invalid pass-rate '10000001'", 1 },
		{ "pass-burst 0\n", "invalid pass-burst '0'", 1 },
		{ "pass-rate-total x\n", "invalid pass-rate-total 'x'", 1 },
		{ "static-endpoints 1.2.3.4\n", "invalid static-endpoints '1.2.3.4': expected ADDR:PORT[,ADDR:PORT...] or none", 1 },
		{ "static-endpoints 1.2.3.4:1,,1.2.3.5:1\n", "invalid static-endpoints", 1 },
		{ "rate-burst 0\n", "invalid rate burst '0': expected a number in 1..1000000", 1 },
		{ "rate-limit 1x\n", "invalid rate limit '1x'", 1 },
		{ "sync-role boss\n", "invalid sync-role 'boss': expected active or standby", 1 },
		{ "vni-range 9-3\n", "invalid vni-range '9-3': expected MIN-MAX", 1 },
		/* not settings: the server key comes from the key file */
		{ "server-key 00\n", "unknown key 'server-key'", 1 },
		{ "config /x\n", "unknown key 'config'", 1 },
		{ "verbose yes\n", "unknown key 'verbose'", 1 },
		{ "[relayd]\n", "unexpected section [relayd]", 1 },
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(1, start(&r, cases[i].text, NULL))
			TH_LOG("case %zu", i);
		EXPECT_TRUE(said(&r, cases[i].line, cases[i].msg))
			TH_LOG("case %zu: '%s'", i, r.err);
		EXPECT_NE(NULL, strstr(r.err, "relayd: error: "));
		relayd_opts_free(&r.o);
	}
}

TEST(unreadable_and_binary_files)
{
	struct run r;

	write_file(&r, "port 1\0x\n", 9);
	EXPECT_EQ(1, run_flags(&r, false, NULL));
	EXPECT_NE(NULL, strstr(r.err, "not a text file")) TH_LOG("%s", r.err);
	relayd_opts_free(&r.o);
	unlink(r.path);
	EXPECT_EQ(1, run_flags(&r, false, NULL));
	EXPECT_NE(NULL, strstr(r.err, "No such file")) TH_LOG("%s", r.err);
	relayd_opts_free(&r.o);
}

TEST(repeated_paths_keep_the_last)
{
	struct run r;

	ASSERT_EQ(-1, start(&r, "grants /a\ngrants /b\nkey /k1\nkey /k2\n",
			    NULL));
	EXPECT_STREQ("/b", r.o.grants_file);
	EXPECT_STREQ("/k2", r.o.key_file);
	relayd_opts_free(&r.o);
}

/* SIGHUP: the file again, the command line again on top; a bad file
 * gives an error and leaves the running options to the caller. */
TEST(reload)
{
	struct run r, r2;

	write_file(&r, "port 7100\nrate-limit 7\ngrants /g1\n", 33);
	ASSERT_EQ(-1, run_flags(&r, false, FLAGS("-r", "5")));
	EXPECT_EQ(7100, r.o.port);
	EXPECT_EQ(5, r.o.rate_limit);
	r2 = r;
	write_file(&r2, "port 7200\nrate-limit 8\ngrants /g2\n"
		   "static-endpoints 192.0.2.1:1\n", 62);
	ASSERT_EQ(0, run_flags(&r2, true, FLAGS("-r", "5"))) TH_LOG("%s", r2.err);
	EXPECT_EQ(7200, r2.o.port);
	EXPECT_EQ(5, r2.o.rate_limit);
	EXPECT_STREQ("/g2", r2.o.grants_file);
	EXPECT_STREQ("/g1", r.o.grants_file);	/* another text */
	EXPECT_EQ(PRL_CFG_STATIC_EPS, r2.o.relay_cfg.mask);
	relayd_opts_free(&r2.o);
	unlink(r2.path);
	write_file(&r2, "port 7200\nrate-limit 0x\n", 24);
	EXPECT_EQ(1, run_flags(&r2, true, FLAGS("-r", "5")));
	EXPECT_TRUE(said(&r2, 2, "invalid rate limit '0x'")) TH_LOG("%s", r2.err);
	EXPECT_NE(NULL, strstr(r2.err, "relayd: reload: "));
	relayd_opts_free(&r2.o);
	unlink(r2.path);
	unlink(r.path);
	relayd_opts_free(&r.o);
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
