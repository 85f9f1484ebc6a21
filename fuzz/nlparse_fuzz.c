// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the netlink reply/event parsers of tools/lib
 * (prl_parse_sock, _session, _ep, _stats, _config), which relayd and
 * relayctl run on everything the kernel sends, including multicast
 * events. The first input byte selects the parser; the rest becomes the
 * payload of one nested attribute (in an exact-size heap block).
 * Invariants: no out-of-bounds access; a successful parse yields values
 * within the parser's own limits (at most 16 static endpoints, each with
 * an address family; address families only AF_INET/AF_INET6/0).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "nl.h"

static void check_addr(const struct prl_addr *a)
{
	FZ_CHECK(a->family == 0 || a->family == AF_INET || a->family == AF_INET6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prl_sock_info sock;
	static struct prl_session sess;
	static struct prl_ep_info ep;
	static struct prl_stats st;
	static struct prl_config cfg;
	struct nlattr *nest;
	size_t plen;
	int r;

	if (size < 1 || size - 1 > 0xffff - NLA_HDRLEN)
		return 0;
	plen = size - 1;
	nest = malloc(NLA_HDRLEN + plen);
	FZ_CHECK(nest);
	nest->nla_len = (uint16_t)(NLA_HDRLEN + plen);
	nest->nla_type = NLA_F_NESTED | 1;
	memcpy((uint8_t *)nest + NLA_HDRLEN, data + 1, plen);

	switch (data[0] % 5) {
	case 0:
		r = prl_parse_sock(nest, &sock);
		if (!r)
			check_addr(&sock.local.addr);
		break;
	case 1:
		r = prl_parse_session(nest, &sess);
		if (!r) {
			check_addr(&sess.ep[0].remote.addr);
			check_addr(&sess.ep[1].local);
		}
		break;
	case 2:
		r = prl_parse_ep(nest, &ep);
		if (!r) {
			check_addr(&ep.remote.addr);
			check_addr(&ep.local);
		}
		break;
	case 3:
		r = prl_parse_stats(nest, &st);
		break;
	default:
		r = prl_parse_config(nest, &cfg);
		if (!r) {
			FZ_CHECK(cfg.n_static_eps <= PEER_RELAY_MAX_STATIC_EPS);
			for (unsigned int i = 0; i < cfg.n_static_eps; i++) {
				FZ_CHECK(cfg.static_eps[i].addr.family);
				check_addr(&cfg.static_eps[i].addr);
			}
		}
		break;
	}
	FZ_CHECK(r == 0 || r == -EBADMSG);
	free(nest);
	return 0;
}
