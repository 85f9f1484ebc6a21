// SPDX-License-Identifier: GPL-2.0-only
/* relayctl session add|bind|del|get|list|show|flush */
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "disco.h"
#include "relayctl.h"

/* ---- the endpoint description printed by `session add` ---- */

struct desc_socks {
	size_t n;
	struct prl_endpoint local[64];
};

static int desc_sock_cb(const struct prl_sock_info *si, void *arg)
{
	struct desc_socks *ds = arg;

	if (ds->n < sizeof(ds->local) / sizeof(ds->local[0]))
		ds->local[ds->n++] = si->local;
	return 0;
}

static bool addr_is_any(const struct prl_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(&a->u, zero, prl_addr_len(a));
}

static void add_endpoint(struct prl_disco_endpoint *ep,
			 const struct prl_endpoint *e)
{
	struct sockaddr_storage ss;
	struct prl_addrport ap;
	socklen_t len;

	if (!e->addr.family || addr_is_any(&e->addr) ||
	    prl_endpoint_to_sockaddr(e, &ss, &len) ||
	    prl_addrport_from_sockaddr(&ap, (struct sockaddr *)&ss))
		return;
	prl_disco_endpoint_add_addr(ep, &ap);
}

/* An address clients could use: not loopback, link-local or multicast. */
static bool usable_addr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);

		return (a >> 24) != 127 && (a >> 16) != 0xa9fe &&
		       (a >> 28) != 0xe && a != 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		return !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
		       !IN6_IS_ADDR_MULTICAST(a) &&
		       !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_V4MAPPED(a);
	}
	return false;
}

/*
 * The relay addresses clients should try, in advertising order: the static
 * endpoints of the kernel config, then every usable address of this
 * network namespace paired with the port of each attached socket of its
 * family (a socket bound to one address contributes only that address).
 */
static void describe_addrs(struct ctl *c, const struct prl_config *cfg,
			   struct prl_disco_endpoint *ep)
{
	struct desc_socks ds = { 0 };
	struct ifaddrs *ifa, *i;
	unsigned int k;
	size_t j;

	for (k = 0; k < cfg->n_static_eps; k++)
		add_endpoint(ep, &cfg->static_eps[k]);
	if (prl_sock_dump(&c->nl, desc_sock_cb, &ds) < 0 || !ds.n)
		return;
	for (j = 0; j < ds.n; j++)
		if (!addr_is_any(&ds.local[j].addr))
			add_endpoint(ep, &ds.local[j]);
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		struct prl_endpoint e;

		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK) || !usable_addr(i->ifa_addr))
			continue;
		if (prl_endpoint_from_sockaddr(i->ifa_addr,
					      i->ifa_addr->sa_family == AF_INET ?
					      sizeof(struct sockaddr_in) :
					      sizeof(struct sockaddr_in6), &e))
			continue;
		for (j = 0; j < ds.n; j++) {
			if (ds.local[j].addr.family != e.addr.family ||
			    !addr_is_any(&ds.local[j].addr))
				continue;
			e.port = ds.local[j].port;
			add_endpoint(ep, &e);
		}
	}
	freeifaddrs(ifa);
}

static void print_description(struct ctl *c, const struct prl_session *s,
			      const struct prl_config *cfg, bool have_key,
			      const struct prl_disco_endpoint *ep)
{
	char key[PRL_KEY_HEXLEN], buf[PRL_ENDPOINT_STRLEN];
	char bl[PRL_DURATION_STRLEN], sl[PRL_DURATION_STRLEN];
	int64_t bind_ns = (int64_t)cfg->bind_lifetime_ms * 1000000;
	int64_t idle_ns = (int64_t)cfg->idle_lifetime_ms * 1000000;
	FILE *f = c->out;
	size_t i;

	prl_duration_fmt(bind_ns, bl, sizeof(bl));
	prl_duration_fmt(idle_ns, sl, sizeof(sl));
	if (c->cli.json) {
		struct prl_json j;

		prl_json_init(&j, f);
		prl_json_obj_begin(&j);
		out_session_fields(&j, s);
		/* the endpoint description (ref §2.5, Tailscale's JSON names
		 * in snake case; durations also as Go strings) */
		if (have_key)
			prl_json_kv_str(&j, "server_key",
				       prl_key_fmt(cfg->server_key, key));
		else
			prl_json_kv_null(&j, "server_key");
		prl_json_key(&j, "client_keys");
		prl_json_arr_begin(&j);
		prl_json_str(&j, prl_key_fmt(s->key0, key));
		prl_json_str(&j, prl_key_fmt(s->key1, key));
		prl_json_arr_end(&j);
		prl_json_kv_str(&j, "bind_lifetime", bl);
		prl_json_kv_u64(&j, "bind_lifetime_ms", cfg->bind_lifetime_ms);
		prl_json_kv_str(&j, "steady_state_lifetime", sl);
		prl_json_kv_u64(&j, "steady_state_lifetime_ms",
			       cfg->idle_lifetime_ms);
		prl_json_key(&j, "addrs");
		prl_json_arr_begin(&j);
		for (i = 0; i < ep->n_addrports; i++)
			prl_json_str(&j, prl_addrport_format(&ep->addrports[i],
							   buf, sizeof(buf)));
		prl_json_arr_end(&j);
		prl_json_obj_end(&j);
		return;
	}
	ctl_print(c, NULL, &ctl_out_session, s);
	fprintf(f, "  server-key %s\n",
		have_key ? prl_key_fmt(cfg->server_key, key) : "none");
	fprintf(f, "  client-keys %s", prl_key_fmt(s->key0, key));
	fprintf(f, " %s\n", prl_key_fmt(s->key1, key));
	fprintf(f, "  bind-lifetime %s\n", bl);
	fprintf(f, "  steady-state-lifetime %s\n", sl);
	for (i = 0; i < ep->n_addrports; i++)
		fprintf(f, "  addr %s\n",
			prl_addrport_format(&ep->addrports[i], buf,
					   sizeof(buf)));
	if (!ep->n_addrports)
		fprintf(f, "  addr none\n");
}

static int session_add(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	static const uint8_t zero[PEER_RELAY_KEY_LEN];
	uint8_t ka[PEER_RELAY_KEY_LEN], kb[PEER_RELAY_KEY_LEN];
	struct prl_endpoint at[2];
	bool has_at[2] = { false, false };
	struct prl_disco_endpoint ep;
	struct prl_session s;
	struct prl_config cfg;
	uint32_t vni;
	bool has_vni = false, have_key;
	int i, err;

	if (argc < 2 || argc % 2)
		return ctl_usage_error(c, "expected KEY_A KEY_B [vni N] [bind-a ADDR:PORT] [bind-b ADDR:PORT]");
	if (ctl_arg_key(c, "KEY_A", argv[0], ka) ||
	    ctl_arg_key(c, "KEY_B", argv[1], kb))
		return EXIT_USAGE;
	for (i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];
		int which = !strcmp(opt, "bind-a") ? 0 :
			    !strcmp(opt, "bind-b") ? 1 : -1;

		if (!strcmp(opt, "vni")) {
			if (ctl_arg_u32(c, "VNI", val, &vni))
				return EXIT_USAGE;
			has_vni = true;
		} else if (which >= 0) {
			if (prl_endpoint_parse(val, &at[which]))
				return ctl_usage_error(c, "invalid %s address '%s': expected IPv4:PORT or [IPv6]:PORT",
						       opt, val);
			has_at[which] = true;
		} else {
			return ctl_usage_error(c, "unexpected argument '%s'", opt);
		}
	}
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_session_new_bound(&c->nl, ka, kb, has_vni ? &vni : NULL,
				   has_at[0] ? &at[0] : NULL,
				   has_at[1] ? &at[1] : NULL, &s);
	if (err)
		return ctl_kernel_error(c, err);
	memset(&cfg, 0, sizeof(cfg));
	memset(&ep, 0, sizeof(ep));
	if (prl_config_get(&c->nl, &cfg)) {
		fprintf(stderr, "relayctl: session add: warning: cannot read the relay config: %s\n",
			prl_nl_errmsg(&c->nl));
		cfg.mask = 0;
	}
	have_key = (cfg.mask & PRL_CFG_SERVER_KEY) &&
		   memcmp(cfg.server_key, zero, sizeof(zero));
	if (!have_key)
		fprintf(stderr, "relayctl: session add: warning: no server key configured (is relayd running?)\n");
	describe_addrs(c, &cfg, &ep);
	if (!ep.n_addrports)
		fprintf(stderr, "relayctl: session add: warning: no relay address known (no static endpoint, no attached socket)\n");
	print_description(c, &s, &cfg, have_key, &ep);
	return EXIT_OK;
}

static int session_bind(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct prl_endpoint remote;
	struct prl_addr local = { 0 };
	uint32_t vni;
	int err;

	if (argc != 3 && argc != 5)
		return ctl_usage_error(c, "expected VNI 0|1 ADDR:PORT [local ADDR]");
	if (ctl_arg_u32(c, "VNI", argv[0], &vni))
		return EXIT_USAGE;
	if (strcmp(argv[1], "0") && strcmp(argv[1], "1"))
		return ctl_usage_error(c, "invalid endpoint '%s': expected 0 or 1",
				       argv[1]);
	if (prl_endpoint_parse(argv[2], &remote))
		return ctl_usage_error(c, "invalid endpoint address '%s': expected IPv4:PORT or [IPv6]:PORT",
				       argv[2]);
	if (argc == 5) {
		if (strcmp(argv[3], "local"))
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[3]);
		if (prl_addr_parse(argv[4], &local))
			return ctl_usage_error(c, "invalid local address '%s'",
					       argv[4]);
		if (local.family != remote.addr.family)
			return ctl_usage_error(c, "local address family differs from the remote's");
	}
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_session_bind(&c->nl, vni, argv[1][0] == '1', &remote,
			      argc == 5 ? &local : NULL);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

/* A session named on the command line: "VNI" or "key KEY_A KEY_B". */
struct session_id {
	uint32_t vni;
	bool by_key;
	uint8_t ka[PEER_RELAY_KEY_LEN], kb[PEER_RELAY_KEY_LEN];
};

/* Parse @id and open netlink. Returns 0 or the exit code of an error. */
static int session_id(struct ctl *c, int argc, char **argv,
		      struct session_id *id)
{
	memset(id, 0, sizeof(*id));
	if (argc == 1) {
		if (ctl_arg_u32(c, "VNI", argv[0], &id->vni))
			return EXIT_USAGE;
	} else if (argc == 3 && !strcmp(argv[0], "key")) {
		id->by_key = true;
		if (ctl_arg_key(c, "KEY_A", argv[1], id->ka) ||
		    ctl_arg_key(c, "KEY_B", argv[2], id->kb))
			return EXIT_USAGE;
	} else {
		return ctl_usage_error(c, "expected VNI or 'key KEY_A KEY_B'");
	}
	return ctl_nl(c);
}

static int session_del(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct session_id id;
	int err;

	err = session_id(c, argc, argv, &id);
	if (err)
		return err;
	err = id.by_key ? prl_session_del_keys(&c->nl, id.ka, id.kb) :
			  prl_session_del(&c->nl, id.vni);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

static int session_get(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct session_id id;
	struct prl_session s;
	int err;

	err = session_id(c, argc, argv, &id);
	if (err)
		return err;
	err = id.by_key ? prl_session_get_keys(&c->nl, id.ka, id.kb, &s) :
			  prl_session_get(&c->nl, id.vni, &s);
	if (err)
		return ctl_kernel_error(c, err);
	ctl_print(c, NULL, &ctl_out_session, &s);
	return EXIT_OK;
}

static int session_list(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl_list l;
	int rc = ctl_list_begin(&l, ctl_of(cli), &ctl_out_session, argc, argv);

	return rc ?: ctl_list_end(&l, prl_session_dump(&l.c->nl,
						       ctl_list_session, &l));
}

static int session_flush(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	int err;

	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_session_flush(&c->nl);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

#define SESSION_FIELDS \
	"Output: a block per session starting with a line 'vni N', then key0,\n" \
	"key1 (sorted), lamport, state (connecting/open), age_ms and one line\n" \
	"per endpoint (remote ADDR:PORT or none, local ADDR or none,\n" \
	"rx_packets, rx_bytes, idle_ms). With -j: {vni, key0, key1, lamport,\n" \
	"state, age_ms, endpoints: [{remote, local, rx_packets, rx_bytes,\n" \
	"idle_ms} x2]} (remote/local null when unset).\n"

#define LIST_HELP \
	"Lists every session of this network namespace. With -j, a JSON array.\n" \
	"\n" SESSION_FIELDS

const struct prl_cli_cmd session_cmds[] = {
	PRL_CLI_CMD("add", "KEY_A KEY_B [vni N] [bind-a ADDR:PORT] [bind-b ADDR:PORT]",
	  "allocate a session for two clients (and bind their endpoints)",
	  "Allocates a relay session for the unordered pair of client disco\n"
	  "keys (64 hex digits each). Asking again for the same pair returns\n"
	  "the existing session unchanged (same VNI and lamport). 'vni N'\n"
	  "requests a specific VNI (1..16777215); EEXIST if it is taken.\n"
	  "'bind-a ADDR:PORT' / 'bind-b ADDR:PORT' bind KEY_A's / KEY_B's\n"
	  "endpoint in the same request (both: the session is open at once);\n"
	  "a bad address creates nothing.\n"
	  "\n" SESSION_FIELDS
	  "\n"
	  "Then the endpoint description clients need (what Tailscale sends in\n"
	  "CallMeMaybeVia): server-key (the relay's disco key from the kernel\n"
	  "config, set by relayd), client-keys (sorted), bind-lifetime and\n"
	  "steady-state-lifetime, and one 'addr IP:PORT' line per relay address:\n"
	  "the static endpoints first, then every usable address of this network\n"
	  "namespace with the port of the attached sockets. With -j the same\n"
	  "object gets server_key (null if unset), client_keys [2],\n"
	  "bind_lifetime (\"30s\"), bind_lifetime_ms, steady_state_lifetime\n"
	  "(\"5m0s\"), steady_state_lifetime_ms and addrs [\"IP:PORT\", ...];\n"
	  "`relay-client bind --endpoint-json FILE` reads it.\n",
	  session_add),
	PRL_CLI_CMD("bind", "VNI 0|1 ADDR:PORT [local ADDR]",
	  "bind an endpoint of a session to a client address",
	  "Sets where endpoint 0 (belonging to key0) or 1 (key1) of session VNI\n"
	  "is reached: ADDR:PORT is the client's address as seen by the relay.\n"
	  "'local ADDR' pins the relay address used to send to it (same family).\n"
	  "Replaces an earlier binding atomically. Once both endpoints are bound\n"
	  "the session is open and data packets are forwarded.\n",
	  session_bind),
	PRL_CLI_CMD("del", "VNI | key KEY_A KEY_B", "delete a session",
	  "Deletes the session with this VNI or this key pair.\n",
	  session_del),
	PRL_CLI_CMD("get", "VNI | key KEY_A KEY_B", "show one session",
	  SESSION_FIELDS, session_get),
	PRL_CLI_CMD("list", "", "list all sessions", LIST_HELP, session_list),
	PRL_CLI_CMD("show", "", "alias of 'session list'", LIST_HELP, session_list),
	PRL_CLI_CMD("flush", "", "delete all sessions",
	  "Deletes every session of this network namespace.\n",
	  session_flush),
	{ 0 },
};
