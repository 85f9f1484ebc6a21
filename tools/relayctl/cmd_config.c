// SPDX-License-Identifier: GPL-2.0-only
/* relayctl config get|set */
#include <errno.h>
#include <string.h>

#include "relayctl.h"

static int config_get(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct prl_config cfg;
	int err;

	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_config_get(&c->nl, &cfg);
	if (err)
		return ctl_kernel_error(c, err);
	out_config(c, &cfg);
	return EXIT_OK;
}

static int config_set(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct prl_config cfg;
	int i, n, err;

	memset(&cfg, 0, sizeof(cfg));
	if (argc == 0)
		return ctl_usage_error(c, "nothing to set");
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t bit;

		if (!v)
			return ctl_usage_error(c, "'%s' needs a value", k);
		if (!strcmp(k, "bind-lifetime")) {
			bit = PRL_CFG_BIND_LIFETIME;
			if (ctl_arg_u32(c, "bind-lifetime", v,
					&cfg.bind_lifetime_ms))
				return EXIT_USAGE;
		} else if (!strcmp(k, "idle-lifetime")) {
			bit = PRL_CFG_IDLE_LIFETIME;
			if (ctl_arg_u32(c, "idle-lifetime", v,
					&cfg.idle_lifetime_ms))
				return EXIT_USAGE;
		} else if (!strcmp(k, "max-sessions")) {
			bit = PRL_CFG_MAX_SESSIONS;
			if (ctl_arg_u32(c, "max-sessions", v,
					&cfg.max_sessions))
				return EXIT_USAGE;
		} else if (!strcmp(k, "pass-rate")) {
			bit = PRL_CFG_PASS_RATE;
			if (ctl_arg_u32(c, "pass-rate", v, &cfg.pass_rate))
				return EXIT_USAGE;
		} else if (!strcmp(k, "pass-rate-total")) {
			bit = PRL_CFG_PASS_RATE_TOTAL;
			if (ctl_arg_u32(c, "pass-rate-total", v, &cfg.pass_rate_total))
				return EXIT_USAGE;
		} else if (!strcmp(k, "pass-burst")) {
			bit = PRL_CFG_PASS_BURST;
			if (ctl_arg_u32(c, "pass-burst", v, &cfg.pass_burst))
				return EXIT_USAGE;
		} else if (!strcmp(k, "server-key")) {
			bit = PRL_CFG_SERVER_KEY;
			if (ctl_arg_key(c, "server-key", v, cfg.server_key))
				return EXIT_USAGE;
		} else if (!strcmp(k, "static-endpoints")) {
			bit = PRL_CFG_STATIC_EPS;
			if (!strcmp(v, "none")) {
				cfg.n_static_eps = 0;
			} else {
				n = prl_endpoint_list_parse(v, cfg.static_eps,
						PEER_RELAY_MAX_STATIC_EPS);
				if (n == -E2BIG)
					return ctl_usage_error(c, "at most %d static endpoints",
							       PEER_RELAY_MAX_STATIC_EPS);
				if (n < 0)
					return ctl_usage_error(c, "invalid endpoint list '%s': expected ADDR:PORT[,ADDR:PORT...] or none",
							       v);
				cfg.n_static_eps = (unsigned int)n;
			}
		} else {
			return ctl_usage_error(c, "unknown setting '%s'", k);
		}
		if (cfg.mask & bit)
			return ctl_usage_error(c, "'%s' given twice", k);
		cfg.mask |= bit;
	}
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_config_set(&c->nl, &cfg);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

const struct prl_cli_cmd config_cmds[] = {
	PRL_CLI_CMD("get", "", "show the relay configuration",
	  "Prints bind-lifetime and idle-lifetime (milliseconds), max-sessions,\n"
	  "pass-rate, pass-burst and pass-rate-total, server-key (hex or none)\n"
	  "and static-endpoints (comma separated or none). With -j:\n"
	  "{bind_lifetime_ms, idle_lifetime_ms, max_sessions, pass_rate,\n"
	  "pass_burst, pass_rate_total, server_key, static_endpoints: [...]}.\n",
	  config_get),
	PRL_CLI_CMD("set",
	  "[bind-lifetime MS] [idle-lifetime MS] [max-sessions N] [pass-rate N] [pass-burst N] [pass-rate-total N] [server-key HEX] [static-endpoints ADDR:PORT[,...]|none]",
	  "change the relay configuration",
	  "Changes only the settings given:\n"
	  "  bind-lifetime MS     time both clients get to bind (100..86400000)\n"
	  "  idle-lifetime MS     an open session expires when one side has been\n"
	  "                       idle this long (100..86400000)\n"
	  "  max-sessions N       maximum number of sessions (1..16777215)\n"
	  "  pass-rate N          datagrams per second per source address (IPv6:\n"
	  "                       per /64) the kernel lets through to relayd\n"
	  "                       (control, plain disco, STUN); excess is\n"
	  "                       dropped and counted as ratelimit; 0: no limit\n"
	  "  pass-burst N         burst allowed above pass-rate (1..10000000)\n"
	  "  pass-rate-total N    datagrams per second from all sources together\n"
	  "                       (burst: one second's worth) let through to\n"
	  "                       relayd; excess counted as ratelimit_total;\n"
	  "                       0: no limit (default 20000)\n"
	  "  server-key HEX       the relay's disco public key (64 hex digits);\n"
	  "                       SESSION_NEW rejects it as a client key\n"
	  "  static-endpoints L   up to 16 ADDR:PORT advertised to clients,\n"
	  "                       comma separated, or 'none' to clear\n",
	  config_set),
	{ 0 },
};
