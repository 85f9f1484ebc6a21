// SPDX-License-Identifier: GPL-2.0-only
/* relay-client: option parsing and small helpers shared by the commands. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "addr.h"
#include "keyfile.h"
#include "num.h"
#include "relay-client.h"
#include "tables.h"

static const struct {
	const char *name;
	enum prl_rc_corrupt kind;
} corrupt_names[] = {
	{ "bind-vni", PRL_RC_CORRUPT_BIND_VNI },
	{ "bind-remote-key", PRL_RC_CORRUPT_BIND_REMOTE },
	{ "bind-gen0", PRL_RC_CORRUPT_BIND_GEN0 },
	{ "bind-proto", PRL_RC_CORRUPT_BIND_PROTO },
	{ "bind-tamper", PRL_RC_CORRUPT_BIND_TAMPER },
	{ "answer-port", PRL_RC_CORRUPT_ANSWER_PORT },
	{ "answer-mac", PRL_RC_CORRUPT_ANSWER_MAC },
	{ "answer-gen", PRL_RC_CORRUPT_ANSWER_GEN },
	{ "answer-none", PRL_RC_CORRUPT_ANSWER_NONE },
};

const char *rcli_fmt_sa(const struct sockaddr_storage *ss, char *buf,
			size_t len)
{
	struct prl_endpoint ep;

	if (prl_endpoint_from_sockaddr((const struct sockaddr *)ss,
				      sizeof(*ss), &ep))
		return "?";
	return prl_endpoint_fmt(&ep, buf, len);
}

const char *rcli_fmt_key(const uint8_t *key, char *buf)
{
	return prl_key_to_hex(key, buf);
}

int rcli_key(struct rcli *r, const char *path, uint8_t priv[32],
	     uint8_t pub[32])
{
	int ret;

	if (!path) {
		if (prl_key_generate(priv, pub))
			return rcli_error(r, "cannot generate a key");
		return 0;
	}
	ret = prl_key_load(path, priv);
	if (ret < 0)
		return rcli_error(r, "%s: %s", path, errno == EINVAL ?
				  "not a key file (64 hex digits or 32 raw bytes)" :
				  strerror(errno));
	if (ret == 1)
		fprintf(stderr, "relay-client: warning: %s is accessible by group or others\n",
			path);
	if (prl_key_public(priv, pub))
		return rcli_error(r, "%s: bad key", path);
	return 0;
}

int rcli_need_relay(struct rcli *r, const struct rcli_opts *o, bool peer)
{
	if (!o->relay_s)
		return rcli_usage_error(r, "--relay is required");
	if (!o->have_server_key)
		return rcli_usage_error(r, "--server-key is required (the relay's public key)");
	if (peer && !o->have_peer)
		return rcli_usage_error(r, "--peer is required");
	return 0;
}

int rcli_open(struct rcli *r, const struct rcli_opts *o, struct prl_rc *c,
	      uint8_t pub[32])
{
	uint8_t priv[32];
	int rc, err;

	rc = rcli_key(r, o->key_file, priv, pub);
	if (rc)
		return rc;
	err = prl_rc_open(c, priv, (struct sockaddr *)&o->relay,
			  o->local_s ? (struct sockaddr *)&o->local : NULL);
	sodium_memzero(priv, sizeof(priv));
	return err ? rcli_fail(r, err, "socket") : 0;
}

static int parse_proto(struct prl_cli *cli, const char *what, const char *s,
		       void *field)
{
	uint16_t *proto = field;
	uint32_t v;

	if (!strcmp(s, "wg") || !strcmp(s, "wireguard")) {
		*proto = PRELAY_GENEVE_PROTO_WG;
		return 0;
	}
	if (!strcmp(s, "disco")) {
		*proto = PRELAY_GENEVE_PROTO_DISCO;
		return 0;
	}
	if (prl_parse_u32(s, 0, 0xffff, &v))
		return prl_cli_usage_error(cli, "invalid %s '%s': expected wg, disco or a number",
					   what, s);
	*proto = (uint16_t)v;
	return 0;
}

static int parse_corrupt(struct prl_cli *cli, const char *what,
			 const char *s, void *field)
{
	enum prl_rc_corrupt *kind = field;
	size_t i;

	for (i = 0; i < PRL_ARRAY_SIZE(corrupt_names); i++)
		if (!strcmp(s, corrupt_names[i].name))
			*kind = corrupt_names[i].kind;
	if (!*kind)
		return prl_cli_usage_error(cli, "unknown %s '%s'", what, s);
	return 0;
}

static int load_ep(struct rcli *r, const char *path,
		   struct prl_disco_endpoint *ep)
{
	char buf[16384], err[160];
	size_t n = 0, k;
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;

	if (!f)
		return rcli_error(r, "%s: %s", path, strerror(errno));
	while ((k = fread(buf + n, 1, sizeof(buf) - n, f)) > 0)
		n += k;
	if (f != stdin)
		fclose(f);
	if (n == sizeof(buf))
		return rcli_error(r, "%s: too large", path);
	if (prl_disco_endpoint_from_json(buf, n, ep, err, sizeof(err)))
		return rcli_error(r, "%s: %s", path, err);
	return 0;
}

int rcli_ep_relay(const struct rcli_opts *o, int family,
		  struct sockaddr_storage *ss)
{
	size_t i;

	for (i = 0; o->have_ep && i < o->ep.n_addrports; i++) {
		if (!prl_addrport_to_sockaddr(&o->ep.addrports[i], ss))
			continue;
		if (!family || ss->ss_family == family)
			return 0;
	}
	return -ENOENT;
}

int rcli_ep_peer(struct rcli *r, const struct rcli_opts *o,
		 const uint8_t own[32], uint8_t peer[32])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!memcmp(o->ep.client_key[i], own, 32)) {
			memcpy(peer, o->ep.client_key[!i], 32);
			return 0;
		}
	}
	return rcli_usage_error(r, "the own key (--key) is not a client key of the endpoint in %s",
				o->ep_file);
}

#define ROW(...)	PRL_OPT_ROW(struct rcli_opts, __VA_ARGS__)
#define SEEN(f)		PRL_OPT_SEEN(struct rcli_opts, f)
#define U32(lo, hi)	.min = (lo), .max = (hi)

static const struct prl_cli_opt rcli_opts[] = {
	{ ROW("relay", 'r', PRL_OPT_ENDPOINT, relay), .text = SEEN(relay_s),
	  .what = "relay" },
	{ ROW("relay-b", 0, PRL_OPT_ENDPOINT, relay_b),
	  .text = SEEN(relay_b_s), .what = "relay-b" },
	{ ROW("local", 'l', PRL_OPT_LOCAL, local), .text = SEEN(local_s),
	  .what = "local address" },
	{ ROW("local-a", 0, PRL_OPT_LOCAL, local), .text = SEEN(local_s),
	  .what = "local address" },
	{ ROW("local-b", 0, PRL_OPT_LOCAL, local_b),
	  .text = SEEN(local_b_s), .what = "local-b address" },
	{ ROW("key", 'k', PRL_OPT_STR, key_file) },
	{ ROW("key-a", 0, PRL_OPT_STR, key_file) },
	{ ROW("key-b", 0, PRL_OPT_STR, key_b_file) },
	{ ROW("server-key", 's', PRL_OPT_KEY, server_key),
	  .seen = SEEN(have_server_key), .what = "server key" },
	{ ROW("peer", 'p', PRL_OPT_KEY, peer), .seen = SEEN(have_peer),
	  .what = "peer key" },
	{ ROW("vni", 0, PRL_OPT_U32, vni), .seen = SEEN(have_vni),
	  .what = "VNI", U32(1, PRL_GENEVE_VNI_MASK) },
	{ ROW("allocate", 0, PRL_OPT_FLAG, allocate) },
	{ ROW("generation", 0, PRL_OPT_U32, generation),
	  .what = "generation", U32(1, UINT32_MAX) },
	{ ROW("timeout", 't', PRL_OPT_INT, timeout_ms),
	  .seen = SEEN(timeout_set), .what = "timeout", U32(1, 86400000) },
	{ ROW("corrupt", 0, PRL_OPT_PARSE, corrupt), .what = "corruption",
	  .parse = parse_corrupt },
	{ ROW("send", 0, PRL_OPT_STR, send_hex) },
	{ ROW("proto", 0, PRL_OPT_PARSE, proto), .what = "protocol",
	  .parse = parse_proto },
	{ ROW("count", 'c', PRL_OPT_U32, count), .seen = SEEN(count_set),
	  .what = "count", U32(0, UINT32_MAX) },
	{ ROW("recv", 0, PRL_OPT_U32, recv_n), .what = "recv count",
	  U32(1, UINT32_MAX) },
	{ ROW("echo", 0, PRL_OPT_FLAG, echo) },
	{ ROW("ping", 0, PRL_OPT_U32, ping_n), .what = "ping count",
	  U32(1, UINT32_MAX) },
	{ ROW("interval", 'i', PRL_OPT_U32, interval_ms), .what = "interval",
	  U32(0, 3600000) },
	{ ROW("size", 0, PRL_OPT_U32, size), .what = "size", U32(0, 1400) },
	{ ROW("settle", 0, PRL_OPT_U32, settle_ms), .what = "settle time",
	  U32(0, 60000) },
	{ ROW("endpoint-json", 0, PRL_OPT_STR, ep_file) },
	{ ROW("pairs", 0, PRL_OPT_U32, pairs), .what = "pairs",
	  U32(1, 100000) },
	{ ROW("sockets", 0, PRL_OPT_U32, sockets), .what = "sockets",
	  U32(1, 64) },
	{ ROW("seed", 0, PRL_OPT_U32, seed), .what = "seed",
	  U32(0, UINT32_MAX) },
	{ ROW("print-grants", 0, PRL_OPT_FLAG, print_grants) },
	{ ROW("quiet", 'q', PRL_OPT_FLAG, quiet) },
	{ 0 },
};

int rcli_parse_opts(struct rcli *r, int argc, char **argv,
		    struct rcli_opts *o, const char *usage)
{
	int first;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = RCLI_DEFAULT_TIMEOUT_MS;
	o->proto = PRELAY_GENEVE_PROTO_WG;
	o->count = 1;
	o->interval_ms = 200;
	o->settle_ms = 100;
	first = prl_cli_getopt(&r->cli, rcli_opts, o, usage, argc, argv);
	if (first == 0)
		return -1;
	if (first < 0)
		return -first;
	if (o->ep_file) {
		int rc = load_ep(r, o->ep_file, &o->ep);

		if (rc)
			return rc;
		o->have_ep = true;
	}
	if (first < argc)
		return rcli_usage_error(r, "unexpected argument '%s'",
					argv[first]);
	if (o->have_ep) {
		/* the description gives the relay's key, the VNI and the
		 * relay addresses (the first one of the right family is
		 * --relay unless given) */
		if (o->have_server_key || o->have_vni || o->allocate)
			return rcli_usage_error(r, "--endpoint-json gives the server key and the VNI: no --server-key, --vni or --allocate");
		memcpy(o->server_key, o->ep.server_key, 32);
		o->have_server_key = true;
		o->vni = o->ep.vni;
		o->have_vni = true;
		if (!o->relay_s) {
			if (rcli_ep_relay(o, o->local_s ? o->local.ss_family : 0,
					  &o->relay))
				return rcli_usage_error(r, "%s has no relay address%s",
							o->ep_file, o->local_s ?
							" of --local's family" : "");
			o->relay_s = o->ep_file;
		}
		if (!o->relay_b_s && o->local_b_s &&
		    o->local_b.ss_family != o->relay.ss_family) {
			if (rcli_ep_relay(o, o->local_b.ss_family,
					  &o->relay_b))
				return rcli_usage_error(r, "%s has no relay address of --local-b's family",
							o->ep_file);
			o->relay_b_s = o->ep_file;
		}
	}
	if (o->local_s && o->relay_s &&
	    o->local.ss_family != o->relay.ss_family)
		return rcli_usage_error(r, "--local and --relay must be of the same address family");
	return 0;
}
