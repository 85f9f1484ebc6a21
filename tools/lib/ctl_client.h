/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The typed commands of nl.h over relayd's control socket (ctl_proto.h).
 * nl_cmd.c calls these when prl_nl_via_relayd(): same arguments, same
 * results, errors in nl->last as the kernel's extack would be.
 */
#ifndef PRL_CTL_CLIENT_H
#define PRL_CTL_CLIENT_H

#include "nl.h"

/* Connect @nl to relayd's control socket at @path. 0 or -errno. */
int prl_ctl_connect(struct prl_nl *nl, const char *path);

struct prl_dump;
/* Dump the sockets or the sessions (@attr: PEER_RELAY_A_SOCK or _SESSION). */
int prl_ctl_dump(struct prl_nl *nl, int attr, struct prl_dump *d);
int prl_ctl_sock_get(struct prl_nl *nl, uint32_t id, struct prl_sock_info *out);
int prl_ctl_session_new(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b, const uint32_t *vni,
			const struct prl_endpoint *at_a,
			const struct prl_endpoint *at_b,
			struct prl_session *out);
int prl_ctl_session_bind(struct prl_nl *nl, uint32_t vni, unsigned int ep,
			 const struct prl_endpoint *remote,
			 const struct prl_addr *local);
int prl_ctl_session_del(struct prl_nl *nl, uint32_t vni);
int prl_ctl_session_del_keys(struct prl_nl *nl, const uint8_t *key_a,
			     const uint8_t *key_b);
int prl_ctl_session_get(struct prl_nl *nl, uint32_t vni,
			struct prl_session *out);
int prl_ctl_session_get_keys(struct prl_nl *nl, const uint8_t *key_a,
			     const uint8_t *key_b, struct prl_session *out);
int prl_ctl_session_flush(struct prl_nl *nl);
int prl_ctl_stats_get(struct prl_nl *nl, struct prl_stats *out);
int prl_ctl_config_get(struct prl_nl *nl, struct prl_config *out);
int prl_ctl_config_set(struct prl_nl *nl, const struct prl_config *cfg);

/*
 * The session events of relayd's userspace data plane (what the module
 * multicasts to "events"): a second connection, returned in @fd_out,
 * subscribed with PRL_CTL_MONITOR; optionally non-blocking.
 */
int prl_ctl_monitor(const struct prl_nl *nl, bool nonblock, int *fd_out);
/*
 * Read one event from a monitor connection and call @fn. Returns what
 * @fn returned, -EAGAIN (non-blocking, nothing queued), -ENOBUFS (relayd
 * dropped events for this monitor; keep going), -ECONNRESET (relayd
 * went away) or another errno.
 */
int prl_ctl_event_recv(int fd, prl_event_fn fn, void *arg);

#endif /* PRL_CTL_CLIENT_H */
