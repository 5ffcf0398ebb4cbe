// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_overload: IPVS's rule for when a real server with
 * connection thresholds stops and starts taking new connections. It is
 * overloaded once its active plus inactive connections reach the upper
 * threshold, and stays so until they fall below the lower threshold, or
 * below 3/4 of the upper one when no lower threshold is set. Each case
 * starts from a state, changes the connection count, and checks the flag.
 */
#include <kunit/test.h>

#include "lvs.h"

struct overload_case {
	const char *name;
	u32 upper;
	u32 lower;
	bool was_overloaded;
	int active;
	int inactive;
	bool expect;
};

static const struct overload_case overload_cases[] = {
	{ "no thresholds, many connections", 0, 0, false, 1000, 1000, false },
	{ "no thresholds clears a stale flag", 0, 0, true, 5, 0, false },
	{ "below upper", 10, 0, false, 9, 0, false },
	{ "at upper", 10, 0, false, 10, 0, true },
	{ "inactive count too", 10, 0, false, 4, 6, true },
	{ "above lower stays overloaded", 10, 5, true, 5, 0, true },
	{ "below lower clears", 10, 5, true, 4, 0, false },
	{ "no lower: 3/4 of upper stays", 8, 0, true, 6, 0, true },
	{ "no lower: below 3/4 of upper clears", 8, 0, true, 5, 0, false },
	{ "between thresholds, not yet overloaded", 10, 5, false, 7, 0, false },
};

static void overload_desc(const struct overload_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(overload, overload_cases, overload_desc);

static void overload_test(struct kunit *test)
{
	const struct overload_case *c = test->param_value;
	struct lvs_dest *dest;

	dest = kunit_kzalloc(test, sizeof(*dest), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	dest->u_threshold = c->upper;
	dest->l_threshold = c->lower;
	if (c->was_overloaded)
		set_bit(LVS_DEST_OVERLOAD, &dest->flags);
	atomic_set(&dest->activeconns, c->active);
	atomic_set(&dest->inactconns, c->inactive);

	lvs_dest_update_overload(dest);
	KUNIT_EXPECT_EQ(test, c->expect,
			test_bit(LVS_DEST_OVERLOAD, &dest->flags));
}

static struct kunit_case lvs_overload_cases[] = {
	KUNIT_CASE_PARAM(overload_test, overload_gen_params),
	{}
};

static struct kunit_suite lvs_overload_suite = {
	.name = "lvs_overload",
	.test_cases = lvs_overload_cases,
};

kunit_test_suite(lvs_overload_suite);
