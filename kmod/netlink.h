/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic netlink family "peer_relay": registration and message builders. */
#ifndef _PR_NETLINK_H
#define _PR_NETLINK_H

#include <net/genetlink.h>

struct prelay_session;
struct prelay_sock;

extern struct genl_family prelay_genl_family;

/* Index of the "events" group in the family's mcgrps. */
#define PRELAY_MCGRP_EVENTS	0

int prelay_nl_register(void);
void prelay_nl_unregister(void);

size_t prelay_nl_session_size(void);
int prelay_nl_put_session(struct sk_buff *msg, struct prelay_session *s);
int prelay_nl_put_sock(struct sk_buff *msg, struct prelay_sock *ps);

#endif /* _PR_NETLINK_H */
