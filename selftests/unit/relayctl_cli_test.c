// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayctl command line: help, version and usage errors (exit 2, message
 * naming the command), checked without the kernel module: every case here
 * fails or finishes before netlink is opened.
 */
#include "kselftest_harness.h"

#include "run_cmd.h"

#define KEY_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define KEY_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static struct cmd_result r;

#define RUN(...) ASSERT_EQ(0, run_tool(&r, "relayctl", __VA_ARGS__, NULL))

/* Usage error: exit 2, "relayctl: CMD: ..." on stderr, nothing on stdout. */
#define EXPECT_USAGE(prefix) do {					\
		EXPECT_EQ(2, r.status) TH_LOG("stderr: %s", r.err);	\
		EXPECT_EQ(0, strncmp(r.err, prefix, strlen(prefix)))	\
			TH_LOG("stderr: %s", r.err);			\
		EXPECT_STREQ("", r.out);				\
	} while (0)

TEST(binary_present)
{
	char path[PATH_MAX];

	ASSERT_EQ(0, access(tool_path("relayctl", path, sizeof(path)), X_OK))
		TH_LOG("%s not built", path);
}

TEST(help_and_version)
{
	RUN("--help");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "session add KEY_A KEY_B [vni N]"));
	EXPECT_NE(NULL, strstr(r.out, "stats [--prometheus]"));
	EXPECT_NE(NULL, strstr(r.out, "monitor"));
	RUN("-h");
	EXPECT_EQ(0, r.status);
	RUN("-V");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "relayctl ", 9));
	RUN("--version");
	EXPECT_EQ(0, r.status);
}

TEST(subcommand_help)
{
	static const char *const cmds[][2] = {
		{ "socket", "list" }, { "socket", "detach" },
		{ "session", "add" }, { "session", "bind" },
		{ "session", "del" }, { "session", "get" },
		{ "session", "list" }, { "session", "show" },
		{ "session", "flush" }, { "config", "get" },
		{ "config", "set" }, { "stats", NULL }, { "monitor", NULL },
		{ "show", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (cmds[i][1]) {
			RUN((char *)cmds[i][0], (char *)cmds[i][1], "--help");
		} else {
			RUN((char *)cmds[i][0], "--help");
		}
		EXPECT_EQ(0, r.status) TH_LOG("%s %s --help", cmds[i][0],
					      cmds[i][1] ? cmds[i][1] : "");
		EXPECT_EQ(0, strncmp(r.out, "Usage: relayctl", 15));
	}
	RUN("session", "add", "--help");
	EXPECT_NE(NULL, strstr(r.out, "vni N"));
	RUN("session", "--help");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "session bind VNI 0|1 ADDR:PORT"));
}

TEST(global_usage_errors)
{
	RUN("");
	EXPECT_EQ(2, r.status);
	RUN("--bogus");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "unknown option '--bogus'"));
	RUN("frobnicate");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "unknown command 'frobnicate'"));
	RUN("session");
	EXPECT_EQ(2, r.status);
	RUN("session", "frob");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "unknown subcommand 'frob'"));
}

TEST(session_usage_errors)
{
	RUN("session", "add", KEY_A);
	EXPECT_USAGE("relayctl: session add: ");
	RUN("session", "add", "zz", KEY_B);
	EXPECT_USAGE("relayctl: session add: invalid KEY_A 'zz'");
	RUN("session", "add", KEY_A, KEY_B "0");
	EXPECT_USAGE("relayctl: session add: invalid KEY_B");
	RUN("session", "add", KEY_A, KEY_B, "vni");
	EXPECT_USAGE("relayctl: session add: ");
	RUN("session", "add", KEY_A, KEY_B, "vni", "x1");
	EXPECT_USAGE("relayctl: session add: invalid VNI 'x1'");
	RUN("session", "add", KEY_A, KEY_B, "vnj", "1");
	EXPECT_USAGE("relayctl: session add: unexpected argument 'vnj'");

	RUN("session", "bind", "1", "2", "192.0.2.1:5");
	EXPECT_USAGE("relayctl: session bind: invalid endpoint '2'");
	RUN("session", "bind", "1", "0", "192.0.2.1");
	EXPECT_USAGE("relayctl: session bind: invalid endpoint address");
	RUN("session", "bind", "1", "0", "2001:db8::1:5");
	EXPECT_USAGE("relayctl: session bind: invalid endpoint address");
	RUN("session", "bind", "1", "0", "192.0.2.1:5", "local", "2001:db8::1");
	EXPECT_USAGE("relayctl: session bind: local address family");
	RUN("session", "bind", "1", "0", "192.0.2.1:5", "local", "nope");
	EXPECT_USAGE("relayctl: session bind: invalid local address");
	RUN("session", "bind", "1", "0", "192.0.2.1:5", "lokal", "10.0.0.1");
	EXPECT_USAGE("relayctl: session bind: unexpected argument 'lokal'");

	RUN("session", "del");
	EXPECT_USAGE("relayctl: session del: ");
	RUN("session", "del", "key", KEY_A);
	EXPECT_USAGE("relayctl: session del: ");
	RUN("session", "get", "-1");
	EXPECT_USAGE("relayctl: session get: invalid VNI '-1'");
	RUN("session", "list", "extra");
	EXPECT_USAGE("relayctl: session list: unexpected argument 'extra'");
	RUN("session", "flush", "now");
	EXPECT_USAGE("relayctl: session flush: ");
}

TEST(other_usage_errors)
{
	RUN("socket", "detach");
	EXPECT_USAGE("relayctl: socket detach: ");
	RUN("socket", "detach", "one");
	EXPECT_USAGE("relayctl: socket detach: invalid socket ID 'one'");
	RUN("stats", "--bogus");
	EXPECT_USAGE("relayctl: stats: unexpected argument '--bogus'");
	RUN("-j", "stats", "--prometheus");
	EXPECT_USAGE("relayctl: stats: ");
	RUN("monitor", "x");
	EXPECT_USAGE("relayctl: monitor: ");

	RUN("config", "set");
	EXPECT_USAGE("relayctl: config set: nothing to set");
	RUN("config", "set", "max-sessions");
	EXPECT_USAGE("relayctl: config set: 'max-sessions' needs a value");
	RUN("config", "set", "frob", "1");
	EXPECT_USAGE("relayctl: config set: unknown setting 'frob'");
	RUN("config", "set", "bind-lifetime", "1s");
	EXPECT_USAGE("relayctl: config set: invalid bind-lifetime");
	RUN("config", "set", "server-key", "abc");
	EXPECT_USAGE("relayctl: config set: invalid server-key");
	RUN("config", "set", "static-endpoints", "1.2.3.4:5,");
	EXPECT_USAGE("relayctl: config set: invalid endpoint list");
	RUN("config", "set", "static-endpoints",
	    "1.1.1.1:1,1.1.1.2:1,1.1.1.3:1,1.1.1.4:1,1.1.1.5:1,1.1.1.6:1,"
	    "1.1.1.7:1,1.1.1.8:1,1.1.1.9:1,1.1.1.10:1,1.1.1.11:1,1.1.1.12:1,"
	    "1.1.1.13:1,1.1.1.14:1,1.1.1.15:1,1.1.1.16:1,1.1.1.17:1");
	EXPECT_USAGE("relayctl: config set: at most 16 static endpoints");
	RUN("config", "set", "idle-lifetime", "1000", "idle-lifetime", "2000");
	EXPECT_USAGE("relayctl: config set: 'idle-lifetime' given twice");
}

TEST_HARNESS_MAIN
