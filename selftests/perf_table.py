#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print dirty_log_perf_test's figures from a rig console log as a table.

  perf_table.py <log> [<csv>]

Every entry the guest started must have finished with exit status 0 and
printed its figures; otherwise the table is still printed and the exit status
is 1.

One column per plan entry that ran dirty_log_perf_test; one row per phase
(seconds; the per-iteration phases are the mean over iterations 2..N, the
first iteration populates the dirty bitmap and is shown on its own; iter[2..]
is dirty + get + clear).  For entries named X.dbm and X.wp (the same test with
hardware dirty state and with write-protection, from the same boot), a
column "X dbm/wp" gives the ratio of the two, and for 4 KiB anonymous
memory a headline compares the ratios with the targets of make bench (one
run each here: make bench repeats them, see Documentation/bench.rst).
Exit status 1 when no entry produced figures.
"""
import re
import sys

PHASES = [
    ('populate', r'Populate memory time: ([\d.]+)s'),
    ('enable', r'Enabling dirty logging time: ([\d.]+)s'),
    ('dirty[1]', r'Iteration 1 dirty memory time: ([\d.]+)s'),
    ('dirty[2..]', r'Iteration (?:[2-9]|\d\d+) dirty memory time: ([\d.]+)s'),
    ('get[2..]', r'Iteration (?:[2-9]|\d\d+) get dirty log time: ([\d.]+)s'),
    ('clear[2..]', r'Iteration (?:[2-9]|\d\d+) clear dirty log time: ([\d.]+)s'),
    ('disable', r'Disabling dirty logging time: ([\d.]+)s'),
]


def parse(log):
    runs, cur = {}, None
    with open(log, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('@@RIG BEGIN '):
                cur = line.split(' ', 2)[2]
                runs[cur] = {p: [] for p, _ in PHASES}
                runs[cur]['_rc'] = None
            elif line.startswith('@@RIG END ') and cur:
                m = re.search(r'rc=(\d+)', line)
                runs[cur]['_rc'] = m.group(1) if m else '?'
                cur = None
            elif cur:
                for p, rx in PHASES:
                    m = re.search(rx, line)
                    if m:
                        runs[cur][p].append(float(m.group(1)))
    return runs


# DBM/WP targets of make bench (Documentation/bench.rst): (phase, limit, what)
TARGETS = [
    ('dirty[2..]', 0.10, 'guest dirty-memory time per iteration'),
    ('get+clear[2..]', 1.5, 'GET+CLEAR time per iteration'),
    ('iter[2..]', 0.30, 'whole iteration (dirty + GET + CLEAR)'),
]


def headline(runs):
    dbm, wp = runs.get('perf.anonymous.dbm'), runs.get('perf.anonymous.wp')
    if not dbm or not wp:
        return
    print('headline, 4 KiB anonymous, DBM/WP (one run each; make bench repeats them):')
    for p, limit, what in TARGETS:
        a = [x + y for x, y in zip(dbm['get[2..]'], dbm['clear[2..]'])] \
            if p == 'get+clear[2..]' else dbm[p]
        b = [x + y for x, y in zip(wp['get[2..]'], wp['clear[2..]'])] \
            if p == 'get+clear[2..]' else wp[p]
        if not a or not b or not sum(b):
            print('  %-40s -' % what)
            continue
        r = (sum(a) / len(a)) / (sum(b) / len(b))
        print('  %-40s %8.3f  target <= %-4g %s' % (what, r, limit,
                                                     'met' if r <= limit else 'MISSED'))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = parse(sys.argv[1])
    bad = [n for n, r in runs.items() if not r['populate'] or r['_rc'] != '0']
    runs = {n: r for n, r in runs.items() if r['populate']}
    if not runs:
        print('no dirty_log_perf_test figures in %s' % sys.argv[1])
        return 1
    for r in runs.values():
        d, g, c = r['dirty[2..]'], r['get[2..]'], r['clear[2..]']
        r['iter[2..]'] = [a + b + e for a, b, e in zip(d, g, c)] if len(d) == len(g) == len(c) else []
    ratios = {}
    for n in list(runs):
        if n.endswith('.dbm') and n[:-4] + '.wp' in runs:
            ratios[n[:-4] + ' dbm/wp'] = (n, n[:-4] + '.wp')
    names = list(runs) + list(ratios)
    w = max(14, *(len(n) for n in names))
    print('dirty_log_perf_test, seconds (mean of iterations 2..N where marked)')
    print('%-12s' % 'phase' + ''.join(' %*s' % (w, n) for n in names))
    rows = []
    def mean(n, p):
        v = runs[n][p]
        return sum(v) / len(v) if v else None

    for p in [p for p, _ in PHASES] + ['iter[2..]']:
        vals = []
        for n in names:
            if n in ratios:
                a, b = mean(ratios[n][0], p), mean(ratios[n][1], p)
                vals.append(a / b if a is not None and b else None)
            else:
                vals.append(mean(n, p))
        rows.append((p, vals))
        print('%-12s' % p + ''.join(' %*s' % (w, ('%.3f' if n in ratios else '%.6f') % v
                                              if v is not None else '-')
                                     for n, v in zip(names, vals)))
    print('%-12s' % 'exit' + ''.join(' %*s' % (w, runs[n]['_rc'] if n in runs else '')
                                     for n in names))
    headline(runs)
    if len(sys.argv) > 2:
        with open(sys.argv[2], 'w') as f:
            f.write('phase,' + ','.join(names) + '\n')
            for p, vals in rows:
                f.write(p + ',' + ','.join('' if v is None else '%.9f' % v for v in vals) + '\n')
    for n in bad:
        print('%s: failed or printed no figures; see %s' % (n, sys.argv[1]))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
