// SPDX-License-Identifier: GPL-2.0
/*
 * dh: destination hashing, choosing exactly as IPVS does.
 *
 * The packet's destination address picks one of 256 buckets and the
 * bucket names the real server. The bucket is IPVS's: hash_32() of the
 * address in host byte order, keeping the top 8 bits; an IPv6 address is
 * first folded to 32 bits by XOR of its four 32-bit words (the service's
 * address family decides). Bucket b holds the real server at position
 * b mod n of the service's list (n real servers, newest first): weights
 * play no part in the fill, as in IPVS.
 *
 * The bucket's real server is chosen unless it is quiescent (weight 0),
 * overloaded (LVS_DEST_OVERLOAD) or no longer in the service; then none
 * is: dh has no fallback. An empty service chooses none.
 *
 * The table is the per-service state. It is built anew when a real server
 * joins or leaves (config mutex held; weight changes do not move it, as in
 * IPVS, which has no upd_dest for dh), published with RCU and read
 * locklessly by ->schedule(); the old table is freed after a grace period,
 * so a reader that still sees it also still sees the real servers it
 * names. If memory for a new table is short, the live table is refilled in
 * place, bucket by bucket, as IPVS always does it.
 */
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "lvs_sched.h"

#define DH_TAB_BITS	8
#define DH_TAB_SIZE	BIT(DH_TAB_BITS)

struct lvs_sched_state {
	struct rcu_head rcu;
	/* written under the config mutex; RCU readers */
	struct lvs_dest __rcu *bucket[DH_TAB_SIZE];
};

static unsigned int dh_bucket(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^ addr->ip6[3];
	return hash_32(ntohl(fold), DH_TAB_BITS);
}

/* Bucket i takes the (i mod n)-th real server of the list. */
static void dh_fill(struct lvs_service *svc, struct lvs_sched_state *st)
{
	struct list_head *pos = &svc->dests;
	struct lvs_dest *dest = NULL;
	int i;

	lockdep_assert(lvs_service_config_held(svc));
	for (i = 0; i < DH_TAB_SIZE; i++) {
		if (!list_empty(&svc->dests)) {
			pos = pos->next;
			if (pos == &svc->dests)
				pos = pos->next;
			dest = list_entry(pos, struct lvs_dest, list);
		}
		/* the real servers are published by the list already */
		RCU_INIT_POINTER(st->bucket[i], dest);
	}
}

static int dh_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	dh_fill(svc, st);
	rcu_assign_pointer(svc->sched_state, st);
	return 0;
}

static void dh_done_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = rcu_replace_pointer(svc->sched_state, NULL,
				 lvs_service_config_held(svc));
	kfree_rcu(st, rcu);
}

static int dh_dests_changed(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_sched_state *st, *old;

	old = rcu_dereference_protected(svc->sched_state,
					lvs_service_config_held(svc));
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		dh_fill(svc, old);
		return 0;
	}
	dh_fill(svc, st);
	rcu_assign_pointer(svc->sched_state, st);
	kfree_rcu(old, rcu);
	return 0;
}

static struct lvs_dest *dh_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	struct lvs_dest *dest;

	dest = rcu_dereference(st->bucket[dh_bucket(svc->af, &pkt->daddr)]);
	if (!dest || !test_bit(LVS_DEST_AVAILABLE, &dest->flags) ||
	    READ_ONCE(dest->weight) <= 0 ||
	    test_bit(LVS_DEST_OVERLOAD, &dest->flags))
		return NULL;
	return dest;
}

static struct lvs_scheduler dh_scheduler = {
	.name = "dh",
	.owner = THIS_MODULE,
	.init_service = dh_init_service,
	.done_service = dh_done_service,
	.add_dest = dh_dests_changed,
	.del_dest = dh_dests_changed,
	.schedule = dh_schedule,
};

static int __init dh_init(void)
{
	return lvs_sched_register(&dh_scheduler);
}

static void __exit dh_exit(void)
{
	lvs_sched_unregister(&dh_scheduler);
}

module_init(dh_init);
module_exit(dh_exit);

MODULE_DESCRIPTION("lvs destination hashing scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_dh");
