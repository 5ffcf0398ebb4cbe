// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net files in the IPVS text formats, per network namespace:
 *
 *   ip_vs               services and real servers (hex addresses)
 *   ip_vs_conn          connections; ipvsadm -L -c parses it
 *   ip_vs_conn_sync     connections with their origin (LOCAL or SYNC)
 *   ip_vs_stats         namespace totals
 *   ip_vs_stats_percpu  the same per CPU
 *
 * Readers walk the RCU structures the packet path uses, under
 * rcu_read_lock(), so concurrent changes can skip or repeat a line but
 * never show freed memory. Every file keeps its place between lines and
 * between reads, so that listing N entries costs time in proportion to N
 * (see below).
 */
#include <linux/proc_fs.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "lvs.h"

static const char *lvs_fwd_name(unsigned int fwd)
{
	switch (fwd & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_LOCALNODE:
		return "Local";
	case LVS_CONN_F_TUNNEL:
		return "Tunnel";
	case LVS_CONN_F_DROUTE:
		return "Route";
	}
	return "Masq";
}

/*
 * ip_vs: a service per line, each followed by its real servers.
 *
 * The reader keeps a cursor on the service it showed last: its chain of
 * the service table and its place in that chain, and its line number. The
 * next line, in this read or the next one, is found from there, by
 * walking at most the rest of that chain and the empty chains after it;
 * only a seek elsewhere walks from the first chain again. Services added
 * or removed between two reads may make the listing skip or repeat one.
 */
struct lvs_proc_svc_iter {
	struct seq_net_private p;	/* first: for seq_file_net() */
	unsigned int bucket;		/* the cursor's chain */
	unsigned int index;		/* its place in the chain */
	loff_t pos;			/* its *pos; 0: no cursor */
};

/*
 * The service @index places into chain @bucket, or the first one of a later
 * chain; it becomes the cursor. NULL past the last chain. Context: RCU.
 */
static struct lvs_service *lvs_proc_svc_from(struct lvs_net *lnet,
					     struct lvs_proc_svc_iter *it,
					     unsigned int bucket,
					     unsigned int index)
{
	struct lvs_service *svc;
	unsigned int i;

	for (; bucket < LVS_SVC_BUCKETS; bucket++, index = 0) {
		i = 0;
		hlist_for_each_entry_rcu(svc, &lnet->svc_table[bucket], node) {
			if (i++ < index)
				continue;
			it->bucket = bucket;
			it->index = index;
			return svc;
		}
	}
	return NULL;
}

/* The service after the cursor; the cursor moves to it. Context: RCU. */
static struct lvs_service *lvs_proc_svc_step(struct lvs_net *lnet,
					     struct lvs_proc_svc_iter *it)
{
	struct lvs_service *svc;

	svc = lvs_proc_svc_from(lnet, it, it->bucket, it->index + 1);
	it->pos = svc ? it->pos + 1 : 0;
	return svc;
}

static void *lvs_proc_svc_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct lvs_net *lnet = lvs_net(seq_file_net(seq));
	struct lvs_proc_svc_iter *it = seq->private;
	struct lvs_service *svc;

	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	/* where the last read stopped: on the cursor, or the line after it */
	if (it->pos && *pos == it->pos)
		return lvs_proc_svc_from(lnet, it, it->bucket, it->index);
	if (it->pos && *pos == it->pos + 1)
		return lvs_proc_svc_step(lnet, it);
	svc = lvs_proc_svc_from(lnet, it, 0, 0);
	it->pos = svc ? 1 : 0;
	while (svc && it->pos < *pos)
		svc = lvs_proc_svc_step(lnet, it);
	return svc;
}

static void *lvs_proc_svc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct lvs_proc_svc_iter *it = seq->private;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		v = lvs_proc_svc_from(lvs_net(seq_file_net(seq)), it, 0, 0);
		it->pos = v ? 1 : 0;
		return v;
	}
	return lvs_proc_svc_step(lvs_net(seq_file_net(seq)), it);
}

static void lvs_proc_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int lvs_proc_svc_show(struct seq_file *seq, void *v)
{
	struct lvs_net *lnet = lvs_net(seq_file_net(seq));
	const struct lvs_scheduler *sched;
	const struct lvs_service *svc = v;
	const struct lvs_dest *dest;
	const char *proto;
	u32 flags;

	if (v == SEQ_START_TOKEN) {
		seq_printf(seq, "IP Virtual Server version %d.%d.%d (size=%u)\n",
			   LVS_VERSION_CODE >> 16, (LVS_VERSION_CODE >> 8) & 0xff,
			   LVS_VERSION_CODE & 0xff,
			   lvs_conn_table_buckets(lnet));
		seq_puts(seq, "Prot LocalAddress:Port Scheduler Flags\n");
		seq_puts(seq, "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
		return 0;
	}

	sched = rcu_dereference(svc->sched);
	proto = lvs_proto(svc->protocol)->name;
	flags = READ_ONCE(svc->flags);
	if (svc->fwmark)
		seq_printf(seq, "FWM  %08X %s %s", svc->fwmark,
			   sched ? sched->name : "none",
			   flags & LVS_SVC_F_ONEPACKET ? "ops " : "");
	else if (svc->af == AF_INET6)
		seq_printf(seq, "%s  [%pI6]:%04X %s ", proto, &svc->addr.in6,
			   ntohs(svc->port), sched ? sched->name : "none");
	else
		seq_printf(seq, "%s  %08X:%04X %s %s", proto,
			   ntohl(svc->addr.ip), ntohs(svc->port),
			   sched ? sched->name : "none",
			   flags & LVS_SVC_F_ONEPACKET ? "ops " : "");
	if (flags & LVS_SVC_F_PERSISTENT)
		seq_printf(seq, "persistent %u %08X\n", READ_ONCE(svc->timeout),
			   ntohl(READ_ONCE(svc->netmask)));
	else
		seq_putc(seq, '\n');

	list_for_each_entry_rcu(dest, &svc->dests, list) {
		if (dest->af == AF_INET6)
			seq_printf(seq, "  -> [%pI6]:%04X", &dest->addr.in6,
				   ntohs(dest->port));
		else
			seq_printf(seq, "  -> %08X:%04X", ntohl(dest->addr.ip),
				   ntohs(dest->port));
		seq_printf(seq, "      %-7s %-6d %-10d %-10d\n",
			   lvs_fwd_name(READ_ONCE(dest->fwd)),
			   READ_ONCE(dest->weight),
			   atomic_read(&dest->activeconns),
			   atomic_read(&dest->inactconns));
	}
	return 0;
}

static const struct seq_operations lvs_proc_svc_ops = {
	.start = lvs_proc_svc_start,
	.next = lvs_proc_svc_next,
	.stop = lvs_proc_stop,
	.show = lvs_proc_svc_show,
};

/*
 * ip_vs_conn and ip_vs_conn_sync: a connection per line.
 *
 * The table can hold millions of connections, so a reader keeps one
 * rhashtable walk for the whole time the file is open: a read that goes on
 * where the previous one stopped resumes the walk at the connection it
 * stopped on (rhashtable_walk_peek()), and only a seek elsewhere, or a
 * resize of the table between two reads, walks again from the start to the
 * position. Reading the whole table costs time in proportion to its size.
 * The walk holds the RCU read lock between start and stop.
 */
struct lvs_proc_conn_iter {
	struct lvs_net *lnet;
	struct rhashtable_iter walk;
	loff_t pos;			/* of the connection the walk is at */
	/*
	 * the namespace had connection tables when the file was opened:
	 * @walk is on them, and they stay until release (conn_holders)
	 */
	bool walking;
};

static struct lvs_conn *lvs_proc_conn_walk_next(struct lvs_proc_conn_iter *it)
{
	struct lvs_conn *cp;

	do {
		cp = rhashtable_walk_next(&it->walk);
	} while (cp == ERR_PTR(-EAGAIN));
	if (IS_ERR(cp))
		return NULL;
	it->pos++;
	return cp;
}

static void *lvs_proc_conn_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct lvs_proc_conn_iter *it = seq->private;
	struct lvs_conn *cp = NULL;
	bool resumed;

	if (!it->walking) {
		rcu_read_lock();
		return *pos ? NULL : SEQ_START_TOKEN;
	}
	/* -EAGAIN: the table was resized and the walk starts over */
	resumed = !rhashtable_walk_start_check(&it->walk) && it->pos &&
		  *pos == it->pos;
	if (resumed) {
		cp = rhashtable_walk_peek(&it->walk);
		if (!IS_ERR_OR_NULL(cp))
			return cp;
	}
	rhashtable_walk_stop(&it->walk);
	rhashtable_walk_exit(&it->walk);
	rhashtable_walk_enter(&it->lnet->conn_in, &it->walk);
	rhashtable_walk_start(&it->walk);
	it->pos = 0;
	if (!*pos)
		return SEQ_START_TOKEN;
	while (it->pos < *pos) {
		cp = lvs_proc_conn_walk_next(it);
		if (!cp)
			return NULL;
	}
	return cp;
}

static void *lvs_proc_conn_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct lvs_proc_conn_iter *it = seq->private;

	++*pos;
	return it->walking ? lvs_proc_conn_walk_next(it) : NULL;
}

static void lvs_proc_conn_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	struct lvs_proc_conn_iter *it = seq->private;

	if (it->walking)
		rhashtable_walk_stop(&it->walk);
	else
		rcu_read_unlock();
}

/* Everything up to the state, as both files print it. */
static void lvs_proc_conn_common(struct seq_file *seq,
				 const struct lvs_conn *cp)
{
	const struct lvs_proto *proto = lvs_proto(cp->protocol);
	const char *name, *state;

	/* a firewall-mark service's template has protocol IPPROTO_IP */
	name = proto ? proto->name : "IP";
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		state = READ_ONCE(cp->state) == LVS_CTPL_S_ASSURED ?
			"ASSURED" : "NONE";
	else if (!proto)
		state = "NONE";
	else
		state = proto->state_names[READ_ONCE(cp->state)];
	if (cp->af == AF_INET6)
		seq_printf(seq, "%-3s %pI6 %04X %pI6 %04X ",
			   name, &cp->caddr.in6, ntohs(cp->cport),
			   &cp->vaddr.in6, ntohs(cp->vport));
	else
		seq_printf(seq, "%-3s %08X %04X %08X %04X ",
			   name, ntohl(cp->caddr.ip), ntohs(cp->cport),
			   ntohl(cp->vaddr.ip), ntohs(cp->vport));
	/*
	 * a tunnelled real server may be of the other family; a cache-bypass
	 * connection has none (its address prints as 0 of its own family)
	 */
	if ((cp->dest ? cp->dest->af : cp->af) == AF_INET6)
		seq_printf(seq, "%pI6 %04X %-11s", &cp->daddr.in6,
			   ntohs(cp->dport), state);
	else
		seq_printf(seq, "%08X %04X %-11s", ntohl(cp->daddr.ip),
			   ntohs(cp->dport), state);
}

static unsigned int lvs_proc_conn_expires(const struct lvs_conn *cp)
{
	long left = (long)(READ_ONCE(cp->expires) - jiffies);

	return left > 0 ? jiffies_to_msecs(left) / 1000 : 0;
}

static int lvs_proc_conn_show(struct seq_file *seq, void *v)
{
	const struct lvs_conn *cp = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
		return 0;
	}
	lvs_proc_conn_common(seq, cp);
	seq_printf(seq, " %7u", lvs_proc_conn_expires(cp));
	/* a Call-ID is made of SIP word characters: no blanks, no controls */
	if ((cp->flags & LVS_CONN_F_TEMPLATE) && cp->pe_data)
		seq_printf(seq, " %s %.*s", cp->pe_data->pe->name,
			   cp->pe_data->len, cp->pe_data->data);
	seq_putc(seq, '\n');
	return 0;
}

static int lvs_proc_conn_sync_show(struct seq_file *seq, void *v)
{
	const struct lvs_conn *cp = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n");
		return 0;
	}
	lvs_proc_conn_common(seq, cp);
	seq_printf(seq, " %-6s %7u\n",
		   cp->flags & LVS_CONN_F_SYNC ? "SYNC" : "LOCAL",
		   lvs_proc_conn_expires(cp));
	return 0;
}

static const struct seq_operations lvs_proc_conn_ops = {
	.start = lvs_proc_conn_start,
	.next = lvs_proc_conn_next,
	.stop = lvs_proc_conn_stop,
	.show = lvs_proc_conn_show,
};

static const struct seq_operations lvs_proc_conn_sync_ops = {
	.start = lvs_proc_conn_start,
	.next = lvs_proc_conn_next,
	.stop = lvs_proc_conn_stop,
	.show = lvs_proc_conn_sync_show,
};

/*
 * The entry's data is the namespace's struct lvs_net. The file holds no
 * reference on the namespace: when it goes, remove_proc_entry() releases
 * every open file (below) before the connection table is destroyed.
 */
static int lvs_proc_conn_open_ops(struct inode *inode, struct file *file,
				  const struct seq_operations *ops)
{
	struct lvs_proc_conn_iter *it;

	it = __seq_open_private(file, ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->lnet = pde_data(inode);
	/* no service yet, or none left: no tables, an empty listing */
	mutex_lock(&it->lnet->config_mutex);
	if (it->lnet->conn_tables) {
		rhashtable_walk_enter(&it->lnet->conn_in, &it->walk);
		it->lnet->conn_holders++;
		it->walking = true;
	}
	mutex_unlock(&it->lnet->config_mutex);
	return 0;
}

static int lvs_proc_conn_open(struct inode *inode, struct file *file)
{
	return lvs_proc_conn_open_ops(inode, file, &lvs_proc_conn_ops);
}

static int lvs_proc_conn_sync_open(struct inode *inode, struct file *file)
{
	return lvs_proc_conn_open_ops(inode, file, &lvs_proc_conn_sync_ops);
}

static int lvs_proc_conn_release(struct inode *inode, struct file *file)
{
	struct lvs_proc_conn_iter *it;

	it = ((struct seq_file *)file->private_data)->private;
	if (it->walking) {
		/* the defences' work frees the tables if that was the last */
		mutex_lock(&it->lnet->config_mutex);
		rhashtable_walk_exit(&it->walk);
		it->lnet->conn_holders--;
		mutex_unlock(&it->lnet->config_mutex);
	}
	return seq_release_private(inode, file);
}

static const struct proc_ops lvs_proc_conn_fops = {
	.proc_open = lvs_proc_conn_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = lvs_proc_conn_release,
};

static const struct proc_ops lvs_proc_conn_sync_fops = {
	.proc_open = lvs_proc_conn_sync_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = lvs_proc_conn_release,
};

/* ip_vs_stats and ip_vs_stats_percpu. */

static void lvs_proc_counters(struct seq_file *seq, const char *prefix,
			      const struct lvs_counters *c)
{
	seq_printf(seq, "%s%8llX %8llX %8llX %16llX %16llX\n", prefix,
		   c->conns, c->inpkts, c->outpkts, c->inbytes, c->outbytes);
}

static int lvs_proc_stats_show(struct seq_file *seq, void *v)
{
	struct lvs_net *lnet = lvs_net(seq_file_single_net(seq));
	struct lvs_counters c;

	lvs_stats_read(&lnet->stats, &c);
	seq_puts(seq, "   Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "   Conns  Packets  Packets            Bytes            Bytes\n");
	lvs_proc_counters(seq, "", &c);
	seq_puts(seq, "\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	lvs_est_read(&lnet->stats, &c);
	lvs_proc_counters(seq, "", &c);
	return 0;
}

static int lvs_proc_stats_percpu_show(struct seq_file *seq, void *v)
{
	struct lvs_net *lnet = lvs_net(seq_file_single_net(seq));
	struct lvs_counters c;
	char prefix[8];
	int cpu;

	seq_puts(seq, "       Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "CPU    Conns  Packets  Packets            Bytes            Bytes\n");
	/* per CPU since the start, as IPVS prints them; the total since ZERO */
	for_each_possible_cpu(cpu) {
		lvs_stats_read_cpu(&lnet->stats, cpu, &c);
		snprintf(prefix, sizeof(prefix), "%3X ", cpu);
		lvs_proc_counters(seq, prefix, &c);
	}
	lvs_stats_read(&lnet->stats, &c);
	lvs_proc_counters(seq, "  ~ ", &c);
	seq_puts(seq, "\n     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	lvs_est_read(&lnet->stats, &c);
	lvs_proc_counters(seq, "    ", &c);
	return 0;
}

int lvs_proc_init(struct lvs_net *lnet)
{
	struct net *net = lnet->net;

	if (!proc_create_net("ip_vs", 0444, net->proc_net, &lvs_proc_svc_ops,
			     sizeof(struct lvs_proc_svc_iter)) ||
	    !proc_create_data("ip_vs_conn", 0444, net->proc_net,
			      &lvs_proc_conn_fops, lnet) ||
	    !proc_create_data("ip_vs_conn_sync", 0444, net->proc_net,
			      &lvs_proc_conn_sync_fops, lnet) ||
	    !proc_create_net_single("ip_vs_stats", 0444, net->proc_net,
				    lvs_proc_stats_show, NULL) ||
	    !proc_create_net_single("ip_vs_stats_percpu", 0444, net->proc_net,
				    lvs_proc_stats_percpu_show, NULL)) {
		lvs_proc_exit(lnet);
		return -ENOMEM;
	}
	return 0;
}

void lvs_proc_exit(struct lvs_net *lnet)
{
	struct net *net = lnet->net;

	remove_proc_entry("ip_vs_stats_percpu", net->proc_net);
	remove_proc_entry("ip_vs_stats", net->proc_net);
	remove_proc_entry("ip_vs_conn_sync", net->proc_net);
	remove_proc_entry("ip_vs_conn", net->proc_net);
	remove_proc_entry("ip_vs", net->proc_net);
}
