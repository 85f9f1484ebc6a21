// SPDX-License-Identifier: GPL-2.0-only
/* relay-client genkey / pubkey. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "relay-client.h"

static const char genkey_usage[] =
	"Usage: relay-client [-j] genkey [-o FILE]\n"
	"\n"
	"Create a disco (Curve25519) private key. With -o the key is written to\n"
	"FILE (created with mode 0600, never overwritten) and its public key is\n"
	"printed; without -o the private key is printed as 64 hex digits.\n";

static const char pubkey_usage[] =
	"Usage: relay-client [-j] pubkey [FILE]\n"
	"\n"
	"Print the public key of the private key in FILE or on standard input\n"
	"(64 hex digits or 32 raw bytes).\n";

static void print_key(struct rcli *r, const char *name, const uint8_t *key)
{
	char hex[PRL_KEY_HEX_LEN + 1];

	prl_key_to_hex(key, hex);
	if (r->cli.json) {
		prl_json_obj_begin(&r->j);
		prl_json_kv_str(&r->j, name, hex);
		prl_json_obj_end(&r->j);
	} else {
		printf("%s\n", hex);
	}
}

struct key_opts {
	const char *out;
};

static const struct prl_cli_opt genkey_opts[] = {
	{ PRL_OPT_ROW(struct key_opts, "output", 'o', PRL_OPT_STR, out) },
	{ 0 },
};

/* pubkey: only -j and -h */
static const struct prl_cli_opt pubkey_opts[] = {
	{ 0 },
};

int cmd_genkey(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	uint8_t priv[PRL_KEY_LEN], pub[PRL_KEY_LEN];
	struct key_opts o = { 0 };
	const char *out;
	int first;

	first = prl_cli_getopt(cli, genkey_opts, &o, genkey_usage, argc, argv);
	if (first <= 0)
		return -first;
	if (first < argc)
		return rcli_usage_error(r, "unexpected argument '%s'",
					argv[first]);
	out = o.out;
	if (prl_key_generate(priv, pub))
		return rcli_error(r, "cannot generate a key");
	if (!out) {
		print_key(r, "private_key", priv);
		sodium_memzero(priv, sizeof(priv));
		return EXIT_OK;
	}
	if (prl_key_save(out, priv)) {
		int err = errno;

		sodium_memzero(priv, sizeof(priv));
		return rcli_error(r, "%s: %s", out, strerror(err));
	}
	sodium_memzero(priv, sizeof(priv));
	print_key(r, "public_key", pub);
	return EXIT_OK;
}

int cmd_pubkey(struct prl_cli *cli, int argc, char **argv)
{
	struct rcli *r = rcli_of(cli);
	uint8_t priv[PRL_KEY_LEN], pub[PRL_KEY_LEN];
	const char *path = "/dev/stdin";
	int first, ret;

	first = prl_cli_getopt(cli, pubkey_opts, NULL, pubkey_usage, argc,
				argv);
	if (first <= 0)
		return -first;
	if (first + 1 < argc)
		return rcli_usage_error(r, "unexpected argument '%s'",
					argv[first + 1]);
	if (first < argc)
		path = argv[first];
	if (!strcmp(path, "-"))
		path = "/dev/stdin";
	ret = prl_key_load(path, priv);
	if (ret < 0)
		return rcli_error(r, "%s: %s", path, errno == EINVAL ?
				  "not a private key (64 hex digits or 32 raw bytes)" :
				  strerror(errno));
	ret = prl_key_public(priv, pub);
	sodium_memzero(priv, sizeof(priv));
	if (ret)
		return rcli_error(r, "cannot derive the public key");
	print_key(r, "public_key", pub);
	return EXIT_OK;
}
