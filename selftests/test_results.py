#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of results.py on saved console logs (selftests/testdata/).

    python3 selftests/test_results.py [-v] [test name...]

A second or two, nothing booted: make check runs it first, as the host case
parser-tests (selftests/check.sh).  Each test parses logs of testdata/ (see
testdata/README) against testdata/plan as check.sh does, for a boot of the
entries the log ran, and checks the cases, statuses and details, and what
remaining, merge-resumed, known-hit, merge, failing and summary make of
them.  testdata/known-failures and testdata/known-issues stand in for the
lists of selftests/, so that the tests do not change when the lists do.
The last line says how it went: "[rig] error: ..." (what results.py host
reports) when a test failed.
"""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True      # no __pycache__ in selftests/
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'testdata')
PLAN = os.path.join(DATA, 'plan')
sys.path.insert(0, HERE)
import results  # noqa: E402

# The boot and the entries (RIG_TESTS) each log of testdata/ ran.
LOGS = {
    'ktap': ('vhe', 'kunit*'),
    'tap': ('vhe', 'set_id_regs'),
    'pft': ('vhe', 'page_fault_test'),
    'splat': ('vhe-v3', 'cpucap*,hw_dirty_log_test,stage2_block_transitions'),
    'splat-retry': ('vhe-v3', 'hw_dirty_log_test'),
    'died': ('vhe', 'cpucap*,dirty_log_perf_test.w1,page_fault_test,stage2_block_transitions'),
    'resumed': ('vhe', 'stage2_block_transitions'),
    'hang': ('vhe', 'cpucap*,mmu_stress_test,kunit.s2_pgtable'),
}
SPLAT = ('WARNING: arch/arm64/kvm/debug.c:157 at kvm_vcpu_load_debug+0x148/0x22c, '
         'CPU#1: hw_dirty_log_te/239')
PFT_FAIL = ('exit 254: arm64/page_fault_test.c:632: test->expected_events.uffd_faults == '
            'events.uffd_faults; 0x2 != 0x1 (test->expected_events.uffd_faults != '
            'events.uffd_faults)')
KNOWN_NOTE = ('(%d of the skipped are KNOWN: they fail on the unpatched kernel as well '
              '(rerun there, or listed in selftests/known-failures), or hit a known '
              'upstream issue)')


def data(name):
    return os.path.join(DATA, name)


def load(fn):
    with open(fn) as f:
        return json.load(f)


def save(fn, res):
    with open(fn, 'w') as f:
        json.dump(res, f)


def output(fn, *args):
    """(what fn(*args) prints, what it returns)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = fn(*args)
    return buf.getvalue(), rc


def statuses(res):
    return {case: status for case, (status, _) in res['cases'].items()}


def block(log, entry):
    """(rc, output lines) of <entry> in testdata/<log>.log."""
    return results.split_log(data(log + '.log'))[0][entry]


class Case(unittest.TestCase):
    """A temporary directory for the JSON files, the lists of testdata/,
    and none of make check's environment (RIG_TESTS narrows the plan)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='parser-tests.')
        self.saved = (results.KNOWN_ISSUES, results.KNOWN_FAILURES,
                      {v: os.environ.pop(v) for v in ('RIG_TESTS', 'RIG_BASELINE')
                       if v in os.environ})
        results.KNOWN_ISSUES = data('known-issues')
        results.KNOWN_FAILURES = data('known-failures')

    def tearDown(self):
        results.KNOWN_ISSUES, results.KNOWN_FAILURES, env = self.saved
        os.environ.pop('RIG_TESTS', None)
        os.environ.pop('RIG_BASELINE', None)
        os.environ.update(env)
        shutil.rmtree(self.tmp)

    def parse(self, log, name=None, tests=None, path=None):
        """results.py parse of testdata/<log>.log (or <path>) for the boot
        and entries it ran (or <tests>), into <name>.json: (result, file)."""
        boot, ran = LOGS[log]
        out = os.path.join(self.tmp, (name or log) + '.json')
        os.environ['RIG_TESTS'] = tests or ran
        try:
            results.cmd_parse(PLAN, boot, path or data(log + '.log'), out)
        finally:
            del os.environ['RIG_TESTS']
        return load(out), out

    def no_known_issues(self):
        results.KNOWN_ISSUES = os.path.join(self.tmp, 'no-known-issues')


class PlanTest(Case):
    def test_plan_entries(self):
        """The plan's entries for a boot, narrowed by RIG_TESTS patterns."""
        self.assertEqual([n for n, _, _ in results.plan_entries(PLAN, 'protected')],
                         ['cpucap.stage2_hw_dbm', 'page_fault_test',
                          'stage2_block_transitions', 'mmu_stress_test'])
        self.assertEqual(results.plan_entries(PLAN, 'vhe', 'kunit*,mmu*'),
                         [('mmu_stress_test', 480, './mmu_stress_test -c 2 -m 1 -s 1'),
                          ('kunit.s2_pgtable', 120, 'kunit:kvm_s2_pgtable_test'),
                          ('kunit.missing', 120, 'kunit:kvm_missing_test')])

    def test_real_lists(self):
        """selftests/known-failures and known-issues parse: three fields
        (a case of a plan entry), a regex that compiles."""
        names = {n for p in ('plan', 'plan.main', 'plan.migrate')
                 for b in ('vhe', 'nvhe', 'protected', 'vhe-v3')
                 for n, _, _ in results.plan_entries(os.path.join(HERE, p), b)}
        for case, detail, what in results.list_lines(
                os.path.join(HERE, 'known-failures'), 3):
            self.assertIn(results.entry_of(case), names)
            self.assertTrue(detail and what)
        for rx, desc in results.list_lines(os.path.join(HERE, 'known-issues'), 2):
            re.compile(rx)
            self.assertTrue(desc)


class KtapTest(Case):
    def test_kunit_cases(self):
        """KTAP: one case a KUnit case (a parameterised one once), SKIP
        skipped, the suite's own line and the "# ..." lines no case."""
        res, _ = self.parse('ktap')
        s = 'kunit.s2_pgtable/kvm_arm64_s2_pgtable.'
        self.assertEqual(statuses(res), {
            s + 's2_map_unmap_level': 'pass',
            s + 's2_refcount_after_unmap': 'pass',
            s + 's2_dbm_race': 'pass',
            s + 's2_dbm_never_on_block': 'pass',
            s + 's2_dbm_block_dirty_reported': 'fail',
            s + 's2_wrclean_skips_uncached': 'pass',
            s + 's2_nobbm_split_collapse': 'skip',
            s + 's2_nobbm_collapse_reports_dirty': 'skip',
            s + 's2_nobbm_split_keeps_attrs': 'skip',
            s + 's2_nobbm_split_maps_fault': 'skip',
            'kunit.missing': 'fail',
            'kernel-log': 'pass'})
        self.assertTrue(res['complete'])
        self.assertEqual(res['known'], {})
        self.assertEqual(res['cases'][s + 's2_nobbm_split_collapse'][1],
                         'ok 16 s2_nobbm_split_collapse # SKIP no BBM level 3 without '
                         'conflict aborts (ARM64_HAS_BBML3)')

    def test_kunit_failure_detail(self):
        """A failed KUnit case says its first failed expectation and the
        values (as in build/mutants/harvest-skips-dirty-block.json)."""
        res, _ = self.parse('ktap')
        self.assertEqual(
            res['cases']['kunit.s2_pgtable/kvm_arm64_s2_pgtable.s2_dbm_block_dirty_reported'],
            ['fail', 'not ok 14 s2_dbm_block_dirty_reported: EXPECTATION FAILED at '
             'kvm_s2_pgtable_test.c:1040 | Expected kvm_pgtable_stage2_harvest_dirty(&s2->pgt, '
             'block, 0x00200000, bmap, block, 0) == (1 << (12 - 3)), but | '
             'kvm_pgtable_stage2_harvest_dirty(&s2->pgt, block, 0x00200000, bmap, block, 0) '
             '== 0 (0x0) | (1 << (12 - 3)) == 512 (0x200)'])

    def test_kunit_module_missing(self):
        """A KUnit entry without KTAP never ran: it fails, as not run."""
        res, _ = self.parse('ktap')
        self.assertEqual(res['cases']['kunit.missing'],
                         ['fail', 'not run: no KTAP results (not run: binary or module missing)'])

    def test_kunit_never_rerun(self):
        """failing leaves KUnit out (the unpatched kernel has no module)."""
        _, fn = self.parse('ktap')
        self.assertEqual(output(results.cmd_failing, [fn]), ('\n', None))


class TapTest(Case):
    def test_kselftest_tap(self):
        """kselftest TAP: ok, not ok and "# SKIP" subtests; a skip without
        a name (ksft_test_result_skip) is named by its number; exit 1 adds
        no case when a subtest failed."""
        res, _ = self.parse('tap')
        self.assertEqual(statuses(res), {
            'set_id_regs/#1': 'skip',
            'set_id_regs/ID_AA64DFR0_EL1_DoubleLock': 'pass',
            'set_id_regs/ID_AA64DFR0_EL1_WRPs': 'pass',
            'set_id_regs/ID_AA64DFR0_EL1_PMUVer': 'pass',
            'set_id_regs/ID_AA64PFR0_EL1.MPAM=0 was not accepted': 'fail',
            'set_id_regs/#6': 'skip',
            'kernel-log': 'pass'})
        self.assertEqual(res['cases']['set_id_regs/ID_AA64PFR0_EL1.MPAM=0 was not accepted'][1],
                         'not ok 5 ID_AA64PFR0_EL1.MPAM=0 was not accepted')
        self.assertEqual(res['cases']['set_id_regs/#1'][1],
                         'ok 1 # SKIP ID_DFR0_EL1_PerfMon on AARCH64 only system')

    def test_tap_ok_but_exit_status(self):
        """Every subtest ok but a failing exit status: the entry fails too."""
        rc, lines = block('tap', 'set_id_regs')
        lines = [l for l in lines if not l.startswith('not ok')]
        cases = results.cases_of('set_id_regs', rc, lines)
        self.assertEqual([(c, s) for c, s, _ in cases],
                         [('set_id_regs/#1', 'skip'),
                          ('set_id_regs/ID_AA64DFR0_EL1_DoubleLock', 'pass'),
                          ('set_id_regs/ID_AA64DFR0_EL1_WRPs', 'pass'),
                          ('set_id_regs/ID_AA64DFR0_EL1_PMUVer', 'pass'),
                          ('set_id_regs/#6', 'skip'),
                          ('set_id_regs', 'fail')])
        self.assertTrue(cases[-1][2].startswith('exit 1'))

    def test_exit_status_only(self):
        """No TAP: the exit status is the case (0 pass, 4 skip, 127 never
        ran, else the assertion the kselftest library printed)."""
        rc, lines = block('splat', 'stage2_block_transitions')
        self.assertEqual(results.cases_of('stage2_block_transitions', rc, lines),
                         [('stage2_block_transitions', 'pass', '')])
        skip = '1..0 # SKIP Need 33554432 bytes of reserved 2M hugepages'
        self.assertEqual(results.cases_of('stage2_block_transitions', 4, lines + [skip]),
                         [('stage2_block_transitions', 'skip', skip)])
        self.assertEqual(results.cases_of('stage2_block_transitions', 4, lines),
                         [('stage2_block_transitions', 'skip', 'skipped (exit 4)')])
        self.assertEqual(results.cases_of('hw_dirty_log_test', 127, []),
                         [('hw_dirty_log_test', 'fail', 'not run: binary or module missing')])
        # build/mutants/clear-flushes-memslot.log
        lines = ['==== Test Assertion Failure ====',
                 '  arm64/hw_dirty_log_test.c:353: tlbi == 64',
                 '  pid=60 tid=60 errno=4 - Interrupted system call',
                 'sh: addr2line: not found',
                 '  0x200 != 0x40 (tlbi != 64)']
        self.assertEqual(results.cases_of('hw_dirty_log_test', 254, lines),
                         [('hw_dirty_log_test', 'fail', 'exit 254: arm64/hw_dirty_log_test.c:353: '
                           'tlbi == 64; 0x200 != 0x40 (tlbi != 64)')])


class PageFaultTest(Case):
    def test_page_fault_cases(self):
        """page_fault_test: a case a "Test:" banner, a name seen again
        numbered, "Skipped." skipped, the last case the exit status."""
        res, _ = self.parse('pft')
        p = 'page_fault_test/'
        self.assertEqual(res['cases'], {
            p + 'ro_memslot_no_syndrome_guest_cas': ['pass', ''],
            p + 'ro_memslot_no_syndrome_guest_st_preidx': ['pass', ''],
            p + 'ro_memslot_guest_read64': ['pass', ''],
            p + 'ro_memslot_guest_read64#2': ['pass', ''],
            p + 'uffd_SCAT3(guest_at, no_af, "CMD_HOLE_DATA | CMD_HOLE_PT")':
                ['skip', 'skipped by the test'],
            p + 'ro_memslot_no_syndrome_guest_cas#2': ['fail', PFT_FAIL],
            'kernel-log': ['pass', '']})

    def test_last_case_takes_exit_status(self):
        """Only the last case shares the exit status: 0, 4, the kill."""
        _, lines = block('pft', 'page_fault_test')
        last = 'page_fault_test/ro_memslot_no_syndrome_guest_cas#2'
        killed = 'killed (SIGKILL: the per-test timeout, or the OOM killer)'
        for rc, want in ((0, ('pass', '')), (4, ('skip', 'skipped')), (137, ('fail', killed))):
            cases = results.cases_of('page_fault_test', rc, lines)
            self.assertEqual(cases[-1], (last,) + want)
            self.assertEqual([s for _, s, _ in cases[:-1]], ['pass'] * 4 + ['skip'])


class KnownFailureTest(Case):
    def summary(self, *specs):
        return output(results.cmd_summary, list(specs))

    def test_listed_failure_is_known(self):
        """A failure known-failures lists, failing the way listed, is KNOWN
        and counted as skipped, never as passed."""
        _, fn = self.parse('pft')
        listed = results.list_lines(data('known-failures'), 3)[0][2]
        p = '  PASS   page_fault_test/'
        self.assertEqual(self.summary(fn), ('\n'.join([
            '== boot vhe (console log: %s)' % data('pft.log'),
            p + 'ro_memslot_no_syndrome_guest_cas',
            p + 'ro_memslot_no_syndrome_guest_st_preidx',
            p + 'ro_memslot_guest_read64',
            p + 'ro_memslot_guest_read64#2',
            '  SKIP   page_fault_test/uffd_SCAT3(guest_at, no_af, "CMD_HOLE_DATA | CMD_HOLE_PT"): '
            'skipped by the test',
            '  KNOWN  page_fault_test/ro_memslot_no_syndrome_guest_cas#2: %s '
            '[listed in selftests/known-failures: %s]' % (PFT_FAIL, listed),
            '  PASS   kernel-log',
            KNOWN_NOTE % 1,
            '5 passed, 0 failed, 2 skipped']) + '\n', 0))

    def test_listed_failure_the_same_way(self):
        """Other values compared are the same failure; another assertion
        is not: it fails."""
        res, fn = self.parse('pft')
        case = 'page_fault_test/ro_memslot_no_syndrome_guest_cas#2'
        res['cases'][case][1] = PFT_FAIL.replace('0x2 != 0x1', '0x3 != 0x1')
        save(fn, res)
        text, rc = self.summary(fn)
        self.assertIn('  KNOWN  %s: ' % case, text)
        self.assertTrue(text.endswith('\n5 passed, 0 failed, 2 skipped\n'))
        self.assertEqual(rc, 0)
        res['cases'][case][1] = PFT_FAIL.replace(':632:', ':633:')
        save(fn, res)
        text, rc = self.summary(fn)
        self.assertIn('  FAIL   %s: %s [no baseline result]\n'
                      % (case, PFT_FAIL.replace(':632:', ':633:')), text)
        self.assertTrue(text.endswith('\n5 passed, 1 failed, 1 skipped\n'))
        self.assertEqual(rc, 1)

    def test_baseline(self):
        """With a baseline result the list is not asked: failing there the
        same way is KNOWN, passing there or never running there FAIL."""
        base, bfn = self.parse('pft', 'base')
        _, fn = self.parse('pft')
        case = 'page_fault_test/ro_memslot_no_syndrome_guest_cas#2'
        base['cases'][case][1] = PFT_FAIL.replace('0x2 != 0x1', '0x2 != 0x0')
        save(bfn, base)
        text, rc = self.summary(fn + ':' + bfn)
        self.assertIn('  KNOWN  %s: %s [fails on the unpatched kernel too: %s]\n'
                      % (case, PFT_FAIL, base['cases'][case][1]), text)
        self.assertTrue(text.endswith('\n5 passed, 0 failed, 2 skipped\n'))
        for status, detail, why in (
                ('pass', '', 'passes on the unpatched kernel'),
                ('fail', results.NOT_RUN + ' to the end (guest died or timed out)',
                 'fails differently on the unpatched kernel: ' + results.NOT_RUN +
                 ' to the end (guest died or timed out)')):
            base['cases'][case] = [status, detail]
            save(bfn, base)
            text, rc = self.summary(fn + ':' + bfn)
            self.assertIn('  FAIL   %s: %s [%s]\n' % (case, PFT_FAIL, why), text)
            self.assertTrue(text.endswith('\n5 passed, 1 failed, 1 skipped\n'))
            self.assertEqual(rc, 1)

    def test_failing(self):
        """The entries to rerun on the unpatched kernel: not the listed
        failure, unless RIG_BASELINE=1 (which checks the list)."""
        files = [self.parse(log)[1] for log in ('pft', 'tap', 'ktap')]
        self.assertEqual(output(results.cmd_failing, files)[0], 'set_id_regs\n')
        os.environ['RIG_BASELINE'] = '1'
        self.assertEqual(output(results.cmd_failing, files)[0], 'page_fault_test,set_id_regs\n')


class HangTest(Case):
    def test_guest_died(self):
        """A boot that stopped: the entry killed at its limit, the entry
        running when the guest died (its cases up to then pass), the entry
        it never began."""
        res, _ = self.parse('died')
        self.assertFalse(res['complete'])
        self.assertEqual(res['cases'], {
            'cpucap.stage2_hw_dbm': ['pass', ''],
            'dirty_log_perf_test.w1':
                ['fail', 'killed (SIGKILL: the per-test timeout, or the OOM killer)'],
            'page_fault_test/guest_read64_SCAT2(with_af, "CMD_NONE")': ['pass', ''],
            'page_fault_test/guest_ld_preidx_SCAT2(with_af, "CMD_NONE")':
                ['fail', 'not run to the end (guest died or timed out)'],
            'stage2_block_transitions': ['fail', 'not run: the guest stopped before it'],
            'kernel-log': ['pass', '']})

    def test_watchdog_hang(self):
        """An entry selftests/watchdog.py caught hanging (<log>.stall) says
        so, with the vCPUs' PCs; the entries after it never ran."""
        res, _ = self.parse('hang')
        self.assertFalse(res['complete'])
        cpu = 'EL2h PC=ffff8000804196e8 cpu_do_idle+0x14 X30=ffff80008041970c arch_cpu_idle+0xc'
        self.assertEqual(res['cases'], {
            'cpucap.stage2_hw_dbm': ['pass', ''],
            'mmu_stress_test': ['fail', 'hung (still running 60 s after its 480 s limit); '
                                'CPU#0 %s; CPU#1 %s (%s)' % (cpu, cpu, data('hang.log.stall'))],
            'kunit.s2_pgtable': ['fail', 'not run: the guest stopped before it'],
            'kernel-log': ['pass', '']})
        # A hang is never rerun on the unpatched kernel, nor is KUnit.
        self.assertEqual(output(results.cmd_failing, [self.parse('hang')[1]])[0], '\n')

    def test_hang_without_stall(self):
        """Without the watchdog's file the same log is a guest that died."""
        log = os.path.join(self.tmp, 'hang.log')
        shutil.copy(data('hang.log'), log)
        res, _ = self.parse('hang', path=log)
        self.assertEqual(res['cases']['mmu_stress_test'],
                         ['fail', 'not run to the end (guest died or timed out)'])


class ResumeTest(Case):
    def test_remaining(self):
        """The entries a stopped boot never began, for a second boot; none
        when the guest died before its first entry (it would again)."""
        self.assertEqual(output(results.cmd_remaining, self.parse('died')[1])[0],
                         'stage2_block_transitions\n')
        self.assertEqual(output(results.cmd_remaining, self.parse('hang')[1])[0],
                         'kunit.s2_pgtable\n')
        log = os.path.join(self.tmp, 'early.log')
        with open(data('died.log')) as f, open(log, 'w') as g:
            g.writelines(l for l in f.readlines()[:5])
        res, fn = self.parse('died', 'early', path=log)
        self.assertEqual(set(statuses(res).values()), {'fail', 'pass'})
        self.assertEqual(output(results.cmd_remaining, fn)[0], '')

    def test_merge_resumed(self):
        """The second boot's results replace the never-begun entries."""
        _, fn = self.parse('died')
        _, rfn = self.parse('resumed')
        results.cmd_merge_resumed(fn, rfn)
        res = load(fn)
        self.assertTrue(res['complete'])
        self.assertEqual(res['resumed'], [data('resumed.log')])
        self.assertEqual(statuses(res), {
            'cpucap.stage2_hw_dbm': 'pass',
            'dirty_log_perf_test.w1': 'fail',
            'page_fault_test/guest_read64_SCAT2(with_af, "CMD_NONE")': 'pass',
            'page_fault_test/guest_ld_preidx_SCAT2(with_af, "CMD_NONE")': 'fail',
            'stage2_block_transitions': 'pass',
            'kernel-log': 'pass'})
        self.assertEqual(output(results.cmd_remaining, fn)[0].strip(), '')
        self.assertEqual(output(results.cmd_failing, [fn])[0],
                         'dirty_log_perf_test.w1,page_fault_test\n')
        text, rc = output(results.cmd_summary, [fn])
        self.assertTrue(text.endswith('\n4 passed, 2 failed\n'))
        self.assertEqual(rc, 1)

    def test_merge_resumed_splat(self):
        """An unknown splat in the second boot fails the merged kernel-log."""
        self.no_known_issues()
        _, fn = self.parse('died')
        _, rfn = self.parse('splat', 'resumed', tests='stage2_block_transitions')
        results.cmd_merge_resumed(fn, rfn)
        res = load(fn)
        self.assertEqual(res['cases']['kernel-log'], ['fail', 'splat: ' + SPLAT])
        self.assertEqual(res['cases']['stage2_block_transitions'], ['pass', ''])
        self.assertEqual(res['known'], {})


class SplatTest(Case):
    def desc(self):
        return results.list_lines(data('known-issues'), 2)[0][1]

    def test_known_splat(self):
        """A splat known-issues lists: its entry and kernel-log KNOWN
        (skipped), the entry named for a retry."""
        res, fn = self.parse('splat')
        self.assertEqual(res['cases'], {
            'cpucap.stage2_hw_dbm': ['pass', ''],
            'hw_dirty_log_test': ['fail', 'exit 139'],
            'stage2_block_transitions': ['pass', ''],
            'kernel-log': ['fail', 'splat: ' + SPLAT]})
        self.assertEqual(res['known'], {'kernel-log': self.desc(),
                                        'hw_dirty_log_test': self.desc()})
        self.assertEqual(output(results.cmd_known_hit, [fn])[0], 'hw_dirty_log_test\n')
        text, rc = output(results.cmd_summary, [fn])
        self.assertEqual(text.splitlines()[1:], [
            '  PASS   cpucap.stage2_hw_dbm',
            '  KNOWN  hw_dirty_log_test: exit 139 [known upstream issue: %s]' % self.desc(),
            '  PASS   stage2_block_transitions',
            '  KNOWN  kernel-log: splat: %s [known upstream issue: %s]' % (SPLAT, self.desc()),
            KNOWN_NOTE % 2,
            '2 passed, 0 failed, 2 skipped'])
        self.assertEqual(rc, 0)

    def test_unknown_splat(self):
        """A splat known-issues does not list fails kernel-log."""
        self.no_known_issues()
        res, fn = self.parse('splat')
        self.assertEqual(res['known'], {})
        self.assertEqual(output(results.cmd_known_hit, [fn])[0], '\n')
        text, rc = output(results.cmd_summary, [fn])
        self.assertIn('\n  FAIL   kernel-log: splat: %s [no baseline result]\n' % SPLAT, text)
        self.assertTrue(text.endswith('\n2 passed, 2 failed\n'))
        self.assertEqual(rc, 1)

    def test_splat_between_entries(self):
        """A known splat outside any entry: kernel-log KNOWN, no retry."""
        log = os.path.join(self.tmp, 'between.log')
        with open(data('splat.log')) as f, open(log, 'w') as g:
            g.writelines(l for l in f if not l.startswith(('@@RIG BEGIN hw_dirty_log_test',
                                                           '@@RIG END hw_dirty_log_test')))
        res, fn = self.parse('splat', 'between', 'cpucap*,stage2_block_transitions', log)
        self.assertEqual(res['known'], {'kernel-log': self.desc()})
        self.assertEqual(output(results.cmd_known_hit, [fn])[0], '\n')
        text, _ = output(results.cmd_summary, [fn])
        self.assertTrue(text.endswith('\n2 passed, 0 failed, 1 skipped\n'))

    def test_retry_passes(self):
        """A retry that passes replaces the entry; kernel-log stays KNOWN."""
        _, fn = self.parse('splat')
        _, rfn = self.parse('splat-retry')
        results.cmd_merge(fn, rfn)
        res = load(fn)
        self.assertEqual(statuses(res), {'cpucap.stage2_hw_dbm': 'pass',
                                         'hw_dirty_log_test': 'pass',
                                         'stage2_block_transitions': 'pass',
                                         'kernel-log': 'fail'})
        self.assertEqual(res['known'], {'kernel-log': self.desc()})
        self.assertEqual(output(results.cmd_known_hit, [fn])[0], '\n')
        text, rc = output(results.cmd_summary, [fn])
        self.assertEqual(text.splitlines()[0], '== boot vhe-v3 (console log: %s, retry: %s)'
                         % (data('splat.log'), data('splat-retry.log')))
        self.assertTrue(text.endswith('\n3 passed, 0 failed, 1 skipped\n'))
        self.assertEqual(rc, 0)

    def test_retry_hits_again(self):
        """A retry that hits the splat again leaves the entry KNOWN (and
        named for the next retry); one with an unknown splat fails."""
        _, fn = self.parse('splat')
        _, rfn = self.parse('splat', 'retry', 'hw_dirty_log_test')
        results.cmd_merge(fn, rfn)
        self.assertEqual(output(results.cmd_known_hit, [fn])[0], 'hw_dirty_log_test\n')
        text, _ = output(results.cmd_summary, [fn])
        self.assertTrue(text.endswith('\n2 passed, 0 failed, 2 skipped\n'))
        _, fn = self.parse('splat')
        self.no_known_issues()
        _, rfn = self.parse('splat', 'retry', 'hw_dirty_log_test')
        results.cmd_merge(fn, rfn)
        self.assertEqual(load(fn)['known'], {})
        text, rc = output(results.cmd_summary, [fn])
        self.assertTrue(text.endswith('\n2 passed, 2 failed\n'))
        self.assertEqual(rc, 1)


class HostTest(Case):
    def host(self, name, rc, log):
        out = os.path.join(self.tmp, 'host-%s.json' % name)
        results.cmd_host(name, rc, data(log), out)
        return load(out), out

    def test_host_case(self):
        """A host check: pass on 0, else its log's last "[rig] error:"."""
        res, _ = self.host('parser-tests', '0', 'tap.log')
        self.assertEqual(res, {'boot': 'host', 'log': data('tap.log'), 'complete': True,
                               'cases': {'parser-tests': ['pass', '']}, 'known': {}})
        res, _ = self.host('series-check', '1', 'series-check.log')
        self.assertEqual(res['cases'], {'series-check': [
            'fail', 'exit 1: git send-email --dry-run refuses the series (above)']})

    def test_summary_with_host_cases(self):
        """Host cases come first, one section each, counted in the line."""
        _, pfn = self.host('parser-tests', '0', 'tap.log')
        _, sfn = self.host('series-check', '1', 'series-check.log')
        _, kfn = self.parse('ktap')
        # check.sh names a baseline for every boot, there or not.
        text, rc = output(results.cmd_summary, [pfn, sfn, kfn + ':' + kfn + '.none'])
        lines = text.splitlines()
        self.assertEqual(lines[:4], [
            '== boot host (console log: %s)' % data('tap.log'),
            '  PASS   parser-tests',
            '== boot host (console log: %s)' % data('series-check.log'),
            '  FAIL   series-check: exit 1: git send-email --dry-run refuses the series (above) '
            '[a host check, not rerun on the unpatched kernel; log: %s]' % data('series-check.log')])
        self.assertEqual(lines[-1], '7 passed, 3 failed, 4 skipped')
        self.assertEqual(rc, 1)

    def test_command_line(self):
        """results.py's own command line: parse as the function does,
        summary's line and exit status."""
        res, fn = self.parse('ktap')
        out = os.path.join(self.tmp, 'cli.json')
        env = dict(os.environ, RIG_TESTS=LOGS['ktap'][1],
                   RIG_KNOWN_ISSUES=data('known-issues'),
                   RIG_KNOWN_FAILURES=data('known-failures'))
        py = [sys.executable, '-B', os.path.join(HERE, 'results.py')]
        subprocess.run(py + ['parse', PLAN, 'vhe', data('ktap.log'), out], env=env, check=True)
        self.assertEqual(load(out), res)
        _, pfn = self.host('parser-tests', '0', 'tap.log')
        run = subprocess.run(py + ['summary', pfn], capture_output=True, text=True)
        self.assertEqual((run.stdout, run.returncode), (
            '== boot host (console log: %s)\n  PASS   parser-tests\n1 passed, 0 failed\n'
            % data('tap.log'), 0))
        run = subprocess.run(py + ['summary', pfn, fn], capture_output=True, text=True)
        self.assertEqual((run.stdout.splitlines()[-1], run.returncode),
                         ('7 passed, 2 failed, 4 skipped', 1))

    def test_kit_log(self):
        """results.py log: a kit run from a host, its plan and boot taken
        from the log; a splat the runner copied from the kernel log
        ("kernel: " lines) fails kernel-log; a log that is not a kit
        run's, or one whose plan entries differ from selftests/', is
        refused."""
        env = dict(os.environ, RIG_PLANS=DATA, RIG_KNOWN_ISSUES=data('known-issues'),
                   RIG_KNOWN_FAILURES=data('known-failures'))
        py = [sys.executable, '-B', os.path.join(HERE, 'results.py'), 'log']
        run = subprocess.run(py + [data('kit-run.log'), self.tmp], env=env,
                             capture_output=True, text=True)
        lines = run.stdout.splitlines()
        self.assertEqual(lines[:3], [
            'The machine (%s):' % data('kit-run.log'),
            '  kernel: 7.3.4-rig+ (aarch64); plan: /home/user/kit/plans/plan; '
            'tests: cpucap*,hw_dirty*,kunit.s2*; boot: vhe (from the machine)',
            '  plan entries sha256: 6a8d1354c4933143c74ac33e434445426fb97b05d6be0129fbea456ae252c38b'])
        self.assertIn('  PASS   hw_dirty_log_test/clear', lines)
        self.assertTrue(any(l.startswith('  SKIP   kunit.s2_pgtable: SKIP: no module '
                                         'kvm_s2_pgtable_test.ko for kernel 7.3.4-rig+: the '
                                         'kit carries none for it') for l in lines), run.stdout)
        self.assertTrue(any(l.startswith('  FAIL   kernel-log: splat: kernel: [  812.345678] '
                                         'WARNING: arch/arm64/kvm/mmu.c:1234') for l in lines),
                        run.stdout)
        self.assertEqual((lines[-1], run.returncode), ('3 passed, 1 failed, 1 skipped', 1))
        self.assertEqual(load(os.path.join(self.tmp, 'vhe.json'))['boot'], 'vhe')
        # testdata/plan has migrate.dbm, which the kit leaves out: the log's
        # checksum is that of the plan without it, which the summary used.
        with open(os.path.join(self.tmp, 'plan.kit')) as f:
            self.assertNotIn('migrate-run', f.read())
        run = subprocess.run(py + [data('tap.log'), self.tmp], env=env,
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 2)
        self.assertIn('is not the output of the kit', run.stderr)
        # A kit whose plan is not this one (another commit's) is refused.
        other = os.path.join(self.tmp, 'other-kit.log')
        with open(data('kit-run.log')) as f, open(other, 'w') as g:
            g.write(f.read().replace('sha256: 6a8d', 'sha256: 0000'))
        run = subprocess.run(py + [other, self.tmp], env=env, capture_output=True, text=True)
        self.assertEqual(run.returncode, 2)
        self.assertIn('its entries differ', run.stderr)


def main():
    t0 = time.time()
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = [t.id().split('.', 1)[1] for t, _ in res.failures + res.errors]
    if bad:
        print('[rig] error: %d of %d parser tests failed: %s'
              % (len(bad), res.testsRun, ', '.join(bad)), file=sys.stderr)
        return 1
    print('[rig] parser-tests: %d tests of results.py on selftests/testdata/ passed in %.1fs'
          % (res.testsRun, time.time() - t0), file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
