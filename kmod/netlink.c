// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink family "peer_relay": request handlers and replies.
 * Every handler resolves the instance of the requester's netns. Changing
 * operations, and the reads that return client keys and addresses
 * (session and socket get/dump) need CAP_NET_ADMIN over that netns
 * (GENL_UNS_ADMIN_PERM), as does joining the events group; the counters
 * and the configuration stay readable by everyone.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "expiry.h"
#include "netlink.h"
#include "netlink_gen.h"
#include "nlmsg.h"
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

/*
 * Index the attributes of @nest into @tb without validating them again:
 * the genl core has already checked the whole request, nests included,
 * strictly against the operation's policy (netlink_gen.c nests the
 * policy of every nest in it) and reported any error with its extack
 * message. Validating a second and third time was a seventh of the cost
 * of installing a session (Documentation/performance.md).
 */
static int prelay_nl_index(struct genl_info *info, struct nlattr *nest,
			   int maxtype, struct nlattr **tb)
{
	return nla_parse_nested(tb, maxtype, nest, NULL, info->extack);
}

/* Index the mandatory top-level nest @attr of a request into @tb. */
static int prelay_nl_parse_nest(struct genl_info *info, int attr, int maxtype,
			    struct nlattr **tb)
{
	if (prelay_nl_missing(info, NULL, info->attrs, attr,
			  "missing the request's top-level nest"))
		return -EINVAL;
	return prelay_nl_index(info, info->attrs[attr], maxtype, tb);
}

/* Start a reply to @info with @size bytes of attributes in the nest @attr. */
static int prelay_nl_reply_start(struct prelay_nl_msg *m, struct genl_info *info,
				 u8 cmd, size_t size, int attr)
{
	return prelay_nl_msg_new(m, size, info->snd_portid, info->snd_seq, cmd, attr);
}

/* Send the reply, or drop it if filling its nest failed (@err). */
static int prelay_nl_reply_send(struct genl_info *info, struct prelay_nl_msg *m,
				int err)
{
	return prelay_nl_msg_finish(m, err) ?: genlmsg_reply(m->skb, info);
}

/* A do request's reply carries the request's command (SESSION_NEW or GET). */
static int prelay_nl_reply_session(struct genl_info *info, struct prelay_session *s)
{
	struct prelay_nl_msg m;

	if (prelay_nl_reply_start(&m, info, info->genlhdr->cmd,
				  prelay_nl_session_size(), PEER_RELAY_A_SESSION))
		return -ENOMEM;
	return prelay_nl_reply_send(info, &m, prelay_nl_put_session(m.skb, s));
}

static int prelay_nl_reply_sock(struct genl_info *info, u8 cmd, struct prelay_sock *ps)
{
	struct prelay_nl_msg m;

	if (prelay_nl_reply_start(&m, info, cmd, NLMSG_GOODSIZE, PEER_RELAY_A_SOCK))
		return -ENOMEM;
	return prelay_nl_reply_send(info, &m, prelay_nl_put_sock(m.skb, ps));
}

/* ---- sockets ---- */

/*
 * Index a socket request's nest into @tb and check that it holds @type,
 * the attribute that names the socket. A macro, as prelay_nl_missing(),
 * for the literal @msg.
 */
#define prelay_nl_sock_parse(info, tb, type, msg) ({			\
	int __err = prelay_nl_parse_nest(info, PEER_RELAY_A_SOCK,	\
					 PEER_RELAY_SOCK_A_MAX, tb);	\
									\
	if (!__err && prelay_nl_missing(info, (info)->attrs[PEER_RELAY_A_SOCK], \
					tb, type, msg))			\
		__err = -EINVAL;					\
	__err;								\
})

/* The socket SOCK_ATTACH names by its file descriptor, with a reference. */
static struct socket *prelay_nl_sock_fd(struct genl_info *info)
{
	struct nlattr *tb[PEER_RELAY_SOCK_A_MAX + 1];
	struct socket *sock;
	int err;

	err = prelay_nl_sock_parse(info, tb, PEER_RELAY_SOCK_A_FD,
				   "missing socket file descriptor");
	if (err)
		return ERR_PTR(err);
	sock = sockfd_lookup(nla_get_u32(tb[PEER_RELAY_SOCK_A_FD]), &err);
	if (!sock)
		NL_SET_ERR_MSG_MOD(info->extack, "file descriptor is not an open socket");
	return sock ?: ERR_PTR(err);
}

int prelay_nl_sock_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct socket *sock = prelay_nl_sock_fd(info);
	struct prelay_sock *ps;
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
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

/* The attached socket a SOCK_DETACH or SOCK_GET request names by its id. */
static struct prelay_sock *prelay_nl_sock_find(struct prelay_instance *inst,
					       struct genl_info *info)
{
	struct nlattr *tb[PEER_RELAY_SOCK_A_MAX + 1];
	struct prelay_sock *ps;
	int err;

	err = prelay_nl_sock_parse(info, tb, PEER_RELAY_SOCK_A_ID, "missing socket id");
	if (err)
		return ERR_PTR(err);
	ps = prelay_sock_by_id(inst, nla_get_u32(tb[PEER_RELAY_SOCK_A_ID]));
	if (!ps) {
		NL_SET_BAD_ATTR(info->extack, tb[PEER_RELAY_SOCK_A_ID]);
		NL_SET_ERR_MSG_MOD(info->extack, "no attached socket with this id");
		return ERR_PTR(-ENOENT);
	}
	return ps;
}

int prelay_nl_sock_detach_doit(struct sk_buff *skb, struct genl_info *info)
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

int prelay_nl_sock_get_doit(struct sk_buff *skb, struct genl_info *info)
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

/* Start one dump entry with its top-level nest; the caller fills it. */
static int prelay_nl_dump_start(struct prelay_nl_msg *m, struct sk_buff *skb,
				struct netlink_callback *cb, u8 cmd, int attr)
{
	return prelay_nl_msg_start(m, skb, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd, attr);
}

/* Close a dump entry, or take it back if filling it failed (@err). */
static int prelay_nl_dump_end(struct prelay_nl_msg *m, int err)
{
	if (err)
		genlmsg_cancel(m->skb, m->hdr);
	else
		prelay_nl_msg_end(m);
	return err;
}

/* cb->args[0]: number of sockets already dumped. */
int prelay_nl_sock_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct prelay_instance *inst = prelay_instance_get(sock_net(cb->skb->sk));
	struct prelay_nl_msg m;
	struct prelay_sock *ps;
	long idx = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(ps, &inst->socks, node) {
		if (idx++ < cb->args[0])
			continue;
		if (prelay_nl_dump_start(&m, skb, cb, PEER_RELAY_CMD_SOCK_GET,
					 PEER_RELAY_A_SOCK) ||
		    prelay_nl_dump_end(&m, prelay_nl_put_sock(skb, ps)))
			break;
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

/*
 * The binding an EP nest asks for, checked (prelay_bind_check()). With
 * @idle_ms (SESSION_NEW) the nest may carry IDLE_MS, returned there
 * (U64_MAX when absent).
 */
static int prelay_nl_get_bind(struct genl_info *info, struct nlattr *nest,
			  struct prelay_bind *b, u64 *idle_ms)
{
	struct nlattr *ep[PEER_RELAY_EP_A_MAX + 1];
	int err;

	memset(b, 0, sizeof(*b));
	err = prelay_nl_index(info, nest, PEER_RELAY_EP_A_MAX, ep);
	if (err)
		return err;
	if (idle_ms)
		*idle_ms = ep[PEER_RELAY_EP_A_IDLE_MS] ?
			   nla_get_u64(ep[PEER_RELAY_EP_A_IDLE_MS]) : U64_MAX;
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
 * The replication attributes of SESSION_NEW: LAMPORT, AGE_MS and the
 * endpoints' IDLE_MS only with REPLICA, which needs VNI and LAMPORT.
 */
static int prelay_nl_check_replica(struct genl_info *info, struct nlattr **tb,
			       const u64 idle[2])
{
	struct nlattr *top = info->attrs[PEER_RELAY_A_SESSION];
	unsigned int i;

	if (tb[PEER_RELAY_SESSION_A_REPLICA])
		return prelay_nl_missing(info, top, tb, PEER_RELAY_SESSION_A_VNI,
				     "a replica needs its VNI") ||
		       prelay_nl_missing(info, top, tb, PEER_RELAY_SESSION_A_LAMPORT,
				     "a replica needs its LamportID") ? -EINVAL : 0;
	if (tb[PEER_RELAY_SESSION_A_LAMPORT] || tb[PEER_RELAY_SESSION_A_AGE_MS]) {
		NL_SET_BAD_ATTR(info->extack, tb[PEER_RELAY_SESSION_A_LAMPORT] ?:
				tb[PEER_RELAY_SESSION_A_AGE_MS]);
		NL_SET_ERR_MSG_MOD(info->extack, "LAMPORT and AGE_MS are only accepted with REPLICA");
		return -EINVAL;
	}
	for (i = 0; i < 2; i++) {
		if (idle[i] != U64_MAX) {
			NL_SET_BAD_ATTR(info->extack, tb[PEER_RELAY_SESSION_A_EP0 + i]);
			NL_SET_ERR_MSG_MOD(info->extack, "an endpoint's IDLE_MS is only accepted with REPLICA");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Bind endpoint @i of a replica: an unchanged binding only refreshes
 * last-seen (no event: the periodic refresh of every session must not
 * flood the event group), a new one is bound like any other.
 */
static void prelay_nl_replica_bind(struct prelay_instance *inst,
			       struct prelay_session *s, unsigned int i,
			       const struct prelay_bind *b, u64 idle_ms)
{
	struct prelay_bind cur[2];

	prelay_session_binds(s, cur);
	if (memcmp(&cur[i], b, sizeof(*b)))
		prelay_session_bind(inst, s, i, &b->remote, &b->local);
	if (idle_ms != U64_MAX)
		prelay_session_seen(s, i, idle_ms);
}

/*
 * SESSION_NEW, optionally with EP0 and/or EP1: every binding is parsed and
 * checked before the session is created, so a bad one changes nothing.
 * With REPLICA it installs a session replicated from another relay.
 */
int prelay_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct nlattr *top = info->attrs[PEER_RELAY_A_SESSION];
	u64 idle[2] = { U64_MAX, U64_MAX };
	const u8 *key0, *key1;
	struct prelay_bind bind[2];
	struct prelay_session *s;
	bool replica;
	unsigned int i;
	u32 vni = 0;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SESSION,
			       PEER_RELAY_SESSION_A_MAX, tb);
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
				     &bind[i], &idle[i]);
		if (err)
			return err;
	}
	err = prelay_nl_check_replica(info, tb, idle);
	if (err)
		return err;
	replica = nla_get_flag(tb[PEER_RELAY_SESSION_A_REPLICA]);
	key0 = nla_data(tb[PEER_RELAY_SESSION_A_KEY0]);
	key1 = nla_data(tb[PEER_RELAY_SESSION_A_KEY1]);

	mutex_lock(&inst->lock);
	inst->notify_replica = replica;
	if (replica)
		s = prelay_session_new_replica(inst, key0, key1, vni,
					   nla_get_u64(tb[PEER_RELAY_SESSION_A_LAMPORT]),
					   tb[PEER_RELAY_SESSION_A_AGE_MS] ?
					   nla_get_u64(tb[PEER_RELAY_SESSION_A_AGE_MS]) : 0,
					   info->extack);
	else
		s = prelay_session_new(inst, key0, key1, vni, info->extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		if (!tb[PEER_RELAY_SESSION_A_EP0 + i])
			continue;
		if (replica)
			prelay_nl_replica_bind(inst, s, i, &bind[i], idle[i]);
		else
			prelay_session_bind(inst, s, i, &bind[i].remote,
					&bind[i].local);
	}
	/* A bulk installer that names its VNIs may skip the echo. */
	err = tb[PEER_RELAY_SESSION_A_NO_REPLY] ? 0 : prelay_nl_reply_session(info, s);
out:
	inst->notify_replica = false;
	mutex_unlock(&inst->lock);
	return err;
}

int prelay_nl_session_bind_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct prelay_session *s;
	struct prelay_bind bind;
	unsigned int idx;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SESSION,
			       PEER_RELAY_SESSION_A_MAX, tb);
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
	err = prelay_nl_get_bind(info, tb[PEER_RELAY_SESSION_A_EP0 + idx], &bind,
			     NULL);
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

/*
 * Find the session a GET/DEL request names: by VNI or by key pair, its
 * nest indexed into @tb.
 */
static struct prelay_session *prelay_nl_session_find(struct prelay_instance *inst,
					     struct genl_info *info,
					     struct nlattr **tb)
{
	struct prelay_session *s;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_SESSION,
			       PEER_RELAY_SESSION_A_MAX, tb);
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

int prelay_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct prelay_session *s;
	int err;

	mutex_lock(&inst->lock);
	s = prelay_nl_session_find(inst, info, tb);
	err = IS_ERR(s) ? PTR_ERR(s) : prelay_nl_reply_session(info, s);
	mutex_unlock(&inst->lock);
	return err;
}

/* cb->args[0]: the next VNI to dump; resumes exactly across messages. */
int prelay_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct prelay_instance *inst = prelay_instance_get(sock_net(cb->skb->sk));
	unsigned long vni = cb->args[0];
	struct prelay_session *s;
	struct prelay_nl_msg m;

	rcu_read_lock();
	xa_for_each_start(&inst->sessions, vni, s, vni) {
		if (prelay_nl_dump_start(&m, skb, cb, PEER_RELAY_CMD_SESSION_GET,
					 PEER_RELAY_A_SESSION) ||
		    prelay_nl_dump_end(&m, prelay_nl_put_session(skb, s)))
			break;
		cb->args[0] = vni + 1;
	}
	rcu_read_unlock();
	return skb->len;
}

/*
 * SESSION_DEL; with LAMPORT only the session of that allocation (a
 * replicated deletion must not remove a newer session of the pair).
 */
int prelay_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];
	struct nlattr *lamport;
	struct prelay_session *s;
	int err = 0;

	mutex_lock(&inst->lock);
	s = prelay_nl_session_find(inst, info, tb);
	lamport = IS_ERR(s) ? NULL : tb[PEER_RELAY_SESSION_A_LAMPORT];
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
	} else if (lamport && nla_get_u64(lamport) != s->lamport) {
		NL_SET_BAD_ATTR(info->extack, lamport);
		NL_SET_ERR_MSG_MOD(info->extack, "the session has another LamportID");
		err = -ENOENT;
	} else {
		inst->notify_replica = nla_get_flag(tb[PEER_RELAY_SESSION_A_REPLICA]);
		prelay_session_delete(inst, s, PEER_RELAY_DEL_USER);
		inst->notify_replica = false;
	}
	mutex_unlock(&inst->lock);
	return err;
}

int prelay_nl_session_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);

	mutex_lock(&inst->lock);
	prelay_sessions_flush(inst, PEER_RELAY_DEL_FLUSH);
	mutex_unlock(&inst->lock);
	return 0;
}

/* ---- counters ---- */

int prelay_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct prelay_stats st;
	struct prelay_nl_msg m;

	prelay_stats_read(inst, &st);
	if (prelay_nl_reply_start(&m, info, PEER_RELAY_CMD_STATS_GET, NLMSG_GOODSIZE,
				  PEER_RELAY_A_STATS))
		return -ENOMEM;
	return prelay_nl_reply_send(info, &m, prelay_nl_put_stats(m.skb, &st));
}

/* ---- configuration ---- */

int prelay_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct prelay_nl_msg m;
	int err;

	if (prelay_nl_reply_start(&m, info, PEER_RELAY_CMD_CONFIG_GET, NLMSG_GOODSIZE,
				  PEER_RELAY_A_CONFIG))
		return -ENOMEM;
	mutex_lock(&inst->lock);
	err = prelay_nl_put_config(m.skb, &inst->config);
	mutex_unlock(&inst->lock);
	return prelay_nl_reply_send(info, &m, err);
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
		err = prelay_nl_index(info, nla, PEER_RELAY_EP_A_MAX, tb);
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

/* A setting the request may leave out: @val keeps its value then. */
static void prelay_nl_get_u32(struct nlattr **tb, int attr, u32 *val)
{
	if (tb[attr])
		*val = nla_get_u32(tb[attr]);
}

int prelay_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct prelay_instance *inst = prelay_nl_instance(info);
	struct nlattr *tb[PEER_RELAY_CONFIG_A_MAX + 1];
	struct prelay_ratelimit *rl;
	struct prelay_config *cfg;
	int err;

	err = prelay_nl_parse_nest(info, PEER_RELAY_A_CONFIG, PEER_RELAY_CONFIG_A_MAX, tb);
	if (err)
		return err;

	/* Build the new config aside so that a bad request changes nothing. */
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	mutex_lock(&inst->lock);
	*cfg = inst->config;
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS, &cfg->bind_lifetime_ms);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS, &cfg->idle_lifetime_ms);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_MAX_SESSIONS, &cfg->max_sessions);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_PASS_RATE, &cfg->pass_rate);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_PASS_BURST, &cfg->pass_burst);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL, &cfg->pass_rate_total);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_VNI_MIN, &cfg->vni_min);
	prelay_nl_get_u32(tb, PEER_RELAY_CONFIG_A_VNI_MAX, &cfg->vni_max);
	if (tb[PEER_RELAY_CONFIG_A_SERVER_KEY]) {
		cfg->has_server_key = true;
		nla_memcpy(cfg->server_key, tb[PEER_RELAY_CONFIG_A_SERVER_KEY],
			   PEER_RELAY_KEY_LEN);
	}
	err = 0;
	if (cfg->vni_min > cfg->vni_max) {
		NL_SET_BAD_ATTR(info->extack, tb[PEER_RELAY_CONFIG_A_VNI_MIN] ?:
				tb[PEER_RELAY_CONFIG_A_VNI_MAX]);
		NL_SET_ERR_MSG_MOD(info->extack, "empty VNI range: VNI_MIN is above VNI_MAX");
		err = -EINVAL;
	}
	if (!err && tb[PEER_RELAY_CONFIG_A_STATIC_EPS])
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

/*
 * ---- family ----
 *
 * The operations (handlers, policies, permission flags) and the groups
 * are generated from the spec into netlink_gen.c.
 */

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
