// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: every disco message parser (prl_disco_parse() over all
 * types: Ping, Pong, Bind/Challenge/Answer, CallMeMaybeVia,
 * AllocateRequest/Response) and the marshaller.
 *
 * The input is a decrypted plaintext (type ‖ version ‖ body) in an
 * exact-size heap block. Invariants: a successful non-empty parse
 * marshals back (version 0) into at most the input's length, and that
 * output parses to the same message; a failed parse leaves no type
 * other than the input's; unknown types and CallMeMaybe always fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disco.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prl_disco_msg m, m2;
	static uint8_t out[PRL_DISCO_MAX_PLAIN + 4096];
	uint8_t *buf;
	ssize_t n;
	int r;

	buf = malloc(size ? size : 1);
	FZ_CHECK(buf);
	memcpy(buf, data, size);

	r = prl_disco_parse(buf, size, &m);
	FZ_CHECK(prl_disco_type_name(size ? buf[0] : 0) != NULL);
	if (r != 0) {
		FZ_CHECK(r == -1);
		free(buf);
		return 0;
	}
	FZ_CHECK(size >= PRL_DISCO_MSG_HDR_LEN);
	FZ_CHECK(m.type == buf[0] && m.version == buf[1]);
	FZ_CHECK(m.type != PRL_DISCO_CALL_ME_MAYBE);
	FZ_CHECK(m.type >= PRL_DISCO_PING && m.type <= PRL_DISCO_ALLOC_RESPONSE);
	if (m.empty) {
		FZ_CHECK(m.version != 0);
		FZ_CHECK(m.type == PRL_DISCO_CALL_ME_MAYBE_VIA ||
			 m.type == PRL_DISCO_ALLOC_REQUEST ||
			 m.type == PRL_DISCO_ALLOC_RESPONSE);
		free(buf);
		return 0;
	}
	if (m.type == PRL_DISCO_CALL_ME_MAYBE_VIA)
		FZ_CHECK(m.u.via.n_addrports >= 1 &&
			 m.u.via.n_addrports <= PRL_DISCO_MAX_ADDRPORTS);
	if (m.type == PRL_DISCO_ALLOC_RESPONSE)
		FZ_CHECK(m.u.alloc_resp.ep.n_addrports >= 1 &&
			 m.u.alloc_resp.ep.n_addrports <= PRL_DISCO_MAX_ADDRPORTS);

	/* Pings with huge padding cannot be marshalled; skip those. */
	if (m.type == PRL_DISCO_PING && m.u.ping.padding > PRL_DISCO_MAX_PLAIN) {
		FZ_CHECK(prl_disco_marshal(&m, out, sizeof(out)) == -1);
		free(buf);
		return 0;
	}
	n = prl_disco_marshal(&m, out, sizeof(out));
	FZ_CHECK(n >= PRL_DISCO_MSG_HDR_LEN);
	FZ_CHECK((size_t)n <= size);		/* never longer than the input */
	FZ_CHECK(out[0] == m.type && out[1] == 0);
	/* a short buffer is refused, not overrun */
	FZ_CHECK(prl_disco_marshal(&m, out, (size_t)n - 1) == -1);
	FZ_CHECK(prl_disco_parse(out, (size_t)n, &m2) == 0);
	m.version = 0;
	FZ_CHECK(!memcmp(&m, &m2, sizeof(m)));
	free(buf);
	return 0;
}
