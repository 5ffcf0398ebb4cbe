// SPDX-License-Identifier: GPL-2.0
/*
 * lvs module entry: per-namespace state and the order in which the parts of
 * the module come up and go down.
 *
 * Init first makes sure the in-tree ip_vs is not loaded (it holds the
 * generic netlink family name "IPVS", and its /proc files and sysctls
 * would clash with ours); then it registers the pernet state, so that
 * every namespace has its struct lvs_net before any request can reach it,
 * and the family last.
 * Exit undoes init in exact reverse: once the family is unregistered no
 * request is in flight (genl_unregister_family waits for running handlers),
 * so the pernet state can go; rcu_barrier() then waits for the RCU
 * callbacks that free connections, real servers and services, which run
 * code of this module, before the connection cache goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/netns/generic.h>

#include "lvs.h"

static unsigned int lvs_net_id __read_mostly;

struct lvs_net *lvs_net(const struct net *net)
{
	return net_generic(net, lvs_net_id);
}

static int __net_init lvs_net_init(struct net *net)
{
	struct lvs_net *lnet = lvs_net(net);
	int err;

	lnet->net = net;
	lvs_sync_init(lnet);
	err = lvs_stats_init(&lnet->stats);
	if (err)
		return err;
	err = lvs_conn_table_init(lnet);
	if (err)
		goto err_free_stats;
	err = lvs_services_init(lnet);
	if (err)
		goto err_conn_table;
	err = lvs_proc_init(lnet);
	if (err)
		goto err_services;
	/* before the sysctls: their handlers use it */
	err = lvs_defense_init(lnet);
	if (err)
		goto err_proc;
	err = lvs_sysctl_init(lnet);
	if (err)
		goto err_defense;
	/* last: their workers read the sysctls */
	lvs_est_init(lnet);
	lvs_defense_start(lnet);
	return 0;

err_defense:
	lvs_defense_exit(lnet);
err_proc:
	lvs_proc_exit(lnet);
err_services:
	lvs_services_exit(lnet);
err_conn_table:
	lvs_conn_table_exit(lnet);
err_free_stats:
	lvs_stats_free(&lnet->stats);
	return err;
}

/*
 * No request reaches the namespace any more (and its sync daemons
 * stopped in lvs_net_pre_exit()). Services go first, which
 * unregisters the hooks; then the defences' work, which walks the
 * connection table; then the connections, which may hold the last
 * references to removed real servers.
 */
static void __net_exit lvs_net_exit(struct net *net)
{
	struct lvs_net *lnet = lvs_net(net);

	lvs_sysctl_exit(lnet);
	lvs_proc_exit(lnet);
	lvs_services_exit(lnet);
	lvs_defense_exit(lnet);
	lvs_est_exit(lnet);
	lvs_conn_table_exit(lnet);
	lvs_stats_free(&lnet->stats);
}

/*
 * Before the namespace's devices go: the sync daemons' sockets hold
 * routes, hence the devices, until they are released.
 */
static void __net_exit lvs_net_pre_exit(struct net *net)
{
	lvs_sync_exit(lvs_net(net));
}

static struct pernet_operations lvs_net_ops = {
	.init = lvs_net_init,
	.pre_exit = lvs_net_pre_exit,
	.exit = lvs_net_exit,
	.id = &lvs_net_id,
	.size = sizeof(struct lvs_net),
};

static int __init lvs_init(void)
{
	int err;

	if (lvs_netlink_taken()) {
		pr_err("the in-tree IPVS (ip_vs) is loaded; remove it first with 'modprobe -r ip_vs' and its ip_vs_* modules\n");
		return -EEXIST;
	}
	err = lvs_conn_cache_init();
	if (err)
		return err;
	err = register_pernet_subsys(&lvs_net_ops);
	if (err)
		goto err_conn_cache;
	/* after the pernet state: device events look it up */
	err = lvs_route_init();
	if (err)
		goto err_unregister_pernet;

	/* ip_vs may have come in meanwhile: then the name is taken now */
	err = lvs_netlink_init();
	if (err)
		goto err_route;

	pr_info("IPVS-compatible load balancer ready (IPVS version 1.2.1 ABI)\n");
	return 0;

err_route:
	lvs_route_exit();
err_unregister_pernet:
	unregister_pernet_subsys(&lvs_net_ops);
	/* RCU callbacks of the namespaces' objects run our code */
	rcu_barrier();
err_conn_cache:
	lvs_conn_cache_exit();
	return err;
}

static void __exit lvs_exit(void)
{
	lvs_netlink_exit();
	lvs_route_exit();
	unregister_pernet_subsys(&lvs_net_ops);
	rcu_barrier();
	lvs_conn_cache_exit();
}

module_init(lvs_init);
module_exit(lvs_exit);

MODULE_DESCRIPTION("Linux Virtual Server: an IPVS-compatible layer-4 load balancer");
MODULE_LICENSE("GPL");
