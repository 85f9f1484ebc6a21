// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-netns instances (pernet_operations). Namespace exit, and module
 * unload (which runs the exit for every namespace), detach the remaining
 * sockets and delete all sessions; RCU callbacks finish before the module
 * goes away (rcu_barrier() in main.c).
 */
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "expiry.h"
#include "instance.h"
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
