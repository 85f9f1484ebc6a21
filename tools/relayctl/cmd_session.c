// SPDX-License-Identifier: GPL-2.0-only
/* relayctl session add|bind|del|get|list|show|flush */
#include <string.h>

#include "relayctl.h"

static int session_add(struct ctl *c, int argc, char **argv)
{
	uint8_t ka[PEER_RELAY_KEY_LEN], kb[PEER_RELAY_KEY_LEN];
	struct pr_session s;
	uint32_t vni;
	bool has_vni = false;
	int err;

	if (argc != 2 && argc != 4)
		return ctl_usage_error(c, "expected KEY_A KEY_B [vni N]");
	if (ctl_arg_key(c, "KEY_A", argv[0], ka) ||
	    ctl_arg_key(c, "KEY_B", argv[1], kb))
		return EXIT_USAGE;
	if (argc == 4) {
		if (strcmp(argv[2], "vni"))
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[2]);
		if (ctl_arg_u32(c, "VNI", argv[3], &vni))
			return EXIT_USAGE;
		has_vni = true;
	}
	if (ctl_nl(c))
		return EXIT_ERR;
	err = pr_session_new(&c->nl, ka, kb, has_vni ? &vni : NULL, &s);
	if (err)
		return ctl_kernel_error(c, err);
	out_session(c, &s);
	return EXIT_OK;
}

static int session_bind(struct ctl *c, int argc, char **argv)
{
	struct pr_endpoint remote;
	struct pr_addr local = { 0 };
	uint32_t vni;
	int err;

	if (argc != 3 && argc != 5)
		return ctl_usage_error(c, "expected VNI 0|1 ADDR:PORT [local ADDR]");
	if (ctl_arg_u32(c, "VNI", argv[0], &vni))
		return EXIT_USAGE;
	if (strcmp(argv[1], "0") && strcmp(argv[1], "1"))
		return ctl_usage_error(c, "invalid endpoint '%s': expected 0 or 1",
				       argv[1]);
	if (pr_endpoint_parse(argv[2], &remote))
		return ctl_usage_error(c, "invalid endpoint address '%s': expected IPv4:PORT or [IPv6]:PORT",
				       argv[2]);
	if (argc == 5) {
		if (strcmp(argv[3], "local"))
			return ctl_usage_error(c, "unexpected argument '%s'",
					       argv[3]);
		if (pr_addr_parse(argv[4], &local))
			return ctl_usage_error(c, "invalid local address '%s'",
					       argv[4]);
		if (local.family != remote.addr.family)
			return ctl_usage_error(c, "local address family differs from the remote's");
	}
	if (ctl_nl(c))
		return EXIT_ERR;
	err = pr_session_bind(&c->nl, vni, argv[1][0] == '1', &remote,
			      argc == 5 ? &local : NULL);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

/*
 * "VNI" or "key KEY_A KEY_B": sets *@vni or the keys. Returns 0, or the
 * usage error's exit code.
 */
static int parse_session_id(struct ctl *c, int argc, char **argv,
			    uint32_t *vni, uint8_t *ka, uint8_t *kb,
			    bool *by_key)
{
	*by_key = false;
	if (argc == 1)
		return ctl_arg_u32(c, "VNI", argv[0], vni) ? EXIT_USAGE : 0;
	if (argc == 3 && !strcmp(argv[0], "key")) {
		*by_key = true;
		if (ctl_arg_key(c, "KEY_A", argv[1], ka) ||
		    ctl_arg_key(c, "KEY_B", argv[2], kb))
			return EXIT_USAGE;
		return 0;
	}
	return ctl_usage_error(c, "expected VNI or 'key KEY_A KEY_B'");
}

static int session_del(struct ctl *c, int argc, char **argv)
{
	uint8_t ka[PEER_RELAY_KEY_LEN], kb[PEER_RELAY_KEY_LEN];
	bool by_key;
	uint32_t vni = 0;
	int err;

	err = parse_session_id(c, argc, argv, &vni, ka, kb, &by_key);
	if (err)
		return err;
	if (ctl_nl(c))
		return EXIT_ERR;
	err = by_key ? pr_session_del_keys(&c->nl, ka, kb) :
		       pr_session_del(&c->nl, vni);
	return err ? ctl_kernel_error(c, err) : EXIT_OK;
}

static int session_get(struct ctl *c, int argc, char **argv)
{
	uint8_t ka[PEER_RELAY_KEY_LEN], kb[PEER_RELAY_KEY_LEN];
	struct pr_session s;
	bool by_key;
	uint32_t vni = 0;
	int err;

	err = parse_session_id(c, argc, argv, &vni, ka, kb, &by_key);
	if (err)
		return err;
	if (ctl_nl(c))
		return EXIT_ERR;
	err = by_key ? pr_session_get_keys(&c->nl, ka, kb, &s) :
		       pr_session_get(&c->nl, vni, &s);
	if (err)
		return ctl_kernel_error(c, err);
	out_session(c, &s);
	return EXIT_OK;
}

struct list_ctx {
	struct ctl *c;
	struct pr_json j;
};

static int list_one(const struct pr_session *s, void *arg)
{
	struct list_ctx *l = arg;

	if (l->c->json)
		out_session_json(&l->j, s);
	else
		out_session(l->c, s);
	return 0;
}

static int session_list(struct ctl *c, int argc, char **argv)
{
	struct list_ctx l = { .c = c };
	int err;

	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	if (ctl_nl(c))
		return EXIT_ERR;
	pr_json_init(&l.j, c->out);
	if (c->json)
		pr_json_arr_begin(&l.j);
	err = pr_session_dump(&c->nl, list_one, &l);
	if (c->json)
		pr_json_arr_end(&l.j);
	return err < 0 ? ctl_kernel_error(c, err) : EXIT_OK;
}

static int session_flush(struct ctl *c, int argc, char **argv)
{
	int err;

	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	if (ctl_nl(c))
		return EXIT_ERR;
	err = pr_session_flush(&c->nl);
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

const struct subcmd session_cmds[] = {
	{ "add", "KEY_A KEY_B [vni N]", "allocate a session for two clients",
	  "Allocates a relay session for the unordered pair of client disco\n"
	  "keys (64 hex digits each). Asking again for the same pair returns\n"
	  "the existing session unchanged (same VNI and lamport). 'vni N'\n"
	  "requests a specific VNI (1..16777215); EEXIST if it is taken.\n"
	  "\n" SESSION_FIELDS,
	  session_add },
	{ "bind", "VNI 0|1 ADDR:PORT [local ADDR]",
	  "bind an endpoint of a session to a client address",
	  "Sets where endpoint 0 (belonging to key0) or 1 (key1) of session VNI\n"
	  "is reached: ADDR:PORT is the client's address as seen by the relay.\n"
	  "'local ADDR' pins the relay address used to send to it (same family).\n"
	  "Replaces an earlier binding atomically. Once both endpoints are bound\n"
	  "the session is open and data packets are forwarded.\n",
	  session_bind },
	{ "del", "VNI | key KEY_A KEY_B", "delete a session",
	  "Deletes the session with this VNI or this key pair.\n",
	  session_del },
	{ "get", "VNI | key KEY_A KEY_B", "show one session",
	  SESSION_FIELDS, session_get },
	{ "list", "", "list all sessions", LIST_HELP, session_list },
	{ "show", "", "alias of 'session list'", LIST_HELP, session_list },
	{ "flush", "", "delete all sessions",
	  "Deletes every session of this network namespace.\n",
	  session_flush },
	{ 0 },
};
