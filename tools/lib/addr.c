// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address, endpoint and hex parsing/formatting shared by all tools.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

size_t prl_addr_len(const struct prl_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

int prl_addr_from_raw(struct prl_addr *a, const void *raw, size_t len)
{
	memset(a, 0, sizeof(*a));
	if (len == 4)
		a->family = AF_INET;
	else if (len == 16)
		a->family = AF_INET6;
	else
		return -EINVAL;
	memcpy(a->u.raw, raw, len);
	return 0;
}

/* Parse @len bytes of @s as an address (no brackets). */
static int addr_parse_n(const char *s, size_t len, struct prl_addr *out)
{
	char buf[PRL_ADDR_STRLEN];

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	/* inet_pton rejects "%scope" suffixes, which we want. */
	if (inet_pton(AF_INET6, buf, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

int prl_addr_parse(const char *s, struct prl_addr *out)
{
	size_t len;
	int err;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		err = addr_parse_n(s + 1, len - 2, out);
		if (!err && out->family != AF_INET6) {
			memset(out, 0, sizeof(*out));
			return -EINVAL;
		}
		return err;
	}
	return addr_parse_n(s, len, out);
}

/* Decimal port @min..65535, digits only. */
static int port_parse(const char *s, unsigned long min, uint16_t *port)
{
	unsigned long v = 0;
	const char *p;

	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int endpoint_parse(const char *s, unsigned long min_port,
			  struct prl_endpoint *out)
{
	const char *colon;
	int err;

	if (!s)
		return -EINVAL;
	memset(out, 0, sizeof(*out));

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		err = addr_parse_n(s + 1, (size_t)(close - s - 1), &out->addr);
		if (err || out->addr.family != AF_INET6)
			goto bad;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		/* Bare IPv6 with a port is ambiguous: require brackets. */
		if (memchr(s, ':', (size_t)(colon - s)))
			return -EINVAL;
		err = addr_parse_n(s, (size_t)(colon - s), &out->addr);
		if (err || out->addr.family != AF_INET)
			goto bad;
	}
	err = port_parse(colon + 1, min_port, &out->port);
	if (err)
		goto bad;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

int prl_endpoint_parse(const char *s, struct prl_endpoint *out)
{
	return endpoint_parse(s, 1, out);
}

int prl_endpoint_parse_local(const char *s, struct prl_endpoint *out)
{
	return endpoint_parse(s, 0, out);
}

int prl_endpoint_list_parse(const char *s, struct prl_endpoint *out, size_t max)
{
	char item[PRL_ENDPOINT_STRLEN + 1];
	size_t n = 0;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (len == 0 || len >= sizeof(item))
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		memcpy(item, s, len);
		item[len] = '\0';
		if (prl_endpoint_parse(item, &out[n]))
			return -EINVAL;
		n++;
		if (!comma)
			break;
		s = comma + 1;
	}
	return (int)n;
}

const char *prl_addr_fmt(const struct prl_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET || a->family == AF_INET6) {
		if (inet_ntop(a->family, a->u.raw, buf, (socklen_t)len))
			return buf;
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "none");
	return buf;
}

const char *prl_endpoint_fmt(const struct prl_endpoint *ep, char *buf,
			    size_t len)
{
	char a[PRL_ADDR_STRLEN];

	prl_addr_fmt(&ep->addr, a, sizeof(a));
	if (ep->addr.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, ep->port);
	else if (ep->addr.family == AF_INET)
		snprintf(buf, len, "%s:%u", a, ep->port);
	else
		snprintf(buf, len, "none");
	return buf;
}

bool prl_addr_equal(const struct prl_addr *a, const struct prl_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->u.raw, b->u.raw, prl_addr_len(a));
}

bool prl_endpoint_equal(const struct prl_endpoint *a,
		       const struct prl_endpoint *b)
{
	return a->port == b->port && prl_addr_equal(&a->addr, &b->addr);
}

int prl_endpoint_to_sockaddr(const struct prl_endpoint *ep,
			    struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (ep->addr.family) {
	case AF_INET:
		sin->sin_port = htons(ep->port);
		sin->sin_addr = ep->addr.u.v4;
		break;
	case AF_INET6:
		sin6->sin6_port = htons(ep->port);
		sin6->sin6_addr = ep->addr.u.v6;
		break;
	default:
		return -EAFNOSUPPORT;
	}
	ss->ss_family = ep->addr.family;
	*sslen = prl_sockaddr_len(ep->addr.family);
	return 0;
}

int prl_endpoint_from_sockaddr(const struct sockaddr *sa, socklen_t salen,
			      struct prl_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		ep->addr.family = AF_INET;
		ep->addr.u.v4 = sin->sin_addr;
		ep->port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 &&
	    salen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)sa;

		ep->addr.family = AF_INET6;
		ep->addr.u.v6 = sin6->sin6_addr;
		ep->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

socklen_t prl_sockaddr_len(sa_family_t family)
{
	if (family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

bool prl_sockaddr_equal(const struct sockaddr_storage *a,
			const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex_decode(const char *s, size_t digits, uint8_t *out)
{
	size_t i;

	for (i = 0; i < digits / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int prl_hex_parse(const char *s, uint8_t *out, size_t len)
{
	uint8_t tmp[256];

	if (!s || len > sizeof(tmp) || strlen(s) != 2 * len)
		return -EINVAL;
	/* Decode into a scratch buffer so @out is untouched on error. */
	if (hex_decode(s, 2 * len, tmp))
		return -EINVAL;
	memcpy(out, tmp, len);
	return 0;
}

long prl_hex_parse_any(const char *s, uint8_t *out, size_t cap)
{
	size_t digits;

	if (!s)
		return -EINVAL;
	digits = strlen(s);
	if (digits % 2)
		return -EINVAL;
	if (digits / 2 > cap)
		return -E2BIG;
	if (hex_decode(s, digits, out))
		return -EINVAL;
	return (long)(digits / 2);
}

char *prl_hex_fmt(const uint8_t *in, size_t len, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[in[i] >> 4];
		buf[2 * i + 1] = digits[in[i] & 0xf];
	}
	buf[2 * len] = '\0';
	return buf;
}
