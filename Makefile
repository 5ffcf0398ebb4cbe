# SPDX-License-Identifier: GPL-2.0
#
#   make            build lvs.ko and the scheduler modules for a kernel
#   make install    install them (and run depmod)
#   make deps       install every Debian package the build and tests need
#   make demo       boot a VM, load lvs, show ipvsadm -Ln
#   make check      all tests: static checks, KUnit and end-to-end, 2 kernels
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

.PHONY: all modules install deps demo check clean

all: modules

modules:
	$(kdir_ok)
	$(MAKE) -C $(KDIR) M=$(PWD) modules

install: modules
	$(kdir_ok)
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=updates modules_install

deps:
	tests/vm/deps

demo:
	tests/demo

check:
	tests/check

clean:
	rm -rf build
	$(if $(KDIR),$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true)
