// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_estimator: the rate estimator's arithmetic. Each case
 * feeds a run of two-second intervals, each with the connections, packets
 * and bytes counted in it, and checks the rates read afterwards. The
 * expected figures follow from the definition IPVS uses: every interval
 * the average moves a quarter of the way to the newest rate, kept in fixed
 * point (2^10 for connections and packets, 2^5 for bytes), rounded to the
 * nearest whole unit on read.
 */
#include <kunit/test.h>

#include "lvs.h"

struct est_case {
	const char *name;
	/* counted in each two-second interval (conns, in packets, in bytes) */
	u64 conns, pkts, bytes;
	unsigned int intervals;
	/* then this many intervals with nothing counted */
	unsigned int idle;
	/* the rates read at the end: per second */
	u64 cps, pps, bps;
};

static const struct est_case est_cases[] = {
	/*
	 * 100 per 2 s = 50/s: 12800 (12.5/s) after one step; reading adds
	 * just under a half (0x1ff / 2^10), so 12.5 reads 12
	 */
	{ "one interval: a quarter of the way", 100, 100, 1000, 1, 0, 12, 12, 125 },
	/* 12800 + (51200 - 12800) / 4 = 22400: 21.875 -> 22 */
	{ "two intervals", 100, 100, 1000, 2, 0, 22, 22, 219 },
	{ "steady traffic converges", 100, 1000, 1000000, 60, 0, 50, 500, 500000 },
	{ "nothing counted reads zero", 0, 0, 0, 10, 0, 0, 0, 0 },
	{ "one connection in 2 s rounds up to 1/s", 2, 2, 2, 60, 0, 1, 1, 1 },
	/* from 50/s, eight idle steps: 51200 * (3/4)^8 = 5125 -> 5 */
	{ "decays when traffic stops", 100, 100, 100, 60, 8, 5, 5, 5 },
	{ "decays to zero", 100, 100, 100, 60, 60, 0, 0, 0 },
	/* 2^32 packets per interval: rates beyond 32 bits */
	{ "large rates", 1ULL << 32, 1ULL << 32, 1ULL << 40, 200, 0,
	  1ULL << 31, 1ULL << 31, 1ULL << 39 },
};

static void est_desc(const struct est_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(est, est_cases, est_desc);

static void est_run(struct lvs_stats *stats,
		    struct lvs_counters *now, u64 conns, u64 pkts, u64 bytes,
		    unsigned int steps)
{
	unsigned int i;

	for (i = 0; i < steps; i++) {
		now->conns += conns;
		now->inpkts += pkts;
		now->outpkts += pkts;
		now->inbytes += bytes;
		now->outbytes += bytes;
		lvs_est_update(&stats->est, now);
	}
}

static void est_rates(struct kunit *test)
{
	const struct est_case *c = test->param_value;
	struct lvs_counters now = {}, rates;
	struct lvs_stats *stats;

	stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	est_run(stats, &now, c->conns, c->pkts, c->bytes, c->intervals);
	est_run(stats, &now, 0, 0, 0, c->idle);
	lvs_est_read(stats, &rates);
	KUNIT_EXPECT_EQ(test, rates.conns, c->cps);
	KUNIT_EXPECT_EQ(test, rates.inpkts, c->pps);
	KUNIT_EXPECT_EQ(test, rates.outpkts, c->pps);
	KUNIT_EXPECT_EQ(test, rates.inbytes, c->bps);
	KUNIT_EXPECT_EQ(test, rates.outbytes, c->bps);
}

/* The first step measures from the counters the estimator started with. */
static void est_starts_from_last(struct kunit *test)
{
	struct lvs_counters now = { .conns = 1000000, .inpkts = 1000000 };
	struct lvs_counters rates;
	struct lvs_stats *stats;

	stats = kunit_kzalloc(test, sizeof(*stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	stats->est.last = now;
	lvs_est_update(&stats->est, &now);
	lvs_est_read(stats, &rates);
	KUNIT_EXPECT_EQ(test, rates.conns, 0);
	KUNIT_EXPECT_EQ(test, rates.inpkts, 0);
}

static struct kunit_case est_test_cases[] = {
	KUNIT_CASE_PARAM(est_rates, est_gen_params),
	KUNIT_CASE(est_starts_from_last),
	{}
};

static struct kunit_suite est_suite = {
	.name = "lvs_estimator",
	.test_cases = est_test_cases,
};

kunit_test_suite(est_suite);
