// SPDX-License-Identifier: GPL-2.0-only
/*
 * pktfuzz - send random, truncated and mutated datagrams at a relay port
 * and say how the relay must account for each of them.
 *
 *   pktfuzz --from ADDR:PORT --to ADDR:PORT [--count N] [--seed S]
 *           [--ports K] [--open VNI]... [--connecting VNI]...
 *           [--interval-us US] [--listen MS] [--max-len N] [--kinds K,K...]
 *           [--sender KEYHEX]
 *
 * Datagrams are drawn from these kinds (the seed makes a run repeatable):
 *   tiny      0..64 random bytes            random   65..1400 random bytes
 *   trunc     a valid data packet of an --open VNI, cut short
 *   mutate    a valid data or control packet with 1..4 bits/bytes changed
 *   third     an intact data packet for an --open VNI (third-party source)
 *   ctl       an intact control packet (O bit) for a known VNI
 *   optlen    Geneve opt-len 63 (252 option bytes) in an 8..40 byte packet
 *   stun      STUN-looking (cookie 2112a442; some shorter than 20 bytes)
 *   vni       data/control for random, almost surely unknown VNIs
 *   version   version bits set (plain disco magic frames and others)
 *   halfbound data/control for a --connecting VNI
 *   flat      all-zero or all-ones, 8..64 bytes
 *   empty     zero-length datagram
 *
 * For each datagram it predicts the kernel's verdict with the shared
 * classifier (include/peer_relay/classify.h) plus what it was told about
 * the sessions (--open: bound on both sides, the sender is neither
 * endpoint; --connecting: not bound on both sides) and prints, after
 * sending:
 *   sent N
 *   kind NAME N                         (one line per kind)
 *   expect dropped_short N              (and dropped_unknown_vni,
 *                                        dropped_not_bound, dropped_bad_source,
 *                                        passed_control, passed_not_geneve,
 *                                        passed_stun)
 *   replies N                           datagrams received back on the
 *                                       sending sockets within --listen MS
 * The relay's counters must move by exactly these amounts. --kinds limits
 * the draw to the named kinds (e.g. "vni" for a random-VNI flood);
 * --sender puts that disco key (64 hex digits) in the sender field of the
 * control packets (kind ctl: "spoofed Binds" the relay must try to open
 * with a real client's key). --ports K
 * sends from K sockets on consecutive ports (PORT..PORT+K-1). Exit 0 if
 * every datagram was sent, 1 on errors, 2 on usage errors.
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
#include "num.h"

#include <peer_relay/classify.h>

#define MAX_VNIS	16
#define MAX_PORTS	64

enum verdict {
	V_DROP_SHORT, V_DROP_UNKNOWN_VNI, V_DROP_NOT_BOUND, V_DROP_BAD_SOURCE,
	V_PASS_CONTROL, V_PASS_NOT_GENEVE, V_PASS_STUN, V_MAX,
};

static const char *const verdict_names[V_MAX] = {
	"dropped_short", "dropped_unknown_vni", "dropped_not_bound",
	"dropped_bad_source", "passed_control", "passed_not_geneve",
	"passed_stun",
};

enum kind {
	K_TINY, K_RANDOM, K_TRUNC, K_MUTATE, K_THIRD, K_CTL, K_OPTLEN, K_STUN,
	K_VNI, K_VERSION, K_HALFBOUND, K_FLAT, K_EMPTY, K_MAX,
};

static const char *const kind_names[K_MAX] = {
	"tiny", "random", "trunc", "mutate", "third", "ctl", "optlen", "stun",
	"vni", "version", "halfbound", "flat", "empty",
};

struct vni_list {
	uint32_t v[MAX_VNIS];
	unsigned int n;
};

struct kind_list {
	enum kind k[K_MAX];
	unsigned int n;
};

struct opts {
	struct sockaddr_storage from, to;
	socklen_t from_len, to_len;
	bool have_from, have_to;
	uint32_t count;
	uint64_t seed;
	uint32_t ports;
	struct vni_list open, connecting;
	uint32_t interval_us;
	uint32_t listen_ms;
	uint32_t max_len;
	struct kind_list kinds;
	bool have_sender;
	uint8_t sender[32];
};
#define PRL_OPTS	struct opts	/* of the option table */

static const char usage[] =
	"Usage: pktfuzz --from ADDR:PORT --to ADDR:PORT [--count N] [--seed S]\n"
	"          [--ports K] [--open VNI]... [--connecting VNI]...\n"
	"          [--interval-us US] [--listen MS] [--max-len N]\n"
	"Send N (0..100000000, default 1000) random/truncated/mutated datagrams\n"
	"to a relay port and print how the relay's counters must change.\n"
	"  --seed S          0..2^64-1 (default 1)\n"
	"  --open VNI        a session bound on both sides (not by us)\n"
	"  --connecting VNI  a session not bound on both sides\n"
	"  --ports K         send from K (1..64) sockets on ports PORT..PORT+K-1\n"
	"  --interval-us US  pause between datagrams (0..10000000)\n"
	"  --listen MS       count datagrams coming back for MS (0..600000)\n"
	"                    afterwards\n"
	"  --max-len N       largest datagram (128..65000, default 1400)\n"
	"  --kinds K,K...    only these kinds (tiny random trunc mutate third ctl\n"
	"                    optlen stun vni version halfbound flat empty)\n"
	"  --sender KEYHEX   disco sender key of the control packets\n";

/* xorshift64* */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static void rnd_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static void geneve(uint8_t *p, bool control, uint16_t proto, uint32_t vni)
{
	p[0] = 0;
	p[1] = control ? 0x80 : 0;
	p[2] = (uint8_t)(proto >> 8);
	p[3] = (uint8_t)proto;
	p[4] = (uint8_t)(vni >> 16);
	p[5] = (uint8_t)(vni >> 8);
	p[6] = (uint8_t)vni;
	p[7] = 0;
}

static bool in_list(const uint32_t *l, unsigned int n, uint32_t v)
{
	for (unsigned int i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

static uint32_t pick(const uint32_t *l, unsigned int n)
{
	return n ? l[rnd_below(n)] : (uint32_t)(rnd() & 0xffffff);
}

/* The kernel's verdict for @p (from a source bound to no session). */
static enum verdict predict(const struct opts *o, const uint8_t *p, size_t len)
{
	uint32_t vni = 0;

	switch (prelay_classify(p, (uint32_t)len, &vni)) {
	case PRELAY_CLASS_STUN:
		return V_PASS_STUN;
	case PRELAY_CLASS_SHORT:
		return V_DROP_SHORT;
	case PRELAY_CLASS_NOT_GENEVE:
		return V_PASS_NOT_GENEVE;
	case PRELAY_CLASS_CONTROL:
		if (in_list(o->open.v, o->open.n, vni) ||
		    in_list(o->connecting.v, o->connecting.n, vni))
			return V_PASS_CONTROL;
		return V_DROP_UNKNOWN_VNI;
	case PRELAY_CLASS_DATA:
		break;
	}
	if (in_list(o->open.v, o->open.n, vni))
		return V_DROP_BAD_SOURCE;
	if (in_list(o->connecting.v, o->connecting.n, vni))
		return V_DROP_NOT_BOUND;
	return V_DROP_UNKNOWN_VNI;
}

/* A plausible data (or control) packet for @vni into @p; its length. */
static size_t valid_packet(uint8_t *p, size_t cap, bool control, uint32_t vni)
{
	static const uint8_t magic[6] = { 0x54, 0x53, 0xf0, 0x9f, 0x92, 0xac };
	size_t len = 8 + 32 + rnd_below(200);

	if (len > cap)
		len = cap;
	geneve(p, control, control || rnd_below(2) ? PRELAY_GENEVE_PROTO_DISCO :
						     PRELAY_GENEVE_PROTO_WG, vni);
	rnd_fill(p + 8, len - 8);
	if (p[3] == (PRELAY_GENEVE_PROTO_DISCO & 0xff) && len >= 8 + 6)
		memcpy(p + 8, magic, sizeof(magic));
	return len;
}

static size_t make(const struct opts *o, enum kind k, uint8_t *p, size_t cap)
{
	size_t len, i, n;
	uint32_t vni;

	switch (k) {
	case K_TINY:
		len = rnd_below(65);
		rnd_fill(p, len);
		return len;
	case K_RANDOM:
		len = 65 + rnd_below((unsigned int)(cap - 64));
		rnd_fill(p, len);
		return len;
	case K_TRUNC:
		len = valid_packet(p, cap, false, pick(o->open.v, o->open.n));
		return rnd_below((unsigned int)len + 1);
	case K_MUTATE:
		len = valid_packet(p, cap, rnd_below(2),
				   pick(o->open.v, o->open.n));
		n = 1 + rnd_below(4);
		for (i = 0; i < n; i++) {
			/* mostly the header, where it matters */
			size_t at = rnd_below(3) ? rnd_below(8) : rnd_below((unsigned int)len);

			if (rnd_below(2))
				p[at] ^= (uint8_t)(1u << rnd_below(8));
			else
				p[at] = (uint8_t)rnd();
		}
		return len;
	case K_THIRD:
		return valid_packet(p, cap, false, pick(o->open.v, o->open.n));
	case K_CTL:
		if (!o->connecting.n)
			vni = pick(o->open.v, o->open.n);
		else if (!o->open.n)
			vni = pick(o->connecting.v, o->connecting.n);
		else
			vni = rnd_below(2) ? pick(o->open.v, o->open.n) :
					     pick(o->connecting.v, o->connecting.n);
		len = valid_packet(p, cap, true, vni);
		if (o->have_sender) {
			/* a Bind-sized frame "from" a real client: box fails */
			len = 8 + 152;
			memcpy(p + 8 + 6, o->sender, 32);
		}
		return len;
	case K_OPTLEN:
		len = 8 + rnd_below(33);
		geneve(p, rnd_below(2), rnd_below(2) ? PRELAY_GENEVE_PROTO_DISCO :
						       PRELAY_GENEVE_PROTO_WG,
		       rnd_below(2) ? pick(o->open.v, o->open.n) : (uint32_t)rnd());
		p[0] = 0x3f;		/* version 0, 63 words of options */
		p[1] |= 0x40;		/* critical options present */
		rnd_fill(p + 8, len - 8);
		return len;
	case K_STUN:
		len = rnd_below(41);
		rnd_fill(p, len);
		if (len > 0)
			p[0] &= rnd_below(4) ? 0x3f : 0xff;
		if (len > 1)
			p[1] = 0x01;
		for (i = 4; i < 8 && i < len; i++)
			p[i] = (const uint8_t[]){ 0x21, 0x12, 0xa4, 0x42 }[i - 4];
		return len;
	case K_VNI:
		return valid_packet(p, cap, rnd_below(2), (uint32_t)rnd() & 0xffffff);
	case K_VERSION:
		len = valid_packet(p, cap, rnd_below(2), pick(o->open.v, o->open.n));
		if (rnd_below(2) && len >= 62) {
			/* a plain disco frame: "TS💬" ... */
			static const uint8_t magic[6] = { 0x54, 0x53, 0xf0, 0x9f, 0x92, 0xac };

			memcpy(p, magic, sizeof(magic));
		} else {
			p[0] |= (uint8_t)((1 + rnd_below(3)) << 6);
		}
		return len;
	case K_HALFBOUND:
		return valid_packet(p, cap, rnd_below(4) == 0,
				    pick(o->connecting.v, o->connecting.n));
	case K_FLAT:
		len = 8 + rnd_below(57);
		memset(p, rnd_below(2) ? 0xff : 0x00, len);
		return len;
	case K_EMPTY:
	default:
		return 0;
	}
}

static int open_sock(const struct opts *o, unsigned int i)
{
	struct sockaddr_storage ss = o->from;
	int fd, one = 1;

	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_port = htons((uint16_t)(ntohs(sin->sin_port) + i));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_port = htons((uint16_t)(ntohs(sin6->sin6_port) + i));
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("pktfuzz: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, o->from_len) < 0) {
		perror("pktfuzz: bind");
		close(fd);
		return -1;
	}
	return fd;
}

static long count_replies(const int *fds, unsigned int n, long ms)
{
	struct pollfd pfd[MAX_PORTS];
	struct timespec t0, t;
	uint8_t buf[2048];
	long got = 0, left;

	for (unsigned int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		if (poll(pfd, n, (int)left) <= 0)
			break;
		for (unsigned int i = 0; i < n; i++)
			while ((pfd[i].revents & POLLIN) &&
			       recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT) >= 0)
				got++;
	}
	return got;
}

/* PRL_OPT_PARSE: a VNI (1..0xffffff) added to a struct vni_list. */
static int opt_vni(struct prl_cli *cli, const char *what, const char *arg,
		   void *field)
{
	struct vni_list *l = field;
	uint32_t v;

	if (prl_parse_u32(arg, 1, 0xffffff, &v))
		return prl_cli_opt_check(cli, 1, what, arg, "a VNI, 1..16777215");
	if (l->n == MAX_VNIS)
		return prl_cli_usage_error(cli, "more than %d %s VNIs", MAX_VNIS,
					   what);
	l->v[l->n++] = v;
	return 0;
}

/* PRL_OPT_PARSE: kind names separated by commas, added to a kind_list. */
static int opt_kinds(struct prl_cli *cli, const char *what, const char *arg,
		     void *field)
{
	struct kind_list *l = field;
	char name[32];
	int k;

	do {
		size_t len = strcspn(arg, ",");

		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, arg, len);
		name[len] = '\0';
		k = prl_parse_keyword(name, kind_names, K_MAX);
		if (k < 0 || l->n == K_MAX)
			return prl_cli_usage_error(cli, "invalid %s '%s' (see --help)",
						   what, name);
		l->k[l->n++] = (enum kind)k;
		arg += strcspn(arg, ",");
	} while (*arg++ == ',');
	return 0;
}

/* PRL_OPT_PARSE: a 64-bit number. */
static int opt_u64(struct prl_cli *cli, const char *what, const char *arg,
		   void *field)
{
	return prl_cli_opt_check(cli, prl_parse_u64(arg, 0, UINT64_MAX, field),
				 what, arg, "a number");
}

static const struct prl_cli_opt pf_opts[] = {
	PRL_ROW("from", PRL_OPT_ENDPOINT, from, .seen = PRL_SEEN(have_from),
		.what = "--from address"),
	PRL_ROW("to", PRL_OPT_ENDPOINT, to, .seen = PRL_SEEN(have_to),
		.what = "--to address"),
	PRL_NUM("count", U32, count, "count", 0, 100000000),
	PRL_ROW("seed", PRL_OPT_PARSE, seed, .what = "seed", .parse = opt_u64),
	PRL_NUM("ports", U32, ports, "port count", 1, MAX_PORTS),
	PRL_ROW("open", PRL_OPT_PARSE, open, .what = "open", .parse = opt_vni),
	PRL_ROW("connecting", PRL_OPT_PARSE, connecting, .what = "connecting",
		.parse = opt_vni),
	PRL_NUM("interval-us", U32, interval_us, "interval", 0, 10000000),
	PRL_NUM("listen", U32, listen_ms, "listen time", 0, 600000),
	PRL_NUM("max-len", U32, max_len, "maximum length", 128, 65000),
	PRL_ROW("kinds", PRL_OPT_PARSE, kinds, .what = "kind",
		.parse = opt_kinds),
	PRL_ROW("sender", PRL_OPT_KEY, sender, .seen = PRL_SEEN(have_sender),
		.what = "sender key"),
	{ 0 },
};

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("pktfuzz");
	struct prl_cli cli = { .prog = &prog };
	static struct opts o = { .count = 1000, .seed = 1, .ports = 1,
				 .max_len = 1400 };
	unsigned long kinds[K_MAX] = { 0 }, verdicts[V_MAX] = { 0 }, sent = 0;
	static uint8_t buf[65536];
	int fds[MAX_PORTS];
	int rc;

	rc = prl_cli_getopt_all(&cli, pf_opts, &o, usage, argc, argv);
	if (rc >= 0)
		return rc;
	if (!o.have_from || !o.have_to || o.from.ss_family != o.to.ss_family)
		return prl_cli_usage_error(&cli, "need --from and --to of the same family");
	o.from_len = prl_sockaddr_len(o.from.ss_family);
	o.to_len = prl_sockaddr_len(o.to.ss_family);
	rng_state = o.seed * 0x9E3779B97F4A7C15ULL + 1;
	for (unsigned int i = 0; i < o.ports; i++) {
		fds[i] = open_sock(&o, i);
		if (fds[i] < 0)
			return 1;
	}

	for (unsigned long i = 0; i < o.count; i++) {
		enum kind k = o.kinds.n ? o.kinds.k[rnd_below(o.kinds.n)] :
					  (enum kind)rnd_below(K_MAX);
		size_t len;
		ssize_t r;

		/* kinds that need a session fall back to random VNIs */
		len = make(&o, k, buf, o.max_len);
		for (;;) {
			r = sendto(fds[i % o.ports], buf, len, 0,
				   (struct sockaddr *)&o.to, o.to_len);
			if (r >= 0 || (errno != ENOBUFS && errno != EAGAIN &&
				       errno != EINTR))
				break;
			usleep(1000);
		}
		if (r < 0) {
			fprintf(stderr, "pktfuzz: sendto: %s\n", strerror(errno));
			return 1;
		}
		sent++;
		kinds[k]++;
		verdicts[predict(&o, buf, len)]++;
		if (o.interval_us)
			usleep((useconds_t)o.interval_us);
	}

	printf("sent %lu\n", sent);
	for (int k = 0; k < K_MAX; k++)
		printf("kind %s %lu\n", kind_names[k], kinds[k]);
	for (int k = 0; k < V_MAX; k++)
		printf("expect %s %lu\n", verdict_names[k], verdicts[k]);
	printf("replies %ld\n", o.listen_ms ? count_replies(fds, o.ports, o.listen_ms) : 0L);
	return 0;
}
