// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsers from peer_relay netlink nests into plain structs, the EP nest
 * builder, and enum names.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <peer_relay/names.h>

#include "nl.h"
#include "tables.h"


static void get_addr(struct prl_addr *a, const struct nlattr *v4,
		     const struct nlattr *v6)
{
	if (v4)
		prl_addr_from_raw(a, nla_data(v4), 4);
	else if (v6)
		prl_addr_from_raw(a, nla_data(v6), 16);
	else
		memset(a, 0, sizeof(*a));
}

/* How an attribute reaches its field. */
enum field_kind {
	F_COPY,		/* u8 to u64 or fixed-size binary, of the field's width */
	F_ADDR,		/* struct prl_addr from @attr (IPv4) or @attr6 (IPv6) */
	F_FLAG,		/* bool: present */
	F_EP,		/* struct prl_ep_info from an EP nest */
	F_REASONS,	/* uint64_t[] from a nest of counters keyed by reason */
};

/*
 * An optional attribute and the field it fills (the policy has checked
 * its length), and the prl_config.mask bit its presence sets (0: none).
 */
struct nla_field {
	uint16_t attr;
	uint16_t attr6;
	uint16_t off;
	uint16_t len;
	enum field_kind kind;
	uint32_t bit;
};

#define FIELD_OF(k, attr, type, field, bit) \
	{ attr, 0, offsetof(type, field), sizeof(((type *)0)->field), k, bit }
#define FIELD(attr, type, field)	FIELD_OF(F_COPY, attr, type, field, 0)
#define ADDR_FIELD(attr4, attr6, type, field) \
	{ attr4, attr6, offsetof(type, field), 0, F_ADDR, 0 }

/* A nest of u64 counters keyed by reason: tb index = reason. */
static int parse_reason_nest(const struct nlattr *nest, uint64_t *out,
			     unsigned int n)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, (struct nlattr *)nest, rem) {
		unsigned int type = (unsigned int)nla_type(a);

		if (type == 0 || type >= n)
			continue;	/* a newer kernel's reason: ignore */
		if (nla_len(a) != 8)
			return -EBADMSG;
		out[type] = nla_get_u64(a);
	}
	return 0;
}

/* Fill @f's field of @out from @a (present). 0 or -EBADMSG. */
static int get_field(void *out, const struct nla_field *f,
		     const struct nlattr *a)
{
	void *dst = (uint8_t *)out + f->off;

	switch (f->kind) {
	case F_COPY:
		memcpy(dst, nla_data(a), f->len);
		return 0;
	case F_FLAG:
		*(bool *)dst = true;
		return 0;
	case F_EP:
		return prl_parse_ep(a, dst);
	case F_REASONS:
		return parse_reason_nest(a, dst, f->len / sizeof(uint64_t));
	case F_ADDR:
		break;
	}
	return -EBADMSG;
}

/* Fill the fields of @f present in @tb; *@bits gets their bits OR-ed. */
static int get_fields(void *out, struct nlattr **tb,
		      const struct nla_field *f, size_t n, uint32_t *bits)
{
	for (*bits = 0; n; n--, f++) {
		if (f->kind == F_ADDR) {
			get_addr((struct prl_addr *)((uint8_t *)out + f->off),
				 tb[f->attr], tb[f->attr6]);
			continue;
		}
		if (!tb[f->attr])
			continue;
		if (get_field(out, f, tb[f->attr]))
			return -EBADMSG;
		*bits |= f->bit;
	}
	return 0;
}

/*
 * A nest: its largest attribute, the struct it fills, the attribute it
 * requires (0: none), its fields (which give the policy too), and @finish
 * for the rest (NULL: none; @bits are those of the fields present).
 */
struct nest_desc {
	int max;
	size_t size;
	int required;
	const struct nla_field *fields;
	size_t n_fields;
	int (*finish)(struct nlattr **tb, void *out, uint32_t bits);
};

/* The policy of @f's attributes (the others are not checked). */
static void policy_of(struct nla_policy *pol, const struct nla_field *f,
		      size_t n)
{
	for (; n; n--, f++) {
		switch (f->kind) {
		case F_COPY:
			pol[f->attr].minlen = f->len;
			pol[f->attr].maxlen = f->len;
			break;
		case F_ADDR:
			pol[f->attr].minlen = pol[f->attr].maxlen = 4;
			pol[f->attr6].minlen = pol[f->attr6].maxlen = 16;
			break;
		case F_FLAG:
			pol[f->attr].type = NLA_FLAG;
			break;
		case F_EP:
		case F_REASONS:
			pol[f->attr].type = NLA_NESTED;
			break;
		}
	}
}

/* Zero @out, then fill it from @nest as @d says. 0 or -EBADMSG. */
static int parse_nest(const struct nest_desc *d, const struct nlattr *nest,
		      void *out)
{
	struct nlattr *tb[PEER_RELAY_STATS_A_MAX + 1];	/* the largest */
	struct nla_policy pol[PRL_ARRAY_SIZE(tb)] = { 0 };
	uint32_t bits;

	memset(out, 0, d->size);
	if (d->max >= (int)PRL_ARRAY_SIZE(tb))
		return -EBADMSG;
	policy_of(pol, d->fields, d->n_fields);
	if (nla_parse_nested(tb, d->max, (struct nlattr *)nest, pol) < 0 ||
	    (d->required && !tb[d->required]) ||
	    get_fields(out, tb, d->fields, d->n_fields, &bits))
		return -EBADMSG;
	if (d->finish && d->finish(tb, out, bits))
		return -EBADMSG;
	return 0;
}

#define SOCK_FIELD(attr, field) \
	FIELD(PEER_RELAY_SOCK_A_##attr, struct prl_sock_info, field)

static const struct nla_field sock_fields[] = {
	SOCK_FIELD(ID, id),
	SOCK_FIELD(FAMILY, family),
	ADDR_FIELD(PEER_RELAY_SOCK_A_LOCAL_IPV4, PEER_RELAY_SOCK_A_LOCAL_IPV6,
		   struct prl_sock_info, local.addr),
	SOCK_FIELD(PORT, local.port),
	SOCK_FIELD(RX_PACKETS, rx_packets),
	SOCK_FIELD(DEL_REASON, del_reason),
};

/* An older kernel sent no family: the local address has one. */
static int sock_finish(struct nlattr **tb, void *out, uint32_t bits)
{
	struct prl_sock_info *s = out;

	if (!s->family)
		s->family = s->local.addr.family;
	return 0;
}

#define EP_FIELD(attr, field) \
	FIELD(PEER_RELAY_EP_A_##attr, struct prl_ep_info, field)

static const struct nla_field ep_fields[] = {
	ADDR_FIELD(PEER_RELAY_EP_A_REMOTE_IPV4, PEER_RELAY_EP_A_REMOTE_IPV6,
		   struct prl_ep_info, remote.addr),
	EP_FIELD(REMOTE_PORT, remote.port),
	ADDR_FIELD(PEER_RELAY_EP_A_LOCAL_IPV4, PEER_RELAY_EP_A_LOCAL_IPV6,
		   struct prl_ep_info, local),
	EP_FIELD(RX_PACKETS, rx_packets),
	EP_FIELD(RX_BYTES, rx_bytes),
	EP_FIELD(IDLE_MS, idle_ms),
};

#define SESSION_FIELD(attr, field) \
	FIELD(PEER_RELAY_SESSION_A_##attr, struct prl_session, field)

static const struct nla_field session_fields[] = {
	SESSION_FIELD(VNI, vni),
	SESSION_FIELD(KEY0, key0),
	SESSION_FIELD(KEY1, key1),
	SESSION_FIELD(LAMPORT, lamport),
	SESSION_FIELD(STATE, state),
	SESSION_FIELD(AGE_MS, age_ms),
	FIELD_OF(F_EP, PEER_RELAY_SESSION_A_EP0, struct prl_session, ep[0], 0),
	FIELD_OF(F_EP, PEER_RELAY_SESSION_A_EP1, struct prl_session, ep[1], 0),
	SESSION_FIELD(DEL_REASON, del_reason),
	FIELD_OF(F_FLAG, PEER_RELAY_SESSION_A_REPLICA, struct prl_session,
		 replica, 0),
};

#define STATS_FIELD(attr, field) \
	FIELD(PEER_RELAY_STATS_A_##attr, struct prl_stats, field)
#define STATS_REASONS(attr, field) \
	FIELD_OF(F_REASONS, PEER_RELAY_STATS_A_##attr, struct prl_stats, \
		 field, 0)

static const struct nla_field stats_fields[] = {
	STATS_FIELD(FWD_PACKETS_4_4, fwd_packets[PRL_AF_PAIR(0, 0)]),
	STATS_FIELD(FWD_PACKETS_4_6, fwd_packets[PRL_AF_PAIR(0, 1)]),
	STATS_FIELD(FWD_PACKETS_6_4, fwd_packets[PRL_AF_PAIR(1, 0)]),
	STATS_FIELD(FWD_PACKETS_6_6, fwd_packets[PRL_AF_PAIR(1, 1)]),
	STATS_FIELD(FWD_BYTES_4_4, fwd_bytes[PRL_AF_PAIR(0, 0)]),
	STATS_FIELD(FWD_BYTES_4_6, fwd_bytes[PRL_AF_PAIR(0, 1)]),
	STATS_FIELD(FWD_BYTES_6_4, fwd_bytes[PRL_AF_PAIR(1, 0)]),
	STATS_FIELD(FWD_BYTES_6_6, fwd_bytes[PRL_AF_PAIR(1, 1)]),
	STATS_FIELD(SESSIONS_CONNECTING, sessions_connecting),
	STATS_FIELD(SESSIONS_OPEN, sessions_open),
	STATS_FIELD(SOCKETS, sockets),
	STATS_FIELD(SESSIONS_CREATED, sessions_created),
	STATS_REASONS(DROPS, dropped),
	STATS_REASONS(PASSES, passed),
	STATS_REASONS(SESSIONS_DELETED, deleted),
};

#define CONFIG_FIELD(attr, field, bit) \
	FIELD_OF(F_COPY, PEER_RELAY_CONFIG_A_##attr, struct prl_config, \
		 field, PRL_CFG_##bit)

static const struct nla_field config_fields[] = {
	CONFIG_FIELD(BIND_LIFETIME_MS, bind_lifetime_ms, BIND_LIFETIME),
	CONFIG_FIELD(IDLE_LIFETIME_MS, idle_lifetime_ms, IDLE_LIFETIME),
	CONFIG_FIELD(MAX_SESSIONS, max_sessions, MAX_SESSIONS),
	CONFIG_FIELD(PASS_RATE, pass_rate, PASS_RATE),
	CONFIG_FIELD(PASS_BURST, pass_burst, PASS_BURST),
	CONFIG_FIELD(PASS_RATE_TOTAL, pass_rate_total, PASS_RATE_TOTAL),
	CONFIG_FIELD(SERVER_KEY, server_key, SERVER_KEY),
	CONFIG_FIELD(VNI_MIN, vni_min, VNI_RANGE),
	CONFIG_FIELD(VNI_MAX, vni_max, VNI_RANGE),
};

/* The mask, the VNI range (both ends or none), the static endpoints. */
static int config_finish(struct nlattr **tb, void *out, uint32_t bits)
{
	struct prl_config *cfg = out;
	struct nlattr *a;
	int rem;

	cfg->mask = bits;
	if (!tb[PEER_RELAY_CONFIG_A_VNI_MIN] || !tb[PEER_RELAY_CONFIG_A_VNI_MAX]) {
		cfg->mask &= ~PRL_CFG_VNI_RANGE;
		cfg->vni_min = cfg->vni_max = 0;
	}
	if (!tb[PEER_RELAY_CONFIG_A_STATIC_EPS])
		return 0;
	cfg->mask |= PRL_CFG_STATIC_EPS;
	nla_for_each_nested(a, tb[PEER_RELAY_CONFIG_A_STATIC_EPS], rem) {
		struct prl_ep_info ep;

		if (nla_type(a) != PEER_RELAY_STATIC_EPS_A_EP)
			continue;
		if (cfg->n_static_eps == PEER_RELAY_MAX_STATIC_EPS)
			return -EBADMSG;
		if (prl_parse_ep(a, &ep) || !ep.remote.addr.family)
			return -EBADMSG;
		cfg->static_eps[cfg->n_static_eps++] = ep.remote;
	}
	return 0;
}

/*
 * prl_parse_NAME(nest, out): NAME_fields, @required (0: none) and
 * @finish (NULL: none).
 */
#define NEST_PARSER(name, type, max, required, finish)			\
int prl_parse_##name(const struct nlattr *nest, type *out)		\
{									\
	static const struct nest_desc d = {				\
		max, sizeof(*out), required,				\
		name##_fields, PRL_ARRAY_SIZE(name##_fields), finish,	\
	};								\
									\
	return parse_nest(&d, nest, out);				\
}

NEST_PARSER(sock, struct prl_sock_info, PEER_RELAY_SOCK_A_MAX,
	    PEER_RELAY_SOCK_A_ID, sock_finish)
NEST_PARSER(ep, struct prl_ep_info, PEER_RELAY_EP_A_MAX, 0, NULL)
NEST_PARSER(session, struct prl_session, PEER_RELAY_SESSION_A_MAX,
	    PEER_RELAY_SESSION_A_VNI, NULL)
NEST_PARSER(stats, struct prl_stats, PEER_RELAY_STATS_A_MAX, 0, NULL)
NEST_PARSER(config, struct prl_config, PEER_RELAY_CONFIG_A_MAX, 0,
	    config_finish)

int prl_put_config(struct nl_msg *msg, const struct prl_config *cfg)
{
	const struct nla_field *f;
	struct nlattr *eps;
	unsigned int i;
	int err;

	for (f = config_fields; f < config_fields + PRL_ARRAY_SIZE(config_fields);
	     f++)
		if ((cfg->mask & f->bit) &&
		    nla_put(msg, f->attr, f->len, (const uint8_t *)cfg + f->off))
			return -EMSGSIZE;
	if (!(cfg->mask & PRL_CFG_STATIC_EPS))
		return 0;
	if (cfg->n_static_eps > PEER_RELAY_MAX_STATIC_EPS)
		return -E2BIG;
	eps = prl_nl_nest_start(msg, PEER_RELAY_CONFIG_A_STATIC_EPS);
	if (!eps)
		return -EMSGSIZE;
	for (i = 0; i < cfg->n_static_eps; i++) {
		err = prl_put_ep(msg, PEER_RELAY_STATIC_EPS_A_EP,
				 &cfg->static_eps[i], NULL);
		if (err)
			return err;
	}
	prl_nl_nest_end(msg, eps);
	return 0;
}

int prl_put_ep_attrs(struct nl_msg *msg, const struct prl_endpoint *remote,
		     const struct prl_addr *local)
{
	int fam = remote->addr.family;

	if (fam != AF_INET && fam != AF_INET6)
		return -EINVAL;
	if (local && local->family && local->family != fam)
		return -EINVAL;
	if (nla_put(msg, fam == AF_INET ? PEER_RELAY_EP_A_REMOTE_IPV4 :
					  PEER_RELAY_EP_A_REMOTE_IPV6,
		    (int)prl_addr_len(&remote->addr), remote->addr.u.raw) ||
	    nla_put_u16(msg, PEER_RELAY_EP_A_REMOTE_PORT, remote->port))
		return -EMSGSIZE;
	if (local && local->family &&
	    nla_put(msg, fam == AF_INET ? PEER_RELAY_EP_A_LOCAL_IPV4 :
					  PEER_RELAY_EP_A_LOCAL_IPV6,
		    (int)prl_addr_len(local), local->u.raw))
		return -EMSGSIZE;
	return 0;
}

int prl_put_ep(struct nl_msg *msg, int type, const struct prl_endpoint *remote,
	      const struct prl_addr *local)
{
	struct nlattr *nest = prl_nl_nest_start(msg, type);
	int err;

	if (!nest)
		return -EMSGSIZE;
	err = prl_put_ep_attrs(msg, remote, local);
	if (err) {
		nla_nest_cancel(msg, nest);	/* @msg as it was */
		return err;
	}
	prl_nl_nest_end(msg, nest);
	return 0;
}

void prl_keys_sort(const uint8_t *a, const uint8_t *b, const uint8_t **lo,
		  const uint8_t **hi)
{
	if (memcmp(a, b, PEER_RELAY_KEY_LEN) <= 0) {
		*lo = a;
		*hi = b;
	} else {
		*lo = b;
		*hi = a;
	}
}

const char *prl_drop_name(unsigned int reason)
{
	return PRL_NAME_OF(prelay_drop_names, reason);
}

const char *prl_pass_name(unsigned int reason)
{
	return PRL_NAME_OF(prelay_pass_names, reason);
}

const char *prl_del_name(unsigned int reason)
{
	return PRL_NAME_OF(prelay_del_names, reason);
}

const char *prl_sock_del_name(unsigned int reason)
{
	return PRL_NAME_OF(prelay_sock_del_names, reason);
}

const char *prl_state_name(unsigned int state)
{
	return PRL_NAME_OF(prelay_state_names, state);
}

static const char *const event_names[] = {
	[PEER_RELAY_CMD_SESSION_NEW_NTF]	= "session_new",
	[PEER_RELAY_CMD_SESSION_BIND_NTF]	= "session_bind",
	[PEER_RELAY_CMD_SESSION_DEL_NTF]	= "session_del",
	[PEER_RELAY_CMD_SOCK_DEL_NTF]		= "sock_del",
};

const char *prl_event_name(unsigned int cmd)
{
	return cmd < PRL_ARRAY_SIZE(event_names) ? event_names[cmd] : NULL;
}

static const char *const family_names[] = {
	[AF_INET]	= "udp4",
	[AF_INET6]	= "udp6",
};

const char *prl_family_name(unsigned int family)
{
	return PRL_NAME_OF(family_names, family);
}
