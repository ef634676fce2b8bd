#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a plan in one VHE boot with a hang watchdog: when the console has been
# silent for <stall> seconds, dump every vCPU's registers from the QEMU
# monitor three times (into <out>/stall.txt) and stop the guest.  For
# chasing hangs that the per-test time limit cannot explain (a guest that
# no longer runs its own timeout).
#
# Usage: soak.sh <tree> <kernel-out> <selftests-out> <plan> <out-dir> [stall-seconds]
# Environment: SOAK_BASE=1 boots the unpatched kernel (base_kernel in lib.sh)
# instead of <kernel-out>.
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

tree=${1:?usage}; kout=${2:?usage}; sout=${3:?usage}; plan=${4:?usage}; out=${5:?usage}
stall=${6:-150}
if [ "${SOAK_BASE:-0}" = 1 ]; then
	kout=$BUILD/out/base
	base_kernel "$tree" "$kout" || die "the unpatched kernel could not be built"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
mon=$out/mon.sock
rm -f "$out/console.log" "$out/stall.txt" "$mon"

"$here/initramfs.sh" "$kout" "$sout" - "$plan" "$(busybox_deb "$BUILD/dl")" \
	"$out/initramfs.cpio" || exit 1

# monitor <command>...: each command's answer, on standard output.
monitor() {
	python3 - "$mon" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.3)
s.recv(65536)
for c in sys.argv[2:]:
    s.send((c + '\n').encode())
    time.sleep(1.5)
    print(s.recv(1 << 20).decode(errors='replace'))
PY
}

start=$(date +%s)
RIG_MONITOR=$mon "$here/boot.sh" "$kout/arch/arm64/boot/Image" "$out/initramfs.cpio" vhe \
	"$out/console.log" "$(boot_limit "$plan" vhe 100000)" &
bpid=$!
last=$start; size=0; hung=0
while kill -0 "$bpid" 2>/dev/null; do
	sleep 10
	now=$(date +%s); cur=$(stat -c %s "$out/console.log" 2>/dev/null || echo 0)
	if [ "$cur" != "$size" ]; then size=$cur; last=$now; continue; fi
	[ $((now - last)) -ge "$stall" ] || continue
	info "soak: console silent for ${stall}s after $((now - start))s: dumping the vCPUs to $out/stall.txt"
	for i in 1 2 3; do
		monitor 'info registers -a' 'info cpus' >>"$out/stall.txt" 2>&1
		sleep 2
	done
	monitor quit >/dev/null 2>&1
	hung=1
	break
done
wait "$bpid"
rc=$?
[ $hung = 0 ] || die "soak: the guest hung (console kept: $out/console.log, registers: $out/stall.txt)"
runs=$(grep -c '^@@BENCH RUN' "$out/console.log")
bad=$(grep -cE 'WARNING:|BUG:|Test Assertion Failure|Segmentation fault|^@@RIG END .* rc=[1-9]' "$out/console.log")
[ $rc = 0 ] || die "soak: the boot failed after $runs runs (console kept: $out/console.log)"
info "soak: $runs runs in $(elapsed "$start"), $bad failure or splat lines (console: $out/console.log)"
[ "$bad" = 0 ]
