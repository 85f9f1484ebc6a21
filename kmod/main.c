// SPDX-License-Identifier: GPL-2.0-only
/*
 * peer_relay: in-kernel data plane for Tailscale-compatible peer relays.
 *
 * Init order (prelay_init_steps): the session cache, per-netns instances,
 * then sysfs (reads the init_net instance), then the netlink family (the
 * only way in). Exit reverses it and waits for RCU callbacks before the
 * module text goes away.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "instance.h"
#include "netlink.h"
#include "session.h"
#include "sysfs.h"

/*
 * Module init, one step a row: each row's exit undoes its init. Init runs
 * them in order; a failure, and module exit, undo the steps done so far
 * in reverse, so the order is written once.
 */
struct prelay_init_step {
	int (*init)(void);
	void (*exit)(void);
};

/*
 * The sessions the instances free go through call_rcu(): wait for them
 * before their cache is destroyed and the module text goes away.
 */
static void prelay_instances_exit(void)
{
	prelay_instance_unregister();
	rcu_barrier();
}

static const struct prelay_init_step prelay_init_steps[] = {
	{ prelay_session_caches_init,	prelay_session_caches_destroy },
	{ prelay_instance_register,	prelay_instances_exit },
	{ prelay_sysfs_init,		prelay_sysfs_exit },
	{ prelay_nl_register,		prelay_nl_unregister },
};

/* Undo the first @n steps, last first. */
static void prelay_undo(unsigned int n)
{
	while (n--)
		prelay_init_steps[n].exit();
}

static int __init prelay_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(prelay_init_steps); i++) {
		err = prelay_init_steps[i].init();
		if (err) {
			prelay_undo(i);
			return err;
		}
	}
	pr_info("peer_relay " PEER_RELAY_VERSION " loaded\n");
	return 0;
}

static void __exit prelay_exit(void)
{
	prelay_undo(ARRAY_SIZE(prelay_init_steps));
}

module_init(prelay_init);
module_exit(prelay_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("peer_relay developers");
MODULE_DESCRIPTION("In-kernel data plane for Tailscale-compatible peer relays");
MODULE_VERSION(PEER_RELAY_VERSION);
MODULE_ALIAS_GENL_FAMILY(PEER_RELAY_GENL_NAME);
