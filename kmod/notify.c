// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events for userspace (relayd forgets expired sessions, relayctl monitor
 * prints them). Sent from process context only, into the instance's netns.
 */
#include <net/genetlink.h>

#include "netlink.h"
#include "nlmsg.h"
#include "notify.h"
#include "session.h"
#include "socket.h"

/* Start event @cmd with its nest @attr open, if anyone listens. */
static int prelay_notify_start(struct prelay_nl_msg *m, struct prelay_instance *inst,
			       u8 cmd, size_t size, int attr)
{
	if (inst->dying ||
	    !genl_has_listeners(&prelay_genl_family, inst->net, PRELAY_MCGRP_EVENTS))
		return -ENOENT;
	return prelay_nl_msg_new(m, size, 0, 0, cmd, attr);
}

/* Multicast the event, or drop it if filling its nest failed (@err). */
static void prelay_notify_send(struct prelay_instance *inst,
			       struct prelay_nl_msg *m, int err)
{
	if (!prelay_nl_msg_finish(m, err))
		genlmsg_multicast_netns(&prelay_genl_family, inst->net, m->skb, 0,
					PRELAY_MCGRP_EVENTS, GFP_KERNEL);
}

/**
 * prelay_notify_session() - multicast a session event
 * @inst: relay instance
 * @s: the session
 * @cmd: PEER_RELAY_CMD_SESSION_{NEW,BIND,DEL}_NTF
 * @reason: enum peer_relay_del_reason for DEL, else 0
 *
 * Context: process context, inst->lock held.
 */
void prelay_notify_session(struct prelay_instance *inst, struct prelay_session *s,
			   u8 cmd, u32 reason)
{
	struct prelay_nl_msg m;
	int err;

	if (prelay_notify_start(&m, inst, cmd, prelay_nl_session_size(),
				PEER_RELAY_A_SESSION))
		return;
	err = prelay_nl_put_session(m.skb, s);
	if (!err && reason)
		err = nla_put_u32(m.skb, PEER_RELAY_SESSION_A_DEL_REASON, reason);
	if (!err && inst->notify_replica)
		err = nla_put_flag(m.skb, PEER_RELAY_SESSION_A_REPLICA);
	prelay_notify_send(inst, &m, err);
}

/**
 * prelay_notify_sock_del() - multicast that a socket was detached
 * @inst: relay instance
 * @ps: the socket
 * @reason: enum peer_relay_sock_del_reason
 *
 * Context: process context, inst->lock held.
 */
void prelay_notify_sock_del(struct prelay_instance *inst, struct prelay_sock *ps,
			    u32 reason)
{
	struct prelay_nl_msg m;

	if (prelay_notify_start(&m, inst, PEER_RELAY_CMD_SOCK_DEL_NTF,
				NLMSG_GOODSIZE, PEER_RELAY_A_SOCK))
		return;
	prelay_notify_send(inst, &m, prelay_nl_put_sock(m.skb, ps) ?:
			   nla_put_u32(m.skb, PEER_RELAY_SOCK_A_DEL_REASON, reason));
}
