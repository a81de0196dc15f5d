#!/usr/bin/env node
// One Dirk job as scripts/flink-bench.mjs runs it (its dirk-job / dirk-script child), under /usr/bin/time, with
// the peak RSS, CPU and (with DIRK_MEMORY_LOG_MS set) the memory log's peak line; for BENCHMARKS.md "Issue 16:
// peak RSS". Topics come from an earlier flink-bench run:
//   MEM_NEXMARK_PREFIX=nexmark-<n> MEM_BOOKING_TOPIC=<prefix>-json BENCH_KAFKA=127.0.0.1:9092 \
//     [NODE_FLAGS="--max-semi-space-size=4"] [DIRK_MEMORY_LOG_MS=100] [SHOW=1] node scripts/memory-probe.mjs <q0..q8|filter|tumble|hop> [label]
// MEM_FORMAT=protobuf runs the booking scenarios on the protobuf topic (MEM_BOOKING_TOPIC=<prefix>-protobuf);
// MEM_STDOUT=<file> keeps the job's stdout (e.g. NODE_FLAGS=--trace-gc-nvp).
// WT=<checkout> runs another checkout's dist/ (before/after comparisons).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs'; import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const ROOT = process.env.WT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BROKER = process.env.BENCH_KAFKA ?? '127.0.0.1:9092';
const name = process.argv[2];
const BOOKING = ['filter', 'tumble', 'hop']; const label = process.argv[3] ?? '';
const { nexmarkScript } = await import(`${ROOT}/dist/bench/nexmark/queries.js`);
const P = process.env.MEM_NEXMARK_PREFIX ?? '';
const { default: kafkajs } = await import(`${ROOT}/dist/src/connectors/kafka/kafkajs.js`);
const kafka = new kafkajs.Kafka({ brokers: [BROKER], clientId: 'mem', logLevel: kafkajs.logLevel.NOTHING });
const sink = `mem-${name}-${Date.now()}`;
const admin = kafka.admin(); await admin.connect(); await admin.createTopics({ topics: [{ topic: sink, numPartitions: BOOKING.includes(name) ? 2 : 1 }], waitForLeaders: true }); await admin.disconnect();
let args;
if (BOOKING.includes(name)) args = [`${ROOT}/scripts/flink-bench.mjs`, 'dirk-job', JSON.stringify({ format: process.env.MEM_FORMAT ?? 'json', scenario: name, topics: { booking: process.env.MEM_BOOKING_TOPIC ?? '' }, sinkTopic: sink })];
else {
  const file = `${os.tmpdir()}/memory-probe-${name}-${Date.now()}.sql`;
  fs.writeFileSync(file, nexmarkScript(name, { brokers: BROKER, person: `${P}-person`, auction: `${P}-auction`, bid: `${P}-bid`, sink, group: `mem-${Date.now()}` }, {}));
  args = [`${ROOT}/scripts/flink-bench.mjs`, 'dirk-script', JSON.stringify({ file, name })];
}
const flags = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
const load = os.loadavg()[0];
const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...flags, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BENCH_KAFKA: BROKER } });
if (process.env.MEM_STDOUT) fs.writeFileSync(process.env.MEM_STDOUT, r.stdout);
if (!r.stdout.includes('RESULT ')) { console.log(r.stdout, r.stderr.slice(-3000)); process.exit(1); }
const res = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('RESULT ')).slice(7));
const lines = r.stderr.trim().split('\n');
const [e, u, s, m] = lines.pop().split(' ').map(Number);
const peak = lines.find((l) => l.includes('"peak":true'));
if (process.env.SHOW) for (const l of lines) { const j = l.startsWith('[dirk-memory]') ? JSON.parse(l.slice(14)) : null; console.log(j ? `t=${j.t} rss=${j.rss} heapT=${j.heapTotal} used=${j.heapUsed} ext=${j.external} ab=${j.arrayBuffers} new=${j['new.size']}/${j['new.used']} old=${j['old.size']}/${j['old.used']} lo=${j['large_object.size']} code=${j['code.size']}` : l); }
console.log(`${name} ${label} flags=[${flags.join(' ')}] maxrss=${Math.round(m / 1024)}MB jobCPU=${res.job_cpu_s.toFixed(2)}s procCPU=${(u + s).toFixed(2)}s job=${res.job_s.toFixed(2)}s load=${load.toFixed(1)}`);
if (peak) console.log('  ', peak.replace('[dirk-memory] ', '').replace(/,"[a-z_]+\.(size|used)":0(?=[,}])/g, ''));
