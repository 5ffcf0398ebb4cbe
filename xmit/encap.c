// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel encapsulations between the outer IP header and the packet: GUE
 * (a UDP header to the real server's tunnel port, then a GUE header) and
 * GRE (a base header, and a checksum field when asked for). IPIP has none.
 * tunnel.c decides, per packet, with lvs_encap_init(), then pushes the
 * encapsulation with lvs_encap_push() and the outer header itself.
 *
 * The headers are IPVS's, bit for bit, so that real servers set up for
 * IPVS work unchanged:
 *
 *   GUE: version 0, no control, the inner protocol (IPPROTO_IPIP or
 *     IPPROTO_IPV6) as proto_ctype. The UDP source port is a hash of the
 *     inner flow (udp_flow_src_port()), so that real servers can spread
 *     flows over receive queues. LVS_TUNNEL_F_CSUM computes the UDP
 *     checksum (no flag: a zero checksum). LVS_TUNNEL_F_REMCSUM also
 *     computes it and, for a packet whose transport checksum is still to
 *     be filled in (CHECKSUM_PARTIAL), adds the private-flags option with
 *     the remote checksum offload offsets (start and field, from the inner
 *     IP header), leaving the inner checksum for the real server to
 *     finish; other packets carry no option.
 *   GRE: version 0, the inner EtherType as protocol; LVS_TUNNEL_F_CSUM
 *     adds the checksum over the GRE header and payload.
 *
 * Offloads. A GSO packet keeps its segmentation for the device (or the
 * software fallback) to do: its gso_type gains the encapsulation's bits,
 * which the segmentation code needs to find the inner headers (IPXIP4 or
 * IPXIP6 for the outer family, then UDP_TUNNEL[_CSUM] and TUNNEL_REMCSUM,
 * or GRE[_CSUM]); the checksums of each segment are computed there. For a
 * single packet the outer checksum is computed here when the inner one is
 * pending (local checksum offload, lco_csum()), or left to the device.
 */
#include <linux/if_tunnel.h>
#include <linux/udp.h>
#include <net/gre.h>
#include <net/gue.h>
#include <net/ip6_checksum.h>
#include <net/udp.h>

#include "lvs.h"

/**
 * lvs_encap_init - what real server @dest's tunnel adds to @skb
 * @enc: filled in
 * @dest: the real server; its tunnel settings are read once, so that the
 *	headroom, the MTU and the header agree even when SET_DEST changes
 *	them meanwhile
 * @skb: the packet, as it arrived (its checksum state decides whether
 *	GUE's remote checksum option is used)
 * @outer_af: the outer header's family, the real server's
 */
void lvs_encap_init(struct lvs_encap *enc, const struct lvs_dest *dest,
		    const struct sk_buff *skb, u16 outer_af)
{
	u16 flags = READ_ONCE(dest->tun_flags);

	enc->type = READ_ONCE(dest->tun_type);
	enc->port = READ_ONCE(dest->tun_port);
	enc->csum = false;
	enc->remcsum = false;
	enc->gso_type = outer_af == AF_INET ? SKB_GSO_IPXIP4 : SKB_GSO_IPXIP6;

	switch (enc->type) {
	case LVS_TUNNEL_GUE:
		/* a remote checksum needs the UDP checksum too */
		enc->csum = flags & (LVS_TUNNEL_F_CSUM | LVS_TUNNEL_F_REMCSUM);
		enc->len = sizeof(struct udphdr) + sizeof(struct guehdr);
		enc->remcsum = flags & LVS_TUNNEL_F_REMCSUM &&
			       skb->ip_summed == CHECKSUM_PARTIAL;
		if (enc->remcsum) {
			enc->len += GUE_LEN_PRIV + GUE_PLEN_REMCSUM;
			enc->gso_type |= SKB_GSO_TUNNEL_REMCSUM;
		}
		enc->gso_type |= enc->csum ? SKB_GSO_UDP_TUNNEL_CSUM :
				 SKB_GSO_UDP_TUNNEL;
		break;
	case LVS_TUNNEL_GRE:
		/* GRE knows no remote checksum: only CSUM counts */
		enc->csum = flags & LVS_TUNNEL_F_CSUM;
		enc->len = sizeof(struct gre_base_hdr) + (enc->csum ? 4 : 0);
		enc->gso_type |= enc->csum ? SKB_GSO_GRE_CSUM : SKB_GSO_GRE;
		break;
	default:
		enc->len = 0;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(lvs_encap_init);

/*
 * The GUE header and its remote checksum option, pushed in front of the
 * inner packet at skb->data. The option's offsets count from the end of
 * the GUE header (the inner IP header).
 */
static int lvs_gue_push(struct sk_buff *skb, const struct lvs_encap *enc,
			u8 proto)
{
	unsigned int optlen = enc->len - sizeof(struct udphdr) -
			      sizeof(struct guehdr);
	unsigned int hlen = sizeof(struct guehdr) + optlen;
	struct guehdr *gueh;

	gueh = skb_push(skb, hlen);
	gueh->word = 0;
	gueh->hlen = optlen >> 2;
	gueh->proto_ctype = proto;
	if (enc->remcsum) {
		int start = skb_checksum_start_offset(skb) - hlen;
		__be32 *pflags = (__be32 *)(gueh + 1);
		__be16 *offsets = (__be16 *)(pflags + 1);

		/* the checksum must lie in the inner packet */
		if (start < 0)
			return -EINVAL;
		gueh->flags = GUE_FLAG_PRIV;
		*pflags = GUE_PFLAG_REMCSUM;
		offsets[0] = htons(start);
		offsets[1] = htons(start + skb->csum_offset);
		/* the real server completes it; a GSO packet's is per segment */
		if (!skb_is_gso(skb)) {
			skb->ip_summed = CHECKSUM_NONE;
			skb->encapsulation = 0;
		}
	}
	return 0;
}

/* The UDP header in front of GUE, its checksum as the flags ask. */
static void lvs_gue_udp_push(struct sk_buff *skb, const struct lvs_encap *enc,
			     __be16 sport, u16 outer_af,
			     const union nf_inet_addr *saddr,
			     const union nf_inet_addr *daddr)
{
	struct udphdr *uh;

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = enc->port;
	uh->len = htons(skb->len);
	uh->check = 0;
	if (outer_af == AF_INET)
		udp_set_csum(!enc->csum, skb, saddr->ip, daddr->ip, skb->len);
	else
		udp6_set_csum(!enc->csum, skb, &saddr->in6, &daddr->in6,
			      skb->len);
}

/* The GRE header; the inner EtherType also tells GSO what is inside. */
static void lvs_gre_push(struct sk_buff *skb, const struct lvs_encap *enc,
			 u8 proto)
{
	__be16 type = proto == IPPROTO_IPIP ? htons(ETH_P_IP) :
		      htons(ETH_P_IPV6);
	struct gre_base_hdr *greh;
	__be32 *csum;

	greh = skb_push(skb, enc->len);
	skb_reset_transport_header(skb);
	skb_set_inner_protocol(skb, type);
	greh->flags = enc->csum ? GRE_CSUM : 0;
	greh->protocol = type;
	if (!enc->csum)
		return;
	/* checksum and the reserved half-word after it */
	csum = (__be32 *)(greh + 1);
	*csum = 0;
	if (skb_is_gso(skb))
		return;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		*(__sum16 *)csum = csum_fold(lco_csum(skb));
	} else {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = sizeof(*greh);
	}
}

/**
 * lvs_encap_push - push the encapsulation @enc in front of @skb
 * @net: the namespace the packet leaves from
 * @skb: the inner packet at skb->data, headroom for @enc->len made,
 *	offloads set up (iptunnel_handle_offloads()), its route attached
 * @enc: from lvs_encap_init()
 * @outer_af: the outer header's family
 * @saddr: the outer source address (GUE's checksum covers it)
 * @daddr: the outer destination address
 * @proto: in: the inner protocol (IPPROTO_IPIP or IPPROTO_IPV6); out: the
 *	outer header's protocol
 *
 * Return: 0, or -EINVAL for a packet whose pending checksum lies in front
 * of it (remote checksum offload cannot describe that); drop it then.
 */
int lvs_encap_push(struct net *net, struct sk_buff *skb,
		   const struct lvs_encap *enc, u16 outer_af,
		   const union nf_inet_addr *saddr,
		   const union nf_inet_addr *daddr, u8 *proto)
{
	__be16 sport;

	switch (enc->type) {
	case LVS_TUNNEL_GUE:
		/* hashed from the inner headers, before they move */
		sport = udp_flow_src_port(net, skb, 0, 0, false);
		if (lvs_gue_push(skb, enc, *proto))
			return -EINVAL;
		lvs_gue_udp_push(skb, enc, sport, outer_af, saddr, daddr);
		*proto = IPPROTO_UDP;
		break;
	case LVS_TUNNEL_GRE:
		lvs_gre_push(skb, enc, *proto);
		*proto = IPPROTO_GRE;
		break;
	}
	return 0;
}
