/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line of the benchmark programs (benchpkt, ufrelay,
 * prinstall): the table-driven options of tools/lib/cli.h, so that every
 * number is range-checked and a bad value is a clear error (exit 2)
 * rather than a silent 0 or a wrapped value.
 */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include "addr.h"
#include "cli.h"

/* A program's identity for cli.h's messages: no -j (JSON is always on). */
#define BENCH_PROG(pname)	{ .name = (pname), .flags = PRL_CLI_NO_JSON }

/*
 * Parse all of @argv (argv[0] is the program's or the command's name)
 * by @opts into @dst; operands are refused. Returns -1 to go on, or the
 * exit code (0 after -h/--help printed @usage).
 */
static inline int bench_getopt(struct prl_cli *cli,
			       const struct prl_cli_opt *opts, void *dst,
			       const char *usage, int argc, char **argv)
{
	int first = prl_cli_getopt(cli, opts, dst, usage, argc, argv);

	if (first <= 0)
		return -first;
	if (first < argc)
		return prl_cli_usage_error(cli, "unexpected argument '%s'",
					   argv[first]);
	return -1;
}

/* PRL_OPT_PARSE: ADDR:PORT into a struct prl_endpoint (ports get added). */
static inline int bench_opt_endpoint(struct prl_cli *cli, const char *what,
				     const char *arg, void *field)
{
	if (prl_endpoint_parse(arg, field))
		return prl_cli_usage_error(cli, "invalid %s '%s': expected ADDR:PORT",
					   what, arg);
	return 0;
}

#endif /* BENCH_CLI_H */
