// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites lvs_proto_tcp and lvs_proto_udp: the per-protocol state
 * machines. A TCP case is a short run of packets, each given as direction
 * and flag byte, fed to next_state from a start state, with the state
 * expected after each packet; the expected states are those an IPVS
 * director reaches on the same packets. Further cases check the printed
 * names, the default timeouts and which packets may open a connection.
 * The secure_tcp cases feed next_state_secure the same way, with the
 * states IPVS reaches while its secure_tcp defence is on; the sloppy
 * cases ask can_schedule with sloppy_tcp set.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <net/tcp.h>

#include "lvs.h"

#define SYN	TCPHDR_SYN
#define ACK	TCPHDR_ACK
#define FIN	TCPHDR_FIN
#define RST	TCPHDR_RST
#define PSH	TCPHDR_PSH

#define IN	LVS_DIR_IN
#define OUT	LVS_DIR_OUT
#define IN_ONLY	LVS_DIR_IN_ONLY

/* One packet and the state the connection must be in after it. */
struct tcp_step {
	enum lvs_dir dir;
	u8 flags;
	unsigned int expect;
};

struct tcp_run_case {
	const char *name;
	unsigned int start;
	/* ends at the first step expecting NONE: no packet leads there */
	struct tcp_step steps[5];
};

static const struct tcp_run_case tcp_run_cases[] = {
	/* NAT: both halves of the conversation pass the director. */
	{ "NAT handshake and data", LVS_TCP_S_NONE, {
		{ IN, SYN, LVS_TCP_S_SYN_RECV },
		{ OUT, SYN | ACK, LVS_TCP_S_SYN_RECV },
		{ IN, ACK, LVS_TCP_S_ESTABLISHED },
		{ IN, PSH | ACK, LVS_TCP_S_ESTABLISHED },
		{ OUT, PSH | ACK, LVS_TCP_S_ESTABLISHED } } },
	{ "NAT close by client", LVS_TCP_S_ESTABLISHED, {
		{ IN, FIN | ACK, LVS_TCP_S_CLOSE_WAIT },
		{ OUT, ACK, LVS_TCP_S_CLOSE_WAIT },
		{ OUT, FIN | ACK, LVS_TCP_S_TIME_WAIT },
		{ IN, ACK, LVS_TCP_S_TIME_WAIT } } },
	{ "NAT close by real server", LVS_TCP_S_ESTABLISHED, {
		{ OUT, FIN | ACK, LVS_TCP_S_FIN_WAIT },
		{ IN, ACK, LVS_TCP_S_FIN_WAIT },
		{ IN, FIN | ACK, LVS_TCP_S_TIME_WAIT },
		{ OUT, ACK, LVS_TCP_S_TIME_WAIT } } },
	{ "NAT connection opened by real server", LVS_TCP_S_NONE, {
		{ OUT, SYN, LVS_TCP_S_SYN_SENT },
		{ IN, SYN | ACK, LVS_TCP_S_ESTABLISHED },
		{ OUT, ACK, LVS_TCP_S_ESTABLISHED } } },
	/* DR and TUN: the director sees the client's packets only. */
	{ "DR handshake and data", LVS_TCP_S_NONE, {
		{ IN_ONLY, SYN, LVS_TCP_S_SYN_RECV },
		{ IN_ONLY, ACK, LVS_TCP_S_ESTABLISHED },
		{ IN_ONLY, PSH | ACK, LVS_TCP_S_ESTABLISHED } } },
	{ "DR close by client", LVS_TCP_S_ESTABLISHED, {
		{ IN_ONLY, FIN | ACK, LVS_TCP_S_FIN_WAIT },
		{ IN_ONLY, ACK, LVS_TCP_S_FIN_WAIT } } },
	{ "DR close by real server", LVS_TCP_S_ESTABLISHED, {
		{ IN_ONLY, ACK, LVS_TCP_S_ESTABLISHED },
		{ IN_ONLY, FIN | ACK, LVS_TCP_S_FIN_WAIT },
		{ IN_ONLY, ACK, LVS_TCP_S_FIN_WAIT } } },
	/* RST wins over every other flag, in every direction. */
	{ "RST from client", LVS_TCP_S_ESTABLISHED, {
		{ IN, RST, LVS_TCP_S_CLOSE } } },
	{ "RST from real server", LVS_TCP_S_ESTABLISHED, {
		{ OUT, RST, LVS_TCP_S_CLOSE } } },
	{ "RST from client, DR", LVS_TCP_S_ESTABLISHED, {
		{ IN_ONLY, RST, LVS_TCP_S_CLOSE } } },
	{ "RST+ACK is a RST", LVS_TCP_S_ESTABLISHED, {
		{ IN, RST | ACK, LVS_TCP_S_CLOSE } } },
	{ "RST+SYN is a RST", LVS_TCP_S_ESTABLISHED, {
		{ OUT, RST | SYN, LVS_TCP_S_CLOSE } } },
	{ "client RST keeps SYN_RECV", LVS_TCP_S_SYN_RECV, {
		{ IN, RST, LVS_TCP_S_SYN_RECV } } },
	{ "real server RST ends SYN_RECV", LVS_TCP_S_SYN_RECV, {
		{ OUT, RST, LVS_TCP_S_CLOSE } } },
	{ "real server RST keeps TIME_WAIT", LVS_TCP_S_TIME_WAIT, {
		{ OUT, RST, LVS_TCP_S_TIME_WAIT } } },
	{ "client RST on SYNACK, NAT", LVS_TCP_S_SYNACK, {
		{ IN, RST, LVS_TCP_S_SYN_RECV } } },
	{ "client RST on SYNACK, DR", LVS_TCP_S_SYNACK, {
		{ IN_ONLY, RST, LVS_TCP_S_CLOSE } } },
	/* A SYN on a live connection does not restart it. */
	{ "SYN from client on ESTABLISHED", LVS_TCP_S_ESTABLISHED, {
		{ IN, SYN, LVS_TCP_S_ESTABLISHED } } },
	{ "SYN from real server on ESTABLISHED", LVS_TCP_S_ESTABLISHED, {
		{ OUT, SYN, LVS_TCP_S_ESTABLISHED } } },
	{ "SYN on ESTABLISHED, DR", LVS_TCP_S_ESTABLISHED, {
		{ IN_ONLY, SYN, LVS_TCP_S_ESTABLISHED } } },
	{ "SYN from client reopens TIME_WAIT", LVS_TCP_S_TIME_WAIT, {
		{ IN, SYN, LVS_TCP_S_SYN_RECV } } },
	{ "SYN+FIN is a SYN", LVS_TCP_S_NONE, {
		{ IN, SYN | FIN, LVS_TCP_S_SYN_RECV } } },
	/* A bare ACK. */
	{ "ACK from client picks up a connection", LVS_TCP_S_NONE, {
		{ IN, ACK, LVS_TCP_S_ESTABLISHED } } },
	{ "ACK from real server keeps ESTABLISHED", LVS_TCP_S_ESTABLISHED, {
		{ OUT, ACK, LVS_TCP_S_ESTABLISHED } } },
	{ "ACK from client ends LAST_ACK", LVS_TCP_S_LAST_ACK, {
		{ IN, ACK, LVS_TCP_S_CLOSE } } },
	{ "ACK from real server answers LISTEN", LVS_TCP_S_LISTEN, {
		{ OUT, ACK, LVS_TCP_S_ESTABLISHED } } },
	/* None of RST, SYN, FIN, ACK: IPVS closes the connection. */
	{ "no flags closes", LVS_TCP_S_ESTABLISHED, {
		{ IN, 0, LVS_TCP_S_CLOSE } } },
	{ "PSH alone closes", LVS_TCP_S_ESTABLISHED, {
		{ OUT, PSH, LVS_TCP_S_CLOSE } } },
	/* Values the caller should never pass. */
	{ "state out of range closes", LVS_TCP_S_COUNT, {
		{ IN, ACK, LVS_TCP_S_CLOSE } } },
	{ "direction out of range closes", LVS_TCP_S_ESTABLISHED, {
		{ LVS_DIR_COUNT, ACK, LVS_TCP_S_CLOSE } } },
};

static void tcp_run_desc(const struct tcp_run_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_run, tcp_run_cases, tcp_run_desc);

static const char *tcp_name(unsigned int state)
{
	if (state >= lvs_proto_tcp.n_states)
		return "(out of range)";
	return lvs_proto_tcp.state_names[state];
}

/* Feed @c's packets to @next_state, checking the state after each. */
static void tcp_walk(struct kunit *test, const struct tcp_run_case *c,
		     unsigned int (*next_state)(unsigned int state,
						enum lvs_dir dir, u8 event))
{
	unsigned int state = c->start;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c->steps); i++) {
		const struct tcp_step *s = &c->steps[i];
		unsigned int next;

		if (s->expect == LVS_TCP_S_NONE)
			break;
		next = next_state(state, s->dir, s->flags);
		KUNIT_ASSERT_EQ_MSG(test, next, s->expect,
				    "packet %u (dir %u flags %#x): %s -> %s, expected %s",
				    i + 1, s->dir, s->flags, tcp_name(state),
				    tcp_name(next), tcp_name(s->expect));
		state = next;
	}
	KUNIT_EXPECT_GT(test, i, 0U);
}

static void tcp_run_test(struct kunit *test)
{
	tcp_walk(test, test->param_value, lvs_proto_tcp.next_state);
}

/* IPVS's secure_tcp table, where it differs and where it does not. */
static const struct tcp_run_case tcp_secure_cases[] = {
	{ "NAT handshake waits for the real server", LVS_TCP_S_NONE, {
		{ IN, SYN, LVS_TCP_S_SYN_RECV },
		{ OUT, SYN | ACK, LVS_TCP_S_SYNACK },
		{ IN, ACK, LVS_TCP_S_SYNACK },
		{ IN, PSH | ACK, LVS_TCP_S_SYNACK },
		{ OUT, ACK, LVS_TCP_S_ESTABLISHED } } },
	{ "client ACK without answer stays SYN_RECV", LVS_TCP_S_NONE, {
		{ IN, SYN, LVS_TCP_S_SYN_RECV },
		{ IN, ACK, LVS_TCP_S_SYN_RECV },
		{ IN, PSH | ACK, LVS_TCP_S_SYN_RECV } } },
	{ "client SYN and FIN keep SYNACK", LVS_TCP_S_SYNACK, {
		{ IN, SYN, LVS_TCP_S_SYNACK },
		{ IN, FIN | ACK, LVS_TCP_S_SYNACK } } },
	{ "client RST closes SYNACK", LVS_TCP_S_SYNACK, {
		{ IN, RST, LVS_TCP_S_CLOSE } } },
	{ "client RST keeps SYN_RECV", LVS_TCP_S_SYN_RECV, {
		{ IN, RST, LVS_TCP_S_SYN_RECV } } },
	{ "real server SYN keeps SYNACK", LVS_TCP_S_SYNACK, {
		{ OUT, SYN, LVS_TCP_S_SYNACK } } },
	{ "real server RST ends SYN_RECV", LVS_TCP_S_SYN_RECV, {
		{ OUT, RST, LVS_TCP_S_CLOSE } } },
	{ "DR SYN opens SYNACK", LVS_TCP_S_NONE, {
		{ IN_ONLY, SYN, LVS_TCP_S_SYNACK },
		{ IN_ONLY, ACK, LVS_TCP_S_ESTABLISHED },
		{ IN_ONLY, PSH | ACK, LVS_TCP_S_ESTABLISHED } } },
	{ "DR SYN reopens TIME_WAIT in SYNACK", LVS_TCP_S_TIME_WAIT, {
		{ IN_ONLY, SYN, LVS_TCP_S_SYNACK } } },
	{ "DR SYN keeps SYN_RECV", LVS_TCP_S_SYN_RECV, {
		{ IN_ONLY, SYN, LVS_TCP_S_SYN_RECV } } },
	{ "DR RST closes SYNACK", LVS_TCP_S_SYNACK, {
		{ IN_ONLY, RST, LVS_TCP_S_CLOSE } } },
	/* Established connections are not affected. */
	{ "NAT data and close by client", LVS_TCP_S_ESTABLISHED, {
		{ IN, PSH | ACK, LVS_TCP_S_ESTABLISHED },
		{ OUT, PSH | ACK, LVS_TCP_S_ESTABLISHED },
		{ IN, FIN | ACK, LVS_TCP_S_CLOSE_WAIT },
		{ OUT, FIN | ACK, LVS_TCP_S_TIME_WAIT } } },
	{ "DR close by client", LVS_TCP_S_ESTABLISHED, {
		{ IN_ONLY, FIN | ACK, LVS_TCP_S_FIN_WAIT },
		{ IN_ONLY, ACK, LVS_TCP_S_FIN_WAIT } } },
	{ "SYN on ESTABLISHED", LVS_TCP_S_ESTABLISHED, {
		{ IN, SYN, LVS_TCP_S_ESTABLISHED },
		{ OUT, SYN, LVS_TCP_S_ESTABLISHED } } },
	{ "no flags closes", LVS_TCP_S_ESTABLISHED, {
		{ IN, 0, LVS_TCP_S_CLOSE } } },
	{ "state out of range closes", LVS_TCP_S_COUNT, {
		{ IN, ACK, LVS_TCP_S_CLOSE } } },
	{ "direction out of range closes", LVS_TCP_S_ESTABLISHED, {
		{ LVS_DIR_COUNT, ACK, LVS_TCP_S_CLOSE } } },
};

KUNIT_ARRAY_PARAM(tcp_secure, tcp_secure_cases, tcp_run_desc);

static void tcp_secure_test(struct kunit *test)
{
	KUNIT_ASSERT_NOT_NULL(test, lvs_proto_tcp.next_state_secure);
	tcp_walk(test, test->param_value, lvs_proto_tcp.next_state_secure);
}

/*
 * The secure table differs from the normal one in exactly the cells IPVS's
 * do: count them over every state, direction and event.
 */
static void tcp_secure_differences_test(struct kunit *test)
{
	static const u8 events[] = { RST, SYN, FIN, ACK };
	unsigned int state, dir, ev, n = 0;

	for (dir = 0; dir < LVS_DIR_COUNT; dir++)
		for (ev = 0; ev < ARRAY_SIZE(events); ev++)
			for (state = 0; state < LVS_TCP_S_COUNT; state++)
				n += lvs_proto_tcp.next_state(state, dir,
							      events[ev]) !=
				     lvs_proto_tcp.next_state_secure(state, dir,
								     events[ev]);
	/* IN: 5 (SYNACK on each event, SYN_RECV on ACK), OUT: 2, IN_ONLY: 8 */
	KUNIT_EXPECT_EQ(test, n, 15U);
}

/* What /proc/net/ip_vs_conn prints for each state, and its timeout. */
struct tcp_state_case {
	unsigned int state;
	const char *name;
	unsigned int timeout;
};

static const struct tcp_state_case tcp_state_cases[] = {
	{ LVS_TCP_S_NONE,		"NONE",		2 },
	{ LVS_TCP_S_ESTABLISHED,	"ESTABLISHED",	900 },
	{ LVS_TCP_S_SYN_SENT,		"SYN_SENT",	120 },
	{ LVS_TCP_S_SYN_RECV,		"SYN_RECV",	60 },
	{ LVS_TCP_S_FIN_WAIT,		"FIN_WAIT",	120 },
	{ LVS_TCP_S_TIME_WAIT,		"TIME_WAIT",	120 },
	{ LVS_TCP_S_CLOSE,		"CLOSE",	10 },
	{ LVS_TCP_S_CLOSE_WAIT,		"CLOSE_WAIT",	60 },
	{ LVS_TCP_S_LAST_ACK,		"LAST_ACK",	30 },
	{ LVS_TCP_S_LISTEN,		"LISTEN",	120 },
	{ LVS_TCP_S_SYNACK,		"SYNACK",	120 },
};

static void tcp_state_desc(const struct tcp_state_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_state, tcp_state_cases, tcp_state_desc);

static void tcp_state_test(struct kunit *test)
{
	const struct tcp_state_case *c = test->param_value;

	KUNIT_ASSERT_LT(test, c->state, lvs_proto_tcp.n_states);
	KUNIT_EXPECT_STREQ(test, lvs_proto_tcp.state_names[c->state], c->name);
	KUNIT_EXPECT_EQ(test, lvs_proto_tcp.timeouts[c->state], c->timeout);
}

/* Every state the protocol declares has a name and a nonzero timeout. */
static void proto_tables_complete(struct kunit *test,
				  const struct lvs_proto *p,
				  unsigned int n_states)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, p->n_states, n_states);
	KUNIT_ASSERT_LE(test, p->n_states, LVS_PROTO_MAX_STATES);
	for (i = 0; i < p->n_states; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, p->state_names[i],
					  "state %u has no name", i);
		KUNIT_EXPECT_GT_MSG(test, strlen(p->state_names[i]), 0UL,
				    "state %u", i);
		KUNIT_EXPECT_GT_MSG(test, p->timeouts[i], 0U, "state %u", i);
	}
}

static void tcp_tables_complete_test(struct kunit *test)
{
	proto_tables_complete(test, &lvs_proto_tcp, LVS_TCP_S_COUNT);
}

static void tcp_identity_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lvs_proto_tcp.protocol, IPPROTO_TCP);
	KUNIT_EXPECT_STREQ(test, lvs_proto_tcp.name, "TCP");
}

/* Whether a packet that matches no connection may open one. */
struct tcp_sched_case {
	const char *name;
	u8 flags;
	bool expect;
};

static const struct tcp_sched_case tcp_sched_cases[] = {
	{ "SYN", SYN, true },
	{ "SYN+ACK", SYN | ACK, true },
	{ "SYN with ECN", TCPHDR_SYN_ECN, true },
	{ "RST", RST, false },
	{ "SYN+RST", SYN | RST, false },
	{ "ACK", ACK, false },
	{ "FIN+ACK", FIN | ACK, false },
	{ "no flags", 0, false },
};

static void tcp_sched_desc(const struct tcp_sched_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcp_sched, tcp_sched_cases, tcp_sched_desc);

static void tcp_sched_test(struct kunit *test)
{
	const struct tcp_sched_case *c = test->param_value;
	struct lvs_net *lnet = kunit_kzalloc(test, sizeof(*lnet), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, lnet);
	KUNIT_EXPECT_EQ(test, lvs_proto_tcp.can_schedule(lnet, c->flags),
			c->expect);
}

/* With sloppy_tcp, any packet but a RST may open a connection. */
static const struct tcp_sched_case tcp_sloppy_cases[] = {
	{ "SYN", SYN, true },
	{ "SYN+ACK", SYN | ACK, true },
	{ "ACK", ACK, true },
	{ "PSH+ACK", PSH | ACK, true },
	{ "FIN+ACK", FIN | ACK, true },
	{ "no flags", 0, true },
	{ "RST", RST, false },
	{ "RST+ACK", RST | ACK, false },
	{ "SYN+RST", SYN | RST, false },
};

KUNIT_ARRAY_PARAM(tcp_sloppy, tcp_sloppy_cases, tcp_sched_desc);

static void tcp_sloppy_test(struct kunit *test)
{
	const struct tcp_sched_case *c = test->param_value;
	struct lvs_net *lnet = kunit_kzalloc(test, sizeof(*lnet), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, lnet);
	lnet->sysctl.sloppy_tcp = 1;
	KUNIT_EXPECT_EQ(test, lvs_proto_tcp.can_schedule(lnet, c->flags),
			c->expect);
}

static struct kunit_case lvs_proto_tcp_cases[] = {
	KUNIT_CASE_PARAM(tcp_run_test, tcp_run_gen_params),
	KUNIT_CASE_PARAM(tcp_secure_test, tcp_secure_gen_params),
	KUNIT_CASE(tcp_secure_differences_test),
	KUNIT_CASE_PARAM(tcp_sloppy_test, tcp_sloppy_gen_params),
	KUNIT_CASE_PARAM(tcp_state_test, tcp_state_gen_params),
	KUNIT_CASE(tcp_tables_complete_test),
	KUNIT_CASE(tcp_identity_test),
	KUNIT_CASE_PARAM(tcp_sched_test, tcp_sched_gen_params),
	{}
};

static struct kunit_suite lvs_proto_tcp_suite = {
	.name = "lvs_proto_tcp",
	.test_cases = lvs_proto_tcp_cases,
};

/* UDP: one state whatever the packet; any packet may open a connection. */
struct udp_pkt_case {
	const char *name;
	enum lvs_dir dir;
	u8 flags;
};

static const struct udp_pkt_case udp_pkt_cases[] = {
	{ "from client", IN, 0 },
	{ "from real server", OUT, 0 },
	{ "from client, DR", IN_ONLY, 0 },
	{ "flag bits ignored", IN, SYN | RST },
};

static void udp_pkt_desc(const struct udp_pkt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(udp_pkt, udp_pkt_cases, udp_pkt_desc);

static void udp_next_state_test(struct kunit *test)
{
	const struct udp_pkt_case *c = test->param_value;
	unsigned int next;

	next = lvs_proto_udp.next_state(LVS_UDP_S_NORMAL, c->dir, c->flags);
	KUNIT_EXPECT_EQ(test, next, (unsigned int)LVS_UDP_S_NORMAL);
}

static void udp_can_schedule_test(struct kunit *test)
{
	const struct udp_pkt_case *c = test->param_value;

	KUNIT_EXPECT_TRUE(test, lvs_proto_udp.can_schedule(NULL, c->flags));
}

static void udp_state_test(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, lvs_proto_udp.n_states, 1U);
	KUNIT_EXPECT_STREQ(test, lvs_proto_udp.state_names[LVS_UDP_S_NORMAL],
			   "UDP");
	KUNIT_EXPECT_EQ(test, lvs_proto_udp.timeouts[LVS_UDP_S_NORMAL], 300U);
}

static void udp_tables_complete_test(struct kunit *test)
{
	proto_tables_complete(test, &lvs_proto_udp, LVS_UDP_S_COUNT);
}

static void udp_identity_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lvs_proto_udp.protocol, IPPROTO_UDP);
	KUNIT_EXPECT_STREQ(test, lvs_proto_udp.name, "UDP");
}

static struct kunit_case lvs_proto_udp_cases[] = {
	KUNIT_CASE_PARAM(udp_next_state_test, udp_pkt_gen_params),
	KUNIT_CASE_PARAM(udp_can_schedule_test, udp_pkt_gen_params),
	KUNIT_CASE(udp_state_test),
	KUNIT_CASE(udp_tables_complete_test),
	KUNIT_CASE(udp_identity_test),
	{}
};

static struct kunit_suite lvs_proto_udp_suite = {
	.name = "lvs_proto_udp",
	.test_cases = lvs_proto_udp_cases,
};

kunit_test_suites(&lvs_proto_tcp_suite, &lvs_proto_udp_suite);
