// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's control socket (tools/lib/ctl_proto.h): relayctl's commands
 * answered from the data plane through the ops table, so `relayctl
 * show/stats/session ...` work the same in userspace mode, where there is
 * no module to ask. A local SOCK_SEQPACKET socket (default
 * /run/peer_relay/relayd.sock, mode 0666): anyone may read, only uid 0
 * or relayd's own uid may change state (SO_PEERCRED), like the module's
 * CAP_NET_ADMIN. At most RELAYD_CTL_CLIENTS connections at a time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "ctl_proto.h"
#include "ctlsock.h"

#define RELAYD_CTL_CLIENTS \
	(sizeof(((struct relayd_ctlsock *)0)->clients) / \
	 sizeof(((struct relayd_ctlsock *)0)->clients[0]))

static void stamp(struct prl_ctl_reply *r, uint32_t type)
{
	r->magic = PRL_CTL_MAGIC;
	r->size = sizeof(*r);
	r->type = type;
}

static int reply(int fd, struct prl_ctl_reply *r, uint32_t type)
{
	stamp(r, type);
	/* blocking with a timeout (set at accept): a dump never half-sent */
	return send(fd, r, sizeof(*r), MSG_NOSIGNAL) < 0 ? -errno : 0;
}

struct dump_ctx {
	int fd;
	struct prl_ctl_reply *r;
};

static int send_session(const struct prl_session *s, void *arg)
{
	struct dump_ctx *d = arg;

	d->r->u.session = *s;
	return reply(d->fd, d->r, PRL_CTL_R_OBJ);
}

static int send_sock(const struct prl_sock_info *s, void *arg)
{
	struct dump_ctx *d = arg;

	d->r->u.sock = *s;
	return reply(d->fd, d->r, PRL_CTL_R_OBJ);
}

/* The relay sockets: the kernel's list, or relayd's own in userspace. */
static int sock_dump(struct relayd *rd, prl_sock_cb cb, void *arg,
		     bool one, uint32_t id)
{
	struct prl_sock_info si;
	size_t i;
	int err, n = 0;

	if (rd->nl_open && !one)
		return prl_sock_dump(&rd->nl, cb, arg);
	if (rd->nl_open) {
		err = prl_sock_get(&rd->nl, id, &si);
		return err ? err : cb(&si, arg);
	}
	for (i = 0; i < rd->n_socks; i++) {
		if (one && i != id)
			continue;
		memset(&si, 0, sizeof(si));
		si.id = (uint32_t)i;
		si.family = (uint16_t)rd->socks[i].family;
		si.local = rd->socks[i].local;
		si.rx_packets = rd->socks[i].rx_datagrams;
		err = cb(&si, arg);
		if (err)
			return err;
		n++;
	}
	return one && !n ? -ENOENT : n;
}

static bool writes(uint32_t cmd)
{
	switch (cmd) {
	case PRL_CTL_SESSION_NEW:
	case PRL_CTL_SESSION_BIND:
	case PRL_CTL_SESSION_DEL:
	case PRL_CTL_SESSION_DEL_KEYS:
	case PRL_CTL_SESSION_FLUSH:
	case PRL_CTL_CONFIG_SET:
		return true;
	default:
		return false;
	}
}

/*
 * Room for bursts (a flush of thousands of sessions): events are never
 * waited for, so what does not fit in the send buffer is lost to that
 * monitor. Root may exceed net.core.wmem_max, as netlink listeners do.
 */
#define MONITOR_SNDBUF	(2 << 20)

static void monitor_start(struct relayd_ctlsock_client *c)
{
	int size = MONITOR_SNDBUF;

	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	c->monitor = true;
}

/* Run @q; objects are sent as they come, the result is returned. */
static int dispatch(struct relayd_control *ctl, struct relayd_ctlsock_client *c,
		    const struct prl_ctl_req *q, struct prl_ctl_reply *r)
{
	struct relayd_dp *dp = &ctl->dp;
	struct dump_ctx d = { .fd = c->fd, .r = r };
	struct prl_session s;
	struct prl_config cfg;
	int err;

	if (writes(q->cmd) && c->uid != 0 && c->uid != geteuid()) {
		snprintf(r->msg, sizeof(r->msg),
			 "changing the relay needs root or relayd's user");
		return -EPERM;
	}
	switch (q->cmd) {
	case PRL_CTL_SOCK_DUMP:
		err = sock_dump(ctl->rd, send_sock, &d, false, 0);
		return err < 0 ? err : 0;
	case PRL_CTL_SOCK_GET:
		err = sock_dump(ctl->rd, send_sock, &d, true, q->vni);
		return err < 0 ? err : 0;
	case PRL_CTL_SESSION_NEW:
		err = dp->ops->session_new(dp, q->key_a, q->key_b,
					   q->flags & PRL_CTL_F_VNI ? &q->vni : NULL,
					   q->flags & PRL_CTL_F_AT_A ? &q->at_a : NULL,
					   q->flags & PRL_CTL_F_AT_B ? &q->at_b : NULL,
					   &s);
		return err ? err : send_session(&s, &d);
	case PRL_CTL_SESSION_BIND:
		return dp->ops->session_bind(dp, q->vni, q->ep, &q->remote,
					     q->flags & PRL_CTL_F_LOCAL ?
					     &q->local : NULL);
	case PRL_CTL_SESSION_DEL:
		return dp->ops->session_del(dp, q->vni);
	case PRL_CTL_SESSION_GET:
		err = dp->ops->session_get(dp, q->vni, &s);
		return err ? err : send_session(&s, &d);
	case PRL_CTL_SESSION_DEL_KEYS:
	case PRL_CTL_SESSION_GET_KEYS:
		err = dp->ops->session_get_keys(dp, q->key_a, q->key_b, &s);
		if (err)
			return err;
		if (q->cmd == PRL_CTL_SESSION_DEL_KEYS)
			return dp->ops->session_del(dp, s.vni);
		return send_session(&s, &d);
	case PRL_CTL_SESSION_DUMP:
		err = dp->ops->session_dump(dp, send_session, &d);
		return err < 0 ? err : 0;
	case PRL_CTL_SESSION_FLUSH:
		return dp->ops->session_flush(dp);
	case PRL_CTL_STATS_GET:
		err = dp->ops->stats(dp, &r->u.stats);
		return err ? err : reply(c->fd, r, PRL_CTL_R_OBJ);
	case PRL_CTL_CONFIG_GET:
		err = dp->ops->config_get(dp, &cfg);
		if (err)
			return err;
		r->u.config = cfg;
		return reply(c->fd, r, PRL_CTL_R_OBJ);
	case PRL_CTL_MONITOR:
		monitor_start(c);
		return 0;
	case PRL_CTL_CONFIG_SET:
		if (q->cfg.mask & PRL_CFG_SERVER_KEY) {
			snprintf(r->msg, sizeof(r->msg),
				 "the server key is relayd's (its key file)");
			return -EPERM;
		}
		return dp->ops->config_set(dp, &q->cfg);
	default:
		snprintf(r->msg, sizeof(r->msg), "unknown command %u", q->cmd);
		return -EOPNOTSUPP;
	}
}

static void client_close(struct relayd_ctlsock *cs,
			 struct relayd_ctlsock_client *c)
{
	relayd_loop_del_fd(cs->ctl->rd, c->fd);
	close(c->fd);
	c->fd = -1;
	c->monitor = false;
	c->lost = false;
	cs->n_clients--;
}

/* Queue @r to a monitor if there is room: true if it went out. */
static bool to_monitor(struct relayd_ctlsock *cs, struct relayd_ctlsock_client *c,
		       struct prl_ctl_reply *r, uint32_t type)
{
	stamp(r, type);
	if (send(c->fd, r, sizeof(*r), MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof(*r))
		return true;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
		if (!c->lost)
			prl_log_warn(&cs->ctl->rd->log, "control socket: a monitor does not keep up, dropping its events");
		c->lost = true;
		cs->events_lost++;
	} else {
		client_close(cs, c);
	}
	return false;
}

void relayd_ctlsock_event(struct relayd_ctlsock *cs, const struct prl_event *ev)
{
	struct prl_ctl_reply r;
	unsigned int i;

	for (i = 0; i < RELAYD_CTL_CLIENTS; i++) {
		struct relayd_ctlsock_client *c = &cs->clients[i];

		if (c->fd < 0 || !c->monitor)
			continue;
		memset(&r, 0, sizeof(r));
		if (c->lost && !to_monitor(cs, c, &r, PRL_CTL_R_LOST))
			continue;
		c->lost = false;
		r.u.event = *ev;
		to_monitor(cs, c, &r, PRL_CTL_R_EVENT);
	}
}

static void on_client(struct relayd *rd, int fd, uint32_t events, void *arg)
{
	struct relayd_ctlsock *cs = arg;
	struct relayd_ctlsock_client *c = NULL;
	struct prl_ctl_req q;
	struct prl_ctl_reply *r;
	const char *why;
	unsigned int i;
	ssize_t n;
	int err;

	for (i = 0; i < RELAYD_CTL_CLIENTS; i++)
		if (cs->clients[i].fd == fd)
			c = &cs->clients[i];
	if (!c)
		return;
	n = recv(fd, &q, sizeof(q), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(cs, c);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		client_close(cs, c);
		return;
	}
	if ((size_t)n != sizeof(q) || q.magic != PRL_CTL_MAGIC ||
	    q.size != sizeof(q)) {
		why = "malformed request (relayctl and relayd must come from the same build)";
		snprintf(r->msg, sizeof(r->msg), "%s", why);
		err = -EPROTO;
		cs->bad_requests++;
	} else {
		err = dispatch(cs->ctl, c, &q, r);
		cs->requests++;
	}
	if (err && !r->msg[0]) {
		const char *msg = cs->ctl->dp.ops->errmsg(&cs->ctl->dp);

		snprintf(r->msg, sizeof(r->msg), "%s", msg);
	}
	r->err = err;
	memset(&r->u, 0, sizeof(r->u));
	if (reply(fd, r, PRL_CTL_R_DONE))
		client_close(cs, c);
	free(r);
}

static void on_accept(struct relayd *rd, int fd, uint32_t events, void *arg)
{
	struct timeval tv = { .tv_usec = 250000 };	/* a client that does not read */
	struct relayd_ctlsock *cs = arg;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int i;
	int c;

	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (cs->n_clients >= RELAYD_CTL_CLIENTS ||
	    getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		close(c);
		return;
	}
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (i = 0; i < RELAYD_CTL_CLIENTS; i++) {
		if (cs->clients[i].fd >= 0)
			continue;
		if (relayd_loop_add_fd(rd, c, on_client, cs)) {
			close(c);
			return;
		}
		cs->clients[i].fd = c;
		cs->clients[i].uid = cred.uid;
		cs->n_clients++;
		return;
	}
	close(c);
}

/* Is a live relayd listening at @sun? */
static bool in_use(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = !connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return live;
}

int relayd_ctlsock_open(struct relayd_ctlsock *cs, struct relayd_control *ctl,
			const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct relayd *rd = ctl->rd;
	struct stat st;
	unsigned int i;
	char dir[sizeof(sun.sun_path)], *slash;
	int err;

	memset(cs, 0, sizeof(*cs));
	cs->fd = -1;
	cs->ctl = ctl;
	for (i = 0; i < RELAYD_CTL_CLIENTS; i++)
		cs->clients[i].fd = -1;
	if (!path || !strcmp(path, "none"))
		return 0;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		prl_log_warn(&rd->log, "control socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			prl_log_debug(&rd->log, "mkdir %s: %s", dir,
				      strerror(errno));
	}
	/* a stale socket of a relayd that died is replaced, a live one kept */
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode)) {
		if (in_use(&sun)) {
			prl_log_warn(&rd->log, "control socket %s: another relayd is listening there; relayctl will not reach this one",
				     path);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	cs->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (cs->fd < 0 ||
	    bind(cs->fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(path, 0666) || listen(cs->fd, 8)) {
		err = -errno;
		prl_log_warn(&rd->log, "control socket %s: %s", path,
			     strerror(-err));
		if (cs->fd >= 0)
			close(cs->fd);
		cs->fd = -1;
		return err;
	}
	err = relayd_loop_add_fd(rd, cs->fd, on_accept, cs);
	if (err) {
		close(cs->fd);
		cs->fd = -1;
		unlink(path);
		return err;
	}
	cs->path = strdup(path);
	prl_log_info(&rd->log, "control socket %s", path);
	return 0;
}

void relayd_ctlsock_close(struct relayd_ctlsock *cs)
{
	unsigned int i;

	if (!cs->ctl || cs->fd < 0)
		return;
	for (i = 0; i < RELAYD_CTL_CLIENTS; i++)
		if (cs->clients[i].fd >= 0)
			client_close(cs, &cs->clients[i]);
	relayd_loop_del_fd(cs->ctl->rd, cs->fd);
	close(cs->fd);
	cs->fd = -1;
	if (cs->path)
		unlink(cs->path);
	free(cs->path);
	cs->path = NULL;
}
