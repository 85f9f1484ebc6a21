// SPDX-License-Identifier: GPL-2.0-only
/*
 * peer_relay: in-kernel data plane for Tailscale-compatible peer relays.
 *
 * Init order: per-netns instances, then sysfs (reads the init_net
 * instance), then the netlink family (the only way in). Exit reverses it
 * and waits for RCU callbacks before the module text goes away.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "instance.h"
#include "netlink.h"
#include "session.h"
#include "sysfs.h"

static int __init pr_init(void)
{
	int err;

	err = pr_session_caches_init();
	if (err)
		return err;
	err = pr_instance_register();
	if (err)
		goto err_caches;
	err = pr_sysfs_init();
	if (err)
		goto err_instances;
	err = pr_nl_register();
	if (err)
		goto err_sysfs;
	pr_info("peer_relay " PEER_RELAY_VERSION " loaded\n");
	return 0;

err_sysfs:
	pr_sysfs_exit();
err_instances:
	pr_instance_unregister();
	rcu_barrier();
err_caches:
	pr_session_caches_destroy();
	return err;
}

static void __exit pr_exit(void)
{
	pr_nl_unregister();
	pr_sysfs_exit();
	pr_instance_unregister();
	rcu_barrier();
	pr_session_caches_destroy();
}

module_init(pr_init);
module_exit(pr_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("peer_relay developers");
MODULE_DESCRIPTION("In-kernel data plane for Tailscale-compatible peer relays");
MODULE_VERSION(PEER_RELAY_VERSION);
MODULE_ALIAS_GENL_FAMILY(PEER_RELAY_GENL_NAME);
