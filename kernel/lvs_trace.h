/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvs's tracepoints, system "lvs": what perf trace, bpftrace and trace-cmd
 * see of the load balancer (docs/operating.md has one-liners).
 *
 *   lvs:conn_new      a connection or template is in the table (the
 *                     packet path, persistence)
 *   lvs:conn_expire   its timer destroys it
 *   lvs:sync_conn     a backup made one from a master's sync message
 *   lvs:sched_fail    a packet that would open a connection opens none,
 *                     and why
 *   lvs:dest_change   a real server is added, edited or removed
 *
 * Addresses are kept as struct sockaddr_in6 (an IPv4 one fits), printed
 * with %pISpc as the kernel's own TCP events do. The events cost a
 * static branch while nobody listens. kernel/trace.c defines them
 * (CREATE_TRACE_POINTS); this file is read once more there by
 * <trace/define_trace.h>, so the events sit outside the include guard.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lvs

#ifndef LVS_TRACE_ONCE
#define LVS_TRACE_ONCE

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/string.h>
#include "lvs.h"
#include "service.h"

/* an address and port of either family, as a struct sockaddr */
#define LVS_TRACE_ADDR	sizeof(struct sockaddr_in6)

/* what lvs:dest_change says happened */
enum lvs_dest_change {
	LVS_DEST_ADDED,
	LVS_DEST_EDITED,
	LVS_DEST_REMOVED,
};

/* why lvs:sched_fail */
enum lvs_sched_fail_reason {
	LVS_SCHED_NO_DEST,	/* no real server available (refused) */
	LVS_SCHED_DROPPED,	/* drop_packet: memory is short */
	LVS_SCHED_NO_CONN,	/* none made: memory, the table, an engine */
};

static inline void lvs_trace_sockaddr(u8 *buf, u16 af,
				      const union nf_inet_addr *addr,
				      __be16 port)
{
	memset(buf, 0, LVS_TRACE_ADDR);
	if (af == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)buf;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = addr->in6;
		sin6->sin6_port = port;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)buf;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = addr->ip;
		sin->sin_port = port;
	}
}
#endif /* LVS_TRACE_ONCE */

#if !defined(LVS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define LVS_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(lvs_conn_class,
		    TP_PROTO(const struct lvs_conn *cp),
		    TP_ARGS(cp),
		    TP_STRUCT__entry(__array(u8, client, LVS_TRACE_ADDR)
				     __array(u8, virt, LVS_TRACE_ADDR)
				     __array(u8, server, LVS_TRACE_ADDR)
				     __field(u8, protocol)
				     __field(u8, state)
				     __field(u16, flags)),
		    TP_fast_assign(lvs_trace_sockaddr(__entry->client, cp->af,
						      &cp->caddr, cp->cport);
				   lvs_trace_sockaddr(__entry->virt, cp->af,
						      &cp->vaddr, cp->vport);
				   lvs_trace_sockaddr(__entry->server,
						      cp->dest ? cp->dest->af : cp->af,
						      &cp->daddr, cp->dport);
				   __entry->protocol = cp->protocol;
				   __entry->state = cp->state;
				   __entry->flags = cp->flags;),
		    TP_printk("%s %pISpc -> %pISpc -> %pISpc state %u flags 0x%04x",
			      __print_symbolic(__entry->protocol,
					       { IPPROTO_TCP, "TCP" },
					       { IPPROTO_UDP, "UDP" },
					       { IPPROTO_SCTP, "SCTP" },
					       { IPPROTO_IP, "IP" }),
			      __entry->client, __entry->virt, __entry->server,
			      __entry->state, __entry->flags)
);

DEFINE_EVENT(lvs_conn_class, conn_new,
	     TP_PROTO(const struct lvs_conn *cp),
	     TP_ARGS(cp)
);

DEFINE_EVENT(lvs_conn_class, conn_expire,
	     TP_PROTO(const struct lvs_conn *cp),
	     TP_ARGS(cp)
);

DEFINE_EVENT(lvs_conn_class, sync_conn,
	     TP_PROTO(const struct lvs_conn *cp),
	     TP_ARGS(cp)
);

TRACE_EVENT(sched_fail,
	    TP_PROTO(const struct lvs_packet *pkt, int reason),
	    TP_ARGS(pkt, reason),
	    TP_STRUCT__entry(__array(u8, client, LVS_TRACE_ADDR)
			     __array(u8, virt, LVS_TRACE_ADDR)
			     __field(u8, protocol)
			     __field(int, reason)),
	    TP_fast_assign(lvs_trace_sockaddr(__entry->client, pkt->af,
					      &pkt->saddr, pkt->sport);
			   lvs_trace_sockaddr(__entry->virt, pkt->af,
					      &pkt->daddr, pkt->dport);
			   __entry->protocol = pkt->protocol;
			   __entry->reason = reason;),
	    TP_printk("%s %pISpc -> %pISpc: %s",
		      __print_symbolic(__entry->protocol,
				       { IPPROTO_TCP, "TCP" },
				       { IPPROTO_UDP, "UDP" },
				       { IPPROTO_SCTP, "SCTP" }),
		      __entry->client, __entry->virt,
		      __print_symbolic(__entry->reason,
				       { LVS_SCHED_NO_DEST, "no real server available" },
				       { LVS_SCHED_DROPPED, "dropped (drop_packet)" },
				       { LVS_SCHED_NO_CONN, "no connection made" }))
);

TRACE_EVENT(dest_change,
	    TP_PROTO(const struct lvs_service *svc,
		     const struct lvs_dest *dest, int change),
	    TP_ARGS(svc, dest, change),
	    TP_STRUCT__entry(__array(u8, virt, LVS_TRACE_ADDR)
			     __array(u8, server, LVS_TRACE_ADDR)
			     __field(u32, fwmark)
			     __field(u16, protocol)
			     __field(int, weight)
			     __field(unsigned int, fwd)
			     __field(int, change)),
	    TP_fast_assign(lvs_trace_sockaddr(__entry->virt, svc->af,
					      &svc->addr, svc->port);
			   lvs_trace_sockaddr(__entry->server, dest->af,
					      &dest->addr, dest->port);
			   __entry->fwmark = svc->fwmark;
			   __entry->protocol = svc->protocol;
			   __entry->weight = READ_ONCE(dest->weight);
			   __entry->fwd = READ_ONCE(dest->fwd);
			   __entry->change = change;),
	    TP_printk("%s %pISpc fwmark %u: %s %pISpc weight %d fwd 0x%x",
		      __print_symbolic(__entry->protocol,
				       { IPPROTO_TCP, "TCP" },
				       { IPPROTO_UDP, "UDP" },
				       { IPPROTO_SCTP, "SCTP" }),
		      __entry->virt, __entry->fwmark,
		      __print_symbolic(__entry->change,
				       { LVS_DEST_ADDED, "added" },
				       { LVS_DEST_EDITED, "edited" },
				       { LVS_DEST_REMOVED, "removed" }),
		      __entry->server, __entry->weight, __entry->fwd)
);

#endif /* LVS_TRACE_H */

/* for <trace/define_trace.h>: this file, from the include path (Kbuild) */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lvs_trace
#include <trace/define_trace.h>
