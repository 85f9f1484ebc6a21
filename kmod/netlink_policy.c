// SPDX-License-Identifier: GPL-2.0-only
/* Request policies of the peer_relay family (see netlink_policy.h). */
#include <peer_relay/limits.h>

#include "netlink_policy.h"

/*
 * 6.1's NLA_POLICY_RANGE holds s16 bounds, so wider ranges need these;
 * the policy field is not const there.
 */
static struct netlink_range_validation prelay_vni_range = {
	.min = PEER_RELAY_VNI_MIN,
	.max = PEER_RELAY_VNI_MAX,
};

static struct netlink_range_validation prelay_lifetime_range = {
	.min = PRELAY_LIFETIME_MIN_MS,
	.max = PRELAY_LIFETIME_MAX_MS,
};

static struct netlink_range_validation prelay_pass_rate_range = {
	.min = 0,
	.max = PRELAY_PASS_RATE_MAX,
};

static struct netlink_range_validation prelay_pass_burst_range = {
	.min = PRELAY_PASS_BURST_MIN,
	.max = PRELAY_PASS_BURST_MAX,
};

static struct netlink_range_validation prelay_max_sessions_range = {
	.min = PRELAY_MAX_SESSIONS_MIN,
	.max = PEER_RELAY_VNI_MAX,
};

/* Nested policies. */
const struct nla_policy prelay_sock_attach_policy[PEER_RELAY_SOCK_A_MAX + 1] = {
	[PEER_RELAY_SOCK_A_FD] = { .type = NLA_U32 },
};

const struct nla_policy prelay_sock_id_policy[PEER_RELAY_SOCK_A_MAX + 1] = {
	[PEER_RELAY_SOCK_A_ID] = { .type = NLA_U32 },
};

const struct nla_policy prelay_ep_bind_policy[PEER_RELAY_EP_A_MAX + 1] = {
	[PEER_RELAY_EP_A_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[PEER_RELAY_EP_A_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[PEER_RELAY_EP_A_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PEER_RELAY_EP_A_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[PEER_RELAY_EP_A_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

const struct nla_policy prelay_ep_static_policy[PEER_RELAY_EP_A_MAX + 1] = {
	[PEER_RELAY_EP_A_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[PEER_RELAY_EP_A_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[PEER_RELAY_EP_A_REMOTE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* Optional EP0/EP1: create and bind in one request (bulk installs). */
const struct nla_policy prelay_session_new_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	[PEER_RELAY_SESSION_A_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_vni_range),
	[PEER_RELAY_SESSION_A_KEY0] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_SESSION_A_KEY1] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_SESSION_A_EP0] = NLA_POLICY_NESTED(prelay_ep_bind_policy),
	[PEER_RELAY_SESSION_A_EP1] = NLA_POLICY_NESTED(prelay_ep_bind_policy),
};

const struct nla_policy prelay_session_bind_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	[PEER_RELAY_SESSION_A_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_vni_range),
	[PEER_RELAY_SESSION_A_EP0] = NLA_POLICY_NESTED(prelay_ep_bind_policy),
	[PEER_RELAY_SESSION_A_EP1] = NLA_POLICY_NESTED(prelay_ep_bind_policy),
};

/* Selects one session, by VNI or by key pair (GET, DEL). */
const struct nla_policy prelay_session_sel_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	[PEER_RELAY_SESSION_A_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_vni_range),
	[PEER_RELAY_SESSION_A_KEY0] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_SESSION_A_KEY1] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),
};

const struct nla_policy prelay_static_eps_policy[PEER_RELAY_STATIC_EPS_A_MAX + 1] = {
	[PEER_RELAY_STATIC_EPS_A_EP] = NLA_POLICY_NESTED(prelay_ep_static_policy),
};

const struct nla_policy prelay_config_set_policy[PEER_RELAY_CONFIG_A_MAX + 1] = {
	[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_lifetime_range),
	[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_lifetime_range),
	[PEER_RELAY_CONFIG_A_MAX_SESSIONS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_max_sessions_range),
	[PEER_RELAY_CONFIG_A_SERVER_KEY] = NLA_POLICY_EXACT_LEN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_CONFIG_A_STATIC_EPS] = NLA_POLICY_NESTED(prelay_static_eps_policy),
	[PEER_RELAY_CONFIG_A_PASS_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_pass_rate_range),
	[PEER_RELAY_CONFIG_A_PASS_BURST] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_pass_burst_range),
	[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &prelay_pass_rate_range),
};

/* Top-level request policies: one nest each. */
const struct nla_policy prelay_sock_attach_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SOCK] = NLA_POLICY_NESTED(prelay_sock_attach_policy),
};

const struct nla_policy prelay_sock_id_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SOCK] = NLA_POLICY_NESTED(prelay_sock_id_policy),
};

const struct nla_policy prelay_session_new_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_new_policy),
};

const struct nla_policy prelay_session_bind_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_bind_policy),
};

const struct nla_policy prelay_session_sel_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_SESSION] = NLA_POLICY_NESTED(prelay_session_sel_policy),
};

const struct nla_policy prelay_config_set_req_policy[PEER_RELAY_A_MAX + 1] = {
	[PEER_RELAY_A_CONFIG] = NLA_POLICY_NESTED(prelay_config_set_policy),
};
