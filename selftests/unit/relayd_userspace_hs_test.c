// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handshake against relayd's userspace data plane on the host (no
 * module here): a session allocated in-band, then every Bind the relay
 * must ignore (sealed VNI != header VNI, wrong RemoteKey, generation 0,
 * tampered box, a sender key outside the pair) — each gets no Challenge —
 * and afterwards both clients still bind, rebind from a new port, and
 * Ping each other through the relay. Regression test of issue #10: an
 * ignored Bind from a foreign sender made relayd forget the session in
 * its handshake view (every later Bind: drop_unknown_vni) while the
 * forwarding threads kept it.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "run_cmd.h"

FIXTURE(us)
{
	char dir[64];
	char log[96];
	char relay[32];		/* 127.0.0.1:PORT */
	char server_key[65];
	char ka[65], kb[65], kc[65];
	char akey[96], bkey[96], ckey[96], ep[96];
	pid_t pid;
	struct cmd_result r;
};

static void path_in(char *out, size_t len, const char *dir, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static int genkey(struct cmd_result *r, const char *file, char pub[65])
{
	if (run_tool(r, "relay-client", "genkey", "-o", file, NULL) ||
	    r->status || strlen(r->out) < 64)
		return -1;
	memcpy(pub, r->out, 64);
	pub[64] = '\0';
	return 0;
}

FIXTURE_SETUP(us)
{
	const char *ready = "ready: 2 sockets forwarding in userspace on UDP port ";
	char path[PATH_MAX], grants[96], rkey[96], buf[16384], *p;
	unsigned int port;
	struct stat sb;
	FILE *f;
	int fd;

	self->pid = 0;
	if (!stat("/sys/module/peer_relay", &sb))
		SKIP(return, "the peer_relay module is loaded here");
	snprintf(self->dir, sizeof(self->dir), "/tmp/relayd_us_hs.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	path_in(self->akey, sizeof(self->akey), self->dir, "a.key");
	path_in(self->bkey, sizeof(self->bkey), self->dir, "b.key");
	path_in(self->ckey, sizeof(self->ckey), self->dir, "c.key");
	path_in(self->ep, sizeof(self->ep), self->dir, "ep.json");
	path_in(self->log, sizeof(self->log), self->dir, "relayd.log");
	path_in(grants, sizeof(grants), self->dir, "grants");
	path_in(rkey, sizeof(rkey), self->dir, "relay.key");
	ASSERT_EQ(0, genkey(&self->r, self->akey, self->ka));
	ASSERT_EQ(0, genkey(&self->r, self->bkey, self->kb));
	ASSERT_EQ(0, genkey(&self->r, self->ckey, self->kc));
	f = fopen(grants, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "%s\n", self->ka);
	fclose(f);

	fd = open(self->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (self->pid == 0) {
		dup2(fd, 2);
		execl(tool_path("relayd", path, sizeof(path)), "relayd",
		      "--userspace", "--port", "0", "--family", "4",
		      "--sockets", "2", "--key", rkey, "--grants", grants,
		      "--rate-limit", "0", "-v", (char *)NULL);
		_exit(127);
	}
	close(fd);
	ASSERT_EQ(0, wait_log(self->log, ready, buf, sizeof(buf)))
		TH_LOG("log: %s", buf);
	p = strstr(buf, ready);
	ASSERT_EQ(1, sscanf(p + strlen(ready), "%u", &port));
	snprintf(self->relay, sizeof(self->relay), "127.0.0.1:%u", port);
	p = strstr(buf, "info: relay key ");	/* the last line of the setup */
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, sscanf(p + strlen("info: relay key "), "%64[0-9a-f]",
			    self->server_key));
}

FIXTURE_TEARDOWN(us)
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

/* relay-client bind as A (or @key) from 127.0.0.1:@port with extra args. */
static int bind_as(struct __test_metadata *_metadata, FIXTURE_DATA(us) *self,
		   const char *key, const char *port, const char *a1,
		   const char *a2, const char *a3, const char *a4)
{
	char local[32];

	(void)_metadata;
	snprintf(local, sizeof(local), "127.0.0.1:%s", port);
	if (run_tool(&self->r, "relay-client", "bind", "--endpoint-json",
		     self->ep, "--key", key, "--local", local, a1, a2, a3, a4,
		     NULL))
		return -1;
	return self->r.status;
}

TEST_F_TIMEOUT(us, ignored_binds_do_not_forget_the_session, 120)
{
	static const char *const corrupt[] = {
		"bind-vni", "bind-remote-key", "bind-gen0", "bind-tamper",
	};
	char vni[16], buf[16384], *p;
	size_t i;
	pid_t b;
	FILE *f;
	int st;

	ASSERT_EQ(0, run_tool(&self->r, "relay-client", "-j", "allocate",
			      "--relay", self->relay, "--server-key",
			      self->server_key, "--peer", self->kb, "--key",
			      self->akey, NULL));
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	f = fopen(self->ep, "w");
	ASSERT_NE(NULL, f);
	fputs(self->r.out, f);
	fclose(f);
	p = strstr(self->r.out, "\"vni\":");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, sscanf(p + 6, " %15[0-9]", vni));

	/* both clients bind once: the session is open */
	EXPECT_EQ(0, bind_as(_metadata, self, self->akey, "41001", NULL,
			     NULL, NULL, NULL)) TH_LOG("%s", self->r.err);
	EXPECT_EQ(0, bind_as(_metadata, self, self->bkey, "41002", NULL,
			     NULL, NULL, NULL)) TH_LOG("%s", self->r.err);

	/* Binds the relay must ignore: no Challenge (exit 3) */
	for (i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++)
		EXPECT_EQ(3, bind_as(_metadata, self, self->akey, "41001",
				     "--corrupt", corrupt[i], "--timeout",
				     "700")) TH_LOG("corrupt kind %zu", i);
	/* a sender key outside the pair, on the session's VNI */
	ASSERT_EQ(0, run_tool(&self->r, "relay-client", "bind", "--relay",
			      self->relay, "--server-key", self->server_key,
			      "--vni", vni, "--peer", self->kb, "--key",
			      self->ckey, "--local", "127.0.0.1:41003",
			      "--timeout", "700", NULL));
	EXPECT_EQ(3, self->r.status);

	/* after all of them: A rebinds from a new port, B from its own */
	EXPECT_EQ(0, bind_as(_metadata, self, self->akey, "41004", NULL, NULL,
			     NULL, NULL)) TH_LOG("%s", self->r.err);
	EXPECT_EQ(0, bind_as(_metadata, self, self->bkey, "41002", NULL, NULL,
			     NULL, NULL)) TH_LOG("%s", self->r.err);

	/* and Ping each other through the relay: B echoes, A pings */
	b = fork();
	ASSERT_LE(0, b);
	if (b == 0) {
		setpgid(0, 0);	/* its relay-client goes with it below */
		bind_as(_metadata, self, self->bkey, "41005", "--echo",
			"--timeout", "20000", NULL);
		_exit(self->r.status);
	}
	setpgid(b, b);	/* also here: the child may not have run yet */
	/* B's bind may finish after A's on a loaded host: A tries again */
	for (i = 0; i < 4; i++) {
		usleep(500000);
		if (!bind_as(_metadata, self, self->akey, "41006", "--ping",
			     "2", "--timeout", "3000"))
			break;
	}
	EXPECT_GT((size_t)4, i) TH_LOG("%s", self->r.err);
	kill(-b, SIGTERM);
	waitpid(b, &st, 0);

	kill(self->pid, SIGUSR1);
	EXPECT_EQ(0, wait_log(self->log, "view: 1 session", buf, sizeof(buf)))
		TH_LOG("log: %s", buf);
	/* every ignored Bind was counted as what it is, none as unknown */
	EXPECT_NE(NULL, strstr(buf, "handshake drop_unknown_sender: "));
	EXPECT_NE(NULL, strstr(buf, "handshake drop_vni_mismatch: "));
	EXPECT_NE(NULL, strstr(buf, "handshake drop_remote_key: "));
	EXPECT_NE(NULL, strstr(buf, "handshake drop_zero_generation: "));
	EXPECT_EQ(NULL, strstr(buf, "drop_unknown_vni")) TH_LOG("log: %s", buf);
}

TEST_HARNESS_MAIN
