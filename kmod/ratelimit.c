// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fixed table of token buckets hashed by source address. Updates are
 * lock-free and racy on purpose: two CPUs hitting one bucket at the same
 * instant may both pass, which bounds the error by the number of CPUs
 * while costing no atomic operation. Sources sharing a bucket share its
 * rate; the keyed hash keeps an attacker from choosing whom to collide
 * with. IPv6 sources are limited per /64, the unit one host controls.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "addr.h"
#include "ratelimit.h"

/**
 * pr_ratelimit_new() - allocate a rate limiter
 * @rate: datagrams per second per source, 0 for no limit
 * @burst: datagrams a source may send at once
 *
 * Return: the limiter or NULL.
 */
struct pr_ratelimit *pr_ratelimit_new(u32 rate, u32 burst)
{
	struct pr_ratelimit *rl = kvzalloc(sizeof(*rl), GFP_KERNEL_ACCOUNT);

	if (!rl)
		return NULL;
	get_random_bytes(&rl->key, sizeof(rl->key));
	pr_ratelimit_set(rl, rate, burst);
	return rl;
}

/**
 * pr_ratelimit_set() - change rate and burst
 * @rl: the limiter
 * @rate: datagrams per second per source, 0 for no limit
 * @burst: datagrams a source may send at once
 *
 * Every source starts over with a full bucket of the new size: credit
 * saved under the old rate means nothing under the new one, and an admin
 * who raises the burst expects it to apply at once. Readers may see the
 * old and new values mixed for one datagram; harmless.
 *
 * Context: process.
 */
void pr_ratelimit_set(struct pr_ratelimit *rl, u32 rate, u32 burst)
{
	u64 cost = rate ? div_u64(NSEC_PER_SEC, rate) : 0;
	u64 full = cost * max(burst, 1U);
	u64 now = ktime_get_mono_fast_ns();
	unsigned int i;

	WRITE_ONCE(rl->max_ns, full);
	WRITE_ONCE(rl->cost_ns, cost);
	for (i = 0; i < PR_RATELIMIT_BUCKETS; i++) {
		WRITE_ONCE(rl->buckets[i].tokens_ns, full);
		WRITE_ONCE(rl->buckets[i].last_ns, now);
	}
}

static u32 pr_ratelimit_hash(const struct pr_ratelimit *rl,
			     const struct sk_buff *skb)
{
	if (pr_skb_family(skb) == AF_INET)
		return siphash_1u32((__force u32)ip_hdr(skb)->saddr, &rl->key);
	return siphash(&ipv6_hdr(skb)->saddr, 8, &rl->key);
}

/**
 * pr_ratelimit_allow() - may this datagram go to userspace?
 * @rl: the limiter
 * @skb: received datagram
 *
 * Context: softirq.
 * Return: true if the source is within its rate.
 */
bool pr_ratelimit_allow(struct pr_ratelimit *rl, const struct sk_buff *skb)
{
	u64 cost = READ_ONCE(rl->cost_ns);
	struct pr_rl_bucket *b;
	u64 now, last, tokens;

	if (!cost)
		return true;
	b = &rl->buckets[pr_ratelimit_hash(rl, skb) & (PR_RATELIMIT_BUCKETS - 1)];
	now = ktime_get_mono_fast_ns();
	last = READ_ONCE(b->last_ns);
	tokens = READ_ONCE(b->tokens_ns);
	/*
	 * Another CPU may have stamped the bucket with a later time than
	 * ours: no credit then (an unsigned negative difference would refill
	 * the bucket), and the stamp never goes backwards.
	 */
	if (now > last)
		tokens += now - last;
	else
		now = last;
	tokens = min(tokens, READ_ONCE(rl->max_ns));
	WRITE_ONCE(b->last_ns, now);
	if (tokens < cost) {
		WRITE_ONCE(b->tokens_ns, tokens);
		return false;
	}
	WRITE_ONCE(b->tokens_ns, tokens - cost);
	return true;
}
