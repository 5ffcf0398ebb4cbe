#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sloppy_tcp: a TCP connection the director no longer knows is picked up
# mid-stream, as after a failover to a director that never saw its SYN:
#
#   client (10.0.1.2) ---- director (VIP 10.0.1.100) ---- lan ---- rs1 rs2 rs3
#                          NAT, sh (the same client always
#                          goes to the same real server)
#
# The established timeout is set to 2 s (ipvsadm --set 2 120 300); a
# connection is opened and answered, then left idle until its entry has
# left the table. Then the client says one more line:
#
#   sloppy_tcp 0   the data packet opens no connection; it goes to the
#                  director's own stack, which resets the connection
#   sloppy_tcp 1   the packet opens a new entry, in ESTABLISHED, to the
#                  same real server (sh), which answers: the connection
#                  goes on
#
# Both outcomes are deterministic, compared with ip_vs.
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology nat
start_responders
lb -A -t "${vip[4]}:$port" -s sh || fail "ipvsadm -A"
for rs in "${real_servers[@]}"; do
	lb -a -t "${vip[4]}:$port" -r "$(rip 4 "$rs"):$port" -m ||
		fail "ipvsadm -a $rs"
done
lb --set 2 120 300 || fail "ipvsadm --set"

entry_state() {
	lb -Lnc | awk -v c="10.0.1.2:$1" '$4 == c { print $3 }'
}
entry_gone() {
	[ -z "$(entry_state "$1")" ]
}

# pick_up SLOPPY CLIENT-PORT
pick_up() {
	local sloppy=$1 cport=$2 first answer state
	in_ns director sysctl -qw "net.ipv4.vs.sloppy_tcp=$sloppy" ||
		fail "sysctl sloppy_tcp=$sloppy"
	coproc TALK { in_ns client "${python[@]}" "$e2e_dir/_flood.py" talk \
		"${vip[4]}" "$port" "$cport"; }
	# shellcheck disable=SC2153 # TALK_PID: from coproc
	local pid=$TALK_PID in=${TALK[1]} out=${TALK[0]}
	read -r -t 10 first <&"$out" || fail "sloppy_tcp $sloppy: no greeting"
	echo one >&"$in"
	read -r -t 10 answer <&"$out" || fail "sloppy_tcp $sloppy: no answer"
	expect_eq "$answer" "$first one" "sloppy_tcp $sloppy: first line"
	wait_for 15 entry_gone "$cport" ||
		fail "sloppy_tcp $sloppy: the entry did not expire"
	echo two >&"$in"
	read -r -t 10 answer <&"$out" || answer=none
	sleep 0.5
	state=$(entry_state "$cport")
	exec {in}>&-
	wait "$pid" || true
	echo "sloppy_tcp $sloppy: first $first, after the entry expired: ${answer:-none}, entry ${state:-none}" >>"$served"
	log "sloppy_tcp $sloppy: first $first, after the entry expired: ${answer:-none}, entry ${state:-none}"
	case $sloppy in
	0)
		expect_eq "$answer" reset "sloppy_tcp 0: the line after expiry"
		;;
	1)
		expect_eq "$answer" "$first two" "sloppy_tcp 1: the line after expiry"
		expect_eq "$state" ESTABLISHED "sloppy_tcp 1: the new entry"
		;;
	esac
}

pick_up 0 45000
pick_up 1 45001
log "ok"
