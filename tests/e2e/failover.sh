#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A keepalived pair: two directors, each running Debian's stock keepalived
# with the same virtual servers (rr over three real servers, TCP and UDP,
# IPv4 and IPv6), VRRP between them on the client's side and the
# connection sync daemon (lvs_sync_daemon) on the real servers' side.
# For DR, then NAT:
#  - the director, priority 150, takes the VIP (NAT: and the real
#    servers' gateway), keepalived starts its master sync daemon; the
#    backup, priority 100, runs a backup sync daemon;
#  - the client opens connections through the director and holds them:
#    three TCP connections and three UDP flows (three datagrams each, the
#    sync threshold) per family; the backup lists each of them;
#  - the director dies: its links go down, nothing is said;
#  - within a few seconds the backup is VRRP master and holds the
#    addresses; each held connection goes on, answered by the real server
#    that answered it before (without the synced entry rr would send
#    most elsewhere, and a TCP one would get a reset); new connections are
#    balanced by the backup;
#  - the director's links come back: it takes the addresses back (higher
#    priority), and the held connections go on through it again.
# Who served each connection before and after, and the backup's sync
# daemon after the failover, go to the served file, compared with ip_vs.
# On Debian's kernel only: on the debug kernel sync.sh moves the addresses
# itself and follows the held connections through the backup.
#
#    client            director, backup        lan          real servers
#  +-----------+     +----------------+      +-------+     +-------------+
#  |      eth0 +-br1-+ eth0      eth1 +------+  br0  +-----+ rs1 rs2 rs3 |
#  | 10.0.1.2  |  |  | 10.0.1.1   .2.1|      |       |     | 10.0.2.1N   |
#  |           |  |  +----------------+      |       |     | (DR: lo VIP)|
#  |           |  |  +----------------+      |       |     +-------------+
#  |           |  +--+ eth0      eth1 +------+       |
#  |           |     | 10.0.1.3 .2.254|      |       |
#  |           |     +----------------+      |       |
#  |      eth1 +-----------------------------+ (DR)  |
#  +-----------+                             +-------+
#   VRRP: VIP 10.0.1.100, fd00:1::100 on eth0; NAT: gateway 10.0.2.100,
#   fd00:2::100 on eth1. Sync: multicast from eth1, sync id 9.
. "$(dirname "$0")/_lib.sh"

command -v keepalived >/dev/null || skip "no keepalived (tests/vm/deps)"
# Two keepalived daemons and their polling cost minutes on the debug kernel;
# there sync.sh takes connections over on a backup without them.
[ "${LVS_KERNEL:-}" != test ] || skip "Debian's kernel only (the debug kernel runs sync.sh's takeover)"

syncid=9
work=

note() {
	echo "$*" >>"$served"
}

# keepalived_config NAMESPACE STATE PRIORITY
keepalived_config() {
	local kind=DR fam proto rs
	[ "$method" = nat ] && kind=NAT
	cat <<-EOF
	global_defs {
		router_id $1
		lvs_sync_daemon eth1 VI_1 id $syncid
	}
	vrrp_instance VI_1 {
		state $2
		interface eth0
		virtual_router_id 51
		priority $3
		advert_int 1
		virtual_ipaddress {
			${vip[4]}/32 dev eth0
	EOF
	[ "$method" != nat ] || echo "		${gateway[4]}/24 dev eth1"
	cat <<-EOF
		}
		virtual_ipaddress_excluded {
			${vip[6]}/128 dev eth0
	EOF
	[ "$method" != nat ] || echo "		${gateway[6]}/64 dev eth1"
	echo "	}"
	echo "}"
	for fam in "${families[@]}"; do
		for proto in "${protocols[@]}"; do
			cat <<-EOF
			virtual_server ${vip[$fam]} $port {
				lb_algo rr
				lb_kind $kind
				protocol ${proto^^}
			EOF
			for rs in "${real_servers[@]}"; do
				echo "	real_server $(rip "$fam" "$rs") $port { weight 1 }"
			done
			echo "}"
		done
	done
}

# start_keepalived NAMESPACE STATE PRIORITY: VRRP and the checker, in the
# foreground, logging in detail to a file beside the scenario's log. At the
# end it is killed outright: the namespaces go with all it set up, and its
# orderly exit (adverts, removals) costs seconds.
start_keepalived() {
	keepalived_config "$@" >"$work/$1.conf"
	nsenter --net="/run/netns/$1" keepalived -n -l -D -f "$work/$1.conf" \
		-p "$work/$1.pid" -c "$work/$1.checkers.pid" -r "$work/$1.vrrp.pid" \
		</dev/null >"${LVS_OUT:-/tmp}/e2e/$e2e_name.$lvs_impl.$method.$1.log" 2>&1 &
	on_exit "kill -KILL $! \$(cat $work/$1.checkers.pid $work/$1.vrrp.pid)"
}

# holds NAMESPACE ADDRESS: does it hold the address?
holds() {
	[ -n "$(ip -n "$1" -o addr show to "$2")" ]
}

# daemons NAMESPACE: its sync daemons, as ipvsadm -L --daemon says
daemons() {
	in_ns "$1" ipvsadm -L --daemon | tr -s ' \n' ' '
}

pair_checks() {
	local t
	work=$(mktemp -d)
	on_exit "rm -rf $work"
	load_balancer
	make_topology "$1" pair
	start_responders
	start_keepalived director MASTER 150
	start_keepalived backup BACKUP 100
	wait_for 30 holds director "${vip[4]}" || fail "$1: the director never took the VIP"
	wait_for 30 eval '[ -n "$(blb -Ln | grep -- "->")" ]' ||
		fail "$1: keepalived on the backup added no real server"
	wait_for 30 eval '[[ "$(daemons backup)" == *backup* ]]' ||
		fail "$1: no backup sync daemon on the backup: $(daemons backup)"
	wait_for 10 eval '[[ "$(daemons director)" == *master* ]]' ||
		fail "$1: no master sync daemon on the director: $(daemons director)"
	note "$1 director: $(daemons director)"
	note "$1 backup: $(daemons backup)"
	log "$1: director: $(daemons director); backup: $(daemons backup)"

	hold_connections
	wait_for 30 backup_has_all || fail "$1: the backup lacks: $missing"
	log "$1: the backup has all $(wc -l <<<"$director_conns") connections the director lists"

	# the director dies (its IPv6 addresses kept for its return: IPv6
	# flushes them with the link by default, as a reboot would not)
	in_ns director sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1 ||
		fail "sysctl keep_addr_on_down"
	t=$SECONDS
	in_batch director <<-EOF
	link set eth0 down
	link set eth1 down
	EOF
	wait_for 30 holds backup "${vip[4]}" || fail "$1: the backup never took the VIP"
	[ "$1" != nat ] || wait_for 10 holds backup "${gateway[6]}" ||
		fail "$1: the backup never took the gateway"
	log "$1: the backup holds the addresses $((SECONDS - t)) s after the director died"
	follow_held "$1 after the failover"
	log "$1: every held connection goes on through the backup"
	wait_for 10 eval '[[ "$(daemons backup)" == *master* ]]' ||
		fail "$1: the backup started no master sync daemon: $(daemons backup)"
	note "$1 backup after the failover: $(daemons backup)"
	round tcp 4 "$1-after" 3
	round udp 6 "$1-after" 3

	# the director comes back and, of higher priority, takes the
	# addresses back: the held connections go on through it again
	t=$SECONDS
	in_batch director <<-EOF
	link set eth0 up
	link set eth1 up
	EOF
	wait_for 30 holds director "${vip[4]}" || fail "$1: the director never took the VIP back"
	[ "$1" != nat ] || wait_for 10 holds director "${gateway[6]}" ||
		fail "$1: the director never took the gateway back"
	wait_for 10 eval '! holds backup "${vip[4]}"' || fail "$1: the backup keeps the VIP"
	log "$1: the director holds the addresses again $((SECONDS - t)) s after it came back"
	follow_held "$1 after the director came back"
	log "$1: ok"
}

# Each pair in a subshell that tears it down when it ends.
(trap run_cleanups EXIT; pair_checks dr)
(trap run_cleanups EXIT; pair_checks nat)
log "ok"
