/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounds of the relay's settings, one statement for the kernel's netlink
 * policy, relayd's config file and command line, and its userspace data
 * plane: a value the module would refuse is refused everywhere.
 */
#ifndef _PEER_RELAY_LIMITS_H
#define _PEER_RELAY_LIMITS_H

#include <linux/types.h>

#define PRELAY_LIFETIME_MIN_MS		100
#define PRELAY_LIFETIME_MAX_MS		86400000	/* one day */
#define PRELAY_PASS_RATE_MAX		10000000	/* datagrams/s; 0: no limit */
#define PRELAY_PASS_BURST_MIN		1
#define PRELAY_PASS_BURST_MAX		10000000
#define PRELAY_MAX_SESSIONS_MIN		1		/* max: PEER_RELAY_VNI_MAX */

/* Is @ms a valid bind or idle lifetime? */
static inline int prelay_lifetime_valid(__u32 ms)
{
	return ms >= PRELAY_LIFETIME_MIN_MS && ms <= PRELAY_LIFETIME_MAX_MS;
}

#endif /* _PEER_RELAY_LIMITS_H */
