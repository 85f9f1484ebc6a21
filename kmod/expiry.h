/* SPDX-License-Identifier: GPL-2.0-only */
/* Expiry of sessions that never got bound or went idle (protocol §4.4). */
#ifndef _PR_EXPIRY_H
#define _PR_EXPIRY_H

#include "instance.h"

void pr_expiry_init(struct pr_instance *inst);
void pr_expiry_kick(struct pr_instance *inst);
void pr_expiry_reconfigure(struct pr_instance *inst);
void pr_expiry_stop(struct pr_instance *inst);

#endif /* _PR_EXPIRY_H */
