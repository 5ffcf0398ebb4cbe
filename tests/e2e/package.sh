#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages give a working director with no other step, and lvs
# answers for ip_vs. On the distro kernel alone (Debian's headers are for
# it). `apt install ./lvs-dkms_*.deb ./lvsadm_*.deb` (make deb, run by
# tests/packages on the host), then, each time from nothing loaded:
#  - DKMS installed lvs and every scheduler in updates/dkms, and those load
#    (they win over the copies tests/vm/guest-check put in extra/);
#  - modprobe ip_vs loads lvs (the modprobe.d file), not the ip_vs.ko that
#    Debian's kernel has; modprobe ip_vs_wlc loads lvs_wlc;
#  - a client that asks the generic-netlink controller for the "IPVS"
#    family (the kernel's family autoload) gets lvs;
#  - stock ipvsadm -A ... -s wlc loads lvs and lvs_wlc by name; lvsadm and
#    keepalived's checker configure lvs;
# and `apt purge` leaves nothing behind: no file dpkg listed, nothing in
# DKMS's tree, no modules, no modprobe.d file; modprobe ip_vs means ip_vs
# again.
#
# DKMS's own build would take minutes under emulation: the package's
# postinst finds tests/packages's DKMS build of the same tree (Debian's
# headers, a scratch DKMS tree in build/dkms) as a binaries-only tarball
# in /usr/share/lvs-dkms, DKMS's prebuilt path, and installs it instead of
# building. So this also proves that the DKMS build loads. The guest's
# root is a RAM overlay: dpkg's database and /var/lib/dkms of the host are
# not touched.
#
#   +---------------------------------------------------------+
#   |  VM (distro kernel, init namespace)                      |
#   |  apt install ./*.deb; modprobe ip_vs -> lvs              |
#   |  ipvsadm / lvsadm / keepalived -C / genl client -> lvs   |
#   |  apt purge                                                |
#   +---------------------------------------------------------+
. "$(dirname "$0")/_lib.sh"

kver=$(uname -r)
top=$(cd "$e2e_dir/../.." && pwd)
dkms_out=$top/build/dkms
deb_out=$top/build/deb
[ "${LVS_KERNEL:-}" = distro ] ||
	skip "Debian's headers and packages are for the distro kernel"
if [ ! -d "$dkms_out/install/$kver" ] || ! compgen -G "$deb_out/*.deb" >/dev/null; then
	skip "nothing built for $kver: run tests/packages $kver on the host first"
fi

export DEBIAN_FRONTEND=noninteractive
service=192.0.2.1
work=$(mktemp -d)
on_exit "rm -rf $work"

# Nothing of either kind loaded, or fail. (Not modprobe -r ip_vs: with
# lvs's modprobe.d file, that is modprobe -r lvs.)
unloaded() {
	unload_lvs
	[ -z "$(awk '$1 ~ /^(lvs|ip_vs)(_|$)/' /proc/modules)" ] && return
	fail "left loaded: $(grep -E '^(lvs|ip_vs)' /proc/modules | cut -d' ' -f1,3 | tr '\n' ' ')"
}

# Only lvs (and its schedulers) is loaded, never ip_vs.
on_lvs() {
	grep -q '^lvs ' /proc/modules || fail "$1: lvs is not loaded"
	! grep -q '^ip_vs' /proc/modules || fail "$1: ip_vs is loaded"
}

# man-db's trigger re-indexes every manual page: slow under emulation.
rm -f /var/lib/man-db/auto-update
# DKMS reads <(...): the guest's /dev has no fd link (no udev).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

# The copies of the modules that tests/vm/guest-check put in extra/ go
# aside while the package is installed (DKMS's depmod then sees only its
# own), and come back before the purge, whose depmod sees them again:
# the scenarios after this one find lvs where they expect it.
extra=/lib/modules/$kver/extra
aside=$(mktemp -d)
mv "$extra"/lvs*.ko "$aside/" 2>/dev/null || true

mkdir -p /usr/share/lvs-dkms
cp "$dkms_out"/lvs-*.dkms.tar.gz /usr/share/lvs-dkms/
on_exit "apt-get purge -y -q lvs-dkms lvsadm"
on_exit "mv $aside/*.ko $extra/"
on_exit "rm -f /usr/share/lvs-dkms/lvs-*.dkms.tar.gz; rmdir /usr/share/lvs-dkms"
on_exit unload_lvs
start=$SECONDS
apt-get install -y -q --no-install-recommends "$deb_out"/lvs-dkms_*.deb \
	"$deb_out"/lvsadm_*.deb >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log"; fail "apt-get install ./*.deb"; }
log "apt-get install took $((SECONDS - start)) s:"
grep -v '^(Reading database' "$work/apt.log" | tail -n 8
# The tarball and its folder were not the package's: they must not stay.
rm -f /usr/share/lvs-dkms/lvs-*.dkms.tar.gz
rmdir /usr/share/lvs-dkms
dkms status lvs | grep -q ": installed" || fail "dkms status: $(dkms status lvs)"
dpkg -L lvs-dkms lvsadm >"$work/files"

unloaded
modprobe ip_vs || fail "modprobe ip_vs"
log "after modprobe ip_vs:"
lsmod | grep -E '^(Module|lvs|ip_vs)'
on_lvs "modprobe ip_vs"
for m in $(cd "$dkms_out/install/$kver/updates/dkms" && echo *.ko); do
	expect_eq "$(modinfo -n "${m%.ko}")" "/lib/modules/$kver/updates/dkms/$m" \
		"where modprobe finds ${m%.ko}"
done
modprobe ip_vs_wlc || fail "modprobe ip_vs_wlc"
grep -q '^lvs_wlc ' /proc/modules || fail "modprobe ip_vs_wlc: no lvs_wlc"
on_lvs "modprobe ip_vs_wlc"

# Which module the family alias names, with and without lvs's file.
log "family autoload, without lvs's modprobe.d file: $(modprobe -C /dev/null \
	--show-depends net-pf-16-proto-16-family-IPVS | grep -o '[^/]*\.ko' | tr '\n' ' ')"
log "family autoload, with it: $(modprobe --show-depends \
	net-pf-16-proto-16-family-IPVS | grep -o '[^/]*\.ko' | tr '\n' ' ')"

unloaded
python3 - <<-'PY' || fail "no IPVS family after autoload"
	import socket, struct
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
	name = b"IPVS\0"
	attr = struct.pack("HH", 4 + len(name), 2) + name + b"\0" * (-len(name) % 4)
	genl = struct.pack("BBH", 3, 1, 0)
	s.sendto(struct.pack("IHHII", 16 + len(genl) + len(attr), 0x10, 5, 1, 0)
	         + genl + attr, (0, 0))
	kind, = struct.unpack_from("H", s.recv(65536), 4)
	assert kind == 0x10, "no family: kind %d" % kind
	PY
on_lvs "the IPVS family resolved by a genl client"

unloaded
ipvsadm -A -t "$service:80" -s wlc || fail "ipvsadm -A with nothing loaded"
on_lvs "ipvsadm -A"
grep -q '^lvs_wlc ' /proc/modules || fail "ipvsadm -s wlc: no lvs_wlc"
ipvsadm -C

unloaded
lvsadm -Ln >/dev/null || fail "lvsadm -Ln with nothing loaded"
on_lvs "lvsadm -Ln"

unloaded
cat >"$work/keepalived.conf" <<-EOF
virtual_server $service 80 {
	lb_algo sh
	lb_kind DR
	protocol TCP
	real_server 198.51.100.11 80 {
		weight 2
	}
}
EOF
keepalived -C -n -l -f "$work/keepalived.conf" -p "$work/k.pid" \
	-c "$work/c.pid" -r "$work/v.pid" </dev/null >"$work/keepalived.log" 2>&1 &
kpid=$!
on_exit "kill $kpid"
# keepalived adds a real server without a checker at once.
has_real_server() {
	[[ $(ipvsadm -Ln 2>/dev/null) == *"198.51.100.11:80"* ]]
}
wait_for 30 has_real_server ||
	{ cat "$work/keepalived.log"; fail "keepalived's service did not appear"; }
on_lvs "keepalived"
grep -q '^lvs_sh ' /proc/modules || fail "keepalived's sh scheduler: no lvs_sh"
ipvsadm -Ln
kill "$kpid"
wait "$kpid" || fail "keepalived exited $? on SIGTERM"
unloaded

mv "$aside"/*.ko "$extra/" 2>/dev/null || true
start=$SECONDS
apt-get purge -y -q lvs-dkms lvsadm >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log"; fail "apt-get purge"; }
log "apt-get purge took $((SECONDS - start)) s"
left=
while read -r f; do
	[ -d "$f" ] || [ ! -e "$f" ] || left+=" $f"
done <"$work/files"
[ -z "$left" ] || fail "left after purge:$left"
for f in /var/lib/dkms/lvs /usr/src/lvs-* /lib/modules/"$kver"/updates/dkms/lvs* \
	/lib/modprobe.d/lvs.conf /etc/modprobe.d/lvs.conf /usr/share/lvs-dkms; do
	[ ! -e "$f" ] || fail "left after purge: $f"
done
modprobe --show-depends ip_vs | grep -q 'ipvs/ip_vs\.ko' ||
	fail "modprobe ip_vs does not mean ip_vs.ko after purge"
log "ok"
