#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every scheduler, fed the same services and the same stream of TCP
# connections (and of UDP flows, for the schedulers that count
# connections), picks the same real server for each connection as ip_vs
# does: guest-check runs this against ip_vs and against lvs on the distro
# kernel and compares the two .served files line by line (who served each
# connection, and ipvsadm -Ln's active and inactive counts before the held
# connections close).
#
# The cases cover each rule's inputs: list order and weights (0, unequal,
# a gcd above 1), upper thresholds that overload a real server part way,
# connections held open for a while among ones closed at once (so that
# active and inactive counts differ), many destination addresses for the
# schedulers that key on them (dh, lblc, lblcr: firewall-mark services
# over a /24 or a /64 of addresses), many source addresses and ports for
# sh and mh with each of their flags, IPv4 and IPv6.
#
# On any kernel it also checks what follows from the rules alone, so that
# a run on the test kernel (which has no ip_vs) proves something too:
# every connection is served unless the rule allows a refusal, a real
# server of weight 0 is never chosen, one with an upper threshold never
# takes more connections than that (no connection ends during a case),
# sh and mh without -port and dh send one source (dh: destination) to one
# real server, wrr over whole cycles and fo follow their weights exactly,
# twos' choices follow the weights (chi-square), and a UDP flow counts as
# an inactive connection, never an active one. twos is random, so
# its choices stay out of the compared file; the 6.1 ip_vs has no twos.
# Last, ipvsadm -A accepts every scheduler's name, loading its module on
# demand, and refuses an unknown one with IPVS's error; lvs then loads no
# module: not one of its other modules (lvs_kunit), nor a scheduler
# through a name that only looks like its alias (sched_wlc). (ip_vs loads
# any ip_vs_<name>: -s pe_sip loads ip_vs_pe_sip.)
#
#   client                     director                       real servers
#  +-------------------+     +-----------------------+     +--------------+
#  | eth0 10.0.1.2     +-----+ eth0 VIPs 10.0.1.1xx  |     | rs1 10.0.2.11|
#  | binds any source  |     |      fd00:1::1:xx     +-lan-+ rs2     .12  |
#  | of 10.4.0.0/16,   |     | lo  10.5.0.0/16,      |     | rs3     .13  |
#  | fd00:4::/64       |     |     fd00:5::/32 local |     | rs4     .14  |
#  +-------------------+     | nft: 10.5.K.0/24 and  |     | (fd00:2::1N) |
#                            | fd00:5:K::/64 mark K  |     +--------------+
#                            +-----------------------+
#
#   NAT (-m). Case K has the VIPs 10.0.1.(100+K) and fd00:1::1:K, or the
#   firewall mark K over the addresses 10.5.K.1... or fd00:5:K::1...
. "$(dirname "$0")/_lib.sh"

real_servers=(rs1 rs2 rs3 rs4)
schedulers=(rr wrr lc wlc sed nq dh sh mh lblc lblcr fo ovf twos)

# The test kernel (KASAN, lockdep, no ip_vs to compare with) is ten times
# slower: there a tenth of the connections, in the cases of $quick only,
# and no ipvsadm -Ln after each.
scale=1 quick=
if [ "$LVS_KERNEL" = test ]; then
	scale=10
	quick=" rr rr6 wrr fo lc wlc sed nq ovf dh dh6 lblc lblcr"
	quick+=" wlc-udp sed-udp nq-udp"
	quick+=" sh-fallback,sh-port mh mh-fallback,mh-port6 twos "
fi

load_balancer
make_topology nat
log "topology: ok"

# The client's source addresses: any of 10.4.0.0/16 and fd00:4::/64, bound
# without being configured. The firewall-mark destinations: local on the
# director.
in_ns client sysctl -qw net.ipv4.ip_nonlocal_bind=1 net.ipv6.ip_nonlocal_bind=1 ||
	fail "sysctl in client"
in_batch client <<-EOF
link set lo up
route add local 10.4.0.0/16 dev lo
route add local fd00:4::/64 dev lo
route add 10.5.0.0/16 via 10.0.1.1
route add fd00:5::/32 via fd00:1::1
EOF
# A connection that finds no real server is refused at once by the
# director's ICMP error: no rate limit on those.
in_ns director sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 ||
	fail "sysctl in director"
in_batch director <<-EOF
link set lo up
route add 10.4.0.0/16 via 10.0.1.2
route add fd00:4::/64 via fd00:1::2
route add local 10.5.0.0/16 dev lo
route add local fd00:5::/32 dev lo
EOF
in_ns director nft add table inet lvs_marks || fail "nft add table"
in_ns director nft add chain inet lvs_marks pre \
	'{ type filter hook prerouting priority mangle; }' || fail "nft add chain"

# (one process: it enters each real server's namespace itself)
"${python[@]}" "$e2e_dir/_sched_responder.py" "$port" "${real_servers[@]}" \
	</dev/null >/dev/null &
on_exit "kill $!"
listening() {
	local rs
	for rs in "${real_servers[@]}"; do
		[ -n "$(ss -N "$rs" -Hlt "sport = :$port")" ] || return 1
		[ -n "$(ss -N "$rs" -Hlu "sport = :$port")" ] || return 1
	done
}

# The client: one process for every case (see _sched_client.py).
coproc CLIENT { in_ns client "${python[@]}" "$e2e_dir/_sched_client.py"; }
client_in=${CLIENT[1]} client_out=${CLIENT[0]}

# -- one case ----------------------------------------------------------------
#
# case_run TAG FAMILY SCHEDULER FLAGS WEIGHTS UPPERS COUNT [OPTION=VALUE...]
#   FLAGS     -b's argument, or - for none
#   WEIGHTS   the weights of rs1..rs4, added in that order: "1 0 2 1"
#   UPPERS    their upper thresholds (-x), 0 for none: "0 0 5 0"
#   COUNT     connections (divided by $scale on the test kernel)
# options:
#   dests=N   a firewall-mark service over N destination addresses,
#             instead of a VIP service
#   addrs=N   source addresses (64)
#   hold=P life=LO-HI   the share of connections held open, and for how
#             many of the following connections (none)
#   refuse=1  a connection may find no real server (sh, mh without
#             fallback, dh: the chosen one is unavailable)
#   same=src|dst  connections from one source address (to one
#             destination) never go to two real servers
#   expect=fo|wrr  the choices follow fo's or wrr's rule, checked here
#   record=0  twos: keep the choices out of the .served file
#   proto=udp  a UDP service, fed one-datagram flows (tcp)
#
# It runs twice: with $phase "setup", it only adds what the case needs to
# the director's configuration ($vips, $marks, $services: applied in one
# go each, as starting a program is slow under emulation); with "run", it
# runs the case.
declare -A opt
declare -A served_by=()
choices=()
phase=setup case_no=0 vips='' marks='' services=''

case_run() {
	local tag=$1 fam=$2 sched=$3 flags=$4 count=$(($7 / scale)) o
	local -a weights uppers
	[ -z "$quick" ] || [[ $quick == *" $tag "* ]] || return 0
	[ "$count" -ge 4 ] || count=4
	[ "$sched" != twos ] || [ $have_twos = 1 ] || return 0
	read -r -a weights <<<"$5"
	read -r -a uppers <<<"$6"
	opt=([dests]=0 [addrs]=64 [hold]=0 [life]=1-10 [refuse]=0 [same]=""
		[expect]="" [record]=1 [proto]=tcp)
	for o in "${@:8}"; do
		opt[${o%%=*}]=${o#*=}
	done
	case_no=$((case_no + 1))

	local svc dst="" i k=$case_no rules=''
	if [ "${opt[dests]}" -gt 0 ]; then
		svc="-f $k"
		[ "$fam" = 4 ] || svc+=" -6"
		for ((i = 1; i <= opt[dests]; i++)); do
			if [ "$fam" = 4 ]; then
				dst+=",10.5.$k.$i"
			else
				dst+=",fd00:5:$k::$(printf %x "$i")"
			fi
		done
		dst=${dst#,}
		if [ "$fam" = 4 ]; then
			marks+="add rule inet lvs_marks pre ip daddr 10.5.$k.0/24 meta mark set $k"$'\n'
		else
			marks+="add rule inet lvs_marks pre ip6 daddr fd00:5:$k::/64 meta mark set $k"$'\n'
		fi
	else
		if [ "$fam" = 4 ]; then
			dst=10.0.1.$((100 + k))
			vips+="addr add $dst/32 dev eth0"$'\n'
		else
			dst=fd00:1::1:$k
			vips+="addr add $dst/128 dev eth0 nodad"$'\n'
		fi
		svc="-t $(hostport "$fam" "$dst")"
		[ "${opt[proto]}" = tcp ] || svc="-u ${svc#-t }"
	fi

	rules="-A $svc -s $sched"
	[ "$flags" = - ] || rules+=" -b $flags"
	rules+=$'\n'
	for ((i = 0; i < ${#real_servers[@]}; i++)); do
		rules+="-a $svc -r $(hostport "$fam" "$(rip "$fam" "${real_servers[i]}")") -m"
		rules+=" -w ${weights[i]} -x ${uppers[i]}"$'\n'
	done
	if [ $phase = setup ]; then
		services+=$rules
		return 0
	fi

	local line n src sp d who key ended=0
	local dump=()
	[ -n "$quick" ] ||
		dump=(--dump "nsenter --net=/run/netns/director ipvsadm -Ln $svc")
	printf '%q ' --seed "$tag" --count "$count" --dst "$dst" --port "$port" \
		--addrs "${opt[addrs]}" --hold "${opt[hold]}" --life "${opt[life]}" \
		--proto "${opt[proto]}" "${dump[@]}" >&"$client_in"
	echo >&"$client_in"
	choices=()
	served_by=()
	declare -A seen=()
	while read -r -t 300 line <&"$client_out"; do
		case $line in
		end)
			ended=1
			break
			;;
		[0-9]*)
			read -r n src sp d who <<<"$line"
			choices+=("$who")
			served_by[$who]=$((${served_by[$who]:-0} + 1))
			[ "${opt[record]}" = 0 ] ||
				echo "$tag $n $src $sp $d $who" >>"$served"
			[ "$who" != - ] || [ "${opt[refuse]}" = 1 ] ||
				fail "$tag: connection $n ($src $sp -> $d) was not served"
			case ${opt[same]} in
			src) key=$src ;;
			dst) key=$d ;;
			*) key= ;;
			esac
			if [ -n "$key" ] && [ "$who" != - ]; then
				[ "${seen[$key]:-$who}" = "$who" ] ||
					fail "$tag: $key went to ${seen[$key]} and to $who"
				seen[$key]=$who
			fi
			;;
		"IP Virtual Server"*)
			# (the connection table's size may differ)
			;;
		*)
			[ "${opt[record]}" = 0 ] || echo "$tag ipvsadm: $line" >>"$served"
			;;
		esac
	done
	[ $ended = 1 ] || fail "$tag: the client stopped"
	[ ${#choices[@]} = "$count" ] ||
		fail "$tag: ${#choices[@]} answers to $count connections"

	local rs summary=
	for ((i = 0; i < ${#real_servers[@]}; i++)); do
		rs=${real_servers[i]}
		summary+=" $rs=${served_by[$rs]:-0}"
		[ "${weights[i]}" != 0 ] || [ -z "${served_by[$rs]:-}" ] ||
			fail "$tag: $rs has weight 0 and took ${served_by[$rs]} connections"
		case $sched in lblc|lblcr) continue ;; esac
		[ "${uppers[i]}" = 0 ] || [ "${served_by[$rs]:-0}" -le "${uppers[i]}" ] ||
			fail "$tag: $rs took ${served_by[$rs]} connections, upper threshold ${uppers[i]}"
	done
	summary+=" none=${served_by[-]:-0}"
	[ "${opt[proto]}" = tcp ] || expect_inactive "$tag" "$svc"
	case ${opt[expect]} in
	fo) expect_fo "$tag" "$5" "$6" ;;
	wrr) expect_wrr "$tag" "$5" ;;
	esac
	log "$tag: -s $sched ${flags/#-/} ipv$fam, $count connections:$summary"
}

# fo: each connection to the heaviest real server not yet at its upper
# threshold (no connection ends during the case), the newest of equal
# weights (the list is newest first: the last added).
expect_fo() {
	local tag=$1 i n best want
	local -a w u took=(0 0 0 0)
	read -r -a w <<<"$2"
	read -r -a u <<<"$3"
	for ((n = 0; n < ${#choices[@]}; n++)); do
		best=-1
		for ((i = ${#w[@]} - 1; i >= 0; i--)); do
			[ "${w[i]}" -gt 0 ] || continue
			[ "${u[i]}" = 0 ] || [ "${took[i]}" -lt "${u[i]}" ] || continue
			[ $best -ge 0 ] && [ "${w[i]}" -le "${w[best]}" ] || best=$i
		done
		want=-
		if [ $best -ge 0 ]; then
			want=${real_servers[best]}
			took[best]=$((took[best] + 1))
		fi
		expect_eq "${choices[n]}" "$want" "$tag: connection $((n + 1))"
	done
}

# A UDP flow is an inactive connection for its whole life (none has
# expired yet): every real server of the service shows ActiveConn 0, and
# the InActConn add up to the flows served.
expect_inactive() {
	local tag=$1 svc=$2 list active inact
	# shellcheck disable=SC2086 # $svc is ipvsadm's two words
	list=$(lb -Ln $svc) || fail "$tag: ipvsadm -Ln $svc"
	read -r active inact <<<"$(awk '$1 == "->" && $2 != "RemoteAddress:Port" {
		a += $5; i += $6 } END { print a + 0, i + 0 }' <<<"$list")"
	expect_eq "$active" 0 "$tag: ActiveConn of UDP flows"
	expect_eq "$inact" $((${#choices[@]} - ${served_by[-]:-0})) \
		"$tag: InActConn of UDP flows"
}

# wrr with no thresholds: over whole cycles (sum of weights / their gcd
# connections), each real server takes weight / gcd per cycle.
expect_wrr() {
	local tag=$1 i g=0 a b t sum=0 cycles
	local -a w
	read -r -a w <<<"$2"
	for i in "${w[@]}"; do
		a=$g b=$i
		while [ "$b" -gt 0 ]; do
			t=$((a % b)) a=$b
			b=$t
		done
		g=$a sum=$((sum + i))
	done
	cycles=$((${#choices[@]} * g / sum))
	[ $((cycles * sum / g)) = ${#choices[@]} ] ||
		fail "$tag: ${#choices[@]} connections are not whole wrr cycles"
	for ((i = 0; i < ${#w[@]}; i++)); do
		expect_eq "${served_by[${real_servers[i]}]:-0}" \
			$((cycles * w[i] / g)) "$tag: ${real_servers[i]}'s share"
	done
}

# twos: the choices' chi-square against the weights' shares below 16.3
# (3 degrees of freedom, p = 0.001; twos' second choice evens the load
# per weight out, which only lowers it).
expect_twos() {
	local tag=$1 i total=0 wsum=0 chi
	local -a w
	read -r -a w <<<"$2"
	for i in "${w[@]}"; do
		wsum=$((wsum + i))
	done
	total=${#choices[@]}
	chi=$(for ((i = 0; i < ${#w[@]}; i++)); do
		[ "${w[i]}" = 0 ] || echo "${w[i]} ${served_by[${real_servers[i]}]:-0}"
	done | awk -v n="$total" -v s="$wsum" '
		{ e = n * $1 / s; x += ($2 - e) * ($2 - e) / e }
		END { printf "%.2f", x }')
	log "$tag: chi-square $chi against the weights $2"
	awk -v x="$chi" 'BEGIN { exit !(x < 16.27) }' ||
		fail "$tag: twos' choices do not follow the weights (chi-square $chi)"
}

# -- the cases -------------------------------------------------------------------

# ipvsadm -A takes every scheduler's name (one service each, on ports 1,
# 2, ...) and ipvsadm -Ln shows it; an unknown name fails with ENOENT,
# which ipvsadm words as below.
check_names() {
	local name i=0 add='' del='' list msg before prefix=lvs_ others=()
	[ "$lvs_impl" = lvs ] || prefix=ip_vs_
	unload_modules "${prefix}wlc"
	# The others are loaded by one modprobe: a module loaded on demand
	# costs a modprobe each (seconds under the debug kernel), and wlc
	# alone shows that loading by name works.
	for name in "${schedulers[@]}"; do
		[ "$name" = wlc ] || others+=("$prefix$name")
	done
	quietly modprobe -a "${others[@]}" || true
	for name in kunit sched_wlc pe_sip Wlc wlc/../rr; do
		before=$(loaded_modules "$prefix")
		if msg=$(lb -A -t 10.0.1.99:80 -s "$name" 2>&1); then
			fail "ipvsadm -A -s $name succeeded"
		fi
		echo "names $name: $msg" >>"$served"
		case $msg in
		*"Scheduler or persistence engine not found"*) ;;
		*) fail "ipvsadm -A -s $name: '$msg', not ENOENT's message" ;;
		esac
		[ "$lvs_impl" = ipvs ] ||
			expect_eq "$(loaded_modules "$prefix")" "$before" \
				"modules of $prefix* after ipvsadm -A -s $name"
	done
	for name in "${schedulers[@]}"; do
		i=$((i + 1))
		[ "$name" != twos ] || [ $have_twos = 1 ] || continue
		add+="-A -t 10.0.1.99:$i -s $name"$'\n'
		del+="-D -t 10.0.1.99:$i"$'\n'
	done
	lb -R <<<"$add" || fail "ipvsadm -A with each scheduler's name: $add"
	list=$(lb -Ln)
	i=0
	for name in "${schedulers[@]}"; do
		i=$((i + 1))
		[[ $add == *" -s $name"$'\n'* ]] || continue
		grep -q "^TCP  10.0.1.99:$i $name *\$" <<<"$list" ||
			fail "ipvsadm -Ln does not show scheduler $name: $list"
		[ "$name" = twos ] || echo "names $name ok" >>"$served"
	done
	lb -R <<<"$del" || fail "ipvsadm -D of those services"
	grep -q "^${prefix}wlc " /proc/modules ||
		fail "ipvsadm -A -s wlc did not load ${prefix}wlc"
	if msg=$(lb -A -t 10.0.1.99:80 -s nosuch 2>&1); then
		fail "ipvsadm -A -s nosuch succeeded"
	fi
	echo "names nosuch: $msg" >>"$served"
	case $msg in
	*"Scheduler or persistence engine not found"*) ;;
	*) fail "ipvsadm -A -s nosuch: '$msg', not ENOENT's message" ;;
	esac
	log "names: ok"
}

# -- the cases ------------------------------------------------------------------

all_cases() {
	# The rules that count nothing: list order, weights, thresholds.
	case_run rr 4 rr - "1 0 2 1" "0 0 5 0" 48 hold=0.3 life=1-8
	case_run rr6 6 rr - "2 1 1 0" "0 4 0 0" 30 hold=0.3 life=1-8
	case_run wrr 4 wrr - "4 2 6 0" "0 0 0 0" 60 expect=wrr
	case_run wrr-x 4 wrr - "3 0 6 9" "0 0 0 10" 48 hold=0.3 life=1-8
	case_run wrr6 6 wrr - "2 4 2 2" "0 0 0 0" 50 expect=wrr
	case_run fo 4 fo - "2 5 5 3" "0 6 4 0" 40 expect=fo
	case_run fo6 6 fo - "1 1 0 1" "3 0 0 3" 20 expect=fo

	# The rules that count connections: held ones are active, closed ones
	# inactive.
	case_run lc 4 lc - "1 1 1 1" "0 0 0 12" 60 hold=0.4 life=1-15
	case_run wlc 4 wlc - "1 3 0 2" "0 0 0 0" 60 hold=0.4 life=1-15
	case_run wlc6 6 wlc - "2 2 4 6" "0 9 0 0" 40 hold=0.5 life=2-10
	case_run sed 4 sed - "1 2 3 4" "0 0 9 0" 60 hold=0.4 life=1-15
	case_run nq 4 nq - "2 1 3 1" "0 0 0 0" 60 hold=0.3 life=1-6
	case_run ovf 4 ovf - "3 2 4 1" "0 0 0 0" 60 hold=0.6 life=3-12
	case_run ovf-x 4 ovf - "2 2 0 3" "0 6 0 0" 40 hold=0.5 life=2-8

	# UDP flows, one datagram each: all inactive connections, so sed and
	# nq see idle real servers and ovf none over its weight; lc and wlc
	# weigh them by count. The thresholds spread sed and ovf out.
	case_run lc-udp 4 lc - "1 1 1 1" "0 0 0 12" 40 proto=udp
	case_run wlc-udp 4 wlc - "1 3 0 2" "0 0 0 0" 40 proto=udp
	case_run wlc-udp6 6 wlc - "2 2 4 6" "0 9 0 0" 30 proto=udp
	case_run sed-udp 4 sed - "1 2 3 4" "0 0 6 9" 40 proto=udp
	case_run nq-udp 4 nq - "2 1 3 1" "0 0 0 0" 40 proto=udp
	case_run ovf-udp 4 ovf - "3 2 4 1" "5 0 8 0" 40 proto=udp

	# Keyed on the destination address: firewall-mark services over many.
	case_run dh 4 dh - "1 1 0 1" "0 0 0 10" 80 dests=48 refuse=1 same=dst
	case_run dh6 6 dh - "2 1 3 1" "0 0 0 0" 40 dests=24 same=dst
	case_run lblc 4 lblc - "1 2 1 3" "0 0 0 0" 80 dests=16 hold=0.5 life=5-20
	case_run lblc-x 4 lblc - "1 0 2 2" "0 0 8 0" 60 dests=8 hold=0.4 life=3-12
	case_run lblcr 4 lblcr - "1 2 1 3" "0 0 0 0" 80 dests=16 hold=0.5 life=5-20
	case_run lblcr6 6 lblcr - "2 0 1 1" "0 0 0 8" 60 dests=8 hold=0.4 life=3-12

	# Keyed on the source address (and port): many of each. rs3 reaches its
	# upper threshold part way (for mh: rs4), then its buckets or slots
	# refuse (or, with the fallback flag, pass on to others).
	for sched in sh mh; do
		ws="2 0 3 1" x4="0 0 14 0" x6="0 0 6 0"
		[ $sched = sh ] || ws="4 2 0 6" x4="0 0 0 14" x6="0 0 0 6"
		for flags in - $sched-fallback $sched-port $sched-fallback,$sched-port; do
			tag=$sched same=src refuse=1 u6=$x6
			[ "$flags" = - ] || tag=$sched${flags#"$sched"}
			case $flags in *-port*) same= ;; esac
			# (over IPv6, a refused connect takes the client a second: the
			# director's ICMP error comes while connect() holds the socket)
			case $flags in
			*-fallback*) refuse=0 same= ;;
			*) u6="0 0 0 0" ;;
			esac
			case_run "$tag" 4 $sched "$flags" "$ws" "$x4" 64 addrs=40 \
				same=$same refuse=$refuse hold=0.2 life=1-10
			case_run "${tag}6" 6 $sched "$flags" "$ws" "$u6" 30 addrs=24 \
				same=$same refuse=$refuse
		done
	done

	# twos is random: its choices against its weights, for the implementations
	# that have it.
	case_run twos 4 twos - "1 2 0 3" "0 0 0 0" 400 record=0
	[ $phase = setup ] || [ $have_twos = 0 ] || expect_twos twos "1 2 0 3"
}

# Set the director up for all cases at once, while the Python processes
# start. (The 6.1 ip_vs has no twos.)
have_twos=1
if [ "$lvs_impl" = ipvs ] && ! quietly modinfo ip_vs_twos; then
	have_twos=0
	log "this ip_vs has no twos"
fi
all_cases
in_batch director <<<"$vips"
in_ns director nft -f - <<<"$marks" || fail "nft: the firewall marks"
check_names
lb -R <<<"$services" || fail "ipvsadm -R: the cases' services"
wait_for 60 listening || fail "the responders do not listen"
log "set up: $case_no cases"

phase=run case_no=0
all_cases
log "ok"
