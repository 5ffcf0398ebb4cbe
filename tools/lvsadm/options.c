// SPDX-License-Identifier: GPL-2.0
/*
 * lvsadm: the command line, table-driven.
 *
 * options[] lists every option ipvsadm 1.31 knows (and --json): its long
 * and short name, whether it takes a value, what that value may be, and
 * what it is (a verb or an option). verbs[] says, per verb, which options
 * it needs, which it accepts, and which exclude each other. parse_request()
 * reads argv with those two tables (short options may be clustered, as in
 * -Ln; values follow as the next word, attached, or after '='), fills a
 * struct request, then checks it as ipvsadm does. Every mistake ends the
 * run with one line on stderr that names the option or value at fault and
 * what would be accepted, and exit status 2.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lvsadm.h"

const char *prog = "lvsadm";
const char *restore_where = "";

enum kind { K_VERB, K_OPT, K_IPV6, K_SORT };
enum arg { A_NONE, A_REQ, A_OPT };

struct option_def {
	const char *lname;
	char sname;
	enum arg arg;
	enum kind kind;
	int id;			/* enum verb or enum opt_id */
	const char *meta;	/* the value, for help and errors */
	const char *help;
};

static const struct option_def options[] = {
	{ "add-service", 'A', A_NONE, K_VERB, V_ADD_SVC, NULL, "add a virtual service" },
	{ "edit-service", 'E', A_NONE, K_VERB, V_EDIT_SVC, NULL, "edit a virtual service" },
	{ "delete-service", 'D', A_NONE, K_VERB, V_DEL_SVC, NULL, "delete a virtual service" },
	{ "clear", 'C', A_NONE, K_VERB, V_FLUSH, NULL, "delete every virtual service" },
	{ "restore", 'R', A_NONE, K_VERB, V_RESTORE, NULL, "run the rules read from stdin" },
	{ "save", 'S', A_NONE, K_VERB, V_SAVE, NULL, "print the table as rules" },
	{ "add-server", 'a', A_NONE, K_VERB, V_ADD_DEST, NULL, "add a real server" },
	{ "edit-server", 'e', A_NONE, K_VERB, V_EDIT_DEST, NULL, "edit a real server" },
	{ "delete-server", 'd', A_NONE, K_VERB, V_DEL_DEST, NULL, "delete a real server" },
	{ "list", 'L', A_NONE, K_VERB, V_LIST, NULL, "list the table" },
	{ "list", 'l', A_NONE, K_VERB, V_LIST, NULL, NULL },
	{ "zero", 'Z', A_NONE, K_VERB, V_ZERO, NULL, "zero the counters (of one service)" },
	{ "set", 0, A_NONE, K_VERB, V_SET, NULL,
	  "set the tcp, tcpfin and udp timeouts: --set TCP TCPFIN UDP" },
	{ "start-daemon", 0, A_REQ, K_VERB, V_START_DAEMON, "master|backup",
	  "start a connection sync daemon" },
	{ "stop-daemon", 0, A_REQ, K_VERB, V_STOP_DAEMON, "master|backup",
	  "stop a connection sync daemon" },
	{ "help", 'h', A_NONE, K_VERB, V_HELP, NULL, "show this help" },
	{ "version", 'v', A_NONE, K_VERB, V_VERSION, NULL, "show the version" },

	{ "tcp-service", 't', A_REQ, K_OPT, O_SERVICE, "host[:port]", "a TCP virtual service" },
	{ "udp-service", 'u', A_REQ, K_OPT, O_SERVICE, "host[:port]", "a UDP virtual service" },
	{ "sctp-service", 0, A_REQ, K_OPT, O_SERVICE, "host[:port]", "an SCTP virtual service" },
	{ "fwmark-service", 'f', A_REQ, K_OPT, O_SERVICE, "an integer 1..4294967295",
	  "a firewall-mark virtual service" },
	{ "ipv6", '6', A_NONE, K_IPV6, 0, NULL, "the fwmark service is IPv6" },
	{ "scheduler", 's', A_REQ, K_OPT, O_SCHED, "a scheduler name (rr, wrr, lc, wlc, ...)",
	  "scheduler (default wlc)" },
	{ "pe", 0, A_REQ, K_OPT, O_PE, "a persistence engine name (sip)",
	  "persistence engine" },
	{ "persistent", 'p', A_OPT, K_OPT, O_PERSIST, "seconds 1..2678400 (default 360)",
	  "persistent service, with timeout" },
	{ "netmask", 'M', A_REQ, K_OPT, O_NETMASK,
	  "an IPv4 netmask (a.b.c.d) or an IPv6 prefix length 1..128",
	  "persistence granularity" },
	{ "sched-flags", 'b', A_REQ, K_OPT, O_SCHED_FLAGS,
	  "a comma-separated list of flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port",
	  "scheduler flags" },
	{ "ops", 'o', A_NONE, K_OPT, O_OPS, NULL, "one-packet scheduling (UDP)" },
	{ "real-server", 'r', A_REQ, K_OPT, O_SERVER, "host[:port]", "the real server" },
	{ "gatewaying", 'g', A_NONE, K_OPT, O_FWD, NULL, "direct routing (default)" },
	{ "ipip", 'i', A_NONE, K_OPT, O_FWD, NULL, "tunnelling" },
	{ "masquerading", 'm', A_NONE, K_OPT, O_FWD, NULL, "NAT" },
	{ "tun-type", 0, A_REQ, K_OPT, O_TUN_TYPE, "ipip, gue or gre", "tunnel type" },
	{ "tun-port", 0, A_REQ, K_OPT, O_TUN_PORT, "a port 1..65535", "tunnel port (gue)" },
	{ "tun-nocsum", 0, A_NONE, K_OPT, O_TUN_NOCSUM, NULL, "tunnel without checksum" },
	{ "tun-csum", 0, A_NONE, K_OPT, O_TUN_CSUM, NULL, "tunnel with checksum" },
	{ "tun-remcsum", 0, A_NONE, K_OPT, O_TUN_REMCSUM, NULL,
	  "tunnel with remote checksum (gue)" },
	{ "weight", 'w', A_REQ, K_OPT, O_WEIGHT, "an integer 0..65535", "weight (default 1)" },
	{ "u-threshold", 'x', A_REQ, K_OPT, O_UTHRESH, "an integer 0..2147483647",
	  "upper connection threshold" },
	{ "l-threshold", 'y', A_REQ, K_OPT, O_LTHRESH, "an integer 0..2147483647",
	  "lower connection threshold" },
	{ "numeric", 'n', A_NONE, K_OPT, O_NUMERIC, NULL, "numeric addresses and ports" },
	{ "connection", 'c', A_NONE, K_OPT, O_CONN, NULL, "list the connections" },
	{ "timeout", 0, A_NONE, K_OPT, O_TIMEOUT, NULL, "list the timeouts" },
	{ "daemon", 0, A_NONE, K_OPT, O_DAEMON, NULL, "list the sync daemons" },
	{ "stats", 0, A_NONE, K_OPT, O_STATS, NULL, "list the counters" },
	{ "rate", 0, A_NONE, K_OPT, O_RATE, NULL, "list the rates" },
	{ "thresholds", 0, A_NONE, K_OPT, O_THRESHOLDS, NULL, "list the thresholds" },
	{ "persistent-conn", 0, A_NONE, K_OPT, O_PCONN, NULL,
	  "list persistent connections" },
	{ "tun-info", 0, A_NONE, K_OPT, O_TUN_INFO, NULL, "list tunnel settings" },
	{ "exact", 'X', A_NONE, K_OPT, O_EXACT, NULL, "exact counters, unscaled" },
	{ "nosort", 0, A_NONE, K_OPT, O_NOSORT, NULL, "list in the kernel's order" },
	{ "sort", 0, A_NONE, K_SORT, 0, NULL, "sorted listing (the default)" },
	{ "json", 0, A_NONE, K_OPT, O_JSON, NULL, "list as JSON" },
	{ "mcast-interface", 0, A_REQ, K_OPT, O_MCAST_IFN, "an interface name",
	  "sync interface (default eth0)" },
	{ "syncid", 0, A_REQ, K_OPT, O_SYNCID, "an integer 0..255", "sync id" },
	{ "sync-maxlen", 0, A_REQ, K_OPT, O_SYNC_MAXLEN, "an integer 1..65507",
	  "sync message size" },
	{ "mcast-group", 0, A_REQ, K_OPT, O_MCAST_GROUP,
	  "an IPv4 or IPv6 multicast address", "sync group (default 224.0.0.81)" },
	{ "mcast-port", 0, A_REQ, K_OPT, O_MCAST_PORT, "a port 1..65535",
	  "sync port (default 8848)" },
	{ "mcast-ttl", 0, A_REQ, K_OPT, O_MCAST_TTL, "an integer 1..255", "sync TTL (default 1)" },
};

#define N_OPTIONS ARRAY_SIZE(options)

struct verb_rule {
	unsigned long long need, may, one;	/* "one": at most one of these */
};

#define SVC_MAY (OPT(O_SCHED) | OPT(O_PERSIST) | OPT(O_NETMASK) | OPT(O_OPS) | \
		 OPT(O_PE) | OPT(O_SCHED_FLAGS))
#define DEST_MAY (OPT(O_FWD) | OPT(O_WEIGHT) | OPT(O_UTHRESH) | OPT(O_LTHRESH) | \
		  OPT(O_TUN_TYPE) | OPT(O_TUN_PORT) | OPT(O_TUN_NOCSUM) | \
		  OPT(O_TUN_CSUM) | OPT(O_TUN_REMCSUM))
#define LIST_ONE (OPT(O_CONN) | OPT(O_SERVICE) | OPT(O_TIMEOUT) | OPT(O_DAEMON))
#define LIST_MAY (LIST_ONE | OPT(O_NUMERIC) | OPT(O_STATS) | OPT(O_RATE) | \
		  OPT(O_THRESHOLDS) | OPT(O_PCONN) | OPT(O_NOSORT) | OPT(O_SYNCID) | \
		  OPT(O_EXACT) | OPT(O_TUN_INFO) | OPT(O_JSON))
#define DAEMON_MAY (OPT(O_MCAST_IFN) | OPT(O_SYNCID) | OPT(O_MCAST_GROUP) | \
		    OPT(O_MCAST_PORT) | OPT(O_MCAST_TTL) | OPT(O_SYNC_MAXLEN))

static const struct verb_rule rules[V_COUNT] = {
	[V_ADD_SVC] = { OPT(O_SERVICE), SVC_MAY, 0 },
	[V_EDIT_SVC] = { OPT(O_SERVICE), SVC_MAY, 0 },
	[V_DEL_SVC] = { OPT(O_SERVICE), 0, 0 },
	[V_LIST] = { 0, LIST_MAY, LIST_ONE },
	[V_ADD_DEST] = { OPT(O_SERVICE) | OPT(O_SERVER), DEST_MAY, 0 },
	[V_EDIT_DEST] = { OPT(O_SERVICE) | OPT(O_SERVER), DEST_MAY, 0 },
	[V_DEL_DEST] = { OPT(O_SERVICE) | OPT(O_SERVER), 0, 0 },
	[V_START_DAEMON] = { 0, DAEMON_MAY, 0 },
	[V_STOP_DAEMON] = { 0, OPT(O_SYNCID), 0 },
	[V_SAVE] = { 0, OPT(O_NUMERIC), 0 },
	[V_ZERO] = { 0, OPT(O_SERVICE), 0 },
};

void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s", prog, restore_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

/* "-s/--scheduler", "--pe": an option as the user may have typed it. */
static const char *opt_label(const struct option_def *o)
{
	static char buf[4][48];
	static unsigned int n;
	char *b = buf[n++ % 4];

	if (o->sname)
		snprintf(b, sizeof(buf[0]), "-%c/--%s", o->sname, o->lname);
	else
		snprintf(b, sizeof(buf[0]), "--%s", o->lname);
	return b;
}

static const struct option_def *find_opt(enum kind kind, int id)
{
	unsigned int i;

	for (i = 0; i < N_OPTIONS; i++)
		if (options[i].kind == kind && options[i].id == id)
			return &options[i];
	return NULL;
}

const char *verb_name(enum verb v)
{
	const struct option_def *o = find_opt(K_VERB, v);

	return o ? opt_label(o) : "?";
}

static const char *opt_name(enum opt_id id)
{
	if (id == O_SERVICE)
		return "a virtual service (-t, -u, --sctp-service or -f)";
	if (id == O_FWD)
		return "-g, -i or -m";
	return opt_label(find_opt(K_OPT, id));
}

static noreturn void bad_value(const struct option_def *o, const char *v)
{
	die_usage("invalid value '%s' for %s: expected %s", v, opt_label(o), o->meta);
}

static long number(const struct option_def *o, const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (!*s || *end || errno || n < min || n > max)
		bad_value(o, s);
	return n;
}

/* What parse_request collects before it can interpret it. */
struct pending {
	const struct option_def *svc_opt, *dest_opt, *mask_opt, *flags_opt;
	const char *svc_arg, *dest_arg;
	const char *pos[8];
	unsigned int npos;
};

static void set_verb(struct request *req, const struct option_def *o, const char *val)
{
	if (req->verb != V_NONE)
		die_usage("two commands given, %s and %s: give one per run (or use -R)",
			  verb_name(req->verb), opt_label(o));
	req->verb = o->id;
	if (o->id != V_START_DAEMON && o->id != V_STOP_DAEMON)
		return;
	if (!strcmp(val, "master"))
		req->daemon.state = LVS_DAEMON_MASTER;
	else if (!strcmp(val, "backup"))
		req->daemon.state = LVS_DAEMON_BACKUP;
	else
		bad_value(o, val);
}

static void set_mcast_group(const struct option_def *o, const char *v, struct lvs_daemon *dm)
{
	if (strchr(v, ':')) {
		if (inet_pton(AF_INET6, v, &dm->group.in6) <= 0 ||
		    !IN6_IS_ADDR_MULTICAST(&dm->group.in6))
			bad_value(o, v);
		dm->mcast_af = AF_INET6;
	} else {
		if (inet_pton(AF_INET, v, &dm->group.in) <= 0 ||
		    !IN_MULTICAST(ntohl(dm->group.in.s_addr)))
			bad_value(o, v);
		dm->mcast_af = AF_INET;
	}
}

static void set_tun_type(const struct option_def *o, const char *v, struct lvs_dest *d)
{
	if (!strcmp(v, "ipip"))
		d->tun_type = LVS_TUNNEL_IPIP;
	else if (!strcmp(v, "gue"))
		d->tun_type = LVS_TUNNEL_GUE;
	else if (!strcmp(v, "gre"))
		d->tun_type = LVS_TUNNEL_GRE;
	else
		bad_value(o, v);
}

/* One option with its value (NULL if none) into @req. */
static void take(struct request *req, struct pending *p, const struct option_def *o,
		 const char *v)
{
	if (o->kind == K_VERB) {
		set_verb(req, o, v);
		return;
	}
	if (o->kind == K_IPV6) {
		req->ipv6 = true;
		return;
	}
	if (o->kind == K_SORT)
		return;
	if (req->opts & OPT(o->id))
		die_usage("%s given twice", o->id == O_SERVICE || o->id == O_FWD ?
			  opt_name(o->id) : opt_label(o));
	req->opts |= OPT(o->id);

	switch (o->id) {
	case O_SERVICE:
		p->svc_opt = o;
		p->svc_arg = v;
		break;
	case O_SERVER:
		p->dest_opt = o;
		p->dest_arg = v;
		break;
	case O_SCHED:
		if (strlen(v) >= LVS_SCHED_NAME_MAXLEN)
			bad_value(o, v);
		snprintf(req->svc.sched, sizeof(req->svc.sched), "%s", v);
		break;
	case O_PE:
		if (strlen(v) >= LVS_PE_NAME_MAXLEN)
			bad_value(o, v);
		snprintf(req->svc.pe, sizeof(req->svc.pe), "%s", v);
		break;
	case O_PERSIST:
		req->svc.flags |= LVS_SVC_F_PERSISTENT;
		req->svc.timeout = v ? number(o, v, 1, MAX_TIMEOUT) : DEFAULT_PERSIST;
		break;
	case O_NETMASK:
		p->mask_opt = o;
		req->netmask_arg = v;
		break;
	case O_SCHED_FLAGS:
		p->flags_opt = o;
		req->sched_flags_arg = v;
		break;
	case O_OPS:
		req->svc.flags |= LVS_SVC_F_ONEPACKET;
		break;
	case O_FWD:
		req->dest.fwd = o->sname == 'm' ? LVS_CONN_F_MASQ :
				o->sname == 'i' ? LVS_CONN_F_TUNNEL : LVS_CONN_F_DROUTE;
		break;
	case O_WEIGHT:
		req->dest.weight = number(o, v, 0, 65535);
		break;
	case O_UTHRESH:
		req->dest.u_thresh = number(o, v, 0, INT_MAX);
		break;
	case O_LTHRESH:
		req->dest.l_thresh = number(o, v, 0, INT_MAX);
		break;
	case O_TUN_TYPE:
		set_tun_type(o, v, &req->dest);
		break;
	case O_TUN_PORT:
		req->dest.tun_port = htons(number(o, v, 1, 65535));
		break;
	case O_TUN_NOCSUM:
		req->dest.tun_flags |= LVS_TUNNEL_F_NOCSUM;
		break;
	case O_TUN_CSUM:
		req->dest.tun_flags |= LVS_TUNNEL_F_CSUM;
		break;
	case O_TUN_REMCSUM:
		req->dest.tun_flags |= LVS_TUNNEL_F_REMCSUM;
		break;
	case O_MCAST_IFN:
		if (strlen(v) >= LVS_IFNAME_MAXLEN)
			bad_value(o, v);
		snprintf(req->daemon.ifn, sizeof(req->daemon.ifn), "%s", v);
		break;
	case O_SYNCID:
		req->daemon.syncid = number(o, v, 0, 255);
		break;
	case O_SYNC_MAXLEN:
		req->daemon.maxlen = number(o, v, 1, 65535 - 20 - 8);
		break;
	case O_MCAST_GROUP:
		set_mcast_group(o, v, &req->daemon);
		break;
	case O_MCAST_PORT:
		req->daemon.mcast_port = number(o, v, 1, 65535);
		break;
	case O_MCAST_TTL:
		req->daemon.mcast_ttl = number(o, v, 1, 255);
		break;
	case O_NUMERIC:
		req->format |= F_NUMERIC;
		break;
	case O_STATS:
		req->format |= F_STATS;
		break;
	case O_RATE:
		req->format |= F_RATE;
		break;
	case O_THRESHOLDS:
		req->format |= F_THRESHOLDS;
		break;
	case O_PCONN:
		req->format |= F_PCONN;
		break;
	case O_NOSORT:
		req->format |= F_NOSORT;
		break;
	case O_EXACT:
		req->format |= F_EXACT;
		break;
	case O_TUN_INFO:
		req->format |= F_TUN_INFO;
		break;
	case O_JSON:
		req->format |= F_JSON;
		break;
	default:
		break;
	}
}

static const struct option_def *lookup_long(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < N_OPTIONS; i++)
		if (strlen(options[i].lname) == len && !strncmp(options[i].lname, name, len))
			return &options[i];
	return NULL;
}

static const struct option_def *lookup_short(char c)
{
	unsigned int i;

	for (i = 0; i < N_OPTIONS; i++)
		if (options[i].sname == c)
			return &options[i];
	return NULL;
}

static noreturn void missing_value(const struct option_def *o)
{
	die_usage("%s needs a value: %s", opt_label(o), o->meta);
}

/* Walk argv: options into @req, other words into p->pos. */
static void scan(int argc, char **argv, struct request *req, struct pending *p)
{
	const struct option_def *o;
	const char *a, *eq, *v;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				if (p->npos < 8)
					p->pos[p->npos++] = argv[i];
			break;
		}
		if (a[0] != '-' || !a[1]) {
			if (p->npos < 8)
				p->pos[p->npos++] = a;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			o = lookup_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (!o)
				die_usage("unknown option '%s' (lvsadm -h lists them)", a);
			v = eq ? eq + 1 : NULL;
			if (o->arg == A_NONE && v)
				die_usage("%s takes no value, got '%s'", opt_label(o), v);
			if (o->arg == A_REQ && !v) {
				if (i + 1 >= argc)
					missing_value(o);
				v = argv[++i];
			}
			if (o->arg == A_OPT && !v && i + 1 < argc && argv[i + 1][0] != '-')
				v = argv[++i];
			take(req, p, o, v);
			continue;
		}
		for (a++; *a; a++) {
			o = lookup_short(*a);
			if (!o)
				die_usage("unknown option '-%c' in '%s' (lvsadm -h lists them)",
					  *a, argv[i]);
			v = NULL;
			if (o->arg != A_NONE && a[1]) {
				v = a + 1;
			} else if (o->arg == A_REQ) {
				if (i + 1 >= argc)
					missing_value(o);
				v = argv[++i];
			} else if (o->arg == A_OPT && i + 1 < argc && argv[i + 1][0] != '-') {
				v = argv[++i];
			}
			take(req, p, o, v);
			if (v && v == a + 1)
				break;
		}
	}
}

static void list_may(unsigned long long may, char *buf, size_t len)
{
	unsigned int id, n = 0;

	buf[0] = '\0';
	for (id = 0; id < O_COUNT; id++) {
		if (!(may & OPT(id)))
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", opt_name(id));
	}
	if (!buf[0])
		snprintf(buf, len, "no options");
}

static void check_verb(const struct request *req)
{
	const struct verb_rule *r = &rules[req->verb];
	unsigned long long both;
	unsigned int id;
	char may[1024];

	for (id = 0; id < O_COUNT; id++) {
		if ((r->need & OPT(id)) && !(req->opts & OPT(id)))
			die_usage("%s needs %s", verb_name(req->verb), opt_name(id));
		if ((req->opts & OPT(id)) && !((r->need | r->may) & OPT(id))) {
			list_may(r->need | r->may, may, sizeof(may));
			die_usage("%s does not apply to %s, which takes: %s", opt_name(id),
				  verb_name(req->verb), may);
		}
	}
	both = req->opts & r->one;
	if (both & (both - 1)) {
		id = __builtin_ctzll(both);
		both &= both - 1;
		die_usage("%s and %s exclude each other in %s", opt_name(id),
			  opt_name(__builtin_ctzll(both)), verb_name(req->verb));
	}
}

static void parse_service_arg(struct request *req, struct pending *p)
{
	const struct option_def *o = p->svc_opt;
	bool has_port;

	if (!o)
		return;
	if (o->sname == 'f') {
		req->svc.fwmark = number(o, p->svc_arg, 1, UINT_MAX);
		req->svc.af = AF_INET;
		req->svc.protocol = IPPROTO_TCP;
		return;
	}
	req->svc.protocol = o->sname == 't' ? IPPROTO_TCP :
			    o->sname == 'u' ? IPPROTO_UDP : IPPROTO_SCTP;
	if (parse_addr_port(p->svc_arg, req->svc.protocol, &req->svc, &has_port))
		bad_value(o, p->svc_arg);
}

static void parse_dest_arg(struct request *req, struct pending *p)
{
	struct lvs_svc tmp = req->svc;
	bool has_port;

	if (!p->dest_opt)
		return;
	if (parse_addr_port(p->dest_arg, req->svc.protocol, &tmp, &has_port))
		bad_value(p->dest_opt, p->dest_arg);
	req->dest.af = tmp.af;
	req->dest.addr = tmp.addr;
	req->dest.port = has_port ? tmp.port : req->svc.port;
}

static void parse_netmask(struct request *req, struct pending *p)
{
	const char *v = req->netmask_arg;
	struct in_addr m;

	if (!v)
		return;
	if (req->svc.af == AF_INET6) {
		req->svc.netmask = number(p->mask_opt, v, 1, 128);
		return;
	}
	if (!inet_aton(v, &m))
		bad_value(p->mask_opt, v);
	req->svc.netmask = m.s_addr;
}

static void parse_sched_flags(struct request *req, struct pending *p)
{
	static const struct {
		const char *name, *sched;
		__u32 bit;
	} flags[] = {
		{ "flag-1", NULL, LVS_SVC_F_SCHED1 },
		{ "flag-2", NULL, LVS_SVC_F_SCHED2 },
		{ "flag-3", NULL, LVS_SVC_F_SCHED3 },
		{ "sh-fallback", "sh", LVS_SVC_F_SH_FALLBACK },
		{ "sh-port", "sh", LVS_SVC_F_SH_PORT },
		{ "mh-fallback", "mh", LVS_SVC_F_MH_FALLBACK },
		{ "mh-port", "mh", LVS_SVC_F_MH_PORT },
	};
	const char *sched = req->svc.sched[0] ? req->svc.sched : DEFAULT_SCHED;
	char buf[256], *tok, *save;
	unsigned int i;

	if (!req->sched_flags_arg)
		return;
	snprintf(buf, sizeof(buf), "%s", req->sched_flags_arg);
	req->svc.flags &= ~(LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_SCHED3);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(flags); i++)
			if (!strcmp(tok, flags[i].name))
				break;
		if (i == ARRAY_SIZE(flags))
			die_usage("invalid scheduler flag '%s' in %s: expected %s", tok,
				  opt_label(p->flags_opt), p->flags_opt->meta);
		if (flags[i].sched && strcmp(flags[i].sched, sched))
			die_usage("scheduler flag '%s' is for the %s scheduler, not %s",
				  tok, flags[i].sched, sched);
		req->svc.flags |= flags[i].bit;
	}
}

/* The tunnel options each tunnel type takes, as ipvsadm checks them. */
static void check_tunnel(const struct request *req)
{
	const unsigned long long csum = OPT(O_TUN_NOCSUM) | OPT(O_TUN_CSUM) |
					OPT(O_TUN_REMCSUM);
	const unsigned long long tun = csum | OPT(O_TUN_TYPE) | OPT(O_TUN_PORT);
	unsigned long long o = req->opts, c = o & csum;
	const char *type = tun_type_name(req->dest.tun_type);

	if ((o & tun) && req->dest.fwd != LVS_CONN_F_TUNNEL)
		die_usage("tunnel options (--tun-*) need tunnelling (-i/--ipip)");
	if (req->dest.tun_type == LVS_TUNNEL_IPIP && (o & (csum | OPT(O_TUN_PORT))))
		die_usage("the ipip tunnel type takes no --tun-port or checksum option");
	if (req->dest.tun_type == LVS_TUNNEL_GUE && !(o & OPT(O_TUN_PORT)))
		die_usage("the gue tunnel type needs --tun-port");
	if (req->dest.tun_type == LVS_TUNNEL_GRE && (o & OPT(O_TUN_PORT)))
		die_usage("the gre tunnel type takes no --tun-port");
	if (req->dest.tun_type == LVS_TUNNEL_GRE && (o & OPT(O_TUN_REMCSUM)))
		die_usage("%s",
			  "the gre tunnel type takes --tun-nocsum or --tun-csum, not --tun-remcsum");
	if (c & (c - 1))
		die_usage("--tun-nocsum, --tun-csum and --tun-remcsum exclude each other (%s)",
			  type);
}

static void check_request(struct request *req)
{
	const unsigned long long big = OPT(O_STATS) | OPT(O_RATE) | OPT(O_THRESHOLDS);
	unsigned long long o = req->opts;

	switch (req->verb) {
	case V_ADD_SVC:
	case V_EDIT_SVC:
		if (!req->svc.fwmark && !req->svc.port &&
		    !(req->svc.flags & LVS_SVC_F_PERSISTENT))
			die_usage("port 0 in %s is only allowed for a persistent service (-p)",
				  opt_label(find_opt(K_OPT, O_SERVICE)));
		if ((req->svc.flags & LVS_SVC_F_ONEPACKET) && !req->svc.fwmark &&
		    req->svc.protocol != IPPROTO_UDP)
			die_usage("-o/--ops is only for UDP and fwmark services");
		if (!req->svc.sched[0])
			snprintf(req->svc.sched, sizeof(req->svc.sched), "%s", DEFAULT_SCHED);
		break;
	case V_ADD_DEST:
	case V_EDIT_DEST:
		if (!req->svc.fwmark && (req->dest.fwd == LVS_CONN_F_TUNNEL ||
					 req->dest.fwd == LVS_CONN_F_DROUTE))
			req->dest.port = req->svc.port;
		if (req->dest.af != req->svc.af && req->dest.fwd != LVS_CONN_F_TUNNEL)
			die_usage("%s",
				  "the real server's address family differs from the service's: only tunnelling (-i) allows that");
		check_tunnel(req);
		break;
	case V_LIST:
		if (((o & (OPT(O_CONN) | OPT(O_TIMEOUT) | OPT(O_DAEMON))) && (o & big)) ||
		    ((o & (OPT(O_TIMEOUT) | OPT(O_DAEMON))) && (o & OPT(O_PCONN))))
			die_usage("%s",
				  "--stats, --rate, --thresholds and --persistent-conn apply to the service listing, not to -c, --timeout or --daemon");
		break;
	case V_START_DAEMON:
		if (!req->daemon.ifn[0])
			snprintf(req->daemon.ifn, sizeof(req->daemon.ifn), "%s", DEFAULT_MCAST_IFN);
		break;
	default:
		break;
	}
}

static void set_timeouts(struct request *req, struct pending *p)
{
	static const struct option_def set = { "set", 0, A_NONE, K_VERB, V_SET,
					       "seconds 0..2678400", NULL };
	__u32 *t[3] = { &req->timeouts.tcp, &req->timeouts.tcp_fin, &req->timeouts.udp };
	unsigned int i;

	if (p->npos < 3)
		die_usage("%s",
			  "--set needs three timeouts: --set TCP TCPFIN UDP (seconds, 0 keeps one)");
	for (i = 0; i < 3; i++)
		*t[i] = number(&set, p->pos[i], 0, MAX_TIMEOUT);
	memmove(p->pos, p->pos + 3, (p->npos - 3) * sizeof(p->pos[0]));
	p->npos -= 3;
}

int parse_request(int argc, char **argv, struct request *req)
{
	struct pending p = { 0 };

	memset(req, 0, sizeof(*req));
	req->dest.weight = 1;
	req->dest.fwd = LVS_CONN_F_DROUTE;
	req->svc.netmask = 0xffffffff;
	scan(argc, argv, req, &p);
	if (req->verb == V_NONE)
		die_usage("%s",
			  "no command given: one of -A -E -D -C -R -S -a -e -d -L -Z --set --start-daemon --stop-daemon -h");
	if (req->verb == V_SET)
		set_timeouts(req, &p);
	if (p.npos)
		die_usage("unexpected argument '%s'", p.pos[0]);
	if (req->verb == V_HELP || req->verb == V_VERSION)
		return 0;
	check_verb(req);
	parse_service_arg(req, &p);
	if (req->ipv6) {
		if (!req->svc.fwmark)
			die_usage("-6/--ipv6 applies to a fwmark service (-f) only");
		req->svc.af = AF_INET6;
		req->svc.netmask = 128;
	}
	parse_dest_arg(req, &p);
	parse_netmask(req, &p);
	parse_sched_flags(req, &p);
	check_request(req);
	return 0;
}

void print_usage(FILE *f)
{
	unsigned int i;
	char left[64];

	fprintf(f,
		"lvsadm %s: administer the Linux Virtual Server (lvs or ip_vs) like ipvsadm\n\n"
		"Usage:\n"
		"  %s -A|-E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe engine] [-b flags] [-o]\n"
		"  %s -D virtual-service\n"
		"  %s -C | -R | -S [-n]\n"
		"  %s -a|-e virtual-service -r server [-g|-i|-m] [-w weight] [-x upper] [-y lower] [--tun-...]\n"
		"  %s -d virtual-service -r server\n"
		"  %s -L|-l [virtual-service] [-n] [--stats|--rate|--thresholds|--persistent-conn|--tun-info] [--exact] [--json]\n"
		"  %s -L -c | --timeout | --daemon [--json]\n"
		"  %s -Z [virtual-service]\n"
		"  %s --set tcp tcpfin udp\n"
		"  %s --start-daemon master|backup [daemon options] | --stop-daemon master|backup\n\n"
		"virtual-service: -t|-u|--sctp-service host[:port], or -f fwmark [-6]\n\n"
		"Options:\n",
		LVSADM_VERSION, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
	for (i = 0; i < N_OPTIONS; i++) {
		if (!options[i].help)
			continue;
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", options[i].sname ? "-" : "   ",
			 options[i].sname ? options[i].sname : ' ', options[i].sname ? ", " : "",
			 options[i].lname, options[i].arg == A_NONE ? "" :
			 options[i].arg == A_OPT ? " [VALUE]" : " VALUE", "");
		fprintf(f, "  %-32s %s\n", left, options[i].help);
	}
}
