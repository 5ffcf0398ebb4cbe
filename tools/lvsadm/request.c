// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: requests that change the table.
 *
 * Each builds one generic netlink message with the attributes ipvsadm's
 * library sends (a service is named by fwmark, or by protocol, address
 * and port; its full description travels with every request) and waits
 * for the kernel's ack. They return 0 or a negative errno.
 */
#include <string.h>
#include <libmnl/libmnl.h>

#include "lvsadm.h"

void put_service_key(struct nlmsghdr *nlh, const struct lvs_svc *svc, bool full)
{
	struct lvs_flags flags = { .flags = svc->flags, .mask = ~0U };
	struct nlattr *nest = mnl_attr_nest_start(nlh, LVS_CMD_ATTR_SERVICE);

	mnl_attr_put_u16(nlh, LVS_SVC_ATTR_AF, svc->af);
	if (svc->fwmark) {
		mnl_attr_put_u32(nlh, LVS_SVC_ATTR_FWMARK, svc->fwmark);
	} else {
		mnl_attr_put_u16(nlh, LVS_SVC_ATTR_PROTOCOL, svc->protocol);
		mnl_attr_put(nlh, LVS_SVC_ATTR_ADDR, sizeof(svc->addr), &svc->addr);
		mnl_attr_put_u16(nlh, LVS_SVC_ATTR_PORT, svc->port);
	}
	if (full) {
		mnl_attr_put_strz(nlh, LVS_SVC_ATTR_SCHED_NAME, svc->sched);
		if (svc->pe[0])
			mnl_attr_put_strz(nlh, LVS_SVC_ATTR_PE_NAME, svc->pe);
		mnl_attr_put(nlh, LVS_SVC_ATTR_FLAGS, sizeof(flags), &flags);
		mnl_attr_put_u32(nlh, LVS_SVC_ATTR_TIMEOUT, svc->timeout);
		mnl_attr_put_u32(nlh, LVS_SVC_ATTR_NETMASK, svc->netmask);
	}
	mnl_attr_nest_end(nlh, nest);
}

static char msgbuf[LVSADM_MSG_SIZE];

int req_service(int cmd, const struct lvs_svc *svc)
{
	struct nlmsghdr *nlh = nl_new(msgbuf, cmd, false);

	put_service_key(nlh, svc, true);
	return nl_talk(nlh, NULL, NULL);
}

int req_dest(int cmd, const struct lvs_svc *svc, const struct lvs_dest *d)
{
	struct nlmsghdr *nlh = nl_new(msgbuf, cmd, false);
	struct nlattr *nest;

	put_service_key(nlh, svc, true);
	nest = mnl_attr_nest_start(nlh, LVS_CMD_ATTR_DEST);
	mnl_attr_put_u16(nlh, LVS_DEST_ATTR_ADDR_FAMILY, d->af);
	mnl_attr_put(nlh, LVS_DEST_ATTR_ADDR, sizeof(d->addr), &d->addr);
	mnl_attr_put_u16(nlh, LVS_DEST_ATTR_PORT, d->port);
	mnl_attr_put_u32(nlh, LVS_DEST_ATTR_FWD_METHOD, d->fwd & LVS_CONN_F_FWD_MASK);
	mnl_attr_put_u32(nlh, LVS_DEST_ATTR_WEIGHT, d->weight);
	mnl_attr_put_u8(nlh, LVS_DEST_ATTR_TUN_TYPE, d->tun_type);
	mnl_attr_put_u16(nlh, LVS_DEST_ATTR_TUN_PORT, d->tun_port);
	mnl_attr_put_u16(nlh, LVS_DEST_ATTR_TUN_FLAGS, d->tun_flags);
	mnl_attr_put_u32(nlh, LVS_DEST_ATTR_U_THRESH, d->u_thresh);
	mnl_attr_put_u32(nlh, LVS_DEST_ATTR_L_THRESH, d->l_thresh);
	mnl_attr_nest_end(nlh, nest);
	return nl_talk(nlh, NULL, NULL);
}

/* Zero one service's counters, or every service's when none is named. */
int req_zero(const struct lvs_svc *svc)
{
	static const union lvs_addr any;
	struct nlmsghdr *nlh = nl_new(msgbuf, LVS_CMD_ZERO, false);

	if (svc->fwmark || svc->port || memcmp(&svc->addr, &any, sizeof(any)))
		put_service_key(nlh, svc, true);
	return nl_talk(nlh, NULL, NULL);
}

int req_flush(void)
{
	return nl_talk(nl_new(msgbuf, LVS_CMD_FLUSH, false), NULL, NULL);
}

int req_timeouts(const struct lvs_timeouts *t)
{
	struct nlmsghdr *nlh = nl_new(msgbuf, LVS_CMD_SET_CONFIG, false);

	mnl_attr_put_u32(nlh, LVS_CMD_ATTR_TIMEOUT_TCP, t->tcp);
	mnl_attr_put_u32(nlh, LVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin);
	mnl_attr_put_u32(nlh, LVS_CMD_ATTR_TIMEOUT_UDP, t->udp);
	return nl_talk(nlh, NULL, NULL);
}

/* LVS_CMD_NEW_DAEMON starts a sync daemon, LVS_CMD_DEL_DAEMON stops it. */
int req_daemon(int cmd, const struct lvs_daemon *dm)
{
	struct nlmsghdr *nlh = nl_new(msgbuf, cmd, false);
	struct nlattr *nest = mnl_attr_nest_start(nlh, LVS_CMD_ATTR_DAEMON);
	bool start = cmd == LVS_CMD_NEW_DAEMON;

	mnl_attr_put_u32(nlh, LVS_DAEMON_ATTR_STATE, dm->state);
	mnl_attr_put_strz(nlh, LVS_DAEMON_ATTR_MCAST_IFN, dm->ifn);
	mnl_attr_put_u32(nlh, LVS_DAEMON_ATTR_SYNC_ID, dm->syncid);
	if (start && dm->maxlen)
		mnl_attr_put_u16(nlh, LVS_DAEMON_ATTR_SYNC_MAXLEN, dm->maxlen);
	if (start && dm->mcast_port)
		mnl_attr_put_u16(nlh, LVS_DAEMON_ATTR_MCAST_PORT, dm->mcast_port);
	if (start && dm->mcast_ttl)
		mnl_attr_put_u8(nlh, LVS_DAEMON_ATTR_MCAST_TTL, dm->mcast_ttl);
	if (start && dm->mcast_af == AF_INET6)
		mnl_attr_put(nlh, LVS_DAEMON_ATTR_MCAST_GROUP6, 16, &dm->group);
	else if (start && dm->mcast_af == AF_INET)
		mnl_attr_put(nlh, LVS_DAEMON_ATTR_MCAST_GROUP, 4, &dm->group.in);
	mnl_attr_nest_end(nlh, nest);
	return nl_talk(nlh, NULL, NULL);
}
