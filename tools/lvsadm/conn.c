// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: the connection listing (-L -c).
 *
 * Read from /proc/net/ip_vs_conn, as ipvsadm reads it (the netlink ABI has
 * no connection dump): a header line, then per connection the protocol,
 * client, virtual and destination address and port (IPv4 in hex, IPv6 in
 * text, ports in hex), the state, the seconds left and, for persistence
 * engines, their name and data. Printed in ipvsadm's columns or as JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lvsadm.h"

#define CONN_FILE "/proc/net/ip_vs_conn"

static int read_addr(const char *s, int *af, union lvs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET6, s, &a->in6) > 0) {
		*af = AF_INET6;
		return 0;
	}
	*af = AF_INET;
	if (inet_pton(AF_INET, s, &a->in) > 0)
		return 0;
	a->in.s_addr = htonl(strtoul(s, NULL, 16));
	return 0;
}

static bool parse_conn(const char *line, struct conn_entry *c)
{
	char ca[64], va[64], da[64];
	unsigned int cp, vp, dp;
	int n;

	memset(c, 0, sizeof(*c));
	n = sscanf(line, "%7s %63s %x %63s %x %63s %x %15s %u %16s %255s", c->proto, ca, &cp,
		   va, &vp, da, &dp, c->state, &c->expires, c->pe_name, c->pe_data);
	if (n < 9)
		return false;
	c->has_pe = n == 11;
	read_addr(ca, &c->af, &c->caddr);
	read_addr(va, &c->af, &c->vaddr);
	read_addr(da, &c->daf, &c->daddr);
	c->cport = cp;
	c->vport = vp;
	c->dport = dp;
	return true;
}

static __u16 proto_of(const char *p)
{
	if (!strcmp(p, "TCP"))
		return IPPROTO_TCP;
	if (!strcmp(p, "UDP"))
		return IPPROTO_UDP;
	if (!strcmp(p, "SCTP"))
		return IPPROTO_SCTP;
	return 0;
}

static void print_conn(const struct conn_entry *c, unsigned int format)
{
	char cn[64], vn[64], dn[64], expire[16];
	__u16 proto = proto_of(c->proto);

	format_addr_port(c->af, &c->caddr, c->cport, proto, format, cn, 60);
	format_addr_port(c->af, &c->vaddr, c->vport, proto, format, vn, 60);
	format_addr_port(c->daf, &c->daddr, c->dport, proto, format, dn, 60);
	snprintf(expire, sizeof(expire), "%02u:%02u", c->expires / 60, c->expires % 60);
	if ((format & F_PCONN) && c->has_pe)
		printf("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n", c->proto, expire,
		       c->state, cn, vn, dn, c->pe_name, c->pe_data);
	else
		printf("%-3s %-6s %-11s %-18s %-18s %s\n", c->proto, expire, c->state, cn,
		       vn, dn);
}

int list_conns(unsigned int format)
{
	struct conn_entry c;
	char line[512];
	FILE *f;

	f = fopen(CONN_FILE, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open %s: is lvs (or ip_vs) loaded?\n", prog, CONN_FILE);
		return 1;
	}
	if (!fgets(line, sizeof(line), f)) {
		fprintf(stderr, "%s: %s is empty: expected a header line\n", prog, CONN_FILE);
		fclose(f);
		return 1;
	}
	if (format & F_JSON) {
		json_conns_begin();
	} else {
		printf("IPVS connection entries\n");
		if (format & F_PCONN)
			printf("pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state",
			       "source", "virtual", "destination", "pe name", "pe_data");
		else
			printf("pro expire %-11s %-18s %-18s %s\n", "state", "source",
			       "virtual", "destination");
	}
	while (fgets(line, sizeof(line), f)) {
		if (!parse_conn(line, &c))
			continue;
		if (format & F_JSON)
			json_conn(&c);
		else
			print_conn(&c, format);
	}
	if (format & F_JSON)
		json_conns_end();
	fclose(f);
	return 0;
}
