/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvsadm: the model shared by every part of the tool.
 *
 * A run goes parse -> model -> send: options.c turns a command line into a
 * struct request (a verb, the options seen, a service, a real server,
 * timeouts or a sync daemon); a verb in main.c sends it with request.c or
 * reads the table with fetch.c into struct lvs_table and prints that with
 * list.c (ipvsadm's text), json.c or save.c. nl.c is the one netlink
 * socket of the run. Addresses are kept as the kernel has them: 16 bytes,
 * network order, ports in network order.
 */
#ifndef LVSADM_H
#define LVSADM_H

#include <stdbool.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <netinet/in.h>
#include <linux/types.h>
#include <linux/lvs.h>

#define LVSADM_VERSION "1.0"
#define LVSADM_MSG_SIZE 8192	/* one request */

/* Exit codes, as ipvsadm's: a bad command line, a kernel refusal. */
#define EXIT_USAGE	2
#define EXIT_KERNEL	255

#define DEFAULT_SCHED		"wlc"
#define DEFAULT_MCAST_IFN	"eth0"
#define DEFAULT_PERSIST		360
#define MAX_TIMEOUT		(86400 * 31)

enum verb {
	V_NONE,
	V_ADD_SVC,
	V_EDIT_SVC,
	V_DEL_SVC,
	V_FLUSH,
	V_LIST,
	V_ADD_DEST,
	V_DEL_DEST,
	V_EDIT_DEST,
	V_SET,
	V_START_DAEMON,
	V_STOP_DAEMON,
	V_RESTORE,
	V_SAVE,
	V_ZERO,
	V_HELP,
	V_VERSION,
	V_COUNT,
};

/* Options that take part in the verb/option rules (one bit each). */
enum opt_id {
	O_NUMERIC,
	O_CONN,
	O_SERVICE,
	O_SCHED,
	O_PERSIST,
	O_NETMASK,
	O_SERVER,
	O_FWD,
	O_WEIGHT,
	O_UTHRESH,
	O_LTHRESH,
	O_MCAST_IFN,
	O_TIMEOUT,
	O_DAEMON,
	O_STATS,
	O_RATE,
	O_THRESHOLDS,
	O_PCONN,
	O_NOSORT,
	O_SYNCID,
	O_EXACT,
	O_OPS,
	O_PE,
	O_SCHED_FLAGS,
	O_MCAST_GROUP,
	O_MCAST_PORT,
	O_MCAST_TTL,
	O_SYNC_MAXLEN,
	O_TUN_INFO,
	O_TUN_TYPE,
	O_TUN_PORT,
	O_TUN_NOCSUM,
	O_TUN_CSUM,
	O_TUN_REMCSUM,
	O_JSON,
	O_COUNT,
};

#define OPT(o)	(1ULL << (o))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

union lvs_addr {
	struct in_addr in;
	struct in6_addr in6;
	__u8 raw[16];
};

struct lvs_stats {
	__u64 conns, inpkts, outpkts, inbytes, outbytes;
	__u64 cps, inpps, outpps, inbps, outbps;
};

struct lvs_dest {
	__u16 af;
	union lvs_addr addr;
	__u16 port;		/* network order */
	__u32 fwd;		/* LVS_CONN_F_* forwarding method */
	int weight;
	__u32 u_thresh, l_thresh;
	__u32 active, inactive, persist;
	__u8 tun_type;
	__u16 tun_port;		/* network order */
	__u16 tun_flags;
	struct lvs_stats stats;
};

struct lvs_svc {
	__u16 af;
	__u16 protocol;
	union lvs_addr addr;
	__u16 port;		/* network order */
	__u32 fwmark;
	char sched[LVS_SCHED_NAME_MAXLEN];
	char pe[LVS_PE_NAME_MAXLEN];
	__u32 flags;
	__u32 timeout;
	__u32 netmask;		/* v4: a mask in network order; v6: a prefix */
	struct lvs_stats stats;
	struct lvs_dest *dests;
	unsigned int ndests;
};

struct lvs_table {
	__u32 version;
	__u32 conn_tab_size;
	struct lvs_svc *svcs;
	unsigned int nsvcs;
};

struct lvs_timeouts {
	__u32 tcp, tcp_fin, udp;
};

struct lvs_daemon {
	__u32 state;
	char ifn[LVS_IFNAME_MAXLEN];
	__u32 syncid;
	__u16 maxlen;
	__u16 mcast_af;
	union lvs_addr group;
	__u16 mcast_port;	/* host order */
	__u8 mcast_ttl;
};

/* Output formats of the listings. */
#define F_NUMERIC	0x001
#define F_RULE		0x002
#define F_STATS		0x004
#define F_RATE		0x008
#define F_THRESHOLDS	0x010
#define F_PCONN		0x020
#define F_NOSORT	0x040
#define F_EXACT		0x080
#define F_TUN_INFO	0x100
#define F_JSON		0x200

struct request {
	enum verb verb;
	unsigned long long opts;
	unsigned int format;
	bool ipv6;			/* -6 seen */
	const char *netmask_arg;	/* -M, read once the family is known */
	const char *sched_flags_arg;	/* -b, read once -s is known */
	struct lvs_svc svc;
	struct lvs_dest dest;
	struct lvs_timeouts timeouts;
	struct lvs_daemon daemon;
};

/* options.c */
int parse_request(int argc, char **argv, struct request *req);
const char *verb_name(enum verb v);
void print_usage(FILE *f);
extern const char *prog;
extern const char *restore_where;
noreturn void die_usage(const char *fmt, ...);

/* addr.c */
int parse_addr_port(const char *arg, __u16 protocol, struct lvs_svc *out, bool *has_port);
char *format_addr_port(int af, const union lvs_addr *a, __u16 port, __u16 proto,
		       unsigned int format, char *buf, size_t len);
char *format_addr(int af, const union lvs_addr *a, char *buf, size_t len);
const char *proto_name(__u16 proto);
const char *proto_lname(__u16 proto);

/* nl.c */
struct nlmsghdr;
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);
int nl_open(void);
void nl_close(void);
struct nlmsghdr *nl_new(void *buf, __u8 cmd, bool dump);
int nl_talk(struct nlmsghdr *nlh, nl_msg_cb cb, void *data);
const char *nl_strerror(enum verb v, int err);

/* request.c */
int req_service(int cmd, const struct lvs_svc *svc);
int req_dest(int cmd, const struct lvs_svc *svc, const struct lvs_dest *d);
int req_zero(const struct lvs_svc *svc);
int req_flush(void);
int req_timeouts(const struct lvs_timeouts *t);
int req_daemon(int cmd, const struct lvs_daemon *dm);
void put_service_key(struct nlmsghdr *nlh, const struct lvs_svc *svc, bool full);

/* fetch.c */
int fetch_info(struct lvs_table *t);
int fetch_table(struct lvs_table *t, const struct lvs_svc *only, bool sort);
void free_table(struct lvs_table *t);
int fetch_timeouts(struct lvs_timeouts *t);
int fetch_daemons(struct lvs_daemon dm[2], unsigned int *n);

/* list.c */
void list_text(const struct lvs_table *t, unsigned int format, bool header);
void print_largenum(__u64 n, unsigned int format);
const char *fwd_name(__u32 fwd);
const char *tun_type_name(__u8 type);
void sched_flags_str(const struct lvs_svc *s, char *buf, size_t len);
void list_timeouts_text(const struct lvs_timeouts *t);
void list_daemons_text(const struct lvs_daemon *dm, unsigned int n);

/* json.c */
void list_json(const struct lvs_table *t);
void list_timeouts_json(const struct lvs_timeouts *t);
void list_daemons_json(const struct lvs_daemon *dm, unsigned int n);
struct conn_entry;
void json_conns_begin(void);
void json_conn(const struct conn_entry *c);
void json_conns_end(void);

/* conn.c */
struct conn_entry {
	char proto[8];
	int af, daf;
	union lvs_addr caddr, vaddr, daddr;
	__u16 cport, vport, dport;	/* host order */
	char state[16];
	unsigned int expires;
	char pe_name[LVS_PE_NAME_MAXLEN + 1];
	char pe_data[256];
	bool has_pe;
};

int list_conns(unsigned int format);

/* save.c */
void save_rules(const struct lvs_table *t, unsigned int format);
int restore_rules(FILE *in);

/* main.c */
int run_request(struct request *req);

#endif /* LVSADM_H */
