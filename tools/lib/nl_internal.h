/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by the nl*.c files of libpeerrelay. */
#ifndef PRL_NL_INTERNAL_H
#define PRL_NL_INTERNAL_H

#include <netlink/netlink.h>

/* Connect @sk to generic netlink, size its buffers, enable extack. */
int prl_nl_socket_setup(struct nl_sock *sk);

#endif /* PRL_NL_INTERNAL_H */
