// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites lvs_sched_rr and lvs_sched_wrr: the sequences of real
 * servers IPVS's round-robin and weighted round-robin choose. The real
 * servers are named by the order they were added (0, 1, 2, ...); IPVS
 * keeps the newest first in its list, which decides where a rotation
 * starts. Expected sequences follow from the algorithms' definitions
 * (see sched/rr.c and sched/wrr.c).
 */
#include <kunit/test.h>

#include "sched_fixture.h"

#define SEQ_MAX	16

/* Pick @n times and compare with @expect (index per pick, -1 for none). */
static void expect_sequence(struct kunit *test, struct sched_fixture *f,
			    const int *expect, int n)
{
	struct lvs_packet pkt;
	int i, got;

	for (i = 0; i < n; i++) {
		sched_fixture_packet(&pkt, i);
		got = sched_fixture_pick(f, &pkt);
		KUNIT_EXPECT_EQ_MSG(test, expect[i], got, "pick %d", i);
	}
}

struct seq_case {
	const char *name;
	const char *sched;
	int weights[4];		/* in the order added; end at 4 or at -1 */
	int expect[SEQ_MAX];	/* ends at the first -2 */
};

static const struct seq_case seq_cases[] = {
	{ "rr: newest first, then round", "rr", { 1, 1, 1, -1 },
	  { 2, 1, 0, 2, 1, 0, 2, -2 } },
	{ "rr: weight 0 is skipped", "rr", { 1, 0, 1, -1 },
	  { 2, 0, 2, 0, -2 } },
	{ "rr: all quiescent", "rr", { 0, 0, -1 }, { -1, -1, -2 } },
	{ "rr: one server", "rr", { 5, -1 }, { 0, 0, 0, -2 } },
	/*
	 * wrr: each real server joins separately, as ipvsadm adds them, and
	 * the current weight carried over from the first join (1) makes the
	 * first round take every server once before the weighted cycle.
	 */
	{ "wrr: 3,2,1 added a,b,c", "wrr", { 3, 2, 1, -1 },
	  { 2, 1, 0, 0, 1, 0, 2, 1, 0, 0, 1, 0, -2 } },
	{ "wrr: 1,2,3 added c,b,a cycles a a b a b c", "wrr", { 1, 2, 3, -1 },
	  { 2, 1, 0, 2, 2, 1, 2, 1, 0, 2, 2, 1, -2 } },
	{ "wrr: gcd 2 counts as 1", "wrr", { 4, 2, -1 },
	  { 1, 0, 0, 1, 0, 0, -2 } },
	{ "wrr: weight 0 never chosen", "wrr", { 2, 0, 1, -1 },
	  { 2, 0, 0, 2, 0, 0, -2 } },
	{ "wrr: all quiescent", "wrr", { 0, 0, -1 }, { -1, -1, -2 } },
	{ "wrr: one server", "wrr", { 3, -1 }, { 0, 0, 0, 0, -2 } },
};

static void seq_desc(const struct seq_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(seq, seq_cases, seq_desc);

static void sequence_test(struct kunit *test)
{
	const struct seq_case *c = test->param_value;
	struct sched_fixture *f;
	int i, n;

	f = sched_fixture_new(test, c->sched, AF_INET, 0);
	for (i = 0; i < ARRAY_SIZE(c->weights) && c->weights[i] >= 0; i++)
		sched_fixture_add_nth(f, c->weights[i]);
	for (n = 0; n < SEQ_MAX && c->expect[n] != -2; n++)
		;
	expect_sequence(test, f, c->expect, n);
}

/* Removing the server that would be chosen next moves on to the one after. */
static void rr_remove_next_test(struct kunit *test)
{
	struct sched_fixture *f;
	struct lvs_packet pkt;

	f = sched_fixture_new(test, "rr", AF_INET, 0);
	sched_fixture_add_nth(f, 1);
	sched_fixture_add_nth(f, 1);
	sched_fixture_add_nth(f, 1);
	sched_fixture_packet(&pkt, 0);
	KUNIT_ASSERT_EQ(test, 2, sched_fixture_pick(f, &pkt));
	/* 1 would be next: remove it, and the last pick, 2, too */
	sched_fixture_del(f, f->dests[1]);
	expect_sequence(test, f, (const int []){ 0 }, 1);
	sched_fixture_del(f, f->dests[2]);
	expect_sequence(test, f, (const int []){ 0, 0 }, 2);
}

/* A weight change mid-sequence restarts the cycle from the list head. */
static void wrr_reweight_test(struct kunit *test)
{
	static const int after[] = { 1, 0, 1, 1, 0, 1 };
	struct sched_fixture *f;
	struct lvs_packet pkt;

	f = sched_fixture_new(test, "wrr", AF_INET, 0);
	sched_fixture_add_nth(f, 1);
	sched_fixture_add_nth(f, 1);
	sched_fixture_packet(&pkt, 0);
	KUNIT_ASSERT_EQ(test, 1, sched_fixture_pick(f, &pkt));
	sched_fixture_set_weight(f, f->dests[1], 2);
	expect_sequence(test, f, after, ARRAY_SIZE(after));
}

/* An overloaded real server is skipped like a quiescent one. */
static void overloaded_skipped_test(struct kunit *test)
{
	static const char *const names[] = { "rr", "wrr" };
	struct sched_fixture *f;
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		f = sched_fixture_new(test, names[i], AF_INET, 0);
		sched_fixture_add_nth(f, 1);
		sched_fixture_add_nth(f, 1);
		set_bit(LVS_DEST_OVERLOAD, &f->dests[1]->flags);
		expect_sequence(test, f, (const int []){ 0, 0, 0 }, 3);
		set_bit(LVS_DEST_OVERLOAD, &f->dests[0]->flags);
		expect_sequence(test, f, (const int []){ -1 }, 1);
	}
}

static struct kunit_case lvs_sched_rr_cases[] = {
	KUNIT_CASE_PARAM(sequence_test, seq_gen_params),
	KUNIT_CASE(rr_remove_next_test),
	KUNIT_CASE(wrr_reweight_test),
	KUNIT_CASE(overloaded_skipped_test),
	{}
};

static struct kunit_suite lvs_sched_rr_suite = {
	.name = "lvs_sched_rr_wrr",
	.test_cases = lvs_sched_rr_cases,
};

kunit_test_suite(lvs_sched_rr_suite);
