#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a plan in a VHE and a vhe-v3 boot (BBM level 3), one after the other,
# with the hung-task detector on and a hang watchdog: when the console has
# been silent for <stall> seconds, dump every vCPU's registers from the
# QEMU monitor three times (into <out>/<boot>/stall.txt) and stop the
# guest.  For chasing hangs that the per-test time limit cannot explain (a
# guest that no longer runs its own timeout).
#
# Usage: soak.sh <tree> <kernel-out> <selftests-out> <plan> <out-dir> [stall-seconds]
# Environment: SOAK_BASE=1 boots the unpatched kernel (base_kernel in lib.sh)
# instead of <kernel-out>; SOAK_BOOTS= the boots (default: "vhe vhe-v3";
# each runs the plan entries whose boots name it); SOAK_HUNG= the hung-task
# timeout in seconds (default 60; checked every 10 s, so that a task stuck
# in D state is reported, with its stack at loglevel 7, before the
# watchdog's silence stops the guest).  The detector sees uninterruptible
# sleep only: not a killable wait (vcpu->mutex), not a CPU that spins, not
# a vCPU stuck at EL2 with interrupts masked (the hang once seen); that
# one only the console's silence shows.  RCU stall reports fail a boot too.
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

tree=${1:?usage}; kout=${2:?usage}; sout=${3:?usage}; plan=${4:?usage}; out=${5:?usage}
stall=${6:-150}
boots=${SOAK_BOOTS:-vhe vhe-v3}
hung_secs=${SOAK_HUNG:-60}
hung_check=10
[ "$hung_secs" -gt 0 ] 2>/dev/null && [ $((hung_secs + hung_check)) -lt "$stall" ] ||
	die "SOAK_HUNG=$hung_secs: the hung-task timeout must be a number of seconds below the watchdog's $stall less $hung_check"
for b in $boots; do
	boot_conf "$b" >/dev/null || exit 1
	[ -n "$(plan_names "$plan" "$b")" ] || die "SOAK_BOOTS: $plan has no entry for boot '$b'"
done
if [ "${SOAK_BASE:-0}" = 1 ]; then
	kout=$BUILD/out/base
	base_kernel "$tree" "$kout" || die "the unpatched kernel could not be built"
fi
grep -qx 'CONFIG_DETECT_HUNG_TASK=y' "$kout/.config" ||
	die "$kout was built without CONFIG_DETECT_HUNG_TASK (Kconfig.frag): make kernel"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Every boot boots this copy: a rebuild of <kernel-out> in between (make
# bench, make mutants) does not change the kernel under test.
cp "$kout/arch/arm64/boot/Image" "$out/Image"

"$here/initramfs.sh" "$kout" "$sout" - "$plan" "$(busybox_deb "$BUILD/dl")" \
	"$out/initramfs.cpio" || exit 1

# monitor <socket> <command>...: each command's answer, on standard output.
monitor() {
	python3 - "$@" <<'PY'
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

# soak_boot <boot>: run the plan in one boot; 0 if it ran clean.
soak_boot() {
	local b=$1 d=$out/$1 mon start bpid last size stalled=0 rc runs bad churn
	mkdir -p "$d"
	mon=$d/mon.sock
	rm -f "$d/console.log" "$d/stall.txt" "$mon"
	start=$(date +%s)
	RIG_APPEND="sysctl.kernel.hung_task_timeout_secs=$hung_secs sysctl.kernel.hung_task_check_interval_secs=$hung_check loglevel=7" \
	RIG_MONITOR=$mon "$here/boot.sh" "$out/Image" "$out/initramfs.cpio" "$b" \
		"$d/console.log" "$(boot_limit "$plan" "$b" 100000)" &
	bpid=$!
	last=$start; size=0
	while kill -0 "$bpid" 2>/dev/null; do
		sleep 10
		now=$(date +%s); cur=$(stat -c %s "$d/console.log" 2>/dev/null || echo 0)
		if [ "$cur" != "$size" ]; then size=$cur; last=$now; continue; fi
		[ $((now - last)) -ge "$stall" ] || continue
		info "soak $b: console silent for ${stall}s after $((now - start))s: dumping the vCPUs to $d/stall.txt"
		for i in 1 2 3; do
			monitor "$mon" 'info registers -a' 'info cpus' >>"$d/stall.txt" 2>&1
			sleep 2
		done
		monitor "$mon" quit >/dev/null 2>&1
		stalled=1
		break
	done
	wait "$bpid"
	rc=$?
	if [ $stalled = 1 ]; then
		info "error: soak $b: the guest hung (console kept: $d/console.log, registers: $d/stall.txt)"
		return 1
	fi
	# The runs of each entry (bench-pairs and vm-churn open each with
	# "@@BENCH RUN").
	runs=$(awk '/^@@RIG BEGIN /{e=$3; n[e]=0; o[++k]=e} /^@@BENCH RUN/{n[e]++}
		/^@@RIG END /{e=""} END{for(i=1;i<=k;i++) if (n[o[i]]) printf "%s%s %d runs", (s++ ? ", " : ""), o[i], n[o[i]]}' "$d/console.log")
	churn=$(grep -o 'vm-churn: [0-9]* runs, [0-9]* failed' "$d/console.log" | tail -1)
	bad=$(grep -cE 'WARNING:|BUG:|INFO: task .* blocked( in I/O wait)? for more than|detected stalls|self-detected stall|Test Assertion Failure|Segmentation fault|^@@RIG END .* rc=[1-9]' "$d/console.log")
	if [ $rc != 0 ]; then
		info "error: soak $b: the boot failed after ${runs:-no runs} (console kept: $d/console.log)"
		return 1
	fi
	info "soak $b: ${runs:-no runs}${churn:+ ($churn)}, in $(elapsed "$start"); $bad failure, splat or hung-task lines (console: $d/console.log)"
	[ "$bad" = 0 ]
}

failed=0
for b in $boots; do
	soak_boot "$b" || failed=$((failed + 1))
done
info "soak: $(echo $boots | wc -w) boots ($boots), $failed failed; hung-task detector at ${hung_secs}s"
[ $failed = 0 ]
