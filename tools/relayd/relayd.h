/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relayd: the userspace half of peer_relay. It owns the relay UDP sockets,
 * hands them to the kernel (SOCK_ATTACH) and receives what the kernel
 * passes up (control packets, plain disco, STUN).
 *
 * Structure (one concept per file):
 *   main.c      options, config file, startup/shutdown
 *   sockets.c   open/bind/attach/detach the relay sockets
 *   loop.c      epoll loop: sockets, signals, timers, extra fds; recvmsg
 *               with the local address (IP_PKTINFO/IPV6_PKTINFO) and
 *               dispatch to rd->rx; relayd_send() for replies
 *   rx.c        the default datagram handler (count + debug log)
 *   config.c    the value parsers of relayd's own settings
 *   ratelimit.c per-source rate limit of control packets
 *   control.c   handshake/allocation glue, the handshake cache, SIGHUP
 *   metrics.c   relayd's counters as a Prometheus textfile
 *   dataplane.h the data-plane interface; dp_kernel.c (the module),
 *               dp_user.c (userspace engine), dataplane.c (none)
 *   ctlsock.c   the control socket relayctl speaks in userspace mode
 *   uplane.c    userspace data plane (tools/lib/uforward) when the
 *               module is absent or --userspace: forwarding threads on
 *               the relay sockets, passed datagrams queued to rd->rx
 *   sync.c      session replication to/from other relays (own thread)
 *
 * The handshake plugs in by setting rd->rx/rd->rx_arg before
 * relayd_loop_run(), registering extra fds (e.g. the netlink events
 * socket) with relayd_loop_add_fd() and a periodic relayd_loop_set_tick().
 */
#ifndef RELAYD_H
#define RELAYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "log.h"
#include "nl.h"
#include "sync.h"

#define RELAYD_MAX_SOCKETS_PER_FAMILY	64
#define RELAYD_DEFAULT_PORT		7000
#define RELAYD_RX_BATCH			64	/* datagrams per wakeup */
#define RELAYD_RX_BUFSIZE		65536

struct relayd;

/* One relay socket. */
struct relayd_sock {
	int fd;
	int family;		/* AF_INET or AF_INET6 */
	uint32_t id;		/* kernel socket ID once attached */
	bool attached;
	struct prl_endpoint local;	/* bound address and port */
	uint64_t rx_datagrams;	/* passed up to us by the kernel */
	uint64_t rx_bytes;
};

/* A datagram that reached a relay socket's userspace queue. */
struct relayd_pkt {
	const uint8_t *data;
	size_t len;
	bool truncated;			/* longer than the buffer */
	struct prl_endpoint src;		/* the sender */
	struct prl_endpoint dst;		/* local address:port it was sent to
					 * (addr.family 0 if unknown) */
	int ifindex;			/* arrival interface, 0 if unknown */
	struct relayd_sock *sock;	/* socket it arrived on */
};

/* Datagram handler: called for every received datagram. */
typedef void (*relayd_rx_fn)(struct relayd *rd, const struct relayd_pkt *pkt,
			     void *arg);
/* Extra fd readiness handler (epoll events). */
typedef void (*relayd_fd_fn)(struct relayd *rd, int fd, uint32_t events,
			     void *arg);
/* Periodic timer handler. */
typedef void (*relayd_tick_fn)(struct relayd *rd, void *arg);
/* SIGHUP / SIGUSR1 handler (signal number in @signo). */
typedef void (*relayd_signal_fn)(struct relayd *rd, int signo, void *arg);

struct relayd_opts {
	uint16_t port;			/* 0: the kernel picks one */
	bool ipv4, ipv6;
	unsigned int sockets;		/* per family */
	int log_level;
	const char *config_file;
	bool no_kernel;			/* testing: no module, no attach */
	bool userspace;			/* forward in userspace (uplane.c) */
	const char *key_file;		/* relay key (load or create), NULL: ephemeral */
	const char *grants_file;	/* in-band allocation allowlist, NULL: none */
	const char *metrics_file;	/* Prometheus textfile, NULL: none */
	const char *ctl_socket;		/* control socket, NULL: default, "none" */
	/* Relay configuration applied with CONFIG_SET at startup
	 * (relay_cfg.mask says which fields). */
	struct prl_config relay_cfg;
	uint32_t rate_limit;		/* control packets/s per source, 0: off */
	uint32_t rate_burst;
	char *conf_text;		/* the config file: strings point here */
	struct relayd_sync_opts sync;	/* session replication (sync.c) */
};

struct relayd_handler;
struct uf_engine;

/* Default handler's counters (rx.c). */
struct relayd_rx_stats {
	uint64_t datagrams;
	uint64_t bytes;
	uint64_t truncated;
};

struct relayd {
	struct prl_log log;
	struct relayd_opts opts;
	struct prl_nl nl;
	bool nl_open;

	struct relayd_sock socks[2 * RELAYD_MAX_SOCKETS_PER_FAMILY];
	size_t n_socks;
	uint16_t port;			/* the port every socket is bound to */
	/* userspace data plane (uplane.c): set before relayd_loop_init(),
	 * the loop then leaves the sockets to the engine's threads */
	bool userspace;
	struct uf_engine *uf;

	/* loop state (loop.c) */
	int epfd;
	int sigfd;
	int timerfd;
	bool stop;
	int stop_signal;
	relayd_tick_fn tick;
	void *tick_arg;
	relayd_signal_fn on_signal;	/* SIGHUP, SIGUSR1 */
	void *signal_arg;
	/* for reloading the config file: the defaults, the command line */
	struct relayd_opts defaults;
	int argc;
	char **argv;
	struct relayd_handler *handlers;	/* registered fds */
	uint8_t *rxbuf;
	uint64_t rx_errors;

	/* datagram dispatch */
	relayd_rx_fn rx;
	void *rx_arg;
	struct relayd_rx_stats rx_stats;	/* for the default handler */
};

/* ---- args.c ---- */

/*
 * @dflt, then the config file (-c), then the command line, so that the
 * options win over the file (sync-* options and -l/-v/-q as a whole).
 * Returns -1 to go on, or an exit status (0 after --help or --version;
 * messages printed).
 */
int relayd_parse_args(int argc, char **argv, const struct relayd_opts *dflt,
		      struct relayd_opts *o);
/*
 * The same again for SIGHUP into @o, which then replaces the running
 * options only if this returns 0 (else an error "relayd: reload:
 * FILE:LINE: ..." was printed). relayd_opts_free(@o) either way.
 */
int relayd_reload_settings(int argc, char **argv,
			   const struct relayd_opts *dflt,
			   struct relayd_opts *o);

/* ---- config.c ---- */

struct prl_cli;
/*
 * The value parsers of relayd's own settings, PRL_OPT_PARSE callbacks
 * (@field: the relayd_opts, uint16_t port, unsigned int count, or
 * prl_config of the row): 0 or -EINVAL. Static endpoints are
 * "ADDR:PORT[,ADDR:PORT...]" or "none", deduplicated (order kept), with
 * PRL_CFG_STATIC_EPS set.
 */
int relayd_parse_family(struct prl_cli *cli, const char *what,
			const char *s, void *field);
int relayd_parse_port(struct prl_cli *cli, const char *what, const char *s,
		      void *field);
int relayd_parse_sockets(struct prl_cli *cli, const char *what,
			 const char *s, void *field);
int relayd_parse_static_eps(struct prl_cli *cli, const char *what,
			    const char *s, void *field);
/* Free the config file's text the options point into. */
void relayd_opts_free(struct relayd_opts *o);

/* ---- sockets.c ---- */

/*
 * Open opts.sockets UDP sockets per enabled family with SO_REUSEPORT,
 * bound to opts.port (v6 with IPV6_V6ONLY); with port 0 the first socket
 * gets a port from the kernel and all others share it. Non-blocking,
 * IP_PKTINFO/IPV6_RECVPKTINFO enabled. Returns 0 or -errno (logged).
 */
int relayd_sockets_open(struct relayd *rd);
/* SOCK_ATTACH every socket; logs the IDs. Returns 0 or -errno (logged). */
int relayd_sockets_attach(struct relayd *rd);
/* SOCK_DETACH every attached socket (ENOENT is fine), then close all. */
void relayd_sockets_close(struct relayd *rd);

/* ---- loop.c ---- */

int relayd_loop_init(struct relayd *rd);
/* Run until SIGTERM/SIGINT or relayd_loop_stop(). Returns 0 or -errno. */
int relayd_loop_run(struct relayd *rd);
void relayd_loop_stop(struct relayd *rd);
void relayd_loop_fini(struct relayd *rd);
/* Watch @fd (EPOLLIN) and call @fn when ready. Returns 0 or -errno. */
int relayd_loop_add_fd(struct relayd *rd, int fd, relayd_fd_fn fn, void *arg);
int relayd_loop_del_fd(struct relayd *rd, int fd);
/* Call @fn every @interval_ms (0 disables). Returns 0 or -errno. */
int relayd_loop_set_tick(struct relayd *rd, unsigned int interval_ms,
			 relayd_tick_fn fn, void *arg);

/*
 * Send @len bytes to @to from socket @s; @from (may be NULL) selects the
 * source address (IP_PKTINFO/IPV6_PKTINFO), normally pkt->dst.addr of the
 * datagram being answered. Returns 0 or -errno.
 */
int relayd_send(struct relayd *rd, const struct relayd_sock *s,
		const struct prl_endpoint *to, const struct prl_addr *from,
		const void *buf, size_t len);

/* ---- uplane.c ---- */

/*
 * relayd_uplane_start() - create the forwarding engine on the relay
 * sockets (one thread per socket), register its pass queue with the
 * loop (datagrams it does not forward reach rd->rx as if read by the
 * loop) and start it. Call after relayd_loop_init(). 0 or -errno (logged).
 */
int relayd_uplane_start(struct relayd *rd);
/* Stop the threads and free the engine (sessions included). */
void relayd_uplane_stop(struct relayd *rd);
/* Log the engine's counters (forwarded by AF pair, passed, dropped). */
void relayd_uplane_log_stats(struct relayd *rd);

/* ---- rx.c ---- */

/* Default rx handler: counts into *(struct relayd_rx_stats *)arg and logs
 * every datagram at debug level. */
void relayd_rx_default(struct relayd *rd, const struct relayd_pkt *pkt,
		       void *arg);

#endif /* RELAYD_H */
