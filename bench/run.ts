/**
 * `npm run bench`: engine cost in-process (rows pushed straight into the compiled dataflow) and end to end
 * through the real Kafka broker (protobuf records preloaded into a topic, a job consumes them all).
 * Prints one line per scenario and a summary; figures go into BENCHMARKS.md with the command.
 *
 * Options (env): BENCH_ROWS (in-process rows, default 2,000,000), BENCH_KAFKA_ROWS (default 300,000),
 * BENCH_ONLY=inprocess|kafka, BENCH_TOPIC=<a topic preloaded by an earlier run>, BENCH_SCENARIO=<part of a scenario name: tumble, hop, filter, join (interval and regular), regular, interval, delivery; in-process it also leaves out the decode, post and parquet parts>, BENCH_KAFKA=127.0.0.1:9092,
 * BENCH_INPUT=protobuf|json (the Kafka half's booking records: protobuf, or the same values as JSON with an ISO-8601
 * event time, as scripts/flink-bench.mjs writes them; the join's payments stay protobuf).
 * Each line also gives the share of the run's wall time spent in garbage collection (`gc`).
 * The `delivery` scenarios run filter+project Kafka to Kafka as an UNBOUNDED job with checkpoints (stopped once
 * it has read every record), at-least-once against exactly-once at checkpoint intervals of 1 s and 10 s.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import kafkajs from '../src/connectors/kafka/kafkajs.js';
import { silentLogger } from '../src/core/logger.js';
import type { Row, TableSchema } from '../src/core/types.js';
import { parseJobConfig } from '../src/config/index.js';
import { prepareJob } from '../src/job/prepare.js';
import { startJob } from '../src/job/stream-manager.js';
import { buildDataflow } from '../src/runtime/dataflow.js';
import { openDescriptorRegistry, protoTableSchema } from '../src/schema/index.js';
import { createRowGenerator } from '../src/connectors/datagen/datagen-source.js';
import { builtinFunctions } from '../src/sql/functions/index.js';
import { planSql } from '../src/sql/planner.js';
import { createFunctionCatalog } from '../src/udf/registry.js';
import { daggerFunctions } from '../udfs/index.js';
import { BOOKING_JSON_SCHEMA, bookingFields, bookingJson } from './booking-json.js';
import { run as decodeBench } from './decode-bench.js';
import { run as postBench } from './post-bench.js';
import { run as parquetBench } from './parquet-bench.js';

/** Milliseconds of garbage collection (pauses on the main thread) since the process started. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

interface Result {
  readonly scenario: string;
  readonly mode: 'in-process' | 'kafka';
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p99BatchMs?: number;
  readonly outputRows: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: number;
  readonly gcSeconds: number;
}

const ROWS = Number(process.env['BENCH_ROWS'] ?? 2_000_000);
const KAFKA_ROWS = Number(process.env['BENCH_KAFKA_ROWS'] ?? 300_000);
const ONLY = process.env['BENCH_ONLY'];
const BROKER = process.env['BENCH_KAFKA'] ?? '127.0.0.1:9092';
const INPUT = process.env['BENCH_INPUT'] === 'json' ? 'json' : 'protobuf';
const REPO = resolve(import.meta.dirname, '..', '..');

const SCENARIOS: Record<string, string> = {
  'filter+project':
    "SELECT order_number, UPPER(service_type) AS service, order_amount * 1.1 AS amount_with_tax, rowtime FROM booking WHERE status <> 'CANCELLED' AND order_amount > 10",
  'tumble count by key':
    "SELECT service_area_id, COUNT(*) AS bookings, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_end FROM booking GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service_area_id",
  'hop 1m/1h count by key':
    "SELECT service_area_id, COUNT(*) AS bookings, HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR) AS window_end FROM booking GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR), service_area_id",
  'interval join':
    "SELECT b.order_number, b.order_amount, p.amount FROM booking b JOIN payment p ON b.order_number = p.order_id AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '5' MINUTE",
  // The booking regular join of scripts/flink-bench.mjs: nothing expires, so every row of both sides stays stored.
  'regular join':
    'SELECT b.order_number, b.service_area_id, p.amount, p.rowtime AS paid_at FROM booking b JOIN payment p ON b.order_number = p.order_id',
};

function rss(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function cpu(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

function p99(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!;
}

async function schemas(): Promise<{ booking: TableSchema; payment: TableSchema }> {
  const reg = await openDescriptorRegistry({ kind: 'files', dirs: [join(REPO, 'protos')] });
  const booking = protoTableSchema(reg, 'dirk.examples.BookingLogMessage', { table: 'booking', rowtimeFieldNumber: 5, rowtimeName: 'rowtime' });
  const payment = protoTableSchema(reg, 'dirk.examples.PaymentLogMessage', { table: 'payment', rowtimeFieldNumber: 4, rowtimeName: 'rowtime' });
  reg.close();
  return { booking, payment };
}

interface Workload {
  readonly bookings: Row[][];
  readonly payments: Row[][];
}

/** Generated once, outside the timed region: 1000-row batches of bookings and of matching payments. */
function workload(tables: { booking: TableSchema; payment: TableSchema }): Workload {
  const gen = createRowGenerator(tables.booking, {
    seed: 1,
    eventIntervalMs: 1,
    vocabulary: { service_type: 4, status: 3, customer_id: 10_000 },
    vocabularySize: 50,
  });
  const b = tables.booking.columns.map((c) => c.name);
  const iOrder = b.indexOf('order_number');
  const iAmount = b.indexOf('order_amount');
  const iTime = tables.booking.rowtimeIndex!;
  const bookings: Row[][] = [];
  const payments: Row[][] = [];
  let n = 0;
  for (let i = 0; i < ROWS / 2000; i++) {
    const batch = gen.batch(1000);
    // Unique order numbers; each booking is paid 0-4 minutes later (all inside the 5 minute join bound).
    for (const r of batch) r[iOrder] = `ORD-${n++}`;
    bookings.push(batch);
    payments.push(batch.map((r) => [r[iOrder], r[iAmount], 'CARD', null, (r[iTime] as number) + (n % 240) * 1000]));
  }
  return { bookings, payments };
}

/**
 * The regular join stores every row it reads, so its rows must be what a source hands over: fresh objects per
 * batch (not the workload's, which live all run anyway) with the columns the query does not read left NULL, as
 * the decoders leave them. Each batch is JSON text, parsed in the timed loop (standing in for the decode).
 */
function decodedBatches(scans: readonly { table: { name: string }; used: ReadonlySet<number> }[], w: Workload): { bookings: string[]; payments: string[] } {
  const usedOf = (table: string): Set<number> => new Set(scans.filter((s) => s.table.name === table).flatMap((s) => [...s.used]));
  const text = (batches: Row[][], used: Set<number>): string[] => batches.map((b) => JSON.stringify(b.map((r) => r.map((v, i) => (used.has(i) ? v : null)))));
  return { bookings: text(w.bookings, usedOf('booking')), payments: text(w.payments, usedOf('payment')) };
}

async function inProcess(name: string, sql: string, tables: { booking: TableSchema; payment: TableSchema }, w: Workload): Promise<Result> {
  const functions = createFunctionCatalog(builtinFunctions).with(daggerFunctions, 'udfs');
  const plan = planSql(sql, { table: (n) => (n === 'booking' ? tables.booking : n === 'payment' ? tables.payment : undefined), tableNames: () => ['booking', 'payment'], functions });
  let out = 0;
  const flow = buildDataflow(plan, { data: (rows) => (out += rows.length), watermark: () => {} }, { hooks: { late() {} }, retentionMs: 0, now: Date.now });
  const join = name === 'interval join' || name === 'regular join';
  const bookingPort = flow.inputs.find((i) => i.table === 'booking')!;
  const paymentPort = flow.inputs.find((i) => i.table === 'payment');
  const timeIdx = tables.booking.rowtimeIndex!;
  const decoded = name === 'regular join' ? decodedBatches(plan.scans, w) : undefined;
  let events = 0;
  const g0 = gcMs;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < w.bookings.length; i++) {
    const rows = decoded ? (JSON.parse(decoded.bookings[i]!) as Row[]) : w.bookings[i]!;
    const wm = (rows[rows.length - 1]![timeIdx] as number) - 1000;
    bookingPort.push(rows);
    bookingPort.watermark(wm);
    events += rows.length;
    if (join) {
      paymentPort!.push(decoded ? (JSON.parse(decoded.payments[i]!) as Row[]) : w.payments[i]!);
      paymentPort!.watermark(wm);
      events += rows.length;
    } else {
      // Same event count for every scenario: a second booking batch stands in for the payments.
      bookingPort.push(w.bookings[i]!.map((r) => r));
      events += rows.length;
    }
    flow.batchEnd();
  }
  for (const p of flow.inputs) p.watermark(Infinity);
  flow.batchEnd();
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpu(c0);
  // GC entries reach the observer asynchronously: let them arrive before reading the total.
  await new Promise((r) => setTimeout(r, 50));
  return {
    scenario: name,
    mode: 'in-process',
    events,
    seconds,
    eventsPerSecond: events / seconds,
    outputRows: out,
    peakRssMb: rss(),
    cpuSeconds,
    gcSeconds: (gcMs - g0) / 1000,
  };
}

function ensureBroker(): void {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'kafka.mjs'), 'start'], { stdio: 'inherit' });
}

async function preload(topic: string, n: number): Promise<number> {
  const root = await openDescriptorRegistry({ kind: 'files', dirs: [join(REPO, 'protos')] });
  const type = root.lookupType('dirk.examples.BookingLogMessage');
  const kafka = new kafkajs.Kafka({ brokers: [BROKER], clientId: 'dirk-bench', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: `${topic}-out`, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const t0 = Date.UTC(2026, 0, 1);
  let bytes = 0;
  for (let i = 0; i < n; i += 5000) {
    const messages = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) {
      const at = t0 + j * 10;
      const fields = bookingFields(j);
      const value =
        INPUT === 'json'
          ? bookingJson(j, at)
          : Buffer.from(type.encode(type.fromObject({ ...fields, event_timestamp: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1e6 } })).finish());
      bytes += value.length;
      messages.push({ value, partition: j % 2 });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  root.close();
  return bytes / n;
}

/**
 * Payments for the interval join: one per booking of `preload` (same order numbers, `ORD-<j>`), paid 0-239 s
 * after the booking (inside the 5 minute bound), 2 partitions like the booking topic. The topic is in
 * payment-time order, as a real payment log is: with up to 239 s of disorder and the bench's 1 s watermark
 * delay, payments would be dropped as late whenever the booking input ran ahead.
 */
async function preloadPayments(topic: string, n: number): Promise<number> {
  const root = await openDescriptorRegistry({ kind: 'files', dirs: [join(REPO, 'protos')] });
  const type = root.lookupType('dirk.examples.PaymentLogMessage');
  const kafka = new kafkajs.Kafka({ brokers: [BROKER], clientId: 'dirk-bench', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const methods = ['CARD', 'CASH', 'WALLET'];
  const t0 = Date.UTC(2026, 0, 1);
  let bytes = 0;
  const order = Array.from({ length: n }, (_, j) => ({ j, at: t0 + j * 10 + (j % 240) * 1000 })).sort((a, b) => a.at - b.at || a.j - b.j);
  for (let i = 0; i < n; i += 5000) {
    const messages = [];
    for (const { j, at } of order.slice(i, i + 5000)) {
      const value = Buffer.from(
        type.encode(type.fromObject({ order_id: `ORD-${j}`, amount: (j % 1000) / 10, method: methods[j % 3], event_timestamp: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1e6 } })).finish(),
      );
      bytes += value.length;
      messages.push({ value, partition: j % 2 });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  root.close();
  return bytes / n;
}

async function topicExists(topic: string): Promise<boolean> {
  const admin = new kafkajs.Kafka({ brokers: [BROKER], clientId: 'dirk-bench', logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

function kafkaStream(table: string, protoClass: string, tsField: number, topic: string): Record<string, unknown> {
  return {
    INPUT_SCHEMA_TABLE: table,
    INPUT_SCHEMA_PROTO_CLASS: protoClass,
    INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: String(tsField),
    SOURCE_KAFKA_TOPIC_NAMES: topic,
    SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: BROKER,
    SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `bench-${Date.now()}-${Math.random()}`,
    SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
  };
}

/** An UNBOUNDED run with checkpoints, stopped once every input record was read (the delivery scenarios). */
interface Checkpointed {
  readonly guarantee: 'AT_LEAST_ONCE' | 'EXACTLY_ONCE';
  readonly intervalMs: number;
}

async function kafkaEndToEnd(name: string, sql: string, topic: string, sinkTopic: string | undefined, paymentTopic?: string, checkpointed?: Checkpointed): Promise<Result> {
  const { config } = parseJobConfig({
    FLINK_JOB_ID: `bench-${Date.now()}`,
    STREAMS: [
      ...(paymentTopic ? [kafkaStream('payment', 'dirk.examples.PaymentLogMessage', 4, paymentTopic)] : []),
      {
        INPUT_SCHEMA_TABLE: 'booking',
        ...(INPUT === 'json'
          ? { INPUT_DATATYPE: 'JSON', INPUT_SCHEMA_JSON_SCHEMA: JSON.stringify(BOOKING_JSON_SCHEMA), INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'event_timestamp' }
          : { INPUT_SCHEMA_PROTO_CLASS: 'dirk.examples.BookingLogMessage', INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: '5' }),
        SOURCE_KAFKA_TOPIC_NAMES: topic,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: BROKER,
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `bench-${Date.now()}-${Math.random()}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        SOURCE_DETAILS: [{ SOURCE_TYPE: checkpointed ? 'UNBOUNDED' : 'BOUNDED', SOURCE_NAME: 'KAFKA_SOURCE' }],
      },
    ],
    ...(checkpointed ? { FLINK_CHECKPOINT_INTERVAL_MS: String(checkpointed.intervalMs), SINK_KAFKA_DELIVERY_GUARANTEE: checkpointed.guarantee } : {}),
    FLINK_SQL_QUERY: sql,
    FLINK_WATERMARK_DELAY_MS: '1000',
    FLINK_WATERMARK_PER_PARTITION_ENABLE: 'true',
    FLINK_WATERMARK_INTERVAL_MS: '200',
    SCHEMA_PROTO_DIRS: join(REPO, 'protos'),
    METRIC_TELEMETRY_ENABLE: 'false',
    ...(sinkTopic
      ? { SINK_TYPE: 'kafka', SINK_KAFKA_BROKERS: BROKER, SINK_KAFKA_TOPIC: sinkTopic, SINK_KAFKA_DATA_TYPE: 'JSON' }
      : { SINK_TYPE: 'log' }),
  });
  const job = await prepareJob(config, silentLogger);
  const batchMs: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'dirk-bench-'));
  let out = 0;
  const devNull = new (await import('node:stream')).Writable({
    write(chunk: Buffer, _e, cb) {
      out += chunk.toString().split('\n').length - 1;
      cb();
    },
  });
  const g0 = gcMs;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let read = 0;
  const running = await startJob(job, {
    logger: silentLogger,
    checkpointDir: dir,
    out: devNull,
    onBatch: (ms, rows) => {
      batchMs.push(ms);
      read += rows;
      // Unbounded: a graceful stop (final checkpoint and commit) once everything was read.
      if (checkpointed && read >= KAFKA_ROWS) void running.stop();
    },
  });
  await running.done;
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 50));
  rmSync(dir, { recursive: true, force: true });
  // A join reads both topics: every booking and every payment is an input event.
  const events = paymentTopic ? 2 * KAFKA_ROWS : KAFKA_ROWS;
  return {
    scenario: name,
    mode: 'kafka',
    events,
    seconds,
    eventsPerSecond: events / seconds,
    p99BatchMs: p99(batchMs),
    outputRows: sinkTopic ? Number.NaN : out,
    peakRssMb: rss(),
    cpuSeconds: cpu(c0),
    gcSeconds: (gcMs - g0) / 1000,
  };
}

function print(r: Result): void {
  const eps = Math.round(r.eventsPerSecond).toLocaleString('en-US');
  const perCore = Math.round(r.events / Math.max(r.cpuSeconds, 1e-9)).toLocaleString('en-US');
  console.log(
    `${r.mode.padEnd(10)} ${r.scenario.padEnd(24)} ${r.events.toLocaleString('en-US').padStart(10)} events  ${r.seconds.toFixed(2).padStart(6)} s  ${eps.padStart(11)} events/s  ${perCore.padStart(11)} events/cpu-s` +
      `${r.p99BatchMs !== undefined ? `  p99 batch ${r.p99BatchMs.toFixed(1)} ms` : ''}${Number.isNaN(r.outputRows) ? '' : `  out ${r.outputRows.toLocaleString('en-US')} rows`}  gc ${((100 * r.gcSeconds) / r.seconds).toFixed(1)}%  peak RSS ${r.peakRssMb} MB`,
  );
}

async function main(): Promise<void> {
  console.log(`dirk bench: node ${process.version}, ${ROWS.toLocaleString('en-US')} in-process rows, ${KAFKA_ROWS.toLocaleString('en-US')} Kafka rows`);
  const tables = await schemas();
  const want = (name: string): boolean => !process.env['BENCH_SCENARIO'] || name.includes(process.env['BENCH_SCENARIO']);
  if (ONLY !== 'kafka' && process.env['BENCH_SCENARIO']) {
    // One in-process scenario alone (e.g. BENCH_SCENARIO=filter), without the decode/post/parquet parts.
    const w = workload(tables);
    for (const [name, sql] of Object.entries(SCENARIOS)) if (want(name)) print(await inProcess(name, sql, tables, w));
  } else if (ONLY !== 'kafka') {
    // Protobuf decoding, full against projection pushdown (20-field message).
    for (const m of await decodeBench()) console.log(`decode     ${m.name.padEnd(40)} ${Math.round(m.value).toLocaleString('en-US').padStart(12)} ${m.unit}`);
    // HTTP enrichment (an http post-processor against a 5 ms local server) at capacity 1, 10 and 100.
    for (const m of await postBench()) console.log(`post       ${m.name.padEnd(48)} ${Math.round(m.value).toLocaleString('en-US').padStart(12)} ${m.unit}`);
    // Parquet source read rate, all columns against column pushdown.
    for (const m of await parquetBench()) console.log(`parquet    ${m.name.padEnd(46)} ${Math.round(m.value).toLocaleString('en-US').padStart(12)} ${m.unit}`);
    const w = workload(tables);
    for (const [name, sql] of Object.entries(SCENARIOS)) print(await inProcess(name, sql, tables, w));
  }
  if (ONLY !== 'inprocess') {
    ensureBroker();
    // BENCH_TOPIC reuses a topic preloaded by an earlier run (e.g. to profile the job alone).
    const topic = process.env['BENCH_TOPIC'] ?? `bench-bookings-${INPUT}-${Date.now()}`;
    if (!process.env['BENCH_TOPIC']) {
      const size = await preload(topic, KAFKA_ROWS);
      console.log(`preloaded ${KAFKA_ROWS.toLocaleString('en-US')} ${INPUT} records of ${size.toFixed(0)} bytes on average into ${topic}`);
    }
    if (want('tumble')) print(await kafkaEndToEnd('tumble count by key', SCENARIOS['tumble count by key']!, topic, undefined));
    if (want('hop')) print(await kafkaEndToEnd('hop 1m/1h count by key', SCENARIOS['hop 1m/1h count by key']!, topic, undefined));
    if (want('filter')) print(await kafkaEndToEnd('filter+project -> kafka', SCENARIOS['filter+project']!, topic, `${topic}-out`));
    if (want('join')) {
      const payments = `${topic}-payments`;
      if (!(await topicExists(payments))) {
        const size = await preloadPayments(payments, KAFKA_ROWS);
        console.log(`preloaded ${KAFKA_ROWS.toLocaleString('en-US')} protobuf payments of ${size.toFixed(0)} bytes on average into ${payments}`);
      }
      const r = await kafkaEndToEnd('interval join', SCENARIOS['interval join']!, topic, undefined, payments);
      print(r);
      if (r.outputRows !== KAFKA_ROWS) console.log(`  interval join: expected ${KAFKA_ROWS.toLocaleString('en-US')} joined rows, got ${r.outputRows.toLocaleString('en-US')}`);
    }
    if (want('delivery')) {
      // Kafka to Kafka with checkpoints: what transactions cost (one commit, with sendOffsets, per checkpoint).
      for (const intervalMs of [1000, 10_000]) {
        for (const guarantee of ['AT_LEAST_ONCE', 'EXACTLY_ONCE'] as const) {
          const label = `${guarantee === 'EXACTLY_ONCE' ? 'exactly' : 'at-least'}-once ckpt ${intervalMs / 1000}s`;
          print(await kafkaEndToEnd(label, SCENARIOS['filter+project']!, topic, `${topic}-out`, undefined, { guarantee, intervalMs }));
        }
      }
    }
  }
}

/** Without BENCH_ONLY, each half runs in a fresh process so that one's heap does not tax the other's figures. */
function runHalves(): void {
  for (const only of ['inprocess', 'kafka']) {
    execFileSync(process.execPath, [process.argv[1]!], { stdio: 'inherit', env: { ...process.env, BENCH_ONLY: only } });
  }
}

(ONLY ? main() : Promise.resolve(runHalves())).catch((e) => {
  console.error(e);
  process.exit(1);
});
