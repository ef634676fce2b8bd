#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make migrate's table: parse the "@@MIG", "@@ROUND" and "@@CURVE" lines
that migrate-run prints in the guest's console log, print one row per
migration and the DBM/write-protection ratios of each pair, write
migrate.csv, rounds.csv, syncs.csv (the source's dirty syncs, from its
QEMU trace) and curves.csv and, with gnuplot, one plot of the
guest's throughput per pair.  Exit 1 when an entry failed or printed no
result, or when a completed migration's RAM differs.

Usage: migrate_table.py <out-dir> <console-log>
Under TCG, times and rates are those of an emulated machine: only ratios
and counts between runs of the same boot mean something.
"""
import csv
import os
import subprocess
import sys

COLS = [("name", "run"), ("strategy", "strategy"), ("hw_dirty_log", "hw"),
        ("rate", "set w/s"), ("converged", "conv"), ("total_ms", "total ms"),
        ("syncs", "syncs"), ("mb", "MB sent"), ("rem_mb", "MB left"), ("downtime_ms", "down ms"),
        ("steady", "w/s before"), ("during", "w/s during"), ("after", "w/s after"),
        ("lost_s", "lost s"), ("sync_ms", "sync ms"), ("harvested", "harvested"), ("write_faults", "wr faults"),
        ("diff_pages", "diff"), ("control_diff_pages", "control")]


def parse(log):
    runs, rounds, curves, syncs, entries, cur = [], [], [], [], {}, None
    with open(log, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("@@RIG BEGIN "):
                cur = line.split()[2]
                entries[cur] = None
            elif line.startswith("@@RIG END ") and cur:
                entries[cur] = int(line.split("rc=")[1].split()[0])
                cur = None
            elif line.startswith("@@MIG "):
                d = dict(kv.split("=", 1) for kv in line.split()[1:])
                d["entry"] = cur
                for k, m in (("bytes", "mb"), ("remaining", "rem_mb")):
                    d[m] = "%.0f" % (int(d[k]) / 1e6) if int(d.get(k, -1)) >= 0 else "-"
                runs.append(d)
            elif line.startswith("@@ROUND "):
                w = line.split()
                d = dict(kv.split("=", 1) for kv in w[3:])
                d.update(name=w[1], sync=w[2])
                rounds.append(d)
            elif line.startswith("@@SYNC "):
                w = line.split()
                d = dict(kv.split("=", 1) for kv in w[3:])
                d.update(name=w[1], sync=w[2])
                syncs.append(d)
            elif line.startswith("@@CURVE "):
                w = line.split()
                curves.append(dict(name=w[1], side=w[2], t=w[3], rate=w[4]))
    return runs, rounds, curves, syncs, entries


def table(runs):
    rows = [[h for _, h in COLS]] + [[str(r.get(k, "")) for k, _ in COLS] for r in runs]
    width = [max(len(row[i]) for row in rows) for i in range(len(COLS))]
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, width)))


def ratios(runs):
    by = {r["name"]: r for r in runs}
    print("\nDBM against write-protection, same guest, same boot (dbm/wp):")
    for name, d in by.items():
        if not name.startswith("dbm."):
            continue
        w = by.get("wp." + name[4:])
        if not w:
            continue
        def q(k):
            a, b = float(d[k]), float(w[k])
            return "%.2f" % (a / b) if a >= 0 and b > 0 else "-"
        # A migration that did not converge was cancelled: its time and its
        # lost work are what it had cost by then, lower bounds.
        lb = ">=" if d["converged"] != "1" else ""
        print("  %-12s converged dbm %s wp %s; dbm/wp: total time %s%s, bytes sent %s%s, syncs %s%s, "
              "guest w/s during %s, lost work %s%s"
              % (name[4:], d["converged"], w["converged"], lb, q("total_ms"), lb, q("bytes"),
                 lb, q("syncs"), q("during"), lb, q("lost_s")))


def plots(out, curves, runs):
    if not curves or subprocess.run(["sh", "-c", "command -v gnuplot"], capture_output=True).returncode:
        return
    names = sorted({r["name"][len(r["strategy"]) + 1:] for r in runs})
    for n in names:
        series = [(s, side) for s in ("dbm", "wp", "ring") for side in ("src", "dst")
                  if any(c["name"] == s + "." + n and c["side"] == side for c in curves)]
        if not series:
            continue
        dat = []
        for s, side in series:
            pts = [(c["t"], c["rate"]) for c in curves if c["name"] == s + "." + n and c["side"] == side]
            path = os.path.join(out, "curve-%s.%s.%s.dat" % (s, n, side))
            with open(path, "w") as f:
                f.write("".join("%s %s\n" % p for p in pts))
            dat.append("'%s' with lines title '%s %s'" % (path, s, "source" if side == "src" else "destination"))
        script = ("set terminal pngcairo size 900,500\nset output '%s'\n"
                  "set title 'guest writes/s during migration: %s (TCG: shape only)'\n"
                  "set xlabel 's from the start of the migration'\nset ylabel 'writes/s'\n"
                  "plot %s\n") % (os.path.join(out, "migrate-%s.png" % n), n, ", ".join(dat))
        subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)


def main():
    out, log = sys.argv[1], sys.argv[2]
    runs, rounds, curves, syncs, entries = parse(log)
    bad = []
    for e, rc in entries.items():
        if rc is None:
            bad.append("%s: no end (timed out or the boot stopped)" % e)
        elif rc != 0:
            bad.append("%s: rc=%d" % (e, rc))
        elif not any(r["entry"] == e for r in runs):
            bad.append("%s: printed no @@MIG line" % e)
    for r in runs:
        if r["converged"] == "1" and r["diff_pages"] != "0":
            bad.append("%s: %s pages differ" % (r["name"], r["diff_pages"]))
    sizes = sorted({"%s MiB (writing %s MiB)" % (r["mem_mib"], r["buf_mib"]) for r in runs})
    print("Live migration of an L2 guest of %s between two QEMUs inside the rig's guest"
          % ", ".join(sizes) or "?")
    print("(QEMU TCG: times and rates are an emulated machine's; compare runs of this boot, not with hardware)")
    table(runs)
    ratios(runs)
    for name, rows in (("migrate.csv", runs), ("rounds.csv", rounds), ("curves.csv", curves),
                       ("syncs.csv", syncs)):
        if rows:
            keys = list(rows[0].keys())
            for r in rows:
                keys += [k for k in r if k not in keys]
            with open(os.path.join(out, name), "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=keys)
                w.writeheader()
                w.writerows(rows)
    plots(out, curves, runs)
    if not entries:
        bad.append("no migration ran")
    for b in bad:
        print("FAIL " + b)
    print("%d migrations, %d failed" % (len(runs), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
