// SPDX-License-Identifier: GPL-2.0
/*
 * The rate estimator: connections, packets and bytes per second, in and
 * out, for every service, every real server and the namespace's totals
 * (what ipvsadm --rate and /proc/net/ip_vs_stats show).
 *
 * Every struct lvs_stats that is in use has its struct lvs_estimator on the
 * namespace's list. Every two seconds a delayed work item (process
 * context, not a timer in softirq) walks the list once: it adds up each
 * entry's per-CPU counters, takes the difference to the previous walk and
 * folds it into a moving average that moves a quarter of the way towards
 * the newest rate each time, the smoothing IPVS uses, so that lvs and ip_vs
 * report the same figures for the same traffic. The packet path does
 * nothing for the estimator; its cost is one walk per two seconds, which
 * yields the CPU every few entries, so thousands of services cost a few
 * milliseconds of a worker thread and never delay packets.
 *
 * Fixed point: connection and packet rates are kept multiplied by 2^10,
 * byte rates by 2^5, and rounded to whole units on read.
 *
 * Concurrency: lnet->est_mutex guards the list and every estimator's
 * fields. Configuration (config mutex held, then est_mutex) starts, stops
 * and resets estimators; the worker takes only est_mutex. An estimator is
 * stopped before its statistics are freed. Readers (netlink, /proc) read
 * the averages without the lock: each is one aligned 64-bit word, updated
 * with WRITE_ONCE().
 */
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "lvs.h"

#define LVS_EST_INTERVAL	(2 * HZ)
/* entries handled between chances for the scheduler to run another task */
#define LVS_EST_BATCH		32

/*
 * Fold one interval's increase into a scaled average. @delta is per two
 * seconds; @shift scales it to per second times 2^10 (9) or 2^5 (4).
 */
static void lvs_est_fold(u64 *avg, u64 delta, unsigned int shift)
{
	s64 rate = (s64)(delta << shift);
	s64 cur = (s64)*avg;

	WRITE_ONCE(*avg, (u64)(cur + ((rate - cur) >> 2)));
}

/**
 * lvs_est_update - one step of the estimator for one set of counters
 * @est: the estimator
 * @now: the raw counter sums now (lvs_stats_read_raw()), two seconds after
 *	the previous step
 *
 * Context: est_mutex, or exclusive ownership of @est (KUnit).
 */
void lvs_est_update(struct lvs_estimator *est, const struct lvs_counters *now)
{
	lvs_est_fold(&est->avg.conns, now->conns - est->last.conns, 9);
	lvs_est_fold(&est->avg.inpkts, now->inpkts - est->last.inpkts, 9);
	lvs_est_fold(&est->avg.outpkts, now->outpkts - est->last.outpkts, 9);
	lvs_est_fold(&est->avg.inbytes, now->inbytes - est->last.inbytes, 4);
	lvs_est_fold(&est->avg.outbytes, now->outbytes - est->last.outbytes, 4);
	est->last = *now;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_est_update);

/* Forget the averages; the next step measures from @now. */
static void lvs_est_seed(struct lvs_estimator *est,
			 const struct lvs_counters *now)
{
	est->last = *now;
	WRITE_ONCE(est->avg.conns, 0);
	WRITE_ONCE(est->avg.inpkts, 0);
	WRITE_ONCE(est->avg.outpkts, 0);
	WRITE_ONCE(est->avg.inbytes, 0);
	WRITE_ONCE(est->avg.outbytes, 0);
}

/**
 * lvs_est_read - the rates of @stats, per second, rounded
 * @stats: the statistics
 * @rates: filled: conns/s, in and out packets/s, in and out bytes/s
 *
 * Context: any; lockless.
 */
void lvs_est_read(const struct lvs_stats *stats, struct lvs_counters *rates)
{
	const struct lvs_counters *avg = &stats->est.avg;

	rates->conns = (READ_ONCE(avg->conns) + 0x1ff) >> 10;
	rates->inpkts = (READ_ONCE(avg->inpkts) + 0x1ff) >> 10;
	rates->outpkts = (READ_ONCE(avg->outpkts) + 0x1ff) >> 10;
	rates->inbytes = (READ_ONCE(avg->inbytes) + 0xf) >> 5;
	rates->outbytes = (READ_ONCE(avg->outbytes) + 0xf) >> 5;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_est_read);

/* Put @stats under estimation, its rates starting from zero. */
void lvs_est_start(struct lvs_net *lnet, struct lvs_stats *stats)
{
	struct lvs_counters now;

	lvs_stats_read_raw(stats, &now);
	mutex_lock(&lnet->est_mutex);
	lvs_est_seed(&stats->est, &now);
	list_add_tail(&stats->est.list, &lnet->est_list);
	mutex_unlock(&lnet->est_mutex);
}

/* Take @stats out of estimation; the worker no longer touches it after. */
void lvs_est_stop(struct lvs_net *lnet, struct lvs_stats *stats)
{
	mutex_lock(&lnet->est_mutex);
	list_del_init(&stats->est.list);
	mutex_unlock(&lnet->est_mutex);
}

/* ZERO: the rates read 0 again and start over from the current counters. */
void lvs_est_reset(struct lvs_net *lnet, struct lvs_stats *stats)
{
	struct lvs_counters now;

	lvs_stats_read_raw(stats, &now);
	mutex_lock(&lnet->est_mutex);
	lvs_est_seed(&stats->est, &now);
	mutex_unlock(&lnet->est_mutex);
}

/*
 * Every two seconds. With run_estimation off the walk is skipped and the
 * rates are cleared; when it is turned on again, the first walk only
 * takes the counters as the new starting point.
 */
static void lvs_est_work(struct work_struct *work)
{
	struct lvs_net *lnet = container_of(to_delayed_work(work),
					    struct lvs_net, est_work);
	bool run = READ_ONCE(lnet->sysctl.run_estimation);
	struct lvs_estimator *est;
	struct lvs_counters now;
	unsigned int n = 0;

	mutex_lock(&lnet->est_mutex);
	if (run || !lnet->est_stale) {
		list_for_each_entry(est, &lnet->est_list, list) {
			lvs_stats_read_raw(container_of(est, struct lvs_stats,
							est), &now);
			if (run && !lnet->est_stale)
				lvs_est_update(est, &now);
			else
				lvs_est_seed(est, &now);
			if (++n % LVS_EST_BATCH == 0)
				cond_resched();
		}
		lnet->est_stale = !run;
	}
	mutex_unlock(&lnet->est_mutex);
	queue_delayed_work(system_unbound_wq, &lnet->est_work,
			   LVS_EST_INTERVAL);
}

/*
 * The namespace's estimator: its totals are on the list from the start,
 * but the worker runs only while the namespace has services
 * (lvs_est_run(), lvs_est_halt()).
 */
void lvs_est_init(struct lvs_net *lnet)
{
	mutex_init(&lnet->est_mutex);
	INIT_LIST_HEAD(&lnet->est_list);
	INIT_DELAYED_WORK(&lnet->est_work, lvs_est_work);
	lvs_est_start(lnet, &lnet->stats);
}

/*
 * The first service came: the totals' rates start from zero and the
 * worker runs. Context: the config mutex.
 */
void lvs_est_run(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	lvs_est_reset(lnet, &lnet->stats);
	queue_delayed_work(system_unbound_wq, &lnet->est_work,
			   LVS_EST_INTERVAL);
}

/*
 * The last service went: the worker stops and the totals' rates read 0.
 * Context: the config mutex (the worker never takes it).
 */
void lvs_est_halt(struct lvs_net *lnet)
{
	lockdep_assert_held(&lnet->config_mutex);
	cancel_delayed_work_sync(&lnet->est_work);
	lvs_est_reset(lnet, &lnet->stats);
}

/* Stop the worker; every service and real server has stopped already. */
void lvs_est_exit(struct lvs_net *lnet)
{
	cancel_delayed_work_sync(&lnet->est_work);
	lvs_est_stop(lnet, &lnet->stats);
	WARN_ON_ONCE(!list_empty(&lnet->est_list));
}
