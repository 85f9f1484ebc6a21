// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attaching userspace UDP sockets (the ovpn/GTP pattern): userspace creates
 * and binds the socket and passes its fd; we install encap_rcv and keep a
 * sock reference, never a file reference, so the socket's life stays with
 * userspace. When userspace closes it, encap_destroy detaches it.
 *
 * Lock order: inst->lock, then lock_sock(). encap_destroy is called by the
 * UDP core without the socket lock, so it may take inst->lock.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "fast.h"
#include "notify.h"
#include "rx.h"
#include "socket.h"

/* Private encap_type; the kernel's own values are 1..8. */
#define PRELAY_UDP_ENCAP_TYPE	0x70

static void prelay_sock_free_rcu(struct rcu_head *head)
{
	struct prelay_sock *ps = container_of(head, struct prelay_sock, rcu);

	sock_put(ps->sk);
	free_percpu(ps->rx_packets);
	kfree(ps);
}

static void prelay_encap_destroy(struct sock *sk)
{
	struct prelay_instance *inst = NULL;
	struct prelay_sock *ps;

	rcu_read_lock();
	ps = rcu_dereference_sk_user_data(sk);
	if (ps)
		inst = ps->inst;
	rcu_read_unlock();
	if (!inst)
		return;

	/*
	 * The open socket pinned the namespace, so @inst is alive; @ps may
	 * have been detached meanwhile, so look it up again under the lock.
	 */
	mutex_lock(&inst->lock);
	list_for_each_entry(ps, &inst->socks, node) {
		if (ps->sk == sk) {
			prelay_sock_detach(inst, ps, PEER_RELAY_SOCK_DEL_CLOSED);
			break;
		}
	}
	mutex_unlock(&inst->lock);
}

static int prelay_sock_check(struct prelay_instance *inst, struct sock *sk,
			 struct netlink_ext_ack *extack)
{
	if (sk->sk_protocol != IPPROTO_UDP || sk->sk_type != SOCK_DGRAM ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_MOD(extack, "not an IPv4 or IPv6 UDP socket");
		return -EINVAL;
	}
	if (!net_eq(sock_net(sk), inst->net)) {
		NL_SET_ERR_MSG_MOD(extack, "socket belongs to another network namespace");
		return -EINVAL;
	}
	if (sk->sk_family == AF_INET6 && !sk->sk_ipv6only) {
		NL_SET_ERR_MSG_MOD(extack, "IPv6 socket must set IPV6_V6ONLY");
		return -EINVAL;
	}
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG_MOD(extack, "socket is not bound to a port");
		return -EINVAL;
	}
	return 0;
}

/* Undo setup_udp_tunnel_sock(); the core has no helper for it (6.1). */
static void prelay_sock_unhook(struct prelay_sock *ps)
{
	struct sock *sk = ps->sk;
	struct udp_sock *up = udp_sk(sk);

	lock_sock(sk);
	if (rcu_access_pointer(__sk_user_data(sk)) == ps) {
		WRITE_ONCE(up->encap_type, 0);
		WRITE_ONCE(up->encap_rcv, NULL);
		WRITE_ONCE(up->encap_destroy, NULL);
		rcu_assign_sk_user_data(sk, NULL);
		inet_dec_convert_csum(sk);
		inet_sk(sk)->mc_loop = 1;
	}
	release_sock(sk);
}

/**
 * prelay_sock_attach() - take over a bound UDP socket
 * @inst: relay instance of the caller's namespace
 * @sock: the socket (the caller holds a file reference)
 * @extack: error reporting
 *
 * Context: inst->lock held.
 * Return: the attached socket or an ERR_PTR().
 */
struct prelay_sock *prelay_sock_attach(struct prelay_instance *inst, struct socket *sock,
			       struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {
		.encap_type = PRELAY_UDP_ENCAP_TYPE,
		.encap_rcv = prelay_encap_rcv,
		.encap_destroy = prelay_encap_destroy,
	};
	struct sock *sk = sock->sk;
	struct prelay_sock *ps;
	int err;

	lockdep_assert_held(&inst->lock);
	err = prelay_sock_check(inst, sk, extack);
	if (err)
		return ERR_PTR(err);

	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return ERR_PTR(-ENOMEM);
	ps->rx_packets = alloc_percpu(u64);
	if (!ps->rx_packets) {
		kfree(ps);
		return ERR_PTR(-ENOMEM);
	}
	ps->inst = inst;
	ps->sk = sk;
	ps->family = sk->sk_family;
	cfg.sk_user_data = ps;

	lock_sock(sk);
	if (sock_flag(sk, SOCK_DEAD) || udp_sk(sk)->encap_type ||
	    rcu_access_pointer(__sk_user_data(sk))) {
		release_sock(sk);
		free_percpu(ps->rx_packets);
		kfree(ps);
		NL_SET_ERR_MSG_MOD(extack, "socket is already used by an encapsulation");
		return ERR_PTR(-EBUSY);
	}
	sock_hold(sk);
	setup_udp_tunnel_sock(inst->net, sock, &cfg);
	release_sock(sk);

	ps->id = ++inst->sock_next_id;
	list_add_tail_rcu(&ps->node, &inst->socks);
	WRITE_ONCE(inst->n_socks, inst->n_socks + 1);
	prelay_fast_start(inst);
	return ps;
}

/**
 * prelay_sock_detach() - give a socket back to plain UDP and forget it
 * @inst: relay instance
 * @ps: the attached socket
 * @reason: reported in the SOCK_DEL notification
 *
 * Readers that found @ps before it was unlinked may still use it until
 * the end of their RCU section; it is freed after a grace period.
 *
 * Context: inst->lock held.
 */
void prelay_sock_detach(struct prelay_instance *inst, struct prelay_sock *ps,
		    enum peer_relay_sock_del_reason reason)
{
	lockdep_assert_held(&inst->lock);

	list_del_rcu(&ps->node);
	WRITE_ONCE(inst->n_socks, inst->n_socks - 1);
	if (!inst->n_socks)
		prelay_fast_stop(inst);
	prelay_sock_unhook(ps);
	prelay_notify_sock_del(inst, ps, reason);
	call_rcu(&ps->rcu, prelay_sock_free_rcu);
}

/**
 * prelay_sock_by_id() - find an attached socket by id
 * @inst: relay instance
 * @id: socket id
 *
 * Context: inst->lock or rcu_read_lock() held.
 * Return: the socket or NULL.
 */
struct prelay_sock *prelay_sock_by_id(struct prelay_instance *inst, u32 id)
{
	struct prelay_sock *ps;

	list_for_each_entry_rcu(ps, &inst->socks, node,
				lockdep_is_held(&inst->lock))
		if (ps->id == id)
			return ps;
	return NULL;
}

/**
 * prelay_sock_egress() - pick the socket to send towards a given family
 * @inst: relay instance
 * @ingress: socket the datagram arrived on
 * @family: family of the destination
 *
 * The ingress socket when the family matches (protocol §3), otherwise an
 * attached socket of the other family, preferring one on the same port.
 *
 * Context: rcu_read_lock() held.
 * Return: the socket or NULL if none of @family is attached.
 */
struct prelay_sock *prelay_sock_egress(struct prelay_instance *inst,
			       struct prelay_sock *ingress, u16 family)
{
	struct prelay_sock *ps, *any = NULL;

	if (ingress->family == family)
		return ingress;
	list_for_each_entry_rcu(ps, &inst->socks, node) {
		if (ps->family != family)
			continue;
		if (prelay_sock_port(ps) == prelay_sock_port(ingress))
			return ps;
		if (!any)
			any = ps;
	}
	return any;
}

/**
 * prelay_sock_rx_packets() - datagrams seen on a socket, summed over CPUs
 * @ps: attached socket
 *
 * Return: the count.
 */
u64 prelay_sock_rx_packets(const struct prelay_sock *ps)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(ps->rx_packets, cpu));
	return sum;
}
