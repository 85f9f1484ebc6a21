// SPDX-License-Identifier: GPL-2.0-only
/*
 * Egress: the UDP payload (Geneve header included) is sent byte for byte
 * from the egress socket's port to the endpoint, with a new UDP/IP header.
 * The route is looked up per datagram (the FIB keeps a per-CPU cache of
 * output routes per next hop, so this is a trie walk and no allocation);
 * the source address is the one the endpoint reached us on when known,
 * else the socket's bound address, else whatever routing picks.
 */
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "session.h"
#include "socket.h"
#include "tx.h"

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

static enum peer_relay_drop_reason prelay_xmit4(struct sock *sk,
					    struct prelay_bind *to,
					    struct sk_buff *skb)
{
	struct flowi4 fl4 = {
		.daddr = to->remote.ip4,
		.saddr = to->local.family ? to->local.ip4 : inet_sk(sk)->inet_saddr,
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_oif = sk->sk_bound_dev_if,
		.flowi4_mark = sk->sk_mark,
		.fl4_sport = inet_sk(sk)->inet_sport,
		.fl4_dport = to->remote.port,
	};
	struct net *net = sock_net(sk);
	struct rtable *rt;
	__be32 saddr;

	rt = ip_route_output_flow(net, &fl4, sk);
	if (IS_ERR(rt) && fl4.saddr) {
		/* The local address went away: let routing choose. */
		fl4.saddr = 0;
		rt = ip_route_output_flow(net, &fl4, sk);
	}
	if (IS_ERR(rt))
		return PEER_RELAY_DROP_NO_ROUTE;
	/*
	 * Never send to ourselves on the relay port (a loop), nor to a
	 * (directed) broadcast or multicast address, which an admin could
	 * have bound: a relay talks to one host per endpoint.
	 */
	if ((rt->rt_type == RTN_LOCAL && fl4.fl4_dport == fl4.fl4_sport) ||
	    rt->rt_type == RTN_BROADCAST || rt->rt_type == RTN_MULTICAST) {
		ip_rt_put(rt);
		return PEER_RELAY_DROP_NO_ROUTE;
	}
	saddr = fl4.saddr;

	if (prelay_xmit_prepare(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			    sizeof(struct iphdr) + sizeof(struct udphdr))) {
		ip_rt_put(rt);
		return PEER_RELAY_DROP_NOMEM;
	}
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, to->remote.ip4, 0,
			    ip4_dst_hoplimit(&rt->dst), 0,
			    inet_sk(sk)->inet_sport, to->remote.port,
			    false, sk->sk_no_check_tx);
	return PEER_RELAY_DROP_UNSPEC;
}

#if IS_ENABLED(CONFIG_IPV6)
static enum peer_relay_drop_reason prelay_xmit6(struct sock *sk,
					    struct prelay_bind *to,
					    struct sk_buff *skb)
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
	struct in6_addr saddr;

	dst = ipv6_stub->ipv6_dst_lookup_flow(net, sk, &fl6, NULL);
	if (IS_ERR(dst))
		return PEER_RELAY_DROP_NO_ROUTE;
	if ((dst->dev->flags & IFF_LOOPBACK) &&
	    fl6.fl6_dport == fl6.fl6_sport) {
		dst_release(dst);
		return PEER_RELAY_DROP_NO_ROUTE;
	}
	saddr = fl6.saddr;

	if (prelay_xmit_prepare(skb, LL_RESERVED_SPACE(dst->dev) +
			    sizeof(struct ipv6hdr) + sizeof(struct udphdr))) {
		dst_release(dst);
		return PEER_RELAY_DROP_NOMEM;
	}
	udp_tunnel6_xmit_skb(dst, sk, skb, dst->dev, &saddr, &to->remote.ip6,
			     0, ip6_dst_hoplimit(dst), 0,
			     inet_sk(sk)->inet_sport, to->remote.port,
			     udp_get_no_check6_tx(sk));
	return PEER_RELAY_DROP_UNSPEC;
}
#endif

/**
 * prelay_xmit() - send a received datagram to a bound endpoint
 * @out: egress socket, of the endpoint's family
 * @to: the endpoint's binding
 * @skb: the datagram, data at the received UDP header
 *
 * Context: softirq, rcu_read_lock() held.
 * Return: 0 when @skb was handed to the IP layer (consumed); otherwise the
 * reason it was not, and @skb still belongs to the caller.
 */
enum peer_relay_drop_reason prelay_xmit(struct prelay_sock *out, struct prelay_bind *to,
				    struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (to->remote.family == AF_INET6)
		return prelay_xmit6(out->sk, to, skb);
#endif
	return prelay_xmit4(out->sk, to, skb);
}
