// SPDX-License-Identifier: GPL-2.0-only
/*
 * nlstress - drive the peer_relay netlink family in bulk, for the fault,
 * leak and limit scenarios (one process instead of thousands of relayctl
 * runs). Raw generic netlink, no library.
 *
 *   nlstress add N [--key-base K] [--vni V [--vni-stride S]] [--bind ADDR:PORT] [--hold]
 *       create N sessions; session i has the keys key(K+2i), key(K+2i+1)
 *       (32 bytes: a tag, then the number big-endian), with --vni V the
 *       explicit VNI V+i*S (S = 1 by default); --bind binds endpoint 0 to
 *       ADDR:PORT+2i and endpoint 1 to ADDR:PORT+2i+1; --hold prints the
 *       summary and then waits for SIGTERM/SIGINT before exiting (keeps a
 *       --userns namespace and its sessions alive for measurements)
 *   nlstress del N [--key-base K]       delete those sessions by key pair
 *   nlstress churn N [--key-base K] [--bind ADDR:PORT]
 *       N times: create a session, bind both sides, delete it
 *   nlstress rebind VNI EP ADDR:PORT[,ADDR:PORT...] [--count N] [--seconds S]
 *       rebind endpoint EP of session VNI over and over, cycling through
 *       the addresses, until N binds, S seconds or SIGTERM/SIGINT
 *   nlstress sockchurn N [--detach]
 *       N times: open a UDP socket on 127.0.0.1 (IPv4) or ::1 (IPv6,
 *       V6ONLY) alternately, SOCK_ATTACH it, SOCK_DETACH it (--detach)
 *       and close it (without --detach the close detaches it)
 *
 * Global options (anywhere after the command): --uid N drops to uid/gid
 * N without capabilities first; --userns then enters a new user+network
 * namespace where N is root (the process is made dumpable again so it
 * can write its id maps).
 *
 * Prints "ok N" (requests that succeeded), "fail N", one "errno NAME N"
 * line per error and the first error's extack message as
 * "first_error ERRNO MESSAGE"; with add, also "vni_first V" and
 * "vni_last V". Exit status 0 if every request succeeded, 1 otherwise,
 * 2 on usage errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/peer_relay.h>

#include "cli_single.h"
#include "dropuser.h"
#include "num.h"
#include "nlbuf.h"

struct nls {
	int fd;
	uint16_t family;
	uint32_t seq;
	uint8_t mem[4096];
	struct nlbuf m;		/* the request, in mem */
	/* results */
	unsigned long ok, fail, err[256];
	int first_errno;
	char first_msg[256];
	uint32_t reply_vni;
	uint32_t reply_sock_id;
};

struct ep {
	int family;
	uint8_t ip[16];
	uint16_t port;
};

static void start(struct nls *n, uint16_t type, uint8_t cmd, uint8_t version)
{
	n->m = (struct nlbuf){ .b = n->mem, .cap = sizeof(n->mem) };
	nlbuf_genl_start(&n->m, type, NLM_F_ACK, ++n->seq, cmd, version);
}

/* Walk attributes [p, p+len) for @type. */
static const struct nlattr *find(const uint8_t *p, int len, uint16_t type)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* Send the message and read its answer. Return 0 or a positive errno. */
static int request(struct nls *n)
{
	static uint8_t buf[32768];
	uint32_t seq = n->seq;

	nlbuf_end(&n->m);
	if (send(n->fd, n->m.b, n->m.len, 0) < 0)
		return errno;
	for (;;) {
		ssize_t r = recv(n->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		int rem;

		if (r < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		rem = (int)r;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, rem); nh = NLMSG_NEXT(nh, rem)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);
				int err = -e->error;

				if (err && !n->first_errno) {
					/* extack TLVs follow the echoed header */
					size_t off = sizeof(*e);
					const struct nlattr *m;

					if (!(nh->nlmsg_flags & NLM_F_CAPPED))
						off += e->msg.nlmsg_len - sizeof(e->msg);
					if (NLMSG_HDRLEN + off < nh->nlmsg_len) {
						m = find((uint8_t *)e + off,
							 (int)(nh->nlmsg_len - NLMSG_HDRLEN - off),
							 NLMSGERR_ATTR_MSG);
						if (m)
							snprintf(n->first_msg, sizeof(n->first_msg),
								 "%.*s", (int)(m->nla_len - NLA_HDRLEN),
								 (const char *)m + NLA_HDRLEN);
					}
					n->first_errno = err;
				}
				if (err) {
					n->fail++;
					n->err[err < 256 ? err : 255]++;
				} else {
					n->ok++;
				}
				return err;
			}
			if (nh->nlmsg_type == n->family) {
				const uint8_t *p = (uint8_t *)NLMSG_DATA(nh) + GENL_HDRLEN;
				int len = (int)nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
				const struct nlattr *s = find(p, len, PEER_RELAY_A_SESSION), *v;

				if (s && (v = find((const uint8_t *)s + NLA_HDRLEN,
						   s->nla_len - NLA_HDRLEN,
						   PEER_RELAY_SESSION_A_VNI)))
					memcpy(&n->reply_vni, (const uint8_t *)v + NLA_HDRLEN, 4);
				s = find(p, len, PEER_RELAY_A_SOCK);
				if (s && (v = find((const uint8_t *)s + NLA_HDRLEN,
						   s->nla_len - NLA_HDRLEN,
						   PEER_RELAY_SOCK_A_ID)))
					memcpy(&n->reply_sock_id, (const uint8_t *)v + NLA_HDRLEN, 4);
			}
		}
	}
}

static int open_family(struct nls *n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	static uint8_t buf[8192];
	struct nlmsghdr *nh;
	int one = 1, rem;
	ssize_t r;

	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0 || bind(n->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	start(n, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	((struct nlmsghdr *)n->m.b)->nlmsg_flags = NLM_F_REQUEST;	/* no ACK */
	nlbuf_put(&n->m, CTRL_ATTR_FAMILY_NAME, PEER_RELAY_GENL_NAME, sizeof(PEER_RELAY_GENL_NAME));
	nlbuf_end(&n->m);
	if (send(n->fd, n->m.b, n->m.len, 0) < 0 || (r = recv(n->fd, buf, sizeof(buf), 0)) < 0)
		return -1;
	rem = (int)r;
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, rem); nh = NLMSG_NEXT(nh, rem)) {
		const struct nlattr *a;

		if (nh->nlmsg_type == NLMSG_ERROR)
			return -1;
		a = find((uint8_t *)NLMSG_DATA(nh) + GENL_HDRLEN,
			 (int)nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, CTRL_ATTR_FAMILY_ID);
		if (a) {
			memcpy(&n->family, (const uint8_t *)a + NLA_HDRLEN, 2);
			return 0;
		}
	}
	return -1;
}

static void key(uint8_t k[PEER_RELAY_KEY_LEN], uint32_t i)
{
	memset(k, 0x5a, PEER_RELAY_KEY_LEN);
	k[0] = 0x42;
	k[28] = (uint8_t)(i >> 24);
	k[29] = (uint8_t)(i >> 16);
	k[30] = (uint8_t)(i >> 8);
	k[31] = (uint8_t)i;
}

static int parse_ep(const char *s, struct ep *e)
{
	char host[64];
	const char *colon;
	unsigned long port;
	char *end;

	memset(e, 0, sizeof(*e));
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(rb - s - 1), s + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	}
	port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		return -1;
	e->port = (uint16_t)port;
	if (inet_pton(AF_INET, host, e->ip) == 1)
		e->family = AF_INET;
	else if (inet_pton(AF_INET6, host, e->ip) == 1)
		e->family = AF_INET6;
	else
		return -1;
	return 0;
}

static int session_new(struct nls *n, uint32_t ka, uint32_t kb, uint32_t vni)
{
	uint8_t k[PEER_RELAY_KEY_LEN];
	size_t s;

	start(n, n->family, PEER_RELAY_CMD_SESSION_NEW, PEER_RELAY_GENL_VERSION);
	s = nlbuf_nest(&n->m, PEER_RELAY_A_SESSION);
	key(k, ka);
	nlbuf_put(&n->m, PEER_RELAY_SESSION_A_KEY0, k, sizeof(k));
	key(k, kb);
	nlbuf_put(&n->m, PEER_RELAY_SESSION_A_KEY1, k, sizeof(k));
	if (vni)
		nlbuf_put(&n->m, PEER_RELAY_SESSION_A_VNI, &vni, 4);
	nlbuf_nest_end(&n->m, s);
	n->reply_vni = 0;
	return request(n);
}

static int session_bind(struct nls *n, uint32_t vni, unsigned int idx,
			const struct ep *e, uint16_t port)
{
	size_t s, en;

	start(n, n->family, PEER_RELAY_CMD_SESSION_BIND, PEER_RELAY_GENL_VERSION);
	s = nlbuf_nest(&n->m, PEER_RELAY_A_SESSION);
	nlbuf_put(&n->m, PEER_RELAY_SESSION_A_VNI, &vni, 4);
	en = nlbuf_nest(&n->m, idx ? PEER_RELAY_SESSION_A_EP1 : PEER_RELAY_SESSION_A_EP0);
	nlbuf_put(&n->m, e->family == AF_INET ? PEER_RELAY_EP_A_REMOTE_IPV4 : PEER_RELAY_EP_A_REMOTE_IPV6,
	    e->ip, e->family == AF_INET ? 4 : 16);
	nlbuf_put(&n->m, PEER_RELAY_EP_A_REMOTE_PORT, &port, 2);
	nlbuf_nest_end(&n->m, en);
	nlbuf_nest_end(&n->m, s);
	return request(n);
}

static int session_del(struct nls *n, uint32_t vni, uint32_t ka, uint32_t kb)
{
	uint8_t k[PEER_RELAY_KEY_LEN];
	size_t s;

	start(n, n->family, PEER_RELAY_CMD_SESSION_DEL, PEER_RELAY_GENL_VERSION);
	s = nlbuf_nest(&n->m, PEER_RELAY_A_SESSION);
	if (vni) {
		nlbuf_put(&n->m, PEER_RELAY_SESSION_A_VNI, &vni, 4);
	} else {
		key(k, ka);
		nlbuf_put(&n->m, PEER_RELAY_SESSION_A_KEY0, k, sizeof(k));
		key(k, kb);
		nlbuf_put(&n->m, PEER_RELAY_SESSION_A_KEY1, k, sizeof(k));
	}
	nlbuf_nest_end(&n->m, s);
	return request(n);
}

static int sock_attach(struct nls *n, int fd)
{
	uint32_t v = (uint32_t)fd;
	size_t s;

	start(n, n->family, PEER_RELAY_CMD_SOCK_ATTACH, PEER_RELAY_GENL_VERSION);
	s = nlbuf_nest(&n->m, PEER_RELAY_A_SOCK);
	nlbuf_put(&n->m, PEER_RELAY_SOCK_A_FD, &v, 4);
	nlbuf_nest_end(&n->m, s);
	n->reply_sock_id = 0;
	return request(n);
}

static int sock_detach(struct nls *n, uint32_t id)
{
	size_t s;

	start(n, n->family, PEER_RELAY_CMD_SOCK_DETACH, PEER_RELAY_GENL_VERSION);
	s = nlbuf_nest(&n->m, PEER_RELAY_A_SOCK);
	nlbuf_put(&n->m, PEER_RELAY_SOCK_A_ID, &id, 4);
	nlbuf_nest_end(&n->m, s);
	return request(n);
}

/* A bound UDP socket on the loopback address, IPv4 or IPv6 (V6ONLY). */
static int udp_socket(bool v6)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int one = 1, fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (v6 ? bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) :
		 bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char usage[] =
	"Usage: nlstress add N [--key-base K] [--vni V [--vni-stride S]] [--bind ADDR:PORT] [--hold]\n"
	"       nlstress del N [--key-base K]\n"
	"       nlstress churn N [--key-base K] [--bind ADDR:PORT]\n"
	"       nlstress rebind VNI EP ADDR:PORT[,ADDR:PORT...] [--count N] [--seconds S]\n"
	"       nlstress sockchurn N [--detach]\n"
	"Options: --uid N [--userns]  run as uid N (in its own user+net namespace)\n"
	"Bulk peer_relay netlink requests for stress and leak tests.\n"
	"N, K: 0..4294967295; V, VNI: 1..16777215; S: 1..16777215 (default 1);\n"
	"EP: 0 or 1; at most 16 addresses; S (seconds): 0..86400.\n";

#define MAX_EPS	16	/* as the usage says */

struct ns_opts {
	uint32_t key_base, vni_base, stride, count, seconds, uid;
	struct ep bind;
	bool have_bind, detach, hold, drop, userns;
};
#define PRL_OPTS	struct ns_opts	/* of the option table */

/* PRL_OPT_PARSE: ADDR:PORT (port 1..65535) into a struct ep. */
static int opt_ep(struct prl_cli *cli, const char *what, const char *arg,
		  void *field)
{
	return prl_cli_opt_check(cli, parse_ep(arg, field), what, arg,
				 "ADDR:PORT");
}

static const struct prl_cli_opt ns_opts_table[] = {
	PRL_NUM("key-base", U32, key_base, "key base", 0, UINT32_MAX),
	PRL_NUM("vni", U32, vni_base, "VNI", 1, 0xffffff),
	PRL_NUM("vni-stride", U32, stride, "VNI stride", 1, 0xffffff),
	PRL_ROW("bind", PRL_OPT_PARSE, bind, .seen = PRL_SEEN(have_bind),
		.what = "bind address", .parse = opt_ep),
	PRL_NUM("count", U32, count, "count", 0, UINT32_MAX),
	PRL_NUM("seconds", U32, seconds, "seconds", 0, 86400),
	PRL_ROW("detach", PRL_OPT_FLAG, detach),
	PRL_ROW("hold", PRL_OPT_FLAG, hold),
	PRL_ROW("uid", PRL_OPT_U32, uid, .seen = PRL_SEEN(drop), .what = "uid",
		.min = 0, .max = 0xfffffffe),
	PRL_ROW("userns", PRL_OPT_FLAG, userns),
	{ 0 },
};

static const char *const commands[] = {
	"add", "del", "churn", "rebind", "sockchurn",
};
enum { CMD_ADD, CMD_DEL, CMD_CHURN, CMD_REBIND, CMD_SOCKCHURN };

/* rebind's operands: VNI EP ADDR:PORT[,...] into @vni, @idx, @eps. */
static int rebind_operands(struct prl_cli *cli, char **op, uint32_t *vni,
			   uint32_t *idx, struct ep *eps, unsigned int *n)
{
	const char *s = op[2];
	char one[80];

	if (prl_parse_u32(op[0], 1, 0xffffff, vni))
		return prl_cli_usage_error(cli, "invalid VNI '%s'", op[0]);
	if (prl_parse_u32(op[1], 0, 1, idx))
		return prl_cli_usage_error(cli, "invalid endpoint index '%s': expected 0 or 1",
					   op[1]);
	*n = 0;
	do {
		size_t len = strcspn(s, ",");

		if (len >= sizeof(one) || *n == MAX_EPS)
			return prl_cli_usage_error(cli, "invalid address list '%s'",
						   op[2]);
		memcpy(one, s, len);
		one[len] = '\0';
		if (parse_ep(one, &eps[(*n)++]))
			return prl_cli_usage_error(cli, "invalid address '%s': expected ADDR:PORT",
						   one);
		s += len;
	} while (*s++ == ',');
	return 0;
}

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("nlstress");
	struct prl_cli cli = { .prog = &prog };
	struct ns_opts o = { .stride = 1 };
	static struct nls n;
	struct ep eps[MAX_EPS];
	uint32_t vni_first = 0, vni_last = 0, vni = 0, ep_idx = 0;
	unsigned int n_eps = 0;
	unsigned long i;
	int cmd, first, nops, rc;
	char **op;

	cmd = PRL_CLI_COMMAND(&cli, commands, usage, argc, argv, &rc);
	if (cmd < 0)
		return rc;
	first = prl_cli_getopt(&cli, ns_opts_table, &o, usage, argc - 1,
			       argv + 1);
	if (first <= 0)
		return -first;
	op = argv + 1 + first;
	nops = argc - 1 - first;
	if (nops != (cmd == CMD_REBIND ? 3 : 1))
		return prl_cli_usage_error(&cli, "expected %s",
					   cmd == CMD_REBIND ?
					   "VNI EP ADDR:PORT[,ADDR:PORT...]" : "N");
	if (cmd == CMD_REBIND) {
		rc = rebind_operands(&cli, op, &vni, &ep_idx, eps, &n_eps);
		if (rc)
			return rc;
		if (!o.count && !o.seconds)
			return prl_cli_usage_error(&cli, "--count or --seconds is required");
	} else if (prl_parse_u32(op[0], 0, UINT32_MAX, &o.count)) {
		return prl_cli_usage_error(&cli, "invalid N '%s'", op[0]);
	}
	if (o.userns && !o.drop)
		return prl_cli_usage_error(&cli, "--userns needs --uid");
	if (o.drop && dropuser("nlstress", o.uid, o.uid, o.userns, o.userns))
		return 1;
	if (open_family(&n)) {
		fprintf(stderr, "nlstress: cannot resolve the %s family\n", PEER_RELAY_GENL_NAME);
		return 1;
	}

	if (cmd == CMD_ADD) {
		for (i = 0; i < o.count; i++) {
			uint32_t ka = (uint32_t)(o.key_base + 2 * i);

			if (session_new(&n, ka, ka + 1,
					o.vni_base ? (uint32_t)(o.vni_base + i * o.stride) : 0))
				continue;
			if (!vni_first)
				vni_first = n.reply_vni;
			vni_last = n.reply_vni;
			if (o.have_bind) {
				uint32_t v = n.reply_vni;

				session_bind(&n, v, 0, &o.bind, (uint16_t)(o.bind.port + 2 * i));
				session_bind(&n, v, 1, &o.bind, (uint16_t)(o.bind.port + 2 * i + 1));
			}
		}
		printf("vni_first %u\nvni_last %u\n", vni_first, vni_last);
	} else if (cmd == CMD_DEL) {
		for (i = 0; i < o.count; i++) {
			uint32_t ka = (uint32_t)(o.key_base + 2 * i);

			session_del(&n, 0, ka, ka + 1);
		}
	} else if (cmd == CMD_CHURN) {
		for (i = 0; i < o.count; i++) {
			uint32_t ka = (uint32_t)(o.key_base + 2 * i), v;

			if (session_new(&n, ka, ka + 1, 0))
				continue;
			v = n.reply_vni;
			if (o.have_bind) {
				session_bind(&n, v, 0, &o.bind, (uint16_t)(o.bind.port + (2 * i) % 20000));
				session_bind(&n, v, 1, &o.bind, (uint16_t)(o.bind.port + (2 * i + 1) % 20000));
			}
			session_del(&n, v, 0, 0);
		}
	} else if (cmd == CMD_REBIND) {
		double end = o.seconds ? now_s() + o.seconds : 0;

		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
		for (i = 0; !stop && (!o.count || i < o.count) && (!end || now_s() < end); i++)
			session_bind(&n, vni, ep_idx, &eps[i % n_eps],
				     eps[i % n_eps].port);
	} else {
		for (i = 0; i < o.count; i++) {
			int fd = udp_socket(i % 2);

			if (fd < 0) {
				perror("nlstress: udp socket");
				return 1;
			}
			if (!sock_attach(&n, fd) && o.detach)
				sock_detach(&n, n.reply_sock_id);
			close(fd);
		}
	}

	printf("ok %lu\nfail %lu\n", n.ok, n.fail);
	for (i = 1; i < 256; i++)
		if (n.err[i])
			printf("errno %s %lu\n", strerrorname_np((int)i) ?: "?", n.err[i]);
	if (n.first_errno)
		printf("first_error %s %s\n", strerrorname_np(n.first_errno) ?: "?", n.first_msg);
	if (o.hold) {
		printf("holding\n");
		fflush(stdout);
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
		while (!stop)
			pause();
	}
	return n.fail ? 1 : 0;
}
