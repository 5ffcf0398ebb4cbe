// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_encap: what each tunnel type and checksum option adds to
 * a packet (the bytes after the outer IP header, which the path MTU loses)
 * and the GSO bits it gives a large packet, as IPVS has them. GUE's remote
 * checksum option is only used for a packet whose transport checksum is
 * still to be computed (CHECKSUM_PARTIAL); GRE ignores REMCSUM.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "lvs.h"

struct encap_case {
	const char *name;
	u8 type;
	u16 flags;
	bool partial;
	u16 outer_af;
	unsigned int len;
	int gso_type;
	bool csum;
	bool remcsum;
};

#define GUE	LVS_TUNNEL_GUE
#define GRE	LVS_TUNNEL_GRE
#define CSUM	LVS_TUNNEL_F_CSUM
#define REMCSUM	LVS_TUNNEL_F_REMCSUM
#define UDPT	SKB_GSO_UDP_TUNNEL
#define UDPTC	SKB_GSO_UDP_TUNNEL_CSUM

static const struct encap_case encap_cases[] = {
	{ "ipip over ipv4", LVS_TUNNEL_IPIP, 0, true, AF_INET,
	  0, SKB_GSO_IPXIP4, false, false },
	{ "ipip over ipv6", LVS_TUNNEL_IPIP, 0, true, AF_INET6,
	  0, SKB_GSO_IPXIP6, false, false },
	{ "ipip ignores csum", LVS_TUNNEL_IPIP, CSUM, true, AF_INET,
	  0, SKB_GSO_IPXIP4, false, false },
	{ "gue nocsum", GUE, 0, true, AF_INET,
	  12, SKB_GSO_IPXIP4 | UDPT, false, false },
	{ "gue csum over ipv6", GUE, CSUM, true, AF_INET6,
	  12, SKB_GSO_IPXIP6 | UDPTC, true, false },
	{ "gue remcsum, partial", GUE, REMCSUM, true, AF_INET,
	  20, SKB_GSO_IPXIP4 | UDPTC | SKB_GSO_TUNNEL_REMCSUM, true, true },
	{ "gue remcsum, checksum done", GUE, REMCSUM, false, AF_INET,
	  12, SKB_GSO_IPXIP4 | UDPTC, true, false },
	{ "gre", GRE, 0, true, AF_INET,
	  4, SKB_GSO_IPXIP4 | SKB_GSO_GRE, false, false },
	{ "gre csum over ipv6", GRE, CSUM, false, AF_INET6,
	  8, SKB_GSO_IPXIP6 | SKB_GSO_GRE_CSUM, true, false },
	{ "gre ignores remcsum", GRE, REMCSUM, true, AF_INET,
	  4, SKB_GSO_IPXIP4 | SKB_GSO_GRE, false, false },
};

static void encap_desc(const struct encap_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(encap, encap_cases, encap_desc);

static void encap_test(struct kunit *test)
{
	const struct encap_case *c = test->param_value;
	struct lvs_encap enc;
	struct lvs_dest *dest;
	struct sk_buff *skb;

	dest = kunit_kzalloc(test, sizeof(*dest), GFP_KERNEL);
	skb = kunit_kzalloc(test, sizeof(*skb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dest);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	dest->tun_type = c->type;
	dest->tun_flags = c->flags;
	dest->tun_port = htons(6080);
	skb->ip_summed = c->partial ? CHECKSUM_PARTIAL : CHECKSUM_NONE;

	lvs_encap_init(&enc, dest, skb, c->outer_af);
	KUNIT_EXPECT_EQ(test, enc.type, c->type);
	KUNIT_EXPECT_EQ(test, enc.len, c->len);
	KUNIT_EXPECT_EQ(test, enc.gso_type, c->gso_type);
	KUNIT_EXPECT_EQ(test, enc.csum, c->csum);
	KUNIT_EXPECT_EQ(test, enc.remcsum, c->remcsum);
	KUNIT_EXPECT_EQ(test, ntohs(enc.port), 6080);
}

static struct kunit_case lvs_encap_cases[] = {
	KUNIT_CASE_PARAM(encap_test, encap_gen_params),
	{}
};

static struct kunit_suite lvs_encap_suite = {
	.name = "lvs_encap",
	.test_cases = lvs_encap_cases,
};

kunit_test_suite(lvs_encap_suite);
