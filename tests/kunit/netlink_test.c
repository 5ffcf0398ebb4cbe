// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_netlink: what the attribute parser of the "IPVS" family
 * accepts and rejects. Each case is one attribute stream, built byte by
 * byte as a client would send it, parsed against the service or daemon
 * policy, with the result a well-behaved IPVS peer relies on: exact sizes
 * for fixed-size attributes, bounded NUL-terminated names, no unknown
 * types, no trailing bytes, and nests accepted with or without NLA_F_NESTED
 * (libnl clients leave it clear).
 */
#include <kunit/test.h>
#include <linux/in6.h>
#include <net/netlink.h>
#include <linux/lvs.h>

#include "lvs.h"

/* One attribute of a test stream: type, payload length and payload. */
struct nl_test_attr {
	u16 type;
	u16 len;
	const char *data;
};

struct nl_test_case {
	const char *name;
	struct nl_test_attr attrs[3];
	/* bytes appended after the last attribute */
	unsigned int trailing;
	int expect;
	/* parse with the daemon policy instead of the service policy */
	bool daemon;
};

static const char zeros[32];

static const struct nl_test_case nl_cases[] = {
	{ "service af u16",
	  { { LVS_SVC_ATTR_AF, 2, zeros } }, 0, 0 },
	{ "service af too long",
	  { { LVS_SVC_ATTR_AF, 4, zeros } }, 0, -EINVAL },
	{ "service af too short",
	  { { LVS_SVC_ATTR_AF, 1, zeros } }, 0, -EINVAL },
	{ "service port u16 and fwmark u32",
	  { { LVS_SVC_ATTR_PORT, 2, zeros },
	    { LVS_SVC_ATTR_FWMARK, 4, zeros } }, 0, 0 },
	{ "service address 16 bytes",
	  { { LVS_SVC_ATTR_ADDR, 16, zeros } }, 0, 0 },
	{ "service address 17 bytes",
	  { { LVS_SVC_ATTR_ADDR, 17, zeros } }, 0, -ERANGE },
	{ "scheduler name",
	  { { LVS_SVC_ATTR_SCHED_NAME, 4, "wrr" } }, 0, 0 },
	{ "scheduler name without NUL",
	  { { LVS_SVC_ATTR_SCHED_NAME, 3, "wrr" } }, 0, -EINVAL },
	{ "scheduler name of 16 characters",
	  { { LVS_SVC_ATTR_SCHED_NAME, 17, "abcdefghijklmnop" } }, 0, -EINVAL },
	{ "flags need value and mask",
	  { { LVS_SVC_ATTR_FLAGS, 4, zeros } }, 0, -ERANGE },
	{ "flags value and mask",
	  { { LVS_SVC_ATTR_FLAGS, 8, zeros } }, 0, 0 },
	{ "stats nest without NLA_F_NESTED",
	  { { LVS_SVC_ATTR_STATS, 0, NULL } }, 0, 0 },
	{ "stats nest with NLA_F_NESTED",
	  { { LVS_SVC_ATTR_STATS | NLA_F_NESTED, 0, NULL } }, 0, 0 },
	{ "unknown service attribute",
	  { { LVS_SVC_ATTR_MAX + 1, 4, zeros } }, 0, -EINVAL },
	{ "bytes after the last attribute",
	  { { LVS_SVC_ATTR_AF, 2, zeros } }, 4, -EINVAL },
	{ "daemon interface name",
	  { { LVS_DAEMON_ATTR_MCAST_IFN, 5, "eth0" } }, 0, 0, true },
	{ "daemon ttl u8",
	  { { LVS_DAEMON_ATTR_MCAST_TTL, 1, zeros } }, 0, 0, true },
	{ "daemon ttl as u32",
	  { { LVS_DAEMON_ATTR_MCAST_TTL, 4, zeros } }, 0, -EINVAL, true },
	{ "daemon IPv6 group short",
	  { { LVS_DAEMON_ATTR_MCAST_GROUP6, 4, zeros } }, 0, -ERANGE, true },
};

static void nl_case_desc(const struct nl_test_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nl_parse, nl_cases, nl_case_desc);

/* Lay the case's attributes out in @buf as they travel; return the length. */
static int nl_build(const struct nl_test_case *c, u8 *buf, size_t size)
{
	int off = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(c->attrs) && c->attrs[i].type; i++) {
		const struct nl_test_attr *a = &c->attrs[i];
		struct nlattr *nla = (struct nlattr *)(buf + off);

		if (off + nla_total_size(a->len) > size)
			return -EMSGSIZE;
		nla->nla_type = a->type;
		nla->nla_len = nla_attr_size(a->len);
		if (a->len)
			memcpy(nla_data(nla), a->data, a->len);
		off += nla_total_size(a->len);
	}
	if (off + c->trailing > size)
		return -EMSGSIZE;
	return off + c->trailing;
}

static void nl_parse_test(struct kunit *test)
{
	const struct nl_test_case *c = test->param_value;
	struct nlattr *tb[LVS_SVC_ATTR_MAX + LVS_DAEMON_ATTR_MAX + 1];
	const struct nla_policy *policy = lvs_nl_svc_policy;
	int maxtype = LVS_SVC_ATTR_MAX;
	u8 buf[128] = {};
	int len;

	if (c->daemon) {
		policy = lvs_nl_daemon_policy;
		maxtype = LVS_DAEMON_ATTR_MAX;
	}
	len = nl_build(c, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_EXPECT_EQ(test, c->expect,
			lvs_nl_parse(tb, maxtype, (struct nlattr *)buf, len,
				     policy, NULL));
}

/* A parsed attribute is found at its type and carries its payload. */
static void nl_parse_finds_values_test(struct kunit *test)
{
	static const __be16 port = htons(80);
	static const u16 af = AF_INET6;
	static const struct nl_test_case c = {
		"af and port", { { LVS_SVC_ATTR_AF, 2, (const char *)&af },
		  { LVS_SVC_ATTR_PORT, 2, (const char *)&port } }, 0, 0 };
	struct nlattr *tb[LVS_SVC_ATTR_MAX + 1];
	u8 buf[64] = {};
	int len;

	len = nl_build(&c, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, 0, lvs_nl_parse(tb, LVS_SVC_ATTR_MAX,
					      (struct nlattr *)buf, len,
					      lvs_nl_svc_policy, NULL));
	KUNIT_ASSERT_NOT_NULL(test, tb[LVS_SVC_ATTR_AF]);
	KUNIT_ASSERT_NOT_NULL(test, tb[LVS_SVC_ATTR_PORT]);
	KUNIT_EXPECT_NULL(test, tb[LVS_SVC_ATTR_FWMARK]);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tb[LVS_SVC_ATTR_AF]), AF_INET6);
	KUNIT_EXPECT_EQ(test, ntohs(nla_get_be16(tb[LVS_SVC_ATTR_PORT])), 80);
}

static struct kunit_case lvs_netlink_cases[] = {
	KUNIT_CASE_PARAM(nl_parse_test, nl_parse_gen_params),
	KUNIT_CASE(nl_parse_finds_values_test),
	{}
};

static struct kunit_suite lvs_netlink_suite = {
	.name = "lvs_netlink",
	.test_cases = lvs_netlink_cases,
};

kunit_test_suite(lvs_netlink_suite);

MODULE_DESCRIPTION("KUnit tests for lvs");
MODULE_LICENSE("GPL");
/* the core's internals the suites call, exported for KUnit only */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
