/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict per-operation request policies. Each request has one top-level
 * nest whose policy admits exactly the attributes that operation takes;
 * everything else is rejected by the netlink core with an extack message.
 */
#ifndef _PR_NETLINK_POLICY_H
#define _PR_NETLINK_POLICY_H

#include <net/netlink.h>
#include <linux/peer_relay.h>

extern const struct nla_policy prelay_sock_attach_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_sock_id_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_session_new_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_session_bind_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_session_sel_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_config_set_req_policy[PEER_RELAY_A_MAX + 1];

extern const struct nla_policy prelay_sock_attach_policy[PEER_RELAY_SOCK_A_MAX + 1];
extern const struct nla_policy prelay_sock_id_policy[PEER_RELAY_SOCK_A_MAX + 1];
extern const struct nla_policy prelay_session_new_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_session_bind_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_session_sel_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_ep_bind_policy[PEER_RELAY_EP_A_MAX + 1];
extern const struct nla_policy prelay_ep_static_policy[PEER_RELAY_EP_A_MAX + 1];
extern const struct nla_policy prelay_static_eps_policy[PEER_RELAY_STATIC_EPS_A_MAX + 1];
extern const struct nla_policy prelay_config_set_policy[PEER_RELAY_CONFIG_A_MAX + 1];

#endif /* _PR_NETLINK_POLICY_H */
