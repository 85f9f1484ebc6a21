/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-source rate limit of relayd's control-packet handling (Binds,
 * Answers, in-band allocation requests), so a flood from one address can
 * neither burn relayd's CPU on public-key operations nor use it to
 * reflect traffic.
 *
 * One GCRA ("virtual scheduling") token bucket per source IP address
 * (the port is ignored: it costs nothing to change), @rate packets per
 * second with bursts of @burst. State is a fixed table of
 * PRL_RL_SLOTS entries indexed by a keyed hash of the address, so memory
 * is bounded whatever the number of sources: a source whose slot holds
 * another address takes the slot over only when that address's bucket
 * is full again (idle), otherwise it shares the other's bucket. No I/O,
 * clock passed in; not thread-safe.
 */
#ifndef RELAYD_RATELIMIT_H
#define RELAYD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

#define PRL_RL_SLOTS		4096
#define PRL_RL_DEFAULT_RATE	100	/* control packets per second */
#define PRL_RL_DEFAULT_BURST	200

struct prl_rl_slot {
	struct prl_addr addr;	/* family 0: free */
	uint64_t tat_ns;	/* theoretical arrival time (GCRA) */
};

struct prl_ratelimit {
	uint32_t rate;		/* per second; 0: unlimited */
	uint32_t burst;		/* >= 1 */
	uint64_t interval_ns;	/* 1 s / rate */
	uint64_t tolerance_ns;	/* interval * (burst - 1) */
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
