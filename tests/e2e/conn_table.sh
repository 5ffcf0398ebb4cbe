#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The connection table under many flows at once, as ipvsadm -Lnc sees it:
#
#   - 3000 UDP flows from as many client ports: every one has its entry,
#     listed once, whether /proc/net/ip_vs_conn is read in one go or in
#     reads of 100 bytes (a listing resumed over hundreds of reads);
#   - 120 TCP connections opened at the same moment from 40 client
#     addresses: each is answered and has its entry, with the real server
#     that answered it;
#   - with expire_nodest_conn, ipvsadm -C takes every entry away at once.
#
# Topology: tests/e2e/_lib.sh's NAT site (client, director, three real
# servers); the client holds 40 more addresses, 10.0.1.10-49.
. "$(dirname "$0")/_lib.sh"

udp_flows=3000 tcp_conns=120

load_balancer
make_topology nat
sources=()
for i in $(seq 10 49); do sources+=("10.0.1.$i"); done
printf 'addr add %s/24 dev eth0\n' "${sources[@]}" | in_batch client
start_responders
lb -A -u "${vip[4]}:$port" -s rr || fail "ipvsadm -A -u"
lb -A -t "${vip[4]}:$port" -s rr || fail "ipvsadm -A -t"
for rs in "${real_servers[@]}"; do
	lb -a -u "${vip[4]}:$port" -r "$(rip 4 "$rs"):$port" -m || fail "ipvsadm -a -u"
	lb -a -t "${vip[4]}:$port" -r "$(rip 4 "$rs"):$port" -m || fail "ipvsadm -a -t"
done

# client ports of the entries of one protocol, from ipvsadm -Lnc on stdin
# ("UDP 04:59 UDP 10.0.1.2:20000 10.0.1.100:80 10.0.2.11:80")
entry_ports() {
	awk -v p="$1" '$1 == p { split($4, a, ":"); print a[2] }' | sort -n
}

udp_listed() {
	[ "$(lb -Lnc | entry_ports UDP | wc -l)" -ge $udp_flows ]
}

in_ns client "${python[@]}" "$e2e_dir/_flows.py" udp "${vip[4]}" "$port" \
	$udp_flows 20000 || fail "sending the UDP flows"
wait_for 30 udp_listed || fail "$(lb -Lnc | entry_ports UDP | wc -l) UDP entries listed, $udp_flows expected"
seq 20000 $((20000 + udp_flows - 1)) >"$LVS_OUT/e2e/conn_table.want"
lb -Lnc | entry_ports UDP >"$LVS_OUT/e2e/conn_table.got"
cmp -s "$LVS_OUT/e2e/conn_table.want" "$LVS_OUT/e2e/conn_table.got" ||
	fail "ipvsadm -Lnc: not every UDP flow listed exactly once (diff $LVS_OUT/e2e/conn_table.want $LVS_OUT/e2e/conn_table.got)"
# the same file read 100 bytes at a time
in_ns director dd if=/proc/net/ip_vs_conn bs=100 status=none |
	awk '$1 == "UDP" { print $3 }' |
	while read -r hex; do echo $((16#$hex)); done |
	sort -n >"$LVS_OUT/e2e/conn_table.got"
cmp -s "$LVS_OUT/e2e/conn_table.want" "$LVS_OUT/e2e/conn_table.got" ||
	fail "/proc/net/ip_vs_conn read in 100-byte pieces: not every UDP flow listed exactly once"
echo "udp $udp_flows flows listed" >>"$served"
log "$udp_flows UDP flows: each listed once, in one read and in 100-byte reads"

# TCP: all at once, held open while the table is checked. (The real
# servers' listen backlog is large enough; a SYN lost all the same is sent
# again.)
in_ns client sysctl -qw net.ipv4.tcp_syn_retries=3
coproc FLOWS { in_ns client "${python[@]}" "$e2e_dir/_flows.py" tcp "${vip[4]}" \
	"$port" $tcp_conns "${sources[@]}"; }
answers=()
while [ ${#answers[@]} -lt $tcp_conns ] &&
	read -r -t 60 line <&"${FLOWS[0]}"; do
	answers+=("$line")
done
[ ${#answers[@]} = $tcp_conns ] || fail "${#answers[@]} of $tcp_conns TCP connections reported"
listing=$(lb -Lnc)
exec {FLOWS[1]}>&-
# Each answer ("ADDRESS PORT rsN", or "-" for none) against the listing,
# in one awk (a program per answer cost a minute under the debug kernel).
rips=
for rs in "${real_servers[@]}"; do rips+="$rs=$(rip 4 "$rs") "; done
echo "$listing" >"$LVS_OUT/e2e/conn_table.listing"
read -r unanswered missing <<<"$(printf '%s\n' "${answers[@]}" |
	awk -v rips="$rips" -v port="$port" '
	BEGIN {
		n = split(rips, pairs, " ")
		for (i = 1; i <= n; i++) {
			split(pairs[i], kv, "=")
			rip[kv[1]] = kv[2]
		}
	}
	NR == FNR { if ($1 == "TCP") listed[$4 " " $6] = 1; next }
	$3 == "-" { unanswered++; next }
	!(($1 ":" $2 " " rip[$3] ":" port) in listed) { missing++ }
	END { print unanswered + 0, missing + 0 }' "$LVS_OUT/e2e/conn_table.listing" -)"
[ $unanswered = 0 ] || fail "$unanswered of $tcp_conns simultaneous TCP connections not answered"
[ $missing = 0 ] || fail "$missing of $tcp_conns answered TCP connections have no entry to the real server that answered"
echo "tcp $tcp_conns connections answered and listed" >>"$served"
log "$tcp_conns simultaneous TCP connections: all answered and listed"

# expire_nodest_conn: the real servers go (ipvsadm -C), and their thousands
# of entries with them at once, not at their time-outs minutes away
# (IPVS walks the table; a walk that paused on an entry it had just ended
# skipped the next one).
entries() {
	left=$(lb -Lnc | awk 'NR > 2' | wc -l)
}
in_ns director sysctl -qw net.ipv4.vs.expire_nodest_conn=1 ||
	fail "sysctl expire_nodest_conn"
entries
before=$left
lb -C || fail "ipvsadm -C"
wait_for 20 eval 'entries; [ "$left" = 0 ]' ||
	fail "$left of $before entries left 20 s after ipvsadm -C with expire_nodest_conn=1"
echo "expire_nodest_conn: every entry gone after ipvsadm -C" >>"$served"
log "expire_nodest_conn: all $before entries gone after ipvsadm -C"
log "ok"
