# SPDX-License-Identifier: GPL-2.0
"""The hang dump of one boot, for selftests/rig.py's Guest.

When a plan entry is still running GRACE seconds after its time limit (the
kit's runner kills it at the limit and asks the kernel for sysrq dumps 20 s
later, see selftests/kit/run), the guest no longer ends its own tests: the
driver calls dump(), which takes every vCPU's registers from the QEMU
monitor three times, names the PC and X30 of each with System.map, and logs
one second of the exceptions the vCPUs take and return from (QEMU's "log
int": ESR, FAR, ELR and the levels of each, which "info registers" does not
show; the raw log is <out>.int, its first 64 MiB); then gdb_threads() adds
QEMU's own threads' backtraces when gdb is there (a QEMU that no longer
answers its monitor has deadlocked itself).  The first line of <out> says
which entry hung (results.stall_of reads it).
"""

import bisect
import collections
import os
import re
import shutil
import socket
import subprocess
import time

GRACE = 60
INT_SECONDS = 1
INT_HEAD = 120
INT_MAX = 64 << 20


class Monitor:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(30)
        self.s.connect(path)
        self.read()

    def read(self):
        data = b''
        end = time.time() + 30
        while not data.endswith(b'(qemu) ') and time.time() < end:
            try:
                chunk = self.s.recv(1 << 20)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
        return data.decode(errors='replace').replace('\r', '')

    def cmd(self, c):
        self.s.sendall((c + '\n').encode())
        return self.read()


def load_map(path):
    syms = []
    try:
        with open(path) as f:
            for line in f:
                a, t, n = line.split()[:3]
                if t.lower() in 'tw':
                    syms.append((int(a, 16), n))
    except OSError:
        pass
    syms.sort()
    return syms


def name(syms, addr):
    i = bisect.bisect_right(syms, (addr, '\xff')) - 1
    if i < 0 or addr - syms[i][0] > 0x100000:
        return '?'
    return '%s+0x%x' % (syms[i][1], addr - syms[i][0])


def summary(regs, syms):
    """One line per vCPU: exception level, PC and X30 with their symbols."""
    out = []
    for cpu, block in re.findall(r'CPU#(\d+)\n(.*?)(?=CPU#\d+\n|\Z)', regs, re.S):
        pc = re.search(r'PC=([0-9a-f]+)', block)
        lr = re.search(r'X30=([0-9a-f]+)', block)
        el = re.search(r'PSTATE=\S+ \S+ (EL\d\w)', block)
        line = 'CPU#%s %s' % (cpu, el.group(1) if el else 'EL?')
        for what, m in (('PC', pc), ('X30', lr)):
            if m:
                line += ' %s=%s %s' % (what, m.group(1), name(syms, int(m.group(1), 16)))
        out.append(line)
    return out


def dump(mon_path, smap, out, entry, limit):
    syms = load_map(smap)
    with open(out, 'w') as f:
        f.write('hung: %s (still running %d s after its %d s limit)\n' %
                (entry, GRACE, limit))
        try:
            mon = Monitor(mon_path)
        except OSError as e:
            f.write('no QEMU monitor (%s): no register dump\n' % e)
            return None
        for i in range(3):
            regs = mon.cmd('info registers -a')
            f.write('-- dump %d: %s\n' % (i + 1, time.strftime('%H:%M:%S')))
            f.write('\n'.join(summary(regs, syms)) + '\n')
            f.write(regs + '\n')
            f.flush()
            time.sleep(2)
        int_log(mon, out, f, syms)
        return mon


def remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def int_log(mon, out, f, syms):
    """One second of QEMU's exception log: which exceptions a looping vCPU
    takes (and the ESR/FAR/ELR of each) tells a guest that faults forever
    from one that merely runs; the summary counts each distinct kind."""
    raw = out + '.int'
    remove(raw)
    ans = mon.cmd('logfile ' + raw)
    if 'rror' in ans or 'annot' in ans:
        f.write('-- no exception log: "logfile" said %s\n' % ans.strip()[-200:])
        return
    mon.cmd('log int')
    time.sleep(INT_SECONDS)
    mon.cmd('log none')
    mon.cmd('logfile /dev/null')
    # A vCPU looping through exceptions writes hundreds of MB a second:
    # read (and keep) the first INT_MAX bytes only.
    try:
        if os.path.getsize(raw) > INT_MAX:
            os.truncate(raw, INT_MAX)
        with open(raw, errors='replace') as r:
            lines = r.read().splitlines()
    except OSError as e:
        f.write('-- no exception log (%s)\n' % e)
        return
    f.write('-- %d s of exceptions ("log int", raw in %s): %d lines\n' %
            (INT_SECONDS, os.path.basename(raw), len(lines)))
    # One record per exception: its headline and the "..." lines after it.
    records = []
    for line in lines:
        if line.startswith(('Taking exception', 'Exception return')):
            records.append([line])
        elif records and line.startswith('...'):
            records[-1].append(line)
    kinds = collections.Counter(tuple(r) for r in records)

    def named(m):
        return '%s %s(%s)' % (m.group(1), m.group(2),
                              name(syms, int(m.group(2), 16)))
    for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:20]:
        f.write('%8d  %s\n' % (n, re.sub(r'(ELR|PC) (0x[0-9a-f]+)', named,
                                          ' | '.join(k))))
    f.write('-- the first %d lines:\n' % INT_HEAD)
    f.write('\n'.join(lines[:INT_HEAD]) + '\n')
    f.flush()


def qemu_pids(pid):
    """<pid> and its children whose command is QEMU."""
    pids = [pid]
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as f:
                st = f.read()
        except OSError:
            continue
        if int(st.rsplit(')', 1)[1].split()[1]) == pid:
            pids.append(int(d))
    return [p for p in pids if 'qemu' in open('/proc/%d/comm' % p).read()]


def gdb_threads(pids, out):
    gdb = shutil.which('gdb')
    with open(out, 'a') as f:
        if not gdb:
            f.write('-- no gdb on this machine: no backtraces of QEMU\n')
            return
        for p in pids:
            f.write('-- gdb: QEMU (pid %d) threads\n' % p)
            f.flush()
            try:
                subprocess.run([gdb, '-p', str(p), '-batch', '-nx',
                                '-ex', 'thread apply all bt 30'], stdout=f,
                               stderr=subprocess.STDOUT, timeout=120)
            except (OSError, subprocess.TimeoutExpired) as e:
                f.write('-- gdb failed: %s\n' % e)
