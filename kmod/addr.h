/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A transport address (IPv4 or IPv6 plus UDP port) as the relay stores it,
 * and the comparison against the source of a received datagram.
 */
#ifndef _PR_ADDR_H
#define _PR_ADDR_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/socket.h>
#include <net/ipv6.h>

/**
 * struct prelay_addr - IPv4/IPv6 address and port
 * @family: AF_INET, AF_INET6, or 0 when unset
 * @port: UDP port, network byte order (0 for local addresses)
 * @ip4: IPv4 address when @family is AF_INET
 * @ip6: IPv6 address when @family is AF_INET6
 */
struct prelay_addr {
	u16 family;
	__be16 port;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
};

/* Family of a received skb, from its IP header. */
static inline u16 prelay_skb_family(const struct sk_buff *skb)
{
	return ip_hdr(skb)->version == 4 ? AF_INET : AF_INET6;
}

/* Does @a equal the source address and port of @skb (family @family)? */
static inline bool prelay_addr_is_skb_source(const struct prelay_addr *a,
					 const struct sk_buff *skb, u16 family)
{
	if (a->family != family || a->port != udp_hdr(skb)->source)
		return false;
	if (family == AF_INET)
		return a->ip4 == ip_hdr(skb)->saddr;
	return ipv6_addr_equal(&a->ip6, &ipv6_hdr(skb)->saddr);
}

#endif /* _PR_ADDR_H */
