// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's userspace data plane on the host (which has no peer_relay
 * module): relayd falls back to it by itself, logs why, forwards nothing
 * of unknown sessions, hands what the kernel would pass up to its
 * handshake code (logged at debug level with the local address), counts
 * both (SIGUSR1) and exits 0 on SIGTERM. --userspace and --no-kernel
 * exclude each other. The end-to-end test with real sessions is
 * selftests/net/hs_userspace.sh.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "run_cmd.h"

static struct cmd_result r;

TEST(userspace_excludes_no_kernel)
{
	ASSERT_EQ(0, run_tool(&r, "relayd", "--userspace", "--no-kernel", NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "exclude each other")) TH_LOG("%s", r.err);
	ASSERT_EQ(0, run_tool(&r, "relayd", "--help", NULL));
	EXPECT_NE(NULL, strstr(r.out, "--userspace"));
}

TEST(fallback_without_module)
{
	static const uint8_t unknown_data[8] = { 0x00, 0x00, 0x7a, 0x12, 0, 0, 5, 0 };
	static const uint8_t unknown_ctl[8] = { 0x00, 0x80, 0x7a, 0x11, 0, 0, 5, 0 };
	char path[PATH_MAX], log[] = "/tmp/relayd_us_test.log.XXXXXX";
	struct sockaddr_in dst = { .sin_family = AF_INET };
	const char *ready = "ready: 2 sockets forwarding in userspace on UDP port ";
	char buf[16384], *p;
	struct stat sb;
	unsigned int port;
	int fd, st, s4;
	pid_t pid;

	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	fd = mkstemp(log);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(fd, 2);
		execl(tool_path("relayd", path, sizeof(path)), "relayd",
		      "--port", "0", "--family", "4", "--sockets", "2", "-v",
		      (char *)NULL);
		_exit(127);
	}
	close(fd);
	ASSERT_EQ(0, wait_log(log, ready, buf, sizeof(buf))) TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "warn: generic netlink family \"peer_relay\" not found (peer_relay module not loaded): forwarding in userspace"));
	EXPECT_NE(NULL, strstr(buf, "userspace data plane: 2 forwarding threads"));
	p = strstr(buf, ready);
	ASSERT_EQ(1, sscanf(p + strlen(ready), "%u", &port));
	ASSERT_NE(0, port);

	s4 = socket(AF_INET, SOCK_DGRAM, 0);
	dst.sin_port = htons((uint16_t)port);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* unknown VNI: dropped by the forwarding threads, relayd never sees them */
	ASSERT_EQ(8, sendto(s4, unknown_data, 8, 0, (struct sockaddr *)&dst,
			    sizeof(dst)));
	ASSERT_EQ(8, sendto(s4, unknown_ctl, 8, 0, (struct sockaddr *)&dst,
			    sizeof(dst)));
	/* not Geneve (version bits set): passed up with the local address */
	ASSERT_EQ(9, sendto(s4, "abcdefghi", 9, 0, (struct sockaddr *)&dst,
			    sizeof(dst)));
	snprintf(path, sizeof(path), "rx 9 bytes not_geneve vni 0 from 127.0.0.1:");
	EXPECT_EQ(0, wait_log(log, path, buf, sizeof(buf))) TH_LOG("log: %s", buf);
	snprintf(path, sizeof(path), "to 127.0.0.1:%u", port);
	EXPECT_NE(NULL, strstr(buf, path));
	EXPECT_EQ(NULL, strstr(buf, "rx 8 bytes"));

	kill(pid, SIGUSR1);
	EXPECT_EQ(0, wait_log(log, "view: 0 sessions", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "data plane: received 3, forwarded 0 (0 bytes)"))
		TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "data plane: passed control 0 not_geneve 1 stun 0"));
	EXPECT_NE(NULL, strstr(buf, "data plane: dropped short 0 unknown_vni 2 not_bound 0"));

	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, wait_log(log, "received 1 datagrams (9 bytes) from the forwarding threads",
			      buf, sizeof(buf))) TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "relayd: info: stopped"));
	close(s4);
	unlink(log);
}

TEST_HARNESS_MAIN
