// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the text parsers every tool and relayd use for
 * untrusted-ish input (command lines, config files, the grants file):
 * prl_addr_parse, prl_endpoint_parse, prl_endpoint_list_parse, prl_hex_parse,
 * prl_hex_parse_any, prl_key_from_hex, prl_parse_u64/u32, prl_grants_parse
 * and prl_disco_endpoint_from_json (endpoint descriptions that
 * relay-client reads).
 *
 * The first input byte selects the parser, the rest is the text (cut at
 * the first NUL for the C-string parsers; passed with its length to
 * prl_grants_parse). Everything that parses is formatted and parsed
 * again and must give the same value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "alloc.h"
#include "disco.h"
#include "fuzz_common.h"
#include "keyfile.h"
#include "num.h"

static void endpoint_roundtrip(const struct prl_endpoint *ep)
{
	char buf[PRL_ENDPOINT_STRLEN];
	struct prl_endpoint again;

	FZ_CHECK(ep->addr.family == AF_INET || ep->addr.family == AF_INET6);
	FZ_CHECK(ep->port >= 1);
	prl_endpoint_fmt(ep, buf, sizeof(buf));
	FZ_CHECK(prl_endpoint_parse(buf, &again) == 0);
	FZ_CHECK(prl_endpoint_equal(ep, &again));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bytes[4096], bytes2[4096];
	static struct prl_endpoint eps[PEER_RELAY_MAX_STATIC_EPS];
	char *s, fmt[2 * sizeof(bytes) + 1];
	struct prl_endpoint ep;
	struct prl_addr a, a2;
	struct prl_grants g;
	char err[128];
	uint64_t v;
	uint32_t v32;
	long n;
	int r;

	if (size < 1)
		return 0;
	s = malloc(size);
	FZ_CHECK(s);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	switch (data[0] % 9) {
	case 0:
		if (prl_addr_parse(s, &a) == 0) {
			char buf[PRL_ADDR_STRLEN];

			FZ_CHECK(prl_addr_len(&a) == 4 || prl_addr_len(&a) == 16);
			prl_addr_fmt(&a, buf, sizeof(buf));
			FZ_CHECK(prl_addr_parse(buf, &a2) == 0 && prl_addr_equal(&a, &a2));
		}
		break;
	case 1:
		if (prl_endpoint_parse(s, &ep) == 0)
			endpoint_roundtrip(&ep);
		break;
	case 2:
		r = prl_endpoint_list_parse(s, eps, PEER_RELAY_MAX_STATIC_EPS);
		FZ_CHECK(r == -EINVAL || r == -E2BIG ||
			 (r >= 1 && r <= PEER_RELAY_MAX_STATIC_EPS));
		for (int i = 0; i < r; i++)
			endpoint_roundtrip(&eps[i]);
		break;
	case 3:
		n = prl_hex_parse_any(s, bytes, sizeof(bytes));
		FZ_CHECK(n == -EINVAL || n == -E2BIG || (n >= 0 && (size_t)n <= sizeof(bytes)));
		if (n >= 0) {
			FZ_CHECK(strlen(s) == (size_t)n * 2);
			prl_hex_fmt(bytes, (size_t)n, fmt);
			for (long i = 0; i < 2 * n; i++)
				FZ_CHECK(fmt[i] == tolower((unsigned char)s[i]));
			/* prl_hex_parse() decodes at most 256 bytes (scratch buffer) */
			if (n <= 256) {
				FZ_CHECK(prl_hex_parse(fmt, bytes2, (size_t)n) == 0);
				FZ_CHECK(!memcmp(bytes, bytes2, (size_t)n));
			} else {
				FZ_CHECK(prl_hex_parse(fmt, bytes2, (size_t)n) == -EINVAL);
			}
		}
		break;
	case 4:
		if (prl_key_from_hex(s, bytes) == 0) {
			char hex[PRL_KEY_HEX_LEN + 1];

			prl_key_to_hex(bytes, hex);
			FZ_CHECK(prl_key_from_hex(hex, bytes2) == 0);
			FZ_CHECK(!memcmp(bytes, bytes2, PRL_KEY_LEN));
		}
		break;
	case 5:
		r = prl_parse_u64(s, 5, 0xffffff, &v);
		FZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);
		if (r == 0)
			FZ_CHECK(v >= 5 && v <= 0xffffff);
		r = prl_parse_u32(s, 0, UINT32_MAX, &v32);
		FZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);
		break;
	case 7: {
		/* JSON endpoint description: lengths as given, NULs included */
		static struct prl_disco_endpoint dep;

		memset(err, 0, sizeof(err));
		r = prl_disco_endpoint_from_json((const char *)data + 1, size - 1,
						&dep, err, sizeof(err));
		FZ_CHECK(r == 0 || r == -EINVAL);
		FZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		if (r == 0) {
			FZ_CHECK(dep.n_addrports <= PRL_DISCO_MAX_ADDRPORTS);
			FZ_CHECK(memcmp(dep.client_key[0], dep.client_key[1],
					PRL_KEY_LEN) <= 0);
		}
		break;
	}
	default:
		/* grants text: lengths as given, NULs included */
		if (prl_grants_parse((const char *)data + 1, size - 1, &g, err,
				    sizeof(err)) == 0) {
			for (size_t i = 0; i < g.n; i++) {
				FZ_CHECK(prl_grants_contains(&g, g.keys[i]));
				for (size_t j = 0; j < i; j++)
					FZ_CHECK(memcmp(g.keys[i], g.keys[j], PRL_KEY_LEN));
			}
			FZ_CHECK(g.n <= size / 64);
			prl_grants_free(&g);
		} else {
			FZ_CHECK(g.keys == NULL && g.n == 0);
			FZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		}
		break;
	}
	free(s);
	return 0;
}
