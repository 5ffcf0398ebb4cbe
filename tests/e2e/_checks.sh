# SPDX-License-Identifier: GPL-2.0
#
# What the director reports (ipvsadm counters and rates) compared with what
# the client saw.
# Sourced by _lib.sh (scenarios source _lib.sh alone).

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

# -- a pair of directors ---------------------------------------------------------

# synced_conns NAMESPACE: the established TCP connections and the UDP flows
# that director lists, "PROTO STATE SOURCE VIRTUAL DESTINATION", sorted
synced_conns() {
	in_ns "$1" ipvsadm -Lnc |
		awk '($1 == "TCP" && $3 == "ESTABLISHED") || $1 == "UDP" {
			print $1, $3, $4, $5, $6 }' | sort
}

# backup_has_all: the director lists connections, and the backup lists each
# of them too. Both lists in $director_conns and $backup_conns, what the
# backup lacks in $missing ("CONNECTION;...").
director_conns= backup_conns= missing=
backup_has_all() {
	local line
	director_conns=$(synced_conns director)
	backup_conns=$(synced_conns backup)
	missing=
	while read -r line; do
		[[ $'\n'$backup_conns$'\n' == *$'\n'"$line"$'\n'* ]] || missing+="$line;"
	done <<<"$director_conns"
	[ -n "$director_conns" ] && [ -z "$missing" ]
}
