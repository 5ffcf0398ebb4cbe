#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user configures lvs in a namespace of their own, within
# bounds: the max_* sysctls of a namespace that another user namespace
# owns have their defaults, its root cannot raise them, and a service or
# real server over them is refused with ENOSPC. The host, and namespaces
# it made, are not bounded.
#
#   +--------------------------------------+   +------------------------+
#   | user namespace of nobody (unshare    |   | namespace host (made   |
#   | -Urn as uid 65534), its network      |   | by root): unbounded    |
#   | namespace: lo, user0 10.0.0.1/8      |   | host0 10.0.0.1/8       |
#   | bounds lowered by root: 20 services, |   | 25 services, 6 real    |
#   | 5 real servers                       |   | servers: all accepted  |
#   +--------------------------------------+   +------------------------+
#
# lvs alone: ip_vs refuses a user namespace's root altogether.
. "$(dirname "$0")/_lib.sh"

command -v setpriv >/dev/null || skip "no setpriv"
modprobe lvs || fail "modprobe lvs"
on_exit unload_lvs
quietly modprobe dummy || true

setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -Urn sleep 600 &
holder=$!
on_exit "kill $holder"
unshared() {
	local ns
	ns=$(readlink "/proc/$holder/ns/net") || return 1
	[ "$ns" != "$(readlink /proc/self/ns/net)" ]
}
if ! wait_for 60 unshared; then
	kill -0 $holder 2>/dev/null || wait $holder || true
	skip "no user namespace for nobody here (see the lines above)"
fi

# as the root of the user's namespace (no capability outside it)
as_user() {
	nsenter -t $holder -U -n "$@"
}
# as the host's root, in the user's network namespace
as_host() {
	nsenter -t $holder -n "$@"
}

expect_eq "$(sysctl -n net.ipv4.vs.max_services)" 0 "max_services of the host"
expect_eq "$(as_user sysctl -n net.ipv4.vs.max_services)" 1024 "max_services of the user's namespace"
expect_eq "$(as_user sysctl -n net.ipv4.vs.max_dests)" 4096 "max_dests of the user's namespace"
expect_eq "$(as_user sysctl -n net.ipv4.vs.max_conns)" 65536 "max_conns of the user's namespace"
if as_user sysctl -qw net.ipv4.vs.max_services=0 2>/dev/null; then
	fail "the user's root lifted its own max_services"
fi
expect_eq "$(as_user sysctl -n net.ipv4.vs.max_services)" 1024 "max_services after the user's write"
log "defaults 1024 services, 4096 real servers, 65536 connections; the user cannot change them"

# smaller bounds, for a short test
as_host sysctl -qw net.ipv4.vs.max_services=20 || fail "root lowering max_services"
as_host sysctl -qw net.ipv4.vs.max_dests=5 || fail "root lowering max_dests"

as_user ip -batch - <<-EOF || fail "the user's links"
link set lo up
link add user0 type dummy
addr add 10.0.0.1/8 dev user0
link set user0 up
EOF

# rules FIRST LAST: services 10.1.0.FIRST..LAST:80 in ipvsadm -R form
rules() {
	local i
	for ((i = $1; i <= $2; i++)); do
		echo "-A -t 10.1.0.$i:80 -s rr"
	done
}
rules 1 20 | as_user ipvsadm -R || fail "the user's 20 services"
if as_user ipvsadm -A -t 10.1.0.21:80 -s rr 2>"$LVS_OUT/e2e/userns.err"; then
	fail "a 21st service accepted over max_services=20"
fi
msg=$(<"$LVS_OUT/e2e/userns.err")
log "21st service: ipvsadm says: $msg"
case $msg in
*"No space left"*) ;;
*) fail "21st service: expected ENOSPC's message, got: $msg" ;;
esac

for i in 1 2 3 4 5; do
	as_user ipvsadm -a -t "10.1.0.$((i % 2 + 1)):80" -r "10.0.0.$((i + 10)):80" -m ||
		fail "the user's real server $i"
done
if as_user ipvsadm -a -t 10.1.0.3:80 -r 10.0.0.16:80 -m 2>"$LVS_OUT/e2e/userns.err"; then
	fail "a 6th real server accepted over max_dests=5"
fi
msg=$(<"$LVS_OUT/e2e/userns.err")
log "6th real server: ipvsadm says: $msg"
case $msg in
*"No space left"*) ;;
*) fail "6th real server: expected ENOSPC's message, got: $msg" ;;
esac
# room again once one goes
as_user ipvsadm -d -t 10.1.0.2:80 -r 10.0.0.11:80 || fail "deleting a real server"
as_user ipvsadm -a -t 10.1.0.3:80 -r 10.0.0.16:80 -m ||
	fail "a real server in the room one left"
expect_eq "$(as_user ipvsadm -Ln | grep -c '^TCP')" 20 "the user's services"

# the host's own namespaces are not bounded
ip netns add host || fail "ip netns add host"
on_exit "ip netns del host"
ip -n host -batch - <<-EOF || fail "links of host"
link set lo up
link add host0 type dummy
addr add 10.0.0.1/8 dev host0
link set host0 up
EOF
rules 1 25 | in_ns host ipvsadm -R || fail "25 services in a namespace of the host"
for i in 1 2 3 4 5 6; do
	in_ns host ipvsadm -a -t 10.1.0.1:80 -r "10.0.0.$((i + 10)):80" -m ||
		fail "real server $i in a namespace of the host"
done
in_ns host ipvsadm -C
as_user ipvsadm -C || fail "the user's ipvsadm -C"
echo "bounded 20 5" >>"$served"
log "the user is bounded (20 services, 5 real servers, ENOSPC), the host is not"
