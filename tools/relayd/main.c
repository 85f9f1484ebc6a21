// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd: opens the relay UDP sockets, attaches them to the peer_relay
 * kernel data plane and serves what the kernel passes up until SIGTERM
 * or SIGINT, then detaches and exits 0.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "ctl_proto.h"
#include "metrics.h"
#include "ratelimit.h"
#include "num.h"
#include "relayd.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif


static void usage(FILE *f)
{
	fprintf(f,
		"Usage: relayd [OPTIONS]\n"
		"\n"
		"Open UDP relay sockets, attach them to the peer_relay kernel data plane,\n"
		"run the relay handshake and in-band allocation until SIGTERM/SIGINT,\n"
		"then detach them and exit. Without the kernel module (or with\n"
		"--userspace) relayd forwards in userspace itself, one thread per socket.\n"
		"SIGHUP reloads the config file (static endpoints, grants, rate limit,\n"
		"lifetimes); SIGUSR1 logs counters and sessions.\n"
		"\n"
		"Options:\n"
		"  -p, --port P          UDP port (default %d; 0: the kernel picks one,\n"
		"                        shared by all sockets)\n"
		"  -f, --family F        4, 6 or both (default both)\n"
		"  -n, --sockets N       sockets per family, SO_REUSEPORT (default 1,\n"
		"                        max %d)\n"
		"  -c, --config FILE     read settings from FILE (see relayd(8))\n"
		"  -k, --key FILE        relay private key, created (mode 0600) if missing;\n"
		"                        default: a new key at every start\n"
		"  -g, --grants FILE     client keys allowed to allocate in-band\n"
		"                        (default: nobody; reloaded on SIGHUP)\n"
		"  -s, --static-endpoints LIST\n"
		"                        ADDR:PORT[,ADDR:PORT...] advertised first to\n"
		"                        clients (stored in the kernel), or none\n"
		"  -r, --rate-limit N    control packets per second handled per source\n"
		"                        address (default %d; 0: no limit)\n"
		"  -b, --rate-burst N    burst of the rate limit (default %d)\n"
		"  -C, --control-socket PATH\n"
		"                        where relayctl reaches relayd (default\n"
		"                        " PRL_CTL_DEFAULT_PATH ", none: no socket);\n"
		"                        relayctl uses it when the module is absent\n"
		"  -m, --metrics-file FILE\n"
		"                        write relayd's counters there every 10 s in the\n"
		"                        Prometheus text format (node_exporter textfile)\n"
		"  -U, --userspace       forward in userspace even if the kernel module is\n"
		"                        loaded (the default when it is not); sessions\n"
		"                        come from in-band allocation only\n"
		"      --no-kernel       do not use the kernel module (testing: sockets\n"
		"                        are not attached, every datagram reaches relayd,\n"
		"                        nothing is forwarded)\n"
		"      --sync-listen ADDR:PORT\n"
		"                        replicate sessions with other relays: accept\n"
		"                        their connections here (TCP)\n"
		"      --sync-peer ADDR:PORT[,...]\n"
		"                        the other relays (connect targets and the only\n"
		"                        addresses accepted); repeatable, at most %d\n"
		"      --sync-key FILE   shared key of the sync channel (64 hex digits);\n"
		"                        default: derived from the relay key (--key)\n"
		"      --sync-vip ADDR   push sessions while ADDR (moved by keepalived)\n"
		"                        is a local address, install the peers' else\n"
		"      --sync-role R     active or standby: a fixed role instead\n"
		"      --sync-refresh MS full resync period while active (default %d)\n"
		"      --sync-name NAME  this relay's name in the peers' logs\n"
		"      --vni-range MIN-MAX\n"
		"                        VNIs the kernel picks; disjoint per relay\n"
		"  -l, --log-level L     error, warn, info (default) or debug\n"
		"  -v, --verbose         more log output (repeatable)\n"
		"  -q, --quiet           only warnings and errors\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n"
		"\n"
		"Exit status: 0 after a clean shutdown, 1 on errors, 2 on usage errors.\n",
		RELAYD_DEFAULT_PORT, RELAYD_MAX_SOCKETS_PER_FAMILY,
		PRL_RL_DEFAULT_RATE, PRL_RL_DEFAULT_BURST, SYNC_MAX_PEERS,
		SYNC_DEFAULT_REFRESH_MS);
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct relayd_opts *o,
		      struct relayd_opts *cli_opts, unsigned int *cli_set)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "family", required_argument, NULL, 'f' },
		{ "sockets", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "userspace", no_argument, NULL, 'U' },
		{ "key", required_argument, NULL, 'k' },
		{ "grants", required_argument, NULL, 'g' },
		{ "static-endpoints", required_argument, NULL, 's' },
		{ "rate-limit", required_argument, NULL, 'r' },
		{ "rate-burst", required_argument, NULL, 'b' },
		{ "metrics-file", required_argument, NULL, 'm' },
		{ "control-socket", required_argument, NULL, 'C' },
		/* replication (sync.c): long options only, 0x100 + n */
		{ "sync-listen", required_argument, NULL, 0x100 },
		{ "sync-peer", required_argument, NULL, 0x101 },
		{ "sync-key", required_argument, NULL, 0x102 },
		{ "sync-vip", required_argument, NULL, 0x103 },
		{ "sync-role", required_argument, NULL, 0x104 },
		{ "sync-refresh", required_argument, NULL, 0x105 },
		{ "sync-name", required_argument, NULL, 0x106 },
		{ "vni-range", required_argument, NULL, 0x107 },
		{ "log-level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct relayd_opts cli = *o;
	unsigned int set = 0;
	int c, idx, verbose = 0;

	while ((c = getopt_long(argc, argv, "p:f:n:c:k:g:s:r:b:m:C:l:UvqhV", longopts,
				&idx)) != -1) {
		if (c >= 0x100) {
			if (relayd_sync_setting(&cli.sync, &cli.relay_cfg,
						longopts[idx].name, optarg)) {
				fprintf(stderr, "relayd: invalid value '%s' for --%s\nTry 'relayd --help'.\n",
					optarg, longopts[idx].name);
				return 2;
			}
			set |= c == 0x107 ? 0 : RELAYD_SET_SYNC;
			continue;
		}
		switch (c) {
		case 'p':
			if (relayd_parse_port(optarg, &cli.port))
				goto bad_value;
			set |= RELAYD_SET_PORT;
			break;
		case 'f':
			if (relayd_parse_family(optarg, &cli))
				goto bad_value;
			set |= RELAYD_SET_FAMILY;
			break;
		case 'n':
			if (relayd_parse_sockets(optarg, &cli.sockets))
				goto bad_value;
			set |= RELAYD_SET_SOCKETS;
			break;
		case 'c':
			cli.config_file = optarg;
			break;
		case 'K':
			cli.no_kernel = true;
			break;
		case 'U':
			cli.userspace = true;
			break;
		case 'k':
			cli.key_file = optarg;
			set |= RELAYD_SET_KEY;
			break;
		case 'g':
			cli.grants_file = optarg;
			set |= RELAYD_SET_GRANTS;
			break;
		case 's':
			if (relayd_parse_static_eps(optarg, &cli.relay_cfg))
				goto bad_value;
			set |= RELAYD_SET_STATIC;
			break;
		case 'r':
			if (prl_parse_u32(optarg, 0, 1000000, &cli.rate_limit))
				goto bad_value;
			set |= RELAYD_SET_RATE;
			break;
		case 'b':
			if (prl_parse_u32(optarg, 1, 1000000, &cli.rate_burst))
				goto bad_value;
			set |= RELAYD_SET_BURST;
			break;
		case 'm':
			cli.metrics_file = optarg;
			set |= RELAYD_SET_METRICS;
			break;
		case 'C':
			cli.ctl_socket = optarg;
			set |= RELAYD_SET_CTLSOCK;
			break;
		case 'l':
			cli.log_level = prl_log_level_parse(optarg);
			if (cli.log_level < 0)
				goto bad_value;
			set |= RELAYD_SET_LOGLEVEL;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			verbose--;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("relayd %s\n", PEER_RELAY_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'relayd --help'.\n");
			return 2;
		}
	}
	if (cli.no_kernel && cli.userspace) {
		fprintf(stderr, "relayd: --no-kernel and --userspace exclude each other\nTry 'relayd --help'.\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "relayd: unexpected argument '%s'\nTry 'relayd --help'.\n",
			argv[optind]);
		return 2;
	}
	if (verbose) {
		cli.log_level += verbose;
		if (cli.log_level < PRL_LOG_ERR)
			cli.log_level = PRL_LOG_ERR;
		if (cli.log_level > PRL_LOG_DEBUG)
			cli.log_level = PRL_LOG_DEBUG;
		set |= RELAYD_SET_LOGLEVEL;
	}

	*o = cli;
	*cli_opts = cli;
	*cli_set = set;
	if (o->config_file) {
		char err[512];

		if (relayd_config_load(o->config_file, o, set, err,
				       sizeof(err))) {
			fprintf(stderr, "relayd: %s\n", err);
			return 1;
		}
	}
	{
		char err[128];

		if (relayd_sync_check(&o->sync, err, sizeof(err))) {
			fprintf(stderr, "relayd: %s\nTry 'relayd --help'.\n", err);
			return 2;
		}
	}
	return -1;

bad_value:
	fprintf(stderr, "relayd: invalid value '%s' for -%c\nTry 'relayd --help'.\n",
		optarg, c);
	return 2;
}

int main(int argc, char **argv)
{
	struct relayd_control ctl = { 0 };
	struct relayd_metrics metrics = { .tfd = -1 };
	struct relayd_sync *sync = NULL;
	struct relayd rd;
	sigset_t mask;
	int rc, err;

	memset(&rd, 0, sizeof(rd));
	rd.epfd = rd.sigfd = rd.timerfd = -1;
	rd.opts.port = RELAYD_DEFAULT_PORT;
	rd.opts.ipv4 = rd.opts.ipv6 = true;
	rd.opts.sockets = 1;
	rd.opts.log_level = PRL_LOG_INFO;
	rd.opts.rate_limit = PRL_RL_DEFAULT_RATE;
	rd.opts.rate_burst = PRL_RL_DEFAULT_BURST;

	rc = parse_args(argc, argv, &rd.opts, &rd.cli_opts, &rd.cli_set);
	if (rc >= 0)
		return rc;
	prl_log_init(&rd.log, "relayd", rd.opts.log_level);

	/* Block the stop signals now: they are read from a signalfd later,
	 * so one arriving during startup still ends in a clean shutdown. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = rd.opts.no_kernel || rd.opts.userspace ? 0 : prl_nl_open(&rd.nl);
	if (err == -ENOENT) {
		prl_log_warn(&rd.log, "generic netlink family \"%s\" not found (peer_relay module not loaded): forwarding in userspace",
			    PEER_RELAY_GENL_NAME);
		rd.opts.userspace = true;
	} else if (err) {
		prl_log_err(&rd.log, "netlink: %s", strerror(-err));
		return 1;
	} else if (rd.opts.userspace) {
		prl_log_info(&rd.log, "--userspace: forwarding in userspace, not using the kernel module");
	}
	rd.userspace = rd.opts.userspace;
	rd.nl_open = !rd.opts.no_kernel && !rd.userspace;
	rc = 1;
	if (rd.opts.no_kernel)
		prl_log_warn(&rd.log, "--no-kernel: not using the kernel data plane");
	if (relayd_sockets_open(&rd))
		goto out_nl;

	rd.rx = relayd_rx_default;
	rd.rx_arg = &rd.rx_stats;
	err = relayd_loop_init(&rd);
	if (err) {
		prl_log_err(&rd.log, "event loop: %s", strerror(-err));
		goto out_loop;
	}
	/*
	 * Data plane (the userspace engine's threads start here), relay
	 * configuration, key (SERVER_KEY), events and the session view
	 * before the sockets are attached: once a socket shows up in the
	 * kernel, endpoint descriptions are complete and every control
	 * packet finds relayd ready.
	 */
	if (relayd_control_init(&rd, &ctl))
		goto out_loop;
	if (rd.nl_open && relayd_sockets_attach(&rd))
		goto out_loop;
	if (relayd_metrics_init(&metrics, &ctl, rd.opts.metrics_file))
		goto out_loop;
	if (rd.opts.sync.enabled) {
		if (!rd.nl_open) {
			prl_log_err(&rd.log, "session replication needs the kernel data plane");
			goto out_loop;
		}
		if (relayd_sync_start(&sync, &rd.opts.sync, rd.opts.key_file, &rd.log))
			goto out_loop;
	}
	prl_log_info(&rd.log, "ready: %zu socket%s %s on UDP port %u",
		    rd.n_socks, rd.n_socks == 1 ? "" : "s",
		    rd.nl_open ? "attached" : rd.userspace ?
		    "forwarding in userspace" : "open", rd.port);

	err = relayd_loop_run(&rd);
	if (err) {
		prl_log_err(&rd.log, "event loop: %s", strerror(-err));
		goto out_loop;
	}
	rc = 0;
	prl_log_info(&rd.log, "received %llu datagrams (%llu bytes) from the %s",
		    (unsigned long long)rd.rx_stats.datagrams,
		    (unsigned long long)rd.rx_stats.bytes,
		    rd.userspace ? "forwarding threads" : "kernel");
out_loop:
	relayd_sync_stop(sync);
	relayd_control_log_stats(&ctl);
	relayd_metrics_fini(&metrics, true);
	/* stops the data plane's threads first (dp_user.c) */
	relayd_control_fini(&ctl);
	relayd_loop_fini(&rd);
	relayd_sockets_close(&rd);
out_nl:
	if (rd.nl_open)
		prl_nl_close(&rd.nl);
	rd.nl_open = false;
	if (!rc)
		prl_log_info(&rd.log, "stopped");
	relayd_opts_free(&rd.opts);
	return rc;
}
