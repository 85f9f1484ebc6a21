// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's settings: one table for the command line and the config file
 * (tools/lib/cli.h: prl_cli_getopt, prl_cli_settings), the order that
 * makes the flags win, and the checks across options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <peer_relay/limits.h>

#include "cli.h"
#include "ctl_proto.h"
#include "ratelimit.h"
#include "relayd.h"
#include "tables.h"

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
	"      --bind-lifetime MS, --idle-lifetime MS\n" \
	"                        session lifetimes before / after both sides\n" \
	"                        bound (module defaults 30000, 300000)\n" \
	"      --max-sessions N  session limit of the data plane\n" \
	"      --pass-rate N, --pass-burst N, --pass-rate-total N\n" \
	"                        datagrams/s passed up per source and in total\n" \
	"                        (0: no limit), and the burst\n" \
	"  -l, --log-level L     error, warn, info (default) or debug\n" \
	"  -v, --verbose         more log output (repeatable)\n" \
	"  -q, --quiet           only warnings and errors\n" \
	"  -h, --help            this help\n" \
	"  -V, --version         print the version\n" \
	"\n" \
	"The config file takes the long options as keys: \"key value\" or\n" \
	"\"key = value\" per line, '#' comments; options win over it.\n" \
	"\n" \
	"Exit status: 0 after a clean shutdown, 1 on errors, 2 on usage errors.\n"

/* What the table fills: the options, which were given, and the options
 * that are not settings. */
struct relayd_args {
	struct relayd_opts o;
	bool cfg_set[32];	/* bit i of prl_config.mask given */
	bool sync_set;		/* any sync-* option */
	bool level_set;		/* -l */
	int verbose, quiet;
	bool version;
};

/* config.c has the other parsers; < 0 is reported as an invalid value. */
static int opt_log_level(struct prl_cli *cli, const char *what,
			 const char *arg, void *field)
{
	int l = prl_log_level_parse(arg);

	if (l < 0)
		return -1;
	*(int *)field = l;
	return 0;
}

/* --sync-* and --vni-range: @what is the setting's name (sync_opts.c). */
static int opt_sync(struct prl_cli *cli, const char *what, const char *arg,
		    void *field)
{
	struct relayd_opts *o = field;

	return relayd_sync_setting(&o->sync, &o->relay_cfg, what, arg) ? -1 : 0;
}

#define STR(x)		#x
#define XSTR(x)		STR(x)
#define A(field)	offsetof(struct relayd_args, field)
/* a row that fills @field of struct relayd_args: a flag only (FLAG), or
 * a setting whose file key is its long name (ROW) */
#define FLAG(lname, sname, k, field) \
	.name = (lname), .short_name = (sname), .kind = (k), .off = A(field)
#define ROW(lname, sname, k, field) \
	FLAG(lname, sname, k, field), .conf = (lname)
#define SEEN(field)	.seen = PRL_OPT_SEEN(struct relayd_args, field)
#define PARSE(fn, lname, exp) \
	.parse = (fn), .what = (lname), .expect = (exp)
#define SYNC_ROW(lname, exp) \
	ROW(lname, 0, PRL_OPT_PARSE, o), PARSE(opt_sync, lname, exp)
/* a data-plane setting: its PRL_CFG_@bit, in the module's bounds */
#define CFG_ROW(lname, bit, field, lo, hi) \
	ROW(lname, 0, PRL_OPT_U32, o.relay_cfg.field), \
	SEEN(cfg_set[__builtin_ctz(PRL_CFG_##bit)]), \
	.what = (lname), .min = (lo), .max = (hi)

/* Every setting; the rows without a file key are the command line's only. */
static const struct prl_cli_opt relayd_opts_table[] = {
	{ ROW("port", 'p', PRL_OPT_PARSE, o.port),
	  PARSE(relayd_parse_port, "port", "a number in 0..65535") },
	{ ROW("family", 'f', PRL_OPT_PARSE, o),
	  PARSE(relayd_parse_family, "family", "4, 6 or both") },
	{ ROW("sockets", 'n', PRL_OPT_PARSE, o.sockets),
	  PARSE(relayd_parse_sockets, "sockets",
		"a number in 1.." XSTR(RELAYD_MAX_SOCKETS_PER_FAMILY)) },
	{ FLAG("config", 'c', PRL_OPT_STR, o.config_file) },
	{ FLAG("no-kernel", 0, PRL_OPT_FLAG, o.no_kernel) },
	{ FLAG("userspace", 'U', PRL_OPT_FLAG, o.userspace) },
	{ ROW("key", 'k', PRL_OPT_STR, o.key_file) },
	{ ROW("grants", 'g', PRL_OPT_STR, o.grants_file) },
	{ ROW("static-endpoints", 's', PRL_OPT_PARSE, o.relay_cfg),
	  PARSE(relayd_parse_static_eps, "static-endpoints",
		"ADDR:PORT[,ADDR:PORT...] or none") },
	{ ROW("rate-limit", 'r', PRL_OPT_U32, o.rate_limit),
	  .what = "rate limit", .min = 0, .max = 1000000 },
	{ ROW("rate-burst", 'b', PRL_OPT_U32, o.rate_burst),
	  .what = "rate burst", .min = 1, .max = 1000000 },
	{ ROW("metrics-file", 'm', PRL_OPT_STR, o.metrics_file) },
	{ ROW("control-socket", 'C', PRL_OPT_STR, o.ctl_socket) },
	{ SYNC_ROW("sync-listen", "ADDR:PORT"), SEEN(sync_set) },
	{ SYNC_ROW("sync-peer", "ADDR:PORT[,...]"), SEEN(sync_set) },
	{ SYNC_ROW("sync-key", "a file name"), SEEN(sync_set) },
	{ SYNC_ROW("sync-vip", "an address"), SEEN(sync_set) },
	{ SYNC_ROW("sync-role", "active or standby"), SEEN(sync_set) },
	{ SYNC_ROW("sync-refresh", "a number in 200..3600000"),
	  SEEN(sync_set) },
	{ SYNC_ROW("sync-name", "1..64 printable characters"),
	  SEEN(sync_set) },
	{ SYNC_ROW("vni-range", "MIN-MAX") },
	{ CFG_ROW("bind-lifetime", BIND_LIFETIME, bind_lifetime_ms,
		  PRELAY_LIFETIME_MIN_MS, PRELAY_LIFETIME_MAX_MS) },
	{ CFG_ROW("idle-lifetime", IDLE_LIFETIME, idle_lifetime_ms,
		  PRELAY_LIFETIME_MIN_MS, PRELAY_LIFETIME_MAX_MS) },
	{ CFG_ROW("max-sessions", MAX_SESSIONS, max_sessions,
		  PRELAY_MAX_SESSIONS_MIN, PEER_RELAY_VNI_MAX) },
	{ CFG_ROW("pass-rate", PASS_RATE, pass_rate, 0,
		  PRELAY_PASS_RATE_MAX) },
	{ CFG_ROW("pass-burst", PASS_BURST, pass_burst,
		  PRELAY_PASS_BURST_MIN, PRELAY_PASS_BURST_MAX) },
	{ CFG_ROW("pass-rate-total", PASS_RATE_TOTAL, pass_rate_total,
		  0, PRELAY_PASS_RATE_MAX) },
	{ ROW("log-level", 'l', PRL_OPT_PARSE, o.log_level), SEEN(level_set),
	  PARSE(opt_log_level, "log-level", "error, warn, info or debug") },
	{ FLAG("verbose", 'v', PRL_OPT_COUNT, verbose) },
	{ FLAG("quiet", 'q', PRL_OPT_COUNT, quiet) },
	{ FLAG("version", 'V', PRL_OPT_FLAG, version) },
	{ 0 },
};

static const struct prl_cli_prog relayd_prog = {
	.name = "relayd", .flags = PRL_CLI_NO_JSON | PRL_CLI_CONF_WORDS,
};

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
	a->level_set = true;
}

/*
 * @flags (@dflt and the command line, parsed before) gives the file's
 * name. The file into a copy of @dflt, then the flags again on top, so
 * that they win; the log level and the replication settings of the
 * command line win as a whole. Returns 0 or the exit code of the error
 * printed; *@o is set either way.
 */
static int settings(struct prl_cli *cli, const struct relayd_args *flags,
		    const struct relayd_opts *dflt, int argc, char **argv,
		    struct relayd_opts *o)
{
	struct relayd_args a = { .o = *dflt };
	unsigned int i;
	int rc = 0;

	a.o.conf_text = NULL;
	if (flags->o.config_file)
		rc = prl_cli_settings(cli, relayd_opts_table, &a,
				      flags->o.config_file, NULL,
				      &a.o.conf_text);
	if (!rc && prl_cli_getopt(cli, relayd_opts_table, &a, "", argc,
				  argv) < 0)
		rc = EXIT_USAGE;	/* cannot be: the same flags passed */
	if (flags->sync_set)
		a.o.sync = flags->o.sync;
	if (flags->level_set)
		a.o.log_level = flags->o.log_level;
	for (i = 0; i < PRL_ARRAY_SIZE(a.cfg_set); i++)
		if (a.cfg_set[i])
			a.o.relay_cfg.mask |= 1u << i;
	*o = a.o;
	return rc;
}

int relayd_parse_args(int argc, char **argv, const struct relayd_opts *dflt,
		      struct relayd_opts *o)
{
	struct prl_cli cli = { .prog = &relayd_prog };
	struct relayd_args a = { .o = *dflt };
	char usage[sizeof(USAGE_FMT) + 64], err[512];
	int first, rc;

	*o = *dflt;
	o->conf_text = NULL;
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
	rc = settings(&cli, &a, dflt, argc, argv, o);
	if (rc)
		return rc;
	if (relayd_sync_check(&o->sync, err, sizeof(err)))
		return prl_cli_usage_error(&cli, "%s", err);
	return -1;
}

int relayd_reload_settings(int argc, char **argv,
			   const struct relayd_opts *dflt,
			   struct relayd_opts *o)
{
	struct prl_cli cli = { .prog = &relayd_prog, .cmd = "reload" };
	struct relayd_args a = { .o = *dflt };

	*o = *dflt;
	o->conf_text = NULL;
	if (prl_cli_getopt(&cli, relayd_opts_table, &a, "", argc, argv) < 0)
		return EXIT_USAGE;
	apply_verbosity(&a);
	return settings(&cli, &a, dflt, argc, argv, o);
}
