# SPDX-License-Identifier: GPL-2.0
#
# What the client sends: rounds of requests to the VIP, who answered each,
# and connections held open across a configuration change.
# Sourced by _lib.sh (scenarios source _lib.sh alone).

# -- the client ------------------------------------------------------------------

# Each request leaves from a source port of its own, so that none can fall
# into a connection that an earlier one left in the director's table.
sport=40000

# The client: one _client.py in the client's namespace for the whole
# scenario (make_topology starts it), fed and read through two FIFOs, so
# that client_requests, even in a $(...) subshell, starts no program.
client_ask= client_answers=
start_client() {
	local fifo=/run/lvs-e2e-client.$BASHPID
	mkfifo "$fifo.in" "$fifo.out" || fail "mkfifo $fifo.*"
	on_exit "rm -f $fifo.in $fifo.out"
	in_ns client "${python[@]}" "$e2e_dir/_client.py" <"$fifo.in" >"$fifo.out" &
	exec {client_ask}>"$fifo.in" {client_answers}<"$fifo.out"
}

# client_requests PROTO FAMILY COUNT SOURCE-PORT: from the client, COUNT TCP
# connections or UDP datagrams to the VIP, one after the other, from
# SOURCE-PORT on; prints who answered each, one line each ("-": nobody).
client_requests() {
	local i who
	[ -n "$client_ask" ] || fail "client_requests: no client (make_topology starts it)"
	echo "$1 ${vip[$2]} $port $4 $3" >&"$client_ask"
	for ((i = 0; i < $3; i++)); do
		read -r who <&"$client_answers" || fail "the client process is gone"
		echo "$who"
	done
}

# client_do LINE...: one command of _client.py's for held connections
# ("hold NAME PROTO ADDRESS PORT SOURCE-PORT", "say NAME", "drop NAME");
# prints its one-line answer.
client_do() {
	local answer
	[ -n "$client_ask" ] || fail "client_do: no client (make_topology starts it)"
	echo "$*" >&"$client_ask"
	read -r answer <&"$client_answers" || fail "the client process is gone"
	echo "$answer"
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

# -- connections held through a change of director (sync.sh, failover.sh) ------

# hold_connections: three connections per service, held by the client: TCP
# open, UDP a socket that has sent three datagrams (IPVS syncs a flow at
# its third). Who answered each in $held_by: "tcp4.1" ... "udp6.3".
declare -A held_by=()
hold_connections() {
	local fam proto i name
	for fam in "${families[@]}"; do
		for proto in "${protocols[@]}"; do
			for i in 1 2 3; do
				name=$proto$fam.$i
				held_by[$name]=$(client_do hold "$name" "$proto" \
					"${vip[$fam]}" "$port" "$sport")
				sport=$((sport + 1))
				[ "${held_by[$name]}" != - ] || fail "$name got no answer"
				[ "$proto" = tcp ] ||
					for _ in 1 2; do
						expect_eq "$(client_do say "$name")" \
							"${held_by[$name]}" "$name's answers"
					done
			done
		done
	done
}

# follow_held WHEN: each held connection is answered by the real server that
# answered it first; "WHEN: NAME FIRST then NOW" lines to $served. The last
# made goes first: a director that scheduled them anew (rr from its start)
# would give them rs3 rs2 rs1 again, as the first time.
follow_held() {
	local fam proto i name who
	for fam in "${families[@]}"; do
		for proto in "${protocols[@]}"; do
			for i in 3 2 1; do
				name=$proto$fam.$i
				who=$(client_do say "$name")
				echo "$1: $name ${held_by[$name]} then $who" >>"$served"
				expect_eq "$who" "${held_by[$name]}" "$1: who answers $name"
			done
		done
	done
}
