// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: save (-S) and restore (-R).
 *
 * -S prints the table as the commands that rebuild it, one -A per service
 * followed by one -a per real server, in ipvsadm's words, so that either
 * tool restores the other's output. -R reads such commands from stdin, one
 * per line (blank lines and # comments skipped), and runs each as if given
 * on the command line, on the same netlink socket: it goes on past a
 * refused line, names the line on stderr, and fails at the end if any
 * line failed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lvsadm.h"

static const char *fwd_switch(__u32 fwd)
{
	switch (fwd & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
		return "-m";
	case LVS_CONN_F_TUNNEL:
		return "-i";
	case LVS_CONN_F_LOCALNODE:
	case LVS_CONN_F_DROUTE:
		return "-g";
	}
	return "(null)";
}

static void save_dest(const char *svc, const struct lvs_svc *s, const struct lvs_dest *d,
		      unsigned int format)
{
	static const char * const csum[] = { "--tun-nocsum", "--tun-csum", "--tun-remcsum" };
	const char *c = d->tun_flags < 3 ? csum[d->tun_flags] : "";
	char name[64];

	format_addr_port(d->af, &d->addr, ntohs(d->port), s->protocol, format, name, 60);
	printf("-a %s -r %s %s -w %d", svc, name, fwd_switch(d->fwd), d->weight);
	if ((d->fwd & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_TUNNEL) {
		if (d->tun_type == LVS_TUNNEL_GUE)
			printf(" --tun-type gue --tun-port %u %s", ntohs(d->tun_port), c);
		else if (d->tun_type == LVS_TUNNEL_GRE)
			printf(" --tun-type gre %s", c);
		else if (d->tun_type == LVS_TUNNEL_IPIP)
			printf(" --tun-type ipip");
	}
	printf("\n");
}

static void save_svc(const struct lvs_svc *s, unsigned int format)
{
	char svc[128], name[64], flags[64];
	struct in_addr mask;
	unsigned int i;

	if (s->fwmark) {
		snprintf(svc, sizeof(svc), "-f %u%s", s->fwmark, s->af == AF_INET6 ? " -6" : "");
	} else {
		format_addr_port(s->af, &s->addr, ntohs(s->port), s->protocol, format, name, 60);
		snprintf(svc, sizeof(svc), "%s %s",
			 s->protocol == IPPROTO_TCP ? "-t" :
			 s->protocol == IPPROTO_UDP ? "-u" :
			 s->protocol == IPPROTO_SCTP ? "--sctp-service" : "--xxx-service",
			 name);
	}
	printf("-A %s -s %s", svc, s->sched);
	if (s->flags & LVS_SVC_F_PERSISTENT) {
		printf(" -p %u", s->timeout);
		mask.s_addr = s->netmask;
		if (s->af == AF_INET && s->netmask != 0xffffffff)
			printf(" -M %s", inet_ntoa(mask));
		if (s->af == AF_INET6 && s->netmask != 128)
			printf(" -M %u", s->netmask);
	}
	if (s->pe[0])
		printf(" --pe %s", s->pe);
	if (s->flags & LVS_SVC_F_ONEPACKET)
		printf(" -o");
	if (s->flags & (LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_SCHED3)) {
		sched_flags_str(s, flags, sizeof(flags));
		printf(" -b %s", flags);
	}
	printf("\n");
	for (i = 0; i < s->ndests; i++)
		save_dest(svc, s, &s->dests[i], format);
}

void save_rules(const struct lvs_table *t, unsigned int format)
{
	unsigned int i;

	for (i = 0; i < t->nsvcs; i++)
		save_svc(&t->svcs[i], format);
}

#define MAX_ARGS 64

/* Split @line into words; "double" or 'single' quotes group. */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line, *out;
	char q;

	argv[argc++] = (char *)prog;
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (argc == MAX_ARGS - 1)
			return -1;
		argv[argc++] = p;
		out = p;
		q = 0;
		for (; *p && (q || !isspace((unsigned char)*p)); p++) {
			if (!q && (*p == '"' || *p == '\''))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else
				*out++ = *p;
		}
		if (*p)
			p++;
		*out = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

int restore_rules(FILE *in)
{
	char line[4096], where[64], *argv[MAX_ARGS];
	unsigned int lineno = 0;
	struct request req;
	int argc, failed = 0;

	while (fgets(line, sizeof(line), in)) {
		lineno++;
		snprintf(where, sizeof(where), "line %u: ", lineno);
		restore_where = where;
		argc = split(line, argv);
		if (argc < 0)
			die_usage("too many words on one line (at most %d)", MAX_ARGS - 2);
		if (argc < 2)
			continue;
		parse_request(argc, argv, &req);
		if (req.verb == V_RESTORE)
			die_usage("-R/--restore cannot be given inside a restore");
		if (run_request(&req))
			failed = 1;
	}
	restore_where = "";
	return failed ? EXIT_KERNEL : 0;
}
