# SPDX-License-Identifier: GPL-2.0
"""The rig's boots: the one table of the ways the guest kernel is booted.

A plan entry names the boots it runs in (selftests/plan's third field); the
driver (selftests/rig.py) boots each with QEMU's -cpu max plus <cpu> and
<append> on the kernel command line; the kit carries the names (kit/boots)
so that its runner's -b takes the same ones.
"""
import collections

Boot = collections.namedtuple('Boot', 'name append cpu what')

BOOTS = collections.OrderedDict((b.name, b) for b in (
    Boot('vhe', '', '', "KVM's VHE host mode"),
    Boot('nvhe', 'kvm-arm.mode=nvhe', '', "KVM's nVHE host mode (the hypervisor at EL2)"),
    Boot('protected', 'kvm-arm.mode=protected', '',
         "pKVM's protected mode (stage 2 owned by EL2: write-protection only)"),
    # QEMU's max CPU never raises TLB conflict aborts; with Neoverse-V3 r0p2's
    # MIDR the kernel trusts it to (ARM64_HAS_BBML3).
    Boot('vhe-v3', '', ',midr=0x410fd842',
         'VHE on a CPU reporting Neoverse-V3 r0p2 (0x410fd842): BBM level 3'),
))

# What each of the driver's commands boots, and what can change that (None:
# nothing: its tables or its one boot are made for these).
DEFAULTS = {
    'check': ('vhe', 'nvhe', 'protected', 'vhe-v3'),
    'kunit': ('vhe', 'vhe-v3'),
    'bench': ('vhe', 'vhe-v3'),
    'soak': ('vhe', 'vhe-v3'),
    'mutants': ('vhe',),        # a mutant's "Boot:" line names another
    'main': ('vhe',),
    'migrate': ('vhe',),
    'kit-boot': ('vhe',),
    'timing': ('vhe',),
}
CHOSEN_BY = {'check': 'BOOTS=', 'kunit': 'BOOTS=', 'kit-boot': 'BOOTS=', 'timing': 'BOOTS=',
             'soak': 'SOAK_BOOTS=', 'mutants': "a mutant's Boot: line", 'bench': None,
             'main': None, 'migrate': None}


def parse(spec, command):
    """The boots a BOOTS= value names (blank: the command's default), in
    order; an unknown name is an error that lists the known ones."""
    names = spec.split() if spec and spec.strip() else list(DEFAULTS[command])
    bad = [n for n in names if n not in BOOTS]
    if bad:
        raise ValueError('unknown boot %s (known: %s)' % (', '.join(bad), ' '.join(BOOTS)))
    return [BOOTS[n] for n in names]
