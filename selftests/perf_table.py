#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print dirty_log_perf_test's figures from a rig console log as a table.

  perf_table.py <log> [<csv>]

Every entry the guest started must have finished with exit status 0 and
printed its figures; otherwise the table is still printed and the exit status
is 1.

One column per plan entry that ran dirty_log_perf_test; one row per phase
(seconds; the per-iteration phases are the mean over iterations 2..N, the
first iteration populates the dirty bitmap and is shown on its own).
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


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = parse(sys.argv[1])
    bad = [n for n, r in runs.items() if not r['populate'] or r['_rc'] != '0']
    runs = {n: r for n, r in runs.items() if r['populate']}
    if not runs:
        print('no dirty_log_perf_test figures in %s' % sys.argv[1])
        return 1
    names = list(runs)
    w = max(14, *(len(n) for n in names))
    print('dirty_log_perf_test, seconds (mean of iterations 2..N where marked)')
    print('%-12s' % 'phase' + ''.join(' %*s' % (w, n) for n in names))
    rows = []
    for p, _ in PHASES:
        vals = []
        for n in names:
            v = runs[n][p]
            vals.append(sum(v) / len(v) if v else None)
        rows.append((p, vals))
        print('%-12s' % p + ''.join(' %*s' % (w, '%.6f' % v if v is not None else '-')
                                     for v in vals))
    print('%-12s' % 'exit' + ''.join(' %*s' % (w, runs[n]['_rc']) for n in names))
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
