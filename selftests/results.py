#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the guest's console logs into per-case results and summarise them.

  results.py parse <plan> <boot> <log> <out.json>
      One JSON file per boot.  A plan entry's cases come from, in order of
      preference: KTAP/TAP "ok"/"not ok" lines, page_fault_test's "Test: <name>"
      banners (built with -DDEBUG), or the entry's exit code (0 pass, 4 skip).
      An entry that never reported (guest died or timed out) fails, and so does
      a boot whose log holds a kernel splat.

  results.py host <name> <rc> <log> <out.json>
      A check that ran on the host (series-check), as a boot named "host"
      with one case: pass when <rc> is 0, else the log's last error line.

  results.py failing <json>...
      Names of the plan entries with a failed case, comma-separated; a
      case listed in selftests/known-failures, failing the way listed, is
      left out unless RIG_BASELINE=1 (it needs no rerun: see summary).

  results.py known-hit <json>...
      Names of the plan entries whose output holds a splat listed in
      selftests/known-issues (an upstream bug the base kernel shows too).

  results.py merge <json> <retry.json>
      Replaces the known-hit entries of <json> by their results in a retry.

  results.py log <log> <out-dir>
      A run of the kit (selftests/kit/run, on a real host or saved from a
      guest): the boot and the plan are taken from its "@@RIG BOOT" and
      "@@RIG MACHINE" lines, the "@@RIG MACHINE" lines are printed, and
      then the summary of that one boot, with no unpatched baseline
      (make results LOG=<file>).  RIG_PLANS: where the plans are
      (selftests/ unless told).

  results.py summary <series.json>[:<baseline.json>]...
      Prints every case and the closing line "N passed, N failed[, N skipped]".
      A case that fails with the series and also failed, the same way
      (exit status and assertion), on the unpatched kernel is a known
      baseline failure: listed, counted as skipped, never as passed; so is a
      failure in an entry that still hit a known upstream splat after its
      retries, and, when there is no baseline result for it, a failure
      that selftests/known-failures lists (case and assertion), which
      `make check BASELINE=1` verifies on the unpatched kernel.  Exit
      status 1 when anything failed.
"""
import fnmatch
import hashlib
import json
import os
import re
import sys

KSFT_SKIP = 4
NOT_RUN = 'not run'     # never a known baseline failure: the rig or guest broke
NOT_FOUND = 127         # the kit's runner: no such binary or module
# The headline of a kernel splat (the lines after it belong to it).
SPLAT = re.compile(r'(WARNING:|BUG:|Kernel panic|Oops|Unable to handle kernel|'
                   r'KASAN:|UBSAN:|possible circular locking|inconsistent lock state|'
                   r'possible recursive locking|suspicious RCU usage|'
                   r'rcu: INFO: .* detected stalls|'
                   r'sleeping function called from invalid context|'
                   r'kernel BUG at)')
# RIG_KNOWN_ISSUES, RIG_KNOWN_FAILURES: other lists (test_results.py's).
KNOWN_ISSUES = os.environ.get('RIG_KNOWN_ISSUES') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'known-issues')
KNOWN_FAILURES = os.environ.get('RIG_KNOWN_FAILURES') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'known-failures')


def list_lines(path, fields):
    """The '|'-separated lines of a list file, each split into <fields>
    fields (the last one takes the rest), comments and blank lines left out."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip('\n').split('|', fields - 1) for line in f
                if line.strip() and not line.startswith('#')]


def known_failures():
    """{case: (detail, what)}: the baseline failures the unpatched kernel
    shows too, listed so that make check need not rebuild it to see them."""
    return {case: (detail, what)
            for case, detail, what in list_lines(KNOWN_FAILURES, 3)}


def listed_failure(case, detail, listed):
    """What known-failures says of <case> when it fails the way listed."""
    if case in listed and same_failure(detail, listed[case][0]):
        return listed[case][1]
    return None


def known_issues():
    return [(re.compile(rx), desc) for rx, desc in list_lines(KNOWN_ISSUES, 2)]


def known_issue(headline, issues):
    for rx, desc in issues:
        if rx.search(headline):
            return desc
    return None
TAP = re.compile(r'^(?P<ind>\s*)(?P<res>not ok|ok) (?P<num>\d+)\s*(?:- )?(?P<name>[^#]*?)'
                 r'\s*(?:#\s*(?P<dir>SKIP|skip|TODO)\b.*)?$')
SUBTEST = re.compile(r'^(?P<ind>\s*)# Subtest: (?P<name>\S+)')
PFT_CASE = re.compile(r'^Test: (?P<name>.+?)\s*$')


def plan_entries(plan, boot, only=None):
    entries = []
    with open(plan) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            name, tmo, boots, cmd = line.split('|', 3)
            if boots != '*' and boot not in boots.split(','):
                continue
            if only and not any(fnmatch.fnmatchcase(name, p) for p in only.split(',')):
                continue
            entries.append((name, int(tmo), cmd))
    return entries


def split_log(log):
    """{entry: (rc or None, [output lines])}, boot finished, splats.

    splats is a list of (entry or None, headline)."""
    blocks, cur, done, splats = {}, None, False, []
    with open(log, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('@@RIG BEGIN '):
                cur = line.split(' ', 2)[2]
                blocks[cur] = (None, [])
            elif line.startswith('@@RIG END ') and cur:
                m = re.search(r'rc=(\d+)', line)
                blocks[cur] = (int(m.group(1)) if m else 1, blocks[cur][1])
                cur = None
            elif line.startswith('@@RIG DONE'):
                done = True
            else:
                if SPLAT.search(line) and not line.startswith('@@RIG'):
                    splats.append((cur, line.strip()))
                if cur:
                    blocks[cur][1].append(line)
    return blocks, done, splats


def cases_of(name, rc, lines):
    """[(case, status, detail)] for one plan entry."""
    out = []
    # KTAP (KUnit, nested under "# Subtest: <suite>") or kselftest TAP.
    suite = None
    since = []              # the lines since the last result line
    for l in lines:
        m = SUBTEST.match(l)
        if m:
            if len(m.group('ind').expandtabs()) <= 4:
                suite = m.group('name')
            continue
        m = TAP.match(l)
        if not m:
            since.append(l)
            continue
        before, since = since, []
        ind = len(m.group('ind').expandtabs())
        if ind > 4:
            continue        # parameters of a parameterised KUnit case
        if ind == 0 and suite and name.startswith('kunit'):
            continue        # the suite's own summary line
        case = '%s/%s%s' % (name, suite + '.' if ind and suite else '',
                            m.group('name').strip() or '#' + m.group('num'))
        if m.group('dir') and m.group('dir').lower() == 'skip':
            out.append((case, 'skip', l.strip()))
        else:
            detail = l.strip()
            if m.group('res') != 'ok':
                detail += ktap_failure(m.group('name').strip(), before)
            out.append((case, 'pass' if m.group('res') == 'ok' else 'fail', detail))
    if not out and not name.startswith('kunit'):
        # arm64/page_fault_test: "Test: <name>" opens a case, "Skipped." marks
        # it skipped; it passed once the next case opens (its event counts are
        # checked after "Done."), and the last one shares the exit status.
        cases = []
        for l in lines:
            m = PFT_CASE.match(l)
            if m:
                cases.append([m.group('name'), False])
            elif l.strip() == 'Skipped.' and cases:
                cases[-1][1] = True
        for i, (n, skipped) in enumerate(cases):
            last = i == len(cases) - 1
            if skipped:
                out.append(('%s/%s' % (name, n), 'skip', 'skipped by the test'))
            elif not last or rc == 0:
                out.append(('%s/%s' % (name, n), 'pass', ''))
            elif rc == KSFT_SKIP:
                out.append(('%s/%s' % (name, n), 'skip', 'skipped'))
            else:
                out.append(('%s/%s' % (name, n), 'fail', failure_line(rc, lines)))
    if not out and name.startswith('kunit') and rc is not None and rc != KSFT_SKIP:
        # A KUnit entry must report its cases; no KTAP means it never ran
        # (the kit's runner exits 4 when a host has no module for its
        # kernel and no build tree to make one: a skip, with the reason).
        out.append((name, 'fail', NOT_RUN + ': no KTAP results (%s)' % failure_line(rc, lines)))
    if not out or (rc not in (0, KSFT_SKIP) and all(s != 'fail' for _, s, _ in out)):
        if rc == 0:
            out.append((name, 'pass', ''))
        elif rc == KSFT_SKIP:
            out.append((name, 'skip', skip_line(lines)))
        else:
            out.append((name, 'fail', failure_line(rc, lines)))
    seen, uniq = {}, []
    for c, s, d in out:
        seen[c] = seen.get(c, 0) + 1
        uniq.append((c if seen[c] == 1 else '%s#%d' % (c, seen[c]), s, d))
    return uniq


def ktap_failure(case, before):
    """What a failed KUnit case said: its first failed expectation and its
    own messages ("# <case>: ..."), for a FAIL line that explains itself."""
    own = '# %s: ' % case
    said, failed = [], False
    for i, l in enumerate(before):
        x = l.strip()
        if not x.startswith(own) or re.match(r'pass:\d+', x[len(own):]):
            continue
        if 'FAILED at' not in x:
            said.append(x[len(own):])
        elif not failed:
            failed = True
            said.append(x[len(own):])
            # "Expected a == b, but" and the values, up to the next message.
            for y in before[i + 1:i + 5]:
                if y.strip().startswith('#') or not y.startswith((' ', '\t')):
                    break
                said.append(y.strip())
    return (': ' + ' | '.join(said))[:400] if said else ''


def failure_line(rc, lines):
    if rc is None:
        return NOT_RUN + ' to the end (guest died or timed out)'
    if rc == 137:
        return 'killed (SIGKILL: the per-test timeout, or the OOM killer)'
    if rc == NOT_FOUND:
        return NOT_RUN + ': binary or module missing'
    for i, l in enumerate(lines):
        if 'Test Assertion Failure' in l:
            # The kselftest library prints "file:line: expression", then
            # the errno, then (after the backtrace) the values.
            what = []
            for x in (x.strip() for x in lines[i + 1:i + 8]):
                if re.match(r'0x\S+ != 0x', x):
                    what.append(x)         # the values compared
                elif x and not x.startswith(('pid=', '0x', 'sh:')):
                    what.append(x)         # "file:line: expression"

            return 'exit %d: %s' % (rc, '; '.join(what[:2])[:200])
        if 'FAIL' in l or 'error' in l.lower():
            return 'exit %d: %s' % (rc, l.strip()[:160])
    return 'exit %d' % rc


def skip_line(lines):
    for l in lines:
        if 'skip' in l.lower() or 'not supported' in l.lower():
            return l.strip()[:160]
    return 'skipped (exit 4)'


def cmd_parse(plan, boot, log, out):
    blocks, done, splats = split_log(log)
    issues = known_issues()
    res = {'boot': boot, 'log': os.path.abspath(log), 'complete': done,
           'cases': {}, 'known': {}}
    unknown, known = [], []
    for entry, headline in splats:
        desc = known_issue(headline, issues)
        if desc:
            known.append(headline)
            res['known']['kernel-log'] = desc
            if entry:
                res['known'][entry] = desc
        else:
            unknown.append(headline)
    hung = stall_of(log)
    for name, _, _ in plan_entries(plan, boot, os.environ.get('RIG_TESTS')):
        if name not in blocks:
            res['cases'][name] = ['fail', NOT_RUN + ': the guest stopped before it']
            continue
        rc, lines = blocks[name]
        if rc is None and hung and hung[0] == name:
            res['cases'][name] = ['fail', hung[1]]
            continue
        for case, status, detail in cases_of(name, rc, lines):
            res['cases'][case] = [status, detail]
    if unknown:
        res['cases']['kernel-log'] = ['fail', 'splat: ' + unknown[0][:160]]
        res['known'].pop('kernel-log', None)
    elif known:
        res['cases']['kernel-log'] = ['fail', 'splat: ' + known[0][:160]]
    else:
        res['cases']['kernel-log'] = ['pass', '']
    with open(out, 'w') as f:
        json.dump(res, f, indent=1)


def stall_of(log):
    """(entry, detail) when selftests/watchdog.py stopped the boot of <log>
    because that entry hung, else None."""
    try:
        with open(log + '.stall', errors='replace') as f:
            text = f.read()
    except OSError:
        return None
    m = re.match(r'hung: (\S+) (.*)', text)
    if not m:
        return None
    cpus = re.findall(r'^(CPU#\d+ .*)$', text, re.M)[:2]
    return m.group(1), ('hung %s; %s (%s)' % (m.group(2), '; '.join(cpus),
                                              log + '.stall'))[:400]


def cmd_remaining(fn):
    """The entries a boot never began because an earlier one hung or the
    guest died, in plan order: a boot of just these resumes the plan."""
    with open(fn) as f:
        cases = json.load(f)['cases']
    left = [c for c, (s, d) in cases.items()
            if s == 'fail' and d == NOT_RUN + ': the guest stopped before it']
    # A guest that died before its first entry would die again: no resume.
    if len(left) < sum(1 for c in cases if c != 'kernel-log'):
        print(','.join(left))


def cmd_merge_resumed(first, resumed):
    """Put the results of <resumed> (a boot of the entries <first> never
    began) into <first>."""
    with open(first) as f:
        a = json.load(f)
    with open(resumed) as f:
        b = json.load(f)
    for case, v in b['cases'].items():
        if case == 'kernel-log':
            continue
        a['cases'].pop(entry_of(case), None)
        a['cases'][case] = v
    # kernel-log: an unknown splat in either boot wins, as in cmd_merge.
    ka, kb = a['cases'].get('kernel-log', ['pass', '']), b['cases'].get('kernel-log', ['pass', ''])
    a_unknown = ka[0] == 'fail' and 'kernel-log' not in a['known']
    b_unknown = kb[0] == 'fail' and 'kernel-log' not in b['known']
    for entry, desc in b['known'].items():
        if entry != 'kernel-log':
            a['known'].setdefault(entry, desc)
    if a_unknown:
        pass
    elif b_unknown:
        a['cases']['kernel-log'] = kb
        a['known'].pop('kernel-log', None)
    elif kb[0] == 'fail' and ka[0] == 'pass':
        a['cases']['kernel-log'] = kb
        a['known']['kernel-log'] = b['known']['kernel-log']
    a['complete'] = b['complete']
    a.setdefault('resumed', []).append(os.path.abspath(b['log']))
    with open(first, 'w') as f:
        json.dump(a, f, indent=1)


def cmd_known_hit(files):
    """Plan entries whose output holds a known upstream splat."""
    names = set()
    for fn in files:
        with open(fn) as f:
            names.update(k for k in json.load(f)['known'] if k != 'kernel-log')
    print(','.join(sorted(names)))


def cmd_merge(first, retry):
    """Replace, in <first>, the entries that hit a known issue by their
    results in <retry> (another run of just those entries, same kernel)."""
    with open(first) as f:
        a = json.load(f)
    with open(retry) as f:
        b = json.load(f)
    for entry in list(a['known']):
        if entry == 'kernel-log' or not any(entry_of(c) == entry for c in b['cases']):
            continue
        a['cases'] = {c: v for c, v in a['cases'].items() if entry_of(c) != entry}
        a['cases'].update({c: v for c, v in b['cases'].items() if entry_of(c) == entry})
        if entry in b['known']:
            a['known'][entry] = b['known'][entry]
        else:
            del a['known'][entry]
    if b['cases'].get('kernel-log', ['pass'])[0] == 'fail' and 'kernel-log' not in b['known']:
        a['cases']['kernel-log'] = b['cases']['kernel-log']
        a['known'].pop('kernel-log', None)
    a.setdefault('retried', []).append(os.path.abspath(b['log']))
    with open(first, 'w') as f:
        json.dump(a, f, indent=1)


def entry_of(case):
    return case.split('/', 1)[0].split('#', 1)[0]


def cmd_failing(files):
    names = set()
    listed = {} if os.environ.get('RIG_BASELINE') == '1' else known_failures()
    for fn in files:
        with open(fn) as f:
            for case, (status, detail) in json.load(f)['cases'].items():
                # A hang is intermittent: one rerun on the unpatched
                # kernel cannot clear it, and would cost a kernel build.
                if (status == 'fail' and case != 'kernel-log' and
                        not case.startswith('kunit') and
                        not detail.startswith('hung ') and
                        not listed_failure(case, detail, listed)):
                    names.add(entry_of(case))
    print(','.join(sorted(names)))


def cmd_host(name, rc, log, out):
    detail = ''
    if rc != '0':
        detail = 'exit %s' % rc
        with open(log, errors='replace') as f:
            errs = [l.strip() for l in f if l.startswith('[rig] error:')]
        if errs:
            detail += ': ' + errs[-1][len('[rig] error: '):][:200]
    res = {'boot': 'host', 'log': os.path.abspath(log), 'complete': True,
           'cases': {name: ['pass' if rc == '0' else 'fail', detail]}, 'known': {}}
    with open(out, 'w') as f:
        json.dump(res, f, indent=1)


def same_failure(series, base):
    """A failure is the unpatched kernel's own only if it fails the same way:
    same exit status, same assertion (file:line: expression); the values
    compared may differ.  A test that fails on the unpatched kernel for
    another reason (an option or a stat it lacks) says nothing about the
    series' failure."""
    if base.startswith(NOT_RUN):
        return False
    def norm(d):
        return re.sub(r'0x[0-9a-fA-F]+', '0x?', d)
    return norm(series) == norm(base)


def cmd_summary(specs):
    npass = nfail = nskip = nknown = 0
    listed = known_failures()
    for spec in specs:
        series, _, base = spec.partition(':')
        with open(series) as f:
            s = json.load(f)
        b = {}
        if base and os.path.exists(base):
            with open(base) as f:
                b = json.load(f)['cases']
        print('== boot %s (console log: %s%s)' % (
            s['boot'], s['log'], ''.join(', retry: ' + r for r in s.get('retried', []))))
        known = s.get('known', {})
        for case, (status, detail) in s['cases'].items():
            if status == 'fail' and entry_of(case) in known:
                nskip += 1
                nknown += 1
                print('  KNOWN  %s: %s [known upstream issue: %s]'
                      % (case, detail, known[entry_of(case)]))
            elif status == 'pass':
                npass += 1
                print('  PASS   %s' % case)
            elif status == 'skip':
                nskip += 1
                print('  SKIP   %s: %s' % (case, detail))
            elif (case != 'kernel-log' and not detail.startswith(NOT_RUN) and
                  b.get(case, ['none'])[0] == 'fail' and
                  same_failure(detail, b[case][1])):
                nskip += 1
                nknown += 1
                print('  KNOWN  %s: %s [fails on the unpatched kernel too: %s]'
                      % (case, detail, b[case][1]))
            elif (case not in b and case != 'kernel-log' and
                  listed_failure(case, detail, listed)):
                nskip += 1
                nknown += 1
                print('  KNOWN  %s: %s [listed in selftests/known-failures: %s]'
                      % (case, detail, listed_failure(case, detail, listed)))
            else:
                nfail += 1
                why = {'pass': 'passes on the unpatched kernel',
                       'fail': 'fails differently on the unpatched kernel: %s'
                               % b.get(case, ['', ''])[1],
                       'skip': 'skipped on the unpatched kernel',
                       'none': 'no baseline result'}[b.get(case, ['none'])[0]]
                if s['boot'] == 'host':
                    why = 'a host check, not rerun on the unpatched kernel; log: %s' % s['log']
                print('  FAIL   %s: %s [%s]' % (case, detail, why))
    if nknown:
        print('(%d of the skipped are KNOWN: they fail on the unpatched kernel as '
              'well (rerun there, or listed in selftests/known-failures), or hit '
              'a known upstream issue)' % nknown)
    line = '%d passed, %d failed' % (npass, nfail)
    if nskip:
        line += ', %d skipped' % nskip
    print(line)
    return 1 if nfail else 0


def cmd_log(log, outdir):
    boot = plan = digest = None
    tests = ''
    machine = []
    try:
        with open(log, errors='replace') as f:
            for line in f:
                line = line.rstrip('\r\n')
                if line.startswith('@@RIG BOOT ') and boot is None:
                    boot = line.split()[2]
                elif line.startswith('@@RIG MACHINE '):
                    machine.append(line[len('@@RIG MACHINE '):])
                    m = re.search(r'; plan: (\S+); tests: (\S+);', line)
                    if m:
                        plan = m.group(1)
                        tests = '' if m.group(2) == 'all' else m.group(2)
                    m = re.match(r'@@RIG MACHINE plan entries sha256: ([0-9a-f]{64})$', line)
                    if m:
                        digest = m.group(1)
    except OSError as e:
        print('results.py: %s' % e, file=sys.stderr)
        return 2
    if boot is None or not machine:
        print('results.py: %s is not the output of the kit\'s runner (no "@@RIG BOOT" '
              'and "@@RIG MACHINE" lines)' % log, file=sys.stderr)
        return 2
    name = os.path.basename(plan or 'plan')
    plans = os.environ.get('RIG_PLANS') or os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(plans, name)
    if not os.path.exists(path):
        print('results.py: %s ran plan %s, which %s does not have' % (log, name, plans),
              file=sys.stderr)
        return 2
    # The kit's plan is this one without the live migration entries
    # (selftests/kit.sh); one from another commit is refused.
    with open(path) as f:
        entries = [l for l in f if l.strip() and not l.startswith('#')]
    kit = [l for l in entries if 'migrate-run' not in l]
    os.makedirs(outdir, exist_ok=True)
    if digest and digest != hashlib.sha256(''.join(entries).encode()).hexdigest():
        if digest != hashlib.sha256(''.join(kit).encode()).hexdigest():
            print('results.py: %s ran another %s than %s (its entries differ: a kit from '
                  'another commit?)' % (log, name, path), file=sys.stderr)
            return 2
        path = os.path.join(outdir, name + '.kit')
        with open(path, 'w') as f:
            f.writelines(kit)
    print('The machine (%s):' % log)
    for m in machine:
        print('  ' + m)
    out = os.path.join(outdir, '%s.json' % boot)
    os.environ['RIG_TESTS'] = tests         # the entries the run was told to run
    cmd_parse(path, boot, log, out)
    return cmd_summary([out])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'log':
        return cmd_log(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 6 and sys.argv[1] == 'parse':
        return cmd_parse(*sys.argv[2:6])
    if len(sys.argv) >= 3 and sys.argv[1] == 'known-hit':
        return cmd_known_hit(sys.argv[2:])
    if len(sys.argv) == 4 and sys.argv[1] == 'merge':
        return cmd_merge(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 3 and sys.argv[1] == 'remaining':
        return cmd_remaining(sys.argv[2])
    if len(sys.argv) == 4 and sys.argv[1] == 'merge-resumed':
        return cmd_merge_resumed(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 6 and sys.argv[1] == 'host':
        return cmd_host(*sys.argv[2:6])
    if len(sys.argv) >= 3 and sys.argv[1] == 'failing':
        return cmd_failing(sys.argv[2:])
    if len(sys.argv) >= 3 and sys.argv[1] == 'summary':
        return cmd_summary(sys.argv[2:])
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main())
