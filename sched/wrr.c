// SPDX-License-Identifier: GPL-2.0
/*
 * wrr: weighted round robin, choosing exactly as IPVS does.
 *
 * The state is a position in the service's list (@cl) and a current weight
 * (@cw). A new connection goes to the next real server after @cl whose
 * weight is at least @cw (and which is not overloaded). When the walk
 * reaches the end of the list, @cw drops by the greatest common divisor of
 * the weights (@di) and the walk starts again from the head; when @cw
 * reaches 0 it starts over at @mw, the largest weight less (@di - 1).
 * Over a cycle each real server is chosen as many times as its weight
 * divided by @di. Any change of the real servers puts @cl back at the
 * head and recomputes @di and @mw, adjusting @cw as IPVS does. All of it
 * under the service's sched_lock.
 */
#include <linux/gcd.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "lvs_sched.h"

struct lvs_sched_state {
	struct lvs_dest *cl;	/* last choice; the list head at first */
	int cw;			/* current weight */
	int mw;			/* largest weight less (di - 1) */
	int di;			/* gcd of the positive weights */
};

/* Recompute @st from @svc's real servers. Context: config mutex. */
static void wrr_reset(struct lvs_service *svc, struct lvs_sched_state *st)
{
	struct lvs_dest *dest;
	int w, g = 0, max = 0;

	list_for_each_entry(dest, &svc->dests, list) {
		w = READ_ONCE(dest->weight);
		if (w > 0)
			g = g ? gcd(w, g) : w;
		if (w > max)
			max = w;
	}
	st->cl = list_entry(&svc->dests, struct lvs_dest, list);
	st->di = g ? g : 1;
	st->mw = max - (st->di - 1);
}

static int wrr_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	wrr_reset(svc, st);
	st->cw = st->mw;
	rcu_assign_pointer(svc->sched_state, st);
	return 0;
}

/* No packet uses the state any more (see lvs_service_unbind_sched()). */
static void wrr_done_service(struct lvs_service *svc)
{
	kfree(rcu_replace_pointer(svc->sched_state, NULL, true));
}

static int wrr_dests_changed(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_sched_state *st;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	wrr_reset(svc, st);
	if (st->cw > st->mw || !st->cw)
		st->cw = st->mw;
	else if (st->di > 1)
		st->cw = (st->cw / st->di) * st->di + 1;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

static struct lvs_dest *wrr_schedule(struct lvs_service *svc,
				     const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	struct lvs_dest *dest, *last, *stop = NULL;
	bool last_pass = false, restarted = false;
	struct list_head *head = &svc->dests;

	spin_lock_bh(&svc->sched_lock);
	dest = st->cl;
	if (!st->mw)
		goto none;		/* every weight is 0 */
	last = dest;
	/*
	 * Stop only after every real server was looked at with @cw at its
	 * lowest (the last pass), starting from where the walk began.
	 */
	for (;;) {
		list_for_each_entry_continue_rcu(dest, head, list) {
			if (!test_bit(LVS_DEST_OVERLOAD, &dest->flags) &&
			    READ_ONCE(dest->weight) >= st->cw)
				goto found;
			if (dest == stop)
				goto none;
		}
		st->cw -= st->di;
		if (st->cw <= 0) {
			st->cw = st->mw;
			if (last_pass || &last->list == head)
				goto none;
			restarted = true;
		}
		last_pass = st->cw <= st->di;
		if (last_pass && restarted && &last->list != head)
			stop = last;
	}

found:
	st->cl = dest;
	spin_unlock_bh(&svc->sched_lock);
	return dest;

none:
	st->cl = dest;
	spin_unlock_bh(&svc->sched_lock);
	return NULL;
}

static struct lvs_scheduler wrr_scheduler = {
	.name = "wrr",
	.owner = THIS_MODULE,
	.init_service = wrr_init_service,
	.done_service = wrr_done_service,
	.add_dest = wrr_dests_changed,
	.del_dest = wrr_dests_changed,
	.upd_dest = wrr_dests_changed,
	.schedule = wrr_schedule,
};

static int __init wrr_init(void)
{
	return lvs_sched_register(&wrr_scheduler);
}

static void __exit wrr_exit(void)
{
	lvs_sched_unregister(&wrr_scheduler);
}

module_init(wrr_init);
module_exit(wrr_exit);

MODULE_DESCRIPTION("lvs weighted round-robin scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_wrr");
