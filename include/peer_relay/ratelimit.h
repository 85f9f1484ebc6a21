/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one rate-limit semantics of peer_relay: a token bucket counted in
 * nanoseconds of allowance. A bucket of rate R and burst B holds at most
 * B datagrams' credit (B * 1e9/R ns), refills at R per second and starts
 * full; a datagram costs 1e9/R ns; rate 0 means no limit. The module's
 * pass limit (kmod/ratelimit.c), relayd's control-packet limit and the
 * userspace data plane's pass limit all take credit with
 * prelay_rl_step(); the callers keep the state (lock-free and racy on
 * purpose in the kernel, per slot in relayd). IPv6 sources are limited
 * per /64, the unit one host controls: PRELAY_RL_V6_PREFIX_BYTES.
 */
#ifndef _PEER_RELAY_RATELIMIT_H
#define _PEER_RELAY_RATELIMIT_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/math64.h>
#endif

#define PRELAY_NSEC_PER_SEC		1000000000ULL
#define PRELAY_RL_V6_PREFIX_BYTES	8	/* of an IPv6 source: its /64 */

/* The shape of a bucket: what one datagram costs, how much it holds. */
struct prelay_rl_shape {
	__u64 cost_ns;		/* 0: no limit */
	__u64 max_ns;
};

static inline struct prelay_rl_shape prelay_rl_shape_of(__u32 rate, __u32 burst)
{
	struct prelay_rl_shape s;

#ifdef __KERNEL__
	s.cost_ns = rate ? div_u64(PRELAY_NSEC_PER_SEC, rate) : 0;
#else
	s.cost_ns = rate ? PRELAY_NSEC_PER_SEC / rate : 0;
#endif
	if (rate && !s.cost_ns)
		s.cost_ns = 1;
	s.max_ns = s.cost_ns * (burst ? burst : 1);
	return s;
}

/**
 * prelay_rl_step() - take one datagram's credit from a bucket
 * @last_ns: in/out, the time the bucket was last touched
 * @tokens_ns: in/out, its credit
 * @shape: rate and burst
 * @now: current monotonic time in ns
 *
 * A @now earlier than *@last_ns (another CPU stamped the bucket later)
 * earns no credit, and the stamp never goes backwards.
 *
 * Return: 1 if the datagram may pass, 0 if it is over the limit.
 */
static inline int prelay_rl_step(__u64 *last_ns, __u64 *tokens_ns,
				 const struct prelay_rl_shape *shape, __u64 now)
{
	__u64 tokens = *tokens_ns;

	if (!shape->cost_ns)
		return 1;
	if (now > *last_ns) {
		/* refill, without overflowing after a long pause */
		if (now - *last_ns >= shape->max_ns || tokens >= shape->max_ns)
			tokens = shape->max_ns;
		else
			tokens += now - *last_ns;
	} else {
		now = *last_ns;
	}
	if (tokens > shape->max_ns)
		tokens = shape->max_ns;
	*last_ns = now;
	if (tokens < shape->cost_ns) {
		*tokens_ns = tokens;
		return 0;
	}
	*tokens_ns = tokens - shape->cost_ns;
	return 1;
}

#endif /* _PEER_RELAY_RATELIMIT_H */
