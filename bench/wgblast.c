// SPDX-License-Identifier: GPL-2.0-only
/*
 * wgblast - UDP load in place of WireGuard, for bench/wgbridge.sh:
 *
 *   wgblast send --to PORT --size BYTES --count N [--pps RATE]
 *   wgblast sink --port PORT [--idle MS]
 *
 * send: N datagrams of BYTES (first byte 4, like WireGuard transport data)
 * to 127.0.0.1:PORT in sendmmsg() batches of 64, optionally paced to RATE
 * datagrams/s. sink: count what arrives on 127.0.0.1:PORT from the first
 * datagram until nothing came for --idle MS (default 1000), then print
 * "datagrams N bytes B seconds S pps P mbit M".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long arg(int argc, char **argv, const char *name, long def)
{
	int i;

	for (i = 2; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return strtol(argv[i + 1], NULL, 10);
	return def;
}

static int sock(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 16 << 20;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	if (port && bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("wgblast: bind");
		exit(1);
	}
	return fd;
}

static int do_send(uint16_t port, size_t size, long count, long pps)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	static uint8_t buf[65536];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	int fd = sock(0), i;
	long sent = 0;
	double t0 = now_s();

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(buf, 0x5a, sizeof(buf));
	buf[0] = 4;
	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ buf, size };
		m[i].msg_hdr = (struct msghdr){ .msg_name = &to,
			.msg_namelen = sizeof(to), .msg_iov = &iov[i],
			.msg_iovlen = 1 };
	}
	while (sent < count) {
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH;

		if (pps) {
			double due = t0 + (double)sent / (double)pps;

			while (now_s() < due)
				;
		}
		n = sendmmsg(fd, m, (unsigned int)n, 0);
		if (n > 0)
			sent += n;
	}
	printf("sent %ld datagrams in %.3f s\n", sent, now_s() - t0);
	return 0;
}

static int do_sink(uint16_t port, int idle_ms)
{
	static uint8_t bufs[BATCH][2048];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	struct pollfd p = { .fd = sock(port), .events = POLLIN };
	uint64_t n = 0, bytes = 0;
	double t0 = 0, t1 = 0;
	int i;

	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		m[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int r = poll(&p, 1, n ? idle_ms : 60000);

		if (r <= 0)
			break;
		r = recvmmsg(p.fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			continue;
		if (!n)
			t0 = now_s();
		for (i = 0; i < r; i++)
			bytes += m[i].msg_len;
		n += (uint64_t)r;
		t1 = now_s();
	}
	printf("datagrams %llu bytes %llu seconds %.3f pps %.0f mbit %.0f\n",
	       (unsigned long long)n, (unsigned long long)bytes, t1 - t0,
	       t1 > t0 ? (double)n / (t1 - t0) : 0.0,
	       t1 > t0 ? (double)bytes * 8 / (t1 - t0) / 1e6 : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "send"))
		return do_send((uint16_t)arg(argc, argv, "--to", 0),
			       (size_t)arg(argc, argv, "--size", 1400),
			       arg(argc, argv, "--count", 100000),
			       arg(argc, argv, "--pps", 0));
	if (argc > 1 && !strcmp(argv[1], "sink"))
		return do_sink((uint16_t)arg(argc, argv, "--port", 0),
			       (int)arg(argc, argv, "--idle", 1000));
	fprintf(stderr, "usage: wgblast send --to PORT --size BYTES --count N [--pps RATE]\n"
			"       wgblast sink --port PORT [--idle MS]\n");
	return 2;
}
