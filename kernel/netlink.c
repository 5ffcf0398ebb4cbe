// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "IPVS": how ipvsadm, keepalived and lvsadm talk
 * to lvs. uapi/linux/lvs.h is the specification of the messages.
 *
 * Validation. The family declares no policy of its own: every handler
 * parses its attributes with lvs_nl_parse(), which is strict about
 * everything a malformed request can get wrong (exact lengths of fixed-size
 * attributes, NUL-terminated strings within their maximum, attribute types
 * beyond the known ones, bytes trailing the last attribute) but accepts
 * nested attributes whose NLA_F_NESTED bit is clear, because libnl-based
 * tools such as ipvsadm and keepalived build nests without it.
 *
 * Permissions. Every command needs CAP_NET_ADMIN in the user namespace that
 * owns the network namespace (GENL_UNS_ADMIN_PERM): a container's own
 * administrator manages its own namespace and nobody else's.
 *
 * Concurrency. Handlers run in process context under the genl mutex; the
 * family is unregistered before the pernet state goes (see main.c), and
 * genl_unregister_family() waits for handlers still running.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <linux/lvs.h>

#include "lvs.h"

/* Strict about sizes and unknown attributes, lenient about NLA_F_NESTED. */
#define LVS_NL_VALIDATE	(NL_VALIDATE_STRICT & ~NL_VALIDATE_NESTED)

const struct nla_policy lvs_nl_cmd_policy[LVS_CMD_ATTR_MAX + 1] = {
	[LVS_CMD_ATTR_SERVICE]		= { .type = NLA_NESTED },
	[LVS_CMD_ATTR_DEST]		= { .type = NLA_NESTED },
	[LVS_CMD_ATTR_DAEMON]		= { .type = NLA_NESTED },
	[LVS_CMD_ATTR_TIMEOUT_TCP]	= { .type = NLA_U32 },
	[LVS_CMD_ATTR_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[LVS_CMD_ATTR_TIMEOUT_UDP]	= { .type = NLA_U32 },
};
EXPORT_SYMBOL_GPL(lvs_nl_cmd_policy);

const struct nla_policy lvs_nl_svc_policy[LVS_SVC_ATTR_MAX + 1] = {
	[LVS_SVC_ATTR_AF]		= { .type = NLA_U16 },
	[LVS_SVC_ATTR_PROTOCOL]		= { .type = NLA_U16 },
	[LVS_SVC_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[LVS_SVC_ATTR_PORT]		= { .type = NLA_U16 },
	[LVS_SVC_ATTR_FWMARK]		= { .type = NLA_U32 },
	[LVS_SVC_ATTR_SCHED_NAME]	= { .type = NLA_NUL_STRING,
					    .len = LVS_SCHED_NAME_MAXLEN - 1 },
	[LVS_SVC_ATTR_FLAGS]		= NLA_POLICY_EXACT_LEN(sizeof(struct lvs_flags)),
	[LVS_SVC_ATTR_TIMEOUT]		= { .type = NLA_U32 },
	[LVS_SVC_ATTR_NETMASK]		= { .type = NLA_U32 },
	[LVS_SVC_ATTR_STATS]		= { .type = NLA_NESTED },
	[LVS_SVC_ATTR_PE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = LVS_PE_NAME_MAXLEN - 1 },
	[LVS_SVC_ATTR_STATS64]		= { .type = NLA_NESTED },
};
EXPORT_SYMBOL_GPL(lvs_nl_svc_policy);

const struct nla_policy lvs_nl_dest_policy[LVS_DEST_ATTR_MAX + 1] = {
	[LVS_DEST_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[LVS_DEST_ATTR_PORT]		= { .type = NLA_U16 },
	[LVS_DEST_ATTR_FWD_METHOD]	= { .type = NLA_U32 },
	[LVS_DEST_ATTR_WEIGHT]		= { .type = NLA_U32 },
	[LVS_DEST_ATTR_U_THRESH]	= { .type = NLA_U32 },
	[LVS_DEST_ATTR_L_THRESH]	= { .type = NLA_U32 },
	[LVS_DEST_ATTR_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[LVS_DEST_ATTR_INACT_CONNS]	= { .type = NLA_U32 },
	[LVS_DEST_ATTR_PERSIST_CONNS]	= { .type = NLA_U32 },
	[LVS_DEST_ATTR_STATS]		= { .type = NLA_NESTED },
	[LVS_DEST_ATTR_ADDR_FAMILY]	= { .type = NLA_U16 },
	[LVS_DEST_ATTR_STATS64]		= { .type = NLA_NESTED },
	[LVS_DEST_ATTR_TUN_TYPE]	= { .type = NLA_U8 },
	[LVS_DEST_ATTR_TUN_PORT]	= { .type = NLA_U16 },
	[LVS_DEST_ATTR_TUN_FLAGS]	= { .type = NLA_U16 },
};
EXPORT_SYMBOL_GPL(lvs_nl_dest_policy);

const struct nla_policy lvs_nl_daemon_policy[LVS_DAEMON_ATTR_MAX + 1] = {
	[LVS_DAEMON_ATTR_STATE]		= { .type = NLA_U32 },
	[LVS_DAEMON_ATTR_MCAST_IFN]	= { .type = NLA_NUL_STRING,
					    .len = LVS_IFNAME_MAXLEN - 1 },
	[LVS_DAEMON_ATTR_SYNC_ID]	= { .type = NLA_U32 },
	[LVS_DAEMON_ATTR_SYNC_MAXLEN]	= { .type = NLA_U16 },
	[LVS_DAEMON_ATTR_MCAST_GROUP]	= { .type = NLA_U32 },
	[LVS_DAEMON_ATTR_MCAST_GROUP6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[LVS_DAEMON_ATTR_MCAST_PORT]	= { .type = NLA_U16 },
	[LVS_DAEMON_ATTR_MCAST_TTL]	= { .type = NLA_U8 },
};
EXPORT_SYMBOL_GPL(lvs_nl_daemon_policy);

/**
 * lvs_nl_parse - parse and validate a stream of attributes
 * @tb: filled with the attributes found, NULL where absent
 * @maxtype: highest attribute type @policy knows
 * @head: first attribute
 * @len: bytes of attributes at @head
 * @policy: what each attribute type must look like
 * @extack: where the reason for a rejection is reported
 *
 * Return: 0, or -EINVAL/-ERANGE for a malformed stream; @tb is then unusable.
 */
int lvs_nl_parse(struct nlattr **tb, int maxtype, const struct nlattr *head,
		 int len, const struct nla_policy *policy,
		 struct netlink_ext_ack *extack)
{
	return __nla_parse(tb, maxtype, head, len, policy, LVS_NL_VALIDATE,
			   extack);
}
EXPORT_SYMBOL_GPL(lvs_nl_parse);

/* Parse the attributes nested in @nla; see lvs_nl_parse(). */
int lvs_nl_parse_nested(struct nlattr **tb, int maxtype,
			const struct nlattr *nla,
			const struct nla_policy *policy,
			struct netlink_ext_ack *extack)
{
	return lvs_nl_parse(tb, maxtype, nla_data(nla), nla_len(nla), policy,
			    extack);
}
EXPORT_SYMBOL_GPL(lvs_nl_parse_nested);

/* The top-level attributes of a request, validated. */
static int lvs_nl_parse_request(struct nlattr **tb, const struct nlmsghdr *nlh,
				struct netlink_ext_ack *extack)
{
	return lvs_nl_parse(tb, LVS_CMD_ATTR_MAX,
			    nlmsg_attrdata(nlh, GENL_HDRLEN),
			    nlmsg_attrlen(nlh, GENL_HDRLEN),
			    lvs_nl_cmd_policy, extack);
}

static struct genl_family lvs_genl_family;

static int lvs_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct lvs_net *lnet = lvs_net(genl_info_net(info));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct sk_buff *reply;
	void *hdr;
	int err;

	err = lvs_nl_parse_request(tb, info->nlhdr, info->extack);
	if (err)
		return err;

	reply = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	hdr = genlmsg_put_reply(reply, info, &lvs_genl_family, 0,
				LVS_CMD_SET_INFO);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(reply, LVS_INFO_ATTR_VERSION, LVS_VERSION_CODE) ||
	    nla_put_u32(reply, LVS_INFO_ATTR_CONN_TAB_SIZE,
			READ_ONCE(lnet->conn_buckets)))
		goto err_free;
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);

err_free:
	nlmsg_free(reply);
	return -EMSGSIZE;
}

/*
 * Dump the virtual services of the namespace. The service table arrives
 * with the services themselves; until then every namespace has none and the
 * dump is empty, which is what ipvsadm -L prints as a bare header.
 */
static int lvs_nl_dump_services(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];

	return lvs_nl_parse_request(tb, cb->nlh, cb->extack);
}

static const struct genl_small_ops lvs_genl_ops[] = {
	{
		.cmd = LVS_CMD_GET_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
		.dumpit = lvs_nl_dump_services,
	},
	{
		.cmd = LVS_CMD_GET_INFO,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = lvs_nl_get_info,
	},
};

static struct genl_family lvs_genl_family __ro_after_init = {
	.name = LVS_GENL_NAME,
	.version = LVS_GENL_VERSION,
	.maxattr = 0,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = lvs_genl_ops,
	.n_small_ops = ARRAY_SIZE(lvs_genl_ops),
	.resv_start_op = LVS_CMD_FLUSH + 1,
};

int __init lvs_netlink_init(void)
{
	return genl_register_family(&lvs_genl_family);
}

void lvs_netlink_exit(void)
{
	genl_unregister_family(&lvs_genl_family);
}
