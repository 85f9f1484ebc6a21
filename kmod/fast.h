/* SPDX-License-Identifier: GPL-2.0-only */
/* The netfilter fast path: data datagrams rewritten in place (fast.c). */
#ifndef _PR_FAST_H
#define _PR_FAST_H

#include "instance.h"

void prelay_fast_start(struct prelay_instance *inst);
void prelay_fast_stop(struct prelay_instance *inst);

#endif /* _PR_FAST_H */
