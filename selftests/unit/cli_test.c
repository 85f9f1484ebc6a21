// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared CLI skeleton (tools/lib/cli.c): dispatch through a command
 * table with groups, global options, exit codes, the table-driven
 * getopt_long (ranges, aliases, 'given' flags, raw text, parsers, errors)
 * and the settings file read through the same table.
 */
#include <fcntl.h>
#include <stdlib.h>
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

/* A parser that leaves bad values to the caller's message. */
static int parse_mode(struct prl_cli *cli, const char *what, const char *arg,
		      void *field)
{
	if (strcmp(arg, "here") && strcmp(arg, "there"))
		return -1;
	*(int *)field = !strcmp(arg, "there");
	return 0;
}

#define ROW(...) PRL_OPT_ROW(struct opts, __VA_ARGS__)

static const struct prl_cli_opt table[] = {
	{ ROW("count", 'c', PRL_OPT_U32, n), .seen = PRL_OPT_SEEN(struct opts, n_set),
	  .conf = "Count", .what = "count", .min = 1, .max = 10 },
	{ ROW("timeout", 't', PRL_OPT_INT, timeout), .what = "timeout",
	  .min = 0, .max = 100 },
	{ ROW("name", 0, PRL_OPT_STR, name), .conf = "Name" },
	{ ROW("alias", 0, PRL_OPT_STR, name) },
	{ ROW("flag", 'f', PRL_OPT_FLAG, flag), .conf = "Flag" },
	{ ROW("no-flag", 0, PRL_OPT_CLEAR, flag), .conf = "NoFlag" },
	{ ROW("verbose", 'v', PRL_OPT_COUNT, verbose), .conf = "Verbose" },
	{ ROW("where", 'w', PRL_OPT_PARSE, where),
	  .text = PRL_OPT_SEEN(struct opts, where_s), .what = "place",
	  .parse = parse_where },
	{ ROW("mode", 'm', PRL_OPT_PARSE, where), .conf = "Mode",
	  .what = "mode", .expect = "here or there", .parse = parse_mode },
	{ ROW("key", 'k', PRL_OPT_KEY, key), .conf = "Key", .what = "key" },
	{ ROW("relay", 'r', PRL_OPT_ENDPOINT, relay), .conf = "Relay",
	  .what = "relay" },
	{ ROW("local", 'l', PRL_OPT_LOCAL, local), .conf = "LocalAddress",
	  .what = "local address" },
	{ 0 },
};

/* prl_cli_getopt on args (args[0] is the command) over what @o holds. */
static int getopt_into(struct prl_cli *cli, struct opts *o,
		       const char *const *args)
{
	char *argv[16];
	int argc = 0, rc, err, null;

	while (args[argc] && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	err = dup(2);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	rc = prl_cli_getopt(cli, table, o, "usage\n", argc, argv);
	dup2(err, 2);
	close(err);
	close(null);
	return rc;
}

/* ... on a zeroed @o, stderr silenced. */
static int getopt_on(struct prl_cli *cli, struct opts *o,
		     const char *const *args)
{
	memset(o, 0, sizeof(*o));
	return getopt_into(cli, o, args);
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

/* --no-X clears what --X sets; the last one wins. */
TEST(table_getopt_clear)
{
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	struct opts o;

	EXPECT_EQ(3, getopt_on(&cli, &o, (const char *[]){ "x", "-f", "--no-flag", NULL }));
	EXPECT_FALSE(o.flag);
	EXPECT_EQ(3, getopt_on(&cli, &o, (const char *[]){ "x", "--no-flag", "--flag", NULL }));
	EXPECT_TRUE(o.flag);
	/* a flag takes no argument */
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "--no-flag=yes", NULL }));
}

/* A settings file: its path, what prl_cli_settings() printed on stderr. */
struct sfile {
	char path[64];
	char err[1024];
	char *text;
};

/* Write @content to a new file and apply it to @o (not zeroed). */
static int settings_into(struct prl_cli *cli, struct opts *o, struct sfile *f,
			 const char *content, const char *section)
{
	char errpath[] = "/tmp/cli_test.err.XXXXXX";
	int fd, efd, saved, rc;
	ssize_t n;

	snprintf(f->path, sizeof(f->path), "/tmp/cli_test.conf.XXXXXX");
	fd = mkstemp(f->path);
	efd = mkstemp(errpath);
	if (fd < 0 || efd < 0)
		return -1;
	if (write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		return -1;
	close(fd);
	fflush(stderr);
	saved = dup(2);
	dup2(efd, 2);
	free(f->text);
	rc = prl_cli_settings(cli, table, o, f->path, section, &f->text);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(efd, f->err, sizeof(f->err) - 1, 0);
	f->err[n > 0 ? n : 0] = '\0';
	close(efd);
	unlink(errpath);
	unlink(f->path);
	return rc;
}

/* The message "FILE:LINE: @msg" was printed. */
static bool said(const struct sfile *f, unsigned int line, const char *msg)
{
	char want[256];

	snprintf(want, sizeof(want), "t: x: %s:%u: %s\n", f->path, line, msg);
	return strstr(f->err, want) != NULL;
}

TEST(settings_file)
{
	static const char conf[] =
		"# a comment\n"
		"\n"
		"[Test]\n"
		"  count = 7   # keys are case-insensitive\n"
		"NAME=/a path/with = and spaces\n"
		"Flag = on\n"
		"Verbose = yes\n"
		"Key = discokey:ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
		"Relay = 192.0.2.1:7\n"
		"[test]\n"
		"LocalAddress = ::1";	/* no newline at the end */
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	struct sfile f = { .text = NULL };
	struct opts o = { 0 };

	ASSERT_EQ(0, settings_into(&cli, &o, &f, conf, "Test")) TH_LOG("%s", f.err);
	EXPECT_STREQ("", f.err);
	EXPECT_EQ(7, o.n);
	EXPECT_TRUE(o.n_set);
	/* the value is everything after the first '=', trimmed; it points
	 * into the file's text, which the caller keeps */
	EXPECT_STREQ("/a path/with = and spaces", o.name);
	EXPECT_TRUE(o.name > f.text && o.name < f.text + sizeof(conf));
	EXPECT_TRUE(o.flag);
	EXPECT_EQ(1, o.verbose);
	EXPECT_EQ(0xff, o.key[0]);
	EXPECT_EQ(0xff, o.key[31]);
	EXPECT_EQ(AF_INET, o.relay.ss_family);
	EXPECT_EQ(htons(7), ((const struct sockaddr_in *)&o.relay)->sin_port);
	EXPECT_EQ(AF_INET6, o.local.ss_family);

	/* then the flags: they win where given, the file's values stay */
	EXPECT_EQ(4, getopt_into(&cli, &o, (const char *[]){ "x", "-c", "3", "--no-flag", NULL }));
	EXPECT_EQ(3, o.n);
	EXPECT_FALSE(o.flag);
	EXPECT_STREQ("/a path/with = and spaces", o.name);
	EXPECT_EQ(AF_INET, o.relay.ss_family);
	free(f.text);
}

/* yes/no, true/false, on/off, 1/0 in any case; --no-X's key inverts. */
TEST(settings_bool_forms)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES", "True", "oN" };
	static const char *const no[] = { "no", "false", "off", "0", "NO", "False", "OFF" };
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	struct sfile f = { .text = NULL };
	char line[64];
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		memset(&o, 0, sizeof(o));
		snprintf(line, sizeof(line), "Flag = %s\n", yes[i]);
		EXPECT_EQ(0, settings_into(&cli, &o, &f, line, NULL)) TH_LOG("%s", line);
		EXPECT_TRUE(o.flag) TH_LOG("%s", line);
		snprintf(line, sizeof(line), "Flag = %s\n", no[i]);
		EXPECT_EQ(0, settings_into(&cli, &o, &f, line, NULL)) TH_LOG("%s", line);
		EXPECT_FALSE(o.flag) TH_LOG("%s", line);
		snprintf(line, sizeof(line), "NoFlag = %s\n", no[i]);
		EXPECT_EQ(0, settings_into(&cli, &o, &f, line, NULL)) TH_LOG("%s", line);
		EXPECT_TRUE(o.flag) TH_LOG("%s", line);
	}
	/* a counter: yes counts once, no not at all */
	memset(&o, 0, sizeof(o));
	EXPECT_EQ(0, settings_into(&cli, &o, &f, "Verbose = 1\nVerbose = no\nverbose = on\n", NULL));
	EXPECT_EQ(2, o.verbose);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Flag = on\nFlag = yess\n", NULL));
	EXPECT_TRUE(said(&f, 2, "invalid Flag 'yess': expected yes or no")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Flag = 2\n", NULL));
	EXPECT_TRUE(said(&f, 1, "invalid Flag '2': expected yes or no")) TH_LOG("%s", f.err);
	free(f.text);
}

/* Every error names the file and the line, exits 1 and stops the file. */
TEST(settings_errors)
{
	struct prl_cli cli = { .prog = &prog, .cmd = "x" };
	struct sfile f = { .text = NULL };
	struct opts o = { 0 };

	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Count = 2\n# x\nCuont = 3\nName = late\n", NULL));
	EXPECT_TRUE(said(&f, 3, "unknown key 'Cuont'")) TH_LOG("%s", f.err);
	EXPECT_EQ(2, o.n);
	EXPECT_EQ(NULL, o.name);
	/* the same conversion and message as the flag's, as an error */
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "\n\nCount = 11\n", NULL));
	EXPECT_TRUE(said(&f, 3, "invalid count '11': expected a number in 1..10")) TH_LOG("%s", f.err);
	EXPECT_EQ(NULL, strstr(f.err, "Try "));
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-c", "11", NULL }));
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Relay = 192.0.2.1\n", NULL));
	EXPECT_TRUE(said(&f, 1, "invalid relay '192.0.2.1': expected ADDR:PORT")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Key = 0011\n", NULL));
	EXPECT_TRUE(said(&f, 1, "invalid key '0011': expected 64 hex digits")) TH_LOG("%s", f.err);
	/* a parser's < 0 is reported for it, as for the other kinds */
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "\nMode = nowhere\n", NULL));
	EXPECT_TRUE(said(&f, 2, "invalid mode 'nowhere': expected here or there")) TH_LOG("%s", f.err);
	EXPECT_EQ(-EXIT_USAGE, getopt_on(&cli, &o, (const char *[]){ "x", "-m", "nowhere", NULL }));
	EXPECT_EQ(3, getopt_on(&cli, &o, (const char *[]){ "x", "-m", "there", NULL }));
	EXPECT_EQ(1, o.where);
	/* a flag without a settings key is no key */
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "timeout = 5\n", NULL));
	EXPECT_TRUE(said(&f, 1, "unknown key 'timeout'")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Name =   # none\n", NULL));
	EXPECT_TRUE(said(&f, 1, "Name has no value")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Name /x\n", NULL));
	EXPECT_TRUE(said(&f, 1, "expected 'Key = Value'")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "[Test]\n[Other]\n", "Test"));
	EXPECT_TRUE(said(&f, 2, "unknown section [Other] (only [Test])")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "[Tes\n", "Test"));
	EXPECT_TRUE(said(&f, 1, "unknown section [Tes (only [Test])")) TH_LOG("%s", f.err);
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "[Test]x\n", "Test"));
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "[Test]\n", NULL));
	EXPECT_TRUE(said(&f, 1, "unexpected section [Test]")) TH_LOG("%s", f.err);
	free(f.text);
	f.text = NULL;
	/* a file that cannot be read, a NUL byte (a line would end early) */
	{
		char path[] = "/tmp/cli_test.nul.XXXXXX";
		int fd = mkstemp(path), null = open("/dev/null", O_WRONLY);
		int err = dup(2);

		ASSERT_LE(0, fd);
		ASSERT_EQ(11, write(fd, "Name = a\0b\n", 11));
		close(fd);
		dup2(null, 2);
		EXPECT_EQ(EXIT_ERR, prl_cli_settings(&cli, table, &o, "/nonexistent/x", NULL, &f.text));
		free(f.text);
		EXPECT_EQ(EXIT_ERR, prl_cli_settings(&cli, table, &o, path, NULL, &f.text));
		dup2(err, 2);
		close(err);
		close(null);
		unlink(path);
		free(f.text);
	}
}

/* "Key Value" too for a program with PRL_CLI_CONF_WORDS (relayd.conf). */
TEST(settings_words)
{
	static const struct prl_cli_prog words = {
		.name = "t", .version = "9", .about = "", .json_help = "",
		.footer = "", .cmds = cmds,
		.flags = PRL_CLI_CMD_HELP | PRL_CLI_CONF_WORDS,
	};
	static const char *const bad[][2] = {
		{ "Count\n", "Count has no value" },
		{ "Count =\n", "Count has no value" },
		{ "Count 3 4\n", "invalid count '3 4': expected a number in 1..10" },
		{ "Cuont 3\n", "unknown key 'Cuont'" },
	};
	struct prl_cli cli = { .prog = &words, .cmd = "x" };
	struct sfile f = { .text = NULL };
	struct opts o = { 0 };
	size_t i;

	ASSERT_EQ(0, settings_into(&cli, &o, &f,
				   "count 3\n"
				   "Name\t/a path = with spaces  # c\n"
				   "Flag   =   yes\n"
				   "Mode=there\n", NULL)) TH_LOG("%s", f.err);
	EXPECT_EQ(3, o.n);
	/* the key is the first word, an '=' after it is optional */
	EXPECT_STREQ("/a path = with spaces", o.name);
	EXPECT_TRUE(o.flag);
	EXPECT_EQ(1, o.where);
	ASSERT_EQ(0, settings_into(&cli, &o, &f, "name = =x\n", NULL));
	EXPECT_STREQ("=x", o.name);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, bad[i][0], NULL));
		EXPECT_TRUE(said(&f, 1, bad[i][1])) TH_LOG("%s", f.err);
	}
	/* without the flag, "Key Value" stays an error (relay-client wg) */
	cli.prog = &prog;
	EXPECT_EQ(EXIT_ERR, settings_into(&cli, &o, &f, "Count 3\n", NULL));
	EXPECT_TRUE(said(&f, 1, "expected 'Key = Value'")) TH_LOG("%s", f.err);
	free(f.text);
}

TEST_HARNESS_MAIN
