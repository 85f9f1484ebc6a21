/* SPDX-License-Identifier: GPL-2.0-only */
/* /sys/kernel/peer_relay/stats/: counters of the initial netns. */
#ifndef _PR_SYSFS_H
#define _PR_SYSFS_H

int pr_sysfs_init(void);
void pr_sysfs_exit(void);

#endif /* _PR_SYSFS_H */
