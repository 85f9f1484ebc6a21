// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayctl: administration CLI of the peer_relay kernel data plane.
 * The command table (tools/lib/cli.c runs it) and netlink error reporting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "relayctl.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif

static const struct prl_cli_cmd commands[] = {
	PRL_CLI_GROUP("socket", socket_cmds),
	PRL_CLI_GROUP("session", session_cmds),
	PRL_CLI_CMD("stats", "[--prometheus]", "show the data plane counters",
		    stats_help, cmd_stats),
	PRL_CLI_GROUP("config", config_cmds),
	PRL_CLI_CMD("monitor", "", "print events until interrupted",
		    monitor_help, cmd_monitor),
	PRL_CLI_CMD("show", "[vni N | key HEX] [--sort vni|idle|bytes]",
		    "overview of config, sockets, sessions, counters",
		    show_help, cmd_show),
	PRL_CLI_CMD("ping", "[-c N] [-i MS] [-W MS] [--key FILE --server-key HEX] HOST:PORT",
		    "probe a relay end to end through a probe session",
		    ping_help, cmd_ping),
	{ 0 },
};

static const struct prl_cli_prog relayctl = {
	.name = "relayctl",
	.version = PEER_RELAY_VERSION,
	.about = "Configure and inspect the peer_relay kernel data plane over generic\n"
		 "netlink.\n",
	.json_help = "JSON output (one value per line)",
	.footer = "KEY is 64 hex digits; ADDR:PORT is 192.0.2.1:7000 or [2001:db8::1]:7000.\n"
		  "Exit status: 0 success, 1 error, 2 usage error.\n",
	.cmds = commands,
	.flags = PRL_CLI_CMD_HELP,
};

int ctl_kernel_error(struct ctl *c, int err)
{
	const char *msg = prl_nl_errmsg(&c->nl);

	if (*msg)
		ctl_error(c, "%s: %s", strerror(-err), msg);
	else
		ctl_error(c, "%s", strerror(-err));
	if (err == -EPERM)
		ctl_eperm_hint(c);
	return EXIT_ERR;
}

void ctl_eperm_hint(struct ctl *c)
{
	fprintf(stderr,
		"relayctl: %s: needs CAP_NET_ADMIN in the user namespace owning this network\n"
		"namespace (run as root): changes, and sessions, sockets and events, which\n"
		"show client keys and addresses; stats and config are open to everyone.\n",
		c->cli.cmd);
}

int ctl_nl(struct ctl *c)
{
	int err;

	if (c->nl_open)
		return 0;
	/* no module: relayd's control socket (userspace data plane) */
	err = prl_nl_open_any(&c->nl, NULL);
	if (err == -ENOENT && c->nl.last.msg[0])
		return ctl_error(c, "%s", c->nl.last.msg);
	if (err == -ENOENT)
		return ctl_error(c, "generic netlink family \"%s\" not found (is the peer_relay module loaded?)",
				 PEER_RELAY_GENL_NAME);
	if (err) {
		const char *msg = prl_nl_errmsg(&c->nl);

		return ctl_error(c, "cannot open generic netlink: %s%s%s",
				 strerror(-err), *msg ? ": " : "", msg);
	}
	c->nl_open = true;
	return 0;
}

int ctl_arg_key(struct ctl *c, const char *what, const char *s,
		uint8_t key[PEER_RELAY_KEY_LEN])
{
	if (prl_key_parse(s, key))
		return ctl_usage_error(c, "invalid %s '%s': expected %d hex digits",
				       what, s, 2 * PEER_RELAY_KEY_LEN);
	return 0;
}

int ctl_arg_u32(struct ctl *c, const char *what, const char *s,
		uint32_t *out)
{
	if (prl_parse_u32(s, 0, UINT32_MAX, out))
		return ctl_usage_error(c, "invalid %s '%s': expected a number",
				       what, s);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl c = { .out = stdout };
	int rc;

	rc = prl_cli_main(&c.cli, &relayctl, argc, argv);
	if (c.nl_open)
		prl_nl_close(&c.nl);
	return rc;
}
