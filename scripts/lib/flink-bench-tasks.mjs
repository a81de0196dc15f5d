// Dirk at more than one task for scripts/flink-bench.mjs (FLINK_BENCH_DIRK_TASKS): `dirk run` with DIRK_TASKS=N
// worker threads.
//
// bounded (the Nexmark runs and every N-task booking run): BOUNDED Kafka sources, as the one-task runs read
// them. Each task reads its partitions (dealt out by task, none moving) to the end offsets taken at start,
// each split's end crosses every exchange as a +infinity watermark, and `dirk run` exits by itself once every
// task's output has ended (docs/architecture.md, Scale-out); the output is exactly the one-task run's. Timed
// from the first source group's Stable moment (below) to the process's exit, which includes the final
// checkpoint and the threads' exit as a one-task run's `done` includes its final checkpoint; the time of the
// last sink record is reported beside it (last_record_s). CPU and peak RSS are read from /proc at the last
// 100 ms poll before the exit.
//
// Otherwise (DIRK_EXCHANGE_ENABLE at one task, which a bounded job refuses): UNBOUNDED sources, stopped
// (SIGTERM: drain, checkpoint, exit) once the sink topic holds the rows the query must produce; the input
// topics end with one record per partition far ahead in event time (scripts/flink-bench.mjs preloads them),
// whose watermark closes every real window and join interval. At-least-once, so a rebalance while the tasks
// join can repeat rows; the script compares distinct rows and shows the repeats.
//
// Timing: from the moment the first source table's consumer group is first Stable, i.e. the first task has
// partitions and starts reading (polled every 100 ms, as the sink topic's record count), to the sink record
// that completes the output, so process start, planning and the group's first join (the broker's initial
// rebalance delay, 3 s by default) are left out, as Flink's net runtime leaves out its cluster's start. A
// task that joins later (a second rebalance) is inside the timed span, as is the work it repeats. (Not from the first sink record: after the
// exchange a window query's output can come in one burst at the end.) Peak RSS and CPU are the whole
// process's (every thread), read from /proc just before the stop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { threadSeconds, threadTicks } from './cpu-sampler.mjs';

const TICKS = 100; // USER_HZ
const SETTLE_MS = 3000;

function procFigures(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { cpu: (Number(f[11]) + Number(f[12])) / TICKS, rssMb: Math.round(hwm / 1024) };
  } catch {
    return { cpu: NaN, rssMb: NaN };
  }
}

/**
 * For the 1-task (in-process) Dirk runs: polls `groups` (one per source table; tables the query does not read
 * never form theirs) every 50 ms until one of them is Stable. The runs are timed from
 * that moment, as the N-task runs are: on a broker at Kafka's default group.initial.rebalance.delay.ms (3 s,
 * which the N-task runs need to join one generation) a new group's first join waits that long.
 */
export function watchGroupStable(kafka, groups) {
  let stableAt;
  let stableCpu;
  let stableMonoUs;
  let stableThreads;
  let stopped = false;
  const loop = (async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      while (!stopped && stableAt === undefined) {
        const { groups: described } = await admin.describeGroups([groups].flat()).catch(() => ({ groups: [] }));
        if (described.some((g) => g.state === 'Stable')) {
          stableAt = performance.now();
          // The process's CPU (every thread) and the monotonic clock (a --cpu-prof profile's) at that moment.
          stableCpu = process.cpuUsage();
          stableMonoUs = Number(process.hrtime.bigint() / 1000n);
          stableThreads = threadTicks(process.pid);
        } else await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await admin.disconnect();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop.catch(() => {});
      return stableAt;
    },
    /** process.cpuUsage() and the monotonic µs at the Stable moment (undefined before it). */
    at: () => ({ cpu: stableCpu, monoUs: stableMonoUs, threads: stableThreads }),
  };
}

/** The start of a 1-task run's timed span: the group's first Stable moment when seen before the end, else t0. */
export async function timedFrom(watch, t0, tEnd) {
  const stableAt = watch ? await watch.stop() : undefined;
  return stableAt !== undefined && stableAt < tEnd ? stableAt : t0;
}

/** Whether one of `groups` is Stable with at least `members` members. */
async function groupReady(kafka, groups, members) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups: described } = await admin.describeGroups(groups);
    return described.some((g) => g.state === 'Stable' && g.members.length >= members);
  } finally {
    await admin.disconnect();
  }
}

async function sinkCount(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts `dirk run <jobFile>` (the built CLI) with a checkpoint folder of its own; returns the child, the job's
 * source groups (every source table's: the timing starts when the first of them is Stable, since a table the
 * query does not read never forms its group), the start time and the tail of its stderr.
 */
function startDirkRun({ root, jobFile, nodeArgs }) {
  const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const cfg = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
  const groups = cfg.STREAMS.map((st) => st.SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID).filter(Boolean);
  const ckpt = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-flink-bench-tasks-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, cli, 'run', jobFile, '--checkpoint-dir', ckpt], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.on('data', (d) => (tail = (tail + d.toString()).slice(-20_000)));
  return { child, groups, ckpt, t0, log: () => tail };
}

/**
 * Runs `dirk run <jobFile>` (the built CLI) until the sink holds `target` records; returns the figures in the
 * shape of scripts/flink-bench.mjs's timed() results. `idleMs`: give up when the count has not moved that long (counted from the group's first Stable state).
 */
export async function runDirkTasks({ root, kafka, jobFile, sinkTopic, target, nodeArgs = [], idleMs = 60_000, label, bounded = false }) {
  if (bounded) return runDirkBounded({ root, kafka, jobFile, sinkTopic, nodeArgs, label });
  const { child, groups, ckpt, t0, log } = startDirkRun({ root, jobFile, nodeArgs });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let first;
  let done;
  let count = 0;
  let movedAt = performance.now();
  let figures;
  // The process's CPU at the timed span's ends: when the group is first Stable, and at the last change of
  // the sink's count (the 100 ms poll that saw it), so start-up, the settle wait and the stop stay out.
  let cpuAtFirst;
  let cpuAtMoved;
  let monoFirst;
  let monoMoved;
  let threadsFirst;
  let threadsMoved;
  try {
    while (done === undefined) {
      if (child.exitCode !== null) throw new Error(`${label}: dirk run ended (exit ${child.exitCode}) with ${count} of ${target} records in ${sinkTopic}:\n${log().slice(-3000)}`);
      if (first === undefined && (groups.length === 0 || (await groupReady(kafka, groups, 1)))) {
        first = movedAt = performance.now();
        cpuAtFirst = procFigures(child.pid).cpu;
        monoFirst = Number(process.hrtime.bigint() / 1000n);
        threadsFirst = threadTicks(child.pid);
      }
      if (first === undefined && performance.now() - t0 > 120_000) throw new Error(`${label}: consumer groups ${groups.join(', ')} not Stable after 120 s:\n${log().slice(-3000)}`);
      const n = await sinkCount(kafka, sinkTopic);
      const now = performance.now();
      if (n > 0 && first === undefined) first = now;
      if (n !== count || first === undefined) {
        movedAt = now;
        cpuAtMoved = procFigures(child.pid).cpu;
        monoMoved = Number(process.hrtime.bigint() / 1000n);
        threadsMoved = threadTicks(child.pid);
      }
      count = n;
      // Done once the count has reached the target and then not moved for SETTLE_MS: a rebalance while the
      // tasks join (a task that starts late under load) replays records since the last commit, at-least-once,
      // so the count can pass the target before the last rows are out. The end is the last change.
      if (n >= target && now - movedAt >= SETTLE_MS) done = movedAt;
      else if (n < target && now - movedAt > idleMs) throw new Error(`${label}: ${n} of ${target} records in ${sinkTopic} and none for ${idleMs / 1000} s:\n${log().slice(-3000)}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
    figures = procFigures(child.pid);
  } finally {
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (stopped === 'timeout') child.kill('SIGKILL');
    fs.rmSync(ckpt, { recursive: true, force: true });
  }
  const jobS = (done - first) / 1000;
  const warnings = log().split('\n').filter((l) => /"level":(50|60)|\bERROR\b|Exception/.test(l));
  return {
    engine: 'dirk',
    jvm_to_main_ms: 0,
    setup_ms: Number((first - t0).toFixed(1)),
    job_s: jobS,
    job_cpu_s: figures.cpu, // the whole process up to the stop: start-up and group joins included
    // The timed span only (first Stable state to the last sink record), as the 1-task runs' window_cpu_s.
    window_cpu_s: cpuAtFirst !== undefined && cpuAtMoved !== undefined ? cpuAtMoved - cpuAtFirst : NaN,
    window_epoch_ms: [performance.timeOrigin + first, performance.timeOrigin + done],
    window_mono_us: [monoFirst, monoMoved],
    // Outside the span: process start to the group's first Stable state (module loading and planning in every
    // thread, connects, the join), and the settle wait after the last record.
    before_cpu_s: cpuAtFirst,
    after_cpu_s: cpuAtMoved !== undefined ? figures.cpu - cpuAtMoved : NaN,
    window_threads: threadsFirst && threadsMoved ? threadSeconds(threadsFirst, threadsMoved, child.pid) : undefined,
    process_s: (done - t0) / 1000,
    process_cpu_s: figures.cpu,
    peak_rss_mb: figures.rssMb,
    warnings,
  };
}

/**
 * A bounded job at N tasks (see the head of this file): runs `dirk run <jobFile>` until it exits by itself
 * (exit 0 required), timed from the first source group's Stable moment to the exit.
 */
async function runDirkBounded({ root, kafka, jobFile, sinkTopic, nodeArgs, label }) {
  const { child, groups, ckpt, t0, log } = startDirkRun({ root, jobFile, nodeArgs });
  let exitAt;
  let exitCode;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitAt = performance.now();
      exitCode = code ?? signal;
      resolve();
    }),
  );
  let first;
  let lastRecordAt;
  let count = 0;
  let figures = { cpu: NaN, rssMb: NaN };
  let cpuAtFirst;
  let monoFirst;
  let monoLast;
  let threadsFirst;
  let threadsLast;
  try {
    while (exitAt === undefined) {
      if (first === undefined && (groups.length === 0 || (await groupReady(kafka, groups, 1).catch(() => false)))) {
        first = performance.now();
        cpuAtFirst = procFigures(child.pid).cpu;
        monoFirst = Number(process.hrtime.bigint() / 1000n);
        threadsFirst = threadTicks(child.pid);
      }
      if (exitAt !== undefined) break;
      const n = await sinkCount(kafka, sinkTopic).catch(() => count);
      if (n !== count) lastRecordAt = performance.now();
      count = n;
      // The last figures before the exit (the process's /proc entry is gone after it).
      const f = procFigures(child.pid);
      // An exiting process (a zombie) has its stat but no memory lines: keep the last RSS read.
      if (Number.isFinite(f.rssMb)) figures.rssMb = f.rssMb;
      if (Number.isFinite(f.cpu)) {
        figures.cpu = f.cpu;
        monoLast = Number(process.hrtime.bigint() / 1000n);
        threadsLast = threadTicks(child.pid) ?? threadsLast;
      }
      if (performance.now() - t0 > 1_800_000) throw new Error(`${label}: dirk run still running after 30 min with ${count} records in ${sinkTopic}:\n${log().slice(-3000)}`);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
    }
    await exited;
    if (exitCode !== 0) throw new Error(`${label}: dirk run exited with ${exitCode} (${count} records in ${sinkTopic}):\n${log().slice(-3000)}`);
  } finally {
    if (exitAt === undefined) {
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(ckpt, { recursive: true, force: true });
  }
  first ??= t0;
  const warnings = log().split('\n').filter((l) => /"level":(50|60)|\bERROR\b|Exception/.test(l));
  return {
    engine: 'dirk',
    jvm_to_main_ms: 0,
    setup_ms: Number((first - t0).toFixed(1)),
    job_s: (exitAt - first) / 1000,
    last_record_s: lastRecordAt !== undefined ? (lastRecordAt - first) / 1000 : NaN,
    job_cpu_s: figures.cpu,
    window_cpu_s: cpuAtFirst !== undefined ? figures.cpu - cpuAtFirst : NaN,
    window_epoch_ms: [performance.timeOrigin + first, performance.timeOrigin + exitAt],
    window_mono_us: [monoFirst, monoLast],
    before_cpu_s: cpuAtFirst,
    after_cpu_s: 0,
    window_threads: threadsFirst && threadsLast ? threadSeconds(threadsFirst, threadsLast, child.pid) : undefined,
    process_s: (exitAt - t0) / 1000,
    process_cpu_s: figures.cpu,
    peak_rss_mb: figures.rssMb,
    warnings,
  };
}

// profile-shares.mjs's categories folded into the columns of BENCHMARKS.md's profile summaries.
const GROUPS = [
  ['client', /^kafkajs|^Dirk record batches/],
  ['decode', /decoding/],
  ['encode', /encoding|JSON codec/],
  ['engine', /^engine/],
  ['GC', /^garbage/],
  ['idle', /^idle/],
];

/** One line: client, decode, encode, engine, GC, idle and the rest, in per cent of the job's samples. */
function foldShares(text) {
  const sums = new Map([...GROUPS.map(([g]) => [g, 0]), ['other', 0]]);
  for (const m of text.split('--- top')[0].matchAll(/^\s*([\d.]+)%\s+(.+)$/gm)) {
    const g = GROUPS.find(([, re]) => re.test(m[2]))?.[0] ?? 'other';
    sums.set(g, sums.get(g) + Number(m[1]));
  }
  return [...sums].map(([g, v]) => `${g} ${v.toFixed(1)}%`).join(', ');
}

/**
 * The shares of scripts/profile-shares.mjs for each task's profile in `dir` (threads that ran startJob), then
 * one folded line each; `windowMonoUs` ([from, to] on the monotonic clock, µs): only the run's timed span.
 */
export function profileSummary(root, dir, spawnSync, windowMonoUs) {
  const out = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
    const file = path.join(dir, f);
    if (!fs.readFileSync(file, 'utf8').includes('"startJob"')) continue; // the main thread of a multi-task run
    const env = windowMonoUs?.every(Number.isFinite) ? { ...process.env, PROFILE_WINDOW_US: windowMonoUs.join(',') } : process.env;
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'profile-shares.mjs'), file, '15'], { encoding: 'utf8', env });
    const text = (r.stdout ?? '').trim();
    out.push(`${text}\nsummary: ${foldShares(text)}`);
  }
  return out;
}
