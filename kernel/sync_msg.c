// SPDX-License-Identifier: GPL-2.0
/*
 * Connection synchronisation messages: writing and reading the datagrams
 * of the IPVS sync protocol, versions 0 and 1 (the layout is drawn in
 * sync_msg.h).
 *
 * The writer appends entries to a message in a buffer it does not own and
 * keeps the header's count and size right after every entry, so a message
 * can be sent at any time. The reader takes a received datagram as
 * hostile: every offset is checked against the datagram's length before a
 * byte is read, options are bounded by their entry, and what is wrong
 * either skips one entry (an entry that is well formed but not for us) or
 * drops the rest of the message (anything that makes the next offset
 * untrustworthy), which is where IPVS draws the same line. Both run in
 * any context and take no lock.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "lvs.h"
#include "sync_msg.h"

#define LVS_SYNC_TYPE_INET6	0x01	/* entry type bit: IPv6 addresses */
#define LVS_SYNC_VER_SHIFT	12	/* entry version above its size */
#define LVS_SYNC_SIZE_MASK	0x0fff
#define LVS_SYNC_OPT_SEQ	1
#define LVS_SYNC_OPT_PE_DATA	2
#define LVS_SYNC_OPT_PE_NAME	3
#define LVS_SYNC_OPT_OPTIONAL	0x40	/* option type bit: may be ignored */

/* v0 entry offsets */
#define V0_PROTO	1
#define V0_CPORT	2
#define V0_VPORT	4
#define V0_DPORT	6
#define V0_CADDR	8
#define V0_VADDR	12
#define V0_DADDR	16
#define V0_FLAGS	20
#define V0_STATE	22

/* v1 entry offsets */
#define V1_TYPE		0
#define V1_PROTO	1
#define V1_VER_SIZE	2
#define V1_FLAGS	4
#define V1_STATE	8
#define V1_CPORT	10
#define V1_VPORT	12
#define V1_DPORT	14
#define V1_FWMARK	16
#define V1_TIMEOUT	20
#define V1_ADDRS	24

/**
 * lvs_sync_writer_init() - start an empty message
 * @w: the writer
 * @buf: where the message is built, @cap bytes (at least a header)
 * @cap: the longest message to build (sync_maxlen)
 * @version: 0 or 1 (net.ipv4.vs.sync_version)
 * @syncid: the master's sync id
 */
void lvs_sync_writer_init(struct lvs_sync_writer *w, void *buf,
			  unsigned int cap, u8 version, u8 syncid)
{
	w->buf = buf;
	w->cap = cap;
	w->version = version ? 1 : 0;
	w->nr = 0;
	w->len = w->version ? LVS_SYNC_HDR_V1_LEN : LVS_SYNC_HDR_V0_LEN;
	memset(w->buf, 0, w->len);
	w->buf[1] = syncid;
	if (w->version)
		w->buf[5] = 1;
	put_unaligned_be16(w->len, w->buf + 2);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sync_writer_init);

static bool lvs_sync_has_pe(const struct lvs_sync_conn *c)
{
	return c->pe_data && c->pe_data_len;
}

/**
 * lvs_sync_conn_len() - the bytes @c takes in a message of @version
 * @c: the entry
 * @version: 0 or 1
 *
 * Return: the entry's size without padding, 0 if @version cannot carry it
 * (version 0 has no IPv6).
 */
unsigned int lvs_sync_conn_len(const struct lvs_sync_conn *c, u8 version)
{
	unsigned int len;

	if (!version) {
		if (c->af != AF_INET)
			return 0;
		len = LVS_SYNC_CONN_V0_LEN;
		if (c->flags & LVS_CONN_F_SEQ_MASK)
			len += LVS_SYNC_SEQ_LEN;
		return len;
	}
	len = c->af == AF_INET6 ? LVS_SYNC_CONN_V6_LEN : LVS_SYNC_CONN_V4_LEN;
	if (c->flags & LVS_CONN_F_SEQ_MASK)
		len += 2 + LVS_SYNC_SEQ_LEN;
	if (lvs_sync_has_pe(c)) {
		len += 2 + c->pe_data_len;
		if (c->pe_name_len)
			len += 2 + min_t(unsigned int, c->pe_name_len,
					 LVS_SYNC_PE_NAME_MAX);
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sync_conn_len);

static void put_seq(u8 *p, const struct lvs_sync_seq *s)
{
	put_unaligned_be32(s->init_seq, p);
	put_unaligned_be32(s->delta, p + 4);
	put_unaligned_be32(s->previous_delta, p + 8);
}

static void get_seq(const u8 *p, struct lvs_sync_seq *s)
{
	s->init_seq = get_unaligned_be32(p);
	s->delta = get_unaligned_be32(p + 4);
	s->previous_delta = get_unaligned_be32(p + 8);
}

/* Version 0 carries the sequence numbers in the sender's byte order. */
static void put_seq_v0(u8 *p, const struct lvs_sync_seq *s)
{
	put_unaligned(s->init_seq, (u32 *)p);
	put_unaligned(s->delta, (u32 *)(p + 4));
	put_unaligned(s->previous_delta, (u32 *)(p + 8));
}

static void get_seq_v0(const u8 *p, struct lvs_sync_seq *s)
{
	s->init_seq = get_unaligned((const u32 *)p);
	s->delta = get_unaligned((const u32 *)(p + 4));
	s->previous_delta = get_unaligned((const u32 *)(p + 8));
}

static void put_be16(u8 *p, __be16 v)
{
	memcpy(p, &v, sizeof(v));
}

static __be16 get_be16(const u8 *p)
{
	__be16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void lvs_sync_put_v0(u8 *p, const struct lvs_sync_conn *c)
{
	p[0] = 0;
	p[V0_PROTO] = c->protocol;
	put_be16(p + V0_CPORT, c->cport);
	put_be16(p + V0_VPORT, c->vport);
	put_be16(p + V0_DPORT, c->dport);
	memcpy(p + V0_CADDR, &c->caddr.ip, 4);
	memcpy(p + V0_VADDR, &c->vaddr.ip, 4);
	memcpy(p + V0_DADDR, &c->daddr.ip, 4);
	put_unaligned_be16(c->flags & ~LVS_CONN_F_HASHED, p + V0_FLAGS);
	put_unaligned_be16(c->state, p + V0_STATE);
	if (c->flags & LVS_CONN_F_SEQ_MASK) {
		put_seq_v0(p + LVS_SYNC_CONN_V0_LEN, &c->in_seq);
		put_seq_v0(p + LVS_SYNC_CONN_V0_LEN + 12, &c->out_seq);
	}
}

static void lvs_sync_put_v1(u8 *p, const struct lvs_sync_conn *c,
			    unsigned int len)
{
	unsigned int alen = c->af == AF_INET6 ? 16 : 4;
	u8 *q;

	p[V1_TYPE] = c->af == AF_INET6 ? LVS_SYNC_TYPE_INET6 : 0;
	p[V1_PROTO] = c->protocol;
	put_unaligned_be16(len & LVS_SYNC_SIZE_MASK, p + V1_VER_SIZE);
	put_unaligned_be32(c->flags & ~LVS_CONN_F_HASHED, p + V1_FLAGS);
	put_unaligned_be16(c->state, p + V1_STATE);
	put_be16(p + V1_CPORT, c->cport);
	put_be16(p + V1_VPORT, c->vport);
	put_be16(p + V1_DPORT, c->dport);
	put_unaligned_be32(c->fwmark, p + V1_FWMARK);
	put_unaligned_be32(c->timeout, p + V1_TIMEOUT);
	q = p + V1_ADDRS;
	memcpy(q, &c->caddr, alen);
	memcpy(q + alen, &c->vaddr, alen);
	memcpy(q + 2 * alen, &c->daddr, alen);
	q += 3 * alen;
	if (c->flags & LVS_CONN_F_SEQ_MASK) {
		*q++ = LVS_SYNC_OPT_SEQ;
		*q++ = LVS_SYNC_SEQ_LEN;
		put_seq(q, &c->in_seq);
		put_seq(q + 12, &c->out_seq);
		q += LVS_SYNC_SEQ_LEN;
	}
	if (lvs_sync_has_pe(c)) {
		*q++ = LVS_SYNC_OPT_PE_DATA;
		*q++ = c->pe_data_len;
		memcpy(q, c->pe_data, c->pe_data_len);
		q += c->pe_data_len;
		if (c->pe_name_len) {
			u8 n = min_t(u8, c->pe_name_len, LVS_SYNC_PE_NAME_MAX);

			*q++ = LVS_SYNC_OPT_PE_NAME;
			*q++ = n;
			memcpy(q, c->pe_name, n);
		}
	}
}

/**
 * lvs_sync_writer_add() - append one connection to the message
 * @w: the writer
 * @c: the connection; its HASHED flag is not sent
 *
 * Return: 0; -EAFNOSUPPORT if the message's version cannot carry @c;
 * -ENOSPC if the message is full (send it and start another).
 */
int lvs_sync_writer_add(struct lvs_sync_writer *w,
			const struct lvs_sync_conn *c)
{
	unsigned int len = lvs_sync_conn_len(c, w->version);
	unsigned int pad = 0;
	u8 *p;

	if (!len)
		return -EAFNOSUPPORT;
	if (w->nr >= LVS_SYNC_MAX_CONNS)
		return -ENOSPC;
	if (w->version)
		pad = -w->len & 3;
	if (w->len + pad + len > w->cap)
		return -ENOSPC;
	p = w->buf + w->len;
	memset(p, 0, pad);
	p += pad;
	if (w->version) {
		lvs_sync_put_v1(p, c, len);
		w->buf[4] = ++w->nr;
	} else {
		lvs_sync_put_v0(p, c);
		w->buf[0] = ++w->nr;
	}
	w->len += pad + len;
	put_unaligned_be16(w->len, w->buf + 2);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sync_writer_add);

/*
 * Whether a well-formed entry is one a backup can take: flags that make
 * sense for a synced connection, a protocol lvs balances and a state of
 * that protocol (or of a template). Masks the flags to what a backup
 * keeps and marks them synced.
 */
static bool lvs_sync_conn_acceptable(struct lvs_sync_conn *c)
{
	unsigned int states;

	if (c->flags & LVS_CONN_F_ONE_PACKET)
		return false;
	if ((c->flags & LVS_CONN_F_NO_CPORT) &&
	    (c->flags & LVS_CONN_F_TEMPLATE))
		return false;
	c->flags = (c->flags & LVS_SYNC_FLAGS_MASK) | LVS_CONN_F_SYNC;
	if (c->flags & LVS_CONN_F_TEMPLATE)
		states = LVS_CTPL_S_ASSURED + 1;
	else if (c->protocol == IPPROTO_TCP)
		states = LVS_TCP_S_COUNT;
	else if (c->protocol == IPPROTO_UDP)
		states = LVS_UDP_S_COUNT;
	else if (c->protocol == IPPROTO_SCTP)
		states = LVS_SCTP_S_COUNT;
	else
		return false;
	return c->state < states;
}

static void lvs_sync_read_v0(const u8 *buf, unsigned int len,
			     lvs_sync_conn_fn fn, void *arg,
			     struct lvs_sync_read *res)
{
	unsigned int nr = buf[0], off = LVS_SYNC_HDR_V0_LEN, i;

	for (i = 0; i < nr; i++) {
		struct lvs_sync_conn c = { .af = AF_INET };
		const u8 *p = buf + off;

		if (off + LVS_SYNC_CONN_V0_LEN > len) {
			res->err = LVS_SYNC_E_TRUNCATED;
			return;
		}
		c.flags = get_unaligned_be16(p + V0_FLAGS);
		off += LVS_SYNC_CONN_V0_LEN;
		if (c.flags & LVS_CONN_F_SEQ_MASK) {
			off += LVS_SYNC_SEQ_LEN;
			if (off > len) {
				res->err = LVS_SYNC_E_TRUNCATED;
				return;
			}
			c.has_seq = true;
			get_seq_v0(p + LVS_SYNC_CONN_V0_LEN, &c.in_seq);
			get_seq_v0(p + LVS_SYNC_CONN_V0_LEN + 12, &c.out_seq);
		}
		c.protocol = p[V0_PROTO];
		c.state = get_unaligned_be16(p + V0_STATE);
		c.cport = get_be16(p + V0_CPORT);
		c.vport = get_be16(p + V0_VPORT);
		c.dport = get_be16(p + V0_DPORT);
		memcpy(&c.caddr.ip, p + V0_CADDR, 4);
		memcpy(&c.vaddr.ip, p + V0_VADDR, 4);
		memcpy(&c.daddr.ip, p + V0_DADDR, 4);
		if (!lvs_sync_conn_acceptable(&c)) {
			res->skipped++;
			continue;
		}
		fn(arg, &c);
		res->delivered++;
	}
}

/*
 * One version 1 entry of @size bytes at @p (inside the message). Returns
 * LVS_SYNC_OK with @c filled in, LVS_SYNC_E_* to drop the rest of the
 * message, or -1 to skip this entry.
 */
static int lvs_sync_read_v1_conn(const u8 *p, unsigned int size,
				 struct lvs_sync_conn *c)
{
	const u8 *end = p + size, *q;
	bool pe_name_seen = false;
	unsigned int alen;

	if (p[V1_TYPE] & LVS_SYNC_TYPE_INET6) {
		if (!IS_ENABLED(CONFIG_IPV6))
			return -1;
		c->af = AF_INET6;
		alen = 16;
	} else if (!p[V1_TYPE]) {
		c->af = AF_INET;
		alen = 4;
	} else {
		return LVS_SYNC_E_ENTRY;
	}
	q = p + V1_ADDRS + 3 * alen;
	if (q > end)
		return LVS_SYNC_E_ENTRY;

	while (q < end) {
		unsigned int type, olen;

		if (end - q < 2)
			return LVS_SYNC_E_OPTION;
		type = q[0];
		olen = q[1];
		q += 2;
		if (!olen || olen > end - q)
			return LVS_SYNC_E_OPTION;
		switch (type & ~LVS_SYNC_OPT_OPTIONAL) {
		case LVS_SYNC_OPT_SEQ:
			if (olen != LVS_SYNC_SEQ_LEN || c->has_seq)
				return LVS_SYNC_E_OPTION;
			c->has_seq = true;
			get_seq(q, &c->in_seq);
			get_seq(q + 12, &c->out_seq);
			break;
		case LVS_SYNC_OPT_PE_DATA:
			if (c->pe_data)
				return LVS_SYNC_E_OPTION;
			c->pe_data = q;
			c->pe_data_len = olen;
			break;
		case LVS_SYNC_OPT_PE_NAME:
			if (olen > LVS_SYNC_PE_NAME_MAX || pe_name_seen)
				return LVS_SYNC_E_OPTION;
			pe_name_seen = true;
			c->pe_name = (const char *)q;
			c->pe_name_len = olen;
			break;
		default:
			if (!(type & LVS_SYNC_OPT_OPTIONAL))
				return -1;
		}
		q += olen;
	}

	c->protocol = p[V1_PROTO];
	c->flags = get_unaligned_be32(p + V1_FLAGS);
	c->state = get_unaligned_be16(p + V1_STATE);
	c->cport = get_be16(p + V1_CPORT);
	c->vport = get_be16(p + V1_VPORT);
	c->dport = get_be16(p + V1_DPORT);
	c->fwmark = get_unaligned_be32(p + V1_FWMARK);
	c->timeout = get_unaligned_be32(p + V1_TIMEOUT);
	memcpy(&c->caddr, p + V1_ADDRS, alen);
	memcpy(&c->vaddr, p + V1_ADDRS + alen, alen);
	memcpy(&c->daddr, p + V1_ADDRS + 2 * alen, alen);
	if (!lvs_sync_conn_acceptable(c))
		return -1;
	/* engine data without the engine's name cannot be used */
	if (c->pe_data && !c->pe_name)
		return -1;
	return LVS_SYNC_OK;
}

static void lvs_sync_read_v1(const u8 *buf, unsigned int len,
			     lvs_sync_conn_fn fn, void *arg,
			     struct lvs_sync_read *res)
{
	unsigned int nr = buf[4], off = LVS_SYNC_HDR_V1_LEN, i;

	for (i = 0; i < nr; i++) {
		struct lvs_sync_conn c = { };
		unsigned int ver_size, size;
		int err;

		if (off + LVS_SYNC_CONN_V4_LEN > len) {
			res->err = LVS_SYNC_E_TRUNCATED;
			return;
		}
		ver_size = get_unaligned_be16(buf + off + V1_VER_SIZE);
		size = ver_size & LVS_SYNC_SIZE_MASK;
		if (off + size > len) {
			res->err = LVS_SYNC_E_TRUNCATED;
			return;
		}
		if (ver_size >> LVS_SYNC_VER_SHIFT) {
			res->err = LVS_SYNC_E_VERSION;
			return;
		}
		err = lvs_sync_read_v1_conn(buf + off, size, &c);
		if (err > 0) {
			res->err = err;
			return;
		}
		if (err < 0) {
			res->skipped++;
		} else {
			fn(arg, &c);
			res->delivered++;
		}
		off += ALIGN(size, 4);
	}
}

/**
 * lvs_sync_read_msg() - read a received datagram
 * @buf: the datagram, @len bytes
 * @len: its length
 * @syncid: the backup's sync id; 0 takes every message
 * @fn: called with each acceptable entry, in order; the entry (and its
 *	engine data) lives only for the call
 * @arg: passed to @fn
 * @res: what happened
 */
void lvs_sync_read_msg(const u8 *buf, unsigned int len, u8 syncid,
		       lvs_sync_conn_fn fn, void *arg,
		       struct lvs_sync_read *res)
{
	memset(res, 0, sizeof(*res));
	if (len < LVS_SYNC_HDR_V0_LEN) {
		res->err = LVS_SYNC_E_SHORT;
		return;
	}
	if (get_unaligned_be16(buf + 2) != len) {
		res->err = LVS_SYNC_E_SIZE;
		return;
	}
	if (syncid && buf[1] != syncid) {
		res->err = LVS_SYNC_E_SYNCID;
		return;
	}
	if (buf[0]) {
		lvs_sync_read_v0(buf, len, fn, arg, res);
		return;
	}
	/* a version 0 reader sees an empty message in anything else */
	if (len == LVS_SYNC_HDR_V0_LEN)
		return;
	if (len < LVS_SYNC_HDR_V1_LEN || buf[5] != 1 || buf[6] || buf[7]) {
		res->err = LVS_SYNC_E_VERSION;
		return;
	}
	lvs_sync_read_v1(buf, len, fn, arg, res);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sync_read_msg);
