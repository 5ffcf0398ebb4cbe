#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input on the generic netlink ABI. A known configuration is built with
# ipvsadm, then malformed and out-of-range requests are sent straight to the
# family "IPVS" (_genl.py, raw sockets): a table of targeted cases, each
# with the error expected, then seeded random messages. Every one must get
# an error (or be valid by chance, and then is undone), and the
# configuration must be the same at the end. Then the permissions: an
# unprivileged user in a user namespace of its own cannot read or change the
# initial namespace's table, and, with lvs, manages the table of a network
# namespace its user namespace owns.
#
#   +-----------------------------------------------+
#   |  VM, initial namespaces                       |
#   |  ipvsadm, _genl.py --genl--> lvs.ko / ip_vs   |
#   |                                 ^             |
#   |  +-------------------------+    |  EPERM      |
#   |  | nobody, unshare -Ur[n]  |----+             |
#   |  | _genl.py, ipvsadm       |--> its own netns |
#   |  +-------------------------+                  |
#   +-----------------------------------------------+
#
# The results both implementations must agree on go to the .served file:
# per case the errno, or where lvs is stricter on purpose (docs/compat.md)
# both expectations, written the same by both runs.
. "$(dirname "$0")/_lib.sh"

# random messages: some 15 ms each on the distro kernel under emulation;
# the debug kernel is several times slower
count=${NETLINK_INPUT_COUNT:-2000}
[ "$LVS_KERNEL" != test ] || count=${NETLINK_INPUT_COUNT:-600}
seed=${NETLINK_INPUT_SEED:-20261128}

genl() {
	"${python[@]}" "$e2e_dir/_genl.py" "$@"
}

load_balancer
work=$(mktemp -d)
# nobody runs _genl.py below: a copy it can read, whatever the
# permissions of the checkout (a private clone directory is 0700)
chmod 755 "$work"
cp "$e2e_dir/_genl.py" "$work/_genl.py"
chmod 644 "$work/_genl.py"
genl_copy=$work/_genl.py
on_exit "rm -rf $work"

# -- the known configuration ---------------------------------------------------

cat >"$work/rules" <<-EOF
-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 3 -x 100 -y 10
-A -u [fd00::1]:53 -s wrr -p 60
-a -u [fd00::1]:53 -r [fd00::11]:53 -g -w 2
-A -f 7 -s rr
-a -f 7 -r 10.0.1.3:0 -i -w 1
EOF
on_exit "ipvsadm -C"
ipvsadm -R <"$work/rules" || fail "ipvsadm -R: building the configuration"
ipvsadm --set 901 121 301 || fail "ipvsadm --set"

snapshot() {
	ipvsadm -Ln && ipvsadm -S -n && ipvsadm -L --timeout && genl dump
}
snapshot >"$work/before" || fail "snapshot"
log "configuration:"
cat "$work/before"
[ "$(grep -c '^svc ' "$work/before")" = 3 ] || fail "3 services expected"

expect_unchanged() {
	snapshot >"$work/after" || fail "snapshot"
	diff -u "$work/before" "$work/after" || fail "the configuration changed: $1"
	log "configuration unchanged: $1"
}

# -- targeted cases ------------------------------------------------------------

log "targeted cases"
genl targeted "$lvs_impl" "$served" || fail "targeted cases"
expect_unchanged "targeted cases"

# -- random messages -----------------------------------------------------------

log "$count random messages, seed $seed"
genl random "$count" "$seed" || fail "random messages"
expect_unchanged "random messages"
echo "random: $count messages, seed $seed: configuration unchanged" >>"$served"

# -- user namespaces -----------------------------------------------------------
#
# The guest runs the scenarios chrooted (tests/vm/init), and the kernel
# lets no chrooted process make a user namespace. unchrooted COMMAND...
# runs COMMAND in a mount namespace of its own whose root is the guest's
# root, moved onto "/" as switch_root does (from the initramfs, through
# PID 1: busybox is all there is out there).
unchrooted() {
	# shellcheck disable=SC2016 # expanded by busybox sh
	nsenter -t 1 -m -r -w /bin/busybox unshare -m /bin/busybox sh -c '
		busybox mount --make-rprivate / && cd /root &&
		busybox mount --move . / && exec busybox chroot . \
			/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' \
		sh "$@"
}

# as nobody, no capability anywhere: as_nobody COMMAND...
as_nobody() {
	unchrooted setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# userns_check NAME EXPECTED-IPVS EXPECTED-LVS WHY COMMAND...: what COMMAND
# prints is the answer
userns_check() {
	local name=$1 ipvs=$2 lvs=$3 why=$4 got want
	shift 4
	got=$("$@" 2>&1 | tr '\n' ' ' | sed 's/ $//')
	want=$ipvs
	[ "$lvs_impl" = ipvs ] || want=$lvs
	log "$name: $got"
	[ "$got" = "$want" ] || fail "$name: expected '$want', got '$got'"
	if [ "$ipvs" = "$lvs" ]; then
		echo "userns $name: $got" >>"$served"
	else
		echo "userns $name: ipvs '$ipvs', lvs '$lvs' ($why)" >>"$served"
	fi
}

if ! as_nobody unshare -Urn true 2>/dev/null; then
	# (the same line from either run: the comparison still holds)
	log "no unprivileged user namespaces here: user namespace checks skipped"
	echo "userns: skipped, no unprivileged user namespaces" >>"$served"
else
	userns_check "nobody, initial netns" "EPERM EPERM" "EPERM EPERM" "" \
		as_nobody "${python[@]}" "$genl_copy" try new-svc dump-svc
	userns_check "unshare -Ur, initial netns" "EPERM EPERM EPERM EPERM" \
		"EPERM EPERM EPERM EPERM" "" \
		as_nobody unshare -Ur "${python[@]}" "$genl_copy" \
		try new-svc del-svc flush dump-svc
	# Its own network namespace: IPVS wants CAP_NET_ADMIN in the initial
	# user namespace, lvs in the one that owns the network namespace.
	# (lo up: IPv4 real servers need the local routing table, which a
	# new namespace gets with its first address; so in IPVS)
	# shellcheck disable=SC2016 # expanded by that shell
	own='g="/usr/bin/python3 $0"
		ip link set lo up
		$g try dump-svc new-svc
		ipvsadm -A -t 10.0.0.98:80 -s wrr 2>/dev/null && echo ok ||
			echo ipvsadm failed
		ipvsadm -a -t 10.0.0.98:80 -r 10.0.1.1:80 -m 2>/dev/null &&
			echo ok || echo ipvsadm failed
		$g try dump-svc del-svc dump-svc'
	userns_check "unshare -Urn, own netns" \
		"EPERM EPERM ipvsadm failed ipvsadm failed EPERM EPERM EPERM" \
		"services 0 ok ok ok services 2 ok services 1" \
		"docs/compat.md: Permissions" \
		as_nobody unshare -Urn sh -c "$own" "$genl_copy"
	expect_unchanged "user namespaces"
fi

# -- a dump interrupted by a change -----------------------------------------------
#
# 300 services take several messages. lvs flags the parts built after a
# change with NLM_F_DUMP_INTR, so the tool knows to ask again; ip_vs does
# not (docs/compat.md).
ipvsadm -C
out=$(genl dump-intr 300) || fail "dump-intr: $out"
log "$out"
case $out in
"quiet: 300 services in "*" parts, interrupted: no"*) ;;
*) fail "a dump of 300 services, nothing changing: $out" ;;
esac
want=yes
[ "$lvs_impl" = lvs ] || want=no
case $out in
*"changed: "*" interrupted: $want") ;;
*) fail "a dump with a service added midway: expected interrupted: $want: $out" ;;
esac
echo "dump interrupted by a change: ipvs no, lvs yes" >>"$served"

# -- the kernel's log ------------------------------------------------------------

splats='WARNING:|BUG:|KASAN|UBSAN|Oops|Call Trace:|general protection fault'
splats+='|possible recursive locking|circular locking|suspicious RCU usage'
if dmesg | grep -E "$splats"; then
	fail "the kernel logged a splat"
fi
log "ok"
