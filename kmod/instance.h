/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per network namespace relay instance: the session table, the attached
 * sockets, the configuration and the counters of one netns.
 */
#ifndef _PR_INSTANCE_H
#define _PR_INSTANCE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/peer_relay.h>

#include "addr.h"

struct prelay_pcpu_stats;
struct prelay_ratelimit;

/**
 * struct prelay_config - tunables of one instance, changed by CONFIG_SET
 * @bind_lifetime_ms: how long a session may stay not bound by both sides
 * @idle_lifetime_ms: how long either side of an open session may be silent
 * @max_sessions: upper bound of the session count
 * @has_server_key: @server_key was set
 * @server_key: the relay's disco public key, opaque to the kernel
 * @n_static_eps: number of valid entries in @static_eps
 * @static_eps: addresses advertised to clients before discovered ones
 * @pass_rate: datagrams/s per source passed to userspace, 0: unlimited
 * @pass_burst: burst allowed by @pass_rate
 * @pass_rate_total: datagrams/s passed to userspace from all sources
 *	together (burst: one second's worth), 0: unlimited
 * @vni_min: first VNI the kernel picks for a session without an explicit one
 * @vni_max: last such VNI (two relays that replicate to each other use
 *	disjoint ranges, so sessions created during a split brain never collide)
 */
struct prelay_config {
	u32 bind_lifetime_ms;
	u32 idle_lifetime_ms;
	u32 max_sessions;
	bool has_server_key;
	u8 server_key[PEER_RELAY_KEY_LEN];
	u32 n_static_eps;
	struct prelay_addr static_eps[PEER_RELAY_MAX_STATIC_EPS];
	u32 pass_rate;
	u32 pass_burst;
	u32 pass_rate_total;
	u32 vni_min;
	u32 vni_max;
};

/**
 * struct prelay_instance - the relay state of one network namespace
 * @net: the namespace (not referenced: the instance lives as long as it)
 * @lock: serialises every writer (netlink, expiry worker, socket close)
 * @sessions: VNI -> struct prelay_session; readers use RCU only
 * @vni_next: allocation cursor over 1..PEER_RELAY_VNI_MAX
 * @pairs: unordered client key pair -> struct prelay_session, under @lock
 * @lamport: last LamportID handed out
 * @n_sessions: sessions in @sessions
 * @n_open: sessions bound on both sides
 * @socks: attached sockets (struct prelay_sock), RCU list, written under @lock
 * @n_socks: entries in @socks
 * @sock_next_id: id for the next attached socket
 * @fast_on: the fast path's netfilter hooks are registered (fast.c),
 *	under @lock
 * @fast_ops: those hooks, whose private data is this instance (the hook
 *	then needs no per-packet namespace lookup)
 * @config: tunables, under @lock
 * @ratelimit: per-source limit of datagrams passed to userspace; allocated
 *	with the first attached socket, RCU for readers
 * @stats: per-CPU datapath counters
 * @sessions_created: sessions ever created
 * @sessions_deleted: sessions deleted, by enum peer_relay_del_reason
 * @expiry: worker that deletes expired sessions
 * @exp_slots: expiry wheel, lists of sessions by deadline slot (expiry.c)
 * @exp_next: the first slot the worker has not looked at yet
 * @exp_shift: log2 of the slot length in jiffies
 * @dying: set on namespace exit so @expiry does not re-arm
 * @notify_replica: a replication request is being applied (under @lock):
 *	the events it causes carry PEER_RELAY_SESSION_A_REPLICA, so that the
 *	replication daemons do not send them back
 */
struct prelay_instance {
	struct net *net;
	struct mutex lock;

	struct xarray sessions;
	u32 vni_next;
	struct rhashtable pairs;
	u64 lamport;
	u32 n_sessions;
	u32 n_open;

	struct list_head socks;
	u32 n_socks;
	u32 sock_next_id;
	bool fast_on;
	struct nf_hook_ops fast_ops[4];

	struct prelay_config config;
	struct prelay_ratelimit __rcu *ratelimit;

	struct prelay_pcpu_stats __percpu *stats;
	atomic64_t sessions_created;
	atomic64_t sessions_deleted[__PEER_RELAY_DEL_MAX];

	struct delayed_work expiry;
	struct hlist_head *exp_slots;
	unsigned long exp_next;
	unsigned int exp_shift;
	bool dying;
	bool notify_replica;
};

struct prelay_instance *prelay_instance_get(const struct net *net);
int prelay_instance_ratelimit_init(struct prelay_instance *inst);
int prelay_instance_register(void);
void prelay_instance_unregister(void);

#endif /* _PR_INSTANCE_H */
