/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stable names of the UAPI enums, shared by the kernel (sysfs file names)
 * and the tools (human output, JSON keys, Prometheus label values), so a
 * counter is called the same everywhere.
 */
#ifndef _PEER_RELAY_NAMES_H
#define _PEER_RELAY_NAMES_H

#include <linux/peer_relay.h>

static const char *const prelay_drop_names[__PEER_RELAY_DROP_MAX] = {
	[PEER_RELAY_DROP_SHORT]		= "short",
	[PEER_RELAY_DROP_UNKNOWN_VNI]	= "unknown_vni",
	[PEER_RELAY_DROP_NOT_BOUND]	= "not_bound",
	[PEER_RELAY_DROP_BAD_SOURCE]	= "bad_source",
	[PEER_RELAY_DROP_NO_SOCKET]	= "no_socket",
	[PEER_RELAY_DROP_NO_ROUTE]	= "no_route",
	[PEER_RELAY_DROP_TX_ERROR]	= "tx_error",
	[PEER_RELAY_DROP_NOMEM]		= "nomem",
	[PEER_RELAY_DROP_RATELIMIT]	= "ratelimit",
	[PEER_RELAY_DROP_RATELIMIT_TOTAL] = "ratelimit_total",
};

static const char *const prelay_pass_names[__PEER_RELAY_PASS_MAX] = {
	[PEER_RELAY_PASS_CONTROL]	= "control",
	[PEER_RELAY_PASS_NOT_GENEVE]	= "not_geneve",
	[PEER_RELAY_PASS_STUN]		= "stun",
};

static const char *const prelay_del_names[__PEER_RELAY_DEL_MAX] = {
	[PEER_RELAY_DEL_USER]		= "user",
	[PEER_RELAY_DEL_FLUSH]		= "flush",
	[PEER_RELAY_DEL_EXPIRED_BIND]	= "expired_bind",
	[PEER_RELAY_DEL_EXPIRED_IDLE]	= "expired_idle",
};

static const char *const prelay_sock_del_names[__PEER_RELAY_SOCK_DEL_MAX] = {
	[PEER_RELAY_SOCK_DEL_USER]	= "user",
	[PEER_RELAY_SOCK_DEL_CLOSED]	= "closed",
};

static const char *const prelay_state_names[] = {
	[PEER_RELAY_STATE_CONNECTING]	= "connecting",
	[PEER_RELAY_STATE_OPEN]		= "open",
};

/* (ingress, egress) family pairs in FWD_* attribute order. */
static const char *const prelay_af_pair_names[4][2] = {
	{ "udp4", "udp4" }, { "udp4", "udp6" },
	{ "udp6", "udp4" }, { "udp6", "udp6" },
};

#endif /* _PEER_RELAY_NAMES_H */
