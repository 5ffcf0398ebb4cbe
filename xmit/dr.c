// SPDX-License-Identifier: GPL-2.0
/*
 * Direct routing (gatewaying): the packet goes unchanged, still addressed
 * to the VIP, to the real server's link-layer address. The real server has
 * the VIP on its loopback (and does not answer ARP or neighbour
 * solicitations for it), accepts the packet and replies straight to the
 * client. The route to the real server is looked up with a known next hop
 * (see route.c), so the neighbour entry used is the real server's.
 */
#include "lvs.h"

unsigned int lvs_xmit_dr(struct sk_buff *skb, struct lvs_conn *cp,
			 const struct lvs_packet *pkt)
{
	struct lvs_dest_dst *dd;

	dd = lvs_dest_route(cp->dest, cp->lnet->net, true);
	if (!dd || !lvs_xmit_prepare(skb, pkt->af, dst_mtu(dd->dst)))
		return NF_DROP;
	lvs_xmit_conn(skb, cp, pkt->af, dd->dst);
	return NF_STOLEN;
}
