// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session replication: the stream of records out (sync_int.h). While
 * active, a relay pushes the kernel's session events that are its own
 * (not a replica's), a full resynchronisation (BEGIN, every session,
 * END) when a peer connects, when it becomes active, when events were
 * lost and every refresh period, and a MARK after each batch and at
 * least every second.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

#include "sync_int.h"

/* Append a record to every outgoing connection (flushing full frames). */
typedef int (*put_fn)(struct sync_conn *c, const void *arg);

static void push_all(struct relayd_sync *s, put_fn put, const void *arg)
{
	unsigned int i;

	for (i = 0; i < s->o.n_peers; i++) {
		struct sync_conn *c = s->out[i];
		int err;

		if (!c)
			continue;
		err = put(c, arg);
		if (err == -ENOSPC) {
			err = sync_conn_flush(c);
			if (!err)
				err = put(c, arg);
		}
		if (err) {
			char b[PRL_ENDPOINT_STRLEN];

			prl_log_warn(&s->log, "sync: push to %s: %s", sync_peer_str(s, i, b),
				     strerror(-err));
			sync_conn_close(s, &s->out[i]);
		}
	}
}

static int put_session(struct sync_conn *c, const void *arg)
{
	return sync_put_session(c->out, &c->out_len, arg);
}

static int put_del(struct sync_conn *c, const void *arg)
{
	const struct prl_session *ps = arg;

	return sync_put_del(c->out, &c->out_len, ps->vni, ps->lamport,
			    (uint8_t)ps->del_reason);
}

struct gen_arg {
	enum sync_rec_type type;
	uint32_t gen, count;
};

static int put_gen(struct sync_conn *c, const void *arg)
{
	const struct gen_arg *g = arg;

	return sync_put_gen(c->out, &c->out_len, g->type, g->gen, g->count);
}

static int put_mark(struct sync_conn *c, const void *arg)
{
	int err = sync_put_clock(c->out, &c->out_len, SYNC_REC_MARK,
				 *(const uint64_t *)arg, 0);

	c->last_mark = *(const uint64_t *)arg;
	return err ? err : sync_conn_flush(c);	/* a MARK ends a batch */
}

static void push_mark(struct relayd_sync *s)
{
	uint64_t t = sync_now_ms();

	push_all(s, put_mark, &t);
}

static int dump_cb(const struct prl_session *ps, void *arg)
{
	struct relayd_sync *s = arg;

	push_all(s, put_session, ps);
	s->pushed++;
	return 0;
}

/* Full resynchronisation: BEGIN, every session, END, MARK. */
static void push_full(struct relayd_sync *s, const char *why)
{
	struct gen_arg g = { SYNC_REC_BEGIN, ++s->gen, 0 };
	uint64_t t0 = sync_now_ms(), before = s->pushed;
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < s->o.n_peers; i++)
		n += !!s->out[i];
	if (!n)
		return;
	push_all(s, put_gen, &g);
	ret = prl_session_dump(&s->nl, dump_cb, s);
	if (ret < 0) {
		/*
		 * No END: the peers do not sweep. A dump interrupted by a
		 * concurrent change (EAGAIN: installs, expiry) is retried at
		 * the next tick rather than at the next refresh.
		 */
		prl_log_warn(&s->log, "sync: session dump: %s%s", strerror(-ret),
			     s->active ? ", retried" : "");
		s->resync_all = true;
		return;
	}
	g.type = SYNC_REC_END;
	g.count = (uint32_t)ret;
	push_all(s, put_gen, &g);
	s->resync_mark = sync_now_ms();
	push_all(s, put_mark, &s->resync_mark);
	prl_log(&s->log, strcmp(why, "refresh") ? PRL_LOG_INFO : PRL_LOG_DEBUG,
		"sync: full resync (%s) to %u peer%s: %llu sessions in %llu ms",
		why, n, n == 1 ? "" : "s", (unsigned long long)(s->pushed - before),
		(unsigned long long)(sync_now_ms() - t0));
}

static int on_event(const struct prl_event *ev, void *arg)
{
	struct relayd_sync *s = arg;

	if (!s->active || ev->session.replica)
		return 0;	/* standby, or what a peer told us: not ours to push */
	switch (ev->cmd) {
	case PEER_RELAY_CMD_SESSION_NEW_NTF:
	case PEER_RELAY_CMD_SESSION_BIND_NTF:
		push_all(s, put_session, &ev->session);
		s->pushed++;
		break;
	case PEER_RELAY_CMD_SESSION_DEL_NTF:
		push_all(s, put_del, &ev->session);
		s->pushed++;
		break;
	default:
		break;
	}
	return 0;
}

void sync_events_readable(struct relayd_sync *s)
{
	int err, n = 0;

	for (;;) {
		err = prl_events_recv(&s->ev, on_event, s);
		if (err == -EAGAIN)
			break;
		if (err == -ENOBUFS) {
			prl_log_warn(&s->log, "sync: kernel events lost: full resync");
			s->resync_all = true;
			continue;
		}
		if (err) {
			prl_log_warn(&s->log, "sync: events: %s", strerror(-err));
			break;
		}
		n++;
	}
	if (n && s->active)
		push_mark(s);
}

static bool vip_is_local(const struct prl_addr *vip)
{
	struct ifaddrs *ifa, *p;
	struct prl_addr a;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (p = ifa; p && !found; p = p->ifa_next) {
		if (!p->ifa_addr)
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			prl_addr_from_raw(&a, &((struct sockaddr_in *)p->ifa_addr)->sin_addr, 4);
		else if (p->ifa_addr->sa_family == AF_INET6)
			prl_addr_from_raw(&a, &((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, 16);
		else
			continue;
		found = prl_addr_equal(&a, vip);
	}
	freeifaddrs(ifa);
	return found;
}

void sync_update_role(struct relayd_sync *s)
{
	char b[PRL_ADDR_STRLEN];
	bool active;

	if (s->o.role == SYNC_ROLE_AUTO)
		active = vip_is_local(&s->o.vip);
	else
		active = s->o.role == SYNC_ROLE_ACTIVE;
	if (s->role_known && active == s->active)
		return;
	s->role_known = true;
	s->active = active;
	if (s->o.role == SYNC_ROLE_AUTO)
		prl_addr_fmt(&s->o.vip, b, sizeof(b));
	prl_log_info(&s->log, "sync: role %s%s%s%s", active ? "active" : "standby",
		     s->o.role == SYNC_ROLE_AUTO ? " (" : "",
		     s->o.role == SYNC_ROLE_AUTO ? b : "",
		     s->o.role == SYNC_ROLE_AUTO ? (active ? " is local)" : " is not local)") : "");
	if (active)
		s->resync_all = true;
}

void sync_tick(struct relayd_sync *s)
{
	uint64_t now = sync_now_ms();
	unsigned int i;

	sync_update_role(s);
	sync_connect_peers(s, now);
	/* heartbeat: keeps data in flight, so a vanished peer is noticed */
	for (i = 0; i < s->o.n_peers; i++)
		if (s->out[i] && now - s->out[i]->last_mark >= SYNC_HEARTBEAT_MS)
			break;
	if (i < s->o.n_peers)
		push_mark(s);
	/*
	 * Refresh only once every peer installed the previous resync: a
	 * standby slower than the period must not fall ever further behind.
	 */
	for (i = 0; i < s->o.n_peers; i++)
		if (s->out[i] && s->out[i]->acked_clock < s->resync_mark)
			break;
	if (s->active && now >= s->next_refresh && i == s->o.n_peers) {
		if (!s->resync_all)
			push_full(s, "refresh");
		s->next_refresh = now + s->o.refresh_ms;
	}
	if (s->resync_all && s->active) {
		s->resync_all = false;
		push_full(s, "connect/role/lost events");
		s->next_refresh = now + s->o.refresh_ms;
	}
}
