// SPDX-License-Identifier: GPL-2.0-only
/* relayctl stats [--prometheus] */
#include <string.h>

#include "prometheus.h"
#include "relayctl.h"

const char stats_help[] =
	"Prints the counters of this network namespace: forwarded packets and\n"
	"bytes per (ingress, egress) transport, sessions by state, sessions\n"
	"created, attached sockets, and dropped/passed datagrams and deleted\n"
	"sessions by reason.\n"
	"\n"
	"  --prometheus   Prometheus text exposition format (for the\n"
	"                 node_exporter textfile collector)\n"
	"\n"
	"With -j: {forwarded: {udp4_udp4: {packets, bytes}, ...}, sessions:\n"
	"{connecting, open, created}, sockets, dropped: {REASON: N, ...},\n"
	"passed: {...}, deleted: {...}}.\n";

int cmd_stats(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	bool prom = false;
	struct prl_stats st;
	int i, err;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--prometheus") ||
		    !strcmp(argv[i], "prometheus"))
			prom = true;
		else
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[i]);
	}
	if (prom && c->cli.json)
		return ctl_usage_error(c, "--prometheus and --json exclude each other");
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_stats_get(&c->nl, &st);
	if (err)
		return ctl_kernel_error(c, err);
	if (prom) {
		struct prl_config cfg;

		/* config is as open as the counters: same privileges */
		err = prl_config_get(&c->nl, &cfg);
		if (err)
			return ctl_kernel_error(c, err);
		if (prl_prometheus_write(c->out, &st, PEER_RELAY_VERSION) ||
		    prl_prometheus_write_limits(c->out, &cfg))
			return ctl_error(c, "write error");
		return EXIT_OK;
	}
	ctl_print(c, NULL, &ctl_out_stats, &st);
	return EXIT_OK;
}
