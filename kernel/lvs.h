/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal types of the lvs core (kernel/) and the transmitters (xmit/).
 * The parts with an owner of their own have their own header, included
 * here: stats.h (counters), service.h (services, real servers) and
 * lvs_sched.h, the whole interface of the scheduler modules (sched/),
 * which include nothing else.
 *
 * Per network namespace state lives in struct lvs_net, reached from a
 * struct net with lvs_net(). It is created by the pernet init in main.c
 * before any other part of lvs can see the namespace and freed by the pernet
 * exit after generic netlink and the hooks are gone from it.
 */
#ifndef _LVS_H
#define _LVS_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable-types.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <linux/lvs.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/skbuff.h>
#include <kunit/visibility.h>

#include "compat/compat.h"
#include "stats.h"
#include "service.h"
#include "lvs_sched.h"
#include "sync.h"

/*
 * Protocols. A connection's state is a small integer whose meaning belongs
 * to its protocol; the numbers are IPVS's, since /proc/net/ip_vs_conn and
 * the sync protocol carry them.
 */
enum lvs_tcp_state {
	LVS_TCP_S_NONE = 0,
	LVS_TCP_S_ESTABLISHED,
	LVS_TCP_S_SYN_SENT,
	LVS_TCP_S_SYN_RECV,
	LVS_TCP_S_FIN_WAIT,
	LVS_TCP_S_TIME_WAIT,
	LVS_TCP_S_CLOSE,
	LVS_TCP_S_CLOSE_WAIT,
	LVS_TCP_S_LAST_ACK,
	LVS_TCP_S_LISTEN,
	LVS_TCP_S_SYNACK,
	LVS_TCP_S_COUNT
};

enum lvs_udp_state {
	LVS_UDP_S_NORMAL = 0,
	LVS_UDP_S_COUNT
};

/* SCTP states as the real server's end of the association sees them. */
enum lvs_sctp_state {
	LVS_SCTP_S_NONE = 0,
	LVS_SCTP_S_INIT1,
	LVS_SCTP_S_INIT,
	LVS_SCTP_S_COOKIE_SENT,
	LVS_SCTP_S_COOKIE_REPLIED,
	LVS_SCTP_S_COOKIE_WAIT,
	LVS_SCTP_S_COOKIE,
	LVS_SCTP_S_COOKIE_ECHOED,
	LVS_SCTP_S_ESTABLISHED,
	LVS_SCTP_S_SHUTDOWN_SENT,
	LVS_SCTP_S_SHUTDOWN_RECEIVED,
	LVS_SCTP_S_SHUTDOWN_ACK_SENT,
	LVS_SCTP_S_REJECTED,
	LVS_SCTP_S_CLOSED,
	LVS_SCTP_S_COUNT
};

/*
 * What an SCTP packet means to the state machine (struct lvs_packet.event),
 * from its first chunk; lvs_sctp_parse() in proto_sctp.c says how.
 */
enum lvs_sctp_event {
	LVS_SCTP_EV_DATA = 0,		/* DATA, SACK, HEARTBEAT(_ACK), ... */
	LVS_SCTP_EV_INIT,
	LVS_SCTP_EV_INIT_ACK,
	LVS_SCTP_EV_COOKIE_ECHO,
	LVS_SCTP_EV_COOKIE_ACK,
	LVS_SCTP_EV_SHUTDOWN,
	LVS_SCTP_EV_SHUTDOWN_ACK,
	LVS_SCTP_EV_SHUTDOWN_COMPLETE,
	LVS_SCTP_EV_ERROR,
	LVS_SCTP_EV_ABORT,
	/* a COOKIE ECHO or COOKIE ACK chunk followed by an ABORT chunk */
	LVS_SCTP_EV_COOKIE_ABORT,
	LVS_SCTP_EV_COUNT
};

#define LVS_PROTO_MAX_STATES	LVS_SCTP_S_COUNT

/*
 * Which way a packet travels relative to its connection: from the client
 * (IN), from the real server back through the director (OUT), or from the
 * client on a connection whose replies bypass the director (IN_ONLY: direct
 * routing and tunnels), where the director sees one side of the handshake.
 */
enum lvs_dir {
	LVS_DIR_IN = 0,
	LVS_DIR_OUT,
	LVS_DIR_IN_ONLY,
	LVS_DIR_COUNT
};

/**
 * struct lvs_proto - what the core needs to know about a layer-4 protocol
 * @protocol: IPPROTO_*
 * @name: as /proc/net/ip_vs and ipvsadm print it ("TCP", "UDP")
 * @n_states: number of states
 * @state_names: printable name of each state (/proc/net/ip_vs_conn)
 * @timeouts: default time in seconds a connection may stay idle in each
 *	state; each network namespace starts with a copy
 * @active: whether a connection in each state counts among its real
 *	server's active connections (else inactive)
 * @next_state: the state a connection in @state moves to when a packet
 *	with event byte @event (struct lvs_packet.event) travels @dir. Pure:
 *	no side effects, callable from any context.
 * @next_state_secure: as @next_state, while the secure_tcp defence is
 *	active (defense.c); NULL if the protocol has no such table
 * @can_schedule: whether a packet with @event that matches no connection
 *	may create one in @lnet (TCP: a SYN without RST, or with sloppy_tcp
 *	anything but a RST; SCTP: an INIT, or with sloppy_sctp anything but
 *	an ABORT; UDP: any)
 */
struct lvs_net;

struct lvs_proto {
	u8 protocol;
	const char *name;
	unsigned int n_states;
	const char *const *state_names;
	const unsigned int *timeouts;
	const bool *active;
	unsigned int (*next_state)(unsigned int state, enum lvs_dir dir,
				   u8 event);
	unsigned int (*next_state_secure)(unsigned int state, enum lvs_dir dir,
					  u8 event);
	bool (*can_schedule)(const struct lvs_net *lnet, u8 event);
};

extern const struct lvs_proto lvs_proto_tcp;	/* proto_tcp.c */
extern const struct lvs_proto lvs_proto_udp;	/* proto_udp.c */
extern const struct lvs_proto lvs_proto_sctp;	/* proto_sctp.c */

/* Index of a protocol in per-protocol arrays; see lvs_proto_index(). */
enum {
	LVS_PROTO_TCP,
	LVS_PROTO_UDP,
	LVS_PROTO_SCTP,
	LVS_PROTO_COUNT
};

static inline int lvs_proto_index(u8 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return LVS_PROTO_TCP;
	case IPPROTO_UDP:
		return LVS_PROTO_UDP;
	case IPPROTO_SCTP:
		return LVS_PROTO_SCTP;
	}
	return -1;
}

static inline const struct lvs_proto *lvs_proto(u8 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return &lvs_proto_tcp;
	case IPPROTO_UDP:
		return &lvs_proto_udp;
	case IPPROTO_SCTP:
		return &lvs_proto_sctp;
	}
	return NULL;
}

struct lvs_service;
struct lvs_dest;
struct lvs_conn;
struct lvs_packet;
struct lvs_pe;
struct lvs_pe_data;

/**
 * struct lvs_conn - a connection (or a flow, for UDP) through the director
 *
 * Found locklessly under RCU in two hash tables (conn.c): by its client
 * side (caddr:cport -> vaddr:vport) for packets from the client, and by its
 * real-server side (daddr:dport -> caddr:cport) for NAT replies. Expiry is
 * lazy: packets only move @expires forward; the timer, when it fires,
 * re-arms itself if @expires moved, else marks the connection @dead (after
 * which nobody re-arms the timer) and unhashes it. After
 * unhashing, the memory is freed after an RCU grace period, so packet-path
 * readers need no reference count. Its whole lifecycle (publication,
 * lvs_conn_end(), destruction) is described at the top of conn.c.
 */
struct lvs_conn {
	struct rhash_head in_node;
	struct rhash_head out_node;
	union nf_inet_addr caddr;	/* client */
	union nf_inet_addr vaddr;	/* virtual service */
	union nf_inet_addr daddr;	/* real server */
	__be16 cport;
	__be16 vport;
	__be16 dport;
	u16 af;
	u8 protocol;
	u8 state;			/* lock */
	u16 flags;			/* lock: LVS_CONN_F_* */
	bool out_hashed;		/* lock: in the reply table (NAT) */
	bool in_hashed;			/* lock: in the "in" table */
	bool dead;			/* lock: being destroyed */
	u8 in_pkts;			/* see lvs_conn_count_in() */
	/* a master's sync decisions (sync.c), unlocked: the state last
	 * synced, the client's packets (wrapping), and @sync_endtime
	 */
	u8 old_state;
	u16 sync_pkts;			/* see above */
	spinlock_t lock;
	unsigned long expires;		/* jiffies; WRITE_ONCE under lock */
	struct timer_list timer;
	struct lvs_dest *dest;		/* holds a dest reference */
	/*
	 * Persistence (LVS_CONN_F_TEMPLATE): a template's @timeout (jiffies)
	 * and @n_control, the connections it controls, -1 once it is being
	 * destroyed; a controlled connection's @control, which cannot be
	 * destroyed before the connection lets go of it. A template of a
	 * persistence engine owns its @pe_data, part of its key, freed with
	 * it; a template is controlled by nothing, so the two share a word.
	 */
	unsigned long timeout;
	atomic_t n_control;
	u32 sync_endtime;		/* sync.c: jiffies, low 32 bits */
	union {
		struct lvs_conn *control;	/* not a template */
		struct lvs_pe_data *pe_data;	/* a template; or NULL */
	};
	struct lvs_net *lnet;
	struct rcu_head rcu;
};

/*
 * A connection counts the packets its client sent up to this many
 * (struct lvs_conn.in_pkts): drop_entry only asks whether there were
 * fewer.
 */
#define LVS_CONN_IN_PKTS_MAX	9

/*
 * The connection table starts with this many buckets in each direction and
 * grows and shrinks with the number of connections.
 */
#define LVS_CONN_TABLE_MIN_BUCKETS	4096

/* net.ipv4.vs.* (sysctl.c); docs/compat.md says which lvs acts on. */
struct lvs_sysctl {
	int amemthresh;
	int am_droprate;
	int drop_entry;
	int drop_packet;
	int conntrack;
	int secure_tcp;
	int snat_reroute;
	int sync_version;
	int sync_ports;
	int sync_persist_mode;
	unsigned long sync_qlen_max;
	int sync_sock_size;
	int cache_bypass;
	int expire_nodest_conn;
	int sloppy_tcp;
	int sloppy_sctp;
	int expire_quiescent_template;
	int sync_threshold[2];
	int sync_refresh_period;
	int sync_retries;
	int nat_icmp_send;
	int pmtu_disc;
	int backup_only;
	int conn_reuse_mode;
	int schedule_icmp;
	int ignore_tunneled;
	int run_estimation;
	int est_nice;
	int lblc_expiration;
	int lblcr_expiration;
	/* lvs's own: 0 is no limit (sysctl.c) */
	int max_services;
	int max_dests;
	int max_conns;
};

/**
 * struct lvs_defense - a namespace's flood defences (defense.c)
 * @mutex: serialises the updates of this state and of the drop_entry,
 *	drop_packet and secure_tcp sysctls' automatic moves between 1 and 2
 *	(the periodic work and sysctl writers)
 * @drop_rate: drop_packet: one new connection in @drop_rate is dropped;
 *	0: none. Written under @mutex, read locklessly on the packet path.
 * @drop_count: per CPU, new connections left until the next drop; only
 *	that CPU's packet path touches it
 * @secure_tcp: TCP connections follow the secure state table. Written
 *	under @mutex, read locklessly on the packet path.
 * @drop_entry: the periodic work drops connection entries; under @mutex
 * @todrop_count: drop_entry's countdown for idle connections that have
 *	seen 1 to 8 packets from their client; under @mutex
 * @work: once a second, in process context
 */
struct lvs_defense {
	struct mutex mutex;		/* see above */
	int drop_rate;
	int __percpu *drop_count;
	bool secure_tcp;
	bool drop_entry;
	s8 todrop_count[LVS_CONN_IN_PKTS_MAX];
	struct delayed_work work;
};

/* Chains in a namespace's service table. */
#define LVS_SVC_BUCKETS	1024

/**
 * struct lvs_net - lvs state of one network namespace
 * @config_mutex: serialises every configuration change in the namespace
 * @svc_table: services, hashed by lvs_svc_hash(); RCU, writers hold
 *	@config_mutex
 * @num_services: how many; the hooks are registered while it is nonzero.
 *	Written under @config_mutex, read locklessly by lvs_net_try_idle().
 * @pe_services: services that have, or had, a persistence engine: a NAT
 *	real server of one may open a connection (lvs_persist_conn_out());
 *	RCU, writers hold @config_mutex
 * @dest_trash: removed real servers that connections still use;
 *	@trash_lock protects it (connections expire in softirq)
 * @conn_tables: @conn_in and @conn_out exist: from the first service (or
 *	the backup sync daemon's start) until the namespace has neither
 *	services, connections nor @conn_holders (main.c). Written under
 *	@config_mutex; read locklessly with smp_load_acquire() by
 *	lvs_conn_table_buckets().
 * @conn_holders: what keeps the tables without a service: open
 *	/proc/net/ip_vs_conn* files walking them and a running backup sync
 *	daemon, which looks connections up; under @config_mutex
 */
struct lvs_net {
	struct net *net;
	struct mutex config_mutex;	/* see above */
	struct hlist_head *svc_table;
	unsigned int num_services;
	/* real servers in services (not those in the trash); config_mutex */
	unsigned int num_dests;
	struct list_head pe_services;	/* see above */
	struct list_head dest_trash;
	spinlock_t trash_lock;		/* see above */
	u32 svc_hash_seed;
	bool hooks_registered;
	struct lvs_stats stats;
	bool conn_tables;		/* see above */
	unsigned int conn_holders;	/* see above */
	struct rhashtable conn_in;
	struct rhashtable conn_out;
	atomic_t conn_count;
	/* expire_nodest_conn's flush of removed real servers (conn.c) */
	struct delayed_work nodest_work;
	struct lvs_sysctl sysctl;
	/* the rate estimator (estimator.c) */
	struct mutex est_mutex;
	struct list_head est_list;
	struct delayed_work est_work;
	bool est_stale;
	/* bumped by every configuration change: dumps check it (netlink.c) */
	unsigned int config_gen;
	struct ctl_table_header *sysctl_hdr;
	struct ctl_table *sysctl_tbl;
	/* idle time allowed per protocol and state, jiffies */
	unsigned int timeouts[LVS_PROTO_COUNT][LVS_PROTO_MAX_STATES];
	struct lvs_defense defense;
	struct lvs_sync sync;
};

struct lvs_net *lvs_net(const struct net *net);
int lvs_net_start(struct lvs_net *lnet);
void lvs_net_stop(struct lvs_net *lnet);
void lvs_net_idle(struct lvs_net *lnet);
int lvs_net_hold_tables(struct lvs_net *lnet);
void lvs_net_release_tables(struct lvs_net *lnet);
bool lvs_net_try_idle(struct lvs_net *lnet);

/* conn.c */
void lvs_conn_table_init(struct lvs_net *lnet);
int lvs_conn_tables_create(struct lvs_net *lnet);
void lvs_conn_tables_destroy(struct lvs_net *lnet);
void lvs_conn_table_exit(struct lvs_net *lnet);
unsigned int lvs_conn_table_buckets(struct lvs_net *lnet);
struct lvs_conn *lvs_conn_in_lookup(struct lvs_net *lnet,
				    const struct lvs_packet *pkt);
struct lvs_conn *lvs_conn_out_lookup(struct lvs_net *lnet,
				     const struct lvs_packet *pkt);
/* What a new connection or template is keyed by, seen from the client. */
struct lvs_conn_param {
	u16 af;
	u8 protocol;
	const union nf_inet_addr *caddr;
	const union nf_inet_addr *vaddr;
	__be16 cport;
	__be16 vport;
	/* a template of a persistence engine: what it read of the packet */
	const struct lvs_pe *pe;
	const char *pe_data;
	u8 pe_len;
	/* a new connection (not a template): its persistence template */
	struct lvs_conn *control;
};

struct lvs_conn *lvs_conn_new(struct lvs_net *lnet,
			      const struct lvs_conn_param *p,
			      struct lvs_dest *dest, __be16 dport,
			      unsigned int flags);
struct lvs_conn *lvs_conn_template_get(struct lvs_net *lnet,
				       const struct lvs_conn_param *p);
struct lvs_conn *lvs_conn_find(struct lvs_net *lnet,
			       const struct lvs_conn_param *p, bool template);
struct lvs_conn *lvs_conn_new_synced(struct lvs_net *lnet,
				     const struct lvs_conn_param *p,
				     struct lvs_dest *dest,
				     const union nf_inet_addr *daddr,
				     __be16 dport, unsigned int flags,
				     unsigned int state, unsigned long timeout);
void lvs_conn_sync_update(struct lvs_conn *cp, unsigned int flags,
			  unsigned int state, unsigned long timeout);
void lvs_conn_template_touch(struct lvs_conn *ct);
void lvs_conn_one_packet_done(struct lvs_conn *cp);
void lvs_conn_end(struct lvs_conn *cp);
void lvs_conn_expire_nodest(struct lvs_net *lnet);
unsigned long lvs_conn_timeout(const struct lvs_conn *cp, unsigned int state);

/* The flags of a new connection of @svc: one-packet (--ops) for UDP. */
static inline unsigned int lvs_svc_conn_flags(const struct lvs_service *svc,
					      u8 protocol)
{
	return READ_ONCE(svc->flags) & LVS_SVC_F_ONEPACKET &&
	       protocol == IPPROTO_UDP ? LVS_CONN_F_ONE_PACKET : 0;
}

/*
 * A template's state (struct lvs_conn.state of a LVS_CONN_F_TEMPLATE):
 * ASSURED once a connection it controls was established or answered.
 */
enum {
	LVS_CTPL_S_NONE,
	LVS_CTPL_S_ASSURED,
};

/*
 * A persistence engine (ipvsadm --pe NAME; pe_sip.c): a persistent
 * service's templates are keyed by what it reads of the datagram that
 * opens a flow as well as by the client, so that, for SIP, every flow of
 * one call goes to one real server. It also lets a NAT real server open a
 * flow to a client (lvs_persist_conn_out()).
 *
 * @read: the bytes of @skb (linear when it returns) that key @pkt's
 *	template, at most LVS_PE_DATA_MAX; 0 when the packet has none, and
 *	is dropped, as IPVS does. Context: softirq.
 */
#define LVS_PE_DATA_MAX	255

struct lvs_pe {
	const char *name;
	unsigned int (*read)(struct sk_buff *skb, const struct lvs_packet *pkt,
			     const char **data);
};

/* A template's copy of what its engine read (struct lvs_conn.pe_data). */
struct lvs_pe_data {
	const struct lvs_pe *pe;
	u8 len;
	char data[];
};

extern const struct lvs_pe lvs_pe_sip;
const struct lvs_pe *lvs_pe_find(const char *name);
unsigned int lvs_pe_sip_callid(const char *msg, unsigned int len,
			       unsigned int *off);

/* A persistence template's key (persist.c); @param points into it. */
struct lvs_persist_key {
	union nf_inet_addr snet;	/* the client's masked address */
	union nf_inet_addr mark;	/* a firewall mark as an address */
	struct lvs_conn_param param;
};

void lvs_persist_key(const struct lvs_service *svc,
		     const struct lvs_packet *pkt, struct lvs_persist_key *key);
struct lvs_conn *lvs_persist_schedule(struct lvs_net *lnet,
				      struct lvs_service *svc,
				      struct sk_buff *skb,
				      const struct lvs_packet *pkt,
				      bool *no_dest);
struct lvs_conn *lvs_persist_conn_out(struct lvs_net *lnet,
				      struct sk_buff *skb,
				      const struct lvs_packet *pkt);
void lvs_conn_packet(struct lvs_conn *cp, enum lvs_dir dir,
		     const struct lvs_packet *pkt);
int lvs_conn_cache_init(void);
void lvs_conn_cache_exit(void);

/* defense.c */
int lvs_defense_init(struct lvs_net *lnet);
void lvs_defense_start(struct lvs_net *lnet);
void lvs_defense_stop(struct lvs_net *lnet);
void lvs_defense_exit(struct lvs_net *lnet);
int lvs_defense_sysctl(lvs_ctl_table_const struct ctl_table *table,
		       int write, void *buffer, size_t *lenp, loff_t *ppos);
bool lvs_defense_drop(struct lvs_defense *d, int rate);

/* max_conns: does the namespace hold as many connections as it may? */
static inline bool lvs_conns_full(struct lvs_net *lnet)
{
	int max = READ_ONCE(lnet->sysctl.max_conns);

	return unlikely(max) && atomic_read(&lnet->conn_count) >= max;
}

/*
 * drop_packet and max_conns: should the packet that would open a new
 * connection be dropped? Off, this costs two reads of per-namespace
 * values. Context: softirq.
 */
static inline bool lvs_drop_new_conn(struct lvs_net *lnet)
{
	int rate = READ_ONCE(lnet->defense.drop_rate);

	if (lvs_conns_full(lnet))
		return true;
	return unlikely(rate) && lvs_defense_drop(&lnet->defense, rate);
}

/* sysctl.c */
int lvs_sysctl_init(struct lvs_net *lnet);
void lvs_sysctl_exit(struct lvs_net *lnet);

/* proc.c */
int lvs_proc_init(struct lvs_net *lnet);
void lvs_proc_exit(struct lvs_net *lnet);

/* proto_sctp.c */
bool lvs_sctp_parse(const struct sk_buff *skb, unsigned int l4off,
		    struct lvs_packet *pkt);

/* hooks.c */
int lvs_hooks_register(struct lvs_net *lnet);
void lvs_hooks_unregister(struct lvs_net *lnet);
void lvs_count(struct lvs_net *lnet, struct lvs_conn *cp, bool in,
	       unsigned int bytes, bool new_conn);
struct lvs_conn *lvs_schedule(struct lvs_net *lnet, struct sk_buff *skb,
			      const struct lvs_packet *pkt,
			      unsigned int *verdict);

/* icmp.c: ICMP errors for connections; context: the hooks */
unsigned int lvs_icmp_request(struct lvs_net *lnet, struct sk_buff *skb,
			      const struct lvs_packet *pkt);
unsigned int lvs_icmp_reply(struct lvs_net *lnet, struct sk_buff *skb,
			    const struct lvs_packet *pkt);
unsigned int lvs_icmp_nat_refuse(struct lvs_net *lnet, struct sk_buff *skb,
				 const struct lvs_packet *pkt);

/*
 * A connection made while net.ipv4.vs.conntrack was 1: its packets keep
 * their conntrack entries (nfct.c). Internal, in a bit IPVS's flags leave
 * free; the sync protocol must not carry it (IPVS keeps its NFCT flag
 * above the 16 bits it syncs).
 */
#define LVS_CONN_F_NFCT		0x4000

/*
 * Take @skb out of connection tracking: lvs keeps the state of the
 * connections it balances itself.
 */
static inline void lvs_untrack(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	nf_reset_ct(skb);
	skb->_nfct = IP_CT_UNTRACKED;
#endif
}

/*
 * xmit/: transmitters return a netfilter verdict and consume @skb on
 * NF_STOLEN. Context: softirq, rcu_read_lock().
 */
unsigned int lvs_xmit_nat(struct sk_buff *skb, struct lvs_conn *cp,
			  const struct lvs_packet *pkt);
unsigned int lvs_nat_reply(struct sk_buff *skb, struct lvs_conn *cp,
			   const struct lvs_packet *pkt);
__le32 lvs_sctp_csum_update(__le32 check, __be32 from, __be32 to,
			    unsigned int len);
unsigned int lvs_xmit_dr(struct sk_buff *skb, struct lvs_conn *cp,
			 const struct lvs_packet *pkt);
unsigned int lvs_xmit_tunnel(struct sk_buff *skb, struct lvs_conn *cp,
			     const struct lvs_packet *pkt);
unsigned int lvs_xmit_bypass(struct sk_buff *skb, struct lvs_conn *cp,
			     const struct lvs_packet *pkt);

/*
 * xmit/encap.c: what a real server's tunnel type adds between the outer IP
 * header and the packet (GUE, GRE; nothing for IPIP).
 */
struct lvs_encap {
	u8 type;			/* LVS_TUNNEL_* */
	bool csum;			/* outer checksum (UDP or GRE) */
	bool remcsum;			/* GUE remote checksum option */
	__be16 port;			/* GUE: the real server's UDP port */
	unsigned int len;		/* bytes after the outer IP header */
	int gso_type;			/* SKB_GSO_* bits for the tunnel */
};

void lvs_encap_init(struct lvs_encap *enc, const struct lvs_dest *dest,
		    const struct sk_buff *skb, u16 outer_af);
int lvs_encap_push(struct net *net, struct sk_buff *skb,
		   const struct lvs_encap *enc, u16 outer_af,
		   const union nf_inet_addr *saddr,
		   const union nf_inet_addr *daddr, u8 *proto);

/* xmit/route.c */
struct lvs_dest_dst *lvs_dest_route(struct lvs_dest *dest, struct net *net,
				    bool known_nh);
void lvs_dest_route_reset(struct lvs_dest *dest);
bool lvs_route_dest_addr_ok(struct net *net, u16 af,
			    const union nf_inet_addr *addr);
bool lvs_route_addr_is_unicast(struct net *net, u16 af,
			       const union nf_inet_addr *addr);
struct dst_entry *lvs_route_output(struct net *net, u16 af,
				   const union nf_inet_addr *daddr);
int lvs_route_init(void);
void lvs_route_exit(void);
bool lvs_xmit_prepare(struct sk_buff *skb, u16 af, unsigned int mtu);
void lvs_xmit_send(struct sk_buff *skb, u16 af, struct dst_entry *dst);
void lvs_xmit_conn(struct sk_buff *skb, const struct lvs_conn *cp, u16 af,
		   struct dst_entry *dst);

/* netlink.c */
bool lvs_netlink_taken(void);
int lvs_netlink_init(void);
void lvs_netlink_exit(void);
int lvs_nl_parse(struct nlattr **tb, int maxtype, const struct nlattr *head,
		 int len, const struct nla_policy *policy,
		 struct netlink_ext_ack *extack);
int lvs_nl_parse_nested(struct nlattr **tb, int maxtype,
			const struct nlattr *nla,
			const struct nla_policy *policy,
			struct netlink_ext_ack *extack);
extern const struct nla_policy lvs_nl_cmd_policy[];
extern const struct nla_policy lvs_nl_svc_policy[];
extern const struct nla_policy lvs_nl_dest_policy[];
extern const struct nla_policy lvs_nl_daemon_policy[];

#endif /* _LVS_H */
