/* SPDX-License-Identifier: GPL-2.0-only */
/* Multicast notifications on the "events" group. */
#ifndef _PR_NOTIFY_H
#define _PR_NOTIFY_H

#include "instance.h"

struct pr_session;
struct pr_sock;

void pr_notify_session(struct pr_instance *inst, struct pr_session *s,
		       u8 cmd, u32 reason);
void pr_notify_sock_del(struct pr_instance *inst, struct pr_sock *ps,
			u32 reason);

#endif /* _PR_NOTIFY_H */
