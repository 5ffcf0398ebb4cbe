// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tracking of balanced traffic: net.ipv4.vs.conntrack.
 *
 * By default lvs keeps the state of the connections it balances itself and
 * takes their packets out of nf_conntrack (lvs_untrack()), so the director
 * pays nothing for entries it does not need. A connection made while the
 * sysctl is 1 carries LVS_CONN_F_NFCT instead (the setting at its creation
 * holds for its life, as in IPVS), and its packets keep the entries that
 * conntrack made for them. The director's own rules ("ct state", NAT in
 * POSTROUTING, which kube-proxy relies on) then see balanced connections as
 * they see any other:
 *
 * - NAT. The client's first packet reaches the LOCAL_IN hook with a new,
 *   not yet confirmed entry client -> VIP, whose reply tuple expects
 *   VIP -> client. lvs points the reply tuple at the real server, real
 *   server -> client, before the entry is confirmed (at the end of
 *   POSTROUTING, after lvs sent the packet out through LOCAL_OUT): the real
 *   server's answers then match the entry at PREROUTING as replies
 *   (ESTABLISHED) and are not taken for new connections. An answer of the
 *   real server that made an entry of its own (the client's packet had
 *   none: conntrack was not in use in the namespace yet) gets that entry's
 *   reply tuple pointed at the VIP, client -> VIP, instead. A one-packet
 *   (--ops) connection expects no answer and keeps its entry as made.
 * - DR. The entry is kept as made, client -> VIP; the real server answers
 *   the client directly, so the director never sees a reply.
 * - TUN. The entry of the packet is confirmed before it is wrapped; the
 *   outer packet, director -> real server, is not tracked (as with
 *   conntrack=0; IPVS tracks it as a new connection of its own).
 * - When the lvs connection ends, its entry is deleted, looked up by the
 *   client -> VIP tuple in the default zone, so that a client that reuses
 *   its ports starts a new entry whose reply tuple points at the real server
 *   the new connection gets.
 *
 * lvs has no application helpers, so IPVS's conntrack expectations (for
 * FTP's data connections) have no counterpart here.
 *
 * Context: the packet hooks and the connection timers, softirq; the RCU
 * read lock is held on the packet path. Entries are reached only through
 * the packet's reference (skb->_nfct) or a reference taken by the lookup.
 */
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "nfct.h"

static void lvs_nfct_addr(u16 af, union nf_inet_addr *to,
			  const union nf_inet_addr *from)
{
	/* an IPv4 tuple's address is hashed and compared whole: rest zero */
	if (af == AF_INET)
		to->ip = from->ip;
	else
		to->in6 = from->in6;
}

/*
 * Point the reply tuple of the packet's entry, if it is new and the packet
 * goes its original way, at the real server (@to_rs) or at the VIP.
 */
static void lvs_nfct_alter(struct sk_buff *skb, const struct lvs_conn *cp,
			   bool to_rs)
{
	struct nf_conntrack_tuple reply;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	/* a confirmed entry is in the hash table: its tuples are fixed */
	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct) ||
	    CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL)
		return;
	reply = ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	if (to_rs) {
		lvs_nfct_addr(cp->af, &reply.src.u3, &cp->daddr);
		reply.src.u.all = cp->dport;
	} else {
		lvs_nfct_addr(cp->af, &reply.dst.u3, &cp->vaddr);
		reply.dst.u.all = cp->vport;
	}
	nf_conntrack_alter_reply(ct, &reply);
}

/**
 * lvs_nfct_xmit - a packet of @cp leaves for its real server
 * @skb: the packet, rewritten; for TUN, wrapped
 * @cp: its connection, with LVS_CONN_F_NFCT
 *
 * Return: false if the packet must be dropped (its entry could not be
 * confirmed).
 */
bool lvs_nfct_xmit(struct sk_buff *skb, const struct lvs_conn *cp)
{
	switch (cp->flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
		if (!(cp->flags & LVS_CONN_F_ONE_PACKET))
			lvs_nfct_alter(skb, cp, true);
		return true;
	case LVS_CONN_F_TUNNEL:
		if (nf_conntrack_confirm(skb) != NF_ACCEPT)
			return false;
		lvs_untrack(skb);
		return true;
	}
	return true;
}

/* A NAT answer of @cp (LVS_CONN_F_NFCT), rewritten, goes on to the client. */
void lvs_nfct_reply(struct sk_buff *skb, const struct lvs_conn *cp)
{
	if (!(cp->flags & LVS_CONN_F_ONE_PACKET))
		lvs_nfct_alter(skb, cp, false);
}

/**
 * lvs_nfct_retire - @cp ends early: a packet @skb must be scheduled anew
 * @skb: the packet
 * @cp: its old connection
 *
 * The entry of a packet that conntrack found confirmed is the old
 * connection's, and its reply tuple points at the old real server: the
 * packet is to be dropped, the entry goes with the connection and the
 * client's next try starts a new one. Otherwise the packet has a new entry
 * (or none) that the old connection must not delete when it goes.
 *
 * Return: true if @skb must be dropped. Context: softirq.
 */
bool lvs_nfct_retire(const struct sk_buff *skb, struct lvs_conn *cp)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	if (!(READ_ONCE(cp->flags) & LVS_CONN_F_NFCT))
		return false;
	ct = nf_ct_get(skb, &ctinfo);
	if (ct && nf_ct_is_confirmed(ct))
		return true;
	spin_lock(&cp->lock);
	WRITE_ONCE(cp->flags, cp->flags & ~LVS_CONN_F_NFCT);
	spin_unlock(&cp->lock);
	return false;
}

/**
 * lvs_nfct_drop - @cp (LVS_CONN_F_NFCT) is gone: delete its entry
 * @cp: the connection, out of the tables
 *
 * Context: BH disabled. The namespace's conntrack state outlives lvs's:
 * lvs's pernet exit runs first, as lvs needs nf_conntrack loaded.
 */
void lvs_nfct_drop(const struct lvs_conn *cp)
{
	struct nf_conntrack_tuple tuple = {};
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;

	/* as in IPVS, a one-packet connection leaves its entry to time out */
	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		return;
	tuple.src.l3num = cp->af;
	lvs_nfct_addr(cp->af, &tuple.src.u3, &cp->caddr);
	lvs_nfct_addr(cp->af, &tuple.dst.u3, &cp->vaddr);
	tuple.src.u.all = cp->cport;
	tuple.dst.u.all = cp->vport;
	tuple.dst.protonum = cp->protocol;
	tuple.dst.dir = IP_CT_DIR_ORIGINAL;

	h = nf_conntrack_find_get(cp->lnet->net, &nf_ct_zone_dflt, &tuple);
	if (!h)
		return;
	ct = nf_ct_tuplehash_to_ctrack(h);
	nf_ct_kill(ct);
	nf_ct_put(ct);
}
