/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels lvs builds against (6.1 to 6.12 and
 * later). Everything here tests a feature, never a version number, and the
 * rest of the tree uses the newest kernel's names.
 */
#ifndef _LVS_COMPAT_H
#define _LVS_COMPAT_H

#include <net/ip6_fib.h>
#include <net/net_namespace.h>

/*
 * 6.5 moved the GSO helpers (skb_gso_validate_network_len()) out of
 * skbuff.h into net/gso.h; compat.mk tells whether the tree has it.
 */
#ifdef LVS_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* 6.12 moved the unaligned access helpers from asm/ to linux/. */
#ifdef LVS_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.10 added dst_rt6_info(); before, the cast was written out. */
#ifndef dst_rt6_info
#define dst_rt6_info(_ptr) container_of(_ptr, struct rt6_info, dst)
#endif

/*
 * 6.6 made sysctl tables sentinel-free: register_net_sysctl() became a
 * macro over register_net_sysctl_sz(), which takes the entry count. Before,
 * the table had to end with an empty entry. Callers pass a table of @n
 * entries followed by an empty one, which suits both.
 */
static inline struct ctl_table_header *
lvs_register_net_sysctl(struct net *net, const char *path,
			struct ctl_table *table, size_t n)
{
#ifdef register_net_sysctl
	return register_net_sysctl_sz(net, path, table, n);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/*
 * 6.11 made the table a proc handler gets const; compat.mk tells which
 * kind of tree this is. Handlers are declared with
 * "lvs_ctl_table_const struct ctl_table *table".
 */
#ifdef LVS_HAVE_CONST_CTL_TABLE
#define lvs_ctl_table_const const
#else
#define lvs_ctl_table_const
#endif

#endif /* _LVS_COMPAT_H */
