#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel under QEMU (TCG, virtualization=on so that the guest
# runs KVM) with a hard time limit.  The console goes to <log>, which is kept.
#
# Usage: boot.sh <Image> <initramfs> <boot> <log> <seconds>
# <boot> is one of lib.sh's boot_conf names: it sets the KVM mode and the CPU.
# Environment: RIG_TESTS narrows the plan (rig.tests=), KUNIT_FILTER the KUnit
# cases (kunit.filter_glob=), RIG_NOHOLD=1 boots without the VM the guest's
# /init holds open (rig.nohold=1, see selftests/kvm-hold.c),
# RIG_MONITOR=<path> puts QEMU's monitor on that unix socket
# (selftests/soak.sh reads the vCPUs' registers there; it is $log.mon
# otherwise), RIG_PLAN=<plan> starts selftests/watchdog.py, which
# stops a boot whose running entry outlived its limit by a minute and leaves
# the vCPUs' registers in $log.stall, RIG_APPEND adds to the kernel's
# command line.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

image=${1:?usage}; cpio=${2:?usage}; boot=${3:?usage}; log=${4:?usage}; secs=${5:?usage}
conf=$(boot_conf "$boot") || exit 1
extra=${conf%|*}; cpu=${conf#*|}

append="console=ttyAMA0 loglevel=5 panic=-1 rig.boot=$boot rig.scale=$(rig_scale) $extra"
[ -n "${RIG_TESTS:-}" ] && append+=" rig.tests=$RIG_TESTS"
[ -n "${KUNIT_FILTER:-}" ] && append+=" kunit.filter_glob=$KUNIT_FILTER"
[ "${RIG_NOHOLD:-0}" = 1 ] && append+=" rig.nohold=1"
[ -n "${RIG_APPEND:-}" ] && append+=" $RIG_APPEND"

mkdir -p "$(dirname "$log")"
sock=${RIG_MONITOR:-$log.mon}
# A unix socket's path has room for 107 bytes.
[ -n "${RIG_MONITOR:-}" ] || [ ${#sock} -lt 100 ] || sock=$(mktemp -u /tmp/rig-mon.XXXXXX)
stall=$log.stall
rm -f "$stall" "$stall.int" "$sock"
start=$(date +%s)
info "boot '$boot' ($append${cpu:+, -cpu max$cpu}), limit ${secs}s, console log: $log"
timeout -k 10 "$secs" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3 -cpu "max,pauth-impdef=on$cpu" \
	-smp 2 -m 4G -accel tcg,thread=multi \
	-nographic -monitor "unix:$sock,server,nowait" -nic none -no-reboot \
	-kernel "$image" -initrd "$cpio" -append "$append" \
	</dev/null >"$log" 2>&1 &
qpid=$!
# With the plan (RIG_PLAN), a hang is caught at the entry's limit plus a
# minute, not at the boot's limit: selftests/watchdog.py.
wpid=
if [ -n "${RIG_PLAN:-}" ]; then
	python3 "$(dirname "$0")/watchdog.py" "$log" "$sock" "$RIG_PLAN" "$boot" \
		"$(rig_scale)" "${image%/arch/arm64/boot/Image}/System.map" "$stall" "$qpid" &
	wpid=$!
fi
wait $qpid
rc=$?
[ -z "$wpid" ] || { kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; }
[ -n "${RIG_MONITOR:-}" ] || rm -f "$sock"
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

if [ -s "$stall" ] && ! grep -q '^@@RIG DONE' "$log"; then
	info "boot '$boot' stopped after $(elapsed "$start"): $(head -1 "$stall"); vCPU registers: $stall"
	grep '^CPU#' "$stall" | head -2 | sed 's/^/[rig]   /' >&2
	exit 2
fi
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	last=$(grep '^@@RIG BEGIN' "$log" | tail -1 | cut -d' ' -f3)
	info "boot '$boot' timed out after ${secs}s${last:+ (running: $last)}; log kept: $log"
	exit 2
fi
if ! grep -q '^@@RIG DONE' "$log"; then
	why=$(grep -m1 -E 'Kernel panic|Unable to handle|Internal error' "$log" || true)
	[ $rc -eq 0 ] || why="qemu exited with $rc${why:+; $why}"
	info "boot '$boot' ended before its plan finished (${why:-no reason in the log}); log kept: $log"
	exit 3
fi
info "boot '$boot' finished in $(elapsed "$start")"
