// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_mh: the real server IPVS's Maglev hashing picks.
 * Real servers are named by the order they were added (0, 1, ...;
 * 10.0.0.<i + 1> or 2001:db8::<i + 1>, port 80); the list keeps the newest
 * first.
 *
 * hsiphash cannot be done by hand: the expected slots and servers below
 * come from a separate model of the algorithm as IPVS defines it (SipHash-
 * 1-3 written from the SipHash paper and checked against the kernel's own
 * hsiphash test vectors, then IPVS's permutation and fill), not from lvs.
 *
 * The table tests read the whole lookup table through ->schedule(): for
 * each slot s they find a source address that hashes to s (with IPVS's
 * key K1) and ask for it.
 */
#include <kunit/test.h>
#include <linux/inet.h>
#include <linux/siphash.h>

#include "sched_fixture.h"

#define MH_M		4093
#define MH_SERVERS_MAX	4
#define FALLBACK	LVS_SVC_F_MH_FALLBACK
#define PORT		LVS_SVC_F_MH_PORT

/* IPVS's first key: the slot of a packet */
static const hsiphash_key_t mh_test_k1 = {{ 2654435761UL, 2654435761UL }};

static void mh_addr(struct kunit *test, u16 af, const char *s,
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

static struct sched_fixture *mh_fixture(struct kunit *test, u16 af,
					u32 flags, int n, const int *weights)
{
	struct sched_fixture *f = sched_fixture_new(test, "mh", af, flags);
	union nf_inet_addr addr;
	char s[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < n; i++) {
		if (af == AF_INET) {
			sched_fixture_add_nth(f, weights[i]);
			continue;
		}
		snprintf(s, sizeof(s), "2001:db8::%x", i + 1);
		mh_addr(test, af, s, &addr);
		sched_fixture_add(f, &addr, htons(80), weights[i]);
	}
	return f;
}

static int mh_pick(struct kunit *test, struct sched_fixture *f,
		   const char *saddr, u16 sport)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	pkt.af = f->svc.af;
	mh_addr(test, pkt.af, saddr, &pkt.saddr);
	if (pkt.af == AF_INET6)
		mh_addr(test, pkt.af, "2001:db8:ff::80", &pkt.daddr);
	pkt.sport = htons(sport);
	return sched_fixture_pick(f, &pkt);
}

struct mh_case {
	const char *name;
	u16 af;
	u32 flags;
	int n;
	int weights[MH_SERVERS_MAX];	/* when added */
	unsigned int quiesce;		/* set to weight 0 afterwards */
	unsigned int overload;		/* LVS_DEST_OVERLOAD */
	const char *saddr;
	u16 sport;
	int expect;
};

static const struct mh_case mh_cases[] = {
	{ "192.0.2.1: slot 2891", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0, 0,
	  "192.0.2.1", 1024, 3 },
	{ "198.51.100.7: slot 924", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0, 0,
	  "198.51.100.7", 1024, 0 },
	{ "203.0.113.1: slot 1505", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0, 0,
	  "203.0.113.1", 1024, 2 },
	{ "203.0.113.9: slot 1189", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0, 0,
	  "203.0.113.9", 1024, 3 },
	{ "without mh-port the port is ignored", AF_INET, 0, 4,
	  { 1, 1, 1, 1 }, 0, 0, "192.0.2.1", 2000, 3 },
	{ "mh-port 192.0.2.1:1000: slot 1155", AF_INET, PORT, 4,
	  { 1, 1, 1, 1 }, 0, 0, "192.0.2.1", 1000, 3 },
	{ "mh-port 192.0.2.1:2000: slot 2788", AF_INET, PORT, 4,
	  { 1, 1, 1, 1 }, 0, 0, "192.0.2.1", 2000, 0 },
	{ "quiesced owner: none", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0x8, 0,
	  "192.0.2.1", 1024, -1 },
	{ "quiesced owner: mh-fallback", AF_INET, FALLBACK, 4, { 1, 1, 1, 1 },
	  0x8, 0, "192.0.2.1", 1024, 2 },
	{ "overloaded owner: none", AF_INET, 0, 4, { 1, 1, 1, 1 }, 0, 0x1,
	  "198.51.100.7", 1024, -1 },
	{ "overloaded owner: mh-fallback", AF_INET, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0, 0x1, "198.51.100.7", 1024, 3 },
	{ "mh-fallback past two unavailable", AF_INET, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0x8, 0x4, "192.0.2.1", 1024, 1 },
	{ "quiescing one server moves no other client", AF_INET, 0, 4,
	  { 1, 1, 1, 1 }, 0x8, 0, "198.51.100.7", 1024, 0 },
	{ "mh-port and mh-fallback", AF_INET, PORT | FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0x8, 0, "192.0.2.1", 1000, 1 },
	{ "all quiesced, mh-fallback: none", AF_INET, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0xf, 0, "192.0.2.1", 1024, -1 },
	{ "all overloaded, mh-fallback: none", AF_INET, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0, 0xf, "192.0.2.1", 1024, -1 },
	{ "added with weight 0: no slots", AF_INET, 0, 4, { 1, 1, 1, 0 }, 0,
	  0, "192.0.2.1", 1024, 2 },
	{ "all added with weight 0: empty table", AF_INET, FALLBACK, 2,
	  { 0, 0 }, 0, 0, "192.0.2.1", 1024, -1 },
	{ "weights 3,1,1,1: slot 1505", AF_INET, 0, 4, { 3, 1, 1, 1 }, 0, 0,
	  "203.0.113.1", 1024, 0 },
	{ "one server", AF_INET, 0, 1, { 1 }, 0, 0, "192.0.2.1", 1024, 0 },
	{ "no real server", AF_INET, FALLBACK, 0, {}, 0, 0, "192.0.2.1", 1024,
	  -1 },
	{ "IPv6 2001:db8:1::1: slot 964", AF_INET6, 0, 4, { 1, 1, 1, 1 }, 0,
	  0, "2001:db8:1::1", 1024, 3 },
	{ "IPv6 2001:db8:1::2: slot 2554", AF_INET6, 0, 4, { 1, 1, 1, 1 }, 0,
	  0, "2001:db8:1::2", 1024, 0 },
	{ "IPv6 quiesced owner: mh-fallback", AF_INET6, FALLBACK, 4,
	  { 1, 1, 1, 1 }, 0x8, 0, "2001:db8:1::1", 1024, 0 },
};

static void mh_case_desc(const struct mh_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mh, mh_cases, mh_case_desc);

static void mh_choice_test(struct kunit *test)
{
	const struct mh_case *c = test->param_value;
	struct sched_fixture *f;
	int i;

	f = mh_fixture(test, c->af, c->flags, c->n, c->weights);
	for (i = 0; i < c->n; i++) {
		if (c->quiesce & BIT(i))
			sched_fixture_set_weight(f, f->dests[i], 0);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	KUNIT_EXPECT_EQ(test, c->expect, mh_pick(test, f, c->saddr, c->sport));
}

static const int mh_equal[MH_SERVERS_MAX] = { 1, 1, 1, 1 };

/* A client keeps its server whatever its port and however often. */
static void mh_determinism_test(struct kunit *test)
{
	struct sched_fixture *f = mh_fixture(test, AF_INET, 0, 4, mh_equal);
	int i;

	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, 0,
				mh_pick(test, f, "198.51.100.7", 1 + 613 * i));
}

/* Server 0 to weight 3 takes slot 1505 (see the weights 3,1,1,1 case). */
static void mh_weight_change_test(struct kunit *test)
{
	struct sched_fixture *f = mh_fixture(test, AF_INET, 0, 4, mh_equal);

	KUNIT_EXPECT_EQ(test, 2, mh_pick(test, f, "203.0.113.1", 1));
	sched_fixture_set_weight(f, f->dests[0], 3);
	KUNIT_EXPECT_EQ(test, 0, mh_pick(test, f, "203.0.113.1", 1));
	sched_fixture_set_weight(f, f->dests[0], 1);
	KUNIT_EXPECT_EQ(test, 2, mh_pick(test, f, "203.0.113.1", 1));
}

/* For each slot, a source address (host order) whose slot it is. */
static u32 *mh_slot_sources(struct kunit *test)
{
	unsigned int found = 0, s;
	unsigned long *seen;
	u32 a, v, *src;

	src = kunit_kcalloc(test, MH_M, sizeof(*src), GFP_KERNEL);
	seen = kunit_kcalloc(test, BITS_TO_LONGS(MH_M), sizeof(*seen),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (a = 0xc6120000; found < MH_M && a < 0xc6140000; a++) {
		v = a;
		s = hsiphash(&v, sizeof(v), &mh_test_k1) % MH_M;
		if (!__test_and_set_bit(s, seen)) {
			src[s] = a;
			found++;
		}
	}
	KUNIT_ASSERT_EQ(test, MH_M, found);
	return src;
}

static struct lvs_dest *mh_pick_dest(struct sched_fixture *f,
				     const struct lvs_packet *pkt)
{
	struct lvs_dest *dest;

	rcu_read_lock();
	local_bh_disable();
	dest = f->sched->schedule(&f->svc, pkt);
	local_bh_enable();
	rcu_read_unlock();
	return dest;
}

/* The real server of every slot (NULL where none is available). */
static void mh_read_table(struct sched_fixture *f, const u32 *src,
			  struct lvs_dest **owner)
{
	struct lvs_packet pkt;
	unsigned int s;

	sched_fixture_packet(&pkt, 0);
	for (s = 0; s < MH_M; s++) {
		pkt.saddr.ip = htonl(src[s]);
		owner[s] = mh_pick_dest(f, &pkt);
	}
}

/*
 * Add real server 10.1.x.y = 0x0a010001 + @i:80 as sched_fixture_add()
 * does, without a place in f->dests (there are at most 16); with @call
 * false it only joins the list, as the servers a new scheduler finds.
 */
static struct lvs_dest *mh_add_server(struct sched_fixture *f,
				      unsigned int i, int weight, bool call,
				      int *err)
{
	struct kunit *test = f->test;
	struct lvs_dest *dest;

	dest = kunit_kzalloc(test, sizeof(*dest), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	dest->af = AF_INET;
	dest->addr.ip = htonl(0x0a010001 + i);
	dest->port = htons(80);
	dest->weight = weight;
	dest->svc = &f->svc;
	INIT_LIST_HEAD(&dest->trash_list);
	set_bit(LVS_DEST_AVAILABLE, &dest->flags);

	mutex_lock(&f->lnet.config_mutex);
	list_add_rcu(&dest->list, &f->svc.dests);
	f->svc.num_dests++;
	*err = call ? f->sched->add_dest(&f->svc, dest) : 0;
	mutex_unlock(&f->lnet.config_mutex);
	return dest;
}

static unsigned int mh_server_index(const struct lvs_dest *dest)
{
	return ntohl(dest->addr.ip) - 0x0a010001;
}

/* Quiescing keeps the table: the server's slots choose none meanwhile. */
static void mh_quiesce_keeps_table_test(struct kunit *test)
{
	struct sched_fixture *f = mh_fixture(test, AF_INET, 0, 4, mh_equal);
	struct lvs_dest **before, **during, **after;
	unsigned int s, held = 0;
	u32 *src;

	src = mh_slot_sources(test);
	before = kunit_kcalloc(test, MH_M, sizeof(*before), GFP_KERNEL);
	during = kunit_kcalloc(test, MH_M, sizeof(*during), GFP_KERNEL);
	after = kunit_kcalloc(test, MH_M, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, during);
	KUNIT_ASSERT_NOT_NULL(test, after);

	mh_read_table(f, src, before);
	sched_fixture_set_weight(f, f->dests[3], 0);
	mh_read_table(f, src, during);
	sched_fixture_set_weight(f, f->dests[3], 1);
	mh_read_table(f, src, after);
	for (s = 0; s < MH_M; s++) {
		KUNIT_ASSERT_NOT_NULL(test, before[s]);
		if (before[s] == f->dests[3]) {
			held++;
			KUNIT_EXPECT_NULL(test, during[s]);
		} else {
			KUNIT_EXPECT_PTR_EQ(test, before[s], during[s]);
		}
		KUNIT_EXPECT_PTR_EQ(test, before[s], after[s]);
	}
	/* 4093 = 4 * 1023 + 1: the newest takes the odd slot */
	KUNIT_EXPECT_EQ(test, 1024, held);
}

struct mh_share_case {
	const char *name;
	int n;
	int weights[MH_SERVERS_MAX];
	unsigned int slots[MH_SERVERS_MAX];
};

/*
 * Each round gives every server (newest first) its turns: weight / gcd,
 * shifted right by fls(max / gcd) - 6 when that is positive, at least 1.
 */
static const struct mh_share_case mh_share_cases[] = {
	/* rounds 1 0 0: 4093 = 3 * 1364 + 1 */
	{ "weights 2,1", 2, { 2, 1 }, { 2728, 1365 } },
	/* gcd 2: the same turns as 2,1 */
	{ "weights 4,2: gcd 2", 2, { 4, 2 }, { 2728, 1365 } },
	/* max 64 -> shift 1: turns 32 and 1 -> 3968 + 124 + 1 */
	{ "weights 64,1: shift 1", 2, { 64, 1 }, { 3968, 125 } },
	/* max 1000 -> shift 4: turns 62 and 1; 4093 = 63 * 64 + 61 */
	{ "weights 1000,1: shift 4", 2, { 1000, 1 }, { 4028, 65 } },
	/* rounds of 6: 4093 = 6 * 682 + 1, servers 3 2 1 0 0 0 */
	{ "weights 3,1,1,1", 4, { 3, 1, 1, 1 }, { 2046, 682, 682, 683 } },
};

static void mh_share_desc(const struct mh_share_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mh_share, mh_share_cases, mh_share_desc);

/* Slots per server follow the weights as IPVS turns them. */
static void mh_share_test(struct kunit *test)
{
	const struct mh_share_case *c = test->param_value;
	unsigned int count[MH_SERVERS_MAX] = {};
	struct lvs_dest **owner;
	struct sched_fixture *f;
	unsigned int s;
	u32 *src;
	int i;

	f = mh_fixture(test, AF_INET, 0, c->n, c->weights);
	src = mh_slot_sources(test);
	owner = kunit_kcalloc(test, MH_M, sizeof(*owner), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, owner);
	mh_read_table(f, src, owner);
	for (s = 0; s < MH_M; s++)
		for (i = 0; i < c->n; i++)
			if (owner[s] == f->dests[i])
				count[i]++;
	for (i = 0; i < c->n; i++)
		KUNIT_EXPECT_EQ_MSG(test, c->slots[i], count[i], "server %d", i);
}

struct mh_disruption_case {
	const char *name;
	unsigned int n;			/* servers 10.1.x.y, weight 1 */
	unsigned int max, min;		/* slots per server */
	unsigned int moved;		/* of the others', removing n / 2 */
};

/* Figures from the model (see the top of the file). */
static const struct mh_disruption_case mh_disruption_cases[] = {
	{ "2 servers", 2, 2047, 2046, 0 },
	{ "3 servers", 3, 1365, 1364, 3 },
	{ "10 servers", 10, 410, 409, 52 },
	{ "16 servers", 16, 256, 255, 68 },
	{ "100 servers", 100, 41, 40, 131 },
	{ "1000 servers", 1000, 5, 4, 25 },
};

static void mh_disruption_desc(const struct mh_disruption_case *c,
			       char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mh_disruption, mh_disruption_cases, mh_disruption_desc);

/*
 * Balance and disruption: slots per server with n equal servers, and how
 * many slots of the other servers move when server n / 2 is removed.
 * Maglev keeps that small but not zero: removing a server frees its slots
 * and the fill that follows claims them in a different order, which can
 * push another server's later claims elsewhere.
 */
static void mh_disruption_test(struct kunit *test)
{
	const struct mh_disruption_case *c = test->param_value;
	unsigned int s, i, max = 0, min = UINT_MAX, moved = 0, others = 0;
	struct lvs_dest **before, **after, *gone = NULL;
	struct sched_fixture *f;
	unsigned int *count;
	int err;
	u32 *src;

	f = sched_fixture_new(test, "mh", AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		struct lvs_dest *dest = mh_add_server(f, i, 1, true, &err);

		KUNIT_ASSERT_EQ(test, 0, err);
		if (i == c->n / 2)
			gone = dest;
	}
	src = mh_slot_sources(test);
	before = kunit_kcalloc(test, MH_M, sizeof(*before), GFP_KERNEL);
	after = kunit_kcalloc(test, MH_M, sizeof(*after), GFP_KERNEL);
	count = kunit_kcalloc(test, c->n, sizeof(*count), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_NOT_NULL(test, count);

	mh_read_table(f, src, before);
	for (s = 0; s < MH_M; s++) {
		KUNIT_ASSERT_NOT_NULL(test, before[s]);
		count[mh_server_index(before[s])]++;
	}
	for (i = 0; i < c->n; i++) {
		max = max(max, count[i]);
		min = min(min, count[i]);
	}
	sched_fixture_del(f, gone);
	mh_read_table(f, src, after);
	for (s = 0; s < MH_M; s++) {
		KUNIT_ASSERT_NOT_NULL(test, after[s]);
		KUNIT_EXPECT_PTR_NE(test, gone, after[s]);
		if (before[s] == gone)
			continue;
		others++;
		if (before[s] != after[s])
			moved++;
	}
	kunit_info(test,
		   "%u servers: %u..%u slots each, max/mean %u.%04u; removing one moved %u of the %u other slots (%u.%02u%%)\n",
		   c->n, min, max, max * c->n / MH_M,
		   max * c->n % MH_M * 10000 / MH_M, moved, others,
		   moved * 100 / others, moved * 10000 / others % 100);
	KUNIT_EXPECT_EQ(test, c->max, max);
	KUNIT_EXPECT_EQ(test, c->min, min);
	KUNIT_EXPECT_EQ(test, c->moved, moved);
}

/* IPVS's table cannot take more real servers than slots. */
static void mh_too_many_test(struct kunit *test)
{
	struct sched_fixture *f = sched_fixture_new(test, "mh", AF_INET, 0);
	unsigned int i;
	int err;

	for (i = 0; i < MH_M; i++)
		mh_add_server(f, i, 1, false, &err);
	mh_add_server(f, MH_M, 1, true, &err);
	KUNIT_EXPECT_EQ(test, -EINVAL, err);
}

static struct kunit_case lvs_sched_mh_cases[] = {
	KUNIT_CASE_PARAM(mh_choice_test, mh_gen_params),
	KUNIT_CASE(mh_determinism_test),
	KUNIT_CASE(mh_weight_change_test),
	KUNIT_CASE(mh_quiesce_keeps_table_test),
	KUNIT_CASE_PARAM(mh_share_test, mh_share_gen_params),
	KUNIT_CASE_PARAM(mh_disruption_test, mh_disruption_gen_params),
	KUNIT_CASE(mh_too_many_test),
	{}
};

static struct kunit_suite lvs_sched_mh_suite = {
	.name = "lvs_sched_mh",
	.test_cases = lvs_sched_mh_cases,
};

kunit_test_suite(lvs_sched_mh_suite);
