// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: addresses and ports, in and out.
 *
 * In: "host[:port]" for IPv4 (a dotted quad or a name that resolves to
 * one) and "[v6addr]:port" or a bare IPv6 address; the port a number or a
 * service name of the protocol (/etc/services), as ipvsadm reads them.
 * Out: "addr:port", IPv6 in brackets; names unless the format is numeric.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lvsadm.h"

static const char *proto_db_name(__u16 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return NULL;
}

const char *proto_name(__u16 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "?";
}

const char *proto_lname(__u16 proto)
{
	const char *n = proto_db_name(proto);

	return n ? n : "unknown";
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int parse_port(const char *s, __u16 proto)
{
	const char *db = proto_db_name(proto);
	struct servent *se;
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s && !*end && !errno && n >= 0 && n <= 65535)
		return (int)n;
	if (!db)
		return -1;
	se = getservbyname(s, db);
	return se ? ntohs(se->s_port) : -1;
}

static bool host_v4(const char *s, struct in_addr *out)
{
	struct hostent *h;

	if (inet_aton(s, out))
		return true;
	h = gethostbyname(s);
	if (!h || h->h_addrtype != AF_INET || h->h_length != sizeof(*out))
		return false;
	memcpy(out, h->h_addr_list[0], sizeof(*out));
	return true;
}

/*
 * Fill out->af, addr and port from "host[:port]"; a v6 address also sets
 * the netmask to 128. Returns 0, or -1 if @arg is not an address.
 */
int parse_addr_port(const char *arg, __u16 protocol, struct lvs_svc *out, bool *has_port)
{
	char buf[256], *host = buf, *port = NULL, *p;
	int n;

	*has_port = false;
	if (strlen(arg) >= sizeof(buf) || all_digits(arg))
		return -1;
	snprintf(buf, sizeof(buf), "%s", arg);
	if (buf[0] == '[') {
		host++;
		p = strchr(host, ']');
		if (!p || (p[1] != ':' && p[1]))
			return -1;
		*p = '\0';
		if (p[1])
			port = p + 2;
	}
	memset(&out->addr, 0, sizeof(out->addr));
	if (inet_pton(AF_INET6, host, &out->addr.in6) > 0) {
		out->af = AF_INET6;
		out->netmask = 128;
	} else {
		p = strrchr(host, ':');
		if (p) {
			*p = '\0';
			port = p + 1;
		}
		if (!host_v4(host, &out->addr.in))
			return -1;
		out->af = AF_INET;
	}
	if (port) {
		n = parse_port(port, protocol);
		if (n < 0)
			return -1;
		out->port = htons(n);
		*has_port = true;
	}
	return 0;
}

char *format_addr(int af, const union lvs_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(af, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *format_addr_port(int af, const union lvs_addr *a, __u16 port, __u16 proto,
		       unsigned int format, char *buf, size_t len)
{
	const char *open = af == AF_INET6 ? "[" : "", *close = af == AF_INET6 ? "]" : "";
	char host[INET6_ADDRSTRLEN], pbuf[16];
	const char *hname = NULL, *pname = NULL, *db;
	struct hostent *h;
	struct servent *se;

	format_addr(af, a, host, sizeof(host));
	snprintf(pbuf, sizeof(pbuf), "%u", port);
	if (!(format & F_NUMERIC)) {
		h = gethostbyaddr(a, af == AF_INET6 ? 16 : 4, af);
		if (h)
			hname = h->h_name;
		db = proto_db_name(proto);
		se = db ? getservbyport(htons(port), db) : NULL;
		if (se)
			pname = se->s_name;
	}
	snprintf(buf, len, "%s%s%s:%s", open, hname ? hname : host, close,
		 pname ? pname : pbuf);
	return buf;
}
