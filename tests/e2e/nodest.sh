#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What becomes of a connection whose real server goes, on a NAT director
# (rr, TCP, IPv4), with net.ipv4.vs.expire_nodest_conn:
#
#   0 (default)  the real server is removed: the connection's packets are
#                dropped (the client hears nothing), its entry stays;
#   1            removed: the connection ends at its next packet, which the
#                director's own stack answers with a reset; its entry
#                goes; new connections go to the others;
#   1            removed while idle: its entry goes by itself within a
#                moment, no packet needed (IPVS flushes a removed real
#                server's connections from a work queue since 5.9);
#   1            weight set to 0: the connection goes on (only a new SYN
#                on its ports would end it);
#   0            ipvsadm -C, then the same table again with -R (a restore
#                at a service restart): the real servers come back with
#                their connections, which go on and count again.
#
# Topology: tests/e2e/_lib.sh's NAT site.
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology nat
start_responders
svc="${vip[4]}:$port"
lb -A -t "$svc" -s rr || fail "ipvsadm -A"
for rs in "${real_servers[@]}"; do
	lb -a -t "$svc" -r "$(rip 4 "$rs")" -m || fail "ipvsadm -a $rs"
done

# after: send a line on the held connection; prints the answer, "-" if
# none came (dropped) or the connection was reset
after() {
	local reply=
	trap '' PIPE
	{ echo ping >&"$held_in"; } 2>/dev/null || true
	trap - PIPE
	read -r -t 5 reply <&"$held_out" || true
	exec {held_in}>&-
	kill "$held_pid" 2>/dev/null
	wait "$held_pid" 2>/dev/null || true
	echo "${reply:--}"
}

# the held connection's entry in ipvsadm -Lnc, if any
held_entry() {
	lb -Lnc | awk -v c="10.0.1.2:$held_port" '$4 == c'
}
no_held_entry() {
	[ -z "$(held_entry)" ]
}

# -- 0: dropped, kept
hold tcp 4
held_port=$((sport - 1))
lb -d -t "$svc" -r "$(rip 4 "$held_by")" || fail "ipvsadm -d $held_by"
got=$(after)
echo "nodest 0 removed: $got" >>"$served"
expect_eq "$got" - "expire_nodest_conn=0: answer on a connection to a removed real server"
[ -n "$(held_entry)" ] || fail "expire_nodest_conn=0: the entry went: $(lb -Lnc)"
log "expire_nodest_conn=0: $held_by removed, packets dropped, entry kept"
lb -a -t "$svc" -r "$(rip 4 "$held_by")" -m || fail "ipvsadm -a $held_by"

# -- 1: ended at once, new connections elsewhere
in_ns director sysctl -qw net.ipv4.vs.expire_nodest_conn=1 ||
	fail "sysctl expire_nodest_conn"
hold tcp 4
held_port=$((sport - 1))
gone=$held_by
lb -d -t "$svc" -r "$(rip 4 "$gone")" || fail "ipvsadm -d $gone"
got=$(after)
echo "nodest 1 removed: $got" >>"$served"
expect_eq "$got" - "expire_nodest_conn=1: answer on a connection to a removed real server"
wait_for 10 no_held_entry ||
	fail "expire_nodest_conn=1: the entry stays: $(held_entry)"
round tcp 4 "after removing $gone" 2
expect_shared_without "$gone"
log "expire_nodest_conn=1: $gone removed, connection ended, entry gone"
lb -a -t "$svc" -r "$(rip 4 "$gone")" -m || fail "ipvsadm -a $gone"

# -- 1: removed while idle, the entry goes without a packet
hold tcp 4
held_port=$((sport - 1))
gone=$held_by
lb -d -t "$svc" -r "$(rip 4 "$gone")" || fail "ipvsadm -d $gone"
wait_for 5 no_held_entry ||
	fail "expire_nodest_conn=1: an idle connection's entry stays: $(held_entry)"
echo "nodest 1 removed idle: entry gone" >>"$served"
got=$(after)
echo "nodest 1 removed idle, then a packet: $got" >>"$served"
expect_eq "$got" - "expire_nodest_conn=1: answer after the entry was flushed"
log "expire_nodest_conn=1: $gone removed, idle entry flushed"
lb -a -t "$svc" -r "$(rip 4 "$gone")" -m || fail "ipvsadm -a $gone"

# -- 1, weight 0: an established connection goes on
hold tcp 4
held_port=$((sport - 1))
lb -e -t "$svc" -r "$(rip 4 "$held_by")" -m -w 0 || fail "ipvsadm -e -w 0"
got=$(after)
echo "nodest 1 weight 0: $got" >>"$served"
expect_eq "$got" "$held_by ping" "expire_nodest_conn=1: answer on a connection to a real server of weight 0"
log "expire_nodest_conn=1: $held_by at weight 0, the connection goes on"
lb -e -t "$svc" -r "$(rip 4 "$held_by")" -m -w 1 || fail "ipvsadm -e -w 1"

# -- 0: the table cleared and restored, a connection held across goes on
in_ns director sysctl -qw net.ipv4.vs.expire_nodest_conn=0 ||
	fail "sysctl expire_nodest_conn"
hold tcp 4
held_port=$((sport - 1))
saved=$(lb -S -n)
lb -C || fail "ipvsadm -C"
lb -R <<<"$saved" || fail "ipvsadm -R"
# ActiveConn of the held connection's real server, restored with it
active=$(lb -Ln | awk -v d="$(rip 4 "$held_by"):$port" '$2 == d { print $5 }')
echo "nodest 0 restored: $held_by active ${active:-none}" >>"$served"
expect_eq "${active:-none}" 1 "after -C and -R: ActiveConn of $held_by"
got=$(after)
echo "nodest 0 restored: $got" >>"$served"
expect_eq "$got" "$held_by ping" "after -C and -R: answer on the held connection"
log "ipvsadm -C, -R: $held_by back with its connection, which goes on"
log "ok"
