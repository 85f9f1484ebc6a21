/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IP addresses, endpoints (address + UDP port) and hex keys: the single
 * parser/formatter every peer_relay tool uses.
 *
 * Text forms:
 *   address   "192.0.2.1", "2001:db8::1" (also "[2001:db8::1]")
 *   endpoint  "192.0.2.1:7000", "[2001:db8::1]:7000"
 *   key       64 hex digits (either case), e.g. a Curve25519 public key
 */
#ifndef PRL_ADDR_H
#define PRL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/peer_relay.h>

/* Longest formatted address incl. NUL ("ffff:...:255.255.255.255"). */
#define PRL_ADDR_STRLEN		INET6_ADDRSTRLEN
/* Longest formatted endpoint incl. NUL: "[" addr "]:" 65535. */
#define PRL_ENDPOINT_STRLEN	(INET6_ADDRSTRLEN + 8)
/* A formatted key incl. NUL. */
#define PRL_KEY_HEXLEN		(2 * PEER_RELAY_KEY_LEN + 1)

/* An IPv4 or IPv6 address; family AF_UNSPEC (0) means "none". */
struct prl_addr {
	sa_family_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} u;
};

/* An address plus UDP port (host byte order). */
struct prl_endpoint {
	struct prl_addr addr;
	uint16_t port;
};

/* Number of raw address bytes of a family: 4, 16, or 0. */
size_t prl_addr_len(const struct prl_addr *a);

/* Set @a from raw network-order bytes; @len must be 4 or 16. -EINVAL else. */
int prl_addr_from_raw(struct prl_addr *a, const void *raw, size_t len);

/*
 * Parse an address ("192.0.2.1", "2001:db8::1" or "[2001:db8::1]").
 * Returns 0 or -EINVAL. Scoped IPv6 ("fe80::1%eth0") is rejected.
 */
int prl_addr_parse(const char *s, struct prl_addr *out);

/*
 * Parse "a.b.c.d:port" or "[v6]:port". The port must be decimal 1..65535.
 * Returns 0 or -EINVAL.
 */
int prl_endpoint_parse(const char *s, struct prl_endpoint *out);

/* As prl_endpoint_parse(), but port 0 ("any", for bind) is allowed too. */
int prl_endpoint_parse_local(const char *s, struct prl_endpoint *out);

/*
 * Parse a comma separated endpoint list into @out (at most @max entries).
 * Returns the number parsed, -EINVAL on a bad entry (including an empty
 * one) or -E2BIG if there are more than @max.
 */
int prl_endpoint_list_parse(const char *s, struct prl_endpoint *out, size_t max);

/* Format into @buf (PRL_ADDR_STRLEN bytes); "none" for AF_UNSPEC. */
const char *prl_addr_fmt(const struct prl_addr *a, char *buf, size_t len);

/* Format as "a.b.c.d:port" / "[v6]:port" into @buf (PRL_ENDPOINT_STRLEN). */
const char *prl_endpoint_fmt(const struct prl_endpoint *ep, char *buf,
			    size_t len);

bool prl_addr_equal(const struct prl_addr *a, const struct prl_addr *b);
bool prl_endpoint_equal(const struct prl_endpoint *a,
		       const struct prl_endpoint *b);

/* Conversions to/from socket addresses. Return 0 or -EAFNOSUPPORT. */
int prl_endpoint_to_sockaddr(const struct prl_endpoint *ep,
			    struct sockaddr_storage *ss, socklen_t *sslen);
int prl_endpoint_from_sockaddr(const struct sockaddr *sa, socklen_t salen,
			      struct prl_endpoint *ep);

/* sizeof(struct sockaddr_in) or _in6 by @family; 0 for another family. */
socklen_t prl_sockaddr_len(sa_family_t family);

/* Same family, address and port (ignores flowinfo and scope of IPv6). */
bool prl_sockaddr_equal(const struct sockaddr_storage *a,
			const struct sockaddr_storage *b);

/*
 * Parse exactly 2 * @len hex digits into @out. Returns 0 or -EINVAL (wrong
 * length or a non-hex character).
 */
int prl_hex_parse(const char *s, uint8_t *out, size_t len);

/*
 * Parse any even number of hex digits into @out (capacity @cap). Returns
 * the number of bytes, -EINVAL, or -E2BIG if it does not fit.
 */
long prl_hex_parse_any(const char *s, uint8_t *out, size_t cap);

/* Lower-case hex of @len bytes into @buf (2 * len + 1 bytes). */
char *prl_hex_fmt(const uint8_t *in, size_t len, char *buf);

/* A 32-byte key as 64 hex digits. */
static inline int prl_key_parse(const char *s, uint8_t key[PEER_RELAY_KEY_LEN])
{
	return prl_hex_parse(s, key, PEER_RELAY_KEY_LEN);
}

static inline char *prl_key_fmt(const uint8_t key[PEER_RELAY_KEY_LEN],
			       char buf[PRL_KEY_HEXLEN])
{
	return prl_hex_fmt(key, PEER_RELAY_KEY_LEN, buf);
}

#endif /* PRL_ADDR_H */
