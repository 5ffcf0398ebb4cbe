// SPDX-License-Identifier: GPL-2.0
/*
 * Connection synchronisation: the master and backup daemons of a
 * namespace (the messages themselves are sync_msg.c's).
 *
 * Master. The packet path (lvs_sync_conn(), softirq) decides, per packet
 * from a client, whether the connection (and its persistence template)
 * is worth telling the backups about: TCP and SCTP when their state
 * changes to one of those a backup needs, and at most once per
 * sync_refresh_period (with sync_retries), and by packet count
 * (sync_threshold, sync_period) for the rest. It appends the connection
 * to the current message of one of the sync_ports sender threads, chosen
 * by the connection's address, and queues full messages (at most
 * sync_qlen_max). Each thread sends its queue as multicast UDP from the
 * daemon's interface, to the group's port plus its number, and sends a
 * message that has been filling for two seconds even if it is not full.
 *
 * Backup. One thread per port receives messages, checks them
 * (sync_msg.c) and makes or updates the connections they describe
 * through conn.c's lifecycle, marked synced, bound to the backup's own
 * real server with the same address and port in the same service (an
 * entry for a real server the backup does not have is left for a later
 * message: see lvs_sync_apply()).
 *
 * Lifetime. The backup holds the connection tables from its start to its
 * stop (lvs_net_hold_tables()): a namespace makes them with its first
 * service otherwise. The threads and their sockets belong to struct lvs_sync;
 * they are made and stopped under its mutex by NEW_DAEMON, DEL_DAEMON
 * and the namespace's exit (which module unload goes through). Stopping
 * a master first clears its bit in @state under @lock, after which no
 * packet touches its queues; then the threads are stopped and what was
 * queued is freed. A thread is woken by the packet path only under
 * @lock while the bit is set, so never after kthread_stop().
 */
#include <linux/hash.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include "lvs.h"
#include "sync_msg.h"

#define LVS_SYNC_GROUP		0xe0000051	/* 224.0.0.81 */
#define LVS_SYNC_PORT		8848
#define LVS_SYNC_PORTS_MAX	16		/* sender or receiver threads */
#define LVS_SYNC_FLUSH_TIME	(2 * HZ)	/* a message waits at most */
#define LVS_SYNC_CHECK_PERIOD	HZ		/* a sender looks this often */

/* A message being filled or waiting to be sent. */
struct lvs_sync_buf {
	struct list_head list;
	unsigned long firstuse;
	struct lvs_sync_writer w;
	u8 data[];
};

/**
 * struct lvs_sync_thread - one sender or receiver
 * @task: the thread
 * @sock: its socket, to or from the group's port plus @id
 * @lnet: its namespace
 * @id: its number, 0 .. sync_ports - 1
 * @cur: the master's message being filled; under lvs_sync.lock
 * @queue: full messages, @qlen of them; under lvs_sync.lock
 * @qlen: see @queue
 * @rbuf: the backup's receive buffer, bcfg.maxlen bytes
 */
struct lvs_sync_thread {
	struct task_struct *task;
	struct socket *sock;
	struct lvs_net *lnet;
	unsigned int id;
	struct lvs_sync_buf *cur;
	struct list_head queue;
	unsigned long qlen;
	u8 *rbuf;
};

/* ---- master: what to send and when (packet path) ---- */

/* TCP and SCTP states whose connections a backup needs. */
#define LVS_SYNC_TCP_STATES	(BIT(LVS_TCP_S_ESTABLISHED) | \
				 BIT(LVS_TCP_S_FIN_WAIT) | \
				 BIT(LVS_TCP_S_CLOSE) | \
				 BIT(LVS_TCP_S_CLOSE_WAIT) | \
				 BIT(LVS_TCP_S_TIME_WAIT))
#define LVS_SYNC_SCTP_STATES	(BIT(LVS_SCTP_S_ESTABLISHED) | \
				 BIT(LVS_SCTP_S_SHUTDOWN_SENT) | \
				 BIT(LVS_SCTP_S_SHUTDOWN_RECEIVED) | \
				 BIT(LVS_SCTP_S_SHUTDOWN_ACK_SENT) | \
				 BIT(LVS_SCTP_S_CLOSED))

/*
 * Whether @cp, having seen @pkts packets from its client, is to be sent
 * now. ->sync_endtime remembers when the last sync would expire the
 * connection on the backup (jiffies modulo 2^32, as every comparison here
 * is; low two bits: retries so far), so that with
 * sync_refresh_period a connection is sent again only when the backup's
 * idea of its end drifted that far; the compare-and-exchange lets one of
 * several CPUs with packets of @cp send it.
 */
bool lvs_sync_needed(struct lvs_net *lnet, struct lvs_conn *cp,
		     unsigned int pkts)
{
	const struct lvs_sysctl *s = &lnet->sysctl;
	u32 orig = READ_ONCE(cp->sync_endtime);
	unsigned int state = READ_ONCE(cp->state);
	unsigned long timeout = lvs_conn_timeout(cp, state);
	unsigned long now = jiffies;
	u32 n = (u32)(now + timeout) & ~3U;
	unsigned int refresh, mask = 0;
	bool force = false;
	int period;

	if (cp->flags & LVS_CONN_F_TEMPLATE)
		goto rate;
	if (READ_ONCE(s->sync_persist_mode) && cp->control)
		return false;
	if (cp->protocol == IPPROTO_TCP)
		mask = LVS_SYNC_TCP_STATES;
	else if (cp->protocol == IPPROTO_SCTP)
		mask = LVS_SYNC_SCTP_STATES;
	if (mask) {
		if (!(BIT(state) & mask))
			return false;
		force = state != READ_ONCE(cp->old_state);
		if (force && state != (cp->protocol == IPPROTO_TCP ?
				       LVS_TCP_S_ESTABLISHED :
				       LVS_SCTP_S_ESTABLISHED))
			goto set;
	}
rate:
	refresh = READ_ONCE(s->sync_refresh_period);
	if (refresh) {
		s32 diff = n - orig;
		long min_diff = max(timeout >> 1, 10UL * HZ);

		if (abs(diff) < min_t(long, refresh, min_diff)) {
			unsigned int retries = orig & 3;

			if (retries >= READ_ONCE(s->sync_retries))
				return false;
			if (time_before32((u32)now, orig - (u32)timeout +
					  (refresh >> 3)))
				return false;
			n |= retries + 1;
		}
	}
	period = READ_ONCE(s->sync_threshold[1]);
	if (period > 0) {
		if (!(cp->flags & LVS_CONN_F_TEMPLATE) &&
		    pkts % period != READ_ONCE(s->sync_threshold[0]))
			return false;
	} else if (!refresh && pkts != READ_ONCE(s->sync_threshold[0])) {
		return false;
	}
set:
	WRITE_ONCE(cp->old_state, state);
	return cmpxchg(&cp->sync_endtime, orig, n) == orig || force;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sync_needed);

/* @cp as a message entry; engine data points into @cp. */
static void lvs_sync_fill(const struct lvs_conn *cp, struct lvs_sync_conn *c)
{
	const struct lvs_dest *dest = cp->dest;
	unsigned int state = READ_ONCE(cp->state);

	memset(c, 0, sizeof(*c));
	c->af = cp->af;
	c->protocol = cp->protocol;
	c->caddr = cp->caddr;
	c->vaddr = cp->vaddr;
	c->daddr = cp->daddr;
	c->cport = cp->cport;
	c->vport = cp->vport;
	c->dport = cp->dport;
	c->flags = READ_ONCE(cp->flags) & ~LVS_CONN_F_NFCT;
	c->state = state;
	c->timeout = lvs_conn_timeout(cp, state) / HZ;
	if (dest)
		c->fwmark = READ_ONCE(dest->svc)->fwmark;
	if ((cp->flags & LVS_CONN_F_TEMPLATE) && cp->pe_data) {
		c->pe_data = cp->pe_data->data;
		c->pe_data_len = cp->pe_data->len;
		c->pe_name = cp->pe_data->pe->name;
		c->pe_name_len = strnlen(c->pe_name, LVS_SYNC_PE_NAME_MAX);
	}
}

static struct lvs_sync_buf *lvs_sync_buf_new(const struct lvs_sync_cfg *cfg,
					     u8 version, unsigned int need)
{
	unsigned int cap = max_t(unsigned int, cfg->maxlen,
				 LVS_SYNC_HDR_V1_LEN + need);
	struct lvs_sync_buf *sb;

	sb = kmalloc(struct_size(sb, data, cap), GFP_ATOMIC);
	if (!sb)
		return NULL;
	sb->firstuse = jiffies;
	lvs_sync_writer_init(&sb->w, sb->data, cap, version, cfg->syncid);
	return sb;
}

/* Queue @t's current message for sending. Context: lvs_sync.lock. */
static void lvs_sync_push(struct lvs_net *lnet, struct lvs_sync_thread *t)
{
	struct lvs_sync_buf *sb = t->cur;

	t->cur = NULL;
	if (t->qlen >= READ_ONCE(lnet->sysctl.sync_qlen_max)) {
		kfree(sb);
		return;
	}
	list_add_tail(&sb->list, &t->queue);
	t->qlen++;
	wake_up_process(t->task);
}

static void lvs_sync_queue(struct lvs_net *lnet, struct lvs_conn *cp)
{
	u8 version = READ_ONCE(lnet->sysctl.sync_version) ? 1 : 0;
	struct lvs_sync *sy = &lnet->sync;
	struct lvs_sync_thread *t;
	struct lvs_sync_conn c;
	unsigned int need;

	lvs_sync_fill(cp, &c);
	need = lvs_sync_conn_len(&c, version);
	if (!need)
		return;
	spin_lock(&sy->lock);
	if (!(sy->state & LVS_DAEMON_MASTER))
		goto unlock;
	t = &sy->master[hash_ptr(cp, 16) % sy->n_master];
	if (t->cur && t->cur->w.version != version)
		lvs_sync_push(lnet, t);
	if (t->cur && lvs_sync_writer_add(&t->cur->w, &c) == 0)
		goto unlock;
	if (t->cur)
		lvs_sync_push(lnet, t);
	t->cur = lvs_sync_buf_new(&sy->mcfg, version, need);
	if (t->cur)
		lvs_sync_writer_add(&t->cur->w, &c);
unlock:
	spin_unlock(&sy->lock);
}

/* A packet from a client: count it; the count wraps at 65536. */
static unsigned int lvs_sync_count(struct lvs_conn *cp)
{
	u16 n = READ_ONCE(cp->sync_pkts) + 1;

	WRITE_ONCE(cp->sync_pkts, n);
	return n;
}

/**
 * lvs_sync_conn - a packet from the client of @cp passed; tell the backups
 * @lnet: the namespace, which runs a master daemon
 * @cp: the connection, and through it its persistence template
 *
 * Context: softirq, rcu_read_lock().
 */
void lvs_sync_conn(struct lvs_net *lnet, struct lvs_conn *cp)
{
	unsigned int pkts;

	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		pkts = READ_ONCE(lnet->sysctl.sync_threshold[0]);
	else
		pkts = lvs_sync_count(cp);
	for (;;) {
		if (!(cp->flags & LVS_CONN_F_ONE_PACKET) &&
		    lvs_sync_needed(lnet, cp, pkts))
			lvs_sync_queue(lnet, cp);
		if ((cp->flags & LVS_CONN_F_TEMPLATE) || !cp->control)
			return;
		cp = cp->control;
		pkts = lvs_sync_count(cp);
	}
}

/* ---- master: the sender threads ---- */

static struct lvs_sync_buf *lvs_sync_next(struct lvs_sync_thread *t)
{
	struct lvs_sync *sy = &t->lnet->sync;
	struct lvs_sync_buf *sb;

	spin_lock_bh(&sy->lock);
	sb = list_first_entry_or_null(&t->queue, struct lvs_sync_buf, list);
	if (sb) {
		list_del(&sb->list);
		t->qlen--;
	} else if (t->cur && time_after_eq(jiffies, t->cur->firstuse +
					   LVS_SYNC_FLUSH_TIME)) {
		sb = t->cur;
		t->cur = NULL;
	}
	spin_unlock_bh(&sy->lock);
	return sb;
}

static void lvs_sync_send(struct lvs_sync_thread *t,
			  const struct lvs_sync_buf *sb)
{
	struct kvec iov = { .iov_base = (void *)sb->data,
			    .iov_len = sb->w.len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };

	while (kernel_sendmsg(t->sock, &msg, &iov, 1, iov.iov_len) == -EAGAIN &&
	       !kthread_should_stop())
		schedule_timeout_interruptible(1);
}

static int lvs_sync_master_fn(void *arg)
{
	struct lvs_sync_thread *t = arg;
	struct lvs_sync_buf *sb;

	while (!kthread_should_stop()) {
		/* before looking: a packet's wake-up then is not lost */
		set_current_state(TASK_INTERRUPTIBLE);
		sb = lvs_sync_next(t);
		if (!sb) {
			if (!kthread_should_stop())
				schedule_timeout(LVS_SYNC_CHECK_PERIOD);
			continue;
		}
		__set_current_state(TASK_RUNNING);
		lvs_sync_send(t, sb);
		kfree(sb);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* ---- backup ---- */

/*
 * The backup's real server for @c: in the service the connection would
 * belong to here, the one with its address and port (a firewall-mark
 * service's real servers other than NAT ones may have no port).
 * Context: RCU.
 */
static struct lvs_dest *lvs_sync_find_dest(struct lvs_net *lnet,
					   const struct lvs_sync_conn *c)
{
	unsigned int fwd = c->flags & LVS_CONN_F_FWD_MASK;
	struct lvs_service *svc;
	struct lvs_dest *dest;
	__be16 port = c->dport;
	int pass;

	svc = lvs_service_lookup(lnet, c->af, c->protocol, &c->vaddr, c->vport,
				 c->fwmark);
	if (!svc)
		return NULL;
	if (c->fwmark && fwd != LVS_CONN_F_MASQ)
		port = 0;
	for (pass = 0; pass < 2; pass++) {
		list_for_each_entry_rcu(dest, &svc->dests, list)
			if (dest->af == c->af && dest->port == port &&
			    lvs_addr_equal(c->af, &dest->addr, &c->daddr))
				return dest;
		port ^= c->dport;
	}
	return NULL;
}

/*
 * One entry of a received message: update the connection it describes,
 * or make it. A connection that now goes to another real server is ended
 * and made anew, unless the entry only says the old one is inactive.
 * Context: BH disabled, RCU.
 */
static void lvs_sync_apply(void *arg, const struct lvs_sync_conn *c)
{
	bool template = c->flags & LVS_CONN_F_TEMPLATE;
	struct lvs_net *lnet = arg;
	struct lvs_conn_param p = {
		.af = c->af, .protocol = c->protocol,
		.caddr = &c->caddr, .vaddr = &c->vaddr,
		.cport = c->cport, .vport = c->vport,
	};
	char name[LVS_SYNC_PE_NAME_MAX + 1];
	unsigned long timeout = 0;
	struct lvs_dest *dest;
	struct lvs_conn *cp;

	if (c->pe_data) {
		memcpy(name, c->pe_name, c->pe_name_len);
		name[c->pe_name_len] = '\0';
		p.pe = lvs_pe_find(name);
		if (!p.pe)
			return;
		if (template) {
			p.pe_data = c->pe_data;
			p.pe_len = c->pe_data_len;
		} else {
			p.pe = NULL;
		}
	}
	if (c->timeout)
		timeout = min_t(unsigned long, c->timeout,
				MAX_SCHEDULE_TIMEOUT / HZ) * HZ;
	cp = lvs_conn_find(lnet, &p, template);
	if (cp && !template &&
	    (cp->dport != c->dport ||
	     !lvs_addr_equal(c->af, &cp->daddr, &c->daddr))) {
		if (c->flags & LVS_CONN_F_INACTIVE)
			return;
		lvs_conn_end(cp);
		cp = NULL;
	}
	if (cp) {
		lvs_conn_sync_update(cp, c->flags, c->state, timeout);
		return;
	}
	/*
	 * IPVS keeps a connection it has no real server for, unbound; the
	 * packet path here needs one, so such an entry waits for the next
	 * message, when the real server may be configured.
	 */
	dest = lvs_sync_find_dest(lnet, c);
	if (dest && !lvs_conns_full(lnet))
		lvs_conn_new_synced(lnet, &p, dest, &c->daddr, c->dport,
				    c->flags, c->state, timeout);
}

static bool lvs_sync_rx_ready(struct sock *sk)
{
	return !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
	       !skb_queue_empty_lockless(&udp_sk(sk)->reader_queue);
}

static int lvs_sync_backup_fn(void *arg)
{
	struct lvs_sync_thread *t = arg;
	struct lvs_net *lnet = t->lnet;
	struct sock *sk = t->sock->sk;
	unsigned int maxlen = lnet->sync.bcfg.maxlen;
	u8 syncid = lnet->sync.bcfg.syncid;

	while (!kthread_should_stop()) {
		wait_event_interruptible(*sk_sleep(sk),
					 lvs_sync_rx_ready(sk) ||
					 kthread_should_stop());
		while (lvs_sync_rx_ready(sk) && !kthread_should_stop()) {
			struct kvec iov = { t->rbuf, maxlen };
			struct msghdr msg = { };
			struct lvs_sync_read res;
			int len;

			len = kernel_recvmsg(t->sock, &msg, &iov, 1, maxlen,
					     MSG_DONTWAIT);
			if (len <= 0)
				break;
			local_bh_disable();
			rcu_read_lock();
			lvs_sync_read_msg(t->rbuf, len, syncid, lvs_sync_apply,
					  lnet, &res);
			rcu_read_unlock();
			local_bh_enable();
			cond_resched();
		}
	}
	return 0;
}

/* ---- sockets ---- */

static int lvs_sync_setopt(struct socket *sock, int level, int name, int val)
{
	return sock->ops->setsockopt(sock, level, name, KERNEL_SOCKPTR(&val),
				     sizeof(val));
}

static int lvs_sync_bufsize(struct socket *sock, int name, int val)
{
	if (val <= 0)
		return 0;
	return sock_setsockopt(sock, SOL_SOCKET, name, KERNEL_SOCKPTR(&val),
			       sizeof(val));
}

static void lvs_sync_sockaddr(const struct lvs_sync_cfg *cfg, unsigned int id,
			      struct sockaddr_storage *ss, int *len)
{
	memset(ss, 0, sizeof(*ss));
	if (cfg->af == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(cfg->port + id);
		sin6->sin6_addr = cfg->group.in6;
		*len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(cfg->port + id);
		sin->sin_addr.s_addr = cfg->group.ip;
		*len = sizeof(*sin);
	}
}

/* The master's socket: multicast out of @dev, not looped back. */
static int lvs_sync_send_sock(struct lvs_net *lnet, struct lvs_sync_thread *t,
			      struct net_device *dev)
{
	const struct lvs_sync_cfg *cfg = &lnet->sync.mcfg;
	struct socket *sock = t->sock;
	struct sockaddr_storage ss;
	int len, err;

	if (cfg->af == AF_INET6) {
		err = lvs_sync_setopt(sock, SOL_IPV6, IPV6_MULTICAST_IF,
				      dev->ifindex) ?:
		      lvs_sync_setopt(sock, SOL_IPV6, IPV6_MULTICAST_LOOP, 0) ?:
		      lvs_sync_setopt(sock, SOL_IPV6, IPV6_MULTICAST_HOPS,
				      cfg->ttl) ?:
		      lvs_sync_setopt(sock, SOL_IPV6, IPV6_MTU_DISCOVER,
				      IPV6_PMTUDISC_DONT);
	} else {
		struct ip_mreqn mreq = { .imr_ifindex = dev->ifindex };

		err = sock->ops->setsockopt(sock, SOL_IP, IP_MULTICAST_IF,
					    KERNEL_SOCKPTR(&mreq),
					    sizeof(mreq)) ?:
		      lvs_sync_setopt(sock, SOL_IP, IP_MULTICAST_LOOP, 0) ?:
		      lvs_sync_setopt(sock, SOL_IP, IP_MULTICAST_TTL, cfg->ttl) ?:
		      lvs_sync_setopt(sock, SOL_IP, IP_MTU_DISCOVER,
				      IP_PMTUDISC_DONT);
	}
	if (!err)
		err = lvs_sync_bufsize(sock, SO_SNDBUF,
				       READ_ONCE(lnet->sysctl.sync_sock_size));
	if (!err && cfg->af == AF_INET) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = inet_select_addr(dev, 0,
							    RT_SCOPE_UNIVERSE),
		};

		err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (err)
		return err;
	lvs_sync_sockaddr(cfg, t->id, &ss, &len);
	return kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
}

/* The backup's socket: the group's port on @dev, the group joined. */
static int lvs_sync_recv_sock(struct lvs_net *lnet, struct lvs_sync_thread *t,
			      struct net_device *dev)
{
	const struct lvs_sync_cfg *cfg = &lnet->sync.bcfg;
	struct socket *sock = t->sock;
	struct sockaddr_storage ss;
	int len, err;

	sock->sk->sk_reuse = SK_CAN_REUSE;
	err = lvs_sync_bufsize(sock, SO_RCVBUF,
			       READ_ONCE(lnet->sysctl.sync_sock_size));
	if (!err)
		err = sock_bindtoindex(sock->sk, dev->ifindex, true);
	if (err)
		return err;
	lvs_sync_sockaddr(cfg, t->id, &ss, &len);
	err = kernel_bind(sock, (struct sockaddr *)&ss, len);
	if (err)
		return err;
	if (cfg->af == AF_INET6) {
		struct ipv6_mreq mreq = {
			.ipv6mr_multiaddr = cfg->group.in6,
			.ipv6mr_ifindex = dev->ifindex,
		};

		return sock->ops->setsockopt(sock, SOL_IPV6,
					     IPV6_ADD_MEMBERSHIP,
					     KERNEL_SOCKPTR(&mreq),
					     sizeof(mreq));
	}
	{
		struct ip_mreqn mreq = {
			.imr_multiaddr.s_addr = cfg->group.ip,
			.imr_ifindex = dev->ifindex,
		};

		return sock->ops->setsockopt(sock, SOL_IP, IP_ADD_MEMBERSHIP,
					     KERNEL_SOCKPTR(&mreq),
					     sizeof(mreq));
	}
}

/* ---- start and stop ---- */

/* Stop @n threads of @ts, free what they had. Context: lvs_sync.mutex. */
static void lvs_sync_threads_free(struct lvs_sync_thread *ts, unsigned int n)
{
	struct lvs_sync_buf *sb, *tmp;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct lvs_sync_thread *t = &ts[i];

		if (t->task)
			kthread_stop(t->task);
		/* nobody else sees the queue any more */
		list_for_each_entry_safe(sb, tmp, &t->queue, list)
			kfree(sb);
		kfree(t->cur);
		if (t->sock)
			sock_release(t->sock);
		kfree(t->rbuf);
	}
	kfree(ts);
}

/*
 * Fill in what NEW_DAEMON left out and size the messages to @dev: a
 * master's fit a 1500-byte MTU, a backup takes what its link carries.
 */
static void lvs_sync_cfg_defaults(struct lvs_sync_cfg *cfg,
				  const struct net_device *dev, bool backup)
{
	unsigned int hlen, mtu, min;

	if (cfg->af == AF_UNSPEC) {
		cfg->af = AF_INET;
		cfg->group.ip = htonl(LVS_SYNC_GROUP);
	}
	if (!cfg->port)
		cfg->port = LVS_SYNC_PORT;
	if (!cfg->ttl)
		cfg->ttl = 1;
	hlen = (cfg->af == AF_INET6 ? sizeof(struct ipv6hdr) :
		sizeof(struct iphdr)) + sizeof(struct udphdr);
	mtu = backup ? clamp(dev->mtu, 1500U, 65535U) : 1500;
	min = backup ? 1024 : 1;
	if (cfg->maxlen)
		cfg->maxlen = clamp_t(unsigned int, cfg->maxlen, min,
				      65535 - hlen);
	else
		cfg->maxlen = mtu - hlen;
}

/**
 * lvs_sync_start - start a master or a backup daemon
 * @lnet: the namespace
 * @state: LVS_DAEMON_MASTER or LVS_DAEMON_BACKUP
 * @cfg: its configuration; defaults are filled in
 * @extack: for the reason of a failure
 *
 * Return: 0; -ENODEV without that interface; -EEXIST if that daemon
 * runs; -EINVAL for another @state; or why a socket or thread failed.
 * Context: process; takes the RTNL through the socket options.
 */
int lvs_sync_start(struct lvs_net *lnet, unsigned int state,
		   struct lvs_sync_cfg *cfg, struct netlink_ext_ack *extack)
{
	bool backup = state == LVS_DAEMON_BACKUP;
	struct lvs_sync *sy = &lnet->sync;
	struct lvs_sync_thread *ts;
	struct net_device *dev;
	unsigned int n, i;
	int err;

	mutex_lock(&sy->mutex);
	dev = dev_get_by_name(lnet->net, cfg->ifname);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "lvs: unknown sync interface");
		err = -ENODEV;
		goto unlock;
	}
	lvs_sync_cfg_defaults(cfg, dev, backup);
	err = -EEXIST;
	if (state == LVS_DAEMON_MASTER && sy->master)
		goto put_dev;
	if (backup && sy->backup)
		goto put_dev;
	err = -EINVAL;
	if (state != LVS_DAEMON_MASTER && !backup)
		goto put_dev;

	/* both daemons use the same number of ports */
	if (sy->master)
		n = sy->n_master;
	else if (sy->backup)
		n = sy->n_backup;
	else
		n = clamp(READ_ONCE(lnet->sysctl.sync_ports), 1,
			  LVS_SYNC_PORTS_MAX);
	if (backup) {
		err = lvs_net_hold_tables(lnet);
		if (err)
			goto put_dev;
	}
	err = -ENOMEM;
	ts = kcalloc(n, sizeof(*ts), GFP_KERNEL);
	if (!ts)
		goto release_tables;
	/* the threads read it: set before they start, kept while they run */
	if (backup)
		sy->bcfg = *cfg;
	else
		sy->mcfg = *cfg;
	for (i = 0; i < n; i++) {
		struct lvs_sync_thread *t = &ts[i];

		t->lnet = lnet;
		t->id = i;
		INIT_LIST_HEAD(&t->queue);
		err = sock_create_kern(lnet->net, cfg->af, SOCK_DGRAM,
				       IPPROTO_UDP, &t->sock);
		if (err) {
			t->sock = NULL;
			goto free_threads;
		}
		if (backup) {
			err = -ENOMEM;
			t->rbuf = kmalloc(cfg->maxlen, GFP_KERNEL);
			if (!t->rbuf)
				goto free_threads;
			err = lvs_sync_recv_sock(lnet, t, dev);
		} else {
			err = lvs_sync_send_sock(lnet, t, dev);
		}
		if (err) {
			NL_SET_ERR_MSG(extack, "lvs: cannot set up the sync socket");
			goto free_threads;
		}
		t->task = kthread_run(backup ? lvs_sync_backup_fn :
				      lvs_sync_master_fn, t, "lvs-%c:%u",
				      backup ? 'b' : 'm', i);
		if (IS_ERR(t->task)) {
			err = PTR_ERR(t->task);
			t->task = NULL;
			goto free_threads;
		}
	}
	spin_lock_bh(&sy->lock);
	if (backup) {
		sy->backup = ts;
		sy->n_backup = n;
	} else {
		sy->master = ts;
		sy->n_master = n;
	}
	sy->state |= state;
	spin_unlock_bh(&sy->lock);
	dev_put(dev);
	mutex_unlock(&sy->mutex);
	pr_info("%s sync daemon started on %s, sync id %u, %u port(s)\n",
		backup ? "backup" : "master", cfg->ifname, cfg->syncid, n);
	return 0;

free_threads:
	lvs_sync_threads_free(ts, n);
release_tables:
	if (backup)
		lvs_net_release_tables(lnet);
put_dev:
	dev_put(dev);
unlock:
	mutex_unlock(&sy->mutex);
	return err;
}

/**
 * lvs_sync_stop - stop a daemon
 * @lnet: the namespace
 * @state: LVS_DAEMON_MASTER or LVS_DAEMON_BACKUP
 *
 * Return: 0; -ESRCH if it does not run; -EINVAL for another @state.
 * Context: process.
 */
int lvs_sync_stop(struct lvs_net *lnet, unsigned int state)
{
	struct lvs_sync *sy = &lnet->sync;
	struct lvs_sync_thread *ts;
	unsigned int n;
	int err = 0;

	if (state != LVS_DAEMON_MASTER && state != LVS_DAEMON_BACKUP)
		return -EINVAL;
	mutex_lock(&sy->mutex);
	if (!(sy->state & state)) {
		err = -ESRCH;
		goto unlock;
	}
	/* from now on no packet queues or wakes anything of it */
	spin_lock_bh(&sy->lock);
	sy->state &= ~state;
	if (state == LVS_DAEMON_MASTER) {
		ts = sy->master;
		n = sy->n_master;
		sy->master = NULL;
	} else {
		ts = sy->backup;
		n = sy->n_backup;
		sy->backup = NULL;
	}
	spin_unlock_bh(&sy->lock);
	lvs_sync_threads_free(ts, n);
	if (state == LVS_DAEMON_BACKUP)
		lvs_net_release_tables(lnet);
	pr_info("%s sync daemon stopped\n",
		state == LVS_DAEMON_MASTER ? "master" : "backup");
unlock:
	mutex_unlock(&sy->mutex);
	return err;
}

void lvs_sync_init(struct lvs_net *lnet)
{
	mutex_init(&lnet->sync.mutex);
	spin_lock_init(&lnet->sync.lock);
}

/* The namespace goes: its daemons stop first, before its services. */
void lvs_sync_exit(struct lvs_net *lnet)
{
	lvs_sync_stop(lnet, LVS_DAEMON_MASTER);
	lvs_sync_stop(lnet, LVS_DAEMON_BACKUP);
}
