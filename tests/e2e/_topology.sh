# SPDX-License-Identifier: GPL-2.0
#
# The test network: namespaces and links, the real servers' responders, and
# the virtual services on the director (ipvsadm).
# Sourced by _lib.sh (scenarios source _lib.sh alone).

# -- the network ---------------------------------------------------------------
#
# Namespaces client, director, lan, rs1 rs2 rs3. The client and the director
# share a veth link, 10.0.1.0/24 and fd00:1::/64, on which the director holds
# the VIP. lan is a switch: its bridge joins the director and the real
# servers, 10.0.2.0/24 and fd00:2::/64; their default route is the director.
# For DR and TUN the client has a second leg on that switch, 10.0.2.2 and
# fd00:2::2, which the real servers use as their route back to the client,
# so that their answers bypass the director, as in a classic LVS-DR site.
#
# A pair of directors (make_topology METHOD pair): a second one, backup,
# 10.0.1.3 and fd00:1::3, 10.0.2.254 and fd00:2::fe, and a second switch
# in lan, br1, for the client and the directors. Neither director holds the
# VIP, nor (NAT) the real servers' gateway, 10.0.2.100 and fd00:2::100:
# whoever runs the pair (keepalived's VRRP) moves them.

real_servers=(rs1 rs2 rs3)
families=(4 6)
protocols=(tcp udp)
port=80
declare -A vip=([4]=10.0.1.100 [6]=fd00:1::100)
declare -A gateway=([4]=10.0.2.1 [6]=fd00:2::1)

# in_ns NAMESPACE COMMAND...: (nsenter is cheaper than ip netns exec, and
# nothing here needs the namespace's /sys)
in_ns() {
	nsenter --net="/run/netns/$1" "${@:2}"
}

# The real server's own address: rip FAMILY rsN. (rip_r and the other *_r
# give it in $REPLY, for loops: $(...) forks, 50 ms on the debug kernel.)
rip_r() {
	case $1 in
	4) REPLY=10.0.2.1${2#rs} ;;
	6) REPLY=fd00:2::1${2#rs} ;;
	esac
}
rip() {
	rip_r "$@"
	echo "$REPLY"
}

# ADDRESS:PORT as ipvsadm and socat write it: hostport FAMILY ADDRESS
hostport_r() {
	case $1 in
	4) REPLY=$2:$port ;;
	6) REPLY=[$2]:$port ;;
	esac
}
hostport() {
	hostport_r "$@"
	echo "$REPLY"
}

# namespace_pids NAMESPACE...: the processes in them, by one ip command
# (a program costs about a second on the debug kernel)
namespace_pids() {
	printf 'netns pids %s\n' "$@" | ip -force -batch - 2>/dev/null
}

# kill_in_ns NAMESPACE...: every process in them ends
kill_in_ns() {
	local pids
	pids=$(namespace_pids "$@")
	# shellcheck disable=SC2086 # a list of process ids
	[ -z "$pids" ] || kill $pids 2>/dev/null
	wait_for 5 namespaces_empty "$@"
}

namespaces_empty() {
	[ -z "$(namespace_pids "$@")" ]
}

# remove_namespaces NAMESPACE...: their processes end, then they go (those
# a scenario removed already are passed over)
remove_namespaces() {
	kill_in_ns "$@"
	printf 'netns del %s\n' "$@" | ip -force -batch - 2>/dev/null
}

# What every test namespace wants, set once in the guest's own namespace,
# which new namespaces copy (devconf_inherit_init_net=1: IPv6 too):
# addresses usable at once (no DAD), no reverse-path filter.
namespace_defaults() {
	[ "$(cat /proc/sys/net/core/devconf_inherit_init_net)" = 1 ] && return
	sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.core.devconf_inherit_init_net=1 || fail "sysctl: namespace defaults"
}

# add_namespaces NAME...: new namespaces, made by one ip command, removed
# at the end by another
add_namespaces() {
	namespace_defaults
	on_exit "remove_namespaces $*"
	printf 'netns add %s\n' "$@" | ip -batch - || fail "ip netns add $*"
}

# add_namespace NAME SYSCTL=VALUE...
add_namespace() {
	add_namespaces "$1"
	[ $# -lt 2 ] || in_ns "$1" sysctl -qw "${@:2}" || fail "sysctl in $1"
}

# in_batch NAMESPACE: ip commands from stdin, run in that namespace
in_batch() {
	ip -n "$1" -batch - || fail "ip commands in $1"
}

# make_topology nat|dr|tun [pair]: the namespaces, links and addresses,
# and what each real server needs for that forwarding method, and the
# client process (start_client).
method=
fwd=
directors=(director)
make_topology() {
	local rs d a4 a6 ports=() rs_sysctls=() pair=${2:-}
	method=$1
	if [ "$pair" = pair ]; then
		directors=(director backup)
		gateway=([4]=10.0.2.100 [6]=fd00:2::100)
	fi
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
	add_namespaces client "${directors[@]}" lan "${real_servers[@]}"
	# A connect that gets no answer fails after 3 s, not 2 min.
	in_ns client sysctl -qw net.ipv4.tcp_syn_retries=1 || fail "sysctl in client"
	for d in "${directors[@]}"; do
		in_ns "$d" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1 ||
			fail "sysctl in $d"
		# Before the namespaces go: flush the table, so that nothing
		# in a dying namespace pins a scheduler module.
		on_exit "in_ns $d ipvsadm -C"
	done
	for rs in "${real_servers[@]}"; do
		[ ${#rs_sysctls[@]} = 0 ] || in_ns "$rs" sysctl -qw "${rs_sysctls[@]}" ||
			fail "sysctl in $rs"
	done

	{
		if [ "$pair" = pair ]; then
			echo "link add eth0 type veth peer name client0 netns lan"
		else
			echo "link add eth0 type veth peer name eth0 netns director"
		fi
		cat <<-EOF
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
	if [ "$pair" = pair ]; then
		director_links director 1 1 | in_batch director
		director_links backup 3 254 | in_batch backup
	else
		{
			director_links director 1 1
			echo "addr add ${vip[4]}/32 dev eth0"
			echo "addr add ${vip[6]}/128 dev eth0 nodad"
		} | in_batch director
	fi
	ports=("${directors[@]}" "${real_servers[@]}")
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
		if [ "$pair" = pair ]; then
			echo "link add br1 type bridge mcast_snooping 0"
			for d in client "${directors[@]}"; do
				echo "link set ${d}0 master br1 up"
			done
			echo "link set br1 up"
		fi
	} | in_batch lan
	for rs in "${real_servers[@]}"; do
		rip_r 4 "$rs"
		a4=$REPLY
		rip_r 6 "$rs"
		a6=$REPLY
		{
			cat <<-EOF
			addr add $a4/24 dev eth0
			addr add $a6/64 dev eth0 nodad
			link set eth0 up
			route add default via ${gateway[4]}
			route add default via ${gateway[6]}
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
				link add tun4 type ipip local $a4
				link add tun6 type ip6tnl mode ip6ip6 local $a6
				link set tun4 up
				link set tun6 up
				addr add ${vip[4]}/32 dev tun4
				addr add ${vip[6]}/128 dev tun6 nodad
				EOF
				;;
			esac
		} | in_batch "$rs"
	done
	start_client
}

# director_links NAMESPACE N M: a director's legs, eth0 10.0.1.N and
# fd00:1::N towards the client (in a pair: a port NAMESPACE0 of br1), eth1
# 10.0.2.M and fd00:2::M (hex) on the real servers' switch (port NAMESPACE)
director_links() {
	# (the client made a single director's eth0)
	[ ${#directors[@]} = 1 ] || echo "link add eth0 type veth peer name ${1}0 netns lan"
	cat <<-EOF
	addr add 10.0.1.$2/24 dev eth0
	addr add fd00:1::$2/64 dev eth0 nodad
	link set eth0 up
	link add eth1 type veth peer name $1 netns lan
	addr add 10.0.2.$3/24 dev eth1
	addr add fd00:2::$(printf %x "$3")/64 dev eth1 nodad
	link set eth1 up
	EOF
}

# -- the real servers' responders ----------------------------------------------
#
# Each real server answers on port $port, TCP and UDP, IPv4 and IPv6, with its
# name: a TCP connection gets "rsN" at once, then "rsN LINE" for each LINE
# the client sends, until it closes; a UDP datagram gets one datagram
# "rsN\n". _responder.py serves them all: TCP on all addresses, UDP on the
# address the director forwards to (the real server's own for NAT, the VIP
# for DR and TUN), so that its answers leave from that address.

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# python3 for the helpers: no site packages to look through (-I -S), which
# halves its start under emulation.
python=(/usr/bin/python3 -I -S)

# start_responders: returns when every real server listens.
start_responders() {
	local rs fam servers=()
	for rs in "${real_servers[@]}"; do
		servers+=("$rs,tcp")
		for fam in "${families[@]}"; do
			REPLY=${vip[$fam]}
			[ "$method" != nat ] || rip_r "$fam" "$rs"
			servers[-1]+=",udp=$REPLY"
		done
	done
	"${python[@]}" "$e2e_dir/_responder.py" "$port" "${servers[@]}" \
		</dev/null >/dev/null || fail "the responders could not listen"
}

# -- the director's table ------------------------------------------------------

lb() {
	in_ns director ipvsadm "$@"
}

# blb: ipvsadm in the backup director (make_topology METHOD pair)
blb() {
	in_ns backup ipvsadm "$@"
}

# The service as ipvsadm names it: service PROTO FAMILY
service_r() {
	hostport_r "$2" "${vip[$2]}"
	case $1 in
	tcp) REPLY="-t $REPLY" ;;
	udp) REPLY="-u $REPLY" ;;
	esac
}
service() {
	service_r "$@"
	echo "$REPLY"
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
	local sched=$1 fam proto rs w svc rules=
	shift
	for fam in "${families[@]}"; do
		for proto in "${protocols[@]}"; do
			service_r "$proto" "$fam"
			svc=$REPLY
			rules+="-A $svc -s $sched"$'\n'
			w=("$@")
			for rs in "${real_servers[@]}"; do
				rip_r "$fam" "$rs"
				hostport_r "$fam" "$REPLY"
				rules+="-a $svc -r $REPLY $fwd -w ${w[0]}"$'\n'
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
