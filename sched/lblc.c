// SPDX-License-Identifier: GPL-2.0
/*
 * lblc: locality-based least-connection, choosing exactly as IPVS does.
 *
 * A cache maps destination addresses to real servers. For a new
 * connection to destination address D:
 *
 *   - If the cache has an entry for D, the lookup refreshes it, and its
 *     real server S is chosen if S is in the service, its weight is above
 *     0, and it is not overloaded in lblc's sense: S has more active
 *     connections than its weight while some real server of the service
 *     has fewer than half its weight (2 * active < weight). IPVS does not
 *     look at the LVS_DEST_OVERLOAD threshold flag of the cached server,
 *     and neither does lvs.
 *   - Otherwise the weighted least-connection real server is chosen. The
 *     list is walked newest first, skipping real servers with
 *     LVS_DEST_OVERLOAD; the first with a weight above 0 is the candidate,
 *     and a later one takes its place when
 *     load(candidate) * weight(later) > load(later) * weight(candidate)
 *     in 64 bits, where load = 256 * active + active + inactive
 *     connections (lvs_dest_load(): IPVS's activeconns << 8 plus
 *     totalconns; a weight-0 server thus never wins). D's entry then names it; a missing entry is
 *     made unless the cache already holds LBLC_MAX_ENTRIES (24576) entries.
 *   - If no real server qualifies, none is chosen.
 *
 * The cache is IPVS's: 1024 chains, D hashed by hash_32() of the address in
 * host byte order (IPv6 folded to 32 bits by XOR of its four words), at
 * most one entry per address.
 *
 * Expiry is IPVS's. A cleanup runs every 60 s. Once 29 runs have found
 * the cache within 16384 entries since the last sweep, the next run sweeps
 * every chain for entries not looked up for net.ipv4.vs.lblc_expiration
 * (the namespace's sysctl, in jiffies; IPVS's default, 24 hours, is
 * sysctl.c's too; the other periods are IPVS's constants). A run that finds
 * more than 16384 entries removes those idle for 6 minutes instead, chain
 * by chain from where the last run stopped, and stops after the chain that
 * brings the count removed to 4/3 of the excess (at most 8192). Other runs
 * do nothing. The cleanup is delayed work rather than a timer (process
 * context, the lock taken one chain at a time), so it stays cheap.
 *
 * No allocation on the packet path. IPVS allocates each entry in
 * ->schedule() with GFP_ATOMIC; lvs takes it from a pool of entries of its
 * own service instead. The pool starts at 256 entries and grows by
 * doubling chunks, up to the 24576 entries IPVS allows: when a new entry
 * leaves less than a quarter of the pool free, ->schedule() queues work
 * that allocates the next chunk (GFP_KERNEL). Entries are linked by 16-bit
 * indices; removed ones go back to the pool. Only if more than a quarter
 * of the pool is taken up before that work has run does a new address go
 * uncached, as it would in IPVS under memory pressure.
 *
 * IPVS's entries hold a reference on their real server, so a real server
 * removed from the service stays (unavailable) in the cache and is named
 * again if it is added back. lvs cannot hold real servers; entries name a
 * per-service record instead ({dest, address, port}), which keeps the
 * real server's identity while it is out of the service (dest NULL) and
 * is bound to it again when the same address and port are added back.
 * A record is free again once it is out of the service and no entry names
 * it. Records are made in ->add_dest(), never on the packet path.
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

#define LBLC_TAB_BITS		10
#define LBLC_TAB_SIZE		BIT(LBLC_TAB_BITS)
#define LBLC_TAB_MASK		(LBLC_TAB_SIZE - 1)
#define LBLC_MAX_SIZE		(LBLC_TAB_SIZE * 16)	/* cleanup above this */
#define LBLC_MAX_ENTRIES	(LBLC_MAX_SIZE * 3 / 2)	/* no new entry beyond */
#define LBLC_IDLE		(6 * 60 * HZ)
#define LBLC_CLEANUP_PERIOD	(60 * HZ)
#define LBLC_SWEEP_EVERY	30

/* Chunk c of the pool starts at entry 256 << (c - 1) and is as long. */
#define LBLC_POOL_BITS		8
#define LBLC_POOL_FIRST		BIT(LBLC_POOL_BITS)
#define LBLC_POOL_CHUNKS	8	/* 256 << 7 >= LBLC_MAX_ENTRIES */
#define LBLC_NIL		U16_MAX

static_assert(LBLC_MAX_ENTRIES < LBLC_NIL);
static_assert(LBLC_POOL_FIRST << (LBLC_POOL_CHUNKS - 1) >= LBLC_MAX_ENTRIES);

struct lblc_entry {
	union nf_inet_addr addr;	/* destination address */
	unsigned long lastuse;		/* jiffies of the last lookup */
	u16 next;			/* in its chain or in the pool */
	u16 server;			/* index in servers[] */
};

/* A real server that entries name; see the top of the file. */
struct lblc_server {
	struct lvs_dest *dest;		/* NULL: not in the service */
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u32 users;			/* entries naming it */
};

struct lvs_sched_state {
	struct lvs_service *svc;
	/* sched_lock: */
	bool dead;
	u16 chain[LBLC_TAB_SIZE];
	u16 free;			/* first entry of the pool */
	unsigned int entries;		/* in the cache */
	unsigned int capacity;		/* entries in the chunks */
	unsigned int n_chunks;
	struct lblc_entry *chunk[LBLC_POOL_CHUNKS];
	struct lblc_server *servers;
	unsigned int n_servers;
	/* the cleanup's own */
	unsigned int rover;
	unsigned int runs;
	struct work_struct grow;
	struct delayed_work cleanup;
	struct rcu_head rcu;
};

static unsigned int lblc_hash(u16 af, const union nf_inet_addr *addr)
{
	__be32 fold = addr->ip;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^ addr->ip6[3];
	return hash_32(ntohl(fold), LBLC_TAB_BITS);
}

static unsigned int lblc_chunk_start(unsigned int c)
{
	return c ? LBLC_POOL_FIRST << (c - 1) : 0;
}

static unsigned int lblc_chunk_len(unsigned int c)
{
	unsigned int start = lblc_chunk_start(c);

	return min_t(unsigned int, c ? start : LBLC_POOL_FIRST,
		     LBLC_MAX_ENTRIES - start);
}

static struct lblc_entry *lblc_entry(const struct lvs_sched_state *st,
				     unsigned int i)
{
	unsigned int c = fls(i >> LBLC_POOL_BITS);

	return &st->chunk[c][i - lblc_chunk_start(c)];
}

/* Give the entries of the next chunk, @chunk, to the pool. */
static void lblc_pool_add(struct lvs_sched_state *st,
			  struct lblc_entry *chunk)
{
	unsigned int c = st->n_chunks, start = lblc_chunk_start(c);
	unsigned int i = lblc_chunk_len(c);

	st->chunk[c] = chunk;
	st->n_chunks++;
	st->capacity = start + i;
	while (i--) {
		chunk[i].next = st->free;
		st->free = start + i;
	}
}

static struct lblc_entry *lblc_find(const struct lvs_sched_state *st,
				    u16 af, const union nf_inet_addr *addr,
				    unsigned int h)
{
	struct lblc_entry *e;
	unsigned int i;

	for (i = st->chain[h]; i != LBLC_NIL; i = e->next) {
		e = lblc_entry(st, i);
		if (lvs_addr_equal(af, &e->addr, addr))
			return e;
	}
	return NULL;
}

static void lblc_insert(struct lvs_sched_state *st, unsigned int h,
			const union nf_inet_addr *addr, u16 server)
{
	struct lblc_entry *e;
	u16 i = st->free;

	if (st->entries >= LBLC_MAX_ENTRIES || i == LBLC_NIL)
		return;
	e = lblc_entry(st, i);
	st->free = e->next;
	e->addr = *addr;
	e->lastuse = jiffies;
	e->server = server;
	e->next = st->chain[h];
	st->chain[h] = i;
	st->servers[server].users++;
	st->entries++;
	if (4 * (st->capacity - st->entries) < st->capacity &&
	    st->n_chunks < LBLC_POOL_CHUNKS)
		schedule_work(&st->grow);
}

/* Remove the entries of chain @h idle for @idle at @now; how many. */
static int lblc_expire_chain(struct lvs_sched_state *st, unsigned int h,
			     unsigned long now, unsigned long idle)
{
	u16 *link = &st->chain[h];
	struct lblc_entry *e;
	int n = 0;
	u16 i;

	while ((i = *link) != LBLC_NIL) {
		e = lblc_entry(st, i);
		if (time_before(now, e->lastuse + idle)) {
			link = &e->next;
			continue;
		}
		*link = e->next;
		st->servers[e->server].users--;
		e->next = st->free;
		st->free = i;
		st->entries--;
		n++;
	}
	return n;
}

static void lblc_cleanup(struct work_struct *work)
{
	struct lvs_sched_state *st = container_of(to_delayed_work(work),
						  struct lvs_sched_state,
						  cleanup);
	unsigned long idle = LBLC_IDLE, now = jiffies;
	spinlock_t *lock = &st->svc->sched_lock;
	unsigned int i, h, entries;
	int goal = INT_MAX;

	spin_lock_bh(lock);
	entries = st->entries;
	spin_unlock_bh(lock);
	if (st->runs % LBLC_SWEEP_EVERY == 0) {
		idle = lvs_sched_lblc_expiration(st->svc);
		st->runs = 1;
	} else if (entries <= LBLC_MAX_SIZE) {
		st->runs++;
		goto rearm;
	} else {
		goal = min((entries - LBLC_MAX_SIZE) * 4 / 3,
			   LBLC_MAX_SIZE / 2U);
	}

	h = st->rover;
	for (i = 0; i < LBLC_TAB_SIZE; i++) {
		h = (h + 1) & LBLC_TAB_MASK;
		spin_lock_bh(lock);
		goal -= lblc_expire_chain(st, h, now, idle);
		spin_unlock_bh(lock);
		if (goal <= 0)
			break;
		cond_resched();
	}
	st->rover = h;

rearm:
	spin_lock_bh(lock);
	if (!st->dead)
		schedule_delayed_work(&st->cleanup, LBLC_CLEANUP_PERIOD);
	spin_unlock_bh(lock);
}

/* Add chunks until at least half of the pool is free. */
static void lblc_grow(struct work_struct *work)
{
	struct lvs_sched_state *st = container_of(work, struct lvs_sched_state,
						  grow);
	spinlock_t *lock = &st->svc->sched_lock;
	struct lblc_entry *chunk;
	unsigned int c;
	bool more;

	for (;;) {
		spin_lock_bh(lock);
		/* only this work adds chunks: n_chunks stays */
		c = st->n_chunks;
		more = !st->dead && c < LBLC_POOL_CHUNKS &&
		       2 * (st->capacity - st->entries) < st->capacity;
		spin_unlock_bh(lock);
		if (!more)
			return;
		chunk = kvcalloc(lblc_chunk_len(c), sizeof(*chunk), GFP_KERNEL);
		if (!chunk)
			return;
		spin_lock_bh(lock);
		more = !st->dead;
		if (more)
			lblc_pool_add(st, chunk);
		spin_unlock_bh(lock);
		if (!more) {
			kvfree(chunk);
			return;
		}
	}
}

static u16 lblc_server_of(const struct lvs_sched_state *st,
			  const struct lvs_dest *dest)
{
	unsigned int i;

	for (i = 0; i < st->n_servers; i++)
		if (st->servers[i].dest == dest)
			return i;
	return LBLC_NIL;
}

/* The record @dest should take: its old one if any, else a free one. */
static u16 lblc_server_slot(const struct lvs_sched_state *st,
			    const struct lvs_dest *dest)
{
	const struct lblc_server *s;
	u16 free = LBLC_NIL;
	unsigned int i;

	for (i = 0; i < st->n_servers; i++) {
		s = &st->servers[i];
		if (s->dest)
			continue;
		if (!s->users) {
			if (free == LBLC_NIL)
				free = i;
			continue;
		}
		if (s->af == dest->af && s->port == dest->port &&
		    lvs_addr_equal(s->af, &s->addr, &dest->addr))
			return i;
	}
	return free;
}

static int lblc_add_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lblc_server *s, *more, *old = NULL;
	struct lvs_sched_state *st;
	unsigned int n;
	u16 i;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	i = lblc_server_slot(st, dest);
	if (i == LBLC_NIL) {
		/* n_servers changes under the config mutex only */
		n = st->n_servers;
		spin_unlock_bh(&svc->sched_lock);
		if (n >= LBLC_NIL)
			return -ENOSPC;
		n = min_t(unsigned int, n ? 2 * n : 8, LBLC_NIL);
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

static int lblc_del_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_sched_state *st;
	u16 i;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	i = lblc_server_of(st, dest);
	if (i != LBLC_NIL)
		st->servers[i].dest = NULL;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

static int lblc_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;
	struct lblc_entry *chunk;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	chunk = kvcalloc(lblc_chunk_len(0), sizeof(*chunk), GFP_KERNEL);
	if (!st || !chunk) {
		kvfree(chunk);
		kfree(st);
		return -ENOMEM;
	}
	st->svc = svc;
	memset(st->chain, 0xff, sizeof(st->chain));
	st->free = LBLC_NIL;
	lblc_pool_add(st, chunk);
	st->runs = 1;
	INIT_WORK(&st->grow, lblc_grow);
	INIT_DELAYED_WORK(&st->cleanup, lblc_cleanup);
	rcu_assign_pointer(svc->sched_state, st);
	schedule_delayed_work(&st->cleanup, LBLC_CLEANUP_PERIOD);
	return 0;
}

static void lblc_free(struct rcu_head *rcu)
{
	struct lvs_sched_state *st = container_of(rcu, struct lvs_sched_state,
						  rcu);
	unsigned int c;

	for (c = 0; c < st->n_chunks; c++)
		kvfree(st->chunk[c]);
	kfree(st->servers);
	kfree(st);
}

static void lblc_done_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;

	st = rcu_replace_pointer(svc->sched_state, NULL,
				 lvs_service_config_held(svc));
	spin_lock_bh(&svc->sched_lock);
	st->dead = true;
	spin_unlock_bh(&svc->sched_lock);
	cancel_delayed_work_sync(&st->cleanup);
	cancel_work_sync(&st->grow);
	call_rcu(&st->rcu, lblc_free);
}

/* More active connections than weight, while another has under half. */
static bool lblc_overloaded(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_dest *d;

	if (atomic_read(&dest->activeconns) <= READ_ONCE(dest->weight))
		return false;
	list_for_each_entry_rcu(d, &svc->dests, list)
		if (atomic_read(&d->activeconns) * 2 < READ_ONCE(d->weight))
			return true;
	return false;
}

static struct lvs_dest *lblc_schedule(struct lvs_service *svc,
				      const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	unsigned int h = lblc_hash(svc->af, &pkt->daddr);
	struct lblc_entry *e;
	struct lvs_dest *dest;
	u16 server;

	spin_lock_bh(&svc->sched_lock);
	e = lblc_find(st, svc->af, &pkt->daddr, h);
	if (e) {
		e->lastuse = jiffies;
		dest = st->servers[e->server].dest;
		if (dest && test_bit(LVS_DEST_AVAILABLE, &dest->flags) &&
		    READ_ONCE(dest->weight) > 0 && !lblc_overloaded(svc, dest))
			goto out;
	}
	dest = lvs_sched_least(svc, lvs_dest_load, false);
	if (!dest || st->dead)
		goto out;
	/* none while ->add_dest() has yet to see a new real server */
	server = lblc_server_of(st, dest);
	if (server == LBLC_NIL)
		goto out;
	if (e) {
		st->servers[e->server].users--;
		st->servers[server].users++;
		e->server = server;
	} else {
		lblc_insert(st, h, &pkt->daddr, server);
	}
out:
	spin_unlock_bh(&svc->sched_lock);
	return dest;
}

static struct lvs_scheduler lblc_scheduler = {
	.name = "lblc",
	.owner = THIS_MODULE,
	.init_service = lblc_init_service,
	.done_service = lblc_done_service,
	.add_dest = lblc_add_dest,
	.del_dest = lblc_del_dest,
	.schedule = lblc_schedule,
};

static int __init lblc_init(void)
{
	return lvs_sched_register(&lblc_scheduler);
}

static void __exit lblc_exit(void)
{
	lvs_sched_unregister(&lblc_scheduler);
	/* the states of services that used lblc are freed by lblc_free() */
	rcu_barrier();
}

module_init(lblc_init);
module_exit(lblc_exit);

MODULE_DESCRIPTION("lvs locality-based least-connection scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_lblc");
