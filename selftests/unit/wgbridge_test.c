// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client wg on the host, without WireGuard: relayd's userspace data
 * plane on 127.0.0.1 (port picked by the kernel), two bridges that
 * allocate in-band (one from flags, one from a config file), and two UDP
 * sockets standing in for the WireGuard interfaces. Datagrams must arrive
 * byte-exact both ways, with the source WireGuard expects (the bridge's
 * listen address), including a burst of equal-sized ones (the GSO path).
 * Plus the command line's and the config file's errors.
 */
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "run_cmd.h"

#define PEER_HEX "0101010101010101010101010101010101010101010101010101010101010101"

static pid_t spawn(const char *tool, const char *log, char *const args[])
{
	char path[PATH_MAX];
	char *argv[40];
	int i, fd;
	pid_t pid;

	argv[0] = (char *)tool_path(tool, path, sizeof(path));
	for (i = 0; args[i] && i < 38; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	return pid;
}

static int udp_socket(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 4 << 20;
	struct timeval tv = { 2, 0 };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*port = ntohs(a.sin_port);
	return fd;
}

/* A free loopback UDP port (closed again: a small race, rerun on EADDRINUSE). */
static uint16_t free_port(void)
{
	uint16_t p = 0;
	int fd = udp_socket(&p);

	close(fd);
	return p;
}

static int send_to(int fd, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a)) ==
	       (ssize_t)len ? 0 : -1;
}

static void read_key_pub(const char *keyfile, char pub[65])
{
	struct cmd_result r;

	pub[0] = '\0';
	if (run_tool(&r, "relay-client", "pubkey", keyfile, NULL) || r.status)
		return;
	memcpy(pub, r.out, 64);
	pub[64] = '\0';
}

TEST(end_to_end)
{
	char dir[] = "/tmp/wgbridge.XXXXXX", f[12][PATH_MAX], buf[16384];
	char rport_s[8], relay[32], la[32], lb[32], wga[32], pa[65], pb[65], sk[65];
	uint16_t wa_port, wb_port, la_port, lb_port, rport;
	pid_t relayd, bra, brb;
	struct cmd_result r;
	struct stat sb;
	unsigned char m[1500], got[2048];
	struct sockaddr_in from;
	socklen_t flen;
	int wa, wb, i, st, n;
	FILE *fp;
	char *p;

	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < 12; i++)
		snprintf(f[i], sizeof(f[i]), "%s/%d", dir, i);
	/* 0 relay key, 1 a key, 2 b key, 3 grants, 4 relayd log, 5/6 bridge
	 * logs, 7 b's config file */
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[0], NULL));
	read_key_pub(f[0], sk);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[1], NULL));
	read_key_pub(f[1], pa);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[2], NULL));
	read_key_pub(f[2], pb);
	ASSERT_EQ(64, strlen(sk));
	fp = fopen(f[3], "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "%s\n%s\n", pa, pb);
	fclose(fp);

	relayd = spawn("relayd", f[4], (char *[]){ "--userspace", "--port", "0",
		       "--family", "4", "--key", f[0], "--grants", f[3], "-v",
		       NULL });
	ASSERT_LT(0, relayd);
	ASSERT_EQ(0, wait_log(f[4], "on UDP port ", buf, sizeof(buf))) TH_LOG("%s", buf);
	p = strstr(buf, "on UDP port ");
	ASSERT_EQ(1, sscanf(p + strlen("on UDP port "), "%hu", &rport));
	snprintf(rport_s, sizeof(rport_s), "%u", rport);
	snprintf(relay, sizeof(relay), "127.0.0.1:%u", rport);

	wa = udp_socket(&wa_port);
	wb = udp_socket(&wb_port);
	ASSERT_LE(0, wa);
	ASSERT_LE(0, wb);
	la_port = free_port();
	lb_port = free_port();
	snprintf(la, sizeof(la), "127.0.0.1:%u", la_port);
	snprintf(lb, sizeof(lb), "127.0.0.1:%u", lb_port);
	snprintf(wga, sizeof(wga), "127.0.0.1:%u", wa_port);

	/* A from flags, WireGuard's address given */
	bra = spawn("relay-client", f[5], (char *[]){ "-j", "wg", "--key", f[1],
		    "--peer", pb, "--allocate", "--relay", relay, "--server-key",
		    sk, "--listen", la, "--wg", wga, "--probe-interval", "500",
		    "--dead-after", "2000", NULL });
	/* B from a config file, WireGuard's address learned */
	fp = fopen(f[7], "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "# b's bridge\n[Relay]\nKey = %s\nPeer = %s\nRelay = %s\n"
		"ServerKey = discokey:%s\nAllocate = yes\nListenAddress = %s\n"
		"ProbeInterval = 500   # fast, for the test\nDeadAfter = 2000\n",
		f[2], pa, relay, sk, lb);
	fclose(fp);
	brb = spawn("relay-client", f[6], (char *[]){ "-j", "wg", "-c", f[7], NULL });
	ASSERT_LT(0, bra);
	ASSERT_LT(0, brb);
	EXPECT_EQ(0, wait_log(f[5], "\"event\":\"up\"", buf, sizeof(buf))) TH_LOG("A: %s", buf);
	EXPECT_EQ(0, wait_log(f[6], "\"event\":\"up\"", buf, sizeof(buf))) TH_LOG("B: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"event\":\"allocated\",\"msg\":\"allocated vni 1"));

	/* B's WireGuard has to speak first (its address is learned) */
	for (i = 0; i < 100; i++) {
		memset(m, i, sizeof(m));
		m[0] = 4;	/* looks like WireGuard transport data */
		ASSERT_EQ(0, send_to(wb, lb_port, m, 100 + (size_t)i));
		flen = sizeof(from);
		n = recvfrom(wa, got, sizeof(got), 0, (struct sockaddr *)&from, &flen);
		ASSERT_EQ(100 + i, n);
		ASSERT_EQ(0, memcmp(m, got, (size_t)n));
		ASSERT_EQ(la_port, ntohs(from.sin_port));	/* from the bridge */
		ASSERT_EQ(0, send_to(wa, la_port, m, 1400 - (size_t)i));
		n = recvfrom(wb, got, sizeof(got), 0, (struct sockaddr *)&from, &flen);
		ASSERT_EQ(1400 - i, n);
		ASSERT_EQ(0, memcmp(m, got, (size_t)n));
		ASSERT_EQ(lb_port, ntohs(from.sin_port));
	}
	/* a burst of equal-sized datagrams: GSO runs through the relay */
	for (i = 0; i < 300; i++) {
		memset(m, 0xa5, sizeof(m));
		memcpy(m + 4, &i, sizeof(i));
		ASSERT_EQ(0, send_to(wa, la_port, m, 1200));
	}
	for (i = 0; i < 300; i++) {
		n = recv(wb, got, sizeof(got), 0);
		ASSERT_EQ(1200, n) TH_LOG("datagram %d of the burst", i);
		ASSERT_EQ(0, memcmp(got + 4, &i, sizeof(i))) TH_LOG("order/content at %d", i);
	}

	/* SIGHUP: a re-bind on request, the path comes back up */
	kill(bra, SIGHUP);
	EXPECT_EQ(0, wait_log(f[5], "re-binding: requested (SIGHUP)", buf, sizeof(buf)));
	for (i = 0; i < 30; i++) {	/* "up" twice: after the first binding and now */
		p = strstr(buf, "\"event\":\"up\"");
		if (p && strstr(p + 1, "\"event\":\"up\""))
			break;
		usleep(100000);
		wait_log(f[5], "\"event\":\"up\"", buf, sizeof(buf));
	}
	EXPECT_GT(30, i) TH_LOG("A not up again: %s", buf);
	memset(m, 0x11, sizeof(m));
	ASSERT_EQ(0, send_to(wa, la_port, m, 999));
	n = recv(wb, got, sizeof(got), 0);
	ASSERT_EQ(999, n);

	kill(bra, SIGUSR1);
	EXPECT_EQ(0, wait_log(f[5], "\"event\":\"stats\"", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\"to_relay_packets\":401,"));
	EXPECT_NE(NULL, strstr(buf, "\"rebinds\":1,"));
	EXPECT_NE(NULL, strstr(buf, "\"to_wg_packets\":100,"));
	EXPECT_NE(NULL, strstr(buf, "\"send_errors\":0,"));
	kill(bra, SIGTERM);
	kill(brb, SIGTERM);
	ASSERT_EQ(bra, waitpid(bra, &st, 0));
	EXPECT_EQ(0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	ASSERT_EQ(brb, waitpid(brb, &st, 0));
	EXPECT_EQ(0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	EXPECT_EQ(0, wait_log(f[6], "\"event\":\"stopped\"", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\"to_wg_packets\":401,"));
	kill(relayd, SIGTERM);
	waitpid(relayd, &st, 0);
	close(wa);
	close(wb);
	for (i = 0; i < 12; i++)
		unlink(f[i]);
	rmdir(dir);
}

/*
 * The session from an endpoint description file (what `relay-client -j
 * allocate` prints, as `relayctl -j session add` would), over IPv6 to the
 * relay; only A's key is granted (B never allocates).
 */
TEST(endpoint_file_ipv6)
{
	char dir[] = "/tmp/wgbridge.XXXXXX", f[8][PATH_MAX], buf[16384];
	char relay[48], la[32], lb[32], wgb[32], pa[65], pb[65], sk[65];
	uint16_t wa_port, wb_port, la_port, lb_port, rport;
	pid_t relayd, bra, brb;
	struct cmd_result r;
	struct stat sb;
	unsigned char m[1500], got[2048];
	int wa, wb, i, st, n;
	FILE *fp;
	char *p;

	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	i = socket(AF_INET6, SOCK_DGRAM, 0);
	if (i < 0)
		SKIP(return, "no IPv6");
	close(i);
	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < 8; i++)
		snprintf(f[i], sizeof(f[i]), "%s/%d", dir, i);
	/* 0 relay key, 1 a key, 2 b key, 3 grants, 4 relayd log, 5/6 bridge
	 * logs, 7 the endpoint description */
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[0], NULL));
	read_key_pub(f[0], sk);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[1], NULL));
	read_key_pub(f[1], pa);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[2], NULL));
	read_key_pub(f[2], pb);
	fp = fopen(f[3], "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "%s\n", pa);
	fclose(fp);
	relayd = spawn("relayd", f[4], (char *[]){ "--userspace", "--port", "0",
		       "--family", "6", "--key", f[0], "--grants", f[3], "-v",
		       NULL });
	ASSERT_LT(0, relayd);
	ASSERT_EQ(0, wait_log(f[4], "on UDP port ", buf, sizeof(buf))) TH_LOG("%s", buf);
	p = strstr(buf, "on UDP port ");
	ASSERT_EQ(1, sscanf(p + strlen("on UDP port "), "%hu", &rport));
	snprintf(relay, sizeof(relay), "[::1]:%u", rport);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "-j", "allocate", "--relay",
			      relay, "--server-key", sk, "--key", f[1], "--peer",
			      pb, NULL));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	fp = fopen(f[7], "w");
	ASSERT_NE(NULL, fp);
	fputs(r.out, fp);
	fclose(fp);

	wa = udp_socket(&wa_port);
	wb = udp_socket(&wb_port);
	ASSERT_LE(0, wa);
	ASSERT_LE(0, wb);
	la_port = free_port();
	lb_port = free_port();
	snprintf(la, sizeof(la), "127.0.0.1:%u", la_port);
	snprintf(lb, sizeof(lb), "127.0.0.1:%u", lb_port);
	snprintf(wgb, sizeof(wgb), "%u", wb_port);
	/* the relay address comes from the file ([::1]:port) */
	bra = spawn("relay-client", f[5], (char *[]){ "-j", "wg", "--key", f[1],
		    "--peer", pb, "--endpoint-json", f[7], "--listen", la,
		    "--probe-interval", "500", "--dead-after", "2000", NULL });
	brb = spawn("relay-client", f[6], (char *[]){ "-j", "wg", "--key", f[2],
		    "--peer", pa, "--endpoint-json", f[7], "--listen", lb,
		    "--wg-port", wgb, NULL });
	ASSERT_LT(0, bra);
	ASSERT_LT(0, brb);
	EXPECT_EQ(0, wait_log(f[5], "\"event\":\"up\"", buf, sizeof(buf))) TH_LOG("A: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"relay\":\"[::1]:"));
	EXPECT_EQ(0, wait_log(f[6], "\"event\":\"up\"", buf, sizeof(buf))) TH_LOG("B: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"event\":\"session\",\"msg\":\"session vni 1 from "));

	/* A's WireGuard speaks first: B's address is configured */
	for (i = 0; i < 50; i++) {
		memset(m, 0x30 + i, sizeof(m));
		ASSERT_EQ(0, send_to(wa, la_port, m, 60 + (size_t)i * 20));
		n = recv(wb, got, sizeof(got), 0);
		ASSERT_EQ(60 + i * 20, n);
		ASSERT_EQ(0, memcmp(m, got, (size_t)n));
		ASSERT_EQ(0, send_to(wb, lb_port, m, 1000));
		n = recv(wa, got, sizeof(got), 0);
		ASSERT_EQ(1000, n);
		ASSERT_EQ(0, memcmp(m, got, (size_t)n));
	}
	/* a stranger sending to B's listen address is not WireGuard */
	ASSERT_EQ(0, send_to(wa, lb_port, m, 100));
	usleep(200000);	/* the bridge handles signals before datagrams */
	kill(brb, SIGUSR1);
	EXPECT_EQ(0, wait_log(f[6], "\"event\":\"stats\"", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\"drop_wg_source\":1,")) TH_LOG("%s", buf);

	kill(bra, SIGTERM);
	kill(brb, SIGTERM);
	ASSERT_EQ(bra, waitpid(bra, &st, 0));
	EXPECT_EQ(0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	ASSERT_EQ(brb, waitpid(brb, &st, 0));
	EXPECT_EQ(0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	kill(relayd, SIGTERM);
	waitpid(relayd, &st, 0);
	close(wa);
	close(wb);
	for (i = 0; i < 8; i++)
		unlink(f[i]);
	rmdir(dir);
}

/*
 * Run-time errors are reported and retried, not fatal: nothing listens at
 * the relay address (ICMP port unreachable), and a relay that does not
 * grant our key (no answer at all).
 */
TEST(runtime_errors)
{
	char dir[] = "/tmp/wgbridge.XXXXXX", f[6][PATH_MAX], buf[16384];
	char relay[32], la[32], sk[65];
	uint16_t rport;
	pid_t relayd, br;
	struct stat sb;
	struct cmd_result r;
	int i, st;
	char *p;

	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < 6; i++)
		snprintf(f[i], sizeof(f[i]), "%s/%d", dir, i);
	/* 0 relay key, 1 own key, 2 empty grants, 3 relayd log, 4/5 bridge logs */
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[0], NULL));
	read_key_pub(f[0], sk);
	fclose(fopen(f[2], "w"));
	snprintf(la, sizeof(la), "127.0.0.1:%u", free_port());

	/* a closed port */
	snprintf(relay, sizeof(relay), "127.0.0.1:%u", free_port());
	br = spawn("relay-client", f[4], (char *[]){ "wg", "--key", f[1], "--peer",
		   PEER_HEX, "--allocate", "--relay", relay, "--server-key", sk,
		   "--listen", la, NULL });
	ASSERT_LT(0, br);
	EXPECT_EQ(0, wait_log(f[4], "unreachable: Connection refused", buf, sizeof(buf)))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "disco public key ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "created disco key ")) TH_LOG("%s", buf);
	kill(br, SIGTERM);
	ASSERT_EQ(br, waitpid(br, &st, 0));
	EXPECT_EQ(0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);

	/* a relay that grants nobody */
	relayd = spawn("relayd", f[3], (char *[]){ "--userspace", "--port", "0",
		       "--family", "4", "--key", f[0], "--grants", f[2], "-v",
		       NULL });
	ASSERT_LT(0, relayd);
	ASSERT_EQ(0, wait_log(f[3], "on UDP port ", buf, sizeof(buf))) TH_LOG("%s", buf);
	p = strstr(buf, "on UDP port ");
	ASSERT_EQ(1, sscanf(p + strlen("on UDP port "), "%hu", &rport));
	snprintf(relay, sizeof(relay), "127.0.0.1:%u", rport);
	br = spawn("relay-client", f[5], (char *[]){ "wg", "--key", f[1], "--peer",
		   PEER_HEX, "--allocate", "--relay", relay, "--server-key", sk,
		   "--listen", la, NULL });
	ASSERT_LT(0, br);
	EXPECT_EQ(0, wait_log(f[5], "no allocation response", buf, sizeof(buf)))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "not in its grants file")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "; retrying")) TH_LOG("%s", buf);
	kill(br, SIGTERM);
	ASSERT_EQ(br, waitpid(br, &st, 0));
	EXPECT_EQ(0, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	EXPECT_EQ(0, wait_log(f[5], "stopped: state allocating vni 0", buf, sizeof(buf)))
		TH_LOG("%s", buf);
	kill(relayd, SIGTERM);
	waitpid(relayd, &st, 0);
	for (i = 0; i < 6; i++)
		unlink(f[i]);
	rmdir(dir);
}

/*
 * A fresh binding no Pong confirms is redone (a lost Answer would leave
 * the session unbound until the bind lifetime ran out): bridge A alone
 * re-binds after 3 s, then B comes and both are up.
 */
TEST(peer_late)
{
	char dir[] = "/tmp/wgbridge.XXXXXX", f[7][PATH_MAX], buf[16384];
	char relay[32], la[32], lb[32], pa[65], pb[65], sk[65];
	uint16_t rport;
	pid_t relayd, bra, brb;
	struct cmd_result r;
	struct stat sb;
	FILE *fp;
	int i, st;
	char *p;

	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < 7; i++)
		snprintf(f[i], sizeof(f[i]), "%s/%d", dir, i);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[0], NULL));
	read_key_pub(f[0], sk);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[1], NULL));
	read_key_pub(f[1], pa);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", f[2], NULL));
	read_key_pub(f[2], pb);
	fp = fopen(f[3], "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "%s\n%s\n", pa, pb);
	fclose(fp);
	relayd = spawn("relayd", f[4], (char *[]){ "--userspace", "--port", "0",
		       "--family", "4", "--key", f[0], "--grants", f[3], NULL });
	ASSERT_LT(0, relayd);
	ASSERT_EQ(0, wait_log(f[4], "on UDP port ", buf, sizeof(buf))) TH_LOG("%s", buf);
	p = strstr(buf, "on UDP port ");
	ASSERT_EQ(1, sscanf(p + strlen("on UDP port "), "%hu", &rport));
	snprintf(relay, sizeof(relay), "127.0.0.1:%u", rport);
	snprintf(la, sizeof(la), "127.0.0.1:%u", free_port());
	snprintf(lb, sizeof(lb), "127.0.0.1:%u", free_port());

	bra = spawn("relay-client", f[5], (char *[]){ "-j", "wg", "--key", f[1],
		    "--peer", pb, "--allocate", "--relay", relay, "--server-key",
		    sk, "--listen", la, NULL });
	ASSERT_LT(0, bra);
	EXPECT_EQ(0, wait_log(f[5], "\"event\":\"rebind\"", buf, sizeof(buf))) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "re-binding: no Pong through the relay within 3000 ms"))
		TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "\"event\":\"up\""));
	brb = spawn("relay-client", f[6], (char *[]){ "-j", "wg", "--key", f[2],
		    "--peer", pa, "--allocate", "--relay", relay, "--server-key",
		    sk, "--listen", lb, NULL });
	ASSERT_LT(0, brb);
	/* A's next re-bind is within 6 s (the window doubles) */
	EXPECT_EQ(0, wait_log(f[6], "\"event\":\"up\"", buf, sizeof(buf))) TH_LOG("B: %s", buf);
	for (i = 0; i < 3 && wait_log(f[5], "\"event\":\"up\"", buf, sizeof(buf)); i++)
		;
	EXPECT_NE(NULL, strstr(buf, "\"event\":\"up\"")) TH_LOG("A: %s", buf);
	kill(bra, SIGTERM);
	kill(brb, SIGTERM);
	waitpid(bra, &st, 0);
	waitpid(brb, &st, 0);
	kill(relayd, SIGTERM);
	waitpid(relayd, &st, 0);
	for (i = 0; i < 7; i++)
		unlink(f[i]);
	rmdir(dir);
}

/* Errors a user can make, each with its message and exit status. */
TEST(cli_errors)
{
	char dir[] = "/tmp/wgbridge.XXXXXX", key[PATH_MAX], conf[PATH_MAX];
	struct cmd_result r;
	FILE *fp;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/key", dir);
	snprintf(conf, sizeof(conf), "%s/conf", dir);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--help", NULL));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "Usage: relay-client [-j] wg"));

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--peer", PEER_HEX,
			      "--allocate", NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no disco key")) TH_LOG("%s", r.err);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key, "--peer",
			      "12ab", "--allocate", NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "invalid peer key '12ab'")) TH_LOG("%s", r.err);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key, "--peer",
			      PEER_HEX, "--allocate", NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "--allocate needs --relay")) TH_LOG("%s", r.err);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key, "--peer",
			      PEER_HEX, NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no session")) TH_LOG("%s", r.err);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key, "--peer",
			      PEER_HEX, "--allocate", "--relay", "127.0.0.1",
			      NULL));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "invalid relay address '127.0.0.1': expected ADDR:PORT"))
		TH_LOG("%s", r.err);

	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key, "--peer",
			      PEER_HEX, "--endpoint-json", "/nonexistent", NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "/nonexistent: No such file")) TH_LOG("%s", r.err);

	/* a key file that is not a key */
	fp = fopen(key, "w");
	ASSERT_NE(NULL, fp);
	fputs("not a key\n", fp);
	fclose(fp);
	chmod(key, 0600);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key, "--peer",
			      PEER_HEX, "--allocate", "--relay", "127.0.0.1:9",
			      "--server-key", PEER_HEX, NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "bad key file")) TH_LOG("%s", r.err);
	unlink(key);

	/* config file: unknown key, with file and line */
	fp = fopen(conf, "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "[Relay]\n# comment\nPeer = %s\nEndpont = x\n", PEER_HEX);
	fclose(fp);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "-c", conf, NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, ":4: unknown key 'Endpont'")) TH_LOG("%s", r.err);

	/* ... a bad value, and flags win over the file */
	fp = fopen(conf, "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "Peer = %s\nProbeInterval = 5\n", PEER_HEX);
	fclose(fp);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "-c", conf, NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, ":2: invalid probe interval '5'")) TH_LOG("%s", r.err);

	fp = fopen(conf, "w");
	ASSERT_NE(NULL, fp);
	fprintf(fp, "[Interface]\n");
	fclose(fp);
	ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "-c", conf, NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "unknown section [Interface]")) TH_LOG("%s", r.err);

	/* the same key on both sides */
	ASSERT_EQ(0, run_tool(&r, "relay-client", "genkey", "-o", key, NULL));
	r.out[64] = '\0';
	{
		char pub[65];

		memcpy(pub, r.out, sizeof(pub));
		ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--key", key,
				      "--peer", pub, "--allocate", "--relay",
				      "127.0.0.1:9", "--server-key", PEER_HEX,
				      "--listen", "127.0.0.1:9", NULL));
		EXPECT_EQ(1, r.status);
		EXPECT_NE(NULL, strstr(r.err, "the peer's key is our own key")) TH_LOG("%s", r.err);

		/* the file's values apply (Allocate = no, DeadAfter) ... */
		fp = fopen(conf, "w");
		ASSERT_NE(NULL, fp);
		fprintf(fp, "[relay]\nPeer = %s\nallocate = no\nRelay = 127.0.0.1:9\n"
			"ServerKey = %s\nListenAddress = 127.0.0.1:9\n"
			"ProbeInterval = 5000\nDeadAfter = 1000\nGSO = off\n",
			pub, PEER_HEX);
		fclose(fp);
		ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "-c", conf,
				      "--key", key, NULL));
		EXPECT_EQ(2, r.status);
		EXPECT_NE(NULL, strstr(r.err, "no session")) TH_LOG("%s", r.err);
		ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "-c", conf,
				      "--key", key, "--allocate", NULL));
		EXPECT_EQ(2, r.status);
		EXPECT_NE(NULL, strstr(r.err, "--dead-after (1000 ms) must not be shorter than --probe-interval (5000 ms)"))
			TH_LOG("%s", r.err);
		/* ... and flags win over them, before or after -c */
		ASSERT_EQ(0, run_tool(&r, "relay-client", "wg", "--dead-after",
				      "20000", "--allocate", "-c", conf, "--key",
				      key, NULL));
		EXPECT_EQ(1, r.status);
		EXPECT_NE(NULL, strstr(r.err, "the peer's key is our own key")) TH_LOG("%s", r.err);
	}
	unlink(key);
	unlink(conf);
	rmdir(dir);
}

TEST_HARNESS_MAIN
