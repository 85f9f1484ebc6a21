// SPDX-License-Identifier: GPL-2.0-only
/* Human and JSON rendering of sessions, sockets, counters and config. */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <peer_relay/names.h>

#include "relayctl.h"
#include "tables.h"


const char *out_short_key(const uint8_t *key, char buf[20])
{
	buf[0] = 'd';
	buf[1] = ':';
	prl_hex_fmt(key, 8, buf + 2);
	return buf;
}

void ctl_print(struct ctl *c, struct prl_json *j, const struct ctl_out *o,
	       const void *obj)
{
	struct prl_json own;

	if (!c->cli.json) {
		o->text(c->out, obj);
		return;
	}
	if (!j) {
		prl_json_init(&own, c->out);
		j = &own;
	}
	o->json(j, obj);
}

int ctl_list_begin(struct ctl_list *l, struct ctl *c, const struct ctl_out *o,
		   int argc, char **argv)
{
	l->c = c;
	l->out = o;
	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	if (ctl_nl(c))
		return EXIT_ERR;
	prl_json_init(&l->j, c->out);
	if (c->cli.json)
		prl_json_arr_begin(&l->j);
	return 0;
}

int ctl_list_end(struct ctl_list *l, int err)
{
	if (l->c->cli.json)
		prl_json_arr_end(&l->j);
	return err < 0 ? ctl_kernel_error(l->c, err) : EXIT_OK;
}

int ctl_list_sock(const struct prl_sock_info *s, void *arg)
{
	struct ctl_list *l = arg;

	ctl_print(l->c, &l->j, l->out, s);
	return 0;
}

int ctl_list_session(const struct prl_session *s, void *arg)
{
	struct ctl_list *l = arg;

	ctl_print(l->c, &l->j, l->out, s);
	return 0;
}

/* ---- sessions ---- */

static void ep_json(struct prl_json *j, const struct prl_ep_info *ep)
{
	char buf[PRL_ENDPOINT_STRLEN];

	prl_json_obj_begin(j);
	if (ep->remote.addr.family)
		prl_json_kv_str(j, "remote",
			       prl_endpoint_fmt(&ep->remote, buf, sizeof(buf)));
	else
		prl_json_kv_null(j, "remote");
	if (ep->local.family)
		prl_json_kv_str(j, "local",
			       prl_addr_fmt(&ep->local, buf, sizeof(buf)));
	else
		prl_json_kv_null(j, "local");
	prl_json_kv_u64(j, "rx_packets", ep->rx_packets);
	prl_json_kv_u64(j, "rx_bytes", ep->rx_bytes);
	prl_json_kv_u64(j, "idle_ms", ep->idle_ms);
	prl_json_obj_end(j);
}

void out_session_fields(struct prl_json *j, const struct prl_session *s)
{
	char key[PRL_KEY_HEXLEN];

	prl_json_kv_u64(j, "vni", s->vni);
	prl_json_kv_str(j, "key0", prl_key_fmt(s->key0, key));
	prl_json_kv_str(j, "key1", prl_key_fmt(s->key1, key));
	prl_json_kv_u64(j, "lamport", s->lamport);
	prl_json_kv_str(j, "state", prl_state_name(s->state));
	prl_json_kv_u64(j, "age_ms", s->age_ms);
	prl_json_key(j, "endpoints");
	prl_json_arr_begin(j);
	ep_json(j, &s->ep[0]);
	ep_json(j, &s->ep[1]);
	prl_json_arr_end(j);
}

void out_session_json(struct prl_json *j, const struct prl_session *s)
{
	prl_json_obj_begin(j);
	out_session_fields(j, s);
	prl_json_obj_end(j);
}

static void session_text(FILE *f, const void *obj)
{
	const struct prl_session *s = obj;
	char key[PRL_KEY_HEXLEN], buf[PRL_ENDPOINT_STRLEN];
	int i;

	fprintf(f, "vni %" PRIu32 "\n", s->vni);
	fprintf(f, "  key0 %s\n", prl_key_fmt(s->key0, key));
	fprintf(f, "  key1 %s\n", prl_key_fmt(s->key1, key));
	fprintf(f, "  lamport %" PRIu64 "\n", s->lamport);
	fprintf(f, "  state %s\n", prl_state_name(s->state));
	fprintf(f, "  age_ms %" PRIu64 "\n", s->age_ms);
	for (i = 0; i < 2; i++) {
		const struct prl_ep_info *ep = &s->ep[i];

		fprintf(f, "  ep%d remote %s", i,
			prl_endpoint_fmt(&ep->remote, buf, sizeof(buf)));
		fprintf(f, " local %s", prl_addr_fmt(&ep->local, buf,
						    sizeof(buf)));
		fprintf(f, " rx_packets %" PRIu64 " rx_bytes %" PRIu64
			" idle_ms %" PRIu64 "\n", ep->rx_packets, ep->rx_bytes,
			ep->idle_ms);
	}
}

static void session_json(struct prl_json *j, const void *obj)
{
	out_session_json(j, obj);
}

const struct ctl_out ctl_out_session = { session_text, session_json };

/* ---- sockets ---- */

void out_sock_json(struct prl_json *j, const struct prl_sock_info *s)
{
	char buf[PRL_ENDPOINT_STRLEN];

	prl_json_obj_begin(j);
	prl_json_kv_u64(j, "id", s->id);
	prl_json_kv_str(j, "family", prl_family_name(s->family));
	prl_json_kv_str(j, "local",
		       prl_endpoint_fmt(&s->local, buf, sizeof(buf)));
	prl_json_kv_str(j, "address",
		       prl_addr_fmt(&s->local.addr, buf, sizeof(buf)));
	prl_json_kv_u64(j, "port", s->local.port);
	prl_json_kv_u64(j, "rx_packets", s->rx_packets);
	prl_json_obj_end(j);
}

static void sock_text(FILE *f, const void *obj)
{
	const struct prl_sock_info *s = obj;
	char buf[PRL_ENDPOINT_STRLEN];

	fprintf(f, "socket %" PRIu32 " %s %s rx_packets %" PRIu64 "\n",
		s->id, prl_family_name(s->family),
		prl_endpoint_fmt(&s->local, buf, sizeof(buf)), s->rx_packets);
}

static void sock_json(struct prl_json *j, const void *obj)
{
	out_sock_json(j, obj);
}

const struct ctl_out ctl_out_sock = { sock_text, sock_json };

/* ---- stats ---- */

/* The counters by reason: their title, names and place in prl_stats. */
static const struct reason_group {
	const char *title;
	const char *const *names;
	size_t off;
	unsigned int n;
} reason_groups[] = {
#define GROUP(title, names, field) \
	{ title, names, offsetof(struct prl_stats, field), \
	  PRL_ARRAY_SIZE(((struct prl_stats *)0)->field) }
	GROUP("dropped", prelay_drop_names, dropped),
	GROUP("passed", prelay_pass_names, passed),
	GROUP("deleted", prelay_del_names, deleted),
#undef GROUP
};

static const uint64_t *group_counters(const struct reason_group *g,
				      const struct prl_stats *st)
{
	return (const uint64_t *)((const char *)st + g->off);
}

static void reasons_json(struct prl_json *j, const struct reason_group *g,
			 const struct prl_stats *st)
{
	const uint64_t *v = group_counters(g, st);
	unsigned int i;

	prl_json_key(j, g->title);
	prl_json_obj_begin(j);
	for (i = 1; i < g->n; i++)
		if (g->names[i])
			prl_json_kv_u64(j, g->names[i], v[i]);
	prl_json_obj_end(j);
}

void out_stats_json(struct prl_json *j, const struct prl_stats *st)
{
	char pair[16];
	unsigned int i;

	prl_json_obj_begin(j);
	prl_json_key(j, "forwarded");
	prl_json_obj_begin(j);
	for (i = 0; i < 4; i++) {
		snprintf(pair, sizeof(pair), "%s_%s", prelay_af_pair_names[i][0],
			 prelay_af_pair_names[i][1]);
		prl_json_key(j, pair);
		prl_json_obj_begin(j);
		prl_json_kv_u64(j, "packets", st->fwd_packets[i]);
		prl_json_kv_u64(j, "bytes", st->fwd_bytes[i]);
		prl_json_obj_end(j);
	}
	prl_json_obj_end(j);
	prl_json_key(j, "sessions");
	prl_json_obj_begin(j);
	prl_json_kv_u64(j, "connecting", st->sessions_connecting);
	prl_json_kv_u64(j, "open", st->sessions_open);
	prl_json_kv_u64(j, "created", st->sessions_created);
	prl_json_obj_end(j);
	prl_json_kv_u64(j, "sockets", st->sockets);
	for (i = 0; i < PRL_ARRAY_SIZE(reason_groups); i++)
		reasons_json(j, &reason_groups[i], st);
	prl_json_obj_end(j);
}

static void reasons_human(FILE *f, const struct reason_group *g,
			  const struct prl_stats *st)
{
	const uint64_t *v = group_counters(g, st);
	unsigned int i;

	fprintf(f, "%s:\n", g->title);
	for (i = 1; i < g->n; i++)
		if (g->names[i])
			fprintf(f, "  %-12s %" PRIu64 "\n", g->names[i], v[i]);
}

static void stats_text(FILE *f, const void *obj)
{
	const struct prl_stats *st = obj;
	unsigned int i;

	fprintf(f, "forwarded:\n");
	for (i = 0; i < 4; i++)
		fprintf(f, "  %s_%s    packets %" PRIu64 " bytes %" PRIu64 "\n",
			prelay_af_pair_names[i][0], prelay_af_pair_names[i][1],
			st->fwd_packets[i], st->fwd_bytes[i]);
	fprintf(f, "sessions:\n  connecting   %" PRIu32 "\n  open         %"
		PRIu32 "\n  created      %" PRIu64 "\n",
		st->sessions_connecting, st->sessions_open,
		st->sessions_created);
	fprintf(f, "sockets:\n  attached     %" PRIu32 "\n", st->sockets);
	for (i = 0; i < PRL_ARRAY_SIZE(reason_groups); i++)
		reasons_human(f, &reason_groups[i], st);
}

static void stats_json(struct prl_json *j, const void *obj)
{
	out_stats_json(j, obj);
}

const struct ctl_out ctl_out_stats = { stats_text, stats_json };

/* ---- config ---- */

/* The plain u32 settings, in the order both renderings print them. */
static const struct cfg_scalar_desc {
	uint32_t bit;
	const char *json;
	const char *human;
	size_t off;
} cfg_scalars[] = {
#define CFG_SCALAR(bit, field, human) \
	{ bit, #field, human, offsetof(struct prl_config, field) }
	CFG_SCALAR(PRL_CFG_BIND_LIFETIME, bind_lifetime_ms, "bind-lifetime"),
	CFG_SCALAR(PRL_CFG_IDLE_LIFETIME, idle_lifetime_ms, "idle-lifetime"),
	CFG_SCALAR(PRL_CFG_MAX_SESSIONS, max_sessions, "max-sessions"),
	CFG_SCALAR(PRL_CFG_PASS_RATE, pass_rate, "pass-rate"),
	CFG_SCALAR(PRL_CFG_PASS_BURST, pass_burst, "pass-burst"),
	CFG_SCALAR(PRL_CFG_PASS_RATE_TOTAL, pass_rate_total, "pass-rate-total"),
#undef CFG_SCALAR
};

static uint32_t cfg_scalar(const struct prl_config *cfg,
			   const struct cfg_scalar_desc *d)
{
	uint32_t v;

	memcpy(&v, (const char *)cfg + d->off, sizeof(v));
	return v;
}

void out_config_json(struct prl_json *j, const struct prl_config *cfg)
{
	char buf[PRL_ENDPOINT_STRLEN > PRL_KEY_HEXLEN ? PRL_ENDPOINT_STRLEN :
						     PRL_KEY_HEXLEN];
	unsigned int i;

	prl_json_obj_begin(j);
	for (i = 0; i < PRL_ARRAY_SIZE(cfg_scalars); i++)
		if (cfg->mask & cfg_scalars[i].bit)
			prl_json_kv_u64(j, cfg_scalars[i].json,
					cfg_scalar(cfg, &cfg_scalars[i]));
	if (cfg->mask & PRL_CFG_VNI_RANGE) {
		prl_json_kv_u64(j, "vni_min", cfg->vni_min);
		prl_json_kv_u64(j, "vni_max", cfg->vni_max);
	}
	if (cfg->mask & PRL_CFG_SERVER_KEY)
		prl_json_kv_str(j, "server_key",
			       prl_key_fmt(cfg->server_key, buf));
	else
		prl_json_kv_null(j, "server_key");
	prl_json_key(j, "static_endpoints");
	prl_json_arr_begin(j);
	for (i = 0; i < cfg->n_static_eps; i++)
		prl_json_str(j, prl_endpoint_fmt(&cfg->static_eps[i], buf,
					       sizeof(buf)));
	prl_json_arr_end(j);
	prl_json_obj_end(j);
}

static void config_text(FILE *f, const void *obj)
{
	const struct prl_config *cfg = obj;
	char buf[PRL_ENDPOINT_STRLEN > PRL_KEY_HEXLEN ? PRL_ENDPOINT_STRLEN :
						     PRL_KEY_HEXLEN];
	unsigned int i;

	for (i = 0; i < PRL_ARRAY_SIZE(cfg_scalars); i++)
		if (cfg->mask & cfg_scalars[i].bit)
			fprintf(f, "%s %" PRIu32 "\n", cfg_scalars[i].human,
				cfg_scalar(cfg, &cfg_scalars[i]));
	if (cfg->mask & PRL_CFG_VNI_RANGE)
		fprintf(f, "vni-range %" PRIu32 "-%" PRIu32 "\n", cfg->vni_min,
			cfg->vni_max);
	fprintf(f, "server-key %s\n", cfg->mask & PRL_CFG_SERVER_KEY ?
		prl_key_fmt(cfg->server_key, buf) : "none");
	fprintf(f, "static-endpoints ");
	if (!cfg->n_static_eps)
		fprintf(f, "none");
	for (i = 0; i < cfg->n_static_eps; i++)
		fprintf(f, "%s%s", i ? "," : "",
			prl_endpoint_fmt(&cfg->static_eps[i], buf, sizeof(buf)));
	fputc('\n', f);
}

static void config_json(struct prl_json *j, const void *obj)
{
	out_config_json(j, obj);
}

const struct ctl_out ctl_out_config = { config_text, config_json };
