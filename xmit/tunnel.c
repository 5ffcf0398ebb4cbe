// SPDX-License-Identifier: GPL-2.0
/*
 * IP tunnelling: the packet, unchanged, is wrapped in an outer IP header
 * from the director to the real server, with the real server's tunnel type
 * between the two (IPIP: nothing; GUE, GRE: see encap.c). The outer header
 * is of the real server's family, the packet of its service's: IPv4 in
 * IPv4 or IPv6, IPv6 in IPv6 or IPv4 (a real server of the other family is
 * allowed with tunnelling only). The real server decapsulates it (ipip,
 * sit, ip6tnl, gre, ip6gre device; fou for GUE), finds the VIP on one of
 * its interfaces and replies straight to the client.
 *
 * Outer header fields, as IPVS sets them: TTL (hop limit) and DSCP from
 * the inner header after the director's own hop, ECN per RFC 6040's
 * normal mode (INET_ECN_encapsulate()), DF copied from an IPv4 packet
 * (an IPv6 packet's outer IPv4 header may be fragmented), flow label 0.
 *
 * The outer header and the encapsulation take room from the path MTU: a
 * packet that no longer fits and may not be fragmented is refused with
 * "fragmentation needed" / "packet too big" carrying the MTU minus the
 * tunnel overhead, so the client's path MTU discovery settles on what the
 * tunnel can carry; a route whose MTU leaves less than the outer family's
 * minimum (68, 1280) is not used. Offloads (GSO, checksum) are kept for
 * the inner packet, as the kernel's own tunnels do: see encap.c.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>

#include "lvs.h"

/* What the outer header copies from the inner one. */
struct lvs_outer {
	u8 proto;		/* IPPROTO_IPIP or IPPROTO_IPV6 */
	u8 dsfield;
	u8 ttl;
	__be16 df;
};

static void lvs_tunnel_outer(const struct sk_buff *skb, u16 inner_af,
			     struct lvs_outer *o)
{
	u8 dsfield;

	if (inner_af == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		o->proto = IPPROTO_IPIP;
		dsfield = ipv4_get_dsfield(iph);
		o->ttl = iph->ttl;
		o->df = iph->frag_off & htons(IP_DF);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		o->proto = IPPROTO_IPV6;
		dsfield = ipv6_get_dsfield(ip6h);
		o->ttl = ip6h->hop_limit;
		o->df = 0;
	}
	o->dsfield = INET_ECN_encapsulate(dsfield, dsfield);
}

static void lvs_tunnel_push4(struct sk_buff *skb, const struct lvs_outer *o,
			     u8 proto, const struct lvs_dest_dst *dd,
			     const union nf_inet_addr *daddr)
{
	struct iphdr *iph;

	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = o->dsfield;
	iph->frag_off = o->df;
	iph->ttl = o->ttl;
	iph->protocol = proto;
	iph->saddr = dd->saddr.ip;
	iph->daddr = daddr->ip;
	iph->tot_len = htons(skb->len);
	ip_select_ident(dev_net(dd->dst->dev), skb, NULL);
	ip_send_check(iph);
}

static void lvs_tunnel_push6(struct sk_buff *skb, const struct lvs_outer *o,
			     u8 proto, const struct lvs_dest_dst *dd,
			     const union nf_inet_addr *daddr)
{
	struct ipv6hdr *ip6h;

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, o->dsfield, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = proto;
	ip6h->hop_limit = o->ttl;
	ip6h->saddr = dd->saddr.in6;
	ip6h->daddr = daddr->in6;
}

unsigned int lvs_xmit_tunnel(struct sk_buff *skb, struct lvs_conn *cp,
			     const struct lvs_packet *pkt)
{
	const struct lvs_dest *dest = cp->dest;
	u16 oaf = dest->af;
	unsigned int hlen = oaf == AF_INET ? sizeof(struct iphdr) :
			    sizeof(struct ipv6hdr);
	struct net *net = cp->lnet->net;
	struct lvs_dest_dst *dd;
	struct lvs_encap enc;
	struct dst_entry *dst;
	struct lvs_outer o;
	int mtu;
	u8 proto;

	dd = lvs_dest_route(cp->dest, net, false);
	if (!dd)
		return NF_DROP;
	dst = dd->dst;
	lvs_encap_init(&enc, dest, skb, oaf);
	hlen += enc.len;
	mtu = dst_mtu(dst) - hlen;
	/*
	 * A path MTU of IPv6's minimum (a Packet Too Big can always bring it
	 * there) leaves less than that inside the tunnel. IPVS then drops
	 * every packet to the real server; as RFC 2473 (7.1) and ip6_tunnel,
	 * lvs still carries 1280-byte packets and lets the outer packet be
	 * fragmented (ignore_df below).
	 */
	if (oaf == AF_INET6)
		mtu = max(mtu, IPV6_MIN_MTU);
	else if (mtu < 68)
		return NF_DROP;
	if (!lvs_xmit_prepare(skb, pkt->af, mtu))
		return NF_DROP;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + hlen))
		return NF_DROP;
	lvs_tunnel_outer(skb, pkt->af, &o);
	if (iptunnel_handle_offloads(skb, enc.gso_type))
		return NF_DROP;
	/* GSO finds the inner IP header at the inner "mac" header */
	skb_set_inner_ipproto(skb, o.proto);
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));
	skb->transport_header = skb->network_header;

	proto = o.proto;
	if (lvs_encap_push(net, skb, &enc, oaf, &dd->saddr, &cp->daddr,
			   &proto))
		return NF_DROP;
	if (oaf == AF_INET)
		lvs_tunnel_push4(skb, &o, proto, dd, &cp->daddr);
	else
		lvs_tunnel_push6(skb, &o, proto, dd, &cp->daddr);
	/* the outer packet may be fragmented where DF allows it */
	skb->ignore_df = 1;
	lvs_xmit_conn(skb, cp, oaf, dst);
	return NF_STOLEN;
}
