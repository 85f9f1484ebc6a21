// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcpbulk - a bulk TCP transfer of a known byte pattern, for the
 * peer_relay selftests (busybox nc may close before everything is sent).
 *
 *   tcpbulk recv --bind ADDR:PORT --pattern STR [--ready FILE] [--timeout MS]
 *   tcpbulk send --to ADDR:PORT --pattern STR --bytes N [--timeout MS]
 *
 * The stream is STR repeated (and cut at N bytes). send writes it, shuts
 * its side down and waits for the receiver to close, so "sent" means
 * "received". recv accepts one connection, reads to EOF and checks every
 * byte against the pattern. Both print one line:
 *   "<sent|received> N bytes in S.SSS s, M.M Mbit/s[, pattern ok|pattern
 *    mismatch at OFFSET]"
 * Exit status: 0 ok, 1 error/timeout/mismatch, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cli_single.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for @events on @fd until @deadline (now_s() time). 0 ok, -1 timeout. */
static int wait_fd(int fd, short events, double deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	double left = deadline - now_s();

	if (left <= 0)
		return -1;
	return poll(&p, 1, (int)(left * 1000) + 1) > 0 ? 0 : -1;
}

static void report(const char *what, uint64_t n, double secs, const char *extra)
{
	printf("%s %llu bytes in %.3f s, %.1f Mbit/s%s\n", what,
	       (unsigned long long)n, secs,
	       secs > 0 ? (double)n * 8 / secs / 1e6 : 0.0, extra);
	fflush(stdout);
}

static int do_send(const struct sockaddr_storage *to, socklen_t len,
		   const char *pat, uint64_t bytes, double deadline)
{
	size_t plen = strlen(pat), i;
	char buf[65536];
	uint64_t off = 0;
	double t0;
	int fd;

	/* a buffer that starts at pattern offset 0 and is a whole number of
	 * patterns long, so consecutive writes continue the pattern */
	size_t blen = sizeof(buf) - sizeof(buf) % plen;

	for (i = 0; i < blen; i++)
		buf[i] = pat[i % plen];
	fd = socket(to->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)to, len) < 0) {
		perror("tcpbulk: connect");
		return 1;
	}
	t0 = now_s();
	while (off < bytes) {
		size_t at = (size_t)(off % blen), n = blen - at;
		ssize_t w;

		if (bytes - off < n)
			n = (size_t)(bytes - off);

		if (wait_fd(fd, POLLOUT, deadline)) {
			fprintf(stderr, "tcpbulk: send timed out after %llu bytes\n",
				(unsigned long long)off);
			return 1;
		}
		/* buf + at continues the pattern at offset off */
		w = send(fd, buf + at, n, MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w < 0) {
			perror("tcpbulk: send");
			return 1;
		}
		off += (uint64_t)w;
	}
	shutdown(fd, SHUT_WR);
	/* the receiver closes once it has everything */
	for (;;) {
		ssize_t r;

		if (wait_fd(fd, POLLIN, deadline)) {
			fprintf(stderr, "tcpbulk: no close from the receiver\n");
			return 1;
		}
		r = recv(fd, buf, sizeof(buf), 0);
		if (r <= 0)
			break;
	}
	report("sent", off, now_s() - t0, "");
	close(fd);
	return 0;
}

static int do_recv(const struct sockaddr_storage *at, socklen_t len,
		   const char *pat, const char *ready, double deadline)
{
	size_t plen = strlen(pat);
	uint64_t n = 0, bad = UINT64_MAX;
	char buf[65536], extra[80];
	int lfd, fd, one = 1;
	double t0;

	lfd = socket(at->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (const struct sockaddr *)at, len) < 0 || listen(lfd, 1) < 0) {
		perror("tcpbulk: bind");
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	if (wait_fd(lfd, POLLIN, deadline)) {
		fprintf(stderr, "tcpbulk: no connection\n");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return 1;
	t0 = now_s();
	for (;;) {
		ssize_t r, i;

		if (wait_fd(fd, POLLIN, deadline)) {
			fprintf(stderr, "tcpbulk: timed out after %llu bytes\n",
				(unsigned long long)n);
			return 1;
		}
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (i = 0; bad == UINT64_MAX && i < r; i++)
			if (buf[i] != pat[(n + (uint64_t)i) % plen])
				bad = n + (uint64_t)i;
		n += (uint64_t)r;
	}
	if (bad == UINT64_MAX)
		snprintf(extra, sizeof(extra), ", pattern ok");
	else
		snprintf(extra, sizeof(extra), ", pattern mismatch at %llu",
			 (unsigned long long)bad);
	report("received", n, now_s() - t0, extra);
	close(fd);
	close(lfd);
	return bad == UINT64_MAX ? 0 : 1;
}

static const char usage[] =
	"usage: tcpbulk recv --bind ADDR:PORT --pattern STR [--ready FILE] [--timeout MS]\n"
	"       tcpbulk send --to ADDR:PORT --pattern STR --bytes N [--timeout MS]\n"
	"N: 1..4294967295, MS: 1..86400000 (default 60000).\n";

struct tb_opts {
	struct sockaddr_storage ss;	/* --bind or --to */
	bool have_sa;
	const char *pat, *ready;
	uint32_t bytes, timeout_ms;
};
#define PRL_OPTS	struct tb_opts	/* of the option table */

static const struct prl_cli_opt tb_opts_table[] = {
	PRL_ROW("bind", PRL_OPT_ENDPOINT, ss, .seen = PRL_SEEN(have_sa),
		.what = "address"),
	PRL_ROW("to", PRL_OPT_ENDPOINT, ss, .seen = PRL_SEEN(have_sa),
		.what = "address"),
	PRL_ROW("pattern", PRL_OPT_STR, pat),
	PRL_NUM("bytes", U32, bytes, "byte count", 1, UINT32_MAX),
	PRL_ROW("ready", PRL_OPT_STR, ready),
	PRL_NUM("timeout", U32, timeout_ms, "timeout", 1, 86400000),
	{ 0 },
};

static const char *const commands[] = { "send", "recv" };

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("tcpbulk");
	struct prl_cli cli = { .prog = &prog };
	struct tb_opts o = { .timeout_ms = 60000 };
	int cmd;
	bool send_cmd;
	double deadline;
	socklen_t len;
	int rc;

	cmd = PRL_CLI_COMMAND(&cli, commands, usage, argc, argv, &rc);
	if (cmd < 0)
		return rc;
	send_cmd = cmd == 0;
	rc = prl_cli_getopt_all(&cli, tb_opts_table, &o, usage, argc - 1,
				argv + 1);
	if (rc >= 0)
		return rc;
	if (!o.have_sa || !o.pat || !*o.pat || (send_cmd && !o.bytes))
		return prl_cli_usage_error(&cli, send_cmd ?
					   "--to, --pattern and --bytes are required" :
					   "--bind and --pattern are required");
	len = prl_sockaddr_len(o.ss.ss_family);
	deadline = now_s() + o.timeout_ms / 1000.0;
	if (send_cmd)
		return do_send(&o.ss, len, o.pat, o.bytes, deadline);
	return do_recv(&o.ss, len, o.pat, o.ready, deadline);
}
