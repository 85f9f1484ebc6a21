// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prometheus text format writer. Metric names follow the upstream
 * tailscaled_peer_relay_* metrics with our own "peer_relay_" prefix.
 */
#include <errno.h>
#include <inttypes.h>

#include <peer_relay/names.h>

#include "prometheus.h"
#include "tables.h"


void prl_prometheus_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void header(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void fwd(FILE *f, const char *name, const char *help,
		const uint64_t v[4])
{
	unsigned int i;

	header(f, name, "counter", help);
	for (i = 0; i < 4; i++)
		fprintf(f, "%s{transport_in=\"%s\",transport_out=\"%s\"} %"
			PRIu64 "\n", name, prelay_af_pair_names[i][0],
			prelay_af_pair_names[i][1], v[i]);
}

static void by_reason(FILE *f, const char *name, const char *help,
		      const char *const *names, const uint64_t *v,
		      unsigned int n)
{
	unsigned int i;

	header(f, name, "counter", help);
	for (i = 1; i < n; i++) {
		if (!names[i])
			continue;
		fprintf(f, "%s{reason=\"%s\"} %" PRIu64 "\n", name, names[i],
			v[i]);
	}
}

int prl_prometheus_write(FILE *f, const struct prl_stats *st,
			const char *version)
{
	fwd(f, "peer_relay_forwarded_packets_total",
	    "Data packets forwarded between the two endpoints of a session, by transport of arrival and departure.",
	    st->fwd_packets);
	fwd(f, "peer_relay_forwarded_bytes_total",
	    "UDP payload bytes (including the Geneve header) of forwarded data packets.",
	    st->fwd_bytes);

	header(f, "peer_relay_endpoints", "gauge",
	       "Allocated relay sessions by state.");
	fprintf(f, "peer_relay_endpoints{state=\"connecting\"} %" PRIu32 "\n",
		st->sessions_connecting);
	fprintf(f, "peer_relay_endpoints{state=\"open\"} %" PRIu32 "\n",
		st->sessions_open);

	by_reason(f, "peer_relay_dropped_packets_total",
		  "Datagrams dropped by the kernel data plane, by reason.",
		  prelay_drop_names, st->dropped, PRL_ARRAY_SIZE(st->dropped));
	by_reason(f, "peer_relay_passed_packets_total",
		  "Datagrams passed to the userspace socket, by reason.",
		  prelay_pass_names, st->passed, PRL_ARRAY_SIZE(st->passed));

	header(f, "peer_relay_sessions_created_total", "counter",
	       "Relay sessions allocated.");
	fprintf(f, "peer_relay_sessions_created_total %" PRIu64 "\n",
		st->sessions_created);
	by_reason(f, "peer_relay_sessions_deleted_total",
		  "Relay sessions removed, by reason.",
		  prelay_del_names, st->deleted, PRL_ARRAY_SIZE(st->deleted));

	header(f, "peer_relay_sockets", "gauge",
	       "UDP sockets attached to the kernel data plane.");
	fprintf(f, "peer_relay_sockets %" PRIu32 "\n", st->sockets);

	header(f, "peer_relay_build_info", "gauge",
	       "Version of the peer_relay tools; the value is always 1.");
	fputs("peer_relay_build_info{version=\"", f);
	prl_prometheus_label_value(f, version ? version : "unknown");
	fputs("\"} 1\n", f);

	return ferror(f) ? -EIO : 0;
}

int prl_prometheus_write_limits(FILE *f, const struct prl_config *cfg)
{
	header(f, "peer_relay_sessions_limit", "gauge",
	       "Most sessions the relay allocates (config max-sessions).");
	fprintf(f, "peer_relay_sessions_limit %" PRIu32 "\n", cfg->max_sessions);
	return ferror(f) ? -EIO : 0;
}
