/* SPDX-License-Identifier: GPL-2.0-only */
/* Message builders shared by the replies (netlink.c) and events (notify.c). */
#ifndef _PRELAY_NLMSG_H
#define _PRELAY_NLMSG_H

#include <linux/skbuff.h>

struct prelay_config;
struct prelay_session;
struct prelay_sock;
struct prelay_stats;

size_t prelay_nl_session_size(void);
int prelay_nl_put_session(struct sk_buff *msg, struct prelay_session *s);
int prelay_nl_put_sock(struct sk_buff *msg, struct prelay_sock *ps);
int prelay_nl_put_stats(struct sk_buff *msg, const struct prelay_stats *st);
int prelay_nl_put_config(struct sk_buff *msg, const struct prelay_config *cfg);

#endif /* _PRELAY_NLMSG_H */
