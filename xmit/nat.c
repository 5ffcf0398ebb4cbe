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
 *
 * SCTP's checksum is a CRC32c over the SCTP packet with no pseudo-header:
 * only a port change touches it. A packet whose CRC is still to be computed
 * (CHECKSUM_PARTIAL, csum_not_inet, as veth passes them on) gets it later,
 * from the whole packet as rewritten; any other has its CRC updated for the
 * changed port in a few steps (CRC32c is linear, see
 * lvs_sctp_csum_update()), so that a packet corrupted on its way in stays
 * detectably corrupt instead of being given a fresh, valid CRC.
 */
#include <linux/crc32.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "lvs.h"
#include "nfct.h"

/*
 * Where the Internet checksum of @pkt's transport lives, or NULL if it has
 * none (SCTP, or IPv4 UDP without checksum).
 */
static __sum16 *lvs_l4_csum(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	if (pkt->protocol == IPPROTO_TCP)
		return &((struct tcphdr *)(skb->data + pkt->l4off))->check;
	if (pkt->protocol == IPPROTO_SCTP)
		return NULL;
	if (pkt->af == AF_INET &&
	    !((struct udphdr *)(skb->data + pkt->l4off))->check)
		return NULL;
	return &((struct udphdr *)(skb->data + pkt->l4off))->check;
}

/**
 * lvs_sctp_csum_update - an SCTP checksum after a change of its ports
 * @check: the checksum as the packet carries it
 * @from: the source and destination ports before, as one word
 * @to: the same after
 * @len: length of the SCTP packet, common header included
 *
 * The CRC32c of two messages of the same length XORed together is the CRC,
 * without initial value and final inversion, of their XOR: here the changed
 * bits of the first four bytes, followed by @len - 4 zero bytes, which
 * __crc32c_le_shift() appends in logarithmic time.
 *
 * Return: the checksum of the packet with @to in place of @from.
 */
__le32 lvs_sctp_csum_update(__le32 check, __be32 from, __be32 to,
			    unsigned int len)
{
	__be32 diff = from ^ to;
	u32 crc;

	crc = __crc32c_le(0, (const u8 *)&diff, sizeof(diff));
	crc = __crc32c_le_shift(crc, len - sizeof(diff));
	return check ^ cpu_to_le32(crc);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sctp_csum_update);

/*
 * Update the CRC of an SCTP packet whose source (@source) or destination
 * port is about to become @port.
 */
static void lvs_nat_sctp_port(struct sk_buff *skb, const struct lvs_packet *pkt,
			      bool source, __be16 port)
{
	struct sctphdr *sh = (struct sctphdr *)(skb->data + pkt->l4off);
	__be16 ports[2] = { sh->source, sh->dest };
	__be32 from, to;

	/*
	 * A receive-side sum over the packet no longer holds once addresses
	 * or ports change; SCTP has no use for it.
	 */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (skb->ip_summed == CHECKSUM_PARTIAL || ports[!source] == port)
		return;
	memcpy(&from, ports, sizeof(from));
	ports[!source] = port;
	memcpy(&to, ports, sizeof(to));
	sh->checksum = lvs_sctp_csum_update(sh->checksum, from, to,
					    skb->len - pkt->l4off);
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

		if (csum)
			inet_proto_csum_replace16(csum, skb, paddr->s6_addr32,
						  addr->in6.s6_addr32, true);
		*paddr = addr->in6;
	}
	if (csum) {
		inet_proto_csum_replace2(csum, skb, *pport, port, false);
		if (pkt->protocol == IPPROTO_UDP && !*csum)
			*csum = CSUM_MANGLED_0;
	} else if (pkt->protocol == IPPROTO_SCTP) {
		lvs_nat_sctp_port(skb, pkt, source, port);
	}
	*pport = port;
}

static bool lvs_nat_writable(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	unsigned int l4len = sizeof(struct udphdr);

	if (pkt->protocol == IPPROTO_TCP)
		l4len = sizeof(struct tcphdr);
	else if (pkt->protocol == IPPROTO_SCTP)
		l4len = sizeof(struct sctphdr);

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
	lvs_xmit_conn(skb, cp, pkt->af, dd->dst);
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
