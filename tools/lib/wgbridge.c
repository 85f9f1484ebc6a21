// SPDX-License-Identifier: GPL-2.0-only
/* WireGuard <-> peer relay bridge (see wgbridge.h). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <time.h>
#include <linux/errqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "keyfile.h"
#include "netwatch.h"
#include "relayclient.h"
#include "udpbatch.h"
#include "wgbridge.h"

/* Handshake retransmission and give-up times. */
#define WGB_RETRY_MS		PRL_RC_RETRY_MS
#define WGB_ALLOC_TIMEOUT_MS	3000
#define WGB_BIND_TIMEOUT_MS	3000
/* After a new binding: Ping every RETRY_MS, re-bind after CONFIRM_MS
 * without a Pong (doubling while it keeps failing, up to a third of the
 * bind lifetime, so a lost Answer is repaired before the session expires) */
#define WGB_CONFIRM_MS		3000
#define WGB_BACKOFF_MAX_MS	10000
/* Settle time after an rtnetlink event before looking at the route. */
#define WGB_NETWATCH_DELAY_MS	50
#define WGB_PING_SLOTS		8

struct wgb_ping {
	uint8_t txid[PRL_DISCO_TXID_LEN];
	uint64_t sent_ns;
};

struct prl_wgb;

/*
 * Where the session comes from: in-band allocation or an endpoint
 * description file. @setup runs once (opens the relay socket; may already
 * yield the session); @request runs while there is no session, whenever
 * next_tx_ms is due; @input sees datagrams from the relay while there is
 * none (NULL: nothing to wait for). @describe names it for the log.
 */
struct wgb_source_ops {
	const char *(*describe)(const struct prl_wgb *b);
	int (*setup)(struct prl_wgb *b, char *err, size_t errlen);
	void (*request)(struct prl_wgb *b, uint64_t now);
	bool (*input)(struct prl_wgb *b, const struct prl_ub_dgram *d,
		      uint64_t now);
};

struct prl_wgb {
	struct prl_wgb_config cfg;
	const struct wgb_source_ops *src_ops;
	struct prl_rc rc;		/* relay socket, keys, handshake */
	int listen_fd, nw_fd;
	struct prl_ub_rx rx_wg, rx_relay;
	struct prl_ub_tx tx_relay, tx_wg;

	enum prl_wgb_state state;
	bool have_session;
	struct prl_disco_endpoint ep;
	uint8_t data_hdr[PRELAY_GENEVE_HLEN];	/* Geneve(O=0, 0x7A12, VNI) */
	uint64_t bind_lifetime_ms;

	uint64_t next_tx_ms;		/* retransmit / next attempt */
	uint64_t deadline_ms;		/* current attempt gives up */
	uint64_t bound_ms;		/* Answer sent */
	uint64_t last_pong_ms;
	uint64_t next_ping_ms;
	uint64_t netcheck_ms;		/* 0: none pending */
	unsigned int fails;		/* consecutive failed attempts */
	struct sockaddr_storage src;	/* route source when bound */
	bool wg_known;
	bool wg_fixed;			/* configured: never follow the source */
	struct wgb_ping pings[WGB_PING_SLOTS];
	unsigned int ping_next;
	char last_warn[512];

	struct prl_wgb_stats st;
};

static uint64_t now_ms(void)
{
	return prl_rc_now_ns() / 1000000u;
}

const char *prl_wgb_state_name(enum prl_wgb_state s)
{
	switch (s) {
	case PRL_WGB_ALLOCATING:	return "allocating";
	case PRL_WGB_BINDING:		return "binding";
	case PRL_WGB_BOUND:		return "bound";
	case PRL_WGB_UP:		return "up";
	}
	return "?";
}

void prl_wgb_config_default(struct prl_wgb_config *cfg)
{
	struct sockaddr_in *l = (struct sockaddr_in *)&cfg->listen;

	memset(cfg, 0, sizeof(*cfg));
	cfg->probe_ms = 5000;
	cfg->dead_ms = 15000;
	cfg->batch = 64;
	cfg->gso = true;
	cfg->gro = true;
	cfg->sockbuf = 4 << 20;
	cfg->ctl_fd = -1;
	l->sin_family = AF_INET;
	l->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* @ss as "ADDR:PORT" (@with_port) or "ADDR"; "none" when unset. */
static const char *fmt_ss(const struct sockaddr_storage *ss, bool with_port,
			  char *buf, size_t len)
{
	struct prl_endpoint ep;

	if (!ss->ss_family ||
	    prl_endpoint_from_sockaddr((const struct sockaddr *)ss, sizeof(*ss),
				      &ep))
		return "none";
	return with_port ? prl_endpoint_fmt(&ep, buf, len) :
			   prl_addr_fmt(&ep.addr, buf, len);
}

static const char *fmt_sa(const struct sockaddr_storage *ss, char *buf,
			  size_t len)
{
	return fmt_ss(ss, true, buf, len);
}

static const char *fmt_addr(const struct sockaddr_storage *ss, char *buf,
			    size_t len)
{
	return fmt_ss(ss, false, buf, len);
}

static uint16_t sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* ---- events ---- */

static void emit(struct prl_wgb *b, enum prl_wgb_ev kind, const char *name,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void emit(struct prl_wgb *b, enum prl_wgb_ev kind, const char *name,
		 const char *fmt, ...)
{
	char msg[256], relay[PRL_ENDPOINT_STRLEN], local[PRL_ENDPOINT_STRLEN];
	char wg[PRL_ENDPOINT_STRLEN];
	struct prl_wgb_event ev = {
		.kind = kind, .name = name, .msg = msg,
		.vni = b->have_session ? b->rc.vni : 0,
		.generation = b->rc.generation,
		.rtt_us = b->st.rtt_us,
	};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->rc.fd >= 0 && b->rc.relay_len)
		ev.relay = fmt_sa(&b->rc.relay, relay, sizeof(relay));
	if (b->src.ss_family)
		ev.local = fmt_addr(&b->src, local, sizeof(local));
	if (b->wg_known)
		ev.wg = fmt_sa(&b->cfg.wg, wg, sizeof(wg));
	if (b->cfg.on_event)
		b->cfg.on_event(b->cfg.arg, &ev);
}

/* A warning, repeated only when it changes (retries are quiet). */
static void warn_once(struct prl_wgb *b, const char *msg)
{
	if (!strcmp(msg, b->last_warn))
		return;
	snprintf(b->last_warn, sizeof(b->last_warn), "%s", msg);
	emit(b, PRL_WGB_EV_WARN, "warning", "%s", msg);
}

/* ---- relay socket ---- */

static int open_relay(struct prl_wgb *b, const struct sockaddr_storage *relay)
{
	const struct sockaddr_storage *local = b->cfg.relay_local.ss_family ?
					       &b->cfg.relay_local : NULL;
	int one = 1, err;

	if (local && local->ss_family != relay->ss_family)
		return -EAFNOSUPPORT;
	if (b->rc.fd >= 0)
		prl_rc_close(&b->rc);
	err = prl_rc_open(&b->rc, b->cfg.priv, (const struct sockaddr *)relay,
			  (const struct sockaddr *)local);
	if (err)
		return err;
	b->cfg.gro = prl_ub_sockopts(b->rc.fd, b->cfg.sockbuf, b->cfg.gro);
	/* ICMP errors (port/host unreachable) become socket errors: that
	 * is how "relay unreachable" is told from "not granted" */
	if (relay->ss_family == AF_INET)
		setsockopt(b->rc.fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	else
		setsockopt(b->rc.fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
			   sizeof(one));
	return 0;
}

/* Read the ICMP error queue; say what it means once. */
static void relay_errqueue(struct prl_wgb *b)
{
	char buf[512], ctrl[512], txt[160], who[PRL_ADDR_STRLEN];
	int n = 0;

	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
		};
		struct cmsghdr *cm;

		if (recvmsg(b->rc.fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			struct sock_extended_err ee;

			if (!((cm->cmsg_level == IPPROTO_IP &&
			       cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == IPPROTO_IPV6 &&
			       cm->cmsg_type == IPV6_RECVERR)))
				continue;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (n++)
				continue;
			snprintf(txt, sizeof(txt),
				 "relay %s unreachable: %s",
				 fmt_sa(&b->rc.relay, who, sizeof(who)),
				 strerror((int)ee.ee_errno));
			warn_once(b, txt);
		}
	}
}

/* Send-side errors of the control plane: no route etc. */
static void ctl_send_err(struct prl_wgb *b, int err, const char *what)
{
	char txt[160], who[PRL_ENDPOINT_STRLEN];

	if (!err)
		return;
	snprintf(txt, sizeof(txt), "%s to relay %s: %s", what,
		 fmt_sa(&b->rc.relay, who, sizeof(who)), strerror(-err));
	warn_once(b, txt);
}

/* ---- session setup ---- */

static void set_session(struct prl_wgb *b, const struct prl_disco_endpoint *ep)
{
	struct prl_geneve_hdr gh = { .proto = PRELAY_GENEVE_PROTO_WG };

	b->ep = *ep;
	b->have_session = true;
	prl_geneve_set_vni(&gh, b->rc.vni);
	prl_geneve_encode(b->data_hdr, sizeof(b->data_hdr), &gh);
	b->bind_lifetime_ms = ep->bind_lifetime_ns > 0 ?
			      (uint64_t)ep->bind_lifetime_ns / 1000000u :
			      PRL_DISCO_BIND_LIFETIME_NS / 1000000;
	prl_rc_set_candidates(&b->rc, ep);
}

/*
 * Read the endpoint file: the session, the peer's key check, the relay
 * address (the configured one, else the first of the right family).
 * Opens the relay socket if its family changed.
 */
static int load_endpoint(struct prl_wgb *b, char *err, size_t errlen)
{
	struct prl_disco_endpoint ep;
	struct sockaddr_storage relay;
	char buf[16384], perr[160];
	uint8_t pub[PRL_KEY_LEN];
	size_t n = 0, k, i;
	int family = b->cfg.relay_local.ss_family, r;
	bool mine = false, theirs = false;
	FILE *f = fopen(b->cfg.endpoint_file, "re");

	if (!f) {
		snprintf(err, errlen, "%s: %s", b->cfg.endpoint_file,
			 strerror(errno));
		return -errno;
	}
	while ((k = fread(buf + n, 1, sizeof(buf) - n, f)) > 0)
		n += k;
	fclose(f);
	if (n == sizeof(buf)) {
		snprintf(err, errlen, "%s: too large", b->cfg.endpoint_file);
		return -EFBIG;
	}
	if (prl_disco_endpoint_from_json(buf, n, &ep, perr, sizeof(perr))) {
		snprintf(err, errlen, "%s: %s", b->cfg.endpoint_file, perr);
		return -EINVAL;
	}
	prl_key_public(b->cfg.priv, pub);
	for (i = 0; i < 2; i++) {
		mine |= !memcmp(ep.client_key[i], pub, PRL_KEY_LEN);
		theirs |= !memcmp(ep.client_key[i], b->cfg.peer, PRL_KEY_LEN);
	}
	if (!mine || !theirs) {
		snprintf(err, errlen, "%s: the session is not for this pair (%s key is not one of its client keys)",
			 b->cfg.endpoint_file, mine ? "the peer's" : "our own");
		return -EINVAL;
	}
	relay = b->cfg.relay;
	for (i = 0; !relay.ss_family && i < ep.n_addrports; i++) {
		if (prl_addrport_to_sockaddr(&ep.addrports[i], &relay) &&
		    family && relay.ss_family != family)
			relay.ss_family = 0;
	}
	if (!relay.ss_family) {
		snprintf(err, errlen, "%s: no relay address%s",
			 b->cfg.endpoint_file,
			 family ? " of the local address's family" : "");
		return -EINVAL;
	}
	if (b->rc.fd < 0 || b->rc.family != relay.ss_family) {
		r = open_relay(b, &relay);
		if (r) {
			snprintf(err, errlen, "relay socket: %s", strerror(-r));
			return r;
		}
	} else {
		memcpy(&b->rc.relay, &relay, sizeof(relay));
		b->rc.relay_len = prl_sockaddr_len(relay.ss_family);
	}
	r = prl_rc_set_endpoint(&b->rc, ep.server_key, ep.vni, b->cfg.peer);
	if (r) {
		snprintf(err, errlen, "%s: unusable keys", b->cfg.endpoint_file);
		return r;
	}
	set_session(b, &ep);
	return 0;
}

/* ---- state changes ---- */

static uint64_t backoff_ms(const struct prl_wgb *b, uint64_t base)
{
	uint64_t d = base;
	unsigned int i;

	for (i = 0; i < b->fails && d < WGB_BACKOFF_MAX_MS; i++)
		d *= 2;
	return d < WGB_BACKOFF_MAX_MS ? d : WGB_BACKOFF_MAX_MS;
}

static void start_alloc(struct prl_wgb *b, uint64_t now, uint64_t delay)
{
	b->state = PRL_WGB_ALLOCATING;
	b->have_session = false;
	b->next_tx_ms = now + delay;
	b->deadline_ms = 0;	/* set when the request goes out */
}

static void start_bind(struct prl_wgb *b, uint64_t now)
{
	int err;

	b->state = PRL_WGB_BINDING;
	b->deadline_ms = now + WGB_BIND_TIMEOUT_MS;
	b->next_tx_ms = now + WGB_RETRY_MS;
	b->st.binds++;
	err = prl_rc_bind_start(&b->rc, 0);
	ctl_send_err(b, err, "Bind");
}

static void rebind(struct prl_wgb *b, uint64_t now, const char *why)
{
	b->st.rebinds++;
	emit(b, PRL_WGB_EV_REBIND, "rebind", "re-binding: %s", why);
	start_bind(b, now);
}

/*
 * A handshake attempt failed (no allocation response, no Challenge):
 * drop the session and ask for one again, later each time.
 */
static void attempt_failed(struct prl_wgb *b, uint64_t now, const char *why)
{
	char txt[320];

	b->fails++;
	snprintf(txt, sizeof(txt), "%s; retrying", why);
	warn_once(b, txt);
	start_alloc(b, now, backoff_ms(b, 1000));
}

/* ---- session source: in-band allocation ---- */

static const char *inband_describe(const struct prl_wgb *b)
{
	return "in-band allocation";
}

static int inband_setup(struct prl_wgb *b, char *err, size_t errlen)
{
	int r = open_relay(b, &b->cfg.relay);

	if (r)
		snprintf(err, errlen, "relay socket: %s%s", strerror(-r),
			 r == -EAFNOSUPPORT ?
			 " (the local address and the relay differ in family)" : "");
	return r;
}

/* Send the request (a new generation per attempt), or retransmit it. */
static void inband_request(struct prl_wgb *b, uint64_t now)
{
	int r;

	if (!b->deadline_ms) {
		b->deadline_ms = now + WGB_ALLOC_TIMEOUT_MS;
		r = prl_rc_alloc_start(&b->rc, b->cfg.server_key, b->cfg.peer);
	} else {
		r = prl_rc_alloc_send(&b->rc);
	}
	ctl_send_err(b, r, "AllocateRequest");
	b->next_tx_ms = now + WGB_RETRY_MS;
}

static bool inband_input(struct prl_wgb *b, const struct prl_ub_dgram *d,
			 uint64_t now)
{
	struct prl_disco_endpoint ep;

	if (prl_rc_alloc_input(&b->rc, d->data, d->len, &ep) <= 0)
		return false;
	b->st.allocations++;
	set_session(b, &ep);
	emit(b, PRL_WGB_EV_ALLOCATED, "allocated",
	     "allocated vni %u (lamport %llu, bind lifetime %llu ms)",
	     ep.vni, (unsigned long long)ep.lamport,
	     (unsigned long long)b->bind_lifetime_ms);
	start_bind(b, now);
	return true;
}

static const struct wgb_source_ops inband_ops = {
	.describe = inband_describe,
	.setup = inband_setup,
	.request = inband_request,
	.input = inband_input,
};

/* ---- session source: endpoint description file ---- */

static const char *file_describe(const struct prl_wgb *b)
{
	return b->cfg.endpoint_file;
}

static int file_setup(struct prl_wgb *b, char *err, size_t errlen)
{
	return load_endpoint(b, err, errlen);
}

/* The session is gone or was never usable: the file may have changed. */
static void file_request(struct prl_wgb *b, uint64_t now)
{
	char err[256];

	if (load_endpoint(b, err, sizeof(err))) {
		b->fails++;
		warn_once(b, err);
		b->next_tx_ms = now + backoff_ms(b, 1000);
		return;
	}
	emit(b, PRL_WGB_EV_ALLOCATED, "session", "session vni %u from %s",
	     b->rc.vni, b->cfg.endpoint_file);
	start_bind(b, now);
}

static const struct wgb_source_ops file_ops = {
	.describe = file_describe,
	.setup = file_setup,
	.request = file_request,
};

static void bound(struct prl_wgb *b, uint64_t now)
{
	char rel[PRL_ENDPOINT_STRLEN];
	int err;

	b->state = PRL_WGB_BOUND;
	b->bound_ms = now;
	b->next_ping_ms = now;
	err = prl_route_source(&b->rc.relay, &b->src);
	if (err)
		memset(&b->src, 0, sizeof(b->src));
	emit(b, PRL_WGB_EV_BOUND, "bound",
	     "bound to vni %u at relay %s (generation %u)", b->rc.vni,
	     fmt_sa(&b->rc.relay, rel, sizeof(rel)), b->rc.generation);
}

/* How long a fresh binding may go without a Pong before re-binding. */
static uint64_t confirm_ms(const struct prl_wgb *b)
{
	uint64_t cap = b->bind_lifetime_ms / 3, d = WGB_CONFIRM_MS;
	unsigned int i;

	if (cap < WGB_CONFIRM_MS)
		cap = WGB_CONFIRM_MS;
	for (i = 0; i < b->fails && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

static void send_ping(struct prl_wgb *b)
{
	struct wgb_ping *p = &b->pings[b->ping_next++ % WGB_PING_SLOTS];
	int err;

	randombytes_buf(p->txid, sizeof(p->txid));
	p->sent_ns = prl_rc_now_ns();
	err = prl_rc_send_ping(&b->rc, p->txid, 0);
	if (!err)
		b->st.pings++;
}

static void got_pong(struct prl_wgb *b, const struct prl_rc_rx *rx,
		     uint64_t now)
{
	unsigned int i;

	for (i = 0; i < WGB_PING_SLOTS; i++) {
		struct wgb_ping *p = &b->pings[i];

		if (!p->sent_ns || memcmp(p->txid, rx->msg.u.pong.txid,
					  PRL_DISCO_TXID_LEN))
			continue;
		b->st.pongs++;
		b->st.rtt_us = (prl_rc_now_ns() - p->sent_ns) / 1000u;
		p->sent_ns = 0;
		b->last_pong_ms = now;
		if (b->state == PRL_WGB_BOUND) {
			b->state = PRL_WGB_UP;
			b->fails = 0;
			b->last_warn[0] = '\0';
			b->next_ping_ms = now + b->cfg.probe_ms;
			emit(b, PRL_WGB_EV_UP, "up",
			     "path through the relay is up (vni %u, rtt %llu us)",
			     b->rc.vni, (unsigned long long)b->st.rtt_us);
		}
		return;
	}
	b->st.drop_other++;	/* a stale or forged Pong */
}

/* ---- datagrams from the relay ---- */

/* The slow path: handshake, allocation responses, Ping/Pong, odd data. */
static void relay_control(struct prl_wgb *b, const struct prl_ub_dgram *d,
			  uint64_t now)
{
	struct prl_rc_rx rx;
	int r;

	if (b->state == PRL_WGB_ALLOCATING && b->src_ops->input &&
	    b->src_ops->input(b, d, now))
		return;
	if (b->state == PRL_WGB_BINDING) {
		r = prl_rc_bind_input(&b->rc, d->data, d->len, d->from,
				      d->from_len);
		if (r > 0) {
			bound(b, now);
			return;
		}
		ctl_send_err(b, r < 0 ? r : 0, "Answer");
	}
	if (!b->have_session || !prl_sockaddr_equal(d->from, &b->rc.relay)) {
		b->st.drop_foreign++;
		return;
	}
	memset(&rx, 0, sizeof(rx));
	memcpy(&rx.from, d->from, sizeof(rx.from));
	rx.from_len = d->from_len;
	prl_rc_classify(&b->rc, d->data, d->len, &rx);
	switch (rx.kind) {
	case PRL_RC_RX_PING:
		if (!prl_rc_send_pong(&b->rc, &rx))
			b->st.pings_answered++;
		break;
	case PRL_RC_RX_PONG:
		got_pong(b, &rx, now);
		break;
	default:
		b->st.drop_other++;
		break;
	}
}

static void from_relay(struct prl_wgb *b, uint64_t now)
{
	struct prl_ub_iter it = { 0 };
	struct prl_ub_dgram d;
	int n;

	/* an ICMP error comes back as the socket error here: the error
	 * queue (relay_errqueue) says what it was */
	n = prl_ub_recv(b->rc.fd, &b->rx_relay);
	if (n <= 0)
		return;
	while (prl_ub_next(&b->rx_relay, &it, &d)) {
		/* fast path: data of our session from the relay; the relay
		 * forwards the peer's header unchanged, so it is ours */
		if (b->have_session && d.len > PRELAY_GENEVE_HLEN &&
		    !memcmp(d.data, b->data_hdr, PRELAY_GENEVE_HLEN) &&
		    prl_sockaddr_equal(d.from, &b->rc.relay)) {
			if (!b->wg_known) {
				b->st.drop_no_wg++;
				continue;
			}
			if (prl_ub_full(&b->tx_wg))
				prl_ub_flush(b->listen_fd, &b->tx_wg);
			prl_ub_add(&b->tx_wg, NULL, 0,
				   d.data + PRELAY_GENEVE_HLEN,
				   d.len - PRELAY_GENEVE_HLEN, &b->cfg.wg,
				   prl_sockaddr_len(b->cfg.wg.ss_family));
			b->st.to_wg_packets++;
			b->st.to_wg_bytes += d.len - PRELAY_GENEVE_HLEN;
			continue;
		}
		relay_control(b, &d, now);
	}
	if (b->tx_wg.n)
		prl_ub_flush(b->listen_fd, &b->tx_wg);
}

/* ---- datagrams from WireGuard ---- */

static bool wg_source_ok(struct prl_wgb *b, const struct prl_ub_dgram *d)
{
	char wg[PRL_ENDPOINT_STRLEN];

	if (b->wg_known && prl_sockaddr_equal(d->from, &b->cfg.wg))
		return true;
	/* a configured port is fixed; else follow WireGuard (it may have
	 * been re-created with another port), as it follows us */
	if (b->wg_fixed)
		return false;
	memcpy(&b->cfg.wg, d->from, sizeof(b->cfg.wg));
	b->wg_known = true;
	emit(b, PRL_WGB_EV_WIREGUARD, "wireguard", "WireGuard sends from %s",
	     fmt_sa(&b->cfg.wg, wg, sizeof(wg)));
	return true;
}

static void from_wg(struct prl_wgb *b)
{
	struct prl_ub_iter it = { 0 };
	struct prl_ub_dgram d;
	int n;

	n = prl_ub_recv(b->listen_fd, &b->rx_wg);
	if (n <= 0)
		return;
	while (prl_ub_next(&b->rx_wg, &it, &d)) {
		if (!wg_source_ok(b, &d)) {
			b->st.drop_wg_source++;
			continue;
		}
		if (!b->have_session) {
			b->st.drop_no_session++;
			continue;
		}
		if (prl_ub_full(&b->tx_relay))
			prl_ub_flush(b->rc.fd, &b->tx_relay);
		prl_ub_add(&b->tx_relay, b->data_hdr, PRELAY_GENEVE_HLEN, d.data,
			   d.len, &b->rc.relay, b->rc.relay_len);
		b->st.to_relay_packets++;
		b->st.to_relay_bytes += d.len;
	}
	if (b->tx_relay.n)
		prl_ub_flush(b->rc.fd, &b->tx_relay);
}

/* ---- timers ---- */

static void netcheck(struct prl_wgb *b, uint64_t now)
{
	struct sockaddr_storage src;
	char was[PRL_ADDR_STRLEN], is[PRL_ADDR_STRLEN], why[128];

	b->netcheck_ms = 0;
	if (b->state != PRL_WGB_BOUND && b->state != PRL_WGB_UP)
		return;
	/* no route right now (an address is being replaced): wait for the
	 * next change; the Ping probe is the backstop */
	if (prl_route_source(&b->rc.relay, &src) || prl_sockaddr_equal(&src, &b->src))
		return;
	snprintf(why, sizeof(why), "local address changed from %s to %s",
		 fmt_addr(&b->src, was, sizeof(was)),
		 fmt_addr(&src, is, sizeof(is)));
	b->fails = 0;
	rebind(b, now, why);
}

static void timers(struct prl_wgb *b, uint64_t now)
{
	char why[128];

	if (b->netcheck_ms && now >= b->netcheck_ms)
		netcheck(b, now);
	switch (b->state) {
	case PRL_WGB_ALLOCATING:
		if (b->deadline_ms && now >= b->deadline_ms) {
			b->deadline_ms = 0;
			attempt_failed(b, now, "no allocation response: the relay is unreachable or filtered, this key is not in its grants file, or the server key is wrong");
		} else if (now >= b->next_tx_ms) {
			b->src_ops->request(b, now);
		}
		break;
	case PRL_WGB_BINDING:
		if (now >= b->deadline_ms) {
			snprintf(why, sizeof(why),
				 "no Challenge for vni %u: the session is gone (expired, relay restarted) or the relay is unreachable",
				 b->rc.vni);
			attempt_failed(b, now, why);
		} else if (now >= b->next_tx_ms) {
			ctl_send_err(b, prl_rc_bind_resend(&b->rc), "Bind");
			b->next_tx_ms = now + WGB_RETRY_MS;
		}
		break;
	case PRL_WGB_BOUND:
		if (now >= b->bound_ms + confirm_ms(b)) {
			snprintf(why, sizeof(why),
				 "no Pong through the relay within %llu ms (is the peer's bridge running?)",
				 (unsigned long long)confirm_ms(b));
			b->fails++;
			rebind(b, now, why);
		} else if (now >= b->next_ping_ms) {
			send_ping(b);
			b->next_ping_ms = now + WGB_RETRY_MS;
		}
		break;
	case PRL_WGB_UP:
		if (now >= b->last_pong_ms + b->cfg.dead_ms) {
			snprintf(why, sizeof(why),
				 "the relay stopped forwarding: no Pong for %u ms",
				 b->cfg.dead_ms);
			rebind(b, now, why);
		} else if (now >= b->next_ping_ms) {
			send_ping(b);
			/* probe faster once a Pong is overdue */
			b->next_ping_ms = now +
				(now >= b->last_pong_ms + b->cfg.probe_ms + WGB_RETRY_MS ?
				 WGB_RETRY_MS : b->cfg.probe_ms);
		}
		break;
	}
}

static uint64_t next_timer(const struct prl_wgb *b)
{
	uint64_t t;

	switch (b->state) {
	case PRL_WGB_ALLOCATING:
		t = b->next_tx_ms;
		if (b->deadline_ms && b->deadline_ms < t)
			t = b->deadline_ms;
		break;
	case PRL_WGB_BINDING:
		t = b->next_tx_ms < b->deadline_ms ? b->next_tx_ms : b->deadline_ms;
		break;
	case PRL_WGB_BOUND:
		t = b->bound_ms + confirm_ms(b);
		if (b->next_ping_ms < t)
			t = b->next_ping_ms;
		break;
	default:
		t = b->last_pong_ms + b->cfg.dead_ms;
		if (b->next_ping_ms < t)
			t = b->next_ping_ms;
		break;
	}
	if (b->netcheck_ms && b->netcheck_ms < t)
		t = b->netcheck_ms;
	return t;
}

/* ---- life cycle ---- */

static int open_listen(struct prl_wgb *b)
{
	int fd, one = 1;

	fd = socket(b->cfg.listen.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (b->cfg.listen.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&b->cfg.listen,
		 prl_sockaddr_len(b->cfg.listen.ss_family)) < 0) {
		one = -errno;
		close(fd);
		return one;
	}
	/* GRO here would only help WireGuard senders that use GSO */
	prl_ub_sockopts(fd, b->cfg.sockbuf, false);
	b->listen_fd = fd;
	return 0;
}

int prl_wgb_new(const struct prl_wgb_config *cfg, struct prl_wgb **out,
		char *err, size_t errlen)
{
	struct prl_wgb *b;
	uint8_t pub[PRL_KEY_LEN];
	int r;

	*out = NULL;
	if (!cfg->allocate && !cfg->endpoint_file) {
		snprintf(err, errlen, "no session source: allocate in-band or give an endpoint file");
		return -EINVAL;
	}
	if (cfg->allocate && (!cfg->relay.ss_family)) {
		snprintf(err, errlen, "in-band allocation needs the relay's address");
		return -EINVAL;
	}
	if (prl_key_public(cfg->priv, pub)) {
		snprintf(err, errlen, "bad private key");
		return -EINVAL;
	}
	if (!memcmp(pub, cfg->peer, PRL_KEY_LEN)) {
		snprintf(err, errlen, "the peer's key is our own key");
		return -EINVAL;
	}
	if (cfg->allocate && (!memcmp(cfg->server_key, cfg->peer, PRL_KEY_LEN) ||
			      !memcmp(cfg->server_key, pub, PRL_KEY_LEN))) {
		snprintf(err, errlen, "the server key is a client's key");
		return -EINVAL;
	}
	if (!cfg->listen.ss_family || !cfg->probe_ms || !cfg->dead_ms ||
	    cfg->dead_ms < cfg->probe_ms || !cfg->batch ||
	    cfg->batch > PRL_UB_MAX_BATCH) {
		snprintf(err, errlen, "bad settings (listen address, probe/dead times, batch)");
		return -EINVAL;
	}
	if (cfg->wg.ss_family && cfg->wg.ss_family != cfg->listen.ss_family) {
		snprintf(err, errlen, "WireGuard's address and the listen address differ in family");
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->cfg = *cfg;
	b->src_ops = cfg->allocate ? &inband_ops : &file_ops;
	b->rc.fd = -1;
	b->listen_fd = -1;
	b->nw_fd = -1;
	b->wg_known = cfg->wg.ss_family && sa_port(&cfg->wg);
	b->wg_fixed = b->wg_known;
	prl_ub_tx_init(&b->tx_relay, cfg->gso);
	prl_ub_tx_init(&b->tx_wg, cfg->gso);
	r = prl_ub_rx_init(&b->rx_wg, cfg->batch, 65536);
	if (!r)
		r = prl_ub_rx_init(&b->rx_relay, cfg->batch, 65536);
	if (r) {
		snprintf(err, errlen, "buffers: %s", strerror(-r));
		goto fail;
	}
	r = open_listen(b);
	if (r) {
		char a[PRL_ENDPOINT_STRLEN];

		snprintf(err, errlen, "cannot listen on %s: %s",
			 fmt_sa(&cfg->listen, a, sizeof(a)), strerror(-r));
		goto fail;
	}
	r = b->src_ops->setup(b, err, errlen);
	if (r)
		goto fail;
	r = prl_netwatch_open();
	b->nw_fd = r >= 0 ? r : -1;	/* without it only the probes notice */
	*out = b;
	return 0;
fail:
	prl_wgb_free(b);
	return r;
}

int prl_wgb_run(struct prl_wgb *b)
{
	char rel[PRL_ENDPOINT_STRLEN], lis[PRL_ENDPOINT_STRLEN];
	struct sockaddr_storage ls;
	socklen_t len = sizeof(ls);
	uint64_t now = now_ms();

	getsockname(b->listen_fd, (struct sockaddr *)&ls, &len);
	emit(b, PRL_WGB_EV_INFO, "start",
	     "WireGuard endpoint %s, relay %s, %s",
	     fmt_sa(&ls, lis, sizeof(lis)), fmt_sa(&b->rc.relay, rel, sizeof(rel)),
	     b->src_ops->describe(b));
	if (b->have_session) {	/* setup read it (file) */
		emit(b, PRL_WGB_EV_ALLOCATED, "session", "session vni %u from %s",
		     b->rc.vni, b->src_ops->describe(b));
		start_bind(b, now);
	} else {
		start_alloc(b, now, 0);
	}

	for (;;) {
		struct pollfd p[4] = {
			{ .fd = b->rc.fd, .events = POLLIN },
			{ .fd = b->listen_fd, .events = POLLIN },
			{ .fd = b->nw_fd, .events = POLLIN },
			{ .fd = b->cfg.ctl_fd, .events = POLLIN },
		};
		uint64_t t;
		int ms, r;

		now = now_ms();
		timers(b, now);
		t = next_timer(b);
		ms = t > now ? (int)(t - now) : 0;
		r = poll(p, 4, ms);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		now = now_ms();
		if (p[3].revents && b->cfg.on_ctl && b->cfg.on_ctl(b->cfg.arg))
			return 0;
		if (p[0].revents & POLLERR)
			relay_errqueue(b);
		if (p[0].revents & POLLIN)
			from_relay(b, now);
		if (p[1].revents & POLLIN)
			from_wg(b);
		if (p[2].revents) {
			r = prl_netwatch_drain(b->nw_fd);
			if (r > 0 && !b->netcheck_ms)
				b->netcheck_ms = now + WGB_NETWATCH_DELAY_MS;
		}
	}
}

void prl_wgb_rebind(struct prl_wgb *b, const char *why)
{
	uint64_t now = now_ms();

	b->fails = 0;
	if (b->state == PRL_WGB_ALLOCATING) {
		/* no session: ask for one now instead of after the pause */
		b->deadline_ms = 0;
		b->next_tx_ms = now;
		return;
	}
	rebind(b, now, why);
}

void prl_wgb_stats(const struct prl_wgb *b, struct prl_wgb_stats *st)
{
	*st = b->st;
	st->state = b->state;
	st->vni = b->have_session ? b->rc.vni : 0;
	st->generation = b->rc.generation;
	memset(&st->relay, 0, sizeof(st->relay));
	if (b->have_session)
		memcpy(&st->relay, &b->rc.relay, b->rc.relay_len);
	st->local = b->src;
	memset(&st->wg, 0, sizeof(st->wg));
	if (b->wg_known)
		st->wg = b->cfg.wg;
	st->drop_truncated = b->rx_wg.truncated + b->rx_relay.truncated;
	st->send_errors = b->tx_relay.errors + b->tx_wg.errors;
	st->gso_messages = b->tx_relay.gso_msgs + b->tx_wg.gso_msgs;
}

void prl_wgb_free(struct prl_wgb *b)
{
	if (!b)
		return;
	if (b->rc.fd >= 0)
		prl_rc_close(&b->rc);
	if (b->listen_fd >= 0)
		close(b->listen_fd);
	if (b->nw_fd >= 0)
		close(b->nw_fd);
	prl_ub_rx_free(&b->rx_wg);
	prl_ub_rx_free(&b->rx_relay);
	prl_free_secret(b, sizeof(*b));
}
