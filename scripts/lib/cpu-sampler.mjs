// Machine-wide and per-process CPU over a run, for the benches on this shared 2-core machine: is a run
// bound by its own work, or are the cores already busy with it and the broker?
//
// A separate process (a 1-task Dirk run is spawned synchronously, so the bench's own event loop cannot
// sample meanwhile): `startCpuSampler(pids)` starts `node cpu-sampler.mjs <file> <ms> <pid>...`, which
// appends one line per interval: epoch ms, the busy and total jiffies of all cores (/proc/stat), and each
// pid's utime + stime (/proc/<pid>/stat, NaN once gone). `usage(fromMs, toMs)` reads the file and gives the
// window's figures, interpolated between the samples around each end.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TICKS = 100; // USER_HZ

function cores() {
  // cpu  user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

function pidTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}

/** Starts the sampler process; `stop()` ends it, `usage(from, to)` (epoch ms) reads the window. */
export function startCpuSampler(pids = [], intervalMs = 100) {
  const file = path.join(os.tmpdir(), `cpu-sampler-${process.pid}-${Date.now()}.txt`);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), file, String(intervalMs), ...pids.map(String)], { stdio: 'ignore' });
  return {
    stop() {
      child.kill('SIGTERM');
    },
    usage(fromMs, toMs) {
      try {
        return windowUsage(fs.readFileSync(file, 'utf8'), fromMs, toMs, pids.length);
      } catch {
        return undefined;
      }
    },
    remove() {
      fs.rmSync(file, { force: true });
    },
  };
}

/** The value of column `i` at time `t`, interpolated between the samples around it. */
function at(rows, t, i) {
  let k = rows.findIndex((r) => r[0] >= t);
  if (k === -1) k = rows.length - 1;
  if (k === 0) return rows[0][i];
  const [a, b] = [rows[k - 1], rows[k]];
  const f = b[0] === a[0] ? 1 : Math.min(1, Math.max(0, (t - a[0]) / (b[0] - a[0])));
  return a[i] + f * (b[i] - a[i]);
}

/** busy: the machine's busy share of all its cores in the window; pids: CPU seconds of each process in it. */
export function windowUsage(text, fromMs, toMs, npids) {
  const rows = text
    .trim()
    .split('\n')
    .map((l) => l.split(' ').map(Number))
    .filter((r) => r.length === 3 + npids);
  if (rows.length < 2) return undefined;
  const busy = at(rows, toMs, 1) - at(rows, fromMs, 1);
  const total = at(rows, toMs, 2) - at(rows, fromMs, 2);
  const seconds = (toMs - fromMs) / 1000;
  const pids = Array.from({ length: npids }, (_, i) => (at(rows, toMs, 3 + i) - at(rows, fromMs, 3 + i)) / TICKS);
  return { seconds, busyShare: busy / total, busyCores: busy / TICKS / seconds, cores: total / TICKS / seconds, pids };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, ms, ...pids] = process.argv.slice(2);
  const fd = fs.openSync(file, 'a');
  const sample = () => {
    const c = cores();
    fs.writeSync(fd, `${Date.now()} ${c.busy} ${c.total}${pids.map((p) => ` ${pidTicks(p)}`).join('')}\n`);
  };
  sample();
  const timer = setInterval(sample, Number(ms));
  process.on('SIGTERM', () => {
    clearInterval(timer);
    sample();
    fs.closeSync(fd);
    process.exit(0);
  });
}

/** CPU ticks of every thread of `pid` now (/proc/<pid>/task/<tid>/stat), by thread id, with the thread's name. */
export function threadTicks(pid) {
  const out = new Map();
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds per thread between two `threadTicks` readings, the threads grouped by name (digits dropped, so
 * V8's and libuv's numbered pools add up), the busiest first; `main` names the process's own thread.
 */
export function threadSeconds(before, after, pid) {
  const by = new Map();
  for (const [tid, t] of after) {
    const d = (t.ticks - (before.get(tid)?.ticks ?? 0)) / TICKS;
    if (d <= 0) continue;
    // Threads named alike by a pool (V8's workers, libuv's) add up; unnamed ones ("node") stay apart.
    const name = String(tid) === String(pid) ? `main (${t.comm})` : t.comm === 'node' ? `node/${tid}` : t.comm.replace(/\d+/g, '#').trim();
    by.set(name, (by.get(name) ?? 0) + d);
  }
  return [...by].sort((a, b) => b[1] - a[1]);
}
