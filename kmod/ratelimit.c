// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fixed table of token buckets hashed by source address, and one bucket
 * for all sources together. Updates are lock-free and racy on purpose: two
 * CPUs hitting one bucket at the same instant may both pass, which bounds
 * the error by the number of CPUs while costing no atomic operation. Sources sharing a bucket share its
 * rate; the keyed hash keeps an attacker from choosing whom to collide
 * with. IPv6 sources are limited per /64, the unit one host controls.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include <peer_relay/ratelimit.h>

#include "addr.h"
#include "ratelimit.h"

/**
 * prelay_ratelimit_new() - allocate a rate limiter
 * @cfg: configuration with the rates (pass_rate, pass_burst, pass_rate_total)
 *
 * Return: the limiter or NULL.
 */
struct prelay_ratelimit *prelay_ratelimit_new(const struct prelay_config *cfg)
{
	struct prelay_ratelimit *rl = kvzalloc(sizeof(*rl), GFP_KERNEL_ACCOUNT);

	if (!rl)
		return NULL;
	get_random_bytes(&rl->key, sizeof(rl->key));
	prelay_ratelimit_set(rl, cfg);
	return rl;
}

static void prelay_rl_rate_set(struct prelay_rl_rate *r, u32 rate, u32 burst)
{
	struct prelay_rl_shape shape = prelay_rl_shape_of(rate, burst);

	WRITE_ONCE(r->max_ns, shape.max_ns);
	WRITE_ONCE(r->cost_ns, shape.cost_ns);
}

static void prelay_rl_bucket_fill(struct prelay_rl_bucket *b, u64 tokens, u64 now)
{
	WRITE_ONCE(b->tokens_ns, tokens);
	WRITE_ONCE(b->last_ns, now);
}

/**
 * prelay_ratelimit_set() - change the rates
 * @rl: the limiter
 * @cfg: configuration with the new rates
 *
 * Every bucket starts over full at its new size: credit saved under the
 * old rate means nothing under the new one, and an admin who raises a
 * burst expects it to apply at once. Readers may see the old and new
 * values mixed for one datagram; harmless.
 *
 * Context: process.
 */
void prelay_ratelimit_set(struct prelay_ratelimit *rl, const struct prelay_config *cfg)
{
	u64 now = ktime_get_mono_fast_ns();
	unsigned int i;

	prelay_rl_rate_set(&rl->source, cfg->pass_rate, cfg->pass_burst);
	prelay_rl_rate_set(&rl->total, cfg->pass_rate_total, cfg->pass_rate_total);
	for (i = 0; i < PRELAY_RATELIMIT_BUCKETS; i++)
		prelay_rl_bucket_fill(&rl->buckets[i], rl->source.max_ns, now);
	prelay_rl_bucket_fill(&rl->all, rl->total.max_ns, now);
}

static u32 prelay_ratelimit_hash(const struct prelay_ratelimit *rl,
			     const struct sk_buff *skb)
{
	if (prelay_skb_family(skb) == AF_INET)
		return siphash_1u32((__force u32)ip_hdr(skb)->saddr, &rl->key);
	return siphash(&ipv6_hdr(skb)->saddr, 8, &rl->key);
}

/*
 * Take one datagram's credit from @b shaped by @r, if it has it. Lock-free
 * and racy on purpose (see the top of the file).
 */
static bool prelay_rl_take(struct prelay_rl_bucket *b, const struct prelay_rl_rate *r,
		       u64 now)
{
	struct prelay_rl_shape shape = {
		.cost_ns = READ_ONCE(r->cost_ns),
		.max_ns = READ_ONCE(r->max_ns),
	};
	u64 last, tokens;
	bool ok;

	if (!shape.cost_ns)
		return true;
	last = READ_ONCE(b->last_ns);
	tokens = READ_ONCE(b->tokens_ns);
	ok = prelay_rl_step(&last, &tokens, &shape, now);
	WRITE_ONCE(b->last_ns, last);
	WRITE_ONCE(b->tokens_ns, tokens);
	return ok;
}

/**
 * prelay_ratelimit_check() - may this datagram go to userspace?
 * @rl: the limiter
 * @skb: received datagram
 *
 * The source's own bucket is asked first, so a single flooding source
 * spends only its own budget and not everyone's.
 *
 * Context: softirq.
 * Return: 0 (PEER_RELAY_DROP_UNSPEC) to pass it, else the drop reason:
 * PEER_RELAY_DROP_RATELIMIT (over the source's rate) or
 * PEER_RELAY_DROP_RATELIMIT_TOTAL (over the rate of all sources).
 */
enum peer_relay_drop_reason prelay_ratelimit_check(struct prelay_ratelimit *rl,
					       const struct sk_buff *skb)
{
	u64 now = ktime_get_mono_fast_ns();
	struct prelay_rl_bucket *b;

	b = &rl->buckets[prelay_ratelimit_hash(rl, skb) & (PRELAY_RATELIMIT_BUCKETS - 1)];
	if (!prelay_rl_take(b, &rl->source, now))
		return PEER_RELAY_DROP_RATELIMIT;
	if (!prelay_rl_take(&rl->all, &rl->total, now))
		return PEER_RELAY_DROP_RATELIMIT_TOTAL;
	return PEER_RELAY_DROP_UNSPEC;
}
