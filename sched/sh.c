// SPDX-License-Identifier: GPL-2.0
/*
 * sh: source hashing, choosing exactly as IPVS does.
 *
 * The packet's source address (and, with the sh-port flag, its source
 * port) picks one of 256 buckets and the bucket names the real server.
 * The bucket is IPVS's: h = hash_32(port + address, 8), the address in
 * host byte order, the port in host byte order or 0 without sh-port (or
 * for protocols without ports), an IPv6 address folded to 32 bits by XOR
 * of its four words first (the service's address family decides).
 *
 * The table is filled in the order of the service's list (newest first),
 * each real server taking as many consecutive buckets as its weight (at
 * least one, so a quiescent server keeps one), round and round until the
 * 256 buckets are full.
 *
 * The bucket's real server is chosen unless it is unavailable: quiescent
 * (weight 0) or overloaded (LVS_DEST_OVERLOAD). Then, without sh-fallback,
 * none is chosen; with sh-fallback, the buckets (o + h) mod 256 are tried
 * for o = (h + k) mod 256, k = 0, 1, ..., 255, and the first available
 * real server is chosen. IPVS adds h twice there, so the search starts at
 * bucket 2h mod 256 and not after bucket h; lvs does the same.
 *
 * The table is the per-service state. It is built anew when a real server
 * joins, leaves or changes weight (config mutex held), published with RCU
 * and read locklessly by ->schedule(); the old table is freed after a
 * grace period, so a reader that still sees it also still sees the real
 * servers it names. If memory for a new table is short, the live table is
 * refilled in place, bucket by bucket, as IPVS always does it.
 */
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "lvs_sched.h"

#define SH_TAB_BITS	8
#define SH_TAB_SIZE	BIT(SH_TAB_BITS)
#define SH_TAB_MASK	(SH_TAB_SIZE - 1)

struct lvs_sched_state {
	struct rcu_head rcu;
	/* written under the config mutex; RCU readers */
	struct lvs_dest __rcu *bucket[SH_TAB_SIZE];
};

static unsigned int sh_hash(u16 af, const union nf_inet_addr *addr,
			    __be16 port)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^ addr->ip6[3];
	return hash_32(ntohs(port) + ntohl(fold), SH_TAB_BITS);
}

static struct lvs_dest *sh_next(struct lvs_service *svc,
				struct lvs_dest *dest)
{
	struct list_head *pos = dest ? dest->list.next : svc->dests.next;

	if (pos == &svc->dests)
		pos = pos->next;
	return list_entry(pos, struct lvs_dest, list);
}

/* Each real server in turn takes max(weight, 1) buckets. */
static void sh_fill(struct lvs_service *svc, struct lvs_sched_state *st)
{
	struct lvs_dest *dest = NULL;
	int i, taken = 0;

	lockdep_assert(lvs_service_config_held(svc));
	if (!list_empty(&svc->dests))
		dest = sh_next(svc, NULL);
	for (i = 0; i < SH_TAB_SIZE; i++) {
		/* the real servers are published by the list already */
		RCU_INIT_POINTER(st->bucket[i], dest);
		if (dest && ++taken >= READ_ONCE(dest->weight)) {
			dest = sh_next(svc, dest);
			taken = 0;
		}
	}
}

static int sh_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	sh_fill(svc, st);
	rcu_assign_pointer(svc->sched_state, st);
	return 0;
}

static void sh_done_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = rcu_replace_pointer(svc->sched_state, NULL,
				 lvs_service_config_held(svc));
	kfree_rcu(st, rcu);
}

static int sh_dests_changed(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_sched_state *st, *old;

	old = rcu_dereference_protected(svc->sched_state,
					lvs_service_config_held(svc));
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		sh_fill(svc, old);
		return 0;
	}
	sh_fill(svc, st);
	rcu_assign_pointer(svc->sched_state, st);
	kfree_rcu(old, rcu);
	return 0;
}

static bool sh_unavailable(const struct lvs_dest *dest)
{
	return READ_ONCE(dest->weight) <= 0 ||
	       test_bit(LVS_DEST_OVERLOAD, &dest->flags);
}

/* The ports of the protocols that have them, as IPVS reads them. */
static __be16 sh_port(const struct lvs_packet *pkt)
{
	switch (pkt->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		return pkt->sport;
	}
	return 0;
}

static struct lvs_dest *sh_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	u32 flags = READ_ONCE(svc->flags);
	unsigned int h, k, o;
	struct lvs_dest *dest;
	__be16 port = 0;

	if (flags & LVS_SVC_F_SH_PORT)
		port = sh_port(pkt);
	h = sh_hash(svc->af, &pkt->saddr, port);
	dest = rcu_dereference(st->bucket[h]);
	if (!dest)
		return NULL;
	if (!sh_unavailable(dest))
		return dest;
	if (!(flags & LVS_SVC_F_SH_FALLBACK))
		return NULL;
	for (k = 0; k < SH_TAB_SIZE; k++) {
		o = (h + k) & SH_TAB_MASK;
		dest = rcu_dereference(st->bucket[(o + h) & SH_TAB_MASK]);
		if (!dest)
			return NULL;
		if (!sh_unavailable(dest))
			return dest;
	}
	return NULL;
}

static struct lvs_scheduler sh_scheduler = {
	.name = "sh",
	.owner = THIS_MODULE,
	.init_service = sh_init_service,
	.done_service = sh_done_service,
	.add_dest = sh_dests_changed,
	.del_dest = sh_dests_changed,
	.upd_dest = sh_dests_changed,
	.schedule = sh_schedule,
};

static int __init sh_init(void)
{
	return lvs_sched_register(&sh_scheduler);
}

static void __exit sh_exit(void)
{
	lvs_sched_unregister(&sh_scheduler);
}

module_init(sh_init);
module_exit(sh_exit);

MODULE_DESCRIPTION("lvs source hashing scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_sh");
