/* SPDX-License-Identifier: GPL-2.0-only */
/* /sys/kernel/peer_relay/stats/: counters of the initial netns. */
#ifndef _PR_SYSFS_H
#define _PR_SYSFS_H

int prelay_sysfs_init(void);
void prelay_sysfs_exit(void);

#endif /* _PR_SYSFS_H */
