/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relayd's control socket (ctlsock.c): relayctl's commands answered from
 * the data plane, in either mode. Protocol: tools/lib/ctl_proto.h.
 */
#ifndef RELAYD_CTLSOCK_H
#define RELAYD_CTLSOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct prl_event;
struct relayd_control;
struct relayd_ctlsock_client;

struct relayd_ctlsock {
	struct relayd_control *ctl;
	int fd;				/* listening, -1: none */
	char *path;			/* ours to unlink at exit */
	struct relayd_ctlsock_client {
		int fd;			/* -1: free */
		uid_t uid;		/* SO_PEERCRED */
		bool monitor;		/* gets the events (PRL_CTL_MONITOR) */
		bool lost;		/* owes it a PRL_CTL_R_LOST */
	} clients[16];
	unsigned int n_clients;
	uint64_t requests;
	uint64_t bad_requests;
	uint64_t events_lost;		/* not sent to a monitor that did not read */
};

/*
 * Listen on @path ("none" or NULL: no socket). A stale socket file is
 * replaced; one a live relayd listens on is left alone. Failing is not
 * fatal to relayd (logged). Returns 0 or -errno.
 */
int relayd_ctlsock_open(struct relayd_ctlsock *cs, struct relayd_control *ctl,
			const char *path);
void relayd_ctlsock_close(struct relayd_ctlsock *cs);
/* Send @ev to every monitor, without waiting for any (see ctl_proto.h). */
void relayd_ctlsock_event(struct relayd_ctlsock *cs, const struct prl_event *ev);

#endif /* RELAYD_CTLSOCK_H */
