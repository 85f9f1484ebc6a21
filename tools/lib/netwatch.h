/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Noticing that the host's addresses or routes changed (rtnetlink
 * multicast groups), and which local address the kernel would send from
 * to a destination now. A client behind a changing network uses both to
 * re-bind as soon as its source address moves, instead of waiting for a
 * liveness probe to fail.
 */
#ifndef PRL_NETWATCH_H
#define PRL_NETWATCH_H

#include <sys/socket.h>

/*
 * prl_netwatch_open() - a non-blocking NETLINK_ROUTE socket subscribed to
 * IPv4/IPv6 address and route changes. Return: fd or -errno.
 */
int prl_netwatch_open(void);

/*
 * prl_netwatch_drain() - read everything pending on @fd.
 * Return: messages read (> 0: something changed), 0, or -errno. An
 * overrun (ENOBUFS: changes were lost) counts as a change.
 */
int prl_netwatch_drain(int fd);

/*
 * prl_route_source() - the local address (port 0) the kernel picks for
 * UDP to @dst now (connect() of a scratch socket, no packet is sent).
 * Return: 0 or -errno (e.g. -ENETUNREACH: no route).
 */
int prl_route_source(const struct sockaddr_storage *dst,
		     struct sockaddr_storage *src);

#endif /* PRL_NETWATCH_H */
