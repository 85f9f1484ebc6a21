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

/* Which endpoint of a session sent @skb, both being bound (under bind_seq). */
static enum peer_relay_drop_reason prelay_rx_sender(const struct prelay_endpoint ep[2],
						    const struct sk_buff *skb, u16 family,
						    int *from)
{
	if (!ep[0].bind.remote.family || !ep[1].bind.remote.family)
		return PEER_RELAY_DROP_NOT_BOUND;
	for (*from = 0; *from < 2; (*from)++) {
		if (prelay_addr_is_skb_source(&ep[*from].bind.remote, skb, family))
			return PEER_RELAY_DROP_UNSPEC;
	}
	return PEER_RELAY_DROP_BAD_SOURCE;
}

/**
 * prelay_rx_flow() - the session and direction of a data datagram
 * @inst: relay instance
 * @vni: the datagram's VNI
 * @skb: the datagram (IP and UDP headers set)
 * @family: its family
 * @f: set to the session, the sending endpoint, the other endpoint's
 *	binding as of the same instant and the bind sequence of that instant
 *
 * Context: rcu_read_lock() held; @f->s is valid until it is dropped.
 * Return: 0, or the reason the datagram must not be forwarded.
 */
enum peer_relay_drop_reason prelay_rx_flow(struct prelay_instance *inst, u32 vni,
					   const struct sk_buff *skb, u16 family,
					   struct prelay_flow *f)
{
	const struct prelay_endpoint *ep;
	enum peer_relay_drop_reason reason;

	f->s = prelay_session_lookup(inst, vni);
	if (!f->s)
		return PEER_RELAY_DROP_UNKNOWN_VNI;
	ep = f->s->ep;
	/* Only the other side's binding is copied: one rebind is atomic. */
	do {
		f->seq = read_seqcount_begin(&f->s->bind_seq);
		reason = prelay_rx_sender(ep, skb, family, &f->from);
		if (!reason)
			f->to = ep[!f->from].bind;
	} while (read_seqcount_retry(&f->s->bind_seq, f->seq));
	return reason;
}

/**
 * prelay_rx_account() - count a forwarded datagram
 * @inst: relay instance
 * @f: its flow, from prelay_rx_flow()
 * @family: the family it arrived with
 * @len: its UDP payload length
 *
 * Context: softirq.
 */
void prelay_rx_account(struct prelay_instance *inst, const struct prelay_flow *f,
		       u16 family, unsigned int len)
{
	struct prelay_endpoint *ep = &f->s->ep[f->from];
	unsigned long now = jiffies;

	/* Written only when it changes: no cache line bouncing per packet. */
	if (READ_ONCE(ep->last_seen) != now)
		WRITE_ONCE(ep->last_seen, now);
	atomic64_inc(&ep->packets);
	atomic64_add(len, &ep->bytes);
	prelay_stats_forwarded(inst, prelay_af_pair(family, f->to.remote.family), len);
}

/* Forward a data datagram of a known session, or say why not. */
static enum peer_relay_drop_reason prelay_rx_data(struct prelay_sock *ps, u32 vni,
						  struct sk_buff *skb, unsigned int len)
{
	struct prelay_instance *inst = ps->inst;
	u16 family = prelay_skb_family(skb);
	enum peer_relay_drop_reason reason;
	struct prelay_sock *out;
	struct prelay_flow f;

	reason = prelay_rx_flow(inst, vni, skb, family, &f);
	if (reason)
		return reason;
	out = prelay_sock_egress(inst, ps, f.to.remote.family);
	if (!out)
		return PEER_RELAY_DROP_NO_SOCKET;
	reason = prelay_xmit(out, &f.s->ep[!f.from], &f.to, f.seq, skb);
	if (reason)
		return reason;
	prelay_rx_account(inst, &f, family, len);
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
	unsigned int len = skb->len - sizeof(struct udphdr);
	enum peer_relay_drop_reason reason;
	u32 vni = 0;

	this_cpu_inc(*ps->rx_packets);
	switch (prelay_rx_classify(skb, sizeof(struct udphdr), len, &vni)) {
	case PRELAY_CLASS_STUN:
		return prelay_rx_pass(inst, skb, PEER_RELAY_PASS_STUN);
	case PRELAY_CLASS_NOT_GENEVE:
		return prelay_rx_pass(inst, skb, PEER_RELAY_PASS_NOT_GENEVE);
	case PRELAY_CLASS_SHORT:
		reason = PEER_RELAY_DROP_SHORT;
		break;
	case PRELAY_CLASS_CONTROL:
		/* Never answer for unknown VNIs: spare userspace the work. */
		if (prelay_session_lookup(inst, vni))
			return prelay_rx_pass(inst, skb, PEER_RELAY_PASS_CONTROL);
		reason = PEER_RELAY_DROP_UNKNOWN_VNI;
		break;
	case PRELAY_CLASS_DATA:
	default:
		reason = prelay_rx_data(ps, vni, skb, len);
		if (!reason)
			return 0;
		break;
	}
	prelay_stats_drop(inst, reason);
	kfree_skb(skb);
	return 0;
}

/* Is @skb (data at the UDP header) a Geneve data datagram? */
static bool prelay_rx_is_data(const struct sk_buff *skb)
{
	u32 vni;

	return prelay_rx_classify(skb, sizeof(struct udphdr),
				  skb->len - sizeof(struct udphdr), &vni) == PRELAY_CLASS_DATA;
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
