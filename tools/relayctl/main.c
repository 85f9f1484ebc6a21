// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayctl: administration CLI of the peer_relay kernel data plane.
 * Global option parsing, command dispatch, help and error reporting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "relayctl.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif

/* A top-level command: a group of subcommands or a single command. */
struct command {
	const char *name;
	const struct subcmd *subs;	/* NULL-terminated, or NULL */
	struct subcmd single;		/* when subs == NULL */
};

static const struct command commands[] = {
	{ "socket", socket_cmds, { 0 } },
	{ "session", session_cmds, { 0 } },
	{ "stats", NULL, { "stats", "[--prometheus]",
			   "show the data plane counters", stats_help,
			   cmd_stats } },
	{ "config", config_cmds, { 0 } },
	{ "monitor", NULL, { "monitor", "",
			     "print events until interrupted", monitor_help,
			     cmd_monitor } },
	{ "show", NULL, { "show", "[vni N | key HEX] [--sort vni|idle|bytes]",
			  "overview of config, sockets, sessions, counters",
			  show_help, cmd_show } },
	{ "ping", NULL, { "ping", "[-c N] [-i MS] [-W MS] [--key FILE --server-key HEX] HOST:PORT",
			  "probe a relay end to end through a probe session",
			  ping_help, cmd_ping } },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_cmd_line(FILE *f, const char *group, const struct subcmd *s)
{
	char buf[128];

	if (group)
		snprintf(buf, sizeof(buf), "%s %s%s%s", group, s->name,
			 *s->args ? " " : "", s->args);
	else
		snprintf(buf, sizeof(buf), "%s%s%s", s->name,
			 *s->args ? " " : "", s->args);
	if (strlen(buf) < 44)
		fprintf(f, "  %-44s %s\n", buf, s->summary);
	else
		fprintf(f, "  %s\n  %-44s %s\n", buf, "", s->summary);
}

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: relayctl [-j|--json] [-h|--help] [-V|--version] COMMAND [ARGS]\n"
		"\n"
		"Configure and inspect the peer_relay kernel data plane over generic\n"
		"netlink.\n"
		"\n"
		"Options:\n"
		"  -j, --json       JSON output (one value per line)\n"
		"  -h, --help       this help; 'relayctl COMMAND --help' for a command\n"
		"  -V, --version    print the version\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < N_COMMANDS; i++) {
		const struct subcmd *s;

		if (!commands[i].subs) {
			print_cmd_line(f, NULL, &commands[i].single);
			continue;
		}
		for (s = commands[i].subs; s->name; s++)
			print_cmd_line(f, commands[i].name, s);
	}
	fprintf(f,
		"\n"
		"KEY is 64 hex digits; ADDR:PORT is 192.0.2.1:7000 or [2001:db8::1]:7000.\n"
		"Exit status: 0 success, 1 error, 2 usage error.\n");
}

static void print_group_help(FILE *f, const struct command *cmd)
{
	const struct subcmd *s;

	fprintf(f, "Usage: relayctl [-j] %s SUBCOMMAND [ARGS]\n\nSubcommands:\n",
		cmd->name);
	for (s = cmd->subs; s->name; s++)
		print_cmd_line(f, cmd->name, s);
	fprintf(f, "\nRun 'relayctl %s SUBCOMMAND --help' for details.\n",
		cmd->name);
}

void ctl_print_sub_help(FILE *f, const char *group, const struct subcmd *s)
{
	fprintf(f, "Usage: relayctl [-j] %s%s%s%s%s\n\n%s\n", group ? group : "",
		group ? " " : "", s->name, *s->args ? " " : "", s->args,
		s->summary);
	if (s->help && *s->help)
		fprintf(f, "\n%s", s->help);
}

bool ctl_wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

int ctl_usage_error(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relayctl: %s: ", c->cmd ? c->cmd : "usage");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'relayctl %s%s--help'.\n",
		c->cmd ? c->cmd : "", c->cmd ? " " : "");
	return EXIT_USAGE;
}

int ctl_error(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relayctl: %s: ", c->cmd ? c->cmd : "error");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERR;
}

int ctl_kernel_error(struct ctl *c, int err)
{
	const char *msg = prl_nl_errmsg(&c->nl);

	if (*msg)
		fprintf(stderr, "relayctl: %s: %s: %s\n", c->cmd, strerror(-err),
			msg);
	else
		fprintf(stderr, "relayctl: %s: %s\n", c->cmd, strerror(-err));
	return EXIT_ERR;
}

int ctl_nl(struct ctl *c)
{
	int err;

	if (c->nl_open)
		return 0;
	err = prl_nl_open(&c->nl);
	if (err == -ENOENT && !c->nl.last.msg[0])
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

/* Run subcommand @s with the arguments after its name. */
static int run_sub(struct ctl *c, const char *group, const struct subcmd *s,
		   int argc, char **argv)
{
	snprintf(c->cmdbuf, sizeof(c->cmdbuf), "%s%s%s", group ? group : "",
		 group ? " " : "", s->name);
	c->cmd = c->cmdbuf;
	if (ctl_wants_help(argc, argv)) {
		ctl_print_sub_help(stdout, group, s);
		return EXIT_OK;
	}
	return s->fn(c, argc, argv);
}

int main(int argc, char **argv)
{
	struct ctl c = { .out = stdout };
	const struct command *cmd = NULL;
	const struct subcmd *s;
	int i, rc;
	size_t k;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			c.json = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("relayctl %s\n", PEER_RELAY_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "relayctl: unknown option '%s'\n", a);
			fprintf(stderr, "Try 'relayctl --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	for (k = 0; k < N_COMMANDS; k++)
		if (!strcmp(argv[i], commands[k].name))
			cmd = &commands[k];
	if (!cmd) {
		fprintf(stderr, "relayctl: unknown command '%s'\n", argv[i]);
		fprintf(stderr, "Try 'relayctl --help'.\n");
		return EXIT_USAGE;
	}
	i++;

	if (!cmd->subs) {
		rc = run_sub(&c, NULL, &cmd->single, argc - i, argv + i);
		goto out;
	}
	if (i >= argc || !strcmp(argv[i], "-h") ||
	    !strcmp(argv[i], "--help")) {
		print_group_help(i >= argc ? stderr : stdout, cmd);
		return i >= argc ? EXIT_USAGE : EXIT_OK;
	}
	for (s = cmd->subs; s->name; s++)
		if (!strcmp(argv[i], s->name))
			break;
	if (!s->name) {
		fprintf(stderr, "relayctl: %s: unknown subcommand '%s'\n",
			cmd->name, argv[i]);
		fprintf(stderr, "Try 'relayctl %s --help'.\n", cmd->name);
		return EXIT_USAGE;
	}
	rc = run_sub(&c, cmd->name, s, argc - i - 1, argv + i + 1);
out:
	if (c.nl_open)
		prl_nl_close(&c.nl);
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		fprintf(stderr, "relayctl: write error: %s\n", strerror(errno));
		rc = EXIT_ERR;
	}
	return rc;
}
