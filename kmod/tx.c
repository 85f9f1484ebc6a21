// SPDX-License-Identifier: GPL-2.0-only
/*
 * Egress: the UDP payload (Geneve header included) is sent byte for byte
 * from the egress socket's port to the endpoint, with a new UDP/IP header.
 * The source address is the one the endpoint reached us on when known,
 * else the socket's bound address, else whatever routing picks.
 *
 * The output route (and the source address routing chose) is cached per
 * endpoint in a small object allocated when datagrams first flow towards
 * it: the FIB lookup, its xfrm check and the source selection were a
 * fifth of the relay's cost per datagram (Documentation/performance.md).
 * An entry is used only for the bindings (the session's bind sequence),
 * egress socket, mark and bound device it was made for, and only while dst_check() says the FIB (route
 * changes, vanished addresses, devices going down) has not invalidated
 * it; otherwise the route is looked up again and the entry replaced.
 * Entries hold a reference on their route and are freed after a grace
 * period, or with the session.
 */
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip6_fib.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "session.h"
#include "socket.h"
#include "tx.h"

/**
 * prelay_route_free() - free a cached route at once
 * @r: the entry, or NULL
 *
 * Context: no reader can reach @r any more (after a grace period).
 */
void prelay_route_free(struct prelay_route *r)
{
	if (!r)
		return;
	dst_release(r->dst);
	kfree(r);
}

static void prelay_route_free_rcu(struct rcu_head *head)
{
	prelay_route_free(container_of(head, struct prelay_route, rcu));
}

/*
 * The cached route of @ep if still good for this datagram (no reference);
 * inline: every forwarded datagram asks.
 */
static __always_inline struct prelay_route *prelay_route_get(struct prelay_endpoint *ep,
					     const struct prelay_sock *out,
					     unsigned int bind_seq)
{
	struct prelay_route *r = rcu_dereference(ep->route);
	const struct sock *sk = out->sk;

	if (!r || r->bind_seq != bind_seq || r->sock_id != out->id ||
	    r->mark != READ_ONCE(sk->sk_mark) ||
	    r->oif != READ_ONCE(sk->sk_bound_dev_if) || !dst_check(r->dst, r->cookie))
		return NULL;
	return r;
}

/*
 * Cache @dst (the caller keeps its own reference) for @ep. Best effort:
 * without memory the next datagram looks the route up again.
 * Return: the new entry, valid until the caller leaves its RCU section.
 */
static struct prelay_route *prelay_route_put(struct prelay_endpoint *ep,
					     const struct prelay_sock *out,
					     unsigned int bind_seq, struct dst_entry *dst,
					     u32 cookie, const union prelay_ip *saddr)
{
	struct prelay_route *r = kmalloc(sizeof(*r), GFP_ATOMIC | __GFP_NOWARN);
	struct prelay_route *old;

	if (!r)
		return NULL;
	r->bind_seq = bind_seq;
	r->sock_id = out->id;
	r->mark = READ_ONCE(out->sk->sk_mark);
	r->oif = READ_ONCE(out->sk->sk_bound_dev_if);
	r->cookie = cookie;
	r->saddr = *saddr;
	dst_hold(dst);
	r->dst = dst;
	/* Two CPUs may race here: each frees what it replaced. */
	old = unrcu_pointer(xchg(&ep->route, RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, prelay_route_free_rcu);
	return r;
}

/* Strip the received UDP header and make room for the new headers. */
static int prelay_xmit_prepare(struct sk_buff *skb, unsigned int headroom)
{
	__skb_pull(skb, sizeof(struct udphdr));
	if (skb_cow_head(skb, headroom))
		return -ENOMEM;
	skb_scrub_packet(skb, false);
	skb->ip_summed = CHECKSUM_NONE;	/* udp_set_csum() redoes it */
	skb->encapsulation = 0;
	return 0;
}

/* Route towards @to (IPv4), checked for loops and broadcast; referenced. */
static struct rtable *prelay_route4(struct sock *sk, struct prelay_bind *to,
				    __be32 *saddr)
{
	struct net *net = sock_net(sk);
	struct rtable *rt;
	struct flowi4 fl4;

	flowi4_init_output(&fl4, sk->sk_bound_dev_if, sk->sk_mark, 0, RT_SCOPE_UNIVERSE,
			   IPPROTO_UDP, 0, to->remote.ip4,
			   to->local.family ? to->local.ip4 : inet_sk(sk)->inet_saddr,
			   to->remote.port, inet_sk(sk)->inet_sport, sock_net_uid(net, sk));
	rt = ip_route_output_flow(net, &fl4, sk);
	if (IS_ERR(rt) && fl4.saddr) {
		/* The local address went away: let routing choose. */
		fl4.saddr = 0;
		rt = ip_route_output_flow(net, &fl4, sk);
	}
	if (IS_ERR(rt))
		return NULL;
	/*
	 * Never send to ourselves on the relay port (a loop), nor to a
	 * (directed) broadcast or multicast address, which an admin could
	 * have bound: a relay talks to one host per endpoint.
	 */
	if ((rt->rt_type == RTN_LOCAL && fl4.fl4_dport == fl4.fl4_sport) ||
	    rt->rt_type == RTN_BROADCAST || rt->rt_type == RTN_MULTICAST) {
		ip_rt_put(rt);
		return NULL;
	}
	*saddr = fl4.saddr;
	return rt;
}

#if IS_ENABLED(CONFIG_IPV6)
/* Route towards @to (IPv6), checked for loops; referenced. */
static struct dst_entry *prelay_route6(struct sock *sk, struct prelay_bind *to,
				       struct in6_addr *saddr)
{
	struct flowi6 fl6 = {
		.daddr = to->remote.ip6,
		.saddr = to->local.family ? to->local.ip6 : sk->sk_v6_rcv_saddr,
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_oif = sk->sk_bound_dev_if,
		.flowi6_mark = sk->sk_mark,
		.fl6_sport = inet_sk(sk)->inet_sport,
		.fl6_dport = to->remote.port,
	};
	struct net *net = sock_net(sk);
	struct dst_entry *dst;

	dst = ipv6_stub->ipv6_dst_lookup_flow(net, sk, &fl6, NULL);
	if (IS_ERR(dst))
		return NULL;
	if ((dst->dev->flags & IFF_LOOPBACK) &&
	    fl6.fl6_dport == fl6.fl6_sport) {
		dst_release(dst);
		return NULL;
	}
	*saddr = fl6.saddr;
	return dst;
}
#endif

/* A fresh output route towards @to, checked; referenced; @cookie for IPv6. */
static struct dst_entry *prelay_route_lookup(struct prelay_sock *out, struct prelay_bind *to,
					     union prelay_ip *saddr, u32 *cookie)
{
	memset(saddr, 0, sizeof(*saddr));
	*cookie = 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (to->remote.family == AF_INET6) {
		struct dst_entry *dst = prelay_route6(out->sk, to, &saddr->ip6);

		if (dst)
			*cookie = rt6_get_cookie(container_of(dst, struct rt6_info, dst));
		return dst;
	}
#endif
	if (to->remote.family == AF_INET) {
		struct rtable *rt = prelay_route4(out->sk, to, &saddr->ip4);

		return rt ? &rt->dst : NULL;
	}
	return NULL;
}

/*
 * The output route towards a bound endpoint, with a reference for the
 * caller, or NULL: the cached one when still valid, else a fresh lookup
 * (checked for loops and broadcast) that is cached. Context: softirq, RCU.
 */
static struct dst_entry *prelay_route_out(struct prelay_sock *out, struct prelay_endpoint *ep,
				   struct prelay_bind *to, unsigned int bind_seq,
				   union prelay_ip *saddr)
{
	struct prelay_route *r = prelay_route_get(ep, out, bind_seq);
	struct dst_entry *dst;
	u32 cookie;

	if (r) {
		*saddr = r->saddr;
		dst_hold(r->dst);	/* the skb's reference */
		return r->dst;
	}
	dst = prelay_route_lookup(out, to, saddr, &cookie);
	if (dst)
		prelay_route_put(ep, out, bind_seq, dst, cookie, saddr);
	return dst;
}

/**
 * prelay_route_cached() - the cached output route towards a bound endpoint
 * @out: egress socket, of the endpoint's family
 * @ep: the endpoint, whose route cache is used and filled
 * @to: the endpoint's binding, as read with prelay_session_binds()
 * @bind_seq: what prelay_session_binds() returned then
 *
 * As the socket path's lookup, without a reference: the entry and its route
 * stay valid until the caller's RCU section ends, so an skb may carry the
 * route with skb_dst_set_noref() (the stack takes a reference of its own
 * before it queues the skb anywhere).
 *
 * Context: softirq, rcu_read_lock() held.
 * Return: the entry, or NULL without a route or without memory to cache it.
 */
const struct prelay_route *prelay_route_cached(struct prelay_sock *out,
					       struct prelay_endpoint *ep,
					       struct prelay_bind *to, unsigned int bind_seq)
{
	struct prelay_route *r = prelay_route_get(ep, out, bind_seq);
	union prelay_ip saddr;
	struct dst_entry *dst;
	u32 cookie;

	if (likely(r))
		return r;
	dst = prelay_route_lookup(out, to, &saddr, &cookie);
	if (!dst)
		return NULL;
	r = prelay_route_put(ep, out, bind_seq, dst, cookie, &saddr);
	dst_release(dst);	/* the entry holds its own */
	return r;
}

/**
 * prelay_xmit() - send a received datagram to a bound endpoint
 * @out: egress socket, of the endpoint's family
 * @ep: the endpoint, whose route cache is used and filled
 * @to: the endpoint's binding, as read with prelay_session_binds()
 * @bind_seq: what prelay_session_binds() returned then
 * @skb: the datagram, data at the received UDP header
 *
 * Context: softirq, rcu_read_lock() held.
 * Return: 0 when @skb was handed to the IP layer (consumed); otherwise the
 * reason it was not, and @skb still belongs to the caller.
 */
enum peer_relay_drop_reason prelay_xmit(struct prelay_sock *out, struct prelay_endpoint *ep,
				    struct prelay_bind *to, unsigned int bind_seq,
				    struct sk_buff *skb)
{
	bool ip6 = IS_ENABLED(CONFIG_IPV6) && to->remote.family == AF_INET6;
	struct sock *sk = out->sk;
	union prelay_ip saddr;
	struct dst_entry *dst;

	dst = prelay_route_out(out, ep, to, bind_seq, &saddr);
	if (!dst)
		return PEER_RELAY_DROP_NO_ROUTE;
	if (prelay_xmit_prepare(skb, LL_RESERVED_SPACE(dst->dev) + sizeof(struct udphdr) +
				(ip6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)))) {
		dst_release(dst);
		return PEER_RELAY_DROP_NOMEM;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (ip6) {
		udp_tunnel6_xmit_skb(dst, sk, skb, dst->dev, &saddr.ip6, &to->remote.ip6,
				     0, ip6_dst_hoplimit(dst), 0,
				     inet_sk(sk)->inet_sport, to->remote.port,
				     udp_get_no_check6_tx(sk));
		return PEER_RELAY_DROP_UNSPEC;
	}
#endif
	udp_tunnel_xmit_skb(container_of(dst, struct rtable, dst), sk, skb,
			    saddr.ip4, to->remote.ip4, 0, ip4_dst_hoplimit(dst), 0,
			    inet_sk(sk)->inet_sport, to->remote.port,
			    false, sk->sk_no_check_tx);
	return PEER_RELAY_DROP_UNSPEC;
}
