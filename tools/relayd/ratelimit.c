// SPDX-License-Identifier: GPL-2.0-only
/* Per-source control-packet rate limit (see ratelimit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ratelimit.h"

void prl_rl_configure(struct prl_ratelimit *rl, uint32_t rate, uint32_t burst)
{
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
	rl->interval_ns = rate ? 1000000000ull / rate : 0;
	if (rate && !rl->interval_ns)
		rl->interval_ns = 1;
	rl->tolerance_ns = rl->interval_ns * (uint64_t)(rl->burst - 1);
}

int prl_rl_init(struct prl_ratelimit *rl, uint32_t rate, uint32_t burst)
{
	memset(rl, 0, sizeof(*rl));
	rl->slots = calloc(PRL_RL_SLOTS, sizeof(*rl->slots));
	if (!rl->slots)
		return -ENOMEM;
	randombytes_buf(rl->hash_key, sizeof(rl->hash_key));
	prl_rl_configure(rl, rate, burst);
	return 0;
}

void prl_rl_fini(struct prl_ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
}

static bool same_addr(const struct prl_addr *a, const struct prl_addr *b)
{
	return a->family == b->family &&
	       !memcmp(&a->u, &b->u, prl_addr_len(a));
}

bool prl_rl_allow(struct prl_ratelimit *rl, const struct prl_addr *src,
		 uint64_t now_ns)
{
	uint8_t in[1 + 16], h[crypto_shorthash_BYTES];
	struct prl_rl_slot *s;
	size_t n = prl_addr_len(src);
	uint64_t idx, tat;

	if (!rl->rate || !rl->slots) {
		rl->passed++;
		return true;
	}
	in[0] = (uint8_t)src->family;
	memcpy(in + 1, &src->u, n);
	crypto_shorthash(h, in, 1 + n, rl->hash_key);
	memcpy(&idx, h, sizeof(idx));
	s = &rl->slots[idx % PRL_RL_SLOTS];

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
