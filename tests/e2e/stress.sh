#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Two CPUs racing on the connection table while the configuration churns.
#
# Topology: tests/e2e/_lib.sh's NAT site, four services (TCP and UDP, IPv4
# and IPv6) of three real servers each. $LVS_STRESS_SENDERS senders
# (_stress_traffic.py, seeded), spread over the CPUs so that the
# director's hooks run on all of them at once, open new flows as fast as
# they can, each from a new source port, for $LVS_STRESS_SECONDS seconds
# (60 by default; `make stress` runs it for half an hour). Meanwhile
# one loop, drawing from bash's RANDOM seeded with $LVS_STRESS_SEED, does
# one of these at a time:
#   - switch a service's scheduler, or make it persistent, or not;
#   - remove, add back or re-weight a real server;
#   - flip a sysctl: expire_nodest_conn, conn_reuse_mode, drop_entry (with
#     amemthresh high enough to make it act), expire_quiescent_template,
#     sloppy_tcp, conntrack; or the timeouts (short, so that timers end
#     connections all along);
#   - save, flush and restore the whole table (ipvsadm -S, -C, -R);
#   - make a namespace with services and connections of its own and delete
#     it at once, connections live;
#   - try to remove a scheduler module a service uses (must be refused).
# Halfway, with traffic still flowing, the table is saved and flushed and
# lvs removed (rmmod, which must succeed), then loaded and the table
# restored.
#
# At the end, traffic stopped: every listed real server's ActiveConn plus
# InActConn equals the connections ipvsadm -Lnc lists for it (templates
# aside); after ipvsadm -C with expire_nodest_conn=1 the list empties; and
# lvs unloads (a connection counted but never destroyed would hang the
# namespace exits forever). The harness fails the run on any KASAN,
# lockdep or kmemleak report.
#
# lvs only; it needs two CPUs (tests/check gives it a guest with two on
# the debug kernel: the line below), and skips with one.
# lvs-check: smp
. "$(dirname "$0")/_lib.sh"

seconds=${LVS_STRESS_SECONDS:-60}
seed=${LVS_STRESS_SEED:-1}
senders=${LVS_STRESS_SENDERS:-4}
cpus=$(nproc)
[ "$cpus" -ge 2 ] || skip "needs 2 CPUs to race, this guest has $cpus"
RANDOM=$seed
log "seed $seed, $seconds s, $senders senders, $cpus CPUs"

on_exit unload_lvs
modprobe lvs || fail "modprobe lvs"
make_topology nat
start_responders

# A veth delivers a packet on the CPU that sent it: the senders are
# spread over the CPUs, one each in turn. With receive packet steering in
# the kernel, the director's links spread what arrives over every CPU too.
rps=$(printf %x $(((1 << cpus) - 1)))
for dev in eth0 eth1; do
	ip netns exec director sh -c \
		"echo $rps >/sys/class/net/$dev/queues/rx-0/rps_cpus" 2>/dev/null ||
		{ log "no RPS in this kernel: the senders' CPUs alone"; break; }
done

# shellcheck disable=SC2034 # used through pick
scheds=(rr wrr lc wlc sed nq sh mh dh lblc lblcr fo ovf twos)
# shellcheck disable=SC2034
svcs=("tcp 4" "udp 4" "tcp 6" "udp 6")

vs_sysctl() {
	in_ns director sysctl -qw "net.ipv4.vs.$1=$2" || fail "sysctl vs.$1=$2"
}

# short timeouts (TCP, TCP after FIN, UDP), so that timers end
# connections while everything else goes on
short_timeouts() {
	lb --set "$1" "$2" "$3" || fail "ipvsadm --set $*"
}

# pick LIST: one of its elements, in $picked (no subshell: RANDOM must
# advance here for the seed to decide the run)
picked=
pick() {
	local -n list=$1
	picked=${list[RANDOM % ${#list[@]}]}
}

# A service's scheduler module cannot be removed while the service uses it.
check_sched_pinned() {
	local s
	pick svcs
	read -r -a s <<<"$picked"
	on_service "${s[@]}" -E -s wlc || fail "ipvsadm -E -s wlc"
	if rmmod lvs_wlc 2>/dev/null; then
		fail "rmmod lvs_wlc succeeded while ipv${s[1]} ${s[0]} uses wlc"
	fi
	on_service "${s[@]}" -Ln | grep -q " wlc" ||
		fail "ipv${s[1]} ${s[0]} lost its scheduler: $(on_service "${s[@]}" -Ln)"
}

# A namespace of its own, with a NAT service whose real servers are
# behind a dummy link (nothing answers); its client opens a few flows and
# the namespace goes with its services and connections.
eph_count=0
eph_conns=0
ephemeral_namespace() {
	local n=$((++eph_count))
	local cns=stressc$n dns=stressd$n
	ip netns add "$cns" || fail "ip netns add $cns"
	ip netns add "$dns" || fail "ip netns add $dns"
	on_exit "ip netns del $cns"
	on_exit "ip netns del $dns"
	in_batch "$cns" <<-EOF
	link add eth0 type veth peer name eth0 netns $dns
	addr add 10.9.0.2/24 dev eth0
	link set eth0 up
	EOF
	in_batch "$dns" <<-EOF
	addr add 10.9.0.1/24 dev eth0
	addr add 10.9.0.100/32 dev eth0
	link set eth0 up
	link add dum0 type dummy
	addr add 10.9.1.1/24 dev dum0
	link set dum0 up
	EOF
	in_ns "$dns" sysctl -qw net.ipv4.ip_forward=1 || fail "forwarding in $dns"
	in_ns "$dns" ipvsadm -R <<-EOF || fail "ipvsadm -R in $dns"
	-A -u 10.9.0.100:53 -s rr
	-a -u 10.9.0.100:53 -r 10.9.1.10:53 -m
	-a -u 10.9.0.100:53 -r 10.9.1.11:53 -m
	-A -t 10.9.0.100:80 -s wlc -p 30
	-a -t 10.9.0.100:80 -r 10.9.1.10:80 -m
	EOF
	# shellcheck disable=SC2016 # expanded by that bash
	in_ns "$cns" bash -c '
		for ((i = 0; i < 16; i++)); do
			echo x >/dev/udp/10.9.0.100/53
		done
		for ((i = 0; i < 3; i++)); do
			timeout 2 bash -c "exec 3<>/dev/tcp/10.9.0.100/80" &
		done' 2>/dev/null
	eph_conns=$((eph_conns + $(in_ns "$dns" ipvsadm -Lnc | awk 'NR > 2' | wc -l)))
	ip netns del "$cns" || fail "ip netns del $cns"
	ip netns del "$dns" || fail "ip netns del $dns"
}

# Save, remove lvs with traffic flowing, load it again, restore.
reload_lvs() {
	local saved
	saved=$(lb -Sn) || fail "ipvsadm -S"
	lb -C || fail "ipvsadm -C before rmmod"
	unload_lvs
	grep -q "^lvs " /proc/modules && fail "rmmod lvs failed with traffic flowing"
	modprobe lvs || fail "modprobe lvs again"
	lb -R <<<"$saved" || fail "ipvsadm -R after modprobe"
	short_timeouts 5 3 5
	log "lvs removed and loaded again, traffic flowing"
}

declare -A did=()
churn_once() {
	local s rs addr what saved
	pick svcs
	read -r -a s <<<"$picked"
	pick real_servers
	rs=$picked
	addr=$(hostport "${s[1]}" "$(rip "${s[1]}" "$rs")")
	pick scheds
	case $((RANDOM % 16)) in
	0|1)
		what=sched
		on_service "${s[@]}" -E -s "$picked" || fail "ipvsadm -E -s"
		;;
	2)
		what=persist
		on_service "${s[@]}" -E -s "$picked" -p $((RANDOM % 10 + 1)) ||
			fail "ipvsadm -E -p"
		;;
	3|4)
		what=del-rs
		on_service "${s[@]}" -d -r "$addr" 2>/dev/null || true
		;;
	5|6)
		what=add-rs
		on_service "${s[@]}" -a -r "$addr" -m -w $((RANDOM % 3 + 1)) \
			2>/dev/null || true
		;;
	7)
		what=weight
		on_service "${s[@]}" -e -r "$addr" -m -w $((RANDOM % 4)) \
			2>/dev/null || true
		;;
	8)
		what=sysctl
		case $((RANDOM % 6)) in
		0) vs_sysctl expire_nodest_conn $((RANDOM % 2)) ;;
		1) vs_sysctl conn_reuse_mode $((RANDOM % 3)) ;;
		2)
			# amemthresh far above the memory there is: drop_entry
			# (1, automatic) acts at its next check
			vs_sysctl amemthresh $(((RANDOM % 2) ? 1024 : 100000000))
			vs_sysctl drop_entry $((RANDOM % 3))
			;;
		3) vs_sysctl expire_quiescent_template $((RANDOM % 2)) ;;
		4) vs_sysctl sloppy_tcp $((RANDOM % 2)) ;;
		5) vs_sysctl conntrack $((RANDOM % 2)) ;;
		esac
		;;
	9)
		what=timeouts
		if ((RANDOM % 2)); then short_timeouts 2 1 1; else short_timeouts 5 3 5; fi
		;;
	10|11)
		what=flush-restore
		saved=$(lb -Sn) || fail "ipvsadm -S"
		lb -C || fail "ipvsadm -C"
		lb -R <<<"$saved" || fail "ipvsadm -R"
		;;
	12)
		what=netns
		ephemeral_namespace
		;;
	13)
		what=pinned
		check_sched_pinned
		;;
	*)
		what=idle
		sleep 0.2
		;;
	esac
	did[$what]=$((${did[$what]:-0} + 1))
}

add_services rr 1 1 1
short_timeouts 5 3 5
check_sched_pinned

out=$LVS_OUT/e2e
pids=()
for ((i = 0; i < senders; i++)); do
	in_ns client taskset -c $((i % cpus)) \
		"${python[@]}" "$e2e_dir/_stress_traffic.py" $((seed * 100 + i)) \
		"$seconds" "$port" "${vip[4]}" "${vip[6]}" \
		>"$out/stress.sender$i" 2>&1 &
	pids+=($!)
done

start=$SECONDS
end=$((start + seconds))
reloaded=
max_conns=0
while [ $SECONDS -lt $end ]; do
	churn_once
	if [ -z "$reloaded" ] && [ $SECONDS -ge $((start + seconds / 2)) ]; then
		reload_lvs
		reloaded=1
	fi
	n=$(lb -Lnc | awk 'NR > 2' | wc -l)
	[ "$n" -le "$max_conns" ] || max_conns=$n
done
for pid in "${pids[@]}"; do
	wait "$pid" || fail "a sender failed: $(cat "$out"/stress.sender*)"
done
# A race needs traffic: senders that got no answer at all did not race
# anything (a guest starved of CPU by other guests).
answered=$(awk '{ n += $4 } END { print n + 0 }' "$out"/stress.sender*)
[ "$answered" -gt 0 ] ||
	fail "the senders got no answer while the configuration churned: $(cat "$out"/stress.sender* | tr '\n' ' ')"
# a last burst with long timeouts, so that the checks below have
# connections to count
short_timeouts 900 120 300
in_ns client "${python[@]}" "$e2e_dir/_stress_traffic.py" "$seed" 5 "$port" \
	"${vip[4]}" "${vip[6]}" >"$out/stress.last" 2>&1 || fail "the last burst"
ops=
for what in "${!did[@]}"; do
	ops+=" $what=${did[$what]}"
done
log "churn:$ops"
log "senders: $(cat "$out"/stress.sender* | tr '\n' ' '), last burst: $(cat "$out/stress.last")"
log "namespaces deleted live: $eph_count, with $eph_conns connections"
log "most connections listed at once: $max_conns"

# Every real server listed: "protocol service real-server active+inactive".
listed_counts() {
	lb -Ln | awk '
		$1 == "TCP" || $1 == "UDP" { svc = $1 " " $2 }
		$1 == "->" && $2 != "RemoteAddress:Port" { print svc, $2, $5 + $6 }'
}

# The connections ipvsadm -Lnc lists per "protocol service real-server", templates
# (client port 0) aside.
declare -A conns_listed=()
list_conns() {
	local proto svc rs n
	conns_listed=()
	while read -r n proto svc rs; do
		[ -n "$n" ] && conns_listed["$proto $svc $rs"]=$n
	done <<<"$(lb -Lnc | awk 'NR > 2 && $4 !~ /:0$/ { print $1, $5, $6 }' |
		sort | uniq -c)"
}

counts_agree() {
	local proto svc rs n
	list_conns
	why=
	while read -r proto svc rs n; do
		[ -n "$svc" ] || continue
		[ "${conns_listed["$proto $svc $rs"]:-0}" = "$n" ] ||
			why+=" $proto $svc $rs: counted $n, listed ${conns_listed["$proto $svc $rs"]:-0};"
	done <<<"$(listed_counts)"
	[ -z "$why" ]
}

# Entries the table still lists (for the flush check).
listed_none() {
	left=$(lb -Lnc | awk 'NR > 2' | wc -l)
	[ "$left" = 0 ]
}

wait_for 20 counts_agree || fail "counters disagree with the connection list:$why"
log "counters agree with $(lb -Lnc | awk 'NR > 2' | wc -l) connections listed"

vs_sysctl expire_nodest_conn 1
lb -C || fail "ipvsadm -C"
wait_for 30 listed_none ||
	fail "$left connections still listed after ipvsadm -C:$(lb -Lnc | awk 'NR > 2 { printf " %s", $0 }')"
log "flushed: no connection left"

# A connection counted but never destroyed would hang this for ever.
unload_lvs &
unload=$!
wait_for 60 [ ! -d /sys/module/lvs ] ||
	fail "lvs does not unload: a namespace waits for its connections"
wait "$unload" || true
log "ok"
