// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end probes through a relay: client A sends a disco Ping to B
 * over the relay, B answers with a Pong over the relay (relay-client
 * pair, relayctl ping).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "relayclient.h"

void prl_rc_sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int prl_rc_ms_left(uint64_t deadline)
{
	uint64_t now = prl_rc_now_ns();

	return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

/* Receive on @c until a Ping (or Pong) with @txid arrives. */
static int wait_for(struct prl_rc *c, enum prl_rc_kind kind,
		    const uint8_t *txid, uint64_t deadline, uint8_t *buf,
		    struct prl_rc_rx *rx)
{
	int err;

	for (;;) {
		err = prl_rc_recv(c, buf, PRL_RC_MAX_DATAGRAM,
				  prl_rc_ms_left(deadline), rx);
		if (err)
			return err;
		if (rx->kind != kind)
			continue;
		if (!memcmp(kind == PRL_RC_RX_PING ? rx->msg.u.ping.txid :
			    rx->msg.u.pong.txid, txid, PRL_DISCO_TXID_LEN))
			return 0;
	}
}

int prl_rc_probe(struct prl_rc *a, struct prl_rc *b, size_t padding,
		 int timeout_ms, uint8_t *buf, uint64_t *rtt_ns,
		 bool *modified)
{
	uint8_t txid[PRL_DISCO_TXID_LEN], sent[PRL_DISCO_MAX_PLAIN + 256];
	uint64_t t0, deadline;
	struct prl_rc_rx rx;
	ssize_t n;
	int err;

	randombytes_buf(txid, sizeof(txid));
	n = prl_rc_build_ping(a, txid, padding, sent, sizeof(sent));
	if (n < 0)
		return (int)n;
	t0 = prl_rc_now_ns();
	deadline = t0 + (uint64_t)timeout_ms * 1000000u;
	err = prl_rc_send_raw(a, sent, (size_t)n);
	if (!err)
		err = wait_for(b, PRL_RC_RX_PING, txid, deadline, buf, &rx);
	if (err)
		return err;
	if (rx.len != (size_t)n || memcmp(rx.datagram, sent, (size_t)n))
		*modified = true;
	err = prl_rc_send_pong(b, &rx);
	if (!err)
		err = wait_for(a, PRL_RC_RX_PONG, txid, deadline, buf, &rx);
	if (err)
		return err;
	*rtt_ns = prl_rc_now_ns() - t0;
	return 0;
}

int prl_rc_confirm(struct prl_rc *a, struct prl_rc *b, int timeout_ms,
		   uint8_t *buf)
{
	uint64_t deadline = prl_rc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	bool modified = false;
	uint64_t rtt;
	int err, left;

	do {
		left = prl_rc_ms_left(deadline);
		err = prl_rc_probe(a, b, 0, left < PRL_RC_CONFIRM_MS ? left :
				   PRL_RC_CONFIRM_MS, buf, &rtt, &modified);
	} while (err == -ETIMEDOUT && prl_rc_ms_left(deadline) > 0);
	return err;
}
