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
#include <getopt.h>
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

static int parse_sa(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char buf[80], *colon;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	long port;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (buf[0] == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return inet_pton(AF_INET6, buf + 1, &a6->sin6_addr) == 1 ? 0 : -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	return inet_pton(AF_INET, buf, &a4->sin_addr) == 1 ? 0 : -1;
}

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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "to", required_argument, NULL, 't' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "bytes", required_argument, NULL, 'n' },
		{ "ready", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_storage ss;
	socklen_t len = 0;
	const char *pat = NULL, *ready = NULL;
	unsigned long long bytes = 0;
	long timeout_ms = 60000;
	bool have_sa = false;
	int c;

	if (argc < 2 || (strcmp(argv[1], "send") && strcmp(argv[1], "recv"))) {
		fprintf(stderr, "usage: tcpbulk recv --bind ADDR:PORT --pattern STR [--ready FILE] [--timeout MS]\n"
				"       tcpbulk send --to ADDR:PORT --pattern STR --bytes N [--timeout MS]\n");
		return 2;
	}
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
		case 't':
			if (parse_sa(optarg, &ss, &len)) {
				fprintf(stderr, "tcpbulk: bad address %s\n", optarg);
				return 2;
			}
			have_sa = true;
			break;
		case 'p':
			pat = optarg;
			break;
		case 'n':
			bytes = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'T':
			timeout_ms = strtol(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (!have_sa || !pat || !*pat ||
	    (!strcmp(argv[1], "send") && !bytes) || timeout_ms <= 0) {
		fprintf(stderr, "tcpbulk: missing or bad arguments\n");
		return 2;
	}
	if (!strcmp(argv[1], "send"))
		return do_send(&ss, len, pat, bytes, now_s() + timeout_ms / 1000.0);
	return do_recv(&ss, len, pat, ready, now_s() + timeout_ms / 1000.0);
}
