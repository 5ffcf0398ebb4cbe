#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel types (ipvsadm -i --tun-type ipip|gue|gre, their checksum options)
# and real servers of the other family than their service: TCP and UDP
# reach each real server through its tunnel, a large TCP upload arrives
# whole (GSO packets, checksums computed on the way out), and the path MTU
# the client learns is the link's minus that tunnel's overhead.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +-----------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1        eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11       |
#  | fd00:1::2 |     | fd00:1::1       |     |       |     | fd00:2::11      |
#  |           |     | VIP 10.0.1.100  |     |       |     | lo: VIP         |
#  |           |     |  fd00:1::100    |     |       |     | tip4  ipip      |
#  |           |     |       10.0.2.1  |     |       |     | tip6  ip6tnl any|
#  |           |     |      fd00:2::1  |     |       |     | tgre4 gre       |
#  |           |     | eth1: tx off    |     |       |     | tgre6 ip6gre    |
#  |           |     +-----------------+     |       |     | tsit  sit (opt.)|
#  |      eth1 +-----------------------------+       |     | fou 608N gue v4 |
#  | 10.0.2.2  |                             |       |     |  and v6         |
#  | fd00:2::2 |                             |       |     +-----------------+
#  +-----------+                             |       +-----+ rs2  (same, gre |
#                                            |       |     |  with csum)     |
#                                            |       +-----+ rs3  (same)     |
#                                            +-------+     +-----------------+
#
#   The director wraps the client's packet for the real server's tunnel
#   type; the real server takes it off on the matching device (fou hands
#   GUE's payload to ipip, ip6tnl or sit) and answers from the VIP on its
#   loopback, through the client's leg on the lan. The director's eth1 has
#   checksum offload off, which also turns segmentation offload off: every
#   GSO packet is cut into segments and every checksum computed in software
#   there, and the real servers check them.
#
# Each phase makes a TCP and a UDP service of one family, with one tunnel
# setting per real server; rr takes rs3, rs2, rs1 in turn. The phases run
# in the order that lowers the client's path MTU to the VIP each time, so
# that each one's figure can be read from the client's route.
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology dr
quietly modprobe -a fou fou6 ipip ip_gre ip6_gre ip6_tunnel || true
quietly modprobe sit || true
command -v ethtool >/dev/null || skip "no ethtool (make deps installs it)"

work=$(mktemp -d)
on_exit "rm -rf $work"

# The real servers' decapsulating devices. rs2's GRE devices expect a
# checksum (a GRE device drops packets whose checksum flag it does not
# expect, either way). sit (IPv6 in IPv4) is optional: the test kernel has
# none, and the IPv6 service with IPv4 real servers then uses GRE only.
have_sit=0
for rs in "${real_servers[@]}"; do
	n=${rs#rs} csum=
	[ "$rs" != rs2 ] || csum=csum
	in_batch "$rs" <<-EOF
	link add tip4 type ipip local $(rip 4 "$rs")
	link add tip6 type ip6tnl mode any local $(rip 6 "$rs")
	link add tgre4 type gre local $(rip 4 "$rs") $csum
	link add tgre6 type ip6gre local $(rip 6 "$rs") $csum
	link set tip4 up
	link set tip6 up
	link set tgre4 up
	link set tgre6 up
	fou add port 608$n gue
	fou add port 608$n gue -6
	EOF
	if ip -n "$rs" link add tsit type sit local "$(rip 4 "$rs")" 2>/dev/null; then
		ip -n "$rs" link set tsit up || fail "sit up in $rs"
		have_sit=1
	fi
done
in_ns director ethtool -K eth1 tx off >/dev/null || fail "ethtool -K eth1 tx off"
log "sit: $have_sit; director eth1: $(in_ns director ethtool -k eth1 |
	grep -E '^(tx-checksumming|tcp-segmentation-offload):' | tr -s '\n\t ' ' ')"

# The TCP answer: "rsN" and the first 8 hex digits of the md5 of the
# $bulk_size bytes the client sent (busybox: quick to start).
bulk_size=393216
cat >"$work/answer.sh" <<-EOF
echo "\$1 \$(busybox head -c $bulk_size | busybox md5sum | busybox cut -c1-8)"
EOF
udp=()
for rs in "${real_servers[@]}"; do
	in_ns "$rs" socat "TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork,backlog=64" \
		"EXEC:busybox sh $work/answer.sh $rs" </dev/null >/dev/null &
	udp+=("$rs,udp=${vip[4]},udp=${vip[6]}")
done
"${python[@]}" "$e2e_dir/_responder.py" "$port" "${udp[@]}" </dev/null >/dev/null ||
	fail "the UDP responders could not listen"
tcp_listening() {
	local rs
	for rs in "${real_servers[@]}"; do
		[ "$(ss -N "$rs" -Hltn "sport = :$port" | wc -l)" = 1 ] || return 1
	done
}
wait_for 30 tcp_listening || fail "the TCP responders do not listen"

head -c $bulk_size /dev/urandom >"$work/bulk"
bulk_md5=$(md5sum <"$work/bulk" | cut -c1-8)

# bulk_requests FAMILY COUNT SOURCE-PORT: COUNT uploads of $work/bulk to the
# VIP, one after the other; prints who answered each ("rsN", "rsN bad" for
# a wrong md5, "-" for none).
bulk_requests() {
	# shellcheck disable=SC2016 # expanded by that bash
	in_ns client bash -c '
		vip=$1 port=$2 sport=$3 count=$4 file=$5 md5=$6
		range=/proc/sys/net/ipv4/ip_local_port_range
		read -r saved <$range
		for ((i = 0; i < count; i++)); do
			echo "$((sport + i)) $((sport + i))" >$range
			who= sum=
			if exec 3<>"/dev/tcp/$vip/$port"; then
				cat "$file" >&3
				read -r -t 60 who sum <&3
				exec 3<&-
			fi
			if [ -z "$who" ]; then
				echo -
			elif [ "$sum" = "$md5" ]; then
				echo "$who"
			else
				echo "$who bad"
			fi
		done
		echo "$saved" >$range' client "${vip[$1]}" "$port" "$3" "$2" \
		"$work/bulk" "$bulk_md5"
}

# The client's path MTU to the VIP of FAMILY ("-" if it learnt none).
client_pmtu() {
	local m
	m=$(in_ns client ip -"$1" route get "${vip[$1]}" |
		grep -o 'mtu [0-9]*' | cut -d' ' -f2)
	echo "${m:--}"
}

# phase NAME SVC-FAMILY RS-FAMILY PMTU OPTIONS-rs1 OPTIONS-rs2 OPTIONS-rs3:
# the services, their listing, a round of uploads and of datagrams, then
# the client's path MTU, which must be PMTU.
phase() {
	local name=$1 sfam=$2 dfam=$3 pmtu=$4 proto rs rules= i w got
	local -a opts=("${@:5}")
	for proto in tcp udp; do
		rules+="-A $(service "$proto" "$sfam") -s rr"$'\n'
		i=0
		for rs in "${real_servers[@]}"; do
			rules+="-a $(service "$proto" "$sfam") -r $(hostport "$dfam" "$(rip "$dfam" "$rs")") -i ${opts[i]}"$'\n'
			i=$((i + 1))
		done
	done
	lb -C || fail "ipvsadm -C"
	lb -R <<<"$rules" || fail "$name: ipvsadm -R"
	# (without the connection counts: ip_vs brings back real servers from
	# its trash, with their connections, for a service made again)
	{
		echo "== $name"
		lb -Ln --tun-info | awk '{ NF = $1 == "->" ? 5 : NF; print }'
		lb -S -n
	} >>"$served"

	mapfile -t answers <<<"$(bulk_requests "$sfam" 3 "$sport")"
	sport=$((sport + 3))
	log "$name tcp: ${answers[*]}"
	for ((i = 0; i < 3; i++)); do
		echo "$name tcp $((i + 1)) ${answers[i]:--}" >>"$served"
	done
	expect_eq "${answers[*]}" "$rr_cycle" "$name: who took the uploads"

	mapfile -t answers <<<"$(client_requests udp "$sfam" 3 "$sport")"
	sport=$((sport + 3))
	log "$name udp: ${answers[*]}"
	for ((i = 0; i < 3; i++)); do
		echo "$name udp $((i + 1)) ${answers[i]:--}" >>"$served"
	done
	expect_eq "${answers[*]}" "$rr_cycle" "$name: who answered the datagrams"

	got=$(client_pmtu "$sfam")
	echo "$name pmtu $got" >>"$served"
	expect_eq "$got" "$pmtu" "$name: the client's path MTU to the VIP"
	log "$name: ok, path MTU $got"
}

gue() { echo "--tun-type gue --tun-port 608${1#rs} ${2:-}"; }

# MTU 1500 less: IPv4 20, IPv6 40; GUE 8 + 4 (+ 8 with the remote
# checksum option); GRE 4 (+ 4 with checksum). rs3 goes first.
phase gre4 4 4 1472 "--tun-type gre" "--tun-type gre --tun-csum" "--tun-type ipip"
if [ $have_sit = 1 ]; then
	phase mixed64 6 4 1468 "--tun-type ipip" "$(gue rs2 --tun-csum)" "--tun-type gre"
else
	phase mixed64 6 4 1472 "--tun-type gre" "--tun-type gre --tun-csum" "--tun-type gre"
fi
phase gue4 4 4 1460 "$(gue rs1 --tun-nocsum)" "$(gue rs2 --tun-csum)" "$(gue rs3 --tun-remcsum)"
phase gre6 6 6 1452 "--tun-type gre" "--tun-type gre --tun-csum" "--tun-type ipip"
phase mixed46 4 6 1448 "--tun-type ipip" "$(gue rs2 --tun-csum)" "--tun-type gre"
phase gue6 6 6 1440 "$(gue rs1 --tun-nocsum)" "$(gue rs2 --tun-csum)" "$(gue rs3 --tun-remcsum)"
log "ok"
