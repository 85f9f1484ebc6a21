/* SPDX-License-Identifier: GPL-2.0-only */
/* Sending a received datagram, unchanged, to a bound endpoint. */
#ifndef _PR_TX_H
#define _PR_TX_H

#include <linux/skbuff.h>
#include <linux/in6.h>
#include <linux/peer_relay.h>
#include <net/dst.h>

/* A source address as the route cache keeps it (family known elsewhere). */
union prelay_ip {
	__be32 ip4;
	struct in6_addr ip6;
};

struct prelay_sock;
struct prelay_bind;
struct prelay_endpoint;
struct prelay_route;

enum peer_relay_drop_reason prelay_xmit(struct prelay_sock *out, struct prelay_endpoint *ep,
				    struct prelay_bind *to, unsigned int bind_seq,
				    struct sk_buff *skb);
void prelay_route_free(struct prelay_route *r);
struct dst_entry *prelay_route_out(struct prelay_sock *out, struct prelay_endpoint *ep,
				   struct prelay_bind *to, unsigned int bind_seq,
				   union prelay_ip *saddr);

#endif /* _PR_TX_H */
