/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control messages of UDP sockets: the local address of a datagram
 * (IP_PKTINFO / IPV6_PKTINFO, both ways) and the GSO/GRO segment size.
 * One place for what relayd's loop, the userspace forwarder and the
 * batch sender all build and read.
 */
#ifndef PRL_CMSG_H
#define PRL_CMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

/* CMSG_SPACE of the pktinfo of @family (AF_INET or AF_INET6). */
size_t prl_cmsg_pktinfo_space(int family);

/*
 * Fill @cm (room for prl_cmsg_pktinfo_space()) with a pktinfo that sends
 * from @addr (4 or 16 raw bytes by @family). Return: the next header of
 * @mh, NULL when @cm was the last one.
 */
struct cmsghdr *prl_cmsg_put_pktinfo(struct msghdr *mh, struct cmsghdr *cm,
				     int family, const void *addr);

/* Fill @cm with a UDP_SEGMENT of @seg bytes. Return: as above. */
struct cmsghdr *prl_cmsg_put_segment(struct msghdr *mh, struct cmsghdr *cm,
				     uint16_t seg);

/*
 * The local address (and interface) a datagram came to, from the pktinfo
 * of @mh. Return: true if there was one (@dst and @ifindex are left alone
 * otherwise).
 */
bool prl_cmsg_pktinfo(const struct msghdr *mh, struct prl_addr *dst,
		      int *ifindex);

/* The GRO segment size of a received message, 0 if it is one datagram. */
size_t prl_cmsg_gro_size(const struct msghdr *mh);

#endif /* PRL_CMSG_H */
