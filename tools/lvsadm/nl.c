// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: the netlink transport.
 *
 * One generic netlink socket serves the whole run, a restore of thousands
 * of rules included: nl_open() resolves the "IPVS" family once (if no
 * module has it yet, the kernel loads the one whose alias names the
 * family: lvs, which its modprobe.d file picks over ip_vs; lvsadm runs no
 * modprobe of its own, unlike ipvsadm), nl_new()
 * starts a request, nl_talk() sends it and hands each reply message to a
 * callback until the kernel's ack or the end of a dump. Errors come back
 * as negative errno values; nl_strerror() words them as ipvsadm does, per
 * verb.
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "lvsadm.h"

static struct mnl_socket *sock;
static unsigned int portid;
static unsigned int seq;
static __u16 family;

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		*(__u16 *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
}

static int resolve_family(void)
{
	char buf[LVSADM_MSG_SIZE];
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, LVS_GENL_NAME);
	family = 0;
	return nl_talk(nlh, family_cb, &family);
}

int nl_open(void)
{
	sock = mnl_socket_open(NETLINK_GENERIC);
	if (!sock)
		return -errno;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(sock);
		sock = NULL;
		return -errno;
	}
	portid = mnl_socket_get_portid(sock);
	if (resolve_family() < 0 || !family)
		return -ENOENT;
	return 0;
}

void nl_close(void)
{
	if (sock)
		mnl_socket_close(sock);
	sock = NULL;
}

struct nlmsghdr *nl_new(void *buf, __u8 cmd, bool dump)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (dump)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = LVS_GENL_VERSION;
	return nlh;
}

/* Send one request and run @cb on each answer; 0 or a negative errno. */
int nl_talk(struct nlmsghdr *nlh, nl_msg_cb cb, void *data)
{
	static char buf[1 << 16];
	unsigned int my_seq;
	int ret;

	nlh->nlmsg_seq = ++seq;
	my_seq = nlh->nlmsg_seq;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, my_seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

struct err_text {
	enum verb verb;		/* V_NONE: any */
	int err;
	const char *text;
};

/* ipvsadm's words for the kernel's refusals, so that scripts see them. */
static const struct err_text err_texts[] = {
	{ V_ADD_SVC, EEXIST, "Service already exists" },
	{ V_ADD_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ V_EDIT_SVC, ESRCH, "No such service" },
	{ V_EDIT_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ V_DEL_SVC, ESRCH, "No such service" },
	{ V_ZERO, ESRCH, "No such service" },
	{ V_ADD_DEST, ESRCH, "Service not defined" },
	{ V_ADD_DEST, EEXIST, "Destination already exists" },
	{ V_EDIT_DEST, ESRCH, "Service not defined" },
	{ V_EDIT_DEST, ENOENT, "No such destination" },
	{ V_DEL_DEST, ESRCH, "Service not defined" },
	{ V_DEL_DEST, ENOENT, "No such destination" },
	{ V_START_DAEMON, EEXIST, "Daemon has already run" },
	{ V_STOP_DAEMON, ESRCH, "No daemon is running" },
	{ V_LIST, ESRCH, "No such service" },
	{ V_SAVE, ESRCH, "No such service" },
	{ V_NONE, EPERM, "Permission denied (you must be root)" },
	{ V_NONE, EINVAL,
	  "Invalid operation.  Possibly wrong module version, address not unicast, ..." },
	{ V_NONE, ENOPROTOOPT, "Protocol not available" },
	{ V_NONE, ENOMEM, "Memory allocation problem" },
	{ V_NONE, EOPNOTSUPP, "Operation not supported with IPv6" },
	{ V_NONE, EAFNOSUPPORT, "Operation not supported with specified address family" },
	{ V_NONE, EMSGSIZE, "Module is wrong version" },
};

const char *nl_strerror(enum verb v, int err)
{
	unsigned int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(err_texts); i++) {
		if ((err_texts[i].verb == V_NONE || err_texts[i].verb == v) &&
		    err_texts[i].err == err)
			return err_texts[i].text;
	}
	return strerror(err);
}
