// SPDX-License-Identifier: GPL-2.0
/*
 * TCP as the director sees it: a coarse per-connection state that decides
 * how long an idle connection is kept, and that IPVS tools print, sync and
 * count (active vs inactive connections). It is not a TCP tracker: there
 * are no sequence numbers and no windows, only one lookup per packet.
 *
 * A packet is reduced to one event by its flags, the strongest flag winning:
 * RST, then SYN, then FIN, then ACK. The next state is then read from a
 * table chosen by the direction the packet travels:
 *
 *   IN       client to real server, when replies come back through us (NAT)
 *   OUT      real server to client, through us (NAT)
 *   IN_ONLY  client to real server when the replies bypass us (DR, TUN).
 *            As IN, except that a client's FIN on an established
 *            connection leads to FIN_WAIT (the client closes; we will not
 *            see the server's FIN) rather than CLOSE_WAIT, and that a RST
 *            closes a SYNACK connection
 *
 * The tables are those of IPVS without secure_tcp, state for state, so a
 * connection walks through the same states and timeouts on either module.
 * A packet that carries none of the four flags moves any connection to
 * CLOSE, as in IPVS; so does a state or direction out of range.
 *
 * While the secure_tcp defence is active (defense.c), a second set of
 * tables, IPVS's secure ones, takes over. They differ in a few cells:
 *
 *   IN       the client's ACK does not complete a handshake in SYN_RECV
 *            (it takes the real server's answer: NAT connections become
 *            ESTABLISHED only once both sides spoke), and a connection in
 *            SYNACK stays there on the client's SYN, FIN or ACK and
 *            closes on its RST
 *   OUT      the real server's SYN moves SYN_RECV to SYNACK, and keeps a
 *            connection in SYNACK there
 *   IN_ONLY  a client's SYN opens (or reopens) a connection in SYNACK,
 *            not SYN_RECV, except from SYN_RECV itself
 *
 * Neither set lets a packet without SYN open a connection; with the
 * sloppy_tcp sysctl any packet but a RST may (tcp_can_schedule), so that
 * connections that were established before the director knew them (a
 * failover, a flushed table) are picked up mid-stream: their first packet
 * is then usually an ACK, which moves NONE to ESTABLISHED.
 */
#include <linux/module.h>
#include <linux/in.h>
#include <net/tcp.h>

#include "lvs.h"

static const char *const tcp_state_names[LVS_TCP_S_COUNT] = {
	[LVS_TCP_S_NONE]	= "NONE",
	[LVS_TCP_S_ESTABLISHED]	= "ESTABLISHED",
	[LVS_TCP_S_SYN_SENT]	= "SYN_SENT",
	[LVS_TCP_S_SYN_RECV]	= "SYN_RECV",
	[LVS_TCP_S_FIN_WAIT]	= "FIN_WAIT",
	[LVS_TCP_S_TIME_WAIT]	= "TIME_WAIT",
	[LVS_TCP_S_CLOSE]	= "CLOSE",
	[LVS_TCP_S_CLOSE_WAIT]	= "CLOSE_WAIT",
	[LVS_TCP_S_LAST_ACK]	= "LAST_ACK",
	[LVS_TCP_S_LISTEN]	= "LISTEN",
	[LVS_TCP_S_SYNACK]	= "SYNACK",
};

/* Idle time allowed in each state, in seconds. */
static const unsigned int tcp_timeouts[LVS_TCP_S_COUNT] = {
	[LVS_TCP_S_NONE]	= 2,
	[LVS_TCP_S_ESTABLISHED]	= 15 * 60,
	[LVS_TCP_S_SYN_SENT]	= 2 * 60,
	[LVS_TCP_S_SYN_RECV]	= 60,
	[LVS_TCP_S_FIN_WAIT]	= 2 * 60,
	[LVS_TCP_S_TIME_WAIT]	= 2 * 60,
	[LVS_TCP_S_CLOSE]	= 10,
	[LVS_TCP_S_CLOSE_WAIT]	= 60,
	[LVS_TCP_S_LAST_ACK]	= 30,
	[LVS_TCP_S_LISTEN]	= 2 * 60,
	[LVS_TCP_S_SYNACK]	= 2 * 60,
};

/* Events in order of precedence: the first flag present picks the event. */
enum tcp_event {
	TCP_EV_RST,
	TCP_EV_SYN,
	TCP_EV_FIN,
	TCP_EV_ACK,
	TCP_EV_COUNT
};

/* Short names for the table cells only. */
#define S_NO	LVS_TCP_S_NONE
#define S_ES	LVS_TCP_S_ESTABLISHED
#define S_SS	LVS_TCP_S_SYN_SENT
#define S_SR	LVS_TCP_S_SYN_RECV
#define S_FW	LVS_TCP_S_FIN_WAIT
#define S_TW	LVS_TCP_S_TIME_WAIT
#define S_CL	LVS_TCP_S_CLOSE
#define S_CW	LVS_TCP_S_CLOSE_WAIT
#define S_LA	LVS_TCP_S_LAST_ACK
#define S_LI	LVS_TCP_S_LISTEN
#define S_SA	LVS_TCP_S_SYNACK

/*
 * One table per direction: a row per event (RST, SYN, FIN, ACK, in the
 * order of enum tcp_event), a column per current state (in the order of
 * enum lvs_tcp_state), the cell the state after the packet.
 */
static const u8 tcp_next_in[TCP_EV_COUNT][LVS_TCP_S_COUNT] = {
	/* NO    ES    SS    SR    FW    TW    CL    CW    LA    LI    SA */
	{ S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_SR },
	{ S_SR, S_ES, S_ES, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR },
	{ S_CL, S_CW, S_SS, S_TW, S_TW, S_TW, S_CL, S_CW, S_LA, S_LI, S_TW },
	{ S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_ES },
};

static const u8 tcp_next_out[TCP_EV_COUNT][LVS_TCP_S_COUNT] = {
	/* NO    ES    SS    SR    FW    TW    CL    CW    LA    LI    SA */
	{ S_CL, S_CL, S_SS, S_CL, S_CL, S_TW, S_CL, S_CL, S_CL, S_CL, S_CL },
	{ S_SS, S_ES, S_SS, S_SR, S_SS, S_SS, S_SS, S_SS, S_SS, S_LI, S_SR },
	{ S_TW, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_TW, S_LA, S_LI, S_TW },
	{ S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_LA, S_ES, S_ES },
};

static const u8 tcp_next_in_only[TCP_EV_COUNT][LVS_TCP_S_COUNT] = {
	/* NO    ES    SS    SR    FW    TW    CL    CW    LA    LI    SA */
	{ S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_CL },
	{ S_SR, S_ES, S_ES, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR },
	{ S_CL, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_CW, S_LA, S_LI, S_TW },
	{ S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_ES },
};

/* The same, while secure_tcp is active. */
static const u8 tcp_secure_in[TCP_EV_COUNT][LVS_TCP_S_COUNT] = {
	/* NO    ES    SS    SR    FW    TW    CL    CW    LA    LI    SA */
	{ S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_CL },
	{ S_SR, S_ES, S_ES, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SR, S_SA },
	{ S_CL, S_CW, S_SS, S_TW, S_TW, S_TW, S_CL, S_CW, S_LA, S_LI, S_SA },
	{ S_ES, S_ES, S_SS, S_SR, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_SA },
};

static const u8 tcp_secure_out[TCP_EV_COUNT][LVS_TCP_S_COUNT] = {
	/* NO    ES    SS    SR    FW    TW    CL    CW    LA    LI    SA */
	{ S_CL, S_CL, S_SS, S_CL, S_CL, S_TW, S_CL, S_CL, S_CL, S_CL, S_CL },
	{ S_SS, S_ES, S_SS, S_SA, S_SS, S_SS, S_SS, S_SS, S_SS, S_LI, S_SA },
	{ S_TW, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_TW, S_LA, S_LI, S_TW },
	{ S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_LA, S_ES, S_ES },
};

static const u8 tcp_secure_in_only[TCP_EV_COUNT][LVS_TCP_S_COUNT] = {
	/* NO    ES    SS    SR    FW    TW    CL    CW    LA    LI    SA */
	{ S_CL, S_CL, S_CL, S_SR, S_CL, S_CL, S_CL, S_CL, S_LA, S_LI, S_CL },
	{ S_SA, S_ES, S_ES, S_SR, S_SA, S_SA, S_SA, S_SA, S_SA, S_SA, S_SA },
	{ S_CL, S_FW, S_SS, S_TW, S_FW, S_TW, S_CL, S_CW, S_LA, S_LI, S_TW },
	{ S_ES, S_ES, S_SS, S_ES, S_FW, S_TW, S_CL, S_CW, S_CL, S_LI, S_ES },
};

#undef S_NO
#undef S_ES
#undef S_SS
#undef S_SR
#undef S_FW
#undef S_TW
#undef S_CL
#undef S_CW
#undef S_LA
#undef S_LI
#undef S_SA

static const u8 (*const tcp_next[LVS_DIR_COUNT])[LVS_TCP_S_COUNT] = {
	[LVS_DIR_IN]		= tcp_next_in,
	[LVS_DIR_OUT]		= tcp_next_out,
	[LVS_DIR_IN_ONLY]	= tcp_next_in_only,
};

static const u8 (*const tcp_secure[LVS_DIR_COUNT])[LVS_TCP_S_COUNT] = {
	[LVS_DIR_IN]		= tcp_secure_in,
	[LVS_DIR_OUT]		= tcp_secure_out,
	[LVS_DIR_IN_ONLY]	= tcp_secure_in_only,
};

/* The event of a packet, or TCP_EV_COUNT if it has none of the flags. */
static enum tcp_event tcp_event(u8 flags)
{
	if (flags & TCPHDR_RST)
		return TCP_EV_RST;
	if (flags & TCPHDR_SYN)
		return TCP_EV_SYN;
	if (flags & TCPHDR_FIN)
		return TCP_EV_FIN;
	if (flags & TCPHDR_ACK)
		return TCP_EV_ACK;
	return TCP_EV_COUNT;
}

static unsigned int tcp_next_state(unsigned int state, enum lvs_dir dir,
				   u8 flags)
{
	enum tcp_event ev = tcp_event(flags);

	if (ev == TCP_EV_COUNT || state >= LVS_TCP_S_COUNT ||
	    (unsigned int)dir >= LVS_DIR_COUNT)
		return LVS_TCP_S_CLOSE;
	return tcp_next[dir][ev][state];
}

static unsigned int tcp_next_state_secure(unsigned int state,
					  enum lvs_dir dir, u8 flags)
{
	enum tcp_event ev = tcp_event(flags);

	if (ev == TCP_EV_COUNT || state >= LVS_TCP_S_COUNT ||
	    (unsigned int)dir >= LVS_DIR_COUNT)
		return LVS_TCP_S_CLOSE;
	return tcp_secure[dir][ev][state];
}

/*
 * A packet that matches no connection may open one when it carries SYN
 * and not RST. ACK is not looked at: a SYN+ACK may schedule too, as in
 * IPVS (which allows it for active FTP). This is IPVS's rule with
 * sloppy_tcp off; with sloppy_tcp only the RST rule stays.
 */
static bool tcp_can_schedule(const struct lvs_net *lnet, u8 flags)
{
	if (READ_ONCE(lnet->sysctl.sloppy_tcp))
		return !(flags & TCPHDR_RST);
	return (flags & (TCPHDR_SYN | TCPHDR_RST)) == TCPHDR_SYN;
}

/*
 * States in which a connection counts among its real server's active
 * connections (the rest count as inactive): the handshake and the
 * established state, as IPVS counts them.
 */
static const bool tcp_active[LVS_TCP_S_COUNT] = {
	[LVS_TCP_S_ESTABLISHED]	= true,
	[LVS_TCP_S_SYN_SENT]	= true,
	[LVS_TCP_S_SYN_RECV]	= true,
	[LVS_TCP_S_SYNACK]	= true,
};

const struct lvs_proto lvs_proto_tcp = {
	.protocol	= IPPROTO_TCP,
	.name		= "TCP",
	.n_states	= LVS_TCP_S_COUNT,
	.state_names	= tcp_state_names,
	.timeouts	= tcp_timeouts,
	.active		= tcp_active,
	.next_state	= tcp_next_state,
	.next_state_secure = tcp_next_state_secure,
	.can_schedule	= tcp_can_schedule,
};
EXPORT_SYMBOL_IF_KUNIT(lvs_proto_tcp);
