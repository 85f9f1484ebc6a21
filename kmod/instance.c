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

static unsigned int pr_net_id __read_mostly;

/**
 * pr_instance_get() - the relay instance of a network namespace
 * @net: the namespace
 *
 * Return: the instance; it exists for as long as @net does.
 */
struct pr_instance *pr_instance_get(const struct net *net)
{
	return net_generic(net, pr_net_id);
}

static void pr_config_defaults(struct pr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind_lifetime_ms = PEER_RELAY_DEFAULT_BIND_LIFETIME_MS;
	cfg->idle_lifetime_ms = PEER_RELAY_DEFAULT_IDLE_LIFETIME_MS;
	cfg->max_sessions = PEER_RELAY_DEFAULT_MAX_SESSIONS;
	cfg->pass_rate = PEER_RELAY_DEFAULT_PASS_RATE;
	cfg->pass_burst = PEER_RELAY_DEFAULT_PASS_BURST;
	cfg->pass_rate_total = PEER_RELAY_DEFAULT_PASS_RATE_TOTAL;
}

/**
 * pr_instance_ratelimit_init() - allocate the rate limiter if not yet done
 * @inst: relay instance
 *
 * Namespaces that never attach a socket do not pay for the table.
 *
 * Context: inst->lock held.
 * Return: 0 or -ENOMEM.
 */
int pr_instance_ratelimit_init(struct pr_instance *inst)
{
	struct pr_ratelimit *rl;

	lockdep_assert_held(&inst->lock);
	if (rcu_access_pointer(inst->ratelimit))
		return 0;
	rl = pr_ratelimit_new(&inst->config);
	if (!rl)
		return -ENOMEM;
	rcu_assign_pointer(inst->ratelimit, rl);
	return 0;
}

static int __net_init pr_net_init(struct net *net)
{
	struct pr_instance *inst = pr_instance_get(net);
	int err;

	inst->net = net;
	mutex_init(&inst->lock);
	INIT_LIST_HEAD(&inst->socks);
	pr_config_defaults(&inst->config);
	pr_expiry_init(inst);

	err = pr_stats_init(inst);
	if (err)
		return err;
	err = pr_sessions_init(inst);
	if (err)
		pr_stats_free(inst);
	return err;
}

static void __net_exit pr_net_exit(struct net *net)
{
	struct pr_instance *inst = pr_instance_get(net);
	struct pr_sock *ps, *tmp;

	mutex_lock(&inst->lock);
	inst->dying = true;
	list_for_each_entry_safe(ps, tmp, &inst->socks, node)
		pr_sock_detach(inst, ps, PEER_RELAY_SOCK_DEL_USER);
	pr_sessions_flush(inst, PEER_RELAY_DEL_FLUSH);
	mutex_unlock(&inst->lock);

	pr_expiry_stop(inst);
	/* Readers still inside encap_rcv may touch the counters. */
	synchronize_rcu();
	pr_sessions_destroy(inst);
	kvfree(rcu_dereference_protected(inst->ratelimit, 1));
	pr_stats_free(inst);
}

static struct pernet_operations pr_net_ops = {
	.init = pr_net_init,
	.exit = pr_net_exit,
	.id = &pr_net_id,
	.size = sizeof(struct pr_instance),
};

/**
 * pr_instance_register() - create an instance in every namespace, now and later
 *
 * Return: 0 or a negative errno.
 */
int pr_instance_register(void)
{
	return register_pernet_subsys(&pr_net_ops);
}

/**
 * pr_instance_unregister() - tear down the instances of all namespaces
 */
void pr_instance_unregister(void)
{
	unregister_pernet_subsys(&pr_net_ops);
}
