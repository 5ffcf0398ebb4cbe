#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A transparent cache cluster (net.ipv4.vs.cache_bypass): the director
# marks web traffic to an origin server (10.0.2.50, fd00:2::50, which rs3
# holds) and policy routing delivers it locally, to a firewall-mark
# service whose real servers rs1 and rs2 are the caches (NAT).
#
#   caches up                  the caches answer ("rs1", "rs2");
#   no cache, cache_bypass=0   the client is not served: IPv6 refused
#                              (port unreachable), IPv4 hears nothing
#                              (the director's port unreachable would
#                              come from the origin's address, not its
#                              own, so its stack does not send it);
#   no cache, cache_bypass=1   the flow goes on to the origin ("rs3"), and
#                              ipvsadm -Lnc lists it with no real server.
#
#   client ---- director ---- lan ---- rs1 rs2 (caches)
#        mark 1 on tcp dport 80      `-- rs3 (origin 10.0.2.50)
#        to the origin -> local
#
# Topology: tests/e2e/_lib.sh's NAT site.
. "$(dirname "$0")/_lib.sh"

load_balancer
make_topology nat
start_responders
declare -A origin=([4]=10.0.2.50 [6]=fd00:2::50)
in_batch rs3 <<-EOF
addr add ${origin[4]}/24 dev eth0
addr add ${origin[6]}/64 dev eth0 nodad
EOF
in_batch client <<-EOF
route add ${origin[4]}/32 via 10.0.1.1
route add ${origin[6]}/128 via fd00:1::1
EOF
in_ns director nft -f - <<NFT || fail "nft"
table inet lvs_test {
	chain pre {
		type filter hook prerouting priority mangle;
		ip daddr ${origin[4]} tcp dport $port meta mark set 1
		ip6 daddr ${origin[6]} tcp dport $port meta mark set 1
	}
}
NFT
in_ns director ip link set lo up || fail "lo up on the director"
# (the test kernel has no IPv6 policy routing: IPv4 alone there)
bypass_families=(4)
in_ns director ip -6 rule add fwmark 1 lookup 100 2>/dev/null &&
	bypass_families+=(6)
[ ${#bypass_families[@]} = 2 ] || log "no IPv6 policy routing here: IPv4 only"
for f in "${bypass_families[@]}"; do
	in_ns director ip -"$f" route add local default dev lo table 100 ||
		fail "ip -$f: a local route for the marked packets"
done
in_ns director ip -4 rule add fwmark 1 lookup 100 || fail "ip rule"

# fetch FAMILY: one connection from the client to the origin's port 80;
# prints who answered, or why not (ECONNREFUSED, ...)
# shellcheck disable=SC2016 # python, not shell
fetch_py='
import errno, socket, sys
fam, addr, port = sys.argv[1:]
s = socket.socket(socket.AF_INET6 if fam == "6" else socket.AF_INET)
s.settimeout(3)
try:
    s.connect((addr, int(port)))
    print(s.makefile().readline().strip() or "-")
except OSError as e:
    print(errno.errorcode.get(e.errno, "timeout"))
'
fetch() {
	in_ns client "${python[@]}" -c "$fetch_py" "$1" "${origin[$1]}" "$port"
}

# The entries in ipvsadm -Lnc that go to no cache: "STATE DESTINATION"
entries() {
	lb -Lnc | awk '$1 == "TCP" && $6 !~ /^(10\.0\.2\.1|\[fd00:2::1)/ {
		print $3, $6 }' | sort -u | tr '\n' ' '
}

caches=(rs1 rs2)
for fam in "${bypass_families[@]}"; do
	f6=
	[ "$fam" = 6 ] && f6=-6
	lb -A -f 1 $f6 -s rr || fail "ipvsadm -A -f 1"
	for rs in "${caches[@]}"; do
		lb -a -f 1 $f6 -r "$(rip "$fam" "$rs")" -m ||
			fail "ipvsadm -a $rs"
	done

	got="$(fetch "$fam") $(fetch "$fam")"
	echo "ipv$fam caches up: $got" >>"$served"
	case $got in
	"rs1 rs2" | "rs2 rs1") ;;
	*) fail "ipv$fam: caches up: expected rs1 and rs2 to answer, got $got" ;;
	esac

	for rs in "${caches[@]}"; do
		lb -e -f 1 $f6 -r "$(rip "$fam" "$rs")" -m -w 0 ||
			fail "ipvsadm -e $rs -w 0"
	done
	in_ns director sysctl -qw net.ipv4.vs.cache_bypass=0 || fail "sysctl"
	got=$(fetch "$fam")
	echo "ipv$fam no cache, cache_bypass=0: $got" >>"$served"
	case $got in
	rs*) fail "ipv$fam: no cache and no bypass, but $got answered" ;;
	esac

	lb -C
	lb -A -f 1 $f6 -s rr || fail "ipvsadm -A -f 1"
	in_ns director sysctl -qw net.ipv4.vs.cache_bypass=1 || fail "sysctl"
	got="$(fetch "$fam") $(fetch "$fam")"
	echo "ipv$fam no cache, cache_bypass=1: $got" >>"$served"
	expect_eq "$got" "rs3 rs3" "ipv$fam: no cache, bypass to the origin"
	listed=$(entries)
	echo "ipv$fam bypass entries: $listed" >>"$served"
	log "ipv$fam: bypass entries: $listed"
	in_ns director sysctl -qw net.ipv4.vs.cache_bypass=0
	lb -C
done
log "ok"
