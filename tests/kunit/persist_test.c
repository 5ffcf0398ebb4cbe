// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_persist_key: how a persistence template is keyed, given
 * a service and the packet that opens a connection. The expected keys are
 * IPVS's: the client address masked by the service's netmask (IPv4) or cut
 * to its prefix length (IPv6), client port 0; the virtual port, except 0
 * for FTP (port 21) and for a service of all ports; for a firewall-mark
 * service, protocol IPPROTO_IP and the mark, in network order, as the
 * virtual address.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/inet.h>

#include "lvs.h"

struct persist_case {
	const char *name;
	u16 af;
	u8 protocol;
	/* the service */
	u16 svc_port;
	u32 fwmark;
	const char *netmask;	/* IPv4: dotted; IPv6: prefix length */
	/* the packet */
	const char *saddr;
	const char *daddr;
	u16 sport;
	u16 dport;
	/* the key */
	u8 key_protocol;
	const char *key_caddr;
	const char *key_vaddr;
	u16 key_vport;
};

static const struct persist_case persist_cases[] = {
	{ "IPv4, host mask", AF_INET, IPPROTO_TCP, 80, 0, "255.255.255.255",
	  "10.0.1.20", "10.0.1.100", 40000, 80,
	  IPPROTO_TCP, "10.0.1.20", "10.0.1.100", 80 },
	{ "IPv4, /24 mask", AF_INET, IPPROTO_TCP, 80, 0, "255.255.255.0",
	  "10.0.1.20", "10.0.1.100", 40000, 80,
	  IPPROTO_TCP, "10.0.1.0", "10.0.1.100", 80 },
	{ "IPv4, mask 0: one template for all", AF_INET, IPPROTO_UDP, 53, 0,
	  "0.0.0.0", "192.0.2.7", "10.0.1.100", 5353, 53,
	  IPPROTO_UDP, "0.0.0.0", "10.0.1.100", 53 },
	{ "FTP: virtual port 0", AF_INET, IPPROTO_TCP, 21, 0, "255.255.255.255",
	  "10.0.1.20", "10.0.1.100", 40000, 21,
	  IPPROTO_TCP, "10.0.1.20", "10.0.1.100", 0 },
	{ "all-ports service: virtual port 0", AF_INET, IPPROTO_TCP, 0, 0,
	  "255.255.255.255", "10.0.1.20", "10.0.1.100", 40000, 443,
	  IPPROTO_TCP, "10.0.1.20", "10.0.1.100", 0 },
	{ "fwmark: protocol IP, the mark as address", AF_INET, IPPROTO_TCP, 0,
	  7, "255.255.255.255", "10.0.1.20", "10.0.1.100", 40000, 8080,
	  IPPROTO_IP, "10.0.1.20", "0.0.0.7", 0 },
	{ "IPv6, /64", AF_INET6, IPPROTO_TCP, 80, 0, "64",
	  "fd00:1::20", "fd00:1::100", 40000, 80,
	  IPPROTO_TCP, "fd00:1::", "fd00:1::100", 80 },
	{ "IPv6, /128", AF_INET6, IPPROTO_UDP, 80, 0, "128",
	  "fd00:1::20", "fd00:1::100", 40000, 80,
	  IPPROTO_UDP, "fd00:1::20", "fd00:1::100", 80 },
	{ "IPv6, /60 cuts inside a group", AF_INET6, IPPROTO_TCP, 80, 0, "60",
	  "fd00:1:2:3fff::1", "fd00:1::100", 40000, 80,
	  IPPROTO_TCP, "fd00:1:2:3ff0::", "fd00:1::100", 80 },
	{ "IPv6 fwmark", AF_INET6, IPPROTO_UDP, 0, 0x10000, "128",
	  "fd00:1::20", "fd00:1::100", 40000, 80,
	  IPPROTO_IP, "fd00:1::20", "0.1.0.0", 0 },
};

static void persist_desc(const struct persist_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(persist, persist_cases, persist_desc);

static void parse_addr(struct kunit *test, u16 af, const char *s,
		       union nf_inet_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (af == AF_INET6)
		KUNIT_ASSERT_TRUE(test, in6_pton(s, -1, a->in6.s6_addr, -1,
						 NULL));
	else
		KUNIT_ASSERT_TRUE(test, in4_pton(s, -1, (u8 *)&a->ip, -1,
						 NULL));
}

static void persist_key_matches(struct kunit *test)
{
	const struct persist_case *c = test->param_value;
	union nf_inet_addr want_c, want_v, mask;
	struct lvs_persist_key key;
	struct lvs_service *svc;
	struct lvs_packet *pkt;
	u32 plen;

	svc = kunit_kzalloc(test, sizeof(*svc), GFP_KERNEL);
	pkt = kunit_kzalloc(test, sizeof(*pkt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	svc->af = c->af;
	svc->protocol = c->protocol;
	svc->port = htons(c->svc_port);
	svc->fwmark = c->fwmark;
	if (c->af == AF_INET6) {
		KUNIT_ASSERT_EQ(test, kstrtou32(c->netmask, 10, &plen), 0);
		svc->netmask = (__force __be32)plen;
	} else {
		parse_addr(test, AF_INET, c->netmask, &mask);
		svc->netmask = mask.ip;
	}
	pkt->af = c->af;
	pkt->protocol = c->protocol;
	parse_addr(test, c->af, c->saddr, &pkt->saddr);
	parse_addr(test, c->af, c->daddr, &pkt->daddr);
	pkt->sport = htons(c->sport);
	pkt->dport = htons(c->dport);

	lvs_persist_key(svc, pkt, &key);
	parse_addr(test, c->af, c->key_caddr, &want_c);
	/* a mark is an IPv4-sized value whatever the family */
	parse_addr(test, c->key_protocol == IPPROTO_IP ? AF_INET : c->af,
		   c->key_vaddr, &want_v);
	KUNIT_EXPECT_EQ(test, key.param.af, c->af);
	KUNIT_EXPECT_EQ(test, key.param.protocol, c->key_protocol);
	KUNIT_EXPECT_EQ(test, ntohs(key.param.cport), 0);
	KUNIT_EXPECT_EQ(test, ntohs(key.param.vport), c->key_vport);
	KUNIT_EXPECT_MEMEQ(test, key.param.caddr, &want_c, sizeof(want_c));
	KUNIT_EXPECT_MEMEQ(test, key.param.vaddr, &want_v, sizeof(want_v));
}

static struct kunit_case persist_test_cases[] = {
	KUNIT_CASE_PARAM(persist_key_matches, persist_gen_params),
	{}
};

static struct kunit_suite persist_suite = {
	.name = "lvs_persist_key",
	.test_cases = persist_test_cases,
};

kunit_test_suite(persist_suite);
