/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-source token buckets for datagrams passed to userspace (control,
 * plain disco, STUN), so a flood from one source cannot keep relayd busy.
 */
#ifndef _PR_RATELIMIT_H
#define _PR_RATELIMIT_H

#include <linux/siphash.h>
#include <linux/skbuff.h>

#define PR_RATELIMIT_BUCKETS	1024	/* power of two */

/**
 * struct pr_rl_bucket - one token bucket
 * @last_ns: time of the last datagram that touched the bucket
 * @tokens_ns: credit, in nanoseconds of allowance
 */
struct pr_rl_bucket {
	u64 last_ns;
	u64 tokens_ns;
};

/**
 * struct pr_ratelimit - the buckets of one instance
 * @cost_ns: credit one datagram costs (NSEC_PER_SEC / rate); 0: no limit
 * @max_ns: bucket size (cost_ns * burst)
 * @key: random key of the source hash, so sources cannot aim at a bucket
 * @buckets: the buckets, indexed by hash of the source address (IPv6: /64)
 */
struct pr_ratelimit {
	u64 cost_ns;
	u64 max_ns;
	siphash_key_t key;
	struct pr_rl_bucket buckets[PR_RATELIMIT_BUCKETS];
};

struct pr_ratelimit *pr_ratelimit_new(u32 rate, u32 burst);
void pr_ratelimit_set(struct pr_ratelimit *rl, u32 rate, u32 burst);
bool pr_ratelimit_allow(struct pr_ratelimit *rl, const struct sk_buff *skb);

#endif /* _PR_RATELIMIT_H */
