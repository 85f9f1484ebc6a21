// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/lib/json.c: structure and string escaping. */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "json.h"

/* Collects the output of a prl_json writer in memory. */
struct buf {
	char *data;
	size_t len;
	FILE *f;
};

static void buf_open(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->f = open_memstream(&b->data, &b->len);
}

static const char *buf_close(struct buf *b)
{
	fclose(b->f);
	return b->data;
}

static char *escaped(const char *s, size_t len)
{
	struct buf b;

	buf_open(&b);
	prl_json_write_string(b.f, s, len);
	return (char *)buf_close(&b);
}

#define ESC_EQ(want, in) do {						\
		char *__got = escaped((in), sizeof(in) - 1);		\
		EXPECT_STREQ((want), __got);				\
		free(__got);						\
	} while (0)

TEST(escape_basic)
{
	ESC_EQ("\"\"", "");
	ESC_EQ("\"plain text\"", "plain text");
	ESC_EQ("\"a\\\"b\"", "a\"b");
	ESC_EQ("\"back\\\\slash\"", "back\\slash");
	ESC_EQ("\"/ stays\"", "/ stays");
	ESC_EQ("\"\\n\\r\\t\\b\\f\"", "\n\r\t\b\f");
}

TEST(escape_control)
{
	ESC_EQ("\"\\u0000x\"", "\0x");	/* embedded NUL with explicit length */
	ESC_EQ("\"\\u0001\\u001f\\u007f\"", "\x01\x1f\x7f");
	ESC_EQ("\"\\u001b[31m\"", "\x1b[31m");
}

TEST(escape_utf8)
{
	/* valid UTF-8 passes through unchanged */
	ESC_EQ("\"gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80\"",
	       "gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80");
	/* invalid sequences become U+FFFD, one per bad byte */
	ESC_EQ("\"a\\ufffdb\"", "a\xff" "b");
	ESC_EQ("\"\\ufffd\\ufffd\"", "\xc0\xaf");		/* overlong '/' */
	ESC_EQ("\"\\ufffd\\ufffd\\ufffd\"", "\xed\xa0\x80");	/* surrogate */
	ESC_EQ("\"x\\ufffd\\ufffd\"", "x\xe2\x82");		/* truncated */
	ESC_EQ("\"\\ufffd\"", "\x80");				/* lone cont. */
	ESC_EQ("\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	       "\xf4\x90\x80\x80");				/* > U+10FFFF */
}

TEST(structure)
{
	struct prl_json j;
	struct buf b;

	buf_open(&b);
	prl_json_init(&j, b.f);
	prl_json_obj_begin(&j);
	prl_json_kv_u64(&j, "vni", 7);
	prl_json_kv_str(&j, "state", "open");
	prl_json_kv_null(&j, "local");
	prl_json_kv_bool(&j, "ok", true);
	prl_json_kv_i64(&j, "neg", -5);
	prl_json_key(&j, "endpoints");
	prl_json_arr_begin(&j);
	prl_json_obj_begin(&j);
	prl_json_kv_str(&j, "remote", "[::1]:5");
	prl_json_obj_end(&j);
	prl_json_obj_begin(&j);
	prl_json_obj_end(&j);
	prl_json_arr_end(&j);
	prl_json_key(&j, "empty");
	prl_json_arr_begin(&j);
	prl_json_arr_end(&j);
	prl_json_key(&j, "big");
	prl_json_u64(&j, UINT64_MAX);
	prl_json_obj_end(&j);
	EXPECT_STREQ("{\"vni\":7,\"state\":\"open\",\"local\":null,\"ok\":true,"
		     "\"neg\":-5,\"endpoints\":[{\"remote\":\"[::1]:5\"},{}],"
		     "\"empty\":[],\"big\":18446744073709551615}\n",
		     buf_close(&b));
	free(b.data);
}

TEST(top_level_lines)
{
	struct prl_json j;
	struct buf b;

	/* consecutive top-level values are separate lines (JSON Lines) */
	buf_open(&b);
	prl_json_init(&j, b.f);
	prl_json_obj_begin(&j);
	prl_json_kv_str(&j, "event", "a");
	prl_json_obj_end(&j);
	prl_json_obj_begin(&j);
	prl_json_kv_str(&j, "event", "b\n");
	prl_json_obj_end(&j);
	prl_json_arr_begin(&j);
	prl_json_u64(&j, 1);
	prl_json_u64(&j, 2);
	prl_json_arr_end(&j);
	prl_json_str(&j, NULL);
	EXPECT_STREQ("{\"event\":\"a\"}\n{\"event\":\"b\\n\"}\n[1,2]\nnull\n",
		     buf_close(&b));
	free(b.data);
}

TEST(escaped_keys)
{
	struct prl_json j;
	struct buf b;

	buf_open(&b);
	prl_json_init(&j, b.f);
	prl_json_obj_begin(&j);
	prl_json_kv_str(&j, "k\"ey", "v\\al");
	prl_json_obj_end(&j);
	EXPECT_STREQ("{\"k\\\"ey\":\"v\\\\al\"}\n", buf_close(&b));
	free(b.data);
}

TEST_HARNESS_MAIN
