/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic netlink family "peer_relay": registration and message builders. */
#ifndef _PR_NETLINK_H
#define _PR_NETLINK_H

#include <net/genetlink.h>

struct pr_session;
struct pr_sock;

extern struct genl_family pr_genl_family;

/* Index of the "events" group in the family's mcgrps. */
#define PR_MCGRP_EVENTS	0

int pr_nl_register(void);
void pr_nl_unregister(void);

size_t pr_nl_session_size(void);
int pr_nl_put_session(struct sk_buff *msg, struct pr_session *s);
int pr_nl_put_sock(struct sk_buff *msg, struct pr_sock *ps);

#endif /* _PR_NETLINK_H */
