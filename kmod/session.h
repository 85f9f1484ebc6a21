/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sessions: one per unordered pair of client keys, found by VNI on the
 * fast path (RCU, xarray) and by key pair in process context (rhashtable).
 */
#ifndef _PR_SESSION_H
#define _PR_SESSION_H

#include <linux/rhashtable.h>
#include <linux/seqlock.h>

#include "addr.h"
#include "instance.h"

struct prelay_route;

/**
 * struct prelay_bind - where one endpoint of a session is bound
 * @remote: the client's address and port (family 0: not bound yet)
 * @local: relay address the client reached us on (family 0: routing picks)
 *
 * Stored inline in the session and replaced under its @bind_seq, so a
 * rebind costs no allocation and a session no second object. No route is
 * cached here: a per-CPU dst_cache cost 40 bytes per CPU per endpoint;
 * the endpoint's one-entry route cache (struct prelay_endpoint @route) is
 * allocated only once datagrams flow towards it.
 */
struct prelay_bind {
	struct prelay_addr remote;
	struct prelay_addr local;
};

/**
 * struct prelay_endpoint - one side of a session
 * @bind: current binding; written under inst->lock and the session's
 *	@bind_seq, read with prelay_session_binds()
 * @last_seen: jiffies of the last datagram forwarded from this side (or bind)
 * @packets: datagrams forwarded from this side
 * @bytes: UDP payload bytes forwarded from this side
 * @route: output route towards this side, cached by the fast path (tx.c);
 *	valid only for the binding, socket and FIB state it was made for
 */
struct prelay_endpoint {
	struct prelay_bind bind;
	unsigned long last_seen;
	atomic64_t packets;
	atomic64_t bytes;
	struct prelay_route __rcu *route;
};

/**
 * struct prelay_session - a relay session
 * @keys: the two client keys, sorted; also the @pair_node key
 * @pair_node: link in inst->pairs
 * @vni: Geneve VNI identifying the session on the wire
 * @bind_seq: makes a rebind atomic for readers: they see both bindings
 *	old or both new, never a torn address
 * @lamport: allocation id
 * @created: jiffies at allocation
 * @ep: the endpoints; ep[i] belongs to keys[i]
 * @exp_node: link in the expiry wheel (expiry.c), under inst->lock
 * @rcu: deferred free (shares the space of @exp_node, unlinked by then)
 *
 * 256 bytes on x86-64 (kernel memory per session is a design target:
 * Documentation/performance.md); "open" is derived from the bindings.
 */
struct prelay_session {
	u8 keys[2][PEER_RELAY_KEY_LEN];
	struct rhash_head pair_node;
	u32 vni;
	seqcount_t bind_seq;
	u64 lamport;
	unsigned long created;
	struct prelay_endpoint ep[2];
	union {
		struct hlist_node exp_node;	/* while in the tables */
		struct rcu_head rcu;		/* once deleted */
	};
};

int prelay_session_caches_init(void);
void prelay_session_caches_destroy(void);
int prelay_sessions_init(struct prelay_instance *inst);
void prelay_sessions_destroy(struct prelay_instance *inst);

struct prelay_session *prelay_session_new(struct prelay_instance *inst, const u8 *key_a,
				  const u8 *key_b, u32 vni,
				  struct netlink_ext_ack *extack);
struct prelay_session *prelay_session_new_replica(struct prelay_instance *inst,
					  const u8 *key_a, const u8 *key_b,
					  u32 vni, u64 lamport, u64 age_ms,
					  struct netlink_ext_ack *extack);
void prelay_session_seen(struct prelay_session *s, unsigned int idx, u64 idle_ms);
struct prelay_session *prelay_session_by_keys(struct prelay_instance *inst,
				      const u8 *key_a, const u8 *key_b);
int prelay_bind_check(const struct prelay_addr *remote, const struct prelay_addr *local,
		  struct netlink_ext_ack *extack);
void prelay_session_bind(struct prelay_instance *inst, struct prelay_session *s,
		     unsigned int idx, const struct prelay_addr *remote,
		     const struct prelay_addr *local);
void prelay_session_delete(struct prelay_instance *inst, struct prelay_session *s,
		       enum peer_relay_del_reason reason);
void prelay_sessions_flush(struct prelay_instance *inst,
		       enum peer_relay_del_reason reason);

/**
 * prelay_session_binds() - consistent copy of both bindings of a session
 * @s: the session, kept alive by the caller (RCU or inst->lock)
 * @out: the two bindings; remote.family 0 where not bound
 *
 * Context: any; spins only while a rebind (a few stores) is in progress.
 * Return: the sequence they were read at: it changes with every rebind
 * (the fast path's route cache keys on it).
 */
static inline unsigned int prelay_session_binds(const struct prelay_session *s,
					    struct prelay_bind out[2])
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&s->bind_seq);
		out[0] = s->ep[0].bind;
		out[1] = s->ep[1].bind;
	} while (read_seqcount_retry(&s->bind_seq, seq));
	return seq;
}

/**
 * prelay_session_is_open() - are both endpoints bound?
 * @s: the session
 *
 * Context: inst->lock held (bindings only change under it).
 * Return: true when both endpoints are bound.
 */
static inline bool prelay_session_is_open(const struct prelay_session *s)
{
	return s->ep[0].bind.remote.family && s->ep[1].bind.remote.family;
}

/**
 * prelay_session_lookup() - find a session by VNI
 * @inst: relay instance
 * @vni: 24-bit VNI
 *
 * Context: rcu_read_lock() or inst->lock held.
 * Return: the session or NULL.
 */
static inline struct prelay_session *prelay_session_lookup(struct prelay_instance *inst,
						   u32 vni)
{
	return xa_load(&inst->sessions, vni);
}

#endif /* _PR_SESSION_H */
