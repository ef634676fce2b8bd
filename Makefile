# SPDX-License-Identifier: GPL-2.0
#
# arm64 KVM stage-2 hardware dirty logging: the series in patches/, its tests
# and the rig that runs them in an arm64 guest under QEMU.  See README.md.
#
#   make              main job: tree, build, boot, dirty_log_perf_test table
#   make check        every test; ends with "N passed, N failed[, N skipped]"
#   make bench        write-protection against hardware dirty state: ratios,
#                     harvest cost, splits; tables, CSV and plots in build/bench
#   make migrate      live migrations of an L2 guest with a real QEMU, DBM
#                     against write-protection; table, CSV, plots in build/migrate
#   make check-dbm    make check of the dirty logging series alone (patches/
#                     without patches/bbm/, the BBM level 3 series)
#   make kit          build/kit.tar.gz: the tests, plans and runner for an arm64
#                     host booted into the patched kernel (its README)
#   make kit-boot     the proof that the kit stands alone: a boot whose
#                     initramfs is busybox and the kit's tarball, nothing else
#   make results LOG=f  the summary of a kit run's output, saved in f
#   make hw-deb KCONFIG=f  the patched kernel for an arm64 machine whose
#                     configuration is f, as Debian packages
#   make timing T=... the plan entries T names, REPEAT times on the series
#                     kernel and on the unpatched one, whole and case by case
#
# Variables: KSRC=/path/to/linux (your own 7.3 tree instead of Debian's
# linux-source-7.3), JOBS=, DEBUG=1 (debug kernel: KASAN, lockdep) or
# DEBUG=kcsan (KCSAN kernel), T=name[,pattern] (run
# only these entries of selftests/plan), KUNIT_FILTER=suite.case glob,
# BOOTS="vhe nvhe ..." (the boots to run; each command has its own default,
# make boots lists them), BUILD=dir, BENCH_SST=dir (selftests make bench runs),
# BASELINE=1 (make check reruns the listed known failures on the unpatched
# kernel), SOAK_BASE=1 (make soak on the unpatched kernel), SOAK_BOOTS=
# (make soak's boots, "vhe vhe-v3"), MUTANT=name (make mutants runs only
# that mutant), NOHOLD=1 (boot without the VM the guest holds open against
# a QEMU 7.2 bug; selftests/kvm-hold.c), CROSS_COMPILE= (the arm64
# toolchain's prefix: aarch64-linux-gnu-, empty on an aarch64 host),
# HOST_ARCH= (uname -m; aarch64 builds natively), REPEAT= (make timing's
# runs of each entry, 3), TIMING_MARK= (a regex naming its cases),
# LOG= (make results: a kit run's output), KCONFIG= (make hw-deb: the
# machine's kernel configuration), HW_CONFIG_ONLY=1 (make hw-deb stops after
# configuring), BISECT_FROM=<commit> (make
# bisect-build from that patch of the tree on), FORCE=1 (make distclean
# even when the tree holds work that patches/ lacks).

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD ?= $(TOP)/build
override BUILD := $(abspath $(BUILD))
ARCH := arm64
# On an aarch64 host every stage builds natively (HOST_ARCH=aarch64 makes
# any host do so, e.g. for make -n); elsewhere with Debian's cross compiler.
HOST_ARCH ?= $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
KSRC ?=
JOBS ?= $(shell nproc)
DEBUG ?= 0
T ?=
KUNIT_FILTER ?=
# Empty: each command's own boots (selftests/boots.py; make boots lists them).
BOOTS ?=
export BUILD KSRC JOBS DEBUG BOOTS ARCH CROSS_COMPILE HOST_ARCH KUNIT_FILTER MUTANT BISECT_FROM
export RIG_TESTS := $(T)
# BASELINE=1: rerun on the unpatched kernel the failures that
# selftests/known-failures lists too (how that list is checked).
BASELINE ?= 0
export RIG_BASELINE := $(BASELINE)
NOHOLD ?= 0
SOAK_BOOTS ?=
export RIG_NOHOLD := $(NOHOLD)

S := $(TOP)/selftests
# The one driver of every boot (selftests/rig.py); bash builds.
RIG := python3 -B $(S)/rig.py
TREE := $(BUILD)/linux
ifeq ($(filter 0 1 kcsan,$(DEBUG)),)
$(error DEBUG=$(DEBUG): use 0, 1 (KASAN/lockdep kernel) or kcsan (KCSAN kernel))
endif
SFX := $(if $(filter 1,$(DEBUG)),-debug)$(if $(filter kcsan,$(DEBUG)),-kcsan)
KOUT := $(BUILD)/out/linux$(SFX)
SOUT := $(BUILD)/selftests/linux
MOUT := $(BUILD)/module$(SFX)
# The selftests make bench runs: those built from patches/ by default.
BENCH_SST ?= $(SOUT)

.PHONY: all main check check-debug check-kcsan mutants bench kunit tree kernel selftests module \
	export series-check bisect-build deps clean distclean help soak migrate timing kit kit-boot results hw-deb check-dbm \
	boots

all: main

help:
	@sed -n '3,/^$$/p' Makefile | sed '/^$$/d; s/^# \{0,1\}//'
	@echo "Other targets: check-debug check-kcsan mutants kunit soak tree kernel selftests module boots"
	@echo "               export series-check bisect-build deps clean distclean"

deps:
	@mkdir -p $(BUILD)
	@$(S)/deps.sh

tree: deps
	@$(S)/fetch-source.sh $(BUILD)/dl busybox
	@$(S)/tree.sh $(TREE) $(TOP)/patches $(BUILD)/dl

# The toolchain is spelled out so that make -n shows it.
kernel: tree
	@CROSS_COMPILE='$(CROSS_COMPILE)' $(S)/kernel.sh $(TREE) $(KOUT)

selftests: kernel
	@CROSS_COMPILE='$(CROSS_COMPILE)' $(S)/kselftests.sh $(TREE) $(KOUT) $(SOUT)

module: kernel
	@CROSS_COMPILE='$(CROSS_COMPILE)' $(S)/module.sh $(TREE) $(KOUT) $(TOP)/module $(MOUT)

main: selftests
	@$(RIG) main $(KOUT) $(SOUT) $(BUILD)/main$(SFX)

check: selftests module
	@$(RIG) check $(S)/plan $(KOUT) $(SOUT) $(MOUT) $(BUILD)/results$(SFX)

# selftests/plan.bench in a vhe and a vhe-v3 boot; see Documentation/bench.rst.
bench: selftests module
	@$(RIG) bench $(TREE) $(KOUT) $(abspath $(BENCH_SST)) $(MOUT) $(BUILD)/bench$(SFX)

# selftests/plan.migrate in one vhe boot; see Documentation/migration.rst.
migrate: selftests
	@$(RIG) migrate $(KOUT) $(SOUT) $(BUILD)/migrate$(SFX)

# make check of the dirty logging series alone (patches/ without
# patches/bbm/): selftests/check-dbm.sh.
check-dbm: tree
	@CROSS_COMPILE='$(CROSS_COMPILE)' $(S)/check-dbm.sh $(TREE) $(BUILD)/results-dbm$(SFX)

# The whole plan on the debug kernel (KASAN, lockdep, PROVE_RCU, atomic
# sleep checks: Kconfig.debug.frag); any splat fails the boot's kernel-log.
check-debug:
	@$(MAKE) --no-print-directory check DEBUG=1

# The plan on a KCSAN kernel (Kconfig.kcsan.frag; KCSAN excludes KASAN, so
# it is a kernel of its own); any data race report fails the kernel-log.
check-kcsan:
	@$(MAKE) --no-print-directory check DEBUG=kcsan

# The tests must catch the deliberate bugs in selftests/mutants/.
mutants: selftests module
	@$(RIG) mutants $(TREE) $(KOUT) $(SOUT) $(MOUT) $(BUILD)/mutants$(SFX)

# Only the KUnit entries (their command is kunit:<module>), in a VHE boot and
# one with BBM level 3 (vhe-v3).
kunit: selftests module
	@$(RIG) check --preset kunit --kinds kunit $(S)/plan $(KOUT) $(SOUT) $(MOUT) $(BUILD)/results-kunit$(SFX)

# The make bench entry that hung once, alone, in a VHE and a vhe-v3 boot
# with the hung-task detector on and a hang watchdog that dumps the vCPUs
# from the QEMU monitor (rig.py soak); SOAK_BASE=1: on the unpatched
# kernel; SOAK_BOOTS= other boots.
soak: selftests
	@SOAK_BASE=$(SOAK_BASE) SOAK_BOOTS='$(SOAK_BOOTS)' $(RIG) soak $(TREE) $(KOUT) $(SOUT) \
		$(S)/plan.soak$(if $(filter 1,$(SOAK_BASE)),-base) $(BUILD)/soak$(if $(filter 1,$(SOAK_BASE)),-base)

# The kit (selftests/kit.sh); every boot of the rig runs it, unpacked from
# the same tarball.
kit: selftests module
	@CROSS_COMPILE='$(CROSS_COMPILE)' $(S)/kit.sh $(KOUT) $(SOUT) $(MOUT) $(BUILD)/kit$(SFX) $(BUILD)/kit$(SFX).tar.gz

# A boot whose initramfs is busybox and the kit's tarball alone, which
# runs the kit's plan (BOOTS=, T= as for make check); see rig.py kit-boot.
kit-boot: kit
	@$(RIG) kit-boot $(KOUT) $(BUILD)/kit$(SFX).tar.gz $(BUILD)/kit-boot$(SFX)

# The patched kernel for an arm64 machine, as Debian packages: its own
# configuration (KCONFIG=) with Kconfig.hw.frag; HW_CONFIG_ONLY=1 stops
# after configuring.  See README, "On arm64 hardware".
hw-deb: tree
	@HW_CONFIG_ONLY='$(HW_CONFIG_ONLY)' CROSS_COMPILE='$(CROSS_COMPILE)' $(S)/hw-kernel.sh $(TREE) '$(KCONFIG)' $(BUILD)/out/hw/linux

# The boot table (selftests/boots.py) and each command's default boots.
boots:
	@$(RIG) boots

results:
	@[ -n "$(LOG)" ] || { echo "[rig] error: make results LOG=<the output of the kit's run>"; exit 1; }
	@$(RIG) results '$(LOG)' $(BUILD)/results-log

# make timing T=page_fault_test BOOTS=protected DEBUG=1: is the series
# slower at an entry, and in which of its cases (rig.py timing).
timing: selftests
	@TIMING_REPEAT='$(REPEAT)' TIMING_MARK='$(TIMING_MARK)' $(RIG) timing $(TREE) $(KOUT) $(SOUT) \
		$(S)/plan $(BUILD)/timing$(SFX)

export:
	@$(S)/series.sh export $(TREE) $(TOP)/patches

series-check:
	@$(S)/series.sh check $(TREE) $(TOP)/patches

bisect-build: tree
	@$(S)/series.sh bisect $(TREE) $(BUILD)/out/bisect

clean:
	rm -rf $(BUILD)/out $(BUILD)/selftests $(BUILD)/module* $(BUILD)/results* $(BUILD)/main* \
		$(BUILD)/bench* $(BUILD)/soak* $(BUILD)/migrate* $(BUILD)/timing* $(BUILD)/kit*

# Also the trees and downloads.  Refuses while the tree holds unexported work.
distclean:
	@if [ -d $(TREE)/.git ] && [ "$(FORCE)" != 1 ]; then \
		$(S)/series.sh synced $(TREE) $(TOP)/patches || \
		{ echo "[rig] error: not removing $(BUILD): make export first, or FORCE=1"; exit 1; }; fi
	-git -C $(TREE) worktree prune 2>/dev/null
	rm -rf $(BUILD)
