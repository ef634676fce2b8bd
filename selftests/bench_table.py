#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tables, CSV files and plots of make bench, from its console logs.

  bench_table.py <out-dir> <vhe.log> <vhe-v3.log> [<vhe-clear-memslot.log>]

A log "-" is a boot that did not run (a kit run on a machine is one boot:
make results LOG=).  RIG_PLATFORM=hardware (rig.py results, from the kit's
"platform" line): the times are the machine's, and the tables say so
instead of "TCG: the ratio only".

Reads the entries of selftests/plan.bench from the logs and prints:

  1. the targets: DBM/WP ratios of 4 KiB anonymous memory with 2 vCPUs
     (dirty time per iteration, GET+CLEAR, the whole iteration) and
     harvest/floor, each with its limit and "met" or "MISSED";
  2. per configuration (backing, vCPUs, memory per vCPU) the DBM/WP ratio of
     every phase, and the stage-2 write faults per iteration;
  3. the harvest against its floor, per table size, and one chunk's harvest;
  4. splits and collapses with break-before-make (vhe) and without (vhe-v3);
  5. sparse dirtying: the same at 1, 10 and 100 percent of the pages written
     per iteration, with the counts, and the fraction below which DBM stops
     paying (break_even());
  6. with the fourth log (the clear.* entries on a kernel whose CLEAR
     invalidates the whole memslot, selftests/mutants/clear-flushes-memslot):
     CLEAR in 64-page chunks, the TLBI pages asked for per call and the
     CLEAR time with either invalidation (memslot/ranged: the ratio of
     the two boots' medians, not a ratio per repetition).

Every figure is the median over the repetitions, with [min-max] where
shown; a ratio is taken per repetition (the WP and DBM runs of the same
repetition) before the median.  Per-iteration figures are the mean over
iterations 2..N of a run (iteration 1 finds the log initially set).

Writes <out-dir>/bench.csv, harvest.csv, split.csv, sparse.csv and clear.csv, and the plots
ratios.{png,svg} and harvest.{png,svg} (gnuplot).  Exit status 1 when a
plan entry failed or printed no figures, or a console log holds a kernel
splat that selftests/known-issues does not list; a missed target is
reported, it does not change the exit status.  A run that failed after a
known splat and that guest/bench-run ran again is reported as KNOWN, and
its last attempt is the one measured.
"""
import os
import re
import statistics
import subprocess
import sys

import results
import testplan

# What the times mean: under QEMU TCG only the ratios and counts do.
HARDWARE = os.environ.get('RIG_PLATFORM') == 'hardware'
TIMES = ('on hardware: the times are the machine\'s' if HARDWARE else
         'TCG: only the ratios and the counts mean something')

# (name, limit, what) of the DBM/WP targets, 4 KiB anonymous, 2 vCPUs.
TARGETS = [
    ('dirty', 0.10, 'guest dirty-memory time per iteration'),
    ('get+clear', 1.5, 'GET+CLEAR time per iteration'),
    ('iter', 0.30, 'whole iteration (dirty + GET + CLEAR)'),
]
HARVEST_LIMIT = 2.0
TARGET_CONFIG = ('anon', 2)

PERF = {
    'populate': r'^Populate memory time: ([\d.]+)s',
    'enable': r'^Enabling dirty logging time: ([\d.]+)s',
    'disable': r'^Disabling dirty logging time: ([\d.]+)s',
}
ITER = {
    'dirty': r'^Iteration (\d+) dirty memory time: ([\d.]+)s',
    'get': r'^Iteration (\d+) get dirty log time: ([\d.]+)s',
    'clear': r'^Iteration (\d+) clear dirty log time: ([\d.]+)s',
}
ITER_STATS = re.compile(r'^Iteration (\d+) stage-2 write faults: (\d+), exits: (\d+), '
                        r'harvested: (\d+)')
DISABLE_STATS = re.compile(r'^Disable stage-2 write faults: (\d+), exits: (\d+)')
# dirty_log_perf_test's VM stats: the strategy, then (the BBM level 3
# series) the blocks split and collapsed without a break.
VM_STATS = re.compile(r'^hw_dirty_log: (\d+)$')
NOBBM_STATS = re.compile(r'^split_without_break: (\d+), collapse_without_break: (\d+)')
CLEAR_TLBI = re.compile(r'^clear_log_tlbi_pages: (\d+), clear calls: (\d+)')
CLEAR_CHUNKS = re.compile(r'^Clear dirty log in chunks of (\d+) pages: (\d+) calls per iteration')
PHASES = ['populate', 'enable', 'dirty', 'get', 'clear', 'get+clear', 'iter', 'disable']

SPLIT_LINES = [
    (re.compile(r'^split: (\d+) blocks split without a break, (\d+) write faults'),
     ('split_nobreak', 'split_write_faults')),
    (re.compile(r'^split: enabling dirty logging .* took ([\d.]+)s, (\d+) vCPU exits'),
     ('split_s', 'split_exits')),
    (re.compile(r'^collapse: (\d+) blocks split, (\d+) tables collapsed without a break'),
     (None, 'collapse_nobreak')),
    (re.compile(r'^collapse: the guest pass .* took ([\d.]+)s, (\d+) vCPU exits'),
     ('collapse_pass_s', 'collapse_exits')),
]
HARVEST = re.compile(r's2bench: full pages=(\d+) dirty=(\d+) rep=(\d+) floor_ns=(\d+) '
                     r'bitmap_ns=(\d+) walk_ns=(\d+) harvest_ns=(\d+)')
CHUNK = re.compile(r's2bench: chunk pages=(\d+) chunk=(\d+) dirty=(\d+) rep=(\d+) '
                   r'loops=(\d+) ns_per_chunk=(\d+)')
RUN = re.compile(r'^@@BENCH RUN (?:dbm=([YN]) )?rep=(\d+)')
SIZE = re.compile(r'^(\d+)([MG])$')


def attempts(lines):
    """[(dbm 'Y'/'N'/None, rep, [lines])] of one entry, every attempt."""
    out = []
    for line in lines:
        m = RUN.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), []))
        elif out:
            out[-1][2].append(line)
    return out


def runs(lines):
    """The runs of one entry: of a run that guest/bench-run ran again
    (it failed after a kernel splat), only its last attempt."""
    out = attempts(lines)
    return [a for i, a in enumerate(out)
            if not any(b[:2] == a[:2] for b in out[i + 1:])]


def retried(name, lines, issues, problems, known):
    """Check the attempts of <name> that bench-run ran again: each must hold
    a splat listed in selftests/known-issues (an upstream bug that the
    unpatched kernel shows too), reported in <known>; any other is one of
    the <problems>."""
    out = attempts(lines)
    for i, (dbm, rep, rl) in enumerate(out):
        if not any(b[:2] == (dbm, rep) for b in out[i + 1:]):
            continue
        what = '%s%s rep=%d' % (name, ' dbm=%s' % dbm if dbm else '', rep)
        heads = [l.strip() for l in rl if results.SPLAT.search(l)]
        descs = [results.known_issue(h, issues) for h in heads]
        if heads and all(descs):
            known.append('%s: failed after "%s" and was run again [known upstream '
                         'issue: %s]' % (what, heads[0][:120], descs[0]))
        else:
            problems.append('%s: failed and was run again, %s' % (
                what, 'after "%s", not in selftests/known-issues' % heads[descs.index(None)][:120]
                if heads else 'with no kernel splat in its output'))


def splats(boot, log_splats, issues, problems, known):
    """Every kernel splat of a boot's console log: a known upstream issue is
    reported, any other fails the bench, as a splat fails make check."""
    for entry, head in log_splats:
        desc = results.known_issue(head, issues)
        where = '%s%s' % (boot, ' ' + entry if entry else '')
        if desc:
            known.append('%s: kernel splat "%s" [known upstream issue: %s]'
                         % (where, head[:120], desc))
        else:
            problems.append('%s: kernel splat "%s"' % (where, head[:160]))


def perf_run(lines):
    """The figures of one dirty_log_perf_test run, or None if incomplete."""
    r, it = {}, {}
    for line in lines:
        for k, rx in PERF.items():
            m = re.match(rx, line)
            if m:
                r[k] = float(m.group(1))
        for k, rx in ITER.items():
            m = re.match(rx, line)
            if m:
                it.setdefault(int(m.group(1)), {})[k] = float(m.group(2))
        m = ITER_STATS.match(line)
        if m:
            d = it.setdefault(int(m.group(1)), {})
            d['faults'], d['exits'], d['harvested'] = (int(x) for x in m.groups()[1:])
        m = DISABLE_STATS.match(line)
        if m:
            r['disable_exits'] = int(m.group(2))
        m = VM_STATS.match(line)
        if m:
            r['hw'] = int(m.group(1))
        m = NOBBM_STATS.match(line)
        if m:
            r['splits_nobreak'], r['collapses_nobreak'] = (int(x) for x in m.groups())
        m = CLEAR_TLBI.match(line)
        if m:
            r['clear_tlbi'], r['clear_calls'] = (int(x) for x in m.groups())
        m = CLEAR_CHUNKS.match(line)
        if m:
            r['clear_chunk'], r['clear_calls_iter'] = (int(x) for x in m.groups())
    later = [it[i] for i in sorted(it) if i >= 2]
    # Without manual protection (-g) GET also cleans: there is no CLEAR.
    if not any('clear' in d for d in it.values()):
        for d in it.values():
            d['clear'] = 0.0
    need = ('dirty', 'get', 'clear', 'faults')
    if (any(k not in r for k in list(PERF) + ['hw']) or 1 not in it or not later or
            any(k not in d for d in later + [it[1]] for k in need)):
        return None
    for k in ('dirty', 'get', 'clear', 'faults', 'exits', 'harvested'):
        r[k] = statistics.mean(d[k] for d in later)
    r['get+clear'] = r['get'] + r['clear']
    r['iter'] = r['dirty'] + r['get+clear']
    r['dirty1'], r['faults1'] = it[1]['dirty'], it[1]['faults']
    return r


def spread(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals), len(vals)


def fmt(s, prec=3, ranged=True):
    if s is None:
        return '-'
    f = lambda v: '%d' % v if v == int(v) else '%.*g' % (prec, v)
    return f(s[0]) + (' [%s-%s]' % (f(s[1]), f(s[2])) if ranged else '')


def perf_entries(ents, prefix, problems):
    """{config: {'Y': [run], 'N': [run]}} for the entries named prefix.*"""
    out = {}
    for name, (rc, lines) in ents.items():
        if not name.startswith(prefix):
            continue
        if rc != 0:
            problems.append('%s: exit status %s' % (name, rc))
        cfg = out.setdefault(name, {'Y': {}, 'N': {}})
        for dbm, rep, rl in runs(lines):
            r = perf_run(rl)
            if r is None:
                problems.append('%s: run dbm=%s rep=%d printed no complete figures' % (name, dbm, rep))
                continue
            if r['hw'] != (dbm == 'Y'):
                problems.append('%s: run dbm=%s rep=%d ran with hw_dirty_log=%d' %
                                (name, dbm, rep, r['hw']))
                continue
            cfg[dbm][rep] = r
        if not cfg['Y'] or not cfg['N']:
            problems.append('%s: no complete pair of runs' % name)
    return out


def ratios(cfg, key):
    reps = sorted(set(cfg['Y']) & set(cfg['N']))
    return [cfg['Y'][r][key] / cfg['N'][r][key] for r in reps if cfg['N'][r][key]]


def mib(size):
    """MiB of a plan.bench size: 64M, 1G."""
    m = SIZE.match(size)
    return int(m.group(1)) * (1024 if m.group(2) == 'G' else 1)


def config_key(name):
    # bench.<backing>.v<N>.<size>
    _, backing, v, size = name.split('.', 3)
    return backing, int(v[1:]), mib(size)


def matrix(ents, out, problems):
    cfgs = perf_entries(ents, 'bench.', problems)
    order = sorted(cfgs, key=config_key)
    rows = []
    for name in order:
        backing, v, mb = config_key(name)
        cfg = cfgs[name]
        for p in PHASES + ['faults', 'exits', 'harvested', 'dirty1', 'faults1']:
            for strat, label in (('N', 'wp'), ('Y', 'dbm')):
                s = spread([r[p] for r in cfg[strat].values()])
                if s:
                    rows.append((name, backing, v, mb, label, p) + s)
            if p in PHASES:
                s = spread(ratios(cfg, p))
                if s:
                    rows.append((name, backing, v, mb, 'dbm/wp', p) + s)
    with open(os.path.join(out, 'bench.csv'), 'w') as f:
        f.write('config,backing,vcpus,mib_per_vcpu,strategy,metric,median,min,max,n\n')
        for r in rows:
            f.write('%s,%s,%d,%d,%s,%s,%.9g,%.9g,%.9g,%d\n' % r)
    return cfgs, order


SPARSE = re.compile(r'^sparse\.w(\d+)\.v(\d+)\.(\d+[MG])$')


def sparse(ents, out, problems):
    """Sparse dirtying: {(vCPUs, MiB per vCPU): {percent: {'wp'|'dbm': {metric:
    median}, 'dbm/wp': {phase: median ratio}}}} of the sparse.* entries, and
    their rows in sparse.csv."""
    cfgs = perf_entries(ents, 'sparse.', problems)
    res = {}
    for name, cfg in cfgs.items():
        m = SPARSE.match(name)
        if not m:
            problems.append('%s: not sparse.w<percent>.v<vCPUs>.<size>' % name)
            continue
        w, v = int(m.group(1)), int(m.group(2))
        mb = mib(m.group(3))
        d = res.setdefault((v, mb), {}).setdefault(w, {})
        for strat, label in (('N', 'wp'), ('Y', 'dbm')):
            d[label] = {k: spread([r[k] for r in cfg[strat].values()])
                        for k in ('dirty', 'get', 'clear', 'get+clear', 'iter',
                                  'faults', 'harvested')}
        d['dbm/wp'] = {k: spread(ratios(cfg, k)) for k in ('dirty', 'get+clear', 'iter')}
    with open(os.path.join(out, 'sparse.csv'), 'w') as f:
        f.write('vcpus,mib_per_vcpu,write_percent,strategy,metric,median,min,max,n\n')
        for (v, mb), ws in sorted(res.items()):
            for w, d in sorted(ws.items()):
                for label, ms in sorted(d.items()):
                    for k, sp in sorted(ms.items()):
                        if sp:
                            f.write('%d,%d,%d,%s,%s,%.9g,%.9g,%.9g,%d\n' %
                                    ((v, mb, w, label, k) + sp))
    return res


def break_even(ws, pages):
    """Where DBM stops paying, from the counts: per iteration, WP costs
    a_wp + f * F (F write faults) and DBM a_dbm + h * N (the harvest walks
    all N mapped pages) + c * H (H pages found dirty).  A straight line
    through (pages written, iteration time) of each strategy gives
    t = a + b * d; they cross at d = (a_dbm - a_wp) / (b_wp - b_dbm).
    d is measured as WP's write faults per iteration (one per page the
    guest wrote, after CLEAR write-protected it)."""
    pts = {}
    for label in ('wp', 'dbm'):
        xy = [(ws[w]['wp']['faults'][0], ws[w][label]['iter'][0]) for w in sorted(ws)
              if ws[w]['wp']['faults'] and ws[w][label]['iter']]
        if len(xy) < 2:
            return None
        xs, ys = [x for x, _ in xy], [y for _, y in xy]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        if not sxx:
            return None
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
        pts[label] = (my - b * mx, b)
    (a_wp, b_wp), (a_dbm, b_dbm) = pts['wp'], pts['dbm']
    d = (a_dbm - a_wp) / (b_wp - b_dbm) if b_wp != b_dbm else None
    return {'wp': pts['wp'], 'dbm': pts['dbm'], 'pages': d,
            'fraction': d / pages if d is not None else None}


def print_sparse(res):
    print('Sparse dirtying (dirty_log_perf_test -w: each page written with that '
          'probability per iteration, read otherwise; 4 KiB anonymous, manual-protect '
          'GET+CLEAR; %s; median of the '
          'repetitions)' % TIMES)
    print('%-14s %5s %10s %10s %10s %12s %12s %10s %10s %10s' % (
        'config', 'w%', 'faults wp', 'faults dbm', 'harv dbm', 'iter wp s', 'iter dbm s',
        'dirty', 'get+clear', 'iter'))
    for (v, mb), ws in sorted(res.items()):
        for w, d in sorted(ws.items()):
            g = lambda lab, k, p='%.0f': p % d[lab][k][0] if d[lab][k] else '-'
            print('%-14s %5d %10s %10s %10s %12s %12s %10s %10s %10s' % (
                '%dx%dM' % (v, mb), w, g('wp', 'faults'), g('dbm', 'faults'),
                g('dbm', 'harvested'), g('wp', 'iter', '%.4f'), g('dbm', 'iter', '%.4f'),
                fmt(d['dbm/wp']['dirty'], ranged=False),
                fmt(d['dbm/wp']['get+clear'], ranged=False),
                fmt(d['dbm/wp']['iter'], ranged=False)))
        pages = v * mb * 256
        be = break_even(ws, pages)
        if not be:
            print('  %dx%dM: too few fractions for a break-even' % (v, mb))
            continue
        print('  %dx%dM (%d pages): per iteration WP %.4f s + %.2f us x write faults, '
              'DBM %.4f s + %.2f us x pages written (least squares over the fractions)' % (
                  v, mb, pages, be['wp'][0], be['wp'][1] * 1e6, be['dbm'][0],
                  be['dbm'][1] * 1e6))
        if be['pages'] is None or be['pages'] < 0 or be['pages'] > pages:
            better = 'DBM' if be['dbm'][0] < be['wp'][0] else 'WP'
            print('  the lines do not cross between 0 and %d pages written: %s is cheaper '
                  'at every fraction' % (pages, better))
        else:
            below = 'DBM' if be['dbm'][0] < be['wp'][0] else 'WP'
            print('  they cross at %.0f pages written per iteration, %.2f%% of the memory: '
                  'below that %s is cheaper, above it %s' % (
                      be['pages'], 100 * be['fraction'], below,
                      'WP' if below == 'DBM' else 'DBM'))
    print()


def harvest(ents, out, problems):
    rc, lines = ents.get('harvest', (None, []))
    if rc != 0:
        problems.append('harvest: exit status %s' % rc)
    full, chunk = {}, {}
    for line in lines:
        m = HARVEST.search(line)
        if m:
            pages, dirty, _, floor, bitmap, walk, harv = (int(x) for x in m.groups())
            dirty_pct = 100 * dirty // pages
            full.setdefault(pages, []).append({'floor': floor, 'bitmap': bitmap,
                                               'walk': walk, 'harvest': harv})
        m = CHUNK.search(line)
        if m:
            pages, size, _, _, _, ns = (int(x) for x in m.groups())
            chunk.setdefault(pages, []).append(ns)
            chunk_pages = size
    if not full or set(full) != set(chunk):
        problems.append('harvest: no complete figures')
        return None
    res = {}
    with open(os.path.join(out, 'harvest.csv'), 'w') as f:
        f.write('pages,metric,median,min,max,n\n')
        for pages in sorted(full):
            d = {k: spread([r[k] for r in full[pages]]) for k in full[pages][0]}
            d['harvest/floor'] = spread([r['harvest'] / r['floor'] for r in full[pages]])
            d['walk/floor'] = spread([r['walk'] / r['floor'] for r in full[pages]])
            d['harvest_ns_per_page'] = spread([r['harvest'] / pages for r in full[pages]])
            d['chunk'] = spread(chunk[pages])
            res[pages] = d
            for k, s in d.items():
                f.write('%d,%s,%.9g,%.9g,%.9g,%d\n' % ((pages, k) + s))
    return res, chunk_pages, dirty_pct


def split(logs, out, problems):
    """{boot: {metric: spread}} from split_nobbm and split.thp.*."""
    res = {}
    for boot, ents in logs.items():
        d = {}
        rc, lines = ents.get('split_nobbm', (None, []))
        if rc != 0:
            problems.append('%s split_nobbm: exit status %s' % (boot, rc))
        vals = {}
        for _, _, rl in runs(lines):
            for line in rl:
                for rx, keys in SPLIT_LINES:
                    m = rx.match(line)
                    if m:
                        for k, v in zip(keys, m.groups()):
                            if k:
                                vals.setdefault(k, []).append(float(v))
        for k, v in vals.items():
            d['split_nobbm ' + k] = spread(v)
        cfgs = perf_entries({n: e for n, e in ents.items() if n.startswith('split.')},
                            'split.', problems)
        for name, cfg in cfgs.items():
            for strat, label in (('N', 'wp'), ('Y', 'dbm')):
                for k in ('enable', 'dirty1', 'faults1', 'disable', 'disable_exits',
                          'splits_nobreak', 'collapses_nobreak'):
                    d['%s %s %s' % (name, label, k)] = spread(
                        [r[k] for r in cfg[strat].values()])
        res[boot] = d
    with open(os.path.join(out, 'split.csv'), 'w') as f:
        f.write('metric,boot,median,min,max,n\n')
        for boot, d in res.items():
            for k, s in sorted(d.items()):
                if s:
                    f.write('%s,%s,%.9g,%.9g,%.9g,%d\n' % ((k, boot) + s))
    return res


def clear_chunks(after, before, out, problems):
    """CLEAR in chunks (clear.*) with the series' ranged invalidation
    (<after>, the vhe boot) and with the whole memslot's (<before>, the
    clear-flushes-memslot kernel): {name: {'wp'|'dbm': {metric: spread}}}."""
    res = {}
    cfgs = {k: perf_entries(ents, 'clear.', problems) for k, ents in
            (('ranged', after), ('memslot', before))}
    if not cfgs['ranged']:
        problems.append('no clear.* entry in the vhe log')
    for name in sorted(cfgs['ranged']):
        if name not in cfgs['memslot']:
            problems.append('%s: not run on the whole-memslot kernel' % name)
            continue
        d = res.setdefault(name, {})
        for strat, label in (('N', 'wp'), ('Y', 'dbm')):
            m = d.setdefault(label, {})
            for k, cfg in cfgs.items():
                # perf_entries() reported a strategy without complete runs.
                rs = list(cfg[name][strat].values())
                if not rs:
                    continue
                if any('clear_tlbi' not in r or not r['clear_calls'] or
                       'clear_calls_iter' not in r for r in rs):
                    problems.append('%s %s: a run printed no clear_log_tlbi_pages or '
                                    'no chunk count' % (name, k))
                    continue
                m['clear ' + k] = spread([r['clear'] for r in rs])
                # Pages asked for per call: each call of these runs clears
                # a dirty page (-w 100), and the stat counts only those.
                m['tlbi pages per call ' + k] = spread([r['clear_tlbi'] / r['clear_calls']
                                                        for r in rs])
                m['calls per iteration ' + k] = spread([r['clear_calls_iter'] for r in rs])
            a, b = m.get('clear ranged'), m.get('clear memslot')
            if a and b and a[0]:
                m['memslot/ranged'] = (b[0] / a[0],) * 3 + (1,)
    with open(os.path.join(out, 'clear.csv'), 'w') as f:
        f.write('config,strategy,metric,median,min,max,n\n')
        for name, d in res.items():
            for label, m in d.items():
                for k, s in sorted(m.items()):
                    f.write('%s,%s,%s,%.9g,%.9g,%.9g,%d\n' % ((name, label, k) + s))
    return res


def print_clear(res):
    print('KVM_CLEAR_DIRTY_LOG in chunks: the TLB invalidation of the cleared range '
          '(the series) against the whole memslot\'s (the clear-flushes-memslot kernel); '
          'TLBI pages asked for per call (clear_log_tlbi_pages), CLEAR seconds per '
          'iteration (mean of iterations 2..N), median [min-max] (%s)' % TIMES)
    print('%-22s %-4s %8s %14s %14s %-22s %-22s %8s' % (
        'config', '', 'calls', 'TLBI pages', 'TLBI pages', 'CLEAR s ranged',
        'CLEAR s memslot', 'memslot/'))
    print('%-22s %-4s %8s %14s %14s %-22s %-22s %8s' % (
        '', '', '/iter', 'ranged', 'memslot', '', '', 'ranged'))
    for name, d in res.items():
        for label, m in d.items():
            g = lambda k: m.get(k)
            print('%-22s %-4s %8s %14s %14s %-22s %-22s %8s' % (
                name, label, fmt(g('calls per iteration ranged'), ranged=False),
                fmt(g('tlbi pages per call ranged'), ranged=False),
                fmt(g('tlbi pages per call memslot'), ranged=False),
                fmt(g('clear ranged')), fmt(g('clear memslot')),
                fmt(g('memslot/ranged'), ranged=False)))
    print()


def print_targets(cfgs, order, harv):
    print('Targets (DBM/WP, 4 KiB anonymous memory, manual-protect GET+CLEAR, 2 vCPUs, '
          'one boot; median [min-max] of the repetitions):')
    verdicts = []
    for name in order:
        backing, v, mb = config_key(name)
        if (backing, v) != TARGET_CONFIG:
            continue
        for key, limit, what in TARGETS:
            s = spread(ratios(cfgs[name], key))
            ok = s is not None and s[0] <= limit
            verdicts.append(ok)
            print('  %-40s %2dx%-4dM  %-22s <= %-4g %s' % (
                what, v, mb, fmt(s), limit, 'met' if ok else 'MISSED'))
    if harv:
        res = harv[0]
        for pages in sorted(res):
            s = res[pages]['harvest/floor']
            ok = s[0] <= HARVEST_LIMIT
            verdicts.append(ok)
            print('  %-40s %8s  %-22s <= %-4g %s' % (
                'harvest time / plain-read floor', '%dM' % (pages * 4 // 1024), fmt(s),
                HARVEST_LIMIT, 'met' if ok else 'MISSED'))
    missed = verdicts.count(False)
    print('  %d of %d targets met%s' % (len(verdicts) - missed, len(verdicts),
                                       ', %d MISSED' % missed if missed else ''))
    print()


def print_matrix(cfgs, order):
    print('DBM/WP ratio per phase (median of the repetitions; per-iteration phases: '
          'mean of iterations 2..N)')
    cols = PHASES
    print('%-18s' % 'config' + ''.join('%10s' % c for c in cols) +
          '%14s%14s' % ('faults/it wp', 'faults/it dbm'))
    for name in order:
        backing, v, mb = config_key(name)
        cfg = cfgs[name]
        line = '%-18s' % ('%s %dx%dM' % (backing, v, mb))
        for c in cols:
            s = spread(ratios(cfg, c))
            line += '%10s' % fmt(s, ranged=False)
        for strat in ('N', 'Y'):
            s = spread([r['faults'] for r in cfg[strat].values()])
            line += '%14s' % ('%.0f' % s[0] if s else '-')
        print(line)
    print()
    print('Spread of the headline ratios (median [min-max]), and seconds per iteration')
    print('%-18s %-22s %-22s %-22s %12s %12s' % ('config', 'dirty', 'get+clear', 'iter',
                                                 'iter wp s', 'iter dbm s'))
    for name in order:
        backing, v, mb = config_key(name)
        cfg = cfgs[name]
        wp = spread([r['iter'] for r in cfg['N'].values()])
        dbm = spread([r['iter'] for r in cfg['Y'].values()])
        print('%-18s %-22s %-22s %-22s %12s %12s' % (
            '%s %dx%dM' % (backing, v, mb), fmt(spread(ratios(cfg, 'dirty'))),
            fmt(spread(ratios(cfg, 'get+clear'))), fmt(spread(ratios(cfg, 'iter'))),
            fmt(wp, ranged=False), fmt(dbm, ranged=False)))
    print()


def print_harvest(harv):
    res, chunk_pages, dirty_pct = harv
    print('Harvest of N 4K pages (%d%% dirty) against a plain read of the same '
          'page-table pages; microseconds, median of the repetitions' % dirty_pct)
    print('%10s %10s %10s %10s %10s %16s %12s %14s' % (
        'pages', 'floor', 'read+bits', 'empty walk', 'harvest', 'harvest/floor',
        'ns/page', '%d-page chunk' % chunk_pages))
    for pages in sorted(res):
        d = res[pages]
        print('%10d %10.1f %10.1f %10.1f %10.1f %16s %12.2f %12.2f us' % (
            pages, d['floor'][0] / 1e3, d['bitmap'][0] / 1e3, d['walk'][0] / 1e3,
            d['harvest'][0] / 1e3, fmt(d['harvest/floor']),
            d['harvest_ns_per_page'][0], d['chunk'][0] / 1e3))
    p = sorted(res)
    lin = (res[p[-1]]['harvest'][0] / res[p[0]]['harvest'][0]) / (p[-1] / p[0])
    ch = res[p[-1]]['chunk'][0] / res[p[0]]['chunk'][0]
    print('  scaling: %dx the pages took %.2fx the time per page; one chunk in the '
          'largest table took %.2fx its time in the smallest' % (p[-1] // p[0], lin, ch))
    print()


def print_split(sp):
    if 'vhe' not in sp or 'vhe-v3' not in sp:
        return
    a, b = sp['vhe'], sp['vhe-v3']
    print('Splits and collapses: break-before-make (vhe) against BBM level 3 without a '
          'break (vhe-v3); median [min-max]')
    print('%-52s %-26s %-26s %8s' % ('metric', 'vhe (break)', 'vhe-v3 (no break)', 'v3/vhe'))
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        r = '%.3g' % (y[0] / x[0]) if x and y and x[0] else '-'
        print('%-52s %-26s %-26s %8s' % (k, fmt(x), fmt(y), r))
    print()


def plots(out, cfgs, order, harv):
    dat = os.path.join(out, 'ratios.dat')
    with open(dat, 'w') as f:
        f.write('# MiB/vCPU, then median min max of the DBM/WP ratio: dirty, get+clear, '
                'iter (anon, 2 vCPUs)\n')
        for name in order:
            backing, v, mb = config_key(name)
            if (backing, v) != TARGET_CONFIG:
                continue
            vals = [spread(ratios(cfgs[name], k)) for k, _, _ in TARGETS]
            if None in vals:
                continue
            f.write('%d %s\n' % (mb, ' '.join('%g %g %g' % s[:3] for s in vals)))
    hdat = os.path.join(out, 'harvest.dat')
    if harv:
        with open(hdat, 'w') as f:
            f.write('# pages, median ns: floor read+bits walk harvest chunk\n')
            for pages, d in sorted(harv[0].items()):
                f.write('%d %g %g %g %g %g\n' % (pages, d['floor'][0], d['bitmap'][0],
                                                 d['walk'][0], d['harvest'][0],
                                                 d['chunk'][0]))
    for term, ext in (('pngcairo noenhanced size 900,600', 'png'),
                      ('svg noenhanced size 900,600', 'svg')):
        script = '''
set terminal %(term)s
set output "%(out)s/ratios.%(ext)s"
set title "DBM/WP ratio, 4 KiB anonymous, 2 vCPUs, one boot (median, min-max)"
set xlabel "guest memory per vCPU (MiB)"
set ylabel "DBM / WP"
set logscale xy
set xrange [24:180]
set yrange [0.0001:20]
set xtics (32, 64, 128)
set key bottom right
set grid
plot "%(dat)s" using 1:2:3:4 with yerrorlines title "dirty memory per iteration", \\
     "%(dat)s" using 1:5:6:7 with yerrorlines title "GET+CLEAR", \\
     "%(dat)s" using 1:8:9:10 with yerrorlines title "whole iteration", \\
     0.10 with lines dt 2 lc "black" title "target dirty 0.10", \\
     1.5 with lines dt 3 lc "black" title "target GET+CLEAR 1.5", \\
     0.30 with lines dt 4 lc "black" title "target iteration 0.30"
''' % {'term': term, 'ext': ext, 'out': out, 'dat': dat}
        if harv:
            script += '''
set output "%(out)s/harvest.%(ext)s"
set title "Harvest of N 4K pages against a plain read of the page-table pages (median)"
set xlabel "pages in the table"
set ylabel "time (us)"
set xtics auto
set autoscale
set key top left
set logscale xy
set format x "%%.0s%%c"
plot "%(hdat)s" using 1:($2/1e3) with linespoints title "floor: plain read", \\
     "%(hdat)s" using 1:($3/1e3) with linespoints title "plain read + bitmap", \\
     "%(hdat)s" using 1:($4/1e3) with linespoints title "kvm_pgtable_walk, empty callback", \\
     "%(hdat)s" using 1:($5/1e3) with linespoints title "kvm_pgtable_stage2_harvest_dirty", \\
     "%(hdat)s" using 1:($6/1e3) with linespoints title "harvest of one 64-page chunk"
''' % {'ext': ext, 'out': out, 'hdat': hdat}
        p = subprocess.run(['gnuplot'], input=script, text=True, capture_output=True)
        if p.returncode:
            sys.exit('gnuplot failed: %s' % p.stderr.strip())


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    out, vlog, v3log = sys.argv[1:4]
    mlog = sys.argv[4] if len(sys.argv) == 5 else None
    problems, known = [], []
    issues = results.known_issues()
    # RIG_TESTS (make bench T=...) narrows the plan: what it leaves out is
    # neither expected nor printed.
    plan = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'plan.bench')
    plan = testplan.Plan(plan)
    want = {b: {e.name for e in plan.select(b, os.environ.get('RIG_TESTS'))}
            for b in ('vhe', 'vhe-v3')}
    logs = {}
    for boot, log in (('vhe', vlog), ('vhe-v3', v3log)):
        if log == '-':
            want[boot] = set()      # a boot that did not run: nothing expected
        if not want[boot]:
            continue
        if os.path.exists(log):
            blocks, _, log_splats = results.split_log(log)
            logs[boot] = blocks
            splats(boot, log_splats, issues, problems, known)
            for name, (_, lines) in blocks.items():
                retried('%s %s' % (boot, name), lines, issues, problems, known)
        else:
            problems.append('%s: no console log %s' % (boot, log))
    before = {}
    if mlog:
        if os.path.exists(mlog):
            before, _, log_splats = results.split_log(mlog)
            splats('vhe clear-flushes-memslot', log_splats, issues, problems, known)
        else:
            problems.append('no console log %s' % mlog)
    vhe = logs.get('vhe', {})
    # The clear.* entries are a table of their own, not bench.* configs.
    clr = clear_chunks(vhe, before, out, problems) if mlog else None
    cfgs, order = matrix(vhe, out, problems)
    harv = harvest(vhe, out, problems) if 'harvest' in want['vhe'] else None
    sp = split({b: e for b, e in logs.items() if 'split_nobbm' in want[b]}, out, problems)
    sps = sparse(vhe, out, problems)

    print('Figures from %s (%s)' % (', '.join(l for l in (vlog, v3log, mlog) if l and l != '-'),
                                    TIMES))
    if cfgs or harv:
        print_targets(cfgs, order, harv)
    if cfgs:
        print_matrix(cfgs, order)
    if harv:
        print_harvest(harv)
    print_split(sp)
    if sps:
        print_sparse(sps)
    if clr:
        print_clear(clr)
    if cfgs:
        plots(out, cfgs, order, harv)
    print('CSV: %s/{bench,harvest,split,sparse,clear}.csv; plots: %s/{ratios,harvest}.{png,svg}' % (out, out))
    for k in known:
        print('KNOWN: ' + k)
    for p in problems:
        print('error: ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
