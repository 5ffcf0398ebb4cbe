// SPDX-License-Identifier: GPL-2.0
/*
 * UDP has no handshake and no close, so a UDP connection has one state for
 * its whole life: it is created by any packet to a service, every packet in
 * either direction keeps it alive, and it expires after five idle minutes.
 * The state prints as "UDP" in /proc/net/ip_vs_conn, as IPVS prints it.
 */
#include <linux/module.h>
#include <linux/in.h>

#include "lvs.h"

static const char *const udp_state_names[LVS_UDP_S_COUNT] = {
	[LVS_UDP_S_NORMAL]	= "UDP",
};

/* Idle time allowed in each state, in seconds. */
static const unsigned int udp_timeouts[LVS_UDP_S_COUNT] = {
	[LVS_UDP_S_NORMAL]	= 5 * 60,
};

static unsigned int udp_next_state(unsigned int state, enum lvs_dir dir,
				   u8 event)
{
	return LVS_UDP_S_NORMAL;
}

static bool udp_can_schedule(const struct lvs_net *lnet, u8 event)
{
	return true;
}

/*
 * A UDP flow counts as an inactive connection for as long as it lives: it
 * is made inactive and its state never changes.
 */
static const bool udp_active[LVS_UDP_S_COUNT] = {
	[LVS_UDP_S_NORMAL] = false,
};

const struct lvs_proto lvs_proto_udp = {
	.protocol	= IPPROTO_UDP,
	.name		= "UDP",
	.n_states	= LVS_UDP_S_COUNT,
	.state_names	= udp_state_names,
	.timeouts	= udp_timeouts,
	.active		= udp_active,
	.next_state	= udp_next_state,
	.can_schedule	= udp_can_schedule,
};
EXPORT_SYMBOL_IF_KUNIT(lvs_proto_udp);
