/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Traffic counters and their rate estimator, for services, real servers
 * and the namespace. Owners: stats.c (counting, reading, zeroing) and
 * estimator.c (the 2-second rates).
 */
#ifndef _LVS_STATS_H
#define _LVS_STATS_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/*
 * Counters. Each CPU counts into its own struct lvs_cpu_stats on the packet
 * path; readers add them up (stats.c). No shared cache line is written per
 * packet.
 */
struct lvs_cpu_stats {
	u64_stats_t conns;
	u64_stats_t inpkts;
	u64_stats_t outpkts;
	u64_stats_t inbytes;
	u64_stats_t outbytes;
	struct u64_stats_sync syncp;
};

struct lvs_counters {
	u64 conns;
	u64 inpkts;
	u64 outpkts;
	u64 inbytes;
	u64 outbytes;
};

/*
 * The rate estimator's state for one struct lvs_stats (estimator.c).
 * @list: on lvs_net.est_list while the statistics are in use
 * @last: the raw counter sums at the previous step
 * @avg: smoothed rates per second, conns and packets times 2^10, bytes
 *	times 2^5
 * All under lvs_net.est_mutex; @avg is also read locklessly.
 */
struct lvs_estimator {
	struct list_head list;
	struct lvs_counters last;
	struct lvs_counters avg;
};

/*
 * @base: the sums at the last ZERO, subtracted on read; per-CPU counters
 * cannot be cleared under running writers. Written under the config mutex.
 */
struct lvs_stats {
	struct lvs_cpu_stats __percpu *cpu;
	struct lvs_counters base;
	struct lvs_estimator est;
};

struct lvs_net;

int lvs_stats_init(struct lvs_stats *stats);
void lvs_stats_free(struct lvs_stats *stats);
void lvs_stats_read(const struct lvs_stats *stats, struct lvs_counters *sum);
void lvs_stats_read_raw(const struct lvs_stats *stats,
			struct lvs_counters *sum);
void lvs_stats_read_cpu(const struct lvs_stats *stats, int cpu,
			struct lvs_counters *c);
void lvs_stats_zero(struct lvs_net *lnet, struct lvs_stats *stats);

void lvs_est_init(struct lvs_net *lnet);
void lvs_est_run(struct lvs_net *lnet);
void lvs_est_halt(struct lvs_net *lnet);
void lvs_est_exit(struct lvs_net *lnet);
void lvs_est_start(struct lvs_net *lnet, struct lvs_stats *stats);
void lvs_est_stop(struct lvs_net *lnet, struct lvs_stats *stats);
void lvs_est_reset(struct lvs_net *lnet, struct lvs_stats *stats);
void lvs_est_update(struct lvs_estimator *est, const struct lvs_counters *now);
void lvs_est_read(const struct lvs_stats *stats, struct lvs_counters *rates);

static inline void lvs_stats_count(struct lvs_stats *stats, bool in,
				   unsigned int bytes, bool new_conn)
{
	struct lvs_cpu_stats *s = this_cpu_ptr(stats->cpu);

	u64_stats_update_begin(&s->syncp);
	if (in) {
		u64_stats_inc(&s->inpkts);
		u64_stats_add(&s->inbytes, bytes);
	} else {
		u64_stats_inc(&s->outpkts);
		u64_stats_add(&s->outbytes, bytes);
	}
	if (new_conn)
		u64_stats_inc(&s->conns);
	u64_stats_update_end(&s->syncp);
}

#endif /* _LVS_STATS_H */
