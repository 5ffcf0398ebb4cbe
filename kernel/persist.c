// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence (ipvsadm -p TIMEOUT [-M NETMASK]): every connection a client
 * opens to a persistent service within the timeout goes to the same real
 * server.
 *
 * The choice is remembered in a template: a struct lvs_conn flagged
 * LVS_CONN_F_TEMPLATE, in the same "in" table as connections, keyed as
 * IPVS keys it:
 *
 *   client   the client's address masked by the service's netmask (IPv4)
 *            or cut to its prefix length (IPv6); client port 0
 *   virtual  the service's address and port; port 0 for a service of all
 *            ports (port 0) and for FTP (port 21), whose data connections
 *            use other ports; a firewall-mark service uses protocol
 *            IPPROTO_IP and the mark, in network order, as the address
 *
 * A template lasts the persistence timeout from the last connection that
 * used it, and never ends before the connections it controls (conn.c).
 * It is ASSURED once one of them is established (TCP) or answered (UDP);
 * IPVS's sync daemon and connection reuse look at that, and ipvsadm -Lnc
 * shows it.
 * It no longer serves new connections once its real server is removed or,
 * with expire_quiescent_template, set to weight 0: the next connection is
 * scheduled afresh and makes a new template.
 *
 * A persistence engine (ipvsadm --pe; only sip exists, pe_sip.c) adds
 * what it reads of the packet that opens a connection to the key (the
 * template keeps a copy): a SIP client's calls then make a template each.
 * A packet the engine can read nothing of opens no connection, as in
 * IPVS. With an engine, a NAT real server may also open a flow to a
 * client (lvs_persist_conn_out()), as a SIP server calling a phone does.
 *
 * Context: softirq, under the RCU read lock held around the hooks.
 */
#include <linux/in.h>
#include <net/ipv6.h>

#include "lvs.h"

#define LVS_FTP_PORT	htons(21)

/* May template @ct still send new connections to its real server? */
static bool lvs_persist_template_ok(struct lvs_net *lnet,
				    const struct lvs_conn *ct)
{
	const struct lvs_dest *dest = ct->dest;

	if (!test_bit(LVS_DEST_AVAILABLE, &dest->flags))
		return false;
	return !(READ_ONCE(lnet->sysctl.expire_quiescent_template) &&
		 !READ_ONCE(dest->weight));
}

/**
 * lvs_persist_key - the key of the template for @pkt to @svc
 * @svc: the persistent service
 * @pkt: a packet opening a connection
 * @key: filled; @key->param points into @key and @pkt
 */
void lvs_persist_key(const struct lvs_service *svc,
		     const struct lvs_packet *pkt, struct lvs_persist_key *key)
{
	__be32 netmask = READ_ONCE(svc->netmask);

	memset(key, 0, sizeof(*key));
	if (pkt->af == AF_INET6)
		ipv6_addr_prefix(&key->snet.in6, &pkt->saddr.in6,
				 min_t(u32, (__force u32)netmask, 128));
	else
		key->snet.ip = pkt->saddr.ip & netmask;
	key->param = (struct lvs_conn_param) {
		.af = pkt->af, .protocol = pkt->protocol,
		.caddr = &key->snet, .vaddr = &pkt->daddr,
	};
	if (pkt->dport == svc->port) {
		if (svc->port != LVS_FTP_PORT)
			key->param.vport = pkt->dport;
	} else if (svc->fwmark) {
		key->mark.ip = htonl(svc->fwmark);
		key->param.protocol = IPPROTO_IP;
		key->param.vaddr = &key->mark;
	}
}
EXPORT_SYMBOL_IF_KUNIT(lvs_persist_key);

/* The persistence engine called @name, or NULL. */
const struct lvs_pe *lvs_pe_find(const char *name)
{
	return strcmp(name, lvs_pe_sip.name) ? NULL : &lvs_pe_sip;
}

/* Key @param by what engine @pe reads of @skb; false if nothing. */
static bool lvs_persist_read_pe(const struct lvs_pe *pe, struct sk_buff *skb,
				const struct lvs_packet *pkt,
				struct lvs_conn_param *param)
{
	param->pe = pe;
	param->pe_len = pe->read(skb, pkt, &param->pe_data);
	return param->pe_len;
}

/**
 * lvs_persist_schedule - a new connection of persistent service @svc
 * @lnet: the namespace
 * @svc: the service, persistent
 * @skb: the packet opening the connection, for the persistence engine
 * @pkt: what the hooks read of it
 * @no_dest: set when the scheduler found no real server for a new client
 *
 * Return: the connection, controlled by the client's template; NULL when
 * no real server is available (*@no_dest), when the service's persistence
 * engine found nothing to read, or memory or the table failed.
 */
struct lvs_conn *lvs_persist_schedule(struct lvs_net *lnet,
				      struct lvs_service *svc,
				      struct sk_buff *skb,
				      const struct lvs_packet *pkt,
				      bool *no_dest)
{
	const struct lvs_pe *pe = READ_ONCE(svc->pe);
	bool port_service = pkt->dport == svc->port;
	struct lvs_conn_param cpar = {
		.af = pkt->af, .protocol = pkt->protocol,
		.caddr = &pkt->saddr, .cport = pkt->sport,
		.vaddr = &pkt->daddr, .vport = pkt->dport,
	};
	const struct lvs_scheduler *sched;
	struct lvs_persist_key key;
	struct lvs_conn *ct;
	struct lvs_dest *dest;
	__be16 dport;

	*no_dest = false;
	lvs_persist_key(svc, pkt, &key);
	if (pe && !lvs_persist_read_pe(pe, skb, pkt, &key.param))
		return NULL;
	ct = lvs_conn_template_get(lnet, &key.param);
	if (ct && !lvs_persist_template_ok(lnet, ct)) {
		lvs_conn_end(ct);
		ct = NULL;
	}
	if (!ct) {
		sched = rcu_dereference(svc->sched);
		dest = sched ? sched->schedule(svc, pkt) : NULL;
		if (!dest) {
			*no_dest = true;
			return NULL;
		}
		/* a template of one port names the real server's port */
		dport = port_service && svc->port != LVS_FTP_PORT ?
			dest->port : 0;
		ct = lvs_conn_new(lnet, &key.param, dest, dport,
				  LVS_CONN_F_TEMPLATE);
		if (!ct)
			return NULL;
	}
	lvs_conn_template_touch(ct);

	dest = ct->dest;
	dport = port_service && dest->port ? dest->port : pkt->dport;
	/* a template that is being destroyed just now controls nothing */
	cpar.control = ct;
	return lvs_conn_new(lnet, &cpar, dest, dport,
			    lvs_svc_conn_flags(svc, pkt->protocol));
}

/**
 * lvs_persist_conn_out - a NAT real server's datagram opens a flow
 * @lnet: the namespace
 * @skb: a UDP datagram forwarded from a real server that matched no
 *	connection
 * @pkt: what the hooks read of it
 *
 * As IPVS does for services with a persistence engine: a datagram from
 * the address and port of a NAT real server of such a service (of a port,
 * not a firewall mark) to a client is the real server's own request, a
 * SIP server calling a phone. It opens a connection as if the client had
 * sent to the service, so that it leaves from the virtual address and
 * port and the client's answers reach the real server that asked. Of a
 * persistent service it also makes, or moves to this real server, the
 * template keyed by what the engine reads of the datagram (the Call-ID),
 * so that the client's new flows of that call go there too.
 *
 * Return: the connection, or NULL when the datagram is none of this.
 * Context: softirq, RCU.
 */
struct lvs_conn *lvs_persist_conn_out(struct lvs_net *lnet,
				      struct sk_buff *skb,
				      const struct lvs_packet *pkt)
{
	struct lvs_packet in = *pkt;
	const struct lvs_pe *pe;
	struct lvs_persist_key key;
	struct lvs_conn *ct = NULL, *cp;
	struct lvs_service *svc;
	struct lvs_dest *dest;

	if (pkt->protocol != IPPROTO_UDP)
		return NULL;
	dest = lvs_service_pe_nat_dest(lnet, pkt);
	if (!dest)
		return NULL;
	svc = dest->svc;
	pe = READ_ONCE(svc->pe);
	if (!pe || svc->fwmark || !svc->port || !pkt->sport)
		return NULL;
	/* the datagram the client would have sent to open this flow */
	in.saddr = pkt->daddr;
	in.sport = pkt->dport;
	in.daddr = svc->addr;
	in.dport = svc->port;
	if (READ_ONCE(svc->flags) & LVS_SVC_F_PERSISTENT) {
		lvs_persist_key(svc, &in, &key);
		if (!lvs_persist_read_pe(pe, skb, pkt, &key.param))
			return NULL;
		ct = lvs_conn_template_get(lnet, &key.param);
		if (ct && (ct->dest != dest ||
			   !lvs_persist_template_ok(lnet, ct))) {
			lvs_conn_end(ct);
			ct = NULL;
		}
		if (!ct)
			ct = lvs_conn_new(lnet, &key.param, dest, pkt->sport,
					  LVS_CONN_F_TEMPLATE);
		if (!ct)
			return NULL;
		lvs_conn_template_touch(ct);
	}
	cp = lvs_conn_new(lnet, &(struct lvs_conn_param) {
				.af = in.af, .protocol = in.protocol,
				.caddr = &in.saddr, .cport = in.sport,
				.vaddr = &in.daddr, .vport = in.dport,
				.control = ct,
			  }, dest, pkt->sport,
			  lvs_svc_conn_flags(svc, in.protocol));
	/* the client's flow with another real server, made meanwhile */
	if (!cp || cp->dest != dest)
		return NULL;
	return cp;
}
