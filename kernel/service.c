// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services and their real servers (dests).
 *
 * Services of a namespace live in a hash table of LVS_SVC_BUCKETS chains,
 * keyed with a per-namespace random seed by (af, protocol, address, port),
 * or by (af, fwmark) for firewall-mark services. The packet path looks them
 * up under RCU; every change happens under lvs_net.config_mutex.
 *
 * A service's dests form an RCU list in the order IPVS keeps them: a new
 * dest goes to the head. Schedulers walk it under RCU.
 *
 * Lifetimes (see struct lvs_service and struct lvs_dest in lvs.h):
 *   - the table holds a service reference, each dest holds one more;
 *   - a service's list holds a dest reference, each connection one more;
 *   - a dest removed while connections use it waits in lvs_net.dest_trash
 *     and is revived if the same real server is added back to the same
 *     service before its last connection goes;
 *   - whoever drops the last reference frees the object after an RCU
 *     grace period, because packet-path readers may still see it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "lvs.h"
#include "lvs_trace.h"

static u32 lvs_svc_hash(const struct lvs_net *lnet, u16 af, u8 protocol,
			const union nf_inet_addr *addr, __be16 port, u32 mark)
{
	u32 h;

	if (mark)
		h = jhash_2words(mark, af, lnet->svc_hash_seed);
	else
		h = jhash_3words(af == AF_INET6 ? jhash2(addr->all, 4, 0) :
				 (__force u32)addr->ip,
				 (__force u32)port | protocol << 16, af,
				 lnet->svc_hash_seed);
	return h & (LVS_SVC_BUCKETS - 1);
}

static struct lvs_service *lvs_svc_find_rcu(struct lvs_net *lnet, u16 af,
					    u8 protocol,
					    const union nf_inet_addr *addr,
					    __be16 port, u32 mark)
{
	u32 h = lvs_svc_hash(lnet, af, protocol, addr, port, mark);
	struct lvs_service *svc;

	hlist_for_each_entry_rcu(svc, &lnet->svc_table[h], node,
				 lockdep_is_held(&lnet->config_mutex)) {
		if (svc->af != af || svc->fwmark != mark)
			continue;
		if (mark || (svc->protocol == protocol && svc->port == port &&
			     lvs_addr_equal(af, &svc->addr, addr)))
			return svc;
	}
	return NULL;
}

/*
 * lvs_service_lookup - the service a packet to @addr:@port belongs to
 *
 * As IPVS: a firewall-mark service for the packet's @mark first, then the
 * service of the exact address and port, then a port-0 service of the
 * address (persistent services that take every port).
 * Context: rcu_read_lock() or the config mutex.
 */
struct lvs_service *lvs_service_lookup(struct lvs_net *lnet, u16 af,
				       u8 protocol,
				       const union nf_inet_addr *addr,
				       __be16 port, u32 mark)
{
	struct lvs_service *svc = NULL;

	if (mark)
		svc = lvs_svc_find_rcu(lnet, af, 0, NULL, 0, mark);
	if (!svc)
		svc = lvs_svc_find_rcu(lnet, af, protocol, addr, port, 0);
	if (!svc && port)
		svc = lvs_svc_find_rcu(lnet, af, protocol, addr, 0, 0);
	return svc;
}

/* The NAT real server of @svc that @pkt comes from, or NULL. RCU. */
static struct lvs_dest *lvs_svc_nat_dest(struct lvs_service *svc,
					 const struct lvs_packet *pkt)
{
	struct lvs_dest *dest;

	if (svc->af != pkt->af ||
	    (!svc->fwmark && svc->protocol != pkt->protocol))
		return NULL;
	list_for_each_entry_rcu(dest, &svc->dests, list) {
		if (dest->port == pkt->sport &&
		    READ_ONCE(dest->fwd) == LVS_CONN_F_MASQ &&
		    lvs_addr_equal(pkt->af, &dest->addr, &pkt->saddr))
			return dest;
	}
	return NULL;
}

/**
 * lvs_service_nat_dest - the NAT real server a packet comes from
 * @lnet: the namespace
 * @pkt: a packet forwarded from the real servers' side
 *
 * The first NAT real server, of a service of @pkt's family and protocol
 * or of a firewall mark, whose address and port @pkt comes from. The
 * search walks every service and real server (IPVS keeps a hash of real
 * servers for it): nat_icmp_send only.
 *
 * Return: the real server, or NULL. Context: RCU.
 */
struct lvs_dest *lvs_service_nat_dest(struct lvs_net *lnet,
				      const struct lvs_packet *pkt)
{
	struct lvs_service *svc;
	struct lvs_dest *dest;
	unsigned int i;

	for (i = 0; i < LVS_SVC_BUCKETS; i++) {
		hlist_for_each_entry_rcu(svc, &lnet->svc_table[i], node) {
			dest = lvs_svc_nat_dest(svc, pkt);
			if (dest)
				return dest;
		}
	}
	return NULL;
}

/*
 * The same among the services that have a persistence engine, which are
 * on a list of their own: nothing to walk while there are none.
 * Context: RCU.
 */
struct lvs_dest *lvs_service_pe_nat_dest(struct lvs_net *lnet,
					 const struct lvs_packet *pkt)
{
	struct lvs_service *svc;
	struct lvs_dest *dest;

	list_for_each_entry_rcu(svc, &lnet->pe_services, pe_node) {
		if (!READ_ONCE(svc->pe))
			continue;
		dest = lvs_svc_nat_dest(svc, pkt);
		if (dest)
			return dest;
	}
	return NULL;
}

/* The service @cfg names exactly. Context: the config mutex. */
struct lvs_service *lvs_service_find(struct lvs_net *lnet,
				     const struct lvs_service_cfg *cfg)
{
	lockdep_assert_held(&lnet->config_mutex);
	return lvs_svc_find_rcu(lnet, cfg->af, cfg->protocol, &cfg->addr,
				cfg->port, cfg->fwmark);
}

static void lvs_service_free_rcu(struct rcu_head *head)
{
	struct lvs_service *svc = container_of(head, struct lvs_service, rcu);

	lvs_stats_free(&svc->stats);
	kfree(svc);
}

static void lvs_service_put(struct lvs_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, lvs_service_free_rcu);
}

static void lvs_dest_free_rcu(struct rcu_head *head)
{
	struct lvs_dest *dest = container_of(head, struct lvs_dest, rcu);
	struct lvs_dest_dst *dd = rcu_dereference_protected(dest->dest_dst, 1);

	if (dd) {
		dst_release(dd->dst);
		kfree(dd);
	}
	lvs_stats_free(&dest->stats);
	kfree(dest);
}

/*
 * Drop a dest reference. The last one takes the dest out of the trash (if
 * it waited there) and frees it, and drops the reference dest->svc holds.
 * Context: any, including softirq.
 *
 * dest->svc is read only once the count is zero. Before that, a dest in
 * the trash may be revived into a new service (lvs_dest_revive(), which
 * takes a reference with refcount_inc_not_zero() under trash_lock), and
 * lvs_dest_move() then swaps dest->svc and puts the old service: a service
 * read before our decrement could be that old one, put twice, with the new
 * one leaked. At zero no reference is left to revive or move it with,
 * and refcount_dec_and_test()'s ordering makes the last dest->svc written
 * visible here.
 */
void lvs_dest_put(struct lvs_dest *dest)
{
	struct lvs_service *svc;
	struct lvs_net *lnet;

	if (!refcount_dec_and_test(&dest->refcnt))
		return;
	svc = dest->svc;
	lnet = svc->lnet;
	spin_lock_bh(&lnet->trash_lock);
	if (!list_empty(&dest->trash_list))
		list_del(&dest->trash_list);
	spin_unlock_bh(&lnet->trash_lock);
	call_rcu(&dest->rcu, lvs_dest_free_rcu);
	lvs_service_put(svc);
}

/*
 * IPVS's overload rule: a real server with an upper threshold is
 * overloaded from the moment its connections reach it, and stays so until
 * they fall below the lower threshold, or below 3/4 of the upper one when
 * no lower threshold is set. Called when a connection binds or unbinds.
 */
void lvs_dest_update_overload(struct lvs_dest *dest)
{
	u32 upper = READ_ONCE(dest->u_threshold);
	u32 lower = READ_ONCE(dest->l_threshold);
	u32 conns = atomic_read(&dest->activeconns) +
		    atomic_read(&dest->inactconns);
	bool over = test_bit(LVS_DEST_OVERLOAD, &dest->flags);

	if (upper && conns >= upper) {
		if (!over)
			set_bit(LVS_DEST_OVERLOAD, &dest->flags);
		return;
	}
	if (!over)
		return;
	if (!upper || (lower ? conns < lower : conns * 4 < upper * 3))
		clear_bit(LVS_DEST_OVERLOAD, &dest->flags);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_dest_update_overload);

#ifdef CONFIG_LOCKDEP
bool lvs_service_config_held(const struct lvs_service *svc)
{
	return lockdep_is_held(&svc->lnet->config_mutex);
}
EXPORT_SYMBOL_GPL(lvs_service_config_held);
#endif

static void lvs_dest_apply(struct lvs_dest *dest,
			   const struct lvs_dest_cfg *cfg)
{
	WRITE_ONCE(dest->fwd, cfg->fwd);
	WRITE_ONCE(dest->weight, cfg->weight);
	WRITE_ONCE(dest->u_threshold, cfg->u_threshold);
	WRITE_ONCE(dest->l_threshold, cfg->l_threshold);
	WRITE_ONCE(dest->tun_type, cfg->tun_type);
	WRITE_ONCE(dest->tun_port, cfg->tun_port);
	WRITE_ONCE(dest->tun_flags, cfg->tun_flags);
	lvs_dest_update_overload(dest);
	/* the forwarding method decides the route: look it up again */
	lvs_dest_route_reset(dest);
}

static bool lvs_dest_matches(const struct lvs_dest *dest,
			     const struct lvs_dest_cfg *cfg)
{
	return dest->af == cfg->af && dest->port == cfg->port &&
	       lvs_addr_equal(cfg->af, &dest->addr, &cfg->addr);
}

/* The dest of @svc that @cfg names. Context: the config mutex. */
struct lvs_dest *lvs_dest_find(struct lvs_service *svc,
			       const struct lvs_dest_cfg *cfg)
{
	struct lvs_dest *dest;

	lockdep_assert_held(&svc->lnet->config_mutex);
	list_for_each_entry(dest, &svc->dests, list)
		if (lvs_dest_matches(dest, cfg))
			return dest;
	return NULL;
}

/* Do @a and @b stand for the same virtual service? */
static bool lvs_service_same(const struct lvs_service *a,
			     const struct lvs_service *b)
{
	return a->af == b->af && a->protocol == b->protocol &&
	       a->fwmark == b->fwmark && a->port == b->port &&
	       lvs_addr_equal(a->af, &a->addr, &b->addr);
}

/*
 * @dest, removed with its service, comes back in @svc, the same service
 * made anew: it and its connections count there now, its counters from
 * zero, as in IPVS. Packets read dest->svc under RCU; the old service is
 * freed after a grace period. The caller holds a reference on @dest, so
 * no lvs_dest_put() running meanwhile is the last one, the only one that
 * reads dest->svc to put it.
 */
static void lvs_dest_move(struct lvs_dest *dest, struct lvs_service *svc)
{
	struct lvs_service *old = dest->svc;

	refcount_inc(&svc->refcnt);
	lvs_stats_zero(svc->lnet, &dest->stats);
	WRITE_ONCE(dest->svc, svc);
	lvs_service_put(old);
}

/*
 * A removed dest of @svc that connections still hold, taken out of the
 * trash with a new list reference; NULL if there is none. As IPVS, a dest
 * of a deleted service with @svc's protocol, address and port (or mark)
 * comes back too (ipvsadm -C, then -R of the same table): its connections
 * go on.
 */
static struct lvs_dest *lvs_dest_revive(struct lvs_service *svc,
					const struct lvs_dest_cfg *cfg)
{
	struct lvs_net *lnet = svc->lnet;
	struct lvs_dest *dest, *found = NULL;

	spin_lock_bh(&lnet->trash_lock);
	list_for_each_entry(dest, &lnet->dest_trash, trash_list) {
		if (lvs_service_same(dest->svc, svc) &&
		    lvs_dest_matches(dest, cfg) &&
		    refcount_inc_not_zero(&dest->refcnt)) {
			list_del_init(&dest->trash_list);
			found = dest;
			break;
		}
	}
	spin_unlock_bh(&lnet->trash_lock);
	if (found && found->svc != svc)
		lvs_dest_move(found, svc);
	return found;
}

/* A max_* sysctl's value @max (0: none) is reached by @n. */
static bool lvs_limit_reached(unsigned int n, int max)
{
	return max > 0 && n >= max;
}

static struct lvs_dest *lvs_dest_alloc(struct lvs_service *svc,
				       const struct lvs_dest_cfg *cfg)
{
	struct lvs_dest *dest;

	/* charged to the caller's memory cgroup, as the service is */
	dest = kzalloc(sizeof(*dest), GFP_KERNEL_ACCOUNT);
	if (!dest)
		return NULL;
	if (lvs_stats_init(&dest->stats)) {
		kfree(dest);
		return NULL;
	}
	INIT_LIST_HEAD(&dest->trash_list);
	dest->af = cfg->af;
	dest->addr = cfg->addr;
	dest->port = cfg->port;
	spin_lock_init(&dest->dst_lock);
	refcount_set(&dest->refcnt, 1);
	refcount_inc(&svc->refcnt);
	dest->svc = svc;
	return dest;
}

/*
 * lvs_dest_add - add real server @cfg to @svc
 *
 * Return: 0, -EEXIST if @svc has it already, -EINVAL for an address that
 * cannot be a real server's (see lvs_route_dest_addr_ok()), -ENOMEM, or
 * the scheduler's error. Context: the config mutex.
 */
int lvs_dest_add(struct lvs_service *svc, const struct lvs_dest_cfg *cfg)
{
	const struct lvs_scheduler *sched;
	struct lvs_dest *dest;
	int err;

	lockdep_assert_held(&svc->lnet->config_mutex);
	if (lvs_dest_find(svc, cfg))
		return -EEXIST;
	if (!lvs_route_dest_addr_ok(svc->lnet->net, cfg->af, &cfg->addr))
		return -EINVAL;
	if (lvs_limit_reached(svc->lnet->num_dests,
			      svc->lnet->sysctl.max_dests))
		return -ENOSPC;

	dest = lvs_dest_revive(svc, cfg);
	if (!dest)
		dest = lvs_dest_alloc(svc, cfg);
	if (!dest)
		return -ENOMEM;
	lvs_dest_apply(dest, cfg);
	set_bit(LVS_DEST_AVAILABLE, &dest->flags);
	lvs_est_start(svc->lnet, &dest->stats);

	list_add_rcu(&dest->list, &svc->dests);
	svc->num_dests++;
	svc->lnet->num_dests++;
	trace_dest_change(svc, dest, LVS_DEST_ADDED);
	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->lnet->config_mutex));
	if (sched && sched->add_dest) {
		err = sched->add_dest(svc, dest);
		if (err) {
			lvs_dest_del(dest);
			return err;
		}
	}
	return 0;
}

/* Change weight, thresholds, forwarding of @dest. Context: config mutex. */
int lvs_dest_edit(struct lvs_dest *dest, const struct lvs_dest_cfg *cfg)
{
	struct lvs_service *svc = dest->svc;
	const struct lvs_scheduler *sched;

	lockdep_assert_held(&svc->lnet->config_mutex);
	lvs_dest_apply(dest, cfg);
	trace_dest_change(svc, dest, LVS_DEST_EDITED);
	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->lnet->config_mutex));
	if (sched && sched->upd_dest)
		return sched->upd_dest(svc, dest);
	return 0;
}

/*
 * Take @dest out of its service. Its connections stay in the table, but
 * their packets are dropped (NAT replies still pass); with
 * expire_nodest_conn they end, soon or at their next packet (conn.c,
 * hooks.c), as in IPVS. If there are any, the dest waits in the trash
 * until they are gone. Context: the config mutex.
 */
void lvs_dest_del(struct lvs_dest *dest)
{
	struct lvs_service *svc = dest->svc;
	struct lvs_net *lnet = svc->lnet;
	const struct lvs_scheduler *sched;

	lockdep_assert_held(&lnet->config_mutex);
	trace_dest_change(svc, dest, LVS_DEST_REMOVED);
	list_del_rcu(&dest->list);
	svc->num_dests--;
	lnet->num_dests--;
	clear_bit(LVS_DEST_AVAILABLE, &dest->flags);
	/* as IPVS: a removed real server's rates are no longer estimated */
	lvs_est_stop(lnet, &dest->stats);
	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&lnet->config_mutex));
	if (sched && sched->del_dest)
		sched->del_dest(svc, dest);

	/*
	 * In the trash before the list's reference goes, so that the last
	 * connection, whenever it ends, finds it there.
	 */
	spin_lock_bh(&lnet->trash_lock);
	list_add(&dest->trash_list, &lnet->dest_trash);
	spin_unlock_bh(&lnet->trash_lock);
	lvs_dest_put(dest);
	lvs_conn_expire_nodest(lnet);
}

/* Bind @svc to @sched, taking over the caller's module reference. */
static int lvs_service_bind_sched(struct lvs_service *svc,
				  const struct lvs_scheduler *sched)
{
	struct lvs_dest *dest;
	int err;

	if (sched->init_service) {
		err = sched->init_service(svc);
		if (err)
			return err;
	}
	list_for_each_entry(dest, &svc->dests, list) {
		if (!sched->add_dest)
			break;
		err = sched->add_dest(svc, dest);
		if (err) {
			if (sched->done_service)
				sched->done_service(svc);
			return err;
		}
	}
	rcu_assign_pointer(svc->sched, sched);
	return 0;
}

/* The scheduler @svc was bound to is out of its svc->sched: free its state. */
static void lvs_service_release_sched(struct lvs_service *svc,
				      const struct lvs_scheduler *sched)
{
	if (sched->done_service)
		sched->done_service(svc);
	lvs_sched_put(sched);
}

/* Unbind the scheduler; returns after no packet can still be using it. */
static void lvs_service_unbind_sched(struct lvs_service *svc)
{
	const struct lvs_scheduler *sched;

	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->lnet->config_mutex));
	if (!sched)
		return;
	RCU_INIT_POINTER(svc->sched, NULL);
	/* pairs with rcu_read_lock() around ->schedule() in hooks.c */
	synchronize_rcu();
	lvs_service_release_sched(svc, sched);
}

/*
 * The same where no packet can reach svc->sched any more: a grace period
 * has passed since @svc left the table (packets reach a scheduler only
 * through a service they found there).
 */
static void lvs_service_drop_sched(struct lvs_service *svc)
{
	const struct lvs_scheduler *sched;

	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->lnet->config_mutex));
	RCU_INIT_POINTER(svc->sched, NULL);
	if (sched)
		lvs_service_release_sched(svc, sched);
}

static const char *lvs_sched_name(const struct lvs_service_cfg *cfg)
{
	/* IPVS's default when no scheduler is named */
	return cfg->sched_name[0] ? cfg->sched_name : "wlc";
}

/*
 * A service in the table that has a persistence engine joins the
 * namespace's list of them for good (lvs_service_pe_nat_dest() skips
 * those without one now): leaving and joining again would need a grace
 * period between. It leaves when it is deleted.
 */
static void lvs_service_join_pe(struct lvs_service *svc)
{
	if (svc->pe && list_empty(&svc->pe_node))
		list_add_tail_rcu(&svc->pe_node, &svc->lnet->pe_services);
}

static void lvs_service_apply(struct lvs_service *svc,
			      const struct lvs_service_cfg *cfg)
{
	WRITE_ONCE(svc->pe, cfg->pe);
	WRITE_ONCE(svc->flags, cfg->flags | LVS_SVC_F_HASHED);
	WRITE_ONCE(svc->timeout, cfg->timeout);
	WRITE_ONCE(svc->netmask, cfg->netmask);
}

/*
 * lvs_service_add - create the service @cfg describes
 *
 * Return: 0; -EEXIST if it exists; -ENOENT for an unknown scheduler;
 * -ENOMEM. Context: the config mutex.
 */
int lvs_service_add(struct lvs_net *lnet, const struct lvs_service_cfg *cfg)
{
	const struct lvs_scheduler *sched;
	struct lvs_service *svc;
	u32 h;
	int err;

	lockdep_assert_held(&lnet->config_mutex);
	if (lvs_service_find(lnet, cfg))
		return -EEXIST;
	if (lvs_limit_reached(lnet->num_services, lnet->sysctl.max_services))
		return -ENOSPC;
	sched = lvs_sched_get(lvs_sched_name(cfg));
	if (!sched)
		return -ENOENT;

	err = -ENOMEM;
	/*
	 * What a namespace's configuration allocates is charged to the
	 * memory cgroup of whoever asks for it (a user namespace's root
	 * included) and bounded by the max_* sysctls.
	 */
	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		goto err_put_sched;
	if (lvs_stats_init(&svc->stats))
		goto err_free_svc;
	svc->lnet = lnet;
	svc->af = cfg->af;
	svc->protocol = cfg->protocol;
	svc->addr = cfg->addr;
	svc->port = cfg->port;
	svc->fwmark = cfg->fwmark;
	INIT_LIST_HEAD(&svc->dests);
	INIT_LIST_HEAD(&svc->pe_node);
	spin_lock_init(&svc->sched_lock);
	refcount_set(&svc->refcnt, 1);
	lvs_service_apply(svc, cfg);

	err = lvs_service_bind_sched(svc, sched);
	if (err)
		goto err_free_stats;

	if (!lnet->num_services) {
		err = lvs_net_start(lnet);
		if (err)
			goto err_unbind;
	}
	WRITE_ONCE(lnet->num_services, lnet->num_services + 1);
	lvs_est_start(lnet, &svc->stats);
	h = lvs_svc_hash(lnet, svc->af, svc->protocol, &svc->addr, svc->port,
			 svc->fwmark);
	hlist_add_head_rcu(&svc->node, &lnet->svc_table[h]);
	lvs_service_join_pe(svc);
	return 0;

err_unbind:
	lvs_service_unbind_sched(svc);
	sched = NULL;
err_free_stats:
	lvs_stats_free(&svc->stats);
err_free_svc:
	kfree(svc);
err_put_sched:
	if (sched)
		lvs_sched_put(sched);
	return err;
}

/*
 * lvs_service_edit - change scheduler, flags and persistence of @svc
 *
 * Return: 0, -ENOENT for an unknown scheduler, or the new scheduler's
 * error; the service then schedules nothing until it is edited again.
 * Context: the config mutex.
 */
int lvs_service_edit(struct lvs_service *svc,
		     const struct lvs_service_cfg *cfg)
{
	const struct lvs_scheduler *sched, *old;
	int err;

	lockdep_assert_held(&svc->lnet->config_mutex);
	old = rcu_dereference_protected(svc->sched,
					lockdep_is_held(&svc->lnet->config_mutex));
	if (!old || strcmp(old->name, lvs_sched_name(cfg))) {
		sched = lvs_sched_get(lvs_sched_name(cfg));
		if (!sched)
			return -ENOENT;
		lvs_service_unbind_sched(svc);
		err = lvs_service_bind_sched(svc, sched);
		if (err) {
			/* as IPVS: the service is left without a scheduler */
			lvs_sched_put(sched);
			return err;
		}
	}
	lvs_service_apply(svc, cfg);
	lvs_service_join_pe(svc);
	return 0;
}

/*
 * Deleting services comes in two halves with one RCU grace period
 * between, so that a flush of many services waits for one grace period,
 * not one per service (under the config mutex and, from netlink, the
 * generic netlink mutex that every family shares).
 *
 * lvs_service_unhash() unpublishes: after it no lookup finds the service
 * (the table, the persistence-engine list) and the hooks go with the last
 * service (lvs_net_stop()). Packets that found it before may still read it, its scheduler
 * and its dests until the grace period ends.
 * lvs_service_finish(), after the grace period, unbinds the scheduler
 * (no packet can reach it any more), removes the dests (they wait in the
 * trash while connections hold them, whose dest->svc keeps the service)
 * and drops the table's reference. Then, with no service left,
 * lvs_net_idle() frees what only services need.
 */
static void lvs_service_unhash(struct lvs_service *svc)
{
	struct lvs_net *lnet = svc->lnet;

	lockdep_assert_held(&lnet->config_mutex);
	hlist_del_rcu(&svc->node);
	if (!list_empty(&svc->pe_node))
		list_del_rcu(&svc->pe_node);
	WRITE_ONCE(lnet->num_services, lnet->num_services - 1);
	if (!lnet->num_services)
		lvs_net_stop(lnet);
}

static void lvs_service_finish(struct lvs_service *svc)
{
	struct lvs_net *lnet = svc->lnet;
	struct lvs_dest *dest, *next;

	lockdep_assert_held(&lnet->config_mutex);
	lvs_service_drop_sched(svc);
	list_for_each_entry_safe(dest, next, &svc->dests, list)
		lvs_dest_del(dest);
	lvs_est_stop(lnet, &svc->stats);
	lvs_service_put(svc);
}

/* Delete @svc and its real servers. Context: the config mutex. */
void lvs_service_del(struct lvs_service *svc)
{
	struct lvs_net *lnet = svc->lnet;

	lvs_service_unhash(svc);
	synchronize_rcu();
	lvs_service_finish(svc);
	lvs_net_idle(lnet);
}

/*
 * Delete every service of the namespace: all unhashed, one grace period,
 * then all finished. Context: the config mutex.
 */
void lvs_services_flush(struct lvs_net *lnet)
{
	struct lvs_service *svc, *tmp;
	struct hlist_node *next;
	LIST_HEAD(gone);
	int i;

	lockdep_assert_held(&lnet->config_mutex);
	for (i = 0; i < LVS_SVC_BUCKETS; i++) {
		hlist_for_each_entry_safe(svc, next, &lnet->svc_table[i],
					  node) {
			lvs_service_unhash(svc);
			list_add_tail(&svc->del_node, &gone);
		}
	}
	if (list_empty(&gone))
		return;
	/* pairs with the packet path's rcu_read_lock() around its lookup */
	synchronize_rcu();
	list_for_each_entry_safe(svc, tmp, &gone, del_node) {
		list_del(&svc->del_node);
		lvs_service_finish(svc);
		cond_resched();
	}
	lvs_net_idle(lnet);
}

/*
 * Call @fn for every real server of the namespace, those of its services
 * and those waiting in the trash. Context: process; takes the config
 * mutex, so @fn may sleep but not take it.
 */
void lvs_dests_for_each(struct lvs_net *lnet,
			void (*fn)(struct lvs_dest *dest, void *arg), void *arg)
{
	struct lvs_service *svc;
	struct lvs_dest *dest;
	int i;

	mutex_lock(&lnet->config_mutex);
	/* NULL once the namespace's services are gone (lvs_services_exit) */
	for (i = 0; lnet->svc_table && i < LVS_SVC_BUCKETS; i++)
		hlist_for_each_entry(svc, &lnet->svc_table[i], node)
			list_for_each_entry(dest, &svc->dests, list)
				fn(dest, arg);
	spin_lock_bh(&lnet->trash_lock);
	list_for_each_entry(dest, &lnet->dest_trash, trash_list)
		fn(dest, arg);
	spin_unlock_bh(&lnet->trash_lock);
	mutex_unlock(&lnet->config_mutex);
}

/* ZERO for one service: its counters and its real servers'. */
void lvs_service_zero(struct lvs_service *svc)
{
	struct lvs_dest *dest;

	lockdep_assert_held(&svc->lnet->config_mutex);
	lvs_stats_zero(svc->lnet, &svc->stats);
	list_for_each_entry(dest, &svc->dests, list)
		lvs_stats_zero(svc->lnet, &dest->stats);
}

/* ZERO for the namespace: every service and the totals. */
void lvs_services_zero(struct lvs_net *lnet)
{
	struct lvs_service *svc;
	int i;

	lockdep_assert_held(&lnet->config_mutex);
	for (i = 0; i < LVS_SVC_BUCKETS; i++)
		hlist_for_each_entry(svc, &lnet->svc_table[i], node)
			lvs_service_zero(svc);
	lvs_stats_zero(lnet, &lnet->stats);
}

int lvs_services_init(struct lvs_net *lnet)
{
	lnet->svc_table = kcalloc(LVS_SVC_BUCKETS, sizeof(*lnet->svc_table),
				  GFP_KERNEL_ACCOUNT);
	if (!lnet->svc_table)
		return -ENOMEM;
	mutex_init(&lnet->config_mutex);
	INIT_LIST_HEAD(&lnet->dest_trash);
	INIT_LIST_HEAD(&lnet->pe_services);
	spin_lock_init(&lnet->trash_lock);
	lnet->svc_hash_seed = get_random_u32();
	lnet->config_gen = 1;
	return 0;
}

/*
 * The namespace is going away: no request can reach it any more. Services
 * go first; their dests may wait in the trash for connections, which the
 * connection table's exit (called after this) flushes, freeing them.
 */
void lvs_services_exit(struct lvs_net *lnet)
{
	mutex_lock(&lnet->config_mutex);
	lvs_services_flush(lnet);
	kfree(lnet->svc_table);
	lnet->svc_table = NULL;
	mutex_unlock(&lnet->config_mutex);
}
