#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a plan in one VHE boot with a hang watchdog: when the console has been
# silent for <stall> seconds, dump every vCPU's registers from the QEMU
# monitor three times (into <out>/stall.txt) and stop the guest.  For
# chasing hangs that the per-test time limit cannot explain (a guest that
# no longer runs its own timeout).
#
# Usage: soak.sh <kernel-out> <selftests-out> <plan> <out-dir> [stall-seconds]
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kout=${1:?usage}; sout=${2:?usage}; plan=${3:?usage}; out=${4:?usage}; stall=${5:-150}
image=$kout/arch/arm64/boot/Image
[ -f "$image" ] || die "$image missing (build the kernel first)"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing (make deps)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/console.log" "$out/stall.txt" "$out/mon.sock"

"$(dirname "$0")/initramfs.sh" "$kout" "$sout" - "$plan" "$(busybox_deb "$BUILD/dl")" \
	"$out/initramfs.cpio" || exit 1

info "soak: $plan on $image, console: $out/console.log, stall limit ${stall}s"
start=$(date +%s)
qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max,pauth-impdef=on \
	-smp 2 -m 4G -accel tcg,thread=multi -nographic -nic none -no-reboot \
	-monitor "unix:$out/mon.sock,server,nowait" -serial "file:$out/console.log" \
	-kernel "$image" -initrd "$out/initramfs.cpio" \
	-append "console=ttyAMA0 loglevel=5 panic=-1 rig.boot=vhe rig.scale=1" \
	</dev/null >"$out/qemu.out" 2>&1 &
qpid=$!
last=$start; size=0
while kill -0 "$qpid" 2>/dev/null; do
	sleep 10
	now=$(date +%s); cur=$(stat -c %s "$out/console.log" 2>/dev/null || echo 0)
	if [ "$cur" != "$size" ]; then size=$cur; last=$now; continue; fi
	[ $((now - last)) -ge "$stall" ] || continue
	info "soak: console silent for ${stall}s after $((now - start))s: dumping the vCPUs to $out/stall.txt"
	for i in 1 2 3; do
		python3 - "$out/mon.sock" >>"$out/stall.txt" 2>&1 <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.3)
s.recv(65536)
for c in ('info registers -a\n', 'info cpus\n'):
    s.send(c.encode())
    time.sleep(1.5)
    print(s.recv(1 << 20).decode(errors='replace'))
PY
		sleep 2
	done
	kill "$qpid"
	wait "$qpid" 2>/dev/null
	die "soak: the guest hung (console kept: $out/console.log)"
done
wait "$qpid"
tr -d '\r' <"$out/console.log" >"$out/console.tmp" && mv "$out/console.tmp" "$out/console.log"
runs=$(grep -c '^@@BENCH RUN' "$out/console.log")
bad=$(grep -cE 'WARNING:|BUG:|Test Assertion Failure|Segmentation fault' "$out/console.log")
grep -q '^@@RIG DONE' "$out/console.log" || die "soak: the guest stopped before its plan finished ($runs runs; console: $out/console.log)"
info "soak: $runs runs in $(elapsed "$start"), $bad failure or splat lines (console: $out/console.log)"
[ "$bad" = 0 ]
