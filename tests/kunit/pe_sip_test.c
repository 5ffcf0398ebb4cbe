// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lvs_pe_sip: which Call-ID the sip persistence engine reads
 * of a SIP message, as IPVS reads it: full and compact header names in
 * any case, white space and folding around the colon, CRLF, LF or CR line
 * ends, word@word values, and the messages that have no usable Call-ID
 * (none, on the request line, a first header without colon or value, a
 * value not ending its line, too long), which IPVS drops. Then random
 * messages: whatever is found lies inside the message and is a Call-ID a
 * second search finds the same.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/string.h>

#include "lvs.h"

struct sip_case {
	const char *name;
	const char *msg;
	const char *callid;	/* NULL: no usable Call-ID */
};

#define REQ	"INVITE sip:bob@example.org SIP/2.0\r\n"
#define VIA	"Via: SIP/2.0/UDP 10.0.1.2:5060;branch=z9hG4bK776\r\n"

static const struct sip_case sip_cases[] = {
	{ "full header", REQ VIA "Call-ID: a84b4c76e66710@pc33\r\nCSeq: 1 INVITE\r\n\r\n",
	  "a84b4c76e66710@pc33" },
	{ "compact header", REQ VIA "i: f81d4fae\r\n\r\n", "f81d4fae" },
	{ "any case", REQ "CALL-id: Upper\r\n\r\n", "Upper" },
	{ "compact upper case", REQ "I: cOmPaCt\r\n\r\n", "cOmPaCt" },
	{ "no space after colon", REQ "Call-ID:tight\r\n", "tight" },
	{ "blanks before colon", REQ "Call-ID \t : spaced\r\n", "spaced" },
	{ "folded onto next line", REQ "Call-ID:\r\n \tfolded@host\r\n", "folded@host" },
	{ "LF line ends", "OPTIONS sip:x SIP/2.0\nVia: y\ni: lf-only\n\n", "lf-only" },
	{ "CR line ends", "OPTIONS sip:x SIP/2.0\rVia: y\rCall-ID: cr-only\r\r", "cr-only" },
	{ "word characters", REQ "Call-ID: a.b-c_d!%*+`'~()<>:\\\"/[]?{}@h.o-s_t\r\n",
	  "a.b-c_d!%*+`'~()<>:\\\"/[]?{}@h.o-s_t" },
	{ "Call-Info is another header", REQ "Call-Info: <http://x/y>\r\nCall-ID: after-info\r\n",
	  "after-info" },
	{ "folded before the colon", REQ "Call-ID\r\n\t: folded-name\r\n", "folded-name" },
	{ "not a word: the next one", REQ "Call-ID: ;x\r\nCall-ID: second\r\n", "second" },
	{ "letter after i: another header", REQ "ix: 1\r\ni: after-ix\r\n", "after-ix" },
	{ "no domain after @: the next one", REQ "i: lone@\r\ni: next\r\n", "next" },
	{ "in the body", REQ "Content-Length: 14\r\n\r\nCall-ID: body\r\n", "body" },
	{ "first of two", REQ "Call-ID: one\r\nCall-ID: two\r\n", "one" },
	{ "none", REQ VIA "CSeq: 1 INVITE\r\n\r\n", NULL },
	{ "on the request line", "Call-ID: first-line\r\nVia: x\r\n", NULL },
	{ "on a continuation line", REQ "Subject: x\r\n Call-ID: cont\r\n", NULL },
	{ "blank before line end", REQ "Call-ID: trailing \r\n", NULL },
	{ "other character after", REQ "Call-ID: abc;tag=1\r\n", NULL },
	{ "no line end", REQ "Call-ID: unterminated", NULL },
	{ "no colon", REQ "Call-ID abc\r\n", NULL },
	{ "no colon, then a good one", REQ "Call-ID abc\r\nCall-ID: good\r\n", NULL },
	{ "empty value, then a good one", REQ "Call-ID: \r\nCall-ID: good\r\n", NULL },
	{ "empty value at the end", REQ "Call-ID:  ", NULL },
	{ "empty folded value, then a good one",
	  REQ "Call-ID:\r\n \r\nCall-ID: good\r\n", "good" },
	{ "folded twice", REQ "Call-ID:\r\n \r\n twice\r\n", NULL },
	{ "colon at the end", REQ "i:", NULL },
	{ "i and a non-letter, then a good one", REQ "i-x: y\r\ni: good\r\n", NULL },
	{ "only a domain", REQ "i: @host\r\n", NULL },
	{ "header name longer, then a good one", REQ "Call-IDs: no\r\nCall-ID: good\r\n", NULL },
	{ "X-Call-ID is another header", REQ "X-Call-ID: no\r\n", NULL },
	{ "empty message", "", NULL },
	{ "line ends only", "\r\n\r\n\r\n", NULL },
};

static void sip_desc(const struct sip_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sip, sip_cases, sip_desc);

static void sip_callid_test(struct kunit *test)
{
	const struct sip_case *c = test->param_value;
	unsigned int off = 0, len;

	len = lvs_pe_sip_callid(c->msg, strlen(c->msg), &off);
	if (!c->callid) {
		KUNIT_EXPECT_EQ(test, len, 0);
		return;
	}
	KUNIT_ASSERT_EQ(test, len, strlen(c->callid));
	KUNIT_EXPECT_LE(test, off + len, strlen(c->msg));
	KUNIT_EXPECT_EQ(test, memcmp(c->msg + off, c->callid, len), 0);
}

/* A Call-ID of up to LVS_PE_DATA_MAX (255) bytes is read; a longer one not. */
static void sip_length_test(struct kunit *test)
{
	static const unsigned int lens[] = { 1, 254, 255, 256, 1000 };
	const unsigned int head = strlen(REQ "Call-ID: ");
	unsigned int i, len, off;
	char *msg;

	msg = kunit_kzalloc(test, head + 1000 + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	memcpy(msg, REQ "Call-ID: ", head);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		memset(msg + head, 'a' + i, lens[i]);
		memcpy(msg + head + lens[i], "\r\n", 2);
		len = lvs_pe_sip_callid(msg, head + lens[i] + 2, &off);
		if (lens[i] > LVS_PE_DATA_MAX) {
			KUNIT_EXPECT_EQ(test, len, 0);
			continue;
		}
		KUNIT_EXPECT_EQ(test, len, lens[i]);
		KUNIT_EXPECT_EQ(test, off, head);
	}
}

/*
 * Random messages of line ends, blanks, header names and word characters:
 * a Call-ID found lies in the message, ends its line, and is found again
 * in a message of a request line, its header and it alone.
 */
static void sip_random_test(struct kunit *test)
{
	static const char * const parts[] = {
		"\r\n", "\n", "\r", " ", "\t", ":", "@", "Call-ID", "i",
		"call-id", "Via", "abc", "x.y", ";", "\0", "\xff", "<>",
	};
	struct rnd_state rnd;
	char *msg, *again;
	unsigned int i, n, len, off, found = 0;

	msg = kunit_kzalloc(test, 512, GFP_KERNEL);
	again = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_ASSERT_NOT_NULL(test, again);
	/* the same messages every run */
	prandom_seed_state(&rnd, 5060);
	for (i = 0; i < 20000; i++) {
		len = 0;
		for (n = prandom_u32_state(&rnd) % 40; n; n--) {
			const char *p = parts[prandom_u32_state(&rnd) %
					      ARRAY_SIZE(parts)];
			size_t plen = *p ? strlen(p) : 1;

			if (len + plen > 512)
				break;
			memcpy(msg + len, p, plen);
			len += plen;
		}
		n = lvs_pe_sip_callid(msg, len, &off);
		if (!n)
			continue;
		found++;
		KUNIT_ASSERT_LE(test, n, LVS_PE_DATA_MAX);
		KUNIT_ASSERT_LT(test, off + n, len);
		KUNIT_ASSERT_TRUE(test, msg[off + n] == '\r' || msg[off + n] == '\n');
		memcpy(again, REQ "i: ", sizeof(REQ "i: ") - 1);
		memcpy(again + sizeof(REQ "i: ") - 1, msg + off, n);
		memcpy(again + sizeof(REQ "i: ") - 1 + n, "\r\n", 2);
		len = sizeof(REQ "i: ") - 1 + n + 2;
		KUNIT_ASSERT_EQ(test, lvs_pe_sip_callid(again, len, &off), n);
		KUNIT_ASSERT_EQ(test, off, sizeof(REQ "i: ") - 1);
	}
	/* the parts make Call-IDs often enough for this to mean something */
	KUNIT_EXPECT_GT(test, found, 100);
}

static struct kunit_case lvs_pe_sip_cases[] = {
	KUNIT_CASE_PARAM(sip_callid_test, sip_gen_params),
	KUNIT_CASE(sip_length_test),
	KUNIT_CASE(sip_random_test),
	{}
};

static struct kunit_suite lvs_pe_sip_suite = {
	.name = "lvs_pe_sip",
	.test_cases = lvs_pe_sip_cases,
};

kunit_test_suite(lvs_pe_sip_suite);
