/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection synchronisation daemons (sync.c): what a namespace keeps of
 * its master and backup daemons, and what the packet path calls.
 */
#ifndef LVS_SYNC_H
#define LVS_SYNC_H

#include <linux/if.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct lvs_net;
struct lvs_conn;
struct lvs_sync_thread;
struct netlink_ext_ack;

/* A daemon's configuration, as NEW_DAEMON gives it and GET_DAEMON shows. */
struct lvs_sync_cfg {
	char ifname[IFNAMSIZ];
	u8 syncid;
	u16 maxlen;			/* UDP payload, bytes */
	u16 af;				/* of @group */
	union nf_inet_addr group;
	u16 port;			/* host order; thread n uses @port + n */
	u8 ttl;
};

/**
 * struct lvs_sync - a namespace's sync daemons
 * @mutex: serialises starting, stopping and listing them
 * @lock: the master's buffers and queues, and @state's changes; taken
 *	in softirq by the packet path, with bottom halves disabled elsewhere
 * @state: LVS_DAEMON_MASTER | LVS_DAEMON_BACKUP; written under @mutex and
 *	@lock, read locklessly as a hint by the packet path, which checks
 *	it again under @lock before it touches @master
 * @master: @n_master sender threads, each with its queue; set and freed
 *	under @mutex, used under @lock while @state has MASTER
 * @backup: @n_backup receiver threads; only @mutex's holder touches it
 */
struct lvs_sync {
	struct mutex mutex;		/* see above */
	spinlock_t lock;		/* see above */
	unsigned int state;
	struct lvs_sync_cfg mcfg;
	struct lvs_sync_cfg bcfg;
	struct lvs_sync_thread *master;
	unsigned int n_master;
	struct lvs_sync_thread *backup;
	unsigned int n_backup;
};

void lvs_sync_init(struct lvs_net *lnet);
void lvs_sync_exit(struct lvs_net *lnet);
int lvs_sync_start(struct lvs_net *lnet, unsigned int state,
		   struct lvs_sync_cfg *cfg, struct netlink_ext_ack *extack);
int lvs_sync_stop(struct lvs_net *lnet, unsigned int state);
void lvs_sync_conn(struct lvs_net *lnet, struct lvs_conn *cp);
bool lvs_sync_needed(struct lvs_net *lnet, struct lvs_conn *cp,
		     unsigned int pkts);

#endif /* LVS_SYNC_H */
