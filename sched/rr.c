// SPDX-License-Identifier: GPL-2.0
/*
 * rr: round robin.
 *
 * Each new connection goes to the real server after the one that took the
 * previous connection, in the order of the service's list (newest real
 * server first, as IPVS keeps it), skipping real servers that are
 * quiescent (weight 0) or overloaded. The position is a pointer into the
 * list, starting at its head, moved under the service's sched_lock; when
 * the real server it points at is removed, it steps back to the
 * predecessor so that the rotation goes on where it was, as in IPVS.
 */
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "lvs_sched.h"

struct lvs_sched_state {
	struct list_head *last;		/* sched_lock */
};

static int rr_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->last = &svc->dests;
	rcu_assign_pointer(svc->sched_state, st);
	return 0;
}

/* No packet uses the state any more (see lvs_service_unbind_sched()). */
static void rr_done_service(struct lvs_service *svc)
{
	kfree(rcu_replace_pointer(svc->sched_state, NULL, true));
}

static int rr_del_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_sched_state *st;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	/* dest is unlinked, but its next still points into the list */
	if (st->last == &dest->list)
		st->last = dest->list.next->prev;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

static bool rr_usable(const struct lvs_dest *dest)
{
	return READ_ONCE(dest->weight) > 0 &&
	       !test_bit(LVS_DEST_OVERLOAD, &dest->flags);
}

static struct lvs_dest *rr_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	struct lvs_dest *dest, *last;
	struct list_head *start;
	int pass = 0;

	spin_lock_bh(&svc->sched_lock);
	start = st->last;
	last = list_entry(start, struct lvs_dest, list);
	dest = last;
	/*
	 * Walk on from the last pick, round the list at most once. If the
	 * last pick was unlinked meanwhile, its successor chain still leads
	 * back into the list; a second pass then covers what was skipped.
	 */
	do {
		list_for_each_entry_continue_rcu(dest, &svc->dests, list) {
			if (rr_usable(dest)) {
				st->last = &dest->list;
				spin_unlock_bh(&svc->sched_lock);
				return dest;
			}
			if (dest == last)
				goto none;
		}
		pass++;
	} while (pass < 2 && start != &svc->dests);
none:
	spin_unlock_bh(&svc->sched_lock);
	return NULL;
}

static struct lvs_scheduler rr_scheduler = {
	.name = "rr",
	.owner = THIS_MODULE,
	.init_service = rr_init_service,
	.done_service = rr_done_service,
	.del_dest = rr_del_dest,
	.schedule = rr_schedule,
};

static int __init rr_init(void)
{
	return lvs_sched_register(&rr_scheduler);
}

static void __exit rr_exit(void)
{
	lvs_sched_unregister(&rr_scheduler);
}

module_init(rr_init);
module_exit(rr_exit);

MODULE_DESCRIPTION("lvs round-robin scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_rr");
