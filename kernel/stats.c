// SPDX-License-Identifier: GPL-2.0
/*
 * Packet, byte and connection counters.
 *
 * Every service, real server and namespace has a struct lvs_stats: one set
 * of 64-bit counters per CPU. The packet path adds to its own CPU's set
 * (lvs_stats_count() in lvs.h), so no cache line is shared between CPUs and
 * no atomic operation is needed; the u64_stats seqcount lets 32-bit readers
 * see consistent 64-bit values. Readers (netlink, /proc) add up all CPUs.
 * ZERO cannot clear counters that other CPUs are writing; it records the
 * current sums as a base that reads subtract.
 */
#include <linux/percpu.h>
#include <linux/string.h>

#include "lvs.h"

int lvs_stats_init(struct lvs_stats *stats)
{
	int cpu;

	memset(stats, 0, sizeof(*stats));
	INIT_LIST_HEAD(&stats->est.list);
	/* charged to the memory cgroup of whoever makes the object */
	stats->cpu = alloc_percpu_gfp(struct lvs_cpu_stats, GFP_KERNEL_ACCOUNT);
	if (!stats->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats->cpu, cpu)->syncp);
	return 0;
}

void lvs_stats_free(struct lvs_stats *stats)
{
	free_percpu(stats->cpu);
	stats->cpu = NULL;
}

/* One CPU's counters since the statistics were created. */
void lvs_stats_read_cpu(const struct lvs_stats *stats, int cpu,
			struct lvs_counters *c)
{
	const struct lvs_cpu_stats *s = per_cpu_ptr(stats->cpu, cpu);
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		c->conns = u64_stats_read(&s->conns);
		c->inpkts = u64_stats_read(&s->inpkts);
		c->outpkts = u64_stats_read(&s->outpkts);
		c->inbytes = u64_stats_read(&s->inbytes);
		c->outbytes = u64_stats_read(&s->outbytes);
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

/* The counters since the statistics were created, all CPUs added up. */
void lvs_stats_read_raw(const struct lvs_stats *stats,
			struct lvs_counters *sum)
{
	struct lvs_counters c;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		lvs_stats_read_cpu(stats, cpu, &c);
		sum->conns += c.conns;
		sum->inpkts += c.inpkts;
		sum->outpkts += c.outpkts;
		sum->inbytes += c.inbytes;
		sum->outbytes += c.outbytes;
	}
}

/* The counters since the last zeroing. */
void lvs_stats_read(const struct lvs_stats *stats, struct lvs_counters *sum)
{
	lvs_stats_read_raw(stats, sum);
	sum->conns -= stats->base.conns;
	sum->inpkts -= stats->base.inpkts;
	sum->outpkts -= stats->base.outpkts;
	sum->inbytes -= stats->base.inbytes;
	sum->outbytes -= stats->base.outbytes;
}

/*
 * Start counting from zero again; the rates too, as IPVS does.
 * Context: the config mutex.
 */
void lvs_stats_zero(struct lvs_net *lnet, struct lvs_stats *stats)
{
	lvs_stats_read_raw(stats, &stats->base);
	lvs_est_reset(lnet, stats);
}
