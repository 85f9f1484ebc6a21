// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client: a peer relay protocol client for tests and demos:
 * keys, in-band allocation, the Bind/Challenge/Answer handshake, Geneve
 * data and end-to-end disco Ping/Pong through a relay. The command table
 * (tools/lib/cli.c runs it) and the mapping of library errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "relay-client.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif

static const struct prl_cli_cmd commands[] = {
	PRL_CLI_CMD("genkey", "[-o FILE]", "create a disco private key", NULL,
		    cmd_genkey),
	PRL_CLI_CMD("pubkey", "[< KEYFILE]",
		    "print the public key of a private key", NULL, cmd_pubkey),
	PRL_CLI_CMD("allocate", "--relay ADDR:PORT --server-key KEY --peer KEY [...]",
		    "allocate a relay endpoint in-band", NULL, cmd_allocate),
	PRL_CLI_CMD("bind", "--relay ADDR:PORT --server-key KEY --peer KEY --vni N|--allocate [MODE]",
		    "handshake with the relay, then send/recv/echo/ping", NULL,
		    cmd_bind),
	PRL_CLI_CMD("pair", "--relay ADDR:PORT --server-key KEY --vni N|--allocate [...]",
		    "run both clients and measure the round trip through the relay",
		    NULL, cmd_pair),
	PRL_CLI_CMD("many", "--relay ADDR:PORT --server-key KEY --pairs N [...]",
		    "load test: N pairs allocate and handshake from a few sockets",
		    NULL, cmd_many),
	PRL_CLI_CMD("wg", "-c FILE | --key FILE --peer KEY --allocate|--endpoint-json F [...]",
		    "bridge a WireGuard peer through the relay", NULL, cmd_wg),
	{ 0 },
};

static const struct prl_cli_prog relay_client = {
	.name = "relay-client",
	.version = PEER_RELAY_VERSION,
	.about = "Client of the Tailscale-compatible peer relay protocol, for tests and\n"
		 "demos: keys, in-band allocation, the Bind/Challenge/Answer handshake,\n"
		 "Geneve data and end-to-end disco Ping/Pong through a relay.\n",
	.json_help = "JSON output (one object per line)",
	.footer = "KEY is 64 hex digits (optionally \"discokey:\"-prefixed); ADDR:PORT is\n"
		  "192.0.2.1:7000 or [2001:db8::1]:7000.\n"
		  "Exit status: 0 success, 1 error, 2 usage error, 3 timeout (nothing or\n"
		  "not enough arrived in time).\n",
	.cmds = commands,
	/* the commands parse their options (and --help) with getopt */
	.flags = PRL_CLI_ARGV0,
};

int rcli_fail(struct rcli *r, int err, const char *what)
{
	if (err == -ETIMEDOUT) {
		fprintf(stderr, "relay-client: %s: %s: timed out\n", r->cli.cmd,
			what);
		return EXIT_TIMEOUT;
	}
	return rcli_error(r, "%s: %s", what, strerror(-err));
}

int main(int argc, char **argv)
{
	struct rcli r = { 0 };

	prl_json_init(&r.j, stdout);
	return prl_cli_main(&r.cli, &relay_client, argc, argv);
}
