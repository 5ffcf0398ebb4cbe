#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Datagrams larger than a packet: UDP of 3000 bytes, IPv4 and IPv6, through
# a NAT, a direct-routing and a tunnelling director in turn. The client's
# datagram reaches the director as fragments and must be balanced whole;
# the real server's answer, as large, leaves it as fragments and for NAT
# must come back through the director from the VIP (the client's socket is
# connected to the VIP: an answer from any other address never reaches
# it). Each real server answers with a datagram of the size it received,
# so an answer of 3000 bytes says the request arrived whole too. The
# counters show one packet per datagram each way.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +----------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1       eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11      |
#  | fd00:1::2 |     | fd00:1::1       |     |       |     | fd00:2::11     |
#  |           |     | VIP 10.0.1.100  |     |       |     | DR: lo: VIP    |
#  |           |     |  fd00:1::100    |     |       |     | TUN: tun4 and  |
#  |           |     |       10.0.2.1  |     |       |     |   tun6: VIP    |
#  |           |     |      fd00:2::1  |     |       |     +----------------+
#  |           |     +-----------------+     |       +-----+ rs2  (same)    |
#  |      eth1 +-----------------------------+       |     +----------------+
#  | 10.0.2.2  |  (DR and TUN only: the      |       +-----+ rs3  (same)    |
#  | fd00:2::2 |   real servers' way back)   +-------+     +----------------+
#  +-----------+
#
#   Each method gets its own topology (make_topology in _lib.sh), torn
#   down before the next. For TUN, the client's link has an MTU of 1400:
#   its IPv6 fragments, wrapped in the director's outer IPv6 header, then
#   still fit the lan's 1500 (a larger fragment is refused with "packet
#   too big", by ip_vs as by lvs, and the first datagram is lost).
. "$(dirname "$0")/_lib.sh"

size=3000
protocols=(udp)

# Each real server answers as large as it was asked (_responder.py pad).
start_frag_responders() {
	local rs fam servers=()
	for rs in "${real_servers[@]}"; do
		servers+=("$rs,pad")
		for fam in "${families[@]}"; do
			if [ "$method" = nat ]; then
				servers[-1]+=",udp=$(rip "$fam" "$rs")"
			else
				servers[-1]+=",udp=${vip[$fam]}"
			fi
		done
	done
	"${python[@]}" "$e2e_dir/_responder.py" "$port" "${servers[@]}" \
		</dev/null >/dev/null || fail "the responders could not listen"
}

# frag_rounds: to each family's VIP, three datagrams of $size bytes, each
# from a port of its own: rr gives them to rs3, rs2, rs1, each answering
# as large.
frag_rounds() {
	local fam i got
	mapfile -t answers <<<"$(in_ns client "${python[@]}" \
		"$e2e_dir/_frag_udp.py" "$port" "$sport" 3 "$size" \
		"${vip[4]}" "${vip[6]}")"
	sport=$((sport + 6))
	for fam in "${families[@]}"; do
		got=()
		for ((i = 0; i < 3; i++)); do
			got+=("${answers[i]:--}")
			echo "$method ipv$fam udp frag $((i + 1)) ${answers[i]:--}" >>"$served"
		done
		answers=("${answers[@]:3}")
		log "$method ipv$fam udp $size bytes: ${got[*]}"
		expect_eq "${got[*]}" "$rr_cycle" \
			"$method ipv$fam: who answered the $size-byte datagrams whole"
	done
}

# frag_counted FAMILY: the service counted three connections, each one
# packet in of the whole datagram and, for NAT, one out. Sets $why if not.
frag_counted() {
	local fam=$1 hdr=28 key c in out=0 outb=0
	[ "$fam" = 4 ] || hdr=48
	in=$((3 * (size + hdr)))
	[ "$method" = nat ] && out=3 outb=$in
	read_counters
	key="UDP $(hostport "$fam" "${vip[$fam]}")"
	read -r -a c <<<"${counters_of["$key"]:-}"
	why="$method ipv$fam: counters '${c[*]:-none}' (conns inpkts outpkts"
	why+=" inbytes outbytes), expected '3 3 $out $in $outb'"
	[ "${c[*]:-}" = "3 3 $out $in $outb" ]
}

# check_method nat|dr|tun, in a subshell of its own: its namespaces go
# when it ends.
check_method() {
	local fam
	cleanups=()
	trap run_cleanups EXIT
	make_topology "$1"
	if [ "$method" = tun ]; then
		ip -n client link set eth0 mtu 1400 || fail "mtu in client"
		ip -n director link set eth0 mtu 1400 || fail "mtu in director"
	fi
	start_frag_responders
	add_services rr 1 1 1
	frag_rounds
	for fam in "${families[@]}"; do
		wait_for 10 frag_counted "$fam" || fail "$why"
	done
	log "$method: ok"
}

load_balancer
# (LVS_FRAG_METHODS="dr tun": only those, for a quicker look)
for m in ${LVS_FRAG_METHODS:-nat dr tun}; do
	(check_method "$m")
	sport=$((sport + 100))
done
log "ok"
