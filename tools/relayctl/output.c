// SPDX-License-Identifier: GPL-2.0-only
/* Human and JSON rendering of sessions, sockets, counters and config. */
#include <inttypes.h>
#include <string.h>

#include <peer_relay/names.h>

#include "relayctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *out_short_key(const uint8_t *key, char buf[20])
{
	buf[0] = 'd';
	buf[1] = ':';
	pr_hex_fmt(key, 8, buf + 2);
	return buf;
}

/* ---- sessions ---- */

static void ep_json(struct pr_json *j, const struct pr_ep_info *ep)
{
	char buf[PR_ENDPOINT_STRLEN];

	pr_json_obj_begin(j);
	if (ep->remote.addr.family)
		pr_json_kv_str(j, "remote",
			       pr_endpoint_fmt(&ep->remote, buf, sizeof(buf)));
	else
		pr_json_kv_null(j, "remote");
	if (ep->local.family)
		pr_json_kv_str(j, "local",
			       pr_addr_fmt(&ep->local, buf, sizeof(buf)));
	else
		pr_json_kv_null(j, "local");
	pr_json_kv_u64(j, "rx_packets", ep->rx_packets);
	pr_json_kv_u64(j, "rx_bytes", ep->rx_bytes);
	pr_json_kv_u64(j, "idle_ms", ep->idle_ms);
	pr_json_obj_end(j);
}

void out_session_json(struct pr_json *j, const struct pr_session *s)
{
	char key[PR_KEY_HEXLEN];

	pr_json_obj_begin(j);
	pr_json_kv_u64(j, "vni", s->vni);
	pr_json_kv_str(j, "key0", pr_key_fmt(s->key0, key));
	pr_json_kv_str(j, "key1", pr_key_fmt(s->key1, key));
	pr_json_kv_u64(j, "lamport", s->lamport);
	pr_json_kv_str(j, "state", pr_state_name(s->state));
	pr_json_kv_u64(j, "age_ms", s->age_ms);
	pr_json_key(j, "endpoints");
	pr_json_arr_begin(j);
	ep_json(j, &s->ep[0]);
	ep_json(j, &s->ep[1]);
	pr_json_arr_end(j);
	pr_json_obj_end(j);
}

void out_session(struct ctl *c, const struct pr_session *s)
{
	char key[PR_KEY_HEXLEN], buf[PR_ENDPOINT_STRLEN];
	FILE *f = c->out;
	int i;

	if (c->json) {
		struct pr_json j;

		pr_json_init(&j, f);
		out_session_json(&j, s);
		return;
	}
	fprintf(f, "vni %" PRIu32 "\n", s->vni);
	fprintf(f, "  key0 %s\n", pr_key_fmt(s->key0, key));
	fprintf(f, "  key1 %s\n", pr_key_fmt(s->key1, key));
	fprintf(f, "  lamport %" PRIu64 "\n", s->lamport);
	fprintf(f, "  state %s\n", pr_state_name(s->state));
	fprintf(f, "  age_ms %" PRIu64 "\n", s->age_ms);
	for (i = 0; i < 2; i++) {
		const struct pr_ep_info *ep = &s->ep[i];

		fprintf(f, "  ep%d remote %s", i,
			pr_endpoint_fmt(&ep->remote, buf, sizeof(buf)));
		fprintf(f, " local %s", pr_addr_fmt(&ep->local, buf,
						    sizeof(buf)));
		fprintf(f, " rx_packets %" PRIu64 " rx_bytes %" PRIu64
			" idle_ms %" PRIu64 "\n", ep->rx_packets, ep->rx_bytes,
			ep->idle_ms);
	}
}

/* ---- sockets ---- */

void out_sock_json(struct pr_json *j, const struct pr_sock_info *s)
{
	char buf[PR_ENDPOINT_STRLEN];

	pr_json_obj_begin(j);
	pr_json_kv_u64(j, "id", s->id);
	pr_json_kv_str(j, "family", pr_family_name(s->family));
	pr_json_kv_str(j, "local",
		       pr_endpoint_fmt(&s->local, buf, sizeof(buf)));
	pr_json_kv_str(j, "address",
		       pr_addr_fmt(&s->local.addr, buf, sizeof(buf)));
	pr_json_kv_u64(j, "port", s->local.port);
	pr_json_kv_u64(j, "rx_packets", s->rx_packets);
	pr_json_obj_end(j);
}

void out_sock(struct ctl *c, const struct pr_sock_info *s)
{
	char buf[PR_ENDPOINT_STRLEN];

	if (c->json) {
		struct pr_json j;

		pr_json_init(&j, c->out);
		out_sock_json(&j, s);
		return;
	}
	fprintf(c->out, "socket %" PRIu32 " %s %s rx_packets %" PRIu64 "\n",
		s->id, pr_family_name(s->family),
		pr_endpoint_fmt(&s->local, buf, sizeof(buf)), s->rx_packets);
}

/* ---- stats ---- */

static void reasons_json(struct pr_json *j, const char *key,
			 const char *const *names, const uint64_t *v,
			 unsigned int n)
{
	unsigned int i;

	pr_json_key(j, key);
	pr_json_obj_begin(j);
	for (i = 1; i < n; i++)
		if (names[i])
			pr_json_kv_u64(j, names[i], v[i]);
	pr_json_obj_end(j);
}

void out_stats_json(struct pr_json *j, const struct pr_stats *st)
{
	char pair[16];
	unsigned int i;

	pr_json_obj_begin(j);
	pr_json_key(j, "forwarded");
	pr_json_obj_begin(j);
	for (i = 0; i < 4; i++) {
		snprintf(pair, sizeof(pair), "%s_%s", pr_af_pair_names[i][0],
			 pr_af_pair_names[i][1]);
		pr_json_key(j, pair);
		pr_json_obj_begin(j);
		pr_json_kv_u64(j, "packets", st->fwd_packets[i]);
		pr_json_kv_u64(j, "bytes", st->fwd_bytes[i]);
		pr_json_obj_end(j);
	}
	pr_json_obj_end(j);
	pr_json_key(j, "sessions");
	pr_json_obj_begin(j);
	pr_json_kv_u64(j, "connecting", st->sessions_connecting);
	pr_json_kv_u64(j, "open", st->sessions_open);
	pr_json_kv_u64(j, "created", st->sessions_created);
	pr_json_obj_end(j);
	pr_json_kv_u64(j, "sockets", st->sockets);
	reasons_json(j, "dropped", pr_drop_names, st->dropped,
		     ARRAY_SIZE(st->dropped));
	reasons_json(j, "passed", pr_pass_names, st->passed,
		     ARRAY_SIZE(st->passed));
	reasons_json(j, "deleted", pr_del_names, st->deleted,
		     ARRAY_SIZE(st->deleted));
	pr_json_obj_end(j);
}

static void reasons_human(FILE *f, const char *title,
			  const char *const *names, const uint64_t *v,
			  unsigned int n)
{
	unsigned int i;

	fprintf(f, "%s:\n", title);
	for (i = 1; i < n; i++)
		if (names[i])
			fprintf(f, "  %-12s %" PRIu64 "\n", names[i], v[i]);
}

void out_stats(struct ctl *c, const struct pr_stats *st)
{
	FILE *f = c->out;
	unsigned int i;

	if (c->json) {
		struct pr_json j;

		pr_json_init(&j, f);
		out_stats_json(&j, st);
		return;
	}
	fprintf(f, "forwarded:\n");
	for (i = 0; i < 4; i++)
		fprintf(f, "  %s_%s    packets %" PRIu64 " bytes %" PRIu64 "\n",
			pr_af_pair_names[i][0], pr_af_pair_names[i][1],
			st->fwd_packets[i], st->fwd_bytes[i]);
	fprintf(f, "sessions:\n  connecting   %" PRIu32 "\n  open         %"
		PRIu32 "\n  created      %" PRIu64 "\n",
		st->sessions_connecting, st->sessions_open,
		st->sessions_created);
	fprintf(f, "sockets:\n  attached     %" PRIu32 "\n", st->sockets);
	reasons_human(f, "dropped", pr_drop_names, st->dropped,
		      ARRAY_SIZE(st->dropped));
	reasons_human(f, "passed", pr_pass_names, st->passed,
		      ARRAY_SIZE(st->passed));
	reasons_human(f, "deleted", pr_del_names, st->deleted,
		      ARRAY_SIZE(st->deleted));
}

/* ---- config ---- */

void out_config_json(struct pr_json *j, const struct pr_config *cfg)
{
	char buf[PR_ENDPOINT_STRLEN > PR_KEY_HEXLEN ? PR_ENDPOINT_STRLEN :
						     PR_KEY_HEXLEN];
	unsigned int i;

	pr_json_obj_begin(j);
	if (cfg->mask & PR_CFG_BIND_LIFETIME)
		pr_json_kv_u64(j, "bind_lifetime_ms", cfg->bind_lifetime_ms);
	if (cfg->mask & PR_CFG_IDLE_LIFETIME)
		pr_json_kv_u64(j, "idle_lifetime_ms", cfg->idle_lifetime_ms);
	if (cfg->mask & PR_CFG_MAX_SESSIONS)
		pr_json_kv_u64(j, "max_sessions", cfg->max_sessions);
	if (cfg->mask & PR_CFG_PASS_RATE)
		pr_json_kv_u64(j, "pass_rate", cfg->pass_rate);
	if (cfg->mask & PR_CFG_PASS_BURST)
		pr_json_kv_u64(j, "pass_burst", cfg->pass_burst);
	if (cfg->mask & PR_CFG_PASS_RATE_TOTAL)
		pr_json_kv_u64(j, "pass_rate_total", cfg->pass_rate_total);
	if (cfg->mask & PR_CFG_SERVER_KEY)
		pr_json_kv_str(j, "server_key",
			       pr_key_fmt(cfg->server_key, buf));
	else
		pr_json_kv_null(j, "server_key");
	pr_json_key(j, "static_endpoints");
	pr_json_arr_begin(j);
	for (i = 0; i < cfg->n_static_eps; i++)
		pr_json_str(j, pr_endpoint_fmt(&cfg->static_eps[i], buf,
					       sizeof(buf)));
	pr_json_arr_end(j);
	pr_json_obj_end(j);
}

void out_config(struct ctl *c, const struct pr_config *cfg)
{
	char buf[PR_ENDPOINT_STRLEN > PR_KEY_HEXLEN ? PR_ENDPOINT_STRLEN :
						     PR_KEY_HEXLEN];
	FILE *f = c->out;
	unsigned int i;

	if (c->json) {
		struct pr_json j;

		pr_json_init(&j, f);
		out_config_json(&j, cfg);
		return;
	}
	if (cfg->mask & PR_CFG_BIND_LIFETIME)
		fprintf(f, "bind-lifetime %" PRIu32 "\n", cfg->bind_lifetime_ms);
	if (cfg->mask & PR_CFG_IDLE_LIFETIME)
		fprintf(f, "idle-lifetime %" PRIu32 "\n", cfg->idle_lifetime_ms);
	if (cfg->mask & PR_CFG_MAX_SESSIONS)
		fprintf(f, "max-sessions %" PRIu32 "\n", cfg->max_sessions);
	if (cfg->mask & PR_CFG_PASS_RATE)
		fprintf(f, "pass-rate %" PRIu32 "\n", cfg->pass_rate);
	if (cfg->mask & PR_CFG_PASS_BURST)
		fprintf(f, "pass-burst %" PRIu32 "\n", cfg->pass_burst);
	if (cfg->mask & PR_CFG_PASS_RATE_TOTAL)
		fprintf(f, "pass-rate-total %" PRIu32 "\n", cfg->pass_rate_total);
	fprintf(f, "server-key %s\n", cfg->mask & PR_CFG_SERVER_KEY ?
		pr_key_fmt(cfg->server_key, buf) : "none");
	fprintf(f, "static-endpoints ");
	if (!cfg->n_static_eps)
		fprintf(f, "none");
	for (i = 0; i < cfg->n_static_eps; i++)
		fprintf(f, "%s%s", i ? "," : "",
			pr_endpoint_fmt(&cfg->static_eps[i], buf, sizeof(buf)));
	fputc('\n', f);
}
