// SPDX-License-Identifier: GPL-2.0
/*
 * SCTP as the director sees it: like TCP (proto_tcp.c), a coarse state per
 * association, kept only to decide how long an idle association is kept,
 * what ipvsadm prints, and whether it counts as active. No verification
 * tags, no TSNs: one lookup per packet.
 *
 * A packet is reduced to one event by its first chunk (lvs_sctp_parse()):
 * INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, SHUTDOWN, SHUTDOWN ACK,
 * SHUTDOWN COMPLETE, ERROR and ABORT are events of their own, and every
 * other chunk (DATA, SACK, HEARTBEAT, ...) is DATA. A COOKIE ECHO or
 * COOKIE ACK may carry an ABORT bundled after it, which then decides the
 * event. The states are named from the real server's side of the
 * association, and the next state is read from a table per direction:
 *
 *   IN       client to real server, when replies come back through us (NAT)
 *   OUT      real server to client, through us (NAT)
 *   IN_ONLY  client to real server when the replies bypass us (DR, TUN):
 *            the handshake completes on the client's COOKIE ECHO, since
 *            we never see the real server's INIT ACK and COOKIE ACK
 *
 * States, numbers, names, timeouts and tables are IPVS's, so an association
 * walks through the same states on either module and tools print the same.
 * Only ESTABLISHED counts as an active connection.
 *
 * A packet that matches no connection opens one when its first chunk is an
 * INIT; with the sloppy_sctp sysctl, any first chunk but ABORT does, so
 * that a director taking over (or a new one) picks up running associations.
 */
#include <linux/module.h>
#include <linux/in.h>
#include <linux/sctp.h>
#include <linux/skbuff.h>

#include "lvs.h"

static const char *const sctp_state_names[LVS_SCTP_S_COUNT] = {
	[LVS_SCTP_S_NONE]		= "NONE",
	[LVS_SCTP_S_INIT1]		= "INIT1",
	[LVS_SCTP_S_INIT]		= "INIT",
	[LVS_SCTP_S_COOKIE_SENT]	= "C-SENT",
	[LVS_SCTP_S_COOKIE_REPLIED]	= "C-REPLIED",
	[LVS_SCTP_S_COOKIE_WAIT]	= "C-WAIT",
	[LVS_SCTP_S_COOKIE]		= "COOKIE",
	[LVS_SCTP_S_COOKIE_ECHOED]	= "C-ECHOED",
	[LVS_SCTP_S_ESTABLISHED]	= "ESTABLISHED",
	[LVS_SCTP_S_SHUTDOWN_SENT]	= "S-SENT",
	[LVS_SCTP_S_SHUTDOWN_RECEIVED]	= "S-RECEIVED",
	[LVS_SCTP_S_SHUTDOWN_ACK_SENT]	= "S-ACK-SENT",
	[LVS_SCTP_S_REJECTED]		= "REJECTED",
	[LVS_SCTP_S_CLOSED]		= "CLOSED",
};

/*
 * Idle time allowed in each state, in seconds. The handshake and shutdown
 * states get SCTP's longest retransmission time-out (60 s) plus one; INIT1,
 * a first INIT not answered yet, and REJECTED, an INIT answered by ABORT,
 * are short so that a flood of INITs does not fill the table.
 */
#define SCTP_MAX_RTO	(60 + 1)

static const unsigned int sctp_timeouts[LVS_SCTP_S_COUNT] = {
	[LVS_SCTP_S_NONE]		= 2,
	[LVS_SCTP_S_INIT1]		= 4,
	[LVS_SCTP_S_INIT]		= SCTP_MAX_RTO,
	[LVS_SCTP_S_COOKIE_SENT]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_COOKIE_REPLIED]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_COOKIE_WAIT]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_COOKIE]		= SCTP_MAX_RTO,
	[LVS_SCTP_S_COOKIE_ECHOED]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_ESTABLISHED]	= 15 * 60,
	[LVS_SCTP_S_SHUTDOWN_SENT]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_SHUTDOWN_RECEIVED]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_SHUTDOWN_ACK_SENT]	= SCTP_MAX_RTO,
	[LVS_SCTP_S_REJECTED]		= 4,
	[LVS_SCTP_S_CLOSED]		= SCTP_MAX_RTO,
};

/* Only an established association counts as active. */
static const bool sctp_active[LVS_SCTP_S_COUNT] = {
	[LVS_SCTP_S_ESTABLISHED]	= true,
};

/* The event of each chunk type that has one of its own; the rest are DATA. */
static const u8 sctp_chunk_events[] = {
	[SCTP_CID_INIT]			= LVS_SCTP_EV_INIT,
	[SCTP_CID_INIT_ACK]		= LVS_SCTP_EV_INIT_ACK,
	[SCTP_CID_ABORT]		= LVS_SCTP_EV_ABORT,
	[SCTP_CID_SHUTDOWN]		= LVS_SCTP_EV_SHUTDOWN,
	[SCTP_CID_SHUTDOWN_ACK]		= LVS_SCTP_EV_SHUTDOWN_ACK,
	[SCTP_CID_ERROR]		= LVS_SCTP_EV_ERROR,
	[SCTP_CID_COOKIE_ECHO]		= LVS_SCTP_EV_COOKIE_ECHO,
	[SCTP_CID_COOKIE_ACK]		= LVS_SCTP_EV_COOKIE_ACK,
	[SCTP_CID_SHUTDOWN_COMPLETE]	= LVS_SCTP_EV_SHUTDOWN_COMPLETE,
};

/**
 * lvs_sctp_parse - the event of an SCTP packet
 * @skb: the packet
 * @l4off: offset of its SCTP common header
 * @pkt: where the event goes (@pkt->event)
 *
 * The common header and the first chunk's header must be there, and the
 * first chunk's length must cover at least its header and fit in the
 * packet; anything else is malformed and not balanced.
 *
 * Return: false if the packet is malformed.
 */
bool lvs_sctp_parse(const struct sk_buff *skb, unsigned int l4off,
		    struct lvs_packet *pkt)
{
	unsigned int off = l4off + sizeof(struct sctphdr);
	struct sctp_chunkhdr _ch;
	const struct sctp_chunkhdr *ch;
	unsigned int clen;
	u8 type, event;

	ch = skb_header_pointer(skb, off, sizeof(_ch), &_ch);
	if (!ch)
		return false;
	clen = ntohs(ch->length);
	if (clen < sizeof(*ch) || clen > skb->len - off)
		return false;
	type = ch->type;
	event = type < ARRAY_SIZE(sctp_chunk_events) ?
		sctp_chunk_events[type] : LVS_SCTP_EV_DATA;
	if (event == LVS_SCTP_EV_COOKIE_ECHO ||
	    event == LVS_SCTP_EV_COOKIE_ACK) {
		/* chunks are padded to four bytes; the pad is not in clen */
		ch = skb_header_pointer(skb, off + ALIGN(clen, 4), sizeof(_ch),
					&_ch);
		if (ch && ch->type == SCTP_CID_ABORT)
			event = LVS_SCTP_EV_COOKIE_ABORT;
	}
	pkt->event = event;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sctp_parse);

/* Short names for the table cells only. */
#define S_NO	LVS_SCTP_S_NONE
#define S_I1	LVS_SCTP_S_INIT1
#define S_IN	LVS_SCTP_S_INIT
#define S_CS	LVS_SCTP_S_COOKIE_SENT
#define S_CR	LVS_SCTP_S_COOKIE_REPLIED
#define S_CW	LVS_SCTP_S_COOKIE_WAIT
#define S_CO	LVS_SCTP_S_COOKIE
#define S_CE	LVS_SCTP_S_COOKIE_ECHOED
#define S_ES	LVS_SCTP_S_ESTABLISHED
#define S_SS	LVS_SCTP_S_SHUTDOWN_SENT
#define S_SR	LVS_SCTP_S_SHUTDOWN_RECEIVED
#define S_SA	LVS_SCTP_S_SHUTDOWN_ACK_SENT
#define S_RJ	LVS_SCTP_S_REJECTED
#define S_CL	LVS_SCTP_S_CLOSED

/* A COOKIE_ABORT moves the state as an ABORT does: it has no column. */
#define SCTP_EV_ROWS	(LVS_SCTP_EV_ABORT + 1)

/*
 * One table per direction: a row per current state (in the order of enum
 * lvs_sctp_state), a column per event (DATA, INIT, INIT ACK, COOKIE ECHO,
 * COOKIE ACK, SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE, ERROR, ABORT, in
 * the order of enum lvs_sctp_event), the cell the state after the packet.
 */
static const u8 sctp_next_in[LVS_SCTP_S_COUNT][SCTP_EV_ROWS] = {
	/*  DA    IN    IA    CE    CA    SH    SA    SC    ER    AB */
	{ S_ES, S_I1, S_CW, S_CR, S_ES, S_SR, S_CL, S_CL, S_CL, S_CL },	/* NO */
	{ S_I1, S_IN, S_CW, S_IN, S_I1, S_I1, S_IN, S_CL, S_I1, S_CL },	/* I1 */
	{ S_IN, S_IN, S_CW, S_IN, S_IN, S_IN, S_IN, S_CL, S_IN, S_CL },	/* IN */
	{ S_CS, S_CS, S_CS, S_CR, S_CS, S_CS, S_CS, S_CS, S_CS, S_CL },	/* CS */
	{ S_CR, S_CR, S_CR, S_CR, S_CR, S_CR, S_CR, S_CR, S_CR, S_CL },	/* CR */
	{ S_CW, S_CW, S_CO, S_CW, S_CW, S_CW, S_CW, S_CW, S_CW, S_RJ },	/* CW */
	{ S_CO, S_CO, S_CO, S_CO, S_CO, S_CO, S_CO, S_CO, S_CO, S_CL },	/* CO */
	{ S_CE, S_CE, S_CE, S_CE, S_ES, S_CE, S_CE, S_CE, S_CL, S_CL },	/* CE */
	{ S_ES, S_ES, S_ES, S_ES, S_ES, S_SR, S_ES, S_ES, S_ES, S_CL },	/* ES */
	{ S_SS, S_SS, S_SS, S_SS, S_SS, S_SS, S_CL, S_SS, S_SS, S_CL },	/* SS */
	{ S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_CL },	/* SR */
	{ S_SA, S_SA, S_SA, S_SA, S_SA, S_SA, S_CL, S_CL, S_SA, S_CL },	/* SA */
	{ S_RJ, S_IN, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_CL },	/* RJ */
	{ S_CL, S_IN, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },	/* CL */
};

static const u8 sctp_next_out[LVS_SCTP_S_COUNT][SCTP_EV_ROWS] = {
	/*  DA    IN    IA    CE    CA    SH    SA    SC    ER    AB */
	{ S_ES, S_CW, S_CS, S_CE, S_ES, S_SS, S_SA, S_CL, S_CL, S_CL },	/* NO */
	{ S_I1, S_CW, S_CS, S_CE, S_ES, S_SS, S_SA, S_I1, S_CL, S_RJ },	/* I1 */
	{ S_IN, S_CW, S_CS, S_CE, S_ES, S_SS, S_SA, S_IN, S_CL, S_CL },	/* IN */
	{ S_CS, S_CW, S_CS, S_CE, S_ES, S_SS, S_SA, S_CS, S_CL, S_CL },	/* CS */
	{ S_CR, S_CW, S_CR, S_CE, S_ES, S_SS, S_SA, S_CR, S_CL, S_CL },	/* CR */
	{ S_CW, S_CW, S_CW, S_CE, S_ES, S_SS, S_CW, S_CW, S_CW, S_CL },	/* CW */
	{ S_CO, S_CW, S_CO, S_CE, S_ES, S_SS, S_CO, S_CO, S_CO, S_CL },	/* CO */
	{ S_CE, S_CW, S_CE, S_CE, S_ES, S_SS, S_CE, S_CE, S_CE, S_CL },	/* CE */
	{ S_ES, S_ES, S_ES, S_ES, S_ES, S_SS, S_ES, S_ES, S_ES, S_CL },	/* ES */
	{ S_SS, S_CW, S_SS, S_SS, S_SS, S_SS, S_SA, S_SS, S_SS, S_CL },	/* SS */
	{ S_SR, S_CW, S_SR, S_SR, S_SR, S_SR, S_SA, S_SR, S_SR, S_CL },	/* SR */
	{ S_SA, S_CW, S_SA, S_SA, S_SA, S_SA, S_SA, S_SA, S_SA, S_CL },	/* SA */
	{ S_RJ, S_CW, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_CL },	/* RJ */
	{ S_CL, S_CW, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },	/* CL */
};

static const u8 sctp_next_in_only[LVS_SCTP_S_COUNT][SCTP_EV_ROWS] = {
	/*  DA    IN    IA    CE    CA    SH    SA    SC    ER    AB */
	{ S_ES, S_I1, S_CE, S_ES, S_ES, S_SR, S_CL, S_CL, S_CL, S_CL },	/* NO */
	{ S_I1, S_IN, S_CE, S_ES, S_I1, S_I1, S_IN, S_CL, S_I1, S_CL },	/* I1 */
	{ S_IN, S_IN, S_CE, S_ES, S_IN, S_IN, S_IN, S_CL, S_IN, S_CL },	/* IN */
	{ S_CS, S_IN, S_CE, S_ES, S_ES, S_CS, S_CS, S_CL, S_CS, S_CL },	/* CS */
	{ S_CR, S_IN, S_CE, S_ES, S_ES, S_CR, S_CR, S_CL, S_CR, S_CL },	/* CR */
	{ S_ES, S_IN, S_CE, S_ES, S_CW, S_CW, S_CW, S_CW, S_CW, S_RJ },	/* CW */
	{ S_CO, S_CO, S_CO, S_CO, S_ES, S_CO, S_CO, S_CO, S_CO, S_CL },	/* CO */
	{ S_CE, S_CE, S_CE, S_CE, S_ES, S_CE, S_CE, S_CE, S_CE, S_CL },	/* CE */
	{ S_ES, S_ES, S_ES, S_ES, S_ES, S_SR, S_CL, S_ES, S_ES, S_CL },	/* ES */
	{ S_SS, S_SS, S_SS, S_SS, S_SS, S_SS, S_CL, S_SS, S_SS, S_CL },	/* SS */
	{ S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_CL, S_SR, S_CL },	/* SR */
	{ S_SA, S_SA, S_SA, S_SA, S_SA, S_SA, S_CL, S_CL, S_SA, S_CL },	/* SA */
	{ S_RJ, S_IN, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_RJ, S_CL },	/* RJ */
	{ S_CL, S_IN, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },	/* CL */
};

#undef S_NO
#undef S_I1
#undef S_IN
#undef S_CS
#undef S_CR
#undef S_CW
#undef S_CO
#undef S_CE
#undef S_ES
#undef S_SS
#undef S_SR
#undef S_SA
#undef S_RJ
#undef S_CL

static const u8 (*const sctp_next[LVS_DIR_COUNT])[SCTP_EV_ROWS] = {
	[LVS_DIR_IN]		= sctp_next_in,
	[LVS_DIR_OUT]		= sctp_next_out,
	[LVS_DIR_IN_ONLY]	= sctp_next_in_only,
};

/* A state, direction or event out of range closes the association. */
static unsigned int sctp_next_state(unsigned int state, enum lvs_dir dir,
				    u8 event)
{
	if (event == LVS_SCTP_EV_COOKIE_ABORT)
		event = LVS_SCTP_EV_ABORT;
	if (state >= LVS_SCTP_S_COUNT || (unsigned int)dir >= LVS_DIR_COUNT ||
	    event >= SCTP_EV_ROWS)
		return LVS_SCTP_S_CLOSED;
	return sctp_next[dir][state][event];
}

/*
 * An INIT opens a connection; with sloppy_sctp, so does any packet whose
 * first chunk is not an ABORT (a COOKIE ECHO with an ABORT after it does).
 */
static bool sctp_can_schedule(const struct lvs_net *lnet, u8 event)
{
	if (event == LVS_SCTP_EV_INIT)
		return true;
	return event != LVS_SCTP_EV_ABORT &&
	       READ_ONCE(lnet->sysctl.sloppy_sctp);
}

const struct lvs_proto lvs_proto_sctp = {
	.protocol	= IPPROTO_SCTP,
	.name		= "SCTP",
	.n_states	= LVS_SCTP_S_COUNT,
	.state_names	= sctp_state_names,
	.timeouts	= sctp_timeouts,
	.active		= sctp_active,
	.next_state	= sctp_next_state,
	.can_schedule	= sctp_can_schedule,
};
EXPORT_SYMBOL_IF_KUNIT(lvs_proto_sctp);
