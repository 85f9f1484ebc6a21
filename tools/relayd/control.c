// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd control plane: handshake and in-band allocation on top of the
 * event loop and the kernel (see control.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <peer_relay/classify.h>

#include "control.h"
#include "keyfile.h"
#include "relayclient.h"
#include "uforward.h"

/* ---- session cache ---- */

static struct relayd_ctl_sess **bucket(struct relayd_control *ctl,
				       uint32_t vni)
{
	return &ctl->buckets[(vni * 2654435761u) % RELAYD_CTL_BUCKETS];
}

static struct relayd_ctl_sess *cache_find(struct relayd_control *ctl,
					  uint32_t vni)
{
	struct relayd_ctl_sess *e;

	for (e = *bucket(ctl, vni); e; e = e->next)
		if (e->hs.vni == vni)
			return e;
	return NULL;
}

static struct relayd_ctl_sess **pair_bucket(struct relayd_control *ctl,
					    const uint8_t k0[PRL_KEY_LEN],
					    const uint8_t k1[PRL_KEY_LEN])
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 8; i++)		/* keys are random: a few bytes do */
		h = (h ^ k0[i] ^ ((uint32_t)k1[i] << 8)) * 16777619u;
	return &ctl->pairs[h % RELAYD_CTL_BUCKETS];
}

static void pair_unlink(struct relayd_control *ctl, struct relayd_ctl_sess *e)
{
	struct relayd_ctl_sess **pp;

	for (pp = pair_bucket(ctl, e->hs.client_key[0], e->hs.client_key[1]);
	     *pp; pp = &(*pp)->next_pair) {
		if (*pp == e) {
			*pp = e->next_pair;
			return;
		}
	}
}

static void cache_remove(struct relayd_control *ctl, uint32_t vni)
{
	struct relayd_ctl_sess **pp, *e;

	for (pp = bucket(ctl, vni); (e = *pp); pp = &e->next) {
		if (e->hs.vni != vni)
			continue;
		*pp = e->next;
		if (ctl->rd->userspace)
			pair_unlink(ctl, e);
		sodium_memzero(e, sizeof(*e));
		free(e);
		ctl->n_cached--;
		return;
	}
}

static void cache_flush(struct relayd_control *ctl)
{
	size_t i;

	for (i = 0; i < RELAYD_CTL_BUCKETS; i++) {
		while (ctl->buckets[i]) {
			struct relayd_ctl_sess *e = ctl->buckets[i];

			ctl->buckets[i] = e->next;
			sodium_memzero(e, sizeof(*e));
			free(e);
		}
	}
	memset(ctl->pairs, 0, sizeof(ctl->pairs));
	ctl->n_cached = 0;
}

/* ---- userspace data plane: the sessions themselves ---- */

static uint32_t us_lifetime(const struct relayd *rd, uint32_t bit)
{
	const struct prl_config *c = &rd->opts.relay_cfg;

	if (bit == PRL_CFG_BIND_LIFETIME)
		return c->mask & bit ? c->bind_lifetime_ms :
		       PEER_RELAY_DEFAULT_BIND_LIFETIME_MS;
	return c->mask & bit ? c->idle_lifetime_ms :
	       PEER_RELAY_DEFAULT_IDLE_LIFETIME_MS;
}

/* What CONFIG_GET would say: lifetimes, static endpoints (opts). */
static void us_config(const struct relayd *rd, struct prl_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind_lifetime_ms = us_lifetime(rd, PRL_CFG_BIND_LIFETIME);
	cfg->idle_lifetime_ms = us_lifetime(rd, PRL_CFG_IDLE_LIFETIME);
	if (rd->opts.relay_cfg.mask & PRL_CFG_STATIC_EPS) {
		cfg->n_static_eps = rd->opts.relay_cfg.n_static_eps;
		memcpy(cfg->static_eps, rd->opts.relay_cfg.static_eps,
		       sizeof(cfg->static_eps));
	}
}

/*
 * The session of the key pair, created if new (as SESSION_NEW: idempotent
 * per unordered pair, next free VNI from a cyclic cursor, LamportID + 1).
 * Fills @out (vni, lamport). Returns 0 or -errno.
 */
static int us_session_new(struct relayd_control *ctl, const uint8_t *ka,
			  const uint8_t *kb, struct prl_session *out)
{
	struct relayd *rd = ctl->rd;
	struct relayd_ctl_sess *e, **b;
	uint32_t max = rd->opts.relay_cfg.mask & PRL_CFG_MAX_SESSIONS ?
		       rd->opts.relay_cfg.max_sessions :
		       PEER_RELAY_DEFAULT_MAX_SESSIONS;
	uint32_t vni, tries;
	int err;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	/* sorts the keys; refuses equal keys and the server key */
	if (prl_hs_session_init(&e->hs, 0, ka, kb, &ctl->hs)) {
		free(e);
		return -EINVAL;
	}
	for (b = pair_bucket(ctl, e->hs.client_key[0], e->hs.client_key[1]);
	     *b; b = &(*b)->next_pair) {
		if (!memcmp((*b)->hs.client_key, e->hs.client_key,
			    sizeof(e->hs.client_key))) {
			out->vni = (*b)->hs.vni;
			out->lamport = (*b)->lamport;
			sodium_memzero(e, sizeof(*e));
			free(e);
			return 0;
		}
	}
	if (ctl->n_cached >= max) {
		free(e);
		return -ENOSPC;
	}
	if (!ctl->vni_next)
		ctl->vni_next = PEER_RELAY_VNI_MIN;
	for (tries = 0; tries < PEER_RELAY_VNI_MAX; tries++) {
		vni = ctl->vni_next++;
		if (ctl->vni_next > PEER_RELAY_VNI_MAX)
			ctl->vni_next = PEER_RELAY_VNI_MIN;
		if (!cache_find(ctl, vni))
			break;
	}
	if (tries == PEER_RELAY_VNI_MAX) {
		free(e);
		return -ENOSPC;
	}
	err = uf_session_new(rd->uf, vni);
	if (err) {
		sodium_memzero(e, sizeof(*e));
		free(e);
		return err;
	}
	e->hs.vni = vni;
	e->lamport = ++ctl->lamport;
	e->created_ms = uf_now_ms();
	e->next = *bucket(ctl, vni);
	*bucket(ctl, vni) = e;
	e->next_pair = *b;	/* *b is NULL: the end of the pair chain */
	*b = e;
	ctl->n_cached++;
	out->vni = vni;
	out->lamport = e->lamport;
	return 0;
}

static int us_session_bind(struct relayd_control *ctl, uint32_t vni,
			   unsigned int idx, const struct prl_endpoint *remote,
			   const struct prl_addr *local)
{
	struct relayd_ctl_sess *e = cache_find(ctl, vni);
	struct sockaddr_storage r, l;
	struct prl_endpoint lep = { 0 };
	socklen_t len;
	int err;

	if (!e || idx > 1)
		return -ENOENT;
	if (prl_endpoint_to_sockaddr(remote, &r, &len))
		return -EINVAL;
	if (local && local->family) {
		lep.addr = *local;
		if (prl_endpoint_to_sockaddr(&lep, &l, &len))
			return -EINVAL;
	}
	err = uf_session_bind(ctl->rd->uf, vni, idx, &r,
			      local && local->family ? &l : NULL);
	if (!err)
		e->bound[idx] = true;
	return err;
}

static void us_delete(struct relayd_control *ctl, struct relayd_ctl_sess *e,
		      const char *why)
{
	uint32_t vni = e->hs.vni;

	uf_session_del(ctl->rd->uf, vni);
	prl_log_info(&ctl->rd->log, "vni %u: session expired (%s), forgotten",
		    vni, why);
	cache_remove(ctl, vni);
}

/* The kernel's expiry (kmod/expiry.c): bind window, then idle lifetime. */
static void us_expire(struct relayd *rd, void *arg)
{
	struct relayd_control *ctl = arg;
	uint64_t now = uf_now_ms(), last[2];
	uint32_t bind_ms = us_lifetime(rd, PRL_CFG_BIND_LIFETIME);
	uint32_t idle_ms = us_lifetime(rd, PRL_CFG_IDLE_LIFETIME);
	size_t i;

	for (i = 0; i < RELAYD_CTL_BUCKETS; i++) {
		struct relayd_ctl_sess *e, *next;

		for (e = ctl->buckets[i]; e; e = next) {
			next = e->next;
			if (!e->bound[0] || !e->bound[1]) {
				if (now > e->created_ms + bind_ms) {
					ctl->expired_bind++;
					us_delete(ctl, e, "expired_bind");
				}
				continue;
			}
			if (uf_session_last_seen(rd->uf, e->hs.vni, last))
				continue;
			if (now > last[0] + idle_ms || now > last[1] + idle_ms) {
				ctl->expired_idle++;
				us_delete(ctl, e, "expired_idle");
			}
		}
	}
	uf_reclaim(rd->uf);
}

/* Scan at a tenth of the shorter lifetime, as the kernel does. */
static int us_set_tick(struct relayd_control *ctl)
{
	struct relayd *rd = ctl->rd;
	uint32_t b = us_lifetime(rd, PRL_CFG_BIND_LIFETIME);
	uint32_t i = us_lifetime(rd, PRL_CFG_IDLE_LIFETIME);
	uint32_t ms = (b < i ? b : i) / 10;

	ms = ms < 50 ? 50 : ms > 5000 ? 5000 : ms;
	if (ms == ctl->tick_ms)
		return 0;
	ctl->tick_ms = ms;
	return relayd_loop_set_tick(rd, ms, us_expire, ctl);
}

/* Add (or refresh) the view's entry of a kernel session. */
static struct relayd_ctl_sess *cache_add(struct relayd_control *ctl,
					 const struct prl_session *s)
{
	struct relayd_ctl_sess *e = cache_find(ctl, s->vni), **b;

	if (e && !memcmp(e->hs.client_key[0], s->key0, PRL_KEY_LEN) &&
	    !memcmp(e->hs.client_key[1], s->key1, PRL_KEY_LEN))
		return e;
	if (e)
		cache_remove(ctl, s->vni);	/* a reused VNI */
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (prl_hs_session_init(&e->hs, s->vni, s->key0, s->key1, &ctl->hs)) {
		prl_log_warn(&ctl->rd->log, "vni %u: unusable client keys",
			    s->vni);
		free(e);
		return NULL;
	}
	b = bucket(ctl, s->vni);
	e->next = *b;
	*b = e;
	ctl->n_cached++;
	return e;
}

/* prl_hs_lookup_fn: the view, filled from SESSION_GET on a miss. */
static struct prl_hs_session *lookup(void *arg, uint32_t vni)
{
	struct relayd_control *ctl = arg;
	struct relayd *rd = ctl->rd;
	struct relayd_ctl_sess *e = cache_find(ctl, vni);
	struct prl_session s;
	int err;

	if (e)
		return &e->hs;
	if (!rd->nl_open)
		return NULL;
	err = prl_session_get(&rd->nl, vni, &s);
	if (err) {
		if (err != -ENOENT)
			prl_log_warn(&rd->log, "session get vni %u: %s", vni,
				    strerror(-err));
		return NULL;
	}
	e = cache_add(ctl, &s);
	return e ? &e->hs : NULL;
}

static int on_event(const struct prl_event *ev, void *arg)
{
	struct relayd_control *ctl = arg;
	struct relayd *rd = ctl->rd;

	switch (ev->cmd) {
	case PEER_RELAY_CMD_SESSION_DEL_NTF:
		if (cache_find(ctl, ev->session.vni))
			prl_log_info(&rd->log, "vni %u: session deleted by the kernel (%s), forgotten",
				    ev->session.vni,
				    prl_del_name(ev->session.del_reason));
		cache_remove(ctl, ev->session.vni);
		break;
	case PEER_RELAY_CMD_SESSION_NEW_NTF:
		/* replaces the entry of a reused VNI (other keys) */
		cache_add(ctl, &ev->session);
		break;
	default:
		break;
	}
	return 0;
}

static void on_events_fd(struct relayd *rd, int fd, uint32_t events,
			 void *arg)
{
	struct relayd_control *ctl = arg;
	int err, i;

	for (i = 0; i < 64; i++) {
		err = prl_events_recv(&ctl->ev, on_event, ctl);
		if (err == -EAGAIN)
			return;
		if (err == -ENOBUFS) {
			prl_log_warn(&rd->log, "session events lost: rebuilding the session view");
			relayd_control_sync(ctl);
			continue;
		}
		if (err) {
			prl_log_warn(&rd->log, "session events: %s",
				    strerror(-err));
			return;
		}
	}
}

/* ---- datagrams ---- */

static int to_sockaddr(const struct prl_endpoint *ep,
		       struct sockaddr_storage *ss)
{
	socklen_t len;

	return prl_endpoint_to_sockaddr(ep, ss, &len);
}

static void handle_control(struct relayd_control *ctl,
			   const struct relayd_pkt *pkt)
{
	struct relayd *rd = ctl->rd;
	struct sockaddr_storage src, local;
	const struct prl_addr *from = NULL;
	char s[PRL_ENDPOINT_STRLEN];
	struct prl_hs_action act;
	struct prl_endpoint lep;
	int err;

	if (to_sockaddr(&pkt->src, &src))
		return;
	if (pkt->dst.addr.family) {
		lep = pkt->dst;
		if (!to_sockaddr(&lep, &local))
			from = &pkt->dst.addr;
	}
	prl_hs_handle(&ctl->hs, pkt->data, pkt->len,
		     (const struct sockaddr *)&src,
		     from ? (const struct sockaddr *)&local : NULL, lookup,
		     ctl, &act);
	/* Without events a reused VNI can leave stale keys: retry fresh. */
	if (act.result == PRL_HS_DROP_UNKNOWN_SENDER && !ctl->ev_open &&
	    cache_find(ctl, act.vni)) {
		ctl->hs.counters[act.result]--;
		cache_remove(ctl, act.vni);
		prl_hs_handle(&ctl->hs, pkt->data, pkt->len,
			     (const struct sockaddr *)&src,
			     from ? (const struct sockaddr *)&local : NULL,
			     lookup, ctl, &act);
	}
	prl_log_debug(&rd->log, "control from %s vni %u: %s",
		     prl_endpoint_fmt(&pkt->src, s, sizeof(s)), act.vni,
		     prl_hs_result_name(act.result));

	if (act.kind == PRL_HS_ACT_REPLY) {
		err = relayd_send(rd, pkt->sock, &pkt->src, from, act.reply,
				  act.reply_len);
		if (err) {
			ctl->send_errors++;
			prl_log_debug(&rd->log, "challenge to %s: %s", s,
				     strerror(-err));
		}
	} else if (act.kind == PRL_HS_ACT_BIND) {
		if (rd->userspace)
			err = us_session_bind(ctl, act.vni, act.endpoint,
					      &pkt->src, from);
		else
			err = prl_session_bind(&rd->nl, act.vni, act.endpoint,
					      &pkt->src, from);
		if (err) {
			const char *msg = rd->userspace ? "" :
					  prl_nl_errmsg(&rd->nl);

			ctl->bind_errors++;
			prl_log_warn(&rd->log, "session bind vni %u ep %u to %s: %s%s%s",
				    act.vni, act.endpoint, s, strerror(-err),
				    *msg ? ": " : "", msg);
			if (err == -ENOENT)
				cache_remove(ctl, act.vni);
			return;
		}
		prl_log_info(&rd->log, "vni %u: endpoint %u bound to %s (generation %u)",
			    act.vni, act.endpoint, s, act.generation);
	}
}

static bool addr_is_any(const struct prl_addr *a)
{
	size_t i, n = prl_addr_len(a);

	for (i = 0; i < n; i++)
		if (a->u.raw[i])
			return false;
	return true;
}

static void add_ep(struct prl_addrport *list, size_t *n, size_t max,
		   const struct prl_endpoint *ep)
{
	struct sockaddr_storage ss;

	if (*n >= max || !ep->addr.family || addr_is_any(&ep->addr) ||
	    to_sockaddr(ep, &ss))
		return;
	if (!prl_addrport_from_sockaddr(&list[*n], (struct sockaddr *)&ss))
		(*n)++;
}

static void handle_alloc(struct relayd_control *ctl,
			 const struct relayd_pkt *pkt)
{
	struct relayd *rd = ctl->rd;
	struct prl_addrport st[PEER_RELAY_MAX_STATIC_EPS];
	struct prl_addrport loc[2 * RELAYD_MAX_SOCKETS_PER_FAMILY + 1];
	uint8_t out[PRL_ALLOC_RESPONSE_MAX];
	char s[PRL_ENDPOINT_STRLEN], k0[65], k1[65];
	struct prl_alloc_session as;
	struct prl_alloc_request req;
	enum prl_alloc_result r;
	struct prl_session sess;
	struct prl_config cfg;
	struct prl_endpoint ep;
	size_t n_st = 0, n_loc = 0, i;
	ssize_t n;
	int err;

	prl_endpoint_fmt(&pkt->src, s, sizeof(s));
	r = prl_alloc_parse(&ctl->alloc, pkt->data, pkt->len, &req);
	if (r != PRL_ALLOC_OK) {
		prl_log_debug(&rd->log, "allocate request from %s: %s", s,
			     prl_alloc_result_name(r));
		return;
	}
	if (rd->userspace) {
		err = us_session_new(ctl, req.client_key[0], req.client_key[1],
				     &sess);
		us_config(rd, &cfg);
	} else if (rd->nl_open) {
		err = prl_session_new(&rd->nl, req.client_key[0],
				     req.client_key[1], NULL, &sess);
		if (!err)
			err = prl_config_get(&rd->nl, &cfg);
	} else {
		return;
	}
	if (err) {
		const char *msg = rd->userspace ? "" : prl_nl_errmsg(&rd->nl);

		ctl->alloc_errors++;
		prl_log_warn(&rd->log, "allocate for %s: %s%s%s", s,
			    strerror(-err), *msg ? ": " : "", msg);
		return;
	}
	as.vni = sess.vni;
	as.lamport = sess.lamport;
	as.bind_lifetime_ms = cfg.bind_lifetime_ms;
	as.idle_lifetime_ms = cfg.idle_lifetime_ms;
	for (i = 0; i < cfg.n_static_eps; i++)
		add_ep(st, &n_st, PEER_RELAY_MAX_STATIC_EPS,
		       &cfg.static_eps[i]);
	/* the address the request reached, then every bound socket address */
	ep.addr = pkt->dst.addr;
	ep.port = rd->port;
	add_ep(loc, &n_loc, sizeof(loc) / sizeof(loc[0]), &ep);
	for (i = 0; i < rd->n_socks; i++)
		add_ep(loc, &n_loc, sizeof(loc) / sizeof(loc[0]),
		       &rd->socks[i].local);
	n = prl_alloc_build_response(&ctl->alloc, &req, &as, st, n_st, loc,
				    n_loc, out, sizeof(out));
	if (n < 0) {
		prl_log_warn(&rd->log, "allocate for %s: no response (%s)", s,
			    n_st + n_loc ? "request not padded" :
			    "no relay address known");
		return;
	}
	err = relayd_send(rd, pkt->sock, &pkt->src,
			  pkt->dst.addr.family ? &pkt->dst.addr : NULL, out,
			  (size_t)n);
	if (err) {
		ctl->send_errors++;
		prl_log_warn(&rd->log, "allocate response to %s: %s", s,
			    strerror(-err));
		return;
	}
	ctl->allocated++;
	prl_log_info(&rd->log, "allocated vni %u lamport %llu for %.16s.. %.16s.. (asked by %s)",
		    sess.vni, (unsigned long long)sess.lamport,
		    prl_key_to_hex(req.client_key[0], k0),
		    prl_key_to_hex(req.client_key[1], k1), s);
}

void relayd_control_rx(struct relayd *rd, const struct relayd_pkt *pkt,
		       void *arg)
{
	struct relayd_control *ctl = arg;
	__u32 vni = 0;

	relayd_rx_default(rd, pkt, &rd->rx_stats);
	if (pkt->truncated) {
		ctl->ignored++;
		return;
	}
	switch (prelay_classify(pkt->data, (__u32)pkt->len, &vni)) {
	case PRELAY_CLASS_CONTROL:
		if (!prl_rl_allow(&ctl->rl, &pkt->src.addr, prl_rc_now_ns()))
			break;
		handle_control(ctl, pkt);
		break;
	case PRELAY_CLASS_NOT_GENEVE:
		if (prl_disco_has_magic(pkt->data, pkt->len)) {
			if (!prl_rl_allow(&ctl->rl, &pkt->src.addr,
					 prl_rc_now_ns()))
				break;
			handle_alloc(ctl, pkt);
			break;
		}
		/* fall through */
	default:
		ctl->ignored++;
		break;
	}
}

/* ---- the session view ---- */

static int sync_one(const struct prl_session *s, void *arg)
{
	cache_add(arg, s);
	return 0;
}

int relayd_control_sync(struct relayd_control *ctl)
{
	struct relayd *rd = ctl->rd;
	int n;

	if (!rd->nl_open)
		return 0;
	cache_flush(ctl);
	n = prl_session_dump(&rd->nl, sync_one, ctl);
	if (n < 0) {
		prl_log_warn(&rd->log, "session dump: %s", strerror(-n));
		return n;
	}
	ctl->resyncs++;
	prl_log_info(&rd->log, "session view rebuilt from the kernel: %zu session%s",
		    ctl->n_cached, ctl->n_cached == 1 ? "" : "s");
	return (int)ctl->n_cached;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void relayd_control_log_view(const struct relayd_control *ctl)
{
	char line[64 * 9 + 16];
	uint32_t vnis[64];
	size_t i, n = 0, off = 0;

	for (i = 0; i < RELAYD_CTL_BUCKETS; i++) {
		const struct relayd_ctl_sess *e;

		for (e = ctl->buckets[i]; e; e = e->next)
			if (n < 64)
				vnis[n++] = e->hs.vni;
	}
	qsort(vnis, n, sizeof(vnis[0]), cmp_u32);
	line[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%u",
					i ? " " : "", vnis[i]);
	prl_log_info(&ctl->rd->log, "view: %zu session%s: vni %s%s",
		    ctl->n_cached, ctl->n_cached == 1 ? "" : "s",
		    n ? line : "none", ctl->n_cached > n ? " ..." : "");
}

/* ---- reload (SIGHUP) ---- */

int relayd_control_reload(struct relayd_control *ctl)
{
	struct relayd *rd = ctl->rd;
	struct relayd_opts o = rd->cli_opts;
	struct prl_grants g = { 0 };
	char err[512];
	int ret;

	o.owned = 0;
	if (rd->opts.config_file) {
		ret = relayd_config_load(rd->opts.config_file, &o, rd->cli_set,
					 err, sizeof(err));
		if (ret) {
			prl_log_err(&rd->log, "reload: %s (keeping the old configuration)",
				   err);
			relayd_opts_free(&o);
			return ret;
		}
	}
	if (o.grants_file && prl_grants_load(o.grants_file, &g, err,
					    sizeof(err))) {
		prl_log_err(&rd->log, "reload: grants: %s (keeping the old configuration)",
			   err);
		relayd_opts_free(&o);
		return -EINVAL;
	}
	/* kernel settings: what the file (or the command line) sets */
	o.relay_cfg.mask &= ~PRL_CFG_SERVER_KEY;
	if (rd->nl_open && o.relay_cfg.mask) {
		ret = prl_config_set(&rd->nl, &o.relay_cfg);
		if (ret) {
			const char *msg = prl_nl_errmsg(&rd->nl);

			prl_log_err(&rd->log, "reload: config set: %s%s%s",
				   strerror(-ret), *msg ? ": " : "", msg);
		} else if (o.relay_cfg.mask & PRL_CFG_STATIC_EPS) {
			prl_log_info(&rd->log, "reload: %u static endpoint%s",
				    o.relay_cfg.n_static_eps,
				    o.relay_cfg.n_static_eps == 1 ? "" : "s");
		}
	}
	prl_grants_free(&ctl->grants);
	ctl->grants = g;
	prl_log_info(&rd->log, "reload: in-band allocation: %zu granted client key%s",
		    ctl->grants.n, ctl->grants.n == 1 ? "" : "s");
	prl_rl_configure(&ctl->rl, o.rate_limit, o.rate_burst);
	if (o.key_file && rd->opts.key_file &&
	    strcmp(o.key_file, rd->opts.key_file))
		prl_log_warn(&rd->log, "reload: the key file cannot change at runtime (restart relayd)");
	if (o.log_level != rd->opts.log_level)
		rd->log.level = o.log_level;
	/* keep what cannot change at runtime */
	o.port = rd->opts.port;
	o.ipv4 = rd->opts.ipv4;
	o.ipv6 = rd->opts.ipv6;
	o.sockets = rd->opts.sockets;
	o.config_file = rd->opts.config_file;
	o.no_kernel = rd->opts.no_kernel;
	o.userspace = rd->opts.userspace;
	relayd_opts_free(&rd->opts);
	rd->opts = o;
	if (rd->userspace) {
		ret = us_set_tick(ctl);
		if (ret)
			prl_log_warn(&rd->log, "reload: expiry timer: %s",
				    strerror(-ret));
	}
	ctl->reloads++;
	prl_log_info(&rd->log, "configuration reloaded");
	return 0;
}

static void on_signal(struct relayd *rd, int signo, void *arg)
{
	struct relayd_control *ctl = arg;

	if (signo == SIGHUP) {
		prl_log_info(&rd->log, "received SIGHUP, reloading");
		relayd_control_reload(ctl);
	} else if (signo == SIGUSR1) {
		relayd_control_log_stats(ctl);
		relayd_control_log_view(ctl);
	}
}

/* ---- setup ---- */

static int load_key(struct relayd *rd, uint8_t priv[PRL_KEY_LEN])
{
	const char *path = rd->opts.key_file;
	bool created = false;
	int ret;

	if (!path) {
		uint8_t pub[PRL_KEY_LEN];

		prl_log_info(&rd->log, "no key file: using an ephemeral relay key");
		return prl_key_generate(priv, pub) ? -EIO : 0;
	}
	ret = prl_key_load_or_create(path, priv, &created);
	if (ret < 0) {
		ret = -errno;
		prl_log_err(&rd->log, "relay key %s: %s", path,
			   ret == -EINVAL ? "not a key file (64 hex digits)" :
			   strerror(-ret));
		return ret;
	}
	if (ret == 1)
		prl_log_warn(&rd->log, "relay key %s is accessible by group or others",
			    path);
	if (created)
		prl_log_info(&rd->log, "created relay key %s", path);
	return 0;
}

int relayd_control_init(struct relayd *rd, struct relayd_control *ctl)
{
	uint8_t priv[PRL_KEY_LEN];
	char hex[65], err_msg[256];
	int err;

	memset(ctl, 0, sizeof(*ctl));
	ctl->rd = rd;
	err = load_key(rd, priv);
	if (err)
		return err;
	err = prl_hs_server_init(&ctl->hs, priv, NULL, NULL) ? -EIO : 0;
	if (!err && prl_alloc_ctx_init(&ctl->alloc, priv, &ctl->grants))
		err = -EIO;
	sodium_memzero(priv, sizeof(priv));
	if (err) {
		prl_log_err(&rd->log, "relay key: cannot set up the crypto");
		return err;
	}
	memcpy(ctl->pub, ctl->hs.pub, PRL_KEY_LEN);

	if (rd->opts.grants_file) {
		if (prl_grants_load(rd->opts.grants_file, &ctl->grants, err_msg,
				   sizeof(err_msg))) {
			prl_log_err(&rd->log, "grants: %s", err_msg);
			return -EINVAL;
		}
		prl_log_info(&rd->log, "in-band allocation: %zu granted client key%s",
			    ctl->grants.n, ctl->grants.n == 1 ? "" : "s");
	} else {
		prl_log_info(&rd->log, "in-band allocation disabled (no grants file)");
	}

	if (rd->nl_open) {
		struct prl_config cfg = { .mask = PRL_CFG_SERVER_KEY };

		memcpy(cfg.server_key, ctl->pub, PRL_KEY_LEN);
		err = prl_config_set(&rd->nl, &cfg);
		if (err) {
			const char *msg = prl_nl_errmsg(&rd->nl);

			prl_log_err(&rd->log, "config set server-key: %s%s%s",
				   strerror(-err), *msg ? ": " : "", msg);
			return err;
		}
		err = prl_events_open(&ctl->ev, &rd->nl, true);
		if (!err) {
			err = relayd_loop_add_fd(rd, prl_events_fd(&ctl->ev),
						 on_events_fd, ctl);
			if (err)
				prl_events_close(&ctl->ev);
		}
		if (err)
			prl_log_warn(&rd->log, "session events unavailable (%s): handshake cache refreshes on demand",
				    strerror(-err));
		else
			ctl->ev_open = true;
	}
	/* after subscribing, so no session is missed in between */
	if (rd->nl_open)
		relayd_control_sync(ctl);
	if (prl_rl_init(&ctl->rl, rd->opts.rate_limit, rd->opts.rate_burst)) {
		prl_log_err(&rd->log, "out of memory");
		return -ENOMEM;
	}
	if (rd->opts.rate_limit)
		prl_log_info(&rd->log, "rate limit: %u control packets/s per source, burst %u",
			    rd->opts.rate_limit, rd->opts.rate_burst);
	else
		prl_log_info(&rd->log, "rate limit: off");
	if (rd->userspace) {
		err = us_set_tick(ctl);
		if (err) {
			prl_log_err(&rd->log, "expiry timer: %s", strerror(-err));
			return err;
		}
	}
	rd->rx = relayd_control_rx;
	rd->rx_arg = ctl;
	rd->on_signal = on_signal;
	rd->signal_arg = ctl;
	prl_log_info(&rd->log, "relay key %s", prl_key_to_hex(ctl->pub, hex));
	return 0;
}

void relayd_control_log_stats(const struct relayd_control *ctl)
{
	const struct prl_log *log;
	int i;

	if (!ctl->rd)
		return;
	log = &ctl->rd->log;
	for (i = 0; i < __PR_HS_RESULT_MAX; i++)
		if (ctl->hs.counters[i])
			prl_log_info(log, "handshake %s: %llu",
				    prl_hs_result_name(i),
				    (unsigned long long)ctl->hs.counters[i]);
	for (i = 0; i < __PR_ALLOC_RESULT_MAX; i++)
		if (ctl->alloc.counters[i])
			prl_log_info(log, "allocate %s: %llu",
				    prl_alloc_result_name(i),
				    (unsigned long long)ctl->alloc.counters[i]);
	if (ctl->allocated)
		prl_log_info(log, "allocate responses sent: %llu",
			    (unsigned long long)ctl->allocated);
	prl_log_info(log, "control packets: %llu handled, %llu rate-limited",
		    (unsigned long long)ctl->rl.passed,
		    (unsigned long long)ctl->rl.limited);
	if (ctl->rd->userspace)
		prl_log_info(log, "sessions expired: bind %llu, idle %llu",
			    (unsigned long long)ctl->expired_bind,
			    (unsigned long long)ctl->expired_idle);
	relayd_uplane_log_stats(ctl->rd);
	if (ctl->alloc_errors || ctl->bind_errors || ctl->send_errors)
		prl_log_info(log, "errors: allocate %llu, bind %llu, send %llu",
			    (unsigned long long)ctl->alloc_errors,
			    (unsigned long long)ctl->bind_errors,
			    (unsigned long long)ctl->send_errors);
}

/* One counter family: HELP/TYPE, then NAME{LABEL="name(i)"} v[i]. */
static void prom_family(FILE *f, const char *name, const char *help,
			const char *label, const char *(*names)(int),
			const uint64_t *v, int n)
{
	int i;

	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (i = 0; i < n; i++)
		if (names(i))
			fprintf(f, "%s{%s=\"%s\"} %llu\n", name, label, names(i),
				(unsigned long long)v[i]);
}

static const char *hs_name(int i) { return prl_hs_result_name(i); }
static const char *alloc_name(int i) { return prl_alloc_result_name(i); }
static const char *ctl_outcome(int i)
{
	return i == 0 ? "handled" : i == 1 ? "rate_limited" : NULL;
}
static const char *err_op(int i)
{
	return i == 0 ? "allocate" : i == 1 ? "bind" : i == 2 ? "send" : NULL;
}
static const char *expiry_reason(int i)
{
	return i == 0 ? "expired_bind" : i == 1 ? "expired_idle" : NULL;
}

void relayd_control_write_metrics(const struct relayd_control *ctl, FILE *f)
{
	const uint64_t ctl_pkts[2] = { ctl->rl.passed, ctl->rl.limited };
	const uint64_t errs[3] = { ctl->alloc_errors, ctl->bind_errors,
				   ctl->send_errors };
	const uint64_t expired[2] = { ctl->expired_bind, ctl->expired_idle };

	prom_family(f, "peer_relay_relayd_handshake_total",
		    "Control packets of the bind handshake by outcome.",
		    "result", hs_name, ctl->hs.counters, __PR_HS_RESULT_MAX);
	prom_family(f, "peer_relay_relayd_allocate_total",
		    "In-band allocation requests by outcome.", "result",
		    alloc_name, ctl->alloc.counters, __PR_ALLOC_RESULT_MAX);
	fprintf(f, "# HELP peer_relay_relayd_allocate_responses_total Allocation responses sent.\n"
		"# TYPE peer_relay_relayd_allocate_responses_total counter\n"
		"peer_relay_relayd_allocate_responses_total %llu\n",
		(unsigned long long)ctl->allocated);
	prom_family(f, "peer_relay_relayd_control_packets_total",
		    "Control packets relayd handled or dropped by its own per-source rate limit.",
		    "outcome", ctl_outcome, ctl_pkts, 2);
	prom_family(f, "peer_relay_relayd_errors_total",
		    "Kernel requests or replies that failed.", "op", err_op,
		    errs, 3);
	fprintf(f, "# HELP peer_relay_relayd_config_reloads_total Successful SIGHUP reloads.\n"
		"# TYPE peer_relay_relayd_config_reloads_total counter\n"
		"peer_relay_relayd_config_reloads_total %llu\n"
		"# HELP peer_relay_relayd_sessions Sessions in relayd's view.\n"
		"# TYPE peer_relay_relayd_sessions gauge\n"
		"peer_relay_relayd_sessions %zu\n",
		(unsigned long long)ctl->reloads, ctl->n_cached);
	if (ctl->rd->userspace)
		prom_family(f, "peer_relay_relayd_sessions_deleted_total",
			    "Sessions the userspace data plane expired, by reason.",
			    "reason", expiry_reason, expired, 2);
}

void relayd_control_fini(struct relayd_control *ctl)
{
	if (!ctl->rd)
		return;
	if (ctl->ev_open) {
		relayd_loop_del_fd(ctl->rd, prl_events_fd(&ctl->ev));
		prl_events_close(&ctl->ev);
		ctl->ev_open = false;
	}
	cache_flush(ctl);
	prl_rl_fini(&ctl->rl);
	prl_grants_free(&ctl->grants);
	prl_hs_server_wipe(&ctl->hs);
	prl_alloc_ctx_wipe(&ctl->alloc);
	ctl->rd = NULL;
}
