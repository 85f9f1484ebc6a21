/* SPDX-License-Identifier: GPL-2.0-only */
/* Expiry of sessions that never got bound or went idle (protocol §4.4). */
#ifndef _PR_EXPIRY_H
#define _PR_EXPIRY_H

#include "instance.h"

struct prelay_session;

int prelay_expiry_init(struct prelay_instance *inst);
void prelay_expiry_add(struct prelay_instance *inst, struct prelay_session *s);
void prelay_expiry_opened(struct prelay_instance *inst, struct prelay_session *s);
void prelay_expiry_del(struct prelay_instance *inst, struct prelay_session *s);
void prelay_expiry_reconfigure(struct prelay_instance *inst);
void prelay_expiry_stop(struct prelay_instance *inst);

#endif /* _PR_EXPIRY_H */
