// SPDX-License-Identifier: GPL-2.0-only
/* Allocation and summing of the per-CPU datapath counters. */
#include <linux/string.h>

#include "stats.h"

/**
 * prelay_stats_init() - allocate the per-CPU counters of an instance
 * @inst: relay instance
 *
 * Return: 0 or -ENOMEM.
 */
int prelay_stats_init(struct prelay_instance *inst)
{
	int cpu;

	inst->stats = alloc_percpu(struct prelay_pcpu_stats);
	if (!inst->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(inst->stats, cpu)->syncp);
	return 0;
}

/**
 * prelay_stats_free() - free the per-CPU counters
 * @inst: relay instance
 */
void prelay_stats_free(struct prelay_instance *inst)
{
	free_percpu(inst->stats);
}

static void prelay_stats_add_cpu(struct prelay_stats *out,
			     const struct prelay_pcpu_stats *st)
{
	struct prelay_stats snap;
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&st->syncp);
		for (i = 0; i < 4; i++) {
			snap.fwd_packets[i] = u64_stats_read(&st->fwd_packets[i]);
			snap.fwd_bytes[i] = u64_stats_read(&st->fwd_bytes[i]);
		}
		for (i = 0; i < __PEER_RELAY_DROP_MAX; i++)
			snap.drops[i] = u64_stats_read(&st->drops[i]);
		for (i = 0; i < __PEER_RELAY_PASS_MAX; i++)
			snap.passes[i] = u64_stats_read(&st->passes[i]);
	} while (u64_stats_fetch_retry(&st->syncp, start));

	for (i = 0; i < 4; i++) {
		out->fwd_packets[i] += snap.fwd_packets[i];
		out->fwd_bytes[i] += snap.fwd_bytes[i];
	}
	for (i = 0; i < __PEER_RELAY_DROP_MAX; i++)
		out->drops[i] += snap.drops[i];
	for (i = 0; i < __PEER_RELAY_PASS_MAX; i++)
		out->passes[i] += snap.passes[i];
}

/**
 * prelay_stats_read() - sum all counters and gauges of an instance
 * @inst: relay instance
 * @out: filled in
 *
 * Gauges are read without inst->lock; each is a single word, so the worst
 * case is a value a moment old.
 */
void prelay_stats_read(struct prelay_instance *inst, struct prelay_stats *out)
{
	u32 n_sessions, n_open;
	int cpu, i;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu)
		prelay_stats_add_cpu(out, per_cpu_ptr(inst->stats, cpu));

	n_sessions = READ_ONCE(inst->n_sessions);
	n_open = READ_ONCE(inst->n_open);
	out->sessions_open = n_open;
	out->sessions_connecting = n_sessions > n_open ? n_sessions - n_open : 0;
	out->sockets = READ_ONCE(inst->n_socks);
	out->sessions_created = atomic64_read(&inst->sessions_created);
	for (i = 0; i < __PEER_RELAY_DEL_MAX; i++)
		out->sessions_deleted[i] = atomic64_read(&inst->sessions_deleted[i]);
}
