/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual services and their real servers (owner: service.c), and what
 * the packet path learnt about a packet, which schedulers read. The
 * scheduler modules see these types through lvs_sched.h.
 */
#ifndef _LVS_SERVICE_H
#define _LVS_SERVICE_H

#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <net/ipv6.h>
#include <linux/lvs.h>

#include "stats.h"

struct lvs_net;
struct lvs_pe;
struct lvs_scheduler;

/* Real server flags (struct lvs_dest.flags, bit numbers). */
enum {
	LVS_DEST_AVAILABLE,	/* in its service's list */
	LVS_DEST_OVERLOAD,	/* over its upper threshold: not scheduled */
};

/* The route to a real server, cached per real server (xmit/route.c). */
struct lvs_dest_dst {
	struct dst_entry *dst;
	union nf_inet_addr saddr;	/* source address for tunnels */
	u32 cookie;			/* IPv6 route validity */
	struct rcu_head rcu;
};

/**
 * struct lvs_dest - a real server of a virtual service
 *
 * Lifetime: a dest is created by NEW_DEST and holds one reference for its
 * place in the service's list and one per connection bound to it. DEL_DEST
 * (or deleting the service) unlinks it from the list and drops the list's
 * reference; connections that still use it keep forwarding to it, and the
 * dest waits in the namespace's trash list until its last connection goes,
 * so that re-adding the same real server revives it with its counters.
 * The memory is freed after an RCU grace period once the count reaches zero.
 *
 * Fields marked "config" are written under lvs_net.config_mutex and read
 * locklessly (READ_ONCE) on the packet path.
 */
struct lvs_dest {
	struct list_head list;		/* in the service's dests, RCU */
	struct list_head trash_list;	/* in lvs_net.dest_trash */
	struct lvs_service *svc;	/* holds a service reference */
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	unsigned int fwd;		/* config: LVS_CONN_F_MASQ, ... */
	int weight;			/* config */
	u32 u_threshold;		/* config: 0 = no limit */
	u32 l_threshold;		/* config */
	u8 tun_type;			/* config */
	__be16 tun_port;		/* config */
	u16 tun_flags;			/* config */
	unsigned long flags;		/* LVS_DEST_* bits */
	atomic_t activeconns;
	atomic_t inactconns;
	atomic_t persistconns;
	refcount_t refcnt;
	struct lvs_stats stats;
	spinlock_t dst_lock;		/* serialises dest_dst updates */
	struct lvs_dest_dst __rcu *dest_dst;
	struct rcu_head rcu;
};

/*
 * A real server's load as IPVS weighs it for lc, wlc and twos: 256 per
 * active connection plus one per connection of any kind, i.e. 257 per
 * active and 1 per inactive connection.
 */
static inline int lvs_dest_load(const struct lvs_dest *dest)
{
	int active = atomic_read(&dest->activeconns);

	return (active << 8) + active + atomic_read(&dest->inactconns);
}

/* Each scheduler module defines its own struct lvs_sched_state. */
struct lvs_sched_state;

/**
 * struct lvs_service - a virtual service
 *
 * Identified by (af, protocol, addr, port) or, when @fwmark is nonzero, by
 * (af, fwmark). Lives in its namespace's service table (RCU hash, writers
 * hold lvs_net.config_mutex). Lifetime: the table holds one reference and
 * each dest one; DEL_SERVICE unhashes it, unlinks its dests and drops the
 * table's reference. Freed after an RCU grace period once no dest (live or
 * in the trash, kept by connections) points at it.
 */
struct lvs_service {
	struct hlist_node node;
	struct lvs_net *lnet;
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u16 protocol;
	u32 fwmark;
	u32 flags;			/* config: LVS_SVC_F_* */
	unsigned int timeout;		/* config: persistence, seconds */
	__be32 netmask;			/* config */
	struct list_head dests;		/* RCU; writers hold config_mutex */
	unsigned int num_dests;		/* config */
	/* config: --pe, NULL for none; engines are static, read it once */
	const struct lvs_pe *pe;
	/*
	 * in lvs_net.pe_services from the first time it has an engine until
	 * it is deleted (RCU; writers hold config_mutex)
	 */
	struct list_head pe_node;
	/*
	 * on a deleter's private list from unhashing until the grace period
	 * that follows (lvs_services_flush()); config_mutex
	 */
	struct list_head del_node;
	/* config; NULL while the scheduler is being changed */
	const struct lvs_scheduler __rcu *sched;
	struct lvs_sched_state __rcu *sched_state;
	spinlock_t sched_lock;		/* for schedulers that need one */
	struct lvs_stats stats;
	refcount_t refcnt;
	struct rcu_head rcu;
};

/* What the packet path learnt about a packet (hooks.c). */
struct lvs_packet {
	u16 af;
	u8 protocol;
	union {
		u8 tcp_flags;		/* TCP: tcp_flag_byte() */
		/*
		 * what lvs_proto.next_state() and .can_schedule() read: the
		 * TCP flags, an enum lvs_sctp_event, 0 for UDP
		 */
		u8 event;
	};
	unsigned int l4off;		/* offset of the transport header */
	unsigned int len;		/* bytes, for the counters */
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
};

static inline bool lvs_addr_equal(u16 af, const union nf_inet_addr *a,
				  const union nf_inet_addr *b)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

/* What NEW/SET_SERVICE ask for (netlink.c parses, service.c applies). */
struct lvs_service_cfg {
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	u16 protocol;
	u32 fwmark;
	char sched_name[LVS_SCHED_NAME_MAXLEN];
	const struct lvs_pe *pe;
	u32 flags;
	unsigned int timeout;
	__be32 netmask;
};

/* What NEW/SET/DEL_DEST ask for. */
struct lvs_dest_cfg {
	union nf_inet_addr addr;
	__be16 port;
	u16 af;
	unsigned int fwd;
	int weight;
	u32 u_threshold;
	u32 l_threshold;
	u8 tun_type;
	__be16 tun_port;
	u16 tun_flags;
};

/* service.c */
int lvs_services_init(struct lvs_net *lnet);
void lvs_services_exit(struct lvs_net *lnet);
struct lvs_service *lvs_service_lookup(struct lvs_net *lnet, u16 af,
				       u8 protocol,
				       const union nf_inet_addr *addr,
				       __be16 port, u32 mark);
struct lvs_service *lvs_service_find(struct lvs_net *lnet,
				     const struct lvs_service_cfg *cfg);
struct lvs_dest *lvs_service_nat_dest(struct lvs_net *lnet,
				      const struct lvs_packet *pkt);
struct lvs_dest *lvs_service_pe_nat_dest(struct lvs_net *lnet,
					 const struct lvs_packet *pkt);
int lvs_service_add(struct lvs_net *lnet, const struct lvs_service_cfg *cfg);
int lvs_service_edit(struct lvs_service *svc,
		     const struct lvs_service_cfg *cfg);
void lvs_service_del(struct lvs_service *svc);
void lvs_services_flush(struct lvs_net *lnet);
void lvs_service_zero(struct lvs_service *svc);
void lvs_dests_for_each(struct lvs_net *lnet,
			void (*fn)(struct lvs_dest *dest, void *arg), void *arg);
void lvs_services_zero(struct lvs_net *lnet);
struct lvs_dest *lvs_dest_find(struct lvs_service *svc,
			       const struct lvs_dest_cfg *cfg);
int lvs_dest_add(struct lvs_service *svc, const struct lvs_dest_cfg *cfg);
int lvs_dest_edit(struct lvs_dest *dest, const struct lvs_dest_cfg *cfg);
void lvs_dest_del(struct lvs_dest *dest);
void lvs_dest_put(struct lvs_dest *dest);
void lvs_dest_update_overload(struct lvs_dest *dest);

#endif /* _LVS_SERVICE_H */
