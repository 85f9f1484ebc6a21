/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relayd's control socket: the peer_relay commands relayctl sends over
 * generic netlink, served by relayd from its data plane (either one) on
 * a local SOCK_SEQPACKET socket, so the same tools work when relayd
 * forwards in userspace and there is no module to ask.
 *
 * One request datagram, then zero or more PRL_CTL_R_OBJ replies and one
 * PRL_CTL_R_DONE (the error and extack-like message). After a successful
 * PRL_CTL_MONITOR the connection carries the session events instead (the
 * module's "events" group in userspace mode): PRL_CTL_R_EVENT each, and
 * PRL_CTL_R_LOST where relayd had to drop some because the monitor did not
 * read (it never blocks for a monitor). The structs are
 * the library's own (struct prl_session, prl_stats, ...): relayd and
 * relayctl come from the same build, and magic + size refuse anything
 * else. Commands that change state need the peer's uid to be 0 or
 * relayd's (SO_PEERCRED), as the module needs CAP_NET_ADMIN.
 */
#ifndef PRL_CTL_PROTO_H
#define PRL_CTL_PROTO_H

#include <stdint.h>

#include "nl.h"

#define PRL_CTL_MAGIC		0x50524c43u	/* "PRLC" */
#define PRL_CTL_DEFAULT_PATH	"/run/peer_relay/relayd.sock"
#define PRL_CTL_PATH_ENV	"PEER_RELAY_CTL_SOCKET"

enum prl_ctl_cmd {
	PRL_CTL_SOCK_DUMP = 1,
	PRL_CTL_SOCK_GET,
	PRL_CTL_SESSION_NEW,
	PRL_CTL_SESSION_BIND,
	PRL_CTL_SESSION_DEL,
	PRL_CTL_SESSION_DEL_KEYS,
	PRL_CTL_SESSION_GET,
	PRL_CTL_SESSION_GET_KEYS,
	PRL_CTL_SESSION_DUMP,
	PRL_CTL_SESSION_FLUSH,
	PRL_CTL_STATS_GET,
	PRL_CTL_CONFIG_GET,
	PRL_CTL_CONFIG_SET,
	PRL_CTL_MONITOR,	/* DONE, then R_EVENT/R_LOST until closed */
	__PRL_CTL_CMD_MAX,
};

/* prl_ctl_req.flags */
#define PRL_CTL_F_VNI		(1u << 0)
#define PRL_CTL_F_AT_A		(1u << 1)
#define PRL_CTL_F_AT_B		(1u << 2)
#define PRL_CTL_F_LOCAL		(1u << 3)

struct prl_ctl_req {
	uint32_t magic;
	uint32_t size;			/* sizeof(struct prl_ctl_req) */
	uint32_t cmd;			/* enum prl_ctl_cmd */
	uint32_t flags;
	uint32_t vni;			/* also the socket ID of SOCK_GET */
	uint32_t ep;			/* SESSION_BIND: 0 or 1 */
	uint8_t key_a[PEER_RELAY_KEY_LEN];
	uint8_t key_b[PEER_RELAY_KEY_LEN];
	struct prl_endpoint remote;	/* SESSION_BIND */
	struct prl_addr local;
	struct prl_endpoint at_a, at_b;	/* SESSION_NEW */
	struct prl_config cfg;		/* CONFIG_SET */
};

enum prl_ctl_reply_type {
	PRL_CTL_R_OBJ = 1,
	PRL_CTL_R_DONE,
	PRL_CTL_R_EVENT,	/* u.event, to a monitor */
	PRL_CTL_R_LOST,		/* events were dropped before the next one */
};

struct prl_ctl_reply {
	uint32_t magic;
	uint32_t size;			/* sizeof(struct prl_ctl_reply) */
	uint32_t type;			/* enum prl_ctl_reply_type */
	int32_t err;			/* DONE: 0 or a negative errno */
	char msg[PRL_NL_ERRMSG_LEN];	/* DONE: why, "" if nothing to add */
	union {
		struct prl_session session;
		struct prl_stats stats;
		struct prl_config config;
		struct prl_sock_info sock;
		struct prl_event event;
	} u;
};

#endif /* PRL_CTL_PROTO_H */
