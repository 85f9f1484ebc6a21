/* SPDX-License-Identifier: GPL-2.0-only */
/* Multicast notifications on the "events" group. */
#ifndef _PR_NOTIFY_H
#define _PR_NOTIFY_H

#include "instance.h"

struct prelay_session;
struct prelay_sock;

void prelay_notify_session(struct prelay_instance *inst, struct prelay_session *s,
		       u8 cmd, u32 reason);
void prelay_notify_sock_del(struct prelay_instance *inst, struct prelay_sock *ps,
			u32 reason);

#endif /* _PR_NOTIFY_H */
