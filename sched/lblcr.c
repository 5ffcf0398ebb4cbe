// SPDX-License-Identifier: GPL-2.0
/*
 * lblcr: locality-based least-connection with replication, choosing
 * exactly as IPVS does.
 *
 * A cache maps destination addresses to sets of real servers, each set
 * ordered newest member first. For a new connection to address D:
 *
 *   - If the cache has an entry for D, the lookup refreshes it and takes
 *     the set's weighted least-connection member M: the first member that
 *     is in the service, has a weight above 0 and no LVS_DEST_OVERLOAD is
 *     the candidate; a later member without LVS_DEST_OVERLOAD that is in
 *     the service takes its place when
 *     load(candidate) * weight(later) > load(later) * weight(candidate).
 *     Then, if the set has more than one member and has not changed for
 *     net.ipv4.vs.lblcr_expiration (the namespace's sysctl, in jiffies;
 *     IPVS's default, 24 hours, is sysctl.c's too), its weighted
 *     most-connection member is dropped: the first member with a weight
 *     above 0, replaced by a later one with a weight above 0 when
 *     load(most) * weight(later) < load(later) * weight(most).
 *     M (even if just dropped) is chosen unless there is none or M is
 *     overloaded in lblc's sense: more active connections than its weight
 *     while some real server of the service has fewer than half its
 *     weight (2 * active < weight). Otherwise the service's weighted
 *     least-connection real server is chosen (as in lblc) and joins the
 *     set at its head unless it is in it already.
 *   - Without an entry, the service's weighted least-connection real
 *     server is chosen and an entry for D is made with it alone in the set,
 *     unless the cache already holds LBLCR_MAX_ENTRIES (24576) entries.
 *   - The set changes (its time stamp is set) when a member joins or is
 *     dropped. If no real server qualifies, none is chosen.
 *
 * The service's weighted least-connection real server: the list is walked
 * newest first, skipping real servers with LVS_DEST_OVERLOAD; the first
 * with a weight above 0 is the candidate, and a later one takes its place
 * when load(candidate) * weight(later) > load(later) * weight(candidate).
 * All products are 64-bit; load = 256 * active + active + inactive
 * connections (lvs_dest_load(): IPVS's activeconns << 8 plus totalconns).
 *
 * The cache is IPVS's: 1024 chains, D hashed by hash_32() of the address in
 * host byte order (IPv6 folded to 32 bits by XOR of its four words).
 *
 * Expiry is IPVS's. lblcr_expiration ages both sets (above) and entries:
 * a cleanup runs every 60 s; once 29 runs have found the cache within
 * 16384 entries since the last sweep, the next run sweeps every chain for
 * entries not looked up for lblcr_expiration (the other periods are
 * IPVS's constants). A run that finds more than 16384 entries removes those
 * idle for 6 minutes instead, chain by chain from where the last run
 * stopped, and stops after the chain that brings the count removed to 4/3
 * of the excess (at most 8192). Other runs do nothing. The cleanup is
 * delayed work rather than a timer (process context, the lock taken one
 * chain at a time), so it stays cheap.
 *
 * No allocation on the packet path. IPVS allocates entries and set
 * members in ->schedule() with GFP_ATOMIC; lvs takes both from one pool of
 * nodes of its own service. The pool starts at 256 nodes and grows by
 * doubling chunks up to LBLCR_MAX_NODES (four per entry IPVS allows): when
 * a node leaves less than a quarter of the pool free, ->schedule() queues
 * work that allocates the next chunk (GFP_KERNEL). Nodes are linked by
 * 32-bit indices; removed ones go back to the pool. If more than a quarter
 * of the pool is taken up before that work has run, or the pool is at its
 * limit, an entry is not made or a member does not join, as in IPVS when
 * GFP_ATOMIC fails.
 *
 * IPVS's set members hold a reference on their real server, so a real
 * server removed from the service stays (unavailable) in sets and counts
 * again if it is added back. lvs cannot hold real servers; members name a
 * per-service record instead ({dest, address, port}), which keeps the
 * real server's identity while it is out of the service (dest NULL) and is
 * bound to it again when the same address and port are added back. Such a
 * member is never chosen (as in IPVS); unlike IPVS, which still weighs its
 * remaining connections, it is never the one dropped either, since its
 * counters are out of reach. Records are made in ->add_dest().
 *
 * Locking: the cache, the pool and the records are under the service's
 * sched_lock, taken by ->schedule(), the cleanup (one chain at a time), the
 * pool's growth and ->add_dest()/->del_dest(). Teardown: ->done_service()
 * marks the state dead under the lock (no more work is queued), cancels
 * both works (each stops re-arming once dead) and frees the state after a
 * grace period; module exit waits for those frees (rcu_barrier()).
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "lvs_sched.h"

#define LBLCR_TAB_BITS		10
#define LBLCR_TAB_SIZE		BIT(LBLCR_TAB_BITS)
#define LBLCR_TAB_MASK		(LBLCR_TAB_SIZE - 1)
#define LBLCR_MAX_SIZE		(LBLCR_TAB_SIZE * 16)	/* cleanup above this */
#define LBLCR_MAX_ENTRIES	(LBLCR_MAX_SIZE * 3 / 2) /* no new entry beyond */
#define LBLCR_IDLE		(6 * 60 * HZ)
#define LBLCR_CLEANUP_PERIOD	(60 * HZ)
#define LBLCR_SWEEP_EVERY	30

/* Chunk c of the pool starts at node 256 << (c - 1) and is as long. */
#define LBLCR_POOL_BITS		8
#define LBLCR_POOL_FIRST	BIT(LBLCR_POOL_BITS)
#define LBLCR_POOL_CHUNKS	10	/* 256 << 9 >= LBLCR_MAX_NODES */
#define LBLCR_MAX_NODES		(4 * LBLCR_MAX_ENTRIES)
#define LBLCR_NIL		U32_MAX
#define LBLCR_NO_SERVER		U16_MAX

static_assert(LBLCR_POOL_FIRST << (LBLCR_POOL_CHUNKS - 1) >= LBLCR_MAX_NODES);

/* A cache entry, or a member of an entry's set. */
struct lblcr_node {
	unsigned long lastuse;		/* entry: jiffies of the last lookup */
	unsigned long lastmod;		/* entry: jiffies the set changed */
	union nf_inet_addr addr;	/* entry: destination address */
	u32 next;			/* entry: chain; member: set; pool */
	u32 set;			/* entry: first member, the newest */
	u16 size;			/* entry: members */
	u16 server;			/* member: index in servers[] */
};

/* A real server that members name; see the top of the file. */
struct lblcr_server {
	struct lvs_dest *dest;		/* NULL: not in the service */
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u32 users;			/* members naming it */
};

struct lvs_sched_state {
	struct lvs_service *svc;
	/* sched_lock: */
	bool dead;
	u32 chain[LBLCR_TAB_SIZE];
	u32 free;			/* first node of the pool */
	unsigned int n_free;
	unsigned int entries;		/* in the cache */
	unsigned int capacity;		/* nodes in the chunks */
	unsigned int n_chunks;
	struct lblcr_node *chunk[LBLCR_POOL_CHUNKS];
	struct lblcr_server *servers;
	unsigned int n_servers;
	/* the cleanup's own */
	unsigned int rover;
	unsigned int runs;
	struct work_struct grow;
	struct delayed_work cleanup;
	struct rcu_head rcu;
};

static unsigned int lblcr_hash(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^ addr->ip6[3];
	return hash_32(ntohl(fold), LBLCR_TAB_BITS);
}

static unsigned int lblcr_chunk_start(unsigned int c)
{
	return c ? LBLCR_POOL_FIRST << (c - 1) : 0;
}

static unsigned int lblcr_chunk_len(unsigned int c)
{
	unsigned int start = lblcr_chunk_start(c);

	return min_t(unsigned int, c ? start : LBLCR_POOL_FIRST,
		     LBLCR_MAX_NODES - start);
}

static struct lblcr_node *lblcr_node(const struct lvs_sched_state *st,
				     u32 i)
{
	unsigned int c = fls(i >> LBLCR_POOL_BITS);

	return &st->chunk[c][i - lblcr_chunk_start(c)];
}

/* Give the nodes of the next chunk, @chunk, to the pool. */
static void lblcr_pool_add(struct lvs_sched_state *st,
			   struct lblcr_node *chunk)
{
	unsigned int c = st->n_chunks, start = lblcr_chunk_start(c);
	unsigned int i = lblcr_chunk_len(c);

	st->chunk[c] = chunk;
	st->n_chunks++;
	st->capacity = start + i;
	st->n_free += i;
	while (i--) {
		chunk[i].next = st->free;
		st->free = start + i;
	}
}

/* A node from the pool (LBLCR_NIL if it is empty). */
static u32 lblcr_get(struct lvs_sched_state *st)
{
	u32 i = st->free;

	if (i == LBLCR_NIL)
		return i;
	st->free = lblcr_node(st, i)->next;
	st->n_free--;
	if (4 * st->n_free < st->capacity &&
	    st->n_chunks < LBLCR_POOL_CHUNKS && !st->dead)
		schedule_work(&st->grow);
	return i;
}

static void lblcr_put(struct lvs_sched_state *st, u32 i)
{
	lblcr_node(st, i)->next = st->free;
	st->free = i;
	st->n_free++;
}

static struct lblcr_node *lblcr_find(const struct lvs_sched_state *st,
				     u16 af, const union nf_inet_addr *addr,
				     unsigned int h)
{
	struct lblcr_node *e;
	u32 i;

	for (i = st->chain[h]; i != LBLCR_NIL; i = e->next) {
		e = lblcr_node(st, i);
		if (lvs_addr_equal(af, &e->addr, addr))
			return e;
	}
	return NULL;
}

/* Put @server at the head of @e's set unless it is a member already. */
static void lblcr_set_insert(struct lvs_sched_state *st,
			     struct lblcr_node *e, u16 server)
{
	struct lblcr_node *m;
	u32 i;

	for (i = e->set; i != LBLCR_NIL; i = m->next) {
		m = lblcr_node(st, i);
		if (m->server == server)
			return;
	}
	i = lblcr_get(st);
	if (i == LBLCR_NIL)
		return;
	m = lblcr_node(st, i);
	m->server = server;
	m->next = e->set;
	e->set = i;
	e->size++;
	e->lastmod = jiffies;
	st->servers[server].users++;
}

/* Drop the member @link points to from @e's set. */
static void lblcr_set_erase(struct lvs_sched_state *st,
			    struct lblcr_node *e, u32 *link)
{
	u32 i = *link;
	struct lblcr_node *m = lblcr_node(st, i);

	*link = m->next;
	st->servers[m->server].users--;
	lblcr_put(st, i);
	e->size--;
	e->lastmod = jiffies;
}

static void lblcr_new(struct lvs_sched_state *st, unsigned int h,
		      const union nf_inet_addr *addr, u16 server)
{
	struct lblcr_node *e;
	u32 i;

	if (st->entries >= LBLCR_MAX_ENTRIES || st->n_free < 2)
		return;
	i = lblcr_get(st);
	e = lblcr_node(st, i);
	e->addr = *addr;
	e->lastuse = jiffies;
	e->set = LBLCR_NIL;
	e->size = 0;
	lblcr_set_insert(st, e, server);
	e->next = st->chain[h];
	st->chain[h] = i;
	st->entries++;
}

/* Remove the entries of chain @h idle for @idle at @now; how many. */
static int lblcr_expire_chain(struct lvs_sched_state *st, unsigned int h,
			      unsigned long now, unsigned long idle)
{
	u32 *link = &st->chain[h];
	struct lblcr_node *e;
	int n = 0;
	u32 i;

	while ((i = *link) != LBLCR_NIL) {
		e = lblcr_node(st, i);
		if (time_before(now, e->lastuse + idle)) {
			link = &e->next;
			continue;
		}
		*link = e->next;
		while (e->set != LBLCR_NIL)
			lblcr_set_erase(st, e, &e->set);
		lblcr_put(st, i);
		st->entries--;
		n++;
	}
	return n;
}

static void lblcr_cleanup(struct work_struct *work)
{
	struct lvs_sched_state *st = container_of(to_delayed_work(work),
						  struct lvs_sched_state,
						  cleanup);
	unsigned long idle = LBLCR_IDLE, now = jiffies;
	spinlock_t *lock = &st->svc->sched_lock;
	unsigned int i, h, entries;
	int goal = INT_MAX;

	spin_lock_bh(lock);
	entries = st->entries;
	spin_unlock_bh(lock);
	if (st->runs % LBLCR_SWEEP_EVERY == 0) {
		idle = lvs_sched_lblcr_expiration(st->svc);
		st->runs = 1;
	} else if (entries <= LBLCR_MAX_SIZE) {
		st->runs++;
		goto rearm;
	} else {
		goal = min((entries - LBLCR_MAX_SIZE) * 4 / 3,
			   LBLCR_MAX_SIZE / 2U);
	}

	h = st->rover;
	for (i = 0; i < LBLCR_TAB_SIZE; i++) {
		h = (h + 1) & LBLCR_TAB_MASK;
		spin_lock_bh(lock);
		goal -= lblcr_expire_chain(st, h, now, idle);
		spin_unlock_bh(lock);
		if (goal <= 0)
			break;
		cond_resched();
	}
	st->rover = h;

rearm:
	spin_lock_bh(lock);
	if (!st->dead)
		schedule_delayed_work(&st->cleanup, LBLCR_CLEANUP_PERIOD);
	spin_unlock_bh(lock);
}

/* Add chunks until at least half of the pool is free. */
static void lblcr_grow(struct work_struct *work)
{
	struct lvs_sched_state *st = container_of(work, struct lvs_sched_state,
						  grow);
	spinlock_t *lock = &st->svc->sched_lock;
	struct lblcr_node *chunk;
	unsigned int c;
	bool more;

	for (;;) {
		spin_lock_bh(lock);
		/* only this work adds chunks: n_chunks stays */
		c = st->n_chunks;
		more = !st->dead && c < LBLCR_POOL_CHUNKS &&
		       2 * st->n_free < st->capacity;
		spin_unlock_bh(lock);
		if (!more)
			return;
		chunk = kvcalloc(lblcr_chunk_len(c), sizeof(*chunk),
				 GFP_KERNEL);
		if (!chunk)
			return;
		spin_lock_bh(lock);
		more = !st->dead;
		if (more)
			lblcr_pool_add(st, chunk);
		spin_unlock_bh(lock);
		if (!more) {
			kvfree(chunk);
			return;
		}
	}
}

static u16 lblcr_server_of(const struct lvs_sched_state *st,
			   const struct lvs_dest *dest)
{
	unsigned int i;

	for (i = 0; i < st->n_servers; i++)
		if (st->servers[i].dest == dest)
			return i;
	return LBLCR_NO_SERVER;
}

/* The record @dest should take: its old one if any, else a free one. */
static u16 lblcr_server_slot(const struct lvs_sched_state *st,
			     const struct lvs_dest *dest)
{
	u16 free = LBLCR_NO_SERVER;
	const struct lblcr_server *s;
	unsigned int i;

	for (i = 0; i < st->n_servers; i++) {
		s = &st->servers[i];
		if (s->dest)
			continue;
		if (!s->users) {
			if (free == LBLCR_NO_SERVER)
				free = i;
			continue;
		}
		if (s->af == dest->af && s->port == dest->port &&
		    lvs_addr_equal(s->af, &s->addr, &dest->addr))
			return i;
	}
	return free;
}

static int lblcr_add_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lblcr_server *s, *more, *old = NULL;
	struct lvs_sched_state *st;
	unsigned int n;
	u16 i;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	i = lblcr_server_slot(st, dest);
	if (i == LBLCR_NO_SERVER) {
		/* n_servers changes under the config mutex only */
		n = st->n_servers;
		spin_unlock_bh(&svc->sched_lock);
		if (n >= LBLCR_NO_SERVER)
			return -ENOSPC;
		n = min_t(unsigned int, n ? 2 * n : 8, LBLCR_NO_SERVER);
		more = kcalloc(n, sizeof(*more), GFP_KERNEL);
		if (!more)
			return -ENOMEM;
		spin_lock_bh(&svc->sched_lock);
		if (st->n_servers)
			memcpy(more, st->servers,
			       st->n_servers * sizeof(*more));
		old = st->servers;
		i = st->n_servers;
		st->servers = more;
		st->n_servers = n;
	}
	s = &st->servers[i];
	if (!s->users) {
		s->addr = dest->addr;
		s->port = dest->port;
		s->af = dest->af;
	}
	s->dest = dest;
	spin_unlock_bh(&svc->sched_lock);
	kfree(old);
	return 0;
}

static int lblcr_del_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_sched_state *st;
	u16 i;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	i = lblcr_server_of(st, dest);
	if (i != LBLCR_NO_SERVER)
		st->servers[i].dest = NULL;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

static int lblcr_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;
	struct lblcr_node *chunk;
	unsigned int h;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	chunk = kvcalloc(lblcr_chunk_len(0), sizeof(*chunk), GFP_KERNEL);
	if (!st || !chunk) {
		kvfree(chunk);
		kfree(st);
		return -ENOMEM;
	}
	st->svc = svc;
	for (h = 0; h < LBLCR_TAB_SIZE; h++)
		st->chain[h] = LBLCR_NIL;
	st->free = LBLCR_NIL;
	lblcr_pool_add(st, chunk);
	st->runs = 1;
	INIT_WORK(&st->grow, lblcr_grow);
	INIT_DELAYED_WORK(&st->cleanup, lblcr_cleanup);
	rcu_assign_pointer(svc->sched_state, st);
	schedule_delayed_work(&st->cleanup, LBLCR_CLEANUP_PERIOD);
	return 0;
}

static void lblcr_free(struct rcu_head *rcu)
{
	struct lvs_sched_state *st = container_of(rcu, struct lvs_sched_state,
						  rcu);
	unsigned int c;

	for (c = 0; c < st->n_chunks; c++)
		kvfree(st->chunk[c]);
	kfree(st->servers);
	kfree(st);
}

static void lblcr_done_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = rcu_replace_pointer(svc->sched_state, NULL,
				 lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	st->dead = true;
	spin_unlock_bh(&svc->sched_lock);
	cancel_delayed_work_sync(&st->cleanup);
	cancel_work_sync(&st->grow);
	call_rcu(&st->rcu, lblcr_free);
}

/* The weighted least-connection member of @e's set, or NULL. */
static struct lvs_dest *lblcr_set_min(const struct lvs_sched_state *st,
				      const struct lblcr_node *e)
{
	struct lvs_dest *dest, *least = NULL;
	const struct lblcr_node *m;
	int loh = 0, doh;
	u32 i;

	for (i = e->set; i != LBLCR_NIL; i = m->next) {
		m = lblcr_node(st, i);
		dest = st->servers[m->server].dest;
		if (!dest || test_bit(LVS_DEST_OVERLOAD, &dest->flags))
			continue;
		if (!least) {
			if (READ_ONCE(dest->weight) > 0 &&
			    test_bit(LVS_DEST_AVAILABLE, &dest->flags)) {
				least = dest;
				loh = lvs_dest_load(dest);
			}
			continue;
		}
		doh = lvs_dest_load(dest);
		if ((s64)loh * READ_ONCE(dest->weight) >
		    (s64)doh * READ_ONCE(least->weight) &&
		    test_bit(LVS_DEST_AVAILABLE, &dest->flags)) {
			least = dest;
			loh = doh;
		}
	}
	return least;
}

/* The link to the weighted most-connection member of @e's set, or NULL. */
static u32 *lblcr_set_max(const struct lvs_sched_state *st,
			  struct lblcr_node *e)
{
	struct lvs_dest *dest, *most = NULL;
	u32 *link, *most_link = NULL;
	struct lblcr_node *m;
	int moh = 0, doh;

	for (link = &e->set; *link != LBLCR_NIL; link = &m->next) {
		m = lblcr_node(st, *link);
		dest = st->servers[m->server].dest;
		if (!dest || READ_ONCE(dest->weight) <= 0)
			continue;
		doh = lvs_dest_load(dest);
		if (!most || (s64)moh * READ_ONCE(dest->weight) <
			     (s64)doh * READ_ONCE(most->weight)) {
			most = dest;
			most_link = link;
			moh = doh;
		}
	}
	return most_link;
}

/* More active connections than weight, while another has under half. */
static bool lblcr_overloaded(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_dest *d;

	if (atomic_read(&dest->activeconns) <= READ_ONCE(dest->weight))
		return false;
	list_for_each_entry_rcu(d, &svc->dests, list)
		if (atomic_read(&d->activeconns) * 2 < READ_ONCE(d->weight))
			return true;
	return false;
}

static struct lvs_dest *lblcr_schedule(struct lvs_service *svc,
				       const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	unsigned int h = lblcr_hash(svc->af, &pkt->daddr);
	struct lblcr_node *e;
	struct lvs_dest *dest;
	u32 *most;
	u16 server;

	spin_lock_bh(&svc->sched_lock);
	e = lblcr_find(st, svc->af, &pkt->daddr, h);
	if (e) {
		e->lastuse = jiffies;
		dest = lblcr_set_min(st, e);
		if (e->size > 1 &&
		    time_after(jiffies, e->lastmod +
			       lvs_sched_lblcr_expiration(svc))) {
			most = lblcr_set_max(st, e);
			if (most)
				lblcr_set_erase(st, e, most);
		}
		if (dest && !lblcr_overloaded(svc, dest))
			goto out;
	}
	dest = lvs_sched_least(svc, lvs_dest_load, false);
	if (!dest || st->dead)
		goto out;
	/* none while ->add_dest() has yet to see a new real server */
	server = lblcr_server_of(st, dest);
	if (server == LBLCR_NO_SERVER)
		goto out;
	if (e)
		lblcr_set_insert(st, e, server);
	else
		lblcr_new(st, h, &pkt->daddr, server);
out:
	spin_unlock_bh(&svc->sched_lock);
	return dest;
}

static struct lvs_scheduler lblcr_scheduler = {
	.name = "lblcr",
	.owner = THIS_MODULE,
	.init_service = lblcr_init_service,
	.done_service = lblcr_done_service,
	.add_dest = lblcr_add_dest,
	.del_dest = lblcr_del_dest,
	.schedule = lblcr_schedule,
};

static int __init lblcr_init(void)
{
	return lvs_sched_register(&lblcr_scheduler);
}

static void __exit lblcr_exit(void)
{
	lvs_sched_unregister(&lblcr_scheduler);
	/* the states of services that used lblcr are freed by lblcr_free() */
	rcu_barrier();
}

module_init(lblcr_init);
module_exit(lblcr_exit);

MODULE_DESCRIPTION("lvs locality-based least-connection with replication scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_lblcr");
