// SPDX-License-Identifier: GPL-2.0
/*
 * ovf: weighted overflow, choosing exactly as IPVS does.
 *
 * The weight of a real server is also how many active connections it
 * takes before it overflows. A new connection goes to the real server with
 * the highest weight among those that are not overloaded, have a weight
 * other than 0 and have no more active connections than their weight
 * (active == weight still qualifies: IPVS skips only active > weight).
 * Inactive connections do not count. A later real server replaces the
 * best so far only with a strictly higher weight, so of equal weights the
 * first in the service's list (the newest) wins. When the heaviest
 * overflows, connections spill to the next heaviest.
 * No state: the walk runs under RCU and takes no lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static struct lvs_dest *ovf_schedule(struct lvs_service *svc,
				     const struct lvs_packet *pkt)
{
	struct lvs_dest *dest, *best = NULL;
	int weight, best_weight = 0;

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		weight = READ_ONCE(dest->weight);
		if (test_bit(LVS_DEST_OVERLOAD, &dest->flags) || !weight ||
		    atomic_read(&dest->activeconns) > weight)
			continue;
		if (!best || weight > best_weight) {
			best = dest;
			best_weight = weight;
		}
	}
	return best;
}

static struct lvs_scheduler ovf_scheduler = {
	.name = "ovf",
	.owner = THIS_MODULE,
	.schedule = ovf_schedule,
};

static int __init ovf_init(void)
{
	return lvs_sched_register(&ovf_scheduler);
}

static void __exit ovf_exit(void)
{
	lvs_sched_unregister(&ovf_scheduler);
}

module_init(ovf_init);
module_exit(ovf_exit);

MODULE_DESCRIPTION("lvs weighted overflow scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_ovf");
