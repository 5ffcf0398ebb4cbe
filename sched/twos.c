// SPDX-License-Identifier: GPL-2.0
/*
 * twos: weighted power of two random choices, as IPVS (6.2 and later)
 * chooses.
 *
 * Only real servers that are not overloaded and have a positive weight
 * take part; W is the sum of their weights. Two numbers r1, r2 are drawn
 * independently and uniformly from 0..W (W + 1 values). Each picks the
 * first real server, in the order of the service's list (newest first),
 * at which the running sum of weights reaches it: so each real server is
 * drawn with odds weight / (W + 1), except the first in the list, which
 * also takes r = 0 and so has (weight + 1) / (W + 1). Of the two picks the
 * second wins only if its load per weight is strictly lower:
 * weight2 * load1 > weight1 * load2, in 32-bit int arithmetic as IPVS
 * computes it, load being 256 * active + total connections (total =
 * active + inactive, as IPVS counts it). Otherwise, ties included, the
 * first pick wins.
 *
 * Should the list change between the walk that sums the weights and the
 * walk that picks, so that r1 finds no real server, the last usable real
 * server of the first walk stands in for it with weight -1 and load 0, as
 * in IPVS. No state, no lock; get_random_u32_below() is fine in softirq.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rculist.h>

#include "lvs_sched.h"

static bool twos_usable(const struct lvs_dest *dest, int weight)
{
	return !test_bit(LVS_DEST_OVERLOAD, &dest->flags) && weight > 0;
}

static struct lvs_dest *twos_schedule(struct lvs_service *svc,
				      const struct lvs_packet *pkt)
{
	struct lvs_dest *dest, *pick1 = NULL, *pick2 = NULL, *last = NULL;
	int weight, weight1 = -1, weight2 = -1, load1 = 0, load2 = 0;
	int r1, r2, total = 0;

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		weight = READ_ONCE(dest->weight);
		if (twos_usable(dest, weight)) {
			total += weight;
			last = dest;
		}
	}
	if (!last)
		return NULL;

	r1 = get_random_u32_below(total + 1);
	r2 = get_random_u32_below(total + 1);

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		weight = READ_ONCE(dest->weight);
		if (!twos_usable(dest, weight))
			continue;
		r1 -= weight;
		r2 -= weight;
		if (r1 <= 0 && !pick1) {
			pick1 = dest;
			weight1 = weight;
			load1 = lvs_dest_load(dest);
		}
		if (r2 <= 0 && !pick2) {
			pick2 = dest;
			weight2 = weight;
			load2 = lvs_dest_load(dest);
		}
		if (pick1 && pick2)
			break;
	}
	if (!pick1)
		pick1 = last;

	if (pick2 && weight2 * load1 > weight1 * load2)
		return pick2;
	return pick1;
}

static struct lvs_scheduler twos_scheduler = {
	.name = "twos",
	.owner = THIS_MODULE,
	.schedule = twos_schedule,
};

static int __init twos_init(void)
{
	return lvs_sched_register(&twos_scheduler);
}

static void __exit twos_exit(void)
{
	lvs_sched_unregister(&twos_scheduler);
}

module_init(twos_init);
module_exit(twos_exit);

MODULE_DESCRIPTION("lvs weighted power-of-two-choices scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_twos");
