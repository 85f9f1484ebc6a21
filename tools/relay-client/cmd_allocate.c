// SPDX-License-Identifier: GPL-2.0-only
/* relay-client allocate: in-band AllocateUDPRelayEndpointRequest. */
#include <errno.h>
#include <string.h>

#include "relay-client.h"

static const char allocate_usage[] =
	"Usage: relay-client [-j] allocate --relay ADDR:PORT --server-key KEY\n"
	"                    --peer KEY [--key FILE] [--local ADDR[:PORT]]\n"
	"                    [--timeout MS]\n"
	"\n"
	"Ask the relay for an endpoint for the pair (own key, --peer) with a plain\n"
	"disco AllocateUDPRelayEndpointRequest sealed to --server-key (the relay's\n"
	"public key), retransmitted every 500 ms, and print the response: VNI,\n"
	"LamportID, server key, sorted client keys, lifetimes, relay addresses.\n"
	"The own key (--key FILE, or a fresh one) must be in the relay's grants.\n"
	"Exit 3 if no valid response arrives within --timeout (default 3000 ms).\n";

void rcli_print_endpoint(struct rcli *r, const struct prl_disco_endpoint *ep,
			 const uint8_t *own_pub, uint32_t generation)
{
	char hex[65], ap[PRL_ADDRPORT_STRLEN];
	size_t i;

	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_u64(&r->j, "vni", ep->vni);
		prl_json_kv_u64(&r->j, "lamport", ep->lamport);
		prl_json_kv_u64(&r->j, "generation", generation);
		prl_json_kv_str(&r->j, "server_key",
			       rcli_fmt_key(ep->server_key, hex));
		prl_json_key(&r->j, "client_keys");
		prl_json_arr_begin(&r->j);
		prl_json_str(&r->j, rcli_fmt_key(ep->client_key[0], hex));
		prl_json_str(&r->j, rcli_fmt_key(ep->client_key[1], hex));
		prl_json_arr_end(&r->j);
		prl_json_kv_i64(&r->j, "bind_lifetime_ms",
			       ep->bind_lifetime_ns / 1000000);
		prl_json_kv_i64(&r->j, "steady_state_lifetime_ms",
			       ep->steady_lifetime_ns / 1000000);
		prl_json_key(&r->j, "addrs");
		prl_json_arr_begin(&r->j);
		for (i = 0; i < ep->n_addrports; i++)
			prl_json_str(&r->j, prl_addrport_format(&ep->addrports[i],
							      ap, sizeof(ap)));
		prl_json_arr_end(&r->j);
		prl_json_kv_str(&r->j, "public_key", rcli_fmt_key(own_pub, hex));
		prl_json_obj_end(&r->j);
		return;
	}
	printf("vni %u\n", ep->vni);
	printf("lamport %llu\n", (unsigned long long)ep->lamport);
	printf("generation %u\n", generation);
	printf("server-key %s\n", rcli_fmt_key(ep->server_key, hex));
	printf("client-key %s\n", rcli_fmt_key(ep->client_key[0], hex));
	printf("client-key %s\n", rcli_fmt_key(ep->client_key[1], hex));
	printf("bind-lifetime-ms %lld\n",
	       (long long)(ep->bind_lifetime_ns / 1000000));
	printf("steady-state-lifetime-ms %lld\n",
	       (long long)(ep->steady_lifetime_ns / 1000000));
	for (i = 0; i < ep->n_addrports; i++)
		printf("addr %s\n", prl_addrport_format(&ep->addrports[i], ap,
						       sizeof(ap)));
	printf("public-key %s\n", rcli_fmt_key(own_pub, hex));
}

int cmd_allocate(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	struct rcli_opts o;
	struct prl_disco_endpoint ep;
	uint8_t pub[32];
	struct prl_rc c;
	int rc, err;

	rc = rcli_parse_opts(r, argc, argv, &o, allocate_usage);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	rc = rcli_need_relay(r, &o, true);
	if (!rc)
		rc = rcli_open(r, &o, &c, pub);
	if (rc)
		return rc;
	err = prl_rc_allocate(&c, o.server_key, o.peer, o.timeout_ms, &ep);
	if (err) {
		prl_rc_close(&c);
		return rcli_fail(r, err, err == -EINVAL ?
				 "bad keys (peer equals own key?)" :
				 "waiting for AllocateResponse");
	}
	rcli_print_endpoint(r, &ep, pub, c.alloc_generation);
	prl_rc_close(&c);
	return EXIT_OK;
}
