/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UDP sockets handed over by userspace: attach (install encap_rcv), detach
 * (restore the socket), and the egress socket choice of the fast path.
 */
#ifndef _PR_SOCKET_H
#define _PR_SOCKET_H

#include <linux/list.h>
#include <net/sock.h>

#include "instance.h"

/**
 * struct prelay_sock - an attached UDP socket
 * @node: link in inst->socks (RCU)
 * @inst: owning instance
 * @sk: the socket, referenced with sock_hold()
 * @id: identifier reported over netlink
 * @family: AF_INET or AF_INET6 (IPv6 sockets are IPV6_V6ONLY)
 * @rx_packets: per-CPU count of datagrams seen by encap_rcv
 * @rcu: deferred release
 */
struct prelay_sock {
	struct list_head node;
	struct prelay_instance *inst;
	struct sock *sk;
	u32 id;
	u16 family;
	u64 __percpu *rx_packets;
	struct rcu_head rcu;
};

struct prelay_sock *prelay_sock_attach(struct prelay_instance *inst, struct socket *sock,
			       struct netlink_ext_ack *extack);
void prelay_sock_detach(struct prelay_instance *inst, struct prelay_sock *ps,
		    enum peer_relay_sock_del_reason reason);
struct prelay_sock *prelay_sock_by_id(struct prelay_instance *inst, u32 id);
struct prelay_sock *prelay_sock_egress(struct prelay_instance *inst,
			       struct prelay_sock *ingress, u16 family);
u64 prelay_sock_rx_packets(const struct prelay_sock *ps);

/* The UDP port a socket is bound to, network byte order. */
static inline __be16 prelay_sock_port(const struct prelay_sock *ps)
{
	return inet_sk(ps->sk)->inet_sport;
}

#endif /* _PR_SOCKET_H */
