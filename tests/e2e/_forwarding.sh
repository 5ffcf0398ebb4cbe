# SPDX-License-Identifier: GPL-2.0
#
# The scheduling checks every forwarding method runs (nat.sh, dr.sh, tun.sh):
# rr and wrr orders as ip_vs gives them, weight 0 and removal of a real
# server. Sourced by those scenarios after _lib.sh.

rr_round() {
	round "$1" "$2" rr 6
	expect_eq "${answers[*]}" "$rr_cycle $rr_cycle" "ipv$2 $1 rr order"
}

# rr over three real servers of weight 1: each request goes to the next one.
check_rr() {
	add_services rr 1 1 1
	each_service rr_round
	expect_rates udp 6
	expect_counters
	log "rr: ok"
}

quiesce() {
	local proto=$1 fam=$2
	hold "$proto" "$fam"
	set_weight "$proto" "$fam" "$held_by" 0
	round "$proto" "$fam" quiesced 4
	expect_shared_without "$held_by"
	use_held "$proto" "$fam"
	set_weight "$proto" "$fam" "$held_by" 1
}

# Weight 0 takes a real server out of scheduling; what it already serves
# goes on. Per service: hold a connection, set its real server to weight 0;
# four new requests go to the other two in turn, and the held connection
# still gets its answers from the same real server. Then weight 1 again.
check_quiesce() {
	each_service quiesce
	log "weight 0: ok"
}

remove() {
	local proto=$1 fam=$2 gone addr last
	read -r -a last <<<"${last_round["$proto $fam"]}"
	gone=${last[-1]}
	addr=$(hostport "$fam" "$(rip "$fam" "$gone")")
	on_service "$proto" "$fam" -d -r "$addr" ||
		fail "ipvsadm -d ipv$fam $proto $gone"
	unset "conns_of[$proto $fam $gone]" "datagrams_of[$proto $fam $gone]"
	on_service "$proto" "$fam" -Ln | awk -v a="$addr" '$2 == a { exit 1 }' ||
		fail "ipv$fam $proto: $gone is still listed after ipvsadm -d"
	round "$proto" "$fam" removed 4
	expect_shared_without "$gone"
}

# Removing a real server (ipvsadm -d) leaves the service working: the other
# two take the new requests in turn. The one removed is the one that rr
# served last, where its cursor stands. The counters then cover this and
# the weight 0 check.
check_remove() {
	each_service remove
	expect_counters
	log "remove: ok"
}

wrr_round() {
	round "$1" "$2" wrr 12
	expect_eq "${answers[*]}" "$wrr_cycle $wrr_cycle" "ipv$2 $1 wrr order"
}

# wrr with weights 3, 2, 1 on new services: two cycles of six, in the order
# ip_vs gives.
check_wrr() {
	lb -C || fail "ipvsadm -C"
	conns_of=() datagrams_of=()
	add_services wrr 3 2 1
	# The real servers come back from the trash (connections still hold
	# them) with their counters zeroed; ip_vs zeroes against what its
	# estimator last folded in (every 2 s), and the estimator of a real
	# server it removed stopped before folding its last traffic in: the
	# counts start at a -Z made once that estimator ran again.
	[ "$lvs_impl" != ipvs ] || sleep 3
	lb -Z || fail "ipvsadm -Z"
	each_service wrr_round
	expect_counters
	log "wrr: ok"
}
