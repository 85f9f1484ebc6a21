// SPDX-License-Identifier: GPL-2.0-only
/*
 * ufrelay: run the userspace forwarding engine (tools/lib/uforward.h) with
 * static sessions given on the command line, until SIGINT/SIGTERM; then
 * print its counters as JSON. The benchmark's userspace relay.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "benchcli.h"
#include "num.h"
#include "uforward.h"

#define MAX_CPUS 256

static const char usage[] =
	"usage: ufrelay --bind ADDR:PORT --a ADDR:PORT --b ADDR:PORT\n"
	"               [--vni N] [--sessions K] [--threads N] [--cpus C,C...]\n"
	"               [--batch N] [--no-gro] [--no-gso] [--sockbuf BYTES]\n"
	"Session i (0 <= i < K) has VNI N+i, endpoint 0 at the --a address\n"
	"with port+i and endpoint 1 at the --b address and port.\n"
	"N: 1..16777215 (default 1), K: 1..16777215 (default 1), --threads:\n"
	"0..256 (default 0: one per CPU), --cpus: CPU numbers (one thread on\n"
	"each), --batch: 1..1024 (default 64), --sockbuf: default 8 MiB.\n"
	"Runs until SIGINT/SIGTERM, then prints its counters as JSON.\n";

struct cpu_list {
	int cpu[MAX_CPUS];
	unsigned int n;
};

struct uf_opts {
	struct uf_config cfg;
	const char *bind_s;	/* --bind as given, for messages */
	struct prl_endpoint a, b;
	bool have_bind, have_a, have_b;
	uint32_t vni, sessions;
	struct cpu_list cpus;
};
#define PRL_OPTS	struct uf_opts	/* of the option table */

/* PRL_OPT_PARSE: "C,C,..." (at least one CPU number). */
static int opt_cpus(struct prl_cli *cli, const char *what, const char *arg,
		    void *field)
{
	struct cpu_list *l = field;
	const char *s = arg;
	char num[16];
	uint32_t v;

	l->n = 0;
	do {
		size_t len = strcspn(s, ",");

		if (len >= sizeof(num) || l->n == MAX_CPUS)
			break;
		memcpy(num, s, len);
		num[len] = '\0';
		if (prl_parse_u32(num, 0, 4095, &v))
			break;
		l->cpu[l->n++] = (int)v;
		s += len;
		if (!*s)
			return 0;
	} while (*s++ == ',');
	return prl_cli_opt_check(cli, 1, what, arg,
				 "CPU numbers (0..4095) separated by commas, at most 256");
}

static const struct prl_cli_opt uf_opts_table[] = {
	PRL_ROW("bind", PRL_OPT_ENDPOINT, cfg.bind, .seen = PRL_SEEN(have_bind),
		.text = PRL_SEEN(bind_s), .what = "bind address"),
	PRL_ROW("a", PRL_OPT_PARSE, a, .seen = PRL_SEEN(have_a),
		.what = "--a endpoint", .parse = bench_opt_endpoint),
	PRL_ROW("b", PRL_OPT_PARSE, b, .seen = PRL_SEEN(have_b),
		.what = "--b endpoint", .parse = bench_opt_endpoint),
	PRL_NUM("vni", U32, vni, "VNI", 1, 0xffffff),
	PRL_NUM("sessions", U32, sessions, "session count", 1, 0xffffff),
	PRL_NUM("threads", U32, cfg.threads, "thread count", 0, MAX_CPUS),
	PRL_ROW("cpus", PRL_OPT_PARSE, cpus, .what = "CPU list",
		.parse = opt_cpus),
	PRL_NUM("batch", U32, cfg.batch, "batch", 1, 1024),
	PRL_NUM("sockbuf", INT, cfg.sockbuf, "socket buffer size", 0, INT_MAX),
	PRL_ROW("no-gro", PRL_OPT_CLEAR, cfg.gro),
	PRL_ROW("no-gso", PRL_OPT_CLEAR, cfg.gso),
	{ 0 },
};

/* @ep with its port raised by @plus (checked by the caller) into @ss. */
static int ep_sockaddr(const struct prl_endpoint *ep, unsigned long plus,
		       struct sockaddr_storage *ss)
{
	struct prl_endpoint e = *ep;
	socklen_t len = sizeof(*ss);

	e.port = (uint16_t)(e.port + plus);
	memset(ss, 0, sizeof(*ss));
	return prl_endpoint_to_sockaddr(&e, ss, &len);
}

int main(int argc, char **argv)
{
	static const struct prl_cli_prog prog = PRL_CLI_SINGLE("ufrelay");
	struct uf_opts o = { .vni = 1, .sessions = 1 };
	struct prl_cli cli = { .prog = &prog };
	struct uf_config cfg;
	struct uf_engine *e;
	struct uf_stats st;
	unsigned long i;
	sigset_t set;
	int sig, err;

	uf_config_default(&o.cfg);
	err = prl_cli_getopt_all(&cli, uf_opts_table, &o, usage, argc, argv);
	if (err >= 0)
		return err;
	if (!o.have_bind || !o.have_a || !o.have_b)
		return prl_cli_usage_error(&cli, "--bind, --a and --b are required");
	cfg = o.cfg;
	if (o.cpus.n) {
		if (cfg.threads && cfg.threads != o.cpus.n)
			return prl_cli_usage_error(&cli, "--threads and --cpus disagree");
		cfg.threads = o.cpus.n;
		cfg.cpus = o.cpus.cpu;
	}
	if (o.vni + o.sessions - 1 > 0xffffff)
		return prl_cli_usage_error(&cli, "VNIs %u..%u: past 16777215",
					   o.vni, o.vni + o.sessions - 1);
	if (o.a.port + o.sessions - 1 > 65535)
		return prl_cli_usage_error(&cli, "--a ports %u..%u: past 65535",
					   o.a.port, o.a.port + o.sessions - 1);
	cfg.max_sessions = o.sessions;

	/* Block the signals before the workers start: they inherit it. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	e = uf_new(&cfg);
	if (!e) {
		fprintf(stderr, "ufrelay: %s: %s\n", o.bind_s, strerror(errno));
		return 1;
	}
	for (i = 0; i < o.sessions; i++) {
		struct sockaddr_storage sa, sb;

		if (ep_sockaddr(&o.a, i, &sa) || ep_sockaddr(&o.b, 0, &sb)) {
			fprintf(stderr, "ufrelay: session %lu: bad endpoint\n", i);
			uf_free(e);
			return 1;
		}
		err = uf_session_add(e, o.vni + i, &sa, &sb);
		if (err) {
			fprintf(stderr, "ufrelay: session %lu: %s\n", o.vni + i,
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
