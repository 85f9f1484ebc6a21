// SPDX-License-Identifier: GPL-2.0-only
/* Address/route change notification and route source lookup (netwatch.h). */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "netwatch.h"

int prl_netwatch_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			     RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE |
			     RTMGRP_LINK,
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int prl_netwatch_drain(int fd)
{
	char buf[8192];
	int n = 0;

	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r > 0) {
			n++;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) {
			n++;	/* lost some: assume a change */
			continue;
		}
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		return n;
	}
}

int prl_route_source(const struct sockaddr_storage *dst,
		     struct sockaddr_storage *src)
{
	socklen_t len = dst->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
			sizeof(struct sockaddr_in6);
	int fd, err = 0;

	fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(src, 0, sizeof(*src));
	if (connect(fd, (const struct sockaddr *)dst, len) < 0) {
		err = -errno;
	} else {
		len = sizeof(*src);
		if (getsockname(fd, (struct sockaddr *)src, &len) < 0)
			err = -errno;
	}
	close(fd);
	if (!err && src->ss_family == AF_INET)
		((struct sockaddr_in *)src)->sin_port = 0;
	else if (!err)
		((struct sockaddr_in6 *)src)->sin6_port = 0;
	return err;
}
