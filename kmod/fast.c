// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-place fast path (Documentation/design.md, "Fast path"): netfilter
 * hooks take Geneve data datagrams of a known session from a bound source
 * before UDP local delivery, rewrite their IP and UDP headers in place
 * (incremental checksum update, the IP ID kept as forwarding does) and
 * send them with ip_local_out() / ip6_local_out(), so OUTPUT and
 * POSTROUTING still apply. The late hook sits at the end of LOCAL_IN; the
 * early one at the end of PRE_ROUTING, for datagrams whose local delivery
 * could not differ, saves the input route lookup and LOCAL_IN.
 *
 * The hooks only ever steal: everything they are not sure about (another
 * class, unknown VNI, not bound, bad source, another family, options or
 * extension headers, GSO, too big for the route, a checksum that does
 * not verify, no route) is accepted and goes on: from the early hook to
 * routing and the late one, from the late one the socket way through
 * encap_rcv (rx.c), which counts, drops or passes it up as before.
 *
 * Registered per namespace while at least one socket is attached.
 */
#include <linux/inetdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip_fib.h>
#include <net/ip6_checksum.h>
#include <net/ip6_fib.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/xfrm.h>

#include "fast.h"
#include "rx.h"
#include "socket.h"
#include "tx.h"

static bool prelay_fastpath = true;
module_param_named(fastpath, prelay_fastpath, bool, 0644);
MODULE_PARM_DESC(fastpath,
		 "take data datagrams at LOCAL_IN and rewrite them in place (default: on)");

/*
 * The attached socket a datagram to @port would be delivered to, when the
 * choice is the hook's to make. Sockets bound to a device take the socket
 * path (the UDP lookup's device rules stay its own); sockets sharing the
 * port (SO_REUSEPORT groups, as relayd opens) are the relay's, any of
 * them forwards alike.
 */
static struct prelay_sock *prelay_fast_sock(struct prelay_instance *inst,
					    const struct sk_buff *skb, u16 family,
					    __be16 port)
{
	struct prelay_sock *ps;

	list_for_each_entry_rcu(ps, &inst->socks, node) {
		const struct sock *sk = ps->sk;

		if (ps->family != family || prelay_sock_port(ps) != port)
			continue;
		if (READ_ONCE(sk->sk_bound_dev_if))
			return NULL;
		if (family == AF_INET ?
		    (!sk->sk_rcv_saddr || sk->sk_rcv_saddr == ip_hdr(skb)->daddr) :
		    (ipv6_addr_any(&sk->sk_v6_rcv_saddr) ||
		     ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &ipv6_hdr(skb)->daddr)))
			return ps;
	}
	return NULL;
}

/* Does the UDP checksum hold? As udp4/6_csum_init() and the core decide. */
static bool prelay_fast_csum_ok(struct sk_buff *skb, u16 family,
				unsigned int thoff, unsigned int ulen)
{
	__wsum sum;

	if (skb_csum_unnecessary(skb))
		return true;
	if (!udp_hdr(skb)->check)
		return family == AF_INET;	/* IPv6 forbids "no checksum" */
	sum = skb_checksum(skb, thoff, ulen, 0);
	if (family == AF_INET)
		return !csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					  ulen, IPPROTO_UDP, sum);
	return !csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
				ulen, IPPROTO_UDP, sum);
}

/* @d plus the change of one 32-bit word from @from to @to (RFC 1624). */
static __wsum prelay_csum_move(__wsum d, __be32 from, __be32 to)
{
	return csum_add(csum_sub(d, (__force __wsum)from), (__force __wsum)to);
}

/*
 * New addresses and ports, the UDP checksum updated for them by one
 * folded difference (RFC 1624). A CHECKSUM_PARTIAL skb (veth from a local
 * sender) holds the pseudo-header sum in the field, which the ports are
 * not part of; otherwise the field is the full checksum, or 0 (IPv4: none).
 */
static void prelay_fast_rewrite(struct sk_buff *skb, u16 family,
				const union prelay_ip *saddr, const struct prelay_addr *to)
{
	struct udphdr *uh = udp_hdr(skb);
	__wsum d = 0;
	int i;

	if (family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		d = prelay_csum_move(d, iph->saddr, saddr->ip4);
		d = prelay_csum_move(d, iph->daddr, to->ip4);
		iph->saddr = saddr->ip4;
		iph->daddr = to->ip4;	/* __ip_local_out() redoes the header checksum */
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		for (i = 0; i < 4; i++) {
			d = prelay_csum_move(d, ip6h->saddr.s6_addr32[i], saddr->ip6.s6_addr32[i]);
			d = prelay_csum_move(d, ip6h->daddr.s6_addr32[i], to->ip6.s6_addr32[i]);
		}
		ip6h->saddr = saddr->ip6;
		ip6h->daddr = to->ip6;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		uh->check = ~csum_fold(csum_add(csum_unfold(uh->check), d));
	} else {
		skb->ip_summed = CHECKSUM_NONE;	/* the field is right, or 0 */
		if (uh->check) {
			/* The relay port only moves within the sum. */
			d = prelay_csum_move(d, (__force __be32)uh->source,
					     (__force __be32)to->port);
			uh->check = csum_fold(csum_add(~csum_unfold(uh->check), d)) ?:
				    CSUM_MANGLED_0;
		}
	}
	/* From the relay port (the one it arrived on) to the endpoint's. */
	uh->source = uh->dest;
	uh->dest = to->port;
}

/*
 * Hand the rewritten datagram to the IP output path on @dst, a cached
 * route that stays valid for this RCU section: the stack references it
 * before queueing the skb.
 */
static void prelay_fast_send(struct net *net, struct sock *sk, struct sk_buff *skb,
			     u16 family, struct dst_entry *dst)
{
	skb_orphan(skb);
	skb_scrub_packet(skb, false);	/* input route, conntrack entry, skb_iif */
	skb_clear_tstamp(skb);		/* a receive time is no departure time */
	skb_dst_set_noref(skb, dst);
	if (family == AF_INET) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		ip_hdr(skb)->ttl = ip4_dst_hoplimit(dst);
		ip_local_out(net, sk, skb);
	} else {
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		ipv6_hdr(skb)->hop_limit = ip6_dst_hoplimit(dst);
		ip6_local_out(net, sk, skb);
	}
}

/*
 * Early (PRE_ROUTING): would local delivery treat @skb exactly as the fast
 * path does? Only if nothing but our own LOCAL_IN hook looks at local
 * traffic (no INPUT rule, no conntrack or NAT), no policy rule or custom
 * local route can make the input route anything but "local", the device
 * filters no reverse path and is neither loopback nor a VRF port. The
 * destination is checked later, for data of a known session only.
 */
static bool prelay_fast_early_ok(const struct sk_buff *skb, struct nf_hook_entries __rcu *in,
				 nf_hookfn *ours, bool custom_routing)
{
	const struct nf_hook_entries *e = rcu_dereference(in);

	return e && e->num_hook_entries == 1 && e->hooks[0].hook == ours &&
	       !custom_routing && !(skb->dev->flags & IFF_LOOPBACK) &&
	       !netif_is_l3_slave(skb->dev);
}

/* Early: is the destination one of this host's addresses (what routing says)? */
static bool prelay_fast_for_us(struct net *net, const struct sk_buff *skb, u16 family)
{
	if (family == AF_INET)
		return __ip_dev_find(net, ip_hdr(skb)->daddr, false);
	return ipv6_chk_addr(net, &ipv6_hdr(skb)->daddr, skb->dev, 0);
}

/*
 * The attached socket a UDP datagram to this host is for, if the fast path
 * may take it: cheap, as every UDP datagram the hooks see pays it.
 */
static __always_inline struct prelay_sock *prelay_fast_sock_of(struct prelay_instance *inst,
							       struct sk_buff *skb, u16 family)
{
	struct prelay_sock *ps;

	if (unlikely(skb_is_gso(skb)) ||
	    !pskb_may_pull(skb, skb_transport_offset(skb) + sizeof(struct udphdr)))
		return NULL;
	ps = prelay_fast_sock(inst, skb, family, udp_hdr(skb)->dest);
	return ps && (!skb->sk || skb->sk == ps->sk) ? ps : NULL;
}

/*
 * The family-independent part: @skb is a unicast UDP datagram for this
 * host (@early: if prelay_fast_for_us() says so) to the port of @ps, data
 * at the IP header, no options or extension headers.
 */
static noinline unsigned int prelay_fast_forward(struct prelay_instance *inst,
						 struct prelay_sock *ps,
						 struct sk_buff *skb, u16 family, bool early)
{
	unsigned int thoff = skb_transport_offset(skb);
	const struct prelay_route *r;
	struct prelay_flow f;
	unsigned int ulen;
	u32 vni;

	ulen = ntohs(udp_hdr(skb)->len);
	if (ulen != skb->len - thoff || ulen < sizeof(struct udphdr))
		return NF_ACCEPT;
	ulen -= sizeof(struct udphdr);	/* from here on: the payload */
	if (prelay_rx_classify(skb, thoff + sizeof(struct udphdr), ulen, &vni) !=
	    PRELAY_CLASS_DATA || prelay_rx_flow(inst, vni, skb, family, &f) ||
	    f.to.remote.family != family ||	/* the other family: rebuilt in tx.c */
	    (early && !prelay_fast_for_us(inst->net, skb, family)))
		return NF_ACCEPT;
	if (!prelay_fast_csum_ok(skb, family, thoff, ulen + sizeof(struct udphdr)) ||
	    !xfrm_policy_check(ps->sk, XFRM_POLICY_IN, skb, family))
		return NF_ACCEPT;	/* the socket path counts and drops it */

	/* Same family: the ingress socket is the egress one (protocol §3). */
	r = prelay_route_cached(ps, &f.s->ep[!f.from], &f.to, f.seq);
	/* Too big keeps the rebuild (no DF, fresh ID); a clone is copied. */
	if (!r || skb->len > dst_mtu(r->dst) ||
	    skb_ensure_writable(skb, thoff + sizeof(struct udphdr)))
		return NF_ACCEPT;
	this_cpu_inc(*ps->rx_packets);
	prelay_fast_rewrite(skb, family, &r->saddr, &f.to.remote);
	prelay_rx_account(inst, &f, family, ulen);
	prelay_fast_send(inst->net, ps->sk, skb, family, r->dst);
	return NF_STOLEN;
}

/*
 * Candidates of both IPv4 hooks: UDP, no options (IPv4 fragments are
 * reassembled before LOCAL_IN, still fragments in PRE_ROUTING: left to
 * routing then), the fast path on.
 */
static bool prelay_fast_ip4_udp(const struct iphdr *iph)
{
	return iph->protocol == IPPROTO_UDP && iph->ihl == 5 && !ip_is_fragment(iph) &&
	       READ_ONCE(prelay_fastpath);
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * Candidates of both IPv6 hooks: UDP right after the fixed header
 * (extension headers, fragments too, are the socket path's), unicast to
 * this host, the fast path on.
 */
static bool prelay_fast_ip6_udp(const struct sk_buff *skb)
{
	return ipv6_hdr(skb)->nexthdr == IPPROTO_UDP &&
	       skb_transport_offset(skb) == sizeof(struct ipv6hdr) &&
	       skb->pkt_type == PACKET_HOST && READ_ONCE(prelay_fastpath);
}
#endif

static unsigned int prelay_fast_hook4(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct rtable *rt = skb_rtable(skb);
	struct prelay_sock *ps;

	/* Broadcasts stay UDP's. */
	if (!prelay_fast_ip4_udp(iph) || !rt || rt->rt_type != RTN_LOCAL)
		return NF_ACCEPT;
	ps = prelay_fast_sock_of(priv, skb, AF_INET);
	return ps ? prelay_fast_forward(priv, ps, skb, AF_INET, false) : NF_ACCEPT;
}

#if IS_ENABLED(CONFIG_IPV6)
static unsigned int prelay_fast_hook6(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct prelay_sock *ps;

	if (!prelay_fast_ip6_udp(skb))
		return NF_ACCEPT;
	ps = prelay_fast_sock_of(priv, skb, AF_INET6);
	return ps ? prelay_fast_forward(priv, ps, skb, AF_INET6, false) : NF_ACCEPT;
}
#endif

/*
 * First in line for datagrams to this host, last in PRE_ROUTING: when
 * local delivery could not differ (prelay_fast_early_ok()), the input
 * route lookup and LOCAL_IN are skipped as well. Routing's own martian
 * source checks are repeated here; IPv6 made them before PRE_ROUTING.
 */
static unsigned int prelay_fast_pre4(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct in_device *idev;
	struct prelay_sock *ps;

	if (!prelay_fast_ip4_udp(iph) || skb->pkt_type != PACKET_HOST ||
	    !prelay_fast_early_ok(skb, state->net->nf.hooks_ipv4[NF_INET_LOCAL_IN],
				  prelay_fast_hook4,
				  fib4_has_custom_rules(state->net) ||
				  state->net->ipv4.fib_has_custom_local_routes))
		return NF_ACCEPT;
	idev = __in_dev_get_rcu(skb->dev);
	if (!idev || IN_DEV_RPFILTER(idev))
		return NF_ACCEPT;
	ps = prelay_fast_sock_of(priv, skb, AF_INET);
	if (!ps)
		return NF_ACCEPT;
	iph = ip_hdr(skb);	/* the pull may have moved it */
	if (ipv4_is_multicast(iph->saddr) || ipv4_is_lbcast(iph->saddr) ||
	    ipv4_is_zeronet(iph->saddr) || ipv4_is_loopback(iph->saddr) ||
	    ipv4_is_loopback(iph->daddr))
		return NF_ACCEPT;
	return prelay_fast_forward(priv, ps, skb, AF_INET, true);
}

#if IS_ENABLED(CONFIG_IPV6)
static unsigned int prelay_fast_pre6(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct prelay_sock *ps;

	if (!prelay_fast_ip6_udp(skb) ||
	    !prelay_fast_early_ok(skb, state->net->nf.hooks_ipv6[NF_INET_LOCAL_IN],
				  prelay_fast_hook6, fib6_has_custom_rules(state->net)))
		return NF_ACCEPT;
	ps = prelay_fast_sock_of(priv, skb, AF_INET6);
	return ps ? prelay_fast_forward(priv, ps, skb, AF_INET6, true) : NF_ACCEPT;
}
#endif

/*
 * Last in LOCAL_IN: after the admin's INPUT rules (the socket path obeys
 * them too) and the input route lookup. Last in PRE_ROUTING: after the
 * admin's PREROUTING rules, when nothing else would look at the datagram
 * before the socket. The LOCAL_IN hooks come first: registered (and
 * unregistered) in this order, an early hook never finds a LOCAL_IN
 * that is not its own as the only one.
 */
#define PRELAY_FAST_HOOK(fn, family, point, prio) \
	{ .hook = fn, .pf = family, .hooknum = point, .priority = prio }

static const struct nf_hook_ops prelay_fast_hooks[] = {
	PRELAY_FAST_HOOK(prelay_fast_hook4, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_LAST),
#if IS_ENABLED(CONFIG_IPV6)
	PRELAY_FAST_HOOK(prelay_fast_hook6, NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_LAST),
#endif
	PRELAY_FAST_HOOK(prelay_fast_pre4, NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_LAST),
#if IS_ENABLED(CONFIG_IPV6)
	PRELAY_FAST_HOOK(prelay_fast_pre6, NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_IP6_PRI_LAST),
#endif
};

/**
 * prelay_fast_start() - register the hooks in the instance's namespace
 * @inst: relay instance, getting its first attached socket
 *
 * Best effort: without the hooks every datagram takes the socket path.
 *
 * Context: inst->lock held.
 */
void prelay_fast_start(struct prelay_instance *inst)
{
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(prelay_fast_hooks) > ARRAY_SIZE(inst->fast_ops));
	lockdep_assert_held(&inst->lock);
	if (inst->fast_on)
		return;
	for (i = 0; i < ARRAY_SIZE(prelay_fast_hooks); i++) {
		inst->fast_ops[i] = prelay_fast_hooks[i];
		inst->fast_ops[i].priv = inst;
	}
	inst->fast_on = !nf_register_net_hooks(inst->net, inst->fast_ops,
					       ARRAY_SIZE(prelay_fast_hooks));
}

/**
 * prelay_fast_stop() - unregister the hooks of the instance's namespace
 * @inst: relay instance, losing its last attached socket
 *
 * Context: inst->lock held; may sleep (waits for running hooks).
 */
void prelay_fast_stop(struct prelay_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	if (!inst->fast_on)
		return;
	nf_unregister_net_hooks(inst->net, inst->fast_ops, ARRAY_SIZE(prelay_fast_hooks));
	inst->fast_on = false;
}
