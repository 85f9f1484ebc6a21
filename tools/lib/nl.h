/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Netlink client for the "peer_relay" generic netlink family (libnl-genl-3).
 *
 * Three layers, all working on a caller-owned context (no globals):
 *
 *  1. Raw transport (nl.c): open/resolve, build a request, send it and
 *     collect replies + the final ack/error with the kernel's extack.
 *     Used directly by the policy selftest to send malformed requests.
 *  2. Typed commands (nl_cmd.c) and parsers (nl_parse.c): plain C structs
 *     in and out, callers never touch struct nlattr.
 *  3. Events (nl_events.c): a second socket subscribed to the "events"
 *     multicast group, pollable.
 *
 * Every function returning int returns 0 (or a count) on success and a
 * negative errno on failure. After a failed request prl_nl_errmsg() gives
 * the kernel's extack message (or a description of the missing attribute),
 * "" when the kernel gave none.
 */
#ifndef PRL_NL_H
#define PRL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/peer_relay.h>

#include "addr.h"

/* ---- 1. transport ------------------------------------------------------ */

#define PRL_NL_ERRMSG_LEN 256

/* What the kernel said about the last failed request. */
struct prl_nl_error {
	int err;			/* negative errno, 0 = success */
	char msg[PRL_NL_ERRMSG_LEN];	/* NLMSGERR_ATTR_MSG or "" */
	bool has_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	bool has_miss;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	bool has_miss_nest;
	uint32_t miss_nest;		/* NLMSGERR_ATTR_MISS_NEST (offset) */
};

struct prl_nl_backend;

struct prl_nl {
	/* who answers the commands of 2b: the module or relayd (nl_backend.h) */
	const struct prl_nl_backend *ops;
	struct nl_sock *sk;
	/* > 0: connected to relayd's control socket instead (ctl_client.c) */
	int relayd_fd;
	int family_id;			/* resolved "peer_relay" id */
	uint32_t events_grp;		/* "events" group id, 0 if absent */
	struct prl_nl_error last;	/* of the last request */
	char errbuf[PRL_NL_ERRMSG_LEN + 64];
};

/*
 * Open a generic netlink socket with NETLINK_EXT_ACK and NETLINK_CAP_ACK
 * enabled and resolve the family and its "events" group. Returns -ENOENT
 * when the family does not exist (module not loaded).
 */
int prl_nl_open(struct prl_nl *nl);
void prl_nl_close(struct prl_nl *nl);

/*
 * prl_nl_open_any() - relayd's control socket at @path (NULL:
 * $PEER_RELAY_CTL_SOCKET, else /run/peer_relay/relayd.sock; "none": skip)
 * if a relayd listens there - it does only while it forwards in
 * userspace, and then answers the typed commands below from its data
 * plane - else the module's netlink family. Returns 0, or the netlink
 * error when neither is there (the message says both).
 */
int prl_nl_open_any(struct prl_nl *nl, const char *path);
/* Talking to relayd's control socket rather than to the module? */
static inline bool prl_nl_via_relayd(const struct prl_nl *nl)
{
	return nl->relayd_fd > 0;
}

/* Message of the last failed request, "" if the kernel gave none. */
const char *prl_nl_errmsg(struct prl_nl *nl);

/*
 * Room of a request from prl_nl_msg_new(): a SESSION_NEW with every
 * attribute (IPv6 bindings, replica fields) takes under 300 bytes.
 * libnl's default is a page, which calloc() zeroes byte by byte (glibc's
 * `rep stosb` above 2 KiB): that was half of the userspace cost of
 * installing a session (Documentation/performance.md).
 */
#define PRL_NL_MSG_SIZE		512
/* Room of a CONFIG_SET request, whose static endpoint list can be long. */
#define PRL_NL_MSG_SIZE_MAX	4096

/*
 * New request for @cmd of our family, of PRL_NL_MSG_SIZE bytes at most
 * (attributes past it fail to be added). @flags: 0 for a "do" request,
 * NLM_F_DUMP for a dump (NLM_F_REQUEST and NLM_F_ACK are added on send).
 * Returns NULL on allocation failure.
 */
struct nl_msg *prl_nl_msg_new(const struct prl_nl *nl, uint8_t cmd, int flags);
/* The same with room for @size bytes (header included). */
struct nl_msg *prl_nl_msg_new_size(const struct prl_nl *nl, uint8_t cmd,
				   int flags, size_t size);

/* Start a nest with NLA_F_NESTED set. NULL if the message is full. */
struct nlattr *prl_nl_nest_start(struct nl_msg *msg, int type);
/* Close a nest; empty nests are kept (unlike libnl's nla_nest_end). */
int prl_nl_nest_end(struct nl_msg *msg, struct nlattr *nest);

/*
 * A request carrying one top-level nest of @type, started in *@nest (the
 * room is PRL_NL_MSG_SIZE, PRL_NL_MSG_SIZE_MAX for CONFIG_SET). Fill the
 * nest, then prl_nl_msg_close(). NULL on allocation failure.
 */
struct nl_msg *prl_nl_msg_nest(const struct prl_nl *nl, uint8_t cmd, int flags,
			       int type, struct nlattr **nest);
/*
 * Close the nest of prl_nl_msg_nest(), or free the message if filling it
 * failed (@put_err non-zero: a negative errno or libnl's error). Returns
 * 0, or a negative errno (-EMSGSIZE for a full message) and @msg is freed.
 */
int prl_nl_msg_close(struct nl_msg *msg, struct nlattr *nest, int put_err);

/*
 * Called for every reply message (a "do" reply or each dump part).
 * Return 0 to go on, a negative errno to make the request fail with it
 * (the remaining replies are still read and discarded).
 */
typedef int (*prl_nl_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send @msg (always consumed) and wait for the ack, NLMSG_DONE or error,
 * calling @fn (may be NULL) for each reply. Fills nl->last.
 */
int prl_nl_request(struct prl_nl *nl, struct nl_msg *msg, prl_nl_reply_fn fn,
		  void *arg);

/*
 * Parse the top-level attributes of a reply of our family into @tb
 * (PEER_RELAY_A_MAX + 1 entries). Sets *@cmd if non-NULL.
 */
int prl_nl_parse_top(const struct nlmsghdr *nlh, struct nlattr **tb,
		    uint8_t *cmd);

/* libnl error (NLE_*, positive or negative) to a negative errno. */
int prl_nl_nlerr_to_errno(int nlerr);

/* ---- 2. objects ---------------------------------------------------------- */

/* Index into prl_stats.fwd_* and prelay_af_pair_names: in/out family is v6. */
#define PRL_AF_PAIR(in_v6, out_v6)	((in_v6) * 2 + (out_v6))

struct prl_sock_info {
	uint32_t id;
	uint16_t family;		/* AF_INET or AF_INET6 */
	struct prl_endpoint local;	/* bound address and port */
	uint64_t rx_packets;
	uint32_t del_reason;		/* SOCK_DEL_NTF only, else 0 */
};

struct prl_ep_info {
	struct prl_endpoint remote;	/* remote.addr.family 0: unbound */
	struct prl_addr local;		/* family 0: not pinned */
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t idle_ms;
};

struct prl_session {
	uint32_t vni;
	uint8_t key0[PEER_RELAY_KEY_LEN];
	uint8_t key1[PEER_RELAY_KEY_LEN];
	uint64_t lamport;
	uint8_t state;			/* enum peer_relay_session_state */
	uint64_t age_ms;
	struct prl_ep_info ep[2];
	uint32_t del_reason;		/* SESSION_DEL_NTF only, else 0 */
	bool replica;			/* event caused by replication */
};

struct prl_stats {
	uint64_t fwd_packets[4];	/* by PRL_AF_PAIR(in, out) */
	uint64_t fwd_bytes[4];
	uint32_t sessions_connecting;
	uint32_t sessions_open;
	uint32_t sockets;
	uint64_t sessions_created;
	uint64_t dropped[__PEER_RELAY_DROP_MAX];	/* by drop reason */
	uint64_t passed[__PEER_RELAY_PASS_MAX];		/* by pass reason */
	uint64_t deleted[__PEER_RELAY_DEL_MAX];		/* by del reason */
};

/* prl_config.mask bits: present in a reply / to be changed by a set. */
#define PRL_CFG_BIND_LIFETIME	(1u << 0)
#define PRL_CFG_IDLE_LIFETIME	(1u << 1)
#define PRL_CFG_MAX_SESSIONS	(1u << 2)
#define PRL_CFG_SERVER_KEY	(1u << 3)
#define PRL_CFG_STATIC_EPS	(1u << 4)
#define PRL_CFG_PASS_RATE	(1u << 5)
#define PRL_CFG_PASS_BURST	(1u << 6)
#define PRL_CFG_PASS_RATE_TOTAL	(1u << 7)
#define PRL_CFG_VNI_RANGE	(1u << 8)	/* vni_min and vni_max */

struct prl_config {
	uint32_t mask;
	uint32_t bind_lifetime_ms;
	uint32_t idle_lifetime_ms;
	uint32_t max_sessions;
	uint32_t pass_rate;	/* per source, datagrams/s to userspace */
	uint32_t pass_burst;
	uint32_t pass_rate_total;	/* all sources together */
	uint32_t vni_min, vni_max;	/* VNIs the kernel picks */
	uint8_t server_key[PEER_RELAY_KEY_LEN];
	unsigned int n_static_eps;	/* 0 with PRL_CFG_STATIC_EPS: clear */
	struct prl_endpoint static_eps[PEER_RELAY_MAX_STATIC_EPS];
};

/* Parsers of the nests (exported for tests and tools). -EBADMSG if bad. */
int prl_parse_sock(const struct nlattr *nest, struct prl_sock_info *out);
int prl_parse_session(const struct nlattr *nest, struct prl_session *out);
int prl_parse_ep(const struct nlattr *nest, struct prl_ep_info *out);
int prl_parse_stats(const struct nlattr *nest, struct prl_stats *out);
int prl_parse_config(const struct nlattr *nest, struct prl_config *out);

/*
 * Put an EP nest of type @type: REMOTE_IPV4|6 + REMOTE_PORT, and
 * LOCAL_IPV4|6 if @local is non-NULL with a family. -EINVAL on a family
 * mismatch or no remote address, -EMSGSIZE if the message is full.
 */
int prl_put_ep(struct nl_msg *msg, int type, const struct prl_endpoint *remote,
	      const struct prl_addr *local);
/*
 * Put the attributes of a CONFIG nest: those @cfg->mask names. -EMSGSIZE
 * if the message is full, -E2BIG for too many static endpoints.
 */
int prl_put_config(struct nl_msg *msg, const struct prl_config *cfg);
/* What prl_put_ep() puts inside the nest (for a caller that adds more). */
int prl_put_ep_attrs(struct nl_msg *msg, const struct prl_endpoint *remote,
		     const struct prl_addr *local);

/* Sort two keys by memcmp() into (*lo, *hi). */
void prl_keys_sort(const uint8_t *a, const uint8_t *b, const uint8_t **lo,
		  const uint8_t **hi);

/* ---- 2b. commands ---------------------------------------------------- */

/* SOCK_ATTACH: hand over a bound UDP socket. @out may be NULL. */
int prl_sock_attach(struct prl_nl *nl, int fd, struct prl_sock_info *out);
int prl_sock_detach(struct prl_nl *nl, uint32_t id);
int prl_sock_get(struct prl_nl *nl, uint32_t id, struct prl_sock_info *out);

/* Dump callbacks: return 0 to continue, negative errno to fail. */
typedef int (*prl_sock_cb)(const struct prl_sock_info *s, void *arg);
typedef int (*prl_session_cb)(const struct prl_session *s, void *arg);

/* Returns the number of objects reported, or a negative errno. */
int prl_sock_dump(struct prl_nl *nl, prl_sock_cb cb, void *arg);

/*
 * SESSION_NEW for the unordered pair (@key_a, @key_b). @vni NULL lets the
 * kernel choose, else *@vni is sent as is (the kernel range-checks it).
 * @out (may be NULL) receives the session.
 */
int prl_session_new(struct prl_nl *nl, const uint8_t *key_a,
		   const uint8_t *key_b, const uint32_t *vni,
		   struct prl_session *out);

/*
 * The same, binding in the same request the endpoint of @key_a to @at_a
 * and that of @key_b to @at_b (either may be NULL). The kernel checks both
 * bindings before it creates anything.
 */
int prl_session_new_bound(struct prl_nl *nl, const uint8_t *key_a,
			 const uint8_t *key_b, const uint32_t *vni,
			 const struct prl_endpoint *at_a,
			 const struct prl_endpoint *at_b,
			 struct prl_session *out);

/*
 * SESSION_BIND endpoint @ep (0 or 1) of session @vni to @remote, sending
 * from @local if non-NULL and set.
 */
int prl_session_bind(struct prl_nl *nl, uint32_t vni, unsigned int ep,
		    const struct prl_endpoint *remote,
		    const struct prl_addr *local);
int prl_session_del(struct prl_nl *nl, uint32_t vni);
int prl_session_del_keys(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b);
int prl_session_get(struct prl_nl *nl, uint32_t vni, struct prl_session *out);
int prl_session_get_keys(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b, struct prl_session *out);
int prl_session_dump(struct prl_nl *nl, prl_session_cb cb, void *arg);
int prl_session_flush(struct prl_nl *nl);

/*
 * Session replication (nl_replica.c). prl_session_replicate(): SESSION_NEW
 * with REPLICA (and NO_REPLY: the ACK only) of @s as another relay
 * reported it (VNI, keys, LamportID, age, bindings with their local
 * address and idle time). An existing session with the same VNI and
 * LamportID only has changed bindings rebound and its last-seen moved
 * forward. prl_session_del_replica():
 * SESSION_DEL{VNI, LAMPORT, REPLICA}: -ENOENT if VNI is gone or another
 * allocation now.
 */
int prl_session_replicate(struct prl_nl *nl, const struct prl_session *s);
int prl_session_del_replica(struct prl_nl *nl, uint32_t vni, uint64_t lamport);
/*
 * The same requests, built but not sent (for nl_batch.h). NULL if @s
 * cannot be expressed (a bad address family) or on allocation failure.
 */
struct nl_msg *prl_session_replicate_msg(const struct prl_nl *nl,
					 const struct prl_session *s);
struct nl_msg *prl_session_del_replica_msg(const struct prl_nl *nl, uint32_t vni,
					   uint64_t lamport);

int prl_stats_get(struct prl_nl *nl, struct prl_stats *out);
int prl_config_get(struct prl_nl *nl, struct prl_config *out);
/* CONFIG_SET of the fields selected by @cfg->mask (must not be 0). */
int prl_config_set(struct prl_nl *nl, const struct prl_config *cfg);

/* ---- 3. events ------------------------------------------------------- */

struct prl_event {
	uint8_t cmd;	/* PEER_RELAY_CMD_{SESSION_NEW,SESSION_BIND,
			 * SESSION_DEL,SOCK_DEL}_NTF */
	union {
		struct prl_session session;	/* SESSION_*_NTF */
		struct prl_sock_info sock;	/* SOCK_DEL_NTF */
	};
};

/* Return 0 to go on, negative errno to stop prl_events_recv() with it. */
typedef int (*prl_event_fn)(const struct prl_event *ev, void *arg);

struct prl_events {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family_id;
	prl_event_fn fn;
	void *arg;
	int fn_err;
	unsigned long unknown;	/* messages that did not parse */
	int relayd_fd;		/* > 0: relayd's events (ctl_client.h) */
};

/*
 * Subscribe to the "events" group of the family resolved in @nl (which
 * may be closed afterwards), or, when @nl talks to relayd's control
 * socket, to relayd's session events (the same events, userspace mode).
 * With @nonblock, prl_events_recv() returns -EAGAIN when nothing is
 * queued, for use with poll()/epoll.
 */
int prl_events_open(struct prl_events *ev, const struct prl_nl *nl,
		   bool nonblock);
int prl_events_fd(const struct prl_events *ev);
/*
 * Read one batch of notifications and call @fn for each. Returns 0,
 * -EAGAIN (non-blocking, nothing queued), -ENOBUFS (the socket overran and
 * events were lost; keep going), the error @fn returned, or another errno.
 */
int prl_events_recv(struct prl_events *ev, prl_event_fn fn, void *arg);
void prl_events_close(struct prl_events *ev);

/* ---- names --------------------------------------------------------- */

/* Name of an enum value from include/peer_relay/names.h, "unknown" else. */
const char *prl_drop_name(unsigned int reason);
const char *prl_pass_name(unsigned int reason);
const char *prl_del_name(unsigned int reason);
const char *prl_sock_del_name(unsigned int reason);
const char *prl_state_name(unsigned int state);
/* "session_new", "session_bind", "session_del", "sock_del" or NULL. */
const char *prl_event_name(unsigned int cmd);
/* "udp4"/"udp6" for AF_INET/AF_INET6, "unknown" else. */
const char *prl_family_name(unsigned int family);

#endif /* PRL_NL_H */
