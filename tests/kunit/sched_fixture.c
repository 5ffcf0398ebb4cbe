// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler suites' fixture; see sched_fixture.h. Teardown is a KUnit
 * action, so a failed assertion still frees the scheduler's state and
 * drops the module reference.
 */
#include <kunit/resource.h>
#include <linux/rculist.h>
#include <net/tcp.h>

#include "sched_fixture.h"

static void sched_fixture_release(void *data)
{
	struct sched_fixture *f = data;

	mutex_lock(&f->lnet.config_mutex);
	if (f->sched->done_service)
		f->sched->done_service(&f->svc);
	mutex_unlock(&f->lnet.config_mutex);
	lvs_sched_put(f->sched);
}

struct sched_fixture *sched_fixture_new(struct kunit *test, const char *name,
					u16 af, u32 flags)
{
	struct sched_fixture *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	mutex_init(&f->lnet.config_mutex);
	f->svc.lnet = &f->lnet;
	f->svc.af = af;
	f->svc.protocol = IPPROTO_TCP;
	f->svc.flags = flags;
	INIT_LIST_HEAD(&f->svc.dests);
	spin_lock_init(&f->svc.sched_lock);

	f->sched = lvs_sched_get(name);
	KUNIT_ASSERT_NOT_NULL_MSG(test, f->sched, "scheduler %s not loaded",
				  name);
	if (f->sched->init_service) {
		mutex_lock(&f->lnet.config_mutex);
		KUNIT_ASSERT_EQ(test, 0, f->sched->init_service(&f->svc));
		mutex_unlock(&f->lnet.config_mutex);
	}
	rcu_assign_pointer(f->svc.sched, f->sched);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, sched_fixture_release,
						  f));
	return f;
}

struct lvs_dest *sched_fixture_add(struct sched_fixture *f,
				   const union nf_inet_addr *addr, __be16 port,
				   int weight)
{
	struct kunit *test = f->test;
	struct lvs_dest *dest;

	KUNIT_ASSERT_LT(test, f->n_dests, SCHED_FIXTURE_MAX_DESTS);
	dest = kunit_kzalloc(test, sizeof(*dest), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	dest->af = f->svc.af;
	dest->addr = *addr;
	dest->port = port;
	dest->weight = weight;
	dest->svc = &f->svc;
	INIT_LIST_HEAD(&dest->trash_list);
	set_bit(LVS_DEST_AVAILABLE, &dest->flags);

	mutex_lock(&f->lnet.config_mutex);
	list_add_rcu(&dest->list, &f->svc.dests);
	f->svc.num_dests++;
	if (f->sched->add_dest)
		KUNIT_EXPECT_EQ(test, 0, f->sched->add_dest(&f->svc, dest));
	mutex_unlock(&f->lnet.config_mutex);
	f->dests[f->n_dests++] = dest;
	return dest;
}

struct lvs_dest *sched_fixture_add_nth(struct sched_fixture *f, int weight)
{
	union nf_inet_addr addr = {
		.ip = htonl(0x0a000001 + f->n_dests),
	};

	return sched_fixture_add(f, &addr, htons(80), weight);
}

/* The real server stays in f->dests (a test may look at it). */
void sched_fixture_del(struct sched_fixture *f, struct lvs_dest *dest)
{
	mutex_lock(&f->lnet.config_mutex);
	list_del_rcu(&dest->list);
	f->svc.num_dests--;
	clear_bit(LVS_DEST_AVAILABLE, &dest->flags);
	if (f->sched->del_dest)
		f->sched->del_dest(&f->svc, dest);
	mutex_unlock(&f->lnet.config_mutex);
	/* nothing reads the list under RCU in the tests but the test itself */
	synchronize_rcu();
}

void sched_fixture_set_weight(struct sched_fixture *f, struct lvs_dest *dest,
			      int weight)
{
	mutex_lock(&f->lnet.config_mutex);
	WRITE_ONCE(dest->weight, weight);
	if (f->sched->upd_dest)
		f->sched->upd_dest(&f->svc, dest);
	mutex_unlock(&f->lnet.config_mutex);
}

int sched_fixture_pick(struct sched_fixture *f, const struct lvs_packet *pkt)
{
	struct lvs_dest *dest;
	int i;

	rcu_read_lock();
	local_bh_disable();
	dest = f->sched->schedule(&f->svc, pkt);
	local_bh_enable();
	rcu_read_unlock();
	if (!dest)
		return -1;
	for (i = 0; i < f->n_dests; i++)
		if (f->dests[i] == dest)
			return i;
	KUNIT_FAIL(f->test, "scheduler chose a real server not in the service");
	return -1;
}

void sched_fixture_packet(struct lvs_packet *pkt, unsigned int n)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->af = AF_INET;
	pkt->protocol = IPPROTO_TCP;
	pkt->tcp_flags = TCPHDR_SYN;
	pkt->saddr.ip = htonl(0xc0000201 + n % 250);
	pkt->daddr.ip = htonl(0x0a010101);
	pkt->sport = htons(1024 + n);
	pkt->dport = htons(80);
}

void sched_choice_desc(const struct sched_choice_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static int sched_choice_pick(struct sched_fixture *f)
{
	struct lvs_packet pkt;

	sched_fixture_packet(&pkt, 0);
	return sched_fixture_pick(f, &pkt);
}

void sched_choice_run(struct kunit *test, const char *name,
		      const struct sched_choice_case *c)
{
	struct sched_fixture *f;
	int i;

	f = sched_fixture_new(test, name, AF_INET, 0);
	for (i = 0; i < c->n; i++) {
		sched_fixture_add_nth(f, c->weight[i]);
		atomic_set(&f->dests[i]->activeconns, c->active[i]);
		atomic_set(&f->dests[i]->inactconns, c->inact[i]);
		if (c->overload & BIT(i))
			set_bit(LVS_DEST_OVERLOAD, &f->dests[i]->flags);
	}
	if (c->reweight || c->removed)
		KUNIT_EXPECT_EQ_MSG(test, c->before, sched_choice_pick(f),
				    "before");
	for (i = 0; i < c->n; i++) {
		if (c->reweight & BIT(i))
			sched_fixture_set_weight(f, f->dests[i],
						 c->new_weight[i]);
		if (c->removed & BIT(i))
			sched_fixture_del(f, f->dests[i]);
	}
	KUNIT_EXPECT_EQ(test, c->expect, sched_choice_pick(f));
}
