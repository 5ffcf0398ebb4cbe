// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors for connections: an error about a packet of a balanced
 * connection is relayed to the side of the connection that sent that
 * packet, as IPVS does.
 *
 *   LOCAL_IN (lvs_icmp_request): an error addressed to the VIP, from the
 *     client or a router on its way, quotes a reply the director or a real
 *     server sent (VIP:vport -> client). The quoted packet is turned round
 *     and looked up like a client's packet. NAT: the outer destination and
 *     the quoted source become the real server's address and port; DR and
 *     TUN: the error goes to the real server unchanged, by the
 *     connection's transmitter.
 *   LOCAL_IN, tunnels: an error addressed to the director about a packet
 *     it sent to a real server through a tunnel (a router with a smaller
 *     MTU between them) quotes the client's packet inside, after the outer
 *     IP header and, for GUE and GRE, their headers. The director updates
 *     its path MTU to the real server and tells the client, from the VIP,
 *     the MTU minus the outer headers. IPVS does this for IPv4 only (IPIP,
 *     GUE, GRE); lvs for IPv6 too. A tunnel to a real server of the other
 *     family is left to the stack.
 *   FORWARD (lvs_icmp_reply): an error from a NAT real server, or a router
 *     in front of it, about a client's packet on its way to the client:
 *     the outer source, the quoted destination and port become the VIP's.
 *
 * Every header read from an error goes through skb_header_pointer() and is
 * checked against the length there is; an error that quotes too little, a
 * later fragment, or addresses that do not fit the connection it names is
 * left to the stack, untouched; one whose ICMP checksum is wrong is
 * dropped. Checksums of a translated error are updated in full: the outer
 * and quoted IPv4 header checksums and the quoted TCP or UDP checksum
 * incrementally, the ICMP checksum computed anew over the message.
 *
 * Also here: nat_icmp_send, an ICMP port unreachable for a NAT real
 * server's packet that belongs to no connection.
 *
 * Context: the netfilter hooks (softirq, rcu_read_lock()); connections and
 * real servers are freed only after a grace period, so none is pinned.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/gre.h>
#include <net/gue.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "lvs.h"

/* An ICMP error as far as lvs reads it; offsets are from skb->data. */
struct lvs_icmp {
	u8 type;
	u8 code;
	__be32 info;		/* the word after the checksum (MTU, pointer) */
	unsigned int qoff;	/* the quoted IP header */
	bool qdf;		/* the quoted IPv4 header has DF */
	struct lvs_packet q;	/* the quoted packet, addresses as quoted */
};

static bool lvs_icmp_is_error(u16 af, u8 type)
{
	if (af == AF_INET)
		return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
		       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
	return type == ICMPV6_DEST_UNREACH || type == ICMPV6_PKT_TOOBIG ||
	       type == ICMPV6_TIME_EXCEED || type == ICMPV6_PARAMPROB;
}

/*
 * Read the IP header quoted at @off into @q: protocol, addresses and where
 * its transport header starts. False if it is not there in full, is of
 * another family, or is a later fragment (which quotes no ports).
 */
static bool lvs_icmp_quoted_ip(const struct sk_buff *skb, u16 af,
			       unsigned int off, struct lvs_icmp *ic)
{
	struct lvs_packet *q = &ic->q;

	q->af = af;
	if (af == AF_INET) {
		const struct iphdr *iph;
		struct iphdr _iph;

		iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    iph->frag_off & htons(IP_OFFSET))
			return false;
		q->protocol = iph->protocol;
		q->saddr.ip = iph->saddr;
		q->daddr.ip = iph->daddr;
		q->l4off = off + iph->ihl * 4;
		ic->qdf = iph->frag_off & htons(IP_DF);
	} else {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;
		__be16 frag_off;
		u8 nexthdr;
		int l4off;

		ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
		if (!ip6h || ip6h->version != 6)
			return false;
		q->saddr.in6 = ip6h->saddr;
		q->daddr.in6 = ip6h->daddr;
		nexthdr = ip6h->nexthdr;
		l4off = ipv6_skip_exthdr(skb, off + sizeof(*ip6h), &nexthdr,
					 &frag_off);
		if (l4off < 0 || (frag_off & htons(IP6_OFFSET)))
			return false;
		q->protocol = nexthdr;
		q->l4off = l4off;
		ic->qdf = true;
	}
	ic->qoff = off;
	return true;
}

/*
 * The quoted ports, and TCP flags when the quote reaches them (for
 * schedule_icmp). False for protocols lvs does not balance or a quote too
 * short for the ports.
 */
static bool lvs_icmp_quoted_ports(const struct sk_buff *skb,
				  struct lvs_packet *q)
{
	const struct tcphdr *th;
	const __be16 *ports;
	struct tcphdr _th;
	__be16 _ports[2];

	if (!lvs_proto(q->protocol))
		return false;
	ports = skb_header_pointer(skb, q->l4off, sizeof(_ports), _ports);
	if (!ports)
		return false;
	q->sport = ports[0];
	q->dport = ports[1];
	q->tcp_flags = 0;
	if (q->protocol == IPPROTO_TCP) {
		th = skb_header_pointer(skb, q->l4off, sizeof(_th), &_th);
		if (th)
			q->tcp_flags = tcp_flag_byte(th);
	}
	return true;
}

/*
 * Read the ICMP error that @pkt (protocol ICMP or ICMPv6) carries and the
 * IP header it quotes. False for other ICMP messages and for errors too
 * short to quote one.
 */
static bool lvs_icmp_parse(const struct sk_buff *skb,
			   const struct lvs_packet *pkt, struct lvs_icmp *ic)
{
	const struct icmphdr *ih;
	struct icmphdr _ih;

	if (pkt->protocol != (pkt->af == AF_INET ? IPPROTO_ICMP :
			      IPPROTO_ICMPV6))
		return false;
	/* an ICMPv6 header has the same size and layout as far as we read */
	ih = skb_header_pointer(skb, pkt->l4off, sizeof(_ih), &_ih);
	if (!ih || !lvs_icmp_is_error(pkt->af, ih->type))
		return false;
	ic->type = ih->type;
	ic->code = ih->code;
	ic->info = ih->un.gateway;
	return lvs_icmp_quoted_ip(skb, pkt->af, pkt->l4off + sizeof(_ih), ic);
}

/* The quoted packet turned round: the packet it answers, or that answers it. */
static void lvs_icmp_turn(const struct lvs_packet *q, struct lvs_packet *key)
{
	*key = *q;
	key->saddr = q->daddr;
	key->daddr = q->saddr;
	key->sport = q->dport;
	key->dport = q->sport;
}

static __wsum lvs_icmp_sum(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	return skb_checksum(skb, pkt->l4off, skb->len - pkt->l4off, 0);
}

/* Is the ICMP checksum of @skb right? */
static bool lvs_icmp_csum_ok(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	const struct ipv6hdr *ip6h;

	if (skb_csum_unnecessary(skb))
		return true;
	if (pkt->af == AF_INET)
		return !csum_fold(lvs_icmp_sum(skb, pkt));
	ip6h = ipv6_hdr(skb);
	return !csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
				skb->len - pkt->l4off, IPPROTO_ICMPV6,
				lvs_icmp_sum(skb, pkt));
}

/* Compute the ICMP checksum of @skb anew. The packet is writable. */
static void lvs_icmp_csum_set(struct sk_buff *skb, const struct lvs_packet *pkt)
{
	struct icmphdr *ih = (struct icmphdr *)(skb->data + pkt->l4off);
	const struct ipv6hdr *ip6h;

	/* icmp6hdr's checksum is where icmphdr's is */
	ih->checksum = 0;
	if (pkt->af == AF_INET) {
		ih->checksum = csum_fold(lvs_icmp_sum(skb, pkt));
	} else {
		ip6h = ipv6_hdr(skb);
		ih->checksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
					       skb->len - pkt->l4off,
					       IPPROTO_ICMPV6,
					       lvs_icmp_sum(skb, pkt));
	}
	skb->ip_summed = CHECKSUM_NONE;
}

/* The quoted transport checksum, if the quote has it and it is in use. */
static __sum16 *lvs_icmp_quoted_csum(struct sk_buff *skb,
				     const struct lvs_packet *q)
{
	unsigned int off;
	__sum16 *csum;

	if (q->protocol == IPPROTO_TCP)
		off = q->l4off + offsetof(struct tcphdr, check);
	else if (q->protocol == IPPROTO_UDP)
		off = q->l4off + offsetof(struct udphdr, check);
	else
		return NULL;
	if (off + sizeof(*csum) > skb->len)
		return NULL;
	csum = (__sum16 *)(skb->data + off);
	if (q->protocol == IPPROTO_UDP && q->af == AF_INET && !*csum)
		return NULL;
	return csum;
}

static void lvs_icmp_csum_replace16(__sum16 *csum, const struct in6_addr *from,
				    const struct in6_addr *to)
{
	int i;

	for (i = 0; i < 4; i++)
		csum_replace4(csum, from->s6_addr32[i], to->s6_addr32[i]);
}

/*
 * Translate a NAT connection's error to @addr:@port. @to_server: an error
 * about a reply, on its way to the real server: the outer destination and
 * the quoted source change. Else an error about a request, on its way to
 * the client: the outer source and the quoted destination change.
 *
 * The caller made the whole packet writable and linear, and checked the
 * ICMP checksum.
 */
static void lvs_icmp_nat(struct sk_buff *skb, const struct lvs_packet *pkt,
			 const struct lvs_icmp *ic, bool to_server,
			 const union nf_inet_addr *addr, __be16 port)
{
	__be16 *qport = (__be16 *)(skb->data + ic->q.l4off) + !to_server;
	__sum16 *qcsum = lvs_icmp_quoted_csum(skb, &ic->q);

	if (pkt->af == AF_INET) {
		struct iphdr *qiph = (struct iphdr *)(skb->data + ic->qoff);
		struct iphdr *iph = ip_hdr(skb);
		__be32 *quoted, *outer;

		quoted = to_server ? &qiph->saddr : &qiph->daddr;
		outer = to_server ? &iph->daddr : &iph->saddr;
		csum_replace4(&iph->check, *outer, addr->ip);
		*outer = addr->ip;
		csum_replace4(&qiph->check, *quoted, addr->ip);
		if (qcsum)
			csum_replace4(qcsum, *quoted, addr->ip);
		*quoted = addr->ip;
	} else {
		struct ipv6hdr *qip6h = (struct ipv6hdr *)(skb->data + ic->qoff);
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct in6_addr *quoted;

		quoted = to_server ? &qip6h->saddr : &qip6h->daddr;
		if (to_server)
			ip6h->daddr = addr->in6;
		else
			ip6h->saddr = addr->in6;
		if (qcsum)
			lvs_icmp_csum_replace16(qcsum, quoted, &addr->in6);
		*quoted = addr->in6;
	}
	if (qcsum) {
		csum_replace2(qcsum, *qport, port);
		if (ic->q.protocol == IPPROTO_UDP && !*qcsum)
			*qcsum = CSUM_MANGLED_0;
	}
	*qport = port;
	lvs_icmp_csum_set(skb, pkt);
}

/* A NAT connection's error from the client's side, to the real server. */
static unsigned int lvs_icmp_xmit_nat(struct sk_buff *skb, struct lvs_conn *cp,
				      const struct lvs_packet *pkt,
				      const struct lvs_icmp *ic)
{
	struct lvs_dest_dst *dd;

	dd = lvs_dest_route(cp->dest, cp->lnet->net, false);
	if (!dd || skb_ensure_writable(skb, skb->len) ||
	    !lvs_xmit_prepare(skb, pkt->af, dst_mtu(dd->dst)))
		return NF_DROP;
	lvs_icmp_nat(skb, pkt, ic, true, &cp->daddr, cp->dport);
	skb->ignore_df = 1;
	lvs_xmit_send(skb, pkt->af, dd->dst);
	return NF_STOLEN;
}

/*
 * The tunnel a packet the director sent was wrapped in, as quoted by
 * error @ic after its outer IP header: IPIP (IPv6-in-IPv6), GUE (to UDP
 * port *@port) or GRE, carrying a packet of the outer header's family;
 * *@len is the GUE or GRE header's length. False for anything else.
 */
static bool lvs_icmp_encap(const struct sk_buff *skb,
			   const struct lvs_icmp *ic, u8 *type,
			   unsigned int *len, __be16 *port)
{
	bool v4 = ic->q.af == AF_INET;
	u8 inner = v4 ? IPPROTO_IPIP : IPPROTO_IPV6;
	const struct gre_base_hdr *greh;
	struct gre_base_hdr _greh;
	struct {
		struct udphdr udp;
		struct guehdr gue;
	} _h, *h;

	*len = 0;
	switch (ic->q.protocol) {
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		*type = LVS_TUNNEL_IPIP;
		return ic->q.protocol == inner;
	case IPPROTO_UDP:
		h = skb_header_pointer(skb, ic->q.l4off, sizeof(_h), &_h);
		if (!h || h->gue.version || h->gue.control ||
		    h->gue.proto_ctype != inner)
			return false;
		*type = LVS_TUNNEL_GUE;
		*port = h->udp.dest;
		*len = sizeof(*h) + h->gue.hlen * 4;
		return true;
	case IPPROTO_GRE:
		greh = skb_header_pointer(skb, ic->q.l4off, sizeof(_greh),
					  &_greh);
		if (!greh || greh->flags & ~GRE_CSUM ||
		    greh->protocol != htons(v4 ? ETH_P_IP : ETH_P_IPV6))
			return false;
		*type = LVS_TUNNEL_GRE;
		*len = sizeof(*greh) + (greh->flags & GRE_CSUM ? 4 : 0);
		return true;
	}
	return false;
}

/*
 * Tell the client about the error a router sent back about a tunnelled
 * packet of @cp. For "fragmentation needed" / "packet too big", the
 * director's path MTU to the real server is updated first and the client
 * is told that MTU less the outer headers: IP, and @encap bytes of GUE or
 * GRE. Consumes @skb.
 */
static void lvs_icmp_untunnel(struct sk_buff *skb, struct lvs_conn *cp,
			      const struct lvs_packet *pkt,
			      const struct lvs_icmp *outer,
			      const struct lvs_icmp *inner,
			      unsigned int encap)
{
	unsigned int hlen = pkt->af == AF_INET ? sizeof(struct iphdr) :
			    sizeof(struct ipv6hdr);
	unsigned int overhead = hlen + encap;
	struct net *net = cp->lnet->net;
	u32 info = ntohl(outer->info);
	struct lvs_dest_dst *dd;
	bool too_big;

	too_big = pkt->af == AF_INET ?
		  outer->type == ICMP_DEST_UNREACH &&
		  outer->code == ICMP_FRAG_NEEDED :
		  outer->type == ICMPV6_PKT_TOOBIG;
	if (too_big) {
		/* the update reads the quoted outer header at skb->data */
		if (!pskb_pull(skb, outer->qoff) || !pskb_may_pull(skb, hlen))
			goto out;
		if (pkt->af == AF_INET)
			ipv4_update_pmtu(skb, net, info & 0xffff, 0, 0);
		else
			ip6_update_pmtu(skb, net, htonl(info), 0, 0,
					sock_net_uid(net, NULL));
		/* a client that lets routers fragment needs no answer */
		if (!inner->qdf)
			goto out;
		/* what the route now says beats what the router said */
		dd = lvs_dest_route(cp->dest, net, false);
		info = dd ? dst_mtu(dd->dst) : info & 0xffff;
		if (pkt->af == AF_INET6 || info > 68 + overhead)
			info -= overhead;
		if (pkt->af == AF_INET)
			info &= 0xffff;
		if (!pskb_pull(skb, inner->qoff - outer->qoff))
			goto out;
	} else if (!pskb_pull(skb, inner->qoff)) {
		goto out;
	}
	/* the client's packet, as it reached the director */
	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, hlen))
		goto out;
	/* the options recorded for the outer packet do not apply */
	if (pkt->af == AF_INET) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		icmp_send(skb, outer->type, outer->code, htonl(info));
	} else {
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		icmpv6_send(skb, outer->type, outer->code, info);
	}
out:
	consume_skb(skb);
}

/*
 * An error about a tunnelled packet: the quote is the director's outer
 * header to a real server, its tunnel's header, then the client's packet.
 * Returns NF_STOLEN when it was one, NF_DROP for a bad checksum, and
 * NF_ACCEPT for an error about anything else.
 */
static unsigned int lvs_icmp_tunnel(struct lvs_net *lnet, struct sk_buff *skb,
				    const struct lvs_packet *pkt,
				    const struct lvs_icmp *ic)
{
	struct lvs_icmp inner = {};
	const struct lvs_dest *dest;
	unsigned int encap;
	struct lvs_conn *cp;
	__be16 port = 0;
	u8 type;

	if (!lvs_icmp_encap(skb, ic, &type, &encap, &port) ||
	    !lvs_icmp_quoted_ip(skb, pkt->af, ic->q.l4off + encap, &inner) ||
	    !lvs_icmp_quoted_ports(skb, &inner.q))
		return NF_ACCEPT;
	cp = lvs_conn_in_lookup(lnet, &inner.q);
	if (!cp || cp->flags & LVS_CONN_F_TEMPLATE ||
	    (cp->flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_TUNNEL)
		return NF_ACCEPT;
	/* the tunnel is the one this connection's real server has */
	dest = cp->dest;
	if (dest->af != pkt->af ||
	    !lvs_addr_equal(pkt->af, &cp->daddr, &ic->q.daddr) ||
	    READ_ONCE(dest->tun_type) != type ||
	    (type == LVS_TUNNEL_GUE && READ_ONCE(dest->tun_port) != port))
		return NF_ACCEPT;
	if (!lvs_icmp_csum_ok(skb, pkt))
		return NF_DROP;
	lvs_count(lnet, cp, false, pkt->len, false);
	lvs_icmp_untunnel(skb, cp, pkt, ic, &inner, encap);
	return NF_STOLEN;
}

/* schedule_icmp: a connection for the packet an error quotes, or NULL. */
static struct lvs_conn *lvs_icmp_schedule(struct lvs_net *lnet,
					  struct sk_buff *skb,
					  const struct lvs_packet *key,
					  unsigned int *verdict)
{
	*verdict = NF_ACCEPT;
	if (!READ_ONCE(lnet->sysctl.schedule_icmp))
		return NULL;
	return lvs_schedule(lnet, skb, key, verdict);
}

/**
 * lvs_icmp_request - an ICMP or ICMPv6 packet for the director (LOCAL_IN)
 * @lnet: the namespace's lvs state
 * @skb: the packet
 * @pkt: its outer header, as lvs_parse() read it
 *
 * Return: the netfilter verdict; NF_ACCEPT (to the stack) for anything
 * that is not an error about a balanced connection.
 */
unsigned int lvs_icmp_request(struct lvs_net *lnet, struct sk_buff *skb,
			      const struct lvs_packet *pkt)
{
	struct lvs_icmp ic = {};
	unsigned int verdict;
	struct lvs_packet key;
	bool new_conn = false;
	struct lvs_conn *cp;

	if (!lvs_icmp_parse(skb, pkt, &ic))
		return NF_ACCEPT;
	/* about a packet the director wrapped for a real server? */
	verdict = lvs_icmp_tunnel(lnet, skb, pkt, &ic);
	if (verdict != NF_ACCEPT)
		return verdict;
	if (!lvs_icmp_quoted_ports(skb, &ic.q))
		return NF_ACCEPT;
	/* it quotes a reply: VIP:vport -> client */
	lvs_icmp_turn(&ic.q, &key);
	cp = lvs_conn_in_lookup(lnet, &key);
	if (cp && cp->flags & LVS_CONN_F_TEMPLATE)
		return NF_ACCEPT;
	if (!cp) {
		cp = lvs_icmp_schedule(lnet, skb, &key, &verdict);
		if (!cp)
			return verdict;
		new_conn = true;
	}
	verdict = NF_ACCEPT;
	/* an error sent to another of our addresses is not the VIP's */
	if (!lvs_addr_equal(pkt->af, &pkt->daddr, &cp->vaddr))
		goto out;
	verdict = NF_DROP;
	if (!lvs_icmp_csum_ok(skb, pkt))
		goto out;
	lvs_count(lnet, cp, true, pkt->len, new_conn);
	switch (cp->flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
		verdict = lvs_icmp_xmit_nat(skb, cp, pkt, &ic);
		break;
	case LVS_CONN_F_DROUTE:
		verdict = lvs_xmit_dr(skb, cp, pkt);
		break;
	case LVS_CONN_F_TUNNEL:
		verdict = lvs_xmit_tunnel(skb, cp, pkt);
		break;
	case LVS_CONN_F_BYPASS:
		verdict = lvs_xmit_bypass(skb, cp, pkt);
		break;
	default:
		verdict = NF_ACCEPT;
	}
out:
	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		lvs_conn_one_packet_done(cp);
	return verdict;
}

/**
 * lvs_icmp_reply - an ICMP or ICMPv6 packet the director forwards
 * @lnet: the namespace's lvs state
 * @skb: the packet, already routed
 * @pkt: its outer header
 *
 * An error about a client's packet to a NAT real server is translated back
 * for the client: from the VIP, about a packet to VIP:vport.
 *
 * Return: the netfilter verdict.
 */
unsigned int lvs_icmp_reply(struct lvs_net *lnet, struct sk_buff *skb,
			    const struct lvs_packet *pkt)
{
	struct lvs_icmp ic = {};
	struct lvs_packet key;
	struct lvs_conn *cp;

	if (!lvs_icmp_parse(skb, pkt, &ic) ||
	    !lvs_icmp_quoted_ports(skb, &ic.q))
		return NF_ACCEPT;
	/* it quotes a request: client -> real server */
	lvs_icmp_turn(&ic.q, &key);
	cp = lvs_conn_out_lookup(lnet, &key);
	if (!cp || (cp->flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_MASQ ||
	    !lvs_addr_equal(pkt->af, &pkt->daddr, &cp->caddr))
		return NF_ACCEPT;
	if (!lvs_icmp_csum_ok(skb, pkt) || skb_ensure_writable(skb, skb->len))
		return NF_DROP;
	lvs_icmp_nat(skb, pkt, &ic, false, &cp->vaddr, cp->vport);
	lvs_count(lnet, cp, false, pkt->len, false);
	lvs_untrack(skb);
	return NF_ACCEPT;
}

/**
 * lvs_icmp_nat_refuse - a forwarded packet matched no connection
 * @lnet: the namespace's lvs state
 * @skb: the packet
 * @pkt: what lvs_parse() read of it
 *
 * With nat_icmp_send, a packet from a NAT real server's address and port
 * that belongs to no connection (a TCP reset aside) gets ICMP port
 * unreachable and is dropped, as in IPVS. The search walks every service,
 * so it costs time with many services; only while the sysctl is set.
 *
 * Return: the netfilter verdict.
 */
unsigned int lvs_icmp_nat_refuse(struct lvs_net *lnet, struct sk_buff *skb,
				 const struct lvs_packet *pkt)
{
	if (!READ_ONCE(lnet->sysctl.nat_icmp_send) ||
	    (pkt->protocol == IPPROTO_TCP && pkt->tcp_flags & TCPHDR_RST) ||
	    !lvs_service_nat_dest(lnet, pkt))
		return NF_ACCEPT;
	if (pkt->af == AF_INET)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	else
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	return NF_DROP;
}
