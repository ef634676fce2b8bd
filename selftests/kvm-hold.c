// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hold: keep one VM open until killed (the rig's guest /init starts it
 * before the plan).
 *
 * KVM enables the scheduler's preempt_notifier_key when a VM is created and
 * disables it when the last one is destroyed, so a plan that runs one test
 * at a time flips it twice per VM. The kernel makes every CPU see the
 * patched branches before the flip returns (arch_jump_label_transform_apply()
 * kicks them all), but QEMU before 8.1 can keep a translation block that
 * another vCPU translated from the page while it was being patched
 * (fixed by QEMU commit deba78709ae8, "accel/tcg: Always lock pages before
 * translation"); the rig's QEMU is Debian bookworm's 7.2. A CPU then goes on
 * running the old code of the context switch: a vCPU thread is scheduled
 * out without kvm_sched_out() (its vcpu_put() never runs) and back in with
 * kvm_sched_in(), which trips KVM_BUG_ON(SYSREGS_ON_CPU) in
 * kvm_vcpu_load_debug() and hands the guest's EL0 registers to the host
 * task (it dies of SIGSEGV); or, inferred from the registers of a hung
 * boot, it migrates without either, and the next guest exit on a CPU
 * where no vCPU was loaded loops at EL2 for ever. With one VM held open the
 * key stays on for the whole boot.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("kvm-hold: /dev/kvm");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("kvm-hold: KVM_CREATE_VM");
		return 1;
	}
	printf("kvm-hold: VM %d held open\n", vm);
	fflush(stdout);
	for (;;)
		pause();
}
