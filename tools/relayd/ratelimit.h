/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-source rate limit of relayd's control-packet handling (Binds,
 * Answers, in-band allocation requests), so a flood from one address can
 * neither burn relayd's CPU on public-key operations nor use it to
 * reflect traffic.
 *
 * The semantics are the module's (include/peer_relay/ratelimit.h): one
 * token bucket per source, @rate packets per second with bursts of
 * @burst, IPv4 per address, IPv6 per /64 (the port is ignored: it costs
 * nothing to change). State is a fixed table of PRL_RL_SLOTS entries
 * indexed by a keyed hash of the source, so memory is bounded whatever
 * the number of sources: a source whose slot holds another source takes
 * the slot over only when that source's bucket is full again (idle),
 * otherwise it shares the other's bucket. No I/O, clock passed in; not
 * thread-safe.
 */
#ifndef RELAYD_RATELIMIT_H
#define RELAYD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include <peer_relay/ratelimit.h>

#include "addr.h"

#define PRL_RL_SLOTS		4096
#define PRL_RL_DEFAULT_RATE	100	/* control packets per second */
#define PRL_RL_DEFAULT_BURST	200

struct prl_rl_slot {
	struct prl_addr addr;	/* the source (IPv6: its /64); family 0: free */
	__u64 last_ns;		/* the bucket (prelay_rl_step()) */
	__u64 tokens_ns;
};

struct prl_ratelimit {
	uint32_t rate;		/* per second; 0: unlimited */
	uint32_t burst;		/* >= 1 */
	struct prelay_rl_shape shape;
	uint8_t hash_key[16];
	struct prl_rl_slot *slots;
	uint64_t passed;
	uint64_t limited;
};

/* Return: 0 or -ENOMEM. @rate 0 disables the limit. */
int prl_rl_init(struct prl_ratelimit *rl, uint32_t rate, uint32_t burst);
/* Change the rate/burst (SIGHUP); keeps the buckets and counters. */
void prl_rl_configure(struct prl_ratelimit *rl, uint32_t rate, uint32_t burst);
void prl_rl_fini(struct prl_ratelimit *rl);

/*
 * prl_rl_allow() - may one more control packet from @src be handled at
 * @now_ns (monotonic)? Counts the answer in passed/limited.
 */
bool prl_rl_allow(struct prl_ratelimit *rl, const struct prl_addr *src,
		 uint64_t now_ns);

#endif /* RELAYD_RATELIMIT_H */
