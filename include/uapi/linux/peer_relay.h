/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/* Do not edit: made by scripts/nlspec/gen.py from the netlink spec. */
/*
 * In-kernel data plane of a Tailscale-compatible peer relay. Userspace
 * hands bound UDP sockets to the kernel, which then forwards Geneve data
 * packets between the two bound endpoints of a session (keyed by its
 * 24-bit VNI) and passes control packets, plain disco and STUN up to the
 * socket's owner. Configuration and counters are per network namespace.
 *
 * Conventions: every request carries exactly one top-level nest (sock,
 * session or config) and is validated strictly (unknown attributes are
 * rejected). Ports are u16 in host byte order; IPv4 addresses are 4 raw
 * bytes and IPv6 addresses 16, in network byte order. Times are u64
 * milliseconds unless the name says otherwise. Client keys are opaque
 * 32-byte values (Curve25519 disco public keys); a session stores them
 * sorted by memcmp(), endpoint 0 belongs to key0. Every reply carries the
 * command of its request.
 */
#ifndef _UAPI_LINUX_PEER_RELAY_H
#define _UAPI_LINUX_PEER_RELAY_H

#define PEER_RELAY_GENL_NAME	"peer_relay"
#define PEER_RELAY_GENL_VERSION	1
#define PEER_RELAY_MCGRP_EVENTS	"events"

/* Length of a client (disco) public key. */
#define PEER_RELAY_KEY_LEN	32
/* Smallest VNI. */
#define PEER_RELAY_VNI_MIN	1
/* Largest VNI (24 bits). */
#define PEER_RELAY_VNI_MAX	0xffffff
/* Most static endpoints in the config. */
#define PEER_RELAY_MAX_STATIC_EPS	16
/* Default config bind-lifetime-ms (protocol 4.2). */
#define PEER_RELAY_DEFAULT_BIND_LIFETIME_MS	30000
/* Default config idle-lifetime-ms. */
#define PEER_RELAY_DEFAULT_IDLE_LIFETIME_MS	300000
/* Default config max-sessions. */
#define PEER_RELAY_DEFAULT_MAX_SESSIONS	1048576
/* Default config pass-rate. */
#define PEER_RELAY_DEFAULT_PASS_RATE	2000
/* Default config pass-burst. */
#define PEER_RELAY_DEFAULT_PASS_BURST	4000
/* Default config pass-rate-total. */
#define PEER_RELAY_DEFAULT_PASS_RATE_TOTAL	20000

/* State of a session (session attribute state). */
enum peer_relay_session_state {
	/* At least one endpoint is unbound. */
	PEER_RELAY_STATE_CONNECTING = 1,
	/* Both endpoints are bound; data packets are forwarded. */
	PEER_RELAY_STATE_OPEN,
};

/*
 * Why the kernel dropped a datagram that reached a relay socket. Also the
 * attribute types of the stats drops nest.
 */
enum peer_relay_drop_reason {
	PEER_RELAY_DROP_UNSPEC,
	/* Shorter than the 8-byte Geneve header. */
	PEER_RELAY_DROP_SHORT,
	/* No session with this VNI. */
	PEER_RELAY_DROP_UNKNOWN_VNI,
	/* The session is not bound on both sides. */
	PEER_RELAY_DROP_NOT_BOUND,
	/* The source is neither bound endpoint. */
	PEER_RELAY_DROP_BAD_SOURCE,
	/* No attached socket of the egress family. */
	PEER_RELAY_DROP_NO_SOCKET,
	/* Route lookup to the destination failed. */
	PEER_RELAY_DROP_NO_ROUTE,
	/* The IP layer refused the datagram. */
	PEER_RELAY_DROP_TX_ERROR,
	/* Could not make the skb writable. */
	PEER_RELAY_DROP_NOMEM,
	/* Control traffic over the per-source limit. */
	PEER_RELAY_DROP_RATELIMIT,
	/* Over the limit of all sources together. */
	PEER_RELAY_DROP_RATELIMIT_TOTAL,

	__PEER_RELAY_DROP_MAX,
};
#define PEER_RELAY_DROP_MAX (__PEER_RELAY_DROP_MAX - 1)

/*
 * Why the kernel let a datagram through to the userspace socket. Also the
 * attribute types of the stats passes nest.
 */
enum peer_relay_pass_reason {
	PEER_RELAY_PASS_UNSPEC,
	/* Geneve control (O) bit set, known VNI. */
	PEER_RELAY_PASS_CONTROL,
	/* Version bits != 0 (plain disco and the like). */
	PEER_RELAY_PASS_NOT_GENEVE,
	/* STUN binding message. */
	PEER_RELAY_PASS_STUN,

	__PEER_RELAY_PASS_MAX,
};
#define PEER_RELAY_PASS_MAX (__PEER_RELAY_PASS_MAX - 1)

/*
 * Why a session went away (session-del-ntf, and the attribute types of the
 * stats sessions-deleted nest).
 */
enum peer_relay_del_reason {
	PEER_RELAY_DEL_UNSPEC,
	/* session-del. */
	PEER_RELAY_DEL_USER,
	/* session-flush. */
	PEER_RELAY_DEL_FLUSH,
	/* Not bound by both clients within the bind lifetime. */
	PEER_RELAY_DEL_EXPIRED_BIND,
	/* One side idle longer than the idle lifetime. */
	PEER_RELAY_DEL_EXPIRED_IDLE,

	__PEER_RELAY_DEL_MAX,
};
#define PEER_RELAY_DEL_MAX (__PEER_RELAY_DEL_MAX - 1)

enum peer_relay_sock_del_reason {
	PEER_RELAY_SOCK_DEL_UNSPEC,
	/* sock-detach. */
	PEER_RELAY_SOCK_DEL_USER,
	/* Userspace closed the socket. */
	PEER_RELAY_SOCK_DEL_CLOSED,

	__PEER_RELAY_SOCK_DEL_MAX,
};
#define PEER_RELAY_SOCK_DEL_MAX (__PEER_RELAY_SOCK_DEL_MAX - 1)

/* Top-level attributes; a message carries exactly one of them. */
enum peer_relay_a {
	PEER_RELAY_A_UNSPEC,
	/* nest (sock) */
	PEER_RELAY_A_SOCK,
	/* nest (session) */
	PEER_RELAY_A_SESSION,
	/* nest (stats) */
	PEER_RELAY_A_STATS,
	/* nest (config) */
	PEER_RELAY_A_CONFIG,

	__PEER_RELAY_A_MAX,
};
#define PEER_RELAY_A_MAX (__PEER_RELAY_A_MAX - 1)

/* A UDP socket attached to the data plane. */
enum peer_relay_sock_a {
	PEER_RELAY_SOCK_A_UNSPEC,
	/* pad */
	PEER_RELAY_SOCK_A_PAD,
	/* u32: Assigned by the kernel on attach. */
	PEER_RELAY_SOCK_A_ID,
	/* u32: File descriptor of the socket (sock-attach requests only). */
	PEER_RELAY_SOCK_A_FD,
	/* u16: AF_INET or AF_INET6. */
	PEER_RELAY_SOCK_A_FAMILY,
	/* binary[4] ipv4: Bound address, network byte order. */
	PEER_RELAY_SOCK_A_LOCAL_IPV4,
	/* binary[16] ipv6: Bound address, network byte order. */
	PEER_RELAY_SOCK_A_LOCAL_IPV6,
	/* u16: Bound port, host byte order. */
	PEER_RELAY_SOCK_A_PORT,
	/* u64: Datagrams seen by the socket's encap hook. */
	PEER_RELAY_SOCK_A_RX_PACKETS,
	/* u32, enum sock-del-reason: sock-del-ntf only. */
	PEER_RELAY_SOCK_A_DEL_REASON,

	__PEER_RELAY_SOCK_A_MAX,
};
#define PEER_RELAY_SOCK_A_MAX (__PEER_RELAY_SOCK_A_MAX - 1)

/*
 * A relay session: the unordered pair of client keys (stored sorted by memcmp,
 * endpoint 0 belongs to key0) and one endpoint per client.
 */
enum peer_relay_session_a {
	PEER_RELAY_SESSION_A_UNSPEC,
	/* pad */
	PEER_RELAY_SESSION_A_PAD,
	/* u32 */
	PEER_RELAY_SESSION_A_VNI,
	/* binary[32]: The smaller client key. */
	PEER_RELAY_SESSION_A_KEY0,
	/* binary[32]: The larger client key. */
	PEER_RELAY_SESSION_A_KEY1,
	/*
	 * u64: Allocation id (1, 2, ...), unique per namespace; a replica
	 * keeps its relay's (session-new/session-del with replica).
	 */
	PEER_RELAY_SESSION_A_LAMPORT,
	/* u8, enum session-state */
	PEER_RELAY_SESSION_A_STATE,
	/* u64: Milliseconds since allocation. */
	PEER_RELAY_SESSION_A_AGE_MS,
	/* nest (ep) */
	PEER_RELAY_SESSION_A_EP0,
	/* nest (ep) */
	PEER_RELAY_SESSION_A_EP1,
	/* u32, enum del-reason: session-del-ntf only. */
	PEER_RELAY_SESSION_A_DEL_REASON,
	/*
	 * flag: Request from session replication (session-new: install another
	 * relay's session with its vni, lamport and age-ms, endpoints with
	 * idle-ms; session-del: delete a replicated session). Set in the
	 * events such a request causes, so replication daemons do not send
	 * them back (Documentation/replication.md).
	 */
	PEER_RELAY_SESSION_A_REPLICA,
	/*
	 * flag: session-new: answer with the ACK alone (if asked for), not
	 * with the session. For bulk installers that name the vni themselves
	 * and do not need the session echoed: building, queueing and reading
	 * that reply was a third of the cost of an install
	 * (Documentation/performance.md). Errors are reported as always.
	 */
	PEER_RELAY_SESSION_A_NO_REPLY,

	__PEER_RELAY_SESSION_A_MAX,
};
#define PEER_RELAY_SESSION_A_MAX (__PEER_RELAY_SESSION_A_MAX - 1)

/*
 * One endpoint of a session, or a static endpoint of the config. A bound
 * endpoint has remote-ipv4 or remote-ipv6 plus remote-port. local-* is the
 * relay address the client reached us on; when present the relay sends to this
 * endpoint from it (same family as remote).
 */
enum peer_relay_ep_a {
	PEER_RELAY_EP_A_UNSPEC,
	/* pad */
	PEER_RELAY_EP_A_PAD,
	/* binary[4] ipv4 */
	PEER_RELAY_EP_A_REMOTE_IPV4,
	/* binary[16] ipv6 */
	PEER_RELAY_EP_A_REMOTE_IPV6,
	/* u16 */
	PEER_RELAY_EP_A_REMOTE_PORT,
	/* binary[4] ipv4 */
	PEER_RELAY_EP_A_LOCAL_IPV4,
	/* binary[16] ipv6 */
	PEER_RELAY_EP_A_LOCAL_IPV6,
	/* u64: Data packets forwarded from this endpoint. */
	PEER_RELAY_EP_A_RX_PACKETS,
	/* u64: Their UDP payload bytes, Geneve header included. */
	PEER_RELAY_EP_A_RX_BYTES,
	/* u64: Milliseconds since the last forwarded packet or the binding. */
	PEER_RELAY_EP_A_IDLE_MS,

	__PEER_RELAY_EP_A_MAX,
};
#define PEER_RELAY_EP_A_MAX (__PEER_RELAY_EP_A_MAX - 1)

/*
 * Counters of one network namespace. fwd-*-X-Y: ingress family X, egress
 * family Y; bytes are UDP payload bytes including the 8-byte Geneve header.
 */
enum peer_relay_stats_a {
	PEER_RELAY_STATS_A_UNSPEC,
	/* pad */
	PEER_RELAY_STATS_A_PAD,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_4_4,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_4_6,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_6_4,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_PACKETS_6_6,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_4_4,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_4_6,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_6_4,
	/* u64 */
	PEER_RELAY_STATS_A_FWD_BYTES_6_6,
	/* u32: Gauge. */
	PEER_RELAY_STATS_A_SESSIONS_CONNECTING,
	/* u32: Gauge. */
	PEER_RELAY_STATS_A_SESSIONS_OPEN,
	/* u32: Gauge. */
	PEER_RELAY_STATS_A_SOCKETS,
	/*
	 * nest (drop-counters): Datagrams dropped, by reason (attribute types
	 * other than the known reasons must be ignored by readers).
	 */
	PEER_RELAY_STATS_A_DROPS,
	/* nest (pass-counters): Datagrams passed to userspace, by reason. */
	PEER_RELAY_STATS_A_PASSES,
	/* u64 */
	PEER_RELAY_STATS_A_SESSIONS_CREATED,
	/* nest (del-counters): Sessions removed, by reason. */
	PEER_RELAY_STATS_A_SESSIONS_DELETED,

	__PEER_RELAY_STATS_A_MAX,
};
#define PEER_RELAY_STATS_A_MAX (__PEER_RELAY_STATS_A_MAX - 1)

/* Configuration of the relay instance of one network namespace. */
enum peer_relay_config_a {
	PEER_RELAY_CONFIG_A_UNSPEC,
	/* pad */
	PEER_RELAY_CONFIG_A_PAD,
	/* u32: How long a session may stay not bound by both clients. */
	PEER_RELAY_CONFIG_A_BIND_LIFETIME_MS,
	/* u32: An open session expires when one side is idle this long. */
	PEER_RELAY_CONFIG_A_IDLE_LIFETIME_MS,
	/* u32 */
	PEER_RELAY_CONFIG_A_MAX_SESSIONS,
	/*
	 * binary[32]: The relay's own disco public key; session-new rejects it
	 * as a client key. Opaque to the kernel. Absent until set.
	 */
	PEER_RELAY_CONFIG_A_SERVER_KEY,
	/*
	 * nest (static-eps): Addresses advertised to clients in addition to
	 * discovered ones (at most max-static-eps). Setting replaces the whole
	 * list; an empty nest clears it; duplicates are dropped.
	 */
	PEER_RELAY_CONFIG_A_STATIC_EPS,
	/*
	 * u32: Datagrams per second per source address (IPv6: per /64) passed
	 * to userspace (control, plain disco, STUN); the excess is dropped and
	 * counted as ratelimit. 0 disables the limit.
	 */
	PEER_RELAY_CONFIG_A_PASS_RATE,
	/* u32: Burst allowed above pass-rate. */
	PEER_RELAY_CONFIG_A_PASS_BURST,
	/*
	 * u32: Datagrams per second from all sources together passed to
	 * userspace (burst: one second's worth), asked after the source's own
	 * bucket; the excess is counted as ratelimit-total. 0 disables the
	 * limit.
	 */
	PEER_RELAY_CONFIG_A_PASS_RATE_TOTAL,
	/*
	 * u32: First VNI the kernel picks for a session without an explicit
	 * one (default 1). Replicating relays use disjoint ranges, so sessions
	 * created during a split brain never collide; explicit and replicated
	 * VNIs may be anywhere.
	 */
	PEER_RELAY_CONFIG_A_VNI_MIN,
	/*
	 * u32: Last such VNI (default 16777215); vni-min above vni-max is
	 * EINVAL.
	 */
	PEER_RELAY_CONFIG_A_VNI_MAX,

	__PEER_RELAY_CONFIG_A_MAX,
};
#define PEER_RELAY_CONFIG_A_MAX (__PEER_RELAY_CONFIG_A_MAX - 1)

enum peer_relay_static_eps_a {
	PEER_RELAY_STATIC_EPS_A_UNSPEC,
	/*
	 * nest (ep), multi-attr: remote-ipv4 or remote-ipv6, and remote-port,
	 * only.
	 */
	PEER_RELAY_STATIC_EPS_A_EP,

	__PEER_RELAY_STATIC_EPS_A_MAX,
};
#define PEER_RELAY_STATIC_EPS_A_MAX (__PEER_RELAY_STATIC_EPS_A_MAX - 1)

enum peer_relay_cmd {
	PEER_RELAY_CMD_UNSPEC,
	/* Attach a bound UDP socket (request sock{fd}). */
	PEER_RELAY_CMD_SOCK_ATTACH,
	/* Detach the socket sock{id}; ENOENT if there is none. */
	PEER_RELAY_CMD_SOCK_DETACH,
	/*
	 * One attached socket (do, sock{id}) or all of them (dump, no
	 * attributes); reply sock{id, family, local-*, port, rx-packets}.
	 */
	PEER_RELAY_CMD_SOCK_GET,
	/*
	 * Allocate a session for session{key0, key1[, vni][, ep0][, ep1]}
	 * (keys in any order).
	 */
	PEER_RELAY_CMD_SESSION_NEW,
	/*
	 * Bind one endpoint: session{vni, ep0|ep1{remote-ipv4|remote-ipv6,
	 * remote-port[, local-ipv4|local-ipv6]}}. Replaces an earlier binding
	 * atomically. The session becomes open when both are bound.
	 */
	PEER_RELAY_CMD_SESSION_BIND,
	/* Delete session{vni} or session{key0, key1}; ENOENT if none. */
	PEER_RELAY_CMD_SESSION_DEL,
	/*
	 * One session (do: session{vni} or session{key0, key1}) or all of them
	 * (dump, no attributes). Reply: session{vni, key0, key1, lamport,
	 * state, age-ms, ep0, ep1}.
	 */
	PEER_RELAY_CMD_SESSION_GET,
	/* Delete every session of the namespace. No attributes. */
	PEER_RELAY_CMD_SESSION_FLUSH,
	/* The namespace's counters. No request attributes. */
	PEER_RELAY_CMD_STATS_GET,
	/* The namespace's configuration. No request attributes. */
	PEER_RELAY_CMD_CONFIG_GET,
	/*
	 * Change the attributes given in config{...}; all or nothing (a bad
	 * value changes nothing).
	 */
	PEER_RELAY_CMD_CONFIG_SET,
	/* A session was allocated (attributes as in a session-get reply). */
	PEER_RELAY_CMD_SESSION_NEW_NTF,
	/* An endpoint of a session was bound (the session after the bind). */
	PEER_RELAY_CMD_SESSION_BIND_NTF,
	/* A session went away; session{..., del-reason}. */
	PEER_RELAY_CMD_SESSION_DEL_NTF,
	/* A socket was detached; sock{id, ..., del-reason}. */
	PEER_RELAY_CMD_SOCK_DEL_NTF,

	__PEER_RELAY_CMD_MAX,
};
#define PEER_RELAY_CMD_MAX (__PEER_RELAY_CMD_MAX - 1)

#endif /* _UAPI_LINUX_PEER_RELAY_H */
