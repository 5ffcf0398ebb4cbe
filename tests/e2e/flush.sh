#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting many services at once costs one RCU grace period, not one per
# service: ipvsadm -C of a large table, and the exit of a namespace that
# has one, are quick.
#
#   +--------------------------------+   +--------------------------------+
#   | namespace bulk                 |   | namespace dying                |
#   |  $services TCP services (rr),  |   |  the same table (sh)           |
#   |  every tenth with a real server|   |  ip netns del: the namespace   |
#   |  ipvsadm -R, then ipvsadm -C   |   |  exits with its services       |
#   |  bulk0 (dummy): 10.0.0.1/8     |   |  dying0 (dummy): 10.0.0.1/8    |
#   +--------------------------------+   +--------------------------------+
#
# ipvsadm -C must take at most $flush_max seconds more than ipvsadm -C of
# one service (what starting the programs costs), and the dying
# namespace's services must be gone (its scheduler module no longer in
# use by any service) at most 3 x $flush_max seconds after ip netns del.
# With one grace period per service (38 ms each on the debug kernel under
# emulation) ipvsadm -C of 5000 services took 192 s. No traffic: the
# other scenarios cover it.
. "$(dirname "$0")/_lib.sh"

# ipvsadm -R costs about 90 ms a line on the debug kernel under emulation
services=${LVS_FLUSH_SERVICES:-1000}
flush_max=${LVS_FLUSH_MAX:-5}

load_balancer
case $lvs_impl in
lvs) sh_module=lvs_sh ;;
*) sh_module=ip_vs_sh ;;
esac
quietly modprobe dummy || true

# make_ns NAME: a namespace whose dummy link routes 10/8
make_ns() {
	ip netns add "$1" || fail "ip netns add $1"
	on_exit "ip netns del $1"
	ip -n "$1" -batch - <<-EOF || fail "links of $1"
	link set lo up
	link add ${1}0 type dummy
	addr add 10.0.0.1/8 dev ${1}0
	link set ${1}0 up
	EOF
}

# restore_file SCHEDULER: $services services 10.1.x.y:80, every tenth with
# one real server 10.2.x.y:80, in ipvsadm -S form
table=$(mktemp)
on_exit "rm -f $table"
restore_file() {
	local i a
	for ((i = 0; i < services; i++)); do
		a="$((i / 250)).$((i % 250 + 1))"
		echo "-A -t 10.1.$a:80 -s $1"
		[ $((i % 10)) -ne 0 ] ||
			echo "-a -t 10.1.$a:80 -r 10.2.$a:80 -m -w 1"
	done >"$table"
}

# ns_ipvsadm NAMESPACE OPTIONS...
ns_ipvsadm() {
	in_ns "$1" ipvsadm "${@:2}"
}

count_services() {
	ns_ipvsadm "$1" -Ln | grep -c '^TCP' || true
}

# elapsed ms since START (date +%s%N)
since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# -- ipvsadm -C --------------------------------------------------------------
make_ns bulk
restore_file rr
# what starting nsenter and ipvsadm costs here, with one grace period:
# -C of a single service
ns_ipvsadm bulk -A -t 10.9.0.1:80 || fail "ipvsadm -A"
start=$(date +%s%N)
ns_ipvsadm bulk -C || fail "ipvsadm -C of one service"
base=$(since "$start")
log "ipvsadm -C of one service: $base ms"
start=$(date +%s%N)
ns_ipvsadm bulk -R <"$table" || fail "ipvsadm -R of $services services"
restored=$(since "$start")
got=$(count_services bulk)
expect_eq "$got" "$services" "services after ipvsadm -R"
log "ipvsadm -R of $services services: $restored ms"

start=$(date +%s%N)
ns_ipvsadm bulk -C || fail "ipvsadm -C"
flushed=$(since "$start")
log "ipvsadm -C of $services services: $flushed ms, $((flushed - base)) ms more than of one"
expect_eq "$(count_services bulk)" 0 "services after ipvsadm -C"
[ $((flushed - base)) -le $((flush_max * 1000)) ] ||
	fail "ipvsadm -C of $services services took $((flushed - base)) ms more than of one, more than ${flush_max} s"
echo "flush $services" >>"$served"

# the namespace works on: services again, one deleted alone
head -n 20 "$table" | ns_ipvsadm bulk -R || fail "ipvsadm -R after -C"
ns_ipvsadm bulk -D -t 10.1.0.1:80 || fail "ipvsadm -D"
expect_eq "$(count_services bulk)" 17 "services after -R and -D"
ns_ipvsadm bulk -C || fail "second ipvsadm -C"

# -- namespace exit ----------------------------------------------------------
make_ns dying
restore_file sh
ns_ipvsadm dying -R <"$table" || fail "ipvsadm -R in dying"
expect_eq "$(count_services dying)" "$services" "services in dying"
users=$(cat "/sys/module/$sh_module/refcnt")
[ "$users" -ge "$services" ] ||
	fail "$sh_module is used $users times, expected $services or more"

sh_unused() {
	[ "$(cat "/sys/module/$sh_module/refcnt")" -eq 0 ]
}
start=$(date +%s%N)
ip netns del dying || fail "ip netns del dying"
wait_for $((flush_max * 30)) sh_unused ||
	fail "the dying namespace's $services services not gone after $((flush_max * 30)) s"
exited=$(since "$start")
log "namespace with $services services gone $exited ms after ip netns del"
# (the whole namespace's exit, polled with a program started every 0.1 s)
[ "$exited" -le $((flush_max * 3000)) ] ||
	fail "the namespace with $services services took $exited ms to exit, more than $((flush_max * 3)) s"
echo "netns exit $services" >>"$served"
log "flush and namespace exit of $services services each within ${flush_max} s"
