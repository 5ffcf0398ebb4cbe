#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Only packets addressed to the director itself (PACKET_HOST) are
# balanced: a broadcast or multicast datagram that matches a
# firewall-mark service is left to the director's own stack, with no
# connection made and nothing counted, as ip_vs does. A unicast datagram
# to the same service is balanced.
#
#   client 10.0.1.2  ---- eth0 ----  director 10.0.1.1/24, VIP 10.0.1.100
#   fd00:1::2                        fd00:1::1, VIP fd00:1::100
#     sends UDP to $port at:         nft: every UDP datagram to $port
#       10.0.1.255 (broadcast)         gets mark 1; services -f 1 and
#       224.0.0.1, ff02::1 (all          -f 1 -6, NAT to rs1..rs4
#       hosts, which every host joins)
#       the VIPs (unicast)
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology nat
start_responders

in_ns director nft -f - <<-EOF || fail "nft: the firewall mark"
table inet lvs_pkttype {
	chain pre {
		type filter hook prerouting priority mangle;
		udp dport $port meta mark set 1
	}
}
EOF
for fam in 4 6; do
	six=
	[ "$fam" = 4 ] || six=-6
	lb -A -f 1 $six -s rr || fail "ipvsadm -A -f 1 $six"
	for rs in "${real_servers[@]}"; do
		lb -a -f 1 $six -r "$(rip "$fam" "$rs")" -m ||
			fail "ipvsadm -a -f 1 $six $rs"
	done
done

# send_to ADDRESS: one datagram from the client to ADDRESS:$port (a
# broadcast, multicast or unicast address), out of eth0.
send_to() {
	# shellcheck disable=SC2016 # the Python program's own text
	in_ns client "${python[@]}" -c '
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
if ":" in addr:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.sendto(b"ping\n", (addr, port, 0, socket.if_nametoindex("eth0")))
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton("10.0.1.2"))
    s.sendto(b"ping\n", (addr, port))
' "$1" "$port" || fail "the client cannot send to $1"
}

entries() {
	lb -Lnc | awk '$1 == "UDP"' | wc -l
}

# connections counted by the real servers of both services (ip_vs
# publishes its counters every 2 s)
conns_counted() {
	lb -Ln --stats --exact |
		awk '$1 == "->" && $2 != "RemoteAddress:Port" { n += $3 }
			END { print n + 0 }'
}

for addr in 10.0.1.255 224.0.0.1 ff02::1; do
	send_to "$addr"
done
# the director has had time to handle them: they come before this one
sleep 1
got=$(entries)
echo "broadcast and multicast: $got connections" >>"$served"
expect_eq "$got" 0 "connections made for broadcast and multicast datagrams"
sleep 2
expect_eq "$(conns_counted)" 0 "connections counted for broadcast and multicast"
log "broadcast and multicast: not balanced"

send_to "${vip[4]}"
send_to "${vip[6]}"
two_counted() {
	[ "$(entries)" = 2 ] && [ "$(conns_counted)" = 2 ]
}
wait_for 10 two_counted ||
	fail "unicast: $(entries) connections, $(conns_counted) counted, expected 2"
echo "unicast: 2 connections" >>"$served"
log "unicast: balanced"
log "ok"
