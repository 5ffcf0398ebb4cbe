#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile packets at a director with NAT, DR and TUN services (TCP, UDP,
# SCTP; IPv4 and IPv6) and live connections through each: truncated and
# malformed IPv4, IPv6, TCP, UDP and SCTP headers, bad IHL, IPv4 options,
# IPv6 extension header chains, overlapping fragments, ICMP errors quoting
# garbage or the director's live connections (replies to the client, the
# client's packets to NAT real servers, the director's IPIP, GUE and GRE
# packets to real servers), tunnel packets with garbage inside, and
# malformed replies from NAT real servers. _hostile.py builds them from a
# seed and puts them on the director's links through AF_PACKET.
#
#    client            director                   lan          real servers
#  +-----------+     +--------------------+     +-------+     +---------------------+
#  |      eth0 +=====+ eth0          eth1 +=====+  br0  +-----+ rs1            eth0 |
#  | 10.0.1.2  |  ^  | 10.0.1.1  10.0.2.1 |  ^  |       |     | 10.0.2.11           |
#  | fd00:1::2 |  |  | fd00:1::1 fd00:2::1|  |  |       |     | fd00:2::11          |
#  +-----------+  |  | DR  VIP .100 ::100 |  |  |       |     | lo: DR, TUN VIPs    |
#   | eth1        |  | TUN VIP .101 ::101 |  |  |       |     | ipip, ip6tnl, gre,  |
#   | 10.0.2.2    |  | NAT VIP .102 ::102 |  |  |       |     |  ip6gre, fou 6080   |
#   +-------------|--+--------------------+  |  |       +-----+ rs2, rs3 (same)     |
#                 |                          |  |       |     +---------------------+
#   hostile frames to the VIPs     hostile "replies" and errors from the
#   and the director               real servers' side (lan's port)
#
# The TUN services give rs1 IPIP, rs2 GUE (port 6080) and rs3 GRE. DR and
# TUN real servers answer the client through its leg on the lan; NAT
# connections come from another client address (10.0.3.2, fd00:3::2), for
# which the real servers' default route, the director, is the way back.
#
# After HOSTILE_COUNT packets from seed HOSTILE_SEED: every service still
# serves new connections from every real server, the configuration is
# what it was, the counters add up (each service's are the sum of its real
# servers', the namespace's the sum of the services'; each real server's
# active and inactive connections are the entries that name it) and the
# kernel logged nothing. A finding is sent again alone with
#   _hostile.py one SETUP SEED INDEX
# (SETUP is printed in the log, INDEX counts packets from 0).
. "$(dirname "$0")/_lib.sh"

# packets: 10-25 ms each on the debug kernel under emulation
count=${HOSTILE_COUNT:-3000}
seed=${HOSTILE_SEED:-20261203}

hostile() {
	/usr/bin/python3 "$e2e_dir/_hostile.py" "$@"
}

declare -A vip_of=([dr 4]=10.0.1.100 [dr 6]=fd00:1::100
	[tun 4]=10.0.1.101 [tun 6]=fd00:1::101
	[nat 4]=10.0.1.102 [nat 6]=fd00:1::102)
declare -A tun_of=([rs1]="--tun-type ipip" [rs2]="--tun-type gue --tun-port 6080"
	[rs3]="--tun-type gre")
methods=(nat dr tun)
protos=(tcp udp)

on_exit unload_lvs
modprobe lvs || fail "modprobe lvs"
quietly modprobe sctp || true
if /usr/bin/python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)' \
	2>/dev/null; then
	protos+=(sctp)
fi

make_topology dr
quietly modprobe -a fou fou6 ipip ip_gre ip6_gre ip6_tunnel || true

work=$(mktemp -d)
on_exit "rm -rf $work"

# NAT's client address, whose answers take the real servers' default
# route, through the director
declare -A src_of=([dr 4]=10.0.1.2 [dr 6]=fd00:1::2 [tun 4]=10.0.1.2
	[tun 6]=fd00:1::2 [nat 4]=10.0.3.2 [nat 6]=fd00:3::2)
in_batch client <<-EOF
addr add ${src_of[nat 4]}/32 dev eth0
addr add ${src_of[nat 6]}/128 dev eth0 nodad
EOF
in_batch director <<-EOF
route add 10.0.3.0/24 via 10.0.1.2
route add fd00:3::/64 via fd00:1::2
addr add ${vip_of[tun 4]}/32 dev eth0
addr add ${vip_of[nat 4]}/32 dev eth0
addr add ${vip_of[tun 6]}/128 dev eth0 nodad
addr add ${vip_of[nat 6]}/128 dev eth0 nodad
EOF
for rs in "${real_servers[@]}"; do
	in_batch "$rs" <<-EOF
	addr add ${vip_of[tun 4]}/32 dev lo
	addr add ${vip_of[tun 6]}/128 dev lo nodad
	link add tip4 type ipip local $(rip 4 "$rs")
	link add tip6 type ip6tnl mode any local $(rip 6 "$rs")
	link add tgre4 type gre local $(rip 4 "$rs")
	link add tgre6 type ip6gre local $(rip 6 "$rs")
	link set tip4 up
	link set tip6 up
	link set tgre4 up
	link set tgre6 up
	fou add port 6080 gue
	fou add port 6080 gue -6
	EOF
	in_ns "$rs" /usr/bin/python3 "$e2e_dir/_hostile.py" serve "$rs" "$port" \
		"$(rip 4 "$rs")" "$(rip 6 "$rs")" "${vip[4]}" "${vip[6]}" \
		"${vip_of[tun 4]}" "${vip_of[tun 6]}" </dev/null >/dev/null 2>&1 &
done

# svc PROTO METHOD FAMILY: the service as ipvsadm names it
svc() {
	local opt
	case $1 in
	tcp) opt=-t ;;
	udp) opt=-u ;;
	sctp) opt=--sctp-service ;;
	esac
	echo "$opt $(hostport "$3" "${vip_of[$2 $3]}")"
}

rules=
for m in "${methods[@]}"; do
	for fam in "${families[@]}"; do
		for proto in "${protos[@]}"; do
			rules+="-A $(svc "$proto" "$m" "$fam") -s rr"$'\n'
			for rs in "${real_servers[@]}"; do
				rules+="-a $(svc "$proto" "$m" "$fam") -r $(hostport "$fam" "$(rip "$fam" "$rs")")"
				case $m in
				nat) rules+=" -m" ;;
				dr) rules+=" -g" ;;
				tun) rules+=" -i ${tun_of[$rs]}" ;;
				esac
				rules+=$'\n'
			done
		done
	done
done
lb -R <<<"$rules" || fail "ipvsadm -R: the services"
log "services: ${methods[*]}, ${protos[*]}, IPv4 and IPv6, rr over rs1 rs2 rs3"

listening() {
	local rs
	for rs in "${real_servers[@]}"; do
		[ "$(ss -N "$rs" -Hltun "sport = :$port" | wc -l)" -ge 4 ] || return 1
	done
}
wait_for 60 listening || fail "the real servers do not listen"

# (without the connection counts)
snapshot() {
	lb -S -n && lb -Ln --tun-info | awk '{ if ($1 == "->") NF -= 2; print }' &&
		lb -L --timeout && in_ns director sysctl net.ipv4.vs
}
snapshot >"$work/before" || fail "snapshot"

# svcs SOURCE-PORT COUNT: each service, named "METHOD ipvFAMILY PROTO",
# as _hostile.py ask and hold take them, COUNT source ports each
svcs() {
	local m fam proto p=$1
	for m in "${methods[@]}"; do
		for fam in "${families[@]}"; do
			for proto in "${protos[@]}"; do
				echo "$m-ipv$fam-$proto $proto ${src_of[$m $fam]}"
				echo "${vip_of[$m $fam]} $port $p"
				p=$((p + $2))
			done
		done
	done
}

# Every service takes new connections and gives them to each real server.
sport=40000
expect_service() {
	local line n=0
	# shellcheck disable=SC2046 # a list of arguments
	while read -r line; do
		log "$1: $line"
		[ "${line#*: }" = "rs1 rs2 rs3" ] ||
			log "director's route exceptions: $(in_ns director ip -6 route show cache; in_ns director ip -4 route show cache)"
		expect_eq "${line#*: }" "rs1 rs2 rs3" "$1: ${line%%: *}"
		n=$((n + 1))
	done <<<"$(in_ns client /usr/bin/python3 "$e2e_dir/_hostile.py" ask 3 \
		$(svcs $sport 3))"
	expect_eq "$n" $((${#methods[@]} * 2 * ${#protos[@]})) "$1: services asked"
	sport=$((sport + 100))
}
expect_service before

# Connections for the hostile packets to name: two of each service, held
# until the end.
nheld=$((${#methods[@]} * 2 * ${#protos[@]} * 2))
# shellcheck disable=SC2046
in_ns client /usr/bin/python3 "$e2e_dir/_hostile.py" hold 2 3600 \
	$(svcs 45000 2) </dev/null >"$work/held" 2>&1 &
wait_for 300 grep -q held "$work/held" || fail "holding connections: $(cat "$work/held")"
log "$(cat "$work/held") of $nheld connections"
lb -Lnc >"$work/conns"
log "$(grep -c '^[A-Z]' "$work/conns") entries held (with the header)"

mac() {
	ip -n "$1" -br link show dev "$2" | awk '{ print $3 }'
}
cat >"$work/setup.json" <<-EOF
{
 "conns": "$work/conns",
 "client4": "10.0.1.2", "client6": "fd00:1::2",
 "natclient4": "${src_of[nat 4]}", "natclient6": "${src_of[nat 6]}",
 "director4": "10.0.1.1", "director6": "fd00:1::1",
 "lan4": "10.0.2.1", "lan6": "fd00:2::1",
 "router4": "10.0.2.254", "router6": "fd00:2::254",
 "vips": [
  {"addr": "${vip_of[dr 4]}", "method": "dr"}, {"addr": "${vip_of[dr 6]}", "method": "dr"},
  {"addr": "${vip_of[tun 4]}", "method": "tun"}, {"addr": "${vip_of[tun 6]}", "method": "tun"},
  {"addr": "${vip_of[nat 4]}", "method": "nat"}, {"addr": "${vip_of[nat 6]}", "method": "nat"}
 ],
 "rss": [
  {"rip4": "10.0.2.11", "rip6": "fd00:2::11", "tun": "ipip", "tunport": 6080},
  {"rip4": "10.0.2.12", "rip6": "fd00:2::12", "tun": "gue", "tunport": 6080},
  {"rip4": "10.0.2.13", "rip6": "fd00:2::13", "tun": "gre", "tunport": 6080}
 ],
 "dmac_in": "$(mac director eth0)", "smac_in": "$(mac client eth0)",
 "dmac_out": "$(mac director eth1)", "smac_out": "$(mac rs1 eth0)"
}
EOF
log "setup:"
cat "$work/setup.json"
cat "$work/conns"

dmesg -c >/dev/null
log "$count hostile packets, seed $seed"
hostile fuzz "$work/setup.json" "$count" "$seed" || fail "the generator failed"

# -- afterwards -----------------------------------------------------------------

splats='WARNING:|BUG:|KASAN|UBSAN|Oops|Call Trace:|general protection fault'
splats+='|possible recursive locking|circular locking|suspicious RCU usage'
splats+='|kmemleak|list_add corruption|list_del corruption'
if dmesg | grep -E "$splats"; then
	fail "the kernel logged a splat"
fi

snapshot >"$work/after" || fail "snapshot"
diff -u "$work/before" "$work/after" || fail "the configuration changed"
log "configuration unchanged"

expect_service after

# Counters: "conns inpkts outpkts inbytes outbytes" of each service equal
# the sums of its real servers'; the namespace's (ip_vs_stats, hex) equal
# the sums of all services'.
counters_add_up() {
	lb -Ln --stats --exact | awk '
		$1 == "TCP" || $1 == "UDP" || $1 == "SCTP" {
			check(); key = $1 " " $2
			for (i = 1; i <= 5; i++) { svc[i] = $(i + 2); sum[i] = 0; tot[i] += $(i + 2) }
			n++; next
		}
		$1 == "->" && $2 ~ /:[0-9]+$/ { for (i = 1; i <= 5; i++) sum[i] += $(i + 2) }
		function check(  i) {
			if (key == "") return
			for (i = 1; i <= 5; i++)
				if (svc[i] != sum[i]) {
					print key ": field " i " is " svc[i] ", its real servers add up to " sum[i]
					bad = 1
				}
		}
		END {
			check()
			printf "services %d", n
			for (i = 1; i <= 5; i++) printf " %d", tot[i]
			print ""
			exit bad
		}'
}
totals=$(counters_add_up) || fail "counters: $totals"
read -r -a t <<<"$(in_ns director sed -n 3p /proc/net/ip_vs_stats)"
for i in "${!t[@]}"; do
	t[i]=$((16#${t[i]}))
done
log "counters: $totals (services, conns inpkts outpkts inbytes outbytes); namespace: ${t[*]}"
expect_eq "${t[*]}" "$(cut -d' ' -f3- <<<"$totals")" "the namespace's counters"

# Active and inactive connections of each real server: the entries in the
# table that name it (templates aside). Entries expire meanwhile: poll.
conns_add_up() {
	local listed entries
	listed=$(lb -Ln | awk '$1 ~ /^(TCP|UDP|SCTP)$/ { s = $1 " " $2 }
		$1 == "->" && $2 ~ /:[0-9]+$/ { n[s " " $2] += $5 + $6 }
		END { for (k in n) print k, n[k] }' | sort)
	entries=$(lb -Lnc | awk 'NR > 2 && $1 ~ /^(TCP|UDP|SCTP)$/ {
			n[$1 " " $5 " " $6]++ }
		END { for (k in n) print k, n[k] }' | sort)
	why="real servers' connections (ipvsadm -Ln): $listed; entries (ipvsadm -Lnc): $entries"
	[ "$(awk '$4' <<<"$listed")" = "$entries" ]
}
wait_for 20 conns_add_up || fail "$why"
log "connections: $(lb -Ln | awk '$1 == "->" { a += $5; i += $6 } END { print a + 0, "active,", i + 0, "inactive" }')"

echo "hostile: $count packets, seed $seed: configuration unchanged, services serve" \
	>>"$served"
log "ok"
