/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by the nl*.c files of libpeerrelay. */
#ifndef PRL_NL_INTERNAL_H
#define PRL_NL_INTERNAL_H

#include <netlink/netlink.h>

#include "nl.h"

/* Connect @sk to generic netlink, size its buffers, enable extack. */
int prl_nl_socket_setup(struct nl_sock *sk);

/* Extended-ack TLVs @off bytes into the payload of @nlh, into @e. */
void prl_nl_parse_ext_ack(struct prl_nl_error *e, const struct nlmsghdr *nlh,
			  size_t off);

/* A dump in progress: the caller's callback (at most one) and the count. */
struct prl_dump {
	prl_sock_cb sock_cb;
	prl_session_cb session_cb;
	void *arg;
	int count;
};

/* Hand @obj (a socket or a session) to the callback and count it. */
int prl_dump_one(struct prl_dump *d, const void *obj);

#endif /* PRL_NL_INTERNAL_H */
