/* SPDX-License-Identifier: GPL-2.0-only */
/* Sending a received datagram, unchanged, to a bound endpoint. */
#ifndef _PR_TX_H
#define _PR_TX_H

#include <linux/skbuff.h>
#include <linux/peer_relay.h>

struct pr_sock;
struct pr_bind;

enum peer_relay_drop_reason pr_xmit(struct pr_sock *out, struct pr_bind *to,
				    struct sk_buff *skb);

#endif /* _PR_TX_H */
