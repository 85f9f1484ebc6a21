// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipelined netlink requests (tools/lib/nl_batch.c) against the host
 * kernel's generic netlink controller, which every Linux has: GETFAMILY
 * "nlctrl" succeeds (a reply and an ack), GETFAMILY of a name that does
 * not exist fails with ENOENT. Each request gets exactly one result, in
 * its own slot, a failure does not fail its neighbours, batches follow
 * each other on one socket, a full batch refuses more, and answers the
 * kernel had to drop (a receive buffer too small) are reported as
 * failures rather than lost.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>

#include "kselftest_harness.h"

#include "nl_batch.h"
#include "nl_internal.h"

#define MAXREQ 600

struct results {
	int calls[MAXREQ];
	int err[MAXREQ];
	char msg[MAXREQ][PRL_NL_ERRMSG_LEN];
};

static void note(unsigned int idx, int err, const struct prl_nl_error *e,
		 void *arg)
{
	struct results *r = arg;

	if (idx >= MAXREQ)
		return;
	r->calls[idx]++;
	r->err[idx] = err;
	if (e)
		snprintf(r->msg[idx], sizeof(r->msg[idx]), "%s", e->msg);
}

static struct nl_msg *getfamily(const char *name)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			       CTRL_CMD_GETFAMILY, 1) ||
		  nla_put_string(m, CTRL_ATTR_FAMILY_NAME, name))) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/* Request i asks for a family that does not exist when bad(i). */
static bool bad(unsigned int i)
{
	return i % 7 == 3;
}

FIXTURE(batch) {
	struct nl_sock *sk;
	struct prl_nl_batch b;
	struct results r;
};

FIXTURE_SETUP(batch)
{
	memset(&self->r, 0, sizeof(self->r));
	self->sk = nl_socket_alloc();
	ASSERT_NE(NULL, self->sk);
	if (prl_nl_socket_setup(self->sk))
		SKIP(return, "no generic netlink on this host");
	ASSERT_EQ(0, prl_nl_batch_init(&self->b, self->sk, 256));
}

FIXTURE_TEARDOWN(batch)
{
	prl_nl_batch_free(&self->b);
	if (self->sk)
		nl_socket_free(self->sk);
}

/* Fill a batch of @n requests (bad(i) failing), flush, check each. */
static void run_batch(struct __test_metadata *_metadata, struct prl_nl_batch *b,
		      struct results *r, unsigned int n)
{
	unsigned int i, want_failed = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		ASSERT_EQ((int)i, prl_nl_batch_add(b, getfamily(bad(i) ? "nosuchfamily" :
								"nlctrl")));
		want_failed += bad(i);
	}
	ASSERT_EQ(n, prl_nl_batch_count(b));
	EXPECT_EQ((int)want_failed, prl_nl_batch_flush(b, note, r));
	EXPECT_EQ(0, prl_nl_batch_count(b));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(1, r->calls[i]) TH_LOG("request %u answered %d times", i, r->calls[i]);
		EXPECT_EQ(bad(i) ? -ENOENT : 0, r->err[i])
			TH_LOG("request %u: %s", i, r->msg[i]);
	}
}

TEST_F(batch, full_batch_each_request_its_own_result)
{
	run_batch(_metadata, &self->b, &self->r, 256);
}

TEST_F(batch, batches_follow_each_other)
{
	run_batch(_metadata, &self->b, &self->r, 10);
	run_batch(_metadata, &self->b, &self->r, 1);
	run_batch(_metadata, &self->b, &self->r, 200);
	/* an empty flush sends nothing and reports nothing */
	EXPECT_EQ(0, prl_nl_batch_flush(&self->b, note, &self->r));
}

TEST_F(batch, full_batch_refuses_more)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		ASSERT_EQ((int)i, prl_nl_batch_add(&self->b, getfamily("nlctrl")));
	EXPECT_EQ(-ENOSPC, prl_nl_batch_add(&self->b, getfamily("nlctrl")));
	EXPECT_EQ(-ENOMEM, prl_nl_batch_add(&self->b, NULL));
	EXPECT_EQ(0, prl_nl_batch_flush(&self->b, note, &self->r));
	EXPECT_EQ(1, self->r.calls[255]);
	EXPECT_EQ(0, self->r.calls[256]);
}

/*
 * A receive buffer far too small for 256 replies: the kernel drops
 * answers; every request is still reported once, the dropped ones as
 * failures with a reason.
 */
TEST_F(batch, dropped_answers_are_failures)
{
	int tiny = 1, failed, lost = 0, ok = 0;
	unsigned int i;

	ASSERT_EQ(0, setsockopt(self->b.fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)));
	for (i = 0; i < 256; i++)
		ASSERT_LE(0, prl_nl_batch_add(&self->b, getfamily("nlctrl")));
	failed = prl_nl_batch_flush(&self->b, note, &self->r);
	for (i = 0; i < 256; i++) {
		EXPECT_EQ(1, self->r.calls[i]) TH_LOG("request %u", i);
		ok += self->r.err[i] == 0;
		if (self->r.err[i] == -ENOBUFS) {
			lost++;
			EXPECT_NE(0, strlen(self->r.msg[i]));
		}
	}
	EXPECT_LT(0, lost);
	EXPECT_EQ(lost, failed);
	EXPECT_EQ(256, ok + lost);
	TH_LOG("%d answered, %d lost to the overrun", ok, lost);
	/* the socket still works for the next batch */
	tiny = 1 << 20;
	ASSERT_EQ(0, setsockopt(self->b.fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)));
	run_batch(_metadata, &self->b, &self->r, 20);
}

TEST_HARNESS_MAIN
