// SPDX-License-Identifier: GPL-2.0-only
/*
 * udpio - send, receive and echo UDP datagrams given as hex, for the
 * peer_relay selftests.
 *
 *   udpio send --from ADDR:PORT --to ADDR:PORT --hex HEX [--hex HEX...]
 *              [--count N] [--interval-us US] [--listen MS]
 *   udpio recv --bind ADDR:PORT [--timeout MS] [--count N] [--ready FILE]
 *   udpio echo --bind ADDR:PORT [--timeout MS] [--count N] [--ready FILE]
 *
 * send sends each --hex payload in turn, --count times over (default 1).
 * recv prints one line per datagram, "<src ip:port> <hex payload>", and
 * exits 1 if fewer than --count datagrams arrived before the timeout
 * (--count 0: print whatever arrives until the timeout, exit 0).
 * send --bad-csum sends the datagrams from a raw socket with a UDP
 * checksum that is wrong on purpose (never 0, the valid sum with bits
 * flipped): a receiver must drop them, a relay must not forward them.
 * send --listen MS prints, in the same format, whatever arrives on the
 * sending socket within MS after the last datagram (replies).
 * Addresses: 1.2.3.4:5 or [2001:db8::1]:5. IPv6 sockets are V6ONLY.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <peer_relay/inet_csum.h>
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

#define UDPIO_MAX_DGRAM 65536
#define UDPIO_MAX_PAYLOADS 64

struct udpio_opts {
	const char *cmd;
	struct sockaddr_storage from, to, bind;
	bool have_from, have_to, have_bind;
	struct payloads {
		unsigned char *p[UDPIO_MAX_PAYLOADS];
		size_t len[UDPIO_MAX_PAYLOADS];
		int n;
	} pl;
	uint32_t count;
	bool count_set;
	uint32_t timeout_ms;
	uint32_t listen_ms;
	uint32_t interval_us;
	const char *ready;
	bool bad_csum;
};
#define PRL_OPTS	struct udpio_opts	/* of the option table */

static const char usage[] =
	"Usage: udpio send --from ADDR:PORT --to ADDR:PORT --hex HEX [--hex HEX...]\n"
	"                  [--count N] [--interval-us US] [--listen MS] [--bad-csum]\n"
	"       udpio recv --bind ADDR:PORT [--timeout MS] [--count N] [--ready FILE]\n"
	"       udpio echo --bind ADDR:PORT [--timeout MS] [--count N] [--ready FILE]\n"
	"\n"
	"send: send the hex payloads (at most 64) in turn, N times over (default\n"
	"      1), from --from to --to (an empty --hex \"\" is a zero-length\n"
	"      datagram); --listen MS prints datagrams received on that socket for\n"
	"      MS after; --bad-csum sends them from a raw socket with a wrong UDP\n"
	"      checksum.\n"
	"recv: print \"<src ip:port> <hex>\" per datagram; exit 1 if fewer than\n"
	"      --count (default 1) arrived within --timeout (default 2000 ms);\n"
	"      --count 0 prints everything until the timeout.\n"
	"echo: send every datagram back to its source (stops like recv).\n"
	"--ready FILE is created once the socket is bound.\n"
	"ADDR:PORT is 1.2.3.4:5 or [2001:db8::1]:5. N: 0..4294967295, MS:\n"
	"0..86400000, US: 0..10000000.\n";

/* Addresses and hex go through the library's parsers (tools/lib/addr.h). */
static void format_addr(const struct sockaddr_storage *ss, char *buf,
			size_t len)
{
	struct prl_endpoint ep;

	prl_endpoint_from_sockaddr((const struct sockaddr *)ss, sizeof(*ss),
				   &ep);
	prl_endpoint_fmt(&ep, buf, len);
}

/* Accepts hex digits with optional spaces, ':' or '-' between bytes. */
static int parse_hex(const char *s, unsigned char **out, size_t *out_len)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	unsigned char *buf = malloc(cap);
	char *digits = malloc(strlen(s) + 1);
	long len;

	if (!buf || !digits)
		goto bad;
	for (; *s; s++)
		if (*s != ' ' && *s != ':' && *s != '-')
			digits[n++] = *s;
	digits[n] = '\0';
	len = prl_hex_parse_any(digits, buf, cap);
	if (len < 0)
		goto bad;
	free(digits);
	*out = buf;
	*out_len = (size_t)len;
	return 0;
bad:
	free(digits);
	free(buf);
	return -1;
}

static void print_dgram(const struct sockaddr_storage *src,
			const unsigned char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8];
	size_t i;

	format_addr(src, a, sizeof(a));
	printf("%s ", a);
	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\n");
	fflush(stdout);
}

static int open_bound(const struct sockaddr_storage *ss)
{
	int one = 1;
	int fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char a[INET6_ADDRSTRLEN + 8];

	if (fd < 0) {
		perror("udpio: socket");
		return -1;
	}
	if (ss->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) {
		perror("udpio: IPV6_V6ONLY");
		close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)ss,
		 prl_sockaddr_len(ss->ss_family))) {
		format_addr(ss, a, sizeof(a));
		fprintf(stderr, "udpio: bind %s: %s\n", a, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Receive until @count datagrams arrived (count > 0) or @timeout_ms passed.
 * Prints each datagram; echoes it back when @echo. Returns the number seen.
 */
static long receive_loop(int fd, long count, long timeout_ms, bool echo)
{
	static unsigned char buf[UDPIO_MAX_DGRAM];
	long deadline = now_ms() + timeout_ms, seen = 0;

	while (count == 0 || seen < count) {
		struct sockaddr_storage src;
		socklen_t slen = sizeof(src);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("udpio: poll");
			break;
		}
		if (r == 0)
			break;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&src, &slen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			/* ICMP errors surface here; report and go on. */
			fprintf(stderr, "udpio: recvfrom: %s\n", strerror(errno));
			continue;
		}
		seen++;
		print_dgram(&src, buf, (size_t)n);
		if (echo && sendto(fd, buf, (size_t)n, 0,
				   (struct sockaddr *)&src, slen) < 0)
			fprintf(stderr, "udpio: echo sendto: %s\n",
				strerror(errno));
	}
	return seen;
}

static int make_ready(const char *path)
{
	int fd;

	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "udpio: %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * A UDP header plus @payload in @dg, with the checksum over the
 * pseudo-header of @from -> @to made wrong: the valid one with the low
 * byte flipped (never 0, which IPv4 reads as "no checksum").
 */
static size_t bad_csum_dgram(unsigned char *dg, const struct sockaddr_storage *from,
			     const struct sockaddr_storage *to,
			     const unsigned char *payload, size_t len)
{
	const struct sockaddr_in *f4 = (const void *)from, *t4 = (const void *)to;
	const struct sockaddr_in6 *f6 = (const void *)from, *t6 = (const void *)to;
	uint16_t ulen = (uint16_t)(8 + len), good;
	uint32_t sum = IPPROTO_UDP + ulen;

	memcpy(dg, &f4->sin_port, 2);	/* same offset in sockaddr_in6 */
	memcpy(dg + 2, &t4->sin_port, 2);
	dg[4] = ulen >> 8;
	dg[5] = ulen & 0xff;
	dg[6] = dg[7] = 0;
	memcpy(dg + 8, payload, len);
	if (from->ss_family == AF_INET) {
		sum = prelay_csum_add(sum, &f4->sin_addr, 4);
		sum = prelay_csum_add(sum, &t4->sin_addr, 4);
	} else {
		sum = prelay_csum_add(sum, &f6->sin6_addr, 16);
		sum = prelay_csum_add(sum, &t6->sin6_addr, 16);
	}
	good = prelay_csum_fold(prelay_csum_add(sum, dg, (uint32_t)(8 + len)));
	if (!good)
		good = 0xffff;
	good ^= 0x00ff;
	dg[6] = good >> 8;
	dg[7] = good & 0xff;
	return 8 + len;
}

/* --bad-csum: the datagrams from a raw socket bound to --from's address. */
static int send_bad_csum(const struct udpio_opts *o)
{
	static unsigned char dg[UDPIO_MAX_DGRAM];
	struct sockaddr_storage to = o->to;
	long i;
	int fd, p;

	fd = socket(o->from.ss_family, SOCK_RAW, IPPROTO_UDP);
	if (fd < 0 || bind(fd, (const struct sockaddr *)&o->from,
			   prl_sockaddr_len(o->from.ss_family))) {
		fprintf(stderr, "udpio: raw socket: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	/* A raw socket's "port" is the protocol: the kernel wants 0 or it. */
	((struct sockaddr_in *)&to)->sin_port = 0;
	for (i = 0; i < (o->count_set ? o->count : 1); i++) {
		for (p = 0; p < o->pl.n; p++) {
			size_t n;

			if (o->pl.len[p] > sizeof(dg) - 8) {
				fprintf(stderr, "udpio: payload %d too long\n", p + 1);
				close(fd);
				return 2;
			}
			n = bad_csum_dgram(dg, &o->from, &o->to, o->pl.p[p],
					   o->pl.len[p]);
			if (sendto(fd, dg, n, 0, (const struct sockaddr *)&to,
				   prl_sockaddr_len(to.ss_family)) < 0) {
				fprintf(stderr, "udpio: sendto: %s\n", strerror(errno));
				close(fd);
				return 1;
			}
		}
	}
	close(fd);
	return 0;
}

static int do_send(const struct udpio_opts *o)
{
	int fd, p;
	long i;

	if (!o->have_from || !o->have_to || !o->pl.n) {
		fprintf(stderr, "udpio: send needs --from, --to and --hex\n");
		return 2;
	}
	if (o->from.ss_family != o->to.ss_family) {
		fprintf(stderr, "udpio: --from and --to differ in family\n");
		return 2;
	}
	if (o->bad_csum)
		return send_bad_csum(o);
	fd = open_bound(&o->from);
	if (fd < 0)
		return 1;
	for (i = 0; i < (o->count_set ? o->count : 1); i++) {
		for (p = 0; p < o->pl.n; p++) {
			if (sendto(fd, o->pl.p[p], o->pl.len[p], 0,
				   (const struct sockaddr *)&o->to,
				   prl_sockaddr_len(o->to.ss_family)) < 0) {
				fprintf(stderr, "udpio: sendto (round %ld, payload %d): %s\n",
					i + 1, p + 1, strerror(errno));
				close(fd);
				return 1;
			}
			if (o->interval_us > 0)
				usleep((useconds_t)o->interval_us);
		}
	}
	if (o->listen_ms > 0)
		receive_loop(fd, 0, o->listen_ms, false);
	close(fd);
	return 0;
}

static int do_recv(const struct udpio_opts *o, bool echo)
{
	long want = o->count_set ? o->count : 1, seen;
	int fd;

	if (!o->have_bind) {
		fprintf(stderr, "udpio: %s needs --bind\n", o->cmd);
		return 2;
	}
	fd = open_bound(&o->bind);
	if (fd < 0)
		return 1;
	if (make_ready(o->ready)) {
		close(fd);
		return 1;
	}
	seen = receive_loop(fd, want, o->timeout_ms, echo);
	close(fd);
	if (want > 0 && seen < want) {
		fprintf(stderr, "udpio: %s: %ld of %ld datagrams within %u ms\n",
			o->cmd, seen, want, o->timeout_ms);
		return 1;
	}
	return 0;
}

/* PRL_OPT_PARSE: one more payload, in hex, into a struct payloads. */
static int opt_hex(struct prl_cli *cli, const char *what, const char *arg,
		   void *field)
{
	struct payloads *pl = field;

	if (pl->n == UDPIO_MAX_PAYLOADS)
		return prl_cli_usage_error(cli, "at most %d --hex", UDPIO_MAX_PAYLOADS);
	if (parse_hex(arg, &pl->p[pl->n], &pl->len[pl->n]))
		return prl_cli_opt_check(cli, 1, what, arg, "hex digits");
	pl->n++;
	return 0;
}

static const struct prl_cli_opt udpio_opts_table[] = {
	PRL_ROW("from", PRL_OPT_LOCAL, from, .seen = PRL_SEEN(have_from),
		.what = "--from address"),
	PRL_ROW("to", PRL_OPT_LOCAL, to, .seen = PRL_SEEN(have_to),
		.what = "--to address"),
	PRL_ROW("bind", PRL_OPT_LOCAL, bind, .seen = PRL_SEEN(have_bind),
		.what = "bind address"),
	PRL_ROW("hex", PRL_OPT_PARSE, pl, .what = "hex payload",
		.parse = opt_hex),
	PRL_ROW("count", PRL_OPT_U32, count, .seen = PRL_SEEN(count_set),
		.what = "count", .min = 0, .max = UINT32_MAX),
	PRL_NUM("timeout", U32, timeout_ms, "timeout", 0, 86400000),
	PRL_NUM("listen", U32, listen_ms, "listen time", 0, 86400000),
	PRL_NUM("interval-us", U32, interval_us, "interval", 0, 10000000),
	PRL_ROW("ready", PRL_OPT_STR, ready),
	PRL_ROW("bad-csum", PRL_OPT_FLAG, bad_csum),
	{ 0 },
};

static const char *const commands[] = { "send", "recv", "echo" };

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("udpio");
	struct prl_cli cli = { .prog = &prog };
	struct udpio_opts o = { .timeout_ms = 2000 };
	int ret;

	if (PRL_CLI_COMMAND(&cli, commands, usage, argc, argv, &ret) < 0)
		return ret;
	o.cmd = argv[1];
	ret = prl_cli_getopt_all(&cli, udpio_opts_table, &o, usage, argc - 1,
				 argv + 1);
	if (ret < 0) {
		if (!strcmp(o.cmd, "send"))
			ret = do_send(&o);
		else
			ret = do_recv(&o, !strcmp(o.cmd, "echo"));
	}
	while (o.pl.n > 0)
		free(o.pl.p[--o.pl.n]);
	return ret;
}
