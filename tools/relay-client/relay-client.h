/* SPDX-License-Identifier: GPL-2.0-only */
/* relay-client: shared state, option parsing and the command entry points. */
#ifndef RELAY_CLIENT_H
#define RELAY_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "cli.h"
#include "json.h"
#include "relayclient.h"

/* Exit codes (also in relay-client.1): cli.h's EXIT_OK/ERR/USAGE and */
#define EXIT_TIMEOUT	3	/* nothing (or not enough) arrived in time */

#define RCLI_DEFAULT_TIMEOUT_MS	3000

struct rcli {
	struct prl_cli cli;	/* -j, the command's name for messages */
	struct prl_json j;
};

static inline struct rcli *rcli_of(struct prl_cli *cli)
{
	return (struct rcli *)((char *)cli - offsetof(struct rcli, cli));
}

/* Everything allocate, bind and pair accept (each checks its subset). */
struct rcli_opts {
	const char *relay_s, *relay_b_s, *local_s, *local_b_s;
	struct sockaddr_storage relay, relay_b, local, local_b;
	const char *key_file, *key_b_file;
	uint8_t server_key[32];
	bool have_server_key;
	uint8_t peer[32];
	bool have_peer;
	uint32_t vni;
	bool have_vni;
	bool allocate;
	uint32_t generation;
	int timeout_ms;
	bool timeout_set;
	enum prl_rc_corrupt corrupt;
	/* modes of bind / pair */
	const char *send_hex;
	uint16_t proto;
	uint32_t count;
	bool count_set;
	uint32_t recv_n;
	bool echo;
	uint32_t ping_n;
	uint32_t interval_ms;
	uint32_t size;
	uint32_t settle_ms;
	bool quiet;
	/* --endpoint-json FILE: a relay endpoint description */
	const char *ep_file;
	bool have_ep;
	struct prl_disco_endpoint ep;
	/* many */
	uint32_t pairs;
	uint32_t sockets;
	uint32_t seed;
	bool print_grants;
};

/* ---- main.c ---- */
#define rcli_usage_error(r, ...)	prl_cli_usage_error(&(r)->cli, __VA_ARGS__)
#define rcli_error(r, ...)		prl_cli_error(&(r)->cli, __VA_ARGS__)
/* Map a library error: -ETIMEDOUT -> EXIT_TIMEOUT, else EXIT_ERR. */
int rcli_fail(struct rcli *r, int err, const char *what);

/* ---- opts.c ---- */
/*
 * Parse the options of allocate/bind/pair into @o (defaults applied).
 * Returns -1 if help was printed (exit 0), or an exit code > 0 on a
 * usage error, or 0.
 */
int rcli_parse_opts(struct rcli *r, int argc, char **argv,
		    struct rcli_opts *o, const char *usage);
/*
 * --relay and --server-key (and with @peer, --peer) are required: 0 or
 * the usage error's exit code.
 */
int rcli_need_relay(struct rcli *r, const struct rcli_opts *o, bool peer);
/*
 * Open client @c for --relay with the key of --key (or a new one) from
 * --local; the public key goes to @pub. Returns 0 or an exit code.
 */
int rcli_open(struct rcli *r, const struct rcli_opts *o, struct prl_rc *c,
	      uint8_t pub[32]);
/* Load the private key in @path, or generate one if @path is NULL. */
int rcli_key(struct rcli *r, const char *path, uint8_t priv[32],
	     uint8_t pub[32]);
/* "ip:port" of a socket address into @buf. */
const char *rcli_fmt_sa(const struct sockaddr_storage *ss, char *buf,
			size_t len);
#define RCLI_SA_STRLEN	64
/*
 * With --endpoint-json: the first relay address of @family (0: any) into
 * @ss. Returns 0 or -ENOENT.
 */
int rcli_ep_relay(const struct rcli_opts *o, int family,
		  struct sockaddr_storage *ss);
/*
 * With --endpoint-json: check that @own is one of the endpoint's client
 * keys and put the other one in @peer. Returns 0 or an exit code.
 */
int rcli_ep_peer(struct rcli *r, const struct rcli_opts *o,
		 const uint8_t own[32], uint8_t peer[32]);
/* Lower-case hex of a key into @buf (65 bytes). */
const char *rcli_fmt_key(const uint8_t *key, char *buf);

/* ---- cmd_allocate.c ---- */
/* Print an endpoint (human: "key value" lines; -j: one object). */
void rcli_print_endpoint(struct rcli *r, const struct prl_disco_endpoint *ep,
			 const uint8_t *own_pub, uint32_t generation);

/* ---- the commands ---- */
int cmd_genkey(struct prl_cli *cli, int argc, char **argv);
int cmd_pubkey(struct prl_cli *cli, int argc, char **argv);
int cmd_allocate(struct prl_cli *cli, int argc, char **argv);
int cmd_bind(struct prl_cli *cli, int argc, char **argv);
int cmd_pair(struct prl_cli *cli, int argc, char **argv);
int cmd_many(struct prl_cli *cli, int argc, char **argv);
int cmd_wg(struct prl_cli *cli, int argc, char **argv);	/* cmd_wg.c */

#endif /* RELAY_CLIENT_H */
