#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The SIP persistence engine (ipvsadm --pe sip), on a NAT director with rr
# and -p 60. Without the engine every flow of a client goes to the real
# server of its template; with it a template is the client's (masked)
# address, the service and the Call-ID of the datagram that opens a flow:
#
#   - new flows (new source ports) with a Call-ID seen before go to that
#     Call-ID's real server; each new Call-ID goes to the next one (rr);
#   - the header is found as "Call-ID:" in any case or compact "i:", on
#     any line after the first (the body's too, whatever the first line
#     says), with spaces and tabs before and after the colon, the value
#     folded onto a continuation line, and line ends of CR LF, LF or CR
#     alone; the value is word[@word], all of it the key; the first
#     Call-ID header decides, but one whose value is "A@" (no host) is
#     passed over; a line "ix: ..." is no compact Call-ID;
#   - a datagram is dropped when its Call-ID is missing, empty, not
#     followed at once by its line's end ("A B", "A;x=1", "A@b@c", "A\0",
#     the datagram's end), on the first line, "A@" with no other after
#     it, or longer than 255 bytes (255 are fine); and when, before any
#     usable Call-ID, a line starts with "Call-ID" and no colon follows
#     ("Call-IDs:", "Call-ID A") or has an empty Call-ID: IPVS's parser
#     (nf_conntrack_sip's ct_sip_get_header) stops there;
#   - the same Call-ID from another client address is another template;
#     with -M 255.255.255.0 the /24 shares it;
#   - a real server's request from its port 5060 to a client, with no
#     flow yet, makes one on the director: the client sees it come from
#     VIP:5060, its answer reaches that real server, and a new flow with
#     that Call-ID goes there too (rr does not move);
#   - ipvsadm -Ln shows "persistent 60 pe sip"; ipvsadm -Lnc
#     --persistent-conn and /proc/net/ip_vs_conn list each template with
#     pe name "sip" and its Call-ID, the real server it chose;
#   - a TCP service with --pe sip drops new connections (the engine reads
#     UDP alone);
#   - ipvsadm -E without --pe removes the engine: a datagram without
#     Call-ID is served, the client's flows share one real server whatever
#     their Call-ID, a real server's request is no longer translated, and
#     TCP connections are served.
#
# IPv4 for all of it; IPv6 for the Call-ID key, compact header, a drop,
# another client address and a real server's request.
#
# Topology: tests/e2e/_lib.sh's NAT site, port 5060; the client holds the
# extra addresses 10.0.1.20-22 and fd00:1::20. tests/e2e/_sip.py is the
# real servers' SIP server and the client.
. "$(dirname "$0")/_lib.sh"

port=5060
v4=${vip[4]} v6=${vip[6]}

load_balancer
make_topology nat
in_batch client <<-EOF
addr add 10.0.1.20/24 dev eth0
addr add 10.0.1.21/24 dev eth0
addr add 10.0.1.22/24 dev eth0
addr add fd00:1::20/64 dev eth0 nodad
EOF

# The real servers: _sip.py serve answers UDP and TCP on port 5060 of both
# their addresses, and takes orders on /run/lvs-e2e-sip.rsN (made last).
for rs in "${real_servers[@]}"; do
	rm -f "/run/lvs-e2e-sip.$rs"
	on_exit "rm -f /run/lvs-e2e-sip.$rs"
	in_ns "$rs" "${python[@]}" "$e2e_dir/_sip.py" serve "$rs" \
		"$(rip 4 "$rs")" "$(rip 6 "$rs")" </dev/null >/dev/null &
done
sip_servers_ready() {
	local rs
	for rs in "${real_servers[@]}"; do
		[ -S "/run/lvs-e2e-sip.$rs" ] || return 1
	done
}
wait_for 90 sip_servers_ready || fail "the SIP servers do not listen"

add_service() {
	local svc=$1 fam=$2 rs
	shift 2
	# shellcheck disable=SC2086 # "-u VIP:PORT": two words
	lb -A $svc -s rr -p 60 "$@" || fail "ipvsadm -A $svc $*"
	for rs in "${real_servers[@]}"; do
		# shellcheck disable=SC2086
		lb -a $svc -r "$(hostport "$fam" "$(rip "$fam" "$rs")")" -m ||
			fail "ipvsadm -a $svc $rs"
	done
}
add_service "-u $v4:$port" 4 --pe sip
add_service "-u [$v6]:$port" 6 --pe sip
add_service "-t $v4:$port" 4 --pe sip

# sip: the commands on standard input (see _sip.py) through one client;
# what it printed, "NAME WHO" or "NAME FROM WHO", goes to $got[NAME] and
# to $served.
declare -A got=()
sip() {
	local out name rest
	out=$(in_ns client "${python[@]}" "$e2e_dir/_sip.py" client \
		"$v4" "$v6" "$sport") || fail "the SIP client failed"
	sport=$((sport + 100))
	while read -r name rest; do
		[ -n "$name" ] || continue
		got[$name]=$rest
		echo "$name $rest" >>"$served"
	done <<<"$out"
	log "${out//$'\n'/, }"
}

# expect NAME WHO...: what the client printed for NAME
expect() {
	expect_eq "${got[$1]:-nothing}" "${*:2}" "$1"
}

# rr's turn: the real server it takes after $1, in $cycle
cycle=()
after() {
	local i
	for i in 0 1 2; do
		if [ "${cycle[i]}" = "$1" ]; then
			echo "${cycle[(i + 1) % 3]}"
			return
		fi
	done
	echo "?"
}

long255=$(printf 'L%.0s' {1..255})
long256=$(printf 'M%.0s' {1..256})

# -- IPv4: the Call-ID is the key; how the header is found; what is dropped
sip <<-EOF
call v4.A1 10.0.1.2 A
call v4.B1 10.0.1.2 B
call v4.C1 10.0.1.2 C
call v4.A2 10.0.1.2 A
call v4.B2 10.0.1.2 B
call v4.C2 10.0.1.2 C
req v4.lower 10.0.1.2 'call-id: B\r\n'
req v4.upper 10.0.1.2 'CALL-ID: C\r\n'
req v4.compact 10.0.1.2 'i: A\r\n'
req v4.compact-upper 10.0.1.2 'I:B\r\n'
req v4.spaced 10.0.1.2 'Call-ID \t:  C\r\n'
req v4.folded 10.0.1.2 'Call-ID:\r\n \tA\r\n'
raw v4.lf 10.0.1.2 'INVITE sip:s@$v4 SIP/2.0\nTo: <sip:s@$v4>\nCall-ID: B\nCSeq: 1 INVITE\n\n'
raw v4.cr 10.0.1.2 'INVITE sip:s@$v4 SIP/2.0\rCall-ID: C\rCSeq: 1 INVITE\r\r'
req v4.no-host-then 10.0.1.2 'Call-ID: A@\r\nCall-ID: C\r\n'
req v4.compact-space 10.0.1.2 'i : C\r\n'
req v4.first-wins 10.0.1.2 'Call-ID: A\r\nCall-ID: B\r\n'
req v4.ix-then 10.0.1.2 'ix: Q\r\nCall-ID: B\r\n'
raw v4.body 10.0.1.2 'INVITE sip:s@$v4 SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\nCall-ID: C\r\n'
raw v4.not-sip 10.0.1.2 'hello\r\nCall-ID: A\r\n'
call v4.D-at 10.0.1.2 D@host.example
call v4.D-at2 10.0.1.2 D@host.example
call v4.D 10.0.1.2 D
& req v4.none 10.0.1.2 ''
& req v4.empty 10.0.1.2 'Call-ID:\r\n'
& req v4.space-after 10.0.1.2 'Call-ID: A B\r\n'
& req v4.semicolon 10.0.1.2 'Call-ID: A;x=1\r\n'
& raw v4.unterminated 10.0.1.2 'INVITE sip:s@$v4 SIP/2.0\r\nCall-ID: A'
& raw v4.request-line 10.0.1.2 'Call-ID: A\r\n'
& req v4.no-host 10.0.1.2 'Call-ID: A@\r\n'
& req v4.longer-name 10.0.1.2 'Call-IDs: x\r\nCall-ID: A\r\n'
& req v4.x-header 10.0.1.2 'X-Call-ID: A\r\n'
& req v4.empty-then 10.0.1.2 'Call-ID:\r\nCall-ID: A\r\n'
& req v4.no-colon-then 10.0.1.2 'Call-ID A\r\nCall-ID: B\r\n'
& req v4.at-at 10.0.1.2 'Call-ID: A@b@c\r\n'
& req v4.nul 10.0.1.2 'Call-ID: A\x00\r\n'
& call v4.256 10.0.1.2 $long256
wait
tcp v4.tcp-sip 10.0.1.2
EOF
cycle=("${got[v4.A1]}" "${got[v4.B1]}" "${got[v4.C1]}")
x1=${cycle[0]} x2=${cycle[1]} x3=${cycle[2]}
if [ "$x1" = - ] || [ "$x2" = - ] || [ "$x3" = - ] ||
	[ "$x1" = "$x2" ] || [ "$x2" = "$x3" ] || [ "$x1" = "$x3" ]; then
	fail "Call-IDs A B C of one client did not take the three real servers in turn: ${cycle[*]}"
fi
expect v4.A2 "$x1"
expect v4.B2 "$x2"
expect v4.C2 "$x3"
expect v4.lower "$x2"
expect v4.upper "$x3"
expect v4.compact "$x1"
expect v4.compact-upper "$x2"
expect v4.spaced "$x3"
expect v4.folded "$x1"
expect v4.lf "$x2"
expect v4.cr "$x3"
expect v4.no-host-then "$x3"
expect v4.compact-space "$x3"
expect v4.first-wins "$x1"
expect v4.ix-then "$x2"
expect v4.body "$x3"
expect v4.not-sip "$x1"
# new Call-IDs: rr goes on; "D" is not "D@host.example"
expect v4.D-at "$x1"
expect v4.D-at2 "$x1"
expect v4.D "$x2"
for name in none empty space-after semicolon unterminated request-line \
	no-host longer-name x-header empty-then no-colon-then at-at nul 256 \
	tcp-sip; do
	expect "v4.$name" -
done
log "ipv4: Call-IDs A B C -> $x1 $x2 $x3, each again and in other spellings likewise, malformed ones dropped"

# -- IPv4: other client addresses, a real server's request; IPv6
# (rr's next for IPv4 is $x3; the real server that calls the client is
# not the next one after that, $x1)
caller=$(after "$x1")
sip <<-EOF
call v4.A-other 10.0.1.20 A
call v4.A-other2 10.0.1.20 A
call v4.A3 10.0.1.2 A
incoming v4.callback 10.0.1.2 $caller R4
call v4.R 10.0.1.2 R4
call v4.R-other 10.0.1.20 R4
call v6.A1 fd00:1::2 A
call v6.B1 fd00:1::2 B
call v6.A2 fd00:1::2 A
req v6.compact fd00:1::2 'i: B\r\n'
& req v6.none fd00:1::2 ''
& call v6.256 fd00:1::2 $long256
wait
call v6.A-other fd00:1::20 A
call v6.A-other2 fd00:1::20 A
incoming v6.callback fd00:1::2 rs2 R6
call v6.R fd00:1::2 R6
call v6.F fd00:1::2 F
EOF
expect v4.A-other "$x3"
expect v4.A-other2 "$x3"
expect v4.A3 "$x1"
expect v4.callback "$v4:$port" "$caller"
expect v4.R "$caller"
expect v4.R-other "$x1"
log "ipv4: A from 10.0.1.20 -> $x3; $caller's request came from the VIP, its Call-ID R4 then -> $caller"
y1=${got[v6.A1]} y2=${got[v6.B1]}
if [ "$y1" = - ] || [ "$y2" = - ] || [ "$y1" = "$y2" ]; then
	fail "ipv6: Call-IDs A and B did not go to two real servers: $y1 $y2"
fi
y3=
for rs in "${real_servers[@]}"; do
	[ "$rs" = "$y1" ] || [ "$rs" = "$y2" ] || y3=$rs
done
expect v6.A2 "$y1"
expect v6.compact "$y2"
expect v6.none -
expect v6.256 -
expect v6.A-other "$y3"
expect v6.A-other2 "$y3"
expect v6.callback "[$v6]:$port" rs2
expect v6.R rs2
# rs2's request took no turn of rr's
expect v6.F "$y1"
log "ipv6: A B -> $y1 $y2, A from fd00:1::20 -> $y3, rs2's Call-ID R6 -> rs2"

# -- the listings
listing=$(lb -Ln)
for svc in "UDP  $v4:$port" "UDP  [$v6]:$port" "TCP  $v4:$port"; do
	grep -qxF "$svc rr persistent 60 pe sip" <<<"$listing" ||
		fail "ipvsadm -Ln does not show '$svc rr persistent 60 pe sip': $listing"
done
# The templates as ipvsadm -Lnc --persistent-conn lists them (its lines
# with pe name and data), without their expiry: "UDP NONE 10.0.1.2:0
# 10.0.1.100:5060 10.0.2.11:5060 sip A"
listing=$(lb -Lnc --persistent-conn)
templates=$(awk 'NF == 8 && $7 == "sip" { $2 = ""; print }' <<<"$listing" |
	tr -s ' ' | LC_ALL=C sort)
mapfile -t lines <<<"$templates"
printf 'template %s\n' "${lines[@]}" >>"$served"
n=$(grep -c . <<<"$templates")
expect_eq "$n" 13 "templates listed by ipvsadm -Lnc --persistent-conn: $listing"
# template_of CLIENT CALL-ID: the real server its template points to
template_of() {
	awk -v c="$1" -v id="$2" '$3 == c && $7 == id { print $5 }' <<<"$templates"
}
for t in "4 10.0.1.2 A $x1" "4 10.0.1.2 B $x2" "4 10.0.1.2 C $x3" \
	"4 10.0.1.2 D@host.example $x1" "4 10.0.1.2 D $x2" \
	"4 10.0.1.20 A $x3" "4 10.0.1.2 R4 $caller" "4 10.0.1.20 R4 $x1" \
	"6 [fd00:1::2] A $y1" "6 [fd00:1::2] B $y2" "6 [fd00:1::20] A $y3" \
	"6 [fd00:1::2] R6 rs2" "6 [fd00:1::2] F $y1"; do
	read -r fam client id rs <<<"$t"
	expect_eq "$(template_of "$client:0" "$id")" \
		"$(hostport "$fam" "$(rip "$fam" "$rs")")" \
		"template of $client, Call-ID $id, in: $listing"
done
persist=$(lb -Ln --persistent-conn | awk '$1 == "->" { n += $4 } END { print n }')
expect_eq "$persist" 13 "persistent connections (ipvsadm -Ln --persistent-conn)"
# /proc/net/ip_vs_conn: "UDP 0A000102 0000 0A000164 13C4 0A00020B 13C4 NONE
# 57 sip A" (IPv4 in hex)
proc=$(in_ns director cat /proc/net/ip_vs_conn)
awk '$1 == "UDP" && $2 == "0A000102" && $3 == "0000" &&
	$(NF - 1) == "sip" && $NF == "D@host.example" { found = 1 }
	END { exit !found }' <<<"$proc" ||
	fail "no template of D@host.example in /proc/net/ip_vs_conn: $proc"
log "listings: pe sip, 13 templates with their Call-IDs"

# -- -M 255.255.255.0: the /24 shares a template per Call-ID; a Call-ID of
# 255 bytes is a key like any other (after the listings: ipvsadm -Lnc
# reads lines of /proc/net/ip_vs_conn into 256 bytes)
lb -E -u "$v4:$port" -s rr -p 60 -M 255.255.255.0 --pe sip ||
	fail "ipvsadm -E -M 255.255.255.0 --pe sip"
lb -Ln | grep -qxF "UDP  $v4:$port rr persistent 60 mask 255.255.255.0 pe sip" ||
	fail "ipvsadm -Ln after -E -M: $(lb -Ln)"
sip <<-EOF
call v4.G 10.0.1.2 G
call v4.G-20 10.0.1.20 G
call v4.G-21 10.0.1.21 G
call v4.A-mask 10.0.1.21 A
call v4.255 10.0.1.2 $long255
call v4.255-20 10.0.1.20 $long255
EOF
g=$(after "$x1")
expect v4.G "$g"
expect v4.G-20 "$g"
expect v4.G-21 "$g"
# the templates of 10.0.1.2 and .20 are not those of 10.0.1.0/24
expect v4.A-mask "$(after "$g")"
expect v4.255 "$(after "$(after "$g")")"
expect v4.255-20 "$(after "$(after "$g")")"
n=$(in_ns director cat /proc/net/ip_vs_conn |
	awk -v id="$long255" '$2 == "0A000100" && $NF == id' | wc -l)
expect_eq "$n" 1 "templates of the 255-byte Call-ID for 10.0.1.0/24 in /proc/net/ip_vs_conn"
log "-M 255.255.255.0: G from .2 .20 .21 -> $g; a 255-byte Call-ID is a key"

# -- ipvsadm -E without --pe: plain persistence again
lb -E -u "$v4:$port" -s rr -p 60 || fail "ipvsadm -E -u without --pe"
lb -E -t "$v4:$port" -s rr -p 60 || fail "ipvsadm -E -t without --pe"
lb -Ln | grep -qxF "UDP  $v4:$port rr persistent 60" ||
	fail "ipvsadm -Ln after -E without --pe: $(lb -Ln)"
sip <<-EOF
req v4.plain-none 10.0.1.22 ''
call v4.plain-A 10.0.1.22 A
call v4.plain-H 10.0.1.22 H
incoming v4.plain-callback 10.0.1.22 $caller R5
tcp v4.tcp-plain 10.0.1.2
EOF
p=${got[v4.plain-none]}
[ "$p" != - ] || fail "without the engine a datagram without Call-ID got no answer"
expect v4.plain-A "$p"
expect v4.plain-H "$p"
expect v4.plain-callback "$(rip 4 "$caller"):$port" -
[ "${got[v4.tcp-plain]}" != - ] || fail "without the engine a TCP connection got no answer"
log "without --pe: 10.0.1.22 -> $p whatever the Call-ID; $caller's request not translated; TCP served"
log "ok"
