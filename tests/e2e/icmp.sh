#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors about the packets of balanced connections reach the side
# that sent those packets, translated for NAT, as ip_vs does:
#  (a) NAT, UDP to a closed port of the real server: the client's connected
#      socket gets "port unreachable" from the VIP about VIP:vport;
#  (b) NAT, a router with a smaller MTU in front of the real server: a
#      large TCP upload completes and the client learns the router's MTU;
#  (c) TUN through that router, with IPIP, GRE and GUE tunnels: the
#      upload completes, the client learns the router's MTU less the outer
#      headers (IP 20 or 40, GRE 4, UDP and GUE 12; ip_vs does this for
#      IPv4 only, so IPv6 is checked on lvs and only logged for ip_vs);
#  (d) DR: the client's "port unreachable" about a real server's answer
#      reaches that real server;
#  (e) nat_icmp_send: a NAT real server's datagram that belongs to no
#      connection gets "port unreachable" from the director when set, and
#      is forwarded to the client when not.
#
#     client              director                 rtr (router, bridges)
#  +--------------+     +------------------+     +-----------------------+
#  | eth0         +-----+ eth0    10.0.1.1 |     | br1  10.0.2.254       |
#  |  10.0.1.2,.3 |     |        fd00:1::1 |     |      fd00:2::254      |
#  |  fd00:1::2,3 |     | VIPs: nat   .100 |     |                       |
#  |              |     |       tun   .101 |     | br2  10.0.3.254       |
#  |              |     |       dr    .102 |     |      fd00:3::254      |
#  |              |     |       gre   .103 |     |                       |
#  |              |     |       gue   .104 |     |                       |
#  |              |     |  (fd00:1::100..) |     | route to rs1: mtu 1400|
#  |              |     | eth1    10.0.2.1 +-----+ br1                   |
#  |              |     |        fd00:2::1 |  +--+ br1                   |
#  |              |     +------------------+  |  |                       |
#  | eth1         +---------------------------|--+ br2                   |
#  |  10.0.3.2    |                           |  |                  br2  +--+
#  |  fd00:3::2   |   rs2 (DR)                |  +-----------------------+  |
#  +--------------+  +----------------------+ |                             |
#                    | eth0 10.0.2.12       +-+   rs1 (NAT, TUN)            |
#                    |  fd00:2::12          |   +-----------------------+   |
#                    | lo: VIP dr           |   | eth0 10.0.3.11        +---+
#                    +----------------------+   |  fd00:3::11           |
#                                               | tun4, tun6: VIP tun   |
#                                               | .12 ::12: tgre4, tgre6|
#                                               | .13 ::13: fou 6080,   |
#                                               |   tgue4, tgue6        |
#                                               | lo: VIPs gre, gue     |
#                                               +-----------------------+
#
#   NAT requests come from 10.0.1.2 and fd00:1::2; rtr routes the answers
#   to them back through the director. TUN and DR requests come from
#   10.0.1.3 and fd00:1::3; rtr and rs1 route the answers to them to the
#   client's second leg (eth1), bypassing the director.
. "$(dirname "$0")/_lib.sh"

tool=$e2e_dir/_icmp_tool.py
declare -A cip=([4]=10.0.1.2 [6]=fd00:1::2) cip_dr=([4]=10.0.1.3 [6]=fd00:1::3)
declare -A vnat=([4]=10.0.1.100 [6]=fd00:1::100)
declare -A vtun=([4]=10.0.1.101 [6]=fd00:1::101)
declare -A vdr=([4]=10.0.1.102 [6]=fd00:1::102)
declare -A vgre=([4]=10.0.1.103 [6]=fd00:1::103)
declare -A vgue=([4]=10.0.1.104 [6]=fd00:1::104)
declare -A rs1=([4]=10.0.3.11 [6]=fd00:3::11) rs2=([4]=10.0.2.12 [6]=fd00:2::12)
# rs1's addresses as a GRE and a GUE real server: ip_vs finds the real
# server an error is about by address, so each tunnel type has its own
declare -A rgre=([4]=10.0.3.12 [6]=fd00:3::12) rgue=([4]=10.0.3.13 [6]=fd00:3::13)
declare -A dir1=([4]=10.0.2.1 [6]=fd00:2::1)
declare -A hdr=([4]=20 [6]=40)
router_mtu=1400

icmp_topology() {
	local ns
	quietly modprobe -a veth bridge ipip ip6_tunnel ip_gre ip6_gre fou fou6 || true
	add_namespace client
	add_namespace director net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
	add_namespace rtr net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
	add_namespace rs1
	add_namespace rs2 net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
	on_exit "in_ns director ipvsadm -C"

	in_batch client <<-EOF
	link add eth0 type veth peer name eth0 netns director
	addr add 10.0.1.2/24 dev eth0
	addr add 10.0.1.3/24 dev eth0
	addr add fd00:1::2/64 dev eth0 nodad
	addr add fd00:1::3/64 dev eth0 nodad
	link set eth0 up
	link add eth1 type veth peer name tocli netns rtr
	addr add 10.0.3.2/24 dev eth1
	addr add fd00:3::2/64 dev eth1 nodad
	link set eth1 up
	EOF
	in_batch director <<-EOF
	addr add 10.0.1.1/24 dev eth0
	addr add fd00:1::1/64 dev eth0 nodad
	link set eth0 up
	link add eth1 type veth peer name todir netns rtr
	addr add 10.0.2.1/24 dev eth1
	addr add fd00:2::1/64 dev eth1 nodad
	link set eth1 up
	route add 10.0.3.0/24 via 10.0.2.254
	route add fd00:3::/64 via fd00:2::254
	EOF
	for v in "${vnat[4]}" "${vtun[4]}" "${vdr[4]}" "${vgre[4]}" "${vgue[4]}"; do
		echo "addr add $v/32 dev eth0"
	done | in_batch director
	for v in "${vnat[6]}" "${vtun[6]}" "${vdr[6]}" "${vgre[6]}" "${vgue[6]}"; do
		echo "addr add $v/128 dev eth0 nodad"
	done | in_batch director
	in_batch rtr <<-EOF
	link add tors1 type veth peer name eth0 netns rs1
	link add tors2 type veth peer name eth0 netns rs2
	link add br1 type bridge mcast_snooping 0
	link add br2 type bridge mcast_snooping 0
	link set dev todir master br1 up
	link set dev tors2 master br1 up
	link set dev tors1 master br2 up
	link set dev tocli master br2 up
	link set br1 up
	link set br2 up
	addr add 10.0.2.254/24 dev br1
	addr add fd00:2::254/64 dev br1 nodad
	addr add 10.0.3.254/24 dev br2
	addr add fd00:3::254/64 dev br2 nodad
	route add default via 10.0.2.1
	route add default via fd00:2::1
	route add 10.0.1.3/32 via 10.0.3.2
	route add fd00:1::3/128 via fd00:3::2
	route add 10.0.3.11/32 dev br2 mtu $router_mtu
	route add fd00:3::11/128 dev br2 mtu $router_mtu
	route add 10.0.3.12/32 dev br2 mtu $router_mtu
	route add fd00:3::12/128 dev br2 mtu $router_mtu
	route add 10.0.3.13/32 dev br2 mtu $router_mtu
	route add fd00:3::13/128 dev br2 mtu $router_mtu
	EOF
	in_batch rs1 <<-EOF
	addr add 10.0.3.11/24 dev eth0
	addr add fd00:3::11/64 dev eth0 nodad
	link set eth0 up
	route add default via 10.0.3.254
	route add default via fd00:3::254
	route add 10.0.1.3/32 via 10.0.3.2
	route add fd00:1::3/128 via fd00:3::2
	link add tun4 type ipip local 10.0.3.11
	link add tun6 type ip6tnl mode ip6ip6 local fd00:3::11
	link set tun4 up
	link set tun6 up
	addr add ${vtun[4]}/32 dev tun4
	addr add ${vtun[6]}/128 dev tun6 nodad
	addr add 10.0.3.12/32 dev eth0
	addr add fd00:3::12/128 dev eth0 nodad
	addr add 10.0.3.13/32 dev eth0
	addr add fd00:3::13/128 dev eth0 nodad
	link add tgre4 type gre local 10.0.3.12
	link add tgre6 type ip6gre local fd00:3::12
	link add tgue4 type ipip local 10.0.3.13
	link add tgue6 type ip6tnl mode ip6ip6 local fd00:3::13
	link set tgre4 up
	link set tgre6 up
	link set tgue4 up
	link set tgue6 up
	fou add port 6080 gue
	fou add port 6080 gue -6
	addr add ${vgre[4]}/32 dev lo
	addr add ${vgre[6]}/128 dev lo nodad
	addr add ${vgue[4]}/32 dev lo
	addr add ${vgue[6]}/128 dev lo nodad
	EOF
	in_batch rs2 <<-EOF
	addr add 10.0.2.12/24 dev eth0
	addr add fd00:2::12/64 dev eth0 nodad
	link set eth0 up
	route add default via 10.0.2.254
	route add default via fd00:2::254
	addr add ${vdr[4]}/32 dev lo
	addr add ${vdr[6]}/128 dev lo nodad
	EOF
	for ns in client director rtr rs1 rs2; do
		in_ns "$ns" ip link set lo up
	done
}

hp() {
	case $1 in
	4) echo "$2:$3" ;;
	6) echo "[$2]:$3" ;;
	esac
}

icmp_services() {
	local fam rules=
	for fam in 4 6; do
		rules+="-A -t $(hp $fam "${vnat[$fam]}" 80) -s rr"$'\n'
		rules+="-a -t $(hp $fam "${vnat[$fam]}" 80) -r $(hp $fam "${rs1[$fam]}" 80) -m"$'\n'
		rules+="-A -u $(hp $fam "${vnat[$fam]}" 90) -s rr"$'\n'
		rules+="-a -u $(hp $fam "${vnat[$fam]}" 90) -r $(hp $fam "${rs1[$fam]}" 90) -m"$'\n'
		rules+="-A -t $(hp $fam "${vtun[$fam]}" 80) -s rr"$'\n'
		rules+="-a -t $(hp $fam "${vtun[$fam]}" 80) -r $(hp $fam "${rs1[$fam]}" 80) -i"$'\n'
		rules+="-A -t $(hp $fam "${vgre[$fam]}" 80) -s rr"$'\n'
		rules+="-a -t $(hp $fam "${vgre[$fam]}" 80) -r $(hp $fam "${rgre[$fam]}" 80) -i --tun-type gre"$'\n'
		rules+="-A -t $(hp $fam "${vgue[$fam]}" 80) -s rr"$'\n'
		rules+="-a -t $(hp $fam "${vgue[$fam]}" 80) -r $(hp $fam "${rgue[$fam]}" 80) -i --tun-type gue --tun-port 6080"$'\n'
		rules+="-A -u $(hp $fam "${vdr[$fam]}" 82) -s rr"$'\n'
		rules+="-a -u $(hp $fam "${vdr[$fam]}" 82) -r $(hp $fam "${rs2[$fam]}" 82) -g"$'\n'
	done
	lb -R <<<"$rules" || fail "ipvsadm -R"
}

record() {
	echo "$*" >>"$served"
	log "$*"
}

# The path MTU the client has learnt towards ADDRESS: client_mtu FAMILY ADDRESS
client_mtu() {
	in_ns client ip -"$1" route get "$2" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }'
}

# Icmp{In,Out}DestUnreachs (Icmp6...) of a namespace:
# unreach FAMILY NS [In|Out]
# shellcheck disable=SC2016 # awk programs
unreach() {
	local dir=${3:-In}
	if [ "$1" = 4 ]; then
		in_ns "$2" awk -v k="${dir}DestUnreachs" '
			$1 == "Icmp:" && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
			$1 == "Icmp:" { print $c[k] }' /proc/net/snmp
	else
		in_ns "$2" awk -v k="Icmp6${dir}DestUnreachs" '$1 == k { print $2 }' \
			/proc/net/snmp6
	fi
}

# Has NS counted more than N destination unreachables? more FAMILY NS In|Out N
more() {
	[ "$(unreach "$1" "$2" "$3")" -gt "$4" ]
}

# (a) NAT UDP to the real server's closed port 90.
check_nat_refused() {
	local fam=$1 got want
	got=$(in_ns client "${python[@]}" "$tool" refused "${cip[$fam]}" 41000 "${vnat[$fam]}" 90)
	record "ipv$fam nat udp closed port: $got"
	if [ "$fam" = 4 ]; then want="ECONNREFUSED type 3 code 3 from ${vnat[4]}"
	else want="ECONNREFUSED type 1 code 4 from ${vnat[6]}"; fi
	expect_eq "$got" "$want" "ipv$fam NAT port unreachable"
}

# (b), (c) an upload through the router; the client's path MTU afterwards.
check_upload() {
	local fam=$1 method=$2 wait=$3 vip src=${cip_dr[$1]} got mtu
	case $method in
	nat) vip=${vnat[$fam]} src=${cip[$fam]} ;;
	tun) vip=${vtun[$fam]} ;;
	gre) vip=${vgre[$fam]} ;;
	gue) vip=${vgue[$fam]} ;;
	esac
	got=$(in_ns client "${python[@]}" "$tool" upload "$src" "$vip" 80 200000 "$wait" 2>&1 |
		tail -n 1)
	mtu=$(client_mtu "$fam" "$vip")
	echo "ipv$fam $method tcp upload: answer ${got:--}, client path mtu ${mtu:-none}"
}

check_uploads() {
	local fam=$1 method=$2 line want=$router_mtu
	case $method in
	tun) want=$((router_mtu - hdr[$fam])) ;;
	gre) want=$((router_mtu - hdr[$fam] - 4)) ;;
	gue) want=$((router_mtu - hdr[$fam] - 12)) ;;
	esac
	if [ "$method" != nat ] && [ "$fam" = 6 ] && [ "$lvs_impl" = ipvs ]; then
		line=$(check_upload "$fam" "$method" 10)
		log "$line (not compared: ip_vs leaves ICMPv6 about its IPv6 tunnels to the stack)"
		return
	fi
	line=$(check_upload "$fam" "$method" 30)
	# (only lvs gets there for IPv6 tunnels: not in the compared file)
	if [ "$method" != nat ] && [ "$fam" = 6 ]; then log "$line"; else record "$line"; fi
	expect_eq "$line" "ipv$fam $method tcp upload: answer 200000, client path mtu $want" \
		"ipv$fam $method upload"
}

# (d) DR: the client's port unreachable about rs2's answer reaches rs2.
check_dr_unreach() {
	local fam=$1 before
	before=$(unreach "$fam" rs2)
	in_ns client "${python[@]}" "$tool" fire "${cip_dr[$fam]}" 43000 "${vdr[$fam]}" 82
	if wait_for 5 more "$fam" rs2 In "$before"; then
		record "ipv$fam dr udp: the real server got the client's port unreachable"
	else
		record "ipv$fam dr udp: the real server got nothing"
		fail "ipv$fam DR: no port unreachable reached rs2"
	fi
}

# (e) nat_icmp_send: rs1 sends from its NAT real server port 90 to a
# client port that has no connection.
check_nat_icmp_send() {
	local fam=$1 val=$2 got want
	in_ns director sysctl -qw net.ipv4.vs.nat_icmp_send="$val"
	got=$(in_ns rs1 "${python[@]}" "$tool" refused "${rs1[$fam]}" 90 "${cip[$fam]}" $((42000 + val)))
	record "ipv$fam nat_icmp_send=$val: $got"
	# set: the director refuses; not set: the client's stack does
	if [ "$val" = 1 ]; then want=${dir1[$fam]}; else want=${cip[$fam]}; fi
	expect_eq "${got##* from }" "$want" "ipv$fam nat_icmp_send=$val: who refuses"
}

# (e) schedule_icmp: rs2 sends a datagram from the DR VIP's port to a
# client port that has no connection; the client's port unreachable,
# about that datagram, reaches rs2 only when the director schedules it.
check_schedule_icmp() {
	local fam=$1 val=$2 cport=$((44000 + $2)) before sent conn got want
	in_ns director sysctl -qw net.ipv4.vs.schedule_icmp="$val"
	before=$(unreach "$fam" rs2) sent=$(unreach "$fam" client Out)
	in_ns rs2 "${python[@]}" "$tool" fire "${vdr[$fam]}" 82 "${cip_dr[$fam]}" "$cport"
	wait_for 5 more "$fam" client Out "$sent" ||
		fail "ipv$fam schedule_icmp=$val: the client sent no port unreachable"
	if [ "$val" = 1 ]; then
		wait_for 5 more "$fam" rs2 In "$before" || true
	else
		# (what does not come: give it the time the other case takes)
		sleep 1
	fi
	conn=$(lb -Lnc | awk -v c="$(hp "$fam" "${cip_dr[$fam]}" "$cport")" \
		'$4 == c { print "connection to", $6 }')
	got="ipv$fam schedule_icmp=$val: rs2 got nothing"
	! more "$fam" rs2 In "$before" ||
		got="ipv$fam schedule_icmp=$val: rs2 got the port unreachable"
	got+=", ${conn:-no connection}"
	record "$got"
	want="ipv$fam schedule_icmp=$val: rs2 got nothing, no connection"
	[ "$val" = 0 ] ||
		want="ipv$fam schedule_icmp=1: rs2 got the port unreachable, connection to $(hp "$fam" "${rs2[$fam]}" 82)"
	expect_eq "$got" "$want" "ipv$fam schedule_icmp=$val"
}

load_balancer
icmp_topology
in_ns rs1 "${python[@]}" "$tool" server 80 </dev/null >/dev/null 2>&1 &
"${python[@]}" "$e2e_dir/_responder.py" 82 "rs2,udp=${vdr[4]},udp=${vdr[6]}" \
	</dev/null >/dev/null || fail "rs2's UDP responder"
wait_for 30 eval '[ "$(ss -N rs1 -Hltn "sport = :80" | wc -l)" = 1 ]' ||
	fail "rs1's server does not listen"
icmp_services
for fam in 4 6; do
	check_nat_refused "$fam"
	check_uploads "$fam" nat
	check_uploads "$fam" tun
	check_uploads "$fam" gre
	check_uploads "$fam" gue
	check_dr_unreach "$fam"
	check_nat_icmp_send "$fam" 0
	check_nat_icmp_send "$fam" 1
	check_schedule_icmp "$fam" 0
	check_schedule_icmp "$fam" 1
done
log "ok"
