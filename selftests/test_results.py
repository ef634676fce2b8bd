#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of results.py, testplan.py and rig.py on saved console logs
(selftests/testdata/).

    python3 selftests/test_results.py [-v] [test name...]

A second or two, nothing booted: make check runs it first, as the host case
parser-tests (selftests/rig.py check).  The plan tests read testdata/plan and
every plan of selftests/ with testplan.Plan (entries by boot and pattern,
kinds from the commands, limits, the checksum the kit's runner prints, the
kit's copy, errors by file:line).  The others parse logs of testdata/ (see
testdata/README) against testdata/plan as rig.py check does, for a boot of the
entries the log ran, and check the cases, their statuses (pass, fail, skip,
not-run, timeout) and details, and what remaining, merge-resumed,
known-hit, merge, failing (the baseline policy, results.needs_baseline)
and summary (results.judge: KNOWN, the counts) make of them; and results.py
log of a kit run.  testdata/known-failures and testdata/known-issues stand
in for the lists of selftests/, so that the tests do not change when the
lists do.  DriverTest runs rig.py's Guest on saved logs printed by a stand-in
for QEMU: the live progress lines, a boot that died, the boot's limit, the
boot table's command lines, the mutants' verdicts.  The last line says how it went: "[rig] error: ..." (what
results.py host reports) when a test failed.
"""
import contextlib
import glob
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
import boots  # noqa: E402
import results  # noqa: E402
import testplan  # noqa: E402

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
    'timeout': ('vhe', 'cpucap*,hw_dirty_log_test,dirty_log_perf_test.w1,page_fault_test,'
                'stage2_block_transitions'),
}
SPLAT = ('WARNING: arch/arm64/kvm/debug.c:157 at kvm_vcpu_load_debug+0x148/0x22c, '
         'CPU#1: hw_dirty_log_te/239')
PFT_FAIL = ('exit 254: arm64/page_fault_test.c:632: test->expected_events.uffd_faults == '
            'events.uffd_faults; 0x2 != 0x1 (test->expected_events.uffd_faults != '
            'events.uffd_faults)')
KILLED = 'killed (SIGKILL: the OOM killer, or the per-test timeout)'
KILLED_EARLY = 'killed (SIGKILL before its %d s limit: the OOM killer?)'
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
    """(what fn(*args) prints, what it returns).  results.summary's out=
    is the sys.stdout of when results was imported, which redirect_stdout
    does not change: while fn runs, summary is handed the redirected one."""
    buf = io.StringIO()
    summary = results.summary
    results.summary = lambda specs, out=None: summary(specs, out or sys.stdout)
    try:
        with contextlib.redirect_stdout(buf):
            rc = fn(*args)
    finally:
        results.summary = summary
    return buf.getvalue(), rc


def statuses(res):
    return {case: status for case, (status, _) in res['cases'].items()}


def block(log, entry):
    """(rc, output lines) of <entry> in testdata/<log>.log (a results.Block:
    .secs and .limit too)."""
    return results.split_log(data(log + '.log'))[0][entry]


def renamed(log, names, dest):
    """testdata/<log>.log with its entries renamed (<names>: {old: new})
    written to <dest>."""
    with open(data(log + '.log')) as f:
        text = f.read()
    for old, new in names.items():
        text = re.sub(r'^(@@RIG (?:BEGIN|END) )%s(?= |$)' % re.escape(old), r'\g<1>' + new, text,
                      flags=re.M)
    with open(dest, 'w') as f:
        f.write(text)
    return dest


class Case(unittest.TestCase):
    """A temporary directory for the JSON files, the lists of testdata/,
    and none of make check's environment (RIG_TESTS narrows the plan)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='parser-tests.')
        self.saved = (results.KNOWN_ISSUES, results.KNOWN_FAILURES,
                      {v: os.environ.pop(v) for v in ('RIG_TESTS', 'RIG_BASELINE', 'RIG_PLANS')
                       if v in os.environ})
        results.KNOWN_ISSUES = data('known-issues')
        results.KNOWN_FAILURES = data('known-failures')

    def tearDown(self):
        results.KNOWN_ISSUES, results.KNOWN_FAILURES, env = self.saved
        for v in ('RIG_TESTS', 'RIG_BASELINE', 'RIG_PLANS'):
            os.environ.pop(v, None)
        os.environ.update(env)
        shutil.rmtree(self.tmp)

    def parse(self, log, name=None, tests=None, path=None, plan=PLAN):
        """results.py parse of testdata/<log>.log (or <path>) for the boot
        and entries it ran (or <tests>), against <plan> (a file or a
        testplan.Plan), into <name>.json: (result, file)."""
        boot, ran = LOGS[log]
        out = os.path.join(self.tmp, (name or log) + '.json')
        os.environ['RIG_TESTS'] = tests or ran
        try:
            results.cmd_parse(plan, boot, path or data(log + '.log'), out)
        finally:
            del os.environ['RIG_TESTS']
        return load(out), out

    def summary(self, *specs):
        """results.py summary of <specs> ("series.json[:baseline.json]"):
        (what it prints, its exit status)."""
        return output(results.cmd_summary, list(specs))

    def known_failures(self, *lines):
        """A known-failures list of <lines> (case|detail|what) instead of
        testdata/'s."""
        results.KNOWN_FAILURES = os.path.join(self.tmp, 'known-failures')
        with open(results.KNOWN_FAILURES, 'w') as f:
            f.writelines(l + '\n' for l in lines)

    def no_known_issues(self):
        results.KNOWN_ISSUES = os.path.join(self.tmp, 'no-known-issues')


class PlanTest(Case):
    def plan(self, *lines):
        """A testplan.Plan of <lines> (the file "t")."""
        return testplan.Plan('t', [l + '\n' for l in lines])

    def test_select(self):
        """The plan's entries for a boot ("*": all of them), narrowed by
        RIG_TESTS patterns, in the plan's order."""
        plan = testplan.Plan(PLAN)
        self.assertEqual([e.name for e in plan.select('protected')],
                         ['cpucap.stage2_hw_dbm', 'page_fault_test',
                          'stage2_block_transitions', 'mmu_stress_test'])
        self.assertEqual([(e.name, e.limit, e.cmd, e.kind)
                          for e in plan.select('vhe', 'kunit*,mmu*')],
                         [('mmu_stress_test', 480, './mmu_stress_test -c 2 -m 1 -s 1', 'selftest'),
                          ('kunit.s2_pgtable', 120, 'kunit:kvm_s2_pgtable_test', 'kunit'),
                          ('kunit.missing', 120, 'kunit:kvm_missing_test', 'kunit')])
        self.assertEqual([e.name for e in plan.select('vhe-v3', 'kunit*,mmu*')],
                         ['kunit.s2_pgtable'])
        self.assertEqual(len(plan.select()), 10)
        self.assertEqual(plan.select('nvhe', 'nothing*'), [])
        self.assertEqual([e.name for e in plan.select('vhe', kinds=('migrate', 'shell'))],
                         ['cpucap.stage2_hw_dbm', 'migrate.dbm'])
        e = plan.entry('page_fault_test')
        self.assertEqual((e.boots, e.where), (None, PLAN + ':9'))
        self.assertTrue(e.runs_in('protected'))
        e = plan.entry('mmu_stress_test')
        self.assertEqual(e.boots, ('vhe', 'protected'))
        self.assertFalse(e.runs_in('nvhe'))
        self.assertIsNone(plan.entry('nothing'))

    def test_limit(self):
        """A boot's limit: its entries' limits and 120 s of boot, times
        the scale, capped (1500 s unless told, times the scale)."""
        plan = testplan.Plan(PLAN)
        self.assertEqual(plan.limit('nvhe'), 30 + 60 + 90 + 60 + 120)
        self.assertEqual(plan.limit('protected', scale=4), (30 + 90 + 60 + 480 + 120) * 4)
        self.assertEqual(plan.limit('vhe', 'kunit*,mmu*'), 480 + 120 + 120 + 120)
        self.assertEqual(plan.limit('vhe', 'nothing*'), 120)
        self.assertEqual(plan.limit('vhe'), 1500)       # 1380 s of entries: at the cap
        self.assertEqual(plan.limit('vhe', cap=1000), 1000)
        self.assertEqual(plan.limit('vhe', scale=4, cap=1000), 4000)

    def runner_digest(self, path):
        """The "plan entries sha256" the kit's runner prints for <path>:
        its own command, taken from selftests/kit/run."""
        with open(os.path.join(HERE, 'kit', 'run')) as f:
            m = re.search(r'^echo "@@RIG MACHINE plan entries sha256: \$\((.+)\)"$', f.read(),
                          re.M)
        self.assertTrue(m, 'selftests/kit/run prints no "plan entries sha256" line')
        run = subprocess.run(['sh', '-c', m.group(1)], env=dict(os.environ, plan=path),
                             capture_output=True, text=True, check=True)
        return run.stdout.strip()

    def test_digest(self):
        """Plan.digest() is the runner's checksum: of the plan, and of the
        kit's copy (that of testdata/kit-run.log)."""
        self.assertEqual(testplan.Plan(PLAN).digest(), self.runner_digest(PLAN))
        kit = os.path.join(self.tmp, 'plan')
        with open(kit, 'w') as f:
            f.writelines(testplan.kit_lines(PLAN))
        self.assertEqual(testplan.Plan(kit).digest(), self.runner_digest(kit))
        self.assertEqual(testplan.Plan(kit).digest(),
                         '6a8d1354c4933143c74ac33e434445426fb97b05d6be0129fbea456ae252c38b')
        self.assertNotEqual(testplan.Plan(kit).digest(), testplan.Plan(PLAN).digest())
        # Comments and blank lines are not in it; a plan without a final
        # newline is the same plan.
        with open(PLAN) as f:
            lines = f.readlines()
        other = testplan.Plan('other', ['# a comment\n', '\n'] + lines[:-1] + [lines[-1].rstrip()])
        self.assertEqual(other.digest(), testplan.Plan(PLAN).digest())

    def test_kit_lines(self):
        """The kit's copy of a plan: the migrate entries left out, a line
        that names them first; a plan without any is as it is."""
        with open(PLAN) as f:
            lines = f.readlines()
        kit = testplan.kit_lines(PLAN)
        self.assertEqual(kit[0], "# The kit leaves out migrate.dbm: live migration needs the "
                         "guest's QEMU and L2 guest, which only make migrate and make check's "
                         "rig pack.\n")
        self.assertEqual(kit[1:], [l for l in lines if not l.startswith('migrate.dbm|')])
        self.assertEqual([e.name for e in testplan.Plan('kit', kit).entries],
                         [e.name for e in testplan.Plan(PLAN).entries if e.kind != 'migrate'])
        self.assertEqual(output(testplan.main, ['kit', PLAN]), (''.join(kit), 0))
        path = os.path.join(HERE, 'plan.main')
        self.assertFalse(testplan.Plan(path).select(kinds=('migrate',)))
        with open(path) as f:
            self.assertEqual(testplan.kit_lines(path), f.readlines())

    def test_bins(self):
        """The selftest binaries the commands name, alone or after a helper;
        none for KUnit, shell and migrate entries."""
        plan = testplan.Plan(PLAN)
        self.assertEqual({e.name: e.bins for e in plan.entries if e.bins}, {
            'hw_dirty_log_test': ['arm64/hw_dirty_log_test'],
            'dirty_log_perf_test.w1': ['dirty_log_perf_test'],
            'page_fault_test': ['arm64/page_fault_test'],
            'stage2_block_transitions': ['arm64/stage2_block_transitions'],
            'set_id_regs': ['arm64/set_id_regs'],
            'mmu_stress_test': ['mmu_stress_test']})
        self.assertEqual(output(testplan.main, ['bins', PLAN]), (
            'arm64/hw_dirty_log_test\narm64/page_fault_test\narm64/set_id_regs\n'
            'arm64/stage2_block_transitions\ndirty_log_perf_test\nmmu_stress_test\n', 0))
        self.assertEqual(self.plan('a|60|*|sh -c "cd /tmp; ./a -x && (./b/c)"').entries[0].bins,
                         ['a', 'b/c'])

    def test_kind_from_command(self):
        """An entry's kind is its command's, never its name's."""
        plan = self.plan('hw_dirty_log_test|120|vhe|kunit:kvm_s2_pgtable_test',
                         'kunit.set_id_regs|60|vhe|./arm64/set_id_regs',
                         'kunit.helper|60|vhe|expect-strategy 1 ./dirty_log_test -m 3',
                         'mig.dbm|300|vhe|migrate-run -n dbm -s dbm',
                         'kunit.mig|300|vhe|sh -c "cd /tmp && migrate-run -n x"',
                         'migrate-runner|30|*|migrate-runner -x',
                         'kunit.shell|30|*|sh -c \'dmesg | grep kunit\'')
        self.assertEqual([(e.name, e.kind) for e in plan.entries], [
            ('hw_dirty_log_test', 'kunit'),
            ('kunit.set_id_regs', 'selftest'),
            ('kunit.helper', 'selftest'),
            ('mig.dbm', 'migrate'),
            ('kunit.mig', 'migrate'),
            ('migrate-runner', 'shell'),
            ('kunit.shell', 'shell')])
        self.assertEqual([(e.name, e.kind) for e in testplan.Plan(PLAN).entries
                          if e.kind != 'selftest'],
                         [('cpucap.stage2_hw_dbm', 'shell'), ('kunit.s2_pgtable', 'kunit'),
                          ('kunit.missing', 'kunit'), ('migrate.dbm', 'migrate')])

    def test_plan_errors(self):
        """A plan that is not one: PlanError, naming file:line."""
        ok = 'a|60|vhe|./a'
        for line, msg in (
                ('b|60|vhe', "t:3: not name|timeout-seconds|boots|command"),
                ('b|60||./b', "t:3: not name|timeout-seconds|boots|command"),
                ('b c|60|vhe|./b', "t:3: entry name 'b c': letters, digits and _.+- only"),
                ('b|6O|vhe|./b', "t:3: b: the timeout '6O' is not a number of seconds"),
                ('b|0|vhe|./b', "t:3: b: the timeout '0' is not a number of seconds"),
                ('b|-1|vhe|./b', "t:3: b: the timeout '-1' is not a number of seconds"),
                ('b|60|vhe,vhe3|./b',
                 't:3: b: unknown boot vhe3 (known: vhe nvhe protected vhe-v3)'),
                ('a|60|nvhe,vhe|./b', 't:3: entry a twice in boot vhe'),
                ('a|60|*|./b', 't:3: entry a twice in boot vhe')):
            with self.assertRaises(testplan.PlanError) as cm:
                self.plan(ok, '# a comment', line)
            self.assertEqual(str(cm.exception), msg)
        # The same name in two boots that do not meet is two entries.
        plan = self.plan(ok, 'a|90|vhe-v3|./a -b')
        self.assertEqual([(e.limit, e.cmd) for e in plan.select('vhe')], [(60, './a')])
        self.assertEqual([(e.limit, e.cmd) for e in plan.select('vhe-v3')], [(90, './a -b')])
        self.assertEqual(plan.select('nvhe'), [])
        # A file names itself; testplan.py lint says so and fails.
        path = os.path.join(self.tmp, 'plan.bad')
        with open(path, 'w') as f:
            f.write('# a plan\n\na|60|nosuch|./a\n')
        with self.assertRaises(testplan.PlanError) as cm:
            testplan.Plan(path)
        self.assertTrue(str(cm.exception).startswith(path + ':3: a: unknown boot nosuch'))
        run = subprocess.run([sys.executable, '-B', os.path.join(HERE, 'testplan.py'), 'lint',
                              PLAN, path], capture_output=True, text=True)
        self.assertEqual(run.returncode, 1)
        self.assertTrue(run.stderr.startswith('[rig] error: %s:3: a: unknown boot nosuch' % path),
                        run.stderr)
        with self.assertRaises(testplan.PlanError) as cm:
            testplan.Plan(os.path.join(self.tmp, 'nosuch'))
        self.assertIn('cannot read plan', str(cm.exception))

    def test_real_plans(self):
        """Every plan of selftests/ parses (testplan.py lint); plan.bench
        has split_nobbm once in vhe and once in vhe-v3."""
        paths = [os.path.join(HERE, 'plan')] + sorted(glob.glob(os.path.join(HERE, 'plan.*')))
        self.assertIn(os.path.join(HERE, 'plan.bench'), paths)
        for p in paths:
            self.assertTrue(testplan.Plan(p).entries, p)
        self.assertEqual(output(testplan.main, ['lint'] + paths), ('', 0))
        bench = testplan.Plan(os.path.join(HERE, 'plan.bench'))
        self.assertEqual([e.cmd for e in bench.entries if e.name == 'split_nobbm'],
                         [e.cmd for b in ('vhe', 'vhe-v3')
                          for e in bench.select(b, 'split_nobbm')])
        self.assertEqual(len(bench.select(None, 'split_nobbm')), 2)

    def test_real_lists(self):
        """selftests/known-failures and known-issues parse: three fields
        (a case of a plan entry), a regex that compiles."""
        names = {e.name for p in ('plan', 'plan.main', 'plan.migrate')
                 for e in testplan.Plan(os.path.join(HERE, p)).entries}
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
            'kunit.missing': 'not-run',
            'kernel-log': 'pass'})
        self.assertTrue(res['complete'])
        self.assertEqual(res['known'], {})
        self.assertEqual(res['kinds'], {'kunit.s2_pgtable': 'kunit', 'kunit.missing': 'kunit'})
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
        """A KUnit entry without KTAP never ran: NOT_RUN, with why; one the
        runner skipped (exit 4) is a skip; one that never ended fails."""
        res, _ = self.parse('ktap')
        self.assertEqual(res['cases']['kunit.missing'],
                         ['not-run', 'no KTAP results (binary or module missing)'])
        lines = ['insmod: cannot insert kvm_s2_pgtable_test.ko: Invalid parameters']
        self.assertEqual(results.cases_of('kunit.s2_pgtable', 1, lines, 'kunit'), [
            ('kunit.s2_pgtable', 'not-run', 'no KTAP results (exit 1)')])
        self.assertEqual(results.cases_of('kunit.s2_pgtable', 4, ['SKIP: no module'], 'kunit'),
                         [('kunit.s2_pgtable', 'skip', 'SKIP: no module')])
        self.assertEqual(results.cases_of('kunit.s2_pgtable', None, [], 'kunit'),
                         [('kunit.s2_pgtable', 'fail', results.DID_NOT_END)])

    def test_parse_only(self):
        """cmd_parse's <only> (the entries the boot ran) wins over
        RIG_TESTS; "" is all of the boot's."""
        out = os.path.join(self.tmp, 'only.json')
        os.environ['RIG_TESTS'] = 'kunit*'
        results.cmd_parse(PLAN, 'vhe', data('ktap.log'), out, 'kunit.missing')
        self.assertEqual(load(out)['cases'], {
            'kunit.missing': ['not-run', 'no KTAP results (binary or module missing)'],
            'kernel-log': ['pass', '']})
        results.cmd_parse(testplan.Plan(PLAN), 'vhe', data('ktap.log'), out, '')
        self.assertEqual(list(load(out)['kinds']),
                         [e.name for e in testplan.Plan(PLAN).select('vhe')])

    def test_kunit_never_rerun(self):
        """failing leaves KUnit out (the unpatched kernel has no module),
        and the entry that never ran."""
        _, fn = self.parse('ktap')
        self.assertEqual(output(results.cmd_failing, [fn]), ('\n', None))
        self.assertEqual(results.failing([fn]), [])


class TapTest(Case):
    def test_tap_result_code_message(self):
        """ksft_test_result_code() lines: "ok N name # SKIP msg", and a
        message after " #  " on any other (hw_dirty_log_test's failed cases
        say "#  exit 254"): each is its case, failed, passed or skipped."""
        lines = ['ok 1 stage2_dbm=1.strategy',
                 'ok 2 stage2_dbm=1.ptdump # SKIP without -p',
                 '==== Test Assertion Failure ====',
                 '  arm64/hw_dirty_log_test.c:799: hw == expect_hw',
                 'not ok 3 stage2_dbm=0.partial_clear #  exit 254',
                 'not ok 4 stage2_dbm=0.ksm #  signal 6',
                 '# Totals: pass:1 fail:2 xfail:0 xpass:0 skip:1 error:0']
        self.assertEqual(results.cases_of('hw_dirty_log_test', 1, lines), [
            ('hw_dirty_log_test/stage2_dbm=1.strategy', 'pass', 'ok 1 stage2_dbm=1.strategy'),
            ('hw_dirty_log_test/stage2_dbm=1.ptdump', 'skip',
             'ok 2 stage2_dbm=1.ptdump # SKIP without -p'),
            ('hw_dirty_log_test/stage2_dbm=0.partial_clear', 'fail',
             'not ok 3 stage2_dbm=0.partial_clear #  exit 254'),
            ('hw_dirty_log_test/stage2_dbm=0.ksm', 'fail', 'not ok 4 stage2_dbm=0.ksm #  signal 6')])

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
                         [('hw_dirty_log_test', 'not-run', 'binary or module missing')])
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
        """Only the last case shares the exit status: 0, 4, a kill before
        the limit, the kill at the limit, no end."""
        _, lines = block('pft', 'page_fault_test')
        last = 'page_fault_test/ro_memslot_no_syndrome_guest_cas#2'
        for rc, secs, want in ((0, 41, ('pass', '')), (4, 41, ('skip', 'skipped')),
                               (137, 41, ('fail', KILLED_EARLY % 90)),
                               (137, 90, ('timeout', 'killed at its 90 s limit')),
                               (None, None, ('fail', results.DID_NOT_END))):
            cases = results.cases_of('page_fault_test', rc, lines, 'selftest', secs, 90)
            self.assertEqual(cases[-1], (last,) + want)
            self.assertEqual([s for _, s, _ in cases[:-1]], ['pass'] * 4 + ['skip'])


class KnownFailureTest(Case):
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
        same way is KNOWN; passing, skipped, failing otherwise (not to the
        end), not run or timed out there, FAIL."""
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
                ('fail', results.DID_NOT_END,
                 'fails differently on the unpatched kernel: ' + results.DID_NOT_END),
                ('skip', 'skipped', 'skipped on the unpatched kernel'),
                ('not-run', results.STOPPED_BEFORE, 'did not run on the unpatched kernel'),
                ('timeout', 'killed at its 90 s limit',
                 'timed out on the unpatched kernel: killed at its 90 s limit')):
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
        self.assertEqual(results.failing(files), ['set_id_regs'])
        self.assertEqual(results.failing(files, baseline=True), ['page_fault_test', 'set_id_regs'])
        os.environ['RIG_BASELINE'] = '1'
        self.assertEqual(output(results.cmd_failing, files)[0], 'page_fault_test,set_id_regs\n')


class HangTest(Case):
    def test_guest_died(self):
        """A boot that stopped: the entry killed at its limit, the entry
        running when the guest died (its cases up to then pass), the entry
        it never began."""
        res, _ = self.parse('died')
        self.assertFalse(res['complete'])
        # died.log is older than the runner's limit=: a kill is a FAIL.
        self.assertEqual(res['cases'], {
            'cpucap.stage2_hw_dbm': ['pass', ''],
            'dirty_log_perf_test.w1': ['fail', KILLED],
            'page_fault_test/guest_read64_SCAT2(with_af, "CMD_NONE")': ['pass', ''],
            'page_fault_test/guest_ld_preidx_SCAT2(with_af, "CMD_NONE")':
                ['fail', 'did not end (the guest died, or the boot hit its limit)'],
            'stage2_block_transitions': ['not-run', 'the guest stopped before it'],
            'kernel-log': ['pass', '']})
        self.assertEqual((results.STOPPED_BEFORE, results.DID_NOT_END), (
            'the guest stopped before it',
            'did not end (the guest died, or the boot hit its limit)'))
        self.assertEqual(res['kinds'], {'cpucap.stage2_hw_dbm': 'shell',
                                        'dirty_log_perf_test.w1': 'selftest',
                                        'page_fault_test': 'selftest',
                                        'stage2_block_transitions': 'selftest'})
        # The kill is rerun on the unpatched kernel; not what did not end
        # or never began.
        self.assertEqual(results.failing([self.parse('died')[1]]), ['dirty_log_perf_test.w1'])

    def test_watchdog_hang(self):
        """An entry selftests/watchdog.py caught hanging (<log>.stall) says
        so, with the vCPUs' PCs; the entries after it never ran."""
        res, fn = self.parse('hang')
        self.assertFalse(res['complete'])
        cpu = 'EL2h PC=ffff8000804196e8 cpu_do_idle+0x14 X30=ffff80008041970c arch_cpu_idle+0xc'
        hung = ('hung (still running 60 s after its 480 s limit); CPU#0 %s; CPU#1 %s (%s)'
                % (cpu, cpu, data('hang.log.stall')))
        self.assertEqual(res['cases'], {
            'cpucap.stage2_hw_dbm': ['pass', ''],
            'mmu_stress_test': ['timeout', hung],
            'kunit.s2_pgtable': ['not-run', results.STOPPED_BEFORE],
            'kernel-log': ['pass', '']})
        # A hang is never rerun on the unpatched kernel, nor is KUnit.
        self.assertEqual(output(results.cmd_failing, [fn])[0], '\n')
        text, rc = self.summary(fn)
        self.assertEqual(text.splitlines()[1:], [
            '  PASS   cpucap.stage2_hw_dbm',
            '  TIMEOUT mmu_stress_test: %s [a time limit is never a baseline failure]' % hung,
            '  NOT_RUN kunit.s2_pgtable: the guest stopped before it [it tested nothing]',
            '  PASS   kernel-log',
            '(of the failed, 1 NOT_RUN and 1 TIMEOUT)',
            '2 passed, 2 failed'])
        self.assertEqual(rc, 1)

    def test_hang_without_stall(self):
        """Without the watchdog's file the same log is a guest that died."""
        log = os.path.join(self.tmp, 'hang.log')
        shutil.copy(data('hang.log'), log)
        res, fn = self.parse('hang', path=log)
        self.assertEqual(res['cases']['mmu_stress_test'], ['fail', results.DID_NOT_END])
        self.assertEqual(results.failing([fn]), [])


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
        self.assertEqual(set(statuses(res).values()), {'not-run', 'pass'})
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
        self.assertEqual(output(results.cmd_failing, [fn])[0], 'dirty_log_perf_test.w1\n')
        text, rc = output(results.cmd_summary, [fn])
        self.assertTrue(text.endswith('\n4 passed, 2 failed\n'))
        self.assertNotIn('(of the failed', text)
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


class TimeoutTest(Case):
    def test_timeout_or_kill(self):
        """rc 137 at the entry's limit (the runner's "limit=") is TIMEOUT;
        before it, the OOM killer: FAIL; without limit= (an older runner),
        FAIL, as either; the case running at the limit times out."""
        res, _ = self.parse('timeout')
        self.assertTrue(res['complete'])
        self.assertEqual(res['cases'], {
            'cpucap.stage2_hw_dbm': ['pass', ''],
            'hw_dirty_log_test': ['fail', KILLED_EARLY % 60],
            'dirty_log_perf_test.w1': ['timeout', 'killed at its 60 s limit'],
            'page_fault_test/guest_read64_SCAT2(with_af, "CMD_NONE")': ['pass', ''],
            'page_fault_test/guest_ld_preidx_SCAT2(with_af, "CMD_NONE")':
                ['timeout', 'killed at its 90 s limit'],
            'stage2_block_transitions': ['pass', ''],
            'kernel-log': ['pass', '']})
        b = block('timeout', 'dirty_log_perf_test.w1')
        self.assertEqual((b[0], b.secs, b.limit), (137, 60, 60))
        b = block('timeout', 'hw_dirty_log_test')
        self.assertEqual((b[0], b.secs, b.limit), (137, 3, 60))
        b = block('died', 'dirty_log_perf_test.w1')
        self.assertEqual((b[0], b.secs, b.limit), (137, 60, None))
        self.assertEqual(block('hang', 'mmu_stress_test')[0], None)
        for rc, secs, limit, want in ((137, 60, 60, ('timeout', 'killed at its 60 s limit')),
                                      (137, 61, 60, ('timeout', 'killed at its 60 s limit')),
                                      (137, 3, 60, ('fail', KILLED_EARLY % 60)),
                                      (137, 60, None, ('fail', KILLED)),
                                      (137, None, None, ('fail', KILLED)),
                                      (1, 60, 60, ('fail', 'exit 1'))):
            self.assertEqual(results.cases_of('w1', rc, [], 'selftest', secs, limit),
                             [('w1',) + want])
        # TAP subtests all ok, then the kill at the limit: the entry too.
        self.assertEqual(results.cases_of('t', 137, ['ok 1 a'], 'selftest', 60, 60),
                         [('t/a', 'pass', 'ok 1 a'), ('t', 'timeout', 'killed at its 60 s limit')])

    def test_timeout_never_rerun(self):
        """Only the OOM kill is rerun on the unpatched kernel."""
        _, fn = self.parse('timeout')
        self.assertEqual(results.failing([fn]), ['hw_dirty_log_test'])
        self.assertEqual(results.failing([fn], baseline=True), ['hw_dirty_log_test'])
        self.assertEqual(output(results.cmd_failing, [fn])[0], 'hw_dirty_log_test\n')

    def test_timeout_summary(self):
        """A TIMEOUT counts as failed, and the line under the cases says
        how many of the failed timed out."""
        _, fn = self.parse('timeout')
        text, rc = self.summary(fn)
        self.assertEqual(text.splitlines(), [
            '== boot vhe (console log: %s)' % data('timeout.log'),
            '  PASS   cpucap.stage2_hw_dbm',
            '  FAIL   hw_dirty_log_test: %s [no baseline result]' % (KILLED_EARLY % 60),
            '  TIMEOUT dirty_log_perf_test.w1: killed at its 60 s limit '
            '[a time limit is never a baseline failure]',
            '  PASS   page_fault_test/guest_read64_SCAT2(with_af, "CMD_NONE")',
            '  TIMEOUT page_fault_test/guest_ld_preidx_SCAT2(with_af, "CMD_NONE"): killed at its '
            '90 s limit [a time limit is never a baseline failure]',
            '  PASS   stage2_block_transitions',
            '  PASS   kernel-log',
            '(of the failed, 0 NOT_RUN and 2 TIMEOUT)',
            '4 passed, 3 failed'])
        self.assertEqual(rc, 1)
        counts = results.summary([(fn, None)], io.StringIO())
        self.assertEqual(counts, {'pass': 4, 'fail': 1, 'skip': 0, 'not-run': 0, 'timeout': 2,
                                  'known': 0})


class PolicyTest(Case):
    """The result policy: what is KNOWN (results.judge), what is rerun on
    the unpatched kernel (results.needs_baseline, failing)."""

    def test_not_run_never_known(self):
        """A NOT_RUN case is never KNOWN, even listed in known-failures the
        way it did not run, or not run on the unpatched kernel too; a FAIL
        listed the same way is."""
        self.known_failures(
            'stage2_block_transitions|%s|listed as not run' % results.STOPPED_BEFORE,
            'kunit.missing|no KTAP results (binary or module missing)|listed as missing',
            'dirty_log_perf_test.w1|%s|listed as killed' % KILLED)
        _, fn = self.parse('died')
        _, kfn = self.parse('ktap')
        text, rc = self.summary(fn, kfn)
        lines = text.splitlines()
        self.assertIn('  NOT_RUN stage2_block_transitions: the guest stopped before it '
                      '[it tested nothing]', lines)
        self.assertIn('  NOT_RUN kunit.missing: no KTAP results (binary or module missing) '
                      '[it tested nothing]', lines)
        self.assertIn('  KNOWN  dirty_log_perf_test.w1: %s [listed in selftests/known-failures: '
                      'listed as killed]' % KILLED, lines)
        self.assertEqual(lines[-2:], ['(of the failed, 2 NOT_RUN and 0 TIMEOUT)',
                                      '9 passed, 4 failed, 5 skipped'])
        self.assertEqual(rc, 1)
        # Against a baseline that did not run it either.
        text, _ = self.summary(fn + ':' + fn)
        self.assertIn('  NOT_RUN stage2_block_transitions: the guest stopped before it '
                      '[it tested nothing]\n', text)
        self.assertEqual(results.failing([fn, kfn], baseline=True), ['dirty_log_perf_test.w1'])
        self.assertEqual(results.failing([fn, kfn]), [])

    def test_kunit_kind_never_rerun(self):
        """An entry whose command is KUnit's is never rerun, whatever its
        name; one whose name starts with "kunit" and runs a selftest is:
        the kind comes from the plan's command (the JSON's kinds)."""
        plan = testplan.Plan('mixed', [
            's2_pgtable|120|vhe|kunit:kvm_s2_pgtable_test\n',
            'missing|120|vhe|kunit:kvm_missing_test\n',
            'kunit.set_id_regs|60|vhe|./arm64/set_id_regs\n'])
        klog = renamed('ktap', {'kunit.s2_pgtable': 's2_pgtable', 'kunit.missing': 'missing'},
                       os.path.join(self.tmp, 'ktap.log'))
        tlog = renamed('tap', {'set_id_regs': 'kunit.set_id_regs'},
                       os.path.join(self.tmp, 'tap.log'))
        kres, kfn = self.parse('ktap', tests='*', path=klog, plan=plan)
        tres, tfn = self.parse('tap', tests='*', path=tlog, plan=plan)
        self.assertEqual(kres['kinds'], {'s2_pgtable': 'kunit', 'missing': 'kunit',
                                         'kunit.set_id_regs': 'selftest'})
        case = 's2_pgtable/kvm_arm64_s2_pgtable.s2_dbm_block_dirty_reported'
        self.assertEqual(kres['cases'][case][0], 'fail')
        # KUnit's: the suite's own line is no case; no KTAP is NOT_RUN.
        self.assertNotIn('s2_pgtable/kvm_arm64_s2_pgtable', kres['cases'])
        self.assertEqual(kres['cases']['missing'],
                         ['not-run', 'no KTAP results (binary or module missing)'])
        self.assertEqual(kres['cases']['kunit.set_id_regs'],
                         ['not-run', results.STOPPED_BEFORE])
        self.assertEqual(tres['cases']['kunit.set_id_regs/ID_AA64PFR0_EL1.MPAM=0 was not accepted'],
                         ['fail', 'not ok 5 ID_AA64PFR0_EL1.MPAM=0 was not accepted'])
        self.assertEqual(results.failing([kfn, tfn]), ['kunit.set_id_regs'])
        self.assertEqual(results.failing([kfn, tfn], baseline=True), ['kunit.set_id_regs'])
        # A selftest named "kunit..." that printed no KTAP fails as a selftest.
        self.assertEqual(results.cases_of('kunit.set_id_regs', 1, [], 'selftest'),
                         [('kunit.set_id_regs', 'fail', 'exit 1')])
        self.assertEqual(results.cases_of('kunit.set_id_regs', 1, [], 'kunit'),
                         [('kunit.set_id_regs', 'not-run', 'no KTAP results (exit 1)')])

    def test_timeout_never_known(self):
        """A TIMEOUT is not KNOWN even when the baseline timed out too, the
        same way; the OOM kill that the baseline shows too is."""
        _, fn = self.parse('timeout')
        _, bfn = self.parse('timeout', 'base')
        text, rc = self.summary(fn + ':' + bfn)
        lines = text.splitlines()
        self.assertIn('  TIMEOUT dirty_log_perf_test.w1: killed at its 60 s limit '
                      '[a time limit is never a baseline failure]', lines)
        self.assertIn('  KNOWN  hw_dirty_log_test: %s [fails on the unpatched kernel too: %s]'
                      % (KILLED_EARLY % 60, KILLED_EARLY % 60), lines)
        self.assertEqual(lines[-3:], [KNOWN_NOTE % 1, '(of the failed, 0 NOT_RUN and 2 TIMEOUT)',
                                      '4 passed, 2 failed, 1 skipped'])
        self.assertEqual(rc, 1)
        # A hang (the watchdog's TIMEOUT) against a baseline that hung too.
        _, hfn = self.parse('hang')
        text, _ = self.summary(hfn + ':' + hfn)
        self.assertIn('  TIMEOUT mmu_stress_test: hung ', text)
        self.assertTrue(text.endswith('\n2 passed, 2 failed\n'))

    def test_needs_baseline(self):
        """results.needs_baseline: only a plain FAIL of a test the
        unpatched kernel can run, not listed the way it fails."""
        res = {'kinds': {'a': 'selftest', 'k': 'kunit', 's': 'shell'}}
        listed = {'a/x': ('exit 1: 0x2 != 0x1', 'listed')}
        for case, status, detail, want in (
                ('a', 'fail', 'exit 1', True),
                ('a/y', 'fail', 'exit 1', True),
                ('s', 'fail', 'exit 1', True),
                ('old', 'fail', 'exit 1', True),        # no kind (an older JSON): a selftest
                ('a/x', 'fail', 'exit 1: 0x3 != 0x1', False),
                ('a/x', 'fail', 'exit 2: 0x2 != 0x1', True),
                ('k', 'fail', 'exit 1', False),
                ('k/suite.case', 'fail', 'not ok 1 case', False),
                ('a', 'fail', results.DID_NOT_END, False),
                ('a', 'timeout', 'killed at its 60 s limit', False),
                ('a', 'timeout', 'hung (still running)', False),
                ('a', 'not-run', results.STOPPED_BEFORE, False),
                ('a', 'not-run', 'binary or module missing', False),
                ('a', 'pass', '', False),
                ('a', 'skip', 'skipped', False),
                ('kernel-log', 'fail', 'splat: WARNING: x', False)):
            self.assertEqual(results.needs_baseline(res, case, status, detail, listed), want,
                             (case, status, detail))

    def test_judge(self):
        """results.judge: the summary's (label, why) of a case."""
        s = {'boot': 'vhe', 'log': 'l', 'known': {'hit': 'an upstream bug'}}
        base = {'a': ['fail', 'exit 1'], 'b': ['timeout', 'killed at its 60 s limit'],
                'c': ['not-run', results.STOPPED_BEFORE]}
        for case, status, detail, want in (
                ('a', 'fail', 'exit 1', ('known', 'fails on the unpatched kernel too: exit 1')),
                ('a', 'fail', 'exit 2', ('fail', 'fails differently on the unpatched kernel: '
                                         'exit 1')),
                ('b', 'timeout', 'killed at its 60 s limit',
                 ('timeout', 'a time limit is never a baseline failure')),
                ('b', 'fail', 'exit 1',
                 ('fail', 'timed out on the unpatched kernel: killed at its 60 s limit')),
                ('c', 'not-run', results.STOPPED_BEFORE, ('not-run', 'it tested nothing')),
                ('c', 'fail', 'exit 1', ('fail', 'did not run on the unpatched kernel')),
                ('d', 'pass', 'ok 1 d', ('pass', '')),
                ('d', 'skip', 'skipped', ('skip', '')),
                ('d', 'fail', 'exit 1', ('fail', 'no baseline result')),
                ('hit', 'fail', 'exit 139', ('known', 'known upstream issue: an upstream bug')),
                ('hit', 'not-run', 'binary or module missing', ('not-run', 'it tested nothing'))):
            self.assertEqual(results.judge(s, case, status, detail, base, {}), want,
                             (case, status, detail))
        self.assertEqual(results.LABEL, {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP',
                                         'not-run': 'NOT_RUN', 'timeout': 'TIMEOUT',
                                         'known': 'KNOWN'})


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
        # rig.py check names a baseline for every boot, there or not.
        text, rc = output(results.cmd_summary, [pfn, sfn, kfn + ':' + kfn + '.none'])
        lines = text.splitlines()
        self.assertEqual(lines[:4], [
            '== boot host (console log: %s)' % data('tap.log'),
            '  PASS   parser-tests',
            '== boot host (console log: %s)' % data('series-check.log'),
            '  FAIL   series-check: exit 1: git send-email --dry-run refuses the series (above) '
            '[a host check, not rerun on the unpatched kernel; log: %s]' % data('series-check.log')])
        self.assertIn('  NOT_RUN kunit.missing: no KTAP results (binary or module missing) '
                      '[it tested nothing]', lines)
        self.assertEqual(lines[-2:], ['(of the failed, 1 NOT_RUN and 0 TIMEOUT)',
                                      '7 passed, 3 failed, 4 skipped'])
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

    def test_kit_bench_log(self):
        """make results LOG= of a kit run of plans/plan.bench: the summary,
        then the bench's tables, which say that the times are the
        machine's when the platform line says hardware (and only the ratios
        mean something otherwise)."""
        with open(data('kit-bench.log')) as f:
            log = f.read()
        # The checksum of today's plan.bench (the log's is of the day it ran).
        digest = testplan.Plan(os.path.join(HERE, 'plan.bench')).digest()
        for platform, note in (('hardware (Ampere Computing LLC Mt.Jade)',
                                "on hardware: the times are the machine's"),
                               ('emulated (QEMU virt)',
                                'TCG: only the ratios and the counts mean something')):
            path = os.path.join(self.tmp, 'bench.log')
            with open(path, 'w') as f:
                f.write(re.sub(r'sha256: [0-9a-f]{64}', 'sha256: ' + digest,
                               re.sub(r'platform: .*', 'platform: ' + platform, log)))
            out = os.path.join(self.tmp, 'out')
            p = subprocess.run([sys.executable, '-B', os.path.join(HERE, 'rig.py'), 'results',
                                path, out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=dict(os.environ, RIG_TESTS=''))
            self.assertEqual(p.returncode, 0, p.stdout)
            self.assertIn('\n2 passed, 0 failed\n', p.stdout)
            self.assertIn('Figures from %s (%s)' % (path, note), p.stdout)
            self.assertIn('5 of 5 targets met', p.stdout)
            self.assertTrue(os.path.exists(os.path.join(out, 'harvest.csv')))

    def test_end_line_forms(self):
        """An END line the parser cannot read fails its entry (rc 1), it
        does not stop the run; "# Skipped"/"# SKIPPED" are skips."""
        self.assertEqual(results.parse_end('@@RIG END  x  rc=0  secs=2')[0], 'x')
        self.assertIsNone(results.parse_end('@@RIG END '))
        path = os.path.join(self.tmp, 'bad.log')
        with open(path, 'w') as f:
            f.write('@@RIG BEGIN x\nok 1 a # Skipped: no\nok 2 b # SKIPPED\n@@RIG END \n@@RIG DONE\n')
        blocks, done, _ = results.split_log(path)
        self.assertEqual((blocks['x'][0], done), (1, True))
        self.assertEqual([s for _, s, _ in results.cases_of('x', 0, blocks['x'][1])],
                         ['skip', 'skip'])

    def test_bench_log_other_boot(self):
        """make results LOG= of a bench run in the vhe-v3 boot: no vhe
        figures are expected (bench_table.py gets "-" for that boot)."""
        with open(data('kit-bench.log')) as f:
            log = f.read().replace('@@RIG BOOT vhe ', '@@RIG BOOT vhe-v3 ')
        digest = testplan.Plan(os.path.join(HERE, 'plan.bench')).digest()
        path = os.path.join(self.tmp, 'v3.log')
        with open(path, 'w') as f:
            f.write(re.sub(r'sha256: [0-9a-f]{64}', 'sha256: ' + digest, log))
        p = subprocess.run([sys.executable, '-B', os.path.join(HERE, 'rig.py'), 'results', path,
                            os.path.join(self.tmp, 'out')], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, env=dict(os.environ, RIG_TESTS=''))
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertNotIn('error:', p.stdout)

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
        # The same in this process (results.cmd_log).
        os.environ.update(RIG_PLANS=DATA)
        self.assertEqual(output(results.cmd_log, data('kit-run.log'), self.tmp),
                         (run.stdout, 1))
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

    def test_kit_log_plan(self):
        """The kit's run log parses through results.cmd_log: its cases and
        kinds; its checksum is that of testdata/plan without migrate.dbm
        (the kit leaves it out), and the entries that plan has and the log
        has not (all of them told, "tests: all") never ran; with the whole
        plan's checksum, migrate.dbm is one of them."""
        os.environ['RIG_PLANS'] = DATA
        text, rc = output(results.cmd_log, data('kit-run.log'), self.tmp)
        self.assertEqual((text.splitlines()[-1], rc), ('3 passed, 1 failed, 1 skipped', 1))
        res = load(os.path.join(self.tmp, 'vhe.json'))
        self.assertEqual(statuses(res), {'cpucap.stage2_hw_dbm': 'pass',
                                         'hw_dirty_log_test/bitmap': 'pass',
                                         'hw_dirty_log_test/clear': 'pass',
                                         'kunit.s2_pgtable': 'skip',
                                         'kernel-log': 'fail'})
        self.assertEqual(res['kinds'], {'cpucap.stage2_hw_dbm': 'shell',
                                        'hw_dirty_log_test': 'selftest',
                                        'kunit.s2_pgtable': 'kunit'})
        self.assertEqual(results.failing([os.path.join(self.tmp, 'vhe.json')]), [])
        with open(data('kit-run.log')) as f:
            log = f.read().replace('tests: cpucap*,hw_dirty*,kunit.s2*;', 'tests: all;')
        never = {'dirty_log_perf_test.w1', 'page_fault_test', 'stage2_block_transitions',
                 'set_id_regs', 'mmu_stress_test', 'kunit.missing'}
        for digest, left in ((testplan.Plan('kit', testplan.kit_lines(PLAN)).digest(), never),
                             (testplan.Plan(PLAN).digest(), never | {'migrate.dbm'})):
            path = os.path.join(self.tmp, 'all.log')
            with open(path, 'w') as f:
                f.write(re.sub(r'sha256: [0-9a-f]{64}', 'sha256: ' + digest, log))
            text, rc = output(results.cmd_log, path, self.tmp)
            res = load(os.path.join(self.tmp, 'vhe.json'))
            self.assertEqual({c for c, (s, d) in res['cases'].items()
                              if [s, d] == ['not-run', results.STOPPED_BEFORE]}, left)
            self.assertEqual(text.splitlines()[-2:], [
                '(of the failed, %d NOT_RUN and 0 TIMEOUT)' % len(left),
                '3 passed, %d failed, 1 skipped' % (1 + len(left))])
            self.assertEqual(rc, 1)
        self.assertEqual(res['kinds']['migrate.dbm'], 'migrate')


class DriverTest(Case):
    """selftests/rig.py, the driver, without QEMU: its Guest follows a
    saved console log printed by a stand-in for QEMU, as it would a boot."""

    def guest(self, log, boot='vhe', tests=None, limit=60, cmd=None):
        import rig
        console = os.path.join(self.tmp, 'console.log')

        class Fake(rig.Guest):
            POLL = 0.1

            def qemu(self, append):
                self.append_seen = append
                return cmd or ['sh', '-c', 'cat "$0"', data(log + '.log')]
        plan = testplan.Plan(PLAN)
        g = Fake('/k/arch/arm64/boot/Image', '/k.cpio', boot, console,
                 plan.select(boot, tests), limit, only=tests)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            r = g.run()
        return r, err.getvalue(), g

    def test_progress(self):
        """One line as each entry ends: n of N, name, status, seconds."""
        r, err, g = self.guest('ktap', tests='kunit*')
        self.assertEqual(r.status, 'done')
        lines = [l for l in err.splitlines() if re.match(r'\[rig\] vhe \d/2 ', l)]
        self.assertEqual(len(lines), 2, err)
        self.assertRegex(lines[0], r'^\[rig\] vhe 1/2 kunit\.s2_pgtable: FAIL \(1 of \d+ cases\) in \d+s')
        self.assertRegex(lines[1], r'^\[rig\] vhe 2/2 kunit\.missing: NOT_RUN \(1 of 1 cases\)')
        self.assertIn('rig.tests=kunit*', g.append_seen)

    def test_boot_died(self):
        """A console without "@@RIG DONE" is a boot that died."""
        r, err, _ = self.guest('died', tests=LOGS['died'][1])
        self.assertEqual(r.status, 'died')
        self.assertIn('ended before its plan finished', err)

    def test_boot_limit(self):
        """A guest that outlives the boot's limit is stopped: 'timeout'."""
        t0 = time.time()
        r, err, _ = self.guest('ktap', limit=1, cmd=['sh', '-c', 'echo "@@RIG BEGIN x"; sleep 30'])
        self.assertEqual(r.status, 'timeout')
        self.assertLess(time.time() - t0, 20)
        self.assertIn('timed out after 1s (running: x)', err)

    def test_cmdline(self):
        """The boot table gives the command line and the CPU."""
        import rig
        g = rig.Guest('/k/Image', '/c', 'protected', os.path.join(self.tmp, 'l'), [], 10)
        self.assertIn('kvm-arm.mode=protected', g.cmdline())
        self.assertIn('max,pauth-impdef=on', rig.Guest('/k/Image', '/c', 'vhe', 'l', [], 1)
                      .qemu('x'))
        self.assertIn('max,pauth-impdef=on,midr=0x410fd842',
                      rig.Guest('/k/Image', '/c', 'vhe-v3', 'l', [], 1).qemu('x'))
        with self.assertRaises(rig.RigError):
            rig.Guest('/k/Image', '/c', 'vhe', 'l', [], 1, only='x' * 2000).cmdline()
        with self.assertRaises(ValueError):
            boots.parse('vhe nvhe2', 'check')
        self.assertEqual([b.name for b in boots.parse('', 'kunit')], ['vhe', 'vhe-v3'])

    def test_mutant_verdict(self):
        """A mutant's named entry that never ran catches nothing; one that
        began and took the guest down did."""
        import rig
        res = {'cases': {'a/x': ['pass', ''], 'a/y': ['fail', 'exit 1'],
                         'b': ['not-run', results.STOPPED_BEFORE],
                         'c': ['fail', results.DID_NOT_END], 'd': ['pass', ''],
                         'e': ['timeout', 'killed at its 60 s limit']}}
        self.assertEqual([(w, c) for w, _, c in rig.mutant_verdict(res, ['a', 'a/x', 'b', 'c', 'd', 'e'])],
                         [('a', True), ('a/x', False), ('b', False), ('c', True), ('d', False),
                          ('e', True)])
        self.assertEqual(rig.mutant_verdict(res, ['b'])[0][1], 'NEVER RAN (not caught)')

    def test_timing_plan(self):
        """make timing's plan: each entry REPEAT times, twice its limit,
        stamped; a KUnit entry (by its command) unstamped."""
        import rig
        plan = testplan.Plan(PLAN)
        lines = rig.timing_plan(plan, 'page_fault_test,kunit.s2*', 2)
        self.assertEqual(lines, [
            'page_fault_test.r1|180|*|stamp ./arm64/page_fault_test -m 3\n',
            'page_fault_test.r2|180|*|stamp ./arm64/page_fault_test -m 3\n',
            'kunit.s2_pgtable.r1|240|vhe,vhe-v3|kunit:kvm_s2_pgtable_test\n',
            'kunit.s2_pgtable.r2|240|vhe,vhe-v3|kunit:kvm_s2_pgtable_test\n'])
        self.assertEqual([e.kind for e in testplan.Plan('t', lines).entries],
                         ['selftest', 'selftest', 'kunit', 'kunit'])

    def test_timing_table_end(self):
        """timing_table.py reads the runner's END lines, limit= and all."""
        import timing_table
        path = os.path.join(self.tmp, 't.log')
        with open(path, 'w') as f:
            f.write('@@RIG BEGIN x.r1\n@@T 1.00 Test: a\n@@T 3.50 Test: b\n@@T 4.00 done\n'
                    '@@RIG END x.r1 rc=0 secs=3 limit=240\n'
                    '@@RIG BEGIN x.r2\n@@RIG END x.r2 rc=137 secs=240 limit=240\n')
        runs = timing_table.parse(path, re.compile(r'^Test: (\S+)'))
        self.assertEqual((runs['x'][1]['rc'], runs['x'][1]['secs']), (0, 3))
        self.assertEqual(runs['x'][1]['cases'], {'a': 2.5, 'b': 0.5})
        self.assertEqual((runs['x'][2]['rc'], runs['x'][2]['secs']), (137, 240))
        self.assertEqual(results.parse_end('@@RIG END x.r2 rc=137 secs=240 limit=240')[1].limit, 240)
        self.assertIsNone(results.parse_end('@@RIG BEGIN x'))

    def test_pack_migrate(self):
        """The guest's QEMU is packed only for a boot that runs a migrate
        entry (by its command) among those selected."""
        import rig
        seen = []
        saved = rig.sh, rig.busybox_deb
        rig.sh = lambda *cmd, env=None, **kw: seen.append(env['RIG_MIGRATE'])
        rig.busybox_deb = lambda: 'bb.deb'
        try:
            for boot, only in (('vhe', 'cpucap*'), ('vhe', 'migrate*'), ('nvhe', 'migrate*'),
                               ('vhe', ''), (None, None), (None, 'kunit*')):
                rig.pack('k', 's', 'm', PLAN, boot, 'c', only=only)
        finally:
            rig.sh, rig.busybox_deb = saved
        self.assertEqual(seen, ['0', '1', '0', '1', '1', '0'])

    def test_boot_limit_cut(self):
        """The entry the boot's own limit cut off is a TIMEOUT."""
        out = os.path.join(self.tmp, 'cut.json')
        results.cmd_parse(PLAN, 'vhe', data('died.log'), out, LOGS['died'][1],
                          ('page_fault_test', 'the boot hit its 600 s limit while it ran'))
        self.assertEqual(load(out)['cases']['page_fault_test'],
                         ['timeout', 'the boot hit its 600 s limit while it ran'])


def main():
    t0 = time.time()
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = [t.id().split('.', 1)[1] for t, _ in res.failures + res.errors]
    if bad:
        print('[rig] error: %d of %d parser tests failed: %s'
              % (len(bad), res.testsRun, ', '.join(bad)), file=sys.stderr)
        return 1
    print('[rig] parser-tests: %d tests of results.py, testplan.py and rig.py on selftests/testdata/ '
          'passed in %.1fs'
          % (res.testsRun, time.time() - t0), file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
