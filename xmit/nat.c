// SPDX-License-Identifier: GPL-2.0
/*
 * NAT (masquerading): requests have their destination rewritten from the
 * virtual service to the real server, replies their source rewritten back.
 *
 * Checksums are updated incrementally: the IPv4 header checksum, and the
 * TCP or UDP checksum for the pseudo-header address and the port. A packet
 * whose transport checksum is still to be computed by hardware
 * (CHECKSUM_PARTIAL, as veth passes them on) carries only the pseudo-header
 * sum, which inet_proto_csum_replace*() update correctly; an IPv4 UDP
 * datagram without checksum (0) keeps none.
 */
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "lvs.h"
#include "nfct.h"

/* Where the transport checksum of @pkt lives, or NULL if it has none. */
static __sum16 *lvs_l4_csum(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	if (pkt->protocol == IPPROTO_TCP)
		return &((struct tcphdr *)(skb->data + pkt->l4off))->check;
	if (pkt->af == AF_INET &&
	    !((struct udphdr *)(skb->data + pkt->l4off))->check)
		return NULL;
	return &((struct udphdr *)(skb->data + pkt->l4off))->check;
}

/*
 * Rewrite the source (@source) or destination address and port of @skb
 * to @addr:@port. The caller made the headers writable.
 */
static void lvs_nat_rewrite(struct sk_buff *skb, const struct lvs_packet *pkt,
			    bool source, const union nf_inet_addr *addr,
			    __be16 port)
{
	__be16 *ports = (__be16 *)(skb->data + pkt->l4off);
	__sum16 *csum = lvs_l4_csum(skb, pkt);
	__be16 *pport = &ports[source ? 0 : 1];

	if (pkt->af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);
		__be32 *paddr = source ? &iph->saddr : &iph->daddr;

		if (csum)
			inet_proto_csum_replace4(csum, skb, *paddr, addr->ip,
						 true);
		csum_replace4(&iph->check, *paddr, addr->ip);
		*paddr = addr->ip;
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct in6_addr *paddr = source ? &ip6h->saddr : &ip6h->daddr;

		inet_proto_csum_replace16(csum, skb, paddr->s6_addr32,
					  addr->in6.s6_addr32, true);
		*paddr = addr->in6;
	}
	if (csum) {
		inet_proto_csum_replace2(csum, skb, *pport, port, false);
		if (pkt->protocol == IPPROTO_UDP && !*csum)
			*csum = CSUM_MANGLED_0;
	}
	*pport = port;
}

static bool lvs_nat_writable(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	unsigned int l4len = pkt->protocol == IPPROTO_TCP ?
			     sizeof(struct tcphdr) : sizeof(struct udphdr);

	return !skb_ensure_writable(skb, pkt->l4off + l4len);
}

/* Client to real server: the destination becomes the real server. */
unsigned int lvs_xmit_nat(struct sk_buff *skb, struct lvs_conn *cp,
			  const struct lvs_packet *pkt)
{
	struct net *net = cp->lnet->net;
	struct lvs_dest_dst *dd;

	dd = lvs_dest_route(cp->dest, net, false);
	if (!dd || !lvs_xmit_prepare(skb, pkt->af, dst_mtu(dd->dst)) ||
	    !lvs_nat_writable(skb, pkt))
		return NF_DROP;
	lvs_nat_rewrite(skb, pkt, false, &cp->daddr, cp->dport);
	lvs_xmit_conn(skb, cp, dd->dst);
	return NF_STOLEN;
}

/* Real server to client, already routed: the source becomes the VIP. */
unsigned int lvs_nat_reply(struct sk_buff *skb, struct lvs_conn *cp,
			   const struct lvs_packet *pkt)
{
	if (!lvs_nat_writable(skb, pkt))
		return NF_DROP;
	lvs_nat_rewrite(skb, pkt, true, &cp->vaddr, cp->vport);
	if (likely(!(cp->flags & LVS_CONN_F_NFCT)))
		lvs_untrack(skb);
	else
		lvs_nfct_reply(skb, cp);
	return NF_ACCEPT;
}
