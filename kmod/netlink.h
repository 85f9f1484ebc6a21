/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic netlink family "peer_relay": registration. */
#ifndef _PR_NETLINK_H
#define _PR_NETLINK_H

#include <net/genetlink.h>

#include "netlink_gen.h"	/* PRELAY_MCGRP_EVENTS, the handlers */

extern struct genl_family prelay_genl_family;

int prelay_nl_register(void);
void prelay_nl_unregister(void);

#endif /* _PR_NETLINK_H */
