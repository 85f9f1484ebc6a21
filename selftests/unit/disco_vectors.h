/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The known-answer vectors of the protocol (Documentation/protocol.md
 * §2.6) as spaced hex ("|" separates fields): checked by
 * selftests/unit/disco_test.c and seeded into the fuzz corpus by
 * fuzz/gen_corpus.c.
 */
#ifndef PRL_DISCO_VECTORS_H
#define PRL_DISCO_VECTORS_H

static const char bind_hex[] =
	"04 00 | 00 00 00 01 | 00 00 00 02 |"
	"00 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 1e 1f |"
	"00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
	"10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";

static const char alloc_req_hex[] =
	"08 00 |"
	"00 01 02 03 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 1e 1f |"
	"00 01 02 00 04 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 1e 1f |"
	"00 00 00 01";

/* The UDPRelayEndpoint block of the CallMeMaybeVia vector. */
static const char ep_block_hex[] =
	"00 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 1e 1f |"
	"00 01 02 03 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 1e 1f |"
	"00 01 02 00 04 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 1e 1f |"
	"00 00 00 00 00 00 00 7b | 00 00 01 c8 |"
	"00 00 00 00 3b 9a ca 00 | 00 00 00 0d f8 47 58 00 |"
	"00 00 00 00 00 00 00 00 00 00 ff ff 01 02 03 04 02 37 |"
	"20 01 00 00 00 00 00 00 00 00 00 00 00 00 34 56 03 15";

#endif /* PRL_DISCO_VECTORS_H */
