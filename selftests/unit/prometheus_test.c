// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the Prometheus text exposition writer. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "prometheus.h"

static char *render(const struct prl_stats *st, const char *version)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	if (!f)
		return NULL;
	if (prl_prometheus_write(f, st, version)) {
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	return data;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

TEST(all_series_present)
{
	struct prl_stats st;
	char *out;

	memset(&st, 0, sizeof(st));
	st.fwd_packets[PRL_AF_PAIR(1, 0)] = 12;
	st.fwd_bytes[PRL_AF_PAIR(0, 1)] = 3400;
	st.sessions_connecting = 2;
	st.sessions_open = 5;
	st.sockets = 4;
	st.sessions_created = 9;
	st.dropped[PEER_RELAY_DROP_UNKNOWN_VNI] = 77;
	st.passed[PEER_RELAY_PASS_CONTROL] = 8;
	st.deleted[PEER_RELAY_DEL_EXPIRED_BIND] = 3;
	out = render(&st, "1.2.3");
	ASSERT_NE(NULL, out);

	/* all four transport combinations, zeros included */
	EXPECT_TRUE(has_line(out, "peer_relay_forwarded_packets_total{transport_in=\"udp4\",transport_out=\"udp4\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_forwarded_packets_total{transport_in=\"udp4\",transport_out=\"udp6\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_forwarded_packets_total{transport_in=\"udp6\",transport_out=\"udp4\"} 12"));
	EXPECT_TRUE(has_line(out, "peer_relay_forwarded_packets_total{transport_in=\"udp6\",transport_out=\"udp6\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_forwarded_bytes_total{transport_in=\"udp4\",transport_out=\"udp6\"} 3400"));
	EXPECT_TRUE(has_line(out, "peer_relay_forwarded_bytes_total{transport_in=\"udp6\",transport_out=\"udp6\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_endpoints{state=\"connecting\"} 2"));
	EXPECT_TRUE(has_line(out, "peer_relay_endpoints{state=\"open\"} 5"));
	EXPECT_TRUE(has_line(out, "peer_relay_dropped_packets_total{reason=\"unknown_vni\"} 77"));
	EXPECT_TRUE(has_line(out, "peer_relay_dropped_packets_total{reason=\"short\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_dropped_packets_total{reason=\"ratelimit\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_passed_packets_total{reason=\"control\"} 8"));
	EXPECT_TRUE(has_line(out, "peer_relay_passed_packets_total{reason=\"stun\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_sessions_created_total 9"));
	EXPECT_TRUE(has_line(out, "peer_relay_sessions_deleted_total{reason=\"expired_bind\"} 3"));
	EXPECT_TRUE(has_line(out, "peer_relay_sessions_deleted_total{reason=\"user\"} 0"));
	EXPECT_TRUE(has_line(out, "peer_relay_sockets 4"));
	EXPECT_TRUE(has_line(out, "peer_relay_build_info{version=\"1.2.3\"} 1"));
	EXPECT_TRUE(has_line(out, "# TYPE peer_relay_forwarded_packets_total counter"));
	EXPECT_TRUE(has_line(out, "# TYPE peer_relay_endpoints gauge"));
	EXPECT_TRUE(has_line(out, "# TYPE peer_relay_sockets gauge"));
	EXPECT_TRUE(has_line(out, "# TYPE peer_relay_sessions_created_total counter"));
	/* no "unknown"/unspec reason slot leaks out */
	EXPECT_EQ(NULL, strstr(out, "=\"unknown\""));
	EXPECT_EQ('\n', out[strlen(out) - 1]);
	free(out);
}

/*
 * Grammar check: each sample line is NAME{LABELS} VALUE, and the sample's
 * metric had "# HELP NAME" and "# TYPE NAME" lines before it.
 */
TEST(format_grammar)
{
	struct prl_stats st;
	regex_t sample;
	char *out, *line, *save = NULL, *seen_type;
	int samples = 0;

	memset(&st, 0, sizeof(st));
	out = render(&st, "x\"y\\z");
	ASSERT_NE(NULL, out);
	EXPECT_TRUE(has_line(out, "peer_relay_build_info{version=\"x\\\"y\\\\z\"} 1"));
	ASSERT_EQ(0, regcomp(&sample,
			     "^([a-z_]+)(\\{[a-z_]+=\"([^\"\\\\]|\\\\.)*\"(,[a-z_]+=\"([^\"\\\\]|\\\\.)*\")*\\})? [0-9]+$",
			     REG_EXTENDED));
	seen_type = calloc(1, strlen(out) + 1);
	ASSERT_NE(NULL, seen_type);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];
		char name[128], want[160];

		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			if (!strncmp(line, "# TYPE ", 7)) {
				EXPECT_TRUE(strstr(line, " counter") ||
					    strstr(line, " gauge"));
				strcat(seen_type, line + 7);
				strcat(seen_type, "|");
			}
			continue;
		}
		ASSERT_EQ(0, regexec(&sample, line, 2, m, 0))
			TH_LOG("bad sample line '%s'", line);
		snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
			 line + m[1].rm_so);
		snprintf(want, sizeof(want), "%s ", name);
		EXPECT_NE(NULL, strstr(seen_type, want))
			TH_LOG("sample '%s' before its TYPE line", line);
		EXPECT_EQ(0, strncmp(name, "peer_relay_", 11));
		samples++;
	}
	/* 4+4 forwarded, 2 endpoints, drops, passes, 1 created, deletes,
	 * 1 sockets, 1 build_info */
	EXPECT_EQ(4 + 4 + 2 + PEER_RELAY_DROP_MAX + PEER_RELAY_PASS_MAX + 1 +
		  PEER_RELAY_DEL_MAX + 1 + 1, samples);
	regfree(&sample);
	free(seen_type);
	free(out);
}

TEST_HARNESS_MAIN
