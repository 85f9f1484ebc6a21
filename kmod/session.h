/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sessions: one per unordered pair of client keys, found by VNI on the
 * fast path (RCU, xarray) and by key pair in process context (rhashtable).
 */
#ifndef _PR_SESSION_H
#define _PR_SESSION_H

#include <linux/rhashtable.h>

#include "addr.h"
#include "instance.h"

/**
 * struct pr_bind - where one endpoint of a session is bound
 * @remote: the client's address and port
 * @local: relay address the client reached us on (family 0: routing picks)
 * @rcu: deferred free after a rebind or session removal
 *
 * Immutable once published; a rebind publishes a new one. No route is
 * cached here: a per-CPU dst_cache cost 40 bytes per CPU per endpoint, and
 * the output route lookup it saved is served by the FIB's own per-CPU
 * route cache (see Documentation/performance.md for the measurements).
 */
struct pr_bind {
	struct pr_addr remote;
	struct pr_addr local;
	struct rcu_head rcu;
};

/**
 * struct pr_endpoint - one side of a session
 * @bind: current binding, NULL until bound; RCU, replaced under inst->lock
 * @last_seen: jiffies of the last datagram forwarded from this side (or bind)
 * @packets: datagrams forwarded from this side
 * @bytes: UDP payload bytes forwarded from this side
 */
struct pr_endpoint {
	struct pr_bind __rcu *bind;
	unsigned long last_seen;
	atomic64_t packets;
	atomic64_t bytes;
};

/**
 * struct pr_session - a relay session
 * @keys: the two client keys, sorted; also the @pair_node key
 * @pair_node: link in inst->pairs
 * @vni: Geneve VNI identifying the session on the wire
 * @open: both endpoints bound (under inst->lock; READ_ONCE elsewhere)
 * @lamport: allocation id
 * @created: jiffies at allocation
 * @ep: the endpoints; ep[i] belongs to keys[i]
 * @rcu: deferred free
 */
struct pr_session {
	u8 keys[2][PEER_RELAY_KEY_LEN];
	struct rhash_head pair_node;
	u32 vni;
	bool open;
	u64 lamport;
	unsigned long created;
	struct pr_endpoint ep[2];
	struct rcu_head rcu;
};

int pr_session_caches_init(void);
void pr_session_caches_destroy(void);
int pr_sessions_init(struct pr_instance *inst);
void pr_sessions_destroy(struct pr_instance *inst);

struct pr_session *pr_session_new(struct pr_instance *inst, const u8 *key_a,
				  const u8 *key_b, u32 vni,
				  struct netlink_ext_ack *extack);
struct pr_session *pr_session_by_keys(struct pr_instance *inst,
				      const u8 *key_a, const u8 *key_b);
int pr_session_bind(struct pr_instance *inst, struct pr_session *s,
		    unsigned int idx, const struct pr_addr *remote,
		    const struct pr_addr *local, struct netlink_ext_ack *extack);
void pr_session_delete(struct pr_instance *inst, struct pr_session *s,
		       enum peer_relay_del_reason reason);
void pr_sessions_flush(struct pr_instance *inst,
		       enum peer_relay_del_reason reason);

/**
 * pr_session_lookup() - find a session by VNI
 * @inst: relay instance
 * @vni: 24-bit VNI
 *
 * Context: rcu_read_lock() or inst->lock held.
 * Return: the session or NULL.
 */
static inline struct pr_session *pr_session_lookup(struct pr_instance *inst,
						   u32 vni)
{
	return xa_load(&inst->sessions, vni);
}

#endif /* _PR_SESSION_H */
