// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd control plane: handshake and in-band allocation on top of the
 * event loop and the data-plane interface (see control.h, dataplane.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <peer_relay/classify.h>

#include "control.h"
#include "ctl_proto.h"
#include "keyfile.h"
#include "relayclient.h"

/* ---- the handshake cache (never the only copy of a session) ---- */

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

static void cache_remove(struct relayd_control *ctl, uint32_t vni)
{
	struct relayd_ctl_sess **pp, *e;

	for (pp = bucket(ctl, vni); (e = *pp); pp = &e->next) {
		if (e->hs.vni != vni)
			continue;
		*pp = e->next;
		prl_free_secret(e, sizeof(*e));
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
			prl_free_secret(e, sizeof(*e));
		}
	}
	ctl->n_cached = 0;
}

/* Add (or refresh) the cache entry of a data-plane session. */
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
	/*
	 * No key exchange yet: a burst of thousands of new sessions (bulk
	 * allocation, a replica's resync, a view rebuild) would cost two
	 * X25519 each on relayd's one thread; lookup() does it when the
	 * session's first handshake datagram comes.
	 */
	if (prl_hs_session_prepare(&e->hs, s->vni, s->key0, s->key1, &ctl->hs)) {
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

/*
 * prl_hs_lookup_fn: the cache, filled from the data plane's own store on
 * a miss. The cache holds nothing the data plane does not (the
 * in-progress generations are soft state): dropping an entry never
 * loses a session.
 */
static struct prl_hs_session *lookup(void *arg, uint32_t vni)
{
	struct relayd_control *ctl = arg;
	struct relayd_dp *dp = &ctl->dp;
	struct relayd_ctl_sess *e = cache_find(ctl, vni);
	struct prl_session s;
	int err;

	if (!e) {
		err = dp->ops->session_get(dp, vni, &s);
		if (err) {
			if (err != -ENOENT)
				relayd_dp_warn(dp, err, "session get vni %u", vni);
			return NULL;
		}
		e = cache_add(ctl, &s);
		if (!e)
			return NULL;
	}
	if (!e->keyed) {
		if (prl_hs_session_keys(&e->hs, &ctl->hs)) {
			prl_log_warn(&ctl->rd->log, "vni %u: unusable client keys", vni);
			cache_remove(ctl, vni);
			return NULL;
		}
		e->keyed = true;
	}
	return &e->hs;
}

/* ---- what the data plane tells us (struct relayd_dp_notify) ---- */

/* ... and to the monitors on the control socket, as the module's events */
static void tell_monitors(struct relayd_control *ctl, uint8_t cmd,
			  const struct prl_session *s)
{
	struct prl_event ev = { .cmd = cmd };

	ev.session = *s;
	relayd_ctlsock_event(&ctl->cs, &ev);
}

static void on_session(void *arg, unsigned int cmd,
		       const struct prl_session *s)
{
	struct relayd_control *ctl = arg;

	if (cmd == PEER_RELAY_CMD_SESSION_NEW_NTF) {
		/* replaces the entry of a reused VNI (other keys) */
		cache_add(ctl, s);
	} else if (cmd == PEER_RELAY_CMD_SESSION_DEL_NTF) {
		if (cache_find(ctl, s->vni))
			prl_log_info(&ctl->rd->log, "vni %u: session deleted by %s (%s), forgotten",
				     s->vni, ctl->dp.ops->desc,
				     prl_del_name(s->del_reason));
		cache_remove(ctl, s->vni);
	}
	tell_monitors(ctl, cmd, s);
}

static void on_lost(void *arg)
{
	relayd_control_sync(arg);
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
	/*
	 * A data plane that may delete sessions without telling us (the
	 * kernel without events) can leave stale keys of a reused VNI:
	 * refetch them once. Only the cache entry goes; the session stays.
	 */
	if (act.result == PRL_HS_DROP_UNKNOWN_SENDER &&
	    !ctl->dp.ops->coherent(&ctl->dp) && cache_find(ctl, act.vni)) {
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
		err = ctl->dp.ops->session_bind(&ctl->dp, act.vni, act.endpoint,
						&pkt->src, from);
		if (err) {
			ctl->bind_errors++;
			relayd_dp_warn(&ctl->dp, err,
				       "session bind vni %u ep %u to %s",
				       act.vni, act.endpoint, s);
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

/* The addresses of an AllocateResponse: ALLOC_EPS_MAX at most. */
#define ALLOC_EPS_MAX	(PEER_RELAY_MAX_STATIC_EPS + \
			 2 * RELAYD_MAX_SOCKETS_PER_FAMILY + 1)

static void add_ep(struct prl_addrport *list, size_t *n,
		   const struct prl_endpoint *ep)
{
	struct sockaddr_storage ss;

	if (*n >= ALLOC_EPS_MAX || !ep->addr.family || addr_is_any(&ep->addr) ||
	    to_sockaddr(ep, &ss))
		return;
	if (!prl_addrport_from_sockaddr(&list[*n], (struct sockaddr *)&ss))
		(*n)++;
}

static void handle_alloc(struct relayd_control *ctl,
			 const struct relayd_pkt *pkt)
{
	struct relayd *rd = ctl->rd;
	struct prl_addrport eps[ALLOC_EPS_MAX];	/* static, then local */
	uint8_t out[PRL_ALLOC_RESPONSE_MAX];
	char s[PRL_ENDPOINT_STRLEN], k0[65], k1[65];
	struct prl_alloc_session as;
	struct prl_alloc_request req;
	enum prl_alloc_result r;
	struct prl_session sess;
	struct prl_config cfg;
	struct prl_endpoint ep;
	size_t n_eps = 0, i;
	ssize_t n;
	int err;

	prl_endpoint_fmt(&pkt->src, s, sizeof(s));
	r = prl_alloc_parse(&ctl->alloc, pkt->data, pkt->len, &req);
	if (r != PRL_ALLOC_OK) {
		prl_log_debug(&rd->log, "allocate request from %s: %s", s,
			     prl_alloc_result_name(r));
		return;
	}
	err = ctl->dp.ops->session_new(&ctl->dp, req.client_key[0],
				       req.client_key[1], NULL, NULL, NULL,
				       &sess);
	if (!err)
		err = ctl->dp.ops->config_get(&ctl->dp, &cfg);
	if (err) {
		ctl->alloc_errors++;
		relayd_dp_warn(&ctl->dp, err, "allocate for %s", s);
		return;
	}
	as.vni = sess.vni;
	as.lamport = sess.lamport;
	as.bind_lifetime_ms = cfg.bind_lifetime_ms;
	as.idle_lifetime_ms = cfg.idle_lifetime_ms;
	for (i = 0; i < cfg.n_static_eps; i++)
		add_ep(eps, &n_eps, &cfg.static_eps[i]);
	/* the address the request reached, then every bound socket address */
	ep.addr = pkt->dst.addr;
	ep.port = rd->port;
	add_ep(eps, &n_eps, &ep);
	for (i = 0; i < rd->n_socks; i++)
		add_ep(eps, &n_eps, &rd->socks[i].local);
	n = prl_alloc_build_response(&ctl->alloc, &req, &as, eps, n_eps, out,
				    sizeof(out));
	if (n < 0) {
		prl_log_warn(&rd->log, "allocate for %s: no response (%s)", s,
			    n_eps ? "request not padded" :
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

	cache_flush(ctl);
	n = ctl->dp.ops->session_dump(&ctl->dp, sync_one, ctl);
	if (n < 0) {
		relayd_dp_warn(&ctl->dp, n, "session dump");
		return n;
	}
	ctl->resyncs++;
	prl_log_info(&rd->log, "session view rebuilt from %s: %zu session%s",
		     ctl->dp.ops->desc, ctl->n_cached,
		     ctl->n_cached == 1 ? "" : "s");
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
	struct prl_grants g = { 0 };
	struct relayd_opts o;
	char err[512];
	int ret;

	/* the whole file into @o first: a bad line changes nothing */
	if (relayd_reload_settings(rd->argc, rd->argv, &rd->defaults, &o)) {
		prl_log_err(&rd->log, "reload: config file error (keeping the old configuration)");
		relayd_opts_free(&o);
		return -EINVAL;
	}
	if (o.grants_file && prl_grants_load(o.grants_file, &g, err,
					    sizeof(err))) {
		prl_log_err(&rd->log, "reload: grants: %s (keeping the old configuration)",
			   err);
		relayd_opts_free(&o);
		return -EINVAL;
	}
	/* data-plane settings: what the file (or the command line) sets */
	o.relay_cfg.mask &= ~PRL_CFG_SERVER_KEY;
	if (o.relay_cfg.mask) {
		ret = ctl->dp.ops->config_set(&ctl->dp, &o.relay_cfg);
		if (ret) {
			relayd_dp_warn(&ctl->dp, ret, "reload: config set");
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
	const struct relayd_dp_notify notify = {
		.session = on_session,
		.lost = on_lost,
		.arg = ctl,
	};
	struct prl_config cfg;
	uint8_t priv[PRL_KEY_LEN];
	char hex[65], err_msg[256];
	int err;

	memset(ctl, 0, sizeof(*ctl));
	ctl->cs.fd = -1;
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

	err = relayd_dp_start(&ctl->dp, rd, &notify);
	if (err)
		return err;
	prl_log_info(&rd->log, "data plane: %s", ctl->dp.ops->name);
	cfg = rd->opts.relay_cfg;
	cfg.mask |= PRL_CFG_SERVER_KEY;
	memcpy(cfg.server_key, ctl->pub, PRL_KEY_LEN);
	err = ctl->dp.ops->config_set(&ctl->dp, &cfg);
	if (err) {
		relayd_dp_warn(&ctl->dp, err, "config set");
		return err;
	}
	if (rd->opts.relay_cfg.mask)
		prl_log_info(&rd->log, "relay configuration applied");
	/* after subscribing to events, so no session is missed in between */
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
	/*
	 * Only while relayd is the data plane: with the module, relayctl
	 * asks the kernel. Not fatal: relayd forwards without it.
	 */
	if (rd->userspace)
		relayd_ctlsock_open(&ctl->cs, ctl, rd->opts.ctl_socket ?
				    rd->opts.ctl_socket : PRL_CTL_DEFAULT_PATH);
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
	for (i = 0; i < __PRL_HS_RESULT_MAX; i++)
		if (ctl->hs.counters[i])
			prl_log_info(log, "handshake %s: %llu",
				    prl_hs_result_name(i),
				    (unsigned long long)ctl->hs.counters[i]);
	for (i = 0; i < __PRL_ALLOC_RESULT_MAX; i++)
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
	if (ctl->dp.ops)
		ctl->dp.ops->log_stats(&ctl->dp);
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

void relayd_control_write_metrics(const struct relayd_control *ctl, FILE *f)
{
	const uint64_t ctl_pkts[2] = { ctl->rl.passed, ctl->rl.limited };
	const uint64_t errs[3] = { ctl->alloc_errors, ctl->bind_errors,
				   ctl->send_errors };

	prom_family(f, "peer_relay_relayd_handshake_total",
		    "Control packets of the bind handshake by outcome.",
		    "result", hs_name, ctl->hs.counters, __PRL_HS_RESULT_MAX);
	prom_family(f, "peer_relay_relayd_allocate_total",
		    "In-band allocation requests by outcome.", "result",
		    alloc_name, ctl->alloc.counters, __PRL_ALLOC_RESULT_MAX);
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
}

void relayd_control_fini(struct relayd_control *ctl)
{
	if (!ctl->rd)
		return;
	relayd_ctlsock_close(&ctl->cs);
	relayd_dp_stop(&ctl->dp);
	cache_flush(ctl);
	prl_rl_fini(&ctl->rl);
	prl_grants_free(&ctl->grants);
	prl_hs_server_wipe(&ctl->hs);
	prl_alloc_ctx_wipe(&ctl->alloc);
	ctl->rd = NULL;
}
