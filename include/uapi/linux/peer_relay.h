/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * peer_relay: in-kernel data plane for Tailscale-compatible peer relays.
 *
 * Generic netlink family "peer_relay". Described in
 * Documentation/netlink/peer_relay.yaml and Documentation/netlink.md.
 *
 * Conventions:
 *  - Every request carries exactly one top-level nest (SOCK, SESSION,
 *    CONFIG); attributes are validated strictly, unknown ones are rejected.
 *  - Ports are u16 in host byte order, IPv4 addresses are 4 raw bytes and
 *    IPv6 addresses 16 raw bytes, both in network byte order.
 *  - Times are u64 milliseconds unless the name says otherwise.
 *  - Client keys are opaque 32-byte values (Curve25519 disco public keys).
 *    A session stores them sorted by memcmp(); endpoint 0 belongs to KEY0.
 */
#ifndef _UAPI_LINUX_PEER_RELAY_H
#define _UAPI_LINUX_PEER_RELAY_H

#define PEER_RELAY_GENL_NAME		"peer_relay"
#define PEER_RELAY_GENL_VERSION		1
#define PEER_RELAY_MCGRP_EVENTS		"events"

#define PEER_RELAY_KEY_LEN		32
#define PEER_RELAY_VNI_MIN		1
#define PEER_RELAY_VNI_MAX		0xffffff
#define PEER_RELAY_MAX_STATIC_EPS	16

/* Defaults of the instance configuration (protocol §4.2). */
#define PEER_RELAY_DEFAULT_BIND_LIFETIME_MS	30000
#define PEER_RELAY_DEFAULT_IDLE_LIFETIME_MS	300000
#define PEER_RELAY_DEFAULT_MAX_SESSIONS		1048576
#define PEER_RELAY_DEFAULT_PASS_RATE		2000
#define PEER_RELAY_DEFAULT_PASS_BURST		4000
#define PEER_RELAY_DEFAULT_PASS_RATE_TOTAL	20000

enum peer_relay_cmd {
	PEER_RELAY_CMD_UNSPEC,

	PEER_RELAY_CMD_SOCK_ATTACH,	/* SOCK{FD} -> SOCK{ID,...} */
	PEER_RELAY_CMD_SOCK_DETACH,	/* SOCK{ID} */
	PEER_RELAY_CMD_SOCK_GET,	/* do: SOCK{ID}; dump: all */

	PEER_RELAY_CMD_SESSION_NEW,	/* SESSION{KEY0,KEY1[,VNI][,EP0][,EP1]} -> SESSION */
	PEER_RELAY_CMD_SESSION_BIND,	/* SESSION{VNI,EP0|EP1{REMOTE_*[,LOCAL_*]}} */
	PEER_RELAY_CMD_SESSION_DEL,	/* SESSION{VNI} or SESSION{KEY0,KEY1} */
	PEER_RELAY_CMD_SESSION_GET,	/* do: VNI or KEY0+KEY1; dump: all */
	PEER_RELAY_CMD_SESSION_FLUSH,	/* no attributes */

	PEER_RELAY_CMD_STATS_GET,	/* -> STATS */
	PEER_RELAY_CMD_CONFIG_GET,	/* -> CONFIG */
	PEER_RELAY_CMD_CONFIG_SET,	/* CONFIG{any subset} */

	/* Notifications on the "events" multicast group. */
	PEER_RELAY_CMD_SESSION_NEW_NTF,	 /* SESSION */
	PEER_RELAY_CMD_SESSION_BIND_NTF, /* SESSION (after an endpoint bound) */
	PEER_RELAY_CMD_SESSION_DEL_NTF,	 /* SESSION{...,DEL_REASON} */
	PEER_RELAY_CMD_SOCK_DEL_NTF,	 /* SOCK{ID,...,DEL_REASON} */

	__PEER_RELAY_CMD_MAX,
};
#define PEER_RELAY_CMD_MAX (__PEER_RELAY_CMD_MAX - 1)

/* Top-level attributes. */
enum peer_relay_a {
	PEER_RELAY_A_UNSPEC,
	PEER_RELAY_A_SOCK,		/* nest, enum peer_relay_sock_a */
	PEER_RELAY_A_SESSION,		/* nest, enum peer_relay_session_a */
	PEER_RELAY_A_STATS,		/* nest, enum peer_relay_stats_a */
	PEER_RELAY_A_CONFIG,		/* nest, enum peer_relay_config_a */

	__PEER_RELAY_A_MAX,
};
#define PEER_RELAY_A_MAX (__PEER_RELAY_A_MAX - 1)

enum peer_relay_sock_a {
	PEER_RELAY_SOCK_A_UNSPEC,
	PEER_RELAY_SOCK_A_PAD,
	PEER_RELAY_SOCK_A_ID,		/* u32, assigned by the kernel */
	PEER_RELAY_SOCK_A_FD,		/* u32, file descriptor (attach only) */
	PEER_RELAY_SOCK_A_FAMILY,	/* u16, AF_INET or AF_INET6 */
	PEER_RELAY_SOCK_A_LOCAL_IPV4,	/* binary[4], bound address */
	PEER_RELAY_SOCK_A_LOCAL_IPV6,	/* binary[16], bound address */
	PEER_RELAY_SOCK_A_PORT,		/* u16, bound port */
	PEER_RELAY_SOCK_A_RX_PACKETS,	/* u64, datagrams seen by encap_rcv */
	PEER_RELAY_SOCK_A_DEL_REASON,	/* u32, enum peer_relay_sock_del_reason */

	__PEER_RELAY_SOCK_A_MAX,
};
#define PEER_RELAY_SOCK_A_MAX (__PEER_RELAY_SOCK_A_MAX - 1)

enum peer_relay_session_a {
	PEER_RELAY_SESSION_A_UNSPEC,
	PEER_RELAY_SESSION_A_PAD,
	PEER_RELAY_SESSION_A_VNI,	/* u32, 1..PEER_RELAY_VNI_MAX */
	PEER_RELAY_SESSION_A_KEY0,	/* binary[32], the smaller key */
	PEER_RELAY_SESSION_A_KEY1,	/* binary[32], the larger key */
	PEER_RELAY_SESSION_A_LAMPORT,	/* u64, allocation id (1, 2, ...) */
	PEER_RELAY_SESSION_A_STATE,	/* u8, enum peer_relay_session_state */
	PEER_RELAY_SESSION_A_AGE_MS,	/* u64, time since allocation */
	PEER_RELAY_SESSION_A_EP0,	/* nest, enum peer_relay_ep_a */
	PEER_RELAY_SESSION_A_EP1,	/* nest, enum peer_relay_ep_a */
	PEER_RELAY_SESSION_A_DEL_REASON, /* u32, enum peer_relay_del_reason */

	__PEER_RELAY_SESSION_A_MAX,
};
#define PEER_RELAY_SESSION_A_MAX (__PEER_RELAY_SESSION_A_MAX - 1)

/*
 * One endpoint of a session (also used for static endpoints in CONFIG).
 * A bound endpoint has REMOTE_IPV4 or REMOTE_IPV6 plus REMOTE_PORT.
 * LOCAL_* is the relay address the client reached us on; when present the
 * relay sends to this endpoint from that address. Its family must match
 * the remote's.
 */
enum peer_relay_ep_a {
	PEER_RELAY_EP_A_UNSPEC,
	PEER_RELAY_EP_A_PAD,
	PEER_RELAY_EP_A_REMOTE_IPV4,	/* binary[4] */
	PEER_RELAY_EP_A_REMOTE_IPV6,	/* binary[16] */
	PEER_RELAY_EP_A_REMOTE_PORT,	/* u16 */
	PEER_RELAY_EP_A_LOCAL_IPV4,	/* binary[4] */
	PEER_RELAY_EP_A_LOCAL_IPV6,	/* binary[16] */
	PEER_RELAY_EP_A_RX_PACKETS,	/* u64, forwarded from this endpoint */
	PEER_RELAY_EP_A_RX_BYTES,	/* u64, UDP payload incl. Geneve */
	PEER_RELAY_EP_A_IDLE_MS,	/* u64, since last forwarded or bound */

	__PEER_RELAY_EP_A_MAX,
};
#define PEER_RELAY_EP_A_MAX (__PEER_RELAY_EP_A_MAX - 1)

/*
 * Counters of one network namespace. FWD_* are indexed by
 * (ingress family, egress family); bytes are UDP payload bytes including
 * the 8-byte Geneve header. DROPS and PASSES are nests whose attribute
 * types are enum peer_relay_drop_reason / enum peer_relay_pass_reason,
 * each carrying a u64. SESSIONS_DELETED is a nest keyed by
 * enum peer_relay_del_reason.
 */
enum peer_relay_stats_a {
	PEER_RELAY_STATS_A_UNSPEC,
	PEER_RELAY_STATS_A_PAD,
	PEER_RELAY_STATS_A_FWD_PACKETS_4_4,	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_4_6,	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_6_4,	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_6_6,	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_4_4,	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_4_6,	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_6_4,	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_6_6,	/* u64 */
	PEER_RELAY_STATS_A_SESSIONS_CONNECTING,	/* u32 gauge */
	PEER_RELAY_STATS_A_SESSIONS_OPEN,	/* u32 gauge */
	PEER_RELAY_STATS_A_SOCKETS,		/* u32 gauge */
	PEER_RELAY_STATS_A_DROPS,		/* nest */
	PEER_RELAY_STATS_A_PASSES,		/* nest */
	PEER_RELAY_STATS_A_SESSIONS_CREATED,	/* u64 */
	PEER_RELAY_STATS_A_SESSIONS_DELETED,	/* nest */

	__PEER_RELAY_STATS_A_MAX,
};
#define PEER_RELAY_STATS_A_MAX (__PEER_RELAY_STATS_A_MAX - 1)

enum peer_relay_config_a {
	PEER_RELAY_CONFIG_A_UNSPEC,
	PEER_RELAY_CONFIG_A_PAD,
	PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS,	/* u32, 100..86400000 */
	PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS,	/* u32, 100..86400000 */
	PEER_RELAY_CONFIG_A_MAX_SESSIONS,	/* u32, 1..PEER_RELAY_VNI_MAX */
	PEER_RELAY_CONFIG_A_SERVER_KEY,		/* binary[32], opaque */
	PEER_RELAY_CONFIG_A_STATIC_EPS,		/* nest of EP nests */
	PEER_RELAY_CONFIG_A_PASS_RATE,		/* u32, datagrams/s per source
						 * passed to userspace; 0: no limit
						 */
	PEER_RELAY_CONFIG_A_PASS_BURST,		/* u32, burst of PASS_RATE, >= 1 */
	PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL,	/* u32, datagrams/s from all
						 * sources together (burst: one
						 * second's worth); 0: no limit
						 */

	__PEER_RELAY_CONFIG_A_MAX,
};
#define PEER_RELAY_CONFIG_A_MAX (__PEER_RELAY_CONFIG_A_MAX - 1)

/* Inside CONFIG_A_STATIC_EPS: each entry is an EP nest (REMOTE_* only). */
enum peer_relay_static_eps_a {
	PEER_RELAY_STATIC_EPS_A_UNSPEC,
	PEER_RELAY_STATIC_EPS_A_EP,		/* nest, multi-attr */

	__PEER_RELAY_STATIC_EPS_A_MAX,
};
#define PEER_RELAY_STATIC_EPS_A_MAX (__PEER_RELAY_STATIC_EPS_A_MAX - 1)

enum peer_relay_session_state {
	PEER_RELAY_STATE_CONNECTING = 1,	/* at least one side unbound */
	PEER_RELAY_STATE_OPEN = 2,		/* both bound, forwarding */
};

/* Why the kernel dropped a datagram that reached a relay socket. */
enum peer_relay_drop_reason {
	PEER_RELAY_DROP_UNSPEC,
	PEER_RELAY_DROP_SHORT,		/* shorter than the 8-byte Geneve header */
	PEER_RELAY_DROP_UNKNOWN_VNI,	/* no session with this VNI */
	PEER_RELAY_DROP_NOT_BOUND,	/* session not bound on both sides */
	PEER_RELAY_DROP_BAD_SOURCE,	/* source is neither bound endpoint */
	PEER_RELAY_DROP_NO_SOCKET,	/* no attached socket of the egress family */
	PEER_RELAY_DROP_NO_ROUTE,	/* route lookup to the destination failed */
	PEER_RELAY_DROP_TX_ERROR,	/* the IP layer refused the datagram */
	PEER_RELAY_DROP_NOMEM,		/* could not make the skb writable */
	PEER_RELAY_DROP_RATELIMIT,	/* control traffic over the per-source limit */
	PEER_RELAY_DROP_RATELIMIT_TOTAL, /* over the limit of all sources together */

	__PEER_RELAY_DROP_MAX,
};
#define PEER_RELAY_DROP_MAX (__PEER_RELAY_DROP_MAX - 1)

/* Why the kernel let a datagram through to the userspace socket. */
enum peer_relay_pass_reason {
	PEER_RELAY_PASS_UNSPEC,
	PEER_RELAY_PASS_CONTROL,	/* Geneve control (O) bit set, known VNI */
	PEER_RELAY_PASS_NOT_GENEVE,	/* version bits != 0: plain disco etc. */
	PEER_RELAY_PASS_STUN,		/* STUN binding message */

	__PEER_RELAY_PASS_MAX,
};
#define PEER_RELAY_PASS_MAX (__PEER_RELAY_PASS_MAX - 1)

/* Why a session went away (SESSION_DEL_NTF, STATS SESSIONS_DELETED). */
enum peer_relay_del_reason {
	PEER_RELAY_DEL_UNSPEC,
	PEER_RELAY_DEL_USER,		/* SESSION_DEL */
	PEER_RELAY_DEL_FLUSH,		/* SESSION_FLUSH */
	PEER_RELAY_DEL_EXPIRED_BIND,	/* not bound by both within bind lifetime */
	PEER_RELAY_DEL_EXPIRED_IDLE,	/* one side idle longer than idle lifetime */

	__PEER_RELAY_DEL_MAX,
};
#define PEER_RELAY_DEL_MAX (__PEER_RELAY_DEL_MAX - 1)

enum peer_relay_sock_del_reason {
	PEER_RELAY_SOCK_DEL_UNSPEC,
	PEER_RELAY_SOCK_DEL_USER,	/* SOCK_DETACH */
	PEER_RELAY_SOCK_DEL_CLOSED,	/* userspace closed the socket */

	__PEER_RELAY_SOCK_DEL_MAX,
};
#define PEER_RELAY_SOCK_DEL_MAX (__PEER_RELAY_SOCK_DEL_MAX - 1)

#endif /* _UAPI_LINUX_PEER_RELAY_H */
