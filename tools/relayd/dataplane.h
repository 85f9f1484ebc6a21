/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one interface between relayd's control plane (handshake,
 * allocation, events, metrics, the control socket) and a data plane:
 * an ops table in the kernel's style with two backends that each own
 * their session store.
 *
 *   dp_kernel.c  the peer_relay module over generic netlink: sessions,
 *                counters, config and expiry live in the kernel; its
 *                SESSION_NEW/DEL notifications are relayed to .notify
 *   dp_user.c    the userspace engine (tools/lib/uforward): sessions
 *                (keys, LamportID, bind state) in relayd's memory,
 *                forwarding threads, the kernel's expiry rules
 *                (include/peer_relay/expiry.h) and counters (UAPI names)
 *   dp_none      --no-kernel (testing): every request fails -EOPNOTSUPP
 *
 * Callers see struct prl_session/prl_stats/prl_config, the same structs
 * relayctl prints from netlink, so both planes look the same to an
 * operator. Every function returns 0 (or a count) or a negative errno;
 * after an error .errmsg says more if the backend knows more ("" else).
 * Single-threaded: call from relayd's loop only.
 */
#ifndef RELAYD_DATAPLANE_H
#define RELAYD_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nl.h"

struct relayd;
struct relayd_dp;

/*
 * What a backend tells the control plane about sessions it did not
 * create through the interface, or removed on its own (expiry, another
 * netlink client): the handshake's cache follows these, and in userspace
 * mode `relayctl monitor` sees them through the control socket. The
 * userspace backend reports every change, as the module's events do.
 */
struct relayd_dp_notify {
	/*
	 * A session event, @cmd as the module's: PEER_RELAY_CMD_SESSION_NEW_NTF
	 * and _BIND_NTF with @s as it is now, _DEL_NTF with @s as it was
	 * (s->del_reason: enum peer_relay_del_reason).
	 */
	void (*session)(void *arg, unsigned int cmd,
			const struct prl_session *s);
	/* notifications were lost: forget everything derived from them */
	void (*lost)(void *arg);
	void *arg;
};
struct relayd_dp_ops {
	const char *name;		/* "kernel", "userspace", "none" */
	const char *desc;		/* for log lines: "the kernel", ... */
	/*
	 * Every deletion is notified before the next call returns: a cached
	 * session is never stale. Without it (kernel plane whose events are
	 * unavailable) the caller re-checks doubtful cache hits.
	 */
	bool (*coherent)(const struct relayd_dp *dp);
	/* Allocate dp->priv and start (after the sockets are open and the
	 * loop is initialised). stop() undoes it; safe after a failed start. */
	int (*start)(struct relayd_dp *dp);
	void (*stop)(struct relayd_dp *dp);

	/*
	 * SESSION_NEW: idempotent per unordered key pair; @vni NULL: the
	 * next free VNI. @at_a/@at_b (may be NULL): bind the endpoint of
	 * @key_a/@key_b in the same request, checked before anything is
	 * created.
	 */
	int (*session_new)(struct relayd_dp *dp, const uint8_t *key_a,
			   const uint8_t *key_b, const uint32_t *vni,
			   const struct prl_endpoint *at_a,
			   const struct prl_endpoint *at_b,
			   struct prl_session *out);
	/* SESSION_BIND endpoint @idx of @vni to @remote (from @local). */
	int (*session_bind)(struct relayd_dp *dp, uint32_t vni,
			    unsigned int idx, const struct prl_endpoint *remote,
			    const struct prl_addr *local);
	int (*session_get)(struct relayd_dp *dp, uint32_t vni,
			   struct prl_session *out);
	int (*session_get_keys)(struct relayd_dp *dp, const uint8_t *key_a,
				const uint8_t *key_b, struct prl_session *out);
	int (*session_del)(struct relayd_dp *dp, uint32_t vni);
	/* Returns the number of sessions reported. */
	int (*session_dump)(struct relayd_dp *dp, prl_session_cb cb,
			    void *arg);
	int (*session_flush)(struct relayd_dp *dp);

	int (*stats)(struct relayd_dp *dp, struct prl_stats *out);
	int (*config_get)(struct relayd_dp *dp, struct prl_config *out);
	/* The fields in @cfg->mask; checked against include/peer_relay/limits.h. */
	int (*config_set)(struct relayd_dp *dp, const struct prl_config *cfg);
	const char *(*errmsg)(struct relayd_dp *dp);

	/* SIGUSR1: the plane's own counters, if it has more than stats. */
	void (*log_stats)(const struct relayd_dp *dp);
};

struct relayd_dp {
	const struct relayd_dp_ops *ops;
	struct relayd *rd;
	struct relayd_dp_notify notify;
	void *priv;			/* the backend's state */
};

/*
 * The ops of a data plane whose functions are named <p>_<op> (p_new for
 * session_new, ...): the member list is written here once, by concern,
 * and a plane that lacks an op does not build.
 */
#define RELAYD_DP_OPS(p, plane_name, plane_desc) {				\
	.name = plane_name, .desc = plane_desc,					\
	.coherent = p##_coherent, .start = p##_start, .stop = p##_stop,		\
	.session_new = p##_new, .session_bind = p##_bind,			\
	.session_get = p##_get, .session_get_keys = p##_get_keys,		\
	.session_del = p##_del, .session_dump = p##_dump,			\
	.session_flush = p##_flush,						\
	.stats = p##_stats, .config_get = p##_config_get,			\
	.config_set = p##_config_set,						\
	.errmsg = p##_errmsg, .log_stats = p##_log_stats,			\
}

extern const struct relayd_dp_ops relayd_dp_kernel_ops;
extern const struct relayd_dp_ops relayd_dp_user_ops;
extern const struct relayd_dp_ops relayd_dp_none_ops;

/*
 * relayd_dp_start() - pick the backend for @rd (rd->userspace: the
 * engine, rd->nl_open: the module, else none) and start it.
 * Returns 0 or -errno (logged).
 */
int relayd_dp_start(struct relayd_dp *dp, struct relayd *rd,
		    const struct relayd_dp_notify *notify);
void relayd_dp_stop(struct relayd_dp *dp);

/* Log "what: strerror: errmsg" at warn level after a failed request. */
void relayd_dp_warn(struct relayd_dp *dp, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* RELAYD_DATAPLANE_H */
