// SPDX-License-Identifier: GPL-2.0-only
/* Typed wrappers for every peer_relay command. */
#include <errno.h>
#include <string.h>

#include "ctl_client.h"
#include "nl.h"
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

static int fail(struct prl_nl *nl, int err)
{
	memset(&nl->last, 0, sizeof(nl->last));
	nl->last.err = err;
	return err;
}

/* Send @msg (NULL: it could not be built), expect an ACK only. */
static int request(struct prl_nl *nl, struct nl_msg *msg)
{
	return msg ? prl_nl_request(nl, msg, NULL, NULL) : fail(nl, -ENOMEM);
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
		return fail(nl, -ENOMEM);
	err = prl_nl_request(nl, msg, on_one_reply, &r);
	if (!err && out && !r.seen)
		err = nl->last.err = -EPROTO;
	return err;
}

/* ---- sockets ---- */

int prl_sock_attach(struct prl_nl *nl, int fd, struct prl_sock_info *out)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	if (fd < 0)
		return fail(nl, -EBADF);
	if (prl_nl_via_relayd(nl))
		return fail(nl, -EOPNOTSUPP);	/* relayd owns its sockets */
	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SOCK_ATTACH, 0,
			      PEER_RELAY_A_SOCK, &nest);
	if (!msg)
		return fail(nl, -ENOMEM);
	err = prl_nl_msg_close(msg, nest,
			       nla_put_u32(msg, PEER_RELAY_SOCK_A_FD,
					   (uint32_t)fd));
	if (err)
		return fail(nl, err);
	return request_one(nl, msg, PEER_RELAY_A_SOCK, out, parse_sock_v);
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
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return fail(nl, -EOPNOTSUPP);	/* relayd owns its sockets */
	msg = sock_id_msg(nl, PEER_RELAY_CMD_SOCK_DETACH, id);
	return request(nl, msg);
}

int prl_sock_get(struct prl_nl *nl, uint32_t id, struct prl_sock_info *out)
{
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_sock_get(nl, id, out);
	msg = sock_id_msg(nl, PEER_RELAY_CMD_SOCK_GET, id);
	return request_one(nl, msg, PEER_RELAY_A_SOCK, out, parse_sock_v);
}

int prl_dump_one(struct prl_dump *d, const void *obj)
{
	int err = d->sock_cb ? d->sock_cb(obj, d->arg) :
		  d->session_cb ? d->session_cb(obj, d->arg) : 0;

	if (!err)
		d->count++;
	return err;
}

struct dump_state {
	int attr;
	struct prl_dump d;
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
	return err ? err : prl_dump_one(&ds->d, &u);
}

/* Dump the objects of @cmd, top-level attribute @attr, into @d. */
static int dump(struct prl_nl *nl, uint8_t cmd, int attr,
		const struct prl_dump *d)
{
	struct dump_state ds = { attr, *d };
	struct nl_msg *msg = prl_nl_msg_new(nl, cmd, NLM_F_DUMP);
	int err;

	if (!msg)
		return fail(nl, -ENOMEM);
	err = prl_nl_request(nl, msg, on_dump_reply, &ds);
	return err ? err : ds.d.count;
}

int prl_sock_dump(struct prl_nl *nl, prl_sock_cb cb, void *arg)
{
	struct prl_dump d = { .sock_cb = cb, .arg = arg };

	if (prl_nl_via_relayd(nl))
		return prl_ctl_dump(nl, PEER_RELAY_A_SOCK, &d);
	return dump(nl, PEER_RELAY_CMD_SOCK_GET, PEER_RELAY_A_SOCK, &d);
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

int prl_session_new(struct prl_nl *nl, const uint8_t *key_a,
		   const uint8_t *key_b, const uint32_t *vni,
		   struct prl_session *out)
{
	return prl_session_new_bound(nl, key_a, key_b, vni, NULL, NULL, out);
}

int prl_session_new_bound(struct prl_nl *nl, const uint8_t *key_a,
			 const uint8_t *key_b, const uint32_t *vni,
			 const struct prl_endpoint *at_a,
			 const struct prl_endpoint *at_b,
			 struct prl_session *out)
{
	const struct prl_endpoint *ep0 = at_a, *ep1 = at_b;
	const uint8_t *lo, *hi;
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_new(nl, key_a, key_b, vni, at_a, at_b,
					   out);
	/* EP0 belongs to KEY0, the smaller key */
	prl_keys_sort(key_a, key_b, &lo, &hi);
	if (lo != key_a) {
		ep0 = at_b;
		ep1 = at_a;
	}
	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SESSION_NEW, 0,
			      PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return fail(nl, -ENOMEM);
	err = put_keys(msg, key_a, key_b);
	if (!err && vni && nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, *vni))
		err = -EMSGSIZE;
	if (!err && ep0)
		err = prl_put_ep(msg, PEER_RELAY_SESSION_A_EP0, ep0, NULL);
	if (!err && ep1)
		err = prl_put_ep(msg, PEER_RELAY_SESSION_A_EP1, ep1, NULL);
	err = prl_nl_msg_close(msg, nest, err);
	if (err)
		return fail(nl, err);
	return request_one(nl, msg, PEER_RELAY_A_SESSION, out, parse_session_v);
}

int prl_session_bind(struct prl_nl *nl, uint32_t vni, unsigned int ep,
		    const struct prl_endpoint *remote,
		    const struct prl_addr *local)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	if (ep > 1)
		return fail(nl, -EINVAL);
	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_bind(nl, vni, ep, remote, local);
	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_SESSION_BIND, 0,
			      PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return fail(nl, -ENOMEM);
	err = nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, vni) ? -EMSGSIZE : 0;
	if (!err)
		err = prl_put_ep(msg, ep ? PEER_RELAY_SESSION_A_EP1 :
					  PEER_RELAY_SESSION_A_EP0,
				remote, local);
	err = prl_nl_msg_close(msg, nest, err);
	if (err)
		return fail(nl, err);
	return prl_nl_request(nl, msg, NULL, NULL);
}

/* SESSION{VNI} or SESSION{KEY0,KEY1} for del/get. */
static struct nl_msg *session_id_msg(struct prl_nl *nl, uint8_t cmd,
				     uint32_t vni, const uint8_t *a,
				     const uint8_t *b)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	msg = prl_nl_msg_nest(nl, cmd, 0, PEER_RELAY_A_SESSION, &nest);
	if (!msg)
		return NULL;
	if (a)
		err = put_keys(msg, a, b);
	else
		err = nla_put_u32(msg, PEER_RELAY_SESSION_A_VNI, vni) ?
			-EMSGSIZE : 0;
	if (prl_nl_msg_close(msg, nest, err))
		return NULL;
	return msg;
}

int prl_session_del(struct prl_nl *nl, uint32_t vni)
{
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_del(nl, vni);
	msg = session_id_msg(nl, PEER_RELAY_CMD_SESSION_DEL, vni, NULL, NULL);
	return request(nl, msg);
}

int prl_session_del_keys(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b)
{
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_del_keys(nl, key_a, key_b);
	msg = session_id_msg(nl, PEER_RELAY_CMD_SESSION_DEL, 0, key_a, key_b);
	return request(nl, msg);
}

int prl_session_get(struct prl_nl *nl, uint32_t vni, struct prl_session *out)
{
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_get(nl, vni, out);
	msg = session_id_msg(nl, PEER_RELAY_CMD_SESSION_GET, vni, NULL, NULL);
	return request_one(nl, msg, PEER_RELAY_A_SESSION, out, parse_session_v);
}

int prl_session_get_keys(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b, struct prl_session *out)
{
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_get_keys(nl, key_a, key_b, out);
	msg = session_id_msg(nl, PEER_RELAY_CMD_SESSION_GET, 0, key_a, key_b);
	return request_one(nl, msg, PEER_RELAY_A_SESSION, out, parse_session_v);
}

int prl_session_dump(struct prl_nl *nl, prl_session_cb cb, void *arg)
{
	struct prl_dump d = { .session_cb = cb, .arg = arg };

	if (prl_nl_via_relayd(nl))
		return prl_ctl_dump(nl, PEER_RELAY_A_SESSION, &d);
	return dump(nl, PEER_RELAY_CMD_SESSION_GET, PEER_RELAY_A_SESSION, &d);
}

int prl_session_flush(struct prl_nl *nl)
{
	struct nl_msg *msg;

	if (prl_nl_via_relayd(nl))
		return prl_ctl_session_flush(nl);
	msg = prl_nl_msg_new(nl, PEER_RELAY_CMD_SESSION_FLUSH, 0);
	return request(nl, msg);
}

/* ---- stats and config ---- */

int prl_stats_get(struct prl_nl *nl, struct prl_stats *out)
{
	if (prl_nl_via_relayd(nl))
		return prl_ctl_stats_get(nl, out);
	return request_one(nl, prl_nl_msg_new(nl, PEER_RELAY_CMD_STATS_GET, 0),
			   PEER_RELAY_A_STATS, out, parse_stats_v);
}

int prl_config_get(struct prl_nl *nl, struct prl_config *out)
{
	if (prl_nl_via_relayd(nl))
		return prl_ctl_config_get(nl, out);
	return request_one(nl, prl_nl_msg_new(nl, PEER_RELAY_CMD_CONFIG_GET, 0),
			   PEER_RELAY_A_CONFIG, out, parse_config_v);
}

int prl_config_set(struct prl_nl *nl, const struct prl_config *cfg)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int err;

	if (!cfg->mask)
		return fail(nl, -EINVAL);
	if (prl_nl_via_relayd(nl))
		return prl_ctl_config_set(nl, cfg);
	msg = prl_nl_msg_nest(nl, PEER_RELAY_CMD_CONFIG_SET, 0,
			      PEER_RELAY_A_CONFIG, &nest);
	if (!msg)
		return fail(nl, -ENOMEM);
	err = prl_nl_msg_close(msg, nest, prl_put_config(msg, cfg));
	if (err)
		return fail(nl, err);
	return prl_nl_request(nl, msg, NULL, NULL);
}
