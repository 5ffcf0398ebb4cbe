// SPDX-License-Identifier: GPL-2.0
/*
 * wlc: weighted least connections, choosing exactly as IPVS does (and, as
 * in IPVS, the scheduler a service gets when none is named).
 *
 * A new connection goes to the real server with the smallest load per
 * weight, load being 256 * active + total connections (total = active +
 * inactive, as IPVS counts it): 257 per active connection, 1 per inactive
 * one. The walk starts from the first real server in the service's list
 * (the newest) that is not overloaded and has a positive weight; each
 * later one that is not overloaded replaces it when
 * load_best * weight > load * weight_best, computed in 64 bits. Ties keep
 * the earlier one; a later real server with weight 0 can never satisfy
 * that and so is never chosen. With no connections anywhere every load is
 * 0 and the first usable real server wins whatever the weights.
 * No state: the walk runs under RCU and takes no lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static struct lvs_dest *wlc_schedule(struct lvs_service *svc,
				     const struct lvs_packet *pkt)
{
	return lvs_sched_least(svc, lvs_dest_load, false);
}

static struct lvs_scheduler wlc_scheduler = {
	.name = "wlc",
	.owner = THIS_MODULE,
	.schedule = wlc_schedule,
};

static int __init wlc_init(void)
{
	return lvs_sched_register(&wlc_scheduler);
}

static void __exit wlc_exit(void)
{
	lvs_sched_unregister(&wlc_scheduler);
}

module_init(wlc_init);
module_exit(wlc_exit);

MODULE_DESCRIPTION("lvs weighted least-connection scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_wlc");
