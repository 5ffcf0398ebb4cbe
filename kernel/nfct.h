/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lvs asks of nf_conntrack for connections made while
 * net.ipv4.vs.conntrack is 1 (LVS_CONN_F_NFCT); nfct.c explains. Without
 * conntrack in the kernel these are stubs: no packet has an entry to keep.
 */
#ifndef _LVS_NFCT_H
#define _LVS_NFCT_H

#include "lvs.h"

#if IS_ENABLED(CONFIG_NF_CONNTRACK)
bool lvs_nfct_xmit(struct sk_buff *skb, const struct lvs_conn *cp);
void lvs_nfct_reply(struct sk_buff *skb, const struct lvs_conn *cp);
bool lvs_nfct_retire(const struct sk_buff *skb, struct lvs_conn *cp);
void lvs_nfct_drop(const struct lvs_conn *cp);
#else
static inline bool lvs_nfct_xmit(struct sk_buff *skb,
				 const struct lvs_conn *cp)
{
	return true;
}

static inline void lvs_nfct_reply(struct sk_buff *skb,
				  const struct lvs_conn *cp)
{
}

static inline bool lvs_nfct_retire(const struct sk_buff *skb,
				   struct lvs_conn *cp)
{
	return false;
}

static inline void lvs_nfct_drop(const struct lvs_conn *cp)
{
}
#endif

#endif /* _LVS_NFCT_H */
