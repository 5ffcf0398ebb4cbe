// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_sh: the real server IPVS's source hashing picks.
 * Real servers are named by the order they were added (0, 1, ...;
 * 10.0.0.<i + 1> or 2001:db8::<i + 1>, port 80); the list keeps the newest
 * first.
 *
 * Expected buckets are worked out by hand from the definition: the bucket
 * of source address A and port P (both host byte order, P = 0 without
 * sh-port, IPv6 folded by XOR of its four words) is the top byte of
 * (P + A) * 0x61c88647 mod 2^32. The table repeats a cycle in which each
 * server, newest first, takes max(weight, 1) buckets; with equal weights
 * bucket b holds list position b mod n. sh-fallback tries buckets
 * (2h + k) mod 256, k = 0, 1, ...
 */
#include <kunit/test.h>
#include <linux/inet.h>

#include "sched_fixture.h"

#define SH_SERVERS_MAX	4
#define FALLBACK	LVS_SVC_F_SH_FALLBACK
#define PORT		LVS_SVC_F_SH_PORT

static void sh_addr(struct kunit *test, u16 af, const char *s,
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

static struct sched_fixture *sh_fixture(struct kunit *test, u16 af,
					u32 flags, int n, const int *weights)
{
	struct sched_fixture *f = sched_fixture_new(test, "sh", af, flags);
	union nf_inet_addr addr;
	char s[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < n; i++) {
		if (af == AF_INET) {
			sched_fixture_add_nth(f, weights[i]);
			continue;
		}
		snprintf(s, sizeof(s), "2001:db8::%x", i + 1);
		sh_addr(test, af, s, &addr);
		sched_fixture_add(f, &addr, htons(80), weights[i]);
	}
	return f;
}

static int sh_pick(struct kunit *test, struct sched_fixture *f,
		   const char *saddr, u16 sport)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	pkt.af = f->svc.af;
	sh_addr(test, pkt.af, saddr, &pkt.saddr);
	if (pkt.af == AF_INET6)
		sh_addr(test, pkt.af, "2001:db8:ff::80", &pkt.daddr);
	pkt.sport = htons(sport);
	return sched_fixture_pick(f, &pkt);
}

struct sh_case {
	const char *name;
	u16 af;
	u32 flags;
	int n;
	int weights[SH_SERVERS_MAX];
	unsigned int quiesce;		/* set to weight 0 after adding */
	unsigned int overload;		/* LVS_DEST_OVERLOAD */
	const char *saddr;
	u16 sport;
	int expect;
};

static const struct sh_case sh_cases[] = {
	/* 0xc0000201 * 0x61c88647 = 0x32d51447: bucket 50, 50 mod 3 = 2 */
	{ "192.0.2.1: bucket 50, position 2 of 3", AF_INET, 0, 3, { 1, 1, 1 },
	  0, 0, "192.0.2.1", 1024, 0 },
	/* 0xc0000202 * 0x61c88647 = 0x949d9a8e: bucket 148, mod 3 = 1 */
	{ "192.0.2.2: bucket 148, position 1 of 3", AF_INET, 0, 3, { 1, 1, 1 },
	  0, 0, "192.0.2.2", 1024, 1 },
	/* 0xc0000203 * 0x61c88647 = 0xf66620d5: bucket 246, mod 3 = 0 */
	{ "192.0.2.3: bucket 246, position 0 of 3", AF_INET, 0, 3, { 1, 1, 1 },
	  0, 0, "192.0.2.3", 1024, 2 },
	{ "without sh-port the port is ignored", AF_INET, 0, 3, { 1, 1, 1 },
	  0, 0, "192.0.2.1", 1001, 0 },
	/* (1000 + 0xc0000201) * 0x61c88647 = 0x2a21999f: bucket 42, mod 3 = 0 */
	{ "sh-port 192.0.2.1:1000: bucket 42", AF_INET, PORT, 3, { 1, 1, 1 },
	  0, 0, "192.0.2.1", 1000, 2 },
	/* (1001 + 0xc0000201) * 0x61c88647 = 0x8bea1fe6: bucket 139, mod 3 = 1 */
	{ "sh-port 192.0.2.1:1001: bucket 139", AF_INET, PORT, 3, { 1, 1, 1 },
	  0, 0, "192.0.2.1", 1001, 1 },
	/* weights 1, 2, 3: the cycle is 2 2 2 1 1 0 */
	{ "weights 1,2,3: bucket 185 mod 6 = 5", AF_INET, 0, 3, { 1, 2, 3 },
	  0, 0, "192.0.2.5", 1024, 0 },
	{ "weights 1,2,3: bucket 148 mod 6 = 4", AF_INET, 0, 3, { 1, 2, 3 },
	  0, 0, "192.0.2.2", 1024, 1 },
	{ "weights 1,2,3: bucket 50 mod 6 = 2", AF_INET, 0, 3, { 1, 2, 3 },
	  0, 0, "192.0.2.1", 1024, 2 },
	/* weights 0, 1: the cycle is 1 0, bucket 185 is odd */
	{ "weight 0 keeps a bucket: none", AF_INET, 0, 2, { 0, 1 }, 0, 0,
	  "192.0.2.5", 1024, -1 },
	/* 2 * 185 mod 256 = 114, even */
	{ "weight 0 keeps a bucket: sh-fallback", AF_INET, FALLBACK, 2,
	  { 0, 1 }, 0, 0, "192.0.2.5", 1024, 1 },
	/* 4 servers: bucket 50 is position 2, server 1 */
	{ "quiescent owner: none", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0x2, 0,
	  "192.0.2.1", 1024, -1 },
	/* 2 * 50 = 100, position 0: server 3 (bucket 51 would give 0) */
	{ "sh-fallback starts at bucket 2h", AF_INET, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0x2, 0, "192.0.2.1", 1024, 3 },
	/* bucket 100 is server 3, quiescent too; 101 is position 1 */
	{ "sh-fallback walks on from 2h", AF_INET, FALLBACK, 4, { 1, 1, 1, 1 },
	  0xa, 0, "192.0.2.1", 1024, 2 },
	{ "overloaded owner: none", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0, 0x2,
	  "192.0.2.1", 1024, -1 },
	{ "overloaded owner: sh-fallback", AF_INET, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0, 0x2, "192.0.2.1", 1024, 3 },
	/* 139 mod 4 = 3: server 0; fallback 278 mod 256 = 22 -> server 1 */
	{ "sh-port and sh-fallback", AF_INET, PORT | FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0x1, 0, "192.0.2.1", 1001, 1 },
	{ "all quiescent, sh-fallback: none", AF_INET, FALLBACK, 3,
	  { 1, 1, 1 }, 0x7, 0, "192.0.2.1", 1024, -1 },
	{ "all overloaded, sh-fallback: none", AF_INET, FALLBACK, 3,
	  { 1, 1, 1 }, 0, 0x7, "192.0.2.2", 1024, -1 },
	{ "no real server, sh-fallback: none", AF_INET, FALLBACK, 0, {}, 0,
	  0, "192.0.2.1", 1024, -1 },
	/* fold 0x20010db9 * 0x61c88647 = 0x3f01a44f: bucket 63, mod 3 = 0 */
	{ "IPv6 2001:db8::1: bucket 63", AF_INET6, 0, 3, { 1, 1, 1 }, 0, 0,
	  "2001:db8::1", 1024, 2 },
	/* (0x20010db9 + 1001) * 0x61c88647 = 0x9816afee: bucket 152, mod 3 = 2 */
	{ "IPv6 sh-port 2001:db8::1:1001: bucket 152", AF_INET6, PORT, 3,
	  { 1, 1, 1 }, 0, 0, "2001:db8::1", 1001, 0 },
	/* (0x20010db9 + 1003) * 0x61c88647 = 0x5ba7bc7c: bucket 91, mod 3 = 1 */
	{ "IPv6 sh-port 2001:db8::1:1003: bucket 91", AF_INET6, PORT, 3,
	  { 1, 1, 1 }, 0, 0, "2001:db8::1", 1003, 1 },
};

static void sh_case_desc(const struct sh_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sh, sh_cases, sh_case_desc);

static void sh_choice_test(struct kunit *test)
{
	const struct sh_case *c = test->param_value;
	struct sched_fixture *f;
	int i;

	f = sh_fixture(test, c->af, c->flags, c->n, c->weights);
	for (i = 0; i < c->n; i++) {
		if (c->quiesce & BIT(i))
			sched_fixture_set_weight(f, f->dests[i], 0);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	KUNIT_EXPECT_EQ(test, c->expect, sh_pick(test, f, c->saddr, c->sport));
}

static const int sh_equal[SH_SERVERS_MAX] = { 1, 1, 1, 1 };

/* A client keeps its server whatever its port and however often. */
static void sh_determinism_test(struct kunit *test)
{
	struct sched_fixture *f = sh_fixture(test, AF_INET, 0, 3, sh_equal);
	int i;

	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, 1, sh_pick(test, f, "192.0.2.2", 1 + 613 * i));
}

/*
 * Server 2 to weight 3: the cycle becomes 2 2 2 1 0 (5 buckets); bucket
 * 50 mod 5 = 0 -> 2, bucket 148 mod 5 = 3 -> 1. Back to 1: as before.
 */
static void sh_weight_change_test(struct kunit *test)
{
	struct sched_fixture *f = sh_fixture(test, AF_INET, 0, 3, sh_equal);

	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.1", 1));
	KUNIT_EXPECT_EQ(test, 1, sh_pick(test, f, "192.0.2.2", 1));
	sched_fixture_set_weight(f, f->dests[2], 3);
	KUNIT_EXPECT_EQ(test, 2, sh_pick(test, f, "192.0.2.1", 1));
	KUNIT_EXPECT_EQ(test, 1, sh_pick(test, f, "192.0.2.2", 1));
	sched_fixture_set_weight(f, f->dests[2], 1);
	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.1", 1));
}

/* Removing server 1 of 3 leaves [2, 0]: bucket 50 -> 2, 185 -> 0. */
static void sh_removal_test(struct kunit *test)
{
	struct sched_fixture *f = sh_fixture(test, AF_INET, 0, 3, sh_equal);

	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.1", 1));
	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.5", 1));
	sched_fixture_del(f, f->dests[1]);
	KUNIT_EXPECT_EQ(test, 2, sh_pick(test, f, "192.0.2.1", 1));
	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.5", 1));
}

/* The flags are read per packet: switching sh-port on moves 192.0.2.1. */
static void sh_flags_change_test(struct kunit *test)
{
	struct sched_fixture *f = sh_fixture(test, AF_INET, 0, 3, sh_equal);

	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.1", 1001));
	WRITE_ONCE(f->svc.flags, PORT);
	KUNIT_EXPECT_EQ(test, 1, sh_pick(test, f, "192.0.2.1", 1001));
	sched_fixture_set_weight(f, f->dests[1], 0);
	KUNIT_EXPECT_EQ(test, -1, sh_pick(test, f, "192.0.2.1", 1001));
	WRITE_ONCE(f->svc.flags, PORT | FALLBACK);
	/*
	 * Weights 1 0 1: the cycle is still 2 1 0. Bucket 2 * 139 mod 256 =
	 * 22 is position 1, quiescent too; bucket 23 is position 2.
	 */
	KUNIT_EXPECT_EQ(test, 0, sh_pick(test, f, "192.0.2.1", 1001));
}

static struct kunit_case lvs_sched_sh_cases[] = {
	KUNIT_CASE_PARAM(sh_choice_test, sh_gen_params),
	KUNIT_CASE(sh_determinism_test),
	KUNIT_CASE(sh_weight_change_test),
	KUNIT_CASE(sh_removal_test),
	KUNIT_CASE(sh_flags_change_test),
	{}
};

static struct kunit_suite lvs_sched_sh_suite = {
	.name = "lvs_sched_sh",
	.test_cases = lvs_sched_sh_cases,
};

kunit_test_suite(lvs_sched_sh_suite);
