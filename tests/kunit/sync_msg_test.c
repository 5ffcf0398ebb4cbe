// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_sync_msg: the connection sync messages, byte for byte.
 * Messages written here from the protocol's definition (sync_msg.h) are
 * what the writer produces (version 1 IPv4, IPv6, a persistence template
 * with sip engine data and the padding after it; version 0), read back
 * field for field; then every kind of malformed message, each with what
 * the reader must deliver before it stops and why it stops; then seeded
 * random and mutated messages, read from buffers of their exact length so
 * that KASAN sees any read past the end.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "lvs.h"
#include "sync_msg.h"

#define IP4(a, b, c, d)	{ .ip = htonl(((a) << 24) | ((b) << 16) | ((c) << 8) | (d)) }

static const u8 v1_tcp[] = {
	0x00, 0x07, 0x00, 0x2c, 0x01, 0x01, 0x00, 0x00,
	/* TCP 10.0.0.1:40000 -> 10.0.1.1:80 -> 10.0.2.2:8080 */
	0x00, IPPROTO_TCP, 0x00, 0x24,	/* type, protocol, ver_size */
	0x00, 0x00, 0x00, 0x00,		/* flags: NAT */
	0x00, 0x01, 0x9c, 0x40,		/* ESTABLISHED, cport */
	0x00, 0x50, 0x1f, 0x90,		/* vport, dport */
	0x00, 0x00, 0x00, 0x00,		/* fwmark */
	0x00, 0x00, 0x03, 0x84,		/* timeout 900 s */
	10, 0, 0, 1, 10, 0, 1, 1, 10, 0, 2, 2,
};

/* the TCP entry, then an inactive UDP one to 10.0.2.3:53 */
static const u8 v1_two[] = {
	0x00, 0x07, 0x00, 0x50, 0x02, 0x01, 0x00, 0x00,
	/* TCP 10.0.0.1:40000 -> 10.0.1.1:80 -> 10.0.2.2:8080 */
	0x00, IPPROTO_TCP, 0x00, 0x24,	/* type, protocol, ver_size */
	0x00, 0x00, 0x00, 0x00,		/* flags: NAT */
	0x00, 0x01, 0x9c, 0x40,		/* ESTABLISHED, cport */
	0x00, 0x50, 0x1f, 0x90,		/* vport, dport */
	0x00, 0x00, 0x00, 0x00,		/* fwmark */
	0x00, 0x00, 0x03, 0x84,		/* timeout 900 s */
	10, 0, 0, 1, 10, 0, 1, 1, 10, 0, 2, 2,
	0x00, IPPROTO_UDP, 0x00, 0x24,
	0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0xc3, 0x50,
	0x00, 0x35, 0x00, 0x35,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x2c,
	10, 0, 0, 1, 10, 0, 1, 1, 10, 0, 2, 3,
};

/* a sip template (49 bytes: engine data "abcd@h", name "sip"), 3 bytes of
 * padding, the TCP entry
 */
static const u8 v1_pe[] = {
	0x00, 0x07, 0x00, 0x60, 0x02, 0x01, 0x00, 0x00,
	0x00, IPPROTO_UDP, 0x00, 0x31,
	0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x13, 0xc4, 0x13, 0xc4,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x03, 0x84,
	10, 0, 0, 1, 10, 0, 1, 1, 10, 0, 2, 2,
	0x02, 0x06, 'a', 'b', 'c', 'd', '@', 'h',
	0x03, 0x03, 's', 'i', 'p',
	0x00, 0x00, 0x00,
	/* TCP 10.0.0.1:40000 -> 10.0.1.1:80 -> 10.0.2.2:8080 */
	0x00, IPPROTO_TCP, 0x00, 0x24,	/* type, protocol, ver_size */
	0x00, 0x00, 0x00, 0x00,		/* flags: NAT */
	0x00, 0x01, 0x9c, 0x40,		/* ESTABLISHED, cport */
	0x00, 0x50, 0x1f, 0x90,		/* vport, dport */
	0x00, 0x00, 0x00, 0x00,		/* fwmark */
	0x00, 0x00, 0x03, 0x84,		/* timeout 900 s */
	10, 0, 0, 1, 10, 0, 1, 1, 10, 0, 2, 2,
};

/* IPv6 UDP, direct routing, inactive, fwmark 5, 300 s */
static const u8 v1_v6[] = {
	0x00, 0x07, 0x00, 0x50, 0x01, 0x01, 0x00, 0x00,
	0x01, IPPROTO_UDP, 0x00, 0x48,
	0x00, 0x00, 0x01, 0x03,
	0x00, 0x00, 0xc3, 0x50,
	0x00, 0x35, 0x00, 0x35,
	0x00, 0x00, 0x00, 0x05,
	0x00, 0x00, 0x01, 0x2c,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
};

static const u8 v0_tcp[] = {
	0x01, 0x07, 0x00, 0x1c,
	0x00, IPPROTO_TCP, 0x9c, 0x40, 0x00, 0x50, 0x1f, 0x90,
	10, 0, 0, 1, 10, 0, 1, 1, 10, 0, 2, 2,
	0x00, 0x00, 0x00, 0x01,
};

static const struct lvs_sync_conn tcp_conn = {
	.af = AF_INET, .protocol = IPPROTO_TCP,
	.caddr = IP4(10, 0, 0, 1), .vaddr = IP4(10, 0, 1, 1),
	.daddr = IP4(10, 0, 2, 2),
	.cport = htons(40000), .vport = htons(80), .dport = htons(8080),
	.flags = LVS_CONN_F_MASQ, .state = LVS_TCP_S_ESTABLISHED,
	.timeout = 900,
};

static const struct lvs_sync_conn udp_conn = {
	.af = AF_INET, .protocol = IPPROTO_UDP,
	.caddr = IP4(10, 0, 0, 1), .vaddr = IP4(10, 0, 1, 1),
	.daddr = IP4(10, 0, 2, 3),
	.cport = htons(50000), .vport = htons(53), .dport = htons(53),
	.flags = LVS_CONN_F_INACTIVE, .timeout = 300,
};

static const struct lvs_sync_conn sip_tpl = {
	.af = AF_INET, .protocol = IPPROTO_UDP,
	.caddr = IP4(10, 0, 0, 1), .vaddr = IP4(10, 0, 1, 1),
	.daddr = IP4(10, 0, 2, 2),
	.vport = htons(5060), .dport = htons(5060),
	.flags = LVS_CONN_F_TEMPLATE, .timeout = 900,
	.pe_data = (const u8 *)"abcd@h", .pe_data_len = 6,
	.pe_name = "sip", .pe_name_len = 3,
};

static const struct lvs_sync_conn v6_conn = {
	.af = AF_INET6, .protocol = IPPROTO_UDP,
	.caddr.in6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	.vaddr.in6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 } },
	.daddr.in6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2 } },
	.cport = htons(50000), .vport = htons(53), .dport = htons(53),
	.flags = LVS_CONN_F_DROUTE | LVS_CONN_F_INACTIVE, .fwmark = 5,
	.timeout = 300,
};

#define MAX_GOT 8

struct got {
	unsigned int n;
	struct lvs_sync_conn c[MAX_GOT];
	u8 pe_data[MAX_GOT][LVS_SYNC_PE_DATA_MAX];
	char pe_name[MAX_GOT][LVS_SYNC_PE_NAME_MAX];
	const u8 *buf;
	unsigned int len;
	unsigned int outside;	/* engine data not inside the message */
};

/* Keeps what it is given, and checks that pointers stay in the message. */
static void got_conn(void *arg, const struct lvs_sync_conn *c)
{
	struct got *g = arg;

	if (c->pe_data && (c->pe_data < g->buf ||
			   c->pe_data + c->pe_data_len > g->buf + g->len))
		return;
	if (g->n >= MAX_GOT) {
		g->n++;
		return;
	}
	g->c[g->n] = *c;
	if (c->pe_data)
		memcpy(g->pe_data[g->n], c->pe_data, c->pe_data_len);
	if (c->pe_name)
		memcpy(g->pe_name[g->n], c->pe_name, c->pe_name_len);
	g->n++;
}

/* Reads @len bytes of @msg from a buffer of exactly that size. */
static void read_exact(struct kunit *test, const u8 *msg, unsigned int len,
		       u8 syncid, struct got *g, struct lvs_sync_read *res)
{
	u8 *buf = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, msg, len);
	memset(g, 0, sizeof(*g));
	g->buf = buf;
	g->len = len;
	lvs_sync_read_msg(buf, len, syncid, got_conn, g, res);
	KUNIT_EXPECT_EQ(test, g->n, res->delivered);
	KUNIT_EXPECT_EQ(test, g->outside, 0);
	kunit_kfree(test, buf);
}

/* What a backup reads is what was sent, flags masked and marked synced. */
static void expect_conn(struct kunit *test, const struct got *g,
			unsigned int i, const struct lvs_sync_conn *want,
			u8 version)
{
	const struct lvs_sync_conn *c = &g->c[i];
	unsigned int alen = want->af == AF_INET6 ? 16 : 4;

	KUNIT_ASSERT_LT(test, i, g->n);
	KUNIT_EXPECT_EQ(test, c->af, want->af);
	KUNIT_EXPECT_EQ(test, c->protocol, want->protocol);
	KUNIT_EXPECT_EQ(test, c->state, want->state);
	KUNIT_EXPECT_EQ(test, c->flags,
			(want->flags & LVS_SYNC_FLAGS_MASK) | LVS_CONN_F_SYNC);
	KUNIT_EXPECT_EQ(test, ntohs(c->cport), ntohs(want->cport));
	KUNIT_EXPECT_EQ(test, ntohs(c->vport), ntohs(want->vport));
	KUNIT_EXPECT_EQ(test, ntohs(c->dport), ntohs(want->dport));
	KUNIT_EXPECT_MEMEQ(test, &c->caddr, &want->caddr, alen);
	KUNIT_EXPECT_MEMEQ(test, &c->vaddr, &want->vaddr, alen);
	KUNIT_EXPECT_MEMEQ(test, &c->daddr, &want->daddr, alen);
	KUNIT_EXPECT_EQ(test, c->fwmark, version ? want->fwmark : 0);
	KUNIT_EXPECT_EQ(test, c->timeout, version ? want->timeout : 0);
	KUNIT_EXPECT_EQ(test, c->has_seq,
			!!(want->flags & LVS_CONN_F_SEQ_MASK));
	if (c->has_seq) {
		KUNIT_EXPECT_MEMEQ(test, &c->in_seq, &want->in_seq,
				   sizeof(c->in_seq));
		KUNIT_EXPECT_MEMEQ(test, &c->out_seq, &want->out_seq,
				   sizeof(c->out_seq));
	}
	KUNIT_EXPECT_EQ(test, c->pe_data_len,
			version ? want->pe_data_len : 0);
	if (version && want->pe_data_len) {
		KUNIT_EXPECT_MEMEQ(test, g->pe_data[i], want->pe_data,
				   want->pe_data_len);
		KUNIT_EXPECT_EQ(test, c->pe_name_len, want->pe_name_len);
		KUNIT_EXPECT_MEMEQ(test, g->pe_name[i], want->pe_name,
				   want->pe_name_len);
	}
}

struct write_case {
	const char *name;
	u8 version;
	const struct lvs_sync_conn *conns[3];
	const u8 *bytes;
	unsigned int len;
};

static const struct write_case write_cases[] = {
	{ "v1 TCP", 1, { &tcp_conn }, v1_tcp, sizeof(v1_tcp) },
	{ "v1 TCP and UDP", 1, { &tcp_conn, &udp_conn }, v1_two, sizeof(v1_two) },
	{ "v1 sip template, padding", 1, { &sip_tpl, &tcp_conn }, v1_pe, sizeof(v1_pe) },
	{ "v1 IPv6", 1, { &v6_conn }, v1_v6, sizeof(v1_v6) },
	{ "v0 TCP", 0, { &tcp_conn }, v0_tcp, sizeof(v0_tcp) },
};

static void write_case_desc(const struct write_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(write, write_cases, write_case_desc);

/* The writer produces the bytes above; the reader gives the fields back. */
static void sync_write_read_test(struct kunit *test)
{
	const struct write_case *wc = test->param_value;
	struct lvs_sync_writer w;
	struct lvs_sync_read res;
	unsigned int i, n = 0;
	struct got *g;
	u8 buf[256];

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	lvs_sync_writer_init(&w, buf, sizeof(buf), wc->version, 7);
	for (i = 0; i < ARRAY_SIZE(wc->conns) && wc->conns[i]; i++, n++)
		KUNIT_ASSERT_EQ(test, lvs_sync_writer_add(&w, wc->conns[i]), 0);
	KUNIT_ASSERT_EQ(test, w.len, wc->len);
	KUNIT_EXPECT_MEMEQ(test, buf, wc->bytes, wc->len);

	read_exact(test, wc->bytes, wc->len, 7, g, &res);
	KUNIT_EXPECT_EQ(test, res.err, LVS_SYNC_OK);
	KUNIT_EXPECT_EQ(test, res.skipped, 0);
	KUNIT_ASSERT_EQ(test, res.delivered, n);
	for (i = 0; i < n; i++)
		expect_conn(test, g, i, wc->conns[i], wc->version);
}

/* Sequence numbers, HASHED not sent, both versions. */
static void sync_round_trip_test(struct kunit *test)
{
	struct lvs_sync_conn c = tcp_conn;
	struct lvs_sync_writer w;
	struct lvs_sync_read res;
	struct got *g;
	u8 version;
	u8 buf[256];

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	c.flags |= LVS_CONN_F_IN_SEQ | LVS_CONN_F_OUT_SEQ | LVS_CONN_F_HASHED;
	c.in_seq = (struct lvs_sync_seq){ 0x01020304, 0x05060708, 0xfffffff0 };
	c.out_seq = (struct lvs_sync_seq){ 0xa0b0c0d0, 17, 0x80000000 };
	for (version = 0; version <= 1; version++) {
		lvs_sync_writer_init(&w, buf, sizeof(buf), version, 1);
		KUNIT_ASSERT_EQ(test, lvs_sync_writer_add(&w, &c), 0);
		KUNIT_EXPECT_EQ(test, w.len, version ? 8u + 36 + 26 : 4u + 48);
		read_exact(test, buf, w.len, 1, g, &res);
		KUNIT_EXPECT_EQ(test, res.err, LVS_SYNC_OK);
		KUNIT_ASSERT_EQ(test, res.delivered, 1);
		c.flags &= ~LVS_CONN_F_HASHED;
		expect_conn(test, g, 0, &c, version);
		c.flags |= LVS_CONN_F_HASHED;
	}
	/* v1: the option, big-endian */
	KUNIT_EXPECT_EQ(test, buf[8 + 36], 1);
	KUNIT_EXPECT_EQ(test, buf[8 + 36 + 1], 24);
	KUNIT_EXPECT_EQ(test, buf[8 + 36 + 2], 0x01);
	KUNIT_EXPECT_EQ(test, buf[8 + 36 + 5], 0x04);
	KUNIT_EXPECT_EQ(test, buf[8 + 4 + 2], (LVS_CONN_F_IN_SEQ | LVS_CONN_F_OUT_SEQ) >> 8);
}

/* Full messages, version 0 and IPv6, the 255-entry count. */
static void sync_writer_limits_test(struct kunit *test)
{
	struct lvs_sync_writer w;
	unsigned int i;
	u8 *big;
	u8 buf[80];

	lvs_sync_writer_init(&w, buf, sizeof(buf), 0, 1);
	KUNIT_EXPECT_EQ(test, lvs_sync_writer_add(&w, &v6_conn), -EAFNOSUPPORT);
	KUNIT_EXPECT_EQ(test, w.len, 4);

	lvs_sync_writer_init(&w, buf, sizeof(buf), 1, 7);
	KUNIT_EXPECT_EQ(test, lvs_sync_writer_add(&w, &v6_conn), 0);
	KUNIT_EXPECT_EQ(test, lvs_sync_writer_add(&w, &tcp_conn), -ENOSPC);
	KUNIT_EXPECT_EQ(test, w.len, 80);
	KUNIT_EXPECT_EQ(test, w.nr, 1);
	KUNIT_EXPECT_MEMEQ(test, buf, v1_v6, sizeof(v1_v6));

	big = kunit_kmalloc(test, 65000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	lvs_sync_writer_init(&w, big, 65000, 1, 1);
	for (i = 0; i < 255; i++)
		KUNIT_ASSERT_EQ(test, lvs_sync_writer_add(&w, &tcp_conn), 0);
	KUNIT_EXPECT_EQ(test, lvs_sync_writer_add(&w, &tcp_conn), -ENOSPC);
	KUNIT_EXPECT_EQ(test, big[4], 255);
	KUNIT_EXPECT_EQ(test, w.len, 8 + 255 * 36);
}

struct bad_case {
	const char *name;
	const u8 *base;
	unsigned int base_len;
	int len;		/* > 0: read this many bytes, header size too */
	u8 patch[4][2];		/* offset, value; offset 0 ends the list */
	u8 syncid;		/* the reader's; 0: 7, the messages' */
	bool any;		/* the reader takes every sync id */
	enum lvs_sync_err err;
	unsigned int delivered;
	unsigned int skipped;
};

#define BASE(m)	.base = m, .base_len = sizeof(m)

static const struct bad_case bad_cases[] = {
	{ "empty", BASE(v1_tcp), .len = 1, .err = LVS_SYNC_E_SHORT },
	{ "three bytes", BASE(v1_tcp), .len = 3, .err = LVS_SYNC_E_SHORT },
	{ "empty v0 message", BASE(v1_tcp), .len = 4 },
	{ "header cut", BASE(v1_tcp), .len = 6, .err = LVS_SYNC_E_VERSION },
	{ "size too big", BASE(v1_tcp), .patch = { { 3, 0x2d } },
	  .err = LVS_SYNC_E_SIZE },
	{ "size too small", BASE(v1_tcp), .patch = { { 3, 0x2b } },
	  .err = LVS_SYNC_E_SIZE },
	{ "other sync id", BASE(v1_tcp), .syncid = 8, .err = LVS_SYNC_E_SYNCID },
	{ "sync id 0 takes all", BASE(v1_tcp), .any = true, .delivered = 1 },
	{ "version 2", BASE(v1_tcp), .patch = { { 5, 2 } },
	  .err = LVS_SYNC_E_VERSION },
	{ "spare not zero", BASE(v1_tcp), .patch = { { 7, 1 } },
	  .err = LVS_SYNC_E_VERSION },
	/* reserved byte set: a v0 message of one entry, protocol 1 */
	{ "reserved byte read as v0", BASE(v1_tcp), .patch = { { 0, 1 } },
	  .skipped = 1 },
	{ "count past the end", BASE(v1_two), .patch = { { 4, 3 } },
	  .err = LVS_SYNC_E_TRUNCATED, .delivered = 2 },
	{ "count short", BASE(v1_two), .patch = { { 4, 1 } }, .delivered = 1 },
	{ "second entry cut", BASE(v1_two), .len = 79,
	  .err = LVS_SYNC_E_TRUNCATED, .delivered = 1 },
	{ "entry size past the end", BASE(v1_two), .patch = { { 47, 0x28 } },
	  .err = LVS_SYNC_E_TRUNCATED, .delivered = 1 },
	{ "entry size below fixed part", BASE(v1_two), .patch = { { 11, 0x14 } },
	  .err = LVS_SYNC_E_ENTRY },
	{ "entry size 0", BASE(v1_two), .patch = { { 11, 0 } },
	  .err = LVS_SYNC_E_ENTRY },
	{ "entry version 1", BASE(v1_two), .patch = { { 10, 0x10 } },
	  .err = LVS_SYNC_E_VERSION },
	{ "unknown type", BASE(v1_two), .patch = { { 8, 2 } },
	  .err = LVS_SYNC_E_ENTRY },
	{ "IPv6 type, IPv4 size", BASE(v1_two), .patch = { { 8, 1 } },
	  .err = LVS_SYNC_E_ENTRY },
	{ "one-packet flag", BASE(v1_two), .patch = { { 14, 0x20 } },
	  .delivered = 1, .skipped = 1 },
	{ "template without client port", BASE(v1_two), .patch = { { 14, 0x18 } },
	  .delivered = 1, .skipped = 1 },
	{ "no client port alone", BASE(v1_two), .patch = { { 14, 0x08 } },
	  .delivered = 2 },
	{ "unknown protocol", BASE(v1_two), .patch = { { 9, 99 } },
	  .delivered = 1, .skipped = 1 },
	{ "TCP state out of range", BASE(v1_two), .patch = { { 17, LVS_TCP_S_COUNT } },
	  .delivered = 1, .skipped = 1 },
	{ "last TCP state", BASE(v1_two), .patch = { { 17, LVS_TCP_S_COUNT - 1 } },
	  .delivered = 2 },
	{ "UDP state 1", BASE(v1_two), .patch = { { 53, 1 } },
	  .delivered = 1, .skipped = 1 },
	{ "template state 2", BASE(v1_two), .patch = { { 14, 0x10 }, { 17, 2 } },
	  .delivered = 1, .skipped = 1 },
	{ "pe data length 0", BASE(v1_pe), .patch = { { 45, 0 } },
	  .err = LVS_SYNC_E_OPTION },
	{ "pe name past the entry", BASE(v1_pe), .patch = { { 53, 4 } },
	  .err = LVS_SYNC_E_OPTION },
	{ "pe data twice", BASE(v1_pe), .patch = { { 52, 2 } },
	  .err = LVS_SYNC_E_OPTION },
	{ "unknown mandatory option", BASE(v1_pe), .patch = { { 52, 4 } },
	  .delivered = 1, .skipped = 1 },
	{ "unknown optional option", BASE(v1_pe), .patch = { { 52, 0x44 } },
	  .delivered = 1, .skipped = 1 },	/* no name left for the data */
	{ "option header cut", BASE(v1_pe), .patch = { { 11, 0x2d } },
	  .err = LVS_SYNC_E_OPTION },
	{ "v0 count past the end", BASE(v0_tcp), .patch = { { 0, 2 } },
	  .err = LVS_SYNC_E_TRUNCATED, .delivered = 1 },
	{ "v0 sequence numbers missing", BASE(v0_tcp), .patch = { { 24, 0x06 } },
	  .err = LVS_SYNC_E_TRUNCATED },
	{ "v0 TCP state out of range", BASE(v0_tcp), .patch = { { 27, LVS_TCP_S_COUNT } },
	  .skipped = 1 },
	{ "v0 one-packet flag", BASE(v0_tcp), .patch = { { 24, 0x20 } },
	  .skipped = 1 },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

static void sync_bad_msg_test(struct kunit *test)
{
	const struct bad_case *bc = test->param_value;
	unsigned int len = bc->len > 0 ? bc->len : bc->base_len;
	struct lvs_sync_read res;
	struct got *g;
	u8 msg[128];
	int i;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	memcpy(msg, bc->base, bc->base_len);
	if (bc->len > 0 && len >= 4)
		put_unaligned_be16(len, msg + 2);
	for (i = 0; i < 4 && (bc->patch[i][0] || bc->patch[i][1]); i++)
		msg[bc->patch[i][0]] = bc->patch[i][1];
	read_exact(test, msg, len, bc->any ? 0 : bc->syncid ?: 7, g, &res);
	KUNIT_EXPECT_EQ(test, res.err, bc->err);
	KUNIT_EXPECT_EQ(test, res.delivered, bc->delivered);
	KUNIT_EXPECT_EQ(test, res.skipped, bc->skipped);
}

struct opt_case {
	const char *name;
	u8 opts[64];
	unsigned int len;
	enum lvs_sync_err err;
	bool delivered;
	bool has_seq;
	u8 pe_data_len;
};

#define OPTS(...) .opts = { __VA_ARGS__ }, .len = sizeof((u8[]){ __VA_ARGS__ })

static const struct opt_case opt_cases[] = {
	{ "sequence numbers",
	  OPTS(1, 24, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	       13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
	  .delivered = true, .has_seq = true },
	{ "sequence numbers, optional bit",
	  OPTS(0x41, 24, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	       13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
	  .delivered = true, .has_seq = true },
	{ "sequence numbers 23 bytes",
	  OPTS(1, 23, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	       13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
	  .err = LVS_SYNC_E_OPTION },
	{ "sequence numbers twice",
	  OPTS(1, 24, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	       13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
	       1, 24, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	       13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
	  .err = LVS_SYNC_E_OPTION },
	{ "length 0", OPTS(2, 0), .err = LVS_SYNC_E_OPTION },
	{ "data past the entry", OPTS(2, 5, 'a', 'b'), .err = LVS_SYNC_E_OPTION },
	{ "one byte", OPTS(2), .err = LVS_SYNC_E_OPTION },
	{ "name of 17 bytes", OPTS(3, 17, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
				   'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'),
	  .err = LVS_SYNC_E_OPTION },
	{ "name of 16 bytes", OPTS(3, 16, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
				   'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'),
	  .delivered = true },
	{ "name twice", OPTS(3, 3, 's', 'i', 'p', 3, 3, 's', 'i', 'p'),
	  .err = LVS_SYNC_E_OPTION },
	{ "data without name", OPTS(2, 1, 'a') },
	{ "data and name", OPTS(2, 1, 'a', 3, 3, 's', 'i', 'p'),
	  .delivered = true, .pe_data_len = 1 },
	{ "unknown mandatory", OPTS(4, 1, 0) },
	{ "unknown mandatory before a bad one", OPTS(4, 1, 0, 2, 0) },
	{ "unknown optional", OPTS(0x44, 1, 0), .delivered = true },
};

static void opt_case_desc(const struct opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(opt, opt_cases, opt_case_desc);

/* A TCP entry followed by the case's options, its size covering them. */
static void sync_option_test(struct kunit *test)
{
	const struct opt_case *oc = test->param_value;
	unsigned int len = sizeof(v1_tcp) + oc->len;
	struct lvs_sync_read res;
	struct got *g;
	u8 msg[128];

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	memcpy(msg, v1_tcp, sizeof(v1_tcp));
	memcpy(msg + sizeof(v1_tcp), oc->opts, oc->len);
	put_unaligned_be16(len, msg + 2);
	msg[8 + 3] = 36 + oc->len;
	read_exact(test, msg, len, 7, g, &res);
	KUNIT_EXPECT_EQ(test, res.err, oc->err);
	KUNIT_EXPECT_EQ(test, res.delivered, oc->delivered ? 1 : 0);
	KUNIT_EXPECT_EQ(test, res.skipped,
			!oc->err && !oc->delivered ? 1 : 0);
	if (res.delivered) {
		KUNIT_EXPECT_EQ(test, g->c[0].has_seq, oc->has_seq);
		KUNIT_EXPECT_EQ(test, g->c[0].pe_data_len, oc->pe_data_len);
		if (oc->has_seq) {
			KUNIT_EXPECT_EQ(test, g->c[0].in_seq.init_seq, 0x01020304);
			KUNIT_EXPECT_EQ(test, g->c[0].out_seq.previous_delta,
					0x15161718);
		}
	}
}

/*
 * Seeded random input: random bytes under a header that is right more
 * often than not, and valid messages with bytes changed. The reader
 * delivers no more than the count says and keeps within the datagram.
 */
static void sync_random_test(struct kunit *test)
{
	static const u8 * const bases[] = { v1_two, v1_pe, v1_v6, v0_tcp };
	static const unsigned int lens[] = {
		sizeof(v1_two), sizeof(v1_pe), sizeof(v1_v6), sizeof(v0_tcp)
	};
	struct rnd_state rnd;
	struct lvs_sync_read res;
	unsigned int i, ok = 0;
	struct got *g;
	u8 msg[300];

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	prandom_seed_state(&rnd, 13);
	for (i = 0; i < 20000; i++) {
		unsigned int len, k, r = prandom_u32_state(&rnd);

		if (i & 1) {
			k = r % ARRAY_SIZE(bases);
			len = lens[k];
			memcpy(msg, bases[k], len);
			for (r = 1 + (r >> 8) % 4; r; r--)
				msg[prandom_u32_state(&rnd) % len] =
					prandom_u32_state(&rnd);
		} else {
			len = r % sizeof(msg);
			prandom_bytes_state(&rnd, msg, len);
			if (len >= 8 && (r & 0x300)) {
				msg[0] = 0;
				msg[5] = 1;
				msg[6] = 0;
				msg[7] = 0;
			}
		}
		if (len >= 4 && (prandom_u32_state(&rnd) & 7))
			put_unaligned_be16(len, msg + 2);
		read_exact(test, msg, len, 0, g, &res);
		KUNIT_ASSERT_LE(test, res.delivered + res.skipped, 255);
		if (len < LVS_SYNC_HDR_V0_LEN + LVS_SYNC_CONN_V0_LEN)
			KUNIT_ASSERT_EQ(test, res.delivered + res.skipped, 0);
		ok += res.delivered;
	}
	/* the mutated messages still carry connections often */
	KUNIT_EXPECT_GT(test, ok, 1000);
}

static struct kunit_case lvs_sync_msg_cases[] = {
	KUNIT_CASE_PARAM(sync_write_read_test, write_gen_params),
	KUNIT_CASE(sync_round_trip_test),
	KUNIT_CASE(sync_writer_limits_test),
	KUNIT_CASE_PARAM(sync_bad_msg_test, bad_gen_params),
	KUNIT_CASE_PARAM(sync_option_test, opt_gen_params),
	KUNIT_CASE(sync_random_test),
	{}
};

static struct kunit_suite lvs_sync_msg_suite = {
	.name = "lvs_sync_msg",
	.test_cases = lvs_sync_msg_cases,
};

kunit_test_suite(lvs_sync_msg_suite);
