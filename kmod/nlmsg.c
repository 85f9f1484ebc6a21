// SPDX-License-Identifier: GPL-2.0-only
/*
 * Message builders of the peer_relay family: the frame of every message
 * (header and one top-level nest) and the attributes of a session, a
 * socket, the counters and the configuration, shared by the replies and
 * dumps (netlink.c) and the events (notify.c).
 */
#include <linux/jiffies.h>
#include <net/inet_sock.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "netlink.h"
#include "nlmsg.h"
#include "session.h"
#include "socket.h"
#include "stats.h"

/**
 * prelay_nl_msg_start() - put a message header and open its top-level nest
 * @m: filled in
 * @skb: the message buffer
 * @portid: netlink port of the receiver (0: the kernel, for events)
 * @seq: sequence number of the request answered (0 for events)
 * @flags: netlink flags (NLM_F_MULTI in a dump)
 * @cmd: PEER_RELAY_CMD_*
 * @attr: the top-level nest, PEER_RELAY_A_*
 *
 * Return: 0, or -EMSGSIZE with @skb as it was.
 */
int prelay_nl_msg_start(struct prelay_nl_msg *m, struct sk_buff *skb,
			u32 portid, u32 seq, int flags, u8 cmd, int attr)
{
	m->skb = skb;
	m->hdr = genlmsg_put(skb, portid, seq, &prelay_genl_family, flags, cmd);
	if (!m->hdr)
		return -EMSGSIZE;
	m->nest = nla_nest_start(skb, attr);
	if (!m->nest) {
		genlmsg_cancel(skb, m->hdr);
		return -EMSGSIZE;
	}
	return 0;
}

/**
 * prelay_nl_msg_new() - allocate a message and start it
 * @m: filled in
 * @size: room for the attributes
 * @portid: as for prelay_nl_msg_start()
 * @seq: as for prelay_nl_msg_start()
 * @cmd: as for prelay_nl_msg_start()
 * @attr: as for prelay_nl_msg_start()
 *
 * Return: 0 or -ENOMEM; prelay_nl_msg_finish() ends or frees the message.
 */
int prelay_nl_msg_new(struct prelay_nl_msg *m, size_t size, u32 portid,
		      u32 seq, u8 cmd, int attr)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);

	if (!skb)
		return -ENOMEM;
	if (prelay_nl_msg_start(m, skb, portid, seq, 0, cmd, attr)) {
		nlmsg_free(skb);
		return -ENOMEM;
	}
	return 0;
}

/**
 * prelay_nl_msg_end() - close the top-level nest and the message
 * @m: a started message
 */
void prelay_nl_msg_end(struct prelay_nl_msg *m)
{
	nla_nest_end(m->skb, m->nest);
	genlmsg_end(m->skb, m->hdr);
}

/**
 * prelay_nl_msg_finish() - end a new message, or free it if filling failed
 * @m: a message from prelay_nl_msg_new()
 * @err: how filling its nest went
 *
 * Return: @err; on 0 the message is ready to send.
 */
int prelay_nl_msg_finish(struct prelay_nl_msg *m, int err)
{
	if (err)
		nlmsg_free(m->skb);
	else
		prelay_nl_msg_end(m);
	return err;
}

static int prelay_nl_put_u64(struct sk_buff *msg, int attr, u64 val, int pad)
{
	return nla_put_u64_64bit(msg, attr, val, pad);
}

/* Put an address as IPv4 or IPv6 attribute, plus its port if @port_attr. */
static int prelay_nl_put_addr(struct sk_buff *msg, const struct prelay_addr *a,
			  int ip4_attr, int ip6_attr, int port_attr)
{
	int err;

	if (a->family == AF_INET)
		err = nla_put_in_addr(msg, ip4_attr, a->ip4);
	else
		err = nla_put_in6_addr(msg, ip6_attr, &a->ip6);
	if (!err && port_attr)
		err = nla_put_u16(msg, port_attr, ntohs(a->port));
	return err;
}

static int prelay_nl_put_endpoint(struct sk_buff *msg, int attr,
			      struct prelay_endpoint *ep, const struct prelay_bind *b)
{
	struct nlattr *nest;
	int err = 0;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	if (b->remote.family) {
		err = prelay_nl_put_addr(msg, &b->remote, PEER_RELAY_EP_A_REMOTE_IPV4,
				     PEER_RELAY_EP_A_REMOTE_IPV6,
				     PEER_RELAY_EP_A_REMOTE_PORT);
		if (!err && b->local.family)
			err = prelay_nl_put_addr(msg, &b->local,
					     PEER_RELAY_EP_A_LOCAL_IPV4,
					     PEER_RELAY_EP_A_LOCAL_IPV6, 0);
		if (!err)
			err = prelay_nl_put_u64(msg, PEER_RELAY_EP_A_IDLE_MS,
					    jiffies_to_msecs(jiffies - READ_ONCE(ep->last_seen)),
					    PEER_RELAY_EP_A_PAD);
	}
	if (err ||
	    prelay_nl_put_u64(msg, PEER_RELAY_EP_A_RX_PACKETS,
			  atomic64_read(&ep->packets), PEER_RELAY_EP_A_PAD) ||
	    prelay_nl_put_u64(msg, PEER_RELAY_EP_A_RX_BYTES,
			  atomic64_read(&ep->bytes), PEER_RELAY_EP_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Largest endpoint nest prelay_nl_put_endpoint() writes (IPv6 addresses). */
static size_t prelay_nl_endpoint_size(void)
{
	return nla_total_size(0) +				/* EPx */
	       2 * nla_total_size(sizeof(struct in6_addr)) +	/* REMOTE, LOCAL */
	       nla_total_size(sizeof(u16)) +			/* REMOTE_PORT */
	       3 * nla_total_size_64bit(sizeof(u64));		/* IDLE_MS, RX_* */
}

/**
 * prelay_nl_session_size() - room one session needs in a message
 *
 * The SESSION nest as prelay_nl_put_session() fills it at its largest, plus
 * the DEL_REASON of an event. Replies and events are allocated at this
 * size rather than NLMSG_GOODSIZE: with init_on_alloc (Debian's default)
 * every allocation is zeroed, and zeroing a page per reply was the
 * largest single cost of a session install.
 *
 * Return: bytes of attribute payload.
 */
size_t prelay_nl_session_size(void)
{
	return nla_total_size(0) +				/* SESSION */
	       nla_total_size(sizeof(u32)) +			/* VNI */
	       2 * nla_total_size(PEER_RELAY_KEY_LEN) +		/* KEY0, KEY1 */
	       2 * nla_total_size_64bit(sizeof(u64)) +		/* LAMPORT, AGE_MS */
	       nla_total_size(sizeof(u8)) +			/* STATE */
	       nla_total_size(sizeof(u32)) +			/* DEL_REASON */
	       nla_total_size(0) +				/* REPLICA */
	       2 * prelay_nl_endpoint_size();			/* EP0, EP1 */
}

/**
 * prelay_nl_put_session() - put the attributes of a session into a nest
 * @msg: message, positioned inside a PEER_RELAY_A_SESSION nest
 * @s: the session, kept alive by the caller (inst->lock or RCU)
 *
 * Return: 0 or -EMSGSIZE.
 */
int prelay_nl_put_session(struct sk_buff *msg, struct prelay_session *s)
{
	struct prelay_bind b[2];
	u8 state;

	prelay_session_binds(s, b);
	state = b[0].remote.family && b[1].remote.family ?
		PEER_RELAY_STATE_OPEN : PEER_RELAY_STATE_CONNECTING;

	if (nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, s->vni) ||
	    nla_put(msg, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, s->keys[0]) ||
	    nla_put(msg, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, s->keys[1]) ||
	    prelay_nl_put_u64(msg, PEER_RELAY_SESSION_A_LAMPORT, s->lamport,
			  PEER_RELAY_SESSION_A_PAD) ||
	    nla_put_u8(msg, PEER_RELAY_SESSION_A_STATE, state) ||
	    prelay_nl_put_u64(msg, PEER_RELAY_SESSION_A_AGE_MS,
			  jiffies_to_msecs(jiffies - s->created),
			  PEER_RELAY_SESSION_A_PAD) ||
	    prelay_nl_put_endpoint(msg, PEER_RELAY_SESSION_A_EP0, &s->ep[0], &b[0]) ||
	    prelay_nl_put_endpoint(msg, PEER_RELAY_SESSION_A_EP1, &s->ep[1], &b[1]))
		return -EMSGSIZE;
	return 0;
}

/**
 * prelay_nl_put_sock() - put the attributes of an attached socket into a nest
 * @msg: message, positioned inside a PEER_RELAY_A_SOCK nest
 * @ps: the socket, kept alive by the caller (inst->lock or RCU)
 *
 * Return: 0 or -EMSGSIZE.
 */
int prelay_nl_put_sock(struct sk_buff *msg, struct prelay_sock *ps)
{
	struct sock *sk = ps->sk;
	int err;

	if (nla_put_u32(msg, PEER_RELAY_SOCK_A_ID, ps->id) ||
	    nla_put_u16(msg, PEER_RELAY_SOCK_A_FAMILY, ps->family) ||
	    nla_put_u16(msg, PEER_RELAY_SOCK_A_PORT, ntohs(prelay_sock_port(ps))))
		return -EMSGSIZE;
	if (ps->family == AF_INET)
		err = nla_put_in_addr(msg, PEER_RELAY_SOCK_A_LOCAL_IPV4,
				      inet_sk(sk)->inet_rcv_saddr);
	else
		err = nla_put_in6_addr(msg, PEER_RELAY_SOCK_A_LOCAL_IPV6,
				       &sk->sk_v6_rcv_saddr);
	if (err || prelay_nl_put_u64(msg, PEER_RELAY_SOCK_A_RX_PACKETS,
				 prelay_sock_rx_packets(ps), PEER_RELAY_SOCK_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* A nest of u64 counters whose attribute types are the enum values. */
static int prelay_nl_put_counter_nest(struct sk_buff *msg, int attr,
				  const u64 *vals, unsigned int n)
{
	struct nlattr *nest = nla_nest_start(msg, attr);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < n; i++)	/* 0 is UNSPEC, used as padding */
		if (prelay_nl_put_u64(msg, i, vals[i], 0))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * prelay_nl_put_stats() - put the counters of a namespace into a nest
 * @msg: message, positioned inside a PEER_RELAY_A_STATS nest
 * @st: a snapshot of the counters
 *
 * Return: 0 or -EMSGSIZE.
 */
int prelay_nl_put_stats(struct sk_buff *msg, const struct prelay_stats *st)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (prelay_nl_put_u64(msg, PEER_RELAY_STATS_A_FWD_PACKETS_4_4 + i,
				  st->fwd_packets[i], PEER_RELAY_STATS_A_PAD) ||
		    prelay_nl_put_u64(msg, PEER_RELAY_STATS_A_FWD_BYTES_4_4 + i,
				  st->fwd_bytes[i], PEER_RELAY_STATS_A_PAD))
			return -EMSGSIZE;
	if (nla_put_u32(msg, PEER_RELAY_STATS_A_SESSIONS_CONNECTING,
			st->sessions_connecting) ||
	    nla_put_u32(msg, PEER_RELAY_STATS_A_SESSIONS_OPEN, st->sessions_open) ||
	    nla_put_u32(msg, PEER_RELAY_STATS_A_SOCKETS, st->sockets) ||
	    prelay_nl_put_u64(msg, PEER_RELAY_STATS_A_SESSIONS_CREATED,
			  st->sessions_created, PEER_RELAY_STATS_A_PAD) ||
	    prelay_nl_put_counter_nest(msg, PEER_RELAY_STATS_A_DROPS, st->drops,
				   __PEER_RELAY_DROP_MAX) ||
	    prelay_nl_put_counter_nest(msg, PEER_RELAY_STATS_A_PASSES, st->passes,
				   __PEER_RELAY_PASS_MAX) ||
	    prelay_nl_put_counter_nest(msg, PEER_RELAY_STATS_A_SESSIONS_DELETED,
				   st->sessions_deleted, __PEER_RELAY_DEL_MAX))
		return -EMSGSIZE;
	return 0;
}

/**
 * prelay_nl_put_config() - put a namespace's configuration into a nest
 * @msg: message, positioned inside a PEER_RELAY_A_CONFIG nest
 * @cfg: the configuration, stable for the call (inst->lock)
 *
 * Return: 0 or -EMSGSIZE.
 */
int prelay_nl_put_config(struct sk_buff *msg, const struct prelay_config *cfg)
{
	struct nlattr *eps, *ep;
	u32 i;

	if (nla_put_u32(msg, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS,
			cfg->bind_lifetime_ms) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS,
			cfg->idle_lifetime_ms) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_MAX_SESSIONS, cfg->max_sessions) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_PASS_RATE, cfg->pass_rate) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_PASS_BURST, cfg->pass_burst) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL,
			cfg->pass_rate_total) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_VNI_MIN, cfg->vni_min) ||
	    nla_put_u32(msg, PEER_RELAY_CONFIG_A_VNI_MAX, cfg->vni_max))
		return -EMSGSIZE;
	if (cfg->has_server_key &&
	    nla_put(msg, PEER_RELAY_CONFIG_A_SERVER_KEY, PEER_RELAY_KEY_LEN,
		    cfg->server_key))
		return -EMSGSIZE;
	eps = nla_nest_start(msg, PEER_RELAY_CONFIG_A_STATIC_EPS);
	if (!eps)
		return -EMSGSIZE;
	for (i = 0; i < cfg->n_static_eps; i++) {
		ep = nla_nest_start(msg, PEER_RELAY_STATIC_EPS_A_EP);
		if (!ep || prelay_nl_put_addr(msg, &cfg->static_eps[i],
					  PEER_RELAY_EP_A_REMOTE_IPV4,
					  PEER_RELAY_EP_A_REMOTE_IPV6,
					  PEER_RELAY_EP_A_REMOTE_PORT))
			return -EMSGSIZE;
		nla_nest_end(msg, ep);
	}
	nla_nest_end(msg, eps);
	return 0;
}
