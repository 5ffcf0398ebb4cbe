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

# Modules for a guest of Debian's kernel. depmod -a in the guest reads
# every module of the kernel over 9p under emulation (some 45 s a boot),
# so the host makes the index once per build (2 s): host_depmod DIR KVER
# indexes the kernel's own modules with DIR/lvs*.ko as extra/ into
# DIR/depmod/lib/modules/KVER. guest_install_modules DIR, in the guest,
# puts DIR/lvs*.ko in its (RAM overlay) module tree with that index, or
# runs depmod where the host made none (the test kernel has no modules).
host_depmod() {
	local dir=$1 kver=$2 tree
	tree=$dir/depmod/lib/modules/$kver
	rm -rf "$dir/depmod"
	[ -d "/lib/modules/$kver/kernel" ] || return 0
	mkdir -p "$tree/extra"
	ln -s "/lib/modules/$kver/kernel" "$tree/kernel"
	cp /lib/modules/"$kver"/modules.{order,builtin,builtin.modinfo} "$tree/"
	cp "$dir"/lvs*.ko "$tree/extra/"
	depmod -b "$dir/depmod" "$kver"
}

guest_install_modules() {
	local dir=$1 kver index
	kver=$(uname -r)
	index=$dir/depmod/lib/modules/$kver
	mkdir -p "/lib/modules/$kver/extra"
	cp "$dir"/lvs*.ko "/lib/modules/$kver/extra/"
	if [ -e "$index/modules.dep.bin" ]; then
		cp "$index"/modules.* "/lib/modules/$kver/"
	else
		depmod -a 2>/dev/null
	fi
}
