/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Datapath counters: per-CPU, written in softirq without atomics, summed
 * when read (netlink STATS_GET, sysfs).
 */
#ifndef _PR_STATS_H
#define _PR_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <linux/peer_relay.h>

#include "instance.h"

/* Index of an (ingress, egress) family pair, in FWD_* attribute order. */
static inline unsigned int prelay_af_pair(u16 in_family, u16 out_family)
{
	return (in_family == AF_INET6) * 2 + (out_family == AF_INET6);
}

/**
 * struct prelay_pcpu_stats - one CPU's counters
 * @fwd_packets: forwarded datagrams by prelay_af_pair()
 * @fwd_bytes: forwarded UDP payload bytes (Geneve header included)
 * @drops: by enum peer_relay_drop_reason
 * @passes: by enum peer_relay_pass_reason
 * @syncp: consistent 64-bit reads on 32-bit machines
 */
struct prelay_pcpu_stats {
	u64_stats_t fwd_packets[4];
	u64_stats_t fwd_bytes[4];
	u64_stats_t drops[__PEER_RELAY_DROP_MAX];
	u64_stats_t passes[__PEER_RELAY_PASS_MAX];
	struct u64_stats_sync syncp;
};

/**
 * struct prelay_stats - a consistent sum of all counters of an instance
 * @fwd_packets: see struct prelay_pcpu_stats
 * @fwd_bytes: see struct prelay_pcpu_stats
 * @drops: see struct prelay_pcpu_stats
 * @passes: see struct prelay_pcpu_stats
 * @sessions_connecting: sessions not bound on both sides
 * @sessions_open: sessions bound on both sides
 * @sockets: attached sockets
 * @sessions_created: sessions ever created
 * @sessions_deleted: by enum peer_relay_del_reason
 */
struct prelay_stats {
	u64 fwd_packets[4];
	u64 fwd_bytes[4];
	u64 drops[__PEER_RELAY_DROP_MAX];
	u64 passes[__PEER_RELAY_PASS_MAX];
	u32 sessions_connecting;
	u32 sessions_open;
	u32 sockets;
	u64 sessions_created;
	u64 sessions_deleted[__PEER_RELAY_DEL_MAX];
};

int prelay_stats_init(struct prelay_instance *inst);
void prelay_stats_free(struct prelay_instance *inst);
void prelay_stats_read(struct prelay_instance *inst, struct prelay_stats *out);

/*
 * Softirq helpers: count one event on this CPU. Every update is bracketed
 * by this CPU's syncp, opened and closed in one place.
 */
static inline struct prelay_pcpu_stats *
prelay_stats_begin(struct prelay_instance *inst)
{
	struct prelay_pcpu_stats *st = this_cpu_ptr(inst->stats);

	u64_stats_update_begin(&st->syncp);
	return st;
}

static inline void prelay_stats_end(struct prelay_pcpu_stats *st)
{
	u64_stats_update_end(&st->syncp);
}

static inline void prelay_stats_drop(struct prelay_instance *inst,
				 enum peer_relay_drop_reason reason)
{
	struct prelay_pcpu_stats *st = prelay_stats_begin(inst);

	u64_stats_inc(&st->drops[reason]);
	prelay_stats_end(st);
}

static inline void prelay_stats_pass(struct prelay_instance *inst,
				 enum peer_relay_pass_reason reason)
{
	struct prelay_pcpu_stats *st = prelay_stats_begin(inst);

	u64_stats_inc(&st->passes[reason]);
	prelay_stats_end(st);
}

static inline void prelay_stats_forwarded(struct prelay_instance *inst,
				      unsigned int af_pair, unsigned int len)
{
	struct prelay_pcpu_stats *st = prelay_stats_begin(inst);

	u64_stats_inc(&st->fwd_packets[af_pair]);
	u64_stats_add(&st->fwd_bytes[af_pair], len);
	prelay_stats_end(st);
}

#endif /* _PR_STATS_H */
