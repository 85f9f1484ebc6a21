// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayctl ping HOST:PORT: prove that a relay forwards, end to end.
 *
 * Two clients with their own disco keys and UDP sockets (A and B) get a
 * probe session, run the Bind -> Challenge -> Answer handshake with the
 * relay, and A sends disco Pings to B through the relay; B answers each
 * with a Pong through the relay. The session comes from SESSION_NEW over
 * netlink (on the relay host: two fresh keys, the kernel's SERVER_KEY) or
 * from an in-band allocation with a granted key (--key, --server-key).
 */
#include <errno.h>
#include <stddef.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keyfile.h"
#include "num.h"
#include "relayclient.h"
#include "relayctl.h"

#define PING_DEFAULT_COUNT	5
#define PING_DEFAULT_INTERVAL	200
#define PING_DEFAULT_TIMEOUT	1000
#define PING_HANDSHAKES		3

const char ping_help[] =
	"Proves that the relay at HOST:PORT forwards: clients A and B (fresh\n"
	"disco keys, two UDP sockets) get a probe session, both run the\n"
	"Bind/Challenge/Answer handshake, then A sends COUNT disco Pings to B\n"
	"through the relay and B answers each with a Pong through the relay.\n"
	"\n"
	"Where the session comes from:\n"
	"  default         SESSION_NEW over netlink in this network namespace\n"
	"                  (run it on the relay host, as root; relayd must have\n"
	"                  set the server key). The session is deleted at the end.\n"
	"  --key FILE      in-band allocation by A with this private key, which\n"
	"                  must be in relayd's grants file; needs --server-key.\n"
	"                  The session expires by itself (bind/idle lifetime).\n"
	"\n"
	"Options:\n"
	"  -c, --count N          probes (default 5)\n"
	"  -i, --interval MS      between probes (default 200)\n"
	"  -W, --timeout MS       wait for each answer and handshake step\n"
	"                         (default 1000)\n"
	"  -k, --key FILE         A's private key (in-band allocation)\n"
	"  -s, --server-key HEX   the relay's public key (default: from the\n"
	"                         kernel configuration)\n"
	"  -b, --relay-b ADDR:PORT  relay address for B (default HOST:PORT;\n"
	"                         another family tests udp4<->udp6)\n"
	"  -l, --local ADDR       A's source address; --local-b ADDR for B\n"
	"  -q, --quiet            only the summary line\n"
	"\n"
	"Output: a line per probe and a summary with loss and min/avg/max RTT;\n"
	"with -j one JSON object {relay, vni, mode, sent, received, lost,\n"
	"rtt_min_us, rtt_avg_us, rtt_max_us, probes, forwarded}. 'forwarded' is\n"
	"the kernel's per-endpoint count of the probe session (netlink mode).\n"
	"Exit status: 0 if at least one probe went through the relay and back,\n"
	"1 otherwise or on errors, 2 usage. Use 'ping -c 1 -W 1000' as a load\n"
	"balancer or monitoring health check.\n";

struct ping_opts {
	const char *relay_s;
	struct sockaddr_storage relay, relay_b, local, local_b;
	bool have_relay_b, have_local, have_local_b;
	const char *key_file;
	uint8_t server_key[PRL_KEY_LEN];
	bool have_server_key;
	uint32_t count, interval_ms, timeout_ms;
	bool quiet;
};

struct ping_side {
	uint8_t priv[PRL_KEY_LEN], pub[PRL_KEY_LEN];
	struct prl_rc c;
};

struct ping_state {
	struct ping_side a, b;
	uint32_t vni;
	bool netlink_session;	/* we created it with SESSION_NEW */
	unsigned int handshakes;
	uint8_t *buf;
	uint64_t *rtt_ns;	/* per probe, 0 = lost */
};

/* "HOST:PORT" with a literal address or a resolvable name. */
static int parse_relay(const char *s, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res;
	struct prl_endpoint ep;
	char host[256];
	const char *colon;
	socklen_t len;
	size_t n;
	int err;

	if (!prl_endpoint_parse(s, &ep))
		return prl_endpoint_to_sockaddr(&ep, ss, &len) ? -EINVAL : 0;
	colon = strrchr(s, ':');
	if (!colon || colon == s || !colon[1])
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	err = getaddrinfo(host, colon + 1, &hints, &res);
	if (err)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static int opt_relay(struct prl_cli *cli, const char *what, const char *arg,
		     void *field)
{
	if (parse_relay(arg, field))
		return prl_cli_usage_error(cli, "invalid %s '%s': expected ADDR:PORT",
					   what, arg);
	return 0;
}

#define ROW(...)	PRL_OPT_ROW(struct ping_opts, __VA_ARGS__)
#define SEEN(f)		PRL_OPT_SEEN(struct ping_opts, f)

static const struct prl_cli_opt ping_opts[] = {
	{ ROW("count", 'c', PRL_OPT_U32, count), .what = "count",
	  .min = 1, .max = 1000000 },
	{ ROW("interval", 'i', PRL_OPT_U32, interval_ms), .what = "interval",
	  .min = 0, .max = 3600000 },
	{ ROW("timeout", 'W', PRL_OPT_U32, timeout_ms), .what = "timeout",
	  .min = 1, .max = 600000 },
	{ ROW("key", 'k', PRL_OPT_STR, key_file) },
	{ ROW("server-key", 's', PRL_OPT_KEY, server_key),
	  .seen = SEEN(have_server_key), .what = "server key" },
	{ ROW("relay-b", 'b', PRL_OPT_PARSE, relay_b),
	  .seen = SEEN(have_relay_b), .what = "relay-b", .parse = opt_relay },
	{ ROW("local", 'l', PRL_OPT_LOCAL, local), .seen = SEEN(have_local),
	  .what = "local address" },
	{ ROW("local-b", 0, PRL_OPT_LOCAL, local_b),
	  .seen = SEEN(have_local_b), .what = "local-b address" },
	{ ROW("quiet", 'q', PRL_OPT_FLAG, quiet) },
	{ 0 },
};

static int parse_opts(struct ctl *c, int argc, char **argv,
		      struct ping_opts *o)
{
	int first;

	memset(o, 0, sizeof(*o));
	o->count = PING_DEFAULT_COUNT;
	o->interval_ms = PING_DEFAULT_INTERVAL;
	o->timeout_ms = PING_DEFAULT_TIMEOUT;
	first = prl_cli_getopt(&c->cli, ping_opts, o, "", argc, argv);
	if (first <= 0)
		return -first;
	if (first + 1 != argc)
		return ctl_usage_error(c, first < argc ?
				       "unexpected argument '%s'" :
				       "missing HOST:PORT%s",
				       first < argc ? argv[first + 1] : "");
	o->relay_s = argv[first];
	if (parse_relay(o->relay_s, &o->relay))
		return ctl_usage_error(c, "invalid relay '%s': expected HOST:PORT",
				       o->relay_s);
	if (o->key_file && !o->have_server_key)
		return ctl_usage_error(c, "--key needs --server-key (the relay's public key)");
	if (o->have_local && o->local.ss_family != o->relay.ss_family)
		return ctl_usage_error(c, "--local and HOST:PORT must be of the same family");
	if (o->have_local_b &&
	    o->local_b.ss_family !=
	    (o->have_relay_b ? o->relay_b : o->relay).ss_family)
		return ctl_usage_error(c, "--local-b and B's relay address must be of the same family");
	return 0;
}

/* Handshake both sides, then probe until one round trip works. */
static int connect_pair(struct ctl *c, struct ping_state *p,
			const struct ping_opts *o)
{
	unsigned int i;
	int err = -ETIMEDOUT;

	for (i = 0; i < PING_HANDSHAKES && err == -ETIMEDOUT; i++) {
		p->handshakes++;
		err = prl_rc_bind(&p->a.c, 0, (int)o->timeout_ms, NULL);
		if (err)
			return ctl_error(c, "A: no Challenge from the relay: %s",
					 strerror(-err));
		err = prl_rc_bind(&p->b.c, 0, (int)o->timeout_ms, NULL);
		if (err)
			return ctl_error(c, "B: no Challenge from the relay: %s",
					 strerror(-err));
		err = prl_rc_confirm(&p->a.c, &p->b.c, (int)o->timeout_ms,
				     p->buf);
	}
	if (err)
		return ctl_error(c, "handshakes done, but nothing came through the relay: %s",
				 strerror(-err));
	return 0;
}

/* Get a session: over netlink (default) or in-band (--key). */
static int setup(struct ctl *c, struct ping_state *p, struct ping_opts *o)
{
	const struct sockaddr_storage *rb = o->have_relay_b ? &o->relay_b :
					    &o->relay;
	struct prl_disco_endpoint ep;
	struct prl_session s;
	struct prl_config cfg;
	int err;

	if (o->key_file) {
		err = prl_key_load(o->key_file, p->a.priv);
		if (err < 0)
			return ctl_error(c, "%s: %s", o->key_file,
					 errno == EINVAL ? "not a key file" :
					 strerror(errno));
		if (prl_key_public(p->a.priv, p->a.pub))
			return ctl_error(c, "%s: bad key", o->key_file);
	} else if (prl_key_generate(p->a.priv, p->a.pub)) {
		return ctl_error(c, "cannot generate a key");
	}
	if (prl_key_generate(p->b.priv, p->b.pub))
		return ctl_error(c, "cannot generate a key");

	err = prl_rc_open(&p->a.c, p->a.priv, (const struct sockaddr *)&o->relay,
			 o->have_local ? (struct sockaddr *)&o->local : NULL);
	if (err)
		return ctl_error(c, "socket A: %s", strerror(-err));
	err = prl_rc_open(&p->b.c, p->b.priv, (const struct sockaddr *)rb,
			 o->have_local_b ? (struct sockaddr *)&o->local_b : NULL);
	if (err)
		return ctl_error(c, "socket B: %s", strerror(-err));

	if (o->key_file) {
		err = prl_rc_allocate(&p->a.c, o->server_key, p->b.pub,
				     (int)o->timeout_ms * PING_HANDSHAKES, &ep);
		if (err)
			return ctl_error(c, "no AllocateResponse from the relay (is the key granted, the server key right?): %s",
					 strerror(-err));
		p->vni = ep.vni;
		memcpy(o->server_key, ep.server_key, PRL_KEY_LEN);
	} else {
		if (ctl_nl(c))
			return EXIT_ERR;
		if (!o->have_server_key) {
			err = prl_config_get(&c->nl, &cfg);
			if (err)
				return ctl_kernel_error(c, err);
			if (!(cfg.mask & PRL_CFG_SERVER_KEY))
				return ctl_error(c, "the kernel has no server key (is relayd running in this network namespace?); give --server-key or use --key");
			memcpy(o->server_key, cfg.server_key, PRL_KEY_LEN);
		}
		err = prl_session_new(&c->nl, p->a.pub, p->b.pub, NULL, &s);
		if (err)
			return ctl_kernel_error(c, err);
		p->vni = s.vni;
		p->netlink_session = true;
		err = prl_rc_set_endpoint(&p->a.c, o->server_key, p->vni,
					 p->b.pub);
		if (err)
			return ctl_error(c, "endpoint A: %s", strerror(-err));
	}
	err = prl_rc_set_endpoint(&p->b.c, o->server_key, p->vni, p->a.pub);
	if (err)
		return ctl_error(c, "endpoint B: %s", strerror(-err));
	return 0;
}

static void summary(struct ctl *c, const struct ping_state *p,
		    const struct ping_opts *o, uint32_t received,
		    uint32_t modified, int64_t forwarded)
{
	uint64_t min = UINT64_MAX, max = 0, sum = 0;
	struct prl_json j;
	uint32_t i;

	for (i = 0; i < o->count; i++) {
		uint64_t t = p->rtt_ns[i];

		if (!t)
			continue;
		sum += t;
		min = t < min ? t : min;
		max = t > max ? t : max;
	}
	if (!c->cli.json) {
		fprintf(c->out, "--- %s relay ping statistics ---\n", o->relay_s);
		fprintf(c->out, "%u probes transmitted, %u received, %u%% loss",
			o->count, received,
			(o->count - received) * 100 / o->count);
		if (modified)
			fprintf(c->out, ", %u modified", modified);
		fputc('\n', c->out);
		if (received)
			fprintf(c->out, "rtt min/avg/max = %.3f/%.3f/%.3f ms\n",
				(double)min / 1e6, (double)sum / received / 1e6,
				(double)max / 1e6);
		return;
	}
	prl_json_init(&j, c->out);
	prl_json_obj_begin(&j);
	prl_json_kv_str(&j, "relay", o->relay_s);
	prl_json_kv_u64(&j, "vni", p->vni);
	prl_json_kv_str(&j, "mode", p->netlink_session ? "netlink" : "in-band");
	prl_json_kv_u64(&j, "handshakes", p->handshakes);
	prl_json_kv_u64(&j, "sent", o->count);
	prl_json_kv_u64(&j, "received", received);
	prl_json_kv_u64(&j, "lost", o->count - received);
	prl_json_kv_u64(&j, "modified", modified);
	if (received) {
		prl_json_kv_u64(&j, "rtt_min_us", min / 1000);
		prl_json_kv_u64(&j, "rtt_avg_us", sum / received / 1000);
		prl_json_kv_u64(&j, "rtt_max_us", max / 1000);
	} else {
		prl_json_kv_null(&j, "rtt_min_us");
		prl_json_kv_null(&j, "rtt_avg_us");
		prl_json_kv_null(&j, "rtt_max_us");
	}
	if (forwarded >= 0)
		prl_json_kv_u64(&j, "forwarded", (uint64_t)forwarded);
	else
		prl_json_kv_null(&j, "forwarded");
	prl_json_key(&j, "probes");
	prl_json_arr_begin(&j);
	for (i = 0; i < o->count; i++) {
		prl_json_obj_begin(&j);
		prl_json_kv_u64(&j, "seq", i + 1);
		if (p->rtt_ns[i])
			prl_json_kv_u64(&j, "rtt_us", p->rtt_ns[i] / 1000);
		else
			prl_json_kv_null(&j, "rtt_us");
		prl_json_obj_end(&j);
	}
	prl_json_arr_end(&j);
	prl_json_obj_end(&j);
	fputc('\n', c->out);
}

int cmd_ping(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct ping_state p;
	struct ping_opts o;
	uint32_t i, received = 0, modified = 0;
	int64_t forwarded = -1;
	struct prl_session s;
	char **args;
	int rc, err;

	memset(&p, 0, sizeof(p));
	p.a.c.fd = p.b.c.fd = -1;
	/* getopt wants the program name in argv[0] */
	args = calloc((size_t)argc + 2, sizeof(*args));
	if (!args)
		return ctl_error(c, "out of memory");
	args[0] = (char *)"relayctl ping";
	memcpy(args + 1, argv, (size_t)argc * sizeof(*argv));
	rc = parse_opts(c, argc + 1, args, &o);
	free(args);
	if (rc)
		return rc;
	p.buf = malloc(PRL_RC_MAX_DATAGRAM);
	p.rtt_ns = calloc(o.count, sizeof(*p.rtt_ns));
	if (!p.buf || !p.rtt_ns) {
		rc = ctl_error(c, "out of memory");
		goto out;
	}
	rc = setup(c, &p, &o);
	if (!rc)
		rc = connect_pair(c, &p, &o);
	if (rc)
		goto out;

	if (!c->cli.json && !o.quiet) {
		fprintf(c->out, "PING %s vni %u (%s session)\n", o.relay_s,
			p.vni, p.netlink_session ? "netlink" : "in-band");
		fflush(c->out);
	}
	for (i = 0; i < o.count; i++) {
		bool mod = false;

		if (i && o.interval_ms)
			prl_rc_sleep_ms(o.interval_ms);
		err = prl_rc_probe(&p.a.c, &p.b.c, 0, (int)o.timeout_ms, p.buf,
				   &p.rtt_ns[i], &mod);
		if (!err && !p.rtt_ns[i])
			p.rtt_ns[i] = 1;	/* 0 means lost */
		if (err && err != -ETIMEDOUT) {
			rc = ctl_error(c, "probe: %s", strerror(-err));
			goto out;
		}
		if (err)
			p.rtt_ns[i] = 0;
		else
			received++;
		modified += mod;
		if (c->cli.json || o.quiet)
			continue;
		if (!err)
			fprintf(c->out, "reply from %s: seq=%u vni=%u time=%.3f ms%s\n",
				o.relay_s, i + 1, p.vni,
				(double)p.rtt_ns[i] / 1e6,
				mod ? " (MODIFIED)" : "");
		else
			fprintf(c->out, "no reply: seq=%u vni=%u (timeout %u ms)\n",
				i + 1, p.vni, o.timeout_ms);
		fflush(c->out);
	}
	if (p.netlink_session && !prl_session_get(&c->nl, p.vni, &s))
		forwarded = (int64_t)(s.ep[0].rx_packets + s.ep[1].rx_packets);
	summary(c, &p, &o, received, modified, forwarded);
	if (modified)
		rc = ctl_error(c, "%u datagram(s) were modified in transit",
			       modified);
	else if (!received)
		rc = ctl_error(c, "no probe came back through the relay");
	else
		rc = EXIT_OK;
out:
	if (p.netlink_session) {
		err = prl_session_del(&c->nl, p.vni);
		if (err && err != -ENOENT && rc == EXIT_OK)
			rc = ctl_kernel_error(c, err);
	}
	sodium_memzero(p.a.priv, sizeof(p.a.priv));
	sodium_memzero(p.b.priv, sizeof(p.b.priv));
	if (p.a.c.fd >= 0)
		prl_rc_close(&p.a.c);
	if (p.b.c.fd >= 0)
		prl_rc_close(&p.b.c);
	free(p.buf);
	free(p.rtt_ns);
	return rc;
}
