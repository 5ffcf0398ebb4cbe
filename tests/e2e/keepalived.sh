#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's stock keepalived (its health checker alone, keepalived -C) drives
# the director: a NAT virtual server (wrr; TCP_CHECK, HTTP_GET with status
# code and digest, MISC_CHECK with inhibit_on_failure; a quorum and a sorry
# server) and a DR one (rr, persistence_timeout, TCP_CHECK). Proves:
#  - the real servers keepalived adds appear in ipvsadm -Ln, as configured;
#  - stopping a real server's service removes it within a few check
#    intervals (or sets its weight to 0 where inhibit_on_failure), and new
#    connections avoid it; restarting the service brings it back;
#  - losing the quorum replaces the real servers by the sorry server, and
#    traffic goes there; regaining it switches back;
#  - stopping keepalived removes what it added, and only that;
#  - the DR service's persistence holds the client to one real server.
# Each stage's table (without the connection counts) and who served each
# connection go to the served file, to compare ip_vs and lvs.
#
#    client            director                lan          real servers
#  +-----------+     +-----------------+     +-------+     +----------------+
#  |      eth0 +-----+ eth0       eth1 +-----+  br0  +-----+ rs1       eth0 |
#  | 10.0.1.2  |     | 10.0.1.1        |     |       |     | 10.0.2.11      |
#  |           |     | VIP 10.0.1.100  |     |       |     | lo: 10.0.1.100 |
#  |           |     |   (DR)          |     |       |     +----------------+
#  |           |     | VIP 10.0.1.101  |     |       +-----+ rs2 .12, rs3 .13|
#  |           |     |   (NAT)         |     |       |     +----------------+
#  |           |     | keepalived -C   |     |       +-----+ rs4 .14: sorry |
#  |           |     |       10.0.2.1  |     |       |     +----------------+
#  |           |     +-----------------+     |       |
#  |      eth1 +-----------------------------+       |
#  | 10.0.2.2  |                             +-------+
#  +-----------+
#
#   Every real server answers TCP on port 80 with its name; rs2 also serves
#   HTTP on port 8080 for its HTTP_GET. Answers from a real server's own
#   address (NAT) go back through the director, its default route; answers
#   from the DR VIP go straight to the client's leg on the lan (a source
#   routing rule).
. "$(dirname "$0")/_lib.sh"

real_servers=(rs1 rs2 rs3 rs4)
vip[nat]=10.0.1.101
vip[dr]=${vip[4]}
http_port=8080

# The emulated debug kernel is several times slower: longer deadlines.
# keepalived checks every $delay seconds, and gives a check $timeout
# seconds (a stopped service refuses at once: a long time-out does not
# slow its detection, and keeps a starved checker from failing a healthy
# one); the table is polled every $poll seconds. On the debug kernel,
# every check (a fork on the real server) is dear: fewer of them.
slow=1 delay=1 timeout=2 poll=0.3 dr_count=3
[ "${LVS_KERNEL:-}" != test ] || slow=4 delay=4 timeout=8 poll=1 dr_count=2

work=$(mktemp -d)
on_exit "rm -rf $work"

# -- the real servers' services ------------------------------------------------
#
# Not _lib.sh's responders: none of them would survive being stopped and
# started again on its own, and their program per connection costs too much
# under keepalived's checks.

declare -A tcp_pid=() http_pid=()

# wait_for, polling every $poll seconds: each poll starts a program.
wait_for_slowly() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep "$poll"
	done
}

listening() {
	[ -n "$(ss -N "$1" -Hltn "sport = :$2")" ]
}

# A real server's service on port $port: it sends its name and closes.
# socat forks for each connection but runs no program, so that
# keepalived's checks, several a second, cost little under emulation.
start_tcp() {
	echo "$1" >"$work/$1"
	nsenter --net="/run/netns/$1" socat -U \
		"TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork" "OPEN:$work/$1,rdonly" \
		</dev/null >/dev/null &
	tcp_pid[$1]=$!
	wait_for_slowly $((10 * slow)) listening "$1" "$port" ||
		fail "$1 does not listen on port $port"
}

start_http() {
	mkdir -p "$work/www"
	echo "$1 is healthy" >"$work/www/health.html"
	nsenter --net="/run/netns/$1" busybox httpd -f -p "$http_port" \
		-h "$work/www" </dev/null >/dev/null &
	http_pid[$1]=$!
	wait_for_slowly $((10 * slow)) listening "$1" "$http_port" ||
		fail "$1 does not listen on port $http_port"
}

# stop PID: the end of a service
stop() {
	kill "$1"
	wait "$1" || true
}

# -- keepalived ----------------------------------------------------------------

# Every checker: a check every $delay s, a failure counted after one retry
# a second later, no random delay before the first check.
# MISC_CHECK runs a script that asks the real server for its name on port
# 80, as a client would (busybox: a program that starts fast).
write_config() {
	local digest
	digest=$(md5sum <"$work/www/health.html" | cut -d' ' -f1)
	cat >"$work/check-name" <<-'EOF'
	#!/bin/busybox sh
	[ "$(busybox nc -w 5 "$1" "$2" </dev/null)" = "$3" ]
	EOF
	chmod 755 "$work/check-name"
	cat >"$work/keepalived.conf" <<-EOF
	global_defs {
		router_id lvs-e2e
		script_user root
	}
	virtual_server ${vip[nat]} $port {
		delay_loop $delay
		lb_algo wrr
		lb_kind NAT
		protocol TCP
		quorum 3
		sorry_server $(rip 4 rs4) $port
		real_server $(rip 4 rs1) $port {
			weight 2
			TCP_CHECK {
				connect_timeout $timeout
				retry 1
				delay_before_retry 1
				warmup 0
			}
		}
		real_server $(rip 4 rs2) $port {
			weight 2
			HTTP_GET {
				url {
					path /health.html
					status_code 200
					digest $digest
				}
				connect_port $http_port
				connect_timeout $timeout
				retry 1
				delay_before_retry 1
				warmup 0
			}
		}
		real_server $(rip 4 rs3) $port {
			weight 1
			inhibit_on_failure
			MISC_CHECK {
				misc_path "$work/check-name $(rip 4 rs3) $port rs3"
				misc_timeout $((5 * slow))
				retry 1
				delay_before_retry 1
				warmup 0
			}
		}
	}
	virtual_server ${vip[dr]} $port {
		delay_loop $delay
		lb_algo rr
		lb_kind DR
		persistence_timeout 30
		protocol TCP
	EOF
	for rs in rs1 rs2 rs3; do
		cat >>"$work/keepalived.conf" <<-EOF
		real_server $(rip 4 "$rs") $port {
			weight 1
			TCP_CHECK {
				connect_timeout $timeout
				retry 1
				delay_before_retry 1
				warmup 0
			}
		}
		EOF
	done
	echo "}" >>"$work/keepalived.conf"
}

keepalived_log=${LVS_OUT:-/tmp}/e2e/$e2e_name.$lvs_impl.daemon.log
keepalived_pid=

# The health checker alone (-C), in the foreground (-n), logging in detail
# to its output (-l -D), its pid files in $work.
start_keepalived() {
	nsenter --net=/run/netns/director keepalived -C -n -l -D \
		-f "$work/keepalived.conf" -p "$work/keepalived.pid" \
		-c "$work/checkers.pid" -r "$work/vrrp.pid" \
		</dev/null >"$keepalived_log" 2>&1 &
	keepalived_pid=$!
	on_exit '[ -z "$keepalived_pid" ] || kill "$keepalived_pid"'
}

# SIGTERM: keepalived removes what it added and exits.
stop_keepalived() {
	local pid=$keepalived_pid
	keepalived_pid=
	kill "$pid"
	wait "$pid" || fail "keepalived exited $? on SIGTERM"
}

# -- the director's table --------------------------------------------------------

# Every program started costs dear on the debug kernel: what follows reads
# one ipvsadm -Ln at a time and parses it in bash.
listing=

# The table, less the header and the connection counts, which depend on
# timing.
table() {
	local f
	while read -r -a f; do
		case ${f[0]} in
		TCP|UDP) echo "${f[*]}" ;;
		-\>) [ "${f[1]}" = RemoteAddress:Port ] || echo "${f[*]:0:4}" ;;
		esac
	done <<<"$listing"
}

# The real servers of the NAT and the DR service and their weights, in
# ipvsadm's order (by address): "NAT rs1=2 rs3=1, DR rs1=1 rs3=1".
members() {
	local prot addr weight svc=
	local -A m=([nat]="" [dr]="")
	while read -r prot addr _ weight _; do
		case $prot in
		TCP)
			case $addr in
			"${vip[nat]}:$port") svc=nat ;;
			"${vip[dr]}:$port") svc=dr ;;
			*) svc= ;;
			esac
			;;
		-\>)
			[[ -n $svc && $addr == 10.0.2.1?:* ]] || continue
			addr=${addr#10.0.2.1}
			m[$svc]+=" rs${addr%%:*}=$weight"
			;;
		esac
	done <<<"$listing"
	echo "NAT${m[nat]}, DR${m[dr]}"
}

# expect_table STAGE WHAT NAT-MEMBERS DR-MEMBERS: wait until the table
# says so, then record it.
expect_table() {
	local stage=$1 what=$2 want="NAT $3, DR $4" start=$SECONDS
	local deadline=$((SECONDS + 15 * slow))
	until listing=$(lb -Ln) && [ "$(members)" = "$want" ]; do
		if [ $SECONDS -ge $deadline ]; then
			log "keepalived says:"
			tail -n 30 "$keepalived_log"
			fail "$stage, $what: $(members); expected $want"
		fi
		sleep "$poll"
	done
	log "$stage, $what: after $((SECONDS - start)) s, $want"
	record "$stage"
}

# record STAGE: the table, to $served
record() {
	local line
	while read -r line; do
		echo "$1 table $line"
	done <<<"$(table)" >>"$served"
}

# -- the client ------------------------------------------------------------------

# traffic STAGE SERVERS-OF-NAT SERVERS-OF-DR: five connections (a
# cycle of wrr 2 2 1) to the NAT service and $dr_count to the DR one, one
# after the other; every one answered, and by exactly the real servers
# expected. Who served each connection goes to $served. DR: the service
# is persistent, so the client sticks to one real server per stage.
traffic() {
	local stage=$1 svc n who i served_by
	local -A seen
	for svc in nat dr; do
		n=5 seen=() served_by=
		[ "$svc" = nat ] || n=$dr_count
		mapfile -t who <<<"$(client_requests tcp "$svc" "$n" "$sport")"
		sport=$((sport + n))
		log "$stage, $svc: ${who[*]}"
		[ ${#who[@]} = "$n" ] || fail "$stage, $svc: ${#who[@]} answers to $n"
		for ((i = 0; i < n; i++)); do
			[ "${who[i]}" != - ] ||
				fail "$stage, $svc: connection $((i + 1)) got no answer"
			echo "$stage $svc $((i + 1)) ${who[i]}" >>"$served"
			seen[${who[i]}]=1
		done
		for i in rs1 rs2 rs3 rs4; do
			[ -z "${seen[$i]:-}" ] || served_by+=" $i"
		done
		if [ "$svc" = nat ]; then
			expect_eq "${served_by# }" "$2" "$stage, NAT: who served"
		else
			for i in $served_by; do
				case " $3 " in
				*" $i "*) ;;
				*) fail "$stage, DR: $i served, expected only $3" ;;
				esac
			done
			[ "${served_by# }" = "${served_by##* }" ] ||
				fail "$stage, DR: persistence broken, served by$served_by"
		fi
	done
}

# -- the scenario ------------------------------------------------------------------

load_balancer
make_topology dr
# NAT answers from the real servers' own addresses go back through the
# director; DR answers from the VIP to the client's leg on the lan.
for rs in "${real_servers[@]}"; do
	in_batch "$rs" <<-EOF
	route del 10.0.1.0/24 via 10.0.2.2
	rule add from ${vip[dr]} table 100
	route add 10.0.1.0/24 via 10.0.2.2 table 100
	EOF
done
in_batch director <<<"addr add ${vip[nat]}/32 dev eth0"
for rs in "${real_servers[@]}"; do
	start_tcp "$rs"
done
start_http rs2
log "real servers up"

# A service keepalived does not know of: it must stay as it is.
lb -A -t "$(hostport 4 10.0.1.102)" -s rr || fail "ipvsadm -A"
lb -a -t "$(hostport 4 10.0.1.102)" -r "$(hostport 4 "$(rip 4 rs4)")" -m ||
	fail "ipvsadm -a"

write_config
start_keepalived
expect_table start "keepalived added its services" "rs1=2 rs2=2 rs3=1" "rs1=1 rs2=1 rs3=1"
traffic start "rs1 rs2 rs3" "rs1 rs2 rs3"

stop "${tcp_pid[rs1]}"
expect_table rs1-down "TCP_CHECK failed" "rs2=2 rs3=1" "rs2=1 rs3=1"
traffic rs1-down "rs2 rs3" "rs2 rs3"

# The quorum is 3: rs3 alone (weight 1) is not enough. keepalived puts in
# the sorry server and takes out the others (rs3 to weight 0, as it is
# inhibit_on_failure).
stop "${http_pid[rs2]}"
expect_table quorum-lost "HTTP_GET failed too" "rs3=0 rs4=1" "rs2=1 rs3=1"
traffic quorum-lost "rs4" "rs2 rs3"

# rs2 still answers on port 80, but keepalived keeps it out.
start_tcp rs1
expect_table quorum-back "TCP_CHECK passes" "rs1=2 rs3=1" "rs1=1 rs2=1 rs3=1"
traffic quorum-back "rs1 rs3" "rs1 rs2 rs3"

start_http rs2
expect_table all-up "HTTP_GET passes" "rs1=2 rs2=2 rs3=1" "rs1=1 rs2=1 rs3=1"
traffic all-up "rs1 rs2 rs3" "rs1 rs2 rs3"

stop "${tcp_pid[rs3]}"
expect_table rs3-down "MISC_CHECK failed, inhibited" "rs1=2 rs2=2 rs3=0" "rs1=1 rs2=1"
traffic rs3-down "rs1 rs2" "rs1 rs2"

start_tcp rs3
expect_table rs3-up "MISC_CHECK passes" "rs1=2 rs2=2 rs3=1" "rs1=1 rs2=1 rs3=1"
traffic rs3-up "rs1 rs2 rs3" "rs1 rs2 rs3"

stop_keepalived
listing=$(lb -Ln)
record stopped
expect_eq "$(table)" "TCP 10.0.1.102:80 rr
-> 10.0.2.14:80 Masq 1" "the table after keepalived stopped"
grep -q "Stopped Keepalived" "$keepalived_log" || fail "keepalived did not stop cleanly"
log "ok"
