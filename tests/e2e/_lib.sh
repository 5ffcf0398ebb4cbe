# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end scenarios. Sourced by each scenario tests/e2e/[!_]*.sh,
# which run as root inside the VM with:
#   LVS_KERNEL  test or distro
#   LVS_MODDIR  where the modules built for this kernel are
#   LVS_IMPL    lvs (default) or ipvs: what load_balancer loads
#   LVS_OUT     where results go (e2e/<scenario>.<impl>.served)
# A scenario exits 0 when it passed, 77 when it does not apply to this
# kernel (its last line of output says why), anything else when it failed.

set -euo pipefail

e2e_name=$(basename "$0" .sh)

log() {
	echo "[$e2e_name ${SECONDS}s] $*"
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
	# what lvs.ko needs where it is a module (Debian's kernel): conntrack
	quietly modprobe nf_conntrack || true
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

# Run a command, its output and errors thrown away (for polling).
quietly() {
	"$@" >/dev/null 2>&1
}

# -- the load balancer under test --------------------------------------------
#
# LVS_IMPL picks what a scenario drives: "lvs" (this project, the default) or
# "ipvs" (the kernel's own ip_vs, the reference). A scenario that calls
# load_balancer works with either; tests/vm/guest-check runs it against both
# and compares the real servers each one picked.

lvs_impl=${LVS_IMPL:-lvs}


# Remove modules in the order given, waiting while one is still in use (a
# network namespace on its way out may hold it for a moment).
unload_modules() {
	local m
	for m; do
		module_loaded "$m" || continue
		wait_for 10 quietly rmmod "$m" || log "cannot unload $m"
	done
}

# (read in bash: a program costs about a second on the debug kernel)
module_loaded() {
	local name _
	while read -r name _; do
		[ "$name" != "$1" ] || return 0
	done </proc/modules
	return 1
}

# loaded_modules PREFIX: the loaded modules whose name starts with PREFIX
loaded_modules() {
	local name _
	while read -r name _; do
		[[ $name != "$1"* ]] || echo "$name"
	done </proc/modules
}

# shellcheck disable=SC2046 # lists of module names
unload_lvs() {
	unload_modules $(loaded_modules lvs_) lvs
}

# shellcheck disable=SC2046
unload_ipvs() {
	unload_modules $(loaded_modules ip_vs_)
	wait_for 10 quietly modprobe -r ip_vs || log "cannot unload ip_vs"
}

# Load the balancer under test. lvs comes from the build, installed in the
# guest by guest-check; ipvsadm asks the kernel for each scheduler by name
# and lvs loads lvs_<name> on demand, as on a director.
load_balancer() {
	case $lvs_impl in
	lvs)
		on_exit unload_lvs
		modprobe lvs || fail "modprobe lvs"
		;;
	ipvs)
		quietly modprobe ip_vs || skip "this kernel has no ip_vs module"
		on_exit unload_ipvs
		;;
	*)
		fail "LVS_IMPL=$lvs_impl: expected lvs or ipvs"
		;;
	esac
	log "load balancer: $lvs_impl"
}

# -- the rest of the library -----------------------------------------------------
# topology: the namespaces, the real servers' responders, the services;
# traffic: the client's requests and held connections; checks: counters,
# rates and sharing compared with what the client saw.
e2e_dir=$(dirname "${BASH_SOURCE[0]}")
. "$e2e_dir/_topology.sh"
. "$e2e_dir/_traffic.sh"
. "$e2e_dir/_checks.sh"
