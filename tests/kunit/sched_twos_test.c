// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_twos: how weighted power-of-two-choices scheduling
 * spreads new connections, as IPVS's would. The choice is random, so each
 * case makes TWOS_PICKS choices from one fixed state and compares how
 * often each real server was chosen with the expected count, within a
 * loose bound (a quarter of it plus 30: at least five standard deviations
 * for every case here). A count expected to be 0 must be exactly 0: a
 * quiescent, overloaded or removed real server is never chosen.
 *
 * Expected counts, worked out by hand: with W the sum of the usable
 * weights, each draw r from 0..W lands on a real server with odds
 * weight / (W + 1), the first in the list (the newest, the highest index)
 * with (weight + 1) / (W + 1). Of two draws the second is taken only if
 * its load per weight is strictly lower, load being 257 * active +
 * inactive; with no connections the first draw alone decides.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

#define TWOS_MAX	6
#define TWOS_PICKS	2000

struct twos_case {
	const char *name;
	int n;				/* real servers */
	int weight[TWOS_MAX];		/* in the order added */
	int active[TWOS_MAX];
	int inact[TWOS_MAX];
	unsigned int overload;		/* bit i: server i overloaded */
	unsigned int reweight;		/* bit i: server i gets new_weight[i] */
	int new_weight[TWOS_MAX];
	unsigned int removed;		/* bit i: server i is removed */
	int expect[TWOS_MAX];		/* times chosen out of TWOS_PICKS */
	int none;			/* times nothing was chosen */
};

static const struct twos_case twos_cases[] = {
	{ .name = "no real servers", .n = 0, .none = TWOS_PICKS },
	{ .name = "one server", .n = 1, .weight = { 3 },
	  .expect = { TWOS_PICKS } },
	/* 1:2 of 3 */
	{ .name = "equal weights: the newest draws one more", .n = 2,
	  .weight = { 1, 1 }, .expect = { 667, 1333 } },
	/* 1:2:3:5 of 11 */
	{ .name = "idle: shares follow the weights", .n = 4,
	  .weight = { 1, 2, 3, 4 }, .expect = { 182, 364, 545, 909 } },
	/* 2:3 of 5 */
	{ .name = "quiescent server never chosen", .n = 3,
	  .weight = { 2, 0, 2 }, .expect = { 800, 0, 1200 } },
	{ .name = "overloaded server never chosen", .n = 3,
	  .weight = { 2, 2, 2 }, .overload = 0x2,
	  .expect = { 800, 0, 1200 } },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 },
	  .none = TWOS_PICKS },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .none = TWOS_PICKS },
	/* 0 only if both draws land on it: (1/3)^2 */
	{ .name = "the busier of two draws loses", .n = 2,
	  .weight = { 1, 1 }, .active = { 5, 0 }, .expect = { 222, 1778 } },
	/* 514 / 4 < 257 / 1: 0 only if both draws land on it, (1/6)^2 */
	{ .name = "load is weighed by weight", .n = 2,
	  .weight = { 1, 4 }, .active = { 1, 2 }, .expect = { 56, 1944 } },
	/* 256 < 257: 1 only if both draws land on it, (2/3)^2 */
	{ .name = "an active connection weighs 257 inactive ones", .n = 2,
	  .weight = { 1, 1 }, .active = { 0, 1 }, .inact = { 256, 0 },
	  .expect = { 1111, 889 } },
	/* 3:2 of 5 */
	{ .name = "weight set to 0: never chosen", .n = 3,
	  .weight = { 2, 2, 2 }, .reweight = 0x4, .new_weight = { 0, 0, 0 },
	  .expect = { 800, 1200, 0 } },
	/* 4:2 of 6 */
	{ .name = "weight raised: share follows", .n = 2,
	  .weight = { 1, 1 }, .reweight = 0x1, .new_weight = { 4, 0 },
	  .expect = { 1333, 667 } },
	{ .name = "removed server never chosen", .n = 3,
	  .weight = { 2, 2, 2 }, .removed = 0x2,
	  .expect = { 800, 0, 1200 } },
};

static void twos_desc(const struct twos_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(twos, twos_cases, twos_desc);

static void twos_expect_count(struct kunit *test, int expect, int got,
			      int server)
{
	if (!expect) {
		KUNIT_EXPECT_EQ_MSG(test, 0, got, "server %d", server);
		return;
	}
	KUNIT_EXPECT_LE_MSG(test, abs(got - expect), expect / 4 + 30,
			    "server %d chosen %d times, expected %d",
			    server, got, expect);
}

static void twos_spread_test(struct kunit *test)
{
	const struct twos_case *c = test->param_value;
	int i, got, counts[TWOS_MAX] = {}, none = 0;
	struct sched_fixture *f;
	struct lvs_packet pkt;

	f = sched_fixture_new(test, "twos", AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		sched_fixture_add_nth(f, c->weight[i]);
		atomic_set(&f->dests[i]->activeconns, c->active[i]);
		atomic_set(&f->dests[i]->inactconns, c->inact[i]);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	for (i = 0; i < c->n; i++) {
		if (c->reweight & BIT(i))
			sched_fixture_set_weight(f, f->dests[i],
						 c->new_weight[i]);
		if (c->removed & BIT(i))
			sched_fixture_del(f, f->dests[i]);
	}

	for (i = 0; i < TWOS_PICKS; i++) {
		sched_fixture_packet(&pkt, i);
		got = sched_fixture_pick(f, &pkt);
		if (got < 0)
			none++;
		else
			counts[got]++;
	}

	for (i = 0; i < c->n; i++)
		twos_expect_count(test, c->expect[i], counts[i], i);
	twos_expect_count(test, c->none, none, -1);
}

static struct kunit_case lvs_sched_twos_cases[] = {
	KUNIT_CASE_PARAM(twos_spread_test, twos_gen_params),
	{}
};

static struct kunit_suite lvs_sched_twos_suite = {
	.name = "lvs_sched_twos",
	.test_cases = lvs_sched_twos_cases,
};

kunit_test_suite(lvs_sched_twos_suite);
