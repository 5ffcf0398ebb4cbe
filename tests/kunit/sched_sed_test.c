// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_sed: which real server shortest-expected-delay
 * scheduling chooses, as IPVS would. Real servers are named by the order
 * they were added (0, 1, ...); the service's list holds the newest first.
 * The expected delay of a real server is (active + 1) / weight; inactive
 * connections do not count. The first usable real server in the list is
 * the best so far, and a later one replaces it only with a strictly
 * shorter delay. Each case sets up weights, connection counts and overload
 * flags, optionally changes weights or removes real servers (checking the
 * choice before), and checks the choice. Expected values are worked out
 * by hand.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

#define SED_MAX	6

struct sed_case {
	const char *name;
	int n;				/* real servers */
	int weight[SED_MAX];		/* in the order added */
	int active[SED_MAX];
	int inact[SED_MAX];
	unsigned int overload;		/* bit i: server i overloaded */
	unsigned int reweight;		/* bit i: server i gets new_weight[i] */
	int new_weight[SED_MAX];
	unsigned int removed;		/* bit i: server i is removed */
	int before;			/* choice before reweight/removed */
	int expect;			/* index chosen, -1 for none */
};

static const struct sed_case sed_cases[] = {
	{ .name = "no real servers", .n = 0, .expect = -1 },
	{ .name = "one server", .n = 1, .weight = { 1 }, .expect = 0 },
	/* 1 / 3 < 1 / 1 */
	{ .name = "no connections: highest weight", .n = 2,
	  .weight = { 3, 1 }, .expect = 0 },
	{ .name = "no connections, equal weights: newest wins", .n = 3,
	  .weight = { 2, 2, 2 }, .expect = 2 },
	/* 1 / 1 == 3 / 3 */
	{ .name = "equal delay: earlier in list wins", .n = 2,
	  .weight = { 1, 3 }, .active = { 0, 2 }, .expect = 1 },
	/* 1 / 1 < 4 / 3 */
	{ .name = "shortest expected delay", .n = 2,
	  .weight = { 1, 3 }, .active = { 0, 3 }, .expect = 0 },
	{ .name = "inactive connections ignored", .n = 2,
	  .weight = { 1, 1 }, .inact = { 0, 100 }, .expect = 1 },
	/* 22000 * 100000 > 20000 * 100000 only in 64 bits */
	{ .name = "products beyond 32 bits", .n = 2,
	  .weight = { 100000, 100000 }, .active = { 19999, 21999 },
	  .expect = 0 },
	{ .name = "quiescent server first in list skipped", .n = 2,
	  .weight = { 1, 0 }, .active = { 3, 0 }, .expect = 0 },
	{ .name = "idle quiescent server later in list not chosen", .n = 2,
	  .weight = { 0, 1 }, .active = { 0, 5 }, .expect = 1 },
	{ .name = "overloaded idle server skipped", .n = 2,
	  .weight = { 1, 1 }, .active = { 3, 0 }, .overload = 0x2,
	  .expect = 0 },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 }, .expect = -1 },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .expect = -1 },
	{ .name = "higher weight takes over", .n = 2,
	  .weight = { 1, 1 }, .active = { 1, 1 },
	  .reweight = 0x1, .new_weight = { 2, 0 }, .before = 1, .expect = 0 },
	{ .name = "removed server not chosen", .n = 3,
	  .weight = { 1, 1, 1 }, .removed = 0x4, .before = 2, .expect = 1 },
};

static void sed_desc(const struct sed_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sed, sed_cases, sed_desc);

static int sed_pick(struct sched_fixture *f)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	return sched_fixture_pick(f, &pkt);
}

static void sed_choice_test(struct kunit *test)
{
	const struct sed_case *c = test->param_value;
	struct sched_fixture *f;
	int i;

	f = sched_fixture_new(test, "sed", AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		sched_fixture_add_nth(f, c->weight[i]);
		atomic_set(&f->dests[i]->activeconns, c->active[i]);
		atomic_set(&f->dests[i]->inactconns, c->inact[i]);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	if (c->reweight || c->removed)
		KUNIT_EXPECT_EQ_MSG(test, c->before, sed_pick(f), "before");
	for (i = 0; i < c->n; i++) {
		if (c->reweight & BIT(i))
			sched_fixture_set_weight(f, f->dests[i],
						 c->new_weight[i]);
		if (c->removed & BIT(i))
			sched_fixture_del(f, f->dests[i]);
	}
	KUNIT_EXPECT_EQ(test, c->expect, sed_pick(f));
}

static struct kunit_case lvs_sched_sed_cases[] = {
	KUNIT_CASE_PARAM(sed_choice_test, sed_gen_params),
	{}
};

static struct kunit_suite lvs_sched_sed_suite = {
	.name = "lvs_sched_sed",
	.test_cases = lvs_sched_sed_cases,
};

kunit_test_suite(lvs_sched_sed_suite);
