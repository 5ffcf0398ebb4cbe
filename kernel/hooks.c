// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks at IPVS's hook points and priorities.
 *
 *   LOCAL_IN, priority NF_IP_PRI_NAT_SRC - 1: packets from clients to a
 *     virtual service (the VIP is a local address of the director);
 *     broadcast and multicast packets are left alone, even those that a
 *     firewall-mark service would match. A
 *     packet of a known connection is sent on by the connection's
 *     transmitter; a packet that may open a connection (TCP SYN, SCTP
 *     INIT, any UDP datagram) to a service is scheduled to a real server
 *     first.
 *   FORWARD, priority 100: NAT replies from real servers on their way to
 *     the client through the director; their source becomes the VIP again.
 *     Replies of cache-bypass flows only move their connection's state.
 *   ICMP errors about the packets of connections, at both: icmp.c.
 *
 * Fragments are reassembled before lvs parses them, so that a datagram
 * larger than the path MTU is balanced, translated and counted whole:
 *   - IPv6: nf_defrag_ipv6 is enabled in the namespace while the hooks are
 *     registered; it reassembles every fragment at PRE_ROUTING and
 *     LOCAL_OUT (priority NF_IP6_PRI_CONNTRACK_DEFRAG, before any hook of
 *     lvs), both for the VIP and for replies forwarded through the
 *     director.
 *   - IPv4: the stack reassembles packets for a local address before
 *     LOCAL_IN; packets it forwards arrive at FORWARD as fragments, and
 *     lvs_defrag4() reassembles those of the protocols lvs handles
 *     (TCP, UDP, SCTP, and ICMP for errors about connections).
 * A reassembled packet leaves fragmented again by the output path; its
 * largest fragment (frag_max_size) is what must fit the route's MTU
 * (lvs_xmit_prepare()).
 *
 * The hooks are registered in a namespace only while it has services
 * (service.c), so a director without services pays nothing.
 *
 * Everything runs in softirq under the RCU read lock that netfilter holds
 * around hooks; services, dests and connections are freed only after a
 * grace period (see lvs.h), so no reference is taken per packet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/tcp.h>

#include "lvs.h"
#include "lvs_trace.h"
#include "nfct.h"

/*
 * Make an IPv4 fragment that lvs may have to handle whole (see the top of
 * this file) part of its reassembled packet. Return: true with @skb whole
 * (or not lvs's), false when @skb was queued for reassembly or dropped:
 * it is no longer the hook's (NF_STOLEN).
 */
static bool lvs_defrag4(struct net *net, struct sk_buff *skb, u32 user)
{
	const struct iphdr *iph = ip_hdr(skb);
	int err;

	if (likely(!ip_is_fragment(iph)))
		return true;
	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_ICMP:
		break;
	default:
		return true;
	}
	/* the fragment queues' locks are taken with bottom halves off */
	local_bh_disable();
	err = ip_defrag(net, skb, user);
	local_bh_enable();
	return !err;
}

/*
 * Fill @pkt from @skb: addresses, ports, the TCP flags or SCTP event. False
 * for what lvs does not balance: other protocols, fragments, truncated or
 * malformed headers.
 */
static bool lvs_parse(struct sk_buff *skb, u16 af, struct lvs_packet *pkt)
{
	__be16 _ports[2], *ports;
	int l4off;

	pkt->af = af;
	pkt->protocol = 0;
	if (af == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		if (ip_is_fragment(iph))
			return false;
		pkt->protocol = iph->protocol;
		pkt->saddr.ip = iph->saddr;
		pkt->daddr.ip = iph->daddr;
		l4off = skb_network_offset(skb) + iph->ihl * 4;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		unsigned int off = 0;
		int frag_flags = 0;
		int proto;

		proto = ipv6_find_hdr(skb, &off, -1, NULL, &frag_flags);
		if (proto < 0 || (frag_flags & IP6_FH_F_FRAG))
			return false;
		pkt->protocol = proto;
		pkt->saddr.in6 = ip6h->saddr;
		pkt->daddr.in6 = ip6h->daddr;
		l4off = off;
	}
	pkt->l4off = l4off;
	pkt->len = skb->len;
	/* ICMP errors go to icmp.c with their outer header read */
	if (pkt->protocol != IPPROTO_TCP && pkt->protocol != IPPROTO_UDP &&
	    pkt->protocol != IPPROTO_SCTP)
		return false;

	ports = skb_header_pointer(skb, l4off, sizeof(_ports), _ports);
	if (!ports)
		return false;
	pkt->sport = ports[0];
	pkt->dport = ports[1];
	pkt->tcp_flags = 0;
	if (pkt->protocol == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, l4off, sizeof(_th), &_th);
		if (!th)
			return false;
		pkt->tcp_flags = tcp_flag_byte(th);
	} else if (pkt->protocol == IPPROTO_SCTP &&
		   !lvs_sctp_parse(skb, l4off, pkt)) {
		return false;
	}
	return true;
}

void lvs_count(struct lvs_net *lnet, struct lvs_conn *cp, bool in,
	       unsigned int bytes, bool new_conn)
{
	struct lvs_dest *dest = cp->dest;

	/* a cache-bypass connection counts nowhere, as in IPVS */
	if (!dest)
		return;
	lvs_stats_count(&dest->stats, in, bytes, new_conn);
	lvs_stats_count(&dest->svc->stats, in, bytes, new_conn);
	lvs_stats_count(&lnet->stats, in, bytes, new_conn);
}

/* Tell the client its service has no real server to offer, as IPVS does. */
static void lvs_refuse(struct sk_buff *skb, u16 af)
{
	if (af == AF_INET)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	else
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
}

/*
 * No real server of firewall-mark service @svc can take @pkt. With
 * cache_bypass, as IPVS: a packet to another host (a transparent cache
 * cluster's traffic, delivered to the director by policy routing) opens
 * a connection that sends it, and the rest of its flow, on to that host.
 * Otherwise the client is told the service is unreachable.
 */
static struct lvs_conn *lvs_no_dest(struct lvs_net *lnet, struct sk_buff *skb,
				    const struct lvs_service *svc,
				    const struct lvs_packet *pkt,
				    const struct lvs_conn_param *param)
{
	if (READ_ONCE(lnet->sysctl.cache_bypass) && svc->fwmark &&
	    lvs_route_addr_is_unicast(lnet->net, param->af, param->vaddr))
		return lvs_conn_new(lnet, param, NULL, 0,
				    lvs_svc_conn_flags(svc, param->protocol));
	trace_sched_fail(pkt, LVS_SCHED_NO_DEST);
	lvs_refuse(skb, param->af);
	return NULL;
}

/*
 * A new connection for @pkt, or NULL when none can be made; @verdict says
 * what becomes of the packet then.
 */
struct lvs_conn *lvs_schedule(struct lvs_net *lnet, struct sk_buff *skb,
			      const struct lvs_packet *pkt,
			      unsigned int *verdict)
{
	const struct lvs_conn_param param = {
		.af = pkt->af, .protocol = pkt->protocol,
		.caddr = &pkt->saddr, .cport = pkt->sport,
		.vaddr = &pkt->daddr, .vport = pkt->dport,
	};
	const struct lvs_scheduler *sched;
	struct lvs_service *svc;
	struct lvs_dest *dest;
	struct lvs_conn *cp;
	bool no_dest;

	*verdict = NF_ACCEPT;
	svc = lvs_service_lookup(lnet, pkt->af, pkt->protocol, &pkt->daddr,
				 pkt->dport, skb->mark);
	if (!svc || !lvs_proto(pkt->protocol)->can_schedule(lnet, pkt->event))
		return NULL;

	*verdict = NF_DROP;
	/* drop_packet: the director is short of memory (defense.c) */
	if (lvs_drop_new_conn(lnet)) {
		trace_sched_fail(pkt, LVS_SCHED_DROPPED);
		return NULL;
	}
	if (READ_ONCE(svc->flags) & LVS_SVC_F_PERSISTENT) {
		cp = lvs_persist_schedule(lnet, svc, skb, pkt, &no_dest);
		if (no_dest)
			return lvs_no_dest(lnet, skb, svc, pkt, &param);
	} else {
		sched = rcu_dereference(svc->sched);
		dest = sched ? sched->schedule(svc, pkt) : NULL;
		if (!dest)
			return lvs_no_dest(lnet, skb, svc, pkt, &param);
		/* a port-0 (all ports) service keeps the client's port */
		cp = lvs_conn_new(lnet, &param, dest,
				  dest->port ? dest->port : pkt->dport,
				  lvs_svc_conn_flags(svc, pkt->protocol));
	}
	if (!cp)
		trace_sched_fail(pkt, LVS_SCHED_NO_CONN);
	return cp;
}

static unsigned int lvs_xmit(struct sk_buff *skb, struct lvs_conn *cp,
			     const struct lvs_packet *pkt)
{
	switch (cp->flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
		return lvs_xmit_nat(skb, cp, pkt);
	case LVS_CONN_F_DROUTE:
		return lvs_xmit_dr(skb, cp, pkt);
	case LVS_CONN_F_TUNNEL:
		return lvs_xmit_tunnel(skb, cp, pkt);
	case LVS_CONN_F_BYPASS:
		return lvs_xmit_bypass(skb, cp, pkt);
	}
	/* local delivery arrives with its own issue */
	return NF_DROP;
}

/* A TCP SYN or an SCTP INIT: the packet opens a connection. */
static bool lvs_opens_conn(const struct lvs_packet *pkt)
{
	if (pkt->protocol == IPPROTO_SCTP)
		return pkt->event == LVS_SCTP_EV_INIT;
	return pkt->tcp_flags & TCPHDR_SYN;	/* 0 for UDP */
}

/*
 * May packet @pkt of @cp still go to its real server? As IPVS: not once
 * the real server was removed (its packets are dropped, or with
 * expire_nodest_conn the connection ends and the packet is scheduled
 * anew, which opens a new connection for a SYN or a datagram and passes
 * anything else to the director's own stack, which resets it).
 */
static bool lvs_conn_dest_usable(const struct lvs_conn *cp)
{
	return !cp->dest || test_bit(LVS_DEST_AVAILABLE, &cp->dest->flags);
}

/*
 * Does SYN (SCTP: INIT) @pkt, which reuses the addresses and ports of @cp,
 * start a new connection rather than continue @cp? As IPVS:
 *   - with expire_nodest_conn, when @cp's real server has weight 0;
 *   - with conn_reuse_mode (1, the default), when no persistence template
 *     controls @cp and it is closing: TCP in TIME_WAIT or CLOSE (with bit
 *     2 also in FIN_WAIT when the director sees only the client's side,
 *     direct routing and tunnels, where a client's FIN and ACK leave it
 *     there), SCTP in CLOSED.
 * The new connection is scheduled at once, unless the SYN carries the old
 * connection's confirmed conntrack entry (lvs_conn_end_for()); conntrack
 * itself replaces an entry that it saw closing before the SYN gets here.
 */
static bool lvs_conn_reused(struct lvs_net *lnet, const struct lvs_conn *cp,
			    const struct lvs_packet *pkt)
{
	int mode;

	if (!lvs_opens_conn(pkt))
		return false;
	if (READ_ONCE(lnet->sysctl.expire_nodest_conn) && cp->dest &&
	    !READ_ONCE(cp->dest->weight))
		return true;
	mode = READ_ONCE(lnet->sysctl.conn_reuse_mode);
	if (!mode || cp->control)
		return false;
	if (cp->protocol == IPPROTO_SCTP)
		return READ_ONCE(cp->state) == LVS_SCTP_S_CLOSED;
	switch (READ_ONCE(cp->state)) {
	case LVS_TCP_S_TIME_WAIT:
	case LVS_TCP_S_CLOSE:
		return true;
	case LVS_TCP_S_FIN_WAIT:
		return mode & 2 && (cp->flags & LVS_CONN_F_FWD_MASK) !=
				   LVS_CONN_F_MASQ;
	}
	return false;
}

/*
 * How a client's packet of @cp counts for its state: the director sees
 * both directions of NAT and cache-bypass connections (it forwards the
 * replies of the latter unchanged), only the client's side of others.
 */
static enum lvs_dir lvs_conn_in_dir(const struct lvs_conn *cp)
{
	switch (cp->flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
	case LVS_CONN_F_BYPASS:
		return LVS_DIR_IN;
	}
	return LVS_DIR_IN_ONLY;
}

/*
 * @cp ends now, for @skb to be scheduled anew. False if @skb must be
 * dropped instead: with conntrack=1 it carries @cp's confirmed conntrack
 * entry, which goes with @cp, so that the client's next try is tracked
 * afresh (as IPVS does).
 */
static bool lvs_conn_end_for(struct sk_buff *skb, struct lvs_conn *cp)
{
	bool old_ct = lvs_nfct_retire(skb, cp);

	lvs_conn_end(cp);
	return !old_ct;
}

/* backup_only: a director whose backup daemon runs balances nothing. */
static bool lvs_backup_only(struct lvs_net *lnet)
{
	return READ_ONCE(lnet->sysctl.backup_only) &&
	       READ_ONCE(lnet->sync.state) & LVS_DAEMON_BACKUP;
}

static unsigned int lvs_request(struct sk_buff *skb, u16 af,
				const struct nf_hook_state *state)
{
	struct lvs_net *lnet = lvs_net(state->net);
	unsigned int verdict;
	struct lvs_packet pkt;
	struct lvs_conn *cp;
	bool new_conn = false;

	/* only packets for this host: not broadcast nor multicast ones */
	if (unlikely(skb->pkt_type != PACKET_HOST))
		return NF_ACCEPT;
	if (unlikely(lvs_backup_only(lnet)))
		return NF_ACCEPT;
	if (!lvs_parse(skb, af, &pkt))
		return lvs_icmp_request(lnet, skb, &pkt);
	cp = lvs_conn_in_lookup(lnet, &pkt);
	if (cp && unlikely(lvs_conn_reused(lnet, cp, &pkt))) {
		if (!lvs_conn_end_for(skb, cp))
			return NF_DROP;
		cp = NULL;
	}
	if (cp && unlikely(!lvs_conn_dest_usable(cp))) {
		if (!READ_ONCE(lnet->sysctl.expire_nodest_conn) ||
		    !lvs_conn_end_for(skb, cp))
			return NF_DROP;
		cp = NULL;
	}
	if (!cp) {
		cp = lvs_schedule(lnet, skb, &pkt, &verdict);
		if (!cp)
			return verdict;
		new_conn = true;
	}
	lvs_conn_packet(cp, lvs_conn_in_dir(cp), &pkt);
	if (unlikely(READ_ONCE(lnet->sync.state) & LVS_DAEMON_MASTER))
		lvs_sync_conn(lnet, cp);
	lvs_count(lnet, cp, true, pkt.len, new_conn);
	verdict = lvs_xmit(skb, cp, &pkt);
	/* --ops: the datagram is its own connection, kept nowhere */
	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		lvs_conn_one_packet_done(cp);
	return verdict;
}

static unsigned int lvs_reply(struct sk_buff *skb, u16 af,
			      const struct nf_hook_state *state)
{
	struct lvs_net *lnet = lvs_net(state->net);
	bool new_conn = false;
	unsigned int verdict;
	struct lvs_packet pkt;
	struct lvs_conn *cp;

	if (unlikely(lvs_backup_only(lnet)))
		return NF_ACCEPT;
	if (af == AF_INET && !lvs_defrag4(state->net, skb, IP_DEFRAG_VS_FWD))
		return NF_STOLEN;
	if (!lvs_parse(skb, af, &pkt))
		return lvs_icmp_reply(lnet, skb, &pkt);
	cp = lvs_conn_out_lookup(lnet, &pkt);
	if (!cp) {
		/* a real server's own request, with a persistence engine */
		cp = lvs_persist_conn_out(lnet, skb, &pkt);
		if (!cp)
			return lvs_icmp_nat_refuse(lnet, skb, &pkt);
		new_conn = true;
	}
	lvs_conn_packet(cp, LVS_DIR_OUT, &pkt);
	lvs_count(lnet, cp, false, pkt.len, new_conn);
	/* a cache-bypass flow's replies pass untouched */
	if ((cp->flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_MASQ)
		verdict = NF_ACCEPT;
	else
		verdict = lvs_nat_reply(skb, cp, &pkt);
	/* (a real server's request under --ops: see lvs_persist_conn_out) */
	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		lvs_conn_one_packet_done(cp);
	return verdict;
}

static unsigned int lvs_request4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return lvs_request(skb, AF_INET, state);
}

static unsigned int lvs_reply4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	return lvs_reply(skb, AF_INET, state);
}

static unsigned int lvs_request6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return lvs_request(skb, AF_INET6, state);
}

static unsigned int lvs_reply6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	return lvs_reply(skb, AF_INET6, state);
}

static const struct nf_hook_ops lvs_hook_ops[] = {
	{
		.hook = lvs_request4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook = lvs_reply4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = 100,
	},
	{
		.hook = lvs_request6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_NAT_SRC - 1,
	},
	{
		.hook = lvs_reply6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = 100,
	},
};

/*
 * The hooks, and IPv6 reassembly before them (nf_defrag_ipv6 counts its
 * users per namespace: lvs is one while its hooks are registered).
 * Context: the namespace's config mutex.
 */
int lvs_hooks_register(struct lvs_net *lnet)
{
	int err;

	lockdep_assert_held(&lnet->config_mutex);
	err = nf_defrag_ipv6_enable(lnet->net);
	if (err)
		return err;
	err = nf_register_net_hooks(lnet->net, lvs_hook_ops,
				    ARRAY_SIZE(lvs_hook_ops));
	if (err)
		nf_defrag_ipv6_disable(lnet->net);
	return err;
}

/*
 * Context: the namespace's config mutex. On return no packet is in the
 * hooks any more (nf_unregister_net_hooks waits for a grace period).
 */
void lvs_hooks_unregister(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	nf_unregister_net_hooks(lnet->net, lvs_hook_ops,
				ARRAY_SIZE(lvs_hook_ops));
	nf_defrag_ipv6_disable(lnet->net);
}
