// SPDX-License-Identifier: GPL-2.0-only
/* relayd: open, bind, attach and detach the relay UDP sockets. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relayd.h"

static int set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) ? -errno : 0;
}

static void wildcard(int family, uint16_t port, struct prl_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->addr.family = (sa_family_t)family;	/* all-zero address */
	ep->port = port;
}

/*
 * Fail early if an explicitly requested port is taken: a socket without
 * SO_REUSEPORT cannot bind while anyone holds the port, so this also
 * keeps us from silently joining another process's reuseport group.
 */
static int probe_port(struct relayd *rd, int family, uint16_t port)
{
	struct sockaddr_storage ss;
	struct prl_endpoint ep;
	socklen_t sslen;
	int fd, err = 0;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	wildcard(family, port, &ep);
	prl_endpoint_to_sockaddr(&ep, &ss, &sslen);
	if (bind(fd, (struct sockaddr *)&ss, sslen))
		err = -errno;
	close(fd);
	if (err)
		prl_log_err(&rd->log, "%s port %u is not available: %s",
			   prl_family_name((unsigned int)family), port,
			   strerror(-err));
	return err;
}

static int open_one(struct relayd *rd, int family, struct relayd_sock *s)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, err;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_UDP);
	if (fd < 0) {
		err = -errno;
		prl_log_err(&rd->log, "socket(%s): %s",
			   prl_family_name((unsigned int)family),
			   strerror(-err));
		return err;
	}
	/* No UDP_GRO: it must not be combined with SO_REUSEPORT here. */
	err = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (!err && family == AF_INET6)
		err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	if (!err)
		err = family == AF_INET ?
			set_int(fd, IPPROTO_IP, IP_PKTINFO, 1) :
			set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	if (err) {
		prl_log_err(&rd->log, "setsockopt: %s", strerror(-err));
		goto fail;
	}

	wildcard(family, rd->port, &s->local);
	prl_endpoint_to_sockaddr(&s->local, &ss, &sslen);
	if (bind(fd, (struct sockaddr *)&ss, sslen)) {
		err = -errno;
		prl_log_err(&rd->log, "bind %s port %u: %s",
			   prl_family_name((unsigned int)family), rd->port,
			   strerror(-err));
		goto fail;
	}
	sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) ||
	    prl_endpoint_from_sockaddr((struct sockaddr *)&ss, sslen,
				      &s->local)) {
		err = -errno;
		prl_log_err(&rd->log, "getsockname: %s", strerror(-err));
		goto fail;
	}
	if (!rd->port)
		rd->port = s->local.port;
	s->fd = fd;
	s->family = family;
	return 0;
fail:
	close(fd);
	return err;
}

int relayd_sockets_open(struct relayd *rd)
{
	int families[2], nfam = 0, f;
	unsigned int i;
	int err;

	if (rd->opts.ipv4)
		families[nfam++] = AF_INET;
	if (rd->opts.ipv6)
		families[nfam++] = AF_INET6;
	if (rd->opts.sockets < 1 ||
	    rd->opts.sockets > RELAYD_MAX_SOCKETS_PER_FAMILY)
		return -EINVAL;

	rd->port = rd->opts.port;
	rd->n_socks = 0;
	for (f = 0; f < nfam; f++) {
		if (rd->port) {
			err = probe_port(rd, families[f], rd->port);
			if (err)
				goto fail;
		}
		for (i = 0; i < rd->opts.sockets; i++) {
			err = open_one(rd, families[f],
				       &rd->socks[rd->n_socks]);
			if (err)
				goto fail;
			rd->n_socks++;
		}
	}
	prl_log_info(&rd->log, "%zu socket%s on UDP port %u", rd->n_socks,
		    rd->n_socks == 1 ? "" : "s", rd->port);
	return 0;
fail:
	relayd_sockets_close(rd);
	return err;
}

int relayd_sockets_attach(struct relayd *rd)
{
	char buf[PRL_ENDPOINT_STRLEN];
	struct prl_sock_info info;
	size_t i;
	int err;

	for (i = 0; i < rd->n_socks; i++) {
		struct relayd_sock *s = &rd->socks[i];

		err = prl_sock_attach(&rd->nl, s->fd, &info);
		if (err) {
			const char *msg = prl_nl_errmsg(&rd->nl);

			prl_log_err(&rd->log, "attach %s %s: %s%s%s",
				   prl_family_name((unsigned int)s->family),
				   prl_endpoint_fmt(&s->local, buf, sizeof(buf)),
				   strerror(-err), *msg ? ": " : "", msg);
			return err;
		}
		s->id = info.id;
		s->attached = true;
		prl_log_info(&rd->log, "attached socket id %u %s %s", s->id,
			    prl_family_name((unsigned int)s->family),
			    prl_endpoint_fmt(&s->local, buf, sizeof(buf)));
	}
	return 0;
}

void relayd_sockets_close(struct relayd *rd)
{
	size_t i;
	int err;

	for (i = 0; i < rd->n_socks; i++) {
		struct relayd_sock *s = &rd->socks[i];

		if (s->attached && rd->nl_open) {
			err = prl_sock_detach(&rd->nl, s->id);
			if (err && err != -ENOENT) {
				const char *msg = prl_nl_errmsg(&rd->nl);

				prl_log_warn(&rd->log, "detach socket id %u: %s%s%s",
					    s->id, strerror(-err),
					    *msg ? ": " : "", msg);
			} else {
				prl_log_info(&rd->log, "detached socket id %u%s",
					    s->id, err ? " (already gone)" : "");
			}
		}
		s->attached = false;
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
	}
	rd->n_socks = 0;
}
