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

static struct sk_buff *prelay_notify_start(struct prelay_instance *inst, u8 cmd,
				       size_t size, void **hdr)
{
	struct sk_buff *msg;

	if (inst->dying ||
	    !genl_has_listeners(&prelay_genl_family, inst->net, PRELAY_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &prelay_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void prelay_notify_send(struct prelay_instance *inst, struct sk_buff *msg,
			   void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&prelay_genl_family, inst->net, msg, 0,
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
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = prelay_notify_start(inst, cmd, prelay_nl_session_size(), &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, PEER_RELAY_A_SESSION);
	if (!nest || prelay_nl_put_session(msg, s) ||
	    (reason && nla_put_u32(msg, PEER_RELAY_SESSION_A_DEL_REASON, reason)) ||
	    (inst->notify_replica && nla_put_flag(msg, PEER_RELAY_SESSION_A_REPLICA))) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	prelay_notify_send(inst, msg, hdr);
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
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = prelay_notify_start(inst, PEER_RELAY_CMD_SOCK_DEL_NTF, NLMSG_GOODSIZE,
			      &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, PEER_RELAY_A_SOCK);
	if (!nest || prelay_nl_put_sock(msg, ps) ||
	    nla_put_u32(msg, PEER_RELAY_SOCK_A_DEL_REASON, reason)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	prelay_notify_send(inst, msg, hdr);
}
