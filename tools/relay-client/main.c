// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client: a peer relay protocol client for tests and demos:
 * keys, in-band allocation, the Bind/Challenge/Answer handshake, Geneve
 * data and end-to-end disco Ping/Pong through a relay.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "relay-client.h"

#ifndef PEER_RELAY_VERSION
#define PEER_RELAY_VERSION "unknown"
#endif

struct command {
	const char *name;
	const char *args;
	const char *summary;
	int (*fn)(struct rcli *r, int argc, char **argv);
};

static const struct command commands[] = {
	{ "genkey", "[-o FILE]", "create a disco private key", cmd_genkey },
	{ "pubkey", "[< KEYFILE]", "print the public key of a private key",
	  cmd_pubkey },
	{ "allocate", "--relay ADDR:PORT --server-key KEY --peer KEY [...]",
	  "allocate a relay endpoint in-band", cmd_allocate },
	{ "bind", "--relay ADDR:PORT --server-key KEY --peer KEY --vni N|--allocate [MODE]",
	  "handshake with the relay, then send/recv/echo/ping", cmd_bind },
	{ "pair", "--relay ADDR:PORT --server-key KEY --vni N|--allocate [...]",
	  "run both clients and measure the round trip through the relay",
	  cmd_pair },
	{ "many", "--relay ADDR:PORT --server-key KEY --pairs N [...]",
	  "load test: N pairs allocate and handshake from a few sockets",
	  cmd_many },
	{ "wg", "-c FILE | --key FILE --peer KEY --allocate|--endpoint-json F [...]",
	  "bridge a WireGuard peer through the relay", cmd_wg },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: relay-client [-j|--json] [-h|--help] [-V|--version] COMMAND [ARGS]\n"
		"\n"
		"Client of the Tailscale-compatible peer relay protocol, for tests and\n"
		"demos: keys, in-band allocation, the Bind/Challenge/Answer handshake,\n"
		"Geneve data and end-to-end disco Ping/Pong through a relay.\n"
		"\n"
		"Options:\n"
		"  -j, --json       JSON output (one object per line)\n"
		"  -h, --help       this help; 'relay-client COMMAND --help' for a command\n"
		"  -V, --version    print the version\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n  %-9s   %s\n", commands[i].name,
			commands[i].args, "", commands[i].summary);
	fprintf(f,
		"\n"
		"KEY is 64 hex digits (optionally \"discokey:\"-prefixed); ADDR:PORT is\n"
		"192.0.2.1:7000 or [2001:db8::1]:7000.\n"
		"Exit status: 0 success, 1 error, 2 usage error, 3 timeout (nothing or\n"
		"not enough arrived in time).\n");
}

int rcli_usage_error(struct rcli *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relay-client: %s: ", r->cmd ? r->cmd : "usage");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'relay-client %s%s--help'.\n",
		r->cmd ? r->cmd : "", r->cmd ? " " : "");
	return EXIT_USAGE;
}

int rcli_error(struct rcli *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relay-client: %s: ", r->cmd ? r->cmd : "error");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERR;
}

int rcli_fail(struct rcli *r, int err, const char *what)
{
	if (err == -ETIMEDOUT) {
		fprintf(stderr, "relay-client: %s: %s: timed out\n", r->cmd,
			what);
		return EXIT_TIMEOUT;
	}
	return rcli_error(r, "%s: %s", what, strerror(-err));
}

int main(int argc, char **argv)
{
	struct rcli r = { 0 };
	int i, rc;
	size_t k;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			r.json = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("relay-client %s\n", PEER_RELAY_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "relay-client: unknown option '%s'\n", a);
			fprintf(stderr, "Try 'relay-client --help'.\n");
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
			break;
	if (k == N_COMMANDS) {
		fprintf(stderr, "relay-client: unknown command '%s'\n", argv[i]);
		fprintf(stderr, "Try 'relay-client --help'.\n");
		return EXIT_USAGE;
	}
	r.cmd = commands[k].name;
	prl_json_init(&r.j, stdout);
	/* the command sees its name as argv[0] (getopt convention) */
	rc = commands[k].fn(&r, argc - i, argv + i);
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		fprintf(stderr, "relay-client: write error: %s\n",
			strerror(errno));
		rc = EXIT_ERR;
	}
	return rc;
}
