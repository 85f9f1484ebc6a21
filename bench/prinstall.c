// SPDX-License-Identifier: GPL-2.0-only
/*
 * prinstall: install many kernel sessions over netlink as fast as the
 * kernel accepts them, and say how fast that was.
 *
 *   prinstall --count K --vni N --a ADDR:PORT --b ADDR:PORT
 *             [--batch B] [--fixed-b] [--a-port-div D] [--no-bind]
 *             [--separate-binds] [--reply]
 *
 * Session i gets VNI N+i, keys derived from i, endpoint 0 bound to the
 * --a address with port + i/D (D: 1) and endpoint 1 to the --b address
 * with port+i (--fixed-b: the --b port for every session). Each session is
 * one SESSION_NEW carrying both bindings (EP0, EP1); --separate-binds sends
 * SESSION_NEW + 2x SESSION_BIND instead (the three-request way). Requests
 * go B sessions per sendmsg(); only the last of a batch asks for an ACK,
 * errors are always reported. SESSION_NEW carries NO_REPLY, as a bulk
 * installer that names its VNIs would send it; --reply asks for the
 * session echoed in a reply, as relayd's allocations do.
 * Prints {"sessions":K,"messages":M,"seconds":S,"sessions_per_s":R,
 * "errors":E,"replies":P} and exits 1 if any request failed or if the
 * replies (messages other than ACKs and errors) are not one per session
 * with --reply, none without.
 *
 *   prinstall --attach ADDR:PORT [--gro]
 *
 *   prinstall --bind-latency N --vni V --a ADDR:PORT [--interval-ms I]
 *
 * Rebind endpoint 0 of session V (alternately to port and port+1 of the
 * --a address) N times, one request at a time, I ms apart (default 10),
 * and print the latency of each request/ACK round trip:
 * {"binds":N,"p50_us":..,"p99_us":..,"max_us":..,"errors":E}. Run with a
 * large table installed, it shows how long a bind waits for the lock.
 *
 * Bind a UDP socket, hand it to the kernel (SOCK_ATTACH), print "ready"
 * and keep it open until SIGINT/SIGTERM: the relay's socket without
 * relayd, whose event handling would otherwise share the CPU with the
 * installs being measured. --gro sets UDP_GRO on it first, so that the
 * stack hands the relay GRO/GSO super-datagrams (the GRO check).
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "addr.h"
#include "benchcli.h"
#include "nl.h"

#define BUFSZ (4 << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char usage[] =
	"usage: prinstall --count K --vni N --a ADDR:PORT --b ADDR:PORT\n"
	"                 [--batch B] [--fixed-b] [--a-port-div D] [--no-bind]\n"
	"                 [--separate-binds] [--reply]\n"
	"       prinstall --bind-latency N --vni V --a ADDR:PORT [--interval-ms I]\n"
	"       prinstall --attach ADDR:PORT [--gro]\n"
	"K: 1..16777215, N and V: 1..16777215 (default 1), B: 1..4096\n"
	"(default 128), D: 1..16777215 (default 1), --bind-latency:\n"
	"1..1000000 binds, I: 0..60000 ms (default 10).\n";

/* Append @msg (consumed) to @buf at *@off with sequence @seq. */
static int append(uint8_t *buf, size_t *off, struct nl_msg *msg, uint32_t seq,
		  bool ack)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (*off + len > BUFSZ) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
	memcpy(buf + *off, nlh, nlh->nlmsg_len);
	*off += len;
	nlmsg_free(msg);
	return 0;
}

/*
 * SESSION_NEW requests are written straight into the batch buffer, as
 * plain netlink TLVs: a libnl message per request (two heap blocks, a
 * library call per attribute, a copy into the batch) cost more than the
 * kernel's own work of installing the session. A write past the end of
 * the buffer sets ->full and is dropped.
 */
struct wbuf {
	uint8_t *p;
	size_t off;
	bool full;
};

/* Room for an attribute of @len payload bytes; NULL (and ->full) if none. */
static struct nlattr *w_attr(struct wbuf *w, uint16_t type, size_t len)
{
	struct nlattr *a = (struct nlattr *)(w->p + w->off);
	size_t tot = NLA_ALIGN(NLA_HDRLEN + len);

	if (w->full || w->off + tot > BUFSZ) {
		w->full = true;
		return NULL;
	}
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memset((uint8_t *)a + NLA_HDRLEN + len, 0, tot - NLA_HDRLEN - len);
	w->off += tot;
	return a;
}

static void w_put(struct wbuf *w, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = w_attr(w, type, len);

	if (a)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
}

/* Close the nest opened at offset @at (w_nest()'s result). */
static void w_nest_end(struct wbuf *w, size_t at)
{
	if (!w->full)
		((struct nlattr *)(w->p + at))->nla_len = (uint16_t)(w->off - at);
}

static size_t w_nest(struct wbuf *w, uint16_t type)
{
	size_t at = w->off;

	w_attr(w, type | NLA_F_NESTED, 0);
	return at;
}

/* An EPx nest: the remote address and port (as prl_put_ep() encodes it). */
static void w_ep(struct wbuf *w, uint16_t type, const struct prl_endpoint *e)
{
	size_t nest = w_nest(w, type);
	bool v4 = e->addr.family == AF_INET;

	w_put(w, v4 ? PEER_RELAY_EP_A_REMOTE_IPV4 : PEER_RELAY_EP_A_REMOTE_IPV6,
	      e->addr.u.raw, prl_addr_len(&e->addr));
	w_put(w, PEER_RELAY_EP_A_REMOTE_PORT, &e->port, sizeof(e->port));
	w_nest_end(w, nest);
}

/*
 * Append the SESSION_NEW of session @i (keys derived from @i) with
 * sequence @seq, binding EP0/EP1 too when @e0/@e1 are set, answered by
 * the session only if @reply. -EMSGSIZE when the buffer is full.
 */
static int put_new(struct prl_nl *nl, struct wbuf *w, uint32_t i, uint32_t vni,
		   const struct prl_endpoint *e0, const struct prl_endpoint *e1,
		   bool reply, uint32_t seq, bool ack)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(w->p + w->off);
	struct genlmsghdr g = { .cmd = PEER_RELAY_CMD_SESSION_NEW,
				.version = PEER_RELAY_GENL_VERSION };
	uint8_t k[2][PEER_RELAY_KEY_LEN];
	size_t at = w->off, nest;

	if (at + NLMSG_HDRLEN + GENL_HDRLEN > BUFSZ)
		return -EMSGSIZE;
	*nlh = (struct nlmsghdr){ .nlmsg_type = (uint16_t)nl->family_id,
				  .nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0),
				  .nlmsg_seq = seq };
	memcpy(NLMSG_DATA(nlh), &g, sizeof(g));
	w->off += NLMSG_HDRLEN + GENL_HDRLEN;
	memset(k[0], 0xa0, sizeof(k[0]));
	memset(k[1], 0xb0, sizeof(k[1]));
	memcpy(k[0], &i, sizeof(i));
	memcpy(k[1], &i, sizeof(i));
	nest = w_nest(w, PEER_RELAY_A_SESSION);
	w_put(w, PEER_RELAY_SESSION_A_KEY0, k[0], sizeof(k[0]));
	w_put(w, PEER_RELAY_SESSION_A_KEY1, k[1], sizeof(k[1]));
	w_put(w, PEER_RELAY_SESSION_A_VNI, &vni, sizeof(vni));
	if (e0)
		w_ep(w, PEER_RELAY_SESSION_A_EP0, e0);
	if (e1)
		w_ep(w, PEER_RELAY_SESSION_A_EP1, e1);
	if (!reply)
		w_attr(w, PEER_RELAY_SESSION_A_NO_REPLY, 0);
	w_nest_end(w, nest);
	if (w->full)
		return -EMSGSIZE;
	nlh->nlmsg_len = (uint32_t)(w->off - at);
	return 0;
}

static struct nl_msg *bind_msg(struct prl_nl *nl, uint32_t vni, int ep,
			       const struct prl_endpoint *remote)
{
	struct nl_msg *msg = prl_nl_msg_new(nl, PEER_RELAY_CMD_SESSION_BIND, 0);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	nest = prl_nl_nest_start(msg, PEER_RELAY_A_SESSION);
	if (!nest || nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, vni) ||
	    prl_put_ep(msg, ep ? PEER_RELAY_SESSION_A_EP1 : PEER_RELAY_SESSION_A_EP0,
		      remote, NULL) ||
	    prl_nl_nest_end(msg, nest)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int attach_and_hold(struct prl_nl *nl, const struct prl_endpoint *ep,
			   bool gro)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct prl_sock_info info;
	int fd, one = 1, sig, err;
	sigset_t set;

	if (prl_endpoint_to_sockaddr(ep, &ss, &len))
		return -EINVAL;
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (gro && setsockopt(fd, IPPROTO_UDP, 104 /* UDP_GRO */, &one, sizeof(one)))
		return -errno;
	if (bind(fd, (struct sockaddr *)&ss, len))
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	err = prl_sock_attach(nl, fd, &info);
	if (err)
		return err;
	printf("ready %u\n", info.id);
	fflush(stdout);
	sigwait(&set, &sig);
	close(fd);
	return 0;
}

/* Read until the ACK of @last_seq; count errors and replies (if @replies). */
static int drain(int fd, uint8_t *rbuf, uint32_t last_seq, unsigned long *errors,
		 unsigned long *replies)
{
	for (;;) {
		ssize_t n = recv(fd, rbuf, BUFSZ, 0);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int)n;
		for (nlh = (void *)rbuf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR) {
				if (replies)
					(*replies)++;
				continue;
			}
			e = NLMSG_DATA(nlh);
			if (e->error) {
				if (!*errors)
					fprintf(stderr, "prinstall: seq %u: %s\n",
						nlh->nlmsg_seq, strerror(-e->error));
				(*errors)++;
			}
			if (nlh->nlmsg_seq == last_seq)
				return 0;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* --bind-latency: @n single binds of @vni's endpoint 0, @ivl_ms apart. */
static int bind_latency(struct prl_nl *nl, unsigned long n, uint32_t vni,
			const struct prl_endpoint *a, unsigned long ivl_ms,
			uint8_t *buf, uint8_t *rbuf)
{
	int fd = nl_socket_get_fd(nl->sk);
	unsigned long j, errors = 0;
	struct timespec ivl = { ivl_ms / 1000, (ivl_ms % 1000) * 1000000L };
	double *lat = calloc(n, sizeof(*lat));
	uint32_t seq = 1;

	if (!lat)
		return -ENOMEM;
	for (j = 0; j < n; j++) {
		struct prl_endpoint ep = *a;
		size_t off = 0;
		double t0;
		int err;

		ep.port = (uint16_t)(a->port + (j & 1));
		err = append(buf, &off, bind_msg(nl, vni, 0, &ep), seq, true);
		if (err)
			return err;
		t0 = now_s();
		if (send(fd, buf, off, 0) != (ssize_t)off)
			return -errno;
		err = drain(fd, rbuf, seq++, &errors, NULL);
		if (err)
			return err;
		lat[j] = (now_s() - t0) * 1e6;
		nanosleep(&ivl, NULL);
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("{\"binds\":%lu,\"p50_us\":%.0f,\"p99_us\":%.0f,\"max_us\":%.0f,"
	       "\"errors\":%lu}\n", n, lat[n / 2], lat[(n * 99) / 100], lat[n - 1],
	       errors);
	free(lat);
	return errors ? -EIO : 0;
}

struct pi_opts {
	uint32_t count, vni0, batch, div, nlat, ivl_ms;
	struct prl_endpoint a, b, attach;
	bool have_a, have_b, have_attach, gro, fixed_b, nobind, separate, reply;
};
#define PRL_OPTS	struct pi_opts	/* of the option table */

static const struct prl_cli_opt pi_opts_table[] = {
	PRL_NUM("count", U32, count, "session count", 1, 0xffffff),
	PRL_NUM("vni", U32, vni0, "VNI", 1, 0xffffff),
	PRL_ROW("a", PRL_OPT_PARSE, a, .seen = PRL_SEEN(have_a),
		.what = "--a endpoint", .parse = bench_opt_endpoint),
	PRL_ROW("b", PRL_OPT_PARSE, b, .seen = PRL_SEEN(have_b),
		.what = "--b endpoint", .parse = bench_opt_endpoint),
	PRL_NUM("batch", U32, batch, "batch", 1, 4096),
	PRL_ROW("fixed-b", PRL_OPT_FLAG, fixed_b),
	PRL_NUM("a-port-div", U32, div, "port divisor", 1, 0xffffff),
	PRL_ROW("no-bind", PRL_OPT_FLAG, nobind),
	PRL_ROW("separate-binds", PRL_OPT_FLAG, separate),
	PRL_ROW("reply", PRL_OPT_FLAG, reply),
	PRL_ROW("attach", PRL_OPT_PARSE, attach, .seen = PRL_SEEN(have_attach),
		.what = "socket address", .parse = bench_opt_endpoint),
	PRL_ROW("gro", PRL_OPT_FLAG, gro),
	PRL_NUM("bind-latency", U32, nlat, "bind count", 1, 1000000),
	PRL_NUM("interval-ms", U32, ivl_ms, "interval", 0, 60000),
	{ 0 },
};

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("prinstall");
	struct prl_cli cli = { .prog = &prog };
	struct pi_opts o = { .vni0 = 1, .batch = 128, .div = 1, .ivl_ms = 10 };
	unsigned long errors = 0, msgs = 0, replies = 0, i, count;
	static uint8_t buf[BUFSZ], rbuf[BUFSZ];
	uint32_t seq = 1;
	struct wbuf w = { .p = buf };
	struct prl_nl nl;
	double t0, dt;
	char epbuf[64];
	int fd, err;

	err = prl_cli_getopt_all(&cli, pi_opts_table, &o, usage, argc, argv);
	if (err >= 0)
		return err;
	if (o.have_attach) {
		err = prl_nl_open(&nl);
		if (!err)
			err = attach_and_hold(&nl, &o.attach, o.gro);
		if (err) {
			fprintf(stderr, "prinstall: attach %s: %s%s%s\n",
				prl_endpoint_fmt(&o.attach, epbuf, sizeof(epbuf)),
				strerror(-err), *prl_nl_errmsg(&nl) ? ": " : "",
				prl_nl_errmsg(&nl));
			return 1;
		}
		return 0;
	}
	if (o.nlat) {
		if (!o.have_a)
			return prl_cli_usage_error(&cli, "--bind-latency needs --a");
		err = prl_nl_open(&nl);
		if (!err)
			err = bind_latency(&nl, o.nlat, o.vni0, &o.a, o.ivl_ms,
					   buf, rbuf);
		if (err) {
			fprintf(stderr, "prinstall: bind-latency: %s\n", strerror(-err));
			return 1;
		}
		prl_nl_close(&nl);
		return 0;
	}
	if (!o.count || !o.have_a || !o.have_b)
		return prl_cli_usage_error(&cli, "--count, --a and --b are required");
	if (o.vni0 + o.count - 1 > 0xffffff)
		return prl_cli_usage_error(&cli, "VNIs %u..%u: past 16777215",
					   o.vni0, o.vni0 + o.count - 1);
	count = o.count;
	err = prl_nl_open(&nl);
	if (err) {
		fprintf(stderr, "prinstall: netlink: %s\n", strerror(-err));
		return 1;
	}
	nl_socket_set_buffer_size(nl.sk, BUFSZ, BUFSZ);
	fd = nl_socket_get_fd(nl.sk);

	t0 = now_s();
	for (i = 0; i < count; ) {
		unsigned long end = i + o.batch < count ? i + o.batch : count;
		size_t off = 0;

		for (; i < end; i++) {
			uint32_t vni = o.vni0 + i;
			struct prl_endpoint ea = o.a, eb = o.b;
			bool last = i + 1 == end;

			ea.port = (uint16_t)(o.a.port + i / o.div);
			if (!o.fixed_b)
				eb.port = (uint16_t)(o.b.port + i);
			bool one = o.nobind || !o.separate;

			w.off = off;
			err = put_new(&nl, &w, (uint32_t)i, vni,
				      one && !o.nobind ? &ea : NULL,
				      one && !o.nobind ? &eb : NULL, o.reply, seq++,
				      last && one);
			off = w.off;
			if (!err && !one)
				err = append(buf, &off, bind_msg(&nl, vni, 0, &ea),
					     seq++, false);
			if (!err && !one)
				err = append(buf, &off, bind_msg(&nl, vni, 1, &eb),
					     seq++, last);
			if (err) {
				fprintf(stderr, "prinstall: building requests: %s\n",
					strerror(-err));
				return 1;
			}
			msgs += one ? 1 : 3;
		}
		if (send(fd, buf, off, 0) != (ssize_t)off) {
			fprintf(stderr, "prinstall: send: %s\n", strerror(errno));
			return 1;
		}
		err = drain(fd, rbuf, seq - 1, &errors, &replies);
		if (err) {
			fprintf(stderr, "prinstall: recv: %s\n", strerror(-err));
			return 1;
		}
	}
	dt = now_s() - t0;
	printf("{\"sessions\":%lu,\"messages\":%lu,\"seconds\":%.3f,"
	       "\"sessions_per_s\":%.0f,\"errors\":%lu,\"replies\":%lu}\n",
	       count, msgs, dt, count / dt, errors, replies);
	prl_nl_close(&nl);
	/* NO_REPLY must leave the ACKs alone; --reply gets one per session. */
	if (!errors && !o.separate && replies != (o.reply ? count : 0)) {
		fprintf(stderr, "prinstall: %lu replies to %lu SESSION_NEW%s\n",
			replies, count, o.reply ? "" : " with NO_REPLY");
		return 1;
	}
	return errors ? 1 : 0;
}
