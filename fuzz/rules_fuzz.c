// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the pure session rules shared by the module and
 * relayd's userspace data plane (include/peer_relay/expiry.h,
 * ratelimit.h, limits.h), driven by arbitrary times and settings.
 *
 * Properties: a bucket never holds more than its burst and never passes
 * more than burst + rate x elapsed datagrams; its stamp never goes back;
 * rate 0 never limits. An open session never expires for its bind
 * window, an unopened one never for idleness; expiry is monotonic in
 * time (once expired, later is expired too, within half the tick range);
 * the scan period is within its bounds.
 */
#include <stdint.h>
#include <string.h>

#include <peer_relay/expiry.h>
#include <peer_relay/limits.h>
#include <peer_relay/ratelimit.h>

#include "fuzz_common.h"

static uint64_t take(const uint8_t **p, size_t *n, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes-- && *n) {
		v = v << 8 | **p;
		(*p)++;
		(*n)--;
	}
	return v;
}

static void bucket(const uint8_t *p, size_t n)
{
	uint32_t rate = (uint32_t)take(&p, &n, 3), burst = (uint32_t)take(&p, &n, 2);
	struct prelay_rl_shape s = prelay_rl_shape_of(rate, burst);
	__u64 t0 = take(&p, &n, 8), now = t0, last = t0, tokens = s.max_ns;
	uint64_t passed = 0, elapsed = 0;

	FZ_CHECK(!rate == !s.cost_ns);
	while (n >= 2) {
		uint64_t step = take(&p, &n, 2) * 1000;	/* up to ~65 ms */
		__u64 before = last;
		int ok;

		if (now + step < now)
			break;
		now += step;
		elapsed += step;
		ok = prelay_rl_step(&last, &tokens, &s, now);
		FZ_CHECK(last >= before);
		if (!rate) {
			FZ_CHECK(ok);
			continue;
		}
		FZ_CHECK(tokens <= s.max_ns);
		passed += ok;
	}
	if (rate) {
		/* burst + rate x elapsed, + 1 for rounding of the cost */
		uint64_t max = (burst ? burst : 1) +
			       elapsed / s.cost_ns + 1;

		FZ_CHECK(passed <= max);
	}
}

static void expiry(const uint8_t *p, size_t n)
{
	unsigned long now = take(&p, &n, 8), created = take(&p, &n, 8);
	unsigned long l0 = take(&p, &n, 8), l1 = take(&p, &n, 8);
	unsigned long bind = take(&p, &n, 4), idle = take(&p, &n, 4);
	unsigned long later = now + take(&p, &n, 4);
	int open = (int)(take(&p, &n, 1) & 1);
	enum peer_relay_del_reason r, r2;
	uint32_t period;

	r = prelay_expiry_decide(open, now, created, l0, l1, bind, idle);
	if (open)
		FZ_CHECK(r != PEER_RELAY_DEL_EXPIRED_BIND);
	else
		FZ_CHECK(r != PEER_RELAY_DEL_EXPIRED_IDLE);
	/* monotonic while the times stay within half the tick range */
	if (r && (long)(later - now) >= 0 &&
	    (long)(later - created) >= 0 && (long)(now - created) >= 0 &&
	    (long)(later - l0) >= 0 && (long)(later - l1) >= 0 &&
	    (long)(now - l0) >= 0 && (long)(now - l1) >= 0 &&
	    (long)(created + bind - created) >= 0 &&
	    (long)(l0 + idle - l0) >= 0 && (long)(l1 + idle - l1) >= 0) {
		r2 = prelay_expiry_decide(open, later, created, l0, l1, bind,
					  idle);
		FZ_CHECK(r2 == r);
	}
	period = prelay_expiry_period_ms((uint32_t)bind, (uint32_t)idle);
	FZ_CHECK(period >= PRELAY_EXPIRY_PERIOD_MIN_MS &&
		 period <= PRELAY_EXPIRY_PERIOD_MAX_MS);
	FZ_CHECK(prelay_lifetime_valid((uint32_t)bind) ==
		 (bind >= PRELAY_LIFETIME_MIN_MS && bind <= PRELAY_LIFETIME_MAX_MS));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		bucket(data + 1, size - 1);
	else
		expiry(data + 1, size - 1);
	return 0;
}
