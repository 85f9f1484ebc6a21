// SPDX-License-Identifier: GPL-2.0-only
/* relayctl config get|set */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "relayctl.h"
#include "tables.h"

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
	ctl_print(c, NULL, &ctl_out_config, &cfg);
	return EXIT_OK;
}

static int set_server_key(struct ctl *c, const char *name, const char *v,
			  struct prl_config *cfg)
{
	return ctl_arg_key(c, name, v, cfg->server_key);
}

static int set_static_eps(struct ctl *c, const char *name, const char *v,
			  struct prl_config *cfg)
{
	int n;

	if (!strcmp(v, "none")) {
		cfg->n_static_eps = 0;
		return 0;
	}
	n = prl_endpoint_list_parse(v, cfg->static_eps,
				    PEER_RELAY_MAX_STATIC_EPS);
	if (n == -E2BIG)
		return ctl_usage_error(c, "at most %d static endpoints",
				       PEER_RELAY_MAX_STATIC_EPS);
	if (n < 0)
		return ctl_usage_error(c, "invalid endpoint list '%s': expected ADDR:PORT[,ADDR:PORT...] or none",
				       v);
	cfg->n_static_eps = (unsigned int)n;
	return 0;
}

static int set_vni_range(struct ctl *c, const char *name, const char *v,
			 struct prl_config *cfg)
{
	const char *dash = strchr(v, '-');
	char lo[16];

	if (!dash || dash == v || (size_t)(dash - v) >= sizeof(lo))
		return ctl_usage_error(c, "invalid vni-range '%s': expected MIN-MAX", v);
	memcpy(lo, v, (size_t)(dash - v));
	lo[dash - v] = '\0';
	if (ctl_arg_u32(c, name, lo, &cfg->vni_min) ||
	    ctl_arg_u32(c, name, dash + 1, &cfg->vni_max))
		return EXIT_USAGE;
	return 0;
}

/* The settings of 'config set': a number at @off, or @parse. */
static const struct setting {
	const char *name;
	uint32_t bit;
	size_t off;
	int (*parse)(struct ctl *c, const char *name, const char *v,
		     struct prl_config *cfg);
} settings[] = {
#define NUM(name, bit, field) { name, bit, offsetof(struct prl_config, field), NULL }
	NUM("bind-lifetime", PRL_CFG_BIND_LIFETIME, bind_lifetime_ms),
	NUM("idle-lifetime", PRL_CFG_IDLE_LIFETIME, idle_lifetime_ms),
	NUM("max-sessions", PRL_CFG_MAX_SESSIONS, max_sessions),
	NUM("pass-rate", PRL_CFG_PASS_RATE, pass_rate),
	NUM("pass-rate-total", PRL_CFG_PASS_RATE_TOTAL, pass_rate_total),
	NUM("pass-burst", PRL_CFG_PASS_BURST, pass_burst),
#undef NUM
	{ "vni-range", PRL_CFG_VNI_RANGE, 0, set_vni_range },
	{ "server-key", PRL_CFG_SERVER_KEY, 0, set_server_key },
	{ "static-endpoints", PRL_CFG_STATIC_EPS, 0, set_static_eps },
};

static const struct setting *find_setting(const char *name)
{
	size_t i;

	for (i = 0; i < PRL_ARRAY_SIZE(settings); i++)
		if (!strcmp(settings[i].name, name))
			return &settings[i];
	return NULL;
}

static int config_set(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	const struct setting *st;
	struct prl_config cfg;
	int i, err;

	memset(&cfg, 0, sizeof(cfg));
	if (argc == 0)
		return ctl_usage_error(c, "nothing to set");
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return ctl_usage_error(c, "'%s' needs a value", k);
		st = find_setting(k);
		if (!st)
			return ctl_usage_error(c, "unknown setting '%s'", k);
		err = st->parse ? st->parse(c, k, v, &cfg) :
		      ctl_arg_u32(c, k, v, (uint32_t *)((char *)&cfg + st->off));
		if (err)
			return EXIT_USAGE;
		if (cfg.mask & st->bit)
			return ctl_usage_error(c, "'%s' given twice", k);
		cfg.mask |= st->bit;
	}
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_config_set(&c->nl, &cfg);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

const struct prl_cli_cmd config_cmds[] = {
	PRL_CLI_CMD("get", "", "show the relay configuration",
	  "Prints bind-lifetime and idle-lifetime (milliseconds), max-sessions,\n"
	  "pass-rate, pass-burst and pass-rate-total, vni-range, server-key (hex\n"
	  "or none) and static-endpoints (comma separated or none). With -j:\n"
	  "{bind_lifetime_ms, idle_lifetime_ms, max_sessions, pass_rate,\n"
	  "pass_burst, pass_rate_total, vni_min, vni_max, server_key,\n"
	  "static_endpoints: [...]}.\n",
	  config_get),
	PRL_CLI_CMD("set",
	  "[bind-lifetime MS] [idle-lifetime MS] [max-sessions N] [pass-rate N] [pass-burst N] [pass-rate-total N] [vni-range MIN-MAX] [server-key HEX] [static-endpoints ADDR:PORT[,...]|none]",
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
	  "  vni-range MIN-MAX    VNIs the kernel picks for new sessions\n"
	  "                       (1-16777215); replicating relays use\n"
	  "                       disjoint ranges\n"
	  "  server-key HEX       the relay's disco public key (64 hex digits);\n"
	  "                       SESSION_NEW rejects it as a client key\n"
	  "  static-endpoints L   up to 16 ADDR:PORT advertised to clients,\n"
	  "                       comma separated, or 'none' to clear\n",
	  config_set),
	{ 0 },
};
