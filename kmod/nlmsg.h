/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Message builders shared by the replies and dumps (netlink.c) and the
 * events (notify.c): the frame of a message and the attributes inside it.
 */
#ifndef _PRELAY_NLMSG_H
#define _PRELAY_NLMSG_H

#include <linux/skbuff.h>

struct prelay_config;
struct prelay_session;
struct prelay_sock;
struct prelay_stats;

/**
 * struct prelay_nl_msg - a message of the family being built
 * @skb: the message
 * @hdr: its genetlink header
 * @nest: its one top-level nest (PEER_RELAY_A_*), filled by the caller
 */
struct prelay_nl_msg {
	struct sk_buff *skb;
	void *hdr;
	struct nlattr *nest;
};

int prelay_nl_msg_start(struct prelay_nl_msg *m, struct sk_buff *skb,
			u32 portid, u32 seq, int flags, u8 cmd, int attr);
int prelay_nl_msg_new(struct prelay_nl_msg *m, size_t size, u32 portid,
		      u32 seq, u8 cmd, int attr);
void prelay_nl_msg_end(struct prelay_nl_msg *m);
int prelay_nl_msg_finish(struct prelay_nl_msg *m, int err);

size_t prelay_nl_session_size(void);
int prelay_nl_put_session(struct sk_buff *msg, struct prelay_session *s);
int prelay_nl_put_sock(struct sk_buff *msg, struct prelay_sock *ps);
int prelay_nl_put_stats(struct sk_buff *msg, const struct prelay_stats *st);
int prelay_nl_put_config(struct sk_buff *msg, const struct prelay_config *cfg);

#endif /* _PRELAY_NLMSG_H */
