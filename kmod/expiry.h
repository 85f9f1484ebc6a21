/* SPDX-License-Identifier: GPL-2.0-only */
/* Expiry of sessions that never got bound or went idle (protocol §4.4). */
#ifndef _PR_EXPIRY_H
#define _PR_EXPIRY_H

#include "instance.h"

void prelay_expiry_init(struct prelay_instance *inst);
void prelay_expiry_kick(struct prelay_instance *inst);
void prelay_expiry_reconfigure(struct prelay_instance *inst);
void prelay_expiry_stop(struct prelay_instance *inst);

#endif /* _PR_EXPIRY_H */
