# SPDX-License-Identifier: GPL-2.0
#
#   make            build lvs.ko and the scheduler modules for a kernel, and lvsadm
#   make modules    the modules alone
#   make tools      lvsadm alone (in build/tools; needs libmnl-dev)
#   make install    install them (and run depmod); lvsadm, its man page and
#                   bash completion under $(DESTDIR)$(PREFIX) (/usr/local);
#                   /etc/modprobe.d/lvs.conf, so that modprobe ip_vs loads lvs
#   make deb        the Debian packages lvs-dkms and lvsadm, in build/deb
#   make deps       install every Debian package the build and tests need
#   make demo       boot a VM, load lvs, show ipvsadm -Ln
#   make check      all tests: static checks, KUnit and end-to-end, 2 kernels
#   make check K=test T="nat dr"
#                   only those scenarios (or kunit), only on that kernel
#   make fuzz       long seeded runs on the debug kernel (COUNT=, SEED=)
#   make stress     the 2-vCPU stress on the debug kernel for 30 min
#                   (SECS=, SEED=)
#   make bench      lvs against ip_vs and plain forwarding, measured in a VM
#                   (Debian's kernel, QEMU -icount): docs/bench.md, .json
#   make bench-quick  per-packet UDP NAT and DR alone (under 3 min):
#                   build/bench/quick.md
#   make clean
#
# The kernel to build against: KDIR= if given, else the running kernel's
# build tree, else the newest /lib/modules/*/build.

ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1))
endif

PWD := $(CURDIR)
kdir_ok = $(if $(and $(KDIR),$(wildcard $(KDIR)/Makefile)),,$(error \
	lvs: no kernel build tree at '$(or $(KDIR),/lib/modules/$(shell uname -r)/build)': \
	install linux-headers-$(shell uname -r) or pass KDIR=/path/to/kernel/build))

.PHONY: all modules tools install install-tools deb deps demo check fuzz stress \
	bench bench-quick clean

PREFIX ?= /usr/local
TOOLS_OUT := $(CURDIR)/build/tools

all: modules tools

tools:
	$(MAKE) -C tools/lvsadm O=$(TOOLS_OUT)

modules:
	$(kdir_ok)
	$(MAKE) -C $(KDIR) M=$(PWD) modules

install: modules install-tools
	$(kdir_ok)
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=updates modules_install
	install -D -m 0644 modprobe.d/lvs.conf $(DESTDIR)/etc/modprobe.d/lvs.conf

install-tools: tools
	$(MAKE) -C tools/lvsadm O=$(TOOLS_OUT) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) install

# Built by Debian's tooling (debhelper, dh-dkms) from a copy of the tree,
# so that the packages hold no build output; the .debs land in build/deb.
DEB_OUT := $(CURDIR)/build/deb
deb:
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_OUT)/lvs
	rsync -a --exclude=/build --exclude='.*' --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod' --exclude='*.mod.c' \
		--exclude=Module.symvers --exclude=modules.order ./ $(DEB_OUT)/lvs/
	cd $(DEB_OUT)/lvs && DEB_BUILD_OPTIONS=noautodbgsym dpkg-buildpackage -b -us -uc
	rm -rf $(DEB_OUT)/lvs

deps:
	tests/vm/deps

demo:
	tests/demo

check:
	tests/check $(if $(K),-k $(K)) $(T)

# Long seeded runs on the debug kernel, not part of make check: netlink
# messages and hostile packets, one guest each.
fuzz:
	tests/check -k test -t 14400 -e NETLINK_INPUT_COUNT=$(or $(COUNT),100000) \
		-e HOSTILE_COUNT=$(or $(COUNT),100000) \
		-e LVS_SCENARIO_TIMEOUT=14000 \
		$(if $(SEED),-e NETLINK_INPUT_SEED=$(SEED) -e HOSTILE_SEED=$(SEED)) \
		netlink_input hostile

stress:
	tests/check -k test -t 7200 -e LVS_STRESS_SECONDS=$(or $(SECS),1800) \
		-e LVS_SCENARIO_TIMEOUT=7000 $(if $(SEED),-e LVS_STRESS_SEED=$(SEED)) \
		stress

# Not part of make check (tests/bench/README.md).
bench:
	tests/bench/run full

bench-quick:
	tests/bench/run quick

clean:
	rm -rf build
	$(if $(KDIR),$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true)
