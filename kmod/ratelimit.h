/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Token buckets for datagrams passed to userspace (control, plain disco,
 * STUN): one per source, so a flood from one source cannot keep relayd
 * busy, and one for all sources together, so a flood from many (spoofed)
 * sources cannot either.
 */
#ifndef _PR_RATELIMIT_H
#define _PR_RATELIMIT_H

#include <linux/cache.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <uapi/linux/peer_relay.h>

#include "instance.h"

#define PRELAY_RATELIMIT_BUCKETS	1024	/* power of two */

/**
 * struct prelay_rl_bucket - one token bucket
 * @last_ns: time of the last datagram that touched the bucket
 * @tokens_ns: credit, in nanoseconds of allowance
 */
struct prelay_rl_bucket {
	u64 last_ns;
	u64 tokens_ns;
};

/**
 * struct prelay_rl_rate - the shape of a bucket
 * @cost_ns: credit one datagram costs (NSEC_PER_SEC / rate); 0: no limit
 * @max_ns: bucket size (cost_ns * burst)
 */
struct prelay_rl_rate {
	u64 cost_ns;
	u64 max_ns;
};

/**
 * struct prelay_ratelimit - the buckets of one instance
 * @source: shape of the per-source buckets
 * @total: shape of the all-sources bucket
 * @key: random key of the source hash, so sources cannot aim at a bucket
 * @all: the all-sources bucket, on its own cache line (every CPU writes it)
 * @buckets: per-source buckets, indexed by hash of the source (IPv6: /64)
 */
struct prelay_ratelimit {
	struct prelay_rl_rate source;
	struct prelay_rl_rate total;
	siphash_key_t key;
	struct prelay_rl_bucket all ____cacheline_aligned_in_smp;
	struct prelay_rl_bucket buckets[PRELAY_RATELIMIT_BUCKETS] ____cacheline_aligned_in_smp;
};

struct prelay_ratelimit *prelay_ratelimit_new(const struct prelay_config *cfg);
void prelay_ratelimit_set(struct prelay_ratelimit *rl, const struct prelay_config *cfg);
enum peer_relay_drop_reason prelay_ratelimit_check(struct prelay_ratelimit *rl,
					       const struct sk_buff *skb);

#endif /* _PR_RATELIMIT_H */
