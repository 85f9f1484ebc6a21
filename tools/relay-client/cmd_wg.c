// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client wg: run the WireGuard bridge (tools/lib/wgbridge.h) for one
 * WireGuard peer. Settings come from a small settings file next to
 * wg0.conf (-c FILE) and/or flags; flags win. Both go through one option
 * table (tools/lib/cli.h), so a value means the same in either place.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "relay-client.h"
#include "signals.h"
#include "wgbridge.h"

static const char wg_usage[] =
	"Usage: relay-client [-j] wg [-c FILE] --key FILE --peer KEY\n"
	"                    (--allocate --relay ADDR:PORT --server-key KEY |\n"
	"                     --endpoint-json FILE [--relay ADDR:PORT])\n"
	"                    [--listen ADDR:PORT] [--wg-port PORT | --wg ADDR:PORT]\n"
	"                    [--local ADDR[:PORT]] [--probe-interval MS]\n"
	"                    [--dead-after MS] [--batch N] [--[no-]gso] [--[no-]gro]\n"
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
	"      --gso, --gro       use it (the default; wins over GSO/GRO = no)\n"
	"  -q, --quiet            only warnings\n"
	"\n"
	"Config file keys (case-insensitive, '#' comments, an optional [Relay]\n"
	"section header): Key, Peer, Relay, ServerKey, Allocate (yes/no),\n"
	"EndpointFile, ListenAddress, WireGuardPort, WireGuardAddress,\n"
	"LocalAddress, ProbeInterval, DeadAfter, Batch, GSO, GRO (yes/no).\n"
	"Values are those of the flags; yes/no may also be true/false, on/off\n"
	"or 1/0. Flags win over the file.\n"
	"\n"
	"Events go to standard output (one JSON object per line with -j);\n"
	"SIGUSR1 prints the counters, SIGHUP re-binds now, SIGINT/SIGTERM print\n"
	"the counters and exit 0.\n"
	"Exit: 0 stopped by a signal, 1 error, 2 usage.\n";

struct wg_opts {
	struct prl_wgb_config cfg;
	const char *key_file, *config;
	char *conf_text;	/* the settings file; its strings point here */
	bool have_peer, have_server_key, have_wg_port, quiet;
	uint32_t wg_port;
	struct rcli *r;
};

#define ROW(...)	PRL_OPT_ROW(struct wg_opts, __VA_ARGS__)
#define SEEN(f)		PRL_OPT_SEEN(struct wg_opts, f)
#define RANGE(lo, hi)	.min = (lo), .max = (hi)
#define MS		RANGE(100, 3600000)

/* PRL_OPT_U32 fills the unsigned int fields of prl_wgb_config */
_Static_assert(sizeof(unsigned int) == sizeof(uint32_t), "u32 fields");

/* Every setting: its flag and (but for -c, -q, --no-*) its file key. */
static const struct prl_cli_opt wg_table[] = {
	{ ROW("config", 'c', PRL_OPT_STR, config) },
	{ ROW("key", 'k', PRL_OPT_STR, key_file), .conf = "Key" },
	{ ROW("peer", 'p', PRL_OPT_KEY, cfg.peer), .conf = "Peer",
	  .seen = SEEN(have_peer), .what = "peer key" },
	{ ROW("relay", 'r', PRL_OPT_ENDPOINT, cfg.relay), .conf = "Relay",
	  .what = "relay address" },
	{ ROW("server-key", 's', PRL_OPT_KEY, cfg.server_key),
	  .conf = "ServerKey", .seen = SEEN(have_server_key),
	  .what = "server key" },
	{ ROW("allocate", 0, PRL_OPT_FLAG, cfg.allocate), .conf = "Allocate" },
	{ ROW("endpoint-json", 0, PRL_OPT_STR, cfg.endpoint_file),
	  .conf = "EndpointFile" },
	{ ROW("listen", 'l', PRL_OPT_ENDPOINT, cfg.listen),
	  .conf = "ListenAddress", .what = "listen address" },
	{ ROW("wg-port", 0, PRL_OPT_U32, wg_port), .conf = "WireGuardPort",
	  .seen = SEEN(have_wg_port), .what = "WireGuard port",
	  RANGE(1, 65535) },
	{ ROW("wg", 0, PRL_OPT_ENDPOINT, cfg.wg), .conf = "WireGuardAddress",
	  .what = "WireGuard address" },
	{ ROW("local", 0, PRL_OPT_LOCAL, cfg.relay_local),
	  .conf = "LocalAddress", .what = "local address" },
	{ ROW("probe-interval", 0, PRL_OPT_U32, cfg.probe_ms),
	  .conf = "ProbeInterval", .what = "probe interval", MS },
	{ ROW("dead-after", 0, PRL_OPT_U32, cfg.dead_ms), .conf = "DeadAfter",
	  .what = "dead-after time", MS },
	{ ROW("batch", 0, PRL_OPT_U32, cfg.batch), .conf = "Batch",
	  .what = "batch", RANGE(1, 64) },
	{ ROW("gso", 0, PRL_OPT_FLAG, cfg.gso), .conf = "GSO" },
	{ ROW("gro", 0, PRL_OPT_FLAG, cfg.gro), .conf = "GRO" },
	{ ROW("no-gso", 0, PRL_OPT_CLEAR, cfg.gso) },
	{ ROW("no-gro", 0, PRL_OPT_CLEAR, cfg.gro) },
	{ ROW("quiet", 'q', PRL_OPT_FLAG, quiet) },
	{ 0 },
};

/*
 * The settings file, then the flags, so that flags win. A first pass
 * over the flags, into a scratch copy, finds -c wherever it is (and
 * answers --help, reports a bad flag before the file is read).
 * Returns -1 after --help, else 0 or an exit code.
 */
static int parse_args(struct wg_opts *o, int argc, char **argv)
{
	struct prl_cli *cli = &o->r->cli;
	struct wg_opts scan = *o;
	int first, rc;

	first = prl_cli_getopt(cli, wg_table, &scan, wg_usage, argc, argv);
	if (first <= 0)
		return first ? -first : -1;
	if (first < argc)
		return rcli_usage_error(o->r, "unexpected argument '%s'",
					argv[first]);
	if (scan.config) {
		rc = prl_cli_settings(cli, wg_table, o, scan.config, "Relay",
				      &o->conf_text);
		if (rc)
			return rc;
	}
	first = prl_cli_getopt(cli, wg_table, o, wg_usage, argc, argv);
	return first < 0 ? -first : 0;
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
		uint16_t port = htons((uint16_t)o->wg_port);

		if (c->wg.ss_family == AF_INET)
			((struct sockaddr_in *)&c->wg)->sin_port = port;
		else
			((struct sockaddr_in6 *)&c->wg)->sin6_port = port;
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
	free(o->conf_text);
	prl_free_secret(o, sizeof(*o));
	return rc < 0 ? EXIT_OK : rc;
}
