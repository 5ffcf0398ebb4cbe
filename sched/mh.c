// SPDX-License-Identifier: GPL-2.0
/*
 * mh: Maglev hashing, choosing exactly as IPVS does.
 *
 * A lookup table of M = 4093 slots (IPVS's default and Debian's
 * CONFIG_IP_VS_MH_TAB_INDEX=12) maps a hash of the packet's source
 * address, and with the mh-port flag its source port, to a real server:
 *
 *   key(a, p, o) = hsiphash(u32 v = o + p + a, K) with a the address in
 *   host byte order (an IPv6 address folded to 32 bits by XOR of its four
 *   words, by the service's address family), p the port in host byte
 *   order (0 without mh-port or for protocols without ports), v hashed as
 *   the 4 bytes of a native u32, and K1 = {2654435761, 2654435761} or
 *   K2 = {2654446892, 2654446892}: IPVS's fixed keys.
 *
 * The packet goes to slot key(src, port, 0, K1) mod M.
 *
 * The table is IPVS's Maglev fill. Each real server r, in list order
 * (newest first), has offset(r) = key(addr, port, 0, K1) mod M and
 * skip(r) = key(addr, port, 0, K2) mod (M - 1) + 1 over its own address
 * and port, and a number of turns from its last nonzero weight w (see
 * below): with g the gcd of the positive last weights and
 * s = max(0, fls(max w / g) - 6), turns = (w / g) >> s, or 1 when that is
 * 0 and w is not. Rounds go through the list; in each round every real
 * server with turns takes that many slots, one by one: its next candidate
 * slot starts at offset(r) and moves by skip(r) (mod M) while the slot is
 * taken. The fill stops the moment all M slots are taken. With no positive
 * last weight at all the table is empty.
 *
 * The last weight is IPVS's last_weight: a real server's weight when it
 * joined, then every nonzero weight it is given. Setting weight 0
 * (quiescing) therefore keeps the server's slots, and only the schedule
 * step below tells it apart. lvs_dest has no such field, so this module
 * keeps it per real server (a change of scheduler starts from the current
 * weights).
 *
 * The slot's real server is chosen unless it is unavailable: quiescent
 * (weight 0) or overloaded (LVS_DEST_OVERLOAD). Then, without mh-fallback,
 * none is; with mh-fallback, for k = 0, 1, ..., M - 1 the slot
 * key(src, port, (h + k) mod M, K1) mod M is tried (h the first slot) and
 * the first available real server is chosen.
 *
 * More than M real servers cannot fill the table: adding one more fails
 * with -EINVAL (IPVS accepts it and keeps the old table).
 *
 * The table is built anew on every change of the real servers (config
 * mutex held), published with RCU and read locklessly by ->schedule(); the
 * old table is freed after a grace period, so a reader that still sees it
 * also still sees the real servers it names. When memory is short the
 * change fails and the old table stays, except that a real server that
 * left is first taken out of the live table's slots (which then choose
 * none).
 */
#include <linux/bitmap.h>
#include <linux/gcd.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "lvs_sched.h"

#define MH_TAB_SIZE	4093	/* primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] */
#define MH_TAB_BITS	6	/* CONFIG_IP_VS_MH_TAB_INDEX / 2 */

static const hsiphash_key_t mh_key1 = {{ 2654435761UL, 2654435761UL }};
static const hsiphash_key_t mh_key2 = {{ 2654446892UL, 2654446892UL }};

struct mh_table {
	struct rcu_head rcu;
	struct lvs_dest __rcu *slot[MH_TAB_SIZE];
};

/* A real server's last nonzero weight (IPVS's last_weight). */
struct mh_weight {
	struct lvs_dest *dest;
	int last;
};

/* Where a real server is in the fill. */
struct mh_setup {
	unsigned int next;	/* candidate slot */
	unsigned int skip;
	int turns;
};

struct lvs_sched_state {
	struct mh_table __rcu *table;	/* config mutex; NULL: empty */
	struct mh_weight *weights;	/* config mutex; list order */
	unsigned int n_weights;		/* config mutex */
	struct rcu_head rcu;
};

enum mh_change { MH_ADD, MH_DEL, MH_UPD };

static unsigned int mh_key(u16 af, const union nf_inet_addr *addr,
			   __be16 port, const hsiphash_key_t *key,
			   unsigned int offset)
{
	__be32 fold = addr->ip;
	u32 v;

	if (af == AF_INET6)
		fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^ addr->ip6[3];
	v = offset + ntohs(port) + ntohl(fold);
	return hsiphash(&v, sizeof(v), key);
}

/*
 * The last weights of @svc's @n real servers in list order, carried over
 * from @st, with @change applied to @dest. Context: config mutex.
 */
static struct mh_weight *mh_weights(struct lvs_service *svc,
				    struct lvs_sched_state *st,
				    unsigned int n, struct lvs_dest *dest,
				    enum mh_change change)
{
	unsigned int i = 0, j = 0, k, at;
	struct mh_weight *w;
	struct lvs_dest *d;

	w = kmalloc_array(max(n, 1U), sizeof(*w), GFP_KERNEL);
	if (!w)
		return NULL;
	list_for_each_entry(d, &svc->dests, list) {
		w[i].dest = d;
		w[i].last = READ_ONCE(d->weight);
		/*
		 * Search on from the previous match: the order changes
		 * only where a real server joined or left.
		 */
		for (k = 0; k < st->n_weights; k++) {
			at = (j + k) % st->n_weights;
			if (st->weights[at].dest == d) {
				w[i].last = st->weights[at].last;
				j = at + 1;
				break;
			}
		}
		if (d == dest && (change == MH_ADD || READ_ONCE(d->weight)))
			w[i].last = READ_ONCE(d->weight);
		i++;
	}
	return w;
}

static void mh_fill(struct lvs_service *svc, struct mh_table *t,
		    const struct mh_weight *w, unsigned int n,
		    struct mh_setup *s, unsigned long *taken, int g)
{
	unsigned int i, filled = 0;
	int top = 0, shift, turn;

	for (i = 0; i < n; i++)
		top = max(top, w[i].last);
	shift = max(fls(top / g) - MH_TAB_BITS, 0);

	for (i = 0; i < n; i++) {
		const struct lvs_dest *d = w[i].dest;

		s[i].next = mh_key(svc->af, &d->addr, d->port, &mh_key1, 0) %
			    MH_TAB_SIZE;
		s[i].skip = mh_key(svc->af, &d->addr, d->port, &mh_key2, 0) %
			    (MH_TAB_SIZE - 1) + 1;
		s[i].turns = (w[i].last / g) >> shift;
		if (!s[i].turns && w[i].last)
			s[i].turns = 1;
	}

	for (;;) {
		for (i = 0; i < n; i++) {
			for (turn = 0; turn < s[i].turns; turn++) {
				while (test_bit(s[i].next, taken)) {
					s[i].next += s[i].skip;
					if (s[i].next >= MH_TAB_SIZE)
						s[i].next -= MH_TAB_SIZE;
				}
				__set_bit(s[i].next, taken);
				RCU_INIT_POINTER(t->slot[s[i].next], w[i].dest);
				if (++filled == MH_TAB_SIZE)
					return;
			}
		}
	}
}

/* Take @dest out of the live table in place. Context: config mutex. */
static void mh_scrub(struct lvs_service *svc, struct lvs_sched_state *st,
		     struct lvs_dest *dest)
{
	struct mh_table *t;
	unsigned int i;

	t = rcu_dereference_protected(st->table,
				      lvs_service_config_held(svc));
	for (i = 0; t && i < MH_TAB_SIZE; i++)
		if (rcu_access_pointer(t->slot[i]) == dest)
			RCU_INIT_POINTER(t->slot[i], NULL);
	for (i = 0; i < st->n_weights; i++)
		if (st->weights[i].dest == dest)
			st->weights[i].dest = NULL;
}

static int mh_rebuild(struct lvs_service *svc, struct lvs_dest *dest,
		      enum mh_change change)
{
	struct mh_table *t = NULL, *old;
	unsigned long *taken = NULL;
	struct lvs_sched_state *st;
	struct mh_setup *s = NULL;
	unsigned int i, n = 0;
	struct mh_weight *w;
	struct lvs_dest *d;
	int g = 0;

	st = rcu_dereference_protected(svc->sched_state,
				       lvs_service_config_held(svc));
	list_for_each_entry(d, &svc->dests, list)
		n++;
	if (n > MH_TAB_SIZE)
		return -EINVAL;
	w = mh_weights(svc, st, n, dest, change);
	if (!w)
		goto nomem;
	for (i = 0; i < n; i++)
		if (w[i].last > 0)
			g = g ? gcd(g, w[i].last) : w[i].last;
	if (g) {
		t = kzalloc(sizeof(*t), GFP_KERNEL);
		s = kcalloc(n, sizeof(*s), GFP_KERNEL);
		taken = bitmap_zalloc(MH_TAB_SIZE, GFP_KERNEL);
		if (!t || !s || !taken) {
			kfree(w);
			kfree(t);
			goto nomem;
		}
		mh_fill(svc, t, w, n, s, taken, g);
		bitmap_free(taken);
		kfree(s);
	}
	old = rcu_replace_pointer(st->table, t,
				  lvs_service_config_held(svc));
	if (old)
		kfree_rcu(old, rcu);
	kfree(st->weights);
	st->weights = w;
	st->n_weights = n;
	return 0;

nomem:
	bitmap_free(taken);
	kfree(s);
	if (change == MH_DEL)
		mh_scrub(svc, st, dest);
	return -ENOMEM;
}

static int mh_init_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	rcu_assign_pointer(svc->sched_state, st);
	err = mh_rebuild(svc, NULL, MH_UPD);
	if (err) {
		RCU_INIT_POINTER(svc->sched_state, NULL);
		kfree(st);
	}
	return err;
}

static void mh_done_service(struct lvs_service *svc)
{
	struct lvs_sched_state *st;
	struct mh_table *t;

	st = rcu_replace_pointer(svc->sched_state, NULL,
				 lvs_service_config_held(svc));
	t = rcu_dereference_protected(st->table,
				      lvs_service_config_held(svc));
	if (t)
		kfree_rcu(t, rcu);
	kfree(st->weights);
	kfree_rcu(st, rcu);
}

static int mh_add_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	return mh_rebuild(svc, dest, MH_ADD);
}

static int mh_del_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	return mh_rebuild(svc, dest, MH_DEL);
}

static int mh_upd_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	return mh_rebuild(svc, dest, MH_UPD);
}

static bool mh_unavailable(const struct lvs_dest *dest)
{
	return READ_ONCE(dest->weight) <= 0 ||
	       test_bit(LVS_DEST_OVERLOAD, &dest->flags);
}

/* The ports of the protocols that have them, as IPVS reads them. */
static __be16 mh_port(const struct lvs_packet *pkt)
{
	switch (pkt->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		return pkt->sport;
	}
	return 0;
}

/* The real server of the slot key(src, port, @offset, K1) picks. */
static struct lvs_dest *mh_get(const struct mh_table *t, u16 af,
			       const union nf_inet_addr *addr, __be16 port,
			       unsigned int offset)
{
	unsigned int i = mh_key(af, addr, port, &mh_key1, offset) % MH_TAB_SIZE;

	return rcu_dereference(t->slot[i]);
}

static struct lvs_dest *mh_schedule(struct lvs_service *svc,
				    const struct lvs_packet *pkt)
{
	struct lvs_sched_state *st = rcu_dereference(svc->sched_state);
	u32 flags = READ_ONCE(svc->flags);
	struct lvs_dest *dest;
	struct mh_table *t;
	unsigned int h, k;
	__be16 port = 0;

	t = rcu_dereference(st->table);
	if (!t)
		return NULL;
	if (flags & LVS_SVC_F_MH_PORT)
		port = mh_port(pkt);
	h = mh_key(svc->af, &pkt->saddr, port, &mh_key1, 0) % MH_TAB_SIZE;
	dest = rcu_dereference(t->slot[h]);
	if (!dest)
		return NULL;
	if (!mh_unavailable(dest))
		return dest;
	if (!(flags & LVS_SVC_F_MH_FALLBACK))
		return NULL;
	for (k = 0; k < MH_TAB_SIZE; k++) {
		dest = mh_get(t, svc->af, &pkt->saddr, port,
			      (h + k) % MH_TAB_SIZE);
		if (!dest)
			return NULL;
		if (!mh_unavailable(dest))
			return dest;
	}
	return NULL;
}

static struct lvs_scheduler mh_scheduler = {
	.name = "mh",
	.owner = THIS_MODULE,
	.init_service = mh_init_service,
	.done_service = mh_done_service,
	.add_dest = mh_add_dest,
	.del_dest = mh_del_dest,
	.upd_dest = mh_upd_dest,
	.schedule = mh_schedule,
};

static int __init mh_init(void)
{
	return lvs_sched_register(&mh_scheduler);
}

static void __exit mh_exit(void)
{
	lvs_sched_unregister(&mh_scheduler);
}

module_init(mh_init);
module_exit(mh_exit);

MODULE_DESCRIPTION("lvs Maglev hashing scheduler");
MODULE_LICENSE("GPL");
MODULE_ALIAS("lvs_sched_mh");
