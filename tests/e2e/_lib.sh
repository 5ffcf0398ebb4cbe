# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end scenarios. Sourced by each scenario tests/e2e/[!_]*.sh,
# which run as root inside the VM with:
#   LVS_KERNEL  test or distro
#   LVS_MODDIR  where the modules built for this kernel are
# A scenario exits 0 when it passed, 77 when it does not apply to this
# kernel (its last line of output says why), anything else when it failed.

set -euo pipefail

e2e_name=$(basename "$0" .sh)

log() {
	echo "[$e2e_name] $*"
}

fail() {
	echo "[$e2e_name] FAIL: $*" >&2
	exit 1
}

skip() {
	echo "[$e2e_name] skipped: $*"
	exit 77
}

# Run on exit, in reverse order of registration; a cleanup whose work a
# scenario already did fails quietly.
cleanups=()
on_exit() {
	cleanups=("$*" "${cleanups[@]}")
}
run_cleanups() {
	local c
	for c in "${cleanups[@]}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
}
trap run_cleanups EXIT

load_lvs() {
	insmod "$LVS_MODDIR/lvs.ko" || fail "insmod lvs.ko"
	on_exit "rmmod lvs"
}

# Poll until a command succeeds: wait_for SECONDS command [args...]
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}
