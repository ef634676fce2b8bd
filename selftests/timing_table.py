#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table of make timing (selftests/rig.py timing): the runs of each entry on
the series kernel and on the unpatched one, whole and case by case.

  timing_table.py <boot> <runs> <series.log> <base.log> <out.csv>

An entry of the timed plan is <name>.r<n>; its output lines carry the
guest's uptime ("@@T <seconds> <line>", selftests/guest/stamp).  A case
begins at a line that matches TIMING_MARK (group 1 names it; default
page_fault_test's "Test: <name>") and ends where the next begins or the
entry ends.  Exit status 1 when a run was killed at its limit or never ran:
its time is not a measurement.
"""
import csv
import os
import re
import statistics
import sys

BEGIN = re.compile(r'^@@RIG BEGIN (\S+)\.r(\d+)$')
END = re.compile(r'^@@RIG END (\S+)\.r(\d+) rc=(\d+) secs=(\d+)(?: limit=\d+)?$')
STAMP = re.compile(r'^@@T (\d+\.\d+) (.*)$')
KILLED = 137


def parse(path, mark):
    """{entry: {run: {'rc', 'secs', 'cases': {case: seconds}, 'order'}}}"""
    runs = {}
    cur = None
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError as e:
        sys.exit(f'timing_table.py: {e}')
    for line in lines:
        m = BEGIN.match(line)
        if m:
            cur = {'rc': None, 'secs': None, 'cases': {}, 'order': [],
                   'case': None, 't0': None, 'last': None}
            runs.setdefault(m.group(1), {})[int(m.group(2))] = cur
            continue
        m = END.match(line)
        if m and cur is not None:
            cur['rc'], cur['secs'] = int(m.group(3)), int(m.group(4))
            close_case(cur)
            cur = None
            continue
        m = STAMP.match(line)
        if not m or cur is None:
            continue
        t = float(m.group(1))
        c = mark.search(m.group(2))
        if c:
            close_case(cur, t)
            name = c.group(1)
            # A case that runs twice (several guest modes) is counted apart.
            n = sum(1 for o in cur['order'] if o == name or o.startswith(name + '#'))
            cur['case'] = name if n == 0 else f'{name}#{n + 1}'
            cur['order'].append(cur['case'])
            cur['t0'] = t
        cur['last'] = t
    return runs


def close_case(run, t=None):
    if run['case'] is None:
        return
    end = t if t is not None else run['last']
    run['cases'][run['case']] = end - run['t0']
    run['case'] = None


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x):
    return '-' if x is None else f'{x:.1f}'


def main():
    boot, nruns, slog, blog, out = sys.argv[1:6]
    nruns = int(nruns)
    mark = re.compile(os.environ.get('TIMING_MARK') or r'^Test: (.+?)\s*$')
    kern = {'series': parse(slog, mark), 'base': parse(blog, mark)}
    bad = []
    rows = []
    entries = sorted(set(kern['series']) | set(kern['base']))
    if not entries:
        bad.append('no timed entry ran in either boot')
    for e in entries:
        whole = {}
        for k, runs in kern.items():
            whole[k] = []
            for r in range(1, nruns + 1):
                run = runs.get(e, {}).get(r)
                if run is None or run['secs'] is None:
                    bad.append(f'{e} run {r} on the {k} kernel never ended')
                elif run['rc'] == KILLED:
                    bad.append(f'{e} run {r} on the {k} kernel was killed at its limit')
                else:
                    whole[k].append(run['secs'])
        ms, mb = med(whole['series']), med(whole['base'])
        print(f'{e} in boot {boot}: {nruns} runs on each kernel '
              '(seconds; under TCG only the ratio means something)')
        print(f'  {"":56} {"series":>18} {"unpatched":>18} {"series/unpatched":>17}')
        ratio = f'{ms / mb:.3f}' if ms and mb else '-'
        print(f'  {"whole entry":56} {" ".join(map(str, whole["series"])):>18} '
              f'{" ".join(map(str, whole["base"])):>18} {ratio:>17}')
        rows.append([boot, e, 'whole entry', ms, mb, ratio])
        order = []
        for runs in kern.values():
            for run in runs.get(e, {}).values():
                order += [c for c in run['order'] if c not in order]
        for c in order:
            per = {k: [run['cases'][c] for run in runs.get(e, {}).values()
                       if c in run['cases']] for k, runs in kern.items()}
            cs, cb = med(per['series']), med(per['base'])
            ratio = f'{cs / cb:.3f}' if cs and cb else '-'
            print(f'  {c[:56]:56} {fmt(cs):>18} {fmt(cb):>18} {ratio:>17}')
            rows.append([boot, e, c, cs, cb, ratio])
        print('  (cases: the median of the runs that reached them)')
    with open(out, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['boot', 'entry', 'case', 'series_median_s', 'base_median_s', 'ratio'])
        w.writerows(rows)
    for b in bad:
        print(f'timing: {b}: not a measurement', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
