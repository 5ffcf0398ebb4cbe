/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lvs user-space ABI: the IPVS generic netlink family.
 *
 * This header is the specification of what lvs speaks to user space. It is
 * the ABI of the in-tree IPVS ("IPVS" family, version 1), declared here in
 * this project's own names with the same numbers, so that stock ipvsadm and
 * keepalived drive lvs unchanged.
 *
 * Messages. Every request is a generic netlink message of family "IPVS"
 * whose command is one of enum lvs_cmd. Its top-level attributes are
 * enum lvs_cmd_attr: a service travels nested in LVS_CMD_ATTR_SERVICE
 * (enum lvs_svc_attr), a real server nested in LVS_CMD_ATTR_DEST
 * (enum lvs_dest_attr), a sync daemon nested in LVS_CMD_ATTR_DAEMON
 * (enum lvs_daemon_attr). Statistics are nested in the *_STATS and
 * *_STATS64 attributes (enum lvs_stats_attr). GET_INFO is answered by a
 * message whose command is LVS_CMD_SET_INFO carrying enum lvs_info_attr.
 *
 * Byte order. Addresses (SVC_ATTR_ADDR, DEST_ATTR_ADDR, DAEMON mcast
 * groups) and ports (SVC_ATTR_PORT, DEST_ATTR_PORT, DEST_ATTR_TUN_PORT,
 * DAEMON_ATTR_MCAST_PORT) are in network byte order; every other integer is
 * in host byte order. An address attribute is 16 bytes long (struct
 * in6_addr); an IPv4 address fills its first 4 bytes.
 *
 * Types. AF, PROTOCOL, PORT, ADDR_FAMILY, TUN_PORT, TUN_FLAGS,
 * SYNC_MAXLEN and MCAST_PORT are u16; TUN_TYPE and MCAST_TTL are u8;
 * SVC_ATTR_FLAGS is struct lvs_flags (value and mask); stats counters are
 * u32 in *_STATS and u64 in *_STATS64; the remaining integers are u32.
 * Scheduler, persistence engine and interface names are NUL-terminated
 * strings of at most 16 bytes including the NUL.
 *
 * Errors follow IPVS: EEXIST when adding what exists, ESRCH for a missing
 * service, ENOENT for a missing real server or scheduler, ERANGE for a
 * threshold pair out of order, EINVAL for a malformed request.
 */
#ifndef _UAPI_LINUX_LVS_H
#define _UAPI_LINUX_LVS_H

#include <linux/types.h>

#define LVS_GENL_NAME		"IPVS"
#define LVS_GENL_VERSION	1

/* The IPVS version reported by GET_INFO: 1.2.1. */
#define LVS_VERSION_CODE	0x010201

#define LVS_SCHED_NAME_MAXLEN	16
#define LVS_PE_NAME_MAXLEN	16
#define LVS_IFNAME_MAXLEN	16

/* Service flags (struct lvs_flags, SVC_ATTR_FLAGS). */
#define LVS_SVC_F_PERSISTENT	0x0001	/* persistence: templates per client */
#define LVS_SVC_F_HASHED	0x0002	/* in the service table (read only) */
#define LVS_SVC_F_ONEPACKET	0x0004	/* schedule every UDP datagram alone */
#define LVS_SVC_F_SCHED1	0x0008	/* scheduler-specific flag 1 */
#define LVS_SVC_F_SCHED2	0x0010	/* scheduler-specific flag 2 */
#define LVS_SVC_F_SCHED3	0x0020	/* scheduler-specific flag 3 */

#define LVS_SVC_F_SH_FALLBACK	LVS_SVC_F_SCHED1
#define LVS_SVC_F_SH_PORT	LVS_SVC_F_SCHED2
#define LVS_SVC_F_MH_FALLBACK	LVS_SVC_F_SCHED1
#define LVS_SVC_F_MH_PORT	LVS_SVC_F_SCHED2

/* Forwarding methods (DEST_ATTR_FWD_METHOD) and connection flags. */
#define LVS_CONN_F_FWD_MASK	0x0007
#define LVS_CONN_F_MASQ		0x0000	/* NAT */
#define LVS_CONN_F_LOCALNODE	0x0001	/* deliver locally */
#define LVS_CONN_F_TUNNEL	0x0002	/* IP tunnel */
#define LVS_CONN_F_DROUTE	0x0003	/* direct routing */
#define LVS_CONN_F_BYPASS	0x0004	/* cache bypass */
#define LVS_CONN_F_SYNC		0x0020	/* made by the sync daemon */
#define LVS_CONN_F_HASHED	0x0040
#define LVS_CONN_F_NOOUTPUT	0x0080
#define LVS_CONN_F_INACTIVE	0x0100	/* not established */
#define LVS_CONN_F_OUT_SEQ	0x0200
#define LVS_CONN_F_IN_SEQ	0x0400
#define LVS_CONN_F_SEQ_MASK	0x0600
#define LVS_CONN_F_NO_CPORT	0x0800	/* client port not known yet */
#define LVS_CONN_F_TEMPLATE	0x1000	/* persistence template */
#define LVS_CONN_F_ONE_PACKET	0x2000	/* forward one packet, keep nothing */

/* Tunnel types (DEST_ATTR_TUN_TYPE) and flags (DEST_ATTR_TUN_FLAGS). */
enum lvs_tunnel_type {
	LVS_TUNNEL_IPIP = 0,
	LVS_TUNNEL_GUE,
	LVS_TUNNEL_GRE,
	__LVS_TUNNEL_MAX,
};

#define LVS_TUNNEL_F_NOCSUM	0x0000
#define LVS_TUNNEL_F_CSUM	0x0001
#define LVS_TUNNEL_F_REMCSUM	0x0002

/* Sync daemon states (DAEMON_ATTR_STATE). */
#define LVS_DAEMON_NONE		0x0000
#define LVS_DAEMON_MASTER	0x0001
#define LVS_DAEMON_BACKUP	0x0002

/* SVC_ATTR_FLAGS: bits in @flags are set where @mask has them. */
struct lvs_flags {
	__u32 flags;
	__u32 mask;
};

enum lvs_cmd {
	LVS_CMD_UNSPEC = 0,
	LVS_CMD_NEW_SERVICE,	/* 1 */
	LVS_CMD_SET_SERVICE,
	LVS_CMD_DEL_SERVICE,
	LVS_CMD_GET_SERVICE,
	LVS_CMD_NEW_DEST,	/* 5 */
	LVS_CMD_SET_DEST,
	LVS_CMD_DEL_DEST,
	LVS_CMD_GET_DEST,
	LVS_CMD_NEW_DAEMON,	/* 9 */
	LVS_CMD_DEL_DAEMON,
	LVS_CMD_GET_DAEMON,
	LVS_CMD_SET_CONFIG,	/* 12 */
	LVS_CMD_GET_CONFIG,
	LVS_CMD_SET_INFO,	/* 14: only in the reply to GET_INFO */
	LVS_CMD_GET_INFO,
	LVS_CMD_ZERO,		/* 16 */
	LVS_CMD_FLUSH,		/* 17 */
	__LVS_CMD_MAX,
};

#define LVS_CMD_MAX (__LVS_CMD_MAX - 1)

enum lvs_cmd_attr {
	LVS_CMD_ATTR_UNSPEC = 0,
	LVS_CMD_ATTR_SERVICE,		/* nested enum lvs_svc_attr */
	LVS_CMD_ATTR_DEST,		/* nested enum lvs_dest_attr */
	LVS_CMD_ATTR_DAEMON,		/* nested enum lvs_daemon_attr */
	LVS_CMD_ATTR_TIMEOUT_TCP,	/* u32 seconds */
	LVS_CMD_ATTR_TIMEOUT_TCP_FIN,	/* u32 seconds */
	LVS_CMD_ATTR_TIMEOUT_UDP,	/* u32 seconds */
	__LVS_CMD_ATTR_MAX,
};

#define LVS_CMD_ATTR_MAX (__LVS_CMD_ATTR_MAX - 1)

enum lvs_svc_attr {
	LVS_SVC_ATTR_UNSPEC = 0,
	LVS_SVC_ATTR_AF,		/* u16 AF_INET or AF_INET6 */
	LVS_SVC_ATTR_PROTOCOL,		/* u16 IPPROTO_TCP/UDP/SCTP */
	LVS_SVC_ATTR_ADDR,		/* 16 bytes, network order */
	LVS_SVC_ATTR_PORT,		/* u16, network order */
	LVS_SVC_ATTR_FWMARK,		/* u32; identifies a fwmark service */
	LVS_SVC_ATTR_SCHED_NAME,	/* string */
	LVS_SVC_ATTR_FLAGS,		/* struct lvs_flags */
	LVS_SVC_ATTR_TIMEOUT,		/* u32 persistence timeout, seconds */
	LVS_SVC_ATTR_NETMASK,		/* v4: mask (network order), v6: prefix */
	LVS_SVC_ATTR_STATS,		/* nested enum lvs_stats_attr, u32 */
	LVS_SVC_ATTR_PE_NAME,		/* string: persistence engine */
	LVS_SVC_ATTR_STATS64,		/* nested enum lvs_stats_attr, u64 */
	__LVS_SVC_ATTR_MAX,
};

#define LVS_SVC_ATTR_MAX (__LVS_SVC_ATTR_MAX - 1)

enum lvs_dest_attr {
	LVS_DEST_ATTR_UNSPEC = 0,
	LVS_DEST_ATTR_ADDR,		/* 16 bytes, network order */
	LVS_DEST_ATTR_PORT,		/* u16, network order */
	LVS_DEST_ATTR_FWD_METHOD,	/* u32 LVS_CONN_F_* forwarding */
	LVS_DEST_ATTR_WEIGHT,		/* u32, 0 .. INT_MAX */
	LVS_DEST_ATTR_U_THRESH,		/* u32 upper connection threshold */
	LVS_DEST_ATTR_L_THRESH,		/* u32 lower connection threshold */
	LVS_DEST_ATTR_ACTIVE_CONNS,	/* u32, read only */
	LVS_DEST_ATTR_INACT_CONNS,	/* u32, read only */
	LVS_DEST_ATTR_PERSIST_CONNS,	/* u32, read only */
	LVS_DEST_ATTR_STATS,		/* nested enum lvs_stats_attr, u32 */
	LVS_DEST_ATTR_ADDR_FAMILY,	/* u16; defaults to the service's */
	LVS_DEST_ATTR_STATS64,		/* nested enum lvs_stats_attr, u64 */
	LVS_DEST_ATTR_TUN_TYPE,		/* u8 enum lvs_tunnel_type */
	LVS_DEST_ATTR_TUN_PORT,		/* u16, network order (GUE) */
	LVS_DEST_ATTR_TUN_FLAGS,	/* u16 LVS_TUNNEL_F_* */
	__LVS_DEST_ATTR_MAX,
};

#define LVS_DEST_ATTR_MAX (__LVS_DEST_ATTR_MAX - 1)

enum lvs_daemon_attr {
	LVS_DAEMON_ATTR_UNSPEC = 0,
	LVS_DAEMON_ATTR_STATE,		/* u32 LVS_DAEMON_MASTER/BACKUP */
	LVS_DAEMON_ATTR_MCAST_IFN,	/* string: interface */
	LVS_DAEMON_ATTR_SYNC_ID,	/* u32, 0 .. 255 */
	LVS_DAEMON_ATTR_SYNC_MAXLEN,	/* u16 UDP payload size */
	LVS_DAEMON_ATTR_MCAST_GROUP,	/* u32 IPv4 group, network order */
	LVS_DAEMON_ATTR_MCAST_GROUP6,	/* 16 bytes IPv6 group */
	LVS_DAEMON_ATTR_MCAST_PORT,	/* u16, host order (as IPVS) */
	LVS_DAEMON_ATTR_MCAST_TTL,	/* u8 */
	__LVS_DAEMON_ATTR_MAX,
};

#define LVS_DAEMON_ATTR_MAX (__LVS_DAEMON_ATTR_MAX - 1)

enum lvs_stats_attr {
	LVS_STATS_ATTR_UNSPEC = 0,
	LVS_STATS_ATTR_CONNS,		/* connections scheduled */
	LVS_STATS_ATTR_INPKTS,		/* packets client -> real server */
	LVS_STATS_ATTR_OUTPKTS,		/* packets real server -> client */
	LVS_STATS_ATTR_INBYTES,
	LVS_STATS_ATTR_OUTBYTES,
	LVS_STATS_ATTR_CPS,		/* rates: per second */
	LVS_STATS_ATTR_INPPS,
	LVS_STATS_ATTR_OUTPPS,
	LVS_STATS_ATTR_INBPS,
	LVS_STATS_ATTR_OUTBPS,
	LVS_STATS_ATTR_PAD,
	__LVS_STATS_ATTR_MAX,
};

#define LVS_STATS_ATTR_MAX (__LVS_STATS_ATTR_MAX - 1)

enum lvs_info_attr {
	LVS_INFO_ATTR_UNSPEC = 0,
	LVS_INFO_ATTR_VERSION,		/* u32 LVS_VERSION_CODE */
	LVS_INFO_ATTR_CONN_TAB_SIZE,	/* u32 buckets in the connection table */
	__LVS_INFO_ATTR_MAX,
};

#define LVS_INFO_ATTR_MAX (__LVS_INFO_ATTR_MAX - 1)

#endif /* _UAPI_LINUX_LVS_H */
