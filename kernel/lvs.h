/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal types shared by the lvs core (kernel/), the schedulers (sched/)
 * and the transmitters (xmit/).
 *
 * Per network namespace state lives in struct lvs_net, reached from a
 * struct net with lvs_net(). It is created by the pernet init in main.c
 * before any other part of lvs can see the namespace and freed by the pernet
 * exit after generic netlink and the hooks are gone from it.
 */
#ifndef _LVS_H
#define _LVS_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

/*
 * The connection table starts with this many buckets and is resized with
 * the number of connections; GET_INFO reports its current size.
 */
#define LVS_CONN_TABLE_MIN_BUCKETS	4096

struct lvs_net {
	struct net *net;
	/* buckets in this namespace's connection table; read locklessly */
	unsigned int conn_buckets;
};

struct lvs_net *lvs_net(const struct net *net);

/* netlink.c */
int lvs_netlink_init(void);
void lvs_netlink_exit(void);
int lvs_nl_parse(struct nlattr **tb, int maxtype, const struct nlattr *head,
		 int len, const struct nla_policy *policy,
		 struct netlink_ext_ack *extack);
int lvs_nl_parse_nested(struct nlattr **tb, int maxtype,
			const struct nlattr *nla,
			const struct nla_policy *policy,
			struct netlink_ext_ack *extack);
extern const struct nla_policy lvs_nl_cmd_policy[];
extern const struct nla_policy lvs_nl_svc_policy[];
extern const struct nla_policy lvs_nl_dest_policy[];
extern const struct nla_policy lvs_nl_daemon_policy[];

#endif /* _LVS_H */
