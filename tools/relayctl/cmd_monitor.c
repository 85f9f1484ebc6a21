// SPDX-License-Identifier: GPL-2.0-only
/* relayctl monitor: print multicast events, one line each. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "relayctl.h"

const char monitor_help[] =
	"Subscribes to the \"events\" multicast group (userspace mode: relayd's\n"
	"session events on its control socket) and prints one line per event\n"
	"until SIGINT/SIGTERM (then exits 0):\n"
	"  session_new vni N key0 HEX key1 HEX lamport N state S\n"
	"  session_bind vni N state S ep0 ADDR:PORT|none ep1 ADDR:PORT|none\n"
	"  session_del vni N reason user|flush|expired_bind|expired_idle\n"
	"  sock_del id N udp4|udp6 ADDR:PORT reason user|closed\n"
	"With -j, one JSON object per line: {\"event\": NAME, \"session\": {...}}\n"
	"or {\"event\": \"sock_del\", \"socket\": {...}}, plus \"reason\" for\n"
	"deletions. Output is line buffered.\n";

static int print_event(const struct prl_event *ev, void *arg)
{
	struct ctl *c = arg;
	const char *name = prl_event_name(ev->cmd);
	char a[PRL_ENDPOINT_STRLEN], b[PRL_ENDPOINT_STRLEN];
	char k0[PRL_KEY_HEXLEN], k1[PRL_KEY_HEXLEN];
	const struct prl_session *s = &ev->session;
	FILE *f = c->out;

	if (!name)
		return 0;
	if (c->cli.json) {
		struct prl_json j;

		prl_json_init(&j, f);
		prl_json_obj_begin(&j);
		prl_json_kv_str(&j, "event", name);
		if (ev->cmd == PEER_RELAY_CMD_SOCK_DEL_NTF) {
			prl_json_kv_str(&j, "reason",
				       prl_sock_del_name(ev->sock.del_reason));
			prl_json_key(&j, "socket");
			out_sock_json(&j, &ev->sock);
		} else {
			if (ev->cmd == PEER_RELAY_CMD_SESSION_DEL_NTF)
				prl_json_kv_str(&j, "reason",
					       prl_del_name(s->del_reason));
			prl_json_key(&j, "session");
			out_session_json(&j, s);
		}
		prl_json_obj_end(&j);
		return 0;
	}

	switch (ev->cmd) {
	case PEER_RELAY_CMD_SESSION_NEW_NTF:
		fprintf(f, "%s vni %" PRIu32 " key0 %s key1 %s lamport %" PRIu64
			" state %s\n", name, s->vni, prl_key_fmt(s->key0, k0),
			prl_key_fmt(s->key1, k1), s->lamport,
			prl_state_name(s->state));
		break;
	case PEER_RELAY_CMD_SESSION_BIND_NTF:
		fprintf(f, "%s vni %" PRIu32 " state %s ep0 %s ep1 %s\n", name,
			s->vni, prl_state_name(s->state),
			prl_endpoint_fmt(&s->ep[0].remote, a, sizeof(a)),
			prl_endpoint_fmt(&s->ep[1].remote, b, sizeof(b)));
		break;
	case PEER_RELAY_CMD_SESSION_DEL_NTF:
		fprintf(f, "%s vni %" PRIu32 " reason %s\n", name, s->vni,
			prl_del_name(s->del_reason));
		break;
	case PEER_RELAY_CMD_SOCK_DEL_NTF:
		fprintf(f, "%s id %" PRIu32 " %s %s reason %s\n", name,
			ev->sock.id, prl_family_name(ev->sock.family),
			prl_endpoint_fmt(&ev->sock.local, a, sizeof(a)),
			prl_sock_del_name(ev->sock.del_reason));
		break;
	}
	return 0;
}

int cmd_monitor(struct prl_cli *cli, int argc, char **argv)
{
	struct ctl *c = ctl_of(cli);
	struct prl_events ev;
	struct pollfd pfd[2];
	sigset_t mask;
	int sfd, err, rc = EXIT_OK;

	if (argc)
		return ctl_usage_error(c, "unexpected argument '%s'", argv[0]);
	setvbuf(c->out, NULL, _IOLBF, 0);
	if (ctl_nl(c))
		return EXIT_ERR;
	err = prl_events_open(&ev, &c->nl, true);
	if (err) {
		ctl_error(c, "cannot subscribe to \"%s\": %s",
			  PEER_RELAY_MCGRP_EVENTS, strerror(-err));
		if (err == -EPERM)
			ctl_eperm_hint(c);
		return EXIT_ERR;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		prl_events_close(&ev);
		return ctl_error(c, "signalfd: %s", strerror(errno));
	}
	pfd[0] = (struct pollfd){ .fd = prl_events_fd(&ev), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = ctl_error(c, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		/* One datagram per wakeup; poll tells when there is more. */
		err = prl_events_recv(&ev, print_event, c);
		if (err == -ENOBUFS) {
			fprintf(stderr, "relayctl: monitor: events lost (receive buffer overrun)\n");
		} else if (err && err != -EAGAIN) {
			rc = ctl_error(c, "receive: %s", strerror(-err));
			break;
		}
		if (ferror(c->out)) {
			rc = ctl_error(c, "write error");
			break;
		}
	}
	close(sfd);
	prl_events_close(&ev);
	return rc;
}
