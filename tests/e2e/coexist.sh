#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lvs refuses to load next to the in-tree ip_vs, with a message saying so,
# and loads once ip_vs is gone. Needs a kernel that has ip_vs (distro).
#
#   +---------------------------------------+
#   |  VM: ip_vs.ko loaded, insmod lvs.ko   |
#   +---------------------------------------+
. "$(dirname "$0")/_lib.sh"

modprobe -q ip_vs 2>/dev/null || skip "this kernel has no ip_vs module"
on_exit "modprobe -r ip_vs"

dmesg -c >/dev/null
if insmod "$LVS_MODDIR/lvs.ko" 2>/dev/null; then
	rmmod lvs
	fail "lvs loaded next to ip_vs"
fi
dmesg | grep -q "lvs: the in-tree IPVS (ip_vs) is loaded" ||
	fail "no message explaining the refusal"

modprobe -r ip_vs || fail "modprobe -r ip_vs"
load_lvs
ipvsadm -Ln | grep -q "^IP Virtual Server version 1.2.1" ||
	fail "ipvsadm -Ln after ip_vs was removed"
log "ok"
