# SPDX-License-Identifier: GPL-2.0
#
# What the kit's tests need of a kernel built for an arm64 machine, merged
# into that machine's own configuration (make hw-deb KCONFIG=<its config>;
# README, "On arm64 hardware").  The rig's QEMU kernel is Kconfig.frag.
CONFIG_VIRTUALIZATION=y
CONFIG_KVM=y
# Stage-1 HAFDBS: its "Hardware dirty bit management" line lets the kit
# tell an erratum from a CPU without the feature.
CONFIG_ARM64_HW_AFDBM=y
# The backings and host disturbances of the plan's tests.
CONFIG_HUGETLBFS=y
CONFIG_TRANSPARENT_HUGEPAGE=y
CONFIG_USERFAULTFD=y
CONFIG_KSM=y
CONFIG_COMPACTION=y
CONFIG_MIGRATION=y
CONFIG_IDLE_PAGE_TRACKING=y
# The stage-2 ptdump that the tests read (patch 8's DBM column).
CONFIG_DEBUG_FS=y
CONFIG_PTDUMP_STAGE2_DEBUGFS=y
# The KUnit module and the harvest bench (module/), which the kit builds
# against the installed kernel's build tree; the suites run when it loads.
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_KUNIT=y
CONFIG_KUNIT_DEBUGFS=y
CONFIG_KUNIT_DEFAULT_ENABLED=y
CONFIG_KUNIT_AUTORUN_ENABLED=y
CONFIG_KPROBES=y
# What the runner asks of a test that outlives its limit.
CONFIG_MAGIC_SYSRQ=y
