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
 * A namespace with no service costs little: its connection tables, the
 * defences' work and the estimator's worker start with its first service
 * and stop when it is idle again (lvs_net_start() below).
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
	lvs_conn_table_init(lnet);
	err = lvs_services_init(lnet);
	if (err)
		goto err_free_stats;
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
	lvs_est_init(lnet);
	return 0;

err_defense:
	lvs_defense_exit(lnet);
err_proc:
	lvs_proc_exit(lnet);
err_services:
	lvs_services_exit(lnet);
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
 * What a namespace runs only while it has services, in three steps, all
 * under the config mutex:
 *
 * lvs_net_start(), for the first service: the connection tables (kept if
 * they are still there), then the hooks, so that packets always find
 * tables; the estimator's worker and the defences' work.
 * lvs_net_stop(), when the last service is unhashed: the hooks (which
 * waits for packets in flight) and the estimator. Connections may
 * outlive their services (their real servers wait in the trash), so the
 * tables stay, and with them the defences' work, which may end them.
 * lvs_net_idle(), once the services are finished: with no connection
 * left (none can be made: no hooks) and nothing holding them (a /proc
 * reader walking them, the backup sync daemon), the defences' work
 * stops and the tables go. Otherwise the defences' work, once a second,
 * retries the same (lvs_net_try_idle()).
 */
int lvs_net_start(struct lvs_net *lnet)
{
	int err;

	lockdep_assert_held(&lnet->config_mutex);
	err = lvs_conn_tables_create(lnet);
	if (err)
		return err;
	err = lvs_hooks_register(lnet);
	if (err) {
		lvs_net_idle(lnet);
		return err;
	}
	lvs_est_run(lnet);
	lvs_defense_start(lnet);
	return 0;
}

void lvs_net_stop(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	lvs_hooks_unregister(lnet);
	lvs_est_halt(lnet);
}

static bool lvs_net_is_idle(struct lvs_net *lnet)
{
	return !lnet->num_services && !atomic_read(&lnet->conn_count) &&
	       !lnet->conn_holders;
}

void lvs_net_idle(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	if (!lvs_net_is_idle(lnet))
		return;
	lvs_defense_stop(lnet);
	lvs_conn_tables_destroy(lnet);
}

/*
 * The backup sync daemon looks connections up and makes them from its
 * own threads, with or without services: the tables stay from its start
 * to its stop. Context: process; not the config mutex.
 */
int lvs_net_hold_tables(struct lvs_net *lnet)
{
	int err;

	mutex_lock(&lnet->config_mutex);
	err = lvs_conn_tables_create(lnet);
	if (!err)
		lnet->conn_holders++;
	mutex_unlock(&lnet->config_mutex);
	return err;
}

/*
 * Connections it made keep the tables; the defences' work, which runs
 * since the service they use came, frees them with the last one.
 */
void lvs_net_release_tables(struct lvs_net *lnet)
{
	mutex_lock(&lnet->config_mutex);
	lnet->conn_holders--;
	lvs_net_idle(lnet);
	mutex_unlock(&lnet->config_mutex);
}

/*
 * From the defences' work: make the namespace idle if it is. Return true
 * if it is (the work then does not requeue itself). Never waits for the
 * config mutex: lvs_net_idle() waits for the work under it.
 */
bool lvs_net_try_idle(struct lvs_net *lnet)
{
	bool idle;

	if (READ_ONCE(lnet->num_services) || atomic_read(&lnet->conn_count))
		return false;
	if (!mutex_trylock(&lnet->config_mutex))
		return false;
	idle = lvs_net_is_idle(lnet);
	if (idle)
		lvs_conn_tables_destroy(lnet);
	mutex_unlock(&lnet->config_mutex);
	return idle;
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
