/* SPDX-License-Identifier: GPL-2.0-only */
/* Sending a received datagram, unchanged, to a bound endpoint. */
#ifndef _PR_TX_H
#define _PR_TX_H

#include <linux/skbuff.h>
#include <linux/in6.h>
#include <linux/peer_relay.h>
#include <linux/rcupdate.h>
#include <net/dst.h>

/* A source address as the route cache keeps it (family known elsewhere). */
union prelay_ip {
	__be32 ip4;
	struct in6_addr ip6;
};

struct prelay_sock;
struct prelay_bind;
struct prelay_endpoint;

/**
 * struct prelay_route - an endpoint's cached output route
 * @bind_seq: the session's bind sequence it was made at (any rebind of
 *	the session changes it)
 * @sock_id: egress socket it was made for
 * @mark: that socket's mark then
 * @oif: that socket's bound device then
 * @cookie: IPv6 route cookie for dst_check() (0 for IPv4)
 * @dst: the route; the entry holds a reference
 * @saddr: the source address to send from
 * @rcu: deferred free
 */
struct prelay_route {
	u32 bind_seq;
	u32 sock_id;
	u32 mark;
	int oif;
	u32 cookie;
	struct dst_entry *dst;
	union prelay_ip saddr;
	struct rcu_head rcu;
};

enum peer_relay_drop_reason prelay_xmit(struct prelay_sock *out, struct prelay_endpoint *ep,
				    struct prelay_bind *to, unsigned int bind_seq,
				    struct sk_buff *skb);
void prelay_route_free(struct prelay_route *r);
const struct prelay_route *prelay_route_cached(struct prelay_sock *out,
					       struct prelay_endpoint *ep,
					       struct prelay_bind *to, unsigned int bind_seq);

#endif /* _PR_TX_H */
