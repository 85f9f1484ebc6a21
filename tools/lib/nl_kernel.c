// SPDX-License-Identifier: GPL-2.0-only
/* The typed commands as requests to the module's generic netlink family. */
#include <errno.h>
#include <string.h>

#include "nl.h"
#include "nl_backend.h"
#include "nl_internal.h"

/* ---- reply collectors ---- */

struct one_reply {
	int attr;		/* top-level attribute expected */
	void *out;		/* may be NULL */
	int (*parse)(const struct nlattr *nest, void *out);
	bool seen;
};

static int parse_sock_v(const struct nlattr *n, void *o)
{
	return prl_parse_sock(n, o);
}

static int parse_session_v(const struct nlattr *n, void *o)
{
	return prl_parse_session(n, o);
}

static int parse_stats_v(const struct nlattr *n, void *o)
{
	return prl_parse_stats(n, o);
}

static int parse_config_v(const struct nlattr *n, void *o)
{
	return prl_parse_config(n, o);
}

/* The top-level attribute @attr of a reply, which it must carry. */
static int reply_attr(const struct nlmsghdr *nlh, int attr,
		      const struct nlattr **out)
{
	struct nlattr *tb[PEER_RELAY_A_MAX + 1];
	int err = prl_nl_parse_top(nlh, tb, NULL);

	if (err)
		return err;
	*out = tb[attr];
	return *out ? 0 : -EBADMSG;
}

static int on_one_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct one_reply *r = arg;
	const struct nlattr *a;
	int err = reply_attr(nlh, r->attr, &a);

	if (err)
		return err;
	if (r->seen)
		return -EPROTO;
	r->seen = true;
	return r->out ? r->parse(a, r->out) : 0;
}

/* Send @msg (NULL: it could not be built), expect an ACK only. */
static int request(struct prl_nl *nl, struct nl_msg *msg)
{
	return prl_nl_request(nl, msg, NULL, NULL);
}

/*
 * Send @msg (NULL: it could not be built) and expect exactly one reply
 * carrying @attr, parsed into @out, if @out is not NULL.
 */
static int request_one(struct prl_nl *nl, struct nl_msg *msg, int attr,
		       void *out, int (*parse)(const struct nlattr *, void *))
{
	struct one_reply r = { attr, out, parse, false };
	int err;

	if (!msg)
		return prl_nl_fail(nl, -ENOMEM);
	err = prl_nl_request(nl, msg, on_one_reply, &r);
	if (!err && out && !r.seen)
		err = nl->last.err = -EPROTO;
	return err;
}

/*
 * Close the nest of @msg, whose filling returned @put_err, and send it:
 * expect one reply carrying @attr (0: an ACK only), parsed into @out.
 */
static int send_nest(struct prl_nl *nl, struct nl_msg *msg,
		     struct nlattr *nest, int put_err, int attr, void *out,
		     int (*parse)(const struct nlattr *, void *))
{
	int err = prl_nl_msg_close(msg, nest, put_err);

	if (err)
		return prl_nl_fail(nl, err);
	return attr ? request_one(nl, msg, attr, out, parse) : request(nl, msg);
}

/* ---- sockets ---- */

/* Only the module takes sockets (prl_nl_request() refuses on relayd's). */
int prl_sock_attach(struct prl_nl *nl, int fd, struct prl_sock_info *out)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	if (fd < 0)
		return prl_nl_fail(nl, -EBADF);
	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SOCK_ATTACH, 0,
			      PEER_RELAY_A_SOCK, &nest);
	if (!msg)
		return prl_nl_fail(nl, -ENOMEM);
	err = nla_put_u32(msg, PEER_RELAY_SOCK_A_FD, (uint32_t)fd);
	return send_nest(nl, msg, nest, err, PEER_RELAY_A_SOCK, out,
			 parse_sock_v);
}

static struct nl_msg *sock_id_msg(struct prl_nl *nl, uint8_t cmd, uint32_t id)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = prl_nl_msg_nest(nl, cmd, 0, PEER_RELAY_A_SOCK, &nest);
	if (!msg)
		return NULL;
	if (prl_nl_msg_close(msg, nest,
			     nla_put_u32(msg, PEER_RELAY_SOCK_A_ID, id)))
		return NULL;
	return msg;
}

int prl_sock_detach(struct prl_nl *nl, uint32_t id)
{
	return request(nl, sock_id_msg(nl, PEER_RELAY_CMD_SOCK_DETACH, id));
}

static int kern_sock_get(struct prl_nl *nl, uint32_t id,
			 struct prl_sock_info *out)
{
	struct nl_msg *msg = sock_id_msg(nl, PEER_RELAY_CMD_SOCK_GET, id);

	return request_one(nl, msg, PEER_RELAY_A_SOCK, out, parse_sock_v);
}

struct dump_state {
	int attr;
	struct prl_dump *d;
};

static int on_dump_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_state *ds = arg;
	union {
		struct prl_sock_info sock;
		struct prl_session session;
	} u;
	const struct nlattr *a;
	int err = reply_attr(nlh, ds->attr, &a);

	if (!err)
		err = ds->attr == PEER_RELAY_A_SOCK ? prl_parse_sock(a, &u.sock) :
			  prl_parse_session(a, &u.session);
	return err ? err : prl_dump_one(ds->d, &u);
}

/* Sockets and sessions are dumped by their GET command. */
static int kern_dump(struct prl_nl *nl, int attr, struct prl_dump *d)
{
	struct dump_state ds = { attr, d };
	uint8_t cmd = attr == PEER_RELAY_A_SOCK ? PEER_RELAY_CMD_SOCK_GET :
						  PEER_RELAY_CMD_SESSION_GET;
	struct nl_msg *msg = prl_nl_msg_new(nl, cmd, NLM_F_DUMP);
	int err;

	if (!msg)
		return prl_nl_fail(nl, -ENOMEM);
	err = prl_nl_request(nl, msg, on_dump_reply, &ds);
	return err ? err : d->count;
}

/* ---- sessions ---- */

static int put_keys(struct nl_msg *msg, const uint8_t *a, const uint8_t *b)
{
	const uint8_t *lo, *hi;

	prl_keys_sort(a, b, &lo, &hi);
	if (nla_put(msg, PEER_RELAY_SESSION_A_KEY0, PEER_RELAY_KEY_LEN, lo) ||
	    nla_put(msg, PEER_RELAY_SESSION_A_KEY1, PEER_RELAY_KEY_LEN, hi))
		return -EMSGSIZE;
	return 0;
}

static int kern_session_new(struct prl_nl *nl,
			    const struct prl_session_spec *s,
			    struct prl_session *out)
{
	const struct prl_endpoint *ep0 = s->at_a, *ep1 = s->at_b;
	const uint8_t *lo, *hi;
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	/* EP0 belongs to KEY0, the smaller key */
	prl_keys_sort(s->key_a, s->key_b, &lo, &hi);
	if (lo != s->key_a) {
		ep0 = s->at_b;
		ep1 = s->at_a;
	}
	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SESSION_NEW, 0,
			      PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return prl_nl_fail(nl, -ENOMEM);
	err = put_keys(msg, s->key_a, s->key_b);
	if (!err && s->vni &&
	    nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, *s->vni))
		err = -EMSGSIZE;
	if (!err && ep0)
		err = prl_put_ep(msg, PEER_RELAY_SESSION_A_EP0, ep0, NULL);
	if (!err && ep1)
		err = prl_put_ep(msg, PEER_RELAY_SESSION_A_EP1, ep1, NULL);
	return send_nest(nl, msg, nest, err, PEER_RELAY_A_SESSION, out,
			 parse_session_v);
}

static int kern_session_bind(struct prl_nl *nl, uint32_t vni, unsigned int ep,
			     const struct prl_endpoint *remote,
			     const struct prl_addr *local)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SESSION_BIND, 0,
			      PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return prl_nl_fail(nl, -ENOMEM);
	err = nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, vni) ? -EMSGSIZE : 0;
	if (!err)
		err = prl_put_ep(msg, ep ? PEER_RELAY_SESSION_A_EP1 :
					  PEER_RELAY_SESSION_A_EP0,
				remote, local);
	return send_nest(nl, msg, nest, err, 0, NULL, NULL);
}

/* SESSION{VNI} or SESSION{KEY0,KEY1} for del/get. */
static struct nl_msg *session_ref_msg(struct prl_nl *nl, uint8_t cmd,
				      const struct prl_session_ref *s)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	msg = prl_nl_msg_nest(nl, cmd, 0, PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return NULL;
	if (s->key_a)
		err = put_keys(msg, s->key_a, s->key_b);
	else
		err = nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, s->vni) ?
			-EMSGSIZE : 0;
	if (prl_nl_msg_close(msg, nest, err))
		return NULL;
	return msg;
}

static int kern_session_del(struct prl_nl *nl, const struct prl_session_ref *s)
{
	return request(nl, session_ref_msg(nl, PEER_RELAY_CMD_SESSION_DEL, s));
}

static int kern_session_get(struct prl_nl *nl, const struct prl_session_ref *s,
			    struct prl_session *out)
{
	struct nl_msg *msg = session_ref_msg(nl, PEER_RELAY_CMD_SESSION_GET, s);

	return request_one(nl, msg, PEER_RELAY_A_SESSION, out, parse_session_v);
}

static int kern_session_flush(struct prl_nl *nl)
{
	return request(nl, prl_nl_msg_new(nl, PEER_RELAY_CMD_SESSION_FLUSH, 0));
}

/* ---- stats and config ---- */

static int kern_stats_get(struct prl_nl *nl, struct prl_stats *out)
{
	return request_one(nl, prl_nl_msg_new(nl, PEER_RELAY_CMD_STATS_GET, 0),
			   PEER_RELAY_A_STATS, out, parse_stats_v);
}

static int kern_config_get(struct prl_nl *nl, struct prl_config *out)
{
	return request_one(nl, prl_nl_msg_new(nl, PEER_RELAY_CMD_CONFIG_GET, 0),
			   PEER_RELAY_A_CONFIG, out, parse_config_v);
}

static int kern_config_set(struct prl_nl *nl, const struct prl_config *cfg)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_CONFIG_SET, 0,
			      PEER_RELAY_A_CONFIG, &nest);
	if (!msg)
		return prl_nl_fail(nl, -ENOMEM);
	return send_nest(nl, msg, nest, prl_put_config(msg, cfg), 0, NULL,
			 NULL);
}

const struct prl_nl_backend prl_nl_kernel = PRL_NL_BACKEND(kern);
