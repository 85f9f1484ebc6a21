// SPDX-License-Identifier: GPL-2.0-only
/* relayd: default handler of datagrams passed up by the kernel. */
#include <peer_relay/classify.h>

#include "relayd.h"

static const char *class_name(enum pr_class c)
{
	switch (c) {
	case PR_CLASS_SHORT:
		return "short";
	case PR_CLASS_STUN:
		return "stun";
	case PR_CLASS_NOT_GENEVE:
		return "not_geneve";
	case PR_CLASS_CONTROL:
		return "control";
	case PR_CLASS_DATA:
		return "data";
	}
	return "unknown";
}

void relayd_rx_default(struct relayd *rd, const struct relayd_pkt *pkt,
		       void *arg)
{
	struct relayd_rx_stats *st = arg;
	char src[PR_ENDPOINT_STRLEN], dst[PR_ENDPOINT_STRLEN];
	enum pr_class c;
	__u32 vni = 0;

	if (st) {
		st->datagrams++;
		st->bytes += pkt->len;
		if (pkt->truncated)
			st->truncated++;
	}
	if (!pr_log_enabled(&rd->log, PR_LOG_DEBUG))
		return;
	c = pr_classify(pkt->data, (__u32)pkt->len, &vni);
	pr_log_debug(&rd->log, "rx %zu bytes %s vni %u from %s to %s on socket id %u",
		     pkt->len, class_name(c), vni,
		     pr_endpoint_fmt(&pkt->src, src, sizeof(src)),
		     pr_endpoint_fmt(&pkt->dst, dst, sizeof(dst)),
		     pkt->sock->id);
}
