#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, stock ipvsadm talks to it, and it unloads.
#
#   +-------------------------------+
#   |  VM (init namespace)          |
#   |  ipvsadm --genl--> lvs.ko     |
#   +-------------------------------+
. "$(dirname "$0")/_lib.sh"

load_lvs
grep -q '^lvs ' /proc/modules || fail "lvs is not in /proc/modules"

out=$(ipvsadm -Ln) || fail "ipvsadm -Ln exited $?"
log "ipvsadm -Ln:"
echo "$out"
expect_eq "$(echo "$out" | head -n 1)" \
	"IP Virtual Server version 1.2.1 (size=4096)" "ipvsadm header"
expect_eq "$(echo "$out" | wc -l)" 3 "lines of ipvsadm -Ln with no services"

# A namespace of its own sees its own (empty) table.
ip netns add smoke
on_exit "ip netns del smoke"
ip netns exec smoke ipvsadm -Ln >/dev/null || fail "ipvsadm in a namespace"

ip netns del smoke
rmmod lvs || fail "rmmod lvs"
grep -q '^lvs ' /proc/modules && fail "lvs still loaded"
log "ok"
