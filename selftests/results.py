#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The result model: the guest's console logs into per-case results, the
baseline policy and the summary.  selftests/rig.py calls it; the command
lines below are for looking at saved logs by hand.

A case's status is PASS, FAIL, SKIP, NOT_RUN (it never ran: the guest
stopped before it, its binary or KUnit results are missing) or TIMEOUT
(killed at its limit, hung, or cut off by the boot's limit); the summary
adds KNOWN.  NOT_RUN and TIMEOUT count as failed and are never KNOWN or
rerun on the unpatched kernel (needs_baseline, judge).

  results.py parse <plan> <boot> <log> <out.json>
      One JSON file per boot.  A plan entry's cases come from, in order of
      preference: KTAP/TAP "ok"/"not ok" lines, page_fault_test's "Test: <name>"
      banners (built with -DDEBUG), or the entry's exit code (0 pass, 4 skip);
      which parser applies follows from the entry's kind (testplan.py, from
      its command).  An entry that began and never ended fails, and so does
      a boot whose log holds a kernel splat.

  results.py host <name> <rc> <log> <out.json>
      A check that ran on the host (series-check), as a boot named "host"
      with one case: pass when <rc> is 0, else the log's last error line.

  results.py failing <json>...
      Names of the plan entries that needs_baseline reruns on the unpatched
      kernel, comma-separated: a plain FAIL of a test that kernel can run
      (not KUnit, not NOT_RUN or TIMEOUT, not one that never ended), and not
      one that selftests/known-failures lists failing the way listed
      (unless RIG_BASELINE=1: it needs no rerun, see summary).

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
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testplan  # noqa: E402

KSFT_SKIP = 4
NOT_FOUND = 127         # the kit's runner: no such binary or module
# A case's status.  NOT_RUN: it never ran (the guest stopped before it, its
# binary or module is missing, a KUnit module printed no results), so it
# tested nothing; TIMEOUT: killed at its time limit, or hung (watchdog.py).
# Both count as failed, and neither is ever a known baseline failure nor
# rerun on the unpatched kernel: a time limit is the rig's, not the kernel's
# (make timing measures it).  KNOWN is the summary's: a failure the
# unpatched kernel shows too, or one that hit a listed upstream splat.
PASS, FAIL, SKIP, NOT_RUN, TIMEOUT, KNOWN = 'pass', 'fail', 'skip', 'not-run', 'timeout', 'known'
LABEL = {PASS: 'PASS', FAIL: 'FAIL', SKIP: 'SKIP', NOT_RUN: 'NOT_RUN', TIMEOUT: 'TIMEOUT',
         KNOWN: 'KNOWN'}
FAILED = (FAIL, NOT_RUN, TIMEOUT)
STOPPED_BEFORE = 'the guest stopped before it'
DID_NOT_END = 'did not end (the guest died, or the boot hit its limit)'
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
# "# SKIP"/"# TODO" is a directive; any other "# ..." after the name is a
# message (ksft_test_result_code() writes "name #  <msg>").
TAP = re.compile(r'^(?P<ind>\s*)(?P<res>not ok|ok) (?P<num>\d+)\s*(?:- )?(?P<name>[^#]*?)'
                 r'\s*(?:#\s*(?P<dir>(?i:skip)\w*|TODO)\b.*|#.*)?$')
SUBTEST = re.compile(r'^(?P<ind>\s*)# Subtest: (?P<name>\S+)')
PFT_CASE = re.compile(r'^Test: (?P<name>.+?)\s*$')


class Block(tuple):
    """(rc or None, [output lines]) of one entry in a console log, with
    .secs and .limit from its "@@RIG END" line (None when it has none)."""

    def __new__(cls, rc, lines, secs=None, limit=None):
        b = tuple.__new__(cls, (rc, lines))
        b.secs, b.limit = secs, limit
        return b


END = re.compile(r'^@@RIG END +(\S+)(?: +rc=(\d+))?(?: +secs=(\d+))?(?: +limit=(\d+))?')


def parse_end(line, lines=()):
    """(entry, Block) of an "@@RIG END <name> rc=<rc> secs=<s> [limit=<s>]"
    line of the kit's runner, with the entry's output <lines>; None for
    another line."""
    m = END.match(line)
    if not m:
        return None
    rc, secs, lim = m.group(2), m.group(3), m.group(4)
    return m.group(1), Block(int(rc) if rc else 1, lines, int(secs) if secs else None,
                             int(lim) if lim else None)


def split_log(log):
    """{entry: Block}, boot finished, splats.

    splats is a list of (entry or None, headline)."""
    blocks, cur, done, splats = {}, None, False, []
    with open(log, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('@@RIG BEGIN '):
                cur = line.split(' ', 2)[2]
                blocks[cur] = Block(None, [])
            elif line.startswith('@@RIG END ') and cur:
                end = parse_end(line, blocks[cur][1])
                blocks[cur] = end[1] if end else Block(1, blocks[cur][1])
                cur = None
            elif line.startswith('@@RIG DONE'):
                done = True
            else:
                if SPLAT.search(line) and not line.startswith('@@RIG'):
                    splats.append((cur, line.strip()))
                if cur:
                    blocks[cur][1].append(line)
    return blocks, done, splats


def cases_of(name, rc, lines, kind='selftest', secs=None, limit=None):
    """[(case, status, detail)] for one plan entry of <kind> (testplan.py)
    that printed <lines> and ended with <rc> after <secs> of its <limit>
    (its "@@RIG END" line's)."""
    out = []
    kunit = kind == 'kunit'
    end = failure(rc, lines, secs, limit)
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
        if ind == 0 and suite and kunit:
            continue        # the suite's own summary line
        case = '%s/%s%s' % (name, suite + '.' if ind and suite else '',
                            m.group('name').strip() or '#' + m.group('num'))
        if m.group('dir') and m.group('dir').lower().startswith('skip'):
            out.append((case, SKIP, l.strip()))
        else:
            detail = l.strip()
            if m.group('res') != 'ok':
                detail += ktap_failure(m.group('name').strip(), before)
            out.append((case, PASS if m.group('res') == 'ok' else FAIL, detail))
    if not out and not kunit:
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
                out.append(('%s/%s' % (name, n), SKIP, 'skipped by the test'))
            elif not last or rc == 0:
                out.append(('%s/%s' % (name, n), PASS, ''))
            elif rc == KSFT_SKIP:
                out.append(('%s/%s' % (name, n), SKIP, 'skipped'))
            else:
                out.append(('%s/%s' % (name, n),) + end)
    if not out and kunit and rc is not None and rc != KSFT_SKIP:
        # A KUnit entry must report its cases; no KTAP means it never ran
        # (the kit's runner exits 4 when a host has no module for its
        # kernel and no build tree to make one: a skip, with the reason).
        out.append((name, NOT_RUN, 'no KTAP results (%s)' % end[1]))
    if not out or (rc not in (0, KSFT_SKIP) and all(s not in FAILED for _, s, _ in out)):
        if rc == 0:
            out.append((name, PASS, ''))
        elif rc == KSFT_SKIP:
            out.append((name, SKIP, skip_line(lines)))
        else:
            out.append((name,) + end)
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


def failure(rc, lines, secs=None, limit=None):
    """(status, detail) of an entry that ended with <rc> (None: it never
    ended) after printing <lines>, <secs> into its <limit>."""
    if rc is None:
        return FAIL, DID_NOT_END
    if rc == 137 and limit and secs is not None and secs >= limit:
        return TIMEOUT, 'killed at its %d s limit' % limit
    if rc == 137 and limit:
        return FAIL, 'killed (SIGKILL before its %d s limit: the OOM killer?)' % limit
    if rc == 137:
        return FAIL, 'killed (SIGKILL: the OOM killer, or the per-test timeout)'
    if rc == NOT_FOUND:
        return NOT_RUN, 'binary or module missing'
    return FAIL, failure_line(rc, lines)


def failure_line(rc, lines):
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


def cmd_parse(plan, boot, log, out, only=None, cut=None):
    """The results of one boot into <out>; <cut> is (entry, detail) when the
    boot's own limit stopped it while that entry ran (rig.py's Guest): it
    is a TIMEOUT, not a failure that "did not end"."""
    blocks, done, splats = split_log(log)
    issues = known_issues()
    res = {'boot': boot, 'log': os.path.abspath(log), 'complete': done,
           'cases': {}, 'known': {}, 'kinds': {}}
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
    if not isinstance(plan, testplan.Plan):
        plan = testplan.Plan(plan)
    if only is None:
        only = os.environ.get('RIG_TESTS')
    for e in plan.select(boot, only):
        res['kinds'][e.name] = e.kind
        if e.name not in blocks:
            res['cases'][e.name] = [NOT_RUN, STOPPED_BEFORE]
            continue
        b = blocks[e.name]
        if b[0] is None and hung and hung[0] == e.name:
            res['cases'][e.name] = [TIMEOUT, hung[1]]
            continue
        if b[0] is None and cut and cut[0] == e.name:
            res['cases'][e.name] = [TIMEOUT, cut[1]]
            continue
        for case, status, detail in cases_of(e.name, b[0], b[1], e.kind, b.secs, b.limit):
            res['cases'][case] = [status, detail]
    if unknown:
        res['cases']['kernel-log'] = [FAIL, 'splat: ' + unknown[0][:160]]
        res['known'].pop('kernel-log', None)
    elif known:
        res['cases']['kernel-log'] = [FAIL, 'splat: ' + known[0][:160]]
    else:
        res['cases']['kernel-log'] = [PASS, '']
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


def remaining(fn):
    """The entries a boot never began because an earlier one hung or the
    guest died, in plan order: a boot of just these resumes the plan."""
    with open(fn) as f:
        cases = json.load(f)['cases']
    left = [c for c, (s, d) in cases.items() if s == NOT_RUN and d == STOPPED_BEFORE]
    # A guest that died before its first entry would die again: no resume.
    if len(left) < sum(1 for c in cases if c != 'kernel-log'):
        return left
    return []


def cmd_remaining(fn):
    left = remaining(fn)
    if left:
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
    ka, kb = a['cases'].get('kernel-log', [PASS, '']), b['cases'].get('kernel-log', [PASS, ''])
    a_unknown = ka[0] == FAIL and 'kernel-log' not in a['known']
    b_unknown = kb[0] == FAIL and 'kernel-log' not in b['known']
    a.setdefault('kinds', {}).update(b.get('kinds', {}))
    for entry, desc in b['known'].items():
        if entry != 'kernel-log':
            a['known'].setdefault(entry, desc)
    if a_unknown:
        pass
    elif b_unknown:
        a['cases']['kernel-log'] = kb
        a['known'].pop('kernel-log', None)
    elif kb[0] == FAIL and ka[0] == PASS:
        a['cases']['kernel-log'] = kb
        a['known']['kernel-log'] = b['known']['kernel-log']
    a['complete'] = b['complete']
    a.setdefault('resumed', []).append(os.path.abspath(b['log']))
    with open(first, 'w') as f:
        json.dump(a, f, indent=1)


def known_hit(files):
    """Plan entries whose output holds a known upstream splat, sorted."""
    names = set()
    for fn in files:
        with open(fn) as f:
            names.update(k for k in json.load(f)['known'] if k != 'kernel-log')
    return sorted(names)


def cmd_known_hit(files):
    print(','.join(known_hit(files)))


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
    if b['cases'].get('kernel-log', [PASS])[0] == FAIL and 'kernel-log' not in b['known']:
        a['cases']['kernel-log'] = b['cases']['kernel-log']
        a['known'].pop('kernel-log', None)
    a.setdefault('retried', []).append(os.path.abspath(b['log']))
    with open(first, 'w') as f:
        json.dump(a, f, indent=1)


def entry_of(case):
    return case.split('/', 1)[0].split('#', 1)[0]


def needs_baseline(res, case, status, detail, listed):
    """The baseline policy: is <case> (of the results <res>) rerun on the
    unpatched kernel?  Only a plain failure of a test the unpatched kernel
    can run: not a KUnit case (the module needs the series), not a time
    limit or a hang (intermittent: one rerun cannot clear it, and would cost
    a kernel build), not an entry that never ran, and not a failure that
    selftests/known-failures lists, failing the way listed (listed is {}
    with RIG_BASELINE=1: then the list itself is checked)."""
    kind = res.get('kinds', {}).get(entry_of(case), 'selftest')
    return (status == FAIL and case != 'kernel-log' and kind != 'kunit' and
            detail != DID_NOT_END and not listed_failure(case, detail, listed))


def failing(files, baseline=False):
    """The entries whose cases need a baseline run, in name order."""
    names = set()
    listed = {} if baseline else known_failures()
    for fn in files:
        with open(fn) as f:
            res = json.load(f)
        for case, (status, detail) in res['cases'].items():
            if needs_baseline(res, case, status, detail, listed):
                names.add(entry_of(case))
    return sorted(names)


def cmd_failing(files):
    print(','.join(failing(files, os.environ.get('RIG_BASELINE') == '1')))


def cmd_host(name, rc, log, out):
    detail = ''
    if rc != '0':
        detail = 'exit %s' % rc
        with open(log, errors='replace') as f:
            errs = [l.strip() for l in f if l.startswith('[rig] error:')]
        if errs:
            detail += ': ' + errs[-1][len('[rig] error: '):][:200]
    res = {'boot': 'host', 'log': os.path.abspath(log), 'complete': True,
           'cases': {name: [PASS if rc == '0' else FAIL, detail]}, 'known': {}}
    with open(out, 'w') as f:
        json.dump(res, f, indent=1)


def same_failure(series, base):
    """A failure is the unpatched kernel's own only if it fails the same way:
    same exit status, same assertion (file:line: expression); the values
    compared may differ.  A test that fails on the unpatched kernel for
    another reason (an option or a stat it lacks) says nothing about the
    series' failure."""
    if base == DID_NOT_END:
        return False
    def norm(d):
        return re.sub(r'0x[0-9a-fA-F]+', '0x?', d)
    return norm(series) == norm(base)


def judge(s, case, status, detail, base, listed):
    """The summary's verdict on one case of the results <s>: (label, why).
    <base> is the unpatched kernel's cases for the same boot ({} when there
    was no baseline run); <listed> is selftests/known-failures."""
    known = s.get('known', {})
    if status in (FAIL, TIMEOUT) and entry_of(case) in known:
        return KNOWN, 'known upstream issue: %s' % known[entry_of(case)]
    if status in (PASS, SKIP):
        return status, ''
    if status == FAIL and case != 'kernel-log' and s['boot'] != 'host':
        if base.get(case, [None])[0] == FAIL and same_failure(detail, base[case][1]):
            return KNOWN, 'fails on the unpatched kernel too: %s' % base[case][1]
        if case not in base and listed_failure(case, detail, listed):
            return KNOWN, 'listed in selftests/known-failures: %s' % listed_failure(
                case, detail, listed)
    if s['boot'] == 'host':
        return status, 'a host check, not rerun on the unpatched kernel; log: %s' % s['log']
    if status == NOT_RUN:
        return status, 'it tested nothing'
    if status == TIMEOUT:
        return status, 'a time limit is never a baseline failure'
    bst = base.get(case, [None, ''])
    return status, {PASS: 'passes on the unpatched kernel',
                    FAIL: 'fails differently on the unpatched kernel: %s' % bst[1],
                    SKIP: 'skipped on the unpatched kernel',
                    NOT_RUN: 'did not run on the unpatched kernel',
                    TIMEOUT: 'timed out on the unpatched kernel: %s' % bst[1],
                    None: 'no baseline result'}[bst[0]]


def summary(specs, out=None):
    """Print every case of the results <specs> ((series json, baseline json
    or None) pairs) and the closing line; the counts by label."""
    out = out or sys.stdout
    counts = dict.fromkeys(LABEL, 0)
    listed = known_failures()
    for series, base in specs:
        with open(series) as f:
            s = json.load(f)
        b = {}
        if base and os.path.exists(base):
            with open(base) as f:
                b = json.load(f)['cases']
        print('== boot %s (console log: %s%s)' % (
            s['boot'], s['log'], ''.join(', retry: ' + r for r in s.get('retried', []))),
            file=out)
        for case, (status, detail) in s['cases'].items():
            label, why = judge(s, case, status, detail, b, listed)
            counts[label] += 1
            text = '  %-6s %s' % (LABEL[label], case)
            if detail and label != PASS:
                text += ': ' + detail
            if why:
                text += ' [%s]' % why
            print(text, file=out)
    if counts[KNOWN]:
        print('(%d of the skipped are KNOWN: they fail on the unpatched kernel as '
              'well (rerun there, or listed in selftests/known-failures), or hit '
              'a known upstream issue)' % counts[KNOWN], file=out)
    failed = sum(counts[x] for x in FAILED)
    if counts[NOT_RUN] or counts[TIMEOUT]:
        print('(of the failed, %d NOT_RUN and %d TIMEOUT)' % (counts[NOT_RUN], counts[TIMEOUT]),
              file=out)
    line = '%d passed, %d failed' % (counts[PASS], failed)
    if counts[SKIP] + counts[KNOWN]:
        line += ', %d skipped' % (counts[SKIP] + counts[KNOWN])
    print(line, file=out)
    return counts


def cmd_summary(specs):
    pairs = []
    for spec in specs:
        series, _, base = spec.partition(':')
        pairs.append((series, base or None))
    counts = summary(pairs)
    return 1 if sum(counts[x] for x in FAILED) else 0


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
    # (selftests/kit.sh, testplan.kit_lines); one from another commit is
    # refused.
    try:
        plan = testplan.Plan(path)
        kit = testplan.Plan(path + ' (the kit\'s)', testplan.kit_lines(path))
    except testplan.PlanError as e:
        print('results.py: %s' % e, file=sys.stderr)
        return 2
    os.makedirs(outdir, exist_ok=True)
    if digest and digest != plan.digest():
        if digest != kit.digest():
            print('results.py: %s ran another %s than %s (its entries differ: a kit from '
                  'another commit?)' % (log, name, path), file=sys.stderr)
            return 2
        plan = kit
    print('The machine (%s):' % log)
    for m in machine:
        print('  ' + m)
    out = os.path.join(outdir, '%s.json' % boot)
    cmd_parse(plan, boot, log, out, tests)  # the entries the run was told to run
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
