// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink policy and permission tests of the peer_relay family, sending
 * raw (often malformed) generic netlink requests.
 *
 * Policy (fixture "policy", one variant per command):
 *   - a request without its top-level nest, or with a nest missing a
 *     required attribute, fails with EINVAL and the extack names the
 *     problem (a message, or NLMSGERR_ATTR_MISS_TYPE = that attribute);
 *   - unknown attribute types (top level and inside the nest), known
 *     types the command does not take, a nest without NLA_F_NESTED, a u32
 *     sent as 2 bytes: EINVAL; a 33-byte key, out-of-range VNIs /
 *     lifetimes / max-sessions: EINVAL or ERANGE (what the 6.1 policy
 *     core returns for length and range checks); always with a non-empty
 *     extack message.
 *   When the caller is not admin over its netns, changing commands and
 *   session/socket reads must fail with EPERM instead (the permission
 *   check precedes parsing).
 *
 * Replication (replica_requests): SESSION_NEW with REPLICA and its
 * attributes (LAMPORT, AGE_MS, an endpoint's IDLE_MS), SESSION_DEL with
 * LAMPORT, the VNI range of CONFIG_SET: refused when malformed or out of
 * place, installed as given when valid, EEXIST on a conflict.
 *
 * Permissions:
 *   - unpriv_init_netns: without CAP_NET_ADMIN over the netns (uid 65534,
 *     or capabilities dropped inside a user namespace) every changing
 *     command, session and socket get/dump and joining the events group
 *     fail with EPERM while stats and config reads work;
 *   - own_userns_netns: an unprivileged process that creates its own user
 *     and network namespace is admin there (GENL_UNS_ADMIN_PERM): it can
 *     attach a socket, create/bind/get/delete/flush sessions and set the
 *     configuration.
 *
 * Runs as root (selftests/net/nl_policy.sh), as nobody and inside a user
 * namespace (selftests/net/unpriv.sh); it adapts its expectations to the
 * privileges it has. Needs the peer_relay module (skips otherwise).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "nl.h"

#define NOBODY 65534

/* Nest maxtype of each top-level attribute. */
static int nest_max(int attr)
{
	switch (attr) {
	case PEER_RELAY_A_SOCK:
		return PEER_RELAY_SOCK_A_MAX;
	case PEER_RELAY_A_SESSION:
		return PEER_RELAY_SESSION_A_MAX;
	case PEER_RELAY_A_CONFIG:
		return PEER_RELAY_CONFIG_A_MAX;
	default:
		return PEER_RELAY_STATS_A_MAX;
	}
}

static const uint8_t key_a[PEER_RELAY_KEY_LEN] = { 0x11, 0x22, [31] = 0x01 };
static const uint8_t key_b[PEER_RELAY_KEY_LEN] = { 0x33, 0x44, [31] = 0x02 };
static const uint8_t key_33[PEER_RELAY_KEY_LEN + 1] = { 0x55 };

/* ---- nest bodies: each puts attributes inside an open nest ---- */

static void put_keys(struct nl_msg *m)
{
	nla_put(m, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, key_a);
	nla_put(m, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, key_b);
}

static void put_ep0(struct nl_msg *m, int ip4_len)
{
	static const uint8_t ip[5] = { 192, 0, 2, 1, 0 };
	struct nlattr *ep = prl_nl_nest_start(m, PEER_RELAY_SESSION_A_EP0);

	nla_put(m, PEER_RELAY_EP_A_REMOTE_IPV4, ip4_len, ip);
	nla_put_u16(m, PEER_RELAY_EP_A_REMOTE_PORT, 41641);
	prl_nl_nest_end(m, ep);
}

/* A VNI that no test creates. */
#define UNUSED_VNI 0xfffff0

static void sock_fd_valid(struct nl_msg *m)
{
	/* fd 0 is not a UDP socket: fine for policy tests, which fail
	 * before the handler looks at it */
	nla_put_u32(m, PEER_RELAY_SOCK_A_FD, 0);
}

static void sock_fd_u16(struct nl_msg *m)
{
	nla_put_u16(m, PEER_RELAY_SOCK_A_FD, 0);
}

static void sock_id_valid(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SOCK_A_ID, 0xfffffff0);
}

static void sock_id_u16(struct nl_msg *m)
{
	nla_put_u16(m, PEER_RELAY_SOCK_A_ID, 1);
}

static void empty(struct nl_msg *m)
{
}

static void new_valid(struct nl_msg *m)
{
	put_keys(m);
}

static void new_missing(struct nl_msg *m)
{
	nla_put(m, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, key_b);
}

static void new_bad_u32(struct nl_msg *m)
{
	put_keys(m);
	nla_put_u16(m, PEER_RELAY_SESSION_A_VNI, 7);
}

static void new_oversized(struct nl_msg *m)
{
	nla_put(m, PEER_RELAY_SESSION_A_KEY0, sizeof(key_33), key_33);
	nla_put(m, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, key_b);
}

static void new_vni0(struct nl_msg *m)
{
	put_keys(m);
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, 0);
}

static void new_vni_big(struct nl_msg *m)
{
	put_keys(m);
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, 0x1000000);
}

static void bind_valid(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, UNUSED_VNI);
	put_ep0(m, 4);
}

static void bind_missing(struct nl_msg *m)
{
	put_ep0(m, 4);
}

static void bind_bad_u32(struct nl_msg *m)
{
	nla_put_u16(m, PEER_RELAY_SESSION_A_VNI, 7);
	put_ep0(m, 4);
}

static void bind_oversized(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, UNUSED_VNI);
	put_ep0(m, 5);
}

static void bind_vni0(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, 0);
	put_ep0(m, 4);
}

static void bind_vni_big(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, 0x1000000);
	put_ep0(m, 4);
}

static void sel_valid(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, UNUSED_VNI);
}

static void sel_missing(struct nl_msg *m)
{
	/* KEY0 alone selects nothing */
	nla_put(m, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, key_a);
}

static void sel_bad_u32(struct nl_msg *m)
{
	nla_put_u16(m, PEER_RELAY_SESSION_A_VNI, 7);
}

static void sel_oversized(struct nl_msg *m)
{
	nla_put(m, PEER_RELAY_SESSION_A_KEY0, sizeof(key_33), key_33);
	nla_put(m, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, key_b);
}

static void sel_vni0(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, 0);
}

static void sel_vni_big(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, 0x1000000);
}

static void cfg_bad_u32(struct nl_msg *m)
{
	nla_put_u16(m, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS, 30);
}

static void cfg_oversized(struct nl_msg *m)
{
	nla_put(m, PEER_RELAY_CONFIG_A_SERVER_KEY, sizeof(key_33), key_33);
}

static void cfg_bind_low(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS, 99);
}

static void cfg_bind_high(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS, 86400001);
}

static void cfg_idle_low(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS, 99);
}

static void cfg_idle_high(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS, 86400001);
}

static void cfg_max0(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_CONFIG_A_MAX_SESSIONS, 0);
}

static void cfg_max_big(struct nl_msg *m)
{
	nla_put_u32(m, PEER_RELAY_CONFIG_A_MAX_SESSIONS, 0x1000000);
}

typedef void (*body_fn)(struct nl_msg *m);

/* ---- helpers ---- */

/* Send @cmd (+ @flags) with nest @nest (0: none) filled by @body. */
static int send_body(struct prl_nl *nl, uint8_t cmd, int flags, int nest,
		     body_fn body)
{
	struct nl_msg *m = prl_nl_msg_new(nl, cmd, flags);
	struct nlattr *n;

	if (!m)
		return -ENOMEM;
	if (nest) {
		n = prl_nl_nest_start(m, nest);
		if (body)
			body(m);
		prl_nl_nest_end(m, n);
	}
	return prl_nl_request(nl, m, NULL, NULL);
}

/*
 * Is the caller admin over its netns? A flush with an unknown attribute
 * fails with EPERM before parsing if not, with EINVAL (changing nothing)
 * if it is.
 */
static int probe_admin(struct prl_nl *nl)
{
	struct nl_msg *m = prl_nl_msg_new(nl, PEER_RELAY_CMD_SESSION_FLUSH, 0);

	nla_put_u32(m, PEER_RELAY_A_MAX + 1, 1);
	return prl_nl_request(nl, m, NULL, NULL);
}

/* Open the family; SKIP the test if the module is not there. */
#define OPEN_OR_SKIP(nl) do {						\
		int __e = prl_nl_open(nl);				\
		if (__e == -ENOENT)					\
			SKIP(return, "peer_relay family not found (module not loaded)"); \
		ASSERT_EQ(0, __e) TH_LOG("prl_nl_open: %s", strerror(-__e)); \
	} while (0)

/* ---- policy fixture ---- */

/* 6.1's harness runs the body even when the setup skipped. */
#define NEED_FAMILY() do {						\
		if (!self->nl.sk)					\
			SKIP(return, "peer_relay family not found");	\
	} while (0)

FIXTURE(policy) {
	struct prl_nl nl;
	bool admin;
};

FIXTURE_VARIANT(policy) {
	uint8_t cmd;
	int flags;		/* NLM_F_DUMP for dumps */
	bool privileged;	/* needs CAP_NET_ADMIN over the netns */
	int nest;		/* top-level nest, 0 if the command has none */
	bool nest_required;
	body_fn valid;		/* a body that passes the policy */
	body_fn missing;	/* lacks a required attribute */
	int missing_type;	/* its type (NLMSGERR_ATTR_MISS_TYPE) or 0 */
	body_fn bad_u32;	/* u32 attribute sent as u16 */
	body_fn oversized;	/* fixed-size binary one byte too long */
	int unsupported;	/* known type this command does not take */
	body_fn range[6];	/* out-of-range values */
};

FIXTURE_VARIANT_ADD(policy, sock_attach) {
	.cmd = PEER_RELAY_CMD_SOCK_ATTACH, .privileged = true,
	.nest = PEER_RELAY_A_SOCK, .nest_required = true,
	.valid = sock_fd_valid, .missing = empty,
	.missing_type = PEER_RELAY_SOCK_A_FD, .bad_u32 = sock_fd_u16,
	.unsupported = PEER_RELAY_SOCK_A_PORT,
};

FIXTURE_VARIANT_ADD(policy, sock_detach) {
	.cmd = PEER_RELAY_CMD_SOCK_DETACH, .privileged = true,
	.nest = PEER_RELAY_A_SOCK, .nest_required = true,
	.valid = sock_id_valid, .missing = empty,
	.missing_type = PEER_RELAY_SOCK_A_ID, .bad_u32 = sock_id_u16,
	.unsupported = PEER_RELAY_SOCK_A_FD,
};

FIXTURE_VARIANT_ADD(policy, sock_get) {
	.cmd = PEER_RELAY_CMD_SOCK_GET, .privileged = true,
	.nest = PEER_RELAY_A_SOCK, .nest_required = true,
	.valid = sock_id_valid, .missing = empty,
	.missing_type = PEER_RELAY_SOCK_A_ID, .bad_u32 = sock_id_u16,
	.unsupported = PEER_RELAY_SOCK_A_FD,
};

FIXTURE_VARIANT_ADD(policy, sock_dump) {
	.cmd = PEER_RELAY_CMD_SOCK_GET, .flags = NLM_F_DUMP, .privileged = true,
	.nest = PEER_RELAY_A_SOCK, .valid = empty,
	.bad_u32 = sock_id_u16, .unsupported = PEER_RELAY_SOCK_A_FD,
};

FIXTURE_VARIANT_ADD(policy, session_new) {
	.cmd = PEER_RELAY_CMD_SESSION_NEW, .privileged = true,
	.nest = PEER_RELAY_A_SESSION, .nest_required = true,
	.valid = new_valid, .missing = new_missing,
	.missing_type = PEER_RELAY_SESSION_A_KEY0, .bad_u32 = new_bad_u32,
	.oversized = new_oversized, .unsupported = PEER_RELAY_SESSION_A_LAMPORT,
	.range = { new_vni0, new_vni_big },
};

FIXTURE_VARIANT_ADD(policy, session_bind) {
	.cmd = PEER_RELAY_CMD_SESSION_BIND, .privileged = true,
	.nest = PEER_RELAY_A_SESSION, .nest_required = true,
	.valid = bind_valid, .missing = bind_missing,
	.missing_type = PEER_RELAY_SESSION_A_VNI, .bad_u32 = bind_bad_u32,
	.oversized = bind_oversized, .unsupported = PEER_RELAY_SESSION_A_KEY0,
	.range = { bind_vni0, bind_vni_big },
};

FIXTURE_VARIANT_ADD(policy, session_del) {
	.cmd = PEER_RELAY_CMD_SESSION_DEL, .privileged = true,
	.nest = PEER_RELAY_A_SESSION, .nest_required = true,
	.valid = sel_valid, .missing = sel_missing,
	.missing_type = PEER_RELAY_SESSION_A_KEY1, .bad_u32 = sel_bad_u32,
	.oversized = sel_oversized, .unsupported = PEER_RELAY_SESSION_A_EP0,
	.range = { sel_vni0, sel_vni_big },
};

FIXTURE_VARIANT_ADD(policy, session_get) {
	.cmd = PEER_RELAY_CMD_SESSION_GET, .privileged = true,
	.nest = PEER_RELAY_A_SESSION, .nest_required = true,
	.valid = sel_valid, .missing = sel_missing,
	.missing_type = PEER_RELAY_SESSION_A_KEY1, .bad_u32 = sel_bad_u32,
	.oversized = sel_oversized, .unsupported = PEER_RELAY_SESSION_A_EP0,
	.range = { sel_vni0, sel_vni_big },
};

FIXTURE_VARIANT_ADD(policy, session_dump) {
	.cmd = PEER_RELAY_CMD_SESSION_GET, .flags = NLM_F_DUMP, .privileged = true,
	.nest = PEER_RELAY_A_SESSION, .valid = empty,
	.bad_u32 = sel_bad_u32, .oversized = sel_oversized,
	.unsupported = PEER_RELAY_SESSION_A_EP0,
};

FIXTURE_VARIANT_ADD(policy, session_flush) {
	.cmd = PEER_RELAY_CMD_SESSION_FLUSH, .privileged = true,
};

FIXTURE_VARIANT_ADD(policy, stats_get) {
	.cmd = PEER_RELAY_CMD_STATS_GET,
};

FIXTURE_VARIANT_ADD(policy, config_get) {
	.cmd = PEER_RELAY_CMD_CONFIG_GET,
};

FIXTURE_VARIANT_ADD(policy, config_set) {
	.cmd = PEER_RELAY_CMD_CONFIG_SET, .privileged = true,
	.nest = PEER_RELAY_A_CONFIG, .nest_required = true,
	.valid = empty, .bad_u32 = cfg_bad_u32, .oversized = cfg_oversized,
	.unsupported = PEER_RELAY_CONFIG_A_PAD,
	.range = { cfg_bind_low, cfg_bind_high, cfg_idle_low, cfg_idle_high,
		   cfg_max0, cfg_max_big },
};

FIXTURE_SETUP(policy)
{
	int err;

	OPEN_OR_SKIP(&self->nl);
	err = probe_admin(&self->nl);
	ASSERT_TRUE(err == -EPERM || err == -EINVAL)
		TH_LOG("admin probe: %s", strerror(-err));
	self->admin = err == -EINVAL;
}

FIXTURE_TEARDOWN(policy)
{
	prl_nl_close(&self->nl);
}

/*
 * Check the outcome of a malformed request: EPERM for a privileged command
 * without privileges, else EINVAL (or @_alt) with a message (or, with
 * @_mt, the missing attribute reported in NLMSGERR_ATTR_MISS_TYPE).
 */
#define CHECK_REJECTED_AS(_what, _err, _mt, _alt) do {			\
		const struct prl_nl_error *_pl = &self->nl.last;		\
		int _e = (_err);					\
		if (variant->privileged && !self->admin) {		\
			EXPECT_EQ(-EPERM, _e) TH_LOG("%s", _what);	\
			break;						\
		}							\
		EXPECT_TRUE(_e == -EINVAL || _e == (_alt))		\
			TH_LOG("%s: got %s (%s)", _what, strerror(-_e), _pl->msg); \
		if ((_mt) && _pl->has_miss) {				\
			EXPECT_EQ((uint32_t)(_mt), _pl->miss_type)	\
				TH_LOG("%s: wrong missing type", _what); \
		} else {						\
			EXPECT_NE(0, strlen(_pl->msg))			\
				TH_LOG("%s: no extack message", _what);	\
		}							\
		TH_LOG("%s -> %s: \"%s\"%s", _what, strerror(-_e),	\
		       _pl->msg, _pl->has_miss ? " (missing type)" : ""); \
	} while (0)
#define CHECK_REJECTED(_what, _err, _mt) \
	CHECK_REJECTED_AS(_what, _err, _mt, -EINVAL)
/*
 * Length and range checks of the policy core (NLA_POLICY_EXACT_LEN,
 * NLA_POLICY_FULL_RANGE) fail with ERANGE on 6.1, the others with EINVAL.
 */
#define CHECK_REJECTED_RANGE(_what, _err) \
	CHECK_REJECTED_AS(_what, _err, 0, -ERANGE)

TEST_F(policy, no_nest)
{
	int err;

	NEED_FAMILY();

	if (!variant->nest_required)
		SKIP(return, "the command takes no nest or does not need it");
	err = send_body(&self->nl, variant->cmd, variant->flags, 0, NULL);
	CHECK_REJECTED("request without the top-level nest", err,
		       variant->nest);
}

TEST_F(policy, missing_required)
{
	int err;

	NEED_FAMILY();

	if (!variant->missing)
		SKIP(return, "no required attribute");
	err = send_body(&self->nl, variant->cmd, variant->flags,
			variant->nest, variant->missing);
	CHECK_REJECTED("nest missing a required attribute", err,
		       variant->missing_type);
}

TEST_F(policy, unknown_top_level_attr)
{
	struct nl_msg *m;
	struct nlattr *n;
	int err;

	NEED_FAMILY();
	m = prl_nl_msg_new(&self->nl, variant->cmd, variant->flags);

	ASSERT_NE(NULL, m);
	if (variant->nest) {
		n = prl_nl_nest_start(m, variant->nest);
		variant->valid(m);
		prl_nl_nest_end(m, n);
	}
	nla_put_u32(m, PEER_RELAY_A_MAX + 1, 1);
	err = prl_nl_request(&self->nl, m, NULL, NULL);
	CHECK_REJECTED("unknown top-level attribute", err, 0);
}

TEST_F(policy, wrong_top_level_nest)
{
	int other = variant->nest == PEER_RELAY_A_SOCK ? PEER_RELAY_A_SESSION :
						       PEER_RELAY_A_SOCK;
	int err;

	NEED_FAMILY();

	/* e.g. a SOCK nest in a session request; STATS never in a request */
	err = send_body(&self->nl, variant->cmd, variant->flags, other, NULL);
	CHECK_REJECTED("a top-level nest the command does not take", err, 0);
	err = send_body(&self->nl, variant->cmd, variant->flags,
			PEER_RELAY_A_STATS, NULL);
	CHECK_REJECTED("a STATS nest in a request", err, 0);
}

TEST_F(policy, unknown_attr_in_nest)
{
	struct nl_msg *m;
	struct nlattr *n;
	int err;

	NEED_FAMILY();

	if (!variant->nest)
		SKIP(return, "the command takes no nest");
	m = prl_nl_msg_new(&self->nl, variant->cmd, variant->flags);
	ASSERT_NE(NULL, m);
	n = prl_nl_nest_start(m, variant->nest);
	variant->valid(m);
	nla_put_u32(m, nest_max(variant->nest) + 1, 1);
	prl_nl_nest_end(m, n);
	err = prl_nl_request(&self->nl, m, NULL, NULL);
	CHECK_REJECTED("unknown attribute type inside the nest", err, 0);
}

TEST_F(policy, unsupported_attr_in_nest)
{
	struct nl_msg *m;
	struct nlattr *n;
	int err;

	NEED_FAMILY();

	if (!variant->unsupported)
		SKIP(return, "the command takes no nest");
	m = prl_nl_msg_new(&self->nl, variant->cmd, variant->flags);
	ASSERT_NE(NULL, m);
	n = prl_nl_nest_start(m, variant->nest);
	variant->valid(m);
	nla_put_u64(m, variant->unsupported, 1);
	prl_nl_nest_end(m, n);
	err = prl_nl_request(&self->nl, m, NULL, NULL);
	CHECK_REJECTED("known attribute the command does not take", err, 0);
}

TEST_F(policy, nest_without_nested_flag)
{
	struct nl_msg *m;
	struct nlattr *n;
	int err;

	NEED_FAMILY();

	if (!variant->nest)
		SKIP(return, "the command takes no nest");
	m = prl_nl_msg_new(&self->nl, variant->cmd, variant->flags);
	ASSERT_NE(NULL, m);
	n = nla_nest_start(m, variant->nest);
	ASSERT_NE(NULL, n);
	n->nla_type &= ~NLA_F_NESTED;
	variant->valid(m);
	nla_nest_end_keep_empty(m, n);
	err = prl_nl_request(&self->nl, m, NULL, NULL);
	CHECK_REJECTED("nest without NLA_F_NESTED", err, 0);
}

TEST_F(policy, wrong_typed_u32)
{
	int err;

	NEED_FAMILY();
	if (!variant->bad_u32)
		SKIP(return, "no u32 attribute");
	err = send_body(&self->nl, variant->cmd, variant->flags,
			variant->nest, variant->bad_u32);
	CHECK_REJECTED("u32 attribute with 2 bytes", err, 0);
}

TEST_F(policy, oversized_binary)
{
	int err;

	NEED_FAMILY();

	if (!variant->oversized)
		SKIP(return, "no fixed-size binary attribute");
	err = send_body(&self->nl, variant->cmd, variant->flags,
			variant->nest, variant->oversized);
	CHECK_REJECTED_RANGE("binary attribute one byte too long", err);
}

TEST_F(policy, out_of_range)
{
	int i, err, n = 0;

	NEED_FAMILY();

	for (i = 0; i < 6 && variant->range[i]; i++, n++) {
		err = send_body(&self->nl, variant->cmd, variant->flags,
				variant->nest, variant->range[i]);
		CHECK_REJECTED_RANGE("out-of-range value", err);
		if (!err && variant->cmd == PEER_RELAY_CMD_SESSION_NEW)
			prl_session_del_keys(&self->nl, key_a, key_b);
	}
	if (!n)
		SKIP(return, "no range-checked attribute");
}

/* A bound EP without a port: the missing attribute is inside a nest. */
TEST(bind_ep_missing_port)
{
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	struct prl_nl nl;
	struct nl_msg *m;
	struct nlattr *s, *ep;
	int err;

	OPEN_OR_SKIP(&nl);
	if (probe_admin(&nl) == -EPERM)
		SKIP(return, "not admin over this netns");
	m = prl_nl_msg_new(&nl, PEER_RELAY_CMD_SESSION_BIND, 0);
	s = prl_nl_nest_start(m, PEER_RELAY_A_SESSION);
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, UNUSED_VNI);
	ep = prl_nl_nest_start(m, PEER_RELAY_SESSION_A_EP1);
	nla_put(m, PEER_RELAY_EP_A_REMOTE_IPV4, 4, ip);
	prl_nl_nest_end(m, ep);
	prl_nl_nest_end(m, s);
	err = prl_nl_request(&nl, m, NULL, NULL);
	EXPECT_EQ(-EINVAL, err);
	if (nl.last.has_miss) {
		EXPECT_EQ(PEER_RELAY_EP_A_REMOTE_PORT, nl.last.miss_type);
		EXPECT_TRUE(nl.last.has_miss_nest);
	} else {
		EXPECT_NE(0, strlen(nl.last.msg));
	}
	prl_nl_close(&nl);
}

/* ---- SESSION_NEW with NO_REPLY (bulk installers) ---- */

static int count_replies(const struct nlmsghdr *nlh, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* SESSION_NEW of (@a, @b) with VNI @vni; NO_REPLY as @no_reply says. */
static int new_counted(struct prl_nl *nl, const uint8_t *a, const uint8_t *b,
		       uint32_t vni, int no_reply, int *replies)
{
	struct nl_msg *m = prl_nl_msg_new(nl, PEER_RELAY_CMD_SESSION_NEW, 0);
	struct nlattr *n;

	if (!m)
		return -ENOMEM;
	n = prl_nl_nest_start(m, PEER_RELAY_A_SESSION);
	nla_put(m, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, a);
	nla_put(m, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, b);
	nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, vni);
	if (no_reply == 1)
		nla_put_flag(m, PEER_RELAY_SESSION_A_NO_REPLY);
	else if (no_reply == 2)		/* a flag with a payload */
		nla_put_u32(m, PEER_RELAY_SESSION_A_NO_REPLY, 1);
	prl_nl_nest_end(m, n);
	*replies = 0;
	return prl_nl_request(nl, m, count_replies, replies);
}

TEST(session_new_no_reply)
{
	static const uint8_t ka[PEER_RELAY_KEY_LEN] = { 0x91, [31] = 0x01 };
	static const uint8_t kb[PEER_RELAY_KEY_LEN] = { 0x92, [31] = 0x02 };
	const uint32_t vni = 0xabcdf1;
	struct prl_session got;
	struct prl_nl nl;
	int replies;

	OPEN_OR_SKIP(&nl);
	if (probe_admin(&nl) == -EPERM)
		SKIP(return, "not admin over this netns");
	prl_session_del_keys(&nl, ka, kb);
	/* the ACK only, and the session is there */
	ASSERT_EQ(0, new_counted(&nl, ka, kb, vni, 1, &replies)) TH_LOG("%s", nl.last.msg);
	EXPECT_EQ(0, replies);
	ASSERT_EQ(0, prl_session_get(&nl, vni, &got));
	EXPECT_EQ(0, memcmp(got.key0, ka, PEER_RELAY_KEY_LEN));
	/* without the flag the (idempotent) request echoes the session */
	ASSERT_EQ(0, new_counted(&nl, ka, kb, vni, 0, &replies));
	EXPECT_EQ(1, replies);
	/* errors are never silenced; a flag with a payload is refused */
	EXPECT_EQ(-EEXIST, new_counted(&nl, ka, kb, vni + 1, 1, &replies));
	EXPECT_EQ(0, replies);
	EXPECT_NE(0, new_counted(&nl, ka, kb, vni, 2, &replies));
	EXPECT_EQ(0, prl_session_del(&nl, vni));
	prl_nl_close(&nl);
}

/* ---- replication (SESSION_NEW/DEL with REPLICA, VNI range) ---- */

static const uint8_t key_c[PEER_RELAY_KEY_LEN] = { 0x66, [31] = 0x03 };
static const uint8_t key_d[PEER_RELAY_KEY_LEN] = { 0x77, [31] = 0x04 };
static const uint8_t key_e[PEER_RELAY_KEY_LEN] = { 0x88, [31] = 0x05 };

#define REPL_VNI 0xabcde0

/* Which attributes replica_req() puts into the SESSION nest. */
enum {
	R_VNI = 1 << 0, R_LAMPORT = 1 << 1, R_AGE = 1 << 2, R_REPLICA = 1 << 3,
	R_IDLE = 1 << 4,	/* EP0 with IDLE_MS */
	R_LAMPORT0 = 1 << 5,	/* LAMPORT 0 */
	R_LAMPORT32 = 1 << 6,	/* LAMPORT as 4 bytes */
	R_FLAG_DATA = 1 << 7,	/* REPLICA with a payload */
	R_VNI0 = 1 << 8,	/* VNI 0 */
};

/* SESSION_NEW of (key_c, key_d) with the attributes @what. */
static int replica_req(struct prl_nl *nl, unsigned int what)
{
	static const uint8_t ip[4] = { 192, 0, 2, 7 };
	struct nl_msg *m = prl_nl_msg_new(nl, PEER_RELAY_CMD_SESSION_NEW, 0);
	struct nlattr *n, *ep;

	if (!m)
		return -ENOMEM;
	n = prl_nl_nest_start(m, PEER_RELAY_A_SESSION);
	nla_put(m, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, key_c);
	nla_put(m, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, key_d);
	if (what & (R_VNI | R_VNI0))
		nla_put_u32(m, PEER_RELAY_SESSION_A_VNI, what & R_VNI0 ? 0 : REPL_VNI);
	if (what & (R_LAMPORT | R_LAMPORT0))
		nla_put_u64(m, PEER_RELAY_SESSION_A_LAMPORT, what & R_LAMPORT0 ? 0 : 1000);
	if (what & R_LAMPORT32)
		nla_put_u32(m, PEER_RELAY_SESSION_A_LAMPORT, 1000);
	if (what & R_AGE)
		nla_put_u64(m, PEER_RELAY_SESSION_A_AGE_MS, 5000);
	if (what & R_REPLICA)
		nla_put_flag(m, PEER_RELAY_SESSION_A_REPLICA);
	if (what & R_FLAG_DATA)
		nla_put_u32(m, PEER_RELAY_SESSION_A_REPLICA, 1);
	if (what & R_IDLE) {
		ep = prl_nl_nest_start(m, PEER_RELAY_SESSION_A_EP0);
		nla_put(m, PEER_RELAY_EP_A_REMOTE_IPV4, 4, ip);
		nla_put_u16(m, PEER_RELAY_EP_A_REMOTE_PORT, 41641);
		nla_put_u64(m, PEER_RELAY_EP_A_IDLE_MS, 10);
		prl_nl_nest_end(m, ep);
	}
	prl_nl_nest_end(m, n);
	return prl_nl_request(nl, m, NULL, NULL);
}

/* A malformed request fails with @want (or @alt) and an extack. */
#define EXPECT_REFUSED(_nl, _err, _want, _alt, _what) do {		\
		int __e = (_err);					\
		EXPECT_TRUE(__e == (_want) || __e == (_alt))		\
			TH_LOG("%s: got %s (%s)", _what, strerror(-__e), (_nl)->last.msg); \
		EXPECT_TRUE((_nl)->last.msg[0] || (_nl)->last.has_miss)	\
			TH_LOG("%s: no extack", _what);			\
		TH_LOG("%s -> %s: \"%s\"", _what, strerror(-__e), (_nl)->last.msg); \
	} while (0)

static void replica_sample(struct prl_session *r, uint32_t vni, uint64_t lamport,
			   const uint8_t *k0, const uint8_t *k1)
{
	memset(r, 0, sizeof(*r));
	r->vni = vni;
	r->lamport = lamport;
	r->age_ms = 5000;
	memcpy(r->key0, k0, PEER_RELAY_KEY_LEN);
	memcpy(r->key1, k1, PEER_RELAY_KEY_LEN);
}

/*
 * The attributes replication added: REPLICA needs VNI and LAMPORT, the
 * replica-only attributes are refused without it, LamportID 0 and wrong
 * sizes are refused; a replica keeps its VNI/LamportID/age, repeating it
 * is harmless, a conflicting one is EEXIST, local allocations become
 * newer, a deletion names its LamportID; the VNI range is checked.
 */
TEST(replica_requests)
{
	static const struct {
		uint32_t min, max;
		int want;
		const char *what;
	} bad_ranges[] = {
		{ 200, 100, -EINVAL, "VNI_MIN above VNI_MAX" },
		{ 0, 100, -ERANGE, "VNI_MIN 0" },
		{ 1, 0x1000000, -ERANGE, "VNI_MAX above 2^24-1" },
	};
	struct prl_session r, got;
	struct prl_config cfg;
	struct prl_nl nl;
	uint64_t lamport;
	unsigned int i;
	int err, replies;

	OPEN_OR_SKIP(&nl);
	if (probe_admin(&nl) == -EPERM)
		SKIP(return, "not admin over this netns");
	prl_session_del_keys(&nl, key_c, key_d);

	err = replica_req(&nl, R_REPLICA | R_LAMPORT);
	EXPECT_REFUSED(&nl, err, -EINVAL, -EINVAL, "REPLICA without VNI");
	err = replica_req(&nl, R_REPLICA | R_VNI);
	EXPECT_REFUSED(&nl, err, -EINVAL, -EINVAL, "REPLICA without LAMPORT");
	err = replica_req(&nl, R_VNI | R_LAMPORT);
	EXPECT_REFUSED(&nl, err, -EINVAL, -EINVAL, "LAMPORT without REPLICA");
	err = replica_req(&nl, R_VNI | R_AGE);
	EXPECT_REFUSED(&nl, err, -EINVAL, -EINVAL, "AGE_MS without REPLICA");
	err = replica_req(&nl, R_VNI | R_IDLE);
	EXPECT_REFUSED(&nl, err, -EINVAL, -EINVAL, "an endpoint's IDLE_MS without REPLICA");
	err = replica_req(&nl, R_REPLICA | R_VNI | R_LAMPORT0);
	EXPECT_REFUSED(&nl, err, -ERANGE, -EINVAL, "LamportID 0");
	err = replica_req(&nl, R_REPLICA | R_VNI | R_LAMPORT32);
	EXPECT_REFUSED(&nl, err, -ERANGE, -EINVAL, "LAMPORT of 4 bytes");
	err = replica_req(&nl, R_FLAG_DATA | R_VNI | R_LAMPORT);
	EXPECT_REFUSED(&nl, err, -ERANGE, -EINVAL, "REPLICA flag with a payload");
	err = replica_req(&nl, R_REPLICA | R_VNI0 | R_LAMPORT);
	EXPECT_REFUSED(&nl, err, -ERANGE, -EINVAL, "replica with VNI 0");
	EXPECT_EQ(-ENOENT, prl_session_get_keys(&nl, key_c, key_d, &got))
		TH_LOG("a refused request created a session");

	/* a valid replica, twice */
	replica_sample(&r, REPL_VNI, 1000, key_c, key_d);
	err = prl_session_replicate(&nl, &r);
	ASSERT_EQ(0, err) TH_LOG("replica: %s: %s", strerror(-err), nl.last.msg);
	ASSERT_EQ(0, prl_session_get(&nl, REPL_VNI, &got));
	EXPECT_EQ(1000, got.lamport);
	EXPECT_LE(5000, got.age_ms);
	EXPECT_EQ(0, prl_session_replicate(&nl, &r)) TH_LOG("repeating a replica");
	/* the standby reads the ACK only: its requests ask for no reply */
	replies = 0;
	EXPECT_EQ(0, prl_nl_request(&nl, prl_session_replicate_msg(&nl, &r),
				    count_replies, &replies));
	EXPECT_EQ(0, replies) TH_LOG("a replica's SESSION_NEW got a reply");

	/* conflicts: the pair with another LamportID or VNI, the VNI taken */
	replica_sample(&r, REPL_VNI, 1001, key_c, key_d);
	err = prl_session_replicate(&nl, &r);
	EXPECT_REFUSED(&nl, err, -EEXIST, -EEXIST, "the pair with another LamportID");
	replica_sample(&r, REPL_VNI + 1, 1000, key_c, key_d);
	err = prl_session_replicate(&nl, &r);
	EXPECT_REFUSED(&nl, err, -EEXIST, -EEXIST, "the pair with another VNI");
	replica_sample(&r, REPL_VNI, 1002, key_c, key_e);
	err = prl_session_replicate(&nl, &r);
	EXPECT_EQ(-EEXIST, err) TH_LOG("another pair on a taken VNI: %s", strerror(-err));
	EXPECT_EQ(-ENOENT, prl_session_get_keys(&nl, key_c, key_e, &got));

	/* a local allocation is newer than every replica */
	ASSERT_EQ(0, prl_session_new(&nl, key_c, key_e, NULL, &got));
	lamport = got.lamport;
	EXPECT_LT(1000, lamport);
	EXPECT_EQ(0, prl_session_del_keys(&nl, key_c, key_e));

	/* deleting names the allocation */
	err = prl_session_del_replica(&nl, REPL_VNI, 999);
	EXPECT_REFUSED(&nl, err, -ENOENT, -ENOENT, "deleting another LamportID");
	EXPECT_EQ(0, prl_session_get(&nl, REPL_VNI, &got));
	err = prl_session_del_replica(&nl, REPL_VNI, 0);
	EXPECT_REFUSED(&nl, err, -ERANGE, -EINVAL, "deleting LamportID 0");
	EXPECT_EQ(0, prl_session_del_replica(&nl, REPL_VNI, 1000));
	EXPECT_EQ(-ENOENT, prl_session_get(&nl, REPL_VNI, &got));

	/* the VNI range the kernel allocates from */
	ASSERT_EQ(0, prl_config_get(&nl, &cfg));
	cfg.mask = PRL_CFG_VNI_RANGE;
	for (i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
		cfg.vni_min = bad_ranges[i].min;
		cfg.vni_max = bad_ranges[i].max;
		err = prl_config_set(&nl, &cfg);
		EXPECT_REFUSED(&nl, err, bad_ranges[i].want, -EINVAL, bad_ranges[i].what);
	}
	/* a range is honoured: the next allocation comes from it */
	cfg.vni_min = 0x345600;
	cfg.vni_max = 0x3456ff;
	ASSERT_EQ(0, prl_config_set(&nl, &cfg));
	ASSERT_EQ(0, prl_session_new(&nl, key_c, key_e, NULL, &got));
	EXPECT_TRUE(got.vni >= 0x345600 && got.vni <= 0x3456ff) TH_LOG("vni %u", got.vni);
	EXPECT_EQ(0, prl_session_del_keys(&nl, key_c, key_e));
	cfg.vni_min = 1;
	cfg.vni_max = 0xffffff;
	EXPECT_EQ(0, prl_config_set(&nl, &cfg));
	prl_nl_close(&nl);
}

/* ---- replies ---- */

struct reply_cmds {
	int n;
	int bad;		/* replies whose command is not the request's */
	uint8_t want;
};

static int note_cmd(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	struct reply_cmds *r = arg;

	r->n++;
	r->bad += g->cmd != r->want;
	return 0;
}

/* Send @m and count its replies whose genl command is not @cmd. */
static int reply_check(struct prl_nl *nl, struct nl_msg *m, uint8_t cmd,
		       struct reply_cmds *r)
{
	memset(r, 0, sizeof(*r));
	r->want = cmd;
	return prl_nl_request(nl, m, note_cmd, r);
}

/*
 * Every reply carries the command of its request, as the spec says (a
 * do's reply and every part of a dump): ynl and other spec-driven clients
 * match replies by command and drop the rest. The library enforces it
 * too (-EPROTO), so a wrong command fails here either way.
 */
TEST(reply_carries_request_cmd)
{
	struct reply_cmds r;
	struct nl_msg *m;
	struct prl_nl nl;
	struct nlattr *n;
	int err;

	OPEN_OR_SKIP(&nl);
	err = reply_check(&nl, prl_nl_msg_new(&nl, PEER_RELAY_CMD_STATS_GET, 0),
			  PEER_RELAY_CMD_STATS_GET, &r);
	EXPECT_EQ(0, err) TH_LOG("stats-get: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_EQ(1, r.n);
	EXPECT_EQ(0, r.bad);
	err = reply_check(&nl, prl_nl_msg_new(&nl, PEER_RELAY_CMD_CONFIG_GET, 0),
			  PEER_RELAY_CMD_CONFIG_GET, &r);
	EXPECT_EQ(0, err) TH_LOG("config-get: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_EQ(1, r.n);
	EXPECT_EQ(0, r.bad);

	if (probe_admin(&nl) == -EPERM) {
		prl_nl_close(&nl);
		SKIP(return, "not admin over this netns: session replies not tried");
	}
	/* session-new, then the same session by get (do) and dump */
	m = prl_nl_msg_new(&nl, PEER_RELAY_CMD_SESSION_NEW, 0);
	n = prl_nl_nest_start(m, PEER_RELAY_A_SESSION);
	put_keys(m);
	prl_nl_nest_end(m, n);
	err = reply_check(&nl, m, PEER_RELAY_CMD_SESSION_NEW, &r);
	EXPECT_EQ(0, err) TH_LOG("session-new: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_EQ(1, r.n);
	EXPECT_EQ(0, r.bad);

	m = prl_nl_msg_new(&nl, PEER_RELAY_CMD_SESSION_GET, 0);
	n = prl_nl_nest_start(m, PEER_RELAY_A_SESSION);
	put_keys(m);
	prl_nl_nest_end(m, n);
	err = reply_check(&nl, m, PEER_RELAY_CMD_SESSION_GET, &r);
	EXPECT_EQ(0, err) TH_LOG("session-get: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_EQ(1, r.n);
	EXPECT_EQ(0, r.bad);

	err = reply_check(&nl, prl_nl_msg_new(&nl, PEER_RELAY_CMD_SESSION_GET,
					      NLM_F_DUMP),
			  PEER_RELAY_CMD_SESSION_GET, &r);
	EXPECT_EQ(0, err) TH_LOG("session dump: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_LE(1, r.n);
	EXPECT_EQ(0, r.bad);
	EXPECT_EQ(0, prl_session_del_keys(&nl, key_a, key_b));
	prl_nl_close(&nl);
}

/* ---- permissions ---- */

/* Drop to uid/gid 65534; inside a user namespace where 65534 is not
 * mapped, clear all capabilities instead. */
static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (getuid() == NOBODY && geteuid() == NOBODY)
		return 0;
	if (!setgroups(0, NULL) && !setresgid(NOBODY, NOBODY, NOBODY) &&
	    !setresuid(NOBODY, NOBODY, NOBODY))
		return 0;
	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

static int count_sock(const struct prl_sock_info *s, void *arg)
{
	return 0;
}

static int count_session(const struct prl_session *s, void *arg)
{
	return 0;
}

static int udp_socket_bound(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * (a) No CAP_NET_ADMIN over the netns: changes, session and socket reads
 * and the events group are EPERM; counters and configuration work.
 * (unpriv.sh checks as root that nothing changed.)
 */
TEST(unpriv_changes_eperm_reads_ok)
{
	struct prl_events ev;
	struct prl_endpoint remote;
	struct prl_config cfg;
	struct prl_stats st;
	struct prl_session s;
	struct prl_sock_info si;
	struct prl_nl nl;
	uint32_t vni = 0x123456;
	int fd, err;

	ASSERT_EQ(0, drop_privileges());
	OPEN_OR_SKIP(&nl);
	fd = udp_socket_bound();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, prl_endpoint_parse("192.0.2.1:41641", &remote));

	/* counters and configuration are open to everyone */
	EXPECT_EQ(0, prl_stats_get(&nl, &st));
	EXPECT_EQ(0, prl_config_get(&nl, &cfg));
	/* client keys and addresses are not: sessions, sockets, events */
	EXPECT_EQ(-EPERM, prl_sock_dump(&nl, count_sock, NULL));
	EXPECT_EQ(-EPERM, prl_session_dump(&nl, count_session, NULL));
	EXPECT_EQ(-EPERM, prl_session_get(&nl, UNUSED_VNI, &s));
	EXPECT_EQ(-EPERM, prl_session_get_keys(&nl, key_a, key_b, &s));
	EXPECT_EQ(-EPERM, prl_sock_get(&nl, 0xfffffff0, &si));
	err = prl_events_open(&ev, &nl, true);
	EXPECT_EQ(-EPERM, err);
	if (!err)
		prl_events_close(&ev);

	/* every changing command, each well-formed */
	EXPECT_EQ(-EPERM, prl_sock_attach(&nl, fd, NULL));
	EXPECT_EQ(-EPERM, prl_sock_detach(&nl, 0xfffffff0));
	EXPECT_EQ(-EPERM, prl_session_new(&nl, key_a, key_b, &vni, NULL));
	EXPECT_EQ(-EPERM, prl_session_bind(&nl, UNUSED_VNI, 0, &remote, NULL));
	EXPECT_EQ(-EPERM, prl_session_del(&nl, UNUSED_VNI));
	EXPECT_EQ(-EPERM, prl_session_del_keys(&nl, key_a, key_b));
	EXPECT_EQ(-EPERM, prl_session_flush(&nl));
	replica_sample(&s, UNUSED_VNI, 5, key_a, key_b);
	EXPECT_EQ(-EPERM, prl_session_replicate(&nl, &s));
	EXPECT_EQ(-EPERM, prl_session_del_replica(&nl, UNUSED_VNI, 5));
	cfg.mask = PRL_CFG_MAX_SESSIONS;	/* the current value: harmless */
	EXPECT_EQ(-EPERM, prl_config_set(&nl, &cfg));

	close(fd);
	prl_nl_close(&nl);
}

/*
 * (b) An unprivileged process in its own user + network namespace holds
 * CAP_NET_ADMIN over that netns: everything works there.
 */
TEST(own_userns_netns_admin)
{
	struct prl_events ev;
	struct prl_endpoint remote;
	struct prl_config cfg;
	struct prl_session s;
	struct prl_sock_info si;
	struct prl_nl nl;
	uint32_t vni = 77;
	int fd, err;

	ASSERT_EQ(0, drop_privileges());
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		SKIP(return, "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s",
		     strerror(errno));
	OPEN_OR_SKIP(&nl);
	ASSERT_EQ(0, prl_endpoint_parse("192.0.2.1:41641", &remote));

	/* a fresh netns: empty; its events are ours to read */
	err = prl_events_open(&ev, &nl, true);
	EXPECT_EQ(0, err) TH_LOG("events: %s", strerror(-err));
	if (!err)
		prl_events_close(&ev);
	EXPECT_EQ(0, prl_session_dump(&nl, count_session, NULL));
	EXPECT_EQ(0, prl_sock_dump(&nl, count_sock, NULL));

	fd = udp_socket_bound();
	ASSERT_LE(0, fd);
	err = prl_sock_attach(&nl, fd, &si);
	ASSERT_EQ(0, err) TH_LOG("attach: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_EQ(AF_INET, si.family);
	EXPECT_NE(0, si.local.port);

	err = prl_session_new(&nl, key_a, key_b, &vni, &s);
	ASSERT_EQ(0, err) TH_LOG("session new: %s: %s", strerror(-err), nl.last.msg);
	EXPECT_EQ(77, s.vni);
	EXPECT_EQ(PEER_RELAY_STATE_CONNECTING, s.state);
	err = prl_session_bind(&nl, 77, 0, &remote, NULL);
	EXPECT_EQ(0, err) TH_LOG("bind: %s: %s", strerror(-err), nl.last.msg);
	ASSERT_EQ(0, prl_session_get(&nl, 77, &s));
	EXPECT_TRUE(prl_endpoint_equal(&remote, &s.ep[0].remote));
	EXPECT_EQ(0, s.ep[1].remote.addr.family);
	EXPECT_EQ(1, prl_session_dump(&nl, count_session, NULL));
	EXPECT_EQ(0, prl_session_del(&nl, 77));
	EXPECT_EQ(-ENOENT, prl_session_get(&nl, 77, &s));

	EXPECT_EQ(0, prl_session_new(&nl, key_a, key_b, NULL, NULL));
	EXPECT_EQ(0, prl_session_flush(&nl));
	EXPECT_EQ(0, prl_session_dump(&nl, count_session, NULL));

	memset(&cfg, 0, sizeof(cfg));
	cfg.mask = PRL_CFG_BIND_LIFETIME;
	cfg.bind_lifetime_ms = 5000;
	EXPECT_EQ(0, prl_config_set(&nl, &cfg));
	ASSERT_EQ(0, prl_config_get(&nl, &cfg));
	EXPECT_EQ(5000, cfg.bind_lifetime_ms);

	EXPECT_EQ(0, prl_sock_detach(&nl, si.id));
	EXPECT_EQ(0, prl_sock_dump(&nl, count_sock, NULL));
	close(fd);
	prl_nl_close(&nl);
}

TEST_HARNESS_MAIN
