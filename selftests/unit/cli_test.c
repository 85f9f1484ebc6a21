// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared CLI skeleton (tools/lib/cli.c): dispatch through a command
 * table with groups, global options, exit codes, and the table-driven
 * getopt_long (ranges, aliases, 'given' flags, raw text, parsers, errors).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "cli.h"

struct run {
	struct prl_cli cli;
	const char *ran;
	int argc;
	char *argv0;
};

static struct run *run_of(struct prl_cli *cli)
{
	return (struct run *)((char *)cli - offsetof(struct run, cli));
}

static int cmd_leaf(struct prl_cli *cli, int argc, char **argv)
{
	struct run *r = run_of(cli);

	r->ran = cli->cmd;
	r->argc = argc;
	r->argv0 = argc ? argv[0] : NULL;
	return argc > 1 && !strcmp(argv[argc - 1], "fail") ?
	       prl_cli_error(cli, "failed") : EXIT_OK;
}

static const struct prl_cli_cmd group_cmds[] = {
	PRL_CLI_CMD("list", "", "list things", "Lists.\n", cmd_leaf),
	PRL_CLI_CMD("del", "ID", "delete a thing", NULL, cmd_leaf),
	{ 0 },
};

static const struct prl_cli_cmd cmds[] = {
	PRL_CLI_GROUP("thing", group_cmds),
	PRL_CLI_CMD("leaf", "[ARGS]", "a leaf", "A leaf.\n", cmd_leaf),
	{ 0 },
};

static const struct prl_cli_prog prog = {
	.name = "t", .version = "9", .about = "Test.\n", .json_help = "JSON",
	.footer = "", .cmds = cmds, .flags = PRL_CLI_CMD_HELP,
};

/* Run argv through prl_cli_main with stdout/stderr silenced. */
static int run_main(struct run *r, const struct prl_cli_prog *p,
		    const char *const *args)
{
	char *argv[16];
	int argc = 0, rc, out, err, null;

	while (args[argc] && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	memset(r, 0, sizeof(*r));
	fflush(stdout);
	out = dup(1);
	err = dup(2);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	rc = prl_cli_main(&r->cli, p, argc, argv);
	fflush(stdout);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return rc;
}

TEST(dispatch)
{
	struct prl_cli_prog argv0 = prog;
	struct run r;

	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "thing", "del", "7", NULL }));
	EXPECT_STREQ("thing del", r.ran);
	EXPECT_EQ(1, r.argc);
	EXPECT_STREQ("7", r.argv0);
	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "-j", "leaf", NULL }));
	EXPECT_STREQ("leaf", r.ran);
	EXPECT_TRUE(r.cli.json);
	EXPECT_EQ(0, r.argc);
	/* a command's error is its exit code */
	EXPECT_EQ(EXIT_ERR, run_main(&r, &prog, (const char *[]){ "t", "leaf", "x", "fail", NULL }));
	/* PRL_CLI_ARGV0: the command sees its own name first */
	argv0.flags = PRL_CLI_ARGV0;
	EXPECT_EQ(EXIT_OK, run_main(&r, &argv0, (const char *[]){ "t", "leaf", "a", NULL }));
	EXPECT_EQ(2, r.argc);
	EXPECT_STREQ("leaf", r.argv0);
	/* ... and parses --help itself */
	EXPECT_EQ(EXIT_OK, run_main(&r, &argv0, (const char *[]){ "t", "leaf", "--help", NULL }));
	EXPECT_STREQ("leaf", r.ran);
}

TEST(help_and_usage_errors)
{
	struct run r;

	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "--help", NULL }));
	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "help", NULL }));
	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "-V", NULL }));
	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "thing", "--help", NULL }));
	/* PRL_CLI_CMD_HELP: the command does not run */
	EXPECT_EQ(EXIT_OK, run_main(&r, &prog, (const char *[]){ "t", "thing", "del", "1", "-h", NULL }));
	EXPECT_EQ(NULL, r.ran);
	EXPECT_EQ(EXIT_USAGE, run_main(&r, &prog, (const char *[]){ "t", NULL }));
	EXPECT_EQ(EXIT_USAGE, run_main(&r, &prog, (const char *[]){ "t", "-x", "leaf", NULL }));
	EXPECT_EQ(EXIT_USAGE, run_main(&r, &prog, (const char *[]){ "t", "nope", NULL }));
	EXPECT_EQ(EXIT_USAGE, run_main(&r, &prog, (const char *[]){ "t", "thing", NULL }));
	EXPECT_EQ(EXIT_USAGE, run_main(&r, &prog, (const char *[]){ "t", "thing", "nope", NULL }));
	EXPECT_EQ(NULL, r.ran);
	/* "--" ends the global options: "-j" is then the command's name */
	EXPECT_EQ(EXIT_USAGE, run_main(&r, &prog, (const char *[]){ "t", "--", "-j", NULL }));
}

struct opts {
	uint32_t n;
	bool n_set;
	int timeout;
	const char *name, *where_s;
	bool flag;
	int verbose;
	int where;
	uint8_t key[32];
	struct sockaddr_storage relay, local;
};

static int parse_where(struct prl_cli *cli, const char *what, const char *arg,
		       void *field)
{
	if (strcmp(arg, "here") && strcmp(arg, "there"))
		return prl_cli_usage_error(cli, "invalid %s '%s'", what, arg);
	*(int *)field = !strcmp(arg, "there");
	return 0;
}

#define ROW(...) PRL_OPT_ROW(struct opts, __VA_ARGS__)

static const struct prl_cli_opt table[] = {
	{ ROW("count", 'c', PRL_OPT_U32, n), .seen = PRL_OPT_SEEN(struct opts, n_set),
	  .what = "count", .min = 1, .max = 10 },
	{ ROW("timeout", 't', PRL_OPT_INT, timeout), .what = "timeout",
	  .min = 0, .max = 100 },
	{ ROW("name", 0, PRL_OPT_STR, name) },
	{ ROW("alias", 0, PRL_OPT_STR, name) },
	{ ROW("flag", 'f', PRL_OPT_FLAG, flag) },
	{ ROW("verbose", 'v', PRL_OPT_COUNT, verbose) },
	{ ROW("where", 'w', PRL_OPT_PARSE, where),
	  .text = PRL_OPT_SEEN(struct opts, where_s), .what = "place",
	  .parse = parse_where },
	{ ROW("key", 'k', PRL_OPT_KEY, key), .what = "key" },
	{ ROW("relay", 'r', PRL_OPT_ENDPOINT, relay), .what = "relay" },
	{ ROW("local", 'l', PRL_OPT_LOCAL, local), .what = "local address" },
	{ 0 },
};

/* prl_cli_getopt on args (args[0] is the command), stderr silenced. */
static int getopt_on(struct prl_cli *cli, struct opts *o,
		     const char *const *args)
{
	char *argv[16];
	int argc = 0, rc, err, null;

	while (args[argc] && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	memset(o, 0, sizeof(*o));
	err = dup(2);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	rc = prl_cli_getopt(cli, table, o, "usage\n", argc, argv);
	dup2(err, 2);
	close(err);
	close(null);
	return rc;
}

TEST(table_getopt)
{
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	struct opts o;

	EXPECT_EQ(1, getopt_on(&cli, &o, (const char *[]){ "x", NULL }));
	EXPECT_FALSE(o.n_set);
	EXPECT_EQ(9, getopt_on(&cli, &o, (const char *[]){ "x", "-c", "3", "--timeout=100", "--alias", "a", "op", "-fj", "--where", "there", NULL }));
	/* getopt_long moved the operand last */
	EXPECT_EQ(3, o.n);
	EXPECT_TRUE(o.n_set);
	EXPECT_EQ(100, o.timeout);
	EXPECT_STREQ("a", o.name);
	EXPECT_TRUE(o.flag);
	EXPECT_TRUE(cli.json);
	EXPECT_EQ(1, o.where);
	EXPECT_STREQ("there", o.where_s);
	/* errors: minus the exit code, already reported */
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-c", "0", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-c", "11", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-t", "x", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "--count", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "--nope", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-z", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-w", "nowhere", NULL }));
	EXPECT_EQ(NULL, o.where_s);
}

/* PRL_OPT_COUNT takes no argument and counts; PRL_CLI_NO_JSON drops -j. */
TEST(table_getopt_count_no_json)
{
	struct prl_cli_prog nojson = prog;
	struct prl_cli cli = { .prog = &nojson, .cmd = "x" };
	struct opts o;

	/* the operand is moved last: index 4 */
	EXPECT_EQ(4, getopt_on(&cli, &o, (const char *[]){ "x", "-vv", "--verbose", "op", "-j", NULL }));
	EXPECT_EQ(3, o.verbose);
	EXPECT_TRUE(cli.json);
	nojson.flags |= PRL_CLI_NO_JSON;
	cli.json = false;
	EXPECT_EQ(2, getopt_on(&cli, &o, (const char *[]){ "x", "-v", NULL }));
	EXPECT_EQ(1, o.verbose);
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-j", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "--json", NULL }));
	EXPECT_FALSE(cli.json);
}

/* The key, endpoint and local address kinds. */
TEST(table_getopt_addresses)
{
	static const char key[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	const struct sockaddr_in *relay;
	const struct sockaddr_in6 *local;
	struct opts o;

	EXPECT_EQ(7, getopt_on(&cli, &o, (const char *[]){ "x", "-k", key, "--relay", "192.0.2.1:7", "-l", "::1", NULL }));
	EXPECT_EQ(0x00, o.key[0]);
	EXPECT_EQ(0xff, o.key[31]);
	relay = (const struct sockaddr_in *)&o.relay;
	EXPECT_EQ(AF_INET, relay->sin_family);
	EXPECT_EQ(htons(7), relay->sin_port);
	local = (const struct sockaddr_in6 *)&o.local;
	EXPECT_EQ(AF_INET6, local->sin6_family);
	EXPECT_EQ(0, local->sin6_port);
	/* a local address may give port 0, a relay may not */
	EXPECT_EQ(3, getopt_on(&cli, &o, (const char *[]){ "x", "-l", "192.0.2.1:0", NULL }));
	EXPECT_EQ(AF_INET, o.local.ss_family);
	EXPECT_EQ(3, getopt_on(&cli, &o, (const char *[]){ "x", "-l", "[::1]:53", NULL }));
	EXPECT_EQ(htons(53), ((const struct sockaddr_in6 *)&o.local)->sin6_port);
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-r", "192.0.2.1:0", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-r", "192.0.2.1", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-l", "nowhere", NULL }));
	EXPECT_EQ(4, getopt_on(&cli, &o, (const char *[]){ "x", "--key=discokey:ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "-l", "10.0.0.1", NULL }));
	EXPECT_EQ(0xff, o.key[0]);
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-k", "0011", NULL }));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-k", "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", NULL }));
}

TEST(table_getopt_help)
{
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	struct opts o;
	int out = dup(1), null = open("/dev/null", O_WRONLY);

	fflush(stdout);
	dup2(null, 1);
	EXPECT_EQ(0, getopt_on(&cli, &o, (const char *[]){ "x", "-c", "2", "--help", NULL }));
	fflush(stdout);
	dup2(out, 1);
	close(out);
	close(null);
}

TEST_HARNESS_MAIN
