#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A client that opens a new TCP connection from the port of one that just
# closed (what busy clients and kube-proxy nodes do), with
# net.ipv4.vs.conn_reuse_mode:
#
#   0    the SYN continues the old entry: the same real server again;
#   1    (default) an entry in TIME_WAIT or CLOSE is ended and the SYN is
#        scheduled anew (rr: the next real server); on a direct-routing
#        director the entry of a closed connection is still in FIN_WAIT
#        (the director sees only the client's side), so the same real
#        server again;
#   2|1  (3) FIN_WAIT entries of direct routing are rescheduled too.
#
# Each new connection must be answered at once: a rescheduled SYN is not
# dropped for the client to send again a second later.
#
#              client ---------------- director ------ lan --- rs1 rs2 rs3
#   10.0.1.2 (DR), 10.0.3.2 (NAT)      VIP 10.0.1.100
#              `--- 10.0.2.2 on lan: the real servers' way back (DR)
#
# Topology: tests/e2e/_lib.sh's DR site. The NAT services' client uses a
# second address, 10.0.3.2 / fd00:3::2, which the real servers reach
# through the director (their default route), so their answers are
# translated there.
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology dr
# The client forgets a closed connection at once (no TIME_WAIT), so its
# port can be used again; its peer closed too, so no real server holds
# the old connection either.
in_ns client sysctl -qw net.ipv4.tcp_max_tw_buckets=0 ||
	fail "sysctl tcp_max_tw_buckets"
in_batch client <<-EOF
addr add 10.0.3.2/32 dev eth0
addr add fd00:3::2/128 dev eth0 nodad
EOF
in_batch director <<-EOF
route add 10.0.3.2/32 via 10.0.1.2
route add fd00:3::2/128 via fd00:1::2
EOF
start_responders

declare -A nat_client=([4]=10.0.3.2 [6]=fd00:3::2)
declare -A dr_client=([4]=10.0.1.2 [6]=fd00:1::2)

# connect_from FAMILY ADDRESS PORT: one connection to the VIP from that
# address and port; reads the real server's name, closes (half-close,
# then waits for the real server's close), sets "NAME SYNS" (how many
# times the client had to send its SYN again: tcpi_total_retrans), or
# "- -" into $line. One python in the client's namespace makes them all,
# a line of input each (starting one per connection cost seconds each;
# not in a $(...): a subshell has no coproc).
# shellcheck disable=SC2016 # python, not shell
connect_py='
import socket, struct, sys
def connect(fam, src, sport, vip, port):
    s = socket.socket(socket.AF_INET6 if fam == "6" else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(5)
    try:
        s.bind((src, int(sport)))
        s.connect((vip, int(port)))
        info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        again = struct.unpack_from("I", info, 100)[0]
        who = s.makefile().readline().strip()
        s.shutdown(socket.SHUT_WR)
        while s.recv(100):
            pass
        return "%s %d" % (who, again)
    except OSError as e:
        print(e, file=sys.stderr)
        return "- -"
    finally:
        s.close()
for line in sys.stdin:
    print(connect(*line.split()), flush=True)
'
coproc CONNECT { in_ns client "${python[@]}" -c "$connect_py"; }
connect_from() {
	echo "$1 $2 $3 ${vip[$1]} $port" >&"${CONNECT[1]}"
	read -r -t 30 line <&"${CONNECT[0]}" || line="- -"
}

# The state of the entry of client ADDRESS:PORT in ipvsadm -Lnc.
entry_state() {
	local who=$2:$3
	[ "$1" = 6 ] && who="[$2]:$3"
	lb -Lnc | awk -v c="$who" '$4 == c { print $3; exit }'
}
closed_entry() {
	state=$(entry_state "$@")
	case $state in
	"" | ESTABLISHED | SYN_RECV) return 1 ;;
	esac
}

# reuse METHOD MODE FAMILY EXPECT: four connections, one after the other,
# from one client port, with conn_reuse_mode=MODE; EXPECT is "same" (all
# on one real server) or "next" (each on another than the one before).
cport=43000
reuse() {
	local method=$1 mode=$2 fam=$3 expect=$4 opt=-g client i rs
	local who=() line again
	[ "$method" = nat ] && opt=-m
	client=${dr_client[$fam]}
	[ "$method" = nat ] && client=${nat_client[$fam]}
	in_ns director sysctl -qw "net.ipv4.vs.conn_reuse_mode=$mode" ||
		fail "sysctl conn_reuse_mode=$mode"
	lb -C
	on_service tcp "$fam" -A -s rr || fail "ipvsadm -A"
	for rs in "${real_servers[@]}"; do
		on_service tcp "$fam" -a -r "$(hostport "$fam" "$(rip "$fam" "$rs")")" \
			"$opt" || fail "ipvsadm -a $rs"
	done
	for i in 1 2 3 4; do
		connect_from "$fam" "$client" "$cport"
		read -r rs again <<<"$line"
		[ "$rs" != - ] || fail "$method mode $mode ipv$fam: connection $i got no answer"
		# (a dropped SYN is sent again a second later)
		[ "$again" = 0 ] ||
			fail "$method mode $mode ipv$fam: connection $i: the client sent its SYN $again more time(s)"
		wait_for 10 closed_entry "$fam" "$client" "$cport" ||
			fail "$method mode $mode ipv$fam: the entry is not closing: $(lb -Lnc)"
		who+=("$rs")
		echo "$method mode $mode ipv$fam $i $rs $state" >>"$served"
	done
	log "$method conn_reuse_mode=$mode ipv$fam: ${who[*]} (entry $state)"
	for i in 1 2 3; do
		case $expect in
		same) [ "${who[i]}" = "${who[0]}" ] ||
			fail "$method mode $mode ipv$fam: expected one real server, got ${who[*]}" ;;
		next) [ "${who[i]}" != "${who[i - 1]}" ] ||
			fail "$method mode $mode ipv$fam: expected another real server each time, got ${who[*]}" ;;
		esac
	done
	cport=$((cport + 1))
}

reuse nat 0 4 same
reuse nat 1 4 next
reuse nat 1 6 next
reuse dr 1 4 same
reuse dr 2 4 next
reuse dr 3 6 next
log "ok"
