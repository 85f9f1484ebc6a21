/* SPDX-License-Identifier: GPL-2.0-only */
/* Do not edit: made by scripts/nlspec/gen.py from the netlink spec. */
/*
 * The operations table and the multicast groups of the family; the
 * request policies it points to stay in netlink_gen.c.
 */
#ifndef _PRELAY_NETLINK_GEN_H
#define _PRELAY_NETLINK_GEN_H

#include <net/genetlink.h>
#include <linux/peer_relay.h>

/* Debian 6.1 has the stable backport of per-group bind checks. */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "the events group needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.1.66 or later)"
#endif

/* The handlers (netlink.c): do, then dump. */
int prelay_nl_sock_attach_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_sock_detach_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_sock_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_bind_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_session_flush_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int prelay_nl_sock_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int prelay_nl_session_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);

extern const struct genl_ops prelay_genl_ops[11];

enum {
	PRELAY_MCGRP_EVENTS,
};

extern const struct genl_multicast_group prelay_genl_mcgrps[1];

#endif /* _PRELAY_NETLINK_GEN_H */
