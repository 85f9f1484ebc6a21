// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-netns instances (pernet_operations). Namespace exit, and module
 * unload (which runs the exit for every namespace), detach the remaining
 * sockets and delete all sessions; RCU callbacks finish before the module
 * goes away (rcu_barrier() in main.c).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "expiry.h"
#include "instance.h"
#include "ratelimit.h"
#include "session.h"
#include "socket.h"
#include "stats.h"

static unsigned int prelay_net_id __read_mostly;

/**
 * prelay_instance_get() - the relay instance of a network namespace
 * @net: the namespace
 *
 * Return: the instance; it exists for as long as @net does.
 */
struct prelay_instance *prelay_instance_get(const struct net *net)
{
	return net_generic(net, prelay_net_id);
}

static void prelay_config_defaults(struct prelay_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind_lifetime_ms = PEER_RELAY_DEFAULT_BIND_LIFETIME_MS;
	cfg->idle_lifetime_ms = PEER_RELAY_DEFAULT_IDLE_LIFETIME_MS;
	cfg->max_sessions = PEER_RELAY_DEFAULT_MAX_SESSIONS;
	cfg->pass_rate = PEER_RELAY_DEFAULT_PASS_RATE;
	cfg->pass_burst = PEER_RELAY_DEFAULT_PASS_BURST;
	cfg->pass_rate_total = PEER_RELAY_DEFAULT_PASS_RATE_TOTAL;
	cfg->vni_min = PEER_RELAY_VNI_MIN;
	cfg->vni_max = PEER_RELAY_VNI_MAX;
}

/**
 * prelay_instance_ratelimit_init() - allocate the rate limiter if not yet done
 * @inst: relay instance
 *
 * Namespaces that never attach a socket do not pay for the table.
 *
 * Context: inst->lock held.
 * Return: 0 or -ENOMEM.
 */
int prelay_instance_ratelimit_init(struct prelay_instance *inst)
{
	struct prelay_ratelimit *rl;

	lockdep_assert_held(&inst->lock);
	if (rcu_access_pointer(inst->ratelimit))
		return 0;
	rl = prelay_ratelimit_new(&inst->config);
	if (!rl)
		return -ENOMEM;
	rcu_assign_pointer(inst->ratelimit, rl);
	return 0;
}

static int __net_init prelay_net_init(struct net *net)
{
	struct prelay_instance *inst = prelay_instance_get(net);
	int err;

	inst->net = net;
	mutex_init(&inst->lock);
	INIT_LIST_HEAD(&inst->socks);
	prelay_config_defaults(&inst->config);
	err = prelay_expiry_init(inst);
	if (err)
		return err;
	err = prelay_stats_init(inst);
	if (err)
		goto err_expiry;
	err = prelay_sessions_init(inst);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	prelay_stats_free(inst);
err_expiry:
	prelay_expiry_stop(inst);
	return err;
}

static void __net_exit prelay_net_exit(struct net *net)
{
	struct prelay_instance *inst = prelay_instance_get(net);
	struct prelay_sock *ps, *tmp;

	mutex_lock(&inst->lock);
	inst->dying = true;
	list_for_each_entry_safe(ps, tmp, &inst->socks, node)
		prelay_sock_detach(inst, ps, PEER_RELAY_SOCK_DEL_USER);
	prelay_sessions_flush(inst, PEER_RELAY_DEL_FLUSH);
	mutex_unlock(&inst->lock);

	prelay_expiry_stop(inst);
	/* Readers still inside encap_rcv may touch the counters. */
	synchronize_rcu();
	prelay_sessions_destroy(inst);
	kvfree(rcu_dereference_protected(inst->ratelimit, 1));
	prelay_stats_free(inst);
}

static struct pernet_operations prelay_net_ops = {
	.init = prelay_net_init,
	.exit = prelay_net_exit,
	.id = &prelay_net_id,
	.size = sizeof(struct prelay_instance),
};

/**
 * prelay_instance_register() - create an instance in every namespace, now and later
 *
 * Return: 0 or a negative errno.
 */
int prelay_instance_register(void)
{
	return register_pernet_subsys(&prelay_net_ops);
}

/**
 * prelay_instance_unregister() - tear down the instances of all namespaces
 */
void prelay_instance_unregister(void)
{
	unregister_pernet_subsys(&prelay_net_ops);
}
