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
#include <net/ipv6.h>
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
EXPORT_SYMBOL_IF_KUNIT(lvs_nl_cmd_policy);

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
	/* IPVS takes a 16-character name here, then finds no such engine */
	[LVS_SVC_ATTR_PE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = LVS_PE_NAME_MAXLEN },
	[LVS_SVC_ATTR_STATS64]		= { .type = NLA_NESTED },
};
EXPORT_SYMBOL_IF_KUNIT(lvs_nl_svc_policy);

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
EXPORT_SYMBOL_IF_KUNIT(lvs_nl_dest_policy);

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
EXPORT_SYMBOL_IF_KUNIT(lvs_nl_daemon_policy);

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
EXPORT_SYMBOL_IF_KUNIT(lvs_nl_parse);

/* Parse the attributes nested in @nla; see lvs_nl_parse(). */
int lvs_nl_parse_nested(struct nlattr **tb, int maxtype,
			const struct nlattr *nla,
			const struct nla_policy *policy,
			struct netlink_ext_ack *extack)
{
	return lvs_nl_parse(tb, maxtype, nla_data(nla), nla_len(nla), policy,
			    extack);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_nl_parse_nested);

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

/* Flags a service may be given; HASHED is the kernel's own. */
#define LVS_SVC_F_SETTABLE	(LVS_SVC_F_PERSISTENT | LVS_SVC_F_ONEPACKET | \
				 LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | \
				 LVS_SVC_F_SCHED3)

static int lvs_nl_get_addr(union nf_inet_addr *addr, u16 af,
			   const struct nlattr *nla)
{
	unsigned int need = af == AF_INET ? sizeof(addr->ip) :
			    sizeof(addr->in6);

	memset(addr, 0, sizeof(*addr));
	if (nla_len(nla) < need)
		return -EINVAL;
	memcpy(addr, nla_data(nla), need);
	return 0;
}

static bool lvs_af_ok(u16 af)
{
	return af == AF_INET || (af == AF_INET6 && IS_ENABLED(CONFIG_IPV6));
}

/*
 * lvs_nl_parse_service - read a service from a request
 * @full: the request creates or changes the service, so scheduler, flags,
 *	timeout and netmask are required, as IPVS requires them
 * @old_flags: flags the service has now, merged with the request's under
 *	its mask
 *
 * Return: 0 or -EINVAL/-EAFNOSUPPORT/-EPROTONOSUPPORT, with the reason in
 * @extack.
 */
static int lvs_nl_parse_service(struct lvs_service_cfg *cfg,
				const struct nlattr *nest, bool full,
				u32 old_flags, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LVS_SVC_ATTR_MAX + 1];
	struct lvs_flags flags;

	memset(cfg, 0, sizeof(*cfg));
	if (!nest) {
		NL_SET_ERR_MSG(extack, "service attribute missing");
		return -EINVAL;
	}
	/* as IPVS: a malformed nest is EINVAL, never ERANGE */
	if (lvs_nl_parse_nested(tb, LVS_SVC_ATTR_MAX, nest, lvs_nl_svc_policy,
				extack))
		return -EINVAL;
	if (!tb[LVS_SVC_ATTR_AF]) {
		NL_SET_ERR_MSG(extack, "service address family missing");
		return -EINVAL;
	}
	cfg->af = nla_get_u16(tb[LVS_SVC_ATTR_AF]);
	if (!lvs_af_ok(cfg->af)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_AF],
				    "address family not supported");
		return -EAFNOSUPPORT;
	}

	if (tb[LVS_SVC_ATTR_FWMARK]) {
		cfg->fwmark = nla_get_u32(tb[LVS_SVC_ATTR_FWMARK]);
		cfg->protocol = IPPROTO_TCP;
		if (!cfg->fwmark) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_FWMARK],
					    "firewall mark 0 names no service");
			return -EINVAL;
		}
	} else if (tb[LVS_SVC_ATTR_PROTOCOL] && tb[LVS_SVC_ATTR_ADDR] &&
		   tb[LVS_SVC_ATTR_PORT]) {
		cfg->protocol = nla_get_u16(tb[LVS_SVC_ATTR_PROTOCOL]);
		/* (an IP protocol number fits in a byte) */
		if (cfg->protocol > U8_MAX ||
		    lvs_proto_index(cfg->protocol) < 0) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_PROTOCOL],
					    "protocol not supported (TCP, UDP or SCTP)");
			return -EPROTONOSUPPORT;
		}
		if (lvs_nl_get_addr(&cfg->addr, cfg->af,
				    tb[LVS_SVC_ATTR_ADDR])) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_ADDR],
					    "address too short for its family");
			return -EINVAL;
		}
		cfg->port = nla_get_be16(tb[LVS_SVC_ATTR_PORT]);
	} else {
		NL_SET_ERR_MSG(extack,
			       "service needs a firewall mark or protocol, address and port");
		return -EINVAL;
	}
	if (!full)
		return 0;

	if (!tb[LVS_SVC_ATTR_SCHED_NAME] || !tb[LVS_SVC_ATTR_FLAGS] ||
	    !tb[LVS_SVC_ATTR_TIMEOUT] || !tb[LVS_SVC_ATTR_NETMASK]) {
		NL_SET_ERR_MSG(extack,
			       "service needs scheduler, flags, timeout and netmask");
		return -EINVAL;
	}
	nla_strscpy(cfg->sched_name, tb[LVS_SVC_ATTR_SCHED_NAME],
		    sizeof(cfg->sched_name));
	nla_memcpy(&flags, tb[LVS_SVC_ATTR_FLAGS], sizeof(flags));
	if (flags.flags & flags.mask & ~(LVS_SVC_F_SETTABLE | LVS_SVC_F_HASHED)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_FLAGS],
				    "unknown service flag");
		return -EINVAL;
	}
	cfg->flags = ((old_flags & ~flags.mask) | (flags.flags & flags.mask)) &
		     LVS_SVC_F_SETTABLE;
	/* none named (or ""): none, also for an edit, as in IPVS */
	cfg->pe = NULL;
	if (tb[LVS_SVC_ATTR_PE_NAME] &&
	    *(char *)nla_data(tb[LVS_SVC_ATTR_PE_NAME])) {
		cfg->pe = lvs_pe_find(nla_data(tb[LVS_SVC_ATTR_PE_NAME]));
		/* IPVS's answer for a persistence engine it has no module for */
		if (!cfg->pe) {
			NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_PE_NAME],
					    "unknown persistence engine (lvs has sip)");
			return -ENOENT;
		}
	}
	cfg->timeout = nla_get_u32(tb[LVS_SVC_ATTR_TIMEOUT]);
	/* an IPv4 mask in network order; an IPv6 prefix length as is */
	cfg->netmask = nla_get_be32(tb[LVS_SVC_ATTR_NETMASK]);
	if (cfg->af == AF_INET6 && ((__force u32)cfg->netmask < 1 ||
				    (__force u32)cfg->netmask > 128)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_SVC_ATTR_NETMASK],
				    "IPv6 netmask is a prefix length, 1 to 128");
		return -EINVAL;
	}
	return 0;
}

/* The tunnel settings a request may carry: IPVS's checks, then lvs's own. */
static int lvs_nl_parse_tunnel(struct lvs_dest_cfg *cfg, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	if (tb[LVS_DEST_ATTR_TUN_TYPE])
		cfg->tun_type = nla_get_u8(tb[LVS_DEST_ATTR_TUN_TYPE]);
	if (tb[LVS_DEST_ATTR_TUN_PORT])
		cfg->tun_port = nla_get_be16(tb[LVS_DEST_ATTR_TUN_PORT]);
	if (tb[LVS_DEST_ATTR_TUN_FLAGS])
		cfg->tun_flags = nla_get_u16(tb[LVS_DEST_ATTR_TUN_FLAGS]);
	if (cfg->tun_type == LVS_TUNNEL_GUE && !cfg->tun_port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_TUN_PORT],
				    "a GUE tunnel needs a port");
		return -EINVAL;
	}
	/* IPVS stores any value and sends unknown types as IPIP */
	if (cfg->tun_type >= __LVS_TUNNEL_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_TUN_TYPE],
				    "unknown tunnel type (0 IPIP, 1 GUE, 2 GRE)");
		return -EINVAL;
	}
	if (cfg->tun_flags & ~(LVS_TUNNEL_F_CSUM | LVS_TUNNEL_F_REMCSUM)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_TUN_FLAGS],
				    "unknown tunnel flags");
		return -EINVAL;
	}
	return 0;
}

/*
 * lvs_nl_parse_dest - read a real server of service @svc from a request
 * @full: the request creates or changes it: forwarding method, weight and
 *	thresholds are required
 *
 * A real server of the other address family than its service is allowed
 * with tunnel forwarding only, as in IPVS: the tunnel's outer header is of
 * the real server's family, the packet inside it of the service's.
 *
 * Return: 0; -EINVAL for a malformed or incomplete one, a real server of
 * the other family that is not tunnelled, an upper threshold above
 * INT_MAX or a GUE tunnel without port; -EAFNOSUPPORT for an unknown
 * family; -ERANGE for a negative weight or a lower threshold above the
 * upper one (all in IPVS's order, with its codes); -EOPNOTSUPP for a
 * method lvs does not offer yet.
 */
static int lvs_nl_parse_dest(struct lvs_dest_cfg *cfg,
			     const struct lvs_service *svc,
			     const struct nlattr *nest, bool full,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LVS_DEST_ATTR_MAX + 1];

	memset(cfg, 0, sizeof(*cfg));
	if (!nest) {
		NL_SET_ERR_MSG(extack, "real server attribute missing");
		return -EINVAL;
	}
	/* as IPVS: a malformed nest is EINVAL; ERANGE means the thresholds */
	if (lvs_nl_parse_nested(tb, LVS_DEST_ATTR_MAX, nest,
				lvs_nl_dest_policy, extack))
		return -EINVAL;
	if (!tb[LVS_DEST_ATTR_ADDR] || !tb[LVS_DEST_ATTR_PORT]) {
		NL_SET_ERR_MSG(extack, "real server needs address and port");
		return -EINVAL;
	}
	if (full && (!tb[LVS_DEST_ATTR_FWD_METHOD] ||
		     !tb[LVS_DEST_ATTR_WEIGHT] || !tb[LVS_DEST_ATTR_U_THRESH] ||
		     !tb[LVS_DEST_ATTR_L_THRESH])) {
		NL_SET_ERR_MSG(extack,
			       "real server needs method, weight and thresholds");
		return -EINVAL;
	}
	/* no family (old tools) or 0 means the service's */
	if (tb[LVS_DEST_ATTR_ADDR_FAMILY])
		cfg->af = nla_get_u16(tb[LVS_DEST_ATTR_ADDR_FAMILY]);
	if (!cfg->af)
		cfg->af = svc->af;
	if (!lvs_af_ok(cfg->af)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_ADDR_FAMILY],
				    "address family not supported");
		return -EAFNOSUPPORT;
	}
	if (full)
		cfg->fwd = nla_get_u32(tb[LVS_DEST_ATTR_FWD_METHOD]) &
			   LVS_CONN_F_FWD_MASK;
	if (full && cfg->af != svc->af && cfg->fwd != LVS_CONN_F_TUNNEL) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_ADDR_FAMILY],
				    "a real server of another family than its service needs tunnelling");
		return -EINVAL;
	}
	if (lvs_nl_get_addr(&cfg->addr, cfg->af, tb[LVS_DEST_ATTR_ADDR])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_ADDR],
				    "address too short for its family");
		return -EINVAL;
	}
	cfg->port = nla_get_be16(tb[LVS_DEST_ATTR_PORT]);
	if (!full)
		return 0;

	if (cfg->fwd != LVS_CONN_F_MASQ && cfg->fwd != LVS_CONN_F_DROUTE &&
	    cfg->fwd != LVS_CONN_F_TUNNEL) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_FWD_METHOD],
				    "forwarding method not supported (NAT, DR or tunnel)");
		return -EOPNOTSUPP;
	}
	if (nla_get_u32(tb[LVS_DEST_ATTR_WEIGHT]) > INT_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_WEIGHT],
				    "weight must be 0 to 2147483647");
		return -ERANGE;
	}
	cfg->weight = nla_get_u32(tb[LVS_DEST_ATTR_WEIGHT]);
	cfg->u_threshold = nla_get_u32(tb[LVS_DEST_ATTR_U_THRESH]);
	cfg->l_threshold = nla_get_u32(tb[LVS_DEST_ATTR_L_THRESH]);
	if (cfg->l_threshold > cfg->u_threshold) {
		NL_SET_ERR_MSG(extack,
			       "lower threshold above the upper threshold");
		return -ERANGE;
	}
	if (cfg->u_threshold > INT_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LVS_DEST_ATTR_U_THRESH],
				    "upper threshold must be 0 to 2147483647");
		return -EINVAL;
	}
	return lvs_nl_parse_tunnel(cfg, tb, extack);
}

/* The service a request names, which must exist (-ESRCH otherwise). */
static struct lvs_service *lvs_nl_service(struct lvs_net *lnet,
					  struct nlattr **tb,
					  struct netlink_ext_ack *extack,
					  int *err)
{
	struct lvs_service_cfg cfg;
	struct lvs_service *svc;

	*err = lvs_nl_parse_service(&cfg, tb[LVS_CMD_ATTR_SERVICE], false, 0,
				    extack);
	if (*err)
		return NULL;
	svc = lvs_service_find(lnet, &cfg);
	if (!svc) {
		NL_SET_ERR_MSG(extack, "no such service");
		*err = -ESRCH;
	}
	return svc;
}

static int lvs_nl_service_cmd(struct lvs_net *lnet, u8 cmd, struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	struct lvs_service_cfg cfg;
	struct lvs_service *svc;
	int err;

	if (cmd == LVS_CMD_NEW_SERVICE) {
		err = lvs_nl_parse_service(&cfg, tb[LVS_CMD_ATTR_SERVICE],
					   true, 0, extack);
		if (err)
			return err;
		err = lvs_service_add(lnet, &cfg);
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "service exists");
		else if (err == -ENOENT)
			NL_SET_ERR_MSG(extack, "no such scheduler");
		return err;
	}

	svc = lvs_nl_service(lnet, tb, extack, &err);
	if (!svc)
		return err;
	if (cmd == LVS_CMD_DEL_SERVICE) {
		lvs_service_del(svc);
		return 0;
	}
	err = lvs_nl_parse_service(&cfg, tb[LVS_CMD_ATTR_SERVICE], true,
				   svc->flags, extack);
	if (err)
		return err;
	err = lvs_service_edit(svc, &cfg);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(extack, "no such scheduler");
	return err;
}

static int lvs_nl_dest_cmd(struct lvs_net *lnet, u8 cmd, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	struct lvs_dest_cfg cfg;
	struct lvs_service *svc;
	struct lvs_dest *dest;
	int err;

	svc = lvs_nl_service(lnet, tb, extack, &err);
	if (!svc)
		return err;
	err = lvs_nl_parse_dest(&cfg, svc, tb[LVS_CMD_ATTR_DEST],
				cmd != LVS_CMD_DEL_DEST, extack);
	if (err)
		return err;

	dest = lvs_dest_find(svc, &cfg);
	if (cmd == LVS_CMD_NEW_DEST) {
		if (dest) {
			NL_SET_ERR_MSG(extack, "real server exists");
			return -EEXIST;
		}
		return lvs_dest_add(svc, &cfg);
	}
	if (!dest) {
		NL_SET_ERR_MSG(extack, "no such real server");
		return -ENOENT;
	}
	if (cmd == LVS_CMD_DEL_DEST) {
		lvs_dest_del(dest);
		return 0;
	}
	return lvs_dest_edit(dest, &cfg);
}

/* ZERO: one service's counters, or with no service named, all of them. */
static int lvs_nl_zero(struct lvs_net *lnet, struct nlattr **tb,
		       struct netlink_ext_ack *extack)
{
	struct lvs_service *svc;
	int err;

	if (!tb[LVS_CMD_ATTR_SERVICE]) {
		lvs_services_zero(lnet);
		return 0;
	}
	svc = lvs_nl_service(lnet, tb, extack, &err);
	if (svc)
		lvs_service_zero(svc);
	return err;
}

/* SET_CONFIG: TCP, TCP FIN_WAIT and UDP timeouts in seconds; 0 keeps. */
static void lvs_nl_set_config(struct lvs_net *lnet, struct nlattr **tb)
{
	static const struct {
		int attr;
		int proto;
		int state;
	} map[] = {
		{ LVS_CMD_ATTR_TIMEOUT_TCP, LVS_PROTO_TCP, LVS_TCP_S_ESTABLISHED },
		{ LVS_CMD_ATTR_TIMEOUT_TCP_FIN, LVS_PROTO_TCP, LVS_TCP_S_FIN_WAIT },
		{ LVS_CMD_ATTR_TIMEOUT_UDP, LVS_PROTO_UDP, LVS_UDP_S_NORMAL },
	};
	u32 secs;
	int i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		if (!tb[map[i].attr])
			continue;
		secs = min_t(u32, nla_get_u32(tb[map[i].attr]),
			     INT_MAX / HZ);
		if (secs)
			WRITE_ONCE(lnet->timeouts[map[i].proto][map[i].state],
				   secs * HZ);
	}
}

/* NEW/SET/DEL of services and real servers, FLUSH, ZERO, SET_CONFIG. */
static int lvs_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct lvs_net *lnet = lvs_net(genl_info_net(info));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	u8 cmd = info->genlhdr->cmd;
	int err;

	err = lvs_nl_parse_request(tb, info->nlhdr, info->extack);
	if (err)
		return err;

	mutex_lock(&lnet->config_mutex);
	switch (cmd) {
	case LVS_CMD_FLUSH:
		lvs_services_flush(lnet);
		break;
	case LVS_CMD_ZERO:
		err = lvs_nl_zero(lnet, tb, info->extack);
		break;
	case LVS_CMD_SET_CONFIG:
		lvs_nl_set_config(lnet, tb);
		break;
	case LVS_CMD_NEW_SERVICE:
	case LVS_CMD_SET_SERVICE:
	case LVS_CMD_DEL_SERVICE:
		err = lvs_nl_service_cmd(lnet, cmd, tb, info->extack);
		break;
	default:
		err = lvs_nl_dest_cmd(lnet, cmd, tb, info->extack);
		break;
	}
	/* a dump in progress sees the change (NLM_F_DUMP_INTR) */
	if (!err && !++lnet->config_gen)
		lnet->config_gen = 1;	/* 0 would read as "no dump yet" */
	mutex_unlock(&lnet->config_mutex);
	return err;
}

/* NEW_DAEMON's attributes, checked as IPVS checks them. */
static int lvs_nl_daemon_cfg(struct nlattr **da, struct lvs_sync_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	memset(cfg, 0, sizeof(*cfg));
	if (!da[LVS_DAEMON_ATTR_MCAST_IFN] || !da[LVS_DAEMON_ATTR_SYNC_ID]) {
		NL_SET_ERR_MSG(extack,
			       "lvs: sync daemon needs an interface and a sync id");
		return -EINVAL;
	}
	nla_strscpy(cfg->ifname, da[LVS_DAEMON_ATTR_MCAST_IFN],
		    sizeof(cfg->ifname));
	cfg->syncid = nla_get_u32(da[LVS_DAEMON_ATTR_SYNC_ID]);
	if (da[LVS_DAEMON_ATTR_SYNC_MAXLEN])
		cfg->maxlen = nla_get_u16(da[LVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (da[LVS_DAEMON_ATTR_MCAST_GROUP]) {
		cfg->af = AF_INET;
		cfg->group.ip = nla_get_in_addr(da[LVS_DAEMON_ATTR_MCAST_GROUP]);
		if (!ipv4_is_multicast(cfg->group.ip)) {
			NL_SET_ERR_MSG(extack, "lvs: sync group is not multicast");
			return -EINVAL;
		}
	} else if (da[LVS_DAEMON_ATTR_MCAST_GROUP6]) {
		cfg->af = AF_INET6;
		cfg->group.in6 =
			nla_get_in6_addr(da[LVS_DAEMON_ATTR_MCAST_GROUP6]);
		if (!ipv6_addr_is_multicast(&cfg->group.in6)) {
			NL_SET_ERR_MSG(extack, "lvs: sync group is not multicast");
			return -EINVAL;
		}
	}
	/* in host order, as IPVS reads it */
	if (da[LVS_DAEMON_ATTR_MCAST_PORT])
		cfg->port = nla_get_u16(da[LVS_DAEMON_ATTR_MCAST_PORT]);
	if (da[LVS_DAEMON_ATTR_MCAST_TTL])
		cfg->ttl = nla_get_u8(da[LVS_DAEMON_ATTR_MCAST_TTL]);
	return 0;
}

/*
 * NEW_DAEMON and DEL_DAEMON, checked as IPVS checks them; sync.c starts
 * and stops the daemons (EEXIST for one that runs, ESRCH for one that
 * does not, ENODEV for an unknown interface).
 */
static int lvs_nl_daemon(struct sk_buff *skb, struct genl_info *info)
{
	struct lvs_net *lnet = lvs_net(genl_info_net(info));
	struct nlattr *da[LVS_DAEMON_ATTR_MAX + 1];
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct lvs_sync_cfg cfg;
	u32 state;
	int err;

	err = lvs_nl_parse_request(tb, info->nlhdr, extack);
	if (err)
		return err;
	if (!tb[LVS_CMD_ATTR_DAEMON]) {
		NL_SET_ERR_MSG(extack, "lvs: no sync daemon attributes");
		return -EINVAL;
	}
	/* as IPVS: a malformed nest is EINVAL, never ERANGE */
	if (lvs_nl_parse_nested(da, LVS_DAEMON_ATTR_MAX,
				tb[LVS_CMD_ATTR_DAEMON], lvs_nl_daemon_policy,
				extack))
		return -EINVAL;
	if (!da[LVS_DAEMON_ATTR_STATE]) {
		NL_SET_ERR_MSG(extack, "lvs: sync daemon state missing");
		return -EINVAL;
	}
	state = nla_get_u32(da[LVS_DAEMON_ATTR_STATE]);
	if (info->genlhdr->cmd == LVS_CMD_DEL_DAEMON)
		return lvs_sync_stop(lnet, state);
	err = lvs_nl_daemon_cfg(da, &cfg, extack);
	if (err)
		return err;
	return lvs_sync_start(lnet, state, &cfg, extack);
}

static int lvs_nl_put_daemon(struct sk_buff *skb, struct netlink_callback *cb,
			     u32 state, const struct lvs_sync_cfg *cfg)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lvs_genl_family, NLM_F_MULTI, LVS_CMD_NEW_DAEMON);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start_noflag(skb, LVS_CMD_ATTR_DAEMON);
	if (!nest ||
	    nla_put_u32(skb, LVS_DAEMON_ATTR_STATE, state) ||
	    nla_put_string(skb, LVS_DAEMON_ATTR_MCAST_IFN, cfg->ifname) ||
	    nla_put_u32(skb, LVS_DAEMON_ATTR_SYNC_ID, cfg->syncid) ||
	    nla_put_u16(skb, LVS_DAEMON_ATTR_SYNC_MAXLEN, cfg->maxlen) ||
	    nla_put_u16(skb, LVS_DAEMON_ATTR_MCAST_PORT, cfg->port) ||
	    nla_put_u8(skb, LVS_DAEMON_ATTR_MCAST_TTL, cfg->ttl) ||
	    (cfg->af == AF_INET6 ?
	     nla_put_in6_addr(skb, LVS_DAEMON_ATTR_MCAST_GROUP6,
			      &cfg->group.in6) :
	     nla_put_in_addr(skb, LVS_DAEMON_ATTR_MCAST_GROUP,
			     cfg->group.ip))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/* GET_DAEMON: one message per running sync daemon, master first. */
static int lvs_nl_dump_daemons(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct lvs_net *lnet = lvs_net(sock_net(skb->sk));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct lvs_sync *sy = &lnet->sync;
	int err;

	/* a malformed request still gets its error */
	err = lvs_nl_parse_request(tb, cb->nlh, cb->extack);
	if (err)
		return err;
	mutex_lock(&sy->mutex);
	if ((sy->state & LVS_DAEMON_MASTER) && !cb->args[0] &&
	    !lvs_nl_put_daemon(skb, cb, LVS_DAEMON_MASTER, &sy->mcfg))
		cb->args[0] = 1;
	if ((sy->state & LVS_DAEMON_BACKUP) && !cb->args[1] &&
	    !lvs_nl_put_daemon(skb, cb, LVS_DAEMON_BACKUP, &sy->bcfg))
		cb->args[1] = 1;
	mutex_unlock(&sy->mutex);
	return skb->len;
}

/* Counters @c and rates @r as u32 (STATS, truncated as IPVS does) or u64. */
static int lvs_nl_put_counters(struct sk_buff *skb, bool wide,
			       const struct lvs_counters *c,
			       const struct lvs_counters *r)
{
	const struct {
		int attr;
		u64 val;
	} vals[] = {
		{ LVS_STATS_ATTR_CONNS, c->conns },
		{ LVS_STATS_ATTR_INPKTS, c->inpkts },
		{ LVS_STATS_ATTR_OUTPKTS, c->outpkts },
		{ LVS_STATS_ATTR_CPS, r->conns },
		{ LVS_STATS_ATTR_INPPS, r->inpkts },
		{ LVS_STATS_ATTR_OUTPPS, r->outpkts },
		{ LVS_STATS_ATTR_INBPS, r->inbytes },
		{ LVS_STATS_ATTR_OUTBPS, r->outbytes },
	};
	int i, err;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		if (wide)
			err = nla_put_u64_64bit(skb, vals[i].attr, vals[i].val,
						LVS_STATS_ATTR_PAD);
		else
			err = nla_put_u32(skb, vals[i].attr, (u32)vals[i].val);
		if (err)
			return err;
	}
	/* the byte counters are 64-bit in both */
	if (nla_put_u64_64bit(skb, LVS_STATS_ATTR_INBYTES, c->inbytes,
			      LVS_STATS_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LVS_STATS_ATTR_OUTBYTES, c->outbytes,
			      LVS_STATS_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The counters and the rates of @stats, in a STATS or STATS64 nest. */
static int lvs_nl_put_stats(struct sk_buff *skb, int type,
			    const struct lvs_stats *stats)
{
	bool wide = type == LVS_SVC_ATTR_STATS64 ||
		    type == LVS_DEST_ATTR_STATS64;
	struct lvs_counters c, r;
	struct nlattr *nest;

	lvs_stats_read(stats, &c);
	lvs_est_read(stats, &r);
	nest = nla_nest_start_noflag(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (lvs_nl_put_counters(skb, wide, &c, &r)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int lvs_nl_put_addr(struct sk_buff *skb, int type, u16 af,
			   const union nf_inet_addr *addr)
{
	union nf_inet_addr out = {};

	/* always the full 16 bytes, as IPVS sends them */
	if (af == AF_INET)
		out.ip = addr->ip;
	else
		out.in6 = addr->in6;
	return nla_put(skb, type, sizeof(out), &out);
}

static int lvs_nl_fill_service(struct sk_buff *skb,
			       const struct lvs_service *svc)
{
	const struct lvs_scheduler *sched;
	struct lvs_flags flags = {
		.flags = READ_ONCE(svc->flags),
		.mask = ~0U,
	};
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, LVS_CMD_ATTR_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, LVS_SVC_ATTR_AF, svc->af))
		goto cancel;
	if (svc->fwmark) {
		if (nla_put_u32(skb, LVS_SVC_ATTR_FWMARK, svc->fwmark))
			goto cancel;
	} else if (nla_put_u16(skb, LVS_SVC_ATTR_PROTOCOL, svc->protocol) ||
		   lvs_nl_put_addr(skb, LVS_SVC_ATTR_ADDR, svc->af,
				   &svc->addr) ||
		   nla_put_be16(skb, LVS_SVC_ATTR_PORT, svc->port)) {
		goto cancel;
	}
	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->lnet->config_mutex));
	if (nla_put_string(skb, LVS_SVC_ATTR_SCHED_NAME,
			   sched ? sched->name : "none") ||
	    nla_put(skb, LVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) ||
	    nla_put_u32(skb, LVS_SVC_ATTR_TIMEOUT, READ_ONCE(svc->timeout)) ||
	    nla_put_be32(skb, LVS_SVC_ATTR_NETMASK, READ_ONCE(svc->netmask)) ||
	    (svc->pe &&
	     nla_put_string(skb, LVS_SVC_ATTR_PE_NAME, svc->pe->name)) ||
	    lvs_nl_put_stats(skb, LVS_SVC_ATTR_STATS, &svc->stats) ||
	    lvs_nl_put_stats(skb, LVS_SVC_ATTR_STATS64, &svc->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int lvs_nl_fill_dest(struct sk_buff *skb, const struct lvs_dest *dest)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, LVS_CMD_ATTR_DEST);
	if (!nest)
		return -EMSGSIZE;
	if (lvs_nl_put_addr(skb, LVS_DEST_ATTR_ADDR, dest->af, &dest->addr) ||
	    nla_put_be16(skb, LVS_DEST_ATTR_PORT, dest->port) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_FWD_METHOD, READ_ONCE(dest->fwd)) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_WEIGHT, READ_ONCE(dest->weight)) ||
	    nla_put_u8(skb, LVS_DEST_ATTR_TUN_TYPE, READ_ONCE(dest->tun_type)) ||
	    nla_put_be16(skb, LVS_DEST_ATTR_TUN_PORT,
			 READ_ONCE(dest->tun_port)) ||
	    nla_put_u16(skb, LVS_DEST_ATTR_TUN_FLAGS,
			READ_ONCE(dest->tun_flags)) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_U_THRESH,
			READ_ONCE(dest->u_threshold)) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_L_THRESH,
			READ_ONCE(dest->l_threshold)) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_ACTIVE_CONNS,
			atomic_read(&dest->activeconns)) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_INACT_CONNS,
			atomic_read(&dest->inactconns)) ||
	    nla_put_u32(skb, LVS_DEST_ATTR_PERSIST_CONNS,
			atomic_read(&dest->persistconns)) ||
	    nla_put_u16(skb, LVS_DEST_ATTR_ADDR_FAMILY, dest->af) ||
	    lvs_nl_put_stats(skb, LVS_DEST_ATTR_STATS, &dest->stats) ||
	    lvs_nl_put_stats(skb, LVS_DEST_ATTR_STATS64, &dest->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One dump message (NLM_F_MULTI) holding what @fill puts. */
static int lvs_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd, const void *obj,
			   int (*fill)(struct sk_buff *skb, const void *obj))
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &lvs_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	/* flags the part NLM_F_DUMP_INTR if the table changed meanwhile */
	nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (fill(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int lvs_nl_fill_service_obj(struct sk_buff *skb, const void *obj)
{
	return lvs_nl_fill_service(skb, obj);
}

static int lvs_nl_fill_dest_obj(struct sk_buff *skb, const void *obj)
{
	return lvs_nl_fill_dest(skb, obj);
}

/*
 * Dump every virtual service of the namespace. cb->args[0] counts the
 * services already sent, so a table larger than one message continues
 * where the previous part stopped. A part is built under the config mutex;
 * cb->seq carries the configuration generation, so that if the table
 * changed between two parts the later one carries NLM_F_DUMP_INTR and the
 * tool knows to ask again (the same holds for the real servers' dump).
 */
static int lvs_nl_dump_services(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct lvs_net *lnet = lvs_net(sock_net(skb->sk));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct lvs_service *svc;
	long idx = 0;
	int err, i;

	err = lvs_nl_parse_request(tb, cb->nlh, cb->extack);
	if (err)
		return err;
	mutex_lock(&lnet->config_mutex);
	cb->seq = lnet->config_gen;
	for (i = 0; i < LVS_SVC_BUCKETS; i++) {
		hlist_for_each_entry(svc, &lnet->svc_table[i], node) {
			if (idx++ < cb->args[0])
				continue;
			if (lvs_nl_dump_one(skb, cb, LVS_CMD_NEW_SERVICE, svc,
					    lvs_nl_fill_service_obj)) {
				idx--;
				goto out;
			}
		}
	}
out:
	mutex_unlock(&lnet->config_mutex);
	cb->args[0] = idx;
	return skb->len;
}

/* Dump the real servers of the service the request names. */
static int lvs_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct lvs_net *lnet = lvs_net(sock_net(skb->sk));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct lvs_service *svc;
	struct lvs_dest *dest;
	long idx = 0;
	int err;

	err = lvs_nl_parse_request(tb, cb->nlh, cb->extack);
	if (err)
		return err;
	mutex_lock(&lnet->config_mutex);
	cb->seq = lnet->config_gen;
	svc = lvs_nl_service(lnet, tb, cb->extack, &err);
	if (!svc)
		goto out;
	list_for_each_entry(dest, &svc->dests, list) {
		if (idx++ < cb->args[0])
			continue;
		if (lvs_nl_dump_one(skb, cb, LVS_CMD_NEW_DEST, dest,
				    lvs_nl_fill_dest_obj)) {
			idx--;
			break;
		}
	}
	cb->args[0] = idx;
	err = skb->len;
out:
	mutex_unlock(&lnet->config_mutex);
	return err;
}

/* GET_SERVICE for one service. */
static int lvs_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct lvs_net *lnet = lvs_net(genl_info_net(info));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct lvs_service *svc;
	struct sk_buff *reply;
	void *hdr;
	int err;

	err = lvs_nl_parse_request(tb, info->nlhdr, info->extack);
	if (err)
		return err;
	reply = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	mutex_lock(&lnet->config_mutex);
	svc = lvs_nl_service(lnet, tb, info->extack, &err);
	if (!svc)
		goto err_unlock;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(reply, info, &lvs_genl_family, 0,
				LVS_CMD_NEW_SERVICE);
	if (!hdr || lvs_nl_fill_service(reply, svc))
		goto err_unlock;
	mutex_unlock(&lnet->config_mutex);
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);

err_unlock:
	mutex_unlock(&lnet->config_mutex);
	nlmsg_free(reply);
	return err;
}

/* GET_CONFIG: the TCP, TCP FIN_WAIT and UDP timeouts, in seconds. */
static int lvs_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct lvs_net *lnet = lvs_net(genl_info_net(info));
	struct nlattr *tb[LVS_CMD_ATTR_MAX + 1];
	struct sk_buff *reply;
	void *hdr;
	int err;

	err = lvs_nl_parse_request(tb, info->nlhdr, info->extack);
	if (err)
		return err;
	reply = genlmsg_new(3 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &lvs_genl_family, 0,
				LVS_CMD_SET_CONFIG);
	if (!hdr ||
	    nla_put_u32(reply, LVS_CMD_ATTR_TIMEOUT_TCP,
			READ_ONCE(lnet->timeouts[LVS_PROTO_TCP]
				  [LVS_TCP_S_ESTABLISHED]) / HZ) ||
	    nla_put_u32(reply, LVS_CMD_ATTR_TIMEOUT_TCP_FIN,
			READ_ONCE(lnet->timeouts[LVS_PROTO_TCP]
				  [LVS_TCP_S_FIN_WAIT]) / HZ) ||
	    nla_put_u32(reply, LVS_CMD_ATTR_TIMEOUT_UDP,
			READ_ONCE(lnet->timeouts[LVS_PROTO_UDP]
				  [LVS_UDP_S_NORMAL]) / HZ)) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

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
			lvs_conn_table_buckets(lnet)))
		goto err_free;
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);

err_free:
	nlmsg_free(reply);
	return -EMSGSIZE;
}

#define LVS_NL_SET(c) { .cmd = c, .flags = GENL_UNS_ADMIN_PERM, \
			.doit = lvs_nl_set }

static const struct genl_small_ops lvs_genl_ops[] = {
	LVS_NL_SET(LVS_CMD_NEW_SERVICE),
	LVS_NL_SET(LVS_CMD_SET_SERVICE),
	LVS_NL_SET(LVS_CMD_DEL_SERVICE),
	{
		.cmd = LVS_CMD_GET_SERVICE,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = lvs_nl_get_service,
		.dumpit = lvs_nl_dump_services,
	},
	LVS_NL_SET(LVS_CMD_NEW_DEST),
	LVS_NL_SET(LVS_CMD_SET_DEST),
	LVS_NL_SET(LVS_CMD_DEL_DEST),
	{
		.cmd = LVS_CMD_GET_DEST,
		.flags = GENL_UNS_ADMIN_PERM,
		.dumpit = lvs_nl_dump_dests,
	},
	{
		.cmd = LVS_CMD_NEW_DAEMON,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = lvs_nl_daemon,
	},
	{
		.cmd = LVS_CMD_DEL_DAEMON,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = lvs_nl_daemon,
	},
	{
		.cmd = LVS_CMD_GET_DAEMON,
		.flags = GENL_UNS_ADMIN_PERM,
		.dumpit = lvs_nl_dump_daemons,
	},
	{
		.cmd = LVS_CMD_GET_CONFIG,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = lvs_nl_get_config,
	},
	{
		.cmd = LVS_CMD_GET_INFO,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = lvs_nl_get_info,
	},
	LVS_NL_SET(LVS_CMD_SET_CONFIG),
	LVS_NL_SET(LVS_CMD_ZERO),
	LVS_NL_SET(LVS_CMD_FLUSH),
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

/*
 * Whether the in-tree ip_vs holds the family name: lvs must not come up
 * next to it (its /proc and sysctl names would clash too). A family of the
 * same name with no commands is registered and at once unregistered;
 * requests that meet it in between get EOPNOTSUPP.
 */
bool __init lvs_netlink_taken(void)
{
	static struct genl_family probe __initdata = {
		.name = LVS_GENL_NAME,
		.version = LVS_GENL_VERSION,
		.module = THIS_MODULE,
	};

	if (genl_register_family(&probe))
		return true;
	genl_unregister_family(&probe);
	return false;
}

int __init lvs_netlink_init(void)
{
	return genl_register_family(&lvs_genl_family);
}

void lvs_netlink_exit(void)
{
	genl_unregister_family(&lvs_genl_family);
}

/*
 * A tool that asks the controller for "IPVS" while no module has it makes
 * the kernel load "net-pf-16-proto-16-family-IPVS": this module. The
 * in-tree ip_vs carries the same alias; lvs's modprobe.d file names lvs
 * for it, so that modprobe picks lvs where both are installed.
 */
MODULE_ALIAS_GENL_FAMILY(LVS_GENL_NAME);
