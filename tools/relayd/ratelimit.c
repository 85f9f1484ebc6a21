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
	rl->shape = prelay_rl_shape_of(rate, rl->burst);
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

/* The unit one source controls: an IPv4 address, an IPv6 /64. */
static void source_key(const struct prl_addr *src, struct prl_addr *key)
{
	memset(key, 0, sizeof(*key));
	key->family = src->family;
	memcpy(&key->u, &src->u, src->family == AF_INET6 ?
	       PRELAY_RL_V6_PREFIX_BYTES : prl_addr_len(src));
}

/* Would the bucket be full at @now (its owner idle, or no owner)? */
static bool slot_idle(const struct prl_rl_slot *s,
		      const struct prelay_rl_shape *shape, uint64_t now)
{
	if (!s->addr.family || s->tokens_ns >= shape->max_ns)
		return true;
	return now > s->last_ns &&
	       now - s->last_ns >= shape->max_ns - s->tokens_ns;
}

bool prl_rl_allow(struct prl_ratelimit *rl, const struct prl_addr *src,
		 uint64_t now_ns)
{
	uint8_t in[1 + 16], h[crypto_shorthash_BYTES];
	struct prl_rl_slot *s;
	struct prl_addr key;
	uint64_t idx;

	if (!rl->rate || !rl->slots) {
		rl->passed++;
		return true;
	}
	source_key(src, &key);
	in[0] = (uint8_t)key.family;
	memcpy(in + 1, &key.u, 16);
	crypto_shorthash(h, in, sizeof(in), rl->hash_key);
	memcpy(&idx, h, sizeof(idx));
	s = &rl->slots[idx % PRL_RL_SLOTS];

	if ((s->addr.family != key.family ||
	     memcmp(&s->addr.u, &key.u, sizeof(key.u))) &&
	    slot_idle(s, &rl->shape, now_ns)) {
		s->addr = key;
		s->last_ns = now_ns;
		s->tokens_ns = rl->shape.max_ns;
	}
	if (!prelay_rl_step(&s->last_ns, &s->tokens_ns, &rl->shape, now_ns)) {
		rl->limited++;
		return false;
	}
	rl->passed++;
	return true;
}
