// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd event loop: epoll over the relay sockets, a signalfd for
 * SIGTERM/SIGINT, an optional periodic timerfd and extra fds registered by
 * other modules. Datagrams are read with their local address and handed
 * to rd->rx.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "cmsg.h"
#include "fd.h"
#include "signals.h"
#include "relayd.h"

enum handler_kind {
	H_SOCK,
	H_SIGNAL,
	H_TIMER,
	H_EXTRA,
};

struct relayd_handler {
	enum handler_kind kind;
	int fd;
	struct relayd_sock *sock;	/* H_SOCK */
	relayd_fd_fn fn;		/* H_EXTRA */
	void *arg;
	struct relayd_handler *next;
};

static struct relayd_handler *add_handler(struct relayd *rd,
					  enum handler_kind kind, int fd)
{
	struct relayd_handler *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->kind = kind;
	h->fd = fd;
	if (prl_epoll_watch(rd->epfd, fd, h)) {
		free(h);
		return NULL;
	}
	h->next = rd->handlers;
	rd->handlers = h;
	return h;
}

int relayd_loop_init(struct relayd *rd)
{
	struct relayd_handler *h;
	sigset_t mask;
	size_t i;
	int err;

	rd->epfd = rd->sigfd = rd->timerfd = -1;
	rd->handlers = NULL;
	rd->stop = false;
	rd->rxbuf = malloc(RELAYD_RX_BUFSIZE);
	if (!rd->rxbuf)
		return -ENOMEM;
	rd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rd->epfd < 0)
		return -errno;

	err = prl_block_signals(&mask);
	if (err)
		return err;
	rd->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (rd->sigfd < 0)
		return -errno;
	if (!add_handler(rd, H_SIGNAL, rd->sigfd))
		return -errno ? -errno : -ENOMEM;

	/* userspace data plane: the engine's threads read the sockets */
	for (i = 0; i < rd->n_socks && !rd->userspace; i++) {
		h = add_handler(rd, H_SOCK, rd->socks[i].fd);
		if (!h)
			return -errno ? -errno : -ENOMEM;
		h->sock = &rd->socks[i];
	}
	return 0;
}

void relayd_loop_fini(struct relayd *rd)
{
	struct relayd_handler *h, *next;

	for (h = rd->handlers; h; h = next) {
		next = h->next;
		free(h);
	}
	rd->handlers = NULL;
	prl_close_fd(&rd->timerfd);
	prl_close_fd(&rd->sigfd);
	prl_close_fd(&rd->epfd);
	free(rd->rxbuf);
	rd->rxbuf = NULL;
}

void relayd_loop_stop(struct relayd *rd)
{
	rd->stop = true;
}

int relayd_loop_add_fd(struct relayd *rd, int fd, relayd_fd_fn fn, void *arg)
{
	struct relayd_handler *h = add_handler(rd, H_EXTRA, fd);

	if (!h)
		return -errno ? -errno : -ENOMEM;
	h->fn = fn;
	h->arg = arg;
	return 0;
}

int relayd_loop_del_fd(struct relayd *rd, int fd)
{
	struct relayd_handler **pp, *h;

	for (pp = &rd->handlers; (h = *pp); pp = &h->next) {
		if (h->kind != H_EXTRA || h->fd != fd)
			continue;
		epoll_ctl(rd->epfd, EPOLL_CTL_DEL, fd, NULL);
		*pp = h->next;
		free(h);
		return 0;
	}
	return -ENOENT;
}

int relayd_loop_set_tick(struct relayd *rd, unsigned int interval_ms,
			 relayd_tick_fn fn, void *arg)
{
	struct itimerspec its = { 0 };

	if (rd->timerfd < 0) {
		rd->timerfd = timerfd_create(CLOCK_MONOTONIC,
					     TFD_NONBLOCK | TFD_CLOEXEC);
		if (rd->timerfd < 0)
			return -errno;
		if (!add_handler(rd, H_TIMER, rd->timerfd))
			return -errno ? -errno : -ENOMEM;
	}
	rd->tick = fn;
	rd->tick_arg = arg;
	its.it_interval.tv_sec = interval_ms / 1000;
	its.it_interval.tv_nsec = (long)(interval_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(rd->timerfd, 0, &its, NULL))
		return -errno;
	return 0;
}

static void sock_readable(struct relayd *rd, struct relayd_sock *s)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			 CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_storage from;
	struct relayd_pkt pkt;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;
	int i;

	for (i = 0; i < RELAYD_RX_BATCH && !rd->stop; i++) {
		iov.iov_base = rd->rxbuf;
		iov.iov_len = RELAYD_RX_BUFSIZE;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);

		n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			/* ICMP errors etc. are reported here; keep going. */
			rd->rx_errors++;
			prl_log_debug(&rd->log, "recvmsg on socket id %u: %s",
				     s->id, strerror(errno));
			continue;
		}
		memset(&pkt, 0, sizeof(pkt));
		pkt.data = rd->rxbuf;
		pkt.len = (size_t)n;
		pkt.truncated = mh.msg_flags & MSG_TRUNC;
		pkt.sock = s;
		if (prl_endpoint_from_sockaddr((struct sockaddr *)&from,
					      mh.msg_namelen, &pkt.src))
			continue;
		prl_cmsg_pktinfo(&mh, &pkt.dst.addr, &pkt.ifindex);
		pkt.dst.port = s->local.port;
		s->rx_datagrams++;
		s->rx_bytes += (uint64_t)n;
		if (rd->rx)
			rd->rx(rd, &pkt, rd->rx_arg);
	}
}

static void signal_readable(struct relayd *rd)
{
	struct signalfd_siginfo si;

	while (read(rd->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP || si.ssi_signo == SIGUSR1) {
			if (rd->on_signal)
				rd->on_signal(rd, (int)si.ssi_signo,
					      rd->signal_arg);
			continue;
		}
		prl_log_info(&rd->log, "received %s, shutting down",
			    strsignal((int)si.ssi_signo));
		rd->stop_signal = (int)si.ssi_signo;
		rd->stop = true;
	}
}

static void timer_readable(struct relayd *rd)
{
	uint64_t expirations;

	if (read(rd->timerfd, &expirations, sizeof(expirations)) !=
	    sizeof(expirations))
		return;
	if (rd->tick)
		rd->tick(rd, rd->tick_arg);
}

int relayd_loop_run(struct relayd *rd)
{
	struct epoll_event evs[16];
	int n, i;

	while (!rd->stop) {
		n = epoll_wait(rd->epfd, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !rd->stop; i++) {
			struct relayd_handler *h = evs[i].data.ptr;

			switch (h->kind) {
			case H_SOCK:
				sock_readable(rd, h->sock);
				break;
			case H_SIGNAL:
				signal_readable(rd);
				break;
			case H_TIMER:
				timer_readable(rd);
				break;
			case H_EXTRA:
				h->fn(rd, h->fd, evs[i].events, h->arg);
				break;
			}
		}
	}
	return 0;
}

int relayd_send(struct relayd *rd, const struct relayd_sock *s,
		const struct prl_endpoint *to, const struct prl_addr *from,
		const void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_storage ss;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { 0 };
	socklen_t sslen;
	ssize_t n;

	if (to->addr.family != s->family ||
	    prl_endpoint_to_sockaddr(to, &ss, &sslen))
		return -EAFNOSUPPORT;
	mh.msg_name = &ss;
	mh.msg_namelen = sslen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;

	if (from && from->family == s->family) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = prl_cmsg_pktinfo_space(s->family);
		prl_cmsg_put_pktinfo(&mh, CMSG_FIRSTHDR(&mh), s->family,
				     from->u.raw);
	}
	n = sendmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		int err = -errno;

		prl_log_debug(&rd->log, "sendmsg on socket id %u: %s", s->id,
			     strerror(-err));
		return err;
	}
	return (size_t)n == len ? 0 : -EMSGSIZE;
}
