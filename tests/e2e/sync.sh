#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection synchronisation between two directors in one kernel: the
# master (director) balances real TCP connections and UDP flows, IPv4 and
# IPv6, and multicasts them to the backup (backup) over the LAN both are
# on; the backup, with the same services, shows each of them with its
# state and real server, marked synced, and counts them on its own real
# servers. ipvsadm --start-daemon, --stop-daemon and -L --daemon work and
# fail as on ip_vs; stopping the daemons, deleting a namespace whose
# daemon runs and unloading the module with traffic flowing leave a clean
# kernel log. Against ip_vs, the backup's table, its counters and
# ipvsadm's answers are compared with lvs's (the .served file).
#
#    client            director (master)       lan          real servers
#  +-----------+     +-----------------+     +-------+     +-------------+
#  |      eth0 +-br1-+ eth0       eth1 +-----+  br0  +-----+ rs1 rs2 rs3 |
#  | 10.0.1.2  |  |  | VIP 10.0.1.100  |     |       |     | 10.0.2.1N   |
#  | fd00:1::2 |  |  |  fd00:1::100    |     |       |     | fd00:2::1N  |
#  +-----------+  |  |  10.0.2.1, .100 |     |       |     +-------------+
#                 |  +-----------------+     |       |
#                 |  backup                  |       |
#                 |  +-----------------+     |       |
#                 +--+ eth0  10.0.2.254+-----+       |
#                    | 10.0.1.3  eth1  |     +-------+
#                    +-----------------+
#
#   (make_topology's pair of directors, without VRRP: the director holds
#   the VIP and the real servers' gateway 10.0.2.100, fd00:2::100.)
#   Sync messages: multicast 224.0.0.81:8848 from the director's eth1.
. "$(dirname "$0")/_lib.sh"

syncid=9
work=$(mktemp -d)
on_exit "rm -rf $work"

# note WHAT...: a line both implementations must write alike
note() {
	echo "$*" >>"$served"
}

# try NAME COMMAND...: run an ipvsadm command that must fail; note its
# message (ipvsadm's words for the errno)
try_fail() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "$name: succeeded"
	fi
	note "$name: $out"
	log "$name: $out"
}

start_daemons() {
	lb --start-daemon master --mcast-interface eth1 --syncid $syncid ||
		fail "starting the master daemon"
	blb --start-daemon backup --mcast-interface eth1 --syncid $syncid ||
		fail "starting the backup daemon"
}

# pair_addresses add|del: what keepalived's VRRP would move between the
# directors: the VIPs, and the real servers' gateway
pair_addresses() {
	cat <<-EOF
	addr $1 ${vip[4]}/32 dev eth0
	addr $1 ${vip[6]}/128 dev eth0
	addr $1 ${gateway[4]}/24 dev eth1
	addr $1 ${gateway[6]}/64 dev eth1
	EOF
}

# move_addresses FROM TO: the addresses move, and the client and the real
# servers forget where they were (no VRRP here to announce the move)
move_addresses() {
	local ns
	pair_addresses del | in_batch "$1"
	pair_addresses add | in_batch "$2"
	for ns in client "${real_servers[@]}"; do
		echo "neigh flush all" | in_batch "$ns"
	done
}

# Traffic through the master while daemons stop and start: new TCP
# connections and UDP datagrams, for a while.
background_traffic() {
	# shellcheck disable=SC2016 # expanded by that bash
	in_ns client bash -c 'for ((i = 0; i < 100; i++)); do
			echo x >"/dev/udp/$0/$1"
			{ exec 3<>"/dev/tcp/$0/$1"; exec 3<&-; } 2>/dev/null
		done' "${vip[4]}" "$port" </dev/null >/dev/null 2>&1 &
	traffic_pid=$!
}

load_balancer
make_topology nat pair
pair_addresses add | in_batch director
start_responders
add_services rr 1 1 1
lb -Sn | blb -R || fail "the backup's services"

# -- the sysctls -----------------------------------------------------------------
# sync_threshold: threshold below period (or period 0); sync_ports: a
# power of 2. Two senders and two receivers from here on.
for v in "5 3" "-1 50" "3 0" "3 50"; do
	r=refused
	in_ns director sysctl -qw "net.ipv4.vs.sync_threshold=$v" 2>/dev/null && r=ok
	note "sync_threshold=$v: $r"
done
for v in 0 3 2; do
	r=refused
	in_ns director sysctl -qw "net.ipv4.vs.sync_ports=$v" 2>/dev/null && r=ok
	note "sync_ports=$v: $r"
done
in_ns backup sysctl -qw net.ipv4.vs.sync_ports=2 || fail "sync_ports=2 on the backup"
note "sysctls: $(in_ns director sysctl -n net.ipv4.vs.sync_threshold net.ipv4.vs.sync_ports | tr '\n\t' '  ')"

# -- the daemons' netlink interface -----------------------------------------
try_fail "stop master before start" lb --stop-daemon master
try_fail "unknown interface" lb --start-daemon master --mcast-interface nosuch0 --syncid $syncid
start_daemons
on_exit "in_ns director ipvsadm --stop-daemon master"
try_fail "master twice" lb --start-daemon master --mcast-interface eth1 --syncid 3
try_fail "stop backup on master" lb --stop-daemon backup
note "master: $(lb -L --daemon)"
note "backup: $(blb -L --daemon)"
log "master: $(lb -L --daemon)"
log "backup: $(blb -L --daemon)"
# both at once in one namespace
lb --start-daemon backup --mcast-interface eth1 --syncid 4 ||
	fail "a backup next to the master"
note "both: $(lb -L --daemon | tr '\n' ' ')"
lb --stop-daemon backup || fail "stopping the director's backup"

# -- synchronisation -----------------------------------------------------------
# lvs: the backup's lvs:sync_conn tracepoint tells each connection it made
tracing=/sys/kernel/tracing
if [ "$lvs_impl" = lvs ] && [ -d $tracing/events/lvs ]; then
	echo >$tracing/trace
	echo 1 >$tracing/events/lvs/sync_conn/enable
	on_exit "echo 0 >$tracing/events/lvs/sync_conn/enable"
fi
hold_connections
wait_for 30 backup_has_all || fail "the backup lacks: $missing"
n=$(wc -l <<<"$director_conns")
if [ "$lvs_impl" = lvs ] && [ -d $tracing/events/lvs ]; then
	traced=$(grep -c ' sync_conn: ' $tracing/trace || true)
	[ "$traced" -ge "$n" ] || fail "lvs:sync_conn told $traced connections, not $n"
	log "lvs:sync_conn: $traced events"
fi
[ "$n" = ${#held_by[@]} ] ||
	fail "the master shows $n established connections and flows, not ${#held_by[@]}"
log "the backup has all $n: ${backup_conns//$'\n'/;}"
# what the backup has, without the client's ports
sed -E 's/ ([^ ]*):[0-9]+ / \1 /' <<<"$backup_conns" | sort >"$work/backup.n"
while read -r line; do note "backup conn: $line"; done <"$work/backup.n"
# marked synced there, local on the master
synced=$(in_ns backup awk '$NF ~ /^[0-9]+$/ && $(NF - 1) == "SYNC"' \
	/proc/net/ip_vs_conn_sync | wc -l)
[ "$synced" -ge "$n" ] || fail "the backup marks $synced connections synced, not $n"
in_ns director grep -q ' LOCAL ' /proc/net/ip_vs_conn_sync ||
	fail "the master's connections are not LOCAL"
in_ns director grep -q ' SYNC ' /proc/net/ip_vs_conn_sync &&
	fail "the master has synced connections"
# counted on the backup's real servers: the held TCP connections active,
# the UDP flows inactive
blb -Ln | awk '$1 ~ /^(TCP|UDP|->)$/' | sed -E 's/ +/ /g' >"$work/backup.ln"
while read -r line; do note "backup table: $line"; done <"$work/backup.ln"
active=$(awk '$1 == "->" && $3 == "Masq" { a += $5 } END { print a + 0 }' "$work/backup.ln")
[ "$active" = 6 ] || fail "the backup counts $active active connections, not the 6 held TCP ones"

# -- the backup takes over -------------------------------------------------------
# As after a VRRP failover (failover.sh runs keepalived's), but the
# director stays: it takes the addresses back after.
move_addresses director backup
follow_held "through the backup"
log "the backup took the held connections and flows over"
move_addresses backup director
follow_held "back through the director"

# -- stopping with traffic flowing ---------------------------------------------
background_traffic
lb --stop-daemon master || fail "stopping the master"
blb --stop-daemon backup || fail "stopping the backup"
try_fail "stop master twice" lb --stop-daemon master
note "after stop: '$(lb -L --daemon)' '$(blb -L --daemon)'"
start_daemons
sleep 1
lb --stop-daemon master || fail "stopping the master again"
lb --start-daemon master --mcast-interface eth1 --syncid $syncid ||
	fail "starting the master again"
# the backup's namespace goes with its daemon running
kill_in_ns backup
ip netns del backup
wait "$traffic_pid" || true

if [ "$lvs_impl" = lvs ]; then
	# the module goes with the master's daemon running and traffic
	# flowing (ip_vs pins its module while a daemon runs)
	# the held connections end with their real servers, so that
	# nothing pins the scheduler; a backup next to the master
	in_ns director sysctl -qw net.ipv4.vs.expire_nodest_conn=1
	lb --start-daemon backup --mcast-interface eth1 --syncid 4 ||
		fail "a backup next to the master"
	background_traffic
	lb -C
	wait_for 60 quietly rmmod lvs_rr || fail "lvs_rr stays in use"
	unload_lvs
	grep -q '^lvs ' /proc/modules && fail "lvs is still loaded"
	# no ipvsadm any more: it would load ip_vs
	cleanups=("${cleanups[@]/*ipvsadm*/true}")
	wait "$traffic_pid" || true
fi
log "ok"
