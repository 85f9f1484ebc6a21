// SPDX-License-Identifier: GPL-2.0-only
/* Opening UDP sockets (see udpsock.h). */
#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#include "addr.h"
#include "udpsock.h"

int prl_udp_open(const struct sockaddr *local, bool reuseport)
{
	int fd, one = 1, err;

	fd = socket(local->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		goto fail;
	if (local->sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	if (bind(fd, local, prl_sockaddr_len(local->sa_family)))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}
