// SPDX-License-Identifier: GPL-2.0
/*
 * sed: shortest expected delay, choosing exactly as IPVS does.
 *
 * A new connection goes to the real server with the smallest
 * (active + 1) / weight: the delay it would see if every real server
 * served its active connections at a rate set by its weight. Inactive
 * connections do not count. The walk starts from the first real server in
 * the service's list (the newest) that is not overloaded and has a
 * positive weight; each later one that is not overloaded replaces it when
 * (active_best + 1) * weight > (active + 1) * weight_best, computed in
 * 64 bits. Ties keep the earlier one; a later real server with weight 0
 * can never satisfy that and so is never chosen.
 * No state: the walk runs under RCU and takes no lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static struct lvs_dest *sed_schedule(struct lvs_service *svc,
				     const struct lvs_packet *pkt)
{
	return lvs_sched_least(svc, lvs_dest_delay, false);
}

static struct lvs_scheduler sed_scheduler = {
	.name = "sed",
	.owner = THIS_MODULE,
	.schedule = sed_schedule,
};

static int __init sed_init(void)
{
	return lvs_sched_register(&sed_scheduler);
}

static void __exit sed_exit(void)
{
	lvs_sched_unregister(&sed_scheduler);
}

module_init(sed_init);
module_exit(sed_exit);

MODULE_DESCRIPTION("lvs shortest-expected-delay scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_sed");
