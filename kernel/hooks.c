// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks at IPVS's hook points and priorities.
 *
 *   LOCAL_IN, priority NF_IP_PRI_NAT_SRC - 1: packets from clients to a
 *     virtual service (the VIP is a local address of the director). A
 *     packet of a known connection is sent on by the connection's
 *     transmitter; a packet that may open a connection (TCP SYN, any UDP
 *     datagram) to a service is scheduled to a real server first.
 *   FORWARD, priority 100: NAT replies from real servers on their way to
 *     the client through the director; their source becomes the VIP again.
 *   ICMP errors about the packets of connections, at both: icmp.c.
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
#include <net/tcp.h>

#include "lvs.h"

/*
 * Fill @pkt from @skb: addresses, ports, TCP flags. False for what lvs does
 * not balance: other protocols, fragments, truncated headers.
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
	if (pkt->protocol != IPPROTO_TCP && pkt->protocol != IPPROTO_UDP)
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
	}
	return true;
}

void lvs_count(struct lvs_net *lnet, struct lvs_conn *cp, bool in,
	       unsigned int bytes, bool new_conn)
{
	struct lvs_dest *dest = cp->dest;

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
	if (!svc || !lvs_proto(pkt->protocol)->can_schedule(pkt->tcp_flags))
		return NULL;

	*verdict = NF_DROP;
	if (READ_ONCE(svc->flags) & LVS_SVC_F_PERSISTENT) {
		cp = lvs_persist_schedule(lnet, svc, pkt, &no_dest);
		if (no_dest)
			lvs_refuse(skb, pkt->af);
		return cp;
	}
	sched = rcu_dereference(svc->sched);
	dest = sched ? sched->schedule(svc, pkt) : NULL;
	if (!dest) {
		lvs_refuse(skb, pkt->af);
		return NULL;
	}
	/* a port-0 (all ports) service keeps the client's port */
	return lvs_conn_new(lnet, &param, dest,
			    dest->port ? dest->port : pkt->dport,
			    lvs_svc_conn_flags(svc, pkt->protocol));
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
	}
	/* local delivery and bypass arrive with their own issue */
	return NF_DROP;
}

/*
 * May packet @pkt of @cp still go to its real server? As IPVS: not once
 * the real server was removed (its packets are dropped, or with
 * expire_nodest_conn the connection ends and the packet is scheduled
 * anew, which opens a new connection for a SYN or a datagram and passes
 * anything else to the director's own stack, which resets it); with
 * expire_nodest_conn, a SYN that reuses the connection's ports does not
 * go to a real server of weight 0 either.
 */
static bool lvs_conn_dest_usable(struct lvs_net *lnet,
				 const struct lvs_conn *cp,
				 const struct lvs_packet *pkt)
{
	const struct lvs_dest *dest = cp->dest;

	if (!test_bit(LVS_DEST_AVAILABLE, &dest->flags))
		return false;
	return !(pkt->tcp_flags & TCPHDR_SYN &&
		 READ_ONCE(lnet->sysctl.expire_nodest_conn) &&
		 !READ_ONCE(dest->weight));
}

static unsigned int lvs_request(struct sk_buff *skb, u16 af,
				const struct nf_hook_state *state)
{
	struct lvs_net *lnet = lvs_net(state->net);
	unsigned int verdict;
	struct lvs_packet pkt;
	struct lvs_conn *cp;
	bool new_conn = false;

	if (!lvs_parse(skb, af, &pkt))
		return lvs_icmp_request(lnet, skb, &pkt);
	cp = lvs_conn_in_lookup(lnet, &pkt);
	if (cp && !lvs_conn_dest_usable(lnet, cp, &pkt)) {
		if (!READ_ONCE(lnet->sysctl.expire_nodest_conn))
			return NF_DROP;
		lvs_conn_retire(cp);
		cp = NULL;
	}
	if (!cp) {
		cp = lvs_schedule(lnet, skb, &pkt, &verdict);
		if (!cp)
			return verdict;
		new_conn = true;
	}
	lvs_conn_packet(cp, (cp->flags & LVS_CONN_F_FWD_MASK) ==
			LVS_CONN_F_MASQ ? LVS_DIR_IN : LVS_DIR_IN_ONLY, &pkt);
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
	struct lvs_packet pkt;
	struct lvs_conn *cp;

	if (!lvs_parse(skb, af, &pkt))
		return lvs_icmp_reply(lnet, skb, &pkt);
	cp = lvs_conn_out_lookup(lnet, &pkt);
	if (!cp)
		return lvs_icmp_nat_refuse(lnet, skb, &pkt);
	lvs_conn_packet(cp, LVS_DIR_OUT, &pkt);
	lvs_count(lnet, cp, false, pkt.len, false);
	return lvs_nat_reply(skb, cp, &pkt);
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

/* Context: the namespace's config mutex. */
int lvs_hooks_register(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	return nf_register_net_hooks(lnet->net, lvs_hook_ops,
				     ARRAY_SIZE(lvs_hook_ops));
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
}
