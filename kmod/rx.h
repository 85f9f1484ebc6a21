/* SPDX-License-Identifier: GPL-2.0-only */
/* Receive hook of attached sockets: classify, look up, forward or pass up. */
#ifndef _PR_RX_H
#define _PR_RX_H

#include <linux/skbuff.h>
#include <net/sock.h>

int prelay_encap_rcv(struct sock *sk, struct sk_buff *skb);

#endif /* _PR_RX_H */
