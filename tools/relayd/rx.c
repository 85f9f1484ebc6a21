// SPDX-License-Identifier: GPL-2.0-only
/* relayd: default handler of datagrams passed up by the kernel. */
#include <peer_relay/classify.h>

#include "relayd.h"

static const char *class_name(enum prelay_class c)
{
	switch (c) {
	case PRELAY_CLASS_SHORT:
		return "short";
	case PRELAY_CLASS_STUN:
		return "stun";
	case PRELAY_CLASS_NOT_GENEVE:
		return "not_geneve";
	case PRELAY_CLASS_CONTROL:
		return "control";
	case PRELAY_CLASS_DATA:
		return "data";
	}
	return "unknown";
}

void relayd_rx_default(struct relayd *rd, const struct relayd_pkt *pkt,
		       void *arg)
{
	struct relayd_rx_stats *st = arg;
	char src[PRL_ENDPOINT_STRLEN], dst[PRL_ENDPOINT_STRLEN];
	enum prelay_class c;
	__u32 vni = 0;

	if (st) {
		st->datagrams++;
		st->bytes += pkt->len;
		if (pkt->truncated)
			st->truncated++;
	}
	if (!prl_log_enabled(&rd->log, PRL_LOG_DEBUG))
		return;
	c = prelay_classify(pkt->data, (__u32)pkt->len, &vni);
	prl_log_debug(&rd->log, "rx %zu bytes %s vni %u from %s to %s on socket id %u",
		     pkt->len, class_name(c), vni,
		     prl_endpoint_fmt(&pkt->src, src, sizeof(src)),
		     prl_endpoint_fmt(&pkt->dst, dst, sizeof(dst)),
		     pkt->sock->id);
}
