#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# One-packet scheduling (ipvsadm --ops) on a direct-routing director: UDP
# datagrams from one client port, which would otherwise all belong to one
# flow and one real server, are each scheduled on their own (rr: the next
# real server every time), and no connection entry is kept. With -p as
# well, the client's template still holds them all to one real server.
#
# Topology: tests/e2e/_lib.sh's DR site (the real servers answer the
# client directly; with NAT, ip_vs does not translate the answers of
# one-packet flows, so the client would hear nothing).
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology dr
start_responders
svc="${vip[4]}:$port"

add_all() {
	local rs
	for rs in "${real_servers[@]}"; do
		lb -a -u "$svc" -r "$(rip 4 "$rs")" -g || fail "ipvsadm -a $rs"
	done
}

# six datagrams, all from client port 42000, one after the other
from_one_port() {
	local i got=()
	for i in 1 2 3 4 5 6; do
		got+=("$(client_requests udp 4 1 42000)")
	done
	echo "${got[*]}"
}

lb -A -u "$svc" -s rr --ops || fail "ipvsadm -A --ops"
add_all
lb -Ln | grep -q "rr ops" || fail "ipvsadm -Ln does not show ops: $(lb -Ln)"
got=$(from_one_port)
echo "ops $got" >>"$served"
expect_eq "$got" "rs3 rs2 rs1 rs3 rs2 rs1" "--ops: who answered six datagrams from one port"
entries=$(lb -Lnc | awk '$1 == "UDP"' | wc -l)
expect_eq "$entries" 0 "connection entries kept for one-packet flows"
# (ip_vs publishes its counters every 2 s: poll)
six_counted() {
	conns=$(lb -Ln --stats --exact | awk '$1 == "UDP" { print $3 }')
	[ "$conns" = 6 ]
}
wait_for 10 six_counted ||
	fail "connections counted: $conns, expected 6 (one per datagram)"
log "--ops: $got, nothing kept, 6 connections counted"

lb -E -u "$svc" -s rr --ops -p 60 || fail "ipvsadm -E --ops -p"
got=$(from_one_port)
echo "ops persistent $got" >>"$served"
read -r -a each <<<"$got"
for w in "${each[@]}"; do
	[ "$w" = "${each[0]}" ] || fail "--ops -p: the client moved between real servers: $got"
done
log "--ops -p 60: $got"
log "ok"
