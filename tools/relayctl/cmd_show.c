// SPDX-License-Identifier: GPL-2.0-only
/* relayctl show: a `wg show`-like overview. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "relayctl.h"

const char show_help[] =
	"Prints the configuration, the counters, every attached socket and\n"
	"every session (with the short disco keys d:XXXXXXXXXXXXXXXX as in\n"
	"'tailscale debug peer-relay-sessions'). With -j: {config, stats,\n"
	"sockets: [...], sessions: [...]} using the objects of 'config get',\n"
	"'stats', 'socket list' and 'session list'.\n";

/* Everything collected before printing, so JSON output stays whole. */
struct overview {
	struct pr_config cfg;
	struct pr_stats st;
	struct pr_sock_info *socks;
	size_t n_socks, cap_socks;
	struct pr_session *sessions;
	size_t n_sessions, cap_sessions;
};

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int add_sock(const struct pr_sock_info *s, void *arg)
{
	struct overview *o = arg;

	if (grow((void **)&o->socks, &o->cap_socks, o->n_socks,
		 sizeof(*o->socks)))
		return -ENOMEM;
	o->socks[o->n_socks++] = *s;
	return 0;
}

static int add_session(const struct pr_session *s, void *arg)
{
	struct overview *o = arg;

	if (grow((void **)&o->sessions, &o->cap_sessions, o->n_sessions,
		 sizeof(*o->sessions)))
		return -ENOMEM;
	o->sessions[o->n_sessions++] = *s;
	return 0;
}

static void fmt_ms(char *buf, size_t len, uint64_t ms)
{
	if (ms < 1000)
		snprintf(buf, len, "%" PRIu64 " ms", ms);
	else if (ms < 120000)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " s", ms / 1000,
			 ms % 1000 / 100);
	else
		snprintf(buf, len, "%" PRIu64 " min %" PRIu64 " s",
			 ms / 60000, ms % 60000 / 1000);
}

static void show_human(FILE *f, const struct overview *o)
{
	char a[PR_ENDPOINT_STRLEN], b[PR_ADDR_STRLEN], k[20], t[32];
	uint64_t pk = 0, by = 0, drops = 0, passes = 0, n;
	size_t i;
	int e;

	for (i = 0; i < 4; i++) {
		pk += o->st.fwd_packets[i];
		by += o->st.fwd_bytes[i];
	}
	for (i = 0; i < sizeof(o->st.dropped) / sizeof(o->st.dropped[0]); i++)
		drops += o->st.dropped[i];
	for (i = 0; i < sizeof(o->st.passed) / sizeof(o->st.passed[0]); i++)
		passes += o->st.passed[i];

	n = (uint64_t)o->st.sessions_open + o->st.sessions_connecting;
	fprintf(f, "peer_relay: %zu socket%s, %" PRIu64 " session%s (%" PRIu32
		" open, %" PRIu32 " connecting)\n", o->n_socks,
		o->n_socks == 1 ? "" : "s", n, n == 1 ? "" : "s",
		o->st.sessions_open, o->st.sessions_connecting);
	fprintf(f, "  bind lifetime: %" PRIu32 " ms, idle lifetime: %" PRIu32
		" ms, max sessions: %" PRIu32 "\n", o->cfg.bind_lifetime_ms,
		o->cfg.idle_lifetime_ms, o->cfg.max_sessions);
	if (o->cfg.mask & PR_CFG_SERVER_KEY)
		fprintf(f, "  server key: %s\n",
			out_short_key(o->cfg.server_key, k));
	if (o->cfg.n_static_eps) {
		fprintf(f, "  static endpoints:");
		for (i = 0; i < o->cfg.n_static_eps; i++)
			fprintf(f, " %s", pr_endpoint_fmt(&o->cfg.static_eps[i],
							  a, sizeof(a)));
		fputc('\n', f);
	}
	fprintf(f, "  forwarded: %" PRIu64 " packets, %" PRIu64
		" bytes; dropped: %" PRIu64 "; passed to userspace: %" PRIu64
		"\n", pk, by, drops, passes);

	for (i = 0; i < o->n_socks; i++)
		fprintf(f, "\nsocket %" PRIu32 ": %s %s\n  rx packets: %" PRIu64
			"\n", o->socks[i].id, pr_family_name(o->socks[i].family),
			pr_endpoint_fmt(&o->socks[i].local, a, sizeof(a)),
			o->socks[i].rx_packets);

	for (i = 0; i < o->n_sessions; i++) {
		const struct pr_session *s = &o->sessions[i];

		fmt_ms(t, sizeof(t), s->age_ms);
		fprintf(f, "\nsession vni %" PRIu32 ": %s\n  lamport: %" PRIu64
			", age: %s\n", s->vni, pr_state_name(s->state),
			s->lamport, t);
		for (e = 0; e < 2; e++) {
			const struct pr_ep_info *ep = &s->ep[e];

			out_short_key(e ? s->key1 : s->key0, k);
			if (!ep->remote.addr.family) {
				fprintf(f, "  ep%d %s: <no handshake>\n", e, k);
				continue;
			}
			fmt_ms(t, sizeof(t), ep->idle_ms);
			fprintf(f, "  ep%d %s: %s", e, k,
				pr_endpoint_fmt(&ep->remote, a, sizeof(a)));
			if (ep->local.family)
				fprintf(f, " via %s",
					pr_addr_fmt(&ep->local, b, sizeof(b)));
			fprintf(f, ", rx %" PRIu64 " packets %" PRIu64
				" bytes, idle %s\n", ep->rx_packets,
				ep->rx_bytes, t);
		}
	}
}

static void show_json(FILE *f, const struct overview *o)
{
	struct pr_json j;
	size_t i;

	pr_json_init(&j, f);
	pr_json_obj_begin(&j);
	pr_json_key(&j, "config");
	out_config_json(&j, &o->cfg);
	pr_json_key(&j, "stats");
	out_stats_json(&j, &o->st);
	pr_json_key(&j, "sockets");
	pr_json_arr_begin(&j);
	for (i = 0; i < o->n_socks; i++)
		out_sock_json(&j, &o->socks[i]);
	pr_json_arr_end(&j);
	pr_json_key(&j, "sessions");
	pr_json_arr_begin(&j);
	for (i = 0; i < o->n_sessions; i++)
		out_session_json(&j, &o->sessions[i]);
	pr_json_arr_end(&j);
	pr_json_obj_end(&j);
}

int cmd_show(struct ctl *c, int argc, char **argv)
{
	struct overview o;
	int err, rc = EXIT_OK;

	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	memset(&o, 0, sizeof(o));
	if (ctl_nl(c))
		return EXIT_ERR;
	err = pr_config_get(&c->nl, &o.cfg);
	if (!err)
		err = pr_stats_get(&c->nl, &o.st);
	if (!err)
		err = pr_sock_dump(&c->nl, add_sock, &o);
	if (err >= 0)
		err = pr_session_dump(&c->nl, add_session, &o);
	if (err < 0) {
		rc = ctl_kernel_error(c, err);
		goto out;
	}
	if (c->json)
		show_json(c->out, &o);
	else
		show_human(c->out, &o);
out:
	free(o.socks);
	free(o.sessions);
	return rc;
}
