// The latency run of scripts/flink-bench.mjs (FLINK_BENCH_SCENARIOS=nexmark-latency): Nexmark q0 (bid
// pass-through) running unbounded in each engine in turn, bids produced at a fixed rate with the produce
// time as their dateTime, and a reader of the sink topic: latency = time the sink record is read - produce
// time (so the producer's acks=all round trip, both engines' fetch and send paths and the reader's fetch
// are all in it). Records produced during the warm-up (until the first output plus
// FLINK_BENCH_LATENCY_WARMUP_SECONDS, default 10) are not counted.
//
// Environment: FLINK_BENCH_LATENCY_RATE (bids/s, default 10000), FLINK_BENCH_LATENCY_SECONDS (measured, default 30).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function createTopic(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Starts one engine running q0 unbounded; resolves to a stop function. */
function startEngine(ctx, engine, file) {
  const args = engine === 'flink'
    ? [...ctx.javaOpts(), '-cp', ctx.flinkClasspath(), 'dirk.bench.FlinkScriptBench', `script=${file}`, 'name=nexmark-latency', 'objectReuse=true', 'miniBatch=false']
    : [ctx.self, 'dirk-script', JSON.stringify({ file, name: 'latency' })];
  const child = spawn(engine === 'flink' ? 'java' : process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((r) => child.on('exit', r));
  return {
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function measure(ctx, engine, rate, seconds, warmupSeconds) {
  const prefix = `nexmark-latency-${engine}-${Date.now()}`;
  const topics = { brokers: ctx.broker, person: `${prefix}-person`, auction: `${prefix}-auction`, bid: `${prefix}-bid`, sink: `${prefix}-out`, group: prefix };
  for (const t of [topics.person, topics.auction, topics.bid, topics.sink]) await createTopic(ctx.kafka, t);
  const file = path.join(os.tmpdir(), `${prefix}.sql`);
  fs.writeFileSync(file, ctx.nexmarkScript('q0', topics, { bounded: false }));
  const { sqlTimestamp } = await ctx.dist('bench/nexmark/generator.js');
  const latencies = [];
  let measureFrom = Infinity;
  let measureTo = Infinity;
  let firstOutput;
  const consumer = ctx.kafka.consumer({ groupId: `${prefix}-reader`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.sink, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      firstOutput ??= now;
      for (const m of batch.messages) {
        // Flink writes 'YYYY-MM-DD HH:MM:SS.fff', Dirk ISO-8601 with a Z: both UTC.
        const produced = Date.parse(`${JSON.parse(m.value.toString()).dateTime.replace(' ', 'T').replace(/Z$/, '')}Z`);
        if (produced >= measureFrom && produced < measureTo) latencies.push(now - produced);
      }
    },
  });
  const engineRun = startEngine(ctx, engine, file);
  const producer = ctx.kafka.producer();
  await producer.connect();
  let sent = 0;
  let seq = 0;
  const perTick = Math.max(1, Math.round(rate / 100));
  const start = Date.now();
  let phaseEnd = Infinity;
  try {
    // Paced in 10 ms ticks; a tick that falls behind sends what is due, so the rate holds on average.
    for (;;) {
      const now = Date.now();
      if (firstOutput !== undefined && measureFrom === Infinity) {
        measureFrom = now + warmupSeconds * 1000;
        measureTo = measureFrom + seconds * 1000;
        phaseEnd = measureTo;
      }
      if (now >= phaseEnd) break;
      if (now - start > 180_000 && firstOutput === undefined) throw new Error(`${engine}: no output after 180 s; stderr: ${engineRun.stderr().slice(-1500)}`);
      const due = Math.floor(((now - start) / 1000) * rate);
      const n = Math.min(due - seq, perTick * 20);
      if (n > 0) {
        const dateTime = sqlTimestamp(now);
        const messages = [];
        for (let k = 0; k < n; k++, seq++) messages.push({ value: JSON.stringify({ auction: 1000 + (seq % 1000), bidder: 2000 + (seq % 5000), price: 1 + (seq % 10_000), channel: 'Google', url: 'https://www.nexmark.com/item.htm', dateTime, extra: '' }) });
        await producer.send({ topic: topics.bid, messages });
        if (now >= measureFrom && now < measureTo) sent += n;
      }
      await sleep(10);
    }
    // The last records of the measured phase have a few seconds to arrive.
    const want = sent;
    for (let i = 0; i < 100 && latencies.length < want; i++) await sleep(100);
  } finally {
    await producer.disconnect();
    await engineRun.stop();
    await consumer.disconnect();
    fs.rmSync(file, { force: true });
  }
  latencies.sort((a, b) => a - b);
  return { engine, sent, received: latencies.length, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.length ? latencies[latencies.length - 1] : NaN, achievedRate: sent / seconds };
}

export async function runNexmarkLatency(ctx) {
  const rate = Number(process.env.FLINK_BENCH_LATENCY_RATE ?? 10_000);
  const seconds = Number(process.env.FLINK_BENCH_LATENCY_SECONDS ?? 30);
  const warmup = Number(process.env.FLINK_BENCH_LATENCY_WARMUP_SECONDS ?? 10);
  ctx.nexmarkScript ??= (await ctx.dist('bench/nexmark/queries.js')).nexmarkScript;
  const rows = [];
  for (const engine of ctx.engines) {
    const load = os.loadavg()[0];
    const r = await measure(ctx, engine, rate, seconds, warmup);
    rows.push({ ...r, load });
    ctx.log(`latency ${engine}: ${r.received} of ${r.sent} measured bids read back, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms at ${Math.round(r.achievedRate)} bids/s (load ${load.toFixed(1)})`);
  }
  console.log(`\nNexmark q0 end-to-end latency, ${rate} bids/s asked, ${seconds} s measured after ${warmup} s of warm-up\n`);
  console.log('| engine | bids/s produced | measured bids read back | p50 ms | p99 ms | max ms | load |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.engine} | ${Math.round(r.achievedRate)} | ${r.received} / ${r.sent} | ${r.p50} | ${r.p99} | ${r.max} | ${r.load.toFixed(1)} |`);
}
