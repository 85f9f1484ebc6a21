// SPDX-License-Identifier: GPL-2.0-only
/*
 * Installing sessions replicated from another relay: SESSION_NEW and
 * SESSION_DEL with the REPLICA flag (Documentation/replication.md).
 */
#include <errno.h>
#include <string.h>

#include "nl.h"

/* EP nest of a replica: binding, local address, idle time. */
static int put_replica_ep(struct nl_msg *msg, int type,
			  const struct prl_ep_info *ep)
{
	struct nlattr *nest = prl_nl_nest_start(msg, type);
	int err;

	if (!nest)
		return -EMSGSIZE;
	err = prl_put_ep_attrs(msg, &ep->remote, &ep->local);
	if (!err && nla_put_u64(msg, PEER_RELAY_EP_A_IDLE_MS, ep->idle_ms))
		err = -EMSGSIZE;
	if (err) {
		nla_nest_cancel(msg, nest);
		return err;
	}
	prl_nl_nest_end(msg, nest);
	return 0;
}

struct nl_msg *prl_session_replicate_msg(const struct prl_nl *nl,
					 const struct prl_session *s)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	unsigned int i;
	int err = 0;

	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SESSION_NEW, 0,
			      PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return NULL;
	if (nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, s->vni) ||
	    nla_put(msg, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, s->key0) ||
	    nla_put(msg, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, s->key1) ||
	    nla_put_u64(msg, PEER_RELAY_SESSION_A_LAMPORT, s->lamport) ||
	    nla_put_u64(msg, PEER_RELAY_SESSION_A_AGE_MS, s->age_ms) ||
	    nla_put_flag(msg, PEER_RELAY_SESSION_A_REPLICA) ||
	    /* the installer reads the ACK only: no reply to build and queue */
	    nla_put_flag(msg, PEER_RELAY_SESSION_A_NO_REPLY))
		err = -EMSGSIZE;
	for (i = 0; i < 2 && !err; i++)
		if (s->ep[i].remote.addr.family)
			err = put_replica_ep(msg, i ? PEER_RELAY_SESSION_A_EP1 :
						      PEER_RELAY_SESSION_A_EP0,
					     &s->ep[i]);
	return prl_nl_msg_close(msg, nest, err) ? NULL : msg;
}

struct nl_msg *prl_session_del_replica_msg(const struct prl_nl *nl, uint32_t vni,
					   uint64_t lamport)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err = 0;

	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SESSION_DEL, 0,
			      PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return NULL;
	if (nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, vni) ||
	    nla_put_u64(msg, PEER_RELAY_SESSION_A_LAMPORT, lamport) ||
	    nla_put_flag(msg, PEER_RELAY_SESSION_A_REPLICA))
		err = -EMSGSIZE;
	return prl_nl_msg_close(msg, nest, err) ? NULL : msg;
}

/* Send a message built above; NULL means it could not be built. */
static int send_msg(struct prl_nl *nl, struct nl_msg *msg)
{
	if (!msg) {
		memset(&nl->last, 0, sizeof(nl->last));
		return nl->last.err = -EINVAL;
	}
	return prl_nl_request(nl, msg, NULL, NULL);
}

int prl_session_replicate(struct prl_nl *nl, const struct prl_session *s)
{
	return send_msg(nl, prl_session_replicate_msg(nl, s));
}

int prl_session_del_replica(struct prl_nl *nl, uint32_t vni, uint64_t lamport)
{
	return send_msg(nl, prl_session_del_replica_msg(nl, vni, lamport));
}
