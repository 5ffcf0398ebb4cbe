// SPDX-License-Identifier: GPL-2.0
/*
 * nq: never queue, choosing exactly as IPVS does.
 *
 * Real servers that are overloaded or have weight 0 are skipped. Walking
 * the service's list (newest first), the first real server with no active
 * connection takes the new connection at once; its inactive connections
 * do not count. When every one is busy the choice is that of sed: the
 * smallest (active + 1) / weight, a later real server replacing the best
 * so far only when (active_best + 1) * weight > (active + 1) * weight_best
 * in 64 bits, so ties keep the earlier one.
 * No state: the walk runs under RCU and takes no lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static struct lvs_dest *nq_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	return lvs_sched_least(svc, lvs_dest_delay, true);
}

static struct lvs_scheduler nq_scheduler = {
	.name = "nq",
	.owner = THIS_MODULE,
	.schedule = nq_schedule,
};

static int __init nq_init(void)
{
	return lvs_sched_register(&nq_scheduler);
}

static void __exit nq_exit(void)
{
	lvs_sched_unregister(&nq_scheduler);
}

module_init(nq_init);
module_exit(nq_exit);

MODULE_DESCRIPTION("lvs never-queue scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_nq");
