// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_nq: which real server never-queue scheduling
 * chooses, as IPVS would. Real servers are named by the order they were
 * added (0, 1, ...); the service's list holds the newest first. The first
 * usable real server in the list with no active connection wins at once
 * (inactive connections do not count); if none is idle, the shortest
 * (active + 1) / weight wins, the earlier in the list on a tie. Each case
 * sets up weights, connection counts and overload flags, optionally
 * changes weights or removes real servers (checking the choice before),
 * and checks the choice. Expected values are worked out by hand.
 */
#include <kunit/test.h>

#include "sched_fixture.h"

static const struct sched_choice_case nq_cases[] = {
	{ .name = "no real servers", .n = 0, .expect = -1 },
	{ .name = "one server", .n = 1, .weight = { 1 }, .expect = 0 },
	{ .name = "all idle: newest wins whatever the weights", .n = 2,
	  .weight = { 5, 1 }, .expect = 1 },
	/* sed would take 1: 2 / 10 < 1 / 1 */
	{ .name = "idle server first, even with less weight", .n = 2,
	  .weight = { 1, 10 }, .active = { 0, 1 }, .expect = 0 },
	{ .name = "first idle server in list order", .n = 3,
	  .weight = { 1, 1, 1 }, .active = { 0, 0, 1 }, .expect = 1 },
	/* sed would take 1 here too: 2 / 10 < 1 / 1 */
	{ .name = "inactive connections do not make a server busy", .n = 2,
	  .weight = { 1, 10 }, .active = { 0, 1 }, .inact = { 50, 0 },
	  .expect = 0 },
	/* 3 / 3 < 2 / 1 */
	{ .name = "none idle: shortest expected delay", .n = 2,
	  .weight = { 3, 1 }, .active = { 2, 1 }, .expect = 0 },
	/* 4 / 2 == 2 / 1 */
	{ .name = "none idle, equal delay: earlier in list wins", .n = 2,
	  .weight = { 2, 1 }, .active = { 3, 1 }, .expect = 1 },
	/* 22000 * 100000 > 20000 * 100000 only in 64 bits */
	{ .name = "products beyond 32 bits", .n = 2,
	  .weight = { 100000, 100000 }, .active = { 19999, 21999 },
	  .expect = 0 },
	{ .name = "idle quiescent server skipped", .n = 2,
	  .weight = { 1, 0 }, .active = { 1, 0 }, .expect = 0 },
	{ .name = "idle overloaded server skipped", .n = 2,
	  .weight = { 1, 1 }, .active = { 1, 0 }, .overload = 0x2,
	  .expect = 0 },
	{ .name = "all quiescent", .n = 2, .weight = { 0, 0 }, .expect = -1 },
	{ .name = "all overloaded", .n = 2, .weight = { 1, 1 },
	  .overload = 0x3, .expect = -1 },
	{ .name = "higher weight takes over", .n = 2,
	  .weight = { 1, 1 }, .active = { 2, 1 },
	  .reweight = 0x1, .new_weight = { 3, 0 }, .before = 1, .expect = 0 },
	{ .name = "removed idle server not chosen", .n = 2,
	  .weight = { 1, 1 }, .active = { 0, 1 },
	  .removed = 0x1, .before = 0, .expect = 1 },
};

KUNIT_ARRAY_PARAM(nq, nq_cases, sched_choice_desc);

static void nq_choice_test(struct kunit *test)
{
	sched_choice_run(test, "nq", test->param_value);
}

static struct kunit_case lvs_sched_nq_cases[] = {
	KUNIT_CASE_PARAM(nq_choice_test, nq_gen_params),
	{}
};

static struct kunit_suite lvs_sched_nq_suite = {
	.name = "lvs_sched_nq",
	.test_cases = lvs_sched_nq_cases,
};

kunit_test_suite(lvs_sched_nq_suite);
