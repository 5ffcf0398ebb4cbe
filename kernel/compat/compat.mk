# SPDX-License-Identifier: GPL-2.0
#
# Feature tests that need the kernel tree rather than the preprocessor
# (sparse has no __has_include): each defines an LVS_HAVE_* macro that
# compat.h acts on. Included by the top-level Kbuild.

lvs_have_header = $(if $(wildcard $(srctree)/include/$(1)),-D$(2))

ccflags-y += $(call lvs_have_header,net/gso.h,LVS_HAVE_NET_GSO_H)
ccflags-y += $(call lvs_have_header,linux/unaligned.h,LVS_HAVE_LINUX_UNALIGNED_H)

# 6.11: proc handlers take a const struct ctl_table.
lvs_const_ctl = $(shell grep -s 'proc_handler.const struct ctl_table' $(srctree)/include/linux/sysctl.h)
ccflags-y += $(if $(lvs_const_ctl),-DLVS_HAVE_CONST_CTL_TABLE)
