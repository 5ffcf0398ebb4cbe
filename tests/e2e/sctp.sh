#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# SCTP virtual services (ipvsadm --sctp-service), IPv4 and IPv6, rr over
# three real servers, by NAT and direct routing in turn (LVS_SCTP_METHODS,
# "nat dr" by default, may add tun: IPIP and IPv6-in-IPv6): each
# association is served by the real server rr picks, in ip_vs's order;
# ipvsadm -Ln lists the services as SCTP; ipvsadm -Lnc shows a held
# association ESTABLISHED, then CLOSED once the client has shut it down.
# Under NAT the real servers listen on another port than the VIP's, so the
# director rewrites ports and with them the CRC32c: over IPv4 the veths
# compute the CRCs (the director sees CHECKSUM_PARTIAL packets), over IPv6
# the client and the real servers compute them in software, and each side
# checks the CRC that the director updated. The states seen go into the
# served file with the real servers, so ip_vs and lvs are compared on both.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +-------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1    eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11   |
#  | fd00:1::2 |     | fd00:1::1       |     |       |     | fd00:2::11  |
#  |           |     | VIP 10.0.1.100  |     |       |     +-------------+
#  |      eth1 +--+  |  fd00:1::100    |     |       +-----+ rs2  .12 ::12|
#  | 10.0.2.2  |  |  |       10.0.2.1  |     |       |     +-------------+
#  | fd00:2::2 |  |  |      fd00:2::1  |     |       +-----+ rs3  .13 ::13|
#  +-----------+  |  +-----------------+     |       |     +-------------+
#                 +--------------------------+ (DR, TUN only)
#
#   NAT: real servers on port 8080, default route via the director.
#   DR: VIP on the real servers' lo; TUN: VIP on their ipip/ip6ip6
#   devices; both answer the client straight through its eth1.
. "$(dirname "$0")/_lib.sh"

quietly modprobe sctp || true
"${python[@]}" -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)' \
	2>/dev/null || skip "this kernel has no SCTP sockets"

caddr4=10.0.1.2 caddr6=fd00:1::2
declare -A caddr=([4]=$caddr4 [6]=$caddr6)
rport=$port

sctp_client() {
	in_ns client "${python[@]}" "$e2e_dir/_sctp_client.py" "$@"
}

# tx_csum on|off: who computes the CRCs of the client and the real servers
tx_csum() {
	local ns
	for ns in client "${real_servers[@]}"; do
		in_ns "$ns" "${python[@]}" "$e2e_dir/_sctp_client.py" \
			txcsum eth0 "$1" || fail "tx checksum $1 in $ns"
	done
}

sctp_listening() {
	local rs
	for rs in "${real_servers[@]}"; do
		[ "$(ss -N "$rs" -HlS "sport = :$rport" | wc -l)" = 2 ] || return 1
	done
}

start_sctp_responders() {
	local rs a4 a6
	for rs in "${real_servers[@]}"; do
		a4=${vip[4]} a6=${vip[6]}
		if [ "$method" = nat ]; then
			a4=$(rip 4 "$rs") a6=$(rip 6 "$rs")
		fi
		in_ns "$rs" "${python[@]}" "$e2e_dir/_sctp_responder.py" \
			"$rs" "$rport" "$a4" "$a6" </dev/null >/dev/null 2>&1 &
	done
	wait_for 90 sctp_listening || fail "the SCTP responders do not listen"
}

sctp_svc() {
	echo "--sctp-service $(hostport "$1" "${vip[$1]}")"
}

add_sctp_services() {
	local fam rs rules=
	for fam in "${families[@]}"; do
		rules+="-A $(sctp_svc "$fam") -s rr"$'\n'
		for rs in "${real_servers[@]}"; do
			rules+="-a $(sctp_svc "$fam") -r "
			rules+="$(port=$rport hostport "$fam" "$(rip "$fam" "$rs")") $fwd"$'\n'
		done
	done
	lb -R <<<"$rules" || fail "ipvsadm -R: adding the SCTP services"
}

# ipvsadm -Ln lists both services as SCTP with their real servers; the
# listing, without counters, goes to the served file.
check_listing() {
	local listing
	listing=$(lb -Ln | awk '$1 == "SCTP" { print $1, $2, $3 }
		$1 == "->" && $2 != "RemoteAddress:Port" { print $1, $2, $3, $4 }' |
		sort)
	grep -Fqx "SCTP $(hostport 4 "${vip[4]}") rr" <<<"$listing" ||
		fail "ipvsadm -Ln does not list the IPv4 SCTP service: $(lb -Ln)"
	grep -Fqx "SCTP $(hostport 6 "${vip[6]}") rr" <<<"$listing" ||
		fail "ipvsadm -Ln does not list the IPv6 SCTP service: $(lb -Ln)"
	[ "$(grep -c '^->' <<<"$listing")" = 6 ] ||
		fail "ipvsadm -Ln: not six real servers: $(lb -Ln)"
	sed "s/^/$method listing /" <<<"$listing" >>"$served"
}

# sctp_round FAMILY PHASE COUNT: COUNT associations, rr in ip_vs's order
sctp_round() {
	local fam=$1 phase=$2 count=$3 i
	mapfile -t answers <<<"$(sctp_client run "${caddr[$fam]}" "${vip[$fam]}" \
		"$port" "$sport" "$count")"
	sport=$((sport + count))
	for ((i = 0; i < count; i++)); do
		echo "$method ipv$fam sctp $phase $((i + 1)) ${answers[i]:--}" >>"$served"
	done
	log "$method ipv$fam $phase: ${answers[*]}"
	expect_eq "${answers[*]}" "$rr_cycle" "$method ipv$fam $phase rr order"
}

# conn_state FAMILY SOURCE-PORT: the state ipvsadm -Lnc shows for the
# client's association from that port
conn_state() {
	lb -Lnc | awk -v c="$(port=$2 hostport "$1" "${caddr[$1]}")" \
		'$1 == "SCTP" && $4 == c { print $3 }'
}

state_is() {
	[ "$(conn_state "$1" "$2")" = "$3" ]
}

# A held association is ESTABLISHED in the director's table while it lasts
# and CLOSED after the client's SHUTDOWN.
check_held() {
	local fam=$1 hport=$sport who state
	sport=$((sport + 1))
	coproc HELD { sctp_client hold "${caddr[$fam]}" "${vip[$fam]}" \
		"$port" "$hport"; }
	# shellcheck disable=SC2153 # HELD_PID: from coproc
	local pid=$HELD_PID in=${HELD[1]} out=${HELD[0]}
	read -r -t 10 who <&"$out" || who=-
	wait_for 5 state_is "$fam" "$hport" ESTABLISHED || true
	state=$(conn_state "$fam" "$hport")
	echo "$method ipv$fam sctp held $who ${state:--}" >>"$served"
	expect_eq "$state" ESTABLISHED "$method ipv$fam held association state"
	echo >&"$in"
	exec {in}>&-
	wait "$pid" || true
	wait_for 10 state_is "$fam" "$hport" CLOSED || true
	state=$(conn_state "$fam" "$hport")
	echo "$method ipv$fam sctp closed $who ${state:--}" >>"$served"
	expect_eq "$state" CLOSED "$method ipv$fam association state after shutdown"
	log "$method ipv$fam held by $who: ESTABLISHED, then CLOSED"
}

# No endpoint found a CRC wrong.
check_crc_errors() {
	local ns errors
	for ns in client "${real_servers[@]}"; do
		errors=$(in_ns "$ns" awk '$1 == "SctpChecksumErrors" { print $2 }' \
			/proc/net/sctp/snmp)
		expect_eq "$errors" 0 "SCTP checksum errors in $ns"
	done
}

# Each method gets a topology of its own, torn down before the next.
run_method() {
	local base=${#cleanups[@]} n fam c
	make_topology "$1"
	rport=$port
	[ "$method" = nat ] && rport=8080
	start_sctp_responders
	add_sctp_services
	check_listing
	for fam in "${families[@]}"; do
		if [ "$method" = nat ] && [ "$fam" = 6 ]; then
			tx_csum off
			sctp_round "$fam" software-crc 3
		else
			sctp_round "$fam" offload 3
		fi
		check_held "$fam"
	done
	check_crc_errors
	log "$method: ok"
	n=$((${#cleanups[@]} - base))
	for c in "${cleanups[@]:0:n}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
	cleanups=("${cleanups[@]:n}")
}

load_balancer
for m in ${LVS_SCTP_METHODS:-nat dr}; do
	run_method "$m"
done
log "ok"
