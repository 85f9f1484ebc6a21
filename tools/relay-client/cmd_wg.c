// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client wg: run the WireGuard bridge (tools/lib/wgbridge.h) for one
 * WireGuard peer. Settings come from a small config file next to wg0.conf
 * (-c FILE) and/or flags; flags win. Both go through one table, so every
 * setting has a flag and a config key.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "keyfile.h"
#include "num.h"
#include "relay-client.h"
#include "signals.h"
#include "wgbridge.h"

static const char wg_usage[] =
	"Usage: relay-client [-j] wg [-c FILE] --key FILE --peer KEY\n"
	"                    (--allocate --relay ADDR:PORT --server-key KEY |\n"
	"                     --endpoint-json FILE [--relay ADDR:PORT])\n"
	"                    [--listen ADDR:PORT] [--wg-port PORT | --wg ADDR:PORT]\n"
	"                    [--local ADDR[:PORT]] [--probe-interval MS]\n"
	"                    [--dead-after MS] [--batch N] [--no-gso] [--no-gro]\n"
	"\n"
	"Carry one WireGuard peer's traffic through a peer relay. Point the\n"
	"peer's Endpoint in wg0.conf at --listen (default 127.0.0.1:51821); the\n"
	"bridge adds the relay's Geneve header (0x7A12, the session's VNI) to\n"
	"what WireGuard sends there and strips it from what the relay forwards.\n"
	"The session for the pair {--key's public key, --peer} comes from\n"
	"in-band allocation (--allocate; both peers may allocate) or an endpoint\n"
	"description (--endpoint-json, as printed by 'relayctl -j session add').\n"
	"The bridge runs Bind -> Challenge -> Answer, confirms the path with\n"
	"disco Pings to the peer's bridge through the relay, and re-binds by\n"
	"itself when the local address changes or Pongs stop coming back.\n"
	"\n"
	"  -c, --config FILE      settings file (Key = Value lines, see below)\n"
	"  -k, --key FILE         own disco private key (created 0600 if missing)\n"
	"  -p, --peer KEY         the other WireGuard peer's disco public key\n"
	"  -r, --relay ADDR:PORT  the relay (with --endpoint-json: which of its\n"
	"                         addresses to use; default the first one)\n"
	"  -s, --server-key KEY   the relay's disco public key (--allocate)\n"
	"      --allocate         allocate the session in-band (key must be granted)\n"
	"      --endpoint-json F  read the session from F (re-read when it is gone)\n"
	"  -l, --listen ADDR:PORT where WireGuard sends to (its peer Endpoint)\n"
	"      --wg-port PORT     WireGuard's ListenPort on the listen address\n"
	"      --wg ADDR:PORT     WireGuard's socket (default: learned from what\n"
	"                         arrives on --listen)\n"
	"      --local ADDR[:PORT] local address of the socket towards the relay\n"
	"      --probe-interval MS Ping through the relay this often (5000)\n"
	"      --dead-after MS    re-bind when no Pong came back this long (15000)\n"
	"      --batch N          datagrams per system call, 1..64 (64)\n"
	"      --no-gso, --no-gro no UDP segmentation offload on send / receive\n"
	"  -q, --quiet            only warnings\n"
	"\n"
	"Config file keys (case-insensitive, '#' comments, an optional [Relay]\n"
	"section header): Key, Peer, Relay, ServerKey, Allocate (yes/no),\n"
	"EndpointFile, ListenAddress, WireGuardPort, WireGuardAddress,\n"
	"LocalAddress, ProbeInterval, DeadAfter, Batch, GSO, GRO (yes/no).\n"
	"\n"
	"Events go to standard output (one JSON object per line with -j);\n"
	"SIGUSR1 prints the counters, SIGHUP re-binds now, SIGINT/SIGTERM print\n"
	"the counters and exit 0.\n"
	"Exit: 0 stopped by a signal, 1 error, 2 usage.\n";

enum {
	W_CONFIG = 'c', W_KEY = 'k', W_PEER = 'p', W_RELAY = 'r',
	W_SERVER_KEY = 's', W_LISTEN = 'l', W_QUIET = 'q', W_JSON = 'j',
	W_HELP = 'h',
	W_ALLOCATE = 256, W_EP_JSON, W_WG_PORT, W_WG, W_LOCAL, W_PROBE,
	W_DEAD, W_BATCH, W_GSO, W_GRO, W_NO_GSO, W_NO_GRO,
};

/* One setting: its flag, its config file key (NULL: flag only). */
static const struct wg_setting {
	const char *flag;
	const char *conf;
	int has_arg;
	int id;
} settings[] = {
	{ "config",		NULL,			required_argument, W_CONFIG },
	{ "key",		"Key",			required_argument, W_KEY },
	{ "peer",		"Peer",			required_argument, W_PEER },
	{ "relay",		"Relay",		required_argument, W_RELAY },
	{ "server-key",		"ServerKey",		required_argument, W_SERVER_KEY },
	{ "allocate",		"Allocate",		no_argument,	   W_ALLOCATE },
	{ "endpoint-json",	"EndpointFile",		required_argument, W_EP_JSON },
	{ "listen",		"ListenAddress",	required_argument, W_LISTEN },
	{ "wg-port",		"WireGuardPort",	required_argument, W_WG_PORT },
	{ "wg",			"WireGuardAddress",	required_argument, W_WG },
	{ "local",		"LocalAddress",		required_argument, W_LOCAL },
	{ "probe-interval",	"ProbeInterval",	required_argument, W_PROBE },
	{ "dead-after",		"DeadAfter",		required_argument, W_DEAD },
	{ "batch",		"Batch",		required_argument, W_BATCH },
	{ NULL,			"GSO",			required_argument, W_GSO },
	{ NULL,			"GRO",			required_argument, W_GRO },
	{ "no-gso",		NULL,			no_argument,	   W_NO_GSO },
	{ "no-gro",		NULL,			no_argument,	   W_NO_GRO },
	{ "quiet",		NULL,			no_argument,	   W_QUIET },
	{ "json",		NULL,			no_argument,	   W_JSON },
	{ "help",		NULL,			no_argument,	   W_HELP },
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

struct wg_opts {
	struct prl_wgb_config cfg;
	const char *key_file, *config;
	char key_buf[4096], ep_buf[4096];	/* paths from the config file */
	bool have_peer, have_server_key, have_wg_port, quiet;
	uint16_t wg_port;
	bool json;
	struct rcli *r;
	const char *where;	/* "FILE:LINE: " or "" for error messages */
};

static int bad(struct wg_opts *o, const char *what, const char *v,
	       const char *expect)
{
	if (o->where[0])
		return rcli_error(o->r, "%sinvalid %s '%s': expected %s",
				  o->where, what, v, expect);
	return rcli_usage_error(o->r, "invalid %s '%s': expected %s", what, v,
				expect);
}

static int parse_sa(struct wg_opts *o, const char *what, const char *v,
		    bool port_optional, struct sockaddr_storage *ss)
{
	struct prl_endpoint ep;
	socklen_t len;

	if (!prl_endpoint_parse(v, &ep) &&
	    !prl_endpoint_to_sockaddr(&ep, ss, &len))
		return 0;
	if (port_optional && !prl_addr_parse(v, &ep.addr)) {
		ep.port = 0;
		if (!prl_endpoint_to_sockaddr(&ep, ss, &len))
			return 0;
	}
	return bad(o, what, v, port_optional ? "ADDR[:PORT]" : "ADDR:PORT");
}

static int parse_bool(struct wg_opts *o, const char *what, const char *v,
		      bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1") || !strcasecmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcmp(v, "0") || !strcasecmp(v, "off")) {
		*out = false;
		return 0;
	}
	return bad(o, what, v, "yes or no");
}

static int parse_ms(struct wg_opts *o, const char *what, const char *v,
		    unsigned int *out)
{
	uint32_t x;

	if (prl_parse_u32(v, 100, 3600000, &x))
		return bad(o, what, v, "milliseconds, 100..3600000");
	*out = x;
	return 0;
}

/* Apply one setting (@v is NULL for flags without an argument). */
static int apply(struct wg_opts *o, int id, const char *v)
{
	struct prl_wgb_config *c = &o->cfg;
	uint32_t x;

	switch (id) {
	case W_KEY:
		o->key_file = v;
		return 0;
	case W_PEER:
		if (prl_key_from_hex(v, c->peer))
			return bad(o, "peer key", v, "64 hex digits");
		o->have_peer = true;
		return 0;
	case W_SERVER_KEY:
		if (prl_key_from_hex(v, c->server_key))
			return bad(o, "server key", v, "64 hex digits");
		o->have_server_key = true;
		return 0;
	case W_RELAY:
		return parse_sa(o, "relay address", v, false, &c->relay);
	case W_ALLOCATE:
		if (!v) {
			c->allocate = true;
			return 0;
		}
		return parse_bool(o, "Allocate", v, &c->allocate);
	case W_EP_JSON:
		c->endpoint_file = v;
		return 0;
	case W_LISTEN:
		return parse_sa(o, "listen address", v, false, &c->listen);
	case W_WG_PORT:
		if (prl_parse_u32(v, 1, 65535, &x))
			return bad(o, "WireGuard port", v, "1..65535");
		o->wg_port = (uint16_t)x;
		o->have_wg_port = true;
		return 0;
	case W_WG:
		return parse_sa(o, "WireGuard address", v, false, &c->wg);
	case W_LOCAL:
		return parse_sa(o, "local address", v, true, &c->relay_local);
	case W_PROBE:
		return parse_ms(o, "probe interval", v, &c->probe_ms);
	case W_DEAD:
		return parse_ms(o, "dead-after time", v, &c->dead_ms);
	case W_BATCH:
		if (prl_parse_u32(v, 1, 64, &x))
			return bad(o, "batch", v, "1..64");
		c->batch = x;
		return 0;
	case W_GSO:
		return parse_bool(o, "GSO", v, &c->gso);
	case W_GRO:
		return parse_bool(o, "GRO", v, &c->gro);
	case W_NO_GSO:
		c->gso = false;
		return 0;
	case W_NO_GRO:
		c->gro = false;
		return 0;
	case W_QUIET:
		o->quiet = true;
		return 0;
	}
	return rcli_error(o->r, "internal: setting %d", id);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * The config file: "Key = Value" lines, '#' comments, an optional
 * "[Relay]" header. Unknown keys and sections are errors (a typo must not
 * silently change behaviour). Path values are copied: the line buffer
 * goes away.
 */
static int read_config(struct wg_opts *o, const char *path)
{
	char line[4096], where[512];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return rcli_error(o->r, "%s: %s", path, strerror(errno));
	while (!rc && fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val, *hash;
		size_t i;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u: ", path, lineno);
		o->where = where;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			if (strcasecmp(s, "[Relay]"))
				rc = rcli_error(o->r, "%sunknown section %s (only [Relay])",
						where, s);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			rc = rcli_error(o->r, "%sexpected 'Key = Value'", where);
			continue;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		for (i = 0; i < N_SETTINGS; i++)
			if (settings[i].conf && !strcasecmp(settings[i].conf, key))
				break;
		if (i == N_SETTINGS) {
			rc = rcli_error(o->r, "%sunknown key '%s'", where, key);
			continue;
		}
		if (!*val) {
			rc = rcli_error(o->r, "%s%s has no value", where, key);
			continue;
		}
		if (settings[i].id == W_KEY || settings[i].id == W_EP_JSON) {
			char *buf = settings[i].id == W_KEY ? o->key_buf : o->ep_buf;

			snprintf(buf, sizeof(o->key_buf), "%s", val);
			val = buf;
		}
		rc = apply(o, settings[i].id, val);
	}
	fclose(f);
	o->where = "";
	return rc;
}

static int parse_args(struct wg_opts *o, int argc, char **argv)
{
	struct option lo[N_SETTINGS + 1];
	size_t i, n = 0;
	int c, rc;

	memset(lo, 0, sizeof(lo));
	for (i = 0; i < N_SETTINGS; i++) {
		if (!settings[i].flag)
			continue;
		lo[n].name = settings[i].flag;
		lo[n].has_arg = settings[i].has_arg;
		lo[n].val = settings[i].id;
		n++;
	}
	/* the config file first, so that flags win wherever they are */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:k:p:r:s:l:qjh", lo, NULL)) != -1) {
		if (c == W_HELP) {
			fputs(wg_usage, stdout);
			return -1;
		}
		if (c == ':')
			return rcli_usage_error(o->r, "option '%s' needs an argument",
						argv[optind - 1]);
		if (c == '?')
			return rcli_usage_error(o->r, "unknown option '%s'",
						argv[optind - 1]);
		if (c == W_CONFIG)
			o->config = optarg;
	}
	if (optind < argc)
		return rcli_usage_error(o->r, "unexpected argument '%s'",
					argv[optind]);
	if (o->config) {
		rc = read_config(o, o->config);
		if (rc)
			return rc;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:k:p:r:s:l:qjh", lo, NULL)) != -1) {
		if (c == W_CONFIG)
			continue;
		if (c == W_JSON) {
			o->r->cli.json = true;
			continue;
		}
		rc = apply(o, c, optarg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Everything a run needs, with one clear message for what is missing. */
static int check(struct wg_opts *o)
{
	struct prl_wgb_config *c = &o->cfg;

	if (!o->key_file)
		return rcli_usage_error(o->r, "no disco key: --key FILE (Key = FILE); it is created if missing");
	if (!o->have_peer)
		return rcli_usage_error(o->r, "no peer: --peer KEY (Peer = KEY), the other side's disco public key");
	if (c->allocate && c->endpoint_file)
		return rcli_usage_error(o->r, "--allocate and --endpoint-json exclude each other");
	if (!c->allocate && !c->endpoint_file)
		return rcli_usage_error(o->r, "no session: --allocate (with --relay and --server-key) or --endpoint-json FILE");
	if (c->allocate && (!c->relay.ss_family || !o->have_server_key))
		return rcli_usage_error(o->r, "--allocate needs --relay ADDR:PORT and --server-key KEY");
	if (!c->allocate && o->have_server_key)
		return rcli_usage_error(o->r, "--endpoint-json gives the server key: no --server-key");
	if (c->relay.ss_family && c->relay_local.ss_family &&
	    c->relay.ss_family != c->relay_local.ss_family)
		return rcli_usage_error(o->r, "--local and --relay must be of the same address family");
	if (o->have_wg_port && c->wg.ss_family)
		return rcli_usage_error(o->r, "--wg-port and --wg exclude each other");
	if (c->dead_ms < c->probe_ms)
		return rcli_usage_error(o->r, "--dead-after (%u ms) must not be shorter than --probe-interval (%u ms)",
					c->dead_ms, c->probe_ms);
	if (o->have_wg_port) {
		c->wg = c->listen;
		if (c->wg.ss_family == AF_INET)
			((struct sockaddr_in *)&c->wg)->sin_port = htons(o->wg_port);
		else
			((struct sockaddr_in6 *)&c->wg)->sin6_port = htons(o->wg_port);
	}
	if (c->wg.ss_family && c->wg.ss_family != c->listen.ss_family)
		return rcli_usage_error(o->r, "--wg and --listen must be of the same address family");
	return 0;
}

static int load_key(struct wg_opts *o)
{
	char hex[PRL_KEY_HEX_LEN + 1];
	uint8_t pub[PRL_KEY_LEN];
	bool created = false;
	int ret;

	ret = prl_key_load_or_create(o->key_file, o->cfg.priv, &created);
	if (ret < 0)
		return rcli_error(o->r, "%s: %s", o->key_file, errno == EINVAL ?
				  "bad key file (expected 64 hex digits or 32 raw bytes)" :
				  strerror(errno));
	if (ret == 1)
		fprintf(stderr, "relay-client: wg: warning: %s is accessible by group or others\n",
			o->key_file);
	if (prl_key_public(o->cfg.priv, pub))
		return rcli_error(o->r, "%s: bad key", o->key_file);
	if (created && !o->quiet && !o->r->cli.json)
		printf("created disco key %s\n", o->key_file);
	if (!o->quiet && !o->r->cli.json)
		printf("disco public key %s\n", prl_key_to_hex(pub, hex));
	else if (o->r->cli.json) {
		prl_json_obj_begin(&o->r->j);
		prl_json_kv_str(&o->r->j, "event", "key");
		prl_json_kv_str(&o->r->j, "public_key", prl_key_to_hex(pub, hex));
		prl_json_kv_bool(&o->r->j, "created", created);
		prl_json_obj_end(&o->r->j);
	}
	fflush(stdout);
	return 0;
}

/* ---- running ---- */

struct wg_run {
	struct wg_opts *o;
	struct prl_wgb *b;
	int sfd;
};

static const char *fmt_ss(const struct sockaddr_storage *ss, char *buf)
{
	if (!ss->ss_family)
		return NULL;
	return rcli_fmt_sa(ss, buf, RCLI_SA_STRLEN);
}

static void print_stats(struct wg_run *w, const char *event)
{
	char relay[RCLI_SA_STRLEN], wg[RCLI_SA_STRLEN], local[RCLI_SA_STRLEN];
	struct prl_wgb_stats s;
	struct rcli *r = w->o->r;
	const char *rs, *ws, *ls;

	prl_wgb_stats(w->b, &s);
	rs = fmt_ss(&s.relay, relay);
	ws = fmt_ss(&s.wg, wg);
	ls = fmt_ss(&s.local, local);
	if (ls) {	/* the local source has no port: drop ":0" */
		char *p = strrchr(local, ':');

		if (p && !strcmp(p, ":0"))
			*p = '\0';
		if (local[0] == '[') {
			memmove(local, local + 1, strlen(local));
			local[strlen(local) - 1] = '\0';
		}
	}
	if (r->cli.json) {
		struct prl_json *j = &r->j;

		prl_json_obj_begin(j);
		prl_json_kv_str(j, "event", event);
		prl_json_kv_str(j, "state", prl_wgb_state_name(s.state));
		prl_json_kv_u64(j, "vni", s.vni);
		prl_json_kv_u64(j, "generation", s.generation);
		prl_json_kv_str(j, "relay", rs);
		prl_json_kv_str(j, "local", ls);
		prl_json_kv_str(j, "wireguard", ws);
		prl_json_kv_u64(j, "rtt_us", s.rtt_us);
		prl_json_kv_u64(j, "to_relay_packets", s.to_relay_packets);
		prl_json_kv_u64(j, "to_relay_bytes", s.to_relay_bytes);
		prl_json_kv_u64(j, "to_wg_packets", s.to_wg_packets);
		prl_json_kv_u64(j, "to_wg_bytes", s.to_wg_bytes);
		prl_json_kv_u64(j, "pings", s.pings);
		prl_json_kv_u64(j, "pongs", s.pongs);
		prl_json_kv_u64(j, "pings_answered", s.pings_answered);
		prl_json_kv_u64(j, "allocations", s.allocations);
		prl_json_kv_u64(j, "binds", s.binds);
		prl_json_kv_u64(j, "rebinds", s.rebinds);
		prl_json_kv_u64(j, "drop_no_session", s.drop_no_session);
		prl_json_kv_u64(j, "drop_no_wg", s.drop_no_wg);
		prl_json_kv_u64(j, "drop_wg_source", s.drop_wg_source);
		prl_json_kv_u64(j, "drop_foreign", s.drop_foreign);
		prl_json_kv_u64(j, "drop_other", s.drop_other);
		prl_json_kv_u64(j, "drop_truncated", s.drop_truncated);
		prl_json_kv_u64(j, "send_errors", s.send_errors);
		prl_json_kv_u64(j, "gso_messages", s.gso_messages);
		prl_json_obj_end(j);
	} else {
		printf("%s: state %s vni %u generation %u relay %s local %s wireguard %s rtt %llu us\n",
		       event, prl_wgb_state_name(s.state), s.vni, s.generation,
		       rs ? rs : "none", ls ? ls : "none", ws ? ws : "none",
		       (unsigned long long)s.rtt_us);
		printf("  to relay %llu packets %llu bytes, to wireguard %llu packets %llu bytes, gso %llu\n",
		       (unsigned long long)s.to_relay_packets,
		       (unsigned long long)s.to_relay_bytes,
		       (unsigned long long)s.to_wg_packets,
		       (unsigned long long)s.to_wg_bytes,
		       (unsigned long long)s.gso_messages);
		printf("  pings %llu pongs %llu answered %llu, allocations %llu binds %llu rebinds %llu\n",
		       (unsigned long long)s.pings, (unsigned long long)s.pongs,
		       (unsigned long long)s.pings_answered,
		       (unsigned long long)s.allocations,
		       (unsigned long long)s.binds, (unsigned long long)s.rebinds);
		printf("  dropped: no session %llu, no wireguard %llu, wireguard source %llu, foreign %llu, other %llu, truncated %llu, send errors %llu\n",
		       (unsigned long long)s.drop_no_session,
		       (unsigned long long)s.drop_no_wg,
		       (unsigned long long)s.drop_wg_source,
		       (unsigned long long)s.drop_foreign,
		       (unsigned long long)s.drop_other,
		       (unsigned long long)s.drop_truncated,
		       (unsigned long long)s.send_errors);
	}
	fflush(stdout);
}

static void on_event(void *arg, const struct prl_wgb_event *ev)
{
	struct wg_run *w = arg;
	struct rcli *r = w->o->r;

	if (ev->kind == PRL_WGB_EV_WARN && !r->cli.json) {
		fprintf(stderr, "relay-client: wg: warning: %s\n", ev->msg);
		return;
	}
	if (w->o->quiet && ev->kind != PRL_WGB_EV_WARN)
		return;
	if (r->cli.json) {
		struct prl_json *j = &r->j;

		prl_json_obj_begin(j);
		prl_json_kv_str(j, "event", ev->name);
		prl_json_kv_str(j, "msg", ev->msg);
		if (ev->vni)
			prl_json_kv_u64(j, "vni", ev->vni);
		if (ev->kind == PRL_WGB_EV_BOUND)
			prl_json_kv_u64(j, "generation", ev->generation);
		if (ev->relay)
			prl_json_kv_str(j, "relay", ev->relay);
		if (ev->local)
			prl_json_kv_str(j, "local", ev->local);
		if (ev->wg)
			prl_json_kv_str(j, "wireguard", ev->wg);
		if (ev->kind == PRL_WGB_EV_UP)
			prl_json_kv_u64(j, "rtt_us", ev->rtt_us);
		prl_json_obj_end(j);
	} else {
		printf("%s\n", ev->msg);
	}
	fflush(stdout);
}

static int on_ctl(void *arg)
{
	struct wg_run *w = arg;
	struct signalfd_siginfo si;

	while (read(w->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			print_stats(w, "stats");
			continue;
		}
		if (si.ssi_signo == SIGHUP) {
			prl_wgb_rebind(w->b, "requested (SIGHUP)");
			continue;
		}
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM)
			return 1;
	}
	return 0;
}

int cmd_wg(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	struct wg_opts *o;
	struct wg_run w = { 0 };
	char err[512];
	sigset_t set;
	int rc;

	o = calloc(1, sizeof(*o));
	if (!o)
		return rcli_error(r, "out of memory");
	o->r = r;
	o->where = "";
	prl_wgb_config_default(&o->cfg);
	((struct sockaddr_in *)&o->cfg.listen)->sin_port = htons(51821);
	rc = parse_args(o, argc, argv) ?: check(o) ?: load_key(o);
	if (rc)
		goto out;

	prl_block_signals(&set);
	w.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w.sfd < 0) {
		rc = rcli_error(r, "signalfd: %s", strerror(errno));
		goto out;
	}
	w.o = o;
	o->cfg.ctl_fd = w.sfd;
	o->cfg.on_ctl = on_ctl;
	o->cfg.on_event = on_event;
	o->cfg.arg = &w;
	if (prl_wgb_new(&o->cfg, &w.b, err, sizeof(err))) {
		rc = rcli_error(r, "%s", err);
		goto out;
	}
	rc = prl_wgb_run(w.b);
	print_stats(&w, "stopped");
	if (rc)
		rc = rcli_error(r, "%s", strerror(-rc));
	prl_wgb_free(w.b);
out:
	if (w.sfd > 0)
		close(w.sfd);
	prl_free_secret(o, sizeof(*o));
	return rc < 0 ? EXIT_OK : rc;
}
