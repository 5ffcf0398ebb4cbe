// SPDX-License-Identifier: GPL-2.0
/*
 * The net.ipv4.vs.* sysctls, per network namespace, with IPVS's names,
 * defaults and ranges, so that what operators and kube-proxy write at
 * start-up is accepted. Which of them lvs acts on so far is listed in
 * docs/compat.md; the others are stored and read back until the feature
 * they steer arrives.
 *
 * Each namespace gets its own copy of the table whose entries point into
 * its struct lvs_sysctl. Readers on the packet path use READ_ONCE(); the
 * proc handlers write plain ints, as everywhere in the kernel.
 *
 * lvs adds max_services, max_dests and max_conns: bounds on what one
 * namespace may hold. Unbounded (0) in namespaces that the initial user
 * namespace owns; bounded by default in the others, which an
 * unprivileged user can make with unshare -Urn, and there only an
 * administrator of the initial user namespace may change them.
 */
#include <linux/capability.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched/prio.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "lvs.h"

static int lvs_zero;
static int lvs_one = 1;
static int lvs_three = 3;
static int lvs_nice_min = MIN_NICE;
static int lvs_nice_max = MAX_NICE;

/*
 * sync_threshold: the pair threshold, period; a connection is synced at
 * its threshold-th packet and every period packets after, so the
 * threshold is below the period unless the period is 0 (once only).
 */
static int lvs_sync_threshold_sysctl(lvs_ctl_table_const struct ctl_table *table,
				     int write, void *buffer, size_t *lenp,
				     loff_t *ppos)
{
	int *valp = table->data, val[2];
	struct ctl_table tmp = {
		.data = val, .maxlen = sizeof(val), .mode = table->mode,
	};
	int err;

	memcpy(val, valp, sizeof(val));
	err = proc_dointvec(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (val[0] < 0 || val[1] < 0 || (val[0] >= val[1] && val[1]))
		return -EINVAL;
	WRITE_ONCE(valp[0], val[0]);
	WRITE_ONCE(valp[1], val[1]);
	return 0;
}

/* sync_ports: the number of sync threads, a power of 2. */
static int lvs_sync_ports_sysctl(lvs_ctl_table_const struct ctl_table *table,
				 int write, void *buffer, size_t *lenp,
				 loff_t *ppos)
{
	int *valp = table->data, val = *valp;
	struct ctl_table tmp = {
		.data = &val, .maxlen = sizeof(val), .mode = table->mode,
	};
	int err;

	err = proc_dointvec(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (val < 1 || !is_power_of_2(val))
		return -EINVAL;
	WRITE_ONCE(*valp, val);
	return 0;
}

/* One sysctl: where its value lives and how it is parsed. */
struct lvs_sysctl_def {
	const char *name;
	size_t offset;		/* in struct lvs_sysctl */
	proc_handler *handler;
	int *min;
	int *max;
	int maxlen;		/* 0: an int */
};

/* The max_* sysctls' defaults in namespaces of other user namespaces. */
#define LVS_USERNS_MAX_SERVICES	1024
#define LVS_USERNS_MAX_DESTS	4096
#define LVS_USERNS_MAX_CONNS	65536

/*
 * A bound on a namespace, 0 (none) or more: only CAP_NET_ADMIN in the
 * initial user namespace may write it, so that the root of a user
 * namespace cannot lift its own.
 */
static int lvs_limit_sysctl(lvs_ctl_table_const struct ctl_table *table,
			    int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	if (write && !capable(CAP_NET_ADMIN))
		return -EPERM;
	return proc_dointvec_minmax(table, write, buffer, lenp, ppos);
}

static const struct lvs_sysctl_def lvs_sysctl_defs[] = {
	{ "amemthresh", offsetof(struct lvs_sysctl, amemthresh),
	  proc_dointvec, NULL, NULL },
	{ "am_droprate", offsetof(struct lvs_sysctl, am_droprate),
	  proc_dointvec, NULL, NULL },
	{ "drop_entry", offsetof(struct lvs_sysctl, drop_entry),
	  lvs_defense_sysctl, NULL, NULL },
	{ "drop_packet", offsetof(struct lvs_sysctl, drop_packet),
	  lvs_defense_sysctl, NULL, NULL },
	{ "conntrack", offsetof(struct lvs_sysctl, conntrack),
	  proc_dointvec, NULL, NULL },
	{ "secure_tcp", offsetof(struct lvs_sysctl, secure_tcp),
	  lvs_defense_sysctl, NULL, NULL },
	{ "snat_reroute", offsetof(struct lvs_sysctl, snat_reroute),
	  proc_dointvec, NULL, NULL },
	{ "sync_version", offsetof(struct lvs_sysctl, sync_version),
	  proc_dointvec_minmax, &lvs_zero, &lvs_one },
	{ "sync_ports", offsetof(struct lvs_sysctl, sync_ports),
	  lvs_sync_ports_sysctl, NULL, NULL },
	{ "sync_persist_mode", offsetof(struct lvs_sysctl, sync_persist_mode),
	  proc_dointvec, NULL, NULL },
	{ "sync_qlen_max", offsetof(struct lvs_sysctl, sync_qlen_max),
	  proc_doulongvec_minmax, NULL, NULL, sizeof(unsigned long) },
	{ "sync_sock_size", offsetof(struct lvs_sysctl, sync_sock_size),
	  proc_dointvec, NULL, NULL },
	{ "cache_bypass", offsetof(struct lvs_sysctl, cache_bypass),
	  proc_dointvec, NULL, NULL },
	{ "expire_nodest_conn", offsetof(struct lvs_sysctl, expire_nodest_conn),
	  proc_dointvec, NULL, NULL },
	{ "sloppy_tcp", offsetof(struct lvs_sysctl, sloppy_tcp),
	  proc_dointvec, NULL, NULL },
	{ "sloppy_sctp", offsetof(struct lvs_sysctl, sloppy_sctp),
	  proc_dointvec, NULL, NULL },
	{ "expire_quiescent_template", offsetof(struct lvs_sysctl, expire_quiescent_template),
	  proc_dointvec, NULL, NULL },
	{ "sync_threshold", offsetof(struct lvs_sysctl, sync_threshold),
	  lvs_sync_threshold_sysctl, NULL, NULL, 2 * sizeof(int) },
	{ "sync_refresh_period", offsetof(struct lvs_sysctl, sync_refresh_period),
	  proc_dointvec_jiffies, NULL, NULL },
	{ "sync_retries", offsetof(struct lvs_sysctl, sync_retries),
	  proc_dointvec_minmax, &lvs_zero, &lvs_three },
	{ "nat_icmp_send", offsetof(struct lvs_sysctl, nat_icmp_send),
	  proc_dointvec, NULL, NULL },
	{ "pmtu_disc", offsetof(struct lvs_sysctl, pmtu_disc),
	  proc_dointvec, NULL, NULL },
	{ "backup_only", offsetof(struct lvs_sysctl, backup_only),
	  proc_dointvec, NULL, NULL },
	{ "conn_reuse_mode", offsetof(struct lvs_sysctl, conn_reuse_mode),
	  proc_dointvec, NULL, NULL },
	{ "schedule_icmp", offsetof(struct lvs_sysctl, schedule_icmp),
	  proc_dointvec, NULL, NULL },
	{ "ignore_tunneled", offsetof(struct lvs_sysctl, ignore_tunneled),
	  proc_dointvec, NULL, NULL },
	{ "run_estimation", offsetof(struct lvs_sysctl, run_estimation),
	  proc_dointvec, NULL, NULL },
	{ "est_nice", offsetof(struct lvs_sysctl, est_nice),
	  proc_dointvec_minmax, &lvs_nice_min, &lvs_nice_max },
	{ "lblc_expiration", offsetof(struct lvs_sysctl, lblc_expiration),
	  proc_dointvec_jiffies, NULL, NULL },
	{ "lblcr_expiration", offsetof(struct lvs_sysctl, lblcr_expiration),
	  proc_dointvec_jiffies, NULL, NULL },
	{ "max_services", offsetof(struct lvs_sysctl, max_services),
	  lvs_limit_sysctl, &lvs_zero, NULL },
	{ "max_dests", offsetof(struct lvs_sysctl, max_dests),
	  lvs_limit_sysctl, &lvs_zero, NULL },
	{ "max_conns", offsetof(struct lvs_sysctl, max_conns),
	  lvs_limit_sysctl, &lvs_zero, NULL },
};

/* IPVS's defaults, and lvs's bounds. */
static void lvs_sysctl_defaults(struct lvs_net *lnet)
{
	struct lvs_sysctl *s = &lnet->sysctl;

	memset(s, 0, sizeof(*s));
	s->amemthresh = 1024;
	s->am_droprate = 10;
	s->snat_reroute = 1;
	s->sync_version = 1;
	s->sync_ports = 1;
	s->sync_qlen_max = nr_free_buffer_pages() / 32;
	s->sync_threshold[0] = 3;
	s->sync_threshold[1] = 50;
	s->pmtu_disc = 1;
	s->conn_reuse_mode = 1;
	s->run_estimation = 1;
	s->lblc_expiration = 24 * 60 * 60 * HZ;
	s->lblcr_expiration = 24 * 60 * 60 * HZ;
	if (lnet->net->user_ns != &init_user_ns) {
		s->max_services = LVS_USERNS_MAX_SERVICES;
		s->max_dests = LVS_USERNS_MAX_DESTS;
		s->max_conns = LVS_USERNS_MAX_CONNS;
	}
}

int lvs_sysctl_init(struct lvs_net *lnet)
{
	int n = ARRAY_SIZE(lvs_sysctl_defs);
	struct ctl_table *tbl;
	int i;

	lvs_sysctl_defaults(lnet);
	/* one more, empty, entry ends the table for kernels that need it */
	tbl = kcalloc(n + 1, sizeof(*tbl), GFP_KERNEL_ACCOUNT);
	if (!tbl)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct lvs_sysctl_def *d = &lvs_sysctl_defs[i];

		tbl[i].procname = d->name;
		tbl[i].data = (char *)&lnet->sysctl + d->offset;
		tbl[i].maxlen = d->maxlen ?: sizeof(int);
		tbl[i].mode = 0644;
		tbl[i].proc_handler = d->handler;
		tbl[i].extra1 = d->min;
		tbl[i].extra2 = d->max;
		/* the flood defences' modes act at once (defense.c) */
		if (d->handler == lvs_defense_sysctl)
			tbl[i].extra2 = lnet;
	}
	lnet->sysctl_hdr = lvs_register_net_sysctl(lnet->net, "net/ipv4/vs",
						   tbl, n);
	if (!lnet->sysctl_hdr) {
		kfree(tbl);
		return -ENOMEM;
	}
	lnet->sysctl_tbl = tbl;
	return 0;
}

void lvs_sysctl_exit(struct lvs_net *lnet)
{
	unregister_net_sysctl_table(lnet->sysctl_hdr);
	kfree(lnet->sysctl_tbl);
}
