// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/lib/addr.c: addresses, endpoints, hex keys. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"

#include "addr.h"

static const char *ep_roundtrip(const char *in, char *buf, size_t len)
{
	struct prl_endpoint ep;

	if (prl_endpoint_parse(in, &ep))
		return NULL;
	return prl_endpoint_fmt(&ep, buf, len);
}

TEST(endpoint_ipv4)
{
	struct prl_endpoint ep;
	char buf[PRL_ENDPOINT_STRLEN];

	ASSERT_EQ(0, prl_endpoint_parse("192.0.2.1:7000", &ep));
	EXPECT_EQ(AF_INET, ep.addr.family);
	EXPECT_EQ(7000, ep.port);
	EXPECT_EQ(htonl(0xc0000201), ep.addr.u.v4.s_addr);
	EXPECT_STREQ("192.0.2.1:7000", prl_endpoint_fmt(&ep, buf, sizeof(buf)));
	EXPECT_STREQ("1.2.3.4:5", ep_roundtrip("1.2.3.4:5", buf, sizeof(buf)));
	EXPECT_STREQ("255.255.255.255:65535",
		     ep_roundtrip("255.255.255.255:65535", buf, sizeof(buf)));
}

TEST(endpoint_ipv6)
{
	struct prl_endpoint ep;
	char buf[PRL_ENDPOINT_STRLEN];
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	ASSERT_EQ(0, prl_endpoint_parse("[2001:db8::1]:5", &ep));
	EXPECT_EQ(AF_INET6, ep.addr.family);
	EXPECT_EQ(5, ep.port);
	EXPECT_EQ(0, memcmp(want, ep.addr.u.raw, 16));
	EXPECT_STREQ("[2001:db8::1]:5", prl_endpoint_fmt(&ep, buf, sizeof(buf)));
	/* canonical form on output */
	EXPECT_STREQ("[2001:db8::1]:80",
		     ep_roundtrip("[2001:0DB8:0:0::0001]:80", buf, sizeof(buf)));
	EXPECT_STREQ("[::]:1", ep_roundtrip("[::]:1", buf, sizeof(buf)));
	EXPECT_STREQ("[::ffff:1.2.3.4]:9",
		     ep_roundtrip("[::ffff:1.2.3.4]:9", buf, sizeof(buf)));
	/* the longest possible endpoint fits PRL_ENDPOINT_STRLEN */
	EXPECT_STREQ("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
		     ep_roundtrip("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535",
				  buf, sizeof(buf)));
	EXPECT_STREQ("[::ffff:255.255.255.255]:65535",
		     ep_roundtrip("[::ffff:255.255.255.255]:65535", buf,
				  sizeof(buf)));
}

TEST(endpoint_rejects)
{
	static const char *const bad[] = {
		"", ":", "1.2.3.4", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536",
		"1.2.3.4:99999", "1.2.3.4:-1", "1.2.3.4:+5", "1.2.3.4: 5",
		"1.2.3.4:5x", "1.2.3.4:0x10", " 1.2.3.4:5", "1.2.3:5",
		"1.2.3.4.5:6", "256.1.1.1:5", "01.2.3.4:5", "a.b.c.d:5",
		"2001:db8::1:5", "[2001:db8::1]", "[2001:db8::1]5",
		"[2001:db8::1]:", "[1.2.3.4]:5", "[fe80::1%eth0]:5",
		"[2001:db8::1:5", "2001:db8::1]:5", "[]:5", "[::1]:5:6",
		"host.example:5", "1.2.3.4:123456",
	};
	struct prl_endpoint ep;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ep, 0xaa, sizeof(ep));
		EXPECT_EQ(-EINVAL, prl_endpoint_parse(bad[i], &ep))
			TH_LOG("accepted '%s'", bad[i]);
	}
	EXPECT_EQ(-EINVAL, prl_endpoint_parse(NULL, &ep));
}

/* A local (bind) endpoint may say port 0; everything else is as strict. */
TEST(endpoint_local)
{
	static const char *const bad[] = {
		"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1",
		"2001:db8::1:0", "[1.2.3.4]:0", "[::1]:", "1.2.3.4:00000x",
	};
	struct prl_endpoint ep;
	char buf[PRL_ENDPOINT_STRLEN];
	size_t i;

	ASSERT_EQ(0, prl_endpoint_parse_local("192.0.2.1:0", &ep));
	EXPECT_EQ(AF_INET, ep.addr.family);
	EXPECT_EQ(0, ep.port);
	ASSERT_EQ(0, prl_endpoint_parse_local("[::1]:0", &ep));
	EXPECT_STREQ("[::1]:0", prl_endpoint_fmt(&ep, buf, sizeof(buf)));
	ASSERT_EQ(0, prl_endpoint_parse_local("192.0.2.1:65535", &ep));
	EXPECT_EQ(65535, ep.port);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ep, 0xaa, sizeof(ep));
		EXPECT_EQ(-EINVAL, prl_endpoint_parse_local(bad[i], &ep))
			TH_LOG("accepted local '%s'", bad[i]);
	}
	EXPECT_EQ(-EINVAL, prl_endpoint_parse_local(NULL, &ep));
}

TEST(address)
{
	struct prl_addr a;
	char buf[PRL_ADDR_STRLEN];

	ASSERT_EQ(0, prl_addr_parse("10.0.0.1", &a));
	EXPECT_EQ(AF_INET, a.family);
	EXPECT_EQ(4, prl_addr_len(&a));
	EXPECT_STREQ("10.0.0.1", prl_addr_fmt(&a, buf, sizeof(buf)));
	ASSERT_EQ(0, prl_addr_parse("fd00::2", &a));
	EXPECT_EQ(AF_INET6, a.family);
	EXPECT_EQ(16, prl_addr_len(&a));
	EXPECT_STREQ("fd00::2", prl_addr_fmt(&a, buf, sizeof(buf)));
	ASSERT_EQ(0, prl_addr_parse("[fd00::3]", &a));
	EXPECT_STREQ("fd00::3", prl_addr_fmt(&a, buf, sizeof(buf)));

	EXPECT_EQ(-EINVAL, prl_addr_parse("", &a));
	EXPECT_EQ(-EINVAL, prl_addr_parse("10.0.0.1:5", &a));
	EXPECT_EQ(-EINVAL, prl_addr_parse("[10.0.0.1]", &a));
	EXPECT_EQ(-EINVAL, prl_addr_parse("fe80::1%lo", &a));
	EXPECT_EQ(-EINVAL, prl_addr_parse("[fd00::3", &a));
	EXPECT_EQ(0, a.family);

	memset(&a, 0, sizeof(a));
	EXPECT_STREQ("none", prl_addr_fmt(&a, buf, sizeof(buf)));
}

TEST(raw_and_sockaddr)
{
	static const uint8_t v4[4] = { 198, 51, 100, 7 };
	struct sockaddr_storage ss;
	struct prl_endpoint ep, back;
	struct prl_addr a;
	socklen_t len;
	char buf[PRL_ENDPOINT_STRLEN];

	ASSERT_EQ(0, prl_addr_from_raw(&a, v4, 4));
	EXPECT_STREQ("198.51.100.7", prl_addr_fmt(&a, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, prl_addr_from_raw(&a, v4, 3));
	EXPECT_EQ(-EINVAL, prl_addr_from_raw(&a, v4, 0));

	ASSERT_EQ(0, prl_endpoint_parse("[2001:db8::9]:4242", &ep));
	ASSERT_EQ(0, prl_endpoint_to_sockaddr(&ep, &ss, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);
	EXPECT_EQ(htons(4242), ((struct sockaddr_in6 *)&ss)->sin6_port);
	ASSERT_EQ(0, prl_endpoint_from_sockaddr((struct sockaddr *)&ss, len,
					       &back));
	EXPECT_TRUE(prl_endpoint_equal(&ep, &back));

	ASSERT_EQ(0, prl_endpoint_parse("203.0.113.1:53", &ep));
	ASSERT_EQ(0, prl_endpoint_to_sockaddr(&ep, &ss, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in), len);
	ASSERT_EQ(0, prl_endpoint_from_sockaddr((struct sockaddr *)&ss, len,
					       &back));
	EXPECT_TRUE(prl_endpoint_equal(&ep, &back));
	back.port++;
	EXPECT_FALSE(prl_endpoint_equal(&ep, &back));
	/* truncated sockaddr */
	EXPECT_EQ(-EAFNOSUPPORT,
		  prl_endpoint_from_sockaddr((struct sockaddr *)&ss, 4, &back));
	memset(&ep, 0, sizeof(ep));
	EXPECT_EQ(-EAFNOSUPPORT, prl_endpoint_to_sockaddr(&ep, &ss, &len));
}

TEST(endpoint_list)
{
	struct prl_endpoint eps[3];
	char buf[PRL_ENDPOINT_STRLEN];

	ASSERT_EQ(2, prl_endpoint_list_parse("192.0.2.1:7000,[2001:db8::1]:7001",
					    eps, 3));
	EXPECT_STREQ("192.0.2.1:7000", prl_endpoint_fmt(&eps[0], buf, sizeof(buf)));
	EXPECT_STREQ("[2001:db8::1]:7001",
		     prl_endpoint_fmt(&eps[1], buf, sizeof(buf)));
	EXPECT_EQ(1, prl_endpoint_list_parse("1.1.1.1:1", eps, 3));
	EXPECT_EQ(-E2BIG, prl_endpoint_list_parse("1.1.1.1:1,1.1.1.2:1,1.1.1.3:1,1.1.1.4:1",
						 eps, 3));
	EXPECT_EQ(-EINVAL, prl_endpoint_list_parse("", eps, 3));
	EXPECT_EQ(-EINVAL, prl_endpoint_list_parse("1.1.1.1:1,", eps, 3));
	EXPECT_EQ(-EINVAL, prl_endpoint_list_parse(",1.1.1.1:1", eps, 3));
	EXPECT_EQ(-EINVAL, prl_endpoint_list_parse("1.1.1.1:1,,1.1.1.2:1", eps, 3));
	EXPECT_EQ(-EINVAL, prl_endpoint_list_parse("1.1.1.1:1,bad", eps, 3));
}

TEST(key_parse_format)
{
	static const char hex[] =
		"00112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100";
	uint8_t key[PEER_RELAY_KEY_LEN], orig[PEER_RELAY_KEY_LEN];
	char buf[PRL_KEY_HEXLEN];

	ASSERT_EQ(0, prl_key_parse(hex, key));
	EXPECT_EQ(0x00, key[0]);
	EXPECT_EQ(0x11, key[1]);
	EXPECT_EQ(0xff, key[15]);
	EXPECT_EQ(0xff, key[16]);
	EXPECT_EQ(0x00, key[31]);
	EXPECT_STREQ("00112233445566778899aabbccddeeffffeeddccbbaa99887766554433221100",
		     prl_key_fmt(key, buf));
	EXPECT_EQ(64, strlen(buf));

	memcpy(orig, key, sizeof(key));
	/* 63, 65 and 66 digits, a non-hex digit: rejected, key intact */
	{
		char s[80];

		strcpy(s, hex);
		s[63] = '\0';
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
		strcpy(s, hex);
		strcat(s, "0");
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
		strcat(s, "0");
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
		strcpy(s, hex);
		s[10] = 'g';
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
		strcpy(s, hex);
		s[1] = 'x';
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
		strcpy(s, hex);
		s[0] = ' ';
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
		strcpy(s, hex);
		s[63] = '\n';
		EXPECT_EQ(-EINVAL, prl_key_parse(s, key));
	}
	EXPECT_EQ(-EINVAL, prl_key_parse("", key));
	EXPECT_EQ(-EINVAL, prl_key_parse(NULL, key));
	EXPECT_EQ(0, memcmp(orig, key, sizeof(key)));
}

TEST(hex_any)
{
	uint8_t out[4];
	char buf[9];

	EXPECT_EQ(0, prl_hex_parse_any("", out, sizeof(out)));
	EXPECT_EQ(2, prl_hex_parse_any("beEF", out, sizeof(out)));
	EXPECT_EQ(0xbe, out[0]);
	EXPECT_EQ(0xef, out[1]);
	EXPECT_STREQ("beef", prl_hex_fmt(out, 2, buf));
	EXPECT_EQ(-EINVAL, prl_hex_parse_any("abc", out, sizeof(out)));
	EXPECT_EQ(-EINVAL, prl_hex_parse_any("zz", out, sizeof(out)));
	EXPECT_EQ(-E2BIG, prl_hex_parse_any("0011223344", out, sizeof(out)));
}

TEST_HARNESS_MAIN
