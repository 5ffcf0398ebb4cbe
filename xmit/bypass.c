// SPDX-License-Identifier: GPL-2.0
/*
 * Cache bypass: a firewall-mark service in front of a transparent cache
 * cluster receives traffic addressed to other hosts (policy routing
 * delivers it to the director). When no cache can take a new flow and
 * net.ipv4.vs.cache_bypass is set, the flow's connection has no real
 * server (LVS_CONN_F_BYPASS) and its packets are forwarded, unchanged,
 * to the host they were addressed to, as a router would.
 *
 * The route is looked up per packet: such flows are the exception, and a
 * cache per destination host is not worth keeping for them.
 */
#include "lvs.h"

unsigned int lvs_xmit_bypass(struct sk_buff *skb, struct lvs_conn *cp,
			     const struct lvs_packet *pkt)
{
	struct dst_entry *dst;

	dst = lvs_route_output(cp->lnet->net, pkt->af, &pkt->daddr);
	if (!dst)
		return NF_DROP;
	if (!lvs_xmit_prepare(skb, pkt->af, dst_mtu(dst))) {
		dst_release(dst);
		return NF_DROP;
	}
	lvs_xmit_conn(skb, cp, pkt->af, dst);
	/* the packet holds no reference; dst is freed after a grace period */
	dst_release(dst);
	return NF_STOLEN;
}
