// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sync: when a master sends a connection (IPVS's rules,
 * Documentation/networking/ipvs-sysctl.rst): TCP only in the states a
 * backup needs, at once on a change to a closing state, ESTABLISHED and
 * UDP by packet count (sync_threshold, sync_period); templates whenever
 * asked; nothing controlled by a template with sync_persist_mode; with
 * sync_refresh_period, not again until the backup's idea of the end
 * drifted, then at most sync_retries more times.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/slab.h>

#include "lvs.h"

struct sync_fixture {
	struct lvs_net *lnet;
	struct lvs_conn *cp;
};

static int sync_test_init(struct kunit *test)
{
	struct sync_fixture *f;
	unsigned int p, s;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->lnet = kunit_kzalloc(test, sizeof(*f->lnet), GFP_KERNEL);
	f->cp = kunit_kzalloc(test, sizeof(*f->cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->lnet);
	KUNIT_ASSERT_NOT_NULL(test, f->cp);
	for (p = 0; p < LVS_PROTO_COUNT; p++)
		for (s = 0; s < LVS_PROTO_MAX_STATES; s++)
			f->lnet->timeouts[p][s] = 900 * HZ;
	f->lnet->sysctl.sync_threshold[0] = 3;
	f->lnet->sysctl.sync_threshold[1] = 50;
	f->lnet->sysctl.sync_retries = 0;
	f->cp->lnet = f->lnet;
	f->cp->protocol = IPPROTO_TCP;
	test->priv = f;
	return 0;
}

/* @cp in @state (coming from @old) sees its @pkts-th packet: sent? */
static bool tcp_sent(struct sync_fixture *f, unsigned int old,
		     unsigned int state, unsigned int pkts)
{
	f->cp->old_state = old;
	f->cp->state = state;
	return lvs_sync_needed(f->lnet, f->cp, pkts);
}

static void sync_tcp_states_test(struct kunit *test)
{
	struct sync_fixture *f = test->priv;

	/* the handshake is not sent */
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_NONE,
					  LVS_TCP_S_SYN_RECV, 3));
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_SYN_RECV,
					  LVS_TCP_S_SYN_RECV, 53));
	/* established: by packet count, even on the change */
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_SYN_RECV,
					  LVS_TCP_S_ESTABLISHED, 2));
	KUNIT_EXPECT_TRUE(test, tcp_sent(f, LVS_TCP_S_SYN_RECV,
					 LVS_TCP_S_ESTABLISHED, 3));
	KUNIT_EXPECT_EQ(test, f->cp->old_state, LVS_TCP_S_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_ESTABLISHED,
					  LVS_TCP_S_ESTABLISHED, 4));
	KUNIT_EXPECT_TRUE(test, tcp_sent(f, LVS_TCP_S_ESTABLISHED,
					 LVS_TCP_S_ESTABLISHED, 53));
	/* closing: at once on the change, whatever the count */
	KUNIT_EXPECT_TRUE(test, tcp_sent(f, LVS_TCP_S_ESTABLISHED,
					 LVS_TCP_S_FIN_WAIT, 7));
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_FIN_WAIT,
					  LVS_TCP_S_FIN_WAIT, 8));
	KUNIT_EXPECT_TRUE(test, tcp_sent(f, LVS_TCP_S_FIN_WAIT,
					 LVS_TCP_S_TIME_WAIT, 9));
	KUNIT_EXPECT_TRUE(test, tcp_sent(f, LVS_TCP_S_TIME_WAIT,
					 LVS_TCP_S_CLOSE, 10));
	/* LAST_ACK is not a state a backup needs */
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_CLOSE_WAIT,
					  LVS_TCP_S_LAST_ACK, 3));
}

static void sync_udp_count_test(struct kunit *test)
{
	struct sync_fixture *f = test->priv;
	unsigned int pkts, sent = 0;

	f->cp->protocol = IPPROTO_UDP;
	for (pkts = 1; pkts <= 200; pkts++)
		if (lvs_sync_needed(f->lnet, f->cp, pkts)) {
			KUNIT_EXPECT_EQ(test, pkts % 50, 3);
			sent++;
		}
	KUNIT_EXPECT_EQ(test, sent, 4);
	/* sync_period 0: once, at the threshold */
	f->lnet->sysctl.sync_threshold[1] = 0;
	KUNIT_EXPECT_TRUE(test, lvs_sync_needed(f->lnet, f->cp, 3));
	KUNIT_EXPECT_FALSE(test, lvs_sync_needed(f->lnet, f->cp, 53));
}

static void sync_template_test(struct kunit *test)
{
	struct sync_fixture *f = test->priv;
	struct lvs_conn *ct;

	ct = kunit_kzalloc(test, sizeof(*ct), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ct);
	ct->lnet = f->lnet;
	ct->protocol = IPPROTO_TCP;
	ct->flags = LVS_CONN_F_TEMPLATE;
	ct->timeout = 300 * HZ;
	/* a template goes with any packet count */
	KUNIT_EXPECT_TRUE(test, lvs_sync_needed(f->lnet, ct, 1));
	KUNIT_EXPECT_TRUE(test, lvs_sync_needed(f->lnet, ct, 2));
	/* sync_persist_mode: not the connections a template controls */
	f->cp->control = ct;
	f->lnet->sysctl.sync_persist_mode = 1;
	KUNIT_EXPECT_FALSE(test, tcp_sent(f, LVS_TCP_S_ESTABLISHED,
					  LVS_TCP_S_FIN_WAIT, 3));
	f->lnet->sysctl.sync_persist_mode = 0;
	KUNIT_EXPECT_TRUE(test, tcp_sent(f, LVS_TCP_S_ESTABLISHED,
					 LVS_TCP_S_FIN_WAIT, 3));
}

static void sync_refresh_test(struct kunit *test)
{
	struct sync_fixture *f = test->priv;

	f->cp->protocol = IPPROTO_UDP;
	f->lnet->sysctl.sync_refresh_period = 60 * HZ;
	f->lnet->sysctl.sync_threshold[1] = 0;
	/* the first time: sent; again within the period: not */
	KUNIT_EXPECT_TRUE(test, lvs_sync_needed(f->lnet, f->cp, 1));
	KUNIT_EXPECT_FALSE(test, lvs_sync_needed(f->lnet, f->cp, 2));
	/* the backup's idea of the end drifted by more than the period */
	f->cp->sync_endtime -= 120 * HZ;
	KUNIT_EXPECT_TRUE(test, lvs_sync_needed(f->lnet, f->cp, 3));
	KUNIT_EXPECT_EQ(test, f->cp->sync_endtime & 3, 0);
	/* retries: once more after an eighth of the period */
	f->lnet->sysctl.sync_retries = 1;
	f->cp->sync_endtime -= 60 * HZ / 8 + 1;
	f->cp->sync_endtime &= ~3UL;
	KUNIT_EXPECT_TRUE(test, lvs_sync_needed(f->lnet, f->cp, 4));
	KUNIT_EXPECT_EQ(test, f->cp->sync_endtime & 3, 1);
	KUNIT_EXPECT_FALSE(test, lvs_sync_needed(f->lnet, f->cp, 5));
}

static struct kunit_case lvs_sync_cases[] = {
	KUNIT_CASE(sync_tcp_states_test),
	KUNIT_CASE(sync_udp_count_test),
	KUNIT_CASE(sync_template_test),
	KUNIT_CASE(sync_refresh_test),
	{}
};

static struct kunit_suite lvs_sync_suite = {
	.name = "lvs_sync",
	.init = sync_test_init,
	.test_cases = lvs_sync_cases,
};

kunit_test_suite(lvs_sync_suite);
