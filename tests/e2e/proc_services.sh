#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /proc/net/ip_vs with many services: every service is listed exactly
# once, whether the file is read in one go or 100 bytes at a time (a
# listing resumed over thousands of reads), and reading it takes time in
# proportion to the number of services, not to its square: 12 times the
# services may take at most 36 times as long to list (the best of five
# reads each; three times the linear figure, as the long read is the one
# a loaded host preempts; a rescan from the first service for every line
# made 8 times the services some 40 to 64 times as long).
#
# Topology: the director's namespace alone; the services have no real
# servers and are never sent a packet.
. "$(dirname "$0")/_lib.sh"

small=500 large=6000

load_balancer
add_namespace director
on_exit "in_ns director ipvsadm -C"

# add_services FROM TO: TCP services 10.0.1.100:FROM..TO, in one ipvsadm -R
add_services() {
	local i
	for ((i = $1; i <= $2; i++)); do
		echo "-A -t 10.0.1.100:$i -s rr"
	done | lb -R || fail "ipvsadm -R: services $1 to $2"
}

# the ports of the services listed in /proc/net/ip_vs, from stdin, sorted
# ("TCP  0A000164:0050 rr")
listed_ports() {
	awk '$1 == "TCP" { split($2, a, ":"); print a[2] }' |
		while read -r hex; do echo $((16#$hex)); done | sort -n
}

# check_listing COUNT: each of services 1..COUNT listed once, in one read
# and in reads of 100 bytes
check_listing() {
	local want=$LVS_OUT/e2e/proc_services.want got=$LVS_OUT/e2e/proc_services.got
	seq 1 "$1" >"$want"
	in_ns director cat /proc/net/ip_vs | listed_ports >"$got"
	cmp -s "$want" "$got" ||
		fail "/proc/net/ip_vs: not every one of $1 services listed once (diff $want $got)"
	in_ns director dd if=/proc/net/ip_vs bs=100 status=none | listed_ports >"$got"
	cmp -s "$want" "$got" ||
		fail "/proc/net/ip_vs in 100-byte reads: not every one of $1 services listed once (diff $want $got)"
	echo "$1 services listed" >>"$served"
}

# read_time: the best of five times to read /proc/net/ip_vs, in µs, timed
# inside one process (starting one costs more than the read)
read_time() {
	# shellcheck disable=SC2016 # the Python program's own text
	in_ns director "${python[@]}" -c '
import time
best = None
for _ in range(5):
    t = time.perf_counter()
    with open("/proc/net/ip_vs", "rb", buffering=0) as f:
        while f.read(65536):
            pass
    t = time.perf_counter() - t
    best = t if best is None or t < best else best
print(int(best * 1e6) + 1)
'
}

add_services 1 "$small"
check_listing "$small"
t_small=$(read_time)
add_services $((small + 1)) "$large"
check_listing "$large"
t_large=$(read_time)
log "read /proc/net/ip_vs: $small services in $t_small µs, $large in $t_large µs"
[ "$t_large" -le $((3 * t_small * large / small)) ] ||
	fail "listing $large services took $t_large µs, more than $((3 * large / small)) times the $t_small µs for $small"
log "ok"
