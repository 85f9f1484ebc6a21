// SPDX-License-Identifier: GPL-2.0-only
/* Do not edit: made by scripts/nlspec/gen.py from the netlink spec. */
#include "netlink_gen.h"

/* NLA_POLICY_RANGE() for bounds wider than the s16 it holds in 6.1. */
#define PRELAY_POLICY_RANGE(tp, lo, hi) \
	NLA_POLICY_FULL_RANGE(tp, (&(struct netlink_range_validation){ .min = (lo), .max = (hi) }))

/*
 * A policy whose entries another one takes as well keeps them in
 * PRELAY_<SET>_ATTRS, so that each is written once.
 */

static const struct nla_policy prelay_sock_attach_policy[PEER_RELAY_SOCK_A_MAX + 1] = {
	[PEER_RELAY_SOCK_A_FD] = { .type = NLA_U32 },
};

static const struct nla_policy prelay_sock_attach_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SOCK] = NLA_POLICY_NESTED(prelay_sock_attach_policy),
};

static const struct nla_policy prelay_sock_id_policy[PEER_RELAY_SOCK_A_MAX + 1] = {
	[PEER_RELAY_SOCK_A_ID] = { .type = NLA_U32 },
};

static const struct nla_policy prelay_sock_id_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SOCK] = NLA_POLICY_NESTED(prelay_sock_id_policy),
};

#define PRELAY_EP_STATIC_ATTRS						\
	[PEER_RELAY_EP_A_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(4),	\
	[PEER_RELAY_EP_A_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(16),	\
	[PEER_RELAY_EP_A_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1)
static const struct nla_policy prelay_ep_static_policy[PEER_RELAY_EP_A_MAX + 1] = {
	PRELAY_EP_STATIC_ATTRS,
};

/* A binding; local-* is optional. */
#define PRELAY_EP_BIND_ATTRS						\
	[PEER_RELAY_EP_A_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(4),		\
	[PEER_RELAY_EP_A_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(16),	\
	PRELAY_EP_STATIC_ATTRS
static const struct nla_policy prelay_ep_bind_policy[PEER_RELAY_EP_A_MAX + 1] = {
	PRELAY_EP_BIND_ATTRS,
};

/* A binding of session-new; idle-ms only with replica. */
static const struct nla_policy prelay_ep_new_policy[PEER_RELAY_EP_A_MAX + 1] = {
	PRELAY_EP_BIND_ATTRS,
	[PEER_RELAY_EP_A_IDLE_MS] = { .type = NLA_U64 },
};

/* Selects one session, by vni or by key0 and key1. */
#define PRELAY_SESSION_SEL_ATTRS						\
	[PEER_RELAY_SESSION_A_VNI] = PRELAY_POLICY_RANGE(NLA_U32, 1, 0xffffff),	\
	[PEER_RELAY_SESSION_A_KEY0] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),	\
	[PEER_RELAY_SESSION_A_KEY1] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN)
static const struct nla_policy prelay_session_sel_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	PRELAY_SESSION_SEL_ATTRS,
};

static const struct nla_policy prelay_session_sel_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_sel_policy),
};

/* A selector, optionally only that lamport, optionally a replica's. */
#define PRELAY_SESSION_DEL_ATTRS					\
	[PEER_RELAY_SESSION_A_LAMPORT] = NLA_POLICY_MIN(NLA_U64, 1),	\
	[PEER_RELAY_SESSION_A_REPLICA] = { .type = NLA_FLAG },		\
	PRELAY_SESSION_SEL_ATTRS
static const struct nla_policy prelay_session_del_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	PRELAY_SESSION_DEL_ATTRS,
};

static const struct nla_policy prelay_session_del_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_del_policy),
};

/* lamport, age-ms and the endpoints' idle-ms only with replica. */
static const struct nla_policy prelay_session_new_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	PRELAY_SESSION_DEL_ATTRS,
	[PEER_RELAY_SESSION_A_EP0] = NLA_POLICY_NESTED(prelay_ep_new_policy),
	[PEER_RELAY_SESSION_A_EP1] = NLA_POLICY_NESTED(prelay_ep_new_policy),
	[PEER_RELAY_SESSION_A_AGE_MS] = { .type = NLA_U64 },
	[PEER_RELAY_SESSION_A_NO_REPLY] = { .type = NLA_FLAG },
};

static const struct nla_policy prelay_session_new_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_new_policy),
};

static const struct nla_policy prelay_session_bind_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	[PEER_RELAY_SESSION_A_VNI] = PRELAY_POLICY_RANGE(NLA_U32, 1, 0xffffff),
	[PEER_RELAY_SESSION_A_EP0] = NLA_POLICY_NESTED(prelay_ep_bind_policy),
	[PEER_RELAY_SESSION_A_EP1] = NLA_POLICY_NESTED(prelay_ep_bind_policy),
};

static const struct nla_policy prelay_session_bind_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_bind_policy),
};

static const struct nla_policy prelay_static_eps_set_policy[PEER_RELAY_STATIC_EPS_A_MAX + 1] = {
	[PEER_RELAY_STATIC_EPS_A_EP] = NLA_POLICY_NESTED(prelay_ep_static_policy),
};

static const struct nla_policy prelay_config_set_policy[PEER_RELAY_CONFIG_A_MAX + 1] = {
	[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS] = PRELAY_POLICY_RANGE(NLA_U32, 100, 86400000),
	[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS] = PRELAY_POLICY_RANGE(NLA_U32, 100, 86400000),
	[PEER_RELAY_CONFIG_A_MAX_SESSIONS] = PRELAY_POLICY_RANGE(NLA_U32, 1, 0xffffff),
	[PEER_RELAY_CONFIG_A_SERVER_KEY] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_CONFIG_A_STATIC_EPS] = NLA_POLICY_NESTED(prelay_static_eps_set_policy),
	[PEER_RELAY_CONFIG_A_PASS_RATE] = PRELAY_POLICY_RANGE(NLA_U32, 0, 10000000),
	[PEER_RELAY_CONFIG_A_PASS_BURST] = PRELAY_POLICY_RANGE(NLA_U32, 1, 10000000),
	[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL] = PRELAY_POLICY_RANGE(NLA_U32, 0, 10000000),
	[PEER_RELAY_CONFIG_A_VNI_MIN] = PRELAY_POLICY_RANGE(NLA_U32, 1, 0xffffff),
	[PEER_RELAY_CONFIG_A_VNI_MAX] = PRELAY_POLICY_RANGE(NLA_U32, 1, 0xffffff),
};

static const struct nla_policy prelay_config_set_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_CONFIG] = NLA_POLICY_NESTED(prelay_config_set_policy),
};

const struct genl_ops prelay_genl_ops[11] = {
	{
		.cmd = PEER_RELAY_CMD_SOCK_ATTACH,
		.doit = prelay_nl_sock_attach_doit,
		.policy = prelay_sock_attach_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SOCK_DETACH,
		.doit = prelay_nl_sock_detach_doit,
		.policy = prelay_sock_id_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SOCK_GET,
		.doit = prelay_nl_sock_get_doit,
		.dumpit = prelay_nl_sock_get_dumpit,
		.policy = prelay_sock_id_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_NEW,
		.doit = prelay_nl_session_new_doit,
		.policy = prelay_session_new_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_BIND,
		.doit = prelay_nl_session_bind_doit,
		.policy = prelay_session_bind_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_DEL,
		.doit = prelay_nl_session_del_doit,
		.policy = prelay_session_del_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_GET,
		.doit = prelay_nl_session_get_doit,
		.dumpit = prelay_nl_session_get_dumpit,
		.policy = prelay_session_sel_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_SESSION_FLUSH,
		.doit = prelay_nl_session_flush_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PEER_RELAY_CMD_STATS_GET,
		.doit = prelay_nl_stats_get_doit,
	},
	{
		.cmd = PEER_RELAY_CMD_CONFIG_GET,
		.doit = prelay_nl_config_get_doit,
	},
	{
		.cmd = PEER_RELAY_CMD_CONFIG_SET,
		.doit = prelay_nl_config_set_doit,
		.policy = prelay_config_set_req_policy,
		.maxattr = PEER_RELAY_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

const struct genl_multicast_group prelay_genl_mcgrps[1] = {
	[PRELAY_MCGRP_EVENTS] = {
		.name = PEER_RELAY_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};
