// SPDX-License-Identifier: GPL-2.0
/*
 * Routes to real servers, and what every transmitter does before and
 * after it rewrites a packet.
 *
 * Each real server caches its route (struct lvs_dest_dst) behind an RCU
 * pointer. The packet path checks the cached route with dst_check() (IPv4
 * route generation, IPv6 fib serial number via the cookie) and attaches it
 * to the packet without taking a reference (skb_dst_set_noref(), valid
 * under the RCU read lock; the stack takes a reference itself if it queues
 * the packet), so a packet costs no atomic operation on the route. A stale
 * or missing route is looked up again and swapped in under dest->dst_lock;
 * the old one is released after a grace period.
 *
 * A cached route holds its device. When a device goes down or away, a
 * netdevice notifier drops the cached routes of the namespace's real
 * servers (live ones and those in the trash), so the device can be
 * unregistered.
 *
 * Direct routing sends the packet, unchanged, to the real server's link
 * address: the route is looked up with FLOWI_FLAG_KNOWN_NH so that the
 * neighbour is the real server, not the packet's destination (the VIP).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "lvs.h"
#include "nfct.h"

static void lvs_dest_dst_free_rcu(struct rcu_head *head)
{
	struct lvs_dest_dst *dd = container_of(head, struct lvs_dest_dst, rcu);

	dst_release(dd->dst);
	kfree(dd);
}

static void lvs_dest_dst_replace(struct lvs_dest *dest,
				 struct lvs_dest_dst *dd)
{
	struct lvs_dest_dst *old;

	spin_lock_bh(&dest->dst_lock);
	old = rcu_dereference_protected(dest->dest_dst,
					lockdep_is_held(&dest->dst_lock));
	rcu_assign_pointer(dest->dest_dst, dd);
	spin_unlock_bh(&dest->dst_lock);
	if (old)
		call_rcu(&old->rcu, lvs_dest_dst_free_rcu);
}

/* Forget @dest's route, e.g. because its forwarding method changed. */
void lvs_dest_route_reset(struct lvs_dest *dest)
{
	lvs_dest_dst_replace(dest, NULL);
}

/*
 * Forget @dest's route: a device of its namespace went down or away. Every
 * route goes, not only those through that device: IPv6 moves routes of a
 * vanishing device to the blackhole device, and a later lookup is cheap.
 */
static void lvs_dest_route_forget(struct lvs_dest *dest, void *arg)
{
	lvs_dest_route_reset(dest);
}

static int lvs_route_netdev_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_DOWN || event == NETDEV_UNREGISTER)
		lvs_dests_for_each(lvs_net(dev_net(dev)),
				   lvs_dest_route_forget, NULL);
	return NOTIFY_DONE;
}

static struct notifier_block lvs_route_notifier = {
	.notifier_call = lvs_route_netdev_event,
};

int __init lvs_route_init(void)
{
	return register_netdevice_notifier(&lvs_route_notifier);
}

void lvs_route_exit(void)
{
	unregister_netdevice_notifier(&lvs_route_notifier);
}

static struct dst_entry *lvs_route4(struct net *net,
				    const union nf_inet_addr *daddr,
				    bool known_nh, union nf_inet_addr *saddr)
{
	struct flowi4 fl4 = {
		.daddr = daddr->ip,
		.flowi4_flags = known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	if (rt->rt_type != RTN_UNICAST) {
		/* a local or broadcast address is not forwarded to */
		ip_rt_put(rt);
		return NULL;
	}
	saddr->ip = fl4.saddr;
	return &rt->dst;
}

static struct dst_entry *lvs_route6(struct net *net,
				    const union nf_inet_addr *daddr,
				    bool known_nh, union nf_inet_addr *saddr)
{
	struct flowi6 fl6 = {
		.daddr = daddr->in6,
		.flowi6_flags = known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct dst_entry *dst;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error || (dst->dev->flags & IFF_LOOPBACK) ||
	    ipv6_dev_get_saddr(net, dst->dev, &fl6.daddr, 0, &saddr->in6)) {
		dst_release(dst);
		return NULL;
	}
	return dst;
}

/**
 * lvs_route_dest_addr_ok - whether a new real server may have @addr
 * @net: the namespace of its service
 * @af: AF_INET or AF_INET6
 * @addr: its address
 *
 * IPVS's rule: an IPv4 address the routing table calls local or unicast
 * (not 0.0.0.0, a broadcast or a multicast address); an IPv6 unicast
 * address that is not link-local, or else one of the director's own (its
 * route goes through the loopback device).
 *
 * Context: process.
 */
bool lvs_route_dest_addr_ok(struct net *net, u16 af,
			    const union nf_inet_addr *addr)
{
	struct flowi6 fl6 = { .daddr = addr->in6 };
	struct dst_entry *dst;
	unsigned int type;
	bool local;

	if (af == AF_INET) {
		type = inet_addr_type(net, addr->ip);
		return type == RTN_LOCAL || type == RTN_UNICAST;
	}
	type = ipv6_addr_type(&addr->in6);
	if ((type & IPV6_ADDR_UNICAST) && !(type & IPV6_ADDR_LINKLOCAL))
		return true;
	dst = ip6_route_output(net, NULL, &fl6);
	local = !dst->error && dst->dev && (dst->dev->flags & IFF_LOOPBACK);
	dst_release(dst);
	return local;
}

/**
 * lvs_route_addr_is_unicast - whether @addr may be forwarded to
 * @net: the namespace
 * @af: AF_INET or AF_INET6
 * @addr: a packet's destination
 *
 * IPVS's test before it lets a packet bypass a cache cluster: an IPv4
 * address the routing table calls unicast (not local, broadcast or
 * multicast), or an IPv6 unicast address.
 *
 * Context: any, rcu_read_lock() or process.
 */
bool lvs_route_addr_is_unicast(struct net *net, u16 af,
			       const union nf_inet_addr *addr)
{
	if (af == AF_INET6)
		return ipv6_addr_type(&addr->in6) & IPV6_ADDR_UNICAST;
	return inet_addr_type(net, addr->ip) == RTN_UNICAST;
}

/**
 * lvs_route_output - a route to @daddr for a packet the director forwards
 * @net: the namespace
 * @af: AF_INET or AF_INET6
 * @daddr: where to
 *
 * Return: a referenced route, or NULL when @daddr cannot be reached or is
 * one of the director's own (or a broadcast) address.
 * Context: softirq, rcu_read_lock().
 */
struct dst_entry *lvs_route_output(struct net *net, u16 af,
				   const union nf_inet_addr *daddr)
{
	union nf_inet_addr saddr;

	if (af == AF_INET)
		return lvs_route4(net, daddr, false, &saddr);
	return lvs_route6(net, daddr, false, &saddr);
}

/*
 * lvs_dest_route - the route to real server @dest
 * @known_nh: the packet's destination is not @dest (direct routing)
 *
 * Return: the cached route, valid until the RCU read lock is dropped, or
 * NULL when the real server cannot be reached.
 * Context: softirq, rcu_read_lock().
 */
struct lvs_dest_dst *lvs_dest_route(struct lvs_dest *dest, struct net *net,
				    bool known_nh)
{
	struct lvs_dest_dst *dd = rcu_dereference(dest->dest_dst);
	struct dst_entry *dst;

	if (dd && (!dd->dst->obsolete ||
		   dd->dst->ops->check(dd->dst, dd->cookie)))
		return dd;

	dd = kzalloc(sizeof(*dd), GFP_ATOMIC);
	if (!dd)
		return NULL;
	if (dest->af == AF_INET)
		dst = lvs_route4(net, &dest->addr, known_nh, &dd->saddr);
	else
		dst = lvs_route6(net, &dest->addr, known_nh, &dd->saddr);
	if (!dst) {
		kfree(dd);
		return NULL;
	}
	dd->dst = dst;
	if (dest->af == AF_INET6)
		dd->cookie = rt6_get_cookie(dst_rt6_info(dst));
	lvs_dest_dst_replace(dest, dd);
	return dd;
}

/*
 * Does @skb exceed @mtu? A packet reassembled from fragments (hooks.c)
 * leaves fragmented again: its largest fragment is what must fit.
 */
static bool lvs_too_big(const struct sk_buff *skb, u16 af, unsigned int mtu)
{
	u16 frag_max = af == AF_INET ? IPCB(skb)->frag_max_size :
				       IP6CB(skb)->frag_max_size;

	if (frag_max)
		return frag_max > mtu;
	return skb->len > mtu &&
	       !(skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu));
}

/*
 * What a router does to a packet it forwards, before a transmitter
 * rewrites it: refuse it with the right ICMP error when its hop limit runs
 * out or it is larger than @mtu and may not be fragmented, then count the
 * hop. Return: false if the packet must be dropped.
 */
bool lvs_xmit_prepare(struct sk_buff *skb, u16 af, unsigned int mtu)
{
	bool too_big = lvs_too_big(skb, af, mtu);

	if (af == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		if (too_big && (iph->frag_off & htons(IP_DF))) {
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				  htonl(mtu));
			return false;
		}
		if (iph->ttl <= 1) {
			icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
			return false;
		}
		if (skb_ensure_writable(skb, skb_network_offset(skb) +
					sizeof(*iph)))
			return false;
		ip_decrease_ttl(ip_hdr(skb));
		return true;
	}

	if (too_big) {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return false;
	}
	if (ipv6_hdr(skb)->hop_limit <= 1) {
		icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
		return false;
	}
	if (skb_ensure_writable(skb, skb_network_offset(skb) +
				sizeof(struct ipv6hdr)))
		return false;
	ipv6_hdr(skb)->hop_limit--;
	return true;
}

/*
 * Send @skb, rewritten, along @dst: it drops any socket early demux
 * attached and goes through LOCAL_OUT and POSTROUTING like any packet the
 * director sends, with the conntrack entry it carries, if any.
 */
static void lvs_xmit_out(struct sk_buff *skb, u16 af, struct dst_entry *dst)
{
	skb_orphan(skb);
	skb_forward_csum(skb);
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	if (af == AF_INET) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, dev_net(dst->dev),
			NULL, skb, NULL, dst->dev, dst_output);
	} else {
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		NF_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, dev_net(dst->dev),
			NULL, skb, NULL, dst->dev, dst_output);
	}
}

/* Send @skb along @dst out of conntrack (ICMP errors lvs relays). */
void lvs_xmit_send(struct sk_buff *skb, u16 af, struct dst_entry *dst)
{
	lvs_untrack(skb);
	lvs_xmit_out(skb, af, dst);
}

/*
 * Send @skb, a packet of @cp, along @dst as a packet of family @af (a
 * tunnel's outer family may not be @cp's): out of conntrack, as lvs keeps
 * its own state, or, for a connection made with net.ipv4.vs.conntrack=1,
 * with its entry kept (nfct.c); that is one flag test per packet for the
 * others.
 */
void lvs_xmit_conn(struct sk_buff *skb, const struct lvs_conn *cp, u16 af,
		   struct dst_entry *dst)
{
	if (likely(!(cp->flags & LVS_CONN_F_NFCT))) {
		lvs_untrack(skb);
	} else if (!lvs_nfct_xmit(skb, cp)) {
		kfree_skb(skb);
		return;
	}
	lvs_xmit_out(skb, af, dst);
}
