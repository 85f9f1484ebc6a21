// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd: opens the relay UDP sockets, attaches them to the peer_relay
 * kernel data plane and serves what the kernel passes up until SIGTERM
 * or SIGINT, then detaches and exits 0.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "control.h"
#include "metrics.h"
#include "ratelimit.h"
#include "relayd.h"
#include "signals.h"

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
	rd.defaults.port = RELAYD_DEFAULT_PORT;
	rd.defaults.ipv4 = rd.defaults.ipv6 = true;
	rd.defaults.sockets = 1;
	rd.defaults.log_level = PRL_LOG_INFO;
	rd.defaults.rate_limit = PRL_RL_DEFAULT_RATE;
	rd.defaults.rate_burst = PRL_RL_DEFAULT_BURST;
	rd.argc = argc;
	rd.argv = argv;

	rc = relayd_parse_args(argc, argv, &rd.defaults, &rd.opts);
	if (rc >= 0) {
		relayd_opts_free(&rd.opts);
		return rc;
	}
	prl_log_init(&rd.log, "relayd", rd.opts.log_level);

	/* Block the stop signals now: they are read from a signalfd later,
	 * so one arriving during startup still ends in a clean shutdown. */
	prl_block_signals(&mask);
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
