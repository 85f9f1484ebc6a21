// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session table. Writers hold inst->lock; the fast path only reads the
 * VNI xarray under RCU and the endpoint bindings under the session's
 * seqcount. A deleted session is freed after a grace period.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "expiry.h"
#include "notify.h"
#include "session.h"
#include "tx.h"

/* A dedicated cache: objects packed at their real size, not kmalloc's. */
static struct kmem_cache *prelay_session_cache __read_mostly;

static const struct rhashtable_params prelay_pair_params = {
	.key_len = sizeof_field(struct prelay_session, keys),
	.key_offset = offsetof(struct prelay_session, keys),
	.head_offset = offsetof(struct prelay_session, pair_node),
	.automatic_shrinking = true,
};

/**
 * prelay_session_caches_init() - create the session slab cache
 *
 * Return: 0 or -ENOMEM.
 */
int prelay_session_caches_init(void)
{
	/* Kernel memory per session is a design target (performance.md). */
	BUILD_BUG_ON(sizeof(struct prelay_session) > 256);
	prelay_session_cache = KMEM_CACHE(prelay_session, SLAB_ACCOUNT);
	return prelay_session_cache ? 0 : -ENOMEM;
}

/**
 * prelay_session_caches_destroy() - destroy the cache
 *
 * Context: every session freed (after rcu_barrier()).
 */
void prelay_session_caches_destroy(void)
{
	kmem_cache_destroy(prelay_session_cache);
	prelay_session_cache = NULL;
}

/**
 * prelay_sessions_init() - initialise the session tables of an instance
 * @inst: relay instance
 *
 * Return: 0 or a negative errno.
 */
int prelay_sessions_init(struct prelay_instance *inst)
{
	xa_init_flags(&inst->sessions, XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT);
	inst->vni_next = PEER_RELAY_VNI_MIN;
	return rhashtable_init(&inst->pairs, &prelay_pair_params);
}

/**
 * prelay_sessions_destroy() - free the (empty) session tables
 * @inst: relay instance, all sessions already deleted
 */
void prelay_sessions_destroy(struct prelay_instance *inst)
{
	rhashtable_destroy(&inst->pairs);
	xa_destroy(&inst->sessions);
}

static void prelay_session_free_rcu(struct rcu_head *head)
{
	struct prelay_session *s = container_of(head, struct prelay_session, rcu);

	/* Readers are gone: no fast path can cache a route any more. */
	prelay_route_free(rcu_dereference_protected(s->ep[0].route, 1));
	prelay_route_free(rcu_dereference_protected(s->ep[1].route, 1));
	kmem_cache_free(prelay_session_cache, s);
}

/* Sort two keys into @out so that the pair is unordered. */
static void prelay_sort_keys(u8 out[2][PEER_RELAY_KEY_LEN], const u8 *a,
			 const u8 *b)
{
	bool swap = memcmp(a, b, PEER_RELAY_KEY_LEN) > 0;

	memcpy(out[0], swap ? b : a, PEER_RELAY_KEY_LEN);
	memcpy(out[1], swap ? a : b, PEER_RELAY_KEY_LEN);
}

/**
 * prelay_session_by_keys() - find the session of an unordered key pair
 * @inst: relay instance
 * @key_a: one client key
 * @key_b: the other client key
 *
 * Context: inst->lock held.
 * Return: the session or NULL.
 */
struct prelay_session *prelay_session_by_keys(struct prelay_instance *inst,
				      const u8 *key_a, const u8 *key_b)
{
	u8 keys[2][PEER_RELAY_KEY_LEN];

	lockdep_assert_held(&inst->lock);
	prelay_sort_keys(keys, key_a, key_b);
	return rhashtable_lookup_fast(&inst->pairs, keys, prelay_pair_params);
}

static int prelay_session_check_keys(struct prelay_instance *inst, const u8 *key_a,
				 const u8 *key_b,
				 struct netlink_ext_ack *extack)
{
	const struct prelay_config *cfg = &inst->config;

	if (!memcmp(key_a, key_b, PEER_RELAY_KEY_LEN)) {
		NL_SET_ERR_MSG_MOD(extack, "the two client keys are equal");
		return -EINVAL;
	}
	if (cfg->has_server_key &&
	    (!memcmp(key_a, cfg->server_key, PEER_RELAY_KEY_LEN) ||
	     !memcmp(key_b, cfg->server_key, PEER_RELAY_KEY_LEN))) {
		NL_SET_ERR_MSG_MOD(extack, "a client key equals the relay's server key");
		return -EINVAL;
	}
	return 0;
}

/* Put @s into the VNI table, at @vni or at the cursor when @vni is 0. */
static int prelay_session_insert_vni(struct prelay_instance *inst,
				 struct prelay_session *s, u32 vni,
				 struct netlink_ext_ack *extack)
{
	int err;

	if (vni) {
		err = xa_insert(&inst->sessions, vni, s, GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG_MOD(extack, "VNI is used by another session");
			return -EEXIST;
		}
	} else {
		err = xa_alloc_cyclic(&inst->sessions, &vni, s,
				      XA_LIMIT(inst->config.vni_min,
					       inst->config.vni_max),
				      &inst->vni_next, GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG_MOD(extack, "VNI pool exhausted");
			return -ENOSPC;
		}
		if (err > 0)	/* the cursor wrapped: fine */
			err = 0;
	}
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot store the session");
		return err;
	}
	s->vni = vni;
	return 0;
}

/*
 * Create the session of a key pair, or return its existing one. @lamport
 * 0: the next LamportID of this instance; else a replica's (which must
 * then match an existing session's). @age: jiffies since the allocation.
 */
static struct prelay_session *prelay_session_create(struct prelay_instance *inst,
						const u8 *key_a, const u8 *key_b,
						u32 vni, u64 lamport,
						unsigned long age,
						struct netlink_ext_ack *extack)
{
	struct prelay_session *s;
	int err;

	lockdep_assert_held(&inst->lock);

	err = prelay_session_check_keys(inst, key_a, key_b, extack);
	if (err)
		return ERR_PTR(err);

	s = prelay_session_by_keys(inst, key_a, key_b);
	if (s) {
		if (vni && vni != s->vni) {
			NL_SET_ERR_MSG_MOD(extack, "the key pair already has a session with another VNI");
			return ERR_PTR(-EEXIST);
		}
		if (lamport && lamport != s->lamport) {
			NL_SET_ERR_MSG_MOD(extack, "the key pair already has a session with another LamportID");
			return ERR_PTR(-EEXIST);
		}
		return s;
	}

	if (inst->n_sessions >= inst->config.max_sessions) {
		NL_SET_ERR_MSG_MOD(extack, "session limit reached (config max-sessions)");
		return ERR_PTR(-ENOSPC);
	}

	s = kmem_cache_zalloc(prelay_session_cache, GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	prelay_sort_keys(s->keys, key_a, key_b);
	seqcount_init(&s->bind_seq);
	s->created = jiffies - age;
	s->lamport = lamport ?: inst->lamport + 1;

	err = rhashtable_insert_fast(&inst->pairs, &s->pair_node, prelay_pair_params);
	if (err) {
		kmem_cache_free(prelay_session_cache, s);
		return ERR_PTR(err);
	}
	/* Published to the fast path last, fully initialised. */
	err = prelay_session_insert_vni(inst, s, vni, extack);
	if (err) {
		rhashtable_remove_fast(&inst->pairs, &s->pair_node, prelay_pair_params);
		kmem_cache_free(prelay_session_cache, s);
		return ERR_PTR(err);
	}

	/* Local allocations stay newer than every replica's. */
	inst->lamport = max(inst->lamport, s->lamport);
	WRITE_ONCE(inst->n_sessions, inst->n_sessions + 1);
	atomic64_inc(&inst->sessions_created);
	prelay_expiry_add(inst, s);
	prelay_notify_session(inst, s, PEER_RELAY_CMD_SESSION_NEW_NTF, 0);
	return s;
}

/**
 * prelay_session_new() - create the session of a key pair, or return it
 * @inst: relay instance
 * @key_a: one client key
 * @key_b: the other client key
 * @vni: VNI to use, or 0 to take the next free one from the cursor
 * @extack: error reporting
 *
 * Creating is idempotent per unordered key pair: an existing session is
 * returned unchanged (same VNI and LamportID) unless @vni names another VNI.
 *
 * Context: inst->lock held.
 * Return: the session or an ERR_PTR().
 */
struct prelay_session *prelay_session_new(struct prelay_instance *inst, const u8 *key_a,
				  const u8 *key_b, u32 vni,
				  struct netlink_ext_ack *extack)
{
	return prelay_session_create(inst, key_a, key_b, vni, 0, 0, extack);
}

/**
 * prelay_session_new_replica() - install a session replicated from a peer
 * @inst: relay instance
 * @key_a: one client key
 * @key_b: the other client key
 * @vni: the session's VNI on the peer (any, not only this relay's range)
 * @lamport: its LamportID on the peer, >= 1
 * @age_ms: time since the peer allocated it
 * @extack: error reporting
 *
 * Like prelay_session_new(), but the session keeps the peer's VNI,
 * LamportID and age, and an existing session of the pair must have both
 * (-EEXIST otherwise). Later local allocations get LamportIDs above it.
 *
 * Context: inst->lock held.
 * Return: the session or an ERR_PTR().
 */
struct prelay_session *prelay_session_new_replica(struct prelay_instance *inst,
					  const u8 *key_a, const u8 *key_b,
					  u32 vni, u64 lamport, u64 age_ms,
					  struct netlink_ext_ack *extack)
{
	return prelay_session_create(inst, key_a, key_b, vni, lamport,
				     msecs_to_jiffies(age_ms), extack);
}

/**
 * prelay_session_seen() - a peer saw traffic on an endpoint @idle_ms ago
 * @s: the session
 * @idx: endpoint index
 * @idle_ms: the peer's idle time of that endpoint
 *
 * last_seen only moves forward: the standby never expires a session the
 * active keeps alive, and its own traffic (after a takeover) still counts.
 *
 * Context: inst->lock held.
 */
void prelay_session_seen(struct prelay_session *s, unsigned int idx, u64 idle_ms)
{
	unsigned long seen = jiffies - msecs_to_jiffies(idle_ms);

	if (time_after(seen, READ_ONCE(s->ep[idx].last_seen)))
		WRITE_ONCE(s->ep[idx].last_seen, seen);
}

static bool prelay_addr_usable_remote(const struct prelay_addr *a)
{
	if (a->family == AF_INET)
		return !ipv4_is_zeronet(a->ip4) && !ipv4_is_multicast(a->ip4) &&
		       !ipv4_is_lbcast(a->ip4);
	return !ipv6_addr_any(&a->ip6) && !ipv6_addr_is_multicast(&a->ip6);
}

/**
 * prelay_bind_check() - can a session endpoint be bound to these addresses?
 * @remote: the client's address and port
 * @local: relay address to send from, or NULL/family 0
 * @extack: error reporting
 *
 * Separate from prelay_session_bind() so that a request can validate every
 * binding before it changes anything.
 *
 * Return: 0 or -EINVAL.
 */
int prelay_bind_check(const struct prelay_addr *remote, const struct prelay_addr *local,
		  struct netlink_ext_ack *extack)
{
	if (!prelay_addr_usable_remote(remote)) {
		NL_SET_ERR_MSG_MOD(extack, "remote address is unspecified, multicast or broadcast");
		return -EINVAL;
	}
	if (local && local->family && local->family != remote->family) {
		NL_SET_ERR_MSG_MOD(extack, "local and remote address families differ");
		return -EINVAL;
	}
	return 0;
}

/**
 * prelay_session_bind() - bind one endpoint of a session to an address
 * @inst: relay instance
 * @s: the session
 * @idx: endpoint index, 0 (KEY0's side) or 1
 * @remote: the client's address and port, accepted by prelay_bind_check()
 * @local: relay address to send from, or NULL/family 0 to let routing pick
 *
 * The new binding replaces the old one atomically: from the moment it is
 * published, datagrams from the old address are dropped. Cannot fail.
 *
 * Context: inst->lock held.
 */
void prelay_session_bind(struct prelay_instance *inst, struct prelay_session *s,
		     unsigned int idx, const struct prelay_addr *remote,
		     const struct prelay_addr *local)
{
	static const struct prelay_addr unset;
	bool was_open = prelay_session_is_open(s);

	lockdep_assert_held(&inst->lock);

	WRITE_ONCE(s->ep[idx].last_seen, jiffies);
	/*
	 * Readers run in softirq: one interrupting this write section on
	 * this CPU would spin on the odd sequence forever, hence BH off.
	 */
	local_bh_disable();
	write_seqcount_begin(&s->bind_seq);
	s->ep[idx].bind.remote = *remote;
	s->ep[idx].bind.local = local ? *local : unset;
	write_seqcount_end(&s->bind_seq);
	local_bh_enable();

	if (!was_open && prelay_session_is_open(s)) {
		WRITE_ONCE(inst->n_open, inst->n_open + 1);
		prelay_expiry_opened(inst, s);
	}
	prelay_notify_session(inst, s, PEER_RELAY_CMD_SESSION_BIND_NTF, 0);
}

/**
 * prelay_session_delete() - remove a session and free it after a grace period
 * @inst: relay instance
 * @s: the session
 * @reason: why, reported in the notification and the counters
 *
 * Context: inst->lock held.
 */
void prelay_session_delete(struct prelay_instance *inst, struct prelay_session *s,
		       enum peer_relay_del_reason reason)
{
	lockdep_assert_held(&inst->lock);

	xa_erase(&inst->sessions, s->vni);
	rhashtable_remove_fast(&inst->pairs, &s->pair_node, prelay_pair_params);
	prelay_expiry_del(inst, s);
	WRITE_ONCE(inst->n_sessions, inst->n_sessions - 1);
	if (prelay_session_is_open(s))
		WRITE_ONCE(inst->n_open, inst->n_open - 1);
	atomic64_inc(&inst->sessions_deleted[reason]);
	prelay_notify_session(inst, s, PEER_RELAY_CMD_SESSION_DEL_NTF, reason);
	call_rcu(&s->rcu, prelay_session_free_rcu);
}

/**
 * prelay_sessions_flush() - delete every session of an instance
 * @inst: relay instance
 * @reason: reported for each session
 *
 * Context: inst->lock held.
 */
void prelay_sessions_flush(struct prelay_instance *inst,
		       enum peer_relay_del_reason reason)
{
	struct prelay_session *s;
	unsigned long vni;

	lockdep_assert_held(&inst->lock);
	xa_for_each(&inst->sessions, vni, s) {
		prelay_session_delete(inst, s, reason);
		cond_resched();
	}
}
