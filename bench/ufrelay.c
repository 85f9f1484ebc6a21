// SPDX-License-Identifier: GPL-2.0-only
/*
 * ufrelay: run the userspace forwarding engine (tools/lib/uforward.h) with
 * static sessions given on the command line, until SIGINT/SIGTERM; then
 * print its counters as JSON. The benchmark's userspace relay.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "uforward.h"

#define MAX_CPUS 256

static void usage(FILE *f)
{
	fputs("usage: ufrelay --bind ADDR:PORT --a ADDR:PORT --b ADDR:PORT\n"
	      "               [--vni N] [--sessions K] [--threads N] [--cpus C,C...]\n"
	      "               [--batch N] [--no-gro] [--no-gso] [--sockbuf BYTES]\n"
	      "Session i (0 <= i < K) has VNI N+i, endpoint 0 at the --a address\n"
	      "with port+i and endpoint 1 at the --b address and port.\n"
	      "Runs until SIGINT/SIGTERM, then prints its counters as JSON.\n", f);
}

static int ep_sockaddr(const char *s, struct sockaddr_storage *ss,
		       unsigned int plus)
{
	struct prl_endpoint ep;
	socklen_t len = sizeof(*ss);

	if (prl_endpoint_parse(s, &ep) || ep.port + plus > 65535)
		return -1;
	ep.port += plus;
	memset(ss, 0, sizeof(*ss));
	return prl_endpoint_to_sockaddr(&ep, ss, &len);
}

static int parse_cpus(const char *s, int *cpus, unsigned int *n)
{
	char *end;

	*n = 0;
	while (*s && *n < MAX_CPUS) {
		long v = strtol(s, &end, 10);

		if (end == s || v < 0)
			return -1;
		cpus[(*n)++] = (int)v;
		s = *end == ',' ? end + 1 : end;
	}
	return *n ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'B' },
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "vni", required_argument, NULL, 'v' },
		{ "sessions", required_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 't' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'n' },
		{ "sockbuf", required_argument, NULL, 's' },
		{ "no-gro", no_argument, NULL, 'G' },
		{ "no-gso", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *a = NULL, *b = NULL, *bind_s = NULL;
	unsigned long vni = 1, k = 1, i;
	static int cpus[MAX_CPUS];
	unsigned int ncpus = 0;
	struct uf_config cfg;
	struct uf_engine *e;
	struct uf_stats st;
	sigset_t set;
	int c, sig, err;

	uf_config_default(&cfg);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'B': bind_s = optarg; break;
		case 'a': a = optarg; break;
		case 'b': b = optarg; break;
		case 'v': vni = strtoul(optarg, NULL, 0); break;
		case 'k': k = strtoul(optarg, NULL, 0); break;
		case 't': cfg.threads = strtoul(optarg, NULL, 0); break;
		case 'n': cfg.batch = strtoul(optarg, NULL, 0); break;
		case 's': cfg.sockbuf = (int)strtol(optarg, NULL, 0); break;
		case 'G': cfg.gro = false; break;
		case 'g': cfg.gso = false; break;
		case 'c':
			if (parse_cpus(optarg, cpus, &ncpus)) {
				fprintf(stderr, "ufrelay: bad --cpus '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!a || !b || !bind_s || !k || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (ep_sockaddr(bind_s, &cfg.bind, 0)) {
		fprintf(stderr, "ufrelay: bad --bind '%s'\n", bind_s);
		return 2;
	}
	if (ncpus) {
		if (cfg.threads && cfg.threads != ncpus) {
			fprintf(stderr, "ufrelay: --threads and --cpus disagree\n");
			return 2;
		}
		cfg.threads = ncpus;
		cfg.cpus = cpus;
	}
	cfg.max_sessions = k;

	/* Block the signals before the workers start: they inherit it. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	e = uf_new(&cfg);
	if (!e) {
		fprintf(stderr, "ufrelay: %s: %s\n", bind_s, strerror(errno));
		return 1;
	}
	for (i = 0; i < k; i++) {
		struct sockaddr_storage sa, sb;

		if (ep_sockaddr(a, &sa, i) || ep_sockaddr(b, &sb, 0)) {
			fprintf(stderr, "ufrelay: bad endpoint (port + %lu)\n", i);
			uf_free(e);
			return 2;
		}
		err = uf_session_add(e, vni + i, &sa, &sb);
		if (err) {
			fprintf(stderr, "ufrelay: session %lu: %s\n", vni + i,
				strerror(-err));
			uf_free(e);
			return 1;
		}
	}
	err = uf_start(e);
	if (err) {
		fprintf(stderr, "ufrelay: start: %s\n", strerror(-err));
		uf_free(e);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	uf_stats_read(e, &st);
	uf_free(e);
	printf("{\"rx_packets\":%llu,\"fwd_packets\":%llu,\"fwd_bytes\":%llu,"
	       "\"passed\":%llu,\"dropped\":%llu,\"send_errors\":%llu}\n",
	       (unsigned long long)st.rx_packets,
	       (unsigned long long)st.fwd_packets,
	       (unsigned long long)st.fwd_bytes,
	       (unsigned long long)st.passed, (unsigned long long)st.dropped,
	       (unsigned long long)st.send_errors);
	return 0;
}
