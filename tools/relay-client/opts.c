// SPDX-License-Identifier: GPL-2.0-only
/* relay-client: option parsing and small helpers shared by the commands. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "addr.h"
#include "keyfile.h"
#include "num.h"
#include "relay-client.h"

enum {
	OPT_RELAY_B = 256,
	OPT_LOCAL_B,
	OPT_KEY_B,
	OPT_VNI,
	OPT_ALLOCATE,
	OPT_GENERATION,
	OPT_CORRUPT,
	OPT_SEND,
	OPT_PROTO,
	OPT_RECV,
	OPT_ECHO,
	OPT_PING,
	OPT_SIZE,
	OPT_SETTLE,
	OPT_EP_JSON,
	OPT_PAIRS,
	OPT_SOCKETS,
	OPT_SEED,
	OPT_PRINT_GRANTS,
};

static const struct option long_opts[] = {
	{ "relay",	required_argument, NULL, 'r' },
	{ "relay-b",	required_argument, NULL, OPT_RELAY_B },
	{ "local",	required_argument, NULL, 'l' },
	{ "local-a",	required_argument, NULL, 'l' },
	{ "local-b",	required_argument, NULL, OPT_LOCAL_B },
	{ "key",	required_argument, NULL, 'k' },
	{ "key-a",	required_argument, NULL, 'k' },
	{ "key-b",	required_argument, NULL, OPT_KEY_B },
	{ "server-key",	required_argument, NULL, 's' },
	{ "peer",	required_argument, NULL, 'p' },
	{ "vni",	required_argument, NULL, OPT_VNI },
	{ "allocate",	no_argument,	   NULL, OPT_ALLOCATE },
	{ "generation",	required_argument, NULL, OPT_GENERATION },
	{ "timeout",	required_argument, NULL, 't' },
	{ "corrupt",	required_argument, NULL, OPT_CORRUPT },
	{ "send",	required_argument, NULL, OPT_SEND },
	{ "proto",	required_argument, NULL, OPT_PROTO },
	{ "count",	required_argument, NULL, 'c' },
	{ "recv",	required_argument, NULL, OPT_RECV },
	{ "echo",	no_argument,	   NULL, OPT_ECHO },
	{ "ping",	required_argument, NULL, OPT_PING },
	{ "interval",	required_argument, NULL, 'i' },
	{ "size",	required_argument, NULL, OPT_SIZE },
	{ "settle",	required_argument, NULL, OPT_SETTLE },
	{ "endpoint-json", required_argument, NULL, OPT_EP_JSON },
	{ "pairs",	required_argument, NULL, OPT_PAIRS },
	{ "sockets",	required_argument, NULL, OPT_SOCKETS },
	{ "seed",	required_argument, NULL, OPT_SEED },
	{ "print-grants", no_argument,	   NULL, OPT_PRINT_GRANTS },
	{ "quiet",	no_argument,	   NULL, 'q' },
	{ "json",	no_argument,	   NULL, 'j' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

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

static int parse_ep(struct rcli *r, const char *what, const char *s,
		    struct sockaddr_storage *ss)
{
	struct prl_endpoint ep;
	socklen_t len;

	if (prl_endpoint_parse(s, &ep) ||
	    prl_endpoint_to_sockaddr(&ep, ss, &len))
		return rcli_usage_error(r, "invalid %s '%s': expected ADDR:PORT",
					what, s);
	return 0;
}

static int parse_local(struct rcli *r, const char *what, const char *s,
		       struct sockaddr_storage *ss)
{
	struct prl_endpoint ep;
	char buf[PRL_ENDPOINT_STRLEN];
	socklen_t len;
	size_t n;

	/* a local address may have port 0 or none at all */
	if (!prl_endpoint_parse(s, &ep) &&
	    !prl_endpoint_to_sockaddr(&ep, ss, &len))
		return 0;
	if (!prl_addr_parse(s, &ep.addr)) {
		ep.port = 0;
		if (!prl_endpoint_to_sockaddr(&ep, ss, &len))
			return 0;
	}
	n = strlen(s);
	if (n > 2 && n < sizeof(buf) && !strcmp(s + n - 2, ":0")) {
		memcpy(buf, s, n - 2);
		buf[n - 2] = '\0';
		if (!prl_addr_parse(buf, &ep.addr)) {
			ep.port = 0;
			if (!prl_endpoint_to_sockaddr(&ep, ss, &len))
				return 0;
		}
	}
	return rcli_usage_error(r, "invalid %s '%s': expected ADDR[:PORT]",
				what, s);
}

static int parse_key(struct rcli *r, const char *what, const char *s,
		     uint8_t key[32])
{
	if (prl_key_from_hex(s, key))
		return rcli_usage_error(r, "invalid %s '%s': expected 64 hex digits",
					what, s);
	return 0;
}

static int parse_u32(struct rcli *r, const char *what, const char *s,
		     uint32_t min, uint32_t max, uint32_t *out)
{
	if (prl_parse_u32(s, min, max, out))
		return rcli_usage_error(r, "invalid %s '%s': expected a number in %u..%u",
					what, s, min, max);
	return 0;
}

static int parse_proto(struct rcli *r, const char *s, uint16_t *proto)
{
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
		return rcli_usage_error(r, "invalid protocol '%s': expected wg, disco or a number",
					s);
	*proto = (uint16_t)v;
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

int rcli_parse_opts(struct rcli *r, int argc, char **argv,
		    struct rcli_opts *o, const char *usage)
{
	uint32_t v;
	size_t i;
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = RCLI_DEFAULT_TIMEOUT_MS;
	o->proto = PRELAY_GENEVE_PROTO_WG;
	o->count = 1;
	o->interval_ms = 200;
	o->settle_ms = 100;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:l:k:s:p:t:c:i:qjh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'r':
			o->relay_s = optarg;
			rc = parse_ep(r, "relay", optarg, &o->relay);
			break;
		case OPT_RELAY_B:
			o->relay_b_s = optarg;
			rc = parse_ep(r, "relay-b", optarg, &o->relay_b);
			break;
		case 'l':
			o->local_s = optarg;
			rc = parse_local(r, "local address", optarg, &o->local);
			break;
		case OPT_LOCAL_B:
			o->local_b_s = optarg;
			rc = parse_local(r, "local-b address", optarg,
					 &o->local_b);
			break;
		case 'k':
			o->key_file = optarg;
			break;
		case OPT_KEY_B:
			o->key_b_file = optarg;
			break;
		case 's':
			rc = parse_key(r, "server key", optarg, o->server_key);
			o->have_server_key = true;
			break;
		case 'p':
			rc = parse_key(r, "peer key", optarg, o->peer);
			o->have_peer = true;
			break;
		case OPT_VNI:
			rc = parse_u32(r, "VNI", optarg, 1, PRL_GENEVE_VNI_MASK,
				       &o->vni);
			o->have_vni = true;
			break;
		case OPT_ALLOCATE:
			o->allocate = true;
			break;
		case OPT_GENERATION:
			rc = parse_u32(r, "generation", optarg, 1, UINT32_MAX,
				       &o->generation);
			break;
		case 't':
			rc = parse_u32(r, "timeout", optarg, 1, 86400000, &v);
			o->timeout_ms = (int)v;
			o->timeout_set = true;
			break;
		case OPT_CORRUPT:
			for (i = 0; i < sizeof(corrupt_names) /
				    sizeof(corrupt_names[0]); i++)
				if (!strcmp(optarg, corrupt_names[i].name))
					o->corrupt = corrupt_names[i].kind;
			if (!o->corrupt)
				rc = rcli_usage_error(r, "unknown corruption '%s'",
						      optarg);
			break;
		case OPT_SEND:
			o->send_hex = optarg;
			break;
		case OPT_PROTO:
			rc = parse_proto(r, optarg, &o->proto);
			break;
		case 'c':
			rc = parse_u32(r, "count", optarg, 0, UINT32_MAX,
				       &o->count);
			o->count_set = true;
			break;
		case OPT_RECV:
			rc = parse_u32(r, "recv count", optarg, 1, UINT32_MAX,
				       &o->recv_n);
			break;
		case OPT_ECHO:
			o->echo = true;
			break;
		case OPT_PING:
			rc = parse_u32(r, "ping count", optarg, 1, UINT32_MAX,
				       &o->ping_n);
			break;
		case 'i':
			rc = parse_u32(r, "interval", optarg, 0, 3600000,
				       &o->interval_ms);
			break;
		case OPT_SIZE:
			rc = parse_u32(r, "size", optarg, 0, 1400, &o->size);
			break;
		case OPT_SETTLE:
			rc = parse_u32(r, "settle time", optarg, 0, 60000,
				       &o->settle_ms);
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_EP_JSON:
			o->ep_file = optarg;
			rc = load_ep(r, optarg, &o->ep);
			o->have_ep = !rc;
			break;
		case OPT_PAIRS:
			rc = parse_u32(r, "pairs", optarg, 1, 100000,
				       &o->pairs);
			break;
		case OPT_SOCKETS:
			rc = parse_u32(r, "sockets", optarg, 1, 64,
				       &o->sockets);
			break;
		case OPT_SEED:
			rc = parse_u32(r, "seed", optarg, 0, UINT32_MAX,
				       &o->seed);
			break;
		case OPT_PRINT_GRANTS:
			o->print_grants = true;
			break;
		case 'j':
			r->json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case ':':
			return rcli_usage_error(r, "option '%s' needs an argument",
						argv[optind - 1]);
		default:
			return rcli_usage_error(r, "unknown option '%s'",
						argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return rcli_usage_error(r, "unexpected argument '%s'",
					argv[optind]);
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
