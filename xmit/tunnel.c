// SPDX-License-Identifier: GPL-2.0
/*
 * IP tunnelling: the packet, unchanged, is wrapped in an outer IP header
 * from the director to the real server: IPIP for IPv4, IPv6-in-IPv6 for
 * IPv6. The real server decapsulates it (ipip / ip6tnl device), finds the
 * VIP on one of its interfaces and replies straight to the client.
 *
 * The outer header takes room from the path MTU: a packet that no longer
 * fits and may not be fragmented is refused with "fragmentation needed" /
 * "packet too big" carrying the MTU minus the tunnel overhead, so the
 * client's path MTU discovery settles on what the tunnel can carry.
 * Offloads (GSO, checksum) are kept for the inner packet, as the kernel's
 * own tunnels do.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>

#include "lvs.h"

static void lvs_tunnel_push4(struct sk_buff *skb, const struct lvs_dest_dst *dd,
			     const union nf_inet_addr *daddr)
{
	const struct iphdr *inner = ip_hdr(skb);
	u8 tos = inner->tos, ttl = inner->ttl;
	__be16 df = inner->frag_off & htons(IP_DF);
	struct iphdr *iph;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = tos;
	iph->frag_off = df;
	iph->ttl = ttl;
	iph->protocol = IPPROTO_IPIP;
	iph->saddr = dd->saddr.ip;
	iph->daddr = daddr->ip;
	iph->tot_len = htons(skb->len);
	ip_select_ident(dev_net(dd->dst->dev), skb, NULL);
	ip_send_check(iph);
}

static void lvs_tunnel_push6(struct sk_buff *skb, const struct lvs_dest_dst *dd,
			     const union nf_inet_addr *daddr)
{
	const struct ipv6hdr *inner = ipv6_hdr(skb);
	u8 hop_limit = inner->hop_limit;
	__u8 tclass = ipv6_get_dsfield(inner);
	struct ipv6hdr *ip6h;

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, tclass, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_IPV6;
	ip6h->hop_limit = hop_limit;
	ip6h->saddr = dd->saddr.in6;
	ip6h->daddr = daddr->in6;
}

unsigned int lvs_xmit_tunnel(struct sk_buff *skb, struct lvs_conn *cp,
			     const struct lvs_packet *pkt)
{
	unsigned int hlen = pkt->af == AF_INET ? sizeof(struct iphdr) :
			    sizeof(struct ipv6hdr);
	struct lvs_dest_dst *dd;
	struct dst_entry *dst;

	dd = lvs_dest_route(cp->dest, cp->lnet->net, false);
	if (!dd)
		return NF_DROP;
	dst = dd->dst;
	if (!lvs_xmit_prepare(skb, pkt->af, dst_mtu(dst) - hlen))
		return NF_DROP;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + hlen))
		return NF_DROP;
	if (iptunnel_handle_offloads(skb, pkt->af == AF_INET ?
				     SKB_GSO_IPXIP4 : SKB_GSO_IPXIP6))
		return NF_DROP;
	skb_set_inner_ipproto(skb, pkt->af == AF_INET ? IPPROTO_IPIP :
			      IPPROTO_IPV6);

	if (pkt->af == AF_INET)
		lvs_tunnel_push4(skb, dd, &cp->daddr);
	else
		lvs_tunnel_push6(skb, dd, &cp->daddr);
	lvs_xmit_conn(skb, cp, dst);
	return NF_STOLEN;
}
