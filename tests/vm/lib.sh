# SPDX-License-Identifier: GPL-2.0
#
# Shared by the scripts in tests/vm: where things are cached and how the
# test kernel's cache key is made. Sourced, not run.

vm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_dir=$(cd "$vm_dir/../.." && pwd)
cache_dir=${LVS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lvs}

# The newest linux-source-6.12 tarball and the version it holds.
test_src_tarball() {
	ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1
}

test_src_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null
}

# Cache key: source package version plus the config fragment and the build
# script, so editing either builds a new kernel next to the old one.
test_kernel_dir() {
	local key
	key=$( { test_src_version; cat "$vm_dir/test-kernel.config" \
		"$vm_dir/build-kernel"; } | sha256sum | cut -c1-12)
	echo "$cache_dir/kernel-6.12-$key"
}

# The distro kernel: the newest Debian linux-image under /boot.
distro_kernel_version() {
	ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|.*/vmlinuz-||' |
		sort -V | tail -n 1
}
