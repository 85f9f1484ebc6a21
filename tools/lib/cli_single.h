/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli.h's table-driven options for programs without a command table and
 * without -j: the benchmark programs (bench/) and the test helpers
 * (selftests/tools/), so that their numbers are range-checked and a bad
 * value is a clear error (exit 2), never a silent 0 or a wrapped value.
 */
#ifndef PRL_CLI_SINGLE_H
#define PRL_CLI_SINGLE_H

#include <string.h>

#include "cli.h"
#include "num.h"
#include "tables.h"

/* The program's identity for cli.h's messages ("NAME: CMD: ..."). */
#define PRL_CLI_SINGLE(pname)	{ .name = (pname), .flags = PRL_CLI_NO_JSON }

/*
 * One-line rows of a table that fills PRL_OPTS (#define it as the options
 * struct type before the table); options of these programs have no
 * short letter:
 *   PRL_ROW("dev", PRL_OPT_STR, dev)             a kind, then any more
 *   PRL_ROW("to", PRL_OPT_ENDPOINT, to, .seen = PRL_SEEN(have_to),
 *           .what = "destination")               fields of the row
 *   PRL_NUM("count", U32, count, "count", 1, 100)  U32 or INT in [1, 100]
 */
#define PRL_ROW(lname, k, field, ...) \
	{ PRL_OPT_ROW(PRL_OPTS, lname, 0, k, field), __VA_ARGS__ }
#define PRL_NUM(lname, k, field, whatstr, lo, hi) \
	PRL_ROW(lname, PRL_OPT_##k, field, .what = (whatstr), .min = (lo), \
		.max = (hi))
#define PRL_SEEN(f)	PRL_OPT_SEEN(PRL_OPTS, f)

/*
 * For a program whose first argument is a command out of @words (@n of
 * them): its index, with cli->cmd set to its name; or -1 and *@rc the exit
 * code after -h/--help or no command (@usage printed) or an unknown one.
 */
static inline int prl_cli_command(struct prl_cli *cli,
				  const char *const *words, unsigned int n,
				  const char *usage, int argc, char **argv,
				  int *rc)
{
	int cmd;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		*rc = argc < 2 ? EXIT_USAGE : EXIT_OK;
		return -1;
	}
	cmd = prl_parse_keyword(argv[1], words, n);
	if (cmd < 0) {
		*rc = prl_cli_usage_error(cli, "unknown command '%s'", argv[1]);
		return -1;
	}
	cli->cmd = argv[1];
	return cmd;
}
#define PRL_CLI_COMMAND(cli, words, usage, argc, argv, rc) \
	prl_cli_command(cli, words, PRL_ARRAY_SIZE(words), usage, argc, argv, \
			rc)

/*
 * Parse all of @argv (argv[0] is the program's or the command's name) by
 * @opts into @dst; operands are refused. Returns -1 to go on, or the exit
 * code (0 after -h/--help printed @usage).
 */
static inline int prl_cli_getopt_all(struct prl_cli *cli,
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

/*
 * The end of a PRL_OPT_PARSE function: 0 if @err is 0, else the usage
 * error "invalid WHAT 'ARG': expected @expected" (its exit code).
 */
static inline int prl_cli_opt_check(struct prl_cli *cli, int err,
				    const char *what, const char *arg,
				    const char *expected)
{
	if (!err)
		return 0;
	return prl_cli_usage_error(cli, "invalid %s '%s': expected %s", what,
				   arg, expected);
}

#endif /* PRL_CLI_SINGLE_H */
