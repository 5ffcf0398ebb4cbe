// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_lc: which real server least-connection scheduling
 * chooses, as IPVS would. Real servers are named by the order they were
 * added (0, 1, ...); the service's list holds the newest first, so on a
 * tie the highest index wins. The load of a real server is
 * 257 * active + inactive (IPVS: 256 * active + total). Each case sets up
 * weights, connection counts and overload flags, optionally changes
 * weights or removes real servers (checking the choice before), and checks
 * the choice. Expected values are worked out by hand from that rule.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

#define LC_MAX	6

struct lc_case {
	const char *name;
	int n;				/* real servers */
	int weight[LC_MAX];		/* in the order added */
	int active[LC_MAX];
	int inact[LC_MAX];
	unsigned int overload;		/* bit i: server i overloaded */
	unsigned int reweight;		/* bit i: server i gets new_weight[i] */
	int new_weight[LC_MAX];
	unsigned int removed;		/* bit i: server i is removed */
	int before;			/* choice before reweight/removed */
	int expect;			/* index chosen, -1 for none */
};

static const struct lc_case lc_cases[] = {
	{ .name = "no real servers", .n = 0, .expect = -1 },
	{ .name = "one server", .n = 1, .weight = { 1 }, .expect = 0 },
	{ .name = "no connections: newest wins the tie", .n = 3,
	  .weight = { 1, 1, 1 }, .expect = 2 },
	{ .name = "fewest active connections", .n = 3,
	  .weight = { 1, 1, 1 }, .active = { 2, 1, 3 }, .expect = 1 },
	{ .name = "weight other than 0 plays no part", .n = 2,
	  .weight = { 1, 10 }, .active = { 0, 1 }, .expect = 0 },
	{ .name = "inactive connections count one each", .n = 2,
	  .weight = { 1, 1 }, .inact = { 3, 5 }, .expect = 0 },
	/* 256 inactive (256) beat 1 active (257): total counts it again */
	{ .name = "an active connection weighs 257 inactive ones", .n = 2,
	  .weight = { 1, 1 }, .active = { 0, 1 }, .inact = { 256, 0 },
	  .expect = 0 },
	{ .name = "tie after the first: earlier in list wins", .n = 3,
	  .weight = { 1, 1, 1 }, .active = { 0, 0, 1 }, .expect = 1 },
	{ .name = "quiescent idle server skipped", .n = 2,
	  .weight = { 1, 0 }, .active = { 3, 0 }, .expect = 0 },
	{ .name = "overloaded idle server skipped", .n = 2,
	  .weight = { 1, 1 }, .active = { 3, 0 }, .overload = 0x2,
	  .expect = 0 },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 }, .expect = -1 },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .expect = -1 },
	{ .name = "weight set to 0 stops new connections", .n = 2,
	  .weight = { 1, 1 }, .active = { 1, 0 },
	  .reweight = 0x2, .new_weight = { 0, 0 }, .before = 1, .expect = 0 },
	{ .name = "quiescent server given a weight again", .n = 2,
	  .weight = { 0, 1 }, .active = { 0, 5 },
	  .reweight = 0x1, .new_weight = { 3, 0 }, .before = 1, .expect = 0 },
	{ .name = "removed server not chosen", .n = 3,
	  .weight = { 1, 1, 1 }, .active = { 1, 0, 1 },
	  .removed = 0x2, .before = 1, .expect = 2 },
};

static void lc_desc(const struct lc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lc, lc_cases, lc_desc);

static int lc_pick(struct sched_fixture *f)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	return sched_fixture_pick(f, &pkt);
}

static void lc_choice_test(struct kunit *test)
{
	const struct lc_case *c = test->param_value;
	struct sched_fixture *f;
	int i;

	f = sched_fixture_new(test, "lc", AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		sched_fixture_add_nth(f, c->weight[i]);
		atomic_set(&f->dests[i]->activeconns, c->active[i]);
		atomic_set(&f->dests[i]->inactconns, c->inact[i]);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	if (c->reweight || c->removed)
		KUNIT_EXPECT_EQ_MSG(test, c->before, lc_pick(f), "before");
	for (i = 0; i < c->n; i++) {
		if (c->reweight & BIT(i))
			sched_fixture_set_weight(f, f->dests[i],
						 c->new_weight[i]);
		if (c->removed & BIT(i))
			sched_fixture_del(f, f->dests[i]);
	}
	KUNIT_EXPECT_EQ(test, c->expect, lc_pick(f));
}

static struct kunit_case lvs_sched_lc_cases[] = {
	KUNIT_CASE_PARAM(lc_choice_test, lc_gen_params),
	{}
};

static struct kunit_suite lvs_sched_lc_suite = {
	.name = "lvs_sched_lc",
	.test_cases = lvs_sched_lc_cases,
};

kunit_test_suite(lvs_sched_lc_suite);
