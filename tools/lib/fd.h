/* SPDX-License-Identifier: GPL-2.0-only */
/* File descriptors: unset ones (-1), readiness by epoll. */
#ifndef PRL_FD_H
#define PRL_FD_H

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Close *@fd if it is open and mark it closed. */
static inline void prl_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Watch @fd for input on @epfd; its events carry @tag. 0 or -errno. */
static inline int prl_epoll_watch(int epfd, int fd, void *tag)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee) ? -errno : 0;
}

#endif /* PRL_FD_H */
