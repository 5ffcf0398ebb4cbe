// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_lblc: the real server IPVS's locality-based
 * least-connection picks. Real servers are named by the order they were
 * added (0, 1, ...; 10.0.0.<i + 1> or 2001:db8::<i + 1>, port 80); the
 * list keeps the newest first.
 *
 * Each case is a short script: connection counts, weights, flags and
 * membership change between picks, and each pick names the server IPVS's
 * rule gives (see sched/lblc.c), worked out by hand: the load is
 * 257 * active + inactive connections over the weight, ties go to the
 * newest server, and a cached server stays unless it is quiescent, gone,
 * or has more active connections than its weight while some server has
 * fewer than half its own.
 *
 * Expiry (a cleanup every minute, a sweep for entries idle for
 * lblc_expiration every 30) is not covered: it would need a clock the
 * tests can move.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/inet.h>

#include "sched_fixture.h"

#define LBLC_SERVERS_MAX	4
#define LBLC_STEPS_MAX		16
#define LBLC_TEST_CAPACITY	24576	/* IPVS: 1.5 * 16 * 1024 entries */

enum lblc_op {
	OP_END,
	OP_PICK,	/* a: destination (index), b: expected server */
	OP_CONNS,	/* a: server, b: active, c: inactive */
	OP_WEIGHT,	/* a: server, b: weight */
	OP_OVER,	/* a: server, b: LVS_DEST_OVERLOAD on or off */
	OP_DEL,		/* a: server */
	OP_READD,	/* a: server to add back (as a new one), b: weight */
};

struct lblc_step {
	enum lblc_op op;
	int a, b, c;
};

struct lblc_case {
	const char *name;
	u16 af;
	int n;
	int weights[LBLC_SERVERS_MAX];
	const char *daddr[2];
	struct lblc_step steps[LBLC_STEPS_MAX];
};

static void lblc_addr(struct kunit *test, u16 af, const char *s,
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

static struct sched_fixture *lblc_fixture(struct kunit *test, u16 af, int n,
					  const int *weights)
{
	struct sched_fixture *f = sched_fixture_new(test, "lblc", af, 0);
	union nf_inet_addr addr;
	char s[INET6_ADDRSTRLEN];
	int i;

	/* the fixture's namespace starts zeroed: IPVS's default */
	f->lnet.sysctl.lblc_expiration = 24 * 60 * 60 * HZ;
	for (i = 0; i < n; i++) {
		if (af == AF_INET) {
			sched_fixture_add_nth(f, weights[i]);
			continue;
		}
		snprintf(s, sizeof(s), "2001:db8::%x", i + 1);
		lblc_addr(test, af, s, &addr);
		sched_fixture_add(f, &addr, htons(80), weights[i]);
	}
	return f;
}

static int lblc_pick(struct sched_fixture *f, const union nf_inet_addr *daddr)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 7);
	pkt.af = f->svc.af;
	if (pkt.af == AF_INET6)
		lblc_addr(f->test, pkt.af, "2001:db8:c::7", &pkt.saddr);
	pkt.daddr = *daddr;
	return sched_fixture_pick(f, &pkt);
}

static const struct lblc_case lblc_cases[] = {
	/* loads 514, 257, 771: server 1 */
	{ "no entry: least connections", AF_INET, 3, { 1, 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_CONNS, 0, 2 }, { OP_CONNS, 1, 1 }, { OP_CONNS, 2, 3 },
		{ OP_PICK, 0, 1 } } },
	{ "no entry: a tie goes to the newest", AF_INET, 3, { 1, 1, 1 },
	  { "10.9.0.1" }, { { OP_PICK, 0, 2 } } },
	/* 257 / 1 against 514 / 3: server 0 */
	{ "no entry: load over weight", AF_INET, 2, { 3, 1 },
	  { "10.9.0.1" }, {
		{ OP_CONNS, 0, 2 }, { OP_CONNS, 1, 1 }, { OP_PICK, 0, 0 } } },
	/* 257 against 256: server 0, though 256 * 1 + 0 would tie */
	{ "no entry: an active connection weighs 257", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_CONNS, 0, 0, 256 }, { OP_CONNS, 1, 1, 0 },
		{ OP_PICK, 0, 0 } } },
	{ "no entry: quiescent and flagged servers skipped", AF_INET, 3,
	  { 1, 0, 1 }, { "10.9.0.1" }, {
		{ OP_OVER, 2, 1 }, { OP_CONNS, 0, 5 }, { OP_PICK, 0, 0 } } },
	{ "all quiescent: none", AF_INET, 2, { 0, 0 }, { "10.9.0.1" },
	  { { OP_PICK, 0, -1 }, { OP_PICK, 0, -1 } } },
	{ "all flagged overloaded: none", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_OVER, 0, 1 }, { OP_OVER, 1, 1 }, { OP_PICK, 0, -1 } } },
	{ "entry kept though another is less loaded", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1", "10.9.0.2" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 3 }, { OP_PICK, 0, 1 },
		{ OP_PICK, 1, 0 } } },
	{ "entry moves: over weight while another is under half", AF_INET, 2,
	  { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 1, 0 }, { OP_PICK, 0, 0 } } },
	/* 2 * 2 is not under 4 */
	{ "entry kept: over weight, nobody under half", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 2 },
		{ OP_PICK, 0, 1 } } },
	{ "entry kept: the overload flag is not looked at", AF_INET, 2,
	  { 1, 1 }, { "10.9.0.1", "10.9.0.2" }, {
		{ OP_PICK, 0, 1 }, { OP_OVER, 1, 1 }, { OP_PICK, 0, 1 },
		{ OP_PICK, 1, 0 } } },
	{ "entry moves: quiesced server", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_WEIGHT, 1, 0 }, { OP_PICK, 0, 0 },
		{ OP_WEIGHT, 1, 1 }, { OP_PICK, 0, 0 } } },
	{ "entry moves: removed server", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_DEL, 1 }, { OP_PICK, 0, 0 },
		{ OP_PICK, 0, 0 } } },
	/* as IPVS, whose entry holds the removed server in the trash */
	{ "entry holds: server removed and added back", AF_INET, 2,
	  { 1, 1 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_DEL, 1 }, { OP_READD, 1, 1 },
		{ OP_CONNS, 2, 1 }, { OP_PICK, 0, 2 } } },
	{ "entry moved on before the server came back", AF_INET, 2,
	  { 1, 1 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_DEL, 1 }, { OP_PICK, 0, 0 },
		{ OP_READD, 1, 1 }, { OP_PICK, 0, 0 } } },
	{ "one entry per destination", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1", "10.9.0.2" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 1 }, { OP_PICK, 1, 0 },
		{ OP_CONNS, 0, 1 }, { OP_PICK, 0, 1 }, { OP_PICK, 1, 0 } } },
	/* both fold to 0x20080db9: one chain, two entries */
	{ "IPv6: same chain, separate entries", AF_INET6, 2, { 1, 1 },
	  { "2001:db8:9::1", "2001:db8:9::1:0:0" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 1 }, { OP_PICK, 1, 0 },
		{ OP_PICK, 0, 1 }, { OP_PICK, 1, 0 } } },
	{ "IPv6: entry moves off a quiesced server", AF_INET6, 2, { 1, 1 },
	  { "2001:db8:9::1" }, {
		{ OP_PICK, 0, 1 }, { OP_WEIGHT, 1, 0 }, { OP_PICK, 0, 0 } } },
};

static void lblc_case_desc(const struct lblc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lblc, lblc_cases, lblc_case_desc);

static void lblc_script_test(struct kunit *test)
{
	const struct lblc_case *c = test->param_value;
	union nf_inet_addr daddr[ARRAY_SIZE(c->daddr)];
	const struct lblc_step *s;
	struct sched_fixture *f;
	struct lvs_dest *d;
	int i;

	f = lblc_fixture(test, c->af, c->n, c->weights);
	for (i = 0; i < ARRAY_SIZE(c->daddr) && c->daddr[i]; i++)
		lblc_addr(test, c->af, c->daddr[i], &daddr[i]);
	for (s = c->steps; s < c->steps + LBLC_STEPS_MAX && s->op; s++) {
		d = s->op == OP_PICK ? NULL : f->dests[s->a];
		switch (s->op) {
		case OP_PICK:
			KUNIT_EXPECT_EQ_MSG(test, s->b, lblc_pick(f, &daddr[s->a]),
					    "step %td", s - c->steps);
			break;
		case OP_CONNS:
			atomic_set(&d->activeconns, s->b);
			atomic_set(&d->inactconns, s->c);
			break;
		case OP_WEIGHT:
			sched_fixture_set_weight(f, d, s->b);
			break;
		case OP_OVER:
			assign_bit(LVS_DEST_OVERLOAD, &d->flags, s->b);
			break;
		case OP_DEL:
			sched_fixture_del(f, d);
			break;
		case OP_READD:
			sched_fixture_add(f, &d->addr, d->port, s->b);
			break;
		default:
			KUNIT_FAIL(test, "bad step %td", s - c->steps);
		}
	}
}

/* Destination 10.128.0.0 + @i. */
static union nf_inet_addr lblc_nth(unsigned int i)
{
	union nf_inet_addr a = { .ip = htonl(0x0a800000 + i) };

	return a;
}

/*
 * Ask for destinations 0 .. @n - 1, pausing every 32 so that the pool's
 * growth (work queued when a quarter of it is left) keeps up, as it does
 * at any rate below a few thousand new destinations per millisecond.
 */
static void lblc_fill(struct sched_fixture *f, unsigned int n, int expect)
{
	union nf_inet_addr a;
	unsigned int i;

	for (i = 0; i < n; i++) {
		a = lblc_nth(i);
		KUNIT_ASSERT_EQ(f->test, expect, lblc_pick(f, &a));
		if (i % 32 == 31)
			usleep_range(1000, 2000);
	}
}

/* Destinations that still go to server 1 once server 0 is preferred. */
static unsigned int lblc_cached(struct sched_fixture *f, unsigned int n)
{
	unsigned int i, cached = 0;
	union nf_inet_addr a;

	atomic_set(&f->dests[1]->activeconns, 1);
	for (i = 0; i < n; i++) {
		a = lblc_nth(i);
		if (lblc_pick(f, &a) == 1)
			cached++;
	}
	return cached;
}

/* The pool grows from 256 entries with the cache, in the background. */
static void lblc_growth_test(struct kunit *test)
{
	static const int weights[] = { 100, 100 };
	struct sched_fixture *f = lblc_fixture(test, AF_INET, 2, weights);

	lblc_fill(f, 3000, 1);
	KUNIT_EXPECT_EQ(test, 3000, lblc_cached(f, 3000));
}

/* As IPVS, no more than 24576 entries: the next destinations go uncached. */
static void lblc_capacity_test(struct kunit *test)
{
	static const int weights[] = { 100, 100 };
	struct sched_fixture *f = lblc_fixture(test, AF_INET, 2, weights);
	union nf_inet_addr a;

	lblc_fill(f, LBLC_TEST_CAPACITY + 10, 1);
	KUNIT_EXPECT_EQ(test, LBLC_TEST_CAPACITY,
			lblc_cached(f, LBLC_TEST_CAPACITY + 10));
	a = lblc_nth(LBLC_TEST_CAPACITY);
	KUNIT_EXPECT_EQ(test, 0, lblc_pick(f, &a));
	a = lblc_nth(LBLC_TEST_CAPACITY - 1);
	KUNIT_EXPECT_EQ(test, 1, lblc_pick(f, &a));
}

static struct kunit_case lvs_sched_lblc_cases[] = {
	KUNIT_CASE_PARAM(lblc_script_test, lblc_gen_params),
	KUNIT_CASE(lblc_growth_test),
	KUNIT_CASE(lblc_capacity_test),
	{}
};

static struct kunit_suite lvs_sched_lblc_suite = {
	.name = "lvs_sched_lblc",
	.test_cases = lvs_sched_lblc_cases,
};

kunit_test_suite(lvs_sched_lblc_suite);
