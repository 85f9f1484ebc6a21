// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel backend of the data-plane interface (dataplane.h): every
 * operation is one generic netlink request to the peer_relay module,
 * which owns the sessions, counters and expiry. Its SESSION_NEW/DEL
 * notifications (events group) go to dp->notify; when they overrun
 * (ENOBUFS) or cannot be subscribed, the control plane is told the
 * notifications are unreliable (lost(), coherent() false).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"
#include "relayd.h"

struct dpk {
	struct prl_events ev;
	bool ev_open;
};

static struct prl_nl *nl(struct relayd_dp *dp) { return &dp->rd->nl; }

static int on_event(const struct prl_event *ev, void *arg)
{
	struct relayd_dp *dp = arg;

	/* the session events as they come; SOCK_DEL_NTF is not one */
	if (ev->cmd != PEER_RELAY_CMD_SOCK_DEL_NTF && dp->notify.session)
		dp->notify.session(dp->notify.arg, ev->cmd, &ev->session);
	return 0;
}

static void on_events_fd(struct relayd *rd, int fd, uint32_t events, void *arg)
{
	struct relayd_dp *dp = arg;
	struct dpk *k = dp->priv;
	int err, i;

	for (i = 0; i < 64; i++) {
		err = prl_events_recv(&k->ev, on_event, dp);
		if (err == -EAGAIN)
			return;
		if (err == -ENOBUFS) {
			prl_log_warn(&rd->log, "session events lost: rebuilding the session view");
			if (dp->notify.lost)
				dp->notify.lost(dp->notify.arg);
			continue;
		}
		if (err) {
			prl_log_warn(&rd->log, "session events: %s",
				     strerror(-err));
			return;
		}
	}
}

static bool k_coherent(const struct relayd_dp *dp)
{
	const struct dpk *k = dp->priv;

	return k && k->ev_open;
}

static int k_start(struct relayd_dp *dp)
{
	struct relayd *rd = dp->rd;
	struct dpk *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return -ENOMEM;
	dp->priv = k;
	err = prl_events_open(&k->ev, nl(dp), true);
	if (!err) {
		err = relayd_loop_add_fd(rd, prl_events_fd(&k->ev),
					 on_events_fd, dp);
		if (err)
			prl_events_close(&k->ev);
	}
	if (err)
		prl_log_warn(&rd->log, "session events unavailable (%s): handshake cache refreshes on demand",
			     strerror(-err));
	else
		k->ev_open = true;
	return 0;
}

static void k_stop(struct relayd_dp *dp)
{
	struct dpk *k = dp->priv;

	if (!k)
		return;
	if (k->ev_open) {
		relayd_loop_del_fd(dp->rd, prl_events_fd(&k->ev));
		prl_events_close(&k->ev);
	}
	free(k);
	dp->priv = NULL;
}

static int k_new(struct relayd_dp *dp, const uint8_t *a, const uint8_t *b,
		 const uint32_t *vni, const struct prl_endpoint *at_a,
		 const struct prl_endpoint *at_b, struct prl_session *out)
{
	return prl_session_new_bound(nl(dp), a, b, vni, at_a, at_b, out);
}

static int k_bind(struct relayd_dp *dp, uint32_t vni, unsigned int idx,
		  const struct prl_endpoint *remote, const struct prl_addr *local)
{
	return prl_session_bind(nl(dp), vni, idx, remote, local);
}

static int k_get(struct relayd_dp *dp, uint32_t vni, struct prl_session *out)
{
	return prl_session_get(nl(dp), vni, out);
}

static int k_get_keys(struct relayd_dp *dp, const uint8_t *a, const uint8_t *b,
		      struct prl_session *out)
{
	return prl_session_get_keys(nl(dp), a, b, out);
}

static int k_del(struct relayd_dp *dp, uint32_t vni)
{
	return prl_session_del(nl(dp), vni);
}

static int k_dump(struct relayd_dp *dp, prl_session_cb cb, void *arg)
{
	return prl_session_dump(nl(dp), cb, arg);
}

static int k_flush(struct relayd_dp *dp)
{
	return prl_session_flush(nl(dp));
}

static int k_stats(struct relayd_dp *dp, struct prl_stats *out)
{
	return prl_stats_get(nl(dp), out);
}

static int k_config_get(struct relayd_dp *dp, struct prl_config *out)
{
	return prl_config_get(nl(dp), out);
}

static int k_config_set(struct relayd_dp *dp, const struct prl_config *cfg)
{
	return cfg->mask ? prl_config_set(nl(dp), cfg) : 0;
}

static const char *k_errmsg(struct relayd_dp *dp)
{
	return prl_nl_errmsg(nl(dp));
}

static void k_log_stats(const struct relayd_dp *dp)
{
	/* the kernel's counters: relayctl stats */
}

const struct relayd_dp_ops relayd_dp_kernel_ops =
	RELAYD_DP_OPS(k, "kernel", "the kernel");
