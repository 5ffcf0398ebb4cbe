/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels lvs builds against (6.1 to 6.12 and
 * later). Everything here tests a feature, never a version number, and the
 * rest of the tree uses the newest kernel's names.
 */
#ifndef _LVS_COMPAT_H
#define _LVS_COMPAT_H

#include <net/ip6_fib.h>

/*
 * 6.5 moved the GSO helpers (skb_gso_validate_network_len()) out of
 * skbuff.h into net/gso.h; compat.mk tells whether the tree has it.
 */
#ifdef LVS_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* 6.10 added dst_rt6_info(); before, the cast was written out. */
#ifndef dst_rt6_info
#define dst_rt6_info(_ptr) container_of(_ptr, struct rt6_info, dst)
#endif

#endif /* _LVS_COMPAT_H */
