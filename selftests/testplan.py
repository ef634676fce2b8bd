#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The rig's test plans (selftests/plan, plan.*), read in one place.

One entry a line, name|timeout-seconds|boots|command ('#' lines and blank
lines are comments); boots is "*" or a comma-separated list of the names in
selftests/boots.py.  An entry's kind comes from its command, never its name:

  kunit     "kunit:<module>": a KUnit module of module/; its cases are KTAP
  migrate   runs migrate-run: a live migration, which needs the guest's QEMU
            and L2 guest that only the rig packs (never in the kit)
  selftest  names "./<binary>" (alone or after a helper): a KVM selftest
  shell     anything else: a busybox command line

The guest's runner (selftests/kit/run, busybox sh) reads the same lines; the
host resolves T= patterns (fnmatch) to names here, and tells the guest names.

    testplan.py bins <plan>...   the selftest binaries the plans name, one a line
    testplan.py kit <plan>       <plan> as the kit carries it: without the
                                 migrate entries, and a line saying so
    testplan.py lint <plan>...   read every plan; an error names file:line
"""
import collections
import fnmatch
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boots  # noqa: E402

BIN = re.compile(r'(?:^|[ ;&|(\'"])\./([A-Za-z0-9_/-]+)')


class PlanError(Exception):
    pass


class Entry(collections.namedtuple('Entry', 'name limit boots cmd where')):
    """One plan line; boots is None for "*"."""

    @property
    def kind(self):
        if self.cmd.startswith('kunit:'):
            return 'kunit'
        if re.search(r'(^|[ ;&|(])migrate-run\b', self.cmd):
            return 'migrate'
        if self.bins:
            return 'selftest'
        return 'shell'

    @property
    def bins(self):
        return BIN.findall(self.cmd)

    def runs_in(self, boot):
        return self.boots is None or boot in self.boots


class Plan:
    def __init__(self, path, lines=None):
        self.path = path
        self.entries = []
        self.text = []          # the entry lines as written (the runner's checksum)
        if lines is None:
            try:
                with open(path) as f:
                    lines = f.readlines()
            except OSError as e:
                raise PlanError('cannot read plan %s: %s' % (path, e.strerror))
        seen = set()
        for n, line in enumerate(lines, 1):
            # The runner's checksum takes every line but comments and empty
            # ones (grep -v -e '^#' -e '^$'); a blank line is no entry.
            if line.rstrip('\n') and not line.startswith('#'):
                self.text.append(line if line.endswith('\n') else line + '\n')
            if not line.strip() or line.startswith('#'):
                continue
            where = '%s:%d' % (path, n)
            parts = line.rstrip('\n').split('|', 3)
            if len(parts) != 4 or not all(p.strip() for p in parts):
                raise PlanError('%s: not name|timeout-seconds|boots|command' % where)
            name, tmo, bl, cmd = parts
            if not re.match(r'^[A-Za-z0-9_.+-]+$', name):
                raise PlanError('%s: entry name %r: letters, digits and _.+- only' % (where, name))
            if not re.fullmatch(r'[0-9]+', tmo) or int(tmo) == 0:
                raise PlanError('%s: %s: the timeout %r is not a number of seconds' % (where, name, tmo))
            bset = None
            if bl != '*':
                bset = tuple(bl.split(','))
                bad = [b for b in bset if b not in boots.BOOTS]
                if bad:
                    raise PlanError('%s: %s: unknown boot %s (known: %s)' % (
                        where, name, ','.join(bad), ' '.join(boots.BOOTS)))
            # One name a boot: an entry may be written once for each boot.
            for b in bset or boots.BOOTS:
                if (name, b) in seen:
                    raise PlanError('%s: entry %s twice in boot %s' % (where, name, b))
                seen.add((name, b))
            self.entries.append(Entry(name, int(tmo), bset, cmd, where))

    def digest(self):
        """What the runner prints as "plan entries sha256"."""
        return hashlib.sha256(''.join(self.text).encode()).hexdigest()

    def select(self, boot=None, only=None, kinds=None):
        """The entries of <boot> (all boots: None) that the comma-separated
        patterns <only> match (all: empty), of <kinds> (all: None), in order."""
        pats = [p for p in (only or '').split(',') if p]
        return [e for e in self.entries
                if (boot is None or e.runs_in(boot)) and
                (not pats or any(fnmatch.fnmatchcase(e.name, p) for p in pats)) and
                (kinds is None or e.kind in kinds)]

    def entry(self, name):
        for e in self.entries:
            if e.name == name:
                return e
        return None

    def limit(self, boot, only=None, scale=1, cap=1500):
        """Seconds a boot of these entries may take: their limits plus boot
        time, capped (<cap> s unless told, times <scale>) so that a boot that
        hangs outside any test does not hold CI for the sum of all limits."""
        s = (sum(e.limit for e in self.select(boot, only)) + 120) * scale
        return min(s, cap * scale)


def kit_lines(path):
    """The plan's lines as the kit carries them (selftests/kit.sh)."""
    plan = Plan(path)
    with open(path) as f:
        lines = f.readlines()
    left = [e.name for e in plan.entries if e.kind == 'migrate']
    out = []
    if left:
        out.append("# The kit leaves out %s: live migration needs the guest's QEMU and L2 "
                   "guest, which only make migrate and make check's rig pack.\n" % ', '.join(left))
    drop = {e.where for e in plan.entries if e.kind == 'migrate'}
    out += [l for n, l in enumerate(lines, 1) if '%s:%d' % (path, n) not in drop]
    return out


def main(argv):
    try:
        if len(argv) >= 2 and argv[0] == 'bins':
            names = set()
            for p in argv[1:]:
                for e in Plan(p).entries:
                    names.update(e.bins)
            print('\n'.join(sorted(names)))
            return 0
        if len(argv) == 2 and argv[0] == 'kit':
            sys.stdout.writelines(kit_lines(argv[1]))
            return 0
        if len(argv) >= 2 and argv[0] == 'lint':
            for p in argv[1:]:
                Plan(p)
            return 0
    except PlanError as e:
        print('[rig] error: %s' % e, file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
