// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sched_lblcr: the real server IPVS's locality-based
 * least-connection with replication picks. Real servers are named by the
 * order they were added (0, 1, ...; 10.0.0.<i + 1> or 2001:db8::<i + 1>,
 * port 80); the list keeps the newest first.
 *
 * Each case is a short script: connection counts, weights, flags and
 * membership change between picks, and each pick names the server IPVS's
 * rule gives (see sched/lblcr.c), worked out by hand: the load is
 * 257 * active + inactive connections over the weight; a destination's
 * set answers with its least-loaded usable member (ties to the member that
 * joined last) unless that member has more active connections than its
 * weight while some server has fewer than half its own; then the
 * service's least-loaded server (ties to the newest) answers and joins the
 * set.
 *
 * The shrinking of sets is tested with lblcr_expiration set to 0 (the
 * fixture's namespace is otherwise given IPVS's default, 24 hours); the
 * expiry of entries (a cleanup every minute, a sweep every 30) is not
 * covered: it would need a clock the tests can move.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/inet.h>

#include "sched_fixture.h"

#define LBLCR_SERVERS_MAX	4
#define LBLCR_STEPS_MAX		16
#define LBLCR_TEST_CAPACITY	24576	/* IPVS: 1.5 * 16 * 1024 entries */

enum lblcr_op {
	OP_END,
	OP_PICK,	/* a: destination (index), b: expected server */
	OP_CONNS,	/* a: server, b: active, c: inactive */
	OP_WEIGHT,	/* a: server, b: weight */
	OP_OVER,	/* a: server, b: LVS_DEST_OVERLOAD on or off */
	OP_DEL,		/* a: server */
	OP_READD,	/* a: server to add back (as a new one), b: weight */
	OP_EXPIRE,	/* b: lblcr_expiration, seconds */
	OP_TICK,	/* let jiffies move on */
};

struct lblcr_step {
	enum lblcr_op op;
	int a, b, c;
};

struct lblcr_case {
	const char *name;
	u16 af;
	int n;
	int weights[LBLCR_SERVERS_MAX];
	const char *daddr[2];
	struct lblcr_step steps[LBLCR_STEPS_MAX];
};

static void lblcr_addr(struct kunit *test, u16 af, const char *s,
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

static struct sched_fixture *lblcr_fixture(struct kunit *test, u16 af,
					   int n, const int *weights)
{
	struct sched_fixture *f = sched_fixture_new(test, "lblcr", af, 0);
	union nf_inet_addr addr;
	char s[INET6_ADDRSTRLEN];
	int i;

	/* the fixture's namespace starts zeroed: IPVS's default */
	f->lnet.sysctl.lblcr_expiration = 24 * 60 * 60 * HZ;
	for (i = 0; i < n; i++) {
		if (af == AF_INET) {
			sched_fixture_add_nth(f, weights[i]);
			continue;
		}
		snprintf(s, sizeof(s), "2001:db8::%x", i + 1);
		lblcr_addr(test, af, s, &addr);
		sched_fixture_add(f, &addr, htons(80), weights[i]);
	}
	return f;
}

static int lblcr_pick(struct sched_fixture *f, const union nf_inet_addr *daddr)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 7);
	pkt.af = f->svc.af;
	if (pkt.af == AF_INET6)
		lblcr_addr(f->test, pkt.af, "2001:db8:c::7", &pkt.saddr);
	pkt.daddr = *daddr;
	return sched_fixture_pick(f, &pkt);
}

static const struct lblcr_case lblcr_cases[] = {
	/* loads 514, 257, 771: server 1 */
	{ "no entry: least connections", AF_INET, 3, { 1, 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_CONNS, 0, 2 }, { OP_CONNS, 1, 1 }, { OP_CONNS, 2, 3 },
		{ OP_PICK, 0, 1 } } },
	{ "no entry: a tie goes to the newest", AF_INET, 3, { 1, 1, 1 },
	  { "10.9.0.1" }, { { OP_PICK, 0, 2 } } },
	/* 257 against 256: server 0, though 256 * 1 + 0 would tie */
	{ "no entry: an active connection weighs 257", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_CONNS, 0, 0, 256 }, { OP_CONNS, 1, 1, 0 },
		{ OP_PICK, 0, 0 } } },
	/* 257 / 1 against 514 / 3: server 0 */
	{ "no entry: load over weight", AF_INET, 2, { 3, 1 },
	  { "10.9.0.1" }, {
		{ OP_CONNS, 0, 2 }, { OP_CONNS, 1, 1 }, { OP_PICK, 0, 0 } } },
	{ "all quiescent: none", AF_INET, 2, { 0, 0 }, { "10.9.0.1" },
	  { { OP_PICK, 0, -1 }, { OP_PICK, 0, -1 } } },
	{ "all flagged overloaded: none", AF_INET, 2, { 1, 1 },
	  { "10.9.0.1" }, {
		{ OP_OVER, 0, 1 }, { OP_OVER, 1, 1 }, { OP_PICK, 0, -1 } } },
	{ "member kept though another server is less loaded", AF_INET, 2,
	  { 4, 4 }, { "10.9.0.1", "10.9.0.2" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 3 }, { OP_PICK, 0, 1 },
		{ OP_PICK, 1, 0 } } },
	/* 2 * 2 is not under 4 */
	{ "member kept: over weight, nobody under half", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 2 },
		{ OP_PICK, 0, 1 } } },
	{ "over weight while another is under half: it joins", AF_INET, 2,
	  { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 } } },
	/* after the join the set answers with its least-loaded member */
	/*
	 * The next cases start by making the set of destination 0 {0, 1},
	 * server 0 having joined last, then set all loads to zero.
	 */
	{ "replicated: the least-loaded member answers", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_CONNS, 0, 1 }, { OP_PICK, 0, 1 },
		{ OP_CONNS, 1, 2 }, { OP_PICK, 0, 0 } } },
	{ "a tie in the set goes to the member that joined last", AF_INET, 2,
	  { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_PICK, 0, 0 } } },
	{ "quiescent member skipped", AF_INET, 2, { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_WEIGHT, 0, 0 }, { OP_PICK, 0, 1 } } },
	{ "flagged member skipped", AF_INET, 2, { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_OVER, 0, 1 }, { OP_PICK, 0, 1 } } },
	{ "no usable member: the least server joins", AF_INET, 3,
	  { 1, 1, 1 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 2 }, { OP_WEIGHT, 2, 0 }, { OP_PICK, 0, 1 },
		{ OP_WEIGHT, 2, 1 }, { OP_PICK, 0, 1 } } },
	/* as IPVS, whose member holds the removed server in the trash */
	{ "removed member skipped, counts again once added back", AF_INET, 2,
	  { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_DEL, 0 }, { OP_PICK, 0, 1 },
		{ OP_READD, 0, 4 }, { OP_PICK, 0, 2 } } },
	/* server 1 is still a member when it comes back, as server 2 */
	{ "only member removed: another joins, the old one returns", AF_INET,
	  2, { 1, 1 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_DEL, 1 }, { OP_PICK, 0, 0 },
		{ OP_READD, 1, 1 }, { OP_CONNS, 0, 1 }, { OP_PICK, 0, 2 } } },
	/* member 1 (514) is dropped, member 0 (0) answers and stays alone */
	{ "old set: the most loaded member is dropped", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_CONNS, 1, 2 }, { OP_EXPIRE, 0, 0 }, { OP_TICK },
		{ OP_PICK, 0, 0 }, { OP_EXPIRE, 0, 86400 },
		{ OP_CONNS, 0, 3 }, { OP_CONNS, 1, 0 }, { OP_PICK, 0, 0 } } },
	/* equal loads: the first member is both least and most loaded */
	{ "old set, equal loads: the member chosen is dropped", AF_INET, 2,
	  { 4, 4 }, { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_EXPIRE, 0, 0 }, { OP_TICK }, { OP_PICK, 0, 0 },
		{ OP_EXPIRE, 0, 86400 }, { OP_PICK, 0, 1 } } },
	{ "old set of one member is kept", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_EXPIRE, 0, 0 }, { OP_TICK },
		{ OP_PICK, 0, 1 }, { OP_PICK, 0, 1 } } },
	{ "young set: no member dropped", AF_INET, 2, { 4, 4 },
	  { "10.9.0.1" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 5 }, { OP_CONNS, 0, 1 },
		{ OP_PICK, 0, 0 }, { OP_CONNS, 0, 0 }, { OP_CONNS, 1, 0 },
		{ OP_CONNS, 1, 2 }, { OP_PICK, 0, 0 }, { OP_CONNS, 0, 3 },
		{ OP_CONNS, 1, 0 }, { OP_PICK, 0, 1 } } },
	/* both fold to 0x20080db9: one chain, two entries */
	{ "IPv6: same chain, separate sets", AF_INET6, 2, { 1, 1 },
	  { "2001:db8:9::1", "2001:db8:9::1:0:0" }, {
		{ OP_PICK, 0, 1 }, { OP_CONNS, 1, 1 }, { OP_PICK, 1, 0 },
		{ OP_PICK, 0, 1 }, { OP_PICK, 1, 0 } } },
};

/* Wait until jiffies has moved on by two. */
static void lblcr_tick(void)
{
	unsigned long start = jiffies;

	while (time_before_eq(jiffies, start + 1))
		usleep_range(1000, 2000);
}

static void lblcr_case_desc(const struct lblcr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lblcr, lblcr_cases, lblcr_case_desc);

static void lblcr_script_test(struct kunit *test)
{
	const struct lblcr_case *c = test->param_value;
	union nf_inet_addr daddr[ARRAY_SIZE(c->daddr)];
	const struct lblcr_step *s;
	struct sched_fixture *f;
	struct lvs_dest *d;
	int i;

	f = lblcr_fixture(test, c->af, c->n, c->weights);
	for (i = 0; i < ARRAY_SIZE(c->daddr) && c->daddr[i]; i++)
		lblcr_addr(test, c->af, c->daddr[i], &daddr[i]);
	for (s = c->steps; s < c->steps + LBLCR_STEPS_MAX && s->op; s++) {
		d = s->op == OP_PICK || s->op > OP_READD ? NULL :
		    f->dests[s->a];
		switch (s->op) {
		case OP_PICK:
			KUNIT_EXPECT_EQ_MSG(test, s->b, lblcr_pick(f, &daddr[s->a]),
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
		case OP_EXPIRE:
			WRITE_ONCE(f->lnet.sysctl.lblcr_expiration, s->b * HZ);
			break;
		case OP_TICK:
			lblcr_tick();
			break;
		default:
			KUNIT_FAIL(test, "bad step %td", s - c->steps);
		}
	}
}

/* Destination 10.128.0.0 + @i. */
static union nf_inet_addr lblcr_nth(unsigned int i)
{
	union nf_inet_addr a = { .ip = htonl(0x0a800000 + i) };

	return a;
}

/*
 * Ask for destinations 0 .. @n - 1, pausing every 32 so that the pool's
 * growth (work queued when a quarter of it is left) keeps up, as it does
 * at any rate below a few thousand new destinations per millisecond.
 */
static void lblcr_fill(struct sched_fixture *f, unsigned int n, int expect)
{
	union nf_inet_addr a;
	unsigned int i;

	for (i = 0; i < n; i++) {
		a = lblcr_nth(i);
		KUNIT_ASSERT_EQ(f->test, expect, lblcr_pick(f, &a));
		if (i % 32 == 31)
			usleep_range(1000, 2000);
	}
}

/* Destinations that still go to server 1 once server 0 is preferred. */
static unsigned int lblcr_cached(struct sched_fixture *f, unsigned int n)
{
	unsigned int i, cached = 0;
	union nf_inet_addr a;

	atomic_set(&f->dests[1]->activeconns, 1);
	for (i = 0; i < n; i++) {
		a = lblcr_nth(i);
		if (lblcr_pick(f, &a) == 1)
			cached++;
	}
	return cached;
}

/* The pool grows from 256 entries with the cache, in the background. */
static void lblcr_growth_test(struct kunit *test)
{
	static const int weights[] = { 100, 100 };
	struct sched_fixture *f = lblcr_fixture(test, AF_INET, 2, weights);

	lblcr_fill(f, 3000, 1);
	KUNIT_EXPECT_EQ(test, 3000, lblcr_cached(f, 3000));
}

/* As IPVS, no more than 24576 entries: the next destinations go uncached. */
static void lblcr_capacity_test(struct kunit *test)
{
	static const int weights[] = { 100, 100 };
	struct sched_fixture *f = lblcr_fixture(test, AF_INET, 2, weights);
	union nf_inet_addr a;

	lblcr_fill(f, LBLCR_TEST_CAPACITY + 10, 1);
	KUNIT_EXPECT_EQ(test, LBLCR_TEST_CAPACITY,
			lblcr_cached(f, LBLCR_TEST_CAPACITY + 10));
	a = lblcr_nth(LBLCR_TEST_CAPACITY);
	KUNIT_EXPECT_EQ(test, 0, lblcr_pick(f, &a));
	a = lblcr_nth(LBLCR_TEST_CAPACITY - 1);
	KUNIT_EXPECT_EQ(test, 1, lblcr_pick(f, &a));
}

static struct kunit_case lvs_sched_lblcr_cases[] = {
	KUNIT_CASE_PARAM(lblcr_script_test, lblcr_gen_params),
	KUNIT_CASE(lblcr_growth_test),
	KUNIT_CASE(lblcr_capacity_test),
	{}
};

static struct kunit_suite lvs_sched_lblcr_suite = {
	.name = "lvs_sched_lblcr",
	.test_cases = lvs_sched_lblcr_cases,
};

kunit_test_suite(lvs_sched_lblcr_suite);
