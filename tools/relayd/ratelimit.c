// SPDX-License-Identifier: GPL-2.0-only
/* Per-source control-packet rate limit (see ratelimit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ratelimit.h"

void pr_rl_configure(struct pr_ratelimit *rl, uint32_t rate, uint32_t burst)
{
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
	rl->interval_ns = rate ? 1000000000ull / rate : 0;
	if (rate && !rl->interval_ns)
		rl->interval_ns = 1;
	rl->tolerance_ns = rl->interval_ns * (uint64_t)(rl->burst - 1);
}

int pr_rl_init(struct pr_ratelimit *rl, uint32_t rate, uint32_t burst)
{
	memset(rl, 0, sizeof(*rl));
	rl->slots = calloc(PR_RL_SLOTS, sizeof(*rl->slots));
	if (!rl->slots)
		return -ENOMEM;
	randombytes_buf(rl->hash_key, sizeof(rl->hash_key));
	pr_rl_configure(rl, rate, burst);
	return 0;
}

void pr_rl_fini(struct pr_ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
}

static bool same_addr(const struct pr_addr *a, const struct pr_addr *b)
{
	return a->family == b->family &&
	       !memcmp(&a->u, &b->u, pr_addr_len(a));
}

bool pr_rl_allow(struct pr_ratelimit *rl, const struct pr_addr *src,
		 uint64_t now_ns)
{
	uint8_t in[1 + 16], h[crypto_shorthash_BYTES];
	struct pr_rl_slot *s;
	size_t n = pr_addr_len(src);
	uint64_t idx, tat;

	if (!rl->rate || !rl->slots) {
		rl->passed++;
		return true;
	}
	in[0] = (uint8_t)src->family;
	memcpy(in + 1, &src->u, n);
	crypto_shorthash(h, in, 1 + n, rl->hash_key);
	memcpy(&idx, h, sizeof(idx));
	s = &rl->slots[idx % PR_RL_SLOTS];

	/* a slot whose owner is idle (bucket full again) is taken over */
	if (!same_addr(&s->addr, src) && s->tat_ns <= now_ns) {
		s->addr = *src;
		s->tat_ns = now_ns;
	}
	tat = s->tat_ns > now_ns ? s->tat_ns : now_ns;
	if (tat - now_ns > rl->tolerance_ns) {
		rl->limited++;
		return false;
	}
	s->tat_ns = tat + rl->interval_ns;
	rl->passed++;
	return true;
}
