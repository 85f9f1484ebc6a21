/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the command lines of the benchmark programs (benchpkt, ufrelay,
 * prinstall) share beyond tools/lib/cli_single.h.
 */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include "addr.h"
#include "cli.h"
#include "cli_single.h"

/* PRL_OPT_PARSE: ADDR:PORT into a struct prl_endpoint (ports get added). */
static inline int bench_opt_endpoint(struct prl_cli *cli, const char *what,
				     const char *arg, void *field)
{
	return prl_cli_opt_check(cli, prl_endpoint_parse(arg, field), what, arg,
				 "ADDR:PORT");
}

#endif /* BENCH_CLI_H */
