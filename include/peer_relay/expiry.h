/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When a session expires (design.md "Lifetimes"): while it is not bound
 * on both sides, when its bind window (bind lifetime from creation) has
 * run out; once open, when either endpoint has been silent for longer
 * than the idle lifetime. The scan that applies it runs at a tenth of the
 * shorter lifetime, 50 ms..5 s. Written once here for the module
 * (kmod/expiry.c, jiffies) and relayd's userspace data plane
 * (milliseconds): the times are any wrapping unsigned tick count, compared
 * as time_after() does.
 */
#ifndef _PEER_RELAY_EXPIRY_H
#define _PEER_RELAY_EXPIRY_H

#include <linux/types.h>
#include <linux/peer_relay.h>

#define PRELAY_EXPIRY_PERIOD_MIN_MS	50
#define PRELAY_EXPIRY_PERIOD_MAX_MS	5000

/* Period of the expiry scan for these lifetimes, in milliseconds. */
static inline __u32 prelay_expiry_period_ms(__u32 bind_ms, __u32 idle_ms)
{
	__u32 ms = (bind_ms < idle_ms ? bind_ms : idle_ms) / 10;

	if (ms < PRELAY_EXPIRY_PERIOD_MIN_MS)
		return PRELAY_EXPIRY_PERIOD_MIN_MS;
	if (ms > PRELAY_EXPIRY_PERIOD_MAX_MS)
		return PRELAY_EXPIRY_PERIOD_MAX_MS;
	return ms;
}

/* @a is after @b on a wrapping tick counter (time_after()). */
static inline int prelay_tick_after(unsigned long a, unsigned long b)
{
	return (long)(b - a) < 0;
}

/**
 * prelay_expiry_decide() - has a session expired, and why?
 * @open: bound on both sides
 * @now: current time
 * @created: when the session was created
 * @last0: last activity of endpoint 0 (binding or forwarded data)
 * @last1: the same for endpoint 1
 * @bind_lifetime: bind lifetime in the same unit as the times
 * @idle_lifetime: idle lifetime in the same unit
 *
 * Return: PEER_RELAY_DEL_UNSPEC (0) to keep it, PEER_RELAY_DEL_EXPIRED_BIND
 * or PEER_RELAY_DEL_EXPIRED_IDLE.
 */
static inline enum peer_relay_del_reason
prelay_expiry_decide(int open, unsigned long now, unsigned long created,
		     unsigned long last0, unsigned long last1,
		     unsigned long bind_lifetime, unsigned long idle_lifetime)
{
	if (!open)
		return prelay_tick_after(now, created + bind_lifetime) ?
		       PEER_RELAY_DEL_EXPIRED_BIND : PEER_RELAY_DEL_UNSPEC;
	if (prelay_tick_after(now, last0 + idle_lifetime) ||
	    prelay_tick_after(now, last1 + idle_lifetime))
		return PEER_RELAY_DEL_EXPIRED_IDLE;
	return PEER_RELAY_DEL_UNSPEC;
}

#endif /* _PEER_RELAY_EXPIRY_H */
