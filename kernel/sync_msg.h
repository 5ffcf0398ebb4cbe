/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection synchronisation messages on the wire (sync_msg.c): what a
 * master director multicasts and a backup reads, in the format IPVS uses,
 * so that lvs and ip_vs directors understand each other. A message is one
 * UDP datagram: a header and up to 255 connection entries.
 *
 * Version 1 (what is sent unless net.ipv4.vs.sync_version is 0):
 *
 *   header, 8 bytes:  0 | syncid | size (be16) | count | 1 | 0 (be16)
 *   entry, from an offset that is a multiple of 4, zero bytes before it:
 *     type (bit 0: IPv6) | protocol | version (4 bits, 0) size (12 bits)
 *     flags (be32) | state (be16) | cport | vport | dport | fwmark (be32)
 *     timeout in seconds (be32) | caddr | vaddr | daddr (4 or 16 bytes each)
 *     then options up to the entry's size: type | length (not 0) | data;
 *     1 sequence numbers (24 bytes), 2 persistence-engine data (at most
 *     255), 3 persistence-engine name (at most 16); a type with bit 6
 *     set may be skipped by a reader that does not know it, any other
 *     unknown type makes the reader skip the entry.
 *
 * Version 0 (IPv4 only, no timeout or fwmark):
 *
 *   header, 4 bytes:  count | syncid | size (be16)
 *   entry, 24 bytes:  0 | protocol | cport | vport | dport | caddr |
 *     vaddr | daddr | flags (be16) | state (be16), followed by 24 bytes of
 *     sequence numbers (in the sender's byte order) when the flags say so.
 *
 * A version 1 header starts with a zero byte, which a version 0 reader
 * takes for an empty message.
 *
 * Nothing here touches a connection or a lock: a writer fills a caller's
 * buffer, a reader calls back for each entry; sync.c does the rest.
 */
#ifndef LVS_SYNC_MSG_H
#define LVS_SYNC_MSG_H

#include <linux/netfilter.h>
#include <linux/types.h>

#define LVS_SYNC_HDR_V0_LEN	4
#define LVS_SYNC_HDR_V1_LEN	8
#define LVS_SYNC_CONN_V0_LEN	24
#define LVS_SYNC_CONN_V4_LEN	36
#define LVS_SYNC_CONN_V6_LEN	72
#define LVS_SYNC_SEQ_LEN	24
#define LVS_SYNC_PE_NAME_MAX	16
#define LVS_SYNC_PE_DATA_MAX	255
#define LVS_SYNC_MAX_CONNS	255

/* the flags a backup takes from a message, and those an update changes */
#define LVS_SYNC_FLAGS_MASK	(LVS_CONN_F_FWD_MASK | LVS_CONN_F_NOOUTPUT | \
				 LVS_CONN_F_INACTIVE | LVS_CONN_F_SEQ_MASK | \
				 LVS_CONN_F_NO_CPORT | LVS_CONN_F_TEMPLATE)
#define LVS_SYNC_FLAGS_UPD_MASK	(LVS_CONN_F_INACTIVE | LVS_CONN_F_SEQ_MASK)

struct lvs_sync_seq {
	u32 init_seq;
	u32 delta;
	u32 previous_delta;
};

/**
 * struct lvs_sync_conn - one connection entry, decoded
 * @timeout: seconds; 0 in version 0, which does not carry it
 * @has_seq: @in_seq and @out_seq were read (writers look at @flags)
 * @pe_data: persistence-engine data (a sip Call-ID), @pe_data_len bytes;
 *	points into the message a reader was given
 * @pe_name: the engine's name, @pe_name_len bytes, not terminated
 */
struct lvs_sync_conn {
	union nf_inet_addr caddr;
	union nf_inet_addr vaddr;
	union nf_inet_addr daddr;
	__be16 cport;
	__be16 vport;
	__be16 dport;
	u16 af;
	u8 protocol;
	u16 state;
	u32 flags;
	u32 fwmark;
	u32 timeout;
	bool has_seq;
	struct lvs_sync_seq in_seq;
	struct lvs_sync_seq out_seq;
	const u8 *pe_data;
	u8 pe_data_len;
	u8 pe_name_len;
	const char *pe_name;
};

/**
 * struct lvs_sync_writer - a message being built in a caller's buffer
 * @buf: @cap bytes; the message is the first @len
 * @version: 0 or 1
 * @nr: entries so far
 */
struct lvs_sync_writer {
	u8 *buf;
	unsigned int len;
	unsigned int cap;
	u8 version;
	unsigned int nr;
};

void lvs_sync_writer_init(struct lvs_sync_writer *w, void *buf,
			  unsigned int cap, u8 version, u8 syncid);
unsigned int lvs_sync_conn_len(const struct lvs_sync_conn *c, u8 version);
int lvs_sync_writer_add(struct lvs_sync_writer *w,
			const struct lvs_sync_conn *c);

/*
 * Why a reader stops or skips (struct lvs_sync_read counts them): a
 * malformed message is dropped from the first bad entry on, as IPVS does,
 * so entries before it have been delivered.
 */
enum lvs_sync_err {
	LVS_SYNC_OK = 0,
	LVS_SYNC_E_SHORT,	/* shorter than a header */
	LVS_SYNC_E_SIZE,	/* the header's size is not the datagram's */
	LVS_SYNC_E_SYNCID,	/* another sync id than the backup's */
	LVS_SYNC_E_VERSION,	/* a version this reader does not know */
	LVS_SYNC_E_TRUNCATED,	/* an entry runs past the end */
	LVS_SYNC_E_ENTRY,	/* an entry's size or type is inconsistent */
	LVS_SYNC_E_OPTION,	/* an option's length is wrong or repeated */
};

/**
 * struct lvs_sync_read - the outcome of reading one message
 * @err: LVS_SYNC_OK or why the message (or its rest) was dropped
 * @delivered: entries handed to the callback
 * @skipped: entries skipped as IPVS skips them (invalid flags, unknown
 *	mandatory option, unknown protocol, state out of range, IPv6
 *	without IPv6 support); the rest of the message was still read
 */
struct lvs_sync_read {
	enum lvs_sync_err err;
	unsigned int delivered;
	unsigned int skipped;
};

typedef void (*lvs_sync_conn_fn)(void *arg, const struct lvs_sync_conn *c);

void lvs_sync_read_msg(const u8 *buf, unsigned int len, u8 syncid,
		       lvs_sync_conn_fn fn, void *arg,
		       struct lvs_sync_read *res);

#endif /* LVS_SYNC_MSG_H */
