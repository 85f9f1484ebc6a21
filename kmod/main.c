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

static int __init prelay_init(void)
{
	int err;

	err = prelay_session_caches_init();
	if (err)
		return err;
	err = prelay_instance_register();
	if (err)
		goto err_caches;
	err = prelay_sysfs_init();
	if (err)
		goto err_instances;
	err = prelay_nl_register();
	if (err)
		goto err_sysfs;
	pr_info("peer_relay " PEER_RELAY_VERSION " loaded\n");
	return 0;

err_sysfs:
	prelay_sysfs_exit();
err_instances:
	prelay_instance_unregister();
	rcu_barrier();
err_caches:
	prelay_session_caches_destroy();
	return err;
}

static void __exit prelay_exit(void)
{
	prelay_nl_unregister();
	prelay_sysfs_exit();
	prelay_instance_unregister();
	rcu_barrier();
	prelay_session_caches_destroy();
}

module_init(prelay_init);
module_exit(prelay_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("peer_relay developers");
MODULE_DESCRIPTION("In-kernel data plane for Tailscale-compatible peer relays");
MODULE_VERSION(PEER_RELAY_VERSION);
MODULE_ALIAS_GENL_FAMILY(PEER_RELAY_GENL_NAME);
