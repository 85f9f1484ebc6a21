/* SPDX-License-Identifier: GPL-2.0-only */
/* Do not edit: made by scripts/nlspec/gen.py from the netlink spec. */
/*
 * Request policies (one per OP-req set of the spec and per subset nested
 * in one), the operations table and the multicast groups of the family.
 */
#ifndef _PRELAY_NETLINK_GEN_H
#define _PRELAY_NETLINK_GEN_H

#include <net/genetlink.h>
#include <linux/peer_relay.h>

/* Debian 6.1 has the stable backport of per-group bind checks. */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "the events group needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.1.66 or later)"
#endif

extern const struct nla_policy prelay_sock_attach_policy[PEER_RELAY_SOCK_A_MAX + 1];
extern const struct nla_policy prelay_sock_attach_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_sock_id_policy[PEER_RELAY_SOCK_A_MAX + 1];
extern const struct nla_policy prelay_sock_detach_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_sock_get_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_ep_new_policy[PEER_RELAY_EP_A_MAX + 1];
extern const struct nla_policy prelay_session_new_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_session_new_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_ep_bind_policy[PEER_RELAY_EP_A_MAX + 1];
extern const struct nla_policy prelay_session_bind_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_session_bind_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_session_del_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_session_del_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_session_sel_policy[PEER_RELAY_SESSION_A_MAX + 1];
extern const struct nla_policy prelay_session_get_req_policy[PEER_RELAY_A_MAX + 1];
extern const struct nla_policy prelay_ep_static_policy[PEER_RELAY_EP_A_MAX + 1];
extern const struct nla_policy prelay_static_eps_set_policy[PEER_RELAY_STATIC_EPS_A_MAX + 1];
extern const struct nla_policy prelay_config_set_policy[PEER_RELAY_CONFIG_A_MAX + 1];
extern const struct nla_policy prelay_config_set_req_policy[PEER_RELAY_A_MAX + 1];

int prelay_nl_sock_attach_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_sock_detach_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_sock_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_sock_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int prelay_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_bind_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int prelay_nl_session_flush_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct genl_ops prelay_genl_ops[11];

enum {
	PRELAY_MCGRP_EVENTS,
};

extern const struct genl_multicast_group prelay_genl_mcgrps[1];

#endif /* _PRELAY_NETLINK_GEN_H */
