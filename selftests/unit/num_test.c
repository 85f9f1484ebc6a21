// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/lib/num.c. */
#include <errno.h>

#include "kselftest_harness.h"

#include "num.h"

TEST(u32_valid)
{
	uint32_t v;

	ASSERT_EQ(0, prl_parse_u32("0", 0, UINT32_MAX, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, prl_parse_u32("16777215", 1, 0xffffff, &v));
	EXPECT_EQ(0xffffff, v);
	ASSERT_EQ(0, prl_parse_u32("0x1000000", 0, UINT32_MAX, &v));
	EXPECT_EQ(0x1000000, v);
	ASSERT_EQ(0, prl_parse_u32("4294967295", 0, UINT32_MAX, &v));
	EXPECT_EQ(UINT32_MAX, v);
	ASSERT_EQ(0, prl_parse_u32("010", 0, 100, &v));
	EXPECT_EQ(10, v);	/* decimal, not octal */
}

TEST(u32_invalid)
{
	uint32_t v = 77;

	EXPECT_EQ(-EINVAL, prl_parse_u32("", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32("-1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32("+1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32(" 1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32("1 ", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32("1k", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32("0x", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32("0xg", 0, 10, &v));
	EXPECT_EQ(-EINVAL, prl_parse_u32(NULL, 0, 10, &v));
	EXPECT_EQ(-ERANGE, prl_parse_u32("11", 0, 10, &v));
	EXPECT_EQ(-ERANGE, prl_parse_u32("0", 1, 10, &v));
	EXPECT_EQ(-ERANGE, prl_parse_u32("4294967296", 0, UINT32_MAX, &v));
	EXPECT_EQ(77, v);
}

TEST(u64_overflow)
{
	uint64_t v;

	ASSERT_EQ(0, prl_parse_u64("18446744073709551615", 0, UINT64_MAX, &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-ERANGE, prl_parse_u64("18446744073709551616", 0, UINT64_MAX, &v));
	EXPECT_EQ(-ERANGE, prl_parse_u64("0x10000000000000000", 0, UINT64_MAX, &v));
	EXPECT_EQ(-ERANGE, prl_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v));
}

TEST(keyword)
{
	static const char *const words[] = { "vni", NULL, "idle" };

	EXPECT_EQ(0, prl_parse_keyword("vni", words, 3));
	EXPECT_EQ(2, prl_parse_keyword("idle", words, 3));
	EXPECT_EQ(-EINVAL, prl_parse_keyword("IDLE", words, 3));
	EXPECT_EQ(-EINVAL, prl_parse_keyword("", words, 3));
	EXPECT_EQ(-EINVAL, prl_parse_keyword("idle", words, 2));
}

TEST_HARNESS_MAIN
