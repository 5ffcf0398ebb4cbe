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

static const struct sched_choice_case sed_cases[] = {
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

KUNIT_ARRAY_PARAM(sed, sed_cases, sched_choice_desc);

static void sed_choice_test(struct kunit *test)
{
	sched_choice_run(test, "sed", test->param_value);
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
