/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything a scheduler module (sched/<name>.c) may use of the core: the
 * service and real-server types, the scheduler operations, registration
 * and the walks several schedulers share. Owner: sched.c.
 */
#ifndef _LVS_SCHED_H
#define _LVS_SCHED_H

#include <linux/module.h>
#include <linux/rculist.h>

#include "service.h"

/**
 * struct lvs_scheduler - a scheduling algorithm (one module in sched/)
 * @name: what ipvsadm -s names it
 * @owner: the module; pinned while a service uses the scheduler
 * @init_service: set up per-service state; may sleep
 * @done_service: free it; readers may still run until an RCU grace period
 *	has passed, so state must be freed with kfree_rcu() or after
 *	synchronize_rcu()
 * @add_dest: @dest joined the service's list; under the config mutex
 * @del_dest: @dest left the service's list; under the config mutex
 * @upd_dest: @dest's weight or thresholds changed; under the config mutex
 * @schedule: pick a real server for the new connection @pkt opens, or
 *	NULL. Everything a scheduler may look at is in @pkt. Runs in softirq
 *	under rcu_read_lock(); must not allocate.
 */
struct lvs_scheduler {
	struct list_head list;
	const char *name;
	struct module *owner;
	int (*init_service)(struct lvs_service *svc);
	void (*done_service)(struct lvs_service *svc);
	int (*add_dest)(struct lvs_service *svc, struct lvs_dest *dest);
	int (*del_dest)(struct lvs_service *svc, struct lvs_dest *dest);
	int (*upd_dest)(struct lvs_service *svc, struct lvs_dest *dest);
	struct lvs_dest *(*schedule)(struct lvs_service *svc,
				     const struct lvs_packet *pkt);
};

int lvs_sched_register(struct lvs_scheduler *sched);
void lvs_sched_unregister(struct lvs_scheduler *sched);
const struct lvs_scheduler *lvs_sched_get(const char *name);
void lvs_sched_put(const struct lvs_scheduler *sched);

/*
 * For the schedulers' rcu_dereference_protected() and lockdep_assert():
 * whether the caller holds the configuration mutex of @svc's namespace.
 * Defined with lockdep only, like lockdep_is_held().
 */
bool lvs_service_config_held(const struct lvs_service *svc);

/* The namespace's lblc_expiration and lblcr_expiration sysctls, jiffies. */
unsigned long lvs_sched_lblc_expiration(const struct lvs_service *svc);
unsigned long lvs_sched_lblcr_expiration(const struct lvs_service *svc);

/*
 * The weighted least-cost walk of wlc, sed, nq, lblc and lblcr, IPVS's:
 * over the service's real servers, newest first, skipping overloaded ones
 * (LVS_DEST_OVERLOAD), the first with a weight above 0 is the candidate and
 * a later one takes its place only when its cost per weight is strictly
 * smaller, cost(best) * weight > cost * weight(best) in 64 bits, so ties
 * keep the earlier one and a later weight-0 server never wins. @cost is
 * lvs_dest_load() for the least-connection family, active + 1 for the
 * expected-delay family. With @idle_first (nq), the first usable real
 * server with no active connection is taken at once.
 *
 * Always inlined so that each scheduler gets its own copy with @cost
 * called directly. Caller holds rcu_read_lock().
 */
static __always_inline struct lvs_dest *
lvs_sched_least(struct lvs_service *svc, int (*cost)(const struct lvs_dest *),
		bool idle_first)
{
	int c, weight, best_cost = 0, best_weight = 0;
	struct lvs_dest *dest, *best = NULL;

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		if (test_bit(LVS_DEST_OVERLOAD, &dest->flags))
			continue;
		weight = READ_ONCE(dest->weight);
		if (weight <= 0 && (!best || idle_first))
			continue;
		if (idle_first && !atomic_read(&dest->activeconns))
			return dest;
		c = cost(dest);
		if (best && (s64)best_cost * weight <= (s64)c * best_weight)
			continue;
		best = dest;
		best_cost = c;
		best_weight = weight;
	}
	return best;
}

/* sed's and nq's cost: the active connections, plus the new one. */
static inline int lvs_dest_delay(const struct lvs_dest *dest)
{
	return atomic_read(&dest->activeconns) + 1;
}

#endif /* _LVS_SCHED_H */
