#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A direct-routing director (ipvsadm -g) balances real TCP and UDP traffic,
# IPv4 and IPv6: rr and wrr pick the real servers in the order ip_vs does,
# the counters count the client's packets only (the answers bypass the
# director), weight 0 stops new connections but not the ones a real server
# holds, and removing a real server leaves the others serving.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +----------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1       eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11      |
#  | fd00:1::2 |     | fd00:1::1       |     |       |     | fd00:2::11     |
#  |           |     | VIP 10.0.1.100  |     |       |     | lo: VIP        |
#  |           |     |  fd00:1::100    |     |       |     | arp_ignore=1   |
#  |           |     |       10.0.2.1  |     |       |     | arp_announce=2 |
#  |           |     |      fd00:2::1  |     |       |     +----------------+
#  |           |     +-----------------+     |       +-----+ rs2  (same)    |
#  |      eth1 +-----------------------------+       |     +----------------+
#  | 10.0.2.2  |                             |       +-----+ rs3  (same)    |
#  | fd00:2::2 |                             +-------+     +----------------+
#  +-----------+
#
#   The director sends the client's packet, still to the VIP, to the real
#   server's MAC address. The real server answers from the VIP through its
#   route to the client's network: the client's leg on the lan (eth1).
. "$(dirname "$0")/_lib.sh"
. "$(dirname "$0")/_forwarding.sh"

load_balancer
make_topology dr
start_responders
check_rr
check_quiesce
check_remove
check_wrr
log "ok"
