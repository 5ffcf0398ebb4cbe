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

static const struct sched_choice_case ovf_cases[] = {
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

KUNIT_ARRAY_PARAM(ovf, ovf_cases, sched_choice_desc);

static void ovf_choice_test(struct kunit *test)
{
	sched_choice_run(test, "ovf", test->param_value);
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
