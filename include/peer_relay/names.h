/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stable names of the UAPI enums, shared by the kernel (sysfs file names)
 * and the tools (human output, JSON keys, Prometheus label values), so a
 * counter is called the same everywhere.
 * Do not edit: made by scripts/nlspec/gen.py from the netlink spec.
 */
#ifndef _PEER_RELAY_NAMES_H
#define _PEER_RELAY_NAMES_H

#include <linux/peer_relay.h>

/* enum peer_relay_drop_reason, by value */
static const char *const prelay_drop_names[__PEER_RELAY_DROP_MAX] = {
	[PEER_RELAY_DROP_SHORT] = "short", "unknown_vni", "not_bound", "bad_source", "no_socket",
	"no_route", "tx_error", "nomem", "ratelimit", "ratelimit_total",
};

/* enum peer_relay_pass_reason, by value */
static const char *const prelay_pass_names[__PEER_RELAY_PASS_MAX] = {
	[PEER_RELAY_PASS_CONTROL] = "control", "not_geneve", "stun",
};

/* enum peer_relay_del_reason, by value */
static const char *const prelay_del_names[__PEER_RELAY_DEL_MAX] = {
	[PEER_RELAY_DEL_USER] = "user", "flush", "expired_bind", "expired_idle",
};

/* enum peer_relay_sock_del_reason, by value */
static const char *const prelay_sock_del_names[__PEER_RELAY_SOCK_DEL_MAX] = {
	[PEER_RELAY_SOCK_DEL_USER] = "user", "closed",
};

/* enum peer_relay_session_state, by value */
static const char *const prelay_state_names[] = {
	[PEER_RELAY_STATE_CONNECTING] = "connecting", "open",
};

/* (ingress, egress) family pairs in FWD_* attribute order. */
static const char *const prelay_af_pair_names[4][2] = {
	{ "udp4", "udp4" }, { "udp4", "udp6" },
	{ "udp6", "udp4" }, { "udp6", "udp6" },
};

#endif /* _PEER_RELAY_NAMES_H */
