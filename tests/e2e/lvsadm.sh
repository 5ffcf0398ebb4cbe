#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lvsadm, the admin CLI, against stock ipvsadm on the same table.
#
#   +------------------------------------------------+
#   | the VM (director): one IPVS table, lvs or ip_vs |
#   |   lvsadm --- writes ---> table <--- ipvsadm     |
#   |   lvsadm -L... == ipvsadm -L...  (byte equal)   |
#   |   lvsadm0 (dummy): routes to 10/8, fd00::/16    |
#   +------------------------------------------------+
#
# A table of TCP, UDP and fwmark services, IPv4 and IPv6, every forwarding
# method (tunnels of each type and checksum option), persistence with
# netmasks, scheduler flags, thresholds, one-packet scheduling and the sip
# persistence engine (where the kernel has it) is built with lvsadm, one
# command at a time. Then every listing ipvsadm has must read the same from
# both tools; save and restore must round-trip both ways (lvsadm -S into
# ipvsadm -R and the other way); edits, zeroing and deletions by lvsadm
# must show in ipvsadm; --json must parse and carry the right values;
# wrong command lines must fail with one line on stderr. No traffic: the
# other scenarios cover the data path.
. "$(dirname "$0")/_lib.sh"

lvsadm_bin=$(cd "$e2e_dir/../.." && pwd)/build/tools/lvsadm
[ -x "$lvsadm_bin" ] || skip "no $lvsadm_bin: build it with 'make tools'"

load_balancer
# The VM's own namespace is the director: no nsenter per command (starting
# programs is what costs under emulation). Real servers must be reachable
# unicast addresses for ip_vs: a dummy link gives them routes.
quietly modprobe dummy || true
ip link add lvsadm0 type dummy || fail "ip link add lvsadm0"
on_exit "ip link del lvsadm0"
on_exit "ipvsadm -C"
ip -batch - <<-EOF || fail "addresses on lvsadm0"
addr add 10.0.0.1/8 dev lvsadm0
addr add fd00::1/16 dev lvsadm0 nodad
link set lvsadm0 up
EOF

L() { "$lvsadm_bin" "$@"; }
I() { ipvsadm "$@"; }

work=$(mktemp -d)
on_exit "rm -rf $work"

# same OPTIONS...: ipvsadm and lvsadm print the same (stdout, stderr, status)
# (compared in bash: under emulation every program started costs; the
# status goes after the output, which keeps its last newline that way)
same() {
	local io ie lo le
	io=$(I "$@" 2>"$work/i.err"; echo "exit $?")
	lo=$(L "$@" 2>"$work/l.err"; echo "exit $?")
	ie=$(<"$work/i.err") le=$(<"$work/l.err")
	if [ "$io" != "$lo" ] || [ "$ie" != "$le" ]; then
		printf 'ipvsadm %s:\n%s\n%s\n' "$*" "$io" "$ie"
		printf 'lvsadm %s:\n%s\n%s\n' "$*" "$lo" "$le"
		fail "ipvsadm and lvsadm differ on '$*'"
	fi
}

listings=("-Ln" "-Ln --stats" "-Ln --rate" "-Ln --thresholds" "-Ln --persistent-conn"
	"-Ln --tun-info" "-Ln --stats --exact" "-Ln --nosort" "-S -n" "-L --timeout"
	"-Lnc" "-Ln --persistent-conn -c" "-Ln -t 10.0.1.100:80"
	"-Ln -u 10.0.1.100:53 --stats" "-Ln -f 6 -6" "-Ln -t [fd00:1::100]:80 --thresholds")

# ipvsadm -L --daemon fails (exit 1, nothing said) where the kernel cannot
# list sync daemons; compare it where it can.
if ipvsadm -L --daemon >/dev/null 2>&1; then
	listings+=("-L --daemon")
	daemons=1
else
	log "ipvsadm -L --daemon fails here: not compared"
	daemons=0
fi

all_same() {
	local l
	for l in "${@:-${listings[@]}}"; do
		# shellcheck disable=SC2086 # options
		same $l
	done
}

# The table, one lvsadm command per line: what both kernels must take.
rules="\
-A -t 10.0.1.100:80 -s rr
-a -t 10.0.1.100:80 -r 10.0.2.11:8080 -m -w 3 -x 100 -y 50
-a -t 10.0.1.100:80 -r 10.0.2.12 -g -w 0
-a -t 10.0.1.100:80 -r 10.0.2.13 -i
-a -t 10.0.1.100:80 -r 10.0.2.18:80 --ipip --tun-type=ipip
-A -t 10.0.1.100:443 -s wlc -p
-a -t 10.0.1.100:443 -r 10.0.2.11 -g
-A --udp-service 10.0.1.100:53 --scheduler sh --sched-flags sh-fallback,sh-port
-a -u 10.0.1.100:53 -r 10.0.2.11 -m -w 2 -x 7
-A -u 10.0.1.101:53 -s rr -o
-A -t 10.0.1.102:0 -s lc -p 120 -M 255.255.0.0
-A -t [fd00:1::100]:80 -s mh -b mh-port
-a -t [fd00:1::100]:80 -r [fd00:2::11]:8080 -m
-a -t [fd00:1::100]:80 -r [fd00:2::12] -g -w 5
-A -f 5 -s wrr -p 600 -M 255.255.255.0
-a -f 5 -r 10.0.2.11 -g
-a -f 5 -r 10.0.2.12:0 -m -w 4
-A -f 6 -6 -s lc -p 60 -M 64
-a -f 6 -6 -r fd00:2::11 -g -w 2"

# What lvs took later (ip_vs has all, both must take them): GUE and GRE
# tunnels, a real server of the other family behind a tunnel, the sip
# persistence engine.
declare -A optional=(
	[gue]="-a -t 10.0.1.100:80 -r 10.0.2.14 -i --tun-type gue --tun-port 6080 --tun-csum
-a -t 10.0.1.100:80 -r 10.0.2.15 -i --tun-type gue --tun-port 6081 --tun-remcsum
-a -t 10.0.1.100:80 -r 10.0.2.16 -i --tun-type gue --tun-port 6082 --tun-nocsum"
	[gre]="-a -t 10.0.1.100:80 -r 10.0.2.17 --ipip --tun-type gre --tun-csum
-a -t 10.0.1.100:80 -r 10.0.2.19 -i --tun-type gre"
	[mixed]="-a -t [fd00:1::100]:80 -r 10.0.2.19 -i"
	[sip]="-A -u 10.0.1.100:5060 -s rr -p 30 --pe sip"
)

# The first few one command per run, the rest in one lvsadm -R.
head -n 5 <<<"$rules" | while read -r line; do
	# shellcheck disable=SC2086 # a command line
	L $line || fail "lvsadm $line"
done
tail -n +6 <<<"$rules" | L -R || fail "lvsadm -R of the table"
log "table built with lvsadm: $(wc -l <<<"$rules") commands"
# What both implementations must agree on: the table as listed.
L -Ln >>"$served"

have=
for f in gue gre mixed sip; do
	ok=1
	while read -r line; do
		# shellcheck disable=SC2086 # a command line
		L $line 2>"$work/err" || { ok=0; break; }
	done <<<"${optional[$f]}"
	if [ $ok = 1 ]; then
		have+=" $f"
	else
		fail "$f: refused: $(cat "$work/err")"
	fi
done
log "optional features taken:${have:- none}"
export have
case $have in
*sip*)
	I -Ln | grep -q " pe sip$" || fail "--pe sip taken but not listed"
	;;
esac

all_same
log "listings: same"

# -S from one, -R into the other, both ways: the same table again.
I -Ln >"$work/before"
L -S -n >"$work/saved"
I -C
I -R <"$work/saved" || fail "ipvsadm -R of lvsadm -S"
I -Ln >"$work/after"
cmp -s "$work/before" "$work/after" || { diff "$work/before" "$work/after"; fail "lvsadm -S | ipvsadm -R"; }
I -S -n >"$work/saved"
L -C
L -R <"$work/saved" || fail "lvsadm -R of ipvsadm -S"
L -Ln >"$work/after"
cmp -s "$work/before" "$work/after" || { diff "$work/before" "$work/after"; fail "ipvsadm -S | lvsadm -R"; }
log "save/restore: round trips both ways"

# Changes made by lvsadm, seen by ipvsadm.
L --set 100 20 30 || fail "lvsadm --set"
L -E -t 10.0.1.100:80 -s wlc -p 30 || fail "lvsadm -E"
L -e -t 10.0.1.100:80 -r 10.0.2.11:8080 -m -w 5 -x 0 -y 0 || fail "lvsadm -e"
case $have in
*gue*)
	L -e -t 10.0.1.100:80 -r 10.0.2.14 -i --tun-type gue --tun-port 7000 --tun-nocsum ||
		fail "lvsadm -e tunnel"
	;;
esac
L -d -t 10.0.1.100:80 -r 10.0.2.12 || fail "lvsadm -d"
L -D -u 10.0.1.101:53 || fail "lvsadm -D"
L -Z || fail "lvsadm -Z"
L -Z -t 10.0.1.100:80 || fail "lvsadm -Z -t"
expect_eq "$(I -L --timeout)" "Timeout (tcp tcpfin udp): 100 20 30" "timeouts set by lvsadm"
all_same "-Ln" "-S -n" "-Ln --stats" "-Ln --thresholds" "-L --timeout"
log "edits: same"

# Refusals from the kernel: ipvsadm's words, ipvsadm's status.
same -D -t 10.9.9.9:80
same -A -t 10.0.1.100:80
same -a -t 10.9.9.9:80 -r 10.0.2.11
same -a -t 10.0.1.100:80 -r 10.0.2.11:8080 -m
same -d -t 10.0.1.100:80 -r 10.0.2.99
same -e -t 10.0.1.100:80 -r 10.0.2.99
same -a -t 10.0.1.100:80 -r 10.0.2.20 -x 10 -y 20
same -Ln -t 10.9.9.9:80
log "kernel errors: same"

# --json: parses, and says what the table holds.
json_check() {
	L "$@" --json >"$work/json" || fail "lvsadm $* --json"
	"${python[@]}" -c "$py_check" "$*" <"$work/json" || fail "lvsadm $* --json: $(cat "$work/json")"
}
# shellcheck disable=SC2016 # python
py_check='
import json, os, sys
d = json.load(sys.stdin)
what = sys.argv[1]
def svc(**k):
    m = [s for s in d["services"] if all(s.get(a) == v for a, v in k.items())]
    assert len(m) == 1, (k, m)
    return m[0]
def dest(s, addr, port):
    m = [x for x in s["dests"] if x["address"] == addr and x["port"] == port]
    assert len(m) == 1, (addr, port, s["dests"])
    return m[0]
if what == "-L --timeout":
    assert d == {"tcp": 100, "tcp_fin": 20, "udp": 30}, d
elif what == "-L --daemon":
    assert d == {"daemons": []}, d
elif what == "-L -c":
    assert isinstance(d["connections"], list), d
else:
    assert d["version"] == "1.2.1" and d["conn_table_size"] > 0, d
    s = svc(protocol="tcp", address="10.0.1.100", port=80)
    assert s["scheduler"] == "wlc" and s["persistent"] and s["timeout"] == 30, s
    assert s["netmask"] == "255.255.255.255", s
    x = dest(s, "10.0.2.11", 8080)
    assert x["forward"] == "masq" and x["weight"] == 5 and x["u_threshold"] == 0, x
    have = os.environ["have"].split()
    x = dest(s, "10.0.2.18", 80)
    assert x["tunnel"] == {"type": "ipip"} and x["forward"] == "tunnel", x
    assert x["stats"]["conns"] == 0 and x["rates"]["cps"] == 0, x
    if "gue" in have:
        x = dest(s, "10.0.2.14", 80)
        assert x["tunnel"] == {"type": "gue", "port": 7000, "checksum": "nocsum"}, x
    if "gre" in have:
        x = dest(s, "10.0.2.17", 80)
        assert x["tunnel"] == {"type": "gre", "checksum": "csum"}, x
    s = svc(protocol="udp", address="10.0.1.100", port=53)
    assert s["sched_flags"] == ["sh-fallback", "sh-port"], s
    assert dest(s, "10.0.2.11", 53)["weight"] == 2
    if "sip" in have:
        s = svc(protocol="udp", address="10.0.1.100", port=5060)
        assert s["timeout"] == 30 and s["pe"] == "sip", s
    s = svc(fwmark=6)
    assert s["family"] == "inet6" and s["netmask"] == 64 and s["timeout"] == 60, s
    assert dest(s, "fd00:2::11", 0)["weight"] == 2
    s = svc(fwmark=5)
    assert s["netmask"] == "255.255.255.0" and len(s["dests"]) == 2, s
    s = svc(protocol="tcp", address="fd00:1::100", port=80)
    assert s["sched_flags"] == ["mh-port"] and not s["persistent"], s
    if "mixed" in have:
        assert dest(s, "10.0.2.19", 80)["family"] == "inet"
    assert all(not s["ops"] for s in d["services"])
'
json_check -Ln
json_check -L --stats
json_check -L --timeout
[ $daemons = 0 ] || json_check -L --daemon
json_check -L -c
L -Ln -t 10.0.1.100:80 --json | "${python[@]}" -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["services"]) == 1 and d["services"][0]["port"] == 80, d' ||
	fail "lvsadm -Ln -t ... --json"
log "json: ok"

# Wrong command lines: non-zero, nothing on stdout, one line on stderr.
bad=("-Q" "--bogus" "-A -L" "-A" "-L -s rr" "-A -t 10.0.1.100" "-A -t nonsense:80"
	"-a -t 10.0.1.100:80 -r 10.0.2.30 -w 99999999999" "-a -t 10.0.1.100:80 -r 10.0.2.30 -w x"
	"-a -t 10.0.1.100:80 -r 10.0.2.30 -i --tun-type gue"
	"-a -t 10.0.1.100:80 -r 10.0.2.30 -i --tun-type gre --tun-remcsum"
	"-a -t 10.0.1.100:80 -r 10.0.2.30 -m --tun-csum"
	"-a -t 10.0.1.100:80 -r 10.0.2.30 -i --tun-type vxlan"
	"-A -t 10.0.1.103:80 -b sh-port" "-A -t 10.0.1.103:80 -b nope" "-A -t 10.0.1.103:80 -o"
	"-A -t 10.0.1.103:80 -p 0" "-A -f 0" "-A -t 10.0.1.103:80 -6" "--set 1 2"
	"-L --stats -c" "-Lc --timeout" "-L stray" "-A -t 10.0.1.103:80 -s"
	"--start-daemon sideways" "-S --json" "-Ln --weight=3" "-L --numeric=yes")
for b in "${bad[@]}"; do
	rc=0
	# shellcheck disable=SC2086 # a command line
	L $b >"$work/out" 2>"$work/err" || rc=$?
	[ $rc != 0 ] || fail "lvsadm $b: exit 0"
	[ ! -s "$work/out" ] || fail "lvsadm $b: wrote to stdout: $(<"$work/out")"
	mapfile -t err <"$work/err"
	[ ${#err[@]} = 1 ] && [ -n "${err[0]}" ] ||
		fail "lvsadm $b: not one line on stderr: $(<"$work/err")"
done
log "wrong options: ${#bad[@]} refused, one line each"

L -C || fail "lvsadm -C"
expect_eq "$(I -Ln | wc -l)" 3 "the table after lvsadm -C"
log "ok"
