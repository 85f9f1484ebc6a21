// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's userspace data plane: without the kernel module, the relay
 * sockets are read by tools/lib/uforward's threads (one per socket,
 * recvmmsg/sendmmsg, GRO/GSO, lock-free VNI table). They forward data
 * datagrams of bound sessions themselves and queue everything the kernel
 * would pass up (control of known VNIs, plain disco, STUN) into per-thread
 * rings; the loop drains them here, on relayd's only thread, into rd->rx
 * exactly as if it had read the socket. Sessions are installed, bound and
 * removed by the userspace backend (dp_user.c). The counters use the
 * kernel's UAPI reasons and names.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "relayd.h"
#include "uforward.h"

#define RELAYD_PASS_PER_WAKEUP	256	/* datagrams drained per wakeup */

/* uf_pass_fn: one passed datagram to rd->rx (relayd's thread). */
static void on_passed(void *arg, const struct uf_passed *p)
{
	struct relayd *rd = arg;
	struct relayd_sock *s;
	struct relayd_pkt pkt;

	if (p->sock >= rd->n_socks)
		return;
	s = &rd->socks[p->sock];
	memset(&pkt, 0, sizeof(pkt));
	pkt.data = p->data;
	pkt.len = p->len;
	pkt.truncated = p->truncated;
	pkt.sock = s;
	pkt.ifindex = p->ifindex;
	if (prl_endpoint_from_sockaddr((const struct sockaddr *)&p->src,
				      sizeof(p->src), &pkt.src))
		return;
	if (p->dst.ss_family == AF_INET)
		prl_addr_from_raw(&pkt.dst.addr,
				 &((const struct sockaddr_in *)&p->dst)->sin_addr,
				 4);
	else if (p->dst.ss_family == AF_INET6)
		prl_addr_from_raw(&pkt.dst.addr,
				 &((const struct sockaddr_in6 *)&p->dst)->sin6_addr,
				 16);
	pkt.dst.port = s->local.port;
	s->rx_datagrams++;
	s->rx_bytes += p->len;
	if (rd->rx)
		rd->rx(rd, &pkt, rd->rx_arg);
}

static void on_pass_fd(struct relayd *rd, int fd, uint32_t events, void *arg)
{
	uint64_t n;
	unsigned int got;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		prl_log_debug(&rd->log, "pass queue eventfd: %s", strerror(errno));
	got = uf_pass_drain(rd->uf, on_passed, rd, RELAYD_PASS_PER_WAKEUP);
	/* more queued: come back after the other fds had their turn */
	if (got == RELAYD_PASS_PER_WAKEUP) {
		n = 1;
		if (write(fd, &n, sizeof(n)) < 0)
			prl_log_debug(&rd->log, "pass queue eventfd: %s",
				     strerror(errno));
	}
}

int relayd_uplane_start(struct relayd *rd)
{
	int fds[2 * RELAYD_MAX_SOCKETS_PER_FAMILY];
	struct uf_config cfg;
	size_t i;
	int err;

	for (i = 0; i < rd->n_socks; i++)
		fds[i] = rd->socks[i].fd;
	uf_config_default(&cfg);
	cfg.fds = fds;
	cfg.nfds = (unsigned int)rd->n_socks;
	cfg.pass_queue = true;
	/* dp_user.c enforces max-sessions (it may change on SIGHUP) */
	cfg.max_sessions = PEER_RELAY_VNI_MAX;
	rd->uf = uf_new(&cfg);
	if (!rd->uf) {
		err = -errno;
		prl_log_err(&rd->log, "userspace data plane: %s", strerror(-err));
		return err;
	}
	err = relayd_loop_add_fd(rd, uf_pass_fd(rd->uf), on_pass_fd, NULL);
	if (!err)
		err = uf_start(rd->uf);
	if (err) {
		prl_log_err(&rd->log, "userspace data plane: %s", strerror(-err));
		relayd_uplane_stop(rd);
		return err;
	}
	prl_log_info(&rd->log, "userspace data plane: %zu forwarding thread%s",
		    rd->n_socks, rd->n_socks == 1 ? "" : "s");
	return 0;
}

void relayd_uplane_stop(struct relayd *rd)
{
	if (!rd->uf)
		return;
	relayd_loop_del_fd(rd, uf_pass_fd(rd->uf));
	uf_free(rd->uf);
	rd->uf = NULL;
}

void relayd_uplane_log_stats(struct relayd *rd)
{
	char line[512];
	struct uf_stats st;
	size_t off = 0;
	int i;

	if (!rd->uf)
		return;
	uf_stats_read(rd->uf, &st);
	prl_log_info(&rd->log, "data plane: received %llu, forwarded %llu (%llu bytes): udp4_udp4 %llu udp4_udp6 %llu udp6_udp4 %llu udp6_udp6 %llu",
		    (unsigned long long)st.rx_packets,
		    (unsigned long long)st.fwd_packets,
		    (unsigned long long)st.fwd_bytes,
		    (unsigned long long)st.fwd_af[UF_AF_PAIR(0, 0)],
		    (unsigned long long)st.fwd_af[UF_AF_PAIR(0, 1)],
		    (unsigned long long)st.fwd_af[UF_AF_PAIR(1, 0)],
		    (unsigned long long)st.fwd_af[UF_AF_PAIR(1, 1)]);
	for (i = PEER_RELAY_PASS_UNSPEC + 1; i < __PEER_RELAY_PASS_MAX; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " %s %llu",
					prl_pass_name(i),
					(unsigned long long)st.pass[i]);
	prl_log_info(&rd->log, "data plane: passed%s", line);
	off = 0;
	for (i = PEER_RELAY_DROP_UNSPEC + 1; i < __PEER_RELAY_DROP_MAX; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " %s %llu",
					prl_drop_name(i),
					(unsigned long long)st.drop[i]);
	prl_log_info(&rd->log, "data plane: dropped%s pass_queue_full %llu", line,
		     (unsigned long long)st.pass_queue_full);
}
