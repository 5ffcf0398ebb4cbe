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

#define SCHED_CHOICE_MAX	6

/*
 * One choice of a scheduler that looks at weights and connection counts:
 * real servers added in order with their weights and counts, some
 * overloaded; optionally a first choice, then weight changes and removals,
 * then the choice expected (an index into the servers, -1 for none).
 */
struct sched_choice_case {
	const char *name;
	int n;					/* real servers */
	int weight[SCHED_CHOICE_MAX];		/* in the order added */
	int active[SCHED_CHOICE_MAX];
	int inact[SCHED_CHOICE_MAX];
	unsigned int overload;		/* bit i: server i overloaded */
	unsigned int reweight;		/* bit i: server i gets new_weight[i] */
	int new_weight[SCHED_CHOICE_MAX];
	unsigned int removed;		/* bit i: server i is removed */
	int before;			/* choice before reweight/removed */
	int expect;			/* index chosen, -1 for none */
};

void sched_choice_desc(const struct sched_choice_case *c, char *desc);
/* Play case @c against scheduler @name. */
void sched_choice_run(struct kunit *test, const char *name,
		      const struct sched_choice_case *c);

#endif /* _LVS_SCHED_FIXTURE_H */
