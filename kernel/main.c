// SPDX-License-Identifier: GPL-2.0
/*
 * lvs module entry: per-namespace state and the order in which the parts of
 * the module come up and go down.
 *
 * Init registers the pernet state first, so that every namespace has its
 * struct lvs_net before any request can reach it, then the generic netlink
 * family "IPVS". Registering the family fails with -EEXIST when the in-tree
 * ip_vs module holds the name; that is how lvs refuses to load next to it.
 * Exit undoes init in exact reverse: once the family is unregistered no
 * request is in flight (genl_unregister_family waits for running handlers),
 * so the pernet state can go.
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

	lnet->net = net;
	lnet->conn_buckets = LVS_CONN_TABLE_MIN_BUCKETS;
	return 0;
}

static struct pernet_operations lvs_net_ops = {
	.init = lvs_net_init,
	.id = &lvs_net_id,
	.size = sizeof(struct lvs_net),
};

static int __init lvs_init(void)
{
	int err;

	err = register_pernet_subsys(&lvs_net_ops);
	if (err)
		return err;

	err = lvs_netlink_init();
	if (err == -EEXIST) {
		pr_err("the in-tree IPVS (ip_vs) is loaded; remove it first with 'modprobe -r ip_vs' and its ip_vs_* modules\n");
		goto err_unregister_pernet;
	}
	if (err)
		goto err_unregister_pernet;

	pr_info("IPVS-compatible load balancer ready (IPVS version 1.2.1 ABI)\n");
	return 0;

err_unregister_pernet:
	unregister_pernet_subsys(&lvs_net_ops);
	return err;
}

static void __exit lvs_exit(void)
{
	lvs_netlink_exit();
	unregister_pernet_subsys(&lvs_net_ops);
}

module_init(lvs_init);
module_exit(lvs_exit);

MODULE_DESCRIPTION("Linux Virtual Server: an IPVS-compatible layer-4 load balancer");
MODULE_LICENSE("GPL");
