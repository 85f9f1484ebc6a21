// SPDX-License-Identifier: GPL-2.0-only
/*
 * benchpkt: packet helpers of the benchmark (bench/bench.sh).
 *
 *   benchpkt frame --smac MAC --dmac MAC --src IP:PORT --dst IP:PORT
 *                  --vni N --size BYTES [--count K] [--vni-step S]
 *       print a trafgen(8) configuration of K Ethernet/IPv4/UDP frames
 *       carrying a Geneve data header (WireGuard protocol type) and
 *       BYTES of UDP payload in total (header included); frame i uses
 *       source port PORT+i and VNI N+i*S (K sessions, one flow each).
 *   benchpkt send (frame options) --dev IFNAME --rate PPS --total N
 *                 [--csum-offload]
 *       send N of those frames from IFNAME (AF_PACKET, qdisc bypassed),
 *       paced to PPS: trafgen's own pacing (-b) sends one frame per
 *       syscall and sleeps in between, which under TCG caps it far
 *       below the forwarders' capacity. --csum-offload sends each frame
 *       with a virtio_net_hdr (PACKET_VNET_HDR) asking for the UDP
 *       checksum to be completed by the device (NEEDS_CSUM, the checksum
 *       field holds the pseudo-header sum): the skb is CHECKSUM_PARTIAL,
 *       veth passes it on as such, and the receiving UDP stack takes it
 *       as verified (skb_csum_unnecessary()), as it would a datagram
 *       from a NIC with receive checksum offload. Without it the frames
 *       carry a full checksum that the receiver verifies in software.
 *   benchpkt gsosend --bind IP:PORT --to IP:PORT --vni N --size BYTES
 *                    --count K
 *       one sendmsg() with UDP_SEGMENT: K Geneve data datagrams of BYTES
 *       that travel as one GSO super-datagram over veth.
 *   benchpkt sink --bind IP:PORT [--idle-ms MS] [--timeout-ms MS]
 *       count datagrams until MS of silence after the first one; print
 *       {"packets":N,"bytes":N,"seconds":S,"pps":R} (S: first to last).
 *   benchpkt echo --bind IP:PORT
 *       send every datagram back to where it came from, until killed.
 *   benchpkt rtt --bind IP:PORT --to IP:PORT --vni N --size BYTES
 *                [--count K] [--interval-us U]
 *       ping-pong through the relay (echo on the other side); print RTT
 *       percentiles in microseconds as JSON.
 *
 * IPv4 only: the benchmark topology is IPv4. Exit 0 ok, 1 error, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <endian.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <peer_relay/inet_csum.h>
#include <sched.h>
#include <sys/socket.h>

#include "addr.h"
#include "benchcli.h"

#define MAX_PAYLOAD 1472

static const char usage[] =
	"usage: benchpkt frame --smac MAC --dmac MAC --src IP:PORT --dst IP:PORT\n"
	"                      --vni N --size BYTES [--count K] [--vni-step S]\n"
	"       benchpkt send (frame options) --dev IFNAME --rate PPS --total N\n"
	"                     [--csum-offload]\n"
	"       benchpkt gsosend --bind IP:PORT --to IP:PORT --vni N --size BYTES --count K\n"
	"       benchpkt sink --bind IP:PORT [--idle-ms MS] [--timeout-ms MS]\n"
	"       benchpkt echo --bind IP:PORT\n"
	"       benchpkt rtt --bind IP:PORT --to IP:PORT --vni N --size BYTES\n"
	"                    [--count K] [--interval-us U]\n"
	"N and S: 0..16777215 (default 1), BYTES: 8..1472 (default 64), K:\n"
	"1..1000000 (default 1), PPS: a number > 0, --total: 1..4294967295,\n"
	"--idle-ms: 1..3600000 (default 500), --timeout-ms: 1..86400000\n"
	"(default 30000), --interval-us: 0..10000000 (default 1000).\n";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* PRL_OPT_PARSE: xx:xx:xx:xx:xx:xx into uint8_t[6]. */
static int opt_mac(struct prl_cli *cli, const char *what, const char *arg,
		   void *field)
{
	unsigned int b[6];
	uint8_t *mac = field;
	int i, end = -1;

	bool ok = sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
			 &b[3], &b[4], &b[5], &end) == 6 && end > 0 && !arg[end];

	for (i = 0; ok && i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return prl_cli_opt_check(cli, !ok, what, arg, "xx:xx:xx:xx:xx:xx");
}

/* PRL_OPT_PARSE: IPv4 ADDR:PORT into a struct sockaddr_in. */
static int opt_v4(struct prl_cli *cli, const char *what, const char *arg,
		  void *field)
{
	struct sockaddr_in *sin = field;
	struct prl_endpoint ep;
	bool ok = !prl_endpoint_parse(arg, &ep) && ep.addr.family == AF_INET;

	if (ok) {
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr = ep.addr.u.v4;
		sin->sin_port = htons(ep.port);
	}
	return prl_cli_opt_check(cli, !ok, what, arg, "IPv4 ADDR:PORT");
}

/* PRL_OPT_PARSE: a rate in packets per second (> 0) into a double. */
static int opt_rate(struct prl_cli *cli, const char *what, const char *arg,
		    void *field)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !(v > 0) || v > 1e9)
		return prl_cli_opt_check(cli, 1, what, arg,
					 "packets per second, above 0");
	*(double *)field = v;
	return 0;
}

/* Geneve data header (O=0, WireGuard type) + filler, @size bytes. */
static void payload(uint8_t *p, size_t size, uint32_t vni)
{
	memset(p, 0x41, size);
	p[0] = 0;
	p[1] = 0;
	p[2] = 0x7a;
	p[3] = 0x12;
	p[4] = vni >> 16;
	p[5] = vni >> 8;
	p[6] = vni;
	p[7] = 0;
}

#define HDRS (14 + 20 + 8)
#define MAX_FRAME (HDRS + MAX_PAYLOAD)

struct frame_spec {
	uint8_t smac[6], dmac[6];
	struct sockaddr_in src, dst;
	uint32_t vni, step;
	uint32_t size;
	bool csum_partial;	/* UDP checksum left to the device (see send) */
};

/*
 * Frame @k of @fs (source port + k, VNI + k * step) into @f. With
 * csum_partial the UDP checksum field holds the (uncomplemented) sum of
 * the pseudo-header only, as the stack leaves it for a device that
 * completes the checksum (CHECKSUM_PARTIAL).
 */
static void build_frame(const struct frame_spec *fs, unsigned int k, uint8_t *f)
{
	const struct sockaddr_in *src = &fs->src, *dst = &fs->dst;
	size_t size = fs->size;

	{
		uint8_t *ip = f + 14, *udp = ip + 20;
		uint16_t sport = ntohs(src->sin_port) + k, c;
		uint32_t sum;

		memcpy(f, fs->dmac, 6);
		memcpy(f + 6, fs->smac, 6);
		f[12] = 0x08;
		f[13] = 0x00;
		memset(ip, 0, 20);
		ip[0] = 0x45;
		ip[2] = (20 + 8 + size) >> 8;
		ip[3] = (uint8_t)(20 + 8 + size);
		ip[6] = 0x40;	/* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		memcpy(ip + 12, &src->sin_addr, 4);
		memcpy(ip + 16, &dst->sin_addr, 4);
		c = prelay_csum_fold(prelay_csum_add(0, ip, 20));
		ip[10] = c >> 8;
		ip[11] = (uint8_t)c;
		udp[0] = sport >> 8;
		udp[1] = (uint8_t)sport;
		memcpy(udp + 2, &dst->sin_port, 2);
		udp[4] = (8 + size) >> 8;
		udp[5] = (uint8_t)(8 + size);
		udp[6] = udp[7] = 0;
		payload(udp + 8, size, fs->vni + k * fs->step);
		sum = prelay_csum_add(0, ip + 12, 8);
		sum += IPPROTO_UDP + 8 + size;
		if (fs->csum_partial) {
			c = (uint16_t)~prelay_csum_fold(sum);
		} else {
			sum = prelay_csum_add(sum, udp, 8 + size);
			c = prelay_csum_fold(sum);
			if (!c)
				c = 0xffff;
		}
		udp[6] = c >> 8;
		udp[7] = (uint8_t)c;
	}
}

static int cmd_frame(const struct frame_spec *fs, unsigned int count)
{
	uint8_t f[MAX_FRAME];
	unsigned int k;
	size_t i, size = fs->size, hdr = HDRS;

	if (size < 8 || size > MAX_PAYLOAD)
		return -1;
	for (k = 0; k < count; k++) {
		build_frame(fs, k, f);
		/* Headers and the Geneve header as bytes, the filler as fill(). */
		printf("{ ");
		for (i = 0; i < hdr + 8; i++)
			printf("0x%02x, ", f[i]);
		if (size > 8)
			printf("fill(0x41, %zu) ", size - 8);
		printf("}\n");
	}
	return 0;
}

/*
 * Send @total frames (the @count flows round robin) on @dev through an
 * AF_PACKET socket that bypasses the qdisc, in batches of 32 sendmmsg(),
 * paced to @rate pps: sleep until the next batch is due. With
 * fs->csum_partial every frame is preceded by a virtio_net_hdr with
 * VIRTIO_NET_HDR_F_NEEDS_CSUM: af_packet turns that into CHECKSUM_PARTIAL
 * (virtio_net_hdr_to_skb()); DATA_VALID would be ignored on this path.
 */
static int cmd_send(const struct frame_spec *fs, unsigned int count,
		    const char *dev, double rate, unsigned long total)
{
	enum { BATCH = 32 };
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH][2];
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	/* Little endian: af_packet reads it as a legacy virtio header. */
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_NONE,
		.hdr_len = htole16(HDRS),
		.csum_start = htole16(14 + 20),
		.csum_offset = htole16(6),
	};
	unsigned long sent = 0;
	unsigned int k, next = 0;
	uint8_t *frames;
	double t0, dt;
	int fd, one = 1;

	if (fs->size < 8 || fs->size > MAX_PAYLOAD || !count || rate <= 0)
		return -1;
	frames = malloc((size_t)count * MAX_FRAME);
	if (!frames)
		return -1;
	for (k = 0; k < count; k++)
		build_frame(fs, k, frames + (size_t)k * MAX_FRAME);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return -1;
	ll.sll_ifindex = (int)if_nametoindex(dev);
	if (!ll.sll_ifindex || bind(fd, (struct sockaddr *)&ll, sizeof(ll)))
		return -1;
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (fs->csum_partial &&
	    setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)))
		return -1;
	t0 = now_s();
	while (sent < total) {
		unsigned long due = (unsigned long)((now_s() - t0) * rate) + 1;
		unsigned int n, i;
		int r;

		if (due > total)
			due = total;
		if (due < sent + BATCH && sent + BATCH <= total) {
			/* Sleep until a whole batch is due: the CPU's busy time
			 * then shows what sending costs, not a spin loop. */
			double wait = t0 + (sent + BATCH) / rate - now_s();

			if (wait > 0.0001)
				usleep((useconds_t)(wait * 1e6));
			else
				sched_yield();
			continue;
		}
		if (due <= sent) {
			sched_yield();
			continue;
		}
		n = due - sent > BATCH ? BATCH : (unsigned int)(due - sent);
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < n; i++) {
			struct iovec *v = iov[i];

			if (fs->csum_partial) {
				v->iov_base = &vh;
				v->iov_len = sizeof(vh);
				v++;
			}
			v->iov_base = frames + (size_t)next * MAX_FRAME;
			v->iov_len = HDRS + fs->size;
			msg[i].msg_hdr.msg_iov = iov[i];
			msg[i].msg_hdr.msg_iovlen = fs->csum_partial ? 2 : 1;
			next = next + 1 == count ? 0 : next + 1;
		}
		r = sendmmsg(fd, msg, n, 0);
		if (r > 0)
			sent += r;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			return -1;
	}
	dt = now_s() - t0;
	printf("{\"sent\":%lu,\"seconds\":%.6f,\"pps\":%.0f}\n", sent, dt,
	       sent / dt);
	close(fd);
	free(frames);
	return 0;
}

static int udp_socket(const struct sockaddr_in *bind_to, int rcvbuf)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (const struct sockaddr *)bind_to, sizeof(*bind_to))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int cmd_sink(const struct sockaddr_in *b, int idle_ms, int timeout_ms)
{
	enum { BATCH = 64 };
	static uint8_t buf[BATCH][2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint64_t packets = 0, bytes = 0;
	double first = 0, last = 0, start = now_s();
	int fd, i, n;

	fd = udp_socket(b, 16 << 20);
	if (fd < 0)
		return -1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait = packets ? idle_ms :
			   timeout_ms - (int)((now_s() - start) * 1000);

		if (wait <= 0 || poll(&p, 1, wait) <= 0)
			break;
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		last = now_s();
		if (!packets)
			first = last;
		packets += n;
		for (i = 0; i < n; i++)
			bytes += msg[i].msg_len;
	}
	printf("{\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"pps\":%.0f}\n",
	       (unsigned long long)packets, (unsigned long long)bytes,
	       last - first, last > first ? packets / (last - first) : 0.0);
	close(fd);
	return 0;
}

static int cmd_echo(const struct sockaddr_in *b)
{
	uint8_t buf[2048];
	int fd = udp_socket(b, 0);

	if (fd < 0)
		return -1;
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n > 0)
			sendto(fd, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}

static int cmd_gsosend(const struct sockaddr_in *b, const struct sockaddr_in *to,
		       uint32_t vni, size_t size, unsigned int count)
{
	char ctl[CMSG_SPACE(sizeof(uint16_t))] = { 0 };
	struct msghdr mh = { 0 };
	struct iovec iov;
	struct cmsghdr *cm;
	uint8_t *buf;
	unsigned int i;
	int fd;

	if (size < 8 || size > MAX_PAYLOAD || !count || count > 64 ||
	    size * count > 65000)
		return -1;
	buf = malloc(size * count);
	if (!buf)
		return -1;
	for (i = 0; i < count; i++)
		payload(buf + i * size, size, vni);
	fd = udp_socket(b, 0);
	if (fd < 0)
		return -1;
	iov.iov_base = buf;
	iov.iov_len = size * count;
	mh.msg_name = (void *)to;
	mh.msg_namelen = sizeof(*to);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_UDP;
	cm->cmsg_type = 103;	/* UDP_SEGMENT */
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	*(uint16_t *)CMSG_DATA(cm) = (uint16_t)size;
	if (sendmsg(fd, &mh, 0) < 0)
		return -1;
	close(fd);
	free(buf);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_rtt(const struct sockaddr_in *b, const struct sockaddr_in *to,
		   uint32_t vni, size_t size, unsigned int count,
		   unsigned int interval_us)
{
	uint8_t out[MAX_PAYLOAD], in[2048];
	double *rtt = calloc(count, sizeof(double));
	unsigned int i, got = 0, lost = 0;
	int fd;

	if (!rtt || size < 12 || size > MAX_PAYLOAD)
		return -1;
	fd = udp_socket(b, 0);
	if (fd < 0)
		return -1;
	payload(out, size, vni);
	for (i = 0; i < count; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double t0 = now_s(), left;

		memcpy(out + 8, &i, sizeof(i));
		if (sendto(fd, out, size, 0, (const struct sockaddr *)to,
			   sizeof(*to)) < 0)
			return -1;
		for (;;) {
			ssize_t n;

			left = 0.2 - (now_s() - t0);
			if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0) {
				lost++;
				break;
			}
			n = recv(fd, in, sizeof(in), 0);
			if (n == (ssize_t)size && !memcmp(in + 8, &i, sizeof(i))) {
				rtt[got++] = (now_s() - t0) * 1e6;
				break;
			}
		}
		if (interval_us)
			usleep(interval_us);
	}
	qsort(rtt, got, sizeof(double), cmp_double);
#define PCT(p) (got ? rtt[(size_t)((got - 1) * (p))] : 0.0)
	printf("{\"samples\":%u,\"lost\":%u,\"p50_us\":%.1f,\"p90_us\":%.1f,"
	       "\"p99_us\":%.1f,\"max_us\":%.1f}\n", got, lost, PCT(0.5),
	       PCT(0.9), PCT(0.99), got ? rtt[got - 1] : 0.0);
	free(rtt);
	close(fd);
	return 0;
}

struct bp_opts {
	struct frame_spec fs;
	struct sockaddr_in bnd;
	const char *dev;
	double rate;
	uint32_t total, count, interval_us;
	int idle_ms, timeout_ms;
	bool have_bind, have_dst;
};
#define PRL_OPTS	struct bp_opts	/* of the option table */

static const struct prl_cli_opt bp_opts_table[] = {
	PRL_ROW("smac", PRL_OPT_PARSE, fs.smac, .what = "source MAC",
		.parse = opt_mac),
	PRL_ROW("dmac", PRL_OPT_PARSE, fs.dmac, .what = "destination MAC",
		.parse = opt_mac),
	PRL_ROW("src", PRL_OPT_PARSE, fs.src, .what = "source",
		.parse = opt_v4),
	PRL_ROW("dst", PRL_OPT_PARSE, fs.dst, .what = "destination",
		.parse = opt_v4, .seen = PRL_SEEN(have_dst)),
	PRL_ROW("to", PRL_OPT_PARSE, fs.dst, .what = "destination",
		.parse = opt_v4, .seen = PRL_SEEN(have_dst)),
	PRL_ROW("bind", PRL_OPT_PARSE, bnd, .what = "bind address",
		.parse = opt_v4, .seen = PRL_SEEN(have_bind)),
	PRL_NUM("vni", U32, fs.vni, "VNI", 0, 0xffffff),
	PRL_NUM("vni-step", U32, fs.step, "VNI step", 0, 0xffffff),
	PRL_NUM("size", U32, fs.size, "payload size", 8, MAX_PAYLOAD),
	PRL_NUM("count", U32, count, "count", 1, 1000000),
	PRL_NUM("idle-ms", INT, idle_ms, "idle time", 1, 3600000),
	PRL_NUM("timeout-ms", INT, timeout_ms, "timeout", 1, 86400000),
	PRL_NUM("interval-us", U32, interval_us, "interval", 0, 10000000),
	PRL_ROW("dev", PRL_OPT_STR, dev),
	PRL_ROW("rate", PRL_OPT_PARSE, rate, .what = "rate", .parse = opt_rate),
	PRL_NUM("total", U32, total, "total", 1, UINT32_MAX),
	PRL_ROW("csum-offload", PRL_OPT_FLAG, fs.csum_partial),
	{ 0 },
};

static const char *const commands[] = {
	"frame", "send", "gsosend", "sink", "echo", "rtt",
};
enum { CMD_FRAME, CMD_SEND, CMD_GSOSEND, CMD_SINK, CMD_ECHO, CMD_RTT };

/* What a command needs beyond the defaults; a usage error or 0. */
static int check_opts(struct prl_cli *cli, int cmd, const struct bp_opts *o)
{
	if (o->fs.csum_partial && cmd != CMD_SEND)
		/* Only a device completes such a checksum: send only. */
		return prl_cli_usage_error(cli, "--csum-offload is for send only");
	if (cmd == CMD_SEND && (!o->dev || !o->rate || !o->total))
		return prl_cli_usage_error(cli, "--dev, --rate and --total are required");
	if (cmd >= CMD_GSOSEND && !o->have_bind)
		return prl_cli_usage_error(cli, "--bind is required");
	if ((cmd == CMD_GSOSEND || cmd == CMD_RTT) && !o->have_dst)
		return prl_cli_usage_error(cli, "--to is required");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("benchpkt");
	struct prl_cli cli = { .prog = &prog };
	struct bp_opts o = {
		.fs = { .step = 1, .vni = 1, .size = 64 },
		.count = 1, .idle_ms = 500, .timeout_ms = 30000,
		.interval_us = 1000,
	};
	int cmd, err;

	cmd = PRL_CLI_COMMAND(&cli, commands, usage, argc, argv, &err);
	if (cmd < 0)
		return err;
	err = prl_cli_getopt_all(&cli, bp_opts_table, &o, usage, argc - 1, argv + 1);
	if (err >= 0)
		return err;
	err = check_opts(&cli, cmd, &o);
	if (err)
		return err;
	switch (cmd) {
	case CMD_FRAME:
		err = cmd_frame(&o.fs, o.count);
		break;
	case CMD_SEND:
		err = cmd_send(&o.fs, o.count, o.dev, o.rate, o.total);
		break;
	case CMD_GSOSEND:
		err = cmd_gsosend(&o.bnd, &o.fs.dst, o.fs.vni, o.fs.size,
				  o.count);
		break;
	case CMD_SINK:
		err = cmd_sink(&o.bnd, o.idle_ms, o.timeout_ms);
		break;
	case CMD_ECHO:
		err = cmd_echo(&o.bnd);
		break;
	default:
		err = cmd_rtt(&o.bnd, &o.fs.dst, o.fs.vni, o.fs.size, o.count,
			      o.interval_us);
		break;
	}
	if (err) {
		fprintf(stderr, "benchpkt %s: %s\n", argv[1],
			errno ? strerror(errno) : "invalid arguments");
		return 1;
	}
	return 0;
}
