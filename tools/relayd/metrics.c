// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd's own counters (handshake, allocation, rate limit, and the data
 * plane in userspace mode) as a Prometheus textfile for node_exporter's
 * textfile collector, next to the kernel's (tools/metrics/
 * peer-relay-textfile). Every series has the prefix peer_relay_relayd_,
 * so the two files never collide. Written at start, every
 * RELAYD_METRICS_INTERVAL_S seconds and at exit (with
 * peer_relay_relayd_up 0), always as a whole: a temporary file renamed
 * over the old one, so the collector never reads half a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "metrics.h"

#define RELAYD_METRICS_INTERVAL_S	10

static int write_all(FILE *f, const struct relayd_control *ctl, bool up)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fputs("# HELP peer_relay_relayd_up 1 while relayd runs; 0 written when it stops.\n"
	      "# TYPE peer_relay_relayd_up gauge\n", f);
	fprintf(f, "peer_relay_relayd_up %d\n", up);
	fputs("# HELP peer_relay_relayd_timestamp_seconds When relayd wrote this file.\n"
	      "# TYPE peer_relay_relayd_timestamp_seconds gauge\n", f);
	fprintf(f, "peer_relay_relayd_timestamp_seconds %lld\n",
		(long long)now.tv_sec);
	fputs("# HELP peer_relay_relayd_userspace_dataplane 1 when relayd forwards data itself (no kernel module).\n"
	      "# TYPE peer_relay_relayd_userspace_dataplane gauge\n", f);
	fprintf(f, "peer_relay_relayd_userspace_dataplane %d\n",
		ctl->rd->userspace);
	relayd_control_write_metrics(ctl, f);
	return ferror(f) ? -EIO : 0;
}

int relayd_metrics_write(struct relayd_metrics *m, bool up)
{
	char tmp[4096];
	FILE *f;
	int err;

	if (!m->path)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", m->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f) {
		err = -errno;
		goto fail;
	}
	err = write_all(f, m->ctl, up);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, m->path))
		err = -errno;
	if (!err) {
		m->failing = false;
		return 0;
	}
	unlink(tmp);
fail:
	/* once per failure streak, not every interval */
	if (!m->failing)
		prl_log_warn(&m->ctl->rd->log, "metrics file %s: %s", m->path,
			    strerror(-err));
	m->failing = true;
	return err;
}

static void on_timer(struct relayd *rd, int fd, uint32_t events, void *arg)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		prl_log_debug(&rd->log, "metrics timer: %s", strerror(errno));
	relayd_metrics_write(arg, true);
}

int relayd_metrics_init(struct relayd_metrics *m, struct relayd_control *ctl,
			const char *path)
{
	struct itimerspec its = {
		.it_interval.tv_sec = RELAYD_METRICS_INTERVAL_S,
		.it_value.tv_sec = RELAYD_METRICS_INTERVAL_S,
	};
	int err;

	memset(m, 0, sizeof(*m));
	m->tfd = -1;
	m->ctl = ctl;
	if (!path)
		return 0;
	/* a copy: a SIGHUP reload replaces the options it came from */
	m->path = strdup(path);
	if (!m->path)
		return -ENOMEM;
	m->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (m->tfd < 0 || timerfd_settime(m->tfd, 0, &its, NULL)) {
		err = -errno;
		goto fail;
	}
	err = relayd_loop_add_fd(ctl->rd, m->tfd, on_timer, m);
	if (err)
		goto fail;
	err = relayd_metrics_write(m, true);
	if (err)
		goto fail;
	prl_log_info(&ctl->rd->log, "metrics: %s every %d s", m->path,
		    RELAYD_METRICS_INTERVAL_S);
	return 0;
fail:
	prl_log_err(&ctl->rd->log, "metrics file %s: %s", path, strerror(-err));
	relayd_metrics_fini(m, false);
	return err;
}

void relayd_metrics_fini(struct relayd_metrics *m, bool write_down)
{
	if (m->tfd >= 0) {
		relayd_loop_del_fd(m->ctl->rd, m->tfd);
		close(m->tfd);
	}
	m->tfd = -1;
	if (write_down)
		relayd_metrics_write(m, false);
	free(m->path);
	m->path = NULL;
}
