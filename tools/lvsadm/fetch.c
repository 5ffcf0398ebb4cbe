// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: reading the table from the kernel.
 *
 * GET_INFO gives the version and the connection table size; a GET_SERVICE
 * dump (or one GET_SERVICE) the services, then a GET_DEST dump per
 * service its real servers, all into struct lvs_table. Sorting follows
 * ipvsadm: services by fwmark, family, protocol, address, port; real
 * servers by address and port, each compared the way ipvsadm compares
 * them (as differences of 32-bit words), so listings match line for line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "lvsadm.h"

#define GENL_HDRLEN_LVS sizeof(struct genlmsghdr)

struct attrs {
	const struct nlattr *tb[32];
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type < 32)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static __u64 attr_uint(const struct nlattr *a)
{
	if (!a)
		return 0;
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		return mnl_attr_get_u8(a);
	case 2:
		return mnl_attr_get_u16(a);
	case 4:
		return mnl_attr_get_u32(a);
	case 8:
		return mnl_attr_get_u64(a);
	}
	return 0;
}

static void attr_str(const struct nlattr *a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (a)
		snprintf(buf, len, "%.*s", (int)mnl_attr_get_payload_len(a),
			 (const char *)mnl_attr_get_payload(a));
}

static void attr_addr(const struct nlattr *a, union lvs_addr *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!a)
		return;
	n = mnl_attr_get_payload_len(a);
	memcpy(out, mnl_attr_get_payload(a), n < sizeof(*out) ? n : sizeof(*out));
}

static void parse_stats(const struct nlattr *nest, struct lvs_stats *s)
{
	struct attrs at = { 0 };

	if (!nest)
		return;
	mnl_attr_parse_nested(nest, collect, &at);
	s->conns = attr_uint(at.tb[LVS_STATS_ATTR_CONNS]);
	s->inpkts = attr_uint(at.tb[LVS_STATS_ATTR_INPKTS]);
	s->outpkts = attr_uint(at.tb[LVS_STATS_ATTR_OUTPKTS]);
	s->inbytes = attr_uint(at.tb[LVS_STATS_ATTR_INBYTES]);
	s->outbytes = attr_uint(at.tb[LVS_STATS_ATTR_OUTBYTES]);
	s->cps = attr_uint(at.tb[LVS_STATS_ATTR_CPS]);
	s->inpps = attr_uint(at.tb[LVS_STATS_ATTR_INPPS]);
	s->outpps = attr_uint(at.tb[LVS_STATS_ATTR_OUTPPS]);
	s->inbps = attr_uint(at.tb[LVS_STATS_ATTR_INBPS]);
	s->outbps = attr_uint(at.tb[LVS_STATS_ATTR_OUTBPS]);
}

static const struct nlattr *top_attr(const struct nlmsghdr *nlh, unsigned int type,
				     struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, GENL_HDRLEN_LVS, collect, at);
	return type < 32 ? at->tb[type] : NULL;
}

static void *grow(void *p, unsigned int n, size_t size)
{
	p = realloc(p, (n + 1) * size);
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	return p;
}

static int service_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest;
	struct lvs_table *t = data;
	struct lvs_flags flags = { 0 };
	struct attrs top, at = { 0 };
	struct lvs_svc *s;

	nest = top_attr(nlh, LVS_CMD_ATTR_SERVICE, &top);
	if (!nest)
		return MNL_CB_OK;
	mnl_attr_parse_nested(nest, collect, &at);
	t->svcs = grow(t->svcs, t->nsvcs, sizeof(*t->svcs));
	s = &t->svcs[t->nsvcs++];
	memset(s, 0, sizeof(*s));
	s->af = attr_uint(at.tb[LVS_SVC_ATTR_AF]);
	s->fwmark = attr_uint(at.tb[LVS_SVC_ATTR_FWMARK]);
	if (!s->fwmark) {
		s->protocol = attr_uint(at.tb[LVS_SVC_ATTR_PROTOCOL]);
		attr_addr(at.tb[LVS_SVC_ATTR_ADDR], &s->addr);
		s->port = attr_uint(at.tb[LVS_SVC_ATTR_PORT]);
	}
	attr_str(at.tb[LVS_SVC_ATTR_SCHED_NAME], s->sched, sizeof(s->sched));
	attr_str(at.tb[LVS_SVC_ATTR_PE_NAME], s->pe, sizeof(s->pe));
	if (at.tb[LVS_SVC_ATTR_FLAGS] &&
	    mnl_attr_get_payload_len(at.tb[LVS_SVC_ATTR_FLAGS]) >= sizeof(flags))
		memcpy(&flags, mnl_attr_get_payload(at.tb[LVS_SVC_ATTR_FLAGS]), sizeof(flags));
	s->flags = flags.flags & flags.mask;
	s->timeout = attr_uint(at.tb[LVS_SVC_ATTR_TIMEOUT]);
	s->netmask = attr_uint(at.tb[LVS_SVC_ATTR_NETMASK]);
	if (at.tb[LVS_SVC_ATTR_STATS64])
		parse_stats(at.tb[LVS_SVC_ATTR_STATS64], &s->stats);
	else
		parse_stats(at.tb[LVS_SVC_ATTR_STATS], &s->stats);
	return MNL_CB_OK;
}

static int dest_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest;
	struct lvs_svc *s = data;
	struct attrs top, at = { 0 };
	struct lvs_dest *d;

	nest = top_attr(nlh, LVS_CMD_ATTR_DEST, &top);
	if (!nest)
		return MNL_CB_OK;
	mnl_attr_parse_nested(nest, collect, &at);
	s->dests = grow(s->dests, s->ndests, sizeof(*s->dests));
	d = &s->dests[s->ndests++];
	memset(d, 0, sizeof(*d));
	attr_addr(at.tb[LVS_DEST_ATTR_ADDR], &d->addr);
	d->port = attr_uint(at.tb[LVS_DEST_ATTR_PORT]);
	d->fwd = attr_uint(at.tb[LVS_DEST_ATTR_FWD_METHOD]);
	d->weight = attr_uint(at.tb[LVS_DEST_ATTR_WEIGHT]);
	d->u_thresh = attr_uint(at.tb[LVS_DEST_ATTR_U_THRESH]);
	d->l_thresh = attr_uint(at.tb[LVS_DEST_ATTR_L_THRESH]);
	d->active = attr_uint(at.tb[LVS_DEST_ATTR_ACTIVE_CONNS]);
	d->inactive = attr_uint(at.tb[LVS_DEST_ATTR_INACT_CONNS]);
	d->persist = attr_uint(at.tb[LVS_DEST_ATTR_PERSIST_CONNS]);
	d->af = at.tb[LVS_DEST_ATTR_ADDR_FAMILY] ?
		attr_uint(at.tb[LVS_DEST_ATTR_ADDR_FAMILY]) : s->af;
	d->tun_type = attr_uint(at.tb[LVS_DEST_ATTR_TUN_TYPE]);
	d->tun_port = attr_uint(at.tb[LVS_DEST_ATTR_TUN_PORT]);
	d->tun_flags = attr_uint(at.tb[LVS_DEST_ATTR_TUN_FLAGS]);
	if (at.tb[LVS_DEST_ATTR_STATS64])
		parse_stats(at.tb[LVS_DEST_ATTR_STATS64], &d->stats);
	else
		parse_stats(at.tb[LVS_DEST_ATTR_STATS], &d->stats);
	return MNL_CB_OK;
}

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lvs_table *t = data;
	struct attrs at;

	top_attr(nlh, 0, &at);
	t->version = attr_uint(at.tb[LVS_INFO_ATTR_VERSION]);
	t->conn_tab_size = attr_uint(at.tb[LVS_INFO_ATTR_CONN_TAB_SIZE]);
	return MNL_CB_OK;
}

static char msgbuf[LVSADM_MSG_SIZE];

int fetch_info(struct lvs_table *t)
{
	return nl_talk(nl_new(msgbuf, LVS_CMD_GET_INFO, false), info_cb, t);
}

/* ipvsadm compares 32-bit words by their difference, taken as an int. */
static int cmp_words(int af, const union lvs_addr *a, const union lvs_addr *b)
{
	int i, r = 0;

	if (af != AF_INET6)
		return (int)(ntohl(a->in.s_addr) - ntohl(b->in.s_addr));
	for (i = 0; !r && i < 4; i++)
		r = (int)(ntohl(a->in6.s6_addr32[i]) - ntohl(b->in6.s6_addr32[i]));
	return r;
}

static int cmp_svc(const void *x, const void *y)
{
	const struct lvs_svc *a = x, *b = y;
	int r;

	r = (int)(a->fwmark - b->fwmark);
	if (!r)
		r = a->af - b->af;
	if (!r)
		r = a->protocol - b->protocol;
	if (!r)
		r = cmp_words(a->af, &a->addr, &b->addr);
	if (!r)
		r = ntohs(a->port) - ntohs(b->port);
	return r;
}

static int cmp_dest(const void *x, const void *y)
{
	const struct lvs_dest *a = x, *b = y;
	int r = cmp_words(a->af, &a->addr, &b->addr);

	return r ? r : ntohs(a->port) - ntohs(b->port);
}

static int fetch_dests(struct lvs_svc *s)
{
	struct nlmsghdr *nlh = nl_new(msgbuf, LVS_CMD_GET_DEST, true);
	struct nlattr *nest = mnl_attr_nest_start(nlh, LVS_CMD_ATTR_SERVICE);

	mnl_attr_put_u16(nlh, LVS_SVC_ATTR_AF, s->af);
	if (s->fwmark) {
		mnl_attr_put_u32(nlh, LVS_SVC_ATTR_FWMARK, s->fwmark);
	} else {
		mnl_attr_put_u16(nlh, LVS_SVC_ATTR_PROTOCOL, s->protocol);
		mnl_attr_put(nlh, LVS_SVC_ATTR_ADDR, sizeof(s->addr), &s->addr);
		mnl_attr_put_u16(nlh, LVS_SVC_ATTR_PORT, s->port);
	}
	mnl_attr_nest_end(nlh, nest);
	return nl_talk(nlh, dest_cb, s);
}

/*
 * The whole table, or the one service @only names; with @sort, in
 * ipvsadm's order.
 */
int fetch_table(struct lvs_table *t, const struct lvs_svc *only, bool sort)
{
	struct nlmsghdr *nlh;
	unsigned int i;
	int err;

	if (only) {
		nlh = nl_new(msgbuf, LVS_CMD_GET_SERVICE, false);
		put_service_key(nlh, only, true);
	} else {
		nlh = nl_new(msgbuf, LVS_CMD_GET_SERVICE, true);
	}
	err = nl_talk(nlh, service_cb, t);
	if (err)
		return err;
	if (only && !t->nsvcs)
		return -ESRCH;
	if (sort)
		qsort(t->svcs, t->nsvcs, sizeof(*t->svcs), cmp_svc);
	for (i = 0; i < t->nsvcs; i++) {
		err = fetch_dests(&t->svcs[i]);
		if (err)
			return err;
		if (sort)
			qsort(t->svcs[i].dests, t->svcs[i].ndests,
			      sizeof(struct lvs_dest), cmp_dest);
	}
	return 0;
}

void free_table(struct lvs_table *t)
{
	unsigned int i;

	for (i = 0; i < t->nsvcs; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	t->svcs = NULL;
	t->nsvcs = 0;
}

static int timeouts_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lvs_timeouts *t = data;
	struct attrs at;

	top_attr(nlh, 0, &at);
	if (at.tb[LVS_CMD_ATTR_TIMEOUT_TCP])
		t->tcp = attr_uint(at.tb[LVS_CMD_ATTR_TIMEOUT_TCP]);
	if (at.tb[LVS_CMD_ATTR_TIMEOUT_TCP_FIN])
		t->tcp_fin = attr_uint(at.tb[LVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
	if (at.tb[LVS_CMD_ATTR_TIMEOUT_UDP])
		t->udp = attr_uint(at.tb[LVS_CMD_ATTR_TIMEOUT_UDP]);
	return MNL_CB_OK;
}

int fetch_timeouts(struct lvs_timeouts *t)
{
	memset(t, 0, sizeof(*t));
	return nl_talk(nl_new(msgbuf, LVS_CMD_GET_CONFIG, false), timeouts_cb, t);
}

struct daemons {
	struct lvs_daemon *dm;
	unsigned int n;
};

static int daemon_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest;
	struct daemons *ds = data;
	struct attrs top, at = { 0 };
	struct lvs_daemon *d;

	nest = top_attr(nlh, LVS_CMD_ATTR_DAEMON, &top);
	if (!nest || ds->n >= 2)
		return MNL_CB_OK;
	mnl_attr_parse_nested(nest, collect, &at);
	d = &ds->dm[ds->n++];
	memset(d, 0, sizeof(*d));
	d->state = attr_uint(at.tb[LVS_DAEMON_ATTR_STATE]);
	attr_str(at.tb[LVS_DAEMON_ATTR_MCAST_IFN], d->ifn, sizeof(d->ifn));
	d->syncid = attr_uint(at.tb[LVS_DAEMON_ATTR_SYNC_ID]);
	d->maxlen = attr_uint(at.tb[LVS_DAEMON_ATTR_SYNC_MAXLEN]);
	d->mcast_port = attr_uint(at.tb[LVS_DAEMON_ATTR_MCAST_PORT]);
	d->mcast_ttl = attr_uint(at.tb[LVS_DAEMON_ATTR_MCAST_TTL]);
	if (at.tb[LVS_DAEMON_ATTR_MCAST_GROUP]) {
		d->mcast_af = AF_INET;
		attr_addr(at.tb[LVS_DAEMON_ATTR_MCAST_GROUP], &d->group);
	} else if (at.tb[LVS_DAEMON_ATTR_MCAST_GROUP6]) {
		d->mcast_af = AF_INET6;
		attr_addr(at.tb[LVS_DAEMON_ATTR_MCAST_GROUP6], &d->group);
	}
	return MNL_CB_OK;
}

int fetch_daemons(struct lvs_daemon dm[2], unsigned int *n)
{
	struct daemons ds = { .dm = dm };
	int err;

	err = nl_talk(nl_new(msgbuf, LVS_CMD_GET_DAEMON, true), daemon_cb, &ds);
	*n = ds.n;
	return err;
}
