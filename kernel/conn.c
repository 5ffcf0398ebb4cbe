// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table.
 *
 * Each namespace has two resizable hash tables (rhashtable) of struct
 * lvs_conn: "in", keyed by the client side (protocol, client address and
 * port, virtual address and port), which packets from clients look up, and
 * "out", keyed by the real-server side (real server address and port,
 * client address and port), which NAT replies look up. Only NAT and
 * cache-bypass connections go into "out": with direct routing and tunnels
 * replies do not pass the director. Keys are hashed with jhash and the
 * table's random seed; the tables grow at 75% load and shrink at 30%, so
 * the cost of a lookup does not depend on how many connections there are.
 *
 * Lookups are lockless under RCU. Expiry is lazy: a packet only stores a
 * new deadline in ->expires; when the timer fires it re-arms itself for
 * the stored deadline if that moved, and only a state change that
 * shortens the deadline re-arms the timer early.
 *
 * Lifecycle. Every connection goes through the same three steps, and
 * each step is written once:
 *
 * 1. Allocate (lvs_conn_new()): every field is filled in while nobody
 *    else can see the connection.
 * 2. Publish (lvs_conn_publish()), under cp->lock: count it in its dest
 *    and the namespace, take its template's control, insert the reply
 *    key, insert the lookup key last, then arm the timer. Whoever can end
 *    a connection (another CPU's packet, the expire_nodest work,
 *    drop_entry, the flush at namespace exit) finds it through the lookup
 *    key, so finds it complete: counted, bound, in both tables, with a
 *    timer. A reply that finds it by its reply key before that moves its
 *    state only under cp->lock, so after the publication. A connection
 *    that loses the race for its lookup key to another CPU's was seen by
 *    nobody who can end it: its maker destroys it at once.
 * 3. End: lvs_conn_end() is the one way to ask for a connection's end
 *    (the packet path rescheduling, expire_nodest, drop_entry, persistence
 *    dropping a template): it takes the lookup key out, so that a new
 *    connection with the same key can be made at once, and brings the
 *    deadline to now. Only the timer destroys a published connection
 *    (lvs_conn_timer()): under cp->lock it decides, marks it ->dead, after
 *    which nobody re-arms the timer, and lvs_conn_destroy() takes out both
 *    keys, uncounts it, lets go of its dest and template, and frees it
 *    after an RCU grace period, so packet-path readers hold no reference.
 *    The namespace's flush brings every deadline to now and waits for the
 *    timers. The only other callers of lvs_conn_destroy() destroy what
 *    was never published: the loser of the race above and a one-packet
 *    connection (in no table, no timer).
 *
 * Locking: cp->lock (a spinlock taken in softirq or with bottom halves
 * disabled, never nested in another connection's) orders the publication,
 * state changes, timer arming and ->dead; under it, the rhashtable bucket
 * locks may be taken, never the reverse. The counters are atomics.
 *
 * A connection holds a reference on its real server (dest), and counts in
 * its active or inactive connections as IPVS does: a new connection is
 * inactive (LVS_CONN_F_INACTIVE), and moves between the two only when its
 * protocol state changes, to one that lvs_proto.active marks or not; a
 * protocol without states (UDP) so stays inactive for its whole life. A
 * cache-bypass connection (LVS_CONN_F_BYPASS) has no real server: its
 * packets go on to where they were addressed, and it counts nowhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "lvs.h"
#include "lvs_trace.h"
#include "nfct.h"

static struct kmem_cache *lvs_conn_cache __read_mostly;

/* entries a walk of the table looks at between chances for others to run */
#define LVS_CONN_WALK_BATCH	256

/* What identifies a connection from one side. */
struct lvs_conn_key {
	const union nf_inet_addr *saddr;
	const union nf_inet_addr *daddr;
	__be16 sport;
	__be16 dport;
	u16 af;
	u8 protocol;
	bool template;
	/* a persistence engine's template: what it read of the packet */
	u8 pe_len;
	const char *pe_data;
};

static u32 lvs_conn_key_hash(const struct lvs_conn_key *k, u32 seed)
{
	u32 ports = (__force u32)k->sport << 16 | (__force u32)k->dport;
	u32 h;

	if (k->af == AF_INET6)
		h = jhash2(k->saddr->all, 4, jhash2(k->daddr->all, 4, seed));
	else
		h = jhash_2words((__force u32)k->saddr->ip,
				 (__force u32)k->daddr->ip, seed);
	if (unlikely(k->pe_len))
		h = jhash(k->pe_data, k->pe_len, h);
	return jhash_3words(h, ports,
			    (u32)k->template << 24 | k->af << 8 | k->protocol,
			    seed);
}

static bool lvs_conn_key_equal(const struct lvs_conn_key *a,
			       const struct lvs_conn_key *b)
{
	return a->af == b->af && a->protocol == b->protocol &&
	       a->template == b->template &&
	       a->sport == b->sport && a->dport == b->dport &&
	       lvs_addr_equal(a->af, a->saddr, b->saddr) &&
	       lvs_addr_equal(a->af, a->daddr, b->daddr) &&
	       a->pe_len == b->pe_len &&
	       (!a->pe_len || !memcmp(a->pe_data, b->pe_data, a->pe_len));
}

static void lvs_conn_in_key(const struct lvs_conn *cp, struct lvs_conn_key *k)
{
	bool template = cp->flags & LVS_CONN_F_TEMPLATE;

	*k = (struct lvs_conn_key) {
		.saddr = &cp->caddr, .daddr = &cp->vaddr,
		.sport = cp->cport, .dport = cp->vport,
		.af = cp->af, .protocol = cp->protocol,
		.template = template,
	};
	if (template && cp->pe_data) {
		k->pe_data = cp->pe_data->data;
		k->pe_len = cp->pe_data->len;
	}
}

/* Replies of a cache-bypass connection come from where it was addressed. */
static void lvs_conn_out_key(const struct lvs_conn *cp, struct lvs_conn_key *k)
{
	bool bypass = (cp->flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_BYPASS;

	*k = (struct lvs_conn_key) {
		.saddr = bypass ? &cp->vaddr : &cp->daddr, .daddr = &cp->caddr,
		.sport = bypass ? cp->vport : cp->dport, .dport = cp->cport,
		.af = cp->af, .protocol = cp->protocol,
	};
}

static u32 lvs_conn_hashfn(const void *data, u32 len, u32 seed)
{
	return lvs_conn_key_hash(data, seed);
}

static u32 lvs_conn_in_obj_hashfn(const void *data, u32 len, u32 seed)
{
	struct lvs_conn_key k;

	lvs_conn_in_key(data, &k);
	return lvs_conn_key_hash(&k, seed);
}

static u32 lvs_conn_out_obj_hashfn(const void *data, u32 len, u32 seed)
{
	struct lvs_conn_key k;

	lvs_conn_out_key(data, &k);
	return lvs_conn_key_hash(&k, seed);
}

static int lvs_conn_in_cmpfn(struct rhashtable_compare_arg *arg,
			     const void *obj)
{
	struct lvs_conn_key k;

	lvs_conn_in_key(obj, &k);
	return !lvs_conn_key_equal(arg->key, &k);
}

static int lvs_conn_out_cmpfn(struct rhashtable_compare_arg *arg,
			      const void *obj)
{
	struct lvs_conn_key k;

	lvs_conn_out_key(obj, &k);
	return !lvs_conn_key_equal(arg->key, &k);
}

static const struct rhashtable_params lvs_conn_in_params = {
	.head_offset = offsetof(struct lvs_conn, in_node),
	.hashfn = lvs_conn_hashfn,
	.obj_hashfn = lvs_conn_in_obj_hashfn,
	.obj_cmpfn = lvs_conn_in_cmpfn,
	.min_size = LVS_CONN_TABLE_MIN_BUCKETS,
	.automatic_shrinking = true,
};

static const struct rhashtable_params lvs_conn_out_params = {
	.head_offset = offsetof(struct lvs_conn, out_node),
	.hashfn = lvs_conn_hashfn,
	.obj_hashfn = lvs_conn_out_obj_hashfn,
	.obj_cmpfn = lvs_conn_out_cmpfn,
	.min_size = LVS_CONN_TABLE_MIN_BUCKETS,
	.automatic_shrinking = true,
};

/* The connection a packet from a client belongs to. Context: RCU. */
struct lvs_conn *lvs_conn_in_lookup(struct lvs_net *lnet,
				    const struct lvs_packet *pkt)
{
	struct lvs_conn_key k = {
		.saddr = &pkt->saddr, .daddr = &pkt->daddr,
		.sport = pkt->sport, .dport = pkt->dport,
		.af = pkt->af, .protocol = pkt->protocol,
	};

	return rhashtable_lookup(&lnet->conn_in, &k, lvs_conn_in_params);
}

/* The NAT connection a packet from a real server answers. Context: RCU. */
struct lvs_conn *lvs_conn_out_lookup(struct lvs_net *lnet,
				     const struct lvs_packet *pkt)
{
	struct lvs_conn_key k = {
		.saddr = &pkt->saddr, .daddr = &pkt->daddr,
		.sport = pkt->sport, .dport = pkt->dport,
		.af = pkt->af, .protocol = pkt->protocol,
	};

	return rhashtable_lookup(&lnet->conn_out, &k, lvs_conn_out_params);
}

/* How long @cp may stay idle in @state, jiffies. */
unsigned long lvs_conn_timeout(const struct lvs_conn *cp, unsigned int state)
{
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		return cp->timeout;
	/* SET_CONFIG may change it under us */
	return READ_ONCE(cp->lnet->timeouts[lvs_proto_index(cp->protocol)][state]);
}

static void lvs_conn_free(struct lvs_conn *cp)
{
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		kfree(cp->pe_data);
	kmem_cache_free(lvs_conn_cache, cp);
}

static void lvs_conn_free_rcu(struct rcu_head *head)
{
	lvs_conn_free(container_of(head, struct lvs_conn, rcu));
}

/* Count the new connection @cp in its dest, as lvs_conn_unbind() undoes. */
static void lvs_conn_bind(struct lvs_conn *cp)
{
	struct lvs_dest *dest = cp->dest;

	if (!dest)
		return;
	if (cp->flags & LVS_CONN_F_TEMPLATE) {
		atomic_inc(&dest->persistconns);
	} else {
		/* a synced connection may arrive active */
		atomic_inc(cp->flags & LVS_CONN_F_INACTIVE ?
			   &dest->inactconns : &dest->activeconns);
		lvs_dest_update_overload(dest);
	}
}

/* Stop counting @cp in its dest and let go of the dest. */
static void lvs_conn_unbind(struct lvs_conn *cp)
{
	struct lvs_dest *dest = cp->dest;

	if (!dest)
		return;
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		atomic_dec(&dest->persistconns);
	else if (cp->flags & LVS_CONN_F_INACTIVE)
		atomic_dec(&dest->inactconns);
	else
		atomic_dec(&dest->activeconns);
	lvs_dest_update_overload(dest);
	lvs_dest_put(dest);
}

/*
 * Template @ct controls the new connection @cp, unless @ct is being
 * destroyed already (n_control -1): then @cp controls nothing, as if it
 * had come a moment later. Held until lvs_conn_destroy() of @cp, the
 * control keeps @ct alive.
 */
static void lvs_conn_take_control(struct lvs_conn *cp, struct lvs_conn *ct)
{
	if (ct && atomic_inc_unless_negative(&ct->n_control))
		cp->control = ct;
}

/* Only NAT and cache-bypass connections have a reply key. */
static bool lvs_conn_has_out_key(const struct lvs_conn *cp)
{
	unsigned int fwd = cp->flags & LVS_CONN_F_FWD_MASK;

	return (fwd == LVS_CONN_F_MASQ || fwd == LVS_CONN_F_BYPASS) &&
	       !(cp->flags & LVS_CONN_F_TEMPLATE);
}

/*
 * Insert @cp's reply key. One already taken means two clients look alike
 * to the real server; replies then match the first of them, as in IPVS.
 * Context: @cp->lock.
 */
static void lvs_conn_hash_out(struct lvs_conn *cp)
{
	cp->out_hashed = !rhashtable_insert_fast(&cp->lnet->conn_out,
						 &cp->out_node,
						 lvs_conn_out_params);
}

/* Take @cp out of the "in" table, once. Context: BH disabled. */
static void lvs_conn_unhash_in(struct lvs_conn *cp)
{
	bool hashed;

	spin_lock(&cp->lock);
	hashed = cp->in_hashed;
	WRITE_ONCE(cp->in_hashed, false);
	spin_unlock(&cp->lock);
	if (hashed)
		rhashtable_remove_fast(&cp->lnet->conn_in, &cp->in_node,
				       lvs_conn_in_params);
}

/*
 * Let @cp's timer expire it now, unless it is on its way out already.
 * The timer was armed when @cp was published, before anyone could get
 * here. Context: BH disabled.
 */
static void lvs_conn_expire_now(struct lvs_conn *cp)
{
	spin_lock(&cp->lock);
	WRITE_ONCE(cp->expires, jiffies);
	if (!cp->dead)
		mod_timer(&cp->timer, jiffies);
	spin_unlock(&cp->lock);
}

/**
 * lvs_conn_end - end @cp, found in the lookup table, now
 * @cp: a connection or a template
 *
 * Packets no longer find @cp, so a new connection with the same addresses
 * and ports can be made at once; its timer destroys it. A template that
 * still controls connections goes with the last of them (or its timer);
 * the others keep it until then. Safe to call more than once, and from
 * several CPUs at once.
 * Context: softirq, or BH disabled; RCU.
 */
void lvs_conn_end(struct lvs_conn *cp)
{
	lvs_conn_unhash_in(cp);
	/* pairs with atomic_dec_and_test() in lvs_conn_destroy() */
	smp_mb();
	if ((cp->flags & LVS_CONN_F_TEMPLATE) &&
	    atomic_read(&cp->n_control) > 0)
		return;
	lvs_conn_expire_now(cp);
}

/*
 * Undo lvs_conn_publish() and lvs_conn_take_control(), and free @cp after
 * a grace period. Called by @cp's timer once it marked @cp dead, or for a
 * connection never found in the lookup table by anyone who could end it
 * (a lost publication, a one-packet connection): nobody else destroys it
 * or re-arms its timer. Context: BH disabled.
 */
static void lvs_conn_destroy(struct lvs_conn *cp)
{
	struct lvs_net *lnet = cp->lnet;
	struct lvs_conn *ct = cp->flags & LVS_CONN_F_TEMPLATE ? NULL :
			      cp->control;

	lvs_conn_unhash_in(cp);
	if (cp->out_hashed)
		rhashtable_remove_fast(&lnet->conn_out, &cp->out_node,
				       lvs_conn_out_params);
	/* an invalidated template goes with its last connection */
	if (ct && atomic_dec_and_test(&ct->n_control) &&
	    !READ_ONCE(ct->in_hashed))
		lvs_conn_expire_now(ct);
	if (cp->flags & LVS_CONN_F_NFCT)
		lvs_nfct_drop(cp);
	lvs_conn_unbind(cp);
	atomic_dec(&lnet->conn_count);
	call_rcu(&cp->rcu, lvs_conn_free_rcu);
}

/*
 * The only place a published connection dies: its deadline has come.
 * Context: softirq (timer).
 */
static void lvs_conn_timer(struct timer_list *t)
{
	struct lvs_conn *cp = from_timer(cp, t, timer);

	spin_lock(&cp->lock);
	/* packets moved the deadline since the timer was armed */
	if (time_after(cp->expires, jiffies)) {
		mod_timer(&cp->timer, cp->expires);
		spin_unlock(&cp->lock);
		return;
	}
	/*
	 * A template lives on while it controls connections; once it has
	 * none, -1 stops lvs_conn_take_control() from taking it again.
	 * Found still in use, it lasts 60 s from now on, as in IPVS.
	 */
	if ((cp->flags & LVS_CONN_F_TEMPLATE) &&
	    atomic_cmpxchg(&cp->n_control, 0, -1) > 0) {
		WRITE_ONCE(cp->timeout, 60 * HZ);
		cp->expires = jiffies + cp->timeout;
		mod_timer(&cp->timer, cp->expires);
		spin_unlock(&cp->lock);
		return;
	}
	cp->dead = true;
	spin_unlock(&cp->lock);
	trace_conn_expire(cp);
	lvs_conn_destroy(cp);
}

/*
 * Make the complete connection @cp visible, lookup key last (see the top
 * of this file). All of it happens under @cp->lock: a reply that finds
 * @cp by its reply key early, and whoever ends it once its lookup key is
 * in, wait for the timer to be armed.
 *
 * Return: @cp; or the connection another CPU published first with the
 * same lookup key (@cp is then destroyed, unseen), or NULL if the table
 * refused it. Context: softirq.
 */
static struct lvs_conn *lvs_conn_publish(struct lvs_conn *cp)
{
	struct lvs_net *lnet = cp->lnet;
	struct lvs_conn_key key;
	struct lvs_conn *other;
	bool had_out;

	spin_lock(&cp->lock);
	lvs_conn_bind(cp);
	atomic_inc(&lnet->conn_count);
	if (lvs_conn_has_out_key(cp))
		lvs_conn_hash_out(cp);
	lvs_conn_in_key(cp, &key);
	other = rhashtable_lookup_get_insert_key(&lnet->conn_in, &key,
						 &cp->in_node,
						 lvs_conn_in_params);
	if (!other) {
		cp->in_hashed = true;
		mod_timer(&cp->timer, cp->expires);
		spin_unlock(&cp->lock);
		trace_conn_new(cp);
		return cp;
	}
	/* a reply that found @cp must not arm its timer now */
	cp->dead = true;
	spin_unlock(&cp->lock);

	/* the conntrack entry of this flow is @other's, if anyone's */
	cp->flags &= ~LVS_CONN_F_NFCT;
	had_out = cp->out_hashed;
	lvs_conn_destroy(cp);
	if (IS_ERR(other))
		return NULL;
	/* @cp held the reply key @other wanted: hand it over */
	if (had_out) {
		spin_lock(&other->lock);
		if (!other->dead && !other->out_hashed &&
		    lvs_conn_has_out_key(other))
			lvs_conn_hash_out(other);
		spin_unlock(&other->lock);
	}
	return other;
}

/* Template @cp keeps a copy of what @p's persistence engine read. */
static bool lvs_conn_keep_pe_data(struct lvs_conn *cp,
				  const struct lvs_conn_param *p)
{
	struct lvs_pe_data *pd;

	pd = kmalloc(struct_size(pd, data, p->pe_len), GFP_ATOMIC);
	if (!pd)
		return false;
	pd->pe = p->pe;
	pd->len = p->pe_len;
	memcpy(pd->data, p->pe_data, p->pe_len);
	cp->pe_data = pd;
	return true;
}

/*
 * A connection keyed by @p to @daddr:@dport (unset without @daddr), held
 * by nobody else yet: the common part of making one. Takes a reference
 * on @dest; NULL if @dest is being freed or memory is short.
 */
static struct lvs_conn *lvs_conn_alloc(struct lvs_net *lnet,
				       const struct lvs_conn_param *p,
				       struct lvs_dest *dest,
				       const union nf_inet_addr *daddr,
				       __be16 dport)
{
	struct lvs_conn *cp;

	if (dest && !refcount_inc_not_zero(&dest->refcnt))
		return NULL;
	cp = kmem_cache_zalloc(lvs_conn_cache, GFP_ATOMIC);
	if (!cp) {
		if (dest)
			lvs_dest_put(dest);
		return NULL;
	}
	cp->af = p->af;
	cp->protocol = p->protocol;
	cp->caddr = *p->caddr;
	cp->cport = p->cport;
	cp->vaddr = *p->vaddr;
	cp->vport = p->vport;
	if (daddr)
		cp->daddr = *daddr;
	cp->dport = dport;
	cp->lnet = lnet;
	cp->dest = dest;
	spin_lock_init(&cp->lock);
	timer_setup(&cp->timer, lvs_conn_timer, 0);
	return cp;
}

/* Undo lvs_conn_alloc() of a connection nobody saw. */
static void lvs_conn_free_unpublished(struct lvs_conn *cp)
{
	if (cp->dest)
		lvs_dest_put(cp->dest);
	kmem_cache_free(lvs_conn_cache, cp);
}

/*
 * lvs_conn_new - make a connection, or a persistence template, to @dest
 * @lnet: the namespace
 * @p: what the connection is keyed by (a template: masked client address,
 *	client port 0, the service's address or firewall mark and port, and
 *	what the service's persistence engine read, which it copies), and
 *	the template that controls a new connection, if any
 * @dest: the real server; NULL for a cache-bypass connection, whose
 *	packets go on to the address they were sent to
 * @dport: the real server's port (0 for a template of any port)
 * @flags: 0, LVS_CONN_F_TEMPLATE, or LVS_CONN_F_ONE_PACKET (a connection
 *	for one datagram, in no table); the forwarding method is @dest's
 *	(LVS_CONN_F_BYPASS without one)
 *
 * A template lasts the service's persistence timeout from its last use,
 * and counts among @dest's persistent connections; a connection counts
 * among its inactive ones until its protocol state makes it active.
 *
 * Return: the connection, now in the tables; or NULL when memory is short,
 * @dest is being freed, or the table refused it. If another CPU made the
 * same connection first, that one is returned.
 * Context: softirq, rcu_read_lock().
 */
struct lvs_conn *lvs_conn_new(struct lvs_net *lnet,
			      const struct lvs_conn_param *p,
			      struct lvs_dest *dest, __be16 dport,
			      unsigned int flags)
{
	unsigned int fwd = dest ? READ_ONCE(dest->fwd) : LVS_CONN_F_BYPASS;
	struct lvs_conn *cp;

	cp = lvs_conn_alloc(lnet, p, dest, dest ? &dest->addr : NULL, dport);
	if (!cp)
		return NULL;
	cp->flags = fwd | flags;
	if (!(flags & LVS_CONN_F_TEMPLATE))
		cp->flags |= LVS_CONN_F_INACTIVE;
	/* conntrack=1: the packets keep their conntrack entries (nfct.c) */
	if (!(flags & LVS_CONN_F_TEMPLATE) &&
	    READ_ONCE(lnet->sysctl.conntrack))
		cp->flags |= LVS_CONN_F_NFCT;
	if (flags & LVS_CONN_F_TEMPLATE) {
		cp->timeout = (unsigned long)READ_ONCE(dest->svc->timeout) * HZ;
		if (p->pe && !lvs_conn_keep_pe_data(cp, p))
			goto free_conn;
	} else {
		lvs_conn_take_control(cp, p->control);
	}
	cp->expires = jiffies + lvs_conn_timeout(cp, cp->state);
	if (!(flags & LVS_CONN_F_ONE_PACKET))
		return lvs_conn_publish(cp);
	/* in no table, no timer: lvs_conn_one_packet_done() frees it */
	cp->dead = true;
	atomic_inc(&lnet->conn_count);
	lvs_conn_bind(cp);
	return cp;

free_conn:
	lvs_conn_free_unpublished(cp);
	return NULL;
}

/*
 * A one-packet connection (LVS_CONN_F_ONE_PACKET) has sent its packet:
 * stop counting it and free it. Context: softirq.
 */
void lvs_conn_one_packet_done(struct lvs_conn *cp)
{
	lvs_conn_destroy(cp);
}

/* The live template keyed by @p, or NULL. Context: RCU. */
struct lvs_conn *lvs_conn_template_get(struct lvs_net *lnet,
				       const struct lvs_conn_param *p)
{
	struct lvs_conn_key k = {
		.saddr = p->caddr, .daddr = p->vaddr,
		.sport = p->cport, .dport = p->vport,
		.af = p->af, .protocol = p->protocol, .template = true,
		.pe_data = p->pe_data, .pe_len = p->pe_len,
	};
	struct lvs_conn *ct;

	ct = rhashtable_lookup(&lnet->conn_in, &k, lvs_conn_in_params);
	return ct && atomic_read(&ct->n_control) >= 0 ? ct : NULL;
}

/* A new connection used template @ct: it lasts its timeout from now. */
void lvs_conn_template_touch(struct lvs_conn *ct)
{
	unsigned long expires = jiffies + READ_ONCE(ct->timeout);

	if (READ_ONCE(ct->expires) != expires)
		WRITE_ONCE(ct->expires, expires);
}

/*
 * A template is assured once a connection it controls is established (TCP)
 * or answered (UDP): IPVS's sign that the client is real.
 */
static void lvs_conn_assure_template(struct lvs_conn *cp, enum lvs_dir dir,
				     unsigned int state)
{
	struct lvs_conn *ct = cp->control;
	bool assured;

	if (READ_ONCE(ct->state) == LVS_CTPL_S_ASSURED)
		return;
	if (cp->protocol == IPPROTO_TCP)
		assured = state == LVS_TCP_S_ESTABLISHED;
	else if (cp->protocol == IPPROTO_SCTP)
		assured = state == LVS_SCTP_S_ESTABLISHED;
	else
		assured = dir == LVS_DIR_OUT;
	if (assured)
		WRITE_ONCE(ct->state, LVS_CTPL_S_ASSURED);
}

/*
 * @cp moves between its dest's active and inactive connections.
 * Context: @cp->lock.
 */
static void lvs_conn_set_active(struct lvs_conn *cp, bool active)
{
	struct lvs_dest *dest = cp->dest;

	if (active)
		cp->flags &= ~LVS_CONN_F_INACTIVE;
	else
		cp->flags |= LVS_CONN_F_INACTIVE;
	if (!dest)
		return;
	atomic_inc(active ? &dest->activeconns : &dest->inactconns);
	atomic_dec(active ? &dest->inactconns : &dest->activeconns);
}

/**
 * lvs_conn_find - the connection or template keyed by @p
 * @lnet: the namespace
 * @p: its key (a template's: with what its engine read)
 * @template: look for a template
 *
 * Context: RCU.
 */
struct lvs_conn *lvs_conn_find(struct lvs_net *lnet,
			       const struct lvs_conn_param *p, bool template)
{
	struct lvs_conn_key k = {
		.saddr = p->caddr, .daddr = p->vaddr,
		.sport = p->cport, .dport = p->vport,
		.af = p->af, .protocol = p->protocol, .template = template,
		.pe_data = p->pe_data, .pe_len = template ? p->pe_len : 0,
	};

	return rhashtable_lookup(&lnet->conn_in, &k, lvs_conn_in_params);
}

/* How long a synced entry that does not say lives: as IPVS, 3 min. */
#define LVS_CONN_SYNC_TEMPLATE_TIMEOUT	(3 * 60 * HZ)

static unsigned long lvs_conn_sync_timeout(const struct lvs_conn *cp,
					   unsigned int state,
					   unsigned long timeout)
{
	if (timeout)
		return timeout;
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		return LVS_CONN_SYNC_TEMPLATE_TIMEOUT;
	return lvs_conn_timeout(cp, state);
}

/**
 * lvs_conn_new_synced - make a connection a master told about
 * @lnet: the namespace
 * @p: its key; a template's engine data is copied
 * @dest: this director's real server for it, or NULL: the connection is
 *	kept unbound, to @daddr:@dport, with the master's forwarding method
 * @daddr: the real server's address
 * @dport: and port
 * @flags: the master's flags, as sync_msg.c let them through (with
 *	LVS_CONN_F_SYNC)
 * @state: its protocol state (a template's: LVS_CTPL_S_*)
 * @timeout: jiffies from now until it ends; 0: its state's timeout
 *
 * Bound, it takes @dest's forwarding method as any connection to @dest
 * does, and counts as active or inactive as the master said. It goes
 * through the same publication as lvs_conn_new().
 *
 * Return: the connection, or the one published first with its key, or
 * NULL. Context: BH disabled, rcu_read_lock().
 */
struct lvs_conn *lvs_conn_new_synced(struct lvs_net *lnet,
				     const struct lvs_conn_param *p,
				     struct lvs_dest *dest,
				     const union nf_inet_addr *daddr,
				     __be16 dport, unsigned int flags,
				     unsigned int state, unsigned long timeout)
{
	struct lvs_conn *cp, *other;

	cp = lvs_conn_alloc(lnet, p, dest, daddr, dport);
	if (!cp)
		return NULL;
	if (cp->dest)
		flags = (flags & ~(LVS_CONN_F_FWD_MASK | LVS_CONN_F_NOOUTPUT)) |
			READ_ONCE(dest->fwd);
	cp->flags = flags & ~(LVS_CONN_F_ONE_PACKET | LVS_CONN_F_NFCT);
	cp->state = state;
	cp->old_state = state;
	if ((flags & LVS_CONN_F_TEMPLATE) && p->pe) {
		if (!lvs_conn_keep_pe_data(cp, p)) {
			lvs_conn_free_unpublished(cp);
			return NULL;
		}
	}
	timeout = lvs_conn_sync_timeout(cp, state, timeout);
	if (flags & LVS_CONN_F_TEMPLATE)
		cp->timeout = timeout;
	cp->expires = jiffies + timeout;
	other = lvs_conn_publish(cp);
	if (other == cp)
		trace_sync_conn(cp);
	return other;
}

/**
 * lvs_conn_sync_update - a master told about @cp again
 * @cp: a connection or template, found in the lookup table
 * @flags: the master's flags; only whether it is active and its sequence
 *	number flags are taken
 * @state: its state now
 * @timeout: jiffies from now until it ends; 0: its state's timeout
 *
 * Context: BH disabled, RCU.
 */
void lvs_conn_sync_update(struct lvs_conn *cp, unsigned int flags,
			  unsigned int state, unsigned long timeout)
{
	const unsigned int upd = LVS_CONN_F_SEQ_MASK;
	unsigned long expires;

	spin_lock(&cp->lock);
	if (cp->dead)
		goto unlock;
	if (!(cp->flags & LVS_CONN_F_TEMPLATE) &&
	    !(flags & LVS_CONN_F_INACTIVE) != !(cp->flags & LVS_CONN_F_INACTIVE))
		lvs_conn_set_active(cp, !(flags & LVS_CONN_F_INACTIVE));
	cp->flags = (cp->flags & ~upd) | (flags & upd);
	WRITE_ONCE(cp->state, state);
	cp->old_state = state;
	timeout = lvs_conn_sync_timeout(cp, state, timeout);
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		WRITE_ONCE(cp->timeout, timeout);
	expires = jiffies + timeout;
	WRITE_ONCE(cp->expires, expires);
	/* a shorter deadline needs the timer earlier */
	if (time_before(expires, cp->timer.expires))
		mod_timer(&cp->timer, expires);
unlock:
	spin_unlock(&cp->lock);
}

/*
 * Count a packet from @cp's client, up to LVS_CONN_IN_PKTS_MAX: drop_entry
 * (defense.c) spares connections with more. The datagrams of --ops
 * connections count on their template, which outlives them. Unlocked:
 * a count lost to a race between CPUs only makes drop_entry's guess
 * rougher, and nothing is written once the count is full.
 */
static void lvs_conn_count_in(struct lvs_conn *cp)
{
	u8 n;

	if (unlikely(cp->flags & LVS_CONN_F_ONE_PACKET) && cp->control)
		cp = cp->control;
	n = READ_ONCE(cp->in_pkts);
	if (n < LVS_CONN_IN_PKTS_MAX)
		WRITE_ONCE(cp->in_pkts, n + 1);
}

/*
 * Account a packet of @cp travelling @dir: protocol state, the counters of
 * the dest, and the deadline. While the secure_tcp defence is active the
 * protocol's secure state table decides. Context: softirq,
 * rcu_read_lock().
 */
void lvs_conn_packet(struct lvs_conn *cp, enum lvs_dir dir,
		     const struct lvs_packet *pkt)
{
	const struct lvs_proto *proto = lvs_proto(cp->protocol);
	unsigned int state = READ_ONCE(cp->state);
	unsigned int (*next_state)(unsigned int state, enum lvs_dir dir,
				   u8 event);
	unsigned long expires;

	if (dir != LVS_DIR_OUT)
		lvs_conn_count_in(cp);
	next_state = proto->next_state;
	if (proto->next_state_secure &&
	    READ_ONCE(cp->lnet->defense.secure_tcp))
		next_state = proto->next_state_secure;
	if (next_state(state, dir, pkt->event) != state) {
		spin_lock(&cp->lock);
		state = next_state(cp->state, dir, pkt->event);
		if (state != cp->state) {
			bool inactive = cp->flags & LVS_CONN_F_INACTIVE;
			bool active = proto->active[state];

			if (active == inactive)
				lvs_conn_set_active(cp, active);
			WRITE_ONCE(cp->state, state);
			expires = jiffies + lvs_conn_timeout(cp, state);
			WRITE_ONCE(cp->expires, expires);
			/* a shorter deadline needs the timer earlier */
			if (!cp->dead && time_before(expires, cp->timer.expires))
				mod_timer(&cp->timer, expires);
		}
		spin_unlock(&cp->lock);
	} else {
		expires = jiffies + lvs_conn_timeout(cp, state);
		if (READ_ONCE(cp->expires) != expires)
			WRITE_ONCE(cp->expires, expires);
	}
	/* @state: the state this packet left @cp in */
	if (unlikely(cp->control))
		lvs_conn_assure_template(cp, dir, state);
}

/*
 * Call @visit on every connection in the lookup table, bottom halves
 * disabled, as the packet path runs; returns how many @visit ended.
 *
 * Every LVS_CONN_WALK_BATCH entries the walk pauses (dropping the RCU
 * read lock) to let others run, and it pauses on an entry *before*
 * @visit may take it out of the table: rhashtable_walk_start() resumes
 * by the entry's place in its bucket, so resuming after an entry that
 * is gone skips the one behind it (a connection expire_nodest_conn then
 * left for minutes). An entry someone else takes out during a pause can
 * still make it skip one: callers that must see all walk again until a
 * walk ends nothing.
 * Context: process; takes and drops the RCU read lock.
 */
static unsigned int lvs_conn_walk(struct lvs_net *lnet,
				  bool (*visit)(struct lvs_conn *cp))
{
	struct rhashtable_iter iter;
	unsigned int seen = 0, ended = 0;
	struct lvs_conn *cp;

	rhashtable_walk_enter(&lnet->conn_in, &iter);
	rhashtable_walk_start(&iter);
	while ((cp = rhashtable_walk_next(&iter))) {
		if (!IS_ERR(cp) && ++seen % LVS_CONN_WALK_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
			/* the same entry, if it is still there */
			cp = rhashtable_walk_peek(&iter);
		}
		if (IS_ERR_OR_NULL(cp))
			continue;
		local_bh_disable();
		if (visit(cp))
			ended++;
		local_bh_enable();
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return ended;
}

/* A connection or template of a real server that was removed ends. */
static bool lvs_conn_end_nodest(struct lvs_conn *cp)
{
	const struct lvs_dest *dest = cp->dest;

	if (!dest || test_bit(LVS_DEST_AVAILABLE, &dest->flags))
		return false;
	lvs_conn_end(cp);
	return true;
}

/*
 * expire_nodest_conn: the connections and templates of real servers that
 * were removed end now, whether or not a packet comes, as IPVS has done
 * since Linux 5.9 (the packet path ends those it meets first; hooks.c).
 * A template goes with its last connection. Context: process, the
 * namespace's work. A walk that ended some walks again: one that a
 * pause skipped is found then (lvs_conn_walk()).
 */
static void lvs_conn_nodest_work(struct work_struct *work)
{
	struct lvs_net *lnet = container_of(to_delayed_work(work),
					    struct lvs_net, nodest_work);
	unsigned int pass;

	/* (bounded: packets still in flight may bind one more) */
	for (pass = 0; pass < 4; pass++)
		if (!lvs_conn_walk(lnet, lvs_conn_end_nodest))
			break;
}

/**
 * lvs_conn_expire_nodest - a real server was removed
 * @lnet: its namespace
 *
 * With expire_nodest_conn, end its connections soon (from a work item,
 * a jiffy later, so that one walk serves a batch of removals).
 * Context: process, the config mutex.
 */
void lvs_conn_expire_nodest(struct lvs_net *lnet)
{
	if (READ_ONCE(lnet->sysctl.expire_nodest_conn))
		queue_delayed_work(system_long_wq, &lnet->nodest_work, 1);
}

/*
 * The namespace's timeouts (what ipvsadm --set and the sysctls change
 * before any service exists) and its connection count. The tables come
 * with the first service (lvs_conn_tables_create()).
 */
void lvs_conn_table_init(struct lvs_net *lnet)
{
	static const struct lvs_proto *const protos[LVS_PROTO_COUNT] = {
		[LVS_PROTO_TCP]		= &lvs_proto_tcp,
		[LVS_PROTO_UDP]		= &lvs_proto_udp,
		[LVS_PROTO_SCTP]	= &lvs_proto_sctp,
	};
	unsigned int p, i;

	for (p = 0; p < LVS_PROTO_COUNT; p++)
		for (i = 0; i < protos[p]->n_states; i++)
			lnet->timeouts[p][i] = protos[p]->timeouts[i] * HZ;
	atomic_set(&lnet->conn_count, 0);
	INIT_DELAYED_WORK(&lnet->nodest_work, lvs_conn_nodest_work);
}

/*
 * lvs_conn_tables_create - make the connection tables, if they are not there
 *
 * Before the hooks are registered: only packets make connections.
 * Return: 0 or -ENOMEM. Context: the config mutex.
 */
int lvs_conn_tables_create(struct lvs_net *lnet)
{
	int err;

	lockdep_assert_held(&lnet->config_mutex);
	if (lnet->conn_tables)
		return 0;
	err = rhashtable_init(&lnet->conn_in, &lvs_conn_in_params);
	if (err)
		return err;
	err = rhashtable_init(&lnet->conn_out, &lvs_conn_out_params);
	if (err) {
		rhashtable_destroy(&lnet->conn_in);
		return err;
	}
	/* pairs with smp_load_acquire() in lvs_conn_table_buckets() */
	smp_store_release(&lnet->conn_tables, true);
	return 0;
}

/*
 * lvs_conn_tables_destroy - free the connection tables of an idle namespace
 *
 * The caller has made sure that nothing can make a connection (no
 * service: the hooks are unregistered) and none is left (conn_count is
 * 0: every one is out of both tables), that no /proc reader walks them
 * (conn_holders), and that neither the defences' work nor the nodest
 * work can run. Lockless readers of the bucket count see conn_tables
 * false, or finish within the grace period waited for here.
 * Context: process, the config mutex.
 */
void lvs_conn_tables_destroy(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	if (!lnet->conn_tables)
		return;
	cancel_delayed_work_sync(&lnet->nodest_work);
	WRITE_ONCE(lnet->conn_tables, false);
	synchronize_rcu();
	rhashtable_destroy(&lnet->conn_out);
	rhashtable_destroy(&lnet->conn_in);
}

static bool lvs_conn_end_any(struct lvs_conn *cp)
{
	lvs_conn_end(cp);
	return true;
}

/*
 * The namespace is going: its hooks are gone, so no connection is made
 * any more. End what is left and wait for the timers to destroy it all
 * (conn_count counts every connection from publication to destruction);
 * the RCU callbacks that free them are waited for by the caller.
 */
void lvs_conn_table_exit(struct lvs_net *lnet)
{
	/* the services are gone: nothing queues it again */
	cancel_delayed_work_sync(&lnet->nodest_work);
	/* nothing else changes conn_tables now (services, defences: gone) */
	if (!lnet->conn_tables)
		return;
	/* end every connection; their timers destroy them */
	while (lvs_conn_walk(lnet, lvs_conn_end_any) ||
	       atomic_read(&lnet->conn_count))
		schedule_timeout_uninterruptible(1);
	WRITE_ONCE(lnet->conn_tables, false);
	rhashtable_destroy(&lnet->conn_out);
	rhashtable_destroy(&lnet->conn_in);
}

unsigned int lvs_conn_table_buckets(struct lvs_net *lnet)
{
	const struct bucket_table *tbl;
	unsigned int size = LVS_CONN_TABLE_MIN_BUCKETS;

	/* without tables: the size they start with */
	rcu_read_lock();
	/* pairs with smp_store_release() in lvs_conn_tables_create() */
	if (smp_load_acquire(&lnet->conn_tables)) {
		tbl = rcu_dereference(lnet->conn_in.tbl);
		size = tbl->size;
	}
	rcu_read_unlock();
	return size;
}

int __init lvs_conn_cache_init(void)
{
	/*
	 * Charged where the allocating context has a memory cgroup (a
	 * connection opened by a local process); max_conns bounds the rest.
	 */
	lvs_conn_cache = KMEM_CACHE(lvs_conn, SLAB_ACCOUNT);
	return lvs_conn_cache ? 0 : -ENOMEM;
}

/* After every namespace's table is gone and its RCU callbacks have run. */
void lvs_conn_cache_exit(void)
{
	kmem_cache_destroy(lvs_conn_cache);
}
