// SPDX-License-Identifier: GPL-2.0
/*
 * The sip persistence engine (ipvsadm --pe sip): a persistent UDP service
 * keys its templates by the SIP Call-ID of the datagram that opens a flow,
 * so that every flow of one call reaches the same real server while the
 * calls of one client spread over all of them (persist.c).
 *
 * The Call-ID is read as IPVS reads it (it borrows nf_conntrack_sip's
 * parser; lvs has its own, below):
 *   - a header line is any line after the first: lines end in CRLF, LF
 *     or CR (RFC 3261 allows CRLF only, RFC 2543 all three), and one that
 *     starts with a space or tab continues the line before it;
 *   - the header is "Call-ID" or its compact form "i", in any case, then
 *     optional white space, a colon, and optional white space; white
 *     space may fold onto the next line;
 *   - its value is a word, or word@word (RFC 3261 25.1, "callid");
 *   - the first line that starts as the header does ("Call-ID", or "i"
 *     and no letter) decides, unless its value is not a word (then the
 *     next one does): without a colon or a value on its line, or with a
 *     value that does not end the line or is over LVS_PE_DATA_MAX bytes,
 *     the datagram has no usable Call-ID;
 *   - the whole datagram is searched, as IPVS does, the body included.
 * A datagram with no usable Call-ID opens no flow (it is dropped), as in
 * IPVS; so is any packet that is not UDP, and an ICMP error that
 * schedule_icmp would schedule for the datagram it quotes.
 *
 * Context: softirq; lvs_pe_sip_callid() is pure and takes any bytes.
 */
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "lvs.h"

static bool lvs_sip_eol(char c)
{
	return c == '\r' || c == '\n';
}

static bool lvs_sip_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Past the line end at @p (CRLF, LF or CR); @p < @end. */
static const char *lvs_sip_past_eol(const char *p, const char *end)
{
	if (*p++ == '\r' && p < end && *p == '\n')
		p++;
	return p;
}

/* The start of the line after the one @p is in; NULL if there is none. */
static const char *lvs_sip_next_line(const char *p, const char *end)
{
	while (p < end && !lvs_sip_eol(*p))
		p++;
	if (p == end)
		return NULL;
	p = lvs_sip_past_eol(p, end);
	return p < end ? p : NULL;
}

/*
 * Past white space at @p, following a line end onto one continuation line
 * (one that starts with a space or tab), as IPVS does; NULL if the line,
 * or the message, ends there instead.
 */
static const char *lvs_sip_skip_lws(const char *p, const char *end)
{
	const char *next;

	while (p < end && lvs_sip_blank(*p))
		p++;
	if (p == end)
		return NULL;
	if (!lvs_sip_eol(*p))
		return p;
	next = lvs_sip_past_eol(p, end);
	if (next == end || !lvs_sip_blank(*next))
		return NULL;
	while (next < end && lvs_sip_blank(*next))
		next++;
	return next < end ? next : NULL;
}

/* The length of the SIP "word" at @p (RFC 3261 25.1). */
static unsigned int lvs_sip_word(const char *p, const char *end)
{
	static const char others[] = "-.!%*_+`'~()<>:\\\"/[]?{}";
	const char *start = p;

	while (p < end && (isalnum(*p) || (*p && strchr(others, *p))))
		p++;
	return p - start;
}

/*
 * The line at @p, if it starts as a Call-ID header does ("Call-ID", or
 * "i" then anything but a letter, in any case): where its value starts
 * (after one folded line end, that may be another line end); @end if the
 * header has no colon or its line ends after it (IPVS looks no further
 * then). NULL for another line.
 */
static const char *lvs_sip_callid_header(const char *p, const char *end)
{
	static const char full[] = "Call-ID";

	if (end - p >= sizeof(full) - 1 &&
	    !strncasecmp(p, full, sizeof(full) - 1))
		p += sizeof(full) - 1;
	else if (end - p >= 2 && tolower(*p) == 'i' && !isalpha(p[1]))
		p++;
	else
		return NULL;
	p = lvs_sip_skip_lws(p, end);
	if (!p || *p != ':')
		return end;
	p = lvs_sip_skip_lws(p + 1, end);
	return p ? p : end;
}

/**
 * lvs_pe_sip_callid - find the Call-ID of a SIP message
 * @msg: the message (a UDP payload), any bytes
 * @len: its length
 * @off: set to the Call-ID's offset in @msg
 *
 * Return: the Call-ID's length, 1 to LVS_PE_DATA_MAX; 0 if the message
 * has no usable one (see the top of this file).
 */
unsigned int lvs_pe_sip_callid(const char *msg, unsigned int len,
			       unsigned int *off)
{
	const char *end = msg + len, *line, *v;
	unsigned int n, domain;

	for (line = lvs_sip_next_line(msg, end); line;
	     line = lvs_sip_next_line(line, end)) {
		v = lvs_sip_callid_header(line, end);
		if (!v)
			continue;
		if (v == end)
			return 0;
		n = lvs_sip_word(v, end);
		if (n && v + n < end && v[n] == '@') {
			domain = lvs_sip_word(v + n + 1, end);
			n = domain ? n + 1 + domain : 0;
		}
		if (!n)
			continue;
		if (n > LVS_PE_DATA_MAX || v + n == end || !lvs_sip_eol(v[n]))
			return 0;
		*off = v - msg;
		return n;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_pe_sip_callid);

/*
 * Is @pkt @skb's own UDP datagram? Not when it is the one an ICMP error
 * quotes (schedule_icmp), whose Call-ID IPVS does not read either.
 */
static bool lvs_pe_sip_own_udp(struct sk_buff *skb,
			       const struct lvs_packet *pkt)
{
	unsigned int off = 0;

	if (pkt->protocol != IPPROTO_UDP)
		return false;
	if (pkt->af == AF_INET)
		return ip_hdr(skb)->protocol == IPPROTO_UDP;
	return ipv6_find_hdr(skb, &off, -1, NULL, NULL) == IPPROTO_UDP &&
	       off == pkt->l4off;
}

/* The Call-ID of UDP datagram @skb; its bytes are made linear to be read. */
static unsigned int lvs_pe_sip_read(struct sk_buff *skb,
				    const struct lvs_packet *pkt,
				    const char **data)
{
	unsigned int payload = pkt->l4off + sizeof(struct udphdr);
	unsigned int len, off;

	if (!lvs_pe_sip_own_udp(skb, pkt) || payload >= skb->len ||
	    skb_linearize(skb))
		return 0;
	len = lvs_pe_sip_callid(skb->data + payload, skb->len - payload, &off);
	if (len)
		*data = skb->data + payload + off;
	return len;
}

const struct lvs_pe lvs_pe_sip = {
	.name = "sip",
	.read = lvs_pe_sip_read,
};
