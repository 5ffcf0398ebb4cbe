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

static const struct sched_choice_case fo_cases[] = {
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

KUNIT_ARRAY_PARAM(fo, fo_cases, sched_choice_desc);

static void fo_choice_test(struct kunit *test)
{
	sched_choice_run(test, "fo", test->param_value);
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
