#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A namespace without services costs next to nothing: its connection
# tables (two of 4096 buckets), the defences' once-a-second work and the
# estimator's worker come with its first service and go when it has
# neither services nor connections again; traffic works each time. A
# backup sync daemon holds the tables while it runs.
#
# Topology: tests/e2e/_lib.sh's NAT site (client, director, three real
# servers). lvs alone (ip_vs keeps one global table and its workers).
#
# What the kernel does is read from its trace buffer: workqueue
# executions name the function of each work item (lvs_est_work,
# lvs_defense_work), and a connection table's bucket array is one
# allocation of a little over 32 KiB (kmem:kmalloc, its size in
# bytes_req) that kmem:kfree gives back.
. "$(dirname "$0")/_lib.sh"

tracing=/sys/kernel/tracing
[ -e $tracing/events/kmem/kmalloc ] || skip "no tracefs with kmem events"

# With LVS_IDLE_NETNS=N (0: not done), what N namespaces without services
# cost without lvs and with it, in MemFree, is logged (not checked: other
# activity moves it).
idle_netns=${LVS_IDLE_NETNS:-0}
netns_cost() {
	local before after i
	sync
	echo 3 >/proc/sys/vm/drop_caches
	before=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)
	for ((i = 0; i < idle_netns; i++)); do echo "netns add idle$i"; done |
		ip -batch - || fail "ip netns add"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	after=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)
	for ((i = 0; i < idle_netns; i++)); do echo "netns del idle$i"; done |
		ip -batch - || fail "ip netns del"
	echo $(((before - after) / idle_netns))
}
if [ "$idle_netns" -gt 0 ]; then
	without=$(netns_cost)
	modprobe lvs || fail "modprobe lvs"
	with=$(netns_cost)
	log "a namespace costs $without KiB without lvs, $with KiB with lvs loaded ($idle_netns namespaces, MemFree)"
	echo "$with $without" >"$LVS_OUT/e2e/idle.netns-cost"
fi

modprobe lvs || fail "modprobe lvs"
on_exit unload_lvs
make_topology nat
start_responders

reset_trace() {
	echo 0 >$tracing/tracing_on
	echo >$tracing/trace
	echo 1 >$tracing/tracing_on
}
on_exit "echo 0 >$tracing/events/enable; echo >$tracing/trace; echo 0 >$tracing/events/kmem/kmalloc/filter"
echo 'bytes_req > 32768 && bytes_req < 36864' >$tracing/events/kmem/kmalloc/filter
echo 1 >$tracing/events/kmem/kmalloc/enable
echo 1 >$tracing/events/kmem/kfree/enable
echo 1 >$tracing/events/workqueue/workqueue_execute_start/enable

works_ran() {
	grep -cE 'function[= ](lvs_est_work|lvs_defense_work)' $tracing/trace || true
}
# the addresses of the allocations of a table's size since the last reset
# (the debug kernel traces one allocation at two levels: once each)
table_allocs() {
	grep 'kmalloc:' $tracing/trace |
		sed -n 's/.* ptr=\([0-9a-fx]*\) .*/\1/p' | sort -u
}
freed() {
	grep -q "kfree:.* ptr=$1\b" $tracing/trace
}

# set before the first service, and held: connections of removed real
# servers end at once, so the namespace goes idle soon after the last
# service; timeouts of a second
in_ns director sysctl -qw net.ipv4.vs.expire_nodest_conn=1 ||
	fail "sysctl expire_nodest_conn before the first service"
lb --set 1 1 1 || fail "ipvsadm --set before the first service"

reset_trace
sleep 3
expect_eq "$(works_ran)" 0 "work items of lvs run without a service"
expect_eq "$(table_allocs | wc -l)" 0 "tables allocated without a service"
log "no service: no tables, no work for 3 s"

# A backup sync daemon looks connections up with or without services: it
# holds the tables from its start to its stop.
reset_trace
lb --start-daemon backup --mcast-interface eth0 --syncid 7 ||
	fail "ipvsadm --start-daemon backup"
read -r -a tables <<<"$(table_allocs | tr '\n' ' ')"
[ ${#tables[@]} -eq 2 ] ||
	fail "${#tables[@]} allocations of a table's size with the backup daemon, expected 2"
lb --stop-daemon backup || fail "ipvsadm --stop-daemon backup"
{ freed "${tables[0]}" && freed "${tables[1]}"; } ||
	fail "the tables not freed when the backup daemon stopped"
log "backup daemon: tables made with it, freed when it stopped"

# serve NAME SOURCE-PORT: three TCP requests answered by real servers
# (each round from ports of its own: the last round's may be in TIME_WAIT)
serve() {
	local got
	got=$(client_requests tcp 4 3 "$2" | tr '\n' ' ')
	case $got in
	*-*) fail "$1: requests unanswered: $got" ;;
	esac
	log "$1: answered by $got"
	echo "$1 $got" >>"$served"
}

round() {
	reset_trace
	lb -A -t "${vip[4]}:$port" -s rr || fail "ipvsadm -A"
	for rs in "${real_servers[@]}"; do
		lb -a -t "${vip[4]}:$port" -r "$(rip 4 "$rs"):$port" -m ||
			fail "ipvsadm -a $rs"
	done
	# (no process substitution: the guest has no /dev/fd)
	read -r -a tables <<<"$(table_allocs | tr '\n' ' ')"
	[ ${#tables[@]} -eq 2 ] ||
		fail "$1: ${#tables[@]} allocations of a table's size with the first service, expected 2: $(grep 'kmalloc:' $tracing/trace)"
	# sysctls and timeouts set before the first service hold
	lb -L --timeout | grep -q 'udp): 1 1 1' ||
		fail "$1: timeouts set before the service lost: $(lb -L --timeout)"
	expect_eq "$(in_ns director sysctl -n net.ipv4.vs.expire_nodest_conn)" 1 \
		"$1: expire_nodest_conn set before the service"
	serve "$1" "$2"
	wait_for 15 test "$(works_ran)" -ge 2 ||
		fail "$1: the estimator and the defences do not run with a service"

	lb -C || fail "ipvsadm -C"
	tables_freed() {
		freed "${tables[0]}" && freed "${tables[1]}"
	}
	wait_for 20 tables_freed ||
		fail "$1: the tables not freed within 20 s of the last service"
	reset_trace
	sleep 3
	expect_eq "$(works_ran)" 0 "$1: work items of lvs run after the last service"
	log "$1: tables made with the service, freed after it, no work after"
}

round first 30000
round again 31000
