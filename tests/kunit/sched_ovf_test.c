// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_ovf: which real server weighted overflow
 * scheduling chooses, as IPVS would. Real servers are named by the order
 * they were added (0, 1, ...); the service's list holds the newest first.
 * Of the real servers that are not overloaded, have a weight other than 0
 * and no more active connections than their weight, the one with the
 * highest weight wins, the earlier in the list on a tie; inactive
 * connections do not count. Each case sets up weights, connection counts
 * and overload flags, optionally changes weights or removes real servers
 * (checking the choice before), and checks the choice. Expected values
 * are worked out by hand.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

#define OVF_MAX	6

struct ovf_case {
	const char *name;
	int n;				/* real servers */
	int weight[OVF_MAX];		/* in the order added */
	int active[OVF_MAX];
	int inact[OVF_MAX];
	unsigned int overload;		/* bit i: server i overloaded */
	unsigned int reweight;		/* bit i: server i gets new_weight[i] */
	int new_weight[OVF_MAX];
	unsigned int removed;		/* bit i: server i is removed */
	int before;			/* choice before reweight/removed */
	int expect;			/* index chosen, -1 for none */
};

static const struct ovf_case ovf_cases[] = {
	{ .name = "no real servers", .n = 0, .expect = -1 },
	{ .name = "one server", .n = 1, .weight = { 1 }, .expect = 0 },
	{ .name = "highest weight", .n = 3,
	  .weight = { 1, 3, 2 }, .expect = 1 },
	{ .name = "active equal to weight still qualifies", .n = 2,
	  .weight = { 1, 3 }, .active = { 0, 3 }, .expect = 1 },
	{ .name = "active above weight: next highest", .n = 3,
	  .weight = { 1, 3, 2 }, .active = { 0, 4, 0 }, .expect = 2 },
	{ .name = "inactive connections ignored", .n = 2,
	  .weight = { 1, 3 }, .inact = { 0, 100 }, .expect = 1 },
	{ .name = "equal weights: earlier in list wins, however busy", .n = 2,
	  .weight = { 2, 2 }, .active = { 0, 2 }, .expect = 1 },
	{ .name = "all overflowing", .n = 2,
	  .weight = { 1, 1 }, .active = { 2, 2 }, .expect = -1 },
	{ .name = "quiescent server skipped", .n = 2,
	  .weight = { 1, 0 }, .expect = 0 },
	{ .name = "overloaded server skipped", .n = 2,
	  .weight = { 1, 3 }, .overload = 0x2, .expect = 0 },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 }, .expect = -1 },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .expect = -1 },
	{ .name = "weight raised: overflowing server takes again", .n = 2,
	  .weight = { 1, 3 }, .active = { 0, 4 },
	  .reweight = 0x2, .new_weight = { 0, 5 }, .before = 0, .expect = 1 },
	{ .name = "removed server not chosen", .n = 3,
	  .weight = { 1, 3, 2 }, .removed = 0x2, .before = 1, .expect = 2 },
};

static void ovf_desc(const struct ovf_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ovf, ovf_cases, ovf_desc);

static int ovf_pick(struct sched_fixture *f)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	return sched_fixture_pick(f, &pkt);
}

static void ovf_choice_test(struct kunit *test)
{
	const struct ovf_case *c = test->param_value;
	struct sched_fixture *f;
	int i;

	f = sched_fixture_new(test, "ovf", AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		sched_fixture_add_nth(f, c->weight[i]);
		atomic_set(&f->dests[i]->activeconns, c->active[i]);
		atomic_set(&f->dests[i]->inactconns, c->inact[i]);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	if (c->reweight || c->removed)
		KUNIT_EXPECT_EQ_MSG(test, c->before, ovf_pick(f), "before");
	for (i = 0; i < c->n; i++) {
		if (c->reweight & BIT(i))
			sched_fixture_set_weight(f, f->dests[i],
						 c->new_weight[i]);
		if (c->removed & BIT(i))
			sched_fixture_del(f, f->dests[i]);
	}
	KUNIT_EXPECT_EQ(test, c->expect, ovf_pick(f));
}

static struct kunit_case lvs_sched_ovf_cases[] = {
	KUNIT_CASE_PARAM(ovf_choice_test, ovf_gen_params),
	{}
};

static struct kunit_suite lvs_sched_ovf_suite = {
	.name = "lvs_sched_ovf",
	.test_cases = lvs_sched_ovf_cases,
};

kunit_test_suite(lvs_sched_ovf_suite);
