// SPDX-License-Identifier: GPL-2.0
/*
 * lc: least connections, choosing exactly as IPVS does.
 *
 * A new connection goes to the real server with the smallest load
 * 256 * active + total connections, where total counts the active and the
 * inactive ones (IPVS keeps a total, not an inactive count): 257 per active
 * connection and 1 per inactive one. The load is compared as an unsigned
 * 32-bit number with a strict '<', so of equally loaded real servers the
 * first in the service's list (the newest) wins. Real servers that are
 * overloaded or have weight 0 are skipped; other weights play no part.
 * No state: the walk runs under RCU and takes no lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static struct lvs_dest *lc_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	struct lvs_dest *dest, *least = NULL;
	unsigned int load, least_load = 0;

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		if (test_bit(LVS_DEST_OVERLOAD, &dest->flags) ||
		    !READ_ONCE(dest->weight))
			continue;
		load = lvs_dest_load(dest);
		if (!least || load < least_load) {
			least = dest;
			least_load = load;
		}
	}
	return least;
}

static struct lvs_scheduler lc_scheduler = {
	.name = "lc",
	.owner = THIS_MODULE,
	.schedule = lc_schedule,
};

static int __init lc_init(void)
{
	return lvs_sched_register(&lc_scheduler);
}

static void __exit lc_exit(void)
{
	lvs_sched_unregister(&lc_scheduler);
}

module_init(lc_init);
module_exit(lc_exit);

MODULE_DESCRIPTION("lvs least-connection scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_lc");
