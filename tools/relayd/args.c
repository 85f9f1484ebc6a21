// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's command line: one table for the shared getopt skeleton
 * (tools/lib/cli.h), then the config file and the checks across options.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ctl_proto.h"
#include "ratelimit.h"
#include "relayd.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif

#define USAGE_FMT \
	"Usage: relayd [OPTIONS]\n" \
	"\n" \
	"Open UDP relay sockets, attach them to the peer_relay kernel data plane,\n" \
	"run the relay handshake and in-band allocation until SIGTERM/SIGINT,\n" \
	"then detach them and exit. Without the kernel module (or with\n" \
	"--userspace) relayd forwards in userspace itself, one thread per socket.\n" \
	"SIGHUP reloads the config file (static endpoints, grants, rate limit,\n" \
	"lifetimes); SIGUSR1 logs counters and sessions.\n" \
	"\n" \
	"Options:\n" \
	"  -p, --port P          UDP port (default %d; 0: the kernel picks one,\n" \
	"                        shared by all sockets)\n" \
	"  -f, --family F        4, 6 or both (default both)\n" \
	"  -n, --sockets N       sockets per family, SO_REUSEPORT (default 1,\n" \
	"                        max %d)\n" \
	"  -c, --config FILE     read settings from FILE (see relayd(8))\n" \
	"  -k, --key FILE        relay private key, created (mode 0600) if missing;\n" \
	"                        default: a new key at every start\n" \
	"  -g, --grants FILE     client keys allowed to allocate in-band\n" \
	"                        (default: nobody; reloaded on SIGHUP)\n" \
	"  -s, --static-endpoints LIST\n" \
	"                        ADDR:PORT[,ADDR:PORT...] advertised first to\n" \
	"                        clients (stored in the kernel), or none\n" \
	"  -r, --rate-limit N    control packets per second handled per source\n" \
	"                        address (default %d; 0: no limit)\n" \
	"  -b, --rate-burst N    burst of the rate limit (default %d)\n" \
	"  -C, --control-socket PATH\n" \
	"                        where relayctl reaches relayd (default\n" \
	"                        " PRL_CTL_DEFAULT_PATH ", none: no socket);\n" \
	"                        relayctl uses it when the module is absent\n" \
	"  -m, --metrics-file FILE\n" \
	"                        write relayd's counters there every 10 s in the\n" \
	"                        Prometheus text format (node_exporter textfile)\n" \
	"  -U, --userspace       forward in userspace even if the kernel module is\n" \
	"                        loaded (the default when it is not); sessions\n" \
	"                        come from in-band allocation only\n" \
	"      --no-kernel       do not use the kernel module (testing: sockets\n" \
	"                        are not attached, every datagram reaches relayd,\n" \
	"                        nothing is forwarded)\n" \
	"      --sync-listen ADDR:PORT\n" \
	"                        replicate sessions with other relays: accept\n" \
	"                        their connections here (TCP)\n" \
	"      --sync-peer ADDR:PORT[,...]\n" \
	"                        the other relays (connect targets and the only\n" \
	"                        addresses accepted); repeatable, at most %d\n" \
	"      --sync-key FILE   shared key of the sync channel (64 hex digits);\n" \
	"                        default: derived from the relay key (--key)\n" \
	"      --sync-vip ADDR   push sessions while ADDR (moved by keepalived)\n" \
	"                        is a local address, install the peers' else\n" \
	"      --sync-role R     active or standby: a fixed role instead\n" \
	"      --sync-refresh MS full resync period while active (default %d)\n" \
	"      --sync-name NAME  this relay's name in the peers' logs\n" \
	"      --vni-range MIN-MAX\n" \
	"                        VNIs the kernel picks; disjoint per relay\n" \
	"  -l, --log-level L     error, warn, info (default) or debug\n" \
	"  -v, --verbose         more log output (repeatable)\n" \
	"  -q, --quiet           only warnings and errors\n" \
	"  -h, --help            this help\n" \
	"  -V, --version         print the version\n" \
	"\n" \
	"Exit status: 0 after a clean shutdown, 1 on errors, 2 on usage errors.\n"

/* What the table fills: the options, which RELAYD_SET_* bits were given
 * (seen[i] for bit i), and the options that are not settings. */
struct relayd_args {
	struct relayd_opts o;
	bool seen[12];
	int verbose, quiet;
	bool version;
};

static int bad_value(struct prl_cli *cli, const char *what, const char *arg)
{
	return prl_cli_usage_error(cli, "invalid value '%s' for --%s", arg,
				   what);
}

static int opt_port(struct prl_cli *cli, const char *what, const char *arg,
		    void *field)
{
	return relayd_parse_port(arg, field) ? bad_value(cli, what, arg) : 0;
}

static int opt_family(struct prl_cli *cli, const char *what, const char *arg,
		      void *field)
{
	return relayd_parse_family(arg, field) ? bad_value(cli, what, arg) : 0;
}

static int opt_sockets(struct prl_cli *cli, const char *what,
		       const char *arg, void *field)
{
	return relayd_parse_sockets(arg, field) ? bad_value(cli, what, arg) : 0;
}

static int opt_static(struct prl_cli *cli, const char *what, const char *arg,
		      void *field)
{
	return relayd_parse_static_eps(arg, field) ?
	       bad_value(cli, what, arg) : 0;
}

static int opt_log_level(struct prl_cli *cli, const char *what,
			 const char *arg, void *field)
{
	int l = prl_log_level_parse(arg);

	if (l < 0)
		return bad_value(cli, what, arg);
	*(int *)field = l;
	return 0;
}

/* --sync-* and --vni-range: @what is the setting's name (sync_opts.c). */
static int opt_sync(struct prl_cli *cli, const char *what, const char *arg,
		    void *field)
{
	struct relayd_opts *o = field;

	return relayd_sync_setting(&o->sync, &o->relay_cfg, what, arg) ?
	       bad_value(cli, what, arg) : 0;
}

#define A(field)	offsetof(struct relayd_args, field)
/* a row that fills @field of struct relayd_args */
#define ROW(lname, sname, k, field) \
	.name = (lname), .short_name = (sname), .kind = (k), .off = A(field)
/* the row sets RELAYD_SET_@bit in the command line's set */
#define SETS(bit) \
	.seen = PRL_OPT_SEEN(struct relayd_args, \
			     seen[__builtin_ctz(RELAYD_SET_##bit)])
#define PARSE(fn, lname)	.parse = (fn), .what = (lname)
#define SYNC_ROW(lname)	ROW(lname, 0, PRL_OPT_PARSE, o), PARSE(opt_sync, lname)

static const struct prl_cli_opt relayd_opts_table[] = {
	{ ROW("port", 'p', PRL_OPT_PARSE, o.port), SETS(PORT),
	  PARSE(opt_port, "port") },
	{ ROW("family", 'f', PRL_OPT_PARSE, o), SETS(FAMILY),
	  PARSE(opt_family, "family") },
	{ ROW("sockets", 'n', PRL_OPT_PARSE, o.sockets), SETS(SOCKETS),
	  PARSE(opt_sockets, "sockets") },
	{ ROW("config", 'c', PRL_OPT_STR, o.config_file) },
	{ ROW("no-kernel", 0, PRL_OPT_FLAG, o.no_kernel) },
	{ ROW("userspace", 'U', PRL_OPT_FLAG, o.userspace) },
	{ ROW("key", 'k', PRL_OPT_STR, o.key_file), SETS(KEY) },
	{ ROW("grants", 'g', PRL_OPT_STR, o.grants_file), SETS(GRANTS) },
	{ ROW("static-endpoints", 's', PRL_OPT_PARSE, o.relay_cfg),
	  SETS(STATIC), PARSE(opt_static, "static-endpoints") },
	{ ROW("rate-limit", 'r', PRL_OPT_U32, o.rate_limit), SETS(RATE),
	  .what = "rate limit", .min = 0, .max = 1000000 },
	{ ROW("rate-burst", 'b', PRL_OPT_U32, o.rate_burst), SETS(BURST),
	  .what = "rate burst", .min = 1, .max = 1000000 },
	{ ROW("metrics-file", 'm', PRL_OPT_STR, o.metrics_file),
	  SETS(METRICS) },
	{ ROW("control-socket", 'C', PRL_OPT_STR, o.ctl_socket),
	  SETS(CTLSOCK) },
	{ SYNC_ROW("sync-listen"), SETS(SYNC) },
	{ SYNC_ROW("sync-peer"), SETS(SYNC) },
	{ SYNC_ROW("sync-key"), SETS(SYNC) },
	{ SYNC_ROW("sync-vip"), SETS(SYNC) },
	{ SYNC_ROW("sync-role"), SETS(SYNC) },
	{ SYNC_ROW("sync-refresh"), SETS(SYNC) },
	{ SYNC_ROW("sync-name"), SETS(SYNC) },
	{ SYNC_ROW("vni-range") },
	{ ROW("log-level", 'l', PRL_OPT_PARSE, o.log_level), SETS(LOGLEVEL),
	  PARSE(opt_log_level, "log-level") },
	{ ROW("verbose", 'v', PRL_OPT_COUNT, verbose) },
	{ ROW("quiet", 'q', PRL_OPT_COUNT, quiet) },
	{ ROW("version", 'V', PRL_OPT_FLAG, version) },
	{ 0 },
};

static unsigned int seen_bits(const struct relayd_args *a)
{
	unsigned int i, set = 0;

	for (i = 0; i < sizeof(a->seen) / sizeof(a->seen[0]); i++)
		if (a->seen[i])
			set |= 1u << i;
	return set;
}

/* -v/-q move the level from -l (or the default) within error..debug. */
static void apply_verbosity(struct relayd_args *a)
{
	int level = a->o.log_level + a->verbose - a->quiet;

	if (a->verbose == a->quiet)
		return;
	if (level < PRL_LOG_ERR)
		level = PRL_LOG_ERR;
	if (level > PRL_LOG_DEBUG)
		level = PRL_LOG_DEBUG;
	a->o.log_level = level;
	a->seen[__builtin_ctz(RELAYD_SET_LOGLEVEL)] = true;
}

int relayd_parse_args(int argc, char **argv, struct relayd_opts *o,
		      struct relayd_opts *cli_opts, unsigned int *cli_set)
{
	static const struct prl_cli_prog prog = {
		.name = "relayd", .flags = PRL_CLI_NO_JSON,
	};
	struct prl_cli cli = { .prog = &prog };
	struct relayd_args a = { .o = *o };
	char usage[sizeof(USAGE_FMT) + 64], err[512];
	int first;

	snprintf(usage, sizeof(usage), USAGE_FMT, RELAYD_DEFAULT_PORT,
		 RELAYD_MAX_SOCKETS_PER_FAMILY, PRL_RL_DEFAULT_RATE,
		 PRL_RL_DEFAULT_BURST, SYNC_MAX_PEERS, SYNC_DEFAULT_REFRESH_MS);
	first = prl_cli_getopt(&cli, relayd_opts_table, &a, usage, argc, argv);
	if (first <= 0)
		return -first;
	if (a.version) {
		printf("relayd %s\n", PEER_RELAY_VERSION);
		return 0;
	}
	if (a.o.no_kernel && a.o.userspace)
		return prl_cli_usage_error(&cli, "--no-kernel and --userspace exclude each other");
	if (first < argc)
		return prl_cli_usage_error(&cli, "unexpected argument '%s'",
					   argv[first]);
	apply_verbosity(&a);

	*o = a.o;
	*cli_opts = a.o;
	*cli_set = seen_bits(&a);
	if (o->config_file &&
	    relayd_config_load(o->config_file, o, *cli_set, err, sizeof(err))) {
		fprintf(stderr, "relayd: %s\n", err);
		return 1;
	}
	if (relayd_sync_check(&o->sync, err, sizeof(err)))
		return prl_cli_usage_error(&cli, "%s", err);
	return -1;
}
