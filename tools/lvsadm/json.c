// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: the listings as JSON (--json).
 *
 * One document per run, on stdout. Numbers are exact, addresses numeric,
 * every service carries its counters, rates and real servers whatever
 * columns the text listing would show; names are lower-case words
 * ("tcp", "masq", "gue"). A small emitter keeps the commas: jopen() and
 * jclose() an object or array, jkey() before each member, jsep() before
 * each value.
 */
#include <string.h>
#include <arpa/inet.h>

#include "lvsadm.h"

static bool first[32];
static int depth;

static void jsep(void)
{
	if (!first[depth])
		putchar(',');
	first[depth] = false;
}

static void jopen(char c)
{
	putchar(c);
	first[++depth] = true;
}

static void jclose(char c)
{
	depth--;
	putchar(c);
}

static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void jkey(const char *k)
{
	jsep();
	jstr(k);
	putchar(':');
	first[depth] = false;
}

static void jkey_str(const char *k, const char *v)
{
	jkey(k);
	jstr(v);
}

static void jkey_num(const char *k, unsigned long long v)
{
	jkey(k);
	printf("%llu", v);
}

static void jkey_bool(const char *k, bool v)
{
	jkey(k);
	printf(v ? "true" : "false");
}

static void jkey_addr(const char *k, int af, const union lvs_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	jkey_str(k, format_addr(af, a, buf, sizeof(buf)));
}

static const char *af_name(int af)
{
	return af == AF_INET6 ? "inet6" : "inet";
}

static void json_stats(const struct lvs_stats *s)
{
	jkey("stats");
	jopen('{');
	jkey_num("conns", s->conns);
	jkey_num("inpkts", s->inpkts);
	jkey_num("outpkts", s->outpkts);
	jkey_num("inbytes", s->inbytes);
	jkey_num("outbytes", s->outbytes);
	jclose('}');
	jkey("rates");
	jopen('{');
	jkey_num("cps", s->cps);
	jkey_num("inpps", s->inpps);
	jkey_num("outpps", s->outpps);
	jkey_num("inbps", s->inbps);
	jkey_num("outbps", s->outbps);
	jclose('}');
}

static void json_dest(const struct lvs_dest *d)
{
	static const char * const csum[] = { "nocsum", "csum", "remcsum" };
	char fwd[16];
	unsigned int i;

	jsep();
	jopen('{');
	jkey_str("family", af_name(d->af));
	jkey_addr("address", d->af, &d->addr);
	jkey_num("port", ntohs(d->port));
	snprintf(fwd, sizeof(fwd), "%s", fwd_name(d->fwd));
	for (i = 0; fwd[i]; i++)
		fwd[i] = (char)((fwd[i] >= 'A' && fwd[i] <= 'Z') ? fwd[i] + 32 : fwd[i]);
	jkey_str("forward", fwd);
	jkey_num("weight", d->weight);
	jkey_num("u_threshold", d->u_thresh);
	jkey_num("l_threshold", d->l_thresh);
	jkey_num("active_conns", d->active);
	jkey_num("inactive_conns", d->inactive);
	jkey_num("persistent_conns", d->persist);
	if ((d->fwd & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_TUNNEL) {
		jkey("tunnel");
		jopen('{');
		jkey_str("type", tun_type_name(d->tun_type));
		if (d->tun_type == LVS_TUNNEL_GUE)
			jkey_num("port", ntohs(d->tun_port));
		if (d->tun_type != LVS_TUNNEL_IPIP)
			jkey_str("checksum", d->tun_flags < 3 ? csum[d->tun_flags] : "unknown");
		jclose('}');
	}
	json_stats(&d->stats);
	jclose('}');
}

static void json_svc(const struct lvs_svc *s)
{
	char flags[64], mask[INET_ADDRSTRLEN], *tok, *save;
	struct in_addr m;
	unsigned int i;

	jsep();
	jopen('{');
	jkey_str("family", af_name(s->af));
	if (s->fwmark) {
		jkey_num("fwmark", s->fwmark);
	} else {
		jkey_str("protocol", proto_lname(s->protocol));
		jkey_addr("address", s->af, &s->addr);
		jkey_num("port", ntohs(s->port));
	}
	jkey_str("scheduler", s->sched);
	sched_flags_str(s, flags, sizeof(flags));
	jkey("sched_flags");
	jopen('[');
	for (tok = strtok_r(flags, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		jsep();
		jstr(tok);
	}
	jclose(']');
	jkey_bool("persistent", s->flags & LVS_SVC_F_PERSISTENT);
	if (s->flags & LVS_SVC_F_PERSISTENT) {
		jkey_num("timeout", s->timeout);
		if (s->af == AF_INET6) {
			jkey_num("netmask", s->netmask);
		} else {
			m.s_addr = s->netmask;
			inet_ntop(AF_INET, &m, mask, sizeof(mask));
			jkey_str("netmask", mask);
		}
	}
	if (s->pe[0])
		jkey_str("pe", s->pe);
	jkey_bool("ops", s->flags & LVS_SVC_F_ONEPACKET);
	json_stats(&s->stats);
	jkey("dests");
	jopen('[');
	for (i = 0; i < s->ndests; i++)
		json_dest(&s->dests[i]);
	jclose(']');
	jclose('}');
}

void list_json(const struct lvs_table *t)
{
	char ver[16];
	unsigned int i;

	snprintf(ver, sizeof(ver), "%u.%u.%u", (t->version >> 16) & 0xff,
		 (t->version >> 8) & 0xff, t->version & 0xff);
	jopen('{');
	jkey_str("version", ver);
	jkey_num("conn_table_size", t->conn_tab_size);
	jkey("services");
	jopen('[');
	for (i = 0; i < t->nsvcs; i++)
		json_svc(&t->svcs[i]);
	jclose(']');
	jclose('}');
	putchar('\n');
}

void list_timeouts_json(const struct lvs_timeouts *t)
{
	jopen('{');
	jkey_num("tcp", t->tcp);
	jkey_num("tcp_fin", t->tcp_fin);
	jkey_num("udp", t->udp);
	jclose('}');
	putchar('\n');
}

void list_daemons_json(const struct lvs_daemon *dm, unsigned int n)
{
	unsigned int i;

	jopen('{');
	jkey("daemons");
	jopen('[');
	for (i = 0; i < n; i++) {
		if (!(dm[i].state & (LVS_DAEMON_MASTER | LVS_DAEMON_BACKUP)))
			continue;
		jsep();
		jopen('{');
		jkey_str("state", dm[i].state & LVS_DAEMON_MASTER ? "master" : "backup");
		jkey_str("mcast_interface", dm[i].ifn);
		jkey_num("syncid", dm[i].syncid);
		if (dm[i].maxlen)
			jkey_num("sync_maxlen", dm[i].maxlen);
		if (dm[i].mcast_af)
			jkey_addr("mcast_group", dm[i].mcast_af, &dm[i].group);
		if (dm[i].mcast_port)
			jkey_num("mcast_port", dm[i].mcast_port);
		if (dm[i].mcast_ttl)
			jkey_num("mcast_ttl", dm[i].mcast_ttl);
		jclose('}');
	}
	jclose(']');
	jclose('}');
	putchar('\n');
}

void json_conns_begin(void)
{
	jopen('{');
	jkey("connections");
	jopen('[');
}

static void json_endpoint(const char *k, int af, const union lvs_addr *a, __u16 port)
{
	jkey(k);
	jopen('{');
	jkey_addr("address", af, a);
	jkey_num("port", port);
	jclose('}');
}

void json_conn(const struct conn_entry *c)
{
	char proto[8];
	unsigned int i;

	for (i = 0; c->proto[i] && i < sizeof(proto) - 1; i++)
		proto[i] = (char)((c->proto[i] >= 'A' && c->proto[i] <= 'Z') ?
				  c->proto[i] + 32 : c->proto[i]);
	proto[i] = '\0';
	jsep();
	jopen('{');
	jkey_str("protocol", proto);
	json_endpoint("client", c->af, &c->caddr, c->cport);
	json_endpoint("virtual", c->af, &c->vaddr, c->vport);
	json_endpoint("destination", c->daf, &c->daddr, c->dport);
	jkey_str("state", c->state);
	jkey_num("expires", c->expires);
	if (c->has_pe) {
		jkey_str("pe_name", c->pe_name);
		jkey_str("pe_data", c->pe_data);
	}
	jclose('}');
}

void json_conns_end(void)
{
	jclose(']');
	jclose('}');
	putchar('\n');
}
