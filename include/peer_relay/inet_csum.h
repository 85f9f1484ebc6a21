/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Internet checksum (RFC 1071) in plain C, for the test and benchmark
 * programs that build datagrams by hand (selftests/tools/udpio.c,
 * bench/benchpkt.c). Bytes are summed in network order.
 */
#ifndef _PEER_RELAY_INET_CSUM_H
#define _PEER_RELAY_INET_CSUM_H

#include <linux/types.h>

/* Add @len bytes at @p to the running 32-bit sum @sum. */
static inline __u32 prelay_csum_add(__u32 sum, const void *p, __u32 len)
{
	const __u8 *b = (const __u8 *)p;
	__u32 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (__u32)b[len - 1] << 8;
	return sum;
}

/* Fold @sum to 16 bits and complement it: the checksum field's value. */
static inline __u16 prelay_csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

#endif /* _PEER_RELAY_INET_CSUM_H */
