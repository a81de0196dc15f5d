// The Nexmark scenario of scripts/flink-bench.mjs (FLINK_BENCH_SCENARIOS=nexmark): q0-q8 (no q6) from
// bench/nexmark/queries.ts on both engines, over the same person/auction/bid topics filled once by
// bench/nexmark/generator.ts; outputs compared digest for digest; and a latency run (nexmark-latency):
// bids produced at a fixed rate with the produce time as their dateTime, q0 running unbounded in each
// engine, p50/p99 of (time the sink record is read) - (produce time).
//
// Environment: FLINK_BENCH_NEXMARK_EVENTS (default 1000000), FLINK_BENCH_NEXMARK_QUERIES (q0,q1,q2,q3,q4,q5,q7,q8;
// also the suite's later queries by name: q9-q11, q14-q22, see NEXMARK_EXTENDED_QUERIES),
// FLINK_BENCH_NEXMARK_PARTITIONS (partitions of each of the three topics, default 1; event j of a kind goes to
// partition j % P, so each partition stays in event-time order; Dirk at 2 tasks needs 2 to split),
// FLINK_BENCH_NEXMARK_PREFIX (reuse topics <prefix>-person/-auction/-bid of an earlier run),
// and from scripts/flink-bench.mjs FLINK_BENCH_PARALLELISM, FLINK_BENCH_DIRK_TASKS, FLINK_BENCH_PROFILE.
//
// Dirk at more than one task runs the script BOUNDED too, as `dirk run` with DIRK_TASKS=N worker threads
// (scripts/lib/flink-bench-tasks.mjs): every task reads its partitions to the end offsets, the end crosses
// every exchange and fires the last windows (q5, q7, q8), and the process exits by itself; timed to that
// exit. Its output is exact, so its digest is compared with the other runs' like theirs (q4's as the final
// upsert table). A query shape the exchange refuses is reported as failed.
// FLINK_BENCH_LATENCY_RATE (events/s, default 10000), FLINK_BENCH_LATENCY_SECONDS (default 30).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const list = (v, d) => (v ?? d).split(',').map((s) => s.trim()).filter(Boolean);

const PARTITIONS = Number(process.env.FLINK_BENCH_NEXMARK_PARTITIONS ?? 1);

/** Creates a topic of `partitions` partitions (each partition of a Nexmark topic is in event-time order). */
async function createTopic(kafka, topic, partitions = 1) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

/** Writes events [0, n) to the three topics; returns the count per kind. */
async function preload(ctx, topics, n) {
  const { nexmarkEvent } = await ctx.dist('bench/nexmark/generator.js');
  for (const kind of ['person', 'auction', 'bid']) await createTopic(ctx.kafka, topics[kind], PARTITIONS);
  const producer = ctx.kafka.producer();
  await producer.connect();
  const counts = { person: 0, auction: 0, bid: 0 };
  let bytes = 0;
  for (let i = 0; i < n; i += 4000) {
    const by = { person: [], auction: [], bid: [] };
    for (let j = i; j < Math.min(n, i + 4000); j++) {
      const e = nexmarkEvent(j);
      const value = Buffer.from(JSON.stringify(e.value));
      bytes += value.length;
      by[e.kind].push({ value, partition: counts[e.kind] % PARTITIONS });
      counts[e.kind]++;
    }
    await producer.sendBatch({ topicMessages: Object.entries(by).filter(([, m]) => m.length).map(([k, messages]) => ({ topic: topics[k], messages })) });
  }
  await producer.disconnect();
  return { counts, avgBytes: bytes / n };
}

/** 'YYYY-MM-DD HH:MM:SS[.fff]' or ISO text as epoch ms; other values as they are, numbers to 3 decimals. */
function canonical(v) {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z?$/.test(v)) return Date.parse(`${v.replace(' ', 'T').replace(/Z$/, '')}Z`);
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toFixed(3));
  return v;
}
const canonicalRow = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, canonical(o[k])]));

/** Reads a sink topic to its end: the row count and a digest (append: every row; upsert: the final value per key). */
async function readOutput(ctx, topic, upsert) {
  const admin = ctx.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  const done = new Map(ends.map((p) => [p.partition, Number(p.low) >= Number(p.high)]));
  const rows = [];
  const state = new Map();
  let records = 0;
  const consumer = ctx.kafka.consumer({ groupId: `nexmark-read-${Date.now()}-${Math.random()}`, maxBytes: 50 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    if ([...done.values()].every(Boolean)) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 300_000);
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            records++;
            if (upsert) {
              const k = m.key ? canonicalRow(JSON.parse(m.key.toString())) : 'null';
              if (m.value === null) state.delete(k);
              else state.set(k, canonicalRow(JSON.parse(m.value.toString())));
            } else rows.push(canonicalRow(JSON.parse(m.value.toString())));
          }
          if (Number(batch.lastOffset()) + 1 >= want.get(batch.partition)) done.set(batch.partition, true);
          if ([...done.values()].every(Boolean)) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  const keys = upsert ? [...state].map(([k, v]) => `${k}=${v}`) : rows;
  keys.sort();
  const hash = (k) => createHash('sha256').update(k.join('\n')).digest('hex').slice(0, 12);
  // distinct: the digest of the distinct rows, which a multi-task run's is compared by (its at-least-once
  // replays after a rebalance repeat rows; a query's own output may hold equal rows, so the others compare all).
  return { rows: upsert ? state.size : rows.length, records, digest: hash(keys), distinct: hash([...new Set(keys)]) };
}

function writeScript(ctx, name, topics, opts) {
  const file = path.join(os.tmpdir(), `nexmark-${name}-${process.pid}-${Date.now()}.sql`);
  fs.writeFileSync(file, ctx.nexmarkScript(name, topics, opts));
  return file;
}

function flinkArgs(ctx, file, name, parallelism) {
  // Object reuse on; mini-batch for the aggregating queries (Flink's own tuning advice for them).
  const miniBatch = ['q4', 'q5', 'q7', 'q8', 'q9', 'q15', 'q16', 'q17', 'q18', 'q19'].includes(name);
  return [...ctx.javaOpts(), '-cp', ctx.flinkClasspath(), 'dirk.bench.FlinkScriptBench', `script=${file}`, `name=nexmark-${name}`, `parallelism=${parallelism}`, 'objectReuse=true', `miniBatch=${miniBatch}`];
}

/** One run of a query: Flink at `par`, Dirk at `par` tasks (1: in-process; more: `dirk run` worker threads), all bounded. */
async function runOne(ctx, name, engine, par, topics) {
  const sink = `${topics.prefix}-${name}-${engine}${par}-${Date.now()}`;
  await createTopic(ctx.kafka, sink, PARTITIONS);
  const tasks = engine === 'dirk' && par > 1;
  const file = writeScript(ctx, name, { ...topics, sink, group: `nexmark-${engine}-${Date.now()}` }, {});
  const prof = engine === 'dirk' ? ctx.dirkNodeArgs() : { args: [] };
  let r;
  try {
    if (engine === 'flink') r = ctx.timed('java', flinkArgs(ctx, file, name, par));
    else if (!tasks) r = ctx.timed(process.execPath, [...prof.args, ctx.self, 'dirk-script', JSON.stringify({ file, name })]);
    else {
      const { runDirkTasks } = await import('./flink-bench-tasks.mjs');
      const job = `${file}.json`;
      const cfg = ctx.scriptToConfig(fs.readFileSync(file, 'utf8'));
      const extra = { FLINK_JOB_ID: `nexmark-${name}-${Date.now().toString(36)}`, FLINK_WATERMARK_INTERVAL_MS: '200', FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true', METRIC_TELEMETRY_ENABLE: 'false', DIRK_TASKS: String(par) };
      fs.writeFileSync(job, JSON.stringify({ ...cfg, ...extra }));
      try {
        r = await runDirkTasks({ root: ctx.root, kafka: ctx.kafka, jobFile: job, sinkTopic: sink, nodeArgs: prof.args, label: `dirk ${name} ${par} tasks`, bounded: true });
      } finally {
        fs.rmSync(job, { force: true });
      }
    }
    if (prof.dir) r.profile = (await import('./flink-bench-tasks.mjs')).profileSummary(ctx.root, prof.dir, ctx.spawnSync);
  } finally {
    fs.rmSync(file, { force: true });
    if (prof.dir) fs.rmSync(prof.dir, { recursive: true, force: true });
  }
  return { r, sink };
}

export async function runNexmark(ctx) {
  const N = Number(process.env.FLINK_BENCH_NEXMARK_EVENTS ?? 1_000_000);
  const queries = list(process.env.FLINK_BENCH_NEXMARK_QUERIES, 'q0,q1,q2,q3,q4,q5,q7,q8');
  const defs = await ctx.dist('bench/nexmark/queries.js');
  ctx.nexmarkScript = defs.nexmarkScript;
  const known = { ...defs.NEXMARK_QUERIES, ...defs.NEXMARK_EXTENDED_QUERIES };
  const prefix = process.env.FLINK_BENCH_NEXMARK_PREFIX ?? `nexmark-${Date.now()}`;
  const topics = { brokers: ctx.broker, person: `${prefix}-person`, auction: `${prefix}-auction`, bid: `${prefix}-bid` };
  if (!process.env.FLINK_BENCH_NEXMARK_PREFIX) {
    const t0 = performance.now();
    const { counts, avgBytes } = await preload(ctx, topics, N);
    ctx.log(`preloaded ${N} Nexmark events (${counts.person} persons, ${counts.auction} auctions, ${counts.bid} bids; ${avgBytes.toFixed(0)} bytes on average) into ${prefix}-* in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const results = [];
  ctx.scriptToConfig = (await ctx.dist('src/job/sql-script.js')).scriptToConfig;
  const runs = [...(ctx.engines.includes('flink') ? ctx.parallelism.map((n) => ['flink', n]) : []), ...(ctx.engines.includes('dirk') ? ctx.dirkTasks.map((n) => ['dirk', n]) : [])];
  for (const name of queries) {
    // A query with a PRIMARY KEY writes upserts (and tombstones): its digest is of the final row per key.
    const upsert = known[name]?.key !== undefined;
    for (const [engine, par] of runs) {
      const load = os.loadavg()[0];
      let r;
      let sink;
      try {
        ({ r, sink } = await runOne(ctx, name, engine, par, { ...topics, prefix }));
      } catch (e) {
        ctx.log(`${engine} ×${par} ${name}: ${e.message.slice(0, 2000)}`);
        results.push({ engine, par, name, failed: e.message.split('\n')[0].slice(0, 200), load });
        continue;
      }
      const out = await readOutput(ctx, sink, upsert);
      const run = r.net_runtime_s ?? r.job_s;
      const row = { engine, par, name, ...r, ...out, run_s: run, load };
      results.push(row);
      ctx.log(
        `${engine.padEnd(5)} ×${par} nexmark ${name} job ${run.toFixed(2)} s = ${Math.round(N / run)} events/s${Number.isFinite(r.last_record_s) ? ` (last sink record at ${r.last_record_s.toFixed(2)} s)` : ''}, CPU ${r.job_cpu_s.toFixed(2)} s${Number.isFinite(r.window_cpu_s) && engine === 'dirk' && par > 1 ? ` (timed span ${r.window_cpu_s.toFixed(2)} s)` : ''}, process CPU ${r.process_cpu_s.toFixed(2)} s, peak RSS ${r.peak_rss_mb} MB, out ${out.rows} rows (${out.records} records) digest ${out.digest} (distinct ${out.distinct}), load ${load.toFixed(1)}`,
      );
      for (const p of r.profile ?? []) console.log(p.replace(/^/gm, `  [profile dirk ×${par} nexmark ${name}] `));
    }
  }
  console.log(`\nNexmark, ${N.toLocaleString('en-US')} events (JSON, 3 topics of ${PARTITIONS} partition${PARTITIONS > 1 ? 's' : ''})\n`);
  console.log('| query | engine | par. | events/s | job s | CPU s (job) | process CPU s | peak RSS MB | output rows | digest | load |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const r of results) {
    if (r.failed) console.log(`| ${r.name} | ${r.engine} | ${r.par} | failed: ${r.failed.replace(/\|/g, '/')} | | | | | | | ${r.load.toFixed(1)} |`);
    else console.log(`| ${r.name} | ${r.engine} | ${r.par} | ${Math.round(N / r.run_s).toLocaleString('en-US')} | ${r.run_s.toFixed(2)} | ${r.job_cpu_s.toFixed(2)} | ${r.process_cpu_s.toFixed(2)} | ${r.peak_rss_mb} | ${r.rows.toLocaleString('en-US')} | ${r.digest} | ${r.load.toFixed(1)} |`);
  }
  console.log('\n| query | best Flink events/s (par.) | best Dirk events/s (tasks) | Dirk / Flink | Flink peak RSS MB | Dirk peak RSS MB | RSS Dirk / Flink |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const name of queries) {
    const best = (engine) => results.filter((r) => r.engine === engine && r.name === name && !r.failed).sort((a, b) => a.run_s - b.run_s)[0];
    const f = best('flink');
    const d = best('dirk');
    const eps = (r) => (r ? `${Math.round(N / r.run_s).toLocaleString('en-US')} (${r.par})` : '-');
    console.log(`| ${name} | ${eps(f)} | ${eps(d)} | ${f && d ? `${(f.run_s / d.run_s).toFixed(2)}x` : '-'} | ${f?.peak_rss_mb ?? '-'} | ${d?.peak_rss_mb ?? '-'} | ${f && d ? (d.peak_rss_mb / f.peak_rss_mb).toFixed(2) : '-'} |`);
  }
  const mismatches = [];
  for (const name of queries) {
    const rs = results.filter((r) => r.name === name && !r.failed);
    // Every run is bounded and exact (Dirk at N tasks too): all digests must agree.
    const whole = rs;
    if (whole.length > 1 && new Set(whole.map((r) => r.digest)).size > 1) mismatches.push(`${name}: ${whole.map((r) => `${r.engine} ×${r.par} ${r.rows} rows ${r.digest}`).join(', ')}`);
    if (new Set(rs.map((r) => r.distinct)).size > 1) mismatches.push(`${name} (distinct rows): ${rs.map((r) => `${r.engine} ×${r.par} ${r.distinct}`).join(', ')}`);
  }
  console.log(mismatches.length ? `\nMISMATCH:\n${mismatches.join('\n')}` : '\nNexmark outputs: the engines that ran a query produced the same rows (digest for digest).');
  // Not a mismatch: a query shape the exchange refuses at several tasks (see the head of this file); named here.
  const failed = results.filter((r) => r.failed);
  if (failed.length) console.log(`Runs that did not finish (left out of the comparison and of the bests):\n${failed.map((r) => `${r.name} ${r.engine} ×${r.par}: ${r.failed}`).join('\n')}`);
  return mismatches.length === 0;
}

/** Child mode: one Dirk job from a SQL script, in-process through dist/. */
export async function dirkScriptJob(dist, { file, name }) {
  const startedAt = performance.now();
  const [{ scriptToConfig }, { parseJobConfig }, { prepareJob }, { startJob }, { silentLogger }] = await Promise.all([
    dist('src/job/sql-script.js'),
    dist('src/config/index.js'),
    dist('src/job/prepare.js'),
    dist('src/job/stream-manager.js'),
    dist('src/core/logger.js'),
  ]);
  const cfg = scriptToConfig(fs.readFileSync(file, 'utf8'));
  const { config } = parseJobConfig({ ...cfg, FLINK_JOB_ID: `nexmark-${name}-${Date.now()}`, FLINK_WATERMARK_INTERVAL_MS: '200', FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true', METRIC_TELEMETRY_ENABLE: 'false', ...(process.env.FLINK_BENCH_DIRK_CONFIG ? JSON.parse(process.env.FLINK_BENCH_DIRK_CONFIG) : {}) });
  const job = await prepareJob(config, silentLogger);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirk-nexmark-'));
  const groups = (cfg.STREAMS ?? []).map((st) => st.SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID).filter(Boolean);
  const { watchGroupStable, timedFrom } = await import('./flink-bench-tasks.mjs');
  const { default: kafkajs } = await dist('src/connectors/kafka/kafkajs.js');
  const brokers = [cfg.STREAMS?.[0]?.SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS ?? process.env.BENCH_KAFKA ?? '127.0.0.1:9092'];
  const stable = groups.length > 0 ? watchGroupStable(new kafkajs.Kafka({ brokers, clientId: 'dirk-flink-bench', logLevel: kafkajs.logLevel.NOTHING }), groups) : undefined;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const running = await startJob(job, { logger: silentLogger, checkpointDir: dir });
  await running.done;
  const tEnd = performance.now();
  const from = await timedFrom(stable, t0, tEnd);
  const jobS = (tEnd - from) / 1000;
  const cpu = process.cpuUsage(c0);
  const all = process.cpuUsage();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    `RESULT ${JSON.stringify({ engine: 'dirk', format: 'json', scenario: `nexmark-${name}`, jvm_to_main_ms: 0, setup_ms: Number((t0 - startedAt).toFixed(1)), join_s: Number(((from - t0) / 1000).toFixed(2)), job_s: jobS, job_cpu_s: (cpu.user + cpu.system) / 1e6, process_cpu_s: (all.user + all.system) / 1e6 })}`,
  );
  process.exit(0);
}
