// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink family "peer_relay": request handlers and replies.
 * Every handler resolves the instance of the requester's netns; changing
 * operations need CAP_NET_ADMIN over that netns (GENL_UNS_ADMIN_PERM).
 */
#include <linux/file.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "expiry.h"
#include "netlink.h"
#include "netlink_policy.h"
#include "ratelimit.h"
#include "session.h"
#include "socket.h"
#include "stats.h"

static struct prelay_instance *prelay_nl_instance(struct genl_info *info)
{
	return prelay_instance_get(genl_info_net(info));
}

/*
 * A required attribute @type of @nest is missing: report which one (the
 * core's miss_type/miss_nest) and say so in words too. A macro because
 * NL_SET_ERR_MSG_MOD() wants a string literal.
 */
#define prelay_nl_missing(info, nest, tb, type, msg) ({			\
	bool __missing = NL_REQ_ATTR_CHECK((info)->extack, nest, tb, type); \
									\
	if (__missing)							\
		NL_SET_ERR_MSG_MOD((info)->extack, msg);		\
	__missing;							\
})

/* Parse the mandatory top-level nest @attr of a request into @tb. */
static int prelay_nl_parse_nest(struct genl_info *info, int attr, int maxtype,
			    const struct nla_policy *policy, struct nlattr **tb)
{
	if (prelay_nl_missing(info, NULL, info->attrs, attr,
			  "missing the request's top-level nest"))
		return -EINVAL;
	return nla_parse_nested(tb, maxtype, info->attrs[attr], policy,
				info->extack);
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

/*
 * Start a reply of @size bytes of attributes with one top-level nest; the
 * caller fills and ends it.
 */
static struct sk_buff *prelay_nl_reply_start(struct genl_info *info, u8 cmd,
					 size_t size, int attr, void **hdr,
					 struct nlattr **nest)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &prelay_genl_family, 0, cmd);
	*nest = *hdr ? nla_nest_start(msg, attr) : NULL;
	if (!*nest) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int prelay_nl_reply_send(struct genl_info *info, struct sk_buff *msg,
			    void *hdr, struct nlattr *nest)
{
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int prelay_nl_reply_session(struct genl_info *info, struct prelay_session *s)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = prelay_nl_reply_start(info, PEER_RELAY_CMD_SESSION_GET,
				prelay_nl_session_size(), PEER_RELAY_A_SESSION,
				&hdr, &nest);
	if (!msg)
		return -ENOMEM;
	if (prelay_nl_put_session(msg, s)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return prelay_nl_reply_send(info, msg, hdr, nest);
}

static int prelay_nl_reply_sock(struct genl_info *info, u8 cmd, struct prelay_sock *ps)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = prelay_nl_reply_start(info, cmd, NLMSG_GOODSIZE, PEER_RELAY_A_SOCK,
				&hdr, &nest);
	if (!msg)
		return -ENOMEM;
	if (prelay_nl_put_sock(msg, ps)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return prelay_nl_reply_send(info, msg, hdr, nest);
}

/* ---- sockets ---- */

static int prelay_nl_sock_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SOCK_A_MAX + 1];
	struct socket *sock;
	struct prelay_sock *ps;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SOCK, PEER_RELAY_SOCK_A_MAX,
			       prelay_sock_attach_policy, tb);
	if (err)
		return err;
	if (prelay_nl_missing(info, info->attrs[PEER_RELAY_A_SOCK], tb,
			  PEER_RELAY_SOCK_A_FD, "missing socket file descriptor"))
		return -EINVAL;

	sock = sockfd_lookup(nla_get_u32(tb[PEER_RELAY_SOCK_A_FD]), &err);
	if (!sock) {
		NL_SET_ERR_MSG_MOD(info->extack, "file descriptor is not an open socket");
		return err;
	}
	mutex_lock(&inst->lock);
	err = prelay_instance_ratelimit_init(inst);
	ps = err ? ERR_PTR(err) : prelay_sock_attach(inst, sock, info->extack);
	err = IS_ERR(ps) ? PTR_ERR(ps) :
	      prelay_nl_reply_sock(info, PEER_RELAY_CMD_SOCK_ATTACH, ps);
	mutex_unlock(&inst->lock);
	/* After the unlock: this may be the last reference (a racing close). */
	sockfd_put(sock);
	return err;
}

static struct prelay_sock *prelay_nl_sock_find(struct prelay_instance *inst,
				       struct genl_info *info)
{
	struct nlattr *tb[PEER_RELAY_SOCK_A_MAX + 1];
	struct prelay_sock *ps;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SOCK, PEER_RELAY_SOCK_A_MAX,
			       prelay_sock_id_policy, tb);
	if (err)
		return ERR_PTR(err);
	if (prelay_nl_missing(info, info->attrs[PEER_RELAY_A_SOCK], tb,
			  PEER_RELAY_SOCK_A_ID, "missing socket id"))
		return ERR_PTR(-EINVAL);
	ps = prelay_sock_by_id(inst, nla_get_u32(tb[PEER_RELAY_SOCK_A_ID]));
	if (!ps) {
		NL_SET_BAD_ATTR(info->extack, tb[PEER_RELAY_SOCK_A_ID]);
		NL_SET_ERR_MSG_MOD(info->extack, "no attached socket with this id");
		return ERR_PTR(-ENOENT);
	}
	return ps;
}

static int prelay_nl_sock_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct prelay_sock *ps;
	int err = 0;

	mutex_lock(&inst->lock);
	ps = prelay_nl_sock_find(inst, info);
	if (IS_ERR(ps))
		err = PTR_ERR(ps);
	else
		prelay_sock_detach(inst, ps, PEER_RELAY_SOCK_DEL_USER);
	mutex_unlock(&inst->lock);
	return err;
}

static int prelay_nl_sock_get(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct prelay_sock *ps;
	int err;

	mutex_lock(&inst->lock);
	ps = prelay_nl_sock_find(inst, info);
	err = IS_ERR(ps) ? PTR_ERR(ps) :
	      prelay_nl_reply_sock(info, PEER_RELAY_CMD_SOCK_GET, ps);
	mutex_unlock(&inst->lock);
	return err;
}

/* Start one dump entry with its top-level nest. */
static void *prelay_nl_dump_start(struct sk_buff *skb, struct netlink_callback *cb,
			      u8 cmd, int attr, struct nlattr **nest)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &prelay_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return NULL;
	*nest = nla_nest_start(skb, attr);
	if (!*nest) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

static void prelay_nl_dump_end(struct sk_buff *skb, void *hdr, struct nlattr *nest)
{
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
}

/* cb->args[0]: number of sockets already dumped. */
static int prelay_nl_sock_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct prelay_instance *inst = prelay_instance_get(sock_net(cb->skb->sk));
	struct nlattr *nest;
	struct prelay_sock *ps;
	long idx = 0;
	void *hdr;

	rcu_read_lock();
	list_for_each_entry_rcu(ps, &inst->socks, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = prelay_nl_dump_start(skb, cb, PEER_RELAY_CMD_SOCK_GET,
				       PEER_RELAY_A_SOCK, &nest);
		if (!hdr)
			break;
		if (prelay_nl_put_sock(skb, ps)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		prelay_nl_dump_end(skb, hdr, nest);
		cb->args[0] = idx;
	}
	rcu_read_unlock();
	return skb->len;
}

/* ---- sessions ---- */

/* Parse a transport address from an EP nest: IPv4 xor IPv6 (+ port). */
static int prelay_nl_get_addr(struct genl_info *info, struct nlattr *nest,
			  struct nlattr **tb, int ip4_attr, int ip6_attr,
			  int port_attr, struct prelay_addr *a)
{
	if (!!tb[ip4_attr] == !!tb[ip6_attr]) {
		NL_SET_BAD_ATTR(info->extack, nest);
		NL_SET_ERR_MSG_MOD(info->extack, "need exactly one of an IPv4 or an IPv6 address");
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	if (tb[ip4_attr]) {
		a->family = AF_INET;
		a->ip4 = nla_get_in_addr(tb[ip4_attr]);
	} else {
		a->family = AF_INET6;
		a->ip6 = nla_get_in6_addr(tb[ip6_attr]);
	}
	if (port_attr) {
		if (prelay_nl_missing(info, nest, tb, port_attr, "missing port"))
			return -EINVAL;
		a->port = htons(nla_get_u16(tb[port_attr]));
	}
	return 0;
}

/* The binding an EP nest asks for, checked (prelay_bind_check()). */
static int prelay_nl_get_bind(struct genl_info *info, struct nlattr *nest,
			  struct prelay_bind *b)
{
	struct nlattr *ep[PEER_RELAY_EP_A_MAX + 1];
	int err;

	memset(b, 0, sizeof(*b));
	err = nla_parse_nested(ep, PEER_RELAY_EP_A_MAX, nest, prelay_ep_bind_policy,
			       info->extack);
	if (err)
		return err;
	err = prelay_nl_get_addr(info, nest, ep, PEER_RELAY_EP_A_REMOTE_IPV4,
			     PEER_RELAY_EP_A_REMOTE_IPV6,
			     PEER_RELAY_EP_A_REMOTE_PORT, &b->remote);
	if (err)
		return err;
	if (ep[PEER_RELAY_EP_A_LOCAL_IPV4] || ep[PEER_RELAY_EP_A_LOCAL_IPV6]) {
		err = prelay_nl_get_addr(info, nest, ep, PEER_RELAY_EP_A_LOCAL_IPV4,
				     PEER_RELAY_EP_A_LOCAL_IPV6, 0, &b->local);
		if (err)
			return err;
	}
	err = prelay_bind_check(&b->remote, &b->local, info->extack);
	if (err)
		NL_SET_BAD_ATTR(info->extack, nest);
	return err;
}

/*
 * SESSION_NEW, optionally with EP0 and/or EP1: every binding is parsed and
 * checked before the session is created, so a bad one changes nothing.
 */
static int prelay_nl_session_new(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct nlattr *top = info->attrs[PEER_RELAY_A_SESSION];
	struct prelay_bind bind[2];
	struct prelay_session *s;
	unsigned int i;
	u32 vni = 0;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SESSION,
			       PEER_RELAY_SESSION_A_MAX, prelay_session_new_policy, tb);
	if (err)
		return err;
	if (prelay_nl_missing(info, top, tb, PEER_RELAY_SESSION_A_KEY0,
			  "missing client key KEY0") ||
	    prelay_nl_missing(info, top, tb, PEER_RELAY_SESSION_A_KEY1,
			  "missing client key KEY1"))
		return -EINVAL;
	if (tb[PEER_RELAY_SESSION_A_VNI])
		vni = nla_get_u32(tb[PEER_RELAY_SESSION_A_VNI]);
	for (i = 0; i < 2; i++) {
		if (!tb[PEER_RELAY_SESSION_A_EP0 + i])
			continue;
		err = prelay_nl_get_bind(info, tb[PEER_RELAY_SESSION_A_EP0 + i],
				     &bind[i]);
		if (err)
			return err;
	}

	mutex_lock(&inst->lock);
	s = prelay_session_new(inst, nla_data(tb[PEER_RELAY_SESSION_A_KEY0]),
			   nla_data(tb[PEER_RELAY_SESSION_A_KEY1]), vni,
			   info->extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	for (i = 0; i < 2; i++)
		if (tb[PEER_RELAY_SESSION_A_EP0 + i])
			prelay_session_bind(inst, s, i, &bind[i].remote,
					&bind[i].local);
	err = prelay_nl_reply_session(info, s);
out:
	mutex_unlock(&inst->lock);
	return err;
}

static int prelay_nl_session_bind(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct prelay_session *s;
	struct prelay_bind bind;
	unsigned int idx;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SESSION,
			       PEER_RELAY_SESSION_A_MAX, prelay_session_bind_policy, tb);
	if (err)
		return err;
	if (prelay_nl_missing(info, info->attrs[PEER_RELAY_A_SESSION], tb,
			  PEER_RELAY_SESSION_A_VNI, "missing VNI"))
		return -EINVAL;
	if (!!tb[PEER_RELAY_SESSION_A_EP0] == !!tb[PEER_RELAY_SESSION_A_EP1]) {
		NL_SET_ERR_MSG_MOD(info->extack, "give exactly one endpoint to bind (EP0 or EP1)");
		return -EINVAL;
	}
	idx = tb[PEER_RELAY_SESSION_A_EP1] ? 1 : 0;
	err = prelay_nl_get_bind(info, tb[PEER_RELAY_SESSION_A_EP0 + idx], &bind);
	if (err)
		return err;

	mutex_lock(&inst->lock);
	s = prelay_session_lookup(inst, nla_get_u32(tb[PEER_RELAY_SESSION_A_VNI]));
	if (!s) {
		NL_SET_BAD_ATTR(info->extack, tb[PEER_RELAY_SESSION_A_VNI]);
		NL_SET_ERR_MSG_MOD(info->extack, "no session with this VNI");
		err = -ENOENT;
	} else {
		prelay_session_bind(inst, s, idx, &bind.remote, &bind.local);
	}
	mutex_unlock(&inst->lock);
	return err;
}

/* Find the session a GET/DEL request names: by VNI or by key pair. */
static struct prelay_session *prelay_nl_session_find(struct prelay_instance *inst,
					     struct genl_info *info)
{
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct prelay_session *s;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SESSION,
			       PEER_RELAY_SESSION_A_MAX, prelay_session_sel_policy, tb);
	if (err)
		return ERR_PTR(err);
	if (tb[PEER_RELAY_SESSION_A_VNI]) {
		if (tb[PEER_RELAY_SESSION_A_KEY0] || tb[PEER_RELAY_SESSION_A_KEY1]) {
			NL_SET_ERR_MSG_MOD(info->extack, "select a session by VNI or by keys, not both");
			return ERR_PTR(-EINVAL);
		}
		s = prelay_session_lookup(inst, nla_get_u32(tb[PEER_RELAY_SESSION_A_VNI]));
	} else if (tb[PEER_RELAY_SESSION_A_KEY0] && tb[PEER_RELAY_SESSION_A_KEY1]) {
		s = prelay_session_by_keys(inst, nla_data(tb[PEER_RELAY_SESSION_A_KEY0]),
				       nla_data(tb[PEER_RELAY_SESSION_A_KEY1]));
	} else {
		NL_SET_ERR_MSG_MOD(info->extack, "missing VNI or KEY0+KEY1");
		return ERR_PTR(-EINVAL);
	}
	if (!s) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such session");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

static int prelay_nl_session_del(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct prelay_session *s;
	int err = 0;

	mutex_lock(&inst->lock);
	s = prelay_nl_session_find(inst, info);
	if (IS_ERR(s))
		err = PTR_ERR(s);
	else
		prelay_session_delete(inst, s, PEER_RELAY_DEL_USER);
	mutex_unlock(&inst->lock);
	return err;
}

static int prelay_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct prelay_session *s;
	int err;

	mutex_lock(&inst->lock);
	s = prelay_nl_session_find(inst, info);
	err = IS_ERR(s) ? PTR_ERR(s) : prelay_nl_reply_session(info, s);
	mutex_unlock(&inst->lock);
	return err;
}

/* cb->args[0]: the next VNI to dump; resumes exactly across messages. */
static int prelay_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct prelay_instance *inst = prelay_instance_get(sock_net(cb->skb->sk));
	unsigned long vni = cb->args[0];
	struct prelay_session *s;
	struct nlattr *nest;
	void *hdr;

	rcu_read_lock();
	xa_for_each_start(&inst->sessions, vni, s, vni) {
		hdr = prelay_nl_dump_start(skb, cb, PEER_RELAY_CMD_SESSION_GET,
				       PEER_RELAY_A_SESSION, &nest);
		if (!hdr)
			break;
		if (prelay_nl_put_session(skb, s)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		prelay_nl_dump_end(skb, hdr, nest);
		cb->args[0] = vni + 1;
	}
	rcu_read_unlock();
	return skb->len;
}

static int prelay_nl_session_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);

	mutex_lock(&inst->lock);
	prelay_sessions_flush(inst, PEER_RELAY_DEL_FLUSH);
	mutex_unlock(&inst->lock);
	return 0;
}

/* ---- counters ---- */

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

static int prelay_nl_put_stats(struct sk_buff *msg, const struct prelay_stats *st)
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

static int prelay_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *nest;
	struct prelay_stats st;
	struct sk_buff *msg;
	void *hdr;

	prelay_stats_read(inst, &st);
	msg = prelay_nl_reply_start(info, PEER_RELAY_CMD_STATS_GET, NLMSG_GOODSIZE,
				PEER_RELAY_A_STATS, &hdr, &nest);
	if (!msg)
		return -ENOMEM;
	if (prelay_nl_put_stats(msg, &st)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return prelay_nl_reply_send(info, msg, hdr, nest);
}

/* ---- configuration ---- */

static int prelay_nl_put_config(struct sk_buff *msg, const struct prelay_config *cfg)
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
			cfg->pass_rate_total))
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

static int prelay_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = prelay_nl_reply_start(info, PEER_RELAY_CMD_CONFIG_GET, NLMSG_GOODSIZE,
				PEER_RELAY_A_CONFIG, &hdr, &nest);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&inst->lock);
	err = prelay_nl_put_config(msg, &inst->config);
	mutex_unlock(&inst->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return prelay_nl_reply_send(info, msg, hdr, nest);
}

/* Parse, validate and deduplicate a static endpoint list into @cfg. */
static int prelay_nl_get_static_eps(struct genl_info *info, struct nlattr *list,
				struct prelay_config *cfg)
{
	struct nlattr *tb[PEER_RELAY_EP_A_MAX + 1];
	struct prelay_addr a;
	struct nlattr *nla;
	int rem, err;
	u32 i;

	cfg->n_static_eps = 0;
	nla_for_each_nested(nla, list, rem) {
		err = nla_parse_nested(tb, PEER_RELAY_EP_A_MAX, nla,
				       prelay_ep_static_policy, info->extack);
		if (err)
			return err;
		err = prelay_nl_get_addr(info, nla, tb, PEER_RELAY_EP_A_REMOTE_IPV4,
				     PEER_RELAY_EP_A_REMOTE_IPV6,
				     PEER_RELAY_EP_A_REMOTE_PORT, &a);
		if (err)
			return err;
		for (i = 0; i < cfg->n_static_eps; i++)
			if (!memcmp(&cfg->static_eps[i], &a, sizeof(a)))
				break;
		if (i < cfg->n_static_eps)
			continue;	/* duplicate */
		if (cfg->n_static_eps == PEER_RELAY_MAX_STATIC_EPS) {
			NL_SET_BAD_ATTR(info->extack, nla);
			NL_SET_ERR_MSG_MOD(info->extack, "too many static endpoints (at most 16)");
			return -E2BIG;
		}
		cfg->static_eps[cfg->n_static_eps++] = a;
	}
	return 0;
}

static int prelay_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_CONFIG_A_MAX + 1];
	struct prelay_ratelimit *rl;
	struct prelay_config *cfg;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_CONFIG, PEER_RELAY_CONFIG_A_MAX,
			       prelay_config_set_policy, tb);
	if (err)
		return err;

	/* Build the new config aside so that a bad request changes nothing. */
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	mutex_lock(&inst->lock);
	*cfg = inst->config;
	if (tb[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS])
		cfg->bind_lifetime_ms = nla_get_u32(tb[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS]);
	if (tb[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS])
		cfg->idle_lifetime_ms = nla_get_u32(tb[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS]);
	if (tb[PEER_RELAY_CONFIG_A_MAX_SESSIONS])
		cfg->max_sessions = nla_get_u32(tb[PEER_RELAY_CONFIG_A_MAX_SESSIONS]);
	if (tb[PEER_RELAY_CONFIG_A_PASS_RATE])
		cfg->pass_rate = nla_get_u32(tb[PEER_RELAY_CONFIG_A_PASS_RATE]);
	if (tb[PEER_RELAY_CONFIG_A_PASS_BURST])
		cfg->pass_burst = nla_get_u32(tb[PEER_RELAY_CONFIG_A_PASS_BURST]);
	if (tb[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL])
		cfg->pass_rate_total =
			nla_get_u32(tb[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL]);
	if (tb[PEER_RELAY_CONFIG_A_SERVER_KEY]) {
		cfg->has_server_key = true;
		nla_memcpy(cfg->server_key, tb[PEER_RELAY_CONFIG_A_SERVER_KEY],
			   PEER_RELAY_KEY_LEN);
	}
	err = 0;
	if (tb[PEER_RELAY_CONFIG_A_STATIC_EPS])
		err = prelay_nl_get_static_eps(info, tb[PEER_RELAY_CONFIG_A_STATIC_EPS],
					   cfg);
	if (!err) {
		inst->config = *cfg;
		prelay_expiry_reconfigure(inst);
		rl = rcu_dereference_protected(inst->ratelimit,
					       lockdep_is_held(&inst->lock));
		if (rl)
			prelay_ratelimit_set(rl, cfg);
	}
	mutex_unlock(&inst->lock);
	kfree(cfg);
	return err;
}

/* ---- family ---- */

static const struct genl_ops prelay_genl_ops[] = {
	{
		.cmd = PEER_RELAY_CMD_SOCK_ATTACH,
		.doit = prelay_nl_sock_attach,
		.policy = prelay_sock_attach_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SOCK_DETACH,
		.doit = prelay_nl_sock_detach,
		.policy = prelay_sock_id_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SOCK_GET,
		.doit = prelay_nl_sock_get,
		.dumpit = prelay_nl_sock_dump,
		.policy = prelay_sock_id_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_NEW,
		.doit = prelay_nl_session_new,
		.policy = prelay_session_new_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_BIND,
		.doit = prelay_nl_session_bind,
		.policy = prelay_session_bind_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_DEL,
		.doit = prelay_nl_session_del,
		.policy = prelay_session_sel_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_GET,
		.doit = prelay_nl_session_get,
		.dumpit = prelay_nl_session_dump,
		.policy = prelay_session_sel_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_FLUSH,
		.doit = prelay_nl_session_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_STATS_GET,
		.doit = prelay_nl_stats_get,
	},
	{
		.cmd = PEER_RELAY_CMD_CONFIG_GET,
		.doit = prelay_nl_config_get,
	},
	{
		.cmd = PEER_RELAY_CMD_CONFIG_SET,
		.doit = prelay_nl_config_set,
		.policy = prelay_config_set_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group prelay_genl_mcgrps[] = {
	[PRELAY_MCGRP_EVENTS] = { .name = PEER_RELAY_MCGRP_EVENTS },
};

struct genl_family prelay_genl_family __ro_after_init = {
	.name = PEER_RELAY_GENL_NAME,
	.version = PEER_RELAY_GENL_VERSION,
	.maxattr = PEER_RELAY_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = prelay_genl_ops,
	.n_ops = ARRAY_SIZE(prelay_genl_ops),
	.mcgrps = prelay_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(prelay_genl_mcgrps),
};

/**
 * prelay_nl_register() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int prelay_nl_register(void)
{
	return genl_register_family(&prelay_genl_family);
}

/**
 * prelay_nl_unregister() - unregister the generic netlink family
 */
void prelay_nl_unregister(void)
{
	genl_unregister_family(&prelay_genl_family);
}
