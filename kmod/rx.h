/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Receive side: the encap_rcv hook of attached sockets (classify, look up,
 * forward or pass up) and the steps it shares with the netfilter fast
 * path (fast.c).
 */
#ifndef _PR_RX_H
#define _PR_RX_H

#include <linux/skbuff.h>
#include <linux/peer_relay.h>
#include <net/sock.h>
#include <peer_relay/classify.h>

#include "session.h"

struct prelay_instance;

/**
 * struct prelay_flow - where a data datagram of a session goes
 * @s: the session
 * @to: binding of the endpoint it goes to
 * @seq: the session's bind sequence @to was read at
 * @from: index of the endpoint that sent it
 */
struct prelay_flow {
	struct prelay_session *s;
	struct prelay_bind to;
	unsigned int seq;
	int from;
};

int prelay_encap_rcv(struct sock *sk, struct sk_buff *skb);

/**
 * prelay_rx_classify() - classify a received UDP payload
 * @skb: the datagram
 * @off: offset of the UDP payload from skb->data
 * @len: length of the UDP payload
 * @vni: set for Geneve datagrams
 *
 * Inline: every datagram on both receive paths goes through it.
 *
 * Return: the class; PRELAY_CLASS_SHORT also when the header cannot be read.
 */
static inline enum prelay_class prelay_rx_classify(const struct sk_buff *skb,
						   unsigned int off, unsigned int len,
						   u32 *vni)
{
	u8 head[PRELAY_CLASSIFY_HLEN];
	const u8 *data;

	data = skb_header_pointer(skb, off, min_t(unsigned int, len, PRELAY_CLASSIFY_HLEN),
				  head);
	return data ? prelay_classify(data, len, vni) : PRELAY_CLASS_SHORT;
}

enum peer_relay_drop_reason prelay_rx_flow(struct prelay_instance *inst, u32 vni,
					   const struct sk_buff *skb, u16 family,
					   struct prelay_flow *f);
void prelay_rx_account(struct prelay_instance *inst, const struct prelay_flow *f,
		       u16 family, unsigned int len);

#endif /* _PR_RX_H */
