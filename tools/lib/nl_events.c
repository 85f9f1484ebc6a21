// SPDX-License-Identifier: GPL-2.0-only
/* Subscription to the peer_relay "events" multicast group. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <unistd.h>

#include "ctl_client.h"
#include "nl.h"
#include "nl_internal.h"

#define PRL_EVENTS_RCVBUF	(8 << 20)

/* One of our events into @e (zeroed). 0 or -EBADMSG: not one we know. */
static int parse_event(const struct nlmsghdr *nlh, struct prl_event *e)
{
	struct nlattr *tb[PEER_RELAY_A_MAX + 1];
	const struct nlattr *a;

	memset(e, 0, sizeof(*e));
	if (prl_nl_parse_top(nlh, tb, &e->cmd))
		return -EBADMSG;
	switch (e->cmd) {
	case PEER_RELAY_CMD_SESSION_NEW_NTF:
	case PEER_RELAY_CMD_SESSION_BIND_NTF:
	case PEER_RELAY_CMD_SESSION_DEL_NTF:
		a = tb[PEER_RELAY_A_SESSION];
		return a ? prl_parse_session(a, &e->session) : -EBADMSG;
	case PEER_RELAY_CMD_SOCK_DEL_NTF:
		a = tb[PEER_RELAY_A_SOCK];
		return a ? prl_parse_sock(a, &e->sock) : -EBADMSG;
	default:
		return -EBADMSG;
	}
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct prl_events *ev = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct prl_event e;
	int err;

	if (ev->fn_err)
		return NL_SKIP;
	if (nlh->nlmsg_type != ev->family_id)
		return NL_SKIP;
	if (parse_event(nlh, &e)) {
		ev->unknown++;
		return NL_SKIP;
	}
	err = ev->fn ? ev->fn(&e, ev->arg) : 0;
	if (err < 0)
		ev->fn_err = err;
	return NL_SKIP;
}

static int seq_any(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

int prl_events_open(struct prl_events *ev, const struct prl_nl *nl,
		   bool nonblock)
{
	int err;

	memset(ev, 0, sizeof(*ev));
	if (prl_nl_via_relayd(nl))	/* userspace mode: relayd's events */
		return prl_ctl_monitor(nl, nonblock, &ev->relayd_fd);
	if (!nl->events_grp)
		return -ENOENT;
	ev->family_id = nl->family_id;
	ev->sk = nl_socket_alloc();
	if (!ev->sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(ev->sk);
	err = prl_nl_socket_setup(ev->sk);
	if (err)
		goto fail;
	/*
	 * Bursts of thousands of events (bulk installs, a flush, a replica's
	 * resync) overrun net.core.rmem_max; root may go beyond it, as the
	 * batch socket does. A loss still shows as -ENOBUFS.
	 */
	(void)setsockopt(nl_socket_get_fd(ev->sk), SOL_SOCKET, SO_RCVBUFFORCE,
			 &(int){ PRL_EVENTS_RCVBUF }, sizeof(int));
	err = prl_nl_nlerr_to_errno(nl_socket_add_membership(ev->sk,
						(int)nl->events_grp));
	if (err)
		goto fail;
	if (nonblock) {
		err = prl_nl_nlerr_to_errno(nl_socket_set_nonblocking(ev->sk));
		if (err)
			goto fail;
	}
	ev->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ev->cb) {
		err = -ENOMEM;
		goto fail;
	}
	nl_cb_set(ev->cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, ev);
	/* Notifications carry seq 0: no sequence checks. */
	nl_cb_set(ev->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);
	return 0;
fail:
	nl_socket_free(ev->sk);
	ev->sk = NULL;
	return err;
}

int prl_events_fd(const struct prl_events *ev)
{
	if (ev->relayd_fd > 0)
		return ev->relayd_fd;
	return ev->sk ? nl_socket_get_fd(ev->sk) : -1;
}

int prl_events_recv(struct prl_events *ev, prl_event_fn fn, void *arg)
{
	int ret;

	if (ev->relayd_fd > 0)
		return prl_ctl_event_recv(ev->relayd_fd, fn, arg);
	ev->fn = fn;
	ev->arg = arg;
	ev->fn_err = 0;
	ret = nl_recvmsgs(ev->sk, ev->cb);
	if (ev->fn_err)
		return ev->fn_err;
	if (ret >= 0)
		return 0;
	/* libnl reports a receive queue overrun (ENOBUFS) as NLE_NOMEM. */
	if (ret == -NLE_NOMEM)
		return -ENOBUFS;
	return prl_nl_nlerr_to_errno(ret);
}

void prl_events_close(struct prl_events *ev)
{
	if (ev->relayd_fd > 0)
		close(ev->relayd_fd);
	ev->relayd_fd = 0;
	if (ev->cb)
		nl_cb_put(ev->cb);
	if (ev->sk)
		nl_socket_free(ev->sk);
	ev->cb = NULL;
	ev->sk = NULL;
}
