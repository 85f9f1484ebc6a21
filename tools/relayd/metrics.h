/* SPDX-License-Identifier: GPL-2.0-only */
/* relayd's counters as a Prometheus textfile (--metrics-file). */
#ifndef RELAYD_METRICS_H
#define RELAYD_METRICS_H

#include <stdbool.h>

struct relayd_control;

struct relayd_metrics {
	char *path;			/* NULL: no metrics file */
	int tfd;			/* interval timer */
	bool failing;			/* last write failed (logged once) */
	struct relayd_control *ctl;
};

/*
 * Start writing @path (NULL: do nothing) now and periodically. Call after
 * relayd_control_init(). Returns 0 or -errno (logged).
 */
int relayd_metrics_init(struct relayd_metrics *m, struct relayd_control *ctl,
			const char *path);
/* Write the file now (@up: relayd still running). 0 or -errno. */
int relayd_metrics_write(struct relayd_metrics *m, bool up);
/* Stop the timer; with @write_down, write a last file saying up 0. */
void relayd_metrics_fini(struct relayd_metrics *m, bool write_down);

#endif /* RELAYD_METRICS_H */
