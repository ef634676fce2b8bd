#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""rig.py: the rig's one driver.  The Makefile calls it after the bash build
stages (tree.sh, kernel.sh, kselftests.sh, module.sh, kit.sh, initramfs.sh);
every boot of every command goes through Guest.boot() below.

    rig.py check    <plan> <kernel-out> <selftests-out> <module-out|-> <out-dir>
    rig.py main     <kernel-out> <selftests-out> <out-dir>
    rig.py bench    <tree> <kernel-out> <selftests-out> <module-out> <out-dir>
    rig.py mutants  <tree> <kernel-out> <selftests-out> <module-out> <out-dir>
    rig.py soak     <tree> <kernel-out> <selftests-out> <plan> <out-dir>
    rig.py migrate  <kernel-out> <selftests-out> <out-dir>
    rig.py kit-boot <kernel-out> <kit.tar.gz> <out-dir>
    rig.py timing   <tree> <kernel-out> <selftests-out> <plan> <out-dir>
    rig.py results  <log> <out-dir>
    rig.py boots    the boot table (selftests/boots.py)

check: the host cases first (parser-tests: test_results.py on the saved logs
of testdata/, in seconds; series-check), then the plan in every boot; a boot
that stopped early resumes in a new boot from the first entry it never
began; an entry that hit a splat of selftests/known-issues runs again (twice
at most); then the baseline policy (results.needs_baseline): the failed
entries that need it run again on the unpatched kernel, built once.  The
statuses are results.py's: PASS, FAIL, SKIP, KNOWN, NOT_RUN, TIMEOUT.

mutants: each selftests/mutants/<name>.patch is a deliberate bug; its
"Must-fail:" line names the entries (or entry/case) that must fail on it,
"Boot:" the boot (vhe).  An entry that never ran (NOT_RUN) catches nothing.

While a boot runs, each entry's end is printed as it comes: n of N, its
name, its status, its seconds, the boot's time so far; an entry still
running after a minute is reported every minute.  A hang is caught at the
entry's limit plus a minute (watchdog.py dumps the vCPUs and stops QEMU).

Environment (the Makefile's variables): BOOTS (the command's default in
boots.py; make boots), SOAK_BOOTS, RIG_TESTS (T=: comma-separated names or
fnmatch patterns), RIG_BASELINE=1, DEBUG (limits x4), KUNIT_FILTER,
RIG_NOHOLD=1, MUTANT, SOAK_BASE, SOAK_HUNG, TIMING_REPEAT, TIMING_MARK,
RIG_MIGRATE_PLAN (make migrate's plan), BUILD, JOBS, HOST_ARCH and
CROSS_COMPILE (the builds of mutants and bench).
"""
import argparse
import fnmatch
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import boots  # noqa: E402
import results  # noqa: E402
import testplan  # noqa: E402
import watchdog  # noqa: E402

BUILD = os.path.abspath(os.environ.get('BUILD') or os.path.join(TOP, 'build'))
DEBUG = os.environ.get('DEBUG', '0') or '0'
SCALE = 1 if DEBUG == '0' else 4
SFX = {'1': '-debug', 'kcsan': '-kcsan'}.get(DEBUG, '')
JOBS = os.environ.get('JOBS') or str(os.cpu_count() or 1)
TESTS = os.environ.get('RIG_TESTS', '')
# The builds this driver starts itself (mutants, bench): lib.sh's defaults.
HOST_ARCH = os.environ.get('HOST_ARCH') or os.uname().machine
BUILD_ENV = {'ARCH': 'arm64',
             'CROSS_COMPILE': os.environ.get('CROSS_COMPILE') or
             ('' if HOST_ARCH == 'aarch64' else 'aarch64-linux-gnu-')}
# The kernel command line has 2048 bytes; rig.tests= gets at most this.
TESTS_MAX = 1400


class RigError(Exception):
    pass


def info(msg):
    print('[rig] %s' % msg, file=sys.stderr, flush=True)


def elapsed(start):
    s = int(time.time() - start)
    return '%dm%02ds' % (s // 60, s % 60)


def sh(*cmd, env=None, log=None, check=True):
    """Run a build stage; with <log>, its output goes there."""
    e = dict(os.environ, **BUILD_ENV)
    e.update(env or {})
    out = open(log, 'w') if log else None
    # In a process group of its own, killed whole when this run is stopped:
    # no compiler outlives an interrupted mutant build to leave its object
    # behind after the tree is put back.
    p = subprocess.Popen(cmd, env=e, stdout=out, stderr=subprocess.STDOUT if out else None,
                         start_new_session=True)
    try:
        rc = p.wait()
    except BaseException:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
                p.wait(10)
                break
            except (OSError, subprocess.TimeoutExpired):
                pass
        raise
    finally:
        if out:
            out.close()
    if check and rc:
        raise RigError('%s failed (exit %d)%s' % (os.path.basename(cmd[0]), rc,
                                                   '; log: %s' % log if log else ''))
    return rc


def selected(name, tests=TESTS):
    pats = [p for p in tests.split(',') if p]
    return not pats or any(fnmatch.fnmatchcase(name, p) for p in pats)


def busybox_deb():
    debs = sorted(glob.glob(os.path.join(BUILD, 'dl', 'busybox-static_*_arm64.deb')))
    if not debs:
        raise RigError('no busybox-static arm64 package in %s/dl (make tree fetches it)' % BUILD)
    return debs[0]


def base_kernel(tree, kout):
    """The unpatched kernel (the tree's rig-base, worktree build/linux-base)."""
    if sh('bash', '-c', '. "$0"; base_kernel "$1" "$2"', os.path.join(HERE, 'lib.sh'), tree, kout,
          check=False):
        raise RigError('the unpatched kernel (rig-base of %s) could not be built into %s (its '
                       'build log: %s/build.log)' % (tree, kout, kout))


def pack(kout, sout, mods, plan, boot, cpio, kit=None, only=None):
    """The initramfs (initramfs.sh): the kit, made from <sout> and <mods> or
    the tarball <kit>, and <plan> at /plan (None: the kit's own); the
    guest's QEMU and L2 guest when <boot> (any boot: None) runs a migrate
    entry that <only> selects."""
    mig = plan is not None and bool(testplan.Plan(plan).select(boot, only, kinds=('migrate',)))
    env = {'RIG_MIGRATE': '1' if mig else '0'}
    if kit:
        env['RIG_KIT'] = kit
    sh(os.path.join(HERE, 'initramfs.sh'), kout, sout or '-', mods or '-', plan or '-',
       busybox_deb(), cpio, env=env)


class BootResult:
    def __init__(self, log, status, why=''):
        self.log, self.status, self.why = log, status, why

    @property
    def ok(self):
        return self.status == 'done'


class Guest:
    """One QEMU boot of the test kernel, followed as it runs."""
    GRACE = watchdog.GRACE
    HEARTBEAT = 60
    POLL = 2

    def __init__(self, image, cpio, boot, log, entries, limit, only=None,
                 monitor=None, silence=None, append='', smap=None):
        self.image, self.cpio, self.boot, self.log = image, cpio, boot, log
        self.entries = {e.name: e for e in entries}
        self.total = len(entries)
        self.limit, self.only, self.silence = limit, only, silence
        # The kernel's symbols for the hang dump: beside a copied Image, or
        # in the kernel's output directory.
        self.smap = smap or os.path.join(os.path.dirname(image), 'System.map')
        if not os.path.exists(self.smap):
            self.smap = os.path.join(image.rsplit('/arch/arm64/boot/', 1)[0], 'System.map')
        self.monitor = monitor or log + '.mon'
        # A unix socket's path has room for 107 bytes.
        if monitor is None and len(self.monitor) >= 100:
            self.monitor = tempfile.mktemp(prefix='rig-mon.', dir='/tmp')
        self.keep_monitor = monitor is not None
        self.append = append
        self.stall = log + '.stall'

    def cmdline(self):
        b = boots.BOOTS[self.boot]
        a = 'console=ttyAMA0 loglevel=5 panic=-1 rig.boot=%s rig.scale=%d' % (b.name, SCALE)
        if b.append:
            a += ' ' + b.append
        if self.only:
            if len(self.only) > TESTS_MAX:
                raise RigError('the entries to run (%d bytes) do not fit the kernel command '
                               'line: narrow T=' % len(self.only))
            a += ' rig.tests=' + self.only
        if os.environ.get('KUNIT_FILTER'):
            a += ' kunit.filter_glob=' + os.environ['KUNIT_FILTER']
        if os.environ.get('RIG_NOHOLD') == '1':
            a += ' rig.nohold=1'
        if self.append:
            a += ' ' + self.append
        return a

    def qemu(self, append):
        b = boots.BOOTS[self.boot]
        # timeout(1) as well: QEMU dies at the limit even if this driver
        # does first (then it is the kill of last resort; follow() stops it
        # at the limit itself).
        return ['timeout', '-k', '10', str(self.limit + self.GRACE + 300),
                'qemu-system-aarch64', '-M', 'virt,virtualization=on,gic-version=3',
                '-cpu', 'max,pauth-impdef=on' + b.cpu, '-smp', '2', '-m', '4G',
                '-accel', 'tcg,thread=multi', '-nographic',
                '-monitor', 'unix:%s,server,nowait' % self.monitor, '-nic', 'none',
                '-no-reboot', '-kernel', self.image, '-initrd', self.cpio, '-append', append]

    def run(self):
        b = boots.BOOTS[self.boot]
        append = self.cmdline()
        os.makedirs(os.path.dirname(os.path.abspath(self.log)), exist_ok=True)
        for f in (self.stall, self.stall + '.int', self.monitor):
            watchdog.remove(f)
        cmd = self.qemu(append)
        for c in cmd[:5]:
            if c.startswith('qemu-') and not shutil.which(c):
                raise RigError('%s missing (make deps)' % c)
        info("boot '%s' (%s%s), %d entries, limit %ds, console log: %s" % (
            self.boot, append, ', -cpu max' + b.cpu if b.cpu else '', self.total,
            self.limit, self.log))
        self.start = time.time()
        q = None
        try:
            with open(self.log, 'wb') as out:
                q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
            status, why = self.follow(q)
        finally:
            # The whole session: timeout(1) may be gone and QEMU not.
            if q is not None:
                self.kill(q)
            if not self.keep_monitor:
                watchdog.remove(self.monitor)
        with open(self.log, 'rb') as f:
            data = f.read().replace(b'\r', b'')
        with open(self.log, 'wb') as f:
            f.write(data)
        if status == 'done' and b'\n@@RIG DONE' not in b'\n' + data:
            crash = re.search(rb'(Kernel panic|Unable to handle|Internal error)[^\n]*', data)
            status = 'died'
            why = 'qemu exited with %d' % q.returncode if q.returncode else ''
            if crash:
                why += ('; ' if why else '') + crash.group(0).decode(errors='replace')
            why = why or 'no reason in the log'
        if status == 'done':
            info("boot '%s' finished in %s" % (self.boot, elapsed(self.start)))
        elif status == 'hung':
            try:
                with open(self.stall, errors='replace') as f:
                    stall = f.read().splitlines()
            except OSError:
                stall = []
            info("boot '%s' stopped after %s: %s; vCPU registers: %s" % (
                self.boot, elapsed(self.start), stall[0] if stall else why, self.stall))
            for line in [l for l in stall if l.startswith('CPU#')][:2]:
                info('  ' + line)
        elif status == 'timeout':
            info("boot '%s' timed out after %ds%s; log kept: %s" % (
                self.boot, self.limit, ' (running: %s)' % why if why else '', self.log))
        elif status == 'silent':
            info("boot '%s': %s" % (self.boot, why))
        else:
            info("boot '%s' ended before its plan finished (%s); log kept: %s" % (
                self.boot, why, self.log))
        return BootResult(self.log, status, why)

    def kill(self, q):
        if q.poll() is None:
            try:
                os.killpg(q.pid, signal.SIGTERM)
                q.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        # The group may outlive its leader (timeout(1)'s QEMU).
        try:
            os.killpg(q.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            q.wait(10)
        except subprocess.TimeoutExpired:
            pass

    def progress(self, name, block, began):
        """The line printed as an entry ends."""
        e = self.entries.get(name)
        cases = results.cases_of(name, block[0], block[1], e.kind if e else 'selftest',
                                 block.secs, block.limit)
        bad = [s for _, s, _ in cases if s in results.FAILED]
        if bad:
            st = '%s (%d of %d cases)' % (results.LABEL[bad[0]], len(bad), len(cases))
        elif cases and all(s == results.SKIP for _, s, _ in cases):
            st = 'SKIP'
        else:
            st = 'PASS' + (' (%d cases)' % len(cases) if len(cases) > 1 else '')
        self.done += 1
        w = len(str(self.total))
        secs = block.secs if block.secs is not None else time.time() - began
        info('%s %*d/%d %s: %s in %ds (boot %s)' % (
            self.boot, w, self.done, self.total, name, st, secs, elapsed(self.start)))

    def follow(self, q):
        """Follow the console until QEMU exits: ('done'|'hung'|'timeout'|
        'silent', why)."""
        pos, part = 0, ''
        cur, began, lines, beat = None, 0, [], 0
        self.done = 0
        last_growth = time.time()
        while True:
            # Whether QEMU had exited before this read: then the read has
            # all it wrote.
            exited = q.poll() is not None
            try:
                with open(self.log, 'rb') as f:
                    f.seek(pos)
                    data = f.read()
            except OSError:
                data = b''
            now = time.time()
            if data:
                pos += len(data)
                last_growth = now
                chunk = (part + data.decode(errors='replace')).split('\n')
                part = chunk.pop()
                for line in chunk:
                    line = line.rstrip('\r')
                    if line.startswith('@@RIG BEGIN '):
                        cur, began, lines, beat = line.split(' ', 2)[2], now, [], now
                    elif line.startswith('@@RIG END ') and cur:
                        end = results.parse_end(line, lines)
                        self.progress(cur, end[1] if end else results.Block(1, lines), began)
                        cur = None
                    elif cur and len(lines) < 20000:
                        lines.append(line)
            if exited:
                return 'done', ''
            if now - self.start > self.limit:
                return 'timeout', cur or ''
            if cur and now - beat >= self.HEARTBEAT:
                beat = now
                e = self.entries.get(cur)
                info('%s %s: still running, %ds of its %ds limit' % (
                    self.boot, cur, now - began, e.limit * SCALE if e else 0))
            e = self.entries.get(cur) if cur else None
            if e and now - began > e.limit * SCALE + self.GRACE:
                if self.hang(q, cur, e.limit * SCALE):
                    return 'hung', 'hung: %s' % cur
                continue
            if self.silence and now - last_growth >= self.silence:
                self.silent_dump(now - self.start)
                self.kill(q)
                return 'silent', ('the guest hung: console silent for %ds after %ds '
                                  '(registers: %s)' % (self.silence, now - self.start,
                                                       self.stall))
            time.sleep(self.POLL)

    def hang(self, q, cur, limit):
        """watchdog.py's dump of a hung entry; True when it still hung after
        it (then QEMU is stopped), False when it ended meanwhile."""
        try:
            pids = watchdog.qemu_pids(q.pid)
        except (OSError, ValueError):
            pids = []
        m = None
        try:
            m = watchdog.dump(self.monitor, self.smap, self.stall, cur, limit)
            watchdog.gdb_threads(pids, self.stall)
        except OSError as e:
            # A monitor that resets mid-dump: what was dumped is kept.
            with open(self.stall, 'a') as f:
                f.write('-- the dump stopped: %s\n' % e)
        with open(self.log, 'rb') as f:
            text = f.read().decode(errors='replace').replace('\r', '')
        after = text.rsplit('@@RIG BEGIN %s\n' % cur, 1)[-1]
        if '@@RIG END %s ' % cur in after or '@@RIG DONE' in after:
            watchdog.remove(self.stall)
            watchdog.remove(self.stall + '.int')
            if m:
                m.s.close()
            return False
        if m:
            try:
                m.s.sendall(b'quit\n')
                time.sleep(5)
            except OSError:
                pass
        self.kill(q)
        return True

    def silent_dump(self, after):
        with open(self.stall, 'w') as f:
            f.write('silent: console silent for %ds after %ds\n' % (self.silence, after))
            try:
                mon = watchdog.Monitor(self.monitor)
                for i in range(3):
                    f.write('-- dump %d\n%s\n%s\n' % (i + 1, mon.cmd('info registers -a'),
                                                      mon.cmd('info cpus')))
                    time.sleep(2)
                mon.s.sendall(b'quit\n')
            except OSError as e:
                f.write('-- no (more) QEMU monitor: %s\n' % e)


def boot_and_parse(plan, boot, image, cpio, log, out_json, only=None, cap=1500, **kw):
    """Boot <boot> with the entries of <plan> that <only> selects, parse the
    console into <out_json>: the BootResult.  An entry the boot's own limit
    cut off is a TIMEOUT."""
    ents = plan.select(boot, only)
    g = Guest(image, cpio, boot, log, ents, plan.limit(boot, only, SCALE, cap),
              only=only, **kw)
    r = g.run()
    if out_json:
        cut = None
        if r.status == 'timeout' and r.why:
            cut = (r.why, 'the boot hit its %d s limit while it ran' % g.limit)
        results.cmd_parse(plan, boot, log, out_json, only or '', cut)
    return r


# --- check -------------------------------------------------------------------

def host_case(name, cmd, rdir, out_json, env=None):
    log = os.path.join(rdir, name + '.log')
    info('%s, log: %s' % (name, log))
    rc = sh(*cmd, log=log, env=env, check=False)
    with open(log, errors='replace') as f:
        last = (f.read().rstrip('\n').rsplit('\n', 1) or [''])[-1]
    info('  ' + last)
    results.cmd_host(name, str(rc), log, out_json)
    return out_json


def cmd_check(a):
    plan = testplan.Plan(a.plan)
    blist = boots.parse(os.environ.get('BOOTS', ''), a.preset)
    tests = TESTS
    if a.kinds:
        # make kunit: the entries of these kinds (their commands say so),
        # by name; no host cases.
        tests = ','.join(sorted({e.name for e in plan.select(None, TESTS, a.kinds.split(','))}))
        if not tests:
            raise RigError('%s has no entry of kind %s' % (a.plan, a.kinds))
    tree = os.path.join(BUILD, 'linux')
    rdir = a.out
    os.makedirs(rdir, exist_ok=True)
    for f in glob.glob(os.path.join(rdir, '*.json')) + glob.glob(os.path.join(rdir, '*.stall')) + \
            glob.glob(os.path.join(rdir, 'initramfs*.cpio')):
        os.unlink(f)
    if not shutil.which('qemu-system-aarch64'):
        raise RigError('qemu-system-aarch64 missing (make deps)')
    host = []
    if selected('parser-tests') and not a.kinds:
        host.append(host_case('parser-tests', ['python3', '-B', os.path.join(HERE, 'test_results.py')],
                              rdir, os.path.join(rdir, 'host-parser-tests.json'),
                              env={'PYTHONDONTWRITEBYTECODE': '1'}))
    if selected('series-check') and not a.kinds:
        host.append(host_case('series-check', [os.path.join(HERE, 'series.sh'), 'check', tree,
                                               os.path.join(TOP, 'patches')],
                              rdir, os.path.join(rdir, 'host.json')))
    if not any(plan.select(b.name, tests) for b in blist) and not host:
        raise RigError('T=%s selects no entry of %s in boots %s' % (
            tests, a.plan, ' '.join(b.name for b in blist)))
    incomplete = []

    def run_boot(flav, b, kout, st, mods, only):
        cpio = os.path.join(rdir, 'initramfs%s-%s.cpio' % ('-base' if flav.startswith('base') else '', b))
        if not os.path.exists(cpio):
            try:
                pack(kout, st, mods, a.plan, b, cpio, only=only)
            except RigError as e:
                if not flav.startswith('base'):
                    raise RigError("no initramfs for boot '%s': %s" % (b, e))
                info("no initramfs of the unpatched kernel for boot '%s': no baseline there" % b)
                return None
        r = boot_and_parse(plan, b, os.path.join(kout, 'arch/arm64/boot/Image'), cpio,
                           os.path.join(rdir, '%s-%s.log' % (flav, b)),
                           os.path.join(rdir, '%s-%s.json' % (flav, b)), only)
        return r

    def run_boots(flav, kout, st, mods, only):
        for b in blist:
            b = b.name
            if not plan.select(b, only):
                continue
            first = os.path.join(rdir, '%s-%s.json' % (flav, b))
            r = run_boot(flav, b, kout, st, mods, only)
            if r is None:
                continue
            # Without the baseline every failure counts: a base boot that
            # did not complete only loses its verdicts.
            if not r.ok and flav == 'series':
                incomplete.append(b)
            left = results.remaining(first)
            if left:
                info("boot '%s' stopped early: a new boot for the entries it never began" % b)
                r = run_boot(flav + '-resumed', b, kout, st, mods, ','.join(left))
                if r is not None:
                    results.cmd_merge_resumed(first, os.path.join(rdir, '%s-resumed-%s.json' % (flav, b)))
            for i in (1, 2):
                hit = results.known_hit([first])
                if not hit:
                    break
                info("boot '%s': %s hit a known upstream issue (selftests/known-issues): retry %d"
                     % (b, ','.join(hit), i))
                r = run_boot('%s-retry%d' % (flav, i), b, kout, st, mods, ','.join(hit))
                if r is not None:
                    results.cmd_merge(first, os.path.join(rdir, '%s-retry%d-%s.json' % (flav, i, b)))

    run_boots('series', a.kernel, a.selftests, a.module, tests)
    series = [os.path.join(rdir, 'series-%s.json' % b.name) for b in blist
              if os.path.exists(os.path.join(rdir, 'series-%s.json' % b.name))]
    fail = results.failing(series, os.environ.get('RIG_BASELINE') == '1')
    if fail:
        info('failing entries (%s): rerunning them on the unpatched kernel' % ','.join(fail))
        bout = os.path.join(BUILD, 'out', 'base' + SFX)
        bst = os.path.join(BUILD, 'selftests', 'base')
        try:
            base_kernel(tree, bout)
            sh(os.path.join(HERE, 'kselftests.sh'), os.path.join(BUILD, 'linux-base'), bout, bst)
            run_boots('base', bout, bst, None, ','.join(fail))
        except RigError as e:
            info('the unpatched kernel could not be built or packed (%s): no baseline, '
                 'every failure counts' % e)
    pairs = [(h, None) for h in host]
    for b in blist:
        s = os.path.join(rdir, 'series-%s.json' % b.name)
        if os.path.exists(s):
            pairs.append((s, os.path.join(rdir, 'base-%s.json' % b.name)))
    with open(os.path.join(rdir, 'summary.txt'), 'w') as f:
        counts = results.summary(pairs, f)
    with open(os.path.join(rdir, 'summary.txt')) as f:
        sys.stdout.write(f.read())
    rc = 1 if sum(counts[x] for x in results.FAILED) else 0
    if incomplete:
        info('a boot did not complete (%s): failing' % ', '.join(incomplete))
        rc = 1
    if not pairs:
        raise RigError('no results')
    return rc


# --- main, migrate, kit-boot -------------------------------------------------

def cmd_main(a):
    plan_f = os.path.join(HERE, 'plan.main')
    plan = testplan.Plan(plan_f)
    os.makedirs(a.out, exist_ok=True)
    cpio = os.path.join(a.out, 'initramfs.cpio')
    boot = boots.DEFAULTS['main'][0]
    pack(a.kernel, a.selftests, None, plan_f, boot, cpio, only=TESTS)
    log = os.path.join(a.out, 'console.log')
    r = boot_and_parse(plan, boot, os.path.join(a.kernel, 'arch/arm64/boot/Image'), cpio,
                       log, None, TESTS)
    if not r.ok:
        raise RigError('the main run failed; log: %s' % log)
    if sh('python3', '-B', os.path.join(HERE, 'perf_table.py'), log,
          os.path.join(a.out, 'perf.csv'), check=False):
        raise RigError('dirty_log_perf_test failed; log: %s' % log)
    info('figures: %s/perf.csv, console log: %s' % (a.out, log))
    return 0


def cmd_migrate(a):
    plan_f = os.environ.get('RIG_MIGRATE_PLAN') or os.path.join(HERE, 'plan.migrate')
    plan = testplan.Plan(plan_f)
    start = time.time()
    os.makedirs(a.out, exist_ok=True)
    for pat in ('*.log', '*.csv', '*.png', '*.dat'):
        for f in glob.glob(os.path.join(a.out, pat)):
            os.unlink(f)
    cpio = os.path.join(a.out, 'initramfs.cpio')
    boot = boots.DEFAULTS['migrate'][0]
    # The kit (every boot's runner) carries the selftests too.
    pack(a.kernel, a.selftests, None, plan_f, boot, cpio, only=TESTS)
    log = os.path.join(a.out, boot + '.log')
    r = boot_and_parse(plan, boot, os.path.join(a.kernel, 'arch/arm64/boot/Image'), cpio,
                       log, None, TESTS, cap=3600)
    with open(os.path.join(a.out, 'table.txt'), 'w') as t:
        p = subprocess.run(['python3', '-B', os.path.join(HERE, 'migrate_table.py'), a.out, log],
                           stdout=subprocess.PIPE, text=True)
        t.write(p.stdout)
    sys.stdout.write(p.stdout)
    info('migrate: %s; table: %s/table.txt, CSV: %s/*.csv, plots: %s/*.png, log: %s' % (
        elapsed(start), a.out, a.out, a.out, log))
    if not r.ok or p.returncode:
        raise RigError('a boot or a migration failed; see the log above')
    return 0


def cmd_kit_boot(a):
    if not os.path.exists(a.kit):
        raise RigError('no kit %s (make kit)' % a.kit)
    os.makedirs(a.out, exist_ok=True)
    for pat in ('*.json', '*.log', '*.cpio'):
        for f in glob.glob(os.path.join(a.out, pat)):
            os.unlink(f)
    # The kit's plan: selftests/plan as the kit carries it (testplan.kit_lines).
    plan_f = os.path.join(a.out, 'plan')
    p = subprocess.run(['tar', '-xzOf', a.kit, 'kit/plans/plan'], stdout=subprocess.PIPE)
    if p.returncode:
        raise RigError('%s has no kit/plans/plan' % a.kit)
    with open(plan_f, 'wb') as f:
        f.write(p.stdout)
    want = testplan.kit_lines(os.path.join(HERE, 'plan'))
    if [l for l in want if not l.startswith('#')] != \
            [l for l in p.stdout.decode().splitlines(True) if not l.startswith('#')]:
        raise RigError('%s was made from another selftests/plan: make kit' % a.kit)
    for l in want:
        if l.startswith('# The kit leaves out'):
            info(l[2:].rstrip())
    plan = testplan.Plan(plan_f)
    pairs, rc = [], 0
    for b in boots.parse(os.environ.get('BOOTS', ''), 'kit-boot'):
        cpio = os.path.join(a.out, 'initramfs-%s.cpio' % b.name)
        pack(a.kernel, None, None, None, b.name, cpio, kit=a.kit)
        j = os.path.join(a.out, 'kit-%s.json' % b.name)
        r = boot_and_parse(plan, b.name, os.path.join(a.kernel, 'arch/arm64/boot/Image'), cpio,
                           os.path.join(a.out, 'kit-%s.log' % b.name), j, TESTS)
        rc |= not r.ok
        pairs.append((j, None))
    with open(os.path.join(a.out, 'summary.txt'), 'w') as f:
        counts = results.summary(pairs, f)
    with open(os.path.join(a.out, 'summary.txt')) as f:
        sys.stdout.write(f.read())
    return 1 if rc or sum(counts[x] for x in results.FAILED) else 0


# --- mutants -------------------------------------------------------------------

def copy_image(kout, d, name):
    """Copy <kout>'s Image to <d>/<name> and its System.map beside it (the
    hang dump names the vCPUs' PCs with it): the copy."""
    src = os.path.join(kout, 'arch/arm64/boot/Image')
    if not os.path.exists(src):
        raise RigError('%s has no Image: make kernel' % kout)
    shutil.copy(src, os.path.join(d, name))
    if os.path.exists(os.path.join(kout, 'System.map')):
        shutil.copy(os.path.join(kout, 'System.map'), os.path.join(d, 'System.map'))
    return os.path.join(d, name)


def git_clean(tree, why):
    p = subprocess.run(['git', '-C', tree, 'status', '--porcelain', '--untracked-files=no'],
                       stdout=subprocess.PIPE, text=True)
    if p.stdout.strip():
        raise RigError('%s has uncommitted changes: commit or stash them first (%s)' % (tree, why))


def mutant_verdict(res, must):
    """[(want, verdict, caught)] for a mutant's Must-fail names."""
    out = []
    for want in must:
        named = [(c, s) for c, (s, d) in res['cases'].items()
                 if c == want or results.entry_of(c) == want]
        # An entry that never ran has not caught anything; one that began
        # and took the guest down with it (DID_NOT_END) has.
        hit = [c for c, s in named if s in (results.FAIL, results.TIMEOUT)]
        never = [c for c, s in named if s == results.NOT_RUN]
        out.append((want, 'fails (caught)' if hit else
                    'NEVER RAN (not caught)' if never else 'DID NOT FAIL', bool(hit)))
    return out


def cmd_mutants(a):
    tree, kout = a.tree, a.kernel
    plan_f = os.path.join(HERE, 'plan')
    plan = testplan.Plan(plan_f)
    os.makedirs(a.out, exist_ok=True)
    git_clean(tree, 'mutants patch the tree')
    pat = os.environ.get('MUTANT') or '*'
    ms = sorted(glob.glob(os.path.join(HERE, 'mutants', pat + '.patch')))
    if not ms:
        raise RigError('no mutant selftests/mutants/%s.patch' % pat)
    applied = []
    total = caught = 0
    missed = []
    built = os.path.join(kout, '.rig-built')
    try:
        for m in ms:
            name = os.path.basename(m)[:-len('.patch')]
            with open(m) as f:
                text = f.read()
            must = re.search(r'^Must-fail: *(.*)$', text, re.M)
            if not must or not must.group(1).split():
                raise RigError('%s has no Must-fail: line' % m)
            must = must.group(1).split()
            boot = re.search(r'^Boot: *(\S+)', text, re.M)
            boot = boot.group(1) if boot else boots.DEFAULTS['mutants'][0]
            boots.parse(boot, 'mutants')
            total += 1
            info("mutant %s: must fail in a '%s' boot: %s" % (name, boot, ' '.join(must)))
            if sh('git', '-C', tree, 'apply', '--check', m, check=False):
                raise RigError('mutant %s no longer applies to the series: update %s' % (name, m))
            applied.append(m)
            sh('git', '-C', tree, 'apply', m)
            watchdog.remove(built)
            blog = os.path.join(a.out, name + '.build.log')
            if sh('make', '-C', tree, 'O=' + kout, '-j' + JOBS, 'Image', log=blog, check=False):
                raise RigError('mutant %s does not build; see %s' % (name, blog))
            msout = a.selftests
            if re.search(r'^diff --git a/tools/', text, re.M):
                msout = os.path.join(a.out, name + '.selftests')
                if sh(os.path.join(HERE, 'kselftests.sh'), tree, kout, msout,
                      log=os.path.join(a.out, name + '.selftests.log'), check=False):
                    raise RigError('mutant %s: the selftests do not build; see %s.selftests.log'
                                   % (name, os.path.join(a.out, name)))
            sh('git', '-C', tree, 'apply', '-R', m)
            applied.remove(m)
            entries = ','.join(sorted({w.split('/', 1)[0] for w in must}))
            cpio = os.path.join(a.out, name + '.cpio')
            pack(kout, msout, a.module, plan_f, boot, cpio, only=entries)
            j = os.path.join(a.out, name + '.json')
            boot_and_parse(plan, boot, os.path.join(kout, 'arch/arm64/boot/Image'), cpio,
                           os.path.join(a.out, name + '.log'), j, entries)
            with open(j) as f:
                res = json.load(f)
            ok = True
            for want, verdict, hit in mutant_verdict(res, must):
                print('  %-60s %s' % (want, verdict), flush=True)
                ok = ok and hit
            if ok:
                caught += 1
            else:
                missed.append(name)
    finally:
        for m in applied:
            if sh('git', '-C', tree, 'apply', '-R', m, check=False):
                info('error: could not revert %s in %s' % (m, tree))
        # The kernel in <kernel-out> is a mutant's now: have kernel.sh rebuild it.
        watchdog.remove(built)
    info('rebuilding the kernel from the unmodified tree')
    sh(os.path.join(HERE, 'kernel.sh'), tree, kout)
    print('%d mutants, %d caught, %d missed%s' % (total, caught, total - caught,
                                                  ': ' + ' '.join(missed) if missed else ''))
    return 1 if missed else 0


# --- bench -------------------------------------------------------------------

def cmd_bench(a):
    tree, kout, sout, mout, out = a.tree, a.kernel, a.selftests, a.module, a.out
    plan_f = os.path.join(HERE, 'plan.bench')
    plan = testplan.Plan(plan_f)
    # The series' selftests print what the bench reads.
    for binary, want in (('dirty_log_perf_test', 'KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE with this'),
                         ('dirty_log_perf_test', 'stage-2 write faults'),
                         ('arm64/split_nobbm_test', 'vCPU exits'),
                         ('dirty_log_perf_test', 'clear calls')):
        try:
            with open(os.path.join(sout, binary), 'rb') as f:
                found = want.encode() in f.read()
        except OSError:
            found = False
        if not found:
            raise RigError("%s/%s does not print '%s': selftests without the bench's selftest "
                           "commits (BENCH_SST= to use others)" % (sout, binary, want))
    if not os.path.exists(os.path.join(mout, 'kvm_s2_harvest_bench.ko')):
        raise RigError('%s/kvm_s2_harvest_bench.ko missing (make module)' % mout)
    if not shutil.which('gnuplot'):
        raise RigError('gnuplot missing (make deps installs it)')
    if not any(plan.select(b, TESTS) for b in boots.DEFAULTS['bench']):
        raise RigError('T=%s selects no entry of %s' % (TESTS, plan_f))
    clear = ','.join(e.name for e in plan.select('vhe', TESTS) if e.name.startswith('clear.'))
    memslot = os.path.join(HERE, 'mutants', 'clear-flushes-memslot.patch')
    if clear:
        git_clean(tree, 'the bench patches the tree')
        if sh('git', '-C', tree, 'apply', '--check', memslot, check=False):
            raise RigError('%s no longer applies to the series: update it' % memslot)
    start = time.time()
    os.makedirs(out, exist_ok=True)
    for pat in ('*.log', '*.csv', '*.png', '*.svg', 'Image*', 'System.map',
                'clear-memslot/*'):
        for f in glob.glob(os.path.join(out, pat)):
            os.unlink(f)
    cpio = os.path.join(out, 'initramfs.cpio')
    pack(kout, sout, mout, plan_f, None, cpio, only=TESTS)
    # The boots boot copies: <kernel-out> holds the whole-memslot kernel a
    # while.  Each with its System.map, for the hang dump.
    image = copy_image(kout, out, 'Image')
    rc = 0
    built = os.path.join(kout, '.rig-built')
    if clear:
        blog = os.path.join(out, 'clear-memslot.build.log')
        info('bench: building the kernel whose CLEAR invalidates the whole memslot, log: %s' % blog)
        watchdog.remove(built)
        try:
            sh('git', '-C', tree, 'apply', memslot)
            if sh('make', '-C', tree, 'O=' + kout, '-j' + JOBS, 'Image', log=blog, check=False):
                info('error: the whole-memslot kernel does not build; see %s' % blog)
                rc = 1
            else:
                os.makedirs(os.path.join(out, 'clear-memslot'), exist_ok=True)
                copy_image(kout, os.path.join(out, 'clear-memslot'), 'Image')
        finally:
            if sh('git', '-C', tree, 'apply', '-R', memslot, check=False):
                info('error: could not revert %s in %s' % (memslot, tree))
            watchdog.remove(built)
        sh(os.path.join(HERE, 'kernel.sh'), tree, kout)
        if not os.path.exists(os.path.join(out, 'clear-memslot', 'Image')):
            clear = ''
    # bench_table.py reads a vhe and a vhe-v3 boot (BOOTS= does not apply);
    # "-" for one that T= leaves nothing to run.
    logs = []
    for b in boots.DEFAULTS['bench']:
        if not plan.select(b, TESTS):
            logs.append('-')
            continue
        logs.append(os.path.join(out, b + '.log'))
        r = boot_and_parse(plan, b, image, cpio, logs[-1], None, TESTS, cap=14400)
        rc |= not r.ok
    if clear:
        r = boot_and_parse(plan, 'vhe', os.path.join(out, 'clear-memslot', 'Image'), cpio,
                           os.path.join(out, 'vhe-clear-memslot.log'), None, clear, cap=14400)
        rc |= not r.ok
        logs.append(os.path.join(out, 'vhe-clear-memslot.log'))
    rc |= sh('python3', '-B', os.path.join(HERE, 'bench_table.py'), out, *logs, check=False) != 0
    info('bench: %s; tables: %s/*.csv, plots: %s/*.png %s/*.svg, logs: %s/*.log' % (
        elapsed(start), out, out, out, out))
    if rc:
        raise RigError('a boot or a plan entry failed; see the logs above')
    return 0


# --- soak --------------------------------------------------------------------

SOAK_BAD = re.compile(r'WARNING:|BUG:|INFO: task .* blocked( in I/O wait)? for more than|'
                      r'detected stalls|self-detected stall|Test Assertion Failure|'
                      r'Segmentation fault|^@@RIG END .* rc=[1-9]')


def cmd_soak(a):
    plan = testplan.Plan(a.plan)
    stall = 150
    hung = os.environ.get('SOAK_HUNG') or '60'
    check_every = 10
    if not hung.isdigit() or not 0 < int(hung) < stall - check_every:
        raise RigError('SOAK_HUNG=%s: the hung-task timeout must be a number of seconds below '
                       "the watchdog's %d less %d" % (hung, stall, check_every))
    hung = int(hung)
    blist = boots.parse(os.environ.get('SOAK_BOOTS', ''), 'soak')
    for b in blist:
        if not plan.select(b.name, TESTS):
            raise RigError("SOAK_BOOTS, T=: %s has no entry for boot '%s'" % (a.plan, b.name))
    kout = a.kernel
    if os.environ.get('SOAK_BASE') == '1':
        kout = os.path.join(BUILD, 'out', 'base')
        base_kernel(a.tree, kout)
    try:
        with open(os.path.join(kout, '.config')) as f:
            hung_on = 'CONFIG_DETECT_HUNG_TASK=y\n' in f.read()
    except OSError as e:
        raise RigError('%s is not a built kernel (%s): make kernel' % (kout, e.strerror))
    if not hung_on:
        raise RigError('%s was built without CONFIG_DETECT_HUNG_TASK (Kconfig.frag): '
                       'make kernel' % kout)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    # Every boot boots this copy: a rebuild of <kernel-out> in between (make
    # bench, make mutants) does not change the kernel under test.
    image = copy_image(kout, out, 'Image')
    cpio = os.path.join(out, 'initramfs.cpio')
    pack(kout, a.selftests, None, a.plan, None, cpio, only=TESTS)
    failed = 0
    for b in blist:
        d = os.path.join(out, b.name)
        os.makedirs(d, exist_ok=True)
        log = os.path.join(d, 'console.log')
        watchdog.remove(os.path.join(d, 'stall.txt'))
        start = time.time()
        g = Guest(image, cpio, b.name, log, plan.select(b.name, TESTS),
                  plan.limit(b.name, TESTS, SCALE, 100000), only=TESTS,
                  monitor=os.path.join(d, 'mon.sock'), silence=stall,
                  append='sysctl.kernel.hung_task_timeout_secs=%d '
                         'sysctl.kernel.hung_task_check_interval_secs=%d loglevel=7'
                         % (hung, check_every))
        r = g.run()
        if r.status == 'silent':
            shutil.move(log + '.stall', os.path.join(d, 'stall.txt'))
            info('error: soak %s: the guest hung (console kept: %s, registers: %s/stall.txt)'
                 % (b.name, log, d))
            failed += 1
            continue
        with open(log, errors='replace') as f:
            text = f.read().splitlines()
        runs, order, cur = {}, [], None
        for line in text:
            if line.startswith('@@RIG BEGIN '):
                cur = line.split()[2]
                runs[cur] = 0
                order.append(cur)
            elif line.startswith('@@BENCH RUN') and cur:
                runs[cur] += 1
            elif results.parse_end(line):
                cur = None
        said = ', '.join('%s %d runs' % (e, runs[e]) for e in order if runs[e]) or 'no runs'
        churn = [m for l in text for m in re.findall(r'vm-churn: \d+ runs, \d+ failed', l)]
        bad = sum(1 for l in text if SOAK_BAD.search(l))
        if not r.ok:
            info('error: soak %s: the boot failed (%s) after %s (console kept: %s%s)' % (
                b.name, r.status, said, log,
                ', registers: %s' % g.stall if os.path.exists(g.stall) else ''))
            failed += 1
            continue
        info('soak %s: %s%s, in %s; %d failure, splat or hung-task lines (console: %s)' % (
            b.name, said, ' (%s)' % churn[-1] if churn else '', elapsed(start), bad, log))
        failed += bad != 0
    info('soak: %d boots (%s), %d failed; hung-task detector at %ds' % (
        len(blist), ' '.join(b.name for b in blist), failed, hung))
    return 1 if failed else 0


# --- timing ------------------------------------------------------------------

def timing_plan(plan, tests, reps):
    """make timing's plan: every entry <tests> selects <reps> times, as
    <name>.r<n>, with twice its limit, its output stamped with the guest's
    uptime (guest/stamp); a KUnit entry as it is (the runner knows it by its
    command)."""
    out = []
    for e in plan.select(None, tests):
        bl = '*' if e.boots is None else ','.join(e.boots)
        cmd = e.cmd if e.kind == 'kunit' else 'stamp ' + e.cmd
        for r in range(1, reps + 1):
            out.append('%s.r%d|%d|%s|%s\n' % (e.name, r, e.limit * 2, bl, cmd))
    return out


def cmd_timing(a):
    if not TESTS:
        raise RigError('T= names the plan entries to time (make timing T=page_fault_test '
                       'BOOTS=protected)')
    reps = os.environ.get('TIMING_REPEAT') or '3'
    if not reps.isdigit() or int(reps) < 1:
        raise RigError('TIMING_REPEAT=%s: a number of runs, at least 1' % reps)
    reps = int(reps)
    plan = testplan.Plan(a.plan)
    blist = boots.parse(os.environ.get('BOOTS', ''), 'timing')
    for b in blist:
        if not plan.select(b.name, TESTS):
            raise RigError("T=%s: no entry of %s runs in boot '%s'" % (TESTS, a.plan, b.name))
    if not os.path.exists(os.path.join(a.kernel, 'arch/arm64/boot/Image')):
        raise RigError('%s has no Image: make kernel' % a.kernel)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    for pat in ('*.log', '*.csv'):
        for f in glob.glob(os.path.join(out, pat)):
            os.unlink(f)
    bout = os.path.join(BUILD, 'out', 'base' + SFX)
    base_kernel(a.tree, bout)
    # Copies: a rebuild of either output does not change the kernels under test.
    for k, ko in (('series', a.kernel), ('base', bout)):
        os.makedirs(os.path.join(out, k), exist_ok=True)
        copy_image(ko, os.path.join(out, k), 'Image')
    gplan_f = os.path.join(out, 'plan')
    with open(gplan_f, 'w') as f:
        f.writelines(timing_plan(plan, TESTS, reps))
    gplan = testplan.Plan(gplan_f)
    for k, ko in (('series', a.kernel), ('base', bout)):
        pack(ko, a.selftests, None, gplan_f, None, os.path.join(out, 'initramfs-%s.cpio' % k))
    failed = 0
    for b in blist:
        for k in ('series', 'base'):
            r = boot_and_parse(gplan, b.name, os.path.join(out, k, 'Image'),
                               os.path.join(out, 'initramfs-%s.cpio' % k),
                               os.path.join(out, '%s-%s.log' % (k, b.name)), None, None, cap=100000)
            failed |= not r.ok
        failed |= sh('python3', '-B', os.path.join(HERE, 'timing_table.py'), b.name, str(reps),
                     os.path.join(out, 'series-%s.log' % b.name),
                     os.path.join(out, 'base-%s.log' % b.name),
                     os.path.join(out, 'timing-%s.csv' % b.name), check=False) != 0
    if failed:
        info('error: a boot did not finish or a run was killed at its limit (logs in %s)' % out)
    return 1 if failed else 0


# --- results, boots ------------------------------------------------------------

def cmd_results(a):
    """make results LOG=: the summary of a kit run; for a run of
    plans/plan.bench also the bench's tables, CSV and plots (bench_table.py),
    with the times when the kit's "platform" line says hardware."""
    rc = results.cmd_log(a.log, a.out)
    boot = plan = platform = None
    tests = ''
    with open(a.log, errors='replace') as f:
        for line in f:
            m = re.match(r'@@RIG BOOT (\S+)', line)
            if m and boot is None:
                boot = m.group(1)
            m = re.search(r'^@@RIG MACHINE kernel: .*; plan: (\S+); tests: (\S+);', line)
            if m:
                plan, tests = os.path.basename(m.group(1)), m.group(2)
            m = re.match(r'@@RIG MACHINE platform: (\S+)', line)
            if m:
                platform = m.group(1)
    if rc == 2 or plan != 'plan.bench':
        return rc
    if boot not in ('vhe', 'vhe-v3'):
        info('the bench plan ran in boot %s: its tables read vhe and vhe-v3 runs' % boot)
        return 1
    logs = [a.log if boot == 'vhe' else '-', a.log if boot == 'vhe-v3' else '-']
    env = {'RIG_TESTS': '' if tests == 'all' else tests,
           'RIG_PLATFORM': 'hardware' if platform == 'hardware' else 'emulated'}
    return sh('python3', '-B', os.path.join(HERE, 'bench_table.py'), a.out, *logs, env=env,
              check=False) or rc


def cmd_boots(a):
    for b in boots.BOOTS.values():
        print('%-10s %-28s %-18s %s' % (b.name, b.append or '-', ('-cpu max' + b.cpu) if b.cpu
                                         else '-cpu max', b.what))
    for c, bl in sorted(boots.DEFAULTS.items()):
        by = boots.CHOSEN_BY[c]
        print('make %-9s boots %s%s' % (c, ' '.join(bl), ' unless %s says otherwise' % by
                                        if by else ''))
    return 0


def main(argv):
    ap = argparse.ArgumentParser(prog='rig.py', description=__doc__.split('\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)

    def add(name, fn, *args, **kw):
        p = sub.add_parser(name)
        for x in args:
            p.add_argument(x)
        for k, v in kw.items():
            p.add_argument('--' + k, default=v)
        p.set_defaults(fn=fn)
        return p

    add('check', cmd_check, 'plan', 'kernel', 'selftests', 'module', 'out', preset='check',
        kinds='')
    add('main', cmd_main, 'kernel', 'selftests', 'out')
    add('bench', cmd_bench, 'tree', 'kernel', 'selftests', 'module', 'out')
    add('mutants', cmd_mutants, 'tree', 'kernel', 'selftests', 'module', 'out')
    add('soak', cmd_soak, 'tree', 'kernel', 'selftests', 'plan', 'out')
    add('migrate', cmd_migrate, 'kernel', 'selftests', 'out')
    add('kit-boot', cmd_kit_boot, 'kernel', 'kit', 'out')
    add('timing', cmd_timing, 'tree', 'kernel', 'selftests', 'plan', 'out')
    add('results', cmd_results, 'log', 'out')
    add('boots', cmd_boots)
    a = ap.parse_args(argv)
    for k in ('module',):
        if getattr(a, k, None) == '-':
            setattr(a, k, None)

    # SIGTERM and SIGHUP unwind like ^C: every finally runs (the tree is
    # put back, QEMU is stopped).
    # The first one only: make sends its own SIGTERM after the group's, and
    # a second exception inside a finally would cut the restore short.
    def stop(sig, _):
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt(signal.Signals(sig).name)
    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:     # nohup
        signal.signal(signal.SIGHUP, stop)
    try:
        return a.fn(a)
    except (RigError, testplan.PlanError, ValueError) as e:
        info('error: %s' % e)
        return 1
    except OSError as e:
        info('error: %s' % e)
        return 1
    except KeyboardInterrupt as e:
        info('interrupted (%s): stopped; what the run changed is put back' % (str(e) or 'SIGINT'))
        return 130


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
