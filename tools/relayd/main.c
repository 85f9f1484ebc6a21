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
#include "num.h"
#include "relayd.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif

/* Which options the command line set (they override the config file). */
#define SET_PORT	(1u << 0)
#define SET_FAMILY	(1u << 1)
#define SET_SOCKETS	(1u << 2)
#define SET_LOGLEVEL	(1u << 3)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: relayd [OPTIONS]\n"
		"\n"
		"Open UDP relay sockets, attach them to the peer_relay kernel data plane\n"
		"and run until SIGTERM/SIGINT, then detach them and exit.\n"
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
		"                        (default: nobody)\n"
		"      --no-kernel       do not use the kernel module (testing: sockets\n"
		"                        are not attached, every datagram reaches relayd)\n"
		"  -l, --log-level L     error, warn, info (default) or debug\n"
		"  -v, --verbose         more log output (repeatable)\n"
		"  -q, --quiet           only warnings and errors\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n"
		"\n"
		"Exit status: 0 after a clean shutdown, 1 on errors, 2 on usage errors.\n",
		RELAYD_DEFAULT_PORT, RELAYD_MAX_SOCKETS_PER_FAMILY);
}

static int parse_family(const char *s, struct relayd_opts *o)
{
	if (!strcmp(s, "4") || !strcmp(s, "ipv4") || !strcmp(s, "inet")) {
		o->ipv4 = true;
		o->ipv6 = false;
	} else if (!strcmp(s, "6") || !strcmp(s, "ipv6") ||
		   !strcmp(s, "inet6")) {
		o->ipv4 = false;
		o->ipv6 = true;
	} else if (!strcmp(s, "both") || !strcmp(s, "46") ||
		   !strcmp(s, "all")) {
		o->ipv4 = o->ipv6 = true;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (pr_parse_u32(s, 0, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int parse_sockets(const char *s, unsigned int *n)
{
	uint32_t v;

	if (pr_parse_u32(s, 1, RELAYD_MAX_SOCKETS_PER_FAMILY, &v))
		return -EINVAL;
	*n = v;
	return 0;
}

/*
 * Apply one "key value" setting of the config file. Settings the command
 * line gave (@cli_set) are skipped. Returns 0 or -EINVAL.
 */
static int config_setting(struct relayd_opts *o, unsigned int cli_set,
			  const char *key, const char *val, const char **why)
{
	struct pr_config *rc = &o->relay_cfg;
	int n;

	*why = "invalid value";
	if (!strcmp(key, "port")) {
		uint16_t p;

		if (parse_port(val, &p))
			return -EINVAL;
		if (!(cli_set & SET_PORT))
			o->port = p;
	} else if (!strcmp(key, "family")) {
		struct relayd_opts tmp = *o;

		if (parse_family(val, &tmp))
			return -EINVAL;
		if (!(cli_set & SET_FAMILY)) {
			o->ipv4 = tmp.ipv4;
			o->ipv6 = tmp.ipv6;
		}
	} else if (!strcmp(key, "sockets")) {
		unsigned int v;

		if (parse_sockets(val, &v))
			return -EINVAL;
		if (!(cli_set & SET_SOCKETS))
			o->sockets = v;
	} else if (!strcmp(key, "log-level")) {
		int l = pr_log_level_parse(val);

		if (l < 0)
			return -EINVAL;
		if (!(cli_set & SET_LOGLEVEL))
			o->log_level = l;
	} else if (!strcmp(key, "bind-lifetime")) {
		if (pr_parse_u32(val, 0, UINT32_MAX, &rc->bind_lifetime_ms))
			return -EINVAL;
		rc->mask |= PR_CFG_BIND_LIFETIME;
	} else if (!strcmp(key, "idle-lifetime")) {
		if (pr_parse_u32(val, 0, UINT32_MAX, &rc->idle_lifetime_ms))
			return -EINVAL;
		rc->mask |= PR_CFG_IDLE_LIFETIME;
	} else if (!strcmp(key, "max-sessions")) {
		if (pr_parse_u32(val, 0, UINT32_MAX, &rc->max_sessions))
			return -EINVAL;
		rc->mask |= PR_CFG_MAX_SESSIONS;
	} else if (!strcmp(key, "server-key")) {
		if (pr_key_parse(val, rc->server_key))
			return -EINVAL;
		rc->mask |= PR_CFG_SERVER_KEY;
	} else if (!strcmp(key, "key")) {
		if (!o->key_file && !(o->key_file = strdup(val)))
			return -ENOMEM;
	} else if (!strcmp(key, "grants")) {
		if (!o->grants_file && !(o->grants_file = strdup(val)))
			return -ENOMEM;
	} else if (!strcmp(key, "static-endpoints")) {
		if (!strcmp(val, "none")) {
			n = 0;
		} else {
			n = pr_endpoint_list_parse(val, rc->static_eps,
						   PEER_RELAY_MAX_STATIC_EPS);
			if (n < 0)
				return -EINVAL;
		}
		rc->n_static_eps = (unsigned int)n;
		rc->mask |= PR_CFG_STATIC_EPS;
	} else {
		*why = "unknown setting";
		return -EINVAL;
	}
	return 0;
}

/* "key value" per line, '#' comments, blank lines ignored. */
static int load_config(const char *path, struct relayd_opts *o,
		       unsigned int cli_set)
{
	char line[1024];
	unsigned int lineno = 0;
	FILE *f;
	int err = 0;

	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "relayd: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *key, *val, *end;
		const char *why;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "relayd: %s:%u: line too long\n", path,
				lineno);
			err = -EINVAL;
			break;
		}
		end = strchr(p, '#');
		if (end)
			*end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*p)
			continue;
		key = p;
		while (*p && !isspace((unsigned char)*p) && *p != '=')
			p++;
		if (*p)
			*p++ = '\0';
		while (isspace((unsigned char)*p) || *p == '=')
			p++;
		val = p;
		if (!*val) {
			fprintf(stderr, "relayd: %s:%u: '%s' needs a value\n",
				path, lineno, key);
			err = -EINVAL;
			break;
		}
		if (config_setting(o, cli_set, key, val, &why)) {
			fprintf(stderr, "relayd: %s:%u: %s: %s '%s'\n", path,
				lineno, key, why, val);
			err = -EINVAL;
			break;
		}
	}
	fclose(f);
	return err;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct relayd_opts *o)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "family", required_argument, NULL, 'f' },
		{ "sockets", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "key", required_argument, NULL, 'k' },
		{ "grants", required_argument, NULL, 'g' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct relayd_opts cli = *o;
	unsigned int set = 0;
	int c, verbose = 0;

	while ((c = getopt_long(argc, argv, "p:f:n:c:k:g:l:vqhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_port(optarg, &cli.port))
				goto bad_value;
			set |= SET_PORT;
			break;
		case 'f':
			if (parse_family(optarg, &cli))
				goto bad_value;
			set |= SET_FAMILY;
			break;
		case 'n':
			if (parse_sockets(optarg, &cli.sockets))
				goto bad_value;
			set |= SET_SOCKETS;
			break;
		case 'c':
			cli.config_file = optarg;
			break;
		case 'K':
			cli.no_kernel = true;
			break;
		case 'k':
			cli.key_file = optarg;
			break;
		case 'g':
			cli.grants_file = optarg;
			break;
		case 'l':
			cli.log_level = pr_log_level_parse(optarg);
			if (cli.log_level < 0)
				goto bad_value;
			set |= SET_LOGLEVEL;
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
	if (optind < argc) {
		fprintf(stderr, "relayd: unexpected argument '%s'\nTry 'relayd --help'.\n",
			argv[optind]);
		return 2;
	}
	if (verbose) {
		cli.log_level += verbose;
		if (cli.log_level < PR_LOG_ERR)
			cli.log_level = PR_LOG_ERR;
		if (cli.log_level > PR_LOG_DEBUG)
			cli.log_level = PR_LOG_DEBUG;
		set |= SET_LOGLEVEL;
	}

	*o = cli;
	if (o->config_file) {
		if (load_config(o->config_file, o, set))
			return 1;
	}
	return -1;

bad_value:
	fprintf(stderr, "relayd: invalid value '%s' for -%c\nTry 'relayd --help'.\n",
		optarg, c);
	return 2;
}

static int apply_relay_config(struct relayd *rd)
{
	int err;

	if (!rd->opts.relay_cfg.mask || !rd->nl_open)
		return 0;
	err = pr_config_set(&rd->nl, &rd->opts.relay_cfg);
	if (err) {
		const char *msg = pr_nl_errmsg(&rd->nl);

		pr_log_err(&rd->log, "config set: %s%s%s", strerror(-err),
			   *msg ? ": " : "", msg);
		return err;
	}
	pr_log_info(&rd->log, "relay configuration applied");
	return 0;
}

int main(int argc, char **argv)
{
	struct relayd_control ctl = { 0 };
	struct relayd rd;
	sigset_t mask;
	int rc, err;

	memset(&rd, 0, sizeof(rd));
	rd.epfd = rd.sigfd = rd.timerfd = -1;
	rd.opts.port = RELAYD_DEFAULT_PORT;
	rd.opts.ipv4 = rd.opts.ipv6 = true;
	rd.opts.sockets = 1;
	rd.opts.log_level = PR_LOG_INFO;

	rc = parse_args(argc, argv, &rd.opts);
	if (rc >= 0)
		return rc;
	pr_log_init(&rd.log, "relayd", rd.opts.log_level);

	/* Block the stop signals now: they are read from a signalfd later,
	 * so one arriving during startup still ends in a clean shutdown. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = rd.opts.no_kernel ? 0 : pr_nl_open(&rd.nl);
	if (err) {
		if (err == -ENOENT)
			pr_log_err(&rd.log, "generic netlink family \"%s\" not found (is the peer_relay module loaded?)",
				   PEER_RELAY_GENL_NAME);
		else
			pr_log_err(&rd.log, "netlink: %s", strerror(-err));
		return 1;
	}
	rd.nl_open = !rd.opts.no_kernel;
	rc = 1;
	if (rd.opts.no_kernel)
		pr_log_warn(&rd.log, "--no-kernel: not using the kernel data plane");
	if (apply_relay_config(&rd))
		goto out_nl;
	if (relayd_sockets_open(&rd))
		goto out_nl;
	if (rd.nl_open && relayd_sockets_attach(&rd))
		goto out_socks;

	rd.rx = relayd_rx_default;
	rd.rx_arg = &rd.rx_stats;
	err = relayd_loop_init(&rd);
	if (err) {
		pr_log_err(&rd.log, "event loop: %s", strerror(-err));
		goto out_loop;
	}
	if (relayd_control_init(&rd, &ctl))
		goto out_loop;
	pr_log_info(&rd.log, "ready: %zu socket%s %s on UDP port %u",
		    rd.n_socks, rd.n_socks == 1 ? "" : "s",
		    rd.nl_open ? "attached" : "open", rd.port);

	err = relayd_loop_run(&rd);
	if (err) {
		pr_log_err(&rd.log, "event loop: %s", strerror(-err));
		goto out_loop;
	}
	rc = 0;
	pr_log_info(&rd.log, "received %llu datagrams (%llu bytes) from the kernel",
		    (unsigned long long)rd.rx_stats.datagrams,
		    (unsigned long long)rd.rx_stats.bytes);
out_loop:
	relayd_control_log_stats(&ctl);
	relayd_control_fini(&ctl);
	relayd_loop_fini(&rd);
out_socks:
	relayd_sockets_close(&rd);
out_nl:
	if (rd.nl_open)
		pr_nl_close(&rd.nl);
	rd.nl_open = false;
	if (!rc)
		pr_log_info(&rd.log, "stopped");
	return rc;
}
