// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayctl against relayd's userspace data plane through relayd's control
 * socket (no module on the host): the userspace backend applies the
 * module's session rules (idempotent SESSION_NEW per key pair, VNI cursor
 * and LamportID, explicit VNIs, the module's error messages, bind checks,
 * config bounds, deletion reasons, bind-window expiry) and relayctl shows
 * them with the same output as over netlink.
 */
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "ctl_proto.h"
#include "kselftest_harness.h"
#include "run_cmd.h"

#define KA "1111111111111111111111111111111111111111111111111111111111111111"
#define KB "2222222222222222222222222222222222222222222222222222222222222222"
#define KC "3333333333333333333333333333333333333333333333333333333333333333"

FIXTURE(ctl)
{
	char dir[64];
	char sock[96];
	char log[96];
	pid_t pid;
	struct cmd_result r;
};

FIXTURE_SETUP(ctl)
{
	char path[PATH_MAX], buf[8192];
	struct stat sb;
	int fd;

	self->pid = 0;
	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	snprintf(self->dir, sizeof(self->dir), "/tmp/relayd_ctl.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->sock, sizeof(self->sock), "%s/ctl.sock", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/relayd.log", self->dir);
	setenv("PEER_RELAY_CTL_SOCKET", self->sock, 1);
	fd = open(self->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (self->pid == 0) {
		dup2(fd, 2);
		execl(tool_path("relayd", path, sizeof(path)), "relayd",
		      "--userspace", "--port", "0", "--family", "4",
		      "--control-socket", self->sock, (char *)NULL);
		_exit(127);
	}
	close(fd);
	ASSERT_EQ(0, wait_log(self->log, "ready:", buf, sizeof(buf)))
		TH_LOG("log: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "control socket "));
}

FIXTURE_TEARDOWN(ctl)
{
	char cmd[128];
	int st;

	if (self->pid > 0) {
		kill(self->pid, SIGTERM);
		waitpid(self->pid, &st, 0);
	}
	if (self->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			fprintf(stderr, "# could not remove %s\n", self->dir);
	}
}

#define CTL(...) run_tool(&self->r, "relayctl", __VA_ARGS__, NULL)

TEST_F(ctl, sessions_follow_the_module_rules)
{
	char buf[16384];
	struct stat sb;

	ASSERT_EQ(0, CTL("-j", "session", "add", KA, KB));
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_NE(NULL, strstr(self->r.out, "\"vni\":1,"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"lamport\":1,"));
	/* idempotent per unordered pair: same VNI, same LamportID */
	ASSERT_EQ(0, CTL("-j", "session", "add", KB, KA));
	EXPECT_NE(NULL, strstr(self->r.out, "\"vni\":1,"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"lamport\":1,"));
	/* another VNI for the pair, a used VNI, equal keys: refused */
	ASSERT_EQ(0, CTL("session", "add", KA, KB, "vni", "7"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "the key pair already has a session with another VNI"));
	ASSERT_EQ(0, CTL("session", "add", KA, KC, "vni", "1"));
	EXPECT_NE(NULL, strstr(self->r.err, "VNI is used by another session"));
	ASSERT_EQ(0, CTL("session", "add", KA, KA));
	EXPECT_NE(NULL, strstr(self->r.err, "the two client keys are equal"));
	/* explicit VNI, bound at creation (EP0 belongs to the smaller key) */
	ASSERT_EQ(0, CTL("-j", "session", "add", KC, KA, "vni", "500",
			 "bind-a", "192.0.2.3:3000", "bind-b", "192.0.2.1:1000"));
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_NE(NULL, strstr(self->r.out, "\"lamport\":2,"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"state\":\"open\""));
	ASSERT_EQ(0, CTL("-j", "session", "get", "500"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"remote\":\"192.0.2.1:1000\"")) TH_LOG("%s", self->r.out);
	/* bind checks */
	ASSERT_EQ(0, CTL("session", "bind", "1", "0", "224.0.0.1:5"));
	EXPECT_NE(NULL, strstr(self->r.err, "remote address is unspecified, multicast or broadcast"));
	ASSERT_EQ(0, CTL("session", "bind", "99", "0", "192.0.2.1:5"));
	EXPECT_NE(NULL, strstr(self->r.err, "no session with this VNI"));
	ASSERT_EQ(0, CTL("session", "bind", "1", "1", "192.0.2.2:2000"));
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	/* list, delete one, flush the rest: counted by reason */
	ASSERT_EQ(0, CTL("-j", "session", "list"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"vni\":500"));
	/* the handshake cache learnt both, as from SESSION_NEW_NTF */
	kill(self->pid, SIGUSR1);
	EXPECT_EQ(0, wait_log(self->log, "view: 2 sessions: vni 1 500", buf,
			      sizeof(buf))) TH_LOG("%s", buf);
	ASSERT_EQ(0, CTL("session", "del", "1"));
	EXPECT_EQ(0, self->r.status);
	ASSERT_EQ(0, CTL("session", "get", "1"));
	EXPECT_EQ(1, self->r.status);
	ASSERT_EQ(0, CTL("session", "flush"));
	EXPECT_EQ(0, self->r.status);
	ASSERT_EQ(0, CTL("-j", "stats"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"created\":2"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"deleted\":{\"user\":1,\"flush\":1,\"expired_bind\":0,\"expired_idle\":0}"))
		TH_LOG("%s", self->r.out);
	/* the next VNI continues the cursor, LamportID keeps counting */
	ASSERT_EQ(0, CTL("-j", "session", "add", KA, KB));
	EXPECT_NE(NULL, strstr(self->r.out, "\"vni\":2,")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"lamport\":3,"));
	/* relayd owns its sockets */
	ASSERT_EQ(0, CTL("-j", "socket", "list"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"family\":\"udp4\"")) TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, CTL("socket", "detach", "1"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "owns its sockets")) TH_LOG("%s", self->r.err);
	EXPECT_EQ(0, stat(self->sock, &sb));
}

TEST_F(ctl, config_bounds_and_bind_window_expiry)
{
	char buf[16384];

	ASSERT_EQ(0, CTL("config", "set", "bind-lifetime", "99"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "out of range"));
	ASSERT_EQ(0, CTL("config", "set", "pass-burst", "0"));
	EXPECT_EQ(1, self->r.status);
	ASSERT_EQ(0, CTL("config", "set", "bind-lifetime", "300", "pass-rate",
			 "10"));
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	ASSERT_EQ(0, CTL("-j", "config", "get"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"bind_lifetime_ms\":300,"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"pass_rate\":10,"));
	ASSERT_EQ(0, CTL("session", "add", KA, KB));
	ASSERT_EQ(0, CTL("session", "add", KA, KC, "bind-a",
			 "192.0.2.1:1", "bind-b", "192.0.2.2:2"));
	/* the half-bound session's bind window runs out; the open one stays */
	EXPECT_EQ(0, wait_log(self->log, "vni 1: session expired (expired_bind)",
			      buf, sizeof(buf))) TH_LOG("%s", buf);
	ASSERT_EQ(0, CTL("-j", "stats"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"expired_bind\":1,"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"open\":1,")) TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, CTL("session", "get", "2"));
	EXPECT_EQ(0, self->r.status);
}

TEST_F(ctl, malformed_requests_are_refused)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char junk[64] = "not a request", back[512];
	ssize_t n;
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, fd);
	strcpy(sun.sun_path, self->sock);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_EQ((ssize_t)sizeof(junk), send(fd, junk, sizeof(junk), 0));
	n = recv(fd, back, sizeof(back), MSG_TRUNC);
	EXPECT_LT(16, n);	/* a DONE reply with the error, not a crash */
	close(fd);
	/* relayd still answers */
	ASSERT_EQ(0, CTL("-j", "stats"));
	EXPECT_EQ(0, self->r.status);
}

/* relayctl as nobody: reads work, changes are refused (as CAP_NET_ADMIN). */
static int as_nobody(struct cmd_result *r, const char *a1, const char *a2,
		     const char *a3, const char *a4)
{
	char path[PATH_MAX];
	char *argv[] = { (char *)tool_path("relayctl", path, sizeof(path)),
			 (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	char out[] = "/tmp/relayd_ctl_nobody.XXXXXX";
	int fd = mkstemp(out), st;
	pid_t pid;

	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (setgid(65534) || setuid(65534))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	lseek(fd, 0, SEEK_SET);
	read_all(fd, r->err, sizeof(r->err));
	close(fd);
	unlink(out);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return 0;
}

TEST_F(ctl, unprivileged_reads_only)
{
	if (geteuid())
		SKIP(return, "needs root to become another user");
	chmod(self->dir, 0755);
	ASSERT_EQ(0, as_nobody(&self->r, "-j", "stats", NULL, NULL));
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	ASSERT_EQ(0, as_nobody(&self->r, "session", "add", KA, KB));
	EXPECT_EQ(1, self->r.status);
	EXPECT_NE(NULL, strstr(self->r.err, "Operation not permitted: changing the relay needs root or relayd's user"))
		TH_LOG("%s", self->r.err);
	ASSERT_EQ(0, CTL("-j", "session", "list"));
	EXPECT_EQ(0, strcmp(self->r.out, "[]\n")) TH_LOG("%s", self->r.out);
}

/* relayctl monitor in userspace mode: relayd's events, as the module's. */
TEST_F(ctl, monitor_gets_the_session_events)
{
	static char buf[1 << 17];
	char path[PATH_MAX], out[160];
	int fd, st, i;
	pid_t mon;

	snprintf(out, sizeof(out), "%s/mon.out", self->dir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	mon = fork();
	ASSERT_LE(0, mon);
	if (mon == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execl(tool_path("relayctl", path, sizeof(path)), "relayctl",
		      "-j", "monitor", (char *)NULL);
		_exit(127);
	}
	close(fd);
	usleep(300000);		/* subscribed */
	ASSERT_EQ(0, CTL("session", "add", KA, KB, "bind-a", "192.0.2.1:1000"));
	ASSERT_EQ(0, CTL("session", "bind", "1", "1", "192.0.2.2:2000"));
	ASSERT_EQ(0, CTL("session", "del", "1"));
	/* a burst larger than a default socket buffer arrives whole */
	for (i = 0; i < 40; i++) {
		char k[65];

		snprintf(k, sizeof(k), "%064x", 0x4000 + i);
		ASSERT_EQ(0, CTL("session", "add", KA, k));
	}
	ASSERT_EQ(0, CTL("session", "flush"));
	usleep(300000);
	kill(mon, SIGTERM);
	waitpid(mon, &st, 0);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fd = open(out, O_RDONLY);
	ASSERT_LE(0, fd);
	read_all(fd, buf, sizeof(buf));
	close(fd);
	/* the first line: the session as created, the binds follow */
	EXPECT_EQ(&buf[0], strstr(buf, "{\"event\":\"session_new\",\"session\":{\"vni\":1,"))
		TH_LOG("%.400s", buf);
	EXPECT_NE(NULL, strstr(buf, "{\"event\":\"session_bind\",\"session\":{\"vni\":1,"));
	EXPECT_NE(NULL, strstr(buf, "\"state\":\"open\""));
	EXPECT_NE(NULL, strstr(buf, "{\"event\":\"session_del\",\"reason\":\"user\",\"session\":{\"vni\":1,"));
	EXPECT_NE(NULL, strstr(buf, "\"reason\":\"flush\",\"session\":{\"vni\":41,"));
	EXPECT_EQ(NULL, strstr(buf, "lost"));
}

/* A monitor that never reads costs relayd nothing: requests go on. */
TEST_F(ctl, a_stuck_monitor_does_not_stall_relayd)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct prl_ctl_req q = { .magic = PRL_CTL_MAGIC, .size = sizeof(q),
				 .cmd = PRL_CTL_MONITOR };
	struct prl_ctl_reply r;
	int fd, i, n_events = 0;

	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, fd);
	strcpy(sun.sun_path, self->sock);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_EQ((ssize_t)sizeof(q), send(fd, &q, sizeof(q), 0));
	ASSERT_EQ((ssize_t)sizeof(r), recv(fd, &r, sizeof(r), 0));
	ASSERT_EQ(PRL_CTL_R_DONE, r.type);
	ASSERT_EQ(0, r.err);
	for (i = 0; i < 20; i++) {
		char k[65];

		snprintf(k, sizeof(k), "%064x", 0x5000 + i);
		ASSERT_EQ(0, CTL("session", "add", KA, k));
		ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	}
	/* now read: every event is there, in order, none lost */
	while (recv(fd, &r, sizeof(r), MSG_DONTWAIT) == (ssize_t)sizeof(r)) {
		ASSERT_EQ(PRL_CTL_R_EVENT, r.type);
		EXPECT_EQ((uint32_t)++n_events, r.u.event.session.vni);
	}
	EXPECT_EQ(20, n_events);
	close(fd);
	ASSERT_EQ(0, CTL("-j", "stats"));
	EXPECT_EQ(0, self->r.status);
}

TEST_HARNESS_MAIN
