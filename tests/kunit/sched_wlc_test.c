// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_wlc: which real server weighted least-connection
 * scheduling chooses, as IPVS would. Real servers are named by the order
 * they were added (0, 1, ...); the service's list holds the newest first.
 * The load of a real server is 257 * active + inactive (IPVS: 256 * active
 * + total); the first usable real server in the list is the best so far,
 * and a later one replaces it only with a strictly smaller load / weight.
 * Each case sets up weights, connection counts and overload flags,
 * optionally changes weights or removes real servers (checking the choice
 * before), and checks the choice. Expected values are worked out by hand.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

static const struct sched_choice_case wlc_cases[] = {
	{ .name = "no real servers", .n = 0, .expect = -1 },
	{ .name = "one server", .n = 1, .weight = { 1 }, .expect = 0 },
	{ .name = "no connections: newest wins whatever the weights", .n = 3,
	  .weight = { 3, 2, 1 }, .expect = 2 },
	/* 771 / 4 < 257 / 1 */
	{ .name = "smallest load per weight", .n = 2,
	  .weight = { 4, 1 }, .active = { 3, 1 }, .expect = 0 },
	/* 514 / 2 == 257 / 1 */
	{ .name = "equal load per weight: earlier in list wins", .n = 2,
	  .weight = { 2, 1 }, .active = { 2, 1 }, .expect = 1 },
	{ .name = "inactive connections count one each", .n = 2,
	  .weight = { 1, 1 }, .inact = { 1, 2 }, .expect = 0 },
	{ .name = "an active connection weighs 257 inactive ones", .n = 2,
	  .weight = { 1, 1 }, .active = { 0, 1 }, .inact = { 256, 0 },
	  .expect = 0 },
	/* 2199920 * 1000 > 1999974 * 1000 only in 64 bits */
	{ .name = "products beyond 32 bits", .n = 2,
	  .weight = { 1000, 1000 }, .active = { 7782, 8560 }, .expect = 0 },
	{ .name = "quiescent server first in list skipped", .n = 2,
	  .weight = { 1, 0 }, .active = { 5, 0 }, .expect = 0 },
	{ .name = "idle quiescent server later in list not chosen", .n = 2,
	  .weight = { 0, 1 }, .active = { 0, 5 }, .expect = 1 },
	{ .name = "overloaded idle server skipped", .n = 2,
	  .weight = { 1, 1 }, .active = { 5, 0 }, .overload = 0x2,
	  .expect = 0 },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 }, .expect = -1 },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .expect = -1 },
	{ .name = "one quiescent, one overloaded", .n = 2,
	  .weight = { 0, 1 }, .overload = 0x2, .expect = -1 },
	{ .name = "higher weight takes over", .n = 2,
	  .weight = { 1, 1 }, .active = { 2, 1 },
	  .reweight = 0x1, .new_weight = { 4, 0 }, .before = 1, .expect = 0 },
	{ .name = "removed server not chosen", .n = 3,
	  .weight = { 1, 1, 1 }, .active = { 1, 0, 2 },
	  .removed = 0x2, .before = 1, .expect = 0 },
};

KUNIT_ARRAY_PARAM(wlc, wlc_cases, sched_choice_desc);

static void wlc_choice_test(struct kunit *test)
{
	sched_choice_run(test, "wlc", test->param_value);
}

static struct kunit_case lvs_sched_wlc_cases[] = {
	KUNIT_CASE_PARAM(wlc_choice_test, wlc_gen_params),
	{}
};

static struct kunit_suite lvs_sched_wlc_suite = {
	.name = "lvs_sched_wlc",
	.test_cases = lvs_sched_wlc_cases,
};

kunit_test_suite(lvs_sched_wlc_suite);
