// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_proto_sctp: the SCTP state machine, which packets may
 * open an association with and without sloppy_sctp, how a packet is reduced
 * to an event (lvs_sctp_parse()), and the NAT checksum update
 * (lvs_sctp_csum_update()).
 *
 * A run case is a short exchange of chunks, each given as direction and
 * event, fed to next_state from a start state, with the state expected
 * after each; the expected states are those an IPVS director reaches on the
 * same packets (the association's life as the real server sees it).
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/in.h>
#include <linux/random.h>
#include <linux/sctp.h>
#include <linux/skbuff.h>

#include "lvs.h"

#define IN	LVS_DIR_IN
#define OUT	LVS_DIR_OUT
#define IN_ONLY	LVS_DIR_IN_ONLY

#define DATA	LVS_SCTP_EV_DATA
#define INIT	LVS_SCTP_EV_INIT
#define INIT_A	LVS_SCTP_EV_INIT_ACK
#define ECHO	LVS_SCTP_EV_COOKIE_ECHO
#define C_ACK	LVS_SCTP_EV_COOKIE_ACK
#define SHUT	LVS_SCTP_EV_SHUTDOWN
#define SHUT_A	LVS_SCTP_EV_SHUTDOWN_ACK
#define SHUT_C	LVS_SCTP_EV_SHUTDOWN_COMPLETE
#define ERR	LVS_SCTP_EV_ERROR
#define ABORT	LVS_SCTP_EV_ABORT
#define C_ABORT	LVS_SCTP_EV_COOKIE_ABORT

struct sctp_step {
	enum lvs_dir dir;
	u8 event;
	unsigned int expect;
};

struct sctp_run_case {
	const char *name;
	unsigned int start;
	/* ends at the first step expecting NONE: no packet leads there */
	struct sctp_step steps[9];
};

static const struct sctp_run_case sctp_run_cases[] = {
	/* NAT: both sides of the association pass the director. */
	{ "NAT handshake, data, shutdown by client", LVS_SCTP_S_NONE, {
		{ IN, INIT, LVS_SCTP_S_INIT1 },
		{ OUT, INIT_A, LVS_SCTP_S_COOKIE_SENT },
		{ IN, ECHO, LVS_SCTP_S_COOKIE_REPLIED },
		{ OUT, C_ACK, LVS_SCTP_S_ESTABLISHED },
		{ IN, DATA, LVS_SCTP_S_ESTABLISHED },
		{ OUT, DATA, LVS_SCTP_S_ESTABLISHED },
		{ IN, SHUT, LVS_SCTP_S_SHUTDOWN_RECEIVED },
		{ OUT, SHUT_A, LVS_SCTP_S_SHUTDOWN_ACK_SENT },
		{ IN, SHUT_C, LVS_SCTP_S_CLOSED } } },
	{ "NAT shutdown by real server", LVS_SCTP_S_ESTABLISHED, {
		{ OUT, SHUT, LVS_SCTP_S_SHUTDOWN_SENT },
		{ IN, SHUT_A, LVS_SCTP_S_CLOSED },
		{ OUT, SHUT_C, LVS_SCTP_S_CLOSED } } },
	{ "NAT INIT retransmitted", LVS_SCTP_S_NONE, {
		{ IN, INIT, LVS_SCTP_S_INIT1 },
		{ IN, INIT, LVS_SCTP_S_INIT },
		{ IN, INIT, LVS_SCTP_S_INIT },
		{ OUT, INIT_A, LVS_SCTP_S_COOKIE_SENT } } },
	{ "NAT INIT rejected, then tried again", LVS_SCTP_S_NONE, {
		{ IN, INIT, LVS_SCTP_S_INIT1 },
		{ OUT, ABORT, LVS_SCTP_S_REJECTED },
		{ IN, INIT, LVS_SCTP_S_INIT } } },
	{ "NAT association opened by real server", LVS_SCTP_S_NONE, {
		{ OUT, INIT, LVS_SCTP_S_COOKIE_WAIT },
		{ IN, INIT_A, LVS_SCTP_S_COOKIE },
		{ OUT, ECHO, LVS_SCTP_S_COOKIE_ECHOED },
		{ IN, C_ACK, LVS_SCTP_S_ESTABLISHED } } },
	{ "NAT cookie echoed, then ERROR", LVS_SCTP_S_COOKIE_ECHOED, {
		{ IN, ERR, LVS_SCTP_S_CLOSED } } },
	{ "NAT ABORT bundled after COOKIE ECHO", LVS_SCTP_S_COOKIE_SENT, {
		{ IN, C_ABORT, LVS_SCTP_S_CLOSED } } },
	{ "NAT ABORT from client", LVS_SCTP_S_ESTABLISHED, {
		{ IN, ABORT, LVS_SCTP_S_CLOSED } } },
	{ "NAT ABORT from real server", LVS_SCTP_S_ESTABLISHED, {
		{ OUT, ABORT, LVS_SCTP_S_CLOSED } } },
	{ "NAT INIT reopens a closed association", LVS_SCTP_S_CLOSED, {
		{ IN, INIT, LVS_SCTP_S_INIT } } },
	{ "NAT data picked up (sloppy_sctp)", LVS_SCTP_S_NONE, {
		{ IN, DATA, LVS_SCTP_S_ESTABLISHED } } },
	/* DR and TUN: the director sees the client's chunks only. */
	{ "DR handshake, data, shutdown by client", LVS_SCTP_S_NONE, {
		{ IN_ONLY, INIT, LVS_SCTP_S_INIT1 },
		{ IN_ONLY, ECHO, LVS_SCTP_S_ESTABLISHED },
		{ IN_ONLY, DATA, LVS_SCTP_S_ESTABLISHED },
		{ IN_ONLY, SHUT, LVS_SCTP_S_SHUTDOWN_RECEIVED },
		{ IN_ONLY, SHUT_C, LVS_SCTP_S_CLOSED } } },
	{ "DR shutdown by real server", LVS_SCTP_S_ESTABLISHED, {
		{ IN_ONLY, SHUT_A, LVS_SCTP_S_CLOSED } } },
	{ "DR COOKIE ACK from client completes", LVS_SCTP_S_COOKIE, {
		{ IN_ONLY, C_ACK, LVS_SCTP_S_ESTABLISHED } } },
	{ "DR ABORT while the real server waits", LVS_SCTP_S_COOKIE_WAIT, {
		{ IN_ONLY, ABORT, LVS_SCTP_S_REJECTED } } },
};

static void sctp_run_desc(const struct sctp_run_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_run, sctp_run_cases, sctp_run_desc);

static const char *sctp_name(unsigned int state)
{
	if (state >= lvs_proto_sctp.n_states)
		return "(out of range)";
	return lvs_proto_sctp.state_names[state];
}

static void sctp_run_test(struct kunit *test)
{
	const struct sctp_run_case *c = test->param_value;
	unsigned int state = c->start, next, i;

	for (i = 0; i < ARRAY_SIZE(c->steps); i++) {
		const struct sctp_step *s = &c->steps[i];

		if (s->expect == LVS_SCTP_S_NONE)
			break;
		next = lvs_proto_sctp.next_state(state, s->dir, s->event);
		KUNIT_EXPECT_EQ_MSG(test, next, s->expect,
				    "step %u: %s -> %s, expected %s", i + 1,
				    sctp_name(state), sctp_name(next),
				    sctp_name(s->expect));
		state = s->expect;
	}
}

/* What is out of range closes. */
static void sctp_out_of_range_test(struct kunit *test)
{
	const struct lvs_proto *p = &lvs_proto_sctp;

	KUNIT_EXPECT_EQ(test, p->next_state(LVS_SCTP_S_COUNT, IN, DATA),
			(unsigned int)LVS_SCTP_S_CLOSED);
	KUNIT_EXPECT_EQ(test, p->next_state(LVS_SCTP_S_ESTABLISHED,
					    LVS_DIR_COUNT, DATA),
			(unsigned int)LVS_SCTP_S_CLOSED);
	KUNIT_EXPECT_EQ(test, p->next_state(LVS_SCTP_S_ESTABLISHED, IN,
					    LVS_SCTP_EV_COUNT),
			(unsigned int)LVS_SCTP_S_CLOSED);
	KUNIT_EXPECT_EQ(test, p->next_state(LVS_SCTP_S_ESTABLISHED, IN, 255),
			(unsigned int)LVS_SCTP_S_CLOSED);
}

/* Each state: IPVS's number, name and timeout, and whether it is active. */
struct sctp_state_case {
	unsigned int state;
	unsigned int number;
	const char *name;
	unsigned int timeout;
	bool active;
};

static const struct sctp_state_case sctp_state_cases[] = {
	{ LVS_SCTP_S_NONE, 0, "NONE", 2, false },
	{ LVS_SCTP_S_INIT1, 1, "INIT1", 4, false },
	{ LVS_SCTP_S_INIT, 2, "INIT", 61, false },
	{ LVS_SCTP_S_COOKIE_SENT, 3, "C-SENT", 61, false },
	{ LVS_SCTP_S_COOKIE_REPLIED, 4, "C-REPLIED", 61, false },
	{ LVS_SCTP_S_COOKIE_WAIT, 5, "C-WAIT", 61, false },
	{ LVS_SCTP_S_COOKIE, 6, "COOKIE", 61, false },
	{ LVS_SCTP_S_COOKIE_ECHOED, 7, "C-ECHOED", 61, false },
	{ LVS_SCTP_S_ESTABLISHED, 8, "ESTABLISHED", 900, true },
	{ LVS_SCTP_S_SHUTDOWN_SENT, 9, "S-SENT", 61, false },
	{ LVS_SCTP_S_SHUTDOWN_RECEIVED, 10, "S-RECEIVED", 61, false },
	{ LVS_SCTP_S_SHUTDOWN_ACK_SENT, 11, "S-ACK-SENT", 61, false },
	{ LVS_SCTP_S_REJECTED, 12, "REJECTED", 4, false },
	{ LVS_SCTP_S_CLOSED, 13, "CLOSED", 61, false },
};

static void sctp_state_desc(const struct sctp_state_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_state, sctp_state_cases, sctp_state_desc);

static void sctp_state_test(struct kunit *test)
{
	const struct sctp_state_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, c->state, c->number);
	KUNIT_ASSERT_LT(test, c->state, lvs_proto_sctp.n_states);
	KUNIT_EXPECT_STREQ(test, lvs_proto_sctp.state_names[c->state], c->name);
	KUNIT_EXPECT_EQ(test, lvs_proto_sctp.timeouts[c->state], c->timeout);
	KUNIT_EXPECT_EQ(test, lvs_proto_sctp.active[c->state], c->active);
}

static void sctp_identity_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lvs_proto_sctp.protocol, IPPROTO_SCTP);
	KUNIT_EXPECT_STREQ(test, lvs_proto_sctp.name, "SCTP");
	KUNIT_EXPECT_EQ(test, lvs_proto_sctp.n_states, 14U);
	KUNIT_EXPECT_LE(test, lvs_proto_sctp.n_states, LVS_PROTO_MAX_STATES);
	KUNIT_EXPECT_PTR_EQ(test, lvs_proto(IPPROTO_SCTP), &lvs_proto_sctp);
	KUNIT_EXPECT_EQ(test, lvs_proto_index(IPPROTO_SCTP), LVS_PROTO_SCTP);
}

/* Which first chunk may open an association, without and with sloppy_sctp. */
struct sctp_sched_case {
	const char *name;
	u8 event;
	int sloppy;
	bool expect;
};

static const struct sctp_sched_case sctp_sched_cases[] = {
	{ "INIT", INIT, 0, true },
	{ "DATA", DATA, 0, false },
	{ "INIT ACK", INIT_A, 0, false },
	{ "COOKIE ECHO", ECHO, 0, false },
	{ "SHUTDOWN", SHUT, 0, false },
	{ "ABORT", ABORT, 0, false },
	{ "COOKIE ECHO, ABORT", C_ABORT, 0, false },
	{ "sloppy INIT", INIT, 1, true },
	{ "sloppy DATA", DATA, 1, true },
	{ "sloppy COOKIE ECHO", ECHO, 1, true },
	{ "sloppy SHUTDOWN COMPLETE", SHUT_C, 1, true },
	{ "sloppy ERROR", ERR, 1, true },
	{ "sloppy ABORT", ABORT, 1, false },
	{ "sloppy COOKIE ECHO, ABORT", C_ABORT, 1, true },
};

static void sctp_sched_desc(const struct sctp_sched_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_sched, sctp_sched_cases, sctp_sched_desc);

static void sctp_sched_test(struct kunit *test)
{
	const struct sctp_sched_case *c = test->param_value;
	struct lvs_net *lnet;

	lnet = kunit_kzalloc(test, sizeof(*lnet), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lnet);
	lnet->sysctl.sloppy_sctp = c->sloppy;
	KUNIT_EXPECT_EQ(test, lvs_proto_sctp.can_schedule(lnet, c->event),
			c->expect);
}

/*
 * lvs_sctp_parse() on a packet given as its bytes after the 12-byte common
 * header: the event, or false for a malformed one.
 */
struct sctp_parse_case {
	const char *name;
	unsigned int len;
	u8 chunks[24];
	bool ok;
	u8 event;
};

static const struct sctp_parse_case sctp_parse_cases[] = {
	{ "INIT", 20, { SCTP_CID_INIT, 0, 0, 20 }, true, INIT },
	{ "INIT ACK", 20, { SCTP_CID_INIT_ACK, 0, 0, 20 }, true, INIT_A },
	{ "DATA", 17, { SCTP_CID_DATA, 3, 0, 17 }, true, DATA },
	{ "SACK", 16, { SCTP_CID_SACK, 0, 0, 16 }, true, DATA },
	{ "HEARTBEAT", 8, { SCTP_CID_HEARTBEAT, 0, 0, 8 }, true, DATA },
	{ "HEARTBEAT ACK", 8, { SCTP_CID_HEARTBEAT_ACK, 0, 0, 8 }, true, DATA },
	{ "ECNE", 8, { SCTP_CID_ECN_ECNE, 0, 0, 8 }, true, DATA },
	{ "AUTH", 8, { SCTP_CID_AUTH, 0, 0, 8 }, true, DATA },
	{ "ASCONF", 8, { SCTP_CID_ASCONF, 0, 0, 8 }, true, DATA },
	{ "ABORT", 4, { SCTP_CID_ABORT, 0, 0, 4 }, true, ABORT },
	{ "SHUTDOWN", 8, { SCTP_CID_SHUTDOWN, 0, 0, 8 }, true, SHUT },
	{ "SHUTDOWN ACK", 4, { SCTP_CID_SHUTDOWN_ACK, 0, 0, 4 }, true, SHUT_A },
	{ "SHUTDOWN COMPLETE", 4, { SCTP_CID_SHUTDOWN_COMPLETE, 0, 0, 4 },
	  true, SHUT_C },
	{ "ERROR", 4, { SCTP_CID_ERROR, 0, 0, 4 }, true, ERR },
	{ "COOKIE ECHO", 8, { SCTP_CID_COOKIE_ECHO, 0, 0, 8 }, true, ECHO },
	{ "COOKIE ACK", 4, { SCTP_CID_COOKIE_ACK, 0, 0, 4 }, true, C_ACK },
	{ "COOKIE ECHO, DATA", 24, { SCTP_CID_COOKIE_ECHO, 0, 0, 8, 0, 0, 0, 0,
	  SCTP_CID_DATA, 3, 0, 16 }, true, ECHO },
	{ "COOKIE ECHO, ABORT", 12, { SCTP_CID_COOKIE_ECHO, 0, 0, 8, 0, 0, 0, 0,
	  SCTP_CID_ABORT, 0, 0, 4 }, true, C_ABORT },
	{ "COOKIE ECHO padded, ABORT", 12, { SCTP_CID_COOKIE_ECHO, 0, 0, 6,
	  0, 0, 0, 0, SCTP_CID_ABORT, 0, 0, 4 }, true, C_ABORT },
	{ "COOKIE ACK, ABORT", 8, { SCTP_CID_COOKIE_ACK, 0, 0, 4,
	  SCTP_CID_ABORT, 0, 0, 4 }, true, C_ABORT },
	{ "COOKIE ECHO, truncated second chunk", 10,
	  { SCTP_CID_COOKIE_ECHO, 0, 0, 8, 0, 0, 0, 0, SCTP_CID_ABORT, 0 },
	  true, ECHO },
	{ "no chunk", 0, { }, false },
	{ "chunk header cut short", 3, { SCTP_CID_INIT, 0, 0 }, false },
	{ "chunk length 0", 8, { SCTP_CID_DATA, 0, 0, 0 }, false },
	{ "chunk length 3", 8, { SCTP_CID_DATA, 0, 0, 3 }, false },
	{ "chunk longer than the packet", 20, { SCTP_CID_INIT, 0, 0, 21 },
	  false },
	{ "chunk length 65535", 20, { SCTP_CID_INIT, 0, 0xff, 0xff }, false },
};

static void sctp_parse_desc(const struct sctp_parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sctp_parse, sctp_parse_cases, sctp_parse_desc);

static void sctp_parse_test(struct kunit *test)
{
	const struct sctp_parse_case *c = test->param_value;
	struct lvs_packet pkt = { .event = 0xee };
	const unsigned int l4off = 20;	/* as after an IPv4 header */
	struct sctphdr *sh;
	struct sk_buff *skb;
	bool ok;

	skb = alloc_skb(l4off + sizeof(*sh) + c->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(skb_put(skb, l4off), 0, l4off);
	sh = skb_put_zero(skb, sizeof(*sh));
	sh->source = htons(40000);
	sh->dest = htons(80);
	skb_put_data(skb, c->chunks, c->len);

	ok = lvs_sctp_parse(skb, l4off, &pkt);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, ok, c->ok);
	if (c->ok)
		KUNIT_EXPECT_EQ(test, pkt.event, c->event);
	else
		KUNIT_EXPECT_EQ(test, pkt.event, 0xee);
}

/* The CRC32c of an SCTP packet as a sender computes it. */
static __le32 sctp_crc(u8 *buf, unsigned int len)
{
	struct sctphdr *sh = (struct sctphdr *)buf;

	sh->checksum = 0;
	return cpu_to_le32(~__crc32c_le(~0U, buf, len));
}

/*
 * The incremental update after a port change equals the CRC computed
 * afresh, for lengths that are and are not multiples of four, and for
 * source and destination ports.
 */
static void sctp_csum_update_test(struct kunit *test)
{
	static const unsigned int lens[] = { 16, 17, 19, 64, 333, 1500, 9000 };
	unsigned int i, side;
	u8 *buf;

	buf = kunit_kmalloc(test, 9000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (side = 0; side < 2; side++) {
			struct sctphdr *sh = (struct sctphdr *)buf;
			__be32 from, to;
			__le32 check;

			get_random_bytes(buf, lens[i]);
			check = sctp_crc(buf, lens[i]);
			memcpy(&from, buf, sizeof(from));
			if (side)
				sh->source = htons(80);
			else
				sh->dest = htons(8080);
			memcpy(&to, buf, sizeof(to));
			check = lvs_sctp_csum_update(check, from, to, lens[i]);
			KUNIT_EXPECT_EQ_MSG(test, le32_to_cpu(check),
					    le32_to_cpu(sctp_crc(buf, lens[i])),
					    "length %u, %s port", lens[i],
					    side ? "source" : "destination");
		}
	}
}

/* An unchanged port leaves the checksum as it was. */
static void sctp_csum_same_port_test(struct kunit *test)
{
	__le32 check = cpu_to_le32(0x12345678);
	__be32 ports = htonl(0x9c400050);

	KUNIT_EXPECT_EQ(test, le32_to_cpu(lvs_sctp_csum_update(check, ports,
							       ports, 100)),
			0x12345678U);
}

static struct kunit_case lvs_proto_sctp_cases[] = {
	KUNIT_CASE_PARAM(sctp_run_test, sctp_run_gen_params),
	KUNIT_CASE(sctp_out_of_range_test),
	KUNIT_CASE_PARAM(sctp_state_test, sctp_state_gen_params),
	KUNIT_CASE(sctp_identity_test),
	KUNIT_CASE_PARAM(sctp_sched_test, sctp_sched_gen_params),
	KUNIT_CASE_PARAM(sctp_parse_test, sctp_parse_gen_params),
	KUNIT_CASE(sctp_csum_update_test),
	KUNIT_CASE(sctp_csum_same_port_test),
	{}
};

static struct kunit_suite lvs_proto_sctp_suite = {
	.name = "lvs_proto_sctp",
	.test_cases = lvs_proto_sctp_cases,
};

kunit_test_suites(&lvs_proto_sctp_suite);
