/* SPDX-License-Identifier: GPL-2.0-only */
/* Sending a received datagram, unchanged, to a bound endpoint. */
#ifndef _PR_TX_H
#define _PR_TX_H

#include <linux/skbuff.h>
#include <linux/peer_relay.h>

struct prelay_sock;
struct prelay_bind;
struct prelay_endpoint;
struct prelay_route;

enum peer_relay_drop_reason prelay_xmit(struct prelay_sock *out, struct prelay_endpoint *ep,
				    struct prelay_bind *to, unsigned int bind_seq,
				    struct sk_buff *skb);
void prelay_route_free(struct prelay_route *r);

#endif /* _PR_TX_H */
