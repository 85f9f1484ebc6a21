// SPDX-License-Identifier: GPL-2.0-only
/*
 * Endpoint descriptions (tools/lib/disco.c): Go-style durations, the
 * deduplicated address list, and the JSON reader that relay-client uses
 * for `relayctl -j session add` / `relay-client -j allocate` output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "disco.h"

TEST(durations_like_go)
{
	static const struct {
		int64_t ns;
		const char *s;
	} c[] = {
		{ 0, "0s" },
		{ 999999, "0s" },
		{ 1000000, "1ms" },
		{ 250000000, "250ms" },
		{ 1000000000, "1s" },
		{ 1500000000, "1.5s" },
		{ 2250000000, "2.25s" },
		{ 30000000000, "30s" },
		{ 60000000000, "1m0s" },
		{ 300000000000, "5m0s" },
		{ 301500000000, "5m1.5s" },
		{ 3600000000000, "1h0m0s" },
		{ 3723000000000, "1h2m3s" },
		{ -1000000000, "-1s" },
	};
	char buf[PRL_DURATION_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		EXPECT_STREQ(c[i].s, prl_duration_fmt(c[i].ns, buf, sizeof(buf)))
			TH_LOG("%lld", (long long)c[i].ns);
}

static struct prl_addrport ap4(const char *ip, uint16_t port)
{
	struct prl_addrport a = { .port = port };

	a.ip[10] = a.ip[11] = 0xff;
	inet_pton(AF_INET, ip, a.ip + 12);
	return a;
}

TEST(addresses_dedup_in_order)
{
	struct prl_disco_endpoint ep = { 0 };
	struct prl_addrport a = ap4("192.0.2.1", 7000), b = ap4("192.0.2.1", 7001);
	int i;

	EXPECT_EQ(0, prl_disco_endpoint_add_addr(&ep, &a));
	EXPECT_EQ(0, prl_disco_endpoint_add_addr(&ep, &b));
	EXPECT_EQ(1, prl_disco_endpoint_add_addr(&ep, &a));
	ASSERT_EQ(2, ep.n_addrports);
	EXPECT_EQ(7000, ep.addrports[0].port);
	EXPECT_EQ(7001, ep.addrports[1].port);
	for (i = 2; i < PRL_DISCO_MAX_ADDRPORTS; i++) {
		struct prl_addrport x = ap4("198.51.100.1", (uint16_t)(i + 1));

		EXPECT_EQ(0, prl_disco_endpoint_add_addr(&ep, &x));
	}
	{
		struct prl_addrport y = ap4("198.51.100.2", 1);

		EXPECT_EQ(-E2BIG, prl_disco_endpoint_add_addr(&ep, &y));
	}
}

#define KA "0101010101010101010101010101010101010101010101010101010101010101"
#define KB "0202020202020202020202020202020202020202020202020202020202020202"
#define KS "0303030303030303030303030303030303030303030303030303030303030303"

static int from_json(const char *s, struct prl_disco_endpoint *ep, char *err)
{
	return prl_disco_endpoint_from_json(s, strlen(s), ep, err, 160);
}

TEST(reads_relayctl_session_add)
{
	/* the shape `relayctl -j session add` prints */
	const char *j =
		"{\"vni\":7,\"key0\":\"" KA "\",\"key1\":\"" KB "\",\"lamport\":12,"
		"\"state\":\"connecting\",\"age_ms\":0,\"endpoints\":[{\"remote\":null,"
		"\"local\":null,\"rx_packets\":0,\"rx_bytes\":0,\"idle_ms\":0},"
		"{\"remote\":\"10.0.0.1:1\",\"local\":null,\"rx_packets\":1,\"rx_bytes\":2,"
		"\"idle_ms\":3}],\"server_key\":\"" KS "\",\"client_keys\":[\"" KB
		"\",\"" KA "\"],\"bind_lifetime\":\"30s\",\"bind_lifetime_ms\":30000,"
		"\"steady_state_lifetime\":\"5m0s\",\"steady_state_lifetime_ms\":300000,"
		"\"addrs\":[\"192.0.2.1:7000\",\"[2001:db8::1]:7000\",\"192.0.2.1:7000\"]}\n";
	struct prl_disco_endpoint ep;
	char err[160] = "";

	ASSERT_EQ(0, from_json(j, &ep, err)) TH_LOG("%s", err);
	EXPECT_EQ(7, ep.vni);
	EXPECT_EQ(12, ep.lamport);
	EXPECT_EQ(3, ep.server_key[0]);
	EXPECT_EQ(1, ep.client_key[0][0]);	/* sorted */
	EXPECT_EQ(2, ep.client_key[1][31]);
	EXPECT_EQ(30000000000LL, ep.bind_lifetime_ns);
	EXPECT_EQ(300000000000LL, ep.steady_lifetime_ns);
	ASSERT_EQ(2, ep.n_addrports);	/* duplicate dropped */
	EXPECT_TRUE(prl_addrport_is_v4(&ep.addrports[0]));
	EXPECT_EQ(7000, ep.addrports[0].port);
	EXPECT_FALSE(prl_addrport_is_v4(&ep.addrports[1]));
	EXPECT_EQ(0x20, ep.addrports[1].ip[0]);
}

TEST(reads_relay_client_allocate)
{
	const char *j =
		"{ \"vni\": 456, \"lamport\": 1, \"generation\": 3,\n"
		"  \"server_key\": \"discokey:" KS "\",\n"
		"  \"client_keys\": [ \"" KA "\", \"" KB "\" ],\n"
		"  \"bind_lifetime_ms\": 1000, \"steady_state_lifetime_ms\": 60000,\n"
		"  \"addrs\": [ \"[fd00::1]:41641\" ], \"public_key\": \"" KA "\",\n"
		"  \"extra\": {\"a\": [1, 2.5e3, true, false, null, \"x\\\"y\"]} }";
	struct prl_disco_endpoint ep;
	char err[160] = "";

	ASSERT_EQ(0, from_json(j, &ep, err)) TH_LOG("%s", err);
	EXPECT_EQ(456, ep.vni);
	EXPECT_EQ(1000000000LL, ep.bind_lifetime_ns);
	ASSERT_EQ(1, ep.n_addrports);
	EXPECT_EQ(41641, ep.addrports[0].port);
}

TEST(rejects_incomplete_or_bad)
{
	static const struct {
		const char *json, *msg;
	} c[] = {
		{ "", "not a JSON object" },
		{ "[]", "not a JSON object" },
		{ "{}", "empty object" },
		{ "{\"vni\":1,\"client_keys\":[\"" KA "\",\"" KB "\"]}", "no server_key" },
		{ "{\"vni\":1,\"server_key\":null}", "server_key" },
		{ "{\"vni\":1,\"server_key\":\"" KS "\"}", "no client keys" },
		{ "{\"vni\":1,\"server_key\":\"" KS "\",\"key0\":\"" KA "\"}", "no client keys" },
		{ "{\"server_key\":\"" KS "\",\"client_keys\":[\"" KA "\",\"" KB "\"]}", "no vni" },
		{ "{\"vni\":0,\"server_key\":\"" KS "\"}", "vni" },
		{ "{\"vni\":16777216,\"server_key\":\"" KS "\"}", "vni" },
		{ "{\"vni\":1.5,\"server_key\":\"" KS "\"}", "vni" },
		{ "{\"vni\":1,\"server_key\":\"" KS "\",\"client_keys\":[\"" KA "\",\"" KA "\"]}", "equal" },
		{ "{\"vni\":1,\"server_key\":\"" KS "\",\"client_keys\":[\"" KA "\"]}", "two keys" },
		{ "{\"vni\":1,\"server_key\":\"abc\"}", "server_key" },
		{ "{\"vni\":1,\"addrs\":[\"1.2.3.4\"]}", "addrs" },
		{ "{\"vni\":1,\"addrs\":[\"1.2.3.4:0\"]}", "addrs" },
		{ "{\"vni\":1,\"addrs\":[\"[::1:1\"]}", "addrs" },
		{ "{\"vni\":1,\"addrs\":[\"999.2.3.4:1\"]}", "addrs" },
		{ "{\"vni\":1 \"x\":2}", "bad JSON" },
		{ "{\"vni\":1,\"x\":[1,}", "bad JSON" },
		{ "{\"vni\":1,\"x\":tru}", "bad JSON" },
		{ "{\"vni\":1", "bad JSON" },
	};
	struct prl_disco_endpoint ep;
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		err[0] = '\0';
		EXPECT_EQ(-EINVAL, from_json(c[i].json, &ep, err))
			TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(err, c[i].msg))
			TH_LOG("case %zu: '%s'", i, err);
	}
}

TEST(deep_nesting_is_rejected_not_crashing)
{
	char j[400];
	struct prl_disco_endpoint ep;
	char err[160];
	int i, n = 0;

	n += sprintf(j + n, "{\"x\":");
	for (i = 0; i < 100; i++)
		j[n++] = '[';
	for (i = 0; i < 100; i++)
		j[n++] = ']';
	n += sprintf(j + n, "}");
	EXPECT_EQ(-EINVAL, from_json(j, &ep, err));
}

TEST_HARNESS_MAIN
