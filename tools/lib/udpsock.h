/* SPDX-License-Identifier: GPL-2.0-only */
/* Opening the UDP sockets of the relay client and the forwarder. */
#ifndef PRL_UDPSOCK_H
#define PRL_UDPSOCK_H

#include <stdbool.h>
#include <sys/socket.h>

/*
 * A UDP socket (close-on-exec) bound to @local, IPV6_V6ONLY for IPv6 so
 * the two families never share one, SO_REUSEPORT if @reuseport.
 * Return: the descriptor or -errno.
 */
int prl_udp_open(const struct sockaddr *local, bool reuseport);

#endif /* PRL_UDPSOCK_H */
