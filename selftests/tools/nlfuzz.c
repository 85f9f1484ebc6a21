// SPDX-License-Identifier: GPL-2.0-only
/*
 * nlfuzz - generic netlink fuzzer for the peer_relay family.
 *
 *   nlfuzz [--seconds S] [--count N] [--seed N] [--expect-eperm] [--lo-up]
 *          [--uid N [--userns]] [--verbose]
 *
 * Sends a stream of requests over a raw generic netlink socket (no
 * libnl): well-formed requests for every command (SOCK_ATTACH with real
 * and bogus file descriptors, SESSION_NEW/BIND/DEL/GET with a small pool
 * of keys and VNIs including the range edges, dumps, FLUSH, CONFIG_SET
 * with lifetimes, limits and static endpoint lists), then mutated: random
 * command numbers 0..20, random attribute trees (types, lengths, nesting
 * up to 5 deep, NLA_F_NESTED/NET_BYTEORDER flags), bit flips, attribute
 * lengths that overrun their parent, truncated messages, duplicated
 * attributes, random header flags and versions. Between requests it
 * closes and reopens the UDP sockets it attached and sends random
 * datagrams to them, so socket teardown and the fast path run
 * concurrently with the control plane.
 *
 * Every request carries NLM_F_ACK and the answer is read to its end (ack,
 * error or NLMSG_DONE of a dump). Checked: answers are well-formed
 * netlink, errors are negative errnos, replies never exceed the buffer,
 * the kernel answers every well-framed request within 2 s, and with
 * --expect-eperm every changing command (attach, detach, new, bind, del,
 * flush, config set) fails with EPERM, whatever its attributes (generic
 * netlink checks the permission before parsing). Prints a summary (requests, answers
 * by errno, dumps) and exits 0, or 1 on a violation.
 *
 * --lo-up brings the loopback interface of the current netns up (for a
 * fresh user+net namespace). --uid N drops to uid/gid N without
 * capabilities first; --userns then creates a user namespace (N mapped
 * to root) with a network namespace of its own, so the fuzzer is admin
 * only there. (The process is made dumpable again after the uid change,
 * otherwise /proc/self/uid_map stays root's and cannot be written.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/peer_relay.h>

#include "cli_single.h"
#include "dropuser.h"
#include "nlbuf.h"

#define BUFSZ		16384
#define MAX_DEPTH	5
#define N_UDP		6
#define MAX_CMD		20

struct state {
	int nl;
	uint16_t family;
	uint32_t seq;
	uint32_t portid;
	int udp[N_UDP];		/* UDP sockets offered to SOCK_ATTACH */
	uint16_t udp_port[N_UDP];
	int other_fd;		/* a non-socket fd (pipe) */
	int tcp_fd;		/* a TCP socket */
	int tx;			/* sends random datagrams to udp[] */
	bool expect_eperm;
	bool verbose;
	/* statistics */
	unsigned long requests, answers, ok, dumps, dump_msgs, unframed;
	unsigned long err[256];
	unsigned long violations;
	unsigned long datagrams;
};

/* ---------------------------------------------------------------- rng */

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

/* ---------------------------------------------------------- msg building */

/* A request of our family; m->cap is then the message size limit. */
static void msg_start(struct state *s, struct nlbuf *m, uint8_t cmd,
		      uint16_t flags)
{
	nlbuf_genl_start(m, s->family, NLM_F_ACK | flags, ++s->seq, cmd,
			 PEER_RELAY_GENL_VERSION);
	m->cap = BUFSZ;
}

/* ------------------------------------------------------------- values */

static void key(uint8_t k[PEER_RELAY_KEY_LEN], unsigned int i)
{
	memset(k, (int)(0x10 + i), PEER_RELAY_KEY_LEN);
}

static uint32_t pick_vni(void)
{
	static const uint32_t edge[] = { 0, 1, 2, 3, 4, 5, 0xfffffe, 0xffffff,
					 0x1000000, 0xffffffff };

	if (chance(70))
		return 1 + below(8);
	if (chance(70))
		return edge[below(sizeof(edge) / sizeof(edge[0]))];
	return (uint32_t)rnd();
}

/* EP nest content: remote v4/v6 + port [+ local], sometimes odd. */
static void put_ep_body(struct nlbuf *m, bool local_ok)
{
	static const char *const v4[] = { "127.0.0.1", "10.0.1.2", "0.0.0.0",
					  "224.0.0.1", "255.255.255.255", "127.0.0.2" };
	static const char *const v6[] = { "::1", "fd00:1::2", "::", "ff02::1",
					  "::ffff:127.0.0.1", "fe80::1" };
	uint8_t a[16];
	bool six = chance(40);

	if (six)
		inet_pton(AF_INET6, v6[below(6)], a);
	else
		inet_pton(AF_INET, v4[below(6)], a);
	if (!chance(5))
		nlbuf_put(m, six ? PEER_RELAY_EP_A_REMOTE_IPV6 : PEER_RELAY_EP_A_REMOTE_IPV4,
			 a, six ? 16 : 4);
	if (chance(5))	/* both families */
		nlbuf_put(m, six ? PEER_RELAY_EP_A_REMOTE_IPV4 : PEER_RELAY_EP_A_REMOTE_IPV6,
			 a, six ? 4 : 16);
	if (!chance(5))
		nlbuf_put_u16(m, PEER_RELAY_EP_A_REMOTE_PORT,
			chance(10) ? 0 : (uint16_t)(1024 + below(20000)));
	if (local_ok && chance(30)) {
		bool lsix = chance(80) ? six : !six;

		if (lsix)
			inet_pton(AF_INET6, "::1", a);
		else
			inet_pton(AF_INET, "127.0.0.1", a);
		nlbuf_put(m, lsix ? PEER_RELAY_EP_A_LOCAL_IPV6 : PEER_RELAY_EP_A_LOCAL_IPV4,
			 a, lsix ? 16 : 4);
	}
}

/* A random attribute tree: @depth levels at most. */
static void put_random_attrs(struct nlbuf *m, int depth)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 17, 31, 32, 33, 64 };
	unsigned int n = below(5), i;

	for (i = 0; i < n; i++) {
		uint16_t type = (uint16_t)(chance(80) ? below(14) : rnd());

		if (depth > 0 && chance(35)) {
			size_t at = nlbuf_nest(m, type & NLA_TYPE_MASK);

			if (at == NLBUF_FULL)
				return;
			if (chance(20))	/* the NESTED flag is optional */
				((struct nlattr *)(m->b + at))->nla_type &= ~NLA_F_NESTED;
			put_random_attrs(m, depth - 1);
			nlbuf_nest_end(m, at);
		} else {
			uint8_t d[256];
			size_t len = chance(85) ? lens[below(15)] : below(sizeof(d));

			for (size_t j = 0; j < len; j++)
				d[j] = (uint8_t)rnd();
			if (!nlbuf_put(m, type, d, len))
				return;
		}
	}
}

/* ------------------------------------------------------- well-formed */

static void build_valid(struct state *s, struct nlbuf *m, uint8_t cmd)
{
	uint8_t k[PEER_RELAY_KEY_LEN];
	size_t top, in, ep;
	uint16_t flags = 0;
	unsigned int i, n;

	if ((cmd == PEER_RELAY_CMD_SESSION_GET || cmd == PEER_RELAY_CMD_SOCK_GET) &&
	    chance(50))
		flags = NLM_F_DUMP;
	msg_start(s, m, cmd, flags);
	switch (cmd) {
	case PEER_RELAY_CMD_SOCK_ATTACH:
		top = nlbuf_nest(m, PEER_RELAY_A_SOCK);
		if (chance(80)) {
			int fd = s->udp[below(N_UDP)];

			if (chance(10))
				fd = s->other_fd;
			else if (chance(10))
				fd = s->tcp_fd;
			else if (chance(10))
				fd = s->nl;
			else if (chance(5))
				fd = (int)below(4096);
			nlbuf_put_u32(m, PEER_RELAY_SOCK_A_FD, (uint32_t)fd);
		}
		nlbuf_nest_end(m, top);
		break;
	case PEER_RELAY_CMD_SOCK_DETACH:
	case PEER_RELAY_CMD_SOCK_GET:
		if (flags)
			break;
		top = nlbuf_nest(m, PEER_RELAY_A_SOCK);
		nlbuf_put_u32(m, PEER_RELAY_SOCK_A_ID, chance(90) ? 1 + below(40) : (uint32_t)rnd());
		nlbuf_nest_end(m, top);
		break;
	case PEER_RELAY_CMD_SESSION_NEW:
		top = nlbuf_nest(m, PEER_RELAY_A_SESSION);
		key(k, below(6));
		nlbuf_put(m, PEER_RELAY_SESSION_A_KEY0, k, sizeof(k));
		key(k, below(6));
		nlbuf_put(m, PEER_RELAY_SESSION_A_KEY1, k, sizeof(k));
		if (chance(40))
			nlbuf_put_u32(m, PEER_RELAY_SESSION_A_VNI, pick_vni());
		nlbuf_nest_end(m, top);
		break;
	case PEER_RELAY_CMD_SESSION_BIND:
		top = nlbuf_nest(m, PEER_RELAY_A_SESSION);
		nlbuf_put_u32(m, PEER_RELAY_SESSION_A_VNI, pick_vni());
		n = chance(90) ? 1 : below(3);
		for (i = 0; i < n; i++) {
			ep = nlbuf_nest(m, chance(50) ? PEER_RELAY_SESSION_A_EP0 :
							 PEER_RELAY_SESSION_A_EP1);
			put_ep_body(m, true);
			nlbuf_nest_end(m, ep);
		}
		nlbuf_nest_end(m, top);
		break;
	case PEER_RELAY_CMD_SESSION_DEL:
	case PEER_RELAY_CMD_SESSION_GET:
		if (flags)
			break;
		top = nlbuf_nest(m, PEER_RELAY_A_SESSION);
		if (chance(60)) {
			nlbuf_put_u32(m, PEER_RELAY_SESSION_A_VNI, pick_vni());
		} else {
			key(k, below(6));
			nlbuf_put(m, PEER_RELAY_SESSION_A_KEY0, k, sizeof(k));
			if (chance(90)) {
				key(k, below(6));
				nlbuf_put(m, PEER_RELAY_SESSION_A_KEY1, k, sizeof(k));
			}
		}
		nlbuf_nest_end(m, top);
		break;
	case PEER_RELAY_CMD_CONFIG_SET:
		top = nlbuf_nest(m, PEER_RELAY_A_CONFIG);
		if (chance(40))
			nlbuf_put_u32(m, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS,
				chance(80) ? 100 + below(5000) : (uint32_t)rnd());
		if (chance(40))
			nlbuf_put_u32(m, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS,
				chance(80) ? 100 + below(5000) : (uint32_t)rnd());
		if (chance(40))
			nlbuf_put_u32(m, PEER_RELAY_CONFIG_A_MAX_SESSIONS,
				chance(80) ? below(10) : (uint32_t)rnd());
		if (chance(20)) {
			key(k, below(6));
			nlbuf_put(m, PEER_RELAY_CONFIG_A_SERVER_KEY, k, sizeof(k));
		}
		if (chance(30)) {
			in = nlbuf_nest(m, PEER_RELAY_CONFIG_A_STATIC_EPS);
			n = below(20);
			for (i = 0; i < n; i++) {
				ep = nlbuf_nest(m, chance(95) ? PEER_RELAY_STATIC_EPS_A_EP :
								(uint16_t)below(4));
				put_ep_body(m, false);
				nlbuf_nest_end(m, ep);
			}
			nlbuf_nest_end(m, in);
		}
		nlbuf_nest_end(m, top);
		break;
	default:	/* FLUSH, STATS_GET, CONFIG_GET, notifications, unknown */
		if (chance(20))
			put_random_attrs(m, 2);
		break;
	}
	nlbuf_end(m);
}

/* ---------------------------------------------------------- mutation */

/* Walk the attributes and corrupt one length field. */
static void corrupt_len(struct nlbuf *m)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, cand[64];
	unsigned int n = 0;

	while (off + NLA_HDRLEN <= m->len && n < 64) {
		struct nlattr *a = (struct nlattr *)(m->b + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > m->len)
			break;
		cand[n++] = off;
		/* descend into nests half of the time */
		if ((a->nla_type & NLA_F_NESTED) && chance(50))
			off += NLA_HDRLEN;
		else
			off += NLA_ALIGN(a->nla_len);
	}
	if (!n)
		return;
	{
		struct nlattr *a = (struct nlattr *)(m->b + cand[below(n)]);

		switch (below(4)) {
		case 0: a->nla_len = (uint16_t)(a->nla_len + 1 + below(64)); break;
		case 1: a->nla_len = (uint16_t)below(NLA_HDRLEN + 1); break;
		case 2: a->nla_len = (uint16_t)rnd(); break;
		default: a->nla_len = (uint16_t)(a->nla_len > 4 ? a->nla_len - 1 - below(4) : 0); break;
		}
	}
}

/* Returns false if the result is no longer a well-framed request. */
static bool mutate(struct state *s, struct nlbuf *m)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->b;
	struct genlmsghdr *gh = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	unsigned int n, i;

	switch (below(8)) {
	case 0:		/* random command number */
		gh->cmd = (uint8_t)below(MAX_CMD + 1);
		break;
	case 1:		/* random attribute tree, random command */
		m->len = NLMSG_HDRLEN + GENL_HDRLEN;
		gh->cmd = (uint8_t)below(MAX_CMD + 1);
		put_random_attrs(m, MAX_DEPTH);
		break;
	case 2:		/* bit flips in the attributes */
		n = 1 + below(6);
		for (i = 0; i < n && m->len > NLMSG_HDRLEN + GENL_HDRLEN; i++) {
			size_t at = NLMSG_HDRLEN + GENL_HDRLEN +
				    below((unsigned int)(m->len - NLMSG_HDRLEN - GENL_HDRLEN));

			m->b[at] ^= (uint8_t)(1u << below(8));
		}
		break;
	case 3:
		corrupt_len(m);
		break;
	case 4:		/* append random attributes or a copy of the first */
		if (chance(50) && m->len > NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN) {
			struct nlattr *a = (struct nlattr *)(m->b + NLMSG_HDRLEN + GENL_HDRLEN);
			size_t al = NLA_ALIGN(a->nla_len);

			if (al >= NLA_HDRLEN && NLMSG_HDRLEN + GENL_HDRLEN + al <= m->len &&
			    m->len + al <= m->cap)
				nlbuf_raw(m, a, al);
		} else {
			put_random_attrs(m, 3);
		}
		break;
	case 5:		/* header fields */
		gh->version = (uint8_t)rnd();
		if (chance(50))
			gh->reserved = (uint16_t)rnd();
		if (chance(30))
			nh->nlmsg_flags |= (uint16_t)(rnd() & (NLM_F_DUMP | NLM_F_ECHO |
								NLM_F_EXCL | NLM_F_CREATE));
		break;
	case 6:		/* truncate the message (framing stays valid) */
		if (m->len > NLMSG_HDRLEN + GENL_HDRLEN)
			m->len = NLMSG_HDRLEN + GENL_HDRLEN +
				 below((unsigned int)(m->len - NLMSG_HDRLEN - GENL_HDRLEN));
		break;
	default:	/* broken framing: the kernel may drop it silently */
		nlbuf_end(m);
		if (chance(50))
			nh->nlmsg_len = (uint32_t)(m->len + 1 + below(64));
		else
			nh->nlmsg_len = (uint32_t)below(NLMSG_HDRLEN + GENL_HDRLEN);
		return false;
	}
	nlbuf_end(m);
	(void)s;
	return true;
}

/* ------------------------------------------------------------ netlink */

static int nl_open(struct state *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	socklen_t sl = sizeof(sa);
	int one = 1;

	s->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->nl < 0)
		return -1;
	setsockopt(s->nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s->nl, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(s->nl, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s->nl, (struct sockaddr *)&sa, &sl))
		return -1;
	s->portid = sa.nl_pid;
	return 0;
}

/*
 * Read the answer to request @seq: until its ack/error (or NLMSG_DONE for
 * a dump). Returns the errno (0 = success), or -1 on timeout/violation.
 */
static int nl_answer(struct state *s, uint32_t seq, bool dump, int *nmsgs)
{
	static uint8_t buf[65536];

	*nmsgs = 0;
	for (;;) {
		ssize_t n = recv(s->nl, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		int rem;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* dropped notifications etc. */
				continue;
			return -1;
		}
		rem = (int)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, rem);
		     nh = NLMSG_NEXT(nh, rem)) {
			if (nh->nlmsg_seq != seq)
				continue;	/* a stale answer of an earlier request */
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ||
				    e->error > 0 || e->error < -4095) {
					fprintf(stderr, "nlfuzz: malformed error message\n");
					s->violations++;
					return -1;
				}
				return -e->error;
			}
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type != s->family) {
				fprintf(stderr, "nlfuzz: unexpected message type %u\n",
					nh->nlmsg_type);
				s->violations++;
			}
			(*nmsgs)++;
			(void)dump;
		}
		if (rem) {
			fprintf(stderr, "nlfuzz: %d trailing bytes in a netlink datagram\n", rem);
			s->violations++;
		}
	}
}

static int resolve_family(struct state *s)
{
	static uint8_t mem[512];
	struct nlbuf m = { .b = mem, .cap = sizeof(mem) };
	struct nlmsghdr *nh;
	static uint8_t buf[8192];
	ssize_t n;
	int rem;

	/* no ACK: the reply is the one message to read */
	nlbuf_genl_start(&m, GENL_ID_CTRL, 0, ++s->seq, CTRL_CMD_GETFAMILY, 1);
	nlbuf_put(&m, CTRL_ATTR_FAMILY_NAME, PEER_RELAY_GENL_NAME,
		  sizeof(PEER_RELAY_GENL_NAME));
	nlbuf_end(&m);
	if (send(s->nl, m.b, m.len, 0) < 0)
		return -1;
	n = recv(s->nl, buf, sizeof(buf), 0);
	if (n < 0)
		return -1;
	rem = (int)n;
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, rem); nh = NLMSG_NEXT(nh, rem)) {
		struct nlattr *a;
		int alen;

		if (nh->nlmsg_type == NLMSG_ERROR)
			return -1;
		a = (struct nlattr *)((uint8_t *)NLMSG_DATA(nh) + GENL_HDRLEN);
		alen = (int)nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= alen) {
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
				memcpy(&s->family, (uint8_t *)a + NLA_HDRLEN, 2);
				return 0;
			}
			alen -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -1;
}

/* ---------------------------------------------------------- sockets */

static int udp_open(struct state *s, unsigned int i)
{
	int fam = (i % 2) ? AF_INET6 : AF_INET, one = 1, fd;
	struct sockaddr_storage ss;
	socklen_t sl;

	fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ss, 0, sizeof(ss));
	/* some IPv6 sockets without V6ONLY, some not bound (both refused) */
	if (fam == AF_INET6 && i != 5)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (i == 4) {
		s->udp[i] = fd;
		s->udp_port[i] = 0;
		return 0;
	}
	ss.ss_family = (sa_family_t)fam;
	sl = fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (fam == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	if (bind(fd, (struct sockaddr *)&ss, sl) || getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		close(fd);
		return -1;
	}
	s->udp[i] = fd;
	s->udp_port[i] = ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
					     ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/* Send one random datagram at one of our (maybe attached) sockets. */
static void poke(struct state *s)
{
	unsigned int i = below(N_UDP);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint8_t d[128];
	size_t len = below(sizeof(d));

	if (i % 2 || !s->udp_port[i])
		return;		/* the sender is IPv4 */
	for (size_t j = 0; j < len; j++)
		d[j] = (uint8_t)rnd();
	if (len >= 8 && chance(60)) {	/* a Geneve header for a low VNI */
		d[0] = 0;
		d[1] = chance(30) ? 0x80 : 0;
		d[4] = 0;
		d[5] = 0;
		d[6] = (uint8_t)(1 + below(8));
	}
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(s->udp_port[i]);
	if (sendto(s->tx, d, len, MSG_DONTWAIT, (struct sockaddr *)&sin, sizeof(sin)) >= 0)
		s->datagrams++;
}

static void lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			perror("nlfuzz: lo up");
	}
	close(fd);
}

/* ------------------------------------------------------------- main */

/*
 * Would genl_header_check() refuse this header (EINVAL before the
 * permission check)? reserved != 0, or flags other than REQUEST, ACK,
 * ECHO and the complete DUMP pair.
 */
static bool header_refused(const struct nlbuf *m)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)m->b;
	const struct genlmsghdr *gh = (const struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	uint16_t flags = nh->nlmsg_flags;

	if (gh->reserved)
		return true;
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= (uint16_t)~NLM_F_DUMP;
	return flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO);
}

static bool changing(uint8_t cmd)
{
	switch (cmd) {
	case PEER_RELAY_CMD_SOCK_ATTACH:
	case PEER_RELAY_CMD_SOCK_DETACH:
	case PEER_RELAY_CMD_SESSION_NEW:
	case PEER_RELAY_CMD_SESSION_BIND:
	case PEER_RELAY_CMD_SESSION_DEL:
	case PEER_RELAY_CMD_SESSION_FLUSH:
	case PEER_RELAY_CMD_CONFIG_SET:
		return true;
	}
	return false;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char usage[] =
	"Usage: nlfuzz [--seconds S] [--count N] [--seed N] [--expect-eperm] [--lo-up]\n"
	"              [--uid N [--userns]] [--verbose]\n"
	"Fuzz the peer_relay generic netlink family.\n"
	"  --seconds S     run S seconds (1..86400, default 10)\n"
	"  --count N       stop after N requests (default 0: no limit)\n"
	"  --seed N        random seed (0..4294967295, default 1)\n"
	"  --expect-eperm  no changing command may succeed (unprivileged run)\n"
	"  --lo-up         bring lo up first (fresh network namespace)\n"
	"  --uid N         drop to uid/gid N without capabilities\n"
	"  --userns        then create a user+network namespace (N -> root)\n";

struct fz_opts {
	uint32_t seconds, count, seed, uid;
	bool expect_eperm, lo_up, verbose, drop, userns;
};
#define PRL_OPTS	struct fz_opts	/* of the option table */

static const struct prl_cli_opt fz_opts_table[] = {
	PRL_NUM("seconds", U32, seconds, "seconds", 1, 86400),
	PRL_NUM("count", U32, count, "count", 0, UINT32_MAX),
	PRL_NUM("seed", U32, seed, "seed", 0, UINT32_MAX),
	PRL_ROW("expect-eperm", PRL_OPT_FLAG, expect_eperm),
	PRL_ROW("lo-up", PRL_OPT_FLAG, lo_up),
	PRL_ROW("verbose", PRL_OPT_FLAG, verbose),
	PRL_ROW("uid", PRL_OPT_U32, uid, .what = "uid", .seen = PRL_SEEN(drop),
		.min = 0, .max = 0xfffffffe),
	PRL_ROW("userns", PRL_OPT_FLAG, userns),
	{ 0 },
};

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("nlfuzz");
	struct prl_cli cli = { .prog = &prog };
	struct fz_opts o = { .seconds = 10, .seed = 1 };
	static struct state s;
	static uint8_t mbuf[BUFSZ];
	struct nlbuf m = { .b = mbuf, .cap = BUFSZ };
	int pipefd[2], rc;
	unsigned int i;
	double end;

	rc = prl_cli_getopt_all(&cli, fz_opts_table, &o, usage, argc, argv);
	if (rc >= 0)
		return rc;
	if (o.userns && !o.drop)
		return prl_cli_usage_error(&cli, "--userns needs --uid");
	s.expect_eperm = o.expect_eperm;
	s.verbose = o.verbose;
	if (o.drop && dropuser("nlfuzz", o.uid, o.uid, o.userns, o.userns))
		return 1;
	if (o.lo_up)
		lo_up();
	rng = o.seed * 0x9E3779B97F4A7C15ULL + 7;
	if (nl_open(&s) || resolve_family(&s)) {
		fprintf(stderr, "nlfuzz: cannot resolve the %s family: %s\n",
			PEER_RELAY_GENL_NAME, strerror(errno));
		return 1;
	}
	if (pipe2(pipefd, O_CLOEXEC))
		return 1;
	s.other_fd = pipefd[0];
	s.tcp_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s.tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (i = 0; i < N_UDP; i++)
		if (udp_open(&s, i)) {
			perror("nlfuzz: udp socket");
			return 1;
		}

	end = now_s() + o.seconds;
	while ((o.count ? s.requests < o.count : true) && now_s() < end) {
		uint8_t cmd = chance(90) ? (uint8_t)(1 + below(PEER_RELAY_CMD_CONFIG_SET)) :
					   (uint8_t)below(MAX_CMD + 1);
		bool framed = true, dump;
		int e, nmsgs;

		build_valid(&s, &m, cmd);
		if (chance(55))
			framed = mutate(&s, &m);
		cmd = ((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->cmd;
		dump = ((struct nlmsghdr *)m.b)->nlmsg_flags & NLM_F_DUMP;
		if (send(s.nl, m.b, m.len, 0) < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			/* a length the socket layer refuses is fine */
			s.requests++;
			continue;
		}
		s.requests++;
		if (!framed) {
			s.unframed++;
			continue;	/* may be dropped silently; stale answers are skipped */
		}
		e = nl_answer(&s, ((struct nlmsghdr *)m.b)->nlmsg_seq, dump, &nmsgs);
		if (e < 0) {
			fprintf(stderr, "nlfuzz: no answer to cmd %u (seq %u) within 2 s\n",
				cmd, ((struct nlmsghdr *)m.b)->nlmsg_seq);
			s.violations++;
			if (s.violations > 5)
				break;
			continue;
		}
		s.answers++;
		s.err[e < 256 ? e : 255]++;
		if (dump) {
			s.dumps++;
			s.dump_msgs += (unsigned long)nmsgs;
		}
		if (!e)
			s.ok++;
		/* genetlink checks the permission before parsing anything */
		if (s.expect_eperm && changing(cmd) && e != EPERM &&
		    !(e == EINVAL && header_refused(&m))) {
			fprintf(stderr, "nlfuzz: changing command %u without privileges: %s, not EPERM\n",
				cmd, e ? strerror(e) : "success");
			s.violations++;
		}
		if (s.verbose)
			fprintf(stderr, "cmd %u len %zu -> %d (%s)\n", cmd, m.len, -e, strerror(e));

		/* churn: close and reopen an offered socket; poke the fast path */
		if (chance(5)) {
			i = below(N_UDP);
			close(s.udp[i]);
			if (udp_open(&s, i)) {
				perror("nlfuzz: udp reopen");
				return 1;
			}
		}
		if (chance(30))
			poke(&s);
	}

	printf("requests %lu\nanswers %lu\nsucceeded %lu\nunframed %lu\ndumps %lu\ndump_messages %lu\ndatagrams %lu\n",
	       s.requests, s.answers, s.ok, s.unframed, s.dumps, s.dump_msgs, s.datagrams);
	for (i = 0; i < 256; i++)
		if (s.err[i] && i)
			printf("errno %s %lu\n", strerrorname_np((int)i) ? strerrorname_np((int)i) : "?", s.err[i]);
	printf("violations %lu\n", s.violations);
	return s.violations ? 1 : 0;
}
