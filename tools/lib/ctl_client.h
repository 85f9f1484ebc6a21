/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Client of relayd's control socket (ctl_proto.h): the backend
 * prl_nl_relayd of the typed commands of nl.h (nl_backend.h), and relayd's
 * session events for nl_events.c.
 */
#ifndef PRL_CTL_CLIENT_H
#define PRL_CTL_CLIENT_H

#include "nl.h"

/* Connect @nl to relayd's control socket at @path. 0 or -errno. */
int prl_ctl_connect(struct prl_nl *nl, const char *path);

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
