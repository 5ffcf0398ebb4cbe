#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence (ipvsadm -p, -M), on a NAT director with rr, which would
# otherwise send each new connection to the next real server:
#
#   - TCP -p 300: a client's connections all go to one real server, and
#     another client's to the next; a template per client is listed by
#     ipvsadm -Lnc, ASSURED once one was established, and counted by
#     --persistent-conn;
#   - -M 255.255.255.0: every client address of the /24 shares one
#     template, so one real server;
#   - IPv6 -M 64 likewise for a /64;
#   - UDP -p 5 with a 1 s UDP timeout: once the flows and then the
#     template have expired, the client is scheduled afresh (next server);
#   - a firewall-mark service (nft marks ports 80 and 8080) with -p: a
#     client's connections to both ports share one real server;
#   - removing the real server of a template sends the client's next
#     connection elsewhere.
#
# Topology: tests/e2e/_lib.sh's NAT site; the client holds extra
# addresses 10.0.1.20-23 and fd00:1::20-21.
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology nat
in_batch client <<-EOF
addr add 10.0.1.20/24 dev eth0
addr add 10.0.1.21/24 dev eth0
addr add 10.0.1.22/24 dev eth0
addr add 10.0.1.23/24 dev eth0
addr add fd00:1::20/64 dev eth0 nodad
addr add fd00:1::21/64 dev eth0 nodad
EOF
start_responders
# a SYN lost on a slow (emulated, debug) kernel is sent again, thrice
in_ns client sysctl -qw net.ipv4.tcp_syn_retries=3

v4=${vip[4]} v6=${vip[6]}
add_rs() {
	local svc=$1 fam=$2 rs
	for rs in "${real_servers[@]}"; do
		# shellcheck disable=SC2086 # "-t VIP:PORT": two words
		lb -a $svc -r "$(rip "$fam" "$rs")" -m ||
			fail "ipvsadm -a $svc $rs"
	done
}

# who FAMILY SOURCE-ADDRESS [PORT]: one TCP connection from that address
# to the VIP, the name of the real server that answered
who() {
	local fam=$1 src=$2 dport=${3:-$port} target=${vip[$1]}
	if [ "$fam" = 6 ]; then
		target="[$target]" src="[$src]"
	fi
	in_ns client socat -T 15 STDIO "TCP$fam:$target:$dport,bind=$src" \
		</dev/null 2>/dev/null | head -n 1
}

# expect_all NAME FAMILY SOURCE... : one connection from each source, twice
# over; all answered by one real server, which is printed
expect_all() {
	local what=$1 fam=$2 first= w src
	shift 2
	for src in "$@" "$@"; do
		w=$(who "$fam" "$src")
		[ -n "$w" ] || fail "$what: no answer from $src"
		[ -n "$first" ] || first=$w
		[ "$w" = "$first" ] || fail "$what: $src went to $w, not $first"
	done
	echo "$what $first" >>"$served"
	echo "$first"
}

# -- TCP -p 300, each client address its own template
lb -A -t "$v4:$port" -s rr -p 300 || fail "ipvsadm -A -p"
add_rs "-t $v4:$port" 4
a=$(expect_all "tcp client .20" 4 10.0.1.20)
b=$(expect_all "tcp client .21" 4 10.0.1.21)
[ "$a" != "$b" ] || fail "two clients, one template: both went to $a"
listing=$(lb -Lnc)
templates=$(awk '$3 == "ASSURED" && $4 ~ /:0$/' <<<"$listing" | wc -l)
expect_eq "$templates" 2 "templates listed by ipvsadm -Lnc: $listing"
persist=$(lb -Ln --persistent-conn | awk '$1 == "->" { n += $4 } END { print n }')
expect_eq "$persist" 2 "persistent connections (ipvsadm -Ln --persistent-conn)"
log "tcp -p 300: .20 -> $a, .21 -> $b, 2 templates"

# -- the real server of a template goes: the client moves on
lb -d -t "$v4:$port" -r "$(rip 4 "$a")" || fail "ipvsadm -d"
c=$(expect_all "tcp client .20 after removal" 4 10.0.1.20)
[ "$c" != "$a" ] || fail "after removing $a the client still went to it"
log "removed $a: .20 -> $c"
lb -D -t "$v4:$port"

# -- -M 255.255.255.0: the /24 shares one template
lb -A -t "$v4:$port" -s rr -p 300 -M 255.255.255.0 || fail "ipvsadm -A -M"
add_rs "-t $v4:$port" 4
a=$(expect_all "tcp /24" 4 10.0.1.20 10.0.1.21 10.0.1.22 10.0.1.23)
log "-M 255.255.255.0: all of 10.0.1.20-23 -> $a"
lb -D -t "$v4:$port"

# -- IPv6 -M 64
lb -A -t "[$v6]:$port" -s rr -p 300 -M 64 || fail "ipvsadm -A -M 64"
add_rs "-t [$v6]:$port" 6
a=$(expect_all "tcp6 /64" 6 fd00:1::20 fd00:1::21)
log "-M 64: fd00:1::20, ::21 -> $a"
lb -D -t "[$v6]:$port"

# -- UDP -p 5, flows of 1 s: the template expires 5 s after its last use
# (a template still in use when its time is up lasts 60 s more, in IPVS
# and lvs alike, so the flows must go first)
lb --set 0 0 1 || fail "ipvsadm --set"
lb -A -u "$v4:$port" -s rr -p 5 || fail "ipvsadm -A -u -p 5"
add_rs "-u $v4:$port" 4
first=$(client_requests udp 4 1 41000)
again=$(client_requests udp 4 1 41001)
expect_eq "$again" "$first" "udp -p 5: a second flow within the timeout"
udp_gone() { [ "$(lb -Lnc | awk '$1 == "UDP"' | wc -l)" = 0 ]; }
wait_for 30 udp_gone || fail "udp flows and template did not expire: $(lb -Lnc)"
later=$(client_requests udp 4 1 41002)
[ -n "$later" ] && [ "$later" != - ] || fail "udp: no answer after expiry"
[ "$later" != "$first" ] || fail "udp: still $first after the template expired"
echo "udp -p 5 $first $again $later" >>"$served"
log "udp -p 5: $first, $again, after expiry $later"
lb -D -u "$v4:$port"

# -- fwmark: ports 80 and 8080 marked 7, one persistent service
in_ns director nft -f - <<NFT || fail "nft"
table ip lvs_test {
	chain pre {
		type filter hook prerouting priority mangle;
		ip daddr $v4 tcp dport { $port, 8080 } meta mark set 7
	}
}
NFT
"${python[@]}" "$e2e_dir/_responder.py" 8080 rs1,tcp rs2,tcp rs3,tcp \
	</dev/null >/dev/null || fail "port 8080 responders"
lb -A -f 7 -s rr -p 300 || fail "ipvsadm -A -f 7"
add_rs "-f 7" 4
a=$(who 4 10.0.1.22 "$port")
b=$(who 4 10.0.1.22 8080)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "fwmark: port $port -> '$a', 8080 -> '$b'"
listing=$(lb -Lnc)
templates=$(awk '$1 == "IP" && $3 == "ASSURED"' <<<"$listing" | wc -l)
expect_eq "$templates" 1 "fwmark templates (protocol IP) listed: $listing"
echo "fwmark $a $b" >>"$served"
log "fwmark -p: ports $port and 8080 of .22 -> $a"
log "ok"
