// SPDX-License-Identifier: GPL-2.0-only
/* Client side of the peer relay protocol (see relayclient.h). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "addr.h"
#include "relayclient.h"
#include "udpsock.h"

uint64_t prl_rc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * PRL_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint32_t prl_rc_next_generation(uint32_t g)
{
	return g + 1 ? g + 1 : 1;
}

static int open_socket(int family, const struct sockaddr *local)
{
	struct sockaddr_storage any;

	if (!local) {
		memset(&any, 0, sizeof(any));
		any.ss_family = (sa_family_t)family;
		local = (const struct sockaddr *)&any;
	}
	if (local->sa_family != family)
		return -EAFNOSUPPORT;	/* bind() would refuse it */
	return prl_udp_open(local, false);
}

int prl_rc_open(struct prl_rc *c, const uint8_t priv[PRL_KEY_LEN],
	       const struct sockaddr *relay, const struct sockaddr *local)
{
	int fd;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->relay_len = prl_sockaddr_len(relay->sa_family);
	if (!c->relay_len)
		return -EAFNOSUPPORT;
	if (local && local->sa_family != relay->sa_family)
		return -EAFNOSUPPORT;
	memcpy(c->priv, priv, PRL_KEY_LEN);
	if (prl_key_public(c->priv, c->pub))
		return -EINVAL;
	memcpy(&c->relay, relay, c->relay_len);
	c->family = relay->sa_family;
	fd = open_socket(c->family, local);
	if (fd < 0)
		return fd;
	c->fd = fd;
	return 0;
}

void prl_rc_close(struct prl_rc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	sodium_memzero(c, sizeof(*c));
	c->fd = -1;
}

int prl_rc_local(const struct prl_rc *c, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	memset(ss, 0, sizeof(*ss));
	return getsockname(c->fd, (struct sockaddr *)ss, &len) ? -errno : 0;
}

int prl_rc_set_endpoint(struct prl_rc *c, const uint8_t server_key[PRL_KEY_LEN],
		       uint32_t vni, const uint8_t peer[PRL_KEY_LEN])
{
	if (!memcmp(peer, c->pub, PRL_KEY_LEN) ||
	    !memcmp(server_key, c->pub, PRL_KEY_LEN))
		return -EINVAL;
	if (prl_disco_shared_key(c->shared_server, server_key, c->priv) ||
	    prl_disco_shared_key(c->shared_peer, peer, c->priv))
		return -EINVAL;
	memcpy(c->server_key, server_key, PRL_KEY_LEN);
	memcpy(c->peer, peer, PRL_KEY_LEN);
	c->vni = vni & PRL_GENEVE_VNI_MASK;
	c->have_endpoint = true;
	return 0;
}

static int send_to(struct prl_rc *c, int fd, const struct sockaddr *to,
		   const void *buf, size_t len)
{
	ssize_t n = sendto(fd, buf, len, 0, to,
			   prl_sockaddr_len(to->sa_family));

	if (n < 0)
		return -errno;
	c->tx_datagrams++;
	return 0;
}

int prl_rc_send_raw(struct prl_rc *c, const void *buf, size_t len)
{
	return send_to(c, c->fd, (const struct sockaddr *)&c->relay, buf, len);
}

/*
 * Wait until @deadline_ns (0: forever) for a datagram. Returns its length,
 * -ETIMEDOUT or -errno.
 */
static ssize_t recv_until(struct prl_rc *c, uint8_t *buf, size_t cap,
			  uint64_t deadline_ns, struct sockaddr_storage *from,
			  socklen_t *from_len)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int ms, r;

	for (;;) {
		if (deadline_ns) {
			uint64_t now = prl_rc_now_ns();

			if (now >= deadline_ns)
				return -ETIMEDOUT;
			ms = (int)((deadline_ns - now + 999999) / 1000000);
		} else {
			ms = -1;
		}
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			continue;	/* re-check the deadline */
		*from_len = sizeof(*from);
		n = recvfrom(c->fd, buf, cap, MSG_DONTWAIT,
			     (struct sockaddr *)from, from_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		c->rx_datagrams++;
		return n;
	}
}

static uint64_t deadline_after(int timeout_ms)
{
	if (timeout_ms < 0)
		return 0;
	return prl_rc_now_ns() + (uint64_t)timeout_ms * 1000000u;
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

size_t prl_rc_set_candidates(struct prl_rc *c,
			    const struct prl_disco_endpoint *ep)
{
	size_t i;

	c->n_cands = 0;
	for (i = 0; i < ep->n_addrports; i++) {
		struct sockaddr_storage ss;
		socklen_t len = prl_addrport_to_sockaddr(&ep->addrports[i], &ss);

		if (!len || ss.ss_family != c->family ||
		    (len == c->relay_len && !memcmp(&ss, &c->relay, len)))
			continue;
		c->cands[c->n_cands++] = ss;
	}
	return c->n_cands;
}

/* Send a Bind to the relay and every candidate; OK if one send worked. */
static int send_binds(struct prl_rc *c, const uint8_t *pkt, size_t len)
{
	int err = prl_rc_send_raw(c, pkt, len);
	size_t i;

	for (i = 0; i < c->n_cands; i++)
		if (!send_to(c, c->fd, (const struct sockaddr *)&c->cands[i],
			     pkt, len))
			err = 0;
	return err;
}

/* ---- in-band allocation ---- */

static void sorted_pair(const uint8_t *a, const uint8_t *b,
			uint8_t out[2][PRL_KEY_LEN])
{
	bool lt = prl_key_cmp(a, b) < 0;

	memcpy(out[0], lt ? a : b, PRL_KEY_LEN);
	memcpy(out[1], lt ? b : a, PRL_KEY_LEN);
}

int prl_rc_alloc_start(struct prl_rc *c, const uint8_t server_key[PRL_KEY_LEN],
		      const uint8_t peer[PRL_KEY_LEN])
{
	if (!memcmp(peer, c->pub, PRL_KEY_LEN))
		return -EINVAL;
	if (prl_disco_shared_key(c->alloc_shared, server_key, c->priv))
		return -EINVAL;
	memcpy(c->alloc_server, server_key, PRL_KEY_LEN);
	memcpy(c->alloc_peer, peer, PRL_KEY_LEN);
	sorted_pair(c->pub, peer, c->alloc_pair);
	c->alloc_generation = prl_rc_next_generation(c->alloc_generation);
	return prl_rc_alloc_send(c);
}

int prl_rc_alloc_send(struct prl_rc *c)
{
	struct prl_disco_msg req = { .type = PRL_DISCO_ALLOC_REQUEST };
	uint8_t plain[PRL_DISCO_ALLOC_REQ_FRAME_LEN - PRL_DISCO_OVERHEAD];
	uint8_t out[PRL_DISCO_ALLOC_REQ_FRAME_LEN];
	ssize_t n;

	memcpy(req.u.alloc_req.client_key, c->alloc_pair, sizeof(c->alloc_pair));
	req.u.alloc_req.generation = c->alloc_generation;
	/* zero padding up to PRL_DISCO_ALLOC_REQ_FRAME_LEN (ignored by parsers) */
	memset(plain, 0, sizeof(plain));
	if (prl_disco_marshal(&req, plain, sizeof(plain)) < 0)
		return -EINVAL;
	/* a fresh nonce for every (re)transmission */
	n = prl_disco_seal(out, sizeof(out), c->pub, c->alloc_shared, plain,
			  sizeof(plain));
	if (n < 0)
		return -EINVAL;
	return prl_rc_send_raw(c, out, (size_t)n);
}

int prl_rc_alloc_input(struct prl_rc *c, const uint8_t *buf, size_t len,
		      struct prl_disco_endpoint *ep)
{
	const struct prl_disco_endpoint *e;
	const uint8_t *sender;
	struct prl_disco_msg m;

	sender = prl_disco_sender(buf, len);
	if (!sender || memcmp(sender, c->alloc_server, PRL_KEY_LEN) ||
	    prl_disco_open_msg(buf, len, c->alloc_shared, &m) ||
	    m.type != PRL_DISCO_ALLOC_RESPONSE || m.empty)
		return 0;
	e = &m.u.alloc_resp.ep;
	if (m.u.alloc_resp.generation != c->alloc_generation ||
	    memcmp(e->client_key, c->alloc_pair, sizeof(c->alloc_pair)) ||
	    memcmp(e->server_key, c->alloc_server, PRL_KEY_LEN))
		return 0;
	*ep = *e;
	if (prl_rc_set_endpoint(c, c->alloc_server, e->vni, c->alloc_peer))
		return -EINVAL;
	return 1;
}

/*
 * The blocking form of a non-blocking step (allocation, bind): feed every
 * datagram to @input (> 0 done, 0 not ours, < 0 error) and call @resend
 * every PRL_RC_RETRY_MS until @timeout_ms passes. @err is the result of
 * the step's start.
 */
typedef int (*rc_input_fn)(struct prl_rc *c, const uint8_t *buf, size_t len,
			   const struct sockaddr_storage *from,
			   socklen_t from_len, void *arg);

static int rc_wait(struct prl_rc *c, int err, int timeout_ms,
		   rc_input_fn input, int (*resend)(struct prl_rc *c),
		   void *arg)
{
	uint8_t buf[PRL_RC_MAX_DATAGRAM];
	uint64_t deadline = deadline_after(timeout_ms), retry;

	for (;;) {
		if (err)
			return err;
		retry = prl_rc_now_ns() + PRL_RC_RETRY_MS * 1000000ull;
		for (;;) {
			struct sockaddr_storage from;
			socklen_t flen;
			ssize_t n;

			n = recv_until(c, buf, sizeof(buf),
				       min_deadline(deadline, retry), &from,
				       &flen);
			if (n == -ETIMEDOUT) {
				if (deadline && prl_rc_now_ns() >= deadline)
					return -ETIMEDOUT;
				break;	/* retransmit */
			}
			if (n < 0)
				return (int)n;
			err = input(c, buf, (size_t)n, &from, flen, arg);
			if (err < 0)
				return err;
			if (err > 0)
				return 0;
			c->rx_ignored++;
		}
		err = resend(c);
	}
}

static int alloc_input(struct prl_rc *c, const uint8_t *buf, size_t len,
		       const struct sockaddr_storage *from, socklen_t from_len,
		       void *ep)
{
	return prl_rc_alloc_input(c, buf, len, ep);
}

int prl_rc_allocate(struct prl_rc *c, const uint8_t server_key[PRL_KEY_LEN],
		   const uint8_t peer[PRL_KEY_LEN], int timeout_ms,
		   struct prl_disco_endpoint *ep)
{
	return rc_wait(c, prl_rc_alloc_start(c, server_key, peer), timeout_ms,
		       alloc_input, prl_rc_alloc_send, ep);
}

/* ---- handshake ---- */

static int build_hs(struct prl_rc *c, uint8_t type, uint32_t gen,
		    const uint8_t *challenge, uint8_t *out, size_t cap)
{
	struct prl_geneve_hdr gh;
	struct prl_disco_msg m;
	ssize_t n;

	prl_disco_hs_init(&m, &gh, type, c->vni, gen, c->peer);
	if (challenge)
		memcpy(m.u.hs.challenge, challenge, PRL_KEY_LEN);
	switch (type == PRL_DISCO_BIND ? c->corrupt : PRL_RC_CORRUPT_NONE) {
	case PRL_RC_CORRUPT_BIND_VNI:
		m.u.hs.vni = (c->vni + 1) & PRL_GENEVE_VNI_MASK;
		break;
	case PRL_RC_CORRUPT_BIND_REMOTE:
		memcpy(m.u.hs.remote_key, c->pub, PRL_KEY_LEN);
		break;
	case PRL_RC_CORRUPT_BIND_GEN0:
		m.u.hs.generation = 0;
		break;
	case PRL_RC_CORRUPT_BIND_PROTO:
		gh.proto = PRELAY_GENEVE_PROTO_WG;
		break;
	default:
		break;
	}
	if (type == PRL_DISCO_ANSWER && c->corrupt == PRL_RC_CORRUPT_ANSWER_MAC)
		m.u.hs.challenge[0] ^= 0x01;
	if (type == PRL_DISCO_ANSWER && c->corrupt == PRL_RC_CORRUPT_ANSWER_GEN)
		m.u.hs.generation = prl_rc_next_generation(gen);
	n = prl_disco_seal_geneve(out, cap, &gh, c->pub, c->shared_server, &m);
	if (n < 0)
		return -EINVAL;
	if (type == PRL_DISCO_BIND && c->corrupt == PRL_RC_CORRUPT_BIND_TAMPER)
		out[n - 1] ^= 0x01;
	return (int)n;
}

/* Is @buf a valid Challenge for generation @gen? */
static bool is_challenge(struct prl_rc *c, const uint8_t *buf, size_t len,
			 uint32_t gen, uint8_t challenge[PRL_KEY_LEN])
{
	struct prl_geneve_hdr gh;
	struct prl_disco_msg m;
	const uint8_t *sender;

	if (!prl_geneve_client_accepts(buf, len) ||
	    prl_geneve_decode(buf, len, &gh) || !gh.control ||
	    gh.proto != PRELAY_GENEVE_PROTO_DISCO || gh.vni != c->vni)
		return false;
	sender = prl_disco_sender(buf + PRELAY_GENEVE_HLEN, len - PRELAY_GENEVE_HLEN);
	if (!sender || memcmp(sender, c->server_key, PRL_KEY_LEN))
		return false;
	if (prl_disco_open_msg(buf + PRELAY_GENEVE_HLEN, len - PRELAY_GENEVE_HLEN,
			      c->shared_server, &m))
		return false;
	if (m.type != PRL_DISCO_CHALLENGE || m.u.hs.vni != c->vni ||
	    m.u.hs.generation != gen ||
	    memcmp(m.u.hs.remote_key, c->peer, PRL_KEY_LEN))
		return false;
	memcpy(challenge, m.u.hs.challenge, PRL_KEY_LEN);
	return true;
}

static int send_answer(struct prl_rc *c, uint32_t gen,
		       const uint8_t challenge[PRL_KEY_LEN],
		       const struct sockaddr *to)
{
	uint8_t pkt[PRL_DISCO_HANDSHAKE_PKT_LEN];
	struct sockaddr_storage local;
	int n, fd, err;

	if (c->corrupt == PRL_RC_CORRUPT_ANSWER_NONE)
		return 0;
	n = build_hs(c, PRL_DISCO_ANSWER, gen, challenge, pkt, sizeof(pkt));
	if (n < 0)
		return n;
	if (c->corrupt != PRL_RC_CORRUPT_ANSWER_PORT)
		return send_to(c, c->fd, to, pkt, (size_t)n);

	/* same local address, another port */
	err = prl_rc_local(c, &local);
	if (err)
		return err;
	if (local.ss_family == AF_INET)
		((struct sockaddr_in *)&local)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&local)->sin6_port = 0;
	fd = open_socket(c->family, (struct sockaddr *)&local);
	if (fd < 0)
		return fd;
	err = send_to(c, fd, to, pkt, (size_t)n);
	close(fd);
	return err;
}

int prl_rc_bind_start(struct prl_rc *c, uint32_t generation)
{
	int n;

	if (!c->have_endpoint)
		return -EINVAL;
	c->generation = generation ? generation :
			prl_rc_next_generation(c->generation);
	n = build_hs(c, PRL_DISCO_BIND, c->generation, NULL, c->bind_pkt,
		     sizeof(c->bind_pkt));
	if (n < 0)
		return n;
	c->bind_len = (size_t)n;
	return prl_rc_bind_resend(c);
}

int prl_rc_bind_resend(struct prl_rc *c)
{
	if (!c->bind_len)
		return -EINVAL;
	return send_binds(c, c->bind_pkt, c->bind_len);
}

int prl_rc_bind_input(struct prl_rc *c, const uint8_t *buf, size_t len,
		     const struct sockaddr_storage *from, socklen_t from_len)
{
	uint8_t challenge[PRL_KEY_LEN];
	int err;

	if (!c->bind_len ||
	    !is_challenge(c, buf, len, c->generation, challenge))
		return 0;
	/* answer only the first Challenge, to its source, which is the
	 * relay address from now on */
	if (from_len <= sizeof(c->relay)) {
		memcpy(&c->relay, from, from_len);
		c->relay_len = from_len;
	}
	c->bind_len = 0;
	err = send_answer(c, c->generation, challenge,
			  (const struct sockaddr *)from);
	return err ? err : 1;
}

static int bind_input(struct prl_rc *c, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *from, socklen_t from_len,
		      void *challenge_from)
{
	int err = prl_rc_bind_input(c, buf, len, from, from_len);

	if (err > 0 && challenge_from)
		*(struct sockaddr_storage *)challenge_from = *from;
	return err;
}

int prl_rc_bind(struct prl_rc *c, uint32_t generation, int timeout_ms,
	       struct sockaddr_storage *challenge_from)
{
	return rc_wait(c, prl_rc_bind_start(c, generation), timeout_ms,
		       bind_input, prl_rc_bind_resend, challenge_from);
}

/* ---- data and end-to-end disco ---- */

int prl_rc_send_data(struct prl_rc *c, uint16_t proto, const void *payload,
		    size_t len)
{
	uint8_t buf[PRL_RC_MAX_DATAGRAM];
	struct prl_geneve_hdr gh = { .proto = proto };

	if (!c->have_endpoint)
		return -EINVAL;
	if (len > sizeof(buf) - PRELAY_GENEVE_HLEN)
		return -EMSGSIZE;
	prl_geneve_set_vni(&gh, c->vni);
	prl_geneve_encode(buf, sizeof(buf), &gh);
	memcpy(buf + PRELAY_GENEVE_HLEN, payload, len);
	return prl_rc_send_raw(c, buf, PRELAY_GENEVE_HLEN + len);
}

static ssize_t build_e2e(struct prl_rc *c, const struct prl_disco_msg *m,
			 uint8_t *out, size_t cap)
{
	struct prl_geneve_hdr gh = { .proto = PRELAY_GENEVE_PROTO_DISCO };
	ssize_t n;

	if (!c->have_endpoint)
		return -EINVAL;
	prl_geneve_set_vni(&gh, c->vni);
	n = prl_disco_seal_geneve(out, cap, &gh, c->pub, c->shared_peer, m);
	return n < 0 ? -EMSGSIZE : n;
}

static int send_e2e(struct prl_rc *c, const struct prl_disco_msg *m)
{
	uint8_t buf[PRL_DISCO_MAX_PLAIN + 256];
	ssize_t n = build_e2e(c, m, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return prl_rc_send_raw(c, buf, (size_t)n);
}

ssize_t prl_rc_build_ping(struct prl_rc *c,
			 const uint8_t txid[PRL_DISCO_TXID_LEN], size_t padding,
			 uint8_t *out, size_t cap)
{
	struct prl_disco_msg m = { .type = PRL_DISCO_PING };

	memcpy(m.u.ping.txid, txid, PRL_DISCO_TXID_LEN);
	if (padding) {
		m.u.ping.has_node_key = true;
		m.u.ping.padding = padding;
	}
	return build_e2e(c, &m, out, cap);
}

int prl_rc_send_ping(struct prl_rc *c, const uint8_t txid[PRL_DISCO_TXID_LEN],
		    size_t padding)
{
	uint8_t buf[PRL_DISCO_MAX_PLAIN + 256];
	ssize_t n = prl_rc_build_ping(c, txid, padding, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return prl_rc_send_raw(c, buf, (size_t)n);
}

int prl_rc_send_pong(struct prl_rc *c, const struct prl_rc_rx *ping)
{
	struct prl_disco_msg m = { .type = PRL_DISCO_PONG };

	if (ping->kind != PRL_RC_RX_PING)
		return -EINVAL;
	memcpy(m.u.pong.txid, ping->msg.u.ping.txid, PRL_DISCO_TXID_LEN);
	if (prl_addrport_from_sockaddr(&m.u.pong.src,
				      (const struct sockaddr *)&ping->from))
		return -EAFNOSUPPORT;
	return send_e2e(c, &m);
}

void prl_rc_classify(struct prl_rc *c, const uint8_t *buf, size_t n,
		    struct prl_rc_rx *rx)
{
	const uint8_t *sender;

	rx->datagram = buf;
	rx->len = n;
	rx->kind = PRL_RC_RX_OTHER;
	if (!prl_geneve_client_accepts(buf, n) ||
	    prl_geneve_decode(buf, n, &rx->hdr)) {
		c->rx_ignored++;
		return;
	}
	rx->payload = buf + PRELAY_GENEVE_HLEN;
	rx->payload_len = n - PRELAY_GENEVE_HLEN;
	if (rx->hdr.control || !c->have_endpoint || rx->hdr.vni != c->vni) {
		c->rx_ignored++;
		return;
	}
	if (rx->hdr.proto != PRELAY_GENEVE_PROTO_DISCO) {
		rx->kind = PRL_RC_RX_DATA;
		return;
	}
	sender = prl_disco_sender(rx->payload, rx->payload_len);
	if (!sender || memcmp(sender, c->peer, PRL_KEY_LEN) ||
	    prl_disco_open_msg(rx->payload, rx->payload_len, c->shared_peer,
			      &rx->msg)) {
		c->rx_ignored++;
		return;
	}
	if (rx->msg.type == PRL_DISCO_PING)
		rx->kind = PRL_RC_RX_PING;
	else if (rx->msg.type == PRL_DISCO_PONG)
		rx->kind = PRL_RC_RX_PONG;
	else
		c->rx_ignored++;
}

int prl_rc_recv(struct prl_rc *c, uint8_t *buf, size_t cap, int timeout_ms,
	       struct prl_rc_rx *rx)
{
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	n = recv_until(c, buf, cap, deadline_after(timeout_ms), &rx->from,
		       &rx->from_len);
	if (n < 0)
		return (int)n;
	prl_rc_classify(c, buf, (size_t)n, rx);
	return 0;
}
