/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nlbuf - a raw netlink message writer for the test tools that build
 * requests byte by byte, without libnl (nlstress, nlfuzz: they also build
 * what libnl would refuse) and for fuzz/gen_corpus.c (attribute nests
 * like the kernel sends). Header only: the tools are single files.
 */
#ifndef SELFTESTS_NLBUF_H
#define SELFTESTS_NLBUF_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A message being written: @len of the @cap bytes at @b are used. */
struct nlbuf {
	uint8_t *b;
	size_t len, cap;
};

#define NLBUF_FULL	((size_t)-1)	/* nlbuf_nest() found no room */

/*
 * Append @n bytes of @d (zeros if NULL), padded to NLA_ALIGN. Returns
 * where they went, or NULL (nothing written) if they do not fit.
 */
static inline void *nlbuf_raw(struct nlbuf *m, const void *d, size_t n)
{
	uint8_t *p;

	if (m->len + NLA_ALIGN(n) > m->cap)
		return NULL;
	p = m->b + m->len;
	if (d)
		memcpy(p, d, n);
	else
		memset(p, 0, n);
	memset(p + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_ALIGN(n);
	return p;
}

/* Attribute @type with @n bytes of @d; false (nothing written) if full. */
static inline bool nlbuf_put(struct nlbuf *m, uint16_t type, const void *d,
			     size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n),
			    .nla_type = type };

	if (m->len + NLA_HDRLEN + NLA_ALIGN(n) > m->cap)
		return false;
	nlbuf_raw(m, &a, sizeof(a));
	nlbuf_raw(m, d, n);
	return true;
}

static inline bool nlbuf_put_u16(struct nlbuf *m, uint16_t type, uint16_t v)
{
	return nlbuf_put(m, type, &v, sizeof(v));
}

static inline bool nlbuf_put_u32(struct nlbuf *m, uint16_t type, uint32_t v)
{
	return nlbuf_put(m, type, &v, sizeof(v));
}

static inline bool nlbuf_put_u64(struct nlbuf *m, uint16_t type, uint64_t v)
{
	return nlbuf_put(m, type, &v, sizeof(v));
}

/*
 * Open nest @type (NLA_F_NESTED set); returns its offset for
 * nlbuf_nest_end(), or NLBUF_FULL.
 */
static inline size_t nlbuf_nest(struct nlbuf *m, uint16_t type)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN,
			    .nla_type = type | NLA_F_NESTED };
	size_t at = m->len;

	return nlbuf_raw(m, &a, sizeof(a)) ? at : NLBUF_FULL;
}

/* Close the nest opened at @at: its length covers what came since. */
static inline void nlbuf_nest_end(struct nlbuf *m, size_t at)
{
	if (at != NLBUF_FULL)
		((struct nlattr *)(m->b + at))->nla_len = (uint16_t)(m->len - at);
}

/*
 * Start a generic netlink request of family @type: the headers only
 * (NLM_F_REQUEST | @flags, sequence @seq, @cmd, @version).
 */
static inline void nlbuf_genl_start(struct nlbuf *m, uint16_t type,
				    uint16_t flags, uint32_t seq, uint8_t cmd,
				    uint8_t version)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)m->b;
	struct genlmsghdr *gh = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | flags;
	nh->nlmsg_seq = seq;
	gh->cmd = cmd;
	gh->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* The message is complete: its header gets its length. */
static inline void nlbuf_end(struct nlbuf *m)
{
	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
}

#endif /* SELFTESTS_NLBUF_H */
