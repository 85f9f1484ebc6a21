// SPDX-License-Identifier: GPL-2.0-only
/* relayctl show: a `wg show`-like overview. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"

#include "relayctl.h"

const char show_help[] =
	"Prints the configuration, the counters, every attached socket and\n"
	"every session (with the short disco keys d:XXXXXXXXXXXXXXXX as in\n"
	"'tailscale debug peer-relay-sessions'): a path line\n"
	"'ADDR(d:KEY0) <-> ADDR(d:KEY1)', '<no handshake>' for a side that is\n"
	"not bound yet, then per endpoint its packets, bytes and idle time.\n"
	"\n"
	"  vni N           only the session with this VNI\n"
	"  key HEX         only sessions with a key starting with HEX (1 to 64\n"
	"                  hex digits, an optional 'd:' prefix is ignored)\n"
	"  --sort vni      by VNI (default)\n"
	"  --sort idle     most recently active first (the idler side counts;\n"
	"                  unbound sessions last)\n"
	"  --sort bytes    most forwarded bytes (both directions) first\n"
	"\n"
	"With -j: {config, stats, sockets: [...], sessions: [...]} using the\n"
	"objects of 'config get', 'stats', 'socket list' and 'session list';\n"
	"'sessions' is filtered and sorted like the human output.\n"
	"Exit status 1 if a vni/key filter matched no session.\n";

/* Everything collected before printing, so JSON output stays whole. */
struct overview {
	struct prl_config cfg;
	struct prl_stats st;
	struct prl_sock_info *socks;
	size_t n_socks, cap_socks;
	struct prl_session *sessions;
	size_t n_sessions, cap_sessions;
};

/* Append @item (@size bytes) to the array *@arr of *@n, growing it. */
static int append(void **arr, size_t *n, size_t *cap, const void *item,
		  size_t size)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, ncap * size);

		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

static int add_sock(const struct prl_sock_info *s, void *arg)
{
	struct overview *o = arg;

	return append((void **)&o->socks, &o->n_socks, &o->cap_socks, s,
		      sizeof(*s));
}

static int add_session(const struct prl_session *s, void *arg)
{
	struct overview *o = arg;

	return append((void **)&o->sessions, &o->n_sessions,
		      &o->cap_sessions, s, sizeof(*s));
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
	char a[PRL_ENDPOINT_STRLEN], b[PRL_ADDR_STRLEN], k[20], t[32];
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
	if (o->cfg.mask & PRL_CFG_SERVER_KEY)
		fprintf(f, "  server key: %s\n",
			out_short_key(o->cfg.server_key, k));
	if (o->cfg.n_static_eps) {
		fprintf(f, "  static endpoints:");
		for (i = 0; i < o->cfg.n_static_eps; i++)
			fprintf(f, " %s", prl_endpoint_fmt(&o->cfg.static_eps[i],
							  a, sizeof(a)));
		fputc('\n', f);
	}
	fprintf(f, "  forwarded: %" PRIu64 " packets, %" PRIu64
		" bytes; dropped: %" PRIu64 "; passed to userspace: %" PRIu64
		"\n", pk, by, drops, passes);

	for (i = 0; i < o->n_socks; i++)
		fprintf(f, "\nsocket %" PRIu32 ": %s %s\n  rx packets: %" PRIu64
			"\n", o->socks[i].id, prl_family_name(o->socks[i].family),
			prl_endpoint_fmt(&o->socks[i].local, a, sizeof(a)),
			o->socks[i].rx_packets);

	for (i = 0; i < o->n_sessions; i++) {
		const struct prl_session *s = &o->sessions[i];

		fmt_ms(t, sizeof(t), s->age_ms);
		fprintf(f, "\nsession vni %" PRIu32 ": %s\n  lamport: %" PRIu64
			", age: %s\n", s->vni, prl_state_name(s->state),
			s->lamport, t);
		fprintf(f, "  path: ");
		for (e = 0; e < 2; e++) {
			if (s->ep[e].remote.addr.family)
				prl_endpoint_fmt(&s->ep[e].remote, a, sizeof(a));
			else
				snprintf(a, sizeof(a), "<no handshake>");
			fprintf(f, "%s(%s)%s", a,
				out_short_key(e ? s->key1 : s->key0, k),
				e ? "\n" : " <-> ");
		}
		for (e = 0; e < 2; e++) {
			const struct prl_ep_info *ep = &s->ep[e];

			out_short_key(e ? s->key1 : s->key0, k);
			if (!ep->remote.addr.family) {
				fprintf(f, "  ep%d %s: <no handshake>\n", e, k);
				continue;
			}
			fmt_ms(t, sizeof(t), ep->idle_ms);
			fprintf(f, "  ep%d %s: %s", e, k,
				prl_endpoint_fmt(&ep->remote, a, sizeof(a)));
			if (ep->local.family)
				fprintf(f, " via %s",
					prl_addr_fmt(&ep->local, b, sizeof(b)));
			fprintf(f, ", rx %" PRIu64 " packets %" PRIu64
				" bytes, idle %s\n", ep->rx_packets,
				ep->rx_bytes, t);
		}
	}
}

static void show_json(FILE *f, const struct overview *o)
{
	struct prl_json j;
	size_t i;

	prl_json_init(&j, f);
	prl_json_obj_begin(&j);
	prl_json_key(&j, "config");
	out_config_json(&j, &o->cfg);
	prl_json_key(&j, "stats");
	out_stats_json(&j, &o->st);
	prl_json_key(&j, "sockets");
	prl_json_arr_begin(&j);
	for (i = 0; i < o->n_socks; i++)
		out_sock_json(&j, &o->socks[i]);
	prl_json_arr_end(&j);
	prl_json_key(&j, "sessions");
	prl_json_arr_begin(&j);
	for (i = 0; i < o->n_sessions; i++)
		out_session_json(&j, &o->sessions[i]);
	prl_json_arr_end(&j);
	prl_json_obj_end(&j);
}

enum show_sort { SORT_VNI, SORT_IDLE, SORT_BYTES };
static const char *const sort_names[] = {
	[SORT_VNI] = "vni", [SORT_IDLE] = "idle", [SORT_BYTES] = "bytes",
};

/* What the user asked for: a filter and an order. */
struct show_args {
	bool by_vni;
	uint32_t vni;
	size_t key_len;			/* hex digits in key_hex, 0: none */
	char key_hex[2 * PEER_RELAY_KEY_LEN + 1];
	enum show_sort sort;
};

static bool key_matches(const uint8_t *key, const struct show_args *a)
{
	char hex[PRL_KEY_HEXLEN];

	prl_key_fmt(key, hex);
	return !strncasecmp(hex, a->key_hex, a->key_len);
}

static bool session_matches(const struct prl_session *s,
			    const struct show_args *a)
{
	if (a->by_vni && s->vni != a->vni)
		return false;
	if (a->key_len && !key_matches(s->key0, a) &&
	    !key_matches(s->key1, a))
		return false;
	return true;
}

/* Idle time that decides the order: the idler side; unbound = last. */
static uint64_t sort_idle(const struct prl_session *s)
{
	uint64_t m = 0;
	int e;

	for (e = 0; e < 2; e++) {
		if (!s->ep[e].remote.addr.family)
			return UINT64_MAX;
		if (s->ep[e].idle_ms > m)
			m = s->ep[e].idle_ms;
	}
	return m;
}

static int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}

static int cmp_vni(const void *x, const void *y)
{
	const struct prl_session *a = x, *b = y;

	return cmp_u64(a->vni, b->vni);
}

static int cmp_idle(const void *x, const void *y)
{
	const struct prl_session *a = x, *b = y;

	return cmp_u64(sort_idle(a), sort_idle(b)) ?: cmp_vni(x, y);
}

static int cmp_bytes(const void *x, const void *y)
{
	const struct prl_session *a = x, *b = y;

	return cmp_u64(b->ep[0].rx_bytes + b->ep[1].rx_bytes,
		       a->ep[0].rx_bytes + a->ep[1].rx_bytes) ?: cmp_vni(x, y);
}

static int parse_show_args(struct ctl *c, int argc, char **argv,
			   struct show_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "vni")) {
			if (!v)
				return ctl_usage_error(c, "vni needs a number");
			if (prl_parse_u32(v, PEER_RELAY_VNI_MIN,
					 PEER_RELAY_VNI_MAX, &a->vni))
				return ctl_usage_error(c, "invalid VNI '%s'", v);
			a->by_vni = true;
			i++;
		} else if (!strcmp(argv[i], "key")) {
			size_t n, k;

			if (!v)
				return ctl_usage_error(c, "key needs hex digits");
			if (!strncmp(v, "d:", 2))
				v += 2;
			else if (!strncmp(v, "discokey:", 9))
				v += 9;
			n = strlen(v);
			for (k = 0; k < n; k++)
				if (!isxdigit((unsigned char)v[k]))
					break;
			if (!n || k < n || n > 2 * PEER_RELAY_KEY_LEN)
				return ctl_usage_error(c, "invalid key '%s': expected 1 to %d hex digits",
						       argv[i + 1],
						       2 * PEER_RELAY_KEY_LEN);
			memcpy(a->key_hex, v, n + 1);
			a->key_len = n;
			i++;
		} else if (!strcmp(argv[i], "--sort") ||
			   !strcmp(argv[i], "sort")) {
			if (!v)
				return ctl_usage_error(c, "--sort needs vni, idle or bytes");
			int sort = PRL_PARSE_KEYWORD(v, sort_names);

			if (sort < 0)
				return ctl_usage_error(c, "invalid sort '%s': expected vni, idle or bytes",
						       v);
			a->sort = sort;
			i++;
		} else {
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[i]);
		}
	}
	return 0;
}

int cmd_show(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	static int (*const cmps[])(const void *, const void *) = {
		[SORT_VNI] = cmp_vni,
		[SORT_IDLE] = cmp_idle,
		[SORT_BYTES] = cmp_bytes,
	};
	struct show_args args;
	struct overview o;
	size_t i, n;
	int err, rc = EXIT_OK;

	rc = parse_show_args(c, argc, argv, &args);
	if (rc)
		return rc;
	memset(&o, 0, sizeof(o));
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_config_get(&c->nl, &o.cfg);
	if (!err)
		err = prl_stats_get(&c->nl, &o.st);
	if (!err)
		err = prl_sock_dump(&c->nl, add_sock, &o);
	if (err >= 0)
		err = prl_session_dump(&c->nl, add_session, &o);
	if (err < 0) {
		rc = ctl_kernel_error(c, err);
		goto out;
	}
	for (i = n = 0; i < o.n_sessions; i++)
		if (session_matches(&o.sessions[i], &args))
			o.sessions[n++] = o.sessions[i];
	o.n_sessions = n;
	if (n > 1)
		qsort(o.sessions, n, sizeof(*o.sessions), cmps[args.sort]);
	if (c->cli.json)
		show_json(c->out, &o);
	else
		show_human(c->out, &o);
	if (!n && (args.by_vni || args.key_len))
		rc = ctl_error(c, "no session matches");
out:
	free(o.socks);
	free(o.sessions);
	return rc;
}
