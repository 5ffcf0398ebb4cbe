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

static const struct sched_choice_case lc_cases[] = {
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

KUNIT_ARRAY_PARAM(lc, lc_cases, sched_choice_desc);

static void lc_choice_test(struct kunit *test)
{
	sched_choice_run(test, "lc", test->param_value);
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
