// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_dh: the real server IPVS's destination hashing
 * picks. Real servers are named by the order they were added (0, 1, ...;
 * 10.0.0.<i + 1> or 2001:db8::<i + 1>, port 80). The list keeps the
 * newest first, so with n servers list position p is server n - 1 - p.
 *
 * Expected buckets are worked out by hand from the definition: the bucket
 * of address A (host byte order; IPv6 folded by XOR of its four words) is
 * the top byte of A * 0x61c88647 mod 2^32, and bucket b holds list
 * position b mod n.
 */
#include <kunit/test.h>
#include <linux/inet.h>

#include "sched_fixture.h"

#define DH_SERVERS_MAX	4

static void dh_addr(struct kunit *test, u16 af, const char *s,
		    union nf_inet_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (af == AF_INET)
		KUNIT_ASSERT_TRUE(test, in4_pton(s, -1, (u8 *)&addr->ip, -1,
						 NULL));
	else
		KUNIT_ASSERT_TRUE(test, in6_pton(s, -1, addr->in6.s6_addr, -1,
						 NULL));
}

/* Add @n real servers of @weights, 10.0.0.<i + 1> or 2001:db8::<i + 1>. */
static struct sched_fixture *dh_fixture(struct kunit *test, u16 af, int n,
					const int *weights)
{
	struct sched_fixture *f = sched_fixture_new(test, "dh", af, 0);
	union nf_inet_addr addr;
	char s[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < n; i++) {
		if (af == AF_INET) {
			sched_fixture_add_nth(f, weights ? weights[i] : 1);
			continue;
		}
		snprintf(s, sizeof(s), "2001:db8::%x", i + 1);
		dh_addr(test, af, s, &addr);
		sched_fixture_add(f, &addr, htons(80), weights ? weights[i] : 1);
	}
	return f;
}

static int dh_pick(struct kunit *test, struct sched_fixture *f,
		   const char *saddr, u16 sport, const char *daddr)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	pkt.af = f->svc.af;
	dh_addr(test, pkt.af, saddr, &pkt.saddr);
	dh_addr(test, pkt.af, daddr, &pkt.daddr);
	pkt.sport = htons(sport);
	return sched_fixture_pick(f, &pkt);
}

struct dh_case {
	const char *name;
	u16 af;
	int n;				/* real servers */
	int weights[DH_SERVERS_MAX];	/* 1 where left 0 */
	unsigned int quiesce;		/* servers set to weight 0 */
	unsigned int overload;		/* servers with LVS_DEST_OVERLOAD */
	const char *daddr;
	int expect;			/* server, -1 for none */
};

static const struct dh_case dh_cases[] = {
	/* 0x0a010101 * 0x61c88647 = 0x7695cd47: bucket 118, 118 mod 3 = 1 */
	{ "10.1.1.1: bucket 118, position 1 of 3", AF_INET, 3, {}, 0, 0,
	  "10.1.1.1", 1 },
	/* 0x0a010102 * 0x61c88647 = 0xd85e538e: bucket 216, mod 3 = 0 */
	{ "10.1.1.2: bucket 216, position 0 of 3", AF_INET, 3, {}, 0, 0,
	  "10.1.1.2", 2 },
	/* 0xc000024d * 0x61c88647 = 0x3a5cf15b: bucket 58, mod 3 = 1 */
	{ "192.0.2.77: bucket 58, position 1 of 3", AF_INET, 3, {}, 0, 0,
	  "192.0.2.77", 1 },
	/* 0xc63364c8 * 0x61c88647 = 0x6341a378: bucket 99, mod 4 = 3 */
	{ "198.51.100.200: bucket 99, position 3 of 4", AF_INET, 4, {}, 0,
	  0, "198.51.100.200", 0 },
	{ "0.0.0.0: bucket 0, the newest", AF_INET, 4, {}, 0, 0, "0.0.0.0",
	  3 },
	{ "one server takes every bucket", AF_INET, 1, {}, 0, 0,
	  "198.51.100.200", 0 },
	{ "weights do not shape the table", AF_INET, 3, { 5, 1, 9 }, 0, 0,
	  "10.1.1.1", 1 },
	{ "quiescent bucket owner: none, no fallback", AF_INET, 3, {}, 0x2,
	  0, "10.1.1.1", -1 },
	{ "overloaded bucket owner: none, no fallback", AF_INET, 3, {}, 0,
	  0x2, "10.1.1.1", -1 },
	{ "another server quiescent: no effect", AF_INET, 3, {}, 0x1, 0,
	  "10.1.1.1", 1 },
	{ "all quiescent", AF_INET, 3, {}, 0x7, 0, "10.1.1.2", -1 },
	{ "all overloaded", AF_INET, 3, {}, 0, 0x7, "192.0.2.77", -1 },
	{ "no real server", AF_INET, 0, {}, 0, 0, "10.1.1.1", -1 },
	/* fold 0x20010db8 ^ 0 ^ 0 ^ 1 = 0x20010db9; * 0x61c88647 = 0x3f01a44f */
	{ "IPv6 2001:db8::1: fold, bucket 63, position 0 of 3", AF_INET6, 3,
	  {}, 0, 0, "2001:db8::1", 2 },
	/* fold 0x20010db8 ^ 0x00010000 ^ 0 ^ 5 = 0x20000dbd: bucket 63 too */
	{ "IPv6 2001:db8:1::5: same bucket 63, position 3 of 4", AF_INET6,
	  4, {}, 0, 0, "2001:db8:1::5", 0 },
	/* 0x20010dba * 0x61c88647 = 0xa0ca2a96: bucket 160, mod 3 = 1 */
	{ "IPv6 2001:db8::2: bucket 160, position 1 of 3", AF_INET6, 3, {},
	  0, 0, "2001:db8::2", 1 },
};

static void dh_case_desc(const struct dh_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dh, dh_cases, dh_case_desc);

static void dh_choice_test(struct kunit *test)
{
	const struct dh_case *c = test->param_value;
	int weights[DH_SERVERS_MAX];
	struct sched_fixture *f;
	int i;

	for (i = 0; i < c->n; i++)
		weights[i] = c->weights[i] ?: 1;
	f = dh_fixture(test, c->af, c->n, weights);
	for (i = 0; i < c->n; i++) {
		if (c->quiesce & BIT(i))
			sched_fixture_set_weight(f, f->dests[i], 0);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	KUNIT_EXPECT_EQ(test, c->expect,
			dh_pick(test, f, c->af == AF_INET ? "192.0.2.1" :
				"2001:db8:ff::1", 1024, c->daddr));
}

/* The source plays no part: every client of a destination goes alike. */
static void dh_source_ignored_test(struct kunit *test)
{
	struct sched_fixture *f = dh_fixture(test, AF_INET, 3, NULL);
	char s[INET_ADDRSTRLEN];
	int i;

	for (i = 0; i < 50; i++) {
		snprintf(s, sizeof(s), "198.18.%d.%d", i, 3 * i + 1);
		KUNIT_EXPECT_EQ(test, 1,
				dh_pick(test, f, s, 1024 + 7 * i, "10.1.1.1"));
	}
}

/*
 * Removing server 1 refills the table over [2, 0]: bucket b goes to
 * position b mod 2. 10.1.1.1 (bucket 118) moves from 1 to 2; 192.0.2.5
 * (0xc0000205 * 0x61c88647 = 0xb9f72d63, bucket 185) stays on 0 (185 mod 3
 * = 2 -> server 0, 185 mod 2 = 1 -> server 0); 10.1.1.2 (bucket 216) stays
 * on 2.
 */
static void dh_removal_test(struct kunit *test)
{
	struct sched_fixture *f = dh_fixture(test, AF_INET, 3, NULL);

	KUNIT_EXPECT_EQ(test, 1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
	KUNIT_EXPECT_EQ(test, 0, dh_pick(test, f, "192.0.2.1", 1, "192.0.2.5"));
	KUNIT_EXPECT_EQ(test, 2, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
	sched_fixture_del(f, f->dests[1]);
	KUNIT_EXPECT_EQ(test, 2, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
	KUNIT_EXPECT_EQ(test, 0, dh_pick(test, f, "192.0.2.1", 1, "192.0.2.5"));
	KUNIT_EXPECT_EQ(test, 2, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
	sched_fixture_del(f, f->dests[2]);
	sched_fixture_del(f, f->dests[0]);
	KUNIT_EXPECT_EQ(test, -1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
}

/* A new server takes its share at once: 10.1.1.1 (118 mod 4 = 2) -> 1. */
static void dh_addition_test(struct kunit *test)
{
	struct sched_fixture *f = dh_fixture(test, AF_INET, 2, NULL);

	/* 118 mod 2 = 0: the newest, server 1 */
	KUNIT_EXPECT_EQ(test, 1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
	/* 216 mod 2 = 0 */
	KUNIT_EXPECT_EQ(test, 1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
	sched_fixture_add_nth(f, 1);
	sched_fixture_add_nth(f, 1);
	KUNIT_EXPECT_EQ(test, 1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
	/* 216 mod 4 = 0: the newest, server 3 */
	KUNIT_EXPECT_EQ(test, 3, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
}

/* Quiescing or overloading a server and restoring it: back as before. */
static void dh_weight_change_test(struct kunit *test)
{
	struct sched_fixture *f = dh_fixture(test, AF_INET, 3, NULL);

	sched_fixture_set_weight(f, f->dests[1], 0);
	KUNIT_EXPECT_EQ(test, -1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
	KUNIT_EXPECT_EQ(test, 2, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
	sched_fixture_set_weight(f, f->dests[1], 7);
	KUNIT_EXPECT_EQ(test, 1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.1"));
	set_bit(LVS_DEST_OVERLOAD, &f->dests[2]->flags);
	KUNIT_EXPECT_EQ(test, -1, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
	clear_bit(LVS_DEST_OVERLOAD, &f->dests[2]->flags);
	KUNIT_EXPECT_EQ(test, 2, dh_pick(test, f, "192.0.2.1", 1, "10.1.1.2"));
}

static struct kunit_case lvs_sched_dh_cases[] = {
	KUNIT_CASE_PARAM(dh_choice_test, dh_gen_params),
	KUNIT_CASE(dh_source_ignored_test),
	KUNIT_CASE(dh_removal_test),
	KUNIT_CASE(dh_addition_test),
	KUNIT_CASE(dh_weight_change_test),
	{}
};

static struct kunit_suite lvs_sched_dh_suite = {
	.name = "lvs_sched_dh",
	.test_cases = lvs_sched_dh_cases,
};

kunit_test_suite(lvs_sched_dh_suite);
