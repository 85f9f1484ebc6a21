// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client many: N client pairs from a few sockets, for load tests.
 * Every pair allocates its session in-band (A's key must be granted), then
 * both sides run Bind -> Challenge -> Answer concurrently (a window of
 * handshakes in flight, Binds retransmitted). Keys are derived from
 * --seed, so `--print-grants` can write the grants file first.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "relay-client.h"

#define MANY_WINDOW	128	/* allocations/handshakes in flight */
#define MANY_RETRY_NS	(500 * 1000000ull)

static const char many_usage[] =
	"Usage: relay-client [-j] many --relay ADDR:PORT [--relay-b ADDR:PORT]\n"
	"                    --server-key KEY --pairs N [--sockets K] [--seed S]\n"
	"                    [--local-a ADDR] [--local-b ADDR] [--timeout MS]\n"
	"       relay-client many --pairs N [--seed S] --print-grants\n"
	"\n"
	"Load test: N client pairs (keys derived from --seed, default 0) share\n"
	"K sockets per side (default 4). Each pair's A allocates the session\n"
	"in-band at --relay, then A (via --relay) and B (via --relay-b, default\n"
	"the same) run the handshake; at most 128 operations are in flight and\n"
	"Binds/requests are retransmitted every 500 ms. Each pair then checks\n"
	"the path with a data probe A -> relay -> B -> relay -> A and handshakes\n"
	"again if it gets no echo (an Answer can be lost). --print-grants prints\n"
	"the N A keys (the grants file relayd needs) and exits.\n"
	"--timeout MS (default 60000) bounds the whole run.\n"
	"Output: allocated/answered counts, retransmissions and the time taken.\n"
	"Exit: 0 all answered, 1 error, 2 usage, 3 timeout.\n";

enum { S_IDLE, S_WAIT, S_DONE };

struct many_side {
	uint8_t priv[32], pub[32], shared[32];
	int fd;
	uint8_t state;
	uint32_t gen;
	uint64_t sent_ns;
};

struct many_pair {
	struct many_side s[2];	/* A, B */
	uint32_t vni;
	bool confirmed;		/* data went A -> relay -> B -> relay -> A */
	uint64_t probe_ns;
	uint8_t alloc_state;
	uint64_t alloc_sent_ns;
};

struct many {
	struct rcli_opts *o;
	struct many_pair *p;
	uint32_t n;
	int *fds[2];
	uint32_t k;
	/* VNI -> pair index (open addressing, 4N slots) */
	uint32_t *map_vni, *map_idx;
	size_t map_cap;
	uint64_t retransmits, ignored, rehandshakes;
	uint32_t allocated, answered, confirmed;
};

static void derive_key(uint32_t seed, uint32_t idx, uint8_t priv[32],
		       uint8_t pub[32])
{
	uint8_t in[8 + 16] = "prmany";

	memcpy(in + 8, &seed, 4);
	memcpy(in + 12, &idx, 4);
	crypto_generichash(priv, 32, in, sizeof(in), NULL, 0);
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	prl_key_public(priv, pub);
}

static void map_put(struct many *m, uint32_t vni, uint32_t idx)
{
	size_t h = (vni * 2654435761u) % m->map_cap;

	while (m->map_vni[h] && m->map_vni[h] != vni)
		h = (h + 1) % m->map_cap;
	m->map_vni[h] = vni;
	m->map_idx[h] = idx;
}

static long map_get(const struct many *m, uint32_t vni)
{
	size_t h = (vni * 2654435761u) % m->map_cap;

	while (m->map_vni[h]) {
		if (m->map_vni[h] == vni)
			return m->map_idx[h];
		h = (h + 1) % m->map_cap;
	}
	return -1;
}

static int sendto_relay(const struct many *m, int side, int fd,
			const void *buf, size_t len)
{
	const struct sockaddr_storage *to = side && m->o->relay_b_s ?
					    &m->o->relay_b : &m->o->relay;
	socklen_t tl = to->ss_family == AF_INET ?
		       sizeof(struct sockaddr_in) :
		       sizeof(struct sockaddr_in6);

	return sendto(fd, buf, len, 0, (const struct sockaddr *)to, tl) < 0 ?
	       -errno : 0;
}

static int send_alloc(struct many *m, struct many_pair *p)
{
	struct prl_disco_msg req = { .type = PRL_DISCO_ALLOC_REQUEST };
	uint8_t plain[PRL_DISCO_ALLOC_REQ_FRAME_LEN - PRL_DISCO_OVERHEAD];
	uint8_t out[PRL_DISCO_ALLOC_REQ_FRAME_LEN];
	bool lt = prl_key_cmp(p->s[0].pub, p->s[1].pub) < 0;
	ssize_t n;

	memcpy(req.u.alloc_req.client_key[0], lt ? p->s[0].pub : p->s[1].pub, 32);
	memcpy(req.u.alloc_req.client_key[1], lt ? p->s[1].pub : p->s[0].pub, 32);
	req.u.alloc_req.generation = 1;
	memset(plain, 0, sizeof(plain));
	if (prl_disco_marshal(&req, plain, sizeof(plain)) < 0)
		return -EINVAL;
	n = prl_disco_seal(out, sizeof(out), p->s[0].pub, p->s[0].shared,
			  plain, sizeof(plain));
	if (n < 0)
		return -EINVAL;
	p->alloc_sent_ns = prl_rc_now_ns();
	return sendto_relay(m, 0, p->s[0].fd, out, (size_t)n);
}

static int send_hs(struct many *m, struct many_pair *p, int side,
		   uint8_t type, const uint8_t *challenge,
		   const struct sockaddr *to, socklen_t tl)
{
	struct prl_geneve_hdr gh = { .control = true,
				    .proto = PRELAY_GENEVE_PROTO_DISCO };
	struct prl_disco_msg msg = { .type = type };
	struct many_side *s = &p->s[side];
	uint8_t out[PRL_DISCO_HANDSHAKE_PKT_LEN];
	ssize_t n;

	msg.u.hs.vni = p->vni;
	msg.u.hs.generation = s->gen;
	memcpy(msg.u.hs.remote_key, p->s[!side].pub, 32);
	if (challenge)
		memcpy(msg.u.hs.challenge, challenge, 32);
	prl_geneve_set_vni(&gh, p->vni);
	prl_geneve_encode(out, sizeof(out), &gh);
	n = prl_disco_seal_msg(out + PRELAY_GENEVE_HLEN, sizeof(out) - PRELAY_GENEVE_HLEN,
			      s->pub, s->shared, &msg);
	if (n < 0)
		return -EINVAL;
	n += PRELAY_GENEVE_HLEN;
	if (to)
		return sendto(s->fd, out, (size_t)n, 0, to, tl) < 0 ? -errno : 0;
	s->sent_ns = prl_rc_now_ns();
	return sendto_relay(m, side, s->fd, out, (size_t)n);
}

/* A datagram on side @side's socket @fd. */
static void on_datagram(struct many *m, int side, int fd, const uint8_t *buf,
			size_t len, const struct sockaddr_storage *from,
			socklen_t fl)
{
	struct prl_geneve_hdr gh;
	struct prl_disco_msg msg;
	struct many_pair *p;
	struct many_side *s;
	uint32_t i;
	long idx;

	if (prl_disco_has_magic(buf, len)) {
		/* AllocateResponse for one of this socket's pending pairs */
		if (side)
			goto ignore;
		for (i = 0; i < m->n; i++) {
			p = &m->p[i];
			if (p->alloc_state != S_WAIT || p->s[0].fd != fd)
				continue;
			if (prl_disco_open_msg(buf, len, p->s[0].shared, &msg))
				continue;
			if (msg.type != PRL_DISCO_ALLOC_RESPONSE || msg.empty)
				goto ignore;
			p->vni = msg.u.alloc_resp.ep.vni;
			p->alloc_state = S_DONE;
			map_put(m, p->vni, i);
			m->allocated++;
			return;
		}
		goto ignore;
	}
	if (!prl_geneve_client_accepts(buf, len) ||
	    prl_geneve_decode(buf, len, &gh))
		goto ignore;
	idx = map_get(m, gh.vni);
	if (idx < 0)
		goto ignore;
	if (!gh.control) {
		/* a probe: B echoes it, A counts the pair as confirmed */
		uint32_t pi;

		if (gh.proto != PRELAY_GENEVE_PROTO_WG ||
		    len != PRELAY_GENEVE_HLEN + sizeof(pi))
			goto ignore;
		memcpy(&pi, buf + PRELAY_GENEVE_HLEN, sizeof(pi));
		if (pi != (uint32_t)idx)
			goto ignore;
		p = &m->p[idx];
		if (side) {
			sendto_relay(m, 1, fd, buf, len);
		} else if (!p->confirmed) {
			p->confirmed = true;
			m->confirmed++;
		}
		return;
	}
	p = &m->p[idx];
	s = &p->s[side];
	if (s->state != S_WAIT || s->fd != fd ||
	    prl_disco_open_msg(buf + PRELAY_GENEVE_HLEN, len - PRELAY_GENEVE_HLEN,
			      s->shared, &msg) ||
	    msg.type != PRL_DISCO_CHALLENGE || msg.u.hs.vni != p->vni ||
	    msg.u.hs.generation != s->gen ||
	    memcmp(msg.u.hs.remote_key, p->s[!side].pub, 32))
		goto ignore;
	if (send_hs(m, p, side, PRL_DISCO_ANSWER, msg.u.hs.challenge,
		    (const struct sockaddr *)from, fl))
		return;	/* retransmitted Bind will retry */
	s->state = S_DONE;
	m->answered++;
	return;
ignore:
	m->ignored++;
}

static int open_fd(const struct sockaddr_storage *relay, const char *local_s,
		   const struct sockaddr_storage *local)
{
	struct sockaddr_storage any;
	int fd, one = 1, sz = 4 << 20;

	fd = socket(relay->ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (relay->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&any, 0, sizeof(any));
	any.ss_family = relay->ss_family;
	if (local_s) {
		any = *local;
		if (any.ss_family == AF_INET)
			((struct sockaddr_in *)&any)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&any)->sin6_port = 0;
	}
	if (bind(fd, (struct sockaddr *)&any, any.ss_family == AF_INET ?
		 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6))) {
		one = -errno;
		close(fd);
		return one;
	}
	return fd;
}

static void send_probe(struct many *m, struct many_pair *p, uint32_t idx)
{
	struct prl_geneve_hdr gh = { .proto = PRELAY_GENEVE_PROTO_WG };
	uint8_t out[PRELAY_GENEVE_HLEN + 4];

	prl_geneve_set_vni(&gh, p->vni);
	prl_geneve_encode(out, sizeof(out), &gh);
	memcpy(out + PRELAY_GENEVE_HLEN, &idx, 4);
	p->probe_ns = prl_rc_now_ns();
	sendto_relay(m, 0, p->s[0].fd, out, sizeof(out));
}

/* Start/retransmit operations: keep MANY_WINDOW in flight. */
static int pump(struct many *m, uint64_t now, bool alloc_phase)
{
	uint32_t i, inflight = 0;
	int side, err;

	for (i = 0; i < m->n; i++) {
		struct many_pair *p = &m->p[i];

		if (alloc_phase) {
			if (p->alloc_state == S_WAIT) {
				if (now - p->alloc_sent_ns > MANY_RETRY_NS) {
					m->retransmits++;
					send_alloc(m, p);
				}
				inflight++;
			} else if (p->alloc_state == S_IDLE &&
				   inflight < MANY_WINDOW) {
				p->alloc_state = S_WAIT;
				err = send_alloc(m, p);
				if (err && err != -EAGAIN && err != -ENOBUFS)
					return err;
				inflight++;
			}
			continue;
		}
		for (side = 0; side < 2; side++) {
			struct many_side *s = &p->s[side];

			if (s->state == S_WAIT) {
				if (now - s->sent_ns > MANY_RETRY_NS) {
					m->retransmits++;
					send_hs(m, p, side, PRL_DISCO_BIND, NULL,
						NULL, 0);
				}
				inflight++;
			} else if (s->state == S_IDLE &&
				   inflight < MANY_WINDOW) {
				s->state = S_WAIT;
				if (!s->gen)
					s->gen = 1;
				err = send_hs(m, p, side, PRL_DISCO_BIND, NULL,
					      NULL, 0);
				if (err && err != -EAGAIN && err != -ENOBUFS)
					return err;
				inflight++;
			}
		}
	}
	return 0;
}

static void read_all(struct many *m, struct pollfd *pfd, uint32_t nfd)
{
	uint8_t buf[2048];
	uint32_t i;

	for (i = 0; i < nfd; i++) {
		if (!(pfd[i].revents & POLLIN))
			continue;
		for (;;) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(pfd[i].fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &fl);

			if (n < 0)
				break;
			on_datagram(m, i >= m->k, pfd[i].fd, buf, (size_t)n,
				    &from, fl);
		}
	}
}

static uint32_t setup_pfd(struct many *m, struct pollfd *pfd)
{
	uint32_t i, nfd = 0;
	int side;

	for (side = 0; side < 2; side++)
		for (i = 0; i < m->k; i++) {
			pfd[nfd].fd = m->fds[side][i];
			pfd[nfd].events = POLLIN;
			nfd++;
		}
	return nfd;
}

/*
 * Confirm every answered pair end to end with a data probe A -> B -> A
 * (up to 3 probes, 400 ms apart). Pairs still unconfirmed are set up for
 * a new handshake (next generation, both sides). Returns how many.
 */
static uint32_t confirm(struct many *m, uint64_t deadline)
{
	struct pollfd pfd[128];
	uint32_t nfd = setup_pfd(m, pfd), i, inflight, tries, left = 0;

	for (tries = 0; tries < 3 && m->confirmed < m->n; tries++) {
		uint64_t end = prl_rc_now_ns() + 400 * 1000000ull;

		inflight = 0;
		for (i = 0; i < m->n; i++) {
			if (m->p[i].confirmed)
				continue;
			send_probe(m, &m->p[i], i);
			if (++inflight % MANY_WINDOW == 0) {
				/* let the window drain a little */
				if (poll(pfd, nfd, 5) > 0)
					read_all(m, pfd, nfd);
			}
		}
		while (prl_rc_now_ns() < end && prl_rc_now_ns() < deadline &&
		       m->confirmed < m->n) {
			if (poll(pfd, nfd, 20) > 0)
				read_all(m, pfd, nfd);
		}
	}
	for (i = 0; i < m->n; i++) {
		struct many_pair *p = &m->p[i];
		int side;

		if (p->confirmed)
			continue;
		left++;
		for (side = 0; side < 2; side++) {
			if (p->s[side].state == S_DONE)
				m->answered--;
			p->s[side].state = S_IDLE;
			p->s[side].gen++;
		}
		m->rehandshakes++;
	}
	return left;
}

static int run(struct many *m, bool alloc_phase, uint64_t deadline)
{
	struct pollfd pfd[128];
	uint32_t nfd = setup_pfd(m, pfd), want = alloc_phase ? m->n : 2 * m->n;
	int err;

	while ((alloc_phase ? m->allocated : m->answered) < want) {
		uint64_t now = prl_rc_now_ns();

		if (now >= deadline)
			return -ETIMEDOUT;
		err = pump(m, now, alloc_phase);
		if (err)
			return err;
		err = poll(pfd, nfd, 50);
		if (err < 0 && errno != EINTR)
			return -errno;
		if (err > 0)
			read_all(m, pfd, nfd);
	}
	return 0;
}

int cmd_many(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	struct many m = { 0 };
	struct rcli_opts o;
	uint64_t t0, t_alloc, deadline;
	uint32_t i;
	int rc, err = 0, side;
	char hex[65];

	rc = rcli_parse_opts(r, argc, argv, &o, many_usage);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!o.pairs)
		return rcli_usage_error(r, "--pairs is required");
	if (!o.sockets)
		o.sockets = 4;
	if (!o.timeout_set)
		o.timeout_ms = 60000;
	m.o = &o;
	m.n = o.pairs;
	m.k = o.sockets;
	m.p = calloc(m.n, sizeof(*m.p));
	m.map_cap = 4 * (size_t)m.n + 1;
	m.map_vni = calloc(m.map_cap, sizeof(uint32_t));
	m.map_idx = calloc(m.map_cap, sizeof(uint32_t));
	m.fds[0] = calloc(m.k, sizeof(int));
	m.fds[1] = calloc(m.k, sizeof(int));
	if (!m.p || !m.map_vni || !m.map_idx || !m.fds[0] || !m.fds[1]) {
		rc = rcli_error(r, "out of memory");
		goto out;
	}
	for (i = 0; i < m.n; i++) {
		derive_key(o.seed, 2 * i, m.p[i].s[0].priv, m.p[i].s[0].pub);
		derive_key(o.seed, 2 * i + 1, m.p[i].s[1].priv,
			   m.p[i].s[1].pub);
	}
	if (o.print_grants) {
		for (i = 0; i < m.n; i++)
			printf("%s\n", rcli_fmt_key(m.p[i].s[0].pub, hex));
		rc = EXIT_OK;
		goto out;
	}
	if (!o.relay_s || !o.have_server_key) {
		rc = rcli_usage_error(r, "--relay and --server-key are required");
		goto out;
	}
	for (side = 0; side < 2; side++)
		for (i = 0; i < m.k; i++) {
			const struct sockaddr_storage *rel =
				side && o.relay_b_s ? &o.relay_b : &o.relay;
			const char *ls = side ? o.local_b_s : o.local_s;

			if (ls && (side ? o.local_b : o.local).ss_family !=
				  rel->ss_family) {
				rc = rcli_usage_error(r, "--local-%c and its relay address differ in family",
						      side ? 'b' : 'a');
				goto out;
			}
			m.fds[side][i] = open_fd(rel, ls,
						 side ? &o.local_b : &o.local);
			if (m.fds[side][i] < 0) {
				rc = rcli_fail(r, m.fds[side][i], "socket");
				goto out;
			}
		}
	t0 = prl_rc_now_ns();
	for (i = 0; i < m.n; i++)
		for (side = 0; side < 2; side++) {
			struct many_side *s = &m.p[i].s[side];

			s->fd = m.fds[side][i % m.k];
			if (prl_disco_shared_key(s->shared, o.server_key,
						s->priv)) {
				rc = rcli_usage_error(r, "bad server key");
				goto out;
			}
		}
	deadline = t0 + (uint64_t)o.timeout_ms * 1000000u;
	err = run(&m, true, deadline);
	t_alloc = prl_rc_now_ns();
	/* handshake, confirm end to end, redo the pairs that failed */
	while (!err) {
		err = run(&m, false, deadline);
		if (!err && !confirm(&m, deadline))
			break;
		if (!err && prl_rc_now_ns() >= deadline)
			err = -ETIMEDOUT;
	}
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_u64(&r->j, "pairs", m.n);
		prl_json_kv_u64(&r->j, "allocated", m.allocated);
		prl_json_kv_u64(&r->j, "answered", m.answered);
		prl_json_kv_u64(&r->j, "confirmed", m.confirmed);
		prl_json_kv_u64(&r->j, "rehandshakes", m.rehandshakes);
		prl_json_kv_u64(&r->j, "retransmits", m.retransmits);
		prl_json_kv_u64(&r->j, "ignored", m.ignored);
		prl_json_kv_u64(&r->j, "alloc_ms", (t_alloc - t0) / 1000000);
		prl_json_kv_u64(&r->j, "total_ms",
			       (prl_rc_now_ns() - t0) / 1000000);
		prl_json_obj_end(&r->j);
	} else {
		printf("pairs %u allocated %u answered %u/%u confirmed %u rehandshakes %llu retransmits %llu ignored %llu alloc_ms %llu total_ms %llu\n",
		       m.n, m.allocated, m.answered, 2 * m.n, m.confirmed,
		       (unsigned long long)m.rehandshakes,
		       (unsigned long long)m.retransmits,
		       (unsigned long long)m.ignored,
		       (unsigned long long)((t_alloc - t0) / 1000000),
		       (unsigned long long)((prl_rc_now_ns() - t0) / 1000000));
	}
	rc = err ? rcli_fail(r, err, "many") : EXIT_OK;
out:
	for (side = 0; side < 2; side++)
		for (i = 0; m.fds[side] && i < m.k; i++)
			if (m.fds[side][i] > 0)
				close(m.fds[side][i]);
	if (m.p)
		sodium_memzero(m.p, m.n * sizeof(*m.p));
	free(m.p);
	free(m.map_vni);
	free(m.map_idx);
	free(m.fds[0]);
	free(m.fds[1]);
	return rc;
}
