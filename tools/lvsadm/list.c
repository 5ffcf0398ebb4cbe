// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: the text listings, in ipvsadm's formats to the byte.
 *
 * One header line per table, one line per service, one per real server;
 * the columns depend on the format (plain, --stats, --rate, --thresholds,
 * --persistent-conn, --tun-info). Scripts parse these, so the widths,
 * the truncation of long names and the K/M/G/T scaling of large counters
 * are ipvsadm's.
 */
#include <string.h>
#include <arpa/inet.h>

#include "lvsadm.h"

const char *fwd_name(__u32 fwd)
{
	switch (fwd & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
		return "Masq";
	case LVS_CONN_F_LOCALNODE:
		return "Local";
	case LVS_CONN_F_TUNNEL:
		return "Tunnel";
	case LVS_CONN_F_DROUTE:
		return "Route";
	}
	return "(null)";
}

const char *tun_type_name(__u8 type)
{
	switch (type) {
	case LVS_TUNNEL_IPIP:
		return "ipip";
	case LVS_TUNNEL_GUE:
		return "gue";
	case LVS_TUNNEL_GRE:
		return "gre";
	}
	return "unknown";
}

/* A counter in a 9-wide column, or scaled to fit unless --exact. */
void print_largenum(__u64 n, unsigned int format)
{
	static const struct {
		__u64 below, div;
		char unit;
	} scale[] = {
		{ 1000000000ULL, 1000ULL, 'K' },
		{ 100000000000ULL, 1000000ULL, 'M' },
		{ 100000000000000ULL, 1000000000ULL, 'G' },
		{ ~0ULL, 1000000000000ULL, 'T' },
	};
	char tmp[32];
	unsigned int i;
	int len;

	if (format & F_EXACT) {
		len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n);
		printf("%*s", len <= 8 ? 9 : len + 1, tmp);
		return;
	}
	if (n < 100000000ULL) {
		printf("%9llu", (unsigned long long)n);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(scale) - 1; i++)
		if (n < scale[i].below)
			break;
	printf("%8llu%c", (unsigned long long)(n / scale[i].div), scale[i].unit);
}

/* "sh-fallback,sh-port": the scheduler flags by the scheduler's names. */
void sched_flags_str(const struct lvs_svc *s, char *buf, size_t len)
{
	const char *names[3] = { "flag-1", "flag-2", "flag-3" };
	static const __u32 bits[3] = { LVS_SVC_F_SCHED1, LVS_SVC_F_SCHED2, LVS_SVC_F_SCHED3 };
	unsigned int i, n;

	if (!strcmp(s->sched, "sh")) {
		names[0] = "sh-fallback";
		names[1] = "sh-port";
		names[2] = NULL;
	} else if (!strcmp(s->sched, "mh")) {
		names[0] = "mh-fallback";
		names[1] = "mh-port";
		names[2] = NULL;
	}
	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!names[i] || !(s->flags & bits[i]))
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", n ? "," : "", names[i]);
	}
}

static void print_title(unsigned int format)
{
	const char *c[5] = { NULL };

	if (format & F_STATS) {
		c[0] = "Conns"; c[1] = "InPkts"; c[2] = "OutPkts";
		c[3] = "InBytes"; c[4] = "OutBytes";
	} else if (format & F_RATE) {
		c[0] = "CPS"; c[1] = "InPPS"; c[2] = "OutPPS";
		c[3] = "InBPS"; c[4] = "OutBPS";
	}
	if (c[0]) {
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", c[0], c[1], c[2], c[3], c[4]);
	} else if (format & F_THRESHOLDS) {
		printf("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Uthreshold", "Lthreshold",
		       "ActiveConn", "InActConn");
	} else if (format & F_PCONN) {
		printf("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Weight", "PersistConn",
		       "ActiveConn", "InActConn");
	} else {
		printf("Prot LocalAddress:Port Scheduler Flags\n");
		printf("  -> RemoteAddress:Port           Forward %sWeight ActiveConn InActConn\n",
		       format & F_TUN_INFO ? "TunnelInfo    " : "");
	}
}

/* "TCP  10.0.0.1:80", "FWM  5 IPv6": the service as listings name it. */
static void svc_label(const struct lvs_svc *s, unsigned int format, char *buf, size_t len)
{
	char name[64];

	if (s->fwmark) {
		snprintf(buf, len, "FWM  %u%s", s->fwmark, s->af == AF_INET6 ? " IPv6" : "");
		return;
	}
	format_addr_port(s->af, &s->addr, ntohs(s->port), s->protocol, format,
			 name, 60);
	snprintf(buf, len, "%-4s %s", proto_name(s->protocol), name);
	if (s->af != AF_INET6 && strlen(buf) > 33)
		buf[33] = '\0';
}

static void print_stats(const struct lvs_stats *st, unsigned int format, bool dest)
{
	if (format & F_STATS) {
		print_largenum(st->conns, format);
		print_largenum(st->inpkts, format);
		print_largenum(st->outpkts, format);
		print_largenum(st->inbytes, format);
		print_largenum(st->outbytes, format);
	} else if (dest) {
		/* ipvsadm prints a real server's first three rates unscaled */
		printf(" %8llu %8llu %8llu", (unsigned long long)st->cps,
		       (unsigned long long)st->inpps, (unsigned long long)st->outpps);
		print_largenum(st->inbps, format);
		print_largenum(st->outbps, format);
	} else {
		print_largenum(st->cps, format);
		print_largenum(st->inpps, format);
		print_largenum(st->outpps, format);
		print_largenum(st->inbps, format);
		print_largenum(st->outbps, format);
	}
}

static void print_svc_flags(const struct lvs_svc *s)
{
	char flags[64];
	struct in_addr mask;

	sched_flags_str(s, flags, sizeof(flags));
	if (flags[0])
		printf(" (%s)", flags);
	if (s->flags & LVS_SVC_F_PERSISTENT) {
		printf(" persistent %u", s->timeout);
		mask.s_addr = s->netmask;
		if (s->af == AF_INET && s->netmask != 0xffffffff)
			printf(" mask %s", inet_ntoa(mask));
		if (s->af == AF_INET6 && s->netmask != 128)
			printf(" mask %u", s->netmask);
		if (s->pe[0])
			printf(" pe %s", s->pe);
	}
	if (s->flags & LVS_SVC_F_ONEPACKET)
		printf(" ops");
}

static void tun_info(const struct lvs_dest *d, char *buf, size_t len)
{
	static const char * const csum[] = { "-c", "+c", "r+c" };
	const char *c = d->tun_flags < 3 ? csum[d->tun_flags] : "?";

	if ((d->fwd & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_TUNNEL)
		snprintf(buf, len, "n/a");
	else if (d->tun_type == LVS_TUNNEL_GUE)
		snprintf(buf, len, "gue:%u:%s", ntohs(d->tun_port), c);
	else if (d->tun_type == LVS_TUNNEL_GRE)
		snprintf(buf, len, "gre:%s", c);
	else if (d->tun_type == LVS_TUNNEL_IPIP)
		snprintf(buf, len, "ipip");
	else
		snprintf(buf, len, "n/a");
}

static void print_dest(const struct lvs_svc *s, const struct lvs_dest *d, unsigned int format)
{
	char name[64], ti[32];

	format_addr_port(d->af, &d->addr, ntohs(d->port), s->protocol, format, name, 60);
	if (d->af != AF_INET6)
		name[28] = '\0';
	printf("  -> %-28s", name);
	if (format & (F_STATS | F_RATE)) {
		print_stats(&d->stats, format, true);
		printf("\n");
	} else if (format & F_THRESHOLDS) {
		printf(" %-10u %-10u %-10u %-10u\n", d->u_thresh, d->l_thresh,
		       d->active, d->inactive);
	} else if (format & F_PCONN) {
		printf(" %-9u %-11u %-10u %-10u\n", d->weight, d->persist,
		       d->active, d->inactive);
	} else if (format & F_TUN_INFO) {
		tun_info(d, ti, sizeof(ti));
		printf(" %-7s %-13s %-6d %-10u %-10u\n", fwd_name(d->fwd), ti,
		       d->weight, d->active, d->inactive);
	} else {
		printf(" %-7s %-6d %-10u %-10u\n", fwd_name(d->fwd), d->weight,
		       d->active, d->inactive);
	}
}

/* The table as ipvsadm -L lists it; @header: the version line (-L, not -L -t). */
void list_text(const struct lvs_table *t, unsigned int format, bool header)
{
	const struct lvs_svc *s;
	unsigned int i, j;
	char label[128];

	if (header)
		printf("IP Virtual Server version %u.%u.%u (size=%u)\n",
		       (t->version >> 16) & 0xff, (t->version >> 8) & 0xff,
		       t->version & 0xff, t->conn_tab_size);
	print_title(format);
	for (i = 0; i < t->nsvcs; i++) {
		s = &t->svcs[i];
		svc_label(s, format, label, sizeof(label));
		if (format & (F_STATS | F_RATE)) {
			printf("%-33s", label);
			print_stats(&s->stats, format, false);
		} else {
			printf("%s %s", label, s->sched);
			print_svc_flags(s);
		}
		printf("\n");
		for (j = 0; j < s->ndests; j++)
			print_dest(s, &s->dests[j], format);
	}
}

void list_timeouts_text(const struct lvs_timeouts *t)
{
	printf("Timeout (tcp tcpfin udp): %u %u %u\n", t->tcp, t->tcp_fin, t->udp);
}

void list_daemons_text(const struct lvs_daemon *dm, unsigned int n)
{
	char group[INET6_ADDRSTRLEN];
	unsigned int i;
	const char *role;

	for (i = 0; i < n; i++) {
		if (dm[i].state & LVS_DAEMON_MASTER)
			role = "master";
		else if (dm[i].state & LVS_DAEMON_BACKUP)
			role = "backup";
		else
			continue;
		printf("%s sync daemon (mcast=%s, syncid=%u", role, dm[i].ifn, dm[i].syncid);
		if (dm[i].maxlen)
			printf(", maxlen=%u", dm[i].maxlen);
		if (dm[i].mcast_af)
			printf(", group=%s", format_addr(dm[i].mcast_af, &dm[i].group,
							 group, sizeof(group)));
		if (dm[i].mcast_port)
			printf(", port=%u", dm[i].mcast_port);
		if (dm[i].mcast_ttl)
			printf(", ttl=%u", dm[i].mcast_ttl);
		printf(")\n");
	}
}
