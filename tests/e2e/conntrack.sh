#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# net.ipv4.vs.conntrack, which kube-proxy sets to 1. The director filters
# with nftables rules that depend on conntrack: input and forward drop
# everything but "ct state established,related", ICMP, new connections to
# the VIP and (so that conntrack=0 works too) packets from the real
# servers' port, each rule counting what it accepts. NAT, then DR, TCP and
# UDP, IPv4 and IPv6, rr over three real servers:
#
# - conntrack=1: the director's conntrack table (conntrack -L) holds an
#   entry client -> VIP for each connection, whose reply tuple comes from
#   the real server that answered (NAT) or from the VIP (DR: the answers
#   bypass the director); the real servers' NAT answers pass the forward
#   chain as established, none as new; the entry of a UDP connection goes
#   when its lvs connection expires (UDP timeout 8 s, conntrack's own 30 s).
#   With a masquerade rule towards the real servers (as kube-proxy may
#   add), the reply tuple points from the real server to the director and
#   the answers, de-masqueraded by conntrack, still reach the client.
#   With expire_nodest_conn=1, removing the real server of a connection
#   takes the connection and its entry away at once, and the next datagram
#   from the same port gets a new connection and entry.
# - conntrack=0: no entry for the balanced traffic; the NAT answers reach
#   the forward chain as new connections.
#
# Who answered each request and what the table showed for it go to the
# served file, compared between ip_vs and lvs.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +-------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1    eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11   |
#  | fd00:1::2 |     | fd00:1::1       |     |       |     | fd00:2::11  |
#  |           |     | VIP 10.0.1.100  |     |       |     | (DR: lo VIP)|
#  |           |     |  fd00:1::100    |     |       |     +-------------+
#  |           |     |       10.0.2.1  |     |       +-----+ rs2  .12 ::12|
#  |           |     |      fd00:2::1  |     |       |     +-------------+
#  |           |     | nftables, ct    |     |       +-----+ rs3  .13 ::13|
#  |           |     +-----------------+     |       |     +-------------+
#  |      eth1 +-----------------------------+       |
#  | 10.0.2.2  |  (DR only: the real servers'|       |
#  | fd00:2::2 |   route back to the client) +-------+
#  +-----------+
#
#   The NAT topology (nat.sh) is built, tested and torn down, then the DR
#   one (dr.sh).
. "$(dirname "$0")/_lib.sh"

command -v conntrack >/dev/null || skip "no conntrack tool (tests/vm/deps)"

nft_rules() {
	cat <<-EOF
	table inet lvs_ct {
		counter est_in { }
		counter est_fwd { }
		counter new_vip { }
		counter new_rs { }
		chain input {
			type filter hook input priority filter; policy drop;
			ct state established,related counter name est_in accept
			meta l4proto { icmp, ipv6-icmp } accept
			ip daddr ${vip[4]} th dport $port counter name new_vip accept
			ip6 daddr ${vip[6]} th dport $port counter name new_vip accept
		}
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state established,related counter name est_fwd accept
			meta l4proto { icmp, ipv6-icmp } accept
			ip saddr 10.0.2.0/24 th sport $port counter name new_rs accept
			ip6 saddr fd00:2::/64 th sport $port counter name new_rs accept
		}
	}
	EOF
}

# The director's address on the real servers' side.
declare -A director_lan=([4]=10.0.2.1 [6]=fd00:2::1)

# NAT in POSTROUTING: what the real servers see comes from the director.
nft_masq='table inet lvs_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "eth1" masquerade
	}
}'

# packets COUNTER: what the director's counter COUNTER accepted so far
packets() {
	in_ns director nft list counter inet lvs_ct "$1" |
		awk '$1 == "packets" { print $2 }'
}

# The director's conntrack table, one line per entry: "PROTO CLIENT-PORT
# ORIG-DST REPLY-SRC REPLY-DST", the client's port being the original
# tuple's port that is not $port. An entry the director made itself for
# an answer of a real server (no reply tuple pointed at it) has the
# client as ORIG-DST.
declare -A entry_of=()
read_conntrack() {
	local proto p odst rsrc rdst
	entry_of=()
	while read -r proto p odst rsrc rdst; do
		[ -n "$proto" ] && [ -z "${entry_of["$proto $p"]:-}" ] &&
			entry_of["$proto $p"]="$odst $rsrc $rdst"
	done <<<"$({ in_ns director conntrack -L -f ipv4 2>/dev/null
		   in_ns director conntrack -L -f ipv6 2>/dev/null; } |
		awk '$1 == "tcp" || $1 == "udp" {
			n = 0
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "src")
					src[++n] = kv[2]
				else if (kv[1] == "dst")
					dst[n] = kv[2]
				else if ((kv[1] == "sport" || kv[1] == "dport") &&
					 n == 1 && kv[2] != "'"$port"'")
					p = kv[2]
			}
			print $1, p, dst[1], src[2], dst[2]
		}')"
}

# What the table shows for the client port P of PROTO over FAMILY: the
# real server its reply tuple points at ("rsN masqueraded" if to the
# director's address on the real servers' side), "vip", "none", or
# "other: ...".
ct_reply() {
	local fam=$1 proto=$2 p=$3 e odst rsrc rdst rs masq=
	e=${entry_of["$proto $p"]:-}
	if [ -z "$e" ]; then
		echo none
		return
	fi
	read -r odst rsrc rdst <<<"$e"
	[ "$rdst" != "${director_lan[$fam]}" ] || masq=" masqueraded"
	if [ "$odst" != "${vip[$fam]}" ]; then
		echo "other: dst $odst reply from $rsrc"
		return
	fi
	[ "$rsrc" != "${vip[$fam]}" ] || { echo vip; return; }
	for rs in "${real_servers[@]}"; do
		[ "$rsrc" != "$(rip "$fam" "$rs")" ] || { echo "$rs$masq"; return; }
	done
	echo "other: reply from $rsrc"
}

# ct_round PROTO FAMILY: three requests, then what conntrack shows for each
# ($mode: the method and the sysctl, e.g. nat-ct1).
first_udp_port=()
ct_round() {
	local proto=$1 fam=$2 from=$sport i want got
	round "$proto" "$fam" "$mode" 3
	read_conntrack
	for ((i = 0; i < 3; i++)); do
		got=$(ct_reply "$fam" "$proto" $((from + i)))
		echo "ipv$fam $proto $mode $((i + 1)) conntrack $got" >>"$served"
		case $mode in
		nat-ct1) want=${answers[i]} ;;
		nat-masq) want="${answers[i]} masqueraded" ;;
		dr-ct1) want=vip ;;
		*) want=none ;;
		esac
		expect_eq "$got" "$want" \
			"ipv$fam $proto $mode request $((i + 1)): conntrack entry"
	done
	[ "$proto" = tcp ] || first_udp_port+=("$fam $from")
}

# The UDP connections' entries of the last phase are gone.
udp_entries_gone() {
	local e fam from i
	read_conntrack
	for e in "${first_udp_port[@]}"; do
		read -r fam from <<<"$e"
		for ((i = 0; i < 3; i++)); do
			[ "$(ct_reply "$fam" udp $((from + i)))" = none ] || return 1
		done
	done
}

# phase METHOD CONNTRACK [masq]: the services over METHOD's topology;
# requests with the sysctl at CONNTRACK (and masquerading, as kube-proxy
# may add, towards the real servers).
phase() {
	local est new
	mode=$1-${3:-ct$2}
	first_udp_port=()
	in_ns director sysctl -qw net.ipv4.vs.conntrack="$2" ||
		fail "sysctl net.ipv4.vs.conntrack=$2"
	est=$(packets est_fwd) new=$(packets new_rs)
	each_service ct_round
	est=$(($(packets est_fwd) - est)) new=$(($(packets new_rs) - new))
	log "$mode: forward chain: $est established, $new new from the real servers"
	[ "$1" = nat ] || return 0
	echo "$mode forward established $([ "$est" -gt 0 ] && echo yes || echo no)" \
		"new-from-rs $([ "$new" -gt 0 ] && echo yes || echo no)" >>"$served"
	if [ "$2" = 1 ]; then
		[ "$est" -gt 0 ] && [ "$new" = 0 ] ||
			fail "$mode: the answers were not all established"
	else
		[ "$new" -gt 0 ] || fail "$mode: the answers were tracked"
	fi
}

# udp_once FAMILY SOURCE-PORT: one datagram from the client to the VIP;
# prints who answered within 2 s, "-" if nobody did.
udp_once() {
	in_ns client "${python[@]}" - "$1" "${vip[$1]}" "$port" "$2" <<-'EOF'
	import socket, sys
	fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.bind(("", int(sys.argv[4])))
	s.settimeout(2)
	s.sendto(b"ping\n", (sys.argv[2], int(sys.argv[3])))
	try:
	    print(s.recv(64).decode().strip())
	except socket.timeout:
	    print("-")
	EOF
}

no_entry() {
	read_conntrack
	[ "$(ct_reply 4 udp "$1")" = none ]
}

# conntrack=1 and expire_nodest_conn=1, IPv4 UDP: once the real server of
# a connection is removed, the connection and its conntrack entry (whose
# reply tuple points at that real server) go without waiting for a packet
# (ip_vs since 5.9 flushes them from a work queue, lvs alike); the
# client's next datagram from the same port makes a new connection and a
# new entry, with another real server.
check_nodest() {
	local p=$sport first after
	sport=$((sport + 1))
	in_ns director sysctl -qw net.ipv4.vs.conntrack=1 \
		net.ipv4.vs.expire_nodest_conn=1 || fail "sysctl"
	first=$(udp_once 4 "$p")
	read_conntrack
	expect_eq "$(ct_reply 4 udp "$p")" "$first" "nodest: conntrack entry"
	on_service udp 4 -d -r "$(hostport 4 "$(rip 4 "$first")")" ||
		fail "ipvsadm -d $first"
	wait_for 10 no_entry "$p" || fail "nodest: the entry stays"
	after=$(udp_once 4 "$p")
	read_conntrack
	log "nodest: $first, removed, then $after"
	[ "$after" != - ] && [ "$after" != "$first" ] ||
		fail "nodest: the next datagram got '$after'"
	expect_eq "$(ct_reply 4 udp "$p")" "$after" "nodest: the new entry"
}

# One topology: conntrack=1, then conntrack=0, by which time the UDP
# connections of the first have expired (UDP timeout 8 s) and their entries
# are gone, long before conntrack's own timeout (30 s) would take them.
method_checks() {
	local -a ct1_udp
	load_balancer
	make_topology "$1"
	in_ns director nft -f - <<<"$(nft_rules)" || fail "nft ruleset"
	start_responders
	add_services rr 1 1 1
	lb --set 0 0 8 || fail "ipvsadm --set 0 0 8"
	phase "$1" 1
	ct1_udp=("${first_udp_port[@]}")
	if [ "$1" = nat ]; then
		in_ns director nft -f - <<<"$nft_masq" || fail "nft masquerade"
		phase nat 1 masq
		in_ns director nft delete table inet lvs_nat
	fi
	phase "$1" 0
	first_udp_port=("${ct1_udp[@]}")
	wait_for 15 udp_entries_gone ||
		fail "$1: UDP entries still there after their connections expired"
	echo "$1-ct1 udp entries gone after expiry" >>"$served"
	log "$1-ct1: the UDP entries went with their connections"
	[ "$1" != nat ] || check_nodest
}

# Each topology in a subshell that tears it down when it ends.
(trap run_cleanups EXIT; method_checks nat)
(trap run_cleanups EXIT; method_checks dr)
log "ok"
