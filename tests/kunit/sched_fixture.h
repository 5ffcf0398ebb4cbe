/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service with real servers for the scheduler suites, without the rest
 * of lvs: the real servers sit in the service's list exactly as service.c
 * keeps them (newest first), the scheduler is found by name through the
 * registry (its module must be loaded), and every change calls the same
 * scheduler hooks, under the same lock, as the control plane does.
 */
#ifndef _LVS_SCHED_FIXTURE_H
#define _LVS_SCHED_FIXTURE_H

#include <kunit/test.h>

#include "lvs.h"

#define SCHED_FIXTURE_MAX_DESTS	16

struct sched_fixture {
	struct kunit *test;
	struct lvs_net lnet;
	struct lvs_service svc;
	const struct lvs_scheduler *sched;
	struct lvs_dest *dests[SCHED_FIXTURE_MAX_DESTS];
	int n_dests;
};

/* A fixture for scheduler @name; the test fails if it is not loaded. */
struct sched_fixture *sched_fixture_new(struct kunit *test, const char *name,
					u16 af, u32 flags);
/* Add a real server; it becomes fixture->dests[n] for the n-th call. */
struct lvs_dest *sched_fixture_add(struct sched_fixture *f,
				   const union nf_inet_addr *addr, __be16 port,
				   int weight);
/* Add real server 10.0.0.<n+1>:80 (IPv4) with @weight. */
struct lvs_dest *sched_fixture_add_nth(struct sched_fixture *f, int weight);
void sched_fixture_del(struct sched_fixture *f, struct lvs_dest *dest);
void sched_fixture_set_weight(struct sched_fixture *f, struct lvs_dest *dest,
			      int weight);
/* Ask the scheduler; return the index of the real server chosen, or -1. */
int sched_fixture_pick(struct sched_fixture *f, const struct lvs_packet *pkt);
/* A TCP SYN from 192.0.2.<n % 250 + 1>, port 1024 + n, to 10.1.1.1:80. */
void sched_fixture_packet(struct lvs_packet *pkt, unsigned int n);

#endif /* _LVS_SCHED_FIXTURE_H */
