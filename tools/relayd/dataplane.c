// SPDX-License-Identifier: GPL-2.0-only
/*
 * Backend selection and the "none" backend of --no-kernel (see
 * dataplane.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "dataplane.h"
#include "relayd.h"

int relayd_dp_start(struct relayd_dp *dp, struct relayd *rd,
		    const struct relayd_dp_notify *notify)
{
	int err;

	memset(dp, 0, sizeof(*dp));
	dp->rd = rd;
	dp->notify = *notify;
	dp->ops = rd->userspace ? &relayd_dp_user_ops :
		  rd->nl_open ? &relayd_dp_kernel_ops : &relayd_dp_none_ops;
	err = dp->ops->start(dp);
	if (err)
		dp->ops->stop(dp);
	return err;
}

void relayd_dp_stop(struct relayd_dp *dp)
{
	if (dp->ops)
		dp->ops->stop(dp);
	dp->ops = NULL;
}

void relayd_dp_warn(struct relayd_dp *dp, int err, const char *fmt, ...)
{
	const char *msg = dp->ops->errmsg(dp);
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	prl_log_warn(&dp->rd->log, "%s: %s%s%s", what, strerror(-err),
		     *msg ? ": " : "", msg);
}

/* ---- none: --no-kernel, nothing forwards and nothing is stored ---- */

static bool none_coherent(const struct relayd_dp *dp) { return true; }
static int none_start(struct relayd_dp *dp) { return 0; }
static void none_stop(struct relayd_dp *dp) { }
static const char *none_errmsg(struct relayd_dp *dp)
{
	return "no data plane (--no-kernel)";
}

static int none_new(struct relayd_dp *dp, const uint8_t *a, const uint8_t *b,
		    const uint32_t *vni, const struct prl_endpoint *at_a,
		    const struct prl_endpoint *at_b, struct prl_session *out)
{
	return -EOPNOTSUPP;
}

static int none_bind(struct relayd_dp *dp, uint32_t vni, unsigned int idx,
		     const struct prl_endpoint *remote,
		     const struct prl_addr *local)
{
	return -EOPNOTSUPP;
}

static int none_get(struct relayd_dp *dp, uint32_t vni, struct prl_session *out)
{
	return -ENOENT;
}

static int none_get_keys(struct relayd_dp *dp, const uint8_t *a,
			 const uint8_t *b, struct prl_session *out)
{
	return -ENOENT;
}

static int none_del(struct relayd_dp *dp, uint32_t vni) { return -ENOENT; }
static int none_dump(struct relayd_dp *dp, prl_session_cb cb, void *arg)
{
	return 0;
}
static int none_flush(struct relayd_dp *dp) { return 0; }
static int none_stats(struct relayd_dp *dp, struct prl_stats *out)
{
	return -EOPNOTSUPP;
}
static int none_config_get(struct relayd_dp *dp, struct prl_config *out)
{
	return -EOPNOTSUPP;
}
static int none_config_set(struct relayd_dp *dp, const struct prl_config *c)
{
	return 0;	/* nothing to configure */
}
static void none_log_stats(const struct relayd_dp *dp) { }

const struct relayd_dp_ops relayd_dp_none_ops =
	RELAYD_DP_OPS(none, "none", "no data plane");
