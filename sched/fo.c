// SPDX-License-Identifier: GPL-2.0
/*
 * fo: weighted failover, choosing exactly as IPVS does.
 *
 * Every new connection goes to the real server with the highest weight
 * that is not overloaded; connection counts play no part. Weights must be
 * above 0 (a quiescent real server is never chosen), and a later real
 * server replaces the best so far only with a strictly higher weight, so
 * of equal weights the first in the service's list (the newest) wins.
 * When it fails (weight set to 0, removed, or overloaded), traffic moves
 * to the next highest.
 * No state: the walk runs under RCU and takes no lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static struct lvs_dest *fo_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	struct lvs_dest *dest, *best = NULL;
	int weight, best_weight = 0;

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		if (test_bit(LVS_DEST_OVERLOAD, &dest->flags))
			continue;
		weight = READ_ONCE(dest->weight);
		if (weight > best_weight) {
			best = dest;
			best_weight = weight;
		}
	}
	return best;
}

static struct lvs_scheduler fo_scheduler = {
	.name = "fo",
	.owner = THIS_MODULE,
	.schedule = fo_schedule,
};

static int __init fo_init(void)
{
	return lvs_sched_register(&fo_scheduler);
}

static void __exit fo_exit(void)
{
	lvs_sched_unregister(&fo_scheduler);
}

module_init(fo_init);
module_exit(fo_exit);

MODULE_DESCRIPTION("lvs weighted failover scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_fo");
