// SPDX-License-Identifier: GPL-2.0
/*
 * The flood defences, as IPVS has them: when the machine runs short of
 * memory, a director under a SYN flood can drop connection entries
 * (drop_entry), drop packets that would open new connections
 * (drop_packet), and make TCP connections follow a stricter state table
 * (secure_tcp).
 *
 * Each of the three sysctls takes a mode: 0 never, 3 always, 1 and 2
 * automatic. In automatic mode the defence is active while available
 * memory (free pages plus block-device buffers, IPVS's measure) is below
 * amemthresh pages, and the sysctl reads 2 while it is, 1 while it is not.
 * Once a second a work item of the namespace (process context) measures
 * memory, moves the modes and works out what the packet path reads:
 *
 *   drop_packet  one new connection in drop_rate is dropped. In automatic
 *                mode drop_rate = amemthresh / (amemthresh - available),
 *                so it drops more as memory runs out (1: every one); in
 *                mode 3 it is am_droprate.
 *   secure_tcp   TCP state changes follow lvs_proto.next_state_secure.
 *   drop_entry   the work itself looks at 1/32 of the connection table's
 *                buckets, chosen at random, and ends the connections in
 *                them that a flood leaves behind: TCP handshakes not
 *                completed (SYN_RECV, SYNACK), persistence templates that
 *                no connection uses and none ever confirmed, and
 *                connections idle for a minute after 1 to 8 packets from
 *                their client (TCP established ones, UDP) -- of these,
 *                one in n for those with n packets.
 *
 * Writing drop_entry, drop_packet or secure_tcp takes effect at once, as
 * in IPVS; amemthresh and am_droprate are read by the next update.
 *
 * Cost on the packet path: one read of drop_rate for a packet that would
 * open a connection, and one of secure_tcp per packet of a connection; a
 * dropping CPU counts down its own counter. drop_entry touches no packet:
 * a connection only keeps a count of its client's first packets
 * (lvs_conn.in_pkts, conn.c), written for the first nine packets.
 *
 * Concurrency: lvs_defense.mutex serialises the work and sysctl writers;
 * the values the packet path reads are single words written with
 * WRITE_ONCE(). The drop_entry scan walks buckets under RCU with bottom
 * halves disabled, as the packet path does, and ends a connection the way
 * the packet path ends one (lvs_conn_end()); a bucket that a resize is
 * moving may lead the walk into another chain, which only changes which
 * entries this round looks at.
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/sysctl.h>
#include <linux/workqueue.h>

#include "lvs.h"

#define LVS_DEFENSE_PERIOD	HZ
/* buckets looked at between chances for other tasks to run */
#define LVS_DEFENSE_BATCH	64
/* an idle connection is spared for this long after its last packet */
#define LVS_DEFENSE_IDLE	(60 * HZ)

/* Available memory in pages, as IPVS measures it. */
static unsigned long lvs_defense_avail(void)
{
	struct sysinfo si;

	si_meminfo(&si);
	return si.freeram + si.bufferram;
}

/*
 * Move the automatic mode in @mode to 2 while @low, to 1 otherwise.
 * Return whether the defence is active.
 */
static bool lvs_defense_mode(int *mode, bool low)
{
	switch (READ_ONCE(*mode)) {
	case 1:
	case 2:
		WRITE_ONCE(*mode, low ? 2 : 1);
		return low;
	case 3:
		return true;
	}
	return false;
}

/* Work out every defence anew. Context: process, lvs_defense.mutex. */
static void lvs_defense_update(struct lvs_net *lnet)
{
	struct lvs_defense *d = &lnet->defense;
	struct lvs_sysctl *s = &lnet->sysctl;
	unsigned long avail, thresh;
	int rate = 0;
	bool low;

	lockdep_assert_held(&d->mutex);
	thresh = max(READ_ONCE(s->amemthresh), 0);
	avail = lvs_defense_avail();
	low = avail < thresh;

	d->drop_entry = lvs_defense_mode(&s->drop_entry, low);

	if (lvs_defense_mode(&s->drop_packet, low)) {
		if (READ_ONCE(s->drop_packet) == 3)
			/* IPVS drops every packet for a negative rate */
			rate = max(READ_ONCE(s->am_droprate), -1);
		else
			rate = thresh / (thresh - avail);
	}
	WRITE_ONCE(d->drop_rate, rate);

	WRITE_ONCE(d->secure_tcp, lvs_defense_mode(&s->secure_tcp, low));
}

/**
 * lvs_defense_drop - drop_packet is active: is this new connection one to
 *	drop?
 * @d: the namespace's defences
 * @rate: their drop_rate, nonzero (negative: drop every one)
 *
 * Each CPU drops one connection in @rate of those it sees.
 * Context: the packet path (softirq, or a hook in process context).
 */
bool lvs_defense_drop(struct lvs_defense *d, int rate)
{
	if (this_cpu_dec_return(*d->drop_count) > 0)
		return false;
	this_cpu_write(*d->drop_count, rate);
	return true;
}

/*
 * drop_entry's rule for connections that may be real but quiet: spared
 * while they had a packet in the last minute, or more than 8 packets from
 * their client, or none; otherwise one in n of those with n packets.
 */
static bool lvs_defense_idle_victim(struct lvs_defense *d,
				    const struct lvs_conn *cp)
{
	unsigned long last = READ_ONCE(cp->expires) -
			     lvs_conn_timeout(cp, READ_ONCE(cp->state));
	unsigned int n = READ_ONCE(cp->in_pkts);

	if (time_before(jiffies, last + LVS_DEFENSE_IDLE))
		return false;
	if (!n || n >= LVS_CONN_IN_PKTS_MAX)
		return false;
	if (--d->todrop_count[n] > 0)
		return false;
	d->todrop_count[n] = n;
	return true;
}

/* Is @cp one that drop_entry ends? Context: RCU, lvs_defense.mutex. */
static bool lvs_defense_victim(struct lvs_defense *d, const struct lvs_conn *cp)
{
	if (cp->flags & LVS_CONN_F_TEMPLATE) {
		/* in use, or on its way out */
		if (atomic_read(&cp->n_control))
			return false;
		/* --ops: its datagrams are counted on the template */
		if (READ_ONCE(cp->dest->svc->flags) & LVS_SVC_F_ONEPACKET)
			return lvs_defense_idle_victim(d, cp);
		return READ_ONCE(cp->state) != LVS_CTPL_S_ASSURED;
	}
	switch (cp->protocol) {
	case IPPROTO_TCP:
		switch (READ_ONCE(cp->state)) {
		case LVS_TCP_S_SYN_RECV:
		case LVS_TCP_S_SYNACK:
			return true;
		case LVS_TCP_S_ESTABLISHED:
			return lvs_defense_idle_victim(d, cp);
		}
		return false;
	case IPPROTO_SCTP:
		switch (READ_ONCE(cp->state)) {
		case LVS_SCTP_S_INIT1:
		case LVS_SCTP_S_INIT:
			return true;
		case LVS_SCTP_S_ESTABLISHED:
			return lvs_defense_idle_victim(d, cp);
		}
		return false;
	case IPPROTO_UDP:
		return lvs_defense_idle_victim(d, cp);
	}
	return false;
}

/*
 * One round of drop_entry: 1/32 of the buckets of the connection table,
 * at random, as IPVS scans its table. Context: process,
 * lvs_defense.mutex.
 */
static void lvs_defense_drop_entries(struct lvs_net *lnet)
{
	struct rhashtable *ht = &lnet->conn_in;
	struct lvs_defense *d = &lnet->defense;
	const struct bucket_table *tbl;
	unsigned int n, i, hash;
	struct rhash_head *pos;
	struct lvs_conn *cp;

	rcu_read_lock();
	n = rht_dereference_rcu(ht->tbl, ht)->size >> 5;
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		local_bh_disable();
		rcu_read_lock();
		/* the table may have been resized since the last bucket */
		tbl = rht_dereference_rcu(ht->tbl, ht);
		hash = get_random_u32() & (tbl->size - 1);
		rht_for_each_entry_rcu(cp, pos, tbl, hash, in_node) {
			if (lvs_defense_victim(d, cp))
				lvs_conn_end(cp);
		}
		rcu_read_unlock();
		local_bh_enable();
		if (i % LVS_DEFENSE_BATCH == LVS_DEFENSE_BATCH - 1)
			cond_resched();
	}
}

static void lvs_defense_work(struct work_struct *work)
{
	struct lvs_net *lnet = container_of(to_delayed_work(work),
					    struct lvs_net, defense.work);
	struct lvs_defense *d = &lnet->defense;

	mutex_lock(&d->mutex);
	lvs_defense_update(lnet);
	if (d->drop_entry)
		lvs_defense_drop_entries(lnet);
	mutex_unlock(&d->mutex);
	/* connections outlived the last service: the last of them went */
	if (lvs_net_try_idle(lnet))
		return;
	queue_delayed_work(system_long_wq, &d->work, LVS_DEFENSE_PERIOD);
}

/**
 * lvs_defense_sysctl - proc handler of drop_entry, drop_packet and
 *	secure_tcp
 * @table: the entry; its extra2 is the struct lvs_net
 * @write: a write
 * @buffer: the text
 * @lenp: its length
 * @ppos: the file position
 *
 * A mode from 0 to 3, anything else is -EINVAL and changes nothing; a new
 * mode takes effect at once.
 *
 * Return: 0 or a negative error.
 */
int lvs_defense_sysctl(lvs_ctl_table_const struct ctl_table *table,
		       int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	struct lvs_net *lnet = table->extra2;
	int *mode = table->data;
	int val = READ_ONCE(*mode);
	struct ctl_table tmp = {
		.data = &val,
		.maxlen = sizeof(val),
		.mode = table->mode,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_THREE,
	};
	int err;

	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	mutex_lock(&lnet->defense.mutex);
	WRITE_ONCE(*mode, val);
	lvs_defense_update(lnet);
	mutex_unlock(&lnet->defense.mutex);
	return 0;
}

/* Before the sysctls appear: their handler uses this state. */
int lvs_defense_init(struct lvs_net *lnet)
{
	struct lvs_defense *d = &lnet->defense;

	d->drop_count = alloc_percpu(int);
	if (!d->drop_count)
		return -ENOMEM;
	mutex_init(&d->mutex);
	INIT_DELAYED_WORK(&d->work, lvs_defense_work);
	return 0;
}

/*
 * The work runs from the first service until the namespace is idle: no
 * service and no connection (lvs_net_idle(), lvs_net_try_idle()). Once
 * running it requeues itself, so starting it again changes nothing.
 * Context: the config mutex.
 */
void lvs_defense_start(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	queue_delayed_work(system_long_wq, &lnet->defense.work, 0);
}

/*
 * Context: the config mutex; the work takes it only with
 * mutex_trylock(), so waiting for it here cannot deadlock.
 */
void lvs_defense_stop(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	cancel_delayed_work_sync(&lnet->defense.work);
}

/*
 * After the sysctls and the hooks are gone, before the connection table
 * goes: nothing but the work uses this state any more.
 */
void lvs_defense_exit(struct lvs_net *lnet)
{
	cancel_delayed_work_sync(&lnet->defense.work);
	free_percpu(lnet->defense.drop_count);
}
