// SPDX-License-Identifier: GPL-2.0-only
/*
 * relay-client pair: both clients of a session in one process (two keys,
 * two sockets). Both handshake, then A sends disco Pings to B through the
 * relay, B answers with Pongs; reports loss and round-trip times and
 * checks that the relay forwarded every datagram unmodified.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "relay-client.h"

#define PAIR_HANDSHAKE_ATTEMPTS	3
#define PAIR_DEFAULT_COUNT	5

static const char pair_usage[] =
	"Usage: relay-client [-j] pair --relay ADDR:PORT --server-key KEY\n"
	"                    (--vni N | --allocate) [--key-a FILE] [--key-b FILE]\n"
	"                    [--relay-b ADDR:PORT] [--local-a ADDR[:PORT]]\n"
	"                    [--local-b ADDR[:PORT]] [--count N] [--interval MS]\n"
	"                    [--size N] [--timeout MS] [--generation N] [-q]\n"
	"       relay-client [-j] pair --endpoint-json FILE --key-a FILE --key-b FILE\n"
	"                    [...]\n"
	"\n"
	"Run both clients of a session: A (--key-a, alias --key) and B (--key-b),\n"
	"fresh keys if not given. With --vni the session must exist for the two\n"
	"keys (relayctl session add KEY_A KEY_B); with --allocate A allocates it\n"
	"in-band (A's key must be granted). A talks to --relay, B to --relay-b\n"
	"(default: the same; use another family for cross-family tests).\n"
	"\n"
	"Both handshake; a first Ping A->B->A confirms the path (up to 3\n"
	"handshakes). Then --count N (default 5) Pings are sent every --interval\n"
	"MS (default 200), each waiting up to --timeout MS (default 3000) for its\n"
	"Pong. B checks that each datagram arrives exactly as A sent it.\n"
	"\n"
	"Output: one line per probe and a summary; with -j one JSON object.\n"
	"Exit: 0 all answered, 1 error or a modified datagram, 2 usage,\n"
	"3 no path or lost probes.\n";

struct side {
	const char *name;
	uint8_t priv[32], pub[32];
	struct prl_rc c;
};

struct probe {
	bool ok;
	uint64_t rtt_ns;
};

static void print_side(struct rcli *r, const char *name, struct side *s)
{
	char hex[65], la[RCLI_SA_STRLEN], ra[RCLI_SA_STRLEN];
	struct sockaddr_storage local;

	prl_rc_local(&s->c, &local);
	rcli_fmt_sa(&local, la, sizeof(la));
	rcli_fmt_sa(&s->c.relay, ra, sizeof(ra));
	if (r->cli.json) {
		prl_json_key(&r->j, name);
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, "public_key", rcli_fmt_key(s->pub, hex));
		prl_json_kv_str(&r->j, "local", la);
		prl_json_kv_str(&r->j, "relay", ra);
		prl_json_kv_u64(&r->j, "generation", s->c.generation);
		prl_json_obj_end(&r->j);
	} else {
		printf("%s %s local %s relay %s generation %u\n", name,
		       rcli_fmt_key(s->pub, hex), la, ra, s->c.generation);
	}
}

static int setup(struct rcli *r, struct rcli_opts *o, struct side *a,
		 struct side *b)
{
	struct prl_disco_endpoint ep;
	int rc, err;

	rc = rcli_key(r, o->key_file, a->priv, a->pub);
	if (!rc)
		rc = rcli_key(r, o->key_b_file, b->priv, b->pub);
	if (rc)
		return rc;
	if (!memcmp(a->pub, b->pub, 32))
		return rcli_usage_error(r, "A and B must have different keys");
	if (o->have_ep) {
		uint8_t peer[32];

		rc = rcli_ep_peer(r, o, a->pub, peer);
		if (!rc && memcmp(peer, b->pub, 32))
			rc = rcli_usage_error(r, "--key-b is not the other client key of %s",
					      o->ep_file);
		if (rc)
			return rc;
	}
	err = prl_rc_open(&a->c, a->priv, (struct sockaddr *)&o->relay,
			 o->local_s ? (struct sockaddr *)&o->local : NULL);
	if (err)
		return rcli_fail(r, err, "socket A");
	err = prl_rc_open(&b->c, b->priv,
			 (struct sockaddr *)(o->relay_b_s ? &o->relay_b :
					     &o->relay),
			 o->local_b_s ? (struct sockaddr *)&o->local_b : NULL);
	if (err)
		return rcli_fail(r, err, "socket B");
	if (o->allocate) {
		err = prl_rc_allocate(&a->c, o->server_key, b->pub,
				     o->timeout_ms, &ep);
		if (err)
			return rcli_fail(r, err, "waiting for AllocateResponse");
		o->vni = ep.vni;
		memcpy(o->server_key, ep.server_key, 32);
	} else {
		err = prl_rc_set_endpoint(&a->c, o->server_key, o->vni, b->pub);
		if (err)
			return rcli_fail(r, err, "endpoint A");
	}
	err = prl_rc_set_endpoint(&b->c, o->server_key, o->vni, a->pub);
	if (err)
		return rcli_fail(r, err, "endpoint B");
	if (o->have_ep) {
		prl_rc_set_candidates(&a->c, &o->ep);
		prl_rc_set_candidates(&b->c, &o->ep);
	}
	return 0;
}

/* Handshake both sides and confirm the path. */
static int connect_pair(struct rcli *r, const struct rcli_opts *o,
			struct side *a, struct side *b, uint8_t *buf,
			unsigned int *handshakes)
{
	int err = -ETIMEDOUT;
	unsigned int i;

	for (i = 0; i < PAIR_HANDSHAKE_ATTEMPTS; i++) {
		uint32_t gen = o->generation ? o->generation + i : 0;

		(*handshakes)++;
		err = prl_rc_bind(&a->c, gen, o->timeout_ms, NULL);
		if (err)
			return rcli_fail(r, err, "A: waiting for Challenge");
		err = prl_rc_bind(&b->c, gen, o->timeout_ms, NULL);
		if (err)
			return rcli_fail(r, err, "B: waiting for Challenge");
		err = prl_rc_confirm(&a->c, &b->c, o->timeout_ms, buf);
		if (err != -ETIMEDOUT)
			break;
	}
	if (err)
		return rcli_fail(r, err, "no path A -> relay -> B -> relay -> A after handshakes");
	return 0;
}

int cmd_pair(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	struct side a = { .name = "a" }, b = { .name = "b" };
	uint64_t min = UINT64_MAX, max = 0, sum = 0;
	uint32_t i, received = 0, modified = 0;
	unsigned int handshakes = 0;
	struct probe *probes = NULL;
	struct rcli_opts o;
	uint8_t *buf = NULL;
	int rc;

	a.c.fd = b.c.fd = -1;
	rc = rcli_parse_opts(r, argc, argv, &o, pair_usage);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!o.count_set)
		o.count = PAIR_DEFAULT_COUNT;
	if (!o.relay_s)
		return rcli_usage_error(r, "--relay is required");
	if (!o.have_server_key)
		return rcli_usage_error(r, "--server-key is required (the relay's public key)");
	if (o.have_vni == o.allocate)
		return rcli_usage_error(r, "give exactly one of --vni N and --allocate");
	if (o.have_peer || o.send_hex || o.recv_n || o.echo || o.ping_n ||
	    o.corrupt)
		return rcli_usage_error(r, "--peer, --send, --recv, --echo, --ping and --corrupt are for 'bind'");
	if (o.local_b_s &&
	    o.local_b.ss_family != (o.relay_b_s ? o.relay_b : o.relay).ss_family)
		return rcli_usage_error(r, "--local-b and B's relay address must be of the same family");

	buf = malloc(PRL_RC_MAX_DATAGRAM);
	probes = calloc(o.count ? o.count : 1, sizeof(*probes));
	if (!buf || !probes) {
		rc = rcli_error(r, "out of memory");
		goto out;
	}
	rc = setup(r, &o, &a, &b);
	if (!rc)
		rc = connect_pair(r, &o, &a, &b, buf, &handshakes);
	if (rc)
		goto out;

	if (!r->cli.json && !o.quiet) {
		printf("vni %u\n", o.vni);
		print_side(r, "a", &a);
		print_side(r, "b", &b);
		fflush(stdout);
	}
	for (i = 0; i < o.count; i++) {
		bool mod = false;
		int err;

		if (i && o.interval_ms)
			prl_rc_sleep_ms(o.interval_ms);
		err = prl_rc_probe(&a.c, &b.c, o.size, o.timeout_ms, buf,
			    &probes[i].rtt_ns, &mod);
		if (err && err != -ETIMEDOUT) {
			rc = rcli_fail(r, err, "probe");
			goto out;
		}
		modified += mod;
		probes[i].ok = !err;
		if (!err) {
			uint64_t t = probes[i].rtt_ns;

			received++;
			sum += t;
			min = t < min ? t : min;
			max = t > max ? t : max;
		}
		if (!r->cli.json && !o.quiet) {
			if (!err)
				printf("probe %u rtt %.3f ms%s\n", i + 1,
				       (double)probes[i].rtt_ns / 1e6,
				       mod ? " MODIFIED" : "");
			else
				printf("probe %u lost\n", i + 1);
			fflush(stdout);
		}
	}

	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_u64(&r->j, "vni", o.vni);
		print_side(r, "a", &a);
		print_side(r, "b", &b);
		prl_json_kv_u64(&r->j, "handshakes", handshakes);
		prl_json_kv_u64(&r->j, "sent", o.count);
		prl_json_kv_u64(&r->j, "received", received);
		prl_json_kv_u64(&r->j, "lost", o.count - received);
		prl_json_kv_u64(&r->j, "modified", modified);
		if (received) {
			prl_json_kv_u64(&r->j, "rtt_min_us", min / 1000);
			prl_json_kv_u64(&r->j, "rtt_avg_us",
				       sum / received / 1000);
			prl_json_kv_u64(&r->j, "rtt_max_us", max / 1000);
		}
		prl_json_key(&r->j, "probes");
		prl_json_arr_begin(&r->j);
		for (i = 0; i < o.count; i++) {
			prl_json_obj_begin(&r->j);
			prl_json_kv_u64(&r->j, "seq", i + 1);
			if (probes[i].ok)
				prl_json_kv_u64(&r->j, "rtt_us",
					       probes[i].rtt_ns / 1000);
			else
				prl_json_kv_null(&r->j, "rtt_us");
			prl_json_obj_end(&r->j);
		}
		prl_json_arr_end(&r->j);
		prl_json_obj_end(&r->j);
	} else {
		printf("%u sent, %u received, %u lost, %u modified", o.count,
		       received, o.count - received, modified);
		if (received)
			printf(", rtt min/avg/max %.3f/%.3f/%.3f ms",
			       (double)min / 1e6,
			       (double)sum / received / 1e6, (double)max / 1e6);
		printf("\n");
	}
	if (modified)
		rc = rcli_error(r, "%u datagram(s) were modified by the relay",
				modified);
	else if (received != o.count)
		rc = EXIT_TIMEOUT;
	else
		rc = EXIT_OK;
out:
	sodium_memzero(a.priv, sizeof(a.priv));
	sodium_memzero(b.priv, sizeof(b.priv));
	if (a.c.fd >= 0)
		prl_rc_close(&a.c);
	if (b.c.fd >= 0)
		prl_rc_close(&b.c);
	free(buf);
	free(probes);
	return rc;
}
