// SPDX-License-Identifier: GPL-2.0-only
/* Client of relayd's control socket (see ctl_proto.h, ctl_client.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "nl_backend.h"
#include "nl_internal.h"

#define CTL_TIMEOUT_S	5

int prl_ctl_connect(struct prl_nl *nl, const char *path)
{
	struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = -errno;
		close(fd);
		return err;
	}
	if (fd == 0) {		/* 0 means "not connected" in struct prl_nl */
		fd = dup(0);
		close(0);
		if (fd < 0)
			return -errno;
	}
	nl->relayd_fd = fd;
	nl->ops = &prl_nl_relayd;
	return 0;
}

int prl_nl_open_any(struct prl_nl *nl, const char *path)
{
	int err, err2;

	if (!path)
		path = getenv(PRL_CTL_PATH_ENV);
	if (!path || !*path)
		path = PRL_CTL_DEFAULT_PATH;
	/*
	 * relayd listens there only while it is the data plane itself
	 * (userspace mode): then it is the one to ask, even if the module
	 * could be loaded on demand. A stale file refuses the connection.
	 */
	memset(nl, 0, sizeof(*nl));
	err2 = strcmp(path, "none") ? prl_ctl_connect(nl, path) : -ENOENT;
	if (!err2)
		return 0;
	err = prl_nl_open(nl);
	if (err != -ENOENT || nl->last.msg[0])
		return err;
	snprintf(nl->last.msg, sizeof(nl->last.msg),
		 "generic netlink family \"%s\" not found (peer_relay module not loaded) and no relayd control socket at %s (%s)",
		 PEER_RELAY_GENL_NAME, path, strerror(-err2));
	nl->last.err = err;
	return err;
}

typedef int (*ctl_reply_fn)(const struct prl_ctl_reply *r, void *arg);

/* Is @r, @n bytes long, a reply of this build's protocol? */
static bool reply_ok(const struct prl_ctl_reply *r, ssize_t n)
{
	return (size_t)n == sizeof(*r) && r->magic == PRL_CTL_MAGIC &&
	       r->size == sizeof(*r);
}

/* Send @req, hand every object to @fn, return DONE's error. */
static int request(struct prl_nl *nl, struct prl_ctl_req *req, ctl_reply_fn fn,
		   void *arg)
{
	struct prl_ctl_reply *r = malloc(sizeof(*r));
	int err = 0, cb_err = 0;
	ssize_t n;

	if (!r)
		return -ENOMEM;
	memset(&nl->last, 0, sizeof(nl->last));
	req->magic = PRL_CTL_MAGIC;
	req->size = sizeof(*req);
	if (send(nl->relayd_fd, req, sizeof(*req), MSG_NOSIGNAL) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		n = recv(nl->relayd_fd, r, sizeof(*r), 0);
		if (n < 0) {
			err = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		if (n == 0) {
			err = -ECONNRESET;
			snprintf(nl->last.msg, sizeof(nl->last.msg),
				 "relayd closed the control connection");
			break;
		}
		if (!reply_ok(r, n)) {
			err = -EPROTO;
			snprintf(nl->last.msg, sizeof(nl->last.msg),
				 "relayd speaks another control protocol version (relayctl and relayd must come from the same build)");
			break;
		}
		if (r->type == PRL_CTL_R_DONE) {
			err = r->err;
			memcpy(nl->last.msg, r->msg, sizeof(nl->last.msg));
			nl->last.msg[sizeof(nl->last.msg) - 1] = '\0';
			break;
		}
		if (fn && !cb_err)
			cb_err = fn(r, arg);
	}
out:
	free(r);
	if (!err)
		err = cb_err;
	nl->last.err = err;
	return err;
}

static int copy_session(const struct prl_ctl_reply *r, void *arg)
{
	if (arg)
		*(struct prl_session *)arg = r->u.session;
	return 0;
}

static int copy_sock(const struct prl_ctl_reply *r, void *arg)
{
	if (arg)
		*(struct prl_sock_info *)arg = r->u.sock;
	return 0;
}

static int copy_stats(const struct prl_ctl_reply *r, void *arg)
{
	*(struct prl_stats *)arg = r->u.stats;
	return 0;
}

static int copy_config(const struct prl_ctl_reply *r, void *arg)
{
	*(struct prl_config *)arg = r->u.config;
	return 0;
}

static int dump_one(const struct prl_ctl_reply *r, void *arg)
{
	struct prl_dump *d = arg;

	return prl_dump_one(d, d->sock_cb ? (const void *)&r->u.sock :
						 &r->u.session);
}

static struct prl_ctl_req *req_new(uint32_t cmd)
{
	struct prl_ctl_req *q = calloc(1, sizeof(*q));

	if (q)
		q->cmd = cmd;
	return q;
}

/* request() on a fresh @q, freed after. */
static int run(struct prl_nl *nl, struct prl_ctl_req *q, ctl_reply_fn fn,
	       void *arg)
{
	int err;

	if (!q)
		return -ENOMEM;
	err = request(nl, q, fn, arg);
	free(q);
	return err;
}

static int ctl_sock_get(struct prl_nl *nl, uint32_t id,
			struct prl_sock_info *out)
{
	struct prl_ctl_req *q = req_new(PRL_CTL_SOCK_GET);

	if (q)
		q->vni = id;
	return run(nl, q, copy_sock, out);
}

static int ctl_dump(struct prl_nl *nl, int attr, struct prl_dump *d)
{
	uint32_t cmd = attr == PEER_RELAY_A_SOCK ? PRL_CTL_SOCK_DUMP :
						   PRL_CTL_SESSION_DUMP;
	int err = run(nl, req_new(cmd), dump_one, d);

	return err ? err : d->count;
}

static void put_keys(struct prl_ctl_req *q, const uint8_t *a, const uint8_t *b)
{
	memcpy(q->key_a, a, PEER_RELAY_KEY_LEN);
	memcpy(q->key_b, b, PEER_RELAY_KEY_LEN);
}

static int ctl_session_new(struct prl_nl *nl, const struct prl_session_spec *s,
			   struct prl_session *out)
{
	struct prl_ctl_req *q = req_new(PRL_CTL_SESSION_NEW);

	if (q) {
		put_keys(q, s->key_a, s->key_b);
		if (s->vni) {
			q->flags |= PRL_CTL_F_VNI;
			q->vni = *s->vni;
		}
		if (s->at_a) {
			q->flags |= PRL_CTL_F_AT_A;
			q->at_a = *s->at_a;
		}
		if (s->at_b) {
			q->flags |= PRL_CTL_F_AT_B;
			q->at_b = *s->at_b;
		}
	}
	return run(nl, q, copy_session, out);
}

static int ctl_session_bind(struct prl_nl *nl, uint32_t vni, unsigned int ep,
			    const struct prl_endpoint *remote,
			    const struct prl_addr *local)
{
	struct prl_ctl_req *q = req_new(PRL_CTL_SESSION_BIND);

	if (q) {
		q->vni = vni;
		q->ep = ep;
		q->remote = *remote;
		if (local && local->family) {
			q->flags |= PRL_CTL_F_LOCAL;
			q->local = *local;
		}
	}
	return run(nl, q, NULL, NULL);
}

/* A request naming @s by VNI (@by_vni) or by keys (@by_keys). */
static struct prl_ctl_req *session_ref_req(const struct prl_session_ref *s,
					   uint32_t by_vni, uint32_t by_keys)
{
	struct prl_ctl_req *q = req_new(s->key_a ? by_keys : by_vni);

	if (q && s->key_a)
		put_keys(q, s->key_a, s->key_b);
	else if (q)
		q->vni = s->vni;
	return q;
}

static int ctl_session_del(struct prl_nl *nl, const struct prl_session_ref *s)
{
	return run(nl, session_ref_req(s, PRL_CTL_SESSION_DEL,
				       PRL_CTL_SESSION_DEL_KEYS), NULL, NULL);
}

static int ctl_session_get(struct prl_nl *nl, const struct prl_session_ref *s,
			   struct prl_session *out)
{
	return run(nl, session_ref_req(s, PRL_CTL_SESSION_GET,
				       PRL_CTL_SESSION_GET_KEYS),
		   copy_session, out);
}

static int ctl_session_flush(struct prl_nl *nl)
{
	return run(nl, req_new(PRL_CTL_SESSION_FLUSH), NULL, NULL);
}

static int ctl_stats_get(struct prl_nl *nl, struct prl_stats *out)
{
	return run(nl, req_new(PRL_CTL_STATS_GET), copy_stats, out);
}

static int ctl_config_get(struct prl_nl *nl, struct prl_config *out)
{
	return run(nl, req_new(PRL_CTL_CONFIG_GET), copy_config, out);
}

static int ctl_config_set(struct prl_nl *nl, const struct prl_config *cfg)
{
	struct prl_ctl_req *q = req_new(PRL_CTL_CONFIG_SET);

	if (q)
		q->cfg = *cfg;
	return run(nl, q, NULL, NULL);
}

const struct prl_nl_backend prl_nl_relayd = PRL_NL_BACKEND(ctl);

int prl_ctl_monitor(const struct prl_nl *nl, bool nonblock, int *fd_out)
{
	struct timeval forever = { 0 };
	struct prl_nl mon = { 0 };
	int fd, err;

	/* a connection of its own: @nl stays usable for requests */
	fd = fcntl(nl->relayd_fd, F_DUPFD_CLOEXEC, 1);
	if (fd < 0)
		return -errno;
	mon.relayd_fd = fd;
	err = run(&mon, req_new(PRL_CTL_MONITOR), NULL, NULL);
	if (!err && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof(forever)) ||
		     (nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

int prl_ctl_event_recv(int fd, prl_event_fn fn, void *arg)
{
	struct prl_ctl_reply r;
	ssize_t n;

	n = recv(fd, &r, sizeof(r), 0);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return -ECONNRESET;	/* relayd exited */
	if (!reply_ok(&r, n))
		return -EPROTO;
	if (r.type == PRL_CTL_R_LOST)
		return -ENOBUFS;
	if (r.type != PRL_CTL_R_EVENT)
		return -EPROTO;
	return fn ? fn(&r.u.event, arg) : 0;
}
