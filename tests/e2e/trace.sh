#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lvs's tracepoints, read from tracefs as perf trace or bpftrace would see
# them (lvs alone: ip_vs has none). On the NAT site, rr over three real
# servers:
#  - lvs:dest_change: ipvsadm -a, -e and -d each give one event, naming the
#    service, the real server and its weight;
#  - lvs:conn_new: a TCP connection and a UDP datagram from the client each
#    give one, with the client's address and port, the VIP and the real
#    server that answered;
#  - lvs:conn_expire: the UDP connection's, once its 1 s time-out is over;
#  - lvs:sched_fail: with every real server at weight 0, a new connection is
#    refused, "no real server available".
. "$(dirname "$0")/_lib.sh"

events=/sys/kernel/tracing/events/lvs
trace=/sys/kernel/tracing/trace

on_exit unload_lvs
modprobe lvs || fail "modprobe lvs"
[ -d "$events" ] || skip "no tracefs events in this kernel (CONFIG_EVENT_TRACING)"
make_topology nat
start_responders
echo >"$trace"
echo 1 >"$events/enable" || fail "enabling the lvs events"
on_exit "echo 0 >$events/enable"

# the events so far, one per line: "EVENT: TEXT"
events_seen() {
	sed -n 's/^.* \(conn_new\|conn_expire\|sched_fail\|dest_change\|sync_conn\): /\1: /p' "$trace"
}

# expect_event PATTERN WHAT: a line of events_seen matches PATTERN (grep -E)
expect_event() {
	grep -qE "$1" <<<"$(events_seen)" ||
		fail "$2: no event like '$1' in: $(events_seen | tr '\n' ';')"
}

vip4=${vip[4]}:$port
lb -A -t "$vip4" -s rr || fail "ipvsadm -A -t"
lb -A -u "$vip4" -s rr || fail "ipvsadm -A -u"
for rs in "${real_servers[@]}"; do
	lb -a -t "$vip4" -r "$(rip 4 "$rs"):$port" -m || fail "ipvsadm -a -t $rs"
	lb -a -u "$vip4" -r "$(rip 4 "$rs"):$port" -m || fail "ipvsadm -a -u $rs"
done
expect_event "^dest_change: TCP $vip4 fwmark 0: added $(rip 4 rs2):$port weight 1 " \
	"ipvsadm -a"
lb -e -t "$vip4" -r "$(rip 4 rs1):$port" -m -w 3 || fail "ipvsadm -e"
expect_event "^dest_change: TCP $vip4 fwmark 0: edited $(rip 4 rs1):$port weight 3 " \
	"ipvsadm -e"
log "dest_change: added, edited"

lb --set 0 0 1 || fail "ipvsadm --set 0 0 1"
who=$(client_requests tcp 4 1 41000)
[ "$who" != - ] || fail "the TCP request got no answer"
expect_event "^conn_new: TCP 10\.0\.1\.2:41000 -> $vip4 -> $(rip 4 "$who"):$port " \
	"a TCP connection answered by $who"
who=$(client_requests udp 4 1 41001)
[ "$who" != - ] || fail "the UDP request got no answer"
expect_event "^conn_new: UDP 10\.0\.1\.2:41001 -> $vip4 -> $(rip 4 "$who"):$port " \
	"a UDP datagram answered by $who"
log "conn_new: TCP and UDP, to the real servers that answered"
udp_expired() {
	events_seen | grep -qE "^conn_expire: UDP 10\.0\.1\.2:41001 -> $vip4 -> "
}
wait_for 15 udp_expired || fail "no conn_expire for the UDP connection: $(events_seen | tr '\n' ';')"
log "conn_expire: the UDP connection, after its 1 s time-out"

for rs in "${real_servers[@]}"; do
	lb -e -t "$vip4" -r "$(rip 4 "$rs"):$port" -m -w 0 || fail "ipvsadm -e $rs -w 0"
done
[ "$(client_requests tcp 4 1 41002)" = - ] || fail "answered with every weight 0"
expect_event "^sched_fail: TCP 10\.0\.1\.2:41002 -> $vip4: no real server available" \
	"a SYN with every real server at weight 0"
log "sched_fail: no real server available"

lb -d -t "$vip4" -r "$(rip 4 rs3):$port" || fail "ipvsadm -d"
expect_event "^dest_change: TCP $vip4 fwmark 0: removed $(rip 4 rs3):$port " "ipvsadm -d"
log "dest_change: removed"
log "events: $(events_seen | wc -l)"
log "ok"
