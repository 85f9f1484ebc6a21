// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd without the kernel module: option and config file errors, and a
 * --no-kernel run that opens SO_REUSEPORT sockets on a kernel-chosen port,
 * receives datagrams with their local address, and exits 0 on SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include "kselftest_harness.h"

#include "run_cmd.h"

static struct cmd_result r;

#define RUN(...) ASSERT_EQ(0, run_tool(&r, "relayd", __VA_ARGS__, NULL))

TEST(help_version_usage)
{
	RUN("--help");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "--sockets N"));
	RUN("-V");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "relayd ", 7));
	RUN("--bogus");
	EXPECT_EQ(2, r.status);
	RUN("--port", "65536");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "invalid port '65536': expected a number in 0..65535"));
	RUN("--sockets", "0");
	EXPECT_EQ(2, r.status);
	RUN("--sockets", "65");
	EXPECT_EQ(2, r.status);
	RUN("--family", "5");
	EXPECT_EQ(2, r.status);
	RUN("--log-level", "loud");
	EXPECT_EQ(2, r.status);
	RUN("extra");
	EXPECT_EQ(2, r.status);
}

/* The option table (args.c): every kind of row rejects bad input. */
TEST(option_errors)
{
	static const char *const bad[][3] = {
		{ "--port", NULL, "option '--port' needs an argument" },
		{ "-p", "x", "invalid port 'x'" },
		{ "-f", "7", "invalid family '7': expected 4, 6 or both" },
		{ "-n", "65", "invalid sockets '65': expected a number in 1..64" },
		{ "-s", "1.2.3.4", "invalid static-endpoints '1.2.3.4'" },
		{ "-r", "1000001", "invalid rate limit '1000001'" },
		{ "-b", "0", "invalid rate burst '0'" },
		{ "-l", "loud", "invalid log-level 'loud'" },
		{ "--idle-lifetime", "99", "invalid idle-lifetime '99': expected a number in 100..86400000" },
		{ "--sync-role", "boss", "invalid sync-role 'boss'" },
		{ "--sync-listen", "1.2.3.4", "invalid sync-listen '1.2.3.4'" },
		{ "--vni-range", "9-3", "invalid vni-range '9-3'" },
		{ "-j", NULL, "unknown option '-j'" },	/* relayd prints no data */
		{ "--json", NULL, "unknown option '--json'" },
		{ "-x", NULL, "unknown option '-x'" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(bad[i][0], bad[i][1]);
		EXPECT_EQ(2, r.status) TH_LOG("%s %s", bad[i][0], bad[i][1]);
		EXPECT_NE(NULL, strstr(r.err, bad[i][2]))
			TH_LOG("%s %s: %s", bad[i][0], bad[i][1], r.err);
		EXPECT_NE(NULL, strstr(r.err, "Try 'relayd --help'."));
	}
	RUN("--no-kernel", "--userspace");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "exclude each other"));
	/* -h wins at once, whatever follows */
	RUN("-h", "--bogus");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "--vni-range MIN-MAX"));
	/* the defaults in the help text come from the code */
	EXPECT_NE(NULL, strstr(r.out, "(default 7000;")) TH_LOG("%s", r.out);
	RUN("--version");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "relayd ", 7));
}

static const char *write_conf(const char *text)
{
	static char path[] = "/tmp/relayd_test.conf.XXXXXX";
	int fd;

	strcpy(path, "/tmp/relayd_test.conf.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return NULL;
	close(fd);
	return path;
}

TEST(config_file_errors)
{
	const char *p;

	p = write_conf("# comment\nport 7000\nfrobnicate 1\n");
	ASSERT_NE(NULL, p);
	RUN("--no-kernel", "-c", (char *)p);
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, ":3: unknown key 'frobnicate'"))
		TH_LOG("%s", r.err);
	unlink(p);

	p = write_conf("sockets 100\n");
	RUN("--no-kernel", "-c", (char *)p);
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, ":1: invalid sockets '100'"));
	unlink(p);

	p = write_conf("static-endpoints 1.2.3.4\n");
	RUN("--no-kernel", "-c", (char *)p);
	EXPECT_EQ(1, r.status);
	unlink(p);

	p = write_conf("port\n");
	RUN("--no-kernel", "-c", (char *)p);
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "port has no value"));
	unlink(p);

	RUN("--no-kernel", "-c", "/nonexistent/relayd.conf");
	EXPECT_EQ(1, r.status);
}

TEST(no_kernel_lifecycle)
{
	static const uint8_t data_pkt[8] = { 0x00, 0x00, 0x7a, 0x12, 0, 0, 5, 0 };
	char path[PATH_MAX], log[] = "/tmp/relayd_test.log.XXXXXX";
	char buf[8192], *p;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6 };
	unsigned int port;
	int fd, st, s4, s6;
	pid_t pid;

	fd = mkstemp(log);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(fd, 2);
		execl(tool_path("relayd", path, sizeof(path)), "relayd",
		      "--no-kernel", "--port", "0", "--sockets", "2", "-v",
		      (char *)NULL);
		_exit(127);
	}
	close(fd);
	ASSERT_EQ(0, wait_log(log, "ready: 4 sockets open on UDP port ", buf,
			      sizeof(buf))) TH_LOG("log: %s", buf);
	p = strstr(buf, "ready: 4 sockets open on UDP port ");
	ASSERT_EQ(1, sscanf(p, "ready: 4 sockets open on UDP port %u", &port));
	ASSERT_NE(0, port);

	s4 = socket(AF_INET, SOCK_DGRAM, 0);
	dst.sin_port = htons((uint16_t)port);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(8, sendto(s4, data_pkt, 8, 0, (struct sockaddr *)&dst,
			    sizeof(dst)));
	s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	dst6.sin6_port = htons((uint16_t)port);
	dst6.sin6_addr = in6addr_loopback;
	ASSERT_EQ(3, sendto(s6, "abc", 3, 0, (struct sockaddr *)&dst6,
			    sizeof(dst6)));
	/* each datagram is logged with the local address it was sent to */
	snprintf(path, sizeof(path), "to 127.0.0.1:%u", port);
	EXPECT_EQ(0, wait_log(log, path, buf, sizeof(buf))) TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "rx 8 bytes data vni 5 from 127.0.0.1:"));
	snprintf(path, sizeof(path), "to [::1]:%u", port);
	EXPECT_EQ(0, wait_log(log, path, buf, sizeof(buf))) TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "rx 3 bytes short vni 0 from [::1]:"));

	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, wait_log(log, "received 2 datagrams (11 bytes)", buf,
			      sizeof(buf))) TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "relayd: info: stopped"));
	close(s4);
	close(s6);
	unlink(log);
}

TEST(explicit_port_in_use)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char port[16];
	int s;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(s, (struct sockaddr *)&sin, &len));
	snprintf(port, sizeof(port), "%u", ntohs(sin.sin_port));
	RUN("--no-kernel", "--family", "4", "--port", port);
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is not available")) TH_LOG("%s", r.err);
	close(s);
}

TEST_HARNESS_MAIN
