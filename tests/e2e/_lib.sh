# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end scenarios. Sourced by each scenario tests/e2e/[!_]*.sh,
# which run as root inside the VM with:
#   LVS_KERNEL  test or distro
#   LVS_MODDIR  where the modules built for this kernel are
#   LVS_IMPL    lvs (default) or ipvs: what load_balancer loads
#   LVS_OUT     where results go (e2e/<scenario>.<impl>.served)
# A scenario exits 0 when it passed, 77 when it does not apply to this
# kernel (its last line of output says why), anything else when it failed.

set -euo pipefail

e2e_name=$(basename "$0" .sh)

log() {
	echo "[$e2e_name ${SECONDS}s] $*"
}

fail() {
	echo "[$e2e_name] FAIL: $*" >&2
	exit 1
}

skip() {
	echo "[$e2e_name] skipped: $*"
	exit 77
}

# Run on exit, in reverse order of registration; a cleanup whose work a
# scenario already did fails quietly.
cleanups=()
on_exit() {
	cleanups=("$*" "${cleanups[@]}")
}
run_cleanups() {
	local c
	for c in "${cleanups[@]}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
}
trap run_cleanups EXIT

load_lvs() {
	# what lvs.ko needs where it is a module (Debian's kernel): conntrack
	quietly modprobe nf_conntrack || true
	insmod "$LVS_MODDIR/lvs.ko" || fail "insmod lvs.ko"
	on_exit "rmmod lvs"
}

# Poll until a command succeeds: wait_for SECONDS command [args...]
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# Run a command, its output and errors thrown away (for polling).
quietly() {
	"$@" >/dev/null 2>&1
}

# -- the load balancer under test --------------------------------------------
#
# LVS_IMPL picks what a scenario drives: "lvs" (this project, the default) or
# "ipvs" (the kernel's own ip_vs, the reference). A scenario that calls
# load_balancer works with either; tests/vm/guest-check runs it against both
# and compares the real servers each one picked.

lvs_impl=${LVS_IMPL:-lvs}


# Remove modules in the order given, waiting while one is still in use (a
# network namespace on its way out may hold it for a moment).
unload_modules() {
	local m
	for m; do
		grep -q "^$m " /proc/modules || continue
		wait_for 10 quietly rmmod "$m" || log "cannot unload $m"
	done
}

loaded_modules() {
	awk -v prefix="$1" 'index($1, prefix) == 1 { print $1 }' /proc/modules
}

# shellcheck disable=SC2046 # lists of module names
unload_lvs() {
	unload_modules $(loaded_modules lvs_) lvs
}

# shellcheck disable=SC2046
unload_ipvs() {
	unload_modules $(loaded_modules ip_vs_)
	wait_for 10 quietly modprobe -r ip_vs || log "cannot unload ip_vs"
}

# Load the balancer under test. lvs comes from the build, installed in the
# guest by guest-check; ipvsadm asks the kernel for each scheduler by name
# and lvs loads lvs_<name> on demand, as on a director.
load_balancer() {
	case $lvs_impl in
	lvs)
		on_exit unload_lvs
		modprobe lvs || fail "modprobe lvs"
		;;
	ipvs)
		quietly modprobe ip_vs || skip "this kernel has no ip_vs module"
		on_exit unload_ipvs
		;;
	*)
		fail "LVS_IMPL=$lvs_impl: expected lvs or ipvs"
		;;
	esac
	log "load balancer: $lvs_impl"
}

# -- the network ---------------------------------------------------------------
#
# Namespaces client, director, lan, rs1 rs2 rs3. The client and the director
# share a veth link, 10.0.1.0/24 and fd00:1::/64, on which the director holds
# the VIP. lan is a switch: its bridge joins the director and the real
# servers, 10.0.2.0/24 and fd00:2::/64; their default route is the director.
# For DR and TUN the client has a second leg on that switch, 10.0.2.2 and
# fd00:2::2, which the real servers use as their route back to the client,
# so that their answers bypass the director, as in a classic LVS-DR site.

real_servers=(rs1 rs2 rs3)
families=(4 6)
protocols=(tcp udp)
port=80
declare -A vip=([4]=10.0.1.100 [6]=fd00:1::100)

# in_ns NAMESPACE COMMAND...: (nsenter is cheaper than ip netns exec, and
# nothing here needs the namespace's /sys)
in_ns() {
	nsenter --net="/run/netns/$1" "${@:2}"
}

# The real server's own address: rip FAMILY rsN
rip() {
	case $1 in
	4) echo "10.0.2.1${2#rs}" ;;
	6) echo "fd00:2::1${2#rs}" ;;
	esac
}

# ADDRESS:PORT as ipvsadm and socat write it: hostport FAMILY ADDRESS
hostport() {
	case $1 in
	4) echo "$2:$port" ;;
	6) echo "[$2]:$port" ;;
	esac
}

kill_in_ns() {
	local pids
	pids=$(ip netns pids "$1" 2>/dev/null) || return 0
	# shellcheck disable=SC2086 # a list of process ids
	[ -z "$pids" ] || kill $pids 2>/dev/null
	wait_for 5 [ -z "$(ip netns pids "$1" 2>/dev/null)" ]
}

# add_namespace NAME SYSCTL=VALUE...
add_namespace() {
	local ns=$1
	shift
	ip netns add "$ns" || fail "ip netns add $ns"
	on_exit "ip netns del $ns"
	on_exit "kill_in_ns $ns"
	# Addresses usable at once, no reverse-path filter.
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		"$@" || fail "sysctl in $ns"
}

# in_batch NAMESPACE: ip commands from stdin, run in that namespace
in_batch() {
	ip -n "$1" -batch - || fail "ip commands in $1"
}

# make_topology nat|dr|tun: the namespaces, links and addresses, and what
# each real server needs for that forwarding method.
method=
fwd=
make_topology() {
	local rs ports=() rs_sysctls=()
	method=$1
	case $method in
	nat) fwd=-m ;;
	dr) fwd=-g ;;
	tun) fwd=-i ;;
	*) fail "make_topology: unknown method $method" ;;
	esac
	quietly modprobe -a veth bridge ipip ip6_tunnel || true

	# DR and TUN: the real servers hold the VIP and never answer ARP
	# for it.
	[ "$method" = nat ] ||
		rs_sysctls=(net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2)
	# A connect that gets no answer fails after 3 s, not 2 min.
	add_namespace client net.ipv4.tcp_syn_retries=1
	add_namespace director net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
	add_namespace lan
	for rs in "${real_servers[@]}"; do
		add_namespace "$rs" "${rs_sysctls[@]}"
	done
	# Before the namespaces go: flush the table, so that nothing in a
	# dying namespace pins a scheduler module.
	on_exit "in_ns director ipvsadm -C"

	{
		cat <<-EOF
		link add eth0 type veth peer name eth0 netns director
		addr add 10.0.1.2/24 dev eth0
		addr add fd00:1::2/64 dev eth0 nodad
		link set eth0 up
		EOF
		[ "$method" = nat ] || cat <<-EOF
		link add eth1 type veth peer name client netns lan
		addr add 10.0.2.2/24 dev eth1
		addr add fd00:2::2/64 dev eth1 nodad
		link set eth1 up
		EOF
	} | in_batch client
	in_batch director <<-EOF
	addr add 10.0.1.1/24 dev eth0
	addr add ${vip[4]}/32 dev eth0
	addr add fd00:1::1/64 dev eth0 nodad
	addr add ${vip[6]}/128 dev eth0 nodad
	link set eth0 up
	link add eth1 type veth peer name director netns lan
	addr add 10.0.2.1/24 dev eth1
	addr add fd00:2::1/64 dev eth1 nodad
	link set eth1 up
	EOF
	ports=(director "${real_servers[@]}")
	[ "$method" = nat ] || ports+=(client)
	{
		echo "link add br0 type bridge mcast_snooping 0"
		for rs in "${real_servers[@]}"; do
			echo "link add $rs type veth peer name eth0 netns $rs"
		done
		for rs in "${ports[@]}"; do
			echo "link set $rs master br0 up"
		done
		echo "link set br0 up"
	} | in_batch lan
	for rs in "${real_servers[@]}"; do
		{
			cat <<-EOF
			addr add $(rip 4 "$rs")/24 dev eth0
			addr add $(rip 6 "$rs")/64 dev eth0 nodad
			link set eth0 up
			route add default via 10.0.2.1
			route add default via fd00:2::1
			EOF
			[ "$method" = nat ] || cat <<-EOF
			route add 10.0.1.0/24 via 10.0.2.2
			route add fd00:1::/64 via fd00:2::2
			EOF
			case $method in
			dr)
				echo "addr add ${vip[4]}/32 dev lo"
				echo "addr add ${vip[6]}/128 dev lo nodad"
				;;
			tun)
				cat <<-EOF
				link add tun4 type ipip local $(rip 4 "$rs")
				link add tun6 type ip6tnl mode ip6ip6 local $(rip 6 "$rs")
				link set tun4 up
				link set tun6 up
				addr add ${vip[4]}/32 dev tun4
				addr add ${vip[6]}/128 dev tun6 nodad
				EOF
				;;
			esac
		} | in_batch "$rs"
	done
}

# -- the real servers' responders ----------------------------------------------
#
# Each real server answers on port $port, TCP and UDP, IPv4 and IPv6, with its
# name: a TCP connection gets "rsN" at once, then "rsN LINE" for each LINE
# the client sends, until it closes (socat and _responder.sh); a UDP
# datagram gets one datagram "rsN\n" (_udp_responder.py). One socat listens
# for TCP on all addresses, both families; one UDP responder per family, on
# the address the director forwards to (the real server's own for NAT, the
# VIP for DR and TUN), so that its answers leave from that address.

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

responders_listening() {
	local rs
	for rs in "${real_servers[@]}"; do
		[ "$(ss -N "$rs" -Hltun "sport = :$port" | wc -l)" = 3 ] || return 1
	done
}

start_responders() {
	local rs fam addr
	for rs in "${real_servers[@]}"; do
		in_ns "$rs" socat "TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork,backlog=256" \
			"EXEC:busybox sh $e2e_dir/_responder.sh $rs" \
			</dev/null >/dev/null &
		for fam in "${families[@]}"; do
			addr=${vip[$fam]}
			[ "$method" = nat ] && addr=$(rip "$fam" "$rs")
			in_ns "$rs" /usr/bin/python3 "$e2e_dir/_udp_responder.py" \
				"$rs" "$addr" "$port" </dev/null >/dev/null &
		done
	done
	wait_for 90 responders_listening || fail "the responders do not listen"
}

# -- the client ------------------------------------------------------------------

# Each request leaves from a source port of its own, so that none can fall
# into a connection that an earlier one left in the director's table.
sport=40000

# client_requests PROTO FAMILY COUNT SOURCE-PORT: from the client, COUNT TCP
# connections or UDP datagrams to the VIP, one after the other, from
# SOURCE-PORT on; prints who answered each, one line each ("-": nobody).
#
# One bash does them all through /dev/tcp and /dev/udp, for speed: under
# emulation, starting a program costs more than the request. bash cannot
# bind a source port, so the client's range of ephemeral ports is narrowed
# to the one wanted before each connect. A UDP answer, "rsN\n", is read in
# one read of 4 bytes (busybox head) with a time-out (coreutils timeout:
# busybox's leaves a process behind holding the socket for a second).
client_requests() {
	# shellcheck disable=SC2016 # expanded by that bash
	in_ns client bash -c '
		proto=$1 vip=$2 port=$3 sport=$4 count=$5
		range=/proc/sys/net/ipv4/ip_local_port_range
		read -r saved <$range
		for ((i = 0; i < count; i++)); do
			echo "$((sport + i)) $((sport + i))" >$range
			who=
			if exec 3<>"/dev/$proto/$vip/$port"; then
				if [ "$proto" = tcp ]; then
					read -r -t 5 who <&3
				else
					echo ping >&3
					who=$(timeout 5 busybox head -c 4 <&3 3<&-)
				fi
				exec 3<&-
			fi
			echo "${who:--}"
		done
		echo "$saved" >$range' client "$1" "${vip[$2]}" "$port" "$4" "$3"
}

# The file of who served what: one line per request, "ipv4 tcp rr 1 rs3".
served=${LVS_OUT:-/tmp}/e2e/$e2e_name.$lvs_impl.served
mkdir -p "$(dirname "$served")"
rm -f "$served"

# What each service ("tcp 4", ...) and each of its real servers ("tcp 4
# rs1") was sent since the service was made: connections, and for UDP the
# datagrams (one each way per request).
declare -A conns_of=() datagrams_of=()

# tally PROTO FAMILY rsN CONNS DATAGRAMS
tally() {
	local key
	for key in "$1 $2" "$1 $2 $3"; do
		conns_of["$key"]=$((${conns_of["$key"]:-0} + $4))
		datagrams_of["$key"]=$((${datagrams_of["$key"]:-0} + $5))
	done
}

# Who answered each request of the last round, and the last round of each
# service.
answers=()
declare -A last_round=()

# round PROTO FAMILY PHASE COUNT: COUNT requests, one after the other; who
# answered goes to $answers and $served.
round() {
	local proto=$1 fam=$2 phase=$3 count=$4 i
	# (not < <(...): the VM has no /dev/fd)
	mapfile -t answers <<<"$(client_requests "$proto" "$fam" "$count" "$sport")"
	sport=$((sport + count))
	for ((i = 0; i < count; i++)); do
		echo "ipv$fam $proto $phase $((i + 1)) ${answers[i]:--}" >>"$served"
	done
	log "ipv$fam $proto $phase: ${answers[*]}"
	[ ${#answers[@]} = "$count" ] ||
		fail "ipv$fam $proto $phase: ${#answers[@]} answers to $count requests"
	for ((i = 0; i < count; i++)); do
		[ "${answers[i]}" != - ] ||
			fail "ipv$fam $proto $phase: request $((i + 1)) got no answer"
		tally "$proto" "$fam" "${answers[i]}" 1 1
	done
	last_round["$proto $fam"]="${answers[*]}"
}

# -- the director's table ------------------------------------------------------

lb() {
	in_ns director ipvsadm "$@"
}

# The service as ipvsadm names it: service PROTO FAMILY
service() {
	case $1 in
	tcp) echo "-t $(hostport "$2" "${vip[$2]}")" ;;
	udp) echo "-u $(hostport "$2" "${vip[$2]}")" ;;
	esac
}

# on_service PROTO FAMILY COMMAND [ARGS...]: ipvsadm COMMAND on that service
on_service() {
	local opt=-t
	[ "$1" = tcp ] || opt=-u
	lb "$3" "$opt" "$(hostport "$2" "${vip[$2]}")" "${@:4}"
}

# add_services SCHEDULER WEIGHT-OF-rs1 WEIGHT-OF-rs2 WEIGHT-OF-rs3: the four
# services, each with the three real servers, added in that order. The
# commands are ipvsadm's own -A and -a, given in one go to ipvsadm -R.
add_services() {
	local sched=$1 fam proto rs w rules=
	shift
	for fam in "${families[@]}"; do
		for proto in "${protocols[@]}"; do
			rules+="-A $(service "$proto" "$fam") -s $sched"$'\n'
			w=("$@")
			for rs in "${real_servers[@]}"; do
				rules+="-a $(service "$proto" "$fam")"
				rules+=" -r $(hostport "$fam" "$(rip "$fam" "$rs")") $fwd -w ${w[0]}"$'\n'
				w=("${w[@]:1}")
				tally "$proto" "$fam" "$rs" 0 0
			done
		done
	done
	lb -R <<<"$rules" || fail "ipvsadm -R: adding the $sched services"
	log "services: -s $sched, $fwd, weights $*"
}

# set_weight PROTO FAMILY rsN WEIGHT
set_weight() {
	on_service "$1" "$2" -e -r "$(hostport "$2" "$(rip "$2" "$3")")" \
		"$fwd" -w "$4" || fail "ipvsadm -e ipv$2 $1 $3 -w $4"
}

# read_counters: every service's and real server's counters from ipvsadm
# -Ln --stats, "conns inpkts outpkts inbytes outbytes", indexed by
# "TCP 10.0.1.100:80" and "TCP 10.0.1.100:80 10.0.2.11:80".
declare -A counters_of=()
read_counters() {
	local prot addr c i o ib ob key=
	counters_of=()
	while read -r prot addr c i o ib ob _; do
		case $prot in
		TCP|UDP)
			key="$prot $addr"
			counters_of["$key"]="$c $i $o $ib $ob"
			;;
		-\>) counters_of["$key $addr"]="$c $i $o $ib $ob" ;;
		esac
	done <<<"$(lb -Ln --stats --exact)"
}

# counters_agree PROTO FAMILY [rsN]: the counters of the service, or of its
# real server rsN, are what it was sent. Connections: exactly. UDP: exactly
# one datagram in and one out per request, "ping\n" and "rsN\n". TCP: at
# least SYN, ACK, FIN in, and SYN-ACK, data (4 bytes or more) out. Packets
# out count only where they pass the director: NAT. Sets $why if not.
why=
counters_agree() {
	local proto=$1 fam=$2 hdr=20 key c n d
	[ "$fam" = 4 ] || hdr=40
	if [ "$proto" = tcp ]; then hdr=$((hdr + 20)); else hdr=$((hdr + 8)); fi
	n=${conns_of["$*"]} d=${datagrams_of["$*"]}
	key="${proto^^} $(hostport "$fam" "${vip[$fam]}")"
	[ $# -lt 3 ] || key+=" $(hostport "$fam" "$(rip "$fam" "$3")")"
	read -r -a c <<<"${counters_of["$key"]:-}"
	why="ipv$fam $proto ${3:-service}: counters '${c[*]:-none}'"
	why+=" (conns inpkts outpkts inbytes outbytes) after $n connections"
	[ ${#c[@]} = 5 ] && [ "${c[0]}" = "$n" ] || return 1
	if [ "$proto" = udp ]; then
		why+=", $d datagrams each way"
		[ "${c[1]}" = "$d" ] && [ "${c[3]}" = $((d * (hdr + 5))) ] || return 1
		if [ "$method" = nat ]; then
			[ "${c[2]}" = "$d" ] && [ "${c[4]}" = $((d * (hdr + 4))) ]
		else
			[ "${c[2]}" = 0 ] && [ "${c[4]}" = 0 ]
		fi
		return
	fi
	[ "${c[1]}" -ge $((3 * n)) ] && [ "${c[3]}" -ge $((c[1] * hdr)) ] || return 1
	if [ "$method" = nat ]; then
		[ "${c[2]}" -ge $((2 * n)) ] && [ "${c[4]}" -ge $((c[2] * hdr + 4 * n)) ]
	else
		[ "${c[2]}" = 0 ] && [ "${c[4]}" = 0 ]
	fi
}

# Every service's counters, and each of its real servers', agree with what
# it was sent.
all_counters_agree() {
	local key
	read_counters
	for key in "${!conns_of[@]}"; do
		# shellcheck disable=SC2086 # "tcp 4 rs1": three words
		counters_agree $key || return 1
	done
}

# ip_vs publishes its counters from an estimator that runs every 2 s: poll.
#
# This also makes sure that all of a service's traffic has reached its
# counters before the service is deleted: ip_vs zeroes the counters of a
# real server it brings back from its trash (one still referenced by
# connections, added again to a new service) by remembering their current
# values, and traffic not yet folded in by the estimator then shows up on
# the new service.
expect_counters() {
	wait_for 10 all_counters_agree || fail "$why"
	log "counters: ok"
}

# service_rates PROTO FAMILY: "cps inpps outpps inbps outbps" of the
# service, from ipvsadm -Ln --rate.
service_rates() {
	on_service "$1" "$2" -Ln --rate --exact |
		awk '$1 == "TCP" || $1 == "UDP" { print $3, $4, $5, $6, $7 }'
}

# The rate estimator runs every 2 s: within a few seconds of a round the
# service shows bytes per second coming in (a round under emulation can be
# too slow for a whole packet per second).
rates_show_traffic() {
	local r
	read -r -a r <<<"$(service_rates "$1" "$2")"
	why="ipv$2 $1 rates '${r[*]:-none}' (cps inpps outpps inbps outbps)"
	[ "${r[3]:-0}" -gt 0 ]
}

expect_rates() {
	wait_for 10 rates_show_traffic "$1" "$2" || fail "$why"
	log "rates: $(service_rates "$1" "$2")"
}

# expect_shared_without rsN: the last round never went to rsN and took the
# other two in turn.
expect_shared_without() {
	local i
	for ((i = 0; i < ${#answers[@]}; i++)); do
		[ "${answers[i]}" != "$1" ] ||
			fail "request $((i + 1)) went to $1: ${answers[*]}"
		[ $i = 0 ] || [ "${answers[i]}" != "${answers[i - 1]}" ] ||
			fail "the other real servers do not take turns: ${answers[*]}"
	done
}

# -- the checks ------------------------------------------------------------------
#
# Each runs on four services: TCP and UDP, IPv4 and IPv6, port $port of the
# VIP, the three real servers behind each.

# each_service FUNCTION [ARGS...]: FUNCTION PROTO FAMILY [ARGS...] for each
each_service() {
	local fam proto
	for fam in "${families[@]}"; do
		for proto in "${protocols[@]}"; do
			"$1" "$proto" "$fam" "${@:2}"
		done
	done
}

# What ip_vs (Debian's 6.1) does. A service keeps its real servers newest
# first and the schedulers walk them in that order: with rs1, rs2, rs3 added
# in turn, rr serves rs3 first. wrr with weights 3, 2, 1 begins with a pass
# that takes every real server (adding them one by one left its current
# weight at 1), then passes at current weight 3, 2, 1 and around again:
# rs3 rs2 rs1 | rs1 | rs2 rs1 | rs3 rs2 rs1 | rs1 | ..., a cycle of six.
rr_cycle="rs3 rs2 rs1"
wrr_cycle="rs3 rs2 rs1 rs1 rs2 rs1"

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

# A held connection: for TCP, one kept open; for UDP, a source port used
# again (its entry in the director's table lives on).
hold() {
	local proto=$1 fam=$2
	held_by=
	if [ "$proto" = tcp ]; then
		coproc HELD { in_ns client socat -T 30 STDIO \
			"TCP$fam:$(hostport "$fam" "${vip[$fam]}"),sourceport=$sport"; }
		sport=$((sport + 1))
		# shellcheck disable=SC2153 # HELD_PID: from coproc
		held_pid=$HELD_PID held_in=${HELD[1]} held_out=${HELD[0]}
		read -r -t 5 held_by <&"$held_out" || true
	else
		held_port=$sport
		sport=$((sport + 1))
		held_by=$(client_requests udp "$fam" 1 "$held_port")
	fi
	echo "ipv$fam $proto held 1 ${held_by:--}" >>"$served"
	if [ -z "$held_by" ] || [ "$held_by" = - ]; then
		fail "ipv$fam $proto: the held connection got no answer"
	fi
	tally "$proto" "$fam" "$held_by" 1 1
}

use_held() {
	local proto=$1 fam=$2 reply=
	if [ "$proto" = tcp ]; then
		# (were the connection gone, no SIGPIPE: a missing answer says it)
		trap '' PIPE
		{ echo ping >&"$held_in"; } 2>/dev/null || true
		trap - PIPE
		read -r -t 5 reply <&"$held_out" || true
		exec {held_in}>&-
		wait "$held_pid" || true
		reply=${reply% ping}
	else
		reply=$(client_requests udp "$fam" 1 "$held_port")
		tally "$proto" "$fam" "$held_by" 0 1
	fi
	echo "ipv$fam $proto held 2 ${reply:--}" >>"$served"
	expect_eq "$reply" "$held_by" "ipv$fam $proto: who answers the held connection"
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
	each_service wrr_round
	expect_counters
	log "wrr: ok"
}
