// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink transport: socket setup, family resolution, requests with
 * extended-ack error reporting.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "nl_backend.h"
#include "nl_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Recv buffer: big enough for any single message of a dump part. */
#define PRL_NL_BUFSIZE	(64 * 1024)

int prl_nl_nlerr_to_errno(int nlerr)
{
	if (nlerr < 0)
		nlerr = -nlerr;
	switch (nlerr) {
	case 0:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOATTR:
		return -ENODATA;
	case NLE_PERM:
		return -EPERM;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_MSG_TRUNC:
		return -EMSGSIZE;
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_PROTO_MISMATCH:
		return -EPROTO;
	default:
		return -EIO;
	}
}

/* Per-request receive state. */
struct req_state {
	struct prl_nl *nl;
	prl_nl_reply_fn fn;
	void *arg;
	uint16_t type;	/* the request's family (nlmsg_type) */
	uint8_t cmd;	/* our family's replies must carry the request's cmd */
	int err;	/* first error: kernel's or the callback's */
	bool done;
};

/*
 * Parse extended-ack TLVs that start @off bytes into the payload of @nlh
 * (an NLMSG_ERROR or NLMSG_DONE message). nl_batch.c uses it too.
 */
void prl_nl_parse_ext_ack(struct prl_nl_error *e, const struct nlmsghdr *nlh,
			  size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off >= plen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
		      (int)(plen - off), NULL) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG]) {
		size_t n = (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]);

		if (n >= sizeof(e->msg))
			n = sizeof(e->msg) - 1;
		memcpy(e->msg, nla_data(tb[NLMSGERR_ATTR_MSG]), n);
		e->msg[n] = '\0';
		/* drop the trailing NUL(s)/newline the kernel may add */
		n = strlen(e->msg);
		while (n && (e->msg[n - 1] == '\n'))
			e->msg[--n] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS] &&
	    nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4) {
		e->has_offs = true;
		e->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		e->has_miss = true;
		e->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	if (tb[NLMSGERR_ATTR_MISS_NEST] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_NEST]) >= 4) {
		e->has_miss_nest = true;
		e->miss_nest = nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]);
	}
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct req_state *st = arg;
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	size_t off = sizeof(*err);

	/* Without NLM_F_CAPPED the request follows the error header. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len > NLMSG_HDRLEN)
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;

	if (!st->err)
		st->err = err->error < 0 ? err->error : -EPROTO;
	prl_nl_parse_ext_ack(&st->nl->last, nlh, off);
	st->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);

	/* A successful ack may carry a warning message. */
	prl_nl_parse_ext_ack(&st->nl->last, nlh, sizeof(struct nlmsgerr));
	st->done = true;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);

	/* A dump that failed reports the error in NLMSG_DONE. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int e;

		memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
		if (e < 0 && !st->err)
			st->err = e;
		prl_nl_parse_ext_ack(&st->nl->last, nlh, sizeof(int));
	}
	st->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	int err;

	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct genlmsghdr *g = nlmsg_data(nlh);

	if (st->err)
		return NL_SKIP;
	/*
	 * Spec-driven clients match replies by command: so do we (the
	 * controller answers GETFAMILY with NEWFAMILY, by its own rules).
	 */
	if (st->type == st->nl->family_id &&
	    (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) || g->cmd != st->cmd)) {
		st->err = -EPROTO;
		snprintf(st->nl->last.msg, sizeof(st->nl->last.msg),
			 "reply carries command %u, the request was %u",
			 nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ? 0 : g->cmd,
			 st->cmd);
		return NL_SKIP;
	}
	if (!st->fn)
		return NL_SKIP;
	err = st->fn(nlh, st->arg);
	if (err < 0)
		st->err = err;
	return NL_SKIP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	/* The table changed during the dump; results may be inconsistent. */
	if (!st->err)
		st->err = -EAGAIN;
	snprintf(st->nl->last.msg, sizeof(st->nl->last.msg),
		 "dump interrupted by a concurrent change, retry");
	return NL_SKIP;
}

int prl_nl_request(struct prl_nl *nl, struct nl_msg *msg, prl_nl_reply_fn fn,
		  void *arg)
{
	struct req_state st = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	memset(&nl->last, 0, sizeof(nl->last));
	if (!msg)
		return nl->last.err = -ENOMEM;
	if (!nl->sk) {		/* relayd's control socket (nl_backend.h) */
		nlmsg_free(msg);
		snprintf(nl->last.msg, sizeof(nl->last.msg),
			 "relayd forwards in userspace: it owns its sockets and takes no replicas");
		return nl->last.err = -EOPNOTSUPP;
	}

	st.type = nlmsg_hdr(msg)->nlmsg_type;
	st.cmd = ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return nl->last.err = -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &st);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		st.err = prl_nl_nlerr_to_errno(ret);
		goto out;
	}

	while (!st.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !st.done) {
			if (!st.err)
				st.err = prl_nl_nlerr_to_errno(ret);
			break;
		}
	}
out:
	nl_cb_put(cb);
	nl->last.err = st.err;
	return st.err;
}

const char *prl_nl_errmsg(struct prl_nl *nl)
{
	const struct prl_nl_error *e = &nl->last;

	if (e->msg[0] && e->has_miss) {
		snprintf(nl->errbuf, sizeof(nl->errbuf),
			 "%s (missing attribute type %u%s)", e->msg,
			 e->miss_type, e->has_miss_nest ? " in a nest" : "");
		return nl->errbuf;
	}
	if (e->msg[0])
		return e->msg;
	if (e->has_miss) {
		snprintf(nl->errbuf, sizeof(nl->errbuf),
			 "missing attribute type %u%s", e->miss_type,
			 e->has_miss_nest ? " in a nest" : " at top level");
		return nl->errbuf;
	}
	return "";
}

struct nl_msg *prl_nl_msg_new_size(const struct prl_nl *nl, uint8_t cmd,
				   int flags, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family_id, 0,
			 flags, cmd, PEER_RELAY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *prl_nl_msg_new(const struct prl_nl *nl, uint8_t cmd, int flags)
{
	return prl_nl_msg_new_size(nl, cmd, flags, PRL_NL_MSG_SIZE);
}

struct nlattr *prl_nl_nest_start(struct nl_msg *msg, int type)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (nest)
		nest->nla_type |= NLA_F_NESTED;
	return nest;
}

int prl_nl_nest_end(struct nl_msg *msg, struct nlattr *nest)
{
	return nla_nest_end_keep_empty(msg, nest);
}

struct nl_msg *prl_nl_msg_nest(const struct prl_nl *nl, uint8_t cmd, int flags,
			       int type, struct nlattr **nest)
{
	/* Only CONFIG_SET may outgrow the default room (static endpoints). */
	size_t size = cmd == PEER_RELAY_CMD_CONFIG_SET ? PRL_NL_MSG_SIZE_MAX :
			  PRL_NL_MSG_SIZE;
	struct nl_msg *msg = prl_nl_msg_new_size(nl, cmd, flags, size);

	*nest = msg ? prl_nl_nest_start(msg, type) : NULL;
	if (msg && !*nest) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int prl_nl_msg_close(struct nl_msg *msg, struct nlattr *nest, int put_err)
{
	if (!put_err && prl_nl_nest_end(msg, nest))
		put_err = -EMSGSIZE;
	if (put_err) {
		nlmsg_free(msg);
		return put_err < 0 ? put_err : -EMSGSIZE;
	}
	return 0;
}

int prl_nl_parse_top(const struct nlmsghdr *nlh, struct nlattr **tb,
		    uint8_t *cmd)
{
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	g = NLMSG_DATA(nlh);
	if (cmd)
		*cmd = g->cmd;
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, PEER_RELAY_A_MAX,
			  NULL) < 0)
		return -EBADMSG;
	return 0;
}

/* ---- family resolution ---- */

struct resolve_state {
	int family_id;
	uint32_t events_grp;
};

static int on_family(const struct nlmsghdr *nlh, void *arg)
{
	struct resolve_state *rs = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *grp;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX,
			  NULL) < 0)
		return -EBADMSG;
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	rs->family_id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);

	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nla_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (nla_parse_nested(gtb, CTRL_ATTR_MCAST_GRP_MAX, grp,
				     NULL) < 0)
			continue;
		if (!gtb[CTRL_ATTR_MCAST_GRP_NAME] ||
		    !gtb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (!strcmp(nla_get_string(gtb[CTRL_ATTR_MCAST_GRP_NAME]),
			    PEER_RELAY_MCGRP_EVENTS))
			rs->events_grp =
				nla_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static int resolve_family(struct prl_nl *nl)
{
	struct resolve_state rs = { .family_id = -1 };
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, PEER_RELAY_GENL_NAME)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = prl_nl_request(nl, msg, on_family, &rs);
	if (err)
		return err;
	if (rs.family_id < 0)
		return -ENOENT;
	nl->family_id = rs.family_id;
	nl->events_grp = rs.events_grp;
	return 0;
}

int prl_nl_socket_setup(struct nl_sock *sk)
{
	int one = 1, fd, err;

	err = genl_connect(sk);
	if (err < 0)
		return prl_nl_nlerr_to_errno(err);
	err = nl_socket_set_buffer_size(sk, 1024 * 1024, 1024 * 1024);
	if (err < 0)
		return prl_nl_nlerr_to_errno(err);
	nl_socket_enable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, PRL_NL_BUFSIZE);
	fd = nl_socket_get_fd(sk);
	/* Old kernels lack these; errors then just carry no message. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

int prl_nl_open(struct prl_nl *nl)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->family_id = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	err = prl_nl_socket_setup(nl->sk);
	if (!err)
		err = resolve_family(nl);
	if (!err)
		nl->ops = &prl_nl_kernel;
	if (err) {
		struct prl_nl_error last = nl->last;

		nl_socket_free(nl->sk);
		nl->sk = NULL;
		nl->last = last;
		nl->last.err = err;
	}
	return err;
}

void prl_nl_close(struct prl_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
	if (nl->relayd_fd > 0)
		close(nl->relayd_fd);
	nl->relayd_fd = 0;
}
