// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fast path (protocol §3), in softirq under the RCU read lock the UDP
 * stack holds: no lock, no allocation. skb->data points at the UDP header,
 * whose checksum the core has already verified.
 *
 * Return convention of encap_rcv: 0 = consumed (forwarded or dropped),
 * >0 = deliver to the socket so userspace sees it.
 */
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/udp.h>
#include <net/udp.h>
#include <peer_relay/classify.h>

#include "ratelimit.h"
#include "rx.h"
#include "session.h"
#include "socket.h"
#include "stats.h"
#include "tx.h"

/*
 * Which endpoint of @s sent @skb: 0, 1, or a drop reason (negated). The
 * other endpoint's binding, as of the same instant, is copied to @to, the
 * bind sequence of that instant to @seq.
 */
static int prelay_rx_source(struct prelay_session *s, const struct sk_buff *skb,
			u16 family, struct prelay_bind *to, unsigned int *seq)
{
	struct prelay_bind b[2];

	*seq = prelay_session_binds(s, b);
	if (!b[0].remote.family || !b[1].remote.family)
		return -PEER_RELAY_DROP_NOT_BOUND;
	if (prelay_addr_is_skb_source(&b[0].remote, skb, family)) {
		*to = b[1];
		return 0;
	}
	if (prelay_addr_is_skb_source(&b[1].remote, skb, family)) {
		*to = b[0];
		return 1;
	}
	return -PEER_RELAY_DROP_BAD_SOURCE;
}

static void prelay_endpoint_account(struct prelay_endpoint *ep, unsigned int len)
{
	unsigned long now = jiffies;

	/* Written only when it changes: no cache line bouncing per packet. */
	if (READ_ONCE(ep->last_seen) != now)
		WRITE_ONCE(ep->last_seen, now);
	atomic64_inc(&ep->packets);
	atomic64_add(len, &ep->bytes);
}

/* Forward a data datagram of a known session, or say why not. */
static enum peer_relay_drop_reason prelay_rx_data(struct prelay_sock *ps,
					      struct prelay_session *s,
					      struct sk_buff *skb,
					      unsigned int len)
{
	struct prelay_instance *inst = ps->inst;
	u16 family = prelay_skb_family(skb);
	struct prelay_sock *out;
	struct prelay_bind to;
	enum peer_relay_drop_reason reason;
	unsigned int seq;
	int from;

	from = prelay_rx_source(s, skb, family, &to, &seq);
	if (from < 0)
		return -from;

	out = prelay_sock_egress(inst, ps, to.remote.family);
	if (!out)
		return PEER_RELAY_DROP_NO_SOCKET;

	reason = prelay_xmit(out, &s->ep[!from], &to, seq, skb);
	if (reason)
		return reason;
	prelay_endpoint_account(&s->ep[from], len);
	prelay_stats_forwarded(inst, prelay_af_pair(family, to.remote.family), len);
	return PEER_RELAY_DROP_UNSPEC;
}

/* Let a datagram through to the socket if its source is within its rate. */
static int prelay_rx_pass(struct prelay_instance *inst, struct sk_buff *skb,
		      enum peer_relay_pass_reason why)
{
	struct prelay_ratelimit *rl = rcu_dereference(inst->ratelimit);
	enum peer_relay_drop_reason over;

	over = rl ? prelay_ratelimit_check(rl, skb) : PEER_RELAY_DROP_UNSPEC;
	if (over) {
		prelay_stats_drop(inst, over);
		kfree_skb(skb);
		return 0;
	}
	prelay_stats_pass(inst, why);
	return 1;
}

/* One datagram: forward, drop, or return 1 to hand it to the socket. */
static int prelay_rx_one(struct prelay_sock *ps, struct sk_buff *skb)
{
	struct prelay_instance *inst = ps->inst;
	u8 head[PRELAY_CLASSIFY_HLEN];
	enum peer_relay_drop_reason reason;
	struct prelay_session *s;
	unsigned int len;
	const u8 *data;
	u32 vni = 0;

	this_cpu_inc(*ps->rx_packets);
	len = skb->len - sizeof(struct udphdr);
	data = skb_header_pointer(skb, sizeof(struct udphdr),
				  min_t(unsigned int, len, PRELAY_CLASSIFY_HLEN), head);
	if (unlikely(!data)) {
		reason = PEER_RELAY_DROP_SHORT;
		goto drop;
	}

	switch (prelay_classify(data, len, &vni)) {
	case PRELAY_CLASS_STUN:
		return prelay_rx_pass(inst, skb, PEER_RELAY_PASS_STUN);
	case PRELAY_CLASS_NOT_GENEVE:
		return prelay_rx_pass(inst, skb, PEER_RELAY_PASS_NOT_GENEVE);
	case PRELAY_CLASS_SHORT:
		reason = PEER_RELAY_DROP_SHORT;
		goto drop;
	case PRELAY_CLASS_CONTROL:
		/* Never answer for unknown VNIs: spare userspace the work. */
		if (!prelay_session_lookup(inst, vni)) {
			reason = PEER_RELAY_DROP_UNKNOWN_VNI;
			goto drop;
		}
		return prelay_rx_pass(inst, skb, PEER_RELAY_PASS_CONTROL);
	case PRELAY_CLASS_DATA:
		break;
	}

	s = prelay_session_lookup(inst, vni);
	if (!s) {
		reason = PEER_RELAY_DROP_UNKNOWN_VNI;
		goto drop;
	}
	reason = prelay_rx_data(ps, s, skb, len);
	if (!reason)
		return 0;
drop:
	prelay_stats_drop(inst, reason);
	kfree_skb(skb);
	return 0;
}

/* Is @skb (data at the UDP header) a Geneve data datagram? */
static bool prelay_rx_is_data(const struct sk_buff *skb)
{
	unsigned int len = skb->len - sizeof(struct udphdr);
	u8 head[PRELAY_CLASSIFY_HLEN];
	const u8 *data;
	u32 vni;

	data = skb_header_pointer(skb, sizeof(struct udphdr),
				  min_t(unsigned int, len, PRELAY_CLASSIFY_HLEN), head);
	return data && prelay_classify(data, len, &vni) == PRELAY_CLASS_DATA;
}

/*
 * A UDP GRO super-datagram. The stack builds them for a socket only when
 * userspace set UDP_GRO on it (relayd does not; nothing stops another
 * owner of the fd). Cut it into its datagrams, as udp_queue_rcv_skb()
 * does for sockets that cannot take them: data datagrams take the fast
 * path; every other one goes through the stack again, now a plain
 * datagram, and comes back here to be classified, counted and queued to
 * the socket the usual way (IP_PKTINFO and all). Segments share the
 * flow, so this is rare and never on the hot path.
 */
static int prelay_rx_gso(struct sock *sk, struct prelay_sock *ps, struct sk_buff *skb)
{
	bool ipv4 = prelay_skb_family(skb) == AF_INET;
	struct sk_buff *segs, *seg, *next;

	__skb_push(skb, -skb_mac_offset(skb));
	segs = udp_rcv_segment(sk, skb, ipv4);	/* frees @skb */
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		__skb_pull(seg, skb_transport_offset(seg));
		udp_post_segment_fix_csum(seg);
		if (prelay_rx_is_data(seg) && !prelay_rx_one(ps, seg))
			continue;
		__skb_push(seg, -skb_network_offset(seg));
		netif_rx(seg);
	}
	return 0;
}

/**
 * prelay_encap_rcv() - encap_rcv hook of attached sockets
 * @sk: the UDP socket
 * @skb: the datagram, data at the UDP header
 *
 * Context: softirq, rcu_read_lock() held by the UDP stack.
 * Return: 0 if consumed, 1 to hand the datagram to the socket.
 */
int prelay_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct prelay_sock *ps = rcu_dereference_sk_user_data(sk);

	if (unlikely(!ps))
		return 1;	/* being detached */
	/*
	 * When the UDP stack cut a GSO packet for us (socket without
	 * UDP_GRO), each segment still points at the next one; the xmit path
	 * would take that for a list to send and send the rest twice.
	 */
	skb_mark_not_on_list(skb);
	if (unlikely(skb_is_gso(skb)))
		return prelay_rx_gso(sk, ps, skb);
	return prelay_rx_one(ps, skb);
}
