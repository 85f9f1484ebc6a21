/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The skeleton every command-line tool here shares (relayctl,
 * relay-client): global options (-j, -h, -V), a table of commands (one
 * file per command or group, like wg(8)), help and usage texts, error
 * messages "PROG: CMD: ..." with exit codes 1 and 2, and a table-driven
 * getopt_long for commands with many options, which can also read a
 * "Key = Value" settings file through the same table.
 */
#ifndef PRL_CLI_H
#define PRL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes of every tool (a tool may add its own above these). */
#define EXIT_OK		0
#define EXIT_ERR	1	/* error */
#define EXIT_USAGE	2	/* bad command line */

/* State of one run. A tool embeds it in its own context (container_of). */
struct prl_cli {
	const struct prl_cli_prog *prog;
	bool json;		/* -j / --json */
	const char *cmd;	/* "session add", ... for messages */
	char cmdbuf[64];
};

/*
 * A command: a leaf (@fn gets the arguments after its name, or with the
 * name as argv[0] if the program says so) or a group of subcommands
 * (@subs, terminated by an entry without a name).
 */
struct prl_cli_cmd {
	const char *name;
	const char *args;	/* synopsis after the name */
	const char *summary;	/* one line */
	const char *help;	/* printed by 'CMD --help' (see PRL_CLI_CMD_HELP) */
	int (*fn)(struct prl_cli *cli, int argc, char **argv);
	const struct prl_cli_cmd *subs;
};

/* A leaf in a table: PRL_CLI_CMD("list", "", "list all", HELP, fn). */
#define PRL_CLI_CMD(name, args, summary, help, fn) \
	{ name, args, summary, help, fn, NULL }
/* A group: PRL_CLI_GROUP("session", session_cmds). */
#define PRL_CLI_GROUP(name, subs) { name, "", "", NULL, NULL, subs }

/* prl_cli_prog.flags */
enum {
	/* The command gets its own name as argv[0] (getopt convention). */
	PRL_CLI_ARGV0 = 1 << 0,
	/* -h/--help anywhere after a command prints its help (else the
	 * command parses --help itself). */
	PRL_CLI_CMD_HELP = 1 << 1,
	/* The tool prints no data: -j/--json is not an option. */
	PRL_CLI_NO_JSON = 1 << 2,
	/* Its settings files also take "Key Value": without '=' right after
	 * the key, blanks separate it from the value (relayd.conf). */
	PRL_CLI_CONF_WORDS = 1 << 3,
};

struct prl_cli_prog {
	const char *name;	/* "relayctl" */
	const char *version;
	const char *about;	/* paragraph after the usage line */
	const char *json_help;	/* what -j gives */
	const char *footer;	/* argument formats, exit status */
	const struct prl_cli_cmd *cmds;	/* terminated by an empty entry */
	unsigned int flags;
};

/*
 * Parse the global options, find the command and run it, then check that
 * standard output was written. Returns the exit code.
 */
int prl_cli_main(struct prl_cli *cli, const struct prl_cli_prog *prog,
		 int argc, char **argv);

/* "PROG: CMD: message" + "Try 'PROG CMD --help'." Returns EXIT_USAGE. */
int prl_cli_usage_error(struct prl_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "PROG: CMD: message". Returns EXIT_ERR. */
int prl_cli_error(struct prl_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- table-driven options ---- */

enum prl_cli_opt_kind {
	PRL_OPT_FLAG,	/* bool = true (in a settings file: yes/no) */
	PRL_OPT_CLEAR,	/* bool = false, "--no-X" (in a file: no = true) */
	PRL_OPT_COUNT,	/* int += 1 (-v -v; no argument) */
	PRL_OPT_STR,	/* const char * = the argument */
	PRL_OPT_U32,	/* uint32_t in [min, max] */
	PRL_OPT_INT,	/* int in [min, max] */
	PRL_OPT_KEY,	/* uint8_t[32] from 64 hex digits ("discokey:" may
			 * come first, as 'relay-client keys' prints) */
	PRL_OPT_ENDPOINT, /* struct sockaddr_storage from ADDR:PORT */
	PRL_OPT_LOCAL,	/* struct sockaddr_storage from ADDR or ADDR:PORT
			 * (port 0 too): an address to bind to */
	PRL_OPT_PARSE,	/* @parse(cli, what, arg, field): 0, the exit code
			 * of an error it printed, or < 0 for a bad @arg,
			 * reported like the other kinds' ("invalid WHAT
			 * 'ARG': expected @expect", FILE:LINE from a file) */
};

/*
 * One option: its long name, short letter (0: none), what it stores at
 * offset @off of the caller's options struct and, with PRL_OPT_SEEN(),
 * a bool there set when it is given (@seen) or a string that keeps the
 * argument as typed (@text). Rows may share a field (aliases). A row with
 * a @conf key can also be set from a settings file (prl_cli_settings()).
 */
struct prl_cli_opt {
	const char *name;
	char short_name;
	enum prl_cli_opt_kind kind;
	size_t off;
	size_t seen;		/* PRL_OPT_SEEN(type, bool field) or 0 */
	size_t text;		/* PRL_OPT_SEEN(type, const char * field):
				 * gets the argument as given, or 0 */
	const char *conf;	/* its key in a settings file, or NULL */
	const char *what;	/* in error messages: "invalid VNI '0'" */
	const char *expect;	/* PRL_OPT_PARSE: what a bad value lacks */
	uint32_t min, max;
	int (*parse)(struct prl_cli *cli, const char *what, const char *arg,
		     void *field);
};

#define PRL_OPT_SEEN(type, field)	(offsetof(type, field) + 1)
/*
 * The start of a row of a table filling a struct @type:
 *   { PRL_OPT_ROW(struct o, "count", 'c', PRL_OPT_U32, count),
 *     .what = "count", .min = 1, .max = 100 },
 */
#define PRL_OPT_ROW(type, lname, sname, k, field) \
	.name = (lname), .short_name = (sname), .kind = (k), \
	.off = offsetof(type, field)

/*
 * Apply settings file @path to @dst through the rows of @opts that have a
 * @conf key, with the conversions and ranges of prl_cli_getopt(): lines
 * "Key = Value" (keys case-insensitive; also "Key Value" if the program
 * says PRL_CLI_CONF_WORDS), '#' comments, blank lines and,
 * if @section is not NULL, "[@section]" headers. PRL_OPT_FLAG and
 * PRL_OPT_CLEAR rows take yes/no, true/false, on/off or 1/0 (a COUNT row:
 * yes counts once). An unknown key or section, a line without '=', an
 * empty or bad value is an error "FILE:LINE: ..." (exit code 1; a
 * PRL_OPT_PARSE row's parser may report its own errors). String settings
 * point into the file's text, which is kept in *@text: free() it when
 * @dst is done with (also after an error). Returns 0 or the exit code of
 * the error it printed. Read the file before prl_cli_getopt() stores the
 * flags, so that flags win.
 */
int prl_cli_settings(struct prl_cli *cli, const struct prl_cli_opt *opts,
		     void *dst, const char *path, const char *section,
		     char **text);

/*
 * getopt_long over @opts (terminated by an entry without a name), which
 * fill @dst; argv[0] is the command's name. -j/--json (unless the program
 * says PRL_CLI_NO_JSON) and -h/--help are always accepted (the letters j
 * and h are taken): -h prints @usage. Returns the index (>= 1) of the
 * first operand, 0 after printing the help, or minus the exit code of an
 * error it printed.
 */
int prl_cli_getopt(struct prl_cli *cli, const struct prl_cli_opt *opts,
		   void *dst, const char *usage, int argc, char **argv);

#endif /* PRL_CLI_H */
