#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A NAT director (ipvsadm -m) balances real TCP and UDP traffic, IPv4 and
# IPv6: rr and wrr pick the real servers in the order ip_vs does, the
# counters count both directions, weight 0 stops new connections but not
# the ones a real server holds, and removing a real server leaves the
# others serving.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +-------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1    eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11   |
#  | fd00:1::2 |     | fd00:1::1       |     |       |     | fd00:2::11  |
#  +-----------+     | VIP 10.0.1.100  |     |       |     +-------------+
#                    |  fd00:1::100    |     |       +-----+ rs2  .12 ::12|
#                    |       10.0.2.1  |     |       |     +-------------+
#                    |      fd00:2::1  |     |       +-----+ rs3  .13 ::13|
#                    +-----------------+     +-------+     +-------------+
#
#   The director rewrites the VIP to a real server's address and, as their
#   default route, the answers back.
. "$(dirname "$0")/_lib.sh"
. "$(dirname "$0")/_forwarding.sh"

load_balancer
make_topology nat
start_responders
check_rr
check_quiesce
check_remove
check_wrr
log "ok"
