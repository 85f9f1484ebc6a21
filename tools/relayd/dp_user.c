// SPDX-License-Identifier: GPL-2.0-only
/*
 * The userspace backend of the data-plane interface (dataplane.h): the
 * forwarding threads of tools/lib/uforward (started by uplane.c) forward
 * the data; this file owns the session store and applies the module's
 * rules to it, so that relayd without the module behaves as the module:
 *
 *   SESSION_NEW  idempotent per unordered key pair; equal keys and the
 *                server key refused; next free VNI from a cyclic cursor;
 *                LamportID = last + 1; max-sessions
 *   expiry       include/peer_relay/expiry.h at its period: bind window
 *                from creation, then the idle lifetime per endpoint;
 *                deleted[reason] counted, dp->notify.session() called
 *   config       lifetimes and pass limits checked against
 *                include/peer_relay/limits.h, pass limits applied to the
 *                engine; static endpoints and the server key kept
 *   counters     struct prl_stats with the UAPI reasons (uf_stats)
 *
 * Errors carry the kernel's extack messages. The store is lost when
 * relayd exits (relayd(8)): the engine and the store go together, so no
 * half of a session can outlive the other.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <peer_relay/expiry.h>
#include <peer_relay/limits.h>

#include "dataplane.h"
#include "keyfile.h"
#include "relayd.h"
#include "tables.h"
#include "uforward.h"

#define DPU_BUCKETS	4096

struct dpu_sess {
	uint32_t vni;
	uint8_t key[2][PEER_RELAY_KEY_LEN];	/* sorted, as the kernel */
	uint64_t lamport;
	uint64_t created_ms;			/* uf_now_ms() */
	struct dpu_sess *next;			/* VNI chain */
	struct dpu_sess *next_pair;		/* key-pair chain */
};

struct dpu {
	struct dpu_sess *vnis[DPU_BUCKETS];
	struct dpu_sess *pairs[DPU_BUCKETS];
	size_t n;
	uint32_t vni_next;
	uint64_t lamport;
	uint64_t created;
	uint64_t deleted[__PEER_RELAY_DEL_MAX];
	struct prl_config cfg;		/* every field valid */
	bool has_server_key;
	unsigned int tick_ms;
	char errmsg[128];
};

static struct dpu *P(struct relayd_dp *dp) { return dp->priv; }

static int fail(struct dpu *u, int err, const char *msg)
{
	snprintf(u->errmsg, sizeof(u->errmsg), "%s", msg);
	return err;
}

static struct dpu_sess **vni_bucket(struct dpu *u, uint32_t vni)
{
	return &u->vnis[(vni * 2654435761u) % DPU_BUCKETS];
}

static struct dpu_sess *find(struct dpu *u, uint32_t vni)
{
	struct dpu_sess *s;

	for (s = *vni_bucket(u, vni); s; s = s->next)
		if (s->vni == vni)
			return s;
	return NULL;
}

static struct dpu_sess **pair_bucket(struct dpu *u,
				     const uint8_t k[2][PEER_RELAY_KEY_LEN])
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 8; i++)		/* keys are random: a few bytes do */
		h = (h ^ k[0][i] ^ ((uint32_t)k[1][i] << 8)) * 16777619u;
	return &u->pairs[h % DPU_BUCKETS];
}

static void unlink_from(struct dpu_sess **pp, struct dpu_sess *s, bool pair)
{
	for (; *pp; pp = pair ? &(*pp)->next_pair : &(*pp)->next) {
		if (*pp == s) {
			*pp = pair ? s->next_pair : s->next;
			return;
		}
	}
}

static void to_endpoint(const struct sockaddr_storage *ss,
			struct prl_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (ss->ss_family)
		prl_endpoint_from_sockaddr((const struct sockaddr *)ss,
					   sizeof(*ss), ep);
}

/* The session as SESSION_GET reports it. */
static void fill(struct relayd_dp *dp, const struct dpu_sess *s,
		 struct prl_session *out)
{
	struct uf_session_info in;
	uint64_t now = uf_now_ms();
	struct prl_endpoint l;
	int i;

	memset(out, 0, sizeof(*out));
	out->vni = s->vni;
	memcpy(out->key0, s->key[0], PEER_RELAY_KEY_LEN);
	memcpy(out->key1, s->key[1], PEER_RELAY_KEY_LEN);
	out->lamport = s->lamport;
	out->age_ms = now - s->created_ms;
	if (uf_session_info(dp->rd->uf, s->vni, &in))
		return;
	out->state = in.bound[0] && in.bound[1] ? PEER_RELAY_STATE_OPEN :
		     PEER_RELAY_STATE_CONNECTING;
	for (i = 0; i < 2; i++) {
		to_endpoint(&in.remote[i], &out->ep[i].remote);
		to_endpoint(&in.local[i], &l);
		out->ep[i].local = l.addr;
		out->ep[i].rx_packets = in.rx_packets[i];
		out->ep[i].rx_bytes = in.rx_bytes[i];
		out->ep[i].idle_ms = now > in.last_ms[i] ? now - in.last_ms[i] : 0;
	}
}

/* Remove @s from the store and the engine; count and notify @reason. */
static void delete(struct relayd_dp *dp, struct dpu_sess *s,
		   unsigned int reason)
{
	struct dpu *u = P(dp);
	uint32_t vni = s->vni;
	struct prl_session gone;

	if (dp->notify.session)	/* as it was, before the engine forgets it */
		fill(dp, s, &gone);
	uf_session_del(dp->rd->uf, vni);
	unlink_from(vni_bucket(u, vni), s, false);
	unlink_from(pair_bucket(u, s->key), s, true);
	prl_free_secret(s, sizeof(*s));
	u->n--;
	if (reason < __PEER_RELAY_DEL_MAX)
		u->deleted[reason]++;
	if (dp->notify.session) {
		gone.del_reason = reason;
		dp->notify.session(dp->notify.arg,
				   PEER_RELAY_CMD_SESSION_DEL_NTF, &gone);
	}
}

/* ---- expiry: the module's rules (include/peer_relay/expiry.h) ---- */

static void expire(struct relayd *rd, void *arg)
{
	struct relayd_dp *dp = arg;
	struct dpu *u = P(dp);
	uint64_t now = uf_now_ms();
	struct uf_session_info in;
	unsigned int reason;
	size_t i;

	for (i = 0; i < DPU_BUCKETS; i++) {
		struct dpu_sess *s, *next;

		for (s = u->vnis[i]; s; s = next) {
			next = s->next;
			if (uf_session_info(rd->uf, s->vni, &in))
				continue;
			reason = prelay_expiry_decide(in.bound[0] && in.bound[1],
						      now, s->created_ms,
						      in.last_ms[0],
						      in.last_ms[1],
						      u->cfg.bind_lifetime_ms,
						      u->cfg.idle_lifetime_ms);
			if (!reason)
				continue;
			prl_log_info(&rd->log, "vni %u: session expired (%s)",
				     s->vni, prl_del_name(reason));
			delete(dp, s, reason);
		}
	}
	uf_reclaim(rd->uf);
}

static int set_tick(struct relayd_dp *dp)
{
	struct dpu *u = P(dp);
	unsigned int ms = prelay_expiry_period_ms(u->cfg.bind_lifetime_ms,
						  u->cfg.idle_lifetime_ms);

	if (ms == u->tick_ms)
		return 0;
	u->tick_ms = ms;
	return relayd_loop_set_tick(dp->rd, ms, expire, dp);
}

/* ---- ops ---- */

static bool u_coherent(const struct relayd_dp *dp) { return true; }

static int u_start(struct relayd_dp *dp)
{
	struct dpu *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	dp->priv = u;
	u->vni_next = PEER_RELAY_VNI_MIN;
	u->cfg.mask = PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME |
		      PRL_CFG_MAX_SESSIONS | PRL_CFG_STATIC_EPS |
		      PRL_CFG_PASS_RATE | PRL_CFG_PASS_BURST |
		      PRL_CFG_PASS_RATE_TOTAL;
	u->cfg.bind_lifetime_ms = PEER_RELAY_DEFAULT_BIND_LIFETIME_MS;
	u->cfg.idle_lifetime_ms = PEER_RELAY_DEFAULT_IDLE_LIFETIME_MS;
	u->cfg.max_sessions = PEER_RELAY_DEFAULT_MAX_SESSIONS;
	u->cfg.pass_rate = PEER_RELAY_DEFAULT_PASS_RATE;
	u->cfg.pass_burst = PEER_RELAY_DEFAULT_PASS_BURST;
	u->cfg.pass_rate_total = PEER_RELAY_DEFAULT_PASS_RATE_TOTAL;
	err = relayd_uplane_start(dp->rd);
	if (err)
		return err;
	uf_set_pass_limit(dp->rd->uf, u->cfg.pass_rate, u->cfg.pass_burst,
			  u->cfg.pass_rate_total);
	err = set_tick(dp);
	if (err)
		prl_log_err(&dp->rd->log, "expiry timer: %s", strerror(-err));
	return err;
}

static void u_stop(struct relayd_dp *dp)
{
	struct dpu *u = P(dp);
	size_t i;

	/* threads first: nothing may reach the handlers being torn down */
	relayd_uplane_stop(dp->rd);
	if (!u)
		return;
	if (u->tick_ms)
		relayd_loop_set_tick(dp->rd, 0, NULL, NULL);
	for (i = 0; i < DPU_BUCKETS; i++) {
		while (u->vnis[i]) {
			struct dpu_sess *s = u->vnis[i];

			u->vnis[i] = s->next;
			prl_free_secret(s, sizeof(*s));
		}
	}
	free(u);
	dp->priv = NULL;
}

static int check_bind(struct dpu *u, const struct prl_endpoint *remote,
		      const struct prl_addr *local);
static int do_bind(struct relayd_dp *dp, uint32_t vni, unsigned int idx,
		   const struct prl_endpoint *remote,
		   const struct prl_addr *local);

static int u_new(struct relayd_dp *dp, const uint8_t *a, const uint8_t *b,
		 const uint32_t *want, const struct prl_endpoint *at_a,
		 const struct prl_endpoint *at_b, struct prl_session *out)
{
	struct dpu *u = P(dp);
	const struct prl_endpoint *at[2];
	const uint8_t *lo, *hi;
	struct dpu_sess *s, **pb;
	uint32_t vni = 0, tries;
	int err, i;

	/* as the module: every check before anything changes */
	if (want && (*want < PEER_RELAY_VNI_MIN || *want > PEER_RELAY_VNI_MAX))
		return fail(u, -ERANGE, "VNI out of range");
	if ((at_a && check_bind(u, at_a, NULL)) ||
	    (at_b && check_bind(u, at_b, NULL)))
		return -EINVAL;
	if (!memcmp(a, b, PEER_RELAY_KEY_LEN))
		return fail(u, -EINVAL, "the two client keys are equal");
	if (u->has_server_key &&
	    (!memcmp(a, u->cfg.server_key, PEER_RELAY_KEY_LEN) ||
	     !memcmp(b, u->cfg.server_key, PEER_RELAY_KEY_LEN)))
		return fail(u, -EINVAL, "a client key equals the relay's server key");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	prl_keys_sort(a, b, &lo, &hi);
	memcpy(s->key[0], lo, PEER_RELAY_KEY_LEN);
	memcpy(s->key[1], hi, PEER_RELAY_KEY_LEN);
	/* endpoint 0 belongs to the smaller key */
	at[0] = lo == a ? at_a : at_b;
	at[1] = lo == a ? at_b : at_a;
	pb = pair_bucket(u, s->key);
	for (; *pb; pb = &(*pb)->next_pair) {
		if (!memcmp((*pb)->key, s->key, sizeof(s->key))) {
			free(s);
			s = *pb;
			if (want && *want != s->vni)
				return fail(u, -EEXIST, "the key pair already has a session with another VNI");
			goto bind;
		}
	}
	if (u->n >= u->cfg.max_sessions) {
		free(s);
		return fail(u, -ENOSPC, "session limit reached (config max-sessions)");
	}
	if (want) {
		vni = *want;
		if (find(u, vni)) {
			free(s);
			return fail(u, -EEXIST, "VNI is used by another session");
		}
	} else {
		for (tries = 0; tries < PEER_RELAY_VNI_MAX; tries++) {
			vni = u->vni_next++;
			if (u->vni_next > PEER_RELAY_VNI_MAX)
				u->vni_next = PEER_RELAY_VNI_MIN;
			if (!find(u, vni))
				break;
		}
		if (tries == PEER_RELAY_VNI_MAX) {
			free(s);
			return fail(u, -ENOSPC, "VNI pool exhausted");
		}
	}
	err = uf_session_new(dp->rd->uf, vni);
	if (err) {
		free(s);
		return fail(u, err, "cannot store the session");
	}
	s->vni = vni;
	s->lamport = ++u->lamport;
	s->created_ms = uf_now_ms();
	s->next = *vni_bucket(u, vni);
	*vni_bucket(u, vni) = s;
	*pb = s;			/* the end of the pair chain */
	u->n++;
	u->created++;
	/* as the kernel's SESSION_NEW_NTF, whoever created it */
	if (dp->notify.session) {
		fill(dp, s, out);
		dp->notify.session(dp->notify.arg,
				   PEER_RELAY_CMD_SESSION_NEW_NTF, out);
	}
bind:
	for (i = 0; i < 2; i++)
		if (at[i])
			do_bind(dp, s->vni, (unsigned int)i, at[i], NULL);
	fill(dp, s, out);
	return 0;
}

static bool usable_remote(const struct prl_addr *a)
{
	static const uint8_t zero[16];

	/* the module's: not 0.0.0.0/8, multicast, 255.255.255.255, :: */
	if (a->family == AF_INET)
		return a->u.raw[0] != 0 && a->u.v4.s_addr != 0xffffffffu &&
		       (a->u.raw[0] & 0xf0) != 0xe0;
	if (a->family == AF_INET6)
		return memcmp(&a->u.v6, zero, 16) && a->u.raw[0] != 0xff;
	return false;
}

static int check_bind(struct dpu *u, const struct prl_endpoint *remote,
		      const struct prl_addr *local)
{
	if (!usable_remote(&remote->addr))
		return fail(u, -EINVAL, "remote address is unspecified, multicast or broadcast");
	if (!remote->port)
		return fail(u, -EINVAL, "remote port 0");
	if (local && local->family && local->family != remote->addr.family)
		return fail(u, -EINVAL, "local and remote address families differ");
	return 0;
}

static int do_bind(struct relayd_dp *dp, uint32_t vni, unsigned int idx,
		   const struct prl_endpoint *remote, const struct prl_addr *local)
{
	struct sockaddr_storage r, l;
	struct prl_endpoint lep = { 0 };
	socklen_t len;
	int err;

	if (prl_endpoint_to_sockaddr(remote, &r, &len))
		return fail(P(dp), -EINVAL, "bad remote address");
	if (local && local->family) {
		lep.addr = *local;
		if (prl_endpoint_to_sockaddr(&lep, &l, &len))
			return fail(P(dp), -EINVAL, "bad local address");
	}
	err = uf_session_bind(dp->rd->uf, vni, idx, &r,
			      local && local->family ? &l : NULL);
	if (err)
		return fail(P(dp), err, "cannot bind the endpoint");
	/* as the kernel's SESSION_BIND_NTF */
	if (dp->notify.session) {
		struct prl_session now;

		fill(dp, find(P(dp), vni), &now);
		dp->notify.session(dp->notify.arg,
				   PEER_RELAY_CMD_SESSION_BIND_NTF, &now);
	}
	return 0;
}

static int u_bind(struct relayd_dp *dp, uint32_t vni, unsigned int idx,
		  const struct prl_endpoint *remote, const struct prl_addr *local)
{
	struct dpu *u = P(dp);
	int err;

	if (idx > 1)
		return fail(u, -EINVAL, "give exactly one endpoint to bind (EP0 or EP1)");
	err = check_bind(u, remote, local);
	if (err)
		return err;
	if (!find(u, vni))
		return fail(u, -ENOENT, "no session with this VNI");
	return do_bind(dp, vni, idx, remote, local);
}

static int u_get(struct relayd_dp *dp, uint32_t vni, struct prl_session *out)
{
	struct dpu_sess *s = find(P(dp), vni);

	if (!s)
		return fail(P(dp), -ENOENT, "no session with this VNI");
	fill(dp, s, out);
	return 0;
}

static int u_get_keys(struct relayd_dp *dp, const uint8_t *a, const uint8_t *b,
		      struct prl_session *out)
{
	struct dpu *u = P(dp);
	uint8_t k[2][PEER_RELAY_KEY_LEN];
	const uint8_t *lo, *hi;
	struct dpu_sess *s;

	prl_keys_sort(a, b, &lo, &hi);
	memcpy(k[0], lo, PEER_RELAY_KEY_LEN);
	memcpy(k[1], hi, PEER_RELAY_KEY_LEN);
	for (s = *pair_bucket(u, k); s; s = s->next_pair) {
		if (!memcmp(s->key, k, sizeof(k))) {
			fill(dp, s, out);
			return 0;
		}
	}
	return fail(u, -ENOENT, "no session for this key pair");
}

static int u_del(struct relayd_dp *dp, uint32_t vni)
{
	struct dpu_sess *s = find(P(dp), vni);

	if (!s)
		return fail(P(dp), -ENOENT, "no session with this VNI");
	delete(dp, s, PEER_RELAY_DEL_USER);
	return 0;
}

static int u_dump(struct relayd_dp *dp, prl_session_cb cb, void *arg)
{
	struct dpu *u = P(dp);
	struct prl_session out;
	int n = 0, err;
	size_t i;

	for (i = 0; i < DPU_BUCKETS; i++) {
		const struct dpu_sess *s;

		for (s = u->vnis[i]; s; s = s->next) {
			fill(dp, s, &out);
			err = cb(&out, arg);
			if (err)
				return err;
			n++;
		}
	}
	return n;
}

static int u_flush(struct relayd_dp *dp)
{
	struct dpu *u = P(dp);
	size_t i;

	for (i = 0; i < DPU_BUCKETS; i++)
		while (u->vnis[i])
			delete(dp, u->vnis[i], PEER_RELAY_DEL_FLUSH);
	return 0;
}

static int u_stats(struct relayd_dp *dp, struct prl_stats *out)
{
	struct dpu *u = P(dp);
	struct uf_session_info in;
	struct uf_stats st;
	size_t i;
	int k;

	memset(out, 0, sizeof(*out));
	uf_stats_read(dp->rd->uf, &st);
	for (k = 0; k < 4; k++) {
		out->fwd_packets[k] = st.fwd_af[k];
		out->fwd_bytes[k] = st.fwd_af_bytes[k];
	}
	memcpy(out->dropped, st.drop, sizeof(out->dropped));
	memcpy(out->passed, st.pass, sizeof(out->passed));
	memcpy(out->deleted, u->deleted, sizeof(out->deleted));
	out->sessions_created = u->created;
	out->sockets = (uint32_t)dp->rd->n_socks;
	for (i = 0; i < DPU_BUCKETS; i++) {
		const struct dpu_sess *s;

		for (s = u->vnis[i]; s; s = s->next) {
			if (!uf_session_info(dp->rd->uf, s->vni, &in) &&
			    in.bound[0] && in.bound[1])
				out->sessions_open++;
			else
				out->sessions_connecting++;
		}
	}
	return 0;
}

static int u_config_get(struct relayd_dp *dp, struct prl_config *out)
{
	struct dpu *u = P(dp);

	*out = u->cfg;
	if (u->has_server_key)
		out->mask |= PRL_CFG_SERVER_KEY;
	return 0;
}

/* The u32 settings with the netlink policy's bounds and messages. */
static const struct u32_setting {
	uint32_t flag;		/* PRL_CFG_* */
	size_t off;		/* in struct prl_config */
	uint32_t min, max;
	const char *range_msg;
} u32_settings[] = {
	{ PRL_CFG_BIND_LIFETIME, offsetof(struct prl_config, bind_lifetime_ms),
	  PRELAY_LIFETIME_MIN_MS, PRELAY_LIFETIME_MAX_MS,
	  "bind lifetime out of range (100..86400000 ms)" },
	{ PRL_CFG_IDLE_LIFETIME, offsetof(struct prl_config, idle_lifetime_ms),
	  PRELAY_LIFETIME_MIN_MS, PRELAY_LIFETIME_MAX_MS,
	  "idle lifetime out of range (100..86400000 ms)" },
	{ PRL_CFG_MAX_SESSIONS, offsetof(struct prl_config, max_sessions),
	  PRELAY_MAX_SESSIONS_MIN, PEER_RELAY_VNI_MAX, "max sessions out of range" },
	{ PRL_CFG_PASS_RATE, offsetof(struct prl_config, pass_rate),
	  0, PRELAY_PASS_RATE_MAX, "pass rate out of range" },
	{ PRL_CFG_PASS_BURST, offsetof(struct prl_config, pass_burst),
	  PRELAY_PASS_BURST_MIN, PRELAY_PASS_BURST_MAX, "pass burst out of range" },
	{ PRL_CFG_PASS_RATE_TOTAL, offsetof(struct prl_config, pass_rate_total),
	  0, PRELAY_PASS_RATE_MAX, "pass rate total out of range" },
};

static int u_config_set(struct relayd_dp *dp, const struct prl_config *c)
{
	struct dpu *u = P(dp);
	struct prl_config n = u->cfg;
	size_t i;
	int err;

	/* all or nothing, with the netlink policy's bounds */
	for (i = 0; i < PRL_ARRAY_SIZE(u32_settings); i++) {
		const struct u32_setting *t = &u32_settings[i];
		uint32_t v = *(const uint32_t *)((const char *)c + t->off);

		if (!(c->mask & t->flag))
			continue;
		if (v < t->min || v > t->max)
			return fail(u, -ERANGE, t->range_msg);
		*(uint32_t *)((char *)&n + t->off) = v;
	}
	if (c->mask & PRL_CFG_STATIC_EPS) {
		if (c->n_static_eps > PEER_RELAY_MAX_STATIC_EPS)
			return fail(u, -E2BIG, "too many static endpoints");
		n.n_static_eps = c->n_static_eps;
		memcpy(n.static_eps, c->static_eps, sizeof(n.static_eps));
	}
	if (c->mask & PRL_CFG_SERVER_KEY) {
		memcpy(n.server_key, c->server_key, PEER_RELAY_KEY_LEN);
		u->has_server_key = true;
	}
	n.mask = u->cfg.mask;
	u->cfg = n;
	if (c->mask & (PRL_CFG_PASS_RATE | PRL_CFG_PASS_BURST |
		       PRL_CFG_PASS_RATE_TOTAL))
		uf_set_pass_limit(dp->rd->uf, n.pass_rate, n.pass_burst,
				  n.pass_rate_total);
	if (c->mask & (PRL_CFG_BIND_LIFETIME | PRL_CFG_IDLE_LIFETIME)) {
		err = set_tick(dp);
		if (err)
			return fail(u, err, "cannot set the expiry timer");
		expire(dp->rd, dp);	/* as the kernel: rescan now */
	}
	return 0;
}

static const char *u_errmsg(struct relayd_dp *dp)
{
	return P(dp) ? P(dp)->errmsg : "";
}

static void u_log_stats(const struct relayd_dp *dp)
{
	const struct dpu *u = dp->priv;

	if (!u)
		return;
	prl_log_info(&dp->rd->log, "sessions: %zu, created %llu, expired bind %llu, idle %llu, deleted %llu",
		     u->n, (unsigned long long)u->created,
		     (unsigned long long)u->deleted[PEER_RELAY_DEL_EXPIRED_BIND],
		     (unsigned long long)u->deleted[PEER_RELAY_DEL_EXPIRED_IDLE],
		     (unsigned long long)(u->deleted[PEER_RELAY_DEL_USER] +
					  u->deleted[PEER_RELAY_DEL_FLUSH]));
	relayd_uplane_log_stats(dp->rd);
}

const struct relayd_dp_ops relayd_dp_user_ops =
	RELAYD_DP_OPS(u, "userspace", "the userspace data plane");
