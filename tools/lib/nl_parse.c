// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsers from peer_relay netlink nests into plain structs, the EP nest
 * builder, and enum names.
 */
#include <errno.h>
#include <string.h>

#include <peer_relay/names.h>

#include "nl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fixed-size binary attribute. */
#define BIN(n) { .type = NLA_UNSPEC, .minlen = (n), .maxlen = (n) }

static struct nla_policy sock_policy[PEER_RELAY_SOCK_A_MAX + 1] = {
	[PEER_RELAY_SOCK_A_ID]		= { .type = NLA_U32 },
	[PEER_RELAY_SOCK_A_FD]		= { .type = NLA_U32 },
	[PEER_RELAY_SOCK_A_FAMILY]	= { .type = NLA_U16 },
	[PEER_RELAY_SOCK_A_LOCAL_IPV4]	= BIN(4),
	[PEER_RELAY_SOCK_A_LOCAL_IPV6]	= BIN(16),
	[PEER_RELAY_SOCK_A_PORT]	= { .type = NLA_U16 },
	[PEER_RELAY_SOCK_A_RX_PACKETS]	= { .type = NLA_U64 },
	[PEER_RELAY_SOCK_A_DEL_REASON]	= { .type = NLA_U32 },
};

static struct nla_policy session_policy[PEER_RELAY_SESSION_A_MAX + 1] = {
	[PEER_RELAY_SESSION_A_VNI]	= { .type = NLA_U32 },
	[PEER_RELAY_SESSION_A_KEY0]	= BIN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_SESSION_A_KEY1]	= BIN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_SESSION_A_LAMPORT]	= { .type = NLA_U64 },
	[PEER_RELAY_SESSION_A_STATE]	= { .type = NLA_U8 },
	[PEER_RELAY_SESSION_A_AGE_MS]	= { .type = NLA_U64 },
	[PEER_RELAY_SESSION_A_EP0]	= { .type = NLA_NESTED },
	[PEER_RELAY_SESSION_A_EP1]	= { .type = NLA_NESTED },
	[PEER_RELAY_SESSION_A_DEL_REASON] = { .type = NLA_U32 },
	[PEER_RELAY_SESSION_A_REPLICA]	= { .type = NLA_FLAG },
};

static struct nla_policy ep_policy[PEER_RELAY_EP_A_MAX + 1] = {
	[PEER_RELAY_EP_A_REMOTE_IPV4]	= BIN(4),
	[PEER_RELAY_EP_A_REMOTE_IPV6]	= BIN(16),
	[PEER_RELAY_EP_A_REMOTE_PORT]	= { .type = NLA_U16 },
	[PEER_RELAY_EP_A_LOCAL_IPV4]	= BIN(4),
	[PEER_RELAY_EP_A_LOCAL_IPV6]	= BIN(16),
	[PEER_RELAY_EP_A_RX_PACKETS]	= { .type = NLA_U64 },
	[PEER_RELAY_EP_A_RX_BYTES]	= { .type = NLA_U64 },
	[PEER_RELAY_EP_A_IDLE_MS]	= { .type = NLA_U64 },
};

static struct nla_policy stats_policy[PEER_RELAY_STATS_A_MAX + 1] = {
	[PEER_RELAY_STATS_A_FWD_PACKETS_4_4]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_PACKETS_4_6]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_PACKETS_6_4]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_PACKETS_6_6]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_BYTES_4_4]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_BYTES_4_6]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_BYTES_6_4]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_FWD_BYTES_6_6]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_SESSIONS_CONNECTING] = { .type = NLA_U32 },
	[PEER_RELAY_STATS_A_SESSIONS_OPEN]	= { .type = NLA_U32 },
	[PEER_RELAY_STATS_A_SOCKETS]		= { .type = NLA_U32 },
	[PEER_RELAY_STATS_A_DROPS]		= { .type = NLA_NESTED },
	[PEER_RELAY_STATS_A_PASSES]		= { .type = NLA_NESTED },
	[PEER_RELAY_STATS_A_SESSIONS_CREATED]	= { .type = NLA_U64 },
	[PEER_RELAY_STATS_A_SESSIONS_DELETED]	= { .type = NLA_NESTED },
};

static struct nla_policy config_policy[PEER_RELAY_CONFIG_A_MAX + 1] = {
	[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS]	= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS]	= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_MAX_SESSIONS]	= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_SERVER_KEY]	= BIN(PEER_RELAY_KEY_LEN),
	[PEER_RELAY_CONFIG_A_STATIC_EPS]	= { .type = NLA_NESTED },
	[PEER_RELAY_CONFIG_A_PASS_RATE]		= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_PASS_BURST]	= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL]	= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_VNI_MIN]		= { .type = NLA_U32 },
	[PEER_RELAY_CONFIG_A_VNI_MAX]		= { .type = NLA_U32 },
};

static int parse_nested(struct nlattr **tb, int max, const struct nlattr *nest,
			struct nla_policy *policy)
{
	if (nla_parse_nested(tb, max, (struct nlattr *)nest, policy) < 0)
		return -EBADMSG;
	return 0;
}

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

int prl_parse_sock(const struct nlattr *nest, struct prl_sock_info *out)
{
	struct nlattr *tb[PEER_RELAY_SOCK_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nested(tb, PEER_RELAY_SOCK_A_MAX, nest, sock_policy))
		return -EBADMSG;
	if (!tb[PEER_RELAY_SOCK_A_ID])
		return -EBADMSG;
	out->id = nla_get_u32(tb[PEER_RELAY_SOCK_A_ID]);
	if (tb[PEER_RELAY_SOCK_A_FAMILY])
		out->family = nla_get_u16(tb[PEER_RELAY_SOCK_A_FAMILY]);
	get_addr(&out->local.addr, tb[PEER_RELAY_SOCK_A_LOCAL_IPV4],
		 tb[PEER_RELAY_SOCK_A_LOCAL_IPV6]);
	if (!out->family)
		out->family = out->local.addr.family;
	if (tb[PEER_RELAY_SOCK_A_PORT])
		out->local.port = nla_get_u16(tb[PEER_RELAY_SOCK_A_PORT]);
	if (tb[PEER_RELAY_SOCK_A_RX_PACKETS])
		out->rx_packets = nla_get_u64(tb[PEER_RELAY_SOCK_A_RX_PACKETS]);
	if (tb[PEER_RELAY_SOCK_A_DEL_REASON])
		out->del_reason = nla_get_u32(tb[PEER_RELAY_SOCK_A_DEL_REASON]);
	return 0;
}

int prl_parse_ep(const struct nlattr *nest, struct prl_ep_info *out)
{
	struct nlattr *tb[PEER_RELAY_EP_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nested(tb, PEER_RELAY_EP_A_MAX, nest, ep_policy))
		return -EBADMSG;
	get_addr(&out->remote.addr, tb[PEER_RELAY_EP_A_REMOTE_IPV4],
		 tb[PEER_RELAY_EP_A_REMOTE_IPV6]);
	if (tb[PEER_RELAY_EP_A_REMOTE_PORT])
		out->remote.port = nla_get_u16(tb[PEER_RELAY_EP_A_REMOTE_PORT]);
	get_addr(&out->local, tb[PEER_RELAY_EP_A_LOCAL_IPV4],
		 tb[PEER_RELAY_EP_A_LOCAL_IPV6]);
	if (tb[PEER_RELAY_EP_A_RX_PACKETS])
		out->rx_packets = nla_get_u64(tb[PEER_RELAY_EP_A_RX_PACKETS]);
	if (tb[PEER_RELAY_EP_A_RX_BYTES])
		out->rx_bytes = nla_get_u64(tb[PEER_RELAY_EP_A_RX_BYTES]);
	if (tb[PEER_RELAY_EP_A_IDLE_MS])
		out->idle_ms = nla_get_u64(tb[PEER_RELAY_EP_A_IDLE_MS]);
	return 0;
}

int prl_parse_session(const struct nlattr *nest, struct prl_session *out)
{
	struct nlattr *tb[PEER_RELAY_SESSION_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (parse_nested(tb, PEER_RELAY_SESSION_A_MAX, nest, session_policy))
		return -EBADMSG;
	if (!tb[PEER_RELAY_SESSION_A_VNI])
		return -EBADMSG;
	out->vni = nla_get_u32(tb[PEER_RELAY_SESSION_A_VNI]);
	if (tb[PEER_RELAY_SESSION_A_KEY0])
		memcpy(out->key0, nla_data(tb[PEER_RELAY_SESSION_A_KEY0]),
		       PEER_RELAY_KEY_LEN);
	if (tb[PEER_RELAY_SESSION_A_KEY1])
		memcpy(out->key1, nla_data(tb[PEER_RELAY_SESSION_A_KEY1]),
		       PEER_RELAY_KEY_LEN);
	if (tb[PEER_RELAY_SESSION_A_LAMPORT])
		out->lamport = nla_get_u64(tb[PEER_RELAY_SESSION_A_LAMPORT]);
	if (tb[PEER_RELAY_SESSION_A_STATE])
		out->state = nla_get_u8(tb[PEER_RELAY_SESSION_A_STATE]);
	if (tb[PEER_RELAY_SESSION_A_AGE_MS])
		out->age_ms = nla_get_u64(tb[PEER_RELAY_SESSION_A_AGE_MS]);
	if (tb[PEER_RELAY_SESSION_A_EP0] &&
	    prl_parse_ep(tb[PEER_RELAY_SESSION_A_EP0], &out->ep[0]))
		return -EBADMSG;
	if (tb[PEER_RELAY_SESSION_A_EP1] &&
	    prl_parse_ep(tb[PEER_RELAY_SESSION_A_EP1], &out->ep[1]))
		return -EBADMSG;
	if (tb[PEER_RELAY_SESSION_A_DEL_REASON])
		out->del_reason =
			nla_get_u32(tb[PEER_RELAY_SESSION_A_DEL_REASON]);
	out->replica = !!tb[PEER_RELAY_SESSION_A_REPLICA];
	return 0;
}

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

int prl_parse_stats(const struct nlattr *nest, struct prl_stats *out)
{
	struct nlattr *tb[PEER_RELAY_STATS_A_MAX + 1];
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (parse_nested(tb, PEER_RELAY_STATS_A_MAX, nest, stats_policy))
		return -EBADMSG;
	for (i = 0; i < 4; i++) {
		struct nlattr *p = tb[PEER_RELAY_STATS_A_FWD_PACKETS_4_4 + i];
		struct nlattr *b = tb[PEER_RELAY_STATS_A_FWD_BYTES_4_4 + i];

		if (p)
			out->fwd_packets[i] = nla_get_u64(p);
		if (b)
			out->fwd_bytes[i] = nla_get_u64(b);
	}
	if (tb[PEER_RELAY_STATS_A_SESSIONS_CONNECTING])
		out->sessions_connecting =
			nla_get_u32(tb[PEER_RELAY_STATS_A_SESSIONS_CONNECTING]);
	if (tb[PEER_RELAY_STATS_A_SESSIONS_OPEN])
		out->sessions_open =
			nla_get_u32(tb[PEER_RELAY_STATS_A_SESSIONS_OPEN]);
	if (tb[PEER_RELAY_STATS_A_SOCKETS])
		out->sockets = nla_get_u32(tb[PEER_RELAY_STATS_A_SOCKETS]);
	if (tb[PEER_RELAY_STATS_A_SESSIONS_CREATED])
		out->sessions_created =
			nla_get_u64(tb[PEER_RELAY_STATS_A_SESSIONS_CREATED]);
	if (tb[PEER_RELAY_STATS_A_DROPS] &&
	    parse_reason_nest(tb[PEER_RELAY_STATS_A_DROPS], out->dropped,
			      ARRAY_SIZE(out->dropped)))
		return -EBADMSG;
	if (tb[PEER_RELAY_STATS_A_PASSES] &&
	    parse_reason_nest(tb[PEER_RELAY_STATS_A_PASSES], out->passed,
			      ARRAY_SIZE(out->passed)))
		return -EBADMSG;
	if (tb[PEER_RELAY_STATS_A_SESSIONS_DELETED] &&
	    parse_reason_nest(tb[PEER_RELAY_STATS_A_SESSIONS_DELETED],
			      out->deleted, ARRAY_SIZE(out->deleted)))
		return -EBADMSG;
	return 0;
}

int prl_parse_config(const struct nlattr *nest, struct prl_config *out)
{
	struct nlattr *tb[PEER_RELAY_CONFIG_A_MAX + 1];
	struct nlattr *a;
	int rem;

	memset(out, 0, sizeof(*out));
	if (parse_nested(tb, PEER_RELAY_CONFIG_A_MAX, nest, config_policy))
		return -EBADMSG;
	if (tb[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS]) {
		out->mask |= PRL_CFG_BIND_LIFETIME;
		out->bind_lifetime_ms =
			nla_get_u32(tb[PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS]);
	}
	if (tb[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS]) {
		out->mask |= PRL_CFG_IDLE_LIFETIME;
		out->idle_lifetime_ms =
			nla_get_u32(tb[PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS]);
	}
	if (tb[PEER_RELAY_CONFIG_A_MAX_SESSIONS]) {
		out->mask |= PRL_CFG_MAX_SESSIONS;
		out->max_sessions =
			nla_get_u32(tb[PEER_RELAY_CONFIG_A_MAX_SESSIONS]);
	}
	if (tb[PEER_RELAY_CONFIG_A_PASS_RATE]) {
		out->mask |= PRL_CFG_PASS_RATE;
		out->pass_rate = nla_get_u32(tb[PEER_RELAY_CONFIG_A_PASS_RATE]);
	}
	if (tb[PEER_RELAY_CONFIG_A_PASS_BURST]) {
		out->mask |= PRL_CFG_PASS_BURST;
		out->pass_burst = nla_get_u32(tb[PEER_RELAY_CONFIG_A_PASS_BURST]);
	}
	if (tb[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL]) {
		out->mask |= PRL_CFG_PASS_RATE_TOTAL;
		out->pass_rate_total =
			nla_get_u32(tb[PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL]);
	}
	if (tb[PEER_RELAY_CONFIG_A_VNI_MIN] && tb[PEER_RELAY_CONFIG_A_VNI_MAX]) {
		out->mask |= PRL_CFG_VNI_RANGE;
		out->vni_min = nla_get_u32(tb[PEER_RELAY_CONFIG_A_VNI_MIN]);
		out->vni_max = nla_get_u32(tb[PEER_RELAY_CONFIG_A_VNI_MAX]);
	}
	if (tb[PEER_RELAY_CONFIG_A_SERVER_KEY]) {
		out->mask |= PRL_CFG_SERVER_KEY;
		memcpy(out->server_key,
		       nla_data(tb[PEER_RELAY_CONFIG_A_SERVER_KEY]),
		       PEER_RELAY_KEY_LEN);
	}
	if (!tb[PEER_RELAY_CONFIG_A_STATIC_EPS])
		return 0;
	out->mask |= PRL_CFG_STATIC_EPS;
	nla_for_each_nested(a, tb[PEER_RELAY_CONFIG_A_STATIC_EPS], rem) {
		struct prl_ep_info ep;

		if (nla_type(a) != PEER_RELAY_STATIC_EPS_A_EP)
			continue;
		if (out->n_static_eps == PEER_RELAY_MAX_STATIC_EPS)
			return -EBADMSG;
		if (prl_parse_ep(a, &ep) || !ep.remote.addr.family)
			return -EBADMSG;
		out->static_eps[out->n_static_eps++] = ep.remote;
	}
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

#define NAME_OF(tab, i) \
	((i) < ARRAY_SIZE(tab) && (tab)[i] ? (tab)[i] : "unknown")

const char *prl_drop_name(unsigned int reason)
{
	return NAME_OF(prelay_drop_names, reason);
}

const char *prl_pass_name(unsigned int reason)
{
	return NAME_OF(prelay_pass_names, reason);
}

const char *prl_del_name(unsigned int reason)
{
	return NAME_OF(prelay_del_names, reason);
}

const char *prl_sock_del_name(unsigned int reason)
{
	return NAME_OF(prelay_sock_del_names, reason);
}

const char *prl_state_name(unsigned int state)
{
	return NAME_OF(prelay_state_names, state);
}

const char *prl_event_name(unsigned int cmd)
{
	switch (cmd) {
	case PEER_RELAY_CMD_SESSION_NEW_NTF:
		return "session_new";
	case PEER_RELAY_CMD_SESSION_BIND_NTF:
		return "session_bind";
	case PEER_RELAY_CMD_SESSION_DEL_NTF:
		return "session_del";
	case PEER_RELAY_CMD_SOCK_DEL_NTF:
		return "sock_del";
	default:
		return NULL;
	}
}

const char *prl_family_name(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "udp4";
	case AF_INET6:
		return "udp6";
	default:
		return "unknown";
	}
}
