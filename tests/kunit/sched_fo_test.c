// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_fo: which real server weighted failover
 * scheduling chooses, as IPVS would. Real servers are named by the order
 * they were added (0, 1, ...); the service's list holds the newest first.
 * The real server with the highest weight (above 0) that is not
 * overloaded takes every new connection, the earlier in the list on a
 * tie; connection counts play no part. Each case sets up weights,
 * connection counts and overload flags, optionally changes weights or
 * removes real servers (checking the choice before), and checks the
 * choice. Expected values are worked out by hand.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

#define FO_MAX	6

struct fo_case {
	const char *name;
	int n;				/* real servers */
	int weight[FO_MAX];		/* in the order added */
	int active[FO_MAX];
	int inact[FO_MAX];
	unsigned int overload;		/* bit i: server i overloaded */
	unsigned int reweight;		/* bit i: server i gets new_weight[i] */
	int new_weight[FO_MAX];
	unsigned int removed;		/* bit i: server i is removed */
	int before;			/* choice before reweight/removed */
	int expect;			/* index chosen, -1 for none */
};

static const struct fo_case fo_cases[] = {
	{ .name = "no real servers", .n = 0, .expect = -1 },
	{ .name = "one server", .n = 1, .weight = { 1 }, .expect = 0 },
	{ .name = "highest weight", .n = 3,
	  .weight = { 1, 3, 2 }, .expect = 1 },
	{ .name = "equal highest weights: earlier in list wins", .n = 3,
	  .weight = { 5, 5, 1 }, .expect = 1 },
	{ .name = "connections play no part", .n = 2,
	  .weight = { 1, 2 }, .active = { 0, 100 }, .inact = { 0, 100 },
	  .expect = 1 },
	{ .name = "highest overloaded: next highest", .n = 3,
	  .weight = { 1, 3, 2 }, .overload = 0x2, .expect = 2 },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 }, .expect = -1 },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .expect = -1 },
	{ .name = "weight set to 0: fail over", .n = 2,
	  .weight = { 3, 2 }, .reweight = 0x1, .new_weight = { 0, 0 },
	  .before = 0, .expect = 1 },
	{ .name = "weight raised above the highest: takes over", .n = 2,
	  .weight = { 3, 2 }, .reweight = 0x2, .new_weight = { 0, 4 },
	  .before = 0, .expect = 1 },
	{ .name = "removed server: fail over", .n = 3,
	  .weight = { 3, 2, 1 }, .removed = 0x1, .before = 0, .expect = 1 },
};

static void fo_desc(const struct fo_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fo, fo_cases, fo_desc);

static int fo_pick(struct sched_fixture *f)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	return sched_fixture_pick(f, &pkt);
}

static void fo_choice_test(struct kunit *test)
{
	const struct fo_case *c = test->param_value;
	struct sched_fixture *f;
	int i;

	f = sched_fixture_new(test, "fo", AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		sched_fixture_add_nth(f, c->weight[i]);
		atomic_set(&f->dests[i]->activeconns, c->active[i]);
		atomic_set(&f->dests[i]->inactconns, c->inact[i]);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	if (c->reweight || c->removed)
		KUNIT_EXPECT_EQ_MSG(test, c->before, fo_pick(f), "before");
	for (i = 0; i < c->n; i++) {
		if (c->reweight & BIT(i))
			sched_fixture_set_weight(f, f->dests[i],
						 c->new_weight[i]);
		if (c->removed & BIT(i))
			sched_fixture_del(f, f->dests[i]);
	}
	KUNIT_EXPECT_EQ(test, c->expect, fo_pick(f));
}

static struct kunit_case lvs_sched_fo_cases[] = {
	KUNIT_CASE_PARAM(fo_choice_test, fo_gen_params),
	{}
};

static struct kunit_suite lvs_sched_fo_suite = {
	.name = "lvs_sched_fo",
	.test_cases = lvs_sched_fo_cases,
};

kunit_test_suite(lvs_sched_fo_suite);
