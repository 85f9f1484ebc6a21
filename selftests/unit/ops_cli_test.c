// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations tools without the kernel module: relayctl ping/show usage
 * errors and help, and the textfile writer's failure mode (it must
 * publish peer_relay_textfile_success 0 and no relay series, atomically).
 * The end-to-end behaviour is in selftests/net/ops_*.sh.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"

#include "run_cmd.h"

static struct cmd_result r;

#define RUN(...) ASSERT_EQ(0, run_tool(&r, "relayctl", __VA_ARGS__, NULL))

#define EXPECT_USAGE(prefix) do {					\
		EXPECT_EQ(2, r.status) TH_LOG("stderr: %s", r.err);	\
		EXPECT_EQ(0, strncmp(r.err, prefix, strlen(prefix)))	\
			TH_LOG("stderr: %s", r.err);			\
		EXPECT_STREQ("", r.out);				\
	} while (0)

TEST(ping_help)
{
	RUN("--help");
	EXPECT_NE(NULL, strstr(r.out, "ping [-c N]"));
	RUN("ping", "--help");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "health check"));
}

TEST(ping_usage_errors)
{
	RUN("ping");
	EXPECT_USAGE("relayctl: ping: missing HOST:PORT");
	RUN("ping", "192.0.2.1:7000", "extra");
	EXPECT_USAGE("relayctl: ping: unexpected argument 'extra'");
	RUN("ping", "not an endpoint");
	EXPECT_USAGE("relayctl: ping: invalid relay");
	RUN("ping", "-c", "0", "192.0.2.1:7000");
	EXPECT_USAGE("relayctl: ping: invalid count");
	RUN("ping", "-W", "x", "192.0.2.1:7000");
	EXPECT_USAGE("relayctl: ping: invalid timeout");
	RUN("ping", "--key", "/nonexistent", "192.0.2.1:7000");
	EXPECT_USAGE("relayctl: ping: --key needs --server-key");
	RUN("ping", "--server-key", "12", "192.0.2.1:7000");
	EXPECT_USAGE("relayctl: ping: invalid server key");
	RUN("ping", "--local", "2001:db8::1", "192.0.2.1:7000");
	EXPECT_USAGE("relayctl: ping: --local and HOST:PORT");
	RUN("ping", "--bogus", "192.0.2.1:7000");
	EXPECT_USAGE("relayctl: ping: unknown option");
}

TEST(ping_key_file_error)
{
	RUN("ping", "--key", "/nonexistent/key", "--server-key",
	    "abababababababababababababababababababababababababababababababab",
	    "192.0.2.1:7000");
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "/nonexistent/key"));
}

TEST(show_usage_errors)
{
	RUN("show", "vni");
	EXPECT_USAGE("relayctl: show: vni needs a number");
	RUN("show", "vni", "0");
	EXPECT_USAGE("relayctl: show: invalid VNI");
	RUN("show", "vni", "16777216");
	EXPECT_USAGE("relayctl: show: invalid VNI");
	RUN("show", "key", "xyz");
	EXPECT_USAGE("relayctl: show: invalid key");
	RUN("show", "key",
	    "0123456789012345678901234567890123456789012345678901234567890123456");
	EXPECT_USAGE("relayctl: show: invalid key");
	RUN("show", "--sort", "size");
	EXPECT_USAGE("relayctl: show: invalid sort");
	RUN("show", "--sort");
	EXPECT_USAGE("relayctl: show: --sort needs");
	RUN("show", "extra");
	EXPECT_USAGE("relayctl: show: unexpected argument 'extra'");
}

TEST(textfile_writer_failure)
{
	char writer[PATH_MAX], dir[] = "/tmp/prtf.XXXXXX";
	char cmd[3 * PATH_MAX], prom[PATH_MAX + 32], buf[4096];
	struct stat st;
	FILE *f;
	size_t n;
	int rc;

	src_path("tools/metrics/peer-relay-textfile", writer, sizeof(writer));
	ASSERT_EQ(0, access(writer, X_OK));
	ASSERT_NE(NULL, mkdtemp(dir));
	/* no module on the build host / a failing relayctl: success 0 */
	snprintf(cmd, sizeof(cmd),
		 "%s --dir %s --relayctl /bin/false 2>/dev/null", writer, dir);
	rc = system(cmd);
	EXPECT_EQ(1, WEXITSTATUS(rc));
	snprintf(prom, sizeof(prom), "%s/peer_relay.prom", dir);
	ASSERT_EQ(0, stat(prom, &st));
	EXPECT_EQ(0644, st.st_mode & 0777);
	f = fopen(prom, "r");
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "\npeer_relay_textfile_success 0\n"));
	EXPECT_NE(NULL, strstr(buf, "peer_relay_textfile_timestamp_seconds "));
	EXPECT_EQ(NULL, strstr(buf, "peer_relay_forwarded"));
	/* usage errors */
	snprintf(cmd, sizeof(cmd), "%s --source nope --dir %s 2>/dev/null",
		 writer, dir);
	EXPECT_EQ(2, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "%s --dir %s/missing 2>/dev/null", writer,
		 dir);
	EXPECT_EQ(1, WEXITSTATUS(system(cmd)));
	/* only the target file is left, no temporary */
	snprintf(cmd, sizeof(cmd), "test \"$(ls -A %s)\" = peer_relay.prom",
		 dir);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	EXPECT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN
